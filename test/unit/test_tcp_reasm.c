/* Unit tests for tcp_reasm, per-direction TCP reassembly
 * (include/smbneg/tcp_reasm.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/tcp_reasm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a sink that records what the reassembler hands on ---- */

/* One event: 'D' = n data bytes (consecutive data merged), 'G' = gap of n. */
struct ev {
	char kind;
	uint64_t n;
};

struct rec {
	struct tu_buf data; /* all delivered bytes, in order */
	struct ev *ev;
	size_t nev, cap;
};

static void rec_ev(struct rec *r, char kind, uint64_t n)
{
	if (kind == 'D' && r->nev && r->ev[r->nev - 1].kind == 'D') {
		r->ev[r->nev - 1].n += n;
		return;
	}
	if (r->nev == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
		assert_non_null(r->ev);
	}
	r->ev[r->nev].kind = kind;
	r->ev[r->nev].n = n;
	r->nev++;
}

static void on_data(void *arg, const uint8_t *p, size_t n)
{
	struct rec *r = arg;
	assert_true(n > 0); /* never an empty delivery */
	tu_buf_add(&r->data, p, n);
	rec_ev(r, 'D', n);
}

static void on_gap(void *arg, uint64_t n)
{
	rec_ev(arg, 'G', n);
}

static void rec_free(struct rec *r)
{
	tu_buf_free(&r->data);
	free(r->ev);
	memset(r, 0, sizeof *r);
}

/* Events as a compact string, e.g. "G0 D3 G4 D2", for readable asserts. */
static const char *rec_str(const struct rec *r, char *buf, size_t size)
{
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->nev && at < size; i++) {
		int n = snprintf(buf + at, size - at, "%s%c%llu", i ? " " : "", r->ev[i].kind,
				 (unsigned long long)r->ev[i].n);
		assert_true(n > 0 && (size_t)n < size - at);
		at += (size_t)n;
	}
	return buf;
}

#define ASSERT_EVENTS(r, want)                                                                     \
	do {                                                                                       \
		char evbuf_[4096];                                                                 \
		assert_string_equal(rec_str((r), evbuf_, sizeof evbuf_), (want));                  \
	} while (0)

#define ASSERT_DATA(r, lit)                                                                        \
	do {                                                                                       \
		assert_int_equal((r)->data.len, sizeof(lit) - 1);                                  \
		assert_memory_equal((r)->data.p, (lit), sizeof(lit) - 1);                          \
	} while (0)

struct t {
	struct reasm_dir d;
	struct rec r;
	struct reasm_sink sink;
};

static void t_init(struct t *t)
{
	memset(t, 0, sizeof *t);
	t->sink.data = on_data;
	t->sink.gap = on_gap;
	t->sink.arg = &t->r;
}

static void t_free(struct t *t)
{
	reasm_free(&t->d);
	rec_free(&t->r);
}

/* Push one segment whose first caplen of seglen payload bytes were captured.
 * The payload is an exact-size heap copy, freed right after the call: the
 * reassembler must copy what it keeps (libpcap reuses its buffer). */
static void seg(struct t *t, uint32_t seq, uint8_t flags, const void *data, size_t caplen,
		size_t seglen)
{
	uint8_t *p = tu_dup(data, caplen);
	struct tcp_seg s = {0};
	s.family = 4;
	s.sport = 49153;
	s.dport = 445;
	s.seq = seq;
	s.flags = flags | TCP_ACK;
	s.data = p;
	s.caplen = caplen;
	s.seglen = seglen;
	reasm_push(&t->d, &s, &t->sink);
	free(p);
}

/* A whole data segment from a string literal. */
#define DATA(t, seq, lit) seg((t), (seq), 0, (lit), sizeof(lit) - 1, sizeof(lit) - 1)
#define SYN(t, isn) seg((t), (isn), TCP_SYN, "", 0, 0)

static void test_in_order(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999); /* data starts at ISN + 1 = 1000 */
	DATA(&t, 1000, "abc");
	DATA(&t, 1003, "def");
	DATA(&t, 1006, "g");
	ASSERT_DATA(&t.r, "abcdefg");
	ASSERT_EVENTS(&t.r, "D7");
	assert_int_equal(t.d.bytes, 7);
	assert_int_equal(t.d.gap_bytes, 0);
	assert_int_equal(t.d.retransmits, 0);
	assert_int_equal(t.d.overlaps, 0);
	assert_int_equal(t.d.out_of_order, 0);
	assert_int_equal(t.d.next_seq, 1007);
	t_free(&t);
}

static void test_syn(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 0x10000);
	assert_true(t.d.started);
	assert_int_equal(t.d.next_seq, 0x10001);
	assert_int_equal(t.r.nev, 0); /* no gap: the stream start is known */
	DATA(&t, 0x10001, "abc");
	/* a retransmitted SYN on an open direction changes nothing */
	SYN(&t, 0x10000);
	DATA(&t, 0x10004, "def");
	ASSERT_DATA(&t.r, "abcdef");
	ASSERT_EVENTS(&t.r, "D6");
	t_free(&t);

	/* SYN|ACK (the server's direction) works the same */
	t_init(&t);
	seg(&t, 7, TCP_SYN | TCP_ACK, "", 0, 0);
	DATA(&t, 8, "xy");
	ASSERT_DATA(&t.r, "xy");
	ASSERT_EVENTS(&t.r, "D2");
	t_free(&t);
}

static void test_retransmission(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abc");
	DATA(&t, 1000, "abc"); /* whole retransmission */
	DATA(&t, 1001, "b");   /* a part of it */
	DATA(&t, 1000, "XYZ"); /* different bytes: the first copy won */
	DATA(&t, 1003, "def");
	ASSERT_DATA(&t.r, "abcdef");
	ASSERT_EVENTS(&t.r, "D6");
	assert_int_equal(t.d.retransmits, 3);
	assert_int_equal(t.d.overlaps, 0);
	assert_int_equal(t.d.bytes, 6);
	t_free(&t);
}

static void test_partial_overlap(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abc");   /* 1000..1002 */
	DATA(&t, 1001, "XYZde"); /* 1001..1005: "XY" seen, "Zde" new */
	DATA(&t, 1006, "f");
	ASSERT_DATA(&t.r, "abcZdef");
	ASSERT_EVENTS(&t.r, "D7");
	assert_int_equal(t.d.overlaps, 1);
	assert_int_equal(t.d.retransmits, 0);
	assert_int_equal(t.d.bytes, 7);
	t_free(&t);
}

static void test_out_of_order(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1006, "ghi");
	DATA(&t, 1003, "def");
	assert_int_equal(t.r.nev, 0); /* both wait */
	assert_int_equal(t.d.queued_segs, 2);
	assert_int_equal(t.d.queued_bytes, 6);
	DATA(&t, 1000, "abc"); /* fills the hole: all three come out */
	ASSERT_DATA(&t.r, "abcdefghi");
	ASSERT_EVENTS(&t.r, "D9");
	assert_int_equal(t.d.out_of_order, 2);
	assert_int_equal(t.d.queued_segs, 0);
	assert_int_equal(t.d.queued_bytes, 0);
	assert_null(t.d.queue);
	assert_int_equal(t.d.next_seq, 1009);
	t_free(&t);

	/* Overlapping queued segments; a hole stays a hole until the flush. */
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1004, "efgh");
	DATA(&t, 1003, "defg");
	DATA(&t, 1001, "b"); /* still a hole at 1000 */
	assert_int_equal(t.r.nev, 0);
	DATA(&t, 1000, "a");
	ASSERT_DATA(&t.r, "ab"); /* 1002 ("c") never came: the rest waits */
	assert_int_equal(t.d.queued_segs, 2);
	reasm_flush(&t.d, &t.sink);
	ASSERT_DATA(&t.r, "abdefgh");
	ASSERT_EVENTS(&t.r, "D2 G1 D5");
	t_free(&t);
}

static void test_out_of_order_overlap_fill(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1003, "defg");
	DATA(&t, 1004, "efgh");
	DATA(&t, 1000, "abcd"); /* overlaps the first queued one */
	ASSERT_DATA(&t.r, "abcdefgh");
	ASSERT_EVENTS(&t.r, "D8");
	t_free(&t);
}

/* The same out-of-order segment twice: queued once, the copy counted. */
static void test_queued_duplicate(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1003, "def");
	DATA(&t, 1003, "def");
	assert_int_equal(t.d.queued_segs, 1);
	assert_int_equal(t.d.retransmits, 1);
	assert_int_equal(t.d.overlap_conflicts, 0);
	DATA(&t, 1003, "DEF"); /* disagrees with the queued copy */
	assert_int_equal(t.d.queued_segs, 1);
	assert_int_equal(t.d.overlap_conflicts, 1);
	DATA(&t, 1000, "abc");
	ASSERT_DATA(&t.r, "abcdef"); /* first copy wins */
	assert_int_equal(t.d.out_of_order, 1);
	t_free(&t);
}

static void test_wraparound(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 0xfffffffcu);                 /* next 0xfffffffd */
	DATA(&t, 0xfffffffdu, "abcd");        /* 0xfffffffd .. 0x00000000 */
	assert_int_equal(t.d.next_seq, 1);
	DATA(&t, 1, "efg");
	DATA(&t, 0xfffffffeu, "bcd");         /* retransmission across the wrap */
	ASSERT_DATA(&t.r, "abcdefg");
	ASSERT_EVENTS(&t.r, "D7");
	assert_int_equal(t.d.retransmits, 1);
	t_free(&t);

	/* out of order across the wrap */
	t_init(&t);
	SYN(&t, 0xfffffffcu);
	DATA(&t, 1, "efg");
	assert_int_equal(t.r.nev, 0);
	DATA(&t, 0xfffffffdu, "abcd");
	ASSERT_DATA(&t.r, "abcdefg");
	ASSERT_EVENTS(&t.r, "D7");
	t_free(&t);

	/* a hole across the wrap, then the end of capture */
	t_init(&t);
	SYN(&t, 0xfffffffcu);
	DATA(&t, 0xfffffffdu, "ab"); /* next 0xffffffff */
	DATA(&t, 2, "xyz");          /* 0xffffffff, 0, 1 missing */
	reasm_flush(&t.d, &t.sink);
	ASSERT_DATA(&t.r, "abxyz");
	ASSERT_EVENTS(&t.r, "D2 G3 D3");
	assert_int_equal(t.d.gap_bytes, 3);
	t_free(&t);
}

/* No SYN seen: the first segment starts the stream after a gap of unknown size. */
static void test_midstream(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	DATA(&t, 5000, "xyz");
	DATA(&t, 4990, "0123456789"); /* before the start: dropped */
	DATA(&t, 5003, "uvw");
	ASSERT_DATA(&t.r, "xyzuvw");
	ASSERT_EVENTS(&t.r, "G0 D6");
	assert_int_equal(t.d.gap_bytes, 0); /* unknown: not counted */
	assert_int_equal(t.d.retransmits, 1);
	t_free(&t);

	/* A pure ACK first: the gap is reported once, data follows at its seq. */
	t_init(&t);
	seg(&t, 7000, 0, "", 0, 0);
	DATA(&t, 7000, "ab");
	seg(&t, 7002, 0, "", 0, 0);
	DATA(&t, 7002, "cd");
	ASSERT_EVENTS(&t.r, "G0 D4");
	ASSERT_DATA(&t.r, "abcd");
	t_free(&t);
}

/* caplen < seglen: the missing tail is a gap of exactly those bytes. */
static void test_snaplen(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	seg(&t, 1000, 0, "abcdef", 6, 10); /* 4 bytes cut by the snaplen */
	DATA(&t, 1010, "ghi");
	ASSERT_DATA(&t.r, "abcdefghi");
	ASSERT_EVENTS(&t.r, "D6 G4 D3");
	assert_int_equal(t.d.gap_bytes, 4);
	assert_int_equal(t.d.bytes, 9);
	t_free(&t);

	/* nothing captured of a 5-byte segment */
	t_init(&t);
	SYN(&t, 999);
	seg(&t, 1000, 0, "", 0, 5);
	DATA(&t, 1005, "z");
	ASSERT_EVENTS(&t.r, "G5 D1");
	t_free(&t);

	/* a cut segment waits in the queue and keeps its gap */
	t_init(&t);
	SYN(&t, 999);
	seg(&t, 1003, 0, "de", 2, 5); /* 1003..1007, 1005..1007 lost */
	DATA(&t, 1008, "ij");
	DATA(&t, 1000, "abc");
	ASSERT_DATA(&t.r, "abcdeij");
	ASSERT_EVENTS(&t.r, "D5 G3 D2");
	t_free(&t);

	/* overlap into the cut part: skip what was seen, the rest still lost */
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abcd");
	seg(&t, 1002, 0, "cd", 2, 6); /* 1002..1007: 1004..1007 new, not captured */
	ASSERT_EVENTS(&t.r, "D4 G4");
	assert_int_equal(t.d.next_seq, 1008);
	t_free(&t);

	/* ... where even the captured part was seen before: only the 4 bytes
	 * after next_seq count as lost, not the 6 uncaptured ones */
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abcd");
	seg(&t, 1001, 0, "b", 1, 7); /* 1001..1007: 1001 captured, 1004..1007 new */
	ASSERT_EVENTS(&t.r, "D4 G4");
	assert_int_equal(t.d.gap_bytes, 4);
	assert_int_equal(t.d.next_seq, 1008);
	DATA(&t, 1008, "i");
	ASSERT_DATA(&t.r, "abcdi");
	t_free(&t);
}

/* Truncation sweep: every caplen of a 12-byte segment. */
static void test_snaplen_sweep(void **state)
{
	(void)state;
	static const char msg[] = "hello, world";
	for (size_t cap = 0; cap <= 12; cap++) {
		struct t t;
		t_init(&t);
		SYN(&t, 99);
		seg(&t, 100, 0, msg, cap, 12);
		DATA(&t, 112, "!");
		assert_int_equal(t.r.data.len, cap + 1);
		assert_memory_equal(t.r.data.p, msg, cap);
		assert_int_equal(t.r.data.p[cap], '!');
		assert_int_equal(t.d.gap_bytes, 12 - cap);
		assert_int_equal(t.d.bytes, cap + 1);
		char want[32];
		if (cap == 0)
			snprintf(want, sizeof want, "G12 D1");
		else if (cap == 12)
			snprintf(want, sizeof want, "D13");
		else
			snprintf(want, sizeof want, "D%zu G%zu D1", cap, 12 - cap);
		ASSERT_EVENTS(&t.r, want);
		t_free(&t);
	}
}

/* More than REASM_MAX_QUEUED_SEGS out-of-order segments: the hole is given
 * up (a gap), and everything still comes out in sequence order. */
static void test_queue_cap_segs(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 0); /* next 1; seq 1 and every other byte after it never arrive */
	for (unsigned k = 0; k < REASM_MAX_QUEUED_SEGS; k++) {
		uint8_t b = (uint8_t)('A' + k % 26);
		seg(&t, 3 + 2 * k, 0, &b, 1, 1);
	}
	assert_int_equal(t.d.queued_segs, REASM_MAX_QUEUED_SEGS);
	assert_int_equal(t.r.nev, 0);
	/* one more: over the cap */
	uint8_t last = '#';
	seg(&t, 3 + 2 * REASM_MAX_QUEUED_SEGS, 0, &last, 1, 1);
	assert_int_equal(t.d.queued_segs, 0);
	assert_int_equal(t.d.queued_bytes, 0);
	assert_int_equal(t.r.data.len, REASM_MAX_QUEUED_SEGS + 1);
	for (unsigned k = 0; k < REASM_MAX_QUEUED_SEGS; k++)
		assert_int_equal(t.r.data.p[k], 'A' + k % 26);
	assert_int_equal(t.r.data.p[REASM_MAX_QUEUED_SEGS], '#');
	/* G2 D1, then (G1 D1) for each later byte */
	assert_int_equal(t.r.nev, 2 * (REASM_MAX_QUEUED_SEGS + 1));
	assert_int_equal(t.r.ev[0].kind, 'G');
	assert_int_equal(t.r.ev[0].n, 2);
	for (size_t i = 1; i < t.r.nev; i++) {
		assert_int_equal(t.r.ev[i].kind, i % 2 ? 'D' : 'G');
		assert_int_equal(t.r.ev[i].n, 1);
	}
	assert_int_equal(t.d.gap_bytes, 2 + REASM_MAX_QUEUED_SEGS);
	/* the late hole filler is old news; the stream goes on */
	DATA(&t, 1, "z");
	DATA(&t, 4 + 2 * REASM_MAX_QUEUED_SEGS, "+");
	assert_int_equal(t.r.data.len, REASM_MAX_QUEUED_SEGS + 2);
	assert_int_equal(t.r.data.p[REASM_MAX_QUEUED_SEGS + 1], '+');
	t_free(&t);
}

/* Over the segment cap with the new segment before the queued ones: it is
 * delivered after its gap, the queue waits on, and order is kept. */
static void test_queue_cap_segs_earlier(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 0); /* next 1 */
	for (unsigned k = 0; k < REASM_MAX_QUEUED_SEGS; k++) {
		uint8_t b = (uint8_t)('a' + k % 26);
		seg(&t, 10 + 2 * k, 0, &b, 1, 1); /* 10, 12, 14, ... */
	}
	DATA(&t, 5, "X"); /* cannot be queued: hole 1..4 given up */
	ASSERT_EVENTS(&t.r, "G4 D1");
	assert_int_equal(t.d.queued_segs, REASM_MAX_QUEUED_SEGS);
	DATA(&t, 6, "YYYY"); /* 6..9, then 10 is contiguous */
	ASSERT_EVENTS(&t.r, "G4 D6");
	assert_int_equal(t.d.queued_segs, REASM_MAX_QUEUED_SEGS - 1);
	reasm_flush(&t.d, &t.sink);
	assert_int_equal(t.d.queued_segs, 0);
	/* X YYYY a, then each queued byte after a 1-byte gap, in order */
	assert_int_equal(t.r.data.len, 5 + REASM_MAX_QUEUED_SEGS);
	assert_memory_equal(t.r.data.p, "XYYYYa", 6);
	for (unsigned k = 1; k < REASM_MAX_QUEUED_SEGS; k++)
		assert_int_equal(t.r.data.p[5 + k], 'a' + k % 26);
	assert_int_equal(t.d.gap_bytes, 4 + (REASM_MAX_QUEUED_SEGS - 1));
	t_free(&t);
}

/* REASM_MAX_QUEUED_BYTES: four 64 KiB segments fill it; one more byte does
 * not fit, so the hole is given up and everything comes out in order. */
static void test_queue_cap_bytes(void **state)
{
	(void)state;
	enum { SEG = 64 * 1024, N = REASM_MAX_QUEUED_BYTES / SEG };
	uint8_t *big = malloc(SEG);
	assert_non_null(big);
	struct t t;
	t_init(&t);
	SYN(&t, 0); /* next 1; hole 1..100 */
	for (unsigned k = 0; k < N; k++) {
		memset(big, 'A' + (int)k, SEG);
		seg(&t, 101 + k * SEG, 0, big, SEG, SEG);
	}
	assert_int_equal(t.d.queued_bytes, REASM_MAX_QUEUED_BYTES);
	assert_int_equal(t.d.queued_segs, N);
	assert_int_equal(t.r.nev, 0);
	DATA(&t, 101 + N * SEG, "!");
	ASSERT_EVENTS(&t.r, "G100 D262145");
	assert_int_equal(t.r.data.len, N * SEG + 1);
	for (unsigned k = 0; k < N; k++) {
		assert_int_equal(t.r.data.p[k * SEG], 'A' + (int)k);
		assert_int_equal(t.r.data.p[k * SEG + SEG - 1], 'A' + (int)k);
	}
	assert_int_equal(t.r.data.p[N * SEG], '!');
	assert_int_equal(t.d.queued_bytes, 0);
	t_free(&t);

	/* One out-of-order segment bigger than the whole cap */
	t_init(&t);
	SYN(&t, 0);
	uint8_t *huge = calloc(REASM_MAX_QUEUED_BYTES + 1, 1);
	assert_non_null(huge);
	seg(&t, 11, 0, huge, REASM_MAX_QUEUED_BYTES + 1, REASM_MAX_QUEUED_BYTES + 1);
	ASSERT_EVENTS(&t.r, "G10 D262145");
	free(huge);
	t_free(&t);
	free(big);
}

static void test_flush(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abc");
	DATA(&t, 1012, "mno");
	DATA(&t, 1006, "ghi");
	assert_int_equal(t.d.queued_segs, 2);
	reasm_flush(&t.d, &t.sink);
	ASSERT_DATA(&t.r, "abcghimno");
	ASSERT_EVENTS(&t.r, "D3 G3 D3 G3 D3");
	assert_int_equal(t.d.gap_bytes, 6);
	assert_null(t.d.queue);
	assert_int_equal(t.d.queued_segs, 0);
	assert_int_equal(t.d.queued_bytes, 0);
	/* flushing an empty queue does nothing */
	reasm_flush(&t.d, &t.sink);
	assert_int_equal(t.r.nev, 5);
	t_free(&t);
}

static void test_reasm_free(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1010, "later");
	DATA(&t, 1020, "much later");
	seg(&t, 1040, 0, "cut", 3, 8);
	assert_int_equal(t.d.queued_segs, 3);
	reasm_free(&t.d); /* ASan's leak check sees anything left behind */
	assert_null(t.d.queue);
	assert_int_equal(t.d.queued_segs, 0);
	assert_int_equal(t.d.queued_bytes, 0);
	assert_int_equal(t.r.nev, 0); /* freeing delivers nothing */
	reasm_free(&t.d);             /* twice is harmless */
	t_free(&t);
}

static void test_fin_rst(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	seg(&t, 1000, TCP_FIN, "ab", 2, 2); /* data with FIN is delivered */
	assert_true(t.d.closed);
	seg(&t, 1003, 0, "", 0, 0); /* pure ACK after close: ignored */
	ASSERT_EVENTS(&t.r, "D2");
	/* a new SYN on the same tuple starts over */
	SYN(&t, 5000);
	assert_false(t.d.closed);
	assert_int_equal(t.d.next_seq, 5001);
	DATA(&t, 5001, "cd");
	ASSERT_DATA(&t.r, "abcd");
	ASSERT_EVENTS(&t.r, "D4");
	t_free(&t);

	/* RST hands on what waits */
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1003, "def");
	seg(&t, 1006, TCP_RST, "", 0, 0);
	ASSERT_EVENTS(&t.r, "G3 D3");
	assert_true(t.d.closed);
	assert_int_equal(t.d.queued_segs, 0);
	t_free(&t);

	/* a new SYN after close drops the old queue without delivering it */
	t_init(&t);
	SYN(&t, 999);
	seg(&t, 1005, TCP_FIN, "zz", 2, 2);
	assert_int_equal(t.d.queued_segs, 1);
	SYN(&t, 7000);
	assert_int_equal(t.d.queued_segs, 0);
	DATA(&t, 7001, "new");
	ASSERT_EVENTS(&t.r, "D3");
	t_free(&t);
}

/* ---- the same bytes however they are cut into segments ---- */

enum { MSG = 200 };

static void make_msg(uint8_t *m)
{
	for (size_t i = 0; i < MSG; i++)
		m[i] = (uint8_t)(i * 7 + 3);
}

/* Reference: the message in one segment. */
static void whole(struct t *t, const uint8_t *m, uint32_t isn)
{
	t_init(t);
	SYN(t, isn);
	seg(t, isn + 1, 0, m, MSG, MSG);
}

static void assert_same(const struct t *a, const struct t *b)
{
	assert_int_equal(a->r.data.len, b->r.data.len);
	assert_memory_equal(a->r.data.p, b->r.data.p, a->r.data.len);
	char ea[4096], eb[4096];
	assert_string_equal(rec_str(&a->r, ea, sizeof ea), rec_str(&b->r, eb, sizeof eb));
	assert_int_equal(a->d.next_seq, b->d.next_seq);
	assert_int_equal(a->d.bytes, b->d.bytes);
}

static void test_byte_at_a_time(void **state)
{
	(void)state;
	static const uint32_t isns[] = {999, 0xffffffffu - 100}; /* the second wraps */
	uint8_t m[MSG];
	make_msg(m);
	for (size_t k = 0; k < ARRAY_LEN(isns); k++) {
		uint32_t isn = isns[k];
		struct t ref, t;
		whole(&ref, m, isn);
		assert_int_equal(ref.r.data.len, MSG);

		/* in order, one byte per segment */
		t_init(&t);
		SYN(&t, isn);
		for (size_t i = 0; i < MSG; i++)
			seg(&t, isn + 1 + (uint32_t)i, 0, m + i, 1, 1);
		assert_same(&ref, &t);
		t_free(&t);

		/* in reverse order: all but the first byte wait in the queue */
		t_init(&t);
		SYN(&t, isn);
		for (size_t i = MSG; i-- > 0;)
			seg(&t, isn + 1 + (uint32_t)i, 0, m + i, 1, 1);
		assert_same(&ref, &t);
		assert_int_equal(t.d.out_of_order, MSG - 1);
		t_free(&t);

		/* odd bytes first, then even ones, each sent twice */
		t_init(&t);
		SYN(&t, isn);
		for (int pass = 1; pass >= 0; pass--)
			for (size_t i = (size_t)pass; i < MSG; i += 2) {
				seg(&t, isn + 1 + (uint32_t)i, 0, m + i, 1, 1);
				seg(&t, isn + 1 + (uint32_t)i, 0, m + i, 1, 1);
			}
		assert_same(&ref, &t);
		t_free(&t);

		/* overlapping 3-byte windows sliding by 1, backwards */
		t_init(&t);
		SYN(&t, isn);
		for (size_t i = MSG - 2; i-- > 0;)
			seg(&t, isn + 1 + (uint32_t)i, 0, m + i, 3, 3);
		assert_same(&ref, &t);
		t_free(&t);

		t_free(&ref);
	}
}

/* Every split point, both segments in either order. */
static void test_split_points(void **state)
{
	(void)state;
	uint8_t m[MSG];
	make_msg(m);
	struct t ref;
	whole(&ref, m, 41);
	for (size_t cut = 0; cut <= MSG; cut++) {
		for (int rev = 0; rev < 2; rev++) {
			struct t t;
			t_init(&t);
			SYN(&t, 41);
			size_t first = rev ? cut : 0, second = rev ? 0 : cut;
			size_t n1 = rev ? MSG - cut : cut, n2 = rev ? cut : MSG - cut;
			seg(&t, 42 + (uint32_t)first, 0, m + first, n1, n1);
			seg(&t, 42 + (uint32_t)second, 0, m + second, n2, n2);
			assert_same(&ref, &t);
			t_free(&t);
		}
	}
	t_free(&ref);
}

/* ---- retransmissions of bytes already delivered ---- */

/* A retransmission that changes bytes already handed on: the first copy wins
 * and the conflict is counted. The hostile case: bytes 90..119 of the first
 * 120 differ in a copy that starts at 60 and goes on past the end. */
static void test_delivered_conflict(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abcdefgh");
	DATA(&t, 1002, "cdXf");           /* wholly old, 'e' changed to 'X' */
	assert_int_equal(t.d.retransmits, 1);
	assert_int_equal(t.d.overlap_conflicts, 1);
	DATA(&t, 1006, "gZij");           /* partly old: 'h' changed; "ij" new */
	assert_int_equal(t.d.overlaps, 1);
	assert_int_equal(t.d.overlap_conflicts, 2);
	ASSERT_DATA(&t.r, "abcdefghij"); /* first copy wins */
	t_free(&t);
}

/* Retransmissions with the same bytes, whole or overlapping: no conflict. */
static void test_delivered_same_bytes(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abcdefgh");
	DATA(&t, 1000, "abcdefgh");
	DATA(&t, 1003, "def");
	DATA(&t, 1006, "ghijk");
	DATA(&t, 0xfffff000u, "old and far"); /* far before: not compared */
	DATA(&t, 1010, "\0");                 /* a keep-alive: the last byte, garbage */
	assert_int_equal(t.d.retransmits, 4);
	assert_int_equal(t.d.overlap_conflicts, 0);
	ASSERT_DATA(&t.r, "abcdefghijk");
	t_free(&t);
}

/* A queued segment that overlaps delivered bytes with other bytes. */
static void test_queued_conflicts_delivered(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1004, "XXgh");  /* queued; 1004..1005 will conflict with "ef" */
	DATA(&t, 1000, "abcdef"); /* delivered, then the queued one drains */
	ASSERT_DATA(&t.r, "abcdefgh");
	assert_int_equal(t.d.overlap_conflicts, 1);
	t_free(&t);
}

/* Bytes older than the kept window are not compared (and nothing breaks);
 * the ring stays one fixed allocation however much is delivered. */
static void test_delivered_window(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 0xfffff000u); /* the stream crosses 2^32 */
	size_t total = 3 * REASM_HISTORY + 123;
	uint8_t *big = malloc(total), *evil = malloc(total);
	assert_non_null(big);
	assert_non_null(evil);
	for (size_t i = 0; i < total; i++) {
		big[i] = (uint8_t)(i * 7);
		evil[i] = (uint8_t)~big[i];
	}
	uint32_t base = 0xfffff001u;
	for (size_t off = 0; off < total; off += 1000) {
		size_t n = total - off < 1000 ? total - off : 1000;
		seg(&t, base + (uint32_t)off, 0, big + off, n, n);
	}
	assert_non_null(t.d.history);
	assert_int_equal(t.d.history_len, REASM_HISTORY);
	/* the first 100 bytes are long gone from the window: a changed copy passes */
	seg(&t, base, 0, evil, 100, 100);
	assert_int_equal(t.d.overlap_conflicts, 0);
	/* straddling the window's start: only the kept part is compared, and agrees */
	size_t kept = total - REASM_HISTORY;
	seg(&t, base + (uint32_t)(kept - 50), 0, big + kept - 50, 100, 100);
	assert_int_equal(t.d.overlap_conflicts, 0);
	/* the last two kept bytes changed (one byte there would be a keep-alive) */
	seg(&t, base + (uint32_t)(total - 2), 0, evil + total - 2, 2, 2);
	assert_int_equal(t.d.overlap_conflicts, 1);
	assert_int_equal(t.r.data.len, total);
	free(big);
	free(evil);
	t_free(&t);
}

/* The ring is taken from the shared budget and given back by reasm_free;
 * with the budget past half used, no ring is taken (and nothing is compared). */
static void test_delivered_budget(void **state)
{
	(void)state;
	struct t t;
	struct budget b = {0, BUDGET_DEFAULT, NULL, NULL, 0};
	t_init(&t);
	t.d.budget = &b;
	SYN(&t, 999);
	DATA(&t, 1000, "abc");
	assert_int_equal(b.used, REASM_HISTORY);
	reasm_free(&t.d);
	assert_int_equal(b.used, 0);
	assert_null(t.d.history);
	t_free(&t);

	t_init(&t);
	b.used = BUDGET_DEFAULT / 2 + 1;
	t.d.budget = &b;
	SYN(&t, 999);
	DATA(&t, 1000, "abc");
	DATA(&t, 1000, "xyz");
	assert_null(t.d.history);
	assert_int_equal(t.d.overlap_conflicts, 0);
	assert_int_equal(b.used, BUDGET_DEFAULT / 2 + 1);
	t_free(&t);
}

/* After a gap the kept bytes start over: nothing before the gap is compared. */
static void test_delivered_after_gap(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	SYN(&t, 999);
	DATA(&t, 1000, "abcd");
	seg(&t, 1004, 0, "ef", 2, 4); /* 2 bytes cut by the snaplen */
	assert_int_equal(t.d.history_len, 0);
	DATA(&t, 1008, "ijkl");
	assert_int_equal(t.d.history_len, 4);
	DATA(&t, 1000, "ABCD"); /* before the gap: not kept, not compared */
	assert_int_equal(t.d.overlap_conflicts, 0);
	DATA(&t, 1009, "jKl");
	assert_int_equal(t.d.overlap_conflicts, 1);
	t_free(&t);
}

/* sink.skips: "the next n bytes are skipped unread" while skip_next is set. */
static bool skip_next;

static bool skips(void *arg, size_t n)
{
	(void)arg;
	(void)n;
	return skip_next;
}

/* Bytes the next stage skips unread are not kept: a retransmission that
 * changes them is not compared; bytes read after them are again. */
static void test_skipped_bytes_not_kept(void **state)
{
	(void)state;
	struct t t;
	t_init(&t);
	t.sink.skips = skips;
	SYN(&t, 999);
	skip_next = false;
	DATA(&t, 1000, "abcd");
	assert_int_equal(t.d.history_len, 4);
	skip_next = true;
	DATA(&t, 1004, "efgh"); /* a READ's payload, say */
	assert_int_equal(t.d.history_len, 0);
	DATA(&t, 1004, "eXgh"); /* changed, but never read: not compared */
	DATA(&t, 1000, "Abcd"); /* before the skipped bytes: not kept either */
	assert_int_equal(t.d.overlap_conflicts, 0);
	skip_next = false;
	DATA(&t, 1008, "ijkl");
	assert_int_equal(t.d.history_len, 4);
	DATA(&t, 1009, "jKl");
	assert_int_equal(t.d.overlap_conflicts, 1);
	ASSERT_DATA(&t.r, "abcdefghijkl"); /* every byte handed on, first copy wins */
	t_free(&t);
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_syn),
		cmocka_unit_test(test_retransmission),
		cmocka_unit_test(test_partial_overlap),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_out_of_order_overlap_fill),
		cmocka_unit_test(test_queued_duplicate),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_snaplen),
		cmocka_unit_test(test_snaplen_sweep),
		cmocka_unit_test(test_queue_cap_segs),
		cmocka_unit_test(test_queue_cap_segs_earlier),
		cmocka_unit_test(test_queue_cap_bytes),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_reasm_free),
		cmocka_unit_test(test_fin_rst),
		cmocka_unit_test(test_byte_at_a_time),
		cmocka_unit_test(test_split_points),
		cmocka_unit_test(test_delivered_conflict),
		cmocka_unit_test(test_delivered_same_bytes),
		cmocka_unit_test(test_queued_conflicts_delivered),
		cmocka_unit_test(test_delivered_window),
		cmocka_unit_test(test_delivered_budget),
		cmocka_unit_test(test_delivered_after_gap),
		cmocka_unit_test(test_skipped_bytes_not_kept),
	};
	return cmocka_run_group_tests_name("tcp_reasm", tests, NULL, NULL);
}
