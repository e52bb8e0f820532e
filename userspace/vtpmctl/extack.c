// SPDX-License-Identifier: GPL-2.0
/*
 * extack.c - the kernel's extended ACK, named after the request
 *
 * libnl 3.7 neither asks for extended ACKs nor reads them: nl.c sets
 * NETLINK_EXT_ACK on the socket and hands every NLMSG_ERROR and
 * NLMSG_DONE here. The vtpm family's attributes are flat (no nests).
 */
#include <errno.h>
#include <string.h>

#include <linux/genetlink.h>
#include <netlink/attr.h>

#include "extack.h"
#include "model.h"
#include "util.h"

static const char *const names[VTPM_A_MAX + 1] = {
	[VTPM_A_PAD] = "pad",
	[VTPM_A_ID] = "id",
	[VTPM_A_NAME] = "name",
	[VTPM_A_UID] = "uid",
	[VTPM_A_GID] = "gid",
	[VTPM_A_MODE] = "mode",
	[VTPM_A_BANKS] = "banks",
	[VTPM_A_DEV_NUM] = "dev-num",
	[VTPM_A_COMMANDS] = "commands",
	[VTPM_A_MEM] = "mem",
};

static const char *name_of(int type)
{
	return type > 0 && type <= VTPM_A_MAX ? names[type] : NULL;
}

int vtpm_attr_name_at(const struct nlmsghdr *req, uint32_t offs,
		      char *buf, size_t len)
{
	uint32_t hdr = NLMSG_HDRLEN + NLMSG_ALIGN(GENL_HDRLEN), off;
	const struct nlattr *head, *a;
	const char *n;
	int rem;

	buf[0] = '\0';
	if (req->nlmsg_len < hdr)
		return -1;
	head = (const struct nlattr *)((const char *)req + hdr);
	rem = (int)(req->nlmsg_len - hdr);
	for (a = head; nla_ok(a, rem); a = nla_next(a, &rem)) {
		off = hdr + (uint32_t)((const char *)a - (const char *)head);
		if (offs != off)
			continue;
		n = name_of(nla_type(a));
		snprintf(buf, len, "%s", n ? n : "?");
		return 0;
	}
	return -1;
}

int vtpm_missing_name(const struct nlmsghdr *req, const struct vtpm_extack *ext,
		      char *buf, size_t len)
{
	const char *n = name_of((int)ext->miss_type);

	(void)req;
	buf[0] = '\0';
	if (ext->has_miss_nest || !n)
		return -1;
	snprintf(buf, len, "%s", n);
	return 0;
}

static struct nla_policy ext_policy[NLMSGERR_ATTR_MAX + 1] = {
	[NLMSGERR_ATTR_MSG] = { .type = NLA_STRING },
	[NLMSGERR_ATTR_OFFS] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_TYPE] = { .type = NLA_U32 },
	[NLMSGERR_ATTR_MISS_NEST] = { .type = NLA_U32 },
};

static void parse_tlvs(const struct nlmsghdr *nlh, uint32_t off,
		       struct vtpm_extack *ext)
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

int vtpm_extack_parse(const struct nlmsghdr *nlh, struct vtpm_extack *ext)
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

void vtpm_extack_print(FILE *f, const struct vtpm_extack *ext,
		       const struct nlmsghdr *req)
{
	char name[64];

	if (!ext->error) {
		if (ext->msg[0])
			fprintf(f, "%s: warning: %s\n", vtpm_prog, ext->msg);
		return;
	}
	fprintf(f, "%s: %s", vtpm_prog, strerror(-ext->error));
	if (ext->msg[0])
		fprintf(f, ": %s", ext->msg);
	else if (ext->error == -EPERM)
		fputs(" (CAP_NET_ADMIN is needed)", f);
	if (req && ext->has_offs &&
	    !vtpm_attr_name_at(req, ext->offs, name, sizeof(name)))
		fprintf(f, " (at %s)", name);
	if (req && ext->has_miss && !vtpm_missing_name(req, ext, name, sizeof(name)))
		fprintf(f, " (missing %s)", name);
	fputc('\n', f);
}
