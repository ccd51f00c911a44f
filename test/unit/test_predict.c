/* Unit tests for predict (--assume-client): the profiles, and one cell per
 * branch: SMB1-only server vs a client with SMB1 off, SMB2-only server vs an
 * XP client, guest logons (refused, signing required, exempted), SMB2 user
 * logons, SMB1 through KB 916846 and KB 887429, nothing known. The whole
 * Samba matrix is checked by test/predict/predict-matrix.sh. */
#include "testutil2.h"

#include "smbneg/predict.h"
#include "smbneg/smb_const.h"

static struct host server(bool smb1, enum signing s1, uint16_t dialect, enum signing s2)
{
	struct host x;
	memset(&x, 0, sizeof x);
	x.smb1 = smb1;
	if (s1 != SIGNING_UNKNOWN)
		x.smb1_signing_seen = 1u << s1;
	x.max_dialect = dialect;
	if (s2 != SIGNING_UNKNOWN)
		x.smb2_signing_seen = 1u << s2;
	x.sessions_accepted = 1;
	return x;
}

static const char *verdict(const char *profile, const struct host *x)
{
	const struct predict_profile *p = predict_profile_find(profile);
	assert_non_null(p);
	struct prediction pr;
	predict_host(p, x, &pr);
	if (strcmp(pr.verdict, "signed") != 0 && strcmp(pr.verdict, "unknown") != 0)
		assert_non_null(pr.reason);
	return pr.verdict;
}

static void test_profiles(void **state)
{
	(void)state;
	const char *names[] = {"win11-24h2",   "winserver2025", "win10",   "xp-patched",
			       "xp-unpatched", "required",	"enabled", "disabled"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		assert_string_equal(predict_profile_find(names[i])->name, names[i]);
	assert_null(predict_profile_find("win12"));
	assert_null(predict_profile_find(""));
}

static void test_protocols(void **state)
{
	(void)state;
	struct host nas = server(true, SIGNING_DISABLED, 0, SIGNING_UNKNOWN);
	assert_string_equal(verdict("win11-24h2", &nas), "negotiate-failed");
	assert_string_equal(verdict("xp-patched", &nas), "not-signed");
	struct host modern = server(false, SIGNING_UNKNOWN, SMB2_DIALECT_0311, SIGNING_ENABLED);
	assert_string_equal(verdict("xp-unpatched", &modern), "negotiate-failed");
	assert_string_equal(verdict("win11-24h2", &modern), "signed");
	assert_string_equal(verdict("win10", &modern), "not-signed");
	struct host none;
	memset(&none, 0, sizeof none);
	assert_string_equal(verdict("required", &none), "unknown");
}

static void test_guest(void **state)
{
	(void)state;
	struct host g = server(false, SIGNING_UNKNOWN, SMB2_DIALECT_0311, SIGNING_REQUIRED);
	g.guest_sessions = 1;
	assert_string_equal(verdict("win10", &g), "guest-blocked");    /* refused */
	assert_string_equal(verdict("required", &g), "guest-blocked"); /* cannot sign */
	assert_string_equal(verdict("disabled", &g), "not-signed");    /* exempted */
}

static void test_smb1_matrix(void **state)
{
	(void)state;
	struct host req = server(true, SIGNING_REQUIRED, 0, SIGNING_UNKNOWN);
	assert_string_equal(verdict("disabled", &req), "mismatch-access-denied"); /* KB 887429 */
	assert_string_equal(verdict("enabled", &req), "signed");
	struct host dis = server(true, SIGNING_DISABLED, 0, SIGNING_UNKNOWN);
	assert_string_equal(verdict("required", &dis), "signed"); /* patched server */
	assert_string_equal(verdict("enabled", &dis), "not-signed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_profiles),
	    cmocka_unit_test(test_protocols),
	    cmocka_unit_test(test_guest),
	    cmocka_unit_test(test_smb1_matrix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
