// SPDX-License-Identifier: GPL-2.0
/*
 * extack.c - the kernel's extended ACK, named after the request
 *
 * libnl 3.7 neither asks for extended ACKs nor reads them: nl.c sets
 * NETLINK_EXT_ACK on the socket and hands every NLMSG_ERROR and
 * NLMSG_DONE here.
 */
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>

#include "extack.h"
#include "model.h"
#include "util.h"

enum space { SP_TOP, SP_PORT, SP_ADDR, SP_FDB, SP_STATS, SP_NONE };

struct attr_name {
	const char *name;
	enum space nest;	/* the space of its content, if a nest */
};

#define A(n)		{ n, SP_NONE }
#define N(n, s)		{ n, s }

static const struct attr_name top_names[VSWITCH_A_MAX + 1] = {
	[VSWITCH_A_PAD] = A("pad"),
	[VSWITCH_A_SWITCH_NAME] = A("switch-name"),
	[VSWITCH_A_AGEING_TIME] = A("ageing-time"),
	[VSWITCH_A_FDB_MAX] = A("fdb-max"),
	[VSWITCH_A_INTERNAL] = A("internal"),
	[VSWITCH_A_INTERNAL_IFINDEX] = A("internal-ifindex"),
	[VSWITCH_A_N_PORTS] = A("n-ports"),
	[VSWITCH_A_FDB_COUNT] = A("fdb-count"),
	[VSWITCH_A_PORT] = N("port", SP_PORT),
	[VSWITCH_A_FDB] = N("fdb", SP_FDB),
	[VSWITCH_A_STATS] = N("stats", SP_STATS),
};

static const struct attr_name port_names[VSWITCH_PORT_A_MAX + 1] = {
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
	[VSWITCH_PORT_A_ADDRS] = N("addrs", SP_ADDR),
	[VSWITCH_PORT_A_INTERNAL] = A("internal"),
	[VSWITCH_PORT_A_STATS] = N("stats", SP_STATS),
};

static const struct attr_name addr_names[VSWITCH_ADDR_A_MAX + 1] = {
	[VSWITCH_ADDR_A_IPV4] = A("ipv4"),
	[VSWITCH_ADDR_A_IPV6] = A("ipv6"),
};

static const struct attr_name fdb_names[VSWITCH_FDB_A_MAX + 1] = {
	[VSWITCH_FDB_A_PAD] = A("pad"),
	[VSWITCH_FDB_A_MAC] = A("mac"),
	[VSWITCH_FDB_A_PORT_ID] = A("port-id"),
	[VSWITCH_FDB_A_STATIC] = A("static"),
	[VSWITCH_FDB_A_AGE_MS] = A("age-ms"),
};

static const struct {
	const struct attr_name *names;
	int max;
} spaces[] = {
	[SP_TOP] = { top_names, VSWITCH_A_MAX },
	[SP_PORT] = { port_names, VSWITCH_PORT_A_MAX },
	[SP_ADDR] = { addr_names, VSWITCH_ADDR_A_MAX },
	[SP_FDB] = { fdb_names, VSWITCH_FDB_A_MAX },
	[SP_STATS] = { NULL, VSWITCH_STATS_A_MAX },
};

static const struct attr_name *lookup(enum space sp, int type)
{
	if (sp >= SP_NONE || type < 0 || type > spaces[sp].max ||
	    !spaces[sp].names || !spaces[sp].names[type].name)
		return NULL;
	return &spaces[sp].names[type];
}

static void append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len > n ? len - n : 0, "%s%s", n ? sep : "", s);
}

/*
 * Find the attribute at @target among those in [@head, @head + @rem) of
 * space @sp; @base is @head's offset in the request. Appends the path to
 * @buf. Return: the space of the found attribute's content, or -1.
 */
static int walk(const struct nlattr *head, int rem, uint32_t base,
		uint32_t target, enum space sp, char *buf, size_t len)
{
	const struct nlattr *a;
	const struct attr_name *an;
	uint32_t off;

	for (a = head; nla_ok(a, rem); a = nla_next(a, &rem)) {
		off = base + (uint32_t)((const char *)a - (const char *)head);
		if (target < off || target >= off + a->nla_len)
			continue;
		an = lookup(sp, nla_type(a));
		append(buf, len, ".", an ? an->name : "?");
		if (target == off)
			return an ? (int)an->nest : SP_NONE;
		if (!an || an->nest == SP_NONE)
			return -1;
		return walk(nla_data(a), nla_len(a), off + NLA_HDRLEN, target,
			    an->nest, buf, len);
	}
	return -1;
}

static int attrs_start(const struct nlmsghdr *req, const struct nlattr **head,
		       int *rem)
{
	uint32_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(GENL_HDRLEN);

	if (req->nlmsg_len < hdr)
		return -1;
	*head = (const struct nlattr *)((const char *)req + hdr);
	*rem = (int)(req->nlmsg_len - hdr);
	return (int)hdr;
}

int vsw_attr_name_at(const struct nlmsghdr *req, uint32_t offs,
		     char *buf, size_t len)
{
	const struct nlattr *head;
	int rem, base;

	buf[0] = '\0';
	base = attrs_start(req, &head, &rem);
	if (base < 0 || walk(head, rem, (uint32_t)base, offs, SP_TOP, buf, len) < 0) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int vsw_missing_name(const struct nlmsghdr *req, const struct vsw_extack *ext,
		     char *buf, size_t len)
{
	const struct attr_name *an;
	const struct nlattr *head;
	int rem, base, sp = SP_TOP;

	buf[0] = '\0';
	if (ext->has_miss_nest) {
		base = attrs_start(req, &head, &rem);
		if (base < 0)
			return -1;
		sp = walk(head, rem, (uint32_t)base, ext->miss_nest, SP_TOP,
			  buf, len);
		if (sp < 0 || sp == SP_NONE) {
			buf[0] = '\0';
			return -1;
		}
	}
	an = lookup((enum space)sp, (int)ext->miss_type);
	if (!an) {
		buf[0] = '\0';
		return -1;
	}
	append(buf, len, ".", an->name);
	return 0;
}

static struct nla_policy ext_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_NEST] = { .type = NLA_U32 },
};

static void parse_tlvs(const struct nlmsghdr *nlh, uint32_t off,
		       struct vsw_extack *ext)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len ||
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + off),
		      (int)(nlh->nlmsg_len - off), ext_policy))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(ext->msg, tb[NLMSGERR_ATTR_MSG], sizeof(ext->msg));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		ext->has_offs = true;
		ext->offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE]) {
		ext->has_miss = true;
		ext->miss_type = nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
	}
	if (tb[NLMSGERR_ATTR_MISS_NEST]) {
		ext->has_miss_nest = true;
		ext->miss_nest = nla_get_u32(tb[NLMSGERR_ATTR_MISS_NEST]);
	}
}

int vsw_extack_parse(const struct nlmsghdr *nlh, struct vsw_extack *ext)
{
	const struct nlmsgerr *e;
	uint32_t off = NLMSG_HDRLEN;
	int err;

	memset(ext, 0, sizeof(*ext));
	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len < off + sizeof(int))
			return 0;	/* an old-style DONE: no error */
		memcpy(&err, (const char *)nlh + off, sizeof(err));
		ext->error = err;
		parse_tlvs(nlh, off + NLMSG_ALIGN(sizeof(int)), ext);
		return 0;
	}
	if (nlh->nlmsg_type != NLMSG_ERROR ||
	    nlh->nlmsg_len < off + sizeof(*e))
		return -1;
	e = (const struct nlmsgerr *)((const char *)nlh + off);
	ext->error = e->error;
	off += sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	parse_tlvs(nlh, off, ext);
	return 0;
}

void vsw_extack_print(FILE *f, const struct vsw_extack *ext,
		      const struct nlmsghdr *req)
{
	char name[128];

	if (!ext->error) {
		if (ext->msg[0])
			fprintf(f, "%s: warning: %s\n", vsw_prog, ext->msg);
		return;
	}
	fprintf(f, "%s: %s", vsw_prog, strerror(-ext->error));
	if (ext->msg[0])
		fprintf(f, ": %s", ext->msg);
	else if (ext->error == -EPERM)
		fputs(" (CAP_NET_ADMIN is needed)", f);
	if (req && ext->has_offs &&
	    !vsw_attr_name_at(req, ext->offs, name, sizeof(name)))
		fprintf(f, " (at %s)", name);
	if (req && ext->has_miss && !vsw_missing_name(req, ext, name, sizeof(name)))
		fprintf(f, " (missing %s)", name);
	fputc('\n', f);
}
