/* out_json_host: the events across conversations (README "JSON schema"):
 * `relay` (an NTLM relay seen, correlate.c), `prediction` (--assume-client,
 * predict.c) and `host` (the per-server inventory, --hosts). */
#include "smbneg/out_json.h"

#include "smbneg/fmt.h"
#include "smbneg/ntlmssp.h"
#include "smbneg/smb_const.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* README "JSON schema", the relay event: {"event":"relay","victim","relay","target",
 * "user","domain","evidence":[...],"frames":[...]} */
void json_relay(struct out *o, const struct correlate_report *r)
{
	if (o->quiet)
		return;
	char buf[64];
	const struct relay_event *ev = &r->ev;
	struct jw w;
	jw_start(&w, o->f);
	json_begin(&w, o, "relay", o->now_set ? &o->now : NULL);
	struct endpoint e = correlate_endpoint(&ev->victim);
	j_str(&w, "victim", fmt_endpoint(&e, buf, sizeof buf));
	j_str(&w, "relay", fmt_address(ev->relay_server.family, ev->relay_server.addr, buf,
				       sizeof buf));
	e = correlate_endpoint(&ev->target);
	j_str(&w, "target", fmt_endpoint(&e, buf, sizeof buf));
	j_str(&w, "user", ev->user[0] ? ev->user : NULL);
	j_str(&w, "domain", ev->domain[0] ? ev->domain : NULL);
	j_open(&w, "evidence", '[');
	tok_each_bit(relay_evidence_bits, ev->evidence, json_item_cb, &w);
	j_close(&w, ']');
	j_open(&w, "frames", '[');
	for (unsigned i = 0; i < ev->nframes; i++)
		j_item_u64(&w, ev->frames[i]);
	j_close(&w, ']');
	/* extensions: the relay host's port towards the victim, the target's signing */
	j_u64(&w, "relay_port", ev->relay_server.port);
	j_str(&w, "target_signing", signing_names[r->target_signing]);
	j_bool(&w, "target_session_established", r->target_session_ok);
	j_end(&w);
}

/* --assume-client: {"event":"prediction","profile","server","protocol","logon",
 * "verdict","error","reason","fix"} per server. */
void json_prediction(struct out *o, const struct predict_profile *p, const struct host *x,
		     const struct prediction *pr)
{
	if (!x)
		return;
	char addr[64];
	struct jw w;
	jw_start(&w, o->f);
	json_begin(&w, o, "prediction", o->now_set ? &o->latest : NULL);
	j_str(&w, "profile", p->name);
	j_str(&w, "server", fmt_address(x->family, x->addr, addr, sizeof addr));
	j_str(&w, "protocol", pr->protocol);
	j_str(&w, "logon", pr->guest_logon ? "guest" : "user");
	j_str(&w, "verdict", pr->verdict);
	j_str(&w, "error", pr->error);
	j_str(&w, "reason", pr->reason);
	j_str(&w, "fix", pr->fix);
	j_end(&w);
}

static void j_names(struct jw *w, const char *k, uint8_t bits, const char *const *names)
{
	j_open(w, k, '[');
	for (int i = 0; names[i]; i++)
		if (bits & (1u << i))
			j_item_str(w, names[i]);
	j_close(w, ']');
}

/* The server's names and OS (NTLMSSP CHALLENGE), algorithms, who logged on. */
static void j_host_identity(struct jw *w, const struct host *x)
{
	j_str(w, "server_name", json_server_av(&x->id, MSV_AV_NB_COMPUTER_NAME, x->id.name));
	j_str(w, "server_domain", json_server_av(&x->id, MSV_AV_NB_DOMAIN_NAME, x->id.domain));
	j_str(w, "server_dns_name",
	      json_server_av(&x->id, MSV_AV_DNS_COMPUTER_NAME, x->id.dns_name));
	j_str(w, "server_dns_domain",
	      json_server_av(&x->id, MSV_AV_DNS_DOMAIN_NAME, x->id.dns_domain));
	j_str(w, "server_os_version", x->os_version[0] ? x->os_version : NULL);
	j_names(w, "signing_algorithms", x->signing_algs, host_signing_alg_names);
	j_names(w, "ciphers", x->ciphers, host_cipher_names);
	j_u64(w, "encrypted_conversations", x->encrypted_sessions);
	j_open(w, "users", '[');
	for (unsigned i = 0; i < x->nusers; i++)
		j_item_str(w, x->users[i]);
	j_close(w, ']');
	j_u64(w, "users_dropped", x->users_dropped);
}

/* One `host` event. */
static void json_host(struct out *o, const struct host *x)
{
	char addr[64];
	struct jw w;
	jw_start(&w, o->f);
	/* the inventory of one file (--hosts-per-file): that file's last frame */
	json_begin(&w, o, "host", !o->now_set ? NULL : o->hosts_per_file ? &o->now : &o->latest);
	j_str(&w, "file", o->hosts_per_file ? o->file : NULL); /* --hosts-per-file */
	j_str(&w, "server", fmt_address(x->family, x->addr, addr, sizeof addr));
	j_u64(&w, "conversations", x->conversations);
	j_bool(&w, "smb1", x->smb1);
	j_open(&w, "smb1_security_modes", '[');
	for (unsigned m = 0; m < 16; m++)
		if (x->smb1_modes & (1u << m))
			j_item_u64(&w, m);
	j_close(&w, ']');
	j_str(&w, "max_smb2_dialect",
	      x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "unknown") : NULL);
	j_u64_if(&w, "max_smb2_dialect_id", x->max_dialect, x->max_dialect);
	j_str(&w, "signing", host_signing_names[host_signing(x)]);
	j_open(&w, "server_signing_seen", '[');
	for (int s = 1; s < SIGNING_COUNT; s++)
		if (x->signing_seen & (1u << s))
			j_item_str(&w, signing_names[s]);
	j_close(&w, ']');
	j_bool(&w, "relay_target", host_relay_target(x));
	j_str(&w, "relay_list", host_relay_names[host_relay(x)]); /* --relay-list */
	j_u64(&w, "sessions_accepted", x->sessions_accepted);
	j_u64(&w, "relayable_sessions", x->relayable_sessions);
	j_u64(&w, "guest_sessions", x->guest_sessions);
	j_u64(&w, "downgrades", x->downgrades);
	j_host_identity(&w, x);
	json_verdict_counts(&w, x->verdicts);
	j_end(&w);
}

/* --hosts: one `host` event per server, in order of first appearance. */
void json_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	for (size_t i = 0; i < n; i++)
		json_host(o, all[i]);
	free(all);
}
