/* out_text: an aligned table, one row per conversation, then the reasons and
 * fixes, then a summary. Rows stream as conversations conclude. */
#include "smbneg/out_ops.h"

#include "smbneg/fmt.h"
#include "smbneg/out_reasons.h"

#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define HOSTS_LEGEND                                                                       \
	"RELAY = the server accepted sessions without requiring signing (an NTLM relay "       \
	"target); probe = signing not required (probe only): seen only in a Negotiate, no "    \
	"session (--relay-list lists it with --relay-list-probes); SIGNING mixed = required "  \
	"on some connections only\n"
#define ROW_FORMAT "%-5s %-21s %-21s %-3s %-13s %-17s %-17s %-9s %-20s %-10s %s\n"

static const char *side_text(const struct side_signing *sd, char *buf, size_t size)
{
	if (sd->setting == SIGNING_UNKNOWN)
		return "unknown";
	/* "?" marks an SMB1 client setting inferred from Flags2 (see the legend). */
	snprintf(buf, size, "%s (0x%02x)%s", signing_names[sd->setting], (unsigned)sd->raw,
		 sd->confidence < CONF_HIGH ? "?" : "");
	return buf;
}

static const char *verdict_color(enum verdict_kind v)
{
	switch (v) {
	case V_SIGNED: return "\033[32m";      /* green */
	case V_NOT_SIGNED: return "\033[33m";  /* yellow */
	case V_INCOMPLETE: return "\033[2m";   /* dim */
	default: return "\033[1;31m";          /* bold red: a failure */
	}
}

static void print_ids(struct out *o, const struct smb2_context *c, const struct tok *t)
{
	char hex[8];
	for (unsigned i = 0; i < c->ids_kept; i++)
		fprintf(o->f, "%s%s", i ? "," : "", fmt_id_name(t, c->ids[i], hex, sizeof hex));
}

static void print_contexts(struct out *o, const struct smb2_contexts *cs)
{
	for (unsigned i = 0; i < cs->kept; i++) {
		const struct smb2_context *c = &cs->c[i];
		const struct fmt_context *d = fmt_context(c->type);
		fprintf(o->f, "    Context %s (", tok_str(smb2_context_names, c->type, "unknown"));
		if (d)
			print_ids(o, c, d->names);
		else if (c->type == SMB2_NETNAME_NEGOTIATE_CONTEXT_ID)
			fmt_text_string(o->f, c->netname);
		else
			fprintf(o->f, "%u bytes", (unsigned)c->length);
		fputs(")\n", o->f);
	}
}

/* The reason, with the note after it; for `signed`, the note alone. */
static void keep_reason(struct out *o, uint64_t row, const struct verdict *v)
{
	/* a `signed` verdict has a reason only when it says something
	 * (encryption: who asked), else its note */
	const char *first = v->reason[0] ? v->reason : v->note;
	const char *second = v->reason[0] ? v->note : "";
	reasons_keep(o, row, v->verdict, (int)v->cause, first, second);
}

/* Several inputs: the rows of each file under a heading naming it. */
static void file_heading(struct out *o)
{
	if (!o->several_files || o->heading == o->file)
		return;
	o->heading = o->file;
	fputs("== ", o->f);
	fmt_text_string(o->f, o->file ? o->file : "");
	fputc('\n', o->f);
}

static void text_conversation(struct out *o, uint64_t row, const struct conv *c,
			      const struct facts *f, const struct verdict *v)
{
	if (v->verdict != V_SIGNED || v->note[0] || v->reason[0])
		keep_reason(o, row, v);
	const struct knowledge_attack *k = knowledge_attack_of(f->indicators);
	if (v->cause == CAUSE_ATTACK && k)
		o->attacks |= IND_BIT(k->indicator); /* its fix, not the wire cause's */
	else
		o->cause_seen[v->cause] = true;
	if (o->quiet)
		return;
	char num[24], cl[64], sv[64], ver[8], dia[64], cs[48], ss[48], cnt[32], who[160];
	if (!o->header_done) {
		fprintf(o->f, ROW_FORMAT, "#", "CLIENT", "SERVER", "SMB", "DIALECT",
			"CLIENT-SIGNING", "SERVER-SIGNING", "SS-SIGNED", "WHO", "PROTECTION",
			"VERDICT");
		o->header_done = true;
	}
	file_heading(o);
	snprintf(num, sizeof num, "%" PRIu64, row);
	snprintf(ver, sizeof ver, "%d", v->smb_version);
	if (!fmt_dialect(f, dia, sizeof dia))
		snprintf(dia, sizeof dia, "-");
	/* SS-SIGNED: ordinary messages after Session Setup, as JSON/CSV
	 * signed_after_session_setup (signed_messages count every message
	 * after Negotiate). */
	snprintf(cnt, sizeof cnt, "%u/%u", (unsigned)f->signed_after_session,
		 (unsigned)(f->signed_after_session + f->unsigned_after_session));
	fprintf(o->f, "%-5s %-21s %-21s %-3s ", num, fmt_endpoint(conv_client(c), cl, sizeof cl),
		fmt_endpoint(conv_server(c), sv, sizeof sv), v->smb_version ? ver : "-");
	/* The dialect may be a wire string: escape it. */
	fmt_text_string(o->f, dia);
	size_t dl = strlen(dia);
	fprintf(o->f, "%*s %-17s %-17s %-9s ", dl < 13 ? (int)(13 - dl) : 0, "",
		side_text(&v->client, cs, sizeof cs), side_text(&v->server, ss, sizeof ss), cnt);
	/* WHO holds wire strings: escape them. */
	fmt_who(f, who, sizeof who);
	fmt_text_who(o->f, who);
	size_t wl = strlen(who);
	const char *prot = protection_names[f->protection];
	fprintf(o->f, "%*s %-10s %s%s%s\n", wl < 20 ? (int)(20 - wl) : 0, "", prot ? prot : "-",
		o->color ? verdict_color(v->verdict) : "", verdict_names[v->verdict],
		o->color ? "\033[0m" : "");
}

/* MS-CIFS 2.2.4.52.2 */
static void text_smb1_response(struct out *o, const struct smb_event *e)
{
	char bits[256], g[40];
	const struct smb1_negotiate_response *p = e->smb1_resp;
	fprintf(o->f, "    WordCount %u, DialectIndex %u", p->word_count, p->dialect_index);
	if (e->smb1_dialect) {
		fputs(" (\"", o->f);
		fmt_text_string(o->f, e->smb1_dialect);
		fputs("\")", o->f);
	}
	fputc('\n', o->f);
	if (p->has_security_mode)
		fprintf(o->f, "    SecurityMode 0x%02x (%s)\n", (unsigned)p->security_mode,
			tok_bits(smb1_secmode_bits, p->security_mode, bits, sizeof bits));
	if (p->word_count == 17)
		fprintf(
		    o->f,
		    "    Capabilities 0x%08x (%s)\n    MaxBufferSize %u, MaxMpxCount %u\n",
		    (unsigned)p->capabilities,
		    tok_bits(smb1_cap_bits, p->capabilities, bits, sizeof bits),
		    (unsigned)p->max_buffer_size, (unsigned)p->max_mpx_count);
	if (p->extended_security)
		fprintf(o->f, "    ServerGUID %s, security blob %u bytes\n",
			fmt_guid(p->server_guid, g, sizeof g), p->security_blob_length);
	else if (p->word_count == 17 || p->word_count == 13) {
		fprintf(o->f, "    Challenge %u bytes, DomainName \"", p->challenge_length);
		fmt_text_string(o->f, p->domain_name);
		fputs("\"\n", o->f);
	}
}

/* -v: every decoded Negotiate field, one message per block. */
static void text_event(struct out *o, const struct smb_event *e)
{
	const struct conv *c = e->conv;
	if (e->kind == SMB_EV_SESSION_SETUP) /* -v: out_wants_events */
		return;
	file_heading(o);
	char a[64], b[64], bits[256], g[40];
	bool request =
	    e->kind == SMB_EV_SMB1_NEGOTIATE_REQUEST || e->kind == SMB_EV_SMB2_NEGOTIATE_REQUEST;
	const struct endpoint *from = request ? conv_client(c) : conv_server(c);
	const struct endpoint *to = request ? conv_server(c) : conv_client(c);
	bool smb1 =
	    e->kind == SMB_EV_SMB1_NEGOTIATE_REQUEST || e->kind == SMB_EV_SMB1_NEGOTIATE_RESPONSE;
	fprintf(o->f, "frame %llu: SMB%d Negotiate %s %s -> %s\n", (unsigned long long)e->f->frame,
		smb1 ? 1 : 2, request ? "request" : "response", fmt_endpoint(from, a, sizeof a),
		fmt_endpoint(to, b, sizeof b));
	switch (e->kind) {
	case SMB_EV_SMB1_NEGOTIATE_REQUEST:
		fprintf(o->f, "    Flags2 0x%04x (%s)\n    Dialects (%u):", (unsigned)e->h1->flags2,
			tok_bits(smb1_flags2_bits, e->h1->flags2, bits, sizeof bits),
			e->smb1_req->dialect_count);
		for (unsigned i = 0; i < e->smb1_req->dialects_kept; i++) {
			fputs(" \"", o->f);
			fmt_text_string(o->f, e->smb1_req->dialects[i]);
			fputc('"', o->f);
		}
		fputc('\n', o->f);
		break;
	case SMB_EV_SMB1_NEGOTIATE_RESPONSE:
		text_smb1_response(o, e);
		break;
	case SMB_EV_SMB2_NEGOTIATE_REQUEST: {
		const struct smb2_negotiate_request *q = e->smb2_req;
		fprintf(o->f, "    SecurityMode 0x%02x (%s)\n", (unsigned)q->security_mode,
			tok_bits(smb2_secmode_bits, q->security_mode, bits, sizeof bits));
		fprintf(o->f, "    Capabilities 0x%08x (%s)\n    ClientGuid %s\n    Dialects (%u):",
			(unsigned)q->capabilities,
			tok_bits(smb2_cap_bits, q->capabilities, bits, sizeof bits),
			fmt_guid(q->client_guid, g, sizeof g), q->dialect_count);
		for (unsigned i = 0; i < q->dialects_kept; i++)
			fprintf(o->f, " %s", tok_str(smb2_dialect_names, q->dialects[i], "?"));
		fputc('\n', o->f);
		print_contexts(o, &q->contexts);
		break;
	}
	case SMB_EV_SMB2_NEGOTIATE_RESPONSE: {
		const struct smb2_negotiate_response *p = e->smb2_resp;
		fprintf(o->f, "    Status 0x%08x %s\n", (unsigned)e->h2->status,
			tok_str(ntstatus_names, e->h2->status, ""));
		fprintf(o->f, "    SecurityMode 0x%02x (%s), Dialect 0x%04x (%s)\n",
			(unsigned)p->security_mode,
			tok_bits(smb2_secmode_bits, p->security_mode, bits, sizeof bits),
			(unsigned)p->dialect, tok_str(smb2_dialect_names, p->dialect, "?"));
		fprintf(o->f, "    Capabilities 0x%08x (%s)\n    ServerGuid %s\n",
			(unsigned)p->capabilities,
			tok_bits(smb2_cap_bits, p->capabilities, bits, sizeof bits),
			fmt_guid(p->server_guid, g, sizeof g));
		fprintf(o->f,
			"    MaxTransact %u, MaxRead %u, MaxWrite %u, security buffer %u bytes\n",
			(unsigned)p->max_transact_size, (unsigned)p->max_read_size,
			(unsigned)p->max_write_size, (unsigned)p->security_buffer_length);
		print_contexts(o, &p->contexts);
		break;
	}
	case SMB_EV_SESSION_SETUP:
		break;
	}
}

/* Relays are listed in their own section after the table. */
static void text_relay(struct out *o, const struct correlate_report *r)
{
	if (!o->relays && (o->relays = calloc(OUT_MAX_RELAYS, sizeof *o->relays)) == NULL)
		return;
	if (o->nrelays >= OUT_MAX_RELAYS) {
		o->relays_dropped++;
		return;
	}
	o->relays[o->nrelays++] = *r;
}

/* NTLM relay (README "JSON schema": relay): who relayed whom to where, on what evidence;
 * a target that does not require signing is what signing exists to stop. */
static void text_relays(struct out *o)
{
	if (!o->nrelays || o->quiet)
		return;
	fprintf(o->f, "\nNTLM relay:\n");
	for (size_t i = 0; i < o->nrelays; i++) {
		const struct correlate_report *r = &o->relays[i];
		const struct relay_event *ev = &r->ev;
		char v[64], h[64], t[64], evid[64];
		struct endpoint e = correlate_endpoint(&ev->victim);
		fmt_endpoint(&e, v, sizeof v);
		fmt_address(ev->relay_server.family, ev->relay_server.addr, h, sizeof h);
		e = correlate_endpoint(&ev->target);
		fmt_endpoint(&e, t, sizeof t);
		fprintf(o->f, "  %s -> relay host %s -> target %s, user %s%s%s (%s; frames", v, h,
			t, ev->domain, ev->domain[0] ? "\\" : "", ev->user[0] ? ev->user : "?",
			tok_bits(relay_evidence_bits, ev->evidence, evid, sizeof evid));
		for (unsigned k = 0; k < ev->nframes; k++)
			fprintf(o->f, "%s%llu", k ? ", " : " ", (unsigned long long)ev->frames[k]);
		const char *why =
		    r->target_signing == SIGNING_REQUIRED
			? "the target requires signing: the relayed session cannot sign, so it "
			  "cannot be used"
			: "the target does not require signing: a relayed session is exactly the "
			  "attack SMB signing exists to stop; require signing on the target";
		fprintf(o->f, ")\n    %s\n", why);
	}
	if (o->relays_dropped)
		fprintf(o->f, "  ... and %llu more (use -o json for all)\n",
			(unsigned long long)o->relays_dropped);
}

/* --assume-client: a section after the rows, one entry per server. */
static void text_prediction(struct out *o, const struct predict_profile *p, const struct host *x,
			    const struct prediction *pr)
{
	if (!x) {
		fprintf(o->f, "\nPrediction for client profile %s (%s):\n", p->name,
			p->description);
		return;
	}
	char addr[64];
	fprintf(o->f, "  %-39s %-26s %s, %s logon: %s\n",
		fmt_address(x->family, x->addr, addr, sizeof addr), pr->verdict,
		pr->protocol ? pr->protocol : "no dialect", pr->guest_logon ? "guest" : "user",
		pr->reason);
	if (pr->error)
		fprintf(o->f, "    the user sees: %s\n", pr->error);
	if (pr->fix)
		fprintf(o->f, "    fix: %s\n", pr->fix);
}

/* What to do about each kind of attack seen (no signing advice for them). */
static void text_attack_fixes(struct out *o, const char *title)
{
	for (int i = 0; i < IND_COUNT; i++) {
		const struct knowledge_attack *k = knowledge_attack_of(o->attacks & IND_BIT(i));
		if (!k)
			continue;
		fprintf(o->f, "%s  attack (%s): %s\n", title, indicator_name((enum indicator)i),
			k->fix);
		title = "";
	}
}

/* What to change: one fix per cause seen, each fix once (knowledge.c); then
 * what to do about each kind of attack seen (no signing advice for them). */
static void print_fixes(struct out *o)
{
	const char *title = "\nWhat to change:\n";
	const char *done[CAUSE_COUNT];
	size_t ndone = 0;
	for (int c = 0; c < CAUSE_COUNT; c++) {
		enum verdict_kind v = rules_verdict_of((enum verdict_cause)c);
		bool seen = o->cause_seen[c] && v < V_COUNT;
		const char *fix = seen ? knowledge_cause_fix(c, v) : NULL;
		bool repeat = false;
		for (size_t i = 0; i < ndone && fix; i++)
			repeat |= done[i] == fix;
		if (!fix || repeat)
			continue;
		done[ndone++] = fix;
		fprintf(o->f, "%s  %s (%s): %s\n", title, verdict_names[v], cause_names[c], fix);
		title = "";
	}
	text_attack_fixes(o, title);
}

/* Live: connections concluded by --idle that sent again, named by their rows. */
static void text_resumed(struct out *o, const struct tally *t)
{
	fprintf(o->f, "  %" PRIu64 " connection%s concluded by --idle resumed",
		t->totals.idle_resumed, t->totals.idle_resumed == 1 ? "" : "s");
	for (size_t i = 0; i < o->nresumed; i++)
		fprintf(o->f, "%s#%" PRIu64, i ? ", " : " (", o->resumed[i]);
	if (o->nresumed < t->totals.idle_resumed && o->nresumed)
		fputs(", ...", o->f);
	fprintf(o->f,
		"%s%" PRIu64 " segments after): the same connection%s, not new conversations\n",
		o->nresumed ? "; " : " (", t->totals.after_idle,
		t->totals.idle_resumed == 1 ? "" : "s");
}

static void text_summary(struct out *o, const struct tally *t)
{
	text_relays(o);
	if (o->hosts_per_file && t->files)
		fputs("\n" HOSTS_LEGEND, o->f);
	if (o->nreasons && !o->quiet) {
		reasons_print(o);
		print_fixes(o);
	}
	if (t->live_stats)
		fprintf(o->f, "\nSummary: %" PRIu64 " SMB conversation%s captured live",
			t->conversations, t->conversations == 1 ? "" : "s");
	else
		fprintf(o->f, "\nSummary: %" PRIu64 " SMB conversation%s in %" PRIu64 " file%s",
			t->conversations, t->conversations == 1 ? "" : "s", t->files,
			t->files == 1 ? "" : "s");
	const char *sep = ": ";
	for (int i = 0; i < V_COUNT; i++) {
		if (!t->verdicts[i])
			continue;
		fprintf(o->f, "%s%" PRIu64 " %s", sep, t->verdicts[i], verdict_names[i]);
		sep = ", ";
	}
	fprintf(o->f, "\n");
	if (t->smb1_conversations)
		fprintf(o->f, "  %" PRIu64 " conversation%s used SMB1\n", t->smb1_conversations,
			t->smb1_conversations == 1 ? "" : "s");
	if (t->live_stats)
		fprintf(o->f,
			"  capture: %" PRIu64 " packets received, %" PRIu64
			" dropped by the kernel, %" PRIu64 " by the interface\n",
			t->received, t->dropped, t->ifdropped);
	if (t->files_failed)
		fprintf(o->f, "  %" PRIu64 " file%s could not be read completely (see stderr)\n",
			t->files_failed, t->files_failed == 1 ? "" : "s");
	if (t->totals.fragments || t->totals.truncated || t->totals.malformed || t->totals.evicted)
		fprintf(o->f,
			"  frames skipped: %" PRIu64 " IP fragments, %" PRIu64
			" truncated, %" PRIu64 " malformed; %" PRIu64
			" conversations evicted at the cap\n",
			t->totals.fragments, t->totals.truncated, t->totals.malformed,
			t->totals.evicted);
	if (t->totals.late_segments)
		fprintf(o->f,
			"  %" PRIu64 " late data segment%s after FIN/RST, counted with the "
			"connection%s closed (not new conversations)\n",
			t->totals.late_segments, t->totals.late_segments == 1 ? "" : "s",
			t->totals.late_segments == 1 ? " it" : "s they");
	if (t->totals.idle_resumed)
		text_resumed(o, t);
	if (t->conversations && !o->quiet && !o->hosts)
		fprintf(o->f, "  SS-SIGNED = signed/all messages after Session Setup (JSON "
			      "signed_after_session_setup); ? = SMB1 client setting inferred from "
			      "Flags2\n");
}


static void text_bits(struct out *o, uint8_t bits, const char *const *names)
{
	const char *sep = "";
	for (int i = 0; names[i]; i++)
		if (bits & (1u << i)) {
			fprintf(o->f, "%s%s", sep, names[i]);
			sep = ",";
		}
	if (!*sep)
		fputc('-', o->f);
}

/* Under each server row: its names and OS, algorithms, who logged on. */
static void text_host_identity(struct out *o, const struct host *x)
{
	const struct smb_server_id *id = &x->id;
	if (id->has_names || x->os_version[0]) {
		fputs("    name ", o->f);
		fmt_text_string(o->f, id->name[0] ? id->name : "-");
		fputs(" domain ", o->f);
		fmt_text_string(o->f, id->domain[0] ? id->domain : "-");
		fputs(" dns ", o->f);
		fmt_text_string(o->f, id->dns_name[0] ? id->dns_name : "-");
		fprintf(o->f, " os %s\n", x->os_version[0] ? x->os_version : "-");
	}
	if (x->signing_algs || x->ciphers) {
		fputs("    signing ", o->f);
		text_bits(o, x->signing_algs, host_signing_alg_names);
		fputs(" ciphers ", o->f);
		text_bits(o, x->ciphers, host_cipher_names);
		fputc('\n', o->f);
	}
	if (x->nusers) {
		fputs("    logons", o->f);
		for (unsigned i = 0; i < x->nusers; i++) {
			fputc(' ', o->f);
			fmt_text_who(o->f, x->users[i]);
		}
		if (x->users_dropped)
			fprintf(o->f, " (+%llu more)", (unsigned long long)x->users_dropped);
		fputc('\n', o->f);
	}
}

/* Above the inventory: which captures it covers. */
static void hosts_title(struct out *o, const struct tally *t, size_t n)
{
	if (o->hosts_per_file) {
		fprintf(o->f, "%sServers in ", o->header_done ? "\n" : "");
		fmt_text_string(o->f, o->file ? o->file : "");
		fputs(n ? ":\n" : ": none\n", o->f);
		o->header_done = true;
	} else if (t->files > 1) {
		fprintf(o->f,
			"Servers in %" PRIu64 " files (an address seen in several files is one "
			"row; --hosts-per-file gives one inventory per file):\n",
			t->files);
	}
}

/* --hosts: one row per server, in order of first appearance. */
static void text_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	hosts_title(o, t, n);
	if (n)
		fprintf(o->f, "%-39s %-5s %-5s %-8s %-13s %-6s %-5s %s\n", "SERVER", "CONV", "SMB1",
			"SMB2-MAX", "SIGNING", "RELAY", "GUEST", "VERDICTS");
	for (size_t i = 0; i < n; i++) {
		const struct host *x = all[i];
		char addr[64];
		fprintf(o->f, "%-39s %-5llu %-5s %-8s %-13s %-6s %-5llu ",
			fmt_address(x->family, x->addr, addr, sizeof addr),
			(unsigned long long)x->conversations, x->smb1 ? "yes" : "no",
			x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "?") : "-",
			host_signing_names[host_signing(x)],
			!host_relay_target(x)			      ? "no"
			: host_relay(x) == HOST_RELAY_PROBE_ONLY ? "probe"
								  : "yes",
			(unsigned long long)x->guest_sessions);
		const char *sep = "";
		for (int k = 0; k < V_COUNT; k++) {
			if (!x->verdicts[k])
				continue;
			fprintf(o->f, "%s%s:%llu", sep, verdict_names[k],
				(unsigned long long)x->verdicts[k]);
			sep = " ";
		}
		fputc('\n', o->f);
		text_host_identity(o, x);
	}
	if (t->host_table.dropped)
		fprintf(o->f, "(%llu conversations with servers beyond the first %d not listed)\n",
			(unsigned long long)t->host_table.dropped, HOST_MAX);
	if (!o->hosts_per_file)
		fputs(HOSTS_LEGEND, o->f);
	free(all);
}

static void text_free(struct out *o)
{
	reasons_free(o);
	free(o->relays);
	o->relays = NULL;
}

const struct out_ops out_text_ops = {
	.event = text_event,
	.events_verbose_only = true,
	.conversation = text_conversation,
	.relay = text_relay,
	.prediction = text_prediction,
	.hosts = text_hosts,
	.summary = text_summary,
	.free = text_free,
};
