// SPDX-License-Identifier: GPL-2.0
/*
 * test_context.c - ContextSave, ContextLoad and FlushContext (context.c)
 * with the exact codes the kernel's resource manager (/dev/tpmrm) relies
 * on: 0x910 for a vanished handle, a session that reloads to the same
 * handle once per save, TPM_RC_HANDLE for a stale session blob, object
 * contexts that load again and again until a TPM Reset; and the resource
 * manager's own cycle (load, command, save, flush) run many times.
 */
#include <openssl/evp.h>

#include "tap.h"

struct ctx {
	u8 b[VTPM_BUF_SIZE];
	u32 len;
};

static u32 save(struct vtpm_engine *e, u32 h, struct ctx *x)
{
	struct cmdbuf c;
	struct rspbuf r;
	u32 rc;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_ContextSave);
	cb_u32(&c, h);
	cb_end(&c);
	rc = run(e, &c, &r);
	x->len = rc ? 0 : r.len - 10;
	memcpy(x->b, r.b + 10, x->len);
	return rc;
}

static u32 load(struct vtpm_engine *e, const struct ctx *x, u32 *h)
{
	struct cmdbuf c;
	struct rspbuf r;
	u32 rc;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_ContextLoad);
	cb_bytes(&c, x->b, x->len);
	cb_end(&c);
	rc = run(e, &c, &r);
	*h = rc ? 0 : vtpm_get_u32(r.b + 10);
	return rc;
}

static u32 flush(struct vtpm_engine *e, u32 h)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_FlushContext);
	cb_u32(&c, h);
	cb_end(&c);
	return run(e, &c, &r);
}

static u32 seq_start(struct vtpm_engine *e, u16 alg, u32 *h)
{
	struct cmdbuf c;
	struct rspbuf r;
	u32 rc;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_HashSequenceStart);
	cb_tpm2b(&c, "auth", 4);
	cb_u16(&c, alg);
	cb_end(&c);
	rc = run(e, &c, &r);
	*h = rc ? 0 : vtpm_get_u32(r.b + 10);
	return rc;
}

static u32 seq_update(struct vtpm_engine *e, u32 h, const void *d, u16 n)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_SequenceUpdate);
	cb_u32(&c, h);
	cb_pw(&c, "auth");
	cb_tpm2b(&c, d, n);
	cb_end(&c);
	return run(e, &c, &r);
}

/* completes a SHA-256 sequence; the digest into @out */
static u32 seq_complete(struct vtpm_engine *e, u32 h, u8 *out)
{
	struct cmdbuf c;
	struct rspbuf r;
	u32 rc;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_SequenceComplete);
	cb_u32(&c, h);
	cb_pw(&c, "auth");
	cb_u16(&c, 0);
	cb_u32(&c, VTPM_RH_NULL);
	cb_end(&c);
	rc = run(e, &c, &r);
	if (!rc)
		memcpy(out, r.b + 16, 32);
	return rc;
}

static void test_objects(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	u8 want[32], got[32];
	struct ctx x, bad;
	u32 h, h2, h3, h4, h5, i;
	u32 bads = 0;

	seq_start(e, VTPM_ALG_SHA256, &h);
	seq_update(e, h, "hello ", 6);
	ok(save(e, h, &x) == 0 && vtpm_get_u32(x.b + 8) == 0x80000001 &&
	   vtpm_get_u32(x.b + 12) == VTPM_RH_NULL &&
	   vtpm_get_u16(x.b + 16) == x.len - 18,
	   "ContextSave of a sequence: savedHandle 0x80000001, TPM_RH_NULL");
	ok(x.len <= VTPM_OBJECT_CONTEXT_MAX, "it fits MAX_OBJECT_CONTEXT");
	ok(flush(e, h) == 0, "FlushContext of the sequence");
	ok(save(e, h, &bad) == VTPM_RC_REFERENCE_H0,
	   "ContextSave of the flushed handle: 0x910");
	ok(flush(e, h) == 0x1CB, "FlushContext of it again: HANDLE|P1");
	ok(load(e, &x, &h2) == 0 && h2 >> 24 == 0x80,
	   "ContextLoad: a new transient handle");
	ok(load(e, &x, &h3) == 0 && h3 != h2, "ContextLoad again: another one");
	ok(seq_update(e, h2, "world", 5) == 0 &&
	   seq_complete(e, h2, got) == 0, "the loaded sequence goes on");
	EVP_Digest("hello world", 11, want, NULL, EVP_sha256(), NULL);
	ok(!memcmp(got, want, 32), "and hashes what went in before the save");
	seq_start(e, VTPM_ALG_SHA1, &h4);
	ok(load(e, &x, &h5) == 0 &&
	   load(e, &x, &h5) == VTPM_RC_OBJECT_MEMORY,
	   "ContextLoad with 3 objects loaded: TPM_RC_OBJECT_MEMORY");
	flush(e, h3);
	flush(e, h4);

	for (i = 18 + 2; i < x.len; i += 7) {
		bad = x;
		bad.b[i] ^= 0x40;
		bads += load(e, &bad, &h2) != 0x1DF;
	}
	ok(!bads, "a flipped bit anywhere in the blob: INTEGRITY|P1 (0x1df)");
	bad = x;
	bad.b[7] ^= 1;
	ok(load(e, &bad, &h2) == 0x1DF, "another sequence number: 0x1df");
	bad = x;
	vtpm_put_u32(bad.b + 8, 0x80000005);
	ok(load(e, &bad, &h2) == 0x1C4, "savedHandle 0x80000005: VALUE|P1");
	bad = x;
	vtpm_put_u32(bad.b + 12, VTPM_RH_OWNER);
	ok(load(e, &bad, &h2) == 0x1DF, "another hierarchy: 0x1df");
	bad = x;
	bad.len = 20;
	vtpm_put_u16(bad.b + 16, 2);
	ok(load(e, &bad, &h2) == 0x1D5, "a blob without integrity: SIZE|P1");
	ok(save(e, VTPM_RH_OWNER, &bad) == 0x184,
	   "ContextSave of TPM_RH_OWNER: VALUE|H1");
	ok(flush(e, VTPM_RH_OWNER) == 0x1C4,
	   "FlushContext of TPM_RH_OWNER: VALUE|P1");

	ok(shutdown(e, VTPM_SU_STATE) == 0, "Shutdown(STATE)");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_CLEAR) == 0 && load(e, &x, &h2) == 0,
	   "after a TPM Restart the context loads");
	flush(e, h2);
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_CLEAR) == 0 && load(e, &x, &h2) == 0x1DF,
	   "after a TPM Reset it does not: 0x1df");
	vtpm_engine_free(e);
}

/* /dev/tpmrm's cycle around each command, with a sequence object */
static void test_rm_cycle(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	u8 want[32], got[32], data[64];
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned int n, i, bad = 0;
	struct ctx x;
	u32 h;

	EVP_DigestInit_ex(m, EVP_sha256(), NULL);
	seq_start(e, VTPM_ALG_SHA256, &h);
	bad += save(e, h, &x) != 0 || flush(e, h) != 0;
	for (i = 0; i < 50; i++) {
		memset(data, i, sizeof(data));
		EVP_DigestUpdate(m, data, sizeof(data));
		bad += load(e, &x, &h) != 0;
		bad += seq_update(e, h, data, sizeof(data)) != 0;
		bad += save(e, h, &x) != 0 || flush(e, h) != 0;
	}
	bad += load(e, &x, &h) != 0 || seq_complete(e, h, got) != 0;
	EVP_DigestFinal_ex(m, want, &n);
	EVP_MD_CTX_free(m);
	ok(!bad && !memcmp(got, want, 32),
	   "50 rounds of load, update, save, flush: the right digest");
	ok(vtpm_object_count(e) == 0, "no object left loaded");
	vtpm_engine_free(e);
}

static u32 start_session(struct vtpm_engine *e, u8 type, u32 *h)
{
	struct cmdbuf c;
	struct rspbuf r;
	u8 nonce[32] = { 9 };
	u32 rc;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_StartAuthSession);
	cb_u32(&c, VTPM_RH_NULL);
	cb_u32(&c, VTPM_RH_NULL);
	cb_tpm2b(&c, nonce, sizeof(nonce));
	cb_u16(&c, 0);
	cb_u8(&c, type);
	cb_u16(&c, VTPM_ALG_NULL);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_end(&c);
	rc = run(e, &c, &r);
	*h = rc ? 0 : vtpm_get_u32(r.b + 10);
	return rc;
}

static void test_sessions(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	struct ctx x, x2, bad;
	u32 h, h2 = 0, hp = 0, i, fails = 0, rc;

	rc = start_session(e, VTPM_SE_HMAC, &h);
	ok(!rc && h >> 24 == 0x02, "StartAuthSession(HMAC): rc 0x%x, handle 0x%08x",
	   rc, h);
	if (rc) {
		vtpm_engine_free(e);
		return;
	}
	ok(save(e, h, &x) == 0 && vtpm_get_u32(x.b + 8) == h &&
	   x.len <= VTPM_SESSION_CONTEXT_MAX,
	   "ContextSave of the session: savedHandle is its handle");
	ok(save(e, h, &x2) == VTPM_RC_REFERENCE_H0,
	   "ContextSave of a saved session: 0x910");
	ok(load(e, &x, &h2) == 0 && h2 == h,
	   "ContextLoad: the session comes back to the same handle");
	ok(load(e, &x, &h2) == 0x1CB,
	   "ContextLoad of the same blob again: HANDLE|P1 (0x1cb)");
	ok(save(e, h, &x2) == 0 && load(e, &x, &h2) == 0x1CB,
	   "a stale blob after a newer save: HANDLE|P1");
	bad = x2;
	bad.b[x2.len - 1] ^= 1;
	ok(load(e, &bad, &h2) == 0x1DF, "a tampered session blob: 0x1df");
	ok(flush(e, h) == 0, "FlushContext of a saved session");
	ok(save(e, h, &x) == VTPM_RC_REFERENCE_H0 &&
	   load(e, &x2, &h2) == 0x1CB,
	   "then ContextSave: 0x910, ContextLoad: HANDLE|P1");
	ok(start_session(e, VTPM_SE_POLICY, &hp) == 0 && hp >> 24 == 0x03,
	   "StartAuthSession(POLICY): handle 0x%08x", hp);
	for (i = 0; i < 20; i++) {
		fails += save(e, hp, &x) != 0;
		fails += load(e, &x, &h2) != 0 || h2 != hp;
	}
	ok(!fails, "20 rounds of save and load: always the same handle");
	ok(save(e, hp, &x) == 0, "saved once more");
	vtpm_engine_reset(e);
	startup(e, VTPM_SU_CLEAR);
	ok(load(e, &x, &h2) != 0, "after a TPM Reset the session is gone");
	vtpm_engine_free(e);
}

int main(void)
{
	printf("TAP version 13\n");
	test_objects();
	test_rm_cycle();
	test_sessions();
	return tap_done();
}
