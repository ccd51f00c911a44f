/* Unit tests for baseline (include/smbneg/baseline.h): records and their
 * order, the JSON lines format (exact bytes), the loader's errors with line
 * numbers and its truncation and byte-flip sweeps, the comparison (round trip
 * = no difference, one changed field named exactly, added/removed, file-level
 * changes, regenerated client ports), relative paths and the exit table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/baseline.h"

/* A conversation with the facts of a signed SMB 3.1.1 session. */
static struct baseline_rec *conv(struct baseline *b, size_t file, const char *client,
				 const char *server)
{
	struct baseline_rec *r = baseline_add_rec(b, file);
	assert_non_null(r);
	assert_int_equal(baseline_set(r->client, sizeof r->client, client), 0);
	assert_int_equal(baseline_set(r->server, sizeof r->server, server), 0);
	baseline_set(r->verdict, sizeof r->verdict, "signed");
	baseline_set(r->dialect, sizeof r->dialect, "3.1.1");
	baseline_set(r->client_signing, sizeof r->client_signing, "enabled");
	baseline_set(r->server_signing, sizeof r->server_signing, "required");
	baseline_set(r->protection, sizeof r->protection, "signing");
	return r;
}

/* b/c.pcapng's conversation: a cause and two anomalies, added unsorted. */
static void conv_bc(struct baseline *b, size_t file)
{
	struct baseline_rec *r = conv(b, file, "[::1]:40000", "[::1]:445");
	baseline_set(r->cause, sizeof r->cause, "client-requires-server-disabled");
	assert_int_equal(baseline_add_anomaly(r, "smb2-signed-negotiate"), 0);
	assert_int_equal(baseline_add_anomaly(r, "negotiate-repeated"), 0);
}

/* Two files: a.pcap with two conversations, b/c.pcapng with one with an
 * anomaly, and an unreadable netmon.cap. Added out of order on purpose. */
static void sample(struct baseline *b)
{
	size_t a, c, n;
	baseline_init(b);
	assert_int_equal(baseline_add_file(b, "b/c.pcapng", true, &c), 0);
	assert_int_equal(baseline_add_file(b, "a.pcap", true, &a), 0);
	assert_int_equal(baseline_add_file(b, "netmon.cap", false, &n), 0);
	conv(b, a, "127.0.0.1:50002", "127.0.0.2:445");
	struct baseline_rec *r = conv(b, a, "127.0.0.1:50001", "127.0.0.2:445");
	baseline_set(r->verdict, sizeof r->verdict, "not-signed");
	baseline_set(r->server_signing, sizeof r->server_signing, "enabled");
	baseline_set(r->protection, sizeof r->protection, "none");
	conv_bc(b, c);
	assert_int_equal(baseline_finish(b), 0);
}

static const char sample_text[] =
    "{\"format\":\"smbneg-baseline\",\"version\":1}\n"
    "{\"conversations\":2,\"file\":\"a.pcap\",\"record\":\"file\",\"status\":\"ok\"}\n"
    "{\"anomalies\":[],\"cause\":null,\"client\":\"127.0.0.1:50001\",\"client_signing\":"
    "\"enabled\",\"dialect\":\"3.1.1\",\"file\":\"a.pcap\",\"ordinal\":2,\"protection\":"
    "\"none\",\"record\":\"conversation\",\"server\":\"127.0.0.2:445\",\"server_signing\":"
    "\"enabled\",\"verdict\":\"not-signed\"}\n"
    "{\"anomalies\":[],\"cause\":null,\"client\":\"127.0.0.1:50002\",\"client_signing\":"
    "\"enabled\",\"dialect\":\"3.1.1\",\"file\":\"a.pcap\",\"ordinal\":1,\"protection\":"
    "\"signing\",\"record\":\"conversation\",\"server\":\"127.0.0.2:445\",\"server_signing\":"
    "\"required\",\"verdict\":\"signed\"}\n"
    "{\"conversations\":1,\"file\":\"b/c.pcapng\",\"record\":\"file\",\"status\":\"ok\"}\n"
    "{\"anomalies\":[\"negotiate-repeated\",\"smb2-signed-negotiate\"],\"cause\":"
    "\"client-requires-server-disabled\",\"client\":\"[::1]:40000\",\"client_signing\":"
    "\"enabled\",\"dialect\":\"3.1.1\",\"file\":\"b/c.pcapng\",\"ordinal\":1,\"protection\":"
    "\"signing\",\"record\":\"conversation\",\"server\":\"[::1]:445\",\"server_signing\":"
    "\"required\",\"verdict\":\"signed\"}\n"
    "{\"conversations\":0,\"file\":\"netmon.cap\",\"record\":\"file\",\"status\":"
    "\"unreadable\"}\n";

/* What fn wrote to a memory stream, NUL-terminated (free it). */
static char *capture_diff(void (*fn)(FILE *, const struct baseline_diff *),
			  const struct baseline_diff *d)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	assert_non_null(f);
	fn(f, d);
	fclose(f);
	return s;
}

static char *write_text(const struct baseline *b)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);
	assert_non_null(f);
	assert_int_equal(baseline_write(f, b), 0);
	fclose(f);
	return s;
}

/* Load n bytes (an exact heap copy); returns baseline_load's result. */
static int load_bytes(const void *p, size_t n, struct baseline *b, char *err, size_t errsize)
{
	uint8_t *copy = tu_dup(p, n);
	FILE *f = n ? fmemopen(copy, n, "r") : fopen("/dev/null", "r");
	assert_non_null(f);
	baseline_init(b);
	int r = baseline_load(f, b, err, errsize);
	fclose(f);
	free(copy);
	return r;
}

static void test_anomalies_sorted(void **state)
{
	(void)state;
	struct baseline_rec r;
	memset(&r, 0, sizeof r);
	assert_int_equal(baseline_add_anomaly(&r, "smb1-after-smb2"), 0);
	assert_int_equal(baseline_add_anomaly(&r, "not-smb-message"), 0);
	assert_int_equal(baseline_add_anomaly(&r, "nbss-resync"), 0);
	assert_int_equal(baseline_add_anomaly(&r, "nbss-resync"), 0);	/* duplicate */
	assert_int_equal(baseline_add_anomaly(&r, "nbss"), 0);		/* prefix of one */
	assert_int_equal(baseline_add_anomaly(&r, "nbss-resync-x"), 0); /* longer one */
	assert_string_equal(r.anomalies,
			    "nbss,nbss-resync,nbss-resync-x,not-smb-message,smb1-after-smb2");
	assert_int_equal(baseline_add_anomaly(&r, ""), -1);
	assert_int_equal(baseline_add_anomaly(&r, "a,b"), -1);
	assert_int_equal(baseline_add_anomaly(&r, "a\nb"), -1);
	/* fill it: 40-character names until the list is full, never overrun */
	char name[41];
	int i, e = 0;
	for (i = 0; i < 100 && e == 0; i++) {
		snprintf(name, sizeof name, "z%039d", i);
		e = baseline_add_anomaly(&r, name);
	}
	assert_int_equal(e, -2);
	assert_true(strlen(r.anomalies) < sizeof r.anomalies);
}

static void test_set_sanitises(void **state)
{
	(void)state;
	char f[8];
	/* "a" 0xFF "b": the stray byte becomes U+FFFD (EF BF BD) */
	assert_int_equal(baseline_set(f, sizeof f,
				      "a\xff"
				      "b"),
			 0);
	assert_string_equal(f, "a\xef\xbf\xbd"
			       "b");
	assert_int_equal(baseline_set(f, sizeof f, NULL), 0);
	assert_string_equal(f, "");
	/* the longest SMB1 dialect name fits */
	struct baseline_rec r;
	assert_int_equal(baseline_set(r.dialect, sizeof r.dialect, "Windows for Workgroups 3.1a"),
			 0);
	/* too long: a prefix, never a cut sequence ("abcde" + U+00E9 = 7 bytes) */
	assert_int_equal(baseline_set(f, sizeof f, "abcdef\xc3\xa9"), -1);
	assert_string_equal(f, "abcdef");
}

static void test_write_exact(void **state)
{
	(void)state;
	struct baseline b;
	sample(&b);
	char *s = write_text(&b);
	assert_string_equal(s, sample_text);
	free(s);
	baseline_free(&b);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct baseline b, l;
	char err[256];
	sample(&b);
	char *s = write_text(&b);
	assert_int_equal(load_bytes(s, strlen(s), &l, err, sizeof err), 0);
	assert_int_equal(l.nfiles, 3);
	assert_int_equal(l.nrecs, 3);
	assert_false(l.files[2].readable);
	char *again = write_text(&l);
	assert_string_equal(again, s);
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	assert_int_equal(baseline_compare(&l, &b, &d), 0);
	assert_int_equal(d.n, 0);
	baseline_diffs_free(&d);
	free(again);
	free(s);
	baseline_free(&l);
	baseline_free(&b);
}

/* The sample with a CRLF line end, blank lines and spaces: accepted. */
static void test_load_lenient(void **state)
{
	(void)state;
	static const char text[] =
	    "{ \"version\" : 1 , \"format\" : \"smbneg-baseline\" }\r\n"
	    "\n   \n"
	    "{\"record\":\"file\",\"file\":\"x.pcap\",\"status\":\"ok\",\"conversations\":1,"
	    "\"future\":[\"kept?\",\"no\"],\"later\":{}}\n";
	struct baseline l;
	char err[256];
	/* an unknown key with an object value is refused: only strings, arrays of
	 * strings, integers and null exist in this format */
	assert_int_equal(load_bytes(text, sizeof text - 1, &l, err, sizeof err), -1);
	assert_string_equal(err, "line 4: expected a non-negative integer");
	static const char ok[] =
	    "{ \"version\" : 1 , \"format\" : \"smbneg-baseline\" }\r\n"
	    "\n   \n"
	    "{\"record\":\"file\",\"file\":\"x\\u00e9.pcap\",\"status\":\"ok\","
	    "\"conversations\":1,\"future\":[\"ignored\"],\"n\":null}\n"
	    "{\"anomalies\":[\"b\",\"a\",\"b\"],\"cause\":null,\"client\":\"c:1\","
	    "\"client_signing\":null,\"dialect\":null,\"file\":\"x\\u00e9.pcap\",\"ordinal\":7,"
	    "\"protection\":null,\"record\":\"conversation\",\"server\":\"s:445\","
	    "\"server_signing\":null,\"verdict\":\"incomplete\"}"; /* no final newline */
	assert_int_equal(load_bytes(ok, sizeof ok - 1, &l, err, sizeof err), 0);
	assert_string_equal(l.files[0].path, "x\xc3\xa9.pcap");
	assert_string_equal(l.recs[0].anomalies, "a,b");
	assert_int_equal(l.recs[0].ordinal, 7);
	assert_int_equal(l.recs[0].n, 1);
	assert_string_equal(l.recs[0].dialect, "");
	baseline_free(&l);
}

#define H "{\"format\":\"smbneg-baseline\",\"version\":1}\n"
#define F1 "{\"conversations\":1,\"file\":\"a\",\"record\":\"file\",\"status\":\"ok\"}\n"
#define C(extra)                                                                                   \
	"{\"anomalies\":[],\"cause\":null,\"client\":\"c:1\",\"client_signing\":null,"             \
	"\"dialect\":null,\"file\":\"a\",\"ordinal\":1,\"protection\":null,"                       \
	"\"record\":\"conversation\",\"server\":\"s:2\",\"server_signing\":null" extra "}\n"

static void test_load_errors(void **state)
{
	(void)state;
	static const struct {
		const char *in, *err;
	} cases[] = {
	    {"", "empty: no header line"},
	    {"\n\n", "empty: no header line"},
	    {"hello\n", "line 1: expected '{'"},
	    {"{\"format\":\"other\",\"version\":1}\n", "line 1: not a smbneg baseline"},
	    {"{\"format\":\"smbneg-baseline\",\"version\":2}\n",
	     "line 1: unsupported baseline version"},
	    {"{\"format\":\"smbneg-baseline\",\"version\":1,\"version\":1}\n",
	     "line 1: duplicate key"},
	    {H "{\"record\":\"dir\"}\n", "line 2: unknown record kind"},
	    {H "{\"file\":\"a\"}\n", "line 2: no \"record\" key"},
	    {H "{\"conversations\":1,\"file\":\"a\",\"record\":\"file\"}\n",
	     "line 2: a file record without all of"},
	    {H "{\"conversations\":1,\"file\":\"a\",\"record\":\"file\",\"status\":\"bad\"}\n",
	     "line 2: status is neither"},
	    {H "{\"conversations\":-1,\"file\":\"a\",\"record\":\"file\",\"status\":\"ok\"}\n",
	     "line 2: expected a non-negative integer"},
	    {H "{\"conversations\":01,\"file\":\"a\",\"record\":\"file\",\"status\":\"ok\"}\n",
	     "line 2: leading zero"},
	    {H "{\"conversations\":4294967296,\"file\":\"a\",\"record\":\"file\",\"status\":\"ok\"}"
	       "\n",
	     "line 2: number out of range"},
	    {H "{\"conversations\":1.5,\"file\":\"a\",\"record\":\"file\",\"status\":\"ok\"}\n",
	     "line 2: expected a non-negative integer"},
	    {H "{\"conversations\":1,\"file\":null,\"record\":\"file\",\"status\":\"ok\"}\n",
	     "line 2: null where a value is required"},
	    {H "{\"conversations\":1,\"file\":\"\",\"record\":\"file\",\"status\":\"ok\"}\n",
	     "line 2: empty string where a value is required"},
	    {H F1, "file record \"a\" says 1 conversations, 0 follow it"},
	    {H C(",\"verdict\":null"), "line 2: a conversation not after the file record"},
	    {H F1 C(""), "line 3: a conversation record without all of its keys"},
	    {H F1 C(",\"verdict\":\"x\",\"ordinal\":2"), "line 3: duplicate key"},
	    {H F1 C(",\"verdict\":\"x\"") "x", "line 4: expected '{'"},
	    {H F1 C(",\"verdict\":\"x\"}"), "line 3: text after the object"},
	    {H F1 C(",\"verdict\":\"a\\qb\""), "line 3: bad escape in a string"},
	    {H F1 C(",\"verdict\":\"a\\ud800\""), "line 3: high surrogate without"},
	    {H F1 C(",\"verdict\":\"a\\udc00\""), "line 3: lone low surrogate"},
	    {H F1 C(",\"verdict\":\"a\\u0000\""), "line 3: \\u0000 in a string"},
	    {H F1 C(",\"verdict\":\"a\\u12G4\""), "line 3: bad \\u escape"},
	    {H F1 C(",\"verdict\":\"a\xff\""), "line 3: invalid UTF-8 in a string"},
	    {H F1 C(",\"verdict\":\"a\xc3\""), "line 3: invalid UTF-8 in a string"},
	    {H F1 C(",\"verdict\":\"a\tb\""), "line 3: control character in a string"},
	    {H F1 C(",\"verdict\":\"0123456789012345678901234567890123\""),
	     "line 3: string too long"},
	    {H F1 C(",\"verdict\":1"), "line 3: expected a string"},
	    {H F1 C(",\"verdict\":\"x\",\"more\":[1]"), "line 3: expected a string"},
	    {H F1 C(",\"verdict\":\"x\",\"more\":[\"a\" \"b\"]"),
	     "line 3: expected ',' or ']' in an array"},
	    {H F1 C(",\"verdict\":\"x\",\"more\":[\"a,b\"]"), "line 3: bad anomaly name"},
	    {H F1 C(",\"verdict\":\"x\",\"more\":nul"), "line 3: expected a value"},
	    {H F1 C(",\"verdict\":\"x\" \"more\":1"), "line 3: expected ',' or '}'"},
	    {H F1 C(",\"verdict\":\"x\",\"ordinal\":0"), "line 3: duplicate key"},
	    {H "{\"conversations\":2,\"file\":\"a\",\"record\":\"file\",\"status\":\"ok\"}\n" C(
		 ",\"verdict\":\"x\"") C(",\"verdict\":\"y\""),
	     "a conversation appears twice"},
	    {H F1 C(",\"verdict\":\"x\"") F1 C(",\"verdict\":\"x\""), "a file appears twice"},
	    {H F1 "{\"anomalies\":[],\"cause\":null,\"client\":\"c:1\",\"client_signing\":null,"
		  "\"dialect\":null,\"file\":\"a\",\"ordinal\":0,\"protection\":null,"
		  "\"record\":\"conversation\",\"server\":\"s:2\",\"server_signing\":null,"
		  "\"verdict\":null}\n",
	     "line 3: ordinal 0"},
	    {H "{\"a\":\"\0\"}\n", "line 2: NUL byte"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct baseline l;
		char err[256];
		size_t n = strlen(cases[i].in);
		if (strstr(cases[i].err, "NUL")) /* the literal holds a NUL: its full size */
			n = sizeof H + 9;
		int r = load_bytes(cases[i].in, n, &l, err, sizeof err);
		if (r != -1 || strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
			fail_msg("case %zu: got %d \"%s\", want \"%s\"", i, r, err, cases[i].err);
		assert_int_equal(l.nrecs, 0); /* left empty */
		assert_int_equal(l.nfiles, 0);
	}
}

/* Every prefix of a valid baseline loads or fails cleanly; prefixes that end
 * inside the file fail (the declared conversation counts catch lost lines). */
static void test_load_truncation_sweep(void **state)
{
	(void)state;
	size_t n = sizeof sample_text - 1, ok = 0;
	for (size_t len = 0; len <= n; len++) {
		struct baseline l;
		char err[256];
		int r = load_bytes(sample_text, len, &l, err, sizeof err);
		if (r == 0) {
			ok++;
			baseline_free(&l);
		} else {
			assert_true(err[0] != '\0');
		}
	}
	/* complete: the header alone, the end of each file's last conversation
	 * (a.pcap, b/c.pcapng), the whole text; each with and without its last
	 * "\n". Lost trailing file records are not seen here, but the comparison
	 * then says file-added: never a silent pass. */
	assert_int_equal(ok, 8);
}

/* Each byte replaced by hostile values: no crash, an error or a baseline. */
static void test_load_byte_flips(void **state)
{
	(void)state;
	static const unsigned char vals[] = {0x00, '"',	 '\\', '{',  '}', ',',
					     '[',  0xff, 0xc3, '\n', '9'};
	size_t n = sizeof sample_text - 1;
	unsigned char *buf = tu_dup(sample_text, n);
	for (size_t i = 0; i < n; i++) {
		for (size_t v = 0; v < sizeof vals; v++) {
			unsigned char old = buf[i];
			buf[i] = vals[v];
			struct baseline l;
			char err[256];
			if (load_bytes(buf, n, &l, err, sizeof err) == 0)
				baseline_free(&l);
			else
				assert_true(err[0] != '\0');
			buf[i] = old;
		}
	}
	free(buf);
}

static void test_load_caps(void **state)
{
	(void)state;
	/* a line one byte over BL_LINE_MAX */
	char *big = malloc(BL_LINE_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', BL_LINE_MAX + 1);
	big[BL_LINE_MAX + 1] = '\n';
	struct baseline l;
	char err[256];
	assert_int_equal(load_bytes(big, BL_LINE_MAX + 2, &l, err, sizeof err), -1);
	assert_string_equal(err, "line 1: line longer than 16384 bytes");
	free(big);
	/* max_records: the third file is refused */
	static const char three[] =
	    H F1 C(",\"verdict\":\"x\"") "{\"conversations\":0,\"file\":\"b\",\"record\":\"file\","
					 "\"status\":\"ok\"}\n"
					 "{\"conversations\":0,\"file\":\"c\",\"record\":\"file\","
					 "\"status\":\"ok\"}\n";
	uint8_t *copy = tu_dup(three, sizeof three - 1);
	FILE *f = fmemopen(copy, sizeof three - 1, "r");
	baseline_init(&l);
	l.max_records = 2;
	assert_int_equal(baseline_load(f, &l, err, sizeof err), -1);
	assert_string_equal(err, "line 5: too many files");
	assert_int_equal(l.max_records, 2);
	fclose(f);
	free(copy);
}

static const struct baseline_diff *only(const struct baseline_diffs *d, size_t i,
					enum baseline_change c)
{
	assert_true(i < d->n);
	assert_int_equal(d->v[i].change, c);
	return &d->v[i];
}

static void test_one_changed_field(void **state)
{
	(void)state;
	struct baseline old, cur;
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	sample(&old);
	sample(&cur);
	/* a.pcap 127.0.0.1:50002 -> 127.0.0.2:445: signed -> mismatch */
	struct baseline_rec *r = &cur.recs[1];
	assert_string_equal(r->client, "127.0.0.1:50002");
	baseline_set(r->verdict, sizeof r->verdict, "mismatch-access-denied");
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	assert_int_equal(d.n, 1);
	const struct baseline_diff *x = only(&d, 0, BLC_CHANGED);
	assert_int_equal(x->fields, 1u << BLF_VERDICT);
	assert_string_equal(x->file, "a.pcap");
	char *s = capture_diff(baseline_diff_json, x);
	assert_string_equal(s,
			    "{\"event\":\"baseline-diff\",\"change\":\"changed\",\"file\":"
			    "\"a.pcap\",\"conversation\":\"127.0.0.1:50002 -> 127.0.0.2:445\","
			    "\"baseline_conversation\":null,\"ordinal\":1,\"fields\":{\"verdict\":"
			    "{\"old\":\"signed\",\"new\":\"mismatch-access-denied\"}}}\n");
	free(s);
	s = capture_diff(baseline_diff_text, x);
	assert_string_equal(s, "a.pcap: 127.0.0.1:50002 -> 127.0.0.2:445: changed: verdict "
			       "signed -> mismatch-access-denied\n");
	free(s);
	baseline_diffs_free(&d);
	/* two fields of another conversation, anomalies among them */
	r = &cur.recs[2];
	baseline_set(r->verdict, sizeof r->verdict, "signed");
	baseline_set(r->anomalies, sizeof r->anomalies, "");
	baseline_set(r->protection, sizeof r->protection, "encryption");
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	assert_int_equal(d.n, 2);
	x = only(&d, 1, BLC_CHANGED);
	assert_int_equal(x->fields, 1u << BLF_PROTECTION | 1u << BLF_ANOMALIES);
	s = capture_diff(baseline_diff_json, x);
	assert_non_null(strstr(s, "\"fields\":{\"protection\":{\"old\":\"signing\",\"new\":"
				  "\"encryption\"},\"anomalies\":{\"old\":[\"negotiate-repeated\","
				  "\"smb2-signed-negotiate\"],\"new\":[]}}}\n"));
	free(s);
	baseline_diffs_free(&d);
	baseline_free(&old);
	baseline_free(&cur);
}

static void test_added_removed(void **state)
{
	(void)state;
	struct baseline old, cur;
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	sample(&old);
	baseline_init(&cur);
	size_t a, c, n;
	baseline_add_file(&cur, "a.pcap", true, &a);
	baseline_add_file(&cur, "b/c.pcapng", true, &c);
	baseline_add_file(&cur, "netmon.cap", false, &n);
	/* a.pcap: 50002 kept, 50001 gone, 60000 to another server new */
	conv(&cur, a, "127.0.0.1:50002", "127.0.0.2:445");
	conv(&cur, a, "127.0.0.1:60000", "127.0.0.3:445");
	conv_bc(&cur, c);
	assert_int_equal(baseline_finish(&cur), 0);
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	assert_int_equal(d.n, 2);
	/* by conversation: 50001 (removed) sorts before 60000 (added) */
	const struct baseline_diff *x = only(&d, 0, BLC_REMOVED);
	assert_string_equal(x->old->client, "127.0.0.1:50001");
	assert_null(x->cur);
	assert_int_equal(x->fields, 1u << BLF_VERDICT | 1u << BLF_DIALECT |
					1u << BLF_CLIENT_SIGNING | 1u << BLF_SERVER_SIGNING |
					1u << BLF_PROTECTION);
	x = only(&d, 1, BLC_ADDED);
	assert_string_equal(x->cur->client, "127.0.0.1:60000");
	char *s = capture_diff(baseline_diff_text, x);
	assert_string_equal(s, "a.pcap: 127.0.0.1:60000 -> 127.0.0.3:445: added: verdict "
			       "signed; dialect 3.1.1; client_signing enabled; server_signing "
			       "required; protection signing\n");
	free(s);
	assert_int_equal(d.count[BLC_ADDED], 1);
	assert_int_equal(d.count[BLC_REMOVED], 1);
	baseline_diffs_free(&d);
	baseline_free(&old);
	baseline_free(&cur);
}

static void test_file_level(void **state)
{
	(void)state;
	struct baseline old, cur;
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	sample(&old);
	baseline_init(&cur);
	size_t a, n, z;
	/* a.pcap unreadable now; b/c.pcapng gone; netmon.cap readable now with one
	 * conversation; z.pcap new with one */
	baseline_add_file(&cur, "a.pcap", false, &a);
	baseline_add_file(&cur, "netmon.cap", true, &n);
	baseline_add_file(&cur, "z.pcap", true, &z);
	conv(&cur, n, "10.0.0.1:1", "10.0.0.2:445");
	conv(&cur, z, "10.0.0.1:2", "10.0.0.2:445");
	assert_int_equal(baseline_finish(&cur), 0);
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	static const struct {
		enum baseline_change c;
		const char *file;
	} want[] = {
	    {BLC_FILE_UNREADABLE, "a.pcap"}, /* its 2 conversations unknown, not removed */
	    {BLC_FILE_REMOVED, "b/c.pcapng"},  {BLC_REMOVED, "b/c.pcapng"},
	    {BLC_FILE_READABLE, "netmon.cap"}, {BLC_ADDED, "netmon.cap"},
	    {BLC_FILE_ADDED, "z.pcap"},	       {BLC_ADDED, "z.pcap"},
	};
	assert_int_equal(d.n, ARRAY_LEN(want));
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		only(&d, i, want[i].c);
		assert_string_equal(d.v[i].file, want[i].file);
	}
	char *s = capture_diff(baseline_diff_json, &d.v[0]);
	assert_string_equal(s,
			    "{\"event\":\"baseline-diff\",\"change\":\"file-unreadable\","
			    "\"file\":\"a.pcap\",\"conversation\":null,\"baseline_conversation\":"
			    "null,\"ordinal\":null,\"fields\":{}}\n");
	free(s);
	s = capture_diff(baseline_diff_text, &d.v[1]);
	assert_string_equal(s, "b/c.pcapng: file-removed\n");
	free(s);
	char *sum = NULL;
	size_t sl = 0;
	FILE *f = open_memstream(&sum, &sl);
	baseline_diffs_summary(f, &d);
	fclose(f);
	assert_string_equal(sum, "baseline: 7 differences (1 file-added, 1 file-removed, 1 "
				 "file-unreadable, 1 file-readable, 2 added, 1 removed)\n");
	free(sum);
	baseline_diffs_free(&d);
	/* both unreadable: no difference */
	baseline_free(&cur);
	baseline_init(&cur);
	baseline_add_file(&cur, "netmon.cap", false, NULL);
	baseline_finish(&cur);
	baseline_free(&old);
	baseline_init(&old);
	baseline_add_file(&old, "netmon.cap", false, NULL);
	baseline_finish(&old);
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	assert_int_equal(d.n, 0);
	baseline_diffs_free(&d);
	baseline_free(&old);
	baseline_free(&cur);
}

/* A capture regenerated with other client ports lines up by server. */
static void test_regenerated_ports(void **state)
{
	(void)state;
	struct baseline old, cur;
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	baseline_init(&old);
	baseline_init(&cur);
	baseline_add_file(&old, "x.pcap", true, NULL);
	baseline_add_file(&cur, "x.pcap", true, NULL);
	conv(&old, 0, "127.0.0.1:40001", "127.0.0.2:445");
	conv(&old, 0, "127.0.0.1:40002", "127.0.0.2:445");
	conv(&cur, 0, "127.0.0.1:51234", "127.0.0.2:445");
	struct baseline_rec *r = conv(&cur, 0, "127.0.0.1:51000", "127.0.0.2:445");
	baseline_set(r->verdict, sizeof r->verdict, "invalid-signature");
	baseline_finish(&old);
	baseline_finish(&cur);
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	/* ordinal 1 pairs with ordinal 1 (same facts: nothing), 2 with 2 */
	assert_int_equal(d.n, 1);
	const struct baseline_diff *x = only(&d, 0, BLC_CHANGED);
	assert_string_equal(x->cur->client, "127.0.0.1:51000");
	assert_string_equal(x->old->client, "127.0.0.1:40002");
	assert_int_equal(x->fields, 1u << BLF_VERDICT);
	char *s = capture_diff(baseline_diff_json, x);
	assert_non_null(strstr(s, "\"conversation\":\"127.0.0.1:51000 -> 127.0.0.2:445\","
				  "\"baseline_conversation\":\"127.0.0.1:40002 -> 127.0.0.2:445\","
				  "\"ordinal\":2,"));
	free(s);
	s = capture_diff(baseline_diff_text, x);
	assert_string_equal(s, "x.pcap: 127.0.0.1:51000 -> 127.0.0.2:445: changed: verdict "
			       "signed -> invalid-signature (the baseline's 127.0.0.1:40002 -> "
			       "127.0.0.2:445)\n");
	free(s);
	baseline_diffs_free(&d);
	baseline_free(&old);
	baseline_free(&cur);
}

/* The same client and server twice in one file (port reuse): n tells them
 * apart; a new conversation before them does not shift their identity. */
static void test_repeated_pair(void **state)
{
	(void)state;
	struct baseline old, cur;
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	baseline_init(&old);
	baseline_init(&cur);
	baseline_add_file(&old, "x.pcap", true, NULL);
	baseline_add_file(&cur, "x.pcap", true, NULL);
	conv(&old, 0, "10.0.0.1:1000", "10.0.0.2:445");
	struct baseline_rec *r = conv(&old, 0, "10.0.0.1:1000", "10.0.0.2:445");
	baseline_set(r->verdict, sizeof r->verdict, "not-signed");
	conv(&cur, 0, "10.0.0.9:7", "10.0.0.8:445"); /* a new first conversation */
	conv(&cur, 0, "10.0.0.1:1000", "10.0.0.2:445");
	r = conv(&cur, 0, "10.0.0.1:1000", "10.0.0.2:445");
	baseline_set(r->verdict, sizeof r->verdict, "not-signed");
	baseline_finish(&old);
	baseline_finish(&cur);
	assert_int_equal(old.recs[1].n, 2);
	char name[160];
	assert_string_equal(baseline_conv_name(&old.recs[1], name, sizeof name),
			    "10.0.0.1:1000 -> 10.0.0.2:445 #2");
	assert_int_equal(baseline_compare(&old, &cur, &d), 0);
	assert_int_equal(d.n, 1);
	assert_string_equal(only(&d, 0, BLC_ADDED)->cur->client, "10.0.0.9:7");
	baseline_diffs_free(&d);
	/* duplicate ordinal of one pair: refused, and the unfinished baseline
	 * is refused by write and compare */
	old.recs[1].ordinal = 1;
	assert_int_equal(baseline_finish(&old), -1);
	assert_false(baseline_ready(&old));
	assert_int_equal(baseline_compare(&old, &cur, &d), -1);
	FILE *null = fopen("/dev/null", "w");
	assert_int_equal(baseline_write(null, &old), -1);
	fclose(null);
	baseline_free(&old);
	baseline_free(&cur);
}

/* Hostile file names and values survive write -> load byte for byte. */
static void test_hostile_strings_round_trip(void **state)
{
	(void)state;
	struct baseline b, l;
	char err[256];
	baseline_init(&b);
	/* quote, backslash, tab, newline, DEL, U+2028, a 4-byte emoji, 0xFF */
	const char *name = "we\"ird\\ \t\n\x7f\xe2\x80\xa8\xf0\x9f\x98\x80\xff.pcap";
	assert_int_equal(baseline_add_file(&b, name, true, NULL), 0);
	struct baseline_rec *r = conv(&b, 0, "c:1", "s:2");
	baseline_set(r->dialect, sizeof r->dialect, "NT LM 0.12\x01");
	assert_int_equal(baseline_add_anomaly(r, "q\"uo\\te"), 0); /* legal, if odd */
	baseline_finish(&b);
	assert_string_equal(b.files[0].path,
			    "we\"ird\\ \t\n\x7f\xe2\x80\xa8\xf0\x9f\x98\x80\xef\xbf\xbd.pcap");
	char *s = write_text(&b);
	assert_non_null(strstr(s, "\"file\":\"we\\\"ird\\\\ \\u0009\\u000a\\u007f\xe2\x80\xa8"));
	assert_int_equal(load_bytes(s, strlen(s), &l, err, sizeof err), 0);
	assert_string_equal(l.files[0].path, b.files[0].path);
	assert_string_equal(l.recs[0].dialect, "NT LM 0.12\x01");
	assert_string_equal(l.recs[0].anomalies, "q\"uo\\te");
	/* and in a difference: escaped in JSON as well */
	struct baseline none;
	baseline_init(&none);
	struct baseline_diffs rd;
	memset(&rd, 0, sizeof rd);
	assert_int_equal(baseline_compare(&l, &none, &rd), 0);
	assert_int_equal(rd.n, 2); /* file-removed, removed */
	char *js = capture_diff(baseline_diff_json, &rd.v[1]);
	assert_non_null(strstr(js, "\"anomalies\":{\"old\":[\"q\\\"uo\\\\te\"],\"new\":null}"));
	free(js);
	baseline_diffs_free(&rd);
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	assert_int_equal(baseline_compare(&l, &b, &d), 0);
	assert_int_equal(d.n, 0);
	free(s);
	baseline_free(&l);
	baseline_free(&b);
}

/* baseline_save writes atomically; baseline_read names the file in errors. */
static void test_save_read(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_baseline_XXXXXX", path[128], err[512];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/base.jsonl", dir);
	struct baseline b, l;
	sample(&b);
	assert_int_equal(baseline_save(path, &b, err, sizeof err), 0);
	assert_int_equal(baseline_save(path, &b, err, sizeof err), 0); /* over the old one */
	baseline_init(&l);
	assert_int_equal(baseline_read(path, &l, err, sizeof err), 0);
	assert_int_equal(l.nrecs, 3);
	baseline_free(&l);
	/* a malformed file: "PATH: line N: reason" */
	FILE *f = fopen(path, "w");
	fputs(H "oops\n", f);
	fclose(f);
	assert_int_equal(baseline_read(path, &l, err, sizeof err), -1);
	char want[256];
	snprintf(want, sizeof want, "%s: line 2: expected '{'", path);
	assert_string_equal(err, want);
	unlink(path);
	assert_int_equal(baseline_read(path, &l, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(err, want);
	/* a directory that does not exist: nothing written, the reason given */
	snprintf(path, sizeof path, "%s/no/base.jsonl", dir);
	assert_int_equal(baseline_save(path, &b, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	assert_string_equal(err, want);
	rmdir(dir); /* empty again: no temporary file left behind */
	assert_int_equal(access(dir, F_OK), -1);
	baseline_free(&b);
}

/* python3's json module reads every line of a baseline and of its diffs
 * (hostile names included), and the keys of each baseline line are sorted. */
static void test_json_valid_python(void **state)
{
	(void)state;
	if (system("python3 -c 'import json' >/dev/null 2>&1") != 0)
		skip();
	char path[] = "/tmp/test_baseline_json_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	struct baseline b, none;
	sample(&b);
	/* a hostile file name and values on top of the sample */
	size_t h;
	assert_int_equal(baseline_add_file(&b, "\"\\\x01\t\xff\xed\xa0\x80\xe2\x80\xa8", true, &h),
			 0);
	struct baseline_rec *r = conv(&b, h, "\"<c>\"", "s\\");
	baseline_set(r->cause, sizeof r->cause, "\x7f\x1b[0m");
	baseline_add_anomaly(r, "a\"b\\c");
	assert_int_equal(baseline_finish(&b), 0);
	assert_int_equal(baseline_write(f, &b), 0);
	baseline_init(&none);
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	assert_int_equal(baseline_compare(&b, &none, &d), 0);
	assert_int_equal(d.n, 8); /* 4 files removed, 4 conversations removed */
	for (size_t i = 0; i < d.n; i++)
		baseline_diff_json(f, &d.v[i]);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd,
		 "python3 -c 'import json,sys\n"
		 "n = 0\n"
		 "for l in open(sys.argv[1], encoding=\"utf-8\"):\n"
		 "    o = json.loads(l)\n"
		 "    n += 1\n"
		 "    assert \"event\" in o or list(o) == sorted(o), l\n"
		 "assert n == 1 + 4 + 4 + 8, n' %s",
		 path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	baseline_diffs_free(&d);
	baseline_free(&b);
}

static void test_relpath(void **state)
{
	(void)state;
	static const struct {
		const char *base, *path, *cwd, *want;
	} cases[] = {
	    {"samples", "samples/a.pcap", NULL, "a.pcap"},
	    {"./samples/", "samples//sub/./a.pcap", NULL, "sub/a.pcap"},
	    {"samples", "./samples/x/../a.pcap", NULL, "a.pcap"},
	    {".", "./a.pcap", NULL, "a.pcap"},
	    {"", "a.pcap", NULL, "a.pcap"},
	    {"samples", "other/a.pcap", NULL, "../other/a.pcap"},
	    {"a/b", "a/c/d.pcap", NULL, "../c/d.pcap"},
	    {"samples", "samples", NULL, "."},
	    {"a/b/c", "a", NULL, "../.."},
	    {"samples", "../x.pcap", NULL, "../../x.pcap"},
	    {"../up", "y.pcap", NULL, "y.pcap"}, /* not sayable lexically: kept */
	    {"/srv/ci/samples/", "/srv/ci/samples/smb/a.pcap", NULL, "smb/a.pcap"},
	    {"/srv/ci", "/srv/other/a.pcap", NULL, "../other/a.pcap"},
	    {"/", "/a/b.pcap", NULL, "a/b.pcap"},
	    {"/srv/../srv/ci", "/srv/ci/a.pcap", NULL, "a.pcap"},
	    {"/../..", "/a.pcap", NULL, "a.pcap"},
	    {"samples", "/repo/samples/a.pcap", "/repo", "a.pcap"},
	    {"/repo/samples", "samples/a.pcap", "/repo", "a.pcap"},
	    {"samples", "/abs/a.pcap", NULL, "/abs/a.pcap"},
	    {"samples", "-", NULL, "-"},
	    {"samplesX", "samples/a.pcap", NULL, "../samples/a.pcap"},
	    {"samples", "samplesX/a.pcap", NULL, "../samplesX/a.pcap"},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char out[256];
		int r =
		    baseline_relpath(cases[i].base, cases[i].path, cases[i].cwd, out, sizeof out);
		if (r != 0 || strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: %s in %s: got %d \"%s\", want \"%s\"", i, cases[i].path,
				 cases[i].base, r, out, cases[i].want);
	}
	/* too small: -1, and the buffer is still a string */
	char small[4];
	assert_int_equal(baseline_relpath("s", "s/abcdef", NULL, small, sizeof small), -1);
	assert_true(strlen(small) < sizeof small);
	assert_int_equal(baseline_relpath("a/b/c", "x", NULL, small, sizeof small), -1);
	assert_true(strlen(small) < sizeof small);
}

/* The exit-status table of README, "Regression checks in CI", row by row. */
static void test_exit_status(void **state)
{
	(void)state;
	static const struct {
		struct baseline_outcome o;
		int want;
	} rows[] = {
	    /* usage, baseline, output, compared, differences, unreadable, hits */
	    {{false, false, false, false, 0, 0, 0}, 0}, {{false, false, false, false, 0, 0, 3}, 1},
	    {{false, false, false, false, 0, 1, 0}, 2}, {{false, false, false, false, 0, 1, 3}, 2},
	    {{true, false, false, false, 0, 0, 0}, 2},	{{false, true, false, false, 0, 0, 0}, 2},
	    {{false, false, false, true, 0, 0, 0}, 0},	{{false, false, false, true, 2, 0, 0}, 1},
	    {{false, false, false, true, 0, 1, 0}, 0}, /* unreadable as in the baseline */
	    {{false, false, false, true, 1, 1, 0}, 1}, /* ... or not: a difference */
	    {{false, false, false, true, 0, 0, 1}, 1},	{{false, false, true, true, 0, 0, 0}, 2},
	    {{false, false, true, true, 5, 0, 5}, 2},
	};
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		if (baseline_exit_status(&rows[i].o) != rows[i].want)
			fail_msg("row %zu: want %d", i, rows[i].want);
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_anomalies_sorted),
	    cmocka_unit_test(test_set_sanitises),
	    cmocka_unit_test(test_write_exact),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_load_lenient),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_load_truncation_sweep),
	    cmocka_unit_test(test_load_byte_flips),
	    cmocka_unit_test(test_load_caps),
	    cmocka_unit_test(test_one_changed_field),
	    cmocka_unit_test(test_added_removed),
	    cmocka_unit_test(test_file_level),
	    cmocka_unit_test(test_regenerated_ports),
	    cmocka_unit_test(test_repeated_pair),
	    cmocka_unit_test(test_hostile_strings_round_trip),
	    cmocka_unit_test(test_save_read),
	    cmocka_unit_test(test_json_valid_python),
	    cmocka_unit_test(test_relpath),
	    cmocka_unit_test(test_exit_status),
	};
	return cmocka_run_group_tests_name("baseline", tests, NULL, NULL);
}
