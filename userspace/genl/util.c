// SPDX-License-Identifier: GPL-2.0
/*
 * util.c - exit statuses, usage errors and strict number parsing shared
 * by the generic netlink tools
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

#include "util.h"

FILE *genl_err;

FILE *genl_err_file(void)
{
	return genl_err ? genl_err : stderr;
}

int genl_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
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

/* "PROG: MSG" to genl_err, without the newline. */
static FILE *vsay(const char *fmt, va_list ap)
{
	FILE *f = genl_err_file();

	fprintf(f, "%s: ", genl_prog);
	vfprintf(f, fmt, ap);
	return f;
}

int genl_usage_err(const char *usage, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	f = vsay(fmt, ap);
	va_end(ap);
	fprintf(f, "\n%s", usage);
	return EXIT_USAGE;
}

const char *genl_arg_value(int argc, char **argv, int *i, const char *usage)
{
	if (*i + 1 >= argc) {
		genl_usage_err(usage, "\"%s\" needs a value", argv[*i]);
		return NULL;
	}
	return argv[++*i];
}

int genl_bad_value(const char *usage, const char *kw, const char *v)
{
	return genl_usage_err(usage, "invalid %s \"%s\"", kw, v);
}

int genl_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

int genl_fail(const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	f = vsay(fmt, ap);
	va_end(ap);
	fputc('\n', f);
	return EXIT_KERNEL;
}
