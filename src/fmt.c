/* fmt: the formatting every renderer shares (see include/smbneg/fmt.h). */
#include "smbneg/fmt.h"

#include "smbneg/smb_const.h"
#include "smbneg/utf8.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* MS-SMB2 2.2.3.1: the negotiate contexts that carry a list of algorithm
 * ids, with the JSON key of the list and the names of the ids. */
static const struct fmt_context contexts[] = {
	{SMB2_PREAUTH_INTEGRITY_CAPABILITIES, "hash_algorithms", smb2_hash_names},
	{SMB2_ENCRYPTION_CAPABILITIES, "ciphers", smb2_cipher_names},
	{SMB2_SIGNING_CAPABILITIES, "signing_algorithms", smb2_signing_alg_names},
	{SMB2_COMPRESSION_CAPABILITIES, "compression_algorithms", smb2_compression_names},
	{SMB2_RDMA_TRANSFORM_CAPABILITIES, "rdma_transforms", NULL},
};

const struct fmt_context *fmt_context(uint16_t type)
{
	for (size_t i = 0; i < sizeof contexts / sizeof contexts[0]; i++)
		if (contexts[i].type == type)
			return &contexts[i];
	return NULL;
}

const char *fmt_id_name(const struct tok *names, uint16_t id, char *buf, size_t size)
{
	const char *n = names ? tok_name(names, id) : NULL;
	if (n)
		return n;
	snprintf(buf, size, "0x%04x", (unsigned)id);
	return buf;
}

/* Append the string a to buf at *n, within size (NUL kept). */
static void put_str(char *buf, size_t size, size_t *n, const char *a)
{
	size_t len = strlen(a);
	if (*n >= size)
		return;
	if (len > size - 1 - *n)
		len = size - 1 - *n;
	memcpy(buf + *n, a, len);
	*n += len;
	buf[*n] = '\0';
}

/* Append v in decimal, at least width digits (zeros before). */
static void put_dec(char *buf, size_t size, size_t *n, uint64_t v, int width)
{
	char d[24];
	int nd = 0;
	do
		d[nd++] = (char)('0' + v % 10);
	while ((v /= 10) != 0 && nd < (int)sizeof d - 1);
	while (nd < width && nd < (int)sizeof d - 1)
		d[nd++] = '0';
	char r[24];
	for (int i = 0; i < nd; i++)
		r[i] = d[nd - 1 - i];
	r[nd] = '\0';
	put_str(buf, size, n, r);
}

/* Append v in hex, at least width digits (zeros before). */
static void put_hex(char *buf, size_t size, size_t *n, uint64_t v, int width, bool upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char r[20];
	int nd = 0;
	do
		r[nd++] = hex[v & 15];
	while ((v >>= 4) != 0);
	while (nd < width && nd < (int)sizeof r - 1)
		r[nd++] = '0';
	for (int i = 0; i < nd / 2; i++) {
		char t = r[i];
		r[i] = r[nd - 1 - i];
		r[nd - 1 - i] = t;
	}
	r[nd] = '\0';
	put_str(buf, size, n, r);
}

/* Append an address: IPv4 as a dotted quad without inet_ntop's printf (per
 * event), IPv6 by inet_ntop. */
static void put_address(char *buf, size_t size, size_t *n, uint8_t family, const uint8_t *addr)
{
	char a[INET6_ADDRSTRLEN] = "";
	if (family != 4) {
		inet_ntop(AF_INET6, addr, a, sizeof a);
		put_str(buf, size, n, a);
		return;
	}
	for (int i = 0; i < 4; i++) {
		if (i)
			put_str(buf, size, n, ".");
		put_dec(buf, size, n, addr[i], 1);
	}
}

const char *fmt_endpoint(const struct endpoint *e, char *buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	put_str(buf, size, &n, e->family == 4 ? "" : "[");
	put_address(buf, size, &n, e->family, e->addr);
	put_str(buf, size, &n, e->family == 4 ? ":" : "]:");
	put_dec(buf, size, &n, e->port, 1);
	return buf;
}

const char *fmt_u64(uint64_t v, char *buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	put_dec(buf, size, &n, v, 1);
	return buf;
}

const char *fmt_hex_min(uint64_t v, int width, char *buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	put_hex(buf, size, &n, v, width, false);
	return buf;
}

const char *fmt_status_hex(uint32_t st, char *buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	put_str(buf, size, &n, "0x");
	put_hex(buf, size, &n, st, 8, true);
	return buf;
}

const char *fmt_hex(const uint8_t *p, size_t n, char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t at = 0;
	for (size_t i = 0; i < n && at + 2 < size; i++) {
		buf[at++] = hex[p[i] >> 4];
		buf[at++] = hex[p[i] & 15];
	}
	if (size)
		buf[at] = '\0';
	return buf;
}

const char *fmt_address(uint8_t family, const uint8_t *addr, char *buf, size_t size)
{
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	put_address(buf, size, &n, family, addr);
	return buf;
}

const char *fmt_dialect(const struct facts *f, char *buf, size_t size)
{
	buf[0] = '\0';
	if (f->smb2_chosen) {
		const char *n = tok_name(smb2_dialect_names, f->smb2_dialect);
		if (n)
			snprintf(buf, size, "%s", n);
		else
			snprintf(buf, size, "0x%04x", (unsigned)f->smb2_dialect);
		return buf;
	}
	if (f->smb1_dialect[0]) {
		snprintf(buf, size, "%s", f->smb1_dialect);
		return buf;
	}
	return NULL;
}

/* MS-DTYP 2.3.4.2: Data1..Data3 little-endian, Data4 as bytes. */
const char *fmt_guid(const uint8_t g[16], char *buf, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	static const uint8_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
	char t[37];
	size_t n = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			t[n++] = '-';
		t[n++] = hex[g[order[i]] >> 4];
		t[n++] = hex[g[order[i]] & 15];
	}
	t[n] = '\0';
	if (size)
		buf[0] = '\0';
	n = 0;
	put_str(buf, size, &n, t);
	return buf;
}

/* "%Y-%m-%dT%H:%M:%S" of t into buf, without strftime and printf; false
 * when gmtime cannot say. */
static bool second_text(time_t t, char *buf, size_t size)
{
	struct tm tm;
	size_t n = 0;
	if (!gmtime_r(&t, &tm))
		return false;
	if (size)
		buf[0] = '\0';
	if (tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999) {
		if (size && strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
			buf[0] = '\0';
		return true;
	}
	put_dec(buf, size, &n, (uint64_t)tm.tm_year + 1900, 4);
	put_str(buf, size, &n, "-");
	put_dec(buf, size, &n, (uint64_t)tm.tm_mon + 1, 2);
	put_str(buf, size, &n, "-");
	put_dec(buf, size, &n, (uint64_t)tm.tm_mday, 2);
	put_str(buf, size, &n, "T");
	put_dec(buf, size, &n, (uint64_t)tm.tm_hour, 2);
	put_str(buf, size, &n, ":");
	put_dec(buf, size, &n, (uint64_t)tm.tm_min, 2);
	put_str(buf, size, &n, ":");
	put_dec(buf, size, &n, (uint64_t)tm.tm_sec, 2);
	return true;
}

const char *fmt_time(const struct timeval *tv, char *buf, size_t size)
{
	/* the second's text is kept: events come many to a second (per thread: -j) */
	static _Thread_local time_t last_t;
	static _Thread_local char last[32];
	static _Thread_local bool last_ok;
	/* A capture may hold tv_usec >= 10^6: carry it into the seconds. */
	long usec = (long)tv->tv_usec;
	time_t t = tv->tv_sec + usec / 1000000;
	usec %= 1000000;
	if (usec < 0) {
		usec += 1000000;
		t--;
	}
	if (!last_ok || t != last_t) {
		last_ok = second_text(t, last, sizeof last);
		last_t = t;
	}
	if (!last_ok) {
		snprintf(buf, size, "%lld", (long long)tv->tv_sec);
		return buf;
	}
	size_t n = 0;
	if (size)
		buf[0] = '\0';
	put_str(buf, size, &n, last);
	put_str(buf, size, &n, ".");
	put_dec(buf, size, &n, (uint64_t)usec, 6);
	put_str(buf, size, &n, "Z");
	return buf;
}

const char *fmt_filetime(uint64_t ft, char *buf, size_t size)
{
	buf[0] = '\0';
	/* 11644473600 s between 1601-01-01 and 1970-01-01 */
	if (ft == 0 || ft / 10000000u < UINT64_C(11644473600) ||
	    ft / 10000000u - UINT64_C(11644473600) > UINT64_C(253402300799))
		return buf;
	struct timeval tv;
	tv.tv_sec = (time_t)(ft / 10000000u - UINT64_C(11644473600));
	tv.tv_usec = (suseconds_t)(ft % 10000000u / 10);
	return fmt_time(&tv, buf, size);
}

/* Length of the valid UTF-8 sequence at NUL-terminated s (utf8.h), or 0. */
static size_t utf8_len(const unsigned char *s)
{
	return utf8_seq(s, strnlen((const char *)s, 4), NULL);
}

void fmt_buf_start(struct fmt_buf *b, FILE *f, char *store, size_t size)
{
	b->f = f;
	b->n = 0;
	b->size = size;
	b->b = store;
}

void fmt_buf_spill(struct fmt_buf *b, const void *p, size_t n)
{
	fmt_buf_flush(b);
	if (n > b->size) {
		FMT_FWRITE(p, 1, n, b->f);
		return;
	}
	memcpy(b->b, p, n);
	b->n = n;
}

void fmt_buf_flush(struct fmt_buf *b)
{
	if (b->n)
		FMT_FWRITE(b->b, 1, b->n, b->f);
	b->n = 0;
}

/* A byte as an escape: "\\u00XX" (JSON, RFC 8259 7) or "\\xXX" (text). */
static void put_escape(struct fmt_buf *b, bool json, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6];
	size_t n = 0;
	e[n++] = '\\';
	if (json) {
		e[n++] = 'u';
		e[n++] = '0';
		e[n++] = '0';
	} else {
		e[n++] = 'x';
	}
	e[n++] = hex[c >> 4];
	e[n++] = hex[c & 15];
	fmt_put(b, e, n);
}

void fmt_json_quote(struct fmt_buf *b, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fmt_put(b, "\"", 1);
	while (*s) {
		const unsigned char *run = s; /* printable ASCII needing no escape */
		while (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\')
			s++;
		fmt_put(b, run, (size_t)(s - run));
		if (!*s)
			break;
		if (*s == '"' || *s == '\\') {
			char e[2] = {'\\', (char)*s++};
			fmt_put(b, e, 2);
		} else if (*s < 0x20 || *s == 0x7f) {
			put_escape(b, true, *s++);
		} else {
			size_t n = utf8_len(s);
			if (n == 0) { /* not UTF-8: the byte as Latin-1 */
				put_escape(b, true, *s++);
			} else {
				fmt_put(b, s, n);
				s += n;
			}
		}
	}
	fmt_put(b, "\"", 1);
}

/* The FILE forms (text, CSV) escape into a small buffer on the stack (a call
 * into stdio per character costs more than the escaping). */
#define FMT_SMALL_BUF 512

static void text_escape(FILE *f, const char *str, bool keep_backslash)
{
	const unsigned char *s = (const unsigned char *)str;
	char store[FMT_SMALL_BUF];
	struct fmt_buf b;
	fmt_buf_start(&b, f, store, sizeof store);
	while (*s) {
		size_t n = utf8_len(s);
		if (*s < 0x20 || *s == 0x7f || (*s == '\\' && !keep_backslash) || n == 0) {
			put_escape(&b, false, *s++);
		} else {
			fmt_put(&b, s, n);
			s += n;
		}
	}
	fmt_buf_flush(&b);
}

void fmt_text_string(FILE *f, const char *s) { text_escape(f, s, false); }

/* Windows account and NetBIOS domain names cannot hold a backslash, so the
 * one in DOMAIN\\user is printed as is. */
void fmt_text_who(FILE *f, const char *s) { text_escape(f, s, true); }

void fmt_csv_string(FILE *f, const char *s)
{
	/* RFC 4180: quoted, with quotes doubled. */
	char store[FMT_SMALL_BUF];
	struct fmt_buf b;
	fmt_buf_start(&b, f, store, sizeof store);
	fmt_put(&b, "\"", 1);
	for (; *s; s++) {
		if (*s == '"')
			fmt_put(&b, "\"", 1);
		fmt_put(&b, s, 1);
	}
	fmt_put(&b, "\"", 1);
	fmt_buf_flush(&b);
}

/* WHO: the first successful session (else the last exchange), see
 * facts_session_who(); "+N" more sessions. */
const char *fmt_who(const struct facts *f, char *buf, size_t size)
{
	const struct smb_session *x = NULL;
	for (unsigned i = 0; i < f->nsessions && !x; i++)
		if (f->sessions[i].ok)
			x = &f->sessions[i];
	if (!x && f->nsessions)
		x = &f->sessions[f->nsessions - 1];
	if (!x)
		return snprintf(buf, size, "-"), buf;
	char one[SMB_SESS_NAME_MAX * 2 + 2];
	facts_session_who(x, one, sizeof one);
	if (f->nsessions > 1)
		snprintf(buf, size, "%s +%u", one, f->nsessions - 1);
	else
		snprintf(buf, size, "%s", one);
	return buf;
}
