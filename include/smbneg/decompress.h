/* decompress: capture files read through gzip (RFC 1952, zlib) or zstd (RFC 8878,
 * libzstd) transparently, detected by their magic bytes, never by name. Files and
 * pipes alike; streaming through fixed buffers, no temporary file.
 *
 * decompress_open() peeks at the first bytes and gives a stream that yields the
 * content: the file itself when it is plain and seekable, otherwise a glibc
 * fopencookie() stream over inflate() or ZSTD_decompressStream(). Corrupt or
 * truncated compressed data makes the stream's read fail (ferror, errno EIO) and
 * decompress_failed() says why and at which compressed byte offset. */
#ifndef SMBNEG_DECOMPRESS_H
#define SMBNEG_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DECOMPRESS_HEAD 512	     /* content bytes kept for recognising formats */
#define DECOMPRESS_INBUF (64 * 1024) /* compressed bytes read at a time */

enum decompress_kind {
	DECOMPRESS_NONE, /* plain */
	DECOMPRESS_GZIP, /* 1f 8b */
	DECOMPRESS_ZSTD, /* 28 b5 2f fd */
};

struct decompress;

/* Take fp (closed with the stream) and look at its first bytes. Returns NULL,
 * with fp closed and a message in err, only when memory runs out or fp cannot
 * be read at all. */
struct decompress *decompress_open(FILE *fp, char *err, size_t errsize);
/* The stream of content bytes. The caller closes it (fclose, or pcap_close
 * when libpcap reads it), then calls decompress_free. */
FILE *decompress_stream(const struct decompress *dc);
enum decompress_kind decompress_kind(const struct decompress *dc);
/* The kind the first n bytes of a file show (its magic number). */
enum decompress_kind decompress_sniff(const uint8_t *p, size_t n);
/* "gzip", "zstd" or "plain". */
const char *decompress_kind_name(enum decompress_kind k);
/* The first content bytes (up to DECOMPRESS_HEAD; fewer for a short file). */
const uint8_t *decompress_head(const struct decompress *dc, size_t *len);
/* Input bytes consumed so far (compressed bytes for a compressed file), and
 * the input's size when it is a regular file (0 otherwise). */
uint64_t decompress_bytes_in(const struct decompress *dc);
uint64_t decompress_size_in(const struct decompress *dc);
/* True when the compressed data was found corrupt or cut short; err then says
 * which and where. */
bool decompress_failed(const struct decompress *dc, char *err, size_t errsize);
/* Compressed input: decompress the rest and throw it away, so that a reader
 * that stopped at bad content learns whether the compressed data is at fault
 * (a gzip CRC or zstd checksum that does not match). No-op for plain input. */
void decompress_drain(struct decompress *dc);
/* Free, closing fp; the stream must have been closed. NULL is allowed. */
void decompress_free(struct decompress *dc);

#endif
