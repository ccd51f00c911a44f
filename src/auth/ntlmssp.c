/* ntlmssp: MS-NLMP messages (see include/smbneg/ntlmssp.h).
 *
 * Every message: Signature "NTLMSSP\0" (8), MessageType (4), then a fixed part
 * of fields; variable data sits in a payload, found through 8-byte
 * descriptors {Len u16, MaxLen u16, BufferOffset u32} counted from the first
 * byte of the message. Optional fixed fields (Version, MIC) are present when
 * the payload starts after them (the rule Windows and Wireshark follow). */
#include "smbneg/ntlmssp.h"

#include "smbneg/wstr.h"

#include <stddef.h>
#include <string.h>

/* Fixed-part sizes (MS-NLMP 2.2.1.1-2.2.1.3). */
#define NEG_MIN 16   /* up to NegotiateFlags */
#define NEG_VERSION 32
#define CHAL_MIN 32  /* up to ServerChallenge */
#define CHAL_INFO 40
#define CHAL_VERSION 48
#define AUTH_MIN 52  /* up to WorkstationFields */
#define AUTH_KEY 52
#define AUTH_FLAGS 60
#define AUTH_VERSION 64
#define AUTH_MIC 72
#define NTLMV2_BLOB_MIN 44 /* NTProofStr 16 + fixed blob header 28 */

struct field {
	uint16_t len;
	uint32_t off;
};

bool ntlmssp_is(const uint8_t *p, size_t n)
{
	return n >= 8 && memcmp(p, "NTLMSSP\0", 8) == 0;
}

/* MS-NLMP 2.2.1.1 *Fields descriptor at `at`. */
static struct field field_at(const struct rd *msg, size_t at)
{
	struct rd r = rd_at(msg, at, 8);
	struct field f;
	f.len = rd_le16(&r);
	rd_skip(&r, 2); /* MaxLen */
	f.off = rd_le32(&r);
	return f;
}

/* The payload of f, or an empty erroring reader (and field_range) when it
 * lies outside the message. */
static struct rd field_data(const struct rd *msg, struct field f, struct ntlmssp_msg *m)
{
	struct rd d = rd_at(msg, f.off, f.len);
	if (!rd_ok(&d))
		m->field_range = true;
	return d;
}

static void field_string(const struct rd *msg, struct field f, bool unicode, char *dst,
			 size_t size, struct ntlmssp_msg *m)
{
	struct rd d = field_data(msg, f, m);
	dst[0] = '\0';
	if (!rd_ok(&d))
		return;
	if (unicode)
		wstr_utf16(&d, f.len, dst, size, &m->cut);
	else
		wstr_oem(&d, f.len, dst, size, &m->cut);
}

/* Where the payload starts: the lowest offset of the descriptors at `ats`
 * that point past the minimal fixed part `fixed`; the message length when
 * none does. */
static size_t payload_start(const struct rd *msg, const size_t *ats, size_t n, size_t fixed)
{
	size_t start = msg->len;
	for (size_t i = 0; i < n; i++) {
		struct field f = field_at(msg, ats[i]);
		if (f.off >= fixed && f.off < start)
			start = f.off;
	}
	return start;
}

/* MS-NLMP 2.2.2.10 VERSION at `at` when the payload leaves room for it. */
static void version_at(const struct rd *msg, size_t at, size_t start, struct ntlm_version *v)
{
	if (start < at + 8)
		return;
	struct rd r = rd_at(msg, at, 8);
	v->major = rd_u8(&r);
	v->minor = rd_u8(&r);
	v->build = rd_le16(&r);
	rd_skip(&r, 3); /* Reserved */
	v->revision = rd_u8(&r);
	v->present = rd_ok(&r);
}

/* The AV pairs kept as text: AvId -> member of struct ntlm_av_info. */
static const struct {
	uint16_t id;
	size_t off, size;
} av_names[] = {
	{MSV_AV_NB_COMPUTER_NAME, offsetof(struct ntlm_av_info, nb_computer), NTLM_NAME_MAX},
	{MSV_AV_NB_DOMAIN_NAME, offsetof(struct ntlm_av_info, nb_domain), NTLM_NAME_MAX},
	{MSV_AV_DNS_COMPUTER_NAME, offsetof(struct ntlm_av_info, dns_computer), NTLM_STR_MAX},
	{MSV_AV_DNS_DOMAIN_NAME, offsetof(struct ntlm_av_info, dns_domain), NTLM_STR_MAX},
	{MSV_AV_DNS_TREE_NAME, offsetof(struct ntlm_av_info, dns_tree), NTLM_STR_MAX},
	{MSV_AV_TARGET_NAME, offsetof(struct ntlm_av_info, target_name), NTLM_STR_MAX},
};

/* One AV pair's value into the summary. */
static void av_value(struct rd *v, uint16_t id, uint16_t len, struct ntlm_av_info *a, bool *cut)
{
	for (size_t i = 0; i < sizeof av_names / sizeof av_names[0]; i++)
		if (av_names[i].id == id) {
			char *dst = (char *)a + av_names[i].off;
			wstr_utf16(v, len, dst, av_names[i].size, cut);
			return;
		}
	if (id == MSV_AV_FLAGS) {
		a->flags = rd_le32(v);
		a->has_flags = rd_ok(v);
	} else if (id == MSV_AV_TIMESTAMP) {
		a->timestamp = rd_le64(v);
		a->has_timestamp = rd_ok(v);
	}
}

/* MS-NLMP 2.2.2.1: AvId u16, AvLen u16, Value; ends with MsvAvEOL. False
 * when a pair runs past the end. */
static bool parse_av_pairs(struct rd r, struct ntlm_av_info *a, bool *cut)
{
	while (a->count < NTLM_MAX_AV_PAIRS && rd_left(&r) >= 4) {
		uint16_t id = rd_le16(&r);
		uint16_t len = rd_le16(&r);
		a->count++;
		if (id == MSV_AV_EOL) {
			a->has_eol = true;
			return true;
		}
		struct rd v = rd_sub(&r, len);
		if (!rd_ok(&v))
			return false;
		uint32_t bit = id < 32 ? 1u << id : 0;
		if (!(a->present & bit)) /* the first of a repeated pair counts */
			av_value(&v, id, len, a, cut);
		a->present |= bit;
	}
	return rd_left(&r) == 0 || a->count == NTLM_MAX_AV_PAIRS;
}

/* MS-NLMP 2.2.1.1 NEGOTIATE_MESSAGE */
static enum smb_parse parse_negotiate(const struct rd *msg, struct ntlmssp_msg *m)
{
	static const size_t ats[] = {16, 24};
	struct ntlm_negotiate *n = &m->u.negotiate;
	if (msg->len < NEG_MIN)
		return SMB_PARSE_TRUNCATED;
	struct rd fl = rd_at(msg, 12, 4);
	m->flags = rd_le32(&fl);
	if (msg->len < NEG_VERSION) /* old clients stop after the flags */
		return SMB_PARSE_OK;
	size_t start = payload_start(msg, ats, 2, NEG_VERSION);
	field_string(msg, field_at(msg, 16), false, n->domain, sizeof n->domain, m);
	field_string(msg, field_at(msg, 24), false, n->workstation, sizeof n->workstation, m);
	version_at(msg, NEG_VERSION, start, &m->version);
	return m->field_range ? SMB_PARSE_TRUNCATED : SMB_PARSE_OK;
}

/* MS-NLMP 2.2.1.2 CHALLENGE_MESSAGE */
static enum smb_parse parse_challenge(const struct rd *msg, struct ntlmssp_msg *m)
{
	static const size_t ats[] = {12, CHAL_INFO};
	struct ntlm_challenge *c = &m->u.challenge;
	if (msg->len < CHAL_MIN)
		return SMB_PARSE_TRUNCATED;
	struct rd fl = rd_at(msg, 20, 4);
	m->flags = rd_le32(&fl);
	struct rd r = rd_at(msg, 24, 8);
	rd_bytes(&r, c->server_challenge, 8);
	bool unicode = (m->flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	size_t start = msg->len >= CHAL_INFO + 8 ? payload_start(msg, ats, 2, CHAL_INFO + 8)
						 : payload_start(msg, ats, 1, CHAL_MIN);
	field_string(msg, field_at(msg, 12), unicode, c->target_name, sizeof c->target_name, m);
	if (start >= CHAL_INFO + 8) {
		struct field f = field_at(msg, CHAL_INFO);
		struct rd d = field_data(msg, f, m);
		c->has_target_info = rd_ok(&d) && f.len > 0;
		c->target_info_len = f.len;
		if (c->has_target_info && !parse_av_pairs(d, &c->info, &m->cut))
			return SMB_PARSE_MALFORMED;
	}
	version_at(msg, CHAL_VERSION, start, &m->version);
	return m->field_range ? SMB_PARSE_TRUNCATED : SMB_PARSE_OK;
}

/* MS-NLMP 2.2.2.8 NTLMv2_RESPONSE: NTProofStr (16), then the client blob
 * RespType, HiRespType, Reserved1 (2), Reserved2 (4), TimeStamp (8),
 * ChallengeFromClient (8), Reserved3 (4), AvPairs. */
static void parse_ntlmv2(struct rd nt, struct ntlm_authenticate *a, bool *cut)
{
	rd_bytes(&nt, a->nt_proof_str, 16);
	if (rd_left(&nt) < NTLMV2_BLOB_MIN - 16)
		return;
	rd_skip(&nt, 8);
	a->client_timestamp = rd_le64(&nt);
	rd_bytes(&nt, a->client_challenge, 8);
	rd_skip(&nt, 4);
	parse_av_pairs(nt, &a->info, cut); /* the client's copy; a bad tail is not fatal */
	a->mic_flagged = a->info.has_flags && (a->info.flags & MSV_AV_FLAG_MIC_PRESENT);
}

static void auth_responses(const struct rd *msg, struct ntlmssp_msg *m)
{
	struct ntlm_authenticate *a = &m->u.auth;
	struct field lm = field_at(msg, 12), nt = field_at(msg, 20);
	struct rd lmd = field_data(msg, lm, m), ntd = field_data(msg, nt, m);
	a->lm_len = lm.len;
	a->nt_len = nt.len;
	a->lm_is_z1 = lm.len == 1 && rd_ok(&lmd) && rd_u8(&lmd) == 0;
	a->ntlmv2 = nt.len > 24;
	if (a->ntlmv2 && rd_ok(&ntd))
		parse_ntlmv2(ntd, a, &m->cut);
}

/* MS-NLMP 2.2.1.3 AUTHENTICATE_MESSAGE */
static enum smb_parse parse_authenticate(const struct rd *msg, struct ntlmssp_msg *m)
{
	static const size_t ats[] = {12, 20, 28, 36, 44, AUTH_KEY};
	struct ntlm_authenticate *a = &m->u.auth;
	if (msg->len < AUTH_MIN)
		return SMB_PARSE_TRUNCATED;
	size_t start = payload_start(msg, ats, msg->len >= AUTH_KEY + 8 ? 6 : 5, AUTH_MIN);
	if (start >= AUTH_FLAGS + 4) {
		struct rd f = rd_at(msg, AUTH_FLAGS, 4);
		m->flags = rd_le32(&f);
	}
	if (start >= AUTH_KEY + 8) {
		struct field k = field_at(msg, AUTH_KEY);
		a->session_key_len = k.len;
		field_data(msg, k, m); /* range check only: the key is not kept */
	}
	bool unicode = (m->flags & NTLMSSP_NEGOTIATE_UNICODE) != 0;
	auth_responses(msg, m);
	field_string(msg, field_at(msg, 28), unicode, a->domain, sizeof a->domain, m);
	field_string(msg, field_at(msg, 36), unicode, a->user, sizeof a->user, m);
	field_string(msg, field_at(msg, 44), unicode, a->workstation, sizeof a->workstation, m);
	version_at(msg, AUTH_VERSION, start, &m->version);
	a->has_mic = start >= AUTH_MIC + 16 && msg->len >= AUTH_MIC + 16;
	a->user_empty = field_at(msg, 36).len == 0;
	/* MS-NLMP 3.2.5.1.2: anonymous = no user and no (or Z(1)) responses */
	a->anonymous = a->user_empty && a->nt_len == 0 && (a->lm_len == 0 || a->lm_is_z1);
	return m->field_range ? SMB_PARSE_TRUNCATED : SMB_PARSE_OK;
}

enum smb_parse ntlmssp_parse(struct rd *r, struct ntlmssp_msg *m)
{
	memset(m, 0, sizeof *m);
	struct rd msg = rd_sub(r, rd_left(r));
	const uint8_t *sig = rd_peek(&msg, 8);
	if (!sig)
		return SMB_PARSE_TRUNCATED;
	if (!ntlmssp_is(sig, 8))
		return SMB_PARSE_MALFORMED;
	struct rd h = rd_at(&msg, 8, 4);
	m->type = rd_le32(&h);
	if (!rd_ok(&h))
		return SMB_PARSE_TRUNCATED;
	switch (m->type) {
	case 1:
		return parse_negotiate(&msg, m);
	case 2:
		return parse_challenge(&msg, m);
	case 3:
		return parse_authenticate(&msg, m);
	default:
		return SMB_PARSE_MALFORMED;
	}
}
