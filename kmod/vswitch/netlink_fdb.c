// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink commands on the fdb, and the stats command. Each runs
 * under RTNL; replies are allocated before it is taken.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "fdb.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

#define FDB_MAX		VSWITCH_FDB_A_STATIC

/**
 * vsw_nl_fill_fdb() - a message describing one fdb entry
 * @skb: the message buffer
 * @sw: the switch
 * @info: the entry
 * @portid: netlink port id of the receiver (0: multicast)
 * @seq: sequence number
 * @flags: netlink message flags
 * @cmd: the command of the message
 *
 * Context: any (the fdb lock may be held).
 * Return: 0 or -EMSGSIZE (nothing added).
 */
int vsw_nl_fill_fdb(struct sk_buff *skb, struct vsw_switch *sw,
		    const struct vsw_fdb_info *info, u32 portid, u32 seq,
		    int flags, u8 cmd)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &vsw_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, VSWITCH_A_SWITCH_NAME, sw->name))
		goto cancel;
	nest = nla_nest_start(skb, VSWITCH_A_FDB);
	if (!nest ||
	    nla_put(skb, VSWITCH_FDB_A_MAC, ETH_ALEN, info->addr) ||
	    nla_put_u32(skb, VSWITCH_FDB_A_PORT_ID, info->port_id) ||
	    (info->is_static && nla_put_flag(skb, VSWITCH_FDB_A_STATIC)) ||
	    nla_put_u64_64bit(skb, VSWITCH_FDB_A_AGE_MS, info->age_ms,
			      VSWITCH_FDB_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Parse the fdb nest of a request into @ft; @need: it must be present. */
static int fdb_nest(struct genl_info *info, struct nlattr **ft,
		    const struct nla_policy *policy, int max, bool need)
{
	struct nlattr *nest = info->attrs[VSWITCH_A_FDB];
	int ret;

	if (!nest && !need) {
		memset(ft, 0, sizeof(*ft) * (max + 1));
		return 0;
	}
	ret = VSW_NL_NEED(info->extack, NULL, info->attrs, VSWITCH_A_FDB,
			  "fdb attributes (fdb) are required");
	if (ret)
		return ret;
	ret = nla_parse_nested(ft, max, nest, policy, info->extack);
	if (ret)
		return ret;
	if (need && !ft[VSWITCH_FDB_A_MAC]) {
		NL_SET_ERR_MSG_MOD(info->extack, "the MAC address (mac) is required");
		NL_SET_ERR_ATTR_MISS(info->extack, nest, VSWITCH_FDB_A_MAC);
		return -EINVAL;
	}
	return 0;
}

static struct vsw_port *fdb_port(struct vsw_switch *sw, struct nlattr **ft,
				 struct netlink_ext_ack *extack)
{
	struct vsw_port *port;

	port = vsw_port_by_id(sw, nla_get_u32(ft[VSWITCH_FDB_A_PORT_ID]));
	if (!port) {
		VSW_NL_ERR_ATTR(extack, ft[VSWITCH_FDB_A_PORT_ID],
				"no port with this id in the switch");
		return ERR_PTR(-ENOENT);
	}
	return port;
}

int vsw_nl_fdb_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ft[FDB_MAX + 1];
	struct vsw_switch *sw;
	struct vsw_port *port;
	const u8 *mac;
	int ret;

	ret = fdb_nest(info, ft, vsw_nl_fdb_add_policy, VSWITCH_FDB_A_PORT_ID,
		       true);
	if (ret)
		return ret;
	ret = VSW_NL_NEED(info->extack, info->attrs[VSWITCH_A_FDB], ft,
			  VSWITCH_FDB_A_PORT_ID, "the port (port-id) is required");
	if (ret)
		return ret;
	mac = nla_data(ft[VSWITCH_FDB_A_MAC]);
	if (!is_valid_ether_addr(mac)) {
		VSW_NL_ERR_ATTR(info->extack, ft[VSWITCH_FDB_A_MAC],
				"static entries are for unicast, non-zero MACs");
		return -EINVAL;
	}
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	port = IS_ERR(sw) ? ERR_CAST(sw) : fdb_port(sw, ft, info->extack);
	ret = IS_ERR(port) ? PTR_ERR(port) :
	      vsw_fdb_add_static(sw, mac, port, info->extack);
	rtnl_unlock();
	return ret;
}

int vsw_nl_fdb_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ft[FDB_MAX + 1];
	struct vsw_switch *sw;
	int ret;

	ret = fdb_nest(info, ft, vsw_nl_fdb_sel_policy, VSWITCH_FDB_A_MAC, true);
	if (ret)
		return ret;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	ret = IS_ERR(sw) ? PTR_ERR(sw) :
	      vsw_fdb_del(sw, nla_data(ft[VSWITCH_FDB_A_MAC]));
	rtnl_unlock();
	if (ret == -ENOENT && !IS_ERR(sw))
		VSW_NL_ERR_ATTR(info->extack, ft[VSWITCH_FDB_A_MAC],
				"no fdb entry for this MAC");
	return ret;
}

int vsw_nl_fdb_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ft[FDB_MAX + 1];
	struct vsw_fdb_info fi;
	struct vsw_switch *sw;
	struct sk_buff *msg;
	int ret;

	ret = fdb_nest(info, ft, vsw_nl_fdb_sel_policy, VSWITCH_FDB_A_MAC, true);
	if (ret)
		return ret;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	ret = IS_ERR(sw) ? PTR_ERR(sw) :
	      vsw_fdb_get(sw, nla_data(ft[VSWITCH_FDB_A_MAC]), &fi);
	if (ret == -ENOENT && !IS_ERR(sw))
		VSW_NL_ERR_ATTR(info->extack, ft[VSWITCH_FDB_A_MAC],
				"no fdb entry for this MAC");
	if (!ret)
		ret = vsw_nl_fill_fdb(msg, sw, &fi, info->snd_portid,
				      info->snd_seq, 0, VSWITCH_CMD_FDB_GET);
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

struct fdb_dump_arg {
	struct sk_buff *skb;
	struct netlink_callback *cb;
	struct vsw_switch *sw;
};

static int fdb_dump_one(const struct vsw_fdb_info *info, void *arg)
{
	struct fdb_dump_arg *a = arg;

	return vsw_nl_fill_fdb(a->skb, a->sw, info,
			       NETLINK_CB(a->cb->skb).portid,
			       a->cb->nlh->nlmsg_seq, NLM_F_MULTI,
			       VSWITCH_CMD_FDB_GET);
}

struct fdb_dump_ctx {
	unsigned long pos;
};

int vsw_nl_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct fdb_dump_ctx *ctx = (void *)cb->ctx;
	struct fdb_dump_arg arg = { .skb = skb, .cb = cb };

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	arg.sw = vsw_nl_dump_switch(skb, cb);
	if (IS_ERR(arg.sw))
		return ctx->pos ? 0 : PTR_ERR(arg.sw);
	vsw_fdb_walk(arg.sw, &ctx->pos, fdb_dump_one, &arg);
	rtnl_unlock();
	return skb->len;
}

int vsw_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ft[FDB_MAX + 1];
	struct vsw_port *port = NULL;
	struct vsw_switch *sw;
	int ret;

	ret = fdb_nest(info, ft, vsw_nl_fdb_flush_policy, FDB_MAX, false);
	if (ret)
		return ret;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	if (!IS_ERR(sw) && ft[VSWITCH_FDB_A_PORT_ID])
		port = fdb_port(sw, ft, info->extack);
	ret = IS_ERR(sw) ? PTR_ERR(sw) : PTR_ERR_OR_ZERO(port);
	if (!ret)
		vsw_fdb_flush(sw, port, nla_get_flag(ft[VSWITCH_FDB_A_STATIC]));
	rtnl_unlock();
	return ret;
}

static int fill_stats(struct sk_buff *msg, struct vsw_switch *sw,
		      struct vsw_port *port, struct genl_info *info)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put_reply(msg, info, &vsw_nl_family, 0,
				VSWITCH_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(msg, VSWITCH_A_SWITCH_NAME, sw->name) ||
	    vsw_nl_put_stats(msg, VSWITCH_A_STATS, sw->stats, true))
		goto cancel;
	if (port) {
		nest = nla_nest_start(msg, VSWITCH_A_PORT);
		if (!nest || nla_put_u32(msg, VSWITCH_PORT_A_ID, port->id) ||
		    vsw_nl_put_stats(msg, VSWITCH_PORT_A_STATS, port->stats,
				     false))
			goto cancel;
		nla_nest_end(msg, nest);
	}
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static struct vsw_port *stats_port(struct vsw_switch *sw, struct genl_info *info)
{
	struct nlattr *pt[VSWITCH_PORT_A_IFNAME + 1];
	int ret;

	if (!info->attrs[VSWITCH_A_PORT])
		return NULL;
	ret = nla_parse_nested(pt, VSWITCH_PORT_A_IFNAME,
			       info->attrs[VSWITCH_A_PORT],
			       vsw_nl_port_sel_policy, info->extack);
	if (ret)
		return ERR_PTR(ret);
	return vsw_nl_sel_port(sw, info->attrs[VSWITCH_A_PORT], pt,
			       info->extack);
}

int vsw_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vsw_switch *sw;
	struct vsw_port *port;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	port = IS_ERR(sw) ? ERR_CAST(sw) : stats_port(sw, info);
	ret = IS_ERR(port) ? PTR_ERR(port) : fill_stats(msg, sw, port, info);
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}
