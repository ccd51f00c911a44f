/* anomaly: named oddities found on the wire. Parsers set bits in a mask;
 * the conversation keeps the union; output renders the names. Never fatal. */
#ifndef SMBNEG_ANOMALY_H
#define SMBNEG_ANOMALY_H

#include <stdint.h>

enum anomaly {
	ANOM_TRUNCATED_MESSAGE,       /* bytes of an SMB message were not captured */
	ANOM_NBSS_BAD_HEADER,         /* an NBSS header with an unknown type or flags */
	ANOM_NBSS_RESYNC,             /* the stream was lost and found again */
	ANOM_NBSS_NEGATIVE_RESPONSE,  /* TCP 139 session request refused */
	ANOM_NOT_SMB,                 /* a session message without an SMB protocol id */
	ANOM_TCP_OVERLAP_CONFLICT,    /* retransmitted bytes differ from the first copy */
	ANOM_TCP_QUEUE_OVERFLOW,      /* out-of-order data beyond the cap was given up */
	ANOM_SMB1_BYTECOUNT,          /* WordCount/ByteCount exceed the message */
	ANOM_SMB1_DIALECT_FORMAT,     /* dialect buffer format is not 0x02 */
	ANOM_SMB1_DIALECT_UNTERMINATED,
	ANOM_SMB1_TOO_MANY_DIALECTS,  /* more dialects than are kept */
	ANOM_SMB1_DIALECT_INDEX,      /* DialectIndex outside the offered list */
	ANOM_SMB1_WORDCOUNT,          /* a Negotiate response WordCount not 1, 13 or 17 */
	ANOM_SECMODE_REQUIRED_WITHOUT_ENABLED,
	ANOM_SMB2_STRUCTURE_SIZE,
	ANOM_SMB2_DIALECT_COUNT,      /* zero dialects, or more than the message holds */
	ANOM_SMB2_DIALECT_NOT_OFFERED,
	ANOM_SMB2_SECMODE_ZERO,       /* response without SIGNING_ENABLED (MS-SMB2 3.3.5.4) */
	ANOM_SMB2_CONTEXT_OFFSET,     /* negotiate context offset/count outside the message */
	ANOM_SMB2_CONTEXT_LENGTH,     /* a context's DataLength runs past the end */
	ANOM_SMB2_CONTEXT_DATA,       /* a context's inner counts disagree with its length */
	ANOM_SMB2_CONTEXT_DUPLICATE,
	ANOM_SMB2_TOO_MANY_CONTEXTS,
	ANOM_SMB2_SECBUF_RANGE,       /* security buffer offset/length outside the message */
	ANOM_SMB2_NEXT_COMMAND,       /* NextCommand misaligned, backwards or past the end */
	ANOM_SMB2_SIGNED_NEGOTIATE,   /* a Negotiate with SMB2_FLAGS_SIGNED (MS-SMB2 3.3.5.2.4) */
	ANOM_NEGOTIATE_REPEATED,      /* a second Negotiate with different values */
	ANOM_SMB1_AFTER_SMB2,         /* SMB1 traffic after an SMB2 dialect was chosen */
	ANOM_MEMORY_BUDGET,           /* bytes held for a message given up: table budget full */
	ANOM_CAPTURE_DROPS,           /* live: the kernel dropped frames while it was open */
	ANOM_COUNT
};

typedef uint64_t anomaly_mask; /* bit (1 << enum anomaly) */
#define ANOM_BIT(a) ((anomaly_mask)1 << (a))

extern const char *const anomaly_names[ANOM_COUNT];

#endif
