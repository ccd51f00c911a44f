/* out: the output dispatcher (see include/smbneg/out.h). */
#include "smbneg/out.h"

#include <stdlib.h>
#include <string.h>

void out_init(struct out *o, enum out_format fmt, FILE *f)
{
	memset(o, 0, sizeof *o);
	o->ops = fmt == OUT_JSON ? &out_json_ops : fmt == OUT_CSV ? &out_csv_ops : &out_text_ops;
	o->f = f;
	/* saved captures: one constant key, so a capture gives the same uids every
	 * run, read alone, compressed or in a folder (main.c re-keys a live run) */
	uid_gen_init(&o->uid, "", 0);
}

void out_begin_file(struct out *o, const char *file)
{
	o->file = file;
	o->inputs++;
}

void out_set_time(struct out *o, const struct timeval *now)
{
	if (now && (!o->now_set || timercmp(now, &o->latest, >)))
		o->latest = *now;
	o->now_set = o->now_set || now != NULL;
	if (now)
		o->now = *now;
}

bool out_wants_verdicts(const struct out *o)
{
	return !o->hosts && !o->quiet && o->ops->verdict;
}

void out_verdict(struct out *o, const struct conv *c, const struct facts *f,
		 const struct verdict *v, const struct frame_ctx *at, const char *decided_by)
{
	if (out_wants_verdicts(o))
		o->ops->verdict(o, c, f, v, at, decided_by);
}

bool out_reopen(struct out *o, const char *path)
{
	fflush(o->f);
	FILE *f = fopen(path, "a");
	if (!f)
		return false;
	fclose(o->f);
	o->f = f;
	return true;
}

void out_stats(struct out *o, const struct out_stats *s)
{
	if (o->ops->stats)
		o->ops->stats(o, s);
	fflush(o->f);
}

bool out_wants_events(const struct out *o)
{
	return !o->hosts && !o->quiet && o->ops->event &&
	       (o->verbose || !o->ops->events_verbose_only);
}

void out_event(struct out *o, const struct smb_event *e)
{
	if (out_wants_events(o))
		o->ops->event(o, e);
}

void out_relay(struct out *o, const struct correlate_report *r)
{
	if (o->hosts || !o->ops->relay)
		return;
	o->ops->relay(o, r);
	fflush(o->f);
}

void out_predictions(struct out *o, const struct tally *t, const struct predict_profile *p)
{
	size_t n;
	struct host **all = o->ops->prediction ? host_table_sorted(&t->host_table, &n) : NULL;
	if (!all)
		return;
	o->ops->prediction(o, p, NULL, NULL);
	for (size_t i = 0; i < n; i++) {
		struct prediction pr;
		predict_host(p, all[i], &pr);
		o->ops->prediction(o, p, all[i], &pr);
	}
	free(all);
	fflush(o->f);
}

void out_conversation(struct out *o, uint64_t row, const struct conv *c, const struct facts *f,
		      const struct verdict *v)
{
	if (o->hosts)
		return;
	o->ops->conversation(o, row, c, f, v);
	if (o->stream)
		fflush(o->f); /* live: each row appears as its conversation ends */
}

void out_resumed(struct out *o, uint64_t row)
{
	if (row && o->nresumed < OUT_MAX_RESUMED)
		o->resumed[o->nresumed++] = row;
}

void out_end_file(struct out *o, const struct flow_stats *st, const char *error)
{
	if (o->ops->end_file)
		o->ops->end_file(o, st, error);
	fflush(o->f);
}

void out_progress(struct out *o, uint64_t done, uint64_t total, uint64_t elapsed_ms)
{
	double secs = (double)elapsed_ms / 1000.0;
	double rate = secs > 0 ? (double)done / secs : 0;
	if (total && done <= total && rate > 0)
		fprintf(stderr, "\r%s: %.1f of %.1f MiB, %.0f MiB/s, %.0f s left   ",
			o->file ? o->file : "", (double)done / 1048576, (double)total / 1048576,
			rate / 1048576, (double)(total - done) / rate);
	else
		fprintf(stderr, "\r%s: %.1f MiB, %.0f MiB/s   ", o->file ? o->file : "",
			(double)done / 1048576, rate / 1048576);
	o->progress_drawn = true;
}

void out_progress_end(struct out *o)
{
	if (o->progress_drawn)
		fprintf(stderr, "\r\033[K");
	o->progress_drawn = false;
}

void out_file_hosts(struct out *o, const struct tally *t)
{
	if (o->hosts_per_file && t->hosts)
		o->ops->hosts(o, t);
}

void out_summary(struct out *o, const struct tally *t)
{
	if (o->hosts && t->hosts && !o->hosts_per_file)
		o->ops->hosts(o, t);
	if (o->ops->summary)
		o->ops->summary(o, t);
	fflush(o->f);
}

void out_free(struct out *o)
{
	if (o->ops->free)
		o->ops->free(o);
}
