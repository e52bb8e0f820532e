// SPDX-License-Identifier: GPL-2.0
/*
 * policy_cmd.c - vswctl policy { check | apply | show }
 *
 *   check FILE          read and compile FILE; no kernel needed
 *   apply SWITCH FILE   compile FILE into a new policy program, hand it
 *                       to SWITCH (with its firewall on): one generation
 *   show SWITCH         the running policy's rules (from its program's
 *                       maps) and their counters (the switch's)
 *
 * Documentation/vswitch/policy.rst describes the file and the model.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cmd.h"
#include "policy.h"
#include "policy_bpf.h"
#include "print.h"
#include "util.h"

/* The whole of @path, at most POL_FILE_MAX bytes. */
static char *read_file(const char *path, size_t *len)
{
	struct stat st;
	char *buf = NULL;
	FILE *f = fopen(path, "r");

	if (!f) {
		genl_fail("policy %s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		genl_fail("policy %s: not a regular file", path);
		goto out;
	}
	if (st.st_size > POL_FILE_MAX) {
		genl_fail("policy %s: larger than %d bytes", path, POL_FILE_MAX);
		goto out;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		genl_fail("policy %s: out of memory", path);
		goto out;
	}
	*len = fread(buf, 1, st.st_size, f);
	if (ferror(f) || *len != (size_t)st.st_size) {
		genl_fail("policy %s: read error", path);
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[*len] = 0;
out:
	fclose(f);
	return buf;
}

/* Read and compile @path. Return 0, or EXIT_KERNEL (message printed). */
static int load_file(const char *path, struct policy *p, struct pol_maps *m)
{
	char err[1024];
	size_t len = 0;
	char *text = read_file(path, &len);

	if (!text)
		return EXIT_KERNEL;
	if (policy_parse(path, text, len, p, err, sizeof(err)) ||
	    policy_compile(p, m, err, sizeof(err))) {
		fprintf(stderr, "vswctl: %s\n", err);
		free(text);
		policy_free(p);
		return EXIT_KERNEL;
	}
	free(text);
	return 0;
}

int vsw_run_policy_check(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct pol_maps m;
	struct policy p;
	size_t i, ports = 0;

	(void)ctx;
	if (load_file(r->file, &p, &m))
		return EXIT_KERNEL;
	for (i = 0; i < p.n_groups; i++)
		ports += p.groups[i].n_ports;
	pr_open_object(NULL);
	pr_str(PR_ANY, "file", "%s:", r->file);
	pr_u64(PR_ANY, "groups", " groups %" PRIu64, p.n_groups);
	pr_u64(PR_ANY, "ports", " ports %" PRIu64, m.n_ports);
	pr_u64(PR_ANY, "prefixes", " prefixes %" PRIu64, p.n_prefixes);
	pr_u64(PR_ANY, "rules", " rules %" PRIu64, p.n_rules);
	pr_str(PR_ANY, "default", " default %s",
	       policy_action_name(p.default_action));
	pr_u64(PR_ANY, "trie_entries", " trie-entries %" PRIu64, m.n_entries);
	pr_eol();
	pr_close_object();
	pol_maps_free(&m);
	policy_free(&p);
	return 0;
}

/* ----------------------------------------------------------------- apply */

struct sw_ports {
	struct vsw_port *v;
	size_t n;
	const char *sw, *file;
};

static uint32_t port_id_of(const char *name, void *arg)
{
	const struct sw_ports *l = arg;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].ifname, name))
			return l->v[i].id;
	return 0;
}

/* A port of the file that is not here: on another host, or a typo. */
static void port_skipped(const char *name, void *arg)
{
	const struct sw_ports *l = arg;

	fprintf(stderr, "vswctl: policy %s: port \"%s\" is not on switch %s here: left out\n",
		l->file, name, l->sw);
}

int vsw_run_policy_apply(struct vsw_ctx *ctx, struct vsw_req *r)
{
	struct sw_ports ports = { .sw = r->m.sw.name, .file = r->file };
	struct vswitch_policy *skel = NULL;
	struct pol_maps m;
	struct policy p;
	char err[1024];
	int ret;

	ret = load_file(r->file, &p, &m);
	if (ret)
		return ret;
	ret = vsw_switch_ports(ctx, r->m.sw.name, &ports.v, &ports.n);
	if (ret) {
		ret = EXIT_KERNEL;
		goto out;
	}
	skel = pol_bpf_load(&m, port_id_of, &ports, port_skipped, err,
			    sizeof(err));
	if (!skel) {
		ret = genl_fail("policy %s: %s", r->file, err);
		goto out;
	}
	/* one request: the firewall on, the new program in */
	r->m.sw.firewall = 1;
	VSW_SET(&r->m.sw, VSWITCH_A_FIREWALL);
	r->m.sw.policy_fd = pol_bpf_prog_fd(skel);
	VSW_SET(&r->m.sw, VSWITCH_A_POLICY_FD);
	ret = genl_do(&ctx->nl, VSWITCH_CMD_SWITCH_SET, &r->m, NULL, NULL) ?
	      EXIT_KERNEL : 0;
out:
	pol_bpf_destroy(skel);
	free(ports.v);
	pol_maps_free(&m);
	policy_free(&p);
	return ret;
}

/* ------------------------------------------------------------------ show */

static int add_switch(const void *msg, void *arg)
{
	*(struct vsw_switch *)arg = ((const struct vsw_msg *)msg)->sw;
	return 0;
}

/* The kernel's counters of a switch's policy, by rule id. */
struct rule_ctrs {
	struct vsw_rule *v;
	size_t n, cap;
};

static int add_rule(const void *msg, void *arg)
{
	const struct vsw_msg *m = msg;
	struct rule_ctrs *c = arg;
	struct vsw_rule *v;

	if (!VSW_HAS(&m->sw, VSWITCH_A_RULE))
		return 0;
	if (c->n == c->cap) {
		v = realloc(c->v, (c->cap ? c->cap * 2 : 64) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		c->v = v;
		c->cap = c->cap ? c->cap * 2 : 64;
	}
	c->v[c->n++] = m->rule;
	return 0;
}

static void rules_reset(void *arg)
{
	((struct rule_ctrs *)arg)->n = 0;
}

static int cmp_rule(const void *a, const void *b)
{
	uint32_t x = ((const struct vsw_rule *)a)->id;
	uint32_t y = ((const struct vsw_rule *)b)->id;

	return x < y ? -1 : x > y;
}

static int dump_rules(struct vsw_ctx *ctx, const char *sw, struct rule_ctrs *c)
{
	struct vsw_msg q = { .cmd = VSWITCH_CMD_RULE_GET };

	memcpy(q.sw.name, sw, IFNAMSIZ);
	VSW_SET(&q.sw, VSWITCH_A_SWITCH_NAME);
	if (genl_dump(&ctx->nl, q.cmd, &q, add_rule, rules_reset, c))
		return -1;
	qsort(c->v, c->n, sizeof(*c->v), cmp_rule);
	return 0;
}

/* Rule @id's counters; zeros for an id that decided nothing yet. */
static struct vsw_rule rule_ctrs_of(const struct rule_ctrs *c, uint32_t id)
{
	struct vsw_rule key = { .id = id }, *r;

	r = c->n ? bsearch(&key, c->v, c->n, sizeof(*c->v), cmp_rule) : NULL;
	return r ? *r : key;
}

/* " sessions S packets P bytes B", JSON keys @prefix + each name. */
static void pr_ctrs(const char *prefix, const struct vsw_rule *r)
{
	static const char *const name[] = { "sessions", "packets", "bytes" };
	const uint64_t v[] = { r->sessions, r->packets, r->bytes };
	char key[32], fmt[32];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "%s%s", prefix, name[i]);
		snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, name[i]);
		pr_u64(PR_ANY, key, fmt, v[i]);
	}
}

/* The rules of a policy file's program, with the kernel's counters. */
static int show_rules(int cfg_fd, int meta_fd, const struct rule_ctrs *c)
{
	struct vsw_rule r;
	struct vswp_cfg cfg;
	uint32_t zero = 0, i;

	if (bpf_map_lookup_elem(cfg_fd, &zero, &cfg))
		return genl_fail("policy maps: %s", strerror(errno));
	pr_str(PR_ANY, "default", " default %s",
	       policy_action_name(cfg.default_action));
	r = rule_ctrs_of(c, 0);
	pr_ctrs("default_", &r);
	pr_u64(PR_ANY, "rules", " rules %" PRIu64, cfg.n_rules);
	pr_eol();
	pr_open_array("rules");
	for (i = 0; i < cfg.n_rules; i++) {
		struct vswp_rule_meta rm;

		if (bpf_map_lookup_elem(meta_fd, &i, &rm))
			return genl_fail("policy maps: %s", strerror(errno));
		pr_open_object(NULL);
		pr_u64(PR_ANY, "id", "    rule %" PRIu64, rm.id);
		pr_u64(PR_ANY, "priority", " priority %" PRIu64, rm.priority);
		pr_str(PR_ANY, "action", " %s", policy_action_name(rm.action));
		r = rule_ctrs_of(c, rm.id);
		pr_ctrs("", &r);
		pr_eol();
		pr_close_object();
	}
	pr_close_array();
	return 0;
}

/*
 * A program that is not a policy file's (or none): the default and every
 * rule id the kernel counted, without priorities or actions.
 */
static void show_ids(const struct vsw_switch *s, const struct rule_ctrs *c)
{
	struct vsw_rule r = rule_ctrs_of(c, 0);
	size_t i;

	if (!s->policy_id)
		pr_str(PR_ANY, "default", " default %s",
		       s->default_verdict == VSWITCH_VERDICT_ALLOW ? "allow" :
								    "deny");
	pr_ctrs("default_", &r);
	pr_eol();
	pr_open_array("rules");
	for (i = 0; i < c->n; i++) {
		if (!c->v[i].id)
			continue;
		pr_open_object(NULL);
		pr_u64(PR_ANY, "id", "    rule %" PRIu64, c->v[i].id);
		pr_ctrs("", &c->v[i]);
		pr_eol();
		pr_close_object();
	}
	pr_close_array();
}

int vsw_run_policy_show(struct vsw_ctx *ctx, struct vsw_req *r)
{
	int prog = -1, cfg = -1, stats = -1, meta = -1, ret;
	struct rule_ctrs c = { 0 };
	struct vsw_switch s = { 0 };

	r->m.cmd = VSWITCH_CMD_SWITCH_GET;
	if (genl_do(&ctx->nl, r->m.cmd, &r->m, add_switch, &s) ||
	    dump_rules(ctx, s.name, &c)) {
		free(c.v);
		return EXIT_KERNEL;
	}
	if (s.policy_id) {
		prog = bpf_prog_get_fd_by_id(s.policy_id);
		if (prog < 0) {
			ret = genl_fail("switch %s: policy program %u: %s",
					s.name, s.policy_id, strerror(errno));
			goto out;
		}
		/* without a policy file's maps (all -1): the counters by id */
		pol_bpf_maps(prog, &cfg, &stats, &meta);
	}
	pr_open_object(NULL);
	pr_str(PR_ANY, "switch", "%s:", s.name);
	pr_u64(PR_ANY, "policy_id", " policy %" PRIu64, s.policy_id);
	pr_u64(PR_ANY, "policy_gen", " gen %" PRIu64, s.policy_gen);
	if (cfg >= 0) {
		ret = show_rules(cfg, meta, &c);
	} else {
		show_ids(&s, &c);
		ret = 0;
	}
	pr_u64(PR_JSON, "rules_uncounted", NULL, s.rules_uncounted);
	pr_close_object();
out:
	free(c.v);
	if (prog >= 0)
		close(prog);
	pol_bpf_maps_close(&cfg, &stats, &meta);
	return ret;
}
