/* Unit tests for decompress, gzip and zstd capture files
 * (include/smbneg/decompress.h). The compressed inputs are made here with zlib
 * and libzstd from a known content, then read back through the module: from a
 * regular file, from memory (no file descriptor) and from a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/decompress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* The content: a pcap global header (24 bytes, little-endian, microseconds,
 * Ethernet) followed by n - 24 bytes of a repeating pattern with some noise,
 * so that it compresses but not to nothing. */
static uint8_t *content(size_t n)
{
	static const uint8_t pcap_hdr[24] = {
		0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00, /* magic, version 2.4 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* thiszone, sigfigs */
		0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00, /* snaplen 262144, DLT_EN10MB */
	};
	uint8_t *p = malloc(n);
	assert_non_null(p);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(i % 251 < 200 ? i % 7 : x >> 24);
	}
	memcpy(p, pcap_hdr, n < sizeof pcap_hdr ? n : sizeof pcap_hdr);
	return p;
}

/* RFC 1952 member of p (deflate with a gzip wrapper: windowBits 15 + 16). */
static uint8_t *gzip_of(const uint8_t *p, size_t n, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&z, (uLong)n) + 64;
	uint8_t *out = malloc(cap);
	assert_non_null(out);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*out_len = cap - z.avail_out;
	deflateEnd(&z);
	return out;
}

/* One zstd frame with a content checksum, as the zstd tool writes by default. */
static uint8_t *zstd_of(const uint8_t *p, size_t n, size_t *out_len)
{
	size_t cap = ZSTD_compressBound(n);
	uint8_t *out = malloc(cap);
	assert_non_null(out);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	assert_non_null(cc);
	assert_false(ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
	size_t r = ZSTD_compress2(cc, out, cap, p, n);
	assert_false(ZSTD_isError(r));
	ZSTD_freeCCtx(cc);
	*out_len = r;
	return out;
}

/* A regular temporary file holding p. */
static FILE *file_of(const uint8_t *p, size_t n)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, n, f), n);
	rewind(f);
	return f;
}

/* A pipe whose far end has written p and closed (n must fit in the pipe). */
static FILE *pipe_of(const uint8_t *p, size_t n)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	assert_int_equal(write(fd[1], p, n), (ssize_t)n);
	close(fd[1]);
	FILE *f = fdopen(fd[0], "rb");
	assert_non_null(f);
	return f;
}

/* Read the whole stream (one byte per read when unbuffered). */
static uint8_t *read_all(struct decompress *dc, size_t *len, bool unbuffered)
{
	FILE *s = decompress_stream(dc);
	if (unbuffered)
		setvbuf(s, NULL, _IONBF, 0);
	struct tu_buf b = {0};
	uint8_t chunk[3000];
	size_t n;
	while ((n = fread(chunk, 1, unbuffered ? 1 : sizeof chunk, s)) > 0)
		tu_buf_add(&b, chunk, n);
	*len = b.len;
	return b.p;
}

/* Open f, check the kind and head, read everything, compare, close. */
static void round_trip(FILE *f, enum decompress_kind kind, const uint8_t *want, size_t n,
		       uint64_t in_size, bool unbuffered)
{
	char err[256] = "";
	struct decompress *dc = decompress_open(f, err, sizeof err);
	assert_non_null(dc);
	assert_int_equal(decompress_kind(dc), kind);
	size_t hl;
	const uint8_t *head = decompress_head(dc, &hl);
	assert_int_equal(hl, n < DECOMPRESS_HEAD ? n : DECOMPRESS_HEAD);
	assert_memory_equal(head, want, hl);
	size_t got_len;
	uint8_t *got = read_all(dc, &got_len, unbuffered);
	assert_int_equal(got_len, n);
	assert_memory_equal(got, want, n);
	assert_false(decompress_failed(dc, err, sizeof err));
	if (in_size) /* every input byte was taken */
		assert_int_equal(decompress_bytes_in(dc), in_size);
	assert_int_equal(decompress_size_in(dc), in_size);
	fclose(decompress_stream(dc));
	decompress_free(dc);
	free(got);
}

static void test_gzip(void **state)
{
	(void)state;
	size_t n = 300000, zl;
	uint8_t *p = content(n), *z = gzip_of(p, n, &zl);
	round_trip(file_of(z, zl), DECOMPRESS_GZIP, p, n, zl, false);
	round_trip(fmemopen(z, zl, "rb"), DECOMPRESS_GZIP, p, n, 0, false);
	free(z);
	free(p);
}

static void test_zstd(void **state)
{
	(void)state;
	size_t n = 300000, zl;
	uint8_t *p = content(n), *z = zstd_of(p, n, &zl);
	round_trip(file_of(z, zl), DECOMPRESS_ZSTD, p, n, zl, false);
	round_trip(fmemopen(z, zl, "rb"), DECOMPRESS_ZSTD, p, n, 0, false);
	free(z);
	free(p);
}

/* Plain input: a regular file is handed on as itself, memory and pipes through
 * the peek buffer; all give the same bytes. */
static void test_plain(void **state)
{
	(void)state;
	size_t n = 20000;
	uint8_t *p = content(n);
	round_trip(file_of(p, n), DECOMPRESS_NONE, p, n, n, false);
	round_trip(fmemopen(p, n, "rb"), DECOMPRESS_NONE, p, n, 0, false);
	round_trip(pipe_of(p, n), DECOMPRESS_NONE, p, n, 0, false);
	free(p);
}

/* Pipes (stdin), and reads of one byte at a time. */
static void test_pipe_and_bytewise(void **state)
{
	(void)state;
	size_t n = 40000, gl, zl;
	uint8_t *p = content(n), *g = gzip_of(p, n, &gl), *z = zstd_of(p, n, &zl);
	assert_true(gl < 60000 && zl < 60000); /* fits in a pipe */
	round_trip(pipe_of(g, gl), DECOMPRESS_GZIP, p, n, 0, false);
	round_trip(pipe_of(z, zl), DECOMPRESS_ZSTD, p, n, 0, false);
	round_trip(fmemopen(g, gl, "rb"), DECOMPRESS_GZIP, p, n, 0, true);
	round_trip(fmemopen(z, zl, "rb"), DECOMPRESS_ZSTD, p, n, 0, true);
	free(g);
	free(z);
	free(p);
}

/* gzip -c a b > ab.gz: members one after another. */
static void test_gzip_members(void **state)
{
	(void)state;
	size_t n = 5000, l1, l2;
	uint8_t *p = content(2 * n);
	uint8_t *a = gzip_of(p, n, &l1), *b = gzip_of(p + n, n, &l2);
	uint8_t *ab = malloc(l1 + l2);
	assert_non_null(ab);
	memcpy(ab, a, l1);
	memcpy(ab + l1, b, l2);
	round_trip(file_of(ab, l1 + l2), DECOMPRESS_GZIP, p, 2 * n, l1 + l2, false);
	free(a);
	free(b);
	free(ab);
	free(p);
}

/* Every prefix of a compressed file: the content read is a prefix of the
 * original, and unless the prefix is whole, decompress_failed says so. */
static void sweep(uint8_t *(*compress)(const uint8_t *, size_t, size_t *), const char *word)
{
	size_t n = 3000, zl;
	uint8_t *p = content(n), *z = compress(p, n, &zl);
	for (size_t cut = 1; cut <= zl; cut++) {
		uint8_t *copy = tu_dup(z, cut);
		char err[256] = "";
		struct decompress *dc = decompress_open(fmemopen(copy, cut, "rb"), err,
							sizeof err);
		assert_non_null(dc);
		size_t got_len;
		uint8_t *got = read_all(dc, &got_len, false);
		if (decompress_kind(dc) == DECOMPRESS_NONE) {
			assert_true(cut < 4); /* too short for the magic: plain bytes */
			assert_int_equal(got_len, cut);
		} else {
			assert_true(got_len <= n);
			assert_memory_equal(got, p, got_len);
		}
		bool failed = decompress_failed(dc, err, sizeof err);
		if (cut == zl) {
			assert_false(failed);
			assert_int_equal(got_len, n);
		} else if (decompress_kind(dc) != DECOMPRESS_NONE) {
			assert_true(failed);
			assert_non_null(strstr(err, word));
		}
		fclose(decompress_stream(dc));
		decompress_free(dc);
		free(got);
		free(copy);
	}
	free(z);
	free(p);
}

static void test_truncation_sweep(void **state)
{
	(void)state;
	sweep(gzip_of, "gzip");
	sweep(zstd_of, "zstd");
}

/* A flipped byte in the middle: an error naming the format and an offset
 * (the checksum at the end catches what inflate itself does not). */
static void test_corrupt(void **state)
{
	(void)state;
	size_t n = 50000, zl;
	uint8_t *p = content(n);
	uint8_t *(*compress[2])(const uint8_t *, size_t, size_t *) = {gzip_of, zstd_of};
	for (int k = 0; k < 2; k++) {
		uint8_t *z = compress[k](p, n, &zl);
		z[zl / 2] ^= 0x55;
		char err[256] = "";
		struct decompress *dc = decompress_open(file_of(z, zl), err, sizeof err);
		assert_non_null(dc);
		size_t got_len;
		free(read_all(dc, &got_len, false));
		decompress_drain(dc);
		assert_true(decompress_failed(dc, err, sizeof err));
		assert_non_null(strstr(err, k == 0 ? "gzip" : "zstd"));
		assert_non_null(strstr(err, "offset") ? strstr(err, "offset") : strstr(err, "after"));
		fclose(decompress_stream(dc));
		decompress_free(dc);
		free(z);
	}
	free(p);
}

/* An empty file and a file of one byte: plain, with a head that short. */
static void test_short(void **state)
{
	(void)state;
	round_trip(file_of((const uint8_t *)"", 0), DECOMPRESS_NONE, (const uint8_t *)"", 0, 0,
		   false);
	round_trip(pipe_of((const uint8_t *)"\x1f", 1), DECOMPRESS_NONE, (const uint8_t *)"\x1f",
		   1, 0, false);
	assert_string_equal(decompress_kind_name(DECOMPRESS_GZIP), "gzip");
	assert_string_equal(decompress_kind_name(DECOMPRESS_ZSTD), "zstd");
	assert_string_equal(decompress_kind_name(DECOMPRESS_NONE), "plain");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_pipe_and_bytewise),
		cmocka_unit_test(test_gzip_members),
		cmocka_unit_test(test_truncation_sweep),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_short),
	};
	return cmocka_run_group_tests_name("decompress", tests, NULL, NULL);
}
