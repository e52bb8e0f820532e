/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame parsing into a small key. parse.c builds both in the module and,
 * for the host unit test (tools/testing/unit/vswitch/), in userspace: there
 * parse_host.h supplies the types and a buffer-backed struct vsw_frame.
 */
#ifndef _VSW_PARSE_H
#define _VSW_PARSE_H

#ifdef __KERNEL__
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/skbuff.h>
#include <uapi/linux/vswitch.h>

/**
 * struct vsw_frame - the frame being parsed
 * @skb: socket buffer, data at the Ethernet header
 */
struct vsw_frame {
	struct sk_buff *skb;
};

/**
 * vsw_frame_pull() - make @len bytes at offset @off readable
 * @f: the frame
 * @off: offset from the Ethernet header
 * @len: bytes wanted
 *
 * May reallocate the head: a pointer returned earlier is stale afterwards,
 * so callers copy what they need before the next pull.
 *
 * Return: a pointer to the bytes, or NULL when the frame is shorter.
 */
static inline const void *vsw_frame_pull(struct vsw_frame *f, unsigned int off,
					 unsigned int len)
{
	if (!pskb_may_pull(f->skb, off + len))
		return NULL;
	return f->skb->data + off;
}

static inline unsigned int vsw_frame_len(const struct vsw_frame *f)
{
	return f->skb->len;
}
#else
#include "parse_host.h"
#endif

enum vsw_l3 {
	VSW_L3_OTHER,
	VSW_L3_IPV4,
	VSW_L3_ARP,
	VSW_L3_IPV6,
};

/**
 * struct vsw_key - what the pipeline needs to know about a frame
 * @eth_dst: destination MAC
 * @eth_src: source MAC
 * @eth_type: EtherType after any VLAN tags, network order
 * @vlan: tagged (in the frame or in skb->vlan_tci)
 * @vlan_hlen: bytes of VLAN tags inside the frame data
 * @l3: network protocol recognised, enum vsw_l3
 * @ip_proto: transport protocol (IPv4/IPv6, after extension headers)
 * @l4: @sport, @dport (or @icmp6_type) are valid: no later fragment
 * @l4_off: with @l4, where the transport header starts, in bytes from the
 *	    network header (after IPv4 options, IPv6 extension headers)
 * @frag: IPv4/IPv6 fragment (first or later)
 * @ipv4_src: IPv4 source, or ARP sender protocol address
 * @ipv4_dst: IPv4 destination, or ARP target protocol address
 * @ipv6_src: IPv6 source
 * @ipv6_dst: IPv6 destination
 * @arp_sha: ARP sender hardware address (Ethernet/IPv4 ARP only)
 * @arp_ok: the ARP packet is Ethernet/IPv4, @arp_sha and addresses valid
 * @sport: TCP/UDP source port, network order
 * @dport: TCP/UDP destination port, network order
 * @icmp6_type: ICMPv6 type
 * @nd_target: NS/NA target address
 * @nd_lladdr: NS source / NA target link-layer address option
 * @nd_has_lladdr: @nd_lladdr present
 * @ct_state: VSWITCH_CT_* of the frame's connection (firewall on)
 * @ct_eval: the frame needs the policy's decision, at each egress port
 * @frag_mru: the firewall reassembled the frame from fragments: the L3
 *	      length of the longest, 0 otherwise
 *
 * Filled by vsw_parse(); the firewall's ingress stage (policy.c,
 * conntrack.c) adds @ct_state, @ct_eval and @frag_mru, which its egress
 * stage and the output read.
 */
struct vsw_key {
	u8 eth_dst[ETH_ALEN];
	u8 eth_src[ETH_ALEN];
	__be16 eth_type;
	bool vlan;
	u8 vlan_hlen;
	u8 l3;
	u8 ip_proto;
	bool l4;
	u16 l4_off;
	bool frag;
	bool arp_ok;
	__be32 ipv4_src;
	__be32 ipv4_dst;
	struct in6_addr ipv6_src;
	struct in6_addr ipv6_dst;
	u8 arp_sha[ETH_ALEN];
	__be16 sport;
	__be16 dport;
	u8 icmp6_type;
	bool nd_has_lladdr;
	struct in6_addr nd_target;
	u8 nd_lladdr[ETH_ALEN];
	u8 ct_state;
	bool ct_eval;
	u16 frag_mru;
	bool ct_answered;	/* a reject was answered (flooded copies) */
};

enum vswitch_drop vsw_parse(struct vsw_frame *f, bool vlan_accel,
			    struct vsw_key *key);

#endif /* _VSW_PARSE_H */
