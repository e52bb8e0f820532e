// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - the vtpm generic netlink family, as ../genl/nl.c talks to it
 */
#include "attrs.h"
#include "extack.h"
#include "nl.h"

static int parse(struct nlmsghdr *nlh, void *m)
{
	return vtpm_msg_parse(nlh, m);
}

static int put(struct nl_msg *msg, const void *req)
{
	return vtpm_msg_put(msg, req);
}

const struct genl_fam vtpm_family = {
	.name = VTPM_FAMILY_NAME,
	.version = VTPM_FAMILY_VERSION,
	.mcgrp = VTPM_MCGRP_EVENTS,
	.attrs = &vtpm_attrs,
	.msg_size = sizeof(struct vtpm_msg),
	.parse = parse,
	.put = put,
};
