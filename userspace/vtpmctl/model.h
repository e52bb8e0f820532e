/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - the vtpm family's objects as plain structs
 *
 * Replies and events are parsed into these (attrs.c), requests are built
 * from them, and the printers (show.c) take nothing else: printers and
 * argument parsers are tested without a kernel. @has has bit N set when
 * attribute N (VTPM_A_*) is present.
 */
#ifndef VTPMCTL_MODEL_H
#define VTPMCTL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vtpm.h>

#define VTPM_BIT(a)	(1ULL << (a))
#define VTPM_HAS(o, a)	(!!((o)->has & VTPM_BIT(a)))
#define VTPM_SET(o, a)	((o)->has |= VTPM_BIT(a))

/* An instance: the attributes of an INSTANCE_* message. */
struct vtpm_inst {
	uint64_t has;				/* VTPM_A_* */
	uint32_t id;
	char name[VTPM_NAME_MAX + 1];
	uint32_t uid, gid, mode, banks, dev_num;
	uint64_t commands, mem;
};

/* One generic netlink message of the family. */
struct vtpm_msg {
	uint8_t cmd;
	struct vtpm_inst inst;
};

#endif /* VTPMCTL_MODEL_H */
