/* Unit tests for host: the per-server inventory (--hosts) folded from
 * concluded conversations' facts and verdicts: relay targets (signing not
 * required on some connection), SMB1, guests, order of first appearance. */
#include "testutil2.h"

#include "smbneg/host.h"
#include "smbneg/smb_const.h"

static void add(struct host_table *h, uint8_t server, enum signing srv, enum verdict_kind verdict,
		bool guest)
{
	struct conv c;
	memset(&c, 0, sizeof c);
	c.client = 0;
	c.ep[0].family = c.ep[1].family = 4;
	c.ep[0].addr[0] = 10;
	c.ep[0].addr[3] = 9;
	c.ep[1].addr[0] = 10;
	c.ep[1].addr[3] = server;
	c.ep[1].port = 445;
	struct facts f;
	memset(&f, 0, sizeof f);
	f.smb_seen = true;
	f.smb_version = 2;
	f.smb2_chosen = true;
	f.smb2_dialect = SMB2_DIALECT_0311;
	f.guest = guest;
	struct verdict v;
	memset(&v, 0, sizeof v);
	v.verdict = verdict;
	v.smb_version = 2;
	v.server.setting = srv;
	host_table_add(h, &c, &f, &v);
}

static void test_inventory(void **state)
{
	(void)state;
	struct host_table h;
	assert_true(host_table_init(&h));
	add(&h, 2, SIGNING_REQUIRED, V_SIGNED, false);
	add(&h, 1, SIGNING_ENABLED, V_NOT_SIGNED, true);
	add(&h, 2, SIGNING_REQUIRED, V_SIGNED, false);
	add(&h, 3, SIGNING_REQUIRED, V_SIGNED, false);
	add(&h, 3, SIGNING_ENABLED, V_NOT_SIGNED, false);
	size_t n;
	struct host **all = host_table_sorted(&h, &n);
	assert_non_null(all);
	assert_int_equal(n, 3);
	/* order of first appearance: .2, .1, .3 */
	assert_int_equal(all[0]->addr[3], 2);
	assert_int_equal(all[1]->addr[3], 1);
	assert_int_equal(all[2]->addr[3], 3);
	assert_int_equal(all[0]->conversations, 2);
	assert_int_equal(host_signing(all[0]), HOST_SIGNING_REQUIRED);
	assert_false(host_relay_target(all[0]));
	assert_int_equal(host_signing(all[1]), HOST_SIGNING_NOT_REQUIRED);
	assert_true(host_relay_target(all[1]));
	assert_int_equal(all[1]->guest_sessions, 1);
	assert_int_equal(host_signing(all[2]), HOST_SIGNING_MIXED);
	assert_true(host_relay_target(all[2]));
	assert_string_equal(host_signing_names[host_signing(all[2])], "mixed");
	assert_int_equal(all[0]->max_dialect, SMB2_DIALECT_0311);
	assert_int_equal(all[2]->verdicts[V_NOT_SIGNED], 1);
	free(all);
	host_table_free(&h);
}

static void test_unknown_signing(void **state)
{
	(void)state;
	struct host_table h;
	assert_true(host_table_init(&h));
	add(&h, 4, SIGNING_UNKNOWN, V_INCOMPLETE, false);
	size_t n;
	struct host **all = host_table_sorted(&h, &n);
	assert_int_equal(n, 1);
	assert_int_equal(host_signing(all[0]), HOST_SIGNING_UNKNOWN);
	assert_true(host_relay_target(all[0])); /* not shown to require signing */
	free(all);
	host_table_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory),
		cmocka_unit_test(test_unknown_signing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
