/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vswitch builds against lives here.
 * Supported: 6.1.y (Debian 12) and 6.12.y (Debian 12 backports).
 */
#ifndef _VSW_COMPAT_H
#define _VSW_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

/* skb_gso_validate_mac_len() moved from skbuff.h to net/gso.h in 6.5. */
#if __has_include(<net/gso.h>)
#include <net/gso.h>
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "vswitch needs Linux 6.1 or later"
#endif

/*
 * Generic netlink operations. 6.2 split each command into a "do" and a
 * "dump" entry (struct genl_split_ops), each with its own policy; 6.1 has
 * struct genl_ops, one entry per command holding both handlers and one
 * policy. Since a command's do and dump share a policy here, both forms
 * express the same table:
 *
 *   VSW_OP_DO(cmd, doit, policy, flags)            do only
 *   VSW_OP_DO_DUMP(cmd, doit, dumpit, policy, fl)  do and dump
 *   VSW_OP_DUMP(cmd, dumpit, policy, flags)        dump only
 *   VSW_FAMILY_OPS(table)                          in struct genl_family
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define vsw_genl_ops		genl_split_ops
#define VSW_OP_DO(_cmd, _doit, _pol, _flags)				\
	{ .cmd = (_cmd), .doit = (_doit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1,				\
	  .flags = (_flags) | GENL_CMD_CAP_DO }
#define VSW_OP_DO_DUMP(_cmd, _doit, _dumpit, _pol, _flags)		\
	VSW_OP_DO(_cmd, _doit, _pol, _flags),				\
	{ .cmd = (_cmd), .dumpit = (_dumpit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1,				\
	  .flags = (_flags) | GENL_CMD_CAP_DUMP }
#define VSW_OP_DUMP(_cmd, _dumpit, _pol, _flags)			\
	{ .cmd = (_cmd), .dumpit = (_dumpit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1,				\
	  .flags = (_flags) | GENL_CMD_CAP_DUMP }
#define VSW_FAMILY_OPS(_ops)						\
	.split_ops = (_ops), .n_split_ops = ARRAY_SIZE(_ops)

/**
 * vsw_compat_dump_attrs() - the parsed attributes of a dump request
 * @cb: the dump's callback state
 *
 * Return: the attribute table, indexed by attribute type.
 */
static inline struct nlattr **vsw_compat_dump_attrs(struct netlink_callback *cb)
{
	return genl_info_dump(cb)->attrs;
}
#else
#define vsw_genl_ops		genl_ops
#define VSW_OP_DO(_cmd, _doit, _pol, _flags)				\
	{ .cmd = (_cmd), .doit = (_doit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1, .flags = (_flags) }
#define VSW_OP_DO_DUMP(_cmd, _doit, _dumpit, _pol, _flags)		\
	{ .cmd = (_cmd), .doit = (_doit), .dumpit = (_dumpit),		\
	  .policy = (_pol), .maxattr = ARRAY_SIZE(_pol) - 1,		\
	  .flags = (_flags) }
#define VSW_OP_DUMP(_cmd, _dumpit, _pol, _flags)			\
	{ .cmd = (_cmd), .dumpit = (_dumpit), .policy = (_pol),		\
	  .maxattr = ARRAY_SIZE(_pol) - 1, .flags = (_flags) }
#define VSW_FAMILY_OPS(_ops)	.ops = (_ops), .n_ops = ARRAY_SIZE(_ops)

static inline struct nlattr **vsw_compat_dump_attrs(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->attrs;
}
#endif

/*
 * Device properties that moved from netdev feature bits to struct
 * net_device bitfields: NETIF_F_LLTX became dev->lltx (6.12) and
 * NETIF_F_NETNS_LOCAL became dev->netns_local, then dev->netns_immutable
 * (backported to 6.12.y). The feature macros are the probe.
 */
static inline void vsw_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

static inline void vsw_compat_set_netns_local(struct net_device *dev)
{
#ifdef NETIF_F_NETNS_LOCAL
	dev->features |= NETIF_F_NETNS_LOCAL;
#else
	dev->netns_immutable = true;
#endif
}

/*
 * The firewall keeps the policy generation in the conntrack mark, and
 * needs zones (Debian's kernels have both).
 */
#if !IS_ENABLED(CONFIG_NF_CONNTRACK_MARK) || !IS_ENABLED(CONFIG_NF_CONNTRACK_ZONES)
#error "vswitch needs CONFIG_NF_CONNTRACK_MARK and CONFIG_NF_CONNTRACK_ZONES"
#endif

/*
 * skb->tc_at_ingress, which BPF helpers read to tell ingress from
 * egress: under CONFIG_NET_CLS_ACT up to 6.5, CONFIG_NET_XGRESS since.
 */
static inline void vsw_compat_clear_tc_at_ingress(struct sk_buff *skb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#ifdef CONFIG_NET_XGRESS
	skb->tc_at_ingress = 0;
#endif
#elif defined(CONFIG_NET_CLS_ACT)
	skb->tc_at_ingress = 0;
#endif
}

#endif /* _VSW_COMPAT_H */
