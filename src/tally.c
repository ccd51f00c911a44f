/* tally: the analyser's counts (see include/smbneg/tally.h). */
#include "smbneg/tally.h"

#include <string.h>

void tally_init(struct tally *t)
{
	memset(t, 0, sizeof *t);
}

bool tally_enable_hosts(struct tally *t)
{
	t->hosts = host_table_init(&t->host_table);
	return t->hosts;
}

void tally_reset_hosts(struct tally *t)
{
	if (!t->hosts)
		return;
	host_table_free(&t->host_table);
	t->hosts = host_table_init(&t->host_table);
}

void tally_begin_file(struct tally *t)
{
	t->files++;
}

uint64_t tally_conversation(struct tally *t, const struct conv *c, const struct facts *f,
			    const struct verdict *v)
{
	t->conversations++;
	t->verdicts[v->verdict]++;
	if (v->smb_version == 1)
		t->smb1_conversations++;
	if (t->hosts)
		host_table_add(&t->host_table, c, f, v);
	return t->conversations;
}

void tally_end_file(struct tally *t, const struct flow_stats *st, bool failed)
{
	if (failed)
		t->files_failed++;
	t->totals.frames += st->frames;
	t->totals.tcp_segments += st->tcp_segments;
	t->totals.not_tcp += st->not_tcp;
	t->totals.fragments += st->fragments;
	t->totals.truncated += st->truncated;
	t->totals.malformed += st->malformed;
	t->totals.connections += st->connections;
	t->totals.smb_connections += st->smb_connections;
	t->totals.evicted += st->evicted;
	t->totals.late_segments += st->late_segments;
	t->totals.idle_resumed += st->idle_resumed;
	t->totals.after_idle += st->after_idle;
}

void tally_live(struct tally *t, unsigned received, unsigned dropped, unsigned ifdropped)
{
	t->live_stats = true;
	t->received += received;
	t->dropped += dropped;
	t->ifdropped += ifdropped;
}

void tally_free(struct tally *t)
{
	if (t->hosts)
		host_table_free(&t->host_table);
	t->hosts = false;
}
