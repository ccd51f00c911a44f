/* capture: reads frames with libpcap (a saved file, stdin or a live
 * interface) and hands each decoded TCP segment, with its frame context, to
 * the flow table. */
#ifndef SMBNEG_CAPTURE_H
#define SMBNEG_CAPTURE_H

#include "smbneg/flow.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#define CAPTURE_LIVE_FILTER "tcp port 445 or tcp port 139"

enum capture_result {
	CAPTURE_OK,
	CAPTURE_OPEN_FAILED, /* nothing was read */
	CAPTURE_READ_FAILED, /* read up to a point, then failed (truncated, corrupt) */
};

/* Called about twice a second while a file is read: bytes done of total
 * (total 0 when unknown, as for a pipe), milliseconds since reading began. */
struct capture_progress {
	void (*report)(void *arg, uint64_t done, uint64_t total, uint64_t elapsed_ms);
	void *arg;
};

/* Read every frame of path ("-" = stdin) into t. filter: a BPF expression or
 * NULL; progress: NULL or a reporter. On failure err holds a message naming
 * the reason and, for a read failure, the byte offset reached. */
enum capture_result capture_file(const char *path, const char *filter,
				 const struct capture_progress *progress, struct flow_table *t,
				 char *err, size_t errsize);
/* As capture_file, from an already open stream (tests, fuzzing: fmemopen). */
enum capture_result capture_stream(FILE *fp, const char *filter,
				   const struct capture_progress *progress, struct flow_table *t,
				   char *err, size_t errsize);

/* libpcap's counters (pcap_stats), cumulative since the capture opened. */
struct capture_counters {
	bool valid;
	uint64_t received, dropped, ifdropped;
};

struct capture_live {
	const char *iface;
	const char *filter;       /* the user's expression, ANDed with CAPTURE_LIVE_FILTER */
	long duration_secs;       /* stop after this long; 0 = no limit */
	long idle_secs;           /* conclude conversations idle this long */
	const char *drop_user;    /* -Z: become this user once the capture is open */
	long buffer_kib;          /* -B: kernel ring size in KiB; 0 = 64 MiB */
	volatile sig_atomic_t *stop;      /* set by SIGINT/SIGTERM */
	bool (*done)(void *arg);  /* true: enough has been seen (-c) */
	void *done_arg;
	/* Hooks run by the loop about every second, between packets (optional):
	 * on_hup once *hup was set (SIGHUP; the loop clears it), on_tick. */
	volatile sig_atomic_t *hup;
	void (*on_hup)(void *arg);
	void *hup_arg;
	void (*on_tick)(void *arg, struct flow_table *t, const struct capture_counters *c);
	void *tick_arg;
	/* filled at the end (pcap_stats) */
	bool stats_valid;
	unsigned received, dropped, ifdropped;
};

/* Capture live until stopped; concluded conversations are reported as they end. */
enum capture_result capture_live(struct capture_live *l, struct flow_table *t, char *err,
				 size_t errsize);
/* -D: list the capture interfaces, numbered, as tcpdump does. */
bool capture_list_interfaces(FILE *f, char *err, size_t errsize);

#endif
