/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - the vswitch family's objects as plain structs
 *
 * Replies and events are parsed into these (attrs.c), requests are built
 * from them, and the printers (show.c) take nothing else: the printers
 * and the argument parsers are tested without a kernel. Each struct has a
 * @has mask with bit N set when attribute N of its attribute space is
 * present (VSWITCH_A_*, VSWITCH_PORT_A_*, VSWITCH_FDB_A_*,
 * VSWITCH_STATS_A_*).
 */
#ifndef VSWCTL_MODEL_H
#define VSWCTL_MODEL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/vswitch.h>

#define VSW_BIT(a)	(1ULL << (a))
#define VSW_HAS(o, a)	(!!((o)->has & VSW_BIT(a)))
#define VSW_SET(o, a)	((o)->has |= VSW_BIT(a))

#define VSW_MAC_LEN	6

/* VSWITCH_A_STATS or VSWITCH_PORT_A_STATS. */
struct vsw_stats {
	uint64_t has;				/* VSWITCH_STATS_A_* */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t flood_packets, fdb_learned, fdb_full;
	uint64_t frags_queued;	/* fragments held for reassembly */
	uint64_t drops_total;
	uint64_t drops[VSWITCH_DROP_MAX + 1];	/* by enum vswitch_drop */
	uint64_t drops_has;			/* bit per reason reported */
};

/* A switch: top-level attributes of SWITCH_* messages. */
struct vsw_switch {
	uint64_t has;				/* VSWITCH_A_* */
	char name[IFNAMSIZ];
	uint32_t ageing, fdb_max, internal_ifindex, n_ports, fdb_count;
	uint8_t firewall, default_verdict;
	uint16_t ct_zone;
	uint32_t policy_id, policy_gen;
	int32_t policy_fd;		/* request: loaded from @policy_obj */
	char policy_obj[256];		/* request: BPF object file, "none" */
	bool policy_pinned;		/* request: @policy_obj is a pinned program */
	uint32_t flow_log_rate;
	uint64_t flow_log_lost;
	uint32_t ct_limit;
	/* VSWITCH_A_CT_TIMEOUT: seconds by VSWITCH_CT_TIMEOUT_A_*; bit N of
	 * ct_timeout_has: [N] given (requests) or reported (replies)
	 */
	uint32_t ct_timeout[VSWITCH_CT_TIMEOUT_A_MAX + 1];
	uint32_t ct_timeout_has;
	uint64_t rules_uncounted;
	struct vsw_stats stats;
};

/* VSWITCH_A_PORT, with the name of its switch. */
struct vsw_port {
	uint64_t has;				/* VSWITCH_PORT_A_* */
	char sw[IFNAMSIZ];
	uint32_t id, ifindex;
	char ifname[IFNAMSIZ];
	uint8_t uplink, vlan, dhcp_guard, security;
	uint32_t segment, secgroup;
	uint8_t mac[VSW_MAC_LEN];
	int n_ipv4, n_ipv6;			/* with ADDRS */
	struct in_addr ipv4[VSWITCH_PORT_MAX_IPV4];
	struct in6_addr ipv6[VSWITCH_PORT_MAX_IPV6];
	struct vsw_stats stats;
};

/* VSWITCH_A_FDB, with the name of its switch. */
struct vsw_fdb {
	uint64_t has;				/* VSWITCH_FDB_A_* */
	char sw[IFNAMSIZ];
	uint8_t mac[VSW_MAC_LEN];
	uint32_t port_id;
	uint64_t age_ms;
	char dev[IFNAMSIZ];	/* not an attribute: the port's device, if known */
};

/* VSWITCH_A_FLOW: a flow log event. */
struct vsw_flow {
	uint64_t has;				/* VSWITCH_FLOW_A_* */
	uint8_t event, family, proto;
	uint32_t in_port, out_port, rule, reason, gen;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	bool reply;
	uint64_t lost;
};

/* VSWITCH_A_RULE: the counters of one rule id of a switch's policy. */
struct vsw_rule {
	uint64_t has;				/* VSWITCH_RULE_A_* */
	uint32_t id;
	uint64_t sessions, packets, bytes;
};

/*
 * One generic netlink message of the family: its command and every part
 * it may carry. @sw.has says which top-level attributes are present.
 */
struct vsw_msg {
	uint8_t cmd;
	struct vsw_switch sw;
	struct vsw_port port;			/* if VSWITCH_A_PORT */
	struct vsw_fdb fdb;			/* if VSWITCH_A_FDB */
	struct vsw_flow flow;			/* if VSWITCH_A_FLOW */
	struct vsw_rule rule;			/* if VSWITCH_A_RULE */
};

#endif /* VSWCTL_MODEL_H */
