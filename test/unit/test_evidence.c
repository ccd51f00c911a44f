/* Unit tests for evidence, the -w pcap writer (include/smbneg/evidence.h): -C SIZE
 * as tcpdump reads it, file names of the -C/-W/-G rotations, a rotation by size
 * that never splits a conversation, -G by time with a strftime pattern, the empty
 * file at close, the first file opened at evidence_open (before -Z). Files go to
 * a mkdtemp folder, removed at the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/evidence.h"

#include <dirent.h>
#include <sys/stat.h>

static void test_parse_size(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		bool ok;
		uint64_t want;
	} cases[] = {
		{"1", true, 1000000},  /* tcpdump: millions of bytes */
		{"64k", true, 65536},  /* KiB */
		{"64K", true, 65536},
		{"10m", true, 10485760},
		{"2g", true, UINT64_C(2147483648)},
		{"0", false, 0},       /* a size of nothing rotates forever */
		{"", false, 0},
		{"-5", false, 0},
		{"5x", false, 0},
		{"5kk", false, 0},
		{"k", false, 0},
		{"99999999999999999999", false, 0},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		uint64_t got = 0;
		bool ok = evidence_parse_size(cases[i].in, &got);
		if (ok != cases[i].ok || (ok && got != cases[i].want))
			fail_msg("-C %s: %d %llu", cases[i].in, ok, (unsigned long long)got);
	}
}

/* One 100-byte frame (an Ethernet header and zeros) at second sec. */
static void frame(struct evidence_writer *w, long sec)
{
	uint8_t data[100] = {0};
	struct pcap_pkthdr h;
	h.ts.tv_sec = sec;
	h.ts.tv_usec = 0;
	h.caplen = h.len = sizeof data;
	assert_true(evidence_write(w, DLT_EN10MB, &h, data));
}

static long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];
	while (d && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* -C 250 bytes, no -W: ev.pcap, ev.pcap1, ev.pcap2; conversations stay whole. */
static void test_rotate_size(void **state)
{
	(void)state;
	char dir[] = "/tmp/smbneg-test-evidence-XXXXXX", path[256], name[300], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ev.pcap", dir);
	struct evidence_writer w;
	assert_true(evidence_open(&w, path, 250, 0, 0, err, sizeof err));
	assert_int_equal(file_size(path), 0); /* opened now, header with the first frame */
	for (int conv = 0; conv < 3; conv++) {
		frame(&w, 1);
		frame(&w, 2); /* 24 + 2 * 116 = 256 >= 250: rotate after the flush */
		evidence_flush(&w);
	}
	assert_false(evidence_write(&w, DLT_LINUX_SLL, &(struct pcap_pkthdr){0}, NULL));
	assert_true(evidence_close(&w, DLT_EN10MB, err, sizeof err));
	assert_int_equal(file_size(path), 24 + 2 * (16 + 100));
	snprintf(name, sizeof name, "%s1", path);
	assert_int_equal(file_size(name), 24 + 2 * (16 + 100));
	snprintf(name, sizeof name, "%s2", path);
	assert_int_equal(file_size(name), 24 + 2 * (16 + 100));
	snprintf(name, sizeof name, "%s3", path); /* opened by the last rotation, empty */
	assert_int_equal(file_size(name), 24);
	rm_tree(dir);
}

/* -C with -W 3: a ring ev.pcap0, ev.pcap1, ev.pcap2, then ev.pcap0 again. */
static void test_rotate_ring(void **state)
{
	(void)state;
	char dir[] = "/tmp/smbneg-test-evidence-XXXXXX", path[256], name[300], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ev.pcap", dir);
	struct evidence_writer w;
	assert_true(evidence_open(&w, path, 100, 0, 3, err, sizeof err));
	assert_string_equal(w.name + strlen(dir), "/ev.pcap0");
	for (int conv = 0; conv < 4; conv++) { /* each conversation fills a file */
		frame(&w, conv);
		evidence_flush(&w);
	}
	assert_string_equal(w.name + strlen(dir), "/ev.pcap1"); /* 4 rotations: 0 1 2 0 1 */
	assert_true(evidence_close(&w, DLT_EN10MB, err, sizeof err));
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "%s%d", path, i);
		assert_true(file_size(name) >= 24);
	}
	snprintf(name, sizeof name, "%s3", path);
	assert_int_equal(file_size(name), -1);
	assert_int_equal(file_size(path), -1);
	rm_tree(dir);
}

/* -G 60: a new file when 60 s have passed, its name a strftime pattern. */
static void test_rotate_time(void **state)
{
	(void)state;
	char dir[] = "/tmp/smbneg-test-evidence-XXXXXX", path[256], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ev-%%Y.pcap", dir);
	struct evidence_writer w;
	assert_true(evidence_open(&w, path, 0, 60, 0, err, sizeof err));
	assert_null(strchr(w.name, '%')); /* expanded */
	char first[EVIDENCE_PATH_MAX];
	snprintf(first, sizeof first, "%s", w.name);
	frame(&w, 1);
	evidence_flush(&w);
	evidence_tick(&w, w.opened_at + 59);
	assert_int_equal(w.index, 0);
	evidence_tick(&w, w.opened_at + 60);
	assert_int_equal(w.index, 1);
	assert_true(evidence_close(&w, DLT_EN10MB, err, sizeof err));
	assert_true(file_size(first) >= 24);
	rm_tree(dir);
}

/* Nothing written: close leaves an empty capture of the inputs' link type. */
static void test_empty_and_unwritable(void **state)
{
	(void)state;
	char dir[] = "/tmp/smbneg-test-evidence-XXXXXX", path[256], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ev.pcap", dir);
	struct evidence_writer w;
	assert_true(evidence_open(&w, path, 0, 0, 0, err, sizeof err));
	assert_true(evidence_close(&w, DLT_EN10MB, err, sizeof err));
	assert_int_equal(file_size(path), 24);
	snprintf(path, sizeof path, "%s/no-such-dir/ev.pcap", dir);
	assert_false(evidence_open(&w, path, 0, 0, 0, err, sizeof err));
	assert_non_null(strstr(err, "no-such-dir/ev.pcap"));
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_rotate_size),
		cmocka_unit_test(test_rotate_ring),
		cmocka_unit_test(test_rotate_time),
		cmocka_unit_test(test_empty_and_unwritable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
