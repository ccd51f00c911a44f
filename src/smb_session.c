/* smb_session: the Session Setup exchanges of one connection, shared by
 * smb1_session.c and smb2_session.c. One record per exchange, keyed by SMB2
 * SessionId or SMB1 UID (MS-SMB2 3.3.5.5, MS-CIFS 3.3.5.43); the security
 * blobs of its legs decoded by src/auth/ into who authenticated, how, and
 * the server's identity from the NTLMSSP CHALLENGE. */
#include "smbneg/smb_cmd.h"

#include "smbneg/auth.h"
#include "smbneg/smb_ntlm.h"

#include <stdlib.h>
#include <string.h>

/* Records live on the heap, grown 1, 2, 4, 8: most connections never log
 * on, and a flood of them must not pay for SMB_MAX_SESSIONS each. */
static struct smb_session *session_new(struct conv_smb *s, uint64_t id, uint64_t frame)
{
	if (s->nsessions >= SMB_MAX_SESSIONS) {
		s->sessions_dropped++;
		return NULL;
	}
	if (s->nsessions == s->sessions_cap) {
		unsigned cap = s->sessions_cap ? s->sessions_cap * 2 : 1;
		struct smb_session *grown = realloc(s->sessions, cap * sizeof *grown);
		if (!grown) {
			s->sessions_dropped++;
			return NULL;
		}
		s->sessions = grown;
		s->sessions_cap = cap;
	}
	struct smb_session *x = &s->sessions[s->nsessions++];
	memset(x, 0, sizeof *x);
	x->id = id;
	x->first_frame = frame;
	return x;
}

/* The newest exchange of id still waiting for its final response. */
static struct smb_session *open_exchange(struct conv_smb *s, uint64_t id)
{
	for (unsigned i = s->nsessions; i-- > 0;)
		if (s->sessions[i].id == id && !s->sessions[i].final)
			return &s->sessions[i];
	return NULL;
}

struct smb_session *smb_session_get(struct conv_smb *s, uint64_t id, uint64_t frame)
{
	struct smb_session *x = open_exchange(s, id);
	return x ? x : session_new(s, id, frame);
}

struct smb_session *smb_session_answered(struct conv_smb *s, uint64_t id, uint64_t frame)
{
	struct smb_session *x = open_exchange(s, id);
	if (!x)
		x = open_exchange(s, 0); /* the first leg: its request carried id 0 */
	if (!x)
		return session_new(s, id, frame);
	x->id = id;
	return x;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* MS-NLMP 2.2.1.2: the server's identity, once per connection. */
static void server_id(struct conv_smb *s, const struct ntlmssp_msg *m)
{
	struct smb_server_id *id = &s->server_id;
	const struct ntlm_challenge *c = &m->u.challenge;
	if (!id->has_names && c->has_target_info) {
		id->has_names = true;
		id->present = c->info.present;
		copy_str(id->name, sizeof id->name, c->info.nb_computer);
		copy_str(id->domain, sizeof id->domain, c->info.nb_domain);
		copy_str(id->dns_name, sizeof id->dns_name, c->info.dns_computer);
		copy_str(id->dns_domain, sizeof id->dns_domain, c->info.dns_domain);
	}
	if (!id->has_version && m->version.present && (m->flags & NTLMSSP_NEGOTIATE_VERSION)) {
		id->has_version = true;
		id->os_major = m->version.major;
		id->os_minor = m->version.minor;
		id->os_build = m->version.build;
	}
}

static void take_ntlm(struct conv_smb *s, struct smb_session *x, const struct ntlmssp_msg *m)
{
	x->ntlm_flags = m->flags;
	if (m->type == 2) {
		x->has_challenge = true;
		memcpy(x->server_challenge, m->u.challenge.server_challenge, 8);
		server_id(s, m);
	} else if (m->type == 3) {
		const struct ntlm_authenticate *a = &m->u.auth;
		x->has_names = true;
		copy_str(x->user, sizeof x->user, a->user);
		copy_str(x->domain, sizeof x->domain, a->domain);
		copy_str(x->workstation, sizeof x->workstation, a->workstation);
		/* MS-NLMP 3.2.5.1.2: an empty user with empty responses */
		x->anonymous |= a->user_empty && a->nt_len == 0;
		x->has_proof = a->ntlmv2;
		if (a->ntlmv2)
			memcpy(x->nt_proof_str, a->nt_proof_str, 16);
	}
}

void smb_session_blob(struct smb_ctx *ctx, struct smb_session *x, struct rd blob)
{
	struct auth_token t;
	if (rd_left(&blob) == 0)
		return;
	auth_parse_blob(&blob, &t); /* what was decoded before an error is kept */
	if (t.mech == AUTH_MECH_NTLMSSP)
		x->mech = SMB_AUTH_NTLMSSP;
	else if (t.mech == AUTH_MECH_KERBEROS)
		x->mech = SMB_AUTH_KERBEROS;
	else if (t.mech == AUTH_MECH_OTHER && x->mech == SMB_AUTH_NONE)
		x->mech = SMB_AUTH_OTHER;
	if (t.has_ntlmssp)
		take_ntlm(ctx->s, x, &t.ntlm);
	if (t.has_krb5 && t.krb5.msg == KRB5_MSG_AP_REQ && !x->has_krb) {
		/* RFC 4120 5.3: the ticket's realm and sname are in clear */
		x->has_krb = true;
		copy_str(x->krb_realm, sizeof x->krb_realm, t.krb5.realm);
		copy_str(x->krb_service, sizeof x->krb_service, t.krb5.sname);
	}
	if (t.has_ntlmssp)
		smb_ntlm_observe(ctx, &t.ntlm);
}

const char *smb_auth_name(int mech)
{
	static const char *const names[] = {NULL, "ntlmssp", "kerberos", "lm-ntlm", NULL};
	return mech >= 0 && mech <= SMB_AUTH_OTHER ? names[mech] : NULL;
}
