/* Protocol constants, each with the section that defines it, and the name
 * tables the output modules render them with. */
#ifndef SMBNEG_SMB_CONST_H
#define SMBNEG_SMB_CONST_H

#include "smbneg/rd.h"
#include "smbneg/tok.h"

/* NetBIOS session service, RFC 1002 4.3.1 */
#define NBSS_SESSION_MESSAGE 0x00
#define NBSS_SESSION_REQUEST 0x81
#define NBSS_POSITIVE_RESPONSE 0x82
#define NBSS_NEGATIVE_RESPONSE 0x83
#define NBSS_RETARGET_RESPONSE 0x84
#define NBSS_KEEPALIVE 0x85

/* SMB1 header, MS-CIFS 2.2.3.1 (32 bytes):
 *  0 Protocol "\xffSMB"  4 Command  5 Status(4)  9 Flags  10 Flags2(2)
 * 12 PIDHigh(2)  14 SecuritySignature(8)  22 Reserved(2)  24 TID  26 PIDLow
 * 28 UID  30 MID */
#define SMB1_HEADER_SIZE 32
#define SMB1_CMD_TREE_CONNECT 0x70
#define SMB1_CMD_NEGOTIATE 0x72
#define SMB1_CMD_SESSION_SETUP_ANDX 0x73
#define SMB1_CMD_TREE_CONNECT_ANDX 0x75
#define SMB1_CMD_TRANSACTION 0x25              /* MS-CIFS 2.2.4.33 */
#define SMB1_CMD_TRANSACTION2 0x32             /* MS-CIFS 2.2.4.46 */
#define SMB1_CMD_TRANSACTION2_SECONDARY 0x33   /* MS-CIFS 2.2.4.47 */
#define SMB1_CMD_NT_TRANSACT 0xA0              /* MS-CIFS 2.2.4.62 */
#define SMB1_FLAGS_REPLY 0x80
#define SMB1_FLAGS2_SECURITY_SIGNATURE 0x0004          /* MS-CIFS 2.2.3.1 */
#define SMB1_FLAGS2_SECURITY_SIGNATURE_REQUIRED 0x0010 /* MS-SMB 2.2.3.1 */
#define SMB1_FLAGS2_EXTENDED_SECURITY 0x0800
#define SMB1_FLAGS2_NT_STATUS 0x4000
#define SMB1_FLAGS2_UNICODE 0x8000
/* SMB1 SecurityMode, MS-CIFS 2.2.4.52.2 */
#define SMB1_SECMODE_USER 0x01
#define SMB1_SECMODE_ENCRYPT_PASSWORDS 0x02
#define SMB1_SECMODE_SIGNATURES_ENABLED 0x04
#define SMB1_SECMODE_SIGNATURES_REQUIRED 0x08
#define SMB1_CAP_UNICODE 0x00000004u            /* MS-CIFS 2.2.4.52.2 */
#define SMB1_CAP_EXTENDED_SECURITY 0x80000000u /* MS-CIFS 2.2.4.52.2 */
#define SMB1_SESSION_ACTION_GUEST 0x0001       /* MS-CIFS 2.2.4.53.2 */

/* SMB2 header, MS-SMB2 2.2.1 (64 bytes):
 *  0 ProtocolId "\xfeSMB"  4 StructureSize(2)=64  6 CreditCharge(2)
 *  8 Status(4)  12 Command(2)  14 Credit(2)  16 Flags(4)  20 NextCommand(4)
 * 24 MessageId(8)  32 AsyncId(8) | Reserved(4)+TreeId(4)  40 SessionId(8)
 * 48 Signature(16) */
#define SMB2_HEADER_SIZE 64
#define SMB2_CMD_NEGOTIATE 0x0000
#define SMB2_CMD_SESSION_SETUP 0x0001
#define SMB2_CMD_LOGOFF 0x0002
#define SMB2_CMD_TREE_CONNECT 0x0003
#define SMB2_CMD_CANCEL 0x000C
#define SMB2_CMD_OPLOCK_BREAK 0x0012
#define SMB2_CMD_IOCTL 0x000B
#define SMB2_FLAGS_SERVER_TO_REDIR 0x00000001
#define SMB2_FLAGS_ASYNC_COMMAND 0x00000002
#define SMB2_FLAGS_SIGNED 0x00000008
/* SecurityMode, MS-SMB2 2.2.3 / 2.2.4 */
#define SMB2_NEGOTIATE_SIGNING_ENABLED 0x01
#define SMB2_NEGOTIATE_SIGNING_REQUIRED 0x02
/* Dialects, MS-SMB2 2.2.3 */
#define SMB2_DIALECT_0202 0x0202
#define SMB2_DIALECT_0210 0x0210
#define SMB2_DIALECT_WILDCARD 0x02FF
#define SMB2_DIALECT_0300 0x0300
#define SMB2_DIALECT_0302 0x0302
#define SMB2_DIALECT_0311 0x0311
/* Negotiate context types, MS-SMB2 2.2.3.1 */
#define SMB2_PREAUTH_INTEGRITY_CAPABILITIES 0x0001
#define SMB2_ENCRYPTION_CAPABILITIES 0x0002
#define SMB2_COMPRESSION_CAPABILITIES 0x0003
#define SMB2_NETNAME_NEGOTIATE_CONTEXT_ID 0x0005
#define SMB2_TRANSPORT_CAPABILITIES 0x0006
#define SMB2_RDMA_TRANSFORM_CAPABILITIES 0x0007
#define SMB2_SIGNING_CAPABILITIES 0x0008
#define SMB2_POSIX_EXTENSIONS 0x0100
/* SessionFlags, MS-SMB2 2.2.6 */
#define SMB2_SESSION_FLAG_IS_GUEST 0x0001
#define SMB2_SESSION_FLAG_IS_NULL 0x0002
#define SMB2_SESSION_FLAG_ENCRYPT_DATA 0x0004
/* FSCTL_VALIDATE_NEGOTIATE_INFO, MS-SMB2 2.2.31.4 */
#define SMB2_FSCTL_VALIDATE_NEGOTIATE_INFO 0x00140204u
/* MessageId of an unsolicited oplock/lease break, MS-SMB2 3.3.4.6 */
#define SMB2_MESSAGE_ID_UNSOLICITED UINT64_C(0xFFFFFFFFFFFFFFFF)

/* NTSTATUS values, MS-ERREF 2.3.1 */
#define NT_STATUS_SUCCESS 0x00000000u
#define NT_STATUS_PENDING 0x00000103u
#define NT_STATUS_NOT_IMPLEMENTED 0xC0000002u
#define NT_STATUS_INSUFF_SERVER_RESOURCES 0xC0000205u
#define NT_STATUS_MORE_PROCESSING_REQUIRED 0xC0000016u
#define NT_STATUS_ACCESS_DENIED 0xC0000022u
#define NT_STATUS_LOGON_FAILURE 0xC000006Du
#define NT_STATUS_INVALID_PARAMETER 0xC000000Du
#define NT_STATUS_NOT_SUPPORTED 0xC00000BBu
#define NT_STATUS_INVALID_DEVICE_REQUEST 0xC0000010u
#define NT_STATUS_INVALID_SIGNATURE 0xC000A000u
#define NT_STATUS_SMB_GUEST_LOGON_BLOCKED 0xC05D0002u
#define NT_STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP 0xC05D0003u

extern const struct tok smb1_secmode_bits[];
extern const struct tok smb1_flags2_bits[];
extern const struct tok smb1_cap_bits[];
extern const struct tok smb2_secmode_bits[];
extern const struct tok smb2_dialect_names[];
extern const struct tok smb2_cap_bits[];
extern const struct tok smb2_context_names[];
extern const struct tok smb2_hash_names[];
extern const struct tok smb2_cipher_names[];
extern const struct tok smb2_signing_alg_names[];
extern const struct tok smb2_compression_names[];
extern const struct tok smb2_session_flag_bits[];
extern const struct tok smb2_command_names[];
extern const struct tok ntstatus_names[];

/* The protocol identifier that opens every SMB message: 0xFF "SMB" (MS-CIFS
 * 2.2.3.1), 0xFE "SMB" (MS-SMB2 2.2.1), 0xFD "SMB" transform header (MS-SMB2
 * 2.2.41), 0xFC "SMB" compression header (MS-SMB2 2.2.42). */
enum smb_proto {
	SMB_PROTO_NONE,       /* not an SMB protocol identifier */
	SMB_PROTO_SHORT,      /* fewer than 4 bytes left */
	SMB_PROTO_SMB1,
	SMB_PROTO_SMB2,
	SMB_PROTO_TRANSFORM,
	SMB_PROTO_COMPRESSED,
};

/* Which protocol the 4 bytes at r's position announce (r is not advanced). */
enum smb_proto smb_sniff(const struct rd *r);
/* Smallest header of each protocol, in bytes (0 for NONE/SHORT). */
size_t smb_proto_min_header(enum smb_proto p);

#endif
