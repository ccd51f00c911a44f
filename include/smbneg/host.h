/* host: the per-server inventory (--hosts), built from concluded
 * conversations: who does not require signing (NTLM relay targets), who still
 * speaks SMB1, who hands out guest sessions, who was seen downgraded. */
#ifndef SMBNEG_HOST_H
#define SMBNEG_HOST_H

#include "smbneg/conv.h"
#include "smbneg/facts.h"
#include "smbneg/verdict.h"

#include <stdbool.h>
#include <stdint.h>

#define HOST_MAX 65536 /* servers tracked; more are counted, not kept */
#define HOST_MAX_USERS 8 /* distinct logons kept per server; more are counted */
#define HOST_WHO_MAX 130

extern const char *const host_signing_alg_names[]; /* bit i of host.signing_algs */
extern const char *const host_cipher_names[];      /* bit i of host.ciphers */

struct host {
	struct host *next;        /* hash chain */
	uint64_t order;           /* first seen, from 1 */
	uint8_t family;
	uint8_t addr[16];
	uint64_t conversations;
	uint64_t verdicts[V_COUNT];
	uint32_t signing_seen;    /* bit per enum signing of the server side */
	uint32_t smb1_modes;      /* bit per SMB1 SecurityMode value 0..15 seen */
	bool smb1;                /* accepted an SMB1 dialect */
	uint16_t max_dialect;     /* highest SMB2 dialect chosen */
	uint64_t guest_sessions;
	uint64_t downgrades;      /* Secure Negotiate saw different values */
	uint32_t smb1_signing_seen, smb2_signing_seen; /* signing_seen, by protocol */
	uint64_t sessions_accepted;  /* conversations where a Session Setup succeeded */
	uint64_t relayable_sessions; /* ... while the server required neither signing nor
				      * encryption (SessionFlags ENCRYPT_DATA) */
	/* identity (the first NTLMSSP CHALLENGE that named it), protection seen */
	struct smb_server_id id;
	char os_version[24];
	uint8_t signing_algs, ciphers;   /* bits over the name tables above */
	uint64_t encrypted_sessions;
	/* who logged on (successful sessions), distinct, in order */
	char users[HOST_MAX_USERS][HOST_WHO_MAX];
	uint8_t nusers;
	uint64_t users_dropped;
};

struct host_table {
	struct host **buckets;
	size_t nbuckets;
	size_t count;
	uint64_t dropped;         /* servers beyond HOST_MAX */
};

bool host_table_init(struct host_table *h);
/* Fold one concluded conversation into its server's record. */
void host_table_add(struct host_table *h, const struct conv *c, const struct facts *f,
		    const struct verdict *v);
/* The hosts in order of first appearance (caller frees the array). */
struct host **host_table_sorted(const struct host_table *h, size_t *n);
void host_table_free(struct host_table *h);
enum host_signing {
	HOST_SIGNING_UNKNOWN,
	HOST_SIGNING_REQUIRED,
	HOST_SIGNING_NOT_REQUIRED,
	HOST_SIGNING_MIXED, /* both seen */
};

extern const char *const host_signing_names[];

/* The server's signing in one word: required, not-required, or mixed. */
enum host_signing host_signing(const struct host *x);
/* An NTLM relay target: some connection showed signing not required. */
bool host_relay_target(const struct host *x);

/* For --relay-list (relay tools' target list, ntlmrelayx -tf): */
enum host_relay {
	HOST_RELAY_NO,         /* requires signing or encryption, or nothing known */
	HOST_RELAY_YES,        /* accepted a session without requiring signing or encryption */
	HOST_RELAY_PROBE_ONLY, /* signing not required, seen only in Negotiate (no session) */
};
extern const char *const host_relay_names[]; /* "no", "yes", "probe-only" */
enum host_relay host_relay(const struct host *x);

#endif
