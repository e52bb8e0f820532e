// SPDX-License-Identifier: GPL-2.0
/*
 * policy_bpf.c - a compiled policy into a loaded policy program
 *
 * Each policy is a new instance of the program, with maps of its own
 * sized to it: the switch swaps programs, so a policy takes over whole
 * or not at all, and the old one's maps go with its program.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../bpf/vswitch_policy.skel.h"
#include "policy_bpf.h"

static size_t at_least_1(size_t n)
{
	return n ? n : 1;
}

static int update(struct bpf_map *map, const void *k, const void *v,
		  char *err, size_t errlen)
{
	if (!bpf_map_update_elem(bpf_map__fd(map), k, v, BPF_ANY))
		return 0;
	snprintf(err, errlen, "policy map %s: %s", bpf_map__name(map),
		 strerror(errno));
	return -1;
}

static int fill(struct vswitch_policy *s, const struct pol_maps *m,
		pol_port_id_fn id_of, void *arg,
		void (*skipped)(const char *name, void *arg),
		char *err, size_t errlen)
{
	struct vswp_roles v;
	uint32_t i, zero = 0;

	for (i = 0; i < m->n_ports; i++) {
		uint32_t id = id_of(m->ports[i].name, arg);

		if (!id) {
			if (skipped)
				skipped(m->ports[i].name, arg);
			continue;
		}
		pol_maps_roles(m, &m->ports[i].g, &v);
		if (update(s->maps.port_groups, &id, &v, err, errlen))
			return -1;
	}
	for (i = 0; i < m->n_v4; i++) {
		pol_maps_roles(m, &m->v4_vals[i], &v);
		if (update(s->maps.v4_groups, &m->v4_keys[i], &v, err, errlen))
			return -1;
	}
	for (i = 0; i < m->n_v6; i++) {
		pol_maps_roles(m, &m->v6_vals[i], &v);
		if (update(s->maps.v6_groups, &m->v6_keys[i], &v, err, errlen))
			return -1;
	}
	for (i = 0; i < m->n_entries; i++)
		if (update(s->maps.rules, &m->rule_keys[i], &m->rule_vals[i],
			   err, errlen))
			return -1;
	for (i = 0; i < m->n_meta; i++)
		if (update(s->maps.rule_meta, &i, &m->meta[i], err, errlen))
			return -1;

	return update(s->maps.cfg, &zero, &m->cfg, err, errlen);
}

struct vswitch_policy *pol_bpf_load(const struct pol_maps *m,
				    pol_port_id_fn id_of, void *arg,
				    void (*skipped)(const char *name, void *arg),
				    char *err, size_t errlen)
{
	struct vswitch_policy *s;
	int ret;

	s = vswitch_policy__open();
	if (!s) {
		snprintf(err, errlen, "policy program: cannot open: %s",
			 strerror(errno));
		return NULL;
	}
	ret = bpf_map__set_max_entries(s->maps.rules, at_least_1(m->n_entries));
	ret = ret ?: bpf_map__set_max_entries(s->maps.v4_groups, at_least_1(m->n_v4));
	ret = ret ?: bpf_map__set_max_entries(s->maps.v6_groups, at_least_1(m->n_v6));
	ret = ret ?: bpf_map__set_max_entries(s->maps.stats, m->cfg.n_rules + 1);
	ret = ret ?: bpf_map__set_max_entries(s->maps.rule_meta,
					      at_least_1(m->n_meta));
	if (ret) {
		snprintf(err, errlen, "policy program: sizing its maps: %s",
			 strerror(-ret));
		goto fail;
	}
	ret = vswitch_policy__load(s);
	if (ret) {
		snprintf(err, errlen, "policy program: the kernel refused it: %s",
			 strerror(-ret));
		goto fail;
	}
	if (fill(s, m, id_of, arg, skipped, err, errlen))
		goto fail;
	return s;
fail:
	vswitch_policy__destroy(s);
	return NULL;
}

int pol_bpf_maps(int prog_fd, int *cfg, int *stats, int *meta)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), ids[16], i;

	*cfg = *stats = *meta = -1;
	info.nr_map_ids = 16;
	info.map_ids = (uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	for (i = 0; i < info.nr_map_ids && i < 16; i++) {
		struct bpf_map_info mi = { 0 };
		uint32_t ml = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]), *slot = NULL;

		if (fd < 0) {
			int err = -errno;

			pol_bpf_maps_close(cfg, stats, meta);
			return err;
		}
		if (!bpf_obj_get_info_by_fd(fd, &mi, &ml)) {
			if (!strcmp(mi.name, "cfg"))
				slot = cfg;
			else if (!strcmp(mi.name, "stats"))
				slot = stats;
			else if (!strcmp(mi.name, "rule_meta"))
				slot = meta;
		}
		if (slot && *slot < 0)
			*slot = fd;
		else
			close(fd);
	}
	if (*cfg >= 0 && *stats >= 0 && *meta >= 0)
		return 0;
	pol_bpf_maps_close(cfg, stats, meta);
	return -ENOENT;
}

void pol_bpf_maps_close(int *cfg, int *stats, int *meta)
{
	int *fd[] = { cfg, stats, meta };
	size_t i;

	for (i = 0; i < sizeof(fd) / sizeof(fd[0]); i++) {
		if (*fd[i] >= 0)
			close(*fd[i]);
		*fd[i] = -1;
	}
}

int pol_bpf_sessions(int stats_fd, uint32_t i, uint64_t *sum)
{
	int ncpu = libbpf_num_possible_cpus(), c;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	{
		struct vswp_stats v[ncpu];

		if (bpf_map_lookup_elem(stats_fd, &i, v))
			return -errno;
		for (*sum = 0, c = 0; c < ncpu; c++)
			*sum += v[c].sessions;
	}
	return 0;
}

int pol_bpf_prog_fd(const struct vswitch_policy *skel)
{
	return bpf_program__fd(skel->progs.vswitch_policy);
}

void pol_bpf_destroy(struct vswitch_policy *skel)
{
	vswitch_policy__destroy(skel);
}
