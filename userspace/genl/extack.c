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
#include "util.h"

static const struct genl_attr_name *lookup(const struct genl_attr_space *sp,
					   int type)
{
	if (!sp || type < 0 || type > sp->max || !sp->names ||
	    !sp->names[type].name)
		return NULL;
	return &sp->names[type];
}

static void append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len > n ? len - n : 0, "%s%s", n ? sep : "", s);
}

/*
 * Find the attribute at @target among those in [@head, @head + @rem) of
 * space @sp; @base is @head's offset in the request. Appends the path to
 * @buf and sets *@content to the space of the found attribute's content
 * (NULL if it is not a nest, or not known). Return: 0, or -1.
 */
static int walk(const struct nlattr *head, int rem, uint32_t base,
		uint32_t target, const struct genl_attr_space *sp,
		char *buf, size_t len, const struct genl_attr_space **content)
{
	const struct genl_attr_name *an;
	const struct nlattr *a;
	uint32_t off;

	for (a = head; nla_ok(a, rem); a = nla_next(a, &rem)) {
		off = base + (uint32_t)((const char *)a - (const char *)head);
		if (target < off || target >= off + a->nla_len)
			continue;
		an = lookup(sp, nla_type(a));
		append(buf, len, ".", an ? an->name : "?");
		if (target == off) {
			*content = an ? an->nest : NULL;
			return 0;
		}
		if (!an || !an->nest)
			return -1;
		return walk(nla_data(a), nla_len(a), off + NLA_HDRLEN, target,
			    an->nest, buf, len, content);
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

int genl_attr_name_at(const struct genl_attr_space *top,
		      const struct nlmsghdr *req, uint32_t offs,
		      char *buf, size_t len)
{
	const struct genl_attr_space *content;
	const struct nlattr *head;
	int rem, base;

	buf[0] = '\0';
	base = attrs_start(req, &head, &rem);
	if (base < 0 ||
	    walk(head, rem, (uint32_t)base, offs, top, buf, len, &content)) {
		buf[0] = '\0';
		return -1;
	}
	return 0;
}

int genl_missing_name(const struct genl_attr_space *top,
		      const struct nlmsghdr *req, const struct genl_extack *ext,
		      char *buf, size_t len)
{
	const struct genl_attr_space *sp = top;
	const struct genl_attr_name *an;
	const struct nlattr *head;
	int rem, base;

	buf[0] = '\0';
	if (ext->has_miss_nest) {
		base = attrs_start(req, &head, &rem);
		if (base < 0)
			return -1;
		if (walk(head, rem, (uint32_t)base, ext->miss_nest, top,
			 buf, len, &sp) || !sp) {
			buf[0] = '\0';
			return -1;
		}
	}
	an = lookup(sp, (int)ext->miss_type);
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
		       struct genl_extack *ext)
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

int genl_extack_parse(const struct nlmsghdr *nlh, struct genl_extack *ext)
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

void genl_extack_print(FILE *f, const struct genl_extack *ext,
		       const struct nlmsghdr *req,
		       const struct genl_attr_space *top)
{
	char name[128];

	if (!ext->error) {
		if (ext->msg[0])
			fprintf(f, "%s: warning: %s\n", genl_prog, ext->msg);
		return;
	}
	fprintf(f, "%s: %s", genl_prog, strerror(-ext->error));
	if (ext->msg[0])
		fprintf(f, ": %s", ext->msg);
	else if (ext->error == -EPERM)
		fputs(" (CAP_NET_ADMIN is needed)", f);
	if (req && ext->has_offs &&
	    !genl_attr_name_at(top, req, ext->offs, name, sizeof(name)))
		fprintf(f, " (at %s)", name);
	if (req && ext->has_miss &&
	    !genl_missing_name(top, req, ext, name, sizeof(name)))
		fprintf(f, " (missing %s)", name);
	fputc('\n', f);
}
