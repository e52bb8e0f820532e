// SPDX-License-Identifier: GPL-2.0
/*
 * extack.c - the vswitch family's attribute names, by space, for
 * ../genl/extack.c to name the attributes an extended ACK points at
 */
#include "extack.h"
#include "model.h"

#define A(n)		{ n, NULL }
#define N(n, s)		{ n, &s }

static const struct genl_attr_name addr_names[VSWITCH_ADDR_A_MAX + 1] = {
	[VSWITCH_ADDR_A_IPV4] = A("ipv4"),
	[VSWITCH_ADDR_A_IPV6] = A("ipv6"),
};

static const struct genl_attr_space addr_space = {
	addr_names, VSWITCH_ADDR_A_MAX
};

/* A nest whose members are not named here: "?" in a path. */
static const struct genl_attr_space stats_space = {
	NULL, VSWITCH_STATS_A_MAX
};

static const struct genl_attr_name port_names[VSWITCH_PORT_A_MAX + 1] = {
	[VSWITCH_PORT_A_PAD] = A("pad"),
	[VSWITCH_PORT_A_ID] = A("id"),
	[VSWITCH_PORT_A_IFINDEX] = A("ifindex"),
	[VSWITCH_PORT_A_IFNAME] = A("ifname"),
	[VSWITCH_PORT_A_UPLINK] = A("uplink"),
	[VSWITCH_PORT_A_VLAN] = A("vlan"),
	[VSWITCH_PORT_A_DHCP_GUARD] = A("dhcp-guard"),
	[VSWITCH_PORT_A_SECURITY] = A("security"),
	[VSWITCH_PORT_A_SEGMENT] = A("segment"),
	[VSWITCH_PORT_A_SECGROUP] = A("secgroup"),
	[VSWITCH_PORT_A_MAC] = A("mac"),
	[VSWITCH_PORT_A_ADDRS] = N("addrs", addr_space),
	[VSWITCH_PORT_A_INTERNAL] = A("internal"),
	[VSWITCH_PORT_A_STATS] = N("stats", stats_space),
};

static const struct genl_attr_space port_space = {
	port_names, VSWITCH_PORT_A_MAX
};

static const struct genl_attr_name fdb_names[VSWITCH_FDB_A_MAX + 1] = {
	[VSWITCH_FDB_A_PAD] = A("pad"),
	[VSWITCH_FDB_A_MAC] = A("mac"),
	[VSWITCH_FDB_A_PORT_ID] = A("port-id"),
	[VSWITCH_FDB_A_STATIC] = A("static"),
	[VSWITCH_FDB_A_AGE_MS] = A("age-ms"),
};

static const struct genl_attr_space fdb_space = {
	fdb_names, VSWITCH_FDB_A_MAX
};

static const struct genl_attr_name ct_timeout_names[VSWITCH_CT_TIMEOUT_A_MAX + 1] = {
	[VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED] = A("tcp-established"),
	[VSWITCH_CT_TIMEOUT_A_TCP_TIME_WAIT] = A("tcp-time-wait"),
	[VSWITCH_CT_TIMEOUT_A_UDP] = A("udp"),
	[VSWITCH_CT_TIMEOUT_A_UDP_STREAM] = A("udp-stream"),
	[VSWITCH_CT_TIMEOUT_A_ICMP] = A("icmp"),
};

static const struct genl_attr_space ct_timeout_space = {
	ct_timeout_names, VSWITCH_CT_TIMEOUT_A_MAX
};

static const struct genl_attr_name top_names[VSWITCH_A_MAX + 1] = {
	[VSWITCH_A_PAD] = A("pad"),
	[VSWITCH_A_SWITCH_NAME] = A("switch-name"),
	[VSWITCH_A_AGEING_TIME] = A("ageing-time"),
	[VSWITCH_A_FDB_MAX] = A("fdb-max"),
	[VSWITCH_A_INTERNAL] = A("internal"),
	[VSWITCH_A_INTERNAL_IFINDEX] = A("internal-ifindex"),
	[VSWITCH_A_N_PORTS] = A("n-ports"),
	[VSWITCH_A_FDB_COUNT] = A("fdb-count"),
	[VSWITCH_A_PORT] = N("port", port_space),
	[VSWITCH_A_FDB] = N("fdb", fdb_space),
	[VSWITCH_A_STATS] = N("stats", stats_space),
	[VSWITCH_A_FIREWALL] = A("firewall"),
	[VSWITCH_A_DEFAULT_VERDICT] = A("default-verdict"),
	[VSWITCH_A_CT_ZONE] = A("ct-zone"),
	[VSWITCH_A_POLICY_FD] = A("policy-fd"),
	[VSWITCH_A_POLICY_ID] = A("policy-id"),
	[VSWITCH_A_POLICY_GEN] = A("policy-gen"),
	[VSWITCH_A_FLOW_LOG_RATE] = A("flow-log-rate"),
	[VSWITCH_A_FLOW] = A("flow"),
	[VSWITCH_A_FLOW_LOG_LOST] = A("flow-log-lost"),
	[VSWITCH_A_RULE] = A("rule"),
	[VSWITCH_A_RULES_UNCOUNTED] = A("rules-uncounted"),
	[VSWITCH_A_CT_LIMIT] = A("ct-limit"),
	[VSWITCH_A_CT_TIMEOUT] = N("ct-timeout", ct_timeout_space),
};

const struct genl_attr_space vsw_attrs = { top_names, VSWITCH_A_MAX };
