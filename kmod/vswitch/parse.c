// SPDX-License-Identifier: GPL-2.0
/*
 * Frame parsing: Ethernet, VLAN, IPv4, ARP, IPv6 (extension headers),
 * UDP/TCP ports, ICMPv6 neighbour discovery. Every read goes through
 * vsw_frame_pull() first, and only the bytes it granted are read; each
 * step copies what it needs, since a later pull may move the data. A
 * header that does not fit, or whose length fields claim more than the
 * frame holds, makes the frame VSWITCH_DROP_MALFORMED.
 */
#ifdef __KERNEL__
#include <linux/if_arp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/string.h>
#endif
#include "parse.h"

#define VLAN_TAG_LEN		4
#define MAX_VLAN_TAGS		2	/* 802.1ad outer + 802.1Q inner */
#define MAX_IPV6_EXTHDRS	8
#define ICMPV6_HDR_LEN		4	/* type, code, checksum */
#define ND_NS			135
#define ND_NA			136
#define ND_OPT_SRC_LLADDR	1
#define ND_OPT_TGT_LLADDR	2
#define ND_MSG_LEN		24	/* ICMPv6 header, reserved, target */
#define MAX_ND_OPTS		16

/* Ethernet/IPv4 ARP body after struct arphdr. */
struct arp_eth_ipv4 {
	u8 sha[ETH_ALEN];
	__be32 spa;
	u8 tha[ETH_ALEN];
	__be32 tpa;
} __attribute__((packed));

static bool is_vlan_type(__be16 type)
{
	return type == htons(ETH_P_8021Q) || type == htons(ETH_P_8021AD);
}

/* Ethernet header and in-frame VLAN tags; returns the L3 offset or 0. */
static unsigned int parse_eth(struct vsw_frame *f, struct vsw_key *key)
{
	const struct ethhdr *eth;
	const __be16 *inner;
	unsigned int off = ETH_HLEN;
	int tags;

	eth = vsw_frame_pull(f, 0, ETH_HLEN);
	if (!eth)
		return 0;
	memcpy(key->eth_dst, eth->h_dest, ETH_ALEN);
	memcpy(key->eth_src, eth->h_source, ETH_ALEN);
	key->eth_type = eth->h_proto;

	for (tags = 0; is_vlan_type(key->eth_type); tags++) {
		if (tags == MAX_VLAN_TAGS)
			return 0;
		/* TCI then the encapsulated EtherType */
		inner = vsw_frame_pull(f, off, VLAN_TAG_LEN);
		if (!inner)
			return 0;
		key->eth_type = inner[1];
		key->vlan = true;
		off += VLAN_TAG_LEN;
	}
	key->vlan_hlen = off - ETH_HLEN;
	return off;
}

/* TCP/UDP ports at @off, when the protocol has them; @end: the L3 end. */
static enum vswitch_drop parse_ports(struct vsw_frame *f, unsigned int off,
				     unsigned int end, struct vsw_key *key)
{
	const __be16 *ports;

	if (key->ip_proto != IPPROTO_UDP && key->ip_proto != IPPROTO_TCP)
		return VSWITCH_DROP_NONE;
	/* not from the Ethernet padding after the datagram */
	if (end - off < 4)
		return VSWITCH_DROP_MALFORMED;
	ports = vsw_frame_pull(f, off, 4);
	if (!ports)
		return VSWITCH_DROP_MALFORMED;
	key->sport = ports[0];
	key->dport = ports[1];
	return VSWITCH_DROP_NONE;
}

static enum vswitch_drop parse_ipv4(struct vsw_frame *f, unsigned int off,
				    struct vsw_key *key)
{
	const struct iphdr *iph;
	unsigned int ihl, tot_len;
	bool later_frag;

	iph = vsw_frame_pull(f, off, sizeof(*iph));
	if (!iph)
		return VSWITCH_DROP_MALFORMED;
	ihl = (((const u8 *)iph)[0] & 0x0f) * 4;
	if ((((const u8 *)iph)[0] >> 4) != 4 || ihl < sizeof(*iph))
		return VSWITCH_DROP_MALFORMED;
	tot_len = ntohs(iph->tot_len);
	if (tot_len < ihl || tot_len > vsw_frame_len(f) - off)
		return VSWITCH_DROP_MALFORMED;
	key->l3 = VSW_L3_IPV4;
	key->ip_proto = iph->protocol;
	key->ipv4_src = iph->saddr;
	key->ipv4_dst = iph->daddr;
	later_frag = ntohs(iph->frag_off) & 0x1fff;	/* offset */
	key->frag = ntohs(iph->frag_off) & 0x3fff;	/* MF or offset */
	if (!vsw_frame_pull(f, off, ihl))
		return VSWITCH_DROP_MALFORMED;
	if (later_frag)
		return VSWITCH_DROP_NONE;
	key->l4 = true;
	key->l4_off = ihl;
	return parse_ports(f, off + ihl, off + tot_len, key);
}

static enum vswitch_drop parse_arp(struct vsw_frame *f, unsigned int off,
				   struct vsw_key *key)
{
	const struct arphdr *arp;
	const struct arp_eth_ipv4 *body;

	arp = vsw_frame_pull(f, off, sizeof(*arp));
	if (!arp)
		return VSWITCH_DROP_MALFORMED;
	key->l3 = VSW_L3_ARP;
	if (arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) ||
	    arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		return VSWITCH_DROP_NONE;	/* not Ethernet/IPv4: arp_ok off */
	body = vsw_frame_pull(f, off + sizeof(*arp), sizeof(*body));
	if (!body)
		return VSWITCH_DROP_MALFORMED;
	memcpy(key->arp_sha, body->sha, ETH_ALEN);
	memcpy(&key->ipv4_src, &body->spa, 4);
	memcpy(&key->ipv4_dst, &body->tpa, 4);
	key->arp_ok = true;
	return VSWITCH_DROP_NONE;
}

/* Neighbour solicitation/advertisement at @off: target and lladdr option. */
static enum vswitch_drop parse_nd(struct vsw_frame *f, unsigned int off,
				  unsigned int end, struct vsw_key *key)
{
	const u8 *p;
	u8 want, type, units;
	int n;

	if (end - off < ND_MSG_LEN)
		return VSWITCH_DROP_MALFORMED;
	p = vsw_frame_pull(f, off, ND_MSG_LEN);
	if (!p)
		return VSWITCH_DROP_MALFORMED;
	memcpy(&key->nd_target, p + 8, sizeof(key->nd_target));
	want = key->icmp6_type == ND_NS ? ND_OPT_SRC_LLADDR : ND_OPT_TGT_LLADDR;

	for (off += ND_MSG_LEN, n = 0; off < end; off += units * 8, n++) {
		if (n == MAX_ND_OPTS || end - off < 8)
			return VSWITCH_DROP_MALFORMED;
		p = vsw_frame_pull(f, off, 8);
		if (!p)
			return VSWITCH_DROP_MALFORMED;
		type = p[0];
		units = p[1];
		if (!units || units * 8 > end - off)
			return VSWITCH_DROP_MALFORMED;
		if (type == want && units == 1) {
			/* a second one would let a spoofer hide behind the first */
			if (key->nd_has_lladdr)
				return VSWITCH_DROP_MALFORMED;
			memcpy(key->nd_lladdr, p + 2, ETH_ALEN);
			key->nd_has_lladdr = true;
		}
	}
	return VSWITCH_DROP_NONE;
}

static enum vswitch_drop parse_icmp6(struct vsw_frame *f, unsigned int off,
				     unsigned int end, struct vsw_key *key)
{
	const u8 *p;

	if (end - off < ICMPV6_HDR_LEN)
		return VSWITCH_DROP_MALFORMED;
	p = vsw_frame_pull(f, off, ICMPV6_HDR_LEN);
	if (!p)
		return VSWITCH_DROP_MALFORMED;
	key->icmp6_type = p[0];
	if (key->icmp6_type == ND_NS || key->icmp6_type == ND_NA)
		return parse_nd(f, off, end, key);
	return VSWITCH_DROP_NONE;
}

/*
 * Walk IPv6 extension headers from @*off (next header @*nexthdr).
 * Returns false on a malformed chain; *frag is true for a fragment, *l4
 * false for a later one.
 */
static bool skip_ipv6_ext(struct vsw_frame *f, unsigned int *off,
			  unsigned int end, u8 *nexthdr, bool *frag, bool *l4)
{
	const u8 *p;
	unsigned int len;
	int n;

	for (n = 0; n <= MAX_IPV6_EXTHDRS; n++) {
		switch (*nexthdr) {
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
		case IPPROTO_FRAGMENT:
		case IPPROTO_AH:
			break;
		default:
			return true;
		}
		if (n == MAX_IPV6_EXTHDRS)	/* one more than allowed */
			return false;
		if (end - *off < 8)
			return false;
		p = vsw_frame_pull(f, *off, 8);
		if (!p)
			return false;
		if (*nexthdr == IPPROTO_FRAGMENT) {
			len = 8;
			*frag = true;
			if (((p[2] << 8) | p[3]) & 0xfff8)
				*l4 = false;
		} else if (*nexthdr == IPPROTO_AH) {
			len = (p[1] + 2) * 4;
		} else {
			len = (p[1] + 1) * 8;
		}
		if (len > end - *off)
			return false;
		*nexthdr = p[0];
		*off += len;
		if (!*l4)
			return true;
	}
	return false;
}

static enum vswitch_drop parse_ipv6(struct vsw_frame *f, unsigned int off,
				    struct vsw_key *key)
{
	const struct ipv6hdr *ip6;
	unsigned int end, nh = off;
	bool l4 = true;
	u8 nexthdr;

	ip6 = vsw_frame_pull(f, off, sizeof(*ip6));
	if (!ip6)
		return VSWITCH_DROP_MALFORMED;
	if ((((const u8 *)ip6)[0] >> 4) != 6)
		return VSWITCH_DROP_MALFORMED;
	end = off + sizeof(*ip6) + ntohs(ip6->payload_len);
	if (end > vsw_frame_len(f))
		return VSWITCH_DROP_MALFORMED;
	key->l3 = VSW_L3_IPV6;
	memcpy(&key->ipv6_src, &ip6->saddr, sizeof(key->ipv6_src));
	memcpy(&key->ipv6_dst, &ip6->daddr, sizeof(key->ipv6_dst));
	nexthdr = ip6->nexthdr;
	off += sizeof(*ip6);

	if (!skip_ipv6_ext(f, &off, end, &nexthdr, &key->frag, &l4))
		return VSWITCH_DROP_MALFORMED;
	key->ip_proto = nexthdr;
	if (!l4)
		return VSWITCH_DROP_NONE;
	key->l4 = true;
	key->l4_off = off - nh;
	if (nexthdr == IPPROTO_ICMPV6)
		return parse_icmp6(f, off, end, key);
	return parse_ports(f, off, end, key);
}

/**
 * vsw_parse() - parse a frame into @key
 * @f: the frame, data at the Ethernet header
 * @vlan_accel: a VLAN tag was already taken out of the frame (skb->vlan_tci)
 * @key: zeroed by this function, then filled
 *
 * Return: VSWITCH_DROP_NONE, or VSWITCH_DROP_MALFORMED when a header is
 * truncated or a length field points past the end of the frame.
 */
enum vswitch_drop vsw_parse(struct vsw_frame *f, bool vlan_accel,
			    struct vsw_key *key)
{
	unsigned int off;

	memset(key, 0, sizeof(*key));
	off = parse_eth(f, key);
	if (!off)
		return VSWITCH_DROP_MALFORMED;
	key->vlan |= vlan_accel;

	switch (ntohs(key->eth_type)) {
	case ETH_P_IP:
		return parse_ipv4(f, off, key);
	case ETH_P_ARP:
		return parse_arp(f, off, key);
	case ETH_P_IPV6:
		return parse_ipv6(f, off, key);
	default:
		return VSWITCH_DROP_NONE;
	}
}
