// SPDX-License-Identifier: GPL-2.0
/*
 * Per-rule counters of a switch's policy.
 *
 * Each decision of the policy (vsw_policy_egress()) counts a session, a
 * packet and its bytes under the rule id it returned; each later packet
 * of a connection the policy allowed counts a packet under the rule in
 * the connection's labels (vsw_policy_ingress()). The counters are
 * per-CPU, made at an id's first decision on the packet path (no memory,
 * or more than VSW_RULES_MAX ids: the packet is counted as uncounted,
 * never dropped); a packet finds its rule's counters in a direct-mapped
 * per-CPU cache of 16 ids before the table's xarray. One table counts one
 * policy: attaching or detaching a program starts a new table; the old
 * one is freed after a grace period.
 */
#include <linux/hash.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>

#include "rules.h"

struct vsw_rule_pcpu {
	u64_stats_t sessions;
	u64_stats_t packets;
	u64_stats_t bytes;
	struct u64_stats_sync syncp;
};

struct vsw_rule_ctr {
	u32 id;
	struct vsw_rule_pcpu __percpu *pcpu;
};

/**
 * vsw_rules_alloc() - an empty table
 * @gen: the generation it counts
 *
 * Context: process; sleeps.
 * Return: the table, or NULL.
 */
struct vsw_rules *vsw_rules_alloc(u32 gen)
{
	struct vsw_rules *t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);

	if (!t)
		return NULL;
	t->cache = __alloc_percpu_gfp(sizeof(*t->cache) << VSW_RULES_CACHE_BITS,
				      __alignof__(*t->cache),
				      GFP_KERNEL_ACCOUNT);
	if (!t->cache) {
		kfree(t);
		return NULL;
	}
	xa_init(&t->xa);
	t->gen = gen;
	t->born = gen;
	return t;
}

static void ctr_free(struct vsw_rule_ctr *c)
{
	free_percpu(c->pcpu);
	kfree(c);
}

/**
 * vsw_rules_free() - free a table and its counters
 * @t: the table, or NULL; no packet path reaches it any more
 *
 * Context: process.
 */
void vsw_rules_free(struct vsw_rules *t)
{
	struct vsw_rule_ctr *c;
	unsigned long id;

	if (!t)
		return;
	xa_for_each(&t->xa, id, c)
		ctr_free(c);
	xa_destroy(&t->xa);
	free_percpu(t->cache);
	kfree(t);
}

/* The counters of a new id; NULL without memory or room. */
static struct vsw_rule_ctr *ctr_new(struct vsw_rules *t, u32 id)
{
	struct vsw_rule_ctr *c, *old;
	int cpu;

	if (atomic_inc_return(&t->n) > VSW_RULES_MAX)
		goto full;
	c = kmalloc(sizeof(*c), GFP_ATOMIC | __GFP_NOWARN);
	if (!c)
		goto full;
	c->id = id;
	c->pcpu = alloc_percpu_gfp(struct vsw_rule_pcpu,
				   GFP_ATOMIC | __GFP_NOWARN);
	if (!c->pcpu) {
		kfree(c);
		goto full;
	}
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(c->pcpu, cpu)->syncp);
	/* another CPU may have made it meanwhile: keep that one */
	old = xa_cmpxchg(&t->xa, id, NULL, c, GFP_ATOMIC | __GFP_NOWARN);
	if (old) {
		ctr_free(c);
		atomic_dec(&t->n);
		return xa_is_err(old) ? NULL : old;
	}
	return c;

full:
	atomic_dec(&t->n);
	return NULL;
}

/**
 * vsw_rules_count() - count a packet under a rule
 * @t: the policy's table
 * @id: the rule id
 * @bytes: the packet's L3 length
 * @session: the packet was decided (a session counts too)
 *
 * Context: packet path: RCU read side, BH off.
 */
void vsw_rules_count(struct vsw_rules *t, u32 id, unsigned int bytes,
		     bool session)
{
	struct vsw_rule_slot *slot;
	struct vsw_rule_pcpu *s;
	struct vsw_rule_ctr *c;

	/* the few ids in use on a CPU at a time hit the cache */
	slot = this_cpu_ptr(t->cache) + hash_32(id, VSW_RULES_CACHE_BITS);
	c = slot->c;
	if (unlikely(!c || slot->id != id)) {
		c = xa_load(&t->xa, id);
		if (unlikely(!c)) {
			c = ctr_new(t, id);
			if (!c) {
				atomic64_inc(&t->uncounted);
				return;
			}
		}
		/* BH off: no other packet on this CPU reads the slot now */
		slot->id = id;
		slot->c = c;
	}
	s = this_cpu_ptr(c->pcpu);
	u64_stats_update_begin(&s->syncp);
	if (session)
		u64_stats_inc(&s->sessions);
	u64_stats_inc(&s->packets);
	u64_stats_add(&s->bytes, bytes);
	u64_stats_update_end(&s->syncp);
}

/**
 * vsw_rules_next() - the counters of the next rule id, for a dump
 * @t: the table
 * @pos: the id to start from; on success, the id after the one returned
 * @out: the sums
 *
 * Context: process, RTNL held (@t stays).
 * Return: true with @out filled, false past the last id.
 */
bool vsw_rules_next(struct vsw_rules *t, unsigned long *pos,
		    struct vsw_rule_sums *out)
{
	struct vsw_rule_ctr *c;
	unsigned int start;
	int cpu;

	c = xa_find(&t->xa, pos, ULONG_MAX, XA_PRESENT);
	if (!c)
		return false;
	memset(out, 0, sizeof(*out));
	out->id = c->id;
	for_each_possible_cpu(cpu) {
		const struct vsw_rule_pcpu *s = per_cpu_ptr(c->pcpu, cpu);
		u64 sessions, packets, bytes;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			sessions = u64_stats_read(&s->sessions);
			packets = u64_stats_read(&s->packets);
			bytes = u64_stats_read(&s->bytes);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		out->sessions += sessions;
		out->packets += packets;
		out->bytes += bytes;
	}
	(*pos)++;
	return true;
}
