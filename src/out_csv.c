/* out_csv: one CSV row per conversation (or per server with --hosts), RFC 4180. */
#include "smbneg/out_ops.h"

#include "smbneg/fmt.h"

#include "smbneg/smb_const.h"

#include <stdlib.h>

/* One optional field: empty where JSON has null. */
static void csv_opt(struct out *o, const char *s)
{
	fputc(',', o->f);
	if (s && *s)
		fmt_csv_string(o->f, s);
}

/* Protection, server identity and who (SPEC "Sessions, identity, protection"). */
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
			"unsigned_after_session_setup,fix\n");
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

static void csv_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	fprintf(o->f,
		"server,conversations,smb1,max_smb2_dialect,signing,relay_target,guest_sessions,"
		"server_name,server_dns_name,server_os_version,users\n");
	for (size_t i = 0; i < n; i++) {
		const struct host *x = all[i];
		char addr[64];
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

const struct out_ops out_csv_ops = {
	.conversation = csv_conversation,
	.hosts = csv_hosts,
};
