/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_SECURITY_H
#define _VSW_SECURITY_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <uapi/linux/vswitch.h>

struct vsw_key;
struct vsw_port;

/**
 * struct vsw_sec - a port's SpoofGuard binding, replaced as a whole
 * @rcu: frees the old binding after readers are done
 * @mac: the only source MAC the port may use
 * @n_ipv4: entries used in @ipv4
 * @n_ipv6: entries used in @ipv6
 * @ipv4: IPv4 addresses the port may claim
 * @ipv6: IPv6 addresses the port may claim (link-local ones included)
 */
struct vsw_sec {
	struct rcu_head rcu;
	u8 mac[ETH_ALEN];
	u8 n_ipv4;
	u8 n_ipv6;
	__be32 ipv4[VSWITCH_PORT_MAX_IPV4];
	struct in6_addr ipv6[VSWITCH_PORT_MAX_IPV6];
};

enum vswitch_drop vsw_sec_check(const struct vsw_port *port,
				const struct vsw_key *key);

#endif /* _VSW_SECURITY_H */
