/* smb1: SMB1 (MS-CIFS / MS-SMB) header and the messages that decide signing. */
#ifndef SMBNEG_SMB1_H
#define SMBNEG_SMB1_H

#include "smbneg/anomaly.h"
#include "smbneg/rd.h"

#include <stdbool.h>
#include <stdint.h>

#define SMB1_MAX_DIALECTS 24      /* dialect names kept; more are counted */
#define SMB1_DIALECT_NAME_MAX 40  /* bytes kept of each name */

enum smb_parse {
	SMB_PARSE_OK,
	SMB_PARSE_TRUNCATED, /* the message ends before its fixed part does */
	SMB_PARSE_MALFORMED, /* not this message at all (wrong magic or size) */
};

/* MS-CIFS 2.2.3.1 */
struct smb1_header {
	uint8_t command;
	uint32_t status; /* NTSTATUS when FLAGS2_NT_STATUS, else class/code */
	uint8_t flags;
	uint16_t flags2;
	uint8_t signature[8];
	uint16_t tid, pid_low, uid, mid;
};

/* MS-CIFS 2.2.4.52.1 */
struct smb1_negotiate_request {
	unsigned dialect_count; /* all offered */
	unsigned dialects_kept; /* min(dialect_count, SMB1_MAX_DIALECTS) */
	char dialects[SMB1_MAX_DIALECTS][SMB1_DIALECT_NAME_MAX + 1]; /* raw OEM bytes */
	anomaly_mask anomalies;
};

/* MS-CIFS 2.2.4.52.2, MS-SMB 2.2.4.5.2 */
struct smb1_negotiate_response {
	uint8_t word_count;         /* 1 core, 13 LANMAN, 17 NT LM 0.12 */
	uint16_t dialect_index;     /* 0xFFFF: none accepted */
	bool has_security_mode;
	uint16_t security_mode;     /* u8 for NT LM 0.12, u16 for LANMAN */
	uint16_t max_mpx_count, max_number_vcs;
	uint32_t max_buffer_size, max_raw_size, session_key, capabilities;
	uint64_t system_time;       /* FILETIME (NT LM 0.12) */
	int16_t server_time_zone;   /* minutes from UTC */
	uint8_t challenge_length;
	bool extended_security;     /* ServerGUID + security blob follow */
	uint8_t server_guid[16];
	uint16_t security_blob_length;
	uint8_t challenge[8];
	char domain_name[128];      /* UTF-8 */
	anomaly_mask anomalies;
};


/* True when p (n bytes) starts with "\xffSMB". */
bool smb1_is_smb1(const uint8_t *p, size_t n);
enum smb_parse smb1_parse_header(struct rd *r, struct smb1_header *h);
/* r is positioned after the header. */
enum smb_parse smb1_parse_negotiate_request(struct rd *r, struct smb1_negotiate_request *q);
/* flags2 of the response header decides Unicode strings. */
enum smb_parse smb1_parse_negotiate_response(struct rd *r, uint16_t flags2,
					     struct smb1_negotiate_response *s);
/* A message counts as signed when its SecuritySignature is neither zero nor
 * the "BSRSPYL " placeholder (MS-CIFS 3.1.5.1). FLAGS2_SECURITY_SIGNATURE is
 * not required: Windows sets it on signed messages, Samba 4.17 does not. */
bool smb1_is_signed(const struct smb1_header *h);

#endif
