/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy_bpf.h - a compiled policy into a loaded policy program: the
 * program of bpf/vswitch_policy.bpf.c (its skeleton), with its maps
 * sized and filled. vswctl hands the program to a switch; the selftests
 * run it with BPF_PROG_TEST_RUN.
 */
#ifndef VSWCTL_POLICY_BPF_H
#define VSWCTL_POLICY_BPF_H

#include "policy.h"

struct vswitch_policy;

/* The id of the port named @name on the switch, or 0 if it has none. */
typedef uint32_t (*pol_port_id_fn)(const char *name, void *arg);

/*
 * Load a new instance of the program with @m in its maps. Ports @id_of
 * gives no id are left out; their names are reported through @skipped
 * (may be NULL). Return the skeleton, or NULL with a message in @err.
 */
struct vswitch_policy *pol_bpf_load(const struct pol_maps *m,
				    pol_port_id_fn id_of, void *arg,
				    void (*skipped)(const char *name, void *arg),
				    char *err, size_t errlen);

int pol_bpf_prog_fd(const struct vswitch_policy *skel);

/*
 * The maps of a loaded policy program @prog_fd (any process's, by its fd):
 * cfg, stats and rule_meta, as file descriptors to close. Return 0, or a
 * negative errno (-ENOENT: not a program of this policy model) with all
 * three -1.
 */
int pol_bpf_maps(int prog_fd, int *cfg, int *stats, int *meta);

/* Close the maps of pol_bpf_maps() that are open; set all three to -1. */
void pol_bpf_maps_close(int *cfg, int *stats, int *meta);

/* Rule rank @i's sessions, summed over the CPUs. 0, or a negative errno. */
int pol_bpf_sessions(int stats_fd, uint32_t i, uint64_t *sum);
void pol_bpf_destroy(struct vswitch_policy *skel);

#endif /* VSWCTL_POLICY_BPF_H */
