/* decode: link layer, IPv4/IPv6 and TCP headers of one captured frame. */
#ifndef SMBNEG_DECODE_H
#define SMBNEG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_ACK 0x10

/* One TCP segment as seen in a frame. */
struct tcp_seg {
	uint8_t family; /* 4 or 6 */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	const uint8_t *data; /* captured payload bytes */
	size_t caplen;       /* bytes of payload captured */
	size_t seglen;       /* bytes of payload on the wire (>= caplen under a snaplen) */
};

enum decode_result {
	DECODE_TCP,         /* seg is filled */
	DECODE_NOT_TCP,     /* another protocol: ignore */
	DECODE_FRAGMENT,    /* an IP fragment: skipped and counted */
	DECODE_TRUNCATED,   /* headers cut off by the snaplen */
	DECODE_MALFORMED,   /* a header contradicts itself */
	DECODE_BAD_LINK,    /* a link type this module cannot decode */
};

extern const char *const decode_result_names[];

/* Is this DLT_ value one decode_frame understands? */
bool decode_link_supported(int dlt);
/* Decode one frame of link type dlt (pcap_datalink()). */
enum decode_result decode_frame(int dlt, const uint8_t *frame, size_t caplen, struct tcp_seg *seg);

#endif
