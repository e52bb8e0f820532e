// SPDX-License-Identifier: GPL-2.0
/*
 * Hash, the hash and event sequences (HashSequenceStart, SequenceUpdate,
 * SequenceComplete, EventSequenceComplete) and the hash-check tickets.
 *
 * A ticket says "the TPM hashed this data and it did not start with
 * TPM_GENERATED_VALUE": HMAC(proof of the hierarchy, TPM_ST_HASHCHECK ||
 * digest), with the digest's hash. The null hierarchy's tickets are empty.
 */
#include "cmds.h"

#define MAX_BUFFER	1024	/* TPM2B_MAX_BUFFER, TPM_PT_INPUT_BUFFER */

/* TPMT_TK_HASHCHECK for @digest; @safe: the data may have a ticket */
static u32 write_ticket(struct vtpm_engine *e, u32 hierarchy,
			enum vtpm_hash h, const u8 *digest, bool safe,
			struct vtpm_wr *w)
{
	const u8 *proof = vtpm_hierarchy_proof(e, hierarchy);
	u8 msg[2 + VTPM_HASH_MAX_DIGEST];
	u8 mac[VTPM_HASH_MAX_DIGEST];
	u16 n = vtpm_hash_size(h);

	vtpm_wr_u16(w, VTPM_ST_HASHCHECK);
	if (!safe || !proof) {
		vtpm_wr_u32(w, VTPM_RH_NULL);
		vtpm_wr_u16(w, 0);
		return 0;
	}
	vtpm_put_u16(msg, VTPM_ST_HASHCHECK);
	memcpy(msg + 2, digest, n);
	if (vtpm_hmac_buf(h, proof, VTPM_HASH_MAX_DIGEST, msg, 2 + n, mac))
		return VTPM_RC_FAILURE;
	vtpm_wr_u32(w, hierarchy);
	vtpm_wr_tpm2b(w, mac, n);
	vtpm_plat_memzero(mac, sizeof(mac));
	return 0;
}

static bool starts_generated(const u8 *data, u32 len)
{
	return len >= 4 && vtpm_get_u32(data) == VTPM_GENERATED_VALUE;
}

/*
 * A TPMI_RH_HIERARCHY+ parameter at position @n. Whether the hierarchy
 * is enabled does not matter (as in the reference TPM: a ticket of a
 * disabled hierarchy is of no use anyway).
 */
static u32 check_hierarchy(struct vtpm_engine *e, u32 h, unsigned int n)
{
	return vtpm_hierarchy_valid(h, true) ?
	       0 : vtpm_rc_param(VTPM_RC_VALUE, n);
}

VTPM_CMD(hash)
{
	u8 digest[VTPM_HASH_MAX_DIGEST];
	struct vtpm_rd rd;
	const u8 *data;
	u32 hier, rc;
	u16 n;
	int h;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_tpm2b(&rd, &data, &n, MAX_BUFFER, 1);
	if (rc)
		return rc;
	h = vtpm_hash_from_alg(vtpm_rd_u16(&rd));
	rc = vtpm_param_check(&rd, 2);
	if (!rc && h < 0)
		rc = vtpm_rc_param(VTPM_RC_HASH, 2);
	if (rc)
		return rc;
	hier = vtpm_rd_u32(&rd);
	rc = vtpm_param_check(&rd, 3);
	if (!rc)
		rc = check_hierarchy(e, hier, 3);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (rc)
		return rc;
	if (vtpm_hash_buf(h, data, n, digest))
		return VTPM_RC_FAILURE;
	vtpm_wr_tpm2b(&r->out, digest, vtpm_hash_size(h));
	return write_ticket(e, hier, h, digest, !starts_generated(data, n),
			    &r->out);
}

static u32 start_sequence(struct vtpm_object *o, int h)
{
	unsigned int i;

	if (h >= 0) {
		o->kind = VTPM_OBJ_HASH_SEQ;
		o->seq.hash = h;
		return vtpm_plat_hash_init(&o->seq.ctx[0], h) ?
		       VTPM_RC_FAILURE : 0;
	}
	o->kind = VTPM_OBJ_EVENT_SEQ;
	for (i = 0; i < vtpm_pcr_nbanks; i++)
		if (vtpm_plat_hash_init(&o->seq.ctx[i], vtpm_pcr_banks[i]))
			return VTPM_RC_FAILURE;
	return 0;
}

VTPM_CMD(hash_sequence_start)
{
	struct vtpm_object *o;
	struct vtpm_rd rd;
	const u8 *auth;
	u16 n, alg;
	u32 rc;
	int h;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_2b_hash(&rd, &auth, &n, VTPM_HASH_MAX_DIGEST, &alg, &h);
	if (rc)
		return rc;
	o = vtpm_object_alloc(e);
	if (!o)
		return VTPM_RC_OBJECT_MEMORY;
	while (n && !auth[n - 1])	/* trailing zeros are not part of it */
		n--;
	o->auth.size = n;
	memcpy(o->auth.buf, auth, n);
	o->hierarchy = VTPM_RH_NULL;
	rc = start_sequence(o, h);
	if (rc) {
		vtpm_object_free(e, o);
		return rc;
	}
	r->handle = o->handle;
	return 0;
}

static unsigned int seq_nctx(const struct vtpm_object *o)
{
	return o->kind == VTPM_OBJ_HASH_SEQ ? 1 : vtpm_pcr_nbanks;
}

static u32 seq_update(struct vtpm_object *o, const u8 *data, u16 n)
{
	unsigned int i;
	u16 k;

	k = min_t(u16, n, sizeof(o->seq.first) - o->seq.first_len);
	memcpy(o->seq.first + o->seq.first_len, data, k);
	o->seq.first_len += k;
	for (i = 0; i < seq_nctx(o); i++)
		if (vtpm_plat_hash_update(&o->seq.ctx[i], data, n))
			return VTPM_RC_FAILURE;
	return 0;
}

/* the sequence object of handle @i, of @kind (0: either kind) */
static struct vtpm_object *seq_object(struct vtpm_engine *e,
				      struct vtpm_cmd *c, unsigned int i,
				      u8 kind, u32 *rc)
{
	struct vtpm_object *o = vtpm_object_get(e, c->handles[i]);

	*rc = 0;
	if (!o || (o->kind != VTPM_OBJ_HASH_SEQ &&
		   o->kind != VTPM_OBJ_EVENT_SEQ) || (kind && o->kind != kind)) {
		*rc = vtpm_rc_handle(VTPM_RC_MODE, i + 1);
		return NULL;
	}
	return o;
}

/* reads the TPM2B_MAX_BUFFER parameter 1 into @data/@n */
static u32 read_buffer(struct vtpm_rd *rd, struct vtpm_cmd *c,
		       const u8 **data, u16 *n)
{
	vtpm_rd_init(rd, c->params, c->params_len);
	return vtpm_param_tpm2b(rd, data, n, MAX_BUFFER, 1);
}

VTPM_CMD(sequence_update)
{
	struct vtpm_object *o;
	struct vtpm_rd rd;
	const u8 *data;
	u32 rc;
	u16 n;

	o = seq_object(e, c, 0, 0, &rc);
	if (!o)
		return rc;
	rc = read_buffer(&rd, c, &data, &n);
	if (!rc)
		rc = vtpm_param_end(&rd);
	return rc ? rc : seq_update(o, data, n);
}

VTPM_CMD(sequence_complete)
{
	u8 digest[VTPM_HASH_MAX_DIGEST];
	struct vtpm_object *o;
	struct vtpm_rd rd;
	const u8 *data;
	u32 hier, rc;
	u16 n;
	bool safe;

	o = seq_object(e, c, 0, VTPM_OBJ_HASH_SEQ, &rc);
	if (!o)
		return rc;
	rc = read_buffer(&rd, c, &data, &n);
	if (rc)
		return rc;
	hier = vtpm_rd_u32(&rd);
	rc = vtpm_param_check(&rd, 2);
	if (!rc)
		rc = check_hierarchy(e, hier, 2);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (!rc)
		rc = seq_update(o, data, n);
	if (rc)
		return rc;
	safe = !starts_generated(o->seq.first, o->seq.first_len);
	if (vtpm_plat_hash_final(&o->seq.ctx[0], digest))
		rc = VTPM_RC_FAILURE;
	if (!rc) {
		vtpm_wr_tpm2b(&r->out, digest, vtpm_hash_size(o->seq.hash));
		rc = write_ticket(e, hier, o->seq.hash, digest, safe, &r->out);
	}
	vtpm_object_free(e, o);
	return rc;
}

VTPM_CMD(event_sequence_complete)
{
	u8 (*dig)[VTPM_HASH_MAX_DIGEST];
	struct vtpm_object *o;
	struct vtpm_rd rd;
	const u8 *data;
	unsigned int i;
	u32 rc;
	u16 n;

	o = seq_object(e, c, 1, VTPM_OBJ_EVENT_SEQ, &rc);
	if (!o)
		return rc;
	rc = read_buffer(&rd, c, &data, &n);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (!rc)
		rc = vtpm_pcr_check_extend(c->handles[0]);
	if (!rc)
		rc = seq_update(o, data, n);
	if (rc)
		return rc;
	dig = vtpm_plat_zalloc(VTPM_HASH_COUNT * VTPM_HASH_MAX_DIGEST);
	if (!dig)
		return VTPM_RC_MEMORY;
	for (i = 0; i < vtpm_pcr_nbanks && !rc; i++)
		if (vtpm_plat_hash_final(&o->seq.ctx[i], dig[i]))
			rc = VTPM_RC_FAILURE;
	if (!rc)
		vtpm_pcr_event_out(e, c->handles[0], dig, &r->out);
	vtpm_plat_free(dig, VTPM_HASH_COUNT * VTPM_HASH_MAX_DIGEST);
	vtpm_object_free(e, o);
	return rc;
}
