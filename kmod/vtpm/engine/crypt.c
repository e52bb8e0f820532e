// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's symmetric cryptography, built on the platform's hash and
 * AES block primitives (platform.h): hash algorithm ids, HMAC (RFC 2104),
 * the TPM's key derivation functions KDFa (SP800-108 counter mode with
 * HMAC) and KDFe (SP800-56A concatenation KDF), AES in CFB-128 mode, and
 * the pieces of session HMACs and of parameter encryption built on them.
 * Both builds (vtpm.ko and the host library) run this same code.
 */
#include "internal.h"

#define IPAD	0x36
#define OPAD	0x5c

struct hash_info {
	u16 alg;
	u16 size;
	u16 block;
};

static const struct hash_info hashes[VTPM_HASH_COUNT] = {
	[VTPM_HASH_SHA1]	= { VTPM_ALG_SHA1,   20,  64 },
	[VTPM_HASH_SHA256]	= { VTPM_ALG_SHA256, 32,  64 },
	[VTPM_HASH_SHA384]	= { VTPM_ALG_SHA384, 48, 128 },
	[VTPM_HASH_SHA512]	= { VTPM_ALG_SHA512, 64, 128 },
};

/**
 * vtpm_hash_from_alg - the engine's hash of a TPM_ALG_ID
 * @alg: TPM_ALG_ID
 *
 * Return: an enum vtpm_hash, or -1 when @alg is no hash the engine has.
 */
int vtpm_hash_from_alg(u16 alg)
{
	int i;

	for (i = 0; i < VTPM_HASH_COUNT; i++)
		if (hashes[i].alg == alg)
			return i;
	return -1;
}

u16 vtpm_hash_alg(enum vtpm_hash h)
{
	return (unsigned int)h < VTPM_HASH_COUNT ? hashes[h].alg : VTPM_ALG_NULL;
}

u16 vtpm_hash_size(enum vtpm_hash h)
{
	return (unsigned int)h < VTPM_HASH_COUNT ? hashes[h].size : 0;
}

u16 vtpm_hash_block(enum vtpm_hash h)
{
	return (unsigned int)h < VTPM_HASH_COUNT ? hashes[h].block : 0;
}

u16 vtpm_alg_digest_size(u16 alg)
{
	int h = vtpm_hash_from_alg(alg);

	return h < 0 ? 0 : hashes[h].size;
}

int vtpm_hash_buf(enum vtpm_hash h, const void *data, size_t len, u8 *out)
{
	struct vtpm_hash_ctx ctx;
	int ret;

	ret = vtpm_plat_hash_init(&ctx, h);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, data, len);
	if (!ret)
		ret = vtpm_plat_hash_final(&ctx, out);
	vtpm_plat_memzero(&ctx, sizeof(ctx));
	return ret;
}

/**
 * vtpm_hmac_init - starts an HMAC
 * @m: the HMAC state
 * @h: its hash
 * @key: the key, any length (hashed first when longer than a block)
 * @key_len: its length; 0 is valid (the TPM's empty keys)
 *
 * Return: 0, or negative for an unknown hash or a platform failure.
 */
int vtpm_hmac_init(struct vtpm_hmac *m, enum vtpm_hash h, const u8 *key,
		   size_t key_len)
{
	u8 ikey[VTPM_HASH_MAX_BLOCK];
	u16 block = vtpm_hash_block(h);
	unsigned int i;
	int ret;

	if (!block)
		return -1;
	m->h = h;
	memset(m->okey, 0, sizeof(m->okey));
	if (key_len > block) {
		ret = vtpm_hash_buf(h, key, key_len, m->okey);
		if (ret)
			return ret;
	} else if (key_len) {
		memcpy(m->okey, key, key_len);
	}
	for (i = 0; i < block; i++) {
		ikey[i] = m->okey[i] ^ IPAD;
		m->okey[i] ^= OPAD;
	}
	ret = vtpm_plat_hash_init(&m->inner, h);
	if (!ret)
		ret = vtpm_plat_hash_update(&m->inner, ikey, block);
	vtpm_plat_memzero(ikey, sizeof(ikey));
	return ret;
}

int vtpm_hmac_update(struct vtpm_hmac *m, const void *data, size_t len)
{
	return vtpm_plat_hash_update(&m->inner, data, len);
}

/*
 * Writes the MAC (the hash's digest size) and wipes @m. The inner
 * context is reused for the outer hash to keep the stack small.
 */
int vtpm_hmac_final(struct vtpm_hmac *m, u8 *out)
{
	u8 inner[VTPM_HASH_MAX_DIGEST];
	u16 size = vtpm_hash_size(m->h);
	int ret;

	ret = vtpm_plat_hash_final(&m->inner, inner);
	if (!ret)
		ret = vtpm_plat_hash_init(&m->inner, m->h);
	if (!ret)
		ret = vtpm_plat_hash_update(&m->inner, m->okey,
					    vtpm_hash_block(m->h));
	if (!ret)
		ret = vtpm_plat_hash_update(&m->inner, inner, size);
	if (!ret)
		ret = vtpm_plat_hash_final(&m->inner, out);
	vtpm_plat_memzero(inner, sizeof(inner));
	vtpm_plat_memzero(m, sizeof(*m));
	return ret;
}

int vtpm_hmac_buf(enum vtpm_hash h, const u8 *key, size_t key_len,
		  const void *data, size_t len, u8 *out)
{
	struct vtpm_hmac m;
	int ret;

	ret = vtpm_hmac_init(&m, h, key, key_len);
	if (!ret)
		ret = vtpm_hmac_update(&m, data, len);
	if (!ret)
		return vtpm_hmac_final(&m, out);
	vtpm_plat_memzero(&m, sizeof(m));
	return ret;
}

/* one piece of a KDF's fixed input */
struct kdf_part {
	const void *p;
	size_t len;
};

/*
 * SP800-108 KDF in counter mode, HMAC as the PRF, a 32-bit counter
 * starting at 1 before the fixed input (the concatenation of @parts).
 * Writes @out_len bytes to @out, or XORs them into @out when @xor is set.
 */
static int kdf108(enum vtpm_hash h, const u8 *key, size_t key_len,
		  const struct kdf_part *parts, unsigned int nparts,
		  u8 *out, size_t out_len, bool xor)
{
	u8 block[VTPM_HASH_MAX_DIGEST];
	u16 size = vtpm_hash_size(h);
	struct vtpm_hmac m;
	u8 ctr[4];
	u32 i;
	unsigned int j;
	size_t n;
	int ret = 0;

	if (!size)
		return -1;
	for (i = 1; out_len && !ret; i++) {
		vtpm_put_u32(ctr, i);
		ret = vtpm_hmac_init(&m, h, key, key_len);
		if (!ret)
			ret = vtpm_hmac_update(&m, ctr, 4);
		for (j = 0; j < nparts && !ret; j++)
			ret = vtpm_hmac_update(&m, parts[j].p, parts[j].len);
		if (!ret)
			ret = vtpm_hmac_final(&m, block);
		n = min_t(size_t, out_len, size);
		for (j = 0; j < n; j++)
			out[j] = xor ? out[j] ^ block[j] : block[j];
		out += n;
		out_len -= n;
	}
	vtpm_plat_memzero(&m, sizeof(m));
	vtpm_plat_memzero(block, sizeof(block));
	return ret;
}

int vtpm_kdf108(enum vtpm_hash h, const u8 *key, size_t key_len,
		const u8 *fixed, size_t fixed_len, u8 *out, size_t out_len)
{
	struct kdf_part part = { fixed, fixed_len };

	return kdf108(h, key, key_len, &part, 1, out, out_len, false);
}

static size_t label_len(const char *label)
{
	return label ? strlen(label) + 1 : 0;
}

/*
 * A TPM KDF's output is whole bytes; when @bits is no multiple of 8,
 * the excess high bits of the first byte are cleared (Part 1, KDFa).
 */
static void kdf_mask(u8 *out, u32 bits)
{
	if (bits % 8)
		out[0] &= (1u << (bits % 8)) - 1;
}

/**
 * vtpm_kdfa - the TPM's KDFa
 * @h: the hash of the HMAC
 * @key: the key, any length (empty too)
 * @key_len: its length
 * @label: a NUL-terminated label; the NUL is hashed too
 * @u: contextU, may be NULL when @u_len is 0
 * @u_len: its length
 * @v: contextV, may be NULL when @v_len is 0
 * @v_len: its length
 * @bits: bits to derive; (@bits + 7) / 8 bytes are written to @out
 * @out: the output
 *
 * Return: 0, or negative for an unknown hash or zero @bits.
 */
int vtpm_kdfa(enum vtpm_hash h, const u8 *key, size_t key_len,
	      const char *label, const u8 *u, size_t u_len, const u8 *v,
	      size_t v_len, u32 bits, u8 *out)
{
	u8 l[4];
	struct kdf_part parts[] = {
		{ label, label_len(label) },
		{ u, u_len },
		{ v, v_len },
		{ l, 4 },
	};
	int ret;

	if (!bits)
		return -1;
	vtpm_put_u32(l, bits);
	ret = kdf108(h, key, key_len, parts, ARRAY_SIZE(parts), out,
		     (bits + 7) / 8, false);
	if (!ret)
		kdf_mask(out, bits);
	return ret;
}

/**
 * vtpm_kdfa_xor - XOR parameter obfuscation (Part 1, "XOR")
 * @h: the session's hash
 * @key: sessionKey || authValue
 * @key_len: its length
 * @u: nonceNewer
 * @u_len: its length
 * @v: nonceOlder
 * @v_len: its length
 * @buf: the parameter's bytes, obfuscated in place (the same call undoes
 *	 it)
 * @len: their count
 *
 * XORs @buf with KDFa(@h, @key, "XOR", @u, @v, @len * 8).
 *
 * Return: 0, or negative for an unknown hash.
 */
int vtpm_kdfa_xor(enum vtpm_hash h, const u8 *key, size_t key_len,
		  const u8 *u, size_t u_len, const u8 *v, size_t v_len,
		  u8 *buf, size_t len)
{
	u8 l[4];
	struct kdf_part parts[] = {
		{ "XOR", 4 },
		{ u, u_len },
		{ v, v_len },
		{ l, 4 },
	};

	if (!len)
		return 0;
	vtpm_put_u32(l, (u32)len * 8);
	return kdf108(h, key, key_len, parts, ARRAY_SIZE(parts), buf, len,
		      true);
}

/**
 * vtpm_kdfe - the TPM's KDFe (SP800-56A concatenation KDF)
 * @h: the hash
 * @z: the shared secret (an ECDH point's x coordinate)
 * @z_len: its length
 * @label: a NUL-terminated label; the NUL is hashed too
 * @u: PartyUInfo (the ephemeral key's x), may be NULL when @u_len is 0
 * @u_len: its length
 * @v: PartyVInfo (the TPM key's x), may be NULL when @v_len is 0
 * @v_len: its length
 * @bits: bits to derive; (@bits + 7) / 8 bytes are written to @out
 * @out: the output
 *
 * Each block is H([i]32 || Z || label || U || V), i from 1.
 *
 * Return: 0, or negative for an unknown hash or zero @bits.
 */
int vtpm_kdfe(enum vtpm_hash h, const u8 *z, size_t z_len, const char *label,
	      const u8 *u, size_t u_len, const u8 *v, size_t v_len, u32 bits,
	      u8 *out)
{
	u8 block[VTPM_HASH_MAX_DIGEST];
	u16 size = vtpm_hash_size(h);
	struct vtpm_hash_ctx ctx;
	size_t n, left = (bits + 7) / 8;
	u8 *p = out;
	u8 ctr[4];
	u32 i;
	int ret = 0;

	if (!size || !bits)
		return -1;
	for (i = 1; left && !ret; i++) {
		vtpm_put_u32(ctr, i);
		ret = vtpm_plat_hash_init(&ctx, h);
		if (!ret)
			ret = vtpm_plat_hash_update(&ctx, ctr, 4);
		if (!ret)
			ret = vtpm_plat_hash_update(&ctx, z, z_len);
		if (!ret)
			ret = vtpm_plat_hash_update(&ctx, label,
						    label_len(label));
		if (!ret)
			ret = vtpm_plat_hash_update(&ctx, u, u_len);
		if (!ret)
			ret = vtpm_plat_hash_update(&ctx, v, v_len);
		if (!ret)
			ret = vtpm_plat_hash_final(&ctx, block);
		n = min_t(size_t, left, size);
		memcpy(p, block, n);
		p += n;
		left -= n;
	}
	vtpm_plat_memzero(&ctx, sizeof(ctx));
	vtpm_plat_memzero(block, sizeof(block));
	if (!ret)
		kdf_mask(out, bits);
	return ret;
}

/*
 * CFB-128 (SP800-38A): each ciphertext block is the plaintext XOR
 * AES(previous ciphertext block), the first one AES(IV). A last partial
 * block uses the leading bytes of the keystream.
 */
static int cfb(const u8 *key, size_t key_len, const u8 *iv, u8 *buf,
	       size_t len, bool decrypt)
{
	struct vtpm_aes_key k;
	u8 reg[16], ks[16];
	size_t i, n;
	int ret;

	ret = vtpm_plat_aes_setkey(&k, key, key_len);
	if (ret)
		return ret;
	memcpy(reg, iv, 16);
	while (len) {
		vtpm_plat_aes_encrypt(&k, ks, reg);
		n = min_t(size_t, len, 16);
		for (i = 0; i < n; i++) {
			if (decrypt)
				reg[i] = buf[i];
			buf[i] ^= ks[i];
			if (!decrypt)
				reg[i] = buf[i];
		}
		buf += n;
		len -= n;
	}
	vtpm_plat_memzero(&k, sizeof(k));
	vtpm_plat_memzero(ks, sizeof(ks));
	vtpm_plat_memzero(reg, sizeof(reg));
	return 0;
}

int vtpm_cfb_encrypt(const u8 *key, size_t key_len, const u8 *iv, u8 *buf,
		     size_t len)
{
	return cfb(key, key_len, iv, buf, len, false);
}

int vtpm_cfb_decrypt(const u8 *key, size_t key_len, const u8 *iv, u8 *buf,
		     size_t len)
{
	return cfb(key, key_len, iv, buf, len, true);
}

/* rpHash = H(TPM_RC_SUCCESS || commandCode || rpBuffer) */
int vtpm_rp_hash(enum vtpm_hash h, u32 cc, const u8 *rp, u32 rp_len,
		 u8 *out)
{
	struct vtpm_hash_ctx ctx;
	u8 hdr[8];
	int ret;

	vtpm_put_u32(hdr, 0);
	vtpm_put_u32(hdr + 4, cc);
	ret = vtpm_plat_hash_init(&ctx, h);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, hdr, 8);
	if (!ret)
		ret = vtpm_plat_hash_update(&ctx, rp, rp_len);
	if (!ret)
		ret = vtpm_plat_hash_final(&ctx, out);
	vtpm_plat_memzero(&ctx, sizeof(ctx));
	return ret;
}

/**
 * vtpm_auth_hmac - a session's command or response HMAC
 * @h: the session's hash
 * @key: sessionKey || authValue (either may be empty)
 * @key_len: its length
 * @phash: cpHash or rpHash (a digest of @h)
 * @newer: nonceCaller (command) or nonceTPM (response)
 * @older: nonceTPM (command) or nonceCaller (response)
 * @dec: the decrypt session's nonceTPM, or NULL
 * @enc: the encrypt session's nonceTPM, or NULL
 * @attrs: sessionAttributes
 * @out: the HMAC (a digest of @h)
 *
 * Part 1, "HMAC computation": HMAC(key, pHash || newer || older ||
 * [dec] || [enc] || attrs).
 *
 * Return: 0, or negative on a platform failure.
 */
int vtpm_auth_hmac(enum vtpm_hash h, const u8 *key, size_t key_len,
		   const u8 *phash, const struct vtpm_digest *newer,
		   const struct vtpm_digest *older,
		   const struct vtpm_digest *dec,
		   const struct vtpm_digest *enc, u8 attrs, u8 *out)
{
	struct vtpm_hmac m;
	int ret;

	ret = vtpm_hmac_init(&m, h, key, key_len);
	if (!ret)
		ret = vtpm_hmac_update(&m, phash, vtpm_hash_size(h));
	if (!ret)
		ret = vtpm_hmac_update(&m, newer->buf, newer->size);
	if (!ret)
		ret = vtpm_hmac_update(&m, older->buf, older->size);
	if (!ret && dec)
		ret = vtpm_hmac_update(&m, dec->buf, dec->size);
	if (!ret && enc)
		ret = vtpm_hmac_update(&m, enc->buf, enc->size);
	if (!ret)
		ret = vtpm_hmac_update(&m, &attrs, 1);
	if (!ret)
		return vtpm_hmac_final(&m, out);
	vtpm_plat_memzero(&m, sizeof(m));
	return ret;
}

/**
 * vtpm_param_cipher - session-based parameter encryption (Part 1)
 * @h: the session's hash
 * @sym_alg: VTPM_ALG_AES (CFB) or VTPM_ALG_XOR
 * @sym_bits: the AES key bits
 * @key: sessionKey || authValue
 * @key_len: its length
 * @newer: nonceCaller for a command, nonceTPM for a response
 * @older: the other nonce
 * @buf: the parameter's bytes (after its size), en- or decrypted in place
 * @len: their count
 * @decrypt: decrypt (else encrypt)
 *
 * AES: key and IV are KDFa(@h, @key, "CFB", @newer, @older, @sym_bits +
 * 128), CFB-128 over @buf. XOR: @buf ^= KDFa(@h, @key, "XOR", @newer,
 * @older, @len * 8).
 *
 * Return: 0, or negative for an unknown algorithm or a platform failure.
 */
int vtpm_param_cipher(enum vtpm_hash h, u16 sym_alg, u16 sym_bits,
		      const u8 *key, size_t key_len,
		      const struct vtpm_digest *newer,
		      const struct vtpm_digest *older, u8 *buf, size_t len,
		      bool decrypt)
{
	u8 kiv[32 + 16];
	u16 kbytes = sym_bits / 8;
	int ret;

	if (sym_alg == VTPM_ALG_XOR)
		return vtpm_kdfa_xor(h, key, key_len, newer->buf, newer->size,
				     older->buf, older->size, buf, len);
	if (sym_alg != VTPM_ALG_AES || (kbytes != 16 && kbytes != 32))
		return -1;
	ret = vtpm_kdfa(h, key, key_len, "CFB", newer->buf, newer->size,
			older->buf, older->size, sym_bits + 128, kiv);
	if (!ret && decrypt)
		ret = vtpm_cfb_decrypt(kiv, kbytes, kiv + kbytes, buf, len);
	else if (!ret)
		ret = vtpm_cfb_encrypt(kiv, kbytes, kiv + kbytes, buf, len);
	vtpm_plat_memzero(kiv, sizeof(kiv));
	return ret;
}
