/* jobs: -j, files read by forked workers, replayed in order (see include/smbneg/jobs.h). */
/* memfd_create() is a GNU extension (glibc 2.27). */
#define _GNU_SOURCE
#include "smbneg/jobs.h"

#include "smbneg/decompress.h"
#include "smbneg/jobs_record.h"
#include "smbneg/regress.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

struct pool;
static void watch(struct pool *p, int timeout_ms);

/* ---- replay in the parent ---- */

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
static void replay_resumed(struct analyzer *a, FILE *f, uint64_t base)
{
	uint64_t rows[OUT_MAX_RESUMED];
	uint32_t n;
	record_get_resumed(f, rows, OUT_MAX_RESUMED, &n);
	for (uint32_t i = 0; i < n; i++)
		out_resumed(a->out, rows[i] ? base + rows[i] : 0);
}

/* Records replayed between looks for ended workers (watch). */
#define REPLAY_POLL_RECORDS 256

/* The serial run's calls for one file, from its record (f NULL: none);
 * false when the file failed (or its worker did). */
static bool replay(struct analyzer *a, const char *path, FILE *f, struct rec_event *ev,
		   struct pool *pool)
{
	unsigned records = 0;
	struct rec_conv rc;
	struct rec_end end;
	uint32_t tag;
	uint64_t base = a->tally.conversations; /* the worker numbered its rows from 1 */
	struct rec_ntlm rn;
	analyze_begin_file(a, path); /* output, tally and relay correlation */
	if (a->regress)
		regress_begin_file(a->regress, path);
	while (f && fread(&tag, sizeof tag, 1, f) == 1) {
		if (++records % REPLAY_POLL_RECORDS == 0)
			watch(pool, 0);
		if (tag == REC_RENDERED && record_copy_rendered(f, a->out->f)) {
			continue;
		} else if (tag == REC_EVENT && record_get_event(f, ev)) {
			out_event(a->out, &ev->e);
		} else if (tag == REC_NTLM && record_get_ntlm(f, &rn)) {
			analyze_ntlm(a, &rn.c, rn.frame, &rn.ts, &rn.n);
		} else if (tag == REC_VERDICT && record_get_conv(f, &rc)) {
			out_verdict(a->out, &rc.c, &rc.f, &rc.v, &rc.at, rc.decided_by);
		} else if (tag == REC_CONV && record_get_conv(f, &rc)) {
			/* as the serial run: ntlm-relay added when a relay names it */
			rc.c.row = analyze_report(a, &rc.c, &rc.f, &rc.v);
		} else if (tag == REC_END && record_get_end(f, &end)) {
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

/* ---- the record files: written by a worker, read by the parent as they grow ---- */

struct job {
	bool started; /* a worker reads the file (else the parent does, in turn) */
	pid_t pid;
	int fd;	   /* the record: a memfd, else an unlinked temporary file */
	int wake;  /* the read end of the worker's pipe: a byte per write, EOF once it ended */
	off_t pos; /* bytes of the record read so far */
	bool ended; /* the pipe reached its end: the record holds all it will, and
		     * the worker's core is free (it closes the pipe after its last write) */
};

/* A record is read and written through a RECORD_BUFFER (stdio's default,
 * a few KiB, would be a system call per few records). It is kept in memory (no
 * file system under it to write back) for an input of at most
 * RECORD_IN_MEMORY_INPUT bytes, whose record is some tens of MiB at most;
 * larger inputs, and a system without memfd, get a temporary file. */
#define RECORD_BUFFER (256 * 1024)
#define RECORD_IN_MEMORY_INPUT ((off_t)1 << 30)

static int record_fd(const char *path)
{
	struct stat st;
	int fd = -1;
	if (stat(path, &st) == 0 && st.st_size <= RECORD_IN_MEMORY_INPUT)
		fd = memfd_create("smbneg-job", MFD_CLOEXEC);
	if (fd < 0) {
		FILE *t = tmpfile();
		fd = t ? dup(fileno(t)) : -1;
		if (t)
			fclose(t);
	}
	return fd;
}

/* The worker's side: whole writes to the record, each followed by a byte on
 * the pipe (never waited for: a full pipe already says there is more). */
struct record_sink {
	int fd, wake;
};

static ssize_t sink_write(void *cookie, const char *p, size_t n)
{
	const struct record_sink *s = cookie;
	for (size_t done = 0; done < n;) {
		ssize_t w = write(s->fd, p + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += (size_t)w;
	}
	if (write(s->wake, "", 1) < 0 && errno != EAGAIN)
		return -1;
	return (ssize_t)n;
}


/* The parent's side (cookie: the pool; the record read is the file being
 * replayed): what the worker has written so far; when that is all read,
 * wait for more, or for its end (0: the record is whole). */
#define POOL_WAIT_MS 50 /* a safety net: every write and end is seen on a pipe */
static struct job *replayed(struct pool *p);

static ssize_t job_read(void *cookie, char *buf, size_t size)
{
	struct job *j = replayed(cookie);
	for (;;) {
		ssize_t n = pread(j->fd, buf, size, j->pos);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != 0 || j->ended) {
			j->pos += n > 0 ? n : 0;
			return n;
		}
		watch(cookie, POOL_WAIT_MS);
	}
}

/* One worker: read path into the record, then exit. Never returns. */
static void worker(const struct analyzer *parent, const char *path, uint64_t input, int fd,
		   int wake)
{
	struct record_sink sink = {fd, wake};
	cookie_io_functions_t io = {NULL, sink_write, NULL, NULL};
	static char buf[RECORD_BUFFER]; /* one worker per process */
	FILE *f = fopencookie(&sink, "w", io);
	if (!f)
		_exit(3); /* no record: the parent says the worker failed */
	setvbuf(f, buf, _IOFBF, sizeof buf);
	struct out *o = record_out(parent->out, path, input, f);
	struct analyzer a;
	analyze_init(&a, o);
	a.filter = parent->filter;
	a.ntlm_hook = record_ntlm; /* the parent correlates, over all files */
	a.ntlm_hook_arg = f;
	char msg[1024];
	analyze_file(&a, path, msg, sizeof msg); /* the record says how it went */
	record_resumed(o, f);
	int rc = fflush(f) == 0 ? 0 : 3;
	/* the record is whole: say so now, so the next worker starts while this
	 * one's memory is torn down (by _exit, not freed piece by piece) */
	close(wake);
	_exit(rc);
}

/* A worker costs about 2 ms of CPU (fork, page faults of a fresh heap and
 * of the pages it shares with the parent, its record): four plain captures
 * of 21 MB (4 ms each) took as long with two workers as in turn, four of
 * 85 MB 0.75 x. A smaller file is read by the parent in its turn; plain
 * captures read at about 5 MiB per ms, compressed ones at a tenth of that or
 * less. The environment's SMBNEG_JOBS_MIN_BYTES replaces both sizes (0: a
 * worker for every file, as the tests want). */
#define WORKER_MIN_PLAIN ((off_t)32 << 20)
#define WORKER_MIN_COMPRESSED ((off_t)1 << 20)

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

/* Start the worker of a file; false when it cannot be (then it is read here). */
static bool start(const struct analyzer *a, const char *path, uint64_t input, struct job *j)
{
	int p[2];
	if (!worth_a_worker(path))
		return false;
	j->fd = record_fd(path);
	if (j->fd < 0)
		return false;
	if (pipe(p) != 0) {
		close(j->fd);
		return false;
	}
	fflush(NULL); /* nothing buffered is written twice */
	j->pid = fork();
	if (j->pid == 0) {
		close(p[0]);
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		worker(a, path, input, j->fd, p[1]);
	}
	close(p[1]);
	if (j->pid < 0) {
		close(p[0]);
		close(j->fd);
		return false;
	}
	j->wake = p[0];
	j->started = true;
	return true;
}

/* The workers: one per file, at most njobs at a time, started in input
 * order, at most 2 x njobs files ahead of the one being replayed (a slow
 * file holds back no more than that many records). */
struct pool {
	const struct analyzer *a;
	const char *const *paths;
	struct job *jobs;
	size_t n, next, running;
	size_t replaying; /* the file whose record is replayed next */
	unsigned njobs;
	uint64_t inputs; /* the out's input count before the first file */
};

static struct job *replayed(struct pool *p)
{
	return &p->jobs[p->replaying];
}

/* Start workers for the next files while fewer than njobs write. */
static void fill(struct pool *p)
{
	for (; p->running < p->njobs && p->next < p->n &&
	       p->next < p->replaying + 2 * (size_t)p->njobs;
	     p->next++)
		if (start(p->a, p->paths[p->next], p->inputs + p->next + 1, &p->jobs[p->next]))
			p->running++;
}

/* A worker's pipe ended, or its whole record was replayed: its core is free. */
static void job_ended(struct pool *p, struct job *j)
{
	if (!j->ended)
		p->running--;
	j->ended = true;
}

/* Collect the workers that have exited (their pipes said they ended
 * first); with block, wait for every one left. */
static void reap(bool block)
{
	for (;;) {
		pid_t pid = waitpid(-1, NULL, block ? 0 : WNOHANG);
		if (pid < 0 && errno == EINTR)
			continue;
		if (pid <= 0)
			return;
	}
}

/* Replay the record of the file pool->replaying while its worker may still
 * write it (the parent follows the worker instead of waiting for its end). */
static bool replay_job(struct analyzer *a, const char *path, struct rec_event *ev,
		       struct pool *pool)
{
	static char buf[RECORD_BUFFER]; /* one file replayed at a time */
	struct job *j = replayed(pool);
	cookie_io_functions_t io = {job_read, NULL, NULL, NULL};
	FILE *f = fopencookie(pool, "r", io);
	if (f)
		setvbuf(f, buf, _IOFBF, sizeof buf);
	/* without a stream (no memory) there is no record: the worker failed */
	bool ok = replay(a, path, f, ev, pool);
	if (f)
		fclose(f);
	job_ended(pool, j);
	close(j->fd);
	close(j->wake);
	return ok;
}

/* Wait up to timeout_ms until a running worker writes or ends (its pipe: a
 * byte, or its end); a worker that ended is replaced at once, whichever it
 * is, so a core is never left idle while the parent replays. */
static void watch(struct pool *p, int timeout_ms)
{
	struct pollfd fds[2 * JOBS_MAX];
	struct job *of[2 * JOBS_MAX];
	nfds_t n = 0;
	for (size_t i = p->replaying; i < p->next && n < 2 * JOBS_MAX; i++)
		if (p->jobs[i].started && !p->jobs[i].ended) {
			fds[n] = (struct pollfd){p->jobs[i].wake, POLLIN, 0};
			of[n++] = &p->jobs[i];
		}
	if (n > 0 && poll(fds, n, timeout_ms) > 0)
		for (nfds_t k = 0; k < n; k++) {
			char b[256];
			ssize_t r = fds[k].revents ? read(fds[k].fd, b, sizeof b) : 1;
			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				job_ended(p, of[k]); /* read what it left, then the end */
		}
	reap(false);
	fill(p);
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

bool jobs_run(struct analyzer *a, const char *const *paths, size_t n, unsigned njobs)
{
	struct job *jobs = calloc(n, sizeof *jobs);
	struct rec_event *ev = malloc(sizeof *ev);
	struct pool p = {a, paths, jobs, n, 0, 0, 0, njobs < JOBS_MAX ? njobs : JOBS_MAX,
			 a->out->inputs};
	bool ok = true;
	char msg[1024];
	for (size_t i = 0; i < n; i++) { /* replay file i once its worker is done */
		p.replaying = i;
		if (jobs && ev)
			watch(&p, 0); /* and start the next files */
		if (jobs && ev && jobs[i].started) {
			ok &= replay_job(a, paths[i], ev, &p);
		} else if (!analyze_file(a, paths[i], msg, sizeof msg)) { /* no worker */
			fprintf(stderr, "smbneg: %s\n", msg);
			ok = false;
		}
	}
	reap(true); /* workers still ending after their records */
	free(ev);
	free(jobs);
	return ok;
}
