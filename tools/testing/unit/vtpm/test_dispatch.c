// SPDX-License-Identifier: GPL-2.0
/*
 * test_dispatch.c - the engine's command path (dispatch.c): marshalling
 * round trips, malformed headers, handle areas and authorization areas
 * with their exact response codes, responses that do not fit, and
 * truncated or random commands that must get an error, never a crash.
 */
#include "tap.h"

static void test_marshal(void)
{
	u8 buf[32];
	struct vtpm_wr w;
	struct vtpm_rd rd;
	const u8 *p;
	u16 n;

	vtpm_wr_init(&w, buf, sizeof(buf));
	vtpm_wr_u8(&w, 0xAB);
	vtpm_wr_u16(&w, 0x1234);
	vtpm_wr_u32(&w, 0xDEADBEEF);
	vtpm_wr_u64(&w, 0x0102030405060708ull);
	vtpm_wr_tpm2b(&w, "xyz", 3);
	ok(!w.err && w.len == 1 + 2 + 4 + 8 + 5, "marshal: writes %u bytes",
	   w.len);
	vtpm_rd_init(&rd, buf, w.len);
	ok(vtpm_rd_u8(&rd) == 0xAB && vtpm_rd_u16(&rd) == 0x1234 &&
	   vtpm_rd_u32(&rd) == 0xDEADBEEF &&
	   vtpm_rd_u64(&rd) == 0x0102030405060708ull,
	   "marshal: integers read back");
	n = vtpm_rd_tpm2b(&rd, &p, 8);
	ok(vtpm_rd_ok(&rd) && n == 3 && !memcmp(p, "xyz", 3) && !rd.left,
	   "marshal: TPM2B reads back, nothing left");
	vtpm_rd_u8(&rd);
	ok(!vtpm_rd_ok(&rd), "marshal: a read past the end latches an error");
	ok(vtpm_rd_u32(&rd) == 0 && !vtpm_rd_ok(&rd),
	   "marshal: later reads return 0 and stay failed");
	vtpm_rd_init(&rd, buf + 15, 5);
	vtpm_rd_tpm2b(&rd, &p, 2);
	ok(!vtpm_rd_ok(&rd) && !p, "marshal: TPM2B over its maximum fails");
	vtpm_wr_init(&w, buf, 5);
	vtpm_wr_u32(&w, 1);
	vtpm_wr_u16(&w, 2);
	ok(w.err && w.len == 4, "marshal: a write that does not fit latches");
	ok(vtpm_rc_handle(VTPM_RC_VALUE, 1) == 0x184 &&
	   vtpm_rc_param(VTPM_RC_SIZE, 1) == 0x1D5 &&
	   vtpm_rc_session(VTPM_RC_AUTH_FAIL, 1) == 0x98E,
	   "marshal: format-1 positions (0x184, 0x1d5, 0x98e)");
}

static void test_header(void)
{
	struct vtpm_engine_cfg cfg = { .banks = VTPM_BANKS_DEFAULT };
	struct vtpm_engine *e = vtpm_engine_new(&cfg);
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetRandom);
	cb_u16(&c, 8);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_INITIALIZE && r.len == 10 &&
	   vtpm_get_u16(r.b) == VTPM_ST_NO_SESSIONS,
	   "header: GetRandom before Startup: TPM_RC_INITIALIZE, 10 bytes");
	ok(run_simple(e, VTPM_CC_SelfTest, &r) == VTPM_RC_INITIALIZE,
	   "header: SelfTest before Startup: TPM_RC_INITIALIZE");
	ok(startup(e, VTPM_SU_CLEAR) == 0, "header: Startup(CLEAR)");

	c.len = 9;
	ok(run(e, &c, &r) == VTPM_RC_COMMAND_SIZE,
	   "header: 9 bytes: TPM_RC_COMMAND_SIZE");
	c.len = 0;
	ok(run(e, &c, &r) == VTPM_RC_COMMAND_SIZE,
	   "header: 0 bytes: TPM_RC_COMMAND_SIZE");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetRandom);
	cb_u16(&c, 8);
	vtpm_put_u32(c.b + 2, c.len + 1);
	ok(run(e, &c, &r) == VTPM_RC_COMMAND_SIZE,
	   "header: size field != length: TPM_RC_COMMAND_SIZE");
	cb_start(&c, 0x8003, VTPM_CC_GetRandom);
	cb_u16(&c, 8);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_BAD_TAG, "header: tag 0x8003: BAD_TAG");
	cb_start(&c, VTPM_ST_NO_SESSIONS, 0x1FF);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_COMMAND_CODE,
	   "header: unknown code: TPM_RC_COMMAND_CODE");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetRandom);
	cb_end(&c);
	ok(run(e, &c, &r) == 0x1DA,
	   "params: missing parameter: INSUFFICIENT|P1 (0x1da)");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetRandom);
	cb_u16(&c, 8);
	cb_u8(&c, 0);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_SIZE,
	   "params: a trailing byte: TPM_RC_SIZE");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetRandom);
	cb_u16(&c, 20);
	cb_end(&c);
	ok(run(e, &c, &r) == 0 && r.len == 10 + 2 + 20 &&
	   vtpm_get_u16(r.b + 10) == 20 &&
	   vtpm_get_u16(r.b) == VTPM_ST_NO_SESSIONS,
	   "response: GetRandom(20) is 32 bytes, tag NO_SESSIONS");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetRandom);
	cb_u16(&c, 1000);
	cb_end(&c);
	ok(run(e, &c, &r) == 0 && vtpm_get_u16(r.b + 10) == 64,
	   "response: GetRandom(1000) gives 64 bytes (largest digest)");
	vtpm_engine_free(e);
}

/* PCR_Extend(@pcr) with @nauth password sessions, one SHA-256 digest */
static void pcr_extend_cmd(struct cmdbuf *c, u16 tag, u32 pcr,
			   unsigned int nauth)
{
	u8 d[32] = { 1 };

	cb_start(c, tag, VTPM_CC_PCR_Extend);
	cb_u32(c, pcr);
	if (tag == VTPM_ST_SESSIONS)
		cb_pw_auth(c, nauth);
	cb_u32(c, 1);
	cb_u16(c, VTPM_ALG_SHA256);
	cb_bytes(c, d, 32);
	cb_end(c);
}

static void test_handles_auth(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	struct cmdbuf c;
	struct rspbuf r;

	pcr_extend_cmd(&c, VTPM_ST_SESSIONS, 16, 1);
	ok(run(e, &c, &r) == 0 && r.len == 10 + 4 + 5 &&
	   vtpm_get_u16(r.b) == VTPM_ST_SESSIONS && !vtpm_get_u32(r.b + 10) &&
	   r.b[16] == VTPM_SA_CONTINUE,
	   "auth: PCR_Extend with a password: parameterSize 0 and one auth");
	pcr_extend_cmd(&c, VTPM_ST_NO_SESSIONS, 16, 0);
	ok(run(e, &c, &r) == VTPM_RC_AUTH_MISSING,
	   "auth: PCR_Extend without sessions: TPM_RC_AUTH_MISSING");
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_PCR_Extend);
	cb_u16(&c, 0);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_INSUFFICIENT,
	   "handles: a short handle area: TPM_RC_INSUFFICIENT");
	pcr_extend_cmd(&c, VTPM_ST_SESSIONS, 24, 1);
	ok(run(e, &c, &r) == 0x184, "handles: PCR 24: VALUE|H1 (0x184)");
	pcr_extend_cmd(&c, VTPM_ST_SESSIONS, 0x80000000, 1);
	ok(run(e, &c, &r) == 0x184,
	   "handles: a transient handle where a PCR is due: 0x184");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_ContextSave);
	cb_u32(&c, 0x80000005);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_REFERENCE_H0,
	   "handles: ContextSave of an object not loaded: 0x910");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_ContextSave);
	cb_u32(&c, 0x02000000);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_REFERENCE_H0,
	   "handles: ContextSave of a session not loaded: 0x910");
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_EventSequenceComplete);
	cb_u32(&c, 16);
	cb_u32(&c, 0x80000007);
	cb_pw_auth(&c, 2);
	cb_u16(&c, 0);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_REFERENCE_H0 + 1,
	   "handles: second handle not loaded: REFERENCE_H1 (0x911)");
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_Clear);
	cb_u32(&c, VTPM_RH_OWNER);
	cb_pw_auth(&c, 1);
	cb_end(&c);
	ok(run(e, &c, &r) == 0x184, "handles: Clear(owner): VALUE|H1");

	pcr_extend_cmd(&c, VTPM_ST_SESSIONS, 16, 1);
	vtpm_put_u32(c.b + 14, 200);
	ok(run(e, &c, &r) == VTPM_RC_AUTHSIZE,
	   "auth: authorizationSize past the end: TPM_RC_AUTHSIZE");
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_GetRandom);
	cb_u32(&c, 0);
	cb_u16(&c, 8);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_AUTHSIZE,
	   "auth: ST_SESSIONS with no session: TPM_RC_AUTHSIZE");
	pcr_extend_cmd(&c, VTPM_ST_SESSIONS, 16, 4);
	ok(run(e, &c, &r) == VTPM_RC_AUTHSIZE,
	   "auth: four sessions: TPM_RC_AUTHSIZE");
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_PCR_Extend);
	cb_u32(&c, 16);
	cb_u32(&c, 4 + 2 + 65 + 1 + 2);
	cb_u32(&c, VTPM_RS_PW);
	cb_u16(&c, 65);
	memset(c.b + c.len, 0, 65);
	c.len += 65;
	cb_u8(&c, 0);
	cb_u16(&c, 0);
	cb_u32(&c, 0);
	cb_end(&c);
	ok(run(e, &c, &r) == 0x995, "auth: a 65-byte nonce: SIZE|S1 (0x995)");
	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_EventSequenceComplete);
	cb_u32(&c, 16);
	cb_u32(&c, 0x80000007);
	cb_pw_auth(&c, 1);
	cb_u16(&c, 0);
	cb_end(&c);
	ok(run(e, &c, &r) == VTPM_RC_REFERENCE_H0 + 1 ||
	   run(e, &c, &r) == VTPM_RC_AUTH_MISSING,
	   "auth: fewer sessions than auth handles is refused");
	vtpm_engine_free(e);
}

/* a response never goes beyond the caller's buffer */
static void test_rsp_size(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	u8 rsp[64 + 16];
	struct cmdbuf c;
	u32 len, i;
	bool guard = true;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetCapability);
	cb_u32(&c, VTPM_CAP_COMMANDS);
	cb_u32(&c, VTPM_CC_FIRST);
	cb_u32(&c, 100);
	cb_end(&c);
	memset(rsp, 0xA5, sizeof(rsp));
	len = vtpm_engine_execute(e, c.b, c.len, rsp, 64);
	for (i = 64; i < sizeof(rsp); i++)
		guard &= rsp[i] == 0xA5;
	ok(len == 10 && vtpm_get_u32(rsp + 6) == VTPM_RC_SIZE && guard,
	   "response: too big for 64 bytes: TPM_RC_SIZE, nothing written past");
	ok(vtpm_engine_execute(e, c.b, c.len, rsp, 9) == 0,
	   "response: a buffer under 10 bytes gets nothing");
	vtpm_engine_free(e);
}

/* every prefix of valid commands, re-sized, and random bytes */
static void test_robust(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_ALL);
	struct cmdbuf c, t;
	struct rspbuf r;
	unsigned int i, k, bad = 0;
	u32 rc;

	pcr_extend_cmd(&c, VTPM_ST_SESSIONS, 16, 1);
	for (i = 0; i < c.len; i++) {
		t = c;
		t.len = i;
		if (i >= 6)
			vtpm_put_u32(t.b + 2, i);
		rc = run(e, &t, &r);
		bad += rc == 0 || rc == 0xFFFFFFFF;
	}
	ok(!bad, "robust: every prefix of PCR_Extend gets an error response");
	for (k = 0; k < vtpm_cc_count; k++) {
		cb_start(&t, VTPM_ST_NO_SESSIONS, vtpm_cc_table[k].cc);
		cb_end(&t);
		rc = run(e, &t, &r);
		bad += rc == 0xFFFFFFFF;
		if (vtpm_cc_table[k].cc != VTPM_CC_GetTestResult &&
		    vtpm_cc_table[k].cc != VTPM_CC_ReadClock &&
		    vtpm_cc_table[k].cc != VTPM_CC_Startup)
			bad += rc == 0;
	}
	ok(!bad, "robust: every command without its parameters is refused");
	srand(1);
	for (k = 0; k < 20000; k++) {
		t.len = 10 + rand() % 64;
		for (i = 0; i < t.len; i++)
			t.b[i] = rand();
		vtpm_put_u16(t.b, rand() & 1 ? VTPM_ST_SESSIONS :
			     VTPM_ST_NO_SESSIONS);
		vtpm_put_u32(t.b + 2, t.len);
		vtpm_put_u32(t.b + 6,
			     vtpm_cc_table[rand() % vtpm_cc_count].cc);
		if (vtpm_get_u32(t.b + 6) == VTPM_CC_Shutdown ||
		    vtpm_get_u32(t.b + 6) == VTPM_CC_Clear)
			continue;
		bad += run(e, &t, &r) == 0xFFFFFFFF;
	}
	ok(!bad, "robust: 20000 random commands get well-formed responses");
	vtpm_engine_free(e);
}

static void test_table(void)
{
	unsigned int i;
	bool sorted = true, found = true;

	for (i = 1; i < vtpm_cc_count; i++)
		sorted &= vtpm_cc_table[i - 1].cc < vtpm_cc_table[i].cc;
	ok(sorted, "table: %u commands sorted by code", vtpm_cc_count);
	for (i = 0; i < vtpm_cc_count; i++)
		found &= vtpm_cc_find(vtpm_cc_table[i].cc) == &vtpm_cc_table[i];
	ok(found && !vtpm_cc_find(0x11F) && !vtpm_cc_find(0x200),
	   "table: vtpm_cc_find finds each and nothing else");
}

int main(void)
{
	printf("TAP version 13\n");
	test_marshal();
	test_table();
	test_header();
	test_handles_auth();
	test_rsp_size();
	test_robust();
	return tap_done();
}
