/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vtpm: per-VM TPM 2.0 instances in the kernel. Each instance is a TPM
 * chip registered with the kernel's TPM core (/dev/tpmN, /dev/tpmrmN),
 * backed by an in-kernel TPM 2.0 engine, and managed over the generic
 * netlink family "vtpm". The family is described, attribute by attribute
 * with every check, in Documentation/netlink/specs/vtpm.yaml.
 */
#ifndef _UAPI_LINUX_VTPM_H
#define _UAPI_LINUX_VTPM_H

#define VTPM_FAMILY_NAME		"vtpm"
#define VTPM_FAMILY_VERSION		1
#define VTPM_MCGRP_EVENTS		"events"

/* Limits (requests beyond them are rejected with an extack message). */
#define VTPM_NAME_MAX			32	/* characters, [A-Za-z0-9_.-] */
#define VTPM_MAX_INSTANCES_HARD		4096	/* bound of max_instances */
#define VTPM_MODE_MAX			0777
#define VTPM_MODE_DEFAULT		0600

/*
 * PCR banks (VTPM_A_BANKS): a bit per hash. The same values as the
 * engine's (kmod/vtpm/engine/engine.h), spelled token for token alike.
 */
#define VTPM_BANK_SHA1		(1u << 0)
#define VTPM_BANK_SHA256	(1u << 1)
#define VTPM_BANK_SHA384	(1u << 2)
#define VTPM_BANKS_ALL		(VTPM_BANK_SHA1 | VTPM_BANK_SHA256 | \
				 VTPM_BANK_SHA384)
#define VTPM_BANKS_DEFAULT	(VTPM_BANK_SHA1 | VTPM_BANK_SHA256)

enum vtpm_genl_cmd {
	VTPM_CMD_UNSPEC,
	VTPM_CMD_INSTANCE_NEW,
	VTPM_CMD_INSTANCE_DEL,
	VTPM_CMD_INSTANCE_GET,
	VTPM_CMD_INSTANCE_RESET,
	/* notifications, on the "events" multicast group */
	VTPM_CMD_INSTANCE_NEW_NTF,
	VTPM_CMD_INSTANCE_DEL_NTF,
	VTPM_CMD_INSTANCE_RESET_NTF,

	__VTPM_CMD_MAX,
	VTPM_CMD_MAX = __VTPM_CMD_MAX - 1
};

/* Attributes (one flat set). */
enum vtpm_a {
	VTPM_A_UNSPEC,
	VTPM_A_PAD,
	VTPM_A_ID,		/* u32, >= 1 */
	VTPM_A_NAME,		/* string, 1..VTPM_NAME_MAX bytes + NUL */
	VTPM_A_UID,		/* u32: owner of /dev/tpmN and /dev/tpmrmN */
	VTPM_A_GID,		/* u32: their group */
	VTPM_A_MODE,		/* u32: their permission bits, <= 0777 */
	VTPM_A_BANKS,		/* u32: VTPM_BANK_* */
	VTPM_A_DEV_NUM,		/* u32, reply only: N of /dev/tpmN */
	VTPM_A_COMMANDS,	/* u64, reply only: TPM commands run */
	VTPM_A_MEM,		/* u64, reply only: bytes held */

	__VTPM_A_MAX,
	VTPM_A_MAX = __VTPM_A_MAX - 1
};

#endif /* _UAPI_LINUX_VTPM_H */
