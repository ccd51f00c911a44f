/* tomb: connections the flow table concluded, remembered so that a later
 * segment of one is not taken for a new conversation starting mid-stream:
 * data after its FIN/RST (a server's Echo response that crossed the client's
 * RST) is late data of the connection it closed; a connection concluded by
 * --idle that sends again is that connection resumed. A new handshake (SYN)
 * starts a new conversation as always.
 *
 * Bound: a ring of TOMB_MAX entries (the oldest is forgotten first) with a
 * hash index, 40 bytes an entry and 4 a bucket: 176 KiB per flow table. */
#ifndef SMBNEG_TOMB_H
#define SMBNEG_TOMB_H

#include <stdbool.h>
#include <stdint.h>

#define TOMB_MAX 4096
/* After FIN/RST, segments are late data for 2 MSL (RFC 9293 3.4.2, 2 x 120 s);
 * past that, a segment without SYN is a new connection whose SYN was missed. */
#define TOMB_LATE_SECS 240

enum tomb_kind {
	TOMB_CLOSED, /* concluded by FIN from both sides or RST */
	TOMB_IDLE,   /* concluded by flow_table_expire (--idle); no time limit */
};

struct tomb {
	uint64_t key;	   /* the flow table's symmetric tuple key; 0 = free slot */
	uint64_t row;      /* conv.row of the concluded conversation (0: not reported) */
	int64_t concluded; /* capture time of the conclusion, seconds */
	uint32_t next;	   /* hash chain: ring index + 1 of the next entry; 0 ends it */
	uint32_t segments; /* later segments seen (saturates) */
	uint8_t kind;	   /* enum tomb_kind */
};

struct tomb_table {
	struct tomb *ring; /* TOMB_MAX entries */
	uint32_t *buckets; /* TOMB_MAX chains: ring index + 1 of the newest entry, 0 empty */
	uint32_t next;	   /* ring slot written next */
};

/* False when the memory cannot be had. */
bool tomb_init(struct tomb_table *t);
/* Remember the tuple key of a conversation reported as row, concluded at now (seconds). */
void tomb_add(struct tomb_table *t, uint64_t key, uint64_t row, enum tomb_kind kind,
	      int64_t now);
/* The newest entry for key still in force at now, or NULL. */
struct tomb *tomb_find(struct tomb_table *t, uint64_t key, int64_t now);
void tomb_free(struct tomb_table *t);

#endif
