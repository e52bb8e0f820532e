/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extack.h - the vtpm family's attribute names, for the extended ACKs
 * that ../genl/extack.c reads and prints ("uid", spec names)
 */
#ifndef VTPMCTL_EXTACK_H
#define VTPMCTL_EXTACK_H

#include "genl/extack.h"

/* VTPM_A_*: the family's attributes are flat (no nests). */
extern const struct genl_attr_space vtpm_attrs;

#endif /* VTPMCTL_EXTACK_H */
