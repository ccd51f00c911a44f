/* decompress: gzip and zstd capture files (see include/smbneg/decompress.h). */
/* fopencookie() is a GNU extension (glibc). */
#define _GNU_SOURCE
#include "smbneg/decompress.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

enum dc_state { DC_OK, DC_CORRUPT, DC_TRUNCATED, DC_IO };

struct decompress {
	FILE *in;     /* the file given */
	FILE *stream; /* what the caller reads: in itself, or a cookie stream */
	enum decompress_kind kind;
	bool direct;	     /* stream reads in's file itself (plain, regular) */
	off_t start;	     /* direct: where in was when opened */
	uint64_t bytes_read; /* read from in */
	uint64_t size_in;
	uint8_t inbuf[DECOMPRESS_INBUF];
	size_t in_len, in_pos;
	uint8_t head[DECOMPRESS_HEAD];
	size_t head_len, head_served;
	z_stream z;
	bool z_ready;
	bool finished; /* gzip: the last member ended; zstd: unused */
	ZSTD_DStream *zs;
	size_t zs_hint; /* zstd: 0 when a frame has just ended */
	enum dc_state state;
	uint64_t fail_offset; /* compressed bytes consumed when it failed */
	char why[160];
};

/* Compressed bytes consumed: read minus what waits in inbuf. */
static uint64_t consumed(const struct decompress *dc)
{
	return dc->bytes_read - (uint64_t)(dc->in_len - dc->in_pos);
}

static void fail(struct decompress *dc, enum dc_state s, const char *why)
{
	if (dc->state != DC_OK)
		return; /* the first reason is the one to report */
	dc->state = s;
	dc->fail_offset = consumed(dc);
	snprintf(dc->why, sizeof dc->why, "%s", why ? why : "");
}

/* Read what is there, up to size bytes: read(2) on the file descriptor, so
 * that a pipe (tcpdump -w - | smbneg -r -) is handed on as it arrives rather
 * than when a buffer is full; fread for a stream without one (fmemopen).
 * 0 at the end, -1 on an error (recorded). */
static ssize_t raw_read(struct decompress *dc, void *buf, size_t size)
{
	int fd = fileno(dc->in);
	ssize_t n;
	if (fd >= 0) {
		do
			n = read(fd, buf, size);
		while (n < 0 && errno == EINTR);
	} else {
		n = (ssize_t)fread(buf, 1, size, dc->in);
		if (n == 0 && ferror(dc->in))
			n = -1;
	}
	if (n < 0) {
		fail(dc, DC_IO, strerror(errno));
		return -1;
	}
	dc->bytes_read += (uint64_t)n;
	return n;
}

/* Make input bytes available; false at the end of the file or on an error. */
static bool refill(struct decompress *dc)
{
	if (dc->in_pos < dc->in_len)
		return true;
	ssize_t n = raw_read(dc, dc->inbuf, sizeof dc->inbuf);
	dc->in_pos = 0;
	dc->in_len = n > 0 ? (size_t)n : 0;
	return n > 0;
}

/* At open: at least 4 bytes (a magic number) unless the file is shorter. */
static void peek_magic(struct decompress *dc)
{
	while (dc->in_len < 4) {
		ssize_t n = raw_read(dc, dc->inbuf + dc->in_len, sizeof dc->inbuf - dc->in_len);
		if (n <= 0)
			break;
		dc->in_len += (size_t)n;
	}
}

/* Copy up to size bytes of src[*pos, len) to buf. */
static ssize_t serve(void *buf, size_t size, const uint8_t *src, size_t *pos, size_t len)
{
	size_t n = len - *pos;
	if (n > size)
		n = size;
	memcpy(buf, src + *pos, n);
	*pos += n;
	return (ssize_t)n;
}

/* Plain data from a pipe: what was peeked, then the file. */
static ssize_t plain_read(struct decompress *dc, uint8_t *buf, size_t size)
{
	if (dc->in_pos < dc->in_len)
		return serve(buf, size, dc->inbuf, &dc->in_pos, dc->in_len);
	return raw_read(dc, buf, size);
}

/* After a gzip member: another member follows (gzip -c a b), or the end.
 * Bytes after the last member that do not start one are ignored, as gzip does. */
static bool gzip_next_member(struct decompress *dc)
{
	if (!refill(dc))
		return false;
	if (dc->in_len - dc->in_pos < 2 && dc->inbuf[dc->in_pos] == 0x1f)
		return inflateReset(&dc->z) == Z_OK; /* a split magic: let inflate judge */
	if (dc->in_len - dc->in_pos >= 2 && dc->inbuf[dc->in_pos] == 0x1f &&
	    dc->inbuf[dc->in_pos + 1] == 0x8b)
		return inflateReset(&dc->z) == Z_OK;
	return false;
}

/* RFC 1952 through zlib: at least one byte, 0 at the end, -1 on corrupt data. */
static ssize_t gzip_read(struct decompress *dc, uint8_t *buf, size_t size)
{
	z_stream *z = &dc->z;
	z->next_out = buf;
	z->avail_out = (uInt)(size > UINT32_MAX ? UINT32_MAX : size);
	uInt want = z->avail_out;
	while (z->avail_out == want && !dc->finished && dc->state == DC_OK) {
		if (!refill(dc)) {
			if (dc->state == DC_OK)
				fail(dc, DC_TRUNCATED, "the file ends inside the compressed data");
			break;
		}
		z->next_in = dc->inbuf + dc->in_pos;
		z->avail_in = (uInt)(dc->in_len - dc->in_pos);
		int rc = inflate(z, Z_NO_FLUSH);
		dc->in_pos = dc->in_len - z->avail_in;
		if (rc == Z_STREAM_END) {
			if (!gzip_next_member(dc))
				dc->finished = true;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			fail(dc, DC_CORRUPT, z->msg ? z->msg : zError(rc));
		}
	}
	size_t got = want - z->avail_out;
	if (got == 0 && dc->state != DC_OK) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)got;
}

/* RFC 8878 through libzstd, frames one after another. */
static ssize_t zstd_read(struct decompress *dc, uint8_t *buf, size_t size)
{
	ZSTD_outBuffer out = {buf, size, 0};
	while (out.pos == 0 && dc->state == DC_OK) {
		if (!refill(dc)) {
			if (dc->zs_hint != 0 && dc->state == DC_OK)
				fail(dc, DC_TRUNCATED, "the file ends inside a zstd frame");
			break;
		}
		ZSTD_inBuffer in = {dc->inbuf, dc->in_len, dc->in_pos};
		size_t r = ZSTD_decompressStream(dc->zs, &out, &in);
		dc->in_pos = in.pos;
		if (ZSTD_isError(r))
			fail(dc, DC_CORRUPT, ZSTD_getErrorName(r));
		else
			dc->zs_hint = r;
	}
	if (out.pos == 0 && dc->state != DC_OK) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)out.pos;
}

static ssize_t content_read(struct decompress *dc, uint8_t *buf, size_t size)
{
	switch (dc->kind) {
	case DECOMPRESS_GZIP:
		return gzip_read(dc, buf, size);
	case DECOMPRESS_ZSTD:
		return zstd_read(dc, buf, size);
	case DECOMPRESS_NONE:
	default:
		return plain_read(dc, buf, size);
	}
}

/* fopencookie read: the head kept at open, then the rest. */
static ssize_t cookie_read(void *cookie, char *buf, size_t size)
{
	struct decompress *dc = cookie;
	if (dc->head_served < dc->head_len)
		return serve(buf, size, dc->head, &dc->head_served, dc->head_len);
	return content_read(dc, (uint8_t *)buf, size);
}

static int cookie_close(void *cookie)
{
	struct decompress *dc = cookie;
	FILE *in = dc->in;
	dc->in = NULL;
	return fclose(in);
}

/* Fill the head through the decoder (it is served again by cookie_read). */
static void fill_head(struct decompress *dc)
{
	while (dc->head_len < sizeof dc->head) {
		ssize_t n =
		    content_read(dc, dc->head + dc->head_len, sizeof dc->head - dc->head_len);
		if (n <= 0)
			break;
		dc->head_len += (size_t)n;
	}
}

enum decompress_kind decompress_sniff(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return DECOMPRESS_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return DECOMPRESS_ZSTD;
	return DECOMPRESS_NONE;
}

/* Set up the decoder for dc->kind; false without memory. */
static bool start_decoder(struct decompress *dc)
{
	if (dc->kind == DECOMPRESS_GZIP) {
		/* 15 + 32: a 32 KiB window, gzip or zlib header detected */
		if (inflateInit2(&dc->z, 15 + 32) != Z_OK)
			return false;
		dc->z_ready = true;
	} else if (dc->kind == DECOMPRESS_ZSTD) {
		dc->zs = ZSTD_createDStream();
		if (!dc->zs)
			return false;
		/* the default window limit (ZSTD_WINDOWLOG_LIMIT_DEFAULT, 128 MiB) bounds memory */
		ZSTD_initDStream(dc->zs);
		dc->zs_hint = 1;
	}
	return true;
}

/* A plain regular file: hand on a stream of its own over the same file (dup),
 * rewound to where it started; in stays open to tell how far the reader is. */
static bool try_direct(struct decompress *dc, off_t start, bool regular)
{
	if (dc->kind != DECOMPRESS_NONE || !regular || start < 0)
		return false;
	int fd = fileno(dc->in);
	int fd2 = dup(fd);
	if (fd2 < 0)
		return false;
	FILE *s = fdopen(fd2, "rb");
	if (!s) {
		close(fd2);
		return false;
	}
	if (lseek(fd, start, SEEK_SET) != start) {
		fclose(s);
		return false;
	}
	dc->head_len = dc->in_len < sizeof dc->head ? dc->in_len : sizeof dc->head;
	memcpy(dc->head, dc->inbuf, dc->head_len);
	dc->start = start;
	dc->direct = true;
	dc->stream = s;
	return true;
}

struct decompress *decompress_open(FILE *fp, char *err, size_t errsize)
{
	struct decompress *dc = calloc(1, sizeof *dc);
	if (!dc) {
		snprintf(err, errsize, "out of memory");
		fclose(fp);
		return NULL;
	}
	dc->in = fp;
	struct stat st;
	bool regular = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode);
	if (regular)
		dc->size_in = (uint64_t)st.st_size;
	off_t start = ftello(fp);
	peek_magic(dc);
	if (dc->state == DC_IO) {
		snprintf(err, errsize, "cannot read: %s", dc->why);
		goto fail;
	}
	dc->kind = decompress_sniff(dc->inbuf, dc->in_len);
	if (try_direct(dc, start, regular))
		return dc;
	if (!start_decoder(dc)) {
		snprintf(err, errsize, "out of memory");
		goto fail;
	}
	fill_head(dc);
	cookie_io_functions_t io = {cookie_read, NULL, NULL, cookie_close};
	dc->stream = fopencookie(dc, "rb", io);
	if (!dc->stream) {
		snprintf(err, errsize, "out of memory");
		goto fail;
	}
	return dc;
fail:
	decompress_free(dc); /* no stream yet: closes fp */
	return NULL;
}

FILE *decompress_stream(const struct decompress *dc)
{
	return dc->stream;
}

enum decompress_kind decompress_kind(const struct decompress *dc)
{
	return dc->kind;
}

const char *decompress_kind_name(enum decompress_kind k)
{
	switch (k) {
	case DECOMPRESS_GZIP:
		return "gzip";
	case DECOMPRESS_ZSTD:
		return "zstd";
	case DECOMPRESS_NONE:
	default:
		return "plain";
	}
}

const uint8_t *decompress_head(const struct decompress *dc, size_t *len)
{
	*len = dc->head_len;
	return dc->head;
}

uint64_t decompress_bytes_in(const struct decompress *dc)
{
	if (dc->direct) { /* the shared file offset: what the reader has taken */
		off_t off = lseek(fileno(dc->in), 0, SEEK_CUR);
		return off > dc->start ? (uint64_t)(off - dc->start) : 0;
	}
	return consumed(dc);
}

uint64_t decompress_size_in(const struct decompress *dc)
{
	return dc->size_in;
}

bool decompress_failed(const struct decompress *dc, char *err, size_t errsize)
{
	const char *kind = decompress_kind_name(dc->kind);
	switch (dc->state) {
	case DC_CORRUPT:
		snprintf(err, errsize, "corrupt %s data at compressed byte offset %llu: %s", kind,
			 (unsigned long long)dc->fail_offset, dc->why);
		return true;
	case DC_TRUNCATED:
		snprintf(err, errsize, "truncated %s data: %s (after %llu bytes)", kind, dc->why,
			 (unsigned long long)dc->fail_offset);
		return true;
	case DC_IO:
		snprintf(err, errsize, "read error after %llu bytes: %s",
			 (unsigned long long)dc->fail_offset, dc->why);
		return true;
	case DC_OK:
	default:
		return false;
	}
}

void decompress_drain(struct decompress *dc)
{
	uint8_t scratch[4096];
	if (dc->kind == DECOMPRESS_NONE)
		return;
	while (content_read(dc, scratch, sizeof scratch) > 0)
		continue;
}

void decompress_free(struct decompress *dc)
{
	if (!dc)
		return;
	/* the caller has closed the stream; a cookie stream closed in with it */
	if (dc->in && (dc->direct || !dc->stream))
		fclose(dc->in);
	if (dc->z_ready)
		inflateEnd(&dc->z);
	ZSTD_freeDStream(dc->zs);
	free(dc);
}
