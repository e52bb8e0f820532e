/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - what the unit tests of vswctl share: TAP results, captured
 * output, command lines parsed, messages built
 */
#ifndef VSWCTL_TEST_TAP_H
#define VSWCTL_TEST_TAP_H

#include <stdbool.h>
#include <stdio.h>

#include <netlink/msg.h>

#include "args.h"

extern int n_test, n_fail;
extern FILE *cap;

void ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Compare @got with @want; on a difference, show both as comments. */
void same(const char *got, const char *want, const char *name);

/* Capture into the memory stream cap; cap_end() returns the text. */
void cap_begin(void);
const char *cap_end(void);

/* Printer output in text (json false) or compact JSON. */
void out_begin(bool json);
const char *out_end(void);

/* Parse "OBJECT ARGS..." (split on blanks); @err: the message printed. */
int parse(const char *line, struct vsw_req *r, const char **err);

/* A generic netlink message of a made-up family id. */
struct nl_msg *genl_msg(uint8_t cmd);

/* The attribute @type in the top-level nest @nest of @msg. */
struct nlattr *find2(struct nl_msg *msg, int nest, int type);

/* The plan line; the exit status. */
int tap_done(void);

#endif /* VSWCTL_TEST_TAP_H */
