/* fmt: the formatting every renderer shares (see include/smbneg/fmt.h). */
#include "smbneg/fmt.h"

#include "smbneg/smb_const.h"

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

const char *fmt_address(uint8_t family, const uint8_t *addr, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "";
	inet_ntop(family == 4 ? AF_INET : AF_INET6, addr, a, sizeof a);
	snprintf(buf, size, "%s", a);
	return buf;
}

const char *fmt_endpoint(const struct endpoint *e, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	if (e->family == 4) {
		inet_ntop(AF_INET, e->addr, a, sizeof a);
		snprintf(buf, size, "%s:%u", a, (unsigned)e->port);
	} else {
		inet_ntop(AF_INET6, e->addr, a, sizeof a);
		snprintf(buf, size, "[%s]:%u", a, (unsigned)e->port);
	}
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
	snprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12],
		 g[13], g[14], g[15]);
	return buf;
}

const char *fmt_time(const struct timeval *tv, char *buf, size_t size)
{
	struct tm tm;
	/* A capture may hold tv_usec >= 10^6: carry it into the seconds. */
	long usec = (long)tv->tv_usec;
	time_t t = tv->tv_sec + usec / 1000000;
	usec %= 1000000;
	if (usec < 0) {
		usec += 1000000;
		t--;
	}
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "%lld", (long long)tv->tv_sec);
		return buf;
	}
	char base[32];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06ldZ", base, usec);
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

/* Length of a valid UTF-8 sequence at s (1..4), or 0 (RFC 3629 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = (s[0] & 0xE0) == 0xC0   ? 2
		   : (s[0] & 0xF0) == 0xE0 ? 3
		   : (s[0] & 0xF8) == 0xF0 ? 4
					   : 0;
	if (n == 0 || (n == 2 && s[0] < 0xC2) || s[0] > 0xF4)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
	    (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
		return 0;
	return n;
}


void fmt_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fputc('\\', f);
			fputc(*s++, f);
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			size_t n = utf8_len(s);
			if (n == 0) { /* not UTF-8: the byte as Latin-1 */
				fprintf(f, "\\u%04x", *s++);
			} else {
				fwrite(s, 1, n, f);
				s += n;
			}
		}
	}
	fputc('"', f);
}

static void text_escape(FILE *f, const char *str, bool keep_backslash)
{
	const unsigned char *s = (const unsigned char *)str;
	while (*s) {
		size_t n = utf8_len(s);
		if (*s < 0x20 || *s == 0x7f || (*s == '\\' && !keep_backslash) || n == 0) {
			fprintf(f, "\\x%02x", *s++);
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
}

void fmt_text_string(FILE *f, const char *s) { text_escape(f, s, false); }

/* Windows account and NetBIOS domain names cannot hold a backslash, so the
 * one in DOMAIN\\user is printed as is. */
void fmt_text_who(FILE *f, const char *s) { text_escape(f, s, true); }

void fmt_csv_string(FILE *f, const char *s)
{
	/* RFC 4180: quoted, with quotes doubled. */
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
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
