/* auth: one entry point for a Session Setup security buffer (SMB2
 * SESSION_SETUP SecurityBuffer, SMB1 extended-security SecurityBlob, SMB2
 * NEGOTIATE response buffer). Detects SPNEGO, raw NTLMSSP and raw Kerberos
 * and fills plain data that may outlive the packet (no pointers). */
#ifndef SMBNEG_AUTH_H
#define SMBNEG_AUTH_H

#include "smbneg/krb5.h"
#include "smbneg/ntlmssp.h"
#include "smbneg/rd.h"
#include "smbneg/smb1.h" /* enum smb_parse */
#include "smbneg/spnego.h"

#include <stdbool.h>
#include <stdint.h>

enum auth_mech {
	AUTH_MECH_NONE,     /* empty blob, or SPNEGO naming no mechanism */
	AUTH_MECH_NTLMSSP,
	AUTH_MECH_KERBEROS, /* Kerberos, MS-Kerberos or user-to-user OID or token */
	AUTH_MECH_OTHER,    /* NEGOEX or an unknown OID */
};

struct auth_token {
	uint8_t mech;          /* enum auth_mech */
	bool spnego;           /* wrapped in SPNEGO; facts in `sp` */
	bool has_ntlmssp;      /* an NTLMSSP message was found; facts in `ntlm` */
	bool has_krb5;         /* a Kerberos token was found; facts in `krb5` */
	struct spnego_token sp;
	struct ntlmssp_msg ntlm;
	struct krb5_token krb5;
};

/* Decode a security buffer. r covers exactly the buffer; an empty buffer
 * gives SMB_PARSE_OK with mech AUTH_MECH_NONE. The mechanism is that of the
 * token carried (mechToken/responseToken), else SPNEGO's supportedMech, else
 * its first mechType. Returns SMB_PARSE_OK, SMB_PARSE_TRUNCATED (the buffer
 * or an inner token ends early) or SMB_PARSE_MALFORMED (none of the known
 * forms, or a broken inner token); what was decoded before an error is kept. */
enum smb_parse auth_parse_blob(struct rd *r, struct auth_token *t);
/* "ntlmssp", "kerberos", "other" or NULL for AUTH_MECH_NONE. */
const char *auth_mech_name(int mech);

#endif
