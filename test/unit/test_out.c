/* Unit tests for the shared formatting module fmt.c: JSON and text string
 * escaping, GUID (MS-DTYP 2.3.4.2), FILETIME (MS-DTYP 2.3.3), endpoints,
 * dialect names; and, through out.c, the minimum JSON `conversation`
 * contract (README "JSON schema"). Output is captured with open_memstream. */
#include "testutil2.h"

#include "smbneg/conv.h"
#include "smbneg/fmt.h"
#include "smbneg/out.h"
#include "smbneg/smb_const.h"
#include "smbneg/community_id.h"
#include "smbneg/verdict.h"

/* Run fn(f, s) on an exact-size heap copy of s and return what it wrote. */
static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
	size_t n = strlen(s) + 1;
	char *in = (char *)heap_copy(s, n);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, in);
	assert_int_equal(fclose(f), 0);
	free(in);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* fmt_json_quote through a 16-byte buffer: longer strings spill into f. */
static void json_quote_to(FILE *f, const char *s)
{
	char store[16];
	struct fmt_buf b;
	fmt_buf_start(&b, f, store, sizeof store);
	fmt_json_quote(&b, s);
	fmt_buf_flush(&b);
}

static void check_json(const char *in, const char *want)
{
	char *got = capture(json_quote_to, in);
	assert_string_equal(got, want);
	free(got);
}

static void check_text(const char *in, const char *want)
{
	char *got = capture(fmt_text_string, in);
	assert_string_equal(got, want);
	free(got);
}

/* ---- fmt_json_quote ---- */

static void test_json_plain(void **state)
{
	(void)state;
	check_json("", "\"\"");
	check_json("NT LM 0.12", "\"NT LM 0.12\"");
	check_json("SMB 2.???", "\"SMB 2.???\"");
	check_json("a/b", "\"a/b\"");
}

static void test_json_quotes_backslash(void **state)
{
	(void)state;
	check_json("say \"hi\"", "\"say \\\"hi\\\"\"");
	check_json("C:\\share\\x", "\"C:\\\\share\\\\x\"");
	check_json("\\\"", "\"\\\\\\\"\"");
}

static void test_json_control(void **state)
{
	(void)state;
	/* RFC 8259 7: U+0000..U+001F must be escaped; DEL is escaped too. */
	check_json("\x01", "\"\\u0001\"");
	check_json("a\nb\tc\rd", "\"a\\u000ab\\u0009c\\u000dd\"");
	check_json("\x1f\x7f", "\"\\u001f\\u007f\"");
	check_json("\b\f", "\"\\u0008\\u000c\"");
}

static void test_json_utf8_passthrough(void **state)
{
	(void)state;
	/* U+00E9, U+20AC, U+1F600, U+10FFFF and U+FFFD pass unchanged */
	check_json("Caf\xc3\xa9", "\"Caf\xc3\xa9\"");
	check_json("\xe2\x82\xac 5", "\"\xe2\x82\xac 5\"");
	check_json("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	check_json("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");
	check_json("\xef\xbf\xbd", "\"\xef\xbf\xbd\"");
	check_json("\xc2\x80", "\"\xc2\x80\""); /* smallest 2-byte */
}

static void test_json_invalid_bytes(void **state)
{
	(void)state;
	/* bytes that start no valid sequence come out as \u00XX */
	check_json("\xff", "\"\\u00ff\"");
	check_json("\xfe\xff", "\"\\u00fe\\u00ff\"");
	check_json("\x80", "\"\\u0080\"");             /* lone continuation */
	check_json("a\xc3", "\"a\\u00c3\"");           /* cut at the end */
	check_json("\xe2\x82" "A", "\"\\u00e2\\u0082A\""); /* cut short */
	check_json("\xc0\xaf", "\"\\u00c0\\u00af\"");  /* overlong 2-byte */
	check_json("\xc1\xbf", "\"\\u00c1\\u00bf\"");
	check_json("\xf8\x88\x80\x80\x80", "\"\\u00f8\\u0088\\u0080\\u0080\\u0080\""); /* 5-byte form */
	/* an OEM (CP850) dialect name byte, as an SMB1 client may send */
	check_json("caf\x82", "\"caf\\u0082\"");
}

static void test_json_invalid_multibyte(void **state)
{
	(void)state;
	/* RFC 3629 / Unicode Table 3-7: ill-formed sequences whose bytes look
	 * like a lead and continuations are not UTF-8 either. */
	static const char *const cases[][2] = {
		{"\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""},            /* overlong '/' */
		{"\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""},            /* U+D800 */
		{"\xf0\x80\x80\xaf", "\"\\u00f0\\u0080\\u0080\\u00af\""}, /* overlong */
		{"\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""}, /* U+110000 */
		{"\xf5\x80\x80\x80", "\"\\u00f5\\u0080\\u0080\\u0080\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_json(cases[i][0], cases[i][1]);
}

/* ---- fmt_text_string ---- */

static void test_text_string(void **state)
{
	(void)state;
	check_text("", "");
	check_text("NT LM 0.12", "NT LM 0.12");
	check_text("say \"hi\"", "say \"hi\"");
	check_text("a\\b", "a\\x5cb"); /* the escape character itself */
	check_text("\x01", "\\x01");
	check_text("line\nnext\t", "line\\x0anext\\x09");
	check_text("\x7f", "\\x7f");
	check_text("Caf\xc3\xa9 \xe2\x82\xac", "Caf\xc3\xa9 \xe2\x82\xac");
	check_text("\xff" "A", "\\xffA");
	check_text("\xc3", "\\xc3");
	check_text("\xc0\xaf", "\\xc0\\xaf");
}

/* ---- fmt_guid ---- */

static void test_guid(void **state)
{
	(void)state;
	char buf[37];
	/* MS-DTYP 2.3.4.2: Data1 (LE u32), Data2 (LE u16), Data3 (LE u16), Data4 bytes */
	static const uint8_t g1[16] = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
				       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	assert_string_equal(fmt_guid(g1, buf, sizeof buf), "00112233-4455-6677-8899-aabbccddeeff");
	/* the SMB2 POSIX extensions context id as sent on the wire */
	static const uint8_t g2[16] = {0x93, 0xad, 0x25, 0x50, 0x9c, 0xb4, 0x11, 0xe7,
				       0xb4, 0x23, 0x83, 0xde, 0x96, 0x8b, 0xcd, 0x7c};
	assert_string_equal(fmt_guid(g2, buf, sizeof buf), "5025ad93-b49c-e711-b423-83de968bcd7c");
	static const uint8_t g0[16] = {0};
	assert_string_equal(fmt_guid(g0, buf, sizeof buf), "00000000-0000-0000-0000-000000000000");
	/* a short buffer is cut, still terminated */
	char small[9];
	fmt_guid(g1, small, sizeof small);
	assert_string_equal(small, "00112233");
}

/* ---- fmt_filetime / fmt_time ---- */

static void test_filetime(void **state)
{
	(void)state;
	char buf[48];
	/* 116444736000000000 = 1970-01-01T00:00:00Z */
	assert_string_equal(fmt_filetime(UINT64_C(116444736000000000), buf, sizeof buf),
			    "1970-01-01T00:00:00.000000Z");
	/* 132223104000000000 = 2020-01-01T00:00:00Z */
	assert_string_equal(fmt_filetime(UINT64_C(132223104000000000), buf, sizeof buf),
			    "2020-01-01T00:00:00.000000Z");
	/* 100 ns units: 1234567 ticks = 0.1234567 s, microseconds 123456 */
	assert_string_equal(fmt_filetime(UINT64_C(132223104001234567), buf, sizeof buf),
			    "2020-01-01T00:00:00.123456Z");
	/* 133497954451234560 = 2024-01-15T12:30:45.123456Z */
	assert_string_equal(fmt_filetime(UINT64_C(133497954451234560), buf, sizeof buf),
			    "2024-01-15T12:30:45.123456Z");
	/* zero: not set */
	memcpy(buf, "junk", 5);
	assert_string_equal(fmt_filetime(0, buf, sizeof buf), "");
	/* beyond year 9999: nothing sensible to print */
	assert_string_equal(fmt_filetime(UINT64_MAX, buf, sizeof buf), "");
}

static void test_time(void **state)
{
	(void)state;
	char buf[48];
	struct timeval tv = {0, 0};
	assert_string_equal(fmt_time(&tv, buf, sizeof buf), "1970-01-01T00:00:00.000000Z");
	tv.tv_sec = 1577836800;
	tv.tv_usec = 42;
	assert_string_equal(fmt_time(&tv, buf, sizeof buf), "2020-01-01T00:00:00.000042Z");
}

/* ---- fmt_endpoint ---- */

static void test_endpoint_ipv4(void **state)
{
	(void)state;
	char buf[64];
	struct endpoint e;
	memset(&e, 0, sizeof e);
	e.family = 4;
	memcpy(e.addr, (uint8_t[]){192, 0, 2, 10}, 4);
	e.port = 445;
	assert_string_equal(fmt_endpoint(&e, buf, sizeof buf), "192.0.2.10:445");
	e.port = 65535;
	memcpy(e.addr, (uint8_t[]){255, 255, 255, 255}, 4);
	assert_string_equal(fmt_endpoint(&e, buf, sizeof buf), "255.255.255.255:65535");
	/* a short buffer: cut, terminated */
	char small[8];
	fmt_endpoint(&e, small, sizeof small);
	assert_string_equal(small, "255.255");
}

static void test_endpoint_ipv6(void **state)
{
	(void)state;
	char buf[80];
	struct endpoint e;
	memset(&e, 0, sizeof e);
	e.family = 6;
	/* 2001:db8::1 */
	memcpy(e.addr, (uint8_t[]){0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 16);
	e.port = 49152;
	assert_string_equal(fmt_endpoint(&e, buf, sizeof buf), "[2001:db8::1]:49152");
	/* fe80::1:2:3:4 */
	memcpy(e.addr, (uint8_t[]){0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4}, 16);
	e.port = 445;
	assert_string_equal(fmt_endpoint(&e, buf, sizeof buf), "[fe80::1:2:3:4]:445");
	/* the longest form */
	memset(e.addr, 0xff, 16);
	e.port = 65535;
	assert_string_equal(fmt_endpoint(&e, buf, sizeof buf),
			    "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

/* ---- fmt_dialect ---- */

static void test_dialect(void **state)
{
	(void)state;
	char buf[64];
	struct conv *c = calloc(1, sizeof *c);
	assert_non_null(c);
	struct facts f;
#define DIALECT() (facts_build(c, &f), fmt_dialect(&f, buf, sizeof buf))
	assert_null(DIALECT()); /* no SMB state */
	assert_string_equal(buf, "");
	c->smb = calloc(1, sizeof *c->smb);
	assert_non_null(c->smb);
	assert_null(DIALECT()); /* nothing negotiated */
	c->smb->smb2_resp_seen = true;
	c->smb->smb2_resp.dialect = 0x0311;
	assert_string_equal(DIALECT(), "3.1.1");
	c->smb->smb2_resp.dialect = 0x0202;
	assert_string_equal(DIALECT(), "2.0.2");
	c->smb->smb2_resp.dialect = 0x0999;
	assert_string_equal(DIALECT(), "0x0999");
	c->smb->smb2_resp_status = NT_STATUS_NOT_SUPPORTED; /* a failed response names none */
	assert_null(DIALECT());
	c->smb->smb2_resp_seen = false;
	c->smb->smb1_resp_seen = true;
	memcpy(c->smb->smb1_dialect, "NT LM 0.12", sizeof "NT LM 0.12");
	assert_string_equal(DIALECT(), "NT LM 0.12");
	free(c->smb);
	free(c);
#undef DIALECT
}

/* ---- the JSON conversation contract ---- */

static void test_json_conversation_contract(void **state)
{
	(void)state;
	struct conv *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->smb = calloc(1, sizeof *c->smb);
	assert_non_null(c->smb);
	c->client = 1; /* ep[1] sent the Negotiate request */
	c->ep[0].family = c->ep[1].family = 6;
	memcpy(c->ep[0].addr, (uint8_t[]){0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 16);
	c->ep[0].port = 445;
	memcpy(c->ep[1].addr, (uint8_t[]){0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, 16);
	c->ep[1].port = 50000;
	c->fin[0] = c->fin[1] = true;
	c->anomalies = ANOM_BIT(ANOM_SMB2_SECMODE_ZERO);
	struct conv_smb *s = c->smb;
	s->version = 2;
	s->smb2_req_seen = s->smb2_resp_seen = true;
	s->smb2_req.security_mode = 1;
	s->smb2_resp.security_mode = 0;
	s->smb2_resp.dialect = 0x0311;
	s->sess_req_seen = s->smb2_sess_req_seen = true;
	s->session_ok = true;
	s->after_negotiate[0].unsigned_msgs = 4;
	s->after_negotiate[1].unsigned_msgs = 3;
	s->after_negotiate[1].signed_msgs = 1;
	s->ordinary[0].unsigned_msgs = 2;
	s->ordinary[1].unsigned_msgs = 2;
	struct verdict v;
	verdict_compute(c, &v);
	assert_int_equal(v.verdict, V_NOT_SIGNED);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct out o;
	out_init(&o, OUT_JSON, f);
	struct facts fx;
	facts_build(c, &fx);
	out_conversation(&o, 1, c, &fx, &v);
	out_free(&o);
	assert_int_equal(fclose(f), 0);
	static const char *const want[] = {
		"\"event\":\"conversation\"",
		"\"client\":\"[2001:db8::2]:50000\"",
		"\"server\":\"[2001:db8::1]:445\"",
		"\"smb_version\":2",
		"\"dialect\":\"3.1.1\"",
		"\"client_security_mode\":1",
		"\"server_security_mode\":0",
		"\"client_signing\":\"enabled\"",
		"\"server_signing\":\"disabled\"",
		"\"signed_messages\":1",
		"\"unsigned_messages\":7",
		"\"verdict\":\"not-signed\"",
		"\"anomalies\":[",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		if (!strstr(buf, want[i]))
			fail_msg("missing %s in %s", want[i], buf);
	assert_true(buf[0] == '{');
	assert_true(len >= 2 && buf[len - 2] == '}' && buf[len - 1] == '\n');
	assert_ptr_equal(strchr(buf, '\n'), buf + len - 1); /* one line */
	free(buf);
	free(c->smb);
	free(c);
}

/* ---- the JSON envelope and the joining keys ---- */

/* The value of "key": in a JSON line (up to the next comma), into buf. */
static const char *value_of(const char *line, const char *key, char *buf, size_t size)
{
	char k[64];
	snprintf(k, sizeof k, "\"%s\":", key);
	const char *p = strstr(line, k);
	assert_non_null(p);
	p += strlen(k);
	size_t n = strcspn(p, ",}");
	assert_true(n < size);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void test_json_envelope(void **state)
{
	(void)state;
	struct conv *c = calloc(1, sizeof *c);
	assert_non_null(c);
	c->smb = calloc(1, sizeof *c->smb);
	assert_non_null(c->smb);
	c->id = 7;
	c->client = 0;
	c->ep[0].family = c->ep[1].family = 4;
	memcpy(c->ep[0].addr, (uint8_t[]){10, 0, 0, 1}, 4); /* 10.0.0.1:50000 -> 10.0.0.2:445 */
	c->ep[0].port = 50000;
	memcpy(c->ep[1].addr, (uint8_t[]){10, 0, 0, 2}, 4);
	c->ep[1].port = 445;
	c->first_ts.tv_sec = 1700000000;
	c->last_ts.tv_sec = 1700000001;
	c->last_ts.tv_usec = 250000;
	c->last_frame = 9;
	struct facts fx;
	struct verdict v;
	facts_build(c, &fx);
	verdict_decide(&fx, &v);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	struct out o;
	out_init(&o, OUT_JSON, f);
	o.sensor = "dc1-sensor";
	o.interface = "eth1";
	out_begin_file(&o, "eth1");
	struct frame_ctx at = {5, {1700000000, 500000}, 0, 0, NULL, 1};
	out_verdict(&o, c, &fx, &v, &at, "messages");
	out_conversation(&o, 1, c, &fx, &v);
	out_free(&o);
	assert_int_equal(fclose(f), 0);

	char *second = strchr(buf, '\n');
	assert_non_null(second);
	*second++ = '\0';
	char a[64], b[64];
	/* both events: the envelope, in order, and the same uid and community_id */
	assert_true(strncmp(buf, "{\"event\":\"verdict\",\"ts\":\"2023-11-14T22:13:20.500000Z\","
			    "\"schema_version\":2,\"sensor\":\"dc1-sensor\",\"interface\":\"eth1\",",
			    77) == 0);
	assert_non_null(strstr(second, "\"ts\":\"2023-11-14T22:13:21.250000Z\"")); /* last frame */
	assert_string_equal(value_of(buf, "uid", a, sizeof a), value_of(second, "uid", b, sizeof b));
	assert_int_equal(strlen(a), 2 + 18);
	assert_true(a[1] == 'C');
	struct community_id_flow fl = {4, 6, {10, 0, 0, 1}, {10, 0, 0, 2}, 50000, 445};
	char cid[COMMUNITY_ID_SIZE], want[COMMUNITY_ID_SIZE + 2];
	assert_int_equal(community_id_v1(&fl, 0, cid, sizeof cid), 0);
	snprintf(want, sizeof want, "\"%s\"", cid);
	assert_string_equal(value_of(buf, "community_id", a, sizeof a), want);
	assert_string_equal(value_of(second, "community_id", b, sizeof b), want);
	assert_string_equal(value_of(buf, "decided_by", a, sizeof a), "\"messages\"");
	assert_string_equal(value_of(buf, "frame", a, sizeof a), "5");
	/* keys of the conversation that are unknown here: null, not absent */
	assert_string_equal(value_of(second, "dialect_id", a, sizeof a), "null");
	assert_string_equal(value_of(second, "session_setup_status", a, sizeof a), "null");
	assert_string_equal(value_of(second, "tree_connect_status_name", a, sizeof a), "null");
	free(buf);
	free(c->smb);
	free(c);
}

/* Text summary: late data after FIN/RST and --idle connections that resumed
 * (named by their rows) are counted, not conversations. */
static void test_text_late_and_resumed(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	struct out o;
	out_init(&o, OUT_TEXT, fp);
	o.quiet = true;
	struct tally t;
	tally_init(&t);
	tally_begin_file(&t);
	struct flow_stats st = {.late_segments = 3, .idle_resumed = 2, .after_idle = 9};
	tally_end_file(&t, &st, false);
	out_resumed(&o, 4);
	out_resumed(&o, 0); /* not reported (no SMB): not named */
	out_summary(&o, &t);
	out_free(&o);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(strstr(buf, "  3 late data segments after FIN/RST, counted with the "
				    "connections they closed (not new conversations)\n"));
	assert_non_null(strstr(buf, "  2 connections concluded by --idle resumed (#4, ...; 9 "
				    "segments after): the same connections, not new conversations\n"));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_plain),
		cmocka_unit_test(test_json_quotes_backslash),
		cmocka_unit_test(test_json_control),
		cmocka_unit_test(test_json_utf8_passthrough),
		cmocka_unit_test(test_json_invalid_bytes),
		cmocka_unit_test(test_json_invalid_multibyte),
		cmocka_unit_test(test_text_string),
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_filetime),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_endpoint_ipv4),
		cmocka_unit_test(test_endpoint_ipv6),
		cmocka_unit_test(test_dialect),
		cmocka_unit_test(test_json_conversation_contract),
		cmocka_unit_test(test_json_envelope),
		cmocka_unit_test(test_text_late_and_resumed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
