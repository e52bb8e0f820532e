// SPDX-License-Identifier: GPL-2.0
/*
 * Enhanced authorization (Part 1, "Policy"; Part 3, the TPM2_Policy*
 * commands): each assertion extends the policy session's digest,
 *
 *	policyDigest_new = H_authHash(policyDigest_old || TPM_CC || args),
 *
 * and records what must still hold when the session authorizes (the PCRs
 * unchanged, the command code, an authValue or a password). A trial
 * session computes the digest without checking anything.
 */
#include "cmds.h"

#define POLICY_OR_MIN	2
#define POLICY_OR_MAX	8
/* a marshalled TPML_PCR_SELECTION of at most VTPM_MAX_PCR_BANKS banks */
#define PCR_SEL_MAX	(4 + VTPM_MAX_PCR_BANKS * (3 + VTPM_PCR_SELECT_MAX))

void vtpm_policy_reset(struct vtpm_session *s)
{
	memset(s->policy_digest.buf, 0, sizeof(s->policy_digest.buf));
	s->cc = 0;
	s->pcr_checked = false;
	s->pcr_counter = 0;
	s->need_auth_value = false;
	s->need_password = false;
}

/**
 * vtpm_policy_check - a policy session's state against the entity
 * @e: the engine
 * @s: the policy session authorizing
 * @cc: the command
 * @assoc: the entity authorized
 * @role: its auth role in the command
 *
 * The policy digest must be the entity's authPolicy (and of its hash),
 * the PCRs of a PolicyPCR unchanged, a PolicyCommandCode's code @cc; the
 * ADMIN and DUP roles need a command code in the policy.
 *
 * Return: 0 or a TPM_RC (not yet session-coded).
 */
u32 vtpm_policy_check(struct vtpm_engine *e, const struct vtpm_session *s,
		      u32 cc, u32 assoc, u8 role)
{
	struct vtpm_digest policy;
	u16 alg;
	u32 rc;

	rc = vtpm_entity_policy(e, assoc, &alg, &policy);
	if (rc)
		return rc;
	if (alg == VTPM_ALG_NULL)
		return VTPM_RC_AUTH_UNAVAILABLE;
	if (s->pcr_checked && s->pcr_counter != e->pcr_update_counter)
		return VTPM_RC_PCR_CHANGED;
	if (policy.size != s->policy_digest.size ||
	    memcmp(policy.buf, s->policy_digest.buf, policy.size) ||
	    alg != vtpm_hash_alg(s->hash))
		return VTPM_RC_POLICY_FAIL;
	if (s->cc)
		return s->cc == cc ? 0 : VTPM_RC_POLICY_CC;
	return role == VTPM_ROLE_USER ? 0 : VTPM_RC_POLICY_FAIL;
}

/* the command's policy session (the dispatcher checked it is loaded) */
static struct vtpm_session *policy_session(struct vtpm_engine *e,
					   const struct vtpm_cmd *c)
{
	struct vtpm_session *s = vtpm_sess_get(e, c->handles[0]);

	if (!s || s->state != VTPM_SESS_LOADED || s->type == VTPM_SE_HMAC)
		return NULL;
	return s;
}

/* policyDigest = H(policyDigest || @cc || @a || @b) */
static u32 policy_extend(struct vtpm_session *s, u32 cc, const void *a,
			 size_t a_len, const void *b, size_t b_len)
{
	struct vtpm_hash_ctx ctx;
	u8 ccb[4];
	int ret;

	vtpm_put_u32(ccb, cc);
	ret = vtpm_plat_hash_init(&ctx, s->hash);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, s->policy_digest.buf,
					    s->policy_digest.size);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, ccb, 4);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, a, a_len);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, b, b_len);
	if (!ret)
		ret = vtpm_plat_hash_final(&ctx, s->policy_digest.buf);
	return ret ? VTPM_RC_FAILURE : 0;
}

/* a parameter-less command: the session and no parameters */
static u32 no_params(struct vtpm_engine *e, const struct vtpm_cmd *c,
		     struct vtpm_session **s)
{
	*s = policy_session(e, c);
	if (!*s)
		return VTPM_RC_REFERENCE_H0;
	return c->params_len ? VTPM_RC_SIZE : 0;
}

/**
 * struct pcr_in - PolicyPCR's parameters
 * @digest: pcrDigest (may be empty)
 * @digest_len: its size
 * @sel: pcrs
 * @sel_raw: pcrs as marshalled again for the policy digest
 * @sel_len: its length
 */
struct pcr_in {
	const u8 *digest;
	u16 digest_len;
	struct vtpm_pcr_sel sel;
	u8 sel_raw[PCR_SEL_MAX];
	u32 sel_len;
};

static u32 read_policy_pcr(const struct vtpm_cmd *c, struct pcr_in *in)
{
	struct vtpm_rd rd;
	struct vtpm_wr w;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_tpm2b(&rd, &in->digest, &in->digest_len,
			      VTPM_HASH_MAX_DIGEST, 1);
	if (rc)
		return rc;
	rc = vtpm_pcr_sel_read(&rd, &in->sel);
	if (rc)
		return rc >= VTPM_RC_FMT1 && rc <= 0xBF ?
		       vtpm_rc_param(rc, 2) : rc;
	rc = vtpm_param_end(&rd);
	if (rc)
		return rc;
	vtpm_wr_init(&w, in->sel_raw, sizeof(in->sel_raw));
	vtpm_pcr_sel_write(&w, &in->sel);
	in->sel_len = w.len;
	return w.err ? VTPM_RC_FAILURE : 0;
}

/*
 * policyDigest_new = H(old || TPM_CC_PolicyPCR || pcrs || pcrDigest),
 * pcrDigest the hash of the selected PCR values. A policy session checks
 * the caller's pcrDigest when one is given and remembers the PCR update
 * counter (authorization fails with TPM_RC_PCR_CHANGED if it moves); a
 * trial session takes the caller's pcrDigest, or the current values.
 */
VTPM_CMD(policy_pcr)
{
	u8 cur[VTPM_HASH_MAX_DIGEST];
	struct vtpm_session *s;
	const u8 *digest = cur;
	struct pcr_in in;
	u16 size;
	u32 rc;

	rc = read_policy_pcr(c, &in);
	if (rc)
		return rc;
	s = policy_session(e, c);
	if (!s)
		return VTPM_RC_REFERENCE_H0;
	size = vtpm_hash_size(s->hash);
	rc = vtpm_pcr_digest(e, s->hash, &in.sel, cur);
	if (rc)
		return rc;
	if (s->type == VTPM_SE_POLICY) {
		if (s->pcr_checked && s->pcr_counter != e->pcr_update_counter)
			return VTPM_RC_PCR_CHANGED;
		if (in.digest_len && (in.digest_len != size ||
				      memcmp(in.digest, cur, size)))
			return vtpm_rc_param(VTPM_RC_VALUE, 1);
	} else if (in.digest_len) {
		digest = in.digest;
		size = in.digest_len;
	}
	rc = policy_extend(s, VTPM_CC_PolicyPCR, in.sel_raw, in.sel_len,
			   digest, size);
	if (rc || s->type != VTPM_SE_POLICY)
		return rc;
	s->pcr_checked = true;
	s->pcr_counter = e->pcr_update_counter;
	return 0;
}

VTPM_CMD(policy_get_digest)
{
	struct vtpm_session *s;
	u32 rc;

	rc = no_params(e, c, &s);
	if (rc)
		return rc;
	vtpm_wr_tpm2b(&r->out, s->policy_digest.buf, s->policy_digest.size);
	return 0;
}

VTPM_CMD(policy_restart)
{
	struct vtpm_session *s;
	u32 rc;

	rc = no_params(e, c, &s);
	if (rc)
		return rc;
	vtpm_policy_reset(s);
	return 0;
}

/*
 * PolicyAuthValue and PolicyPassword add the same digest (Part 3: the
 * policy does not say how the authValue is proven). After the first, the
 * authorized entity's authValue keys the HMAC; after the second, it is
 * given in the clear, in the HMAC field.
 */
static u32 policy_auth(struct vtpm_engine *e, struct vtpm_cmd *c,
		       bool password)
{
	struct vtpm_session *s;
	u32 rc;

	rc = no_params(e, c, &s);
	if (!rc)
		rc = policy_extend(s, VTPM_CC_PolicyAuthValue, NULL, 0, NULL, 0);
	if (rc)
		return rc;
	s->need_auth_value = !password;
	s->need_password = password;
	return 0;
}

VTPM_CMD(policy_auth_value)
{
	return policy_auth(e, c, false);
}

VTPM_CMD(policy_password)
{
	return policy_auth(e, c, true);
}

VTPM_CMD(policy_command_code)
{
	struct vtpm_session *s;
	struct vtpm_rd rd;
	u8 code_be[4];
	u32 code, rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	code = vtpm_rd_u32(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	s = policy_session(e, c);
	if (!s)
		return VTPM_RC_REFERENCE_H0;
	if (s->cc && s->cc != code)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	if (!vtpm_cc_find(code))
		return vtpm_rc_param(VTPM_RC_POLICY_CC, 1);
	vtpm_put_u32(code_be, code);
	rc = policy_extend(s, VTPM_CC_PolicyCommandCode, code_be, 4, NULL, 0);
	if (!rc)
		s->cc = code;
	return rc;
}

/**
 * struct or_in - PolicyOR's pHashList
 * @count: digests
 * @digest: each digest's bytes (in the command)
 * @size: each digest's size
 */
struct or_in {
	u32 count;
	const u8 *digest[POLICY_OR_MAX];
	u16 size[POLICY_OR_MAX];
};

static u32 read_policy_or(const struct vtpm_cmd *c, struct or_in *in)
{
	struct vtpm_rd rd;
	unsigned int i;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	in->count = vtpm_rd_u32(&rd);
	rc = vtpm_param_check(&rd, 1);
	if (rc)
		return rc;
	if (in->count < POLICY_OR_MIN || in->count > POLICY_OR_MAX)
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	for (i = 0; i < in->count; i++) {
		rc = vtpm_param_tpm2b(&rd, &in->digest[i], &in->size[i],
				      VTPM_HASH_MAX_DIGEST, 1);
		if (rc)
			return rc;
	}
	return vtpm_param_end(&rd);
}

static bool or_matches(const struct vtpm_session *s, const struct or_in *in)
{
	unsigned int i;

	if (s->type == VTPM_SE_TRIAL)
		return true;
	for (i = 0; i < in->count; i++)
		if (in->size[i] == s->policy_digest.size &&
		    !memcmp(in->digest[i], s->policy_digest.buf, in->size[i]))
			return true;
	return false;
}

/*
 * When the current digest is one of the list (a trial session: always):
 * policyDigest_new = H(0...0 || TPM_CC_PolicyOR || digests).
 */
VTPM_CMD(policy_or)
{
	struct vtpm_hash_ctx ctx;
	struct vtpm_session *s;
	struct or_in in;
	unsigned int i;
	u8 ccb[4];
	int ret;
	u32 rc;

	rc = read_policy_or(c, &in);
	if (rc)
		return rc;
	s = policy_session(e, c);
	if (!s)
		return VTPM_RC_REFERENCE_H0;
	if (!or_matches(s, &in))
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	memset(s->policy_digest.buf, 0, s->policy_digest.size);
	vtpm_put_u32(ccb, VTPM_CC_PolicyOR);
	ret = vtpm_plat_hash_init(&ctx, s->hash);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, s->policy_digest.buf,
					    s->policy_digest.size);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, ccb, 4);
	for (i = 0; i < in.count && !ret; i++)
		ret = vtpm_plat_hash_update(&ctx, in.digest[i], in.size[i]);
	if (!ret)
		ret = vtpm_plat_hash_final(&ctx, s->policy_digest.buf);
	return ret ? VTPM_RC_FAILURE : 0;
}
