// SPDX-License-Identifier: GPL-2.0
/*
 * test_startup.c - the TPM's life cycle (misc.c): Startup and Shutdown,
 * TPM Reset, Restart and Resume as ReadClock's counters and the PCRs show
 * them, orderly state, the self tests, the platform auth that every
 * Startup(CLEAR) empties.
 */
#include "tap.h"

struct clock {
	u64 time, clock;
	u32 resets, restarts;
	u8 safe;
};

static u32 read_clock(struct vtpm_engine *e, struct clock *k)
{
	struct rspbuf r;
	u32 rc = run_simple(e, VTPM_CC_ReadClock, &r);
	struct vtpm_rd rd;

	vtpm_rd_init(&rd, r.b + 10, r.len - 10);
	k->time = vtpm_rd_u64(&rd);
	k->clock = vtpm_rd_u64(&rd);
	k->resets = vtpm_rd_u32(&rd);
	k->restarts = vtpm_rd_u32(&rd);
	k->safe = vtpm_rd_u8(&rd);
	return rc || rd.left || !vtpm_rd_ok(&rd) ? 1 : 0;
}

static u32 extend(struct vtpm_engine *e, u32 pcr)
{
	struct cmdbuf c;
	struct rspbuf r;
	u8 d[32] = { 7 };

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_PCR_Extend);
	cb_u32(&c, pcr);
	cb_pw_auth(&c, 1);
	cb_u32(&c, 1);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_bytes(&c, d, 32);
	cb_end(&c);
	return run(e, &c, &r);
}

/* the SHA-256 value of @pcr; true when it is all zeros */
static bool pcr_zero(struct vtpm_engine *e, u32 pcr)
{
	struct cmdbuf c;
	struct rspbuf r;
	u8 zero[32] = { 0 };

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_PCR_Read);
	cb_u32(&c, 1);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_u8(&c, 3);
	cb_u8(&c, (pcr < 8) << pcr);
	cb_u8(&c, (pcr >= 8 && pcr < 16) << (pcr % 8));
	cb_u8(&c, (pcr >= 16) << (pcr % 8));
	cb_end(&c);
	if (run(e, &c, &r))
		return false;
	/* counter 4, selection 4+6, count 4, size 2, digest */
	return !memcmp(r.b + 10 + 4 + 10 + 4 + 2, zero, 32);
}

static u32 self_test(struct vtpm_engine *e, u8 full)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_SelfTest);
	cb_u8(&c, full);
	cb_end(&c);
	return run(e, &c, &r);
}

/* TPMA_STARTUP_CLEAR.orderly */
static bool startup_orderly(struct vtpm_engine *e)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetCapability);
	cb_u32(&c, VTPM_CAP_TPM_PROPERTIES);
	cb_u32(&c, VTPM_PT_STARTUP_CLEAR);
	cb_u32(&c, 1);
	cb_end(&c);
	return !run(e, &c, &r) && (vtpm_get_u32(r.b + 23) & VTPM_SC_ORDERLY);
}

static void test_cycle(void)
{
	struct vtpm_engine_cfg cfg = { .banks = VTPM_BANKS_DEFAULT };
	struct vtpm_engine *e = vtpm_engine_new(&cfg);
	struct clock k;

	ok(e && startup(e, VTPM_SU_STATE) == 0x1C4,
	   "Startup(STATE) of a new TPM: VALUE|P1 (0x1c4)");
	ok(startup(e, 5) == 0x1C4, "Startup(5): VALUE|P1");
	ok(startup(e, VTPM_SU_CLEAR) == 0, "Startup(CLEAR)");
	ok(startup(e, VTPM_SU_CLEAR) == VTPM_RC_INITIALIZE,
	   "a second Startup: TPM_RC_INITIALIZE");
	ok(!read_clock(e, &k) && k.resets == 1 && k.restarts == 0 && k.safe,
	   "ReadClock: resetCount 1, restartCount 0, safe");
	ok(self_test(e, 0) == 0 && self_test(e, 1) == 0,
	   "SelfTest(NO) and SelfTest(YES)");
	ok(self_test(e, 2) == 0x1C4, "SelfTest(2): VALUE|P1");

	/* Resume: PCR 0..15 come back, 16 starts over */
	ok(extend(e, 0) == 0 && extend(e, 16) == 0, "extend PCR 0 and 16");
	ok(shutdown(e, VTPM_SU_STATE) == 0, "Shutdown(STATE)");
	ok(run_simple(e, VTPM_CC_ReadClock, &(struct rspbuf){ 0 }) == 0,
	   "ReadClock after Shutdown keeps the TPM orderly");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_STATE) == 0, "TPM Resume: Startup(STATE)");
	ok(!read_clock(e, &k) && k.resets == 1 && k.restarts == 1,
	   "TPM Resume: restartCount 1, resetCount unchanged");
	ok(!pcr_zero(e, 0) && pcr_zero(e, 16),
	   "TPM Resume: PCR 0 restored, PCR 16 reset");

	/* Restart: PCRs start over, the boot counters do not */
	ok(shutdown(e, VTPM_SU_STATE) == 0, "Shutdown(STATE)");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_CLEAR) == 0, "TPM Restart: Startup(CLEAR)");
	ok(!read_clock(e, &k) && k.resets == 1 && k.restarts == 2 &&
	   pcr_zero(e, 0), "TPM Restart: restartCount 2, PCR 0 reset");

	/* a change after Shutdown(STATE) makes the saved state invalid */
	ok(shutdown(e, VTPM_SU_STATE) == 0 && extend(e, 1) == 0,
	   "Shutdown(STATE), then PCR_Extend");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_STATE) == 0x1C4,
	   "Startup(STATE) after a change: VALUE|P1");
	ok(startup(e, VTPM_SU_CLEAR) == 0 && !read_clock(e, &k) &&
	   k.resets == 2 && k.restarts == 0, "TPM Reset: resetCount 2");

	ok(shutdown(e, VTPM_SU_CLEAR) == 0, "Shutdown(CLEAR)");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_STATE) == 0x1C4,
	   "Startup(STATE) after Shutdown(CLEAR): VALUE|P1");
	ok(startup(e, VTPM_SU_CLEAR) == 0 && startup_orderly(e),
	   "Startup(CLEAR) after the refused one: still orderly");
	ok(shutdown(e, VTPM_SU_CLEAR) == 0, "Shutdown(CLEAR)");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_CLEAR) == 0 && startup_orderly(e),
	   "Startup(CLEAR) after Shutdown(CLEAR): TPMA_STARTUP_CLEAR.orderly");
	vtpm_engine_reset(e);
	ok(run_simple(e, VTPM_CC_GetTestResult, &(struct rspbuf){ 0 }) ==
	   VTPM_RC_INITIALIZE, "after TPM_Init: TPM_RC_INITIALIZE");
	ok(startup(e, VTPM_SU_CLEAR) == 0 && !read_clock(e, &k) &&
	   k.resets == 5 && !startup_orderly(e),
	   "Startup(CLEAR) without Shutdown: TPM Reset, not orderly");
	ok(shutdown(e, 2) == 0x1C4, "Shutdown(2): VALUE|P1");
	vtpm_engine_free(e);
}

static void test_platform_auth(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);

	ok(hier_change_auth(e, VTPM_RH_PLATFORM, "", "secret") == 0,
	   "HierarchyChangeAuth(platform) to 'secret'");
	ok(hier_change_auth(e, VTPM_RH_PLATFORM, "", "x") != 0,
	   "the empty password no longer works");
	ok(hier_change_auth(e, VTPM_RH_PLATFORM, "secret", "secret2") == 0,
	   "the new password works");
	vtpm_engine_reset(e);
	ok(startup(e, VTPM_SU_CLEAR) == 0 &&
	   hier_change_auth(e, VTPM_RH_PLATFORM, "", "") == 0,
	   "Startup(CLEAR) empties the platform auth");
	vtpm_engine_free(e);
}

static void test_misc(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);
	struct cmdbuf c;
	struct rspbuf r;
	u8 big[129] = { 0 };

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_StirRandom);
	cb_tpm2b(&c, "entropy", 7);
	cb_end(&c);
	ok(run(e, &c, &r) == 0, "StirRandom(7 bytes)");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_StirRandom);
	cb_tpm2b(&c, big, sizeof(big));
	cb_end(&c);
	ok(run(e, &c, &r) == 0x1D5, "StirRandom(129 bytes): SIZE|P1");
	ok(run_simple(e, VTPM_CC_GetTestResult, &r) == 0 && r.len == 16 &&
	   vtpm_get_u32(r.b + 12) == 0, "GetTestResult: empty, SUCCESS");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_IncrementalSelfTest);
	cb_u32(&c, 1);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_end(&c);
	ok(run(e, &c, &r) == 0 && r.len == 14 && !vtpm_get_u32(r.b + 10),
	   "IncrementalSelfTest: nothing left to test");

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_TestParms);
	cb_u16(&c, VTPM_ALG_SYMCIPHER);
	cb_u16(&c, VTPM_ALG_AES);
	cb_u16(&c, 128);
	cb_u16(&c, VTPM_ALG_CFB);
	cb_end(&c);
	ok(run(e, &c, &r) == 0, "TestParms: AES-128-CFB symcipher");
	vtpm_put_u16(c.b + 14, 192);
	ok(run(e, &c, &r) == (VTPM_RC_KEY_SIZE | 0x140),
	   "TestParms: AES-192: KEY_SIZE|P1");
	vtpm_put_u16(c.b + 14, 256);
	vtpm_put_u16(c.b + 16, VTPM_ALG_CBC);
	ok(run(e, &c, &r) == (VTPM_RC_MODE | 0x140),
	   "TestParms: AES-256-CBC: MODE|P1");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_TestParms);
	cb_u16(&c, VTPM_ALG_KEYEDHASH);
	cb_u16(&c, VTPM_ALG_HMAC);
	cb_u16(&c, VTPM_ALG_SHA384);
	cb_end(&c);
	ok(run(e, &c, &r) == 0, "TestParms: keyedhash HMAC-SHA384");
	vtpm_put_u16(c.b + 14, 0x0012);
	ok(run(e, &c, &r) == (VTPM_RC_HASH | 0x140),
	   "TestParms: keyedhash with SM3: HASH|P1");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_TestParms);
	cb_u16(&c, VTPM_ALG_RSA);
	cb_end(&c);
	ok(run(e, &c, &r) == (VTPM_RC_TYPE | 0x140),
	   "TestParms: RSA (not supported): TYPE|P1");
	vtpm_engine_free(e);
}

int main(void)
{
	printf("TAP version 13\n");
	test_cycle();
	test_platform_auth();
	test_misc();
	return tap_done();
}
