// SPDX-License-Identifier: GPL-2.0
/*
 * vswitch_policy.bpf.c - the policy program of vswitch's firewall
 * (Documentation/vswitch/firewall.rst): groups of ports and address
 * prefixes, rules between groups, first match by priority, a default.
 *
 * The switch runs it for a connection's first packet (and for a packet
 * of a connection an older policy allowed), once per egress port, with
 * struct vswitch_policy_cb in cb[0..4]. It finds the groups of both
 * ends and the scopes (the groups of both ports), looks up each triple
 * (and "any") in the rules trie, and returns the verdict of the best rule
 * found, or the default's. Only groups that play their part in some rule
 * make triples (struct vswp_roles): most policies need one lookup or two.
 * The rule id goes back in cb[4]; each decision is counted per rule.
 *
 * vswctl sizes the maps (max_entries) and fills them before it hands the
 * program to the switch (userspace/vswctl/policy.c); a new policy is a
 * new program with new maps, so a policy change is atomic.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/vswitch.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "vswitch_policy.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vswp_cfg);
} cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VSWITCH_MAX_PORTS);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct vswp_roles);
} port_groups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vswp_v4_key);
	__type(value, struct vswp_roles);
} v4_groups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vswp_v6_key);
	__type(value, struct vswp_roles);
} v6_groups SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 262144);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct vswp_rule_key);
	__type(value, struct vswp_rule);
} rules SEC(".maps");

/* sized by vswctl: the rules, then the default */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vswp_stats);
} stats SEC(".maps");

/* by rank: the rule's id and action, and what `vswctl policy show` prints */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct vswp_rule_meta);
} rule_meta SEC(".maps");

/* The packet's ends, in the connection's direction. */
struct ends {
	__u8 proto;
	__u8 v6;
	__u16 dport;		/* host order; 0 without ports */
	__u8 src[16];
	__u8 dst[16];
};

/* An end's groups (the port's, its address's, then "any"), or scopes. */
struct gset {
	__u32 n;		/* at most VSWP_GROUPS_MAX * 2 + 1 */
	__u16 id[32];		/* indexed & 31: a bound the verifier sees */
};

#define GSET_MAX	(VSWP_GROUPS_MAX * 2 + 1)

/*
 * The packet's ends. The switch gives the transport protocol and where its
 * header starts (cb[3]: past IPv4 options and IPv6 extension headers, as
 * conntrack tracks it); a port-carrying packet whose header the switch
 * could not place gets the default verdict (return -1).
 */
static __always_inline int parse(struct __sk_buff *skb, struct ends *e,
				 int reply)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	__u32 flags = skb->cb[3], l4 = VSWITCH_PCB_L4_OFF(flags);
	struct ethhdr *eth = data;
	__u16 *ports, sport, dport;
	__u32 off = sizeof(*eth);
	__be16 proto;

	if ((void *)(eth + 1) > end)
		return -1;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		__be16 *inner = data + sizeof(*eth) + 2;

		if ((void *)(inner + 1) > end)
			return -1;
		proto = *inner;
		off += 4;
	}
	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + off;

		if ((void *)(ip + 1) > end)
			return -1;
		__builtin_memcpy(reply ? e->dst : e->src, &ip->saddr, 4);
		__builtin_memcpy(reply ? e->src : e->dst, &ip->daddr, 4);
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > end)
			return -1;
		e->v6 = 1;
		__builtin_memcpy(reply ? e->dst : e->src, &ip6->saddr, 16);
		__builtin_memcpy(reply ? e->src : e->dst, &ip6->daddr, 16);
	} else {
		return -1;
	}
	e->proto = VSWITCH_PCB_L4_PROTO(flags);
	if (e->proto != IPPROTO_TCP && e->proto != IPPROTO_UDP &&
	    e->proto != IPPROTO_SCTP && e->proto != IPPROTO_UDPLITE)
		return 0;
	if (!l4)
		return -1;
	off += l4;
	/* at most 18 + 252: a bound the verifier sees */
	if (off > 18 + 63 * 4)
		return -1;
	ports = data + off;
	if ((void *)(ports + 2) > end)
		return -1;
	sport = ports[0];
	dport = ports[1];
	/* values, not a choice of address: the verifier wants fixed offsets */
	asm volatile("" : "+r"(sport), "+r"(dport));
	e->dport = bpf_ntohs(reply ? sport : dport);
	return 0;
}

/* Add the groups of @v in role @ri (VSWP_RI_*). */
static __always_inline void add_groups(struct gset *g,
				       const struct vswp_roles *v, int ri)
{
	const struct vswp_groups *gr;
	__u32 i;

	if (!v)
		return;
	gr = &v->of[ri];
	for (i = 0; i < VSWP_GROUPS_MAX; i++) {
		if (i >= gr->n || g->n >= VSWP_GROUPS_MAX * 2)
			break;
		g->id[g->n & 31] = gr->id[i];
		g->n++;
	}
}

/*
 * Add "any" when it plays role @ri, without a branch: one more path per
 * call multiplies the paths the 6.1 verifier walks past its limit.
 */
static __always_inline void add_any(struct gset *g, const struct vswp_cfg *c,
				    int ri)
{
	g->id[g->n & 31] = VSWP_GROUP_ANY;
	g->n += (c->any_roles >> ri) & 1;
}

/* The scopes of a packet: the groups of both its ports, then "any". */
static __always_inline void scopes_of(struct gset *g, const struct vswp_cfg *c,
				      __u32 in, __u32 out)
{
	g->n = 0;
	add_groups(g, bpf_map_lookup_elem(&port_groups, &in), VSWP_RI_SCOPE);
	add_groups(g, bpf_map_lookup_elem(&port_groups, &out), VSWP_RI_SCOPE);
	add_any(g, c, VSWP_RI_SCOPE);
}

/* The groups of an end in a role: its port's, its address's, then "any". */
static __always_inline void groups_of(struct gset *g, const struct vswp_cfg *c,
				      int ri, __u32 port,
				      const __u8 *addr, int v6)
{
	g->n = 0;
	add_groups(g, bpf_map_lookup_elem(&port_groups, &port), ri);
	if (v6) {
		struct vswp_v6_key k = { .prefixlen = 128 };

		__builtin_memcpy(k.addr, addr, 16);
		add_groups(g, bpf_map_lookup_elem(&v6_groups, &k), ri);
	} else {
		struct vswp_v4_key k = { .prefixlen = 32 };

		__builtin_memcpy(k.addr, addr, 4);
		add_groups(g, bpf_map_lookup_elem(&v4_groups, &k), ri);
	}
	add_any(g, c, ri);
}

/*
 * The lookups of one decision: every triple, in a bpf_loop(). @best is the
 * lowest rank found, cfg's n_rules while none is: a value the verifier
 * does not know. (The 6.1 verifier checks a callback once, as its first
 * call sees the caller's stack; with a "found" flag that starts at 0 it
 * takes the flag for 0 in every call and wires the comparison of ranks
 * out: the last match would win, not the first.)
 */
struct search {
	struct gset src, dst, scope;
	struct vswp_rule_key k;
	__u32 best;
};

static int lookup_triple(__u32 n, void *ctx)
{
	struct search *s = ctx;
	__u32 i, j, l, nd = s->dst.n, ns = s->scope.n;
	struct vswp_rule *r;

	if (!nd || nd > GSET_MAX || !ns || ns > GSET_MAX)
		return 1;
	l = n % ns;
	n /= ns;
	j = n % nd;
	i = n / nd;
	if (i >= s->src.n)
		return 1;
	/* hide what the compiler knows of i, j, l: the masks must stay */
	asm volatile("" : "+r"(i), "+r"(j), "+r"(l));
	s->k.src = bpf_htons(s->src.id[i & 31]);
	s->k.dst = bpf_htons(s->dst.id[j & 31]);
	s->k.scope = bpf_htons(s->scope.id[l & 31]);
	r = bpf_map_lookup_elem(&rules, &s->k);
	if (r && r->index < s->best)
		s->best = r->index;
	return 0;
}

static __always_inline int decide(struct __sk_buff *skb, __u32 index,
				  __u32 id, __u8 action)
{
	struct vswp_stats *st = bpf_map_lookup_elem(&stats, &index);

	if (st)
		st->sessions++;
	skb->cb[4] = id;
	return action == VSWP_ALLOW ? VSWITCH_VERDICT_ALLOW :
	       action == VSWP_REJECT ? VSWITCH_VERDICT_REJECT :
				       VSWITCH_VERDICT_DROP;
}

SEC("tc")
int vswitch_policy(struct __sk_buff *skb)
{
	__u32 state = skb->cb[0], in_port = skb->cb[1], out_port = skb->cb[2];
	int reply = !!(state & VSWITCH_CT_REPLY);
	struct search s = { .k.prefixlen = VSWP_KEY_BITS };
	struct vswp_rule_meta *m;
	struct ends e = {};
	struct vswp_cfg *c;
	__u32 zero = 0;

	asm volatile("" : "+r"(in_port), "+r"(out_port));
	c = bpf_map_lookup_elem(&cfg, &zero);
	if (!c)		/* cannot be: an array's element */
		return VSWITCH_VERDICT_DROP;
	if (parse(skb, &e, reply))
		return decide(skb, c->n_rules, 0, c->default_action);
	s.best = c->n_rules;
	groups_of(&s.src, c, VSWP_RI_SRC, reply ? out_port : in_port,
		  e.src, e.v6);
	groups_of(&s.dst, c, VSWP_RI_DST, reply ? in_port : out_port,
		  e.dst, e.v6);
	scopes_of(&s.scope, c, in_port, out_port);
	s.k.proto = e.proto;
	s.k.dport = bpf_htons(e.dport);
	bpf_loop(s.src.n * s.dst.n * s.scope.n, lookup_triple, &s, 0);
	if (s.best < c->n_rules) {
		m = bpf_map_lookup_elem(&rule_meta, &s.best);
		if (m)
			return decide(skb, s.best, m->id, m->action);
	}
	return decide(skb, c->n_rules, 0, c->default_action);
}

char LICENSE[] SEC("license") = "GPL";
