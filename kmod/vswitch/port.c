// SPDX-License-Identifier: GPL-2.0
/*
 * Ports: attaching a device to a switch (its rx handler becomes the
 * switch's input), changing a port's options, detaching it, and the
 * netdevice notifier that detaches ports whose device goes away.
 *
 * All configuration runs under RTNL. The packet path reaches a port
 * through its device's rx_handler_data, the switch's port list and fdb
 * entries, all under RCU; vsw_port_del() takes the port off each of them,
 * waits for a grace period before flushing its fdb entries, and frees it
 * after another.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "datapath.h"
#include "fdb.h"
#include "internal.h"
#include "netlink.h"
#include "port.h"
#include "security.h"
#include "switch.h"

static void port_free_rcu(struct rcu_head *head)
{
	struct vsw_port *port = container_of(head, struct vsw_port, rcu);

	/* no reader is left, and the port is off every list: no lock */
	kfree(rcu_dereference_protected(port->sec, true));
	free_percpu(port->stats);
	netdev_put(port->dev, &port->dev_tracker);
	kfree(port);
}

/**
 * vsw_port_of_dev() - the port a device is, in any switch
 * @dev: a device
 *
 * Context: RTNL held.
 * Return: the port, or NULL when @dev is not a port.
 */
struct vsw_port *vsw_port_of_dev(const struct net_device *dev)
{
	ASSERT_RTNL();
	if (rcu_access_pointer(dev->rx_handler) == vsw_dp_rx_handler)
		return rtnl_dereference(dev->rx_handler_data);
	if (vsw_internal_is(dev))
		return vsw_internal_port(dev);
	return NULL;
}

/**
 * vsw_port_by_dev() - the port of @sw that @dev is
 * @sw: the switch
 * @dev: a device
 *
 * Context: RTNL held.
 * Return: the port, or NULL.
 */
struct vsw_port *vsw_port_by_dev(struct vsw_switch *sw,
				 const struct net_device *dev)
{
	struct vsw_port *port = vsw_port_of_dev(dev);

	return port && port->sw == sw ? port : NULL;
}

/**
 * vsw_port_by_id() - the port of @sw with id @id
 * @sw: the switch
 * @id: port id
 *
 * Context: RTNL held.
 * Return: the port, or NULL.
 */
struct vsw_port *vsw_port_by_id(struct vsw_switch *sw, u32 id)
{
	ASSERT_RTNL();
	return xa_load(&sw->port_ids, id);
}

static int check_dev(struct vsw_switch *sw, struct net_device *dev,
		     struct netlink_ext_ack *extack)
{
	if (dev->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack, "a loopback device cannot be a port");
		return -EINVAL;
	}
	if (vsw_internal_is(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "a switch's internal device cannot be a port");
		return -EINVAL;
	}
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN) {
		NL_SET_ERR_MSG_MOD(extack, "not an Ethernet device");
		return -EINVAL;
	}
	if (vsw_port_of_dev(dev)) {
		NL_SET_ERR_MSG_MOD(extack, "device is already a switch port");
		return -EBUSY;
	}
	if (netdev_master_upper_dev_get(dev) || netdev_is_rx_handler_busy(dev)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "device is enslaved elsewhere (bridge, bond, team, macvlan, OVS...)");
		return -EBUSY;
	}
	if (sw->n_ports >= VSWITCH_MAX_PORTS) {
		NL_SET_ERR_MSG_MOD(extack, "switch has the maximum number of ports");
		return -ENOSPC;
	}
	return 0;
}

/* A new binding from the old one and the request, or NULL: unchanged. */
static struct vsw_sec *sec_build(const struct vsw_sec *old,
				 const struct vsw_port_cfg *cfg)
{
	struct vsw_sec *sec = kzalloc(sizeof(*sec), GFP_KERNEL);

	if (!sec)
		return ERR_PTR(-ENOMEM);
	if (old)
		*sec = *old;
	if (cfg->has_mac)
		ether_addr_copy(sec->mac, cfg->mac);
	if (cfg->has_addrs) {
		sec->n_ipv4 = cfg->n_ipv4;
		sec->n_ipv6 = cfg->n_ipv6;
		memcpy(sec->ipv4, cfg->ipv4, sizeof(sec->ipv4));
		memcpy(sec->ipv6, cfg->ipv6, sizeof(sec->ipv6));
	}
	return sec;
}

/*
 * Check @cfg against @port (NULL: a new port) and build the new binding.
 * Nothing is changed; *@secp is NULL when the binding stays as it is.
 */
static int cfg_prepare(struct vsw_port *port, const struct vsw_port_cfg *cfg,
		       struct vsw_sec **secp, struct netlink_ext_ack *extack)
{
	const struct vsw_sec *old = port ? rtnl_dereference(port->sec) : NULL;
	u32 flags = port ? port->flags : 0;
	struct vsw_sec *sec = NULL;
	const u8 *mac;

	flags = (flags & ~cfg->flags_mask) | (cfg->flags & cfg->flags_mask);
	if (cfg->has_mac || cfg->has_addrs) {
		sec = sec_build(old, cfg);
		if (IS_ERR(sec)) {
			NL_SET_ERR_MSG_MOD(extack, "no memory for the port binding");
			return PTR_ERR(sec);
		}
	}
	mac = sec ? sec->mac : old ? old->mac : NULL;
	if ((flags & VSW_PORT_F_SECURITY) && !(mac && is_valid_ether_addr(mac))) {
		kfree(sec);
		NL_SET_ERR_MSG_MOD(extack, "port security needs a bound MAC address");
		return -EINVAL;
	}
	*secp = sec;
	return 0;
}

/* Apply a checked configuration; cannot fail. */
static void cfg_apply(struct vsw_port *port, const struct vsw_port_cfg *cfg,
		      struct vsw_sec *sec)
{
	struct vsw_sec *old;

	ASSERT_RTNL();
	if (sec) {
		old = rtnl_dereference(port->sec);
		rcu_assign_pointer(port->sec, sec);
		if (old)
			kfree_rcu(old, rcu);
	}
	if (cfg->has_segment)
		WRITE_ONCE(port->segment, cfg->segment);
	if (cfg->has_secgroup)
		WRITE_ONCE(port->secgroup, cfg->secgroup);
	/* binding first, then the flags that make the datapath use it */
	WRITE_ONCE(port->flags, (port->flags & ~cfg->flags_mask) |
				(cfg->flags & cfg->flags_mask));
}

static struct vsw_port *port_alloc(struct vsw_switch *sw,
				   struct net_device *dev, u32 id,
				   struct netlink_ext_ack *extack)
{
	struct vsw_port *port;
	int ret;

	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port)
		goto nomem;
	port->stats = vsw_stats_alloc();
	if (!port->stats)
		goto nomem;
	port->sw = sw;
	port->dev = dev;
	if (id) {
		ret = xa_insert(&sw->port_ids, id, port, GFP_KERNEL);
		port->id = id;
	} else {
		ret = xa_alloc(&sw->port_ids, &port->id, port,
			       XA_LIMIT(1, VSWITCH_MAX_PORTS), GFP_KERNEL);
	}
	if (ret) {
		/* xa_insert: id taken; xa_alloc: none free (or -ENOMEM) */
		if (ret == -ENOMEM)
			NL_SET_ERR_MSG_MOD(extack, "no memory for the port id");
		else if (id)
			NL_SET_ERR_MSG_MOD(extack, "port id is in use");
		else
			NL_SET_ERR_MSG_MOD(extack, "no free port id");
		goto err;
	}
	netdev_hold(dev, &port->dev_tracker, GFP_KERNEL);
	return port;

nomem:
	ret = -ENOMEM;
	NL_SET_ERR_MSG_MOD(extack, "no memory for the port");
err:
	if (port)
		free_percpu(port->stats);
	kfree(port);
	return ERR_PTR(ret);
}

static void port_link(struct vsw_port *port)
{
	struct vsw_switch *sw = port->sw;

	list_add_tail_rcu(&port->node, &sw->ports);
	sw->n_ports++;
	sw->gen++;
	pr_debug("port %s/%u (%s) create\n", sw->name, port->id, port->dev->name);
}

/* Undo port_alloc() and cfg_apply() for a port the packet path never saw. */
static void port_unalloc(struct vsw_port *port)
{
	xa_erase(&port->sw->port_ids, port->id);
	/* never published: no reader to wait for */
	kfree(rcu_dereference_protected(port->sec, true));
	netdev_put(port->dev, &port->dev_tracker);
	free_percpu(port->stats);
	kfree(port);
}

/**
 * vsw_port_add() - attach @dev to @sw
 * @sw: the switch
 * @dev: an Ethernet device in the switch's namespace
 * @id: requested port id, or 0 for the lowest free one
 * @cfg: initial options
 * @extack: for the error message
 *
 * Context: RTNL held.
 * Return: the port, or an ERR_PTR(); on error nothing changed.
 */
struct vsw_port *vsw_port_add(struct vsw_switch *sw, struct net_device *dev,
			      u32 id, struct vsw_port_cfg *cfg,
			      struct netlink_ext_ack *extack)
{
	struct vsw_sec *sec;
	struct vsw_port *port;
	int ret;

	ASSERT_RTNL();
	ret = check_dev(sw, dev, extack);
	if (ret)
		return ERR_PTR(ret);
	ret = cfg_prepare(NULL, cfg, &sec, extack);
	if (ret)
		return ERR_PTR(ret);
	port = port_alloc(sw, dev, id, extack);
	if (IS_ERR(port)) {
		kfree(sec);
		return port;
	}
	cfg_apply(port, cfg, sec);

	ret = dev_set_promiscuity(dev, 1);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "cannot set the device promiscuous");
		goto err;
	}
	/* publishes the port to the packet path: it must be complete */
	ret = netdev_rx_handler_register(dev, vsw_dp_rx_handler, port);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack, "device refuses an rx handler");
		dev_set_promiscuity(dev, -1);
		goto err;
	}
	dev_disable_lro(dev);
	port_link(port);
	vsw_nl_notify_port(port, false);
	return port;

err:
	port_unalloc(port);
	return ERR_PTR(ret);
}

/**
 * vsw_port_internal_add() - make @dev the internal port of @sw
 * @sw: the switch
 * @dev: a registered internal device
 *
 * No notification: vsw_switch_create() sends it after the switch's.
 *
 * Context: RTNL held.
 * Return: the port, or an ERR_PTR().
 */
struct vsw_port *vsw_port_internal_add(struct vsw_switch *sw,
				       struct net_device *dev)
{
	struct vsw_port *port;

	ASSERT_RTNL();
	port = port_alloc(sw, dev, 0, NULL);
	if (IS_ERR(port))
		return port;
	port->flags = VSW_PORT_F_INTERNAL;
	vsw_internal_attach(dev, port);
	sw->internal = port;
	port_link(port);
	return port;
}

/**
 * vsw_port_set() - change a port's options
 * @port: the port
 * @cfg: what to change
 * @extack: for the error message
 *
 * Context: RTNL held.
 * Return: 0, or an error with nothing changed.
 */
int vsw_port_set(struct vsw_port *port, struct vsw_port_cfg *cfg,
		 struct netlink_ext_ack *extack)
{
	struct vsw_sec *sec;
	int ret;

	ASSERT_RTNL();
	ret = cfg_prepare(port, cfg, &sec, extack);
	if (ret)
		return ret;
	cfg_apply(port, cfg, sec);
	vsw_nl_notify_port(port, false);
	return 0;
}

/**
 * vsw_port_del() - detach a port and free it
 * @port: the port; an internal port's device is unregistered
 *
 * Context: RTNL held; may sleep (grace period).
 */
void vsw_port_del(struct vsw_port *port)
{
	struct vsw_switch *sw = port->sw;
	struct net_device *dev = port->dev;
	bool internal = port->flags & VSW_PORT_F_INTERNAL;

	ASSERT_RTNL();
	list_del_rcu(&port->node);
	xa_erase(&sw->port_ids, port->id);
	sw->n_ports--;
	sw->gen++;
	if (internal) {
		vsw_internal_detach(dev);
		sw->internal = NULL;
		synchronize_net();
	} else {
		netdev_rx_handler_unregister(dev);	/* synchronize_net() */
		dev_set_promiscuity(dev, -1);
	}
	/* no frame from this port is in flight: nobody learns it again */
	vsw_fdb_flush(sw, port, true);
	vsw_nl_notify_port(port, true);
	pr_debug("port %s/%u (%s) destroy\n", sw->name, port->id, dev->name);
	/* not when its unregistration is what brought us here */
	if (internal && dev->reg_state == NETREG_REGISTERED)
		unregister_netdevice(dev);
	call_rcu(&port->rcu, port_free_rcu);
}

static int port_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vsw_port *port;

	if (event != NETDEV_UNREGISTER && event != NETDEV_CHANGENAME)
		return NOTIFY_DONE;
	port = vsw_port_of_dev(dev);
	if (!port)
		return NOTIFY_DONE;
	if (event == NETDEV_UNREGISTER)
		vsw_port_del(port);	/* the switch stays */
	else
		vsw_nl_notify_port(port, false);
	return NOTIFY_DONE;
}

static struct notifier_block port_notifier = {
	.notifier_call = port_netdev_event,
};

int vsw_port_init(void)
{
	return register_netdevice_notifier(&port_notifier);
}

void vsw_port_exit(void)
{
	unregister_netdevice_notifier(&port_notifier);
}
