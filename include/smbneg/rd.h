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

uint8_t rd_u8(struct rd *r);
uint16_t rd_le16(struct rd *r);
uint32_t rd_le32(struct rd *r);
uint64_t rd_le64(struct rd *r);
uint16_t rd_be16(struct rd *r);
uint32_t rd_be32(struct rd *r);
/* Copy n bytes to dst (zero-filled on failure). */
bool rd_bytes(struct rd *r, void *dst, size_t n);
/* Advance n bytes. */
bool rd_skip(struct rd *r, size_t n);
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
