/* Fuzz target: a TCP conversation on port 445 (or 139) built from the input.
 * The input is a sequence of records: one control byte (bit 7: direction,
 * bit 6: skip ahead in sequence space, bit 5: port 139, bits 0-4: length / 4
 * + 1 ... ) followed by that many payload bytes. Exercises tcp_reasm, nbss,
 * the SMB parsers and the conversation state with direction flips, gaps and
 * retransmissions, then the verdict. */
#include "fuzz.h"
#include "smbneg/conv.h"
#include "smbneg/verdict.h"

#include <string.h>

static void concluded(void *arg, const struct conv *c)
{
	struct verdict v;
	verdict_compute(c, &v);
	(void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conv_table t;
	struct conv_sink sink = {NULL, concluded, NULL};
	if (!conv_table_init(&t, &sink))
		return 0;
	uint32_t seq[2] = {1000, 50000};
	bool port139 = size > 0 && (data[0] & 0x20);
	size_t pos = 0;
	while (pos < size) {
		uint8_t ctl = data[pos++];
		int dir = ctl >> 7;
		size_t len = ((size_t)(ctl & 0x1f) + 1) * 4;
		if (len > size - pos)
			len = size - pos;
		struct tcp_seg s;
		memset(&s, 0, sizeof s);
		s.family = 4;
		s.src[0] = 10;
		s.src[3] = (uint8_t)(1 + dir);
		s.dst[0] = 10;
		s.dst[3] = (uint8_t)(2 - dir);
		uint16_t server = port139 ? 139 : 445;
		s.sport = dir ? server : 40000;
		s.dport = dir ? 40000 : server;
		if (ctl & 0x40)
			seq[dir] += len; /* leave a hole */
		s.seq = seq[dir];
		s.flags = TCP_ACK;
		s.data = data + pos;
		s.caplen = len;
		s.seglen = len;
		t.frame++;
		conv_table_segment(&t, &s);
		seq[dir] += (uint32_t)len;
		pos += len;
	}
	conv_table_free(&t);
	return 0;
}
