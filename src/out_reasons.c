/* out_reasons: grouped reasons for the text output (see include/smbneg/out_reasons.h). */
#include "smbneg/out_reasons.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a over the verdict, cause and text: the identity of a group. */
static uint64_t group_hash(enum verdict_kind v, int cause, const char *first, const char *second)
{
	uint64_t h = 1469598103934665603u;
	h = (h ^ (uint64_t)v) * 1099511628211u;
	h = (h ^ (uint64_t)(unsigned)cause) * 1099511628211u;
	for (const char *p = first; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211u;
	h = (h ^ 0xff) * 1099511628211u;
	for (const char *p = second; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211u;
	return h;
}

static void format_text(char *dst, size_t n, const char *first, const char *second)
{
	snprintf(dst, n, "%s%s%s%s", first, *second ? " (" : "", second, *second ? ")" : "");
}

static struct out_reason *find(struct out *o, uint64_t h, enum verdict_kind v, int cause,
			       const char *text)
{
	for (struct out_reason *r = o->reason_index[h % OUT_REASON_BUCKETS]; r; r = r->hnext)
		if (r->hash == h && r->verdict == v && r->cause == cause &&
		    strcmp(r->text, text) == 0)
			return r;
	return NULL;
}

static struct out_reason *create(struct out *o, uint64_t h, enum verdict_kind v, int cause,
				 const char *text)
{
	if (o->nreasons >= OUT_MAX_REASONS)
		return NULL;
	size_t n = strlen(text) + 1;
	struct out_reason *r = calloc(1, sizeof *r + n);
	if (!r)
		return NULL;
	memcpy(r->text, text, n);
	r->hash = h;
	r->verdict = v;
	r->cause = cause;
	r->hnext = o->reason_index[h % OUT_REASON_BUCKETS];
	o->reason_index[h % OUT_REASON_BUCKETS] = r;
	if (o->reasons_tail)
		o->reasons_tail->next = r;
	else
		o->reasons = r;
	o->reasons_tail = r;
	o->nreasons++;
	return r;
}

/* Add row to r: rows come in ascending order, so a run grows at its end. */
static void add_row(struct out_reason *r, uint64_t row)
{
	r->rows++;
	if (r->nranges && r->ranges[r->nranges - 1][1] + 1 == row) {
		r->ranges[r->nranges - 1][1] = row;
		return;
	}
	if (r->nranges == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		void *p =
		    r->cap < OUT_MAX_RANGES ? realloc(r->ranges, cap * sizeof *r->ranges) : NULL;
		if (!p) {
			r->rows_unlisted++;
			return;
		}
		r->ranges = p;
		r->cap = cap;
	}
	r->ranges[r->nranges][0] = r->ranges[r->nranges][1] = row;
	r->nranges++;
}

void reasons_keep(struct out *o, uint64_t row, enum verdict_kind v, int cause, const char *first,
		  const char *second)
{
	if (!o->reason_index &&
	    !(o->reason_index = calloc(OUT_REASON_BUCKETS, sizeof *o->reason_index))) {
		o->reasons_dropped++;
		return;
	}
	char text[1100];
	format_text(text, sizeof text, first, second);
	uint64_t h = group_hash(v, cause, first, second);
	struct out_reason *r = find(o, h, v, cause, text);
	if (!r)
		r = create(o, h, v, cause, text);
	if (!r) {
		o->reasons_dropped++;
		return;
	}
	add_row(r, row);
}

/* "#3-#40, #52": the rows of r. */
static void print_rows(FILE *f, const struct out_reason *r)
{
	for (size_t i = 0; i < r->nranges; i++) {
		const uint64_t *g = r->ranges[i];
		fprintf(f, "%s#%" PRIu64, i ? ", " : "", g[0]);
		if (g[1] != g[0])
			fprintf(f, "%s#%" PRIu64, g[1] == g[0] + 1 ? ", " : "-", g[1]);
	}
	if (r->rows_unlisted)
		fprintf(f, " and %" PRIu64 " more", r->rows_unlisted);
}

void reasons_print(struct out *o)
{
	if (!o->reasons)
		return;
	fprintf(o->f, "\nReasons and notes:\n");
	for (const struct out_reason *r = o->reasons; r; r = r->next) {
		if (r->rows == 1 && r->nranges == 1) { /* one row: as it always read */
			fprintf(o->f, "  #%-4" PRIu64 " %s: %s\n", r->ranges[0][0],
				verdict_names[r->verdict], r->text);
			continue;
		}
		fputs("  ", o->f);
		print_rows(o->f, r);
		fprintf(o->f, " (%" PRIu64 " conversations) %s: %s\n", r->rows,
			verdict_names[r->verdict], r->text);
	}
	if (o->reasons_dropped)
		fprintf(o->f,
			"  ... and %" PRIu64 " more conversations with other reasons (use -o json "
			"for all)\n",
			o->reasons_dropped);
}

void reasons_free(struct out *o)
{
	while (o->reasons) {
		struct out_reason *r = o->reasons;
		o->reasons = r->next;
		free(r->ranges);
		free(r);
	}
	o->reasons_tail = NULL;
	free(o->reason_index);
	o->reason_index = NULL;
	o->nreasons = 0;
}
