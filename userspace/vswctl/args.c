// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - the command line of each object and command, into a request
 *
 * Keywords are matched exactly (no abbreviations). A positional NAME
 * comes first, options follow in any order; a repeated option overrides
 * the earlier one, except "ip", which adds.
 */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "args.h"
#include "cmd.h"
#include "show.h"
#include "util.h"

const char vsw_usage_main[] =
	"Usage: vswctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	"       vswctl [OPTIONS] monitor [switch] [port] [fdb] [flows]\n"
	"       vswctl help | vswctl OBJECT help\n"
	"OBJECT := { switch | port | fdb | stats | policy | ct }\n"
	"OPTIONS := { -j | -p | -s | -n NETNS | -V | -h }\n"
	"  -j, --json        JSON output\n"
	"  -p, --pretty      indented JSON output (implies -j)\n"
	"  -s, --stats       with counters and drops by reason\n"
	"  -n, --netns NETNS in network namespace NETNS (ip netns)\n"
	"  -V, --version     print the version and exit\n"
	"  -h, --help        this help\n";

static const char usage_switch[] =
	"Usage: vswctl switch add NAME [ageing SECS] [fdb-max N] [internal]\n"
	"                         [ct-zone ZONE] [FIREWALL]\n"
	"       vswctl switch set NAME [ageing SECS] [fdb-max N] [FIREWALL]\n"
	"       vswctl switch del NAME\n"
	"       vswctl [-s] switch show [NAME]\n"
	"       vswctl switch help\n"
	"FIREWALL := [firewall on|off] [default allow|drop]\n"
	"            [policy { OBJECT.o | pinned BPFFS-PATH | none }]\n"
	"            [flow-log-rate EVENTS-PER-SEC] [ct-limit N]\n"
	"            [ct-timeout KIND SECS]...\n"
	"KIND := tcp-established | tcp-time-wait | udp | udp-stream | icmp\n";

static const char usage_port[] =
	"Usage: vswctl port add SWITCH dev IFNAME [id ID] [SETTINGS]\n"
	"       vswctl port set SWITCH { dev IFNAME | id ID } SETTINGS\n"
	"       vswctl port del SWITCH { dev IFNAME | id ID }\n"
	"       vswctl [-s] port show [SWITCH] [dev IFNAME | id ID]\n"
	"       vswctl port help\n"
	"SETTINGS := [mac MAC] [ip { ADDR | none }]... [uplink [on|off]]\n"
	"            [vlan forward|drop] [dhcp-guard on|off] [security on|off]\n"
	"            [segment N] [group N]\n";

static const char usage_fdb[] =
	"Usage: vswctl fdb show SWITCH [dev IFNAME | port ID]\n"
	"       vswctl fdb get SWITCH MAC\n"
	"       vswctl fdb add SWITCH MAC { dev IFNAME | port ID } [static]\n"
	"       vswctl fdb del SWITCH MAC\n"
	"       vswctl fdb flush SWITCH [dev IFNAME | port ID] [static]\n"
	"       vswctl fdb help\n";

static const char usage_stats[] =
	"Usage: vswctl stats show SWITCH [dev IFNAME | id ID]\n"
	"       vswctl stats help\n";

static const char usage_policy[] =
	"Usage: vswctl policy check FILE\n"
	"       vswctl policy apply SWITCH FILE\n"
	"       vswctl [-j] policy show SWITCH\n"
	"       vswctl policy help\n"
	"FILE: a policy file (JSON): groups, rules, a default\n"
	"      (Documentation/vswitch/policy.rst)\n";

static const char usage_ct[] =
	"Usage: vswctl [-j] ct show SWITCH [dev IFNAME]\n"
	"       vswctl ct flush SWITCH [dev IFNAME]\n"
	"       vswctl ct help\n";

static const char usage_monitor[] =
	"Usage: vswctl [-s] monitor [switch] [port] [fdb] [flows]\n"
	"       vswctl monitor help\n";

/* ------------------------------------------------------------- helpers */

/* Switch name @s into @r. */
static int switch_name(const char *s, struct vsw_req *r, const char *usage)
{
	if (s[0] == '-')
		return genl_usage_err(usage, "\"%s\": options go before the object",
				      s);
	if (vsw_parse_name(s, r->m.sw.name))
		return genl_bad_value(usage, "switch name", s);
	VSW_SET(&r->m.sw, VSWITCH_A_SWITCH_NAME);
	return 0;
}

/* u32 option @kw in [@min, @max]. */
static int u32_opt(int argc, char **argv, int *i, const char *usage,
		   uint32_t min, uint32_t max, uint32_t *out)
{
	const char *kw = argv[*i];
	const char *v = genl_arg_value(argc, argv, i, usage);

	if (!v)
		return EXIT_USAGE;
	if (genl_parse_u32(v, min, max, out))
		return genl_usage_err(usage, "invalid %s \"%s\" (%u..%u)", kw, v,
				      min, max);
	return 0;
}

/* "dev IFNAME" or "id ID" (@id_kw: "id" or "port") into the port nest. */
static int port_sel(int argc, char **argv, int *i, struct vsw_port *p,
		    const char *id_kw, const char *usage)
{
	const char *v;

	if (!strcmp(argv[*i], "dev")) {
		v = genl_arg_value(argc, argv, i, usage);
		if (!v)
			return EXIT_USAGE;
		if (vsw_parse_name(v, p->ifname))
			return genl_bad_value(usage, "device name", v);
		VSW_SET(p, VSWITCH_PORT_A_IFNAME);
		return 0;
	}
	if (!strcmp(argv[*i], id_kw)) {
		if (u32_opt(argc, argv, i, usage, 1, VSWITCH_MAX_PORTS, &p->id))
			return EXIT_USAGE;
		VSW_SET(p, VSWITCH_PORT_A_ID);
		return 0;
	}
	return 1;
}

static bool port_selected(const struct vsw_port *p)
{
	return VSW_HAS(p, VSWITCH_PORT_A_IFNAME) || VSW_HAS(p, VSWITCH_PORT_A_ID);
}

/* ---------------------------------------------------------------- switch */

/* "KW ONE|ZERO" at argv[*i] (usage @usage): *out 1 or 0. */
static int choice_opt(int argc, char **argv, int *i, const char *usage,
		      const char *one, const char *zero, uint8_t *out)
{
	const char *kw = argv[*i];
	const char *v = genl_arg_value(argc, argv, i, usage);
	int c;

	if (!v)
		return EXIT_USAGE;
	c = vsw_parse_choice(v, one, zero);
	if (c < 0)
		return genl_usage_err(usage, "%s takes %s or %s, not \"%s\"",
				      kw, one, zero, v);
	*out = (uint8_t)c;
	return 0;
}

static int switch_opts(int argc, char **argv, struct vsw_req *r, bool add)
{
	struct vsw_switch *s = &r->m.sw;
	uint32_t v;
	uint8_t c = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "ageing")) {
			if (u32_opt(argc, argv, &i, usage_switch, VSWITCH_AGEING_MIN,
				    VSWITCH_AGEING_MAX, &s->ageing))
				return EXIT_USAGE;
			VSW_SET(s, VSWITCH_A_AGEING_TIME);
		} else if (!strcmp(argv[i], "fdb-max")) {
			if (u32_opt(argc, argv, &i, usage_switch, 1,
				    VSWITCH_FDB_MAX_HARD, &s->fdb_max))
				return EXIT_USAGE;
			VSW_SET(s, VSWITCH_A_FDB_MAX);
		} else if (add && !strcmp(argv[i], "internal")) {
			VSW_SET(s, VSWITCH_A_INTERNAL);
		} else if (add && !strcmp(argv[i], "ct-zone")) {
			if (u32_opt(argc, argv, &i, usage_switch, 1, UINT16_MAX, &v))
				return EXIT_USAGE;
			s->ct_zone = (uint16_t)v;
			VSW_SET(s, VSWITCH_A_CT_ZONE);
		} else if (!strcmp(argv[i], "firewall") ||
			   !strcmp(argv[i], "default")) {
			bool fw = argv[i][0] == 'f';

			if (choice_opt(argc, argv, &i, usage_switch, fw ? "on" : "drop",
				       fw ? "off" : "allow", &c))
				return EXIT_USAGE;
			if (fw) {
				s->firewall = c;
				VSW_SET(s, VSWITCH_A_FIREWALL);
			} else {
				s->default_verdict = c ? VSWITCH_VERDICT_DROP :
							 VSWITCH_VERDICT_ALLOW;
				VSW_SET(s, VSWITCH_A_DEFAULT_VERDICT);
			}
		} else if (!strcmp(argv[i], "flow-log-rate")) {
			if (u32_opt(argc, argv, &i, usage_switch, 0, 1000000,
				    &s->flow_log_rate))
				return EXIT_USAGE;
			VSW_SET(s, VSWITCH_A_FLOW_LOG_RATE);
		} else if (!strcmp(argv[i], "ct-timeout")) {
			const char *v, *k = genl_arg_value(argc, argv, &i,
							      usage_switch);
			int a;

			if (!k)
				return EXIT_USAGE;
			for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++)
				if (!strcmp(k, vsw_ct_timeout_name(a, false)))
					break;
			if (a > VSWITCH_CT_TIMEOUT_A_MAX)
				return genl_bad_value(usage_switch, "ct-timeout kind", k);
			v = genl_arg_value(argc, argv, &i, usage_switch);
			if (!v)
				return EXIT_USAGE;
			if (genl_parse_u32(v, 0, VSWITCH_CT_TIMEOUT_MAX,
					   &s->ct_timeout[a]))
				return genl_usage_err(usage_switch,
						      "invalid ct-timeout %s \"%s\" (0..%u seconds)",
						      k, v, VSWITCH_CT_TIMEOUT_MAX);
			s->ct_timeout_has |= 1U << a;
			VSW_SET(s, VSWITCH_A_CT_TIMEOUT);
		} else if (!strcmp(argv[i], "ct-limit")) {
			if (u32_opt(argc, argv, &i, usage_switch, 0,
				    VSWITCH_CT_LIMIT_MAX, &s->ct_limit))
				return EXIT_USAGE;
			VSW_SET(s, VSWITCH_A_CT_LIMIT);
		} else if (!strcmp(argv[i], "policy")) {
			const char *o = genl_arg_value(argc, argv, &i, usage_switch);

			if (o && !strcmp(o, "pinned")) {
				s->policy_pinned = true;
				o = genl_arg_value(argc, argv, &i, usage_switch);
			}
			if (!o)
				return EXIT_USAGE;
			if (!*o || strlen(o) >= sizeof(s->policy_obj))
				return genl_bad_value(usage_switch, "policy object", o);
			strcpy(s->policy_obj, o);
			s->policy_fd = -1;
			VSW_SET(s, VSWITCH_A_POLICY_FD);
		} else {
			return genl_usage_err(usage_switch, "unknown argument \"%s\"",
					      argv[i]);
		}
	}
	return 0;
}

/* argv[0] is NAME (required unless @optional), the rest options. */
static int switch_args(int argc, char **argv, struct vsw_req *r, bool optional)
{
	if (argc < 1) {
		if (optional)
			return 0;
		return genl_usage_err(usage_switch, "a switch name is required");
	}
	return switch_name(argv[0], r, usage_switch);
}

static int parse_switch_add(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_SWITCH_NEW;
	return switch_args(argc, argv, r, false) ?:
	       switch_opts(argc, argv, r, true);
}

static int parse_switch_set(int argc, char **argv, struct vsw_req *r)
{
	int ret;

	r->m.cmd = VSWITCH_CMD_SWITCH_SET;
	ret = switch_args(argc, argv, r, false) ?:
	      switch_opts(argc, argv, r, false);
	if (!ret && argc < 2)
		return genl_usage_err(usage_switch, "nothing to set");
	return ret;
}

static int only_name(int argc, char **argv, struct vsw_req *r, bool optional)
{
	int ret = switch_args(argc, argv, r, optional);

	if (!ret && argc > 1)
		return genl_usage_err(usage_switch, "unknown argument \"%s\"",
				      argv[1]);
	return ret;
}

static int parse_switch_del(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_SWITCH_DEL;
	return only_name(argc, argv, r, false);
}

static int parse_switch_show(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_SWITCH_GET;
	r->dump = argc == 0;
	return only_name(argc, argv, r, true);
}

/* ------------------------------------------------------------------ port */

static int port_ip(const char *v, struct vsw_port *p)
{
	union { struct in_addr a4; struct in6_addr a6; } a;
	int af;

	VSW_SET(p, VSWITCH_PORT_A_ADDRS);
	if (!strcmp(v, "none"))
		return 0;
	af = vsw_parse_addr(v, &a);
	if (af == AF_INET && p->n_ipv4 < VSWITCH_PORT_MAX_IPV4)
		p->ipv4[p->n_ipv4++] = a.a4;
	else if (af == AF_INET6 && p->n_ipv6 < VSWITCH_PORT_MAX_IPV6)
		p->ipv6[p->n_ipv6++] = a.a6;
	else if (af < 0)
		return genl_usage_err(usage_port, "invalid ip \"%s\" (an IPv4 or "
				      "IPv6 address, no prefix length)", v);
	else
		return genl_usage_err(usage_port, "at most %d addresses per family",
				      VSWITCH_PORT_MAX_IPV4);
	return 0;
}

/* A u8 setting: @kw followed by one of @one/@zero. */
static int port_choice(int argc, char **argv, int *i, const char *one,
		       const char *zero, uint8_t *out)
{
	return choice_opt(argc, argv, i, usage_port, one, zero, out);
}

/* "uplink" alone means on; "uplink on|off" sets it. */
static int port_uplink(int argc, char **argv, int *i, struct vsw_port *p)
{
	int c = *i + 1 < argc ? vsw_parse_choice(argv[*i + 1], "on", "off") : -1;

	p->uplink = c != 0;
	if (c >= 0)
		++*i;
	VSW_SET(p, VSWITCH_PORT_A_UPLINK);
	return 0;
}

static const struct {
	const char *kw, *one, *zero;
	int attr;
	size_t off;
} choices[] = {
	{ "vlan", "forward", "drop", VSWITCH_PORT_A_VLAN,
	  offsetof(struct vsw_port, vlan) },
	{ "dhcp-guard", "on", "off", VSWITCH_PORT_A_DHCP_GUARD,
	  offsetof(struct vsw_port, dhcp_guard) },
	{ "security", "on", "off", VSWITCH_PORT_A_SECURITY,
	  offsetof(struct vsw_port, security) },
};

static int port_u32(int argc, char **argv, int *i, struct vsw_port *p)
{
	bool seg = !strcmp(argv[*i], "segment");

	if (u32_opt(argc, argv, i, usage_port, 0, UINT32_MAX,
		    seg ? &p->segment : &p->secgroup))
		return EXIT_USAGE;
	VSW_SET(p, seg ? VSWITCH_PORT_A_SEGMENT : VSWITCH_PORT_A_SECGROUP);
	return 0;
}

/* One setting at argv[*i]. Return: 0, 1 (not a setting) or EXIT_USAGE. */
static int port_setting(int argc, char **argv, int *i, struct vsw_port *p)
{
	const char *kw = argv[*i], *v;
	size_t c;

	for (c = 0; c < sizeof(choices) / sizeof(choices[0]); c++) {
		if (strcmp(kw, choices[c].kw))
			continue;
		VSW_SET(p, choices[c].attr);
		return port_choice(argc, argv, i, choices[c].one, choices[c].zero,
				   (uint8_t *)p + choices[c].off);
	}
	if (!strcmp(kw, "uplink"))
		return port_uplink(argc, argv, i, p);
	if (!strcmp(kw, "segment") || !strcmp(kw, "group"))
		return port_u32(argc, argv, i, p);
	if (strcmp(kw, "mac") && strcmp(kw, "ip"))
		return 1;
	v = genl_arg_value(argc, argv, i, usage_port);
	if (!v)
		return EXIT_USAGE;
	if (!strcmp(kw, "ip"))
		return port_ip(v, p);
	if (vsw_parse_mac(v, p->mac))
		return genl_usage_err(usage_port, "invalid mac \"%s\" "
				      "(xx:xx:xx:xx:xx:xx)", v);
	VSW_SET(p, VSWITCH_PORT_A_MAC);
	return 0;
}

/*
 * SWITCH, then selectors (and settings if @settings) in any order.
 * @need_sel: a selector is required.
 */
static int port_args(int argc, char **argv, struct vsw_req *r, bool settings,
		     bool need_sel)
{
	struct vsw_port *p = &r->m.port;
	int i, ret;

	if (argc < 1)
		return genl_usage_err(usage_port, "a switch name is required");
	if (switch_name(argv[0], r, usage_port))
		return EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		ret = port_sel(argc, argv, &i, p, "id", usage_port);
		if (ret == 1 && settings)
			ret = port_setting(argc, argv, &i, p);
		if (ret == 1)
			return genl_usage_err(usage_port, "unknown argument \"%s\"",
					      argv[i]);
		if (ret)
			return ret;
	}
	if (p->has)
		VSW_SET(&r->m.sw, VSWITCH_A_PORT);
	if (need_sel && !port_selected(p))
		return genl_usage_err(usage_port, "which port? (dev IFNAME or id ID)");
	return 0;
}

static int parse_port_add(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_PORT_ADD;
	if (port_args(argc, argv, r, true, false))
		return EXIT_USAGE;
	if (!VSW_HAS(&r->m.port, VSWITCH_PORT_A_IFNAME))
		return genl_usage_err(usage_port, "the device is required (dev IFNAME)");
	return 0;
}

static int parse_port_set(int argc, char **argv, struct vsw_req *r)
{
	uint64_t sel = VSW_BIT(VSWITCH_PORT_A_IFNAME) | VSW_BIT(VSWITCH_PORT_A_ID);

	r->m.cmd = VSWITCH_CMD_PORT_SET;
	if (port_args(argc, argv, r, true, true))
		return EXIT_USAGE;
	if (!(r->m.port.has & ~sel))
		return genl_usage_err(usage_port, "nothing to set");
	return 0;
}

static int parse_port_del(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_PORT_DEL;
	return port_args(argc, argv, r, false, true);
}

/* [SWITCH] [dev IFNAME | id ID]: the first word is SWITCH unless a keyword. */
static int parse_port_show(int argc, char **argv, struct vsw_req *r)
{
	struct vsw_port *p = &r->m.port;
	int i, ret;

	r->m.cmd = VSWITCH_CMD_PORT_GET;
	if (argc && strcmp(argv[0], "dev") && strcmp(argv[0], "id")) {
		if (port_args(argc, argv, r, false, false))
			return EXIT_USAGE;
		r->dump = !port_selected(p);
		return 0;
	}
	r->any_switch = r->dump = true;
	for (i = 0; i < argc; i++) {
		ret = port_sel(argc, argv, &i, p, "dev", usage_port);
		if (ret == 1)
			return genl_usage_err(usage_port, "unknown argument \"%s\"%s",
					      argv[i], strcmp(argv[i], "id") ? "" :
					      " (id needs a SWITCH)");
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------------------------- fdb */

/* SWITCH [MAC] then options: "dev IFNAME | port ID", "static" if allowed. */
static int fdb_args(int argc, char **argv, struct vsw_req *r, bool mac,
		    bool sel, bool stat)
{
	struct vsw_fdb *f = &r->m.fdb;
	struct vsw_port p = { 0 };
	int i = mac ? 2 : 1, ret;

	if (argc < i)
		return genl_usage_err(usage_fdb, "%s required", mac ?
				      "a switch name and a MAC address are" :
				      "a switch name is");
	if (switch_name(argv[0], r, usage_fdb))
		return EXIT_USAGE;
	if (mac && vsw_parse_mac(argv[1], f->mac))
		return genl_usage_err(usage_fdb, "invalid MAC address \"%s\" "
				      "(xx:xx:xx:xx:xx:xx)", argv[1]);
	if (mac)
		VSW_SET(f, VSWITCH_FDB_A_MAC);
	for (; i < argc; i++) {
		ret = sel ? port_sel(argc, argv, &i, &p, "port", usage_fdb) : 1;
		if (ret == 1 && stat && !strcmp(argv[i], "static")) {
			VSW_SET(f, VSWITCH_FDB_A_STATIC);
			ret = 0;
		}
		if (ret == 1)
			return genl_usage_err(usage_fdb, "unknown argument \"%s\"",
					      argv[i]);
		if (ret)
			return ret;
	}
	memcpy(r->dev, p.ifname, sizeof(r->dev));
	f->port_id = p.id;
	if (VSW_HAS(&p, VSWITCH_PORT_A_ID))
		VSW_SET(f, VSWITCH_FDB_A_PORT_ID);
	return 0;
}

static int parse_fdb_show(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_FDB_GET;
	r->dump = true;
	return fdb_args(argc, argv, r, false, true, false);
}

static int parse_fdb_get(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_FDB_GET;
	VSW_SET(&r->m.sw, VSWITCH_A_FDB);
	return fdb_args(argc, argv, r, true, false, false);
}

static int parse_fdb_add(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_FDB_ADD;
	if (fdb_args(argc, argv, r, true, true, true))
		return EXIT_USAGE;
	if (!r->dev[0] && !VSW_HAS(&r->m.fdb, VSWITCH_FDB_A_PORT_ID))
		return genl_usage_err(usage_fdb, "which port? (dev IFNAME or port ID)");
	/* Entries added by hand are always static: no attribute for it. */
	r->m.fdb.has &= ~VSW_BIT(VSWITCH_FDB_A_STATIC);
	VSW_SET(&r->m.sw, VSWITCH_A_FDB);
	return 0;
}

static int parse_fdb_del(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_FDB_DEL;
	VSW_SET(&r->m.sw, VSWITCH_A_FDB);
	return fdb_args(argc, argv, r, true, false, false);
}

static int parse_fdb_flush(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_FDB_FLUSH;
	if (fdb_args(argc, argv, r, false, true, true))
		return EXIT_USAGE;
	if (r->m.fdb.has || r->dev[0])
		VSW_SET(&r->m.sw, VSWITCH_A_FDB);
	return 0;
}

/* ----------------------------------------------------- stats and monitor */

static int parse_stats_show(int argc, char **argv, struct vsw_req *r)
{
	int i, ret;

	r->m.cmd = VSWITCH_CMD_STATS_GET;
	if (argc < 1)
		return genl_usage_err(usage_stats, "a switch name is required");
	if (switch_name(argv[0], r, usage_stats))
		return EXIT_USAGE;
	for (i = 1; i < argc; i++) {
		ret = port_sel(argc, argv, &i, &r->m.port, "id", usage_stats);
		if (ret == 1)
			return genl_usage_err(usage_stats, "unknown argument \"%s\"",
					      argv[i]);
		if (ret)
			return ret;
		VSW_SET(&r->m.sw, VSWITCH_A_PORT);
	}
	return 0;
}

static int parse_monitor(int argc, char **argv, struct vsw_req *r)
{
	static const char *const names[] = { "switch", "port", "fdb", "flows" };
	int i;
	unsigned int b;

	for (i = 0; i < argc; i++) {
		for (b = 0; b < 4 && strcmp(argv[i], names[b]); b++)
			;
		if (b == 4)
			return genl_usage_err(usage_monitor, "unknown argument \"%s\"",
					      argv[i]);
		r->events |= 1u << b;
	}
	if (!r->events)
		r->events = VSW_EV_SWITCH | VSW_EV_PORT | VSW_EV_FDB;
	return 0;
}

/* policy check FILE | apply SWITCH FILE | show SWITCH */
static int policy_args(int argc, char **argv, struct vsw_req *r, bool sw,
		       bool file)
{
	int want = sw + file, i = 0;

	if (argc < want)
		return genl_usage_err(usage_policy, "%s required",
				      sw && !argc ? "a switch name is" :
						    "a policy file is");
	if (argc > want)
		return genl_usage_err(usage_policy, "unknown argument \"%s\"",
				      argv[want]);
	if (sw && switch_name(argv[i++], r, usage_policy))
		return EXIT_USAGE;
	if (file) {
		if (!argv[i][0])
			return genl_usage_err(usage_policy, "an empty file name");
		r->file = argv[i];
	}
	return 0;
}

static int parse_policy_check(int argc, char **argv, struct vsw_req *r)
{
	return policy_args(argc, argv, r, false, true);
}

static int parse_policy_apply(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_SWITCH_SET;
	return policy_args(argc, argv, r, true, true);
}

static int parse_policy_show(int argc, char **argv, struct vsw_req *r)
{
	r->m.cmd = VSWITCH_CMD_SWITCH_GET;
	return policy_args(argc, argv, r, true, false);
}

/* ct show|flush SWITCH [dev IFNAME] */
static int parse_ct(int argc, char **argv, struct vsw_req *r)
{
	if (!argc)
		return genl_usage_err(usage_ct, "a switch name is required");
	if (switch_name(argv[0], r, usage_ct))
		return EXIT_USAGE;
	if (argc == 1)
		return 0;
	if (strcmp(argv[1], "dev"))
		return genl_usage_err(usage_ct, "unknown argument \"%s\"", argv[1]);
	if (argc == 2)
		return genl_usage_err(usage_ct, "option \"dev\" needs a value");
	if (vsw_parse_name(argv[2], r->dev))
		return genl_bad_value(usage_ct, "device name", argv[2]);
	if (argc > 3)
		return genl_usage_err(usage_ct, "unknown argument \"%s\"", argv[3]);
	return 0;
}

/* --------------------------------------------------------------- objects */

static const struct vsw_cmd_def switch_cmds[] = {
	{ "add", parse_switch_add, vsw_run_switch_change, false },
	{ "set", parse_switch_set, vsw_run_switch_change, false },
	{ "del", parse_switch_del, vsw_run_do, false },
	{ "show", parse_switch_show, vsw_run_switch_show, false },
	{ NULL, NULL, NULL, false },
};

static const struct vsw_cmd_def port_cmds[] = {
	{ "add", parse_port_add, vsw_run_do, false },
	{ "set", parse_port_set, vsw_run_do, false },
	{ "del", parse_port_del, vsw_run_do, false },
	{ "show", parse_port_show, vsw_run_port_show, false },
	{ NULL, NULL, NULL, false },
};

static const struct vsw_cmd_def fdb_cmds[] = {
	{ "show", parse_fdb_show, vsw_run_fdb_show, false },
	{ "get", parse_fdb_get, vsw_run_fdb_show, false },
	{ "add", parse_fdb_add, vsw_run_fdb_port, false },
	{ "del", parse_fdb_del, vsw_run_do, false },
	{ "flush", parse_fdb_flush, vsw_run_fdb_port, false },
	{ NULL, NULL, NULL, false },
};

static const struct vsw_cmd_def stats_cmds[] = {
	{ "show", parse_stats_show, vsw_run_stats, false },
	{ NULL, NULL, NULL, false },
};

static const struct vsw_cmd_def policy_cmds[] = {
	{ "check", parse_policy_check, vsw_run_policy_check, true },
	{ "apply", parse_policy_apply, vsw_run_policy_apply, false },
	{ "show", parse_policy_show, vsw_run_policy_show, false },
	{ NULL, NULL, NULL, false },
};

static const struct vsw_cmd_def ct_cmds[] = {
	{ "show", parse_ct, vsw_run_ct_show, false },
	{ "flush", parse_ct, vsw_run_ct_flush, false },
	{ NULL, NULL, NULL, false },
};

/* monitor has no command word: its one "command" takes every argument. */
static const struct vsw_cmd_def monitor_cmds[] = {
	{ "", parse_monitor, vsw_run_monitor, false },
	{ NULL, NULL, NULL, false },
};

static const struct vsw_object objects[] = {
	{ "switch", usage_switch, switch_cmds, "show" },
	{ "port", usage_port, port_cmds, "show" },
	{ "fdb", usage_fdb, fdb_cmds, NULL },
	{ "stats", usage_stats, stats_cmds, NULL },
	{ "policy", usage_policy, policy_cmds, NULL },
	{ "ct", usage_ct, ct_cmds, NULL },
	{ "monitor", usage_monitor, monitor_cmds, "" },
};

const struct vsw_object *vsw_object_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++)
		if (!strcmp(objects[i].name, name))
			return &objects[i];
	return NULL;
}

static const struct vsw_cmd_def *cmd_find(const struct vsw_object *o,
					  const char *name)
{
	const struct vsw_cmd_def *c;

	for (c = o->cmds; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int vsw_args_parse(const struct vsw_object *o, int argc, char **argv,
		   struct vsw_req *r, const struct vsw_cmd_def **cmd)
{
	int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "help"))
			return genl_help(o->usage), VSW_HELP;
	if (o->def_cmd && !o->def_cmd[0]) {	/* monitor */
		*cmd = o->cmds;
		return (*cmd)->parse(argc, argv, r);
	}
	if (!argc && !o->def_cmd)
		return genl_usage_err(o->usage, "%s: a command is required", o->name);
	*cmd = cmd_find(o, argc ? argv[0] : o->def_cmd);
	if (!*cmd)
		return genl_usage_err(o->usage, "%s: unknown command \"%s\"",
				      o->name, argv[0]);
	return (*cmd)->parse(argc ? argc - 1 : 0, argv + 1, r);
}
