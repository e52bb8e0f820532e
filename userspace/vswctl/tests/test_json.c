// SPDX-License-Identifier: GPL-2.0
/*
 * test_json.c - unit tests of json.c (TAP), standalone: json.c and libc
 *
 * The allocator is replaced (glibc allows it) by one that counts what is
 * live and can fail on demand: every failed parse must free all it took,
 * and an allocation failing at any point must give "out of memory". Built
 * as the Makefile builds it, the replacement is always in use; where it is
 * not (valgrind without --soname-synonyms=somalloc=nouserintercepts,
 * -fsanitize=address) those checks fail rather than pass unchecked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* ------------------------------------------------------------ allocator */

static long fail_after = -1;	/* allocations left to succeed; -1: all */
static long n_live;		/* allocations not freed yet */

#ifndef __SANITIZE_ADDRESS__

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

/* Whether this allocation fails. */
static bool alloc_fails(void)
{
	if (fail_after < 0)
		return false;
	if (!fail_after)
		return true;
	fail_after--;
	return false;
}

void *malloc(size_t size)
{
	void *p;

	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_malloc(size);
	if (p)
		n_live++;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p;

	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_calloc(n, size);
	if (p)
		n_live++;
	return p;
}

void *realloc(void *old, size_t size)
{
	void *p;

	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_realloc(old, size);
	if (p && !old)
		n_live++;
	return p;
}

void free(void *p)
{
	if (p)
		n_live--;
	__libc_free(p);
}
#endif /* __SANITIZE_ADDRESS__ */

/* Whether the allocator above is the one in use (not valgrind's, ASan's). */
static bool counting(void)
{
	static int known = -1;
	void *(*volatile alloc)(size_t) = malloc;
	void *p;

	if (known < 0) {
		fail_after = 0;
		p = alloc(16);
		fail_after = -1;
		known = !p;
		free(p);
	}
	return known;
}

/* ------------------------------------------------------------ TAP */

#define NOT_REPLACED	"allocator not replaced"

static int n_test, n_fail;

static void __attribute__((format(printf, 2, 3)))
ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		n_fail++;
}


static char err[256];

/* Parse the C string @text (and check that err is cleared on success). */
static struct json *parse(const char *text)
{
	struct json *v;

	strcpy(err, "stale");
	v = json_parse(text, strlen(text), err, sizeof(err));
	if (v && *err)
		printf("# err not cleared on success: %s\n", err);
	return v;
}

/* @len bytes of @text must fail with @want, freeing all they took. */
static void check_error_n(const char *text, size_t len, const char *want,
			  const char *name)
{
	long live = n_live;
	struct json *v = json_parse(text, len, err, sizeof(err));
	bool leak = counting() && n_live != live;
	bool good = !v && !strcmp(err, want) && !leak;

	ok(good, "error: %s", name);
	if (!good) {
		printf("# got:  %s%s\n", v ? "a value" : err,
		       leak ? " (and a leak)" : "");
		printf("# want: %s\n", want);
	}
	json_free(v);
}

static void check_error(const char *text, const char *want, const char *name)
{
	check_error_n(text, strlen(text), want, name);
}

/* @v must be at @line, @col. */
static bool at(const struct json *v, int line, int col)
{
	if (v && v->line == line && v->col == col)
		return true;
	if (v)
		printf("# at %d:%d, want %d:%d\n", v->line, v->col, line, col);
	return false;
}

/* @v must be a member named @key at @line, @col. */
static bool key_at(const struct json *v, const char *key, int line, int col)
{
	if (v && v->key && !strcmp(v->key, key) && v->key_line == line &&
	    v->key_col == col)
		return true;
	if (v)
		printf("# key \"%s\" at %d:%d, want \"%s\" at %d:%d\n",
		       v->key ? v->key : "(null)", v->key_line, v->key_col,
		       key, line, col);
	return false;
}

/* A string of @n bytes: @n copies of @c. Freed by the caller. */
static char *repeat(const char *c, int n)
{
	size_t k = strlen(c);
	char *s = malloc(k * n + 1);
	int i;

	for (i = 0; i < n; i++)
		memcpy(s + k * i, c, k);
	s[k * n] = '\0';
	return s;
}

/* ------------------------------------------------------------ values */

static void test_scalars(void)
{
	struct json *v;

	v = parse("null");
	ok(v && v->type == JSON_NULL && at(v, 1, 1) && !v->key && !v->next,
	   "null");
	json_free(v);

	v = parse("true");
	ok(v && v->type == JSON_BOOL && v->b, "true");
	json_free(v);

	v = parse("false");
	ok(v && v->type == JSON_BOOL && !v->b, "false");
	json_free(v);

	v = parse("42");
	ok(v && v->type == JSON_NUMBER && v->is_int && v->i == 42 &&
	   v->d == 42.0, "integer");
	json_free(v);

	v = parse("-3.25");
	ok(v && v->type == JSON_NUMBER && !v->is_int && v->d == -3.25,
	   "fraction");
	json_free(v);

	v = parse("\"hello\"");
	ok(v && v->type == JSON_STRING && !strcmp(v->s, "hello") &&
	   v->len == 5, "string");
	json_free(v);

	v = parse("\"\"");
	ok(v && v->type == JSON_STRING && v->s && !*v->s && !v->len,
	   "empty string");
	json_free(v);

	v = parse("[]");
	ok(v && v->type == JSON_ARRAY && !v->len && !v->child,
	   "empty array");
	json_free(v);

	v = parse("{}");
	ok(v && v->type == JSON_OBJECT && !v->len && !v->child,
	   "empty object");
	json_free(v);

	v = parse(" \t\r\n\n  7 \r\n\t ");
	ok(v && v->is_int && v->i == 7 && at(v, 3, 3),
	   "whitespace around the value, position after it");
	json_free(v);

	/* the text need not be NUL-terminated: only len bytes count */
	v = json_parse("123", 2, err, sizeof(err));
	ok(v && v->is_int && v->i == 12, "only len bytes are read");
	json_free(v);
}

static void test_numbers(void)
{
	struct json *v;

	v = parse("9223372036854775807");
	ok(v && v->is_int && v->i == LLONG_MAX &&
	   v->d == 9223372036854775807.0, "int64 max");
	json_free(v);

	v = parse("-9223372036854775808");
	ok(v && v->is_int && v->i == LLONG_MIN &&
	   v->d == -9223372036854775808.0, "int64 min");
	json_free(v);

	v = parse("9223372036854775808");
	ok(v && v->type == JSON_NUMBER && !v->is_int &&
	   v->d == 9223372036854775808.0, "int64 max + 1: not an int");
	json_free(v);

	v = parse("-9223372036854775809");
	ok(v && !v->is_int && v->d == -9223372036854775808.0,
	   "int64 min - 1: not an int");
	json_free(v);

	v = parse("123456789012345678901234567890");
	ok(v && !v->is_int && v->d == 123456789012345678901234567890.0,
	   "30 digits: a double");
	json_free(v);

	v = parse("-0");
	ok(v && v->is_int && v->i == 0 && v->d == 0 && signbit(v->d),
	   "-0");
	json_free(v);

	v = parse("0");
	ok(v && v->is_int && v->i == 0 && !signbit(v->d), "0");
	json_free(v);

	v = parse("1.0");
	ok(v && !v->is_int && v->d == 1.0, "1.0 is not an int");
	json_free(v);

	v = parse("1E+2");
	ok(v && !v->is_int && v->d == 100.0, "1E+2: an exponent, not an int");
	json_free(v);

	v = parse("-2.5e-3");
	ok(v && !v->is_int && v->d == -0.0025, "-2.5e-3");
	json_free(v);

	v = parse("0.1");
	ok(v && v->d == 0.1, "0.1 correctly rounded");
	json_free(v);

	v = parse("1e-400");
	ok(v && !v->is_int && v->d == 0, "underflow: 0");
	json_free(v);

	{
		char *s = repeat("0", 101);

		s[0] = '1';
		v = parse(s);
		ok(v && !v->is_int && v->d == 1e100, "101 digits: 1e100");
		json_free(v);
		free(s);
	}
}

static void test_strings(void)
{
	struct json *v;

	v = parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"");
	ok(v && v->len == 8 && !strcmp(v->s, "\"\\/\b\f\n\r\t"),
	   "simple escapes");
	json_free(v);

	v = parse("\"\\u0041\\u00e9\\u20AC\"");
	ok(v && v->len == 6 && !strcmp(v->s, "A\xc3\xa9\xe2\x82\xac"),
	   "\\u escapes: 1, 2 and 3 bytes of UTF-8");
	json_free(v);

	v = parse("\"\\uD83D\\uDE00\"");
	ok(v && v->len == 4 && !strcmp(v->s, "\xf0\x9f\x98\x80"),
	   "surrogate pair D83D DE00 -> F0 9F 98 80");
	json_free(v);

	v = parse("\"\\ud800\\udc00|\\uDBFF\\uDFFF\"");
	ok(v && v->len == 9 &&
	   !strcmp(v->s, "\xf0\x90\x80\x80|\xf4\x8f\xbf\xbf"),
	   "surrogate pairs: U+10000 and U+10FFFF");
	json_free(v);

	v = parse("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e \xf4\x8f\xbf\xbf"
		  " \xed\x9f\xbf \xee\x80\x80\"");
	ok(v && v->len == 27 && !memcmp(v->s, "caf\xc3\xa9 ", 6),
	   "raw UTF-8 kept as is (2, 3, 4 bytes, edges)");
	json_free(v);

	v = parse("\"a\x7f" "b\"");
	ok(v && v->len == 3, "DEL (0x7f) is not a control character");
	json_free(v);
}

static void test_nested(void)
{
	struct json *v, *a, *o;

	v = parse("{\"a\":[1,{\"b\":null},[true,[]]],\"c\":{},\"d\":\"x\"}");
	ok(v && v->type == JSON_OBJECT && v->len == 3, "nested: root");
	a = json_get(v, "a");
	ok(a && a->type == JSON_ARRAY && a->len == 3 &&
	   a->child->type == JSON_NUMBER && a->child->i == 1 && !a->child->key,
	   "nested: array in object, elements have no key");
	o = a ? a->child->next : NULL;
	ok(o && o->type == JSON_OBJECT && o->len == 1 &&
	   json_get(o, "b") && json_get(o, "b")->type == JSON_NULL,
	   "nested: object in array");
	o = o ? o->next : NULL;
	ok(o && o->type == JSON_ARRAY && o->len == 2 &&
	   o->child->b && o->child->next->type == JSON_ARRAY &&
	   !o->child->next->len && !o->next, "nested: arrays in array");
	o = v ? v->child : NULL;
	ok(o && !strcmp(o->key, "a") && !strcmp(o->next->key, "c") &&
	   !strcmp(o->next->next->key, "d") && !o->next->next->next,
	   "nested: members in file order");
	json_free(v);
}

/* ------------------------------------------------------------ positions */

static void test_positions(void)
{
	static const char doc[] =
		"{\n"					/* 1 */
		"\t\"name\": \"web\",\n"		/* 2 */
		"\t\"rules\": [\n"			/* 3 */
		"\t\t{ \"port\": 80, \"ok\": true },\n"	/* 4 */
		"\t\tnull\n"				/* 5 */
		"\t],\n"				/* 6 */
		"  \"x\":-1.5e2\n"			/* 7 */
		"}\n";					/* 8 */
	struct json *v = parse(doc), *m, *r, *e;

	ok(v && at(v, 1, 1), "position: root at 1:1");
	m = json_get(v, "name");
	ok(key_at(m, "name", 2, 2) && at(m, 2, 10) && !strcmp(m->s, "web"),
	   "position: key 2:2 (tab is one column), value 2:10");
	r = json_get(v, "rules");
	ok(key_at(r, "rules", 3, 2) && at(r, 3, 11) && r->len == 2,
	   "position: array value 3:11");
	e = r ? r->child : NULL;
	ok(at(e, 4, 3) && !e->key, "position: element object 4:3");
	m = json_get(e, "port");
	ok(key_at(m, "port", 4, 5) && at(m, 4, 13) && m->i == 80,
	   "position: nested key 4:5, value 4:13");
	m = json_get(e, "ok");
	ok(key_at(m, "ok", 4, 17) && at(m, 4, 23) && m->b,
	   "position: second member 4:17, value 4:23");
	ok(e && at(e->next, 5, 3) && e->next->type == JSON_NULL,
	   "position: second element 5:3");
	m = json_get(v, "x");
	ok(key_at(m, "x", 7, 3) && at(m, 7, 7) && m->d == -150.0,
	   "position: key 7:3, number 7:7");
	json_free(v);

	v = parse("{\r\n\"a\": 1,\r\n\t\"b\": [\r\n\r\n 2]}");
	m = json_get(v, "b");
	ok(key_at(json_get(v, "a"), "a", 2, 1) && key_at(m, "b", 3, 2) &&
	   at(m, 3, 7) && at(m->child, 5, 2),
	   "position: CRLF line ends");
	json_free(v);
}

/* ------------------------------------------------------------ json_get */

static void test_get(void)
{
	struct json *v = parse("{\"a\":1,\"b\":[2],\"A\":3}"), *s;

	ok(json_get(v, "a") && json_get(v, "a")->i == 1, "json_get: found");
	ok(json_get(v, "A") && json_get(v, "A")->i == 3,
	   "json_get: case-sensitive");
	ok(!json_get(v, "c") && !json_get(v, ""), "json_get: missing");
	ok(!json_get(NULL, "a"), "json_get: NULL object");
	ok(!json_get(json_get(v, "b"), "a"), "json_get: an array");
	s = parse("\"a\"");
	ok(!json_get(s, "a"), "json_get: a string");
	json_free(s);
	json_free(v);
	json_free(NULL);
}

static void test_type_names(void)
{
	ok(!strcmp(json_type_name(JSON_NULL), "null") &&
	   !strcmp(json_type_name(JSON_BOOL), "boolean") &&
	   !strcmp(json_type_name(JSON_NUMBER), "number") &&
	   !strcmp(json_type_name(JSON_STRING), "string") &&
	   !strcmp(json_type_name(JSON_ARRAY), "array") &&
	   !strcmp(json_type_name(JSON_OBJECT), "object"),
	   "json_type_name");
}

/* ------------------------------------------------------------ errors */

static void test_syntax_errors(void)
{
	check_error("", "line 1, column 1: empty input", "empty input");
	check_error(" \n\t ", "line 2, column 3: empty input",
		    "only whitespace");
	check_error("[1,", "line 1, column 4: unexpected end of input",
		    "end of input after a comma");
	check_error("{\n\"a\"", "line 2, column 4: unexpected end of input",
		    "end of input after a key");
	check_error("[,1]", "line 1, column 2: unexpected character ','",
		    "unexpected character");
	check_error("[1,,2]", "line 1, column 4: unexpected character ','",
		    "two commas");
	check_error("]", "line 1, column 1: unexpected character ']'",
		    "a closing bracket");
	check_error("['a']", "line 1, column 2: unexpected character '''",
		    "single quotes");
	check_error("[1, /* c */ 2]",
		    "line 1, column 5: unexpected character '/'", "comment");
	check_error("[\x01]", "line 1, column 2: unexpected character 0x01",
		    "control character outside a string");
	check_error("\xc3\xa9", "line 1, column 1: unexpected character 0xc3",
		    "byte >= 0x80 outside a string");
	check_error("tru", "line 1, column 1: unexpected word \"tru\"",
		    "truncated literal");
	check_error("[True]", "line 1, column 2: unexpected word \"True\"",
		    "literals are lower case");
	check_error("nullx", "line 1, column 1: unexpected word \"nullx\"",
		    "literal run on");
	check_error("{\"action\": drop}",
		    "line 1, column 12: unexpected word \"drop\"",
		    "unquoted string");
	check_error("NaN", "line 1, column 1: unexpected word \"NaN\"", "NaN");
	check_error("[1, 2,]", "line 1, column 6: trailing comma",
		    "trailing comma in an array");
	check_error("{\"a\": 1,\n}", "line 1, column 8: trailing comma",
		    "trailing comma in an object, on the line before");
	check_error("[1 2]", "line 1, column 4: expected ',' or ']'",
		    "missing comma in an array");
	check_error("{\"a\": 1\n  \"b\": 2}",
		    "line 2, column 3: expected ',' or '}'",
		    "missing comma in an object");
	check_error("[1}", "line 1, column 3: expected ',' or ']'",
		    "mismatched bracket");
	check_error("{\"a\" 1}", "line 1, column 6: expected ':'",
		    "missing colon");
	check_error("{\"a\"=1}", "line 1, column 5: expected ':'",
		    "'=' for a colon");
	check_error("{1: 2}", "line 1, column 2: expected string key",
		    "number as a key");
	check_error("{rules: []}", "line 1, column 2: expected string key",
		    "unquoted key");
	check_error("{\"a\":1, 'b':2}",
		    "line 1, column 9: expected string key", "key after comma");
	check_error("1 2", "line 1, column 3: unexpected text after the value",
		    "trailing garbage");
	check_error("{}\n\n  }",
		    "line 3, column 3: unexpected text after the value",
		    "trailing garbage on a later line");
}

static void test_number_errors(void)
{
	check_error("01", "line 1, column 1: leading zero in number",
		    "leading zero");
	check_error("[-007]", "line 1, column 3: leading zero in number",
		    "negative leading zero");
	check_error("-", "line 1, column 2: expected digit after '-'",
		    "'-' alone");
	check_error("[-]", "line 1, column 3: expected digit after '-'",
		    "'-' alone in an array");
	check_error("-x", "line 1, column 2: expected digit after '-'",
		    "'-' and a letter");
	check_error("1.", "line 1, column 3: expected digit after '.'", "1.");
	check_error("[1.e5]", "line 1, column 4: expected digit after '.'",
		    "1.e5");
	check_error(".5", "line 1, column 1: unexpected character '.'", ".5");
	check_error("+1", "line 1, column 1: unexpected character '+'", "+1");
	check_error("1e", "line 1, column 3: expected digit in exponent", "1e");
	check_error("1E-", "line 1, column 4: expected digit in exponent",
		    "1E-");
	check_error("[0x10]", "line 1, column 3: expected ',' or ']'", "hex");
	check_error("1.5.3",
		    "line 1, column 4: unexpected text after the value",
		    "two points");
	check_error("[1, 1e400]", "line 1, column 5: number out of range",
		    "1e400");
	check_error("-1e400", "line 1, column 1: number out of range",
		    "-1e400");
}

static void test_string_errors(void)
{
	check_error("\"abc", "line 1, column 1: unterminated string",
		    "unterminated string");
	check_error("[\n  \"abc", "line 2, column 3: unterminated string",
		    "unterminated string on line 2");
	check_error("\"ab\\", "line 1, column 1: unterminated string",
		    "unterminated string ending in a backslash");
	check_error_n("\"ab\"", 3, "line 1, column 1: unterminated string",
		      "the closing quote past len");
	check_error("\"a\tb\"",
		    "line 1, column 3: control character 0x09 in string",
		    "raw tab in a string");
	check_error("[\"a\nb\"]",
		    "line 1, column 4: control character 0x0a in string",
		    "raw newline in a string");
	check_error("\"\x1f\"",
		    "line 1, column 2: control character 0x1f in string",
		    "0x1f in a string");
	check_error("\"a\\x\"", "line 1, column 3: bad escape '\\x'",
		    "bad escape");
	check_error("\"\\'\"", "line 1, column 2: bad escape '\\''",
		    "escaped single quote");
	check_error("\"\\\x01\"", "line 1, column 2: bad escape",
		    "escaped control character");
	check_error("\"\\u12\"",
		    "line 1, column 2: bad \\u escape: need 4 hex digits",
		    "\\u with 2 hex digits");
	check_error("\"\\u12G4\"",
		    "line 1, column 2: bad \\u escape: need 4 hex digits",
		    "\\u with a non-hex digit");
	check_error("\"\\u",
		    "line 1, column 2: bad \\u escape: need 4 hex digits",
		    "\\u at the end of the input");
	check_error("\"\\u0000\"",
		    "line 1, column 2: bad \\u escape: \\u0000 is not allowed",
		    "\\u0000");
	check_error("\"x\\uD800\"",
		    "line 1, column 3: bad \\u escape: lone surrogate",
		    "lone high surrogate");
	check_error("\"\\uDC00\\uD800\"",
		    "line 1, column 2: bad \\u escape: lone surrogate",
		    "lone low surrogate");
	check_error("\"\\uD800\\u0041\"",
		    "line 1, column 2: bad \\u escape: lone surrogate",
		    "high surrogate and a non-surrogate");
	check_error("\"\\uD800\\uD800\"",
		    "line 1, column 2: bad \\u escape: lone surrogate",
		    "two high surrogates");
	check_error("\"\\uD800\\n\"",
		    "line 1, column 2: bad \\u escape: lone surrogate",
		    "high surrogate and another escape");
	check_error("\"ab\\uD800\\u12\"",
		    "line 1, column 10: bad \\u escape: need 4 hex digits",
		    "high surrogate and a short \\u");
	check_error("\"a\xff\"", "line 1, column 3: invalid UTF-8 in string",
		    "0xff in a string");
	check_error("\"\x80\"", "line 1, column 2: invalid UTF-8 in string",
		    "lone continuation byte");
	check_error("\"\xc3\"", "line 1, column 2: invalid UTF-8 in string",
		    "truncated sequence");
	check_error("\"\xc0\xaf\"",
		    "line 1, column 2: invalid UTF-8 in string",
		    "overlong 2 bytes (C0)");
	check_error("\"\xe0\x80\xaf\"",
		    "line 1, column 2: invalid UTF-8 in string",
		    "overlong 3 bytes (E0 80)");
	check_error("\"\xf0\x8f\xbf\xbf\"",
		    "line 1, column 2: invalid UTF-8 in string",
		    "overlong 4 bytes (F0 8F)");
	check_error("\"\xed\xa0\x80\"",
		    "line 1, column 2: invalid UTF-8 in string",
		    "encoded surrogate (ED A0)");
	check_error("\"\xf4\x90\x80\x80\"",
		    "line 1, column 2: invalid UTF-8 in string",
		    "above U+10FFFF (F4 90)");
	check_error("\"\xf5\x80\x80\x80\"",
		    "line 1, column 2: invalid UTF-8 in string", "F5 lead");
	check_error("{\"k\xe2\x82\":1}",
		    "line 1, column 4: invalid UTF-8 in string",
		    "truncated sequence in a key");
	check_error_n("\xe2\x82\xac", 2,
		      "line 1, column 1: unexpected character 0xe2",
		      "UTF-8 outside a string");
}

static void test_nul_bytes(void)
{
	check_error_n("\0", 1, "line 1, column 1: NUL byte in input",
		      "NUL alone");
	check_error_n("\"a\0b\"", 5, "line 1, column 3: NUL byte in input",
		      "NUL in a string");
	check_error_n("1\0", 2, "line 1, column 2: NUL byte in input",
		      "NUL after the value");
	check_error_n("[1\0]", 4, "line 1, column 3: NUL byte in input",
		      "NUL in an array");
	check_error_n("{\"a\"\0:1}", 8, "line 1, column 5: NUL byte in input",
		      "NUL before a colon");
	check_error_n("[\0]", 3, "line 1, column 2: NUL byte in input",
		      "NUL for a value");
}

static void test_duplicates(void)
{
	static const char doc[] =
		"{\n"
		"  \"rules\": [],\n"
		"  \"name\": \"x\",\n"
		"  \"inner\": { \"rules\": 1 },\n"
		"  \"rules\": {}\n"
		"}\n";
	struct json *v;
	char *key, *text, want[256];

	check_error(doc, "line 5, column 3: duplicate key \"rules\"",
		    "duplicate key, at the second one");
	check_error("{\"a\":1,\"\\u0061\":2}",
		    "line 1, column 8: duplicate key \"a\"",
		    "duplicate key spelled with an escape");
	check_error("{\"a\\\"b\\n\":1, \"a\\\"b\\n\":[}",
		    "line 1, column 14: duplicate key \"a\\\"b\\u000a\"",
		    "duplicate key quoted in the message");

	key = repeat("k", 100);
	text = malloc(256);
	snprintf(text, 256, "{\"%s\":1,\"%s\":2}", key, key);
	snprintf(want, sizeof(want),
		 "line 1, column 107: duplicate key \"%.68s...\"", key);
	check_error(text, want, "long duplicate key cut in the message");
	free(text);
	free(key);

	v = parse("{\"a\":{\"a\":1},\"b\":[{\"a\":1},{\"a\":2}],\"A\":0}");
	ok(v && v->len == 3, "the same key in different objects, any case");
	json_free(v);
}

static void test_depth(void)
{
	char *open = repeat("[", JSON_MAX_DEPTH + 1);
	char *close = repeat("]", JSON_MAX_DEPTH + 1);
	char text[1024], *obj;
	struct json *v, *e;
	int n = 0;

	snprintf(text, sizeof(text), "%.*s1%.*s", JSON_MAX_DEPTH, open,
		 JSON_MAX_DEPTH, close);
	v = parse(text);
	for (e = v; e && e->type == JSON_ARRAY; e = e->child)
		n++;
	ok(v && n == 64 && e && e->i == 1 && e->col == 65,
	   "nesting 64 deep: ok");
	json_free(v);

	snprintf(text, sizeof(text), "%s1%s", open, close);
	check_error(text, "line 1, column 65: nesting deeper than 64",
		    "nesting 65 deep");

	obj = repeat("{\"a\":", JSON_MAX_DEPTH + 1);
	snprintf(text, sizeof(text), "%s1", obj);
	check_error(text, "line 1, column 321: nesting deeper than 64",
		    "objects 65 deep");
	free(obj);

	obj = repeat("{\"a\":[", JSON_MAX_DEPTH / 2);
	snprintf(text, sizeof(text), "%s{}", obj);
	check_error(text, "line 1, column 193: nesting deeper than 64",
		    "objects and arrays 65 deep");
	free(obj);
	free(open);
	free(close);
}

static void test_err_buffer(void)
{
	char small[8] = "xxxxxxx";
	struct json *v;

	v = json_parse("[", 1, small, sizeof(small));
	ok(!v && !strcmp(small, "line 1,"), "error cut to errlen");
	strcpy(small, "x");
	v = json_parse("[", 1, small, 0);
	ok(!v && !strcmp(small, "x"), "errlen 0: err untouched");
	v = json_parse("[", 1, NULL, 100);
	ok(!v, "err NULL: no crash");
	v = json_parse(NULL, 0, err, sizeof(err));
	ok(!v && !strcmp(err, "line 1, column 1: empty input"),
	   "NULL text, len 0: empty input");
}

/* ------------------------------------------------------------ memory */

static void test_out_of_memory(void)
{
	static const char doc[] =
		"{\"a\": [1, \"two\", {\"b\": null}], \"c\": \"\\u00e9\","
		" \"d\": 12345678901234567890123456789012345678901234567890"
		"12345678901234567890, \"e\": [[[]]]}";
	struct json *v = NULL;
	bool msg = true, leak = false;
	long k, live;

	if (!counting()) {
		ok(false, "out of memory at every allocation: " NOT_REPLACED);
		return;
	}
	for (k = 0; k < 1000; k++) {
		live = n_live;
		fail_after = k;
		v = json_parse(doc, strlen(doc), err, sizeof(err));
		fail_after = -1;
		if (v)
			break;
		if (strcmp(err, "out of memory")) {
			printf("# allocation %ld: %s\n", k, err);
			msg = false;
		}
		if (n_live != live) {
			printf("# allocation %ld: %ld leaked\n", k,
			       n_live - live);
			leak = true;
		}
	}
	ok(v && k > 10 && msg, "out of memory at each of %ld allocations", k);
	ok(!leak, "no leak on out of memory");
	json_free(v);
	ok(n_live == live, "no leak after json_free");
}

int main(void)
{
	long live;

	printf("TAP version 13\n");
	fflush(stdout);
	live = n_live;		/* after stdout's buffer */
	test_scalars();
	test_numbers();
	test_strings();
	test_nested();
	test_positions();
	test_get();
	test_type_names();
	test_syntax_errors();
	test_number_errors();
	test_string_errors();
	test_nul_bytes();
	test_duplicates();
	test_depth();
	test_err_buffer();
	test_out_of_memory();
	ok(counting() && n_live == live, "nothing leaked by the whole run");
	printf("1..%d\n", n_test);
	return n_fail ? 1 : 0;
}
