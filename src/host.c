/* host: per-server inventory (see include/smbneg/host.h). */
#include "smbneg/host.h"

#include "smbneg/smb_const.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOST_BUCKETS 4096

bool host_table_init(struct host_table *h)
{
	memset(h, 0, sizeof *h);
	h->nbuckets = HOST_BUCKETS;
	h->buckets = calloc(h->nbuckets, sizeof *h->buckets);
	return h->buckets != NULL;
}

static size_t bucket(const struct host_table *h, const struct endpoint *e)
{
	uint64_t x = 1469598103934665603u;
	for (int i = 0; i < 16; i++)
		x = (x ^ e->addr[i]) * 1099511628211u;
	return (size_t)(x % h->nbuckets);
}

/* The server forced encryption on a session (MS-SMB2 2.2.6 SessionFlags
 * ENCRYPT_DATA): a relayed session without the session key is useless. */
static bool encryption_forced(const struct facts *f) { return f->encrypt_data; }

const char *const host_signing_alg_names[] = {"HMAC-MD5", "HMAC-SHA256", "AES-128-CMAC",
					     "AES-128-GMAC", NULL};
const char *const host_cipher_names[] = {"AES-128-CCM", "AES-128-GCM", "AES-256-CCM",
					 "AES-256-GCM", NULL};

static uint8_t name_bit(const char *const *names, const char *n)
{
	for (int i = 0; n && names[i]; i++)
		if (strcmp(names[i], n) == 0)
			return (uint8_t)(1u << i);
	return 0;
}

/* The distinct logons, kept sorted (byte order) so that inventories merged
 * from several runs list them as one run does (test/bench/merge-hosts.jq). */
static void add_user(struct host *x, const char *who)
{
	unsigned at = 0;
	while (at < x->nusers && strcmp(x->users[at], who) < 0)
		at++;
	if (at < x->nusers && strcmp(x->users[at], who) == 0)
		return;
	if (x->nusers >= HOST_MAX_USERS) {
		x->users_dropped++;
		return;
	}
	memmove(x->users[at + 1], x->users[at], (x->nusers - at) * sizeof x->users[0]);
	snprintf(x->users[at], HOST_WHO_MAX, "%s", who);
	x->nusers++;
}

/* README "JSON schema" (session keys): names, OS, algorithms, logons. */
static void add_identity(struct host *x, const struct facts *f)
{
	if (!x->id.has_names && f->server_id.has_names)
		x->id = f->server_id;
	if (!x->os_version[0])
		memcpy(x->os_version, f->server_os_version, sizeof x->os_version);
	x->signing_algs |= name_bit(host_signing_alg_names, f->signing_algorithm);
	x->ciphers |= name_bit(host_cipher_names, f->cipher);
	if (f->protection == PROT_ENCRYPTION)
		x->encrypted_sessions++;
	char who[HOST_WHO_MAX];
	for (unsigned i = 0; i < f->nsessions; i++)
		if (f->sessions[i].ok)
			add_user(x, facts_session_who(&f->sessions[i], who, sizeof who));
}

void host_table_add(struct host_table *h, const struct conv *c, const struct facts *f,
		    const struct verdict *v)
{
	const struct endpoint *srv = conv_server(c);
	size_t k = bucket(h, srv);
	struct host *x = h->buckets[k];
	while (x && !(x->family == srv->family && memcmp(x->addr, srv->addr, 16) == 0))
		x = x->next;
	if (!x) {
		if (h->count >= HOST_MAX || !(x = calloc(1, sizeof *x))) {
			h->dropped++;
			return;
		}
		x->family = srv->family;
		memcpy(x->addr, srv->addr, 16);
		x->order = ++h->count;
		x->next = h->buckets[k];
		h->buckets[k] = x;
	}
	x->conversations++;
	x->verdicts[v->verdict]++;
	if (v->server.setting != SIGNING_UNKNOWN) {
		x->signing_seen |= 1u << v->server.setting;
		if (f->smb_version == 1)
			x->smb1_signing_seen |= 1u << v->server.setting;
		else if (f->smb_version == 2)
			x->smb2_signing_seen |= 1u << v->server.setting;
	}
	if (f->smb1_accepted) {
		x->smb1 = true;
		if (f->smb1_has_mode && f->smb1_security_mode < 16)
			x->smb1_modes |= 1u << f->smb1_security_mode;
	}
	if (f->smb2_chosen && f->smb2_dialect != SMB2_DIALECT_WILDCARD &&
	    f->smb2_dialect > x->max_dialect)
		x->max_dialect = f->smb2_dialect;
	if (f->guest || f->anonymous)
		x->guest_sessions++;
	if (v->verdict == V_SECURE_NEGOTIATE_FAILED)
		x->downgrades++;
	if (f->session_ok) {
		x->sessions_accepted++;
		if (!f->server_requires && v->server.setting != SIGNING_UNKNOWN &&
		    !encryption_forced(f))
			x->relayable_sessions++;
	}
	add_identity(x, f);
}

static int by_order(const void *a, const void *b)
{
	uint64_t x = (*(struct host *const *)a)->order, y = (*(struct host *const *)b)->order;
	return x < y ? -1 : x > y;
}

struct host **host_table_sorted(const struct host_table *h, size_t *n)
{
	*n = 0;
	struct host **all = malloc((h->count ? h->count : 1) * sizeof *all);
	if (!all)
		return NULL;
	for (size_t i = 0; i < h->nbuckets; i++)
		for (struct host *x = h->buckets[i]; x; x = x->next)
			all[(*n)++] = x;
	qsort(all, *n, sizeof *all, by_order);
	return all;
}

const char *const host_signing_names[] = {"unknown", "required", "not-required", "mixed"};

enum host_signing host_signing(const struct host *x)
{
	bool req = x->signing_seen & (1u << SIGNING_REQUIRED);
	bool not_req = x->signing_seen & (1u << SIGNING_ENABLED | 1u << SIGNING_DISABLED);
	if (req && not_req)
		return HOST_SIGNING_MIXED;
	if (req)
		return HOST_SIGNING_REQUIRED;
	if (not_req)
		return HOST_SIGNING_NOT_REQUIRED;
	return HOST_SIGNING_UNKNOWN;
}

bool host_relay_target(const struct host *x)
{
	return host_signing(x) != HOST_SIGNING_REQUIRED;
}

const char *const host_relay_names[] = {"no", "yes", "probe-only"};

enum host_relay host_relay(const struct host *x)
{
	if (x->relayable_sessions)
		return HOST_RELAY_YES;
	bool not_req = x->signing_seen & (1u << SIGNING_ENABLED | 1u << SIGNING_DISABLED);
	return not_req && !x->sessions_accepted ? HOST_RELAY_PROBE_ONLY : HOST_RELAY_NO;
}

void host_table_free(struct host_table *h)
{
	for (size_t i = 0; i < h->nbuckets; i++) {
		struct host *x = h->buckets[i];
		while (x) {
			struct host *next = x->next;
			free(x);
			x = next;
		}
	}
	free(h->buckets);
	h->buckets = NULL;
}
