/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Big-endian readers and writers with bounds. A reader that runs past its
 * end latches an error: every later read returns zeros and fails, so a
 * handler can read a whole structure and check once (vtpm_rd_ok()).
 * A writer that runs out of room latches an error too; the dispatcher
 * then answers TPM_RC_SIZE instead of a truncated response.
 */
#ifndef VTPM_ENGINE_MARSHAL_H
#define VTPM_ENGINE_MARSHAL_H

#include "port.h"
#include "tpm2.h"

/**
 * struct vtpm_rd - a bounded reader
 * @p: next byte
 * @left: bytes left
 * @err: a read ran past the end
 */
struct vtpm_rd {
	const u8 *p;
	u32 left;
	bool err;
};

/**
 * struct vtpm_wr - a bounded writer
 * @buf: start of the buffer
 * @len: bytes written
 * @size: size of @buf
 * @err: a write did not fit
 */
struct vtpm_wr {
	u8 *buf;
	u32 len;
	u32 size;
	bool err;
};

static inline void vtpm_rd_init(struct vtpm_rd *r, const u8 *p, u32 len)
{
	r->p = p;
	r->left = len;
	r->err = false;
}

static inline bool vtpm_rd_ok(const struct vtpm_rd *r)
{
	return !r->err;
}

/* returns a pointer to @n bytes and consumes them, or NULL */
static inline const u8 *vtpm_rd_take(struct vtpm_rd *r, u32 n)
{
	const u8 *p;

	if (r->err || n > r->left) {
		r->err = true;
		return NULL;
	}
	p = r->p;
	r->p += n;
	r->left -= n;
	return p;
}

static inline u8 vtpm_rd_u8(struct vtpm_rd *r)
{
	const u8 *p = vtpm_rd_take(r, 1);

	return p ? p[0] : 0;
}

static inline u16 vtpm_rd_u16(struct vtpm_rd *r)
{
	const u8 *p = vtpm_rd_take(r, 2);

	return p ? (u16)(p[0] << 8 | p[1]) : 0;
}

static inline u32 vtpm_rd_u32(struct vtpm_rd *r)
{
	const u8 *p = vtpm_rd_take(r, 4);

	return p ? (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]
		 : 0;
}

static inline u64 vtpm_rd_u64(struct vtpm_rd *r)
{
	u64 hi = vtpm_rd_u32(r);

	return hi << 32 | vtpm_rd_u32(r);
}

/*
 * A TPM2B: a u16 size and that many bytes, at most @max. Returns the
 * size and points *@data at the bytes; a size over @max latches the
 * error (the caller answers TPM_RC_SIZE for it).
 */
static inline u16 vtpm_rd_tpm2b(struct vtpm_rd *r, const u8 **data, u16 max)
{
	u16 size = vtpm_rd_u16(r);

	*data = NULL;
	if (r->err)
		return 0;
	if (size > max) {
		r->err = true;
		return 0;
	}
	*data = vtpm_rd_take(r, size);
	return r->err ? 0 : size;
}

static inline void vtpm_wr_init(struct vtpm_wr *w, u8 *buf, u32 size)
{
	w->buf = buf;
	w->len = 0;
	w->size = size;
	w->err = false;
}

/* reserves @n bytes and returns them, or NULL */
static inline u8 *vtpm_wr_room(struct vtpm_wr *w, u32 n)
{
	u8 *p;

	if (w->err || n > w->size - w->len) {
		w->err = true;
		return NULL;
	}
	p = w->buf + w->len;
	w->len += n;
	return p;
}

static inline void vtpm_put_u16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void vtpm_put_u32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static inline u16 vtpm_get_u16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 vtpm_get_u32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void vtpm_wr_u8(struct vtpm_wr *w, u8 v)
{
	u8 *p = vtpm_wr_room(w, 1);

	if (p)
		p[0] = v;
}

static inline void vtpm_wr_u16(struct vtpm_wr *w, u16 v)
{
	u8 *p = vtpm_wr_room(w, 2);

	if (p)
		vtpm_put_u16(p, v);
}

static inline void vtpm_wr_u32(struct vtpm_wr *w, u32 v)
{
	u8 *p = vtpm_wr_room(w, 4);

	if (p)
		vtpm_put_u32(p, v);
}

static inline void vtpm_wr_u64(struct vtpm_wr *w, u64 v)
{
	vtpm_wr_u32(w, v >> 32);
	vtpm_wr_u32(w, (u32)v);
}

static inline void vtpm_wr_bytes(struct vtpm_wr *w, const void *data, u32 n)
{
	u8 *p = vtpm_wr_room(w, n);

	if (p && n)
		memcpy(p, data, n);
}

/* a TPM2B: u16 size, then the bytes */
static inline void vtpm_wr_tpm2b(struct vtpm_wr *w, const void *data, u16 n)
{
	vtpm_wr_u16(w, n);
	vtpm_wr_bytes(w, data, n);
}

/* Format-1 response codes with the position of what was wrong (1-based). */
static inline u32 vtpm_rc_handle(u32 rc, unsigned int n)
{
	return rc | VTPM_RC_H | (n & 7) << VTPM_RC_N_SHIFT;
}

static inline u32 vtpm_rc_param(u32 rc, unsigned int n)
{
	return rc | VTPM_RC_P | (n & 15) << VTPM_RC_N_SHIFT;
}

static inline u32 vtpm_rc_session(u32 rc, unsigned int n)
{
	return rc | VTPM_RC_S | (n & 7) << VTPM_RC_N_SHIFT;
}

#endif /* VTPM_ENGINE_MARSHAL_H */
