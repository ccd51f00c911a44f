/* jobs: -j, files read by forked workers, replayed in order (see include/smbneg/jobs.h). */
#include "smbneg/jobs.h"

#include "smbneg/regress.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- the record: what the renderers of one file are given, in order ---- */

enum rec_tag {
	REC_EVENT = 0x45565431,
	REC_CONV = 0x434f4e56,
	REC_END = 0x454e4446,
	REC_RESUMED = 0x52534d44, /* after END: rows of --idle connections that resumed */
	REC_NTLM = 0x4e544c4d,	  /* an NTLMSSP observation, for the relay correlation */
};

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

#define REC_DIALECT_MAX 256 /* an SMB1 dialect name, NUL included */

/* An event with copies of everything it points to (pointers rebuilt on replay). */
struct rec_event {
	struct smb_event e;
	struct frame_ctx f;
	struct conv conv;
	struct smb1_header h1;
	struct smb2_header h2;
	struct smb1_negotiate_request smb1_req;
	struct smb1_negotiate_response smb1_resp;
	struct smb2_negotiate_request smb2_req;
	struct smb2_negotiate_response smb2_resp;
	struct smb_session session;
	char dialect[REC_DIALECT_MAX];
};

struct rec_conv {
	struct conv c;
	struct facts f;
	struct verdict v;
};

struct rec_end {
	struct flow_stats st;
	bool failed;
	char error[1024];
};

/* Write the part of an event selected by bit, when present. */
static void put_if(FILE *f, unsigned has, unsigned bit, const void *p, size_t n)
{
	if (has & bit)
		fwrite(p, n, 1, f);
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
	fwrite(&tag, sizeof tag, 1, o->f);
	fwrite(&has, sizeof has, 1, o->f);
	fwrite(e, sizeof *e, 1, o->f);
	fwrite(&f, sizeof f, 1, o->f);
	fwrite(&c, sizeof c, 1, o->f);
	put_if(o->f, has, HAS_H1, e->h1, sizeof *e->h1);
	put_if(o->f, has, HAS_H2, e->h2, sizeof *e->h2);
	put_if(o->f, has, HAS_SMB1_REQ, e->smb1_req, sizeof *e->smb1_req);
	put_if(o->f, has, HAS_SMB1_RESP, e->smb1_resp, sizeof *e->smb1_resp);
	put_if(o->f, has, HAS_SMB2_REQ, e->smb2_req, sizeof *e->smb2_req);
	put_if(o->f, has, HAS_SMB2_RESP, e->smb2_resp, sizeof *e->smb2_resp);
	put_if(o->f, has, HAS_SESSION, e->session, sizeof *e->session);
	if (has & HAS_DIALECT) {
		uint32_t n = (uint32_t)strnlen(e->smb1_dialect, REC_DIALECT_MAX - 1);
		fwrite(&n, sizeof n, 1, o->f);
		fwrite(e->smb1_dialect, 1, n, o->f);
	}
}

static void record_conversation(struct out *o, uint64_t row, const struct conv *c,
				const struct facts *f, const struct verdict *v)
{
	(void)row; /* numbered by the parent's tally */
	uint32_t tag = REC_CONV;
	struct rec_conv r;
	memset(&r, 0, sizeof r);
	r.c = *c;
	r.c.smb = NULL;
	r.c.app = NULL;
	r.f = *f;
	r.v = *v;
	fwrite(&tag, sizeof tag, 1, o->f);
	fwrite(&r, sizeof r, 1, o->f);
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
	fwrite(&tag, sizeof tag, 1, o->f);
	fwrite(&r, sizeof r, 1, o->f);
}

static const struct out_ops record_ops = {
    .event = record_event,
    .conversation = record_conversation,
    .end_file = record_end_file,
};

/* An NTLMSSP CHALLENGE or AUTHENTICATE (analyzer.ntlm_hook): the parent
 * correlates them across files (analyze_ntlm), in the order they were seen. */
struct rec_ntlm {
	struct conv c;
	uint64_t frame;
	struct timeval ts;
	struct correlate_ntlm n; /* user and domain point into the arrays below */
	bool has_user, has_domain;
	char user[RELAY_NAME_MAX], domain[RELAY_NAME_MAX];
};

static void record_ntlm(void *arg, const struct conv *c, uint64_t frame, const struct timeval *ts,
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
	fwrite(&tag, sizeof tag, 1, f);
	fwrite(&r, sizeof r, 1, f);
}

static void replay_ntlm(struct analyzer *a, struct rec_ntlm *r)
{
	r->n.user = r->has_user ? r->user : NULL;
	r->n.domain = r->has_domain ? r->domain : NULL;
	analyze_ntlm(a, &r->c, r->frame, &r->ts, &r->n);
}

/* ---- replay in the parent ---- */

/* Read the parts an event has; false on a short record. */
static bool get_event(FILE *f, struct rec_event *r)
{
	unsigned has;
	bool ok = fread(&has, sizeof has, 1, f) == 1 && fread(&r->e, sizeof r->e, 1, f) == 1 &&
		  fread(&r->f, sizeof r->f, 1, f) == 1 &&
		  fread(&r->conv, sizeof r->conv, 1, f) == 1;
	struct smb_event *e = &r->e;
	e->f = &r->f;
	e->conv = &r->conv;
#define GET(bit, field, dst)                                                                       \
	e->field = NULL;                                                                           \
	if (ok && (has & (bit))) {                                                                 \
		ok = fread(&(dst), sizeof(dst), 1, f) == 1;                                        \
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
		ok = fread(&n, sizeof n, 1, f) == 1 && n < sizeof r->dialect &&
		     fread(r->dialect, 1, n, f) == n;
		r->dialect[ok ? n : 0] = '\0';
		e->smb1_dialect = r->dialect;
	}
	return ok;
}

/* The end of a file as analyze.c ends it (the per-file inventory, then the file). */
static void end_file(struct analyzer *a, const struct rec_end *end)
{
	tally_end_file(&a->tally, &end->st, end->failed);
	if (a->regress)
		regress_end_file(a->regress, end->failed ? end->error : NULL);
	if (a->out->hosts_per_file) {
		out_file_hosts(a->out, &a->tally);
		tally_reset_hosts(&a->tally);
	}
	out_end_file(a->out, &end->st, end->failed ? end->error : NULL);
	if (end->failed)
		fprintf(stderr, "smbneg: %s\n", end->error);
}

/* The rows of resumed --idle connections, renumbered after the files before. */
static void replay_resumed(struct analyzer *a, FILE *f, uint64_t base)
{
	uint32_t tag, n;
	uint64_t row;
	if (fread(&tag, sizeof tag, 1, f) != 1 || tag != REC_RESUMED ||
	    fread(&n, sizeof n, 1, f) != 1)
		return;
	for (uint32_t i = 0; i < n && fread(&row, sizeof row, 1, f) == 1; i++)
		out_resumed(a->out, row ? base + row : 0);
}

/* The serial run's calls for one file, from its record; false when the
 * file failed (or its worker did). */
static bool replay(struct analyzer *a, const char *path, FILE *f, struct rec_event *ev)
{
	struct rec_conv rc;
	struct rec_end end;
	uint32_t tag;
	uint64_t base = a->tally.conversations; /* the worker numbered its rows from 1 */
	struct rec_ntlm rn;
	analyze_begin_file(a, path); /* output, tally and relay correlation */
	if (a->regress)
		regress_begin_file(a->regress, path);
	rewind(f);
	while (fread(&tag, sizeof tag, 1, f) == 1) {
		if (tag == REC_EVENT && get_event(f, ev)) {
			out_event(a->out, &ev->e);
		} else if (tag == REC_NTLM && fread(&rn, sizeof rn, 1, f) == 1) {
			replay_ntlm(a, &rn);
		} else if (tag == REC_CONV && fread(&rc, sizeof rc, 1, f) == 1) {
			/* as the serial run: ntlm-relay added when a relay names it */
			rc.c.row = analyze_report(a, &rc.c, &rc.f, &rc.v);
		} else if (tag == REC_END && fread(&end, sizeof end, 1, f) == 1) {
			end_file(a, &end);
			replay_resumed(a, f, base);
			return !end.failed;
		} else {
			break;
		}
	}
	/* no end: the worker died (a crash, or out of memory) */
	memset(&end, 0, sizeof end);
	end.failed = true;
	snprintf(end.error, sizeof end.error, "%s: the worker reading it failed", path);
	end_file(a, &end);
	return false;
}

/* ---- the workers ---- */

/* One worker: read path into the record f, then exit. Never returns. */
static void worker(const struct analyzer *parent, const char *path, FILE *f)
{
	struct out o;
	memset(&o, 0, sizeof o);
	o.ops = &record_ops;
	o.f = f;
	struct analyzer a;
	analyze_init(&a, &o);
	a.filter = parent->filter;
	a.ntlm_hook = record_ntlm; /* the parent correlates, over all files */
	a.ntlm_hook_arg = f;
	char msg[1024];
	analyze_file(&a, path, msg, sizeof msg); /* the record says how it went */
	uint32_t tag = REC_RESUMED, n = (uint32_t)o.nresumed;
	fwrite(&tag, sizeof tag, 1, f);
	fwrite(&n, sizeof n, 1, f);
	fwrite(o.resumed, sizeof o.resumed[0], n, f);
	int rc = fflush(f) == 0 ? 0 : 3;
	analyze_free(&a);
	_exit(rc);
}

struct job {
	pid_t pid;
	FILE *rec;
	bool done;
};

/* Start the worker of file i; false when it cannot be (then it is read here). */
static bool start(const struct analyzer *a, const char *path, struct job *j)
{
	j->rec = tmpfile();
	if (!j->rec)
		return false;
	fflush(NULL); /* nothing buffered is written twice */
	j->pid = fork();
	if (j->pid == 0)
		worker(a, path, j->rec);
	if (j->pid < 0) {
		fclose(j->rec);
		j->rec = NULL;
		return false;
	}
	return true;
}

/* Wait for any worker and mark it done; false when none is left. */
static bool reap(struct job *jobs, size_t n)
{
	int status;
	pid_t pid;
	do
		pid = wait(&status);
	while (pid < 0 && errno == EINTR);
	if (pid < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (jobs[i].pid == pid)
			jobs[i].done = true;
	return true;
}

bool jobs_usable(const struct analyzer *a, const char *const *paths, size_t n)
{
	/* -w, and JSON (verdict events, uids, the envelope's ts are made in the
	 * analyser and out, not recorded here): one process */
	if (n < 2 || a->writer || a->out->ops == &out_json_ops)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0)
			return false;
	return true;
}

/* Start workers for the next files while fewer than njobs run. */
static void fill(const struct analyzer *a, const char *const *paths, size_t n, struct job *jobs,
		 size_t *next, size_t *running, unsigned njobs)
{
	for (; *running < njobs && *next < n; (*next)++)
		if (start(a, paths[*next], &jobs[*next]))
			(*running)++;
}

bool jobs_run(struct analyzer *a, const char *const *paths, size_t n, unsigned njobs)
{
	struct job *jobs = calloc(n, sizeof *jobs);
	struct rec_event *ev = malloc(sizeof *ev);
	bool ok = true;
	char msg[1024];
	size_t next = 0, running = 0;
	for (size_t i = 0; i < n; i++) { /* replay file i once its worker is done */
		if (jobs && ev)
			fill(a, paths, n, jobs, &next, &running, njobs);
		if (jobs && ev && jobs[i].rec) {
			/* a worker that ends makes room for the next at once */
			while (!jobs[i].done && reap(jobs, n)) {
				running--;
				fill(a, paths, n, jobs, &next, &running, njobs);
			}
			ok &= replay(a, paths[i], jobs[i].rec, ev);
			fclose(jobs[i].rec);
		} else if (!analyze_file(a, paths[i], msg, sizeof msg)) { /* no worker */
			fprintf(stderr, "smbneg: %s\n", msg);
			ok = false;
		}
	}
	free(ev);
	free(jobs);
	return ok;
}
