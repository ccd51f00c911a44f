/* relay: NTLM relay correlation across conversations (README "JSON
 * schema": relay, indicators).
 *
 * A relay shows as two conversations: victim -> relay host and relay host ->
 * target. The relay host is the server of the first and the client of the
 * second, and it carries one NTLM exchange across them, so:
 *   - challenge-forwarded: the target's CHALLENGE ServerChallenge reappears,
 *     unchanged, in the CHALLENGE the relay host sends the victim
 *     (target's usually first, by milliseconds);
 *   - ntproofstr-reused: the victim's AUTHENTICATE NTProofStr (the first 16
 *     bytes of the NTLMv2 response, MS-NLMP 3.3.2) reappears in the
 *     AUTHENTICATE the relay host sends the target (victim's usually first).
 * Either order of arrival is matched.
 *
 * Window: the table keeps the keys of the last RELAY_TABLE_SIZE observations
 * (a ring: the oldest is overwritten) and matches only observations at most
 * `window_us` apart (RELAY_WINDOW_US by default, 5 minutes: a relay forwards
 * within a second, NTLM exchanges time out long before). Memory is fixed
 * (sizeof(struct relay_table): 956,464 bytes on x86-64) whatever the capture
 * size; a lookup scans the ring (O(RELAY_TABLE_SIZE): about 2 microseconds,
 * test_relay's 100,000 observations take 0.2 s).
 *
 * Time order: the caller must feed observations in capture-time order across
 * all its inputs (several files are merged by timestamp first); entries
 * later than the newest observation by more than the window are not matched
 * either, so a file fed out of order loses matches rather than inventing them.
 *
 * Pure: no I/O, no allocation; the caller owns the table. */
#ifndef SMBNEG_RELAY_H
#define SMBNEG_RELAY_H

#include "smbneg/tok.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RELAY_TABLE_SIZE 4096
#define RELAY_MAX_PAIRS 256 /* recent victim/target pairs whose evidence accumulates */
#define RELAY_WINDOW_US (UINT64_C(300) * 1000000)
#define RELAY_NAME_MAX 64  /* bytes kept of user and domain (UTF-8, cut) */
#define RELAY_MAX_FRAMES 4 /* two CHALLENGE and two AUTHENTICATE frames */

/* family: 4 or 6 (0: unset); addr: IPv4 in the first 4 bytes; port host order. */
struct relay_endpoint {
	uint8_t family;
	uint8_t addr[16];
	uint16_t port;
};

/* Where one NTLM message was seen. */
struct relay_obs {
	uint64_t conv_id;	      /* the caller's conversation id (unique per run) */
	struct relay_endpoint client; /* the conversation's client (TCP initiator) */
	struct relay_endpoint server; /* and its server */
	uint64_t frame;		      /* frame number of the message */
	uint64_t ts_us;		      /* capture time, microseconds */
};

enum relay_evidence {
	RELAY_EV_NTPROOFSTR_REUSED = 1u << 0,
	RELAY_EV_CHALLENGE_FORWARDED = 1u << 1,
};
/* {bit, "ntproofstr-reused" | "challenge-forwarded"}, NULL-terminated. */
extern const struct tok relay_evidence_bits[];

struct relay_event {
	uint64_t victim_conv, target_conv;
	struct relay_endpoint victim;			   /* client of the victim conversation */
	struct relay_endpoint relay_server;		   /* relay host as the victim's server */
	struct relay_endpoint relay_client;		   /* relay host as the target's client */
	struct relay_endpoint target;			   /* server of the target conversation */
	char user[RELAY_NAME_MAX], domain[RELAY_NAME_MAX]; /* "" until an AUTHENTICATE names them */
	unsigned evidence;				   /* enum relay_evidence bits */
	uint64_t frames[RELAY_MAX_FRAMES];		   /* ascending, distinct */
	unsigned nframes;
	bool updated; /* this pair was reported before: this event supersedes that one */
};

enum relay_key_kind { RELAY_KEY_CHALLENGE, RELAY_KEY_NTPROOFSTR };

struct relay_entry {
	bool used;
	uint8_t kind;	 /* enum relay_key_kind */
	uint8_t key[16]; /* challenge: first 8 bytes, rest zero */
	struct relay_obs obs;
	char user[RELAY_NAME_MAX], domain[RELAY_NAME_MAX];
};

struct relay_pair {
	bool used;
	struct relay_event ev;
};

struct relay_table {
	struct relay_entry e[RELAY_TABLE_SIZE];
	size_t next; /* ring position of the next insert */
	struct relay_pair pairs[RELAY_MAX_PAIRS];
	size_t next_pair;
	uint64_t window_us;
	uint64_t now_us;		/* newest ts_us fed */
	uint64_t observed, overwritten; /* counters */
};

/* A new, empty table (NULL: out of memory); window_us 0 means
 * RELAY_WINDOW_US. Its pages are made as entries fill them: a -j worker,
 * whose replay correlates, never touches its own. */
struct relay_table *relay_new(uint64_t window_us);

/* A new input begins: its capture clock may be older than the last input's
 * (files given out of time order). Forgets the newest time seen, so the new
 * input's observations match each other and any kept entry within the window
 * of them; entries far from the new clock still never match. */
void relay_new_input(struct relay_table *t);

/* A CHALLENGE (server to client) of conversation o with its 8-byte
 * ServerChallenge. Returns true and fills *ev when it joins an earlier
 * CHALLENGE of another conversation into a relay (or adds evidence to a known
 * pair: ev->updated). */
bool relay_observe_challenge(struct relay_table *t, const struct relay_obs *o,
			     const uint8_t challenge[8], struct relay_event *ev);

/* An AUTHENTICATE (client to server) of conversation o. ntproofstr is NULL
 * for NTLMv1 or anonymous (no NTProofStr): then only a known pair's user and
 * domain are filled in. user/domain are UTF-8, NUL-terminated (cut to
 * RELAY_NAME_MAX - 1 bytes). Returns true and fills *ev as above. */
bool relay_observe_authenticate(struct relay_table *t, const struct relay_obs *o,
				const uint8_t ntproofstr[16], const char *user, const char *domain,
				struct relay_event *ev);

#endif
