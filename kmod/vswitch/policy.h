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
#include <linux/workqueue.h>
#include <uapi/linux/vswitch.h>

struct netlink_ext_ack;
struct nf_conn;
struct nf_ct_timeout;
struct vsw_key;
struct vsw_port;
struct vsw_rules;
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
 * @tmpl: conntrack templates that carry @zone, by the protocol whose
 *	  timeouts they carry (enum vsw_ct_tmpl)
 * @timeout: the switch's own timeouts of TCP, UDP and ICMP: attached to
 *	     their template while one of their values is set (@tmpl's
 *	     extension borrows the switch's reference; each connection
 *	     holds its own)
 * @timeout_secs: the values set, by VSWITCH_CT_TIMEOUT_A_* (0: the
 *		  namespace's)
 * @log: the flow log's rate limit
 * @rules: the policy's per-rule counters (RCU; replaced under RTNL with
 *	   each program)
 * @ct_limit: most connections in the zone, 0: no limit (READ_ONCE;
 *	      written under RTNL)
 * @ct_count: connections in the zone as the switch counts them: each it
 *	      confirms adds one; a walk of the table (@ct_recount) sets it
 * @ct_recount_at: jiffies before which no walk is started again
 * @ct_recount: the walk, started when @ct_count reaches @ct_limit
 */
/**
 * struct vsw_flowlog - the rate limit of a switch's flow log
 * @lock: protects the fields below (packet path and RTNL, BH off)
 * @rate: events a second, 0: none
 * @tokens: events that may go now (a token bucket of @rate)
 * @stamp: jiffies of the last refill
 * @lost: events held back since the last one that went
 * @lost_total: every event held back (switch replies)
 */
struct vsw_flowlog {
	spinlock_t lock;
	u32 rate;
	u32 tokens;
	unsigned long stamp;
	u64 lost;
	u64 lost_total;
};

/* the conntrack templates of a switch: one per protocol with timeouts */
enum vsw_ct_tmpl {
	VSW_CT_OTHER,
	VSW_CT_TCP,
	VSW_CT_UDP,
	VSW_CT_ICMP,	/* and ICMPv6 */
	VSW_CT_TMPLS
};

#define VSW_FLOW_LOG_RATE_DEFAULT	1000
#define VSW_FLOW_LOG_RATE_MAX		1000000

struct vsw_fw {
	bool on;
	u8 default_verdict;
	u16 zone;
	u32 gen;
	struct bpf_prog __rcu *prog;
	struct nf_conn *tmpl[VSW_CT_TMPLS];
	struct nf_ct_timeout *timeout[VSW_CT_TMPLS];
	u32 timeout_secs[VSWITCH_CT_TIMEOUT_A_MAX + 1];
	struct vsw_flowlog log;
	struct vsw_rules __rcu *rules;
	u32 ct_limit;
	atomic_t ct_count;
	unsigned long ct_recount_at;
	struct work_struct ct_recount;
};

/**
 * struct vsw_fw_cfg - firewall options, as parsed from netlink
 * @on: new @on value, if @has_on
 * @default_verdict: new default verdict, if @has_default
 * @prog: program to attach (a reference; NULL: detach), if @has_prog
 * @has_on: @on given
 * @has_default: @default_verdict given
 * @has_prog: @prog given
 * @log_rate: new flow log rate, if @has_log_rate
 * @has_log_rate: @log_rate given
 * @rules: an empty counter table for @prog, if @has_prog (the switch
 *	   takes it)
 * @ct_limit: new connection limit, if @has_ct_limit
 * @has_ct_limit: @ct_limit given
 * @timeout_secs: new timeouts, by VSWITCH_CT_TIMEOUT_A_*
 * @timeout_mask: bit N: @timeout_secs[N] given
 */
struct vsw_fw_cfg {
	bool on;
	u8 default_verdict;
	struct bpf_prog *prog;
	bool has_on;
	bool has_default;
	bool has_prog;
	u32 log_rate;
	bool has_log_rate;
	struct vsw_rules *rules;
	u32 ct_limit;
	bool has_ct_limit;
	u32 timeout_secs[VSWITCH_CT_TIMEOUT_A_MAX + 1];
	u32 timeout_mask;
};

int vsw_fw_init(struct vsw_switch *sw, u16 zone, const struct vsw_fw_cfg *cfg,
		struct netlink_ext_ack *extack);
struct bpf_prog *vsw_fw_prog_get(s32 fd, struct netlink_ext_ack *extack);
void vsw_fw_set(struct vsw_switch *sw, const struct vsw_fw_cfg *cfg);
void vsw_fw_destroy(struct vsw_switch *sw);
u32 vsw_fw_prog_id(struct vsw_switch *sw);
void vsw_fw_log_stats(struct vsw_switch *sw, u32 *rate, u64 *lost);
u64 vsw_fw_rules_uncounted(struct vsw_switch *sw);

enum vswitch_drop vsw_policy_ingress(struct vsw_port *in, struct sk_buff *skb,
				     struct vsw_key *key, bool *stolen);
enum vswitch_drop vsw_policy_egress(struct vsw_port *in, struct vsw_port *out,
				    struct sk_buff *skb, struct vsw_key *key);

#endif /* _VSW_POLICY_H */
