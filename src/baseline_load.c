/* baseline_load: reads the JSON lines baseline_write writes, and nothing else
 * (include/smbneg/baseline.h, format in README, "Regression checks in CI").
 *
 * Every byte is untrusted: a line is at most BL_LINE_MAX bytes, one JSON
 * object of strings (RFC 8259 7, UTF-8 checked, \u escapes with surrogate
 * pairs), arrays of strings, non-negative integers and null; each value lands
 * in a fixed-size field or is refused with the line number. */
#include "smbneg/baseline.h"
#include "smbneg/utf8.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Every key of every kind of line. */
enum key {
	K_ANOMALIES,
	K_CAUSE,
	K_CLIENT,
	K_CLIENT_SIGNING,
	K_CONVERSATIONS,
	K_DIALECT,
	K_FILE,
	K_FORMAT,
	K_ORDINAL,
	K_PROTECTION,
	K_RECORD,
	K_SERVER,
	K_SERVER_SIGNING,
	K_STATUS,
	K_VERDICT,
	K_VERSION,
	K_COUNT
};

#define KB(k) (1u << (k))
#define HEADER_KEYS (KB(K_FORMAT) | KB(K_VERSION))
#define FILE_KEYS (KB(K_CONVERSATIONS) | KB(K_FILE) | KB(K_RECORD) | KB(K_STATUS))
#define CONV_KEYS                                                                                  \
	(KB(K_ANOMALIES) | KB(K_CAUSE) | KB(K_CLIENT) | KB(K_CLIENT_SIGNING) | KB(K_DIALECT) |     \
	 KB(K_FILE) | KB(K_ORDINAL) | KB(K_PROTECTION) | KB(K_RECORD) | KB(K_SERVER) |             \
	 KB(K_SERVER_SIGNING) | KB(K_VERDICT))
/* keys whose value may be null */
#define NULLABLE                                                                                   \
	(KB(K_CAUSE) | KB(K_CLIENT_SIGNING) | KB(K_DIALECT) | KB(K_PROTECTION) |                   \
	 KB(K_SERVER_SIGNING) | KB(K_VERDICT))

/* One parsed line. */
struct line {
	unsigned seen; /* KB(key) per key present */
	char format[32];
	char record[16];
	char status[16];
	char file[BL_PATH_SIZE];
	uint32_t version, conversations;
	struct baseline_rec rec;
};

enum ktype { T_STR, T_INT, T_LIST };

#define STR(k, name, field)                                                                        \
	[k] = {name, T_STR, offsetof(struct line, field), sizeof(((struct line *)0)->field)}
#define INT(k, name, field) [k] = {name, T_INT, offsetof(struct line, field), 0}

static const struct keydef {
	const char *name;
	enum ktype type;
	size_t off, size;
} keys[K_COUNT] = {
    [K_ANOMALIES] = {"anomalies", T_LIST, offsetof(struct line, rec), 0},
    STR(K_CAUSE, "cause", rec.cause),
    STR(K_CLIENT, "client", rec.client),
    STR(K_CLIENT_SIGNING, "client_signing", rec.client_signing),
    INT(K_CONVERSATIONS, "conversations", conversations),
    STR(K_DIALECT, "dialect", rec.dialect),
    STR(K_FILE, "file", file),
    STR(K_FORMAT, "format", format),
    INT(K_ORDINAL, "ordinal", rec.ordinal),
    STR(K_PROTECTION, "protection", rec.protection),
    STR(K_RECORD, "record", record),
    STR(K_SERVER, "server", rec.server),
    STR(K_SERVER_SIGNING, "server_signing", rec.server_signing),
    STR(K_STATUS, "status", status),
    STR(K_VERDICT, "verdict", rec.verdict),
    INT(K_VERSION, "version", version),
};

/* A cursor over one line. */
struct cur {
	const unsigned char *p;
	size_t n, i;
	const char *err; /* the first error, NULL none */
};

static bool fail(struct cur *c, const char *why)
{
	if (!c->err)
		c->err = why;
	return false;
}

static void ws(struct cur *c)
{
	while (c->i < c->n && (c->p[c->i] == ' ' || c->p[c->i] == '\t'))
		c->i++;
}

static bool eat(struct cur *c, char ch)
{
	ws(c);
	if (c->i < c->n && c->p[c->i] == ch) {
		c->i++;
		return true;
	}
	return false;
}

static int hex4(struct cur *c, uint32_t *v)
{
	if (4 > c->n - c->i)
		return -1;
	*v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned char h = c->p[c->i++];
		unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
			     : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
			     : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
						    : 16u;
		if (d == 16)
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/* After "\u": one code point, joining a surrogate pair (RFC 8259 7). */
static bool unicode_escape(struct cur *c, uint32_t *cp)
{
	if (hex4(c, cp))
		return fail(c, "bad \\u escape");
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return fail(c, "lone low surrogate in \\u escape");
	if (*cp >= 0xD800 && *cp <= 0xDBFF) {
		uint32_t lo;
		if (2 > c->n - c->i || c->p[c->i] != '\\' || c->p[c->i + 1] != 'u')
			return fail(c, "high surrogate without its low half");
		c->i += 2;
		if (hex4(c, &lo) || lo < 0xDC00 || lo > 0xDFFF)
			return fail(c, "high surrogate without its low half");
		*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	if (*cp == 0)
		return fail(c, "\\u0000 in a string");
	return true;
}

static bool escape(struct cur *c, uint32_t *cp)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (c->i == c->n)
		return fail(c, "unterminated string");
	unsigned char e = c->p[c->i++];
	if (e == 'u')
		return unicode_escape(c, cp);
	const char *k = e ? strchr(from, e) : NULL;
	if (!k)
		return fail(c, "bad escape in a string");
	*cp = (unsigned char)to[k - from];
	return true;
}

/* A JSON string into out (size bytes, NUL-terminated). */
static bool string(struct cur *c, char *out, size_t size)
{
	size_t len = 0;
	if (!eat(c, '"'))
		return fail(c, "expected a string");
	for (;;) {
		if (c->i == c->n)
			return fail(c, "unterminated string");
		unsigned char b = c->p[c->i];
		size_t n;
		char tmp[4];
		const char *src = tmp;
		if (b == '"') {
			c->i++;
			break;
		} else if (b < 0x20) {
			return fail(c, "control character in a string");
		} else if (b == '\\') {
			uint32_t cp;
			c->i++;
			if (!escape(c, &cp))
				return false;
			n = utf8_put(tmp, sizeof tmp, cp);
		} else {
			n = utf8_seq(c->p + c->i, c->n - c->i, NULL);
			if (n == 0)
				return fail(c, "invalid UTF-8 in a string");
			src = (const char *)c->p + c->i;
			c->i += n;
		}
		if (n >= size - len)
			return fail(c, "string too long");
		memcpy(out + len, src, n);
		len += n;
	}
	out[len] = '\0';
	return true;
}

static bool integer(struct cur *c, uint32_t *v)
{
	ws(c);
	size_t start = c->i;
	uint64_t x = 0;
	while (c->i < c->n && c->p[c->i] >= '0' && c->p[c->i] <= '9') {
		x = x * 10 + (c->p[c->i++] - '0');
		if (x > UINT32_MAX)
			return fail(c, "number out of range");
	}
	if (c->i == start)
		return fail(c, "expected a non-negative integer");
	if (c->p[start] == '0' && c->i - start > 1)
		return fail(c, "leading zero in a number");
	if (c->i < c->n && (c->p[c->i] == '.' || c->p[c->i] == 'e' || c->p[c->i] == 'E'))
		return fail(c, "expected a non-negative integer");
	*v = (uint32_t)x;
	return true;
}

static bool literal_null(struct cur *c)
{
	ws(c);
	if (4 <= c->n - c->i && memcmp(c->p + c->i, "null", 4) == 0) {
		c->i += 4;
		return true;
	}
	return false;
}

/* An array of anomaly names into r->anomalies (sorted, without duplicates). */
static bool list(struct cur *c, struct baseline_rec *r)
{
	char name[BL_ANOMALIES_SIZE];
	if (!eat(c, '['))
		return fail(c, "expected an array of strings");
	if (eat(c, ']'))
		return true;
	do {
		if (!string(c, name, sizeof name))
			return false;
		int e = baseline_add_anomaly(r, name);
		if (e == -1)
			return fail(c, "bad anomaly name (empty, ',' or a control character)");
		if (e)
			return fail(c, "too many anomalies");
	} while (eat(c, ','));
	if (!eat(c, ']'))
		return fail(c, "expected ',' or ']' in an array");
	return true;
}

/* A value of an unknown key: parsed and dropped (forward compatibility). */
static bool skip_value(struct cur *c)
{
	char scratch[BL_LINE_MAX];
	struct baseline_rec r;
	uint32_t v;
	ws(c);
	if (c->i == c->n)
		return fail(c, "expected a value");
	memset(&r, 0, sizeof r);
	switch (c->p[c->i]) {
	case '"':
		return string(c, scratch, sizeof scratch);
	case '[':
		return list(c, &r);
	case 'n':
		return literal_null(c) || fail(c, "expected a value");
	default:
		return integer(c, &v);
	}
}

static bool value(struct cur *c, struct line *l, enum key k)
{
	const struct keydef *d = &keys[k];
	char *field = (char *)l + d->off;
	if (literal_null(c)) {
		if (!(NULLABLE & KB(k)))
			return fail(c, "null where a value is required");
		field[0] = '\0';
		return true;
	}
	switch (d->type) {
	case T_STR:
		if (!string(c, field, d->size))
			return false;
		if (!field[0] && !(NULLABLE & KB(k)))
			return fail(c, "empty string where a value is required");
		return true;
	case T_INT:
		return integer(c, (uint32_t *)(void *)field);
	case T_LIST:
		return list(c, &l->rec);
	}
	return false;
}

static int find_key(const char *name)
{
	for (int k = 0; k < K_COUNT; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return -1;
}

/* One object: {"key":value,...} and nothing after it. */
static bool object(struct cur *c, struct line *l)
{
	char name[64];
	if (!eat(c, '{'))
		return fail(c, "expected '{'");
	if (!eat(c, '}')) {
		do {
			if (!string(c, name, sizeof name))
				return false;
			if (!eat(c, ':'))
				return fail(c, "expected ':'");
			int k = find_key(name);
			if (k < 0) {
				if (!skip_value(c))
					return false;
				continue;
			}
			if (l->seen & KB(k))
				return fail(c, "duplicate key");
			l->seen |= KB(k);
			if (!value(c, l, k))
				return false;
		} while (eat(c, ','));
		if (!eat(c, '}'))
			return fail(c, "expected ',' or '}'");
	}
	ws(c);
	if (c->i != c->n)
		return fail(c, "text after the object");
	return true;
}

/* Loader state across lines. */
struct loader {
	struct baseline *b;
	uint32_t *declared; /* the "conversations" of each file record */
	size_t declared_cap;
	bool header;
	char *err;
	size_t errsize;
	unsigned long lineno;
};

static int lfail(struct loader *ld, const char *why)
{
	snprintf(ld->err, ld->errsize, "line %lu: %s", ld->lineno, why);
	return -1;
}

static int file_line(struct loader *ld, struct line *l)
{
	struct baseline *b = ld->b;
	bool ok = strcmp(l->status, "ok") == 0;
	if (!ok && strcmp(l->status, "unreadable") != 0)
		return lfail(ld, "status is neither \"ok\" nor \"unreadable\"");
	if (b->nfiles == ld->declared_cap) {
		size_t ncap = ld->declared_cap ? ld->declared_cap * 2 : 16;
		uint32_t *d = realloc(ld->declared, ncap * sizeof *d);
		if (!d)
			return lfail(ld, "out of memory");
		ld->declared = d;
		ld->declared_cap = ncap;
	}
	size_t idx;
	if (baseline_add_file(b, l->file, ok, &idx))
		return lfail(ld, "too many files");
	ld->declared[idx] = l->conversations;
	return 0;
}

static int conv_line(struct loader *ld, struct line *l)
{
	struct baseline *b = ld->b;
	if (b->nfiles == 0 || strcmp(b->files[b->nfiles - 1].path, l->file) != 0)
		return lfail(ld, "a conversation not after the file record of its file");
	if (l->rec.ordinal == 0)
		return lfail(ld, "ordinal 0 (ordinals count from 1)");
	struct baseline_rec *r = baseline_add_rec(b, b->nfiles - 1);
	if (!r)
		return lfail(ld, "too many conversations");
	size_t file = r->file;
	*r = l->rec;
	r->file = file;
	r->n = 0;
	return 0;
}

static int handle(struct loader *ld, const unsigned char *p, size_t n)
{
	struct line *l = calloc(1, sizeof *l);
	struct cur c = {p, n, 0, NULL};
	int ret = -1;
	if (!l)
		return lfail(ld, "out of memory");
	if (!object(&c, l)) {
		lfail(ld, c.err);
	} else if (!ld->header) {
		if (l->seen != HEADER_KEYS || strcmp(l->format, BASELINE_FORMAT) != 0)
			lfail(ld, "not a smbneg baseline (no {\"format\":\"" BASELINE_FORMAT
				  "\",\"version\":N} header)");
		else if (l->version != BASELINE_VERSION)
			lfail(ld, "unsupported baseline version (this smbneg reads version 1)");
		else
			ld->header = true, ret = 0;
	} else if (!(l->seen & KB(K_RECORD))) {
		lfail(ld, "no \"record\" key");
	} else if (strcmp(l->record, "file") == 0) {
		if ((l->seen & FILE_KEYS) != FILE_KEYS)
			lfail(ld, "a file record without all of conversations, file, status");
		else
			ret = file_line(ld, l);
	} else if (strcmp(l->record, "conversation") == 0) {
		if ((l->seen & CONV_KEYS) != CONV_KEYS)
			lfail(ld, "a conversation record without all of its keys");
		else
			ret = conv_line(ld, l);
	} else {
		lfail(ld, "unknown record kind");
	}
	free(l);
	return ret;
}

/* Read one line into buf (without "\n" or "\r\n"). 1 a line, 0 end, -1 error. */
static int read_line(struct loader *ld, FILE *f, unsigned char *buf, size_t *len)
{
	int ch;
	*len = 0;
	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (ch == '\0')
			return lfail(ld, "NUL byte");
		if (*len == BL_LINE_MAX)
			return lfail(ld, "line longer than 16384 bytes");
		buf[(*len)++] = (unsigned char)ch;
	}
	if (ferror(f)) {
		snprintf(ld->err, ld->errsize, "read error");
		return -1;
	}
	if (*len && buf[*len - 1] == '\r')
		(*len)--;
	return ch == EOF && *len == 0 ? 0 : 1;
}

static int check_counts(struct loader *ld)
{
	struct baseline *b = ld->b;
	for (size_t i = 0; i < b->nfiles; i++) {
		if (b->files[i].conversations != ld->declared[i]) {
			snprintf(ld->err, ld->errsize,
				 "file record \"%.200s\" says %lu conversations, %lu follow it",
				 b->files[i].path, (unsigned long)ld->declared[i],
				 (unsigned long)b->files[i].conversations);
			return -1;
		}
	}
	return 0;
}

static int load_lines(struct loader *ld, FILE *f, unsigned char *buf)
{
	size_t len;
	int r;
	for (;;) {
		ld->lineno++; /* the line being read, for read_line's errors too */
		r = read_line(ld, f, buf, &len);
		if (r != 1)
			break;
		size_t i = 0;
		while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		if (i == len)
			continue; /* blank */
		if (handle(ld, buf, len))
			return -1;
	}
	if (r < 0)
		return -1;
	if (!ld->header) {
		snprintf(ld->err, ld->errsize, "empty: no header line");
		return -1;
	}
	if (check_counts(ld))
		return -1;
	int e = baseline_finish(ld->b);
	if (e)
		snprintf(ld->err, ld->errsize, "%s",
			 e == -1
			     ? "a conversation appears twice (same file, client, server, ordinal)"
			 : e == -2 ? "a file appears twice"
				   : "out of memory");
	return e ? -1 : 0;
}

int baseline_load(FILE *f, struct baseline *b, char *err, size_t errsize)
{
	struct loader ld = {b, NULL, 0, false, err, errsize, 0};
	unsigned char *buf = malloc(BL_LINE_MAX);
	int ret = -1;
	if (errsize)
		err[0] = '\0';
	if (!buf)
		snprintf(err, errsize, "out of memory");
	else
		ret = load_lines(&ld, f, buf);
	free(buf);
	free(ld.declared);
	if (ret)
		baseline_free(b);
	return ret;
}

int baseline_read(const char *path, struct baseline *b, char *err, size_t errsize)
{
	char why[256];
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	int r = baseline_load(f, b, why, sizeof why);
	fclose(f);
	if (r)
		snprintf(err, errsize, "%s: %s", path, why);
	return r;
}
