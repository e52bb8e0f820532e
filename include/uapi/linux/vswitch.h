/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vswitch: an L2 switch for VM ports (tap, veth) and uplinks, configured
 * over generic netlink. The family is described, attribute by attribute
 * with every check, in Documentation/netlink/specs/vswitch.yaml.
 */
#ifndef _UAPI_LINUX_VSWITCH_H
#define _UAPI_LINUX_VSWITCH_H

#include <linux/types.h>

#define VSWITCH_FAMILY_NAME		"vswitch"
#define VSWITCH_FAMILY_VERSION		1
#define VSWITCH_MCGRP_EVENTS		"events"
#define VSWITCH_MCGRP_FLOWS		"flows"	/* the flow log */

/* Limits (requests beyond them are rejected with an extack message). */
#define VSWITCH_MAX_SWITCHES		64	/* per network namespace */
#define VSWITCH_MAX_PORTS		4096	/* per switch; port ids 1..4096 */
#define VSWITCH_FDB_MAX_HARD		65536	/* hard cap of fdb-max */
#define VSWITCH_FDB_MAX_DEFAULT		8192
#define VSWITCH_AGEING_MIN		10	/* seconds */
#define VSWITCH_AGEING_MAX		1000000
#define VSWITCH_AGEING_DEFAULT		300
#define VSWITCH_PORT_MAX_IPV4		8	/* bound addresses per port */
#define VSWITCH_PORT_MAX_IPV6		8
#define VSWITCH_MAX_RULE_IDS		65536	/* rule ids counted per */
						/* policy */
#define VSWITCH_CT_LIMIT_MAX		16777216 /* highest ct-limit */
#define VSWITCH_CT_TIMEOUT_MAX		2000000	/* seconds */
#define VSWITCH_CT_ZONE_DEFAULT_MIN	65472	/* default zones: the first */
						/* free one from here up */

enum vswitch_cmd {
	VSWITCH_CMD_UNSPEC,
	VSWITCH_CMD_SWITCH_NEW,
	VSWITCH_CMD_SWITCH_DEL,
	VSWITCH_CMD_SWITCH_SET,
	VSWITCH_CMD_SWITCH_GET,
	VSWITCH_CMD_PORT_ADD,
	VSWITCH_CMD_PORT_DEL,
	VSWITCH_CMD_PORT_SET,
	VSWITCH_CMD_PORT_GET,
	VSWITCH_CMD_FDB_ADD,
	VSWITCH_CMD_FDB_DEL,
	VSWITCH_CMD_FDB_GET,
	VSWITCH_CMD_FDB_FLUSH,
	VSWITCH_CMD_STATS_GET,
	/* notifications, on the "events" multicast group */
	VSWITCH_CMD_SWITCH_NEW_NTF,
	VSWITCH_CMD_SWITCH_DEL_NTF,
	VSWITCH_CMD_PORT_NEW_NTF,
	VSWITCH_CMD_PORT_DEL_NTF,
	VSWITCH_CMD_FDB_NEW_NTF,
	VSWITCH_CMD_FDB_DEL_NTF,
	/* the flow log, on the "flows" multicast group (VSWITCH_A_FLOW) */
	VSWITCH_CMD_FLOW_NTF,
	/* per-rule counters of a switch's policy (dump: VSWITCH_A_RULE) */
	VSWITCH_CMD_RULE_GET,

	__VSWITCH_CMD_MAX,
	VSWITCH_CMD_MAX = __VSWITCH_CMD_MAX - 1
};

/* Top-level attributes. */
enum vswitch_a {
	VSWITCH_A_UNSPEC,
	VSWITCH_A_PAD,
	VSWITCH_A_SWITCH_NAME,		/* string, 1..15 bytes + NUL */
	VSWITCH_A_AGEING_TIME,		/* u32, seconds */
	VSWITCH_A_FDB_MAX,		/* u32, 1..VSWITCH_FDB_MAX_HARD */
	VSWITCH_A_INTERNAL,		/* flag: create the internal port */
	VSWITCH_A_INTERNAL_IFINDEX,	/* u32, reply only */
	VSWITCH_A_N_PORTS,		/* u32, reply only */
	VSWITCH_A_FDB_COUNT,		/* u32, reply only */
	VSWITCH_A_PORT,			/* nest, enum vswitch_port_a */
	VSWITCH_A_FDB,			/* nest, enum vswitch_fdb_a */
	VSWITCH_A_STATS,		/* nest, enum vswitch_stats_a */
	VSWITCH_A_FIREWALL,		/* u8, 1: track and enforce policy */
	VSWITCH_A_DEFAULT_VERDICT,	/* u8, enum vswitch_verdict: new */
					/* connections, no program attached */
	VSWITCH_A_CT_ZONE,		/* u16, 1..65535, new only */
	VSWITCH_A_POLICY_FD,		/* s32: SCHED_CLS program, -1 detaches */
	VSWITCH_A_POLICY_ID,		/* u32, reply only: its id, 0: none */
	VSWITCH_A_POLICY_GEN,		/* u32, reply only: bumped by attach */
	VSWITCH_A_FLOW_LOG_RATE,	/* u32: flow log events a second, */
					/* 0: none (default 1000) */
	VSWITCH_A_FLOW,			/* nest, enum vswitch_flow_a: events */
					/* only */
	VSWITCH_A_FLOW_LOG_LOST,	/* u64, reply only: events the rate */
					/* limit held back */
	VSWITCH_A_RULE,			/* nest, enum vswitch_rule_a, reply */
					/* only */
	VSWITCH_A_RULES_UNCOUNTED,	/* u64, reply only: packets the rule */
					/* counters missed (no memory, more */
					/* than VSWITCH_MAX_RULE_IDS ids) */
	VSWITCH_A_CT_LIMIT,		/* u32: most connections of the */
					/* switch, 0: none (the default) */
	VSWITCH_A_CT_TIMEOUT,		/* nest, enum vswitch_ct_timeout_a: */
					/* the switch's own timeouts */

	__VSWITCH_A_MAX,
	VSWITCH_A_MAX = __VSWITCH_A_MAX - 1
};

/* Port attributes (VSWITCH_A_PORT). */
enum vswitch_port_a {
	VSWITCH_PORT_A_UNSPEC,
	VSWITCH_PORT_A_PAD,
	VSWITCH_PORT_A_ID,		/* u32, 1..VSWITCH_MAX_PORTS */
	VSWITCH_PORT_A_IFINDEX,		/* u32 */
	VSWITCH_PORT_A_IFNAME,		/* string */
	VSWITCH_PORT_A_UPLINK,		/* u8, 0 or 1 */
	VSWITCH_PORT_A_VLAN,		/* u8, 1: forward tagged frames */
	VSWITCH_PORT_A_DHCP_GUARD,	/* u8, 1: drop DHCP server replies */
	VSWITCH_PORT_A_SECURITY,	/* u8, 1: SpoofGuard on (needs MAC) */
	VSWITCH_PORT_A_SEGMENT,		/* u32 tag for the policy */
	VSWITCH_PORT_A_SECGROUP,	/* u32 tag for the policy */
	VSWITCH_PORT_A_MAC,		/* binary, 6 bytes, unicast */
	VSWITCH_PORT_A_ADDRS,		/* nest, enum vswitch_addr_a */
	VSWITCH_PORT_A_INTERNAL,	/* flag, reply only */
	VSWITCH_PORT_A_STATS,		/* nest, reply only */

	__VSWITCH_PORT_A_MAX,
	VSWITCH_PORT_A_MAX = __VSWITCH_PORT_A_MAX - 1
};

/* Bound addresses (VSWITCH_PORT_A_ADDRS); each attribute may repeat. */
enum vswitch_addr_a {
	VSWITCH_ADDR_A_UNSPEC,
	VSWITCH_ADDR_A_IPV4,		/* binary, 4 bytes, network order */
	VSWITCH_ADDR_A_IPV6,		/* binary, 16 bytes */

	__VSWITCH_ADDR_A_MAX,
	VSWITCH_ADDR_A_MAX = __VSWITCH_ADDR_A_MAX - 1
};

/* Forwarding database entries (VSWITCH_A_FDB). */
enum vswitch_fdb_a {
	VSWITCH_FDB_A_UNSPEC,
	VSWITCH_FDB_A_PAD,
	VSWITCH_FDB_A_MAC,		/* binary, 6 bytes */
	VSWITCH_FDB_A_PORT_ID,		/* u32 */
	VSWITCH_FDB_A_STATIC,		/* flag */
	VSWITCH_FDB_A_AGE_MS,		/* u64, reply only: since last seen */

	__VSWITCH_FDB_A_MAX,
	VSWITCH_FDB_A_MAX = __VSWITCH_FDB_A_MAX - 1
};

/* Counters (VSWITCH_A_STATS, VSWITCH_PORT_A_STATS), all u64. */
enum vswitch_stats_a {
	VSWITCH_STATS_A_UNSPEC,
	VSWITCH_STATS_A_PAD,
	VSWITCH_STATS_A_RX_PACKETS,
	VSWITCH_STATS_A_RX_BYTES,
	VSWITCH_STATS_A_TX_PACKETS,
	VSWITCH_STATS_A_TX_BYTES,
	VSWITCH_STATS_A_FLOOD_PACKETS,
	VSWITCH_STATS_A_FDB_LEARNED,
	VSWITCH_STATS_A_FDB_FULL,
	VSWITCH_STATS_A_DROPS_TOTAL,
	VSWITCH_STATS_A_DROPS,		/* nest: type = enum vswitch_drop */
	VSWITCH_STATS_A_FRAGS_QUEUED,	/* fragments the firewall held for
					 * reassembly: the fragment that
					 * completes a datagram goes on as
					 * the datagram, the others (and
					 * those of datagrams that never
					 * complete) are counted here
					 */

	__VSWITCH_STATS_A_MAX,
	VSWITCH_STATS_A_MAX = __VSWITCH_STATS_A_MAX - 1
};

/*
 * A flow log event (VSWITCH_CMD_FLOW_NTF, VSWITCH_A_FLOW): a firewall
 * decision on a connection, or a frame the firewall dropped. Events of a
 * switch are limited to VSWITCH_A_FLOW_LOG_RATE a second; the ones held
 * back are counted (VSWITCH_FLOW_A_LOST in the next event sent, and
 * VSWITCH_A_FLOW_LOG_LOST in the switch's replies).
 */
enum vswitch_flow_event {
	VSWITCH_FLOW_UNSPEC,
	VSWITCH_FLOW_ALLOW,		/* a new connection allowed: it starts */
	VSWITCH_FLOW_DROP,		/* a frame dropped by the firewall */
	VSWITCH_FLOW_CUT,		/* a connection a new policy denies */
};

enum vswitch_flow_a {
	VSWITCH_FLOW_A_UNSPEC,
	VSWITCH_FLOW_A_PAD,
	VSWITCH_FLOW_A_EVENT,		/* u8, enum vswitch_flow_event */
	VSWITCH_FLOW_A_IN_PORT,		/* u32, the frame's ingress port */
	VSWITCH_FLOW_A_OUT_PORT,	/* u32, egress (0: before a port */
					/* was chosen) */
	VSWITCH_FLOW_A_FAMILY,		/* u8, AF_INET or AF_INET6 */
	VSWITCH_FLOW_A_SRC,		/* binary, 4 or 16 bytes: the */
	VSWITCH_FLOW_A_DST,		/* connection's, original direction */
	VSWITCH_FLOW_A_PROTO,		/* u8, IP protocol */
	VSWITCH_FLOW_A_SPORT,		/* u16, host order (TCP, UDP, SCTP) */
	VSWITCH_FLOW_A_DPORT,		/* u16 */
	VSWITCH_FLOW_A_REPLY,		/* flag: the frame went the reply way */
	VSWITCH_FLOW_A_RULE,		/* u32, the rule id (0: the default) */
	VSWITCH_FLOW_A_REASON,		/* u32, enum vswitch_drop (DROP, CUT) */
	VSWITCH_FLOW_A_GEN,		/* u32, the policy generation */
	VSWITCH_FLOW_A_LOST,		/* u64, events held back before this */

	__VSWITCH_FLOW_A_MAX,
	VSWITCH_FLOW_A_MAX = __VSWITCH_FLOW_A_MAX - 1
};

/*
 * A switch's own conntrack timeouts (VSWITCH_A_CT_TIMEOUT), in seconds,
 * 1..VSWITCH_CT_TIMEOUT_MAX; 0 (the default): the network namespace's
 * (net.netfilter.nf_conntrack_*_timeout). A request changes the ones it
 * gives. They apply to the switch's connections from their next packet.
 */
enum vswitch_ct_timeout_a {
	VSWITCH_CT_TIMEOUT_A_UNSPEC,
	VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED,	/* u32 */
	VSWITCH_CT_TIMEOUT_A_TCP_TIME_WAIT,	/* u32 */
	VSWITCH_CT_TIMEOUT_A_UDP,		/* u32: no reply seen */
	VSWITCH_CT_TIMEOUT_A_UDP_STREAM,	/* u32: replied */
	VSWITCH_CT_TIMEOUT_A_ICMP,		/* u32: ICMP and ICMPv6 */

	__VSWITCH_CT_TIMEOUT_A_MAX,
	VSWITCH_CT_TIMEOUT_A_MAX = __VSWITCH_CT_TIMEOUT_A_MAX - 1
};

/*
 * The counters of one rule id of a switch's policy (VSWITCH_CMD_RULE_GET,
 * VSWITCH_A_RULE): ids as the policy program returns them in
 * struct vswitch_policy_cb.rule, 0 for the default verdict. They start at
 * 0 when a program is attached or detached.
 */
enum vswitch_rule_a {
	VSWITCH_RULE_A_UNSPEC,
	VSWITCH_RULE_A_PAD,
	VSWITCH_RULE_A_ID,		/* u32 */
	VSWITCH_RULE_A_SESSIONS,	/* u64: decisions (a connection */
					/* allowed, refused or cut; once */
					/* per egress port) */
	VSWITCH_RULE_A_PACKETS,		/* u64: the packets decided, and the */
					/* later packets of the connections */
					/* allowed, both ways */
	VSWITCH_RULE_A_BYTES,		/* u64: their bytes at L3, as */
					/* conntrack counts them */

	__VSWITCH_RULE_A_MAX,
	VSWITCH_RULE_A_MAX = __VSWITCH_RULE_A_MAX - 1
};

/*
 * Why a frame was dropped. Each value is also the attribute type of its
 * u64 counter inside VSWITCH_STATS_A_DROPS (0 is never reported).
 */
enum vswitch_drop {
	VSWITCH_DROP_NONE,
	VSWITCH_DROP_MALFORMED,		/* truncated header, bogus length */
	VSWITCH_DROP_SRC_MAC,		/* source MAC multicast or zero */
	VSWITCH_DROP_VLAN,		/* tagged frame, port has vlan 0 */
	VSWITCH_DROP_MAC_SPOOF,		/* source MAC is not the bound MAC */
	VSWITCH_DROP_IPV4_SPOOF,	/* IPv4 source not bound */
	VSWITCH_DROP_ARP_SPOOF,		/* ARP sender MAC/IP not bound */
	VSWITCH_DROP_IPV6_SPOOF,	/* IPv6 source not bound */
	VSWITCH_DROP_ND_SPOOF,		/* NS/NA target or lladdr not bound */
	VSWITCH_DROP_DHCP_SERVER,	/* DHCP/DHCPv6 server reply, guarded */
	VSWITCH_DROP_POLICY,		/* reserved for the policy hook */
	VSWITCH_DROP_HAIRPIN,		/* destination is the ingress port */
	VSWITCH_DROP_UPLINK_LOOP,	/* uplink to uplink */
	VSWITCH_DROP_NO_DEST,		/* flood with no eligible port */
	VSWITCH_DROP_MTU,		/* longer than the egress MTU */
	VSWITCH_DROP_PORT_DOWN,		/* egress device not up */
	VSWITCH_DROP_TX_ERROR,		/* the egress device refused it */
	VSWITCH_DROP_NOMEM,		/* clone or unshare failed */
	VSWITCH_DROP_CT_INVALID,	/* conntrack: invalid (TCP state or */
					/* window, ICMP error quoting nothing) */
	VSWITCH_DROP_CT_FRAG,		/* fragment not reassembled */
	VSWITCH_DROP_CT_COMMIT,		/* conntrack refused the entry */
	VSWITCH_DROP_POLICY_CUT,	/* connection the new policy denies */
	VSWITCH_DROP_POLICY_ERROR,	/* program returned no valid verdict */
	VSWITCH_DROP_POLICY_REJECT,	/* denied and answered: a TCP reset or */
					/* an ICMP port unreachable */
	VSWITCH_DROP_CT_LIMIT,		/* allowed, but the switch has */
					/* ct-limit connections */

	__VSWITCH_DROP_MAX,
	VSWITCH_DROP_MAX = __VSWITCH_DROP_MAX - 1
};

/*
 * The policy program (VSWITCH_A_POLICY_FD): a BPF_PROG_TYPE_SCHED_CLS
 * program the switch runs, with a switch's firewall on, for every packet
 * that needs a decision: the first packet of a connection (one run per
 * egress port when the frame floods), and a packet of a connection that
 * an older policy generation allowed. Established and related packets of
 * the connections the current generation allowed pass without a run.
 *
 * The program sees the frame from its Ethernet header, and the switch's
 * view in __sk_buff->cb[0..4], laid out as struct vswitch_policy_cb. It
 * returns a verdict and writes the id of the rule that decided into
 * @rule. Any other return value drops the packet
 * (VSWITCH_DROP_POLICY_ERROR). It must not change the packet.
 */
enum vswitch_verdict {
	VSWITCH_VERDICT_ALLOW = 0,	/* = TC_ACT_OK */
	VSWITCH_VERDICT_DROP = 2,	/* = TC_ACT_SHOT */
	VSWITCH_VERDICT_REJECT = 3,	/* drop, and answer the sender: a TCP */
					/* reset, or an ICMP/ICMPv6 port */
					/* unreachable (not for an ICMP error, */
					/* a fragment or a tagged frame) */
};

/* Connection state of the packet (struct vswitch_policy_cb.ct_state). */
#define VSWITCH_CT_NEW		(1U << 0)	/* first of a connection */
#define VSWITCH_CT_ESTABLISHED	(1U << 1)	/* of an allowed connection */
#define VSWITCH_CT_RELATED	(1U << 2)	/* ICMP error of a connection */
#define VSWITCH_CT_REPLY	(1U << 3)	/* reply direction: the */
						/* connection goes out_port */
						/* to in_port */
#define VSWITCH_CT_STALE	(1U << 4)	/* allowed by an older policy */

/*
 * struct vswitch_policy_cb.flags: bits 0..1 VSWITCH_PCB_*; bits 2..7 where
 * the transport header starts, in 4-byte units from the network header
 * (after IPv4 options and IPv6 extension headers; 0: further than 252
 * bytes); bits 8..15 the transport protocol (IPv4's protocol, IPv6's next
 * header after the extension headers); bits 16..31 the switch's
 * conntrack zone.
 */
#define VSWITCH_PCB_IN_UPLINK	(1U << 0)	/* ingress port is an uplink */
#define VSWITCH_PCB_OUT_UPLINK	(1U << 1)	/* egress port is an uplink */
#define VSWITCH_PCB_L4_OFF(flags)	((((flags) >> 2) & 0x3f) * 4)
#define VSWITCH_PCB_L4_PROTO(flags)	(((flags) >> 8) & 0xff)
#define VSWITCH_PCB_ZONE(flags)		((flags) >> 16)

/**
 * struct vswitch_policy_cb - __sk_buff->cb[0..4] of a policy program run
 * @ct_state: in: VSWITCH_CT_* bits
 * @in_port: in: the ingress port's id
 * @out_port: in: the egress port's id
 * @flags: in: VSWITCH_PCB_* bits, the transport header's offset and
 *	   protocol, the switch's conntrack zone (see above)
 * @rule: out: the id of the rule that decided (0: the default); in: 0
 */
struct vswitch_policy_cb {
	__u32 ct_state;
	__u32 in_port;
	__u32 out_port;
	__u32 flags;
	__u32 rule;
};

/**
 * struct vswitch_ct_labels - the conntrack labels of a switch's connection
 * @in_port: the port of the connection's first packet (original direction)
 * @out_port: the egress port the connection was allowed for (of a flooded
 *	      first packet: the last one)
 * @rule: the rule id the policy program returned (0: the default verdict)
 * @version: VSWITCH_CT_LABELS_VERSION
 *
 * Set on every connection the switch allows, before it is confirmed;
 * ctnetlink reports them as CTA_LABELS (16 bytes; each field in the
 * host's byte order). `vswctl ct show` reads them.
 */
struct vswitch_ct_labels {
	__u32 in_port;
	__u32 out_port;
	__u32 rule;
	__u32 version;
};

#define VSWITCH_CT_LABELS_VERSION	1

#endif /* _UAPI_LINUX_VSWITCH_H */
