// SPDX-License-Identifier: GPL-2.0
/*
 * test_vswctl.c - host-side unit tests of vswctl (TAP 13)
 *
 * No kernel module needed: the value parsers, each command line into
 * its request, requests encoded and decoded again, canned replies (built
 * here attribute by attribute, as the kernel's fill functions do) parsed
 * and printed as text and JSON. Extended ACKs and the exchanges with a
 * live kernel are in test_extack.c.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "attrs.h"
#include "print.h"
#include "show.h"
#include "tap.h"
#include "util.h"

/* --------------------------------------------------------------- values */

static void test_mac(void)
{
	static const char *const bad[] = {
		"", "52:54:00:12:34", "52:54:00:12:34:5", "52:54:00:12:34:567",
		"52-54-00-12-34-56", "5254.0012.3456", "52:54:00:12:34:5g",
		" 52:54:00:12:34:56", "52:54:00:12:34:56 ", "52:54:00:12:34:56:",
		"0x52:54:00:12:34", "5:54:00:12:34:56:",
	};
	uint8_t mac[6];
	char buf[VSW_MAC_STRLEN];
	size_t i;
	int bad_ok = 1;

	ok(!vsw_parse_mac("52:54:00:AB:cd:0F", mac) && mac[0] == 0x52 &&
	   mac[3] == 0xab && mac[4] == 0xcd && mac[5] == 0x0f,
	   "mac: mixed case accepted");
	vsw_format_mac(mac, buf);
	same(buf, "52:54:00:ab:cd:0f", "mac: printed in lower case");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!vsw_parse_mac(bad[i], mac)) {
			printf("# accepted \"%s\"\n", bad[i]);
			bad_ok = 0;
		}
	ok(bad_ok, "mac: %zu malformed spellings rejected", i);
}

static void test_addr(void)
{
	static const char *const bad[] = {
		"", "10.1", "10.0.0.256", "10.0.0.1/24", "010.0.0.1x", " 10.0.0.1",
		"fe80::1%eth0", "2001:db8::1/64", "::g", "1.2.3.4.5", "localhost",
	};
	unsigned char a[16];
	size_t i;
	int bad_ok = 1;

	ok(vsw_parse_addr("10.0.0.2", a) == AF_INET && a[0] == 10 && a[3] == 2,
	   "addr: IPv4");
	ok(vsw_parse_addr("2001:db8::2", a) == AF_INET6 && a[0] == 0x20 &&
	   a[15] == 2, "addr: IPv6");
	ok(vsw_parse_addr("::ffff:10.0.0.1", a) == AF_INET6,
	   "addr: IPv4-mapped IPv6 is IPv6");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (vsw_parse_addr(bad[i], a) >= 0) {
			printf("# accepted \"%s\"\n", bad[i]);
			bad_ok = 0;
		}
	ok(bad_ok, "addr: %zu malformed or prefixed addresses rejected", i);
}

static void test_numbers_names(void)
{
	static const char *const bad_u32[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x10", "4294967296",
		"99999999999999999999",
	};
	static const char *const bad_name[] = {
		"", ".", "..", "a/b", "a b", "a:b", "abcdefghijklmnop",
	};
	char name[16];
	uint32_t v;
	size_t i;
	int bad_ok = 1;

	ok(!genl_parse_u32("0", 0, 10, &v) && v == 0, "u32: 0");
	ok(!genl_parse_u32("4294967295", 0, UINT32_MAX, &v) && v == UINT32_MAX,
	    "u32: 2^32-1");
	ok(genl_parse_u32("9", 10, 20, &v) && genl_parse_u32("21", 10, 20, &v),
	     "u32: range enforced at both ends");
	for (i = 0; i < sizeof(bad_u32) / sizeof(bad_u32[0]); i++)
		if (!genl_parse_u32(bad_u32[i], 0, UINT32_MAX, &v)) {
			printf("# accepted \"%s\"\n", bad_u32[i]);
			bad_ok = 0;
		}
	ok(bad_ok, "u32: %zu malformed numbers rejected", i);
	ok(!vsw_parse_name("abcdefghijklmno", name) && !strcmp(name, "abcdefghijklmno"),
	   "name: 15 bytes accepted");
	bad_ok = 1;
	for (i = 0; i < sizeof(bad_name) / sizeof(bad_name[0]); i++)
		if (!vsw_parse_name(bad_name[i], name)) {
			printf("# accepted \"%s\"\n", bad_name[i]);
			bad_ok = 0;
		}
	ok(bad_ok, "name: %zu invalid names rejected", i);
}

/* ------------------------------------------------------------ arguments */
static void usage_cases(void)
{
	static const struct { const char *line, *msg; } cases[] = {
		{ "switch frob", "unknown command \"frob\"" },
		{ "switch add", "a switch name is required" },
		{ "switch add sw0 ageing", "\"ageing\" needs a value" },
		{ "switch add sw0 ageing 9", "invalid ageing \"9\" (10..1000000)" },
		{ "switch add sw0 ageing 1000001", "invalid ageing" },
		{ "switch add sw0 fdb-max 0", "invalid fdb-max \"0\" (1..65536)" },
		{ "switch add sw0 fdb-max 65537", "invalid fdb-max" },
		{ "switch add sw0 bogus", "unknown argument \"bogus\"" },
		{ "switch add sw0 Ageing 300", "unknown argument \"Ageing\"" },
		{ "switch add sw0 age 300", "unknown argument \"age\"" },
		{ "switch add a/b", "invalid switch name \"a/b\"" },
		{ "switch add abcdefghijklmnop", "invalid switch name" },
		{ "switch set sw0", "nothing to set" },
		{ "switch set sw0 internal", "unknown argument \"internal\"" },
		{ "switch set sw0 ct-zone 5", "unknown argument \"ct-zone\"" },
		{ "switch add sw0 ct-zone 0", "invalid ct-zone \"0\" (1..65535)" },
		{ "switch add sw0 ct-zone 65536", "invalid ct-zone" },
		{ "switch set sw0 flow-log-rate 1000001",
		  "invalid flow-log-rate \"1000001\" (0..1000000)" },
		{ "switch set sw0 flow-log-rate", "\"flow-log-rate\" needs a value" },
		{ "switch set sw0 ct-limit 16777217",
		  "invalid ct-limit \"16777217\" (0..16777216)" },
		{ "switch set sw0 ct-timeout tcp 5", "ct-timeout kind" },
		{ "switch set sw0 ct-timeout udp 2000001",
		  "invalid ct-timeout udp \"2000001\" (0..2000000 seconds)" },
		{ "switch set sw0 ct-timeout icmp", "needs a value" },
		{ "switch add sw0 firewall yes", "firewall takes on or off, not \"yes\"" },
		{ "switch add sw0 firewall", "\"firewall\" needs a value" },
		{ "switch set sw0 default deny", "default takes drop or allow, not \"deny\"" },
		{ "switch set sw0 policy", "\"policy\" needs a value" },
		{ "switch set sw0 policy pinned", "\"pinned\" needs a value" },
		{ "switch del sw0 sw1", "unknown argument \"sw1\"" },
		{ "switch show sw0 sw1", "unknown argument \"sw1\"" },
		{ "port add sw0", "the device is required" },
		{ "port add sw0 id 3", "the device is required" },
		{ "port add sw0 dev", "\"dev\" needs a value" },
		{ "port add sw0 dev tap0 mac 52:54:00:12:34", "invalid mac" },
		{ "port add sw0 dev tap0 mac", "\"mac\" needs a value" },
		{ "port add sw0 dev tap0 ip 10.0.0.0/24", "invalid ip \"10.0.0.0/24\"" },
		{ "port add sw0 dev tap0 vlan maybe", "vlan takes forward or drop" },
		{ "port add sw0 dev tap0 dhcp-guard yes", "dhcp-guard takes on or off" },
		{ "port add sw0 dev tap0 security 1", "security takes on or off" },
		{ "port add sw0 dev tap0 segment -1", "invalid segment" },
		{ "port add sw0 dev tap0 id 0", "invalid id \"0\" (1..4096)" },
		{ "port add sw0 dev tap0 id 4097", "invalid id" },
		{ "port add sw0 dev tap0 promisc", "unknown argument \"promisc\"" },
		{ "port set sw0 dev tap0", "nothing to set" },
		{ "port set sw0 mac 52:54:00:12:34:56", "which port?" },
		{ "port del sw0", "which port?" },
		{ "port del sw0 dev tap0 mac 52:54:00:12:34:56", "unknown argument \"mac\"" },
		{ "port show id 3", "(id needs a SWITCH)" },
		{ "port show sw0 vlan drop", "unknown argument \"vlan\"" },
		{ "fdb", "fdb: a command is required" },
		{ "fdb show", "a switch name is required" },
		{ "fdb add sw0", "a switch name and a MAC address are required" },
		{ "fdb add sw0 52:54:00:12:34:56", "which port?" },
		{ "fdb add sw0 52-54-00-12-34-56 port 1", "invalid MAC address" },
		{ "fdb add sw0 52:54:00:12:34:56 port 0", "invalid port \"0\"" },
		{ "fdb del sw0 52:54:00:12:34:56 port 1", "unknown argument \"port\"" },
		{ "fdb show sw0 static", "unknown argument \"static\"" },
		{ "fdb get sw0", "a switch name and a MAC address are required" },
		{ "fdb get sw0 52:54:00:12:34:56 port 1", "unknown argument \"port\"" },
		{ "stats show", "a switch name is required" },
		{ "stats show sw0 port 1", "unknown argument \"port\"" },
		{ "monitor link", "unknown argument \"link\"" },
	};
	struct vsw_req r;
	const char *err;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ret = parse(cases[i].line, &r, &err);
		ok(ret == EXIT_USAGE && strstr(err, cases[i].msg) &&
		   strstr(err, "\nUsage: vswctl "),
		   "usage: \"%s\": exit 2, \"%s\"", cases[i].line, cases[i].msg);
		if (ret != EXIT_USAGE || !strstr(err, cases[i].msg))
			printf("# exit %d, printed: %s\n", ret, err);
	}
}

static void switch_cases(void)
{
	struct vsw_switch *s;
	struct vsw_req r;
	const char *err;

	s = &r.m.sw;
	ok(!parse("switch add sw0 ageing 10 fdb-max 65536 internal", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_SWITCH_NEW && !strcmp(s->name, "sw0") &&
	   s->ageing == 10 && s->fdb_max == 65536 &&
	   s->has == (VSW_BIT(VSWITCH_A_SWITCH_NAME) | VSW_BIT(VSWITCH_A_AGEING_TIME) |
		      VSW_BIT(VSWITCH_A_FDB_MAX) | VSW_BIT(VSWITCH_A_INTERNAL)),
	   "switch add: every option, limits inclusive");
	ok(!parse("switch add sw0", &r, &err) &&
	   s->has == VSW_BIT(VSWITCH_A_SWITCH_NAME),
	   "switch add: defaults left to the kernel");
	ok(!parse("switch add sw0 ct-zone 65535 firewall on default allow policy p.o",
		  &r, &err) &&
	   s->ct_zone == 65535 && s->firewall == 1 &&
	   s->default_verdict == VSWITCH_VERDICT_ALLOW &&
	   !strcmp(s->policy_obj, "p.o") && !s->policy_pinned &&
	   s->has == (VSW_BIT(VSWITCH_A_SWITCH_NAME) | VSW_BIT(VSWITCH_A_CT_ZONE) |
		      VSW_BIT(VSWITCH_A_FIREWALL) | VSW_BIT(VSWITCH_A_DEFAULT_VERDICT) |
		      VSW_BIT(VSWITCH_A_POLICY_FD)),
	   "switch add: the firewall options");
	ok(!parse("switch set sw0 firewall off default drop policy pinned /sys/fs/bpf/p",
		  &r, &err) &&
	   s->firewall == 0 && s->default_verdict == VSWITCH_VERDICT_DROP &&
	   s->policy_pinned && !strcmp(s->policy_obj, "/sys/fs/bpf/p"),
	   "switch set: firewall off, default drop, a pinned policy");
	ok(!parse("switch set sw0 policy none", &r, &err) &&
	   !strcmp(s->policy_obj, "none") && s->policy_fd == -1,
	   "switch set: policy none detaches (fd -1)");
	ok(!parse("switch set sw0 fdb-max 5 fdb-max 6", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_SWITCH_SET && s->fdb_max == 6,
	   "switch set: the last of a repeated option wins");
	ok(!parse("switch del sw0", &r, &err) && r.m.cmd == VSWITCH_CMD_SWITCH_DEL,
	   "switch del");
	ok(!parse("switch show", &r, &err) && r.dump &&
	   r.m.cmd == VSWITCH_CMD_SWITCH_GET && !s->has, "switch show: a dump");
	ok(!parse("switch", &r, &err) && r.dump, "switch: show is the default");
	ok(!parse("switch show sw0", &r, &err) && !r.dump &&
	   VSW_HAS(s, VSWITCH_A_SWITCH_NAME), "switch show NAME: a get");
}

static void port_add_case(void)
{
	struct vsw_port *p;
	struct vsw_req r;
	const char *err;
	char a[VSW_ADDR_STRLEN];

	p = &r.m.port;
	ok(!parse("port add sw0 dev tap0 id 4096 mac 52:54:00:12:34:56 "
		  "ip 10.0.0.2 ip 2001:db8::2 ip 10.0.0.3 uplink vlan forward "
		  "dhcp-guard on security on segment 7 group 4294967295",
		  &r, &err) && r.m.cmd == VSWITCH_CMD_PORT_ADD &&
	   VSW_HAS(&r.m.sw, VSWITCH_A_PORT) && !strcmp(p->ifname, "tap0") &&
	   p->id == 4096 && p->mac[5] == 0x56 && p->n_ipv4 == 2 &&
	   p->n_ipv6 == 1 && p->uplink == 1 && p->vlan == 1 &&
	   p->dhcp_guard == 1 && p->security == 1 && p->segment == 7 &&
	   p->secgroup == UINT32_MAX &&
	   p->has == ((VSW_BIT(VSWITCH_PORT_A_ADDRS + 1) - VSW_BIT(VSWITCH_PORT_A_ID)) &
		      ~VSW_BIT(VSWITCH_PORT_A_IFINDEX)),
	   "port add: every setting");
	inet_ntop(AF_INET, &p->ipv4[1], a, sizeof(a));
	same(a, "10.0.0.3", "port add: addresses kept in order");
	ok(!parse("port add sw0 dev tap0 uplink off vlan drop", &r, &err) &&
	   p->uplink == 0 && p->vlan == 0 && VSW_HAS(p, VSWITCH_PORT_A_UPLINK),
	   "port add: uplink off");
	ok(!parse("port add sw0 uplink dev tap0", &r, &err) && p->uplink == 1,
	   "port add: bare uplink followed by a keyword");
	ok(parse("port add sw0 dev tap0 ip 10.0.0.1 ip 10.0.0.2 ip 10.0.0.3 "
		 "ip 10.0.0.4 ip 10.0.0.5 ip 10.0.0.6 ip 10.0.0.7 ip 10.0.0.8 "
		 "ip 10.0.0.9", &r, &err) == EXIT_USAGE &&
	   strstr(err, "at most 8 addresses"), "port add: a ninth IPv4 address");
}

static void port_cases(void)
{
	struct vsw_port *p = NULL;
	struct vsw_req r;
	const char *err;

	port_add_case();
	p = &r.m.port;
	ok(!parse("port set sw0 id 2 ip none", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_PORT_SET && p->id == 2 &&
	   VSW_HAS(p, VSWITCH_PORT_A_ADDRS) && !p->n_ipv4 && !p->n_ipv6,
	   "port set: ip none clears the addresses");
	ok(!parse("port del sw0 dev tap0", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_PORT_DEL &&
	   p->has == VSW_BIT(VSWITCH_PORT_A_IFNAME), "port del: by device");
	ok(!parse("port show", &r, &err) && r.any_switch && r.dump,
	   "port show: every switch");
	ok(!parse("port show sw0", &r, &err) && !r.any_switch && r.dump &&
	   !VSW_HAS(&r.m.sw, VSWITCH_A_PORT), "port show SWITCH: a dump");
	ok(!parse("port show sw0 dev tap0", &r, &err) && !r.dump &&
	   VSW_HAS(&r.m.sw, VSWITCH_A_PORT), "port show SWITCH dev: a get");
	ok(!parse("port show dev tap0", &r, &err) && r.any_switch &&
	   !strcmp(p->ifname, "tap0"), "port show dev: searched on every switch");
}

static void fdb_stats_monitor_cases(void)
{
	struct vsw_fdb *f;
	struct vsw_req r;
	const char *err;

	f = &r.m.fdb;
	ok(!parse("fdb add sw0 52:54:00:00:00:01 dev tap0 static", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_FDB_ADD && !strcmp(r.dev, "tap0") &&
	   f->has == VSW_BIT(VSWITCH_FDB_A_MAC) && f->mac[5] == 1,
	   "fdb add: device resolved later, static is implied");
	ok(!parse("fdb add sw0 52:54:00:00:00:01 port 3", &r, &err) &&
	   f->port_id == 3 && VSW_HAS(f, VSWITCH_FDB_A_PORT_ID), "fdb add: port id");
	ok(!parse("fdb del sw0 52:54:00:00:00:01", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_FDB_DEL && VSW_HAS(&r.m.sw, VSWITCH_A_FDB),
	   "fdb del");
	ok(!parse("fdb flush sw0", &r, &err) && r.m.cmd == VSWITCH_CMD_FDB_FLUSH &&
	   !VSW_HAS(&r.m.sw, VSWITCH_A_FDB), "fdb flush: learned entries");
	ok(!parse("fdb flush sw0 port 2 static", &r, &err) &&
	   f->has == (VSW_BIT(VSWITCH_FDB_A_PORT_ID) | VSW_BIT(VSWITCH_FDB_A_STATIC)),
	   "fdb flush: one port, static entries too");
	ok(!parse("fdb get sw0 52:54:00:00:00:02", &r, &err) && !r.dump &&
	   r.m.cmd == VSWITCH_CMD_FDB_GET && VSW_HAS(&r.m.sw, VSWITCH_A_FDB) &&
	   f->has == VSW_BIT(VSWITCH_FDB_A_MAC), "fdb get: one entry by MAC");
	ok(!parse("fdb show sw0 dev tap1", &r, &err) && r.dump &&
	   !strcmp(r.dev, "tap1") && !VSW_HAS(&r.m.sw, VSWITCH_A_FDB),
	   "fdb show: filtered by us, not by the kernel");
	ok(!parse("stats show sw0 dev tap0", &r, &err) &&
	   r.m.cmd == VSWITCH_CMD_STATS_GET && VSW_HAS(&r.m.sw, VSWITCH_A_PORT),
	   "stats show: a port");
	ok(!parse("monitor fdb port", &r, &err) &&
	   r.events == (VSW_EV_FDB | VSW_EV_PORT), "monitor: chosen objects");
	ok(!parse("monitor", &r, &err) && r.events == 7,
	   "monitor: everything but the flow log");
	ok(!parse("monitor flows", &r, &err) && r.events == VSW_EV_FLOWS,
	   "monitor flows: the flow log only");
	ok(!parse("switch set sw0 flow-log-rate 0", &r, &err) &&
	   VSW_HAS(&r.m.sw, VSWITCH_A_FLOW_LOG_RATE) && !r.m.sw.flow_log_rate,
	   "switch set flow-log-rate 0: sent");
	ok(!parse("switch add sw0 ct-limit 100", &r, &err) &&
	   VSW_HAS(&r.m.sw, VSWITCH_A_CT_LIMIT) && r.m.sw.ct_limit == 100,
	   "switch add ct-limit 100: sent");
	ok(!parse("switch set sw0 ct-timeout udp 5 ct-timeout tcp-established 600 ct-timeout icmp 0",
		  &r, &err) &&
	   VSW_HAS(&r.m.sw, VSWITCH_A_CT_TIMEOUT) &&
	   r.m.sw.ct_timeout_has == ((1U << VSWITCH_CT_TIMEOUT_A_UDP) |
				     (1U << VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED) |
				     (1U << VSWITCH_CT_TIMEOUT_A_ICMP)) &&
	   r.m.sw.ct_timeout[VSWITCH_CT_TIMEOUT_A_UDP] == 5 &&
	   r.m.sw.ct_timeout[VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED] == 600 &&
	   !r.m.sw.ct_timeout[VSWITCH_CT_TIMEOUT_A_ICMP],
	   "switch set ct-timeout: the kinds given, 0 included");
	ok(!vsw_object_find("bridge") && !vsw_object_find("Switch") &&
	   !vsw_object_find("sw"), "objects: exact names only");
}

/* ------------------------------------------------------------- messages */

static void test_request(void)
{
	struct vsw_msg *back = calloc(1, sizeof(*back));
	struct nl_msg *msg;
	struct vsw_req r;
	const char *err;
	struct nlattr *a;

	parse("port add sw0 dev tap0 mac 52:54:00:12:34:56 ip 10.0.0.2 "
	      "ip 2001:db8::2 vlan forward segment 7", &r, &err);
	msg = genl_msg(r.m.cmd);
	ok(!vsw_msg_put(msg, &r.m), "request: encoded");
	a = find2(msg, VSWITCH_A_PORT, VSWITCH_PORT_A_MAC);
	ok(a && nla_len(a) == 6 && !memcmp(nla_data(a), "\x52\x54\x00\x12\x34\x56", 6),
	   "request: port.mac is 6 bytes");
	a = find2(msg, VSWITCH_A_PORT, VSWITCH_PORT_A_VLAN);
	ok(a && nla_len(a) == 1 && nla_get_u8(a) == 1, "request: port.vlan is a u8");
	a = find2(msg, VSWITCH_A_PORT, VSWITCH_PORT_A_IFNAME);
	ok(a && nla_len(a) == 5 && !strcmp(nla_data(a), "tap0"),
	   "request: port.ifname NUL-terminated");
	a = find2(msg, VSWITCH_A_PORT, VSWITCH_PORT_A_UPLINK);
	ok(!a, "request: settings not given are not sent");
	ok(!vsw_msg_parse(nlmsg_hdr(msg), back) &&
	   back->cmd == VSWITCH_CMD_PORT_ADD && !strcmp(back->sw.name, "sw0") &&
	   !strcmp(back->port.sw, "sw0") && back->port.has == r.m.port.has &&
	   back->port.n_ipv4 == 1 && back->port.n_ipv6 == 1 &&
	   !memcmp(&back->port.ipv6[0], &r.m.port.ipv6[0], 16) &&
	   back->port.segment == 7, "request: decodes to what was parsed");
	nlmsg_free(msg);

	parse("port set sw0 id 2 ip none", &r, &err);
	msg = genl_msg(r.m.cmd);
	a = vsw_msg_put(msg, &r.m) ? NULL :
	    find2(msg, VSWITCH_A_PORT, VSWITCH_PORT_A_ADDRS);
	ok(a && nla_len(a) == 0, "request: ip none is an empty port.addrs nest");
	nlmsg_free(msg);
	free(back);
}

/* Counters as the kernel puts them: u64 with pad, drops keyed by reason. */
static void put_stats(struct nl_msg *msg, int type, bool is_switch)
{
	struct nlattr *st = nla_nest_start(msg, type), *d;
	int r;

	nla_put_u64(msg, VSWITCH_STATS_A_RX_PACKETS, 100);
	nla_put_u64(msg, VSWITCH_STATS_A_RX_BYTES, 12000);
	nla_put(msg, VSWITCH_STATS_A_PAD, 0, NULL);
	nla_put_u64(msg, VSWITCH_STATS_A_TX_PACKETS, 90);
	nla_put_u64(msg, VSWITCH_STATS_A_TX_BYTES, 11000);
	if (is_switch) {
		nla_put_u64(msg, VSWITCH_STATS_A_FLOOD_PACKETS, 3);
		nla_put_u64(msg, VSWITCH_STATS_A_FDB_LEARNED, 5);
		nla_put_u64(msg, VSWITCH_STATS_A_FDB_FULL, 0);
	}
	d = nla_nest_start(msg, VSWITCH_STATS_A_DROPS);
	nla_put(msg, VSWITCH_DROP_NONE, 0, NULL);	/* padding */
	for (r = 1; r <= VSWITCH_DROP_MAX; r++)
		nla_put_u64(msg, r, r == VSWITCH_DROP_MAC_SPOOF ? 3 :
				    r == VSWITCH_DROP_VLAN ? 1 : 0);
	nla_put_u64(msg, VSWITCH_DROP_MAX + 1, 77);	/* a newer reason */
	nla_nest_end(msg, d);
	nla_put_u64(msg, VSWITCH_STATS_A_DROPS_TOTAL, 4);
	nla_nest_end(msg, st);
}

static struct nl_msg *switch_reply(void)
{
	struct nl_msg *msg = genl_msg(VSWITCH_CMD_SWITCH_GET);

	nla_put_string(msg, VSWITCH_A_SWITCH_NAME, "sw0");
	nla_put_u32(msg, VSWITCH_A_AGEING_TIME, 300);
	nla_put_u32(msg, VSWITCH_A_FDB_MAX, 8192);
	nla_put_u32(msg, VSWITCH_A_FDB_COUNT, 5);
	nla_put_u32(msg, VSWITCH_A_N_PORTS, 2);
	nla_put_u32(msg, VSWITCH_A_INTERNAL_IFINDEX, 12);
	nla_put_u32(msg, 200, 1);			/* unknown: ignored */
	put_stats(msg, VSWITCH_A_STATS, true);
	return msg;
}

/* A switch as a kernel with the firewall sends it (no stats). */
static struct nl_msg *fw_switch_reply(uint8_t on, uint32_t policy)
{
	struct nl_msg *msg = genl_msg(VSWITCH_CMD_SWITCH_GET);

	nla_put_string(msg, VSWITCH_A_SWITCH_NAME, "sw0");
	nla_put_u32(msg, VSWITCH_A_N_PORTS, 2);
	nla_put_u8(msg, VSWITCH_A_FIREWALL, on);
	nla_put_u8(msg, VSWITCH_A_DEFAULT_VERDICT, VSWITCH_VERDICT_DROP);
	nla_put_u16(msg, VSWITCH_A_CT_ZONE, 65472);
	nla_put_u32(msg, VSWITCH_A_POLICY_ID, policy);
	nla_put_u32(msg, VSWITCH_A_POLICY_GEN, 3);
	return msg;
}

static struct nl_msg *port_reply(uint8_t cmd)
{
	struct nl_msg *msg = genl_msg(cmd);
	struct nlattr *p, *a;
	struct in6_addr a6;

	nla_put_string(msg, VSWITCH_A_SWITCH_NAME, "sw0");
	p = nla_nest_start(msg, VSWITCH_A_PORT);
	nla_put_u32(msg, VSWITCH_PORT_A_ID, 1);
	nla_put_u32(msg, VSWITCH_PORT_A_IFINDEX, 7);
	nla_put_string(msg, VSWITCH_PORT_A_IFNAME, "tap0");
	nla_put_u8(msg, VSWITCH_PORT_A_UPLINK, 0);
	nla_put_u8(msg, VSWITCH_PORT_A_VLAN, 0);
	nla_put_u8(msg, VSWITCH_PORT_A_DHCP_GUARD, 1);
	nla_put_u8(msg, VSWITCH_PORT_A_SECURITY, 1);
	nla_put_u32(msg, VSWITCH_PORT_A_SEGMENT, 10);
	nla_put_u32(msg, VSWITCH_PORT_A_SECGROUP, 3);
	nla_put(msg, VSWITCH_PORT_A_MAC, 6, "\x52\x54\x00\x12\x34\x56");
	a = nla_nest_start(msg, VSWITCH_PORT_A_ADDRS);
	nla_put(msg, VSWITCH_ADDR_A_IPV4, 4, "\x0a\x00\x00\x02");
	inet_pton(AF_INET6, "2001:db8::2", &a6);
	nla_put(msg, VSWITCH_ADDR_A_IPV6, 16, &a6);
	nla_nest_end(msg, a);
	put_stats(msg, VSWITCH_PORT_A_STATS, false);
	nla_nest_end(msg, p);
	return msg;
}

static struct nl_msg *fdb_reply(uint8_t cmd, bool is_static)
{
	struct nl_msg *msg = genl_msg(cmd);
	struct nlattr *f;

	nla_put_string(msg, VSWITCH_A_SWITCH_NAME, "sw0");
	f = nla_nest_start(msg, VSWITCH_A_FDB);
	nla_put(msg, VSWITCH_FDB_A_MAC, 6, "\x52\x54\x00\xaa\xbb\xcc");
	nla_put_u32(msg, VSWITCH_FDB_A_PORT_ID, 2);
	if (is_static)
		nla_put_flag(msg, VSWITCH_FDB_A_STATIC);
	nla_put_u64(msg, VSWITCH_FDB_A_AGE_MS, 12345);
	nla_nest_end(msg, f);
	return msg;
}

static void test_replies(struct vsw_msg *m)
{
	struct nl_msg *msg;
	const struct vsw_stats *st;

	msg = switch_reply();
	ok(!vsw_msg_parse(nlmsg_hdr(msg), m) && !strcmp(m->sw.name, "sw0") &&
	   m->sw.fdb_max == 8192 && m->sw.internal_ifindex == 12,
	   "reply: switch");
	st = &m->sw.stats;
	ok(st->rx_bytes == 12000 && st->flood_packets == 3 &&
	   st->drops_total == 4 && st->drops[VSWITCH_DROP_MAC_SPOOF] == 3 &&
	   st->drops_has == VSW_BIT(VSWITCH_DROP_MAX + 1) - 2,
	   "reply: switch counters, drops by reason (pad and unknown skipped)");
	nlmsg_free(msg);
	msg = port_reply(VSWITCH_CMD_PORT_GET);
	ok(!vsw_msg_parse(nlmsg_hdr(msg), m) && m->port.id == 1 &&
	   !strcmp(m->port.ifname, "tap0") && m->port.n_ipv4 == 1 &&
	   m->port.stats.tx_packets == 90 && !strcmp(m->port.sw, "sw0"),
	   "reply: port");
	nlmsg_free(msg);
	msg = fdb_reply(VSWITCH_CMD_FDB_GET, false);
	ok(!vsw_msg_parse(nlmsg_hdr(msg), m) && m->fdb.port_id == 2 &&
	   m->fdb.age_ms == 12345 && !VSW_HAS(&m->fdb, VSWITCH_FDB_A_STATIC),
	   "reply: fdb entry");
	nlmsg_free(msg);
}

static void test_malformed(struct vsw_msg *m)
{
	struct nl_msg *msg = genl_msg(VSWITCH_CMD_PORT_GET);
	struct nlattr *p;

	p = nla_nest_start(msg, VSWITCH_A_PORT);
	nla_put(msg, VSWITCH_PORT_A_MAC, 5, "\x52\x54\x00\x12\x34");
	nla_nest_end(msg, p);
	ok(vsw_msg_parse(nlmsg_hdr(msg), m) == -EBADMSG, "malformed: 5-byte MAC");
	nlmsg_free(msg);
	msg = genl_msg(VSWITCH_CMD_SWITCH_GET);
	nla_put(msg, VSWITCH_A_FDB_MAX, 2, "\1\2");
	ok(vsw_msg_parse(nlmsg_hdr(msg), m) == -EBADMSG, "malformed: short u32");
	nlmsg_free(msg);
	msg = genl_msg(VSWITCH_CMD_SWITCH_GET);
	nla_put(msg, VSWITCH_A_SWITCH_NAME, 3, "sw0");
	ok(vsw_msg_parse(nlmsg_hdr(msg), m) == -EBADMSG,
	   "malformed: name without NUL");
	nlmsg_free(msg);
}

/* ------------------------------------------------------------- printers */

static FILE *json_out;	/* every JSON document printed, for cli.sh */

/* @fn prints with both printers; check the text, keep the JSON. */
#define BOTH(call, want_text, want_json, name) do {			\
	const char *got_;						\
	out_begin(false);						\
	call;								\
	got_ = out_end();						\
	same(got_, want_text, name ": text");				\
	out_begin(true);						\
	call;								\
	got_ = out_end();						\
	if (want_json)							\
		same(got_, want_json ? want_json : "", name ": JSON");	\
	if (json_out)							\
		fputs(got_, json_out);					\
} while (0)

static void test_print_objects(struct vsw_msg *m)
{
	struct nl_msg *msg;

	msg = switch_reply();
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_switch(&m->sw, false),
	     "sw0: ports 2 fdb 5/8192 ageing 300 internal-ifindex 12\n",
	     "{\"name\":\"sw0\",\"ports\":2,\"fdb_count\":5,\"fdb_max\":8192,"
	     "\"ageing\":300,\"internal_ifindex\":12}\n", "switch");
	BOTH(vsw_show_switch(&m->sw, true),
	     "sw0: ports 2 fdb 5/8192 ageing 300 internal-ifindex 12\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    flood 3 learned 5 fdb-full 0\n"
	     "    drops 4: vlan 1 mac-spoof 3\n", NULL, "switch -s");
	memset(m->sw.stats.drops, 0, sizeof(m->sw.stats.drops));
	m->sw.stats.drops_total = 0;
	BOTH(vsw_show_switch(&m->sw, true),
	     "sw0: ports 2 fdb 5/8192 ageing 300 internal-ifindex 12\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    flood 3 learned 5 fdb-full 0\n"
	     "    drops 0\n", NULL, "switch -s, no drop: no colon");
	m->sw.stats.has |= VSW_BIT(VSWITCH_STATS_A_FRAGS_QUEUED);
	BOTH(vsw_show_switch(&m->sw, true),
	     "sw0: ports 2 fdb 5/8192 ageing 300 internal-ifindex 12\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    flood 3 learned 5 fdb-full 0\n"
	     "    drops 0\n", NULL, "switch -s, no fragment held: no frags-queued line");
	m->sw.stats.frags_queued = 7;
	BOTH(vsw_show_switch(&m->sw, true),
	     "sw0: ports 2 fdb 5/8192 ageing 300 internal-ifindex 12\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    flood 3 learned 5 fdb-full 0\n"
	     "    frags-queued 7\n"
	     "    drops 0\n", NULL, "switch -s, fragments held: frags-queued 7");
	nlmsg_free(msg);
	msg = fw_switch_reply(0, 0);
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_switch(&m->sw, false), "sw0: ports 2\n",
	     "{\"name\":\"sw0\",\"ports\":2,\"firewall\":false,\"ct_zone\":65472,"
	     "\"default\":\"drop\",\"policy_id\":0,\"policy_gen\":3}\n",
	     "switch, firewall off: text as a plain switch, JSON with the firewall");
	nlmsg_free(msg);
	msg = fw_switch_reply(1, 42);
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_switch(&m->sw, false),
	     "sw0: ports 2 firewall on ct-zone 65472 default drop policy 42 gen 3\n",
	     "{\"name\":\"sw0\",\"ports\":2,\"firewall\":true,\"ct_zone\":65472,"
	     "\"default\":\"drop\",\"policy_id\":42,\"policy_gen\":3}\n",
	     "switch, firewall on: zone, default, policy, generation");
	nlmsg_free(msg);
	msg = port_reply(VSWITCH_CMD_PORT_GET);
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_port(&m->port, false),
	     "sw0 port 1 dev tap0 mac 52:54:00:12:34:56 ip 10.0.0.2 "
	     "ip 2001:db8::2 vlan drop dhcp-guard on security on segment 10 "
	     "group 3\n",
	     "{\"switch\":\"sw0\",\"id\":1,\"dev\":\"tap0\",\"ifindex\":7,"
	     "\"mac\":\"52:54:00:12:34:56\",\"ip\":[\"10.0.0.2\",\"2001:db8::2\"],"
	     "\"uplink\":false,\"vlan\":\"drop\",\"dhcp_guard\":true,"
	     "\"security\":true,\"segment\":10,\"group\":3,\"internal\":false}\n",
	     "port");
	BOTH(vsw_show_port(&m->port, true),
	     "sw0 port 1 dev tap0 mac 52:54:00:12:34:56 ip 10.0.0.2 "
	     "ip 2001:db8::2 vlan drop dhcp-guard on security on segment 10 "
	     "group 3\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    drops 4: vlan 1 mac-spoof 3\n", NULL, "port -s");
	out_begin(true);
	pr_init(cap, true, true);
	vsw_show_port(&m->port, false);
	ok(strstr(out_end(), "{\n    \"switch\": \"sw0\",\n    \"id\": 1,\n") != NULL,
	   "port: pretty JSON (-p) indented, one member a line");
	nlmsg_free(msg);
}

static void test_print_fdb(struct vsw_msg *m)
{
	struct nl_msg *msg = fdb_reply(VSWITCH_CMD_FDB_GET, false);

	vsw_msg_parse(nlmsg_hdr(msg), m);
	strcpy(m->fdb.dev, "tap1");
	BOTH(vsw_show_fdb(&m->fdb, false),
	     "52:54:00:aa:bb:cc dev tap1 port 2 age 12.3s\n",
	     "{\"mac\":\"52:54:00:aa:bb:cc\",\"dev\":\"tap1\",\"port\":2,"
	     "\"static\":false,\"age_ms\":12345}\n", "fdb entry");
	nlmsg_free(msg);
	msg = fdb_reply(VSWITCH_CMD_FDB_GET, true);
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_fdb(&m->fdb, false), "52:54:00:aa:bb:cc port 2 static\n",
	     "{\"mac\":\"52:54:00:aa:bb:cc\",\"port\":2,\"static\":true,"
	     "\"age_ms\":12345}\n", "fdb static entry, device unknown");
	nlmsg_free(msg);
}

static void test_print_events(struct vsw_msg *m)
{
	struct nl_msg *msg = fdb_reply(VSWITCH_CMD_FDB_NEW_NTF, false);

	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_event(m, false),
	     "fdb new sw0 52:54:00:aa:bb:cc port 2 age 12.3s\n",
	     "{\"event\":\"fdb-new\",\"fdb\":{\"switch\":\"sw0\","
	     "\"mac\":\"52:54:00:aa:bb:cc\",\"port\":2,\"static\":false,"
	     "\"age_ms\":12345}}\n", "event fdb-new");
	nlmsg_free(msg);
	msg = port_reply(VSWITCH_CMD_PORT_DEL_NTF);
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_event(m, false),
	     "port del sw0 port 1 dev tap0 mac 52:54:00:12:34:56 ip 10.0.0.2 "
	     "ip 2001:db8::2 vlan drop dhcp-guard on security on segment 10 "
	     "group 3\n", NULL, "event port-del");
	nlmsg_free(msg);
	msg = switch_reply();
	vsw_msg_parse(nlmsg_hdr(msg), m);
	m->cmd = VSWITCH_CMD_SWITCH_NEW_NTF;
	BOTH(vsw_show_event(m, false),
	     "switch new sw0: ports 2 fdb 5/8192 ageing 300 internal-ifindex 12\n",
	     NULL, "event switch-new");
	m->cmd = VSWITCH_CMD_SWITCH_GET;
	BOTH(vsw_show_event(m, false), "", "", "not an event: nothing printed");
	nlmsg_free(msg);
}

/* A flow log event as the kernel builds it: parsed, printed. */
static void test_print_flow(struct vsw_msg *m)
{
	struct nl_msg *msg = genl_msg(VSWITCH_CMD_FLOW_NTF);
	uint8_t src[4] = { 10, 3, 1, 1 }, dst[4] = { 10, 3, 3, 1 };
	struct nlattr *f;

	nla_put_string(msg, VSWITCH_A_SWITCH_NAME, "sw0");
	f = nla_nest_start(msg, VSWITCH_A_FLOW);
	nla_put_u8(msg, VSWITCH_FLOW_A_EVENT, VSWITCH_FLOW_DROP);
	nla_put_u32(msg, VSWITCH_FLOW_A_IN_PORT, 1);
	nla_put_u32(msg, VSWITCH_FLOW_A_OUT_PORT, 3);
	nla_put_u8(msg, VSWITCH_FLOW_A_FAMILY, AF_INET);
	nla_put(msg, VSWITCH_FLOW_A_SRC, 4, src);
	nla_put(msg, VSWITCH_FLOW_A_DST, 4, dst);
	nla_put_u8(msg, VSWITCH_FLOW_A_PROTO, IPPROTO_TCP);
	nla_put_u16(msg, VSWITCH_FLOW_A_SPORT, 40524);
	nla_put_u16(msg, VSWITCH_FLOW_A_DPORT, 5432);
	nla_put_u32(msg, VSWITCH_FLOW_A_RULE, 0);
	nla_put_u32(msg, VSWITCH_FLOW_A_REASON, VSWITCH_DROP_POLICY);
	nla_put_u32(msg, VSWITCH_FLOW_A_GEN, 2);
	nla_put_u64(msg, VSWITCH_FLOW_A_LOST, 7);
	nla_nest_end(msg, f);
	ok(!vsw_msg_parse(nlmsg_hdr(msg), m) && m->cmd == VSWITCH_CMD_FLOW_NTF,
	   "flow event parses");
	BOTH(vsw_show_flow(m, "2026-12-05T10:41:09.020Z", "web-p", NULL),
	     "2026-12-05T10:41:09.020Z flow drop sw0 tcp 10.3.1.1 sport 40524 -> "
	     "10.3.3.1 dport 5432 in web-p out port 3 rule 0 gen 2 reason policy "
	     "lost 7\n",
	     "{\"time\":\"2026-12-05T10:41:09.020Z\",\"event\":\"drop\","
	     "\"switch\":\"sw0\",\"proto\":\"tcp\",\"src\":\"10.3.1.1\","
	     "\"sport\":40524,\"dst\":\"10.3.3.1\",\"dport\":5432,"
	     "\"in_port\":1,\"in_dev\":\"web-p\",\"out_port\":3,"
	     "\"out_dev\":null,\"reply\":false,\"rule\":0,\"gen\":2,"
	     "\"reason\":\"policy\",\"lost\":7}\n",
	     "flow drop event, one port unknown");
	nlmsg_free(msg);
}

static void test_print_stats(struct vsw_msg *m)
{
	struct nl_msg *msg = genl_msg(VSWITCH_CMD_STATS_GET);
	struct nlattr *p;

	nla_put_string(msg, VSWITCH_A_SWITCH_NAME, "sw0");
	put_stats(msg, VSWITCH_A_STATS, true);
	p = nla_nest_start(msg, VSWITCH_A_PORT);
	nla_put_u32(msg, VSWITCH_PORT_A_ID, 4);
	put_stats(msg, VSWITCH_PORT_A_STATS, false);
	nla_nest_end(msg, p);
	vsw_msg_parse(nlmsg_hdr(msg), m);
	BOTH(vsw_show_stats_reply(m),
	     "sw0:\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    flood 3 learned 5 fdb-full 0\n"
	     "    drops 4: vlan 1 mac-spoof 3\n"
	     "port 4:\n"
	     "    rx: packets 100 bytes 12000  tx: packets 90 bytes 11000\n"
	     "    drops 4: vlan 1 mac-spoof 3\n", NULL, "stats reply");
	out_begin(true);
	vsw_show_stats_reply(m);
	ok(strstr(out_end(), "\"port\":{\"id\":4,\"stats\":{\"rx_packets\":100,"
		  "\"rx_bytes\":12000,\"tx_packets\":90,\"tx_bytes\":11000,"
		  "\"drops_total\":4,\"drops\":{\"malformed\":0,\"src_mac\":0,"
		  "\"vlan\":1,\"mac_spoof\":3,") != NULL,
	   "stats reply: JSON has every reason, by its JSON name");
	nlmsg_free(msg);
}

int main(int argc, char **argv)
{
	struct vsw_msg *m = calloc(1, sizeof(*m));

	if (argc > 1)
		json_out = fopen(argv[1], "w");
	printf("TAP version 13\n");
	test_mac();
	test_addr();
	test_numbers_names();
	usage_cases();
	switch_cases();
	port_cases();
	fdb_stats_monitor_cases();
	test_request();
	test_replies(m);
	test_malformed(m);
	test_print_objects(m);
	test_print_fdb(m);
	test_print_flow(m);
	test_print_events(m);
	test_print_stats(m);
	free(m);
	if (json_out)
		fclose(json_out);
	return tap_done();
}
