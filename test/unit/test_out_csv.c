/* Unit tests for the CSV renderer (out_csv.c) through the dispatcher: the
 * header, one RFC 4180 row per conversation with the reason quoted, empty
 * fields where JSON has null, and the --hosts rows from the tally. */
#include "testutil2.h"

#include "smbneg/out.h"
#include "smbneg/smb_const.h"

static void fill(struct conv *c, struct facts *f, struct verdict *v)
{
	memset(c, 0, sizeof *c);
	c->client = 0;
	c->ep[0].family = c->ep[1].family = 4;
	memcpy(c->ep[0].addr, (uint8_t[]){192, 0, 2, 7}, 4);
	c->ep[0].port = 50000;
	memcpy(c->ep[1].addr, (uint8_t[]){192, 0, 2, 1}, 4);
	c->ep[1].port = 445;
	memset(f, 0, sizeof *f);
	f->smb_seen = true;
	f->smb2_chosen = true;
	f->smb2_dialect = SMB2_DIALECT_0311;
	f->signed_after_negotiate = 3;
	f->unsigned_after_negotiate = 9;
	memset(v, 0, sizeof *v);
	v->verdict = V_NOT_SIGNED;
	v->cause = CAUSE_NOT_REQUIRED;
	v->smb_version = 2;
	v->client.setting = SIGNING_ENABLED;
	v->client.raw = 1;
	v->server.setting = SIGNING_ENABLED;
	v->server.raw = -1; /* not seen: an empty field */
	snprintf(v->reason, sizeof v->reason, "a \"quoted\" reason, with a comma");
}

static void test_row(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	struct out o;
	out_init(&o, OUT_CSV, fp);
	out_begin_file(&o, "x.pcap");
	struct conv c;
	struct facts f;
	struct verdict v;
	fill(&c, &f, &v);
	out_conversation(&o, 1, &c, &f, &v);
	out_conversation(&o, 2, &c, &f, &v);
	out_free(&o);
	assert_int_equal(fclose(fp), 0);
	const char *want =
		"file,client,server,smb_version,dialect,client_signing,server_signing,"
		"client_security_mode,server_security_mode,signed_messages,unsigned_messages,verdict,"
		"reason,indicators\n"
		"\"x.pcap\",192.0.2.7:50000,192.0.2.1:445,2,\"3.1.1\",enabled,enabled,1,,3,9,not-signed,"
		"\"a \"\"quoted\"\" reason, with a comma\",\"\"\n";
	/* the header once, then two identical rows */
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	assert_string_equal(buf + strlen(want), strchr(want, '\n') + 1);
	free(buf);
}

static void test_hosts(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	struct out o;
	out_init(&o, OUT_CSV, fp);
	o.hosts = true;
	struct tally t;
	tally_init(&t);
	assert_true(tally_enable_hosts(&t));
	struct conv c;
	struct facts f;
	struct verdict v;
	fill(&c, &f, &v);
	assert_int_equal(tally_conversation(&t, &c, &f, &v), 1);
	out_conversation(&o, 1, &c, &f, &v); /* --hosts: no row */
	out_summary(&o, &t);
	out_free(&o);
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "server,conversations,smb1,max_smb2_dialect,signing,relay_target,"
				 "guest_sessions\n"
				 "192.0.2.1,1,no,3.1.1,not-required,yes,0\n");
	assert_int_equal(t.verdicts[V_NOT_SIGNED], 1);
	tally_free(&t);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_hosts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
