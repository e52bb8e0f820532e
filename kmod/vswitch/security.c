// SPDX-License-Identifier: GPL-2.0
/*
 * Port security (SpoofGuard) and the DHCP server guard, run on every frame
 * a port sends into the switch, before learning. Uplinks are trusted.
 *
 * A port with security on may only send frames with its bound source MAC;
 * IPv4 and ARP must claim a bound IPv4 address (0.0.0.0 is allowed for
 * DHCP discovery and ARP probes), IPv6 a bound IPv6 address (:: only for
 * ICMPv6: DAD and MLD), and NS/NA must carry the bound MAC as link-layer
 * option; an NA may only advertise a bound address, and a DAD probe (an NS
 * from ::) may only probe one: a VM that probed its neighbours' addresses
 * could make a VM that is configuring one give it up as a duplicate.
 */
#include <linux/etherdevice.h>
#include <linux/in.h>
#include <net/ipv6.h>

#include "parse.h"
#include "port.h"
#include "security.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68
#define DHCPV6_SERVER_PORT	547
#define ND_NS			135
#define ND_NA			136

static bool ipv4_bound(const struct vsw_sec *sec, __be32 addr)
{
	int i;

	for (i = 0; i < sec->n_ipv4; i++)
		if (sec->ipv4[i] == addr)
			return true;
	return false;
}

static bool ipv6_bound(const struct vsw_sec *sec, const struct in6_addr *addr)
{
	int i;

	for (i = 0; i < sec->n_ipv6; i++)
		if (ipv6_addr_equal(&sec->ipv6[i], addr))
			return true;
	return false;
}

static bool is_dhcp_server_reply(const struct vsw_key *key)
{
	if (!key->l4 || key->ip_proto != IPPROTO_UDP)
		return false;
	if (key->l3 == VSW_L3_IPV4)
		return key->sport == htons(DHCP_SERVER_PORT);
	if (key->l3 == VSW_L3_IPV6)
		return key->sport == htons(DHCPV6_SERVER_PORT);
	return false;
}

static enum vswitch_drop check_ipv4(const struct vsw_sec *sec,
				    const struct vsw_key *key)
{
	if (ipv4_bound(sec, key->ipv4_src))
		return VSWITCH_DROP_NONE;
	/* DHCPDISCOVER/REQUEST before the lease: 0.0.0.0:68 -> :67 */
	if (!key->ipv4_src && key->l4 && key->ip_proto == IPPROTO_UDP &&
	    key->sport == htons(DHCP_CLIENT_PORT) &&
	    key->dport == htons(DHCP_SERVER_PORT))
		return VSWITCH_DROP_NONE;
	return VSWITCH_DROP_IPV4_SPOOF;
}

static enum vswitch_drop check_arp(const struct vsw_sec *sec,
				   const struct vsw_key *key)
{
	if (!key->arp_ok || !ether_addr_equal(key->arp_sha, sec->mac))
		return VSWITCH_DROP_ARP_SPOOF;
	/* 0.0.0.0 is an RFC 5227 probe */
	if (key->ipv4_src && !ipv4_bound(sec, key->ipv4_src))
		return VSWITCH_DROP_ARP_SPOOF;
	return VSWITCH_DROP_NONE;
}

static enum vswitch_drop check_ipv6(const struct vsw_sec *sec,
				    const struct vsw_key *key)
{
	bool icmp6 = key->l4 && key->ip_proto == IPPROTO_ICMPV6;

	if (!ipv6_bound(sec, &key->ipv6_src) &&
	    !(icmp6 && ipv6_addr_any(&key->ipv6_src)))
		return VSWITCH_DROP_IPV6_SPOOF;
	if (!icmp6)
		return VSWITCH_DROP_NONE;
	if (key->nd_has_lladdr && !ether_addr_equal(key->nd_lladdr, sec->mac))
		return VSWITCH_DROP_ND_SPOOF;
	if (key->icmp6_type == ND_NA && !ipv6_bound(sec, &key->nd_target))
		return VSWITCH_DROP_ND_SPOOF;
	if (key->icmp6_type == ND_NS && ipv6_addr_any(&key->ipv6_src) &&
	    !ipv6_bound(sec, &key->nd_target))
		return VSWITCH_DROP_ND_SPOOF;
	return VSWITCH_DROP_NONE;
}

/**
 * vsw_sec_check() - port security for a frame entering from @port
 * @port: ingress port
 * @key: the parsed frame
 *
 * Context: RCU read side (packet path).
 * Return: VSWITCH_DROP_NONE, or the reason to drop the frame.
 */
enum vswitch_drop vsw_sec_check(const struct vsw_port *port,
				const struct vsw_key *key)
{
	u32 flags = READ_ONCE(port->flags);
	const struct vsw_sec *sec;

	if (flags & VSW_PORT_F_UPLINK)
		return VSWITCH_DROP_NONE;
	if ((flags & VSW_PORT_F_DHCP_GUARD) && is_dhcp_server_reply(key))
		return VSWITCH_DROP_DHCP_SERVER;
	if (!(flags & VSW_PORT_F_SECURITY))
		return VSWITCH_DROP_NONE;
	sec = rcu_dereference(port->sec);
	if (!sec)	/* security on needs a binding: nothing may pass */
		return VSWITCH_DROP_MAC_SPOOF;
	if (!ether_addr_equal(key->eth_src, sec->mac))
		return VSWITCH_DROP_MAC_SPOOF;

	switch (key->l3) {
	case VSW_L3_IPV4:
		return check_ipv4(sec, key);
	case VSW_L3_ARP:
		return check_arp(sec, key);
	case VSW_L3_IPV6:
		return check_ipv6(sec, key);
	default:
		return VSWITCH_DROP_NONE;
	}
}
