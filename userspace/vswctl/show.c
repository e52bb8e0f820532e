// SPDX-License-Identifier: GPL-2.0
/*
 * show.c - text and JSON output from the same calls
 *
 * Text is one line per object in the command's own keywords ("dev tap0
 * vlan drop ..."), so that a line reads like the command that made it;
 * counters (-s) follow on indented lines. JSON has one object per switch,
 * port or entry, with the same fields.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

#include "print.h"
#include "show.h"
#include "util.h"

static const char *const drop_names[VSWITCH_DROP_MAX + 1][2] = {
	[VSWITCH_DROP_MALFORMED] = { "malformed", "malformed" },
	[VSWITCH_DROP_SRC_MAC] = { "src-mac", "src_mac" },
	[VSWITCH_DROP_VLAN] = { "vlan", "vlan" },
	[VSWITCH_DROP_MAC_SPOOF] = { "mac-spoof", "mac_spoof" },
	[VSWITCH_DROP_IPV4_SPOOF] = { "ipv4-spoof", "ipv4_spoof" },
	[VSWITCH_DROP_ARP_SPOOF] = { "arp-spoof", "arp_spoof" },
	[VSWITCH_DROP_IPV6_SPOOF] = { "ipv6-spoof", "ipv6_spoof" },
	[VSWITCH_DROP_ND_SPOOF] = { "nd-spoof", "nd_spoof" },
	[VSWITCH_DROP_DHCP_SERVER] = { "dhcp-server", "dhcp_server" },
	[VSWITCH_DROP_POLICY] = { "policy", "policy" },
	[VSWITCH_DROP_HAIRPIN] = { "hairpin", "hairpin" },
	[VSWITCH_DROP_UPLINK_LOOP] = { "uplink-loop", "uplink_loop" },
	[VSWITCH_DROP_NO_DEST] = { "no-dest", "no_dest" },
	[VSWITCH_DROP_MTU] = { "mtu", "mtu" },
	[VSWITCH_DROP_PORT_DOWN] = { "port-down", "port_down" },
	[VSWITCH_DROP_TX_ERROR] = { "tx-error", "tx_error" },
	[VSWITCH_DROP_NOMEM] = { "nomem", "nomem" },
	[VSWITCH_DROP_CT_INVALID] = { "ct-invalid", "ct_invalid" },
	[VSWITCH_DROP_CT_FRAG] = { "ct-frag", "ct_frag" },
	[VSWITCH_DROP_CT_COMMIT] = { "ct-commit", "ct_commit" },
	[VSWITCH_DROP_POLICY_CUT] = { "policy-cut", "policy_cut" },
	[VSWITCH_DROP_POLICY_ERROR] = { "policy-error", "policy_error" },
	[VSWITCH_DROP_POLICY_REJECT] = { "policy-reject", "policy_reject" },
	[VSWITCH_DROP_CT_LIMIT] = { "ct-limit", "ct_limit" },
};

static const char *const ct_timeout_names[][2] = {
	[VSWITCH_CT_TIMEOUT_A_TCP_ESTABLISHED] = { "tcp-established", "tcp_established" },
	[VSWITCH_CT_TIMEOUT_A_TCP_TIME_WAIT] = { "tcp-time-wait", "tcp_time_wait" },
	[VSWITCH_CT_TIMEOUT_A_UDP] = { "udp", "udp" },
	[VSWITCH_CT_TIMEOUT_A_UDP_STREAM] = { "udp-stream", "udp_stream" },
	[VSWITCH_CT_TIMEOUT_A_ICMP] = { "icmp", "icmp" },
};

const char *vsw_ct_timeout_name(int a, bool json)
{
	if (a <= 0 || a > VSWITCH_CT_TIMEOUT_A_MAX)
		return NULL;
	return ct_timeout_names[a][json];
}

const char *vsw_drop_name(int reason, bool json)
{
	if (reason <= VSWITCH_DROP_NONE || reason > VSWITCH_DROP_MAX ||
	    !drop_names[reason][0])
		return NULL;
	return drop_names[reason][json];
}

/* A u64 counter if present: text " NAME VALUE", JSON "KEY": VALUE. */
static void counter(const struct vsw_stats *st, int attr, const char *key,
		    const char *fmt, uint64_t v)
{
	if (VSW_HAS(st, attr))
		pr_u64(PR_ANY, key, fmt, v);
}

static void show_drops(const struct vsw_stats *st)
{
	bool colon = false;
	const char *name;
	char fmt[64];
	int r;

	counter(st, VSWITCH_STATS_A_DROPS_TOTAL, "drops_total",
		"    drops %" PRIu64, st->drops_total);
	if (!VSW_HAS(st, VSWITCH_STATS_A_DROPS))
		goto out;
	pr_open_object("drops");
	for (r = 1; r <= VSWITCH_DROP_MAX; r++) {
		name = vsw_drop_name(r, pr_is_json());
		if (!name || !(st->drops_has & VSW_BIT(r)))
			continue;
		/* text: "drops N: REASON N ...", no colon without a reason */
		if (st->drops[r] && !colon) {
			pr_text(":");
			colon = true;
		}
		/* text lists the reasons that happened, JSON all of them */
		if (st->drops[r] || pr_is_json()) {
			snprintf(fmt, sizeof(fmt), " %s %%" PRIu64,
				 vsw_drop_name(r, false));
			pr_u64(PR_ANY, name, fmt, st->drops[r]);
		}
	}
	pr_close_object();
out:
	pr_eol();
}

static void show_stats(const struct vsw_stats *st)
{
	if (!st->has)
		return;
	pr_eol();
	pr_open_object("stats");
	pr_text("    rx:");
	counter(st, VSWITCH_STATS_A_RX_PACKETS, "rx_packets", " packets %" PRIu64,
		st->rx_packets);
	counter(st, VSWITCH_STATS_A_RX_BYTES, "rx_bytes", " bytes %" PRIu64,
		st->rx_bytes);
	pr_text("  tx:");
	counter(st, VSWITCH_STATS_A_TX_PACKETS, "tx_packets", " packets %" PRIu64,
		st->tx_packets);
	counter(st, VSWITCH_STATS_A_TX_BYTES, "tx_bytes", " bytes %" PRIu64,
		st->tx_bytes);
	pr_eol();
	if (VSW_HAS(st, VSWITCH_STATS_A_FLOOD_PACKETS)) {
		counter(st, VSWITCH_STATS_A_FLOOD_PACKETS, "flood_packets",
			"    flood %" PRIu64, st->flood_packets);
		counter(st, VSWITCH_STATS_A_FDB_LEARNED, "fdb_learned",
			" learned %" PRIu64, st->fdb_learned);
		counter(st, VSWITCH_STATS_A_FDB_FULL, "fdb_full",
			" fdb-full %" PRIu64, st->fdb_full);
		pr_eol();
	}
	/* text: only once the firewall held a fragment */
	if (VSW_HAS(st, VSWITCH_STATS_A_FRAGS_QUEUED) &&
	    (st->frags_queued || pr_is_json())) {
		counter(st, VSWITCH_STATS_A_FRAGS_QUEUED, "frags_queued",
			"    frags-queued %" PRIu64, st->frags_queued);
		pr_eol();
	}
	show_drops(st);
	pr_close_object();
}

/* The switch's own timeouts: text " ct-timeout KIND SECS" for each set. */
static void show_ct_timeouts(const struct vsw_switch *s, int text)
{
	char fmt[48];
	int a;

	pr_open_object("ct_timeout");
	for (a = 1; a <= VSWITCH_CT_TIMEOUT_A_MAX; a++) {
		if (!(s->ct_timeout_has & (1U << a)))
			continue;
		snprintf(fmt, sizeof(fmt), " ct-timeout %s %%" PRIu64,
			 vsw_ct_timeout_name(a, false));
		pr_u64(s->ct_timeout[a] ? text : PR_JSON,
		       vsw_ct_timeout_name(a, true), fmt, s->ct_timeout[a]);
	}
	pr_close_object();
}

/*
 * The firewall: in JSON always, in text once it is on or has a policy
 * (a plain switch prints as before).
 */
static void show_firewall(const struct vsw_switch *s)
{
	int text = s->firewall || s->policy_id ? PR_ANY : PR_JSON;

	if (VSW_HAS(s, VSWITCH_A_FIREWALL)) {
		if (text & PR_TEXT)
			pr_str(PR_TEXT, "firewall", " firewall %s",
			       s->firewall ? "on" : "off");
		pr_bool(PR_JSON, "firewall", NULL, s->firewall);
	}
	if (VSW_HAS(s, VSWITCH_A_CT_ZONE))
		pr_u64(text, "ct_zone", " ct-zone %" PRIu64, s->ct_zone);
	if (VSW_HAS(s, VSWITCH_A_DEFAULT_VERDICT))
		pr_str(text, "default", " default %s",
		       s->default_verdict == VSWITCH_VERDICT_ALLOW ? "allow" :
								    "drop");
	if (VSW_HAS(s, VSWITCH_A_POLICY_ID))
		pr_u64(text, "policy_id", " policy %" PRIu64, s->policy_id);
	if (VSW_HAS(s, VSWITCH_A_POLICY_GEN))
		pr_u64(text, "policy_gen", " gen %" PRIu64, s->policy_gen);
	if (VSW_HAS(s, VSWITCH_A_FLOW_LOG_RATE))
		pr_u64(text, "flow_log_rate", " flow-log-rate %" PRIu64,
		       s->flow_log_rate);
	/* in text only when set */
	if (VSW_HAS(s, VSWITCH_A_CT_LIMIT))
		pr_u64(s->ct_limit ? text : PR_JSON, "ct_limit",
		       " ct-limit %" PRIu64, s->ct_limit);
	if (VSW_HAS(s, VSWITCH_A_CT_TIMEOUT))
		show_ct_timeouts(s, text);
	if (VSW_HAS(s, VSWITCH_A_FLOW_LOG_LOST))
		pr_u64(PR_JSON, "flow_log_lost", NULL, s->flow_log_lost);
	if (VSW_HAS(s, VSWITCH_A_RULES_UNCOUNTED))
		pr_u64(PR_JSON, "rules_uncounted", NULL, s->rules_uncounted);
}

static void show_switch(const char *key, const struct vsw_switch *s,
			bool stats)
{
	pr_open_object(key);
	pr_str(PR_ANY, "name", "%s:", s->name);
	if (VSW_HAS(s, VSWITCH_A_N_PORTS))
		pr_u64(PR_ANY, "ports", " ports %" PRIu64, s->n_ports);
	if (VSW_HAS(s, VSWITCH_A_FDB_COUNT))
		pr_u64(PR_ANY, "fdb_count", " fdb %" PRIu64, s->fdb_count);
	if (VSW_HAS(s, VSWITCH_A_FDB_MAX))
		pr_u64(PR_ANY, "fdb_max", "/%" PRIu64, s->fdb_max);
	if (VSW_HAS(s, VSWITCH_A_AGEING_TIME))
		pr_u64(PR_ANY, "ageing", " ageing %" PRIu64, s->ageing);
	if (VSW_HAS(s, VSWITCH_A_INTERNAL_IFINDEX))
		pr_u64(PR_ANY, "internal_ifindex", " internal-ifindex %" PRIu64,
		       s->internal_ifindex);
	show_firewall(s);
	if (stats)
		show_stats(&s->stats);
	else
		pr_eol();
	pr_close_object();
}

/* A u8 0/1 setting: text " KEYWORD on|off", JSON boolean. */
static void onoff(const struct vsw_port *p, int attr, const char *key,
		  const char *fmt, uint8_t v)
{
	if (!VSW_HAS(p, attr))
		return;
	pr_str(PR_TEXT, key, fmt, v ? "on" : "off");
	pr_bool(PR_JSON, key, NULL, v);
}

static void show_addrs(const struct vsw_port *p)
{
	char buf[VSW_ADDR_STRLEN];
	int i;

	pr_open_array("ip");
	for (i = 0; i < p->n_ipv4; i++) {
		inet_ntop(AF_INET, &p->ipv4[i], buf, sizeof(buf));
		pr_str(PR_ANY, NULL, " ip %s", buf);
	}
	for (i = 0; i < p->n_ipv6; i++) {
		inet_ntop(AF_INET6, &p->ipv6[i], buf, sizeof(buf));
		pr_str(PR_ANY, NULL, " ip %s", buf);
	}
	pr_close_array();
}

static void show_port_settings(const struct vsw_port *p)
{
	char mac[VSW_MAC_STRLEN];

	if (VSW_HAS(p, VSWITCH_PORT_A_MAC)) {
		vsw_format_mac(p->mac, mac);
		pr_str(PR_ANY, "mac", " mac %s", mac);
	}
	if (VSW_HAS(p, VSWITCH_PORT_A_ADDRS))
		show_addrs(p);
	if (VSW_HAS(p, VSWITCH_PORT_A_UPLINK) && p->uplink)
		pr_text(" uplink");
	if (VSW_HAS(p, VSWITCH_PORT_A_UPLINK))
		pr_bool(PR_JSON, "uplink", NULL, p->uplink);
	if (VSW_HAS(p, VSWITCH_PORT_A_VLAN))
		pr_str(PR_ANY, "vlan", " vlan %s", p->vlan ? "forward" : "drop");
	onoff(p, VSWITCH_PORT_A_DHCP_GUARD, "dhcp_guard", " dhcp-guard %s",
	      p->dhcp_guard);
	onoff(p, VSWITCH_PORT_A_SECURITY, "security", " security %s",
	      p->security);
	if (VSW_HAS(p, VSWITCH_PORT_A_SEGMENT))
		pr_u64(PR_ANY, "segment", " segment %" PRIu64, p->segment);
	if (VSW_HAS(p, VSWITCH_PORT_A_SECGROUP))
		pr_u64(PR_ANY, "group", " group %" PRIu64, p->secgroup);
	pr_bool(PR_JSON, "internal", NULL, VSW_HAS(p, VSWITCH_PORT_A_INTERNAL));
	if (VSW_HAS(p, VSWITCH_PORT_A_INTERNAL))
		pr_text(" internal");
}

static void show_port(const char *key, const struct vsw_port *p, bool stats)
{
	pr_open_object(key);
	pr_str(PR_ANY, "switch", "%s", p->sw);
	if (VSW_HAS(p, VSWITCH_PORT_A_ID))
		pr_u64(PR_ANY, "id", " port %" PRIu64, p->id);
	if (VSW_HAS(p, VSWITCH_PORT_A_IFNAME))
		pr_str(PR_ANY, "dev", " dev %s", p->ifname);
	if (VSW_HAS(p, VSWITCH_PORT_A_IFINDEX))
		pr_u64(PR_JSON, "ifindex", NULL, p->ifindex);
	show_port_settings(p);
	if (stats)
		show_stats(&p->stats);
	else
		pr_eol();
	pr_close_object();
}

static void show_fdb(const char *key, const struct vsw_fdb *f,
		     bool with_switch)
{
	char mac[VSW_MAC_STRLEN];

	pr_open_object(key);
	if (with_switch)
		pr_str(PR_ANY, "switch", "%s ", f->sw);
	vsw_format_mac(f->mac, mac);
	pr_str(PR_ANY, "mac", "%s", mac);
	if (f->dev[0])
		pr_str(PR_ANY, "dev", " dev %s", f->dev);
	if (VSW_HAS(f, VSWITCH_FDB_A_PORT_ID))
		pr_u64(PR_ANY, "port", " port %" PRIu64, f->port_id);
	pr_bool(PR_JSON, "static", NULL, VSW_HAS(f, VSWITCH_FDB_A_STATIC));
	if (VSW_HAS(f, VSWITCH_FDB_A_STATIC))
		pr_text(" static");
	if (VSW_HAS(f, VSWITCH_FDB_A_AGE_MS)) {
		pr_u64(PR_JSON, "age_ms", NULL, f->age_ms);
		if (!VSW_HAS(f, VSWITCH_FDB_A_STATIC))
			pr_text(" age %" PRIu64 ".%" PRIu64 "s", f->age_ms / 1000,
				f->age_ms % 1000 / 100);
	}
	pr_eol();
	pr_close_object();
}

void vsw_show_switch(const struct vsw_switch *s, bool stats)
{
	show_switch(NULL, s, stats);
}

void vsw_show_port(const struct vsw_port *p, bool stats)
{
	show_port(NULL, p, stats);
}

void vsw_show_fdb(const struct vsw_fdb *f, bool with_switch)
{
	show_fdb(NULL, f, with_switch);
}

void vsw_show_stats_reply(const struct vsw_msg *m)
{
	const struct vsw_port *p = &m->port;

	pr_open_object(NULL);
	pr_str(PR_ANY, "switch", "%s:", m->sw.name);
	show_stats(&m->sw.stats);
	if (VSW_HAS(&m->sw, VSWITCH_A_PORT)) {
		pr_open_object("port");
		pr_u64(PR_ANY, "id", "port %" PRIu64 ":", p->id);
		show_stats(&p->stats);
		pr_close_object();
	}
	pr_close_object();
}

static const struct {
	uint8_t cmd;
	const char *text, *json;
} events[] = {
	{ VSWITCH_CMD_SWITCH_NEW_NTF, "switch new ", "switch-new" },
	{ VSWITCH_CMD_SWITCH_DEL_NTF, "switch del ", "switch-del" },
	{ VSWITCH_CMD_PORT_NEW_NTF, "port new ", "port-new" },
	{ VSWITCH_CMD_PORT_DEL_NTF, "port del ", "port-del" },
	{ VSWITCH_CMD_FDB_NEW_NTF, "fdb new ", "fdb-new" },
	{ VSWITCH_CMD_FDB_DEL_NTF, "fdb del ", "fdb-del" },
};

/* Text: "port new " and the port's line; JSON: {"event": .., "port": {..}}. */
void vsw_show_event(const struct vsw_msg *m, bool stats)
{
	size_t i, n = sizeof(events) / sizeof(events[0]);

	for (i = 0; i < n && events[i].cmd != m->cmd; i++)
		;
	if (i == n)
		return;
	pr_open_object(NULL);
	pr_str(PR_TEXT, "event", "%s", events[i].text);
	pr_str(PR_JSON, "event", NULL, events[i].json);
	switch (m->cmd) {
	case VSWITCH_CMD_SWITCH_NEW_NTF:
	case VSWITCH_CMD_SWITCH_DEL_NTF:
		show_switch("switch", &m->sw, stats);
		break;
	case VSWITCH_CMD_PORT_NEW_NTF:
	case VSWITCH_CMD_PORT_DEL_NTF:
		show_port("port", &m->port, stats);
		break;
	default:
		show_fdb("fdb", &m->fdb, true);
	}
	pr_close_object();
}

const char *vsw_proto_name(uint8_t proto, char buf[8])
{
	switch (proto) {
	case IPPROTO_TCP: return "tcp";
	case IPPROTO_UDP: return "udp";
	case IPPROTO_ICMP: return "icmp";
	case IPPROTO_ICMPV6: return "icmpv6";
	case IPPROTO_SCTP: return "sctp";
	case IPPROTO_UDPLITE: return "udplite";
	}
	snprintf(buf, 8, "%u", proto);
	return buf;
}

static const char *const flow_events[] = {
	[VSWITCH_FLOW_ALLOW] = "allow",
	[VSWITCH_FLOW_DROP] = "drop",
	[VSWITCH_FLOW_CUT] = "cut",
};

void vsw_show_port_ref(const char *key, const char *dev_key, const char *word,
		       uint32_t id, const char *name)
{
	char buf[32];

	pr_u64(PR_JSON, key, NULL, id);
	if (!name) {
		snprintf(buf, sizeof(buf), "port %u", id);
		pr_str(PR_TEXT, NULL, word, id ? buf : "-");
	} else {
		pr_str(PR_TEXT, NULL, word, name);
	}
	pr_str(PR_JSON, dev_key, NULL, name);
}

void vsw_show_flow(const struct vsw_msg *m, const char *time, const char *in,
		   const char *out)
{
	const struct vsw_flow *f = &m->flow;
	char src[INET6_ADDRSTRLEN] = "-", dst[INET6_ADDRSTRLEN] = "-";
	const char *ev = f->event < sizeof(flow_events) / sizeof(flow_events[0]) &&
			 flow_events[f->event] ? flow_events[f->event] : "unknown";
	int fam = f->family == AF_INET6 ? AF_INET6 : AF_INET;
	char proto[8];

	inet_ntop(fam, f->src, src, sizeof(src));
	inet_ntop(fam, f->dst, dst, sizeof(dst));
	pr_open_object(NULL);
	pr_str(PR_ANY, "time", "%s ", time);
	pr_text("flow %s ", ev);
	pr_str(PR_JSON, "event", NULL, ev);
	pr_str(PR_ANY, "switch", "%s", m->sw.name);
	pr_str(PR_ANY, "proto", " %s", vsw_proto_name(f->proto, proto));
	pr_str(PR_ANY, "src", " %s", src);
	if (VSW_HAS(f, VSWITCH_FLOW_A_SPORT))
		pr_u64(PR_ANY, "sport", " sport %" PRIu64, f->sport);
	pr_str(PR_ANY, "dst", " -> %s", dst);
	if (VSW_HAS(f, VSWITCH_FLOW_A_DPORT))
		pr_u64(PR_ANY, "dport", " dport %" PRIu64, f->dport);
	vsw_show_port_ref("in_port", "in_dev", " in %s", f->in_port, in);
	vsw_show_port_ref("out_port", "out_dev", " out %s", f->out_port, out);
	if (f->reply)
		pr_text(" reply");
	pr_bool(PR_JSON, "reply", NULL, f->reply);
	pr_u64(PR_ANY, "rule", " rule %" PRIu64, f->rule);
	pr_u64(PR_ANY, "gen", " gen %" PRIu64, f->gen);
	if (f->reason)
		pr_str(PR_ANY, "reason", " reason %s",
		       vsw_drop_name(f->reason, pr_is_json()));
	if (f->lost)
		pr_u64(PR_ANY, "lost", " lost %" PRIu64, f->lost);
	pr_eol();
	pr_close_object();
}
