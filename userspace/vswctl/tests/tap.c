// SPDX-License-Identifier: GPL-2.0
/*
 * tap.c - what the unit tests of vswctl share
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "print.h"
#include "tap.h"
#include "util.h"

int n_test, n_fail;

void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		n_fail++;
}

/* Compare @got with @want; on a difference, show both as comments. */
void same(const char *got, const char *want, const char *name)
{
	int eq = !strcmp(got, want);

	ok(eq, "%s", name);
	if (!eq)
		printf("# got:\n# %s\n# want:\n# %s\n", got, want);
}

/* ------------------------------------------------------------ capture */

static char *cap_buf;
static size_t cap_len;
FILE *cap;

void cap_begin(void)
{
	cap = open_memstream(&cap_buf, &cap_len);
}

/* The text captured since cap_begin(); valid until the next capture. */
const char *cap_end(void)
{
	static char *last;

	fclose(cap);
	free(last);
	last = cap_buf;
	return last;
}

/* Printer output in text (json false) or compact JSON. */
void out_begin(bool json)
{
	cap_begin();
	pr_init(cap, json, false);
}

const char *out_end(void)
{
	pr_flush();
	return cap_end();
}


/* Parse "OBJECT ARGS..." (split on blanks); @err: the message printed. */
int parse(const char *line, struct vsw_req *r, const char **err)
{
	const struct vsw_cmd_def *cmd;
	const struct vsw_object *o;
	char *copy = strdup(line), *argv[32], *tok, *save = NULL;
	int argc = 0, ret;

	for (tok = strtok_r(copy, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	o = vsw_object_find(argv[0]);
	cap_begin();
	genl_err = cap;
	ret = o ? vsw_args_parse(o, argc - 1, argv + 1, r, &cmd) : -100;
	genl_err = NULL;
	*err = cap_end();
	free(copy);
	return ret;
}

/* Usage errors: exit status 2, a message, and the object's usage. */
#define FAMILY	0x1d

struct nl_msg *genl_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, 0, 1, FAMILY, 0, 0, cmd, VSWITCH_FAMILY_VERSION);
	return msg;
}

/* The attribute @type of the nest @type_nest of @msg's top level. */
struct nlattr *find2(struct nl_msg *msg, int nest, int type)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *n = nla_find(genlmsg_attrdata(nlmsg_data(nlh), 0),
				    genlmsg_attrlen(nlmsg_data(nlh), 0), nest);

	return n ? nla_find(nla_data(n), nla_len(n), type) : NULL;
}

/* A request from a command line, as it goes on the wire and back. */
int tap_done(void)
{
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
