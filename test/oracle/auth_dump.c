/* auth_dump: decode security blobs (and SMB1 Session Setup messages) given as
 * hex on stdin and print the facts under tshark's field names, for
 * test/oracle/auth-fields.py to compare with tshark.
 *
 * Input, one per line:  FRAME <tab> blob|smb1 <tab> HEX
 * Output, one per line: FRAME <tab> field <tab> value     (multi-valued fields
 * joined with ',') and FRAME <tab> result <tab> ok|truncated|malformed. */
#include "smbneg/auth.h"
#include "smbneg/der.h"
#include "smbneg/smb1_logon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (s[0] && s[1] && n < cap) {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		s += 2;
		if (*s == ':')
			s++;
	}
	return n;
}

static void hex(const char *frame, const char *name, const uint8_t *p, size_t n)
{
	printf("%s\t%s\t", frame, name);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

static void ntlm_info(const char *f, const char *pre, const struct ntlm_av_info *a)
{
	static const char *const names[] = {"nb_computer_name", "nb_domain_name",
					    "dns_computer_name", "dns_domain_name",
					    "dns_tree_name", "target_name"};
	const char *vals[] = {a->nb_computer, a->nb_domain, a->dns_computer,
			      a->dns_domain, a->dns_tree, a->target_name};
	for (int i = 0; i < 6; i++)
		if (vals[i][0])
			printf("%s\t%s.%s\t%s\n", f, pre, names[i], vals[i]);
}

static void dump_ntlm(const char *f, const struct ntlmssp_msg *m)
{
	printf("%s\tntlmssp.messagetype\t%u\n", f, m->type);
	printf("%s\tntlmssp.negotiateflags\t%u\n", f, m->flags);
	if (m->version.present)
		printf("%s\tntlmssp.version\t%u.%u.%u\n", f, m->version.major, m->version.minor,
		       m->version.build);
	if (m->type == 2) {
		const struct ntlm_challenge *c = &m->u.challenge;
		hex(f, "ntlmssp.ntlmserverchallenge", c->server_challenge, 8);
		printf("%s\tntlmssp.challenge.target_name\t%s\n", f, c->target_name);
		ntlm_info(f, "ntlmssp.challenge.target_info", &c->info);
	} else if (m->type == 3) {
		const struct ntlm_authenticate *a = &m->u.auth;
		printf("%s\tntlmssp.auth.username\t%s\n", f, a->user);
		printf("%s\tntlmssp.auth.domain\t%s\n", f, a->domain);
		printf("%s\tntlmssp.auth.hostname\t%s\n", f, a->workstation);
		if (a->ntlmv2) {
			hex(f, "ntlmssp.ntlmv2_response.ntproofstr", a->nt_proof_str, 16);
			hex(f, "ntlmssp.ntlmv2_response.chal", a->client_challenge, 8);
			ntlm_info(f, "ntlmssp.ntlmv2_response", &a->info);
		}
		printf("%s\tmic\t%d\n", f, a->has_mic);
		printf("%s\tanonymous\t%d\n", f, a->anonymous);
	}
}

static void dump_blob(const char *f, const uint8_t *p, size_t n)
{
	static const char *const res[] = {"ok", "truncated", "malformed"};
	struct rd r = rd_init(p, n);
	struct auth_token t;
	enum smb_parse e = auth_parse_blob(&r, &t);
	printf("%s\tresult\t%s\n", f, res[e]);
	printf("%s\tmech\t%s\n", f, t.mech ? auth_mech_name(t.mech) : "none");
	if (t.spnego && t.sp.neg_state >= 0)
		printf("%s\tspnego.negResult\t%d\n", f, t.sp.neg_state);
	if (t.spnego && t.sp.has_supported_mech)
		printf("%s\tspnego.supportedMech\t%s\n", f, t.sp.supported_mech_oid);
	if (t.spnego && t.sp.hint_name[0])
		printf("%s\tspnego.hintName\t%s\n", f, t.sp.hint_name);
	if (t.has_ntlmssp)
		dump_ntlm(f, &t.ntlm);
	if (t.has_krb5 && t.krb5.realm[0])
		printf("%s\tkerberos.realm\t%s\n", f, t.krb5.realm);
	if (t.has_krb5 && t.krb5.sname_parts)
		printf("%s\tkerberos.SNameString\t%s\n", f, t.krb5.sname);
	if (t.has_krb5 && t.krb5.has_error_code)
		printf("%s\tkerberos.error_code\t%d\n", f, t.krb5.error_code);
}

/* A whole SMB1 message (from its \xffSMB): header flags2 at 10, body at 32. */
static void dump_smb1(const char *f, const uint8_t *p, size_t n)
{
	if (n < 33)
		return;
	struct rd r = rd_init(p, n);
	rd_skip(&r, 9);
	uint8_t flags = rd_u8(&r);
	uint16_t flags2 = rd_le16(&r);
	rd_skip(&r, 20);
	struct rd blob;
	if (flags & 0x80) {
		struct smb1_logon_response s;
		if (smb1_logon_parse_response(&r, flags2, &s, &blob) != SMB_PARSE_OK)
			return;
		printf("%s\tsmb.native_os\t%s\n%s\tsmb.native_lanman\t%s\n", f, s.native_os, f,
		       s.native_lanman);
		printf("%s\tsmb.primary_domain\t%s\n", f, s.primary_domain);
		return;
	}
	struct smb1_logon_request q;
	if (smb1_logon_parse_request(&r, flags2, &q, &blob) != SMB_PARSE_OK)
		return;
	if (!q.extended_security)
		printf("%s\tsmb.account\t%s\n", f, q.account);
	printf("%s\tsmb.primary_domain\t%s\n", f, q.primary_domain);
	printf("%s\tsmb.native_os\t%s\n%s\tsmb.native_lanman\t%s\n", f, q.native_os, f,
	       q.native_lanman);
	if (q.ntlmv2) {
		hex(f, "ntlmssp.ntlmv2_response.ntproofstr", q.nt_proof_str, 16);
		hex(f, "ntlmssp.ntlmv2_response.chal", q.client_challenge, 8);
	}
}

int main(void)
{
	static char line[1 << 18];
	static uint8_t buf[1 << 17];
	while (fgets(line, sizeof line, stdin)) {
		char *kind = strchr(line, '\t');
		char *hx = kind ? strchr(kind + 1, '\t') : NULL;
		if (!hx)
			continue;
		*kind++ = '\0';
		*hx++ = '\0';
		hx[strcspn(hx, "\r\n")] = '\0';
		size_t n = unhex(hx, buf, sizeof buf);
		uint8_t *exact = malloc(n ? n : 1); /* exact size: ASan sees over-reads */
		if (!exact)
			return 1;
		memcpy(exact, buf, n);
		if (strcmp(kind, "smb1") == 0)
			dump_smb1(line, exact, n);
		else
			dump_blob(line, exact, n);
		free(exact);
	}
	return 0;
}
