// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - a netlink fuzzer for the generic netlink family "vswitch"
 *
 *   nlfuzz [-n COUNT] [-s SEED] [-f FAMILY] [-U] [-v] [-m N] [-t SECS] [DEV...]
 *
 * Sends COUNT requests (default 100000) to the family, each built by a
 * seeded PRNG (the seed is printed: the same seed replays the same
 * requests), of three kinds:
 *   valid    well-formed requests of every command, on a small pool of
 *            switch names, the devices DEV... (veths), port ids 1..8 and
 *            128 MAC addresses, so that switches, ports and fdb entries
 *            come and go and the state stays bounded;
 *   mutated  a valid request with one mutation (attribute length, nla_len
 *            or nlmsg_len lies, truncated nests, long or unterminated
 *            strings, wrong types and flags, duplicate, unknown, reply-only
 *            or missing attributes, huge values, bad MACs and addresses,
 *            genl header and netlink flags, do/dump swapped, two requests
 *            in one datagram);
 *   random   random command numbers (valid or not), do or dump, and
 *            random attribute trees.
 * A few dumps run on a second socket, read one datagram at a time between
 * the other requests, so that they resume over a changing state; a third
 * socket listens to the family's multicast groups.
 *
 * Every reply is read and counted. Every error (NLMSG_ERROR with a
 * negative error, or NLMSG_DONE with one) must carry an extack message
 * (NLMSGERR_ATTR_MSG), with one exception: errors that the netlink and
 * genetlink core return before the family's code runs carry none on
 * these kernels (6.1, 6.12); they are classified by errno and cause:
 *   EINVAL      nlmsg_len shorter than the genetlink header
 *   EOPNOTSUPP  no such command, or no do (dump) handler for it
 *   EPERM       an admin-perm command without CAP_NET_ADMIN
 *   EBUSY       a dump while the datagram's first dump still runs
 * and not counted as failures. Further checks: a bad-attribute offset
 * points into the request; an ENOENT points at the switch-name exactly
 * when that switch does not exist (every fourth one is checked); an
 * admin request in 200 is bracketed by dumps of every switch, port and
 * fdb entry, which must not differ if it was rejected. With -U (run
 * without CAP_NET_ADMIN) every command the family marks admin-perm must
 * be refused with EPERM (or by the core checks that come first).
 *
 * At the end, unless -U, every switch of the namespace is deleted (run
 * it in a namespace of its own). Exit status: 0 when no check failed, 1
 * when one did (the first offending requests are printed in hex), 2 on a
 * usage or setup error. The last line is a one-line summary.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/vswitch.h>

#define MAX_NODES	160
#define MAX_DATA	512
#define MAX_MSG		16384
#define RX_BUF		65536
#define MAX_CMD		256
#define N_POOL_SW	6
#define N_MACS		128
#define MAX_DEVS	16
#define GENL_MIN	((int)(NLMSG_HDRLEN + GENL_HDRLEN))

/* ---- options and counters ---------------------------------------------- */

static long opt_count = 100000;
static uint64_t opt_seed;
static const char *opt_family = VSWITCH_FAMILY_NAME;
static bool opt_unpriv, opt_verbose;
static int opt_show = 5, opt_timeout = 60;

enum cause { C_SHORT, C_NOCMD, C_PERM, C_BUSY, N_CAUSES };

static const struct {
	const char *what;
	int err;
} causes[N_CAUSES] = {
	[C_SHORT] = { "nlmsg_len shorter than the genetlink header (core)", EINVAL },
	[C_NOCMD] = { "no such command, or no do/dump handler for it (core)", EOPNOTSUPP },
	[C_PERM]  = { "admin-perm command without CAP_NET_ADMIN (core)", EPERM },
	[C_BUSY]  = { "a dump while the datagram's first dump runs (netlink core)", EBUSY },
};

enum kind_msg { M_VALID, M_MUTATED, M_RANDOM, M_SLOWDUMP, N_KINDS };
static const char *kind_name[N_KINDS] = { "valid", "mutated", "random", "slow-dump" };

static struct {
	long sent, kind[N_KINDS], datagrams, send_err;
	long acks, ack_msg, replies, dump_replies, dumps_done;
	long errors, err_msg, err_core[N_CAUSES], err_nomsg;
	long no_reply, late, stray, bad_reply, bad_offs, perm_viol;
	long events, event_bad, event_overflow, cleaned;
	long enoent_checked, wrong_attr, snaps, changed;	/* oracles */
	long err_errno[256], ok_cmd[MAX_CMD];
	long rounds_cmd[MAX_CMD];
	double secs_cmd[MAX_CMD];
} st;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Distinct extack messages, for -v. */
static struct { char text[96]; long n; } hist[128];
static int n_hist;

/* ---- PRNG (splitmix64; one stream, so a seed replays a run) ------------ */

static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) { return n ? rnd64() % n : 0; }
static bool chance(unsigned int pct) { return rnd(100) < pct; }

static void rnd_bytes(uint8_t *p, int len)
{
	while (len-- > 0)
		*p++ = rnd64();
}

/* ---- the family, as the controller describes it ---------------------- */

static uint16_t fam_id;
static uint32_t fam_maxattr, fam_grps[8];
static int n_grps;
static struct { bool present; uint32_t flags; } ops[MAX_CMD];
static bool have_cap;
static bool is_vswitch;

/* ---- attribute trees ------------------------------------------------- */

enum kind { K_ROOT, K_NEST, K_STR, K_U8, K_U32, K_U64, K_FLAG, K_MAC, K_IP4,
	    K_IP6, K_BIN };

struct node {
	uint16_t type;		/* with the NLA_F_* bits */
	int8_t kind;
	bool dead;
	int parent, child, next;
	int len;		/* payload bytes (leaves) */
	int lie;		/* added to nla_len when serialized */
	uint8_t data[MAX_DATA];
};

struct tree {
	struct node n[MAX_NODES];
	int nn;
};

/* What goes in the headers, and how the message lies about itself. */
enum lie { L_NONE, L_LONG, L_TINY, L_NOGENL, L_TAIL, L_CUT };

struct hdr {
	uint8_t cmd, version;
	uint16_t reserved, flags;
	enum lie lie;
	int cut;		/* L_CUT: bytes cut off the end */
	bool two;		/* a second valid request in the same datagram */
	const char *what;	/* generator and mutation, for reports */
};

static int t_add(struct tree *t, int parent, uint16_t type, enum kind k,
		 const void *data, int len)
{
	struct node *n, *p;
	int i, c;

	if (parent < 0 || t->nn >= MAX_NODES || len > MAX_DATA || len < 0)
		return -1;
	i = t->nn++;
	n = &t->n[i];
	memset(n, 0, offsetof(struct node, data));
	n->type = type | (k == K_NEST ? NLA_F_NESTED : 0);
	n->kind = k;
	n->parent = parent;
	n->child = n->next = -1;
	n->len = len;
	if (len && data)
		memcpy(n->data, data, len);
	p = &t->n[parent];
	if (p->child < 0) {
		p->child = i;
	} else {
		for (c = p->child; t->n[c].next >= 0; c = t->n[c].next)
			;
		t->n[c].next = i;
	}
	return i;
}

static void t_init(struct tree *t)
{
	t->nn = 1;
	memset(&t->n[0], 0, offsetof(struct node, data));
	t->n[0].kind = K_ROOT;
	t->n[0].parent = t->n[0].child = t->n[0].next = -1;
}

static int t_nest(struct tree *t, int p, uint16_t type) { return t_add(t, p, type, K_NEST, NULL, 0); }
static int t_flag(struct tree *t, int p, uint16_t type) { return t_add(t, p, type, K_FLAG, NULL, 0); }
static int t_u8(struct tree *t, int p, uint16_t type, uint8_t v) { return t_add(t, p, type, K_U8, &v, 1); }
static int t_u32(struct tree *t, int p, uint16_t type, uint32_t v) { return t_add(t, p, type, K_U32, &v, 4); }

static int t_str(struct tree *t, int p, uint16_t type, const char *s)
{
	return t_add(t, p, type, K_STR, s, strlen(s) + 1);
}

static void t_unlink(struct tree *t, int i)
{
	struct node *p = &t->n[t->n[i].parent];
	int c;

	if (p->child == i) {
		p->child = t->n[i].next;
	} else {
		for (c = p->child; c >= 0 && t->n[c].next != i; c = t->n[c].next)
			;
		if (c >= 0)
			t->n[c].next = t->n[i].next;
	}
	t->n[i].dead = true;
}

static bool t_live(const struct tree *t, int i)
{
	for (; i > 0; i = t->n[i].parent)
		if (t->n[i].dead)
			return false;
	return true;
}

/* A random live node whose kind is in @mask (1 << kind), or -1. */
static int t_pick(const struct tree *t, unsigned int mask)
{
	int i, cand[MAX_NODES], n = 0;

	for (i = 1; i < t->nn; i++)
		if ((mask & (1u << t->n[i].kind)) && t_live(t, i))
			cand[n++] = i;
	return n ? cand[rnd(n)] : -1;
}

/* Serialize node @i at @buf; returns the bytes written (aligned) or -1. */
static int ser_node(const struct tree *t, int i, uint8_t *buf, int room)
{
	const struct node *n = &t->n[i];
	struct nlattr *a = (struct nlattr *)buf;
	int pos = NLA_HDRLEN, c, w, l;

	if (room < NLA_HDRLEN)
		return -1;
	if (n->kind == K_NEST) {
		for (c = n->child; c >= 0; c = t->n[c].next) {
			w = ser_node(t, c, buf + pos, room - pos);
			if (w < 0)
				return -1;
			pos += w;
		}
	} else {
		if (pos + NLA_ALIGN(n->len) > room)
			return -1;
		memcpy(buf + pos, n->data, n->len);
		pos += n->len;
	}
	l = pos + n->lie;
	a->nla_len = l < 0 ? 0 : l > 0xffff ? 0xffff : l;
	a->nla_type = n->type;
	while (pos % NLA_ALIGNTO)
		buf[pos++] = 0;
	return pos;
}

/* ---- requests -------------------------------------------------------- */

struct req {
	uint8_t buf[MAX_MSG];
	int len;		/* bytes of the datagram that are this request */
	uint32_t nlmsg_len;	/* what its header says */
	uint32_t seq;
	uint16_t flags;
	uint8_t cmd;
	bool dump, admin, certain, done;
	bool after_dump;	/* follows a dump in the same datagram */
	bool failed;		/* an error came back */
	bool last;		/* no request after it in its datagram */
	enum kind_msg kind;
	const char *what;
	long idx;
};

/* Bytes of @r the kernel parses as the request. */
static int req_view(const struct req *r)
{
	return r->nlmsg_len < (uint32_t)r->len ? (int)r->nlmsg_len : r->len;
}

static int build(struct req *r, const struct tree *t, const struct hdr *h)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)r->buf;
	struct genlmsghdr *g = NLMSG_DATA(nh);
	int pos = NLMSG_HDRLEN + GENL_HDRLEN, c, w, k;

	for (c = t->n[0].child; c >= 0; c = t->n[c].next) {
		w = ser_node(t, c, r->buf + pos, MAX_MSG - pos);
		if (w < 0)
			return -1;
		pos += w;
	}
	memset(nh, 0, sizeof(*nh));
	nh->nlmsg_type = fam_id;
	nh->nlmsg_flags = h->flags;
	g->cmd = h->cmd;
	g->version = h->version;
	g->reserved = h->reserved;
	r->len = pos;
	r->nlmsg_len = pos;
	switch (h->lie) {
	case L_NONE:
		break;
	case L_LONG:		/* more than was sent: dropped silently */
		r->nlmsg_len = chance(20) ? 0xffffffffu : pos + 1 + rnd(64);
		break;
	case L_TINY:		/* shorter than a netlink header: dropped */
		r->nlmsg_len = rnd(NLMSG_HDRLEN);
		break;
	case L_NOGENL:		/* no room for the genetlink header */
		r->len = r->nlmsg_len = NLMSG_HDRLEN + rnd(GENL_HDRLEN);
		break;
	case L_TAIL:		/* shorter than the datagram, by < 16 bytes */
		k = 1 + rnd(15);
		r->nlmsg_len = pos - k > NLMSG_HDRLEN ? pos - k : NLMSG_HDRLEN;
		break;
	case L_CUT:		/* datagram and header agree, attributes cut */
		k = h->cut < pos - NLMSG_HDRLEN ? h->cut : pos - NLMSG_HDRLEN;
		r->len = r->nlmsg_len = pos - k;
		break;
	}
	nh->nlmsg_len = r->nlmsg_len;
	r->flags = h->flags;
	r->cmd = h->cmd;
	r->dump = (h->flags & NLM_F_DUMP) == NLM_F_DUMP;
	r->admin = ops[r->cmd].present && (ops[r->cmd].flags & GENL_ADMIN_PERM);
	r->what = h->what;
	r->done = r->failed = false;
	r->last = true;
	/*
	 * Certain: the request ends with an NLMSG_ERROR or NLMSG_DONE of its
	 * own. Otherwise a sync request after it tells when it is over.
	 */
	r->certain = (h->flags & NLM_F_REQUEST) &&
		     (r->dump || (h->flags & NLM_F_ACK)) &&
		     h->lie != L_LONG && h->lie != L_TINY;
	return 0;
}

/* ---- sockets --------------------------------------------------------- */

struct nlsock {
	int fd;
	uint32_t seq;
	struct req *cur[2];
	int ncur;
	uint32_t sync_seq;
	bool sync_done;
};

static struct nlsock ms, ds;	/* main, slow dumps */
static int evfd = -1;		/* events */
static uint8_t rxbuf[RX_BUF];

static int nl_open(bool extack)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	struct timeval tv = { .tv_sec = opt_timeout };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, sz = 4 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("nlfuzz: netlink socket");
		exit(2);
	}
	/* beyond rmem_max when allowed: a lost reply would be a failure */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	/* a reply that does not come within the timeout is a failure */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (extack &&
	    (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	     setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one)))) {
		perror("nlfuzz: NETLINK_EXT_ACK");
		exit(2);
	}
	return fd;
}

static int nl_send(int fd, const void *buf, int len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (sendto(fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		st.send_err++;
		return -1;
	}
	st.datagrams++;
	return 0;
}

/* One datagram into rxbuf; 0 on timeout, -1 on error (errno). */
static int nl_recv(int fd, bool wait)
{
	int n = recv(fd, rxbuf, sizeof(rxbuf), wait ? 0 : MSG_DONTWAIT);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return 0;
	return n;
}

/* ---- the controller: family id, ops, groups -------------------------- */

#define for_each_nla(a, start, len)					\
	for (a = (struct nlattr *)(start);				\
	     (uint8_t *)(a) + NLA_HDRLEN <= (uint8_t *)(start) + (len) &&	\
	     (a)->nla_len >= NLA_HDRLEN &&				\
	     (uint8_t *)(a) + (a)->nla_len <= (uint8_t *)(start) + (len);	\
	     a = (struct nlattr *)((uint8_t *)(a) + NLA_ALIGN((a)->nla_len)))

#define NLA_DATA(a)	((uint8_t *)(a) + NLA_HDRLEN)
#define NLA_PLEN(a)	((int)(a)->nla_len - NLA_HDRLEN)

static uint32_t nla_u32(const struct nlattr *a)
{
	uint32_t v = 0;

	memcpy(&v, NLA_DATA(a), NLA_PLEN(a) < 4 ? NLA_PLEN(a) : 4);
	return v;
}

static void ctrl_parse_ops(struct nlattr *nest)
{
	struct nlattr *op, *a;
	uint32_t id, flags;

	for_each_nla(op, NLA_DATA(nest), NLA_PLEN(nest)) {
		id = MAX_CMD;
		flags = 0;
		for_each_nla(a, NLA_DATA(op), NLA_PLEN(op)) {
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_OP_ID)
				id = nla_u32(a);
			else if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_OP_FLAGS)
				flags = nla_u32(a);
		}
		if (id < MAX_CMD) {
			ops[id].present = true;
			ops[id].flags |= flags;
		}
	}
}

static void ctrl_parse_grps(struct nlattr *nest)
{
	struct nlattr *g, *a;

	for_each_nla(g, NLA_DATA(nest), NLA_PLEN(nest))
		for_each_nla(a, NLA_DATA(g), NLA_PLEN(g))
			if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID &&
			    n_grps < 8)
				fam_grps[n_grps++] = nla_u32(a);
}

static int ctrl_resolve(int fd, const char *name)
{
	struct { struct nlmsghdr n; struct genlmsghdr g; uint8_t a[64]; } q = {};
	struct nlattr *a = (struct nlattr *)q.a;
	struct nlmsghdr *h;
	int n, len = strlen(name) + 1;

	a->nla_type = CTRL_ATTR_FAMILY_NAME;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(NLA_DATA(a), name, len);
	q.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN + NLA_ALIGN(a->nla_len);
	q.n.nlmsg_type = GENL_ID_CTRL;
	q.n.nlmsg_flags = NLM_F_REQUEST;
	q.n.nlmsg_seq = 1;
	q.g.cmd = CTRL_CMD_GETFAMILY;
	q.g.version = 1;
	if (nl_send(fd, &q, q.n.nlmsg_len) || (n = nl_recv(fd, true)) <= 0)
		return -1;
	h = (struct nlmsghdr *)rxbuf;
	if (!NLMSG_OK(h, n) || h->nlmsg_type != GENL_ID_CTRL)
		return -1;
	n = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for_each_nla(a, (uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN, n) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case CTRL_ATTR_FAMILY_ID:
			fam_id = nla_u32(a);
			break;
		case CTRL_ATTR_MAXATTR:
			fam_maxattr = nla_u32(a);
			break;
		case CTRL_ATTR_OPS:
			ctrl_parse_ops(a);
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			ctrl_parse_grps(a);
			break;
		}
	}
	st.datagrams--;		/* not part of the fuzzing */
	return fam_id ? 0 : -1;
}

/* A request to the controller with an ACK: tells when what came before is done. */
static void send_sync(struct nlsock *s)
{
	struct { struct nlmsghdr n; struct genlmsghdr g; struct nlattr a; uint32_t id; } q = {};

	q.n.nlmsg_len = sizeof(q);
	q.n.nlmsg_type = GENL_ID_CTRL;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	q.n.nlmsg_seq = s->sync_seq = ++s->seq;
	q.g.cmd = CTRL_CMD_GETFAMILY;
	q.g.version = 1;
	q.a.nla_type = CTRL_ATTR_FAMILY_ID;
	q.a.nla_len = NLA_HDRLEN + 2;
	q.id = fam_id;
	s->sync_done = false;
	if (nl_send(s->fd, &q, sizeof(q)))
		s->sync_done = true;
	st.datagrams--;
}

/* ---- checks ---------------------------------------------------------- */

static struct {
	uint8_t buf[512];
	int len, err;
	long idx;
	char why[64], what[64];
	uint8_t cmd;
	bool dump;
} offenders[16];
static int n_off;
static long n_fail;

static void offend(const struct req *r, int err, const char *why)
{
	int n = req_view(r) < (int)sizeof(offenders[0].buf) ?
		req_view(r) : (int)sizeof(offenders[0].buf);

	n_fail++;
	if (n_off >= opt_show || n_off >= 16)
		return;
	if (n < 0)
		n = 0;
	memcpy(offenders[n_off].buf, r->buf, n);
	offenders[n_off].len = n;
	offenders[n_off].err = err;
	offenders[n_off].idx = r->idx;
	offenders[n_off].cmd = r->cmd;
	offenders[n_off].dump = r->dump;
	snprintf(offenders[n_off].why, sizeof(offenders[0].why), "%s", why);
	snprintf(offenders[n_off].what, sizeof(offenders[0].what), "%s", r->what);
	n_off++;
}

static void hist_add(const char *msg, int len)
{
	int i;

	if (len > 95)
		len = 95;
	for (i = 0; i < n_hist; i++)
		if (!strncmp(hist[i].text, msg, len) && !hist[i].text[len]) {
			hist[i].n++;
			return;
		}
	if (n_hist < (int)(sizeof(hist) / sizeof(hist[0]))) {
		memcpy(hist[n_hist].text, msg, len);
		hist[n_hist].text[len] = 0;
		hist[n_hist++].n = 1;
	}
}

struct tlvs {
	const char *msg;
	int msg_len;
	long offs, miss_nest;
};

static void parse_tlvs(struct tlvs *ti, const uint8_t *p, int len)
{
	const struct nlattr *a;

	memset(ti, 0, sizeof(*ti));
	ti->offs = ti->miss_nest = -1;
	if (len <= 0)
		return;
	for_each_nla(a, p, len) {
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			ti->msg = (const char *)NLA_DATA(a);
			ti->msg_len = strnlen(ti->msg, NLA_PLEN(a));
			break;
		case NLMSGERR_ATTR_OFFS:
			ti->offs = nla_u32(a);
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			ti->miss_nest = nla_u32(a);
			break;
		}
	}
}

/* Does a core check the kernel makes before the family's code explain @err? */
static int core_cause(const struct req *r, int err)
{
	if (req_view(r) < GENL_MIN)
		return err == EINVAL ? C_SHORT : -1;
	if (err == EOPNOTSUPP &&
	    (!ops[r->cmd].present ||
	     !(ops[r->cmd].flags & (r->dump ? GENL_CMD_CAP_DUMP : GENL_CMD_CAP_DO))))
		return C_NOCMD;
	if (err == EPERM && r->admin && !have_cap)
		return C_PERM;
	if (err == EBUSY && r->dump && r->after_dump)
		return C_BUSY;
	return -1;
}

/* Without CAP_NET_ADMIN an admin-perm command fails with EPERM, unless a check before it fails. */
static bool perm_ok(const struct req *r, int err)
{
	uint16_t f = r->flags;
	const struct genlmsghdr *g = (const void *)(r->buf + NLMSG_HDRLEN);

	if (err == EPERM)
		return true;
	if ((f & NLM_F_DUMP) == NLM_F_DUMP)
		f &= ~NLM_F_DUMP;
	if (err == EINVAL && (req_view(r) < GENL_MIN ||
			      g->reserved || (f & ~(NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO))))
		return true;
	return (err == EOPNOTSUPP && core_cause(r, err) == C_NOCMD) ||
	       (err == EBUSY && core_cause(r, err) == C_BUSY);
}

static bool offs_ok(const struct req *r, long offs)
{
	return offs < 0 || (offs >= NLMSG_HDRLEN && offs < req_view(r));
}

/*
 * ENOENT says what is missing. When the switch a request names does not
 * exist, the extack must point at its switch-name; when it exists, at
 * something else. Every fourth ENOENT of a do request is checked by asking
 * for the switch once the request is answered (check_enoent()).
 */
static struct { struct req *r; long offs; } enoent[2];
static int n_enoent;
static long enoent_seen;

static void note_enoent(struct req *r, int err, const struct tlvs *ti, bool in_done)
{
	/* (a later request of the datagram may have created the switch) */
	if (!is_vswitch || err != ENOENT || in_done || r->dump || !r->last ||
	    r->cmd == VSWITCH_CMD_SWITCH_NEW || (enoent_seen++ & 3) || n_enoent >= 2)
		return;
	enoent[n_enoent].r = r;
	enoent[n_enoent++].offs = ti->offs;
}

static void on_error(struct req *r, int err, const struct tlvs *ti, bool in_done)
{
	int c;

	r->failed = true;
	st.errors++;
	st.err_errno[err < 256 ? err : 255]++;
	note_enoent(r, err, ti, in_done);
	if (!offs_ok(r, ti->offs) || !offs_ok(r, ti->miss_nest)) {
		st.bad_offs++;
		offend(r, err, "extack offset outside the request");
	}
	if (opt_unpriv && r->admin && !perm_ok(r, err)) {
		st.perm_viol++;
		offend(r, err, "admin command not refused with EPERM");
	}
	if (ti->msg) {
		st.err_msg++;
		hist_add(ti->msg, ti->msg_len);
	} else if ((c = core_cause(r, err)) >= 0 && causes[c].err == err) {
		st.err_core[c]++;
	} else {
		st.err_nomsg++;
		offend(r, err, in_done ? "dump error without extack message" :
					 "error without extack message");
	}
}

static void on_ack(struct req *r, const struct tlvs *ti)
{
	st.acks++;
	if (ti->msg)
		st.ack_msg++;
	if (!(r->flags & NLM_F_REQUEST))
		return;		/* not handled: the kernel only acks it */
	st.ok_cmd[r->cmd]++;
	if (opt_unpriv && r->admin) {
		st.perm_viol++;
		offend(r, 0, "admin command accepted without CAP_NET_ADMIN");
	}
}

/* A reply of the family: its attributes must parse to the end. */
static bool reply_ok(const struct nlmsghdr *h)
{
	const uint8_t *p = (const uint8_t *)NLMSG_DATA(h) + GENL_HDRLEN;
	int len = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, used = 0;
	const struct nlattr *a;

	if (len < 0)
		return false;
	for_each_nla(a, p, len)
		used = (const uint8_t *)a - p + NLA_ALIGN(a->nla_len);
	return used >= len;
}

static void on_msg(struct nlsock *s, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	struct req *r = NULL;
	struct tlvs ti;
	int i, off, err;

	for (i = 0; i < s->ncur; i++)
		if (s->cur[i]->seq == h->nlmsg_seq)
			r = s->cur[i];
	if (!r) {
		if (s->sync_seq && h->nlmsg_seq == s->sync_seq) {
			if (h->nlmsg_type == NLMSG_ERROR)
				s->sync_done = true;
		} else if (h->nlmsg_seq < s->sync_seq ||
			   (s->ncur && h->nlmsg_seq < s->cur[0]->seq)) {
			st.late++;
		} else {
			st.stray++;
		}
		return;
	}
	switch (h->nlmsg_type) {
	case NLMSG_ERROR:
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
			st.bad_reply++;
			break;
		}
		off = NLMSG_HDRLEN + sizeof(*e);
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
		parse_tlvs(&ti, (const uint8_t *)h + off, (int)h->nlmsg_len - off);
		if (e->error)
			on_error(r, -e->error, &ti, false);
		else
			on_ack(r, &ti);
		r->done = true;
		break;
	case NLMSG_DONE:
		memcpy(&err, NLMSG_DATA(h), sizeof(err));
		off = NLMSG_HDRLEN + sizeof(int);
		parse_tlvs(&ti, (const uint8_t *)h + off, (int)h->nlmsg_len - off);
		if (err < 0)
			on_error(r, -err, &ti, true);
		else
			st.dumps_done++;
		r->done = true;
		break;
	default:
		if (h->nlmsg_type != fam_id || !reply_ok(h)) {
			st.bad_reply++;
			offend(r, 0, "malformed reply");
		} else if (h->nlmsg_flags & NLM_F_MULTI) {
			st.dump_replies++;
		} else {
			st.replies++;
		}
	}
}

static void on_datagram(struct nlsock *s, int n)
{
	struct nlmsghdr *h;

	for (h = (struct nlmsghdr *)rxbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n))
		on_msg(s, h);
}

static bool all_done(const struct nlsock *s)
{
	int i;

	if (s->sync_seq && !s->sync_done)
		return false;
	for (i = 0; i < s->ncur; i++)
		if (s->cur[i]->certain && !s->cur[i]->done)
			return false;
	return true;
}

/* Read until the current requests (and the sync) are answered. */
static void wait_replies(struct nlsock *s)
{
	int n, i;

	while (!all_done(s)) {
		n = nl_recv(s->fd, true);
		if (n < 0 && errno == ENOBUFS) {
			fprintf(stderr, "nlfuzz: replies lost (ENOBUFS)\n");
			n = 0;
		} else if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			for (i = 0; i < s->ncur; i++)
				if (!s->cur[i]->done && s->cur[i]->certain) {
					st.no_reply++;
					offend(s->cur[i], 0, "no reply");
				}
			break;
		}
		on_datagram(s, n);
	}
	s->sync_seq = 0;
}

static void drain_events(void)
{
	struct nlmsghdr *h;
	int n;

	if (evfd < 0)
		return;
	for (;;) {
		n = nl_recv(evfd, false);
		if (n < 0 && errno == ENOBUFS) {
			st.event_overflow++;
			continue;
		}
		if (n <= 0)
			return;
		for (h = (struct nlmsghdr *)rxbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == fam_id && reply_ok(h))
				st.events++;
			else
				st.event_bad++;
		}
	}
}

/* ---- pools ----------------------------------------------------------- */

static const char *sw_pool[N_POOL_SW] = {
	"fz0", "fz1", "fz2", "fz3", "fz-sw.name-15c", "fz_5",
};
static const char *devs[MAX_DEVS];
static uint32_t dev_idx[MAX_DEVS];
static int n_devs;

static const char *pick_sw(void)
{
	static const char *other[] = { "nosuch", "fz", "FZ0", "fz0 " };

	return chance(95) ? sw_pool[rnd(N_POOL_SW)] : other[rnd(4)];
}

static void pick_mac(uint8_t *m)
{
	unsigned int i = rnd(N_MACS);

	m[0] = 0x02;
	m[1] = 0xf2;
	m[2] = 0;
	m[3] = 0;
	m[4] = i >> 8;
	m[5] = i + 1;
}

/* A device of the port nest: ifindex or ifname, mostly the veths. */
static void put_dev(struct tree *t, int p)
{
	static const char *other[] = { "lo", "nosuchdev0", "fz0", "fz1", "fz-sw.name-15c" };
	int i = n_devs ? (int)rnd(n_devs) : -1;

	if (chance(50)) {
		t_u32(t, p, VSWITCH_PORT_A_IFINDEX, i >= 0 && chance(92) ? dev_idx[i] :
			chance(30) ? 1 : 1 + rnd(64));
		if (chance(5))
			t_str(t, p, VSWITCH_PORT_A_IFNAME, i >= 0 ? devs[i] : "lo");
	} else {
		t_str(t, p, VSWITCH_PORT_A_IFNAME, i >= 0 && chance(92) ? devs[i] :
			other[rnd(5)]);
	}
}

static void put_ips(struct tree *t, int p)
{
	int a = t_nest(t, p, VSWITCH_PORT_A_ADDRS), n4 = rnd(4), n6 = rnd(4), i;
	uint8_t v4[4] = { 10, 0, 0, 0 }, v6[16] = { 0xfd, 0x00 };

	for (i = 0; i < n4; i++) {
		v4[3] = 1 + rnd(250);
		t_add(t, a, VSWITCH_ADDR_A_IPV4, K_IP4, v4, 4);
	}
	for (i = 0; i < n6; i++) {
		v6[15] = 1 + rnd(250);
		t_add(t, a, VSWITCH_ADDR_A_IPV6, K_IP6, v6, 16);
	}
}

static void put_port_cfg(struct tree *t, int p)
{
	static const uint16_t bits[] = { VSWITCH_PORT_A_UPLINK, VSWITCH_PORT_A_VLAN,
					 VSWITCH_PORT_A_DHCP_GUARD, VSWITCH_PORT_A_SECURITY };
	uint8_t mac[6];
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (chance(25))
			t_u8(t, p, bits[i], rnd(2));
	if (chance(15))
		t_u32(t, p, VSWITCH_PORT_A_SEGMENT, rnd(5));
	if (chance(15))
		t_u32(t, p, VSWITCH_PORT_A_SECGROUP, rnd64());
	if (chance(35)) {
		pick_mac(mac);
		t_add(t, p, VSWITCH_PORT_A_MAC, K_MAC, mac, 6);
	}
	if (chance(20))
		put_ips(t, p);
}

/* The port nest of a request that selects a port: id, ifindex or ifname. */
static void put_port_sel(struct tree *t, int p)
{
	if (chance(45))
		t_u32(t, p, VSWITCH_PORT_A_ID, 1 + (chance(95) ? rnd(8) : rnd(VSWITCH_MAX_PORTS)));
	else
		put_dev(t, p);
}

/* ---- valid requests -------------------------------------------------- */

static void put_fdb(struct tree *t, int p, bool mac, bool port)
{
	int f = t_nest(t, p, VSWITCH_A_FDB);
	uint8_t m[6];

	if (mac) {
		pick_mac(m);
		t_add(t, f, VSWITCH_FDB_A_MAC, K_MAC, m, 6);
	}
	if (port)
		t_u32(t, f, VSWITCH_FDB_A_PORT_ID, 1 + rnd(8));
}

static void gen_switch(struct tree *t, struct hdr *h)
{
	t_str(t, 0, VSWITCH_A_SWITCH_NAME, pick_sw());
	if (h->cmd == VSWITCH_CMD_SWITCH_NEW || h->cmd == VSWITCH_CMD_SWITCH_SET) {
		if (chance(30))
			t_u32(t, 0, VSWITCH_A_AGEING_TIME, VSWITCH_AGEING_MIN +
			      rnd(chance(50) ? 100 : VSWITCH_AGEING_MAX - VSWITCH_AGEING_MIN + 1));
		if (chance(30))
			t_u32(t, 0, VSWITCH_A_FDB_MAX, 1 + (chance(50) ? rnd(200) :
							   rnd(VSWITCH_FDB_MAX_HARD)));
	}
	if (h->cmd == VSWITCH_CMD_SWITCH_NEW && chance(20))
		t_flag(t, 0, VSWITCH_A_INTERNAL);
}

static void gen_port(struct tree *t, struct hdr *h)
{
	int p;

	if ((h->flags & NLM_F_DUMP) == NLM_F_DUMP) {
		t_str(t, 0, VSWITCH_A_SWITCH_NAME, pick_sw());
		return;
	}
	t_str(t, 0, VSWITCH_A_SWITCH_NAME, pick_sw());
	if (h->cmd == VSWITCH_CMD_STATS_GET && chance(40))
		return;
	p = t_nest(t, 0, VSWITCH_A_PORT);
	if (h->cmd == VSWITCH_CMD_PORT_ADD) {
		put_dev(t, p);
		if (chance(30))
			t_u32(t, p, VSWITCH_PORT_A_ID, 1 + (chance(90) ? rnd(8) :
							  VSWITCH_MAX_PORTS - 1));
	} else {
		put_port_sel(t, p);
	}
	if (h->cmd == VSWITCH_CMD_PORT_ADD || h->cmd == VSWITCH_CMD_PORT_SET)
		put_port_cfg(t, p);
}

static void gen_fdb(struct tree *t, struct hdr *h)
{
	t_str(t, 0, VSWITCH_A_SWITCH_NAME, pick_sw());
	switch (h->cmd) {
	case VSWITCH_CMD_FDB_ADD:
		put_fdb(t, 0, true, true);
		break;
	case VSWITCH_CMD_FDB_DEL:
		put_fdb(t, 0, true, false);
		break;
	case VSWITCH_CMD_FDB_GET:
		if ((h->flags & NLM_F_DUMP) != NLM_F_DUMP)
			put_fdb(t, 0, true, false);
		break;
	case VSWITCH_CMD_FDB_FLUSH:
		if (chance(60)) {
			int f = t_nest(t, 0, VSWITCH_A_FDB);

			if (chance(50))
				t_u32(t, f, VSWITCH_FDB_A_PORT_ID, 1 + rnd(8));
			if (chance(30))
				t_flag(t, f, VSWITCH_FDB_A_STATIC);
		}
		break;
	}
}

static const struct { uint8_t cmd; int weight; } valid_cmds[] = {
	{ VSWITCH_CMD_SWITCH_NEW, 3 }, { VSWITCH_CMD_SWITCH_DEL, 2 },
	{ VSWITCH_CMD_SWITCH_SET, 5 }, { VSWITCH_CMD_SWITCH_GET, 8 },
	{ VSWITCH_CMD_PORT_ADD, 10 }, { VSWITCH_CMD_PORT_DEL, 5 },
	{ VSWITCH_CMD_PORT_SET, 10 }, { VSWITCH_CMD_PORT_GET, 8 },
	{ VSWITCH_CMD_FDB_ADD, 12 }, { VSWITCH_CMD_FDB_DEL, 6 },
	{ VSWITCH_CMD_FDB_GET, 8 }, { VSWITCH_CMD_FDB_FLUSH, 3 },
	{ VSWITCH_CMD_STATS_GET, 6 },
};

static void gen_valid(struct tree *t, struct hdr *h)
{
	int total = 0, r;
	unsigned int i;

	for (i = 0; i < sizeof(valid_cmds) / sizeof(valid_cmds[0]); i++)
		total += valid_cmds[i].weight;
	r = rnd(total);
	for (i = 0; r >= valid_cmds[i].weight; i++)
		r -= valid_cmds[i].weight;
	h->cmd = valid_cmds[i].cmd;
	h->version = VSWITCH_FAMILY_VERSION;
	h->flags = NLM_F_REQUEST | NLM_F_ACK;
	if (ops[h->cmd].flags & GENL_CMD_CAP_DUMP && chance(40))
		h->flags = NLM_F_REQUEST | NLM_F_DUMP;
	h->what = "valid";
	switch (h->cmd) {
	case VSWITCH_CMD_SWITCH_NEW ... VSWITCH_CMD_SWITCH_GET:
		gen_switch(t, h);
		break;
	case VSWITCH_CMD_PORT_ADD ... VSWITCH_CMD_PORT_GET:
	case VSWITCH_CMD_STATS_GET:
		gen_port(t, h);
		break;
	default:
		gen_fdb(t, h);
	}
}

/* ---- random requests ------------------------------------------------- */

static void rand_tree(struct tree *t, int p, int depth)
{
	int n = rnd(depth ? 4 : 7), i, len, c;
	uint16_t type;
	uint8_t d[40];

	for (i = 0; i < n; i++) {
		type = chance(85) ? rnd(17) : rnd(0x8000);
		if (depth < 4 && chance(25)) {
			c = t_nest(t, p, type);
			if (c >= 0 && chance(10))
				t->n[c].type &= ~NLA_F_NESTED;
			rand_tree(t, c, depth + 1);
			continue;
		}
		len = chance(30) ? 4 : chance(30) ? 1 + rnd(16) : rnd(40);
		rnd_bytes(d, len);
		if (chance(30) && len) {
			for (c = 0; c < len - 1; c++)
				d[c] = 'a' + d[c] % 26;
			d[len - 1] = 0;
		}
		c = t_add(t, p, type, K_BIN, d, len);
		if (c >= 0 && chance(5))
			t->n[c].type |= chance(50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	}
}

static void gen_random(struct tree *t, struct hdr *h)
{
	h->cmd = chance(75) ? rnd(VSWITCH_CMD_MAX + 4) : rnd(256);
	h->version = chance(90) ? 1 : rnd(256);
	h->flags = NLM_F_REQUEST | (chance(30) ? NLM_F_DUMP : NLM_F_ACK);
	h->what = "random";
	rand_tree(t, 0, 0);
}

/* ---- mutations ------------------------------------------------------- */

#define LEAVES	((1u << K_STR) | (1u << K_U8) | (1u << K_U32) | (1u << K_U64) | \
		 (1u << K_FLAG) | (1u << K_MAC) | (1u << K_IP4) | (1u << K_IP6) | \
		 (1u << K_BIN))
#define ANY	(LEAVES | (1u << K_NEST))
#define CONTAINERS ((1u << K_ROOT) | (1u << K_NEST))

/* A wrong payload length for a fixed-size attribute. */
static int m_len(struct tree *t, struct hdr *h)
{
	static const int bad[] = { 0, 1, 2, 3, 5, 7, 8, 12, 15, 17, 20, 64 };
	int i = t_pick(t, LEAVES & ~(1u << K_STR) & ~(1u << K_BIN)), l;
	struct node *n;

	if (i < 0)
		return -1;
	n = &t->n[i];
	do {
		l = bad[rnd(sizeof(bad) / sizeof(bad[0]))];
	} while (l == n->len);
	if (n->kind == K_FLAG)
		l = 1 + rnd(8);
	rnd_bytes(n->data + n->len, l > n->len ? l - n->len : 0);
	n->len = l;
	h->what = "wrong attribute length";
	return 0;
}

/* nla_len says more, or less, than the attribute holds. */
static int m_lie(struct tree *t, struct hdr *h)
{
	static const int lies[] = { 1, 2, 3, 4, 8, 100, 4000, -1, -2, -3, -4, -5 };
	int i = t_pick(t, ANY);

	if (i < 0)
		return -1;
	t->n[i].lie = chance(15) ? -(NLA_HDRLEN + t->n[i].len) + (int)rnd(NLA_HDRLEN) :
		      lies[rnd(sizeof(lies) / sizeof(lies[0]))];
	h->what = "nla_len lies";
	return 0;
}

/* A nest cut short: its nla_len ends inside its last child, or the message ends there. */
static int m_trunc(struct tree *t, struct hdr *h)
{
	int i = t_pick(t, 1u << K_NEST), c, sz;

	if (i < 0 || t->n[i].child < 0)
		return -1;
	for (c = t->n[i].child; t->n[c].next >= 0; c = t->n[c].next)
		;
	sz = NLA_HDRLEN + (t->n[c].kind == K_NEST ? 8 : t->n[c].len);
	if (chance(50)) {
		t->n[i].lie = -(1 + (int)rnd(sz));
		h->what = "truncated nest (nla_len)";
	} else {
		/* cut the message inside the nest: move the nest last at the top */
		while (t->n[i].parent > 0)
			i = t->n[i].parent;
		t_unlink(t, i);
		t->n[i].dead = false;
		t->n[i].next = -1;
		for (c = t->n[0].child; c >= 0 && t->n[c].next >= 0; c = t->n[c].next)
			;
		if (c < 0)
			t->n[0].child = i;
		else
			t->n[c].next = i;
		h->lie = L_CUT;
		h->cut = 1 + rnd(sz);
		h->what = "truncated nest (message ends)";
	}
	return 0;
}

static int pick_str(struct tree *t)
{
	int i = t_pick(t, 1u << K_STR);

	return i >= 0 ? i : t_str(t, 0, VSWITCH_A_SWITCH_NAME, "fz0");
}

static int m_str_long(struct tree *t, struct hdr *h)
{
	int i = pick_str(t), l = 16 + (chance(50) ? rnd(4) : rnd(MAX_DATA - 17)), k;

	if (i < 0)
		return -1;
	for (k = 0; k < l; k++)
		t->n[i].data[k] = 'a' + rnd(26);
	t->n[i].data[l] = 0;
	t->n[i].len = l + 1;
	h->what = "oversized string";
	return 0;
}

static int m_str_unterm(struct tree *t, struct hdr *h)
{
	int i = pick_str(t), v = rnd(4);
	struct node *n;

	if (i < 0)
		return -1;
	n = &t->n[i];
	if (v == 0) {			/* "fz0" without its NUL */
		n->len = n->len > 1 ? n->len - 1 : 0;
	} else if (v == 1) {		/* no payload */
		n->len = 0;
	} else if (v == 2) {		/* 16 bytes, no NUL in them */
		memset(n->data, 'x', 16);
		n->len = 16 + rnd(3);
		memset(n->data + 16, 'y', n->len - 16);
	} else {			/* empty string */
		n->data[0] = 0;
		n->len = 1 + rnd(3);
		memset(n->data + 1, 0, n->len - 1);
	}
	h->what = "unterminated or empty string";
	return 0;
}

static int m_type(struct tree *t, struct hdr *h)
{
	int i = t_pick(t, ANY), v = rnd(4);
	struct node *n;

	if (i < 0)
		return -1;
	n = &t->n[i];
	if (v == 0)
		n->type = (n->type & ~NLA_TYPE_MASK) | (1 + rnd(VSWITCH_A_MAX + 1));
	else if (v == 1)
		n->type ^= NLA_F_NESTED;
	else if (v == 2)
		n->type |= NLA_F_NET_BYTEORDER;
	else if (n->kind == K_NEST)
		n->type &= ~NLA_F_NESTED;
	else
		n->type = (n->type & NLA_TYPE_MASK) | NLA_F_NESTED;
	h->what = "wrong attribute type or flags";
	return 0;
}

static int t_copy(struct tree *t, int to, int i, int depth)
{
	int c, n;

	if (depth > 8)
		return -1;
	n = t_add(t, to, t->n[i].type & NLA_TYPE_MASK, t->n[i].kind, t->n[i].data,
		  t->n[i].len);
	if (n < 0)
		return -1;
	t->n[n].type = t->n[i].type;
	for (c = t->n[i].child; c >= 0; c = t->n[c].next)
		if (c != n)
			t_copy(t, n, c, depth + 1);
	return n;
}

static int m_dup(struct tree *t, struct hdr *h)
{
	int i = t_pick(t, ANY), n;

	if (i < 0)
		return -1;
	n = t_copy(t, t->n[i].parent, i, 0);
	if (n >= 0 && t->n[n].kind != K_NEST && t->n[n].kind != K_STR && chance(50))
		rnd_bytes(t->n[n].data, t->n[n].len);
	h->what = "duplicate attribute";
	return 0;
}

static int m_unknown(struct tree *t, struct hdr *h)
{
	static const uint16_t types[] = { 0, 13, 14, 15, 16, 20, 100, 0x3fff };
	int p = t_pick(t, CONTAINERS);
	uint8_t d[16];
	int len = rnd(16);

	rnd_bytes(d, len);
	t_add(t, p < 0 ? 0 : p, chance(50) ? types[rnd(8)] : rnd(0x4000), K_BIN, d, len);
	h->what = "unknown attribute";
	return 0;
}

static int m_huge(struct tree *t, struct hdr *h)
{
	static const uint32_t v32[] = { 0, 1, 9, 0x7fffffff, 0x80000000, 0xffffffff,
					VSWITCH_MAX_PORTS + 1, VSWITCH_FDB_MAX_HARD + 1,
					VSWITCH_AGEING_MAX + 1, 65535 };
	int i = t_pick(t, (1u << K_U8) | (1u << K_U32));
	uint32_t v;

	if (i < 0)
		return -1;
	if (t->n[i].kind == K_U8) {
		t->n[i].data[0] = chance(50) ? 2 : rnd(256);
	} else {
		v = v32[rnd(sizeof(v32) / sizeof(v32[0]))];
		memcpy(t->n[i].data, &v, 4);
	}
	h->what = "huge or out-of-range value";
	return 0;
}

static int m_mac(struct tree *t, struct hdr *h)
{
	static const uint8_t bad[][6] = {
		{ 0, 0, 0, 0, 0, 0 }, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, { 0x33, 0x33, 0, 0, 0, 1 },
		{ 0x03, 0xf2, 0, 0, 0, 1 },
	};
	int i = t_pick(t, 1u << K_MAC), p;

	if (i < 0) {
		p = t_pick(t, 1u << K_NEST);
		if (p < 0)
			return -1;
		i = t_add(t, p, (t->n[p].type & NLA_TYPE_MASK) == VSWITCH_A_FDB ?
			  VSWITCH_FDB_A_MAC : VSWITCH_PORT_A_MAC, K_MAC, bad[0], 6);
		if (i < 0)
			return -1;
	}
	memcpy(t->n[i].data, bad[rnd(5)], 6);
	h->what = "bad MAC address";
	return 0;
}

static int m_addr(struct tree *t, struct hdr *h)
{
	static const uint8_t v4[][4] = { { 0, 0, 0, 0 }, { 224, 0, 0, 1 },
					 { 255, 255, 255, 255 }, { 239, 1, 2, 3 } };
	uint8_t v6[16] = {};
	int a = -1, i, v = rnd(4);

	for (i = 1; i < t->nn; i++)
		if ((t->n[i].type & NLA_TYPE_MASK) == VSWITCH_PORT_A_ADDRS &&
		    t->n[i].kind == K_NEST && t_live(t, i))
			a = i;
	if (a < 0) {
		i = t_pick(t, 1u << K_NEST);
		a = t_nest(t, i < 0 ? 0 : i, VSWITCH_PORT_A_ADDRS);
		if (a < 0)
			return -1;
	}
	if (v == 0) {
		t_add(t, a, VSWITCH_ADDR_A_IPV4, K_IP4, v4[rnd(4)], 4);
	} else if (v == 1) {
		if (chance(50))
			v6[0] = 0xff, v6[1] = 0x02, v6[15] = 1;
		t_add(t, a, VSWITCH_ADDR_A_IPV6, K_IP6, v6, 16);
	} else if (v == 2) {		/* one more than allowed */
		for (i = 0; i < VSWITCH_PORT_MAX_IPV4 + 1; i++) {
			uint8_t x[16] = { 10, 1, 0, (uint8_t)(i + 1) };

			if (chance(50))
				t_add(t, a, VSWITCH_ADDR_A_IPV4, K_IP4, x, 4);
			else
				t_add(t, a, VSWITCH_ADDR_A_IPV6, K_IP6, (uint8_t[16]){ 0xfd, [15] = (uint8_t)(i + 1) }, 16);
		}
	} else {
		t_add(t, a, chance(50) ? 0 : VSWITCH_ADDR_A_MAX + 1 + rnd(3), K_BIN, v6, 4);
	}
	h->what = "bad bound address";
	return 0;
}

static int m_nlmsg_len(struct tree *t, struct hdr *h)
{
	static const enum lie l[] = { L_LONG, L_TINY, L_NOGENL, L_TAIL };

	(void)t;
	h->lie = l[rnd(4)];
	h->what = "nlmsg_len lies";
	return 0;
}

static int m_genl(struct tree *t, struct hdr *h)
{
	int v = rnd(3);

	(void)t;
	if (v == 0)
		h->reserved = 1 + rnd(0xffff);
	else if (v == 1)
		h->cmd = chance(50) ? VSWITCH_CMD_SWITCH_NEW_NTF + rnd(6) :
			 chance(30) ? 0 : VSWITCH_CMD_MAX + 1 + rnd(256 - VSWITCH_CMD_MAX - 1);
	else
		h->version = rnd(256);
	h->what = "genetlink header";
	return 0;
}

static int m_flags(struct tree *t, struct hdr *h)
{
	static const uint16_t f[] = {
		NLM_F_ACK, 0, NLM_F_REQUEST, NLM_F_REQUEST | NLM_F_ACK | NLM_F_ECHO,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_ROOT, NLM_F_REQUEST | NLM_F_ACK | NLM_F_MATCH,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_ATOMIC, NLM_F_REQUEST | NLM_F_ACK | NLM_F_EXCL,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_MULTI,
		NLM_F_REQUEST | NLM_F_DUMP | NLM_F_ACK, NLM_F_REQUEST | NLM_F_ACK | 0x8000,
		NLM_F_REQUEST | NLM_F_ACK | NLM_F_DUMP_INTR,
	};

	(void)t;
	h->flags = chance(10) ? rnd(0x10000) : f[rnd(sizeof(f) / sizeof(f[0]))];
	h->what = "netlink flags";
	return 0;
}

static int m_reply_only(struct tree *t, struct hdr *h)
{
	int p = t_pick(t, 1u << K_NEST), v = rnd(3);
	uint64_t zero = 0;

	if (v == 0 || p < 0)
		t_u32(t, 0, VSWITCH_A_INTERNAL_IFINDEX + rnd(3), 1);
	else if (v == 1)
		t_nest(t, 0, VSWITCH_A_STATS);
	else if ((t->n[p].type & NLA_TYPE_MASK) == VSWITCH_A_FDB)
		t_add(t, p, VSWITCH_FDB_A_AGE_MS, K_U64, &zero, 8);
	else if (chance(50))
		t_flag(t, p, VSWITCH_PORT_A_INTERNAL);
	else
		t_nest(t, p, VSWITCH_PORT_A_STATS);
	h->what = "reply-only attribute";
	return 0;
}

static int m_missing(struct tree *t, struct hdr *h)
{
	int i = t_pick(t, ANY);

	if (i < 0)
		return -1;
	t_unlink(t, i);
	h->what = "missing attribute";
	return 0;
}

static int m_empty(struct tree *t, struct hdr *h)
{
	static const uint16_t nests[] = { VSWITCH_A_PORT, VSWITCH_A_FDB, VSWITCH_A_STATS };
	int i = t_pick(t, 1u << K_NEST);

	if (i >= 0 && chance(70))
		t->n[i].child = -1;
	else
		t_nest(t, 0, nests[rnd(3)]);
	h->what = "empty nest";
	return 0;
}

static int m_deep(struct tree *t, struct hdr *h)
{
	int p = t_pick(t, CONTAINERS), d = 2 + rnd(40), i;

	if (p < 0)
		p = 0;
	for (i = 0; i < d && p >= 0; i++)
		p = t_nest(t, p, chance(50) ? VSWITCH_A_PORT : 1 + rnd(16));
	if (p >= 0 && chance(50))
		t_u32(t, p, VSWITCH_PORT_A_ID, 1);
	h->what = "deep nesting";
	return 0;
}

static int m_dumpflip(struct tree *t, struct hdr *h)
{
	(void)t;
	h->flags ^= NLM_F_DUMP;
	if (!(h->flags & NLM_F_DUMP))
		h->flags |= NLM_F_ACK;
	h->what = "do and dump swapped";
	return 0;
}

static int m_two(struct tree *t, struct hdr *h)
{
	(void)t;
	h->two = true;
	h->what = "two requests in one datagram";
	return 0;
}

static int (*const mutations[])(struct tree *, struct hdr *) = {
	m_len, m_lie, m_trunc, m_str_long, m_str_unterm, m_type, m_dup,
	m_unknown, m_huge, m_mac, m_addr, m_nlmsg_len, m_genl, m_flags,
	m_reply_only, m_missing, m_empty, m_deep, m_dumpflip, m_two,
	/* the ones most likely to reach the family's own checks, twice */
	m_huge, m_mac, m_addr, m_missing, m_len, m_str_unterm,
};

static void mutate(struct tree *t, struct hdr *h)
{
	int tries;

	for (tries = 0; tries < 10; tries++)
		if (!mutations[rnd(sizeof(mutations) / sizeof(mutations[0]))](t, h))
			return;
}


/* ---- oracles: extack attribute, and rejections that change nothing ---- */

/* A request of our own (not counted), answered by an ACK or error: its error. */
static int ask(uint8_t cmd, const char *name, uint16_t flags,
	       void (*on_reply)(const struct nlmsghdr *))
{
	struct { struct nlmsghdr n; struct genlmsghdr g; struct nlattr a; char s[IFNAMSIZ]; } q = {};
	struct nlmsghdr *h;
	int n;

	q.n.nlmsg_type = fam_id;
	q.n.nlmsg_flags = NLM_F_REQUEST | flags;
	q.n.nlmsg_seq = ++ms.seq;
	q.g.cmd = cmd;
	q.g.version = VSWITCH_FAMILY_VERSION;
	q.n.nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	if (name) {
		q.a.nla_type = VSWITCH_A_SWITCH_NAME;
		q.a.nla_len = NLA_HDRLEN + strlen(name) + 1;
		strcpy(q.s, name);
		q.n.nlmsg_len += NLA_ALIGN(q.a.nla_len);
	}
	if (nl_send(ms.fd, &q, q.n.nlmsg_len))
		return -EIO;
	st.datagrams--;
	for (;;) {
		n = nl_recv(ms.fd, true);
		if (n <= 0)
			return -ETIMEDOUT;
		for (h = (struct nlmsghdr *)rxbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != q.n.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(h);
			if (on_reply)
				on_reply(h);
		}
	}
}

/* The switch-name the kernel uses (the last one), and its offset; -1: none. */
static int name_attr(const struct req *r, char *name)
{
	int len = req_view(r) - GENL_MIN, off = -1;
	const struct nlattr *a;

	if (len <= 0)
		return -1;
	for_each_nla(a, r->buf + GENL_MIN, len)
		if ((a->nla_type & NLA_TYPE_MASK) == VSWITCH_A_SWITCH_NAME &&
		    memchr(NLA_DATA(a), 0, NLA_PLEN(a) < IFNAMSIZ ? NLA_PLEN(a) : IFNAMSIZ)) {
			off = (const uint8_t *)a - r->buf;
			strcpy(name, (const char *)NLA_DATA(a));
		}
	return off;
}

static void check_enoent(void)
{
	char name[IFNAMSIZ];
	int i, off, e;

	for (i = 0; i < n_enoent; i++) {
		off = name_attr(enoent[i].r, name);
		if (off < 0)
			continue;
		e = ask(VSWITCH_CMD_SWITCH_GET, name, NLM_F_ACK, NULL);
		if (e && e != -ENOENT)
			continue;
		st.enoent_checked++;
		if (!e && enoent[i].offs == off) {
			st.wrong_attr++;
			offend(enoent[i].r, ENOENT, "ENOENT points at switch-name, but the switch exists");
		} else if (e && enoent[i].offs != off) {
			st.wrong_attr++;
			offend(enoent[i].r, ENOENT, "ENOENT for a missing switch does not point at switch-name");
		}
	}
	n_enoent = 0;
}

/*
 * The state as dumps show it, counters and ages left out, in snap[i]:
 * every switch, and the ports and fdb entries of each.
 */
#define SNAP_EVERY	200	/* one admin request in this many */
static uint8_t snap[2][1 << 18];
static int snap_len[2], snap_cur;
static bool snap_collect;	/* note the switch names seen */
static char snap_names[VSWITCH_MAX_SWITCHES * 2][IFNAMSIZ];
static int snap_n;

static void snap_put(const void *p, int len)
{
	if (snap_len[snap_cur] + len <= (int)sizeof(snap[0])) {
		memcpy(snap[snap_cur] + snap_len[snap_cur], p, len);
		snap_len[snap_cur] += len;
	}
}

static void snap_attrs(const uint8_t *p, int len, int parent)
{
	const struct nlattr *a;
	uint16_t t, l;

	for_each_nla(a, p, len) {
		t = a->nla_type & NLA_TYPE_MASK;
		if ((!parent && t == VSWITCH_A_STATS) ||
		    (parent == VSWITCH_A_PORT && t == VSWITCH_PORT_A_STATS) ||
		    (parent == VSWITCH_A_FDB && t == VSWITCH_FDB_A_AGE_MS))
			continue;
		l = NLA_PLEN(a);
		snap_put(&t, 2);
		if (!parent && (t == VSWITCH_A_PORT || t == VSWITCH_A_FDB)) {
			snap_attrs(NLA_DATA(a), l, t);
			snap_put("}", 1);
		} else {
			snap_put(&l, 2);
			snap_put(NLA_DATA(a), l);
		}
		if (snap_collect && !parent && t == VSWITCH_A_SWITCH_NAME && snap_n < VSWITCH_MAX_SWITCHES * 2 &&
		    l <= IFNAMSIZ && memchr(NLA_DATA(a), 0, l))
			strcpy(snap_names[snap_n++], (const char *)NLA_DATA(a));
	}
}

static void snap_reply(const struct nlmsghdr *h)
{
	const struct genlmsghdr *g = NLMSG_DATA(h);

	snap_put(&g->cmd, 1);
	snap_attrs((const uint8_t *)g + GENL_HDRLEN,
		   (int)h->nlmsg_len - GENL_MIN, 0);
}

/* The switches of the namespace into snap_names; their number, or -1. */
static int list_switches(void)
{
	int e;

	snap_n = 0;
	snap_collect = true;
	e = ask(VSWITCH_CMD_SWITCH_GET, NULL, NLM_F_DUMP, snap_reply);
	snap_collect = false;
	return e ? -1 : snap_n;
}

static void snapshot(int i)
{
	int k, n;

	snap_cur = i;
	snap_len[i] = 0;
	n = list_switches();
	for (k = 0; k < n; k++) {
		ask(VSWITCH_CMD_PORT_GET, snap_names[k], NLM_F_DUMP, snap_reply);
		ask(VSWITCH_CMD_FDB_GET, snap_names[k], NLM_F_DUMP, snap_reply);
	}
}

/* After a sampled admin request: if it was rejected, nothing may have changed. */
static void check_unchanged(struct req *r)
{
	if (!r->failed)
		return;
	snapshot(1);
	st.snaps++;
	if (snap_len[0] != snap_len[1] || memcmp(snap[0], snap[1], snap_len[0])) {
		st.changed++;
		offend(r, 0, "rejected, but the state changed (dumps differ)");
	}
}

/* ---- one round ------------------------------------------------------- */

static struct tree tree;
static struct req reqs[2];
static uint8_t dgram[2 * MAX_MSG];

static void make(struct req *r, enum kind_msg kind, long idx)
{
	struct hdr h;

	if (!is_vswitch)
		kind = M_RANDOM;
	do {
		memset(&h, 0, sizeof(h));
		t_init(&tree);
		if (!is_vswitch || kind == M_RANDOM) {
			gen_random(&tree, &h);
		} else {
			gen_valid(&tree, &h);
			if (kind == M_MUTATED)
				mutate(&tree, &h);
		}
	} while (build(r, &tree, &h));
	r->kind = kind;
	r->idx = idx;
	st.kind[kind]++;
	st.sent++;
	r->after_dump = false;
	if (h.two && r == &reqs[0] && r->len == (int)r->nlmsg_len) {
		make(&reqs[1], M_VALID, idx);
		reqs[1].after_dump = r->dump;
	}
}

static void set_seq(struct nlsock *s, struct req *r)
{
	r->seq = ++s->seq;
	((struct nlmsghdr *)r->buf)->nlmsg_seq = r->seq;
}

static long n_admin;

static void round_main(long idx)
{
	double t0 = now();
	bool sampled;
	int len;

	reqs[1].len = 0;
	make(&reqs[0], chance(30) ? M_VALID : chance(70) ? M_MUTATED : M_RANDOM, idx);
	set_seq(&ms, &reqs[0]);
	ms.cur[0] = &reqs[0];
	ms.ncur = 1;
	memcpy(dgram, reqs[0].buf, reqs[0].len);
	len = reqs[0].len;
	if (reqs[1].len) {
		reqs[0].last = false;
		set_seq(&ms, &reqs[1]);
		ms.cur[ms.ncur++] = &reqs[1];
		memcpy(dgram + NLMSG_ALIGN(len), reqs[1].buf, reqs[1].len);
		len = NLMSG_ALIGN(len) + reqs[1].len;
	}
	sampled = is_vswitch && !reqs[1].len && reqs[0].admin &&
		  !(n_admin++ % SNAP_EVERY);
	if (sampled)
		snapshot(0);
	if (nl_send(ms.fd, dgram, len))
		return;
	if (!reqs[0].certain || (reqs[1].len && !reqs[1].certain))
		send_sync(&ms);
	wait_replies(&ms);
	check_enoent();
	if (sampled)
		check_unchanged(&reqs[0]);
	st.rounds_cmd[reqs[0].cmd]++;
	st.secs_cmd[reqs[0].cmd] += now() - t0;
}

/* ---- slow dumps: one datagram at a time, between the other requests ---- */

static struct req dreq;
static bool dactive;

static void slow_dump_step(long idx)
{
	static const uint8_t cmds[] = { VSWITCH_CMD_SWITCH_GET, VSWITCH_CMD_PORT_GET,
					VSWITCH_CMD_FDB_GET };
	struct hdr h = {};
	int n;

	if (!dactive) {
		t_init(&tree);
		h.cmd = cmds[rnd(3)];
		h.version = VSWITCH_FAMILY_VERSION;
		h.flags = NLM_F_REQUEST | NLM_F_DUMP;
		h.what = "slow dump";
		if (h.cmd != VSWITCH_CMD_SWITCH_GET || chance(20))
			t_str(&tree, 0, VSWITCH_A_SWITCH_NAME, sw_pool[rnd(N_POOL_SW)]);
		if (build(&dreq, &tree, &h))
			return;
		dreq.kind = M_SLOWDUMP;
		dreq.idx = idx;
		st.kind[M_SLOWDUMP]++;
		st.sent++;
		set_seq(&ds, &dreq);
		ds.cur[0] = &dreq;
		ds.ncur = 1;
		if (nl_send(ds.fd, dreq.buf, dreq.len))
			return;
		dactive = true;
	}
	n = nl_recv(ds.fd, true);
	if (n <= 0) {
		st.no_reply++;
		offend(&dreq, 0, "no reply (slow dump)");
		dactive = false;
		return;
	}
	on_datagram(&ds, n);
	if (dreq.done)
		dactive = false;
}

/* ---- cleanup: delete every switch of the namespace -------------------- */

/* Returns the number of switches left. */
static int cleanup(void)
{
	int n, i, e, pass;

	for (pass = 0; pass < 3; pass++) {
		n = list_switches();
		if (n <= 0)
			return n;
		for (i = 0; i < n; i++) {
			e = ask(VSWITCH_CMD_SWITCH_DEL, snap_names[i], NLM_F_ACK, NULL);
			if (e)
				fprintf(stderr, "nlfuzz: cleanup: deleting switch %s: %s\n",
					snap_names[i], strerror(-e));
			else
				st.cleaned++;
		}
	}
	return list_switches();
}

/* ---- report ---------------------------------------------------------- */

static const char *cmd_name(int c)
{
	static const char *names[] = {
		[VSWITCH_CMD_SWITCH_NEW] = "switch-new", [VSWITCH_CMD_SWITCH_DEL] = "switch-del",
		[VSWITCH_CMD_SWITCH_SET] = "switch-set", [VSWITCH_CMD_SWITCH_GET] = "switch-get",
		[VSWITCH_CMD_PORT_ADD] = "port-add", [VSWITCH_CMD_PORT_DEL] = "port-del",
		[VSWITCH_CMD_PORT_SET] = "port-set", [VSWITCH_CMD_PORT_GET] = "port-get",
		[VSWITCH_CMD_FDB_ADD] = "fdb-add", [VSWITCH_CMD_FDB_DEL] = "fdb-del",
		[VSWITCH_CMD_FDB_GET] = "fdb-get", [VSWITCH_CMD_FDB_FLUSH] = "fdb-flush",
		[VSWITCH_CMD_STATS_GET] = "stats-get",
	};
	static char buf[16];

	if (is_vswitch && c < (int)(sizeof(names) / sizeof(names[0])) && names[c])
		return names[c];
	snprintf(buf, sizeof(buf), "cmd %d", c);
	return buf;
}

static const char *errname(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

static void print_offenders(void)
{
	int i, k;

	for (i = 0; i < n_off; i++) {
		printf("offending request %d: message #%ld (%s, %s %s): %s: error %d (%s)\n",
		       i + 1, offenders[i].idx, offenders[i].what,
		       cmd_name(offenders[i].cmd), offenders[i].dump ? "dump" : "do",
		       offenders[i].why, -offenders[i].err,
		       offenders[i].err ? errname(offenders[i].err) : "-");
		for (k = 0; k < offenders[i].len; k++)
			printf("%s%02x%s", k % 16 ? "" : "  ", offenders[i].buf[k],
			       k % 16 == 15 || k == offenders[i].len - 1 ? "\n" : " ");
	}
}

static void print_report(double secs)
{
	int i;

	printf("kinds:");
	for (i = 0; i < N_KINDS; i++)
		printf(" %s %ld", kind_name[i], st.kind[i]);
	printf("; datagrams %ld, send errors %ld\n", st.datagrams, st.send_err);
	printf("succeeded:");
	for (i = 0; i < MAX_CMD; i++)
		if (st.ok_cmd[i])
			printf(" %s %ld", cmd_name(i), st.ok_cmd[i]);
	printf("; dumps completed %ld\n", st.dumps_done);
	printf("errors by errno:");
	for (i = 1; i < 256; i++)
		if (st.err_errno[i])
			printf(" %s %ld", errname(i), st.err_errno[i]);
	printf("\n");
	for (i = 0; i < N_CAUSES; i++)
		printf("without extack, classified: %s %s: %ld\n", errname(causes[i].err),
		       causes[i].what, st.err_core[i]);
	printf("events %ld (malformed %ld, overflows %ld); late replies %ld, stray %ld; "
	       "acks with a warning %ld\n", st.events, st.event_bad, st.event_overflow,
	       st.late, st.stray, st.ack_msg);
	printf("oracles: ENOENT checked %ld (pointing elsewhere: %ld); rejected admin "
	       "requests sampled %ld (state changed: %ld)\n", st.enoent_checked,
	       st.wrong_attr, st.snaps, st.changed);
	if (opt_verbose) {
		printf("time by command:");
		for (i = 0; i < MAX_CMD; i++)
			if (st.rounds_cmd[i] && st.secs_cmd[i] > 0.05)
				printf(" %s %.1fs/%ld", cmd_name(i), st.secs_cmd[i],
				       st.rounds_cmd[i]);
		printf("\n");
	}
	if (opt_verbose)
		for (i = 0; i < n_hist; i++)
			printf("extack %6ld  %s\n", hist[i].n, hist[i].text);
	if (is_vswitch && !opt_unpriv)
		printf("cleanup: %ld switches deleted\n", st.cleaned);
	print_offenders();
	printf("nlfuzz: seed %llu: %ld sent in %.1fs: %ld acks, %ld replies, %ld dump replies, "
	       "%ld errors (%ld with extack, %ld core without, %ld WITHOUT extack), "
	       "%ld no reply, %ld malformed, %ld bad offsets, %ld wrong attributes, "
	       "%ld changed by a rejection, %ld perm violations: %s\n",
	       (unsigned long long)opt_seed, st.sent, secs, st.acks, st.replies,
	       st.dump_replies, st.errors, st.err_msg,
	       st.err_core[0] + st.err_core[1] + st.err_core[2] + st.err_core[3],
	       st.err_nomsg,
	       st.no_reply, st.bad_reply, st.bad_offs, st.wrong_attr, st.changed,
	       st.perm_viol,
	       n_fail ? "FAIL" : "PASS");
}

/* ---- main ------------------------------------------------------------ */

static bool cap_net_admin(void)
{
	struct __user_cap_header_struct hd = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = {};

	if (syscall(SYS_capget, &hd, d))
		return false;
	return d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: nlfuzz [-n COUNT] [-s SEED] [-f FAMILY] [-U] [-v] [-m N] [-t SECS] [DEV...]\n"
		"  -n COUNT  requests to send (default 100000)\n"
		"  -s SEED   PRNG seed (default: from the clock; printed)\n"
		"  -f FAMILY generic netlink family (default vswitch; others: random requests only)\n"
		"  -U        no CAP_NET_ADMIN: admin commands must fail with EPERM; no cleanup\n"
		"  -v        list the extack messages seen\n"
		"  -m N      print the first N offending requests (default 5)\n"
		"  -t SECS   wait this long for a reply (default 60)\n"
		"  DEV...    devices for ports (veths in the fuzzer's namespace)\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	struct timespec ts;
	int c;

	clock_gettime(CLOCK_REALTIME, &ts);
	opt_seed = (uint64_t)ts.tv_sec * 1000003u ^ ts.tv_nsec ^ (uint64_t)getpid() << 32;
	while ((c = getopt(argc, argv, "n:s:f:Uvm:t:h")) != -1) {
		switch (c) {
		case 'n': opt_count = strtol(optarg, NULL, 0); break;
		case 's': opt_seed = strtoull(optarg, NULL, 0); break;
		case 'f': opt_family = optarg; break;
		case 'U': opt_unpriv = true; break;
		case 'v': opt_verbose = true; break;
		case 'm': opt_show = atoi(optarg); break;
		case 't': opt_timeout = atoi(optarg); break;
		default: usage();
		}
	}
	for (; optind < argc && n_devs < MAX_DEVS; optind++) {
		devs[n_devs] = argv[optind];
		dev_idx[n_devs] = if_nametoindex(argv[optind]);
		if (!dev_idx[n_devs]) {
			fprintf(stderr, "nlfuzz: no device %s\n", argv[optind]);
			exit(2);
		}
		n_devs++;
	}
	if (opt_count < 0 || opt_timeout <= 0)
		usage();
}

static void open_sockets(void)
{
	int i;

	ms.fd = nl_open(true);
	ds.fd = nl_open(true);
	if (ctrl_resolve(ms.fd, opt_family)) {
		fprintf(stderr, "nlfuzz: no generic netlink family %s\n", opt_family);
		exit(2);
	}
	evfd = nl_open(false);
	for (i = 0; i < n_grps; i++)
		if (setsockopt(evfd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
			       &fam_grps[i], sizeof(fam_grps[i])))
			perror("nlfuzz: NETLINK_ADD_MEMBERSHIP");
	ds.seq = 1u << 30;	/* its own range: a reply can't be taken for another's */
}

int main(int argc, char **argv)
{
	double t0;
	long i;
	int left = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse_args(argc, argv);
	rng = opt_seed;
	have_cap = cap_net_admin();
	if (opt_unpriv && have_cap) {
		fprintf(stderr, "nlfuzz: -U, but CAP_NET_ADMIN is effective\n");
		return 2;
	}
	is_vswitch = !strcmp(opt_family, VSWITCH_FAMILY_NAME);
	open_sockets();
	printf("nlfuzz: seed %llu, %ld requests to %s (id %u, %u attrs, %d groups), %d devices, %s\n",
	       (unsigned long long)opt_seed, opt_count, opt_family, fam_id, fam_maxattr,
	       n_grps, n_devs, have_cap ? "CAP_NET_ADMIN" : "no CAP_NET_ADMIN");
	t0 = now();
	for (i = 0; st.sent < opt_count; i++) {
		if (is_vswitch && (dactive || chance(2)) && chance(dactive ? 30 : 100))
			slow_dump_step(i);
		else
			round_main(i);
		if (!(i & 7))
			drain_events();
	}
	while (dactive)
		slow_dump_step(i);
	drain_events();
	if (is_vswitch && !opt_unpriv) {
		left = cleanup();
		if (left) {
			fprintf(stderr, "nlfuzz: cleanup: %d switches left (or the dump failed)\n", left);
			n_fail++;
		}
	}
	print_report(now() - t0);
	return n_fail ? 1 : 0;
}
