// SPDX-License-Identifier: GPL-2.0
/*
 * ContextSave, ContextLoad and FlushContext: what the kernel's resource
 * manager (/dev/tpmrm) runs around every command.
 *
 * TPMS_CONTEXT.contextBlob = TPM2B integrity || data, where
 *   integrity = HMAC-SHA256(KDFa(context_key, "CTX INTEGRITY", proof),
 *                           sequence || savedHandle || hierarchy || data)
 * and proof is the hierarchy's (the null hierarchy's for sessions and
 * sequences, so their contexts die with a TPM Reset).
 *
 * A session's state stays in the session table; its data is only its
 * handle. It reloads to the same handle, once per save: session.c keeps
 * the sequence of the last save, and any other blob is refused with
 * TPM_RC_HANDLE (the resource manager then forgets the session).
 *
 * An object's data is the object, serialized and AES-256-CFB encrypted
 * under KDFa(context_key, "CTX ENCRYPT", sequence). It loads to a new
 * handle as often as wanted until its hierarchy's proof changes.
 */
#include "cmds.h"

#define MAC_SIZE		32
#define SAVED_OBJECT		0x80000000
#define SAVED_SEQUENCE		0x80000001
#define SAVED_STCLEAR		0x80000002
#define CTX_FIXED		(8 + 4 + 4 + 2 + 2 + MAC_SIZE)

static const u8 *context_proof(struct vtpm_engine *e, u32 hierarchy)
{
	const u8 *p = vtpm_hierarchy_proof(e, hierarchy);

	return p ? p : e->null_proof;
}

/* HMAC over the context's fields and its (encrypted) data */
static int context_mac(struct vtpm_engine *e, u64 seq, u32 handle,
		       u32 hierarchy, const u8 *data, u32 len, u8 *mac)
{
	struct vtpm_hmac *m;
	u8 key[MAC_SIZE], hdr[16];
	int err;

	m = vtpm_plat_zalloc(sizeof(*m));
	if (!m)
		return -1;
	vtpm_put_u32(hdr, seq >> 32);
	vtpm_put_u32(hdr + 4, (u32)seq);
	vtpm_put_u32(hdr + 8, handle);
	vtpm_put_u32(hdr + 12, hierarchy);
	err = vtpm_kdfa(VTPM_HASH_SHA256, e->context_key,
			sizeof(e->context_key), "CTX INTEGRITY",
			context_proof(e, hierarchy), VTPM_HASH_MAX_DIGEST,
			NULL, 0, MAC_SIZE * 8, key);
	err = err ?: vtpm_hmac_init(m, VTPM_HASH_SHA256, key, sizeof(key));
	err = err ?: vtpm_hmac_update(m, hdr, sizeof(hdr));
	err = err ?: vtpm_hmac_update(m, data, len);
	err = err ?: vtpm_hmac_final(m, mac);
	vtpm_plat_memzero(key, sizeof(key));
	vtpm_plat_free(m, sizeof(*m));
	return err;
}

/* AES-256-CFB of an object's data, keyed by the context's sequence */
static int context_crypt(struct vtpm_engine *e, u64 seq, u8 *buf, u32 len,
			 bool enc)
{
	u8 kiv[32 + 16], s[8];
	int err;

	vtpm_put_u32(s, seq >> 32);
	vtpm_put_u32(s + 4, (u32)seq);
	err = vtpm_kdfa(VTPM_HASH_SHA256, e->context_key,
			sizeof(e->context_key), "CTX ENCRYPT", s, sizeof(s),
			NULL, 0, sizeof(kiv) * 8, kiv);
	if (!err)
		err = enc ? vtpm_cfb_encrypt(kiv, 32, kiv + 32, buf, len)
			  : vtpm_cfb_decrypt(kiv, 32, kiv + 32, buf, len);
	vtpm_plat_memzero(kiv, sizeof(kiv));
	return err;
}

/* the sequence object's state, in the clear */
static void object_serialize(const struct vtpm_object *o, struct vtpm_wr *w)
{
	unsigned int i, n = o->kind == VTPM_OBJ_HASH_SEQ ? 1 : vtpm_pcr_nbanks;
	size_t len;
	u8 *p;

	vtpm_wr_u8(w, o->kind);
	vtpm_wr_tpm2b(w, o->auth.buf, o->auth.size);
	vtpm_wr_u32(w, o->seq.hash);
	vtpm_wr_u8(w, o->seq.first_len);
	vtpm_wr_bytes(w, o->seq.first, sizeof(o->seq.first));
	vtpm_wr_u8(w, n);
	for (i = 0; i < n; i++) {
		u8 *szp = vtpm_wr_room(w, 2);

		p = vtpm_wr_room(w, VTPM_HASH_EXPORT_MAX);
		len = VTPM_HASH_EXPORT_MAX;
		if (!p || vtpm_plat_hash_export(&o->seq.ctx[i], p, &len) ||
		    len > VTPM_HASH_EXPORT_MAX) {
			w->err = true;
			return;
		}
		vtpm_put_u16(szp, len);
		w->len -= VTPM_HASH_EXPORT_MAX - len;
	}
}

static u32 object_parse(struct vtpm_rd *rd, struct vtpm_object *o)
{
	unsigned int i, n;
	const u8 *p;
	u16 len;

	o->kind = vtpm_rd_u8(rd);
	o->auth.size = vtpm_rd_tpm2b(rd, &p, VTPM_HASH_MAX_DIGEST);
	if (p)
		memcpy(o->auth.buf, p, o->auth.size);
	o->seq.hash = vtpm_rd_u32(rd);
	o->seq.first_len = vtpm_rd_u8(rd);
	p = vtpm_rd_take(rd, sizeof(o->seq.first));
	if (p)
		memcpy(o->seq.first, p, sizeof(o->seq.first));
	n = vtpm_rd_u8(rd);
	if (!vtpm_rd_ok(rd) || o->seq.first_len > sizeof(o->seq.first) ||
	    (o->kind != VTPM_OBJ_HASH_SEQ && o->kind != VTPM_OBJ_EVENT_SEQ) ||
	    n != (o->kind == VTPM_OBJ_HASH_SEQ ? 1 : vtpm_pcr_nbanks))
		return VTPM_RC_FAILURE;
	for (i = 0; i < n; i++) {
		enum vtpm_hash h = o->kind == VTPM_OBJ_HASH_SEQ ?
				   o->seq.hash : vtpm_pcr_banks[i];

		len = vtpm_rd_tpm2b(rd, &p, VTPM_HASH_EXPORT_MAX);
		if (!p || h >= VTPM_HASH_COUNT ||
		    vtpm_plat_hash_import(&o->seq.ctx[i], h, p, len))
			return VTPM_RC_FAILURE;
	}
	return rd->left ? VTPM_RC_FAILURE : 0;
}

/* TPMS_CONTEXT's header fields, and room for the blob's integrity */
static u8 *context_begin(struct vtpm_wr *w, u64 seq, u32 handle,
			 u32 hierarchy, u8 **blob_size)
{
	vtpm_wr_u64(w, seq);
	vtpm_wr_u32(w, handle);
	vtpm_wr_u32(w, hierarchy);
	*blob_size = vtpm_wr_room(w, 2);
	vtpm_wr_u16(w, MAC_SIZE);
	return vtpm_wr_room(w, MAC_SIZE);
}

static u32 save_session(struct vtpm_engine *e, u32 h, struct vtpm_rsp *r)
{
	u64 seq = e->context_counter;
	u8 *bsz, *mac, *data;
	u32 rc;

	mac = context_begin(&r->out, seq, h, VTPM_RH_NULL, &bsz);
	data = vtpm_wr_room(&r->out, 4);
	if (!data)
		return VTPM_RC_SIZE;
	vtpm_put_u32(data, h);
	vtpm_put_u16(bsz, 2 + MAC_SIZE + 4);
	if (context_mac(e, seq, h, VTPM_RH_NULL, data, 4, mac))
		return VTPM_RC_FAILURE;
	rc = vtpm_sess_save(e, h, seq);
	if (!rc)
		e->context_counter++;
	return rc;
}

static u32 save_object(struct vtpm_engine *e, struct vtpm_object *o,
		       struct vtpm_rsp *r)
{
	u64 seq = e->context_counter;
	u8 *bsz, *mac;
	u32 start, len;

	mac = context_begin(&r->out, seq, SAVED_SEQUENCE, o->hierarchy, &bsz);
	start = r->out.len;
	object_serialize(o, &r->out);
	if (r->out.err)
		return VTPM_RC_SIZE;
	len = r->out.len - start;
	vtpm_put_u16(bsz, 2 + MAC_SIZE + len);
	if (context_crypt(e, seq, r->out.buf + start, len, true) ||
	    context_mac(e, seq, SAVED_SEQUENCE, o->hierarchy,
			r->out.buf + start, len, mac))
		return VTPM_RC_FAILURE;
	e->context_counter++;
	return 0;
}

VTPM_CMD(context_save)
{
	u32 h = c->handles[0];
	struct vtpm_object *o;

	if (c->params_len)
		return VTPM_RC_SIZE;
	if (VTPM_HANDLE_TYPE(h) != VTPM_HT_TRANSIENT)
		return save_session(e, h, r);
	o = vtpm_object_get(e, h);
	if (!o)		/* the dispatcher checked it is loaded */
		return VTPM_RC_REFERENCE_H0;
	return save_object(e, o, r);
}

static u32 load_session(struct vtpm_engine *e, u64 seq, u32 h,
			const u8 *data, u16 len, struct vtpm_rsp *r)
{
	struct vtpm_session *s = vtpm_sess_get(e, h);
	u32 rc;

	if (len != 4 || vtpm_get_u32(data) != h)
		return vtpm_rc_param(VTPM_RC_INTEGRITY, 1);
	if (!s || s->state != VTPM_SESS_SAVED || s->context_seq != seq)
		return vtpm_rc_param(VTPM_RC_HANDLE, 1);
	rc = vtpm_sess_load(e, h, seq);
	if (!rc)
		r->handle = h;
	return rc;
}

static u32 load_object(struct vtpm_engine *e, u64 seq, u32 hierarchy,
		       const u8 *data, u16 len, struct vtpm_rsp *r)
{
	struct vtpm_object *o;
	struct vtpm_rd rd;
	u32 rc;

	if (len > sizeof(e->scratch))
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	o = vtpm_object_alloc(e);
	if (!o)
		return VTPM_RC_OBJECT_MEMORY;
	memcpy(e->scratch, data, len);
	rc = context_crypt(e, seq, e->scratch, len, false) ?
	     VTPM_RC_FAILURE : 0;
	vtpm_rd_init(&rd, e->scratch, len);
	if (!rc)
		rc = object_parse(&rd, o);
	vtpm_plat_memzero(e->scratch, len);
	if (rc) {
		vtpm_object_free(e, o);
		return rc;
	}
	o->hierarchy = hierarchy;
	r->handle = o->handle;
	return 0;
}

/* the fixed checks of a TPMS_CONTEXT: handle, hierarchy, integrity */
static u32 check_context(struct vtpm_engine *e, u64 seq, u32 h, u32 hier,
			 const u8 *blob, u16 len)
{
	u8 mac[MAC_SIZE];
	int diff;

	switch (VTPM_HANDLE_TYPE(h)) {
	case VTPM_HT_HMAC_SESSION:
	case VTPM_HT_POLICY_SESSION:
		break;
	default:
		if (h != SAVED_OBJECT && h != SAVED_SEQUENCE &&
		    h != SAVED_STCLEAR)
			return vtpm_rc_param(VTPM_RC_VALUE, 1);
	}
	if (!vtpm_hierarchy_valid(hier, true))
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	if (!vtpm_hierarchy_enabled(e, hier))
		return vtpm_rc_param(VTPM_RC_HIERARCHY, 1);
	if (len < 2 + MAC_SIZE || vtpm_get_u16(blob) != MAC_SIZE)
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	if (context_mac(e, seq, h, hier, blob + 2 + MAC_SIZE,
			len - 2 - MAC_SIZE, mac))
		return VTPM_RC_FAILURE;
	diff = vtpm_plat_memcmp_ct(mac, blob + 2, MAC_SIZE);
	return diff ? vtpm_rc_param(VTPM_RC_INTEGRITY, 1) : 0;
}

VTPM_CMD(context_load)
{
	struct vtpm_rd rd;
	const u8 *blob;
	u32 h, hier, rc;
	u64 seq;
	u16 len;

	vtpm_rd_init(&rd, c->params, c->params_len);
	seq = vtpm_rd_u64(&rd);
	h = vtpm_rd_u32(&rd);
	hier = vtpm_rd_u32(&rd);
	rc = vtpm_param_check(&rd, 1);
	if (!rc)
		rc = vtpm_param_tpm2b(&rd, &blob, &len, VTPM_CONTEXT_BLOB_MAX,
				      1);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (!rc)
		rc = check_context(e, seq, h, hier, blob, len);
	if (rc)
		return rc;
	blob += 2 + MAC_SIZE;
	len -= 2 + MAC_SIZE;
	if (VTPM_HANDLE_TYPE(h) != VTPM_HT_TRANSIENT)
		return load_session(e, seq, h, blob, len, r);
	return load_object(e, seq, hier, blob, len, r);
}

VTPM_CMD(flush_context)
{
	struct vtpm_object *o;
	struct vtpm_rd rd;
	u32 h;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	h = vtpm_rd_u32(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	switch (VTPM_HANDLE_TYPE(h)) {
	case VTPM_HT_TRANSIENT:
		o = vtpm_object_get(e, h);
		if (!o)
			return vtpm_rc_param(VTPM_RC_HANDLE, 1);
		vtpm_object_free(e, o);
		return 0;
	case VTPM_HT_HMAC_SESSION:
	case VTPM_HT_POLICY_SESSION:
		if (!vtpm_sess_get(e, h))
			return vtpm_rc_param(VTPM_RC_HANDLE, 1);
		return vtpm_sess_flush(e, h);
	default:
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	}
}
