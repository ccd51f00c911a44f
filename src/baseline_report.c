/* baseline_report: differences as JSON lines and as text, and paths made
 * relative to the folder given (include/smbneg/baseline.h). */
#include "smbneg/baseline.h"
#include "smbneg/utf8.h"

#include <string.h>

const char *baseline_conv_name(const struct baseline_rec *r, char *buf, size_t size)
{
	if (r->n > 1)
		snprintf(buf, size, "%s -> %s #%lu", r->client, r->server, (unsigned long)r->n);
	else
		snprintf(buf, size, "%s -> %s", r->client, r->server);
	return buf;
}

/* A field's value as JSON: null, a string, or (anomalies) an array. */
static void json_value(FILE *f, const struct baseline_rec *r, enum baseline_field fld)
{
	if (!r) {
		fputs("null", f);
		return;
	}
	const char *v = baseline_field(r, fld);
	if (fld == BLF_ANOMALIES)
		baseline_json_names(f, v);
	else if (*v)
		utf8_json_string(f, v);
	else
		fputs("null", f);
}

void baseline_diff_json(FILE *f, const struct baseline_diff *d)
{
	char name[2 * BL_ENDPOINT_SIZE + 32], oname[sizeof name];
	const struct baseline_rec *r = d->cur ? d->cur : d->old;
	fprintf(f, "{\"event\":\"baseline-diff\",\"change\":\"%s\",\"file\":",
		baseline_change_names[d->change]);
	utf8_json_string(f, d->file);
	fputs(",\"conversation\":", f);
	if (r)
		utf8_json_string(f, baseline_conv_name(r, name, sizeof name));
	else
		fputs("null", f);
	/* paired by server only: the baseline named it otherwise */
	fputs(",\"baseline_conversation\":", f);
	if (d->old && d->cur && strcmp(baseline_conv_name(d->old, oname, sizeof oname), name))
		utf8_json_string(f, oname);
	else
		fputs("null", f);
	if (r)
		fprintf(f, ",\"ordinal\":%lu", (unsigned long)r->ordinal);
	else
		fputs(",\"ordinal\":null", f);
	fputs(",\"fields\":{", f);
	bool first = true;
	for (int i = 0; i < BLF_COUNT; i++) {
		if (!(d->fields & (1u << i)))
			continue;
		fprintf(f, "%s\"%s\":{\"old\":", first ? "" : ",", baseline_field_names[i]);
		json_value(f, d->old, i);
		fputs(",\"new\":", f);
		json_value(f, d->cur, i);
		fputc('}', f);
		first = false;
	}
	fputs("}}\n", f);
}

/* Printable text: control characters as \xNN (strings are valid UTF-8). */
static void text(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static size_t put(char *buf, size_t size, size_t len, const char *s)
{
	if (len < size)
		snprintf(buf + len, size - len, "%s", s);
	return len + strlen(s);
}

static const char *shown(const struct baseline_rec *r, enum baseline_field f)
{
	const char *v = r ? baseline_field(r, f) : "";
	return *v ? v : f == BLF_ANOMALIES && r ? "-" : "null";
}

const char *baseline_diff_summary(const struct baseline_diff *d, char *buf, size_t size)
{
	size_t len = put(buf, size, 0, baseline_change_names[d->change]);
	const char *sep = ": ";
	for (int i = 0; i < BLF_COUNT; i++) {
		if (!(d->fields & (1u << i)))
			continue;
		len = put(buf, size, len, sep);
		len = put(buf, size, len, baseline_field_names[i]);
		if (d->old) {
			len = put(buf, size, len, " ");
			len = put(buf, size, len, shown(d->old, i));
		}
		if (d->cur) {
			len = put(buf, size, len, d->old ? " -> " : " ");
			len = put(buf, size, len, shown(d->cur, i));
		}
		sep = "; ";
	}
	return buf;
}

void baseline_diff_text(FILE *f, const struct baseline_diff *d)
{
	char name[2 * BL_ENDPOINT_SIZE + 32], sum[1024];
	const struct baseline_rec *r = d->cur ? d->cur : d->old;
	text(f, d->file);
	if (r) {
		fputs(": ", f);
		text(f, baseline_conv_name(r, name, sizeof name));
	}
	fputs(": ", f);
	text(f, baseline_diff_summary(d, sum, sizeof sum));
	if (d->old && d->cur && strcmp(d->old->client, d->cur->client) != 0) {
		fputs(" (the baseline's ", f);
		text(f, baseline_conv_name(d->old, name, sizeof name));
		fputc(')', f);
	}
	fputc('\n', f);
}

void baseline_diffs_summary(FILE *f, const struct baseline_diffs *d)
{
	if (d->n == 0) {
		fputs("baseline: no difference\n", f);
		return;
	}
	fprintf(f, "baseline: %lu difference%s (", (unsigned long)d->n, d->n == 1 ? "" : "s");
	const char *sep = "";
	for (int c = 0; c < BLC_COUNT; c++) {
		if (d->count[c]) {
			fprintf(f, "%s%lu %s", sep, (unsigned long)d->count[c],
				baseline_change_names[c]);
			sep = ", ";
		}
	}
	fputs(")\n", f);
}

/* Lexical normalisation of p into out: no "", "." components; ".." drops
 * the previous component (at the root of an absolute path: nothing). */
static int normalise(const char *p, char *out, size_t size)
{
	bool abs = p[0] == '/';
	size_t len = 0, root = abs ? 1 : 0;
	if (size < 2)
		return -1;
	if (abs)
		out[len++] = '/';
	out[len] = '\0';
	while (*p) {
		size_t e = strcspn(p, "/");
		bool dotdot = e == 2 && p[0] == '.' && p[1] == '.';
		if (e == 0 || (e == 1 && p[0] == '.')) {
			/* nothing */
		} else if (dotdot && len > root &&
			   !(len - root >= 2 && strcmp(out + len - 2, "..") == 0 &&
			     (len - root == 2 || out[len - 3] == '/'))) {
			while (len > root && out[len - 1] != '/')
				len--;
			if (len > root)
				len--; /* the separator before it */
			out[len] = '\0';
		} else if (!(dotdot && abs)) {
			size_t sep = len > root ? 1 : 0;
			if (e + sep >= size - len)
				return -1;
			if (sep)
				out[len++] = '/';
			memcpy(out + len, p, e);
			len += e;
			out[len] = '\0';
		}
		p += e + (p[e] == '/');
	}
	if (len == 0)
		return snprintf(out, size, ".") < (int)size ? 0 : -1;
	return 0;
}

/* The next path component at or after s (its length in *len, 0 at the end). */
static const char *component(const char *s, size_t *len)
{
	while (*s == '/')
		s++;
	*len = strcspn(s, "/");
	return s;
}

/* Make the relative one of base/path absolute under cwd. */
static int absolute(const char *rel, const char *cwd, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", cwd, rel);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

int baseline_relpath(const char *base, const char *path, const char *cwd, char *out, size_t size)
{
	char b[4096], p[4096], tmp[4096];
	if (strcmp(path, "-") == 0)
		return snprintf(out, size, "-") < (int)size ? 0 : -1;
	if ((base[0] == '/') != (path[0] == '/') && cwd && cwd[0] == '/') {
		if (absolute(base[0] == '/' ? path : base, cwd, tmp, sizeof tmp))
			return -1;
		if (base[0] == '/')
			path = tmp;
		else
			base = tmp;
	}
	if (normalise(base, b, sizeof b) || normalise(path, p, sizeof p))
		return -1;
	if ((b[0] == '/') != (p[0] == '/') || strcmp(b, "..") == 0 || strncmp(b, "../", 3) == 0)
		return snprintf(out, size, "%s", p) < (int)size ? 0 : -1;
	if (strcmp(b, ".") == 0)
		return snprintf(out, size, "%s", p) < (int)size ? 0 : -1;
	/* drop the common leading components; one "../" per base component left */
	const char *x = b, *y = p;
	for (;;) {
		size_t lx, ly;
		const char *cx = component(x, &lx), *cy = component(y, &ly);
		if (lx == 0 || lx != ly || memcmp(cx, cy, lx) != 0)
			break;
		x = cx + lx;
		y = cy + ly;
	}
	size_t len = 0, l;
	for (x = component(x, &l); l; x = component(x + l, &l))
		len = put(out, size, len, "../");
	y = component(y, &l);
	if (l)
		len = put(out, size, len, y);
	else if (len && len-- <= size)
		out[len] = '\0'; /* "../../" -> "../.." */
	else
		len = put(out, size, 0, ".");
	return len < size ? 0 : -1;
}
