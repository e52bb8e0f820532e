/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transient objects: the slots behind handles 0x80xxxxxx. This issue has
 * hash and event sequences; keys (with a public and sensitive area) come
 * with the next one and add their kind here.
 */
#ifndef VTPM_ENGINE_OBJECT_H
#define VTPM_ENGINE_OBJECT_H

enum vtpm_obj_kind {
	VTPM_OBJ_FREE,
	VTPM_OBJ_HASH_SEQ,	/* HashSequenceStart with a hash */
	VTPM_OBJ_EVENT_SEQ,	/* HashSequenceStart with TPM_ALG_NULL */
};

/**
 * struct vtpm_object - one loaded transient object
 * @handle: its handle (0x80000000 + slot-independent number)
 * @kind: enum vtpm_obj_kind
 * @hierarchy: the hierarchy it belongs to (sequences: TPM_RH_NULL)
 * @auth: its authValue
 * @seq.hash: the sequence's hash (HASH_SEQ)
 * @seq.ctx: running hashes; HASH_SEQ uses ctx[0], EVENT_SEQ one per bank
 * @seq.first: the first bytes of the data, to tell whether a ticket may be
 *	       given (data must not start with TPM_GENERATED_VALUE)
 * @seq.first_len: how many of @seq.first are known (0..4)
 */
struct vtpm_object {
	u32 handle;
	u8 kind;
	u32 hierarchy;
	struct vtpm_digest auth;
	struct {
		u32 hash;
		struct vtpm_hash_ctx ctx[VTPM_HASH_COUNT];
		u8 first[4];
		u8 first_len;
	} seq;
};

struct vtpm_engine;

/* the loaded object of @handle, or NULL */
struct vtpm_object *vtpm_object_get(struct vtpm_engine *e, u32 handle);
/* a free slot with a new handle, or NULL (TPM_RC_OBJECT_MEMORY) */
struct vtpm_object *vtpm_object_alloc(struct vtpm_engine *e);
void vtpm_object_free(struct vtpm_engine *e, struct vtpm_object *o);
/* every transient object goes (Startup, TPM_Init, Clear) */
void vtpm_object_flush_all(struct vtpm_engine *e);
unsigned int vtpm_object_count(struct vtpm_engine *e);

#endif /* VTPM_ENGINE_OBJECT_H */
