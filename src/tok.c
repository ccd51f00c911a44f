/* tok: value-to-name tables (see include/smbneg/tok.h). */
#include "smbneg/tok.h"

#include <stdio.h>
#include <string.h>

const char *tok_name(const struct tok *t, uint32_t v)
{
	for (; t->s; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

const char *tok_str(const struct tok *t, uint32_t v, const char *unknown)
{
	const char *s = tok_name(t, v);
	return s ? s : unknown;
}

uint32_t tok_each_bit(const struct tok *t, uint32_t v, void (*fn)(const char *, void *), void *arg)
{
	uint32_t rest = v;
	for (; t->s; t++) {
		if (t->v && (v & t->v) == t->v) {
			fn(t->s, arg);
			rest &= ~t->v;
		}
	}
	return rest;
}

struct bits_buf {
	char *buf;
	size_t size, used;
};

static void bits_append(const char *s, void *arg)
{
	struct bits_buf *b = arg;
	int n = snprintf(b->buf + b->used, b->size - b->used, "%s%s", b->used ? "|" : "", s);
	if (n > 0)
		b->used += (size_t)n < b->size - b->used ? (size_t)n : b->size - b->used - 1;
}

const char *tok_bits(const struct tok *t, uint32_t v, char *buf, size_t size)
{
	struct bits_buf b = {buf, size, 0};
	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (v == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	uint32_t rest = tok_each_bit(t, v, bits_append, &b);
	if (rest) {
		char hex[16];
		snprintf(hex, sizeof hex, "0x%x", (unsigned)rest);
		bits_append(hex, &b);
	}
	return buf;
}
