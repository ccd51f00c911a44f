/* jobs_record: the -j record, written and read (see include/smbneg/jobs_record.h). */
/* fopencookie() is a GNU extension (glibc). */
#define _GNU_SOURCE
#include "smbneg/jobs_record.h"

#include "smbneg/fmt.h"
#include "smbneg/out.h"
#include "smbneg/out_json.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Which structs an event points to follow it (bits in rec_event.has). */
enum {
	HAS_H1 = 1 << 0,
	HAS_H2 = 1 << 1,
	HAS_SMB1_REQ = 1 << 2,
	HAS_SMB1_RESP = 1 << 3,
	HAS_SMB2_REQ = 1 << 4,
	HAS_SMB2_RESP = 1 << 5,
	HAS_SESSION = 1 << 6,
	HAS_DIALECT = 1 << 7,
};

#define FACTS_HEAD offsetof(struct facts, sessions)

/* A worker's out: the record; for JSON also a renderer like the replay's.
 * The negotiate, session and verdict events need nothing from the other
 * files (the uid comes from the file's input number), so the worker renders
 * them and the replay copies the bytes; conversation events wait for the
 * relay correlation in the replay. record_ops' callbacks are given `rec`,
 * the first member. */
struct worker_out {
	struct out rec;
	struct out_ops ops;
	struct rec_writer *w;
	struct out json;
	bool rendering; /* json is set up */
};

static struct rec_writer *rec(struct out *o)
{
	return ((struct worker_out *)o)->w;
}

/* ---- the bytes of a record ---- */

void rec_put(struct rec_writer *w, const void *src, size_t n)
{
	const unsigned char *p = src;
	while (n > 0) {
		if (w->p == w->end && (w->failed || !w->more(w))) {
			w->failed = true; /* nothing more is kept: the record ends short */
			return;
		}
		size_t take = (size_t)(w->end - w->p) < n ? (size_t)(w->end - w->p) : n;
		memcpy(w->p, p, take);
		w->p += take;
		p += take;
		n -= take;
	}
}

bool rec_get(struct rec_reader *in, void *dst, size_t n)
{
	unsigned char *p = dst;
	while (n > 0) {
		if (in->p == in->end && !in->more(in))
			return false;
		size_t take = (size_t)(in->end - in->p) < n ? (size_t)(in->end - in->p) : n;
		memcpy(p, in->p, take);
		in->p += take;
		p += take;
		n -= take;
	}
	return true;
}

/* ---- writing (the worker; a conversation's reader beside its writer) ---- */

/* Write the part of an event selected by bit, when present. */
static void put_if(struct rec_writer *w, unsigned has, unsigned bit, const void *p, size_t n)
{
	if (has & bit)
		rec_put(w, p, n);
}

static void record_event(struct out *o, const struct smb_event *e)
{
	uint32_t tag = REC_EVENT;
	unsigned has = (e->h1 ? HAS_H1 : 0) | (e->h2 ? HAS_H2 : 0) |
		       (e->smb1_req ? HAS_SMB1_REQ : 0) | (e->smb1_resp ? HAS_SMB1_RESP : 0) |
		       (e->smb2_req ? HAS_SMB2_REQ : 0) | (e->smb2_resp ? HAS_SMB2_RESP : 0) |
		       (e->session ? HAS_SESSION : 0) | (e->smb1_dialect ? HAS_DIALECT : 0);
	struct frame_ctx f = *e->f;
	struct conv c = *e->conv;
	f.raw = NULL; /* valid in the worker only; no renderer reads it */
	c.smb = NULL;
	c.app = NULL;
	rec_put(rec(o), &tag, sizeof tag);
	rec_put(rec(o), &has, sizeof has);
	rec_put(rec(o), e, sizeof *e);
	rec_put(rec(o), &f, sizeof f);
	rec_put(rec(o), &c, sizeof c);
	put_if(rec(o), has, HAS_H1, e->h1, sizeof *e->h1);
	put_if(rec(o), has, HAS_H2, e->h2, sizeof *e->h2);
	put_if(rec(o), has, HAS_SMB1_REQ, e->smb1_req, sizeof *e->smb1_req);
	put_if(rec(o), has, HAS_SMB1_RESP, e->smb1_resp, sizeof *e->smb1_resp);
	put_if(rec(o), has, HAS_SMB2_REQ, e->smb2_req, sizeof *e->smb2_req);
	put_if(rec(o), has, HAS_SMB2_RESP, e->smb2_resp, sizeof *e->smb2_resp);
	put_if(rec(o), has, HAS_SESSION, e->session, sizeof *e->session);
	if (has & HAS_DIALECT) {
		uint32_t n = (uint32_t)strnlen(e->smb1_dialect, REC_DIALECT_MAX - 1);
		rec_put(rec(o), &n, sizeof n);
		rec_put(rec(o), e->smb1_dialect, n);
	}
}

/* A verdict without the unused part of its text arrays: the fields before
 * reason, then reason and note by length. */
#define VERDICT_HEAD offsetof(struct verdict, reason)

static void put_text(struct rec_writer *w, const char *s, size_t size)
{
	uint16_t n = (uint16_t)strnlen(s, size - 1);
	rec_put(w, &n, sizeof n);
	rec_put(w, s, n);
}

static bool get_text(struct rec_reader *in, char *s, size_t size)
{
	uint16_t n;
	bool ok = rec_get(in, &n, sizeof n) && n < size && rec_get(in, s, n);
	s[ok ? n : 0] = '\0';
	return ok;
}

static void put_verdict(struct rec_writer *w, const struct verdict *v)
{
	rec_put(w, v, VERDICT_HEAD);
	put_text(w, v->reason, sizeof v->reason);
	put_text(w, v->note, sizeof v->note);
	rec_put(w, &v->fix, sizeof v->fix); /* static text, one process */
}

static bool get_verdict(struct rec_reader *in, struct verdict *v)
{
	return rec_get(in, v, VERDICT_HEAD) && get_text(in, v->reason, sizeof v->reason) &&
	       get_text(in, v->note, sizeof v->note) && rec_get(in, &v->fix, sizeof v->fix);
}

static void put_conv(struct rec_writer *w, uint32_t tag, const struct conv *c,
		     const struct facts *f, const struct verdict *v, const struct frame_ctx *at,
		     const char *decided_by)
{
	struct conv rc = *c;
	struct frame_ctx ra;
	char by[sizeof ((struct rec_conv *)0)->decided_by] = "";
	memset(&ra, 0, sizeof ra);
	if (at) {
		ra = *at;
		ra.raw = NULL; /* valid in the worker only; no renderer reads it */
	}
	if (decided_by)
		snprintf(by, sizeof by, "%s", decided_by);
	rc.smb = NULL;
	rc.app = NULL;
	rec_put(w, &tag, sizeof tag);
	rec_put(w, &rc, sizeof rc);
	put_verdict(w, v);
	rec_put(w, &ra, sizeof ra);
	rec_put(w, by, sizeof by);
	rec_put(w, f, FACTS_HEAD);
	rec_put(w, f->sessions, sizeof f->sessions[0] * f->nsessions);
}

/* What put_conv wrote after its tag. */
bool record_get_conv(struct rec_reader *in, struct rec_conv *r)
{
	bool ok = rec_get(in, &r->c, sizeof r->c) && get_verdict(in, &r->v) &&
		  rec_get(in, &r->at, sizeof r->at) &&
		  rec_get(in, r->decided_by, sizeof r->decided_by) &&
		  rec_get(in, &r->f, FACTS_HEAD) && r->f.nsessions <= SMB_MAX_SESSIONS &&
		  rec_get(in, r->f.sessions, sizeof r->f.sessions[0] * r->f.nsessions);
	r->decided_by[sizeof r->decided_by - 1] = '\0';
	return ok;
}

static void record_conversation(struct out *o, uint64_t row, const struct conv *c,
				const struct facts *f, const struct verdict *v)
{
	(void)row; /* numbered by the replay's tally */
	put_conv(rec(o), REC_CONV, c, f, v, NULL, NULL);
}

static void record_verdict(struct out *o, const struct conv *c, const struct facts *f,
			   const struct verdict *v, const struct frame_ctx *at,
			   const char *decided_by)
{
	put_conv(rec(o), REC_VERDICT, c, f, v, at, decided_by);
}

static void record_end_file(struct out *o, const struct flow_stats *st, const char *error)
{
	uint32_t tag = REC_END;
	struct rec_end r;
	memset(&r, 0, sizeof r);
	r.st = *st;
	r.failed = error != NULL;
	if (error)
		snprintf(r.error, sizeof r.error, "%s", error);
	r.now_set = o->now_set;
	r.now = o->now;
	rec_put(rec(o), &tag, sizeof tag);
	rec_put(rec(o), &r, sizeof r);
}

static const struct out_ops record_ops = {
    .event = record_event,
    .conversation = record_conversation,
    .verdict = record_verdict,
    .end_file = record_end_file,
};

/* ---- JSON: events rendered by the worker ---- */

/* The renderer writes into an unbuffered stream whose every write (a whole
 * event from jw, or a piece of a long one) is put into the record as a
 * REC_RENDERED record. */
static ssize_t rendered_write(void *cookie, const char *p, size_t n)
{
	struct worker_out *w = cookie;
	uint32_t tag = REC_RENDERED;
	for (size_t done = 0; done < n;) {
		uint32_t take = n - done < UINT32_MAX ? (uint32_t)(n - done) : UINT32_MAX;
		rec_put(w->w, &tag, sizeof tag);
		rec_put(w->w, &take, sizeof take);
		rec_put(w->w, p + done, take);
		done += take;
	}
	return (ssize_t)n; /* a record without memory ends short: the replay says so */
}

static void render_event(struct out *o, const struct smb_event *e)
{
	out_event(&((struct worker_out *)o)->json, e);
}

static void render_verdict(struct out *o, const struct conv *c, const struct facts *f,
			   const struct verdict *v, const struct frame_ctx *at,
			   const char *decided_by)
{
	out_verdict(&((struct worker_out *)o)->json, c, f, v, at, decided_by);
}

/* JSON: set up w->json as the replay's out would be for this file (input
 * number `input`, counted from 1); false when it cannot be (then events are
 * recorded as structs and rendered by the replay). */
static bool render_here(struct worker_out *w, const struct out *parent, const char *path,
			uint64_t input)
{
	if (parent->ops != &out_json_ops)
		return false;
	cookie_io_functions_t io = {NULL, rendered_write, NULL, NULL};
	w->json = *parent; /* its options; the envelope cache is its own */
	w->json.json_conns = NULL;
	w->json.f = fopencookie(w, "w", io);
	if (!w->json.f)
		return false;
	setvbuf(w->json.f, NULL, _IONBF, 0);
	w->rendering = true;
	w->json.stream = false;
	w->json.inputs = input - 1;
	out_begin_file(&w->json, path);
	return true;
}

void record_ntlm(void *arg, const struct conv *c, uint64_t frame, const struct timeval *ts,
		 const struct correlate_ntlm *n)
{
	struct rec_writer *w = arg;
	uint32_t tag = REC_NTLM;
	struct rec_ntlm r;
	memset(&r, 0, sizeof r);
	r.c = *c;
	r.c.smb = NULL;
	r.c.app = NULL;
	r.frame = frame;
	r.ts = *ts;
	r.n = *n;
	r.has_user = n->user != NULL;
	r.has_domain = n->domain != NULL;
	snprintf(r.user, sizeof r.user, "%s", n->user ? n->user : "");
	snprintf(r.domain, sizeof r.domain, "%s", n->domain ? n->domain : "");
	rec_put(w, &tag, sizeof tag);
	rec_put(w, &r, sizeof r);
}

struct out *record_out(const struct out *parent, const char *path, uint64_t input,
		       struct rec_writer *out)
{
	struct worker_out *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->w = out;
	w->ops = record_ops;
	if (render_here(w, parent, path, input)) {
		w->ops.event = render_event;
		w->ops.verdict = render_verdict;
	}
	/* only what the replay's renderer shows (text without -v: no events) */
	if (!out_wants_events(parent))
		w->ops.event = NULL;
	if (!out_wants_verdicts(parent))
		w->ops.verdict = NULL;
	w->rec.ops = &w->ops;
	/* the record is written through out; what the out calls flush is nowhere */
	w->rec.f = fopencookie(w, "w", (cookie_io_functions_t){NULL, NULL, NULL, NULL});
	if (!w->rec.f) {
		record_out_free(&w->rec);
		return NULL;
	}
	return &w->rec;
}

void record_out_free(struct out *o)
{
	struct worker_out *w = (struct worker_out *)o;
	if (!w)
		return;
	if (w->rendering) {
		fclose(w->json.f);
		json_free(&w->json);
	}
	if (w->rec.f)
		fclose(w->rec.f);
	free(w);
}

void record_resumed(const struct out *o, struct rec_writer *w)
{
	uint32_t tag = REC_RESUMED, n = (uint32_t)o->nresumed;
	rec_put(w, &tag, sizeof tag);
	rec_put(w, &n, sizeof n);
	rec_put(w, o->resumed, sizeof o->resumed[0] * n);
}

/* ---- reading (the replay) ---- */

/* The parts an event has. */
bool record_get_event(struct rec_reader *in, struct rec_event *r)
{
	unsigned has;
	bool ok = rec_get(in, &has, sizeof has) && rec_get(in, &r->e, sizeof r->e) &&
		  rec_get(in, &r->f, sizeof r->f) &&
		  rec_get(in, &r->conv, sizeof r->conv);
	struct smb_event *e = &r->e;
	e->f = &r->f;
	e->conv = &r->conv;
#define GET(bit, field, dst)                                                                       \
	e->field = NULL;                                                                           \
	if (ok && (has & (bit))) {                                                                 \
		ok = rec_get(in, &(dst), sizeof(dst));                                        \
		e->field = &(dst);                                                                 \
	}
	GET(HAS_H1, h1, r->h1)
	GET(HAS_H2, h2, r->h2)
	GET(HAS_SMB1_REQ, smb1_req, r->smb1_req)
	GET(HAS_SMB1_RESP, smb1_resp, r->smb1_resp)
	GET(HAS_SMB2_REQ, smb2_req, r->smb2_req)
	GET(HAS_SMB2_RESP, smb2_resp, r->smb2_resp)
	GET(HAS_SESSION, session, r->session)
#undef GET
	e->smb1_dialect = NULL;
	uint32_t n;
	if (ok && (has & HAS_DIALECT)) {
		ok = rec_get(in, &n, sizeof n) && n < sizeof r->dialect &&
		     rec_get(in, r->dialect, n);
		r->dialect[ok ? n : 0] = '\0';
		e->smb1_dialect = r->dialect;
	}
	return ok;
}

bool record_copy_rendered(struct rec_reader *in, FILE *out)
{
	uint32_t n;
	if (!rec_get(in, &n, sizeof n))
		return false;
	while (n > 0) { /* from the record's chunks straight to out */
		if (in->p == in->end && !in->more(in))
			return false;
		size_t take = (size_t)(in->end - in->p) < n ? (size_t)(in->end - in->p) : n;
		FMT_FWRITE(in->p, 1, take, out);
		in->p += take;
		n -= (uint32_t)take;
	}
	return true;
}

bool record_get_ntlm(struct rec_reader *in, struct rec_ntlm *r)
{
	if (!rec_get(in, r, sizeof *r))
		return false;
	r->user[sizeof r->user - 1] = '\0';
	r->domain[sizeof r->domain - 1] = '\0';
	r->n.user = r->has_user ? r->user : NULL;
	r->n.domain = r->has_domain ? r->domain : NULL;
	return true;
}

bool record_get_end(struct rec_reader *in, struct rec_end *r)
{
	if (!rec_get(in, r, sizeof *r))
		return false;
	r->error[sizeof r->error - 1] = '\0';
	return true;
}

bool record_get_resumed(struct rec_reader *in, uint64_t *rows, uint32_t max, uint32_t *n)
{
	uint32_t tag, all;
	*n = 0;
	if (!rec_get(in, &tag, sizeof tag) || tag != REC_RESUMED ||
	    !rec_get(in, &all, sizeof all))
		return false;
	for (uint32_t i = 0; i < all && rec_get(in, &rows[*n], sizeof rows[0]); i++)
		if (*n < max)
			(*n)++;
	return true;
}
