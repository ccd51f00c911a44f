/* utf8: UTF-8 sequences (RFC 3629): validation for the writers that must emit
 * valid text (fmt escaping, baseline JSON lines, JUnit XML) and encoding for
 * rd's UTF-16 reader. */
#ifndef SMBNEG_UTF8_H
#define SMBNEG_UTF8_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Length (1..4) of the valid UTF-8 sequence at s, of which avail bytes may be
 * read, or 0: truncated, overlong, a surrogate, or above U+10FFFF (RFC 3629 3/4).
 * When cp is not NULL it receives the code point. */
size_t utf8_seq(const unsigned char *s, size_t avail, uint32_t *cp);

/* Copy NUL-terminated src into dst (size bytes, always NUL-terminated), every
 * byte that does not start a valid sequence replaced by U+FFFD. Never cuts a
 * sequence. Returns 0, or -1 when src did not fit (dst holds a prefix). */
int utf8_sanitise(char *dst, size_t size, const char *src);

/* Append code point cp (< 0x110000, not a surrogate) as UTF-8 at dst, which has
 * room for avail bytes. Returns the bytes written, 0 when it does not fit. */
size_t utf8_put(char *dst, size_t avail, uint32_t cp);

/* s as a JSON string (RFC 8259 7): quotes, '\\' and control characters
 * escaped; bytes that are not valid UTF-8 written as U+FFFD. */
void utf8_json_string(FILE *f, const char *s);

#endif
