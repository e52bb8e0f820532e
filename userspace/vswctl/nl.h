/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - talking to the vswitch generic netlink family (libnl-3)
 *
 * Every function that fails prints why (the kernel's extack message
 * included) to vsw_err; callers only turn the result into an exit status.
 */
#ifndef VSWCTL_NL_H
#define VSWCTL_NL_H

#include <signal.h>

#include <netlink/netlink.h>

#include "model.h"

struct vsw_nl {
	struct nl_sock *sk;
	int family;
};

/* Called once per reply or event; nonzero stops the exchange. */
typedef int (*vsw_msg_fn)(const struct vsw_msg *m, void *arg);

/* Connect, enable extended ACKs, resolve the family. Return: 0 or -1. */
int vsw_nl_open(struct vsw_nl *nl);

/* The same for another family (the tests talk to "nlctrl"). */
int vsw_nl_open_family(struct vsw_nl *nl, const char *family);
void vsw_nl_close(struct vsw_nl *nl);

/*
 * Send @req as a request (NLM_F_ACK) and wait for its ACK, passing any
 * reply to @fn (may be NULL).
 * Return: 0, or a negative errno (the kernel's, or -EIO).
 */
int vsw_nl_do(struct vsw_nl *nl, const struct vsw_msg *req,
	      vsw_msg_fn fn, void *arg);

/*
 * Dump: every message of a multi-part reply goes to @fn. If the kernel
 * flags the dump as interrupted (the table changed under it), @reset is
 * called and the dump is redone, a few times at most.
 * Return: 0, or a negative errno.
 */
int vsw_nl_dump(struct vsw_nl *nl, const struct vsw_msg *req,
		vsw_msg_fn fn, void (*reset)(void *arg), void *arg);

/*
 * Join the "events" group and pass each event to @fn until *@stop is
 * set (by a signal) or @fn returns nonzero. Return: 0, or -errno.
 */
int vsw_nl_monitor(struct vsw_nl *nl, vsw_msg_fn fn, void *arg,
		   volatile sig_atomic_t *stop);

#endif /* VSWCTL_NL_H */
