/* rd: the one bounds-checked reader over untrusted bytes.
 *
 * Every parser reads packet memory only through these functions. A read past
 * the end returns 0 (or copies nothing), leaves the position unchanged and sets
 * the sticky `err` flag; callers check `rd_ok()` once per record. */
#ifndef SMBNEG_RD_H
#define SMBNEG_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rd {
	const uint8_t *p; /* first byte */
	size_t len;       /* bytes available */
	size_t pos;       /* next byte to read */
	bool err;         /* sticky: a read ran past the end */
};

struct rd rd_init(const uint8_t *p, size_t len);
static inline bool rd_ok(const struct rd *r) { return !r->err; }
static inline size_t rd_left(const struct rd *r) { return r->len - r->pos; }
static inline bool rd_has(const struct rd *r, size_t n) { return !r->err && n <= r->len - r->pos; }
static inline const uint8_t *rd_cur(const struct rd *r) { return r->p + r->pos; }

/* Reserve n bytes: NULL (and the sticky error) when they are not all there.
 * The fixed-width readers below are inline: they are the per-byte hot path. */
static inline const uint8_t *rd_take(struct rd *r, size_t n)
{
	if (r->err || n > r->len - r->pos) {
		r->err = true;
		return NULL;
	}
	const uint8_t *q = r->p + r->pos;
	r->pos += n;
	return q;
}

static inline uint8_t rd_u8(struct rd *r)
{
	const uint8_t *q = rd_take(r, 1);
	return q ? q[0] : 0;
}

static inline uint16_t rd_le16(struct rd *r)
{
	const uint8_t *q = rd_take(r, 2);
	return q ? (uint16_t)(q[0] | q[1] << 8) : 0;
}

static inline uint32_t rd_le32(struct rd *r)
{
	const uint8_t *q = rd_take(r, 4);
	return q ? (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 |
			   (uint32_t)q[3] << 24
		 : 0;
}

static inline uint64_t rd_le64(struct rd *r)
{
	const uint8_t *q = rd_take(r, 8);
	if (!q)
		return 0;
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | q[i];
	return v;
}

static inline uint16_t rd_be16(struct rd *r)
{
	const uint8_t *q = rd_take(r, 2);
	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

static inline uint32_t rd_be32(struct rd *r)
{
	const uint8_t *q = rd_take(r, 4);
	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 |
			   (uint32_t)q[3]
		 : 0;
}

/* Advance n bytes. */
static inline bool rd_skip(struct rd *r, size_t n)
{
	return rd_take(r, n) != NULL;
}

/* Move to absolute position pos (0 .. len) of r's buffer; err when beyond. */
static inline bool rd_seek(struct rd *r, size_t pos)
{
	if (r->err || pos > r->len) {
		r->err = true;
		return false;
	}
	r->pos = pos;
	return true;
}

/* Advance to the next multiple of a (a power of two) counted from the start
 * of r's buffer, as SMB2 pads to 8 bytes (MS-SMB2 2.2.3.1, 3.2.4.1.4). */
static inline bool rd_align(struct rd *r, size_t a)
{
	size_t pad = (a - (r->pos & (a - 1))) & (a - 1);
	return rd_skip(r, pad);
}

/* Copy n bytes to dst (zero-filled on failure). */
bool rd_bytes(struct rd *r, void *dst, size_t n);
/* Child reader over the next n bytes; the parent advances past them. On a short
 * parent the child is empty with `err` set, and the parent's `err` is set too. */
struct rd rd_sub(struct rd *r, size_t n);
/* Child reader over [off, off+n) of r's whole buffer (not relative to pos), as
 * SMB2 offsets are counted from the start of the SMB2 header (MS-SMB2 2.2).
 * Sets err on the child only when the range does not fit. */
struct rd rd_at(const struct rd *r, size_t off, size_t n);
/* Peek n bytes at pos without advancing; NULL when fewer are left. */
const uint8_t *rd_peek(const struct rd *r, size_t n);
/* Read n bytes of UTF-16LE and write them to dst as UTF-8 (NUL-terminated,
 * cut at the first NUL character or when dst is full; unpaired surrogates
 * become U+FFFD). Returns false when fewer than n bytes are left. */
bool rd_utf16le(struct rd *r, size_t n, char *dst, size_t size);
/* Length in bytes up to (not including) the first 0x00 (or 0x0000 at an even
 * offset when wide), bounded by what is left; *terminated says if it was found. */
size_t rd_strlen(const struct rd *r, bool wide, bool *terminated);

#endif
