/* out_csv: one CSV row per conversation (or per server with --hosts), RFC 4180. */
#include "smbneg/out_ops.h"

#include "smbneg/fmt.h"

#include "smbneg/smb_const.h"

#include <stdlib.h>
#include <string.h>

/* Appends name to the space-separated list in arg (160 bytes). */
static void csv_name(const char *name, void *arg)
{
	char *list = arg;
	size_t at = strlen(list);
	snprintf(list + at, 160 - at, "%s%s", at ? " " : "", name);
}

/* One optional field: empty where JSON has null. */
static void csv_opt(struct out *o, const char *s)
{
	fputc(',', o->f);
	if (s && *s)
		fmt_csv_string(o->f, s);
}

/* Protection, server identity and who (README "CSV"). */
static void csv_identity(struct out *o, const struct facts *f, const struct verdict *v)
{
	char who[160];
	const struct smb_server_id *id = &f->server_id;
	csv_opt(o, protection_names[f->protection]);
	csv_opt(o, f->signing_algorithm);
	csv_opt(o, f->cipher);
	csv_opt(o, id->name); /* an empty name and an absent one are both empty here */
	csv_opt(o, id->domain);
	csv_opt(o, id->dns_name);
	csv_opt(o, id->dns_domain);
	csv_opt(o, f->server_os_version);
	csv_opt(o, fmt_who(f, who, sizeof who));
	fprintf(o->f, ",%u,%u", (unsigned)f->signed_after_session,
		(unsigned)f->unsigned_after_session);
	csv_opt(o, v->fix);
}

static void csv_conversation(struct out *o, uint64_t row, const struct conv *c,
			     const struct facts *f, const struct verdict *v)
{
	(void)row;
	if (o->quiet)
		return;
	char cl[64], sv[64], dia[64];
	if (!o->header_done) {
		fprintf(o->f,
			"file,client,server,smb_version,dialect,client_signing,server_signing,"
			"client_security_mode,server_security_mode,signed_messages,"
			"unsigned_messages,verdict,reason,protection,signing_algorithm,cipher,"
			"server_name,server_domain,server_dns_name,server_dns_domain,"
			"server_os_version,who,signed_after_session_setup,"
			"unsigned_after_session_setup,fix,indicators\n");
		o->header_done = true;
	}
	const char *d = fmt_dialect(f, dia, sizeof dia);
	fmt_csv_string(o->f, o->file ? o->file : "");
	fprintf(o->f, ",%s,%s,", fmt_endpoint(conv_client(c), cl, sizeof cl),
		fmt_endpoint(conv_server(c), sv, sizeof sv));
	if (v->smb_version) /* empty where JSON has null */
		fprintf(o->f, "%d", v->smb_version);
	fputc(',', o->f);
	if (d)
		fmt_csv_string(o->f, d);
	fprintf(o->f, ",%s,%s,", signing_names[v->client.setting],
		signing_names[v->server.setting]);
	if (v->client.raw >= 0)
		fprintf(o->f, "%d", v->client.raw);
	fputc(',', o->f);
	if (v->server.raw >= 0)
		fprintf(o->f, "%d", v->server.raw);
	fprintf(o->f, ",%u,%u,%s,",
		(unsigned)f->signed_after_negotiate, (unsigned)f->unsigned_after_negotiate,
		verdict_names[v->verdict]);
	fmt_csv_string(o->f, v->reason);
	csv_identity(o, f, v);
	char ind[160] = "";
	if (f->indicators) /* space-separated names, empty when none */
		tok_each_bit(indicator_bits, f->indicators, csv_name, ind);
	fputc(',', o->f);
	fmt_csv_string(o->f, ind);
	fputc('\n', o->f);
}

/* The server's names, OS and logons ("user;user"), as in JSON `host`. */
static void csv_host_identity(struct out *o, const struct host *x)
{
	char users[HOST_MAX_USERS * HOST_WHO_MAX] = "";
	size_t at = 0;
	for (unsigned i = 0; i < x->nusers && at < sizeof users; i++)
		at += (size_t)snprintf(users + at, sizeof users - at, "%s%s", i ? ";" : "",
				       x->users[i]);
	csv_opt(o, x->id.name);
	csv_opt(o, x->id.dns_name);
	csv_opt(o, x->os_version);
	csv_opt(o, users);
	fputc('\n', o->f);
}

/* --hosts: one row per server; --hosts-per-file: the same with the file first,
 * under one header for all files. */
static void csv_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	if (!o->header_done)
		fprintf(o->f,
			"%sserver,conversations,smb1,max_smb2_dialect,signing,relay_target,"
			"guest_sessions,server_name,server_dns_name,server_os_version,users\n",
			o->hosts_per_file ? "file," : "");
	o->header_done = true;
	for (size_t i = 0; i < n; i++) {
		const struct host *x = all[i];
		char addr[64];
		if (o->hosts_per_file) {
			fmt_csv_string(o->f, o->file ? o->file : "");
			fputc(',', o->f);
		}
		fprintf(o->f, "%s,%llu,%s,%s,%s,%s,%llu",
			fmt_address(x->family, x->addr, addr, sizeof addr),
			(unsigned long long)x->conversations, x->smb1 ? "yes" : "no",
			x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "?") : "",
			host_signing_names[host_signing(x)], host_relay_target(x) ? "yes" : "no",
			(unsigned long long)x->guest_sessions);
		csv_host_identity(o, x);
	}
	free(all);
}

/* The summary's counters: name and value (README "CSV summary"). */
static void summary_fields(const struct tally *t, const char **name, uint64_t *val, size_t *n)
{
	const struct flow_stats *st = &t->totals;
	const char *names[] = {"files", "files_failed", "conversations", "smb1_conversations"};
	const uint64_t vals[] = {t->files, t->files_failed, t->conversations,
				 t->smb1_conversations};
	size_t k = 0;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++, k++) {
		name[k] = names[i];
		val[k] = vals[i];
	}
	for (int i = 0; i < V_COUNT; i++, k++) {
		name[k] = verdict_names[i];
		val[k] = t->verdicts[i];
	}
	const char *snames[] = {"frames_read", "tcp_segments", "ip_fragments_skipped",
				"frames_truncated", "frames_malformed", "tcp_connections",
				"smb_connections", "evicted", "late_segments",
				"resumed_after_idle"};
	const uint64_t svals[] = {st->frames, st->tcp_segments, st->fragments, st->truncated,
				  st->malformed, st->connections, st->smb_connections,
				  st->evicted, st->late_segments, st->idle_resumed};
	for (size_t i = 0; i < sizeof svals / sizeof svals[0]; i++, k++) {
		name[k] = snames[i];
		val[k] = svals[i];
	}
	*n = k;
}

/* -q: the summary as one row under a header; the live capture counters are
 * empty after reading files. Not without -q: one CSV holds one table. */
static void csv_summary(struct out *o, const struct tally *t)
{
	if (!o->quiet || o->hosts)
		return;
	const char *name[4 + V_COUNT + 10];
	uint64_t val[4 + V_COUNT + 10];
	size_t n;
	summary_fields(t, name, val, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(o->f, "%s,", name[i]);
	fputs("packets_received,packets_dropped,packets_ifdropped\n", o->f);
	for (size_t i = 0; i < n; i++)
		fprintf(o->f, "%llu,", (unsigned long long)val[i]);
	if (t->live_stats)
		fprintf(o->f, "%llu,%llu,%llu\n", (unsigned long long)t->received,
			(unsigned long long)t->dropped, (unsigned long long)t->ifdropped);
	else
		fputs(",,\n", o->f);
}

const struct out_ops out_csv_ops = {
	.conversation = csv_conversation,
	.hosts = csv_hosts,
	.summary = csv_summary,
};
