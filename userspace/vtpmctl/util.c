// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - strict parsing of command-line values, and usage errors
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vtpm.h>

#include "util.h"

FILE *vtpm_err;
const char *vtpm_prog = "vtpmctl";

static const char *const bank_names[] = { "sha1", "sha256", "sha384" };

#define N_BANKS	(sizeof(bank_names) / sizeof(bank_names[0]))

static FILE *err_file(void)
{
	return vtpm_err ? vtpm_err : stderr;
}

int vtpm_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

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

	if (!vtpm_parse_u32(s, 0, UINT32_MAX - 1, uid))
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

	if (!vtpm_parse_u32(s, 0, UINT32_MAX - 1, gid))
		return 0;
	if (!*s || isdigit((unsigned char)*s))
		return -1;
	gr = getgrnam(s);
	if (!gr)
		return -1;
	*gid = gr->gr_gid;
	return 0;
}

int vtpm_usage_err(const char *usage, const char *fmt, ...)
{
	FILE *f = err_file();
	va_list ap;

	fprintf(f, "%s: ", vtpm_prog);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, "\n%s", usage);
	return EXIT_USAGE;
}

int vtpm_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

int vtpm_fail(const char *fmt, ...)
{
	FILE *f = err_file();
	va_list ap;

	fprintf(f, "%s: ", vtpm_prog);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	return EXIT_KERNEL;
}
