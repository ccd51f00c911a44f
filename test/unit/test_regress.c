/* Unit tests for regress (include/smbneg/regress.h): the --fail-on parser
 * (every name, empty lists and items, unknown verdicts and anomalies), the
 * conditions a conversation meets, and the hooks: hits named with input and
 * conversation, baseline records with relative paths, an unreadable input,
 * no-conversations, and the outcome regress_finish gives
 * baseline_exit_status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include <sys/stat.h>

#include "smbneg/regress.h"

static bool parse(const char *list, struct regress_fail_on *fo, char *err, size_t size)
{
	memset(fo, 0, sizeof *fo);
	err[0] = '\0';
	return regress_fail_on_parse(list, fo, err, size);
}

static void test_parse_names(void **state)
{
	(void)state;
	struct regress_fail_on fo;
	char err[2048], names[512];
	/* every verdict name is a condition (verdict_names: later verdicts too) */
	for (int i = 0; i < V_COUNT; i++) {
		assert_true(parse(verdict_names[i], &fo, err, sizeof err));
		assert_int_equal(fo.verdicts, (uint64_t)1 << i);
	}
	/* any-failure: all but signed, not-signed and incomplete; any-mismatch:
	 * those but negotiate-failed and logon-failed */
	assert_true(parse("any-failure", &fo, err, sizeof err));
	for (int i = 0; i < V_COUNT; i++)
		assert_int_equal((fo.verdicts >> i) & 1,
				 i != V_SIGNED && i != V_NOT_SIGNED && i != V_INCOMPLETE);
	assert_true(parse("any-mismatch", &fo, err, sizeof err));
	for (int i = 0; i < V_COUNT; i++)
		assert_int_equal((fo.verdicts >> i) & 1,
				 i != V_SIGNED && i != V_NOT_SIGNED && i != V_INCOMPLETE &&
				     i != V_NEGOTIATE_FAILED && i != V_LOGON_FAILED);
	assert_true(parse("any-mismatch", &fo, err, sizeof err));
	assert_true((fo.verdicts >> V_GUEST_BLOCKED) & 1);
	assert_true((fo.verdicts >> V_INVALID_SIGNATURE) & 1);
	assert_true(parse("incomplete,smb1,no-conversations,anomaly:truncated-message,"
			  "anomaly:smb1-after-smb2",
			  &fo, err, sizeof err));
	assert_int_equal(fo.verdicts, (uint64_t)1 << V_INCOMPLETE);
	assert_true(fo.smb1);
	assert_true(fo.no_conversations);
	assert_int_equal(fo.anomalies,
			 ANOM_BIT(ANOM_TRUNCATED_MESSAGE) | ANOM_BIT(ANOM_SMB1_AFTER_SMB2));
	assert_string_equal(regress_fail_on_names(&fo, names, sizeof names),
			    "incomplete,smb1,anomaly:truncated-message,anomaly:smb1-after-smb2,"
			    "no-conversations");
	/* every anomaly name */
	for (int i = 0; i < ANOM_COUNT; i++) {
		char w[128];
		snprintf(w, sizeof w, "anomaly:%s", anomaly_names[i]);
		assert_true(parse(w, &fo, err, sizeof err));
		assert_int_equal(fo.anomalies, ANOM_BIT(i));
	}
	/* a list adds to what fo holds (the option may be repeated) */
	assert_true(parse("signed", &fo, err, sizeof err));
	assert_true(regress_fail_on_parse("not-signed", &fo, err, sizeof err));
	assert_int_equal(fo.verdicts, (uint64_t)1 << V_SIGNED | (uint64_t)1 << V_NOT_SIGNED);
	/* names cut at a whole name when the buffer is short */
	assert_string_equal(regress_fail_on_names(&fo, names, 12), "signed");
}

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *list, *want; /* want: a part of the message */
	} cases[] = {
	    {"", "an empty list"},
	    {",", "an empty list"},
	    {",,,", "an empty list"},
	    {"not-signed,", "an empty name"},
	    {",not-signed", "an empty name"},
	    {"not-signed,,smb1", "an empty name"},
	    {"bogus", "unknown condition 'bogus'"},
	    {"signed,bogus", "unknown condition 'bogus'"},
	    {"Signed", "unknown condition 'Signed'"},
	    {"anomaly:", "unknown anomaly ''"},
	    {"anomaly:foo", "unknown anomaly 'foo'; known anomalies: truncated-message"},
	    {"anomaly:truncated-message,anomaly:x", "unknown anomaly 'x'"},
	    {"any-mismatch ", "unknown condition 'any-mismatch '"},
	};
	struct regress_fail_on fo;
	char err[2048];
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if (parse(cases[i].list, &fo, err, sizeof err))
			fail_msg("'%s' accepted", cases[i].list);
		if (!strstr(err, cases[i].want))
			fail_msg("'%s': message \"%s\" lacks \"%s\"", cases[i].list, err,
				 cases[i].want);
	}
	/* a name longer than any known one */
	char lng[300];
	memset(lng, 'x', sizeof lng - 1);
	lng[sizeof lng - 1] = '\0';
	assert_false(parse(lng, &fo, err, sizeof err));
}

/* A conversation 10.0.0.1:49152 -> 10.0.0.2:445 (client = ep[0]). */
static void make_conv(struct conv *c, uint16_t port, anomaly_mask anomalies)
{
	memset(c, 0, sizeof *c);
	c->client = 0;
	c->ep[0].family = c->ep[1].family = 4;
	memcpy(c->ep[0].addr, (uint8_t[]){10, 0, 0, 1}, 4);
	memcpy(c->ep[1].addr, (uint8_t[]){10, 0, 0, 2}, 4);
	c->ep[0].port = port;
	c->ep[1].port = 445;
	c->anomalies = anomalies;
}

static void make_verdict(struct facts *f, struct verdict *v, enum verdict_kind k, int smb)
{
	memset(f, 0, sizeof *f);
	memset(v, 0, sizeof *v);
	f->smb_seen = true;
	f->smb2_chosen = smb == 2;
	f->smb2_dialect = 0x0311;
	if (smb == 1)
		snprintf(f->smb1_dialect, sizeof f->smb1_dialect, "NT LM 0.12");
	f->protection = k == V_SIGNED ? PROT_SIGNING : PROT_UNKNOWN;
	v->verdict = k;
	v->cause = k == V_SIGNED ? CAUSE_SIGNED : CAUSE_NOT_REQUIRED;
	v->smb_version = smb;
	v->client.setting = SIGNING_ENABLED;
	v->server.setting = smb == 1 ? SIGNING_DISABLED : SIGNING_REQUIRED;
}

static void test_met(void **state)
{
	(void)state;
	struct regress_fail_on fo;
	char err[256], names[256];
	struct conv c;
	struct facts f;
	struct verdict v;
	assert_true(parse("not-signed,smb1,anomaly:nbss-resynchronised", &fo, err, sizeof err));
	make_conv(&c, 49152, ANOM_BIT(ANOM_NBSS_RESYNC) | ANOM_BIT(ANOM_NOT_SMB));
	make_verdict(&f, &v, V_NOT_SIGNED, 1);
	struct regress_fail_on m = regress_fail_on_met(&fo, &c, &v);
	assert_true(regress_fail_on_any(&m));
	assert_string_equal(regress_fail_on_names(&m, names, sizeof names),
			    "not-signed,smb1,anomaly:nbss-resynchronised");
	make_conv(&c, 49152, ANOM_BIT(ANOM_NOT_SMB));
	make_verdict(&f, &v, V_SIGNED, 2);
	m = regress_fail_on_met(&fo, &c, &v);
	assert_false(regress_fail_on_any(&m));
	/* no-conversations is about inputs, never met by a conversation */
	assert_true(parse("no-conversations", &fo, err, sizeof err));
	m = regress_fail_on_met(&fo, &c, &v);
	assert_false(regress_fail_on_any(&m));
}

static char *slurp(FILE *f)
{
	long n = ftell(f);
	assert_true(n >= 0);
	char *s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	return s;
}

/* Three inputs under root /s: a.pcap with a not-signed SMB1 and a signed
 * conversation, sub/b.pcap unreadable, empty.pcap without conversations. */
static void run_inputs(struct regress *r)
{
	struct conv c;
	struct facts f;
	struct verdict v;
	regress_begin_file(r, "/s/a.pcap");
	make_conv(&c, 49152, ANOM_BIT(ANOM_NBSS_RESYNC));
	make_verdict(&f, &v, V_NOT_SIGNED, 1);
	regress_conversation(r, &c, &f, &v);
	make_conv(&c, 49153, 0);
	make_verdict(&f, &v, V_SIGNED, 2);
	regress_conversation(r, &c, &f, &v);
	regress_end_file(r, NULL);
	regress_begin_file(r, "/s/./sub//b.pcap");
	regress_end_file(r, "/s/sub/b.pcap: unknown file format");
	regress_begin_file(r, "/s/empty.pcap");
	regress_end_file(r, NULL);
}

static void test_hooks_and_records(void **state)
{
	(void)state;
	FILE *msgs = tmpfile();
	assert_non_null(msgs);
	struct regress r;
	char err[256];
	regress_init(&r, msgs);
	assert_true(regress_fail_on_parse("smb1,no-conversations", &r.fail_on, err, sizeof err));
	r.record = true;
	r.root = "/s/";
	run_inputs(&r);
	char *m = slurp(msgs);
	assert_non_null(strstr(m, "smbneg: --fail-on smb1: /s/a.pcap: 10.0.0.1:49152 -> "
				  "10.0.0.2:445\n"));
	assert_non_null(strstr(m, "smbneg: --fail-on no-conversations: /s/empty.pcap: no SMB "
				  "conversation\n"));
	assert_null(strstr(m, "49153")); /* the signed SMB2 one is no hit */
	free(m);
	assert_int_equal(r.hits, 2);
	assert_int_equal(r.unreadable, 1);
	assert_int_equal(r.run.nfiles, 3);
	assert_string_equal(r.run.files[0].path, "a.pcap");
	assert_string_equal(r.run.files[1].path, "sub/b.pcap");
	assert_false(r.run.files[1].readable);
	assert_string_equal(r.run.files[1].error, "/s/sub/b.pcap: unknown file format");
	assert_string_equal(r.run.files[2].fail_on, "no-conversations");
	assert_int_equal(r.run.nrecs, 2);
	const struct baseline_rec *x = &r.run.recs[0];
	assert_string_equal(x->client, "10.0.0.1:49152");
	assert_string_equal(x->server, "10.0.0.2:445");
	assert_string_equal(x->verdict, "not-signed");
	assert_string_equal(x->cause, "not-required");
	assert_string_equal(x->dialect, "NT LM 0.12");
	assert_string_equal(x->client_signing, "enabled");
	assert_string_equal(x->server_signing, "disabled");
	assert_string_equal(x->protection, "");
	assert_string_equal(x->anomalies, "nbss-resynchronised");
	assert_string_equal(x->fail_on, "smb1");
	assert_string_equal(r.run.recs[1].dialect, "3.1.1");
	assert_string_equal(r.run.recs[1].protection, "signing");
	assert_string_equal(r.run.recs[1].fail_on, "");
	regress_free(&r);
	fclose(msgs);
}

/* regress_finish: written baseline read back; the same run compares equal;
 * a changed verdict is one difference; the outcome gives the exit status. */
static void test_finish(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_regress.XXXXXX", path[256], junit[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/b.jsonl", dir);
	snprintf(junit, sizeof junit, "%s/j.xml", dir);
	FILE *msgs = tmpfile(), *diff = tmpfile();
	struct regress r;
	struct baseline_outcome out;
	regress_init(&r, msgs);
	r.record = true;
	r.root = "/s";
	run_inputs(&r);
	struct regress_outputs o = {path, junit, diff, false, diff};
	regress_finish(&r, &o, &out);
	assert_false(out.output_error);
	assert_false(out.compared);
	assert_int_equal(out.unreadable, 1);
	assert_int_equal(baseline_exit_status(&out), 2); /* unreadable, no --baseline */
	regress_free(&r);

	/* the same inputs against that baseline: no difference, exit 0 */
	char err[1200];
	regress_init(&r, msgs);
	r.record = true;
	r.root = "/s";
	assert_int_equal(regress_load(&r, path, err, sizeof err), 0);
	run_inputs(&r);
	o.write_baseline = NULL;
	regress_finish(&r, &o, &out);
	assert_true(out.compared);
	assert_int_equal(out.differences, 0);
	assert_int_equal(baseline_exit_status(&out), 0);
	regress_free(&r);

	/* one verdict changed, with --fail-on signed: exit 1, the line names it */
	regress_init(&r, msgs);
	r.record = true;
	r.root = "/s";
	assert_true(regress_fail_on_parse("signed", &r.fail_on, err, sizeof err));
	assert_int_equal(regress_load(&r, path, err, sizeof err), 0);
	struct conv c;
	struct facts f;
	struct verdict v;
	regress_begin_file(&r, "/s/a.pcap");
	make_conv(&c, 49152, ANOM_BIT(ANOM_NBSS_RESYNC));
	make_verdict(&f, &v, V_SIGNED, 1);
	regress_conversation(&r, &c, &f, &v);
	make_conv(&c, 49153, 0);
	make_verdict(&f, &v, V_SIGNED, 2);
	regress_conversation(&r, &c, &f, &v);
	regress_end_file(&r, NULL);
	regress_begin_file(&r, "/s/sub/b.pcap");
	regress_end_file(&r, "unknown file format");
	regress_begin_file(&r, "/s/empty.pcap");
	regress_end_file(&r, NULL);
	long before = ftell(diff);
	regress_finish(&r, &o, &out);
	assert_int_equal(out.differences, 1);
	assert_int_equal(out.fail_on_hits, 2);
	assert_int_equal(baseline_exit_status(&out), 1);
	char *all = slurp(diff);
	assert_string_equal(all + before,
			    "a.pcap: 10.0.0.1:49152 -> 10.0.0.2:445: changed: verdict not-signed "
			    "-> signed; cause not-required -> signed; protection null -> signing\n"
			    "baseline: 1 difference (1 changed)\n");
	free(all);
	regress_free(&r);

	/* a --baseline that is not there */
	regress_init(&r, msgs);
	snprintf(path, sizeof path, "%s/missing.jsonl", dir);
	assert_int_equal(regress_load(&r, path, err, sizeof err), -1);
	assert_non_null(strstr(err, "missing.jsonl"));
	regress_free(&r);
	/* the JUnit file cannot be written: an output error */
	regress_init(&r, msgs);
	r.record = true;
	run_inputs(&r);
	snprintf(junit, sizeof junit, "%s/no/such/dir/j.xml", dir);
	o.junit = junit;
	regress_finish(&r, &o, &out);
	assert_true(out.output_error);
	assert_int_equal(baseline_exit_status(&out), 2);
	regress_free(&r);
	fclose(msgs);
	fclose(diff);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The folder of the -r arguments: the deepest holding them all. */
static void test_root(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_regress_root.XXXXXX", p[512], want[4200], cwd[4096];
	assert_non_null(mkdtemp(dir));
	static const char *const dirs[] = {"s", "s/sub", "s/sub/deeper", "s/subx", "t"};
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++) {
		snprintf(p, sizeof p, "%s/%s", dir, dirs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	static const struct {
		const char *args[3]; /* relative to dir; NULL ends */
		const char *want;    /* relative to dir, "" = dir itself */
	} cases[] = {
	    {{"s"}, "/s"},
	    {{"s/"}, "/s"},
	    {{"./s//sub/.."}, "/s"},
	    {{"s/a.pcap", "s/b.pcap"}, "/s"},	  /* a shell glob: the files' folder */
	    {{"s/missing.pcap"}, "/s"},		  /* not there: a file all the same */
	    {{"s", "s/sub/deeper/x.pcap"}, "/s"}, /* a file under the folder */
	    {{"s/sub/deeper", "s/sub"}, "/s/sub"},
	    {{"s/sub", "s/subx"}, "/s"}, /* "sub" is not a prefix of "subx" */
	    {{"s/sub", "t"}, ""},
	    {{"s", "-"}, "/s"}, /* stdin has no folder */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct regress_root rr;
		memset(&rr, 0, sizeof rr);
		for (int k = 0; k < 3 && cases[i].args[k]; k++) {
			snprintf(p, sizeof p, "%s/%s", dir, cases[i].args[k]);
			regress_root_add(&rr, strcmp(cases[i].args[k], "-") ? p : "-");
		}
		snprintf(want, sizeof want, "%s%s", dir, cases[i].want);
		if (strcmp(rr.path, want) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, rr.path, want);
	}
	/* relative arguments are taken from the current directory */
	struct regress_root rr;
	memset(&rr, 0, sizeof rr);
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(dir), 0);
	char here[4096];
	assert_non_null(getcwd(here, sizeof here)); /* /tmp may be a symlink */
	assert_int_equal(regress_root_add(&rr, "s/sub/../sub"), 0);
	assert_int_equal(regress_root_add(&rr, "-"), -1);
	snprintf(want, sizeof want, "%s/s/sub", here);
	assert_string_equal(rr.path, want);
	assert_int_equal(regress_root_add(&rr, "../"), 0);
	assert_non_null(strrchr(here, '/'));
	*strrchr(here, '/') = '\0';
	assert_string_equal(rr.path, here[0] ? here : "/");
	assert_int_equal(chdir(cwd), 0);
	snprintf(p, sizeof p, "rm -rf %s", dir);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_names), cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_met),		cmocka_unit_test(test_hooks_and_records),
	    cmocka_unit_test(test_finish),	cmocka_unit_test(test_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
