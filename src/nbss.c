/* nbss: NetBIOS session framing (see include/smbneg/nbss.h). */
#include "smbneg/nbss.h"

#include "smbneg/rd.h"
#include "smbneg/smb_const.h"

#include <stdlib.h>
#include <string.h>

/* The body length of the 4-byte header h. */
static uint32_t header_length(const uint8_t *h, bool netbios_139)
{
	struct rd r = rd_init(h, 4);
	rd_u8(&r); /* type */
	uint8_t flags = rd_u8(&r);
	uint32_t len16 = rd_be16(&r);
	if (netbios_139) /* RFC 1002 4.3.1: E bit extends the 16-bit length */
		return (uint32_t)(flags & 0x01) << 16 | len16;
	return (uint32_t)flags << 16 | len16;
}

static bool known_type(uint8_t t)
{
	return t == NBSS_SESSION_MESSAGE || (t >= NBSS_SESSION_REQUEST && t <= NBSS_KEEPALIVE);
}

bool nbss_looks_like_smb(const uint8_t *p, bool netbios_139)
{
	struct rd r = rd_init(p, 8);
	uint8_t type = rd_u8(&r);
	uint8_t flags = rd_u8(&r);
	if (type != NBSS_SESSION_MESSAGE || (netbios_139 && (flags & 0xfe) != 0))
		return false;
	rd_seek(&r, 4);
	size_t min = smb_proto_min_header(smb_sniff(&r));
	return min != 0 && header_length(p, netbios_139) >= min;
}

static void deliver(struct nbss_dir *d, const uint8_t *p, size_t kept, const struct nbss_sink *sink)
{
	struct nbss_msg m = {d->type, p, kept, d->length, d->truncated};
	d->messages++;
	if (d->type == NBSS_KEEPALIVE)
		d->keepalives++;
	sink->message(sink->arg, &m);
}

/* Hand on the message in progress with what is kept of it: the buffer, or
 * the head saved when the budget took the buffer back. */
static void deliver_kept(struct nbss_dir *d, const struct nbss_sink *sink)
{
	if (d->buf || d->head_len == 0)
		deliver(d, d->buf, d->buf_len, sink);
	else
		deliver(d, d->head, d->head_len, sink);
}

static void end_message(struct nbss_dir *d)
{
	d->head_len = 0;
	budget_give(d->budget, d->buf_cap);
	free(d->buf);
	d->buf = NULL;
	d->buf_len = 0;
	d->buf_cap = 0;
	d->state = NBSS_HEADER;
	d->hdr_have = 0;
	d->truncated = false;
	d->frozen = false;
	d->got = 0;
}

static void start_resync(struct nbss_dir *d)
{
	end_message(d);
	d->state = NBSS_RESYNC;
	d->hdr_have = 0;
}

/* A header is complete in d->hdr: start its body. */
static void begin_body(struct nbss_dir *d, const struct nbss_sink *sink)
{
	struct rd h = rd_init(d->hdr, 4);
	d->type = rd_u8(&h);
	uint8_t flags = rd_u8(&h);
	if (!known_type(d->type) || (d->netbios_139 && (flags & 0xfe) != 0) ||
	    (!d->netbios_139 && d->type != NBSS_SESSION_MESSAGE && d->type != NBSS_KEEPALIVE &&
	     flags != 0)) {
		d->bad_headers++;
		start_resync(d);
		return;
	}
	d->length = header_length(d->hdr, d->netbios_139);
	d->got = 0;
	d->state = NBSS_BODY;
	if (d->length == 0) {
		deliver(d, NULL, 0, sink);
		end_message(d);
	}
}

/* How much of a body that starts with the have bytes at b is kept: the
 * sink decides (the SMB layer knows which messages it reads whole). */
static size_t keep_limit(const struct nbss_sink *sink, const uint8_t *b, size_t have)
{
	if (!sink->keep)
		return NBSS_KEEP_MAX;
	struct rd prefix = rd_init(b, have);
	size_t limit = sink->keep(sink->arg, &prefix);
	return limit < NBSS_KEEP_LARGE ? limit : NBSS_KEEP_LARGE;
}

/* The cap on what is kept of the message in progress: the sink's limit,
 * decided on the first bytes of the body. *short_kept: the sink keeps at
 * most NBSS_KEEP_MAX of it (an ordinary message, not one read whole). */
static size_t keep_cap(const struct nbss_dir *d, const struct rd *in, size_t n,
		       const struct nbss_sink *sink, bool *short_kept)
{
	size_t limit = d->buf_len ? keep_limit(sink, d->buf, d->buf_len)
				  : keep_limit(sink, rd_peek(in, n), n);
	*short_kept = limit <= NBSS_KEEP_MAX;
	return d->length < limit ? d->length : limit;
}

/* Room for n more bytes in d->buf, never beyond cap; false without memory.
 * The buffer of a message read whole grows by doubling from 512 bytes with
 * what arrives; a short-kept one takes its cap at once (one allocation, not
 * a realloc per doubling, for each ordinary message split over segments). */
static bool grow_buf(struct nbss_dir *d, size_t n, size_t cap, bool at_once)
{
	if (d->buf_len + n <= d->buf_cap)
		return true;
	size_t want = d->buf_cap ? d->buf_cap * 2 : at_once ? cap : 512;
	if (want < d->buf_len + n)
		want = d->buf_len + n;
	if (want > cap)
		want = cap;
	if (!budget_take(d->budget, want - d->buf_cap, true)) {
		d->budget_refused++;
		d->truncated = true; /* bytes of it will not be kept */
		return false;
	}
	uint8_t *nb = realloc(d->buf, want);
	if (!nb) {
		budget_give(d->budget, want - d->buf_cap);
		return false;
	}
	d->buf = nb;
	d->buf_cap = want;
	return true;
}

/* Take n bytes from in, appending to the kept prefix up to the cap. The
 * buffer grows with what arrives (a sender that declares 16 MiB and sends
 * one byte costs little). A prefix shorter than NBSS_KEEP_DECIDE is first
 * completed, so the sink decides on the start of the body. */
static void keep_bytes(struct nbss_dir *d, struct rd *in, size_t n, const struct nbss_sink *sink)
{
	while (n > 0 && !d->frozen) {
		bool deciding = d->buf_len > 0 && d->buf_len < NBSS_KEEP_DECIDE &&
				d->length > NBSS_KEEP_DECIDE;
		bool short_kept = false;
		size_t cap = deciding ? NBSS_KEEP_DECIDE : keep_cap(d, in, n, sink, &short_kept);
		if (d->buf_len >= cap) {
			d->frozen = true;
			break;
		}
		size_t copy = n < cap - d->buf_len ? n : cap - d->buf_len;
		if (!grow_buf(d, copy, cap, short_kept)) {
			d->frozen = true;
			break;
		}
		rd_bytes(in, d->buf + d->buf_len, copy);
		d->buf_len += copy;
		n -= copy;
		if (!deciding && d->buf_len == cap)
			d->frozen = true;
	}
	rd_skip(in, n);
}

/* Consume body bytes from in. */
static void feed_body(struct nbss_dir *d, struct rd *in, const struct nbss_sink *sink)
{
	size_t want = d->length - d->got;
	size_t n = rd_left(in);
	size_t take = n < want ? n : want;
	if (d->got == 0 && take == want && !d->frozen) {
		/* Whole body in this delivery: no copy. */
		size_t limit = keep_limit(sink, rd_peek(in, take), take);
		const uint8_t *p = rd_take(in, take);
		d->got += (uint32_t)take;
		deliver(d, p, take < limit ? take : limit, sink);
		end_message(d);
		return;
	}
	if (!d->frozen)
		keep_bytes(d, in, take, sink);
	else
		rd_skip(in, take);
	d->got += (uint32_t)take;
	if (d->got == d->length) {
		deliver_kept(d, sink);
		end_message(d);
	}
}

/* Search a delivery for a plausible start when the window is empty;
 * true when found (in is then past its 4-byte NBSS header). */
static bool resync_search(struct nbss_dir *d, struct rd *in, const struct nbss_sink *sink)
{
	while (rd_left(in) >= 8) {
		if (nbss_looks_like_smb(rd_peek(in, 8), d->netbios_139)) {
			d->resyncs++;
			rd_bytes(in, d->hdr, 4);
			d->hdr_have = 4;
			begin_body(d, sink);
			return true;
		}
		rd_skip(in, 1);
		d->skipped_bytes++;
	}
	return false;
}

/* Slide the 8-byte window over the stream until it holds a plausible start. */
static void feed_resync(struct nbss_dir *d, struct rd *in, const struct nbss_sink *sink)
{
	if (d->hdr_have == 0 && resync_search(d, in, sink))
		return;
	while (rd_left(in) > 0) {
		d->hdr[d->hdr_have++] = rd_u8(in);
		if (d->hdr_have < 8)
			continue;
		if (nbss_looks_like_smb(d->hdr, d->netbios_139)) {
			struct rd body4 = rd_init(d->hdr + 4, 4);
			uint8_t copy[4];
			rd_bytes(&body4, copy, 4);
			d->resyncs++;
			d->hdr_have = 4;
			begin_body(d, sink);
			if (d->state == NBSS_BODY) {
				struct rd b = rd_init(copy, 4);
				feed_body(d, &b, sink);
			}
			return;
		}
		memmove(d->hdr, d->hdr + 1, 7);
		d->hdr_have = 7;
		d->skipped_bytes++;
	}
}

void nbss_feed(struct nbss_dir *d, const uint8_t *p, size_t n, const struct nbss_sink *sink)
{
	struct rd in = rd_init(p, n);
	while (rd_left(&in) > 0) {
		switch (d->state) {
		case NBSS_HEADER:
			if (d->hdr_have == 0 && rd_left(&in) >= 4) {
				rd_bytes(&in, d->hdr, 4);
				d->hdr_have = 4;
			} else {
				d->hdr[d->hdr_have++] = rd_u8(&in);
			}
			if (d->hdr_have == 4)
				begin_body(d, sink);
			break;
		case NBSS_BODY:
			feed_body(d, &in, sink);
			break;
		case NBSS_RESYNC:
		default:
			feed_resync(d, &in, sink);
			break;
		}
	}
}

bool nbss_skips(const struct nbss_dir *d, size_t n)
{
	return d->state == NBSS_BODY && d->frozen && (uint64_t)d->length - d->got >= n;
}

void nbss_gap(struct nbss_dir *d, uint64_t n, const struct nbss_sink *sink)
{
	if (d->state == NBSS_BODY && n > 0 && n <= d->length - d->got) {
		/* The loss falls inside this message: stay in step by length. */
		d->truncated = true;
		d->frozen = true;
		d->got += (uint32_t)n;
		if (d->got == d->length) {
			deliver_kept(d, sink);
			end_message(d);
		}
		return;
	}
	if (d->state == NBSS_BODY) {
		d->truncated = true;
		deliver_kept(d, sink);
	}
	start_resync(d);
}

void nbss_finish(struct nbss_dir *d, const struct nbss_sink *sink)
{
	if (d->state == NBSS_BODY) {
		d->truncated = true;
		deliver_kept(d, sink);
	}
	end_message(d);
}

bool nbss_give_up(struct nbss_dir *d)
{
	if (!d->buf)
		return false;
	/* the SMB header stays, so the message is still known for what it is */
	struct rd kept = rd_init(d->buf, d->buf_len);
	d->head_len = (uint8_t)(d->buf_len < sizeof d->head ? d->buf_len : sizeof d->head);
	rd_bytes(&kept, d->head, d->head_len);
	budget_give(d->budget, d->buf_cap);
	free(d->buf);
	d->buf = NULL;
	d->buf_len = 0;
	d->buf_cap = 0;
	d->truncated = true; /* handed on, empty, when its length has passed */
	d->frozen = true;
	d->given_up++;
	return true;
}

void nbss_free(struct nbss_dir *d)
{
	end_message(d);
}
