// SPDX-License-Identifier: GPL-2.0
/*
 * test_policy.c - the policy compiler (policy.c), without a kernel:
 *   - bad files: the message, with its line and column, for each mistake
 *   - the 3-tier example of Documentation/vswitch/policy.rst, decided
 *   - random policies: the compiled maps (looked up as the program looks
 *     them up) decide every random packet as the definition does (every
 *     rule in priority order, the first that matches)
 *
 * With --bpf (root, a kernel that loads BPF: the selftests run it in the
 * VM), the same packets, built as frames, go through the policy program
 * itself (BPF_PROG_TEST_RUN): its verdict, the rule id it returns in
 * cb[4] and its per-rule counters must be the definition's; and a policy
 * of 10,000 rules loads and decides as the definition does.
 * --programs N loads N of the 300 random policies as programs (default 30;
 * each load is a run of the verifier, minutes on a debug kernel in TCG).
 *
 *   test_policy [--bpf [--programs N]] [SEED]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/vswitch.h>

#include "policy.h"
#include "policy_bpf.h"

static int n_test, n_fail;

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	n_test++;
	n_fail += !cond;
	printf("%sok %d - ", cond ? "" : "not ", n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* ---------------------------------------------------------- bad files */

static const struct {
	const char *name, *text, *want;
} bad[] = {
	{ "not JSON", "{ \"rules\": [ }", "t.json: line 1, column 14: " },
	{ "unknown top key", "{\n  \"rulez\": []\n}",
	  "t.json:2:3: policy: unknown key \"rulez\"" },
	{ "no rules", "{ \"default\": \"deny\" }",
	  "t.json:1:1: a policy needs \"rules\"" },
	{ "bad default", "{ \"default\": \"reject\", \"rules\": [] }",
	  "t.json:1:14: default \"reject\": allow or deny" },
	{ "unknown group in from",
	  "{ \"groups\": { \"web\": { \"ports\": [\"t1\"] } },\n"
	  "  \"rules\": [\n    { \"from\": \"wbe\", \"to\": \"any\", \"action\": \"allow\" } ] }",
	  "t.json:3:15: from: unknown group \"wbe\"" },
	{ "unknown group in to list",
	  "{ \"rules\": [ { \"from\": \"any\",\n \"to\": [\"any\", \"db\"], \"action\": \"deny\" } ] }",
	  "t.json:2:16: to: unknown group \"db\"" },
	{ "unknown rule key",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"action\": \"deny\",\n \"port\": [1] } ] }",
	  "t.json:2:2: rule: unknown key \"port\"" },
	{ "duplicate priority",
	  "{ \"rules\": [\n { \"priority\": 5, \"from\": \"any\", \"to\": \"any\", \"action\": \"deny\" },\n"
	  " { \"priority\": 5, \"from\": \"any\", \"to\": \"any\", \"action\": \"allow\" } ] }",
	  "t.json:3:2: priority 5 is also the priority of the rule at line 2" },
	{ "priority on some rules only",
	  "{ \"rules\": [\n { \"priority\": 5, \"from\": \"any\", \"to\": \"any\", \"action\": \"deny\" },\n"
	  " { \"from\": \"any\", \"to\": \"any\", \"action\": \"allow\" } ] }",
	  "t.json:3:2: this rule has no priority, others have" },
	{ "duplicate id",
	  "{ \"rules\": [\n { \"id\": 7, \"from\": \"any\", \"to\": \"any\", \"action\": \"deny\" },\n"
	  " { \"id\": 7, \"from\": \"any\", \"to\": \"any\", \"action\": \"allow\" } ] }",
	  "t.json:3:2: id 7 is also the id of the rule at line 2" },
	{ "backwards range",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"proto\": \"tcp\",\n"
	  "  \"ports\": [80, \"90-85\"], \"action\": \"allow\" } ] }",
	  "t.json:2:17: port range \"90-85\" is backwards" },
	{ "range past 65535",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"proto\": \"udp\",\n"
	  "  \"ports\": [\"1-65536\"], \"action\": \"allow\" } ] }",
	  "t.json:2:13: port range \"1-65536\": ports go from 0 to 65535" },
	{ "port too big",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"proto\": \"udp\",\n"
	  "  \"ports\": [70000], \"action\": \"allow\" } ] }",
	  "t.json:2:13: a port must be an integer from 0 to 65535" },
	{ "ports without a port protocol",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"proto\": \"icmp\",\n"
	  "  \"ports\": [1], \"action\": \"allow\" } ] }",
	  "t.json:2:12: ports need proto tcp, udp, sctp or udplite" },
	{ "unknown proto",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"proto\": \"tcpp\", \"action\": \"allow\" } ] }",
	  "t.json:1:53: unknown proto \"tcpp\"" },
	{ "an unknown action",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"action\": \"drop\" } ] }",
	  "t.json:1:54: action \"drop\": allow, deny or reject" },
	{ "no action",
	  "{ \"rules\": [ { \"from\": \"any\", \"to\": \"any\" } ] }",
	  "t.json:1:14: a rule needs \"action\"" },
	{ "bad prefix",
	  "{ \"groups\": { \"g\": { \"prefixes\": [\"10.0.0.0/33\"] } }, \"rules\": [] }",
	  "t.json:1:35: \"10.0.0.0/33\" is not an address prefix" },
	{ "host bits",
	  "{ \"groups\": { \"g\": { \"prefixes\": [\"10.0.0.1/24\"] } }, \"rules\": [] }",
	  "t.json:1:35: \"10.0.0.1/24\" has bits set past its length" },
	{ "group named any",
	  "{ \"groups\": { \"any\": {} }, \"rules\": [] }",
	  "t.json:1:15: group \"any\" is built in" },
	{ "applied_to a group without ports",
	  "{ \"groups\": { \"net\": { \"prefixes\": [\"10.0.0.0/8\"] } },\n"
	  "  \"rules\": [ { \"from\": \"any\", \"to\": \"any\", \"action\": \"deny\", \"applied_to\": \"net\" } ] }",
	  "t.json:2:76: applied_to: group \"net\" has no ports" },
	{ "port twice in a group",
	  "{ \"groups\": { \"g\": { \"ports\": [\"a\", \"a\"] } }, \"rules\": [] }",
	  "t.json:1:37: port \"a\" is twice in group \"g\"" },
	{ "bad device name",
	  "{ \"groups\": { \"g\": { \"ports\": [\"a/b\"] } }, \"rules\": [] }",
	  "t.json:1:32: \"a/b\" is not a device name" },
	{ "empty from",
	  "{ \"rules\": [ { \"from\": [], \"to\": \"any\", \"action\": \"deny\" } ] }",
	  "t.json:1:24: from: an empty list matches nothing" },
	{ "priority out of range",
	  "{ \"rules\": [ { \"priority\": -1, \"from\": \"any\", \"to\": \"any\", \"action\": \"deny\" } ] }",
	  "t.json:1:28: priority must be an integer from 0 to 1000000000" },
};

static void test_bad(void)
{
	struct policy p;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = policy_parse("t.json", bad[i].text, strlen(bad[i].text),
				     &p, err, sizeof(err));

		ok(r < 0 && !strncmp(err, bad[i].want, strlen(bad[i].want)),
		   "rejected: %s", bad[i].name);
		if (r >= 0 || strncmp(err, bad[i].want, strlen(bad[i].want)))
			printf("#   got:  %s\n#   want: %s...\n",
			       r < 0 ? err : "(accepted)", bad[i].want);
		policy_free(&p);
	}
}

/* A port in too many groups, an address in too many: found compiling. */
static void test_too_many_groups(void)
{
	char text[4096], err[512];
	struct pol_maps m;
	struct policy p;
	size_t n = 0;
	int i, r;

	n += snprintf(text + n, sizeof(text) - n, "{ \"groups\": {");
	for (i = 0; i < 9; i++)
		n += snprintf(text + n, sizeof(text) - n,
			      "%s\n \"g%d\": { \"ports\": [\"tap0\"], \"prefixes\": [\"10.%d.0.0/16\"] }",
			      i ? "," : "", i, i);
	snprintf(text + n, sizeof(text) - n, " }, \"rules\": [] }");
	r = policy_parse("t.json", text, strlen(text), &p, err, sizeof(err));
	ok(!r, "9 groups of one port parse");
	r = policy_compile(&p, &m, err, sizeof(err));
	ok(r < 0 && strstr(err, "port \"tap0\" is in more than 8 groups") &&
	   strstr(err, ":10:"),
	   "a port in 9 groups is refused, at the 9th's line: %s", err);
	policy_free(&p);

	n = snprintf(text, sizeof(text), "{ \"groups\": {");
	for (i = 0; i < 9; i++)
		n += snprintf(text + n, sizeof(text) - n,
			      "%s\n \"g%d\": { \"prefixes\": [\"10.0.0.0/%d\"] }",
			      i ? "," : "", i, 8 + i);
	snprintf(text + n, sizeof(text) - n, " }, \"rules\": [] }");
	r = policy_parse("t.json", text, strlen(text), &p, err, sizeof(err));
	r = r ? r : policy_compile(&p, &m, err, sizeof(err));
	ok(r < 0 && strstr(err, "in more than 8 groups"),
	   "nested prefixes putting an address in 9 groups are refused: %s", err);
	policy_free(&p);
}

/* ------------------------------------------------------------ 3-tier */

static const char three_tier[] =
	"{ \"default\": \"deny\",\n"
	"  \"groups\": {\n"
	"    \"web\": { \"ports\": [\"web0\"], \"prefixes\": [\"10.1.1.0/24\"] },\n"
	"    \"app\": { \"ports\": [\"app0\"], \"prefixes\": [\"10.1.2.0/24\"] },\n"
	"    \"db\":  { \"ports\": [\"db0\"],  \"prefixes\": [\"10.1.3.0/24\"] }\n"
	"  },\n"
	"  \"rules\": [\n"
	"    { \"id\": 10, \"from\": \"web\", \"to\": \"app\", \"proto\": \"tcp\", \"ports\": [8080], \"action\": \"allow\" },\n"
	"    { \"id\": 20, \"from\": \"app\", \"to\": \"db\", \"proto\": \"tcp\", \"ports\": [5432], \"action\": \"allow\" },\n"
	"    { \"id\": 30, \"from\": \"any\", \"to\": \"any\", \"proto\": \"icmp\", \"action\": \"allow\", \"applied_to\": \"web\" }\n"
	"  ] }\n";

static struct pol_packet pkt4(const char *in, const char *out, const char *src,
			      const char *dst, int proto, int dport)
{
	struct pol_packet pk = { .in_port = in, .out_port = out,
				 .proto = proto, .dport = dport };

	inet_pton(AF_INET, src, pk.src);
	inet_pton(AF_INET, dst, pk.dst);
	return pk;
}

static void test_three_tier(void)
{
	static const struct {
		const char *in, *out, *src, *dst;
		int proto, dport, want_id;	/* 0: the default */
	} cases[] = {
		{ "web0", "app0", "10.1.1.5", "10.1.2.5", 6, 8080, 10 },
		{ "web0", "app0", "10.1.1.5", "10.1.2.5", 6, 8081, 0 },
		{ "web0", "app0", "10.1.1.5", "10.1.2.5", 17, 8080, 0 },
		{ "app0", "web0", "10.1.2.5", "10.1.1.5", 6, 8080, 0 },
		{ "app0", "db0", "10.1.2.5", "10.1.3.5", 6, 5432, 20 },
		{ "web0", "db0", "10.1.1.5", "10.1.3.5", 6, 5432, 0 },
		/* from another host: the web prefix, through an uplink */
		{ "up0", "app0", "10.1.1.77", "10.1.2.5", 6, 8080, 10 },
		{ "up0", "app0", "10.9.9.9", "10.1.2.5", 6, 8080, 0 },
		/* icmp: applied to web's ports only */
		{ "web0", "db0", "10.1.1.5", "10.1.3.5", 1, 0, 30 },
		{ "db0", "web0", "10.1.3.5", "10.1.1.5", 1, 0, 30 },
		{ "app0", "db0", "10.1.2.5", "10.1.3.5", 1, 0, 0 },
	};
	char err[512];
	struct pol_maps m;
	struct policy p;
	size_t i;

	ok(!policy_parse("3tier.json", three_tier, strlen(three_tier), &p, err,
			 sizeof(err)), "the 3-tier example parses");
	ok(!policy_compile(&p, &m, err, sizeof(err)), "and compiles");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pol_packet pk = pkt4(cases[i].in, cases[i].out,
					    cases[i].src, cases[i].dst,
					    cases[i].proto, cases[i].dport);
		int ref = policy_first_match(&p, &pk);
		int got = pol_maps_decide(&m, &pk);
		int id = ref < 0 ? 0 : (int)m.meta[ref].id;

		ok(id == cases[i].want_id && got == ref,
		   "3-tier: %s %s -> %s %s proto %d port %d: rule %d", cases[i].in,
		   cases[i].src, cases[i].out, cases[i].dst, cases[i].proto,
		   cases[i].dport, cases[i].want_id);
		if (id != cases[i].want_id || got != ref)
			printf("#   definition: rule %d, maps: index %d (definition's %d)\n",
			       id, got, ref);
	}
	pol_maps_free(&m);
	policy_free(&p);
}

/* ------------------------------------------------------ random policies */

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)random() % n;
}

static const char *const rports[] = { "p0", "p1", "p2", "p3", "p4", "p5" };
static const int rprotos[] = { -1, 6, 17, 1, 132 };

/* A random policy's text: groups of ports and nested prefixes, rules. */
static size_t random_policy(char *t, size_t cap, int n_groups, int n_rules)
{
	size_t n = 0;
	int g, r, i;

	n += snprintf(t + n, cap - n, "{ \"default\": \"%s\", \"groups\": {",
		      rnd(2) ? "allow" : "deny");
	for (g = 0; g < n_groups; g++) {
		n += snprintf(t + n, cap - n, "%s \"g%d\": { \"ports\": [", g ? "," : "", g);
		for (i = 0; i < (int)(sizeof(rports) / sizeof(rports[0])); i++)
			if (!rnd(3))
				n += snprintf(t + n, cap - n, "%s\"%s\"",
					      t[n - 1] == '[' ? "" : ",", rports[i]);
		n += snprintf(t + n, cap - n, "], \"prefixes\": [");
		for (i = 0; i < (int)rnd(3); i++) {
			int len = 8 + 8 * rnd(3);
			unsigned int a = 10u << 24 | rnd(4) << 16 | rnd(4) << 8;

			a &= len == 8 ? 0xff000000u : len == 16 ? 0xffff0000u : 0xffffff00u;
			n += snprintf(t + n, cap - n, "%s\"%u.%u.%u.%u/%d\"", i ? "," : "",
				      a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255, len);
		}
		if (!rnd(4))
			n += snprintf(t + n, cap - n, "%s\"fd00:%x::/32\"",
				      t[n - 1] == '[' ? "" : ",", rnd(3));
		n += snprintf(t + n, cap - n, "] }");
	}
	n += snprintf(t + n, cap - n, " }, \"rules\": [");
	for (r = 0; r < n_rules; r++) {
		int proto = rprotos[rnd(5)];
		int f = rnd(n_groups + 1), d = rnd(n_groups + 1);

		n += snprintf(t + n, cap - n,
			      "%s\n { \"priority\": %d, \"action\": \"%s\", \"from\": [",
			      r ? "," : "", (r * 7919) % 100003,
			      (const char *[]){ "allow", "deny", "reject" }[rnd(3)]);
		n += f == n_groups ? snprintf(t + n, cap - n, "\"any\"") :
				     snprintf(t + n, cap - n, "\"g%d\"", f);
		if (!rnd(3) && f != (f + 1) % n_groups)
			n += snprintf(t + n, cap - n, ",\"g%d\"", (f + 1) % n_groups);
		n += snprintf(t + n, cap - n, "], \"to\": ");
		n += d == n_groups ? snprintf(t + n, cap - n, "\"any\"") :
				     snprintf(t + n, cap - n, "\"g%d\"", d);
		if (proto >= 0)
			n += snprintf(t + n, cap - n, ", \"proto\": %d", proto);
		if ((proto == 6 || proto == 17 || proto == 132) && rnd(4)) {
			n += snprintf(t + n, cap - n, ", \"ports\": [");
			for (i = 0; i < 1 + (int)rnd(3); i++) {
				int lo = rnd(4) ? rnd(200) : rnd(65536);
				int hi = lo + (rnd(2) ? 0 : rnd(300));

				hi = hi > 65535 ? 65535 : hi;
				n += lo == hi ? snprintf(t + n, cap - n, "%s%d", i ? "," : "", lo) :
						snprintf(t + n, cap - n, "%s\"%d-%d\"", i ? "," : "", lo, hi);
			}
			n += snprintf(t + n, cap - n, "]");
		}
		if (!rnd(5)) {
			int s = rnd(n_groups);

			n += snprintf(t + n, cap - n, ", \"applied_to\": \"g%d\"", s);
		}
		n += snprintf(t + n, cap - n, " }");
	}
	n += snprintf(t + n, cap - n, " ] }");
	return n;
}

static struct pol_packet random_packet(void)
{
	struct pol_packet pk = { 0 };
	static const int protos[] = { 6, 17, 1, 132, 47 };
	int n = sizeof(rports) / sizeof(rports[0]);

	pk.in_port = rnd(n + 1) < (unsigned int)n ? rports[rnd(n)] : "up0";
	pk.out_port = rnd(n + 1) < (unsigned int)n ? rports[rnd(n)] : "up0";
	pk.v6 = !rnd(5);
	if (pk.v6) {
		pk.src[0] = pk.dst[0] = 0xfd;
		pk.src[3] = rnd(4);
		pk.dst[3] = rnd(4);
	} else {
		pk.src[0] = pk.dst[0] = 10;
		pk.src[1] = rnd(5);
		pk.src[2] = rnd(5);
		pk.dst[1] = rnd(5);
		pk.dst[2] = rnd(5);
	}
	pk.proto = protos[rnd(5)];
	pk.dport = rnd(3) ? rnd(520) : rnd(65536);
	return pk;
}

/* ------------------------------------------------ the program itself */

static bool use_bpf;
#define RANDOM_ROUNDS	300
/* random policies loaded as programs, of RANDOM_ROUNDS */
static int bpf_programs = 30;

/* Port ids on the switch of the test: p0.. are 1.., up0 the uplink. */
static const char *const port_names[] = {
	"p0", "p1", "p2", "p3", "p4", "p5", "up0", "web0", "app0", "db0",
};

static uint32_t port_id(const char *name, void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; name && i < sizeof(port_names) / sizeof(port_names[0]); i++)
		if (!strcmp(name, port_names[i]))
			return i + 1;
	if (name && name[0] == 'q')		/* the big policy's q0..q39 */
		return 100 + atoi(name + 1);
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/*
 * @pk as an Ethernet frame; @reply: the other direction's; @ext: with
 * headers between the IP header and the transport header: two IPv6
 * destination options headers, or 8 bytes of IPv4 options. Return its
 * length; *@l4_off: the transport header's offset from the IP header.
 */
static size_t frame(const struct pol_packet *pk, uint16_t sport, bool reply,
		    bool ext, uint8_t *buf, size_t *l4_off)
{
	const uint8_t *src = reply ? pk->dst : pk->src;
	const uint8_t *dst = reply ? pk->src : pk->dst;
	size_t l3 = 14, l4, l4len, x = ext ? 16 : 0, i;

	memset(buf, 0, 128);
	memcpy(buf, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	put16(buf + 12, pk->v6 ? ETH_P_IPV6 : ETH_P_IP);
	l4len = pk->proto == 1 || pk->proto == 58 ? 8 : 20;
	if (pk->v6) {
		buf[l3] = 0x60;
		put16(buf + l3 + 4, x + l4len);
		buf[l3 + 6] = ext ? 60 : pk->proto;
		buf[l3 + 7] = 64;
		memcpy(buf + l3 + 8, src, 16);
		memcpy(buf + l3 + 24, dst, 16);
		l4 = l3 + 40;
		for (i = 0; i < x; i += 8) {
			/* next header, length 0 (8 bytes), PadN of 4 */
			buf[l4 + i] = i + 8 < x ? 60 : pk->proto;
			buf[l4 + i + 2] = 1;
			buf[l4 + i + 3] = 4;
		}
		l4 += x;
	} else {
		x /= 2;
		buf[l3] = 0x45 + x / 4;
		put16(buf + l3 + 2, 20 + x + l4len);
		buf[l3 + 8] = 64;
		buf[l3 + 9] = pk->proto;
		memcpy(buf + l3 + 12, src, 4);
		memcpy(buf + l3 + 16, dst, 4);
		l4 = l3 + 20;
		memset(buf + l4, 1, x);		/* NOPs */
		l4 += x;
	}
	*l4_off = l4 - l3;
	if (pk->proto == 1 || pk->proto == 58) {
		buf[l4] = pk->proto == 1 ? 8 : 128;	/* echo request */
	} else {
		put16(buf + l4, reply ? pk->dport : sport);
		put16(buf + l4 + 2, reply ? sport : pk->dport);
	}
	return l4 + l4len;
}

#define RUN_REPLY	1	/* the other direction */
#define RUN_EXT		2	/* IPv4 options, IPv6 extension headers */
#define RUN_UNPLACED	4	/* the switch did not place the L4 header */

/* One run of the program: its return value and cb[4]. */
static int prog_run(int fd, const struct pol_packet *pk, unsigned int mode,
		    int *retval, uint32_t *rule)
{
	bool reply = mode & RUN_REPLY, ext = mode & RUN_EXT;
	struct __sk_buff ctx = { 0 }, out = { 0 };
	uint8_t buf[128];
	size_t l4_off, len = frame(pk, 40000, reply, ext, buf, &l4_off);
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = buf, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .ctx_out = &out, .ctx_size_out = sizeof(out), .repeat = 1);

	/* a new connection; or, the other way, a reply a new policy checks */
	ctx.cb[0] = reply ? VSWITCH_CT_ESTABLISHED | VSWITCH_CT_REPLY |
			    VSWITCH_CT_STALE : VSWITCH_CT_NEW;
	ctx.cb[1] = port_id(reply ? pk->out_port : pk->in_port, NULL);
	ctx.cb[2] = port_id(reply ? pk->in_port : pk->out_port, NULL);
	/* the switch's view: the transport header past the options */
	ctx.cb[3] = (uint32_t)pk->proto << 8;
	if (!(mode & RUN_UNPLACED))
		ctx.cb[3] |= (uint32_t)l4_off / 4 << 2;
	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	*retval = o.retval;
	*rule = out.cb[4];
	return 0;
}

struct bpf_check {
	int runs, wrong, err;
	uint64_t *want;		/* decisions by rule index, the default last */
	size_t n_want;
	char first[600];
};

/*
 * @pk both ways through the program, as it is and with IPv4 options or
 * IPv6 extension headers: the decision of rule @ref. A packet with ports
 * whose transport header the switch could not place: the default.
 */
static void bpf_decide(int fd, const struct pol_maps *m,
		       const struct pol_packet *pk, int ref,
		       struct bpf_check *bc)
{
	uint32_t want_id = ref < 0 ? 0 : m->meta[ref].id, rule;
	uint8_t act = ref < 0 ? m->cfg.default_action : m->meta[ref].action;
	int want_ret = act == VSWP_ALLOW ? VSWITCH_VERDICT_ALLOW :
		       act == VSWP_REJECT ? VSWITCH_VERDICT_REJECT :
					   VSWITCH_VERDICT_DROP;
	bool ports = pk->proto == 6 || pk->proto == 17 || pk->proto == 132;
	unsigned int mode;
	int ret, retval;

	for (mode = 0; mode <= (ports ? RUN_UNPLACED : RUN_REPLY | RUN_EXT); mode++) {
		if (mode == RUN_UNPLACED) {
			ref = -1;
			want_id = 0;
			act = m->cfg.default_action;
			want_ret = act == VSWP_ALLOW ? VSWITCH_VERDICT_ALLOW :
				   act == VSWP_REJECT ? VSWITCH_VERDICT_REJECT :
							VSWITCH_VERDICT_DROP;
		}
		ret = prog_run(fd, pk, mode, &retval, &rule);
		bc->runs++;
		if (ret) {
			if (!bc->err++)
				snprintf(bc->first, sizeof(bc->first),
					 "BPF_PROG_TEST_RUN: %s", strerror(-ret));
			continue;
		}
		bc->want[ref < 0 ? bc->n_want - 1 : (size_t)ref]++;
		if (retval != want_ret || rule != want_id) {
			if (!bc->wrong++)
				snprintf(bc->first, sizeof(bc->first),
					 "%s proto %d port %d%s%s: program %d rule %u, definition %d rule %u",
					 pk->in_port, pk->proto, pk->dport,
					 mode & RUN_REPLY ? " (reply)" : "",
					 mode & RUN_UNPLACED ? " (no L4 offset)" :
					 mode & RUN_EXT ? (pk->v6 ? " (extension headers)" :
								    " (IP options)") : "",
					 retval, rule,
					 want_ret, want_id);
		}
	}
}

/* The per-rule counters of the program: what it decided, rule by rule. */
static int stats_match(int prog_fd, const struct bpf_check *bc)
{
	int cfg, stats, meta, good = pol_bpf_maps(prog_fd, &cfg, &stats, &meta) == 0;
	uint32_t i;

	for (i = 0; good && i < bc->n_want; i++) {
		uint64_t sum = 0;

		good = !pol_bpf_sessions(stats, i, &sum) && sum == bc->want[i];
		if (!good)
			printf("#   rule index %u: counted %llu, decided %llu\n", i,
			       (unsigned long long)sum,
			       (unsigned long long)bc->want[i]);
	}
	pol_bpf_maps_close(&cfg, &stats, &meta);
	return good;
}

/* ------------------------------------------------------ random policies */

static void test_random(void)
{
	static char text[1 << 20];
	int round, rejected = 0, mism = 0, decided = 0, defaults = 0;
	int loaded = 0, stats_bad = 0;
	struct bpf_check bc = { 0 };
	size_t entries = 0;

	for (round = 0; round < RANDOM_ROUNDS; round++) {
		struct vswitch_policy *skel = NULL;
		char err[512];
		struct pol_maps m;
		struct policy p;
		int i;

		random_policy(text, sizeof(text), 1 + rnd(6), rnd(40));
		if (policy_parse("r.json", text, strlen(text), &p, err, sizeof(err)) ||
		    policy_compile(&p, &m, err, sizeof(err))) {
			if (!strstr(err, "more than 8 groups") &&
			    !strstr(err, "has no ports") && !rejected++)
				printf("# round %d: %s\n", round, err);
			policy_free(&p);
			continue;
		}
		entries += m.n_entries;
		if (use_bpf && round % (RANDOM_ROUNDS / bpf_programs) == 0) {
			skel = pol_bpf_load(&m, port_id, NULL, NULL, err, sizeof(err));
			if (!skel && !bc.err++)
				snprintf(bc.first, sizeof(bc.first), "%s", err);
			loaded += !!skel;
			bc.n_want = p.n_rules + 1;
			bc.want = calloc(bc.n_want, sizeof(*bc.want));
		}
		for (i = 0; i < 300; i++) {
			struct pol_packet pk = random_packet();
			int ref = policy_first_match(&p, &pk);
			int got = pol_maps_decide(&m, &pk);

			decided++;
			defaults += ref < 0;
			if (ref != got && !mism++)
				printf("# round %d packet %d: definition %d, maps %d\n%s\n",
				       round, i, ref, got, text);
			if (skel)
				bpf_decide(pol_bpf_prog_fd(skel), &m, &pk, ref, &bc);
		}
		if (skel) {
			stats_bad += !stats_match(pol_bpf_prog_fd(skel), &bc);
			pol_bpf_destroy(skel);
		}
		free(bc.want);
		bc.want = NULL;
		pol_maps_free(&m);
		policy_free(&p);
	}
	ok(!rejected, "random policies: none refused but for >8 groups or an applied_to group without ports");
	ok(!mism && decided > 50000 && defaults > 0 && defaults < decided,
	   "random policies: the compiled maps decide %d packets as the definition does (%d by the default; %zu trie entries in all; %d differ)",
	   decided, defaults, entries, mism);
	if (!use_bpf)
		return;
	/* a third of the rounds may be refused before they are loaded */
	ok(loaded > bpf_programs * 2 / 3 && !bc.err && !bc.wrong &&
	   bc.runs > bpf_programs * 1000 / 3,
	   "random policies, BPF_PROG_TEST_RUN: the program decides %d frames of %d policies (both ways; with IP options or extension headers; unplaced ports: the default) as the definition does: verdict and rule id",
	   bc.runs, loaded);
	if (bc.err || bc.wrong)
		printf("#   %d errors, %d wrong; first: %s\n", bc.err, bc.wrong,
		       bc.first);
	ok(loaded && !stats_bad,
	   "random policies: the program's per-rule counters are its decisions, rule by rule");
}

/* ------------------------------------------------------------ 10,000 */

#define BIG_RULES	10000

/* 20 groups of 2 ports and a /16 each; 10,000 rules on ports. */
static size_t big_policy(char *t, size_t cap)
{
	size_t n = 0;
	int g, r;

	n += snprintf(t + n, cap - n, "{ \"default\": \"deny\", \"groups\": {");
	for (g = 0; g < 20; g++)
		n += snprintf(t + n, cap - n,
			      "%s\n \"g%d\": { \"ports\": [\"q%d\", \"q%d\"], \"prefixes\": [\"10.%d.0.0/16\"] }",
			      g ? "," : "", g, g, g + 20, g);
	n += snprintf(t + n, cap - n, " },\n \"rules\": [");
	for (r = 0; r < BIG_RULES; r++) {
		int lo = 1 + rnd(60000), from = rnd(20);
		char to[16] = "\"any\"";

		if (rnd(10))
			snprintf(to, sizeof(to), "\"g%u\"", rnd(20));
		n += snprintf(t + n, cap - n,
			      "%s\n { \"id\": %d, \"from\": \"g%d\", \"to\": %s, \"proto\": \"%s\", \"ports\": [\"%d-%d\"], \"action\": \"%s\" }",
			      r ? "," : "", 100000 + r, from, to,
			      rnd(2) ? "tcp" : "udp", lo, lo + rnd(3) * rnd(50),
			      rnd(3) ? "allow" : "deny");
	}
	n += snprintf(t + n, cap - n, " ] }");
	return n;
}
/* A packet between two of the big policy's groups; half aimed at a rule. */
static struct pol_packet big_packet(const struct policy *p)
{
	const struct pol_rule *r = &p->rules[rnd(p->n_rules)];
	struct pol_packet pk = { 0 };
	static char in[8], out[8];
	int a = rnd(20), b = rnd(20);
	bool aim = rnd(2);

	if (aim) {
		a = r->from[0];
		b = r->to[0] == VSWP_GROUP_ANY ? b : r->to[0];
	}

	snprintf(in, sizeof(in), "q%d", a + 20 * rnd(2));
	snprintf(out, sizeof(out), "q%d", b + 20 * rnd(2));
	pk.in_port = rnd(4) ? in : "up0";	/* or from another host */
	pk.out_port = out;
	pk.src[0] = pk.dst[0] = 10;
	pk.src[1] = a;
	pk.dst[1] = b;
	pk.src[3] = 1 + rnd(200);
	pk.dst[3] = 1 + rnd(200);
	pk.proto = rnd(2) ? 6 : 17;
	pk.dport = 1 + rnd(60100);
	if (aim) {
		pk.proto = r->proto;
		pk.dport = r->ranges[0].lo + rnd(r->ranges[0].hi -
						 r->ranges[0].lo + 1);
	}
	return pk;
}

static void test_big(void)
{
	static char text[4 << 20];
	struct bpf_check bc = { 0 };
	struct vswitch_policy *skel;
	int i, mism = 0, ruled = 0, n = use_bpf ? 3000 : 200;
	char err[512];
	struct pol_maps m;
	struct policy p;

	big_policy(text, sizeof(text));
	ok(!policy_parse("big.json", text, strlen(text), &p, err, sizeof(err)) &&
	   !policy_compile(&p, &m, err, sizeof(err)),
	   "a policy of %d rules parses and compiles", BIG_RULES);
	if (!p.n_rules || !m.meta) {
		printf("#   %s\n", err);
		policy_free(&p);
		return;
	}
	printf("# %d rules: %zu trie entries\n", BIG_RULES, m.n_entries);
	for (i = 0; i < n; i++) {
		struct pol_packet pk = big_packet(&p);
		int ref = policy_first_match(&p, &pk);

		ruled += ref >= 0;
		if (!use_bpf && pol_maps_decide(&m, &pk) != ref)
			mism++;
	}
	if (!use_bpf) {
		ok(!mism && ruled > n / 20,
		   "%d rules: the maps decide %d packets as the definition does (%d by a rule)",
		   BIG_RULES, n, ruled);
		goto out;
	}
	skel = pol_bpf_load(&m, port_id, NULL, NULL, err, sizeof(err));
	ok(!!skel, "%d rules: the program loads with them: %s", BIG_RULES,
	   skel ? "yes" : err);
	if (!skel)
		goto out;
	bc.n_want = p.n_rules + 1;
	bc.want = calloc(bc.n_want, sizeof(*bc.want));
	srandom(7);
	for (i = 0, ruled = 0; i < n; i++) {
		struct pol_packet pk = big_packet(&p);
		int ref = policy_first_match(&p, &pk);

		ruled += ref >= 0;
		bpf_decide(pol_bpf_prog_fd(skel), &m, &pk, ref, &bc);
	}
	ok(!bc.err && !bc.wrong && ruled > n / 20,
	   "%d rules, BPF_PROG_TEST_RUN: %d frames (%d decided by a rule) as the definition decides them",
	   BIG_RULES, bc.runs, ruled);
	if (bc.err || bc.wrong)
		printf("#   %d errors, %d wrong; first: %s\n", bc.err, bc.wrong,
		       bc.first);
	free(bc.want);
	pol_bpf_destroy(skel);
out:
	pol_maps_free(&m);
	policy_free(&p);
}

int main(int argc, char **argv)
{
	int a = 1;

	if (argc > a && !strcmp(argv[a], "--bpf")) {
		use_bpf = true;
		a++;
		if (argc > a + 1 && !strcmp(argv[a], "--programs")) {
			bpf_programs = atoi(argv[a + 1]);
			a += 2;
			if (bpf_programs < 1 || bpf_programs > RANDOM_ROUNDS) {
				fprintf(stderr, "--programs: 1 to %d\n", RANDOM_ROUNDS);
				return 2;
			}
		}
	}
	srandom(argc > a ? atoi(argv[a]) : 1);
	printf("TAP version 13\n");
	test_bad();
	test_too_many_groups();
	test_three_tier();
	test_random();
	test_big();
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
