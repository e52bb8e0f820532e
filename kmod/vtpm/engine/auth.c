// SPDX-License-Identifier: GPL-2.0
/*
 * The authorization of commands and responses (Part 1, "Authorizations
 * and Acknowledgments"): a command's authorization area checked against
 * the loaded sessions (passwords, HMAC sessions over cpHash, policy
 * sessions), parameter decryption and encryption, and the response
 * authorization area (rpHash HMACs, nonce rolling, flushing the sessions
 * that do not continue). The session table itself is in session.c.
 *
 * Not implemented in this issue: audit sessions (refused with
 * TPM_RC_ATTRIBUTES) and dictionary-attack lockout counting (a failure is
 * reported as TPM_RC_AUTH_FAIL or TPM_RC_BAD_AUTH as the spec says, but
 * nothing is counted and the TPM never locks out).
 */
#include "internal.h"

/* TPM_RH_UNASSIGNED: a session that authorizes no handle */
#define RH_UNASSIGNED	0x40000008
#define KEY_MAX		(2 * VTPM_HASH_MAX_DIGEST)

/* the first command (decrypt) or response (encrypt) parameter is a TPM2B */
#define PC_DEC		1
#define PC_ENC		2

static const struct {
	u32 cc;
	u8 flags;
} param_crypt_cmds[] = {
	{ VTPM_CC_HierarchyChangeAuth,	PC_DEC },
	{ VTPM_CC_NV_DefineSpace,	PC_DEC },
	{ VTPM_CC_CreatePrimary,	PC_DEC | PC_ENC },
	{ VTPM_CC_NV_Write,		PC_DEC },
	{ VTPM_CC_PCR_Event,		PC_DEC },
	{ VTPM_CC_SequenceComplete,	PC_DEC | PC_ENC },
	{ VTPM_CC_StirRandom,		PC_DEC },
	{ VTPM_CC_NV_Read,		PC_ENC },
	{ VTPM_CC_PolicySecret,		PC_DEC | PC_ENC },
	{ VTPM_CC_Create,		PC_DEC | PC_ENC },
	{ VTPM_CC_Load,			PC_DEC | PC_ENC },
	{ VTPM_CC_Quote,		PC_DEC | PC_ENC },
	{ VTPM_CC_SequenceUpdate,	PC_DEC },
	{ VTPM_CC_Sign,			PC_DEC },
	{ VTPM_CC_Unseal,		PC_ENC },
	{ VTPM_CC_LoadExternal,		PC_DEC | PC_ENC },
	{ VTPM_CC_NV_ReadPublic,	PC_ENC },
	{ VTPM_CC_ReadPublic,		PC_ENC },
	{ VTPM_CC_StartAuthSession,	PC_DEC | PC_ENC },
	{ VTPM_CC_VerifySignature,	PC_DEC },
	{ VTPM_CC_GetRandom,		PC_ENC },
	{ VTPM_CC_GetTestResult,	PC_ENC },
	{ VTPM_CC_Hash,			PC_DEC | PC_ENC },
	{ VTPM_CC_PolicyPCR,		PC_DEC },
	{ VTPM_CC_EventSequenceComplete, PC_DEC },
	{ VTPM_CC_HashSequenceStart,	PC_DEC },
	{ VTPM_CC_PolicyGetDigest,	PC_ENC },
	{ VTPM_CC_CreateLoaded,		PC_DEC | PC_ENC },
};

static u8 param_crypt_flags(u32 cc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(param_crypt_cmds); i++)
		if (param_crypt_cmds[i].cc == cc)
			return param_crypt_cmds[i].flags;
	return 0;
}

/* commands whose authorization area must be empty (TPM_RC_AUTH_CONTEXT) */
static bool no_sessions_cc(u32 cc)
{
	return cc == VTPM_CC_Startup || cc == VTPM_CC_ContextLoad ||
	       cc == VTPM_CC_ContextSave || cc == VTPM_CC_FlushContext;
}

/* a format-1 code without a position gets session @n's */
static u32 rc_session(u32 rc, unsigned int n)
{
	return rc >= VTPM_RC_FMT1 && rc <= 0xBF ? vtpm_rc_session(rc, n) : rc;
}

/* --- entities --- */

static bool is_bind_entity(struct vtpm_engine *e, u32 h,
			   const struct vtpm_session *s)
{
	struct vtpm_name v;

	if (!s->bound || vtpm_sess_bind_value(e, h, &v))
		return false;
	return v.size == s->bind_name.size &&
	       !vtpm_plat_memcmp_ct(v.buf, s->bind_name.buf, v.size);
}

/* sessionKey || authValue of @assoc when @with_auth */
static u32 hmac_key(struct vtpm_engine *e, const struct vtpm_session *s,
		    u32 assoc, bool with_auth, u8 *key, size_t *len)
{
	struct vtpm_digest auth;
	u32 rc;

	memcpy(key, s->session_key.buf, s->session_key.size);
	*len = s->session_key.size;
	if (!with_auth || assoc == RH_UNASSIGNED)
		return 0;
	rc = vtpm_sess_entity_auth(e, assoc, &auth);
	if (rc)
		return rc;
	memcpy(key + *len, auth.buf, auth.size);
	*len += auth.size;
	vtpm_plat_memzero(&auth, sizeof(auth));
	return 0;
}

/* --- HMAC pieces --- */

u32 vtpm_sess_cp_hash(struct vtpm_engine *e, const struct vtpm_cmd *c,
		      enum vtpm_hash h, u8 *out)
{
	struct vtpm_hash_ctx ctx;
	struct vtpm_name name;
	unsigned int i;
	u8 cc[4];
	int ret;
	u32 rc;

	vtpm_put_u32(cc, c->cc);
	ret = vtpm_plat_hash_init(&ctx, h);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, cc, 4);
	for (i = 0; i < c->nhandles && !ret; i++) {
		rc = vtpm_sess_handle_name(e, c->handles[i], &name);
		if (!rc && name.size > sizeof(name.buf))
			rc = VTPM_RC_FAILURE;
		if (rc)
			return rc;
		ret = vtpm_plat_hash_update(&ctx, name.buf, name.size);
	}
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, c->params, c->params_len);
	if (!ret)
		ret = vtpm_plat_hash_final(&ctx, out);
	return ret ? VTPM_RC_FAILURE : 0;
}

/*
 * Parameter encryption keys with sessionKey || authValue of the
 * authorized entity, whether or not the session is bound to it (as the
 * reference implementation and swtpm; tpm2-tss 3.2.1 leaves the
 * authValue out for the bound entity).
 */
static u32 param_crypt(struct vtpm_engine *e, const struct vtpm_session *s,
		       u32 assoc, const struct vtpm_digest *newer,
		       const struct vtpm_digest *older, u8 *buf, u16 len,
		       bool decrypt)
{
	u8 key[KEY_MAX];
	size_t klen;
	int ret;
	u32 rc;

	rc = hmac_key(e, s, assoc, true, key, &klen);
	if (rc)
		return rc;
	ret = vtpm_param_cipher(s->hash, s->sym_alg, s->sym_bits, key, klen,
				newer, older, buf, len, decrypt);
	vtpm_plat_memzero(key, sizeof(key));
	return ret ? VTPM_RC_FAILURE : 0;
}

/* --- authorization --- */

/**
 * struct auth_map - what one command's sessions are for
 * @assoc: the handle each session authorizes, or RH_UNASSIGNED
 * @dec: index of the decrypt session, or -1
 * @enc: index of the encrypt session, or -1
 */
struct auth_map {
	u32 assoc[VTPM_MAX_SESSIONS_PER_CMD];
	int dec;
	int enc;
};

static void map_sessions(const struct vtpm_cmd *c, struct auth_map *a)
{
	unsigned int i;

	a->dec = -1;
	a->enc = -1;
	for (i = 0; i < VTPM_MAX_SESSIONS_PER_CMD; i++) {
		a->assoc[i] = RH_UNASSIGNED;
		if (i < c->nhandles && i < c->nauths &&
		    c->desc->roles[i] != VTPM_ROLE_NONE)
			a->assoc[i] = c->handles[i];
	}
	for (i = 0; i < c->nauths; i++) {
		if ((c->auths[i].attrs & VTPM_SA_DECRYPT) && a->dec < 0)
			a->dec = i;
		if ((c->auths[i].attrs & VTPM_SA_ENCRYPT) && a->enc < 0)
			a->enc = i;
	}
}

/* decrypt/encrypt: allowed for the command, once, with a cipher */
static u32 check_crypt_attrs(const struct vtpm_cmd *c,
			     const struct vtpm_auth *au, bool *seen_dec,
			     bool *seen_enc)
{
	u8 fl = param_crypt_flags(c->cc);

	if (au->attrs & VTPM_SA_DECRYPT) {
		if (!(fl & PC_DEC) || *seen_dec)
			return VTPM_RC_ATTRIBUTES;
		if (au->sess->sym_alg == VTPM_ALG_NULL)
			return VTPM_RC_SYMMETRIC;
		*seen_dec = true;
	}
	if (au->attrs & VTPM_SA_ENCRYPT) {
		if (!(fl & PC_ENC) || *seen_enc)
			return VTPM_RC_ATTRIBUTES;
		if (au->sess->sym_alg == VTPM_ALG_NULL)
			return VTPM_RC_SYMMETRIC;
		*seen_enc = true;
	}
	/* audit sessions are not implemented */
	if (au->attrs & VTPM_SA_AUDIT)
		return VTPM_RC_ATTRIBUTES;
	return 0;
}

/* binds each auth to its loaded session; attribute checks */
static u32 retrieve_sessions(struct vtpm_engine *e, struct vtpm_cmd *c)
{
	bool dec = false, enc = false;
	struct vtpm_auth *au;
	unsigned int i, j;
	u32 rc;

	for (i = 0; i < c->nauths; i++) {
		au = &c->auths[i];
		au->sess = NULL;
		if (au->attrs & VTPM_SA_RESERVED)
			return vtpm_rc_session(VTPM_RC_RESERVED_BITS, i + 1);
		if (au->handle == VTPM_RS_PW) {
			if (au->attrs & ~VTPM_SA_CONTINUE)
				return vtpm_rc_session(VTPM_RC_ATTRIBUTES, i + 1);
			if (au->nonce.size)
				return vtpm_rc_session(VTPM_RC_NONCE, i + 1);
			continue;
		}
		au->sess = vtpm_sess_get(e, au->handle);
		if (!au->sess || au->sess->state != VTPM_SESS_LOADED) {
			au->sess = NULL;
			return VTPM_RC_REFERENCE_S0 + i;
		}
		for (j = 0; j < i; j++)
			if (c->auths[j].handle == au->handle)
				return vtpm_rc_session(VTPM_RC_HANDLE, i + 1);
		rc = check_crypt_attrs(c, au, &dec, &enc);
		if (rc)
			return vtpm_rc_session(rc, i + 1);
	}
	return 0;
}

/*
 * The code of a failed password or HMAC: TPM_RC_AUTH_FAIL when the
 * failure counts against dictionary-attack protection, TPM_RC_BAD_AUTH
 * when it does not (Part 1, "Dictionary attack protection"). The
 * counting itself and the lockout are not implemented yet.
 */
static u32 auth_fail(struct vtpm_engine *e, u32 assoc,
		     const struct vtpm_session *s)
{
	u32 h = assoc;

	if (!s)
		return vtpm_sess_da_exempt(e, h) ? VTPM_RC_BAD_AUTH
						   : VTPM_RC_AUTH_FAIL;
	if (s->lockout_bound)
		h = VTPM_RH_LOCKOUT;
	if (!s->da_bound && (vtpm_sess_da_exempt(e, h) || !s->include_auth))
		return VTPM_RC_BAD_AUTH;
	return VTPM_RC_AUTH_FAIL;
}

/* a password (TPM_RS_PW, or the HMAC field after PolicyPassword) */
static u32 check_password(struct vtpm_engine *e, const struct vtpm_auth *au,
			  u32 assoc, const struct vtpm_session *s)
{
	struct vtpm_digest auth;
	u16 n = au->hmac.size;
	bool ok;
	u32 rc;

	rc = vtpm_sess_entity_auth(e, assoc, &auth);
	if (rc)
		return rc;
	while (n && !au->hmac.buf[n - 1])
		n--;
	ok = n == auth.size && !vtpm_plat_memcmp_ct(au->hmac.buf, auth.buf, n);
	vtpm_plat_memzero(&auth, sizeof(auth));
	return ok ? 0 : auth_fail(e, assoc, s);
}

/*
 * HMAC = HMAC_authHash(sessionKey || [authValue], cpHash || nonceCaller
 * || nonceTPM || [decrypt session's nonceTPM] || [encrypt session's
 * nonceTPM] || attributes). The extra nonces are in the first session's
 * HMAC only, when it authorizes a handle. An empty key and an empty
 * HMAC agree.
 */
static u32 check_hmac(struct vtpm_engine *e, struct vtpm_cmd *c,
		      const struct auth_map *a, unsigned int i)
{
	const struct vtpm_digest *dec = NULL, *enc = NULL;
	const struct vtpm_auth *au = &c->auths[i];
	struct vtpm_session *s = au->sess;
	u8 key[KEY_MAX], cp[VTPM_HASH_MAX_DIGEST], mac[VTPM_HASH_MAX_DIGEST];
	u16 size = vtpm_hash_size(s->hash);
	size_t klen;
	bool ok;
	u32 rc;

	rc = hmac_key(e, s, a->assoc[i], s->include_auth, key, &klen);
	if (rc)
		return rc;
	if (!klen && !au->hmac.size)
		return 0;
	if (i == 0 && a->assoc[0] != RH_UNASSIGNED) {
		if (a->dec > 0)
			dec = &c->auths[a->dec].sess->nonce_tpm;
		if (a->enc > 0 && a->enc != a->dec)
			enc = &c->auths[a->enc].sess->nonce_tpm;
	}
	rc = vtpm_sess_cp_hash(e, c, s->hash, cp);
	if (!rc && vtpm_auth_hmac(s->hash, key, klen, cp, &au->nonce,
				  &s->nonce_tpm, dec, enc, au->attrs, mac))
		rc = VTPM_RC_FAILURE;
	vtpm_plat_memzero(key, sizeof(key));
	if (rc)
		return rc;
	ok = au->hmac.size == size &&
	     !vtpm_plat_memcmp_ct(mac, au->hmac.buf, size);
	return ok ? 0 : auth_fail(e, a->assoc[i], s);
}

/* one session that authorizes handle @i */
static u32 check_auth(struct vtpm_engine *e, struct vtpm_cmd *c,
		      const struct auth_map *a, unsigned int i)
{
	const struct vtpm_auth *au = &c->auths[i];
	struct vtpm_session *s = au->sess;
	u8 role = c->desc->roles[i];
	u32 rc;

	if (!s) {
		/* ADMIN and DUP need a policy session */
		if (role != VTPM_ROLE_USER)
			return VTPM_RC_AUTH_TYPE;
		return check_password(e, au, a->assoc[i], NULL);
	}
	if (s->type == VTPM_SE_POLICY) {
		s->include_auth = s->need_auth_value || s->need_password;
		rc = vtpm_policy_check(e, s, c->cc, a->assoc[i], role);
		if (rc)
			return rc;
		if (s->need_password)
			return check_password(e, au, a->assoc[i], s);
	} else {
		if (role != VTPM_ROLE_USER)
			return VTPM_RC_AUTH_TYPE;
		s->include_auth = !is_bind_entity(e, a->assoc[i], s);
	}
	return check_hmac(e, c, a, i);
}

static u32 check_session(struct vtpm_engine *e, struct vtpm_cmd *c,
			 const struct auth_map *a, unsigned int i)
{
	const struct vtpm_auth *au = &c->auths[i];

	if (a->assoc[i] != RH_UNASSIGNED)
		return check_auth(e, c, a, i);
	/* a password must authorize */
	if (!au->sess)
		return VTPM_RC_HANDLE;
	if (!(au->attrs & (VTPM_SA_DECRYPT | VTPM_SA_ENCRYPT)))
		return VTPM_RC_ATTRIBUTES;
	au->sess->include_auth = false;
	return check_hmac(e, c, a, i);
}

/* the first parameter, decrypted into e->param_buf */
static u32 decrypt_params(struct vtpm_engine *e, struct vtpm_cmd *c,
			  const struct auth_map *a)
{
	const struct vtpm_auth *au = &c->auths[a->dec];
	unsigned int n = a->dec + 1;
	u16 size;
	u32 rc;

	if (c->params_len < 2)
		return vtpm_rc_session(VTPM_RC_INSUFFICIENT, n);
	size = vtpm_get_u16(c->params);
	if (size > c->params_len - 2)
		return vtpm_rc_session(VTPM_RC_SIZE, n);
	memcpy(e->param_buf, c->params, c->params_len);
	rc = param_crypt(e, au->sess, a->assoc[a->dec], &au->nonce,
			 &au->sess->nonce_tpm, e->param_buf + 2, size, true);
	if (rc)
		return rc;
	c->params = e->param_buf;
	return 0;
}

u32 vtpm_sess_authorize(struct vtpm_engine *e, struct vtpm_cmd *c)
{
	struct auth_map a;
	unsigned int i;
	u32 rc;

	if (!c->nauths)
		return 0;
	if (no_sessions_cc(c->cc))
		return VTPM_RC_AUTH_CONTEXT;
	rc = retrieve_sessions(e, c);
	if (rc)
		return rc;
	map_sessions(c, &a);
	for (i = 0; i < c->nauths; i++) {
		if (c->auths[i].sess &&
		    c->auths[i].sess->type == VTPM_SE_TRIAL)
			return vtpm_rc_session(VTPM_RC_ATTRIBUTES, i + 1);
		rc = check_session(e, c, &a, i);
		if (rc)
			return rc_session(rc, i + 1);
	}
	return a.dec >= 0 ? decrypt_params(e, c, &a) : 0;
}

/* --- the response --- */

/* HMAC(sessionKey || [authValue], rpHash || nonceTPM || nonceCaller || attrs) */
static u16 response_hmac(struct vtpm_engine *e, const struct vtpm_cmd *c,
			 const struct vtpm_auth *au, u32 assoc, const u8 *rp,
			 u32 rp_len, u8 *mac)
{
	const struct vtpm_session *s = au->sess;
	u8 key[KEY_MAX], rph[VTPM_HASH_MAX_DIGEST];
	size_t klen;
	int ret;

	if (hmac_key(e, s, assoc, s->include_auth, key, &klen))
		klen = s->session_key.size;	/* the entity went away */
	if (!klen && !au->hmac.size)
		return 0;
	ret = vtpm_rp_hash(s->hash, c->cc, rp, rp_len, rph);
	if (!ret)
		ret = vtpm_auth_hmac(s->hash, key, klen, rph, &s->nonce_tpm,
				     &au->nonce, NULL, NULL, au->attrs, mac);
	vtpm_plat_memzero(key, sizeof(key));
	if (ret)
		memset(mac, 0, VTPM_HASH_MAX_DIGEST);
	return vtpm_hash_size(s->hash);
}

static void respond_one(struct vtpm_engine *e, const struct vtpm_cmd *c,
			const struct vtpm_auth *au, u32 assoc, const u8 *rp,
			u32 rp_len, struct vtpm_wr *w)
{
	struct vtpm_session *s = au->sess;
	u8 mac[VTPM_HASH_MAX_DIGEST];
	u16 n = 0;

	if (!s || s->state != VTPM_SESS_LOADED) {
		/* a password; no session survives in a handler */
		vtpm_wr_tpm2b(w, NULL, 0);
		vtpm_wr_u8(w, au->attrs | VTPM_SA_CONTINUE);
		vtpm_wr_tpm2b(w, NULL, 0);
		return;
	}
	if (s->type != VTPM_SE_POLICY || !s->need_password)
		n = response_hmac(e, c, au, assoc, rp, rp_len, mac);
	vtpm_wr_tpm2b(w, s->nonce_tpm.buf, s->nonce_tpm.size);
	vtpm_wr_u8(w, au->attrs);
	vtpm_wr_tpm2b(w, mac, n);
	if (!(au->attrs & VTPM_SA_CONTINUE))
		vtpm_sess_free(s);
	else if (s->type == VTPM_SE_POLICY)
		vtpm_policy_reset(s);
}

static void encrypt_response(struct vtpm_engine *e, const struct vtpm_cmd *c,
			     const struct auth_map *a, u8 *rp, u32 rp_len,
			     struct vtpm_wr *w)
{
	const struct vtpm_auth *au = &c->auths[a->enc];
	u16 size;

	/* the handlers always write a whole TPM2B first */
	if (rp_len < 2 || vtpm_get_u16(rp) > rp_len - 2) {
		w->err = true;
		return;
	}
	size = vtpm_get_u16(rp);
	if (param_crypt(e, au->sess, a->assoc[a->enc], &au->sess->nonce_tpm,
			&au->nonce, rp + 2, size, false))
		w->err = true;
}

void vtpm_sess_respond(struct vtpm_engine *e, struct vtpm_cmd *c, u8 *rp,
		       u32 rp_len, struct vtpm_wr *w)
{
	struct vtpm_session *s;
	struct auth_map a;
	unsigned int i;

	map_sessions(c, &a);
	for (i = 0; i < c->nauths; i++) {
		s = c->auths[i].sess;
		if (s && s->state == VTPM_SESS_LOADED)
			vtpm_plat_random(s->nonce_tpm.buf, s->nonce_tpm.size);
	}
	if (a.enc >= 0 && c->auths[a.enc].sess &&
	    c->auths[a.enc].sess->state == VTPM_SESS_LOADED)
		encrypt_response(e, c, &a, rp, rp_len, w);
	for (i = 0; i < c->nauths; i++)
		respond_one(e, c, &c->auths[i], a.assoc[i], rp, rp_len, w);
}
