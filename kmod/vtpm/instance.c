// SPDX-License-Identifier: GPL-2.0
/*
 * vTPM instances: creation (engine, then chip), lookup, reset, deletion,
 * and the two halves of a command as the TPM core drives them.
 *
 * The default-TPM rule: an instance whose chip would become the kernel's
 * default TPM (tpm_default_chip(), the registered chip with the lowest
 * number, which IMA, trusted and encrypted keys and tpm_get_random(NULL)
 * use) is refused unless the module was loaded with allow_default_tpm=1.
 * On a host with a TPM of its own that TPM is tpm0 and every instance is
 * accepted; on a host without one the first instance would get /dev/tpm0
 * and is refused. The check runs after the chip got its number and before
 * it is registered; it cannot see a chip another driver registers or
 * unregisters meanwhile (a hardware TPM driver bound late, a
 * tpm_vtpm_proxy device), and if the host's own lower-numbered TPM goes
 * away later an instance becomes the default after all. The TPM core has
 * no way to reserve numbers or to exclude a chip from being the default.
 */
#include <linux/ctype.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "chip.h"
#include "instance.h"

static unsigned int max_instances = 256;
module_param(max_instances, uint, 0444);
MODULE_PARM_DESC(max_instances,
		 "Most instances at a time (1.." __stringify(VTPM_MAX_INSTANCES_HARD) ", default 256)");

static bool allow_default_tpm;
module_param(allow_default_tpm, bool, 0444);
MODULE_PARM_DESC(allow_default_tpm,
		 "Accept an instance that would become the host's default TPM (lowest-numbered chip) (default: refuse)");

DEFINE_MUTEX(vtpm_instances_lock);

/* by id; protected by vtpm_instances_lock */
static DEFINE_XARRAY_ALLOC1(instances);
static u32 next_id;
static unsigned int n_instances;
static unsigned int gen;

static void update_mem(struct vtpm_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	WRITE_ONCE(inst->mem, sizeof(*inst) + vtpm_engine_size(inst->engine));
}

/**
 * vtpm_instance_execute() - run one command (the TPM core's send())
 * @inst: the chip's instance
 * @cmd: the command as written to /dev/tpmN, or built by the core
 * @len: its length (at most TPM_BUFSIZE)
 *
 * Context: the TPM core holds chip->ops_sem and chip->tpm_mutex.
 * Return: 0 (the engine answers every command, errors included).
 */
int vtpm_instance_execute(struct vtpm_instance *inst, const u8 *cmd,
			  size_t len)
{
	u32 n;

	mutex_lock(&inst->lock);
	n = vtpm_engine_execute(inst->engine, cmd, len, inst->rsp,
				sizeof(inst->rsp));
	WRITE_ONCE(inst->rsp_len, n);
	WRITE_ONCE(inst->commands, inst->commands + 1);
	update_mem(inst);
	mutex_unlock(&inst->lock);
	return 0;
}

/**
 * vtpm_instance_take_response() - copy out the response (the core's recv())
 * @inst: the chip's instance
 * @buf: the core's buffer
 * @len: its size
 *
 * The copy kept here is wiped: responses carry secrets (Unseal, ...).
 *
 * Return: the response's length, or -EIO if there is none or it does
 * not fit.
 */
int vtpm_instance_take_response(struct vtpm_instance *inst, u8 *buf,
				size_t len)
{
	int n;

	mutex_lock(&inst->lock);
	n = inst->rsp_len;
	if (!n || n > len) {
		n = -EIO;
	} else {
		memcpy(buf, inst->rsp, n);
		memzero_explicit(inst->rsp, n);
	}
	WRITE_ONCE(inst->rsp_len, 0);
	mutex_unlock(&inst->lock);
	return n;
}

/**
 * vtpm_instance_name_valid() - 1..VTPM_NAME_MAX of [A-Za-z0-9_.-]
 * @name: NUL-terminated
 *
 * Return: true if @name may name an instance.
 */
bool vtpm_instance_name_valid(const char *name)
{
	size_t i, len = strnlen(name, VTPM_NAME_MAX + 1);

	if (!len || len > VTPM_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

struct vtpm_instance *vtpm_instance_by_id(u32 id)
{
	lockdep_assert_held(&vtpm_instances_lock);
	return xa_load(&instances, id);
}

struct vtpm_instance *vtpm_instance_by_name(const char *name)
{
	struct vtpm_instance *inst;
	unsigned long id;

	lockdep_assert_held(&vtpm_instances_lock);
	xa_for_each(&instances, id, inst)
		if (!strcmp(inst->name, name))
			return inst;
	return NULL;
}

struct vtpm_instance *vtpm_instance_next(unsigned long *id)
{
	lockdep_assert_held(&vtpm_instances_lock);
	return xa_find(&instances, id, ULONG_MAX, XA_PRESENT);
}

unsigned int vtpm_instance_gen(void)
{
	lockdep_assert_held(&vtpm_instances_lock);
	return gen;
}

static struct vtpm_instance *inst_alloc(const struct vtpm_instance_cfg *cfg)
{
	struct vtpm_engine_cfg ecfg = { .banks = cfg->banks };
	struct vtpm_instance *inst;

	inst = kvzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return NULL;
	mutex_init(&inst->lock);
	strscpy(inst->name, cfg->name, sizeof(inst->name));
	inst->uid = cfg->uid;
	inst->gid = cfg->gid;
	inst->mode = cfg->mode;
	inst->banks = cfg->banks;
	inst->engine = vtpm_engine_new(&ecfg);
	if (!inst->engine) {
		kvfree(inst);
		return NULL;
	}
	mutex_lock(&inst->lock);
	update_mem(inst);
	mutex_unlock(&inst->lock);
	return inst;
}

/* After the chip is unregistered (or was never registered). */
static void inst_free(struct vtpm_instance *inst)
{
	mutex_lock(&inst->lock);
	vtpm_engine_free(inst->engine);
	inst->engine = NULL;
	mutex_unlock(&inst->lock);
	mutex_destroy(&inst->lock);
	kvfree_sensitive(inst, sizeof(*inst));
}

static int check_new(const struct vtpm_instance_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	if (vtpm_instance_by_name(cfg->name)) {
		NL_SET_ERR_MSG_MOD(extack, "an instance of this name exists");
		return -EEXIST;
	}
	if (n_instances >= max_instances) {
		NL_SET_ERR_MSG_MOD(extack,
				   "too many instances (module parameter max_instances)");
		return -ENOSPC;
	}
	return 0;
}

/* The chip: allocated, checked against the default-TPM rule, registered. */
static int inst_chip(struct vtpm_instance *inst,
		     struct netlink_ext_ack *extack)
{
	struct tpm_chip *chip;
	int ret;

	chip = vtpm_chip_alloc(inst);
	if (IS_ERR(chip)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the TPM core has no free device number (or no memory)");
		return PTR_ERR(chip);
	}
	if (!allow_default_tpm && vtpm_chip_would_be_default(chip)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "this instance would become the host's default TPM (the lowest-numbered /dev/tpmN): load vtpm with allow_default_tpm=1 to accept");
		vtpm_chip_put(chip);
		return -EPERM;
	}
	ret = vtpm_chip_register(chip);
	if (ret) {
		NL_SET_ERR_MSG_MOD(extack,
				   "the TPM core refused the chip (see the kernel log)");
		vtpm_chip_put(chip);
		return ret;
	}
	inst->chip = chip;
	return 0;
}

/**
 * vtpm_instance_create() - a new instance, registered with the TPM core
 * @cfg: name (valid, see vtpm_instance_name_valid()) and settings
 * @extack: for the reason of a refusal
 *
 * Context: vtpm_instances_lock held.
 * Return: the instance, or an ERR_PTR().
 */
struct vtpm_instance *vtpm_instance_create(const struct vtpm_instance_cfg *cfg,
					   struct netlink_ext_ack *extack)
{
	struct vtpm_instance *inst;
	int ret;

	lockdep_assert_held(&vtpm_instances_lock);
	ret = check_new(cfg, extack);
	if (ret)
		return ERR_PTR(ret);
	inst = inst_alloc(cfg);
	if (!inst) {
		NL_SET_ERR_MSG_MOD(extack, "out of memory for the TPM engine");
		return ERR_PTR(-ENOMEM);
	}
	ret = xa_alloc_cyclic(&instances, &inst->id, inst,
			      XA_LIMIT(1, INT_MAX), &next_id, GFP_KERNEL);
	if (ret < 0) {
		NL_SET_ERR_MSG_MOD(extack, "no instance id is free");
		goto err_free;
	}
	ret = inst_chip(inst, extack);
	if (ret)
		goto err_erase;
	n_instances++;
	gen++;
	pr_debug("instance %s create\n", inst->name);
	return inst;

err_erase:
	xa_erase(&instances, inst->id);
err_free:
	inst_free(inst);
	return ERR_PTR(ret);
}

/**
 * vtpm_instance_destroy() - unregister and free an instance
 * @inst: the instance
 *
 * The TPM core sends a last TPM2_Shutdown to the engine while
 * unregistering, so the engine goes only after that. Processes that
 * hold the device nodes open get EPIPE from the core afterwards.
 *
 * Context: vtpm_instances_lock held.
 */
void vtpm_instance_destroy(struct vtpm_instance *inst)
{
	lockdep_assert_held(&vtpm_instances_lock);
	xa_erase(&instances, inst->id);
	n_instances--;
	gen++;
	vtpm_chip_unregister(inst->chip);
	pr_debug("instance %s destroy\n", inst->name);
	vtpm_chip_put(inst->chip);
	inst_free(inst);
}

/**
 * vtpm_instance_reset() - TPM_Init, as at a VM's reset
 * @inst: the instance
 *
 * Waits for a command in flight; the next command must be TPM2_Startup.
 */
void vtpm_instance_reset(struct vtpm_instance *inst)
{
	mutex_lock(&inst->lock);
	vtpm_engine_reset(inst->engine);
	WRITE_ONCE(inst->rsp_len, 0);
	update_mem(inst);
	mutex_unlock(&inst->lock);
}

int vtpm_instance_init(void)
{
	if (!max_instances || max_instances > VTPM_MAX_INSTANCES_HARD) {
		pr_err("max_instances=%u: must be 1..%u\n", max_instances,
		       VTPM_MAX_INSTANCES_HARD);
		return -EINVAL;
	}
	return 0;
}

/* Every instance goes (module unload). */
void vtpm_instance_exit(void)
{
	struct vtpm_instance *inst;
	unsigned long id;

	mutex_lock(&vtpm_instances_lock);
	xa_for_each(&instances, id, inst)
		vtpm_instance_destroy(inst);
	mutex_unlock(&vtpm_instances_lock);
	xa_destroy(&instances);
}
