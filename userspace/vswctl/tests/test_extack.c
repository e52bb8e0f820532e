// SPDX-License-Identifier: GPL-2.0
/*
 * test_extack.c - extended ACKs and exchanges with the kernel (TAP 13)
 *
 * First canned error messages, built as netlink_ack() and
 * netlink_dump_done() build them, read and named after the request. Then
 * ../genl/nl.c against the running kernel with no vswitch module: its
 * exchanges aimed at the generic netlink controller ("nlctrl", always
 * there), whose attribute numbers overlap vswitch's. A dump of every family (a
 * multi-part reply, one message per family, ended by NLMSG_DONE) must
 * match what libnl's own cache finds, and a
 * request the controller rejects must come back with the kernel's extack
 * message and the offending attribute named.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/family.h>
#include <netlink/genl/genl.h>

#include "args.h"
#include "attrs.h"
#include "extack.h"
#include "nl.h"
#include "tap.h"
#include "util.h"

/* -------------------------------------------------------------- extack */

struct tlvs {
	const char *msg;
	int offs, miss_type, miss_nest;		/* -1: absent */
};

static void put_tlvs(struct nl_msg *msg, const struct tlvs *t)
{
	if (t->msg)
		nla_put_string(msg, NLMSGERR_ATTR_MSG, t->msg);
	if (t->offs >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_OFFS, (uint32_t)t->offs);
	if (t->miss_type >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_MISS_TYPE, (uint32_t)t->miss_type);
	if (t->miss_nest >= 0)
		nla_put_u32(msg, NLMSGERR_ATTR_MISS_NEST, (uint32_t)t->miss_nest);
}

/* An NLMSG_ERROR answering @req, as netlink_ack() builds it. */
static struct nl_msg *error_msg(struct nlmsghdr *req, int error, bool capped,
				const struct tlvs *t)
{
	int flags = (capped ? NLM_F_CAPPED : 0) | (t ? NLM_F_ACK_TLVS : 0);
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_ERROR, flags);
	struct nlmsgerr e = { .error = error, .msg = *req };

	nlmsg_append(msg, &e, sizeof(e), NLMSG_ALIGNTO);
	if (!capped)
		nlmsg_append(msg, nlmsg_data(req), req->nlmsg_len - NLMSG_HDRLEN,
			     NLMSG_ALIGNTO);
	if (t)
		put_tlvs(msg, t);
	return msg;
}

/* The line vswctl prints for @reply to request @req. */
static const char *printed(struct nl_msg *reply, struct nlmsghdr *req)
{
	struct genl_extack ext;

	cap_begin();
	if (genl_extack_parse(nlmsg_hdr(reply), &ext))
		fputs("(unparsed)", cap);
	else
		genl_extack_print(cap, &ext, req, &vsw_attrs);
	nlmsg_free(reply);
	return cap_end();
}

static int offset_of(struct nl_msg *msg, struct nlattr *a)
{
	return (int)((char *)a - (char *)nlmsg_hdr(msg));
}

static void test_extack_errors(struct nl_msg *req, int mac, int port, int v6)
{
	struct nlmsghdr *h = nlmsg_hdr(req);
	struct tlvs t = { "mac must be a unicast, non-zero address", mac, -1, -1 };
	const char *want_mac = "vswctl: Invalid argument: mac must be a unicast, "
			       "non-zero address (at port.mac)\n";

	same(printed(error_msg(h, -EINVAL, true, &t), h), want_mac,
	     "extack: capped error, offending attribute named");
	same(printed(error_msg(h, -EINVAL, false, &t), h), want_mac,
	     "extack: uncapped error (request echoed) read the same");
	t = (struct tlvs){ "not a unicast IPv6 address", v6, -1, -1 };
	same(printed(error_msg(h, -EINVAL, true, &t), h),
	     "vswctl: Invalid argument: not a unicast IPv6 address "
	     "(at port.addrs.ipv6)\n", "extack: attribute two nests deep");
	t = (struct tlvs){ "bad", mac + 2, -1, -1 };
	same(printed(error_msg(h, -EINVAL, true, &t), h),
	     "vswctl: Invalid argument: bad\n",
	     "extack: an offset inside an attribute names nothing");
	t = (struct tlvs){ "vswitch: the port's device (ifindex or ifname) is "
			   "required", -1, VSWITCH_PORT_A_IFINDEX, port };
	same(printed(error_msg(h, -EINVAL, true, &t), h),
	     "vswctl: Invalid argument: vswitch: the port's device (ifindex or "
	     "ifname) is required (missing port.ifindex)\n",
	     "extack: missing attribute in a nest");
	t = (struct tlvs){ NULL, -1, VSWITCH_A_SWITCH_NAME, -1 };
	same(printed(error_msg(h, -EINVAL, true, &t), h),
	     "vswctl: Invalid argument (missing switch-name)\n",
	     "extack: missing top-level attribute, no message");
	same(printed(error_msg(h, -EPERM, true, NULL), h),
	     "vswctl: Operation not permitted (CAP_NET_ADMIN is needed)\n",
	     "extack: none (no TLVs), EPERM explained");
}

static void test_extack_done_ack(struct nlmsghdr *h)
{
	struct tlvs t = { "no switch of this name in this namespace", -1, -1, -1 };
	struct nl_msg *msg = nlmsg_alloc_simple(NLMSG_DONE,
						NLM_F_MULTI | NLM_F_ACK_TLVS);
	int err = -ENOENT;

	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	put_tlvs(msg, &t);
	same(printed(msg, NULL),
	     "vswctl: No such file or directory: no switch of this name in this "
	     "namespace\n", "extack: a dump that failed (NLMSG_DONE)");
	msg = nlmsg_alloc_simple(NLMSG_DONE, NLM_F_MULTI);
	err = 0;
	nlmsg_append(msg, &err, sizeof(err), NLMSG_ALIGNTO);
	same(printed(msg, NULL), "", "extack: a dump that ended well");
	t.msg = "ageing rounded to 10 s";
	same(printed(error_msg(h, 0, true, &t), h),
	     "vswctl: warning: ageing rounded to 10 s\n",
	     "extack: an ACK with a warning");
}

static void test_extack(void)
{
	struct nl_msg *req;
	struct vsw_req r;
	const char *err;
	int mac, port, v6;

	parse("port add sw0 dev tap0 mac 52:54:00:12:34:56 ip 10.0.0.2 "
	      "ip 2001:db8::2", &r, &err);
	req = genl_msg(r.m.cmd);
	vsw_msg_put(req, &r.m);
	mac = offset_of(req, find2(req, VSWITCH_A_PORT, VSWITCH_PORT_A_MAC));
	port = offset_of(req, find2(req, VSWITCH_A_PORT, VSWITCH_PORT_A_ID)) -
	       NLA_HDRLEN;	/* no id: find the nest by its first member */
	{
		struct nlattr *a = find2(req, VSWITCH_A_PORT, VSWITCH_PORT_A_ADDRS);
		struct nlattr *first = nla_data(a);

		v6 = offset_of(req, nla_next(first, &(int){ nla_len(a) }));
		port = offset_of(req, find2(req, VSWITCH_A_PORT,
					    VSWITCH_PORT_A_IFNAME)) - NLA_HDRLEN;
	}
	test_extack_errors(req, mac, port, v6);
	test_extack_done_ack(nlmsg_hdr(req));
	nlmsg_free(req);
}

/* ---------------------------------------------------------- live kernel */

struct names {
	char v[256][IFNAMSIZ];
	int n, messages;
};

static int add_name(const void *msg, void *arg)
{
	const struct vsw_msg *m = msg;
	struct names *ns = arg;

	ns->messages++;
	if (VSW_HAS(&m->sw, VSWITCH_A_SWITCH_NAME) && ns->n < 256)
		memcpy(ns->v[ns->n++], m->sw.name, IFNAMSIZ);
	return 0;
}

static void reset_names(void *arg)
{
	((struct names *)arg)->n = ((struct names *)arg)->messages = 0;
}

/* Every family libnl's controller cache knows is in @ns, and no other. */
static int same_families(struct nl_sock *sk, const struct names *ns)
{
	struct nl_cache *cache;
	int i, found = 0;

	if (genl_ctrl_alloc_cache(sk, &cache))
		return 0;
	for (i = 0; i < ns->n; i++)
		found += genl_ctrl_search_by_name(cache, ns->v[i]) != NULL;
	for (i = 0; i < ns->n; i++)
		genl_family_put(genl_ctrl_search_by_name(cache, ns->v[i]));
	i = nl_cache_nitems(cache);
	nl_cache_free(cache);
	if (found != ns->n || i != ns->n)
		printf("# dump: %d names, %d known to libnl, cache of %d\n",
		       ns->n, found, i);
	return found == ns->n && i == ns->n;
}

static void test_live_dump(struct genl_sock *nl)
{
	struct vsw_msg req = { .cmd = CTRL_CMD_GETFAMILY };
	struct names *ns = calloc(1, sizeof(*ns));
	int err;

	err = genl_dump(nl, req.cmd, &req, add_name, reset_names, ns);
	ok(!err && ns->messages > 1 && ns->n == ns->messages,
	   "live: a dump of %d families, one message each", ns->messages);
	ok(same_families(nl->sk, ns), "live: the same families as libnl's cache");
	reset_names(ns);
	memcpy(req.sw.name, "nlctrl", 7);
	VSW_SET(&req.sw, VSWITCH_A_SWITCH_NAME);
	err = genl_do(nl, req.cmd, &req, add_name, ns);
	ok(!err && ns->n == 1 && !strcmp(ns->v[0], "nlctrl"),
	   "live: a request answered by one reply, then the ACK");
	free(ns);
}

/* vswitch's "fdb" nest is nlctrl's CTRL_ATTR_OP, a u32: strict
 * validation of the policy dump rejects it, with an extack message. */
static void test_live_extack(struct genl_sock *nl)
{
	struct vsw_msg req = { .cmd = CTRL_CMD_GETPOLICY };
	const char *out;
	int err;

	memcpy(req.sw.name, "nlctrl", 7);
	VSW_SET(&req.sw, VSWITCH_A_SWITCH_NAME);
	VSW_SET(&req.sw, VSWITCH_A_FDB);
	VSW_SET(&req.fdb, VSWITCH_FDB_A_MAC);
	cap_begin();
	genl_err = cap;
	err = genl_dump(nl, req.cmd, &req, NULL, NULL, NULL);
	genl_err = NULL;
	out = cap_end();
	ok(err == -EINVAL && strstr(out, "vswctl: Invalid argument: ") &&
	   strstr(out, "(at fdb)\n"),
	   "live: the kernel's extack message, the attribute named");
	printf("# the kernel said: %s", out);
	req.sw.has &= ~VSW_BIT(VSWITCH_A_FDB);
	cap_begin();
	genl_err = cap;
	err = genl_do(nl, CTRL_CMD_GETFAMILY, &(struct vsw_msg){
		.cmd = CTRL_CMD_GETFAMILY,
		.sw = { .has = VSW_BIT(VSWITCH_A_SWITCH_NAME), .name = "vsw-nope" } },
		NULL, NULL);
	genl_err = NULL;
	out = cap_end();
	ok(err == -ENOENT && !strncmp(out, "vswctl: No such file or directory", 33),
	   "live: an error without extack: errno text only");
}

static void test_live(void)
{
	struct genl_sock nl;

	cap_begin();
	genl_err = cap;
	if (genl_open(&nl, &vsw_family, "nlctrl")) {
		genl_err = NULL;
		ok(0, "live: generic netlink socket: %s", cap_end());
		return;
	}
	genl_err = NULL;
	cap_end();
	test_live_dump(&nl);
	test_live_extack(&nl);
	genl_close(&nl);
}

int main(void)
{
	printf("TAP version 13\n");
	test_extack();
	test_live();
	return tap_done();
}
