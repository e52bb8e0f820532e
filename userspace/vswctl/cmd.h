/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cmd.h - what each command does with the kernel
 */
#ifndef VSWCTL_CMD_H
#define VSWCTL_CMD_H

#include <stdbool.h>

#include "args.h"
#include "nl.h"

struct vsw_ctx {
	struct genl_sock nl;
	bool stats;		/* -s */
	bool json;		/* -j or -p */
};

/*
 * Every port of switch @sw into *@ports (malloc'ed: free it), *@n of them.
 * Return: 0, or a negative error (message printed).
 */
int vsw_switch_ports(struct vsw_ctx *ctx, const char *sw,
		     struct vsw_port **ports, size_t *n);

int vsw_run_do(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_switch_change(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_switch_show(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_port_show(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_fdb_show(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_fdb_port(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_stats(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_monitor(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_policy_check(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_policy_apply(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_policy_show(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_ct_show(struct vsw_ctx *ctx, struct vsw_req *r);
int vsw_run_ct_flush(struct vsw_ctx *ctx, struct vsw_req *r);

#endif /* VSWCTL_CMD_H */
