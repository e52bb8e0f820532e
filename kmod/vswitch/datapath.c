// SPDX-License-Identifier: GPL-2.0
/*
 * The packet path. A frame enters from a port's rx handler (or the
 * internal device's transmit) and runs, under RCU with BH off:
 *
 *   vsw_dp_input: count rx, parse into a key, ingress checks (source MAC,
 *     VLAN, port security, vsw_policy_ingress: conntrack when the
 *     switch's firewall is on), learn the source
 *   -> unicast to the fdb's port, or flood (broadcast, multicast, unknown)
 *   -> dp_output per egress port: vsw_policy_egress, device up, MTU (a
 *     datagram the firewall reassembled is cut again: dp_refrag)
 *   -> vsw_dp_xmit: dev_queue_xmit, or up the host stack (internal port)
 *
 * A drop is counted under its reason on the port where it happened (the
 * ingress port before forwarding, the egress port after) and on the
 * switch. Frames are never sent back to their ingress port (no hairpin)
 * nor from one uplink to another.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/percpu.h>
#include <net/pkt_sched.h>
#include "compat.h"
#include "datapath.h"
#include "fdb.h"
#include "internal.h"
#include "parse.h"
#include "policy.h"
#include "port.h"
#include "security.h"
#include "switch.h"

static void dp_drop(struct vsw_port *port, struct sk_buff *skb,
		    enum vswitch_drop reason)
{
	vsw_stats_drop(port->stats, reason);
	vsw_stats_drop(port->sw->stats, reason);
	kfree_skb(skb);
}

static bool is_uplink(const struct vsw_port *port)
{
	return READ_ONCE(port->flags) & VSW_PORT_F_UPLINK;
}

static bool too_big(const struct net_device *dev, const struct sk_buff *skb,
		    const struct vsw_key *key)
{
	unsigned int max = READ_ONCE(dev->mtu) + ETH_HLEN + key->vlan_hlen;

	if (skb->len <= max)
		return false;
	if (skb_is_gso(skb))
		return !skb_gso_validate_mac_len(skb, max);
	return true;
}

/**
 * vsw_dp_xmit() - send a frame out of a port, counted as its tx
 * @out: the port
 * @skb: the frame, data at the Ethernet header; consumed
 *
 * Context: the packet path (RCU, BH off).
 */
void vsw_dp_xmit(struct vsw_port *out, struct sk_buff *skb)
{
	unsigned int len = skb->len;
	int ret;

	/* the switch's conntrack entry stays in the switch */
	nf_reset_ct(skb);
	if (READ_ONCE(out->flags) & VSW_PORT_F_INTERNAL) {
		vsw_internal_deliver(out, skb);
	} else {
		skb->dev = out->dev;
		skb_clear_tstamp(skb);
		/* net_xmit_eval() evaluates its argument twice */
		ret = dev_queue_xmit(skb);
		if (net_xmit_eval(ret)) {
			vsw_stats_drop(out->stats, VSWITCH_DROP_TX_ERROR);
			vsw_stats_drop(out->sw->stats, VSWITCH_DROP_TX_ERROR);
			return;
		}
	}
	vsw_stats_tx(out->stats, len);
	vsw_stats_tx(out->sw->stats, len);
}

/* the egress port of the datagram sch_frag_xmit_hook() is cutting */
static DEFINE_PER_CPU(struct vsw_port *, dp_frag_out);

static int dp_frag_xmit(struct sk_buff *skb)
{
	vsw_dp_xmit(__this_cpu_read(dp_frag_out), skb);
	return 0;
}

/*
 * A datagram the firewall reassembled leaves cut into fragments no longer
 * than the longest it came in (nor than the egress MTU), as Open
 * vSwitch's datapath and tc's act_ct send it, by the kernel's own
 * fragmentation (sch_frag_xmit_hook(): ip_do_fragment(), ip6_fragment()).
 * Each fragment counts as a tx frame. Return: false when it cannot be cut
 * (an IPv6 fragment longer than the egress MTU, or more than one VLAN tag
 * in the frame): the caller drops it as too big; true when consumed.
 */
static bool dp_refrag(struct vsw_port *out, struct sk_buff *skb,
		      const struct vsw_key *key)
{
	unsigned int mtu = READ_ONCE(out->dev->mtu);

	if (key->vlan_hlen > VLAN_HLEN ||
	    (key->l3 == VSW_L3_IPV6 && key->frag_mru > mtu))
		return false;
	skb->dev = out->dev;
	tc_skb_cb(skb)->mru = key->frag_mru;
	__this_cpu_write(dp_frag_out, out);
	/*
	 * The kernel's fragmentation frees what it cannot cut (and counts
	 * it in the namespace's FragFails): the datagram is counted too big.
	 */
	if (sch_frag_xmit_hook(skb, dp_frag_xmit)) {
		vsw_stats_drop(out->stats, VSWITCH_DROP_MTU);
		vsw_stats_drop(out->sw->stats, VSWITCH_DROP_MTU);
	}
	return true;
}

static void dp_output(struct vsw_port *in, struct vsw_port *out,
		      struct sk_buff *skb, struct vsw_key *key)
{
	enum vswitch_drop reason;

	reason = vsw_policy_egress(in, out, skb, key);
	if (!reason && !(READ_ONCE(out->dev->flags) & IFF_UP))
		reason = VSWITCH_DROP_PORT_DOWN;
	if (!reason && key->frag_mru &&
	    skb->len > key->frag_mru + out->dev->hard_header_len) {
		if (dp_refrag(out, skb, key))
			return;
		reason = VSWITCH_DROP_MTU;
	}
	if (!reason && too_big(out->dev, skb, key))
		reason = VSWITCH_DROP_MTU;
	if (reason) {
		dp_drop(out, skb, reason);
		return;
	}
	vsw_dp_xmit(out, skb);
}

/* May a flooded copy go from @in to @out? Ineligible ports are skipped. */
static bool flood_to(const struct vsw_port *in, const struct vsw_port *out,
		     const struct vsw_key *key)
{
	u32 flags = READ_ONCE(out->flags);

	if (out == in || !(READ_ONCE(out->dev->flags) & IFF_UP))
		return false;
	if ((flags & VSW_PORT_F_UPLINK) && is_uplink(in))
		return false;
	if (key->vlan && !(flags & VSW_PORT_F_VLAN))
		return false;
	return true;
}

static void dp_flood(struct vsw_port *in, struct sk_buff *skb,
		     struct vsw_key *key)
{
	struct vsw_switch *sw = in->sw;
	struct vsw_port *out, *prev = NULL;
	struct sk_buff *copy;

	list_for_each_entry_rcu(out, &sw->ports, node) {
		if (!flood_to(in, out, key))
			continue;
		if (prev) {
			copy = skb_clone(skb, GFP_ATOMIC);
			if (copy)
				dp_output(in, prev, copy, key);
			else
				dp_drop(prev, NULL, VSWITCH_DROP_NOMEM);
		}
		prev = out;
	}
	if (!prev) {
		dp_drop(in, skb, VSWITCH_DROP_NO_DEST);
		return;
	}
	vsw_stats_event(sw->stats, flood);
	dp_output(in, prev, skb, key);
}

static void dp_unicast(struct vsw_port *in, struct vsw_port *out,
		       struct sk_buff *skb, struct vsw_key *key)
{
	if (out == in)
		dp_drop(in, skb, VSWITCH_DROP_HAIRPIN);
	else if (is_uplink(in) && is_uplink(out))
		dp_drop(in, skb, VSWITCH_DROP_UPLINK_LOOP);
	else if (key->vlan && !(READ_ONCE(out->flags) & VSW_PORT_F_VLAN))
		dp_drop(out, skb, VSWITCH_DROP_VLAN);
	else
		dp_output(in, out, skb, key);
}

static enum vswitch_drop dp_ingress_checks(struct vsw_port *in,
					   struct sk_buff *skb,
					   struct vsw_key *key, bool *stolen)
{
	enum vswitch_drop reason;

	if (!is_valid_ether_addr(key->eth_src))
		return VSWITCH_DROP_SRC_MAC;
	if (key->vlan && !(READ_ONCE(in->flags) & VSW_PORT_F_VLAN))
		return VSWITCH_DROP_VLAN;
	reason = vsw_sec_check(in, key);
	if (reason)
		return reason;
	return vsw_policy_ingress(in, skb, key, stolen);
}

/**
 * vsw_dp_input() - switch a frame that entered from @in
 * @in: ingress port
 * @skb: the frame, data at the Ethernet header, not shared; consumed
 *
 * Context: RCU read side, BH off.
 */
void vsw_dp_input(struct vsw_port *in, struct sk_buff *skb)
{
	struct vsw_frame frame = { .skb = skb };
	enum vswitch_drop reason;
	bool stolen = false;
	struct vsw_port *out;
	struct vsw_key key;

	vsw_stats_rx(in->stats, skb->len);
	vsw_stats_rx(in->sw->stats, skb->len);
	reason = vsw_parse(&frame, skb_vlan_tag_present(skb), &key);
	if (!reason)
		reason = dp_ingress_checks(in, skb, &key, &stolen);
	if (stolen) {
		/* queued for reassembly, or freed by it */
		if (reason) {
			dp_drop(in, NULL, reason);
		} else {
			vsw_stats_event(in->stats, frags_queued);
			vsw_stats_event(in->sw->stats, frags_queued);
		}
		return;
	}
	if (reason) {
		dp_drop(in, skb, reason);
		return;
	}
	vsw_fdb_learn(in->sw, key.eth_src, in);

	if (is_multicast_ether_addr(key.eth_dst)) {
		dp_flood(in, skb, &key);
		return;
	}
	out = vsw_fdb_lookup(in->sw, key.eth_dst);
	if (out)
		dp_unicast(in, out, skb, &key);
	else
		dp_flood(in, skb, &key);
}

/**
 * vsw_dp_rx_handler() - rx handler of every (non-internal) port device
 * @pskb: the received frame
 *
 * Link-local control frames (01:80:c2:00:00:0x: STP, LACP, LLDP) are not
 * switched: they go up the port device's own stack, as on a bridge.
 *
 * Context: RCU read side, BH off.
 * Return: RX_HANDLER_CONSUMED, or RX_HANDLER_PASS for frames not switched.
 */
rx_handler_result_t vsw_dp_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct vsw_port *port;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	if (unlikely(is_link_local_ether_addr(eth_hdr(skb)->h_dest)))
		return RX_HANDLER_PASS;

	port = rcu_dereference(skb->dev->rx_handler_data);
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb) {
		vsw_stats_drop(port->stats, VSWITCH_DROP_NOMEM);
		vsw_stats_drop(port->sw->stats, VSWITCH_DROP_NOMEM);
		return RX_HANDLER_CONSUMED;
	}
	/* back to the Ethernet header, keeping CHECKSUM_COMPLETE right */
	skb_push_rcsum(skb, skb->data - skb_mac_header(skb));
	vsw_dp_input(port, skb);
	return RX_HANDLER_CONSUMED;
}
