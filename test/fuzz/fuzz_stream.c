/* Fuzz target: a TCP conversation on port 445 (or 139) built from the input.
 * The input is a sequence of records: one control byte (bit 7: direction,
 * bit 6: skip ahead in sequence space, bit 5: port 139, bits 0-4: length / 4
 * + 1 ... ) followed by that many payload bytes. Exercises tcp_reasm, nbss,
 * the SMB parsers and the conversation state with direction flips, gaps and
 * retransmissions, then the verdict. */
#include "fuzz.h"
#include "smbneg/flow.h"
#include "smbneg/smb_conn.h"
#include "smbneg/verdict.h"

#include <string.h>

static void message(void *arg, struct conv *c, int dir, const struct nbss_msg *m,
		    const struct frame_ctx *f)
{
	(void)arg;
	smb_conn_message(c, dir, m, f, NULL);
}

static size_t keep(void *arg, const struct rd *prefix)
{
	(void)arg;
	return smb_conn_keep_limit(prefix);
}

static void concluded(void *arg, struct conv *c)
{
	struct verdict v;
	if (c->smb)
		verdict_compute(c, &v);
	smb_conn_free(c);
	(void)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct flow_table t;
	struct flow_ops ops = {message, keep, NULL, concluded, NULL, NULL};
	if (!flow_table_init(&t, &ops))
		return 0;
	struct frame_ctx f = {0, {0, 0}, 0, 0, NULL, -1};
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
		f.frame++;
		flow_table_segment(&t, &s, &f);
		seq[dir] += (uint32_t)len;
		pos += len;
	}
	flow_table_free(&t);
	return 0;
}
