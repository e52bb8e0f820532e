// SPDX-License-Identifier: GPL-2.0
/*
 * The command path: header, handle area and authorization area are
 * checked against the command's length before anything is parsed, the
 * sessions authorize, the handler runs, and the response is assembled
 * around what the handler wrote. Every failure is a bare 10-byte error
 * response; nothing is ever written beyond the caller's buffer.
 */
#include "cmds.h"

#define ROLES(a, b, c)	{ VTPM_ROLE_##a, VTPM_ROLE_##b, VTPM_ROLE_##c }
#define CH(n)		((u32)(n) << VTPM_CCA_CHANDLES_SHIFT)
#define NV		VTPM_CCA_NV
#define FL		VTPM_CCA_FLUSHED
#define RH		VTPM_CCA_RHANDLE
#define RO		VTPM_CCF_KEEPS_ORDERLY

#define HK_PCR_NULL	(VTPM_HK_PCR | VTPM_HK_NULL)
#define HK_CLEAR	(VTPM_HK_LOCKOUT | VTPM_HK_PLATFORM)
#define HK_HIER_AUTH	(VTPM_HK_HIERARCHY | VTPM_HK_LOCKOUT)
#define HK_CONTEXT	(VTPM_HK_TRANSIENT | VTPM_HK_HMAC_SESS | \
			 VTPM_HK_POLICY_SESS)

#define CMD(code, at, r, k0, k1, f, fn_)				\
	{ .cc = VTPM_CC_##code, .attrs = (at), .roles = r,		\
	  .hkinds = { k0, k1, 0 }, .flags = (f),			\
	  .fn = vtpm_cmd_##fn_, .name = #code }

/*
 * TPMA_CC as libtpms reports them (swtpm 0.7.1), so the kernel's
 * resource manager sees the same table as with swtpm. Sorted by code.
 */
const struct vtpm_cc_desc vtpm_cc_table[] = {
	CMD(HierarchyControl, CH(1) | NV | VTPM_CCA_EXTENSIVE,
	    ROLES(USER, NONE, NONE), VTPM_HK_HIERARCHY, 0, 0,
	    hierarchy_control),
	CMD(Clear, CH(1) | NV | VTPM_CCA_EXTENSIVE, ROLES(USER, NONE, NONE),
	    HK_CLEAR, 0, 0, clear),
	CMD(ClearControl, CH(1) | NV, ROLES(USER, NONE, NONE), HK_CLEAR, 0, 0,
	    clear_control),
	CMD(HierarchyChangeAuth, CH(1) | NV, ROLES(USER, NONE, NONE),
	    HK_HIER_AUTH, 0, 0, hierarchy_change_auth),
	CMD(SetPrimaryPolicy, CH(1) | NV, ROLES(USER, NONE, NONE),
	    HK_HIER_AUTH, 0, 0, set_primary_policy),
	CMD(PCR_Event, CH(1) | NV, ROLES(USER, NONE, NONE), HK_PCR_NULL, 0, 0,
	    pcr_event),
	CMD(PCR_Reset, CH(1) | NV, ROLES(USER, NONE, NONE), VTPM_HK_PCR, 0, 0,
	    pcr_reset),
	CMD(SequenceComplete, CH(1) | FL, ROLES(USER, NONE, NONE),
	    VTPM_HK_OBJECT, 0, 0, sequence_complete),
	CMD(IncrementalSelfTest, NV, ROLES(NONE, NONE, NONE), 0, 0, RO,
	    incremental_self_test),
	CMD(SelfTest, NV, ROLES(NONE, NONE, NONE), 0, 0, RO, self_test),
	CMD(Startup, NV, ROLES(NONE, NONE, NONE), 0, 0, 0, startup),
	CMD(Shutdown, NV, ROLES(NONE, NONE, NONE), 0, 0, 0, shutdown),
	CMD(StirRandom, NV, ROLES(NONE, NONE, NONE), 0, 0, RO, stir_random),
	CMD(SequenceUpdate, CH(1), ROLES(USER, NONE, NONE), VTPM_HK_OBJECT, 0,
	    0, sequence_update),
	CMD(ContextLoad, RH, ROLES(NONE, NONE, NONE), 0, 0, 0, context_load),
	CMD(ContextSave, CH(1), ROLES(NONE, NONE, NONE), HK_CONTEXT, 0, 0,
	    context_save),
	CMD(FlushContext, 0, ROLES(NONE, NONE, NONE), 0, 0, 0, flush_context),
	CMD(PolicyAuthValue, CH(1), ROLES(NONE, NONE, NONE),
	    VTPM_HK_POLICY_SESS, 0, 0, policy_auth_value),
	CMD(PolicyCommandCode, CH(1), ROLES(NONE, NONE, NONE),
	    VTPM_HK_POLICY_SESS, 0, 0, policy_command_code),
	CMD(PolicyOR, CH(1), ROLES(NONE, NONE, NONE), VTPM_HK_POLICY_SESS, 0,
	    0, policy_or),
	CMD(StartAuthSession, CH(2) | RH, ROLES(NONE, NONE, NONE),
	    VTPM_HK_OBJECT | VTPM_HK_NULL, VTPM_HK_ENTITY | VTPM_HK_NULL, 0,
	    start_auth_session),
	CMD(GetCapability, 0, ROLES(NONE, NONE, NONE), 0, 0, RO,
	    get_capability),
	CMD(GetRandom, 0, ROLES(NONE, NONE, NONE), 0, 0, RO, get_random),
	CMD(GetTestResult, 0, ROLES(NONE, NONE, NONE), 0, 0, RO,
	    get_test_result),
	CMD(Hash, 0, ROLES(NONE, NONE, NONE), 0, 0, RO, hash),
	CMD(PCR_Read, 0, ROLES(NONE, NONE, NONE), 0, 0, RO, pcr_read),
	CMD(PolicyPCR, CH(1), ROLES(NONE, NONE, NONE), VTPM_HK_POLICY_SESS, 0,
	    0, policy_pcr),
	CMD(PolicyRestart, CH(1), ROLES(NONE, NONE, NONE),
	    VTPM_HK_POLICY_SESS, 0, 0, policy_restart),
	CMD(ReadClock, 0, ROLES(NONE, NONE, NONE), 0, 0, RO, read_clock),
	CMD(PCR_Extend, CH(1) | NV, ROLES(USER, NONE, NONE), HK_PCR_NULL, 0,
	    0, pcr_extend),
	CMD(EventSequenceComplete, CH(2) | NV | FL, ROLES(USER, USER, NONE),
	    HK_PCR_NULL, VTPM_HK_OBJECT, 0, event_sequence_complete),
	CMD(HashSequenceStart, RH, ROLES(NONE, NONE, NONE), 0, 0, 0,
	    hash_sequence_start),
	CMD(PolicyGetDigest, CH(1), ROLES(NONE, NONE, NONE),
	    VTPM_HK_POLICY_SESS, 0, 0, policy_get_digest),
	CMD(TestParms, 0, ROLES(NONE, NONE, NONE), 0, 0, RO, test_parms),
	CMD(PolicyPassword, CH(1), ROLES(NONE, NONE, NONE),
	    VTPM_HK_POLICY_SESS, 0, 0, policy_password),
};

const unsigned int vtpm_cc_count = ARRAY_SIZE(vtpm_cc_table);

const struct vtpm_cc_desc *vtpm_cc_find(u32 cc)
{
	unsigned int lo = 0, hi = vtpm_cc_count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (vtpm_cc_table[mid].cc == cc)
			return &vtpm_cc_table[mid];
		if (vtpm_cc_table[mid].cc < cc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

u32 vtpm_param_tpm2b(struct vtpm_rd *rd, const u8 **data, u16 *size,
		     u16 max, unsigned int n)
{
	u16 sz = vtpm_rd_u16(rd);

	*data = NULL;
	*size = 0;
	if (!vtpm_rd_ok(rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, n);
	if (sz > max)
		return vtpm_rc_param(VTPM_RC_SIZE, n);
	*data = vtpm_rd_take(rd, sz);
	if (!vtpm_rd_ok(rd))
		return vtpm_rc_param(VTPM_RC_INSUFFICIENT, n);
	*size = sz;
	return 0;
}

u32 vtpm_param_check(const struct vtpm_rd *rd, unsigned int n)
{
	return vtpm_rd_ok(rd) ? 0 : vtpm_rc_param(VTPM_RC_INSUFFICIENT, n);
}

u32 vtpm_param_end(const struct vtpm_rd *rd)
{
	return rd->left ? VTPM_RC_SIZE : 0;
}

u32 vtpm_param_last(const struct vtpm_rd *rd, unsigned int n)
{
	u32 rc = vtpm_param_check(rd, n);

	return rc ? rc : vtpm_param_end(rd);
}

u32 vtpm_param_2b_hash(struct vtpm_rd *rd, const u8 **data, u16 *size,
		       u16 max, u16 *alg, int *h)
{
	u32 rc = vtpm_param_tpm2b(rd, data, size, max, 1);

	if (rc)
		return rc;
	*alg = vtpm_rd_u16(rd);
	rc = vtpm_param_check(rd, 2);
	if (rc)
		return rc;
	*h = vtpm_hash_from_alg(*alg);
	if (*h < 0 && *alg != VTPM_ALG_NULL)
		return vtpm_rc_param(VTPM_RC_HASH, 2);
	return vtpm_param_end(rd);
}

static u16 permanent_kind(u32 h)
{
	switch (h) {
	case VTPM_RH_OWNER:
		return VTPM_HK_OWNER;
	case VTPM_RH_ENDORSEMENT:
		return VTPM_HK_ENDORSEMENT;
	case VTPM_RH_PLATFORM:
		return VTPM_HK_PLATFORM;
	case VTPM_RH_LOCKOUT:
		return VTPM_HK_LOCKOUT;
	case VTPM_RH_NULL:
		return VTPM_HK_NULL;
	default:
		return 0;
	}
}

static bool session_loaded(struct vtpm_engine *e, u32 h)
{
	struct vtpm_session *s = vtpm_sess_get(e, h);

	return s && s->state == VTPM_SESS_LOADED;
}

/* checks handle @i (0-based) of the handle area against its TPMI type */
static u32 check_handle(struct vtpm_engine *e, u32 h, u16 kinds,
			unsigned int i)
{
	u32 bad = vtpm_rc_handle(VTPM_RC_VALUE, i + 1);
	u16 k;

	switch (VTPM_HANDLE_TYPE(h)) {
	case VTPM_HT_PCR:
		return (kinds & VTPM_HK_PCR) && h < VTPM_PCR_COUNT ? 0 : bad;
	case VTPM_HT_TRANSIENT:
		if (!(kinds & VTPM_HK_TRANSIENT))
			return bad;
		return vtpm_object_get(e, h) ? 0 : VTPM_RC_REFERENCE_H0 + i;
	case VTPM_HT_HMAC_SESSION:
	case VTPM_HT_POLICY_SESSION:
		k = VTPM_HANDLE_TYPE(h) == VTPM_HT_HMAC_SESSION ?
		    VTPM_HK_HMAC_SESS : VTPM_HK_POLICY_SESS;
		if (!(kinds & k))
			return bad;
		return session_loaded(e, h) ? 0 : VTPM_RC_REFERENCE_H0 + i;
	case VTPM_HT_PERSISTENT:
		/* none exist yet */
		if (!(kinds & VTPM_HK_PERSISTENT))
			return bad;
		return vtpm_rc_handle(VTPM_RC_HANDLE, i + 1);
	case VTPM_HT_NV_INDEX:
		if (!(kinds & VTPM_HK_NV))
			return bad;
		return vtpm_rc_handle(VTPM_RC_HANDLE, i + 1);
	case VTPM_HT_PERMANENT:
		k = permanent_kind(h);
		if (!k || !(kinds & k))
			return bad;
		if (k != VTPM_HK_NULL && !vtpm_hierarchy_enabled(e, h))
			return vtpm_rc_handle(VTPM_RC_HIERARCHY, i + 1);
		return 0;
	default:
		return bad;
	}
}

static u32 parse_handles(struct vtpm_engine *e, struct vtpm_rd *rd,
			 struct vtpm_cmd *c)
{
	unsigned int i;
	u32 rc;

	c->nhandles = vtpm_cc_nhandles(c->desc);
	for (i = 0; i < c->nhandles; i++) {
		c->handles[i] = vtpm_rd_u32(rd);
		if (!vtpm_rd_ok(rd))
			return VTPM_RC_INSUFFICIENT;
	}
	for (i = 0; i < c->nhandles; i++) {
		rc = check_handle(e, c->handles[i], c->desc->hkinds[i], i);
		if (rc)
			return rc;
	}
	return 0;
}

static u32 parse_one_auth(struct vtpm_rd *a, struct vtpm_auth *au,
			  unsigned int n)
{
	const u8 *p;
	u16 sz;

	memset(au, 0, sizeof(*au));
	au->handle = vtpm_rd_u32(a);
	sz = vtpm_rd_u16(a);
	if (!vtpm_rd_ok(a))
		return VTPM_RC_AUTHSIZE;
	if (sz > VTPM_HASH_MAX_DIGEST)
		return vtpm_rc_session(VTPM_RC_SIZE, n);
	p = vtpm_rd_take(a, sz);
	if (p) {
		au->nonce.size = sz;
		memcpy(au->nonce.buf, p, sz);
	}
	au->attrs = vtpm_rd_u8(a);
	sz = vtpm_rd_u16(a);
	if (!vtpm_rd_ok(a))
		return VTPM_RC_AUTHSIZE;
	if (sz > VTPM_HASH_MAX_DIGEST)
		return vtpm_rc_session(VTPM_RC_SIZE, n);
	p = vtpm_rd_take(a, sz);
	if (!p && sz)
		return VTPM_RC_AUTHSIZE;
	au->hmac.size = sz;
	if (sz)
		memcpy(au->hmac.buf, p, sz);
	switch (VTPM_HANDLE_TYPE(au->handle)) {
	case VTPM_HT_HMAC_SESSION:
	case VTPM_HT_POLICY_SESSION:
		return 0;
	default:
		return au->handle == VTPM_RS_PW ?
		       0 : vtpm_rc_session(VTPM_RC_HANDLE, n);
	}
}

static unsigned int auth_handles(const struct vtpm_cc_desc *d)
{
	unsigned int i, n = 0;

	for (i = 0; i < vtpm_cc_nhandles(d); i++)
		n += d->roles[i] != VTPM_ROLE_NONE;
	return n;
}

static u32 parse_auths(struct vtpm_rd *rd, struct vtpm_cmd *c)
{
	struct vtpm_rd a;
	const u8 *p;
	u32 size, rc;

	c->nauths = 0;
	if (c->tag == VTPM_ST_NO_SESSIONS)
		return auth_handles(c->desc) ? VTPM_RC_AUTH_MISSING : 0;
	size = vtpm_rd_u32(rd);
	if (!vtpm_rd_ok(rd) || size > rd->left || size < 9)
		return VTPM_RC_AUTHSIZE;
	p = vtpm_rd_take(rd, size);
	vtpm_rd_init(&a, p, size);
	while (a.left) {
		if (c->nauths == VTPM_MAX_SESSIONS_PER_CMD)
			return VTPM_RC_AUTHSIZE;
		rc = parse_one_auth(&a, &c->auths[c->nauths], c->nauths + 1);
		if (rc)
			return rc;
		c->nauths++;
	}
	if (c->nauths < auth_handles(c->desc))
		return VTPM_RC_AUTH_MISSING;
	return 0;
}

/* the bare 10-byte response of an error */
static u32 error_rsp(u8 *rsp, u32 rc)
{
	vtpm_put_u16(rsp, VTPM_ST_NO_SESSIONS);
	vtpm_put_u32(rsp + 2, VTPM_RSP_HDR_SIZE);
	vtpm_put_u32(rsp + 6, rc);
	return VTPM_RSP_HDR_SIZE;
}

/* header checks; fills c->tag, c->cc, c->desc */
static u32 parse_header(struct vtpm_engine *e, struct vtpm_rd *rd,
			u32 cmd_len, struct vtpm_cmd *c)
{
	u32 size;

	if (cmd_len < VTPM_RSP_HDR_SIZE || cmd_len > VTPM_BUF_SIZE)
		return VTPM_RC_COMMAND_SIZE;
	c->tag = vtpm_rd_u16(rd);
	size = vtpm_rd_u32(rd);
	c->cc = vtpm_rd_u32(rd);
	if (c->tag != VTPM_ST_SESSIONS && c->tag != VTPM_ST_NO_SESSIONS)
		return VTPM_RC_BAD_TAG;
	if (size != cmd_len)
		return VTPM_RC_COMMAND_SIZE;
	c->desc = vtpm_cc_find(c->cc);
	if (!c->desc)
		return VTPM_RC_COMMAND_CODE;
	if (!e->started && c->cc != VTPM_CC_Startup)
		return VTPM_RC_INITIALIZE;
	return 0;
}

static u32 parse_command(struct vtpm_engine *e, const u8 *cmd, u32 cmd_len,
			 struct vtpm_cmd *c)
{
	struct vtpm_rd rd;
	u32 rc;

	vtpm_rd_init(&rd, cmd, cmd_len);
	rc = parse_header(e, &rd, cmd_len, c);
	if (!rc)
		rc = parse_handles(e, &rd, c);
	if (!rc)
		rc = parse_auths(&rd, c);
	if (rc)
		return rc;
	c->params = rd.p;
	c->params_len = rd.left;
	return 0;
}

/*
 * Header, response handle, parameterSize (with sessions), the
 * parameters the handler wrote at rsp + @off, then the auth area.
 */
static u32 finish_rsp(struct vtpm_engine *e, struct vtpm_cmd *c,
		      struct vtpm_rsp *r, u8 *rsp, u32 rsp_size, u32 off)
{
	bool sess = c->tag == VTPM_ST_SESSIONS;
	u8 *params = rsp + off;
	struct vtpm_wr w;
	u32 p = VTPM_RSP_HDR_SIZE;

	if (r->out.err)
		return error_rsp(rsp, VTPM_RC_SIZE);
	if (c->desc->attrs & VTPM_CCA_RHANDLE) {
		vtpm_put_u32(rsp + p, r->handle);
		p += 4;
	}
	if (sess) {
		vtpm_put_u32(rsp + p, r->out.len);
		vtpm_wr_init(&w, params + r->out.len,
			     rsp_size - off - r->out.len);
		vtpm_sess_respond(e, c, params, r->out.len, &w);
		if (w.err)
			return error_rsp(rsp, VTPM_RC_SIZE);
		off += w.len;
	}
	off += r->out.len;
	vtpm_put_u16(rsp, c->tag);
	vtpm_put_u32(rsp + 2, off);
	vtpm_put_u32(rsp + 6, VTPM_RC_SUCCESS);
	return off;
}

static u32 run_command(struct vtpm_engine *e, struct vtpm_cmd *c, u8 *rsp,
		       u32 rsp_size)
{
	struct vtpm_rsp r = { 0 };
	u32 off = VTPM_RSP_HDR_SIZE, rc;

	if (c->desc->attrs & VTPM_CCA_RHANDLE)
		off += 4;
	if (c->tag == VTPM_ST_SESSIONS)
		off += 4;
	if (rsp_size < off)
		return error_rsp(rsp, VTPM_RC_SIZE);
	rc = vtpm_sess_authorize(e, c);
	if (rc)
		return error_rsp(rsp, rc);
	vtpm_wr_init(&r.out, rsp + off, rsp_size - off);
	rc = c->desc->fn(e, c, &r);
	if (rc)
		return error_rsp(rsp, rc);
	if (!(c->desc->flags & VTPM_CCF_KEEPS_ORDERLY) &&
	    c->cc != VTPM_CC_Shutdown)
		e->orderly = false;
	return finish_rsp(e, c, &r, rsp, rsp_size, off);
}

u32 vtpm_engine_execute(struct vtpm_engine *e, const u8 *cmd, u32 cmd_len,
			u8 *rsp, u32 rsp_size)
{
	struct vtpm_cmd *c = &e->cmd;
	u32 rc;

	if (rsp_size < VTPM_RSP_HDR_SIZE)
		return 0;
	memset(c, 0, sizeof(*c));
	rc = parse_command(e, cmd, cmd_len, c);
	if (rc)
		return error_rsp(rsp, rc);
	return run_command(e, c, rsp, rsp_size);
}

struct vtpm_engine *vtpm_engine_new(const struct vtpm_engine_cfg *cfg)
{
	struct vtpm_engine *e;

	if (!cfg || !cfg->banks || (cfg->banks & ~VTPM_BANKS_ALL))
		return NULL;
	e = vtpm_plat_zalloc(sizeof(*e));
	if (!e)
		return NULL;
	e->banks = cfg->banks;
	vtpm_misc_manufacture(e);
	return e;
}

void vtpm_engine_free(struct vtpm_engine *e)
{
	if (e)
		vtpm_plat_free(e, sizeof(*e));
}

size_t vtpm_engine_size(const struct vtpm_engine *e)
{
	return sizeof(*e);
}
