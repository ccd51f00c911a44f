/* junit_report: a run's baseline records and differences as JUnit testcases
 * (include/smbneg/junit.h). */
#include "smbneg/junit.h"

#include <stdlib.h>
#include <string.h>

/* One file of the union of both runs, with its records and differences. */
struct jfile {
	const char *path;
	const struct baseline_file *cf, *of; /* this run, the baseline; NULL absent */
	const struct baseline_rec *recs;     /* this run's records of the file */
	size_t nrecs;
	const struct baseline_diff *diffs; /* the differences of the file */
	size_t ndiffs;
};

struct jctx {
	const struct baseline *cur, *old;
	const struct baseline_diff **by_cur; /* per record of cur, NULL none */
};

/* Append part to buf, "; "-separated. */
static void part(char *buf, size_t size, const char *a, const char *b)
{
	size_t len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "%s%s%s", len ? "; " : "", a, b);
}

static void facts(char *buf, size_t size, const struct baseline_rec *r)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < BLF_COUNT && len < size; i++) {
		const char *v = baseline_field(r, i);
		int n = snprintf(buf + len, size - len, "%s: %s\n", baseline_field_names[i],
				 *v		      ? v
				 : i == BLF_ANOMALIES ? "-"
						      : "null");
		len += n > 0 ? (size_t)n : 0;
	}
}

static void emit(FILE *f, struct junit_counts *c, const struct junit_case *tc)
{
	junit_count(c, tc->result);
	if (f)
		junit_case(f, tc);
}

static void file_case(const struct jfile *jf, bool compared, FILE *f, struct junit_counts *c)
{
	char msg[1024] = "";
	struct junit_case tc = {jf->path, "(file)", JUNIT_PASSED, NULL, msg, NULL};
	if (jf->cf && !jf->cf->readable) {
		bool known = compared && jf->of && !jf->of->readable;
		tc.result = known ? JUNIT_SKIPPED : JUNIT_ERROR;
		tc.type = "unreadable";
		part(msg, sizeof msg, known ? "unreadable, as in the baseline: " : "",
		     jf->cf->error[0] ? jf->cf->error : "the file could not be read");
		emit(f, c, &tc);
		return;
	}
	if (jf->cf && jf->cf->fail_on[0]) {
		tc.type = "fail-on";
		part(msg, sizeof msg, "--fail-on ", jf->cf->fail_on);
	}
	for (size_t i = 0; i < jf->ndiffs; i++) {
		if (jf->diffs[i].change < BLC_CHANGED) {
			if (!tc.type)
				tc.type = baseline_change_names[jf->diffs[i].change];
			part(msg, sizeof msg,
			     "baseline: ", baseline_change_names[jf->diffs[i].change]);
		}
	}
	if (tc.type) {
		tc.result = JUNIT_FAILURE;
		emit(f, c, &tc);
	}
}

static void conv_case(const char *file, const struct baseline_rec *r, const char *fail_on,
		      const struct baseline_diff *d, FILE *f, struct junit_counts *c)
{
	char name[2 * BL_ENDPOINT_SIZE + 32], msg[1024] = "", sum[1024], text[2048];
	struct junit_case tc = {
	    file, baseline_conv_name(r, name, sizeof name), JUNIT_PASSED, NULL, NULL, NULL};
	if (fail_on[0]) {
		tc.type = "fail-on";
		part(msg, sizeof msg, "--fail-on ", fail_on);
	}
	if (d) {
		if (!tc.type)
			tc.type = baseline_change_names[d->change];
		part(msg, sizeof msg, "baseline: ", baseline_diff_summary(d, sum, sizeof sum));
	}
	if (tc.type) {
		facts(text, sizeof text, r);
		tc.result = JUNIT_FAILURE;
		tc.message = msg;
		tc.text = text;
	}
	emit(f, c, &tc);
}

static void file_cases(const struct jctx *x, const struct jfile *jf, FILE *f,
		       struct junit_counts *c)
{
	file_case(jf, x->old != NULL, f, c);
	for (size_t i = 0; i < jf->nrecs; i++) {
		const struct baseline_rec *r = &jf->recs[i];
		conv_case(jf->path, r, r->fail_on, x->by_cur ? x->by_cur[r - x->cur->recs] : NULL,
			  f, c);
	}
	for (size_t i = 0; i < jf->ndiffs; i++)
		if (jf->diffs[i].change == BLC_REMOVED)
			conv_case(jf->path, jf->diffs[i].old, "", &jf->diffs[i], f, c);
}

/* Every file of cur and old in path order; with f NULL, only count. */
static void walk(const struct jctx *x, const struct baseline_diffs *d, FILE *f,
		 struct junit_counts *total)
{
	static const struct baseline none = {0};
	const struct baseline *cur = x->cur, *old = x->old ? x->old : &none;
	size_t i = 0, j = 0, ri = 0, di = 0;
	while (i < old->nfiles || j < cur->nfiles) {
		int k = i == old->nfiles   ? 1
			: j == cur->nfiles ? -1
					   : strcmp(old->files[i].path, cur->files[j].path);
		struct jfile jf = {NULL, NULL, NULL, cur->recs ? cur->recs + ri : NULL, 0, NULL, 0};
		if (k <= 0)
			jf.of = &old->files[i++];
		if (k >= 0) {
			jf.cf = &cur->files[j];
			while (ri < cur->nrecs && cur->recs[ri].file == j)
				ri++, jf.nrecs++;
			j++;
		}
		jf.path = jf.cf ? jf.cf->path : jf.of->path;
		jf.diffs = d && d->v ? d->v + di : NULL;
		while (d && di < d->n && strcmp(d->v[di].file, jf.path) == 0)
			di++, jf.ndiffs++;
		struct junit_counts c = {0, 0, 0, 0}, ignored = c;
		file_cases(x, &jf, NULL, &c);
		total->tests += c.tests, total->failures += c.failures;
		total->errors += c.errors, total->skipped += c.skipped;
		if (f) {
			junit_suite_begin(f, jf.path, &c);
			file_cases(x, &jf, f, &ignored);
			junit_suite_end(f);
		}
	}
}

int junit_report(FILE *f, const char *name, const struct baseline *cur, const struct baseline *old,
		 const struct baseline_diffs *d)
{
	struct jctx x = {cur, old, NULL};
	if (!baseline_ready(cur) || (old && !baseline_ready(old)))
		return -1;
	if (d && cur->nrecs) {
		x.by_cur = calloc(cur->nrecs, sizeof *x.by_cur);
		if (!x.by_cur)
			return -1;
		for (size_t i = 0; i < d->n; i++)
			if (d->v[i].cur)
				x.by_cur[d->v[i].cur - cur->recs] = &d->v[i];
	}
	struct junit_counts total = {0, 0, 0, 0}, ignored = total;
	walk(&x, d, NULL, &total);
	junit_begin(f, name, &total);
	walk(&x, d, f, &ignored);
	free(x.by_cur);
	return junit_end(f);
}
