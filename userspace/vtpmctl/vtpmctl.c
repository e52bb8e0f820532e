// SPDX-License-Identifier: GPL-2.0
/*
 * vtpmctl - manage vtpm instances (per-VM TPM 2.0 chips) over generic
 * netlink
 *
 *   vtpmctl [OPTIONS] OBJECT COMMAND [ARGS]
 *   OBJECT := { instance | monitor }
 *
 * There is no -n NETNS: the vtpm family lives in the initial network
 * namespace only (TPM chips and their device nodes are host-wide).
 *
 * Exit status: 0 success, 1 the kernel (or the system) refused (message
 * on stderr, with the kernel's extended ACK), 2 usage error.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "print.h"
#include "util.h"

#define VTPMCTL_VERSION	"1.0"

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Options; returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct vtpm_ctx *ctx, bool *pretty)
{
	int c;

	opterr = 0;
	/* "+": options end at the object, as in ip(8) */
	while ((c = getopt_long(argc, argv, "+:jpVh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctx->json = true;
			break;
		case 'p':
			ctx->json = *pretty = true;
			break;
		case 'V':
			printf("vtpmctl %s (vtpm family version %d)\n",
			       VTPMCTL_VERSION, VTPM_FAMILY_VERSION);
			return 0;
		case 'h':
			return genl_help(vtpm_usage_main);
		case ':':
			return genl_usage_err(vtpm_usage_main,
					      "option \"%s\" needs a value",
					      argv[optind - 1]);
		default:
			return genl_usage_err(vtpm_usage_main,
					      "unknown option \"%s\"",
					      argv[optind - 1]);
		}
	}
	return -1;
}

static int run(struct vtpm_ctx *ctx, const struct vtpm_cmd_def *cmd,
	       struct vtpm_req *r)
{
	int ret;

	if (genl_open(&ctx->nl, &vtpm_family, NULL))
		return EXIT_KERNEL;
	ret = cmd->run(ctx, r);
	pr_flush();
	genl_close(&ctx->nl);
	return ret;
}

int main(int argc, char **argv)
{
	const struct vtpm_cmd_def *cmd = NULL;
	const struct vtpm_object *o;
	struct vtpm_ctx ctx = { 0 };
	struct vtpm_req req;
	bool pretty = false;
	int ret;

	ret = parse_opts(argc, argv, &ctx, &pretty);
	if (ret >= 0)
		return ret;
	argc -= optind;
	argv += optind;
	if (!argc)
		return genl_usage_err(vtpm_usage_main, "an object is required");
	if (!strcmp(argv[0], "help"))
		return genl_help(vtpm_usage_main);
	o = vtpm_object_find(argv[0]);
	if (!o)
		return genl_usage_err(vtpm_usage_main, "unknown object \"%s\"",
				      argv[0]);
	ret = vtpm_args_parse(o, argc - 1, argv + 1, &req, &cmd);
	if (ret)
		return ret == VTPM_HELP ? 0 : ret;
	pr_init(stdout, ctx.json, pretty);
	return run(&ctx, cmd, &req);
}
