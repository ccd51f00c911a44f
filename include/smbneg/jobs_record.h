/* jobs_record: the record a -j worker writes of one file, and how the
 * replaying thread reads it back (jobs.c). In order, one tagged record per
 * call the file's renderers are given: each SMB event (or, for JSON, the
 * bytes the worker rendered it to), each verdict event, each NTLMSSP message
 * for the relay correlation, each concluded conversation with its facts and
 * verdict, then the end of the file and the rows of resumed connections.
 * Structs travel by value; the pointers in them are rebuilt on reading, so a
 * struct reached through a pointer from smb_event that is added later must
 * be added here (rec_event). Worker and replayer are threads of one
 * process: pointers to static text (verdict.fix) stay valid. */
#ifndef SMBNEG_JOBS_RECORD_H
#define SMBNEG_JOBS_RECORD_H

#include "smbneg/correlate.h"
#include "smbneg/out_ops.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum rec_tag {
	REC_EVENT = 0x45565431,
	REC_CONV = 0x434f4e56,
	REC_VERDICT = 0x56455244, /* a verdict event (JSON) */
	REC_RENDERED = 0x52454e44, /* an event the worker rendered (JSON): its bytes */
	REC_END = 0x454e4446,
	REC_RESUMED = 0x52534d44, /* after END: rows of --idle connections that resumed */
	REC_NTLM = 0x4e544c4d,	  /* an NTLMSSP observation, for the relay correlation */
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

/* A concluded conversation, or a verdict event: conv and verdict (and for
 * the event its frame and why), then the facts up to their sessions, then
 * the nsessions sessions there are (not all SMB_MAX_SESSIONS). */
struct rec_conv {
	struct conv c;
	struct verdict v;
	struct frame_ctx at;
	char decided_by[16];
	struct facts f;
};

struct rec_end {
	struct flow_stats st;
	bool failed;
	char error[1024];
	bool now_set; /* the time of the file event (out_set_time), when known */
	struct timeval now;
};

/* An NTLMSSP CHALLENGE or AUTHENTICATE (analyzer.ntlm_hook): the replay
 * correlates them across files (analyze_ntlm), in the order they were seen. */
struct rec_ntlm {
	struct conv c;
	uint64_t frame;
	struct timeval ts;
	struct correlate_ntlm n; /* user and domain point into the arrays below */
	bool has_user, has_domain;
	char user[RELAY_NAME_MAX], domain[RELAY_NAME_MAX];
};

/* ---- the bytes: in pieces that jobs.c provides (chunks in memory) ---- */

/* Where a worker's record goes: the room left in the current piece, and how
 * to get the next (the one before handed on); more returns false without
 * memory, and from then on nothing is kept: the record ends short, and the
 * replay reports the file's worker as failed. */
struct rec_writer {
	unsigned char *p, *end;
	bool (*more)(struct rec_writer *w);
	bool failed;
};

/* Where the replay reads a record: the unread bytes of the current piece,
 * and how to get the next (waiting for the worker to write it); more
 * returns false at the record's end. */
struct rec_reader {
	const unsigned char *p, *end;
	bool (*more)(struct rec_reader *r);
};

void rec_put(struct rec_writer *w, const void *src, size_t n);
/* false when the record ends first */
bool rec_get(struct rec_reader *in, void *dst, size_t n);

/* ---- the worker ---- */

/* The out a worker analyses path with (input: its input number in the run,
 * from 1): it records into out what the replay's renderer shows, rendering
 * JSON events itself; NULL without memory. parent is only read (its options). */
struct out *record_out(const struct out *parent, const char *path, uint64_t input,
		       struct rec_writer *out);
void record_out_free(struct out *o);
/* analyzer.ntlm_hook of a worker (arg: the record's rec_writer). */
void record_ntlm(void *arg, const struct conv *c, uint64_t frame, const struct timeval *ts,
		 const struct correlate_ntlm *n);
/* After the end: the rows of the --idle connections that resumed. */
void record_resumed(const struct out *o, struct rec_writer *w);

/* ---- the replay: each reads what follows its tag; false on a short or bad record ---- */

bool record_get_event(struct rec_reader *in, struct rec_event *r);
bool record_get_conv(struct rec_reader *in, struct rec_conv *r);
/* n.user and n.domain point into r. */
bool record_get_ntlm(struct rec_reader *in, struct rec_ntlm *r);
bool record_get_end(struct rec_reader *in, struct rec_end *r);
/* Copy a REC_RENDERED event's bytes to out, from the record's pieces. */
bool record_copy_rendered(struct rec_reader *in, FILE *out);
/* The resumed rows after the end (record_resumed): up to max into rows, *n of them. */
bool record_get_resumed(struct rec_reader *in, uint64_t *rows, uint32_t max, uint32_t *n);

#endif
