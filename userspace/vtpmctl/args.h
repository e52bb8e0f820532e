/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - the command line of each object and command, into a request
 *
 * Parsing needs no kernel: every usage error is found (exit status 2)
 * before a socket is opened, and tests call these directly.
 */
#ifndef VTPMCTL_ARGS_H
#define VTPMCTL_ARGS_H

#include <stdbool.h>

#include "model.h"

#define VTPM_HELP	(-1)	/* help was asked for and printed */

struct vtpm_ctx;

/* A parsed command line: the request and what only vtpmctl acts on. */
struct vtpm_req {
	struct vtpm_msg m;	/* cmd and attributes to send */
	bool dump;		/* show without a selector */
};

struct vtpm_cmd_def {
	const char *name;
	int (*parse)(int argc, char **argv, struct vtpm_req *r);
	int (*run)(struct vtpm_ctx *ctx, struct vtpm_req *r);
};

struct vtpm_object {
	const char *name;
	const char *usage;
	const struct vtpm_cmd_def *cmds;	/* NULL name ends it */
	const char *def_cmd;		/* command when none is given, or NULL */
};

/* The usage of the whole tool. */
extern const char vtpm_usage_main[];

/* The object named exactly @name, or NULL. */
const struct vtpm_object *vtpm_object_find(const char *name);

/*
 * Parse "COMMAND ARGS..." of object @o into @r (zeroed first) and set
 * *@cmd. Return: 0, VTPM_HELP, or EXIT_USAGE (message printed).
 */
int vtpm_args_parse(const struct vtpm_object *o, int argc, char **argv,
		    struct vtpm_req *r, const struct vtpm_cmd_def **cmd);

#endif /* VTPMCTL_ARGS_H */
