/* junit: a JUnit XML report, the format GitHub Actions test reporters and
 * GitLab's artifacts:reports:junit read:
 *
 *   <testsuites name tests failures errors skipped time>
 *     <testsuite name tests failures errors skipped time>   one per capture file
 *       <testcase classname="FILE" name="CONVERSATION" time="0">
 *         <failure message type>text</failure> | <error ...> | <skipped .../>
 *
 * Every string is escaped (the five entities; tab, newline and carriage
 * return as character references in attributes; other control characters as
 * the text \xNN; bytes that are not UTF-8 as U+FFFD), so any input gives
 * well-formed XML 1.0. */
#ifndef SMBNEG_JUNIT_H
#define SMBNEG_JUNIT_H

#include "smbneg/baseline.h"

#include <stddef.h>
#include <stdio.h>

enum junit_result { JUNIT_PASSED, JUNIT_FAILURE, JUNIT_ERROR, JUNIT_SKIPPED };

struct junit_case {
	const char *classname; /* the capture file */
	const char *name;      /* the conversation, or "(file)" */
	enum junit_result result;
	const char *type;    /* failure/error type (NULL: none) */
	const char *message; /* one line (NULL: none) */
	const char *text;    /* element body (NULL: none) */
};

struct junit_counts {
	size_t tests, failures, errors, skipped;
};

void junit_count(struct junit_counts *c, enum junit_result r);
/* The XML declaration and <testsuites> with the totals. */
void junit_begin(FILE *f, const char *name, const struct junit_counts *total);
void junit_suite_begin(FILE *f, const char *name, const struct junit_counts *c);
void junit_case(FILE *f, const struct junit_case *tc);
void junit_suite_end(FILE *f);
/* Close <testsuites>; 0, or -1 when a write failed. */
int junit_end(FILE *f);
/* s escaped for XML text (attr false) or an attribute value (attr true). */
void junit_escape(FILE *f, const char *s, bool attr);

/* The report of a run: one testsuite per capture file of cur (and of old,
 * for the files it no longer has), one testcase per conversation. A testcase
 * fails when its record's fail_on is set or a difference in d names it; a
 * file that could not be read is an error testcase "(file)" (skipped when the
 * baseline knew it unreadable too); file-level differences and file-level
 * fail_on hits fail "(file)". old and d may be NULL (no --baseline).
 * Returns 0, or -1 when a write or an allocation failed. */
int junit_report(FILE *f, const char *name, const struct baseline *cur, const struct baseline *old,
		 const struct baseline_diffs *d);

#endif
