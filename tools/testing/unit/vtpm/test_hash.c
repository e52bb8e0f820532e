// SPDX-License-Identifier: GPL-2.0
/*
 * test_hash.c - Hash, the hash and event sequences and their tickets
 * (hash.c): digests against OpenSSL, tickets that are the same for the
 * same data and hierarchy, null tickets where the spec wants them, slot
 * limits and error codes.
 */
#include <openssl/evp.h>

#include "tap.h"

static u32 hash_cmd(struct vtpm_engine *e, const void *data, u16 len,
		    u16 alg, u32 hier, struct rspbuf *r)
{
	struct cmdbuf c;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_Hash);
	cb_tpm2b(&c, data, len);
	cb_u16(&c, alg);
	cb_u32(&c, hier);
	cb_end(&c);
	return run(e, &c, r);
}

static u32 seq_start(struct vtpm_engine *e, const char *auth, u16 alg,
		     u32 *handle)
{
	struct cmdbuf c;
	struct rspbuf r;
	u32 rc;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_HashSequenceStart);
	cb_tpm2b(&c, auth, strlen(auth));
	cb_u16(&c, alg);
	cb_end(&c);
	rc = run(e, &c, &r);
	*handle = rc ? 0 : vtpm_get_u32(r.b + 10);
	return rc;
}

static u32 seq_update(struct vtpm_engine *e, u32 h, const char *pw,
		      const void *data, u16 len)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_SequenceUpdate);
	cb_u32(&c, h);
	cb_pw(&c, pw);
	cb_tpm2b(&c, data, len);
	cb_end(&c);
	return run(e, &c, &r);
}

static u32 seq_complete(struct vtpm_engine *e, u32 h, const void *data,
			u16 len, u32 hier, struct rspbuf *r)
{
	struct cmdbuf c;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_SequenceComplete);
	cb_u32(&c, h);
	cb_pw_auth(&c, 1);
	cb_tpm2b(&c, data, len);
	cb_u32(&c, hier);
	cb_end(&c);
	return run(e, &c, r);
}

static void test_hash(struct vtpm_engine *e)
{
	static const u8 gen[] = { 0xff, 'T', 'C', 'G', 1, 2, 3 };
	u8 want[32], tk1[32];
	struct rspbuf r;

	EVP_Digest("abc", 3, want, NULL, EVP_sha256(), NULL);
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_SHA256, VTPM_RH_OWNER, &r) == 0 &&
	   vtpm_get_u16(r.b + 10) == 32 && !memcmp(r.b + 12, want, 32),
	   "Hash(abc, sha256): the digest");
	ok(vtpm_get_u16(r.b + 44) == VTPM_ST_HASHCHECK &&
	   vtpm_get_u32(r.b + 46) == VTPM_RH_OWNER &&
	   vtpm_get_u16(r.b + 50) == 32 && r.len == 84,
	   "Hash: an owner HASHCHECK ticket of 32 bytes");
	memcpy(tk1, r.b + 52, 32);
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_SHA256, VTPM_RH_OWNER, &r) == 0 &&
	   !memcmp(tk1, r.b + 52, 32), "Hash: the same ticket again");
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_SHA256, VTPM_RH_ENDORSEMENT, &r) ==
	   0 && memcmp(tk1, r.b + 52, 32),
	   "Hash: another hierarchy, another ticket");
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_SHA256, VTPM_RH_NULL, &r) == 0 &&
	   vtpm_get_u32(r.b + 46) == VTPM_RH_NULL &&
	   vtpm_get_u16(r.b + 50) == 0, "Hash with TPM_RH_NULL: null ticket");
	ok(hash_cmd(e, gen, sizeof(gen), VTPM_ALG_SHA256, VTPM_RH_OWNER, &r) ==
	   0 && vtpm_get_u32(r.b + 46) == VTPM_RH_NULL &&
	   vtpm_get_u16(r.b + 50) == 0,
	   "Hash of data starting with TPM_GENERATED_VALUE: null ticket");
	ok(hash_cmd(e, "abc", 3, 0x0099, VTPM_RH_OWNER, &r) == 0x2C3,
	   "Hash with hash 0x99: HASH|P2 (0x2c3)");
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_NULL, VTPM_RH_OWNER, &r) == 0x2C3,
	   "Hash with TPM_ALG_NULL: HASH|P2");
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_SHA1, 0x40000002, &r) == 0x3C4,
	   "Hash with hierarchy 0x40000002: VALUE|P3 (0x3c4)");
	ok(hash_cmd(e, "abc", 3, VTPM_ALG_SHA512, VTPM_RH_PLATFORM, &r) == 0 &&
	   vtpm_get_u16(r.b + 10) == 64, "Hash with SHA-512: 64 bytes");
}

static void test_sequence(struct vtpm_engine *e)
{
	static u8 data[3000];
	u8 want[48], tk[32];
	struct rspbuf r;
	u32 h = 0, h2 = 0, h3 = 0, h4 = 0;
	unsigned int i;

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 7;
	ok(seq_start(e, "", VTPM_ALG_SHA384, &h) == 0 && h >> 24 == 0x80,
	   "HashSequenceStart(sha384): handle 0x%08x", h);
	ok(seq_update(e, h, "", data, 1024) == 0 &&
	   seq_update(e, h, "", data + 1024, 1024) == 0,
	   "SequenceUpdate x2");
	EVP_Digest(data, sizeof(data), want, NULL, EVP_sha384(), NULL);
	ok(seq_complete(e, h, data + 2048, sizeof(data) - 2048,
			VTPM_RH_OWNER, &r) == 0 && vtpm_get_u16(r.b + 14) == 48 &&
	   !memcmp(r.b + 16, want, 48), "SequenceComplete: the digest");
	ok(vtpm_get_u32(r.b + 16 + 48 + 2) == VTPM_RH_OWNER &&
	   vtpm_get_u16(r.b + 16 + 48 + 6) == 48,
	   "SequenceComplete: an owner ticket");
	ok(seq_update(e, h, "", data, 1) == VTPM_RC_REFERENCE_H0,
	   "the sequence is gone after SequenceComplete: 0x910");

	/* a sequence's ticket is the one Hash gives for the same data */
	seq_start(e, "", VTPM_ALG_SHA256, &h);
	seq_update(e, h, "", "ab", 2);
	seq_complete(e, h, "c", 1, VTPM_RH_OWNER, &r);
	memcpy(tk, r.b + 16 + 32 + 8, 32);
	hash_cmd(e, "abc", 3, VTPM_ALG_SHA256, VTPM_RH_OWNER, &r);
	ok(!memcmp(tk, r.b + 52, 32), "sequence ticket == Hash ticket");
	seq_start(e, "", VTPM_ALG_SHA256, &h);
	seq_update(e, h, "", "\xff", 1);
	seq_update(e, h, "", "TC", 2);
	ok(seq_complete(e, h, "G!", 2, VTPM_RH_OWNER, &r) == 0 &&
	   vtpm_get_u32(r.b + 16 + 32 + 2) == VTPM_RH_NULL,
	   "TPM_GENERATED_VALUE over several updates: null ticket");

	ok(seq_start(e, "pw", VTPM_ALG_SHA256, &h) == 0 &&
	   seq_update(e, h, "", "x", 1) != 0 &&
	   seq_update(e, h, "pw", "x", 1) == 0,
	   "a sequence's auth value is checked");
	ok(seq_start(e, "", VTPM_ALG_SHA1, &h2) == 0 &&
	   seq_start(e, "", VTPM_ALG_NULL, &h3) == 0 &&
	   seq_start(e, "", VTPM_ALG_SHA1, &h4) == VTPM_RC_OBJECT_MEMORY,
	   "a fourth object: TPM_RC_OBJECT_MEMORY");
	ok(seq_complete(e, h3, "", 0, VTPM_RH_NULL, &r) == 0x189,
	   "SequenceComplete of an event sequence: MODE|H1 (0x189)");
	ok(seq_complete(e, h2, "", 0, 0x40000005, &r) == 0x2C4,
	   "SequenceComplete with a bad hierarchy: VALUE|P2");
	ok(seq_complete(e, h2, "", 0, VTPM_RH_NULL, &r) == 0 &&
	   vtpm_get_u32(r.b + 16 + 20 + 2) == VTPM_RH_NULL,
	   "SequenceComplete(TPM_RH_NULL): null ticket");
	ok(seq_start(e, "", 0x0099, &h2) == 0x2C3,
	   "HashSequenceStart with hash 0x99: HASH|P2");
	seq_complete(e, h, "", 0, VTPM_RH_NULL, &r);
}

static void test_event_sequence(struct vtpm_engine *e)
{
	static u8 data[2500];
	u8 d1[20], d256[32], pcr[32] = { 0 };
	struct cmdbuf c;
	struct rspbuf r;
	EVP_MD_CTX *m;
	unsigned int n;
	u32 h;

	memset(data, 'e', sizeof(data));
	seq_start(e, "", VTPM_ALG_NULL, &h);
	seq_update(e, h, "", data, 1000);
	seq_update(e, h, "", data + 1000, 1000);
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_EventSequenceComplete);
	cb_u32(&c, 23);
	cb_u32(&c, h);
	cb_pw_auth(&c, 2);
	cb_tpm2b(&c, data + 2000, 500);
	cb_end(&c);
	EVP_Digest(data, sizeof(data), d1, NULL, EVP_sha1(), NULL);
	EVP_Digest(data, sizeof(data), d256, NULL, EVP_sha256(), NULL);
	ok(run(e, &c, &r) == 0 && vtpm_get_u32(r.b + 14) == 3 &&
	   !memcmp(r.b + 20, d1, 20) && !memcmp(r.b + 42, d256, 32),
	   "EventSequenceComplete: digests of every bank");
	m = EVP_MD_CTX_new();
	EVP_DigestInit_ex(m, EVP_sha256(), NULL);
	EVP_DigestUpdate(m, pcr, 32);
	EVP_DigestUpdate(m, d256, 32);
	EVP_DigestFinal_ex(m, pcr, &n);
	EVP_MD_CTX_free(m);
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_PCR_Read);
	cb_u32(&c, 1);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_u8(&c, 3);
	cb_bytes(&c, "\x00\x00\x80", 3);
	cb_end(&c);
	ok(run(e, &c, &r) == 0 && !memcmp(r.b + 30, pcr, 32),
	   "EventSequenceComplete: PCR 23 extended as OpenSSL computes it");
}

int main(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);

	printf("TAP version 13\n");
	test_hash(e);
	test_sequence(e);
	test_event_sequence(e);
	vtpm_engine_free(e);
	return tap_done();
}
