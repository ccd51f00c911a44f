/* Unit tests for out_relay_list and host_relay: --relay-list lists the
 * servers that accepted a session without requiring signing or encryption,
 * one address per line in order of first appearance; a server seen only in
 * a Negotiate that did not require signing is "probe-only" and listed only
 * with --relay-list-probes; one that requires signing, or forced encryption
 * on its session, never. */
#include "testutil2.h"

#include "smbneg/out_relay_list.h"

static void add(struct host_table *h, uint8_t server, enum signing srv, bool session_ok,
		bool encrypt_forced)
{
	struct conv c;
	memset(&c, 0, sizeof c);
	c.client = 0;
	c.ep[0] = (struct endpoint){4, {10, 0, 0, 9}, 50000};
	c.ep[1] = (struct endpoint){4, {10, 0, 0, server}, 445};
	struct facts f;
	memset(&f, 0, sizeof f);
	f.smb_seen = true;
	f.server.setting = srv;
	f.server_requires = srv == SIGNING_REQUIRED;
	f.session_ok = session_ok;
	f.nsessions = 1;
	f.sessions[0].ok = session_ok;
	f.sessions[0].encrypt_data = encrypt_forced;
	f.encrypt_data = encrypt_forced; /* what facts.c derives from the sessions */
	struct verdict v;
	memset(&v, 0, sizeof v);
	v.verdict = session_ok ? V_NOT_SIGNED : V_INCOMPLETE;
	v.server.setting = srv;
	host_table_add(h, &c, &f, &v);
}

static void list(const struct host_table *h, bool probes, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	long n = out_relay_list(h, fp, probes);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, want);
	long lines = 0;
	for (const char *p = want; *p; p++)
		lines += *p == '\n';
	assert_int_equal(n, lines);
	free(buf);
}

static void test_relay_list(void **state)
{
	(void)state;
	struct host_table h;
	assert_true(host_table_init(&h));
	add(&h, 1, SIGNING_ENABLED, true, false);   /* accepted unsigned: listed */
	add(&h, 2, SIGNING_REQUIRED, true, false);  /* requires signing */
	add(&h, 3, SIGNING_ENABLED, false, false);  /* Negotiate only: probe-only */
	add(&h, 4, SIGNING_DISABLED, true, true);   /* forced encryption */
	add(&h, 5, SIGNING_DISABLED, false, false); /* probe first ... */
	add(&h, 5, SIGNING_DISABLED, true, false);  /* ... then a session: listed */
	add(&h, 6, SIGNING_UNKNOWN, true, false);   /* nothing known of its signing */
	size_t n;
	struct host **all = host_table_sorted(&h, &n);
	assert_int_equal(n, 6);
	enum host_relay want[] = {HOST_RELAY_YES, HOST_RELAY_NO,  HOST_RELAY_PROBE_ONLY,
				  HOST_RELAY_NO,  HOST_RELAY_YES, HOST_RELAY_NO};
	for (size_t i = 0; i < n; i++)
		assert_string_equal(host_relay_names[host_relay(all[i])],
				    host_relay_names[want[i]]);
	free(all);
	list(&h, false, "10.0.0.1\n10.0.0.5\n");
	list(&h, true, "10.0.0.1\n10.0.0.3\n10.0.0.5\n");
	host_table_free(&h);
	struct host_table empty;
	assert_true(host_table_init(&empty));
	list(&empty, true, "");
	host_table_free(&empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relay_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
