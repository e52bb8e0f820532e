// SPDX-License-Identifier: GPL-2.0
/*
 * Connection tracking for a switch with its firewall on: the kernel's own
 * nf_conntrack, driven from the packet path without netfilter hooks, as
 * Open vSwitch's datapath and tc's act_ct drive it. Each switch tracks in
 * its own zone (a template conntrack carries the zone into
 * nf_conntrack_in()), so tenants with overlapping addresses stay apart
 * and `conntrack -L -w ZONE` lists the switch's connections.
 *
 * A new connection's entry is confirmed (inserted in the table) only
 * when the policy allows it (policy.c) and the switch has fewer than its
 * ct-limit connections; an entry never confirmed dies with its packet.
 * Fragments are reassembled first, in the zone's own defragmentation
 * queues, so that every tracked packet has its ports; the output cuts the
 * datagram again (datapath.c).
 */
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ipv6_frag.h>
#include <net/ndisc.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_l4proto.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include <net/netfilter/nf_conntrack_timeout.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "conntrack.h"
#include "parse.h"
#include "switch.h"

static int ct_in_zone(struct nf_conn *ct, void *data)
{
	return nf_ct_zone_id(nf_ct_zone(ct), IP_CT_DIR_ORIGINAL) == *(u16 *)data;
}

/*
 * The connection limit. The kernel tells a module nothing when an entry
 * dies, so the switch counts what it confirms, and, when the count
 * reaches the limit, walks the table to count the zone's entries again
 * (at most once a second: a guest at its limit costs the host one walk a
 * second). Between walks the count can only be too high: the limit holds,
 * and a connection refused at the limit is refused until the walk finds
 * the entries that ended.
 */
struct ct_count_arg {
	u16 zone;
	unsigned int n;
};

static int ct_count_one(struct nf_conn *ct, void *data)
{
	struct ct_count_arg *a = data;

	if (ct_in_zone(ct, &a->zone))
		a->n++;
	return 0;	/* keep it */
}

/* Count the zone's entries. Context: process (sleeps). */
static void ct_recount(struct vsw_switch *sw)
{
	struct ct_count_arg a = { .zone = sw->fw.zone };
	struct nf_ct_iter_data d = { .net = sw->net, .data = &a };

	nf_ct_iterate_cleanup_net(ct_count_one, &d);
	atomic_set(&sw->fw.ct_count, a.n);
}

static void ct_recount_work(struct work_struct *work)
{
	ct_recount(container_of(work, struct vsw_switch, fw.ct_recount));
}

/**
 * vsw_ct_set_limit() - set a switch's connection limit
 * @sw: the switch
 * @limit: most connections, 0 for none
 *
 * Connections beyond a new, lower limit stay; new ones are refused until
 * the switch has fewer than @limit.
 *
 * Context: process, RTNL held; sleeps.
 */
void vsw_ct_set_limit(struct vsw_switch *sw, u32 limit)
{
	/* the count is exact when a limit starts */
	if (limit)
		ct_recount(sw);
	WRITE_ONCE(sw->fw.ct_limit, limit);
}

/**
 * vsw_ct_admit() - whether a new connection may be confirmed
 * @sw: the switch
 *
 * Return: true, counted; false at the limit (a recount is started).
 *
 * Context: packet path.
 */
bool vsw_ct_admit(struct vsw_switch *sw)
{
	u32 limit = READ_ONCE(sw->fw.ct_limit);

	if (!limit)
		return true;
	if (atomic_inc_return(&sw->fw.ct_count) <= limit)
		return true;
	atomic_dec(&sw->fw.ct_count);
	if (time_after_eq(jiffies, READ_ONCE(sw->fw.ct_recount_at))) {
		WRITE_ONCE(sw->fw.ct_recount_at, jiffies + HZ);
		schedule_work(&sw->fw.ct_recount);
	}
	return false;
}

/*
 * Timeouts. A switch has a template per protocol with timeouts of its
 * own (TCP, UDP, ICMP and ICMPv6), each with a timeout extension; while
 * one of the protocol's values is set, the extension points to the
 * switch's timeout object, and each new connection takes a reference on
 * it (init_conntrack()), so the values apply to the switch's connections
 * and to nothing else. The object holds every state's value: the ones
 * set, and the namespace's for the others, as they were when last set.
 */
static const struct {
	u8 tmpl;
	u8 state;
} ct_timeout_slot[VSWITCH_CT_TIMEOUT_A_MAX + 1] = {
	[VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED] = { VSW_CT_TCP, TCP_CONNTRACK_ESTABLISHED },
	[VSWITCH_CT_TIMEOUT_A_TCP_TIME_WAIT] = { VSW_CT_TCP, TCP_CONNTRACK_TIME_WAIT },
	[VSWITCH_CT_TIMEOUT_A_UDP] = { VSW_CT_UDP, UDP_CT_UNREPLIED },
	[VSWITCH_CT_TIMEOUT_A_UDP_STREAM] = { VSW_CT_UDP, UDP_CT_REPLIED },
	[VSWITCH_CT_TIMEOUT_A_ICMP] = { VSW_CT_ICMP, 0 },
};

static const u8 ct_tmpl_proto[VSW_CT_TMPLS] = {
	[VSW_CT_TCP] = IPPROTO_TCP,
	[VSW_CT_UDP] = IPPROTO_UDP,
	[VSW_CT_ICMP] = IPPROTO_ICMP,
};

/* The namespace's values of template @t's protocol, and their number. */
static unsigned int ct_timeout_defaults(struct net *net, int t,
					const unsigned int **v)
{
	switch (t) {
	case VSW_CT_TCP:
		*v = nf_tcp_pernet(net)->timeouts;
		return TCP_CONNTRACK_TIMEOUT_MAX;
	case VSW_CT_UDP:
		*v = nf_udp_pernet(net)->timeouts;
		return UDP_CT_MAX;
	default:
		*v = &nf_icmp_pernet(net)->timeout;
		return 1;
	}
}

static struct nf_ct_timeout *ct_timeout_alloc(struct net *net, int t)
{
	const unsigned int *v;
	unsigned int n = ct_timeout_defaults(net, t, &v);
	struct nf_ct_timeout *to;

	to = kzalloc(struct_size(to, data, n * sizeof(unsigned int)),
		     GFP_KERNEL_ACCOUNT);
	if (!to)
		return NULL;
	refcount_set(&to->refcnt, 1);	/* the switch's */
	to->l3num = NFPROTO_INET;
	to->l4proto = nf_ct_l4proto_find(ct_tmpl_proto[t]);
	memcpy(to->data, v, n * sizeof(unsigned int));
	return to;
}

static void ct_timeout_put(struct nf_ct_timeout *to)
{
	/* connections may outlive the switch: the last one frees it */
	if (to && refcount_dec_and_test(&to->refcnt))
		kfree_rcu(to, rcu);
}

static void ct_tmpl_free(struct vsw_switch *sw)
{
	struct nf_conn_timeout *ext;
	int t;

	for (t = 0; t < VSW_CT_TMPLS; t++) {
		if (sw->fw.tmpl[t]) {
			ext = nf_ct_timeout_find(sw->fw.tmpl[t]);
			if (ext)
				RCU_INIT_POINTER(ext->timeout, NULL);
			nf_ct_put(sw->fw.tmpl[t]);
			sw->fw.tmpl[t] = NULL;
		}
		ct_timeout_put(sw->fw.timeout[t]);
		sw->fw.timeout[t] = NULL;
	}
}

/**
 * vsw_ct_set_timeouts() - set a switch's own timeouts
 * @sw: the switch
 * @secs: seconds by VSWITCH_CT_TIMEOUT_A_* (0: the namespace's)
 * @mask: bit N: @secs[N] is to be set
 *
 * Context: process, RTNL held.
 */
void vsw_ct_set_timeouts(struct vsw_switch *sw, const u32 *secs, u32 mask)
{
	const unsigned int *v;
	struct nf_conn_timeout *ext;
	unsigned int *data, n, i;
	bool set[VSW_CT_TMPLS] = {};
	bool touched[VSW_CT_TMPLS] = {};
	int a, t;

	for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++) {
		if (mask & BIT(a)) {
			sw->fw.timeout_secs[a] = secs[a];
			touched[ct_timeout_slot[a].tmpl] = true;
		}
		if (sw->fw.timeout_secs[a])
			set[ct_timeout_slot[a].tmpl] = true;
	}
	for (t = VSW_CT_TCP; t < VSW_CT_TMPLS; t++) {
		if (!touched[t])
			continue;
		/* read without a lock by connections that hold it */
		data = (unsigned int *)sw->fw.timeout[t]->data;
		n = ct_timeout_defaults(sw->net, t, &v);
		for (i = 0; i < n; i++)
			WRITE_ONCE(data[i], READ_ONCE(v[i]));
		for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++)
			if (ct_timeout_slot[a].tmpl == t && sw->fw.timeout_secs[a])
				WRITE_ONCE(data[ct_timeout_slot[a].state],
					   sw->fw.timeout_secs[a] * HZ);
		ext = nf_ct_timeout_find(sw->fw.tmpl[t]);
		rcu_assign_pointer(ext->timeout, set[t] ? sw->fw.timeout[t] : NULL);
	}
}

/* The template of a frame's connection. */
static struct nf_conn *ct_tmpl(const struct vsw_switch *sw, u8 ip_proto)
{
	switch (ip_proto) {
	case IPPROTO_TCP:
		return sw->fw.tmpl[VSW_CT_TCP];
	case IPPROTO_UDP:
		return sw->fw.tmpl[VSW_CT_UDP];
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return sw->fw.tmpl[VSW_CT_ICMP];
	default:
		return sw->fw.tmpl[VSW_CT_OTHER];
	}
}

/**
 * vsw_ct_init() - make the zone templates of a switch
 * @sw: the switch
 * @zone: its conntrack zone
 *
 * Connections carry labels (struct vswitch_ct_labels): the switch turns
 * conntrack labels on in its namespace for as long as it lives.
 *
 * Context: process, RTNL held.
 * Return: 0 or -ENOMEM.
 */
int vsw_ct_init(struct vsw_switch *sw, u16 zone)
{
	struct nf_conntrack_zone z;
	struct nf_conn *tmpl;
	int t;

	nf_ct_zone_init(&z, zone, NF_CT_DEFAULT_ZONE_DIR, 0);
	for (t = 0; t < VSW_CT_TMPLS; t++) {
		tmpl = nf_ct_tmpl_alloc(sw->net, &z, GFP_KERNEL);
		if (!tmpl)
			goto nomem;
		sw->fw.tmpl[t] = tmpl;
		if (t != VSW_CT_OTHER) {
			/* an extension with no timeout yet, before the
			 * template counts as confirmed
			 */
			sw->fw.timeout[t] = ct_timeout_alloc(sw->net, t);
			if (!sw->fw.timeout[t] ||
			    !nf_ct_ext_add(tmpl, NF_CT_EXT_TIMEOUT, GFP_KERNEL))
				goto nomem;
		}
		/* a template is never inserted: mark it so, as xt_CT does */
		__set_bit(IPS_CONFIRMED_BIT, &tmpl->status);
	}
	/* 128 bits: cannot fail (-ERANGE is for more) */
	if (nf_connlabels_get(sw->net, sizeof(struct vswitch_ct_labels) * 8 - 1))
		goto nomem;
	sw->fw.zone = zone;
	INIT_WORK(&sw->fw.ct_recount, ct_recount_work);
	return 0;

nomem:
	ct_tmpl_free(sw);
	return -ENOMEM;
}

/**
 * vsw_ct_flush() - delete every connection of the switch's zone
 * @sw: the switch
 *
 * Context: process (sleeps).
 */
void vsw_ct_flush(struct vsw_switch *sw)
{
	struct nf_ct_iter_data d = { .net = sw->net, .data = &sw->fw.zone };

	nf_ct_iterate_cleanup_net(ct_in_zone, &d);
	atomic_set(&sw->fw.ct_count, 0);
}

/**
 * vsw_ct_destroy() - flush the switch's connections, free its template
 * @sw: the switch, no longer reachable from the packet path (a grace
 *	period has passed since)
 *
 * Context: process (sleeps).
 */
void vsw_ct_destroy(struct vsw_switch *sw)
{
	if (!sw->fw.tmpl[VSW_CT_OTHER])
		return;
	cancel_work_sync(&sw->fw.ct_recount);
	vsw_ct_flush(sw);
	ct_tmpl_free(sw);
	nf_connlabels_put(sw->net);
}

/**
 * vsw_ct_label() - record in a connection what it runs between, and why
 * @ct: the connection, allowed (confirmed or about to be)
 * @l: its labels
 *
 * An entry not confirmed yet gets the labels extension first; one
 * confirmed without it (before labels were on) keeps none.
 */
void vsw_ct_label(struct nf_conn *ct, const struct vswitch_ct_labels *l)
{
	BUILD_BUG_ON(sizeof(*l) != sizeof(((struct nf_conn_labels *)0)->bits));
	if (!nf_ct_is_confirmed(ct))
		nf_ct_labels_ext_add(ct);
	nf_connlabels_replace(ct, (const u32 *)l, NULL, sizeof(*l) / sizeof(u32));
}

/**
 * vsw_ct_untracked() - whether a frame passes the firewall untracked
 * @key: the frame's key
 *
 * Frames that are not IP, and the ICMPv6 messages conntrack keeps no
 * entry for (neighbour discovery, router discovery, MLD: port security
 * vets ND), are not tracked. Everything else IPv4/IPv6 is.
 */
bool vsw_ct_untracked(const struct vsw_key *key)
{
	if (key->l3 != VSW_L3_IPV4 && key->l3 != VSW_L3_IPV6)
		return true;
	if (key->l3 != VSW_L3_IPV6 || key->ip_proto != IPPROTO_ICMPV6 ||
	    !key->l4)
		return false;
	switch (key->icmp6_type) {
	case ICMPV6_MGM_QUERY:
	case ICMPV6_MGM_REPORT:
	case ICMPV6_MGM_REDUCTION:
	case ICMPV6_MLD2_REPORT:
	case NDISC_ROUTER_SOLICITATION:
	case NDISC_ROUTER_ADVERTISEMENT:
	case NDISC_NEIGHBOUR_SOLICITATION:
	case NDISC_NEIGHBOUR_ADVERTISEMENT:
	case NDISC_REDIRECT:
		return true;
	default:
		return false;
	}
}

/*
 * Reassemble; data at the network header. Return: 0 with the whole
 * datagram in @skb, -EINPROGRESS with @skb queued, or an error with @skb
 * freed.
 */
static int ct_defrag(struct vsw_switch *sw, struct sk_buff *skb, u8 l3)
{
	int err;

	if (l3 == VSW_L3_IPV4) {
		memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
		err = ip_defrag(sw->net, skb,
				IP_DEFRAG_CONNTRACK_IN + sw->fw.zone);
		if (err)
			return err;
	} else {
		memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
		err = nf_ct_frag6_gather(sw->net, skb,
					 IP6_DEFRAG_CONNTRACK_IN + sw->fw.zone);
		if (err) {
			if (err != -EINPROGRESS)
				kfree_skb(skb);
			return err;
		}
	}
	skb_clear_hash(skb);
	/* the switch forwards the datagram whole: it may exceed the MTU */
	skb->ignore_df = 1;
	return 0;
}

/**
 * vsw_ct_input() - track a frame in the switch's zone
 * @sw: the switch (firewall on)
 * @skb: the frame, data at the Ethernet header
 * @key: its key; parsed again after a reassembly
 * @stolen: set (the caller clears it) when @skb is gone: queued for
 *	    reassembly (return 0) or freed (return the reason, to be
 *	    counted, not freed)
 *
 * On return with @skb kept, skb_nfct(skb) is its connection, or NULL for
 * a frame not tracked (vsw_ct_untracked()); a datagram reassembled from
 * fragments has @key->frag_mru set (the output cuts it again).
 *
 * Context: RCU read side, BH off.
 * Return: VSWITCH_DROP_NONE, or why the frame is dropped.
 */
enum vswitch_drop vsw_ct_input(struct vsw_switch *sw, struct sk_buff *skb,
			       struct vsw_key *key, bool *stolen)
{
	unsigned int nh = ETH_HLEN + key->vlan_hlen, len;
	struct nf_hook_state state = {
		.hook = NF_INET_PRE_ROUTING,
		.net = sw->net,
	};
	enum vswitch_drop reason = VSWITCH_DROP_NONE;
	struct vsw_frame frame = { .skb = skb };
	bool frag = key->frag;
	struct nf_conn *tmpl;
	u16 mru = 0;
	int err;

	/* an entry of the host's tracking or of another switch's zone */
	nf_reset_ct(skb);
	if (vsw_ct_untracked(key))
		return VSWITCH_DROP_NONE;
	state.pf = key->l3 == VSW_L3_IPV4 ? NFPROTO_IPV4 : NFPROTO_IPV6;

	/* conntrack works at L3, on a datagram without Ethernet padding */
	skb_set_network_header(skb, nh);
	skb_pull_rcsum(skb, nh);
	if (key->l3 == VSW_L3_IPV4)
		len = ntohs(ip_hdr(skb)->tot_len);
	else
		len = sizeof(struct ipv6hdr) + ntohs(ipv6_hdr(skb)->payload_len);
	if (pskb_trim_rcsum(skb, len)) {
		reason = VSWITCH_DROP_NOMEM;
		goto out;
	}
	if (frag) {
		err = ct_defrag(sw, skb, key->l3);
		if (err) {
			*stolen = true;
			return err == -EINPROGRESS ? VSWITCH_DROP_NONE :
						     VSWITCH_DROP_CT_FRAG;
		}
		/* the longest fragment: the datagram leaves cut as it came */
		mru = key->l3 == VSW_L3_IPV4 ? IPCB(skb)->frag_max_size :
					       IP6CB(skb)->frag_max_size;
	}

	tmpl = ct_tmpl(sw, key->ip_proto);
	nf_conntrack_get(&tmpl->ct_general);
	nf_ct_set(skb, tmpl, IP_CT_NEW);
	if (nf_conntrack_in(skb, &state) != NF_ACCEPT || !skb_nfct(skb))
		reason = VSWITCH_DROP_CT_INVALID;
out:
	skb_push_rcsum(skb, nh);
	/* the datagram the fragments made has ports: parse it again */
	if (frag && !reason) {
		if (vsw_parse(&frame, skb_vlan_tag_present(skb), key))
			reason = VSWITCH_DROP_MALFORMED;
		key->frag_mru = mru;
	}
	return reason;
}
