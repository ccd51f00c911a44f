/* ntlmssp: NTLM authentication messages (MS-NLMP 2.2.1.1-2.2.1.3, 2.2.2),
 * decoded through rd into plain data (no pointers into packet memory). */
#ifndef SMBNEG_NTLMSSP_H
#define SMBNEG_NTLMSSP_H

#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */

#include <stdbool.h>
#include <stdint.h>

#define NTLM_NAME_MAX 64   /* NetBIOS names, NEGOTIATE supplied names */
#define NTLM_STR_MAX 128   /* user, domain, workstation, DNS names, SPN */
#define NTLM_MAX_AV_PAIRS 64

/* MS-NLMP 2.2.2.5 NegotiateFlags (the ones decisions use). */
#define NTLMSSP_NEGOTIATE_UNICODE 0x00000001u
#define NTLMSSP_NEGOTIATE_OEM 0x00000002u
#define NTLMSSP_NEGOTIATE_SIGN 0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL 0x00000020u
#define NTLMSSP_NEGOTIATE_NTLM 0x00000200u
#define NTLMSSP_NEGOTIATE_ANONYMOUS 0x00000800u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN 0x00008000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO 0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION 0x02000000u
#define NTLMSSP_NEGOTIATE_128 0x20000000u
#define NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u
#define NTLMSSP_NEGOTIATE_56 0x80000000u

/* MS-NLMP 2.2.2.1 AvId */
enum ntlm_av_id {
	MSV_AV_EOL = 0,
	MSV_AV_NB_COMPUTER_NAME = 1,
	MSV_AV_NB_DOMAIN_NAME = 2,
	MSV_AV_DNS_COMPUTER_NAME = 3,
	MSV_AV_DNS_DOMAIN_NAME = 4,
	MSV_AV_DNS_TREE_NAME = 5,
	MSV_AV_FLAGS = 6,
	MSV_AV_TIMESTAMP = 7,
	MSV_AV_SINGLE_HOST = 8,
	MSV_AV_TARGET_NAME = 9,
	MSV_AV_CHANNEL_BINDINGS = 10,
};
#define MSV_AV_FLAG_MIC_PRESENT 0x00000002u /* MS-NLMP 2.2.2.1 MsvAvFlags */

/* MS-NLMP 2.2.2.10 VERSION */
struct ntlm_version {
	bool present;  /* the fixed part leaves room for it before the payload */
	uint8_t major, minor;
	uint16_t build;
	uint8_t revision; /* NTLMSSP_REVISION_W2K3 = 15 */
};

/* MS-NLMP 2.2.2.1 AV_PAIR list (CHALLENGE TargetInfo, NTLMv2 client blob). */
struct ntlm_av_info {
	uint16_t count;        /* pairs seen, up to NTLM_MAX_AV_PAIRS */
	bool has_eol;          /* ended with MsvAvEOL */
	uint32_t present;      /* bit (1 << AvId) per pair seen (AvId < 32), even when empty */
	char nb_computer[NTLM_NAME_MAX];
	char nb_domain[NTLM_NAME_MAX];
	char dns_computer[NTLM_STR_MAX];
	char dns_domain[NTLM_STR_MAX];
	char dns_tree[NTLM_STR_MAX];
	char target_name[NTLM_STR_MAX]; /* MsvAvTargetName: the SPN, "cifs/host" */
	bool has_flags, has_timestamp;
	uint32_t flags;        /* MsvAvFlags */
	uint64_t timestamp;    /* MsvAvTimestamp, FILETIME */
};

struct ntlm_negotiate {
	char domain[NTLM_NAME_MAX];      /* supplied (OEM), often empty */
	char workstation[NTLM_NAME_MAX];
};

struct ntlm_challenge {
	char target_name[NTLM_STR_MAX];
	uint8_t server_challenge[8];
	bool has_target_info;
	uint16_t target_info_len;
	struct ntlm_av_info info;
};

struct ntlm_authenticate {
	uint16_t lm_len, nt_len;         /* LmChallengeResponse / NtChallengeResponse */
	bool lm_is_z1;                   /* LM response is one zero byte (MS-NLMP 3.2.5.1.2) */
	bool ntlmv2;                     /* NT response longer than 24 bytes */
	uint8_t nt_proof_str[16];        /* NTLMv2: first 16 bytes of the NT response */
	uint8_t client_challenge[8];     /* NTLMv2 blob ChallengeFromClient */
	uint64_t client_timestamp;       /* NTLMv2 blob TimeStamp (FILETIME) */
	struct ntlm_av_info info;        /* NTLMv2 blob AV pairs (MsvAvFlags, SPN...) */
	char domain[NTLM_STR_MAX];
	char user[NTLM_STR_MAX];
	char workstation[NTLM_STR_MAX];
	bool user_empty;
	uint16_t session_key_len;        /* EncryptedRandomSessionKey */
	bool has_mic;                    /* 16-byte MIC field before the payload */
	bool mic_flagged;                /* MsvAvFlags says a MIC is provided */
	bool anonymous;                  /* empty user, empty NT, empty or Z(1) LM */
};

struct ntlmssp_msg {
	uint32_t type;          /* 1 NEGOTIATE, 2 CHALLENGE, 3 AUTHENTICATE */
	uint32_t flags;         /* NegotiateFlags */
	struct ntlm_version version;
	bool cut;               /* a string was cut to fit its array */
	bool field_range;       /* a payload field lies outside the message */
	union {                 /* the member named by `type` (zeroed otherwise) */
		struct ntlm_negotiate negotiate;
		struct ntlm_challenge challenge;
		struct ntlm_authenticate auth;
	} u;
};

/* True when p (n bytes) starts with "NTLMSSP\0". */
bool ntlmssp_is(const uint8_t *p, size_t n);
/* Decode one message; r covers exactly the message (offsets inside it are
 * counted from its first byte, MS-NLMP 2.2.1). Returns SMB_PARSE_OK,
 * SMB_PARSE_TRUNCATED (fixed part or a payload field past the end; facts read
 * so far are kept) or SMB_PARSE_MALFORMED (no signature, unknown type). */
enum smb_parse ntlmssp_parse(struct rd *r, struct ntlmssp_msg *m);

#endif
