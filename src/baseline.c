/* baseline: the records, their order, the writer and the exit-status table
 * (include/smbneg/baseline.h; format in README, "Regression checks in CI"). */
#include "smbneg/baseline.h"
#include "smbneg/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const baseline_field_names[BLF_COUNT] = {
    [BLF_VERDICT] = "verdict",
    [BLF_CAUSE] = "cause",
    [BLF_DIALECT] = "dialect",
    [BLF_CLIENT_SIGNING] = "client_signing",
    [BLF_SERVER_SIGNING] = "server_signing",
    [BLF_PROTECTION] = "protection",
    [BLF_ANOMALIES] = "anomalies",
};

const char *const baseline_change_names[BLC_COUNT] = {
    [BLC_FILE_ADDED] = "file-added",
    [BLC_FILE_REMOVED] = "file-removed",
    [BLC_FILE_UNREADABLE] = "file-unreadable",
    [BLC_FILE_READABLE] = "file-readable",
    [BLC_CHANGED] = "changed",
    [BLC_ADDED] = "added",
    [BLC_REMOVED] = "removed",
};

const char *baseline_field(const struct baseline_rec *r, enum baseline_field f)
{
	switch (f) {
	case BLF_VERDICT:
		return r->verdict;
	case BLF_CAUSE:
		return r->cause;
	case BLF_DIALECT:
		return r->dialect;
	case BLF_CLIENT_SIGNING:
		return r->client_signing;
	case BLF_SERVER_SIGNING:
		return r->server_signing;
	case BLF_PROTECTION:
		return r->protection;
	case BLF_ANOMALIES:
		return r->anomalies;
	case BLF_COUNT:
		break;
	}
	return "";
}

void baseline_init(struct baseline *b)
{
	memset(b, 0, sizeof *b);
	b->max_records = BL_MAX_RECORDS;
}

void baseline_free(struct baseline *b)
{
	size_t max = b->max_records;
	free(b->files);
	free(b->recs);
	baseline_init(b);
	b->max_records = max;
}

/* Grow *v (elements of `size` bytes) to hold one more than n, up to max. */
static int grow(void **v, size_t *cap, size_t n, size_t size, size_t max)
{
	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	size_t ncap = *cap ? *cap * 2 : 16;
	if (ncap > max)
		ncap = max;
	void *p = realloc(*v, ncap * size);
	if (!p)
		return -1;
	*v = p;
	*cap = ncap;
	return 0;
}

int baseline_set(char *field, size_t size, const char *value)
{
	return utf8_sanitise(field, size, value ? value : "");
}

int baseline_add_file(struct baseline *b, const char *path, bool readable, size_t *index)
{
	if (!path || !*path || strlen(path) >= BL_PATH_SIZE)
		return -1;
	if (grow((void **)&b->files, &b->files_cap, b->nfiles, sizeof *b->files, b->max_records))
		return -2;
	struct baseline_file *f = &b->files[b->nfiles];
	memset(f, 0, sizeof *f);
	if (baseline_set(f->path, sizeof f->path, path))
		return -1; /* U+FFFD replacements made it too long */
	f->readable = readable;
	if (index)
		*index = b->nfiles;
	b->nfiles++;
	b->finished = false;
	return 0;
}

struct baseline_rec *baseline_add_rec(struct baseline *b, size_t file)
{
	if (file >= b->nfiles)
		return NULL;
	if (grow((void **)&b->recs, &b->recs_cap, b->nrecs, sizeof *b->recs, b->max_records))
		return NULL;
	struct baseline_rec *r = &b->recs[b->nrecs++];
	memset(r, 0, sizeof *r);
	r->file = file;
	r->ordinal = ++b->files[file].conversations;
	b->finished = false;
	return r;
}

static bool anomaly_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const unsigned char *s = (const unsigned char *)name; *s; s++)
		if (*s < 0x20 || *s == 0x7f || *s == ',')
			return false;
	return true;
}

int baseline_add_anomaly(struct baseline_rec *r, const char *name)
{
	if (!name || !anomaly_name_ok(name))
		return -1;
	char *list = r->anomalies;
	size_t nlen = strlen(name), len = strlen(list);
	/* find the first entry not sorting before name */
	size_t pos = 0;
	while (pos < len) {
		size_t e = strcspn(list + pos, ",");
		int c = strncmp(list + pos, name, e < nlen ? e : nlen);
		if (c == 0 && e == nlen)
			return 0; /* already there */
		if (c > 0 || (c == 0 && e > nlen))
			break;
		pos += e + (list[pos + e] == ',');
	}
	size_t add = nlen + (len ? 1 : 0);
	if (add >= sizeof r->anomalies - len)
		return -2;
	if (pos >= len) { /* append */
		if (len)
			list[len++] = ',';
		memcpy(list + len, name, nlen + 1);
		return 0;
	}
	memmove(list + pos + nlen + 1, list + pos, len - pos + 1);
	memcpy(list + pos, name, nlen);
	list[pos + nlen] = ',';
	return 0;
}

struct path_idx {
	const char *path;
	size_t idx;
};

static int cmp_path_idx(const void *a, const void *b)
{
	const struct path_idx *x = a, *y = b;
	return strcmp(x->path, y->path);
}

int baseline_cmp_pair(const struct baseline_rec *x, const struct baseline_rec *y, bool by_n)
{
	int c = strcmp(x->client, y->client);
	if (c == 0)
		c = strcmp(x->server, y->server);
	uint32_t a = by_n ? x->n : x->ordinal, b = by_n ? y->n : y->ordinal;
	if (c == 0 && a != b)
		c = a < b ? -1 : 1;
	return c;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct baseline_rec *x = a, *y = b;
	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return baseline_cmp_pair(x, y, false);
}

/* Sort the files by path; records follow their file's new index. */
static int sort_files(struct baseline *b)
{
	if (b->nfiles == 0)
		return 0;
	struct path_idx *pi = calloc(b->nfiles, sizeof *pi);
	size_t *map = calloc(b->nfiles, sizeof *map);
	struct baseline_file *nf = calloc(b->nfiles, sizeof *nf);
	int ret = -3;
	if (!pi || !map || !nf)
		goto fail;
	for (size_t i = 0; i < b->nfiles; i++)
		pi[i] = (struct path_idx){b->files[i].path, i};
	qsort(pi, b->nfiles, sizeof *pi, cmp_path_idx);
	ret = 0;
	for (size_t i = 0; i < b->nfiles; i++) {
		if (i && strcmp(pi[i].path, pi[i - 1].path) == 0)
			ret = -2;
		nf[i] = b->files[pi[i].idx];
		map[pi[i].idx] = i;
	}
	memcpy(b->files, nf, b->nfiles * sizeof *nf);
	for (size_t i = 0; i < b->nrecs; i++)
		b->recs[i].file = map[b->recs[i].file];
fail:
	free(pi);
	free(map);
	free(nf);
	return ret;
}

int baseline_finish(struct baseline *b)
{
	int ret = sort_files(b);
	if (ret)
		return ret;
	if (b->nrecs)
		qsort(b->recs, b->nrecs, sizeof *b->recs, cmp_rec);
	for (size_t i = 0; i < b->nrecs; i++) {
		struct baseline_rec *r = &b->recs[i], *p = i ? &b->recs[i - 1] : NULL;
		bool same = p && p->file == r->file && strcmp(p->client, r->client) == 0 &&
			    strcmp(p->server, r->server) == 0;
		if (same && p->ordinal == r->ordinal)
			ret = -1;
		r->n = same ? p->n + 1 : 1;
	}
	b->finished = ret == 0;
	return ret;
}

/* "key":value pairs of one line; values "" are written as null. */
static void kv_str(FILE *f, const char *key, const char *v, bool last)
{
	fprintf(f, "\"%s\":", key);
	if (*v)
		utf8_json_string(f, v);
	else
		fputs("null", f);
	fputs(last ? "}\n" : ",", f);
}

void baseline_json_names(FILE *f, const char *list)
{
	fputc('[', f);
	char name[BL_ANOMALIES_SIZE];
	for (size_t pos = 0, len = strlen(list); pos < len;) {
		size_t e = strcspn(list + pos, ",");
		memcpy(name, list + pos, e);
		name[e] = '\0';
		if (pos)
			fputc(',', f);
		utf8_json_string(f, name);
		pos += e + 1;
	}
	fputc(']', f);
}

/* Keys in byte order, so that every line is stable and diff-friendly. */
static void write_rec(FILE *f, const struct baseline *b, const struct baseline_rec *r)
{
	fputs("{\"anomalies\":", f);
	baseline_json_names(f, r->anomalies);
	fputc(',', f);
	kv_str(f, "cause", r->cause, false);
	kv_str(f, "client", r->client, false);
	kv_str(f, "client_signing", r->client_signing, false);
	kv_str(f, "dialect", r->dialect, false);
	kv_str(f, "file", b->files[r->file].path, false);
	fprintf(f, "\"ordinal\":%lu,", (unsigned long)r->ordinal);
	kv_str(f, "protection", r->protection, false);
	kv_str(f, "record", "conversation", false);
	kv_str(f, "server", r->server, false);
	kv_str(f, "server_signing", r->server_signing, false);
	kv_str(f, "verdict", r->verdict, true);
}

bool baseline_ready(const struct baseline *b)
{
	return b->finished || (b->nfiles == 0 && b->nrecs == 0);
}

int baseline_write(FILE *f, const struct baseline *b)
{
	if (!baseline_ready(b))
		return -1;
	fprintf(f, "{\"format\":\"%s\",\"version\":%d}\n", BASELINE_FORMAT, BASELINE_VERSION);
	size_t ri = 0;
	for (size_t fi = 0; fi < b->nfiles; fi++) {
		const struct baseline_file *bf = &b->files[fi];
		fprintf(f, "{\"conversations\":%lu,", (unsigned long)bf->conversations);
		kv_str(f, "file", bf->path, false);
		kv_str(f, "record", "file", false);
		kv_str(f, "status", bf->readable ? "ok" : "unreadable", true);
		for (; ri < b->nrecs && b->recs[ri].file == fi; ri++)
			write_rec(f, b, &b->recs[ri]);
	}
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

int baseline_exit_status(const struct baseline_outcome *o)
{
	if (o->usage_error || o->baseline_error || o->output_error)
		return 2;
	/* Without a baseline an unreadable capture is an input error; with one,
	 * the comparison has already counted it (file-unreadable, file-added). */
	if (!o->compared && o->unreadable)
		return 2;
	if (o->fail_on_hits || (o->compared && o->differences))
		return 1;
	return 0;
}

int baseline_save(const char *path, const struct baseline *b, char *err, size_t errsize)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof tmp) {
		snprintf(err, errsize, "%s: path too long", path);
		return -1;
	}
	int fd = mkstemp(tmp);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	mode_t mask = umask(0); /* mkstemp's 0600 would make a baseline private */
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	int r = baseline_write(f, b);
	int e = errno;
	if (fsync(fileno(f)) != 0 && r == 0)
		r = -1, e = errno;
	if (fclose(f) != 0 && r == 0)
		r = -1, e = errno;
	if (r == 0 && rename(tmp, path) != 0)
		r = -1, e = errno;
	if (r) {
		snprintf(err, errsize, "%s: %s", path, strerror(e));
		unlink(tmp);
	}
	return r;
}
