/* SPDX-License-Identifier: GPL-2.0 */
/*
 * attrs.h - vtpm messages to and from struct vtpm_msg
 */
#ifndef VTPMCTL_ATTRS_H
#define VTPMCTL_ATTRS_H

#include <netlink/msg.h>

#include "model.h"

/*
 * Parse a message of the family (generic netlink header included) into
 * @m. Attributes of unknown types are ignored; a known one with a wrong
 * length makes the whole message invalid.
 * Return: 0, or -EBADMSG.
 */
int vtpm_msg_parse(struct nlmsghdr *nlh, struct vtpm_msg *m);

/*
 * Add the attributes @m has (the user-settable ones) to @msg, after its
 * generic netlink header. Return: 0, or a negative libnl error.
 */
int vtpm_msg_put(struct nl_msg *msg, const struct vtpm_msg *m);

#endif /* VTPMCTL_ATTRS_H */
