/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a small, strict JSON parser (RFC 8259) for vswctl's policy
 * files: every value records where it starts, for the messages of the
 * checks made after parsing
 *
 * Lines and columns are 1-based; a column counts bytes (a tab is one).
 */
#ifndef VSWCTL_JSON_H
#define VSWCTL_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* Arrays and objects nest at most this deep: "[[1]]" is 2 deep. */
#define JSON_MAX_DEPTH	64

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	int line, col;		/* where the value starts, 1-based */
	char *key;		/* member name in an object, else NULL */
	int key_line, key_col;	/* where the member name starts */
	bool b;			/* JSON_BOOL */
	bool is_int;		/* JSON_NUMBER: an integer (no fraction, no
				 * exponent) in int64 range
				 */
	long long i;		/* JSON_NUMBER with is_int */
	double d;		/* JSON_NUMBER (always set) */
	char *s;		/* JSON_STRING: NUL-terminated UTF-8 */
	size_t len;		/* JSON_STRING: bytes; ARRAY/OBJECT: number
				 * of children
				 */
	struct json *child;	/* ARRAY/OBJECT: first element/member, in
				 * file order
				 */
	struct json *next;	/* next sibling */
};

/*
 * Parse @len bytes of @text (one JSON value, whitespace around it; @text
 * need not be NUL-terminated). Return the tree, or NULL with
 * "line L, column C: message" in @err (at most @errlen bytes,
 * NUL-terminated; nothing if @errlen is 0), or "out of memory".
 */
struct json *json_parse(const char *text, size_t len, char *err,
			size_t errlen);

/* Free @v and everything in it (not its siblings); NULL is a no-op. */
void json_free(struct json *v);

/* The member @key of object @obj, or NULL (NULL or non-object @obj: NULL). */
struct json *json_get(const struct json *obj, const char *key);

/*
 * "object", "array", "string", "number", "true/false" -> "boolean",
 * "null": for messages.
 */
const char *json_type_name(enum json_type t);

#endif /* VSWCTL_JSON_H */
