/* nbss: NetBIOS session service framing, a push parser per direction.
 *
 * RFC 1002 4.3.1: a 4-byte header (type, flags, 16-bit length; bit 0 of flags
 * extends the length to 17 bits) then the body. On TCP 445 (MS-SMB2 2.1,
 * "direct TCP") byte 0 is zero and the length is 24 bits. A message body is
 * handed on whole when it fits in the limit its sink's `keep` callback gives
 * (NBSS_KEEP_MAX without one, at most NBSS_KEEP_LARGE); of a longer one only
 * that prefix is kept and the rest is skipped by length. The buffer for a
 * message that spans deliveries grows with the bytes that arrive, taken from
 * the table budget (budget.h) when the direction has one. */
#ifndef SMBNEG_NBSS_H
#define SMBNEG_NBSS_H

#include "smbneg/budget.h"
#include "smbneg/rd.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NBSS_KEEP_MAX 8192    /* kept of a message when the sink says nothing */
#define NBSS_KEEP_LARGE 65536 /* the most a sink may ask to keep */
/* The sink is asked again once this many bytes of a body are known (enough
 * for the SMB2 Command and NextCommand fields, MS-SMB2 2.2.1). */
#define NBSS_KEEP_DECIDE 24
/* Kept of a partial message the budget takes back: an SMB2 header (MS-SMB2 2.2.1). */
#define NBSS_GIVE_UP_HEAD 64

enum nbss_state {
	NBSS_HEADER, /* collecting the 4 header bytes */
	NBSS_BODY,   /* inside a message */
	NBSS_RESYNC, /* lost: looking for a header followed by an SMB protocol id */
};

struct nbss_msg {
	uint8_t type;       /* NBSS_SESSION_MESSAGE ... */
	const uint8_t *p;   /* first `kept` bytes of the body */
	size_t kept;
	uint32_t length;    /* body length from the header */
	bool truncated;     /* bytes of the body were lost (gap) */
};

struct nbss_sink {
	void (*message)(void *arg, const struct nbss_msg *m);
	/* How many bytes of a message whose body starts with prefix to keep
	 * (prefix may be shorter than NBSS_KEEP_DECIDE: answer for the worst
	 * case). NULL: NBSS_KEEP_MAX. */
	size_t (*keep)(void *arg, const struct rd *prefix);
	void *arg;
};

struct nbss_dir {
	enum nbss_state state;
	bool netbios_139; /* 17-bit lengths (RFC 1002) rather than 24-bit */
	uint8_t hdr[8];   /* header bytes, or the resync window */
	unsigned hdr_have;
	uint8_t type;
	uint32_t length;  /* body length of the message in progress */
	uint32_t got;     /* body bytes seen or lost so far */
	bool truncated;
	bool frozen;      /* stop adding to buf (after a gap or at the cap) */
	uint8_t *buf;     /* kept prefix of a message that spans deliveries */
	size_t buf_len, buf_cap;
	struct budget *budget; /* NULL, or the table budget buf_cap is taken from */
	uint8_t head[NBSS_GIVE_UP_HEAD]; /* of a message whose buf was given up */
	uint8_t head_len;
	/* counters */
	uint64_t messages;
	uint32_t keepalives;
	uint32_t resyncs;    /* times the stream was found again after a loss */
	uint32_t bad_headers;
	uint64_t skipped_bytes; /* bytes passed over while resynchronising */
	uint32_t budget_refused; /* a message kept shorter: the budget had no room */
	uint32_t given_up;       /* partial messages given up for the budget */
};

/* Feed bytes in stream order. */
void nbss_feed(struct nbss_dir *d, const uint8_t *p, size_t n, const struct nbss_sink *sink);
/* n bytes of the stream were lost (0: an unknown amount). */
void nbss_gap(struct nbss_dir *d, uint64_t n, const struct nbss_sink *sink);
/* Will the next n stream bytes all be skipped unread (inside a message body,
 * past the part kept of it)? */
bool nbss_skips(const struct nbss_dir *d, size_t n);
/* End of stream: a message in progress is handed on as truncated. */
void nbss_finish(struct nbss_dir *d, const struct nbss_sink *sink);
/* Free the kept part of the message in progress (the table budget needs
 * it): the message is handed on truncated, with its first NBSS_GIVE_UP_HEAD
 * bytes, when its length has passed. False when nothing was held. */
bool nbss_give_up(struct nbss_dir *d);
void nbss_free(struct nbss_dir *d);
/* Does p (at least 8 bytes) look like an NBSS header followed by an SMB
 * protocol id (0xFF, 0xFE, 0xFD or 0xFC then "SMB")? */
bool nbss_looks_like_smb(const uint8_t *p, bool netbios_139);

#endif
