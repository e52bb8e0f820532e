/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - strict parsing of command-line values, and usage errors
 *
 * Every parser takes the whole string or fails: no leading blanks, no
 * sign, no trailing text, no abbreviation.
 */
#ifndef VTPMCTL_UTIL_H
#define VTPMCTL_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EXIT_KERNEL	1	/* the kernel (or the system) said no */
#define EXIT_USAGE	2

#define VTPM_BANKS_STRLEN	32	/* "sha1,sha256,sha384" and NUL */

/* Where usage errors and kernel errors go (tests redirect it). */
extern FILE *vtpm_err;
extern const char *vtpm_prog;

/* Decimal in [@min, @max]. */
int vtpm_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* Octal permission bits, 1..0777 ("600", "0640"). */
int vtpm_parse_mode(const char *s, uint32_t *out);

/* An instance name: 1..VTPM_NAME_MAX of [A-Za-z0-9_.-]. */
int vtpm_parse_name(const char *s, char *out);

/* "sha1,sha256": a non-empty comma list of distinct bank names. */
int vtpm_parse_banks(const char *s, uint32_t *out);
/* The banks of @mask, comma-separated ("-" when none). */
void vtpm_format_banks(uint32_t mask, char *buf, size_t len);
/* The name of bank bit @bit, or NULL. */
const char *vtpm_bank_name(unsigned int bit);

/* A user (name or number) to a uid; a group to a gid. */
int vtpm_parse_user(const char *s, uint32_t *uid);
int vtpm_parse_group(const char *s, uint32_t *gid);

/*
 * Print "vtpmctl: MSG" and the usage lines @usage to vtpm_err.
 * Return: EXIT_USAGE.
 */
int vtpm_usage_err(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the usage lines @usage to stdout (help). Return: 0. */
int vtpm_help(const char *usage);

/* vtpm_err "vtpmctl: MSG"; returns EXIT_KERNEL. */
int vtpm_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VTPMCTL_UTIL_H */
