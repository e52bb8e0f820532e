// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - strict parsing of vswctl's command-line values
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

const char *genl_prog = "vswctl";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vsw_parse_mac(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	if (strlen(s) != 17)
		return -1;
	for (i = 0; i < 6; i++, s += 3) {
		hi = hexval(s[0]);
		lo = hexval(s[1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[2] != ':'))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void vsw_format_mac(const uint8_t mac[6], char buf[VSW_MAC_STRLEN])
{
	snprintf(buf, VSW_MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int vsw_parse_addr(const char *s, void *out)
{
	if (inet_pton(AF_INET, s, out) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, out) == 1)
		return AF_INET6;
	return -1;
}

int vsw_parse_name(const char *s, char out[16])
{
	size_t len = strlen(s);

	if (!len || len > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return -1;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return -1;
	memcpy(out, s, len + 1);
	return 0;
}

int vsw_parse_choice(const char *s, const char *one, const char *zero)
{
	if (!strcmp(s, one))
		return 1;
	if (!strcmp(s, zero))
		return 0;
	return -1;
}
