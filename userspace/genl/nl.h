/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl.h - talking to a generic netlink family (libnl-3)
 *
 * The family-independent part of the tools: open a socket with extended
 * ACKs on, send requests and dumps, receive with callbacks, follow the
 * events group. The tool describes its family (struct genl_fam): name,
 * version, events group, attribute names, and how its messages are
 * parsed and built. Every function that fails prints why (the kernel's
 * extack message included) to genl_err; callers only turn the result
 * into an exit status.
 */
#ifndef GENL_NL_H
#define GENL_NL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/netlink.h>

#include "extack.h"

/* A family, as its tool knows it. */
struct genl_fam {
	const char *name;		/* for genl_ctrl_resolve() */
	uint8_t version;
	const char *mcgrp;		/* the events group */
	const struct genl_attr_space *attrs;	/* to name extack attributes */
	size_t msg_size;		/* of the tool's parsed message */
	/* Reply or event @nlh into @msg (msg_size bytes). Return: 0 or -errno. */
	int (*parse)(struct nlmsghdr *nlh, void *msg);
	/* The attributes of request @req into @msg. Return: 0 or -errno. */
	int (*put)(struct nl_msg *msg, const void *req);
};

struct genl_sock {
	struct nl_sock *sk;
	int family;			/* the resolved id */
	const struct genl_fam *fam;
};

/* Called once per parsed reply or event; nonzero stops the exchange. */
typedef int (*genl_msg_fn)(const void *msg, void *arg);

/*
 * Connect, enable extended ACKs, resolve the family @name (NULL: @fam's
 * own; the tests talk to "nlctrl" with another family's messages).
 * Return: 0 or -1.
 */
int genl_open(struct genl_sock *nl, const struct genl_fam *fam,
	      const char *name);
void genl_close(struct genl_sock *nl);

/*
 * Send request @req, command @cmd, and wait for its ACK, passing any
 * reply to @fn (may be NULL).
 * Return: 0, or a negative errno (the kernel's, or -EIO).
 */
int genl_do(struct genl_sock *nl, uint8_t cmd, const void *req,
	    genl_msg_fn fn, void *arg);

/*
 * Dump: every message of a multi-part reply goes to @fn. If the kernel
 * flags the dump as interrupted (the table changed under it), @reset is
 * called and the dump is redone, a few times at most.
 * Return: 0, or a negative errno.
 */
int genl_dump(struct genl_sock *nl, uint8_t cmd, const void *req,
	      genl_msg_fn fn, void (*reset)(void *arg), void *arg);

/*
 * Join the events group and pass each event to @fn until *@stop is set
 * (by a signal) or @fn returns nonzero. Return: 0, or -errno.
 */
int genl_monitor(struct genl_sock *nl, genl_msg_fn fn, void *arg,
		 volatile sig_atomic_t *stop);

/*
 * Join multicast group @grp of the family as well (before genl_monitor(),
 * which joins the events group). Return: 0, or a negative error (message
 * printed).
 */
int genl_join(struct genl_sock *nl, const char *grp);

#endif /* GENL_NL_H */
