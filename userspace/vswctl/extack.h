/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extack.h - the vswitch family's attribute names, for the extended ACKs
 * that ../genl/extack.c reads and prints ("port.mac", spec names)
 */
#ifndef VSWCTL_EXTACK_H
#define VSWCTL_EXTACK_H

#include "genl/extack.h"

/* The top-level space (VSWITCH_A_*) and, through it, every nest. */
extern const struct genl_attr_space vsw_attrs;

#endif /* VSWCTL_EXTACK_H */
