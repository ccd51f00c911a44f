/* baseline: the regression baseline of a folder of captures (README
 * "Regression checks in CI"). Per capture file and per conversation it keeps the facts that matter
 * (verdict, cause, dialect, each side's signing, protection, anomalies; never
 * free text), writes and reads them as JSON lines (format in
 * README, "Regression checks in CI"), and compares a run with a stored baseline.
 *
 * A pure module: the caller fills the plain records below from its own
 * results; nothing here knows about packets, conversations or verdict enums.
 * Strings are UTF-8 (invalid bytes become U+FFFD when set); "" means null. */
#ifndef SMBNEG_BASELINE_H
#define SMBNEG_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BASELINE_FORMAT "smbneg-baseline"
#define BASELINE_VERSION 1

#define BL_PATH_SIZE 1024      /* a file's path, relative to the folder given */
#define BL_ENDPOINT_SIZE 64    /* "IP:PORT", IPv6 as "[addr]:port" */
#define BL_ANOMALIES_SIZE 1024 /* sorted, comma-separated anomaly names */
#define BL_LINE_MAX 16384      /* longest line the loader accepts */
#define BL_MAX_RECORDS 100000  /* default cap on conversations (and on files) */

/* One capture file given to the run. */
struct baseline_file {
	char path[BL_PATH_SIZE]; /* relative to the folder given (baseline_relpath) */
	bool readable;		 /* false: the file could not be read (fully) */
	uint32_t conversations;	 /* records of this file (kept by baseline_add_rec) */
	char fail_on[64];	 /* not stored: a file-level --fail-on hit
				    (e.g. "no-conversations"), "" none */
	char error[256];	 /* not stored: why it could not be read, "" */
};

/* One conversation: facts only. */
struct baseline_rec {
	size_t file;		       /* index into baseline.files */
	uint32_t ordinal;	       /* position in its file, from 1 (tie-breaker) */
	uint32_t n;		       /* set by baseline_finish: 1 + the earlier
					  records of the same file, client and server */
	char client[BL_ENDPOINT_SIZE]; /* "IP:PORT" */
	char server[BL_ENDPOINT_SIZE];
	char verdict[32];
	char cause[48];
	char dialect[48]; /* SMB1 names run to 27 ("Windows for Workgroups 3.1a") */
	char client_signing[12];
	char server_signing[12];
	char protection[12];
	char anomalies[BL_ANOMALIES_SIZE]; /* "a,b,c" sorted, no duplicates; "" none */
	char fail_on[64];		   /* not stored: the --fail-on condition that hit
					      this conversation, "" none */
};

struct baseline {
	struct baseline_file *files;
	size_t nfiles, files_cap;
	struct baseline_rec *recs;
	size_t nrecs, recs_cap;
	size_t max_records; /* cap on nrecs and on nfiles; BL_MAX_RECORDS by default */
	bool finished;	    /* sorted and numbered (baseline_finish) */
};

/* The compared facts, in output order. */
enum baseline_field {
	BLF_VERDICT,
	BLF_CAUSE,
	BLF_DIALECT,
	BLF_CLIENT_SIGNING,
	BLF_SERVER_SIGNING,
	BLF_PROTECTION,
	BLF_ANOMALIES,
	BLF_COUNT
};
extern const char *const baseline_field_names[BLF_COUNT];
/* The value of field f of r ("" = null; anomalies comma-separated). */
const char *baseline_field(const struct baseline_rec *r, enum baseline_field f);

enum baseline_change {
	BLC_FILE_ADDED,	     /* a file the baseline does not have */
	BLC_FILE_REMOVED,    /* a file of the baseline not given now */
	BLC_FILE_UNREADABLE, /* read for the baseline, unreadable now */
	BLC_FILE_READABLE,   /* unreadable for the baseline, read now */
	BLC_CHANGED,	     /* a conversation whose facts differ */
	BLC_ADDED,	     /* a conversation the baseline does not have */
	BLC_REMOVED,	     /* a conversation of the baseline not seen now */
	BLC_COUNT
};
extern const char *const baseline_change_names[BLC_COUNT];

struct baseline_diff {
	enum baseline_change change;
	const char *file;		/* the file's relative path */
	const struct baseline_rec *old; /* in the baseline; NULL when added or file-level */
	const struct baseline_rec *cur; /* in this run; NULL when removed or file-level */
	unsigned fields;		/* bit (1 << enum baseline_field) per field that
					   differs (all non-null ones when added/removed) */
};

struct baseline_diffs {
	struct baseline_diff *v;
	size_t n, cap;
	size_t count[BLC_COUNT];
};

void baseline_init(struct baseline *b);
void baseline_free(struct baseline *b);

/* Add a file (path already relative, see baseline_relpath). Returns 0 and its
 * index in *index (NULL allowed); -1 when the path is empty or too long, -2 at
 * max_records or without memory. A path given twice is refused by
 * baseline_finish. */
int baseline_add_file(struct baseline *b, const char *path, bool readable, size_t *index);
/* A zeroed record of file index `file` (ordinal = its position in the file:
 * add them in the file's order), or NULL (bad index, max_records, no memory).
 * Fill it with baseline_set and baseline_add_anomaly. The pointer is valid
 * until the next add. */
struct baseline_rec *baseline_add_rec(struct baseline *b, size_t file);
/* Copy value (NULL = "") into a field of `size` bytes, invalid UTF-8 replaced.
 * Returns 0, or -1 when truncated. */
int baseline_set(char *field, size_t size, const char *value);
/* Add an anomaly name to r->anomalies, kept sorted and without duplicates.
 * Returns 0; -1 for an empty name or one with ',' or a control character;
 * -2 when the list is full. */
int baseline_add_anomaly(struct baseline_rec *r, const char *name);
/* Sort files by path and records by file, client, server, ordinal; number
 * repeated client/server pairs (n). Call after the last add. Returns 0; -1
 * when two records of one file share client, server and ordinal; -2 when a
 * path was added twice; -3 without memory. */
int baseline_finish(struct baseline *b);

/* True when b is finished, or empty (nothing to sort). write, compare and
 * junit_report refuse (return -1) a baseline that is not. */
bool baseline_ready(const struct baseline *b);
/* Order of two records by client, server, then n (by_n) or ordinal. */
int baseline_cmp_pair(const struct baseline_rec *x, const struct baseline_rec *y, bool by_n);

/* Write b (finished) as JSON lines. Returns 0, or -1 on a write error or
 * when b is not finished. */
int baseline_write(FILE *f, const struct baseline *b);
/* Read a baseline written by baseline_write into b (initialised, empty) and
 * finish it. Memory is bounded by b->max_records and BL_LINE_MAX. Returns 0,
 * or -1 with "line N: reason" (or a whole-file reason) in err; b is then left
 * empty. */
int baseline_load(FILE *f, struct baseline *b, char *err, size_t errsize);

/* baseline_load from the file at path; errors read "PATH: line N: reason"
 * (or "PATH: strerror"). */
int baseline_read(const char *path, struct baseline *b, char *err, size_t errsize);
/* baseline_write to path atomically: a temporary file in the same directory,
 * flushed, then renamed over path, so a failed write leaves the old baseline.
 * Returns 0, or -1 with "PATH: reason" in err. */
int baseline_save(const char *path, const struct baseline *b, char *err, size_t errsize);

/* Compare this run (cur) with the baseline (old), both finished. Fills d
 * (zero it first), sorted by file, file-level changes first, then by
 * conversation; d points into old and cur (keep them while d is used).
 * Returns 0, or -1 without memory or when one is not finished. */
int baseline_compare(const struct baseline *old, const struct baseline *cur,
		     struct baseline_diffs *d);
void baseline_diffs_free(struct baseline_diffs *d);

/* "client -> server", with " #n" when n > 1. */
const char *baseline_conv_name(const struct baseline_rec *r, char *buf, size_t size);
/* A comma-separated list of names (anomalies) as a JSON array of strings. */
void baseline_json_names(FILE *f, const char *list);
/* One JSON object (one line) per difference, event "baseline-diff". */
void baseline_diff_json(FILE *f, const struct baseline_diff *d);
/* One line of text per difference. */
void baseline_diff_text(FILE *f, const struct baseline_diff *d);
/* The difference in one line without the file and conversation, e.g.
 * "verdict signed -> not-signed; dialect 3.1.1 -> 3.0.2" (JUnit messages). */
const char *baseline_diff_summary(const struct baseline_diff *d, char *buf, size_t size);
/* A one-line summary of d: "baseline: no difference" or counts per change. */
void baseline_diffs_summary(FILE *f, const struct baseline_diffs *d);

/* Make path relative to the directory base, on the text alone (the file
 * system is not consulted, so symlinks are not followed): "./", "//", ".",
 * "a/.." and trailing slashes are normalised. When only one of base and path is absolute,
 * the other is taken relative to cwd (an absolute directory; NULL: path is
 * only normalised). A path outside base gets "../" components when that can
 * be said lexically, else stays normalised. "-" (stdin) is kept. Returns 0,
 * or -1 when the result does not fit in size. */
int baseline_relpath(const char *base, const char *path, const char *cwd, char *out, size_t size);

/* What a CI run ended with, and its exit status (the table in
 * README, "Regression checks in CI"): 2 when the run cannot be trusted (usage error,
 * baseline unusable, an output not written, or an unreadable capture without
 * --baseline), else 1 when a --fail-on condition hit or the baseline
 * differs, else 0. */
struct baseline_outcome {
	bool usage_error;    /* bad options: nothing was read */
	bool baseline_error; /* --baseline FILE missing, unreadable or malformed */
	bool output_error;   /* --junit, --write-baseline or -w not written */
	bool compared;	     /* --baseline given and compared */
	size_t differences;  /* baseline_diffs.n */
	size_t unreadable;   /* captures that could not be read (fully) */
	size_t fail_on_hits; /* conversations and files a --fail-on condition hit */
};
int baseline_exit_status(const struct baseline_outcome *o);

#endif
