/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine's shared internals: the state of one TPM, the parsed form
 * of a command, and what the engine's parts call of each other.
 *
 * Parts (one concern per .c/.h pair):
 *   dispatch.c   header, handle and auth areas; the command table; responses
 *   crypt.c      hash by TPM_ALG_ID, HMAC, KDFa, KDFe, AES-CFB, session
 *                HMACs and parameter encryption (over platform.h)
 *   misc.c       Startup, Shutdown, SelfTest, GetTestResult, GetRandom,
 *                StirRandom, ReadClock, TestParms
 *   cap.c        GetCapability
 *   pcr.c        PCR banks; PCR_Read/Extend/Event/Reset
 *   hash.c       Hash, HashSequenceStart, SequenceUpdate/Complete,
 *                EventSequenceComplete
 *   object.c     transient object slots (sequence objects now, keys later)
 *   hierarchy.c  hierarchy auth, proofs, Clear, HierarchyChangeAuth,
 *                HierarchyControl; entity auth/name/policy lookups
 *   context.c    ContextSave, ContextLoad, FlushContext
 *   session.c    the session table; StartAuthSession and session keys
 *   auth.c       authorization of commands (password, HMAC, policy);
 *                parameter encryption; response auth areas
 *   policy.c     PolicyPCR, PolicyGetDigest, PolicyRestart,
 *                PolicyAuthValue, PolicyPassword, PolicyCommandCode,
 *                PolicyOR
 */
#ifndef VTPM_ENGINE_INTERNAL_H
#define VTPM_ENGINE_INTERNAL_H

#include "engine.h"
#include "marshal.h"
#include "platform.h"
#include "tpm2.h"

#define VTPM_MAX_LOADED_OBJECTS		3
#define VTPM_MAX_LOADED_SESSIONS	3
#define VTPM_MAX_ACTIVE_SESSIONS	64
#define VTPM_MAX_HANDLES		3	/* per command */
#define VTPM_MAX_SESSIONS_PER_CMD	3
/* the largest TPMS_CONTEXT.contextBlob the engine takes (context.c) */
#define VTPM_CONTEXT_BLOB_MAX		1024
/* the largest TPMS_CONTEXT of an object (a sequence: kind, auth, hash,
 * first bytes, 3 exported hash states) and of a session (its handle) */
#define VTPM_OBJECT_CONTEXT_MAX		(18 + 34 + 1 + 66 + 4 + 1 + 4 + 1 + \
					 3 * (2 + VTPM_HASH_EXPORT_MAX))
#define VTPM_SESSION_CONTEXT_MAX	(18 + 34 + 4)

/* TPM2B_DIGEST, TPM2B_AUTH, TPM2B_NONCE */
struct vtpm_digest {
	u16 size;
	u8 buf[VTPM_HASH_MAX_DIGEST];
};

/* an entity's authPolicy: the digest and its hash (TPM_ALG_NULL: none) */
struct vtpm_auth_policy {
	u16 alg;
	struct vtpm_digest digest;
};

/* TPM2B_NAME: a handle (4 bytes) or nameAlg || digest */
struct vtpm_name {
	u16 size;
	u8 buf[2 + VTPM_HASH_MAX_DIGEST];
};

#include "object.h"
#include "session.h"
#include "auth.h"

/**
 * struct vtpm_auth - one session of a command's authorization area
 * @handle: session handle, or VTPM_RS_PW
 * @nonce: nonceCaller
 * @attrs: TPMA_SESSION
 * @hmac: the HMAC, or the password for VTPM_RS_PW and PolicyPassword
 * @sess: the loaded session, NULL for VTPM_RS_PW
 */
struct vtpm_auth {
	u32 handle;
	struct vtpm_digest nonce;
	u8 attrs;
	struct vtpm_digest hmac;
	struct vtpm_session *sess;
};

struct vtpm_cc_desc;

/**
 * struct vtpm_cmd - a command, parsed by the dispatcher
 * @cc: command code
 * @tag: VTPM_ST_SESSIONS or VTPM_ST_NO_SESSIONS
 * @desc: the command table's entry
 * @handles: the handle area, @nhandles of them (desc's cHandles)
 * @nauths: sessions in the authorization area
 * @auths: those sessions
 * @params: the parameter area (cpBuffer)
 * @params_len: its length
 */
struct vtpm_cmd {
	u32 cc;
	u16 tag;
	const struct vtpm_cc_desc *desc;
	u32 handles[VTPM_MAX_HANDLES];
	unsigned int nhandles;
	unsigned int nauths;
	struct vtpm_auth auths[VTPM_MAX_SESSIONS_PER_CMD];
	const u8 *params;
	u32 params_len;
};

/**
 * struct vtpm_engine - one TPM
 *
 * Permanent state (kept across TPM_Init; what migration will carry):
 * @banks: VTPM_BANK_* allocated
 * @owner_auth, @endorsement_auth, @lockout_auth, @platform_auth: hierarchy
 *	auth values (platform's is reset by Startup(CLEAR), as the spec says)
 * @owner_policy, @endorsement_policy, @lockout_policy, @platform_policy:
 *	hierarchy authPolicies (SetPrimaryPolicy; reset as the auth values)
 * @owner_proof, @endorsement_proof, @platform_proof, @null_proof: secret
 *	values keying tickets and context integrity; Clear changes the
 *	owner's, every TPM Reset the null hierarchy's
 * @context_key: secret of the context blobs' encryption and integrity
 * @disable_clear: TPMA_PERMANENT.disableClear
 * @reset_count, @restart_count, @clear_count: TPMS_CLOCK_INFO counters
 * @clock_ms: TPMS_CLOCK_INFO.clock at @clock_base_ms of the platform clock
 *
 * Volatile state:
 * @powered: TPM_Init done, Startup not yet (commands get RC_INITIALIZE)
 * @started: Startup succeeded
 * @orderly: the last Shutdown was orderly and nothing ran since
 * @shutdown_state: Shutdown(STATE) saved volatile state to restore
 * @startup_clear: TPMA_STARTUP_CLEAR (ph/sh/eh enable)
 * @selftest_done: SelfTest ran
 * @pcr: PCR values, by enum vtpm_hash bank, then index
 * @pcr_saved: PCR values saved by Shutdown(STATE)
 * @pcr_update_counter: bumped by every PCR change (policy sessions check it)
 * @objects: loaded transient objects
 * @sessions: the session table (loaded and saved sessions)
 * @param_buf: the parameters of the command running, decrypted by its
 *	decrypt session (vtpm_sess_authorize() points c->params here)
 * @context_counter: TPMS_CONTEXT.sequence of the next ContextSave
 * @stir: digest of StirRandom input, mixed into GetRandom output
 * @init_ms: platform clock at TPM_Init (TPMS_TIME_INFO.time counts from it)
 * @next_object: number of the next transient handle (0x80000000 | it)
 * @startup_clear_saved: @startup_clear as Shutdown(STATE) saved it
 * @test_done_full: a full SelfTest ran (GetTestResult)
 * @orderly_startup: the last Startup followed a matching orderly Shutdown
 *	(TPMA_STARTUP_CLEAR.orderly)
 * @scratch: room to decrypt a context blob (ContextLoad)
 * @cmd: the command being executed (kept here, off the kernel stack)
 */
struct vtpm_engine {
	u32 banks;
	struct vtpm_digest owner_auth;
	struct vtpm_digest endorsement_auth;
	struct vtpm_digest lockout_auth;
	struct vtpm_digest platform_auth;
	struct vtpm_auth_policy owner_policy;
	struct vtpm_auth_policy endorsement_policy;
	struct vtpm_auth_policy lockout_policy;
	struct vtpm_auth_policy platform_policy;
	u8 owner_proof[VTPM_HASH_MAX_DIGEST];
	u8 endorsement_proof[VTPM_HASH_MAX_DIGEST];
	u8 platform_proof[VTPM_HASH_MAX_DIGEST];
	u8 null_proof[VTPM_HASH_MAX_DIGEST];
	u8 context_key[32];
	bool disable_clear;
	u32 reset_count;
	u32 restart_count;
	u32 clear_count;
	u64 clock_ms;
	u64 clock_base_ms;

	bool powered;
	bool started;
	bool orderly;
	bool shutdown_state;
	u32 startup_clear;
	bool selftest_done;
	u8 pcr[VTPM_HASH_COUNT][VTPM_PCR_COUNT][VTPM_HASH_MAX_DIGEST];
	u8 pcr_saved[VTPM_HASH_COUNT][VTPM_PCR_COUNT][VTPM_HASH_MAX_DIGEST];
	u32 pcr_update_counter;
	struct vtpm_object objects[VTPM_MAX_LOADED_OBJECTS];
	struct vtpm_session sessions[VTPM_MAX_ACTIVE_SESSIONS];
	u8 param_buf[VTPM_BUF_SIZE];
	u64 context_counter;
	u8 stir[32];
	u64 init_ms;
	u32 next_object;
	u32 startup_clear_saved;
	bool test_done_full;
	bool orderly_startup;
	u8 scratch[VTPM_CONTEXT_BLOB_MAX];
	struct vtpm_cmd cmd;
};

/**
 * struct vtpm_rsp - what a handler answers
 * @handle: the response handle, when the command has one (desc's rHandle)
 * @out: the response parameters (rpBuffer); the dispatcher adds the
 *	 header, the handle, parameterSize and the auth area around it
 */
struct vtpm_rsp {
	u32 handle;
	struct vtpm_wr out;
};

/*
 * A command handler: reads c->params (with struct vtpm_rd, answering
 * vtpm_rc_param(VTPM_RC_INSUFFICIENT or _SIZE, n) when they are short or
 * too long), acts, writes r->out. Returns a TPM_RC; on an error the
 * dispatcher discards r->out and answers the bare code. Authorization
 * has been checked before the handler runs.
 */
typedef u32 (*vtpm_cmd_fn)(struct vtpm_engine *e, struct vtpm_cmd *c,
			   struct vtpm_rsp *r);

/* Who may authorize a command's handle (Part 3 "Auth Role"). */
enum vtpm_auth_role {
	VTPM_ROLE_NONE,		/* no authorization for this handle */
	VTPM_ROLE_USER,
	VTPM_ROLE_ADMIN,
	VTPM_ROLE_DUP,
};

/**
 * struct vtpm_cc_desc - one command of the command table (dispatch.c)
 * @cc: command code
 * @attrs: TPMA_CC without the command index (cHandles, rHandle, flushed,
 *	   nv, extensive): what GetCapability(COMMANDS) reports
 * @roles: auth role of each handle in the handle area
 * @hkinds: VTPM_HK_* the handle at each position may be (its TPMI type)
 * @flags: VTPM_CCF_*
 * @fn: the handler
 * @name: for debugging and the host tools
 */
struct vtpm_cc_desc {
	u32 cc;
	u32 attrs;
	u8 roles[VTPM_MAX_HANDLES];
	u16 hkinds[VTPM_MAX_HANDLES];
	u8 flags;
	vtpm_cmd_fn fn;
	const char *name;
};

/* What a handle of the handle area may be (struct vtpm_cc_desc.hkinds). */
#define VTPM_HK_PCR		(1u << 0)	/* 0..23 */
#define VTPM_HK_TRANSIENT	(1u << 1)	/* a loaded object */
#define VTPM_HK_PERSISTENT	(1u << 2)
#define VTPM_HK_NV		(1u << 3)
#define VTPM_HK_HMAC_SESS	(1u << 4)	/* a loaded HMAC session */
#define VTPM_HK_POLICY_SESS	(1u << 5)	/* a loaded policy session */
#define VTPM_HK_OWNER		(1u << 6)
#define VTPM_HK_ENDORSEMENT	(1u << 7)
#define VTPM_HK_PLATFORM	(1u << 8)
#define VTPM_HK_LOCKOUT		(1u << 9)
#define VTPM_HK_NULL		(1u << 10)	/* TPM_RH_NULL (the "+" types) */
#define VTPM_HK_OBJECT		(VTPM_HK_TRANSIENT | VTPM_HK_PERSISTENT)
#define VTPM_HK_HIERARCHY	(VTPM_HK_OWNER | VTPM_HK_ENDORSEMENT | \
				 VTPM_HK_PLATFORM)
#define VTPM_HK_ENTITY		(VTPM_HK_HIERARCHY | VTPM_HK_LOCKOUT | \
				 VTPM_HK_OBJECT | VTPM_HK_NV | VTPM_HK_PCR)

/* struct vtpm_cc_desc.flags */
#define VTPM_CCF_KEEPS_ORDERLY	(1u << 0)	/* reads state only: an orderly
						 * shutdown stays valid */

static inline unsigned int vtpm_cc_nhandles(const struct vtpm_cc_desc *d)
{
	return (d->attrs >> VTPM_CCA_CHANDLES_SHIFT) & 7;
}

/* dispatch.c: the command table, sorted by code (GetCapability reads it) */
extern const struct vtpm_cc_desc vtpm_cc_table[];
extern const unsigned int vtpm_cc_count;
const struct vtpm_cc_desc *vtpm_cc_find(u32 cc);

/*
 * dispatch.c: parameter helpers. Each returns 0 or the format-1 code of
 * parameter @n (1-based): a TPM2B over @max is TPM_RC_SIZE, a short one
 * TPM_RC_INSUFFICIENT. vtpm_param_end() answers TPM_RC_SIZE when bytes
 * are left after the last parameter.
 */
u32 vtpm_param_tpm2b(struct vtpm_rd *rd, const u8 **data, u16 *size,
		     u16 max, unsigned int n);
/* INSUFFICIENT for parameter @n when @rd ran out, else 0 */
u32 vtpm_param_check(const struct vtpm_rd *rd, unsigned int n);
u32 vtpm_param_end(const struct vtpm_rd *rd);
/* after the last parameter @n: vtpm_param_check(), then vtpm_param_end() */
u32 vtpm_param_last(const struct vtpm_rd *rd, unsigned int n);
/* parameters (TPM2B of at most @max bytes, TPMI_ALG_HASH+), and no more:
 * @alg the algorithm, @h its enum vtpm_hash or -1 for TPM_ALG_NULL */
u32 vtpm_param_2b_hash(struct vtpm_rd *rd, const u8 **data, u16 *size,
		       u16 max, u16 *alg, int *h);

/* misc.c */
void vtpm_misc_manufacture(struct vtpm_engine *e);

/* crypt.c: hashes by TPM_ALG_ID; HMAC; KDFa, KDFe; AES-CFB; session pieces */
int vtpm_hash_from_alg(u16 alg);	/* enum vtpm_hash, or -1 */
u16 vtpm_hash_alg(enum vtpm_hash h);	/* TPM_ALG_ID */
u16 vtpm_hash_size(enum vtpm_hash h);
u16 vtpm_hash_block(enum vtpm_hash h);
u16 vtpm_alg_digest_size(u16 alg);	/* 0 unless a supported hash */
int vtpm_hash_buf(enum vtpm_hash h, const void *data, size_t len, u8 *out);

/**
 * struct vtpm_hmac - a running HMAC
 * @h: hash
 * @inner: H(key ^ ipad || ...)
 * @okey: key ^ opad, for the outer hash
 */
struct vtpm_hmac {
	enum vtpm_hash h;
	struct vtpm_hash_ctx inner;
	u8 okey[VTPM_HASH_MAX_BLOCK];
};
int vtpm_hmac_init(struct vtpm_hmac *m, enum vtpm_hash h, const u8 *key,
		   size_t key_len);
int vtpm_hmac_update(struct vtpm_hmac *m, const void *data, size_t len);
int vtpm_hmac_final(struct vtpm_hmac *m, u8 *out);
/* one-shot HMAC of @data */
int vtpm_hmac_buf(enum vtpm_hash h, const u8 *key, size_t key_len,
		  const void *data, size_t len, u8 *out);
/*
 * SP800-108 counter-mode KDF with HMAC: [i]32 || @fixed per block, i from
 * 1; @out_len bytes. KDFa is this with fixed = label || 0 || U || V ||
 * [bits]32 (exposed for the NIST CAVP vectors).
 */
int vtpm_kdf108(enum vtpm_hash h, const u8 *key, size_t key_len,
		const u8 *fixed, size_t fixed_len, u8 *out, size_t out_len);
/*
 * KDFa (Part 1, SP800-108 counter mode with HMAC): @bits of output into
 * @out, from @key, @label (NUL-terminated; the NUL is part of the input),
 * @u and @v. Returns 0, or negative for an unsupported hash.
 */
int vtpm_kdfa(enum vtpm_hash h, const u8 *key, size_t key_len,
	      const char *label, const u8 *u, size_t u_len, const u8 *v,
	      size_t v_len, u32 bits, u8 *out);
/* XOR obfuscation: @buf ^= KDFa(@h, @key, "XOR", @u, @v, @len * 8) */
int vtpm_kdfa_xor(enum vtpm_hash h, const u8 *key, size_t key_len,
		  const u8 *u, size_t u_len, const u8 *v, size_t v_len,
		  u8 *buf, size_t len);
/*
 * KDFe (Part 1, SP800-56A concatenation KDF): blocks H([i]32 || @z ||
 * @label || 0 || @u || @v), i from 1; (@bits + 7) / 8 bytes into @out.
 * For ECC salts and secrets (@z: the shared point's x).
 */
int vtpm_kdfe(enum vtpm_hash h, const u8 *z, size_t z_len, const char *label,
	      const u8 *u, size_t u_len, const u8 *v, size_t v_len, u32 bits,
	      u8 *out);
/* rpHash = H(TPM_RC_SUCCESS || @cc || @rp) */
int vtpm_rp_hash(enum vtpm_hash h, u32 cc, const u8 *rp, u32 rp_len,
		 u8 *out);
/* HMAC(@key, @phash || @newer || @older || [@dec] || [@enc] || @attrs) */
int vtpm_auth_hmac(enum vtpm_hash h, const u8 *key, size_t key_len,
		   const u8 *phash, const struct vtpm_digest *newer,
		   const struct vtpm_digest *older,
		   const struct vtpm_digest *dec,
		   const struct vtpm_digest *enc, u8 attrs, u8 *out);
/* session parameter encryption, AES-CFB or XOR, in place */
int vtpm_param_cipher(enum vtpm_hash h, u16 sym_alg, u16 sym_bits,
		      const u8 *key, size_t key_len,
		      const struct vtpm_digest *newer,
		      const struct vtpm_digest *older, u8 *buf, size_t len,
		      bool decrypt);
/* AES-CFB-128 in place, with a 128- or 256-bit key and a 16-byte IV */
int vtpm_cfb_encrypt(const u8 *key, size_t key_len, const u8 *iv, u8 *buf,
		     size_t len);
int vtpm_cfb_decrypt(const u8 *key, size_t key_len, const u8 *iv, u8 *buf,
		     size_t len);

/* hierarchy.c: what sessions need to know about an entity */
u32 vtpm_entity_auth(struct vtpm_engine *e, u32 handle,
		     struct vtpm_digest *auth);
/* @alg is VTPM_ALG_NULL when the entity has no policy */
u32 vtpm_entity_policy(struct vtpm_engine *e, u32 handle, u16 *alg,
		       struct vtpm_digest *policy);
u32 vtpm_entity_name(struct vtpm_engine *e, u32 handle,
		     struct vtpm_name *name);
/* the proof keying tickets of @hierarchy; NULL for TPM_RH_NULL's tickets */
const u8 *vtpm_hierarchy_proof(struct vtpm_engine *e, u32 hierarchy);
/* the hierarchy is enabled (TPMA_STARTUP_CLEAR) */
bool vtpm_hierarchy_enabled(struct vtpm_engine *e, u32 hierarchy);

/* hierarchy.c: fresh seeds and proofs (a new TPM), and what Startup does */
void vtpm_hierarchy_manufacture(struct vtpm_engine *e);
void vtpm_hierarchy_startup(struct vtpm_engine *e, bool clear);
/* @h is TPM_RH_OWNER, _ENDORSEMENT, _PLATFORM (or _NULL if @allow_null) */
bool vtpm_hierarchy_valid(u32 h, bool allow_null);

/* pcr.c: initial values (TPM Reset/Restart) or saved ones (Resume) */
void vtpm_pcr_startup(struct vtpm_engine *e, bool resume);
void vtpm_pcr_save(struct vtpm_engine *e);
/* banks the engine can allocate, as enum vtpm_hash (cap.c, hash.c) */
extern const u8 vtpm_pcr_banks[];
extern const unsigned int vtpm_pcr_nbanks;
/* extends PCR @pcr of bank @h with @digest (an allocated bank only) */
void vtpm_pcr_extend_one(struct vtpm_engine *e, enum vtpm_hash h,
			 unsigned int pcr, const u8 *digest);
bool vtpm_pcr_bank_allocated(struct vtpm_engine *e, enum vtpm_hash h);
/* writes TPML_DIGEST_VALUES of every bank's digest in @digests and, for
 * @pcr < 24, extends the allocated ones with them */
void vtpm_pcr_event_out(struct vtpm_engine *e, u32 pcr,
			u8 digests[][VTPM_HASH_MAX_DIGEST], struct vtpm_wr *w);
/* 0 for TPM_RH_NULL and PCRs locality 0 may extend, else TPM_RC_LOCALITY */
u32 vtpm_pcr_check_extend(u32 pcr);

/* pcr.c: selections and digests, for PolicyPCR and Quote */
#define VTPM_MAX_PCR_BANKS	VTPM_HASH_COUNT
/**
 * struct vtpm_pcr_sel - a TPML_PCR_SELECTION
 * @count: entries in @alg/@bits
 * @alg: TPM_ALG_ID of each bank
 * @size: sizeofSelect of each
 * @bits: the bitmap of each
 */
struct vtpm_pcr_sel {
	u32 count;
	u16 alg[VTPM_MAX_PCR_BANKS];
	u8 size[VTPM_MAX_PCR_BANKS];
	u8 bits[VTPM_MAX_PCR_BANKS][VTPM_PCR_SELECT_MAX];
};
/* reads a TPML_PCR_SELECTION; returns a TPM_RC (not yet position-coded) */
u32 vtpm_pcr_sel_read(struct vtpm_rd *rd, struct vtpm_pcr_sel *sel);
void vtpm_pcr_sel_write(struct vtpm_wr *w, const struct vtpm_pcr_sel *sel);
/* H_@h(selected PCR values, in selection order) into @out (PolicyPCR) */
u32 vtpm_pcr_digest(struct vtpm_engine *e, enum vtpm_hash h,
		    const struct vtpm_pcr_sel *sel, u8 *out);

#endif /* VTPM_ENGINE_INTERNAL_H */
