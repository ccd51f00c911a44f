/* utf8: RFC 3629 validation, sanitising and encoding (include/smbneg/utf8.h). */
#include "smbneg/utf8.h"

#include <string.h>

size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp)
{
	if (avail == 0)
		return 0;
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;
	if (c < 0x80) {
		n = 1, v = c, min = 0;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2, v = c & 0x1Fu, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0Fu, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, v = c & 0x07u, min = 0x10000;
	} else {
		return 0; /* continuation byte, 0xC0/0xC1 or 0xF5..0xFF */
	}
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3Fu);
	}
	/* RFC 3629 3: no overlong forms, no surrogates, nothing past U+10FFFF */
	if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
		return 0;
	if (cp)
		*cp = v;
	return n;
}

size_t utf8_put(char *dst, size_t avail, uint32_t cp)
{
	unsigned char b[4];
	size_t n;
	if (cp < 0x80) {
		b[0] = (unsigned char)cp, n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | cp >> 6), n = 2;
	} else if (cp < 0x10000) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			return 0;
		b[0] = (unsigned char)(0xE0 | cp >> 12), n = 3;
	} else if (cp < 0x110000) {
		b[0] = (unsigned char)(0xF0 | cp >> 18), n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++)
		b[i] = (unsigned char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3F));
	if (n > avail)
		return 0;
	memcpy(dst, b, n);
	return n;
}

int utf8_sanitise(char *dst, size_t size, const char *src)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t len = strlen(src), pos = 0, out = 0;
	if (size == 0)
		return -1;
	while (pos < len) {
		size_t n = utf8_seq(s + pos, len - pos, NULL);
		const char *piece = n ? src + pos : "\xEF\xBF\xBD"; /* U+FFFD */
		size_t plen = n ? n : 3;
		if (plen > size - 1 - out) {
			dst[out] = '\0';
			return -1;
		}
		memcpy(dst + out, piece, plen);
		out += plen;
		pos += n ? n : 1;
	}
	dst[out] = '\0';
	return 0;
}

void utf8_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), pos = 0;
	fputc('"', f);
	while (pos < len) {
		unsigned char c = s[pos];
		size_t n = utf8_seq(s + pos, len - pos, NULL);
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
		} else if (n == 0) {
			fputs("\xEF\xBF\xBD", f);
		} else {
			fwrite(s + pos, 1, n, f);
		}
		pos += n ? n : 1;
	}
	fputc('"', f);
}
