// SPDX-License-Identifier: GPL-2.0
/*
 * Authorization sessions (Part 1, "Authorizations and Acknowledgments";
 * Part 3, TPM2_StartAuthSession): the session table (allocation, lookup,
 * save, load, flush), the names and bind values of the entities a session
 * is bound to, and StartAuthSession with its session key derivation. The
 * use of sessions by commands and responses is in auth.c.
 *
 * Not implemented in this issue: salted sessions (no asymmetric keys
 * yet: a tpmKey other than TPM_RH_NULL is refused), audit sessions
 * (refused in auth.c), and the context gap of saved sessions.
 */
#include "cmds.h"

#define SLOT_MASK	0x00ffffff
#define NONCE_MIN	16
#define SALT_MAX	512	/* TPM2B_ENCRYPTED_SECRET */

/* --- the session table --- */

struct vtpm_session *vtpm_sess_get(struct vtpm_engine *e, u32 handle)
{
	u8 ht = VTPM_HANDLE_TYPE(handle);
	u32 i = handle & SLOT_MASK;
	struct vtpm_session *s;

	if (ht != VTPM_HT_HMAC_SESSION && ht != VTPM_HT_POLICY_SESSION)
		return NULL;
	if (i >= VTPM_MAX_ACTIVE_SESSIONS)
		return NULL;
	s = &e->sessions[i];
	return s->state != VTPM_SESS_FREE && s->handle == handle ? s : NULL;
}

unsigned int vtpm_sess_count(struct vtpm_engine *e, enum vtpm_sess_state st)
{
	unsigned int i, n = 0;

	for (i = 0; i < VTPM_MAX_ACTIVE_SESSIONS; i++)
		n += e->sessions[i].state == st;
	return n;
}

void vtpm_sess_free(struct vtpm_session *s)
{
	vtpm_plat_memzero(s, sizeof(*s));	/* state FREE */
}

/*
 * A loaded session in the first free slot; its handle is the slot number
 * in the HMAC or policy range, so a saved session reloads to its handle.
 */
static u32 sess_alloc(struct vtpm_engine *e, u8 type,
		      struct vtpm_session **out)
{
	u8 ht = type == VTPM_SE_HMAC ? VTPM_HT_HMAC_SESSION
				     : VTPM_HT_POLICY_SESSION;
	struct vtpm_session *s;
	unsigned int i;

	if (vtpm_sess_count(e, VTPM_SESS_LOADED) >= VTPM_MAX_LOADED_SESSIONS)
		return VTPM_RC_SESSION_MEMORY;
	for (i = 0; i < VTPM_MAX_ACTIVE_SESSIONS; i++) {
		s = &e->sessions[i];
		if (s->state != VTPM_SESS_FREE)
			continue;
		vtpm_sess_free(s);
		s->handle = (u32)ht << VTPM_HR_SHIFT | i;
		s->state = VTPM_SESS_LOADED;
		s->type = type;
		*out = s;
		return 0;
	}
	return VTPM_RC_SESSION_HANDLES;
}

/*
 * ContextSave: the session stays in the table, marked saved, with the
 * sequence number of its blob. A session that is not loaded has
 * "vanished" for the kernel's resource manager: TPM_RC_REFERENCE_H0.
 */
u32 vtpm_sess_save(struct vtpm_engine *e, u32 handle, u64 seq)
{
	struct vtpm_session *s = vtpm_sess_get(e, handle);

	if (!s || s->state != VTPM_SESS_LOADED)
		return VTPM_RC_REFERENCE_H0;
	s->state = VTPM_SESS_SAVED;
	s->context_seq = seq;
	return 0;
}

/* ContextLoad: only the blob of the last save loads (no replay). */
u32 vtpm_sess_load(struct vtpm_engine *e, u32 handle, u64 seq)
{
	struct vtpm_session *s = vtpm_sess_get(e, handle);

	if (!s || s->state != VTPM_SESS_SAVED || s->context_seq != seq)
		return vtpm_rc_param(VTPM_RC_HANDLE, 1);
	if (vtpm_sess_count(e, VTPM_SESS_LOADED) >= VTPM_MAX_LOADED_SESSIONS)
		return VTPM_RC_SESSION_MEMORY;
	s->state = VTPM_SESS_LOADED;
	return 0;
}

u32 vtpm_sess_flush(struct vtpm_engine *e, u32 handle)
{
	struct vtpm_session *s = vtpm_sess_get(e, handle);

	if (!s)
		return vtpm_rc_param(VTPM_RC_HANDLE, 1);
	vtpm_sess_free(s);
	return 0;
}

void vtpm_sess_flush_all(struct vtpm_engine *e)
{
	vtpm_plat_memzero(e->sessions, sizeof(e->sessions));
}

/* by handle type (HMAC first), then slot: ascending handles */
unsigned int vtpm_sess_handles(struct vtpm_engine *e, u8 handle_type,
			       enum vtpm_sess_state st, u32 first,
			       u32 *out, unsigned int max)
{
	static const u8 types[] = {
		VTPM_HT_HMAC_SESSION, VTPM_HT_POLICY_SESSION,
	};
	const struct vtpm_session *s;
	unsigned int t, i, n = 0;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		if (handle_type && handle_type != types[t])
			continue;
		for (i = 0; i < VTPM_MAX_ACTIVE_SESSIONS && n < max; i++) {
			s = &e->sessions[i];
			if (s->state == VTPM_SESS_FREE ||
			    (st != VTPM_SESS_FREE && s->state != st) ||
			    VTPM_HANDLE_TYPE(s->handle) != types[t] ||
			    s->handle < first)
				continue;
			out[n++] = s->handle;
		}
	}
	return n;
}

/* --- entities --- */

u32 vtpm_sess_entity_auth(struct vtpm_engine *e, u32 handle,
			  struct vtpm_digest *auth)
{
	u32 rc = vtpm_entity_auth(e, handle, auth);

	if (!rc && auth->size > sizeof(auth->buf))
		rc = VTPM_RC_FAILURE;
	if (rc) {
		auth->size = 0;
		return rc;
	}
	while (auth->size && !auth->buf[auth->size - 1])
		auth->size--;
	return 0;
}

/*
 * Exempt from dictionary-attack protection: permanent handles but
 * lockout, PCRs, objects with noDA (sequence objects are).
 */
bool vtpm_sess_da_exempt(struct vtpm_engine *e, u32 h)
{
	struct vtpm_object *o;

	switch (VTPM_HANDLE_TYPE(h)) {
	case VTPM_HT_PERMANENT:
		return h != VTPM_RH_LOCKOUT;
	case VTPM_HT_PCR:
		return true;
	case VTPM_HT_TRANSIENT:
		o = vtpm_object_get(e, h);
		return o && (o->kind == VTPM_OBJ_HASH_SEQ ||
			     o->kind == VTPM_OBJ_EVENT_SEQ);
	default:
		return false;
	}
}

/* a handle's name; a session's is its handle */
u32 vtpm_sess_handle_name(struct vtpm_engine *e, u32 h, struct vtpm_name *name)
{
	switch (VTPM_HANDLE_TYPE(h)) {
	case VTPM_HT_HMAC_SESSION:
	case VTPM_HT_POLICY_SESSION:
		name->size = 4;
		vtpm_put_u32(name->buf, h);
		return 0;
	default:
		return vtpm_entity_name(e, h, name);
	}
}

/*
 * The bind value: the entity's name, zero-padded to the full buffer,
 * with its authValue XORed into the end (as the reference code does).
 */
u32 vtpm_sess_bind_value(struct vtpm_engine *e, u32 h, struct vtpm_name *out)
{
	struct vtpm_digest auth;
	size_t end = sizeof(out->buf);
	unsigned int i;
	u32 rc;

	rc = vtpm_sess_handle_name(e, h, out);
	if (!rc && out->size > end)
		rc = VTPM_RC_FAILURE;
	if (!rc)
		rc = vtpm_sess_entity_auth(e, h, &auth);
	if (rc)
		return rc;
	memset(out->buf + out->size, 0, end - out->size);
	for (i = 0; i < auth.size; i++)
		out->buf[end - auth.size + i] ^= auth.buf[i];
	out->size = end;
	vtpm_plat_memzero(&auth, sizeof(auth));
	return 0;
}

/* --- StartAuthSession --- */

/**
 * struct sas_in - StartAuthSession's parameters
 * @nonce: nonceCaller
 * @salt_len: encryptedSalt's size
 * @type: sessionType
 * @sym_alg: symmetric.algorithm
 * @sym_bits: symmetric.keyBits (the hash for XOR)
 * @sym_mode: symmetric.mode
 * @hash: authHash, as enum vtpm_hash
 */
struct sas_in {
	struct vtpm_digest nonce;
	u16 salt_len;
	u8 type;
	u16 sym_alg;
	u16 sym_bits;
	u16 sym_mode;
	int hash;
};

/* TPMT_SYM_DEF+ (parameter 4): NULL, XOR with a hash, AES-128/256 */
static u32 read_symdef(struct vtpm_rd *rd, struct sas_in *in)
{
	u32 bad = vtpm_rc_param(VTPM_RC_INSUFFICIENT, 4);

	in->sym_alg = vtpm_rd_u16(rd);
	in->sym_bits = 0;
	in->sym_mode = VTPM_ALG_NULL;
	if (!vtpm_rd_ok(rd))
		return bad;
	switch (in->sym_alg) {
	case VTPM_ALG_NULL:
		return 0;
	case VTPM_ALG_XOR:
		in->sym_bits = vtpm_rd_u16(rd);
		if (!vtpm_rd_ok(rd))
			return bad;
		if (vtpm_hash_from_alg(in->sym_bits) < 0)
			return vtpm_rc_param(VTPM_RC_HASH, 4);
		return 0;
	case VTPM_ALG_AES:
		in->sym_bits = vtpm_rd_u16(rd);
		in->sym_mode = vtpm_rd_u16(rd);
		if (!vtpm_rd_ok(rd))
			return bad;
		if (in->sym_bits != 128 && in->sym_bits != 256)
			return vtpm_rc_param(VTPM_RC_VALUE, 4);
		if (in->sym_mode < VTPM_ALG_CTR || in->sym_mode > VTPM_ALG_ECB)
			return vtpm_rc_param(VTPM_RC_MODE, 4);
		return 0;
	default:
		return vtpm_rc_param(VTPM_RC_SYMMETRIC, 4);
	}
}

static u32 read_sas(const struct vtpm_cmd *c, struct sas_in *in)
{
	struct vtpm_rd rd;
	const u8 *p;
	u16 n;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_tpm2b(&rd, &p, &n, VTPM_HASH_MAX_DIGEST, 1);
	if (rc)
		return rc;
	in->nonce.size = n;
	memcpy(in->nonce.buf, p, n);
	rc = vtpm_param_tpm2b(&rd, &p, &in->salt_len, SALT_MAX, 2);
	if (rc)
		return rc;
	in->type = vtpm_rd_u8(&rd);
	rc = vtpm_param_check(&rd, 3);
	if (rc)
		return rc;
	if (in->type != VTPM_SE_HMAC && in->type != VTPM_SE_POLICY &&
	    in->type != VTPM_SE_TRIAL)
		return vtpm_rc_param(VTPM_RC_VALUE, 3);
	rc = read_symdef(&rd, in);
	if (rc)
		return rc;
	in->hash = vtpm_hash_from_alg(vtpm_rd_u16(&rd));
	rc = vtpm_param_check(&rd, 5);
	if (rc)
		return rc;
	if (in->hash < 0)
		return vtpm_rc_param(VTPM_RC_HASH, 5);
	return vtpm_param_end(&rd);
}

/* Part 3's checks, in the reference implementation's order */
static u32 check_sas(const struct vtpm_cmd *c, const struct sas_in *in)
{
	if (in->nonce.size < NONCE_MIN ||
	    in->nonce.size > vtpm_hash_size(in->hash))
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	/*
	 * A salt needs an asymmetric decryption key; the only loaded
	 * objects of this issue are sequences, which are none.
	 */
	if (c->handles[0] != VTPM_RH_NULL)
		return vtpm_rc_handle(VTPM_RC_KEY, 1);
	if (in->salt_len)
		return vtpm_rc_param(VTPM_RC_VALUE, 2);
	if (in->sym_alg == VTPM_ALG_AES && in->sym_mode != VTPM_ALG_CFB)
		return vtpm_rc_param(VTPM_RC_MODE, 4);
	return 0;
}

/*
 * sessionKey = KDFa(authHash, bind.authValue || salt, "ATH", nonceTPM,
 * nonceCaller, digest bits) when there is a bind entity (or a salt);
 * empty otherwise. Only an HMAC session is bound.
 */
static u32 sess_setup(struct vtpm_engine *e, struct vtpm_session *s,
		      u32 bind, const struct sas_in *in)
{
	u16 dsize = vtpm_hash_size(in->hash);
	struct vtpm_digest auth;
	u32 rc;

	s->hash = in->hash;
	s->sym_alg = in->sym_alg;
	s->sym_bits = in->sym_bits;
	s->sym_mode = in->sym_mode;
	s->nonce_tpm.size = in->nonce.size;
	vtpm_plat_random(s->nonce_tpm.buf, s->nonce_tpm.size);
	if (s->type != VTPM_SE_HMAC)
		s->policy_digest.size = dsize;	/* all zeros */
	if (bind == VTPM_RH_NULL)
		return 0;
	rc = vtpm_sess_entity_auth(e, bind, &auth);
	if (rc)
		return rc;
	s->session_key.size = dsize;
	if (vtpm_kdfa(s->hash, auth.buf, auth.size, "ATH", s->nonce_tpm.buf,
		      s->nonce_tpm.size, in->nonce.buf, in->nonce.size,
		      dsize * 8, s->session_key.buf))
		rc = VTPM_RC_FAILURE;
	vtpm_plat_memzero(&auth, sizeof(auth));
	if (!rc && s->type == VTPM_SE_HMAC) {
		s->bound = true;
		rc = vtpm_sess_bind_value(e, bind, &s->bind_name);
	}
	s->da_bound = !vtpm_sess_da_exempt(e, bind);
	s->lockout_bound = s->da_bound && bind == VTPM_RH_LOCKOUT;
	return rc;
}

VTPM_CMD(start_auth_session)
{
	struct vtpm_session *s;
	struct sas_in in;
	u32 rc;

	rc = read_sas(c, &in);
	if (!rc)
		rc = check_sas(c, &in);
	if (!rc)
		rc = sess_alloc(e, in.type, &s);
	if (rc)
		return rc;
	rc = sess_setup(e, s, c->handles[1], &in);
	if (rc) {
		vtpm_sess_free(s);
		return rc;
	}
	r->handle = s->handle;
	vtpm_wr_tpm2b(&r->out, s->nonce_tpm.buf, s->nonce_tpm.size);
	return 0;
}
