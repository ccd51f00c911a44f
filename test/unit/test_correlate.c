/* Unit tests for correlate: the relay driver over constructed observations
 * (include/smbneg/correlate.h): a relay seen in either order is handed on
 * once, after both of its conversations concluded, with `ntlm-relay` given
 * to both; the same NTProofStr between the same two hosts is no relay;
 * conversation ids restart per input without mixing; the window; a final
 * flush hands on what never concluded; the ring of relayed conversations. */
#include "testutil2.h"

#include "smbneg/correlate.h"

/* victim 10.0.0.1:50000 -> relay 10.0.0.66:445 (conversation 1)
 * relay 10.0.0.66:40000 -> target 10.0.0.2:445 (conversation 2) */
static struct conv mkconv(uint64_t id, uint8_t cli, uint16_t cport, uint8_t srv, uint16_t sport)
{
	struct conv c;
	memset(&c, 0, sizeof c);
	c.id = id;
	c.ep[0] = (struct endpoint){4, {10, 0, 0, cli}, cport};
	c.ep[1] = (struct endpoint){4, {10, 0, 0, srv}, sport};
	c.client = 0;
	return c;
}

static const uint8_t chal[8] = {0x9a, 0x3c, 0x01, 0x77, 0xe2, 0x40, 0x5b, 0xd1};
static const uint8_t proof[16] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
				  0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01};

struct got {
	unsigned n;
	struct correlate_report last;
};

static void emit(void *arg, const struct correlate_report *r)
{
	struct got *g = arg;
	g->n++;
	g->last = *r;
}

static void challenge(struct correlate *k, const struct conv *c, uint64_t frame, long usec)
{
	struct timeval ts = {1700000000, usec};
	struct correlate_ntlm n;
	memset(&n, 0, sizeof n);
	n.type = 2;
	memcpy(n.challenge, chal, 8);
	correlate_ntlm(k, c, frame, &ts, &n);
}

static bool authenticate(struct correlate *k, const struct conv *c, uint64_t frame, time_t sec)
{
	struct timeval ts = {sec, 0};
	struct correlate_ntlm n;
	memset(&n, 0, sizeof n);
	n.type = 3;
	n.has_proof = true;
	memcpy(n.ntproofstr, proof, 16);
	n.user = "alice";
	n.domain = "CORP";
	return correlate_ntlm(k, c, frame, &ts, &n);
}

static void start(struct correlate *k, struct got *g)
{
	assert_true(correlate_init(k, emit, g));
	correlate_begin_file(k);
}

static struct facts target_facts(enum signing s)
{
	struct facts f;
	memset(&f, 0, sizeof f);
	f.server.setting = s;
	return f;
}

/* The usual order: target CHALLENGE, victim CHALLENGE, victim AUTHENTICATE,
 * target AUTHENTICATE; held until both conclude, then one event. */
static void test_relay_after_both_concluded(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	start(&k, &g);
	struct conv victim = mkconv(1, 1, 50000, 66, 445), target = mkconv(2, 66, 40000, 2, 445);
	challenge(&k, &target, 19, 1000);
	challenge(&k, &victim, 20, 2000);
	authenticate(&k, &victim, 21, 1700000000);
	assert_true(authenticate(&k, &target, 22, 1700000000));
	assert_int_equal(g.n, 0); /* held: its conversations are still open */
	struct facts f = target_facts(SIGNING_ENABLED);
	assert_int_equal(correlate_concluded(&k, &victim, &f), IND_BIT(IND_NTLM_RELAY));
	correlate_flush(&k, false);
	assert_int_equal(g.n, 0);
	assert_int_equal(correlate_concluded(&k, &target, &f), IND_BIT(IND_NTLM_RELAY));
	correlate_flush(&k, false);
	assert_int_equal(g.n, 1);
	const struct relay_event *ev = &g.last.ev;
	assert_int_equal(ev->victim.addr[3], 1);
	assert_int_equal(ev->victim.port, 50000);
	assert_int_equal(ev->relay_server.addr[3], 66);
	assert_int_equal(ev->target.addr[3], 2);
	assert_int_equal(ev->target.port, 445);
	assert_string_equal(ev->user, "alice");
	assert_string_equal(ev->domain, "CORP");
	assert_int_equal(ev->evidence, RELAY_EV_NTPROOFSTR_REUSED | RELAY_EV_CHALLENGE_FORWARDED);
	assert_int_equal(ev->nframes, 4);
	assert_int_equal(ev->frames[0], 19);
	assert_int_equal(ev->frames[3], 22);
	assert_false(ev->updated); /* the held event absorbed the second evidence */
	assert_int_equal(g.last.target_signing, SIGNING_ENABLED);
	correlate_flush(&k, true); /* nothing left */
	assert_int_equal(g.n, 1);
	correlate_free(&k);
}

/* The same NTProofStr twice between the same client and server (one session
 * seen in two files) is no relay: the middle host must be the server of one
 * and the client of the other. */
static void test_same_hosts_no_relay(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	start(&k, &g);
	struct conv a = mkconv(1, 1, 50000, 2, 445);
	assert_false(authenticate(&k, &a, 5, 1700000000));
	correlate_begin_file(&k);
	struct conv b = mkconv(1, 1, 50000, 2, 445); /* the same id in the next input */
	assert_false(authenticate(&k, &b, 5, 1700000001));
	struct facts f = target_facts(SIGNING_ENABLED);
	assert_int_equal(correlate_concluded(&k, &b, &f), 0);
	correlate_flush(&k, true);
	assert_int_equal(g.n, 0);
	correlate_free(&k);
}

/* Across inputs: the victim's leg in the first file, the target's in the
 * second, both with conversation id 1, within the window. */
static void test_across_files(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	start(&k, &g);
	struct conv victim = mkconv(1, 1, 50000, 66, 445);
	authenticate(&k, &victim, 3, 1700000000);
	uint64_t first_uid = correlate_uid(&k, &victim);
	correlate_begin_file(&k);
	struct conv target = mkconv(1, 66, 40000, 2, 445);
	assert_int_not_equal(correlate_uid(&k, &target), first_uid);
	assert_true(authenticate(&k, &target, 4, 1700000001));
	struct facts f = target_facts(SIGNING_REQUIRED);
	assert_int_equal(correlate_concluded(&k, &target, &f), IND_BIT(IND_NTLM_RELAY));
	correlate_flush(&k, false);
	assert_int_equal(g.n, 0); /* the victim's conversation never concluded here */
	correlate_flush(&k, true);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.last.ev.evidence, RELAY_EV_NTPROOFSTR_REUSED);
	assert_int_equal(g.last.target_signing, SIGNING_REQUIRED);
	correlate_free(&k);
}

/* Files out of time order: a relay inside an older file read after a newer
 * one is still found (each input restarts the relay clock). */
static void test_older_file_after_newer(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	start(&k, &g);
	struct conv other = mkconv(1, 7, 50000, 8, 445);
	struct timeval late = {1700003600, 0}; /* an hour later */
	struct correlate_ntlm n = {2, {1, 2, 3, 4, 5, 6, 7, 8}, false, {0}, NULL, NULL};
	correlate_ntlm(&k, &other, 1, &late, &n);
	correlate_begin_file(&k);
	struct conv victim = mkconv(1, 1, 50000, 66, 445), target = mkconv(2, 66, 40000, 2, 445);
	authenticate(&k, &victim, 3, 1700000000);
	assert_true(authenticate(&k, &target, 4, 1700000001));
	correlate_flush(&k, true);
	assert_int_equal(g.n, 1);
	correlate_free(&k);
}

/* Beyond the 5-minute window: not joined. */
static void test_window(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	start(&k, &g);
	struct conv victim = mkconv(1, 1, 50000, 66, 445), target = mkconv(2, 66, 40000, 2, 445);
	authenticate(&k, &victim, 1, 1700000000);
	assert_false(authenticate(&k, &target, 2, 1700000000 + 301));
	correlate_flush(&k, true);
	assert_int_equal(g.n, 0);
	correlate_free(&k);
}

/* Relay number i: victim conversation 2i+1 presents its own response
 * (one per relay) again in target conversation 2i+2; returns the victim. */
static struct conv relay_number(struct correlate *k, unsigned i)
{
	struct conv victim = mkconv(2 * i + 1, 1, (uint16_t)(50000 + i), 66, 445);
	struct conv target = mkconv(2 * i + 2, 66, (uint16_t)(40000 + i), 2, 445);
	struct timeval ts = {1700000000, 0};
	struct correlate_ntlm a = {3, {0}, true, {0}, "u", "d"};
	memcpy(a.ntproofstr, proof, 16);
	a.ntproofstr[0] = (uint8_t)i;
	a.ntproofstr[1] = (uint8_t)(i >> 8);
	correlate_ntlm(k, &victim, 1, &ts, &a);
	assert_true(correlate_ntlm(k, &target, 2, &ts, &a));
	return victim;
}

/* More relays than can be held: the overflow goes out at once, none lost. */
static void test_pending_overflow(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	start(&k, &g);
	unsigned n = CORRELATE_MAX_PENDING + 5;
	for (unsigned i = 0; i < n; i++)
		relay_number(&k, i);
	assert_int_equal(g.n, 5);
	correlate_flush(&k, true);
	assert_int_equal(g.n, n);
	correlate_free(&k);
}

/* The ring of relayed conversations: each relay names its two, the newest
 * CORRELATE_MAX_RELAYED are known, older ones forgotten, and a conversation
 * of no relay is never named, whether the ring is empty, filling or full. */
static void test_relayed_ring(void **state)
{
	(void)state;
	struct got g = {0};
	struct correlate k;
	struct facts f = target_facts(SIGNING_REQUIRED);
	start(&k, &g);
	struct conv other = mkconv(100000, 7, 1000, 8, 445);
	assert_int_equal(correlate_concluded(&k, &other, &f), 0); /* empty */
	unsigned n = CORRELATE_MAX_RELAYED / 2 + 10; /* 20 uids more than the ring */
	for (unsigned i = 0; i < n; i++) {
		struct conv victim = relay_number(&k, i);
		if (i == 0) { /* one relay: its two named, another not */
			assert_int_equal(correlate_concluded(&k, &victim, &f),
					 IND_BIT(IND_NTLM_RELAY));
			assert_int_equal(correlate_concluded(&k, &other, &f), 0);
		}
	}
	for (unsigned id = 1; id <= 2 * n; id++) {
		struct conv c = mkconv(id, 1, 1, 2, 445); /* the uid is the id within the file */
		indicator_mask want = id > 2 * n - CORRELATE_MAX_RELAYED ? IND_BIT(IND_NTLM_RELAY) : 0;
		assert_int_equal(correlate_concluded(&k, &c, &f), want);
	}
	assert_int_equal(correlate_concluded(&k, &other, &f), 0);
	correlate_flush(&k, true);
	assert_int_equal(g.n, n);
	correlate_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_relay_after_both_concluded),
	    cmocka_unit_test(test_same_hosts_no_relay),
	    cmocka_unit_test(test_across_files),
	    cmocka_unit_test(test_older_file_after_newer),
	    cmocka_unit_test(test_window),
	    cmocka_unit_test(test_pending_overflow),
	    cmocka_unit_test(test_relayed_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
