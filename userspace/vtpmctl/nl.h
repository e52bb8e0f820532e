/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - talking to the vtpm generic netlink family (libnl-3)
 *
 * Every function that fails prints why (the kernel's extack message
 * included) to vtpm_err; callers only turn the result into an exit status.
 */
#ifndef VTPMCTL_NL_H
#define VTPMCTL_NL_H

#include <signal.h>

#include <netlink/netlink.h>

#include "model.h"

struct vtpm_nl {
	struct nl_sock *sk;
	int family;
};

/* Called once per reply or event; nonzero stops the exchange. */
typedef int (*vtpm_msg_fn)(const struct vtpm_msg *m, void *arg);

/* Connect, enable extended ACKs, resolve the family. Return: 0 or -1. */
int vtpm_nl_open(struct vtpm_nl *nl);

/* The same for another family (the tests talk to "nlctrl"). */
int vtpm_nl_open_family(struct vtpm_nl *nl, const char *family);
void vtpm_nl_close(struct vtpm_nl *nl);

/*
 * Send @req as a request (NLM_F_ACK) and wait for its ACK, passing any
 * reply to @fn (may be NULL).
 * Return: 0, or a negative errno (the kernel's, or -EIO).
 */
int vtpm_nl_do(struct vtpm_nl *nl, const struct vtpm_msg *req,
	      vtpm_msg_fn fn, void *arg);

/*
 * Dump: every message of a multi-part reply goes to @fn. If the kernel
 * flags the dump as interrupted (the table changed under it), @reset is
 * called and the dump is redone, a few times at most.
 * Return: 0, or a negative errno.
 */
int vtpm_nl_dump(struct vtpm_nl *nl, const struct vtpm_msg *req,
		vtpm_msg_fn fn, void (*reset)(void *arg), void *arg);

/*
 * Join the "events" group and pass each event to @fn until *@stop is
 * set (by a signal) or @fn returns nonzero. Return: 0, or -errno.
 */
int vtpm_nl_monitor(struct vtpm_nl *nl, vtpm_msg_fn fn, void *arg,
		   volatile sig_atomic_t *stop);

#endif /* VTPMCTL_NL_H */
