/* conv: one SMB conversation per TCP connection, and the table of them.
 *
 * The table takes decoded TCP segments, runs each direction through
 * tcp_reasm and nbss, parses the SMB messages and records in the
 * conversation what decides signing. When a connection ends (FIN from both
 * sides, RST, eviction, end of input) it calls the `concluded` sink. */
#ifndef SMBNEG_CONV_H
#define SMBNEG_CONV_H

#include "smbneg/anomaly.h"
#include "smbneg/decode.h"
#include "smbneg/nbss.h"
#include "smbneg/smb1.h"
#include "smbneg/smb2.h"
#include "smbneg/tcp_reasm.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#define CONV_MAX_ACTIVE 32768 /* least recently used is concluded beyond this */
#define CONV_TOMBSTONES 1024 /* connections concluded as idle, remembered to not report twice */
#define CONV_MAX_KEPT_BYTES (1024 * 1024)          /* evidence frames kept per conversation */
#define CONV_MAX_KEPT_TOTAL (64 * 1024 * 1024)     /* ... and in all */

struct endpoint {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
	uint16_t port;
};

/* Where one Negotiate message came from, for the `negotiate` event. */
enum neg_kind {
	NEG_SMB1_REQUEST,
	NEG_SMB1_RESPONSE,
	NEG_SMB2_REQUEST,
	NEG_SMB2_RESPONSE,
};

struct neg_event {
	enum neg_kind kind;
	uint64_t frame;     /* the frame that brought the message's last captured byte */
	bool truncated;     /* bytes of the message were not captured */
	struct timeval ts;
	const struct smb1_header *h1; /* SMB1 kinds */
	const struct smb2_header *h2; /* SMB2 kinds */
	const struct smb1_negotiate_request *smb1_req;
	const struct smb1_negotiate_response *smb1_resp;
	const struct smb2_negotiate_request *smb2_req;
	const struct smb2_negotiate_response *smb2_resp;
	const char *smb1_dialect; /* chosen name (response), or NULL */
};

/* Counters by who sent the message. */
struct conv_counts {
	uint32_t signed_msgs, unsigned_msgs;
};

/* SMB state, allocated at the first SMB message of a connection. */
struct conv_smb {
	int version; /* 1 or 2 once a Negotiate decided it, else 0 */
	bool smb1_req_seen, smb1_resp_seen, smb2_req_seen, smb2_resp_seen;
	uint16_t smb1_req_flags2;
	struct smb1_negotiate_request smb1_req;
	struct smb1_negotiate_response smb1_resp;
	struct smb2_negotiate_request smb2_req;
	struct smb2_negotiate_response smb2_resp;
	uint32_t smb1_resp_status, smb2_resp_status;
	char smb1_dialect[SMB1_DIALECT_NAME_MAX + 1];

	/* Session Setup */
	bool sess_req_seen;
	uint16_t sess_req_flags2;        /* SMB1: Flags2 of the first Session Setup request */
	bool smb2_sess_req_seen;
	uint8_t sess_req_security_mode;  /* SMB2 */
	bool session_ok;                 /* a Session Setup succeeded */
	bool session_guest, session_null;
	uint32_t session_fail_status;    /* last failing Session Setup status */

	/* Messages after Negotiate, by sender (0 client, 1 server). */
	struct conv_counts after_negotiate[2];
	/* Ordinary messages after a successful Session Setup: not Negotiate,
	 * Session Setup, Tree Connect, Validate Negotiate, interim or
	 * unsolicited responses (which follow their own signing rules). */
	struct conv_counts ordinary[2];
	uint32_t encrypted[2], compressed[2];

	/* What the client saw. */
	bool tree_connect_ok;
	uint32_t tree_connect_status; /* first failing Tree Connect / Trans2 status */
	bool invalid_signature;
	uint64_t invalid_signature_frame;
	bool guest_blocked_status;    /* STATUS_SMB_GUEST_LOGON_BLOCKED or NO_SIGNING_ALGORITHM_OVERLAP */
	uint32_t guest_blocked_code;

	/* Secure Negotiate (MS-SMB2 3.3.5.15.12) */
	bool vn_req_seen, vn_resp_seen, vn_resp_signed;
	uint64_t vn_pending_mid;       /* MessageId of the last VALIDATE_NEGOTIATE request */
	uint32_t vn_status;
	struct smb2_validate_negotiate vn_req, vn_resp;
};

struct conv_table;
struct conv;

/* A raw frame kept as evidence for `-w` (pcap record header and bytes). */
struct kept_frame {
	struct kept_frame *next;
	struct timeval ts;
	uint32_t caplen, len;
	uint8_t data[];
};

/* Callback argument for one direction of a conversation. */
struct conv_link {
	struct conv *c;
	int dir;
};

struct conv {
	struct conv *hnext;             /* hash chain */
	struct conv *older, *newer;     /* LRU list */
	struct conv_table *table;
	uint64_t id;                    /* order of creation, from 1 */
	struct endpoint ep[2];          /* ep[0] sent the first segment seen (or the SYN) */
	int client;                     /* index in ep of the client: the Negotiate requester; -1 unknown */
	bool netbios_139;
	bool syn_seen, fin[2], rst;
	uint64_t first_frame, last_frame;
	struct timeval first_ts, last_ts;
	struct reasm_dir tcp[2];
	struct nbss_dir nbss[2];
	struct conv_link link[2];       /* callback arguments per direction */
	uint64_t data_frame[2];         /* frame of the last byte handed on, per direction */
	uint64_t msg_frame;             /* frame of the message being parsed */
	bool msg_truncated;             /* the message being parsed lost bytes */
	anomaly_mask anomalies;
	struct conv_smb *smb;           /* NULL until an SMB message */
	struct kept_frame *kept, *kept_tail; /* evidence frames, when the table keeps them */
	size_t kept_bytes;
	bool kept_incomplete;           /* a frame was not kept (a cap was reached) */
};

struct conv_sink {
	void (*negotiate)(void *arg, const struct conv *c, int sender, const struct neg_event *e);
	void (*concluded)(void *arg, const struct conv *c);
	void *arg;
};

struct conv_stats {
	uint64_t frames, tcp_segments, not_tcp, fragments, truncated, malformed;
	uint64_t connections, smb_connections, evicted;
	uint64_t after_idle;  /* segments of connections already concluded as idle */
};

struct conv_table {
	struct conv **buckets;
	size_t nbuckets;
	size_t active;
	size_t max_active;
	struct conv *oldest, *newest;
	uint64_t next_id;
	uint64_t frame;          /* frame number being processed (1-based) */
	struct timeval ts;
	/* The raw frame being processed, kept per conversation when keep_frames. */
	int dlt;                 /* link type of the input (pcap_datalink) */
	bool keep_frames;
	const uint8_t *raw;
	uint32_t raw_caplen, raw_len;
	size_t kept_total;
	size_t queued_total;     /* out-of-order bytes queued by all conversations */
	/* Tuples concluded by conv_table_expire: their later segments (without
	 * SYN) are ignored rather than reported again as a mid-stream start. */
	uint64_t tombstones[CONV_TOMBSTONES];
	unsigned tombstone_next;
	struct conv_sink sink;
	struct conv_stats stats;
};

/* Returns false when memory for the buckets cannot be had. */
bool conv_table_init(struct conv_table *t, const struct conv_sink *sink);
/* One decoded frame (after decode_frame): frame number and time set first. */
void conv_table_segment(struct conv_table *t, const struct tcp_seg *seg);
/* Conclude every open conversation, in order of creation. */
void conv_table_flush(struct conv_table *t);
/* Conclude conversations with no frame for more than idle_secs before now. */
void conv_table_expire(struct conv_table *t, const struct timeval *now, long idle_secs);
void conv_table_free(struct conv_table *t);

/* The endpoints as client/server: the client is the Negotiate requester,
 * else the SYN sender, else the side not on port 445/139. */
const struct endpoint *conv_client(const struct conv *c);
const struct endpoint *conv_server(const struct conv *c);
/* ep index of the client, with the fallbacks above. */
int conv_client_index(const struct conv *c);

#endif
