/* SPDX-License-Identifier: GPL-2.0 */
/*
 * figures.h - esxtop-style figures from two vhv snapshots
 *
 * Percentages are of wall time between the two snapshots (their time_ns).
 * Per vCPU: %RUN + %RDY + %WAIT = 100 (%WAIT is the residual, >= 0), with
 * %IDLE and %SWPWT parts of %WAIT. Per VM: the sum over its vCPUs, as an
 * esxtop group, so a VM with N vCPUs reaches N x 100 %.
 *
 * A VM's stolen-by figures (who held the CPU while its vCPUs were ready)
 * are the growth of each class of its stolen line, as % of the interval,
 * on the same scale as its %RDY, which they split.
 */
#ifndef VHVSTAT_FIGURES_H
#define VHVSTAT_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "snapshot.h"

#define MIB	(1024.0 * 1024.0)

/*
 * The ready episodes of an interval, from the deltas of the ready
 * histogram: how many, and the bucket bounds that hold the median, the
 * 99th percentile and the longest: the upper bound of the bucket ("at
 * most"), or 2^33 ns (8589.9 ms, "8.6 s or more") for the last, open one.
 * NaN without rates or without an episode.
 */
struct vhv_ready_q {
	uint64_t episodes;
	double p50_ms, p99_ms, top_ms;
};

/* Fill @q from the bucket deltas @d (VHV_HIST_BUCKETS of them). */
void vhv_ready_quantiles(const uint64_t *d, struct vhv_ready_q *q);

/* Rates of one vCPU; meaningful only when @rates. */
struct vhv_vcpu_fig {
	const struct vhv_vcpu *v;	/* in the newer snapshot */
	bool rates;		/* same vCPU (idx and tid) in both snapshots */
	bool delayacct;		/* swapin_delay_ns != -1 */
	double run;		/* %RUN   = Δrun_ns / Δt */
	double rdy;		/* %RDY   = Δready_ns / Δt */
	double wait;		/* %WAIT  = 100 - %RUN - %RDY, >= 0 */
	double idle;		/* %IDLE  = Δhalt_ns / Δt, in [0, %WAIT] */
	double swpwt;		/* %SWPWT = Δswap_wait_ns / Δt, in [0, %WAIT] */
	double gst;		/* %GST   = Δguest_ns / Δt, in [0, %RUN] */
	double swpda;		/* Δswapin_delay_ns / Δt, NaN without delayacct */
	double exits_ps;
	double preempt_ps;
	double majflt_ps;
	uint64_t hist_d[VHV_HIST_BUCKETS];	/* ready_hist deltas */
	struct vhv_ready_q q;
};

struct vhv_vm_fig {
	const struct vhv_vm *vm;	/* in the newer snapshot */
	bool rates;		/* VM (id and pid) in both snapshots */
	size_t n_rated;		/* vCPUs whose figures are in the sums */
	size_t n_nodelayacct;	/* vCPUs without delay accounting */
	double run, rdy, wait, idle, swpwt, gst;	/* sums over vCPUs */
	double majflt_ps;	/* MJF/s = Δmajflt / Δt */
	double mps_some;	/* memory.pressure "some", % of Δt; NaN: n/a */
	double mps_full;
	uint64_t ready_max_ns;	/* max over the vCPUs */
	double rdy_worst;	/* highest %RDY of a rated vCPU; NaN: none */
	double rdy_avg;		/* mean %RDY of the rated vCPUs; NaN: none */
	struct vhv_ready_q q;	/* of all its rated vCPUs' episodes */
	struct vhv_vcpu_fig *vcpus;	/* vm->n_vcpus entries */
	/*
	 * Stolen by, when @stolen_rates (rates, and a stolen line in both
	 * snapshots); NaN otherwise. by_vm_pct[i] is the growth of
	 * vm->stolen.by_vm.e[i] (from 0 when that VM was not listed before:
	 * an upper bound), at most that of other_vms. culprits[] are the
	 * indices of the entries that grew, by their growth, largest first.
	 */
	bool stolen_rates;
	double stolen[VHV_STOLEN_MAX];	/* by enum vhv_stolen_class */
	double by_vm_pct[VHV_STOLEN_BY_VM];
	unsigned int culprits[VHV_STOLEN_BY_VM];
	size_t n_culprits;
};

struct vhv_figures {
	const struct vhv_snapshot *cur;
	const struct vhv_snapshot *prev;	/* NULL: counters only */
	double dt_s;		/* seconds between the snapshots */
	bool rates;		/* prev != NULL and dt_s > 0 */
	size_t n_stalled;
	size_t n_nodelayacct;
	size_t n_nostolen;	/* VMs without a stolen line (older module) */
	double rdy_avg;		/* mean %RDY per rated vCPU on the host; */
				/* NaN when no vCPU was rated */
	double rdy_max;		/* highest %RDY of any vCPU; NaN likewise */
	struct vhv_vm_fig *vms;	/* cur->n_vms entries */
};

/*
 * Compute the figures of @cur against @prev (may be NULL). The result
 * points into both snapshots, which must outlive it. Return 0, or -1 with
 * errno ENOMEM.
 */
int vhv_figures_compute(struct vhv_figures *f, const struct vhv_snapshot *prev,
			const struct vhv_snapshot *cur);
void vhv_figures_free(struct vhv_figures *f);

/* Counter difference, 0 if the counter went backwards (a reset). */
static inline uint64_t vhv_delta(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

#endif /* VHVSTAT_FIGURES_H */
