// SPDX-License-Identifier: GPL-2.0
/*
 * PCR banks (SHA-1, SHA-256, SHA-384; those of the engine's config are
 * allocated) and PCR_Read, PCR_Extend, PCR_Event, PCR_Reset.
 *
 * Attributes follow the PC Client platform profile for a caller that is
 * always at locality 0: PCRs 0..16 and 23 may be extended, only 16 (debug)
 * and 23 (application) reset; 0..15 are saved by Shutdown(STATE); 17..22
 * (DRTM) start as all ones and cannot be changed from locality 0.
 * Changes of PCR 16 and 23 do not move pcrUpdateCounter, so resettable
 * PCRs do not spoil policy sessions that never look at them.
 */
#include "cmds.h"

#define PCR_SAVED_LAST		15
#define PCR_DRTM_FIRST		17
#define PCR_DRTM_LAST		22
#define PCR_RESET_MASK		(1u << 16 | 1u << 23)
#define PCR_EXTEND_MASK		(0x1FFFFu | 1u << 23)
#define MAX_PCR_READ		8	/* TPML_DIGEST */
#define MAX_EVENT		1024	/* TPM2B_EVENT */

const u8 vtpm_pcr_banks[] = {
	VTPM_HASH_SHA1, VTPM_HASH_SHA256, VTPM_HASH_SHA384,
};
const unsigned int vtpm_pcr_nbanks = ARRAY_SIZE(vtpm_pcr_banks);

bool vtpm_pcr_bank_allocated(struct vtpm_engine *e, enum vtpm_hash h)
{
	return h < VTPM_HASH_COUNT && (e->banks & (1u << h));
}

static void pcr_init_value(struct vtpm_engine *e, unsigned int bank,
			   unsigned int pcr)
{
	u8 v = pcr >= PCR_DRTM_FIRST && pcr <= PCR_DRTM_LAST ? 0xFF : 0;

	memset(e->pcr[bank][pcr], v, VTPM_HASH_MAX_DIGEST);
}

void vtpm_pcr_startup(struct vtpm_engine *e, bool resume)
{
	unsigned int b, i;

	for (b = 0; b < VTPM_HASH_COUNT; b++)
		for (i = 0; i < VTPM_PCR_COUNT; i++) {
			if (resume && i <= PCR_SAVED_LAST)
				memcpy(e->pcr[b][i], e->pcr_saved[b][i],
				       VTPM_HASH_MAX_DIGEST);
			else
				pcr_init_value(e, b, i);
		}
	if (!resume)
		e->pcr_update_counter = 0;
}

void vtpm_pcr_save(struct vtpm_engine *e)
{
	memcpy(e->pcr_saved, e->pcr, sizeof(e->pcr_saved));
}

static void pcr_changed(struct vtpm_engine *e, unsigned int pcr)
{
	if (!(PCR_RESET_MASK & (1u << pcr)))
		e->pcr_update_counter++;
}

void vtpm_pcr_extend_one(struct vtpm_engine *e, enum vtpm_hash h,
			 unsigned int pcr, const u8 *digest)
{
	u16 n = vtpm_hash_size(h);
	u8 buf[2 * VTPM_HASH_MAX_DIGEST];

	if (!vtpm_pcr_bank_allocated(e, h) || pcr >= VTPM_PCR_COUNT)
		return;
	memcpy(buf, e->pcr[h][pcr], n);
	memcpy(buf + n, digest, n);
	vtpm_hash_buf(h, buf, 2 * n, e->pcr[h][pcr]);
	vtpm_plat_memzero(buf, sizeof(buf));
}

u32 vtpm_pcr_check_extend(u32 pcr)
{
	if (pcr == VTPM_RH_NULL)
		return 0;
	return pcr < VTPM_PCR_COUNT && (PCR_EXTEND_MASK & (1u << pcr)) ?
	       0 : VTPM_RC_LOCALITY;
}

u32 vtpm_pcr_sel_read(struct vtpm_rd *rd, struct vtpm_pcr_sel *sel)
{
	unsigned int i, j;

	memset(sel, 0, sizeof(*sel));
	sel->count = vtpm_rd_u32(rd);
	if (!vtpm_rd_ok(rd))
		return VTPM_RC_INSUFFICIENT;
	if (sel->count > VTPM_MAX_PCR_BANKS)
		return VTPM_RC_SIZE;
	for (i = 0; i < sel->count; i++) {
		sel->alg[i] = vtpm_rd_u16(rd);
		sel->size[i] = vtpm_rd_u8(rd);
		if (!vtpm_rd_ok(rd))
			return VTPM_RC_INSUFFICIENT;
		if (vtpm_hash_from_alg(sel->alg[i]) < 0)
			return VTPM_RC_HASH;
		if (sel->size[i] < VTPM_PCR_SELECT_MAX ||
		    sel->size[i] > VTPM_PCR_SELECT_MAX)
			return VTPM_RC_VALUE;
		for (j = 0; j < sel->size[i]; j++)
			sel->bits[i][j] = vtpm_rd_u8(rd);
		if (!vtpm_rd_ok(rd))
			return VTPM_RC_INSUFFICIENT;
	}
	return 0;
}

void vtpm_pcr_sel_write(struct vtpm_wr *w, const struct vtpm_pcr_sel *sel)
{
	unsigned int i;

	vtpm_wr_u32(w, sel->count);
	for (i = 0; i < sel->count; i++) {
		vtpm_wr_u16(w, sel->alg[i]);
		vtpm_wr_u8(w, sel->size[i]);
		vtpm_wr_bytes(w, sel->bits[i], sel->size[i]);
	}
}

static bool sel_bit(const struct vtpm_pcr_sel *sel, unsigned int i,
		    unsigned int pcr)
{
	return pcr / 8 < sel->size[i] && (sel->bits[i][pcr / 8] >> (pcr % 8) & 1);
}

/* PCRs of unallocated banks are not part of the digest (as the reference) */
u32 vtpm_pcr_digest(struct vtpm_engine *e, enum vtpm_hash h,
		    const struct vtpm_pcr_sel *sel, u8 *out)
{
	struct vtpm_hash_ctx *ctx;
	unsigned int i, pcr;
	int b, err;

	ctx = vtpm_plat_zalloc(sizeof(*ctx));
	if (!ctx)
		return VTPM_RC_MEMORY;
	err = vtpm_plat_hash_init(ctx, h);
	for (i = 0; i < sel->count && !err; i++) {
		b = vtpm_hash_from_alg(sel->alg[i]);
		if (b < 0 || !vtpm_pcr_bank_allocated(e, b))
			continue;
		for (pcr = 0; pcr < VTPM_PCR_COUNT && !err; pcr++)
			if (sel_bit(sel, i, pcr))
				err = vtpm_plat_hash_update(ctx, e->pcr[b][pcr],
							    vtpm_hash_size(b));
	}
	if (!err)
		err = vtpm_plat_hash_final(ctx, out);
	vtpm_plat_free(ctx, sizeof(*ctx));
	return err ? VTPM_RC_FAILURE : 0;
}

/* clears the bits of @sel that are not read; returns the digests read */
static unsigned int read_selected(struct vtpm_engine *e,
				  struct vtpm_pcr_sel *sel, struct vtpm_wr *w)
{
	unsigned int i, pcr, n = 0;
	int b;

	for (i = 0; i < sel->count; i++) {
		b = vtpm_hash_from_alg(sel->alg[i]);
		for (pcr = 0; pcr < VTPM_PCR_COUNT; pcr++) {
			if (!sel_bit(sel, i, pcr))
				continue;
			if (n == MAX_PCR_READ || b < 0 ||
			    !vtpm_pcr_bank_allocated(e, b)) {
				sel->bits[i][pcr / 8] &= ~(1u << (pcr % 8));
				continue;
			}
			if (w)
				vtpm_wr_tpm2b(w, e->pcr[b][pcr],
					      vtpm_hash_size(b));
			n++;
		}
	}
	return n;
}

VTPM_CMD(pcr_read)
{
	struct vtpm_pcr_sel *sel;
	struct vtpm_rd rd;
	unsigned int n;
	u32 rc;

	sel = vtpm_plat_zalloc(sizeof(*sel));
	if (!sel)
		return VTPM_RC_MEMORY;
	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_pcr_sel_read(&rd, sel);
	if (rc)
		rc = vtpm_rc_param(rc, 1);
	else
		rc = vtpm_param_end(&rd);
	if (!rc) {
		n = read_selected(e, sel, NULL);
		vtpm_wr_u32(&r->out, e->pcr_update_counter);
		vtpm_pcr_sel_write(&r->out, sel);
		vtpm_wr_u32(&r->out, n);
		read_selected(e, sel, &r->out);
	}
	vtpm_plat_free(sel, sizeof(*sel));
	return rc;
}

VTPM_CMD(pcr_extend)
{
	u32 pcr = c->handles[0], count, i, rc;
	const u8 *d;
	struct vtpm_rd rd;
	int h;

	vtpm_rd_init(&rd, c->params, c->params_len);
	count = vtpm_rd_u32(&rd);
	if (!vtpm_rd_ok(&rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	if (count > VTPM_HASH_COUNT)
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	/* checks the whole list before extending anything */
	for (i = 0; i < count; i++) {
		h = vtpm_hash_from_alg(vtpm_rd_u16(&rd));
		if (!vtpm_rd_ok(&rd))
			return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
		if (h < 0)
			return vtpm_rc_param(VTPM_RC_HASH, 1);
		if (!vtpm_rd_take(&rd, vtpm_hash_size(h)))
			return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	}
	rc = vtpm_param_end(&rd);
	if (!rc)
		rc = vtpm_pcr_check_extend(pcr);
	if (rc || pcr == VTPM_RH_NULL)
		return rc;
	vtpm_rd_init(&rd, c->params + 4, c->params_len - 4);
	for (i = 0; i < count; i++) {
		h = vtpm_hash_from_alg(vtpm_rd_u16(&rd));
		d = vtpm_rd_take(&rd, vtpm_hash_size(h));
		vtpm_pcr_extend_one(e, h, pcr, d);
	}
	pcr_changed(e, pcr);
	return 0;
}

void vtpm_pcr_event_out(struct vtpm_engine *e, u32 pcr,
			u8 digests[][VTPM_HASH_MAX_DIGEST], struct vtpm_wr *w)
{
	unsigned int i;

	vtpm_wr_u32(w, vtpm_pcr_nbanks);
	for (i = 0; i < vtpm_pcr_nbanks; i++) {
		enum vtpm_hash h = vtpm_pcr_banks[i];

		vtpm_wr_u16(w, vtpm_hash_alg(h));
		vtpm_wr_bytes(w, digests[i], vtpm_hash_size(h));
		if (pcr < VTPM_PCR_COUNT)
			vtpm_pcr_extend_one(e, h, pcr, digests[i]);
	}
	if (pcr < VTPM_PCR_COUNT)
		pcr_changed(e, pcr);
}

VTPM_CMD(pcr_event)
{
	u8 (*dig)[VTPM_HASH_MAX_DIGEST];
	struct vtpm_rd rd;
	const u8 *data;
	unsigned int i;
	u16 n;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_tpm2b(&rd, &data, &n, MAX_EVENT, 1);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (!rc)
		rc = vtpm_pcr_check_extend(c->handles[0]);
	if (rc)
		return rc;
	dig = vtpm_plat_zalloc(VTPM_HASH_COUNT * VTPM_HASH_MAX_DIGEST);
	if (!dig)
		return VTPM_RC_MEMORY;
	for (i = 0; i < vtpm_pcr_nbanks && !rc; i++)
		if (vtpm_hash_buf(vtpm_pcr_banks[i], data, n, dig[i]))
			rc = VTPM_RC_FAILURE;
	if (!rc)
		vtpm_pcr_event_out(e, c->handles[0], dig, &r->out);
	vtpm_plat_free(dig, VTPM_HASH_COUNT * VTPM_HASH_MAX_DIGEST);
	return rc;
}

VTPM_CMD(pcr_reset)
{
	u32 pcr = c->handles[0];
	unsigned int b;

	if (c->params_len)
		return VTPM_RC_SIZE;
	if (!(PCR_RESET_MASK & (1u << pcr)))
		return VTPM_RC_LOCALITY;
	for (b = 0; b < VTPM_HASH_COUNT; b++)
		pcr_init_value(e, b, pcr);
	pcr_changed(e, pcr);
	return 0;
}
