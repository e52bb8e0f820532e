// SPDX-License-Identifier: GPL-2.0
/*
 * Sessions through the engine's command path: the session table (limits,
 * ContextSave/ContextLoad/FlushContext semantics and codes), the
 * parameters of StartAuthSession, password, HMAC (unbound, bound) and
 * policy authorization with their error codes, parameter encryption
 * (AES-CFB and XOR) and the policy commands' checks.
 *
 * The client side computes cpHash and its HMACs with OpenSSL; the KDFa
 * is the engine's (checked against NIST vectors and tpm2-tss in the
 * other tests).
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tap.h"

#define SHA256_LEN	32
#define RC_HANDLE_P1	(VTPM_RC_HANDLE | VTPM_RC_P | 1 << 8)

static struct vtpm_engine *e;

/* --- a small TPM client --- */

/**
 * struct client - the caller's side of one session in a command
 * @h: the session handle, or VTPM_RS_PW
 * @type: VTPM_SE_*
 * @ntpm: the TPM's nonce, rolled by every response
 * @skey: the sessionKey
 * @attrs: TPMA_SESSION for the next command
 * @auth: authValue keying the HMAC (sessions), the password (PW)
 * @auth_after: authValue keying the response HMAC (defaults to @auth)
 * @sym: the session's symmetric: VTPM_ALG_NULL, _AES (128) or _XOR
 * @bad: send a wrong HMAC
 * @nc: the nonceCaller sent
 */
struct client {
	u32 h;
	u8 type;
	struct vtpm_digest ntpm, skey;
	u8 attrs;
	const char *auth, *auth_after;
	u16 sym;
	bool bad;
	struct vtpm_digest nc;
};

static void sha256_parts(const void *a, size_t al, const void *b, size_t bl,
			 const void *c, size_t cl, u8 *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, a, al);
	EVP_DigestUpdate(ctx, b, bl);
	EVP_DigestUpdate(ctx, c, cl);
	EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
}

static size_t key_of(const struct client *cl, const char *auth, u8 *key)
{
	size_t n = cl->skey.size;

	memcpy(key, cl->skey.buf, n);
	if (auth) {
		memcpy(key + n, auth, strlen(auth));
		n += strlen(auth);
	}
	return n;
}

/* HMAC-SHA256(key, ph || n1 || n2 || attrs) */
static void hmac4(const u8 *key, size_t klen, const u8 *ph,
		  const struct vtpm_digest *n1, const struct vtpm_digest *n2,
		  u8 attrs, u8 *out)
{
	u8 msg[32 + 64 + 64 + 1];
	unsigned int len;
	size_t n = 0;

	memcpy(msg, ph, 32);
	n = 32;
	memcpy(msg + n, n1->buf, n1->size);
	n += n1->size;
	memcpy(msg + n, n2->buf, n2->size);
	n += n2->size;
	msg[n++] = attrs;
	HMAC(EVP_sha256(), klen ? key : (const u8 *)"", klen, msg, n, out,
	     &len);
}

/* the parameter key and IV of a session (CFB) or the XOR stream */
static void crypt_param(const struct client *cl,
			const struct vtpm_digest *newer,
			const struct vtpm_digest *older, u8 *buf, u16 len,
			bool decrypt)
{
	u8 key[128], kiv[32];
	size_t klen = key_of(cl, cl->auth, key);
	EVP_CIPHER_CTX *ctx;
	int outl;

	if (cl->sym == VTPM_ALG_XOR) {
		vtpm_kdfa_xor(VTPM_HASH_SHA256, key, klen, newer->buf,
			      newer->size, older->buf, older->size, buf, len);
		return;
	}
	vtpm_kdfa(VTPM_HASH_SHA256, key, klen, "CFB", newer->buf, newer->size,
		  older->buf, older->size, 256, kiv);
	ctx = EVP_CIPHER_CTX_new();
	EVP_CipherInit_ex(ctx, EVP_aes_128_cfb128(), NULL, kiv, kiv + 16,
			  !decrypt);
	EVP_CipherUpdate(ctx, buf, &outl, buf, len);
	EVP_CIPHER_CTX_free(ctx);
}

/**
 * struct call - one command
 * @cc: command code
 * @h: handles (permanent or PCR: their names are the handles)
 * @nh: how many
 * @seq_names: bit i: handle i is a sequence object (its Name is empty)
 * @p: parameters (in the clear: a decrypt session encrypts them here)
 * @plen: their length
 * @cl: sessions
 * @ncl: how many (0: TPM_ST_NO_SESSIONS)
 * @rsp_ok: the response HMACs verified
 * @rp: the response parameters (decrypted)
 * @rp_len: their length
 */
struct call {
	u32 cc;
	u32 h[3];
	unsigned int nh;
	u32 seq_names;
	u8 p[512];
	u32 plen;
	struct client *cl[3];
	unsigned int ncl;
	bool rsp_ok;
	u8 rp[512];
	u32 rp_len;
};

static void cp_hash(const struct call *k, u8 *out)
{
	u8 pre[4 + 12];
	unsigned int i, n = 4;

	vtpm_put_u32(pre, k->cc);
	for (i = 0; i < k->nh; i++) {
		if (k->seq_names & (1u << i))
			continue;
		vtpm_put_u32(pre + n, k->h[i]);
		n += 4;
	}
	sha256_parts(pre, n, k->p, k->plen, NULL, 0, out);
}

static void put_auth(struct cmdbuf *c, struct call *k, unsigned int i,
		     const u8 *cp)
{
	struct client *cl = k->cl[i];
	u8 key[128], mac[32];
	size_t klen;

	cb_u32(c, cl->h);
	if (cl->h == VTPM_RS_PW) {
		cb_u16(c, 0);
		cb_u8(c, cl->attrs);
		cb_tpm2b(c, cl->auth, strlen(cl->auth));
		return;
	}
	cb_tpm2b(c, cl->nc.buf, cl->nc.size);
	cb_u8(c, cl->attrs);
	/* an encrypt/decrypt-only session: no authValue in the key */
	klen = key_of(cl, i < k->nh ? cl->auth : NULL, key);
	hmac4(key, klen, cp, &cl->nc, &cl->ntpm, cl->attrs, mac);
	if (cl->bad)
		mac[0] ^= 1;
	if (!klen && !cl->bad)
		cb_u16(c, 0);	/* an empty key: an empty HMAC */
	else
		cb_tpm2b(c, mac, 32);
}

/* verifies one response session and takes its nonce */
static bool take_auth(struct vtpm_rd *rd, struct call *k, unsigned int i,
		      const u8 *rph)
{
	struct client *cl = k->cl[i];
	struct vtpm_digest nt, mac;
	u8 key[128], exp[32];
	const u8 *q;
	size_t klen;
	u8 attrs;

	nt.size = vtpm_rd_tpm2b(rd, &q, 64);
	if (q)
		memcpy(nt.buf, q, nt.size);
	attrs = vtpm_rd_u8(rd);
	mac.size = vtpm_rd_tpm2b(rd, &q, 64);
	if (q)
		memcpy(mac.buf, q, mac.size);
	if (!vtpm_rd_ok(rd))
		return false;
	if (cl->h == VTPM_RS_PW)
		return !nt.size && !mac.size && attrs == VTPM_SA_CONTINUE;
	cl->ntpm = nt;
	klen = key_of(cl, i < k->nh ? (cl->auth_after ?: cl->auth) : NULL,
		      key);
	if (!mac.size)
		return !klen;
	hmac4(key, klen, rph, &nt, &cl->nc, attrs, exp);
	return mac.size == 32 && !memcmp(mac.buf, exp, 32) &&
	       attrs == cl->attrs;
}

static struct client *crypt_session(struct call *k, u8 attr)
{
	unsigned int i;

	for (i = 0; i < k->ncl; i++)
		if (k->cl[i]->h != VTPM_RS_PW && (k->cl[i]->attrs & attr))
			return k->cl[i];
	return NULL;
}

static void check_response(struct call *k, const struct rspbuf *r,
			   bool rhandle)
{
	struct client *enc = crypt_session(k, VTPM_SA_ENCRYPT);
	struct vtpm_rd rd;
	u8 hdr[8], rph[32];
	unsigned int i;

	vtpm_rd_init(&rd, r->b + 10, r->len - 10);
	if (rhandle)
		vtpm_rd_u32(&rd);
	k->rp_len = vtpm_rd_u32(&rd);
	if (k->rp_len > sizeof(k->rp) || k->rp_len > rd.left)
		return;
	memcpy(k->rp, vtpm_rd_take(&rd, k->rp_len), k->rp_len);
	vtpm_put_u32(hdr, 0);
	vtpm_put_u32(hdr + 4, k->cc);
	sha256_parts(hdr, 8, k->rp, k->rp_len, NULL, 0, rph);
	k->rsp_ok = true;
	for (i = 0; i < k->ncl; i++)
		k->rsp_ok &= take_auth(&rd, k, i, rph);
	k->rsp_ok &= !rd.left;
	if (enc && k->rp_len >= 2)
		crypt_param(enc, &enc->ntpm, &enc->nc, k->rp + 2,
			    vtpm_get_u16(k->rp), true);
}

/* runs @k; on success checks the response sessions (k->rsp_ok) */
static u32 call(struct call *k)
{
	struct client *dec = crypt_session(k, VTPM_SA_DECRYPT);
	const struct vtpm_cc_desc *d;
	struct cmdbuf c;
	struct rspbuf r;
	unsigned int i;
	u8 cp[32];
	u32 at, rc;

	for (i = 0; i < k->ncl; i++) {
		k->cl[i]->nc.size = k->cl[i]->h == VTPM_RS_PW ? 0 : 32;
		vtpm_plat_random(k->cl[i]->nc.buf, k->cl[i]->nc.size);
	}
	if (dec && k->plen >= 2)
		crypt_param(dec, &dec->nc, &dec->ntpm, k->p + 2,
			    vtpm_get_u16(k->p), false);
	cp_hash(k, cp);
	cb_start(&c, k->ncl ? VTPM_ST_SESSIONS : VTPM_ST_NO_SESSIONS, k->cc);
	for (i = 0; i < k->nh; i++)
		cb_u32(&c, k->h[i]);
	if (k->ncl) {
		at = c.len;
		cb_u32(&c, 0);
		for (i = 0; i < k->ncl; i++)
			put_auth(&c, k, i, cp);
		vtpm_put_u32(c.b + at, c.len - at - 4);
	}
	cb_bytes(&c, k->p, k->plen);
	cb_end(&c);
	rc = run(e, &c, &r);
	d = vtpm_cc_find(k->cc);
	k->rsp_ok = false;
	k->rp_len = 0;
	if (!rc && k->ncl)
		check_response(k, &r, d && (d->attrs & VTPM_CCA_RHANDLE));
	else if (!rc && r.len - 10 <= sizeof(k->rp))
		memcpy(k->rp, r.b + 10, k->rp_len = r.len - 10);
	return rc;
}

static void p_u8(struct call *k, u8 v)
{
	k->p[k->plen++] = v;
}

static void p_u16(struct call *k, u16 v)
{
	vtpm_put_u16(k->p + k->plen, v);
	k->plen += 2;
}

static void p_u32(struct call *k, u32 v)
{
	vtpm_put_u32(k->p + k->plen, v);
	k->plen += 4;
}

static void p_2b(struct call *k, const void *d, u16 n)
{
	p_u16(k, n);
	if (n)
		memcpy(k->p + k->plen, d, n);
	k->plen += n;
}

/* --- sessions --- */

/*
 * StartAuthSession(tpmKey NULL, @bind) of @type with a @nlen-byte
 * nonceCaller; fills @cl (its sessionKey from @bind_auth). Returns rc.
 */
static u32 start(struct client *cl, u8 type, u32 bind, const char *bind_auth,
		 u16 sym, u16 nlen)
{
	struct call k = { .cc = VTPM_CC_StartAuthSession, .nh = 2,
			  .h = { VTPM_RH_NULL, bind } };
	struct vtpm_digest nc;
	u32 rc;

	memset(cl, 0, sizeof(*cl));
	nc.size = nlen;
	vtpm_plat_random(nc.buf, nlen);
	p_2b(&k, nc.buf, nlen);
	p_2b(&k, NULL, 0);
	p_u8(&k, type);
	p_u16(&k, sym);
	if (sym == VTPM_ALG_AES) {
		p_u16(&k, 128);
		p_u16(&k, VTPM_ALG_CFB);
	} else if (sym == VTPM_ALG_XOR) {
		p_u16(&k, VTPM_ALG_SHA256);
	}
	p_u16(&k, VTPM_ALG_SHA256);
	rc = call(&k);
	if (rc)
		return rc;
	cl->h = vtpm_get_u32(k.rp);
	cl->type = type;
	cl->sym = sym;
	cl->attrs = VTPM_SA_CONTINUE;
	cl->ntpm.size = vtpm_get_u16(k.rp + 4);
	memcpy(cl->ntpm.buf, k.rp + 6, cl->ntpm.size);
	if (bind != VTPM_RH_NULL) {
		cl->skey.size = 32;
		vtpm_kdfa(VTPM_HASH_SHA256, (const u8 *)bind_auth,
			  strlen(bind_auth), "ATH", cl->ntpm.buf, cl->ntpm.size,
			  nc.buf, nc.size, 256, cl->skey.buf);
	}
	return 0;
}

/* a raw StartAuthSession's response code */
static u32 start_raw(u32 tpm_key, u16 nlen, u16 salt, u8 type,
		     const u16 *sym, unsigned int nsym, u16 hash)
{
	struct call k = { .cc = VTPM_CC_StartAuthSession, .nh = 2,
			  .h = { tpm_key, VTPM_RH_NULL } };
	u8 buf[64] = { 0 };
	unsigned int i;

	p_2b(&k, buf, nlen);
	p_2b(&k, buf, salt);
	p_u8(&k, type);
	for (i = 0; i < nsym; i++)
		p_u16(&k, sym[i]);
	p_u16(&k, hash);
	return call(&k);
}

static u32 flush(u32 h)
{
	struct call k = { .cc = VTPM_CC_FlushContext };

	p_u32(&k, h);
	return call(&k);
}

/* ContextSave of @h: its blob into @blob */
static u32 ctx_save(u32 h, u8 *blob, u32 *len)
{
	struct call k = { .cc = VTPM_CC_ContextSave, .nh = 1, .h = { h } };
	u32 rc = call(&k);

	if (!rc) {
		memcpy(blob, k.rp, k.rp_len);
		*len = k.rp_len;
	}
	return rc;
}

static u32 ctx_load(const u8 *blob, u32 len, u32 *h)
{
	struct call k = { .cc = VTPM_CC_ContextLoad };
	u32 rc;

	memcpy(k.p, blob, len);
	k.plen = len;
	rc = call(&k);
	if (!rc)
		*h = vtpm_get_u32(k.rp);
	return rc;
}

/* HierarchyChangeAuth(@hier) authorized by @cl */
static u32 change_auth(u32 hier, struct client *cl, const char *new_auth)
{
	struct call k = { .cc = VTPM_CC_HierarchyChangeAuth, .nh = 1,
			  .h = { hier }, .ncl = 1, .cl = { cl } };
	u32 rc;

	p_2b(&k, new_auth, strlen(new_auth));
	/* the response HMAC is keyed with the new authValue */
	if (cl->auth && cl->h != VTPM_RS_PW)
		cl->auth_after = new_auth;
	rc = call(&k);
	cl->auth_after = NULL;
	if (!rc && cl->auth && cl->h != VTPM_RS_PW)
		cl->auth = new_auth;
	if (!rc && !k.rsp_ok)
		return 0xDEAD;	/* the response HMAC did not verify */
	return rc;
}

static u32 pw_change_auth(u32 hier, const char *old, const char *new_auth)
{
	struct client pw = { .h = VTPM_RS_PW, .attrs = VTPM_SA_CONTINUE,
			     .auth = old };

	return change_auth(hier, &pw, new_auth);
}

static struct vtpm_engine *fresh(void)
{
	if (e)
		vtpm_engine_free(e);
	e = new_started(VTPM_BANKS_DEFAULT);
	return e;
}

/* --- the session table --- */

static void test_limits(void)
{
	struct client c[4];
	unsigned int i, n;
	u32 rc, h[8];

	fresh();
	for (i = 0, rc = 0; i < 3 && !rc; i++)
		rc = start(&c[i], VTPM_SE_HMAC, VTPM_RH_NULL, "",
			   VTPM_ALG_NULL, 32);
	ok(!rc && c[0].h == 0x02000000 && c[2].h == 0x02000002 &&
	   c[1].ntpm.size == 32, "three HMAC sessions 0x02000000..2, 32-byte nonceTPM");
	rc = start(&c[3], VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	ok(rc == VTPM_RC_SESSION_MEMORY,
	   "a fourth loaded session: TPM_RC_SESSION_MEMORY (0x%x)", rc);
	ok(vtpm_sess_save(e, c[1].h, 7) == 0 &&
	   vtpm_sess_count(e, VTPM_SESS_LOADED) == 2 &&
	   vtpm_sess_count(e, VTPM_SESS_SAVED) == 1, "a saved session frees a loaded slot");
	rc = start(&c[3], VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 16);
	ok(!rc && c[3].h == 0x03000003 && c[3].ntpm.size == 16,
	   "then a policy session starts: 0x03000003, nonceTPM as long as nonceCaller");
	n = vtpm_sess_handles(e, VTPM_HT_HMAC_SESSION, VTPM_SESS_FREE, 0, h, 8);
	ok(n == 3 && h[0] == 0x02000000 && h[1] == 0x02000001 &&
	   h[2] == 0x02000002, "HMAC handles, loaded and saved");
	n = vtpm_sess_handles(e, 0, VTPM_SESS_LOADED, 0x02000001, h, 8);
	ok(n == 2 && h[0] == 0x02000002 && h[1] == 0x03000003,
	   "loaded handles from 0x02000001");
	ok(vtpm_sess_handles(e, 0, VTPM_SESS_SAVED, 0, h, 8) == 1 &&
	   h[0] == 0x02000001, "saved handles");
	vtpm_sess_flush_all(e);
	ok(!vtpm_sess_count(e, VTPM_SESS_LOADED) &&
	   !vtpm_sess_count(e, VTPM_SESS_SAVED), "flush_all empties the table");

	/* VTPM_MAX_ACTIVE_SESSIONS active, loaded or saved */
	for (i = 0, rc = 0; i < VTPM_MAX_ACTIVE_SESSIONS && !rc; i++) {
		rc = start(&c[0], VTPM_SE_HMAC, VTPM_RH_NULL, "",
			   VTPM_ALG_NULL, 32);
		if (!rc)
			rc = vtpm_sess_save(e, c[0].h, i + 1);
	}
	ok(!rc && vtpm_sess_count(e, VTPM_SESS_SAVED) == 64,
	   "64 active sessions");
	rc = start(&c[0], VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	ok(rc == VTPM_RC_SESSION_HANDLES,
	   "a 65th: TPM_RC_SESSION_HANDLES (0x%x)", rc);
	ok(flush(0x02000005) == 0 &&
	   !start(&c[0], VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32) &&
	   c[0].h == 0x02000005, "FlushContext of a saved session frees its slot and handle");
}

/* the table's API: save, load, flush */
static void test_save_load_api(void)
{
	struct client c[4];
	u32 h;

	fresh();
	start(&c[0], VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	h = c[0].h;
	ok(vtpm_sess_save(e, h, 10) == 0 &&
	   vtpm_sess_save(e, h, 11) == VTPM_RC_REFERENCE_H0,
	   "saving a saved session: TPM_RC_REFERENCE_H0");
	ok(vtpm_sess_load(e, h, 9) == RC_HANDLE_P1 &&
	   vtpm_sess_load(e, h, 10) == 0 &&
	   vtpm_sess_load(e, h, 10) == RC_HANDLE_P1,
	   "only the last save loads, once: else TPM_RC_HANDLE + P1");
	ok(vtpm_sess_save(e, h, 12) == 0 && vtpm_sess_save(e, 0x02000009, 1) ==
	   VTPM_RC_REFERENCE_H0, "saving a handle without session: TPM_RC_REFERENCE_H0");
	start(&c[1], VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	start(&c[2], VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	start(&c[3], VTPM_SE_TRIAL, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	ok(vtpm_sess_load(e, h, 12) == VTPM_RC_SESSION_MEMORY,
	   "loading a fourth: TPM_RC_SESSION_MEMORY");
	ok(vtpm_sess_flush(e, h) == 0 && !vtpm_sess_get(e, h) &&
	   vtpm_sess_flush(e, h) == RC_HANDLE_P1,
	   "flushing a saved session; then TPM_RC_HANDLE + P1");
}

/* the same through ContextSave, ContextLoad, FlushContext */
static void test_context_cmds(void)
{
	struct client c, d;
	u8 blob[1024], blob2[1024];
	u32 len, len2, h, rc;

	fresh();
	start(&c, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	rc = ctx_save(c.h, blob, &len);
	ok(!rc, "ContextSave of a session (0x%x)", rc);
	ok(ctx_save(c.h, blob2, &len2) == VTPM_RC_REFERENCE_H0,
	   "ContextSave of a saved session: TPM_RC_REFERENCE_H0 (the resource manager's \"vanished\")");
	ok(pw_change_auth(VTPM_RH_OWNER, "", "") == 0 &&
	   change_auth(VTPM_RH_OWNER, &c, "") == VTPM_RC_REFERENCE_S0,
	   "a saved session in a command: TPM_RC_REFERENCE_S0");
	rc = ctx_load(blob, len, &h);
	ok(!rc && h == c.h, "ContextLoad: the same handle (0x%x)", rc);
	rc = change_auth(VTPM_RH_OWNER, &c, "");
	ok(!rc, "the reloaded session authorizes (0x%x)", rc);
	rc = ctx_load(blob, len, &h);
	ok(rc == RC_HANDLE_P1 || rc == VTPM_RC_REFERENCE_H0 ||
	   (rc & 0xBF) == VTPM_RC_HANDLE,
	   "ContextLoad of a loaded session's old blob: a TPM_RC_HANDLE (0x%x)",
	   rc);
	ctx_save(c.h, blob, &len);
	ctx_load(blob, len, &h);
	ctx_save(c.h, blob2, &len2);
	rc = ctx_load(blob, len, &h);
	ok((rc & 0xBF) == VTPM_RC_HANDLE || rc == VTPM_RC_REFERENCE_H0,
	   "a stale blob (saved again since): a TPM_RC_HANDLE (0x%x)", rc);
	ok(flush(c.h) == 0 && ctx_load(blob2, len2, &h) != 0,
	   "FlushContext of a saved session; its blob no longer loads");
	start(&d, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	ok(flush(d.h) == 0 && ctx_save(d.h, blob, &len) == VTPM_RC_REFERENCE_H0,
	   "ContextSave of a flushed session: TPM_RC_REFERENCE_H0");
	start(&d, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	d.attrs = 0;
	ok(change_auth(VTPM_RH_OWNER, &d, "") == 0 && !vtpm_sess_get(e, d.h),
	   "continueSession clear: the session is gone after the command");
}

/* --- StartAuthSession --- */

static void test_start_params(void)
{
	static const u16 null[] = { VTPM_ALG_NULL };
	static const u16 cbc[] = { VTPM_ALG_AES, 128, VTPM_ALG_CBC };
	static const u16 aes192[] = { VTPM_ALG_AES, 192, VTPM_ALG_CFB };
	static const u16 tdes[] = { 0x0003, 128, VTPM_ALG_CFB };
	static const u16 xor_null[] = { VTPM_ALG_XOR, VTPM_ALG_NULL };
	const u16 s = VTPM_ALG_SHA256;
	struct call k = { .cc = VTPM_CC_HashSequenceStart };
	u32 rc, seq;

	fresh();
	ok(start_raw(VTPM_RH_NULL, 15, 0, VTPM_SE_HMAC, null, 1, s) ==
	   0x1D5, "nonceCaller of 15 bytes: TPM_RC_SIZE + P1");
	ok(start_raw(VTPM_RH_NULL, 48, 0, VTPM_SE_HMAC, null, 1, s) ==
	   0x1D5, "nonceCaller longer than the digest: TPM_RC_SIZE + P1");
	ok(start_raw(VTPM_RH_NULL, 16, 4, VTPM_SE_HMAC, null, 1, s) ==
	   0x2C4, "a salt without tpmKey: TPM_RC_VALUE + P2");
	ok(start_raw(VTPM_RH_NULL, 16, 0, 2, null, 1, s) == 0x3C4,
	   "sessionType 2: TPM_RC_VALUE + P3");
	ok(start_raw(VTPM_RH_NULL, 16, 0, VTPM_SE_HMAC, cbc, 3, s) == 0x4C9,
	   "AES-CBC: TPM_RC_MODE + P4");
	ok(start_raw(VTPM_RH_NULL, 16, 0, VTPM_SE_HMAC, aes192, 3, s) == 0x4C4,
	   "AES-192: TPM_RC_VALUE + P4");
	ok(start_raw(VTPM_RH_NULL, 16, 0, VTPM_SE_HMAC, tdes, 3, s) == 0x4D6,
	   "TDES: TPM_RC_SYMMETRIC + P4");
	ok(start_raw(VTPM_RH_NULL, 16, 0, VTPM_SE_HMAC, xor_null, 2, s) ==
	   0x4C3, "XOR without a hash: TPM_RC_HASH + P4");
	ok(start_raw(VTPM_RH_NULL, 16, 0, VTPM_SE_HMAC, null, 1,
		     VTPM_ALG_NULL) == 0x5C3, "authHash NULL: TPM_RC_HASH + P5");
	rc = start_raw(VTPM_RH_OWNER, 16, 0, VTPM_SE_HMAC, null, 1, s);
	ok(rc == 0x184, "tpmKey owner: TPM_RC_VALUE + H1 (0x%x)", rc);
	rc = start_raw(0x80000000, 16, 0, VTPM_SE_HMAC, null, 1, s);
	ok(rc == VTPM_RC_REFERENCE_H0,
	   "tpmKey not loaded: TPM_RC_REFERENCE_H0 (0x%x)", rc);
	p_2b(&k, NULL, 0);
	p_u16(&k, VTPM_ALG_SHA256);
	call(&k);
	seq = vtpm_get_u32(k.rp);
	rc = start_raw(seq, 16, 16, VTPM_SE_HMAC, null, 1, s);
	ok(rc == 0x19C, "tpmKey a sequence object (no key): TPM_RC_KEY + H1 (0x%x)",
	   rc);
	ok(vtpm_sess_count(e, VTPM_SESS_LOADED) == 0, "no session was left behind");
	ok(start_raw(VTPM_RH_NULL, 21, 0, VTPM_SE_HMAC, null, 1,
		     VTPM_ALG_SHA1) == 0x1D5 &&
	   start_raw(VTPM_RH_NULL, 20, 0, VTPM_SE_TRIAL, null, 1,
		     VTPM_ALG_SHA1) == 0 &&
	   start_raw(VTPM_RH_NULL, 48, 0, VTPM_SE_POLICY, null, 1,
		     VTPM_ALG_SHA384) == 0,
	   "SHA-1 sessions take 20-byte nonces, SHA-384 ones 48");
	vtpm_sess_handles(e, VTPM_HT_POLICY_SESSION, VTPM_SESS_LOADED, 0,
			  &seq, 1);
	ok(vtpm_sess_get(e, seq) &&
	   vtpm_sess_get(e, seq)->policy_digest.size == 20,
	   "a SHA-1 trial session's policy digest has 20 bytes");
}

/* --- authorization --- */

static void test_password(void)
{
	struct client pw = { .h = VTPM_RS_PW, .attrs = VTPM_SA_CONTINUE };
	u32 rc;

	fresh();
	ok(pw_change_auth(VTPM_RH_OWNER, "", "abc") == 0 &&
	   pw_change_auth(VTPM_RH_OWNER, "abc\0\0", "abc") == 0,
	   "a password, with trailing zeros ignored");
	rc = pw_change_auth(VTPM_RH_OWNER, "abd", "x");
	ok(rc == 0x9A2, "a wrong owner password: TPM_RC_BAD_AUTH + S1 (owner is noDA) (0x%x)",
	   rc);
	pw_change_auth(VTPM_RH_LOCKOUT, "", "L");
	rc = pw_change_auth(VTPM_RH_LOCKOUT, "M", "x");
	ok(rc == 0x98E, "a wrong lockout password: TPM_RC_AUTH_FAIL + S1 (0x%x)",
	   rc);
	pw.auth = "abc";
	pw.attrs = VTPM_SA_CONTINUE | VTPM_SA_DECRYPT;
	ok(change_auth(VTPM_RH_OWNER, &pw, "x") == 0x982,
	   "a password session with decrypt: TPM_RC_ATTRIBUTES + S1");
	pw.attrs = VTPM_SA_CONTINUE | 0x08;
	ok(change_auth(VTPM_RH_OWNER, &pw, "x") == 0x9A1,
	   "reserved session attributes: TPM_RC_RESERVED_BITS + S1");
}

/* a password session with a nonce: built by hand */
static void test_password_nonce(void)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_HierarchyChangeAuth);
	cb_u32(&c, VTPM_RH_OWNER);
	cb_u32(&c, 9 + 16);
	cb_u32(&c, VTPM_RS_PW);
	cb_tpm2b(&c, "0123456789abcdef", 16);
	cb_u8(&c, VTPM_SA_CONTINUE);
	cb_u16(&c, 0);
	cb_tpm2b(&c, "", 0);
	cb_end(&c);
	ok(run(e, &c, &r) == 0x98F, "a password session with a nonce: TPM_RC_NONCE + S1");
}

static void test_hmac_unbound(void)
{
	struct client c;
	u32 rc;

	fresh();
	start(&c, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	c.auth = "";
	rc = change_auth(VTPM_RH_OWNER, &c, "owner1");
	ok(!rc, "unbound, empty key: the empty HMAC is accepted, the response too (0x%x)",
	   rc);
	rc = change_auth(VTPM_RH_OWNER, &c, "owner2");
	ok(!rc, "unbound HMAC keyed with the authValue; the response with the new one (0x%x)",
	   rc);
	c.bad = true;
	rc = change_auth(VTPM_RH_OWNER, &c, "x");
	ok(rc == 0x9A2, "a wrong HMAC for owner: TPM_RC_BAD_AUTH + S1 (0x%x)", rc);
	c.bad = false;
	pw_change_auth(VTPM_RH_LOCKOUT, "", "lock");
	c.auth = "nope";
	rc = change_auth(VTPM_RH_LOCKOUT, &c, "x");
	ok(rc == 0x98E, "a wrong authValue for lockout: TPM_RC_AUTH_FAIL + S1 (0x%x)",
	   rc);
	c.auth = "lock";
	rc = change_auth(VTPM_RH_LOCKOUT, &c, "lock2");
	ok(!rc, "the session still works after failures (0x%x)", rc);
}

static void test_hmac_bound(void)
{
	struct client c;
	u32 rc;

	fresh();
	pw_change_auth(VTPM_RH_OWNER, "", "own");
	pw_change_auth(VTPM_RH_ENDORSEMENT, "", "end");
	rc = start(&c, VTPM_SE_HMAC, VTPM_RH_OWNER, "own", VTPM_ALG_NULL, 32);
	ok(!rc, "a session bound to owner (0x%x)", rc);
	c.auth = NULL;
	rc = change_auth(VTPM_RH_OWNER, &c, "own");
	ok(!rc, "authorizing its bind entity: sessionKey alone (0x%x)", rc);
	c.auth = "end";
	rc = change_auth(VTPM_RH_ENDORSEMENT, &c, "end2");
	ok(!rc, "authorizing another entity: sessionKey || authValue (0x%x)",
	   rc);
	c.auth = NULL;
	c.auth_after = NULL;
	rc = change_auth(VTPM_RH_OWNER, &c, "own2");
	ok(!rc, "changing the bind entity's authValue (0x%x)", rc);
	rc = change_auth(VTPM_RH_OWNER, &c, "own3");
	ok(rc == 0x9A2, "then the session is no longer bound to it: sessionKey alone fails (0x%x)",
	   rc);
	c.auth = "own2";
	rc = change_auth(VTPM_RH_OWNER, &c, "own3");
	ok(!rc, "and sessionKey || authValue works (0x%x)", rc);
	pw_change_auth(VTPM_RH_LOCKOUT, "", "lk");
	start(&c, VTPM_SE_HMAC, VTPM_RH_LOCKOUT, "lk", VTPM_ALG_NULL, 32);
	c.auth = "own3";
	c.bad = true;
	rc = change_auth(VTPM_RH_OWNER, &c, "x");
	ok(rc == 0x98E, "a session bound to lockout fails with TPM_RC_AUTH_FAIL even for owner (0x%x)",
	   rc);
}

/* a sequence object: empty Name in cpHash, noDA (TPM_RC_BAD_AUTH) */
static void test_hmac_sequence(void)
{
	struct call k = { .cc = VTPM_CC_HashSequenceStart };
	struct client c;
	u32 seq, rc;

	fresh();
	p_2b(&k, "sq", 2);
	p_u16(&k, VTPM_ALG_SHA256);
	call(&k);
	seq = vtpm_get_u32(k.rp);
	start(&c, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	c.auth = "sq";
	memset(&k, 0, sizeof(k));
	k.cc = VTPM_CC_SequenceUpdate;
	k.nh = 1;
	k.h[0] = seq;
	k.seq_names = 1;
	k.ncl = 1;
	k.cl[0] = &c;
	p_2b(&k, "data", 4);
	rc = call(&k);
	ok(!rc && k.rsp_ok,
	   "SequenceUpdate with an HMAC session: the sequence's Name is empty (0x%x)",
	   rc);
	c.bad = true;
	rc = call(&k);
	ok(rc == 0x9A2, "a wrong HMAC for a sequence: TPM_RC_BAD_AUTH + S1 (0x%x)",
	   rc);
}

static void test_session_attrs(void)
{
	struct client a, b, t, pw = { .h = VTPM_RS_PW,
				      .attrs = VTPM_SA_CONTINUE, .auth = "" };
	struct call k = { .cc = VTPM_CC_HierarchyChangeAuth, .nh = 1,
			  .h = { VTPM_RH_OWNER } };
	u32 rc;

	fresh();
	start(&a, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_AES, 32);
	start(&b, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	start(&t, VTPM_SE_TRIAL, VTPM_RH_NULL, "", VTPM_ALG_AES, 32);
	a.auth = b.auth = "";
	p_2b(&k, "", 0);
	k.ncl = 2;
	k.cl[0] = &a;
	k.cl[1] = &a;
	ok(call(&k) == 0xA8B, "one session twice: TPM_RC_HANDLE + S2");
	k.cl[1] = &b;
	ok(call(&k) == 0xA82,
	   "an extra session neither encrypt nor decrypt: TPM_RC_ATTRIBUTES + S2");
	b.attrs = VTPM_SA_CONTINUE | VTPM_SA_DECRYPT;
	ok(call(&k) == 0xA96, "decrypt with a NULL symmetric: TPM_RC_SYMMETRIC + S2");
	b.attrs = VTPM_SA_CONTINUE | VTPM_SA_AUDIT;
	ok(call(&k) == 0xA82, "audit (not implemented): TPM_RC_ATTRIBUTES + S2");
	b.attrs = VTPM_SA_CONTINUE;
	a.attrs = VTPM_SA_CONTINUE | VTPM_SA_ENCRYPT;
	k.ncl = 1;
	ok(call(&k) == 0x982,
	   "encrypt for a command without a TPM2B response: TPM_RC_ATTRIBUTES + S1");
	k.cl[0] = &t;
	ok(call(&k) == 0x982, "a trial session authorizing: TPM_RC_ATTRIBUTES + S1");
	k.cl[0] = &pw;
	k.cl[1] = &t;
	k.ncl = 2;
	t.attrs = VTPM_SA_CONTINUE | VTPM_SA_DECRYPT;
	ok(call(&k) == 0xA82, "a trial session for decrypt: TPM_RC_ATTRIBUTES + S2");
	flush(t.h);
	start(&t, VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	rc = change_auth(VTPM_RH_OWNER, &t, "");
	ok(rc == VTPM_RC_AUTH_UNAVAILABLE,
	   "a policy session for owner (no authPolicy): TPM_RC_AUTH_UNAVAILABLE (0x%x)",
	   rc);
}

/* --- parameter encryption --- */

/* Hash(data) with a decrypt+encrypt session: outHash round trip */
static void hash_crypt(u16 sym, const char *what)
{
	static const char data[] = "parameter encryption, the first TPM2B";
	struct call k = { .cc = VTPM_CC_Hash, .ncl = 1 };
	u8 exp[32];
	struct client c;
	u32 rc;

	start(&c, VTPM_SE_HMAC, VTPM_RH_NULL, "", sym, 32);
	c.attrs = VTPM_SA_CONTINUE | VTPM_SA_DECRYPT | VTPM_SA_ENCRYPT;
	k.cl[0] = &c;
	p_2b(&k, data, sizeof(data) - 1);
	p_u16(&k, VTPM_ALG_SHA256);
	p_u32(&k, VTPM_RH_NULL);
	rc = call(&k);
	sha256_parts(data, sizeof(data) - 1, NULL, 0, NULL, 0, exp);
	ok(!rc && k.rsp_ok && vtpm_get_u16(k.rp) == 32 &&
	   !memcmp(k.rp + 2, exp, 32),
	   "%s: Hash's data decrypted, outHash encrypted (0x%x)", what, rc);
	flush(c.h);
}

static void test_param_crypt(void)
{
	struct client c, pw = { .h = VTPM_RS_PW, .attrs = VTPM_SA_CONTINUE };
	u32 rc;

	fresh();
	hash_crypt(VTPM_ALG_AES, "AES-128-CFB");
	hash_crypt(VTPM_ALG_XOR, "XOR");
	pw_change_auth(VTPM_RH_OWNER, "", "secret");
	start(&c, VTPM_SE_HMAC, VTPM_RH_NULL, "", VTPM_ALG_AES, 32);
	c.auth = "secret";
	c.attrs = VTPM_SA_CONTINUE | VTPM_SA_DECRYPT;
	rc = change_auth(VTPM_RH_OWNER, &c, "hidden");
	pw.auth = "hidden";
	ok(!rc && change_auth(VTPM_RH_OWNER, &pw, "") == 0,
	   "HierarchyChangeAuth's newAuth decrypted with sessionKey || authValue");
	start(&c, VTPM_SE_HMAC, VTPM_RH_OWNER, "", VTPM_ALG_AES, 32);
	c.auth = NULL;
	c.attrs = VTPM_SA_CONTINUE | VTPM_SA_DECRYPT;
	rc = change_auth(VTPM_RH_OWNER, &c, "bound");
	pw.auth = "bound";
	ok(!rc && change_auth(VTPM_RH_OWNER, &pw, "") == 0,
	   "a bound session decrypts too (its bind entity's authValue empty)");
}

/* --- policy --- */

static u32 policy_cmd(u32 cc, struct client *s, const u8 *p, u32 plen,
		      struct call *out)
{
	struct call k = { .cc = cc, .nh = 1, .h = { s->h } };
	u32 rc;

	if (plen)
		memcpy(k.p, p, plen);
	k.plen = plen;
	rc = call(&k);
	if (out)
		*out = k;
	return rc;
}

static u32 policy_pcr(struct client *s, const u8 *digest, u16 dlen, u32 pcr)
{
	u8 p[64];
	u32 n = 0;

	vtpm_put_u16(p, dlen);
	if (dlen)
		memcpy(p + 2, digest, dlen);
	n = 2 + dlen;
	vtpm_put_u32(p + n, 1);
	vtpm_put_u16(p + n + 4, VTPM_ALG_SHA256);
	p[n + 6] = 3;
	p[n + 7] = pcr < 8 ? 1 << pcr : 0;
	p[n + 8] = 0;
	p[n + 9] = 0;
	return policy_cmd(VTPM_CC_PolicyPCR, s, p, n + 10, NULL);
}

static bool digest_is(struct client *s, const u8 *exp)
{
	struct call k;

	return !policy_cmd(VTPM_CC_PolicyGetDigest, s, NULL, 0, &k) &&
	       vtpm_get_u16(k.rp) == 32 && !memcmp(k.rp + 2, exp, 32);
}

static u32 pcr_extend0(void)
{
	struct client pw = { .h = VTPM_RS_PW, .attrs = VTPM_SA_CONTINUE,
			     .auth = "" };
	struct call k = { .cc = VTPM_CC_PCR_Extend, .nh = 1, .h = { 0 },
			  .ncl = 1, .cl = { &pw } };
	u8 d[32] = { 1 };

	p_u32(&k, 1);
	p_u16(&k, VTPM_ALG_SHA256);
	memcpy(k.p + k.plen, d, 32);
	k.plen += 32;
	return call(&k);
}

static void test_policy(void)
{
	u8 zero[32] = { 0 }, pcr0[32] = { 0 }, cur[32], exp[32], b[8 + 2 * 34];
	u8 or[32 + 4 + 2 * 32];
	struct client s, t;
	u32 rc;

	fresh();
	start(&s, VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	start(&t, VTPM_SE_TRIAL, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	ok(digest_is(&s, zero), "a new policy session's digest is zero");
	sha256_parts(pcr0, 32, NULL, 0, NULL, 0, cur);
	ok(policy_pcr(&s, zero, 32, 0) == 0x1C4,
	   "PolicyPCR with a wrong pcrDigest: TPM_RC_VALUE + P1");
	ok(policy_pcr(&s, cur, 32, 0) == 0 && policy_pcr(&t, zero, 32, 0) == 0,
	   "PolicyPCR with the right one; a trial session takes any");
	pcr_extend0();
	ok(policy_pcr(&s, NULL, 0, 0) == VTPM_RC_PCR_CHANGED,
	   "PolicyPCR after the PCRs changed: TPM_RC_PCR_CHANGED");
	ok(!policy_cmd(VTPM_CC_PolicyRestart, &s, NULL, 0, NULL) &&
	   digest_is(&s, zero) && policy_pcr(&s, NULL, 0, 0) == 0,
	   "PolicyRestart: zero digest, PolicyPCR works again");
	vtpm_put_u32(b, VTPM_CC_Clear);
	vtpm_put_u32(b + 4, VTPM_CC_HierarchyChangeAuth);
	ok(!policy_cmd(VTPM_CC_PolicyCommandCode, &s, b, 4, NULL) &&
	   !policy_cmd(VTPM_CC_PolicyCommandCode, &s, b, 4, NULL) &&
	   policy_cmd(VTPM_CC_PolicyCommandCode, &s, b + 4, 4, NULL) == 0x1C4,
	   "PolicyCommandCode: the same code again, another: TPM_RC_VALUE + P1");
	vtpm_put_u32(b, 0x0000ffff);
	ok(policy_cmd(VTPM_CC_PolicyCommandCode, &t, b, 4, NULL) == 0x1E4,
	   "PolicyCommandCode of an unknown code: TPM_RC_POLICY_CC + P1");
	/* PolicyAuthValue and PolicyPassword extend alike */
	policy_cmd(VTPM_CC_PolicyRestart, &s, NULL, 0, NULL);
	policy_cmd(VTPM_CC_PolicyRestart, &t, NULL, 0, NULL);
	vtpm_put_u32(b, VTPM_CC_PolicyAuthValue);
	sha256_parts(zero, 32, b, 4, NULL, 0, exp);
	ok(!policy_cmd(VTPM_CC_PolicyAuthValue, &s, NULL, 0, NULL) &&
	   !policy_cmd(VTPM_CC_PolicyPassword, &t, NULL, 0, NULL) &&
	   digest_is(&s, exp) && digest_is(&t, exp),
	   "PolicyAuthValue and PolicyPassword: H(0 || TPM_CC_PolicyAuthValue)");
	/* PolicyOR */
	vtpm_put_u32(b, 1);
	vtpm_put_u16(b + 4, 32);
	memcpy(b + 6, exp, 32);
	ok(policy_cmd(VTPM_CC_PolicyOR, &s, b, 38, NULL) == 0x1D5,
	   "PolicyOR of one digest: TPM_RC_SIZE + P1");
	vtpm_put_u32(b, 2);
	vtpm_put_u16(b + 38, 32);
	memcpy(b + 40, zero, 32);
	ok(policy_cmd(VTPM_CC_PolicyOR, &s, b, 72, NULL) == 0,
	   "PolicyOR with the current digest in the list");
	ok(policy_cmd(VTPM_CC_PolicyOR, &s, b, 72, NULL) == 0x1C4,
	   "PolicyOR without it: TPM_RC_VALUE + P1");
	memset(or, 0, 32);
	vtpm_put_u32(or + 32, VTPM_CC_PolicyOR);
	memcpy(or + 36, exp, 32);
	memset(or + 68, 0, 32);
	sha256_parts(or, sizeof(or), NULL, 0, NULL, 0, exp);
	ok(digest_is(&s, exp), "PolicyOR's digest: H(0 || TPM_CC_PolicyOR || digests)");
	ok(policy_cmd(VTPM_CC_PolicyGetDigest, &s, zero, 2, NULL) ==
	   VTPM_RC_SIZE, "trailing parameter bytes: TPM_RC_SIZE");
	rc = policy_cmd(VTPM_CC_PolicyRestart, &s, NULL, 0, NULL);
	s.h = 0x03000030;
	ok(!rc && policy_cmd(VTPM_CC_PolicyGetDigest, &s, NULL, 0, NULL) ==
	   VTPM_RC_REFERENCE_H0, "a policy command on no session: TPM_RC_REFERENCE_H0");
}

/* SetPrimaryPolicy(@hier) with a password (@pw): @d of @dlen bytes, @alg */
static u32 set_primary_policy(u32 hier, const char *pw, const u8 *d,
			      u16 dlen, u16 alg)
{
	struct client c = { .h = VTPM_RS_PW, .attrs = VTPM_SA_CONTINUE,
			    .auth = pw };
	struct call k = { .cc = VTPM_CC_SetPrimaryPolicy, .nh = 1,
			  .h = { hier }, .ncl = 1, .cl = { &c } };

	p_2b(&k, d, dlen);
	p_u16(&k, alg);
	return call(&k);
}

/* Clear(lockout) with the password @pw */
static u32 pw_clear(const char *pw)
{
	struct client c = { .h = VTPM_RS_PW, .attrs = VTPM_SA_CONTINUE,
			    .auth = pw };
	struct call k = { .cc = VTPM_CC_Clear, .nh = 1,
			  .h = { VTPM_RH_LOCKOUT }, .ncl = 1, .cl = { &c } };

	return call(&k);
}

/* a policy session @s that ran PolicyCommandCode(@cc) */
static u32 policy_cc_session(struct client *s, u32 cc)
{
	u8 b[4];
	u32 rc;

	rc = start(s, VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	if (rc)
		return rc;
	vtpm_put_u32(b, cc);
	return policy_cmd(VTPM_CC_PolicyCommandCode, s, b, 4, NULL);
}

/*
 * A hierarchy's authPolicy (SetPrimaryPolicy) satisfied by a policy
 * session: PolicyCommandCode alone, and with PolicyAuthValue (the HMAC
 * keyed with the hierarchy's authValue) or PolicyPassword.
 */
static void test_primary_policy(void)
{
	u8 zero[32] = { 0 }, b[8], d_cc[32], d_av[32], d_pw[32], t[32];
	struct client s;
	u32 rc;

	fresh();
	/* d_cc = H(0 || CC_PolicyCommandCode || CC_HierarchyChangeAuth) */
	vtpm_put_u32(b, VTPM_CC_PolicyCommandCode);
	vtpm_put_u32(b + 4, VTPM_CC_HierarchyChangeAuth);
	sha256_parts(zero, 32, b, 8, NULL, 0, d_cc);
	/* d_av = H(H(0 || CC_PolicyAuthValue) || CC_PolicyCommandCode || ...) */
	vtpm_put_u32(b, VTPM_CC_PolicyAuthValue);
	sha256_parts(zero, 32, b, 4, NULL, 0, t);
	vtpm_put_u32(b, VTPM_CC_PolicyCommandCode);
	sha256_parts(t, 32, b, 8, NULL, 0, d_av);
	memcpy(d_pw, d_av, 32);	/* PolicyPassword extends as PolicyAuthValue */

	ok(set_primary_policy(VTPM_RH_OWNER, "", d_cc, 20, VTPM_ALG_SHA256) ==
	   0x1D5, "SetPrimaryPolicy: a digest not of the hash's size: TPM_RC_SIZE + P1");
	ok(set_primary_policy(VTPM_RH_OWNER, "", d_cc, 32, 0x0099) == 0x2C3,
	   "SetPrimaryPolicy: an unknown hash: TPM_RC_HASH + P2");
	ok(set_primary_policy(VTPM_RH_OWNER, "", d_cc, 32, VTPM_ALG_NULL) ==
	   0x1D5, "SetPrimaryPolicy: a digest with TPM_ALG_NULL: TPM_RC_SIZE + P1");
	ok(set_primary_policy(VTPM_RH_OWNER, "x", d_cc, 32, VTPM_ALG_SHA256) ==
	   0x9A2, "SetPrimaryPolicy with a wrong password: TPM_RC_BAD_AUTH + S1");
	ok(set_primary_policy(VTPM_RH_OWNER, "", d_cc, 32, VTPM_ALG_SHA256) == 0,
	   "SetPrimaryPolicy(owner, PolicyCommandCode(HierarchyChangeAuth))");

	policy_cc_session(&s, VTPM_CC_HierarchyChangeAuth);
	rc = change_auth(VTPM_RH_OWNER, &s, "viapolicy");
	ok(rc == 0, "the policy authorizes HierarchyChangeAuth (0x%x)", rc);
	ok(pw_change_auth(VTPM_RH_OWNER, "viapolicy", "") == 0,
	   "the owner's authValue is the one set through the policy");
	rc = change_auth(VTPM_RH_OWNER, &s, "again");
	ok(rc == 0x99D,
	   "the session's digest was reset by its use: TPM_RC_POLICY_FAIL + S1 (0x%x)",
	   rc);
	flush(s.h);
	policy_cc_session(&s, VTPM_CC_Clear);
	rc = change_auth(VTPM_RH_OWNER, &s, "x");
	ok(rc == 0x99D, "PolicyCommandCode(Clear): TPM_RC_POLICY_FAIL + S1 (0x%x)",
	   rc);
	flush(s.h);
	policy_cc_session(&s, VTPM_CC_HierarchyChangeAuth);
	rc = change_auth(VTPM_RH_ENDORSEMENT, &s, "x");
	ok(rc == VTPM_RC_AUTH_UNAVAILABLE,
	   "endorsement has no authPolicy: TPM_RC_AUTH_UNAVAILABLE (0x%x)", rc);
	flush(s.h);

	/* PolicyAuthValue: the HMAC is keyed with the owner's authValue */
	pw_change_auth(VTPM_RH_OWNER, "", "ownerpw");
	ok(set_primary_policy(VTPM_RH_OWNER, "ownerpw", d_av, 32,
			      VTPM_ALG_SHA256) == 0,
	   "SetPrimaryPolicy(owner, PolicyAuthValue + PolicyCommandCode)");
	start(&s, VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	policy_cmd(VTPM_CC_PolicyAuthValue, &s, NULL, 0, NULL);
	vtpm_put_u32(b, VTPM_CC_HierarchyChangeAuth);
	policy_cmd(VTPM_CC_PolicyCommandCode, &s, b, 4, NULL);
	s.auth = "wrong";
	rc = change_auth(VTPM_RH_OWNER, &s, "x");
	ok(rc == 0x9A2,
	   "PolicyAuthValue with an HMAC of a wrong authValue: TPM_RC_BAD_AUTH + S1 (0x%x)",
	   rc);
	/* the failure flushed nothing: the session is still usable */
	s.auth = "ownerpw";
	rc = change_auth(VTPM_RH_OWNER, &s, "newer");
	ok(rc == 0, "PolicyAuthValue with the HMAC of the owner's authValue (0x%x)",
	   rc);
	flush(s.h);
	/* PolicyPassword: the authValue in the clear in the hmac field */
	ok(set_primary_policy(VTPM_RH_OWNER, "newer", d_pw, 32,
			      VTPM_ALG_SHA256) == 0,
	   "SetPrimaryPolicy(owner, PolicyPassword + PolicyCommandCode)");
	start(&s, VTPM_SE_POLICY, VTPM_RH_NULL, "", VTPM_ALG_NULL, 32);
	policy_cmd(VTPM_CC_PolicyPassword, &s, NULL, 0, NULL);
	policy_cmd(VTPM_CC_PolicyCommandCode, &s, b, 4, NULL);
	ok(digest_is(&s, d_pw), "the session's digest is the policy's");
	flush(s.h);

	/* Clear takes the owner's authPolicy away */
	ok(set_primary_policy(VTPM_RH_LOCKOUT, "", d_cc, 32,
			      VTPM_ALG_SHA256) == 0,
	   "SetPrimaryPolicy(lockout)");
	rc = pw_clear("");
	policy_cc_session(&s, VTPM_CC_HierarchyChangeAuth);
	ok(!rc && change_auth(VTPM_RH_OWNER, &s, "x") == VTPM_RC_AUTH_UNAVAILABLE &&
	   change_auth(VTPM_RH_LOCKOUT, &s, "x") == VTPM_RC_AUTH_UNAVAILABLE,
	   "after Clear, owner and lockout have no authPolicy");
	flush(s.h);
	/* an empty policy with TPM_ALG_NULL takes it away */
	set_primary_policy(VTPM_RH_ENDORSEMENT, "", d_cc, 32, VTPM_ALG_SHA256);
	ok(set_primary_policy(VTPM_RH_ENDORSEMENT, "", NULL, 0, VTPM_ALG_NULL) == 0,
	   "SetPrimaryPolicy(endorsement, empty, TPM_ALG_NULL)");
	policy_cc_session(&s, VTPM_CC_HierarchyChangeAuth);
	ok(change_auth(VTPM_RH_ENDORSEMENT, &s, "x") == VTPM_RC_AUTH_UNAVAILABLE,
	   "then endorsement has no authPolicy");
	flush(s.h);
}

int main(void)
{
	printf("TAP version 13\n");
	test_limits();
	test_save_load_api();
	test_context_cmds();
	test_start_params();
	test_password();
	test_password_nonce();
	test_hmac_unbound();
	test_hmac_bound();
	test_hmac_sequence();
	test_session_attrs();
	test_param_crypt();
	test_policy();
	test_primary_policy();
	vtpm_engine_free(e);
	return tap_done();
}
