// SPDX-License-Identifier: GPL-2.0
/*
 * The TPM's life cycle and small commands: TPM_Init, Startup (TPM Reset,
 * Restart, Resume), Shutdown, the self tests, random numbers, the clock
 * and TestParms.
 *
 * Startup(CLEAR) after Shutdown(STATE) is a TPM Restart, Startup(STATE)
 * after it a TPM Resume; any other Startup(CLEAR) is a TPM Reset.
 * Shutdown(STATE) is valid only while nothing but reading commands ran
 * after it (dispatch.c clears @orderly).
 */
#include "cmds.h"

#define MAX_RANDOM		VTPM_HASH_MAX_DIGEST	/* sizeof(TPMU_HA) */
#define MAX_SENSITIVE_DATA	128	/* TPM2B_SENSITIVE_DATA */
#define MAX_ALG_LIST		64	/* TPML_ALG */

static void flush_loaded_sessions(struct vtpm_engine *e)
{
	static const u8 types[] = { VTPM_HT_HMAC_SESSION,
				    VTPM_HT_POLICY_SESSION };
	u32 h[VTPM_MAX_LOADED_SESSIONS];
	unsigned int t, i, n;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		n = vtpm_sess_handles(e, types[t], VTPM_SESS_LOADED, 0, h,
				      ARRAY_SIZE(h));
		for (i = 0; i < n; i++)
			vtpm_sess_flush(e, h[i]);
	}
}

/*
 * TPM_Init. RAM is lost: loaded objects and sessions go. Saved sessions
 * survive only for a Startup after Shutdown(STATE), which may resume them.
 */
void vtpm_engine_reset(struct vtpm_engine *e)
{
	e->powered = true;
	e->started = false;
	e->selftest_done = false;
	e->test_done_full = false;
	e->init_ms = vtpm_plat_time_ms();
	vtpm_object_flush_all(e);
	if (e->orderly && e->shutdown_state)
		flush_loaded_sessions(e);
	else
		vtpm_sess_flush_all(e);
}

/* a new TPM, as manufactured, then TPM_Init */
void vtpm_misc_manufacture(struct vtpm_engine *e)
{
	vtpm_hierarchy_manufacture(e);
	e->clock_base_ms = vtpm_plat_time_ms();
	e->startup_clear = VTPM_SC_PH_ENABLE | VTPM_SC_SH_ENABLE |
			   VTPM_SC_EH_ENABLE | VTPM_SC_PH_ENABLE_NV;
	vtpm_plat_random(e->stir, sizeof(e->stir));
	vtpm_engine_reset(e);
}

/* TPM Reset: a new boot cycle; everything volatile starts afresh */
static void tpm_reset(struct vtpm_engine *e)
{
	e->reset_count++;
	e->restart_count = 0;
	vtpm_plat_random(e->null_proof, sizeof(e->null_proof));
	vtpm_sess_flush_all(e);
	vtpm_pcr_startup(e, false);
	vtpm_hierarchy_startup(e, true);
}

VTPM_CMD(startup)
{
	struct vtpm_rd rd;
	bool saved = e->orderly && e->shutdown_state;
	u16 su;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	su = vtpm_rd_u16(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	if (e->started)
		return VTPM_RC_INITIALIZE;
	if (su != VTPM_SU_CLEAR && su != VTPM_SU_STATE)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	if (su == VTPM_SU_STATE && !saved)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	if (!saved) {
		tpm_reset(e);
	} else if (su == VTPM_SU_CLEAR) {	/* TPM Restart */
		e->restart_count++;
		vtpm_pcr_startup(e, false);
		vtpm_hierarchy_startup(e, true);
	} else {				/* TPM Resume */
		e->restart_count++;
		e->startup_clear = e->startup_clear_saved;
		vtpm_pcr_startup(e, true);
		vtpm_hierarchy_startup(e, false);
	}
	/* Shutdown(CLEAR) then Startup(CLEAR), or Shutdown(STATE) then any */
	e->orderly_startup = e->orderly && (saved || su == VTPM_SU_CLEAR);
	e->shutdown_state = false;
	e->started = true;
	return 0;
}

VTPM_CMD(shutdown)
{
	struct vtpm_rd rd;
	u16 su;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	su = vtpm_rd_u16(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	if (su != VTPM_SU_CLEAR && su != VTPM_SU_STATE)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	e->shutdown_state = su == VTPM_SU_STATE;
	if (e->shutdown_state) {
		vtpm_pcr_save(e);
		e->startup_clear_saved = e->startup_clear;
	}
	e->orderly = true;
	return 0;
}

VTPM_CMD(self_test)
{
	struct vtpm_rd rd;
	u8 full;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	full = vtpm_rd_u8(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	if (full > 1)
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	/* the algorithms are software: nothing to test beyond their use */
	e->selftest_done = true;
	e->test_done_full |= full;
	return 0;
}

VTPM_CMD(incremental_self_test)
{
	struct vtpm_rd rd;
	u32 n, rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	n = vtpm_rd_u32(&rd);
	if (!vtpm_rd_ok(&rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	if (n > MAX_ALG_LIST)
		return vtpm_rc_param(VTPM_RC_SIZE, 1);
	vtpm_rd_take(&rd, n * 2);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	e->selftest_done = true;
	vtpm_wr_u32(&r->out, 0);	/* toDoList: nothing left to test */
	return 0;
}

VTPM_CMD(get_test_result)
{
	if (c->params_len)
		return VTPM_RC_SIZE;
	vtpm_wr_u16(&r->out, 0);	/* outData */
	vtpm_wr_u32(&r->out, VTPM_RC_SUCCESS);
	return 0;
}

/* random bytes, each 32-byte block whitened with what StirRandom added */
static void random_bytes(struct vtpm_engine *e, u8 *out, u16 n)
{
	u8 mix[32 + 32];
	u8 h[32];
	u16 off, k, i;

	vtpm_plat_random(out, n);
	memcpy(mix, e->stir, 32);
	for (off = 0; off < n; off += 32) {
		k = min_t(u16, 32, n - off);
		memset(mix + 32, 0, 32);
		memcpy(mix + 32, out + off, k);
		vtpm_hash_buf(VTPM_HASH_SHA256, mix, sizeof(mix), h);
		for (i = 0; i < k; i++)
			out[off + i] ^= h[i];
	}
	vtpm_plat_memzero(mix, sizeof(mix));
	vtpm_plat_memzero(h, sizeof(h));
}

VTPM_CMD(get_random)
{
	struct vtpm_rd rd;
	u8 *p;
	u16 n;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	n = vtpm_rd_u16(&rd);
	rc = vtpm_param_last(&rd, 1);
	if (rc)
		return rc;
	n = min_t(u16, n, MAX_RANDOM);
	vtpm_wr_u16(&r->out, n);
	p = vtpm_wr_room(&r->out, n);
	if (p)
		random_bytes(e, p, n);
	return 0;
}

VTPM_CMD(stir_random)
{
	struct vtpm_rd rd;
	struct vtpm_hash_ctx *h;
	const u8 *data;
	u16 n;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	rc = vtpm_param_tpm2b(&rd, &data, &n, MAX_SENSITIVE_DATA, 1);
	if (!rc)
		rc = vtpm_param_end(&rd);
	if (rc)
		return rc;
	h = vtpm_plat_zalloc(sizeof(*h));
	if (!h)
		return VTPM_RC_MEMORY;
	if (vtpm_plat_hash_init(h, VTPM_HASH_SHA256) ||
	    vtpm_plat_hash_update(h, e->stir, sizeof(e->stir)) ||
	    vtpm_plat_hash_update(h, data, n) ||
	    vtpm_plat_hash_final(h, e->stir))
		rc = VTPM_RC_FAILURE;
	vtpm_plat_free(h, sizeof(*h));
	return rc;
}

VTPM_CMD(read_clock)
{
	u64 now = vtpm_plat_time_ms();

	if (c->params_len)
		return VTPM_RC_SIZE;
	vtpm_wr_u64(&r->out, now - e->init_ms);		/* time */
	vtpm_wr_u64(&r->out, e->clock_ms + now - e->clock_base_ms);
	vtpm_wr_u32(&r->out, e->reset_count);
	vtpm_wr_u32(&r->out, e->restart_count);
	vtpm_wr_u8(&r->out, 1);				/* safe */
	return 0;
}

/* TPMT_KEYEDHASH_SCHEME */
static u32 test_keyedhash(struct vtpm_rd *rd)
{
	u16 scheme = vtpm_rd_u16(rd), hash, kdf;

	if (scheme == VTPM_ALG_NULL)
		return vtpm_param_check(rd, 1);
	hash = vtpm_rd_u16(rd);
	if (scheme == VTPM_ALG_XOR) {
		kdf = vtpm_rd_u16(rd);
		if (vtpm_rd_ok(rd) && kdf != VTPM_ALG_KDF1_SP800_108)
			return vtpm_rc_param(VTPM_RC_KDF, 1);
	} else if (scheme != VTPM_ALG_HMAC) {
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	}
	if (!vtpm_rd_ok(rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	return vtpm_hash_from_alg(hash) < 0 ?
	       vtpm_rc_param(VTPM_RC_HASH, 1) : 0;
}

/* TPMT_SYM_DEF_OBJECT of a SYMCIPHER: AES-128/256 in CFB mode */
static u32 test_symcipher(struct vtpm_rd *rd)
{
	u16 alg = vtpm_rd_u16(rd), bits, mode;

	if (alg != VTPM_ALG_AES)
		return vtpm_rd_ok(rd) ? vtpm_rc_param(VTPM_RC_SYMMETRIC, 1)
				      : vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	bits = vtpm_rd_u16(rd);
	mode = vtpm_rd_u16(rd);
	if (!vtpm_rd_ok(rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	if (bits != 128 && bits != 256)
		return vtpm_rc_param(VTPM_RC_KEY_SIZE, 1);
	if (mode != VTPM_ALG_CFB)
		return vtpm_rc_param(VTPM_RC_MODE, 1);
	return 0;
}

VTPM_CMD(test_parms)
{
	struct vtpm_rd rd;
	u16 type;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	type = vtpm_rd_u16(&rd);
	if (!vtpm_rd_ok(&rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	switch (type) {
	case VTPM_ALG_KEYEDHASH:
		rc = test_keyedhash(&rd);
		break;
	case VTPM_ALG_SYMCIPHER:
		rc = test_symcipher(&rd);
		break;
	default:	/* RSA and ECC keys come with the next issue */
		return vtpm_rc_param(VTPM_RC_TYPE, 1);
	}
	return rc ? rc : vtpm_param_end(&rd);
}
