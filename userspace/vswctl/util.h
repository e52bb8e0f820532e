/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - strict parsing of command-line values, and usage errors
 *
 * Every parser takes the whole string or fails: no leading blanks, no
 * sign, no trailing text, no abbreviation.
 */
#ifndef VSWCTL_UTIL_H
#define VSWCTL_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define EXIT_KERNEL	1	/* the kernel (or the system) said no */
#define EXIT_USAGE	2

#define VSW_MAC_STRLEN	18	/* "xx:xx:xx:xx:xx:xx" and NUL */
#define VSW_ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */

/* Where usage errors and kernel errors go (tests redirect it). */
extern FILE *vsw_err;
extern const char *vsw_prog;

/* Exactly six pairs of hex digits separated by ':' (any case). */
int vsw_parse_mac(const char *s, uint8_t mac[6]);
void vsw_format_mac(const uint8_t mac[6], char buf[VSW_MAC_STRLEN]);

/* An IPv4 or IPv6 address (inet_pton): returns AF_INET, AF_INET6 or -1. */
int vsw_parse_addr(const char *s, void *out);

/* Decimal in [@min, @max]. */
int vsw_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* An interface or switch name: 1..15 bytes, no '/', ':' or blanks. */
int vsw_parse_name(const char *s, char out[16]);

/* "on" -> 1, "off" -> 0, else -1; @one/@zero for other pairs. */
int vsw_parse_choice(const char *s, const char *one, const char *zero);

/*
 * Print "vswctl: MSG" and the usage lines @usage to vsw_err.
 * Return: EXIT_USAGE.
 */
int vsw_usage_err(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print the usage lines @usage to stdout (help). Return: 0. */
int vsw_help(const char *usage);

/* vsw_err "vswctl: MSG"; returns EXIT_KERNEL. */
int vsw_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VSWCTL_UTIL_H */
