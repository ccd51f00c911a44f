/* indicators: known SMB attacks recognised from wire bytes (README "JSON
 * schema": indicators; sources in indicators.c).
 *
 * Pure functions: each takes a bounded reader over one SMB message (or the
 * NBSS facts of one message) and a small per-conversation state, and returns
 * the indicator bits the message raises (also ORed into state->fired). They
 * never print and never allocate. The rules and their public sources are in
 * src/indicators.c, beside the code that decides them. */
#ifndef SMBNEG_INDICATORS_H
#define SMBNEG_INDICATORS_H

#include "smbneg/rd.h"
#include "smbneg/smb1.h"
#include "smbneg/tok.h"

#include <stdbool.h>
#include <stdint.h>

/* Names are a contract (README "JSON schema"); the table indicator_bits spells them once. */
enum indicator {
	IND_NTLM_FIXED_CHALLENGE, /* "ntlm-fixed-challenge" */
	IND_NTLM_RELAY,		  /* "ntlm-relay" (set by the caller from relay.h) */
	IND_MS17_010_PROBE,	  /* "ms17-010-probe" */
	IND_MS17_010_VULNERABLE,  /* "ms17-010-vulnerable" */
	IND_DOUBLEPULSAR_PROBE,	  /* "doublepulsar-probe" */
	IND_DOUBLEPULSAR_IMPLANT, /* "doublepulsar-implant" */
	IND_ETERNALBLUE_EXPLOIT,  /* "eternalblue-exploit" */
	IND_SMBGHOST_EXPLOIT,	  /* "smbghost-exploit" */
	IND_COUNT
};

typedef uint32_t indicator_mask; /* bit (1 << enum indicator) */
#define IND_BIT(i) ((indicator_mask)1 << (i))

/* {IND_BIT(i), name} for every indicator, in enum order, NULL-terminated:
 * drives text and JSON alike (tok_each_bit). */
extern const struct tok indicator_bits[];
/* Name of one indicator, NULL when out of range. */
const char *indicator_name(enum indicator i);

/* Transaction subcommands (MS-CIFS 2.2.2.2) and Transaction2 subcommands
 * (2.2.2.3) the rules look at; SMB1 commands and statuses are in smb_const.h. */
#define IND_TRANS_PEEK_NMPIPE 0x0023		 /* MS-CIFS 2.2.5.5 */
#define IND_TRANS2_SESSION_SETUP 0x000E		 /* MS-CIFS 2.2.6.15 (reserved) */
/* SMB2 COMPRESSION_TRANSFORM_HEADER, MS-SMB2 2.2.42 (16 bytes, unchained):
 *  0 ProtocolId "\xfcSMB"  4 OriginalCompressedSegmentSize(4)
 *  8 CompressionAlgorithm(2)  10 Flags(2)  12 Offset (or Length if chained)(4) */
#define IND_SMB2_COMPRESSION_HEADER_SIZE 16
#define IND_SMB2_COMPRESSION_FLAG_CHAINED 0x0001
/* A decompressed SMB2 message must still fit the 24-bit Direct TCP length
 * (MS-SMB2 2.1): anything above is not a message a peer could have sent. */
#define IND_SMB2_COMPRESSED_MAX 0x00FFFFFFu
/* EternalBlue grooming: NBSS lengths about 0xFFF7 (see src/indicators.c). */
#define IND_GROOM_LEN_MIN 0xFF00u
#define IND_GROOM_LEN_MAX 0x1FFFFu

/* Per-conversation memory of the requests whose answer or continuation a
 * rule waits for (the last one of each kind; zero-initialise). */
struct indicator_state {
	bool peek_pending; /* Trans PeekNamedPipe on FID 0 sent ... */
	uint16_t peek_mid; /* ... with this MID */
	bool dp_pending;   /* Trans2 SESSION_SETUP sent ... */
	uint16_t dp_mid;   /* ... with this MID */
	bool nt_pending;   /* NT Transact request seen ... */
	bool nt_oversized; /* ... declaring more data than a Trans2 can hold */
	uint16_t nt_pid, nt_mid, nt_tid, nt_uid; /* its <PID, MID, TID, UID> */
	indicator_mask fired;			 /* union of everything raised so far */
};

/* One SMB1 message: h from smb1_parse_header(), body the same reader as that
 * call left it (positioned after the 32-byte header, its buffer starting at
 * the header, since SMB1 offsets count from it). A truncated or malformed
 * message raises nothing it cannot prove. */
indicator_mask indicators_smb1(struct indicator_state *s, const struct smb1_header *h,
			       const struct rd *body);

/* One message that starts "\xfcSMB" (COMPRESSION_TRANSFORM_HEADER): msg over
 * the kept bytes from its first byte, msg_len the length NBSS declared. */
indicator_mask indicators_smb2_compressed(struct indicator_state *s, const struct rd *msg,
					  uint32_t msg_len);

/* The NBSS facts of one message: the declared length, a reader over the
 * first bytes kept, and whether the whole message arrived (false when the
 * stream ended or was lost inside it). Raises the EternalBlue grooming rule. */
indicator_mask indicators_nbss(struct indicator_state *s, uint32_t declared_len,
			       const struct rd *kept, bool completed);

/* The 8-byte ServerChallenge of an NTLMSSP CHALLENGE (MS-NLMP 2.2.1.2):
 * 0x4141414141414141, 0x1122334455667788 or 0xAAAAAAAAAAAAAAAA. */
indicator_mask indicators_challenge(struct indicator_state *s, const uint8_t challenge[8]);

#endif
