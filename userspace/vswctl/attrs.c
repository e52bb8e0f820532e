// SPDX-License-Identifier: GPL-2.0
/*
 * attrs.c - vswitch messages to and from struct vsw_msg
 *
 * The policies here check lengths only: the kernel's policies in
 * kmod/vswitch/netlink.c and the spec hold the value ranges.
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "attrs.h"

#define U8	{ .type = NLA_U8 }
#define U16	{ .type = NLA_U16 }
#define U32	{ .type = NLA_U32 }
#define U64	{ .type = NLA_U64 }
#define NAME	{ .type = NLA_STRING, .maxlen = IFNAMSIZ }
#define FLAG	{ .type = NLA_FLAG }
#define NEST	{ .type = NLA_NESTED }
#define MAC	{ .type = NLA_UNSPEC, .minlen = VSW_MAC_LEN, .maxlen = VSW_MAC_LEN }

static struct nla_policy top_policy[VSWITCH_A_MAX + 1] = {
	[VSWITCH_A_SWITCH_NAME] = NAME,
	[VSWITCH_A_AGEING_TIME] = U32,
	[VSWITCH_A_FDB_MAX] = U32,
	[VSWITCH_A_INTERNAL] = FLAG,
	[VSWITCH_A_INTERNAL_IFINDEX] = U32,
	[VSWITCH_A_N_PORTS] = U32,
	[VSWITCH_A_FDB_COUNT] = U32,
	[VSWITCH_A_PORT] = NEST,
	[VSWITCH_A_FDB] = NEST,
	[VSWITCH_A_STATS] = NEST,
	[VSWITCH_A_FIREWALL] = U8,
	[VSWITCH_A_DEFAULT_VERDICT] = U8,
	[VSWITCH_A_CT_ZONE] = U16,
	[VSWITCH_A_POLICY_FD] = U32,
	[VSWITCH_A_POLICY_ID] = U32,
	[VSWITCH_A_POLICY_GEN] = U32,
	[VSWITCH_A_FLOW_LOG_RATE] = U32,
	[VSWITCH_A_FLOW] = NEST,
	[VSWITCH_A_FLOW_LOG_LOST] = U64,
	[VSWITCH_A_RULE] = NEST,
	[VSWITCH_A_RULES_UNCOUNTED] = U64,
	[VSWITCH_A_CT_LIMIT] = U32,
	[VSWITCH_A_CT_TIMEOUT] = NEST,
};

static struct nla_policy rule_policy[VSWITCH_RULE_A_MAX + 1] = {
	[VSWITCH_RULE_A_ID] = U32,
	[VSWITCH_RULE_A_SESSIONS] = U64,
	[VSWITCH_RULE_A_PACKETS] = U64,
	[VSWITCH_RULE_A_BYTES] = U64,
};

#define ADDR	{ .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 }

static struct nla_policy flow_policy[VSWITCH_FLOW_A_MAX + 1] = {
	[VSWITCH_FLOW_A_EVENT] = U8,
	[VSWITCH_FLOW_A_IN_PORT] = U32,
	[VSWITCH_FLOW_A_OUT_PORT] = U32,
	[VSWITCH_FLOW_A_FAMILY] = U8,
	[VSWITCH_FLOW_A_SRC] = ADDR,
	[VSWITCH_FLOW_A_DST] = ADDR,
	[VSWITCH_FLOW_A_PROTO] = U8,
	[VSWITCH_FLOW_A_SPORT] = U16,
	[VSWITCH_FLOW_A_DPORT] = U16,
	[VSWITCH_FLOW_A_REPLY] = FLAG,
	[VSWITCH_FLOW_A_RULE] = U32,
	[VSWITCH_FLOW_A_REASON] = U32,
	[VSWITCH_FLOW_A_GEN] = U32,
	[VSWITCH_FLOW_A_LOST] = U64,
};

static struct nla_policy port_policy[VSWITCH_PORT_A_MAX + 1] = {
	[VSWITCH_PORT_A_ID] = U32,
	[VSWITCH_PORT_A_IFINDEX] = U32,
	[VSWITCH_PORT_A_IFNAME] = NAME,
	[VSWITCH_PORT_A_UPLINK] = U8,
	[VSWITCH_PORT_A_VLAN] = U8,
	[VSWITCH_PORT_A_DHCP_GUARD] = U8,
	[VSWITCH_PORT_A_SECURITY] = U8,
	[VSWITCH_PORT_A_SEGMENT] = U32,
	[VSWITCH_PORT_A_SECGROUP] = U32,
	[VSWITCH_PORT_A_MAC] = MAC,
	[VSWITCH_PORT_A_ADDRS] = NEST,
	[VSWITCH_PORT_A_INTERNAL] = FLAG,
	[VSWITCH_PORT_A_STATS] = NEST,
};

static struct nla_policy fdb_policy[VSWITCH_FDB_A_MAX + 1] = {
	[VSWITCH_FDB_A_MAC] = MAC,
	[VSWITCH_FDB_A_PORT_ID] = U32,
	[VSWITCH_FDB_A_STATIC] = FLAG,
	[VSWITCH_FDB_A_AGE_MS] = U64,
};

static struct nla_policy stats_policy[VSWITCH_STATS_A_MAX + 1] = {
	[VSWITCH_STATS_A_RX_PACKETS] = U64,
	[VSWITCH_STATS_A_RX_BYTES] = U64,
	[VSWITCH_STATS_A_TX_PACKETS] = U64,
	[VSWITCH_STATS_A_TX_BYTES] = U64,
	[VSWITCH_STATS_A_FLOOD_PACKETS] = U64,
	[VSWITCH_STATS_A_FDB_LEARNED] = U64,
	[VSWITCH_STATS_A_FDB_FULL] = U64,
	[VSWITCH_STATS_A_DROPS_TOTAL] = U64,
	[VSWITCH_STATS_A_DROPS] = NEST,
	[VSWITCH_STATS_A_FRAGS_QUEUED] = U64,
};

/* Set the has bits of every attribute present in @tb[0..@max]. */
static uint64_t present(struct nlattr **tb, int max)
{
	uint64_t has = 0;

	for (int i = 1; i <= max; i++)
		if (tb[i])
			has |= VSW_BIT(i);
	return has;
}

static void get_u32(struct nlattr **tb, int a, uint32_t *v)
{
	if (tb[a])
		*v = nla_get_u32(tb[a]);
}

static void get_u8(struct nlattr **tb, int a, uint8_t *v)
{
	if (tb[a])
		*v = nla_get_u8(tb[a]);
}

static void get_u64(struct nlattr **tb, int a, uint64_t *v)
{
	if (tb[a])
		*v = nla_get_u64(tb[a]);
}

static void get_name(struct nlattr **tb, int a, char out[IFNAMSIZ])
{
	if (tb[a])
		nla_strlcpy(out, tb[a], IFNAMSIZ);
}

/* The drops nest: one u64 per reason, type 0 is padding. */
static int parse_drops(struct nlattr *nest, struct vsw_stats *st)
{
	struct nlattr *a;
	int rem, t;

	nla_for_each_nested(a, nest, rem) {
		t = nla_type(a);
		if (t == VSWITCH_DROP_NONE || t > VSWITCH_DROP_MAX)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -EBADMSG;
		st->drops[t] = nla_get_u64(a);
		st->drops_has |= VSW_BIT(t);
	}
	return 0;
}

static int parse_stats(struct nlattr *nest, struct vsw_stats *st)
{
	struct nlattr *tb[VSWITCH_STATS_A_MAX + 1];

	if (nla_parse_nested(tb, VSWITCH_STATS_A_MAX, nest, stats_policy))
		return -EBADMSG;
	st->has = present(tb, VSWITCH_STATS_A_MAX);
	get_u64(tb, VSWITCH_STATS_A_RX_PACKETS, &st->rx_packets);
	get_u64(tb, VSWITCH_STATS_A_RX_BYTES, &st->rx_bytes);
	get_u64(tb, VSWITCH_STATS_A_TX_PACKETS, &st->tx_packets);
	get_u64(tb, VSWITCH_STATS_A_TX_BYTES, &st->tx_bytes);
	get_u64(tb, VSWITCH_STATS_A_FLOOD_PACKETS, &st->flood_packets);
	get_u64(tb, VSWITCH_STATS_A_FDB_LEARNED, &st->fdb_learned);
	get_u64(tb, VSWITCH_STATS_A_FDB_FULL, &st->fdb_full);
	get_u64(tb, VSWITCH_STATS_A_DROPS_TOTAL, &st->drops_total);
	get_u64(tb, VSWITCH_STATS_A_FRAGS_QUEUED, &st->frags_queued);
	return tb[VSWITCH_STATS_A_DROPS] ?
	       parse_drops(tb[VSWITCH_STATS_A_DROPS], st) : 0;
}

static int parse_addrs(struct nlattr *nest, struct vsw_port *p)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == VSWITCH_ADDR_A_IPV4) {
			if (nla_len(a) != 4 || p->n_ipv4 == VSWITCH_PORT_MAX_IPV4)
				return -EBADMSG;
			memcpy(&p->ipv4[p->n_ipv4++], nla_data(a), 4);
		} else if (nla_type(a) == VSWITCH_ADDR_A_IPV6) {
			if (nla_len(a) != 16 || p->n_ipv6 == VSWITCH_PORT_MAX_IPV6)
				return -EBADMSG;
			memcpy(&p->ipv6[p->n_ipv6++], nla_data(a), 16);
		}
	}
	return 0;
}

static int parse_port(struct nlattr *nest, struct vsw_port *p)
{
	struct nlattr *tb[VSWITCH_PORT_A_MAX + 1];

	if (nla_parse_nested(tb, VSWITCH_PORT_A_MAX, nest, port_policy))
		return -EBADMSG;
	p->has = present(tb, VSWITCH_PORT_A_MAX);
	get_u32(tb, VSWITCH_PORT_A_ID, &p->id);
	get_u32(tb, VSWITCH_PORT_A_IFINDEX, &p->ifindex);
	get_name(tb, VSWITCH_PORT_A_IFNAME, p->ifname);
	get_u8(tb, VSWITCH_PORT_A_UPLINK, &p->uplink);
	get_u8(tb, VSWITCH_PORT_A_VLAN, &p->vlan);
	get_u8(tb, VSWITCH_PORT_A_DHCP_GUARD, &p->dhcp_guard);
	get_u8(tb, VSWITCH_PORT_A_SECURITY, &p->security);
	get_u32(tb, VSWITCH_PORT_A_SEGMENT, &p->segment);
	get_u32(tb, VSWITCH_PORT_A_SECGROUP, &p->secgroup);
	if (tb[VSWITCH_PORT_A_MAC])
		memcpy(p->mac, nla_data(tb[VSWITCH_PORT_A_MAC]), VSW_MAC_LEN);
	if (tb[VSWITCH_PORT_A_ADDRS] && parse_addrs(tb[VSWITCH_PORT_A_ADDRS], p))
		return -EBADMSG;
	if (tb[VSWITCH_PORT_A_STATS])
		return parse_stats(tb[VSWITCH_PORT_A_STATS], &p->stats);
	return 0;
}

static int parse_fdb(struct nlattr *nest, struct vsw_fdb *f)
{
	struct nlattr *tb[VSWITCH_FDB_A_MAX + 1];

	if (nla_parse_nested(tb, VSWITCH_FDB_A_MAX, nest, fdb_policy))
		return -EBADMSG;
	f->has = present(tb, VSWITCH_FDB_A_MAX);
	if (tb[VSWITCH_FDB_A_MAC])
		memcpy(f->mac, nla_data(tb[VSWITCH_FDB_A_MAC]), VSW_MAC_LEN);
	get_u32(tb, VSWITCH_FDB_A_PORT_ID, &f->port_id);
	get_u64(tb, VSWITCH_FDB_A_AGE_MS, &f->age_ms);
	return 0;
}

static int parse_flow(struct nlattr *nest, struct vsw_flow *f)
{
	struct nlattr *tb[VSWITCH_FLOW_A_MAX + 1];

	if (nla_parse_nested(tb, VSWITCH_FLOW_A_MAX, nest, flow_policy))
		return -EBADMSG;
	f->has = present(tb, VSWITCH_FLOW_A_MAX);
	if (tb[VSWITCH_FLOW_A_EVENT])
		f->event = nla_get_u8(tb[VSWITCH_FLOW_A_EVENT]);
	if (tb[VSWITCH_FLOW_A_FAMILY])
		f->family = nla_get_u8(tb[VSWITCH_FLOW_A_FAMILY]);
	if (tb[VSWITCH_FLOW_A_PROTO])
		f->proto = nla_get_u8(tb[VSWITCH_FLOW_A_PROTO]);
	get_u32(tb, VSWITCH_FLOW_A_IN_PORT, &f->in_port);
	get_u32(tb, VSWITCH_FLOW_A_OUT_PORT, &f->out_port);
	get_u32(tb, VSWITCH_FLOW_A_RULE, &f->rule);
	get_u32(tb, VSWITCH_FLOW_A_REASON, &f->reason);
	get_u32(tb, VSWITCH_FLOW_A_GEN, &f->gen);
	get_u64(tb, VSWITCH_FLOW_A_LOST, &f->lost);
	if (tb[VSWITCH_FLOW_A_SPORT])
		f->sport = nla_get_u16(tb[VSWITCH_FLOW_A_SPORT]);
	if (tb[VSWITCH_FLOW_A_DPORT])
		f->dport = nla_get_u16(tb[VSWITCH_FLOW_A_DPORT]);
	f->reply = !!tb[VSWITCH_FLOW_A_REPLY];
	if (tb[VSWITCH_FLOW_A_SRC])
		memcpy(f->src, nla_data(tb[VSWITCH_FLOW_A_SRC]),
		       nla_len(tb[VSWITCH_FLOW_A_SRC]));
	if (tb[VSWITCH_FLOW_A_DST])
		memcpy(f->dst, nla_data(tb[VSWITCH_FLOW_A_DST]),
		       nla_len(tb[VSWITCH_FLOW_A_DST]));
	return 0;
}

static int parse_ct_timeout(struct nlattr *nest, struct vsw_switch *s)
{
	struct nlattr *tb[VSWITCH_CT_TIMEOUT_A_MAX + 1];
	static struct nla_policy pol[VSWITCH_CT_TIMEOUT_A_MAX + 1];
	int a;

	for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++)
		pol[a].type = NLA_U32;
	if (nla_parse_nested(tb, VSWITCH_CT_TIMEOUT_A_MAX, nest, pol))
		return -EBADMSG;
	for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++) {
		if (!tb[a])
			continue;
		s->ct_timeout[a] = nla_get_u32(tb[a]);
		s->ct_timeout_has |= 1U << a;
	}
	return 0;
}

static int put_ct_timeout(struct nl_msg *msg, const struct vsw_switch *s)
{
	struct nlattr *nest = nla_nest_start(msg, VSWITCH_A_CT_TIMEOUT);
	int a;

	if (!nest)
		return -NLE_NOMEM;
	for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++)
		if ((s->ct_timeout_has & (1U << a)) &&
		    nla_put_u32(msg, a, s->ct_timeout[a]))
			return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

static int parse_rule(struct nlattr *nest, struct vsw_rule *r)
{
	struct nlattr *tb[VSWITCH_RULE_A_MAX + 1];

	if (nla_parse_nested(tb, VSWITCH_RULE_A_MAX, nest, rule_policy))
		return -EBADMSG;
	r->has = present(tb, VSWITCH_RULE_A_MAX);
	get_u32(tb, VSWITCH_RULE_A_ID, &r->id);
	get_u64(tb, VSWITCH_RULE_A_SESSIONS, &r->sessions);
	get_u64(tb, VSWITCH_RULE_A_PACKETS, &r->packets);
	get_u64(tb, VSWITCH_RULE_A_BYTES, &r->bytes);
	return 0;
}

int vsw_msg_parse(struct nlmsghdr *nlh, struct vsw_msg *m)
{
	struct nlattr *tb[VSWITCH_A_MAX + 1];
	struct vsw_switch *s = &m->sw;

	memset(m, 0, sizeof(*m));
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, VSWITCH_A_MAX, top_policy))
		return -EBADMSG;
	m->cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	s->has = present(tb, VSWITCH_A_MAX);
	get_name(tb, VSWITCH_A_SWITCH_NAME, s->name);
	get_u32(tb, VSWITCH_A_AGEING_TIME, &s->ageing);
	get_u32(tb, VSWITCH_A_FDB_MAX, &s->fdb_max);
	get_u32(tb, VSWITCH_A_INTERNAL_IFINDEX, &s->internal_ifindex);
	get_u32(tb, VSWITCH_A_N_PORTS, &s->n_ports);
	get_u32(tb, VSWITCH_A_FDB_COUNT, &s->fdb_count);
	if (tb[VSWITCH_A_FIREWALL])
		s->firewall = nla_get_u8(tb[VSWITCH_A_FIREWALL]);
	if (tb[VSWITCH_A_DEFAULT_VERDICT])
		s->default_verdict = nla_get_u8(tb[VSWITCH_A_DEFAULT_VERDICT]);
	if (tb[VSWITCH_A_CT_ZONE])
		s->ct_zone = nla_get_u16(tb[VSWITCH_A_CT_ZONE]);
	get_u32(tb, VSWITCH_A_POLICY_ID, &s->policy_id);
	get_u32(tb, VSWITCH_A_POLICY_GEN, &s->policy_gen);
	get_u32(tb, VSWITCH_A_FLOW_LOG_RATE, &s->flow_log_rate);
	get_u32(tb, VSWITCH_A_CT_LIMIT, &s->ct_limit);
	get_u64(tb, VSWITCH_A_FLOW_LOG_LOST, &s->flow_log_lost);
	get_u64(tb, VSWITCH_A_RULES_UNCOUNTED, &s->rules_uncounted);
	memcpy(m->port.sw, s->name, IFNAMSIZ);
	memcpy(m->fdb.sw, s->name, IFNAMSIZ);
	if ((tb[VSWITCH_A_STATS] && parse_stats(tb[VSWITCH_A_STATS], &s->stats)) ||
	    (tb[VSWITCH_A_PORT] && parse_port(tb[VSWITCH_A_PORT], &m->port)) ||
	    (tb[VSWITCH_A_FDB] && parse_fdb(tb[VSWITCH_A_FDB], &m->fdb)) ||
	    (tb[VSWITCH_A_FLOW] && parse_flow(tb[VSWITCH_A_FLOW], &m->flow)) ||
	    (tb[VSWITCH_A_RULE] && parse_rule(tb[VSWITCH_A_RULE], &m->rule)) ||
	    (tb[VSWITCH_A_CT_TIMEOUT] &&
	     parse_ct_timeout(tb[VSWITCH_A_CT_TIMEOUT], s)))
		return -EBADMSG;
	return 0;
}

/* ------------------------------------------------------------ requests */

#define PUT_U32(msg, o, a, v) \
	((VSW_HAS(o, a) && nla_put_u32(msg, a, v)) ? -NLE_NOMEM : 0)
#define PUT_U8(msg, o, a, v) \
	((VSW_HAS(o, a) && nla_put_u8(msg, a, v)) ? -NLE_NOMEM : 0)

static int put_addrs(struct nl_msg *msg, const struct vsw_port *p)
{
	struct nlattr *nest = nla_nest_start(msg, VSWITCH_PORT_A_ADDRS);
	int i;

	if (!nest)
		return -NLE_NOMEM;
	for (i = 0; i < p->n_ipv4; i++)
		if (nla_put(msg, VSWITCH_ADDR_A_IPV4, 4, &p->ipv4[i]))
			return -NLE_NOMEM;
	for (i = 0; i < p->n_ipv6; i++)
		if (nla_put(msg, VSWITCH_ADDR_A_IPV6, 16, &p->ipv6[i]))
			return -NLE_NOMEM;
	/* "ip none" is an empty nest, which nla_nest_end() would drop */
	return nla_nest_end_keep_empty(msg, nest);
}

static int put_port(struct nl_msg *msg, const struct vsw_port *p)
{
	struct nlattr *nest = nla_nest_start(msg, VSWITCH_A_PORT);

	if (!nest ||
	    PUT_U32(msg, p, VSWITCH_PORT_A_ID, p->id) ||
	    PUT_U32(msg, p, VSWITCH_PORT_A_IFINDEX, p->ifindex) ||
	    (VSW_HAS(p, VSWITCH_PORT_A_IFNAME) &&
	     nla_put_string(msg, VSWITCH_PORT_A_IFNAME, p->ifname)) ||
	    PUT_U8(msg, p, VSWITCH_PORT_A_UPLINK, p->uplink) ||
	    PUT_U8(msg, p, VSWITCH_PORT_A_VLAN, p->vlan) ||
	    PUT_U8(msg, p, VSWITCH_PORT_A_DHCP_GUARD, p->dhcp_guard) ||
	    PUT_U8(msg, p, VSWITCH_PORT_A_SECURITY, p->security) ||
	    PUT_U32(msg, p, VSWITCH_PORT_A_SEGMENT, p->segment) ||
	    PUT_U32(msg, p, VSWITCH_PORT_A_SECGROUP, p->secgroup) ||
	    (VSW_HAS(p, VSWITCH_PORT_A_MAC) &&
	     nla_put(msg, VSWITCH_PORT_A_MAC, VSW_MAC_LEN, p->mac)) ||
	    (VSW_HAS(p, VSWITCH_PORT_A_ADDRS) && put_addrs(msg, p)))
		return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

static int put_fdb(struct nl_msg *msg, const struct vsw_fdb *f)
{
	struct nlattr *nest = nla_nest_start(msg, VSWITCH_A_FDB);

	if (!nest ||
	    (VSW_HAS(f, VSWITCH_FDB_A_MAC) &&
	     nla_put(msg, VSWITCH_FDB_A_MAC, VSW_MAC_LEN, f->mac)) ||
	    PUT_U32(msg, f, VSWITCH_FDB_A_PORT_ID, f->port_id) ||
	    (VSW_HAS(f, VSWITCH_FDB_A_STATIC) &&
	     nla_put_flag(msg, VSWITCH_FDB_A_STATIC)))
		return -NLE_NOMEM;
	return nla_nest_end(msg, nest);
}

int vsw_msg_put(struct nl_msg *msg, const struct vsw_msg *m)
{
	const struct vsw_switch *s = &m->sw;

	if ((VSW_HAS(s, VSWITCH_A_SWITCH_NAME) &&
	     nla_put_string(msg, VSWITCH_A_SWITCH_NAME, s->name)) ||
	    PUT_U32(msg, s, VSWITCH_A_AGEING_TIME, s->ageing) ||
	    PUT_U32(msg, s, VSWITCH_A_FDB_MAX, s->fdb_max) ||
	    (VSW_HAS(s, VSWITCH_A_INTERNAL) &&
	     nla_put_flag(msg, VSWITCH_A_INTERNAL)) ||
	    PUT_U8(msg, s, VSWITCH_A_FIREWALL, s->firewall) ||
	    PUT_U8(msg, s, VSWITCH_A_DEFAULT_VERDICT, s->default_verdict) ||
	    (VSW_HAS(s, VSWITCH_A_CT_ZONE) &&
	     nla_put_u16(msg, VSWITCH_A_CT_ZONE, s->ct_zone)) ||
	    (VSW_HAS(s, VSWITCH_A_POLICY_FD) &&
	     nla_put_s32(msg, VSWITCH_A_POLICY_FD, s->policy_fd)) ||
	    PUT_U32(msg, s, VSWITCH_A_FLOW_LOG_RATE, s->flow_log_rate) ||
	    PUT_U32(msg, s, VSWITCH_A_CT_LIMIT, s->ct_limit) ||
	    (VSW_HAS(s, VSWITCH_A_CT_TIMEOUT) && put_ct_timeout(msg, s)) ||
	    (VSW_HAS(s, VSWITCH_A_PORT) && put_port(msg, &m->port)) ||
	    (VSW_HAS(s, VSWITCH_A_FDB) && put_fdb(msg, &m->fdb)))
		return -NLE_NOMEM;
	return 0;
}
