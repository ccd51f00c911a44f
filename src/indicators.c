/* indicators: known SMB attacks from wire bytes (see include/smbneg/indicators.h).
 *
 * Every rule below names the public write-up it follows. None of their code
 * was used: each rule is restated from the message layouts of MS-CIFS and
 * MS-SMB2, and reads packet bytes through rd only. */
#include "smbneg/indicators.h"

#include "smbneg/smb_const.h"

#include <string.h>

const struct tok indicator_bits[] = {
    {IND_BIT(IND_NTLM_FIXED_CHALLENGE), "ntlm-fixed-challenge"},
    {IND_BIT(IND_NTLM_RELAY), "ntlm-relay"},
    {IND_BIT(IND_MS17_010_PROBE), "ms17-010-probe"},
    {IND_BIT(IND_MS17_010_VULNERABLE), "ms17-010-vulnerable"},
    {IND_BIT(IND_DOUBLEPULSAR_PROBE), "doublepulsar-probe"},
    {IND_BIT(IND_DOUBLEPULSAR_IMPLANT), "doublepulsar-implant"},
    {IND_BIT(IND_ETERNALBLUE_EXPLOIT), "eternalblue-exploit"},
    {IND_BIT(IND_SMBGHOST_EXPLOIT), "smbghost-exploit"},
    {0, NULL},
};

const char *indicator_name(enum indicator i)
{
	return (unsigned)i < IND_COUNT ? indicator_bits[i].s : NULL;
}

static indicator_mask raise(struct indicator_state *s, indicator_mask m)
{
	s->fired |= m;
	return m;
}

/* ---- SMB1 transaction requests ---------------------------------------- */

/* The parameter words shared by SMB_COM_TRANSACTION and SMB_COM_TRANSACTION2
 * requests (MS-CIFS 2.2.4.33.1, 2.2.4.46.1), after WordCount:
 *  0 TotalParameterCount  2 TotalDataCount  4 MaxParameterCount
 *  6 MaxDataCount  8 MaxSetupCount(1)  9 Reserved1(1)  10 Flags  12 Timeout(4)
 * 16 Reserved2  18 ParameterCount  20 ParameterOffset  22 DataCount
 * 24 DataOffset  26 SetupCount(1)  27 Reserved3(1)  28 Setup[SetupCount]
 * WordCount = 14 + SetupCount. Reads the first two setup words (the second
 * is 0 when SetupCount is 1); false when the words are not all there. */
static bool trans_setup(const struct rd *body, uint16_t *setup0, uint16_t *setup1)
{
	struct rd r = *body;
	uint8_t wc = rd_u8(&r);
	struct rd w = rd_sub(&r, (size_t)wc * 2);
	rd_skip(&w, 26);
	uint8_t setup_count = rd_u8(&w);
	rd_skip(&w, 1);
	if (!rd_ok(&w) || setup_count == 0 || wc != 14 + setup_count)
		return false;
	*setup0 = rd_le16(&w);
	*setup1 = setup_count >= 2 ? rd_le16(&w) : 0;
	return rd_ok(&w);
}

/* ms17-010-probe / ms17-010-vulnerable.
 * Source: nmap scripts/smb-vuln-ms17-010.nse (description and check) and the
 * Metasploit module auxiliary/scanner/smb/smb_ms17_010 documentation: the
 * scanner connects to IPC$ and sends SMB_COM_TRANSACTION with the
 * PeekNamedPipe subcommand (setup word 0x0023) on FID 0 (the second setup
 * word, MS-CIFS 2.2.5.5.1). An unpatched server answers that MID with
 * STATUS_INSUFF_SERVER_RESOURCES (0xC0000205); a patched one with
 * STATUS_ACCESS_DENIED or STATUS_INVALID_HANDLE. No ordinary client peeks a
 * pipe on FID 0, which no server hands out to a pipe open. */
static indicator_mask rule_ms17_010(struct indicator_state *s, const struct smb1_header *h,
				    const struct rd *body)
{
	if (h->command != SMB1_CMD_TRANSACTION)
		return 0;
	if (h->flags & SMB1_FLAGS_REPLY) {
		if (!s->peek_pending || h->mid != s->peek_mid)
			return 0;
		s->peek_pending = false;
		return h->status == NT_STATUS_INSUFF_SERVER_RESOURCES
			   ? raise(s, IND_BIT(IND_MS17_010_VULNERABLE))
			   : 0;
	}
	uint16_t sub, fid;
	if (!trans_setup(body, &sub, &fid) || sub != IND_TRANS_PEEK_NMPIPE || fid != 0)
		return 0;
	s->peek_pending = true;
	s->peek_mid = h->mid;
	return raise(s, IND_BIT(IND_MS17_010_PROBE));
}

/* doublepulsar-probe / doublepulsar-implant.
 * Source: nmap scripts/smb-double-pulsar-backdoor.nse, itself after Luke
 * Jennings' Countercept doublepulsar-detection-script, and zerosum0x0's
 * "DoublePulsar Initial SMB Backdoor Ring 0 Shellcode Analysis" (2017): the
 * check sends SMB_COM_TRANSACTION2 with subcommand 0x000E SESSION_SETUP
 * (reserved, not implemented by Windows, MS-CIFS 2.2.6.15) and MID 0x41; a
 * clean server answers STATUS_NOT_IMPLEMENTED with the same MID, the implant
 * answers (also STATUS_NOT_IMPLEMENTED) with MultiplexId = MID + 16 (0x51).
 * The status is not required here: the MID shift alone is the implant. */
static indicator_mask rule_doublepulsar(struct indicator_state *s, const struct smb1_header *h,
					const struct rd *body)
{
	if (h->command != SMB1_CMD_TRANSACTION2)
		return 0;
	if (h->flags & SMB1_FLAGS_REPLY) {
		if (!s->dp_pending)
			return 0;
		if (h->mid == (uint16_t)(s->dp_mid + 16)) {
			s->dp_pending = false;
			return raise(s, IND_BIT(IND_DOUBLEPULSAR_IMPLANT));
		}
		if (h->mid == s->dp_mid)
			s->dp_pending = false;
		return 0;
	}
	uint16_t sub, unused;
	if (!trans_setup(body, &sub, &unused) || sub != IND_TRANS2_SESSION_SETUP)
		return 0;
	s->dp_pending = true;
	s->dp_mid = h->mid;
	return raise(s, IND_BIT(IND_DOUBLEPULSAR_PROBE));
}

/* NT Transact request words (MS-CIFS 2.2.4.62.1), after WordCount:
 *  0 MaxSetupCount(1)  1 Reserved1(2)  3 TotalParameterCount(4)
 *  7 TotalDataCount(4)  11 MaxParameterCount(4)  15 MaxDataCount(4)
 * 19 ParameterCount(4)  23 ParameterOffset(4)  27 DataCount(4)
 * 31 DataOffset(4)  35 SetupCount(1)  36 Function(2)  38 Setup[]
 * WordCount = 19 + SetupCount. DataOffset counts from the SMB header.
 * Oversized: TotalDataCount, or the FEALIST SizeOfListInBytes (MS-CIFS
 * 2.2.1.2.2) at the start of the data, beyond what the 16-bit counts of a
 * Transaction2 can describe. */
static bool nt_trans_oversized(const struct rd *body)
{
	struct rd r = *body;
	uint8_t wc = rd_u8(&r);
	struct rd w = rd_sub(&r, (size_t)wc * 2);
	rd_skip(&w, 7); /* MaxSetupCount, Reserved1, TotalParameterCount */
	uint32_t total_data = rd_le32(&w);
	rd_skip(&w, 16); /* MaxParameterCount .. ParameterOffset */
	uint32_t data_count = rd_le32(&w);
	uint32_t data_offset = rd_le32(&w);
	if (!rd_ok(&w) || wc < 19)
		return false;
	if (total_data > 0xFFFF)
		return true;
	if (data_count < 4)
		return false;
	struct rd d = rd_at(body, data_offset, 4);
	uint32_t fea_list_size = rd_le32(&d);
	return rd_ok(&d) && fea_list_size > 0xFFFF;
}

/* eternalblue-exploit, first form.
 * Sources: the EternalSafety Zeek package (github.com/0xl3x1/zeek-EternalSafety:
 * an NT_TRANSACT continued by TRANSACTION2_SECONDARY with the same
 * <PID, MID, TID, UID> is the EternalBlue trigger), Check Point Research
 * "EternalBlue - Everything There Is To Know" (2017) and RiskSense's
 * "EternalBlue: Exploit Analysis and Port to Microsoft Windows 10" (Dillon and
 * Davis, 2017): the exploit opens an NT Transact whose data is a FEALIST of
 * about 0x10000 bytes (SizeOfListInBytes 0x10000), more than a Transaction2
 * can carry, then sends the rest as Transaction2 Secondary so that the
 * server converts it with SrvOs2FeaListSizeToNt, whose 16-bit size
 * arithmetic under-allocates. A Transaction2 Secondary may only continue a
 * Transaction2 (MS-CIFS 3.3.5.59); both conditions are required here. */
static indicator_mask rule_eternalblue(struct indicator_state *s, const struct smb1_header *h,
				       const struct rd *body)
{
	if (h->flags & SMB1_FLAGS_REPLY)
		return 0;
	if (h->command == SMB1_CMD_NT_TRANSACT) {
		s->nt_pending = true;
		s->nt_oversized = nt_trans_oversized(body);
		s->nt_pid = h->pid_low;
		s->nt_mid = h->mid;
		s->nt_tid = h->tid;
		s->nt_uid = h->uid;
		return 0;
	}
	if (h->command != SMB1_CMD_TRANSACTION2_SECONDARY || !s->nt_pending || !s->nt_oversized)
		return 0;
	if (h->pid_low != s->nt_pid || h->mid != s->nt_mid || h->tid != s->nt_tid ||
	    h->uid != s->nt_uid)
		return 0;
	return raise(s, IND_BIT(IND_ETERNALBLUE_EXPLOIT));
}

indicator_mask indicators_smb1(struct indicator_state *s, const struct smb1_header *h,
			       const struct rd *body)
{
	return rule_ms17_010(s, h, body) | rule_doublepulsar(s, h, body) |
	       rule_eternalblue(s, h, body);
}

/* ---- SMB2 compression transform ----------------------------------------- */

/* smbghost-exploit (CVE-2020-0796).
 * Sources: Microsoft advisory ADV200005 / CVE-2020-0796; the analyses by
 * ZecOps ("Vulnerability Reproduction: CVE-2020-0796 POC"), Synacktiv
 * ("Im SMBGhost, daba dee daba da") and McAfee ("SMBGhost - Analysis of
 * CVE-2020-0796"), 2020: srv2.sys Srv2DecompressData allocates
 * OriginalCompressedSegmentSize + Offset with 32-bit arithmetic, so a
 * header whose sum wraps (the public crash PoC sends 0xFFFFFFFF) gets a tiny
 * buffer and the decompressor writes past it. Raised when, in an unchained
 * COMPRESSION_TRANSFORM_HEADER (MS-SMB2 2.2.42.1), the sum overflows 32 bits,
 * Offset points past the end of the message, or OriginalCompressedSegmentSize
 * exceeds what one SMB2 message can be (IND_SMB2_COMPRESSED_MAX); in a
 * chained one (2.2.42.2) only the last test applies. */
indicator_mask indicators_smb2_compressed(struct indicator_state *s, const struct rd *msg,
					  uint32_t msg_len)
{
	struct rd r = *msg;
	const uint8_t *magic = rd_peek(&r, 4);
	if (!magic || memcmp(magic, "\xfcSMB", 4) != 0)
		return 0;
	rd_skip(&r, 4);
	uint32_t original = rd_le32(&r);
	rd_skip(&r, 2); /* CompressionAlgorithm */
	uint16_t flags = rd_le16(&r);
	uint32_t offset = rd_le32(&r);
	if (!rd_ok(&r))
		return 0;
	bool bad = original > IND_SMB2_COMPRESSED_MAX;
	if (!(flags & IND_SMB2_COMPRESSION_FLAG_CHAINED)) {
		bad = bad || (uint64_t)original + offset > UINT32_MAX;
		bad = bad || msg_len < IND_SMB2_COMPRESSION_HEADER_SIZE ||
		      offset > msg_len - IND_SMB2_COMPRESSION_HEADER_SIZE;
	}
	return bad ? raise(s, IND_BIT(IND_SMBGHOST_EXPLOIT)) : 0;
}

/* ---- NBSS: EternalBlue pool grooming ------------------------------------ */

/* eternalblue-exploit, second form.
 * Sources: the Metasploit module exploit/windows/smb/ms17_010_eternalblue
 * (its "SMB2 grooms" step), worawit's public eternalblue_exploit7.py /
 * exploit-db 42030 (createConnectionWithBigSMBFirst80) and RiskSense's
 * analysis cited above: to groom the srvnet pool the exploit opens many
 * connections and on each sends one NBSS header declaring 0xFFF7 bytes
 * (0x1FFF7 on some targets), a 4-byte marker ("\xfeSMB" in Metasploit,
 * "BAAD" in worawit's code, whose comment says any value works) and zero
 * bytes, then at most the shellcode body, and never completes the message.
 * Raised when the declared length is within [IND_GROOM_LEN_MIN,
 * IND_GROOM_LEN_MAX], the 60 bytes after the marker (the rest of an SMB2
 * header, whose StructureSize would be 64 in any real message) are zero,
 * and the message did not complete. Both markers are seen in the public
 * corpus (suricata-verify's EternalBlue captures use "BAAD"). */
indicator_mask indicators_nbss(struct indicator_state *s, uint32_t declared_len,
			       const struct rd *kept, bool completed)
{
	if (completed || declared_len < IND_GROOM_LEN_MIN || declared_len > IND_GROOM_LEN_MAX)
		return 0;
	struct rd r = *kept;
	rd_skip(&r, 4); /* the marker */
	for (unsigned i = 4; i < SMB2_HEADER_SIZE; i++)
		if (rd_u8(&r) != 0 || !rd_ok(&r))
			return 0;
	return raise(s, IND_BIT(IND_ETERNALBLUE_EXPLOIT));
}

/* ---- NTLM --------------------------------------------------------------- */

/* ntlm-fixed-challenge.
 * Sources (0x4141414141414141, 0x1122334455667788): Responder
 * (lgandx/Responder, Responder.conf "Challenge", 1122334455667788 in its
 * documentation and older defaults) and Metasploit auxiliary/server/capture/smb
 * (CHALLENGE option, default 1122334455667788); impacket smbserver.py, read in
 * Debian 12's python3-impacket 0.10.0: the SMBSERVER class defaults to
 * b'A' * 8 (0x4141414141414141) and SimpleSMBServer, which the smbserver.py
 * example runs, configures the hex string "A" * 16, i.e. 0xAAAAAAAAAAAAAAAA
 * (seen on the wire in captures/attack-ntlm-fixed-challenge.pcap). Real
 * servers draw the 8-byte ServerChallenge at random (MS-NLMP 3.2.5.1.1). */
indicator_mask indicators_challenge(struct indicator_state *s, const uint8_t challenge[8])
{
	static const uint8_t fixed[][8] = {
	    {0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41},
	    {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88},
	    {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA},
	};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (memcmp(challenge, fixed[i], 8) == 0)
			return raise(s, IND_BIT(IND_NTLM_FIXED_CHALLENGE));
	return 0;
}
