// SPDX-License-Identifier: GPL-2.0
/*
 * print.c - text columns or JSON members from the same calls
 *
 * The JSON writer keeps a small stack of open containers and the number of
 * members printed in each, for commas and (with pretty) indentation.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "print.h"

#define MAX_DEPTH	16
#define JSON_PREC	3

#define LINE_MAX_TEXT	4096

static struct {
	FILE *out;
	char line[LINE_MAX_TEXT];	/* text: the line being built */
	size_t len;
	bool json;
	bool pretty;
	bool header;
	int col;			/* text: columns printed on this line */
	int depth;
	unsigned int count[MAX_DEPTH];	/* JSON: members in each container */
} pr = { .out = NULL };

/*
 * Text goes through a line buffer so that padding of blank or left-aligned
 * last columns does not leave trailing blanks: lines are cut at '\n' and
 * right-trimmed.
 */
static void text_flush(bool all)
{
	char *nl;

	while ((nl = memchr(pr.line, '\n', pr.len)) || (all && pr.len)) {
		size_t n = nl ? (size_t)(nl - pr.line) : pr.len, end = n;

		while (end && pr.line[end - 1] == ' ')
			end--;
		fwrite(pr.line, 1, end, pr.out);
		if (nl) {
			fputc('\n', pr.out);
			n++;
		}
		memmove(pr.line, pr.line + n, pr.len - n);
		pr.len -= n;
	}
}

static void text_vprintf(const char *fmt, va_list ap)
{
	char buf[LINE_MAX_TEXT];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	if (pr.len + len > sizeof(pr.line))
		text_flush(true);
	memcpy(pr.line + pr.len, buf, len);
	pr.len += len;
	text_flush(false);
}

static void text_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void text_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(fmt, ap);
	va_end(ap);
}

/* A caller's format (not a literal here) with its one argument. */
static void text_fmt(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vprintf(fmt, ap);
	va_end(ap);
}

void pr_flush(void)
{
	if (!pr.json)
		text_flush(true);
	fflush(pr.out);
}

void pr_init(FILE *out, bool json, bool pretty)
{
	memset(&pr, 0, sizeof(pr));
	pr.out = out;
	pr.json = json;
	pr.pretty = pretty;
}

bool pr_is_json(void)
{
	return pr.json;
}

FILE *pr_file(void)
{
	return pr.out;
}

void pr_header(bool on)
{
	pr.header = on;
}

static bool want(enum pr_type t)
{
	if (pr.header)
		return false;
	return pr.json ? (t & PR_JSON) : (t & PR_TEXT);
}

static void indent(int depth)
{
	fputc('\n', pr.out);
	fprintf(pr.out, "%*s", depth * 4, "");
}

void pr_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(out, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", out);
		else if (ch == '\t')
			fputs("\\t", out);
		else if (ch < 0x20)
			fprintf(out, "\\u%04x", ch);
		else
			fputc(ch, out);
	}
	fputc('"', out);
}

static void json_escape(const char *s)
{
	pr_json_string(pr.out, s);
}

const char *pr_rfc3339(uint64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;
	size_t n;

	if (!ns || !gmtime_r(&t, &tm))
		return NULL;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n)
		return NULL;
	snprintf(buf + n, size - n, ".%06uZ", (unsigned int)(ns % 1000000000 / 1000));
	return buf;
}

const char *pr_cut_name(const char *name, size_t chars, char *buf, size_t size)
{
	size_t i, n = 0, cut = 0;

	if (!name)
		return NULL;
	for (i = 0; name[i]; i++) {
		if (((unsigned char)name[i] & 0xc0) == 0x80)
			continue;
		if (++n == chars)
			cut = i;
	}
	if (n <= chars || cut + 2 > size)
		return name;
	memcpy(buf, name, cut);
	buf[cut] = '+';
	buf[cut + 1] = '\0';
	return buf;
}

/* Start a member (or array element): comma, indentation and key. */
static void json_member(const char *key)
{
	if (pr.depth > 0) {
		if (pr.count[pr.depth - 1]++)
			fputc(',', pr.out);
		if (pr.pretty)
			indent(pr.depth);
	}
	if (key) {
		json_escape(key);
		fputs(pr.pretty ? ": " : ":", pr.out);
	}
}

static void json_open(const char *key, char ch)
{
	if (!pr.json || pr.header)
		return;
	json_member(key);
	fputc(ch, pr.out);
	if (pr.depth < MAX_DEPTH)
		pr.count[pr.depth] = 0;
	pr.depth++;
}

static void json_close(char ch)
{
	if (!pr.json || pr.header || !pr.depth)
		return;
	pr.depth--;
	if (pr.pretty && pr.depth < MAX_DEPTH && pr.count[pr.depth])
		indent(pr.depth);
	fputc(ch, pr.out);
	if (!pr.depth)
		fputc('\n', pr.out);
}

void pr_open_object(const char *key)
{
	json_open(key, '{');
}

void pr_close_object(void)
{
	json_close('}');
}

void pr_open_array(const char *key)
{
	json_open(key, '[');
}

void pr_close_array(void)
{
	json_close(']');
}

void pr_eol(void)
{
	if (pr.json)
		return;
	text_printf("\n");
	pr.col = 0;
}

/* Text: one column, right-aligned unless @width < 0. */
static void text_col(int width, const char *s)
{
	text_printf("%s%*s", pr.col++ ? " " : "", width, s);
}

static bool col_header(const char *head, int width)
{
	if (!pr.header)
		return false;
	if (!pr.json)
		text_col(width, head);
	return true;
}

void pr_col_u64(enum pr_type t, const char *key, const char *head, int width,
		uint64_t v)
{
	char buf[32];

	if (col_header(head, width) || !want(t))
		return;
	if (pr.json) {
		json_member(key);
		fprintf(pr.out, "%" PRIu64, v);
		return;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	text_col(width, buf);
}

void pr_col_float(enum pr_type t, const char *key, const char *head,
		  int width, int prec, double v)
{
	char buf[64];

	if (col_header(head, width) || !want(t))
		return;
	if (pr.json) {
		pr_float(PR_JSON, key, NULL, v);
		return;
	}
	if (isfinite(v))
		snprintf(buf, sizeof(buf), "%.*f", prec, v);
	else
		strcpy(buf, "-");
	text_col(width, buf);
}

void pr_col_str(enum pr_type t, const char *key, const char *head, int width,
		const char *v)
{
	if (col_header(head, width) || !want(t))
		return;
	if (pr.json) {
		pr_str(PR_JSON, key, NULL, v);
		return;
	}
	text_col(width, v ? v : "-");
}

void pr_u64(enum pr_type t, const char *key, const char *fmt, uint64_t v)
{
	if (!want(t))
		return;
	if (pr.json) {
		json_member(key);
		fprintf(pr.out, "%" PRIu64, v);
	} else {
		text_fmt(fmt, v);
	}
}

void pr_i64(enum pr_type t, const char *key, const char *fmt, int64_t v)
{
	if (!want(t))
		return;
	if (pr.json) {
		json_member(key);
		fprintf(pr.out, "%" PRId64, v);
	} else {
		text_fmt(fmt, v);
	}
}

void pr_float(enum pr_type t, const char *key, const char *fmt, double v)
{
	if (!want(t))
		return;
	if (pr.json) {
		json_member(key);
		if (isfinite(v))
			fprintf(pr.out, "%.*f", JSON_PREC, v);
		else
			fputs("null", pr.out);
	} else {
		text_fmt(fmt, v);
	}
}

void pr_str(enum pr_type t, const char *key, const char *fmt, const char *v)
{
	if (!want(t))
		return;
	if (pr.json) {
		json_member(key);
		if (v)
			json_escape(v);
		else
			fputs("null", pr.out);
	} else {
		text_fmt(fmt, v ? v : "-");
	}
}

void pr_bool(enum pr_type t, const char *key, const char *fmt, bool v)
{
	if (!want(t))
		return;
	if (pr.json) {
		json_member(key);
		fputs(v ? "true" : "false", pr.out);
	} else {
		text_fmt(fmt, v ? "yes" : "no");
	}
}

void pr_text(const char *fmt, ...)
{
	va_list ap;

	if (pr.json || pr.header)
		return;
	va_start(ap, fmt);
	text_vprintf(fmt, ap);
	va_end(ap);
}
