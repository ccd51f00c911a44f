/* Fuzz target: a sequence of records through every indicator rule with one
 * shared per-conversation state. Each record, read through rd:
 *   kind(1) length(2, LE) bytes[length]
 * kind & 3: 0 an SMB1 message (header first), 1 a message starting "\xfcSMB"
 * (its declared length is length + the next record's first byte), 2 the kept
 * prefix of an NBSS message (declared length 0xFFF7 + bytes[0] << 8, completed
 * when kind & 4), 3 an NTLM challenge (8 bytes). */
#include "fuzz.h"
#include "smbneg/indicators.h"
#include "smbneg/smb1.h"

static void one(struct indicator_state *s, uint8_t kind, struct rd *m, uint32_t extra)
{
	switch (kind & 3) {
	case 0: {
		struct smb1_header h;
		if (smb1_parse_header(m, &h) == SMB_PARSE_OK)
			(void)indicators_smb1(s, &h, m);
		break;
	}
	case 1:
		(void)indicators_smb2_compressed(s, m, (uint32_t)m->len + extra);
		break;
	case 2: {
		struct rd p = *m;
		uint32_t declared = 0xFFF7u + ((uint32_t)rd_u8(&p) << 8);
		(void)indicators_nbss(s, declared, m, (kind & 4) != 0);
		break;
	}
	default: {
		uint8_t ch[8];
		if (rd_bytes(m, ch, sizeof ch))
			(void)indicators_challenge(s, ch);
		break;
	}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct indicator_state s = {0};
	struct rd r = rd_init(data, size);
	while (rd_left(&r) >= 3) {
		uint8_t kind = rd_u8(&r);
		uint16_t len = rd_le16(&r);
		if (len > rd_left(&r))
			len = (uint16_t)rd_left(&r);
		struct rd m = rd_sub(&r, len);
		const uint8_t *next = rd_peek(&r, 1);
		one(&s, kind, &m, next ? next[0] : 0);
	}
	return 0;
}
