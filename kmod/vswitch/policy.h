/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The firewall of a switch (policy.c) and its hook points in the
 * pipeline (datapath.c):
 *
 *   rx -> parse -> port security -> vsw_policy_ingress() -> fdb learn and
 *   lookup -> for each egress port: vsw_policy_egress() -> MTU -> transmit
 *
 * vsw_policy_ingress() tracks the frame (once per frame: conntrack.c);
 * vsw_policy_egress() decides for each destination (once per copy when a
 * frame floods), by the policy program or the default verdict. A verdict
 * other than VSWITCH_DROP_NONE drops the frame (or the copy) and is
 * counted under that reason.
 *
 * Both run on the packet path: RCU read side, BH off, no sleeping.
 */
#ifndef _VSW_POLICY_H
#define _VSW_POLICY_H

#include <linux/bpf.h>
#include <linux/skbuff.h>
#include <uapi/linux/vswitch.h>

struct netlink_ext_ack;
struct nf_conn;
struct vsw_key;
struct vsw_port;
struct vsw_switch;

/**
 * struct vsw_fw - a switch's firewall
 * @on: tracking and enforcement on (READ_ONCE; written under RTNL)
 * @default_verdict: enum vswitch_verdict for new connections when no
 *	program is attached (READ_ONCE)
 * @zone: conntrack zone of the switch's connections (fixed)
 * @gen: policy generation, from 1; stored in the ct mark of the
 *	connections it allowed (written under RTNL with release order)
 * @prog: policy program, or NULL (RCU; replaced under RTNL)
 * @tmpl: conntrack template that carries @zone
 */
struct vsw_fw {
	bool on;
	u8 default_verdict;
	u16 zone;
	u32 gen;
	struct bpf_prog __rcu *prog;
	struct nf_conn *tmpl;
};

/**
 * struct vsw_fw_cfg - firewall options, as parsed from netlink
 * @on: new @on value, if @has_on
 * @default_verdict: new default verdict, if @has_default
 * @prog: program to attach (a reference; NULL: detach), if @has_prog
 * @has_on: @on given
 * @has_default: @default_verdict given
 * @has_prog: @prog given
 */
struct vsw_fw_cfg {
	bool on;
	u8 default_verdict;
	struct bpf_prog *prog;
	bool has_on;
	bool has_default;
	bool has_prog;
};

int vsw_fw_init(struct vsw_switch *sw, u16 zone, const struct vsw_fw_cfg *cfg,
		struct netlink_ext_ack *extack);
struct bpf_prog *vsw_fw_prog_get(s32 fd, struct netlink_ext_ack *extack);
void vsw_fw_set(struct vsw_switch *sw, const struct vsw_fw_cfg *cfg);
void vsw_fw_destroy(struct vsw_switch *sw);
u32 vsw_fw_prog_id(struct vsw_switch *sw);

enum vswitch_drop vsw_policy_ingress(struct vsw_port *in, struct sk_buff *skb,
				     struct vsw_key *key, bool *stolen);
enum vswitch_drop vsw_policy_egress(struct vsw_port *in, struct vsw_port *out,
				    struct sk_buff *skb,
				    const struct vsw_key *key);

#endif /* _VSW_POLICY_H */
