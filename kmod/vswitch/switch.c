// SPDX-License-Identifier: GPL-2.0
/*
 * Switch instances, per network namespace, by name. The namespace's list
 * and every switch's configuration change under RTNL. A namespace going
 * away destroys its switches (pernet device exit: before the core
 * unregisters the namespace's devices).
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netlink.h>

#include "internal.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

/**
 * struct vsw_net - vswitch's per-namespace state
 * @switches: the switches (RTNL)
 * @n_switches: entries in @switches, at most VSWITCH_MAX_SWITCHES
 * @gen: bumped when a switch comes or goes, for dump consistency
 */
struct vsw_net {
	struct list_head switches;
	unsigned int n_switches;
	unsigned int gen;
};

static unsigned int vsw_net_id __read_mostly;

static struct vsw_net *vsw_net(struct net *net)
{
	return net_generic(net, vsw_net_id);
}

/**
 * vsw_switch_find() - a switch by name
 * @net: namespace
 * @name: switch name
 *
 * Context: RTNL held.
 * Return: the switch, or NULL.
 */
struct vsw_switch *vsw_switch_find(struct net *net, const char *name)
{
	struct vsw_switch *sw;

	ASSERT_RTNL();
	list_for_each_entry(sw, &vsw_net(net)->switches, node)
		if (!strcmp(sw->name, name))
			return sw;
	return NULL;
}

/**
 * vsw_switch_nth() - the switch at position @idx, for dumps
 * @net: namespace
 * @idx: position, from 0
 *
 * Context: RTNL held.
 * Return: the switch, or NULL past the end.
 */
struct vsw_switch *vsw_switch_nth(struct net *net, unsigned long idx)
{
	struct vsw_switch *sw;

	ASSERT_RTNL();
	list_for_each_entry(sw, &vsw_net(net)->switches, node)
		if (!idx--)
			return sw;
	return NULL;
}

unsigned int vsw_switch_gen(struct net *net)
{
	ASSERT_RTNL();
	return vsw_net(net)->gen;
}

static bool zone_used(struct vsw_net *vn, unsigned int zone)
{
	struct vsw_switch *sw;

	list_for_each_entry(sw, &vn->switches, node)
		if (sw->fw.zone == zone)
			return true;
	return false;
}

/* The requested zone, or the first free default one: with fewer than
 * VSWITCH_MAX_SWITCHES other switches, one of as many is free.
 */
static int pick_zone(struct vsw_net *vn, const struct vsw_switch_cfg *cfg,
		     u16 *zone, struct netlink_ext_ack *extack)
{
	unsigned int z;

	if (cfg->ct_zone) {
		if (zone_used(vn, cfg->ct_zone)) {
			NL_SET_ERR_MSG_MOD(extack,
					   "ct-zone is the zone of another switch");
			return -EBUSY;
		}
		*zone = cfg->ct_zone;
		return 0;
	}
	for (z = VSWITCH_CT_ZONE_DEFAULT_MIN;
	     z < VSWITCH_CT_ZONE_DEFAULT_MIN + VSWITCH_MAX_SWITCHES; z++)
		if (!zone_used(vn, z))
			break;
	*zone = z;
	return 0;
}

static int check_new(struct net *net, const char *name,
		     const struct vsw_switch_cfg *cfg, u16 *zone,
		     struct netlink_ext_ack *extack)
{
	if (vsw_switch_find(net, name)) {
		NL_SET_ERR_MSG_MOD(extack, "a switch of this name exists");
		return -EEXIST;
	}
	if (vsw_net(net)->n_switches >= VSWITCH_MAX_SWITCHES) {
		NL_SET_ERR_MSG_MOD(extack,
				   "namespace has the maximum number of switches");
		return -ENOSPC;
	}
	if (cfg->internal && (!dev_valid_name(name) || strchr(name, '%'))) {
		NL_SET_ERR_MSG_MOD(extack,
				   "switch name is not a valid device name for the internal port");
		return -EINVAL;
	}
	return pick_zone(vsw_net(net), cfg, zone, extack);
}

static void switch_free(struct vsw_switch *sw)
{
	vsw_fdb_free(sw);
	free_percpu(sw->stats);
	xa_destroy(&sw->port_ids);
	kfree(sw);
}

static int add_internal(struct vsw_switch *sw, struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct vsw_port *port;

	dev = vsw_internal_create(sw->net, sw->name, extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	port = vsw_port_internal_add(sw, dev);
	if (IS_ERR(port)) {
		NL_SET_ERR_MSG_MOD(extack, "no memory for the internal port");
		unregister_netdevice(dev);
		return PTR_ERR(port);
	}
	return 0;
}

/**
 * vsw_switch_create() - create a switch
 * @net: its namespace
 * @name: its name, unique in @net
 * @cfg: options (0: default); its program reference, if any, passes to
 *	 the switch on success
 * @extack: for the error message
 *
 * Context: RTNL held.
 * Return: the switch, or an ERR_PTR() with nothing changed.
 */
struct vsw_switch *vsw_switch_create(struct net *net, const char *name,
				     const struct vsw_switch_cfg *cfg,
				     struct netlink_ext_ack *extack)
{
	struct vsw_net *vn = vsw_net(net);
	struct vsw_switch *sw;
	u16 zone;
	int ret;

	ASSERT_RTNL();
	ret = check_new(net, name, cfg, &zone, extack);
	if (ret)
		return ERR_PTR(ret);
	sw = kzalloc(sizeof(*sw), GFP_KERNEL);
	if (!sw)
		goto nomem;
	sw->net = net;
	strscpy(sw->name, name, sizeof(sw->name));
	INIT_LIST_HEAD(&sw->ports);
	xa_init_flags(&sw->port_ids, XA_FLAGS_ALLOC1);
	sw->ageing_secs = cfg->ageing_secs ?: VSWITCH_AGEING_DEFAULT;
	sw->stats = vsw_stats_alloc();
	if (!sw->stats || vsw_fdb_init(sw, cfg->fdb_max ?: VSWITCH_FDB_MAX_DEFAULT)) {
		free_percpu(sw->stats);
		kfree(sw);
		goto nomem;
	}
	ret = vsw_fw_init(sw, zone, &cfg->fw, extack);
	if (ret) {
		vsw_fdb_destroy(sw);
		switch_free(sw);
		return ERR_PTR(ret);
	}
	if (cfg->internal) {
		ret = add_internal(sw, extack);
		if (ret) {
			/* the caller keeps its program and counter table */
			rcu_assign_pointer(sw->fw.prog, NULL);
			if (cfg->fw.has_prog)
				rcu_assign_pointer(sw->fw.rules, NULL);
			vsw_fw_destroy(sw);
			vsw_fdb_destroy(sw);
			switch_free(sw);
			return ERR_PTR(ret);
		}
	}
	list_add_tail(&sw->node, &vn->switches);
	vn->n_switches++;
	vn->gen++;
	pr_debug("switch %s create\n", sw->name);
	/* the switch first, then its internal port: a listener learns of a
	 * port's switch before the port
	 */
	vsw_nl_notify_switch(sw, false);
	if (sw->internal)
		vsw_nl_notify_port(sw->internal, false);
	return sw;

nomem:
	NL_SET_ERR_MSG_MOD(extack, "no memory for the switch");
	return ERR_PTR(-ENOMEM);
}

/**
 * vsw_switch_destroy() - detach every port and free the switch
 * @sw: the switch
 *
 * Context: RTNL held; sleeps (grace periods, cancelling the ageing work).
 */
void vsw_switch_destroy(struct vsw_switch *sw)
{
	struct vsw_net *vn = vsw_net(sw->net);
	struct vsw_port *port, *tmp;

	ASSERT_RTNL();
	list_del(&sw->node);
	vn->n_switches--;
	vn->gen++;
	list_for_each_entry_safe(port, tmp, &sw->ports, node)
		vsw_port_del(port);
	vsw_fdb_destroy(sw);
	vsw_nl_notify_switch(sw, true);
	pr_debug("switch %s destroy\n", sw->name);
	/* fdb readers that found the table through a port are done */
	synchronize_net();
	vsw_fw_destroy(sw);
	switch_free(sw);
}

/**
 * vsw_switch_set() - change a switch's ageing time, fdb limit, firewall
 * @sw: the switch
 * @cfg: new values (0: unchanged); its program reference, if any,
 *	 passes to the switch on success
 * @extack: for the error message
 *
 * Context: RTNL held; sleeps.
 * Return: 0, or an error with nothing changed.
 */
int vsw_switch_set(struct vsw_switch *sw, const struct vsw_switch_cfg *cfg,
		   struct netlink_ext_ack *extack)
{
	int ret;

	ASSERT_RTNL();
	if (cfg->fdb_max) {
		ret = vsw_fdb_set_max(sw, cfg->fdb_max, extack);
		if (ret)
			return ret;
	}
	if (cfg->ageing_secs) {
		WRITE_ONCE(sw->ageing_secs, cfg->ageing_secs);
		vsw_fdb_ageing_kick(sw);
	}
	vsw_fw_set(sw, &cfg->fw);
	vsw_nl_notify_switch(sw, false);
	return 0;
}

static int __net_init vsw_net_init(struct net *net)
{
	struct vsw_net *vn = vsw_net(net);

	INIT_LIST_HEAD(&vn->switches);
	return 0;
}

static void __net_exit vsw_net_exit(struct net *net)
{
	struct vsw_net *vn = vsw_net(net);
	struct vsw_switch *sw, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(sw, tmp, &vn->switches, node)
		vsw_switch_destroy(sw);
	rtnl_unlock();
}

static struct pernet_operations vsw_net_ops = {
	.init = vsw_net_init,
	.exit = vsw_net_exit,
	.id   = &vsw_net_id,
	.size = sizeof(struct vsw_net),
};

int vsw_switch_init(void)
{
	/* a device op: runs before the core unregisters the devices */
	return register_pernet_device(&vsw_net_ops);
}

void vsw_switch_exit(void)
{
	unregister_pernet_device(&vsw_net_ops);
}
