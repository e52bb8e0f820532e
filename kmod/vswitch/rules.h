/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-rule counters of a switch's policy (rules.c): sessions, packets and
 * bytes by the rule id of the decision (struct vswitch_policy_cb's rule;
 * 0 for the default verdict).
 */
#ifndef _VSW_RULES_H
#define _VSW_RULES_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <uapi/linux/vswitch.h>

/* rule ids counted per policy: 65,535 rules and the default */
#define VSW_RULES_MAX	VSWITCH_MAX_RULE_IDS

/* the per-CPU cache of a table: rule id -> counters, direct-mapped */
#define VSW_RULES_CACHE_BITS	4

struct vsw_rule_ctr;

/**
 * struct vsw_rule_slot - an entry of the per-CPU cache
 * @id: the rule id
 * @c: its counters (NULL: empty)
 */
struct vsw_rule_slot {
	u32 id;
	struct vsw_rule_ctr *c;
};

/**
 * struct vsw_rules - the counters of one policy
 * @xa: rule id -> struct vsw_rule_ctr, made at the id's first decision
 * @cache: per CPU, 1 << VSW_RULES_CACHE_BITS slots of the ids @xa holds,
 *	   looked at before @xa (counters live as long as the table)
 * @gen: the policy generation whose decisions it counts (READ_ONCE;
 *	 written under RTNL before the generation is published)
 * @born: the generation the table started with (fixed: a dump's mark)
 * @n: ids in @xa
 * @uncounted: decisions and packets not counted: no memory, or a new id
 *	       beyond VSW_RULES_MAX
 */
struct vsw_rules {
	struct xarray xa;
	struct vsw_rule_slot __percpu *cache;
	u32 gen;
	u32 born;
	atomic_t n;
	atomic64_t uncounted;
};

/**
 * struct vsw_rule_sums - one rule's counters, summed over the CPUs
 * @id: the rule id
 * @sessions: decisions the rule took (a connection allowed, refused or
 *	      cut; once per egress port)
 * @packets: packets it decided, and the later packets of the connections
 *	     it allowed, both ways
 * @bytes: their bytes at L3 (IP header and payload), as conntrack counts
 */
struct vsw_rule_sums {
	u32 id;
	u64 sessions;
	u64 packets;
	u64 bytes;
};

struct vsw_rules *vsw_rules_alloc(u32 gen);
void vsw_rules_free(struct vsw_rules *t);
void vsw_rules_count(struct vsw_rules *t, u32 id, unsigned int bytes,
		     bool session);
bool vsw_rules_next(struct vsw_rules *t, unsigned long *pos,
		    struct vsw_rule_sums *out);

#endif /* _VSW_RULES_H */
