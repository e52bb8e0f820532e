/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attrs.h - vswitch messages to and from struct vsw_msg
 */
#ifndef VSWCTL_ATTRS_H
#define VSWCTL_ATTRS_H

#include <netlink/msg.h>

#include "model.h"

/*
 * Parse a message of the family (generic netlink header included) into
 * @m. Attributes of unknown types are ignored; a known one with a wrong
 * length makes the whole message invalid.
 * Return: 0, or -EBADMSG.
 */
int vsw_msg_parse(struct nlmsghdr *nlh, struct vsw_msg *m);

/*
 * Add the attributes @m has (user-settable ones: names, settings, the
 * port and fdb nests) to @msg, after its generic netlink header.
 * Return: 0, or a negative libnl error.
 */
int vsw_msg_put(struct nl_msg *msg, const struct vsw_msg *m);

#endif /* VSWCTL_ATTRS_H */
