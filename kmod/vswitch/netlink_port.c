// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands on ports, the fdb and counters. Each runs
 * under RTNL; replies are allocated before it is taken.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "fdb.h"
#include "netlink.h"
#include "port.h"
#include "security.h"
#include "switch.h"

#define PORT_MAX	VSWITCH_PORT_A_ADDRS

static struct net_device *get_dev(struct net *net, struct nlattr **pt,
				  struct netlink_ext_ack *extack)
{
	struct net_device *dev;

	if (pt[VSWITCH_PORT_A_IFINDEX]) {
		dev = __dev_get_by_index(net, nla_get_u32(pt[VSWITCH_PORT_A_IFINDEX]));
		if (!dev)
			VSW_NL_ERR_ATTR(extack, pt[VSWITCH_PORT_A_IFINDEX],
					"no device with this ifindex in this namespace");
	} else {
		dev = __dev_get_by_name(net, nla_data(pt[VSWITCH_PORT_A_IFNAME]));
		if (!dev)
			VSW_NL_ERR_ATTR(extack, pt[VSWITCH_PORT_A_IFNAME],
					"no device with this name in this namespace");
	}
	return dev ?: ERR_PTR(-ENODEV);
}

/**
 * vsw_nl_sel_port() - the port a request's port nest selects
 * @sw: the switch
 * @nest: the port nest (for the missing-attribute report)
 * @pt: its parsed attributes: id, else ifindex, else ifname
 * @extack: for the message
 *
 * Context: RTNL held.
 * Return: the port, or an ERR_PTR().
 */
struct vsw_port *vsw_nl_sel_port(struct vsw_switch *sw, struct nlattr *nest,
				 struct nlattr **pt,
				 struct netlink_ext_ack *extack)
{
	struct net_device *dev;
	struct vsw_port *port;

	if (pt[VSWITCH_PORT_A_ID]) {
		port = vsw_port_by_id(sw, nla_get_u32(pt[VSWITCH_PORT_A_ID]));
		if (!port) {
			VSW_NL_ERR_ATTR(extack, pt[VSWITCH_PORT_A_ID],
					"no port with this id in the switch");
			return ERR_PTR(-ENOENT);
		}
		return port;
	}
	if (!pt[VSWITCH_PORT_A_IFINDEX] && !pt[VSWITCH_PORT_A_IFNAME]) {
		NL_SET_ERR_MSG_MOD(extack, "select the port by id, ifindex or ifname");
		NL_SET_ERR_ATTR_MISS(extack, nest, VSWITCH_PORT_A_ID);
		return ERR_PTR(-EINVAL);
	}
	dev = get_dev(sw->net, pt, extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	port = vsw_port_by_dev(sw, dev);
	if (!port) {
		NL_SET_ERR_MSG_MOD(extack, "device is not a port of this switch");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

static int parse_addr(struct nlattr *a, struct vsw_port_cfg *cfg,
		      struct netlink_ext_ack *extack)
{
	struct in6_addr a6;
	__be32 a4;

	if (nla_type(a) == VSWITCH_ADDR_A_IPV4) {
		if (cfg->n_ipv4 == VSWITCH_PORT_MAX_IPV4) {
			VSW_NL_ERR_ATTR(extack, a, "too many IPv4 addresses (at most 8)");
			return -E2BIG;
		}
		a4 = nla_get_in_addr(a);
		if (!a4 || ipv4_is_multicast(a4) || ipv4_is_lbcast(a4)) {
			VSW_NL_ERR_ATTR(extack, a, "not a unicast IPv4 address");
			return -EINVAL;
		}
		cfg->ipv4[cfg->n_ipv4++] = a4;
		return 0;
	}
	if (cfg->n_ipv6 == VSWITCH_PORT_MAX_IPV6) {
		VSW_NL_ERR_ATTR(extack, a, "too many IPv6 addresses (at most 8)");
		return -E2BIG;
	}
	a6 = nla_get_in6_addr(a);
	if (ipv6_addr_any(&a6) || ipv6_addr_is_multicast(&a6)) {
		VSW_NL_ERR_ATTR(extack, a, "not a unicast IPv6 address");
		return -EINVAL;
	}
	cfg->ipv6[cfg->n_ipv6++] = a6;
	return 0;
}

static int parse_cfg(struct nlattr **pt, struct vsw_port_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	static const struct { int attr; u32 flag; } bits[] = {
		{ VSWITCH_PORT_A_UPLINK, VSW_PORT_F_UPLINK },
		{ VSWITCH_PORT_A_VLAN, VSW_PORT_F_VLAN },
		{ VSWITCH_PORT_A_DHCP_GUARD, VSW_PORT_F_DHCP_GUARD },
		{ VSWITCH_PORT_A_SECURITY, VSW_PORT_F_SECURITY },
	};
	struct nlattr *a;
	int i, rem, ret;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!pt[bits[i].attr])
			continue;
		cfg->flags_mask |= bits[i].flag;
		if (nla_get_u8(pt[bits[i].attr]))
			cfg->flags |= bits[i].flag;
	}
	if (pt[VSWITCH_PORT_A_SEGMENT]) {
		cfg->segment = nla_get_u32(pt[VSWITCH_PORT_A_SEGMENT]);
		cfg->has_segment = true;
	}
	if (pt[VSWITCH_PORT_A_SECGROUP]) {
		cfg->secgroup = nla_get_u32(pt[VSWITCH_PORT_A_SECGROUP]);
		cfg->has_secgroup = true;
	}
	if (pt[VSWITCH_PORT_A_MAC]) {
		if (!is_valid_ether_addr(nla_data(pt[VSWITCH_PORT_A_MAC]))) {
			VSW_NL_ERR_ATTR(extack, pt[VSWITCH_PORT_A_MAC],
					"mac must be a unicast, non-zero address");
			return -EINVAL;
		}
		ether_addr_copy(cfg->mac, nla_data(pt[VSWITCH_PORT_A_MAC]));
		cfg->has_mac = true;
	}
	if (!pt[VSWITCH_PORT_A_ADDRS])
		return 0;
	nla_for_each_nested(a, pt[VSWITCH_PORT_A_ADDRS], rem) {
		ret = parse_addr(a, cfg, extack);
		if (ret)
			return ret;
	}
	cfg->has_addrs = true;
	return 0;
}

static int put_addrs(struct sk_buff *skb, const struct vsw_sec *sec)
{
	struct nlattr *nest;
	int i;

	if (nla_put(skb, VSWITCH_PORT_A_MAC, ETH_ALEN, sec->mac))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VSWITCH_PORT_A_ADDRS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < sec->n_ipv4; i++)
		if (nla_put_in_addr(skb, VSWITCH_ADDR_A_IPV4, sec->ipv4[i]))
			return -EMSGSIZE;
	for (i = 0; i < sec->n_ipv6; i++)
		if (nla_put_in6_addr(skb, VSWITCH_ADDR_A_IPV6, &sec->ipv6[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_port(struct sk_buff *skb, struct vsw_port *port)
{
	const struct vsw_sec *sec = rtnl_dereference(port->sec);
	u32 f = port->flags;
	struct nlattr *nest;

	nest = nla_nest_start(skb, VSWITCH_A_PORT);
	if (!nest ||
	    nla_put_u32(skb, VSWITCH_PORT_A_ID, port->id) ||
	    nla_put_u32(skb, VSWITCH_PORT_A_IFINDEX, port->dev->ifindex) ||
	    nla_put_string(skb, VSWITCH_PORT_A_IFNAME, port->dev->name) ||
	    nla_put_u8(skb, VSWITCH_PORT_A_UPLINK, !!(f & VSW_PORT_F_UPLINK)) ||
	    nla_put_u8(skb, VSWITCH_PORT_A_VLAN, !!(f & VSW_PORT_F_VLAN)) ||
	    nla_put_u8(skb, VSWITCH_PORT_A_DHCP_GUARD,
		       !!(f & VSW_PORT_F_DHCP_GUARD)) ||
	    nla_put_u8(skb, VSWITCH_PORT_A_SECURITY,
		       !!(f & VSW_PORT_F_SECURITY)) ||
	    nla_put_u32(skb, VSWITCH_PORT_A_SEGMENT, port->segment) ||
	    nla_put_u32(skb, VSWITCH_PORT_A_SECGROUP, port->secgroup) ||
	    (sec && put_addrs(skb, sec)) ||
	    ((f & VSW_PORT_F_INTERNAL) &&
	     nla_put_flag(skb, VSWITCH_PORT_A_INTERNAL)) ||
	    vsw_nl_put_stats(skb, VSWITCH_PORT_A_STATS, port->stats, false))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * vsw_nl_fill_port() - a message describing @port
 * @skb: the message buffer
 * @port: the port
 * @portid: netlink port id of the receiver (0: multicast)
 * @seq: sequence number
 * @flags: netlink message flags
 * @cmd: the command of the message
 *
 * Context: RTNL held.
 * Return: 0 or -EMSGSIZE (nothing added).
 */
int vsw_nl_fill_port(struct sk_buff *skb, struct vsw_port *port, u32 portid,
		     u32 seq, int flags, u8 cmd)
{
	void *hdr;

	ASSERT_RTNL();
	hdr = genlmsg_put(skb, portid, seq, &vsw_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, VSWITCH_A_SWITCH_NAME, port->sw->name) ||
	    put_port(skb, port)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Parse the port nest of a request into @pt. */
static int port_nest(struct genl_info *info, struct nlattr **pt,
		     const struct nla_policy *policy, int max)
{
	int ret;

	ret = VSW_NL_NEED(info->extack, NULL, info->attrs, VSWITCH_A_PORT,
			  "port attributes (port) are required");
	if (ret)
		return ret;
	return nla_parse_nested(pt, max, info->attrs[VSWITCH_A_PORT], policy,
				info->extack);
}

static int reply_port(struct sk_buff *msg, struct vsw_port *port,
		      struct genl_info *info, u8 cmd)
{
	int ret = vsw_nl_fill_port(msg, port, info->snd_portid, info->snd_seq,
				   0, cmd);

	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static struct vsw_port *port_add_locked(struct genl_info *info,
					struct nlattr **pt,
					struct vsw_port_cfg *cfg)
{
	struct net *net = genl_info_net(info);
	struct net_device *dev;
	struct vsw_switch *sw;
	u32 id = 0;

	ASSERT_RTNL();
	sw = vsw_nl_switch(net, info->attrs, info->extack);
	if (IS_ERR(sw))
		return ERR_CAST(sw);
	dev = get_dev(net, pt, info->extack);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	if (pt[VSWITCH_PORT_A_ID])
		id = nla_get_u32(pt[VSWITCH_PORT_A_ID]);
	return vsw_port_add(sw, dev, id, cfg, info->extack);
}

int vsw_nl_port_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *pt[PORT_MAX + 1];
	struct vsw_port_cfg cfg = {};
	struct vsw_port *port;
	struct sk_buff *msg;
	int ret;

	ret = port_nest(info, pt, vsw_nl_port_policy, PORT_MAX);
	if (ret)
		return ret;
	ret = parse_cfg(pt, &cfg, info->extack);
	if (ret)
		return ret;
	if (!pt[VSWITCH_PORT_A_IFINDEX] && !pt[VSWITCH_PORT_A_IFNAME]) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the port's device (ifindex or ifname) is required");
		NL_SET_ERR_ATTR_MISS(info->extack, info->attrs[VSWITCH_A_PORT],
				     VSWITCH_PORT_A_IFINDEX);
		return -EINVAL;
	}
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rtnl_lock();
	port = port_add_locked(info, pt, &cfg);
	if (IS_ERR(port)) {
		rtnl_unlock();
		nlmsg_free(msg);
		return PTR_ERR(port);
	}
	ret = reply_port(msg, port, info, VSWITCH_CMD_PORT_ADD);
	rtnl_unlock();
	return ret;
}

int vsw_nl_port_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *pt[VSWITCH_PORT_A_IFNAME + 1];
	struct vsw_switch *sw;
	struct vsw_port *port;
	int ret;

	ret = port_nest(info, pt, vsw_nl_port_sel_policy, VSWITCH_PORT_A_IFNAME);
	if (ret)
		return ret;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	port = IS_ERR(sw) ? ERR_CAST(sw) :
	       vsw_nl_sel_port(sw, info->attrs[VSWITCH_A_PORT], pt, info->extack);
	if (!IS_ERR(port))
		vsw_port_del(port);
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(port);
}

int vsw_nl_port_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *pt[PORT_MAX + 1];
	struct vsw_port_cfg cfg = {};
	struct vsw_switch *sw;
	struct vsw_port *port;
	int ret;

	ret = port_nest(info, pt, vsw_nl_port_policy, PORT_MAX);
	if (ret)
		return ret;
	ret = parse_cfg(pt, &cfg, info->extack);
	if (ret)
		return ret;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	port = IS_ERR(sw) ? ERR_CAST(sw) :
	       vsw_nl_sel_port(sw, info->attrs[VSWITCH_A_PORT], pt, info->extack);
	ret = IS_ERR(port) ? PTR_ERR(port) :
	      vsw_port_set(port, &cfg, info->extack);
	rtnl_unlock();
	return ret;
}

int vsw_nl_port_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *pt[VSWITCH_PORT_A_IFNAME + 1];
	struct vsw_switch *sw;
	struct vsw_port *port;
	struct sk_buff *msg;
	int ret;

	ret = port_nest(info, pt, vsw_nl_port_sel_policy, VSWITCH_PORT_A_IFNAME);
	if (ret)
		return ret;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	port = IS_ERR(sw) ? ERR_CAST(sw) :
	       vsw_nl_sel_port(sw, info->attrs[VSWITCH_A_PORT], pt, info->extack);
	if (IS_ERR(port)) {
		rtnl_unlock();
		nlmsg_free(msg);
		return PTR_ERR(port);
	}
	ret = reply_port(msg, port, info, VSWITCH_CMD_PORT_GET);
	rtnl_unlock();
	return ret;
}

struct port_dump_ctx {
	unsigned long next_id;
};

int vsw_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct port_dump_ctx *ctx = (void *)cb->ctx;
	struct vsw_switch *sw;
	struct vsw_port *port;
	unsigned long id;
	int start;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	sw = vsw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw))		/* a switch deleted during the dump ends it */
		return ctx->next_id ? 0 : PTR_ERR(sw);
	cb->seq = sw->gen;
	xa_for_each_start(&sw->port_ids, id, port, ctx->next_id) {
		start = skb->len;
		if (vsw_nl_fill_port(skb, port, NETLINK_CB(cb->skb).portid,
				     cb->nlh->nlmsg_seq, NLM_F_MULTI,
				     VSWITCH_CMD_PORT_GET))
			break;
		vsw_nl_dump_check(cb, skb, start);
		ctx->next_id = id + 1;
	}
	rtnl_unlock();
	return skb->len;
}
