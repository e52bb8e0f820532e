// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "vswitch": policies, the operation table, switch
 * commands, counters and notifications. Port and fdb commands are in
 * netlink_port.c. Documentation/netlink/specs/vswitch.yaml describes
 * every attribute and check.
 *
 * Every handler runs under RTNL (taken here; the family is not parallel),
 * which orders it against the netdevice notifier and namespace exit.
 * Every rejection carries an extack message.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "fdb.h"
#include "netlink.h"
#include "policy.h"
#include "port.h"
#include "rules.h"
#include "switch.h"

/* Cleared before the family goes away; notifiers check it under RCU. */
static bool nl_live;

#define NAME_POLICY	{ .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 }

/* Ranges beyond s16, which NLA_POLICY_RANGE() cannot hold on 6.1. */
static struct netlink_range_validation ageing_range = {
	.min = VSWITCH_AGEING_MIN,
	.max = VSWITCH_AGEING_MAX,
};

static struct netlink_range_validation ct_limit_range = {
	.min = 0,
	.max = VSWITCH_CT_LIMIT_MAX,
};

static struct netlink_range_validation flow_log_rate_range = {
	.min = 0,
	.max = VSW_FLOW_LOG_RATE_MAX,
};

static struct netlink_range_validation fdb_max_range = {
	.min = 1,
	.max = VSWITCH_FDB_MAX_HARD,
};

static const struct nla_policy addr_policy[VSWITCH_ADDR_A_IPV6 + 1] = {
	[VSWITCH_ADDR_A_IPV4] = NLA_POLICY_EXACT_LEN(4),
	[VSWITCH_ADDR_A_IPV6] = NLA_POLICY_EXACT_LEN(16),
};

const struct nla_policy vsw_nl_port_policy[VSWITCH_PORT_A_ADDRS + 1] = {
	[VSWITCH_PORT_A_ID] = NLA_POLICY_RANGE(NLA_U32, 1, VSWITCH_MAX_PORTS),
	[VSWITCH_PORT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VSWITCH_PORT_A_IFNAME] = NAME_POLICY,
	[VSWITCH_PORT_A_UPLINK] = NLA_POLICY_MAX(NLA_U8, 1),
	[VSWITCH_PORT_A_VLAN] = NLA_POLICY_MAX(NLA_U8, 1),
	[VSWITCH_PORT_A_DHCP_GUARD] = NLA_POLICY_MAX(NLA_U8, 1),
	[VSWITCH_PORT_A_SECURITY] = NLA_POLICY_MAX(NLA_U8, 1),
	[VSWITCH_PORT_A_SEGMENT] = { .type = NLA_U32 },
	[VSWITCH_PORT_A_SECGROUP] = { .type = NLA_U32 },
	[VSWITCH_PORT_A_MAC] = NLA_POLICY_ETH_ADDR,
	[VSWITCH_PORT_A_ADDRS] = NLA_POLICY_NESTED(addr_policy),
};

const struct nla_policy vsw_nl_port_sel_policy[VSWITCH_PORT_A_IFNAME + 1] = {
	[VSWITCH_PORT_A_ID] = NLA_POLICY_RANGE(NLA_U32, 1, VSWITCH_MAX_PORTS),
	[VSWITCH_PORT_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VSWITCH_PORT_A_IFNAME] = NAME_POLICY,
};

const struct nla_policy vsw_nl_fdb_add_policy[VSWITCH_FDB_A_PORT_ID + 1] = {
	[VSWITCH_FDB_A_MAC] = NLA_POLICY_ETH_ADDR,
	[VSWITCH_FDB_A_PORT_ID] = NLA_POLICY_RANGE(NLA_U32, 1, VSWITCH_MAX_PORTS),
};

const struct nla_policy vsw_nl_fdb_sel_policy[VSWITCH_FDB_A_MAC + 1] = {
	[VSWITCH_FDB_A_MAC] = NLA_POLICY_ETH_ADDR,
};

const struct nla_policy vsw_nl_fdb_flush_policy[VSWITCH_FDB_A_STATIC + 1] = {
	[VSWITCH_FDB_A_PORT_ID] = NLA_POLICY_RANGE(NLA_U32, 1, VSWITCH_MAX_PORTS),
	[VSWITCH_FDB_A_STATIC] = { .type = NLA_FLAG },
};

static struct netlink_range_validation ct_timeout_range = {
	.min = 0,
	.max = VSWITCH_CT_TIMEOUT_MAX,
};

static const struct nla_policy ct_timeout_policy[VSWITCH_CT_TIMEOUT_A_MAX + 1] = {
	[VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_timeout_range),
	[VSWITCH_CT_TIMEOUT_A_TCP_TIME_WAIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_timeout_range),
	[VSWITCH_CT_TIMEOUT_A_UDP] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_timeout_range),
	[VSWITCH_CT_TIMEOUT_A_UDP_STREAM] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_timeout_range),
	[VSWITCH_CT_TIMEOUT_A_ICMP] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_timeout_range),
};

/* Top-level policies, one per operation. */
static const struct nla_policy switch_new_policy[VSWITCH_A_CT_TIMEOUT + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_AGEING_TIME] = NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),
	[VSWITCH_A_FDB_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32, &fdb_max_range),
	[VSWITCH_A_INTERNAL] = { .type = NLA_FLAG },
	[VSWITCH_A_FIREWALL] = NLA_POLICY_MAX(NLA_U8, 1),
	[VSWITCH_A_DEFAULT_VERDICT] = NLA_POLICY_MAX(NLA_U8, VSWITCH_VERDICT_DROP),
	[VSWITCH_A_CT_ZONE] = NLA_POLICY_MIN(NLA_U16, 1),
	[VSWITCH_A_POLICY_FD] = NLA_POLICY_MIN(NLA_S32, -1),
	[VSWITCH_A_FLOW_LOG_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &flow_log_rate_range),
	[VSWITCH_A_CT_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_limit_range),
	[VSWITCH_A_CT_TIMEOUT] = NLA_POLICY_NESTED(ct_timeout_policy),
};

static const struct nla_policy switch_set_policy[VSWITCH_A_CT_TIMEOUT + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_AGEING_TIME] = NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),
	[VSWITCH_A_FDB_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32, &fdb_max_range),
	[VSWITCH_A_FIREWALL] = NLA_POLICY_MAX(NLA_U8, 1),
	[VSWITCH_A_DEFAULT_VERDICT] = NLA_POLICY_MAX(NLA_U8, VSWITCH_VERDICT_DROP),
	[VSWITCH_A_CT_ZONE] = { .type = NLA_REJECT,
				.reject_message = KBUILD_MODNAME ": ct-zone is set only when the switch is made" },
	[VSWITCH_A_POLICY_FD] = NLA_POLICY_MIN(NLA_S32, -1),
	[VSWITCH_A_FLOW_LOG_RATE] = NLA_POLICY_FULL_RANGE(NLA_U32,
							  &flow_log_rate_range),
	[VSWITCH_A_CT_LIMIT] = NLA_POLICY_FULL_RANGE(NLA_U32, &ct_limit_range),
	[VSWITCH_A_CT_TIMEOUT] = NLA_POLICY_NESTED(ct_timeout_policy),
};

static const struct nla_policy switch_sel_policy[VSWITCH_A_SWITCH_NAME + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
};

static const struct nla_policy port_policy[VSWITCH_A_PORT + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_PORT] = NLA_POLICY_NESTED(vsw_nl_port_policy),
};

static const struct nla_policy port_sel_policy[VSWITCH_A_PORT + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_PORT] = NLA_POLICY_NESTED(vsw_nl_port_sel_policy),
};

static const struct nla_policy fdb_add_policy[VSWITCH_A_FDB + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_FDB] = NLA_POLICY_NESTED(vsw_nl_fdb_add_policy),
};

static const struct nla_policy fdb_sel_policy[VSWITCH_A_FDB + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_FDB] = NLA_POLICY_NESTED(vsw_nl_fdb_sel_policy),
};

static const struct nla_policy fdb_flush_policy[VSWITCH_A_FDB + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME_POLICY,
	[VSWITCH_A_FDB] = NLA_POLICY_NESTED(vsw_nl_fdb_flush_policy),
};

/**
 * vsw_nl_switch() - the switch a request names
 * @net: the requester's namespace
 * @tb: parsed top-level attributes
 * @extack: for the message
 *
 * Context: RTNL held.
 * Return: the switch, or an ERR_PTR().
 */
struct vsw_switch *vsw_nl_switch(struct net *net, struct nlattr **tb,
				 struct netlink_ext_ack *extack)
{
	struct vsw_switch *sw;
	int ret;

	ret = VSW_NL_NEED(extack, NULL, tb, VSWITCH_A_SWITCH_NAME,
			  "switch name (switch-name) is required");
	if (ret)
		return ERR_PTR(ret);
	sw = vsw_switch_find(net, nla_data(tb[VSWITCH_A_SWITCH_NAME]));
	if (!sw) {
		VSW_NL_ERR_ATTR(extack, tb[VSWITCH_A_SWITCH_NAME],
				"no switch of this name in this namespace");
		return ERR_PTR(-ENOENT);
	}
	return sw;
}

/**
 * vsw_nl_dump_switch() - take RTNL and find the switch a dump names
 * @skb: the dump's buffer
 * @cb: the dump
 *
 * Return: the switch, with RTNL held; or an ERR_PTR(), RTNL released (a
 * dump that already sent something ends quietly: the switch went away).
 */
struct vsw_switch *vsw_nl_dump_switch(struct sk_buff *skb,
				      struct netlink_callback *cb)
{
	struct vsw_switch *sw;

	rtnl_lock();
	sw = vsw_nl_switch(sock_net(skb->sk), vsw_compat_dump_attrs(cb),
			   cb->extack);
	if (IS_ERR(sw))
		rtnl_unlock();
	return sw;
}

/**
 * vsw_nl_dump_check() - flag the message at @start if the dump raced
 * @cb: the dump, cb->seq set to the generation the dump saw
 * @skb: the dump's buffer
 * @start: offset of the message just added
 */
void vsw_nl_dump_check(struct netlink_callback *cb, struct sk_buff *skb,
		       int start)
{
	nl_dump_check_consistent(cb, (struct nlmsghdr *)(skb->data + start));
}

static int put_drops(struct sk_buff *skb, const struct vsw_stats *st)
{
	struct nlattr *nest;
	u64 total = 0;
	int r;

	nest = nla_nest_start(skb, VSWITCH_STATS_A_DROPS);
	if (!nest)
		return -EMSGSIZE;
	/* type 0 (VSWITCH_DROP_NONE) is the alignment padding here */
	for (r = 1; r < __VSWITCH_DROP_MAX; r++) {
		total += st->drops[r];
		if (nla_put_u64_64bit(skb, r, st->drops[r], VSWITCH_DROP_NONE))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return nla_put_u64_64bit(skb, VSWITCH_STATS_A_DROPS_TOTAL, total,
				 VSWITCH_STATS_A_PAD);
}

/**
 * vsw_nl_put_stats() - fold counters into a stats nest
 * @skb: the message
 * @type: the nest's attribute type
 * @pcpu: the counters
 * @is_switch: add the switch-only counters
 *
 * Return: 0 or -EMSGSIZE.
 */
int vsw_nl_put_stats(struct sk_buff *skb, int type,
		     struct vsw_pcpu_stats __percpu *pcpu, bool is_switch)
{
	struct vsw_stats st;
	struct nlattr *nest;

	vsw_stats_fold(pcpu, &st);
	nest = nla_nest_start(skb, type);
	if (!nest ||
	    nla_put_u64_64bit(skb, VSWITCH_STATS_A_RX_PACKETS, st.rx_packets,
			      VSWITCH_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_STATS_A_RX_BYTES, st.rx_bytes,
			      VSWITCH_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_STATS_A_TX_PACKETS, st.tx_packets,
			      VSWITCH_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_STATS_A_TX_BYTES, st.tx_bytes,
			      VSWITCH_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_STATS_A_FRAGS_QUEUED,
			      st.frags_queued, VSWITCH_STATS_A_PAD))
		return -EMSGSIZE;
	if (is_switch &&
	    (nla_put_u64_64bit(skb, VSWITCH_STATS_A_FLOOD_PACKETS, st.flood,
			       VSWITCH_STATS_A_PAD) ||
	     nla_put_u64_64bit(skb, VSWITCH_STATS_A_FDB_LEARNED, st.learned,
			       VSWITCH_STATS_A_PAD) ||
	     nla_put_u64_64bit(skb, VSWITCH_STATS_A_FDB_FULL, st.fdb_full,
			       VSWITCH_STATS_A_PAD)))
		return -EMSGSIZE;
	if (put_drops(skb, &st))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_ct_timeouts(struct sk_buff *skb, const struct vsw_switch *sw)
{
	struct nlattr *nest = nla_nest_start(skb, VSWITCH_A_CT_TIMEOUT);
	int a;

	if (!nest)
		return -EMSGSIZE;
	for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++)
		if (nla_put_u32(skb, a, sw->fw.timeout_secs[a]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_switch(struct sk_buff *skb, struct vsw_switch *sw, u32 portid,
		       u32 seq, int flags, u8 cmd)
{
	u64 log_lost;
	u32 log_rate;
	void *hdr;

	vsw_fw_log_stats(sw, &log_rate, &log_lost);
	hdr = genlmsg_put(skb, portid, seq, &vsw_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, VSWITCH_A_SWITCH_NAME, sw->name) ||
	    nla_put_u32(skb, VSWITCH_A_AGEING_TIME, READ_ONCE(sw->ageing_secs)) ||
	    nla_put_u32(skb, VSWITCH_A_FDB_MAX, READ_ONCE(sw->fdb.max)) ||
	    nla_put_u32(skb, VSWITCH_A_FDB_COUNT, vsw_fdb_count(sw)) ||
	    nla_put_u32(skb, VSWITCH_A_N_PORTS, sw->n_ports) ||
	    (sw->internal && nla_put_u32(skb, VSWITCH_A_INTERNAL_IFINDEX,
					 sw->internal->dev->ifindex)) ||
	    nla_put_u8(skb, VSWITCH_A_FIREWALL, sw->fw.on) ||
	    nla_put_u8(skb, VSWITCH_A_DEFAULT_VERDICT, sw->fw.default_verdict) ||
	    nla_put_u16(skb, VSWITCH_A_CT_ZONE, sw->fw.zone) ||
	    nla_put_u32(skb, VSWITCH_A_POLICY_ID, vsw_fw_prog_id(sw)) ||
	    nla_put_u32(skb, VSWITCH_A_POLICY_GEN, sw->fw.gen) ||
	    nla_put_u32(skb, VSWITCH_A_FLOW_LOG_RATE, log_rate) ||
	    nla_put_u32(skb, VSWITCH_A_CT_LIMIT, READ_ONCE(sw->fw.ct_limit)) ||
	    put_ct_timeouts(skb, sw) ||
	    nla_put_u64_64bit(skb, VSWITCH_A_FLOW_LOG_LOST, log_lost,
			      VSWITCH_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_A_RULES_UNCOUNTED,
			      vsw_fw_rules_uncounted(sw), VSWITCH_A_PAD) ||
	    vsw_nl_put_stats(skb, VSWITCH_A_STATS, sw->stats, true)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* The firewall options of a request; a program reference taken here is
 * the caller's to put if the request fails.
 */
static int parse_fw(struct nlattr **tb, struct vsw_fw_cfg *fw,
		    struct netlink_ext_ack *extack)
{
	struct bpf_prog *prog;
	u8 v;

	if (tb[VSWITCH_A_FIREWALL]) {
		fw->has_on = true;
		fw->on = nla_get_u8(tb[VSWITCH_A_FIREWALL]);
	}
	if (tb[VSWITCH_A_DEFAULT_VERDICT]) {
		v = nla_get_u8(tb[VSWITCH_A_DEFAULT_VERDICT]);
		if (v != VSWITCH_VERDICT_ALLOW && v != VSWITCH_VERDICT_DROP) {
			VSW_NL_ERR_ATTR(extack, tb[VSWITCH_A_DEFAULT_VERDICT],
					"default-verdict is allow (0) or drop (2)");
			return -EINVAL;
		}
		fw->has_default = true;
		fw->default_verdict = v;
	}
	if (tb[VSWITCH_A_CT_TIMEOUT]) {
		struct nlattr *tt[VSWITCH_CT_TIMEOUT_A_MAX + 1];
		int a, ret;

		/* validated with the request */
		ret = nla_parse_nested(tt, VSWITCH_CT_TIMEOUT_A_MAX,
				       tb[VSWITCH_A_CT_TIMEOUT], ct_timeout_policy,
				       extack);
		if (ret)
			return ret;
		for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++) {
			if (!tt[a])
				continue;
			fw->timeout_secs[a] = nla_get_u32(tt[a]);
			fw->timeout_mask |= BIT(a);
		}
	}
	if (tb[VSWITCH_A_POLICY_FD]) {
		prog = vsw_fw_prog_get(nla_get_s32(tb[VSWITCH_A_POLICY_FD]),
				       extack);
		if (IS_ERR(prog)) {
			NL_SET_BAD_ATTR(extack, tb[VSWITCH_A_POLICY_FD]);
			return PTR_ERR(prog);
		}
		fw->has_prog = true;
		fw->prog = prog;
		/* a program's decisions count in a table of their own */
		fw->rules = vsw_rules_alloc(0);
		if (!fw->rules) {
			bpf_prog_put(prog);
			fw->prog = NULL;
			NL_SET_ERR_MSG_MOD(extack, "no memory for the rule counters");
			return -ENOMEM;
		}
	}
	if (tb[VSWITCH_A_FLOW_LOG_RATE]) {
		fw->has_log_rate = true;
		fw->log_rate = nla_get_u32(tb[VSWITCH_A_FLOW_LOG_RATE]);
	}
	if (tb[VSWITCH_A_CT_LIMIT]) {
		fw->has_ct_limit = true;
		fw->ct_limit = nla_get_u32(tb[VSWITCH_A_CT_LIMIT]);
	}
	return 0;
}

static void put_fw(struct vsw_fw_cfg *fw)
{
	if (fw->prog)
		bpf_prog_put(fw->prog);
	vsw_rules_free(fw->rules);
}

static int switch_new(struct sk_buff *skb, struct genl_info *info)
{
	struct vsw_switch_cfg cfg = {};
	struct nlattr **tb = info->attrs;
	struct vsw_switch *sw;
	int ret;

	ret = VSW_NL_NEED(info->extack, NULL, tb, VSWITCH_A_SWITCH_NAME,
			  "switch name (switch-name) is required");
	if (ret)
		return ret;
	if (!*(char *)nla_data(tb[VSWITCH_A_SWITCH_NAME])) {
		VSW_NL_ERR_ATTR(info->extack, tb[VSWITCH_A_SWITCH_NAME],
				"switch name is empty");
		return -EINVAL;
	}
	if (tb[VSWITCH_A_AGEING_TIME])
		cfg.ageing_secs = nla_get_u32(tb[VSWITCH_A_AGEING_TIME]);
	if (tb[VSWITCH_A_FDB_MAX])
		cfg.fdb_max = nla_get_u32(tb[VSWITCH_A_FDB_MAX]);
	cfg.internal = nla_get_flag(tb[VSWITCH_A_INTERNAL]);
	if (tb[VSWITCH_A_CT_ZONE])
		cfg.ct_zone = nla_get_u16(tb[VSWITCH_A_CT_ZONE]);
	ret = parse_fw(tb, &cfg.fw, info->extack);
	if (ret)
		return ret;

	rtnl_lock();
	sw = vsw_switch_create(genl_info_net(info),
			       nla_data(tb[VSWITCH_A_SWITCH_NAME]), &cfg,
			       info->extack);
	rtnl_unlock();
	if (IS_ERR(sw))
		put_fw(&cfg.fw);
	return PTR_ERR_OR_ZERO(sw);
}

static int switch_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vsw_switch *sw;

	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	if (!IS_ERR(sw))
		vsw_switch_destroy(sw);
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(sw);
}

static int switch_set(struct sk_buff *skb, struct genl_info *info)
{
	struct vsw_switch_cfg cfg = {};
	struct nlattr **tb = info->attrs;
	struct vsw_switch *sw;
	int ret;

	if (tb[VSWITCH_A_AGEING_TIME])
		cfg.ageing_secs = nla_get_u32(tb[VSWITCH_A_AGEING_TIME]);
	if (tb[VSWITCH_A_FDB_MAX])
		cfg.fdb_max = nla_get_u32(tb[VSWITCH_A_FDB_MAX]);
	ret = parse_fw(tb, &cfg.fw, info->extack);
	if (ret)
		return ret;

	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), tb, info->extack);
	ret = IS_ERR(sw) ? PTR_ERR(sw) : vsw_switch_set(sw, &cfg, info->extack);
	rtnl_unlock();
	if (ret)
		put_fw(&cfg.fw);
	return ret;
}

static int switch_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vsw_switch *sw;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	sw = vsw_nl_switch(genl_info_net(info), info->attrs, info->extack);
	ret = IS_ERR(sw) ? PTR_ERR(sw) :
	      fill_switch(msg, sw, info->snd_portid, info->snd_seq, 0,
			  VSWITCH_CMD_SWITCH_GET);
	rtnl_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

struct switch_dump_ctx {
	unsigned long idx;
};

static int switch_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct switch_dump_ctx *ctx = (void *)cb->ctx;
	struct net *net = sock_net(skb->sk);
	struct vsw_switch *sw;
	int start;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	rtnl_lock();
	cb->seq = vsw_switch_gen(net);
	for (; (sw = vsw_switch_nth(net, ctx->idx)); ctx->idx++) {
		start = skb->len;
		if (fill_switch(skb, sw, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI,
				VSWITCH_CMD_SWITCH_GET))
			break;
		vsw_nl_dump_check(cb, skb, start);
	}
	rtnl_unlock();
	return skb->len;
}

static int fill_rule(struct sk_buff *skb, struct vsw_switch *sw,
		     const struct vsw_rule_sums *r, struct netlink_callback *cb)
{
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &vsw_nl_family, NLM_F_MULTI, VSWITCH_CMD_RULE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, VSWITCH_A_SWITCH_NAME, sw->name))
		goto cancel;
	nest = nla_nest_start(skb, VSWITCH_A_RULE);
	if (!nest ||
	    nla_put_u32(skb, VSWITCH_RULE_A_ID, r->id) ||
	    nla_put_u64_64bit(skb, VSWITCH_RULE_A_SESSIONS, r->sessions,
			      VSWITCH_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_RULE_A_PACKETS, r->packets,
			      VSWITCH_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, VSWITCH_RULE_A_BYTES, r->bytes,
			      VSWITCH_RULE_A_PAD))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

struct rule_dump_ctx {
	unsigned long pos;	/* the next rule id */
	bool started;
};

/* The counters of a switch's policy, a message per rule id. */
static int rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rule_dump_ctx *ctx = (void *)cb->ctx;
	unsigned long pos = ctx->pos;
	struct vsw_rule_sums r;
	struct vsw_switch *sw;
	struct vsw_rules *t;
	int start;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	sw = vsw_nl_dump_switch(skb, cb);
	if (IS_ERR(sw))		/* a switch gone during the dump ends it */
		return ctx->started ? 0 : PTR_ERR(sw);
	ctx->started = true;
	t = rtnl_dereference(sw->fw.rules);
	/* a new table during the dump flags its messages */
	cb->seq = t ? t->born : 0;
	while (t && vsw_rules_next(t, &pos, &r)) {
		start = skb->len;
		if (fill_rule(skb, sw, &r, cb))
			break;
		vsw_nl_dump_check(cb, skb, start);
		ctx->pos = pos;
	}
	rtnl_unlock();
	return skb->len;
}

static int stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return vsw_nl_stats_get(skb, info);
}

static const struct vsw_genl_ops vsw_nl_ops[] = {
	VSW_OP_DO(VSWITCH_CMD_SWITCH_NEW, switch_new, switch_new_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO(VSWITCH_CMD_SWITCH_DEL, switch_del, switch_sel_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO(VSWITCH_CMD_SWITCH_SET, switch_set, switch_set_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO_DUMP(VSWITCH_CMD_SWITCH_GET, switch_get, switch_dump,
		       switch_sel_policy, 0),
	VSW_OP_DO(VSWITCH_CMD_PORT_ADD, vsw_nl_port_add, port_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO(VSWITCH_CMD_PORT_DEL, vsw_nl_port_del, port_sel_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO(VSWITCH_CMD_PORT_SET, vsw_nl_port_set, port_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO_DUMP(VSWITCH_CMD_PORT_GET, vsw_nl_port_get, vsw_nl_port_dump,
		       port_sel_policy, 0),
	VSW_OP_DO(VSWITCH_CMD_FDB_ADD, vsw_nl_fdb_add, fdb_add_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO(VSWITCH_CMD_FDB_DEL, vsw_nl_fdb_del, fdb_sel_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO_DUMP(VSWITCH_CMD_FDB_GET, vsw_nl_fdb_get, vsw_nl_fdb_dump,
		       fdb_sel_policy, 0),
	VSW_OP_DO(VSWITCH_CMD_FDB_FLUSH, vsw_nl_fdb_flush, fdb_flush_policy,
		  GENL_ADMIN_PERM),
	VSW_OP_DO(VSWITCH_CMD_STATS_GET, stats_get, port_sel_policy, 0),
	VSW_OP_DUMP(VSWITCH_CMD_RULE_GET, rule_dump, switch_sel_policy, 0),
};

enum vsw_nl_mcgrp {
	VSW_MCGRP_EVENTS,
	VSW_MCGRP_FLOWS,
};

static const struct genl_multicast_group vsw_nl_mcgrps[] = {
	[VSW_MCGRP_EVENTS] = { .name = VSWITCH_MCGRP_EVENTS },
	[VSW_MCGRP_FLOWS] = { .name = VSWITCH_MCGRP_FLOWS },
};

struct genl_family vsw_nl_family __ro_after_init = {
	.name		= VSWITCH_FAMILY_NAME,
	.version	= VSWITCH_FAMILY_VERSION,
	.maxattr	= VSWITCH_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	VSW_FAMILY_OPS(vsw_nl_ops),
	.mcgrps		= vsw_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vsw_nl_mcgrps),
};

/* Whether anyone listens to group @grp in @net (an event worth building). */
static bool nl_listeners(struct net *net, unsigned int grp)
{
	bool ret;

	rcu_read_lock();
	ret = READ_ONCE(nl_live) && genl_has_listeners(&vsw_nl_family, net, grp);
	rcu_read_unlock();
	return ret;
}

/* Send @msg (consumed) to group @grp of @net. */
static void nl_multicast(struct net *net, struct sk_buff *msg,
			 unsigned int grp)
{
	rcu_read_lock();
	if (READ_ONCE(nl_live))
		genlmsg_multicast_netns(&vsw_nl_family, net, msg, 0, grp,
					GFP_ATOMIC);
	else
		nlmsg_free(msg);
	rcu_read_unlock();
}

/**
 * vsw_nl_listeners() - whether anyone listens for events in @net
 * @net: namespace
 *
 * Return: true when an event is worth building.
 */
bool vsw_nl_listeners(struct net *net)
{
	return nl_listeners(net, VSW_MCGRP_EVENTS);
}

/**
 * vsw_nl_multicast() - send an event to the "events" group of @net
 * @net: namespace
 * @msg: the event; consumed
 */
void vsw_nl_multicast(struct net *net, struct sk_buff *msg)
{
	nl_multicast(net, msg, VSW_MCGRP_EVENTS);
}

void vsw_nl_notify_switch(struct vsw_switch *sw, bool del)
{
	struct sk_buff *msg;

	if (!vsw_nl_listeners(sw->net))
		return;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (fill_switch(msg, sw, 0, 0, 0, del ? VSWITCH_CMD_SWITCH_DEL_NTF :
					       VSWITCH_CMD_SWITCH_NEW_NTF)) {
		nlmsg_free(msg);
		return;
	}
	vsw_nl_multicast(sw->net, msg);
}

void vsw_nl_notify_port(struct vsw_port *port, bool del)
{
	struct net *net = port->sw->net;
	struct sk_buff *msg;

	if (!vsw_nl_listeners(net))
		return;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (vsw_nl_fill_port(msg, port, 0, 0, 0, del ? VSWITCH_CMD_PORT_DEL_NTF :
						     VSWITCH_CMD_PORT_NEW_NTF)) {
		nlmsg_free(msg);
		return;
	}
	vsw_nl_multicast(net, msg);
}

/* Called from the packet path and under the fdb lock: atomic. */
void vsw_nl_notify_fdb(struct vsw_switch *sw, const struct vsw_fdb_info *info,
		       bool del)
{
	struct sk_buff *msg;

	if (!vsw_nl_listeners(sw->net))
		return;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	if (vsw_nl_fill_fdb(msg, sw, info, 0, 0, 0, del ?
			    VSWITCH_CMD_FDB_DEL_NTF : VSWITCH_CMD_FDB_NEW_NTF)) {
		nlmsg_free(msg);
		return;
	}
	vsw_nl_multicast(sw->net, msg);
}

/**
 * vsw_nl_flow_listeners() - whether anyone listens to the flow log in @net
 * @net: namespace
 *
 * Return: true when a flow event is worth building.
 */
bool vsw_nl_flow_listeners(struct net *net)
{
	return nl_listeners(net, VSW_MCGRP_FLOWS);
}

static int fill_flow(struct sk_buff *skb, const struct vsw_switch *sw,
		     const struct vsw_flow_info *f)
{
	int alen = f->family == AF_INET ? sizeof(__be32) : sizeof(f->src);
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &vsw_nl_family, 0, VSWITCH_CMD_FLOW_NTF);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, VSWITCH_A_SWITCH_NAME, sw->name))
		goto cancel;
	nest = nla_nest_start(skb, VSWITCH_A_FLOW);
	if (!nest ||
	    nla_put_u8(skb, VSWITCH_FLOW_A_EVENT, f->event) ||
	    nla_put_u32(skb, VSWITCH_FLOW_A_IN_PORT, f->in_port) ||
	    nla_put_u32(skb, VSWITCH_FLOW_A_OUT_PORT, f->out_port) ||
	    nla_put_u8(skb, VSWITCH_FLOW_A_FAMILY, f->family) ||
	    nla_put(skb, VSWITCH_FLOW_A_SRC, alen, &f->src) ||
	    nla_put(skb, VSWITCH_FLOW_A_DST, alen, &f->dst) ||
	    nla_put_u8(skb, VSWITCH_FLOW_A_PROTO, f->proto) ||
	    (f->has_ports &&
	     (nla_put_u16(skb, VSWITCH_FLOW_A_SPORT, f->sport) ||
	      nla_put_u16(skb, VSWITCH_FLOW_A_DPORT, f->dport))) ||
	    (f->reply && nla_put_flag(skb, VSWITCH_FLOW_A_REPLY)) ||
	    nla_put_u32(skb, VSWITCH_FLOW_A_RULE, f->rule) ||
	    (f->reason && nla_put_u32(skb, VSWITCH_FLOW_A_REASON, f->reason)) ||
	    nla_put_u32(skb, VSWITCH_FLOW_A_GEN, f->gen) ||
	    (f->lost && nla_put_u64_64bit(skb, VSWITCH_FLOW_A_LOST, f->lost,
					  VSWITCH_FLOW_A_PAD)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/**
 * vsw_nl_notify_flow() - send a flow log event to the "flows" group
 * @sw: the switch
 * @f: the event
 *
 * Context: the packet path (atomic).
 */
void vsw_nl_notify_flow(struct vsw_switch *sw, const struct vsw_flow_info *f)
{
	struct sk_buff *msg;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	if (fill_flow(msg, sw, f)) {
		nlmsg_free(msg);
		return;
	}
	nl_multicast(sw->net, msg, VSW_MCGRP_FLOWS);
}

int vsw_nl_init(void)
{
	int ret = genl_register_family(&vsw_nl_family);

	if (!ret)
		WRITE_ONCE(nl_live, true);
	return ret;
}

void vsw_nl_exit(void)
{
	WRITE_ONCE(nl_live, false);
	synchronize_rcu();	/* no event is being sent */
	genl_unregister_family(&vsw_nl_family);
}
