/* SPDX-License-Identifier: GPL-2.0 */
/*
 * util.h - strict parsing of vswctl's command-line values; usage errors,
 * exit statuses and numbers are ../genl/util.h's
 *
 * Every parser takes the whole string or fails: no leading blanks, no
 * sign, no trailing text, no abbreviation.
 */
#ifndef VSWCTL_UTIL_H
#define VSWCTL_UTIL_H

#include <stdint.h>

#include "genl/util.h"

#define VSW_MAC_STRLEN	18	/* "xx:xx:xx:xx:xx:xx" and NUL */
#define VSW_ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */

/* Exactly six pairs of hex digits separated by ':' (any case). */
int vsw_parse_mac(const char *s, uint8_t mac[6]);
void vsw_format_mac(const uint8_t mac[6], char buf[VSW_MAC_STRLEN]);

/* An IPv4 or IPv6 address (inet_pton): returns AF_INET, AF_INET6 or -1. */
int vsw_parse_addr(const char *s, void *out);

/* An interface or switch name: 1..15 bytes, no '/', ':' or blanks. */
int vsw_parse_name(const char *s, char out[16]);

/* "on" -> 1, "off" -> 0, else -1; @one/@zero for other pairs. */
int vsw_parse_choice(const char *s, const char *one, const char *zero);

#endif /* VSWCTL_UTIL_H */
