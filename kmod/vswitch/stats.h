/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_STATS_H
#define _VSW_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/vswitch.h>

/**
 * struct vsw_pcpu_stats - one CPU's share of a port's or switch's counters
 * @rx_packets: frames that entered the switch (port: from this port)
 * @rx_bytes: their bytes, Ethernet header included
 * @tx_packets: frames handed to an egress device (port: to this port)
 * @tx_bytes: their bytes
 * @flood: frames flooded (switch only)
 * @learned: fdb entries learned (switch only)
 * @fdb_full: source addresses not learned, table full (switch only)
 * @frags_queued: fragments held for reassembly (port: from this port)
 * @drops: drops by reason, indexed by enum vswitch_drop
 * @syncp: makes the 64-bit values consistent on 32-bit readers
 *
 * Written only on the packet path, with BH off, by the CPU that owns it.
 */
struct vsw_pcpu_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t flood;
	u64_stats_t learned;
	u64_stats_t fdb_full;
	u64_stats_t frags_queued;
	u64_stats_t drops[__VSWITCH_DROP_MAX];
	struct u64_stats_sync syncp;
};

/**
 * struct vsw_stats - counters folded over all CPUs, for netlink replies
 * @rx_packets: see struct vsw_pcpu_stats
 * @rx_bytes: see struct vsw_pcpu_stats
 * @tx_packets: see struct vsw_pcpu_stats
 * @tx_bytes: see struct vsw_pcpu_stats
 * @flood: see struct vsw_pcpu_stats
 * @learned: see struct vsw_pcpu_stats
 * @fdb_full: see struct vsw_pcpu_stats
 * @frags_queued: see struct vsw_pcpu_stats
 * @drops: see struct vsw_pcpu_stats
 */
struct vsw_stats {
	u64 rx_packets;
	u64 rx_bytes;
	u64 tx_packets;
	u64 tx_bytes;
	u64 flood;
	u64 learned;
	u64 fdb_full;
	u64 frags_queued;
	u64 drops[__VSWITCH_DROP_MAX];
};

struct vsw_pcpu_stats __percpu *vsw_stats_alloc(void);
void vsw_stats_fold(struct vsw_pcpu_stats __percpu *pcpu, struct vsw_stats *out);

/* The helpers below run on the packet path, BH off. */
static inline void vsw_stats_rx(struct vsw_pcpu_stats __percpu *pcpu,
				unsigned int len)
{
	struct vsw_pcpu_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void vsw_stats_tx(struct vsw_pcpu_stats __percpu *pcpu,
				unsigned int len)
{
	struct vsw_pcpu_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->tx_packets);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_update_end(&s->syncp);
}

static inline void vsw_stats_drop(struct vsw_pcpu_stats __percpu *pcpu,
				  enum vswitch_drop reason)
{
	struct vsw_pcpu_stats *s = this_cpu_ptr(pcpu);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->drops[reason]);
	u64_stats_update_end(&s->syncp);
}

/* One of the event counters (flood, learned, ...): @field names it. */
#define vsw_stats_event(pcpu, field) do {				\
	struct vsw_pcpu_stats *__s = this_cpu_ptr(pcpu);		\
									\
	u64_stats_update_begin(&__s->syncp);				\
	u64_stats_inc(&__s->field);					\
	u64_stats_update_end(&__s->syncp);				\
} while (0)

#endif /* _VSW_STATS_H */
