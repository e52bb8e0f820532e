/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - strict parsing of vtpmctl's command-line values; usage errors,
 * exit statuses and numbers are ../genl/util.h's
 *
 * Every parser takes the whole string or fails: no leading blanks, no
 * sign, no trailing text, no abbreviation.
 */
#ifndef VTPMCTL_UTIL_H
#define VTPMCTL_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "genl/util.h"

#define VTPM_BANKS_STRLEN	32	/* "sha1,sha256,sha384" and NUL */

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

#endif /* VTPMCTL_UTIL_H */
