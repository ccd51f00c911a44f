/* analyze: one input through the whole pipeline (see include/smbneg/analyze.h). */
#include "smbneg/analyze.h"

#include "smbneg/ntlmssp.h"
#include "smbneg/regress.h"
#include "smbneg/smb_conn.h"
#include "smbneg/verdict.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- relay correlation (correlate.h) ---- */

static void on_relay(void *arg, const struct correlate_report *r)
{
	struct analyzer *a = arg;
	out_relay(a->out, r);
}

/* An NTLMSSP CHALLENGE or AUTHENTICATE from the SMB layer (smb_ntlm.c). */
static void on_ntlm(void *arg, const struct conv *c, const struct frame_ctx *f,
		    const struct ntlmssp_msg *m)
{
	struct analyzer *a = arg;
	struct correlate_ntlm n;
	memset(&n, 0, sizeof n);
	n.type = m->type;
	if (m->type == 2) {
		memcpy(n.challenge, m->u.challenge.server_challenge, 8);
	} else {
		n.has_proof = m->u.auth.ntlmv2;
		memcpy(n.ntproofstr, m->u.auth.nt_proof_str, 16);
		n.user = m->u.auth.user;
		n.domain = m->u.auth.domain;
	}
	if (a->ntlm_hook) /* a -j worker: the replay correlates (jobs.c) */
		a->ntlm_hook(a->ntlm_hook_arg, c, f->frame, &f->ts, &n);
	else
		analyze_ntlm(a, c, f->frame, &f->ts, &n);
}

void analyze_ntlm(struct analyzer *a, const struct conv *c, uint64_t frame,
		  const struct timeval *ts, const struct correlate_ntlm *n)
{
	correlate_ntlm(&a->corr, c, frame, ts, n);
}

uint64_t analyze_report(struct analyzer *a, const struct conv *c, struct facts *f,
			struct verdict *v)
{
	indicator_mask relay = correlate_concluded(&a->corr, c, f);
	if (relay & ~f->indicators) { /* a relay names it: its words change */
		f->indicators |= relay;
		verdict_decide(f, v);
	}
	uint64_t row = tally_conversation(&a->tally, c, f, v);
	out_conversation(a->out, row, c, f, v);
	if (a->regress)
		regress_conversation(a->regress, c, f, v);
	correlate_flush(&a->corr, false);
	return row;
}

void analyze_begin_file(struct analyzer *a, const char *name)
{
	out_begin_file(a->out, name);
	tally_begin_file(&a->tally);
	correlate_begin_file(&a->corr);
}

void analyze_init(struct analyzer *a, struct out *out)
{
	memset(a, 0, sizeof *a);
	a->out = out;
	tally_init(&a->tally);
	a->last_dlt = -1;
	correlate_init(&a->corr, on_relay, a); /* out of memory: no correlation */
}

/* ---- -w evidence: the raw frames of each conversation, within caps ---- */

/* A raw frame kept as evidence (pcap record header and bytes). */
struct kept_frame {
	struct kept_frame *next;
	struct timeval ts;
	uint32_t caplen, len;
	uint8_t data[];
};

/* What the analyser keeps per conversation (conv.app): the -w frames, and
 * whether its verdict event is out. */
struct evidence {
	struct kept_frame *head, *tail;
	size_t bytes;
	bool incomplete;   /* a frame was not kept (a cap was reached) */
	bool verdict_sent; /* the verdict event was written */
	uint32_t checks;   /* messages looked at for the verdict event */
};

static struct evidence *conv_app(struct conv *c)
{
	if (!c->app)
		c->app = calloc(1, sizeof(struct evidence));
	return c->app;
}

static void on_frame(void *arg, struct conv *c, const struct frame_ctx *f)
{
	struct analyzer *a = arg;
	if (!a->writer)
		return;
	struct evidence *ev = conv_app(c);
	if (!ev)
		return;
	size_t n = f->caplen;
	if (n > ANALYZE_MAX_KEPT_BYTES - ev->bytes || n > ANALYZE_MAX_KEPT_TOTAL - a->kept_total) {
		ev->incomplete = true;
		return;
	}
	struct kept_frame *k = malloc(sizeof *k + n);
	if (!k) {
		ev->incomplete = true;
		return;
	}
	k->next = NULL;
	k->ts = f->ts;
	k->caplen = f->caplen;
	k->len = f->len;
	if (n)
		memcpy(k->data, f->raw, n);
	if (ev->tail)
		ev->tail->next = k;
	else
		ev->head = k;
	ev->tail = k;
	ev->bytes += n;
	a->kept_total += n;
}

static void evidence_free(struct analyzer *a, struct conv *c)
{
	struct evidence *ev = c->app;
	if (!ev)
		return;
	while (ev->head) {
		struct kept_frame *k = ev->head;
		ev->head = k->next;
		free(k);
	}
	a->kept_total -= ev->bytes;
	free(ev);
	c->app = NULL;
}

/* -w: append the conversation's kept frames to the evidence file. */
static void write_evidence(struct analyzer *a, const struct evidence *ev)
{
	int dlt = a->table->dlt;
	for (const struct kept_frame *k = ev->head; k; k = k->next) {
		struct pcap_pkthdr h;
		h.ts = k->ts;
		h.caplen = k->caplen;
		h.len = k->len;
		if (!evidence_write(a->writer, dlt, &h, k->data)) {
			if (!a->dlt_warned)
				fprintf(stderr,
					"smbneg: -w: inputs have different link types; frames of "
					"link type %d are not written\n",
					dlt);
			a->dlt_warned = true;
			return;
		}
		a->written_frames++;
	}
	evidence_flush(a->writer);
	a->written_conversations++;
	if (ev->incomplete)
		a->written_incomplete++;
}

/* ---- the SMB layer between the flow table and the output ---- */

static void on_event(void *arg, const struct smb_event *e)
{
	struct analyzer *a = arg;
	out_event(a->out, e);
}

/* What decided the verdict before the conversation ended, or NULL: a failure
 * status the rules turn into a failure verdict, or ANALYZE_VERDICT_MESSAGES
 * ordinary messages after Session Setup (README "Verdict events"). */
static const char *decided_by(const struct facts *f, const struct verdict *v)
{
	bool failure_seen = f->invalid_signature || f->guest_blocked_status ||
			    f->tree_connect_status || f->session_fail_status ||
			    f->secure_negotiate >= SN_UNSIGNED;
	/* a failed logon is often retried on the same connection: decided at close */
	bool failure_verdict = v->verdict != V_SIGNED && v->verdict != V_NOT_SIGNED &&
			       v->verdict != V_INCOMPLETE && v->verdict != V_LOGON_FAILED;
	if (failure_seen && failure_verdict)
		return "failure";
	/* encrypted messages carry no signature: they count as protected traffic */
	if (f->signed_after_session + f->unsigned_after_session + f->encrypted_msgs >=
	    ANALYZE_VERDICT_MESSAGES)
		return "messages";
	return NULL;
}

/* Emit the verdict event once the wire has decided it. */
static void early_verdict(struct analyzer *a, struct conv *c, const struct frame_ctx *at)
{
	if (!c->smb || !out_wants_verdicts(a->out))
		return;
	struct evidence *ev = conv_app(c);
	if (!ev || ev->verdict_sent)
		return;
	/* a long undecided stream (no Session Setup) is looked at less often */
	if (++ev->checks > ANALYZE_VERDICT_MESSAGES * 8 && ev->checks % 16)
		return;
	if (!facts_may_decide(c, ANALYZE_VERDICT_MESSAGES))
		return;
	struct facts f;
	struct verdict v;
	facts_build(c, &f);
	verdict_rule(&f, &v);
	const char *by = decided_by(&f, &v);
	if (!by)
		return;
	verdict_words(&f, &v);
	out_verdict(a->out, c, &f, &v, at, by);
	ev->verdict_sent = true;
}

static void on_message(void *arg, struct conv *c, int dir, const struct nbss_msg *m,
		       const struct frame_ctx *f)
{
	struct smb_events ev = {on_event, arg, on_ntlm};
	smb_conn_message(c, dir, m, f, &ev);
	early_verdict(arg, c, f);
}

static size_t keep_limit(void *arg, const struct rd *prefix)
{
	(void)arg;
	return smb_conn_keep_limit(prefix);
}

static void on_concluded(void *arg, struct conv *c)
{
	struct analyzer *a = arg;
	if (c->smb) {
		struct facts f;
		struct verdict v;
		facts_build(c, &f);
		verdict_decide(&f, &v);
		const struct evidence *ev = c->app;
		if (!(ev && ev->verdict_sent)) {
			struct frame_ctx last = {c->last_frame, c->last_ts, 0, 0, NULL, -1};
			out_verdict(a->out, c, &f, &v, &last, "close");
		}
		c->row = analyze_report(a, c, &f, &v);
		if (a->writer && ev && ev->head && (a->write_all || v.verdict != V_SIGNED))
			write_evidence(a, ev);
	}
	smb_conn_free(c);
	evidence_free(a, c);
}

static void on_resumed(void *arg, uint64_t row)
{
	struct analyzer *a = arg;
	out_resumed(a->out, row);
}

static void on_progress(void *arg, uint64_t done, uint64_t total, uint64_t elapsed_ms)
{
	out_progress(arg, done, total, elapsed_ms);
}

static bool done(void *arg)
{
	const struct analyzer *a = arg;
	return a->max_conversations && a->tally.conversations >= a->max_conversations;
}

/* The time of the file and summary events: the last frame read, the wall
 * clock when live; unchanged (the previous input's) for an empty input. */
static void set_time(struct analyzer *a, bool live, const struct flow_table *t)
{
	struct timeval now;
	if (live) {
		gettimeofday(&now, NULL);
		out_set_time(a->out, &now);
	} else if (t->stats.frames) {
		out_set_time(a->out, &t->now.ts);
	}
}

/* Set up a table, run one of the capture functions, conclude and report. */
static bool run(struct analyzer *a, const char *path, FILE *fp, struct capture_live *live,
		const char *name, char *err, size_t errsize)
{
	struct flow_table t;
	struct flow_ops ops = {on_message, keep_limit, on_frame, on_concluded, a, on_resumed};
	char why[512] = "";
	analyze_begin_file(a, name);
	if (a->regress)
		regress_begin_file(a->regress, path ? path : name);
	if (!flow_table_init(&t, &ops)) {
		snprintf(err, errsize, "%s: out of memory", name);
		if (a->regress)
			regress_end_file(a->regress, err);
		tally_end_file(&a->tally, &t.stats, true);
		out_end_file(a->out, &t.stats, err);
		return false;
	}
	a->table = &t;
	struct capture_progress progress = {on_progress, a->out};
	enum capture_result r;
	if (live)
		r = capture_live(live, &t, why, sizeof why);
	else if (fp)
		r = capture_stream(fp, a->filter, NULL, &t, why, sizeof why);
	else
		r = capture_file(path, a->filter, a->progress ? &progress : NULL, &t, why,
				 sizeof why);
	if (a->progress)
		out_progress_end(a->out);
	flow_table_flush(&t);
	if (t.dlt >= 0 && a->last_dlt < 0)
		a->last_dlt = t.dlt;
	if (r != CAPTURE_OK)
		snprintf(err, errsize, "%s: %s", name, why);
	set_time(a, live, &t);
	tally_end_file(&a->tally, &t.stats, r != CAPTURE_OK);
	if (a->regress)
		regress_end_file(a->regress, r == CAPTURE_OK ? NULL : err);
	if (a->out->hosts_per_file) {
		out_file_hosts(a->out, &a->tally);
		tally_reset_hosts(&a->tally);
	}
	out_end_file(a->out, &t.stats, r == CAPTURE_OK ? NULL : err);
	flow_table_free(&t);
	a->table = NULL;
	return r == CAPTURE_OK;
}

bool analyze_file(struct analyzer *a, const char *path, char *err, size_t errsize)
{
	return run(a, path, NULL, NULL, strcmp(path, "-") == 0 ? "(stdin)" : path, err, errsize);
}

bool analyze_stream(struct analyzer *a, FILE *fp, const char *name, char *err, size_t errsize)
{
	return run(a, NULL, fp, NULL, name, err, errsize);
}

/* Resident set size in bytes (Linux /proc/self/statm), 0 when unknown. */
static uint64_t rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &resident) != 2)
		resident = 0;
	fclose(f);
	long page = sysconf(_SC_PAGESIZE);
	return (uint64_t)resident * (uint64_t)(page > 0 ? page : 4096);
}

/* --stats: one stats event with the counters since the last one. */
static void stats_event(struct analyzer *a, struct flow_table *t, const struct capture_counters *c)
{
	struct out_stats s;
	memset(&s, 0, sizeof s);
	s.interval_secs = (uint64_t)a->stats_secs;
	s.received = c->received;
	s.dropped = c->dropped - a->stats_prev.dropped;
	s.ifdropped = c->ifdropped - a->stats_prev.ifdropped;
	s.dropped_total = c->dropped;
	s.ifdropped_total = c->ifdropped;
	s.frames = t->stats.frames;
	s.open_conversations = t->active;
	s.conversations = a->tally.conversations;
	s.bytes_held = t->budget.used + a->kept_total; /* messages held, -w evidence */
	s.rss_bytes = rss_bytes();
	a->stats_prev = *c;
	out_stats(a->out, &s);
}

/* About every second while live: the stats event, -G rotation of the
 * evidence file (capture.c marks open conversations with capture-drops). */
static void on_tick(void *arg, struct flow_table *t, const struct capture_counters *c)
{
	struct analyzer *a = arg;
	struct timeval now;
	gettimeofday(&now, NULL);
	if (a->stats_secs > 0 && c->valid && now.tv_sec - a->last_stats >= a->stats_secs) {
		a->last_stats = now.tv_sec;
		out_set_time(a->out, &now);
		stats_event(a, t, c);
	}
	if (a->writer)
		evidence_tick(a->writer, now.tv_sec);
}

bool analyze_live(struct analyzer *a, struct capture_live *l, char *err, size_t errsize)
{
	a->last_stats = time(NULL);
	l->on_tick = on_tick;
	l->tick_arg = a;
	l->filter = a->filter;
	l->done = done;
	l->done_arg = a;
	bool ok = run(a, NULL, NULL, l, l->iface, err, errsize);
	if (l->stats_valid)
		tally_live(&a->tally, l->received, l->dropped, l->ifdropped);
	return ok;
}

bool analyze_close(struct analyzer *a, char *err, size_t errsize)
{
	correlate_flush(&a->corr, true); /* relays whose conversations never concluded */
	return !a->writer || evidence_close(a->writer, a->last_dlt, err, errsize);
}

void analyze_free(struct analyzer *a)
{
	tally_free(&a->tally);
	correlate_free(&a->corr);
}
