/* Fuzz target: the baseline loader on arbitrary bytes. A baseline it accepts
 * must survive write -> load unchanged (same bytes, no difference), and its
 * comparison with an empty run, the diff renderers and the JUnit report must
 * run on it. The first two lines also go through baseline_relpath. */
#include "fuzz.h"
#include "smbneg/baseline.h"
#include "smbneg/junit.h"

#include <stdlib.h>
#include <string.h>

static void round_trip(const struct baseline *b, FILE *null)
{
	char *text = NULL, *again = NULL, err[256];
	size_t n = 0, n2 = 0;
	FILE *w = open_memstream(&text, &n);
	if (!w)
		return;
	baseline_write(w, b);
	fclose(w);
	struct baseline l;
	baseline_init(&l);
	FILE *r = fmemopen(text, n, "r");
	if (!r || baseline_load(r, &l, err, sizeof err) != 0)
		abort(); /* what we write, we read */
	fclose(r);
	w = open_memstream(&again, &n2);
	if (!w)
		abort();
	baseline_write(w, &l);
	fclose(w);
	struct baseline_diffs d;
	memset(&d, 0, sizeof d);
	if (n != n2 || memcmp(text, again, n) != 0 || baseline_compare(b, &l, &d) != 0 || d.n)
		abort();
	/* against an empty run: every file removed */
	struct baseline empty;
	baseline_init(&empty);
	if (baseline_compare(b, &empty, &d) == 0) {
		for (size_t i = 0; i < d.n; i++) {
			baseline_diff_json(null, &d.v[i]);
			baseline_diff_text(null, &d.v[i]);
		}
		baseline_diffs_summary(null, &d);
		junit_report(null, "fuzz", &empty, b, &d);
	}
	junit_report(null, "fuzz", b, NULL, NULL);
	baseline_diffs_free(&d);
	baseline_free(&l);
	free(text);
	free(again);
}

static void relpath(const uint8_t *data, size_t size)
{
	char a[512], b[512], out[256];
	size_t i = 0, j = 0;
	while (i < size && i < sizeof a - 1 && data[i] != '\n' && data[i])
		a[i] = (char)data[i], i++;
	a[i] = '\0';
	for (size_t k = i + 1; k < size && j < sizeof b - 1 && data[k] != '\n' && data[k]; k++)
		b[j++] = (char)data[k];
	b[j] = '\0';
	if (baseline_relpath(a, b, "/cwd", out, sizeof out) == 0 && strlen(out) >= sizeof out)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	relpath(data, size);
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)(uintptr_t)data, size, "r");
	FILE *null = fopen("/dev/null", "w");
	if (!f || !null)
		goto done;
	struct baseline b;
	char err[256];
	baseline_init(&b);
	b.max_records = 1000; /* bounded even here */
	if (baseline_load(f, &b, err, sizeof err) == 0)
		round_trip(&b, null);
	else if (!err[0])
		abort(); /* every failure says why */
	baseline_free(&b);
done:
	if (f)
		fclose(f);
	if (null)
		fclose(null);
	return 0;
}
