/* nbss: NetBIOS session framing (see include/smbneg/nbss.h). */
#include "smbneg/nbss.h"

#include "smbneg/rd.h"
#include "smbneg/smb_const.h"

#include <stdlib.h>
#include <string.h>

static uint32_t header_length(const uint8_t *h, bool netbios_139)
{
	if (netbios_139) /* RFC 1002 4.3.1: E bit extends the 16-bit length */
		return (uint32_t)(h[1] & 0x01) << 16 | (uint32_t)h[2] << 8 | h[3];
	return (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

static bool known_type(uint8_t t)
{
	return t == NBSS_SESSION_MESSAGE || (t >= NBSS_SESSION_REQUEST && t <= NBSS_KEEPALIVE);
}

bool nbss_looks_like_smb(const uint8_t *p, bool netbios_139)
{
	if (p[0] != NBSS_SESSION_MESSAGE || p[5] != 'S' || p[6] != 'M' || p[7] != 'B')
		return false;
	if (netbios_139 && (p[1] & 0xfe) != 0)
		return false;
	uint32_t len = header_length(p, netbios_139);
	switch (p[4]) {
	case 0xff: return len >= SMB1_HEADER_SIZE;
	case 0xfe: return len >= SMB2_HEADER_SIZE;
	case 0xfd: return len >= 52; /* MS-SMB2 2.2.41 transform header */
	case 0xfc: return len >= 16; /* MS-SMB2 2.2.42 compression header */
	default: return false;
	}
}

static void deliver(struct nbss_dir *d, const uint8_t *p, size_t kept, const struct nbss_sink *sink)
{
	struct nbss_msg m = {d->type, p, kept, d->length, d->truncated};
	d->messages++;
	if (d->type == NBSS_KEEPALIVE)
		d->keepalives++;
	sink->message(sink->arg, &m);
}

static void end_message(struct nbss_dir *d)
{
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
	d->type = d->hdr[0];
	if (!known_type(d->type) || (d->netbios_139 && (d->hdr[1] & 0xfe) != 0) ||
	    (!d->netbios_139 && d->type != NBSS_SESSION_MESSAGE && d->type != NBSS_KEEPALIVE &&
	     d->hdr[1] != 0)) {
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

/* How much of a body that starts with b (have bytes known) is kept. */
static size_t keep_limit(const uint8_t *b, size_t have)
{
	if (have < 14)
		return NBSS_KEEP_NEGOTIATE; /* not known yet: decided when more arrives */
	if (b[0] == 0xff && b[1] == 'S' && b[2] == 'M' && b[3] == 'B' && b[4] == SMB1_CMD_NEGOTIATE)
		return NBSS_KEEP_NEGOTIATE;
	if (b[0] == 0xfe && b[1] == 'S' && b[2] == 'M' && b[3] == 'B' && b[12] == 0 && b[13] == 0)
		return NBSS_KEEP_NEGOTIATE;
	return NBSS_KEEP_MAX;
}

/* Append up to n bytes to the kept prefix, growing the buffer with what
 * arrives (a sender that declares 16 MiB and sends one byte costs little). */
static void keep_bytes(struct nbss_dir *d, const uint8_t *p, size_t n)
{
	size_t limit = d->buf_len >= 14 ? keep_limit(d->buf, d->buf_len) : keep_limit(p, n);
	size_t cap = d->length < limit ? d->length : limit;
	if (d->buf_len >= cap) {
		d->frozen = true;
		return;
	}
	size_t copy = n < cap - d->buf_len ? n : cap - d->buf_len;
	if (d->buf_len + copy > d->buf_cap) {
		size_t want = d->buf_cap ? d->buf_cap * 2 : 512;
		if (want < d->buf_len + copy)
			want = d->buf_len + copy;
		if (want > cap)
			want = cap;
		uint8_t *nb = realloc(d->buf, want);
		if (!nb) {
			d->frozen = true;
			return;
		}
		d->buf = nb;
		d->buf_cap = want;
	}
	memcpy(d->buf + d->buf_len, p, copy);
	d->buf_len += copy;
	if (d->buf_len == cap)
		d->frozen = true;
}

/* Consume body bytes; returns how many were used. */
static size_t feed_body(struct nbss_dir *d, const uint8_t *p, size_t n, const struct nbss_sink *sink)
{
	size_t want = d->length - d->got;
	size_t take = n < want ? n : want;
	if (d->got == 0 && take == want && !d->frozen) {
		/* Whole body in this delivery: no copy. */
		size_t limit = keep_limit(p, take);
		d->got += (uint32_t)take;
		deliver(d, p, take < limit ? take : limit, sink);
		end_message(d);
		return take;
	}
	if (!d->frozen)
		keep_bytes(d, p, take);
	d->got += (uint32_t)take;
	if (d->got == d->length) {
		deliver(d, d->buf, d->buf_len, sink);
		end_message(d);
	}
	return take;
}

/* Slide the 8-byte window over the stream until it holds a plausible start. */
static size_t feed_resync(struct nbss_dir *d, const uint8_t *p, size_t n, const struct nbss_sink *sink)
{
	size_t used = 0;
	/* Fast path: search the delivery itself when the window is empty. */
	if (d->hdr_have == 0) {
		size_t i = 0;
		for (; n >= 8 && i <= n - 8; i++) {
			if (nbss_looks_like_smb(p + i, d->netbios_139)) {
				d->skipped_bytes += i;
				d->resyncs++;
				memcpy(d->hdr, p + i, 4);
				d->hdr_have = 4;
				begin_body(d, sink);
				return i + 4;
			}
		}
		d->skipped_bytes += i;
		used = i;
	}
	while (used < n) {
		d->hdr[d->hdr_have++] = p[used++];
		if (d->hdr_have < 8)
			continue;
		if (nbss_looks_like_smb(d->hdr, d->netbios_139)) {
			uint8_t body4[4];
			memcpy(body4, d->hdr + 4, 4);
			d->resyncs++;
			d->hdr_have = 4;
			begin_body(d, sink);
			if (d->state == NBSS_BODY)
				feed_body(d, body4, 4, sink);
			return used;
		}
		memmove(d->hdr, d->hdr + 1, 7);
		d->hdr_have = 7;
		d->skipped_bytes++;
	}
	return used;
}

void nbss_feed(struct nbss_dir *d, const uint8_t *p, size_t n, const struct nbss_sink *sink)
{
	while (n > 0) {
		size_t used;
		switch (d->state) {
		case NBSS_HEADER:
			if (d->hdr_have == 0 && n >= 4) {
				memcpy(d->hdr, p, 4);
				used = 4;
			} else {
				used = 1;
				d->hdr[d->hdr_have] = p[0];
			}
			d->hdr_have += (unsigned)used;
			if (d->hdr_have == 4)
				begin_body(d, sink);
			break;
		case NBSS_BODY:
			used = feed_body(d, p, n, sink);
			break;
		case NBSS_RESYNC:
		default:
			used = feed_resync(d, p, n, sink);
			break;
		}
		p += used;
		n -= used;
	}
}

void nbss_gap(struct nbss_dir *d, uint64_t n, const struct nbss_sink *sink)
{
	if (d->state == NBSS_BODY && n > 0 && n <= d->length - d->got) {
		/* The loss falls inside this message: stay in step by length. */
		d->truncated = true;
		d->frozen = true;
		d->got += (uint32_t)n;
		if (d->got == d->length) {
			deliver(d, d->buf, d->buf_len, sink);
			end_message(d);
		}
		return;
	}
	if (d->state == NBSS_BODY) {
		d->truncated = true;
		deliver(d, d->buf, d->buf_len, sink);
	}
	start_resync(d);
}

void nbss_finish(struct nbss_dir *d, const struct nbss_sink *sink)
{
	if (d->state == NBSS_BODY) {
		d->truncated = true;
		deliver(d, d->buf, d->buf_len, sink);
	}
	end_message(d);
}

void nbss_free(struct nbss_dir *d)
{
	end_message(d);
}
