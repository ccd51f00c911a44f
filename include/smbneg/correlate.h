/* correlate: what only shows across conversations (ARCHITECTURE "correlate"),
 * owned by the analyser: NTLM relay correlation over every input of a run.
 *
 * It feeds relay.h from the NTLMSSP CHALLENGE and AUTHENTICATE messages the
 * session layer reports, in the order the analyser reads them: capture-time
 * order within a file, and across files in the order they are given. Each
 * input restarts relay.h's clock (relay_new_input), so a relay inside a file
 * is found whatever the order of the files; a relay whose two legs are in
 * two files is found when the legs are within the window (5 minutes) of
 * each other, in either order of the files. Conversations are told apart
 * across files by correlate_uid().
 *
 * Output order: a relay event is held until both conversations it joins
 * have concluded (and been reported), then handed on, so it follows them
 * (README "JSON schema": relay). The `ntlm-relay` indicator is given to each conversation that
 * concludes after the relay was seen, which is the usual case (the relay
 * is detected at the AUTHENTICATE, while both connections are open). A
 * conversation that concluded before (evicted from the flow table, or
 * ended before the relay's other leg was seen) keeps its row as reported;
 * the relay event still names it by address and port.
 *
 * Bounded: relay.h's fixed table (RELAY_TABLE_SIZE keys, 5-minute window),
 * CORRELATE_MAX_PENDING events held, CORRELATE_MAX_RELAYED conversation
 * ids remembered for the indicator. No I/O: events go to a callback. */
#ifndef SMBNEG_CORRELATE_H
#define SMBNEG_CORRELATE_H

#include "smbneg/conv.h"
#include "smbneg/facts.h"
#include "smbneg/indicators.h"
#include "smbneg/relay.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#define CORRELATE_MAX_PENDING 64  /* relay events waiting for their conversations */
#define CORRELATE_MAX_RELAYED 512 /* conversations known to be part of a relay (ring) */

/* A relay event as handed on: relay.h's event and what the target's
 * conversation showed of its server's signing setting. */
struct correlate_report {
	struct relay_event ev;
	enum signing target_signing; /* SIGNING_UNKNOWN until the target concluded */
	bool target_session_ok;	     /* the relayed Session Setup succeeded */
};

struct correlate_pending {
	bool used;
	bool victim_done, target_done; /* the conversation concluded */
	struct correlate_report r;
};

struct correlate {
	struct relay_table *relay; /* heap: about 1 MB */
	uint64_t file_no;	   /* inputs begun, for correlate_uid */
	struct correlate_pending pending[CORRELATE_MAX_PENDING];
	size_t npending; /* of them used: none, as in most captures, and nothing is scanned */
	uint64_t relayed[CORRELATE_MAX_RELAYED]; /* uids, a ring */
	size_t nrelayed, next_relayed; /* filled (up to the size), and the next to fill */
	uint64_t events; /* relay events handed on */
	void (*emit)(void *arg, const struct correlate_report *r);
	void *arg;
};

/* What one NTLMSSP message showed (MS-NLMP 2.2.1.2, 2.2.1.3). */
struct correlate_ntlm {
	uint32_t type;		   /* 2 CHALLENGE (server to client), 3 AUTHENTICATE */
	uint8_t challenge[8];	   /* CHALLENGE ServerChallenge */
	bool has_proof;		   /* AUTHENTICATE: an NTLMv2 response ... */
	uint8_t ntproofstr[16];	   /* ... and its NTProofStr */
	const char *user, *domain; /* AUTHENTICATE, UTF-8; NULL = none */
};

/* Set up k; emit(arg, ev) receives each relay event when it is due. False
 * when out of memory. */
bool correlate_init(struct correlate *k, void (*emit)(void *, const struct correlate_report *),
		    void *arg);
/* A new input begins (conversation ids restart in each). */
void correlate_begin_file(struct correlate *k);
/* A run-wide id for conversation c of the current input. */
uint64_t correlate_uid(const struct correlate *k, const struct conv *c);
/* One NTLMSSP message of conversation c (frame, capture time ts). Returns
 * true when it completes or adds to a relay. */
bool correlate_ntlm(struct correlate *k, const struct conv *c, uint64_t frame,
		    const struct timeval *ts, const struct correlate_ntlm *n);
/* Conversation c, with facts f, concludes: the indicators it gets from
 * relays seen so far (IND_NTLM_RELAY or 0). Call correlate_flush after
 * reporting it. */
indicator_mask correlate_concluded(struct correlate *k, const struct conv *c,
				   const struct facts *f);
/* Hand on the events whose conversations have both concluded (all of
 * them when `all`, at the end of the run). */
void correlate_flush(struct correlate *k, bool all);
/* A relay.h endpoint as a conversation endpoint (for fmt_endpoint). */
struct endpoint correlate_endpoint(const struct relay_endpoint *e);
/* Release k (pending events are dropped: flush first). */
void correlate_free(struct correlate *k);

#endif
