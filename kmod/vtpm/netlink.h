/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VTPM_NETLINK_H
#define _VTPM_NETLINK_H

#include <net/genetlink.h>
#include <uapi/linux/vtpm.h>

extern struct genl_family vtpm_nl_family;

int vtpm_nl_init(void);
void vtpm_nl_exit(void);

#endif /* _VTPM_NETLINK_H */
