/* frame: the context of one captured frame, passed down the pipeline
 * (capture -> flow -> smb_conn -> events) instead of ambient table state. */
#ifndef SMBNEG_FRAME_H
#define SMBNEG_FRAME_H

#include <stdint.h>
#include <sys/time.h>

struct frame_ctx {
	uint64_t frame;      /* 1-based number in the input */
	struct timeval ts;   /* capture time */
	uint32_t caplen, len; /* bytes captured, bytes on the wire */
	const uint8_t *raw;  /* the captured frame; NULL when the context is not the
			      * frame being read (a message completed earlier) */
	int dlt;             /* link type (pcap_datalink) */
};

#endif
