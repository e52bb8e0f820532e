// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - strict parsing of vtpmctl's command-line values
 */
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vtpm.h>

#include "util.h"

const char *genl_prog = "vtpmctl";

static const char *const bank_names[] = { "sha1", "sha256", "sha384" };

#define N_BANKS	(sizeof(bank_names) / sizeof(bank_names[0]))

int vtpm_parse_mode(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!*s || strlen(s) > 4 || strspn(s, "01234567") != strlen(s))
		return -1;
	v = strtoul(s, &end, 8);
	if (*end || !v || v > VTPM_MODE_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int vtpm_parse_name(const char *s, char *out)
{
	size_t len = strlen(s);

	if (!len || len > VTPM_NAME_MAX)
		return -1;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return -1;
	memcpy(out, s, len + 1);
	return 0;
}

static int bank_bit(const char *s, size_t len)
{
	for (size_t i = 0; i < N_BANKS; i++)
		if (strlen(bank_names[i]) == len && !strncmp(s, bank_names[i], len))
			return (int)i;
	return -1;
}

int vtpm_parse_banks(const char *s, uint32_t *out)
{
	uint32_t mask = 0;
	size_t len;
	int bit;

	for (;;) {
		len = strcspn(s, ",");
		bit = bank_bit(s, len);
		if (bit < 0 || (mask & (1u << bit)))
			return -1;
		mask |= 1u << bit;
		if (!s[len])
			break;
		s += len + 1;
	}
	*out = mask;
	return 0;
}

const char *vtpm_bank_name(unsigned int bit)
{
	return bit < N_BANKS ? bank_names[bit] : NULL;
}

void vtpm_format_banks(uint32_t mask, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < 32; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (vtpm_bank_name(i))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%s%s", n ? "," : "", bank_names[i]);
		else
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0,
					      "%sbit%u", n ? "," : "", i);
	}
	if (!n)
		snprintf(buf, len, "-");
}

int vtpm_parse_user(const char *s, uint32_t *uid)
{
	struct passwd *pw;

	if (!genl_parse_u32(s, 0, UINT32_MAX - 1, uid))
		return 0;
	if (!*s || isdigit((unsigned char)*s))
		return -1;
	pw = getpwnam(s);
	if (!pw)
		return -1;
	*uid = pw->pw_uid;
	return 0;
}

int vtpm_parse_group(const char *s, uint32_t *gid)
{
	struct group *gr;

	if (!genl_parse_u32(s, 0, UINT32_MAX - 1, gid))
		return 0;
	if (!*s || isdigit((unsigned char)*s))
		return -1;
	gr = getgrnam(s);
	if (!gr)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}
