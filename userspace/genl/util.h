/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - what every generic netlink tool here shares: exit statuses,
 * where errors go, usage errors, strict number parsing
 *
 * Each tool defines genl_prog (its name, the prefix of every message it
 * prints); genl_err is NULL (stderr) unless the tests redirect it.
 */
#ifndef GENL_UTIL_H
#define GENL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define EXIT_KERNEL	1	/* the kernel (or the system) said no */
#define EXIT_USAGE	2

/* Where usage errors and kernel errors go (tests redirect it). */
extern FILE *genl_err;
/* The tool's name, defined by the tool ("vswctl"). */
extern const char *genl_prog;

/* genl_err, or stderr when it is NULL. */
FILE *genl_err_file(void);

/* Decimal in [@min, @max]: digits only, no sign, blanks or trailing text. */
int genl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/*
 * Print "PROG: MSG" and the usage lines @usage to genl_err.
 * Return: EXIT_USAGE.
 */
int genl_usage_err(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The value after keyword @argv[*i], moving *@i onto it; if there is
 * none, a usage error ("KEYWORD" needs a value) and NULL.
 */
const char *genl_arg_value(int argc, char **argv, int *i, const char *usage);

/* The usage error for value @v of keyword @kw. Return: EXIT_USAGE. */
int genl_bad_value(const char *usage, const char *kw, const char *v);

/* Print the usage lines @usage to stdout (help). Return: 0. */
int genl_help(const char *usage);

/* genl_err "PROG: MSG"; returns EXIT_KERNEL. */
int genl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* GENL_UTIL_H */
