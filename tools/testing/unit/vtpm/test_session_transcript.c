// SPDX-License-Identifier: GPL-2.0
/*
 * Session HMACs, parameter encryption and policy digests against real
 * exchanges of tpm2-tools 5.4 with swtpm (data/tpm2tools-*.txt, see
 * data/README):
 *  - the engine's cpHash, rpHash and HMAC functions reproduce the HMAC
 *    tpm2-tss sent and the response HMAC swtpm answered, byte for byte;
 *  - the engine, with the session's nonceTPM set to swtpm's, accepts the
 *    captured command as it is and answers a response HMAC that OpenSSL
 *    verifies;
 *  - policy command streams replayed into the engine give the same
 *    response codes and the same policy digests as swtpm.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tap.h"

#define MAX_MSGS	64

struct msg {
	u8 b[VTPM_BUF_SIZE];
	u32 len;
};

/* commands and responses, paired by order */
struct transcript {
	struct msg cmd[MAX_MSGS];
	struct msg rsp[MAX_MSGS];
	unsigned int ncmd, nrsp;
};

static const char *const data_dirs[] = { "data", "tools/testing/unit/vtpm/data" };

static FILE *open_data(const char *name)
{
	const char *env = getenv("VTPM_TEST_DATA");
	char path[512];
	unsigned int i;
	FILE *f;

	if (env) {
		snprintf(path, sizeof(path), "%s/%s", env, name);
		return fopen(path, "r");
	}
	for (i = 0; i < ARRAY_SIZE(data_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", data_dirs[i], name);
		f = fopen(path, "r");
		if (f)
			return f;
	}
	return NULL;
}

static u32 unhex(const char *s, u8 *out, u32 max)
{
	u32 n = 0;
	unsigned int b;

	while (n < max && sscanf(s + 2 * n, "%2x", &b) == 1)
		out[n++] = (u8)b;
	return n;
}

static struct transcript *load(const char *name)
{
	struct transcript *t = calloc(1, sizeof(*t));
	static char line[2 * VTPM_BUF_SIZE + 16];
	FILE *f = open_data(name);
	struct msg *m;

	if (!f) {
		printf("Bail out! data/%s not found (set VTPM_TEST_DATA)\n",
		       name);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '>' && t->ncmd < MAX_MSGS)
			m = &t->cmd[t->ncmd++];
		else if (line[0] == '<' && t->nrsp < MAX_MSGS)
			m = &t->rsp[t->nrsp++];
		else
			continue;
		m->len = unhex(line + 2, m->b, sizeof(m->b));
	}
	fclose(f);
	return t;
}

static u32 cc_of(const struct msg *m)
{
	return vtpm_get_u32(m->b + 6);
}

/* index of the @nth (0-based) command with code @cc, or -1 */
static int find_cmd(const struct transcript *t, u32 cc, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < t->ncmd; i++)
		if (cc_of(&t->cmd[i]) == cc && !nth--)
			return i;
	return -1;
}

/* a command with sessions, taken apart as the dispatcher does */
struct parsed {
	struct vtpm_cmd c;
	u32 auth_off[VTPM_MAX_SESSIONS_PER_CMD];	/* of each session */
};

static void parse_cmd(const struct msg *m, struct parsed *p)
{
	const struct vtpm_cc_desc *d;
	struct vtpm_rd rd, a;
	struct vtpm_auth *au;
	const u8 *q;
	unsigned int i;
	u32 size;
	u16 n;

	memset(p, 0, sizeof(*p));
	vtpm_rd_init(&rd, m->b, m->len);
	p->c.tag = vtpm_rd_u16(&rd);
	vtpm_rd_u32(&rd);
	p->c.cc = vtpm_rd_u32(&rd);
	d = vtpm_cc_find(p->c.cc);
	p->c.desc = d;
	p->c.nhandles = d ? vtpm_cc_nhandles(d) : 0;
	for (i = 0; i < p->c.nhandles; i++)
		p->c.handles[i] = vtpm_rd_u32(&rd);
	if (p->c.tag == VTPM_ST_SESSIONS) {
		size = vtpm_rd_u32(&rd);
		q = vtpm_rd_take(&rd, size);
		vtpm_rd_init(&a, q, q ? size : 0);
		while (a.left && p->c.nauths < VTPM_MAX_SESSIONS_PER_CMD) {
			p->auth_off[p->c.nauths] = a.p - m->b;
			au = &p->c.auths[p->c.nauths++];
			au->handle = vtpm_rd_u32(&a);
			n = vtpm_rd_tpm2b(&a, &q, VTPM_HASH_MAX_DIGEST);
			au->nonce.size = n;
			memcpy(au->nonce.buf, q, n);
			au->attrs = vtpm_rd_u8(&a);
			n = vtpm_rd_tpm2b(&a, &q, VTPM_HASH_MAX_DIGEST);
			au->hmac.size = n;
			memcpy(au->hmac.buf, q, n);
		}
	}
	p->c.params = rd.p;
	p->c.params_len = rd.left;
}

/* a response with sessions: rpBuffer and the first session's auth */
struct parsed_rsp {
	const u8 *rp;
	u32 rp_len;
	struct vtpm_digest nonce;
	u8 attrs;
	struct vtpm_digest hmac;
};

static void parse_rsp(const u8 *b, u32 len, bool rhandle,
		      struct parsed_rsp *p)
{
	struct vtpm_rd rd;
	const u8 *q;
	u16 n;

	memset(p, 0, sizeof(*p));
	vtpm_rd_init(&rd, b + 10, len - 10);
	if (rhandle)
		vtpm_rd_u32(&rd);
	p->rp_len = vtpm_rd_u32(&rd);
	p->rp = vtpm_rd_take(&rd, p->rp_len);
	n = vtpm_rd_tpm2b(&rd, &q, VTPM_HASH_MAX_DIGEST);
	p->nonce.size = n;
	memcpy(p->nonce.buf, q, n);
	p->attrs = vtpm_rd_u8(&rd);
	n = vtpm_rd_tpm2b(&rd, &q, VTPM_HASH_MAX_DIGEST);
	p->hmac.size = n;
	memcpy(p->hmac.buf, q, n);
}

/* StartAuthSession of session @h: nonceCaller (command), nonceTPM */
static int find_session(const struct transcript *t, u32 h,
			struct vtpm_digest *caller, struct vtpm_digest *tpm)
{
	unsigned int i;
	const u8 *p;

	for (i = 0; i < t->ncmd && i < t->nrsp; i++) {
		if (cc_of(&t->cmd[i]) != VTPM_CC_StartAuthSession ||
		    vtpm_get_u32(t->rsp[i].b + 10) != h)
			continue;
		p = t->cmd[i].b + 18;
		caller->size = vtpm_get_u16(p);
		memcpy(caller->buf, p + 2, caller->size);
		p = t->rsp[i].b + 14;
		tpm->size = vtpm_get_u16(p);
		memcpy(tpm->buf, p + 2, tpm->size);
		return i;
	}
	return -1;
}

/* --- independent computations with OpenSSL --- */

static void ossl_sha256(const void *a, size_t alen, const void *b,
			size_t blen, u8 *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, a, alen);
	EVP_DigestUpdate(ctx, b, blen);
	EVP_DigestFinal_ex(ctx, out, NULL);
	EVP_MD_CTX_free(ctx);
}

/* HMAC-SHA256(key, rpHash || nonceTPM || nonceCaller || attrs) */
static void ossl_rsp_hmac(const u8 *key, size_t klen, u32 cc, const u8 *rp,
			  u32 rp_len, const struct vtpm_digest *ntpm,
			  const struct vtpm_digest *ncaller, u8 attrs,
			  u8 *out)
{
	u8 hdr[8], rph[32], msg[32 + 64 + 64 + 1];
	size_t n = 0;
	unsigned int len;

	vtpm_put_u32(hdr, 0);
	vtpm_put_u32(hdr + 4, cc);
	ossl_sha256(hdr, 8, rp, rp_len, rph);
	memcpy(msg, rph, 32);
	n = 32;
	memcpy(msg + n, ntpm->buf, ntpm->size);
	n += ntpm->size;
	memcpy(msg + n, ncaller->buf, ncaller->size);
	n += ncaller->size;
	msg[n++] = attrs;
	HMAC(EVP_sha256(), klen ? key : (const u8 *)"", klen, msg, n, out,
	     &len);
}

/* --- the engine side --- */

static struct vtpm_engine *engine;

static u32 handle_map[2][8];
static unsigned int nmap;

static u32 map_handle(u32 h)
{
	unsigned int i;

	for (i = 0; i < nmap; i++)
		if (handle_map[0][i] == h)
			return handle_map[1][i];
	return h;
}

/* runs a captured command, its session handles mapped to the engine's */
static u32 replay(const struct msg *m, struct rspbuf *r)
{
	struct parsed p;
	struct cmdbuf c;
	unsigned int i;

	memcpy(c.b, m->b, m->len);
	c.len = m->len;
	parse_cmd(m, &p);
	for (i = 0; i < p.c.nhandles; i++)
		vtpm_put_u32(c.b + 10 + 4 * i, map_handle(p.c.handles[i]));
	for (i = 0; i < p.c.nauths; i++)
		vtpm_put_u32(c.b + p.auth_off[i],
			     map_handle(p.c.auths[i].handle));
	if (p.c.cc == VTPM_CC_FlushContext && m->len >= 14)
		vtpm_put_u32(c.b + 10, map_handle(vtpm_get_u32(m->b + 10)));
	return run(engine, &c, r);
}

/* replays commands [0, @end) but ContextSave/Load; maps new sessions */
static void replay_until(const struct transcript *t, unsigned int end)
{
	struct rspbuf r;
	unsigned int i;
	u32 rc;

	for (i = 0; i < end; i++) {
		u32 cc = cc_of(&t->cmd[i]);

		if (cc == VTPM_CC_ContextSave || cc == VTPM_CC_ContextLoad)
			continue;
		rc = replay(&t->cmd[i], &r);
		if (cc == VTPM_CC_StartAuthSession && !rc && nmap < 8) {
			handle_map[0][nmap] = vtpm_get_u32(t->rsp[i].b + 10);
			handle_map[1][nmap++] = vtpm_get_u32(r.b + 10);
		}
	}
}

static void new_engine(void)
{
	if (engine)
		vtpm_engine_free(engine);
	engine = new_started(VTPM_BANKS_DEFAULT);
	nmap = 0;
}

/* --- HMAC sessions --- */

struct hmac_case {
	const char *file;
	const char *what;
	const char *old_auth;	/* owner auth before */
	const char *new_auth;	/* and after */
	u32 cc;			/* the command authorized */
	bool bound;		/* to the owner, with old_auth */
	const char *tss_plain;	/* what tpm2-tss encrypted, if anything */
};

static const struct hmac_case hmac_cases[] = {
	{ "tpm2tools-changeauth-unbound.txt", "unbound, empty authValue",
	  "", "newpass", VTPM_CC_HierarchyChangeAuth, false, NULL },
	{ "tpm2tools-changeauth-unbound-auth.txt", "unbound, with authValue",
	  "newpass", "newpass2", VTPM_CC_HierarchyChangeAuth, false, NULL },
	/*
	 * tpm2-tss 3.2.1 keys the parameter encryption of a session bound
	 * to the entity it authorizes with the sessionKey alone, the
	 * reference implementation (libtpms, swtpm) with sessionKey ||
	 * authValue: swtpm set the owner authValue to the bytes below, not
	 * to "newpass3" (checked with tpm2_changeauth -p hex:... after the
	 * second capture). The engine does as swtpm.
	 */
	{ "tpm2tools-changeauth-bound-decrypt.txt",
	  "bound to owner, AES-128-CFB decrypt",
	  "newpass2", "\x5e\x6d\x5d\x11\x1d\x1f\x20\xd2",
	  VTPM_CC_HierarchyChangeAuth, true, "newpass3" },
	{ "tpm2tools-changeauth-bound-decrypt-2.txt",
	  "bound to owner, AES-128-CFB decrypt (2)",
	  "newpass2", "\xd5\xc7\x70\x67\xcb\x0d\x51\x72",
	  VTPM_CC_HierarchyChangeAuth, true, "newpass3" },
	{ "tpm2tools-getrandom-encrypt.txt",
	  "AES-128-CFB encrypt-only session", "", "", VTPM_CC_GetRandom,
	  false, NULL },
};

/* tpm2_getrandom's output in that capture (the decrypted response) */
static const char getrandom_out[] = "5dcf83fcdbe7645e2fceab830130496b49f6d844";

/**
 * struct hmac_ctx - one captured authorized command
 * @t: the transcript
 * @k: index of the command
 * @p: the command
 * @rsp: its response
 * @caller: the session's first nonceCaller (StartAuthSession)
 * @tpm: nonceTPM when the command was sent
 * @skey: sessionKey
 * @authorizes: the session authorizes the command's handle
 */
struct hmac_ctx {
	struct transcript *t;
	int k;
	struct parsed p;
	struct parsed_rsp rsp;
	struct vtpm_digest caller, tpm, skey;
	bool authorizes;
};

static bool setup_case(const struct hmac_case *hc, struct hmac_ctx *x)
{
	memset(x, 0, sizeof(*x));
	x->t = load(hc->file);
	x->k = find_cmd(x->t, hc->cc, 0);
	if (x->k < 0 || (unsigned int)x->k >= x->t->nrsp)
		return false;
	parse_cmd(&x->t->cmd[x->k], &x->p);
	parse_rsp(x->t->rsp[x->k].b, x->t->rsp[x->k].len, false, &x->rsp);
	if (find_session(x->t, x->p.c.auths[0].handle, &x->caller,
			 &x->tpm) < 0)
		return false;
	x->authorizes = x->p.c.nhandles > 0;
	if (hc->bound) {
		x->skey.size = 32;
		vtpm_kdfa(VTPM_HASH_SHA256, (const u8 *)hc->old_auth,
			  strlen(hc->old_auth), "ATH", x->tpm.buf, x->tpm.size,
			  x->caller.buf, x->caller.size, 256, x->skey.buf);
	}
	return true;
}

/* sessionKey || authValue (none for a bound or a non-authorizing use) */
static size_t hmac_key_of(const struct hmac_case *hc,
			  const struct hmac_ctx *x, const char *auth, u8 *key)
{
	size_t n = x->skey.size;

	memcpy(key, x->skey.buf, n);
	if (!hc->bound && x->authorizes) {
		memcpy(key + n, auth, strlen(auth));
		n += strlen(auth);
	}
	return n;
}

static void test_pieces(const struct hmac_case *hc, struct hmac_ctx *x)
{
	const struct vtpm_auth *au = &x->p.c.auths[0];
	u8 key[128], cp[32], rph[32], mac[64];
	size_t klen;
	int ret;

	ret = vtpm_sess_cp_hash(engine, &x->p.c, VTPM_HASH_SHA256, cp);
	klen = hmac_key_of(hc, x, hc->old_auth, key);
	ret |= vtpm_auth_hmac(VTPM_HASH_SHA256, key, klen, cp, &au->nonce,
			      &x->tpm, NULL, NULL, au->attrs, mac);
	ok(!ret && au->hmac.size == 32 && !memcmp(mac, au->hmac.buf, 32),
	   "%s: cpHash and HMAC reproduce tpm2-tss's command HMAC", hc->what);

	/* swtpm keys the response with the authValue after the command */
	klen = hmac_key_of(hc, x, hc->new_auth, key);
	ret = vtpm_rp_hash(VTPM_HASH_SHA256, x->p.c.cc, x->rsp.rp,
				x->rsp.rp_len, rph);
	ret |= vtpm_auth_hmac(VTPM_HASH_SHA256, key, klen, rph, &x->rsp.nonce,
			      &au->nonce, NULL, NULL, x->rsp.attrs, mac);
	ok(!ret && x->rsp.hmac.size == 32 &&
	   !memcmp(mac, x->rsp.hmac.buf, 32),
	   "%s: rpHash and HMAC reproduce swtpm's response HMAC", hc->what);
}

/* KDFa(sessionKey || authValue, "CFB", newer, older) and AES-128-CFB */
static bool cfb_param(const struct hmac_case *hc, const struct hmac_ctx *x,
		      const struct vtpm_digest *newer,
		      const struct vtpm_digest *older, u8 *buf, u16 len,
		      bool decrypt, bool with_auth)
{
	u8 key[128], kiv[32];
	size_t klen = x->skey.size;

	memcpy(key, x->skey.buf, klen);
	if (x->authorizes && with_auth) {
		memcpy(key + klen, hc->old_auth, strlen(hc->old_auth));
		klen += strlen(hc->old_auth);
	}
	if (vtpm_kdfa(VTPM_HASH_SHA256, key, klen, "CFB", newer->buf,
		      newer->size, older->buf, older->size, 256, kiv))
		return false;
	return !(decrypt ? vtpm_cfb_decrypt(kiv, 16, kiv + 16, buf, len)
			 : vtpm_cfb_encrypt(kiv, 16, kiv + 16, buf, len));
}

static void test_param_crypt(const struct hmac_case *hc, struct hmac_ctx *x)
{
	const struct vtpm_auth *au = &x->p.c.auths[0];
	u8 buf[256], exp[32];
	u16 n;

	if (au->attrs & VTPM_SA_DECRYPT) {
		n = vtpm_get_u16(x->p.c.params);
		memcpy(buf, x->p.c.params + 2, n);
		ok(cfb_param(hc, x, &au->nonce, &x->tpm, buf, n, true, false) &&
		   n == strlen(hc->tss_plain) && !memcmp(buf, hc->tss_plain, n),
		   "%s: with the sessionKey alone the parameter decrypts to \"%s\" (tpm2-tss's key)",
		   hc->what, hc->tss_plain);
		memcpy(buf, x->p.c.params + 2, n);
		ok(cfb_param(hc, x, &au->nonce, &x->tpm, buf, n, true, true) &&
		   n == strlen(hc->new_auth) && !memcmp(buf, hc->new_auth, n),
		   "%s: with sessionKey || authValue it decrypts to what swtpm set",
		   hc->what);
	}
	if (au->attrs & VTPM_SA_ENCRYPT) {
		n = vtpm_get_u16(x->rsp.rp);
		memcpy(buf, x->rsp.rp + 2, n);
		unhex(getrandom_out, exp, sizeof(exp));
		ok(cfb_param(hc, x, &x->rsp.nonce, &au->nonce, buf, n, true,
			     true) &&
		   n == 20 && !memcmp(buf, exp, 20),
		   "%s: swtpm's encrypted response decrypts to the tool's output",
		   hc->what);
	}
}

/*
 * The engine runs the captured command as it is, with its session's
 * nonceTPM (and the sessionKey derived from it) set to swtpm's.
 */
static void test_engine(const struct hmac_case *hc, struct hmac_ctx *x)
{
	const struct vtpm_auth *au = &x->p.c.auths[0];
	struct parsed_rsp pr;
	struct vtpm_session *s;
	u8 mac[32], key[128];
	struct rspbuf r;
	size_t klen;
	u32 rc;

	new_engine();
	if (*hc->old_auth)
		hier_change_auth(engine, VTPM_RH_OWNER, "", hc->old_auth);
	replay_until(x->t, x->k);
	s = vtpm_sess_get(engine, map_handle(au->handle));
	if (!s) {
		ok(false, "%s: the engine has the session", hc->what);
		return;
	}
	s->nonce_tpm = x->tpm;
	s->session_key = x->skey;
	rc = replay(&x->t->cmd[x->k], &r);
	ok(rc == 0, "%s: the engine accepts the captured command (rc 0x%x)",
	   hc->what, rc);
	if (rc)
		return;
	parse_rsp(r.b, r.len, false, &pr);
	klen = hmac_key_of(hc, x, hc->new_auth, key);
	ossl_rsp_hmac(key, klen, x->p.c.cc, pr.rp, pr.rp_len, &pr.nonce,
		      &au->nonce, pr.attrs, mac);
	ok(pr.hmac.size == 32 && !memcmp(mac, pr.hmac.buf, 32) &&
	   pr.attrs == au->attrs && pr.nonce.size == x->tpm.size &&
	   memcmp(pr.nonce.buf, x->tpm.buf, x->tpm.size),
	   "%s: the engine's response HMAC verifies (OpenSSL), nonce rolled",
	   hc->what);
	if (x->p.c.cc == VTPM_CC_HierarchyChangeAuth)
		ok(hier_change_auth(engine, VTPM_RH_OWNER, hc->new_auth, "") == 0,
		   "%s: the owner authValue is now swtpm's", hc->what);
}

static void test_hmac_cases(void)
{
	struct hmac_ctx *x = calloc(1, sizeof(*x));
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hmac_cases); i++) {
		if (!setup_case(&hmac_cases[i], x)) {
			ok(false, "%s: transcript parses", hmac_cases[i].what);
			continue;
		}
		test_pieces(&hmac_cases[i], x);
		test_param_crypt(&hmac_cases[i], x);
		test_engine(&hmac_cases[i], x);
		free(x->t);
	}
	free(x);
}

/* --- policy streams --- */

/*
 * Replays a transcript but its ContextSave/ContextLoad (the engine keeps
 * the session loaded); every response code must be swtpm's and every
 * PolicyGetDigest answer identical.
 */
static void test_policy_stream(const char *file, const char *what)
{
	struct transcript *t = load(file);
	unsigned int i, digests = 0, bad = 0;
	struct rspbuf r;
	u32 rc, cc;

	for (i = 0; i < t->ncmd && i < t->nrsp; i++) {
		cc = cc_of(&t->cmd[i]);
		if (cc == VTPM_CC_ContextSave || cc == VTPM_CC_ContextLoad)
			continue;
		rc = replay(&t->cmd[i], &r);
		if (rc != vtpm_get_u32(t->rsp[i].b + 6)) {
			printf("# %s: command %u (cc 0x%x): rc 0x%x, swtpm 0x%x\n",
			       file, i, cc, rc, vtpm_get_u32(t->rsp[i].b + 6));
			bad++;
		}
		if (cc == VTPM_CC_StartAuthSession && !rc && nmap < 8) {
			handle_map[0][nmap] = vtpm_get_u32(t->rsp[i].b + 10);
			handle_map[1][nmap++] = vtpm_get_u32(r.b + 10);
		}
		if (cc != VTPM_CC_PolicyGetDigest)
			continue;
		digests++;
		if (r.len != t->rsp[i].len || memcmp(r.b, t->rsp[i].b, r.len)) {
			printf("# %s: PolicyGetDigest %u differs\n", file, i);
			bad++;
		}
	}
	ok(!bad && digests, "%s: %u policy digests and every response code equal swtpm's",
	   what, digests);
	free(t);
}

int main(void)
{
	printf("TAP version 13\n");
	new_engine();
	test_hmac_cases();

	new_engine();
	test_policy_stream("tpm2tools-createpolicy-pcr.txt",
			   "tpm2_createpolicy --policy-pcr sha256:0,1");
	/* one TPM for the three, as they were captured */
	new_engine();
	test_policy_stream("tpm2tools-createpolicy-pcr-extended.txt",
			   "PCR_Extend, then tpm2_createpolicy sha256:0,1+sha1:2,3");
	test_policy_stream("tpm2tools-policy-trial-chain.txt",
			   "trial PolicyPCR, AuthValue, CommandCode, Password, OR");
	test_policy_stream("tpm2tools-policy-session.txt",
			   "policy session PolicyPCR, failing PolicyOR, PolicyRestart");
	vtpm_engine_free(engine);
	return tap_done();
}
