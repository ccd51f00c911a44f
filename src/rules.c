/* rules: the verdict, an ordered rule table (see include/smbneg/rules.h).
 * Sources: KB 916846 "Interoperability matrix for SMB signing", KB 887429
 * (errors 5 and 1240), KB 2686098 (Secure Negotiate), MS-SMB2 3.2.5.3.1
 * and 3.3.5.5.3 (when SMB2 signs), MS-SMB2 3.2.5.14.12. */
#include "smbneg/rules.h"

#include "smbneg/knowledge.h"
#include "smbneg/smb_const.h"

#include <stddef.h>

const char *const verdict_names[V_COUNT] = {
	"signed", "not-signed", "mismatch-no-communication", "mismatch-access-denied",
	"guest-blocked", "secure-negotiate-failed", "invalid-signature", "negotiate-failed",
	"logon-failed", "incomplete",
};

const char *const cause_names[CAUSE_COUNT] = {
	[CAUSE_NO_SMB] = "no-smb",
	[CAUSE_INVALID_SIGNATURE] = "invalid-signature",
	[CAUSE_SMB1_UNSIGNED_LOGON] = "smb1-unsigned-logon",
	[CAUSE_SECURE_NEGOTIATE_FAILED] = "secure-negotiate-failed",
	[CAUSE_GUEST_BLOCKED] = "guest-blocked",
	[CAUSE_ENCRYPTED_BY_SERVER] = "encrypted-by-server",
	[CAUSE_SIGNED_ENCRYPTED] = "signed-encrypted",
	[CAUSE_SIGNED_PARTLY] = "signed-partly",
	[CAUSE_SIGNED_AGAINST_PREDICTION] = "signed-against-prediction",
	[CAUSE_SIGNED_KB_NO_COMMUNICATION] = "signed-kb-no-communication",
	[CAUSE_SIGNED] = "signed",
	[CAUSE_TREE_DENIED_GUEST] = "tree-denied-guest",
	[CAUSE_TREE_DENIED_UNSIGNED_CLIENT] = "tree-denied-unsigned-client",
	[CAUSE_CLIENT_SIGNING_DISABLED] = "client-signing-disabled",
	[CAUSE_SERVER_SIGNING_DISABLED] = "server-signing-disabled",
	[CAUSE_NEGOTIATE_REFUSED] = "negotiate-refused",
	[CAUSE_NEGOTIATE_NO_DIALECT] = "negotiate-no-dialect",
	[CAUSE_NEGOTIATE_UNANSWERED] = "negotiate-unanswered",
	[CAUSE_CLOSED_AFTER_NEGOTIATE] = "closed-after-negotiate",
	[CAUSE_UNSIGNED_GUEST_EXEMPTED] = "unsigned-guest-exempted",
	[CAUSE_UNSIGNED_DESPITE_REQUIRED] = "unsigned-despite-required",
	[CAUSE_NOT_REQUIRED_GUEST] = "not-required-guest",
	[CAUSE_NOT_REQUIRED] = "not-required",
	[CAUSE_SESSION_SETUP_FAILED] = "session-setup-failed",
	[CAUSE_TREE_CONNECT_FAILED] = "tree-connect-failed",
	[CAUSE_SNAPLEN_CUT] = "snaplen-cut",
	[CAUSE_MID_STREAM] = "mid-stream",
	[CAUSE_NO_NEGOTIATE_RESPONSE_CLOSED] = "no-negotiate-response-closed",
	[CAUSE_NO_NEGOTIATE_RESPONSE] = "no-negotiate-response",
	[CAUSE_ENDS_BEFORE_TRAFFIC] = "ends-before-traffic",
	[CAUSE_ATTACK] = "attack",
};

/* ---- shared tests ---- */

static bool any_required(const struct facts *f)
{
	return f->client_requires || f->server_requires;
}

static bool guest_or_anonymous(const struct facts *f)
{
	return f->guest || f->anonymous;
}

/* Signed traffic; unsigned messages beside it are tolerated only where a
 * side required signing (they are then the exception). Encryption (MS-SMB2
 * 3.1.4.3) protects the session too (README "Verdicts": protection `encryption`). */
static bool signed_traffic(const struct facts *f)
{
	enum protection p = facts_protection(f);
	return p == PROT_SIGNING || p == PROT_ENCRYPTION;
}

/* KB 887429: Tree Connect denied where the server requires signing. */
static bool tree_denied(const struct facts *f)
{
	return f->tree_connect_status == NT_STATUS_ACCESS_DENIED && !f->tree_connect_ok &&
	       f->server_requires && !f->client_requires;
}

static bool closed_after_negotiate(const struct facts *f)
{
	return f->negotiated && !f->session_setup_requested && f->closed;
}

/* ---- the rules, one per cause ---- */

static bool r_no_smb(const struct facts *f) { return !f->smb_seen; }
static bool r_invalid_signature(const struct facts *f) { return f->invalid_signature; }

static bool r_secure_negotiate_failed(const struct facts *f)
{
	return f->secure_negotiate != SN_NOT_SEEN && f->secure_negotiate != SN_PASSED;
}

static bool r_guest_blocked(const struct facts *f)
{
	return f->guest_blocked_status ||
	       (guest_or_anonymous(f) && f->client_requires && f->signed_after_session == 0);
}

/* MS-CIFS 3.2.4.2.4 / 3.2.5.3: a client that requires signing checks the
 * final Session Setup response; one still carrying the "BSRSPYL "
 * placeholder fails that check and the client disconnects (Samba prints a
 * bad-signature error). The capture is complete: a signing failure. */
static bool r_smb1_unsigned_logon(const struct facts *f)
{
	return f->smb_version == 1 && f->smb1_unsigned_logon && f->client_requires &&
	       !guest_or_anonymous(f) &&
	       f->signed_after_session == 0 && f->unsigned_after_session == 0 &&
	       f->encrypted_msgs == 0 && f->closed;
}

static bool r_encrypted_by_server(const struct facts *f)
{
	return facts_protection(f) == PROT_ENCRYPTION && f->encrypt_data;
}

static bool r_signed_encrypted(const struct facts *f)
{
	return facts_protection(f) == PROT_ENCRYPTION;
}

static bool r_signed_partly(const struct facts *f)
{
	return signed_traffic(f) && f->unsigned_after_session > 0;
}

static bool r_signed_against_prediction(const struct facts *f)
{
	return signed_traffic(f) && f->predicted && !(f->predicted & (1u << KB_SIGNED));
}

static bool r_signed_kb_no_communication(const struct facts *f)
{
	return signed_traffic(f) && (f->predicted & (1u << KB_NO_COMMUNICATION));
}

static bool r_tree_denied_guest(const struct facts *f)
{
	return tree_denied(f) && guest_or_anonymous(f);
}

static bool r_client_signing_disabled(const struct facts *f)
{
	return closed_after_negotiate(f) && f->server_requires &&
	       f->client.setting == SIGNING_DISABLED;
}

/* KB 887429, error 1240: an SMB1 client that requires signing meets a
 * server that has it disabled. */
static bool r_server_signing_disabled(const struct facts *f)
{
	return closed_after_negotiate(f) && f->client_requires &&
	       f->server.setting == SIGNING_DISABLED && f->smb_version == 1;
}

static bool r_negotiate_refused(const struct facts *f)
{
	return f->negotiate_failure == NEG_ERROR_STATUS;
}

static bool r_negotiate_no_dialect(const struct facts *f)
{
	return f->negotiate_failure == NEG_NO_DIALECT;
}

static bool r_negotiate_unanswered(const struct facts *f)
{
	return f->negotiate_failure == NEG_UNANSWERED;
}

static bool r_unsigned_guest_exempted(const struct facts *f)
{
	return f->unsigned_after_session > 0 && any_required(f) && guest_or_anonymous(f);
}

static bool r_unsigned_despite_required(const struct facts *f)
{
	return f->unsigned_after_session > 0 && any_required(f);
}

static bool r_not_required_guest(const struct facts *f)
{
	return f->unsigned_after_session > 0 && guest_or_anonymous(f);
}

static bool r_not_required(const struct facts *f) { return f->unsigned_after_session > 0; }
static bool r_session_setup_failed(const struct facts *f) { return f->logon_fail_status != 0; }
static bool r_tree_connect_failed(const struct facts *f) { return f->tree_connect_status != 0; }
static bool r_snaplen_cut(const struct facts *f) { return !f->any_negotiate && f->cut_short; }
static bool r_mid_stream(const struct facts *f) { return !f->any_negotiate; }

static bool r_no_negotiate_response_closed(const struct facts *f)
{
	return !f->negotiated && f->closed;
}

static bool r_no_negotiate_response(const struct facts *f) { return !f->negotiated; }
static bool r_always(const struct facts *f) { (void)f; return true; }

struct rule {
	enum verdict_cause cause;
	enum verdict_kind verdict;
	bool (*holds)(const struct facts *f);
};

/* In order: the first rule that holds decides. */
static const struct rule rules[] = {
	{CAUSE_NO_SMB, V_INCOMPLETE, r_no_smb},
	{CAUSE_INVALID_SIGNATURE, V_INVALID_SIGNATURE, r_invalid_signature},
	{CAUSE_SMB1_UNSIGNED_LOGON, V_INVALID_SIGNATURE, r_smb1_unsigned_logon},
	{CAUSE_SECURE_NEGOTIATE_FAILED, V_SECURE_NEGOTIATE_FAILED, r_secure_negotiate_failed},
	{CAUSE_GUEST_BLOCKED, V_GUEST_BLOCKED, r_guest_blocked},
	{CAUSE_ENCRYPTED_BY_SERVER, V_SIGNED, r_encrypted_by_server},
	{CAUSE_SIGNED_ENCRYPTED, V_SIGNED, r_signed_encrypted},
	{CAUSE_SIGNED_PARTLY, V_SIGNED, r_signed_partly},
	{CAUSE_SIGNED_AGAINST_PREDICTION, V_SIGNED, r_signed_against_prediction},
	{CAUSE_SIGNED_KB_NO_COMMUNICATION, V_SIGNED, r_signed_kb_no_communication},
	{CAUSE_SIGNED, V_SIGNED, signed_traffic},
	{CAUSE_TREE_DENIED_GUEST, V_MISMATCH_ACCESS_DENIED, r_tree_denied_guest},
	{CAUSE_TREE_DENIED_UNSIGNED_CLIENT, V_MISMATCH_ACCESS_DENIED, tree_denied},
	{CAUSE_CLIENT_SIGNING_DISABLED, V_MISMATCH_ACCESS_DENIED, r_client_signing_disabled},
	{CAUSE_SERVER_SIGNING_DISABLED, V_MISMATCH_NO_COMMUNICATION, r_server_signing_disabled},
	{CAUSE_NEGOTIATE_REFUSED, V_NEGOTIATE_FAILED, r_negotiate_refused},
	{CAUSE_NEGOTIATE_NO_DIALECT, V_NEGOTIATE_FAILED, r_negotiate_no_dialect},
	{CAUSE_NEGOTIATE_UNANSWERED, V_NEGOTIATE_FAILED, r_negotiate_unanswered},
	{CAUSE_CLOSED_AFTER_NEGOTIATE, V_INCOMPLETE, closed_after_negotiate},
	{CAUSE_UNSIGNED_GUEST_EXEMPTED, V_NOT_SIGNED, r_unsigned_guest_exempted},
	{CAUSE_UNSIGNED_DESPITE_REQUIRED, V_NOT_SIGNED, r_unsigned_despite_required},
	{CAUSE_NOT_REQUIRED_GUEST, V_NOT_SIGNED, r_not_required_guest},
	{CAUSE_NOT_REQUIRED, V_NOT_SIGNED, r_not_required},
	{CAUSE_SESSION_SETUP_FAILED, V_LOGON_FAILED, r_session_setup_failed},
	{CAUSE_TREE_CONNECT_FAILED, V_INCOMPLETE, r_tree_connect_failed},
	{CAUSE_SNAPLEN_CUT, V_INCOMPLETE, r_snaplen_cut},
	{CAUSE_MID_STREAM, V_INCOMPLETE, r_mid_stream},
	{CAUSE_NO_NEGOTIATE_RESPONSE_CLOSED, V_INCOMPLETE, r_no_negotiate_response_closed},
	{CAUSE_NO_NEGOTIATE_RESPONSE, V_INCOMPLETE, r_no_negotiate_response},
	{CAUSE_ENDS_BEFORE_TRAFFIC, V_INCOMPLETE, r_always},
};

struct rule_result rules_decide(const struct facts *f)
{
	size_t n = sizeof rules / sizeof rules[0];
	size_t i = 0;
	while (i < n - 1 && !rules[i].holds(f))
		i++;
	struct rule_result r = {rules[i].verdict, rules[i].cause, rules[i].cause, f};
	if (f->indicators)
		r.cause = CAUSE_ATTACK;
	return r;
}

enum verdict_kind rules_verdict_of(enum verdict_cause cause)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].cause == cause)
			return rules[i].verdict;
	return V_COUNT;
}
