/* jw: the JSON-lines writer (see include/smbneg/jw.h). */
#include "smbneg/jw.h"

#include "smbneg/fmt.h"
#include "smbneg/smb_const.h"

#include <inttypes.h>

void j_key(struct jw *w, const char *k)
{
	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	fmt_json_string(w->f, k);
	fputc(':', w->f);
}

void j_str(struct jw *w, const char *k, const char *v)
{
	j_key(w, k);
	if (v)
		fmt_json_string(w->f, v);
	else
		fputs("null", w->f);
}

void j_u64(struct jw *w, const char *k, uint64_t v)
{
	j_key(w, k);
	fprintf(w->f, "%" PRIu64, v);
}

void j_i64(struct jw *w, const char *k, int64_t v)
{
	j_key(w, k);
	fprintf(w->f, "%" PRId64, v);
}

void j_bool(struct jw *w, const char *k, bool v)
{
	j_key(w, k);
	fputs(v ? "true" : "false", w->f);
}

void j_null(struct jw *w, const char *k)
{
	j_key(w, k);
	fputs("null", w->f);
}

void j_u64_if(struct jw *w, const char *k, bool has, uint64_t v)
{
	if (has)
		j_u64(w, k, v);
	else
		j_null(w, k);
}

void j_i64_if(struct jw *w, const char *k, bool has, int64_t v)
{
	if (has)
		j_i64(w, k, v);
	else
		j_null(w, k);
}

void j_bool_if(struct jw *w, const char *k, bool has, bool v)
{
	if (has)
		j_bool(w, k, v);
	else
		j_null(w, k);
}

void j_open(struct jw *w, const char *k, char bracket)
{
	if (k)
		j_key(w, k);
	else if (!w->first)
		fputc(',', w->f);
	fputc(bracket, w->f);
	w->first = true;
}

void j_close(struct jw *w, char bracket)
{
	fputc(bracket, w->f);
	w->first = false;
}

void j_item_str(struct jw *w, const char *s)
{
	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	fmt_json_string(w->f, s);
}

void j_item_u64(struct jw *w, uint64_t v)
{
	if (!w->first)
		fputc(',', w->f);
	w->first = false;
	fprintf(w->f, "%" PRIu64, v);
}

static void name_cb(const char *name, void *arg)
{
	j_item_str(arg, name);
}

static void names_key(char *nk, size_t size, const char *k, const char *suffix)
{
	snprintf(nk, size, "%s%s", k, suffix);
}

void j_flags(struct jw *w, const char *k, bool has, uint32_t v, const struct tok *t)
{
	char nk[64];
	names_key(nk, sizeof nk, k, "_names");
	if (!has) {
		j_null(w, k);
		j_null(w, nk);
		return;
	}
	j_u64(w, k, v);
	j_open(w, nk, '[');
	uint32_t rest = tok_each_bit(t, v, name_cb, w);
	if (rest) {
		char hex[16];
		snprintf(hex, sizeof hex, "0x%x", (unsigned)rest);
		j_item_str(w, hex);
	}
	j_close(w, ']');
}

void j_filetime(struct jw *w, const char *k, bool has, uint64_t ft)
{
	char buf[48], nk[64];
	names_key(nk, sizeof nk, k, "_utc");
	j_u64_if(w, k, has, ft);
	if (has)
		fmt_filetime(ft, buf, sizeof buf);
	j_str(w, nk, has && buf[0] ? buf : NULL);
}

void j_guid(struct jw *w, const char *k, const uint8_t *g)
{
	char buf[40];
	j_str(w, k, g ? fmt_guid(g, buf, sizeof buf) : NULL);
}

void j_status(struct jw *w, const char *k, bool has, uint32_t st)
{
	char nk[64];
	names_key(nk, sizeof nk, k, "_name");
	j_u64_if(w, k, has, st);
	j_str(w, nk, has ? tok_name(ntstatus_names, st) : NULL);
}

void j_anomalies(struct jw *w, anomaly_mask m)
{
	j_open(w, "anomalies", '[');
	for (int i = 0; i < ANOM_COUNT; i++)
		if (m & ANOM_BIT(i))
			j_item_str(w, anomaly_names[i]);
	j_close(w, ']');
}

void j_end(struct jw *w)
{
	j_close(w, '}');
	fputc('\n', w->f);
}
