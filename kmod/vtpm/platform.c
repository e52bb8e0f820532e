// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's platform (engine/platform.h) on kernel crypto: one shash
 * transform per hash, allocated at module load and shared by every
 * instance (an shash tfm holds no per-request state, so concurrent use
 * through separate descriptors is safe); the AES library for single
 * blocks; get_random_bytes(); the boot-time clock; kvzalloc().
 *
 * A running hash is a struct shash_desc built inside the engine's
 * struct vtpm_hash_ctx; vtpm_plat_init() refuses to load when a
 * transform the crypto API picked (generic C or an accelerated driver)
 * needs more room than the engine reserved.
 */
#include <crypto/aes.h>
#include <crypto/algapi.h>
#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "engine/platform.h"
#include "plat.h"

static const char *const hash_names[VTPM_HASH_COUNT] = {
	[VTPM_HASH_SHA1] = "sha1",
	[VTPM_HASH_SHA256] = "sha256",
	[VTPM_HASH_SHA384] = "sha384",
	[VTPM_HASH_SHA512] = "sha512",
};

/* Written once by vtpm_plat_init(), read-only afterwards. */
static struct crypto_shash *hash_tfm[VTPM_HASH_COUNT];

static struct shash_desc *ctx_desc(struct vtpm_hash_ctx *ctx)
{
	return (struct shash_desc *)ctx->priv;
}

/* Room check for one transform; the message names the driver. */
static int check_tfm(struct crypto_shash *tfm, const char *name)
{
	size_t desc = sizeof(struct shash_desc) + crypto_shash_descsize(tfm);
	size_t state = crypto_shash_statesize(tfm);

	if (desc > sizeof_field(struct vtpm_hash_ctx, priv) ||
	    state > VTPM_HASH_EXPORT_MAX) {
		pr_err("%s (driver %s): descriptor %zu bytes (room %zu), state %zu bytes (room %d): raise VTPM_HASH_CTX_SIZE/VTPM_HASH_EXPORT_MAX\n",
		       name, crypto_shash_driver_name(tfm), desc,
		       sizeof_field(struct vtpm_hash_ctx, priv), state,
		       VTPM_HASH_EXPORT_MAX);
		return -EOVERFLOW;
	}
	return 0;
}

/**
 * vtpm_plat_init() - allocate the hash transforms
 *
 * Return: 0, or a negative errno (the reason is logged).
 */
int vtpm_plat_init(void)
{
	int i, ret;

	BUILD_BUG_ON(__alignof__(struct shash_desc) >
		     __alignof__(struct vtpm_hash_ctx));
	BUILD_BUG_ON(sizeof(struct crypto_aes_ctx) >
		     sizeof_field(struct vtpm_aes_key, priv));
	BUILD_BUG_ON(__alignof__(struct crypto_aes_ctx) >
		     __alignof__(struct vtpm_aes_key));

	for (i = 0; i < VTPM_HASH_COUNT; i++) {
		hash_tfm[i] = crypto_alloc_shash(hash_names[i], 0, 0);
		if (IS_ERR(hash_tfm[i])) {
			ret = PTR_ERR(hash_tfm[i]);
			hash_tfm[i] = NULL;
			pr_err("cannot allocate %s: %d\n", hash_names[i], ret);
			goto err;
		}
		ret = check_tfm(hash_tfm[i], hash_names[i]);
		if (ret)
			goto err;
	}
	return 0;
err:
	vtpm_plat_exit();
	return ret;
}

void vtpm_plat_exit(void)
{
	int i;

	for (i = 0; i < VTPM_HASH_COUNT; i++) {
		crypto_free_shash(hash_tfm[i]);	/* NULL is fine */
		hash_tfm[i] = NULL;
	}
}

int vtpm_plat_hash_init(struct vtpm_hash_ctx *ctx, enum vtpm_hash alg)
{
	struct shash_desc *desc = ctx_desc(ctx);

	if ((unsigned int)alg >= VTPM_HASH_COUNT)
		return -EINVAL;
	ctx->alg = alg;
	desc->tfm = hash_tfm[alg];
	return crypto_shash_init(desc);
}

int vtpm_plat_hash_update(struct vtpm_hash_ctx *ctx, const void *data,
			  size_t len)
{
	if (ctx->alg >= VTPM_HASH_COUNT || len > UINT_MAX)
		return -EINVAL;
	return crypto_shash_update(ctx_desc(ctx), data, len);
}

int vtpm_plat_hash_final(struct vtpm_hash_ctx *ctx, u8 *out)
{
	if (ctx->alg >= VTPM_HASH_COUNT)
		return -EINVAL;
	return crypto_shash_final(ctx_desc(ctx), out);
}

int vtpm_plat_hash_export(const struct vtpm_hash_ctx *ctx, u8 *out,
			  size_t *len)
{
	/* crypto_shash_export() takes a non-const descriptor; it reads only */
	struct shash_desc *desc = (struct shash_desc *)ctx->priv;
	size_t size;

	if (ctx->alg >= VTPM_HASH_COUNT)
		return -EINVAL;
	size = crypto_shash_statesize(hash_tfm[ctx->alg]);
	if (*len < size)
		return -ENOSPC;
	*len = size;
	return crypto_shash_export(desc, out);
}

int vtpm_plat_hash_import(struct vtpm_hash_ctx *ctx, enum vtpm_hash alg,
			  const u8 *in, size_t len)
{
	struct shash_desc *desc = ctx_desc(ctx);

	if ((unsigned int)alg >= VTPM_HASH_COUNT ||
	    len != crypto_shash_statesize(hash_tfm[alg]))
		return -EINVAL;
	ctx->alg = alg;
	desc->tfm = hash_tfm[alg];
	return crypto_shash_import(desc, in);
}

int vtpm_plat_aes_setkey(struct vtpm_aes_key *k, const u8 *key,
			 size_t key_len)
{
	if (key_len != AES_KEYSIZE_128 && key_len != AES_KEYSIZE_256)
		return -EINVAL;
	return aes_expandkey((struct crypto_aes_ctx *)k->priv, key, key_len);
}

void vtpm_plat_aes_encrypt(const struct vtpm_aes_key *k, u8 *out,
			   const u8 *in)
{
	aes_encrypt((const struct crypto_aes_ctx *)k->priv, out, in);
}

void vtpm_plat_random(void *buf, size_t len)
{
	get_random_bytes(buf, len);
}

/* Boot time: keeps counting across host suspend, as a TPM's clock would. */
u64 vtpm_plat_time_ms(void)
{
	return ktime_to_ms(ktime_get_boottime());
}

void *vtpm_plat_zalloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL_ACCOUNT);
}

void vtpm_plat_free(void *p, size_t size)
{
	kvfree_sensitive(p, size);
}

void vtpm_plat_memzero(void *p, size_t len)
{
	memzero_explicit(p, len);
}

int vtpm_plat_memcmp_ct(const void *a, const void *b, size_t len)
{
	return crypto_memneq(a, b, len) ? 1 : 0;
}
