/* fmt: the one formatting module the renderers share: endpoints,
 * addresses, GUIDs, times, the dialect, string escaping for text, JSON and
 * CSV, and the table of negotiate contexts and their algorithm names.
 * Renderers call fmt; fmt calls no renderer. */
#ifndef SMBNEG_FMT_H
#define SMBNEG_FMT_H

#include "smbneg/conv.h"
#include "smbneg/facts.h"
#include "smbneg/tok.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

/* Each FILE is written by one thread (under -j the output by the replay):
 * stdio's lock per call is not needed. */
#if defined(__GLIBC__)
#define FMT_FWRITE fwrite_unlocked
#else
#define FMT_FWRITE fwrite
#endif

/* An output buffer over caller storage: filled by fmt_put, written to f in
 * one call when full or at fmt_buf_flush (a call into stdio per key or
 * character costs more than the formatting). */
struct fmt_buf {
	FILE *f;
	size_t n, size;
	char *b;
};

void fmt_buf_start(struct fmt_buf *b, FILE *f, char *store, size_t size);
/* fmt_put's slow path: flush, then keep p (or write it when larger than the buffer). */
void fmt_buf_spill(struct fmt_buf *b, const void *p, size_t n);
void fmt_buf_flush(struct fmt_buf *b);

static inline void fmt_put(struct fmt_buf *b, const void *p, size_t n)
{
	if (n > b->size - b->n) {
		fmt_buf_spill(b, p, n);
		return;
	}
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

const char *fmt_endpoint(const struct endpoint *e, char *buf, size_t size);
/* v in decimal. */
const char *fmt_u64(uint64_t v, char *buf, size_t size);
/* v in lowercase hex, at least width digits (printf's %0*x). */
const char *fmt_hex_min(uint64_t v, int width, char *buf, size_t size);
/* An NT status as "0x" and 8 uppercase hex digits (printf's 0x%08X). */
const char *fmt_status_hex(uint32_t st, char *buf, size_t size);
/* n bytes as lowercase hex digits (cut to fit size). */
const char *fmt_hex(const uint8_t *p, size_t n, char *buf, size_t size);
const char *fmt_address(uint8_t family, const uint8_t *addr, char *buf, size_t size);
/* The dialect the conversation agreed on; NULL (buf "") when none. */
const char *fmt_dialect(const struct facts *f, char *buf, size_t size);
/* Who logged on (text WHO, CSV who): the first successful session (else
 * the last exchange) as DOMAIN\\user, "anonymous", "guest", the Kerberos
 * realm, or "-"; " +N" when there were N more sessions. Raw wire text:
 * escape it for the format. */
const char *fmt_who(const struct facts *f, char *buf, size_t size);
/* MS-DTYP 2.3.4.2 GUID text form. */
const char *fmt_guid(const uint8_t g[16], char *buf, size_t size);
/* ISO 8601 UTC with microseconds. */
const char *fmt_time(const struct timeval *tv, char *buf, size_t size);
/* FILETIME (100 ns since 1601) as ISO 8601 UTC; "" when zero. */
const char *fmt_filetime(uint64_t ft, char *buf, size_t size);
/* A JSON string (RFC 8259), quoted, into b; bytes that are not UTF-8 as \u00XX. */
void fmt_json_quote(struct fmt_buf *b, const char *s);
/* A CSV field, quoted (RFC 4180). */
void fmt_csv_string(FILE *f, const char *s);
/* Printable text: valid UTF-8 kept, other bytes as \xNN. */
void fmt_text_string(FILE *f, const char *s);
/* The same for a WHO value (fmt_who, host logons): '\\' kept. */
void fmt_text_who(FILE *f, const char *s);

/* A negotiate context type with a list of algorithm ids (MS-SMB2 2.2.3.1). */
struct fmt_context {
	uint16_t type;
	const char *ids_key;     /* JSON key of the id list */
	const struct tok *names; /* names of the ids, or NULL */
};

/* The context type's row; NULL for types without an id list. */
const struct fmt_context *fmt_context(uint16_t type);
/* The name of id in names, else "0x%04x" in buf. */
const char *fmt_id_name(const struct tok *names, uint16_t id, char *buf, size_t size);

#endif
