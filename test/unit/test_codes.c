/* Unit tests for codes: the table of error codes `smbneg explain` knows and
 * the parser of what users paste. Inputs are exact-size heap copies without
 * a final NUL, so ASan sees any read past the length given. */
#include "testutil2.h"

#include "smbneg/codes.h"
#include "smbneg/smb_const.h"
#include "smbneg/verdict.h"

static enum codes_err parse_n(const char *s, size_t n, struct codes_match *m)
{
	uint8_t *in = heap_copy(s, n);
	enum codes_err e = codes_parse((const char *)in, n, m);
	free(in);
	return e;
}

static enum codes_err parse(const char *s, struct codes_match *m)
{
	return parse_n(s, strlen(s), m);
}

/* s names exactly one code, v. */
static void expect_one(const char *s, uint32_t v)
{
	struct codes_match m;
	enum codes_err e = parse(s, &m);
	if (e != CODES_OK || m.n != 1 || m.value[0] != v)
		fail_msg("\"%s\": err %d, %zu codes, first 0x%08X; want only 0x%08X", s, (int)e, m.n,
			 m.n ? (unsigned)m.value[0] : 0u, (unsigned)v);
}

static void expect_err(const char *s, size_t n, enum codes_err want)
{
	struct codes_match m;
	enum codes_err e = parse_n(s, n, &m);
	if (e != want || (e != CODES_OK && m.n != 0))
		fail_msg("\"%.*s\": err %d (%zu codes), want %d", (int)(n > 60 ? 60 : n), s, (int)e,
			 m.n, (int)want);
}

static bool has(const struct codes_match *m, uint32_t v)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->value[i] == v)
			return true;
	return false;
}

static void test_spellings_invalid_signature(void **state)
{
	(void)state;
	/* STATUS_INVALID_SIGNATURE as the seeds, Windows, smbclient and users write it */
	static const char *const forms[] = {
		"3221266432", "-1073700864", "0xC000A000", "0xc000a000", "0XC000A000", "C000A000",
		"c000a000", "c000a000h", "0x00000000C000A000", "STATUS_INVALID_SIGNATURE",
		"status_invalid_signature", "NT_STATUS_INVALID_SIGNATURE", "INVALID_SIGNATURE",
		"  0xC000A000 \n", "\"0xC000A000\"", "(0xc000a000)", "NTSTATUS 0xC000A000.",
		/* the seed article's error block pasted whole */
		("0xc000a000\n-1073700864\nSTATUS_INVALID_SIGNATURE\nThe cryptographic signature is "
		 "invalid."),
		"The cryptographic signature is invalid.",
	};
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		expect_one(forms[i], 0xC000A000u);
}

static void test_spellings_seed_codes(void **state)
{
	(void)state;
	/* KB 887429 */
	expect_one("1240", 1240);
	expect_one("0x4D8", 1240);
	expect_one("0x000004D8", 1240);
	expect_one("4d8h", 1240);
	expect_one("error_login_wksta_restriction", 1240);
	expect_one("System error 1240 has occurred.", 1240);
	expect_one("System error 1240 has occurred.\n\nThe account is not authorized to log in "
		   "from this station.", 1240);
	expect_one("5", 5);
	expect_one("System error 5 has occurred. Access is denied.", 5);
	/* KB 2686098 */
	expect_one("System error 2148073478 has occurred.", 0x80090006u);
	expect_one("-2146893818", 0x80090006u);
	/* Windows 11 24H2 guest access */
	expect_one("3227320323", 0xC05D0003u);
	expect_one("-1067646973", 0xC05D0003u);
	expect_one("System error 3227320323 has occurred.", 0xC05D0003u);
	expect_one("NT_STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP", 0xC05D0003u);
	expect_one("Error code: 0x80070035\nThe network path was not found.", 0x80070035u);
	expect_one("2147942453", 0x80070035u);
	expect_one("0xC05D0002", 0xC05D0002u);
	expect_one("1272", 1272);
	/* the ones the issue names */
	expect_one("0xC000005E", 0xC000005Eu);
	expect_one("0xC000035C", 0xC000035Cu);
	expect_one("64", 64);
	expect_one("System error 53 has occurred.", 53);
}

static void test_spellings_names(void **state)
{
	(void)state;
	struct codes_match m;
	/* smbclient and Samba spellings */
	expect_one("session setup failed: NT_STATUS_LOGON_FAILURE", 0xC000006Du);
	expect_one("tree connect failed: NT_STATUS_ACCESS_DENIED", 0xC0000022u);
	expect_one("NT_STATUS_OK", 0);
	expect_one("WERR_ACCESS_DENIED", 5);
	expect_one("Werr_Logon_Failure", 1326);
	expect_one("KRB5KRB_AP_ERR_SKEW", 37);
	expect_one("nerr_passwordexpired", 2242);
	/* a bare name stands for both the NTSTATUS and the Win32 error */
	assert_int_equal(parse("ACCESS_DENIED", &m), CODES_OK);
	assert_int_equal(m.n, 2);
	assert_true(has(&m, 0xC0000022u) && has(&m, 5));
	/* HRESULT wrappings: Win32 (0x8007XXXX) and NTSTATUS (0xDXXXXXXX) */
	expect_one("0x8007052E", 0x8007052Eu);
	assert_true(codes_known(0x8007052Eu));
	expect_one("0xD000006D", 0xD000006Du);
	assert_false(codes_known(0x80070002u)); /* ERROR_FILE_NOT_FOUND: not in the table */
	/* 8 decimal digits that are no code read as hex, and say so */
	assert_int_equal(parse("80070035", &m), CODES_OK);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.value[0], 0x80070035u);
	assert_true(m.as_hex[0]);
	assert_int_equal(parse("0x80070035", &m), CODES_OK);
	assert_false(m.as_hex[0]);
}

static void test_running_text(void **state)
{
	(void)state;
	struct codes_match m;
	/* words and small numbers in prose are not codes */
	expect_err("Windows 11 24H2 SMB 3.1.1 pending success", 41, CODES_UNKNOWN);
	expect_err("The operation was unsuccessful after 1 try", 42, CODES_UNKNOWN);
	/* two codes in one paste: both */
	assert_int_equal(parse("net use: System error 1219; smbclient: NT_STATUS_LOGON_FAILURE", &m),
			 CODES_OK);
	assert_int_equal(m.n, 2);
	assert_true(has(&m, 1219) && has(&m, 0xC000006Du));
	/* a message text names every code that has it */
	assert_int_equal(parse("You can't access this shared folder because your organization's "
			       "security policies block unauthenticated guest access. These "
			       "policies help protect your PC from unsafe or malicious devices on "
			       "the network.", &m),
			 CODES_OK);
	assert_true(has(&m, 0xC05D0002u) && has(&m, 1272));
}

static void test_every_row_reachable(void **state)
{
	(void)state;
	char buf[160];
	struct codes_match m;
	assert_true(codes_count >= 70);
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		expect_one(r->name, r->value);
		snprintf(buf, sizeof buf, "%u", (unsigned)r->value);
		expect_one(buf, r->value);
		snprintf(buf, sizeof buf, "0x%08x", (unsigned)r->value);
		expect_one(buf, r->value);
		snprintf(buf, sizeof buf, "%d", (int)(int32_t)r->value);
		expect_one(buf, r->value);
		for (const char *a = r->aliases; a && *a;) {
			size_t n = strcspn(a, " ");
			assert_int_equal(parse_n(a, n, &m), CODES_OK);
			assert_int_equal(m.value[0], r->value);
			a += n + strspn(a + n, " ");
		}
		assert_ptr_equal(codes_by_value(r->value), r);
	}
}

static bool same_ci(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && strncasecmp(a, b, an) == 0;
}

static void test_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		for (size_t j = i + 1; j < codes_count; j++) {
			const struct code_row *o = &codes_table[j];
			if (r->value == o->value)
				fail_msg("value 0x%08X twice: %s, %s", (unsigned)r->value, r->name,
					 o->name);
			if (same_ci(r->name, strlen(r->name), o->name, strlen(o->name)))
				fail_msg("name %s twice", r->name);
			/* an alias is nobody else's name */
			for (const char *a = o->aliases; a && *a;) {
				size_t n = strcspn(a, " ");
				if (same_ci(r->name, strlen(r->name), a, n))
					fail_msg("%s is also an alias of %s", r->name, o->name);
				a += n + strspn(a + n, " ");
			}
		}
	}
}

static bool is_verdict(const char *v)
{
	for (size_t i = 0; codes_verdicts[i]; i++)
		if (strcmp(codes_verdicts[i], v) == 0)
			return true;
	return false;
}

static void test_verdicts_exist(void **state)
{
	(void)state;
	/* README "Verdicts": the names, exactly */
	static const char *const spec[] = {
		"signed", "not-signed", "mismatch-no-communication", "mismatch-access-denied",
		"guest-blocked", "secure-negotiate-failed", "invalid-signature",
		"negotiate-failed", "logon-failed", "incomplete",
	};
	size_t n = 0;
	while (codes_verdicts[n])
		n++;
	assert_int_equal(n, sizeof spec / sizeof spec[0]);
	for (size_t i = 0; i < n; i++)
		assert_true(is_verdict(spec[i]));
	/* every verdict the program gives is one the table may name */
	for (int v = 0; v < V_COUNT; v++)
		if (!is_verdict(verdict_names[v]))
			fail_msg("verdict %s unknown to codes_verdicts", verdict_names[v]);
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		if (!r->when[0].text)
			fail_msg("%s: no situation", r->name);
		if (!r->message && !r->about)
			fail_msg("%s: neither a message nor a description", r->name);
		for (size_t k = 0; k < CODES_MAX_WHEN && r->when[k].text; k++) {
			const char *v = r->when[k].verdict;
			if (v && !is_verdict(v))
				fail_msg("%s names verdict \"%s\", which does not exist", r->name, v);
			if (strstr(r->when[k].text, "(verdict"))
				fail_msg("%s: a verdict in the text instead of its field", r->name);
		}
	}
}

static void test_peers_and_ntstatus_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		if (!r->has_peer)
			continue;
		const struct code_row *p = codes_by_value(r->peer);
		if (!p || p->kind != CODE_WIN32)
			fail_msg("%s: peer %u is no Win32 row", r->name, (unsigned)r->peer);
	}
	/* every status name smbneg prints is a row of the same name */
	for (const struct tok *t = ntstatus_names; t->s; t++) {
		const struct code_row *r = codes_by_value(t->v);
		if (!r || strcmp(r->name, t->s) != 0)
			fail_msg("ntstatus_names %s (0x%08X) is not in the code table", t->s,
				 (unsigned)t->v);
	}
}

static void test_print_first_line(void **state)
{
	(void)state;
	char want[160];
	for (size_t i = 0; i < codes_count; i++) {
		const struct code_row *r = &codes_table[i];
		struct codes_match m = {.value = {r->value}, .n = 1};
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		assert_non_null(f);
		codes_print(&m, f);
		assert_int_equal(fclose(f), 0);
		snprintf(want, sizeof want, "%s: %u = 0x%08X = %d\n", r->name, (unsigned)r->value,
			 (unsigned)r->value, (int)(int32_t)r->value);
		if (strncmp(buf, want, strlen(want)) != 0)
			fail_msg("first line of %s: %s", r->name, buf);
		if (!strstr(buf, "Usually seen when:\n  - "))
			fail_msg("%s: no situations printed", r->name);
		free(buf);
	}
}

static void test_hostile(void **state)
{
	(void)state;
	static const char nul[] = "1240\0garbage";
	expect_err("", 0, CODES_EMPTY);
	expect_err("   \t\n", 5, CODES_EMPTY);
	expect_err("!!!...", 6, CODES_EMPTY);
	expect_err("0x", 2, CODES_UNKNOWN);
	expect_err("-", 1, CODES_UNKNOWN);
	expect_err("--1240", 6, CODES_UNKNOWN);
	expect_err("99999999999", 11, CODES_UNKNOWN);         /* past 32 bits */
	expect_err("4294967296", 10, CODES_UNKNOWN);          /* 2^32 */
	expect_err("-2147483649", 11, CODES_UNKNOWN);         /* below INT32_MIN */
	expect_err("0x1C000A000", 11, CODES_UNKNOWN);         /* 33 bits */
	expect_err("999999999999999999999999999999", 30, CODES_UNKNOWN);
	expect_err("0xZZ", 4, CODES_UNKNOWN);
	expect_err("STATUS_", 7, CODES_UNKNOWN);
	expect_err("NT_STATUS_", 10, CODES_UNKNOWN);
	expect_err(nul, sizeof nul - 1, CODES_BAD_BYTE);      /* embedded NUL */
	expect_err("\x1b[31m1240", 9, CODES_BAD_BYTE);        /* terminal escape */
	expect_err("1240\x7f", 5, CODES_BAD_BYTE);
	/* UTF-8 around a code is a separator, not an error */
	expect_one("\xe2\x80\x9c" "1240" "\xe2\x80\x9d", 1240);
	/* size limits: a long line is refused, a long word is no code */
	char *big = malloc(CODES_MAX_INPUT + 2);
	assert_non_null(big);
	memset(big, '1', CODES_MAX_INPUT + 1);
	expect_err(big, CODES_MAX_INPUT + 1, CODES_TOO_LONG);
	memset(big, 'A', CODES_MAX_INPUT);
	expect_err(big, CODES_MAX_INPUT, CODES_UNKNOWN);
	memcpy(big + CODES_MAX_INPUT - 11, " error 1240", 11);
	expect_err(big, CODES_MAX_INPUT, CODES_OK);
	free(big);
}

/* Every prefix of a paste parses without reading past it, and pseudo-random
 * bytes never give a code the table does not know. */
static void test_sweep_and_noise(void **state)
{
	(void)state;
	static const char paste[] = "net use Z: \\\\nas\\share\nSystem error 3227320323 has "
				    "occurred.\n(0xC05D0003) NT_STATUS_ACCESS_DENIED -1073700864";
	struct codes_match m;
	for (size_t n = 0; n <= sizeof paste - 1; n++)
		(void)parse_n(paste, n, &m);
	assert_int_equal(parse(paste, &m), CODES_OK);
	assert_int_equal(m.n, 3);
	uint32_t x = 12345;
	char buf[80];
	for (int round = 0; round < 20000; round++) {
		size_t n = (x >> 8) % sizeof buf;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			static const char alpha[] = "0123456789abcdefxX-_ STAUSERORh.:\n\t\x01\xff";
			buf[i] = alpha[(x >> 16) % (sizeof alpha - 1)];
		}
		x = x * 1103515245u + 12345u;
		if (parse_n(buf, n, &m) == CODES_OK)
			for (size_t i = 0; i < m.n; i++)
				assert_true(codes_known(m.value[i]));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spellings_invalid_signature),
		cmocka_unit_test(test_spellings_seed_codes),
		cmocka_unit_test(test_spellings_names),
		cmocka_unit_test(test_running_text),
		cmocka_unit_test(test_every_row_reachable),
		cmocka_unit_test(test_unique),
		cmocka_unit_test(test_verdicts_exist),
		cmocka_unit_test(test_peers_and_ntstatus_names),
		cmocka_unit_test(test_print_first_line),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_sweep_and_noise),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
