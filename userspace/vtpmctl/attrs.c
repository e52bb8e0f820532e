// SPDX-License-Identifier: GPL-2.0
/*
 * attrs.c - vtpm messages to and from struct vtpm_msg
 *
 * The policy here checks lengths only: the kernel's policies in
 * kmod/vtpm/netlink.c and the spec hold the value ranges.
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "attrs.h"

#define U32	{ .type = NLA_U32 }
#define U64	{ .type = NLA_U64 }

static struct nla_policy policy[VTPM_A_MAX + 1] = {
	[VTPM_A_ID] = U32,
	[VTPM_A_NAME] = { .type = NLA_STRING, .maxlen = VTPM_NAME_MAX + 1 },
	[VTPM_A_UID] = U32,
	[VTPM_A_GID] = U32,
	[VTPM_A_MODE] = U32,
	[VTPM_A_BANKS] = U32,
	[VTPM_A_DEV_NUM] = U32,
	[VTPM_A_COMMANDS] = U64,
	[VTPM_A_MEM] = U64,
};

static void get_u32(struct nlattr **tb, int a, uint32_t *out)
{
	if (tb[a])
		*out = nla_get_u32(tb[a]);
}

static void get_u64(struct nlattr **tb, int a, uint64_t *out)
{
	if (tb[a])
		*out = nla_get_u64(tb[a]);
}

int vtpm_msg_parse(struct nlmsghdr *nlh, struct vtpm_msg *m)
{
	struct nlattr *tb[VTPM_A_MAX + 1];
	struct vtpm_inst *t = &m->inst;

	memset(m, 0, sizeof(*m));
	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_parse(nlh, 0, tb, VTPM_A_MAX, policy))
		return -EBADMSG;
	m->cmd = ((struct genlmsghdr *)nlmsg_data(nlh))->cmd;
	for (int i = 1; i <= VTPM_A_MAX; i++)
		if (tb[i])
			VTPM_SET(t, i);
	if (tb[VTPM_A_NAME])
		nla_strlcpy(t->name, tb[VTPM_A_NAME], sizeof(t->name));
	get_u32(tb, VTPM_A_ID, &t->id);
	get_u32(tb, VTPM_A_UID, &t->uid);
	get_u32(tb, VTPM_A_GID, &t->gid);
	get_u32(tb, VTPM_A_MODE, &t->mode);
	get_u32(tb, VTPM_A_BANKS, &t->banks);
	get_u32(tb, VTPM_A_DEV_NUM, &t->dev_num);
	get_u64(tb, VTPM_A_COMMANDS, &t->commands);
	get_u64(tb, VTPM_A_MEM, &t->mem);
	return 0;
}

#define PUT_U32(msg, o, a, v) \
	(VTPM_HAS(o, a) && nla_put_u32(msg, a, v))

int vtpm_msg_put(struct nl_msg *msg, const struct vtpm_msg *m)
{
	const struct vtpm_inst *t = &m->inst;

	if ((VTPM_HAS(t, VTPM_A_NAME) &&
	     nla_put_string(msg, VTPM_A_NAME, t->name)) ||
	    PUT_U32(msg, t, VTPM_A_ID, t->id) ||
	    PUT_U32(msg, t, VTPM_A_UID, t->uid) ||
	    PUT_U32(msg, t, VTPM_A_GID, t->gid) ||
	    PUT_U32(msg, t, VTPM_A_MODE, t->mode) ||
	    PUT_U32(msg, t, VTPM_A_BANKS, t->banks))
		return -NLE_NOMEM;
	return 0;
}
