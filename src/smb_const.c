/* Name tables for the protocol constants in include/smbneg/smb_const.h. */
#include "smbneg/smb_const.h"

/* MS-CIFS 2.2.4.52.2 SecurityMode */
const struct tok smb1_secmode_bits[] = {
	{SMB1_SECMODE_USER, "user-level"},
	{SMB1_SECMODE_ENCRYPT_PASSWORDS, "encrypt-passwords"},
	{SMB1_SECMODE_SIGNATURES_ENABLED, "signatures-enabled"},
	{SMB1_SECMODE_SIGNATURES_REQUIRED, "signatures-required"},
	{0, NULL},
};

/* MS-CIFS 2.2.3.1, MS-SMB 2.2.3.1 Flags2 */
const struct tok smb1_flags2_bits[] = {
	{0x0001, "LONG_NAMES"},
	{0x0002, "EAS"},
	{SMB1_FLAGS2_SECURITY_SIGNATURE, "SECURITY_SIGNATURE"},
	{0x0008, "COMPRESSED"},
	{SMB1_FLAGS2_SECURITY_SIGNATURE_REQUIRED, "SECURITY_SIGNATURE_REQUIRED"},
	{0x0040, "IS_LONG_NAME"},
	{0x0400, "REPARSE_PATH"},
	{SMB1_FLAGS2_EXTENDED_SECURITY, "EXTENDED_SECURITY"},
	{0x1000, "DFS"},
	{0x2000, "PAGING_IO"},
	{SMB1_FLAGS2_NT_STATUS, "NT_STATUS"},
	{SMB1_FLAGS2_UNICODE, "UNICODE"},
	{0, NULL},
};

/* MS-CIFS 2.2.4.52.2, MS-SMB 2.2.4.5.2 Capabilities */
const struct tok smb1_cap_bits[] = {
	{0x00000001, "RAW_MODE"},
	{0x00000002, "MPX_MODE"},
	{0x00000004, "UNICODE"},
	{0x00000008, "LARGE_FILES"},
	{0x00000010, "NT_SMBS"},
	{0x00000020, "RPC_REMOTE_APIS"},
	{0x00000040, "STATUS32"},
	{0x00000080, "LEVEL_II_OPLOCKS"},
	{0x00000100, "LOCK_AND_READ"},
	{0x00000200, "NT_FIND"},
	{0x00001000, "DFS"},
	{0x00002000, "INFOLEVEL_PASSTHRU"},
	{0x00004000, "LARGE_READX"},
	{0x00008000, "LARGE_WRITEX"},
	{0x00010000, "LWIO"},
	{0x00800000, "UNIX"},
	{0x02000000, "COMPRESSED_DATA"},
	{0x20000000, "DYNAMIC_REAUTH"},
	{0x40000000, "PERSISTENT_HANDLES"},
	{SMB1_CAP_EXTENDED_SECURITY, "EXTENDED_SECURITY"},
	{0, NULL},
};

/* MS-SMB2 2.2.3 SecurityMode */
const struct tok smb2_secmode_bits[] = {
	{SMB2_NEGOTIATE_SIGNING_ENABLED, "SIGNING_ENABLED"},
	{SMB2_NEGOTIATE_SIGNING_REQUIRED, "SIGNING_REQUIRED"},
	{0, NULL},
};

/* MS-SMB2 2.2.3 Dialects (0x0222, 0x0224, 0x0310: deprecated previews) */
const struct tok smb2_dialect_names[] = {
	{0x0202, "2.0.2"}, {0x0210, "2.1"},   {0x0222, "2.2.2"}, {0x0224, "2.2.4"},
	{0x02FF, "2.???"}, {0x0300, "3.0"},   {0x0302, "3.0.2"}, {0x0310, "3.1"},
	{0x0311, "3.1.1"}, {0, NULL},
};

/* MS-SMB2 2.2.3 Capabilities */
const struct tok smb2_cap_bits[] = {
	{0x01, "DFS"},
	{0x02, "LEASING"},
	{0x04, "LARGE_MTU"},
	{0x08, "MULTI_CHANNEL"},
	{0x10, "PERSISTENT_HANDLES"},
	{0x20, "DIRECTORY_LEASING"},
	{0x40, "ENCRYPTION"},
	{0x80, "NOTIFICATIONS"},
	{0, NULL},
};

/* MS-SMB2 2.2.3.1 ContextType */
const struct tok smb2_context_names[] = {
	{SMB2_PREAUTH_INTEGRITY_CAPABILITIES, "PREAUTH_INTEGRITY_CAPABILITIES"},
	{SMB2_ENCRYPTION_CAPABILITIES, "ENCRYPTION_CAPABILITIES"},
	{SMB2_COMPRESSION_CAPABILITIES, "COMPRESSION_CAPABILITIES"},
	{SMB2_NETNAME_NEGOTIATE_CONTEXT_ID, "NETNAME_NEGOTIATE_CONTEXT_ID"},
	{SMB2_TRANSPORT_CAPABILITIES, "TRANSPORT_CAPABILITIES"},
	{SMB2_RDMA_TRANSFORM_CAPABILITIES, "RDMA_TRANSFORM_CAPABILITIES"},
	{SMB2_SIGNING_CAPABILITIES, "SIGNING_CAPABILITIES"},
	{SMB2_POSIX_EXTENSIONS, "POSIX_EXTENSIONS"},
	{0, NULL},
};

/* MS-SMB2 2.2.3.1.1 HashAlgorithms */
const struct tok smb2_hash_names[] = {{1, "SHA-512"}, {0, NULL}};

/* MS-SMB2 2.2.3.1.2 Ciphers */
const struct tok smb2_cipher_names[] = {
	{1, "AES-128-CCM"}, {2, "AES-128-GCM"}, {3, "AES-256-CCM"}, {4, "AES-256-GCM"}, {0, NULL},
};

/* MS-SMB2 2.2.3.1.7 SigningAlgorithms (HMAC-SHA256 is 0: tok_name handles it) */
const struct tok smb2_signing_alg_names[] = {
	{0, "HMAC-SHA256"}, {1, "AES-CMAC"}, {2, "AES-GMAC"}, {0, NULL},
};

/* MS-SMB2 2.2.3.1.3 CompressionAlgorithms */
const struct tok smb2_compression_names[] = {
	{0, "NONE"}, {1, "LZNT1"}, {2, "LZ77"}, {3, "LZ77+Huffman"}, {4, "Pattern_V1"},
	{5, "LZ4"}, {0, NULL},
};

/* MS-SMB2 2.2.6 SessionFlags */
const struct tok smb2_session_flag_bits[] = {
	{SMB2_SESSION_FLAG_IS_GUEST, "IS_GUEST"},
	{SMB2_SESSION_FLAG_IS_NULL, "IS_NULL"},
	{SMB2_SESSION_FLAG_ENCRYPT_DATA, "ENCRYPT_DATA"},
	{0, NULL},
};

/* MS-SMB2 2.2.1.2 Command */
const struct tok smb2_command_names[] = {
	{0x00, "NEGOTIATE"}, {0x01, "SESSION_SETUP"}, {0x02, "LOGOFF"},  {0x03, "TREE_CONNECT"},
	{0x04, "TREE_DISCONNECT"}, {0x05, "CREATE"}, {0x06, "CLOSE"},  {0x07, "FLUSH"},
	{0x08, "READ"},      {0x09, "WRITE"},         {0x0A, "LOCK"},    {0x0B, "IOCTL"},
	{0x0C, "CANCEL"},    {0x0D, "ECHO"},          {0x0E, "QUERY_DIRECTORY"},
	{0x0F, "CHANGE_NOTIFY"}, {0x10, "QUERY_INFO"}, {0x11, "SET_INFO"},
	{0x12, "OPLOCK_BREAK"}, {0, NULL},
};

/* MS-ERREF 2.3.1 (the statuses the diagnosis talks about) */
const struct tok ntstatus_names[] = {
	{NT_STATUS_SUCCESS, "STATUS_SUCCESS"},
	{NT_STATUS_PENDING, "STATUS_PENDING"},
	{0x80000005u, "STATUS_BUFFER_OVERFLOW"},
	{0x80000006u, "STATUS_NO_MORE_FILES"},
	{NT_STATUS_INVALID_DEVICE_REQUEST, "STATUS_INVALID_DEVICE_REQUEST"},
	{NT_STATUS_MORE_PROCESSING_REQUIRED, "STATUS_MORE_PROCESSING_REQUIRED"},
	{NT_STATUS_ACCESS_DENIED, "STATUS_ACCESS_DENIED"},
	{0xC0000034u, "STATUS_OBJECT_NAME_NOT_FOUND"},
	{NT_STATUS_LOGON_FAILURE, "STATUS_LOGON_FAILURE"},
	{NT_STATUS_NOT_SUPPORTED, "STATUS_NOT_SUPPORTED"},
	{0xC00000CCu, "STATUS_BAD_NETWORK_NAME"},
	{0xC000000Du, "STATUS_INVALID_PARAMETER"},
	{0xC0000203u, "STATUS_USER_SESSION_DELETED"},
	{NT_STATUS_INVALID_SIGNATURE, "STATUS_INVALID_SIGNATURE"},
	{NT_STATUS_SMB_GUEST_LOGON_BLOCKED, "STATUS_SMB_GUEST_LOGON_BLOCKED"},
	{NT_STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP, "STATUS_SMB_NO_SIGNING_ALGORITHM_OVERLAP"},
	{0, NULL},
};

enum smb_proto smb_sniff(const struct rd *r)
{
	struct rd q = *r;
	uint8_t id = rd_u8(&q);
	uint8_t s = rd_u8(&q), m = rd_u8(&q), b = rd_u8(&q);
	if (!rd_ok(&q))
		return SMB_PROTO_SHORT;
	if (s != 'S' || m != 'M' || b != 'B')
		return SMB_PROTO_NONE;
	switch (id) {
	case 0xff: return SMB_PROTO_SMB1;
	case 0xfe: return SMB_PROTO_SMB2;
	case 0xfd: return SMB_PROTO_TRANSFORM;
	case 0xfc: return SMB_PROTO_COMPRESSED;
	default: return SMB_PROTO_NONE;
	}
}

size_t smb_proto_min_header(enum smb_proto p)
{
	switch (p) {
	case SMB_PROTO_SMB1: return SMB1_HEADER_SIZE;
	case SMB_PROTO_SMB2: return SMB2_HEADER_SIZE;
	case SMB_PROTO_TRANSFORM: return 52;  /* MS-SMB2 2.2.41 */
	case SMB_PROTO_COMPRESSED: return 16; /* MS-SMB2 2.2.42 */
	default: return 0;
	}
}
