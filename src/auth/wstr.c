/* wstr: wire strings to bounded UTF-8 (see include/smbneg/wstr.h). */
#include "smbneg/wstr.h"

/* UTF-8 bytes needed for the UTF-16LE text in s (up to a NUL character). */
static size_t utf16_need(struct rd s)
{
	size_t need = 0;
	while (rd_left(&s) >= 2) {
		unsigned cu = rd_le16(&s);
		if (cu == 0)
			break;
		if (cu >= 0xD800 && cu < 0xDC00 && rd_left(&s) >= 2) {
			const uint8_t *q = rd_peek(&s, 2);
			unsigned lo = (unsigned)(q[0] | q[1] << 8);
			if (lo >= 0xDC00 && lo < 0xE000) {
				rd_skip(&s, 2);
				need += 4;
				continue;
			}
		}
		need += cu < 0x80 ? 1 : cu < 0x800 ? 2 : 3;
	}
	return need;
}

bool wstr_utf16(struct rd *r, size_t n, char *dst, size_t size, bool *cut)
{
	if (size == 0)
		return false;
	dst[0] = '\0';
	if (!rd_has(r, n)) {
		rd_skip(r, n); /* sets the error flag */
		return false;
	}
	struct rd s = rd_sub(r, n);
	if (utf16_need(s) >= size)
		*cut = true;
	return rd_utf16le(&s, n, dst, size);
}

bool wstr_oem(struct rd *r, size_t n, char *dst, size_t size, bool *cut)
{
	if (size == 0)
		return false;
	dst[0] = '\0';
	struct rd s = rd_sub(r, n);
	if (!rd_ok(&s))
		return false;
	size_t at = 0;
	while (rd_left(&s) > 0) {
		uint8_t c = rd_u8(&s);
		if (c == 0)
			break;
		size_t w = c < 0x80 ? 1 : 3;
		if (w >= size - at) {
			*cut = true;
			break;
		}
		if (c < 0x80) {
			dst[at++] = (char)c;
		} else { /* code page unknown: U+FFFD, as Wireshark shows it */
			dst[at++] = (char)0xEF;
			dst[at++] = (char)0xBF;
			dst[at++] = (char)0xBD;
		}
	}
	dst[at] = '\0';
	return true;
}

void wstr_read_z(struct rd *r, bool wide, char *dst, size_t size, bool *cut)
{
	bool term;
	size_t n = rd_strlen(r, wide, &term);
	if (wide)
		wstr_utf16(r, n, dst, size, cut);
	else
		wstr_oem(r, n, dst, size, cut);
	if (term)
		rd_skip(r, wide ? 2 : 1);
	else if (wide && rd_left(r) == 1)
		rd_skip(r, 1); /* an odd last byte: nothing left to read */
}
