/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_PORT_H
#define _VSW_PORT_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <uapi/linux/vswitch.h>

#include "stats.h"

struct netlink_ext_ack;
struct vsw_sec;
struct vsw_switch;

/* Port flags (struct vsw_port.flags). */
#define VSW_PORT_F_UPLINK	BIT(0)	/* trusted, floods reach it */
#define VSW_PORT_F_VLAN		BIT(1)	/* tagged frames are forwarded */
#define VSW_PORT_F_DHCP_GUARD	BIT(2)	/* DHCP server replies dropped */
#define VSW_PORT_F_SECURITY	BIT(3)	/* SpoofGuard on */
#define VSW_PORT_F_INTERNAL	BIT(4)	/* the switch's own device */

/**
 * struct vsw_port - a device attached to a switch
 * @node: entry in the switch's @ports list (RCU; changed under RTNL)
 * @sw: the switch
 * @dev: the port's device (held)
 * @dev_tracker: tracks the reference on @dev
 * @id: port id, 1..VSWITCH_MAX_PORTS, unique in the switch
 * @flags: VSW_PORT_F_*; written under RTNL, read with READ_ONCE()
 * @segment: policy tag (segment), opaque to the switch
 * @secgroup: policy tag (security group), opaque to the switch
 * @sec: SpoofGuard binding, or NULL; replaced under RTNL
 * @stats: per-CPU counters
 * @rcu: frees the port after readers are done
 *
 * A port is reachable from the packet path through the device's
 * rx_handler_data (or the internal device's private data), the switch's
 * @ports list and fdb entries; all of these are gone, and an RCU grace
 * period has passed, before it is freed.
 */
struct vsw_port {
	struct list_head node;
	struct vsw_switch *sw;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	u32 id;
	u32 flags;
	u32 segment;
	u32 secgroup;
	struct vsw_sec __rcu *sec;
	struct vsw_pcpu_stats __percpu *stats;
	struct rcu_head rcu;
};

/**
 * struct vsw_port_cfg - settable port options, as parsed from netlink
 * @flags: new VSW_PORT_F_* values for the bits in @flags_mask
 * @flags_mask: which flags the request sets
 * @segment: new segment tag, if @has_segment
 * @secgroup: new security group tag, if @has_secgroup
 * @mac: new bound MAC, if @has_mac
 * @n_ipv4: entries in @ipv4
 * @n_ipv6: entries in @ipv6
 * @ipv4: new bound IPv4 list, if @has_addrs (replaces the old one)
 * @ipv6: new bound IPv6 list, if @has_addrs
 * @has_segment: @segment given
 * @has_secgroup: @secgroup given
 * @has_mac: @mac given
 * @has_addrs: the address lists given
 */
struct vsw_port_cfg {
	u32 flags;
	u32 flags_mask;
	u32 segment;
	u32 secgroup;
	u8 mac[ETH_ALEN];
	u8 n_ipv4;
	u8 n_ipv6;
	__be32 ipv4[VSWITCH_PORT_MAX_IPV4];
	struct in6_addr ipv6[VSWITCH_PORT_MAX_IPV6];
	bool has_segment;
	bool has_secgroup;
	bool has_mac;
	bool has_addrs;
};

struct vsw_port *vsw_port_add(struct vsw_switch *sw, struct net_device *dev,
			      u32 id, struct vsw_port_cfg *cfg,
			      struct netlink_ext_ack *extack);
void vsw_port_del(struct vsw_port *port);
int vsw_port_set(struct vsw_port *port, struct vsw_port_cfg *cfg,
		 struct netlink_ext_ack *extack);
struct vsw_port *vsw_port_by_id(struct vsw_switch *sw, u32 id);
struct vsw_port *vsw_port_by_dev(struct vsw_switch *sw,
				 const struct net_device *dev);
struct vsw_port *vsw_port_internal_add(struct vsw_switch *sw,
				       struct net_device *dev);
struct vsw_port *vsw_port_of_dev(const struct net_device *dev);

int vsw_port_init(void);
void vsw_port_exit(void);

#endif /* _VSW_PORT_H */
