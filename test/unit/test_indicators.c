/* Unit tests for indicators: the attack rules (README "JSON schema":
 * indicators) on hand-built messages (MS-CIFS 2.2.4.33,
 * 2.2.4.46, 2.2.4.47, 2.2.4.62; MS-SMB2 2.2.42), ordinary traffic that must
 * not raise anything, and truncation sweeps. Every input is an exact-size
 * heap copy. */
#include "testutil2.h"

#include "smbneg/indicators.h"
#include "smbneg/rd.h"
#include "smbneg/smb1.h"

/* ---- builders ---- */

/* SMB1 header (MS-CIFS 2.2.3.1), 32 bytes. */
static void smb1_hdr(struct tbuf *b, uint8_t cmd, uint32_t status, bool reply, uint16_t tid,
		     uint16_t pid, uint16_t uid, uint16_t mid)
{
	tb_bytes(b, "\xffSMB", 4);     /* Protocol */
	tb_u8(b, cmd);		       /* Command */
	tb_le32(b, status);	       /* Status (NT status: Flags2 bit 14 set) */
	tb_u8(b, reply ? 0x98 : 0x18); /* Flags: REPLY?|caseless|canonical */
	tb_le16(b, 0xC807);	       /* Flags2 UNICODE|NT_STATUS|EXT_SEC|... */
	tb_le16(b, 0);		       /* PIDHigh */
	tb_fill(b, 0, 8);	       /* SecuritySignature */
	tb_le16(b, 0);		       /* Reserved */
	tb_le16(b, tid);	       /* TID */
	tb_le16(b, pid);	       /* PIDLow */
	tb_le16(b, uid);	       /* UID */
	tb_le16(b, mid);	       /* MID */
}

/* A Transaction or Transaction2 request body (MS-CIFS 2.2.4.33.1 /
 * 2.2.4.46.1) with the given setup words and no parameters or data, as the
 * nmap scripts send them. */
static void trans_req(struct tbuf *b, const uint16_t *setup, uint8_t nsetup, const char *name)
{
	tb_u8(b, (uint8_t)(14 + nsetup)); /* WordCount */
	tb_le16(b, 0);			  /* TotalParameterCount */
	tb_le16(b, 0);			  /* TotalDataCount */
	tb_le16(b, 0xFFFF);		  /* MaxParameterCount */
	tb_le16(b, 0xFFFF);		  /* MaxDataCount */
	tb_u8(b, 0);			  /* MaxSetupCount */
	tb_u8(b, 0);			  /* Reserved1 */
	tb_le16(b, 0);			  /* Flags */
	tb_le32(b, 0);			  /* Timeout */
	tb_le16(b, 0);			  /* Reserved2 */
	tb_le16(b, 0);			  /* ParameterCount */
	tb_le16(b, 0x4A);		  /* ParameterOffset */
	tb_le16(b, 0);			  /* DataCount */
	tb_le16(b, 0x4A);		  /* DataOffset */
	tb_u8(b, nsetup);		  /* SetupCount */
	tb_u8(b, 0);			  /* Reserved3 */
	for (uint8_t i = 0; i < nsetup; i++)
		tb_le16(b, setup[i]); /* Setup[i] */
	size_t n = strlen(name) + 1;
	tb_le16(b, (uint16_t)n); /* ByteCount */
	tb_bytes(b, name, n);	 /* Name (OEM), NUL */
}

/* Runs indicators_smb1 over an exact-size heap copy of b[0, n). */
static indicator_mask feed1(struct indicator_state *s, const uint8_t *p, size_t n)
{
	uint8_t *q = heap_copy(p, n);
	struct rd r = rd_init(q, n);
	struct smb1_header h;
	indicator_mask m = 0;
	if (smb1_parse_header(&r, &h) == SMB_PARSE_OK)
		m = indicators_smb1(s, &h, &r);
	free(q);
	return m;
}

/* An error reply (WordCount 0, ByteCount 0) to `cmd` with `status` and `mid`. */
static indicator_mask reply1(struct indicator_state *s, uint8_t cmd, uint32_t status, uint16_t mid)
{
	struct tbuf b;
	tb_init(&b);
	smb1_hdr(&b, cmd, status, true, 0x0800, 0xFEFF, 0x0800, mid);
	tb_u8(&b, 0);	/* WordCount */
	tb_le16(&b, 0); /* ByteCount */
	indicator_mask m = feed1(s, b.p, b.n);
	tb_free(&b);
	return m;
}

/* ---- ms17-010 ---- */

/* nmap smb-vuln-ms17-010: Trans PeekNamedPipe (0x0023) on FID 0, "\PIPE\". */
static void peek_probe(struct tbuf *b, uint16_t fid, uint16_t mid)
{
	static uint16_t setup[2];
	setup[0] = 0x0023; /* TRANS_PEEK_NMPIPE */
	setup[1] = fid;	   /* FID */
	smb1_hdr(b, 0x25, 0, false, 0x0800, 0xFEFF, 0x0800, mid);
	trans_req(b, setup, 2, "\\PIPE\\");
}

static void test_ms17_010(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	peek_probe(&b, 0, 0x0040);
	assert_int_equal(feed1(&s, b.p, b.n), IND_BIT(IND_MS17_010_PROBE));
	tb_free(&b);
	/* an answer to another MID says nothing */
	assert_int_equal(reply1(&s, 0x25, 0xC0000205, 0x0041), 0);
	/* STATUS_INSUFF_SERVER_RESOURCES on the probe's MID: unpatched */
	assert_int_equal(reply1(&s, 0x25, 0xC0000205, 0x0040), IND_BIT(IND_MS17_010_VULNERABLE));
	assert_int_equal(s.fired, IND_BIT(IND_MS17_010_PROBE) | IND_BIT(IND_MS17_010_VULNERABLE));
}

static void test_ms17_010_patched(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	peek_probe(&b, 0, 7);
	assert_int_equal(feed1(&s, b.p, b.n), IND_BIT(IND_MS17_010_PROBE));
	tb_free(&b);
	/* a patched server (and Samba) answers STATUS_ACCESS_DENIED (0xC0000022) */
	assert_int_equal(reply1(&s, 0x25, 0xC0000022, 7), 0);
	/* a late INSUFF_SERVER_RESOURCES after the answer: not an answer */
	assert_int_equal(reply1(&s, 0x25, 0xC0000205, 7), 0);
}

static void test_ordinary_trans(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	/* DCE/RPC over a pipe: TransactNmPipe (0x0026) on FID 0x4000 */
	uint16_t rpc[2] = {0x0026, 0x4000};
	smb1_hdr(&b, 0x25, 0, false, 0x0800, 0xFEFF, 0x0800, 9);
	trans_req(&b, rpc, 2, "\\PIPE\\");
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	/* PeekNamedPipe on a real FID */
	peek_probe(&b, 0x4001, 10);
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	/* RAP (no setup words): NetShareEnum over \PIPE\LANMAN */
	smb1_hdr(&b, 0x25, 0, false, 0x0800, 0xFEFF, 0x0800, 11);
	trans_req(&b, NULL, 0, "\\PIPE\\LANMAN");
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	assert_int_equal(s.fired, 0);
}

/* ---- DoublePulsar ---- */

/* nmap smb-double-pulsar-backdoor: Trans2 SESSION_SETUP (0x000E), MID 0x41. */
static void dp_probe(struct tbuf *b, uint16_t sub, uint16_t mid)
{
	uint16_t setup[1] = {sub};
	smb1_hdr(b, 0x32, 0, false, 0x0800, 0xFEFF, 0x0800, mid);
	trans_req(b, setup, 1, "");
}

static void test_doublepulsar(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	dp_probe(&b, 0x000E, 0x41);
	assert_int_equal(feed1(&s, b.p, b.n), IND_BIT(IND_DOUBLEPULSAR_PROBE));
	tb_free(&b);
	/* implant: STATUS_NOT_IMPLEMENTED with MID 0x41 + 16 = 0x51 */
	assert_int_equal(reply1(&s, 0x32, 0xC0000002, 0x51), IND_BIT(IND_DOUBLEPULSAR_IMPLANT));
	/* MID wraps: 0xFFF5 + 16 = 0x0005 */
	struct indicator_state w = {0};
	dp_probe(&b, 0x000E, 0xFFF5);
	assert_int_equal(feed1(&w, b.p, b.n), IND_BIT(IND_DOUBLEPULSAR_PROBE));
	tb_free(&b);
	assert_int_equal(reply1(&w, 0x32, 0xC0000002, 0x0005), IND_BIT(IND_DOUBLEPULSAR_IMPLANT));
}

static void test_doublepulsar_clean(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	dp_probe(&b, 0x000E, 0x41);
	assert_int_equal(feed1(&s, b.p, b.n), IND_BIT(IND_DOUBLEPULSAR_PROBE));
	tb_free(&b);
	/* a clean server answers on the same MID */
	assert_int_equal(reply1(&s, 0x32, 0xC0000002, 0x41), 0);
	/* ... after which a Trans2 reply with MID 0x51 is someone else's */
	assert_int_equal(reply1(&s, 0x32, 0, 0x51), 0);
	/* ordinary Trans2: FIND_FIRST2 (1), QUERY_FS_INFORMATION (3), DFS (0x10) */
	const uint16_t subs[] = {0x0001, 0x0003, 0x0010};
	for (size_t i = 0; i < 3; i++) {
		dp_probe(&b, subs[i], (uint16_t)(0x60 + i));
		assert_int_equal(feed1(&s, b.p, b.n), 0);
		tb_free(&b);
	}
	assert_int_equal(s.fired, IND_BIT(IND_DOUBLEPULSAR_PROBE));
}

/* ---- EternalBlue, NT Trans + Trans2 Secondary ---- */

/* NT Transact request (MS-CIFS 2.2.4.62.1), Function 0 as the exploit sends
 * it, with DataCount bytes of data at DataOffset 0x50 from the header that
 * start with the FEALIST SizeOfListInBytes `fea_size`. */
static void nt_trans(struct tbuf *b, uint16_t mid, uint32_t total_data, uint32_t fea_size,
		     uint16_t function)
{
	smb1_hdr(b, 0xA0, 0, false, 0x0800, 0xFEFF, 0x0800, mid);
	tb_u8(b, 20);			    /* WordCount 19 + SetupCount 1 */
	tb_u8(b, 1);			    /* MaxSetupCount */
	tb_le16(b, 0);			    /* Reserved1 */
	tb_le32(b, 30);			    /* TotalParameterCount */
	tb_le32(b, total_data);		    /* TotalDataCount */
	tb_le32(b, 30);			    /* MaxParameterCount */
	tb_le32(b, 0);			    /* MaxDataCount */
	tb_le32(b, 0);			    /* ParameterCount */
	tb_le32(b, 0x4C);		    /* ParameterOffset */
	tb_le32(b, 8);			    /* DataCount */
	tb_le32(b, 0x50);		    /* DataOffset */
	tb_u8(b, 1);			    /* SetupCount */
	tb_le16(b, function);		    /* Function */
	tb_le16(b, 0);			    /* Setup[0] */
	tb_le16(b, 13);			    /* ByteCount: 5 pad + 8 data */
	tb_fill(b, 0, 5);		    /* pad from 32 + 1 + 40 + 2 = 75 to 0x50 */
	tb_le32(b, fea_size);		    /* FEALIST SizeOfListInBytes */
	tb_bytes(b, "\x00\x00\x00\x00", 4); /* first FEA: flags 0, name 0, value 0 */
}

/* Transaction2 Secondary request (MS-CIFS 2.2.4.47.1), WordCount 9. */
static void trans2_secondary(struct tbuf *b, uint16_t mid)
{
	smb1_hdr(b, 0x33, 0, false, 0x0800, 0xFEFF, 0x0800, mid);
	tb_u8(b, 9);	     /* WordCount */
	tb_le16(b, 0);	     /* TotalParameterCount */
	tb_le16(b, 0xFFFF);  /* TotalDataCount */
	tb_le16(b, 0);	     /* ParameterCount */
	tb_le16(b, 0);	     /* ParameterOffset */
	tb_le16(b, 0);	     /* ParameterDisplacement */
	tb_le16(b, 4);	     /* DataCount */
	tb_le16(b, 0x35);    /* DataOffset */
	tb_le16(b, 0x3E0);   /* DataDisplacement */
	tb_le16(b, 0);	     /* FID */
	tb_le16(b, 4);	     /* ByteCount */
	tb_fill(b, 0x41, 4); /* data */
}

static void test_eternalblue_fea(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	/* TotalDataCount 0x10FE8 with a FEALIST of 0x10000 bytes */
	nt_trans(&b, 0x51, 0x10FE8, 0x10000, 0);
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	trans2_secondary(&b, 0x52); /* another MID: not a continuation */
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	trans2_secondary(&b, 0x51);
	assert_int_equal(feed1(&s, b.p, b.n), IND_BIT(IND_ETERNALBLUE_EXPLOIT));
	tb_free(&b);
	/* the FEA size alone (TotalDataCount in range) is enough */
	struct indicator_state t = {0};
	nt_trans(&b, 3, 0x1000, 0x10000, 0);
	assert_int_equal(feed1(&t, b.p, b.n), 0);
	tb_free(&b);
	trans2_secondary(&b, 3);
	assert_int_equal(feed1(&t, b.p, b.n), IND_BIT(IND_ETERNALBLUE_EXPLOIT));
	tb_free(&b);
}

static void test_eternalblue_ordinary_nt_trans(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	struct tbuf b;
	tb_init(&b);
	/* NT_TRANSACT_QUERY_SECURITY_DESC (6), small: then a (bogus) Trans2
	 * Secondary on its MID is a violation but not this exploit */
	nt_trans(&b, 5, 8, 8, 6);
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	trans2_secondary(&b, 5);
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	/* an oversized NT Trans continued by NT Trans Secondary is legal */
	nt_trans(&b, 6, 0x20000, 0x20000, 0);
	assert_int_equal(feed1(&s, b.p, b.n), 0);
	tb_free(&b);
	assert_int_equal(s.fired, 0);
}

static void test_eternalblue_truncated_nt_trans(void **state)
{
	(void)state;
	struct tbuf b, sec;
	tb_init(&b);
	tb_init(&sec);
	nt_trans(&b, 0x51, 0x1000, 0x10000, 0); /* oversized only by its FEA size */
	trans2_secondary(&sec, 0x51);
	for (size_t k = 0; k <= b.n; k++) {
		struct indicator_state s = {0};
		assert_int_equal(feed1(&s, b.p, k), 0);
		indicator_mask m = feed1(&s, sec.p, sec.n);
		/* the rule needs the FEALIST size, the last 8 bytes' first 4 */
		assert_int_equal(m, k >= b.n - 4 ? IND_BIT(IND_ETERNALBLUE_EXPLOIT) : 0);
	}
	tb_free(&b);
	tb_free(&sec);
}

/* ---- EternalBlue grooming (NBSS) ---- */

static indicator_mask feed_nbss(uint32_t declared, const uint8_t *p, size_t n, bool completed)
{
	struct indicator_state s = {0};
	uint8_t *q = heap_copy(p, n);
	struct rd r = rd_init(q, n);
	indicator_mask m = indicators_nbss(&s, declared, &r, completed);
	assert_int_equal(s.fired, m);
	free(q);
	return m;
}

static void test_grooming(void **state)
{
	(void)state;
	/* Metasploit ms17_010_eternalblue groom: NBSS length 0xFFF7, then
	 * "\xfeSMB" and 124 zero bytes; the message never completes. */
	uint8_t groom[128] = {0xFE, 'S', 'M', 'B'};
	assert_int_equal(feed_nbss(0xFFF7, groom, sizeof groom, false),
			 IND_BIT(IND_ETERNALBLUE_EXPLOIT));
	assert_int_equal(feed_nbss(0x1FFF7, groom, sizeof groom, false),
			 IND_BIT(IND_ETERNALBLUE_EXPLOIT));
	/* the whole 64-byte header is enough; less is not proof */
	for (size_t k = 0; k < sizeof groom; k++)
		assert_int_equal(feed_nbss(0xFFF7, groom, k, false),
				 k >= 64 ? IND_BIT(IND_ETERNALBLUE_EXPLOIT) : 0);
	/* completed, or a length outside [0xFF00, 0x1FFFF]: no */
	assert_int_equal(feed_nbss(0xFFF7, groom, sizeof groom, true), 0);
	assert_int_equal(feed_nbss(0xFEFF, groom, sizeof groom, false), 0);
	assert_int_equal(feed_nbss(0x20000, groom, sizeof groom, false), 0);
	/* an ordinary large SMB2 WRITE cut by the capture: StructureSize 64 */
	uint8_t write[128] = {0xFE, 'S', 'M', 'B', 0x40, 0x00, 0x01, 0x00};
	write[12] = 0x09; /* Command WRITE */
	assert_int_equal(feed_nbss(0xFFF7, write, sizeof write, false), 0);
	/* worawit's exploit marks its grooms "BAAD" (suricata-verify's
	 * EternalBlue captures): the marker is not checked */
	uint8_t baad[132] = {'B', 'A', 'A', 'D'};
	assert_int_equal(feed_nbss(0xFFF7, baad, sizeof baad, false),
			 IND_BIT(IND_ETERNALBLUE_EXPLOIT));
	/* an SMB1 WRITE_ANDX cut by the capture: non-zero command and flags */
	uint8_t smb1[64] = {0xFF, 'S', 'M', 'B', 0x2F, 0, 0, 0, 0, 0x18, 0x07, 0xC8};
	assert_int_equal(feed_nbss(0xFFF7, smb1, sizeof smb1, false), 0);
}

/* ---- SMBGhost ---- */

/* COMPRESSION_TRANSFORM_HEADER (MS-SMB2 2.2.42) then `extra` bytes. */
static indicator_mask feed_comp(uint32_t original, uint16_t flags, uint32_t offset, size_t extra,
				size_t cut)
{
	struct tbuf b;
	tb_init(&b);
	tb_bytes(&b, "\xfcSMB", 4); /* ProtocolId */
	tb_le32(&b, original);	    /* OriginalCompressedSegmentSize */
	tb_le16(&b, 0x0001);	    /* CompressionAlgorithm LZNT1 */
	tb_le16(&b, flags);	    /* Flags */
	tb_le32(&b, offset);	    /* Offset / Length */
	tb_fill(&b, 0x42, extra);   /* compressed data */
	size_t n = cut < b.n ? cut : b.n;
	uint8_t *q = heap_copy(b.p, n);
	struct rd r = rd_init(q, n);
	struct indicator_state s = {0};
	indicator_mask m = indicators_smb2_compressed(&s, &r, (uint32_t)b.n);
	free(q);
	tb_free(&b);
	return m;
}

static void test_smbghost(void **state)
{
	(void)state;
	const indicator_mask g = IND_BIT(IND_SMBGHOST_EXPLOIT);
	/* the public crash PoC: OriginalCompressedSegmentSize 0xFFFFFFFF, Offset 0x10 */
	assert_int_equal(feed_comp(0xFFFFFFFF, 0, 0x10, 0x20, SIZE_MAX), g);
	/* a sum that wraps with sane-looking parts */
	assert_int_equal(feed_comp(0x00001000, 0, 0xFFFFF800, 0x20, SIZE_MAX), g);
	/* Offset past the end of the message */
	assert_int_equal(feed_comp(0x1000, 0, 0x40, 0x20, SIZE_MAX), g);
	/* larger than any SMB2 message */
	assert_int_equal(feed_comp(0x01000000, 0, 0, 0x20, SIZE_MAX), g);
	/* ordinary: a 128 KiB READ response, Offset 0x50 within the message */
	assert_int_equal(feed_comp(0x20000, 0, 0x50, 0x60, SIZE_MAX), 0);
	assert_int_equal(feed_comp(0x20000, 0, 0x20, 0x20, SIZE_MAX), 0);
	/* chained (Flags 1): the last field is a Length, only the size counts */
	assert_int_equal(feed_comp(0x20000, 1, 0xFFFFFFF0, 0x20, SIZE_MAX), 0);
	assert_int_equal(feed_comp(0xFFFFFFFF, 1, 0x10, 0x20, SIZE_MAX), g);
	/* truncation: the 16-byte header must be there */
	for (size_t k = 0; k < 16 + 0x20; k++)
		assert_int_equal(feed_comp(0xFFFFFFFF, 0, 0x10, 0x20, k), k >= 16 ? g : 0);
	/* not a transform header */
	uint8_t smb2[16] = {0xFE, 'S', 'M', 'B', 0xFF, 0xFF, 0xFF, 0xFF};
	struct rd r = rd_init(smb2, sizeof smb2);
	struct indicator_state s = {0};
	assert_int_equal(indicators_smb2_compressed(&s, &r, sizeof smb2), 0);
}

/* ---- NTLM and names ---- */

static void test_fixed_challenge(void **state)
{
	(void)state;
	struct indicator_state s = {0};
	assert_int_equal(indicators_challenge(&s, (const uint8_t *)"AAAAAAAA"),
			 IND_BIT(IND_NTLM_FIXED_CHALLENGE));
	assert_int_equal(
	    indicators_challenge(&s, (const uint8_t *)"\x11\x22\x33\x44\x55\x66\x77\x88"),
	    IND_BIT(IND_NTLM_FIXED_CHALLENGE));
	/* impacket smbserver.py (SimpleSMBServer): unhexlify("A" * 16) */
	assert_int_equal(
	    indicators_challenge(&s, (const uint8_t *)"\xaa\xaa\xaa\xaa\xaa\xaa\xaa\xaa"),
	    IND_BIT(IND_NTLM_FIXED_CHALLENGE));
	/* challenges seen in the public corpus (arkime__smbtorture-ntlmssp) */
	assert_int_equal(
	    indicators_challenge(&s, (const uint8_t *)"\x28\xa3\xa3\x26\xa5\x3f\xa6\xf5"), 0);
	assert_int_equal(indicators_challenge(&s, (const uint8_t *)"AAAAAAAB"), 0);
	assert_int_equal(
	    indicators_challenge(&s, (const uint8_t *)"\x88\x77\x66\x55\x44\x33\x22\x11"), 0);
}

static void test_names(void **state)
{
	(void)state;
	static const char *const want[IND_COUNT] = {
	    "ntlm-fixed-challenge", "ntlm-relay",	  "ms17-010-probe",
	    "ms17-010-vulnerable",  "doublepulsar-probe", "doublepulsar-implant",
	    "eternalblue-exploit",  "smbghost-exploit",
	};
	for (unsigned i = 0; i < IND_COUNT; i++) {
		assert_string_equal(indicator_name((enum indicator)i), want[i]);
		assert_int_equal(indicator_bits[i].v, IND_BIT(i));
	}
	assert_null(indicator_bits[IND_COUNT].s);
	assert_null(indicator_name(IND_COUNT));
}

/* Every prefix of every request: a prefix raises only when the words the
 * rule reads are all there, and never reads past the copy. */
static void test_truncation_sweep(void **state)
{
	(void)state;
	struct tbuf b;
	tb_init(&b);
	peek_probe(&b, 0, 1);
	const size_t words_end = 32 + 1 + 2 * 16; /* header, WordCount, 16 words */
	for (size_t k = 0; k <= b.n; k++) {
		struct indicator_state s = {0};
		assert_int_equal(feed1(&s, b.p, k),
				 k >= words_end ? IND_BIT(IND_MS17_010_PROBE) : 0);
	}
	tb_free(&b);
	dp_probe(&b, 0x000E, 0x41);
	for (size_t k = 0; k <= b.n; k++) {
		struct indicator_state s = {0};
		assert_int_equal(feed1(&s, b.p, k),
				 k >= 32 + 1 + 2 * 15 ? IND_BIT(IND_DOUBLEPULSAR_PROBE) : 0);
	}
	tb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ms17_010),
	    cmocka_unit_test(test_ms17_010_patched),
	    cmocka_unit_test(test_ordinary_trans),
	    cmocka_unit_test(test_doublepulsar),
	    cmocka_unit_test(test_doublepulsar_clean),
	    cmocka_unit_test(test_eternalblue_fea),
	    cmocka_unit_test(test_eternalblue_ordinary_nt_trans),
	    cmocka_unit_test(test_eternalblue_truncated_nt_trans),
	    cmocka_unit_test(test_grooming),
	    cmocka_unit_test(test_smbghost),
	    cmocka_unit_test(test_fixed_challenge),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_truncation_sweep),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
