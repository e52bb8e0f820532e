/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - the vtpm generic netlink family, as ../genl/nl.c talks to it
 *
 * Requests are struct vtpm_msg; replies and events come to the callbacks
 * as const struct vtpm_msg *.
 */
#ifndef VTPMCTL_NL_H
#define VTPMCTL_NL_H

#include "genl/nl.h"
#include "model.h"

extern const struct genl_fam vtpm_family;

#endif /* VTPMCTL_NL_H */
