/* regress: what a CI run checks (README "Regression checks in CI"). The analyser
 * hands it each input and each concluded conversation (analyze.c, hooks in
 * run() and on_concluded); it evaluates the --fail-on conditions and names
 * every hit with its input and conversation at once, and, when a baseline or
 * a JUnit report is wanted, fills one baseline record per input and per
 * conversation (baseline.h) in file order. At the end regress_finish compares
 * with --baseline, prints the differences, writes --junit and
 * --write-baseline, and says what the run ended with (baseline_outcome). */
#ifndef SMBNEG_REGRESS_H
#define SMBNEG_REGRESS_H

#include "smbneg/anomaly.h"
#include "smbneg/baseline.h"
#include "smbneg/conv.h"
#include "smbneg/facts.h"
#include "smbneg/verdict.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* --fail-on conditions. */
struct regress_fail_on {
	uint64_t verdicts;	/* bit (1 << enum verdict_kind) */
	bool smb1;		/* a conversation used SMB1 */
	bool no_conversations;	/* an input (file read completely, or the interface)
				   without any SMB conversation */
	anomaly_mask anomalies; /* a conversation with one of these anomalies */
};

/* Add the conditions of the comma-separated list to fo: verdict names
 * (verdict_names, so every verdict is known), any-failure (every failure
 * verdict: all but signed, not-signed and incomplete), any-mismatch (the
 * signing failures: any-failure but negotiate-failed and logon-failed), smb1,
 * no-conversations, anomaly:NAME (anomaly_names). Returns true, or false
 * with a message in err for an empty list, an empty item or an unknown
 * name. */
bool regress_fail_on_parse(const char *list, struct regress_fail_on *fo, char *err, size_t errsize);
/* The conditions of fo that a conversation meets (a subset of fo). */
struct regress_fail_on regress_fail_on_met(const struct regress_fail_on *fo, const struct conv *c,
					   const struct verdict *v);
/* Whether fo holds any condition. */
bool regress_fail_on_any(const struct regress_fail_on *fo);
/* The conditions of fo as a comma-separated list in buf, in the order verdicts,
 * smb1, anomaly:NAME, no-conversations ("" none; cut at a whole name when buf
 * is full). Returns buf. */
const char *regress_fail_on_names(const struct regress_fail_on *fo, char *buf, size_t size);

struct regress {
	struct regress_fail_on fail_on;
	FILE *msgs;	     /* where hits are named (stderr) */
	bool record;	     /* keep the baseline records (--baseline, --write-baseline, --junit) */
	const char *root;    /* stored paths are relative to this folder
				(regress_root); NULL: the current directory */
	char cwd[4096];	     /* the current directory, to relate absolute and relative paths */
	struct baseline run; /* this run, when record */
	struct baseline old; /* --baseline, when loaded */
	bool have_old;
	const char *name; /* the input being read, as given */
	size_t file;	  /* its index in run */
	bool in_file;
	uint64_t file_conversations;
	size_t unreadable; /* inputs that could not be read (fully) */
	size_t hits;	   /* conversations and inputs a --fail-on condition hit */
	uint64_t verdict_hits[V_COUNT], smb1_hits, anomaly_hits[ANOM_COUNT], empty_inputs;
	bool record_error; /* a record could not be kept: the comparison is void */
	char record_msg[256];
};

/* The folder stored paths are relative to, so that a baseline moves with the
 * repository: the deepest folder holding every -r argument (a folder stands
 * for itself, a file for the folder it is in; "-" is left out). With a single
 * -r DIR it is DIR. Related on the text alone (symlinks are not followed),
 * relative arguments from the current directory. */
struct regress_root {
	char path[4096]; /* absolute and normalised; "" until an argument is added */
};
/* Widen rr to hold arg. Returns 0, or -1 (rr unchanged) for "-", a path too
 * long, or no current directory to relate a relative one to. */
int regress_root_add(struct regress_root *rr, const char *arg);

/* Zero r; hits and record errors are named on msgs. Set fail_on, record and
 * root before the first input. */
void regress_init(struct regress *r, FILE *msgs);
/* Read --baseline before any capture. Returns 0, or -1 with "PATH: line N:
 * reason" (or "PATH: strerror") in err. */
int regress_load(struct regress *r, const char *path, char *err, size_t errsize);
/* An input begins: a capture path as given ("-" stdin), or an interface. */
void regress_begin_file(struct regress *r, const char *path);
/* A concluded SMB conversation of the current input. */
void regress_conversation(struct regress *r, const struct conv *c, const struct facts *f,
			  const struct verdict *v);
/* The input ended; error: NULL, or why it could not be read (fully). */
void regress_end_file(struct regress *r, const char *error);
void regress_free(struct regress *r);

/* What to do at the end of the run. */
struct regress_outputs {
	const char *write_baseline; /* --write-baseline FILE, or NULL */
	const char *junit;	    /* --junit FILE, or NULL */
	FILE *diff;		    /* where differences go */
	bool diff_json;		    /* as JSON lines (baseline-diff events), else text */
	FILE *summary;		    /* the one-line difference summary (and errors) */
};

/* Count lines of the hits per condition, compare with the baseline (if
 * loaded) and print every difference, write the JUnit report and the new
 * baseline. Fills *out (fail_on_hits, unreadable, compared, differences,
 * output_error) for baseline_exit_status; an output not written is named on
 * o->summary. */
void regress_finish(struct regress *r, const struct regress_outputs *o,
		    struct baseline_outcome *out);

#endif
