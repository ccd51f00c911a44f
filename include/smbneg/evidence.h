/* evidence: the -w pcap writer. The first file is opened before anything is
 * read (and before -Z drops privileges); its link type comes with the first
 * frame written. It is flushed after each conversation and rotates as
 * tcpdump's -w does: -C SIZE (millions of bytes), -W COUNT (a ring of COUNT
 * files), -G SECS (a new file every SECS seconds, FILE through strftime(3)).
 *
 *   names: without -W: FILE, FILE1, FILE2, ...; with -W N: FILE0 .. FILE<N-1>
 *   (zero-padded to the width of N-1), then FILE0 again (overwritten).
 * Files after the first are created by the user smbneg runs as (after -Z). */
#ifndef SMBNEG_EVIDENCE_H
#define SMBNEG_EVIDENCE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define EVIDENCE_PATH_MAX 4096

struct evidence_writer {
	const char *path;	      /* as given to -w (a strftime pattern with -G) */
	uint64_t rotate_bytes;	      /* -C: 0 = never */
	long rotate_secs;	      /* -G: 0 = never */
	unsigned count;		      /* -W: 0 = no ring */
	FILE *fp;		      /* the open file (NULL after a failure) */
	char name[EVIDENCE_PATH_MAX]; /* its name */
	unsigned index;		      /* files opened - 1 */
	time_t opened_at;	      /* wall clock when it was opened */
	pcap_t *dead;
	pcap_dumper_t *dumper; /* NULL until the first frame (or the close) */
	int dlt;	       /* link type of the dumper, -1 none */
	bool failed;	       /* a write or an open failed (reported once) */
	uint64_t files;	       /* files written */
};

/* -C SIZE as tcpdump reads it: a number of millions of bytes, or with a
 * suffix k, m or g (KiB, MiB, GiB). False when it is not one (or is 0). */
bool evidence_parse_size(const char *s, uint64_t *bytes);
/* Open the first file now (truncating it). False with err on failure. */
bool evidence_open(struct evidence_writer *w, const char *path, uint64_t rotate_bytes,
		   long rotate_secs, unsigned count, char *err, size_t errsize);
/* Write one frame of link type dlt; false when dlt differs from the file's. */
bool evidence_write(struct evidence_writer *w, int dlt, const struct pcap_pkthdr *h,
		    const uint8_t *data);
/* After a conversation: flush, and rotate when the file reached -C SIZE. */
void evidence_flush(struct evidence_writer *w);
/* About every second: rotate when -G SECS have passed since the file opened. */
void evidence_tick(struct evidence_writer *w, time_t now);
/* Flush and close; an empty file gets the pcap header of dlt (if >= 0).
 * False when a write failed (err says so). */
bool evidence_close(struct evidence_writer *w, int dlt, char *err, size_t errsize);

#endif
