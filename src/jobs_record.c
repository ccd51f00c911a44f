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

/* A worker's out: the record; for JSON also a renderer like the replay's,
 * writing into mem. The negotiate, session and verdict events need nothing
 * from the other files (the uid comes from the file's input number), so the
 * worker renders them and the replay copies the bytes; conversation events
 * wait for the relay correlation in the replay. record_ops' callbacks are
 * given `rec`, the first member. */
struct worker_out {
	struct out rec;
	struct out_ops ops;
	struct out json;
	bool rendering; /* json is set up */
	bool failed;	/* an event could not be rendered: no END is recorded */
	char *mem;
	size_t len, cap;
};

/* ---- writing (the worker; a conversation's reader beside its writer) ---- */

/* Write the part of an event selected by bit, when present. */
static void put_if(FILE *f, unsigned has, unsigned bit, const void *p, size_t n)
{
	if (has & bit)
		FMT_FWRITE(p, n, 1, f);
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
	FMT_FWRITE(&tag, sizeof tag, 1, o->f);
	FMT_FWRITE(&has, sizeof has, 1, o->f);
	FMT_FWRITE(e, sizeof *e, 1, o->f);
	FMT_FWRITE(&f, sizeof f, 1, o->f);
	FMT_FWRITE(&c, sizeof c, 1, o->f);
	put_if(o->f, has, HAS_H1, e->h1, sizeof *e->h1);
	put_if(o->f, has, HAS_H2, e->h2, sizeof *e->h2);
	put_if(o->f, has, HAS_SMB1_REQ, e->smb1_req, sizeof *e->smb1_req);
	put_if(o->f, has, HAS_SMB1_RESP, e->smb1_resp, sizeof *e->smb1_resp);
	put_if(o->f, has, HAS_SMB2_REQ, e->smb2_req, sizeof *e->smb2_req);
	put_if(o->f, has, HAS_SMB2_RESP, e->smb2_resp, sizeof *e->smb2_resp);
	put_if(o->f, has, HAS_SESSION, e->session, sizeof *e->session);
	if (has & HAS_DIALECT) {
		uint32_t n = (uint32_t)strnlen(e->smb1_dialect, REC_DIALECT_MAX - 1);
		FMT_FWRITE(&n, sizeof n, 1, o->f);
		FMT_FWRITE(e->smb1_dialect, 1, n, o->f);
	}
}

/* A verdict without the unused part of its text arrays: the fields before
 * reason, then reason and note by length. */
#define VERDICT_HEAD offsetof(struct verdict, reason)

static void put_text(FILE *out, const char *s, size_t size)
{
	uint16_t n = (uint16_t)strnlen(s, size - 1);
	FMT_FWRITE(&n, sizeof n, 1, out);
	FMT_FWRITE(s, 1, n, out);
}

static bool get_text(FILE *f, char *s, size_t size)
{
	uint16_t n;
	bool ok = FMT_FREAD(&n, sizeof n, 1, f) == 1 && n < size && FMT_FREAD(s, 1, n, f) == n;
	s[ok ? n : 0] = '\0';
	return ok;
}

static void put_verdict(FILE *out, const struct verdict *v)
{
	FMT_FWRITE(v, VERDICT_HEAD, 1, out);
	put_text(out, v->reason, sizeof v->reason);
	put_text(out, v->note, sizeof v->note);
	FMT_FWRITE(&v->fix, sizeof v->fix, 1, out); /* static text, one process */
}

static bool get_verdict(FILE *f, struct verdict *v)
{
	return FMT_FREAD(v, VERDICT_HEAD, 1, f) == 1 && get_text(f, v->reason, sizeof v->reason) &&
	       get_text(f, v->note, sizeof v->note) && FMT_FREAD(&v->fix, sizeof v->fix, 1, f) == 1;
}

static void put_conv(FILE *out, uint32_t tag, const struct conv *c, const struct facts *f,
		     const struct verdict *v, const struct frame_ctx *at, const char *decided_by)
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
	FMT_FWRITE(&tag, sizeof tag, 1, out);
	FMT_FWRITE(&rc, sizeof rc, 1, out);
	put_verdict(out, v);
	FMT_FWRITE(&ra, sizeof ra, 1, out);
	FMT_FWRITE(by, sizeof by, 1, out);
	FMT_FWRITE(f, FACTS_HEAD, 1, out);
	FMT_FWRITE(f->sessions, sizeof f->sessions[0], f->nsessions, out);
}

/* What put_conv wrote after its tag. */
bool record_get_conv(FILE *f, struct rec_conv *r)
{
	bool ok = FMT_FREAD(&r->c, sizeof r->c, 1, f) == 1 && get_verdict(f, &r->v) &&
		  FMT_FREAD(&r->at, sizeof r->at, 1, f) == 1 &&
		  FMT_FREAD(r->decided_by, sizeof r->decided_by, 1, f) == 1 &&
		  FMT_FREAD(&r->f, FACTS_HEAD, 1, f) == 1 && r->f.nsessions <= SMB_MAX_SESSIONS &&
		  FMT_FREAD(r->f.sessions, sizeof r->f.sessions[0], r->f.nsessions, f) ==
		      r->f.nsessions;
	r->decided_by[sizeof r->decided_by - 1] = '\0';
	return ok;
}

static void record_conversation(struct out *o, uint64_t row, const struct conv *c,
				const struct facts *f, const struct verdict *v)
{
	(void)row; /* numbered by the replay's tally */
	put_conv(o->f, REC_CONV, c, f, v, NULL, NULL);
}

static void record_verdict(struct out *o, const struct conv *c, const struct facts *f,
			   const struct verdict *v, const struct frame_ctx *at,
			   const char *decided_by)
{
	put_conv(o->f, REC_VERDICT, c, f, v, at, decided_by);
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
	if (((struct worker_out *)o)->failed)
		return;
	FMT_FWRITE(&tag, sizeof tag, 1, o->f);
	FMT_FWRITE(&r, sizeof r, 1, o->f);
}

static const struct out_ops record_ops = {
    .event = record_event,
    .conversation = record_conversation,
    .verdict = record_verdict,
    .end_file = record_end_file,
};

/* ---- JSON: events rendered by the worker ---- */


/* fopencookie write: append to mem. */
static ssize_t mem_write(void *cookie, const char *p, size_t n)
{
	struct worker_out *w = cookie;
	if (n > w->cap - w->len) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap - w->len < n)
			cap *= 2;
		char *m = realloc(w->mem, cap);
		if (!m)
			return -1;
		w->mem = m;
		w->cap = cap;
	}
	memcpy(w->mem + w->len, p, n);
	w->len += n;
	return (ssize_t)n;
}

/* What the JSON renderer wrote for one call, as a REC_RENDERED record. A
 * worker that cannot render (no memory) records no END: the replay says
 * the file's worker failed. */
static void put_rendered(struct worker_out *w)
{
	if (fflush(w->json.f) != 0 || ferror(w->json.f))
		w->failed = true;
	uint32_t tag = REC_RENDERED, n = (uint32_t)w->len;
	if (n) {
		FMT_FWRITE(&tag, sizeof tag, 1, w->rec.f);
		FMT_FWRITE(&n, sizeof n, 1, w->rec.f);
		FMT_FWRITE(w->mem, 1, n, w->rec.f);
	}
	w->len = 0;
}

static void render_event(struct out *o, const struct smb_event *e)
{
	struct worker_out *w = (struct worker_out *)o;
	out_event(&w->json, e);
	put_rendered(w);
}

static void render_verdict(struct out *o, const struct conv *c, const struct facts *f,
			   const struct verdict *v, const struct frame_ctx *at,
			   const char *decided_by)
{
	struct worker_out *w = (struct worker_out *)o;
	out_verdict(&w->json, c, f, v, at, decided_by);
	put_rendered(w);
}

/* JSON: set up w->json as the replay's out would be for this file (input
 * number `input`, counted from 1); false when it cannot be (then events are
 * recorded as structs and rendered by the replay). */
static bool render_here(struct worker_out *w, const struct out *parent, const char *path,
			uint64_t input)
{
	if (parent->ops != &out_json_ops)
		return false;
	cookie_io_functions_t io = {NULL, mem_write, NULL, NULL};
	w->json = *parent; /* its options; the envelope cache is its own */
	w->json.json_conns = NULL;
	w->json.f = fopencookie(w, "w", io);
	if (!w->json.f)
		return false;
	w->rendering = true;
	w->json.stream = false;
	w->json.inputs = input - 1;
	out_begin_file(&w->json, path);
	return true;
}

void record_ntlm(void *arg, const struct conv *c, uint64_t frame, const struct timeval *ts,
		 const struct correlate_ntlm *n)
{
	FILE *f = arg;
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
	FMT_FWRITE(&tag, sizeof tag, 1, f);
	FMT_FWRITE(&r, sizeof r, 1, f);
}

struct out *record_out(const struct out *parent, const char *path, uint64_t input, FILE *f)
{
	struct worker_out *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
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
	w->rec.f = f;
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
	free(w->mem);
	free(w);
}

void record_resumed(const struct out *o, FILE *f)
{
	uint32_t tag = REC_RESUMED, n = (uint32_t)o->nresumed;
	FMT_FWRITE(&tag, sizeof tag, 1, f);
	FMT_FWRITE(&n, sizeof n, 1, f);
	FMT_FWRITE(o->resumed, sizeof o->resumed[0], n, f);
}

/* ---- reading (the replay) ---- */

/* The parts an event has. */
bool record_get_event(FILE *f, struct rec_event *r)
{
	unsigned has;
	bool ok = FMT_FREAD(&has, sizeof has, 1, f) == 1 && FMT_FREAD(&r->e, sizeof r->e, 1, f) == 1 &&
		  FMT_FREAD(&r->f, sizeof r->f, 1, f) == 1 &&
		  FMT_FREAD(&r->conv, sizeof r->conv, 1, f) == 1;
	struct smb_event *e = &r->e;
	e->f = &r->f;
	e->conv = &r->conv;
#define GET(bit, field, dst)                                                                       \
	e->field = NULL;                                                                           \
	if (ok && (has & (bit))) {                                                                 \
		ok = FMT_FREAD(&(dst), sizeof(dst), 1, f) == 1;                                        \
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
		ok = FMT_FREAD(&n, sizeof n, 1, f) == 1 && n < sizeof r->dialect &&
		     FMT_FREAD(r->dialect, 1, n, f) == n;
		r->dialect[ok ? n : 0] = '\0';
		e->smb1_dialect = r->dialect;
	}
	return ok;
}

bool record_copy_rendered(FILE *f, FILE *out)
{
	char buf[16384];
	uint32_t n;
	if (FMT_FREAD(&n, sizeof n, 1, f) != 1)
		return false;
	while (n > 0) {
		size_t take = n < sizeof buf ? n : sizeof buf;
		if (FMT_FREAD(buf, 1, take, f) != take)
			return false;
		FMT_FWRITE(buf, 1, take, out);
		n -= (uint32_t)take;
	}
	return true;
}

bool record_get_ntlm(FILE *f, struct rec_ntlm *r)
{
	if (FMT_FREAD(r, sizeof *r, 1, f) != 1)
		return false;
	r->user[sizeof r->user - 1] = '\0';
	r->domain[sizeof r->domain - 1] = '\0';
	r->n.user = r->has_user ? r->user : NULL;
	r->n.domain = r->has_domain ? r->domain : NULL;
	return true;
}

bool record_get_end(FILE *f, struct rec_end *r)
{
	if (FMT_FREAD(r, sizeof *r, 1, f) != 1)
		return false;
	r->error[sizeof r->error - 1] = '\0';
	return true;
}

bool record_get_resumed(FILE *f, uint64_t *rows, uint32_t max, uint32_t *n)
{
	uint32_t tag, all;
	*n = 0;
	if (FMT_FREAD(&tag, sizeof tag, 1, f) != 1 || tag != REC_RESUMED ||
	    FMT_FREAD(&all, sizeof all, 1, f) != 1)
		return false;
	for (uint32_t i = 0; i < all && FMT_FREAD(&rows[*n], sizeof rows[0], 1, f) == 1; i++)
		if (*n < max)
			(*n)++;
	return true;
}
