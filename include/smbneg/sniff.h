/* sniff: what a file is, from its first bytes, when it is not a capture smbneg
 * reads: the foreign capture formats (Network Monitor, Windows ETL, snoop, ERF)
 * and compressions other than gzip and zstd, each named with the command that
 * converts it. */
#ifndef SMBNEG_SNIFF_H
#define SMBNEG_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum sniff_format {
	SNIFF_PCAP,    /* a1b2c3d4 and its variants: libpcap reads it */
	SNIFF_PCAPNG,  /* 0a0d0d0a: libpcap reads it */
	SNIFF_NETMON2, /* "GMBU" */
	SNIFF_NETMON1, /* "RTSS" */
	SNIFF_ETL,     /* an ETW WMI buffer header, then the logfile header event */
	SNIFF_SNOOP,   /* "snoop\0\0\0" (RFC 1761) */
	SNIFF_ERF,     /* two plausible ERF record headers in a row */
	SNIFF_BZIP2,
	SNIFF_XZ,
	SNIFF_LZ4,
	SNIFF_ZIP,
	SNIFF_EMPTY,
	SNIFF_UNKNOWN,
	SNIFF_COUNT
};

/* Recognise the first n content bytes of a file. */
enum sniff_format sniff_format(const uint8_t *p, size_t n);
/* A short name ("Microsoft Network Monitor 2.x capture"). */
const char *sniff_name(enum sniff_format f);
/* For a format smbneg does not read: write why and the conversion command for
 * path ("-" = stdin) to err and return true. False for pcap and pcapng. */
bool sniff_explain(enum sniff_format f, const char *path, const uint8_t *p, size_t n, char *err,
		   size_t errsize);

#endif
