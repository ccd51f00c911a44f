/* Unit tests for analyze, the driver: an in-memory pcap (LINKTYPE_RAW,
 * IPv4) holding one SMB2 Negotiate exchange on TCP 445 and both FINs runs
 * through capture -> flow -> smb_conn -> facts/rules -> out; the tally
 * counts it, JSON shows the cause, and -w writes the conversation's frames
 * (the evidence the analyser keeps). */
#include "testutil2.h"

#include "smbneg/analyze.h"
#include "smbneg/smb_const.h"

#include <unistd.h>

/* pcap file header (pcap-savefile(5)): magic, 2.4, snaplen, LINKTYPE_RAW 101. */
static void pcap_header(struct tbuf *b)
{
	tb_le32(b, 0xa1b2c3d4);
	tb_le16(b, 2);
	tb_le16(b, 4);
	tb_le32(b, 0);
	tb_le32(b, 0);
	tb_le32(b, 65535);
	tb_le32(b, 101);
}

static void be16(struct tbuf *b, uint16_t v)
{
	tb_u8(b, (uint8_t)(v >> 8));
	tb_u8(b, (uint8_t)v);
}

static void be32(struct tbuf *b, uint32_t v)
{
	be16(b, (uint16_t)(v >> 16));
	be16(b, (uint16_t)v);
}

/* One record: IPv4 (RFC 791) + TCP (RFC 9293) from the client (from 0) or
 * the server, with payload. */
static void frame(struct tbuf *b, uint32_t sec, int from, uint32_t seq, uint8_t flags,
		  const struct tbuf *payload)
{
	size_t n = payload ? payload->n : 0;
	uint32_t len = (uint32_t)(20 + 20 + n);
	tb_le32(b, sec);
	tb_le32(b, 0);
	tb_le32(b, len);
	tb_le32(b, len);
	tb_u8(b, 0x45);
	tb_u8(b, 0);
	be16(b, (uint16_t)len);
	be16(b, 1);     /* Identification */
	be16(b, 0x4000); /* DF */
	tb_u8(b, 64);
	tb_u8(b, 6);    /* TCP */
	be16(b, 0);     /* checksum (not checked) */
	tb_bytes(b, from ? "\x0a\x00\x00\x01" : "\x0a\x00\x00\x02", 4);
	tb_bytes(b, from ? "\x0a\x00\x00\x02" : "\x0a\x00\x00\x01", 4);
	be16(b, from ? 445 : 50000);
	be16(b, from ? 50000 : 445);
	be32(b, seq);
	be32(b, 0);
	tb_u8(b, 0x50); /* data offset 5 */
	tb_u8(b, flags);
	be16(b, 65535);
	be16(b, 0);
	be16(b, 0);
	if (n)
		tb_bytes(b, payload->p, n);
}

/* NBSS session message (MS-SMB2 2.1) around an SMB2 Negotiate. */
static void negotiate(struct tbuf *b, bool response)
{
	struct tbuf m;
	tb_init(&m);
	tb_smb2_header(&m, SMB2_CMD_NEGOTIATE, 0, response ? SMB2_FLAGS_SERVER_TO_REDIR : 0, 0, 0,
		       0, 0);
	if (!response) {
		tb_le16(&m, 36);     /* StructureSize */
		tb_le16(&m, 1);      /* DialectCount */
		tb_le16(&m, 1);      /* SecurityMode: enabled */
		tb_le16(&m, 0);
		tb_le32(&m, 0);      /* Capabilities */
		tb_fill(&m, 0x11, 16); /* ClientGuid */
		tb_le64(&m, 0);
		tb_le16(&m, 0x0302); /* 3.0.2 */
	} else {
		tb_le16(&m, 65);     /* StructureSize */
		tb_le16(&m, 3);      /* SecurityMode: enabled, required */
		tb_le16(&m, 0x0302); /* DialectRevision */
		tb_le16(&m, 0);
		tb_fill(&m, 0x22, 16); /* ServerGuid */
		tb_le32(&m, 0);
		tb_le32(&m, 65536);
		tb_le32(&m, 65536);
		tb_le32(&m, 65536);
		tb_le64(&m, 0);
		tb_le64(&m, 0);
		tb_le16(&m, 0);      /* SecurityBufferOffset */
		tb_le16(&m, 0);      /* SecurityBufferLength */
		tb_le32(&m, 0);
	}
	tb_init(b);
	tb_u8(b, 0);
	tb_be24(b, (uint32_t)m.n);
	tb_bytes(b, m.p, m.n);
	tb_free(&m);
}

static uint8_t *build(size_t *n)
{
	struct tbuf b, q, r;
	tb_init(&b);
	pcap_header(&b);
	negotiate(&q, false);
	negotiate(&r, true);
	frame(&b, 100, 0, 1000, 0x18, &q);
	frame(&b, 101, 1, 5000, 0x18, &r);
	frame(&b, 102, 0, 1000 + (uint32_t)q.n, 0x11, NULL);
	frame(&b, 103, 1, 5000 + (uint32_t)r.n, 0x11, NULL);
	tb_free(&q);
	tb_free(&r);
	*n = b.n;
	return b.p;
}

static void test_pipeline(void **state)
{
	(void)state;
	size_t n;
	uint8_t *pcap = build(&n);
	FILE *in = fmemopen(pcap, n, "rb");
	assert_non_null(in);
	char *out = NULL;
	size_t outlen = 0;
	FILE *of = open_memstream(&out, &outlen);
	assert_non_null(of);
	char wpath[] = "/tmp/smbneg-test-analyze-XXXXXX";
	int fd = mkstemp(wpath);
	assert_true(fd >= 0);
	close(fd);
	char err[256] = "";
	struct out o;
	out_init(&o, OUT_JSON, of);
	struct analyzer a;
	analyze_init(&a, &o);
	struct evidence_writer ew;
	assert_true(evidence_open(&ew, wpath, 0, 0, 0, err, sizeof err));
	a.writer = &ew;
	a.write_all = true;
	assert_true(analyze_stream(&a, in, "mem", err, sizeof err));
	assert_true(analyze_close(&a, err, sizeof err));
	out_summary(&o, &a.tally);
	out_free(&o);
	assert_int_equal(fclose(of), 0);
	assert_int_equal(a.tally.files, 1);
	assert_int_equal(a.tally.conversations, 1);
	assert_int_equal(a.tally.verdicts[V_INCOMPLETE], 1);
	assert_int_equal(a.tally.totals.frames, 4);
	assert_int_equal(a.tally.totals.smb_connections, 1);
	assert_non_null(strstr(out, "\"cause\":\"closed-after-negotiate\""));
	assert_non_null(strstr(out, "\"event\":\"negotiate\""));
	/* a Negotiate-only connection: its verdict is decided when it closes, and the
	 * verdict event comes right before the conversation event */
	const char *ve = strstr(out, "\"event\":\"verdict\"");
	assert_non_null(ve);
	assert_non_null(strstr(ve, "\"decided_by\":\"close\""));
	assert_true(ve < strstr(out, "\"event\":\"conversation\""));
	assert_int_equal(a.written_conversations, 1);
	assert_int_equal(a.written_frames, 4);
	assert_int_equal(a.kept_total, 0); /* evidence released with its conversation */
	analyze_free(&a);
	unlink(wpath);
	free(out);
	free(pcap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pipeline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
