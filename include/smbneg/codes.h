/* codes: the error codes SMB users paste (NTSTATUS, Win32, HRESULT,
 * Kerberos), what Windows says for each, when a user usually meets it and
 * which smbneg verdict names that situation; and a parser for every
 * spelling users paste (MS-ERREF 2.1 HRESULT, 2.2 Win32, 2.3 NTSTATUS). */
#ifndef SMBNEG_CODES_H
#define SMBNEG_CODES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum code_kind {
	CODE_NTSTATUS,
	CODE_WIN32,
	CODE_HRESULT,
	CODE_KERBEROS, /* RFC 4120 7.5.9 error-code */
};

#define CODES_MAX_WHEN 4

/* One situation: in words, and the verdict smbneg gives it (NULL: none). */
struct code_when {
	const char *text;
	const char *verdict;
};

struct code_row {
	uint32_t value;
	enum code_kind kind;
	const char *name;    /* canonical, as Windows headers spell it */
	const char *aliases; /* other accepted names, space-separated, or NULL */
	const char *message; /* Windows' own message text, or NULL when none was verified */
	const char *about;   /* what the code is, in our words, or NULL */
	uint32_t peer;       /* the code Windows maps it to (NTSTATUS -> Win32), */
	bool has_peer;       /* RtlNtStatusToDosError; a row of the table */
	struct code_when when[CODES_MAX_WHEN];
};

/* The table (src/codes_table.c), codes_count rows; values and names unique. */
extern const struct code_row codes_table[];
extern const size_t codes_count;
/* The verdict names (README "Verdicts") a situation may name; NULL-terminated. */
extern const char *const codes_verdicts[];
/* "NTSTATUS", "Win32 error", ... */
const char *code_kind_name(enum code_kind k);

/* The row of a value, or NULL. */
const struct code_row *codes_by_value(uint32_t v);
/* The row whose name or alias equals name[0..len) (case-insensitive), or NULL. */
const struct code_row *codes_by_name(const char *name, size_t len);

#define CODES_MAX_INPUT 4096 /* a pasted error message, not a document */
#define CODES_MAX_MATCH 8

/* What the input named: distinct 32-bit values, each known to the table
 * directly or through its HRESULT wrapping (0x8007XXXX, 0xDXXXXXXX). */
struct codes_match {
	uint32_t value[CODES_MAX_MATCH];
	bool as_hex[CODES_MAX_MATCH]; /* 8 decimal digits read as hex */
	size_t n;
};

enum codes_err {
	CODES_OK,
	CODES_EMPTY,    /* nothing but blanks */
	CODES_TOO_LONG, /* more than CODES_MAX_INPUT bytes */
	CODES_BAD_BYTE, /* NUL or another control character */
	CODES_UNKNOWN,  /* no code the table knows */
};

/* Parse s[0..len): one code in any spelling (1240, -1073700864, 3227320323,
 * 0xC000A000, C000A000, c000a000h, NT_STATUS_ACCESS_DENIED, STATUS_X,
 * ERROR_X, WERR_X, ACCESS_DENIED, case-insensitive), or a pasted line
 * ("System error 1240 has occurred.", "Error code: 0x80070035"), or a
 * Windows message text. Fills m (m->n > 0) on CODES_OK. */
enum codes_err codes_parse(const char *s, size_t len, struct codes_match *m);
/* Whether v is known (directly or as a wrapped Win32 / NTSTATUS). */
bool codes_known(uint32_t v);
/* Write the explanation of every code in m. */
void codes_print(const struct codes_match *m, FILE *f);

#endif
