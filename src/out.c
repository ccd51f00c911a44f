/* out: dispatch to the renderers, and helpers they share. */
#include "smbneg/out.h"

#include "smbneg/smb_const.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void out_init(struct out *o, enum out_format fmt, FILE *f)
{
	memset(o, 0, sizeof *o);
	o->format = fmt;
	o->f = f;
}

bool out_enable_hosts(struct out *o)
{
	o->hosts = host_table_init(&o->host_table);
	return o->hosts;
}

void out_begin_file(struct out *o, const char *file)
{
	o->file = file;
	o->files++;
}

void out_event(struct out *o, const struct smb_event *e)
{
	const struct conv *c = e->conv;
	int sender = e->sender;
	if (o->hosts || o->quiet || e->kind == SMB_EV_SESSION_SETUP)
		return;
	if (o->format == OUT_JSON)
		out_json_negotiate(o, c, sender, e);
	else if (o->format == OUT_TEXT && o->verbose)
		out_text_negotiate(o, c, e);
}

static void keep_reason(struct out *o, const struct verdict *v)
{
	if (o->nreasons >= OUT_MAX_REASONS) {
		o->reasons_dropped++;
		return;
	}
	/* The reason, with the note after it; for `signed`, the note alone. */
	const char *first = v->verdict == V_SIGNED ? v->note : v->reason;
	const char *second = v->verdict == V_SIGNED ? "" : v->note;
	size_t n = strlen(first) + strlen(second) + 4;
	struct out_reason *r = malloc(sizeof *r + n);
	if (!r)
		return;
	r->next = NULL;
	r->row = o->row;
	r->verdict = v->verdict;
	snprintf(r->text, n, "%s%s%s%s", first, *second ? " (" : "", second, *second ? ")" : "");
	if (o->reasons_tail)
		o->reasons_tail->next = r;
	else
		o->reasons = r;
	o->reasons_tail = r;
	o->nreasons++;
}

void out_conversation(struct out *o, const struct conv *c, const struct facts *f,
		      const struct verdict *v)
{
	o->row++;
	o->verdicts[v->verdict]++;
	if (v->smb_version == 1)
		o->smb1_conversations++;
	if (o->hosts) {
		host_table_add(&o->host_table, c, f, v);
		return;
	}
	switch (o->format) {
	case OUT_TEXT:
		if (v->verdict != V_SIGNED || v->note[0])
			keep_reason(o, v);
		if (!o->quiet)
			out_text_conversation(o, c, f, v);
		break;
	case OUT_JSON:
		if (!o->quiet)
			out_json_conversation(o, c, f, v);
		break;
	case OUT_CSV:
		if (!o->quiet)
			out_csv_conversation(o, c, f, v);
		break;
	}
	fflush(o->f); /* live: each row appears as its conversation ends */
}

void out_end_file(struct out *o, const struct flow_stats *st, const char *error)
{
	if (error)
		o->files_failed++;
	o->totals.frames += st->frames;
	o->totals.tcp_segments += st->tcp_segments;
	o->totals.not_tcp += st->not_tcp;
	o->totals.fragments += st->fragments;
	o->totals.truncated += st->truncated;
	o->totals.malformed += st->malformed;
	o->totals.connections += st->connections;
	o->totals.smb_connections += st->smb_connections;
	o->totals.evicted += st->evicted;
	if (o->format == OUT_JSON)
		out_json_file(o, st, error);
	fflush(o->f);
}

void out_progress(struct out *o, uint64_t done, uint64_t total, uint64_t elapsed_ms)
{
	double secs = (double)elapsed_ms / 1000.0;
	double rate = secs > 0 ? (double)done / secs : 0;
	if (total && done <= total && rate > 0)
		fprintf(stderr, "\r%s: %.1f of %.1f MiB, %.0f MiB/s, %.0f s left   ", o->file ? o->file : "",
			(double)done / 1048576, (double)total / 1048576, rate / 1048576,
			(double)(total - done) / rate);
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

void out_live_stats(struct out *o, unsigned received, unsigned dropped, unsigned ifdropped)
{
	o->live_stats = true;
	o->received += received;
	o->dropped += dropped;
	o->ifdropped += ifdropped;
}

void out_summary(struct out *o)
{
	if (o->hosts && o->format == OUT_TEXT)
		out_text_hosts(o);
	else if (o->hosts && o->format == OUT_JSON)
		out_json_hosts(o);
	else if (o->hosts)
		out_csv_hosts(o);
	if (o->format == OUT_TEXT)
		out_text_summary(o);
	else if (o->format == OUT_JSON)
		out_json_summary(o);
	fflush(o->f);
}

void out_free(struct out *o)
{
	while (o->reasons) {
		struct out_reason *r = o->reasons;
		o->reasons = r->next;
		free(r);
	}
	o->reasons_tail = NULL;
	if (o->hosts)
		host_table_free(&o->host_table);
	o->hosts = false;
}

const char *out_address(uint8_t family, const uint8_t *addr, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "";
	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof a);
	snprintf(buf, size, "%s", a);
	return buf;
}

const char *out_endpoint(const struct endpoint *e, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	if (e->family == 4) {
		inet_ntop(AF_INET, e->addr, a, sizeof a);
		snprintf(buf, size, "%s:%u", a, (unsigned)e->port);
	} else {
		inet_ntop(AF_INET6, e->addr, a, sizeof a);
		snprintf(buf, size, "[%s]:%u", a, (unsigned)e->port);
	}
	return buf;
}

const char *out_dialect(const struct facts *f, char *buf, size_t size)
{
	buf[0] = '\0';
	if (f->smb2_chosen) {
		const char *n = tok_name(smb2_dialect_names, f->smb2_dialect);
		if (n)
			snprintf(buf, size, "%s", n);
		else
			snprintf(buf, size, "0x%04x", (unsigned)f->smb2_dialect);
		return buf;
	}
	if (f->smb1_dialect[0]) {
		snprintf(buf, size, "%s", f->smb1_dialect);
		return buf;
	}
	return NULL;
}

/* MS-DTYP 2.3.4.2: Data1..Data3 little-endian, Data4 as bytes. */
const char *out_guid(const uint8_t g[16], char *buf, size_t size)
{
	snprintf(buf, size,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13],
		 g[14], g[15]);
	return buf;
}

const char *out_time(const struct timeval *tv, char *buf, size_t size)
{
	struct tm tm;
	/* A capture may hold tv_usec >= 10^6: carry it into the seconds. */
	long usec = (long)tv->tv_usec;
	time_t t = tv->tv_sec + usec / 1000000;
	usec %= 1000000;
	if (usec < 0) {
		usec += 1000000;
		t--;
	}
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "%lld", (long long)tv->tv_sec);
		return buf;
	}
	char base[32];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06ldZ", base, usec);
	return buf;
}

const char *out_filetime(uint64_t ft, char *buf, size_t size)
{
	buf[0] = '\0';
	/* 11644473600 s between 1601-01-01 and 1970-01-01 */
	if (ft == 0 || ft / 10000000u < UINT64_C(11644473600) ||
	    ft / 10000000u - UINT64_C(11644473600) > UINT64_C(253402300799))
		return buf;
	struct timeval tv;
	tv.tv_sec = (time_t)(ft / 10000000u - UINT64_C(11644473600));
	tv.tv_usec = (suseconds_t)(ft % 10000000u / 10);
	return out_time(&tv, buf, size);
}

/* Length of a valid UTF-8 sequence at s (1..4), or 0 (RFC 3629 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
	if (n == 0 || (n == 2 && s[0] < 0xC2) || s[0] > 0xF4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return n;
}


void out_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			size_t n = utf8_len(s);
			if (n == 0) { /* not UTF-8: the byte as Latin-1 */
				fprintf(f, "\\u%04x", *s++);
			} else {
				fwrite(s, 1, n, f);
				s += n;
			}
		}
	}
	fputc('"', f);
}

void out_text_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t n = utf8_len(s);
		if (*s < 0x20 || *s == 0x7f || *s == '\\' || n == 0) {
			fprintf(f, "\\x%02x", *s++);
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
}
