// SPDX-License-Identifier: GPL-2.0
/*
 * ct.c - vswctl ct { show | flush } SWITCH [dev IFNAME]: a switch's
 * connections, read from (and deleted through) the kernel's ctnetlink
 *
 * The switch tracks in its own conntrack zone and labels every connection
 * it allows with its ports and rule (struct vswitch_ct_labels): a dump of
 * the conntrack table filtered by the zone is the switch's connections,
 * and the labels say which of them use a port. A flush deletes each of
 * them by its tuple, zone and id (an entry gone meanwhile is no error).
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "cmd.h"
#include "print.h"
#include "show.h"
#include "util.h"

/* One connection, as much of it as ct show prints. */
struct ct_entry {
	uint8_t family, proto, tcp_state;
	bool has_state, has_labels, has_ports, has_icmp;
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id;
	uint32_t mark, timeout, id;
	uint16_t zone;
	struct vswitch_ct_labels labels;
	/* the original tuple as the kernel sent it, to delete the entry */
	unsigned char tuple[256];
	int tuple_len;
};

struct ct_list {
	struct ct_entry *v;
	size_t n, cap;
	uint16_t zone;
	uint32_t port;		/* 0: every connection of the zone */
};

static const char *const tcp_states[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

static void parse_tuple(struct nlattr *nest, struct ct_entry *e)
{
	struct nlattr *t[CTA_TUPLE_MAX + 1], *ip[CTA_IP_MAX + 1];
	struct nlattr *pr[CTA_PROTO_MAX + 1];

	if (nla_parse_nested(t, CTA_TUPLE_MAX, nest, NULL))
		return;
	if (t[CTA_TUPLE_IP] &&
	    !nla_parse_nested(ip, CTA_IP_MAX, t[CTA_TUPLE_IP], NULL)) {
		if (ip[CTA_IP_V4_SRC] && ip[CTA_IP_V4_DST] &&
		    nla_len(ip[CTA_IP_V4_SRC]) == 4 &&
		    nla_len(ip[CTA_IP_V4_DST]) == 4) {
			e->family = AF_INET;
			memcpy(e->src, nla_data(ip[CTA_IP_V4_SRC]), 4);
			memcpy(e->dst, nla_data(ip[CTA_IP_V4_DST]), 4);
		} else if (ip[CTA_IP_V6_SRC] && ip[CTA_IP_V6_DST] &&
			   nla_len(ip[CTA_IP_V6_SRC]) == 16 &&
			   nla_len(ip[CTA_IP_V6_DST]) == 16) {
			e->family = AF_INET6;
			memcpy(e->src, nla_data(ip[CTA_IP_V6_SRC]), 16);
			memcpy(e->dst, nla_data(ip[CTA_IP_V6_DST]), 16);
		}
	}
	if (!t[CTA_TUPLE_PROTO] ||
	    nla_parse_nested(pr, CTA_PROTO_MAX, t[CTA_TUPLE_PROTO], NULL))
		return;
	if (pr[CTA_PROTO_NUM])
		e->proto = nla_get_u8(pr[CTA_PROTO_NUM]);
	if (pr[CTA_PROTO_SRC_PORT] && pr[CTA_PROTO_DST_PORT]) {
		e->has_ports = true;
		e->sport = ntohs(nla_get_u16(pr[CTA_PROTO_SRC_PORT]));
		e->dport = ntohs(nla_get_u16(pr[CTA_PROTO_DST_PORT]));
	}
	if (pr[CTA_PROTO_ICMP_TYPE] && pr[CTA_PROTO_ICMP_CODE] &&
	    pr[CTA_PROTO_ICMP_ID]) {
		e->has_icmp = true;
		e->icmp_type = nla_get_u8(pr[CTA_PROTO_ICMP_TYPE]);
		e->icmp_code = nla_get_u8(pr[CTA_PROTO_ICMP_CODE]);
		e->icmp_id = ntohs(nla_get_u16(pr[CTA_PROTO_ICMP_ID]));
	} else if (pr[CTA_PROTO_ICMPV6_TYPE] && pr[CTA_PROTO_ICMPV6_CODE] &&
		   pr[CTA_PROTO_ICMPV6_ID]) {
		e->has_icmp = true;
		e->icmp_type = nla_get_u8(pr[CTA_PROTO_ICMPV6_TYPE]);
		e->icmp_code = nla_get_u8(pr[CTA_PROTO_ICMPV6_CODE]);
		e->icmp_id = ntohs(nla_get_u16(pr[CTA_PROTO_ICMPV6_ID]));
	}
}

static int add_entry(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[CTA_MAX + 1];
	struct ct_list *l = arg;
	struct ct_entry e = { 0 };

	if (nlmsg_parse(nlh, sizeof(struct nfgenmsg), tb, CTA_MAX, NULL) ||
	    !tb[CTA_TUPLE_ORIG] || !tb[CTA_ZONE])
		return NL_OK;
	e.zone = ntohs(nla_get_u16(tb[CTA_ZONE]));
	if (e.zone != l->zone)
		return NL_OK;
	parse_tuple(tb[CTA_TUPLE_ORIG], &e);
	if (nla_len(tb[CTA_TUPLE_ORIG]) + NLA_HDRLEN > (int)sizeof(e.tuple))
		return NL_OK;
	e.tuple_len = nla_len(tb[CTA_TUPLE_ORIG]) + NLA_HDRLEN;
	memcpy(e.tuple, tb[CTA_TUPLE_ORIG], e.tuple_len);
	if (tb[CTA_LABELS] &&
	    nla_len(tb[CTA_LABELS]) >= (int)sizeof(e.labels)) {
		memcpy(&e.labels, nla_data(tb[CTA_LABELS]), sizeof(e.labels));
		e.has_labels = e.labels.version == VSWITCH_CT_LABELS_VERSION;
	}
	if (l->port && (!e.has_labels || (e.labels.in_port != l->port &&
					  e.labels.out_port != l->port)))
		return NL_OK;
	if (tb[CTA_MARK])
		e.mark = ntohl(nla_get_u32(tb[CTA_MARK]));
	if (tb[CTA_TIMEOUT])
		e.timeout = ntohl(nla_get_u32(tb[CTA_TIMEOUT]));
	if (tb[CTA_ID])
		e.id = ntohl(nla_get_u32(tb[CTA_ID]));
	if (tb[CTA_PROTOINFO]) {
		struct nlattr *pi[CTA_PROTOINFO_MAX + 1];
		struct nlattr *tcp[CTA_PROTOINFO_TCP_MAX + 1];

		if (!nla_parse_nested(pi, CTA_PROTOINFO_MAX, tb[CTA_PROTOINFO],
				      NULL) && pi[CTA_PROTOINFO_TCP] &&
		    !nla_parse_nested(tcp, CTA_PROTOINFO_TCP_MAX,
				      pi[CTA_PROTOINFO_TCP], NULL) &&
		    tcp[CTA_PROTOINFO_TCP_STATE]) {
			e.tcp_state = nla_get_u8(tcp[CTA_PROTOINFO_TCP_STATE]);
			e.has_state = true;
		}
	}
	if (l->n == l->cap) {
		struct ct_entry *v;

		l->cap = l->cap ? l->cap * 2 : 64;
		v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			return NL_STOP;
		l->v = v;
	}
	l->v[l->n++] = e;
	return NL_OK;
}

/* A ctnetlink socket, or NULL (message printed). */
static struct nl_sock *ct_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk) {
		genl_fail("out of memory");
		return NULL;
	}
	err = nl_connect(sk, NETLINK_NETFILTER);
	if (err) {
		genl_fail("ctnetlink: %s", nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	/* acks only where asked for: a dump ends with NLMSG_DONE */
	nl_socket_disable_auto_ack(sk);
	return sk;
}

static struct nl_msg *ct_msg(int type, int flags, uint8_t family)
{
	struct nfgenmsg hdr = { .nfgen_family = family,
				.version = NFNETLINK_V0 };
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(NFNL_SUBSYS_CTNETLINK << 8 | type,
				 NLM_F_REQUEST | flags);
	if (msg && nlmsg_append(msg, &hdr, sizeof(hdr), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* The connections of zone @l->zone (of port @l->port, if not 0). */
static int ct_dump(struct nl_sock *sk, struct ct_list *l)
{
	struct nl_msg *msg = ct_msg(IPCTNL_MSG_CT_GET, NLM_F_DUMP, AF_UNSPEC);
	int err;

	if (!msg)
		return -genl_fail("out of memory");
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, add_entry, l);
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	if (err < 0)
		return -genl_fail("conntrack dump: %s", nl_geterror(err));
	return 0;
}

/* Which switch, its zone; which port, its id; every port, for names. */
struct ct_ctx {
	struct vsw_switch sw;
	struct vsw_port *ports;
	size_t n_ports;
};

static int got_switch(const void *msg, void *arg)
{
	((struct ct_ctx *)arg)->sw = ((const struct vsw_msg *)msg)->sw;
	return 0;
}

static const char *port_name(const struct ct_ctx *c, uint32_t id)
{
	size_t i;

	for (i = 0; i < c->n_ports; i++)
		if (c->ports[i].id == id)
			return c->ports[i].ifname;
	return NULL;
}

/* The switch (with its firewall on), its ports, the port's id. */
static int ct_prepare(struct vsw_ctx *ctx, struct vsw_req *r,
		      struct ct_ctx *c, struct ct_list *l)
{
	struct vsw_msg q = { .cmd = VSWITCH_CMD_SWITCH_GET };
	size_t i;

	memcpy(q.sw.name, r->m.sw.name, IFNAMSIZ);
	VSW_SET(&q.sw, VSWITCH_A_SWITCH_NAME);
	if (genl_do(&ctx->nl, q.cmd, &q, got_switch, c))
		return -1;
	if (!VSW_HAS(&c->sw, VSWITCH_A_CT_ZONE))
		return -genl_fail("switch %s: no conntrack zone in the reply",
				  r->m.sw.name);
	if (vsw_switch_ports(ctx, r->m.sw.name, &c->ports, &c->n_ports))
		return -1;
	l->zone = c->sw.ct_zone;
	if (!r->dev[0])
		return 0;
	for (i = 0; i < c->n_ports; i++)
		if (!strcmp(c->ports[i].ifname, r->dev))
			l->port = c->ports[i].id;
	if (!l->port)
		return -genl_fail("device %s is not a port of switch %s", r->dev,
				  r->m.sw.name);
	return 0;
}

static void print_entry(const struct ct_ctx *c, const struct ct_entry *e)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN], proto[8];

	inet_ntop(e->family ? e->family : AF_INET, e->src, src, sizeof(src));
	inet_ntop(e->family ? e->family : AF_INET, e->dst, dst, sizeof(dst));
	pr_open_object(NULL);
	pr_str(PR_ANY, "proto", "%s", vsw_proto_name(e->proto, proto));
	if (e->has_state && e->tcp_state < sizeof(tcp_states) / sizeof(tcp_states[0]))
		pr_str(PR_ANY, "state", " %s", tcp_states[e->tcp_state]);
	pr_str(PR_ANY, "src", " %s", src);
	if (e->has_ports)
		pr_u64(PR_ANY, "sport", " sport %" PRIu64, e->sport);
	pr_str(PR_ANY, "dst", " -> %s", dst);
	if (e->has_ports)
		pr_u64(PR_ANY, "dport", " dport %" PRIu64, e->dport);
	if (e->has_icmp) {
		pr_u64(PR_ANY, "icmp_type", " type %" PRIu64, e->icmp_type);
		pr_u64(PR_ANY, "icmp_code", " code %" PRIu64, e->icmp_code);
		pr_u64(PR_ANY, "icmp_id", " id %" PRIu64, e->icmp_id);
	}
	if (e->has_labels) {
		vsw_show_port_ref("in_port", "in_dev", " in %s", e->labels.in_port,
				  port_name(c, e->labels.in_port));
		vsw_show_port_ref("out_port", "out_dev", " out %s",
				  e->labels.out_port,
				  port_name(c, e->labels.out_port));
		pr_u64(PR_ANY, "rule", " rule %" PRIu64, e->labels.rule);
	}
	pr_u64(PR_ANY, "gen", " gen %" PRIu64, e->mark);
	pr_u64(PR_ANY, "timeout", " timeout %" PRIu64, e->timeout);
	pr_eol();
	pr_close_object();
}

/* Delete one entry: its original tuple, zone and id. 0, or -errno. */
static int ct_delete(struct nl_sock *sk, const struct ct_entry *e)
{
	struct nl_msg *msg = ct_msg(IPCTNL_MSG_CT_DELETE, NLM_F_ACK, e->family);
	int err;

	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, (void *)e->tuple, e->tuple_len, NLMSG_ALIGNTO) ||
	    nla_put_u16(msg, CTA_ZONE, htons(e->zone)) ||
	    nla_put_u32(msg, CTA_ID, htonl(e->id))) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	err = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (err >= 0)
		err = nl_wait_for_ack(sk);
	return err < 0 ? err : 0;
}

/* ct show, or with @flush, ct flush. */
static int ct_run(struct vsw_ctx *ctx, struct vsw_req *r, bool flush)
{
	struct ct_ctx c = { 0 };
	struct ct_list l = { 0 };
	struct nl_sock *sk = NULL;
	int ret = EXIT_KERNEL, err;
	size_t i;

	if (ct_prepare(ctx, r, &c, &l))
		goto out;
	sk = ct_open();
	if (!sk || ct_dump(sk, &l))
		goto out;
	if (!flush) {
		pr_open_array(NULL);
		for (i = 0; i < l.n; i++)
			print_entry(&c, &l.v[i]);
		pr_close_array();
	}
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	for (i = 0; flush && i < l.n; i++) {
		err = ct_delete(sk, &l.v[i]);
		/* gone meanwhile (ended, or its id reused): not an error */
		if (err && err != -NLE_OBJ_NOTFOUND) {
			genl_fail("conntrack delete: %s", nl_geterror(err));
			goto out;
		}
	}
	ret = 0;
out:
	if (sk)
		nl_socket_free(sk);
	free(l.v);
	free(c.ports);
	return ret;
}

int vsw_run_ct_show(struct vsw_ctx *ctx, struct vsw_req *r)
{
	return ct_run(ctx, r, false);
}

int vsw_run_ct_flush(struct vsw_ctx *ctx, struct vsw_req *r)
{
	return ct_run(ctx, r, true);
}
