/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - the command line of each object and command, into a request
 *
 * Parsing needs no kernel: every usage error is found (exit status 2)
 * before a socket is opened, and tests call these directly.
 */
#ifndef VSWCTL_ARGS_H
#define VSWCTL_ARGS_H

#include <stdbool.h>

#include "model.h"

#define VSW_HELP	(-1)	/* help was asked for and printed */

struct vsw_ctx;

/* A parsed command line: the request and what only vswctl acts on. */
struct vsw_req {
	struct vsw_msg m;	/* cmd and attributes to send */
	bool dump;		/* show without a selector */
	bool any_switch;	/* port show: no switch given, all of them */
	char dev[IFNAMSIZ];	/* fdb: the port's device, to resolve to an id */
	unsigned int events;	/* monitor: bit per object (VSW_EV_*) */
	const char *file;	/* policy: the policy file */
};

#define VSW_EV_SWITCH	1u
#define VSW_EV_PORT	2u
#define VSW_EV_FDB	4u
#define VSW_EV_FLOWS	8u	/* not in the default set: a flow log is */
				/* asked for */

struct vsw_cmd_def {
	const char *name;
	int (*parse)(int argc, char **argv, struct vsw_req *r);
	int (*run)(struct vsw_ctx *ctx, struct vsw_req *r);
	bool no_kernel;		/* runs without the vswitch family */
};

struct vsw_object {
	const char *name;
	const char *usage;
	const struct vsw_cmd_def *cmds;	/* NULL name ends it */
	const char *def_cmd;		/* command when none is given, or NULL */
};

/* The usage of the whole tool. */
extern const char vsw_usage_main[];

/* The object named exactly @name, or NULL. */
const struct vsw_object *vsw_object_find(const char *name);

/*
 * Parse "COMMAND ARGS..." of object @o into @r (zeroed first) and set
 * *@cmd. Return: 0, VSW_HELP, or EXIT_USAGE (message printed).
 */
int vsw_args_parse(const struct vsw_object *o, int argc, char **argv,
		   struct vsw_req *r, const struct vsw_cmd_def **cmd);

#endif /* VSWCTL_ARGS_H */
