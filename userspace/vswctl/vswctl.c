// SPDX-License-Identifier: GPL-2.0
/*
 * vswctl - configure vswitch L2 switches over generic netlink
 *
 *   vswctl [OPTIONS] OBJECT COMMAND [ARGS]
 *   OBJECT := { switch | port | fdb | stats | policy | ct | monitor }
 *
 * Exit status: 0 success, 1 the kernel (or the system) refused (message
 * on stderr, with the kernel's extended ACK), 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cmd.h"
#include "print.h"
#include "util.h"

#define VSWCTL_VERSION	"1.0"

static const struct option long_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "stats", no_argument, NULL, 's' },
	{ "netns", required_argument, NULL, 'n' },
	{ "version", no_argument, NULL, 'V' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/*
 * -n NETNS: work in the named network namespace (ip-netns(8)'s
 * /run/netns/NETNS), as `ip -n` does: the switches, ports and devices
 * named are that namespace's.
 */
static int enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return genl_usage_err(vsw_usage_main,
				      "\"%s\" is not a network namespace name", name);
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "vswctl: network namespace \"%s\": %s\n", name,
			strerror(errno));
		return EXIT_KERNEL;
	}
	if (setns(fd, CLONE_NEWNET)) {
		fprintf(stderr, "vswctl: cannot enter network namespace \"%s\": %s\n",
			name, strerror(errno));
		close(fd);
		return EXIT_KERNEL;
	}
	close(fd);
	return -1;
}

/* Options; returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct vsw_ctx *ctx, bool *pretty)
{
	const char *netns = NULL;
	int c;

	opterr = 0;
	/* "+": options end at the object, as in ip(8) */
	while ((c = getopt_long(argc, argv, "+:jpsn:Vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'j':
			ctx->json = true;
			break;
		case 'p':
			ctx->json = *pretty = true;
			break;
		case 's':
			ctx->stats = true;
			break;
		case 'V':
			printf("vswctl %s (vswitch family version %d)\n",
			       VSWCTL_VERSION, VSWITCH_FAMILY_VERSION);
			return 0;
		case 'h':
			return genl_help(vsw_usage_main);
		case ':':
			return genl_usage_err(vsw_usage_main, "option \"%s\" needs a value",
					      argv[optind - 1]);
		default:
			return genl_usage_err(vsw_usage_main, "unknown option \"%s\"",
					      argv[optind - 1]);
		}
	}
	return netns ? enter_netns(netns) : -1;
}

static int run(struct vsw_ctx *ctx, const struct vsw_cmd_def *cmd,
	       struct vsw_req *r)
{
	int ret;

	if (cmd->no_kernel) {
		ret = cmd->run(ctx, r);
		pr_flush();
		return ret;
	}
	if (genl_open(&ctx->nl, &vsw_family, NULL))
		return EXIT_KERNEL;
	ret = cmd->run(ctx, r);
	pr_flush();
	genl_close(&ctx->nl);
	return ret;
}

int main(int argc, char **argv)
{
	const struct vsw_cmd_def *cmd = NULL;
	const struct vsw_object *o;
	struct vsw_ctx ctx = { 0 };
	struct vsw_req req;
	bool pretty = false;
	int ret;

	ret = parse_opts(argc, argv, &ctx, &pretty);
	if (ret >= 0)
		return ret;
	argc -= optind;
	argv += optind;
	if (!argc)
		return genl_usage_err(vsw_usage_main, "an object is required");
	if (!strcmp(argv[0], "help"))
		return genl_help(vsw_usage_main);
	o = vsw_object_find(argv[0]);
	if (!o)
		return genl_usage_err(vsw_usage_main, "unknown object \"%s\"",
				      argv[0]);
	ret = vsw_args_parse(o, argc - 1, argv + 1, &req, &cmd);
	if (ret)
		return ret == VSW_HELP ? 0 : ret;
	pr_init(stdout, ctx.json, pretty);
	return run(&ctx, cmd, &req);
}
