/* jobs: -j, files read by worker threads, replayed in order (see include/smbneg/jobs.h). */
#include "smbneg/jobs.h"

#include "smbneg/decompress.h"
#include "smbneg/jobs_record.h"
#include "smbneg/regress.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- the records: lists of chunks, written by a worker, read as they grow ---- */

/* A record is a list of chunks, taken from the pool's spare list and given
 * back to it once read: their pages are made once, not per file (a fresh
 * page costs more than the copy into it). */
#define CHUNK_BYTES ((size_t)256 << 10)

struct chunk {
	struct chunk *next;
	size_t len; /* bytes of data written (set when it is handed on) */
	unsigned char data[CHUNK_BYTES];
};

/* Records not yet read may hold at most RECORDS_HELD_MAX bytes: a worker
 * whose file is not the one replayed waits beyond it (bounded memory; the
 * record of a 320 MB capture is 3 MB, 11 MB in JSON, so this is some 7 GB
 * of input ahead of the file replayed). The worker of the file replayed
 * never waits, so the replay always goes on. The environment's
 * SMBNEG_JOBS_HELD_BYTES replaces it (the tests make workers wait). */
#define RECORDS_HELD_MAX ((size_t)256 << 20)

struct job {
	bool here; /* small: read by the replaying thread in its turn, not by a worker */
	struct chunk *first, *last; /* published, not yet read */
	bool whole; /* the worker wrote all it will (its END, or nothing: it failed) */
};

/* Workers take the files in input order, at most 2 x njobs files ahead of
 * the one being replayed; lock guards everything below it. */
struct pool {
	const struct out *options; /* the out's state before the first file, read only */
	const char *filter;
	const char *const *paths;
	struct job *jobs;
	size_t n;
	uint64_t inputs; /* the out's input count before the first file */
	unsigned njobs;
	pthread_mutex_t lock;
	pthread_cond_t changed; /* a chunk published or read, a record whole, a file begun */
	size_t next;		/* the file the next free worker takes */
	size_t replaying;	/* the file whose record is replayed */
	size_t held;		/* bytes in chunks published and not yet read */
	size_t held_max;
	struct chunk *spare;
};

/* A chunk from the spare list (lock held), else a new one; NULL without memory. */
static struct chunk *take_chunk(struct pool *p)
{
	struct chunk *c = p->spare;
	if (c)
		p->spare = c->next;
	else
		c = malloc(sizeof *c);
	if (c) {
		c->next = NULL;
		c->len = 0;
	}
	return c;
}

/* ---- the worker's side ---- */

/* A record being written: bytes go into cur, handed on when it is full and
 * at the end. */
struct writer {
	struct rec_writer rw; /* first: its more() finds the rest */
	struct pool *p;
	size_t i; /* the file */
	struct chunk *cur;
};

/* Hand cur to the record (lock held), waiting first while the records not
 * yet read hold too much and this file is not the one replayed. */
static void publish(struct writer *w)
{
	struct pool *p = w->p;
	struct job *j = &p->jobs[w->i];
	while (p->held >= p->held_max && p->replaying != w->i)
		pthread_cond_wait(&p->changed, &p->lock);
	if (j->last)
		j->last->next = w->cur;
	else
		j->first = w->cur;
	j->last = w->cur;
	p->held += w->cur->len;
	w->cur = NULL;
	pthread_cond_broadcast(&p->changed);
}

/* rec_writer.more: cur is full; hand it on and take the next. */
static bool writer_more(struct rec_writer *rw)
{
	struct writer *w = (struct writer *)rw;
	pthread_mutex_lock(&w->p->lock);
	if (w->cur) {
		w->cur->len = CHUNK_BYTES;
		publish(w);
	}
	w->cur = take_chunk(w->p);
	pthread_mutex_unlock(&w->p->lock);
	if (!w->cur)
		return false;
	rw->p = w->cur->data;
	rw->end = w->cur->data + CHUNK_BYTES;
	return true;
}

/* Record file i: analyze_file with an out that records what the replay needs. */
static void record_file(struct pool *p, size_t i)
{
	struct writer w = {{NULL, NULL, writer_more, false}, p, i, NULL};
	struct out *o = record_out(p->options, p->paths[i], p->inputs + i + 1, &w.rw);
	struct analyzer a;
	analyze_init(&a, o);
	if (o) {
		char msg[1024];
		a.filter = p->filter;
		a.ntlm_hook = record_ntlm; /* the replay correlates, over all files */
		a.ntlm_hook_arg = &w.rw;
		analyze_file(&a, p->paths[i], msg, sizeof msg); /* the record says how it went */
		record_resumed(o, &w.rw);
	}
	pthread_mutex_lock(&p->lock);
	if (w.cur) { /* the last bytes (a record without memory ends short) */
		w.cur->len = (size_t)(w.rw.p - w.cur->data);
		publish(&w);
	}
	p->jobs[i].whole = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	analyze_free(&a);
	record_out_free(o);
}

/* A worker thread: the next file while there is one within reach. */
static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->lock);
	while (p->next < p->n) {
		if (p->next >= p->replaying + 2 * (size_t)p->njobs) {
			pthread_cond_wait(&p->changed, &p->lock);
			continue;
		}
		size_t i = p->next++;
		if (p->jobs[i].here)
			continue;
		pthread_mutex_unlock(&p->lock);
		record_file(p, i);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ---- the replay, in the calling thread ---- */

/* A record being replayed: the chunk being read, given back to the spare
 * list for the next when it is. */
struct reader {
	struct rec_reader rr; /* first: its more() finds the rest */
	struct pool *p;
	struct chunk *cur;
};

/* rec_reader.more (the file being replayed): the next chunk the worker has
 * handed on, waiting for it; false once the record is whole and read. */
static bool reader_more(struct rec_reader *rr)
{
	struct reader *r = (struct reader *)rr;
	struct pool *p = r->p;
	struct job *j = &p->jobs[p->replaying];
	pthread_mutex_lock(&p->lock);
	if (r->cur) {
		p->held -= r->cur->len;
		r->cur->next = p->spare;
		p->spare = r->cur;
		pthread_cond_broadcast(&p->changed); /* a writer may wait for room */
	}
	while (!j->first && !j->whole)
		pthread_cond_wait(&p->changed, &p->lock);
	r->cur = j->first;
	if (r->cur) {
		j->first = r->cur->next;
		if (!j->first)
			j->last = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	if (!r->cur)
		return false;
	rr->p = r->cur->data;
	rr->end = r->cur->data + r->cur->len;
	return true;
}

/* The end of a file as analyze.c ends it (the per-file inventory, then the file). */
static void end_file(struct analyzer *a, const struct rec_end *end)
{
	if (end->now_set)
		out_set_time(a->out, &end->now);
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
static void replay_resumed(struct analyzer *a, struct rec_reader *in, uint64_t base)
{
	uint64_t rows[OUT_MAX_RESUMED];
	uint32_t n;
	record_get_resumed(in, rows, OUT_MAX_RESUMED, &n);
	for (uint32_t i = 0; i < n; i++)
		out_resumed(a->out, rows[i] ? base + rows[i] : 0);
}

/* The serial run's calls for one file, from its record; false when the
 * file failed (or its worker did). */
static bool replay(struct analyzer *a, const char *path, struct rec_reader *in,
		   struct rec_event *ev)
{
	struct rec_conv rc;
	struct rec_end end;
	uint32_t tag;
	uint64_t base = a->tally.conversations; /* the worker numbered its rows from 1 */
	struct rec_ntlm rn;
	analyze_begin_file(a, path); /* output, tally and relay correlation */
	if (a->regress)
		regress_begin_file(a->regress, path);
	while (rec_get(in, &tag, sizeof tag)) {
		if (tag == REC_RENDERED && record_copy_rendered(in, a->out->f)) {
			continue;
		} else if (tag == REC_EVENT && record_get_event(in, ev)) {
			out_event(a->out, &ev->e);
		} else if (tag == REC_NTLM && record_get_ntlm(in, &rn)) {
			analyze_ntlm(a, &rn.c, rn.frame, &rn.ts, &rn.n);
		} else if (tag == REC_VERDICT && record_get_conv(in, &rc)) {
			out_verdict(a->out, &rc.c, &rc.f, &rc.v, &rc.at, rc.decided_by);
		} else if (tag == REC_CONV && record_get_conv(in, &rc)) {
			/* as the serial run: ntlm-relay added when a relay names it */
			rc.c.row = analyze_report(a, &rc.c, &rc.f, &rc.v);
		} else if (tag == REC_END && record_get_end(in, &end)) {
			end_file(a, &end);
			replay_resumed(a, in, base);
			return !end.failed;
		} else {
			break;
		}
	}
	/* no end: the worker could not record it all (out of memory) */
	memset(&end, 0, sizeof end);
	end.failed = true;
	snprintf(end.error, sizeof end.error, "%s: the worker reading it failed", path);
	end_file(a, &end);
	return false;
}

/* Replay file pool->replaying while its worker may still write it (the
 * replay follows the worker instead of waiting for its end); read to its
 * end, so that every chunk goes back to the spare list. */
static bool replay_file(struct analyzer *a, struct pool *p, struct rec_event *ev)
{
	struct reader r = {{NULL, NULL, reader_more}, p, NULL};
	bool ok = replay(a, p->paths[p->replaying], &r.rr, ev);
	while (reader_more(&r.rr)) /* a record cut short */
		;
	return ok;
}

bool jobs_usable(const struct analyzer *a, const char *const *paths, size_t n)
{
	/* -w (one evidence file): one process */
	if (n < 2 || a->writer)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(paths[i], "-") == 0)
			return false;
	return true;
}

/* A file costs a worker about 60 us of CPU more than reading it in turn
 * (its record, the hand-over, an analyzer of its own): on the 117 small
 * captures of captures/, -j 2 took 1.6 x the time of -j 1 with a worker for
 * each. A smaller file is read by the replaying thread in its turn; plain
 * captures read at about 5 MiB per ms, compressed ones at a tenth of that or
 * less. The environment's SMBNEG_JOBS_MIN_BYTES replaces both sizes (0: a
 * worker for every file, as the tests want). */
#define WORKER_MIN_PLAIN ((off_t)2 << 20)
#define WORKER_MIN_COMPRESSED ((off_t)256 << 10)

static bool worth_a_worker(const char *path)
{
	struct stat st;
	uint8_t magic[4];
	const char *env = getenv("SMBNEG_JOBS_MIN_BYTES");
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return true; /* the worker reports what is wrong with it */
	if (env && *env)
		return st.st_size >= (off_t)strtoull(env, NULL, 10);
	if (st.st_size >= WORKER_MIN_PLAIN)
		return true;
	if (st.st_size < WORKER_MIN_COMPRESSED)
		return false;
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(magic, 1, sizeof magic, f) : 0;
	if (f)
		fclose(f);
	return decompress_sniff(magic, n) != DECOMPRESS_NONE;
}

/* Start njobs workers; how many could be. */
static unsigned start_workers(struct pool *p, pthread_t *threads)
{
	unsigned started = 0;
	while (started < p->njobs && pthread_create(&threads[started], NULL, worker, p) == 0)
		started++;
	return started;
}

bool jobs_run(struct analyzer *a, const char *const *paths, size_t n, unsigned njobs)
{
	struct out options = *a->out; /* read by the workers while a->out changes */
	struct pool p = {.options = &options,
			 .filter = a->filter,
			 .paths = paths,
			 .jobs = calloc(n, sizeof(struct job)),
			 .n = n,
			 .inputs = a->out->inputs,
			 .njobs = njobs < JOBS_MAX ? njobs : JOBS_MAX,
			 .lock = PTHREAD_MUTEX_INITIALIZER,
			 .changed = PTHREAD_COND_INITIALIZER};
	pthread_t threads[JOBS_MAX];
	struct rec_event *ev = malloc(sizeof *ev);
	const char *held = getenv("SMBNEG_JOBS_HELD_BYTES");
	p.held_max = held && *held ? (size_t)strtoull(held, NULL, 10) : RECORDS_HELD_MAX;
	bool ok = true;
	char msg[1024];
	size_t worth = 0; /* files for workers: no more workers than that */
	for (size_t i = 0; p.jobs && i < n; i++) {
		p.jobs[i].here = !worth_a_worker(paths[i]);
		worth += !p.jobs[i].here;
	}
	if (worth < p.njobs)
		p.njobs = (unsigned)worth;
	unsigned started = p.jobs && ev ? start_workers(&p, threads) : 0;
	for (size_t i = 0; i < n; i++) {
		pthread_mutex_lock(&p.lock);
		p.replaying = i;
		pthread_cond_broadcast(&p.changed); /* a worker may go on */
		pthread_mutex_unlock(&p.lock);
		if (started && !p.jobs[i].here) {
			ok &= replay_file(a, &p, ev);
		} else if (!analyze_file(a, paths[i], msg, sizeof msg)) { /* no workers */
			fprintf(stderr, "smbneg: %s\n", msg);
			ok = false;
		}
	}
	for (unsigned t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	while (p.spare) {
		struct chunk *c = p.spare;
		p.spare = c->next;
		free(c);
	}
	free(ev);
	free(p.jobs);
	return ok;
}
