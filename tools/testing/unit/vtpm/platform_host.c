// SPDX-License-Identifier: GPL-2.0
/*
 * platform_host.c - the engine's platform (platform.h) on the host, over
 * OpenSSL's libcrypto, for the unit tests, the fuzzer and vtpm-sim.
 *
 * Running hashes use the low-level SHA*_CTX structures (API level 1.1 so
 * that OpenSSL 3 does not flag them), because a hash sequence's state
 * must be exported into a context blob and imported again: the export is
 * the structure itself.
 */
#include <stdlib.h>
#include <time.h>

#include <openssl/aes.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "platform.h"

_Static_assert(sizeof(SHA512_CTX) <= VTPM_HASH_EXPORT_MAX, "export room");
_Static_assert(sizeof(SHA512_CTX) <= VTPM_HASH_CTX_SIZE, "context room");
_Static_assert(sizeof(AES_KEY) <= sizeof(struct vtpm_aes_key), "aes room");

static size_t ctx_size(enum vtpm_hash alg)
{
	switch (alg) {
	case VTPM_HASH_SHA1:
		return sizeof(SHA_CTX);
	case VTPM_HASH_SHA256:
		return sizeof(SHA256_CTX);
	case VTPM_HASH_SHA384:
	case VTPM_HASH_SHA512:
		return sizeof(SHA512_CTX);
	default:
		return 0;
	}
}

int vtpm_plat_hash_init(struct vtpm_hash_ctx *ctx, enum vtpm_hash alg)
{
	void *p = ctx->priv;
	int ok;

	ctx->alg = alg;
	switch (alg) {
	case VTPM_HASH_SHA1:
		ok = SHA1_Init(p);
		break;
	case VTPM_HASH_SHA256:
		ok = SHA256_Init(p);
		break;
	case VTPM_HASH_SHA384:
		ok = SHA384_Init(p);
		break;
	case VTPM_HASH_SHA512:
		ok = SHA512_Init(p);
		break;
	default:
		return -1;
	}
	return ok ? 0 : -1;
}

int vtpm_plat_hash_update(struct vtpm_hash_ctx *ctx, const void *data,
			  size_t len)
{
	void *p = ctx->priv;
	int ok;

	if (!len)
		return 0;
	switch (ctx->alg) {
	case VTPM_HASH_SHA1:
		ok = SHA1_Update(p, data, len);
		break;
	case VTPM_HASH_SHA256:
		ok = SHA256_Update(p, data, len);
		break;
	case VTPM_HASH_SHA384:
		ok = SHA384_Update(p, data, len);
		break;
	case VTPM_HASH_SHA512:
		ok = SHA512_Update(p, data, len);
		break;
	default:
		return -1;
	}
	return ok ? 0 : -1;
}

int vtpm_plat_hash_final(struct vtpm_hash_ctx *ctx, u8 *out)
{
	void *p = ctx->priv;
	int ok;

	switch (ctx->alg) {
	case VTPM_HASH_SHA1:
		ok = SHA1_Final(out, p);
		break;
	case VTPM_HASH_SHA256:
		ok = SHA256_Final(out, p);
		break;
	case VTPM_HASH_SHA384:
		ok = SHA384_Final(out, p);
		break;
	case VTPM_HASH_SHA512:
		ok = SHA512_Final(out, p);
		break;
	default:
		return -1;
	}
	OPENSSL_cleanse(ctx->priv, sizeof(ctx->priv));
	return ok ? 0 : -1;
}

int vtpm_plat_hash_export(const struct vtpm_hash_ctx *ctx, u8 *out,
			  size_t *len)
{
	size_t n = ctx_size(ctx->alg);

	if (!n)
		return -1;
	memcpy(out, ctx->priv, n);
	*len = n;
	return 0;
}

int vtpm_plat_hash_import(struct vtpm_hash_ctx *ctx, enum vtpm_hash alg,
			  const u8 *in, size_t len)
{
	size_t n = ctx_size(alg);

	if (!n || len != n)
		return -1;
	memset(ctx, 0, sizeof(*ctx));
	ctx->alg = alg;
	memcpy(ctx->priv, in, n);
	return 0;
}

int vtpm_plat_aes_setkey(struct vtpm_aes_key *k, const u8 *key,
			 size_t key_len)
{
	if (key_len != 16 && key_len != 32)
		return -1;
	return AES_set_encrypt_key(key, key_len * 8, (AES_KEY *)k->priv) ?
	       -1 : 0;
}

void vtpm_plat_aes_encrypt(const struct vtpm_aes_key *k, u8 *out,
			   const u8 *in)
{
	AES_encrypt(in, out, (const AES_KEY *)k->priv);
}

void vtpm_plat_random(void *buf, size_t len)
{
	if (RAND_bytes(buf, len) != 1)
		abort();
}

u64 vtpm_plat_time_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *vtpm_plat_zalloc(size_t size)
{
	return calloc(1, size);
}

void vtpm_plat_free(void *p, size_t size)
{
	if (!p)
		return;
	OPENSSL_cleanse(p, size);
	free(p);
}

void vtpm_plat_memzero(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}

int vtpm_plat_memcmp_ct(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len);
}
