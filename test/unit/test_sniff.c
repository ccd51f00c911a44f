/* Unit tests for sniff, recognising capture formats by their first bytes
 * (include/smbneg/sniff.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/sniff.h"

#include <stdlib.h>
#include <string.h>

/* Recognise an exact-size heap copy. */
static enum sniff_format sniff(const void *p, size_t n)
{
	uint8_t *q = tu_dup(p, n);
	enum sniff_format f = sniff_format(q, n);
	free(q);
	return f;
}

/* pcap, little-endian microseconds: magic, version 2.4, zone, sigfigs, snaplen, DLT 1 */
static const uint8_t pcap_le[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
				    0, 0, 0, 0, 0, 0, 4, 0, 1, 0, 0, 0};
/* pcapng Section Header Block: type 0x0a0d0d0a, length 28, byte-order magic */
static const uint8_t pcapng[12] = {0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a};
/* NetMon 2.x: "GMBU", minor 3, major 2 */
static const uint8_t netmon2[6] = {'G', 'M', 'B', 'U', 3, 2};
/* NetMon 1.x: "RTSS", minor 1, major 1 */
static const uint8_t netmon1[6] = {'R', 'T', 'S', 'S', 1, 1};
/* snoop (RFC 1761): "snoop\0\0\0", version 2, datalink 4 (Ethernet) */
static const uint8_t snoop[16] = {'s', 'n', 'o', 'o', 'p', 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 4};

/* An ETL file's first buffer: WMI_BUFFER_HEADER (0x48 bytes) with BufferSize
 * 64 KiB, SavedOffset 0x1000, CurrentOffset 0x0800, the rest zero; then the
 * logfile header event's SYSTEM_TRACE_HEADER (0x20 bytes): Version 2,
 * HeaderType 2 (64-bit), Flags 0xC0, Size 0x0130, HookId 0; then
 * TRACE_LOGFILE_HEADER, whose BufferSize is 64 KiB again. */
static void etl_header(uint8_t *b, size_t n)
{
	memset(b, 0, n);
	b[2] = 0x01;             /* BufferSize 0x00010000 */
	b[5] = 0x10;             /* SavedOffset 0x00001000 */
	b[9] = 0x08;             /* CurrentOffset 0x00000800 */
	b[0x48] = 0x02;          /* Version 2 */
	b[0x4a] = 0x02;          /* HeaderType: system, 64-bit */
	b[0x4b] = 0xc0;          /* Flags */
	b[0x4c] = 0x30;          /* Size 0x0130 */
	b[0x4d] = 0x01;
	b[0x6a] = 0x01;          /* TRACE_LOGFILE_HEADER.BufferSize 0x00010000 */
}

/* ERF record header at b: timestamp (LE, seconds in the high half), type 2
 * (Ethernet), flags 4, rlen, lctr 0, wlen 60. */
static void erf_record(uint8_t *b, uint32_t secs, uint16_t rlen)
{
	memset(b, 0, 16);
	b[4] = (uint8_t)secs;
	b[5] = (uint8_t)(secs >> 8);
	b[6] = (uint8_t)(secs >> 16);
	b[7] = (uint8_t)(secs >> 24);
	b[8] = 2;                 /* type: Ethernet */
	b[9] = 4;                 /* flags: varying record length */
	b[10] = (uint8_t)(rlen >> 8);
	b[11] = (uint8_t)rlen;
	b[15] = 60;               /* wire length */
}

static void test_magics(void **state)
{
	(void)state;
	assert_int_equal(sniff(pcap_le, sizeof pcap_le), SNIFF_PCAP);
	assert_int_equal(sniff(pcapng, sizeof pcapng), SNIFF_PCAPNG);
	assert_int_equal(sniff(netmon2, sizeof netmon2), SNIFF_NETMON2);
	assert_int_equal(sniff(netmon1, sizeof netmon1), SNIFF_NETMON1);
	assert_int_equal(sniff(snoop, sizeof snoop), SNIFF_SNOOP);
	assert_int_equal(sniff("BZh91AY&SY", 10), SNIFF_BZIP2);
	assert_int_equal(sniff("\xfd" "7zXZ\0\0\x04", 8), SNIFF_XZ);
	assert_int_equal(sniff("\x04\x22\x4d\x18\x64", 5), SNIFF_LZ4);
	assert_int_equal(sniff("PK\x03\x04\x14\0", 6), SNIFF_ZIP);
	assert_int_equal(sniff("", 0), SNIFF_EMPTY);
	assert_int_equal(sniff("hello, world\n", 13), SNIFF_UNKNOWN);
}

static void test_etl(void **state)
{
	(void)state;
	uint8_t b[0x80];
	etl_header(b, sizeof b);
	assert_int_equal(sniff(b, sizeof b), SNIFF_ETL);
	/* every prefix short of the logfile header: not ETL, no over-read */
	for (size_t n = 0; n < 0x6c; n++)
		assert_int_not_equal(sniff(b, n), SNIFF_ETL);
	b[0x4b] = 0x80; /* other flags */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
	etl_header(b, sizeof b);
	b[1] = 0x01; /* BufferSize 0x00010100: not a multiple of 1 KiB */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
	etl_header(b, sizeof b);
	b[6] = 0x02; /* SavedOffset past the buffer */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
	etl_header(b, sizeof b);
	b[0x4e] = 0x05; /* HookId: another event */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
	etl_header(b, sizeof b);
	b[0x6a] = 0x02; /* the logfile header disagrees on BufferSize */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
}

/* ERF only when two records agree; one alone is not enough. */
static void test_erf(void **state)
{
	(void)state;
	uint8_t b[160];
	memset(b, 0, sizeof b);
	erf_record(b, 1600000000u, 80);
	erf_record(b + 80, 1600000001u, 80);
	assert_int_equal(sniff(b, sizeof b), SNIFF_ERF);
	for (size_t n = 0; n < 96; n++) /* the second header cut: not sure */
		assert_int_not_equal(sniff(b, n), SNIFF_ERF);
	erf_record(b + 80, 1500000000u, 80); /* goes back in time */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
	erf_record(b + 80, 1600000001u, 80);
	b[80 + 8] = 0x7f; /* type 127: none */
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
	erf_record(b, 12345u, 80); /* 1970 */
	erf_record(b + 80, 12346u, 80);
	assert_int_equal(sniff(b, sizeof b), SNIFF_UNKNOWN);
}

static void test_explain(void **state)
{
	(void)state;
	char err[512];
	assert_false(sniff_explain(SNIFF_PCAP, "x.pcap", pcap_le, 24, err, sizeof err));
	assert_false(sniff_explain(SNIFF_PCAPNG, "x.pcapng", pcapng, 12, err, sizeof err));
	assert_true(sniff_explain(SNIFF_NETMON2, "dir/trace.cap", netmon2, 6, err, sizeof err));
	assert_non_null(strstr(err, "Network Monitor 2.x"));
	assert_non_null(strstr(err, "editcap -F pcapng dir/trace.cap dir/trace.pcapng"));
	assert_true(sniff_explain(SNIFF_ETL, "my trace.etl", NULL, 0, err, sizeof err));
	assert_non_null(strstr(err, "pktmon etl2pcap 'my trace.etl' --out 'my trace.pcapng'"));
	assert_true(sniff_explain(SNIFF_SNOOP, "-", snoop, 16, err, sizeof err));
	assert_non_null(strstr(err, "editcap -F pcapng - capture.pcapng"));
	assert_true(sniff_explain(SNIFF_NETMON1, "a.cap.gz", netmon1, 6, err, sizeof err));
	assert_non_null(strstr(err, "editcap -F pcapng a.cap.gz a.pcapng"));
	assert_true(sniff_explain(SNIFF_XZ, "a.pcap.xz", NULL, 0, err, sizeof err));
	assert_non_null(strstr(err, "xz -dc a.pcap.xz | smbneg -r -"));
	assert_true(sniff_explain(SNIFF_UNKNOWN, "a", (const uint8_t *)"\x01\x02", 2, err,
				  sizeof err));
	assert_non_null(strstr(err, "unknown file format (first bytes 01 02)"));
	/* a small buffer: cut, terminated */
	char small[16];
	assert_true(sniff_explain(SNIFF_ETL, "a.etl", NULL, 0, small, sizeof small));
	assert_int_equal(strlen(small), sizeof small - 1);
	assert_string_equal(sniff_name(SNIFF_COUNT), "file of unknown format");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magics),
		cmocka_unit_test(test_etl),
		cmocka_unit_test(test_erf),
		cmocka_unit_test(test_explain),
	};
	return cmocka_run_group_tests_name("sniff", tests, NULL, NULL);
}
