/* regress: the end of a CI run: the hit counts, the comparison with
 * --baseline, the JUnit report and --write-baseline (see
 * include/smbneg/regress.h; README "Regression checks in CI"). */
#include "smbneg/regress.h"

#include "smbneg/junit.h"

#include <errno.h>
#include <string.h>

int regress_load(struct regress *r, const char *path, char *err, size_t errsize)
{
	if (baseline_read(path, &r->old, err, errsize) != 0)
		return -1;
	r->have_old = true;
	return 0;
}

/* One line per condition that hit, with the count (the hits themselves were
 * named as they were seen). */
static void hit_counts(const struct regress *r)
{
	for (int v = 0; v < V_COUNT; v++)
		if (r->verdict_hits[v])
			fprintf(r->msgs, "smbneg: --fail-on: %llu conversation(s) %s\n",
				(unsigned long long)r->verdict_hits[v], verdict_names[v]);
	if (r->smb1_hits)
		fprintf(r->msgs, "smbneg: --fail-on: %llu conversation(s) used SMB1\n",
			(unsigned long long)r->smb1_hits);
	for (int i = 0; i < ANOM_COUNT; i++)
		if (r->anomaly_hits[i])
			fprintf(r->msgs,
				"smbneg: --fail-on: %llu conversation(s) with anomaly %s\n",
				(unsigned long long)r->anomaly_hits[i], anomaly_names[i]);
	if (r->empty_inputs)
		fprintf(r->msgs, "smbneg: --fail-on: %llu input(s) without any SMB conversation\n",
			(unsigned long long)r->empty_inputs);
}

/* Print every difference and the summary line. */
static void print_diffs(const struct baseline_diffs *d, const struct regress_outputs *o)
{
	for (size_t i = 0; i < d->n; i++) {
		if (o->diff_json)
			baseline_diff_json(o->diff, &d->v[i]);
		else
			baseline_diff_text(o->diff, &d->v[i]);
	}
	fflush(o->diff);
	baseline_diffs_summary(o->summary, d);
}

static bool write_junit(const struct regress *r, const char *path, const struct baseline_diffs *d)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(r->msgs, "smbneg: --junit %s: %s\n", path, strerror(errno));
		return false;
	}
	bool ok = junit_report(f, "smbneg", &r->run, r->have_old ? &r->old : NULL,
			       r->have_old ? d : NULL) == 0;
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(r->msgs, "smbneg: --junit %s: write error\n", path);
	return ok;
}

static bool write_baseline(const struct regress *r, const char *path)
{
	char err[1200];
	if (baseline_save(path, &r->run, err, sizeof err) != 0) {
		fprintf(r->msgs, "smbneg: --write-baseline %s\n", err);
		return false;
	}
	fprintf(r->msgs, "smbneg: --write-baseline %s: %zu capture(s), %zu conversation(s)\n", path,
		r->run.nfiles, r->run.nrecs);
	return true;
}

/* Sort this run's records; false (said on msgs) when they cannot be used. */
static bool finish_run(struct regress *r)
{
	if (r->record_error)
		return false;
	int rc = baseline_finish(&r->run);
	if (rc == 0)
		return true;
	fprintf(r->msgs, "smbneg: baseline: %s; no comparison or report is made\n",
		rc == -2   ? "a capture was given twice (a baseline names each file once)"
		: rc == -1 ? "two conversations share client, server and position"
			   : "out of memory");
	return false;
}

void regress_finish(struct regress *r, const struct regress_outputs *o,
		    struct baseline_outcome *out)
{
	memset(out, 0, sizeof *out);
	hit_counts(r);
	out->fail_on_hits = r->hits;
	out->unreadable = r->unreadable;
	if (!r->record)
		return;
	if (!finish_run(r)) {
		out->output_error = true;
		return;
	}
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	if (r->have_old) {
		if (baseline_compare(&r->old, &r->run, &d) != 0) {
			fprintf(r->msgs, "smbneg: --baseline: out of memory\n");
			out->output_error = true;
			baseline_diffs_free(&d);
			return;
		}
		print_diffs(&d, o);
		out->compared = true;
		out->differences = d.n;
	}
	if (o->junit && !write_junit(r, o->junit, &d))
		out->output_error = true;
	if (o->write_baseline && !write_baseline(r, o->write_baseline))
		out->output_error = true;
	baseline_diffs_free(&d);
}
