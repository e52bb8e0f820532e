// SPDX-License-Identifier: GPL-2.0
/*
 * test_cap.c - GetCapability (cap.c) as the kernel, QEMU and tpm2-tools
 * read it: exactly TPM_PT_TOTAL_COMMANDS command attributes in one
 * response with the TPMA_CC swtpm reports, QEMU's 35-byte size probe,
 * moreData, PCR banks, handles and the error codes.
 */
#include "tap.h"

static u32 getcap(struct vtpm_engine *e, u32 cap, u32 prop, u32 count,
		  struct rspbuf *r)
{
	struct cmdbuf c;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_GetCapability);
	cb_u32(&c, cap);
	cb_u32(&c, prop);
	cb_u32(&c, count);
	cb_end(&c);
	return run(e, &c, r);
}

/* moreData, capability and count of a response */
#define MORE(r)		((r)->b[10])
#define CAP(r)		vtpm_get_u32((r)->b + 11)
#define COUNT(r)	vtpm_get_u32((r)->b + 15)
#define ITEM32(r, i)	vtpm_get_u32((r)->b + 19 + 4 * (i))

static u32 property(struct vtpm_engine *e, u32 pt)
{
	struct rspbuf r;

	if (getcap(e, VTPM_CAP_TPM_PROPERTIES, pt, 1, &r) || COUNT(&r) != 1 ||
	    ITEM32(&r, 0) != pt)
		return 0xFFFFFFFF;
	return ITEM32(&r, 1);
}

static u32 cc_attrs(const struct rspbuf *r, u32 cc)
{
	u32 i;

	for (i = 0; i < COUNT(r); i++)
		if ((ITEM32(r, i) & 0xFFFF) == cc)
			return ITEM32(r, i);
	return 0;
}

static void test_commands(struct vtpm_engine *e)
{
	static const u32 expect[] = {	/* as swtpm 0.7.1 reports them */
		0x02C00121, 0x02C00126, 0x02400127, 0x02400129, 0x0240012E,
		0x0240013C,
		0x0240013D, 0x0300013E, 0x00400142, 0x00400143, 0x00400144,
		0x00400145, 0x00400146, 0x0200015C, 0x10000161, 0x02000162,
		0x00000165, 0x0200016B, 0x0200016C, 0x02000171, 0x14000176,
		0x0000017A, 0x0000017B, 0x0000017C, 0x0000017D, 0x0000017E,
		0x0200017F, 0x02000180, 0x00000181, 0x02400182, 0x05400185,
		0x10000186, 0x02000189, 0x0000018A, 0x0200018C,
	};
	u32 total = property(e, VTPM_PT_TOTAL_COMMANDS), i, bad = 0;
	struct rspbuf r;
	bool sorted = true;

	ok(total == vtpm_cc_count && total == ARRAY_SIZE(expect),
	   "TPM_PT_TOTAL_COMMANDS is %u", total);
	ok(getcap(e, VTPM_CAP_COMMANDS, VTPM_CC_FIRST, total, &r) == 0 &&
	   COUNT(&r) == total && MORE(&r) == 0 && CAP(&r) == 2 &&
	   r.len == 19 + 4 * total,
	   "COMMANDS from 0x11f: exactly TOTAL_COMMANDS entries, no moreData");
	for (i = 1; i < COUNT(&r); i++)
		sorted &= (ITEM32(&r, i - 1) & 0xFFFF) < (ITEM32(&r, i) & 0xFFFF);
	ok(sorted, "COMMANDS: sorted by command index");
	for (i = 0; i < ARRAY_SIZE(expect); i++)
		if (cc_attrs(&r, expect[i] & 0xFFFF) != expect[i]) {
			printf("# cc 0x%x: 0x%08x, expected 0x%08x\n",
			       expect[i] & 0xFFFF,
			       cc_attrs(&r, expect[i] & 0xFFFF), expect[i]);
			bad++;
		}
	ok(!bad, "COMMANDS: every TPMA_CC as swtpm reports it");
	ok(getcap(e, VTPM_CAP_COMMANDS, VTPM_CC_FIRST, 5, &r) == 0 &&
	   COUNT(&r) == 5 && MORE(&r) == 1, "COMMANDS: 5 of them, moreData");
	ok(getcap(e, VTPM_CAP_COMMANDS, 0x18D, 100, &r) == 0 &&
	   COUNT(&r) == 0 && MORE(&r) == 0,
	   "COMMANDS after the last: none, no moreData");
	ok(getcap(e, VTPM_CAP_COMMANDS, VTPM_CC_Hash, 1, &r) == 0 &&
	   COUNT(&r) == 1 && ITEM32(&r, 0) == VTPM_CC_Hash && MORE(&r) == 1,
	   "COMMANDS from Hash: Hash first");
}

static void test_properties(struct vtpm_engine *e)
{
	struct rspbuf r;
	u32 v;

	ok(getcap(e, VTPM_CAP_TPM_PROPERTIES, VTPM_PT_MAX_COMMAND_SIZE, 2,
		  &r) == 0 && r.len == 35 && COUNT(&r) == 2 &&
	   ITEM32(&r, 1) == 4096 && ITEM32(&r, 3) == 4096,
	   "QEMU's probe: MAX_COMMAND/RESPONSE_SIZE 4096, 35 bytes");
	v = property(e, VTPM_PT_VENDOR_STRING_1);
	ok(v != 0x53572020 && v != 0xFFFFFFFF,
	   "VENDOR_STRING_1 is not \"SW  \" (0x%08x)", v);
	ok(property(e, VTPM_PT_MAX_DIGEST) == 64 &&
	   property(e, VTPM_PT_INPUT_BUFFER) == 1024 &&
	   property(e, VTPM_PT_PCR_COUNT) == 24 &&
	   property(e, VTPM_PT_FAMILY_INDICATOR) == 0x322E3000,
	   "MAX_DIGEST 64, INPUT_BUFFER 1024, PCR_COUNT 24, family 2.0");
	ok(getcap(e, VTPM_CAP_TPM_PROPERTIES, VTPM_PT_FIXED, 127, &r) == 0 &&
	   MORE(&r) == 0 && COUNT(&r) > 60 &&
	   r.len == 19 + 8 * COUNT(&r), "both property blocks fit, %u entries",
	   COUNT(&r));
	ok(getcap(e, VTPM_CAP_TPM_PROPERTIES, VTPM_PT_FIXED, 10, &r) == 0 &&
	   MORE(&r) == 1 && COUNT(&r) == 10, "10 properties: moreData");
	ok(getcap(e, VTPM_CAP_TPM_PROPERTIES, VTPM_PT_VAR, 1, &r) == 0 &&
	   ITEM32(&r, 0) == VTPM_PT_PERMANENT, "variable block from PERMANENT");
	v = property(e, VTPM_PT_STARTUP_CLEAR);
	ok((v & 7) == 7, "STARTUP_CLEAR: ph, sh, eh enabled");
	ok(getcap(e, VTPM_CAP_TPM_PROPERTIES, 0x300, 10, &r) == 0 &&
	   COUNT(&r) == 0 && MORE(&r) == 0, "properties past the last: none");
}

static void test_other(struct vtpm_engine *e)
{
	struct rspbuf r;
	struct cmdbuf c;
	u32 i;
	bool found = false;

	ok(getcap(e, VTPM_CAP_PCRS, 0, 1, &r) == 0 && COUNT(&r) == 3 &&
	   r.len == 19 + 3 * 6 && r.b[19 + 3] == 0xFF && r.b[25 + 3] == 0xFF &&
	   r.b[31 + 3] == 0 && vtpm_get_u16(r.b + 31) == VTPM_ALG_SHA384,
	   "PCRS: sha1, sha256 allocated, sha384 listed without PCRs");
	ok(getcap(e, VTPM_CAP_ALGS, 0, 200, &r) == 0 && MORE(&r) == 0,
	   "ALGS: all in one response");
	for (i = 0; i < COUNT(&r); i++)
		found |= vtpm_get_u16(r.b + 19 + 6 * i) == VTPM_ALG_SHA256 &&
			 vtpm_get_u32(r.b + 21 + 6 * i) == VTPM_ALGA_HASH;
	ok(found, "ALGS: SHA-256 is a hash");
	ok(getcap(e, VTPM_CAP_ECC_CURVES, 0, 100, &r) == 0 && COUNT(&r) == 0,
	   "ECC_CURVES: none yet");
	ok(getcap(e, VTPM_CAP_HANDLES, 0, 100, &r) == 0 && COUNT(&r) == 24 &&
	   ITEM32(&r, 23) == 23, "HANDLES: 24 PCRs");
	ok(getcap(e, VTPM_CAP_HANDLES, 0x40000000, 100, &r) == 0 &&
	   COUNT(&r) == 7 && ITEM32(&r, 0) == VTPM_RH_OWNER &&
	   ITEM32(&r, 2) == VTPM_RS_PW, "HANDLES: 7 permanent, TPM_RS_PW");
	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_HashSequenceStart);
	cb_u16(&c, 0);
	cb_u16(&c, VTPM_ALG_SHA256);
	cb_end(&c);
	ok(run(e, &c, &(struct rspbuf){ 0 }) == 0 &&
	   getcap(e, VTPM_CAP_HANDLES, 0x80000000, 100, &r) == 0 &&
	   COUNT(&r) == 1 && ITEM32(&r, 0) >> 24 == 0x80 &&
	   r.len == 10 + 9 + 4, "HANDLES: one transient, 10+9+4 bytes");
	ok(property(e, VTPM_PT_HR_TRANSIENT_AVAIL) == 2,
	   "HR_TRANSIENT_AVAIL: 2 left");
	ok(getcap(e, VTPM_CAP_HANDLES, 0x81000000, 100, &r) == 0 &&
	   COUNT(&r) == 0, "HANDLES: no persistent ones");
	ok(getcap(e, VTPM_CAP_HANDLES, 0x05000000, 100, &r) == 0x2CB,
	   "HANDLES of type 5: HANDLE|P2 (0x2cb)");
	ok(getcap(e, 10, 0, 1, &r) == 0x1C4, "capability 10: VALUE|P1");
	ok(getcap(e, VTPM_CAP_VENDOR_PROPERTY, 0, 1, &r) == 0x1C4,
	   "vendor capability: VALUE|P1");
	ok(getcap(e, VTPM_CAP_PCR_PROPERTIES, 0, 100, &r) == 0 &&
	   COUNT(&r) > 10 && vtpm_get_u32(r.b + 19 + 8 * 2) == 2 &&
	   r.b[19 + 8 * 2 + 7] == 0x81,
	   "PCR_PROPERTIES: PCR 16 and 23 resettable at locality 0");
}

int main(void)
{
	struct vtpm_engine *e = new_started(VTPM_BANKS_DEFAULT);

	printf("TAP version 13\n");
	test_commands(e);
	test_properties(e);
	test_other(e);
	vtpm_engine_free(e);
	return tap_done();
}
