// SPDX-License-Identifier: GPL-2.0
/*
 * policy_cmd.c - vswctl policy { check | apply | show }
 *
 *   check FILE          read and compile FILE; no kernel needed
 *   apply SWITCH FILE   compile FILE into a new policy program, hand it
 *                       to SWITCH (with its firewall on): one generation
 *   show SWITCH         the running policy's rules and counters, read
 *                       from its program's maps
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

static int show_rules(int cfg_fd, int stats_fd, int meta_fd)
{
	struct vswp_cfg cfg;
	uint32_t zero = 0, i;
	uint64_t n;

	if (bpf_map_lookup_elem(cfg_fd, &zero, &cfg))
		return genl_fail("policy maps: %s", strerror(errno));
	pr_str(PR_ANY, "default", " default %s",
	       policy_action_name(cfg.default_action));
	if (pol_bpf_sessions(stats_fd, cfg.n_rules, &n))
		return genl_fail("policy counters: %s", strerror(errno));
	pr_u64(PR_ANY, "default_sessions", " sessions %" PRIu64, n);
	pr_u64(PR_ANY, "rules", " rules %" PRIu64, cfg.n_rules);
	pr_eol();
	pr_open_array("rules");
	for (i = 0; i < cfg.n_rules; i++) {
		struct vswp_rule_meta rm;

		if (bpf_map_lookup_elem(meta_fd, &i, &rm) ||
		    pol_bpf_sessions(stats_fd, i, &n))
			return genl_fail("policy counters: %s", strerror(errno));
		pr_open_object(NULL);
		pr_u64(PR_ANY, "id", "    rule %" PRIu64, rm.id);
		pr_u64(PR_ANY, "priority", " priority %" PRIu64, rm.priority);
		pr_str(PR_ANY, "action", " %s", policy_action_name(rm.action));
		pr_u64(PR_ANY, "sessions", " sessions %" PRIu64, n);
		pr_eol();
		pr_close_object();
	}
	pr_close_array();
	return 0;
}

int vsw_run_policy_show(struct vsw_ctx *ctx, struct vsw_req *r)
{
	int prog = -1, cfg = -1, stats = -1, meta = -1, ret;
	struct vsw_switch s = { 0 };

	r->m.cmd = VSWITCH_CMD_SWITCH_GET;
	if (genl_do(&ctx->nl, r->m.cmd, &r->m, add_switch, &s))
		return EXIT_KERNEL;
	if (s.policy_id) {
		prog = bpf_prog_get_fd_by_id(s.policy_id);
		if (prog < 0)
			return genl_fail("switch %s: policy program %u: %s", s.name,
					 s.policy_id, strerror(errno));
		ret = pol_bpf_maps(prog, &cfg, &stats, &meta);
		if (ret) {
			ret = genl_fail("switch %s: policy program %u has no maps of a policy file (not made by vswctl policy apply?): %s",
					s.name, s.policy_id, strerror(-ret));
			goto out;
		}
	}
	pr_open_object(NULL);
	pr_str(PR_ANY, "switch", "%s:", s.name);
	pr_u64(PR_ANY, "policy_id", " policy %" PRIu64, s.policy_id);
	pr_u64(PR_ANY, "policy_gen", " gen %" PRIu64, s.policy_gen);
	if (!s.policy_id) {
		pr_str(PR_ANY, "default", " default %s",
		       s.default_verdict == VSWITCH_VERDICT_ALLOW ? "allow" :
								    "deny");
		pr_eol();
		pr_open_array("rules");
		pr_close_array();
		ret = 0;
	} else {
		ret = show_rules(cfg, stats, meta);
	}
	pr_close_object();
out:
	if (prog >= 0)
		close(prog);
	if (cfg >= 0)
		close(cfg);
	if (stats >= 0)
		close(stats);
	if (meta >= 0)
		close(meta);
	return ret;
}
