/* capture: libpcap reading loop (see include/smbneg/capture.h). */
#include "smbneg/capture.h"

#include "smbneg/decode.h"
#include "smbneg/decompress.h"
#include "smbneg/sniff.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static bool set_filter(pcap_t *p, const char *filter, char *err, size_t errsize)
{
	struct bpf_program prog;
	if (!filter || !*filter)
		return true;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errsize, "bad filter expression: %s", pcap_geterr(p));
		return false;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errsize, "cannot set filter: %s", pcap_geterr(p));
		return false;
	}
	return true;
}

/* One frame from libpcap through decode into the table. */
static void one_frame(struct flow_table *t, int dlt, const struct pcap_pkthdr *h,
		      const u_char *data)
{
	t->stats.frames++;
	/* data is invalid after the next pcap_next_ex: f lives for this call only */
	struct frame_ctx f = {t->stats.frames, h->ts, h->caplen, h->len, data, dlt};
	t->now = f;
	t->now.raw = NULL;
	struct tcp_seg seg;
	bool snapped = h->caplen < h->len; /* cut by the snaplen */
	if (snapped)
		t->stats.truncated++;
	switch (decode_frame(dlt, data, h->caplen, &seg)) {
	case DECODE_TCP:
		if (!snapped && seg.caplen < seg.seglen) {
			/* Captured whole, yet the IP length claims more: the header
			 * lies. Count it, and take the bytes that are there. */
			t->stats.malformed++;
			seg.seglen = seg.caplen;
		}
		flow_table_segment(t, &seg, &f);
		break;
	case DECODE_FRAGMENT:
		t->stats.fragments++;
		break;
	case DECODE_TRUNCATED:
		if (!snapped)
			t->stats.truncated++;
		break;
	case DECODE_MALFORMED:
		t->stats.malformed++;
		break;
	case DECODE_NOT_TCP:
	case DECODE_BAD_LINK:
	default:
		t->stats.not_tcp++;
		break;
	}
}

static bool check_link(pcap_t *p, struct flow_table *t, char *err, size_t errsize)
{
	int dlt = pcap_datalink(p);
	t->dlt = dlt;
	if (!decode_link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errsize,
			 "unsupported link type %d (%s); smbneg reads Ethernet, Linux "
			 "cooked (SLL, SLL2), raw IP and BSD loopback",
			 dlt, name ? name : "unknown");
		return false;
	}
	return true;
}

#define PROGRESS_EVERY_FRAMES 8192
#define CAPTURE_FILE_BUFFER (128 * 1024)
#define PROGRESS_INTERVAL_MS 500

static uint64_t now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
}

static enum capture_result run(pcap_t *p, struct decompress *dc, const char *filter,
			       const struct capture_progress *progress, struct flow_table *t,
			       char *err, size_t errsize)
{
	int dlt = pcap_datalink(p);
	if (!check_link(p, t, err, errsize) || !set_filter(p, filter, err, errsize))
		return CAPTURE_OPEN_FAILED;
	/* progress in input bytes: compressed bytes for a compressed file */
	uint64_t total = decompress_size_in(dc), start = now_ms(), last = start;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	uint64_t n = 0;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		one_frame(t, dlt, h, data);
		if (progress && ++n % PROGRESS_EVERY_FRAMES == 0 &&
		    now_ms() - last >= PROGRESS_INTERVAL_MS) {
			last = now_ms();
			progress->report(progress->arg, decompress_bytes_in(dc), total,
					 last - start);
		}
	}
	if (rc == PCAP_ERROR)
		decompress_drain(dc); /* content that makes no sense: a bad checksum? */
	if (decompress_failed(dc, err, errsize))
		return CAPTURE_READ_FAILED; /* corrupt or cut-short compressed data */
	if (rc == PCAP_ERROR) {
		snprintf(err, errsize, "read error after frame %llu (byte offset %llu): %s",
			 (unsigned long long)t->stats.frames,
			 (unsigned long long)decompress_bytes_in(dc), pcap_geterr(p));
		return CAPTURE_READ_FAILED;
	}
	return CAPTURE_OK;
}

/* Open what dc yields with libpcap and read it; a format libpcap does not read
 * is named with the command that converts it. */
static enum capture_result read_input(struct decompress *dc, const char *path, const char *filter,
				      const struct capture_progress *progress,
				      struct flow_table *t, char *err, size_t errsize)
{
	size_t n;
	const uint8_t *head = decompress_head(dc, &n);
	FILE *fp = decompress_stream(dc);
	enum capture_result r = CAPTURE_OPEN_FAILED;
	/* Not read yet. libpcap freads each record header and body: with
	 * stdio's default 4 KiB buffer that is a read(2) per few frames (glibc
	 * takes a size only with a buffer). */
	char *buf = malloc(CAPTURE_FILE_BUFFER);
	if (buf)
		setvbuf(fp, buf, _IOFBF, CAPTURE_FILE_BUFFER);
	if (decompress_failed(dc, err, errsize) ||
	    sniff_explain(sniff_format(head, n), path, head, n, err, errsize)) {
		fclose(fp);
		goto done;
	}
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!p) {
		if (!decompress_failed(dc, err, errsize))
			snprintf(err, errsize, "not a readable pcap or pcapng capture: %s", perr);
		fclose(fp);
		goto done;
	}
	r = run(p, dc, filter, progress, t, err, errsize);
	pcap_close(p); /* closes fp */
done:
	free(buf); /* after the stream that used it */
	return r;
}

/* fp: plain, gzip or zstd (decompress.h); path names it in conversion commands. */
static enum capture_result capture_fp(FILE *fp, const char *path, const char *filter,
				      const struct capture_progress *progress,
				      struct flow_table *t, char *err, size_t errsize)
{
	struct decompress *dc = decompress_open(fp, err, errsize);
	if (!dc)
		return CAPTURE_OPEN_FAILED;
	enum capture_result r = read_input(dc, path, filter, progress, t, err, errsize);
	decompress_free(dc);
	return r;
}

enum capture_result capture_stream(FILE *fp, const char *filter,
				   const struct capture_progress *progress, struct flow_table *t,
				   char *err, size_t errsize)
{
	return capture_fp(fp, "-", filter, progress, t, err, errsize);
}

enum capture_result capture_file(const char *path, const char *filter,
				 const struct capture_progress *progress, struct flow_table *t,
				 char *err, size_t errsize)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		snprintf(err, errsize, "cannot open: %s", strerror(errno));
		return CAPTURE_OPEN_FAILED;
	}

	return capture_fp(fp, path, filter, progress, t, err, errsize);
}

#define LIVE_POLL_MS 100   /* poll timeout: signals, -G, the idle sweep */
#define LIVE_BLOCK_MS 100  /* TPACKET_V3 block timeout: the most an event waits */
#define LIVE_BUFFER_KIB (64 * 1024)
#define LIVE_BATCH 4096    /* frames per pcap_dispatch; -1 would be all ready blocks */

/* -Z: give up root once the capture is open (tcpdump's -Z). */
static bool drop_privileges(const char *user, char *err, size_t errsize)
{
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errsize, "-Z %s: no such user", user);
		return false;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		snprintf(err, errsize, "-Z %s: cannot change to that user: %s", user,
			 strerror(errno));
		return false;
	}
	return true;
}

/* About every second: idle conversations concluded, a SIGHUP passed on, the
 * tick hook called with libpcap's counters. */
static void tick(struct capture_live *l, pcap_t *p, struct flow_table *t)
{
	struct capture_counters c = {false, 0, 0, 0};
	struct pcap_stat ps;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	flow_table_expire(t, &tv, l->idle_secs);
	if (l->hup && *l->hup && l->on_hup) {
		*l->hup = 0;
		l->on_hup(l->hup_arg);
	}
	if (!l->on_tick)
		return;
	if (pcap_stats(p, &ps) == 0) {
		c.valid = true;
		c.received = ps.ps_recv;
		c.dropped = ps.ps_drop;
		c.ifdropped = ps.ps_ifdrop;
	}
	l->on_tick(l->tick_arg, t, &c);
}

static void on_live_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct flow_table *t = (struct flow_table *)user;
	one_frame(t, t->dlt, h, data);
}

/* Drops counted by the kernel so far (pcap_stats), to notice new ones. */
struct live_drops {
	unsigned dropped, ifdropped;
};

/* Frames were lost since the last look: every conversation open now may
 * have lost some of them (capture-drops). */
static void note_drops(pcap_t *p, struct flow_table *t, struct live_drops *d)
{
	struct pcap_stat ps;
	if (pcap_stats(p, &ps) != 0)
		return;
	if (ps.ps_drop != d->dropped || ps.ps_ifdrop != d->ifdropped)
		flow_table_mark_open(t, ANOM_BIT(ANOM_CAPTURE_DROPS));
	d->dropped = ps.ps_drop;
	d->ifdropped = ps.ps_ifdrop;
}

static uint64_t since_ms(uint64_t start)
{
	return now_ms() - start;
}

/* Open, configure and filter the interface, then drop privileges (-Z);
 * NULL (err filled) when one step failed. */
static pcap_t *open_live(const struct capture_live *l, struct flow_table *t, char *err,
			 size_t errsize)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	char filter[4096];
	pcap_t *p = pcap_create(l->iface, perr);
	if (!p) {
		snprintf(err, errsize, "%s", perr);
		return NULL;
	}
	/* Block mode (TPACKET_V3 on Linux): the kernel hands over a block of
	 * frames when it is full or LIVE_BLOCK_MS after its first frame, rather
	 * than waking the loop per frame as immediate mode does; events appear
	 * at most that much later. A large ring absorbs bursts (-B). */
	pcap_set_snaplen(p, 262144);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 0);
	pcap_set_timeout(p, LIVE_BLOCK_MS);
	long kib = l->buffer_kib > 0 ? l->buffer_kib : LIVE_BUFFER_KIB;
	pcap_set_buffer_size(p, (int)(kib < INT_MAX / 1024 ? kib * 1024 : INT_MAX));
	int rc = pcap_activate(p);
	if (rc < 0) {
		snprintf(err, errsize, "%s: %s", l->iface, pcap_geterr(p));
		goto fail;
	}
	if (l->filter && *l->filter)
		snprintf(filter, sizeof filter, "(%s) and (%s)", CAPTURE_LIVE_FILTER, l->filter);
	else
		snprintf(filter, sizeof filter, "%s", CAPTURE_LIVE_FILTER);
	if (!check_link(p, t, err, errsize) || !set_filter(p, filter, err, errsize))
		goto fail;
	if (l->drop_user && !drop_privileges(l->drop_user, err, errsize))
		goto fail;
	return p;
fail:
	pcap_close(p);
	return NULL;
}

enum capture_result capture_live(struct capture_live *l, struct flow_table *t, char *err,
				 size_t errsize)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	enum capture_result r = CAPTURE_OK;
	pcap_t *p = open_live(l, t, err, errsize);
	if (!p)
		return CAPTURE_OPEN_FAILED;
	uint64_t start = now_ms(), last_sweep = start;
	/* Non-blocking reads after poll(): in immediate mode libpcap may block
	 * in pcap_next_ex regardless of its timeout, and the loop must notice
	 * signals, the duration and idle conversations. */
	int fd = pcap_get_selectable_fd(p);
	if (fd < 0 || pcap_setnonblock(p, 1, perr) != 0) {
		snprintf(err, errsize, "%s: cannot poll this capture device", l->iface);
		r = CAPTURE_OPEN_FAILED;
		goto fail;
	}
	struct live_drops drops = {0, 0};
	while (!*l->stop && !(l->done && l->done(l->done_arg))) {
		struct pollfd pfd = {fd, POLLIN, 0};
		int ready = poll(&pfd, 1, LIVE_POLL_MS);
		if (ready < 0 && errno != EINTR) {
			snprintf(err, errsize, "%s: poll: %s", l->iface, strerror(errno));
			r = CAPTURE_READ_FAILED;
			break;
		}
		/* Whatever blocks are ready, a bounded batch at a time (block
		 * timeouts make ready blocks without a poll wake-up too). */
		int rc = pcap_dispatch(p, LIVE_BATCH, on_live_frame, (u_char *)t);
		if (rc < 0) {
			snprintf(err, errsize, "%s: %s", l->iface, pcap_geterr(p));
			r = CAPTURE_READ_FAILED;
			break;
		}
		note_drops(p, t, &drops);
		if (l->duration_secs > 0 && since_ms(start) >= (uint64_t)l->duration_secs * 1000)
			break;
		if (since_ms(last_sweep) >= 1000) {
			last_sweep = now_ms();
			tick(l, p, t);
		}
	}
	struct pcap_stat ps;
	if (pcap_stats(p, &ps) == 0) {
		l->stats_valid = true;
		l->received = ps.ps_recv;
		l->dropped = ps.ps_drop;
		l->ifdropped = ps.ps_ifdrop;
	}
fail:
	pcap_close(p);
	return r;
}

bool capture_list_interfaces(FILE *f, char *err, size_t errsize)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_if_t *all;
	if (pcap_findalldevs(&all, perr) != 0) {
		snprintf(err, errsize, "%s", perr);
		return false;
	}
	int i = 1;
	for (pcap_if_t *d = all; d; d = d->next, i++)
		fprintf(f, "%d.%s%s%s%s\n", i, d->name, d->description ? " (" : "",
			d->description ? d->description : "", d->description ? ")" : "");
	pcap_freealldevs(all);
	return true;
}
