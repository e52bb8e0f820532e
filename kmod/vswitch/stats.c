// SPDX-License-Identifier: GPL-2.0
/* Per-CPU counters of ports and switches, folded on read. */
#include <linux/cpumask.h>
#include <linux/string.h>

#include "stats.h"

struct vsw_pcpu_stats __percpu *vsw_stats_alloc(void)
{
	struct vsw_pcpu_stats __percpu *pcpu;
	int cpu;

	pcpu = alloc_percpu(struct vsw_pcpu_stats);
	if (!pcpu)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(pcpu, cpu)->syncp);
	return pcpu;
}

static void fold_one(const struct vsw_pcpu_stats *s, struct vsw_stats *out)
{
	struct vsw_stats v;
	unsigned int start;
	int i;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		v.rx_packets = u64_stats_read(&s->rx_packets);
		v.rx_bytes = u64_stats_read(&s->rx_bytes);
		v.tx_packets = u64_stats_read(&s->tx_packets);
		v.tx_bytes = u64_stats_read(&s->tx_bytes);
		v.flood = u64_stats_read(&s->flood);
		v.learned = u64_stats_read(&s->learned);
		v.fdb_full = u64_stats_read(&s->fdb_full);
		v.frags_queued = u64_stats_read(&s->frags_queued);
		for (i = 0; i < __VSWITCH_DROP_MAX; i++)
			v.drops[i] = u64_stats_read(&s->drops[i]);
	} while (u64_stats_fetch_retry(&s->syncp, start));

	out->rx_packets += v.rx_packets;
	out->rx_bytes += v.rx_bytes;
	out->tx_packets += v.tx_packets;
	out->tx_bytes += v.tx_bytes;
	out->flood += v.flood;
	out->learned += v.learned;
	out->fdb_full += v.fdb_full;
	out->frags_queued += v.frags_queued;
	for (i = 0; i < __VSWITCH_DROP_MAX; i++)
		out->drops[i] += v.drops[i];
}

/**
 * vsw_stats_fold() - sum the per-CPU counters
 * @pcpu: the counters
 * @out: the sums (overwritten)
 */
void vsw_stats_fold(struct vsw_pcpu_stats __percpu *pcpu, struct vsw_stats *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu)
		fold_one(per_cpu_ptr(pcpu, cpu), out);
}
