// SPDX-License-Identifier: GPL-2.0
/*
 * cmd.c - what each command does with the kernel
 *
 * Show commands collect a whole dump before printing anything: a dump
 * the kernel flags as interrupted is redone from scratch (nl.c), and the
 * fdb is joined with the port list to name each entry's device.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "print.h"
#include "show.h"
#include "util.h"

/* A growable array of @size-byte elements. */
struct list {
	char *v;
	size_t n, cap, size;
};

static void *list_add(struct list *l)
{
	char *v;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		v = realloc(l->v, l->cap * l->size);
		if (!v)
			return NULL;
		l->v = v;
	}
	return l->v + l->size * l->n++;
}

static void *list_at(const struct list *l, size_t i)
{
	return l->v + l->size * i;
}

static void list_reset(void *arg)
{
	((struct list *)arg)->n = 0;
}

static int exit_of(int err)
{
	return err ? EXIT_KERNEL : 0;
}

int vsw_run_do(struct vsw_ctx *ctx, struct vsw_req *r)
{
	return exit_of(genl_do(&ctx->nl, r->m.cmd, &r->m, NULL, NULL));
}

/*
 * The policy program of BPF object file @path: its first program of
 * type sched_cls (section "tc" or "classifier"), loaded. The kernel
 * takes its own reference: close *@obj after the request.
 */
static int load_policy(const char *path, struct bpf_object **obj, int *fd)
{
	struct bpf_program *prog;
	int err;

	*obj = bpf_object__open_file(path, NULL);
	if (!*obj)
		return -genl_fail("policy %s: cannot open: %s", path,
				  strerror(errno));
	bpf_object__for_each_program(prog, *obj)
		if (bpf_program__type(prog) == BPF_PROG_TYPE_SCHED_CLS)
			break;
	if (!prog)
		return -genl_fail("policy %s: no program of type sched_cls (section \"tc\")",
				  path);
	err = bpf_object__load(*obj);
	if (err)
		return -genl_fail("policy %s: the kernel refused it: %s", path,
				  strerror(-err));
	*fd = bpf_program__fd(prog);
	return 0;
}

/* switch add/set: with "policy OBJECT.o", the program's fd is sent. */
int vsw_run_switch_change(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct vsw_switch *s = &r->m.sw;
	struct bpf_object *obj = NULL;
	int err = 0;

	if (VSW_HAS(s, VSWITCH_A_POLICY_FD) && s->policy_pinned) {
		/* a program another tool loaded and pinned (bpftool) */
		s->policy_fd = bpf_obj_get(s->policy_obj);
		if (s->policy_fd < 0)
			err = -genl_fail("policy %s: %s", s->policy_obj,
					 strerror(errno));
	} else if (VSW_HAS(s, VSWITCH_A_POLICY_FD) &&
		   strcmp(s->policy_obj, "none")) {
		err = load_policy(s->policy_obj, &obj, &s->policy_fd);
	}
	if (!err)
		err = genl_do(&ctx->nl, r->m.cmd, &r->m, NULL, NULL);
	bpf_object__close(obj);
	return exit_of(err);
}

/* ------------------------------------------------------------- switches */

static int add_switch(const void *msg, void *arg)
{
	const struct vsw_msg *m = msg;
	struct vsw_switch *s = list_add(arg);

	if (!s)
		return -ENOMEM;
	*s = m->sw;
	return 0;
}

static int get_switches(struct vsw_ctx *ctx, struct vsw_req *r,
			struct list *l)
{
	l->size = sizeof(struct vsw_switch);
	if (r->dump)
		return genl_dump(&ctx->nl, r->m.cmd, &r->m, add_switch,
				 list_reset, l);
	return genl_do(&ctx->nl, r->m.cmd, &r->m, add_switch, l);
}

int vsw_run_switch_show(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct list l = { 0 };
	int err = get_switches(ctx, r, &l);
	size_t i;

	if (!err) {
		pr_open_array(NULL);
		for (i = 0; i < l.n; i++)
			vsw_show_switch(list_at(&l, i), ctx->stats);
		pr_close_array();
	}
	free(l.v);
	return exit_of(err);
}

/* ----------------------------------------------------------------- ports */

static int add_port(const void *msg, void *arg)
{
	const struct vsw_msg *m = msg;
	struct vsw_port *p = list_add(arg);

	if (!p)
		return -ENOMEM;
	*p = m->port;
	return 0;
}

/* Every port of switch @sw into @l (appended). */
static int dump_ports(struct vsw_ctx *ctx, const char *sw, struct list *l)
{
	struct vsw_msg q = { .cmd = VSWITCH_CMD_PORT_GET };
	size_t start = l->n;
	int err;

	memcpy(q.sw.name, sw, IFNAMSIZ);
	VSW_SET(&q.sw, VSWITCH_A_SWITCH_NAME);
	err = genl_dump(&ctx->nl, q.cmd, &q, add_port, list_reset, l);
	if (err)
		l->n = start;
	return err;
}

int vsw_switch_ports(struct vsw_ctx *ctx, const char *sw,
		     struct vsw_port **ports, size_t *n)
{
	struct list l = { .size = sizeof(struct vsw_port) };
	int err = dump_ports(ctx, sw, &l);

	if (err) {
		free(l.v);
		l.v = NULL;
		l.n = 0;
	}
	*ports = (struct vsw_port *)l.v;
	*n = l.n;
	return err;
}

/* All switches, then each one's ports; a switch gone meanwhile is skipped. */
static int all_ports(struct vsw_ctx *ctx, struct list *ports)
{
	struct vsw_req q = { .m.cmd = VSWITCH_CMD_SWITCH_GET, .dump = true };
	struct list sws = { 0 };
	const struct vsw_switch *s;
	int err = get_switches(ctx, &q, &sws);
	size_t i;

	for (i = 0; !err && i < sws.n; i++) {
		s = list_at(&sws, i);
		err = dump_ports(ctx, s->name, ports);
		if (err == -ENOENT)
			err = 0;
	}
	free(sws.v);
	return err;
}

static bool port_matches(const struct vsw_port *p, const struct vsw_req *r)
{
	const struct vsw_port *sel = &r->m.port;

	return !VSW_HAS(sel, VSWITCH_PORT_A_IFNAME) ||
	       !strcmp(sel->ifname, p->ifname);
}

static size_t count_matches(const struct list *l, const struct vsw_req *r)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		n += port_matches(list_at(l, i), r);
	return n;
}

int vsw_run_port_show(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct list l = { .size = sizeof(struct vsw_port) };
	size_t i;
	int err;

	if (r->any_switch)
		err = all_ports(ctx, &l);
	else if (r->dump)
		err = genl_dump(&ctx->nl, r->m.cmd, &r->m, add_port,
				list_reset, &l);
	else
		err = genl_do(&ctx->nl, r->m.cmd, &r->m, add_port, &l);
	if (!err && !count_matches(&l, r) &&
	    VSW_HAS(&r->m.port, VSWITCH_PORT_A_IFNAME))
		err = -genl_fail("device %s is not a switch port", r->m.port.ifname);
	if (!err) {
		pr_open_array(NULL);
		for (i = 0; i < l.n; i++)
			if (port_matches(list_at(&l, i), r))
				vsw_show_port(list_at(&l, i), ctx->stats);
		pr_close_array();
	}
	free(l.v);
	return exit_of(err);
}

/* ------------------------------------------------------------------- fdb */

/* The id of the port of switch @sw whose device is @dev. */
static int port_id(struct vsw_ctx *ctx, const char *sw, const char *dev,
		   uint32_t *id)
{
	struct vsw_msg q = { .cmd = VSWITCH_CMD_PORT_GET };
	struct list l = { .size = sizeof(struct vsw_port) };
	int err;

	memcpy(q.sw.name, sw, IFNAMSIZ);
	memcpy(q.port.ifname, dev, IFNAMSIZ);
	VSW_SET(&q.sw, VSWITCH_A_SWITCH_NAME);
	VSW_SET(&q.sw, VSWITCH_A_PORT);
	VSW_SET(&q.port, VSWITCH_PORT_A_IFNAME);
	err = genl_do(&ctx->nl, q.cmd, &q, add_port, &l);
	if (!err && l.n)
		*id = ((struct vsw_port *)list_at(&l, 0))->id;
	else if (!err)
		err = -genl_fail("device %s: no port in the reply", dev);
	free(l.v);
	return err;
}

/* "dev IFNAME" of fdb add and flush becomes the port id. */
int vsw_run_fdb_port(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct vsw_fdb *f = &r->m.fdb;

	if (r->dev[0]) {
		if (port_id(ctx, r->m.sw.name, r->dev, &f->port_id))
			return EXIT_KERNEL;
		VSW_SET(f, VSWITCH_FDB_A_PORT_ID);
		VSW_SET(&r->m.sw, VSWITCH_A_FDB);
	}
	return vsw_run_do(ctx, r);
}

static int add_fdb(const void *msg, void *arg)
{
	const struct vsw_msg *m = msg;
	struct vsw_fdb *f = list_add(arg);

	if (!f)
		return -ENOMEM;
	*f = m->fdb;
	return 0;
}

/* Name each entry's device from the port list @ports. */
static void fdb_join(struct list *fdb, const struct list *ports)
{
	struct vsw_fdb *f;
	const struct vsw_port *p;
	size_t i, j;

	for (i = 0; i < fdb->n; i++) {
		f = list_at(fdb, i);
		for (j = 0; j < ports->n; j++) {
			p = list_at(ports, j);
			if (p->id == f->port_id)
				memcpy(f->dev, p->ifname, IFNAMSIZ);
		}
	}
}

int vsw_run_fdb_show(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct list ports = { .size = sizeof(struct vsw_port) };
	struct list fdb = { .size = sizeof(struct vsw_fdb) };
	struct vsw_fdb *f, *sel = &r->m.fdb;
	int err = 0;
	size_t i;

	if (r->dev[0] && !(err = port_id(ctx, r->m.sw.name, r->dev, &sel->port_id)))
		VSW_SET(sel, VSWITCH_FDB_A_PORT_ID);
	if (!err)
		err = dump_ports(ctx, r->m.sw.name, &ports);
	if (!err && r->dump)
		err = genl_dump(&ctx->nl, r->m.cmd, &r->m, add_fdb,
				list_reset, &fdb);
	else if (!err)
		err = genl_do(&ctx->nl, r->m.cmd, &r->m, add_fdb, &fdb);
	if (!err) {
		fdb_join(&fdb, &ports);
		pr_open_array(NULL);
		for (i = 0; i < fdb.n; i++) {
			f = list_at(&fdb, i);
			if (!VSW_HAS(sel, VSWITCH_FDB_A_PORT_ID) ||
			    f->port_id == sel->port_id)
				vsw_show_fdb(f, false);
		}
		pr_close_array();
	}
	free(ports.v);
	free(fdb.v);
	return exit_of(err);
}

/* ------------------------------------------------------ stats, monitor */

static int print_stats(const void *msg, void *arg)
{
	(void)arg;
	pr_open_array(NULL);
	vsw_show_stats_reply(msg);
	pr_close_array();
	return 0;
}

int vsw_run_stats(struct vsw_ctx *ctx, struct vsw_req *r)
{
	return exit_of(genl_do(&ctx->nl, r->m.cmd, &r->m, print_stats, NULL));
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* A port's name, as the flow log prints it. */
struct port_name {
	char sw[IFNAMSIZ];
	uint32_t id;
	char name[IFNAMSIZ];
};

struct monitor {
	unsigned int events;
	bool stats;
	/* flows: port names, from a socket of their own */
	struct genl_sock lookup;
	bool lookup_open;
	struct port_name *names;
	size_t n_names;
};

static unsigned int event_object(uint8_t cmd)
{
	switch (cmd) {
	case VSWITCH_CMD_SWITCH_NEW_NTF:
	case VSWITCH_CMD_SWITCH_DEL_NTF:
		return VSW_EV_SWITCH;
	case VSWITCH_CMD_PORT_NEW_NTF:
	case VSWITCH_CMD_PORT_DEL_NTF:
		return VSW_EV_PORT;
	case VSWITCH_CMD_FDB_NEW_NTF:
	case VSWITCH_CMD_FDB_DEL_NTF:
		return VSW_EV_FDB;
	case VSWITCH_CMD_FLOW_NTF:
		return VSW_EV_FLOWS;
	}
	return 0;
}

/* Forget the names of switch @sw's ports (a port came or went). */
static void names_forget(struct monitor *mon, const char *sw)
{
	size_t i, n = 0;

	for (i = 0; i < mon->n_names; i++)
		if (strcmp(mon->names[i].sw, sw))
			mon->names[n++] = mon->names[i];
	mon->n_names = n;
}

/* The name of port @id of switch @sw: known, or asked for once. */
static const char *name_of(struct monitor *mon, const char *sw, uint32_t id)
{
	struct vsw_ctx ctx = { 0 };
	struct vsw_port *ports;
	struct port_name *v;
	size_t i, n;

	for (i = 0; i < mon->n_names; i++)
		if (mon->names[i].id == id && !strcmp(mon->names[i].sw, sw))
			return mon->names[i].name[0] ? mon->names[i].name : NULL;
	if (!id)
		return NULL;
	if (!mon->lookup_open) {
		if (genl_open(&mon->lookup, &vsw_family, NULL))
			return NULL;
		mon->lookup_open = true;
	}
	ctx.nl = mon->lookup;
	names_forget(mon, sw);
	if (vsw_switch_ports(&ctx, sw, &ports, &n))
		n = 0;
	v = realloc(mon->names, (mon->n_names + n + 1) * sizeof(*v));
	if (!v) {
		free(ports);
		return NULL;
	}
	mon->names = v;
	for (i = 0; i < n; i++) {
		v = &mon->names[mon->n_names++];
		memcpy(v->sw, sw, IFNAMSIZ);
		v->id = ports[i].id;
		memcpy(v->name, ports[i].ifname, IFNAMSIZ);
	}
	free(ports);
	/* not a port (any more): remembered as such */
	for (i = 0; i < mon->n_names; i++)
		if (mon->names[i].id == id && !strcmp(mon->names[i].sw, sw))
			return mon->names[i].name;
	v = &mon->names[mon->n_names++];
	memcpy(v->sw, sw, IFNAMSIZ);
	v->id = id;
	v->name[0] = 0;
	return NULL;
}

/* Now, as RFC 3339 UTC with milliseconds. */
static void now_rfc3339(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	size_t n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)(ts.tv_nsec / 1000000));
}

static int print_event(const void *msg, void *arg)
{
	const struct vsw_msg *m = msg;
	struct monitor *mon = arg;
	char time[40];

	if (m->cmd == VSWITCH_CMD_PORT_NEW_NTF ||
	    m->cmd == VSWITCH_CMD_PORT_DEL_NTF)
		names_forget(mon, m->port.sw);
	if (!(event_object(m->cmd) & mon->events))
		return 0;
	if (m->cmd == VSWITCH_CMD_FLOW_NTF) {
		const char *in, *out;

		now_rfc3339(time, sizeof(time));
		in = name_of(mon, m->sw.name, m->flow.in_port);
		out = name_of(mon, m->sw.name, m->flow.out_port);
		vsw_show_flow(m, time, in, out);
	} else {
		vsw_show_event(m, mon->stats);
	}
	pr_flush();
	return 0;
}

int vsw_run_monitor(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct monitor mon = { .events = r->events, .stats = ctx->stats };
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */

	int err = 0;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (mon.events & VSW_EV_FLOWS)
		err = genl_join(&ctx->nl, VSWITCH_MCGRP_FLOWS);
	if (!err)
		err = genl_monitor(&ctx->nl, print_event, &mon, &stop);
	if (mon.lookup_open)
		genl_close(&mon.lookup);
	free(mon.names);
	return exit_of(err);
}
