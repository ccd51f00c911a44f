/* gen_capture: generator B of the benchmark capture, written apart from
 * make-big-capture.py so that a figure does not hang on one generator's quirks.
 * Same shape (N SMB2 conversations with bulk READs, interleaved), other choices:
 *
 *   - pcap with nanosecond time stamps (magic 0xa1b23c4d);
 *   - a quarter of the conversations over IPv6, a third behind an 802.1Q tag;
 *   - MSS per conversation from {536, 1460, 1448, 4096, 8960} (the last two as a
 *     capture with segmentation offload sees them);
 *   - READ requests go two per segment, and the server's READ responses are one
 *     byte stream cut at the MSS, so NBSS headers straddle segments;
 *   - the next frame comes from a pseudo-randomly chosen open conversation (xorshift,
 *     fixed seed), not in bursts; a client ACK every fourth segment; one
 *     conversation in ten ends with RST instead of FIN.
 *
 * usage: gen_capture [-n CONVERSATIONS] [-k READ_KIB] [-c CONCURRENCY] [-m MANIFEST]
 *                    OUT.pcap          (options first: POSIX getopt)
 * The manifest has one line per conversation: client server expected-verdict. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READS 4
#define HDR_MAX (14 + 4 + 40 + 20)
#define SEG_MAX 8960
#define RESP_FIXED (4 + 64 + 16) /* NBSS, SMB2 header, READ response up to Buffer */
#define REQ_LEN (4 + 64 + 49)    /* NBSS, SMB2 header, READ request */

enum phase { PH_SYN, PH_SYNACK, PH_ACK, PH_SETUP, PH_READREQ, PH_READRESP, PH_FIN1,
	     PH_FIN2, PH_LAST, PH_DONE };

struct gconv {
	unsigned idx, mss, vlan, dialect, read_bytes;
	bool v6, signed_, rst;
	uint8_t cli[16], srv[16];
	uint16_t cport;
	uint8_t cmode, smode;
	uint32_t cseq, sseq;
	enum phase ph;
	unsigned step;          /* message within PH_SETUP, pair within the reads */
	uint64_t off, segs;     /* position in the pair's response stream */
};

struct gen {
	FILE *f;
	uint64_t t_ns, rng;
	uint8_t buf[HDR_MAX + SEG_MAX];
};

static const uint16_t dialects[] = {0x0311, 0x0300, 0x0210, 0x0302, 0x0202};
static const unsigned mss_table[] = {536, 1460, 1448, 4096, 8960};

static uint64_t next_rand(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static void put16be(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32be(uint8_t *p, uint32_t v) { put16be(p, v >> 16); put16be(p + 2, v & 0xffff); }
static void put16le(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32le(uint8_t *p, uint32_t v) { put16le(p, v & 0xffff); put16le(p + 2, v >> 16); }

static void conv_init(struct gconv *c, unsigned i, unsigned read_kib)
{
	memset(c, 0, sizeof *c);
	c->idx = i;
	c->v6 = i % 4 == 3;
	c->vlan = i % 3 == 1 ? 100 + i % 7 : 0;
	c->mss = mss_table[i % 5];
	c->dialect = dialects[(i * 7) % 5];
	c->cmode = i % 5 == 0 ? 3 : 1;
	c->smode = i % 3 == 0 ? 3 : 1;
	c->signed_ = c->cmode == 3 || c->smode == 3 || i % 2 == 0;
	c->rst = i % 10 == 9;
	c->read_bytes = read_kib * 1024 / READS;
	c->cport = (uint16_t)(30000 + i % 30000);
	if (c->v6) {
		uint8_t cli[16] = {0xfd, 0, 0, 1, [13] = (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i};
		uint8_t srv[16] = {0xfd, 0, 0, 2, [14] = (uint8_t)(i % 40), 0x10};
		memcpy(c->cli, cli, 16);
		memcpy(c->srv, srv, 16);
	} else {
		uint8_t cli[4] = {172, (uint8_t)(20 + (i >> 16)), (uint8_t)(i >> 8), (uint8_t)i};
		uint8_t srv[4] = {172, 16, (uint8_t)(i % 40), 10};
		memcpy(c->cli, cli, 4);
		memcpy(c->srv, srv, 4);
	}
	c->cseq = 7000;
	c->sseq = 3000000000u;
}

/* Ethernet [+ 802.1Q] + IPv4/IPv6 + TCP in front of len payload bytes already at
 * g->buf + HDR_MAX; returns the frame's first byte and sets *flen. */
static uint8_t *headers(struct gen *g, const struct gconv *c, bool to_srv, uint8_t flags,
			size_t len, size_t *flen)
{
	size_t l3 = c->v6 ? 40 : 20, l2 = c->vlan ? 18 : 14;
	uint8_t *p = g->buf + HDR_MAX - 20 - l3 - l2, *ip = p + l2, *tcp = ip + l3;
	static const uint8_t macs[12] = {0x02, 0, 0, 0, 0, 0x0b, 0x02, 0, 0, 0, 0, 0x0a};
	memcpy(p, macs, 12);
	if (c->vlan) {
		put16be(p + 12, 0x8100);
		put16be(p + 14, c->vlan);
	}
	put16be(p + l2 - 2, c->v6 ? 0x86dd : 0x0800);
	const uint8_t *src = to_srv ? c->cli : c->srv, *dst = to_srv ? c->srv : c->cli;
	memset(ip, 0, l3);
	if (c->v6) {
		ip[0] = 0x60;
		put16be(ip + 4, (unsigned)(20 + len));
		ip[6] = 6;
		ip[7] = 64;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		ip[0] = 0x45;
		put16be(ip + 2, (unsigned)(40 + len));
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
	}
	memset(tcp, 0, 20);
	put16be(tcp, to_srv ? c->cport : 445);
	put16be(tcp + 2, to_srv ? 445 : c->cport);
	put32be(tcp + 4, to_srv ? c->cseq : c->sseq);
	put32be(tcp + 8, flags & 0x10 ? (to_srv ? c->sseq : c->cseq) : 0);
	tcp[12] = 5 << 4;
	tcp[13] = flags;
	put16be(tcp + 14, 502);
	*flen = l2 + l3 + 20 + len;
	return p;
}

static void emit(struct gen *g, struct gconv *c, bool to_srv, uint8_t flags, size_t len)
{
	size_t flen;
	uint8_t *p = headers(g, c, to_srv, flags, len, &flen);
	uint8_t rec[16];
	uint32_t sec = (uint32_t)(g->t_ns / 1000000000u), ns = (uint32_t)(g->t_ns % 1000000000u);
	memcpy(rec, &sec, 4); /* pcap record header in host order, like the file header */
	memcpy(rec + 4, &ns, 4);
	uint32_t l32 = (uint32_t)flen;
	memcpy(rec + 8, &l32, 4);
	memcpy(rec + 12, &l32, 4);
	fwrite(rec, 1, 16, g->f);
	fwrite(p, 1, flen, g->f);
	g->t_ns += 1000 + next_rand(g) % 9000;
	uint32_t *seq = to_srv ? &c->cseq : &c->sseq;
	*seq += (uint32_t)len + ((flags & 0x03) ? 1 : 0); /* SYN and FIN take one */
}

/* An SMB2 header (MS-SMB2 2.2.1.2) at p; returns the bytes written (64). */
static size_t smb2_hdr(uint8_t *p, unsigned cmd, bool resp, uint64_t mid, bool sig, uint32_t st)
{
	memset(p, 0, 64);
	memcpy(p, "\xfeSMB", 4);
	put16le(p + 4, 64);
	put16le(p + 6, 1);
	put32le(p + 8, st);
	put16le(p + 12, cmd);
	put16le(p + 14, 1);
	put32le(p + 16, (resp ? 1u : 0u) | (sig ? 8u : 0u));
	memcpy(p + 24, &mid, 8); /* little-endian hosts only; this is a test tool */
	put32le(p + 36, 1);
	if (cmd != 0)
		p[40] = 1; /* SessionId 1 after Negotiate */
	if (sig)
		memset(p + 48, 0x5a, 16);
	return 64;
}

/* Negotiate and Session Setup, one message per segment: step 0..5. */
static size_t setup_msg(const struct gconv *c, unsigned step, uint8_t *p, bool *to_srv)
{
	bool resp = step % 2 == 1, sig = c->signed_ && step >= 4;
	uint8_t *m = p + 4;
	size_t n;
	*to_srv = !resp;
	if (step < 2) {
		n = smb2_hdr(m, 0, resp, 0, false, 0);
		memset(m + n, 0, 66);
		if (!resp) { /* MS-SMB2 2.2.3: one dialect */
			put16le(m + n, 36);
			put16le(m + n + 2, 1);
			put16le(m + n + 4, c->cmode);
			put16le(m + n + 36, c->dialect);
			n += 38;
		} else { /* MS-SMB2 2.2.4 */
			put16le(m + n, 65);
			put16le(m + n + 2, c->smode);
			put16le(m + n + 4, c->dialect);
			memset(m + n + 8, 0x44, 16);
			put32le(m + n + 28, 1u << 23);
			n += 64;
		}
	} else {
		uint32_t st = resp && step == 3 ? 0xC0000016u : 0;
		n = smb2_hdr(m, 1, resp, step / 2, sig, st);
		memset(m + n, 0, 25);
		put16le(m + n, resp ? 9 : 25);
		n += resp ? 8 : 24;
	}
	put32be(p, (uint32_t)n);
	return n + 4;
}

/* Bytes [off, off+len) of the stream of two READ responses of pair `pair`. */
static void resp_bytes(const struct gconv *c, unsigned pair, uint64_t off, size_t len, uint8_t *out)
{
	uint64_t one = RESP_FIXED + c->read_bytes;
	memset(out, 0, len);
	for (unsigned k = 0; k < 2; k++) {
		uint8_t h[RESP_FIXED];
		put32be(h, (uint32_t)(one - 4));
		smb2_hdr(h + 4, 8, true, 10 + pair * 2 + k, c->signed_, 0);
		memset(h + 68, 0, 16);
		put16le(h + 68, 17);
		h[70] = 80;
		put32le(h + 72, c->read_bytes);
		uint64_t hs = k * one, he = hs + RESP_FIXED;
		for (uint64_t b = off > hs ? off : hs; b < he && b < off + len; b++)
			out[b - off] = h[b - hs];
	}
}

static void read_step(struct gen *g, struct gconv *c)
{
	uint8_t *pl = g->buf + HDR_MAX;
	if (c->ph == PH_READREQ) {
		for (unsigned k = 0; k < 2; k++) {
			uint8_t *m = pl + k * REQ_LEN;
			put32be(m, REQ_LEN - 4);
			smb2_hdr(m + 4, 8, false, 10 + c->step * 2 + k, c->signed_, 0);
			memset(m + 68, 0, 49);
			put16le(m + 68, 49);
			put32le(m + 72, c->read_bytes);
		}
		emit(g, c, true, 0x18, 2 * REQ_LEN);
		c->ph = PH_READRESP;
		c->off = 0;
		return;
	}
	uint64_t total = 2 * (RESP_FIXED + (uint64_t)c->read_bytes);
	if (c->segs % 4 == 3) { /* a pure ACK from the client */
		c->segs++;
		emit(g, c, true, 0x10, 0);
		return;
	}
	size_t len = total - c->off < c->mss ? (size_t)(total - c->off) : c->mss;
	resp_bytes(c, c->step, c->off, len, pl);
	c->off += len;
	c->segs++;
	emit(g, c, false, c->off == total ? 0x18 : 0x10, len);
	if (c->off == total) {
		c->step++;
		c->ph = c->step * 2 < READS ? PH_READREQ : PH_FIN1;
	}
}

/* Writes the conversation's next frame; false once it has none left. */
static bool conv_step(struct gen *g, struct gconv *c)
{
	bool to_srv;
	switch (c->ph) {
	case PH_SYN: emit(g, c, true, 0x02, 0); c->ph = PH_SYNACK; return true;
	case PH_SYNACK: emit(g, c, false, 0x12, 0); c->ph = PH_ACK; return true;
	case PH_ACK: emit(g, c, true, 0x10, 0); c->ph = PH_SETUP; return true;
	case PH_SETUP: {
		size_t n = setup_msg(c, c->step, g->buf + HDR_MAX, &to_srv);
		emit(g, c, to_srv, 0x18, n);
		if (++c->step == 6) {
			c->step = 0;
			c->ph = PH_READREQ;
		}
		return true;
	}
	case PH_READREQ:
	case PH_READRESP: read_step(g, c); return true;
	case PH_FIN1: emit(g, c, false, c->rst ? 0x14 : 0x11, 0);
		c->ph = c->rst ? PH_DONE : PH_FIN2; return true;
	case PH_FIN2: emit(g, c, true, 0x11, 0); c->ph = PH_LAST; return true;
	case PH_LAST: emit(g, c, false, 0x10, 0); c->ph = PH_DONE; return true;
	case PH_DONE: return false;
	}
	return false;
}

static void manifest_line(FILE *m, const struct gconv *c)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = c->v6 ? AF_INET6 : AF_INET;
	inet_ntop(af, c->cli, a, sizeof a);
	inet_ntop(af, c->srv, b, sizeof b);
	const char *l = c->v6 ? "[" : "", *r = c->v6 ? "]" : "";
	fprintf(m, "%s%s%s:%u %s%s%s:445 %s\n", l, a, r, c->cport, l, b, r,
		c->signed_ ? "signed" : "not-signed");
}

static int run(FILE *f, FILE *m, unsigned n, unsigned kib, unsigned conc)
{
	struct gen *g = calloc(1, sizeof *g);
	struct gconv *open_ = calloc(conc, sizeof *open_);
	if (!g || !open_)
		return 1;
	g->f = f;
	g->rng = 0x9e3779b97f4a7c15u;
	g->t_ns = 1700000000ull * 1000000000ull;
	uint32_t fh[6] = {0xa1b23c4d, 2 | 4u << 16, 0, 0, 262144, 1};
	fwrite(fh, 1, sizeof fh, f);
	unsigned next = 0, nopen = 0;
	for (;;) {
		while (nopen < conc && next < n) {
			conv_init(&open_[nopen], next++, kib);
			if (m)
				manifest_line(m, &open_[nopen]);
			nopen++;
		}
		if (!nopen)
			break;
		unsigned k = (unsigned)(next_rand(g) % nopen);
		if (!conv_step(g, &open_[k]))
			open_[k] = open_[--nopen];
	}
	free(open_);
	free(g);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 1500, kib = 192, conc = 200;
	const char *mpath = NULL;
	int o;
	while ((o = getopt(argc, argv, "n:k:c:m:")) != -1) {
		if (o == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (o == 'k')
			kib = strtoul(optarg, NULL, 10);
		else if (o == 'c')
			conc = strtoul(optarg, NULL, 10);
		else if (o == 'm')
			mpath = optarg;
		else
			return 2;
	}
	if (optind + 1 != argc || !conc || !kib || n > 0xffffff || kib > 1u << 20) {
		fprintf(stderr, "usage: gen_capture [-n CONV] [-k READ_KIB] [-c CONC] [-m MANIFEST] OUT.pcap\n");
		return 2;
	}
	FILE *f = fopen(argv[optind], "wb"), *m = mpath ? fopen(mpath, "w") : NULL;
	if (!f || (mpath && !m)) {
		perror("gen_capture");
		return 1;
	}
	static char big[1 << 20];
	setvbuf(f, big, _IOFBF, sizeof big);
	int rc = run(f, m, (unsigned)n, (unsigned)kib, (unsigned)conc);
	if (fclose(f) != 0 || (m && fclose(m) != 0))
		rc = 1;
	return rc;
}
