/* testutil2: helpers for the smb1/smb2/conv/verdict/out/explain unit tests.
 *
 * - tb_*: a little-endian byte builder, so that each field of a hand-built
 *   message is one commented line.
 * - heap_copy(): exact-size heap copies, so that ASan sees any over-read.
 * - KNOWN_BUG(): marks a test that shows a bug in the code under test as
 *   skipped (with the reason printed), leaving its assertions in place. */
#ifndef SMBNEG_TESTUTIL2_H
#define SMBNEG_TESTUTIL2_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Stop a test that documents a bug in the code under test, leaving its
 * assertions in place for when the bug is fixed.
 *
 * Outside TAP output the test is skipped with cmocka's skip(). Under TAP
 * (CMOCKA_MESSAGE_OUTPUT=TAP, as test/meson.build runs them) cmocka 1.1.5
 * prints a skipped test as "not ok N # SKIP", which meson's TAP parser counts
 * as a failure; there the reason is printed as a TAP comment and the test
 * returns early instead.
 *
 * Build with -DTESTUTIL2_RUN_KNOWN_BUGS to run (and see fail) such tests. */
static inline int testutil2_tap_output(void)
{
	const char *e = getenv("CMOCKA_MESSAGE_OUTPUT");
	return e && (strcmp(e, "TAP") == 0 || strcmp(e, "tap") == 0);
}

#ifdef TESTUTIL2_RUN_KNOWN_BUGS
#define KNOWN_BUG(msg) print_message("# KNOWN BUG (running): %s\n", (msg))
#else
#define KNOWN_BUG(msg)                                                                             \
	do {                                                                                       \
		if (testutil2_tap_output()) {                                                      \
			print_message("# SKIP known bug: %s\n", (msg));                             \
			return;                                                                    \
		}                                                                                  \
		print_message("# KNOWN BUG (skipped): %s\n", (msg));                               \
		skip();                                                                            \
	} while (0)
#endif

/* A string literal as (bytes, length), without the literal's final NUL. */
#define LIT(s) (const uint8_t *)(s), (sizeof(s) - 1)

/* An exact-size heap copy of n bytes (never NULL; n == 0 gives a 1-byte
 * allocation that the callers treat as empty). */
static inline uint8_t *heap_copy(const void *p, size_t n)
{
	uint8_t *q = malloc(n ? n : 1);
	assert_non_null(q);
	if (n)
		memcpy(q, p, n);
	return q;
}

struct tbuf {
	uint8_t *p;
	size_t n, cap;
};

static inline void tb_init(struct tbuf *b)
{
	b->p = NULL;
	b->n = b->cap = 0;
}

static inline void tb_free(struct tbuf *b)
{
	free(b->p);
	tb_init(b);
}

static inline void tb_reserve(struct tbuf *b, size_t more)
{
	if (more <= b->cap - b->n)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap - b->n < more)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	assert_non_null(p);
	b->p = p;
	b->cap = cap;
}

static inline void tb_bytes(struct tbuf *b, const void *p, size_t n)
{
	tb_reserve(b, n);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

static inline void tb_fill(struct tbuf *b, uint8_t v, size_t n)
{
	tb_reserve(b, n);
	memset(b->p + b->n, v, n);
	b->n += n;
}

static inline void tb_u8(struct tbuf *b, uint8_t v)
{
	tb_bytes(b, &v, 1);
}

static inline void tb_le16(struct tbuf *b, uint16_t v)
{
	uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
	tb_bytes(b, x, 2);
}

static inline void tb_le32(struct tbuf *b, uint32_t v)
{
	uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
	tb_bytes(b, x, 4);
}

static inline void tb_le64(struct tbuf *b, uint64_t v)
{
	tb_le32(b, (uint32_t)v);
	tb_le32(b, (uint32_t)(v >> 32));
}

static inline void tb_be24(struct tbuf *b, uint32_t v)
{
	uint8_t x[3] = {(uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
	tb_bytes(b, x, 3);
}

/* Zero bytes up to the next multiple of 8 from the start of the buffer. */
static inline void tb_pad8(struct tbuf *b)
{
	while (b->n % 8)
		tb_u8(b, 0);
}

/* ASCII text as UTF-16LE, no terminator. */
static inline void tb_utf16(struct tbuf *b, const char *ascii)
{
	for (; *ascii; ascii++)
		tb_le16(b, (uint16_t)(unsigned char)*ascii);
}

static inline void tb_set_le16(struct tbuf *b, size_t off, uint16_t v)
{
	assert_true(off + 2 <= b->n);
	b->p[off] = (uint8_t)v;
	b->p[off + 1] = (uint8_t)(v >> 8);
}

static inline void tb_set_le32(struct tbuf *b, size_t off, uint32_t v)
{
	assert_true(off + 4 <= b->n);
	for (int i = 0; i < 4; i++)
		b->p[off + (size_t)i] = (uint8_t)(v >> (8 * i));
}

/* SMB2 header, MS-SMB2 2.2.1 (64 bytes). Sync form unless flags has
 * SMB2_FLAGS_ASYNC_COMMAND (0x2), then `tree_or_async` is the AsyncId.
 * A signed message (flags & 0x8) gets a non-zero signature. */
static inline void tb_smb2_header(struct tbuf *b, uint16_t command, uint32_t status, uint32_t flags,
				  uint32_t next_command, uint64_t message_id, uint64_t tree_or_async,
				  uint64_t session_id)
{
	tb_bytes(b, "\xfeSMB", 4);       /* ProtocolId */
	tb_le16(b, 64);                  /* StructureSize */
	tb_le16(b, 1);                   /* CreditCharge */
	tb_le32(b, status);              /* Status */
	tb_le16(b, command);             /* Command */
	tb_le16(b, 1);                   /* CreditRequest/CreditResponse */
	tb_le32(b, flags);               /* Flags */
	tb_le32(b, next_command);        /* NextCommand */
	tb_le64(b, message_id);          /* MessageId */
	if (flags & 0x2) {
		tb_le64(b, tree_or_async); /* AsyncId */
	} else {
		tb_le32(b, 0);                       /* Reserved (ProcessId) */
		tb_le32(b, (uint32_t)tree_or_async); /* TreeId */
	}
	tb_le64(b, session_id);          /* SessionId */
	tb_fill(b, (flags & 0x8) ? 0xA5 : 0x00, 16); /* Signature */
}

#endif
