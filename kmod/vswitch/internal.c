// SPDX-License-Identifier: GPL-2.0
/*
 * The internal port: a netdev the host uses to talk to the switch, like a
 * bridge device or an OVS internal port. What the host transmits on it
 * enters the switch as if received on a port; what the switch delivers to
 * it goes up the host stack. Its standard counters (ip -s link) are kept
 * per CPU; the switch also counts it as a port, and ethtool -S shows that
 * port's counters, from the switch's side (rx: into the switch, from the
 * host), under the names vswctl -j -s gives them.
 *
 * It has no rtnl_link_ops, so only the switch creates and deletes it, and
 * it may not leave its namespace (the switch is per namespace).
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/netlink.h>

#include "compat.h"
#include "datapath.h"
#include "internal.h"
#include "port.h"

#define INTERNAL_FEATURES (NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | \
			   NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE)

/**
 * struct vsw_internal - private data of an internal device
 * @port: the port it is, or NULL while detached (RTNL; RCU readers)
 */
struct vsw_internal {
	struct vsw_port __rcu *port;
};

static netdev_tx_t internal_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vsw_internal *priv = netdev_priv(dev);
	struct vsw_port *port;

	/* the caller holds rcu_read_lock_bh(); the pipeline uses plain RCU */
	rcu_read_lock();
	port = rcu_dereference(priv->port);
	if (unlikely(!port)) {
		dev_core_stats_tx_dropped_inc(dev);
		kfree_skb(skb);
	} else {
		dev_sw_netstats_tx_add(dev, 1, skb->len);
		vsw_dp_input(port, skb);
	}
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

static int internal_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void internal_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static const struct net_device_ops internal_ops = {
	.ndo_init		= internal_init,
	.ndo_uninit		= internal_uninit,
	.ndo_start_xmit		= internal_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/* ethtool -S: the internal port's counters, named as in vswctl -j -s. */
static const char *const stat_names[] = {
	"rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "frags_queued",
	"drops_total",
};

/* Per drop reason, "drops_" and vswctl's JSON key; index enum vswitch_drop. */
static const char *const drop_names[__VSWITCH_DROP_MAX] = {
	[VSWITCH_DROP_MALFORMED]	= "malformed",
	[VSWITCH_DROP_SRC_MAC]		= "src_mac",
	[VSWITCH_DROP_VLAN]		= "vlan",
	[VSWITCH_DROP_MAC_SPOOF]	= "mac_spoof",
	[VSWITCH_DROP_IPV4_SPOOF]	= "ipv4_spoof",
	[VSWITCH_DROP_ARP_SPOOF]	= "arp_spoof",
	[VSWITCH_DROP_IPV6_SPOOF]	= "ipv6_spoof",
	[VSWITCH_DROP_ND_SPOOF]		= "nd_spoof",
	[VSWITCH_DROP_DHCP_SERVER]	= "dhcp_server",
	[VSWITCH_DROP_POLICY]		= "policy",
	[VSWITCH_DROP_HAIRPIN]		= "hairpin",
	[VSWITCH_DROP_UPLINK_LOOP]	= "uplink_loop",
	[VSWITCH_DROP_NO_DEST]		= "no_dest",
	[VSWITCH_DROP_MTU]		= "mtu",
	[VSWITCH_DROP_PORT_DOWN]	= "port_down",
	[VSWITCH_DROP_TX_ERROR]		= "tx_error",
	[VSWITCH_DROP_NOMEM]		= "nomem",
	[VSWITCH_DROP_CT_INVALID]	= "ct_invalid",
	[VSWITCH_DROP_CT_FRAG]		= "ct_frag",
	[VSWITCH_DROP_CT_COMMIT]	= "ct_commit",
	[VSWITCH_DROP_POLICY_CUT]	= "policy_cut",
	[VSWITCH_DROP_POLICY_ERROR]	= "policy_error",
	[VSWITCH_DROP_POLICY_REJECT]	= "policy_reject",
	[VSWITCH_DROP_CT_LIMIT]		= "ct_limit",
};

/* drop reasons 1..VSWITCH_DROP_MAX follow the fixed counters */
#define N_STATS (ARRAY_SIZE(stat_names) + VSWITCH_DROP_MAX)

static void internal_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
}

static int internal_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? N_STATS : -EOPNOTSUPP;
}

static void internal_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(stat_names); i++)
		ethtool_sprintf(&data, "%s", stat_names[i]);
	for (i = 1; i <= VSWITCH_DROP_MAX; i++)
		ethtool_sprintf(&data, "drops_%s", drop_names[i]);
}

static void internal_get_ethtool_stats(struct net_device *dev,
				       struct ethtool_stats *estats, u64 *data)
{
	struct vsw_internal *priv = netdev_priv(dev);
	struct vsw_port *port;
	struct vsw_stats st;
	u64 total = 0;
	int i;

	memset(&st, 0, sizeof(st));
	/* the port is freed after a grace period (port_free_rcu) */
	rcu_read_lock();
	port = rcu_dereference(priv->port);
	if (port)	/* else detached: zeros */
		vsw_stats_fold(port->stats, &st);
	rcu_read_unlock();

	for (i = 1; i <= VSWITCH_DROP_MAX; i++)
		total += st.drops[i];
	*data++ = st.rx_packets;
	*data++ = st.rx_bytes;
	*data++ = st.tx_packets;
	*data++ = st.tx_bytes;
	*data++ = st.frags_queued;
	*data++ = total;
	for (i = 1; i <= VSWITCH_DROP_MAX; i++)
		*data++ = st.drops[i];
}

static const struct ethtool_ops internal_ethtool_ops = {
	.get_drvinfo		= internal_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= internal_get_sset_count,
	.get_strings		= internal_get_strings,
	.get_ethtool_stats	= internal_get_ethtool_stats,
};

static void internal_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &internal_ops;
	dev->ethtool_ops = &internal_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_flags |= IFF_NO_QUEUE;
	/* the pipeline changes the skb: no shared skbs (pktgen clone_skb) */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	vsw_compat_set_lltx(dev);
	vsw_compat_set_netns_local(dev);
	dev->features |= INTERNAL_FEATURES;
	dev->hw_features |= INTERNAL_FEATURES;
	dev->vlan_features |= INTERNAL_FEATURES;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);
}

/**
 * vsw_internal_create() - create and register an internal device
 * @net: its namespace
 * @name: its name (checked by the caller with dev_valid_name())
 * @extack: for the error message
 *
 * Context: RTNL held.
 * Return: the device (not yet attached to a port) or an ERR_PTR().
 */
struct net_device *vsw_internal_create(struct net *net, const char *name,
				       struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	int ret;

	ASSERT_RTNL();
	dev = alloc_netdev(sizeof(struct vsw_internal), name, NET_NAME_USER,
			   internal_setup);
	if (!dev) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the internal device");
		return ERR_PTR(-ENOMEM);
	}
	dev_net_set(dev, net);
	ret = register_netdevice(dev);
	if (ret) {
		free_netdev(dev);
		NL_SET_ERR_MSG_MOD(extack,
				   "cannot register the internal device (is a device of that name present?)");
		return ERR_PTR(ret);
	}
	return dev;
}

/* Frames the host sends on @dev enter the switch through @port from now. */
void vsw_internal_attach(struct net_device *dev, struct vsw_port *port)
{
	struct vsw_internal *priv = netdev_priv(dev);

	ASSERT_RTNL();
	rcu_assign_pointer(priv->port, port);
}

/* Stops the switch's input from @dev; callers wait a grace period. */
void vsw_internal_detach(struct net_device *dev)
{
	struct vsw_internal *priv = netdev_priv(dev);

	ASSERT_RTNL();
	RCU_INIT_POINTER(priv->port, NULL);
}

bool vsw_internal_is(const struct net_device *dev)
{
	return dev->netdev_ops == &internal_ops;
}

/**
 * vsw_internal_port() - the port an internal device belongs to
 * @dev: an internal device (vsw_internal_is())
 *
 * Context: RTNL held.
 * Return: the port, or NULL when detached.
 */
struct vsw_port *vsw_internal_port(const struct net_device *dev)
{
	const struct vsw_internal *priv = netdev_priv(dev);

	return rtnl_dereference(priv->port);
}

/**
 * vsw_internal_deliver() - hand a switched frame up the host stack
 * @port: the internal port
 * @skb: the frame, data at the Ethernet header; consumed
 *
 * Context: packet path.
 */
void vsw_internal_deliver(struct vsw_port *port, struct sk_buff *skb)
{
	struct net_device *dev = port->dev;

	skb_dst_drop(skb);
	nf_reset_ct(skb);
	dev_sw_netstats_rx_add(dev, skb->len);
	/*
	 * eth_type_trans() sets pkt_type only for frames not to @dev's own
	 * address: one the ingress port's eth_type_trans() marked OTHERHOST
	 * would stay so, and the stack would drop it.
	 */
	skb->pkt_type = PACKET_HOST;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	netif_rx(skb);
}
