/* analyze: one input through the whole pipeline (see include/smbneg/analyze.h). */
#include "smbneg/analyze.h"

#include "smbneg/capture.h"
#include "smbneg/verdict.h"

#include <string.h>

static void on_negotiate(void *arg, const struct conv *c, int sender, const struct neg_event *e)
{
	out_negotiate(arg, c, sender, e);
}

static void on_concluded(void *arg, const struct conv *c)
{
	struct verdict v;
	verdict_compute(c, &v);
	out_conversation(arg, c, &v);
}

static bool run(struct out *o, const char *path, FILE *fp, const char *name, const char *filter,
		char *err, size_t errsize)
{
	struct conv_table t;
	struct conv_sink sink = {on_negotiate, on_concluded, o};
	char why[512] = "";
	out_begin_file(o, name);
	if (!conv_table_init(&t, &sink)) {
		snprintf(err, errsize, "%s: out of memory", name);
		out_end_file(o, &t.stats, err);
		return false;
	}
	enum capture_result r = fp ? capture_stream(fp, filter, &t, why, sizeof why)
				   : capture_file(path, filter, &t, why, sizeof why);
	conv_table_flush(&t);
	if (r != CAPTURE_OK)
		snprintf(err, errsize, "%s: %s", name, why);
	out_end_file(o, &t.stats, r == CAPTURE_OK ? NULL : err);
	conv_table_free(&t);
	return r == CAPTURE_OK;
}

bool analyze_file(struct out *o, const char *path, const char *filter, char *err, size_t errsize)
{
	return run(o, path, NULL, strcmp(path, "-") == 0 ? "(stdin)" : path, filter, err, errsize);
}

bool analyze_stream(struct out *o, FILE *fp, const char *name, const char *filter, char *err,
		    size_t errsize)
{
	return run(o, NULL, fp, name, filter, err, errsize);
}
