/* jw: the JSON-lines writer (see include/smbneg/jw.h). */
#include "smbneg/jw.h"

#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <string.h>

void jw_start(struct jw *w, FILE *f)
{
	fmt_buf_start(&w->out, f, w->store, sizeof w->store);
	w->first = true;
}

static void put(struct jw *w, const char *s, size_t n)
{
	fmt_put(&w->out, s, n);
}

static void put_c(struct jw *w, char c)
{
	fmt_put(&w->out, &c, 1);
}

/* Room for n more bytes in the event buffer (flushed to the FILE when full). */
static char *room(struct jw *w, size_t n)
{
	if (n > w->out.size - w->out.n)
		fmt_buf_flush(&w->out);
	return w->out.b + w->out.n;
}

/* The comma and the quoted key, straight into the event buffer. Keys are the
 * program's own names (README "JSON schema"), plain ASCII needing no escape;
 * one longer than J_KEY_MAX is cut (none is). */
#define J_KEY_MAX 80

static char *key_at(struct jw *w, const char *k, size_t extra)
{
	size_t len = strnlen(k, J_KEY_MAX);
	char *p = room(w, len + 4 + extra);
	if (!w->first)
		*p++ = ',';
	w->first = false;
	*p++ = '"';
	memcpy(p, k, len);
	p += len;
	*p++ = '"';
	*p++ = ':';
	return p;
}

void j_key(struct jw *w, const char *k)
{
	w->out.n = (size_t)(key_at(w, k, 0) - w->out.b);
}

void j_str(struct jw *w, const char *k, const char *v)
{
	j_key(w, k);
	if (v)
		fmt_json_quote(&w->out, v);
	else
		put(w, "null", 4);
}

/* "k":digits; neg puts a minus sign before v. */
static void j_num(struct jw *w, const char *k, bool neg, uint64_t v)
{
	char d[24];
	size_t nd = strlen(fmt_u64(v, d, sizeof d));
	char *p = key_at(w, k, nd + 1);
	if (neg)
		*p++ = '-';
	memcpy(p, d, nd);
	w->out.n = (size_t)(p + nd - w->out.b);
}

void j_u64(struct jw *w, const char *k, uint64_t v)
{
	j_num(w, k, false, v);
}

void j_i64(struct jw *w, const char *k, int64_t v)
{
	j_num(w, k, v < 0, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

void j_bool(struct jw *w, const char *k, bool v)
{
	j_key(w, k);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void j_null(struct jw *w, const char *k)
{
	j_key(w, k);
	put(w, "null", 4);
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
		put_c(w, ',');
	put_c(w, bracket);
	w->first = true;
}

void j_close(struct jw *w, char bracket)
{
	put_c(w, bracket);
	w->first = false;
}

void j_item_str(struct jw *w, const char *s)
{
	if (!w->first)
		put_c(w, ',');
	w->first = false;
	fmt_json_quote(&w->out, s);
}

void j_item_u64(struct jw *w, uint64_t v)
{
	char d[24];
	if (!w->first)
		put_c(w, ',');
	w->first = false;
	fmt_u64(v, d, sizeof d);
	put(w, d, strlen(d));
}

static void name_cb(const char *name, void *arg)
{
	j_item_str(arg, name);
}

/* k followed by suffix in nk (cut to fit), as "k_names" (no printf per key). */
static void names_key(char *nk, size_t size, const char *k, const char *suffix)
{
	size_t a = strlen(k), b = strlen(suffix);
	if (a > size - 1)
		a = size - 1;
	if (b > size - 1 - a)
		b = size - 1 - a;
	memcpy(nk, k, a);
	memcpy(nk + a, suffix, b);
	nk[a + b] = '\0';
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
	put_c(w, '\n');
	fmt_buf_flush(&w->out);
}
