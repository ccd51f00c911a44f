/* evidence: the -w pcap writer with tcpdump's rotation (see include/smbneg/evidence.h). */
#include "smbneg/evidence.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* tcpdump's MakeFilename: strftime with -G, then the file number. */
static void make_name(const struct evidence_writer *w, unsigned n, time_t now, char *buf,
		      size_t size)
{
	char base[EVIDENCE_PATH_MAX - 16]; /* room for the number */
	struct tm tm;
	size_t len = 0;
	if (w->rotate_secs > 0 && localtime_r(&now, &tm)) {
		/* -G: the name is a strftime(3) pattern, as tcpdump's */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		len = strftime(base, sizeof base, w->path, &tm);
#pragma GCC diagnostic pop
	}
	if (len == 0)
		snprintf(base, sizeof base, "%s", w->path);
	if (w->count > 0) {
		int digits = snprintf(NULL, 0, "%u", w->count - 1);
		snprintf(buf, size, "%s%0*u", base, digits, n % w->count);
	} else if (n == 0 || w->rotate_secs > 0) {
		snprintf(buf, size, "%s", base);
	} else {
		snprintf(buf, size, "%s%u", base, n);
	}
}

bool evidence_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t unit = 1000000;
	if (errno || end == s || *s == '-' || v == 0)
		return false;
	switch (*end) {
	case '\0':
		break;
	case 'k':
	case 'K':
		unit = 1024;
		end++;
		break;
	case 'm':
	case 'M':
		unit = 1024 * 1024;
		end++;
		break;
	case 'g':
	case 'G':
		unit = 1024 * 1024 * 1024;
		end++;
		break;
	default:
		return false;
	}
	if (*end || v > UINT64_MAX / unit)
		return false;
	*bytes = v * unit;
	return true;
}

bool evidence_open(struct evidence_writer *w, const char *path, uint64_t rotate_bytes,
		   long rotate_secs, unsigned count, char *err, size_t errsize)
{
	memset(w, 0, sizeof *w);
	w->path = path;
	w->rotate_bytes = rotate_bytes;
	w->rotate_secs = rotate_secs;
	w->count = count;
	w->dlt = -1;
	w->opened_at = time(NULL);
	make_name(w, 0, w->opened_at, w->name, sizeof w->name);
	w->fp = fopen(w->name, "wb");
	if (!w->fp) {
		snprintf(err, errsize, "-w %s: %s", w->name, strerror(errno));
		return false;
	}
	return true;
}

static void fail(struct evidence_writer *w, const char *what)
{
	if (!w->failed)
		fprintf(stderr, "smbneg: -w %s: %s\n", w->name, what);
	w->failed = true;
}

/* Put the pcap header of dlt on the open file. */
static bool start_dumper(struct evidence_writer *w, int dlt)
{
	if (!w->fp)
		return false;
	if (!w->dead || w->dlt != dlt) {
		if (w->dead)
			pcap_close(w->dead);
		w->dead = pcap_open_dead(dlt, 262144);
		w->dlt = dlt;
	}
	w->dumper = w->dead ? pcap_dump_fopen(w->dead, w->fp) : NULL;
	if (!w->dumper) {
		fail(w, w->dead ? pcap_geterr(w->dead) : "out of memory");
		fclose(w->fp);
		w->fp = NULL;
		return false;
	}
	w->files++;
	return true;
}

/* Close the current file and open the next; on failure keep writing nothing. */
static void rotate(struct evidence_writer *w, time_t now)
{
	if (w->dumper) {
		pcap_dump_close(w->dumper); /* closes fp */
		w->dumper = NULL;
	} else if (w->fp) {
		fclose(w->fp);
	}
	w->fp = NULL;
	w->index++;
	w->opened_at = now;
	make_name(w, w->index, now, w->name, sizeof w->name);
	w->fp = fopen(w->name, "wb");
	if (!w->fp) {
		fail(w, strerror(errno));
		return;
	}
	if (w->dlt >= 0)
		start_dumper(w, w->dlt);
}

bool evidence_write(struct evidence_writer *w, int dlt, const struct pcap_pkthdr *h,
		    const uint8_t *data)
{
	if (w->dlt >= 0 && dlt != w->dlt)
		return false;
	if (!w->dumper && !start_dumper(w, dlt))
		return true; /* reported: nothing more is written */
	pcap_dump((u_char *)w->dumper, h, data);
	return true;
}

void evidence_flush(struct evidence_writer *w)
{
	if (!w->dumper)
		return;
	if (pcap_dump_flush(w->dumper) != 0)
		fail(w, "write error");
	long pos = pcap_dump_ftell(w->dumper);
	if (w->rotate_bytes && pos >= 0 && (uint64_t)pos >= w->rotate_bytes)
		rotate(w, time(NULL));
}

void evidence_tick(struct evidence_writer *w, time_t now)
{
	if (w->rotate_secs > 0 && now - w->opened_at >= w->rotate_secs && w->dumper)
		rotate(w, now);
}

bool evidence_close(struct evidence_writer *w, int dlt, char *err, size_t errsize)
{
	if (!w->dumper && w->fp && dlt >= 0)
		start_dumper(w, dlt); /* nothing written: an empty, valid file */
	if (w->dumper) {
		if (pcap_dump_flush(w->dumper) != 0)
			fail(w, "write error");
		pcap_dump_close(w->dumper);
	} else if (w->fp) {
		fclose(w->fp);
	}
	w->dumper = NULL;
	w->fp = NULL;
	if (w->dead)
		pcap_close(w->dead);
	w->dead = NULL;
	if (w->failed)
		snprintf(err, errsize, "-w: the evidence file could not be written");
	return !w->failed;
}
