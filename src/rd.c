/* rd: bounds-checked reader (see include/smbneg/rd.h). */
#include "smbneg/rd.h"

#include "smbneg/utf8.h"

#include <string.h>

struct rd rd_init(const uint8_t *p, size_t len)
{
	static const uint8_t empty[1];
	struct rd r = {p ? p : empty, p ? len : 0, 0, false};
	return r;
}

bool rd_bytes(struct rd *r, void *dst, size_t n)
{
	const uint8_t *q = rd_take(r, n);
	if (!q) {
		memset(dst, 0, n);
		return false;
	}
	memcpy(dst, q, n);
	return true;
}

struct rd rd_sub(struct rd *r, size_t n)
{
	const uint8_t *q = rd_take(r, n);
	struct rd c = rd_init(q, q ? n : 0);
	c.err = q == NULL;
	return c;
}

struct rd rd_at(const struct rd *r, size_t off, size_t n)
{
	struct rd c = rd_init(NULL, 0);
	if (off > r->len || n > r->len - off) {
		c.err = true;
		return c;
	}
	return rd_init(r->p + off, n);
}

const uint8_t *rd_peek(const struct rd *r, size_t n)
{
	if (r->err || n > r->len - r->pos)
		return NULL;
	return r->p + r->pos;
}

bool rd_utf16le(struct rd *r, size_t n, char *dst, size_t size)
{
	struct rd s = rd_sub(r, n);
	size_t at = 0;
	bool done = false;
	if (size == 0)
		return false;
	while (!done && rd_left(&s) >= 2) {
		uint32_t cp = rd_le16(&s);
		if (cp == 0)
			break;
		if (cp >= 0xD800 && cp < 0xDC00 && rd_left(&s) >= 2) {
			const uint8_t *q = rd_peek(&s, 2);
			uint32_t lo = (uint32_t)(q[0] | q[1] << 8);
			if (lo >= 0xDC00 && lo < 0xE000) {
				rd_skip(&s, 2);
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else {
				cp = 0xFFFD;
			}
		} else if (cp >= 0xD800 && cp < 0xE000) {
			cp = 0xFFFD;
		}
		size_t w = utf8_put(dst + at, size - at - 1, cp); /* room for the NUL */
		if (w == 0)
			done = true;
		at += w;
	}
	dst[at] = '\0';
	return rd_ok(r);
}

size_t rd_strlen(const struct rd *r, bool wide, bool *terminated)
{
	size_t left = r->err ? 0 : rd_left(r);
	const uint8_t *q = r->p + r->pos;
	*terminated = false;
	if (!wide) {
		const uint8_t *z = memchr(q, 0, left);
		if (z) {
			*terminated = true;
			return (size_t)(z - q);
		}
		return left;
	}
	for (size_t i = 0; i + 1 < left; i += 2) {
		if (q[i] == 0 && q[i + 1] == 0) {
			*terminated = true;
			return i;
		}
	}
	return left & ~(size_t)1;
}
