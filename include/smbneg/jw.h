/* jw: the JSON-lines writer the JSON renderer's files share (out_json.c,
 * out_json_neg.c): it places the commas, escapes strings through fmt, and
 * writes raw values beside their names (`k` and `k_names`). Every helper
 * that takes a `has` flag writes null when it is false, so a key is always
 * present with one JSON type (README "JSON schema"). */
#ifndef SMBNEG_JW_H
#define SMBNEG_JW_H

#include "smbneg/anomaly.h"
#include "smbneg/fmt.h"
#include "smbneg/tok.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Bytes of an event gathered before a write to the FILE: most events fit,
 * so each is one fwrite (a larger one is written in pieces). */
#define JW_BUF_SIZE 8192

struct jw {
	struct fmt_buf out;
	bool first;
	char store[JW_BUF_SIZE];
};

/* Start an event writer on f (nothing is written before j_end, or before
 * JW_BUF_SIZE bytes). */
void jw_start(struct jw *w, FILE *f);

void j_key(struct jw *w, const char *k);
/* "k": "v", or null when v is NULL. */
void j_str(struct jw *w, const char *k, const char *v);
void j_u64(struct jw *w, const char *k, uint64_t v);
void j_i64(struct jw *w, const char *k, int64_t v);
void j_bool(struct jw *w, const char *k, bool v);
void j_null(struct jw *w, const char *k);
/* "k": v, or null when !has. */
void j_u64_if(struct jw *w, const char *k, bool has, uint64_t v);
void j_i64_if(struct jw *w, const char *k, bool has, int64_t v);
void j_bool_if(struct jw *w, const char *k, bool has, bool v);
/* Open an object or array ('{' or '['), as the value of k or (k NULL) as an
 * element of the enclosing array; j_close ends it. */
void j_open(struct jw *w, const char *k, char bracket);
void j_close(struct jw *w, char bracket);
/* One string element of the open array. */
void j_item_str(struct jw *w, const char *s);
/* One integer element of the open array. */
void j_item_u64(struct jw *w, uint64_t v);
/* "k": raw, "k_names": [flag names] (both null when !has). */
void j_flags(struct jw *w, const char *k, bool has, uint32_t v, const struct tok *t);
/* "k": FILETIME, "k_utc": ISO 8601 or null (both null when !has). */
void j_filetime(struct jw *w, const char *k, bool has, uint64_t ft);
/* "k": GUID text, or null when g is NULL. */
void j_guid(struct jw *w, const char *k, const uint8_t *g);
/* "status": NT status, "status_name" (both null when !has). */
void j_status(struct jw *w, const char *k, bool has, uint32_t st);
/* "anomalies": [names] */
void j_anomalies(struct jw *w, anomaly_mask m);
/* End the object and the line, and hand them to the FILE. */
void j_end(struct jw *w);

#endif
