// SPDX-License-Identifier: GPL-2.0
/*
 * The hierarchies: their auth values, authPolicies, proofs and enables;
 * what sessions need to know about any entity (auth value, policy, name);
 * Clear, ClearControl, HierarchyChangeAuth, HierarchyControl and
 * SetPrimaryPolicy.
 *
 * Only the hierarchies have an authPolicy (SetPrimaryPolicy); every other
 * entity's is the empty one.
 */
#include "cmds.h"

static void policy_reset(struct vtpm_auth_policy *p)
{
	vtpm_plat_memzero(p, sizeof(*p));
	p->alg = VTPM_ALG_NULL;
}

void vtpm_hierarchy_manufacture(struct vtpm_engine *e)
{
	vtpm_plat_random(e->owner_proof, sizeof(e->owner_proof));
	vtpm_plat_random(e->endorsement_proof, sizeof(e->endorsement_proof));
	vtpm_plat_random(e->platform_proof, sizeof(e->platform_proof));
	vtpm_plat_random(e->null_proof, sizeof(e->null_proof));
	vtpm_plat_random(e->context_key, sizeof(e->context_key));
	memset(&e->owner_auth, 0, sizeof(e->owner_auth));
	memset(&e->endorsement_auth, 0, sizeof(e->endorsement_auth));
	memset(&e->lockout_auth, 0, sizeof(e->lockout_auth));
	memset(&e->platform_auth, 0, sizeof(e->platform_auth));
	policy_reset(&e->owner_policy);
	policy_reset(&e->endorsement_policy);
	policy_reset(&e->lockout_policy);
	policy_reset(&e->platform_policy);
	e->disable_clear = false;
}

/* Startup: TPM Reset and Restart (@clear) give the platform back its
 * empty auth and enable every hierarchy; Resume changes nothing. */
void vtpm_hierarchy_startup(struct vtpm_engine *e, bool clear)
{
	if (!clear)
		return;
	vtpm_plat_memzero(&e->platform_auth, sizeof(e->platform_auth));
	policy_reset(&e->platform_policy);
	e->startup_clear = VTPM_SC_PH_ENABLE | VTPM_SC_SH_ENABLE |
			   VTPM_SC_EH_ENABLE | VTPM_SC_PH_ENABLE_NV;
}

bool vtpm_hierarchy_valid(u32 h, bool allow_null)
{
	return h == VTPM_RH_OWNER || h == VTPM_RH_ENDORSEMENT ||
	       h == VTPM_RH_PLATFORM || (allow_null && h == VTPM_RH_NULL);
}

const u8 *vtpm_hierarchy_proof(struct vtpm_engine *e, u32 hierarchy)
{
	switch (hierarchy) {
	case VTPM_RH_OWNER:
		return e->owner_proof;
	case VTPM_RH_ENDORSEMENT:
		return e->endorsement_proof;
	case VTPM_RH_PLATFORM:
		return e->platform_proof;
	default:
		return NULL;
	}
}

bool vtpm_hierarchy_enabled(struct vtpm_engine *e, u32 hierarchy)
{
	switch (hierarchy) {
	case VTPM_RH_OWNER:
		return e->startup_clear & VTPM_SC_SH_ENABLE;
	case VTPM_RH_ENDORSEMENT:
		return e->startup_clear & VTPM_SC_EH_ENABLE;
	case VTPM_RH_PLATFORM:
		return e->startup_clear & VTPM_SC_PH_ENABLE;
	default:
		return true;
	}
}

/* a hierarchy's authValue and authPolicy (both NULL: not a hierarchy) */
static void hierarchy_slots(struct vtpm_engine *e, u32 h,
			    struct vtpm_digest **auth,
			    struct vtpm_auth_policy **policy)
{
	switch (h) {
	case VTPM_RH_OWNER:
		*auth = &e->owner_auth;
		*policy = &e->owner_policy;
		break;
	case VTPM_RH_ENDORSEMENT:
		*auth = &e->endorsement_auth;
		*policy = &e->endorsement_policy;
		break;
	case VTPM_RH_PLATFORM:
		*auth = &e->platform_auth;
		*policy = &e->platform_policy;
		break;
	case VTPM_RH_LOCKOUT:
		*auth = &e->lockout_auth;
		*policy = &e->lockout_policy;
		break;
	default:
		*auth = NULL;
		*policy = NULL;
	}
}

static struct vtpm_digest *hierarchy_auth(struct vtpm_engine *e, u32 h)
{
	struct vtpm_auth_policy *p;
	struct vtpm_digest *a;

	hierarchy_slots(e, h, &a, &p);
	return a;
}

static struct vtpm_auth_policy *hierarchy_policy(struct vtpm_engine *e, u32 h)
{
	struct vtpm_auth_policy *p;
	struct vtpm_digest *a;

	hierarchy_slots(e, h, &a, &p);
	return p;
}

u32 vtpm_entity_auth(struct vtpm_engine *e, u32 handle,
		     struct vtpm_digest *auth)
{
	struct vtpm_digest *a = hierarchy_auth(e, handle);
	struct vtpm_object *o;

	memset(auth, 0, sizeof(*auth));
	if (a) {
		*auth = *a;
		return 0;
	}
	switch (VTPM_HANDLE_TYPE(handle)) {
	case VTPM_HT_PCR:	/* PCRs have an empty authValue */
		return handle < VTPM_PCR_COUNT ? 0 : VTPM_RC_HANDLE;
	case VTPM_HT_TRANSIENT:
		o = vtpm_object_get(e, handle);
		if (!o)
			return VTPM_RC_HANDLE;
		*auth = o->auth;
		return 0;
	default:
		return handle == VTPM_RH_NULL ? 0 : VTPM_RC_HANDLE;
	}
}

u32 vtpm_entity_policy(struct vtpm_engine *e, u32 handle, u16 *alg,
		       struct vtpm_digest *policy)
{
	const struct vtpm_auth_policy *p = hierarchy_policy(e, handle);
	struct vtpm_name name;

	*alg = VTPM_ALG_NULL;
	memset(policy, 0, sizeof(*policy));
	if (p) {
		*alg = p->alg;
		*policy = p->digest;
		return 0;
	}
	return vtpm_entity_name(e, handle, &name);
}

/* Permanent handles, PCRs and sessions are named by their handle; a
 * sequence object (nameAlg NULL) has an empty Name (Part 1, as the
 * reference TPM and ESAPI, which puts nothing of it into cpHash). */
u32 vtpm_entity_name(struct vtpm_engine *e, u32 handle,
		     struct vtpm_name *name)
{
	memset(name, 0, sizeof(*name));
	switch (VTPM_HANDLE_TYPE(handle)) {
	case VTPM_HT_PCR:
		if (handle >= VTPM_PCR_COUNT)
			return VTPM_RC_HANDLE;
		break;
	case VTPM_HT_TRANSIENT:
		/* sequence objects only, for now */
		return vtpm_object_get(e, handle) ? 0 : VTPM_RC_HANDLE;
	case VTPM_HT_HMAC_SESSION:
	case VTPM_HT_POLICY_SESSION:
		if (!vtpm_sess_get(e, handle))
			return VTPM_RC_HANDLE;
		break;
	case VTPM_HT_PERMANENT:
		if (!hierarchy_auth(e, handle) && handle != VTPM_RH_NULL &&
		    handle != VTPM_RS_PW && handle != VTPM_RH_PLATFORM_NV)
			return VTPM_RC_HANDLE;
		break;
	default:
		return VTPM_RC_HANDLE;
	}
	name->size = 4;
	vtpm_put_u32(name->buf, handle);
	return 0;
}

static void flush_hierarchy_objects(struct vtpm_engine *e, u32 hierarchy)
{
	unsigned int i;

	for (i = 0; i < VTPM_MAX_LOADED_OBJECTS; i++)
		if (e->objects[i].kind != VTPM_OBJ_FREE &&
		    e->objects[i].hierarchy == hierarchy)
			vtpm_object_free(e, &e->objects[i]);
}

VTPM_CMD(clear)
{
	if (c->params_len)
		return VTPM_RC_SIZE;
	if (e->disable_clear)
		return VTPM_RC_DISABLED;
	vtpm_plat_random(e->owner_proof, sizeof(e->owner_proof));
	vtpm_plat_random(e->endorsement_proof, sizeof(e->endorsement_proof));
	vtpm_plat_memzero(&e->owner_auth, sizeof(e->owner_auth));
	vtpm_plat_memzero(&e->endorsement_auth, sizeof(e->endorsement_auth));
	vtpm_plat_memzero(&e->lockout_auth, sizeof(e->lockout_auth));
	policy_reset(&e->owner_policy);
	policy_reset(&e->endorsement_policy);
	policy_reset(&e->lockout_policy);
	e->startup_clear |= VTPM_SC_SH_ENABLE | VTPM_SC_EH_ENABLE;
	flush_hierarchy_objects(e, VTPM_RH_OWNER);
	flush_hierarchy_objects(e, VTPM_RH_ENDORSEMENT);
	/* as the reference: the clock and the boot counters start again */
	e->clock_ms = 0;
	e->clock_base_ms = vtpm_plat_time_ms();
	e->reset_count = 0;
	e->restart_count = 0;
	e->clear_count++;
	return 0;
}

VTPM_CMD(clear_control)
{
	struct vtpm_rd rd;
	u8 disable;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	disable = vtpm_rd_u8(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	if (disable > 1)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	/* only the platform may enable Clear again */
	if (c->handles[0] == VTPM_RH_LOCKOUT && !disable)
		return VTPM_RC_AUTH_FAIL;
	e->disable_clear = disable;
	return 0;
}

VTPM_CMD(hierarchy_change_auth)
{
	struct vtpm_digest *a = hierarchy_auth(e, c->handles[0]);
	struct vtpm_rd rd;
	const u8 *data;
	u16 n;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_tpm2b(&rd, &data, &n, VTPM_HASH_MAX_DIGEST, 1);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (rc)
		return rc;
	if (!a)
		return vtpm_rc_handle(VTPM_RC_VALUE, 1);
	while (n && !data[n - 1])	/* trailing zeros are not part of it */
		n--;
	vtpm_plat_memzero(a, sizeof(*a));
	a->size = n;
	memcpy(a->buf, data, n);
	return 0;
}

/*
 * SetPrimaryPolicy: a hierarchy's authPolicy and its hash; an empty
 * digest with TPM_ALG_NULL takes it away. The digest must have the size
 * of the hash (Part 3, 24.6).
 */
VTPM_CMD(set_primary_policy)
{
	struct vtpm_auth_policy *p = hierarchy_policy(e, c->handles[0]);
	struct vtpm_rd rd;
	const u8 *data;
	u16 n, alg, size = 0;
	u32 rc;
	int h;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_2b_hash(&rd, &data, &n, VTPM_HASH_MAX_DIGEST, &alg, &h);
	if (rc)
		return rc;
	if (!p)
		return vtpm_rc_handle(VTPM_RC_VALUE, 1);
	if (h >= 0)
		size = vtpm_hash_size(h);
	if (n != size)
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	policy_reset(p);
	p->alg = alg;
	p->digest.size = n;
	memcpy(p->digest.buf, data, n);
	return 0;
}

/* who may change which enable (Part 3, HierarchyControl) */
static u32 control_allowed(u32 auth, u32 enable, u8 state)
{
	if (auth == VTPM_RH_PLATFORM)
		return 0;
	if (state)
		return VTPM_RC_AUTH_TYPE;
	if (enable == VTPM_RH_OWNER && auth == VTPM_RH_OWNER)
		return 0;
	if (enable == VTPM_RH_ENDORSEMENT && auth == VTPM_RH_ENDORSEMENT)
		return 0;
	return VTPM_RC_AUTH_TYPE;
}

static u32 enable_bit(u32 enable)
{
	switch (enable) {
	case VTPM_RH_OWNER:
		return VTPM_SC_SH_ENABLE;
	case VTPM_RH_ENDORSEMENT:
		return VTPM_SC_EH_ENABLE;
	case VTPM_RH_PLATFORM:
		return VTPM_SC_PH_ENABLE;
	case VTPM_RH_PLATFORM_NV:
		return VTPM_SC_PH_ENABLE_NV;
	default:
		return 0;
	}
}

VTPM_CMD(hierarchy_control)
{
	struct vtpm_rd rd;
	u32 enable, bit, rc;
	u8 state;

	vtpm_rd_init(&rd, c->params, c->params_len);
	enable = vtpm_rd_u32(&rd);
	if (!vtpm_rd_ok(&rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	bit = enable_bit(enable);
	if (!bit)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	state = vtpm_rd_u8(&rd);
	rc = vtpm_param_last(&rd, 2);
	if (rc)
		return rc;
	if (state > 1)
		return vtpm_rc_param(VTPM_RC_VALUE, 2);
	rc = control_allowed(c->handles[0], enable, state);
	if (rc)
		return rc;
	if (state) {
		e->startup_clear |= bit;
		return 0;
	}
	e->startup_clear &= ~bit;
	if (enable == VTPM_RH_OWNER || enable == VTPM_RH_ENDORSEMENT)
		flush_hierarchy_objects(e, enable);
	return 0;
}
