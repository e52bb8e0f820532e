// SPDX-License-Identifier: GPL-2.0
/*
 * test_pcr.c - PCR banks (pcr.c): PCR_Extend, PCR_Event and PCR_Reset
 * values checked against OpenSSL computing the same chain directly,
 * PCR_Read's limits and selections, localities and error codes.
 */
#include <openssl/evp.h>

#include "tap.h"

/* what the PCR must be: H(old || digest), computed by OpenSSL */
static void ossl_extend(const EVP_MD *md, u8 *pcr, const u8 *digest)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int n = EVP_MD_get_size(md);

	EVP_DigestInit_ex(c, md, NULL);
	EVP_DigestUpdate(c, pcr, n);
	EVP_DigestUpdate(c, digest, n);
	EVP_DigestFinal_ex(c, pcr, &n);
	EVP_MD_CTX_free(c);
}

static void ossl_hash(const EVP_MD *md, const void *data, size_t len, u8 *out)
{
	EVP_Digest(data, len, out, NULL, md, NULL);
}

/* reads one PCR of bank @alg into @out; returns the digests returned */
static u32 pcr_read1(struct vtpm_engine *e, u16 alg, u32 pcr, u8 *out)
{
	struct cmdbuf c;
	struct rspbuf r;
	u8 bits[3] = { 0 };
	u16 n;

	bits[pcr / 8] = 1 << (pcr % 8);
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_PCR_Read);
	cb_u32(&c, 1);
	cb_u16(&c, alg);
	cb_u8(&c, 3);
	cb_bytes(&c, bits, 3);
	cb_end(&c);
	if (run(e, &c, &r))
		return 0xFFFFFFFF;
	if (!vtpm_get_u32(r.b + 24))
		return 0;
	n = vtpm_get_u16(r.b + 28);
	memcpy(out, r.b + 30, n);
	return vtpm_get_u32(r.b + 24);
}

static u32 extend(struct vtpm_engine *e, u32 pcr, u16 alg1, const u8 *d1,
		  u16 n1, u16 alg2, const u8 *d2, u16 n2)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_PCR_Extend);
	cb_u32(&c, pcr);
	cb_pw_auth(&c, 1);
	cb_u32(&c, alg2 ? 2 : 1);
	cb_u16(&c, alg1);
	cb_bytes(&c, d1, n1);
	if (alg2) {
		cb_u16(&c, alg2);
		cb_bytes(&c, d2, n2);
	}
	cb_end(&c);
	return run(e, &c, &r);
}

static u32 event(struct vtpm_engine *e, u32 pcr, const void *data, u16 len,
		 struct rspbuf *r)
{
	struct cmdbuf c;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_PCR_Event);
	cb_u32(&c, pcr);
	cb_pw_auth(&c, 1);
	cb_tpm2b(&c, data, len);
	cb_end(&c);
	return run(e, &c, r);
}

static void test_extend(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	u8 d1[20], d256[32], d384[48], exp1[20] = { 0 }, exp256[32] = { 0 };
	u8 got[64];
	int i;

	for (i = 0; i < 3; i++) {
		memset(d1, 0x11 * (i + 1), sizeof(d1));
		memset(d256, 0x22 * (i + 1), sizeof(d256));
		extend(e, 0, VTPM_ALG_SHA1, d1, 20, VTPM_ALG_SHA256, d256, 32);
		ossl_extend(EVP_sha1(), exp1, d1);
		ossl_extend(EVP_sha256(), exp256, d256);
	}
	ok(pcr_read1(e, VTPM_ALG_SHA1, 0, got) == 1 && !memcmp(got, exp1, 20),
	   "PCR_Extend x3: SHA-1 PCR 0 as OpenSSL computes it");
	ok(pcr_read1(e, VTPM_ALG_SHA256, 0, got) == 1 &&
	   !memcmp(got, exp256, 32),
	   "PCR_Extend x3: SHA-256 PCR 0 as OpenSSL computes it");
	memset(d384, 0x33, sizeof(d384));
	ok(extend(e, 1, VTPM_ALG_SHA384, d384, 48, 0, NULL, 0) == 0,
	   "PCR_Extend of the unallocated SHA-384 bank: accepted, ignored");
	ok(pcr_read1(e, VTPM_ALG_SHA384, 1, got) == 0,
	   "PCR_Read of the unallocated bank: no digest");
	ok(extend(e, 2, 0x0099, d1, 20, 0, NULL, 0) == 0x1C3,
	   "PCR_Extend with an unknown hash: HASH|P1 (0x1c3)");
	ok(extend(e, 2, VTPM_ALG_SHA256, d256, 20, 0, NULL, 0) == 0x1DA,
	   "PCR_Extend with a short digest: INSUFFICIENT|P1");
	ok(extend(e, 17, VTPM_ALG_SHA256, d256, 32, 0, NULL, 0) ==
	   VTPM_RC_LOCALITY, "PCR_Extend of PCR 17 (DRTM): TPM_RC_LOCALITY");
	ok(extend(e, VTPM_RH_NULL, VTPM_ALG_SHA256, d256, 32, 0, NULL, 0) == 0,
	   "PCR_Extend of TPM_RH_NULL: nothing happens");
	ok(pcr_read1(e, VTPM_ALG_SHA256, 17, got) == 1 && got[0] == 0xFF &&
	   got[31] == 0xFF, "PCR 17 starts as all ones");
	vtpm_engine_free(e);
}

static void test_event_reset(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_ALL);
	u8 data[1025], h1[20], h256[32], h384[48];
	u8 exp[48] = { 0 }, got[64];
	struct rspbuf r;
	struct cmdbuf c;

	memset(data, 'x', sizeof(data));
	ossl_hash(EVP_sha1(), data, 1024, h1);
	ossl_hash(EVP_sha256(), data, 1024, h256);
	ossl_hash(EVP_sha384(), data, 1024, h384);
	ok(event(e, 16, data, 1024, &r) == 0 && r.len == 10 + 4 + 4 +
	   (2 + 20) + (2 + 32) + (2 + 48) + 5 && vtpm_get_u32(r.b + 14) == 3,
	   "PCR_Event(1024 bytes): three digests");
	ok(!memcmp(r.b + 20, h1, 20) && !memcmp(r.b + 42, h256, 32) &&
	   !memcmp(r.b + 76, h384, 48),
	   "PCR_Event: the digests are H(data) as OpenSSL computes them");
	ossl_extend(EVP_sha384(), exp, h384);
	ok(pcr_read1(e, VTPM_ALG_SHA384, 16, got) == 1 &&
	   !memcmp(got, exp, 48), "PCR_Event: SHA-384 PCR 16 extended");
	ok(event(e, 16, data, 1025, &r) == 0x1D5,
	   "PCR_Event(1025 bytes): SIZE|P1");
	ok(event(e, 20, data, 10, &r) == VTPM_RC_LOCALITY,
	   "PCR_Event of PCR 20: TPM_RC_LOCALITY");
	ok(event(e, VTPM_RH_NULL, data, 10, &r) == 0 &&
	   vtpm_get_u32(r.b + 14) == 3,
	   "PCR_Event of TPM_RH_NULL: digests, no PCR");

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_PCR_Reset);
	cb_u32(&c, 16);
	cb_pw_auth(&c, 1);
	cb_end(&c);
	memset(exp, 0, sizeof(exp));
	ok(run(e, &c, &r) == 0 && pcr_read1(e, VTPM_ALG_SHA384, 16, got) == 1 &&
	   !memcmp(got, exp, 48), "PCR_Reset(16): back to zeros");
	vtpm_put_u32(c.b + 10, 23);
	ok(run(e, &c, &r) == 0, "PCR_Reset(23)");
	vtpm_put_u32(c.b + 10, 0);
	ok(run(e, &c, &r) == VTPM_RC_LOCALITY, "PCR_Reset(0): TPM_RC_LOCALITY");
	vtpm_engine_free(e);
}

static void test_read(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	struct cmdbuf c;
	struct rspbuf r;
	u32 counter;
	u8 d[32] = { 0 };

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_PCR_Read);
	cb_u32(&c, 2);
	cb_u16(&c, VTPM_ALG_SHA1);
	cb_u8(&c, 3);
	cb_bytes(&c, "\xff\x0f\x00", 3);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_u8(&c, 3);
	cb_bytes(&c, "\x01\x00\x00", 3);
	cb_end(&c);
	ok(run(e, &c, &r) == 0 && vtpm_get_u32(r.b + 14) == 2 &&
	   !memcmp(r.b + 21, "\xff\x00\x00", 3) &&
	   !memcmp(r.b + 27, "\x00\x00\x00", 3) &&
	   vtpm_get_u32(r.b + 30) == 8,
	   "PCR_Read of 13 PCRs: 8 digests, the selection says which");
	counter = vtpm_get_u32(r.b + 10);
	extend(e, 3, VTPM_ALG_SHA256, d, 32, 0, NULL, 0);
	ok(run(e, &c, &r) == 0 && vtpm_get_u32(r.b + 10) == counter + 1,
	   "pcrUpdateCounter moves with PCR_Extend");
	extend(e, 16, VTPM_ALG_SHA256, d, 32, 0, NULL, 0);
	ok(run(e, &c, &r) == 0 && vtpm_get_u32(r.b + 10) == counter + 1,
	   "... but not for PCR 16");
	vtpm_put_u16(c.b + 14, 0x0099);
	ok(run(e, &c, &r) == 0x1C3, "PCR_Read of hash 0x99: HASH|P1");
	vtpm_put_u16(c.b + 14, VTPM_ALG_SHA1);
	c.b[16] = 4;
	ok(run(e, &c, &r) == 0x1C4, "PCR_Read with sizeofSelect 4: VALUE|P1");
	vtpm_put_u32(c.b + 10, 5);
	ok(run(e, &c, &r) == 0x1D5, "PCR_Read of 5 banks: SIZE|P1");
	vtpm_engine_free(e);
}

int main(void)
{
	printf("TAP version 13\n");
	test_extend();
	test_event_reset();
	test_read();
	return tap_done();
}
