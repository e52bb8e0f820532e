/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.h - what each command does with the kernel
 */
#ifndef VTPMCTL_CMD_H
#define VTPMCTL_CMD_H

#include <stdbool.h>

#include "args.h"
#include "nl.h"

struct vtpm_ctx {
	struct genl_sock nl;
	bool json;		/* -j or -p */
};

int vtpm_run_do(struct vtpm_ctx *ctx, struct vtpm_req *r);
int vtpm_run_add(struct vtpm_ctx *ctx, struct vtpm_req *r);
int vtpm_run_show(struct vtpm_ctx *ctx, struct vtpm_req *r);
int vtpm_run_monitor(struct vtpm_ctx *ctx, struct vtpm_req *r);

#endif /* VTPMCTL_CMD_H */
