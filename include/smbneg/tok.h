/* tok: value-to-name and flag-to-name tables (tcpdump's struct tok).
 * One table per field drives both the text and the JSON output. */
#ifndef SMBNEG_TOK_H
#define SMBNEG_TOK_H

#include <stddef.h>
#include <stdint.h>

struct tok {
	uint32_t v;
	const char *s; /* NULL ends the table */
};

/* Name of v, or NULL when the table has none. */
const char *tok_name(const struct tok *t, uint32_t v);
/* Name of v, or `unknown` when the table has none. */
const char *tok_str(const struct tok *t, uint32_t v, const char *unknown);
/* Calls fn(name, arg) for each flag of t set in v; returns the bits of v no
 * table entry names. */
uint32_t tok_each_bit(const struct tok *t, uint32_t v, void (*fn)(const char *, void *), void *arg);
/* "NAME1|NAME2|0x40" into buf (always NUL-terminated; "-" when v is 0). */
const char *tok_bits(const struct tok *t, uint32_t v, char *buf, size_t size);

#endif
