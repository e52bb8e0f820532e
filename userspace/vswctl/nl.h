/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - the vswitch generic netlink family, as ../genl/nl.c talks to it
 *
 * Requests are struct vsw_msg; replies and events come to the callbacks
 * as const struct vsw_msg *.
 */
#ifndef VSWCTL_NL_H
#define VSWCTL_NL_H

#include "genl/nl.h"
#include "model.h"

extern const struct genl_fam vsw_family;

#endif /* VSWCTL_NL_H */
