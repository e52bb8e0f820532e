// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - the vswitch generic netlink family, as ../genl/nl.c talks to it
 */
#include "attrs.h"
#include "extack.h"
#include "nl.h"

static int parse(struct nlmsghdr *nlh, void *m)
{
	return vsw_msg_parse(nlh, m);
}

static int put(struct nl_msg *msg, const void *req)
{
	return vsw_msg_put(msg, req);
}

const struct genl_fam vsw_family = {
	.name = VSWITCH_FAMILY_NAME,
	.version = VSWITCH_FAMILY_VERSION,
	.mcgrp = VSWITCH_MCGRP_EVENTS,
	.attrs = &vsw_attrs,
	.msg_size = sizeof(struct vsw_msg),
	.parse = parse,
	.put = put,
};
