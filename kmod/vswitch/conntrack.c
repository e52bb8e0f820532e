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
 * queues, so that every tracked packet has its ports.
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
#include <net/netfilter/nf_conntrack_labels.h>
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

/**
 * vsw_ct_init() - make the zone template of a switch
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

	nf_ct_zone_init(&z, zone, NF_CT_DEFAULT_ZONE_DIR, 0);
	tmpl = nf_ct_tmpl_alloc(sw->net, &z, GFP_KERNEL);
	if (!tmpl)
		return -ENOMEM;
	/* 128 bits: cannot fail (-ERANGE is for more) */
	if (nf_connlabels_get(sw->net, sizeof(struct vswitch_ct_labels) * 8 - 1)) {
		nf_ct_tmpl_free(tmpl);
		return -ENOMEM;
	}
	/* a template is never inserted: mark it so, as xt_CT does */
	__set_bit(IPS_CONFIRMED_BIT, &tmpl->status);
	sw->fw.tmpl = tmpl;
	sw->fw.zone = zone;
	INIT_WORK(&sw->fw.ct_recount, ct_recount_work);
	return 0;
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
	if (!sw->fw.tmpl)
		return;
	cancel_work_sync(&sw->fw.ct_recount);
	vsw_ct_flush(sw);
	nf_ct_put(sw->fw.tmpl);
	sw->fw.tmpl = NULL;
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
 * a frame not tracked (vsw_ct_untracked()).
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
	}

	nf_conntrack_get(&sw->fw.tmpl->ct_general);
	nf_ct_set(skb, sw->fw.tmpl, IP_CT_NEW);
	if (nf_conntrack_in(skb, &state) != NF_ACCEPT || !skb_nfct(skb))
		reason = VSWITCH_DROP_CT_INVALID;
out:
	skb_push_rcsum(skb, nh);
	/* the datagram the fragments made has ports: parse it again */
	if (frag && !reason && vsw_parse(&frame, skb_vlan_tag_present(skb), key))
		reason = VSWITCH_DROP_MALFORMED;
	return reason;
}
