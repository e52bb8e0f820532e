// SPDX-License-Identifier: GPL-2.0
/*
 * The firewall of a switch: stateful tracking (conntrack.c) and the
 * policy that decides each new connection.
 *
 * With the firewall on, every IPv4/IPv6 frame is tracked at ingress in
 * the switch's zone; an invalid one is dropped. A frame needs a decision
 * when its connection is new, or was allowed by an older policy
 * generation (stale). The decision is taken for each egress port, by the
 * attached BPF program (struct vswitch_policy_cb in skb->cb) or, with
 * none, by the switch's default verdict:
 *
 * - allow: the connection's ct mark takes the current generation, its
 *   labels its ports and the rule (struct vswitch_ct_labels), a new entry
 *   is confirmed. Its later packets, both ways, and the ICMP errors that
 *   quote it (RELATED) pass without a decision.
 * - drop: a new entry dies with the frame; a stale connection is deleted
 *   (cut).
 * - reject: as drop, and the sender gets an answer from the switch, out
 *   of the ingress port: a TCP reset, or an ICMP/ICMPv6 port unreachable
 *   (the kernel's nf_reject builds it, as nftables' reject does).
 *
 * Attaching a program, detaching it or changing the default verdict
 * starts a new generation: connections allowed before are decided again,
 * packet by packet, when their next packet comes, and stay or are cut.
 *
 * Counters: each decision counts a session, a packet and its bytes under
 * the rule id it came with (0: the default verdict), each later packet of
 * an allowed connection a packet under the rule in its labels (rules.c).
 * A program comes with a new table of counters.
 *
 * The flow log: each decision that starts a connection, each frame the
 * firewall drops and each cut goes as an event to the "flows" multicast
 * group, when someone listens, at most the switch's flow-log-rate a
 * second (a token bucket); events held back are counted.
 */
#include <linux/filter.h>
#include <linux/jiffies.h>
#include <linux/rtnetlink.h>
#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_labels.h>
#include <net/sch_generic.h>

#include "compat.h"
#include "conntrack.h"
#include "datapath.h"
#include "netlink.h"
#include "parse.h"
#include "policy.h"
#include "port.h"
#include "rules.h"
#include "switch.h"

/**
 * vsw_fw_prog_get() - the policy program a request hands over
 * @fd: its file descriptor in the caller's table, or -1 (detach)
 * @extack: for the error message
 *
 * Context: process, the requester's.
 * Return: a reference on the program, NULL for -1, or an ERR_PTR().
 */
struct bpf_prog *vsw_fw_prog_get(s32 fd, struct netlink_ext_ack *extack)
{
	struct bpf_prog *prog;

	if (fd < 0)
		return NULL;
	prog = bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_SCHED_CLS, false);
	if (IS_ERR(prog))
		NL_SET_ERR_MSG_MOD(extack,
				   "policy-fd is not a BPF program of type sched_cls (tc)");
	return prog;
}

/* The generation after the current one; 0 is the mark of an entry no
 * generation allowed.
 */
static u32 fw_next_gen(const struct vsw_switch *sw)
{
	return sw->fw.gen + 1 ?: 1;
}

/* Attach @prog (or none) with its counters @rules, for generation @gen. */
static void fw_attach(struct vsw_switch *sw, struct bpf_prog *prog,
		      struct vsw_rules *rules, u32 gen)
{
	struct vsw_rules *old_rules;
	struct bpf_prog *old;

	rules->gen = gen;
	rules->born = gen;
	old = rcu_replace_pointer(sw->fw.prog, prog, lockdep_rtnl_is_held());
	old_rules = rcu_replace_pointer(sw->fw.rules, rules,
					lockdep_rtnl_is_held());
	if (!old && !old_rules)
		return;
	/* no packet path runs the old program or counts in the old table */
	synchronize_net();
	if (old)
		bpf_prog_put(old);
	vsw_rules_free(old_rules);
}

static void flowlog_set_rate(struct vsw_flowlog *fl, u32 rate)
{
	spin_lock_bh(&fl->lock);
	fl->rate = rate;
	fl->tokens = rate;
	fl->stamp = jiffies;
	spin_unlock_bh(&fl->lock);
}

/*
 * One event may go: take a token (refilled at fl->rate a second, up to
 * one second's worth). *@lost: the events held back since the last one.
 */
static bool flowlog_take(struct vsw_flowlog *fl, u64 *lost)
{
	unsigned long now = jiffies;
	bool ok = false;
	u64 add;

	spin_lock(&fl->lock);
	if (!fl->rate)
		goto out;
	add = (u64)(now - fl->stamp) * fl->rate / HZ;
	if (add) {
		fl->tokens = min_t(u64, (u64)fl->tokens + add, fl->rate);
		fl->stamp = now;
	}
	if (fl->tokens) {
		fl->tokens--;
		*lost = fl->lost;
		fl->lost = 0;
		ok = true;
	} else {
		fl->lost++;
		fl->lost_total++;
	}
out:
	spin_unlock(&fl->lock);
	return ok;
}

/**
 * vsw_fw_log_stats() - the flow log's rate and events held back
 * @sw: the switch
 * @rate: events a second
 * @lost: every event held back so far
 */
void vsw_fw_log_stats(struct vsw_switch *sw, u32 *rate, u64 *lost)
{
	spin_lock_bh(&sw->fw.log.lock);
	*rate = sw->fw.log.rate;
	*lost = sw->fw.log.lost_total;
	spin_unlock_bh(&sw->fw.log.lock);
}

/* The connection's addresses and ports (original direction) into @f. */
static void flow_tuple(struct vsw_flow_info *f, const struct nf_conn *ct,
		       const struct vsw_key *key)
{
	const struct nf_conntrack_tuple *t;

	if (ct) {
		t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
		f->family = t->src.l3num;
		f->proto = t->dst.protonum;
		memcpy(&f->src, &t->src.u3, sizeof(f->src));
		memcpy(&f->dst, &t->dst.u3, sizeof(f->dst));
		f->sport = ntohs(t->src.u.all);
		f->dport = ntohs(t->dst.u.all);
	} else {
		f->proto = key->ip_proto;
		if (key->eth_type == htons(ETH_P_IP)) {
			f->family = AF_INET;
			memcpy(&f->src, &key->ipv4_src, sizeof(key->ipv4_src));
			memcpy(&f->dst, &key->ipv4_dst, sizeof(key->ipv4_dst));
		} else {
			f->family = AF_INET6;
			f->src = key->ipv6_src;
			f->dst = key->ipv6_dst;
		}
		f->sport = ntohs(key->sport);
		f->dport = ntohs(key->dport);
	}
	f->has_ports = f->proto == IPPROTO_TCP || f->proto == IPPROTO_UDP ||
		       f->proto == IPPROTO_SCTP || f->proto == IPPROTO_UDPLITE;
}

/*
 * A flow log event: @event at @in -> @out (NULL: before a port was
 * chosen), decided by @rule, dropped for @reason.
 */
static void fw_log(struct vsw_switch *sw, struct vsw_port *in,
		   struct vsw_port *out, struct sk_buff *skb,
		   const struct vsw_key *key, u8 event, u32 rule,
		   enum vswitch_drop reason)
{
	struct vsw_flow_info f = {
		.event = event,
		.in_port = in->id,
		.out_port = out ? out->id : 0,
		.rule = rule,
		.reason = reason,
		.reply = key->ct_state & VSWITCH_CT_REPLY,
	};
	enum ip_conntrack_info ctinfo;

	if (key->eth_type != htons(ETH_P_IP) &&
	    key->eth_type != htons(ETH_P_IPV6))
		return;
	if (!vsw_nl_flow_listeners(sw->net) ||
	    !flowlog_take(&sw->fw.log, &f.lost))
		return;
	f.gen = smp_load_acquire(&sw->fw.gen);
	flow_tuple(&f, out ? nf_ct_get(skb, &ctinfo) : NULL, key);
	vsw_nl_notify_flow(sw, &f);
}

/**
 * vsw_fw_set() - change a switch's firewall
 * @sw: the switch
 * @cfg: the changes; the program reference and its counter table, if
 *	 any, pass to the switch
 *
 * Turning the firewall off deletes the switch's connections; attaching
 * or detaching a program, or a new default verdict, starts a new policy
 * generation.
 *
 * Context: RTNL held; sleeps.
 */
void vsw_fw_set(struct vsw_switch *sw, const struct vsw_fw_cfg *cfg)
{
	u32 gen = fw_next_gen(sw);
	bool new_gen = false;

	ASSERT_RTNL();
	if (cfg->has_prog) {
		fw_attach(sw, cfg->prog, cfg->rules, gen);
		new_gen = true;
	}
	if (cfg->has_default && cfg->default_verdict != sw->fw.default_verdict) {
		WRITE_ONCE(sw->fw.default_verdict, cfg->default_verdict);
		new_gen = true;
	}
	if (new_gen) {
		/* the counters go on with the new generation's decisions */
		WRITE_ONCE(rtnl_dereference(sw->fw.rules)->gen, gen);
		/* pairs with the packet path's acquire: who sees the new
		 * generation sees its program and counters
		 */
		smp_store_release(&sw->fw.gen, gen);
	}
	if (cfg->has_log_rate)
		flowlog_set_rate(&sw->fw.log, cfg->log_rate);
	if (cfg->has_ct_limit)
		vsw_ct_set_limit(sw, cfg->ct_limit);
	if (cfg->timeout_mask)
		vsw_ct_set_timeouts(sw, cfg->timeout_secs, cfg->timeout_mask);
	if (cfg->has_on && cfg->on != sw->fw.on) {
		WRITE_ONCE(sw->fw.on, cfg->on);
		if (!cfg->on) {
			synchronize_net();	/* no packet is being tracked */
			vsw_ct_flush(sw);
		}
	}
}

/**
 * vsw_fw_init() - set up a new switch's firewall
 * @sw: the switch, not yet reachable
 * @zone: its conntrack zone
 * @cfg: initial options; the program reference and its counter table, if
 *	 any, pass to the switch on success
 * @extack: for the error message
 *
 * Context: RTNL held.
 * Return: 0, or an error with nothing to undo.
 */
int vsw_fw_init(struct vsw_switch *sw, u16 zone, const struct vsw_fw_cfg *cfg,
		struct netlink_ext_ack *extack)
{
	int ret;

	struct vsw_rules *rules = NULL;

	sw->fw.gen = 1;
	sw->fw.default_verdict = VSWITCH_VERDICT_DROP;
	spin_lock_init(&sw->fw.log.lock);
	flowlog_set_rate(&sw->fw.log, VSW_FLOW_LOG_RATE_DEFAULT);
	/* with a program, its table replaces this one */
	if (!cfg->has_prog) {
		rules = vsw_rules_alloc(sw->fw.gen);
		if (!rules) {
			NL_SET_ERR_MSG_MOD(extack, "no memory for the rule counters");
			return -ENOMEM;
		}
	}
	ret = vsw_ct_init(sw, zone);
	if (ret) {
		vsw_rules_free(rules);
		NL_SET_ERR_MSG_MOD(extack, "no memory for the conntrack template");
		return ret;
	}
	RCU_INIT_POINTER(sw->fw.rules, rules);
	vsw_fw_set(sw, cfg);
	return 0;
}

/**
 * vsw_fw_destroy() - release a switch's program and connections
 * @sw: the switch, unreachable from the packet path for a grace period
 *
 * Context: RTNL held; sleeps.
 */
void vsw_fw_destroy(struct vsw_switch *sw)
{
	struct bpf_prog *prog;

	prog = rcu_replace_pointer(sw->fw.prog, NULL, lockdep_rtnl_is_held());
	if (prog)
		bpf_prog_put(prog);
	vsw_rules_free(rcu_replace_pointer(sw->fw.rules, NULL,
					   lockdep_rtnl_is_held()));
	vsw_ct_destroy(sw);
}

/**
 * vsw_fw_rules_uncounted() - packets the rule counters could not count
 * @sw: the switch
 *
 * Context: RTNL held.
 * Return: their number, since the policy was attached.
 */
u64 vsw_fw_rules_uncounted(struct vsw_switch *sw)
{
	struct vsw_rules *t = rtnl_dereference(sw->fw.rules);

	return t ? atomic64_read(&t->uncounted) : 0;
}

/* Count a packet under @rule, if the counters are generation @gen's. */
static void fw_count(struct vsw_switch *sw, u32 gen, u32 rule,
		     const struct sk_buff *skb, const struct vsw_key *key,
		     bool session)
{
	struct vsw_rules *t = rcu_dereference(sw->fw.rules);

	/* L3 bytes, as conntrack and nftables count them */
	if (t && READ_ONCE(t->gen) == gen)
		vsw_rules_count(t, rule, skb->len - ETH_HLEN - key->vlan_hlen,
				session);
}

/* Count a packet of a connection allowed in generation @gen. */
static void fw_count_ct(struct vsw_switch *sw, u32 gen, const struct nf_conn *ct,
			const struct sk_buff *skb, const struct vsw_key *key)
{
	struct nf_conn_labels *labels = nf_ct_labels_find(ct);
	u32 rule;

	if (!labels)	/* confirmed before the switch turned labels on */
		return;
	memcpy(&rule, (const u8 *)labels->bits +
	       offsetof(struct vswitch_ct_labels, rule), sizeof(rule));
	fw_count(sw, gen, rule, skb, key, false);
}

/**
 * vsw_fw_prog_id() - the attached program's id, for replies
 * @sw: the switch
 *
 * Context: RTNL held.
 * Return: the id, or 0 with no program.
 */
u32 vsw_fw_prog_id(struct vsw_switch *sw)
{
	struct bpf_prog *prog = rtnl_dereference(sw->fw.prog);

	return prog ? prog->aux->id : 0;
}

static u8 fw_ct_state(enum ip_conntrack_info ctinfo)
{
	u8 state = CTINFO2DIR(ctinfo) == IP_CT_DIR_REPLY ? VSWITCH_CT_REPLY : 0;

	switch (ctinfo) {
	case IP_CT_NEW:
		return state | VSWITCH_CT_NEW;
	case IP_CT_RELATED:
	case IP_CT_RELATED_REPLY:
		return state | VSWITCH_CT_RELATED;
	default:
		return state | VSWITCH_CT_ESTABLISHED;
	}
}

/**
 * vsw_policy_ingress() - track a frame; decide whether it needs a verdict
 * @in: ingress port
 * @skb: the frame, data at the Ethernet header
 * @key: its key (may be parsed again); ct_state and ct_eval are set
 * @stolen: set when @skb is gone (see vsw_ct_input()); false on entry
 *
 * Return: VSWITCH_DROP_NONE, or why the frame is dropped.
 */
enum vswitch_drop vsw_policy_ingress(struct vsw_port *in, struct sk_buff *skb,
				     struct vsw_key *key, bool *stolen)
{
	struct vsw_switch *sw = in->sw;
	enum ip_conntrack_info ctinfo;
	enum vswitch_drop reason;
	struct nf_conn *ct;
	u32 gen;

	if (!READ_ONCE(sw->fw.on))
		return VSWITCH_DROP_NONE;
	reason = vsw_ct_input(sw, skb, key, stolen);
	if (reason && !*stolen)
		fw_log(sw, in, NULL, skb, key, VSWITCH_FLOW_DROP, 0, reason);
	if (reason || *stolen)
		return reason;
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return VSWITCH_DROP_NONE;	/* not tracked: passes */
	key->ct_state = fw_ct_state(ctinfo);
	if (nf_ct_is_confirmed(ct)) {
		/* pairs with vsw_fw_set()'s release */
		gen = smp_load_acquire(&sw->fw.gen);
		if (READ_ONCE(ct->mark) == gen) {
			fw_count_ct(sw, gen, ct, skb, key);
			return VSWITCH_DROP_NONE;
		}
		key->ct_state |= VSWITCH_CT_STALE;
	}
	key->ct_eval = true;
	return VSWITCH_DROP_NONE;
}

/*
 * The transport header for the program: its offset (4-byte units, 0 past
 * what 6 bits hold) and protocol, the ones conntrack tracks the packet by
 * (after IPv6 extension headers).
 */
static u32 fw_l4_flags(const struct vsw_key *key)
{
	u32 off = key->l4 && key->l4_off <= 63 * 4 ? key->l4_off / 4 : 0;

	return off << 2 | (u32)key->ip_proto << 8;
}

static u32 fw_run(const struct bpf_prog *prog, struct vsw_port *in,
		  struct vsw_port *out, struct sk_buff *skb,
		  const struct vsw_key *key, u32 *rule)
{
	struct vswitch_policy_cb *pcb;
	u32 ret;

	BUILD_BUG_ON(sizeof(*pcb) > sizeof_field(struct qdisc_skb_cb, data));
	memset(skb->cb, 0, sizeof(struct qdisc_skb_cb));
	pcb = (struct vswitch_policy_cb *)qdisc_skb_cb(skb)->data;
	pcb->ct_state = key->ct_state;
	pcb->in_port = in->id;
	pcb->out_port = out->id;
	pcb->flags = (u32)in->sw->fw.zone << 16 | fw_l4_flags(key);
	if (READ_ONCE(in->flags) & VSW_PORT_F_UPLINK)
		pcb->flags |= VSWITCH_PCB_IN_UPLINK;
	if (READ_ONCE(out->flags) & VSW_PORT_F_UPLINK)
		pcb->flags |= VSWITCH_PCB_OUT_UPLINK;
	/* the context tc gives a program at egress: data at the MAC header */
	vsw_compat_clear_tc_at_ingress(skb);
	ret = bpf_prog_run_data_pointers(prog, skb);
	*rule = READ_ONCE(pcb->rule);
	return ret;
}

/* Labels of a connection allowed at @in -> @out (or the reverse). */
static void fw_label(struct nf_conn *ct, struct vsw_port *in,
		     struct vsw_port *out, u8 state, u32 rule)
{
	bool reply = state & VSWITCH_CT_REPLY;
	struct vswitch_ct_labels l = {
		.in_port = reply ? out->id : in->id,
		.out_port = reply ? in->id : out->id,
		.rule = rule,
		.version = VSWITCH_CT_LABELS_VERSION,
	};

	vsw_ct_label(ct, &l);
}

/*
 * Answer a rejected frame's sender: a TCP reset, or a port unreachable,
 * out of the ingress port. Nothing for a tagged frame, or for what the
 * kernel's reject helpers refuse to answer (an ICMP error, a reset, a
 * later fragment, a bad checksum).
 */
static void fw_reject(struct vsw_port *in, struct sk_buff *skb,
		      const struct vsw_key *key)
{
	struct net *net = in->sw->net;
	struct sk_buff *nskb = NULL;
	struct ethhdr *eth;

	if (key->vlan || !pskb_may_pull(skb, ETH_HLEN))
		return;
	/* the helpers read the frame from its network header */
	__skb_pull(skb, ETH_HLEN);
	skb_reset_network_header(skb);
	if (key->eth_type == htons(ETH_P_IP)) {
		if (key->ip_proto == IPPROTO_TCP)
			nskb = nf_reject_skb_v4_tcp_reset(net, skb, in->dev,
							  NF_INET_PRE_ROUTING);
		else
			nskb = nf_reject_skb_v4_unreach(net, skb, in->dev,
							NF_INET_PRE_ROUTING,
							ICMP_PORT_UNREACH);
	} else if (key->eth_type == htons(ETH_P_IPV6)) {
		if (key->ip_proto == IPPROTO_TCP)
			nskb = nf_reject_skb_v6_tcp_reset(net, skb, in->dev,
							  NF_INET_PRE_ROUTING);
		else
			nskb = nf_reject_skb_v6_unreach(net, skb, in->dev,
							NF_INET_PRE_ROUTING,
							ICMPV6_PORT_UNREACH);
	}
	__skb_push(skb, ETH_HLEN);
	if (!nskb)
		return;
	eth = skb_push(nskb, ETH_HLEN);
	skb_reset_mac_header(nskb);
	ether_addr_copy(eth->h_dest, key->eth_src);
	ether_addr_copy(eth->h_source, key->eth_dst);
	eth->h_proto = key->eth_type;
	nskb->protocol = key->eth_type;
	vsw_dp_xmit(in, nskb);
}

/**
 * vsw_policy_egress() - the policy's verdict on a frame for one port
 * @in: ingress port
 * @out: egress port
 * @skb: the frame (or a flooded copy), data at the Ethernet header
 * @key: its key
 *
 * Return: VSWITCH_DROP_NONE to forward, or why the frame is dropped.
 */
enum vswitch_drop vsw_policy_egress(struct vsw_port *in, struct vsw_port *out,
				    struct sk_buff *skb, struct vsw_key *key)
{
	struct vsw_switch *sw = in->sw;
	enum ip_conntrack_info ctinfo;
	const struct bpf_prog *prog;
	struct nf_conn *ct;
	u32 gen, verdict, rule = 0;

	if (!key->ct_eval)
		return VSWITCH_DROP_NONE;
	ct = nf_ct_get(skb, &ctinfo);
	if (unlikely(!ct))	/* copies share the frame's entry */
		return VSWITCH_DROP_CT_INVALID;
	/* the program of this generation, or a newer one */
	gen = smp_load_acquire(&sw->fw.gen);
	prog = rcu_dereference(sw->fw.prog);
	if (prog)
		verdict = fw_run(prog, in, out, skb, key, &rule);
	else
		verdict = READ_ONCE(sw->fw.default_verdict);

	/* a decision counts under its rule; a policy error under none */
	if (verdict == VSWITCH_VERDICT_ALLOW || verdict == VSWITCH_VERDICT_DROP ||
	    verdict == VSWITCH_VERDICT_REJECT)
		fw_count(sw, gen, rule, skb, key, true);
	switch (verdict) {
	case VSWITCH_VERDICT_ALLOW:
		/* an ICMP error passes; its connection is decided by its own */
		if (key->ct_state & VSWITCH_CT_RELATED)
			return VSWITCH_DROP_NONE;
		WRITE_ONCE(ct->mark, gen);
		fw_label(ct, in, out, key->ct_state, rule);
		if (!nf_ct_is_confirmed(ct)) {
			if (!vsw_ct_admit(sw)) {
				fw_log(sw, in, out, skb, key, VSWITCH_FLOW_DROP,
				       rule, VSWITCH_DROP_CT_LIMIT);
				return VSWITCH_DROP_CT_LIMIT;
			}
			if (nf_conntrack_confirm(skb) != NF_ACCEPT) {
				fw_log(sw, in, out, skb, key, VSWITCH_FLOW_DROP,
				       rule, VSWITCH_DROP_CT_COMMIT);
				return VSWITCH_DROP_CT_COMMIT;
			}
			fw_log(sw, in, out, skb, key, VSWITCH_FLOW_ALLOW, rule,
			       VSWITCH_DROP_NONE);
		}
		return VSWITCH_DROP_NONE;
	case VSWITCH_VERDICT_REJECT:
		/* a stale connection is cut as a drop cuts it */
		if (!(key->ct_state & VSWITCH_CT_STALE) ||
		    (key->ct_state & VSWITCH_CT_RELATED)) {
			/* one answer a frame, not one a flooded copy */
			if (!key->ct_answered) {
				key->ct_answered = true;
				fw_reject(in, skb, key);
			}
			fw_log(sw, in, out, skb, key, VSWITCH_FLOW_DROP, rule,
			       VSWITCH_DROP_POLICY_REJECT);
			return VSWITCH_DROP_POLICY_REJECT;
		}
		fallthrough;
	case VSWITCH_VERDICT_DROP:
		if (!(key->ct_state & VSWITCH_CT_STALE) ||
		    (key->ct_state & VSWITCH_CT_RELATED)) {
			fw_log(sw, in, out, skb, key, VSWITCH_FLOW_DROP, rule,
			       VSWITCH_DROP_POLICY);
			return VSWITCH_DROP_POLICY;
		}
		/* unless another port's copy allowed it again */
		if (READ_ONCE(ct->mark) != gen)
			nf_ct_kill(ct);
		fw_log(sw, in, out, skb, key, VSWITCH_FLOW_CUT, rule,
		       VSWITCH_DROP_POLICY_CUT);
		return VSWITCH_DROP_POLICY_CUT;
	default:
		fw_log(sw, in, out, skb, key, VSWITCH_FLOW_DROP, rule,
		       VSWITCH_DROP_POLICY_ERROR);
		return VSWITCH_DROP_POLICY_ERROR;
	}
}
