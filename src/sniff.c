/* sniff: recognising capture formats by their first bytes (see include/smbneg/sniff.h). */
#include "smbneg/sniff.h"

#include "smbneg/rd.h"

#include <stdio.h>
#include <string.h>

/* Fixed magic numbers at offset 0. */
static const struct {
	enum sniff_format f;
	size_t len;
	const char *magic;
} magics[] = {
    {SNIFF_PCAP, 4, "\xa1\xb2\xc3\xd4"}, /* microseconds, big-endian */
    {SNIFF_PCAP, 4, "\xd4\xc3\xb2\xa1"}, /* microseconds, little-endian */
    {SNIFF_PCAP, 4, "\xa1\xb2\x3c\x4d"}, /* nanoseconds */
    {SNIFF_PCAP, 4, "\x4d\x3c\xb2\xa1"},
    {SNIFF_PCAPNG, 4, "\x0a\x0d\x0d\x0a"}, /* Section Header Block */
    {SNIFF_NETMON2, 4, "GMBU"},		   /* NetMon 2.x file header */
    {SNIFF_NETMON1, 4, "RTSS"},		   /* NetMon 1.x file header */
    {SNIFF_SNOOP, 8, "snoop\0\0\0"},	   /* RFC 1761 2.1 */
    {SNIFF_BZIP2, 3, "BZh"},
    {SNIFF_XZ, 6,
     "\xfd"
     "7zXZ\0"},
    {SNIFF_LZ4, 4, "\x04\x22\x4d\x18"},
    {SNIFF_ZIP, 4, "PK\x03\x04"},
};

static const char *const names[SNIFF_COUNT] = {
    [SNIFF_PCAP] = "pcap capture",
    [SNIFF_PCAPNG] = "pcapng capture",
    [SNIFF_NETMON2] = "Microsoft Network Monitor 2.x capture",
    [SNIFF_NETMON1] = "Microsoft Network Monitor 1.x capture",
    [SNIFF_ETL] = "Windows ETL trace (pktmon, netsh trace)",
    [SNIFF_SNOOP] = "Solaris snoop capture",
    [SNIFF_ERF] = "Endace ERF capture",
    [SNIFF_BZIP2] = "bzip2-compressed file",
    [SNIFF_XZ] = "xz-compressed file",
    [SNIFF_LZ4] = "lz4-compressed file",
    [SNIFF_ZIP] = "zip archive",
    [SNIFF_EMPTY] = "empty file",
    [SNIFF_UNKNOWN] = "file of unknown format",
};

const char *sniff_name(enum sniff_format f)
{
	return f < SNIFF_COUNT ? names[f] : names[SNIFF_UNKNOWN];
}

/* An ETL file is a sequence of ETW buffers. The first starts with a
 * WMI_BUFFER_HEADER (0x48 bytes: BufferSize, SavedOffset, CurrentOffset, ...),
 * then the trace's logfile header event: a SYSTEM_TRACE_HEADER (0x20 bytes)
 * whose marker is Version 2, HeaderType 1 or 2 (system, 32/64-bit), Flags 0xC0
 * (TRACE_HEADER_FLAG | TRACE_HEADER_EVENT_TRACE), HookId 0 (the group header,
 * type info), followed by TRACE_LOGFILE_HEADER, which repeats BufferSize. */
#define ETL_SYSTEM_HEADER 0x48
#define ETL_LOGFILE_HEADER (0x48 + 0x20)

static bool is_etl(const uint8_t *p, size_t n)
{
	struct rd r = rd_init(p, n);
	uint32_t size = rd_le32(&r), saved = rd_le32(&r), current = rd_le32(&r);
	struct rd m = rd_at(&r, ETL_SYSTEM_HEADER, 8);
	uint16_t version = rd_le16(&m);
	uint8_t type = rd_u8(&m), flags = rd_u8(&m);
	rd_le16(&m); /* event size */
	uint16_t hook = rd_le16(&m);
	struct rd lf = rd_at(&r, ETL_LOGFILE_HEADER, 4);
	uint32_t logfile_size = rd_le32(&lf);
	return rd_ok(&r) && rd_ok(&m) && rd_ok(&lf) && size >= 1024 && size <= (64u << 20) &&
	       size % 1024 == 0 && saved <= size && current <= size && version == 2 &&
	       (type == 1 || type == 2) && flags == 0xc0 && hook == 0 && logfile_size == size;
}

#define ERF_HDR 16
#define ERF_TYPE_MAX 48 /* highest type code assigned so far, with margin */
#define YEAR_2000 946684800u
#define YEAR_2100 4102444800u

/* One ERF record header (ERF spec: timestamp LE 32.32 fixed point, type,
 * flags, rlen BE, lctr BE, wlen BE); its length and seconds, false if implausible. */
static bool erf_record(struct rd *r, uint16_t *rlen, uint32_t *secs)
{
	rd_le32(r); /* fraction of a second */
	*secs = rd_le32(r);
	uint8_t type = rd_u8(r) & 0x7f; /* bit 7: extension headers follow */
	rd_u8(r);			/* flags */
	*rlen = rd_be16(r);
	rd_be16(r); /* loss counter or colour */
	rd_be16(r); /* wire length */
	return rd_ok(r) && type >= 1 && type <= ERF_TYPE_MAX && *rlen >= ERF_HDR &&
	       *secs >= YEAR_2000 && *secs < YEAR_2100;
}

/* ERF has no magic: only say so when two records in a row look right and the
 * second is no earlier than the first and within a day of it. */
static bool is_erf(const uint8_t *p, size_t n)
{
	struct rd r = rd_init(p, n);
	uint16_t len1, len2;
	uint32_t t1, t2;
	if (!erf_record(&r, &len1, &t1))
		return false;
	struct rd second = rd_at(&r, len1, ERF_HDR);
	return erf_record(&second, &len2, &t2) && t2 >= t1 && t2 - t1 < 86400;
}

enum sniff_format sniff_format(const uint8_t *p, size_t n)
{
	if (n == 0)
		return SNIFF_EMPTY;
	struct rd r = rd_init(p, n);
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		const uint8_t *m = rd_peek(&r, magics[i].len);
		if (m && memcmp(m, magics[i].magic, magics[i].len) == 0)
			return magics[i].f;
	}
	if (is_etl(p, n))
		return SNIFF_ETL;
	if (is_erf(p, n))
		return SNIFF_ERF;
	return SNIFF_UNKNOWN;
}

/* path as a shell word: quoted unless it is plain. */
static void shell_word(const char *path, char *dst, size_t size)
{
	bool plain = *path != '\0';
	for (const char *s = path; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-",
			    *s))
			plain = false;
	snprintf(dst, size, plain || strchr(path, '\'') ? "%s" : "'%s'", path);
}

/* The converted file's name: path without its compression suffix and its
 * extension, plus .pcapng ("capture.pcapng" for stdin). */
static void out_name(const char *path, char *dst, size_t size)
{
	static const char *const strip[] = {".gz",    ".zst", ".cap", ".etl",
					    ".snoop", ".erf", ".dmp"};
	char base[1024];
	snprintf(base, sizeof base, "%s", strcmp(path, "-") == 0 ? "capture" : path);
	for (size_t i = 0; i < sizeof strip / sizeof strip[0]; i++) {
		size_t bl = strlen(base), sl = strlen(strip[i]);
		if (bl > sl && strcmp(base + bl - sl, strip[i]) == 0)
			base[bl - sl] = '\0';
	}
	char out[1100];
	snprintf(out, sizeof out, "%s.pcapng", base);
	shell_word(out, dst, size);
}

bool sniff_explain(enum sniff_format f, const char *path, const uint8_t *p, size_t n, char *err,
		   size_t errsize)
{
	char in[1100], out[1200];
	shell_word(path, in, sizeof in);
	out_name(path, out, sizeof out);
	const char *name = sniff_name(f);
	switch (f) {
	case SNIFF_PCAP:
	case SNIFF_PCAPNG:
		return false;
	case SNIFF_NETMON2:
		/* NetMon 2.x files can also hold Windows ETW events (NDIS packet
		 * capture, as netsh trace and Message Analyzer save them): Wireshark
		 * reads the frames inside but cannot write them as pcapng. */
		snprintf(err, errsize,
			 "a %s, which smbneg does not read; convert it with Wireshark's "
			 "editcap: editcap -F pcapng %s %s (if editcap says the file \"can't "
			 "be written as a pcapng file\", it holds Windows ETW events: convert "
			 "the .etl it came from with etl2pcapng or pktmon etl2pcap instead)",
			 name, in, out);
		return true;
	case SNIFF_NETMON1:
	case SNIFF_SNOOP:
	case SNIFF_ERF:
		snprintf(err, errsize,
			 "a %s, which smbneg does not read; convert it with Wireshark's "
			 "editcap: editcap -F pcapng %s %s",
			 name, in, out);
		return true;
	case SNIFF_ETL:
		snprintf(err, errsize,
			 "a %s, which smbneg does not read; convert it on Windows: "
			 "pktmon etl2pcap %s --out %s (or etl2pcapng %s %s)",
			 name, in, out, in, out);
		return true;
	case SNIFF_BZIP2:
	case SNIFF_XZ:
	case SNIFF_LZ4:
		snprintf(err, errsize,
			 "a %s; smbneg decompresses gzip and zstd itself, not this: "
			 "%s -dc %s | smbneg -r -",
			 name,
			 f == SNIFF_BZIP2 ? "bzip2"
			 : f == SNIFF_XZ  ? "xz"
					  : "lz4",
			 in);
		return true;
	case SNIFF_ZIP:
		snprintf(err, errsize, "a zip archive; extract it first: unzip %s", in);
		return true;
	case SNIFF_EMPTY:
		snprintf(err, errsize, "an empty file, not a capture");
		return true;
	case SNIFF_UNKNOWN:
	case SNIFF_COUNT:
	default:
		break;
	}
	char hex[3 * 8 + 1] = "";
	struct rd r = rd_init(p, n);
	for (size_t i = 0; i < 8 && rd_left(&r); i++) {
		size_t len = strlen(hex);
		snprintf(hex + len, sizeof hex - len, "%s%02x", i ? " " : "", rd_u8(&r));
	}
	snprintf(err, errsize,
		 "unknown file format (first bytes %s); smbneg reads pcap and "
		 "pcapng captures, plain or gzip/zstd compressed",
		 hex);
	return true;
}
