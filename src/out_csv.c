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
			"unsigned_messages,verdict,reason,indicators\n");
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
	char ind[160] = "";
	if (f->indicators) /* space-separated names, empty when none */
		tok_each_bit(indicator_bits, f->indicators, csv_name, ind);
	fputc(',', o->f);
	fmt_csv_string(o->f, ind);
	fputc('\n', o->f);
}

static void csv_hosts(struct out *o, const struct tally *t)
{
	size_t n;
	struct host **all = host_table_sorted(&t->host_table, &n);
	if (!all)
		return;
	fprintf(o->f,
		"server,conversations,smb1,max_smb2_dialect,signing,relay_target,guest_sessions\n");
	for (size_t i = 0; i < n; i++) {
		const struct host *x = all[i];
		char addr[64];
		fprintf(o->f, "%s,%llu,%s,%s,%s,%s,%llu\n",
			fmt_address(x->family, x->addr, addr, sizeof addr),
			(unsigned long long)x->conversations, x->smb1 ? "yes" : "no",
			x->max_dialect ? tok_str(smb2_dialect_names, x->max_dialect, "?") : "",
			host_signing_names[host_signing(x)], host_relay_target(x) ? "yes" : "no",
			(unsigned long long)x->guest_sessions);
	}
	free(all);
}

const struct out_ops out_csv_ops = {
	.conversation = csv_conversation,
	.hosts = csv_hosts,
};
