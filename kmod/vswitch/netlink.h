/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_NETLINK_H
#define _VSW_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/vswitch.h>

#include "stats.h"

struct vsw_fdb_info;
struct vsw_port;
struct vsw_switch;

int vsw_nl_init(void);
void vsw_nl_exit(void);

/* Events on the "events" group; only the fdb one may be called in atomic context. */
void vsw_nl_notify_switch(struct vsw_switch *sw, bool del);
void vsw_nl_notify_port(struct vsw_port *port, bool del);
/**
 * struct vsw_flow_info - a flow log event (enum vswitch_flow_a)
 * @event: enum vswitch_flow_event
 * @family: AF_INET or AF_INET6
 * @proto: IP protocol
 * @has_ports: @sport and @dport are set
 * @reply: the frame went the reply way
 * @in_port: ingress port id
 * @out_port: egress port id, 0: none yet
 * @rule: rule id the program returned (0: the default verdict)
 * @reason: enum vswitch_drop, for drops and cuts
 * @gen: the policy generation
 * @src: source address (connection's original direction)
 * @dst: destination address
 * @sport: source port, host order
 * @dport: destination port, host order
 * @lost: events held back before this one
 */
struct vsw_flow_info {
	u8 event;
	u8 family;
	u8 proto;
	bool has_ports;
	bool reply;
	u32 in_port;
	u32 out_port;
	u32 rule;
	u32 reason;
	u32 gen;
	struct in6_addr src;
	struct in6_addr dst;
	u16 sport;
	u16 dport;
	u64 lost;
};

bool vsw_nl_flow_listeners(struct net *net);
void vsw_nl_notify_flow(struct vsw_switch *sw, const struct vsw_flow_info *f);
void vsw_nl_notify_fdb(struct vsw_switch *sw, const struct vsw_fdb_info *info,
		       bool del);

/*
 * VSW_NL_ERR_ATTR() - NL_SET_ERR_MSG_ATTR() with the "vswitch: " prefix
 * that NL_SET_ERR_MSG_MOD() gives the messages without an attribute
 */
#define VSW_NL_ERR_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

/* Shared by netlink.c and netlink_port.c. */
extern struct genl_family vsw_nl_family;

struct vsw_switch *vsw_nl_switch(struct net *net, struct nlattr **tb,
				 struct netlink_ext_ack *extack);
struct vsw_switch *vsw_nl_dump_switch(struct sk_buff *skb,
				      struct netlink_callback *cb);

/**
 * VSW_NL_NEED() - reject a request that lacks a required attribute
 * @extack: for the message
 * @nest: the nest @tb was parsed from, or NULL (top level)
 * @tb: parsed attributes
 * @type: the attribute required
 * @msg: the message if it is missing (a string literal)
 *
 * Return: 0, or -EINVAL with the message and the missing type set.
 */
#define VSW_NL_NEED(extack, nest, tb, type, msg) ({			\
	int __ret = 0;							\
									\
	if (!(tb)[type]) {						\
		NL_SET_ERR_MSG_MOD(extack, msg);			\
		NL_SET_ERR_ATTR_MISS(extack, nest, type);		\
		__ret = -EINVAL;					\
	}								\
	__ret;								\
})
int vsw_nl_put_stats(struct sk_buff *skb, int type,
		     struct vsw_pcpu_stats __percpu *pcpu, bool is_switch);
void vsw_nl_multicast(struct net *net, struct sk_buff *msg);
void vsw_nl_dump_check(struct netlink_callback *cb, struct sk_buff *skb,
		       int start);
bool vsw_nl_listeners(struct net *net);

int vsw_nl_fill_port(struct sk_buff *skb, struct vsw_port *port, u32 portid,
		     u32 seq, int flags, u8 cmd);
int vsw_nl_fill_fdb(struct sk_buff *skb, struct vsw_switch *sw,
		    const struct vsw_fdb_info *info, u32 portid, u32 seq,
		    int flags, u8 cmd);

struct vsw_port *vsw_nl_sel_port(struct vsw_switch *sw, struct nlattr *nest,
				 struct nlattr **pt,
				 struct netlink_ext_ack *extack);

int vsw_nl_port_add(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_port_del(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_port_set(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_port_get(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_port_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vsw_nl_fdb_add(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_fdb_del(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_fdb_get(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb);
int vsw_nl_fdb_flush(struct sk_buff *skb, struct genl_info *info);
int vsw_nl_stats_get(struct sk_buff *skb, struct genl_info *info);

/* Nested policies, also used by netlink_port.c to parse the nests. */
extern const struct nla_policy vsw_nl_port_policy[VSWITCH_PORT_A_ADDRS + 1];
extern const struct nla_policy vsw_nl_port_sel_policy[VSWITCH_PORT_A_IFNAME + 1];
extern const struct nla_policy vsw_nl_fdb_add_policy[VSWITCH_FDB_A_PORT_ID + 1];
extern const struct nla_policy vsw_nl_fdb_sel_policy[VSWITCH_FDB_A_MAC + 1];
extern const struct nla_policy vsw_nl_fdb_flush_policy[VSWITCH_FDB_A_STATIC + 1];

#endif /* _VSW_NETLINK_H */
