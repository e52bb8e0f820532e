// SPDX-License-Identifier: GPL-2.0
/*
 * extack.c - the vtpm family's attribute names, for ../genl/extack.c to
 * name the attribute an extended ACK points at
 */
#include "extack.h"
#include "model.h"

static const struct genl_attr_name names[VTPM_A_MAX + 1] = {
	[VTPM_A_PAD] = { .name = "pad" },
	[VTPM_A_ID] = { .name = "id" },
	[VTPM_A_NAME] = { .name = "name" },
	[VTPM_A_UID] = { .name = "uid" },
	[VTPM_A_GID] = { .name = "gid" },
	[VTPM_A_MODE] = { .name = "mode" },
	[VTPM_A_BANKS] = { .name = "banks" },
	[VTPM_A_DEV_NUM] = { .name = "dev-num" },
	[VTPM_A_COMMANDS] = { .name = "commands" },
	[VTPM_A_MEM] = { .name = "mem" },
};

const struct genl_attr_space vtpm_attrs = { names, VTPM_A_MAX };
