/* out_text: an aligned table, one row per conversation, then the reasons and
 * fixes, then a summary. Rows stream as conversations conclude. */
#include "smbneg/out.h"

#include "smbneg/explain.h"

#include <inttypes.h>
#include <string.h>

#define ROW_FORMAT "%-5s %-21s %-21s %-3s %-13s %-17s %-17s %-9s %s\n"

static const char *side_text(const struct side_signing *sd, char *buf, size_t size)
{
	if (sd->setting == SIGNING_UNKNOWN)
		return "unknown";
	/* "?" marks an SMB1 client setting inferred from Flags2 (see the legend). */
	snprintf(buf, size, "%s (0x%02x)%s", signing_names[sd->setting], (unsigned)sd->raw,
		 sd->confidence < CONF_HIGH ? "?" : "");
	return buf;
}

void out_text_conversation(struct out *o, const struct conv *c, const struct verdict *v)
{
	char num[24], cl[64], sv[64], ver[8], dia[64], cs[48], ss[48], cnt[32];
	if (!o->header_done) {
		fprintf(o->f, ROW_FORMAT, "#", "CLIENT", "SERVER", "SMB", "DIALECT", "CLIENT-SIGNING",
			"SERVER-SIGNING", "SIGNED", "VERDICT");
		o->header_done = true;
	}
	const struct conv_smb *s = c->smb;
	snprintf(num, sizeof num, "%" PRIu64, o->row);
	snprintf(ver, sizeof ver, "%d", v->smb_version);
	if (!out_dialect(c, dia, sizeof dia))
		snprintf(dia, sizeof dia, "-");
	snprintf(cnt, sizeof cnt, "%u/%u",
		 (unsigned)(s->ordinary[0].signed_msgs + s->ordinary[1].signed_msgs),
		 (unsigned)(s->ordinary[0].signed_msgs + s->ordinary[1].signed_msgs +
			    s->ordinary[0].unsigned_msgs + s->ordinary[1].unsigned_msgs));
	fprintf(o->f, "%-5s %-21s %-21s %-3s ", num, out_endpoint(conv_client(c), cl, sizeof cl),
		out_endpoint(conv_server(c), sv, sizeof sv), v->smb_version ? ver : "-");
	/* The dialect may be a wire string: escape it. */
	out_text_string(o->f, dia);
	size_t dl = strlen(dia);
	fprintf(o->f, "%*s %-17s %-17s %-9s %s\n", dl < 13 ? (int)(13 - dl) : 0, "",
		side_text(&v->client, cs, sizeof cs), side_text(&v->server, ss, sizeof ss), cnt,
		verdict_names[v->verdict]);
}

void out_text_summary(struct out *o)
{
	if (o->nreasons && !o->quiet) {
		fprintf(o->f, "\nReasons and notes:\n");
		for (const struct out_reason *r = o->reasons; r; r = r->next)
			fprintf(o->f, "  #%-4" PRIu64 " %s: %s\n", r->row, verdict_names[r->verdict], r->text);
		if (o->reasons_dropped)
			fprintf(o->f, "  ... and %" PRIu64 " more (use -o json for all)\n", o->reasons_dropped);
		const char *title = "\nWhat to change:\n";
		for (int i = 0; i < V_COUNT; i++) {
			const char *fix = explain_fix((enum verdict_kind)i);
			if (i == V_SIGNED || !o->verdicts[i] || !fix)
				continue;
			fprintf(o->f, "%s  %s: %s\n", title, verdict_names[i], fix);
			title = "";
		}
	}
	if (o->live_stats)
		fprintf(o->f, "\nSummary: %" PRIu64 " SMB conversation%s captured live", o->row,
			o->row == 1 ? "" : "s");
	else
		fprintf(o->f, "\nSummary: %" PRIu64 " SMB conversation%s in %" PRIu64 " file%s",
			o->row, o->row == 1 ? "" : "s", o->files, o->files == 1 ? "" : "s");
	const char *sep = ": ";
	for (int i = 0; i < V_COUNT; i++) {
		if (!o->verdicts[i])
			continue;
		fprintf(o->f, "%s%" PRIu64 " %s", sep, o->verdicts[i], verdict_names[i]);
		sep = ", ";
	}
	fprintf(o->f, "\n");
	if (o->smb1_conversations)
		fprintf(o->f, "  %" PRIu64 " conversation%s used SMB1\n", o->smb1_conversations,
			o->smb1_conversations == 1 ? "" : "s");
	if (o->live_stats)
		fprintf(o->f, "  capture: %" PRIu64 " packets received, %" PRIu64 " dropped by the kernel, %" PRIu64
			" by the interface\n", o->received, o->dropped, o->ifdropped);
	if (o->files_failed)
		fprintf(o->f, "  %" PRIu64 " file%s could not be read completely (see stderr)\n",
			o->files_failed, o->files_failed == 1 ? "" : "s");
	if (o->totals.fragments || o->totals.truncated || o->totals.malformed || o->totals.evicted)
		fprintf(o->f,
			"  frames skipped: %" PRIu64 " IP fragments, %" PRIu64 " truncated, %" PRIu64
			" malformed; %" PRIu64 " conversations evicted at the cap\n",
			o->totals.fragments, o->totals.truncated, o->totals.malformed, o->totals.evicted);
	if (o->row && !o->quiet)
		fprintf(o->f, "  SIGNED = signed/all messages after Session Setup; ? = SMB1 client "
			      "setting inferred from Flags2\n");
}

void out_csv_conversation(struct out *o, const struct conv *c, const struct verdict *v)
{
	char cl[64], sv[64], dia[64];
	if (!o->header_done) {
		fprintf(o->f, "file,client,server,smb_version,dialect,client_signing,server_signing,"
			      "client_security_mode,server_security_mode,signed_messages,"
			      "unsigned_messages,verdict,reason\n");
		o->header_done = true;
	}
	const struct conv_smb *s = c->smb;
	const char *d = out_dialect(c, dia, sizeof dia);
	fprintf(o->f, "\"%s\",%s,%s,%d,\"%s\",%s,%s,", o->file ? o->file : "",
		out_endpoint(conv_client(c), cl, sizeof cl), out_endpoint(conv_server(c), sv, sizeof sv),
		v->smb_version, d ? d : "", signing_names[v->client.setting],
		signing_names[v->server.setting]);
	if (v->client.raw >= 0)
		fprintf(o->f, "%d", v->client.raw);
	fputc(',', o->f);
	if (v->server.raw >= 0)
		fprintf(o->f, "%d", v->server.raw);
	fprintf(o->f, ",%u,%u,%s,\"%s\"\n",
		(unsigned)(s->after_negotiate[0].signed_msgs + s->after_negotiate[1].signed_msgs),
		(unsigned)(s->after_negotiate[0].unsigned_msgs + s->after_negotiate[1].unsigned_msgs),
		verdict_names[v->verdict], v->reason);
}
