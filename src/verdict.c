/* verdict: rules + knowledge for one conversation (see include/smbneg/verdict.h). */
#include "smbneg/verdict.h"

#include "smbneg/codes.h"
#include "smbneg/fmt.h"
#include "smbneg/smb_const.h"

#include <stdio.h>
#include <string.h>

enum verdict_kind verdict_from_name(const char *name)
{
	for (int i = 0; i < V_COUNT; i++)
		if (strcmp(name, verdict_names[i]) == 0)
			return (enum verdict_kind)i;
	return V_COUNT;
}

/* buf = a, b, c and d one after another (NULL: nothing), cut to fit: the
 * words are made for every verdict rendered, so without printf. */
static const char *cat(char *buf, size_t size, const char *a, const char *b, const char *c,
		       const char *d)
{
	const char *piece[] = {a, b, c, d};
	size_t at = 0;
	for (int i = 0; i < 4; i++) {
		size_t n = piece[i] ? strlen(piece[i]) : 0;
		if (n > size - 1 - at)
			n = size - 1 - at;
		memcpy(buf + at, piece[i] ? piece[i] : "", n);
		at += n;
	}
	buf[at] = '\0';
	return buf;
}

static void describe_prediction(unsigned predicted, char *buf, size_t size)
{
	if (predicted == 0) {
		cat(buf, size, "nothing", NULL, NULL, NULL);
		return;
	}
	for (int o = 0; o < 3; o++)
		if (predicted == 1u << o) {
			cat(buf, size, kb_outcome_names[o], NULL, NULL, NULL);
			return;
		}
	cat(buf, size, predicted & (1u << KB_SIGNED) ? "signed" : "",
	    predicted & (1u << KB_NOT_SIGNED) ? " or not signed" : "",
	    predicted & (1u << KB_NO_COMMUNICATION) ? " or no communication" : "",
	    " (depends on whether each peer has the KB 916846 behaviour)");
}

static const char *status_name(uint32_t st, char *buf, size_t size)
{
	char hex[16];
	const char *n = tok_name(ntstatus_names, st);
	fmt_status_hex(st, hex, sizeof hex);
	return n ? cat(buf, size, n, " (", hex, ")") : cat(buf, size, hex, NULL, NULL, NULL);
}

/* The values the knowledge templates name, as text. */
struct verdict_words {
	char frame[24], pred[160], secmode[8], unsigned_n[16], total[16];
	char session_status[80], tree_status[80], guest_status[96], all_signed[16], all_total[16];
	char negotiate_status[80], session_message[160], who[300];
	const char *logon_hint;
};

/* The last finished exchange (the one a logon failure comes from). */
static const struct smb_session *last_exchange(const struct facts *f)
{
	for (unsigned i = f->nsessions; i-- > 0;)
		if (f->sessions[i].final)
			return &f->sessions[i];
	return NULL;
}

/* The usual reason behind a logon failure status, where the capture shows it. */
static const char *logon_hint(const struct facts *f, const struct smb_session *x)
{
	uint32_t st = f->logon_fail_status;
	if (st == NT_STATUS_ACCESS_DENIED && f->smb2_chosen && f->smb2_dialect < 0x0300)
		return "; a server that requires encryption (Samba \"smb encrypt = required\", "
		       "Set-SmbServerConfiguration -EncryptData $true -RejectUnencryptedAccess "
		       "$true) "
		       "refuses SMB 2.x sessions, which cannot encrypt, this way: let the client "
		       "use "
		       "SMB 3.x";
	if (st == NT_STATUS_INVALID_PARAMETER && x && x->mech == SMB_AUTH_LM_NTLM)
		return "; the server refuses this SMB1 logon without extended security (for "
		       "example "
		       "NTLMv2 responses outside SPNEGO)";
	if (st == NT_STATUS_LOGON_FAILURE)
		return "; a wrong password, or an unknown user where the server maps no one to "
		       "guest";
	return "";
}

static void logon_words(const struct facts *f, struct verdict_words *w)
{
	const struct code_row *row = codes_by_value(f->logon_fail_status);
	bool msg = row && row->message;
	cat(w->session_message, sizeof w->session_message, msg ? " \"" : "",
	    msg ? row->message : "", msg ? "\"" : "", NULL);
	const struct smb_session *x = last_exchange(f);
	w->logon_hint = logon_hint(f, x);
	w->who[0] = '\0';
	char dom[SMB_SESS_NAME_MAX + 2];
	if (x && x->has_names)
		cat(w->who, sizeof w->who, " as \"",
		    cat(dom, sizeof dom, x->domain, x->domain[0] ? "\\" : "", NULL, NULL), x->user,
		    "\"");
	else if (x && x->has_krb)
		cat(w->who, sizeof w->who, " to ", x->krb_service, "@", x->krb_realm);
}

static void fill_words(const struct facts *f, const struct verdict *v, struct verdict_words *w)
{
	char st[80];
	fmt_u64(f->invalid_signature_frame, w->frame, sizeof w->frame);
	describe_prediction(v->predicted, w->pred, sizeof w->pred);
	fmt_hex_min((unsigned)v->server.raw, 2, w->secmode, sizeof w->secmode);
	fmt_u64(f->unsigned_after_session, w->unsigned_n, sizeof w->unsigned_n);
	fmt_u64((uint64_t)f->signed_after_session + f->unsigned_after_session, w->total,
		sizeof w->total);
	status_name(f->logon_fail_status, w->session_status, sizeof w->session_status);
	status_name(f->negotiate_status, w->negotiate_status, sizeof w->negotiate_status);
	logon_words(f, w);
	status_name(f->tree_connect_status, w->tree_status, sizeof w->tree_status);
	cat(w->guest_status, sizeof w->guest_status, f->guest_blocked_status ? ": status " : "",
	    f->guest_blocked_status ? status_name(f->guest_blocked_code, st, sizeof st) : "", NULL,
	    NULL);
	fmt_u64(f->signed_after_negotiate, w->all_signed, sizeof w->all_signed);
	fmt_u64((uint64_t)f->signed_after_negotiate + f->unsigned_after_negotiate, w->all_total,
		sizeof w->all_total);
}

static const char *auth_words(const struct facts *f)
{
	const struct smb_session *x = last_exchange(f);
	const char *n = x ? smb_auth_name(x->mech) : NULL;
	return n ? n : "an unknown";
}

/* The attack's words (CAUSE_ATTACK): names of the indicators, what the most
 * severe one means, and what the wire showed for signing. */
struct attack_words {
	char names[160], wire[512 + 64];
	const char *what, *wire_note;
};

/* Reason and note of cause, from its knowledge templates. */
static void render(const struct facts *f, const struct verdict *v, enum verdict_cause cause,
		   const struct attack_words *a, char *reason, char *note, size_t size)
{
	const struct knowledge *k = knowledge_of(cause);
	if (!k)
		return;
	struct verdict_words w;
	fill_words(f, v, &w);
	const struct knowledge_vars vars[] = {
		{"frame", w.frame},
		{"sn_failure", knowledge_secure_negotiate(f->secure_negotiate)},
		{"session_kind", f->anonymous ? "null (anonymous)" : "guest"},
		{"guest_status", w.guest_status},
		{"client", signing_names[v->client.setting]},
		{"server", signing_names[v->server.setting]},
		{"predicted", w.pred},
		{"secmode", w.secmode},
		{"unsigned", w.unsigned_n},
		{"total", w.total},
		{"session_status", w.session_status},
		{"tree_status", w.tree_status},
		{"all_signed", w.all_signed},
		{"all_total", w.all_total},
		{"client_dialects", f->client_dialects[0] ? f->client_dialects : "no dialect"},
		{"negotiate_status", w.negotiate_status},
		{"session_message", w.session_message},
		{"who", w.who},
		{"logon_hint", w.logon_hint},
		{"auth", auth_words(f)},
		{"cipher", f->cipher ? f->cipher : "SMB 3.x"},
		{"indicators", a ? a->names : ""},
		{"attack", a ? a->what : ""},
		{"wire", a ? a->wire : ""},
		{"wire_note", a ? a->wire_note : ""},
	};
	size_t n = sizeof vars / sizeof vars[0];
	knowledge_render(k->reason, vars, n, reason, size);
	knowledge_render(k->note, vars, n, note, size);
}

/* Appends name to the comma-separated list in arg (attack_words.names). */
static void add_name(const char *name, void *arg)
{
	char *list = arg;
	size_t at = strlen(list);
	snprintf(list + at, sizeof ((struct attack_words *)0)->names - at, "%s%s", at ? ", " : "",
		 name);
}

/* Reason and note; for an attack conversation the wire cause's words become
 * part of the attack's. */
void verdict_words(const struct facts *f, struct verdict *v)
{
	if (v->cause != CAUSE_ATTACK) {
		render(f, v, v->cause, NULL, v->reason, v->note, sizeof v->reason);
		return;
	}
	const struct knowledge_attack *k = knowledge_attack_of(f->indicators);
	struct attack_words a;
	char reason[sizeof v->reason];
	render(f, v, v->wire_cause, NULL, reason, v->note, sizeof reason);
	a.names[0] = '\0';
	tok_each_bit(indicator_bits, f->indicators, add_name, a.names);
	a.what = k ? k->what : "";
	if (!f->any_negotiate) /* e.g. EternalBlue's grooming connections */
		snprintf(reason, sizeof reason,
			 "no Negotiate was sent, the connection carried only the attack");
	snprintf(a.wire, sizeof a.wire, "%s%s%s", verdict_names[v->verdict], reason[0] ? ", " : "",
		 reason);
	char note[sizeof v->note];
	snprintf(note, sizeof note, "%s", v->note);
	a.wire_note = note;
	render(f, v, CAUSE_ATTACK, &a, v->reason, v->note, sizeof v->reason);
	v->fix = k ? k->fix : NULL;
}

void verdict_rule(const struct facts *f, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	struct rule_result r = rules_decide(f);
	v->verdict = r.verdict;
	v->cause = r.cause;
	v->wire_cause = r.wire_cause;
	v->smb_version = f->smb_version;
	v->client = f->client;
	v->server = f->server;
	v->predicted = f->predicted;
	v->encrypted = f->encrypted;
	v->fix = knowledge_cause_fix(v->cause, v->verdict);
}

void verdict_decide(const struct facts *f, struct verdict *v)
{
	verdict_rule(f, v);
	verdict_words(f, v);
}

void verdict_compute(const struct conv *c, struct verdict *v)
{
	struct facts f;
	facts_build(c, &f);
	verdict_decide(&f, v);
}
