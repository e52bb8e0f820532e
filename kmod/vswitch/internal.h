/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_INTERNAL_H
#define _VSW_INTERNAL_H

#include <linux/netdevice.h>

struct netlink_ext_ack;
struct vsw_port;

struct net_device *vsw_internal_create(struct net *net, const char *name,
				       struct netlink_ext_ack *extack);
void vsw_internal_attach(struct net_device *dev, struct vsw_port *port);
void vsw_internal_detach(struct net_device *dev);
bool vsw_internal_is(const struct net_device *dev);
struct vsw_port *vsw_internal_port(const struct net_device *dev);
void vsw_internal_deliver(struct vsw_port *port, struct sk_buff *skb);

#endif /* _VSW_INTERNAL_H */
