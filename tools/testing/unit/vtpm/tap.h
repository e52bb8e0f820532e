/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - TAP 13 output and engine helpers shared by the engine-core
 * unit tests (one static copy per test program).
 */
#ifndef VTPM_TEST_TAP_H
#define VTPM_TEST_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static unsigned int tap_n, tap_fail;

static void __attribute__((format(printf, 2, 3), unused))
ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_fail++;
	printf("%sok %u - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static int __attribute__((unused)) tap_done(void)
{
	printf("1..%u\n", tap_n);
	return tap_fail ? 1 : 0;
}

/* a command under construction */
struct cmdbuf {
	u8 b[VTPM_BUF_SIZE + 64];
	u32 len;
};

static void __attribute__((unused)) cb_u8(struct cmdbuf *c, u8 v)
{
	c->b[c->len++] = v;
}

static void __attribute__((unused)) cb_u16(struct cmdbuf *c, u16 v)
{
	vtpm_put_u16(c->b + c->len, v);
	c->len += 2;
}

static void __attribute__((unused)) cb_u32(struct cmdbuf *c, u32 v)
{
	vtpm_put_u32(c->b + c->len, v);
	c->len += 4;
}

static void __attribute__((unused)) cb_bytes(struct cmdbuf *c, const void *p,
					     u32 n)
{
	memcpy(c->b + c->len, p, n);
	c->len += n;
}

static void __attribute__((unused)) cb_tpm2b(struct cmdbuf *c, const void *p,
					     u16 n)
{
	cb_u16(c, n);
	cb_bytes(c, p, n);
}

/* starts a command: tag, size (fixed by cb_end), code */
static void __attribute__((unused)) cb_start(struct cmdbuf *c, u16 tag, u32 cc)
{
	c->len = 0;
	cb_u16(c, tag);
	cb_u32(c, 0);
	cb_u32(c, cc);
}

/* a password session for each of @n handles, with empty passwords */
static void __attribute__((unused)) cb_pw_auth(struct cmdbuf *c, unsigned int n)
{
	unsigned int i;

	cb_u32(c, n * 9);
	for (i = 0; i < n; i++) {
		cb_u32(c, VTPM_RS_PW);
		cb_u16(c, 0);
		cb_u8(c, VTPM_SA_CONTINUE);
		cb_u16(c, 0);
	}
}

/* one password session (TPM_RS_PW) with the password @pw */
static void __attribute__((unused)) cb_pw(struct cmdbuf *c, const char *pw)
{
	cb_u32(c, 9 + strlen(pw));
	cb_u32(c, VTPM_RS_PW);
	cb_u16(c, 0);
	cb_u8(c, VTPM_SA_CONTINUE);
	cb_tpm2b(c, pw, strlen(pw));
}

static void __attribute__((unused)) cb_end(struct cmdbuf *c)
{
	vtpm_put_u32(c->b + 2, c->len);
}

struct rspbuf {
	u8 b[VTPM_BUF_SIZE];
	u32 len;
};

/* runs @c from a heap copy of its exact size (ASan sees any overread) */
static u32 __attribute__((unused))
run(struct vtpm_engine *e, struct cmdbuf *c, struct rspbuf *r)
{
	u8 *cmd = malloc(c->len ? c->len : 1);

	memcpy(cmd, c->b, c->len);
	r->len = vtpm_engine_execute(e, cmd, c->len, r->b, sizeof(r->b));
	free(cmd);
	if (r->len < 10 || vtpm_get_u32(r->b + 2) != r->len)
		return 0xFFFFFFFF;
	return vtpm_get_u32(r->b + 6);
}

/* a command without handles or parameters */
static u32 __attribute__((unused))
run_simple(struct vtpm_engine *e, u32 cc, struct rspbuf *r)
{
	struct cmdbuf c;

	cb_start(&c, VTPM_ST_NO_SESSIONS, cc);
	cb_end(&c);
	return run(e, &c, r);
}

/* HierarchyChangeAuth of @hierarchy from @old to @new, password session */
static u32 __attribute__((unused))
hier_change_auth(struct vtpm_engine *e, u32 hierarchy, const char *old,
		 const char *new)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_SESSIONS, VTPM_CC_HierarchyChangeAuth);
	cb_u32(&c, hierarchy);
	cb_pw(&c, old);
	cb_tpm2b(&c, new, strlen(new));
	cb_end(&c);
	return run(e, &c, &r);
}

static u32 __attribute__((unused))
startup(struct vtpm_engine *e, u16 su)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_Startup);
	cb_u16(&c, su);
	cb_end(&c);
	return run(e, &c, &r);
}

static u32 __attribute__((unused))
shutdown(struct vtpm_engine *e, u16 su)
{
	struct cmdbuf c;
	struct rspbuf r;

	cb_start(&c, VTPM_ST_NO_SESSIONS, VTPM_CC_Shutdown);
	cb_u16(&c, su);
	cb_end(&c);
	return run(e, &c, &r);
}

static struct vtpm_engine * __attribute__((unused)) new_started(u32 banks)
{
	struct vtpm_engine_cfg cfg = { .banks = banks };
	struct vtpm_engine *e = vtpm_engine_new(&cfg);

	if (!e || startup(e, VTPM_SU_CLEAR)) {
		printf("Bail out! engine does not start\n");
		exit(1);
	}
	return e;
}

#endif /* VTPM_TEST_TAP_H */
