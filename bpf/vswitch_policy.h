/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * vswitch_policy.h - the maps of the policy program (vswitch_policy.bpf.c),
 * shared with vswctl, which compiles a policy file into them
 * (Documentation/vswitch/policy.rst).
 *
 * Endpoints are in groups: a port by its id (port_groups), an address
 * by its longest prefix (v4_groups, v6_groups; a prefix's entry holds
 * the groups of every prefix that contains it). A rule is compiled, per
 * {source group, destination group, scope}, into keys of the LPM trie
 * "rules": {src, dst, scope, protocol, destination port}. The scope is
 * a group of ports the rule is applied to, or any.
 *
 * The compiler resolves priorities first: the port ranges of one such
 * triple and protocol are cut into disjoint intervals, each holding the
 * rule that matches it first (rules on any protocol included), and each
 * interval is written as prefixes of the port. One lookup per triple
 * then gives that triple's first match; the program keeps the best of
 * the triples (lowest rule index). Lookups: at most
 * (2 * VSWP_GROUPS_MAX + 1)^3, in practice a handful; none scans rules.
 */
#ifndef VSWITCH_POLICY_H
#define VSWITCH_POLICY_H

#include <linux/types.h>

#define VSWP_GROUPS_MAX		8	/* groups a port or an address is in */
#define VSWP_GROUP_ANY		0xffff	/* "any": every endpoint, every port */
#define VSWP_GROUP_IDS		4096	/* group ids are 0..4095 */
#define VSWP_RULES_MAX		65535	/* rule indexes are 0..65534 */

/* port_groups value, v4_groups and v6_groups values */
struct vswp_groups {
	__u16 n;
	__u16 id[VSWP_GROUPS_MAX];
};

struct vswp_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct vswp_v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * rules key. prefixlen counts bits from @src: VSWP_KEY_ANY_PROTO for a
 * rule on any protocol, VSWP_KEY_ANY_PORT for one protocol and any port,
 * VSWP_KEY_ANY_PORT + k for a port prefix of k bits. The padding is 0.
 */
struct vswp_rule_key {
	__u32 prefixlen;
	__be16 src;		/* group ids, network order (LPM compares bytes) */
	__be16 dst;
	__be16 scope;		/* applied to ports of this group, or any */
	__u8 proto;
	__u8 pad;
	__be16 dport;
	__u16 pad2;		/* never compared: prefixlen stops before it */
};

#define VSWP_KEY_ANY_PROTO	48
#define VSWP_KEY_ANY_PORT	64
#define VSWP_KEY_BITS		80

enum vswp_action {
	VSWP_ALLOW = 1,
	VSWP_DENY = 2,
	VSWP_REJECT = 3,	/* deny, and answer the sender (the switch does) */
};

/* rules value */
struct vswp_rule {
	__u32 index;		/* rank by priority: lower matches first */
};

/* rule_meta[rule index]: the rule's id and action (also for policy show) */
struct vswp_rule_meta {
	__u32 id;
	__u32 priority;
	__u8 action;
	__u8 pad[3];
};

/*
 * The roles a group plays in the rules: the program looks up only the
 * triples whose groups play their part in some rule, as no other triple
 * has an entry. A port's or an address's groups are stored once per role
 * (struct vswp_roles), holding only the groups that play it; "any" plays
 * the roles in cfg.any_roles.
 */
enum { VSWP_RI_SRC, VSWP_RI_DST, VSWP_RI_SCOPE, VSWP_ROLES };

#define VSWP_ROLE_SRC	(1 << VSWP_RI_SRC)	/* named in some rule's "from" */
#define VSWP_ROLE_DST	(1 << VSWP_RI_DST)	/* in some rule's "to" */
#define VSWP_ROLE_SCOPE	(1 << VSWP_RI_SCOPE)	/* in some "applied_to" (any:
						 * some rule has none) */

/* the value of port_groups, v4_groups and v6_groups */
struct vswp_roles {
	struct vswp_groups of[VSWP_ROLES];	/* by VSWP_RI_* */
};

/* cfg[0] */
struct vswp_cfg {
	__u32 n_rules;		/* the default's counters are at stats[n_rules] */
	__u8 default_action;	/* enum vswp_action */
	__u8 any_roles;		/* VSWP_ROLE_* of "any" */
	__u8 pad[2];
};

/* stats[rule index] (per CPU) */
struct vswp_stats {
	__u64 sessions;		/* connections decided, per egress port */
};

#endif /* VSWITCH_POLICY_H */
