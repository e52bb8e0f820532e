/* SPDX-License-Identifier: GPL-2.0 */
/*
 * print.h - one call prints a field as a text column or as a JSON member
 *
 * In the spirit of iproute2's json_print: report code calls pr_col_*() or
 * pr_*() once per field, tagged PR_ANY (both outputs), PR_TEXT or PR_JSON,
 * and the mode chosen by pr_init() decides what comes out. The column
 * calls also carry the heading, so a header pass (pr_header(true)) prints
 * the heading line of a table from the very code that prints its rows.
 */
#ifndef VHVSTAT_PRINT_H
#define VHVSTAT_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum pr_type {
	PR_TEXT = 1,
	PR_JSON = 2,
	PR_ANY = PR_TEXT | PR_JSON,
};

void pr_init(FILE *out, bool json, bool pretty);
bool pr_is_json(void);
FILE *pr_file(void);

/* Text mode: column calls print their heading, the others nothing. */
void pr_header(bool on);

/* JSON structure; @key is NULL inside arrays and at the top level. */
void pr_open_object(const char *key);
void pr_close_object(void);
void pr_open_array(const char *key);
void pr_close_array(void);

/* End of a text line (no-op in JSON). */
void pr_eol(void);

/* Write out what is buffered (a text line in progress) and flush. */
void pr_flush(void);

/*
 * Table columns: @head is the heading, @width the text width (negative:
 * left-aligned). NaN and NULL print as "-" in text and null in JSON.
 */
void pr_col_u64(enum pr_type t, const char *key, const char *head, int width,
		uint64_t v);
void pr_col_float(enum pr_type t, const char *key, const char *head,
		  int width, int prec, double v);
void pr_col_str(enum pr_type t, const char *key, const char *head, int width,
		const char *v);

/* Free-form fields: @fmt (one conversion) is used for text only. */
void pr_u64(enum pr_type t, const char *key, const char *fmt, uint64_t v);
void pr_i64(enum pr_type t, const char *key, const char *fmt, int64_t v);
void pr_float(enum pr_type t, const char *key, const char *fmt, double v);
void pr_str(enum pr_type t, const char *key, const char *fmt, const char *v);
void pr_bool(enum pr_type t, const char *key, const char *fmt, bool v);

/* A JSON string of @s, quoted and escaped, to @out (any stream). */
void pr_json_string(FILE *out, const char *s);

/* @ns of CLOCK_REALTIME as "2026-12-05T20:01:02.123456Z" in @buf; NULL for 0. */
const char *pr_rfc3339(uint64_t ns, char *buf, size_t size);

/*
 * @name cut to @chars characters (UTF-8 code points) for a text column:
 * the last one '+' when it is longer (in @buf); NULL stays NULL.
 */
const char *pr_cut_name(const char *name, size_t chars, char *buf, size_t size);

/* Text only. */
void pr_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* VHVSTAT_PRINT_H */
