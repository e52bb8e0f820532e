// SPDX-License-Identifier: GPL-2.0
/*
 * test_parse.c - host-side unit tests of kmod/vswitch/parse.c (TAP 13)
 *
 * Frames are built byte by byte, copied into heap buffers of their exact
 * length (ASan catches any read past the end) and parsed. Every valid
 * frame is also parsed at every shorter length: the parser must answer
 * "none" or "malformed" and never read outside the buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "parse.h"

static int n_test, n_fail;

static void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		n_fail++;
}

struct buf {
	u8 b[512];
	unsigned int len;
};

static void put(struct buf *f, const void *p, unsigned int n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

static void put8(struct buf *f, u8 v) { put(f, &v, 1); }
static void put16(struct buf *f, u16 v) { v = htons(v); put(f, &v, 2); }
static void put32(struct buf *f, u32 v) { v = htonl(v); put(f, &v, 4); }
static void zero(struct buf *f, unsigned int n) { memset(f->b + f->len, 0, n); f->len += n; }

static const u8 MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const u8 MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x0b };
static const u8 BCAST[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const u8 V6_A[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0a };
static const u8 V6_B[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x0b };

static void eth(struct buf *f, const u8 *dst, u16 type)
{
	f->len = 0;
	put(f, dst, 6);
	put(f, MAC_A, 6);
	put16(f, type);
}

/* IPv4 header (ihl 5) + UDP header; total length @tot covers both */
static void ipv4_udp(struct buf *f, u16 tot, u16 frag, u16 sport, u16 dport)
{
	put8(f, 0x45); put8(f, 0); put16(f, tot); put16(f, 0);
	put16(f, frag);
	put8(f, 64); put8(f, IPPROTO_UDP); put16(f, 0);
	put32(f, 0x0a000001); put32(f, 0x0a000002);
	put16(f, sport); put16(f, dport); put16(f, 8); put16(f, 0);
}

static void ipv6_hdr(struct buf *f, u16 plen, u8 nexthdr, const u8 *src)
{
	put32(f, 0x60000000); put16(f, plen); put8(f, nexthdr); put8(f, 255);
	put(f, src, 16);
	put(f, V6_B, 16);
}

/* NS or NA for @target with one lladdr option of @opt_type (0: none) */
static void nd(struct buf *f, u8 type, const u8 *target, u8 opt_type,
	       u8 opt_units)
{
	/* an option claiming 0 units still occupies 8 bytes */
	unsigned int opt_len = (opt_units ? opt_units : 1) * 8;
	unsigned int plen = 24 + (opt_type ? opt_len : 0);

	eth(f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(f, plen, IPPROTO_ICMPV6, V6_A);
	put8(f, type); put8(f, 0); put16(f, 0); put32(f, 0);
	put(f, target, 16);
	if (opt_type) {
		put8(f, opt_type); put8(f, opt_units);
		put(f, MAC_A, 6);
		zero(f, opt_len - 8);
	}
}

/* Parse f->b[0..len) from an exact-size heap copy. */
static enum vswitch_drop parse_len(const struct buf *f, unsigned int len,
				   bool accel, struct vsw_key *key)
{
	u8 *copy = malloc(len ? len : 1);
	struct vsw_frame fr = { .data = copy, .len = len };
	enum vswitch_drop r;

	memcpy(copy, f->b, len);
	r = vsw_parse(&fr, accel, key);
	free(copy);
	return r;
}

static enum vswitch_drop parse(const struct buf *f, struct vsw_key *key)
{
	return parse_len(f, f->len, false, key);
}

/* Every prefix of a valid frame: none or malformed, nothing else. */
static void truncations(const struct buf *f, const char *name)
{
	struct vsw_key key;
	unsigned int len, bad = 0;
	enum vswitch_drop r;

	for (len = 0; len < f->len; len++) {
		r = parse_len(f, len, false, &key);
		if (r != VSWITCH_DROP_NONE && r != VSWITCH_DROP_MALFORMED)
			bad++;
	}
	ok(!bad, "%s: every truncation (0..%u bytes) parses to none or malformed",
	   name, f->len - 1);
}

static void test_ipv4(void)
{
	struct vsw_key key;
	struct buf f;

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 28, 0, 68, 67);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l3 == VSW_L3_IPV4 &&
	   key.ip_proto == IPPROTO_UDP && key.l4 &&
	   key.sport == htons(68) && key.dport == htons(67) &&
	   key.ipv4_src == htonl(0x0a000001) && !key.vlan &&
	   !memcmp(key.eth_src, MAC_A, 6) && !memcmp(key.eth_dst, MAC_B, 6) &&
	   !key.frag && key.l4_off == 20,
	   "ipv4/udp: addresses, ports, MACs, not a fragment, UDP 20 bytes in");
	truncations(&f, "ipv4/udp");

	zero(&f, 18);	/* Ethernet padding after the datagram */
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l4,
	   "ipv4/udp: padding after tot_len is fine");

	f.b[ETH_HLEN + 3] = 22;	/* tot_len: 2 bytes of UDP, ports in the padding */
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv4/udp: ports cut off by tot_len are not read from the padding");

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 28, 0x0010, 68, 67);	/* offset 16*8: later fragment */
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && !key.l4 && !key.sport &&
	   key.frag, "ipv4: a later fragment has no ports");

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 28, 0x2000, 68, 67);	/* MF, offset 0: first fragment */
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l4 && key.frag &&
	   key.dport == htons(67), "ipv4: a first fragment has ports, is a fragment");

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 28, 0x4000, 68, 67);	/* DF only */
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l4 && !key.frag,
	   "ipv4: DF alone is not a fragment");

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 1500, 0, 68, 67);
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv4: tot_len past the frame is malformed");

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 28, 0, 68, 67);
	f.b[ETH_HLEN] = 0x44;	/* ihl 4 */
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED, "ipv4: ihl < 5 is malformed");
	f.b[ETH_HLEN] = 0x4f;	/* ihl 15: 60 bytes, more than tot_len */
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv4: ihl beyond tot_len is malformed");
	f.b[ETH_HLEN] = 0x65;
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv4: version 6 under EtherType IPv4 is malformed");

	/* ihl 6: 4 bytes of options (NOPs), then UDP */
	eth(&f, MAC_B, ETH_P_IP);
	put8(&f, 0x46); put8(&f, 0); put16(&f, 32); put16(&f, 0);
	put16(&f, 0);
	put8(&f, 64); put8(&f, IPPROTO_UDP); put16(&f, 0);
	put32(&f, 0x0a000001); put32(&f, 0x0a000002);
	put32(&f, 0x01010101);
	put16(&f, 68); put16(&f, 67); put16(&f, 8); put16(&f, 0);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l4 && key.l4_off == 24 &&
	   key.sport == htons(68) && key.dport == htons(67),
	   "ipv4: UDP after 4 bytes of options, 24 bytes in");
}

static void test_arp(void)
{
	struct vsw_key key;
	struct buf f;

	eth(&f, BCAST, ETH_P_ARP);
	put16(&f, ARPHRD_ETHER); put16(&f, ETH_P_IP); put8(&f, 6); put8(&f, 4);
	put16(&f, 1);
	put(&f, MAC_A, 6); put32(&f, 0x0a000001);
	zero(&f, 6); put32(&f, 0x0a000002);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l3 == VSW_L3_ARP &&
	   key.arp_ok && !memcmp(key.arp_sha, MAC_A, 6) &&
	   key.ipv4_src == htonl(0x0a000001) && key.ipv4_dst == htonl(0x0a000002),
	   "arp: sender MAC and addresses");
	truncations(&f, "arp");

	f.b[ETH_HLEN + 4] = 8;	/* hln 8: not Ethernet/IPv4 ARP */
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l3 == VSW_L3_ARP &&
	   !key.arp_ok, "arp: other hardware/protocol sizes are not arp_ok");
}

static void test_nd(void)
{
	struct vsw_key key;
	struct buf f;

	nd(&f, 135, V6_B, 1, 1);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l3 == VSW_L3_IPV6 &&
	   key.ip_proto == IPPROTO_ICMPV6 && key.icmp6_type == 135 &&
	   key.nd_has_lladdr && !memcmp(key.nd_lladdr, MAC_A, 6) &&
	   !memcmp(&key.nd_target, V6_B, 16) && !memcmp(&key.ipv6_src, V6_A, 16),
	   "nd: NS target and source lladdr");
	truncations(&f, "nd/ns");

	nd(&f, 136, V6_A, 2, 1);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.icmp6_type == 136 &&
	   key.nd_has_lladdr && !memcmp(&key.nd_target, V6_A, 16),
	   "nd: NA target and target lladdr");

	nd(&f, 136, V6_A, 1, 1);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && !key.nd_has_lladdr,
	   "nd: a source lladdr option in an NA is not its lladdr");

	nd(&f, 136, V6_A, 2, 0);
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "nd: an option of length 0 is malformed");

	nd(&f, 135, V6_B, 1, 1);
	put8(&f, 1); put8(&f, 1); put(&f, MAC_B, 6);	/* a second SLLA */
	f.b[ETH_HLEN + 5] += 8;				/* payload_len */
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "nd: two source lladdr options are malformed");

	nd(&f, 135, V6_B, 1, 1);
	f.b[ETH_HLEN + 5] = 20;		/* payload_len shorter than an NS */
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "nd: an NS shorter than 24 bytes is malformed");
}

static void test_ipv6(void)
{
	struct vsw_key key;
	struct buf f;

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 16, IPPROTO_HOPOPTS, V6_A);
	put8(&f, IPPROTO_UDP); put8(&f, 0); zero(&f, 6);	/* HBH, 8 bytes */
	put16(&f, 547); put16(&f, 546); put16(&f, 8); put16(&f, 0);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.ip_proto == IPPROTO_UDP &&
	   key.l4 && key.sport == htons(547) && key.dport == htons(546) &&
	   !key.frag && key.l4_off == 48,
	   "ipv6: UDP ports after a hop-by-hop header, 48 bytes in");
	truncations(&f, "ipv6/hbh/udp");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 16, IPPROTO_FRAGMENT, V6_A);
	put8(&f, IPPROTO_UDP); put8(&f, 0); put16(&f, 0x0008); put32(&f, 1);
	zero(&f, 8);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && !key.l4 && !key.sport &&
	   key.frag, "ipv6: a later fragment has no ports");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 16, IPPROTO_FRAGMENT, V6_A);
	put8(&f, IPPROTO_UDP); put8(&f, 0); put16(&f, 0x0001); put32(&f, 1);
	put16(&f, 547); put16(&f, 546); put16(&f, 8); put16(&f, 0);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l4 && key.frag &&
	   key.sport == htons(547), "ipv6: a first fragment has ports, is a fragment");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 8, IPPROTO_HOPOPTS, V6_A);
	put8(&f, IPPROTO_UDP); put8(&f, 4); zero(&f, 6);	/* claims 40 */
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv6: an extension header longer than the payload is malformed");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 100, IPPROTO_UDP, V6_A);
	zero(&f, 8);
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv6: payload_len past the frame is malformed");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 2, IPPROTO_UDP, V6_A);
	put16(&f, 547); put16(&f, 546);	/* past payload_len: padding */
	zero(&f, 4);
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv6: ports cut off by payload_len are not read from the padding");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 9 * 8, IPPROTO_DSTOPTS, V6_A);
	for (int i = 0; i < 9; i++) {
		put8(&f, i < 8 ? IPPROTO_DSTOPTS : IPPROTO_UDP); put8(&f, 0);
		zero(&f, 6);
	}
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "ipv6: more than 8 extension headers is malformed");

	eth(&f, MAC_B, ETH_P_IPV6);
	ipv6_hdr(&f, 8 * 8 + 8, IPPROTO_DSTOPTS, V6_A);
	for (int i = 0; i < 8; i++) {
		put8(&f, i < 7 ? IPPROTO_DSTOPTS : IPPROTO_UDP); put8(&f, 0);
		zero(&f, 6);
	}
	put16(&f, 547); put16(&f, 546); put16(&f, 8); put16(&f, 0);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l4 &&
	   key.dport == htons(546), "ipv6: 8 extension headers are fine");
}

static void test_vlan(void)
{
	struct vsw_key key;
	struct buf f;

	eth(&f, MAC_B, ETH_P_8021Q);
	put16(&f, 100); put16(&f, ETH_P_IP);
	ipv4_udp(&f, 28, 0, 1000, 2000);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.vlan && key.vlan_hlen == 4 &&
	   key.eth_type == htons(ETH_P_IP) && key.l3 == VSW_L3_IPV4 &&
	   key.dport == htons(2000), "vlan: 802.1Q tag, IPv4 inside");
	truncations(&f, "vlan");

	eth(&f, MAC_B, ETH_P_8021AD);
	put16(&f, 10); put16(&f, ETH_P_8021Q); put16(&f, 20);
	put16(&f, ETH_P_8021Q); put16(&f, 30); put16(&f, ETH_P_IP);
	ipv4_udp(&f, 28, 0, 1, 2);
	ok(parse(&f, &key) == VSWITCH_DROP_MALFORMED,
	   "vlan: three tags are malformed");

	eth(&f, MAC_B, ETH_P_IP);
	ipv4_udp(&f, 28, 0, 1, 2);
	ok(parse_len(&f, f.len, true, &key) == VSWITCH_DROP_NONE && key.vlan &&
	   !key.vlan_hlen, "vlan: an accelerated tag marks the key, no bytes");
}

static void test_other(void)
{
	struct vsw_key key;
	struct buf f;

	eth(&f, MAC_B, 0x88b5);
	zero(&f, 46);
	ok(parse(&f, &key) == VSWITCH_DROP_NONE && key.l3 == VSW_L3_OTHER,
	   "other EtherType: parsed as Ethernet only");
	ok(parse_len(&f, 13, false, &key) == VSWITCH_DROP_MALFORMED,
	   "a 13-byte frame is malformed");
	ok(parse_len(&f, 0, false, &key) == VSWITCH_DROP_MALFORMED,
	   "an empty frame is malformed");
}

int main(void)
{
	printf("TAP version 13\n");
	test_ipv4();
	test_arp();
	test_nd();
	test_ipv6();
	test_vlan();
	test_other();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
