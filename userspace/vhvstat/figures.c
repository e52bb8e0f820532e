// SPDX-License-Identifier: GPL-2.0
/*
 * figures.c - esxtop-style rates from two vhv snapshots
 *
 * The time base is the snapshots' own time_ns (CLOCK_MONOTONIC, taken by
 * the module under the same lock as the counters), not when vhvstat read
 * them, so a slow reader does not skew the percentages.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "figures.h"

static double clamp(double v, double lo, double hi)
{
	if (hi < lo)
		hi = lo;
	return v < lo ? lo : v > hi ? hi : v;
}

/* Δ of an optional counter (VHV_NA: none) in @unit ns, as % of @dt_ns. */
static double opt_pct(int64_t now, int64_t then, double unit, double dt_ns)
{
	if (now < 0 || then < 0)
		return NAN;
	return vhv_delta((uint64_t)now, (uint64_t)then) * unit * 100.0 / dt_ns;
}

/* The upper bound of bucket @b in ms; the open last one: its lower bound. */
static double bucket_ms(unsigned int b)
{
	return (double)(1ULL << (b < VHV_HIST_BUCKETS - 1 ? b + 10 : 33)) / 1e6;
}

void vhv_ready_quantiles(const uint64_t *d, struct vhv_ready_q *q)
{
	uint64_t n = 0, cum = 0, r50, r99;
	unsigned int b;

	q->p50_ms = q->p99_ms = q->top_ms = NAN;
	for (b = 0; b < VHV_HIST_BUCKETS; b++)
		n += d[b];
	q->episodes = n;
	if (!n)
		return;
	/* the rank of the episode at each quantile: ceil(q * n) */
	r50 = (n + 1) / 2;
	r99 = n - n / 100;
	for (b = 0; b < VHV_HIST_BUCKETS; b++) {
		if (!d[b])
			continue;
		cum += d[b];
		if (isnan(q->p50_ms) && cum >= r50)
			q->p50_ms = bucket_ms(b);
		if (isnan(q->p99_ms) && cum >= r99)
			q->p99_ms = bucket_ms(b);
		q->top_ms = bucket_ms(b);
	}
}

static void vcpu_rates(struct vhv_vcpu_fig *fv, const struct vhv_vcpu *o,
		       double dt_ns)
{
	unsigned int b;

	const struct vhv_vcpu *v = fv->v;
	double pct = 100.0 / dt_ns, per_s = 1e9 / dt_ns;

	fv->rates = true;
	fv->run = vhv_delta(v->run_ns, o->run_ns) * pct;
	fv->rdy = vhv_delta(v->ready_ns, o->ready_ns) * pct;
	/* esxtop: %WAIT is what is neither run nor ready; it holds %IDLE and %SWPWT */
	fv->wait = clamp(100.0 - fv->run - fv->rdy, 0, 100);
	fv->idle = clamp(vhv_delta(v->halt_ns, o->halt_ns) * pct, 0, fv->wait);
	fv->swpwt = clamp(vhv_delta(v->swap_wait_ns, o->swap_wait_ns) * pct,
			  0, fv->wait);
	fv->gst = clamp(vhv_delta(v->guest_ns, o->guest_ns) * pct, 0, fv->run);
	fv->swpda = opt_pct(v->swapin_delay_ns, o->swapin_delay_ns, 1, dt_ns);
	fv->exits_ps = vhv_delta(v->exits, o->exits) * per_s;
	fv->preempt_ps = vhv_delta(v->preemptions, o->preemptions) * per_s;
	fv->majflt_ps = vhv_delta(v->majflt, o->majflt) * per_s;
	for (b = 0; b < VHV_HIST_BUCKETS; b++)
		fv->hist_d[b] = vhv_delta(v->ready_hist[b], o->ready_hist[b]);
	vhv_ready_quantiles(fv->hist_d, &fv->q);
}

/* by_vm entry @id of @l, NULL when not listed. */
static const struct vhv_culprit *find_culprit(const struct vhv_culprits *l,
					      uint64_t id)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->e[i].vm == id)
			return &l->e[i];
	return NULL;
}

/*
 * The growth of each class and of each by_vm entry of @vm's stolen line
 * since @ovm's. An entry @ovm does not list counts from 0: that VM may have
 * been below the top 8 before, so its growth is an upper bound, and no
 * entry's is more than that of other_vms.
 */
static void stolen_rates(struct vhv_vm_fig *fm, const struct vhv_vm *vm,
			 const struct vhv_vm *ovm, double dt_ns)
{
	const struct vhv_culprits *l = &vm->stolen.by_vm;
	uint64_t other, d[VHV_STOLEN_BY_VM];
	size_t i, j;

	fm->stolen_rates = true;
	for (i = 0; i < VHV_STOLEN_MAX; i++)
		fm->stolen[i] = vhv_delta(vm->stolen.ns[i], ovm->stolen.ns[i]) *
				100.0 / dt_ns;
	other = vhv_delta(vm->stolen.ns[VHV_STOLEN_OTHER_VMS],
			  ovm->stolen.ns[VHV_STOLEN_OTHER_VMS]);
	for (i = 0; i < l->n; i++) {
		const struct vhv_culprit *o = find_culprit(&ovm->stolen.by_vm,
							    l->e[i].vm);

		d[i] = vhv_delta(l->e[i].ns, o ? o->ns : 0);
		if (d[i] > other)
			d[i] = other;
		fm->by_vm_pct[i] = d[i] * 100.0 / dt_ns;
		if (!d[i])
			continue;
		/* insert i into culprits[], by growth, then by id */
		for (j = fm->n_culprits; j > 0; j--) {
			unsigned int k = fm->culprits[j - 1];

			if (d[k] > d[i] || (d[k] == d[i] && l->e[k].vm < l->e[i].vm))
				break;
			fm->culprits[j] = k;
		}
		fm->culprits[j] = (unsigned int)i;
		fm->n_culprits++;
	}
}

static int vm_figures(struct vhv_vm_fig *fm, const struct vhv_vm *vm,
		      const struct vhv_snapshot *prev, double dt_ns)
{
	const struct vhv_vm *ovm = NULL;
	size_t i;

	uint64_t hist_d[VHV_HIST_BUCKETS] = { 0 };
	unsigned int b;

	fm->vm = vm;
	for (i = 0; i < VHV_STOLEN_MAX; i++)
		fm->stolen[i] = NAN;
	for (i = 0; i < VHV_STOLEN_BY_VM; i++)
		fm->by_vm_pct[i] = NAN;
	fm->mps_some = fm->mps_full = NAN;
	fm->rdy_worst = fm->rdy_avg = NAN;
	fm->q.p50_ms = fm->q.p99_ms = fm->q.top_ms = NAN;
	fm->vcpus = calloc(vm->n_vcpus ? vm->n_vcpus : 1, sizeof(*fm->vcpus));
	if (!fm->vcpus)
		return -1;
	if (prev && dt_ns > 0) {
		ovm = vhv_snapshot_find_vm(prev, vm->id);
		if (ovm && ovm->pid != vm->pid)
			ovm = NULL;	/* id reused: not the same VM */
	}
	fm->rates = ovm != NULL;
	if (ovm) {
		fm->majflt_ps = vhv_delta(vm->majflt, ovm->majflt) * 1e9 /
				dt_ns;
		fm->mps_some = opt_pct(vm->mem_pressure_some_us,
				       ovm->mem_pressure_some_us, 1e3, dt_ns);
		fm->mps_full = opt_pct(vm->mem_pressure_full_us,
				       ovm->mem_pressure_full_us, 1e3, dt_ns);
		if (vm->has_stolen && ovm->has_stolen)
			stolen_rates(fm, vm, ovm, dt_ns);
	}

	for (i = 0; i < vm->n_vcpus; i++) {
		struct vhv_vcpu_fig *fv = &fm->vcpus[i];
		const struct vhv_vcpu *o = NULL;

		fv->v = &vm->vcpus[i];
		fv->delayacct = fv->v->swapin_delay_ns >= 0;
		fv->swpda = NAN;
		fv->q.p50_ms = fv->q.p99_ms = fv->q.top_ms = NAN;
		if (!fv->delayacct)
			fm->n_nodelayacct++;
		if (fv->v->ready_max_ns > fm->ready_max_ns)
			fm->ready_max_ns = fv->v->ready_max_ns;
		if (ovm)
			o = vhv_vm_find_vcpu(ovm, fv->v->idx);
		if (!o || o->tid != fv->v->tid)
			continue;	/* new vCPU: no baseline yet */
		vcpu_rates(fv, o, dt_ns);
		fm->n_rated++;
		fm->run += fv->run;
		fm->rdy += fv->rdy;
		fm->wait += fv->wait;
		fm->idle += fv->idle;
		fm->swpwt += fv->swpwt;
		fm->gst += fv->gst;
		if (!(fv->rdy <= fm->rdy_worst))	/* NaN: the first */
			fm->rdy_worst = fv->rdy;
		for (b = 0; b < VHV_HIST_BUCKETS; b++)
			hist_d[b] += fv->hist_d[b];
	}
	if (fm->n_rated) {
		fm->rdy_avg = fm->rdy / (double)fm->n_rated;
		vhv_ready_quantiles(hist_d, &fm->q);
	}
	return 0;
}

int vhv_figures_compute(struct vhv_figures *f, const struct vhv_snapshot *prev,
			const struct vhv_snapshot *cur)
{
	double dt_ns = 0;
	size_t i, j, rated = 0;

	memset(f, 0, sizeof(*f));
	f->cur = cur;
	f->prev = prev;
	if (prev && cur->time_ns > prev->time_ns)
		dt_ns = (double)(cur->time_ns - prev->time_ns);
	f->dt_s = dt_ns / 1e9;
	f->rates = dt_ns > 0;

	f->vms = calloc(cur->n_vms ? cur->n_vms : 1, sizeof(*f->vms));
	if (!f->vms)
		return -1;
	for (i = 0; i < cur->n_vms; i++) {
		struct vhv_vm_fig *fm = &f->vms[i];

		if (vm_figures(fm, &cur->vms[i], f->rates ? prev : NULL,
			       dt_ns)) {
			vhv_figures_free(f);
			return -1;
		}
		f->n_stalled += cur->vms[i].stalled;
		f->n_nostolen += !cur->vms[i].has_stolen;
		f->n_nodelayacct += fm->n_nodelayacct;
		for (j = 0; j < cur->vms[i].n_vcpus; j++) {
			if (!fm->vcpus[j].rates)
				continue;
			rated++;
			f->rdy_avg += fm->vcpus[j].rdy;
			if (fm->vcpus[j].rdy > f->rdy_max)
				f->rdy_max = fm->vcpus[j].rdy;
		}
	}
	/* nothing rated: no average or highest, not 0 */
	if (rated)
		f->rdy_avg /= (double)rated;
	else
		f->rdy_avg = f->rdy_max = NAN;
	return 0;
}

void vhv_figures_free(struct vhv_figures *f)
{
	size_t i;

	if (f->vms && f->cur)
		for (i = 0; i < f->cur->n_vms; i++)
			free(f->vms[i].vcpus);
	free(f->vms);
	f->vms = NULL;
}
