/* smb_cmd: the command handlers smb_conn dispatches to, one file per
 * command family, and the context they share. A new SMB command is a
 * handler file plus one row in smb_conn.c's table. */
#ifndef SMBNEG_SMB_CMD_H
#define SMBNEG_SMB_CMD_H

#include "smbneg/ntlmssp.h"
#include "smbneg/smb_conn.h"

/* One message being dispatched. */
struct smb_ctx {
	struct conv *c;
	struct conv_smb *s;
	int dir;                    /* the sender: c->ep[dir] */
	const struct frame_ctx *f;  /* the frame that completed the message */
	bool truncated;             /* bytes of the message were lost */
	const struct smb_events *ev;
	bool reply;                 /* a response */
	bool is_signed;             /* carries a signature (smb1/smb2_is_signed) */
	uint32_t status;            /* NTSTATUS of a response (SMB1 DOS codes mapped) */
	bool own_signing_rules; /* set by a handler: not ordinary traffic (MS-SMB2 3.3.5.15.12) */
};

/* The message: SMB1 header and a reader after it, or SMB2 header and a
 * reader over the whole message (SMB2 offsets count from the header). */
struct smb_msg {
	const struct smb1_header *h1;
	const struct smb2_header *h2;
	struct rd r;
};

/* Emit an event of kind for the message being dispatched. */
void smb_emit(struct smb_ctx *x, struct smb_event *e);
/* The open exchange of id (a request), created (id may be 0: not yet
 * assigned) when there is none and there is room; NULL beyond
 * SMB_MAX_SESSIONS (counted). A request for an id whose exchange ended is a
 * re-authentication: a new record. (smb_session.c) */
struct smb_session *smb_session_get(struct conv_smb *s, uint64_t id, uint64_t frame);
/* The exchange a Session Setup response assigning id belongs to: the open
 * one of id, else the open one still waiting for its id, else a new one. */
struct smb_session *smb_session_answered(struct conv_smb *s, uint64_t id, uint64_t frame);

/* smb_session.c: decode one Session Setup security blob (SPNEGO, NTLMSSP,
 * Kerberos) into the exchange sess and the connection's server identity; an
 * NTLMSSP message in it goes on to smb_ntlm_observe. */
void smb_session_blob(struct smb_ctx *x, struct smb_session *sess, struct rd blob);

/* smb1_negotiate.c (MS-CIFS 2.2.4.52) */
void smb1_negotiate_request(struct smb_ctx *x, const struct smb_msg *m);
void smb1_negotiate_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb1_session.c (MS-CIFS 2.2.4.53, MS-SMB 2.2.4.6) */
void smb1_session_request(struct smb_ctx *x, const struct smb_msg *m);
void smb1_session_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb1_tree.c (MS-CIFS 2.2.4.55, 2.2.4.46: Tree Connect, Trans2 status) */
void smb1_tree_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb1_trans.c (MS-CIFS 2.2.4.33, 2.2.4.46, 2.2.4.47, 2.2.4.62): attack
 * indicators on Transaction, Transaction2, Transaction2 Secondary, NT Transact */
void smb1_trans_message(struct smb_ctx *x, const struct smb_msg *m);
void smb1_trans2_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb2_negotiate.c (MS-SMB2 2.2.3, 2.2.4) */
void smb2_negotiate_request(struct smb_ctx *x, const struct smb_msg *m);
void smb2_negotiate_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb2_session.c (MS-SMB2 2.2.5, 2.2.6) */
void smb2_session_request(struct smb_ctx *x, const struct smb_msg *m);
void smb2_session_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb2_tree.c (MS-SMB2 2.2.10) */
void smb2_tree_response(struct smb_ctx *x, const struct smb_msg *m);
/* smb2_ioctl.c (MS-SMB2 2.2.31.4, 2.2.32.6: FSCTL_VALIDATE_NEGOTIATE_INFO) */
void smb2_ioctl_request(struct smb_ctx *x, const struct smb_msg *m);
void smb2_ioctl_response(struct smb_ctx *x, const struct smb_msg *m);

#endif
