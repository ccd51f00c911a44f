/* Unit tests for relay: both evidences in either order of arrival, no match
 * when the middle host differs, the ring's wrap-around, the time window and
 * fixed memory (include/smbneg/relay.h). */
#include "testutil2.h"

#include "smbneg/relay.h"

/* ---- a relay scene ----
 * victim 10.0.0.1:50000 -> relay 10.0.0.66:445      (conversation 1)
 * relay 10.0.0.66:40000 -> target 10.0.0.2:445      (conversation 2) */
static struct relay_endpoint ep4(uint8_t last, uint16_t port)
{
	struct relay_endpoint e = {4, {10, 0, 0, last}, port};
	return e;
}

static struct relay_obs obs(uint64_t conv, struct relay_endpoint c, struct relay_endpoint s,
			    uint64_t frame, uint64_t ts_us)
{
	struct relay_obs o = {conv, c, s, frame, ts_us};
	return o;
}

#define VICTIM ep4(1, 50000)
#define RELAY_SRV ep4(66, 445)
#define RELAY_CLI ep4(66, 40000)
#define TARGET ep4(2, 445)

/* CHALLENGE ServerChallenge the target draws and the relay forwards. */
static const uint8_t chal[8] = {0x9a, 0x3c, 0x01, 0x77, 0xe2, 0x40, 0x5b, 0xd1};
/* NTProofStr of the victim's NTLMv2 response, presented twice. */
static const uint8_t proof[16] = {0x6a, 0xc0, 0x98, 0xf6, 0x00, 0x46, 0x20, 0x4b,
				  0x42, 0xaa, 0x99, 0x09, 0x95, 0x4e, 0x35, 0x95};

static struct relay_table *new_table(uint64_t window)
{
	struct relay_table *t = relay_new(window);
	assert_non_null(t);
	return t;
}

static void assert_scene(const struct relay_event *ev)
{
	assert_int_equal(ev->victim_conv, 1);
	assert_int_equal(ev->target_conv, 2);
	assert_int_equal(ev->victim.family, 4);
	assert_memory_equal(ev->victim.addr, "\x0a\x00\x00\x01", 4);
	assert_int_equal(ev->victim.port, 50000);
	assert_int_equal(ev->relay_server.addr[3], 66);
	assert_int_equal(ev->relay_server.port, 445);
	assert_int_equal(ev->relay_client.port, 40000);
	assert_int_equal(ev->target.addr[3], 2);
	assert_int_equal(ev->target.port, 445);
}

/* The usual order: target CHALLENGE, forwarded CHALLENGE, victim
 * AUTHENTICATE, relayed AUTHENTICATE, milliseconds apart. */
static void test_full_relay(void **state)
{
	(void)state;
	struct relay_table *t = new_table(0);
	struct relay_event ev;
	struct relay_obs o = obs(2, RELAY_CLI, TARGET, 10, 1000);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	o = obs(1, VICTIM, RELAY_SRV, 12, 1500);
	assert_true(relay_observe_challenge(t, &o, chal, &ev));
	assert_scene(&ev);
	assert_int_equal(ev.evidence, RELAY_EV_CHALLENGE_FORWARDED);
	assert_false(ev.updated);
	assert_string_equal(ev.user, "");
	/* the victim's AUTHENTICATE names the user of the known pair */
	o = obs(1, VICTIM, RELAY_SRV, 14, 2000);
	assert_true(relay_observe_authenticate(t, &o, proof, "alice", "CORP", &ev));
	assert_true(ev.updated);
	assert_string_equal(ev.user, "alice");
	assert_string_equal(ev.domain, "CORP");
	/* the relayed AUTHENTICATE adds the second evidence */
	o = obs(2, RELAY_CLI, TARGET, 15, 2400);
	assert_true(relay_observe_authenticate(t, &o, proof, "alice", "CORP", &ev));
	assert_scene(&ev);
	assert_true(ev.updated);
	assert_int_equal(ev.evidence, RELAY_EV_CHALLENGE_FORWARDED | RELAY_EV_NTPROOFSTR_REUSED);
	assert_int_equal(ev.nframes, 4);
	const uint64_t frames[4] = {10, 12, 14, 15};
	assert_memory_equal(ev.frames, frames, sizeof frames);
	free(t);
}

/* Either order of arrival gives the same victim and target. */
static void test_either_order(void **state)
{
	(void)state;
	struct relay_event ev;
	/* CHALLENGE: victim's side first (clock skew between capture points) */
	struct relay_table *t = new_table(0);
	struct relay_obs o = obs(1, VICTIM, RELAY_SRV, 3, 100);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	o = obs(2, RELAY_CLI, TARGET, 4, 90);
	assert_true(relay_observe_challenge(t, &o, chal, &ev));
	assert_scene(&ev);
	free(t);
	/* NTProofStr: victim first, then relayed */
	t = new_table(0);
	o = obs(1, VICTIM, RELAY_SRV, 7, 100);
	assert_false(relay_observe_authenticate(t, &o, proof, "bob", "LAB", &ev));
	o = obs(2, RELAY_CLI, TARGET, 8, 105);
	assert_true(relay_observe_authenticate(t, &o, proof, "bob", "LAB", &ev));
	assert_scene(&ev);
	assert_int_equal(ev.evidence, RELAY_EV_NTPROOFSTR_REUSED);
	assert_string_equal(ev.user, "bob");
	assert_false(ev.updated);
	free(t);
	/* NTProofStr: relayed first */
	t = new_table(0);
	o = obs(2, RELAY_CLI, TARGET, 8, 105);
	assert_false(relay_observe_authenticate(t, &o, proof, "bob", "LAB", &ev));
	o = obs(1, VICTIM, RELAY_SRV, 7, 100);
	assert_true(relay_observe_authenticate(t, &o, proof, "bob", "LAB", &ev));
	assert_scene(&ev);
	assert_string_equal(ev.domain, "LAB");
	free(t);
}

static void test_no_match(void **state)
{
	(void)state;
	struct relay_event ev;
	struct relay_table *t = new_table(0);
	/* the middle host differs: .66 serves the victim, .77 is the target's client */
	struct relay_obs o = obs(2, ep4(77, 40000), TARGET, 1, 10);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	assert_false(relay_observe_authenticate(t, &o, proof, "u", "d", &ev));
	o = obs(1, VICTIM, RELAY_SRV, 2, 20);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	assert_false(relay_observe_authenticate(t, &o, proof, "u", "d", &ev));
	/* a fixed-challenge server answering two clients: both conversations
	 * have it as server, nobody is in the middle */
	o = obs(3, ep4(5, 1000), RELAY_SRV, 3, 30);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	/* the same conversation repeating its AUTHENTICATE (another NTProofStr
	 * than the one conversation 1 sent, which would be a relay) */
	const uint8_t *again = (const uint8_t *)"0123456789abcdef";
	o = obs(4, RELAY_CLI, TARGET, 4, 40);
	assert_false(relay_observe_authenticate(t, &o, again, "u", "d", &ev));
	o = obs(4, RELAY_CLI, TARGET, 5, 41);
	assert_false(relay_observe_authenticate(t, &o, again, "u", "d", &ev));
	/* different keys never join */
	struct relay_table *u = new_table(0);
	o = obs(2, RELAY_CLI, TARGET, 1, 10);
	assert_false(relay_observe_challenge(u, &o, chal, &ev));
	o = obs(1, VICTIM, RELAY_SRV, 2, 20);
	assert_false(relay_observe_challenge(u, &o, (const uint8_t *)"AAAAAAAA", &ev));
	/* NTLMv1 (no NTProofStr) without a known pair */
	assert_false(relay_observe_authenticate(u, &o, NULL, "u", "d", &ev));
	free(u);
	free(t);
}

/* IPv6 endpoints; an IPv4 and an IPv6 endpoint never match. */
static void test_ipv6(void **state)
{
	(void)state;
	struct relay_event ev;
	struct relay_table *t = new_table(0);
	struct relay_endpoint v = {6, {0xfd, 0, [15] = 1}, 50000};
	struct relay_endpoint rs = {6, {0xfd, 0, [15] = 0x66}, 445};
	struct relay_endpoint rc = {6, {0xfd, 0, [15] = 0x66}, 40000};
	struct relay_endpoint tg = {6, {0xfd, 0, [15] = 2}, 445};
	struct relay_obs o = obs(2, rc, tg, 1, 10);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	o = obs(1, v, rs, 2, 20);
	assert_true(relay_observe_challenge(t, &o, chal, &ev));
	assert_int_equal(ev.victim.family, 6);
	/* 10.0.0.66 is not fd00::66 */
	o = obs(3, ep4(9, 1), ep4(66, 445), 3, 30);
	assert_false(relay_observe_challenge(t, &o, (const uint8_t *)"\1\2\3\4\5\6\7\10", &ev));
	o = obs(4, rc, tg, 4, 31);
	assert_false(relay_observe_challenge(t, &o, (const uint8_t *)"\1\2\3\4\5\6\7\10", &ev));
	free(t);
}

static void test_window(void **state)
{
	(void)state;
	struct relay_event ev;
	const uint64_t w = 60 * 1000000;
	struct relay_table *t = new_table(w);
	struct relay_obs o = obs(2, RELAY_CLI, TARGET, 1, 1000);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	o = obs(1, VICTIM, RELAY_SRV, 2, 1000 + w); /* exactly the window: kept */
	assert_true(relay_observe_challenge(t, &o, chal, &ev));
	free(t);
	t = new_table(w);
	o = obs(2, RELAY_CLI, TARGET, 1, 1000);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	o = obs(1, VICTIM, RELAY_SRV, 2, 1001 + w); /* one microsecond later: expired */
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	free(t);
	/* an old entry is not matched by an old observation once time moved on */
	t = new_table(w);
	o = obs(2, RELAY_CLI, TARGET, 1, 1000);
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	o = obs(9, ep4(9, 9), ep4(8, 445), 2, 1000 + 2 * w);
	assert_false(relay_observe_challenge(t, &o, (const uint8_t *)"zzzzzzzz", &ev));
	o = obs(1, VICTIM, RELAY_SRV, 3, 1500); /* fed out of order */
	assert_false(relay_observe_challenge(t, &o, chal, &ev));
	assert_int_equal(RELAY_WINDOW_US, 300 * UINT64_C(1000000));
	free(t);
}

/* The ring keeps the last RELAY_TABLE_SIZE observations, whatever the load. */
static void test_wrap_around(void **state)
{
	(void)state;
	struct relay_event ev;
	for (unsigned fill = RELAY_TABLE_SIZE - 1; fill <= RELAY_TABLE_SIZE; fill++) {
		struct relay_table *t = new_table(0);
		struct relay_obs o = obs(2, RELAY_CLI, TARGET, 1, 10);
		assert_false(relay_observe_challenge(t, &o, chal, &ev));
		for (unsigned i = 0; i < fill; i++) {
			uint8_t c[8] = {0xee, (uint8_t)i, (uint8_t)(i >> 8), 0, 0, 0, 0, 1};
			o = obs(100 + i, ep4(200, (uint16_t)i), ep4(201, 445), 2 + i, 11 + i);
			assert_false(relay_observe_challenge(t, &o, c, &ev));
		}
		o = obs(1, VICTIM, RELAY_SRV, 99999, 20000);
		/* the target's entry survives SIZE - 1 later inserts, not SIZE */
		assert_int_equal(relay_observe_challenge(t, &o, chal, &ev),
				 fill == RELAY_TABLE_SIZE - 1);
		assert_int_equal(t->observed, fill + 2);
		assert_int_equal(t->overwritten,
				 fill + 2 > RELAY_TABLE_SIZE ? fill + 2 - RELAY_TABLE_SIZE : 0);
		free(t);
	}
}

/* Fixed memory: 100000 observations in a table whose size never changes;
 * the pair ring recycles too. */
static void test_bounded(void **state)
{
	(void)state;
	assert_true(sizeof(struct relay_table) < 2u << 20);
	struct relay_table *t = new_table(0);
	struct relay_event ev;
	unsigned matches = 0;
	for (unsigned i = 0; i < 100000; i++) {
		uint8_t c[8] = {(uint8_t)i, (uint8_t)(i >> 8), (uint8_t)(i >> 16), 0x5a, 0, 0, 0,
				0};
		/* every pair of observations is one small relay */
		struct relay_obs o = obs(2 * i + 1, ep4(1, 1), ep4(66, 445), i, i);
		if (i % 2)
			o = obs(2 * i, ep4(66, 2), ep4(2, 445), i, i);
		c[0] = (uint8_t)(i / 2);
		c[1] = (uint8_t)(i / 512);
		c[2] = (uint8_t)(i / 131072);
		matches += relay_observe_challenge(t, &o, c, &ev);
	}
	assert_int_equal(matches, 50000);
	assert_int_equal(t->overwritten, 100000 - RELAY_TABLE_SIZE);
	free(t);
}

static void test_names(void **state)
{
	(void)state;
	struct relay_event ev;
	struct relay_table *t = new_table(0);
	char longname[200];
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	struct relay_obs o = obs(1, VICTIM, RELAY_SRV, 1, 10);
	assert_false(relay_observe_authenticate(t, &o, proof, longname, NULL, &ev));
	o = obs(2, RELAY_CLI, TARGET, 2, 11);
	assert_true(relay_observe_authenticate(t, &o, proof, longname, NULL, &ev));
	assert_int_equal(strlen(ev.user), RELAY_NAME_MAX - 1);
	assert_string_equal(ev.domain, "");
	assert_string_equal(tok_name(relay_evidence_bits, RELAY_EV_NTPROOFSTR_REUSED),
			    "ntproofstr-reused");
	assert_string_equal(tok_name(relay_evidence_bits, RELAY_EV_CHALLENGE_FORWARDED),
			    "challenge-forwarded");
	free(t);
}

/* The NTLM messages of captures/attack-ntlm-relay.pcap (smbclient ->
 * impacket ntlmrelayx on 127.0.0.24 -> Samba on 127.0.0.22), as tshark
 * decodes them: frames 19/20 CHALLENGE 4333e19853c0d01b, frames 21/22
 * AUTHENTICATE with NTProofStr e121d40678b6397e27c1d519ee5aa4fd. */
static void test_real_capture(void **state)
{
	(void)state;
	struct relay_endpoint victim = {4, {127, 0, 0, 1}, 33738};
	struct relay_endpoint relay_srv = {4, {127, 0, 0, 24}, 445};
	struct relay_endpoint relay_cli = {4, {127, 0, 0, 24}, 41115};
	struct relay_endpoint target = {4, {127, 0, 0, 22}, 445};
	const uint8_t ch[8] = {0x43, 0x33, 0xe1, 0x98, 0x53, 0xc0, 0xd0, 0x1b};
	const uint8_t np[16] = {0xe1, 0x21, 0xd4, 0x06, 0x78, 0xb6, 0x39, 0x7e,
				0x27, 0xc1, 0xd5, 0x19, 0xee, 0x5a, 0xa4, 0xfd};
	const uint64_t t0 = UINT64_C(1796031571000000);
	struct relay_table *t = new_table(0);
	struct relay_event ev;
	struct relay_obs o = obs(2, relay_cli, target, 19, t0 + 190175);
	assert_false(relay_observe_challenge(t, &o, ch, &ev));
	o = obs(1, victim, relay_srv, 20, t0 + 190805);
	assert_true(relay_observe_challenge(t, &o, ch, &ev));
	o = obs(1, victim, relay_srv, 21, t0 + 191037);
	assert_true(relay_observe_authenticate(t, &o, np, "smbnegattack", "WORKGROUP", &ev));
	o = obs(2, relay_cli, target, 22, t0 + 192331);
	assert_true(relay_observe_authenticate(t, &o, np, "smbnegattack", "WORKGROUP", &ev));
	assert_int_equal(ev.victim.addr[3], 1);
	assert_int_equal(ev.victim.port, 33738);
	assert_int_equal(ev.relay_server.addr[3], 24);
	assert_int_equal(ev.target.addr[3], 22);
	assert_string_equal(ev.user, "smbnegattack");
	assert_string_equal(ev.domain, "WORKGROUP");
	assert_int_equal(ev.evidence, RELAY_EV_CHALLENGE_FORWARDED | RELAY_EV_NTPROOFSTR_REUSED);
	const uint64_t frames[4] = {19, 20, 21, 22};
	assert_int_equal(ev.nframes, 4);
	assert_memory_equal(ev.frames, frames, sizeof frames);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_relay),	 cmocka_unit_test(test_either_order),
	    cmocka_unit_test(test_no_match),	 cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_window),	 cmocka_unit_test(test_wrap_around),
	    cmocka_unit_test(test_bounded),	 cmocka_unit_test(test_names),
	    cmocka_unit_test(test_real_capture),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
