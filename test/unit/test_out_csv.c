/* Unit tests for the CSV renderer (out_csv.c) through the dispatcher: the
 * header, one RFC 4180 row per conversation with the reason quoted, empty
 * fields where JSON has null, the --hosts rows from the tally (also per
 * file), and the -q summary row. */
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
	/* protection and identity: known values quoted, unknown ones empty */
	f->protection = PROT_NONE;
	f->signing_algorithm = "AES-128-CMAC";
	f->server_id.has_names = true;
	snprintf(f->server_id.name, sizeof f->server_id.name, "FS1");
	snprintf(f->server_id.dns_domain, sizeof f->server_id.dns_domain, "example.org");
	snprintf(f->server_os_version, sizeof f->server_os_version, "10.0.20348");
	f->nsessions = 1;
	f->sessions[0].ok = f->sessions[0].has_names = true;
	snprintf(f->sessions[0].user, sizeof f->sessions[0].user, "alice");
	snprintf(f->sessions[0].domain, sizeof f->sessions[0].domain, "EXAMPLE");
	f->unsigned_after_session = 7;
	v->fix = "require signing";
}

/* One renderer run into memory: the output, the tally and a conversation. */
struct csv_run {
	char *buf;
	size_t len;
	FILE *fp;
	struct out o;
	struct tally t;
	struct conv c;
	struct facts f;
	struct verdict v;
};

static void run_open(struct csv_run *r)
{
	memset(r, 0, sizeof *r);
	r->fp = open_memstream(&r->buf, &r->len);
	assert_non_null(r->fp);
	out_init(&r->o, OUT_CSV, r->fp);
	tally_init(&r->t);
	fill(&r->c, &r->f, &r->v);
}

/* Close the run; returns what was written (freed by run_free). */
static const char *run_close(struct csv_run *r)
{
	out_free(&r->o);
	assert_int_equal(fclose(r->fp), 0);
	return r->buf;
}

static void run_free(struct csv_run *r)
{
	tally_free(&r->t);
	free(r->buf);
}

static void test_row(void **state)
{
	(void)state;
	struct csv_run r;
	run_open(&r);
	out_begin_file(&r.o, "x.pcap");
	out_conversation(&r.o, 1, &r.c, &r.f, &r.v);
	out_conversation(&r.o, 2, &r.c, &r.f, &r.v);
	const char *buf = run_close(&r);
	const char *want =
		"file,client,server,smb_version,dialect,client_signing,server_signing,"
		"client_security_mode,server_security_mode,signed_messages,unsigned_messages,verdict,"
		"reason,protection,signing_algorithm,cipher,server_name,server_domain,server_dns_name,"
		"server_dns_domain,server_os_version,who,signed_after_session_setup,"
		"unsigned_after_session_setup,fix,indicators\n"
		"\"x.pcap\",192.0.2.7:50000,192.0.2.1:445,2,\"3.1.1\",enabled,enabled,1,,3,9,not-signed,"
		"\"a \"\"quoted\"\" reason, with a comma\",\"none\",\"AES-128-CMAC\",,\"FS1\",,,"
		"\"example.org\",\"10.0.20348\",\"EXAMPLE\\alice\",0,7,\"require signing\",\"\"\n";
	/* the header once, then two identical rows */
	assert_true(strncmp(buf, want, strlen(want)) == 0);
	assert_string_equal(buf + strlen(want), strchr(want, '\n') + 1);
	run_free(&r);
}

static void test_hosts(void **state)
{
	(void)state;
	struct csv_run r;
	run_open(&r);
	r.o.hosts = true;
	assert_true(tally_enable_hosts(&r.t));
	assert_int_equal(tally_conversation(&r.t, &r.c, &r.f, &r.v), 1);
	out_conversation(&r.o, 1, &r.c, &r.f, &r.v); /* --hosts: no row */
	out_summary(&r.o, &r.t);
	assert_string_equal(run_close(&r),
			    "server,conversations,smb1,max_smb2_dialect,signing,relay_target,"
			    "guest_sessions,server_name,server_dns_name,server_os_version,users\n"
			    "192.0.2.1,1,no,3.1.1,not-required,yes,0,\"FS1\",,\"10.0.20348\","
			    "\"EXAMPLE\\alice\"\n");
	assert_int_equal(r.t.verdicts[V_NOT_SIGNED], 1);
	run_free(&r);
}

static void test_hosts_per_file(void **state)
{
	/* --hosts-per-file: each file's servers after it is read, the file first,
	 * one header; the table is reset between files (tally_reset_hosts). */
	(void)state;
	struct csv_run r;
	run_open(&r);
	r.o.hosts = r.o.hosts_per_file = true;
	assert_true(tally_enable_hosts(&r.t));
	const char *files[] = {"a.pcap", "b,c.pcap"};
	for (int i = 0; i < 2; i++) {
		out_begin_file(&r.o, files[i]);
		tally_begin_file(&r.t);
		for (int k = 0; k <= i; k++)
			tally_conversation(&r.t, &r.c, &r.f, &r.v);
		out_file_hosts(&r.o, &r.t);
		tally_reset_hosts(&r.t);
	}
	out_summary(&r.o, &r.t); /* not again at the end */
	assert_string_equal(run_close(&r), "file,server,conversations,smb1,max_smb2_dialect,signing,"
					   "relay_target,guest_sessions,server_name,server_dns_name,"
					   "server_os_version,users\n"
					   "\"a.pcap\",192.0.2.1,1,no,3.1.1,not-required,yes,0,\"FS1\",,"
					   "\"10.0.20348\",\"EXAMPLE\\alice\"\n"
					   "\"b,c.pcap\",192.0.2.1,2,no,3.1.1,not-required,yes,0,\"FS1\",,"
					   "\"10.0.20348\",\"EXAMPLE\\alice\"\n");
	run_free(&r);
}

static void test_quiet_summary(void **state)
{
	/* -q -o csv: the summary as a header and one row (README "CSV"). */
	(void)state;
	struct csv_run r;
	run_open(&r);
	r.o.quiet = true;
	tally_begin_file(&r.t);
	tally_conversation(&r.t, &r.c, &r.f, &r.v);
	out_conversation(&r.o, 1, &r.c, &r.f, &r.v); /* -q: no row */
	struct flow_stats st = {.frames = 40, .late_segments = 2};
	tally_end_file(&r.t, &st, false);
	out_summary(&r.o, &r.t);
	const char *buf = run_close(&r);
	char want[2048] = "files,files_failed,conversations,smb1_conversations,";
	for (int i = 0; i < V_COUNT; i++) {
		strncat(want, verdict_names[i], sizeof want - strlen(want) - 1);
		strncat(want, ",", sizeof want - strlen(want) - 1);
	}
	strncat(want,
		"frames_read,tcp_segments,ip_fragments_skipped,frames_truncated,frames_malformed,"
		"tcp_connections,smb_connections,evicted,late_segments,resumed_after_idle,"
		"packets_received,packets_dropped,packets_ifdropped\n1,0,1,0,",
		sizeof want - strlen(want) - 1);
	for (int i = 0; i < V_COUNT; i++)
		strncat(want, i == V_NOT_SIGNED ? "1," : "0,", sizeof want - strlen(want) - 1);
	strncat(want, "40,0,0,0,0,0,0,0,2,0,,,\n", sizeof want - strlen(want) - 1);
	assert_string_equal(buf, want);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_hosts_per_file),
		cmocka_unit_test(test_quiet_summary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
