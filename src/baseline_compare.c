/* baseline_compare: this run against a stored baseline (include/smbneg/baseline.h).
 *
 * Files are matched by relative path. Within a file, a conversation is the
 * same when file, client, server and n (the how-many-th of that pair) agree;
 * those left over on both sides are then paired by server endpoint in ordinal
 * order, so that a capture regenerated with other client ports still lines up
 * (equal facts then make no difference). What remains is added or removed. */
#include "smbneg/baseline.h"

#include <stdlib.h>
#include <string.h>

void baseline_diffs_free(struct baseline_diffs *d)
{
	free(d->v);
	memset(d, 0, sizeof *d);
}

static unsigned fields_of(const struct baseline_rec *old, const struct baseline_rec *cur)
{
	unsigned m = 0;
	for (int f = 0; f < BLF_COUNT; f++) {
		const char *a = old ? baseline_field(old, f) : "";
		const char *b = cur ? baseline_field(cur, f) : "";
		if (strcmp(a, b) != 0)
			m |= 1u << f;
	}
	return m;
}

static int push(struct baseline_diffs *d, enum baseline_change c, const char *file,
		const struct baseline_rec *old, const struct baseline_rec *cur)
{
	unsigned fields = fields_of(old, cur);
	if (c == BLC_CHANGED && fields == 0)
		return 0;
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct baseline_diff *v = realloc(d->v, ncap * sizeof *v);
		if (!v)
			return -1;
		d->v = v;
		d->cap = ncap;
	}
	d->v[d->n++] = (struct baseline_diff){c, file, old, cur, fields};
	d->count[c]++;
	return 0;
}

/* The records of one file: [lo, hi) of b->recs. */
struct span {
	const struct baseline_rec *r;
	size_t n;
};

static struct span file_span(const struct baseline *b, size_t fi, size_t *ri)
{
	struct span s = {b->recs ? b->recs + *ri : NULL, 0};
	while (*ri < b->nrecs && b->recs[*ri].file == fi)
		(*ri)++, s.n++;
	return s;
}

static int each(struct baseline_diffs *d, enum baseline_change c, const char *file, struct span s,
		bool old)
{
	for (size_t i = 0; i < s.n; i++)
		if (push(d, c, file, old ? &s.r[i] : NULL, old ? NULL : &s.r[i]))
			return -1;
	return 0;
}

static int cmp_key(const struct baseline_rec *x, const struct baseline_rec *y)
{
	return baseline_cmp_pair(x, y, true);
}

static int cmp_server_ordinal(const void *a, const void *b)
{
	const struct baseline_rec *x = *(const struct baseline_rec *const *)a;
	const struct baseline_rec *y = *(const struct baseline_rec *const *)b;
	int c = strcmp(x->server, y->server);
	if (c == 0 && x->ordinal != y->ordinal)
		c = x->ordinal < y->ordinal ? -1 : 1;
	return c;
}

/* Pair the leftovers by server in ordinal order; the rest are removed/added. */
static int leftovers(struct baseline_diffs *d, const char *file, const struct baseline_rec **o,
		     size_t no, const struct baseline_rec **c, size_t nc)
{
	qsort(o, no, sizeof *o, cmp_server_ordinal);
	qsort(c, nc, sizeof *c, cmp_server_ordinal);
	size_t i = 0, j = 0;
	int ret = 0;
	while (ret == 0 && (i < no || j < nc)) {
		int k = i == no ? 1 : j == nc ? -1 : strcmp(o[i]->server, c[j]->server);
		if (k == 0)
			ret = push(d, BLC_CHANGED, file, o[i++], c[j++]);
		else if (k < 0)
			ret = push(d, BLC_REMOVED, file, o[i++], NULL);
		else
			ret = push(d, BLC_ADDED, file, NULL, c[j++]);
	}
	return ret;
}

static int compare_file(struct baseline_diffs *d, const char *file, struct span so, struct span sc)
{
	const struct baseline_rec **o = calloc(so.n + 1, sizeof *o);
	const struct baseline_rec **c = calloc(sc.n + 1, sizeof *c);
	size_t no = 0, nc = 0, i = 0, j = 0;
	int ret = -1;
	if (!o || !c)
		goto fail;
	ret = 0;
	while (ret == 0 && (i < so.n || j < sc.n)) {
		int k = i == so.n ? 1 : j == sc.n ? -1 : cmp_key(&so.r[i], &sc.r[j]);
		if (k == 0)
			ret = push(d, BLC_CHANGED, file, &so.r[i++], &sc.r[j++]);
		else if (k < 0)
			o[no++] = &so.r[i++];
		else
			c[nc++] = &sc.r[j++];
	}
	if (ret == 0)
		ret = leftovers(d, file, o, no, c, nc);
fail:
	free(o);
	free(c);
	return ret;
}

/* One file present on both sides. */
static int both(struct baseline_diffs *d, const struct baseline_file *fo,
		const struct baseline_file *fc, struct span so, struct span sc)
{
	const char *file = fc->path;
	if (fo->readable && !fc->readable) /* its conversations are unknown, not gone */
		return push(d, BLC_FILE_UNREADABLE, file, NULL, NULL);
	if (!fo->readable && fc->readable)
		return push(d, BLC_FILE_READABLE, file, NULL, NULL) ||
		       each(d, BLC_ADDED, file, sc, false);
	if (!fc->readable)
		return 0;
	return compare_file(d, file, so, sc);
}

/* File-level first, then by conversation (the record present, cur first). */
static int cmp_diff(const void *a, const void *b)
{
	const struct baseline_diff *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	bool fx = x->change < BLC_CHANGED, fy = y->change < BLC_CHANGED;
	if (fx != fy)
		return fx ? -1 : 1;
	if (fx)
		return (int)x->change - (int)y->change;
	c = cmp_key(x->cur ? x->cur : x->old, y->cur ? y->cur : y->old);
	if (c == 0)
		c = (int)x->change - (int)y->change;
	return c;
}

int baseline_compare(const struct baseline *old, const struct baseline *cur,
		     struct baseline_diffs *d)
{
	size_t i = 0, j = 0, ri = 0, rj = 0;
	int ret = 0;
	if (!baseline_ready(old) || !baseline_ready(cur))
		return -1;
	while (ret == 0 && (i < old->nfiles || j < cur->nfiles)) {
		int k = i == old->nfiles   ? 1
			: j == cur->nfiles ? -1
					   : strcmp(old->files[i].path, cur->files[j].path);
		struct span so = {NULL, 0}, sc = {NULL, 0};
		if (k <= 0)
			so = file_span(old, i, &ri);
		if (k >= 0)
			sc = file_span(cur, j, &rj);
		if (k < 0) {
			const char *file = old->files[i++].path;
			ret = push(d, BLC_FILE_REMOVED, file, NULL, NULL) ||
			      each(d, BLC_REMOVED, file, so, true);
		} else if (k > 0) {
			const char *file = cur->files[j++].path;
			ret = push(d, BLC_FILE_ADDED, file, NULL, NULL) ||
			      each(d, BLC_ADDED, file, sc, false);
		} else {
			ret = both(d, &old->files[i++], &cur->files[j++], so, sc);
		}
	}
	if (d->n)
		qsort(d->v, d->n, sizeof *d->v, cmp_diff);
	return ret ? -1 : 0;
}
