/* Unit tests for explain: `smbneg explain CODE` (decimal, negative decimal
 * and hex forms of the error codes the seeds name) and the fix text per
 * verdict. */
#include "testutil2.h"

#include "smbneg/explain.h"
#include "smbneg/verdict.h"

/* Run explain_code on an exact-size heap copy of code; *out gets what it
 * wrote (caller frees). */
static bool run(const char *code, char **out)
{
	size_t n = strlen(code) + 1;
	char *in = (char *)heap_copy(code, n);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	bool ok = explain_code(in, f);
	assert_int_equal(fclose(f), 0);
	free(in);
	*out = buf;
	return ok;
}

static void expect_known(const char *code, const char *name, const char *numbers)
{
	char *out;
	if (!run(code, &out))
		fail_msg("explain_code(\"%s\") returned false", code);
	if (!strstr(out, name))
		fail_msg("explain_code(\"%s\"): no \"%s\" in: %s", code, name, out);
	if (!strstr(out, numbers))
		fail_msg("explain_code(\"%s\"): no \"%s\" in: %s", code, numbers, out);
	free(out);
}

static void expect_unknown(const char *code)
{
	char *out;
	if (run(code, &out))
		fail_msg("explain_code(\"%s\") returned true: %s", code, out);
	assert_string_equal(out, ""); /* nothing written */
	free(out);
}

static void test_1240(void **state)
{
	(void)state;
	/* KB 887429: client requires, server disabled */
	expect_known("1240", "ERROR_LOGIN_WKSTA_RESTRICTION", "1240 = 0x000004D8 = 1240");
	expect_known("0x4D8", "ERROR_LOGIN_WKSTA_RESTRICTION", "1240");
	char *out;
	assert_true(run("1240", &out));
	assert_non_null(strstr(out, "mismatch-no-communication"));
	free(out);
}

static void test_3227320323(void **state)
{
	(void)state;
	/* "System error 3227320323" = 0xC05D0003 */
	expect_known("3227320323", "STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP",
		     "3227320323 = 0xC05D0003 = -1067646973");
	expect_known("0xC05D0003", "STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP", "3227320323");
	expect_known("-1067646973", "STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP", "0xC05D0003");
}

static void test_invalid_signature_forms(void **state)
{
	(void)state;
	/* STATUS_INVALID_SIGNATURE in its three spellings */
	expect_known("-1073700864", "STATUS_INVALID_SIGNATURE", "3221266432 = 0xC000A000 = -1073700864");
	expect_known("0xC000A000", "STATUS_INVALID_SIGNATURE", "3221266432 = 0xC000A000 = -1073700864");
	expect_known("0xc000a000", "STATUS_INVALID_SIGNATURE", "0xC000A000");
	expect_known("0XC000A000", "STATUS_INVALID_SIGNATURE", "0xC000A000");
	expect_known("3221266432", "STATUS_INVALID_SIGNATURE", "0xC000A000");
}

static void test_0x80090006(void **state)
{
	(void)state;
	/* KB 2686098: "System error 2148073478" */
	expect_known("0x80090006", "NTE_BAD_SIGNATURE", "2148073478 = 0x80090006 = -2146893818");
	expect_known("2148073478", "NTE_BAD_SIGNATURE", "0x80090006");
	char *out;
	assert_true(run("0x80090006", &out));
	assert_non_null(strstr(out, "secure-negotiate-failed"));
	free(out);
}

static void test_other_known(void **state)
{
	(void)state;
	expect_known("0xC05D0002", "STATUS_SMB_GUEST_LOGON_BLOCKED", "0xC05D0002");
	expect_known("1272", "ERROR_SMB_GUEST_LOGON_BLOCKED", "0x000004F8");
	expect_known("0xC0000022", "STATUS_ACCESS_DENIED", "0xC0000022");
	expect_known("5", "ERROR_ACCESS_DENIED", "5 = 0x00000005 = 5");
	expect_known("0x80070035", "ERROR_BAD_NETPATH", "2147942453");
	/* smbneg prints STATUS_SUCCESS; pasted blanks around a code are ignored */
	expect_known("0", "STATUS_SUCCESS", "0 = 0x00000000 = 0");
	expect_known("1240 ", "ERROR_LOGIN_WKSTA_RESTRICTION", "1240 = 0x000004D8");
}

static void test_unknown(void **state)
{
	(void)state;
	expect_unknown("12345");
	expect_unknown("0xDEADBEEF");
	expect_unknown("-1");
}

static void test_garbage(void **state)
{
	(void)state;
	expect_unknown("");
	expect_unknown("abc");
	expect_unknown("12abc");
	expect_unknown("0x");
	expect_unknown("0xZZ");
	expect_unknown("0x4D8g");
	expect_unknown("--1240");
	expect_unknown("99999999999999999999999");   /* overflows strtoll */
	expect_unknown("0x1FFFFFFFFFFFFFFFFF");       /* overflows strtoull */
}

static void test_out_of_range(void **state)
{
	(void)state;
	/* Numbers that do not fit in 32 bits are no error code. */
	static const char *const codes[] = {"4294968536", "0x1000004D8", "-4294966056"};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		expect_unknown(codes[i]);
}

static void test_fix_per_verdict(void **state)
{
	(void)state;
	assert_null(explain_fix(V_SIGNED));
	for (int v = 0; v < V_COUNT; v++) {
		if (v == V_SIGNED)
			continue;
		const char *fix = explain_fix((enum verdict_kind)v);
		if (!fix || !fix[0])
			fail_msg("no fix for verdict %s", verdict_names[v]);
	}
	assert_null(explain_fix(V_COUNT));
}

static void test_fix_content(void **state)
{
	(void)state;
	/* KB 887429, "Control SMB signing behavior": registry value, Group Policy,
	 * PowerShell and Samba for each side. */
	const char *f = explain_fix(V_NOT_SIGNED);
	assert_non_null(strstr(f, "RequireSecuritySignature"));
	assert_non_null(strstr(f, "Set-SmbServerConfiguration"));
	assert_non_null(strstr(f, "Set-SmbClientConfiguration"));
	assert_non_null(strstr(f, "server signing"));
	assert_non_null(strstr(f, "client signing"));
	/* client requires, server disabled: enable signing on the server */
	f = explain_fix(V_MISMATCH_NO_COMMUNICATION);
	assert_non_null(strstr(f, "LanmanServer"));
	assert_non_null(strstr(f, "EnableSecuritySignature"));
	/* server requires, client disabled: enable signing on the client */
	f = explain_fix(V_MISMATCH_ACCESS_DENIED);
	assert_non_null(strstr(f, "LanmanWorkstation"));
	assert_non_null(strstr(f, "client signing"));
	/* KB 2686098 */
	f = explain_fix(V_SECURE_NEGOTIATE_FAILED);
	assert_non_null(strstr(f, "RequireSecureNegotiate"));
	/* the seeds' caution on guest access */
	f = explain_fix(V_GUEST_BLOCKED);
	assert_non_null(strstr(f, "guest"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_1240),
		cmocka_unit_test(test_3227320323),
		cmocka_unit_test(test_invalid_signature_forms),
		cmocka_unit_test(test_0x80090006),
		cmocka_unit_test(test_other_known),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_out_of_range),
		cmocka_unit_test(test_fix_per_verdict),
		cmocka_unit_test(test_fix_content),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
