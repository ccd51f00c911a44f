/* regress: the --fail-on conditions and the per-input, per-conversation
 * hooks that name every hit and fill the baseline records (see
 * include/smbneg/regress.h; README "Regression checks in CI"). */
#include "smbneg/regress.h"

#include "smbneg/fmt.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FAIL_ON_EXPECTED                                                                           \
	"expected verdict names, any-mismatch, any-failure, smb1, no-conversations or "            \
	"anomaly:NAME"

/* any-failure: every failure verdict; any-mismatch: the signing failures (not
 * negotiate-failed, logon-failed). Listed by what they leave out, so that a
 * failure verdict added to rules.h is in them without an edit here. */
static uint64_t failure_verdicts(bool signing_only)
{
	uint64_t m = 0;
	for (int i = 0; i < V_COUNT; i++)
		if (i != V_SIGNED && i != V_NOT_SIGNED && i != V_INCOMPLETE &&
		    (!signing_only || (i != V_NEGOTIATE_FAILED && i != V_LOGON_FAILED)))
			m |= (uint64_t)1 << i;
	return m;
}

/* One name of a --fail-on list (len bytes at s): true when known. */
static bool fail_on_word(const char *s, size_t len, struct regress_fail_on *fo)
{
	static const char anom[] = "anomaly:";
	char w[128];
	if (len >= sizeof w)
		return false;
	memcpy(w, s, len);
	w[len] = '\0';
	if (strcmp(w, "any-mismatch") == 0 || strcmp(w, "any-failure") == 0) {
		fo->verdicts |= failure_verdicts(w[4] == 'm');
		return true;
	}
	if (strcmp(w, "smb1") == 0) {
		fo->smb1 = true;
		return true;
	}
	if (strcmp(w, "no-conversations") == 0) {
		fo->no_conversations = true;
		return true;
	}
	if (strncmp(w, anom, sizeof anom - 1) == 0) {
		for (int i = 0; i < ANOM_COUNT; i++)
			if (strcmp(w + sizeof anom - 1, anomaly_names[i]) == 0) {
				fo->anomalies |= ANOM_BIT(i);
				return true;
			}
		return false;
	}
	enum verdict_kind v = verdict_from_name(w);
	if (v == V_COUNT)
		return false;
	fo->verdicts |= (uint64_t)1 << v;
	return true;
}

/* The known anomaly names, for the message about an unknown one. */
static void anomaly_list(char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < ANOM_COUNT && len < size; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", anomaly_names[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

bool regress_fail_on_parse(const char *list, struct regress_fail_on *fo, char *err, size_t errsize)
{
	const char *s = list;
	if (strspn(list, ",") == strlen(list)) {
		snprintf(err, errsize, "--fail-on '%s': an empty list; " FAIL_ON_EXPECTED, list);
		return false;
	}
	for (;;) {
		size_t len = strcspn(s, ",");
		if (len == 0) {
			snprintf(err, errsize, "--fail-on '%s': an empty name in the list", list);
			return false;
		}
		if (!fail_on_word(s, len, fo)) {
			char known[1536];
			size_t skip = strncmp(s, "anomaly:", 8) == 0 ? 8 : 0;
			anomaly_list(known, sizeof known);
			snprintf(err, errsize, "--fail-on %s: unknown %s '%.*s'; %s%s", list,
				 skip ? "anomaly" : "condition", (int)(len - skip), s + skip,
				 skip ? "known anomalies: " : FAIL_ON_EXPECTED, skip ? known : "");
			return false;
		}
		if (s[len] == '\0')
			return true;
		s += len + 1;
	}
}

bool regress_fail_on_any(const struct regress_fail_on *fo)
{
	return fo->verdicts || fo->smb1 || fo->no_conversations || fo->anomalies;
}

struct regress_fail_on regress_fail_on_met(const struct regress_fail_on *fo, const struct conv *c,
					   const struct verdict *v)
{
	struct regress_fail_on m;
	memset(&m, 0, sizeof m);
	m.verdicts = fo->verdicts & ((uint64_t)1 << v->verdict);
	m.smb1 = fo->smb1 && v->smb_version == 1;
	m.anomalies = fo->anomalies & c->anomalies;
	return m;
}

/* Append name (with prefix) to the list in buf, if it fits whole. */
static size_t put_name(char *buf, size_t size, size_t len, const char *prefix, const char *name)
{
	int n = snprintf(buf + len, size - len, "%s%s%s", len ? "," : "", prefix, name);
	if (n < 0 || (size_t)n >= size - len) {
		buf[len] = '\0';
		return len;
	}
	return len + (size_t)n;
}

const char *regress_fail_on_names(const struct regress_fail_on *fo, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < V_COUNT; i++)
		if (fo->verdicts & ((uint64_t)1 << i))
			len = put_name(buf, size, len, "", verdict_names[i]);
	if (fo->smb1)
		len = put_name(buf, size, len, "", "smb1");
	for (int i = 0; i < ANOM_COUNT; i++)
		if (fo->anomalies & ANOM_BIT(i))
			len = put_name(buf, size, len, "anomaly:", anomaly_names[i]);
	if (fo->no_conversations)
		put_name(buf, size, len, "", "no-conversations");
	return buf;
}

/* ---- the folder paths are relative to ---- */

/* path made absolute (from cwd) and normalised into out ("/a/b", "/"). */
static int absolute_path(const char *path, const char *cwd, char *out, size_t size)
{
	char tmp[8192], rel[4096];
	int n = snprintf(tmp, sizeof tmp, "%s/%s", path[0] == '/' ? "" : cwd, path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	/* relative to "/", both absolute: only normalised ("." for "/" itself) */
	if (baseline_relpath("/", tmp, NULL, rel, sizeof rel) != 0)
		return -1;
	n = snprintf(out, size, "/%s", strcmp(rel, ".") == 0 ? "" : rel);
	return n >= 0 && (size_t)n < size ? 0 : -1;
}

int regress_root_add(struct regress_root *rr, const char *arg)
{
	char cwd[4096] = "", dir[sizeof rr->path];
	struct stat st;
	if (strcmp(arg, "-") == 0 || (arg[0] != '/' && !getcwd(cwd, sizeof cwd)))
		return -1;
	if (absolute_path(arg, cwd, dir, sizeof dir) != 0)
		return -1;
	if (stat(arg, &st) != 0 || !S_ISDIR(st.st_mode)) {
		char *slash = strrchr(dir, '/'); /* a file: its folder */
		slash[slash == dir] = '\0';
	}
	if (!rr->path[0]) {
		memcpy(rr->path, dir, sizeof dir);
		return 0;
	}
	/* keep the leading components both share */
	size_t i = 0, end = 1;
	while (rr->path[i] && rr->path[i] == dir[i]) {
		i++;
		if ((rr->path[i] == '/' || !rr->path[i]) && (dir[i] == '/' || !dir[i]))
			end = i;
	}
	rr->path[end] = '\0';
	return 0;
}

/* ---- the hooks ---- */

void regress_init(struct regress *r, FILE *msgs)
{
	memset(r, 0, sizeof *r);
	r->msgs = msgs;
	baseline_init(&r->run);
	baseline_init(&r->old);
	if (!getcwd(r->cwd, sizeof r->cwd))
		r->cwd[0] = '\0'; /* relative paths are then only normalised */
}

void regress_free(struct regress *r)
{
	baseline_free(&r->run);
	baseline_free(&r->old);
}

/* A record could not be kept: say so once; the comparison is void. */
static void record_failed(struct regress *r, const char *why)
{
	if (r->record_error)
		return;
	r->record_error = true;
	snprintf(r->record_msg, sizeof r->record_msg, "%s", why);
	fprintf(r->msgs, "smbneg: baseline: %s; no comparison or report is made\n", why);
}

void regress_begin_file(struct regress *r, const char *path)
{
	char rel[BL_PATH_SIZE], root[sizeof r->cwd + BL_PATH_SIZE];
	r->name = path;
	r->file_conversations = 0;
	r->in_file = false;
	if (!r->record || r->record_error)
		return;
	/* a relative root is taken from the current directory, so that "-r ../"
	 * relates its files lexically (the paths are made absolute the same way) */
	const char *base = r->root ? r->root : ".";
	if (base[0] != '/' && r->cwd[0] == '/') {
		snprintf(root, sizeof root, "%s/%s", r->cwd, base);
		base = root;
	}
	if (baseline_relpath(base, path, r->cwd[0] ? r->cwd : NULL, rel, sizeof rel) != 0) {
		record_failed(r, "a capture path is too long");
		return;
	}
	int rc = baseline_add_file(&r->run, rel, true, &r->file);
	if (rc != 0) {
		record_failed(r, rc == -1 ? "a capture path is too long" : "too many captures");
		return;
	}
	r->in_file = true;
}

/* The facts of one conversation into a new record of the current file. */
static void record(struct regress *r, const struct conv *c, const struct facts *f,
		   const struct verdict *v, const char *client, const char *server, const char *hit)
{
	char dialect[64];
	struct baseline_rec *b = baseline_add_rec(&r->run, r->file);
	if (!b) {
		record_failed(r, "too many conversations (more than 100000) or out of memory");
		return;
	}
	baseline_set(b->client, sizeof b->client, client);
	baseline_set(b->server, sizeof b->server, server);
	baseline_set(b->verdict, sizeof b->verdict, verdict_names[v->verdict]);
	baseline_set(b->cause, sizeof b->cause, cause_names[v->cause]);
	baseline_set(b->dialect, sizeof b->dialect, fmt_dialect(f, dialect, sizeof dialect));
	baseline_set(b->client_signing, sizeof b->client_signing, signing_names[v->client.setting]);
	baseline_set(b->server_signing, sizeof b->server_signing, signing_names[v->server.setting]);
	baseline_set(b->protection, sizeof b->protection, protection_names[f->protection]);
	for (int i = 0; i < ANOM_COUNT; i++)
		if (c->anomalies & ANOM_BIT(i))
			baseline_add_anomaly(b, anomaly_names[i]);
	baseline_set(b->fail_on, sizeof b->fail_on, hit);
}

void regress_conversation(struct regress *r, const struct conv *c, const struct facts *f,
			  const struct verdict *v)
{
	char client[BL_ENDPOINT_SIZE], server[BL_ENDPOINT_SIZE], hit[1024];
	char kept[sizeof r->run.recs->fail_on]; /* what the record keeps: whole names */
	r->file_conversations++;
	fmt_endpoint(conv_client(c), client, sizeof client);
	fmt_endpoint(conv_server(c), server, sizeof server);
	struct regress_fail_on met = regress_fail_on_met(&r->fail_on, c, v);
	regress_fail_on_names(&met, hit, sizeof hit);
	if (hit[0]) {
		r->hits++;
		r->verdict_hits[v->verdict] += met.verdicts != 0;
		r->smb1_hits += met.smb1;
		for (int i = 0; i < ANOM_COUNT; i++)
			r->anomaly_hits[i] += (met.anomalies & ANOM_BIT(i)) != 0;
		fprintf(r->msgs, "smbneg: --fail-on %s: %s: %s -> %s\n", hit, r->name, client,
			server);
	}
	if (r->record && r->in_file && !r->record_error)
		record(r, c, f, v, client, server, regress_fail_on_names(&met, kept, sizeof kept));
}

void regress_end_file(struct regress *r, const char *error)
{
	struct baseline_file *bf = r->in_file ? &r->run.files[r->file] : NULL;
	if (error) {
		r->unreadable++;
		if (bf) {
			bf->readable = false;
			baseline_set(bf->error, sizeof bf->error, error);
		}
	} else if (r->fail_on.no_conversations && r->file_conversations == 0) {
		r->hits++;
		r->empty_inputs++;
		fprintf(r->msgs, "smbneg: --fail-on no-conversations: %s: no SMB conversation\n",
			r->name);
		if (bf)
			baseline_set(bf->fail_on, sizeof bf->fail_on, "no-conversations");
	}
	r->in_file = false;
}
