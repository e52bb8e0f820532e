// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - talking to a generic netlink family (libnl-3)
 *
 * One exchange = one request, then nl_recvmsgs() until its ACK, error or
 * NLMSG_DONE, with callbacks of our own: libnl 3.7 would otherwise drop
 * the extended ACK and the error code of a failed dump.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "extack.h"
#include "nl.h"
#include "util.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK	270
#endif

#define DUMP_TRIES	5

struct exchange {
	const struct genl_fam *fam;
	genl_msg_fn fn;
	void *arg;
	struct nl_msg *req;
	struct genl_extack ext;
	uint32_t seq;		/* of the request: other messages are stale */
	bool done, intr, stopped;
};

int genl_open(struct genl_sock *nl, const struct genl_fam *fam,
	      const char *family)
{
	int one = 1, r;

	nl->fam = fam;
	if (!family)
		family = fam->name;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return genl_fail("cannot allocate a netlink socket"), -1;
	r = genl_connect(nl->sk);
	if (r < 0) {
		genl_fail("generic netlink: %s", nl_geterror(r));
		goto err;
	}
	/* The extended ACK: the kernel's message and offending attribute. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	nl->family = genl_ctrl_resolve(nl->sk, family);
	if (nl->family < 0) {
		genl_fail("generic netlink family \"%s\" not found "
			  "(is the %s module loaded?)", family, family);
		goto err;
	}
	return 0;
err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void genl_close(struct genl_sock *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;
	void *m;
	int r = 0;

	if (!x->fn || x->stopped)
		return NL_OK;
	m = calloc(1, x->fam->msg_size);	/* large: not on the stack */
	if (!m)
		return NL_STOP;
	if (x->fam->parse(nlmsg_hdr(msg), m))
		fprintf(genl_err_file(), "%s: skipped a malformed message\n",
			genl_prog);
	else
		r = x->fn(m, x->arg);
	free(m);
	if (r)
		x->stopped = true;
	return NL_OK;
}

/* NLMSG_ERROR with a nonzero error. */
static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct exchange *x = arg;

	(void)who;
	if (genl_extack_parse((struct nlmsghdr *)((char *)e - NLMSG_HDRLEN),
			     &x->ext))
		x->ext.error = e->error;
	x->done = true;
	return NL_STOP;
}

/* NLMSG_ERROR with error 0; it may carry a warning. */
static int on_ack(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	genl_extack_parse(nlmsg_hdr(msg), &x->ext);
	x->done = true;
	return NL_STOP;
}

/* NLMSG_DONE: the end of a dump, with the dump's error code. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	genl_extack_parse(nlmsg_hdr(msg), &x->ext);
	x->done = true;
	return NL_STOP;
}

static int on_intr(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	(void)msg;
	x->intr = true;
	return NL_OK;
}

static int check_seq(struct nl_msg *msg, void *arg)
{
	struct exchange *x = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == x->seq ? NL_OK : NL_SKIP;
}

static struct nl_cb *exchange_cb(struct exchange *x)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);

	if (!cb)
		return NULL;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, x);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_intr, x);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, check_seq, x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, x);
	return cb;
}

static struct nl_msg *build(struct genl_sock *nl, uint8_t cmd,
			    const void *req, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, nl->fam->version) ||
	    nl->fam->put(msg, req)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send @x->req and receive until the exchange ends. Return: 0 or -errno. */
static int exchange(struct genl_sock *nl, struct exchange *x)
{
	struct nl_cb *cb = exchange_cb(x);
	int r;

	if (!cb)
		return genl_fail("out of memory"), -ENOMEM;
	r = nl_send_auto(nl->sk, x->req);
	x->seq = nlmsg_hdr(x->req)->nlmsg_seq;
	while (r >= 0 && !x->done)
		r = nl_recvmsgs(nl->sk, cb);
	nl_cb_put(cb);
	if (!x->done) {
		genl_fail("netlink: %s", nl_geterror(r));
		return -EIO;
	}
	genl_extack_print(genl_err_file(), &x->ext, nlmsg_hdr(x->req),
			  nl->fam->attrs);
	return x->ext.error;
}

int genl_do(struct genl_sock *nl, uint8_t cmd, const void *req,
	    genl_msg_fn fn, void *arg)
{
	struct exchange x = { .fam = nl->fam, .fn = fn, .arg = arg };
	int r;

	x.req = build(nl, cmd, req, 0);
	if (!x.req)
		return genl_fail("out of memory"), -ENOMEM;
	r = exchange(nl, &x);
	nlmsg_free(x.req);
	return r;
}

int genl_dump(struct genl_sock *nl, uint8_t cmd, const void *req,
	      genl_msg_fn fn, void (*reset)(void *arg), void *arg)
{
	struct exchange x;
	int r, tries = 0;

	do {
		if (tries && reset)
			reset(arg);
		memset(&x, 0, sizeof(x));
		x.fam = nl->fam;
		x.fn = fn;
		x.arg = arg;
		x.req = build(nl, cmd, req, NLM_F_DUMP);
		if (!x.req)
			return genl_fail("out of memory"), -ENOMEM;
		r = exchange(nl, &x);
		nlmsg_free(x.req);
	} while (!r && x.intr && ++tries < DUMP_TRIES);
	if (!r && x.intr)
		fprintf(genl_err_file(), "%s: warning: the table kept changing "
			"during the dump; the list may be inconsistent\n",
			genl_prog);
	return r;
}

int genl_join(struct genl_sock *nl, const char *name)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, nl->fam->name, name);

	if (grp < 0) {
		genl_fail("multicast group \"%s\" not found: %s", name,
			  nl_geterror(grp));
		return -ENOENT;
	}
	grp = nl_socket_add_membership(nl->sk, grp);
	if (grp < 0) {
		genl_fail("cannot join the %s group: %s", name, nl_geterror(grp));
		return -EIO;
	}
	return 0;
}

static int join_events(struct genl_sock *nl)
{
	return genl_join(nl, nl->fam->mcgrp);
}

static int any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int genl_monitor(struct genl_sock *nl, genl_msg_fn fn, void *arg,
		 volatile sig_atomic_t *stop)
{
	struct exchange x = { .fam = nl->fam, .fn = fn, .arg = arg };
	struct pollfd pfd = { .events = POLLIN };
	struct nl_cb *cb;
	int r = join_events(nl);

	if (r)
		return r;
	cb = exchange_cb(&x);
	if (!cb)
		return -ENOMEM;
	/* events carry sequence number 0 */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, any_seq, NULL);
	pfd.fd = nl_socket_get_fd(nl->sk);
	while (!*stop && !x.stopped) {
		/* poll, not a blocking recv: SIGINT must end the loop */
		if (poll(&pfd, 1, -1) < 0) {
			r = errno == EINTR ? 0 : -errno;
			if (r)
				break;
			continue;
		}
		r = nl_recvmsgs(nl->sk, cb);
		if (r == -NLE_NOMEM)	/* ENOBUFS: the socket overran */
			fprintf(genl_err_file(), "%s: warning: events were lost\n",
				genl_prog);
		else if (r < 0 && r != -NLE_AGAIN && r != -NLE_INTR) {
			genl_fail("netlink: %s", nl_geterror(r));
			r = -EIO;
			break;
		}
		r = 0;
	}
	nl_cb_put(cb);
	return r;
}
