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
	uint32_t i, zero = 0;

	for (i = 0; i < m->n_ports; i++) {
		uint32_t id = id_of(m->ports[i].name, arg);

		if (!id) {
			if (skipped)
				skipped(m->ports[i].name, arg);
			continue;
		}
		if (update(s->maps.port_groups, &id, &m->ports[i].g, err, errlen))
			return -1;
	}
	for (i = 0; i < m->n_v4; i++)
		if (update(s->maps.v4_groups, &m->v4_keys[i], &m->v4_vals[i],
			   err, errlen))
			return -1;
	for (i = 0; i < m->n_v6; i++)
		if (update(s->maps.v6_groups, &m->v6_keys[i], &m->v6_vals[i],
			   err, errlen))
			return -1;
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

int pol_bpf_prog_fd(const struct vswitch_policy *skel)
{
	return bpf_program__fd(skel->progs.vswitch_policy);
}

void pol_bpf_destroy(struct vswitch_policy *skel)
{
	vswitch_policy__destroy(skel);
}
