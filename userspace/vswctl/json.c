// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - a small, strict JSON parser (RFC 8259) for vswctl's policy
 * files
 *
 * Recursive descent over a byte buffer that need not be NUL-terminated.
 * Nothing outside RFC 8259 is accepted: no comments, no trailing commas,
 * no single quotes, no NaN or Infinity, no leading zeros or '+'. On top of
 * the RFC: strings must be well-formed UTF-8 and hold no NUL (not even as
 * \u0000), an object may not name a member twice, containers nest at most
 * JSON_MAX_DEPTH deep and a number must be finite as a double.
 *
 * The first error stops the parse; its message names the line and column
 * of the offending byte (columns count bytes, a tab is one). Newlines only
 * occur in whitespace (a string may not hold a raw control character), so
 * a position is a line number and the start of that line.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

struct json_pos {
	int line, col;
};

struct parser {
	const char *p;		/* the next byte */
	const char *end;	/* one past the last byte */
	const char *bol;	/* where the current line begins */
	int line;		/* of p, 1-based */
	bool failed;		/* an error was recorded: unwind */
	char *err;
	size_t errlen;
};

/* ------------------------------------------------------------ errors */

/* Where @at (on the current line) is. */
static struct json_pos pos_at(const struct parser *ps, const char *at)
{
	ptrdiff_t col = at - ps->bol + 1;

	return (struct json_pos){ ps->line, col > INT_MAX ? INT_MAX : col };
}

/* Record "line L, column C: message" unless an error is recorded. */
static void __attribute__((format(printf, 3, 4)))
fail(struct parser *ps, struct json_pos pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return;
	ps->failed = true;
	if (!ps->errlen)
		return;
	n = snprintf(ps->err, ps->errlen, "line %d, column %d: ",
		     pos.line, pos.col);
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
}

/* Record "out of memory" (no position: it is not the text's fault). */
static void fail_oom(struct parser *ps)
{
	if (ps->failed)
		return;
	ps->failed = true;
	if (ps->errlen)
		snprintf(ps->err, ps->errlen, "out of memory");
}

/* The byte at ps->p is not what the grammar allows there: say which. */
static void fail_char(struct parser *ps)
{
	unsigned char c = *ps->p;

	if (!c)
		fail(ps, pos_at(ps, ps->p), "NUL byte in input");
	else if (c > ' ' && c < 0x7f)
		fail(ps, pos_at(ps, ps->p), "unexpected character '%c'", c);
	else
		fail(ps, pos_at(ps, ps->p), "unexpected character 0x%02x", c);
}

/* At ps->p, @what was expected ("',' or ']'"), or the input ended. */
static void fail_expected(struct parser *ps, const char *what)
{
	if (ps->p == ps->end)
		fail(ps, pos_at(ps, ps->p), "unexpected end of input");
	else if (!*ps->p)
		fail(ps, pos_at(ps, ps->p), "NUL byte in input");
	else
		fail(ps, pos_at(ps, ps->p), "expected %s", what);
}

/*
 * Quote @s (well-formed UTF-8) for a message into @buf (of @size >= 4
 * bytes): '"', '\' and control characters escaped, cut with "..." between
 * two characters if too long. Return @buf.
 */
static char *quote(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	while (*s) {
		unsigned char c = *s;
		char esc[8];
		size_t in = 1, out;

		if (c == '"' || c == '\\') {
			out = snprintf(esc, sizeof(esc), "\\%c", c);
		} else if (c < ' ') {
			out = snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			while (in < 4 && (s[in] & 0xc0) == 0x80)
				in++;
			memcpy(esc, s, in);
			out = in;
		}
		/* room for this, "..." and the NUL */
		if (n + out + 4 > size)
			break;
		memcpy(buf + n, esc, out);
		n += out;
		s += in;
	}
	if (*s) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

/* ------------------------------------------------------------ lexing */

/* Skip spaces, tabs, CRs and newlines, counting lines. */
static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == '\n') {
			ps->p++;
			if (ps->line < INT_MAX)
				ps->line++;
			ps->bol = ps->p;
		} else if (c == ' ' || c == '\t' || c == '\r') {
			ps->p++;
		} else {
			break;
		}
	}
}

static bool is_digit(const struct parser *ps, const char *p)
{
	return p < ps->end && *p >= '0' && *p <= '9';
}

/* The value of the hex digit @c, or -1. */
static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The 4 hex digits at @p (before @end) as a number, or -1. */
static long hex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int h = hex_value(p[i]);

		if (h < 0)
			return -1;
		v = v << 4 | h;
	}
	return v;
}

/*
 * The length of the well-formed UTF-8 sequence at @p (before @end), whose
 * first byte is >= 0x80: 2 to 4, or 0 if ill-formed (Unicode table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF).
 */
static int utf8_len(const char *p, const char *end)
{
	const unsigned char *u = (const unsigned char *)p;
	unsigned char lo = 0x80, hi = 0xbf;
	int n, i;

	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		if (u[0] == 0xe0)
			lo = 0xa0;
		else if (u[0] == 0xed)
			hi = 0x9f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		if (u[0] == 0xf0)
			lo = 0x90;
		else if (u[0] == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (end - p < n || u[1] < lo || u[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (u[i] < 0x80 || u[i] > 0xbf)
			return 0;
	return n;
}

/* Append code point @cp (not a surrogate, <= U+10FFFF) to @o as UTF-8. */
static char *put_utf8(char *o, long cp)
{
	if (cp < 0x80) {
		*o++ = cp;
	} else if (cp < 0x800) {
		*o++ = 0xc0 | cp >> 6;
		*o++ = 0x80 | (cp & 0x3f);
	} else if (cp < 0x10000) {
		*o++ = 0xe0 | cp >> 12;
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	} else {
		*o++ = 0xf0 | cp >> 18;
		*o++ = 0x80 | (cp >> 12 & 0x3f);
		*o++ = 0x80 | (cp >> 6 & 0x3f);
		*o++ = 0x80 | (cp & 0x3f);
	}
	return o;
}

/*
 * The \u escape at @p (its backslash), into @o. Return the end of the
 * escape (past a surrogate pair's second half), or NULL on an error.
 */
static const char *unicode_escape(struct parser *ps, const char *p,
				  char **o)
{
	long cp = hex4(p + 2, ps->end), lo;

	if (cp < 0) {
		fail(ps, pos_at(ps, p), "bad \\u escape: need 4 hex digits");
		return NULL;
	}
	if (cp == 0) {
		fail(ps, pos_at(ps, p),
		     "bad \\u escape: \\u0000 is not allowed");
		return NULL;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		fail(ps, pos_at(ps, p), "bad \\u escape: lone surrogate");
		return NULL;
	}
	if (cp < 0xd800 || cp > 0xdbff) {
		*o = put_utf8(*o, cp);
		return p + 6;
	}
	/* a high surrogate: a low one must follow */
	if (ps->end - p < 8 || p[6] != '\\' || p[7] != 'u') {
		fail(ps, pos_at(ps, p), "bad \\u escape: lone surrogate");
		return NULL;
	}
	lo = hex4(p + 8, ps->end);
	if (lo < 0) {
		fail(ps, pos_at(ps, p + 6),
		     "bad \\u escape: need 4 hex digits");
		return NULL;
	}
	if (lo < 0xdc00 || lo > 0xdfff) {
		fail(ps, pos_at(ps, p), "bad \\u escape: lone surrogate");
		return NULL;
	}
	*o = put_utf8(*o, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00));
	return p + 12;
}

/*
 * The string at ps->p (its opening quote), decoded into a new buffer in
 * *@out, its length in *@outlen. Return 0, or -1 on an error.
 */
static int parse_string(struct parser *ps, char **out, size_t *outlen)
{
	const char *quote_at = ps->p, *p = ps->p + 1, *stop;
	char *buf, *o;

	/*
	 * Decoding never makes a string longer, and it stops at the first
	 * unescaped quote or control character: that bounds the buffer.
	 */
	for (stop = p; stop < ps->end; stop += *stop == '\\' ? 2 : 1)
		if (*stop == '"' || (unsigned char)*stop < ' ')
			break;
	if (stop > ps->end)
		stop = ps->end;
	buf = malloc(stop - p + 1);
	if (!buf) {
		fail_oom(ps);
		return -1;
	}
	for (o = buf; ; ) {
		unsigned char c;
		int n;

		if (p == ps->end) {
			fail(ps, pos_at(ps, quote_at), "unterminated string");
			goto err;
		}
		c = *p;
		if (c == '"')
			break;
		if (!c) {
			fail(ps, pos_at(ps, p), "NUL byte in input");
			goto err;
		}
		if (c < ' ') {
			fail(ps, pos_at(ps, p),
			     "control character 0x%02x in string", c);
			goto err;
		}
		if (c >= 0x80) {
			n = utf8_len(p, ps->end);
			if (!n) {
				fail(ps, pos_at(ps, p),
				     "invalid UTF-8 in string");
				goto err;
			}
			memcpy(o, p, n);
			o += n;
			p += n;
			continue;
		}
		if (c != '\\') {
			*o++ = c;
			p++;
			continue;
		}
		if (p + 1 == ps->end) {
			fail(ps, pos_at(ps, quote_at), "unterminated string");
			goto err;
		}
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			*o++ = p[1];
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			p = unicode_escape(ps, p, &o);
			if (!p)
				goto err;
			continue;
		default:
			c = p[1];
			if (c > ' ' && c < 0x7f)
				fail(ps, pos_at(ps, p), "bad escape '\\%c'", c);
			else
				fail(ps, pos_at(ps, p), "bad escape");
			goto err;
		}
		p += 2;
	}
	*o = '\0';
	*out = buf;
	*outlen = o - buf;
	ps->p = p + 1;
	return 0;
err:
	free(buf);
	return -1;
}

/*
 * The number at ps->p into @v: its syntax checked here, its value from
 * strtod() (correctly rounded) and, for an integer, exactly.
 * Return 0, or -1 on an error.
 */
static int parse_number(struct parser *ps, struct json *v)
{
	const char *dp = localeconv()->decimal_point;
	const char *start = ps->p, *p = ps->p;
	unsigned long long mag = 0, limit = LLONG_MAX;
	bool neg = false, is_int = true;
	char small[64], *buf = small, *b;
	size_t dp_len = strlen(dp), need;

	if (*p == '-') {
		neg = true;
		limit = (unsigned long long)LLONG_MAX + 1;
		p++;
		if (!is_digit(ps, p)) {
			fail(ps, pos_at(ps, p), "expected digit after '-'");
			return -1;
		}
	}
	if (*p == '0' && is_digit(ps, p + 1)) {
		fail(ps, pos_at(ps, p), "leading zero in number");
		return -1;
	}
	for (; is_digit(ps, p); p++) {
		unsigned int digit = *p - '0';

		if (mag > (limit - digit) / 10)
			is_int = false;
		else
			mag = mag * 10 + digit;
	}
	if (p < ps->end && *p == '.') {
		is_int = false;
		if (!is_digit(ps, ++p)) {
			fail(ps, pos_at(ps, p), "expected digit after '.'");
			return -1;
		}
		while (is_digit(ps, p))
			p++;
	}
	if (p < ps->end && (*p == 'e' || *p == 'E')) {
		is_int = false;
		p++;
		if (p < ps->end && (*p == '+' || *p == '-'))
			p++;
		if (!is_digit(ps, p)) {
			fail(ps, pos_at(ps, p), "expected digit in exponent");
			return -1;
		}
		while (is_digit(ps, p))
			p++;
	}

	/* strtod() wants a C string, and the locale's decimal point */
	need = p - start + dp_len + 1;
	if (need > sizeof(small)) {
		buf = malloc(need);
		if (!buf) {
			fail_oom(ps);
			return -1;
		}
	}
	for (b = buf; start < p; start++) {
		if (*start == '.') {
			memcpy(b, dp, dp_len);
			b += dp_len;
		} else {
			*b++ = *start;
		}
	}
	*b = '\0';
	v->d = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	if (isinf(v->d)) {
		fail(ps, pos_at(ps, ps->p), "number out of range");
		return -1;
	}
	v->is_int = is_int;
	if (is_int)
		v->i = !neg ? (long long)mag :
		       mag > LLONG_MAX ? LLONG_MIN : -(long long)mag;
	ps->p = p;
	return 0;
}

/*
 * The bare word at ps->p (a letter first): true, false or null into @v.
 * Return 0, or -1 on an error.
 */
static int parse_word(struct parser *ps, struct json *v)
{
	const char *p = ps->p;
	size_t n;

	while (p < ps->end && (*p == '_' || (*p >= '0' && *p <= '9') ||
			       (*p >= 'a' && *p <= 'z') ||
			       (*p >= 'A' && *p <= 'Z')))
		p++;
	n = p - ps->p;
	if (n == 4 && !memcmp(ps->p, "true", 4)) {
		v->type = JSON_BOOL;
		v->b = true;
	} else if (n == 5 && !memcmp(ps->p, "false", 5)) {
		v->type = JSON_BOOL;
	} else if (n == 4 && !memcmp(ps->p, "null", 4)) {
		v->type = JSON_NULL;
	} else {
		fail(ps, pos_at(ps, ps->p), "unexpected word \"%.*s%s\"",
		     n > 32 ? 32 : (int)n, ps->p, n > 32 ? "..." : "");
		return -1;
	}
	ps->p = p;
	return 0;
}

/* ------------------------------------------------------------ parsing */

static struct json *parse_value(struct parser *ps, int depth);

/* A new node of type @type at ps->p, or NULL (out of memory). */
static struct json *new_node(struct parser *ps, enum json_type type)
{
	struct json_pos pos = pos_at(ps, ps->p);
	struct json *v = calloc(1, sizeof(*v));

	if (!v) {
		fail_oom(ps);
		return NULL;
	}
	v->type = type;
	v->line = pos.line;
	v->col = pos.col;
	return v;
}

/*
 * After an element or member of a container, at ps->p: a ',' and another
 * one, or @close. Return 1 for another, 0 for @close (consumed), -1 on an
 * error.
 */
static int next_or_close(struct parser *ps, char close)
{
	struct json_pos comma;

	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	if (ps->p == ps->end || *ps->p != ',') {
		fail_expected(ps, close == ']' ? "',' or ']'" : "',' or '}'");
		return -1;
	}
	comma = pos_at(ps, ps->p);
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		fail(ps, comma, "trailing comma");
		return -1;
	}
	return 1;
}

/* The array at ps->p ('['), @depth deep. Return it, or NULL. */
static struct json *parse_array(struct parser *ps, int depth)
{
	struct json *v = new_node(ps, JSON_ARRAY), **tail;
	int more;

	if (!v)
		return NULL;
	tail = &v->child;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == ']') {
		ps->p++;
		return v;
	}
	do {
		*tail = parse_value(ps, depth);
		if (!*tail)
			goto err;
		tail = &(*tail)->next;
		v->len++;
		more = next_or_close(ps, ']');
		if (more < 0)
			goto err;
	} while (more);
	return v;
err:
	json_free(v);
	return NULL;
}

/* The object at ps->p ('{'), @depth deep. Return it, or NULL. */
static struct json *parse_object(struct parser *ps, int depth)
{
	struct json *v = new_node(ps, JSON_OBJECT), **tail, *m;
	int more;

	if (!v)
		return NULL;
	tail = &v->child;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '}') {
		ps->p++;
		return v;
	}
	do {
		struct json_pos key_pos = pos_at(ps, ps->p);
		char *key, q[72];
		size_t key_len;

		if (ps->p == ps->end || *ps->p != '"') {
			fail_expected(ps, "string key");
			goto err;
		}
		if (parse_string(ps, &key, &key_len))
			goto err;
		/* quadratic, but policy objects are small */
		for (m = v->child; m; m = m->next) {
			if (!strcmp(m->key, key)) {
				fail(ps, key_pos, "duplicate key \"%s\"",
				     quote(key, q, sizeof(q)));
				free(key);
				goto err;
			}
		}
		skip_ws(ps);
		if (ps->p == ps->end || *ps->p != ':') {
			free(key);
			fail_expected(ps, "':'");
			goto err;
		}
		ps->p++;
		skip_ws(ps);
		*tail = parse_value(ps, depth);
		if (!*tail) {
			free(key);
			goto err;
		}
		(*tail)->key = key;
		(*tail)->key_line = key_pos.line;
		(*tail)->key_col = key_pos.col;
		tail = &(*tail)->next;
		v->len++;
		more = next_or_close(ps, '}');
		if (more < 0)
			goto err;
	} while (more);
	return v;
err:
	json_free(v);
	return NULL;
}

/*
 * The value at ps->p (after whitespace), inside @depth containers.
 * Return it, or NULL on an error.
 */
static struct json *parse_value(struct parser *ps, int depth)
{
	struct json *v;
	char c;

	if (ps->p == ps->end) {
		fail(ps, pos_at(ps, ps->p), "unexpected end of input");
		return NULL;
	}
	c = *ps->p;
	if (c == '[' || c == '{') {
		if (depth >= JSON_MAX_DEPTH) {
			fail(ps, pos_at(ps, ps->p), "nesting deeper than %d",
			     JSON_MAX_DEPTH);
			return NULL;
		}
		return c == '[' ? parse_array(ps, depth + 1) :
				  parse_object(ps, depth + 1);
	}
	if (c == '"') {
		v = new_node(ps, JSON_STRING);
		if (v && parse_string(ps, &v->s, &v->len))
			goto err;
		return v;
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		v = new_node(ps, JSON_NUMBER);
		if (v && parse_number(ps, v))
			goto err;
		return v;
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		v = new_node(ps, JSON_NULL);
		if (v && parse_word(ps, v))
			goto err;
		return v;
	}
	fail_char(ps);
	return NULL;
err:
	free(v);
	return NULL;
}

struct json *json_parse(const char *text, size_t len, char *err,
			size_t errlen)
{
	struct parser ps = {
		.p = text ? text : "",
		.end = text ? text + len : "",
		.bol = text ? text : "",
		.line = 1,
		.err = err,
		.errlen = err ? errlen : 0,
	};
	struct json *v;

	if (ps.errlen)
		err[0] = '\0';
	skip_ws(&ps);
	if (ps.p == ps.end) {
		fail(&ps, pos_at(&ps, ps.p), "empty input");
		return NULL;
	}
	v = parse_value(&ps, 0);
	if (!v)
		return NULL;
	skip_ws(&ps);
	if (ps.p < ps.end) {
		if (*ps.p)
			fail(&ps, pos_at(&ps, ps.p),
			     "unexpected text after the value");
		else
			fail(&ps, pos_at(&ps, ps.p), "NUL byte in input");
		json_free(v);
		return NULL;
	}
	return v;
}

void json_free(struct json *v)
{
	struct json *c, *next;

	if (!v)
		return;
	for (c = v->child; c; c = next) {
		next = c->next;
		json_free(c);
	}
	free(v->key);
	free(v->s);
	free(v);
}

struct json *json_get(const struct json *obj, const char *key)
{
	struct json *m;

	if (!obj || obj->type != JSON_OBJECT || !key)
		return NULL;
	for (m = obj->child; m; m = m->next)
		if (m->key && !strcmp(m->key, key))
			return m;
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL:
		return "null";
	case JSON_BOOL:
		return "boolean";
	case JSON_NUMBER:
		return "number";
	case JSON_STRING:
		return "string";
	case JSON_ARRAY:
		return "array";
	case JSON_OBJECT:
		return "object";
	}
	return "unknown";
}
