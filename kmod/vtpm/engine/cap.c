// SPDX-License-Identifier: GPL-2.0
/*
 * GetCapability. Lists start at the requested property and hold at most
 * propertyCount entries, bounded so that the capability data fits in
 * TPM_PT_MAX_CAP_BUFFER (1024) bytes as the reference TPM bounds them;
 * moreData says whether entries are left after the last one returned.
 *
 * PCRS lists every bank the engine supports (SHA-1, SHA-256, SHA-384):
 * allocated banks with all 24 PCRs selected, the others with none (as a
 * TPM shows banks that PCR_Allocate left out). ECC_CURVES is empty: no
 * ECC key is supported yet, and TestParms refuses ECC parameters alike.
 */
#include "cmds.h"

#define MAX_CAP_BUFFER		1024
#define MAX_CAP_DATA		(MAX_CAP_BUFFER - 4 - 4)
#define MAX_CAP_ALGS		(MAX_CAP_DATA / 6)
#define MAX_CAP_HANDLES		(MAX_CAP_DATA / 4)
#define MAX_CAP_CC		(MAX_CAP_DATA / 4)
#define MAX_TPM_PROPERTIES	(MAX_CAP_DATA / 8)
#define MAX_PCR_PROPERTIES	(MAX_CAP_DATA / 8)

#define FOURCC(a, b, c, d)	((u32)(a) << 24 | (u32)(b) << 16 | \
				 (u32)(c) << 8 | (u32)(d))

/* implemented algorithms, sorted by ID */
static const struct {
	u16 alg;
	u32 attrs;
} algs[] = {
	{ VTPM_ALG_SHA1, VTPM_ALGA_HASH },
	{ VTPM_ALG_HMAC, VTPM_ALGA_HASH | VTPM_ALGA_SIGNING },
	{ VTPM_ALG_AES, VTPM_ALGA_SYMMETRIC },
	{ VTPM_ALG_KEYEDHASH, VTPM_ALGA_HASH | VTPM_ALGA_OBJECT |
			      VTPM_ALGA_SIGNING | VTPM_ALGA_ENCRYPTING },
	{ VTPM_ALG_XOR, VTPM_ALGA_SYMMETRIC | VTPM_ALGA_HASH },
	{ VTPM_ALG_SHA256, VTPM_ALGA_HASH },
	{ VTPM_ALG_SHA384, VTPM_ALGA_HASH },
	{ VTPM_ALG_SHA512, VTPM_ALGA_HASH },
	{ VTPM_ALG_NULL, 0 },
	{ VTPM_ALG_KDF1_SP800_108, VTPM_ALGA_HASH | VTPM_ALGA_METHOD },
	{ VTPM_ALG_SYMCIPHER, VTPM_ALGA_OBJECT },
	{ VTPM_ALG_CFB, VTPM_ALGA_SYMMETRIC | VTPM_ALGA_ENCRYPTING },
};

static const u32 permanent_handles[] = {
	VTPM_RH_OWNER, VTPM_RH_NULL, VTPM_RS_PW, VTPM_RH_LOCKOUT,
	VTPM_RH_ENDORSEMENT, VTPM_RH_PLATFORM, VTPM_RH_PLATFORM_NV,
};

static void cap_algs(u32 first, u32 max, struct vtpm_wr *w)
{
	unsigned int i, n = 0;
	u8 *more = vtpm_wr_room(w, 1);
	u8 *cnt;

	vtpm_wr_u32(w, VTPM_CAP_ALGS);
	cnt = vtpm_wr_room(w, 4);
	if (!cnt)
		return;
	*more = 0;
	for (i = 0; i < ARRAY_SIZE(algs); i++) {
		if (algs[i].alg < first)
			continue;
		if (n == max) {
			*more = 1;
			break;
		}
		vtpm_wr_u16(w, algs[i].alg);
		vtpm_wr_u32(w, algs[i].attrs);
		n++;
	}
	vtpm_put_u32(cnt, n);
}

/* a sorted handle list from @first: at most @max written, moreData */
static void put_handles(struct vtpm_wr *w, const u32 *h, unsigned int count,
			u32 first, u32 max)
{
	unsigned int i, n = 0;
	u8 *more = vtpm_wr_room(w, 1);
	u8 *cnt;

	vtpm_wr_u32(w, VTPM_CAP_HANDLES);
	cnt = vtpm_wr_room(w, 4);
	if (!cnt)
		return;
	*more = 0;
	for (i = 0; i < count; i++) {
		if (h[i] < first)
			continue;
		if (n == max) {
			*more = 1;
			break;
		}
		vtpm_wr_u32(w, h[i]);
		n++;
	}
	vtpm_put_u32(cnt, n);
}

static void sort_u32(u32 *v, unsigned int n)
{
	unsigned int i, j;
	u32 t;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/*
 * Loaded (TPM_HT_LOADED_SESSION) or saved (TPM_HT_SAVED_SESSION)
 * sessions, from index @first on. A handle keeps its type (0x02 HMAC,
 * 0x03 policy) but the list is ordered by index.
 */
static unsigned int session_handles(struct vtpm_engine *e, u32 *h,
				    enum vtpm_sess_state st, u32 first)
{
	unsigned int n, i, j, k = 0;
	u32 t;

	n = vtpm_sess_handles(e, VTPM_HT_HMAC_SESSION, st, 0, h,
			      VTPM_MAX_ACTIVE_SESSIONS);
	n += vtpm_sess_handles(e, VTPM_HT_POLICY_SESSION, st, 0, h + n,
			       VTPM_MAX_ACTIVE_SESSIONS - n);
	for (i = 0; i < n; i++)
		if ((h[i] & 0x00FFFFFF) >= (first & 0x00FFFFFF))
			h[k++] = h[i];
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && (h[j - 1] & 0x00FFFFFF) >
				     (h[j] & 0x00FFFFFF); j--) {
			t = h[j];
			h[j] = h[j - 1];
			h[j - 1] = t;
		}
	return k;
}

static u32 cap_handles(struct vtpm_engine *e, u32 first, u32 max,
		       struct vtpm_wr *w)
{
	u32 h[VTPM_MAX_ACTIVE_SESSIONS];	/* every active session */
	unsigned int i, n = 0;

	switch (VTPM_HANDLE_TYPE(first)) {
	case VTPM_HT_PCR:
		for (i = 0; i < VTPM_PCR_COUNT; i++)
			h[n++] = i;
		break;
	case VTPM_HT_HMAC_SESSION:	/* TPM_HT_LOADED_SESSION */
	case VTPM_HT_POLICY_SESSION:	/* TPM_HT_SAVED_SESSION */
		n = session_handles(e, h,
				    VTPM_HANDLE_TYPE(first) ==
				    VTPM_HT_HMAC_SESSION ? VTPM_SESS_LOADED :
				    VTPM_SESS_SAVED, first);
		first = 0;
		break;
	case VTPM_HT_PERMANENT:
		for (i = 0; i < ARRAY_SIZE(permanent_handles); i++)
			h[n++] = permanent_handles[i];
		sort_u32(h, n);
		break;
	case VTPM_HT_TRANSIENT:
		for (i = 0; i < VTPM_MAX_LOADED_OBJECTS; i++)
			if (e->objects[i].kind != VTPM_OBJ_FREE)
				h[n++] = e->objects[i].handle;
		sort_u32(h, n);
		break;
	case VTPM_HT_PERSISTENT:
	case VTPM_HT_NV_INDEX:
		break;
	default:
		return vtpm_rc_param(VTPM_RC_HANDLE, 2);
	}
	put_handles(w, h, n, first, max);
	return 0;
}

static void cap_commands(u32 first, u32 max, struct vtpm_wr *w)
{
	unsigned int i, n = 0;
	u8 *more = vtpm_wr_room(w, 1);
	u8 *cnt;

	vtpm_wr_u32(w, VTPM_CAP_COMMANDS);
	cnt = vtpm_wr_room(w, 4);
	if (!cnt)
		return;
	*more = 0;
	for (i = 0; i < vtpm_cc_count; i++) {
		if (vtpm_cc_table[i].cc < first)	/* no vendor commands */
			continue;
		if (n == max) {
			*more = 1;
			break;
		}
		vtpm_wr_u32(w, vtpm_cc_table[i].attrs | vtpm_cc_table[i].cc);
		n++;
	}
	vtpm_put_u32(cnt, n);
}

static void cap_pcrs(struct vtpm_engine *e, struct vtpm_wr *w)
{
	unsigned int i;
	u8 bits;

	vtpm_wr_u8(w, 0);
	vtpm_wr_u32(w, VTPM_CAP_PCRS);
	vtpm_wr_u32(w, vtpm_pcr_nbanks);
	for (i = 0; i < vtpm_pcr_nbanks; i++) {
		bits = vtpm_pcr_bank_allocated(e, vtpm_pcr_banks[i]) ? 0xFF : 0;
		vtpm_wr_u16(w, vtpm_hash_alg(vtpm_pcr_banks[i]));
		vtpm_wr_u8(w, VTPM_PCR_SELECT_MAX);
		vtpm_wr_u8(w, bits);
		vtpm_wr_u8(w, bits);
		vtpm_wr_u8(w, bits);
	}
}

static u32 prop_fixed(struct vtpm_engine *e, u32 pt, bool *ok)
{
	*ok = true;
	switch (pt) {
	case VTPM_PT_FAMILY_INDICATOR:
		return FOURCC('2', '.', '0', 0);
	case VTPM_PT_REVISION:		return 159;	/* 1.59 */
	case VTPM_PT_DAY_OF_YEAR:	return 312;
	case VTPM_PT_YEAR:		return 2019;
	case VTPM_PT_MANUFACTURER:	return FOURCC('V', 'H', 'V', 0);
	case VTPM_PT_VENDOR_STRING_1:	return FOURCC('V', 'H', 'V', ' ');
	case VTPM_PT_VENDOR_STRING_2:	return FOURCC('v', 't', 'p', 'm');
	case VTPM_PT_VENDOR_TPM_TYPE:	return 1;
	case VTPM_PT_FIRMWARE_VERSION_1: return 0x00010000;
	case VTPM_PT_INPUT_BUFFER:	return 1024;
	case VTPM_PT_HR_TRANSIENT_MIN:	return VTPM_MAX_LOADED_OBJECTS;
	case VTPM_PT_HR_LOADED_MIN:	return VTPM_MAX_LOADED_SESSIONS;
	case VTPM_PT_ACTIVE_SESSIONS_MAX: return VTPM_MAX_ACTIVE_SESSIONS;
	case VTPM_PT_PCR_COUNT:		return VTPM_PCR_COUNT;
	case VTPM_PT_PCR_SELECT_MIN:	return VTPM_PCR_SELECT_MAX;
	case VTPM_PT_CONTEXT_GAP_MAX:	return 0xFFFF;
	case VTPM_PT_CLOCK_UPDATE:	return 0x1000;
	case VTPM_PT_CONTEXT_HASH:	return VTPM_ALG_SHA256;
	case VTPM_PT_CONTEXT_SYM:	return VTPM_ALG_AES;
	case VTPM_PT_CONTEXT_SYM_SIZE:	return 256;
	case VTPM_PT_MAX_COMMAND_SIZE:
	case VTPM_PT_MAX_RESPONSE_SIZE:	return VTPM_BUF_SIZE;
	case VTPM_PT_MAX_DIGEST:	return VTPM_HASH_MAX_DIGEST;
	case VTPM_PT_MAX_OBJECT_CONTEXT: return VTPM_OBJECT_CONTEXT_MAX;
	case VTPM_PT_MAX_SESSION_CONTEXT: return VTPM_SESSION_CONTEXT_MAX;
	case VTPM_PT_PS_FAMILY_INDICATOR: return 1;	/* PC Client */
	case VTPM_PT_PS_REVISION:	return 0x105;
	case VTPM_PT_TOTAL_COMMANDS:
	case VTPM_PT_LIBRARY_COMMANDS:	return vtpm_cc_count;
	case VTPM_PT_NV_BUFFER_MAX:	return 1024;
	case VTPM_PT_MAX_CAP_BUFFER:	return MAX_CAP_BUFFER;
	default:
		/* the rest of the fixed block is 0 here */
		*ok = pt >= VTPM_PT_FIXED && pt <= VTPM_PT_MAX_CAP_BUFFER &&
		      pt != 0x115;
		return 0;
	}
}

static u32 prop_permanent(struct vtpm_engine *e)
{
	u32 v = 0;

	if (e->owner_auth.size)
		v |= VTPM_PERM_OWNER_AUTH_SET;
	if (e->endorsement_auth.size)
		v |= VTPM_PERM_ENDORSEMENT_AUTH_SET;
	if (e->lockout_auth.size)
		v |= VTPM_PERM_LOCKOUT_AUTH_SET;
	if (e->disable_clear)
		v |= VTPM_PERM_DISABLE_CLEAR;
	return v | VTPM_PERM_TPM_GENERATED_EPS;
}

static u32 prop_var(struct vtpm_engine *e, u32 pt, bool *ok)
{
	unsigned int loaded = vtpm_sess_count(e, VTPM_SESS_LOADED);
	unsigned int active = loaded + vtpm_sess_count(e, VTPM_SESS_SAVED);

	*ok = true;
	switch (pt) {
	case VTPM_PT_PERMANENT:		return prop_permanent(e);
	case VTPM_PT_STARTUP_CLEAR:
		return e->startup_clear |
		       (e->orderly_startup ? VTPM_SC_ORDERLY : 0);
	case VTPM_PT_HR_LOADED:		return loaded;
	case VTPM_PT_HR_LOADED_AVAIL:	return VTPM_MAX_LOADED_SESSIONS - loaded;
	case VTPM_PT_HR_ACTIVE:		return active;
	case VTPM_PT_HR_ACTIVE_AVAIL:	return VTPM_MAX_ACTIVE_SESSIONS - active;
	case VTPM_PT_HR_TRANSIENT_AVAIL:
		return VTPM_MAX_LOADED_OBJECTS - vtpm_object_count(e);
	case VTPM_PT_MAX_AUTH_FAIL:	return 3;
	case VTPM_PT_LOCKOUT_INTERVAL:
	case VTPM_PT_LOCKOUT_RECOVERY:	return 1000;
	default:
		*ok = pt >= VTPM_PT_VAR && pt <= VTPM_PT_AUDIT_COUNTER_1;
		return 0;
	}
}

static u32 prop_value(struct vtpm_engine *e, u32 pt, bool *ok)
{
	if (pt >= VTPM_PT_VAR)
		return prop_var(e, pt, ok);
	return prop_fixed(e, pt, ok);
}

static void cap_properties(struct vtpm_engine *e, u32 first, u32 max,
			   struct vtpm_wr *w)
{
	u8 *more = vtpm_wr_room(w, 1);
	unsigned int n = 0;
	u32 pt, v;
	u8 *cnt;
	bool ok;

	vtpm_wr_u32(w, VTPM_CAP_TPM_PROPERTIES);
	cnt = vtpm_wr_room(w, 4);
	if (!cnt)
		return;
	*more = 0;
	pt = first < VTPM_PT_FIXED ? VTPM_PT_FIXED : first;
	for (; pt <= VTPM_PT_AUDIT_COUNTER_1; pt++) {
		if (pt > VTPM_PT_MAX_CAP_BUFFER && pt < VTPM_PT_VAR)
			pt = VTPM_PT_VAR;
		v = prop_value(e, pt, &ok);
		if (!ok)
			continue;
		if (n == max) {
			*more = 1;
			break;
		}
		vtpm_wr_u32(w, pt);
		vtpm_wr_u32(w, v);
		n++;
	}
	vtpm_put_u32(cnt, n);
}

/* PC Client PCR attributes, for a caller at locality 0..4 */
static u32 pcr_prop_bits(u32 tag, bool *ok)
{
	*ok = true;
	switch (tag) {
	case VTPM_PT_PCR_SAVE:		return 0x00FFFF;
	case VTPM_PT_PCR_EXTEND_L0:
	case VTPM_PT_PCR_EXTEND_L1:	return 0x81FFFF;
	case VTPM_PT_PCR_RESET_L0:
	case VTPM_PT_PCR_RESET_L1:	return 0x810000;
	case VTPM_PT_PCR_EXTEND_L2:	return 0x9FFFFF;
	case VTPM_PT_PCR_RESET_L2:	return 0x990000;
	case VTPM_PT_PCR_EXTEND_L3:	return 0x8FFFFF;
	case VTPM_PT_PCR_RESET_L3:	return 0x810000;
	case VTPM_PT_PCR_EXTEND_L4:	return 0x83FFFF;
	case VTPM_PT_PCR_RESET_L4:	return 0x9F0000;
	case VTPM_PT_PCR_NO_INCREMENT:	return 0x810000;
	case VTPM_PT_PCR_DRTM_RESET:	return 0x7E0000;
	case VTPM_PT_PCR_POLICY:
	case VTPM_PT_PCR_AUTH:		return 0;
	default:
		*ok = false;
		return 0;
	}
}

static void cap_pcr_properties(u32 first, u32 max, struct vtpm_wr *w)
{
	u8 *more = vtpm_wr_room(w, 1);
	unsigned int n = 0;
	u32 tag, bits;
	u8 *cnt;
	bool ok;

	vtpm_wr_u32(w, VTPM_CAP_PCR_PROPERTIES);
	cnt = vtpm_wr_room(w, 4);
	if (!cnt)
		return;
	*more = 0;
	for (tag = first; tag <= VTPM_PT_PCR_AUTH; tag++) {
		bits = pcr_prop_bits(tag, &ok);
		if (!ok)
			continue;
		if (n == max) {
			*more = 1;
			break;
		}
		vtpm_wr_u32(w, tag);
		vtpm_wr_u8(w, VTPM_PCR_SELECT_MAX);
		vtpm_wr_u8(w, bits);
		vtpm_wr_u8(w, bits >> 8);
		vtpm_wr_u8(w, bits >> 16);
		n++;
	}
	vtpm_put_u32(cnt, n);
}

static void cap_empty(u32 cap, struct vtpm_wr *w)
{
	vtpm_wr_u8(w, 0);
	vtpm_wr_u32(w, cap);
	vtpm_wr_u32(w, 0);
}

VTPM_CMD(get_capability)
{
	struct vtpm_rd rd;
	u32 cap, prop, count;
	u32 rc;

	vtpm_rd_init(&rd, c->params, c->params_len);
	cap = vtpm_rd_u32(&rd);
	if (!vtpm_rd_ok(&rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 1);
	prop = vtpm_rd_u32(&rd);
	if (!vtpm_rd_ok(&rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, 2);
	count = vtpm_rd_u32(&rd);
	rc = vtpm_param_last(&rd, 3);
	if (rc)
		return rc;
	switch (cap) {
	case VTPM_CAP_ALGS:
		cap_algs(prop, min_t(u32, count, MAX_CAP_ALGS), &r->out);
		return 0;
	case VTPM_CAP_HANDLES:
		return cap_handles(e, prop, min_t(u32, count, MAX_CAP_HANDLES),
				   &r->out);
	case VTPM_CAP_COMMANDS:
		cap_commands(prop, min_t(u32, count, MAX_CAP_CC), &r->out);
		return 0;
	case VTPM_CAP_PCRS:
		cap_pcrs(e, &r->out);
		return 0;
	case VTPM_CAP_TPM_PROPERTIES:
		cap_properties(e, prop, min_t(u32, count, MAX_TPM_PROPERTIES),
			       &r->out);
		return 0;
	case VTPM_CAP_PCR_PROPERTIES:
		cap_pcr_properties(prop, min_t(u32, count, MAX_PCR_PROPERTIES),
				   &r->out);
		return 0;
	case VTPM_CAP_PP_COMMANDS:
	case VTPM_CAP_AUDIT_COMMANDS:
	case VTPM_CAP_ECC_CURVES:
	case VTPM_CAP_AUTH_POLICIES:
		cap_empty(cap, &r->out);
		return 0;
	default:
		return vtpm_rc_param(VTPM_RC_VALUE, 1);
	}
}
