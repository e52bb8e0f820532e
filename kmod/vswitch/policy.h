/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy hook points of the pipeline (datapath.c):
 *
 *   rx -> parse -> port security -> vsw_policy_ingress() -> fdb learn and
 *   lookup -> for each egress port: vsw_policy_egress() -> MTU -> transmit
 *
 * Conntrack belongs in vsw_policy_ingress() (once per frame, with the
 * parsed key); per-destination rules (both port ids, both ports' segment
 * and security-group tags) in vsw_policy_egress(), which runs once per
 * copy when a frame floods. A verdict other than VSWITCH_DROP_NONE drops
 * the frame (or the copy) and is counted under that reason; the policy
 * issue is expected to return VSWITCH_DROP_POLICY.
 *
 * Both run on the packet path: RCU read side, BH off, no sleeping.
 */
#ifndef _VSW_POLICY_H
#define _VSW_POLICY_H

#include <linux/skbuff.h>
#include <uapi/linux/vswitch.h>

struct vsw_key;
struct vsw_port;

static inline enum vswitch_drop vsw_policy_ingress(struct vsw_port *in,
						   struct sk_buff *skb,
						   const struct vsw_key *key)
{
	return VSWITCH_DROP_NONE;
}

static inline enum vswitch_drop vsw_policy_egress(struct vsw_port *in,
						  struct vsw_port *out,
						  struct sk_buff *skb,
						  const struct vsw_key *key)
{
	return VSWITCH_DROP_NONE;
}

#endif /* _VSW_POLICY_H */
