/* Unit tests for community_id, the Community ID v1 flow hash
 * (include/smbneg/community_id.h).
 *
 * Expected values are the published test vectors of the specification,
 * https://github.com/corelight/community-id-spec (commit b1fe530):
 *   - baseline/README.md, tables "Default settings", "A custom seed=1 value" and
 *     "No base64-encoding" (the TCP, UDP and SCTP rows);
 *   - baseline/baseline_deflt.json, baseline_seed1.json, baseline_nob64.json (the
 *     TCP, UDP and SCTP flows of pcaps/combined.pcap.gz: tcp.pcap, ipv6.pcap,
 *     udp.pcap, sctp.pcap).
 * The "nob64" values are the hex SHA-1 digests, checked with community_id_digest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/community_id.h"

#include <arpa/inet.h>

struct vector {
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t proto;
	const char *deflt; /* seed 0 */
	const char *seed1; /* seed 1 */
	const char *nob64; /* seed 0, hex digest */
};

static const struct vector vectors[] = {
	/* baseline/README.md tables: both directions of each flow */
	{"1.2.3.4", "5.6.7.8", 1122, 3344, 6, "1:wCb3OG7yAFWelaUydu0D+125CLM=",
	 "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=", "c026f7386ef200559e95a53276ed03fb5db908b3"},
	{"5.6.7.8", "1.2.3.4", 3344, 1122, 6, "1:wCb3OG7yAFWelaUydu0D+125CLM=",
	 "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=", "c026f7386ef200559e95a53276ed03fb5db908b3"},
	{"1.2.3.4", "5.6.7.8", 1122, 3344, 17, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
	 "1:OShq+iKDAMVouh/4bMxB9Sz4amw=", "d0cbbd227431eb3e1988264cffb1d78b658c84e8"},
	{"5.6.7.8", "1.2.3.4", 3344, 1122, 17, "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
	 "1:OShq+iKDAMVouh/4bMxB9Sz4amw=", "d0cbbd227431eb3e1988264cffb1d78b658c84e8"},
	{"1.2.3.4", "5.6.7.8", 1122, 3344, 132, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
	 "1:uitchpn5MMGAQKBJh7bIr/bAr7s=", "10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f"},
	{"5.6.7.8", "1.2.3.4", 3344, 1122, 132, "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
	 "1:uitchpn5MMGAQKBJh7bIr/bAr7s=", "10ab7832cc6ec9a13a98bfa19ab12443d72c0c3f"},
	/* baseline_*.json: TCP over IPv6 (ipv6.pcap, SMTP) */
	{"2001:470:e5bf:dead:4957:2174:e82c:4887", "2607:f8b0:400c:c03::1a", 63943, 25, 6,
	 "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw=",
	 "fea15a78047e8057b52988cccd50ec32ffb0814e"},
	{"2607:f8b0:400c:c03::1a", "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943, 6,
	 "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=", "1:eJYTW6AOzFLlSUoESovMjnu7rMw=",
	 "fea15a78047e8057b52988cccd50ec32ffb0814e"},
	/* TCP over IPv4 (tcp.pcap, HTTP) */
	{"128.232.110.120", "66.35.250.204", 34855, 80, 6, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	 "1:3V71V58M3Ksw/yuFALMcW0LAHvc=", "2d053da9994af81e45dca0e67afea6e4f3226eb8"},
	{"66.35.250.204", "128.232.110.120", 80, 34855, 6, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	 "1:3V71V58M3Ksw/yuFALMcW0LAHvc=", "2d053da9994af81e45dca0e67afea6e4f3226eb8"},
	/* UDP (udp.pcap, DNS) */
	{"192.168.1.52", "8.8.8.8", 54585, 53, 17, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	 "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=", "77f14fe445b7c22635bc29dd87095e451287a304"},
	{"8.8.8.8", "192.168.1.52", 53, 54585, 17, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	 "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=", "77f14fe445b7c22635bc29dd87095e451287a304"},
	/* SCTP with equal ports (sctp.pcap): the addresses alone decide the order */
	{"192.168.170.8", "192.168.170.56", 7, 7, 132, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
	 "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=", "30fd84b5108050866f4f0e8cc491cb57b37b243b"},
	{"192.168.170.56", "192.168.170.8", 7, 7, 132, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
	 "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=", "30fd84b5108050866f4f0e8cc491cb57b37b243b"},
};

static void flow_of(const struct vector *v, struct community_id_flow *f)
{
	memset(f, 0, sizeof *f);
	f->family = strchr(v->src, ':') ? 6 : 4;
	int af = f->family == 6 ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(af, v->src, f->src), 1);
	assert_int_equal(inet_pton(af, v->dst, f->dst), 1);
	f->proto = v->proto;
	f->sport = v->sport;
	f->dport = v->dport;
}

static void test_published_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(vectors); i++) {
		struct community_id_flow f;
		char out[COMMUNITY_ID_SIZE];
		flow_of(&vectors[i], &f);
		assert_int_equal(community_id_v1(&f, 0, out, sizeof out), 0);
		assert_string_equal(out, vectors[i].deflt);
		assert_int_equal(community_id_v1(&f, 1, out, sizeof out), 0);
		assert_string_equal(out, vectors[i].seed1);
	}
}

static void test_published_digests(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(vectors); i++) {
		struct community_id_flow f;
		uint8_t d[COMMUNITY_ID_DIGEST_SIZE];
		char hex[2 * sizeof d + 1];
		flow_of(&vectors[i], &f);
		assert_int_equal(community_id_digest(&f, 0, d), 0);
		for (size_t j = 0; j < sizeof d; j++)
			snprintf(hex + 2 * j, 3, "%02x", d[j]);
		assert_string_equal(hex, vectors[i].nob64);
	}
}

/* The spec's README example of the ordering rule: both directions order into
 * 10.0.0.1, 127.0.0.1, 1234, 80.  Also equal addresses, where the ports decide. */
static void test_ordering(void **state)
{
	(void)state;
	static const struct vector a = {"10.0.0.1", "127.0.0.1", 1234, 80, 6, 0, 0, 0};
	static const struct vector b = {"127.0.0.1", "10.0.0.1", 80, 1234, 6, 0, 0, 0};
	static const struct vector c = {"::1", "::1", 445, 50000, 6, 0, 0, 0};
	static const struct vector d = {"::1", "::1", 50000, 445, 6, 0, 0, 0};
	struct community_id_flow f;
	char x[COMMUNITY_ID_SIZE], y[COMMUNITY_ID_SIZE];

	flow_of(&a, &f);
	assert_int_equal(community_id_v1(&f, 0, x, sizeof x), 0);
	flow_of(&b, &f);
	assert_int_equal(community_id_v1(&f, 0, y, sizeof y), 0);
	assert_string_equal(x, y);
	flow_of(&c, &f);
	assert_int_equal(community_id_v1(&f, 0, x, sizeof x), 0);
	flow_of(&d, &f);
	assert_int_equal(community_id_v1(&f, 0, y, sizeof y), 0);
	assert_string_equal(x, y);
	/* A different port is another flow. */
	f.sport = 50001;
	assert_int_equal(community_id_v1(&f, 0, y, sizeof y), 0);
	assert_string_not_equal(x, y);
}

static void test_errors(void **state)
{
	(void)state;
	struct community_id_flow f;
	char out[COMMUNITY_ID_SIZE];
	uint8_t d[COMMUNITY_ID_DIGEST_SIZE];

	flow_of(&vectors[0], &f);
	/* Too small a buffer: -1 and an empty string. */
	memset(out, 'x', sizeof out);
	assert_int_equal(community_id_v1(&f, 0, out, sizeof out - 1), -1);
	assert_string_equal(out, "");
	assert_int_equal(community_id_v1(&f, 0, out, 0), -1);
	/* An unknown family. */
	f.family = 5;
	assert_int_equal(community_id_digest(&f, 0, d), -1);
	assert_int_equal(community_id_v1(&f, 0, out, sizeof out), -1);
	assert_string_equal(out, "");
	/* Exactly COMMUNITY_ID_SIZE is enough: 30 characters and the NUL. */
	f.family = 4;
	assert_int_equal(community_id_v1(&f, 0, out, sizeof out), 0);
	assert_int_equal(strlen(out), COMMUNITY_ID_SIZE - 1);
}

static void test_parse_seed(void **state)
{
	(void)state;
	uint16_t seed = 7;
	assert_int_equal(community_id_parse_seed("0", &seed), 0);
	assert_int_equal(seed, 0);
	assert_int_equal(community_id_parse_seed("1", &seed), 0);
	assert_int_equal(seed, 1);
	assert_int_equal(community_id_parse_seed("65535", &seed), 0);
	assert_int_equal(seed, 65535);
	assert_int_equal(community_id_parse_seed("0x1234", &seed), 0);
	assert_int_equal(seed, 0x1234);
	static const char *const bad[] = {"", "-1", " 1", "+1", "65536", "1x", "1 ", "x",
					  "99999999999999999999999", "0x10000"};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		seed = 7;
		assert_int_equal(community_id_parse_seed(bad[i], &seed), -1);
		assert_int_equal(seed, 7);
	}
	assert_int_equal(community_id_parse_seed(NULL, &seed), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_vectors),
		cmocka_unit_test(test_published_digests),
		cmocka_unit_test(test_ordering),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_parse_seed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
