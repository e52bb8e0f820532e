/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the engine needs from its host: hashing, one AES block, random
 * bytes, a millisecond clock, memory. kmod/vtpm/platform.c implements it
 * with kernel crypto (shash, the AES library, get_random_bytes);
 * tools/testing/unit/vtpm/platform_host.c with OpenSSL's libcrypto.
 *
 * HMAC, KDFa and CFB mode are built by the engine on top of these
 * (engine/crypt.c), so both builds compute them with the same code.
 */
#ifndef VTPM_ENGINE_PLATFORM_H
#define VTPM_ENGINE_PLATFORM_H

#include "port.h"

/* Hash functions the engine knows, by index (not by TPM_ALG_ID). */
enum vtpm_hash {
	VTPM_HASH_SHA1,
	VTPM_HASH_SHA256,
	VTPM_HASH_SHA384,
	VTPM_HASH_SHA512,
	VTPM_HASH_COUNT,
};

#define VTPM_HASH_MAX_DIGEST	64	/* SHA-512 */
#define VTPM_HASH_MAX_BLOCK	128	/* SHA-384/512 */
/* room for a running hash's state in an engine object */
#define VTPM_HASH_CTX_SIZE	384
/* room for a running hash's state saved into a context blob */
#define VTPM_HASH_EXPORT_MAX	256

/**
 * struct vtpm_hash_ctx - one running hash
 * @alg: enum vtpm_hash
 * @priv: the platform's state; the engine never looks inside
 */
struct vtpm_hash_ctx {
	u32 alg;
	u64 priv[VTPM_HASH_CTX_SIZE / 8];
};

/* All return 0 on success, a negative number on failure (the engine then
 * answers TPM_RC_FAILURE). None sleeps for long; none may fail for valid
 * arguments once vtpm_plat_init() has succeeded. */
int vtpm_plat_hash_init(struct vtpm_hash_ctx *ctx, enum vtpm_hash alg);
int vtpm_plat_hash_update(struct vtpm_hash_ctx *ctx, const void *data,
			  size_t len);
/* writes the digest; the context is finished (init again to reuse) */
int vtpm_plat_hash_final(struct vtpm_hash_ctx *ctx, u8 *out);
/* a running state to bytes and back (same build, same kernel only) */
int vtpm_plat_hash_export(const struct vtpm_hash_ctx *ctx, u8 *out,
			  size_t *len);
int vtpm_plat_hash_import(struct vtpm_hash_ctx *ctx, enum vtpm_hash alg,
			  const u8 *in, size_t len);

/* AES with a 128- or 256-bit key: expand once, encrypt single blocks. */
struct vtpm_aes_key {
	u64 priv[64];	/* the platform's expanded key */
};
int vtpm_plat_aes_setkey(struct vtpm_aes_key *k, const u8 *key,
			 size_t key_len);
void vtpm_plat_aes_encrypt(const struct vtpm_aes_key *k, u8 *out,
			   const u8 *in);

/* cryptographically strong random bytes */
void vtpm_plat_random(void *buf, size_t len);

/* milliseconds of a monotonic clock (ReadClock's time) */
u64 vtpm_plat_time_ms(void);

/* zeroed memory; the engine frees with the size it allocated */
void *vtpm_plat_zalloc(size_t size);
/* clears the memory before it returns it */
void vtpm_plat_free(void *p, size_t size);
/* a memset that the compiler may not remove */
void vtpm_plat_memzero(void *p, size_t len);
/* constant-time comparison: 0 when equal */
int vtpm_plat_memcmp_ct(const void *a, const void *b, size_t len);

#endif /* VTPM_ENGINE_PLATFORM_H */
