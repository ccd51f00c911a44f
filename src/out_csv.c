/* out_csv: one CSV row per conversation (or per server with --hosts), RFC 4180. */
#include "smbneg/out.h"

#include "smbneg/smb_const.h"

#include <stdlib.h>

void out_csv_string(FILE *f, const char *s)
{
	/* RFC 4180: quoted, with quotes doubled. */
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void out_csv_conversation(struct out *o, const struct conv *c, const struct facts *f,
			  const struct verdict *v)
{
	char cl[64], sv[64], dia[64];
	if (!o->header_done) {
		fprintf(o->f, "file,client,server,smb_version,dialect,client_signing,server_signing,"
			      "client_security_mode,server_security_mode,signed_messages,"
			      "unsigned_messages,verdict,reason\n");
		o->header_done = true;
	}
	const char *d = out_dialect(f, dia, sizeof dia);
	out_csv_string(o->f, o->file ? o->file : "");
	fprintf(o->f, ",%s,%s,", out_endpoint(conv_client(c), cl, sizeof cl),
		out_endpoint(conv_server(c), sv, sizeof sv));
	if (v->smb_version) /* empty where JSON has null */
		fprintf(o->f, "%d", v->smb_version);
	fputc(',', o->f);
	if (d)
		out_csv_string(o->f, d);
	fprintf(o->f, ",%s,%s,", signing_names[v->client.setting], signing_names[v->server.setting]);
	if (v->client.raw >= 0)
		fprintf(o->f, "%d", v->client.raw);
	fputc(',', o->f);
	if (v->server.raw >= 0)
		fprintf(o->f, "%d", v->server.raw);
	fprintf(o->f, ",%u,%u,%s,",
		(unsigned)f->signed_after_negotiate, (unsigned)f->unsigned_after_negotiate,
		verdict_names[v->verdict]);
	out_csv_string(o->f, v->reason);
	fputc('\n', o->f);
}

void out_csv_hosts(struct out *o)
{
	size_t n;
	struct host **all = host_table_sorted(&o->host_table, &n);
	if (!all)
		return;
	fprintf(o->f, "server,conversations,smb1,max_smb2_dialect,signing,relay_target,guest_sessions\n");
	for (size_t i = 0; i < n; i++) {
		const struct host *x = all[i];
		char addr[64];
		fprintf(o->f, "%s,%llu,%s,%s,%s,%s,%llu\n", out_address(x->family, x->addr, addr, sizeof addr),
			(unsigned long long)x->conversations, x->smb1 ? "yes" : "no",
			x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "?") : "",
			host_signing_names[host_signing(x)], host_relay_target(x) ? "yes" : "no",
			(unsigned long long)x->guest_sessions);
	}
	free(all);
}
