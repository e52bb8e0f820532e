// SPDX-License-Identifier: GPL-2.0
/*
 * An instance's chip in the kernel's TPM core.
 *
 * The engine runs a command to completion inside send(), under the
 * instance's lock, and keeps the response; status() then reports it
 * complete at once (the core never sleeps in its poll loop) and recv()
 * hands it over. The core serializes a chip's commands (chip->tpm_mutex)
 * and stops calling the ops for good in tpm_chip_unregister(), under
 * chip->ops_sem, after a last TPM2_Shutdown(CLEAR).
 *
 * Device node owner, group and mode come from a struct device_type's
 * devnode() on chip->dev (/dev/tpmN) and chip->devs (/dev/tpmrmN), set
 * before registration: tpm_chip_alloc() and tpm_devs_add() set class,
 * release, parent and devt but never type (6.1.192 and 6.12.117 checked),
 * and device_initialize() leaves type alone. The driver core calls
 * devnode() only while the device is registered (devtmpfs node creation
 * and removal, uevents, reads of the sysfs uevent file); the types are
 * cleared after tpm_chip_unregister(), so a chip kept alive by an open
 * /dev/tpmN after the module is gone points at no module memory (its
 * release() belongs to the TPM core).
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/tpm.h>

#include "chip.h"
#include "compat.h"
#include "instance.h"
#include "tpm_core.h"

#define STS_COMPLETE	BIT(0)

static struct vtpm_instance *chip_inst(struct tpm_chip *chip)
{
	return dev_get_drvdata(&chip->dev);
}

static int op_send(struct tpm_chip *chip, u8 *buf, size_t len)
{
	return vtpm_instance_execute(chip_inst(chip), buf, len);
}

static int op_recv(struct tpm_chip *chip, u8 *buf, size_t len)
{
	return vtpm_instance_take_response(chip_inst(chip), buf, len);
}

/* Complete as soon as send() returned: the engine is synchronous. */
static u8 op_status(struct tpm_chip *chip)
{
	return READ_ONCE(chip_inst(chip)->rsp_len) ? STS_COMPLETE : 0;
}

/* Nothing to cancel: a command never outlives send(). */
static void op_cancel(struct tpm_chip *chip)
{
}

static bool op_req_canceled(struct tpm_chip *chip, u8 status)
{
	return false;
}

static const struct tpm_class_ops vtpm_tpm_ops = {
	.flags = TPM_OPS_AUTO_STARTUP,
	.req_complete_mask = STS_COMPLETE,
	.req_complete_val = STS_COMPLETE,
	.req_canceled = op_req_canceled,
	.recv = op_recv,
	.send = op_send,
	.cancel = op_cancel,
	.status = op_status,
};

static void set_node(const struct vtpm_instance *inst, umode_t *mode,
		     kuid_t *uid, kgid_t *gid)
{
	/* devtmpfs_delete_node() passes NULLs */
	if (mode)
		*mode = inst->mode;
	if (uid)
		*uid = inst->uid;
	if (gid)
		*gid = inst->gid;
}

/* /dev/tpmN; NULL: the default name */
static char *dev_devnode(VTPM_DEVNODE_DEV *dev, umode_t *mode, kuid_t *uid,
			 kgid_t *gid)
{
	set_node(dev_get_drvdata(dev), mode, uid, gid);
	return NULL;
}

/* /dev/tpmrmN: chip->devs has no drvdata, chip->dev has */
static char *devs_devnode(VTPM_DEVNODE_DEV *dev, umode_t *mode, kuid_t *uid,
			  kgid_t *gid)
{
	const struct tpm_chip *chip = container_of(dev, struct tpm_chip, devs);

	set_node(dev_get_drvdata(&chip->dev), mode, uid, gid);
	return NULL;
}

static const struct device_type vtpm_dev_type = {
	.name = "vtpm",
	.devnode = dev_devnode,
};

static const struct device_type vtpm_devs_type = {
	.name = "vtpm",
	.devnode = devs_devnode,
};

/**
 * vtpm_chip_alloc() - a chip for @inst, not yet registered
 * @inst: the instance; becomes the chip's drvdata
 *
 * The chip has a device number (chip->dev_num) from here on.
 *
 * Return: the chip (release with vtpm_chip_put()), or an ERR_PTR().
 */
struct tpm_chip *vtpm_chip_alloc(struct vtpm_instance *inst)
{
	struct tpm_chip *chip;

	/* no parent: the core marks it TPM_CHIP_FLAG_VIRTUAL */
	chip = tpm_chip_alloc(NULL, &vtpm_tpm_ops);
	if (IS_ERR(chip))
		return chip;
	dev_set_drvdata(&chip->dev, inst);
	chip->dev.type = &vtpm_dev_type;
	chip->devs.type = &vtpm_devs_type;
	/* a host entropy source the guest controls is not wanted */
	chip->flags |= TPM_CHIP_FLAG_TPM2 | TPM_CHIP_FLAG_HWRNG_DISABLED;
	return chip;
}

/**
 * vtpm_chip_would_be_default() - whether @chip would be tpm_default_chip()
 * @chip: allocated, not registered
 *
 * tpm_default_chip() is the registered chip with the lowest number; IMA,
 * trusted keys and tpm_get_random(NULL) use it.
 *
 * Return: true if no chip is registered or the default has a higher
 * number than @chip.
 */
bool vtpm_chip_would_be_default(const struct tpm_chip *chip)
{
	struct tpm_chip *def = tpm_default_chip();
	bool ret;

	if (!def)
		return true;
	ret = def->dev_num > chip->dev_num;
	put_device(&def->dev);
	return ret;
}

/**
 * vtpm_chip_register() - start the TPM and create its device nodes
 * @chip: from vtpm_chip_alloc(); its instance's engine must be ready
 *
 * Runs the TPM core's start-up (commands reach the engine).
 *
 * Return: 0, or the core's negative errno (the chip stays allocated).
 */
int vtpm_chip_register(struct tpm_chip *chip)
{
	return tpm_chip_register(chip);
}

/**
 * vtpm_chip_unregister() - remove the device nodes; no op is called after
 * @chip: registered
 *
 * Sends TPM2_Shutdown(CLEAR) to the engine, waits for commands in flight;
 * a process holding /dev/tpmN or /dev/tpmrmN open gets EPIPE from then on.
 */
void vtpm_chip_unregister(struct tpm_chip *chip)
{
	tpm_chip_unregister(chip);
}

/*
 * Drop the module's reference to a chip never registered or unregistered;
 * open files may keep it a while.
 */
void vtpm_chip_put(struct tpm_chip *chip)
{
	chip->dev.type = NULL;
	chip->devs.type = NULL;
	dev_set_drvdata(&chip->dev, NULL);
	put_device(&chip->dev);
}
