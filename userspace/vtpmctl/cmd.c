// SPDX-License-Identifier: GPL-2.0
/*
 * cmd.c - what each command does with the kernel
 *
 * show collects a whole dump before printing anything: a dump the kernel
 * flags as interrupted is redone from scratch (nl.c).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "print.h"
#include "show.h"
#include "util.h"

struct list {
	struct vtpm_inst *v;
	size_t n, cap;
};

static int list_add(const void *msg, void *arg)
{
	const struct vtpm_msg *m = msg;
	struct list *l = arg;
	struct vtpm_inst *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
	}
	l->v[l->n++] = m->inst;
	return 0;
}

static void list_reset(void *arg)
{
	((struct list *)arg)->n = 0;
}

static int exit_of(int err)
{
	return err ? EXIT_KERNEL : 0;
}

int vtpm_run_do(struct vtpm_ctx *ctx, struct vtpm_req *r)
{
	return exit_of(genl_do(&ctx->nl, r->m.cmd, &r->m, NULL, NULL));
}

static void print_list(const struct list *l)
{
	pr_open_array(NULL);
	for (size_t i = 0; i < l->n; i++)
		vtpm_show_instance(&l->v[i]);
	pr_close_array();
}

/* The kernel replies with the new instance: print it as show does. */
int vtpm_run_add(struct vtpm_ctx *ctx, struct vtpm_req *r)
{
	struct list l = { 0 };
	int err = genl_do(&ctx->nl, r->m.cmd, &r->m, list_add, &l);

	if (!err)
		print_list(&l);
	free(l.v);
	return exit_of(err);
}

int vtpm_run_show(struct vtpm_ctx *ctx, struct vtpm_req *r)
{
	struct list l = { 0 };
	int err;

	if (r->dump)
		err = genl_dump(&ctx->nl, r->m.cmd, &r->m, list_add,
				list_reset, &l);
	else
		err = genl_do(&ctx->nl, r->m.cmd, &r->m, list_add, &l);
	if (!err)
		print_list(&l);
	free(l.v);
	return exit_of(err);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int print_event(const void *msg, void *arg)
{
	(void)arg;
	vtpm_show_event(msg);
	pr_flush();
	return 0;
}

int vtpm_run_monitor(struct vtpm_ctx *ctx, struct vtpm_req *r)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */

	(void)r;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return exit_of(genl_monitor(&ctx->nl, print_event, NULL, &stop));
}
