/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vTPM instances (instance.c): one engine, one TPM chip, found by name
 * or id.
 *
 * Lock order (outermost first):
 *   vtpm_instances_lock (netlink requests, module exit)
 *     -> the TPM core's chip->ops_sem, then chip->tpm_mutex (taken by the
 *        core around every command, and by tpm_chip_register/unregister)
 *       -> vtpm_instance.lock
 * Nothing calls into the TPM core while holding an instance's lock.
 */
#ifndef _VTPM_INSTANCE_H
#define _VTPM_INSTANCE_H

#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/tpm.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <uapi/linux/vtpm.h>

#include "engine/engine.h"

/**
 * struct vtpm_instance - one vTPM
 * @id: unique id, >= 1 (not reused until the id space wraps)
 * @name: unique name, NUL-terminated
 * @uid: owner of /dev/tpmN and /dev/tpmrmN; may also reset the instance
 * @gid: group of the device nodes
 * @mode: permission bits of the device nodes
 * @banks: VTPM_BANK_* the engine was created with
 * @chip: the chip registered with the TPM core; its drvdata is this
 * @lock: protects @engine, @rsp, @rsp_len and the writes of @commands
 *	  and @mem
 * @engine: the TPM
 * @commands: commands the engine ran (read locklessly)
 * @mem: bytes held: this struct and the engine (read locklessly)
 * @rsp_len: bytes of @rsp not yet taken by the TPM core's recv()
 * @rsp: the response to the last command
 *
 * Everything but @lock, @engine, @rsp, @rsp_len, @commands and @mem is
 * fixed at creation.
 */
struct vtpm_instance {
	u32 id;
	char name[VTPM_NAME_MAX + 1];
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u32 banks;
	struct tpm_chip *chip;

	struct mutex lock;
	struct vtpm_engine *engine;
	u64 commands;
	u64 mem;
	u32 rsp_len;
	u8 rsp[VTPM_BUF_SIZE];
};

/* What INSTANCE_NEW asks for; unset fields have their defaults. */
struct vtpm_instance_cfg {
	const char *name;
	kuid_t uid;
	kgid_t gid;
	umode_t mode;
	u32 banks;
};

/* Protects the set of instances; see the lock order above. */
extern struct mutex vtpm_instances_lock;

int vtpm_instance_init(void);
void vtpm_instance_exit(void);

bool vtpm_instance_name_valid(const char *name);
struct vtpm_instance *vtpm_instance_create(const struct vtpm_instance_cfg *cfg,
					   struct netlink_ext_ack *extack);
void vtpm_instance_destroy(struct vtpm_instance *inst);
void vtpm_instance_reset(struct vtpm_instance *inst);

struct vtpm_instance *vtpm_instance_by_id(u32 id);
struct vtpm_instance *vtpm_instance_by_name(const char *name);
/* The instance with the lowest id >= *@id (updated), or NULL. */
struct vtpm_instance *vtpm_instance_next(unsigned long *id);
/* Changes whenever an instance is created or destroyed (dump checks). */
unsigned int vtpm_instance_gen(void);

/* The TPM core's send(): runs @cmd, keeps the response. */
int vtpm_instance_execute(struct vtpm_instance *inst, const u8 *cmd,
			  size_t len);
/* The TPM core's recv(): hands the kept response over. */
int vtpm_instance_take_response(struct vtpm_instance *inst, u8 *buf,
				size_t len);

#endif /* _VTPM_INSTANCE_H */
