// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink family "vtpm": policies, the operation table, the
 * instance commands and the "events" notifications.
 * Documentation/netlink/specs/vtpm.yaml describes every attribute and
 * check.
 *
 * The family lives in the initial network namespace only: TPM chips,
 * their numbers and device nodes are global to the host, not per
 * namespace. Every handler runs under vtpm_instances_lock, which keeps
 * an instance alive while it is used. Every rejection carries an extack
 * message.
 */
#include <linux/cred.h>
#include <linux/uidgid.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "compat.h"
#include "instance.h"
#include "netlink.h"

/* NL_SET_ERR_MSG_ATTR() with the prefix NL_SET_ERR_MSG_MOD() gives */
#define VTPM_NL_ERR_ATTR(extack, attr, msg) \
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

#define NAME_POLICY	{ .type = NLA_NUL_STRING, .len = VTPM_NAME_MAX }

static const struct nla_policy new_policy[VTPM_A_BANKS + 1] = {
	[VTPM_A_NAME] = NAME_POLICY,
	[VTPM_A_UID] = { .type = NLA_U32 },
	[VTPM_A_GID] = { .type = NLA_U32 },
	[VTPM_A_MODE] = NLA_POLICY_MAX(NLA_U32, VTPM_MODE_MAX),
	[VTPM_A_BANKS] = NLA_POLICY_MASK(NLA_U32, VTPM_BANKS_ALL),
};

static const struct nla_policy sel_policy[VTPM_A_NAME + 1] = {
	[VTPM_A_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[VTPM_A_NAME] = NAME_POLICY,
};

static int fill_instance(struct sk_buff *skb, struct vtpm_instance *inst,
			 u32 portid, u32 seq, int flags, u8 cmd)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &vtpm_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VTPM_A_ID, inst->id) ||
	    nla_put_string(skb, VTPM_A_NAME, inst->name) ||
	    nla_put_u32(skb, VTPM_A_UID,
			from_kuid_munged(&init_user_ns, inst->uid)) ||
	    nla_put_u32(skb, VTPM_A_GID,
			from_kgid_munged(&init_user_ns, inst->gid)) ||
	    nla_put_u32(skb, VTPM_A_MODE, inst->mode) ||
	    nla_put_u32(skb, VTPM_A_BANKS, inst->banks) ||
	    nla_put_u32(skb, VTPM_A_DEV_NUM, inst->chip->dev_num) ||
	    nla_put_u64_64bit(skb, VTPM_A_COMMANDS, READ_ONCE(inst->commands),
			      VTPM_A_PAD) ||
	    nla_put_u64_64bit(skb, VTPM_A_MEM, READ_ONCE(inst->mem),
			      VTPM_A_PAD)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* An event on the "events" group of the initial namespace. */
static void notify(struct vtpm_instance *inst, u8 cmd)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&vtpm_nl_family, &init_net, 0))
		return;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (fill_instance(msg, inst, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast(&vtpm_nl_family, msg, 0, 0, GFP_KERNEL);
}

/* uid/gid attributes: ids of the initial user namespace. */
static int get_owner(struct nlattr **tb, struct vtpm_instance_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	cfg->uid = GLOBAL_ROOT_UID;
	cfg->gid = GLOBAL_ROOT_GID;
	if (tb[VTPM_A_UID]) {
		cfg->uid = make_kuid(&init_user_ns, nla_get_u32(tb[VTPM_A_UID]));
		if (!uid_valid(cfg->uid)) {
			VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_UID], "invalid uid");
			return -EINVAL;
		}
	}
	if (tb[VTPM_A_GID]) {
		cfg->gid = make_kgid(&init_user_ns, nla_get_u32(tb[VTPM_A_GID]));
		if (!gid_valid(cfg->gid)) {
			VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_GID], "invalid gid");
			return -EINVAL;
		}
	}
	return 0;
}

static int parse_new(struct nlattr **tb, struct vtpm_instance_cfg *cfg,
		     struct netlink_ext_ack *extack)
{
	if (!tb[VTPM_A_NAME]) {
		NL_SET_ERR_MSG_MOD(extack, "instance name (name) is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, VTPM_A_NAME);
		return -EINVAL;
	}
	cfg->name = nla_data(tb[VTPM_A_NAME]);
	if (!vtpm_instance_name_valid(cfg->name)) {
		VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_NAME],
				 "instance name must be 1-32 characters of A-Z a-z 0-9 _ . -");
		return -EINVAL;
	}
	cfg->mode = tb[VTPM_A_MODE] ? nla_get_u32(tb[VTPM_A_MODE]) :
		    VTPM_MODE_DEFAULT;
	if (!cfg->mode) {
		/* devtmpfs would turn 0 into 0600 */
		VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_MODE],
				 "mode 0 is not possible (devtmpfs makes it 0600): give at least one permission bit");
		return -EINVAL;
	}
	cfg->banks = tb[VTPM_A_BANKS] ? nla_get_u32(tb[VTPM_A_BANKS]) :
		     VTPM_BANKS_DEFAULT;
	if (!cfg->banks) {
		VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_BANKS],
				 "at least one PCR bank is needed");
		return -EINVAL;
	}
	return get_owner(tb, cfg, extack);
}

static int instance_new(struct sk_buff *skb, struct genl_info *info)
{
	struct vtpm_instance_cfg cfg = {};
	struct vtpm_instance *inst;
	struct sk_buff *msg;
	int ret;

	ret = parse_new(info->attrs, &cfg, info->extack);
	if (ret)
		return ret;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vtpm_instances_lock);
	inst = vtpm_instance_create(&cfg, info->extack);
	if (IS_ERR(inst)) {
		ret = PTR_ERR(inst);
		goto out;
	}
	notify(inst, VTPM_CMD_INSTANCE_NEW_NTF);
	ret = fill_instance(msg, inst, info->snd_portid, info->snd_seq, 0,
			    VTPM_CMD_INSTANCE_NEW);
out:
	mutex_unlock(&vtpm_instances_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/**
 * vtpm_nl_instance() - the instance a request selects by id and/or name
 * @tb: parsed attributes
 * @extack: for the message
 *
 * When both are given they must name the same instance.
 *
 * Context: vtpm_instances_lock held.
 * Return: the instance, or an ERR_PTR().
 */
static struct vtpm_instance *vtpm_nl_instance(struct nlattr **tb,
					      struct netlink_ext_ack *extack)
{
	struct vtpm_instance *by_id = NULL, *by_name = NULL;

	if (!tb[VTPM_A_ID] && !tb[VTPM_A_NAME]) {
		NL_SET_ERR_MSG_MOD(extack, "instance id or name is required");
		NL_SET_ERR_ATTR_MISS(extack, NULL, VTPM_A_NAME);
		return ERR_PTR(-EINVAL);
	}
	if (tb[VTPM_A_ID]) {
		by_id = vtpm_instance_by_id(nla_get_u32(tb[VTPM_A_ID]));
		if (!by_id) {
			VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_ID],
					 "no instance has this id");
			return ERR_PTR(-ENOENT);
		}
	}
	if (tb[VTPM_A_NAME]) {
		by_name = vtpm_instance_by_name(nla_data(tb[VTPM_A_NAME]));
		if (!by_name) {
			VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_NAME],
					 "no instance has this name");
			return ERR_PTR(-ENOENT);
		}
	}
	if (by_id && by_name && by_id != by_name) {
		VTPM_NL_ERR_ATTR(extack, tb[VTPM_A_NAME],
				 "id and name select different instances");
		return ERR_PTR(-EINVAL);
	}
	return by_id ?: by_name;
}

static int instance_del(struct sk_buff *skb, struct genl_info *info)
{
	struct vtpm_instance *inst;

	mutex_lock(&vtpm_instances_lock);
	inst = vtpm_nl_instance(info->attrs, info->extack);
	if (!IS_ERR(inst)) {
		/* the event still shows the instance as it was */
		notify(inst, VTPM_CMD_INSTANCE_DEL_NTF);
		vtpm_instance_destroy(inst);
	}
	mutex_unlock(&vtpm_instances_lock);
	return PTR_ERR_OR_ZERO(inst);
}

/* CAP_NET_ADMIN, or the owner of the device nodes (by fsuid). */
static bool may_reset(struct sk_buff *skb, struct vtpm_instance *inst)
{
	return netlink_capable(skb, CAP_NET_ADMIN) ||
	       uid_eq(current_fsuid(), inst->uid);
}

static int instance_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct vtpm_instance *inst;
	int ret = 0;

	mutex_lock(&vtpm_instances_lock);
	inst = vtpm_nl_instance(info->attrs, info->extack);
	if (IS_ERR(inst)) {
		ret = PTR_ERR(inst);
	} else if (!may_reset(skb, inst)) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "reset needs CAP_NET_ADMIN or to be the instance's owner (uid)");
		ret = -EPERM;
	} else {
		vtpm_instance_reset(inst);
		notify(inst, VTPM_CMD_INSTANCE_RESET_NTF);
	}
	mutex_unlock(&vtpm_instances_lock);
	return ret;
}

static int instance_get(struct sk_buff *skb, struct genl_info *info)
{
	struct vtpm_instance *inst;
	struct sk_buff *msg;
	int ret;

	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&vtpm_instances_lock);
	inst = vtpm_nl_instance(info->attrs, info->extack);
	ret = IS_ERR(inst) ? PTR_ERR(inst) :
	      fill_instance(msg, inst, info->snd_portid, info->snd_seq, 0,
			    VTPM_CMD_INSTANCE_GET);
	mutex_unlock(&vtpm_instances_lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

struct dump_ctx {
	unsigned long id;	/* the next instance to send has id >= this */
};

/* Resumes at the next id; flags NLM_F_DUMP_INTR if the set changed. */
static int instance_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (void *)cb->ctx;
	struct vtpm_instance *inst;
	int start;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	mutex_lock(&vtpm_instances_lock);
	cb->seq = vtpm_instance_gen();
	for (; (inst = vtpm_instance_next(&ctx->id)); ctx->id++) {
		start = skb->len;
		if (fill_instance(skb, inst, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI,
				  VTPM_CMD_INSTANCE_GET))
			break;
		nl_dump_check_consistent(cb,
					 (struct nlmsghdr *)(skb->data + start));
	}
	mutex_unlock(&vtpm_instances_lock);
	return skb->len;
}

static const struct vtpm_genl_ops vtpm_nl_ops[] = {
	VTPM_OP_DO(VTPM_CMD_INSTANCE_NEW, instance_new, new_policy,
		   GENL_ADMIN_PERM),
	VTPM_OP_DO(VTPM_CMD_INSTANCE_DEL, instance_del, sel_policy,
		   GENL_ADMIN_PERM),
	VTPM_OP_DO_DUMP(VTPM_CMD_INSTANCE_GET, instance_get, instance_dump,
			sel_policy, 0),
	/* CAP_NET_ADMIN or the owner: checked in instance_reset() */
	VTPM_OP_DO(VTPM_CMD_INSTANCE_RESET, instance_reset, sel_policy, 0),
};

static const struct genl_multicast_group vtpm_nl_mcgrps[] = {
	{ .name = VTPM_MCGRP_EVENTS },
};

struct genl_family vtpm_nl_family __ro_after_init = {
	.name		= VTPM_FAMILY_NAME,
	.version	= VTPM_FAMILY_VERSION,
	.maxattr	= VTPM_A_MAX,
	.netnsok	= false,
	.module		= THIS_MODULE,
	VTPM_FAMILY_OPS(vtpm_nl_ops),
	.mcgrps		= vtpm_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vtpm_nl_mcgrps),
};

int vtpm_nl_init(void)
{
	return genl_register_family(&vtpm_nl_family);
}

void vtpm_nl_exit(void)
{
	genl_unregister_family(&vtpm_nl_family);
}
