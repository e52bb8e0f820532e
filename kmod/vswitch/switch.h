/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_SWITCH_H
#define _VSW_SWITCH_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/xarray.h>

#include "fdb.h"
#include "policy.h"
#include "stats.h"

struct netlink_ext_ack;

/**
 * struct vsw_switch - one switch instance
 * @node: entry in the namespace's switch list (RTNL)
 * @net: the namespace the switch lives in (not held: pernet exit
 *	 destroys the switch first)
 * @name: unique name in @net
 * @ports: ports, flooded in this order (RCU list; changed under RTNL)
 * @port_ids: port id -> port (changed under RTNL)
 * @n_ports: ports in @ports (RTNL)
 * @internal: the internal port, or NULL (RTNL)
 * @ageing_secs: dynamic fdb entries live this long unseen (READ_ONCE)
 * @fdb: forwarding database
 * @stats: per-CPU switch counters
 * @gen: bumped on every port change, for dump consistency (RTNL)
 * @fw: the firewall: conntrack zone, policy program, default verdict
 */
struct vsw_switch {
	struct list_head node;
	struct net *net;
	char name[IFNAMSIZ];
	struct list_head ports;
	struct xarray port_ids;
	unsigned int n_ports;
	struct vsw_port *internal;
	u32 ageing_secs;
	struct vsw_fdb fdb;
	struct vsw_pcpu_stats __percpu *stats;
	unsigned int gen;
	struct vsw_fw fw;
};

/**
 * struct vsw_switch_cfg - switch options, as parsed from netlink
 * @ageing_secs: ageing time in seconds (0: unchanged / default)
 * @fdb_max: fdb limit (0: unchanged / default)
 * @internal: create the internal port (new only)
 * @ct_zone: conntrack zone (new only; 0: the first free default zone)
 * @fw: firewall options
 */
struct vsw_switch_cfg {
	u32 ageing_secs;
	u32 fdb_max;
	bool internal;
	u16 ct_zone;
	struct vsw_fw_cfg fw;
};

struct vsw_switch *vsw_switch_create(struct net *net, const char *name,
				     const struct vsw_switch_cfg *cfg,
				     struct netlink_ext_ack *extack);
void vsw_switch_destroy(struct vsw_switch *sw);
int vsw_switch_set(struct vsw_switch *sw, const struct vsw_switch_cfg *cfg,
		   struct netlink_ext_ack *extack);
struct vsw_switch *vsw_switch_find(struct net *net, const char *name);
struct vsw_switch *vsw_switch_nth(struct net *net, unsigned long idx);
unsigned int vsw_switch_gen(struct net *net);

int vsw_switch_init(void);
void vsw_switch_exit(void);

#endif /* _VSW_SWITCH_H */
