/* Unit tests for decode: link, IPv4/IPv6 and TCP headers (include/smbneg/decode.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "testutil.h"

#include "smbneg/decode.h"

#include <pcap/dlt.h>
#include <stdlib.h>
#include <string.h>

/* ---- building blocks (each a header as it is on the wire) ---- */

#define MACS 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01

/* Ethernet II: dst 02:00:00:00:00:02, src 02:00:00:00:00:01, type 0x0800 IPv4 */
static const uint8_t eth_ip4[] = {MACS, 0x08, 0x00};
/* Ethernet II, type 0x86DD IPv6 */
static const uint8_t eth_ip6[] = {MACS, 0x86, 0xdd};
/* Ethernet II, type 0x0806 ARP */
static const uint8_t eth_arp[] = {MACS, 0x08, 0x06};
/* Ethernet, 802.1Q tag (TPID 0x8100, VLAN 100), then type 0x0800 IPv4 */
static const uint8_t eth_vlan_ip4[] = {MACS, 0x81, 0x00, 0x00, 0x64, 0x08, 0x00};
/* Ethernet, 802.1ad S-tag (TPID 0x88A8, VLAN 10), 802.1Q C-tag (VLAN 100), IPv4 */
static const uint8_t eth_qinq_ip4[] = {MACS, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x64,
				       0x08, 0x00};
/* Ethernet, old QinQ S-tag (TPID 0x9100, VLAN 10), 802.1Q C-tag (VLAN 100), IPv6 */
static const uint8_t eth_qinq9100_ip6[] = {MACS, 0x91, 0x00, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x64,
					   0x86, 0xdd};
/* Linux cooked v1 (16 bytes): packet type 0 (to us), ARPHRD_ETHER 1, address
 * length 6, address 02:00:00:00:00:01 + 2 pad, protocol 0x0800 IPv4 */
static const uint8_t sll_ip4[] = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x00,
				  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x08, 0x00};
/* ... the same with protocol 0x86DD IPv6 */
static const uint8_t sll_ip6[] = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0x00,
				  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x86, 0xdd};
/* Linux cooked v2 (20 bytes): protocol 0x0800 IPv4, reserved 0, ifindex 2,
 * ARPHRD_ETHER 1, packet type 0, address length 6, address + 2 pad */
static const uint8_t sll2_ip4[] = {0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
				   0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
/* ... the same with protocol 0x86DD IPv6 */
static const uint8_t sll2_ip6[] = {0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01,
				   0x00, 0x06, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00};
/* BSD loopback (DLT_NULL) AF_INET = 2 in little-endian host order */
static const uint8_t null_le_inet[] = {0x02, 0x00, 0x00, 0x00};
/* DLT_NULL from a big-endian host: AF_INET = 2 in network order */
static const uint8_t null_be_inet[] = {0x00, 0x00, 0x00, 0x02};
/* DLT_NULL AF_INET6 as NetBSD/OpenBSD (24), FreeBSD (28), Darwin (30), little-endian */
static const uint8_t null_le_inet6_24[] = {0x18, 0x00, 0x00, 0x00};
static const uint8_t null_le_inet6_28[] = {0x1c, 0x00, 0x00, 0x00};
static const uint8_t null_le_inet6_30[] = {0x1e, 0x00, 0x00, 0x00};
/* DLT_NULL AF 7 (not an IP family) */
static const uint8_t null_le_other[] = {0x07, 0x00, 0x00, 0x00};
/* OpenBSD loopback (DLT_LOOP): AF always in network order: 2, 24, 28, 30 */
static const uint8_t loop_inet[] = {0x00, 0x00, 0x00, 0x02};
static const uint8_t loop_inet6_24[] = {0x00, 0x00, 0x00, 0x18};
static const uint8_t loop_inet6_28[] = {0x00, 0x00, 0x00, 0x1c};
static const uint8_t loop_inet6_30[] = {0x00, 0x00, 0x00, 0x1e};

/* IPv4: version 4, IHL 5, total length 44 (20 + 20 + 4), id 0x1234, DF,
 * TTL 64, protocol 6 TCP, checksum 0, 192.168.1.10 -> 192.168.1.20 */
static const uint8_t ip4[] = {0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06,
			      0x00, 0x00, 192,  168,  1,    10,   192,  168,  1,    20};
/* IPv4 with IHL 6: total length 48 (24 + 20 + 4), options NOP NOP NOP EOL */
static const uint8_t ip4_opt[] = {0x46, 0x00, 0x00, 0x30, 0x12, 0x34, 0x40, 0x00,
				  0x40, 0x06, 0x00, 0x00, 192,  168,  1,    10,
				  192,  168,  1,    20,   0x01, 0x01, 0x01, 0x00};
/* IPv6: version 6, payload length 24 (20 + 4), next header 6 TCP, hop limit
 * 64, 2001:db8::1 -> 2001:db8::2 */
static const uint8_t ip6[] = {0x60, 0x00, 0x00, 0x00, 0x00, 0x18, 0x06, 0x40, 0x20, 0x01,
			      0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
			      0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
			      0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02};
/* IPv6 as above but payload length 40 (8 + 8 + 20 + 4) and next header 0
 * (hop-by-hop options) */
static const uint8_t ip6_hbh[] = {0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x40, 0x20, 0x01,
				  0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
				  0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00,
				  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02};
/* Hop-by-hop options: next 60 (destination options), length 0 (8 bytes),
 * PadN of 4 */
static const uint8_t ext_hbh_to_dst[] = {0x3c, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00};
/* Destination options: next 6 (TCP), length 0 (8 bytes), PadN of 4 */
static const uint8_t ext_dst_to_tcp[] = {0x06, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0x00};
/* Routing header: next 51 (AH), length 0, type 0, segments left 0, reserved */
static const uint8_t ext_rt_to_ah[] = {0x33, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
/* AH: next 6 (TCP), payload length 4 ((4 + 2) * 4 = 24 bytes), reserved,
 * SPI 0x100, sequence 1, 12-byte ICV */
static const uint8_t ext_ah_to_tcp[] = {0x06, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
					0x00, 0x00, 0x00, 0x01, 0xa1, 0xa2, 0xa3, 0xa4,
					0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab, 0xac};
/* TCP: 49153 -> 445, seq 0x11223344, ack 0x55667788, data offset 5,
 * flags PSH|ACK, window 0xffff, checksum 0, urgent 0 */
static const uint8_t tcp[] = {0xc0, 0x01, 0x01, 0xbd, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
			      0x77, 0x88, 0x50, 0x18, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00};
/* Payload: "\xfeSM" + "B": 4 bytes, the start of an SMB2 header */
static const uint8_t payload[] = {0xfe, 'S', 'M', 'B'};

static const uint8_t ip4_src[] = {192, 168, 1, 10};
static const uint8_t ip4_dst[] = {192, 168, 1, 20};
static const uint8_t ip6_src[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t ip6_dst[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

/* Concatenate (pointer, length) pairs ending with NULL into an exact-size
 * heap buffer. */
static uint8_t *cat(size_t *len, ...)
{
	struct tu_buf b = {0};
	va_list ap;
	va_start(ap, len);
	for (;;) {
		const void *p = va_arg(ap, const void *);
		if (!p)
			break;
		size_t n = va_arg(ap, size_t);
		tu_buf_add(&b, p, n);
	}
	va_end(ap);
	*len = b.len;
	uint8_t *q = tu_dup(b.p, b.len);
	tu_buf_free(&b);
	return q;
}

#define P(a) (const void *)(a), sizeof(a)

/* The TCP fields from `tcp` and the 4-byte payload at frame + off. */
static void check_tcp(const struct tcp_seg *s, const uint8_t *frame, size_t off)
{
	assert_int_equal(s->sport, 49153);
	assert_int_equal(s->dport, 445);
	assert_int_equal(s->seq, 0x11223344u);
	assert_int_equal(s->ack, 0x55667788u);
	assert_int_equal(s->flags, 0x18);
	assert_ptr_equal(s->data, frame + off);
	assert_int_equal(s->caplen, 4);
	assert_int_equal(s->seglen, 4);
	assert_memory_equal(s->data, payload, 4);
}

static void check_v4(const struct tcp_seg *s, const uint8_t *frame, size_t off)
{
	assert_int_equal(s->family, 4);
	assert_memory_equal(s->src, ip4_src, 4);
	assert_memory_equal(s->dst, ip4_dst, 4);
	check_tcp(s, frame, off);
}

static void check_v6(const struct tcp_seg *s, const uint8_t *frame, size_t off)
{
	assert_int_equal(s->family, 6);
	assert_memory_equal(s->src, ip6_src, 16);
	assert_memory_equal(s->dst, ip6_dst, 16);
	check_tcp(s, frame, off);
}

/* Truncation sweep: every prefix of a valid frame whose headers take `hdrs`
 * bytes gives DECODE_TRUNCATED while a header is cut, then DECODE_TCP with
 * caplen = what was captured of the payload and seglen = the whole payload. */
static void sweep(int dlt, const uint8_t *frame, size_t len, size_t hdrs)
{
	for (size_t n = 0; n <= len; n++) {
		uint8_t *f = tu_dup(frame, n);
		struct tcp_seg s;
		enum decode_result res = decode_frame(dlt, f, n, &s);
		if (n < hdrs) {
			if (res != DECODE_TRUNCATED)
				fail_msg("dlt %d prefix %zu of %zu: got %s, want truncated", dlt, n,
					 len, decode_result_names[res]);
		} else {
			assert_int_equal(res, DECODE_TCP);
			assert_int_equal(s.caplen, n - hdrs);
			assert_int_equal(s.seglen, len - hdrs);
			assert_ptr_equal(s.data, f + hdrs);
		}
		free(f);
	}
}

/* Decode an exact-size heap copy of frame. */
static enum decode_result dec(int dlt, const uint8_t *frame, size_t len, struct tcp_seg *s)
{
	uint8_t *f = tu_dup(frame, len);
	enum decode_result res = decode_frame(dlt, f, len, s);
	free(f);
	/* s->data points into freed memory now; callers that need it use
	 * decode_frame themselves. */
	s->data = NULL;
	return res;
}

/* ---- link types ---- */

static void test_link_supported(void **state)
{
	(void)state;
	static const int yes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
				  DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP};
	static const int no[] = {DLT_IEEE802_11, DLT_IEEE802_11_RADIO, DLT_PPP, DLT_FDDI,
				 DLT_USB_LINUX,  -1,                   0x7fffffff};
	for (size_t i = 0; i < ARRAY_LEN(yes); i++)
		assert_true(decode_link_supported(yes[i]));
	for (size_t i = 0; i < ARRAY_LEN(no); i++)
		assert_false(decode_link_supported(no[i]));
}

static void test_bad_link(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip4), P(tcp), P(payload), NULL);
	struct tcp_seg s;
	assert_int_equal(decode_frame(DLT_IEEE802_11, f, len, &s), DECODE_BAD_LINK);
	assert_int_equal(decode_frame(DLT_PPP, f, len, &s), DECODE_BAD_LINK);
	assert_int_equal(decode_frame(-1, f, len, &s), DECODE_BAD_LINK);
	assert_int_equal(decode_frame(DLT_PPP, NULL, 0, &s), DECODE_BAD_LINK);
	assert_string_equal(decode_result_names[DECODE_BAD_LINK], "unsupported-link-type");
	assert_string_equal(decode_result_names[DECODE_TCP], "tcp");
	assert_string_equal(decode_result_names[DECODE_FRAGMENT], "ip-fragment");
	free(f);
}

static void test_en10mb_ipv4(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip4), P(tcp), P(payload), NULL);
	struct tcp_seg s;
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 14 + 20 + 20);
	sweep(DLT_EN10MB, f, len, 54);
	free(f);
}

static void test_en10mb_ipv6(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = cat(&len, P(eth_ip6), P(ip6), P(tcp), P(payload), NULL);
	struct tcp_seg s;
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 14 + 40 + 20);
	sweep(DLT_EN10MB, f, len, 74);
	free(f);
}

static void test_en10mb_vlan(void **state)
{
	(void)state;
	size_t len;
	uint8_t *f = cat(&len, P(eth_vlan_ip4), P(ip4), P(tcp), P(payload), NULL);
	struct tcp_seg s;
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 18 + 20 + 20);
	sweep(DLT_EN10MB, f, len, 58);
	free(f);
}

static void test_en10mb_qinq(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* 802.1ad then 802.1Q then IPv4 */
	uint8_t *f = cat(&len, P(eth_qinq_ip4), P(ip4), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 22 + 20 + 20);
	sweep(DLT_EN10MB, f, len, 62);
	free(f);
	/* 0x9100 then 802.1Q then IPv6 */
	f = cat(&len, P(eth_qinq9100_ip6), P(ip6), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 22 + 40 + 20);
	sweep(DLT_EN10MB, f, len, 82);
	free(f);
}

static void test_not_tcp(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* ARP */
	uint8_t *f = cat(&len, P(eth_arp), P(ip4), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_NOT_TCP);
	free(f);
	/* IPv4 protocol 17 UDP */
	uint8_t udp4[20];
	memcpy(udp4, ip4, 20);
	udp4[9] = 17;
	f = cat(&len, P(eth_ip4), P(udp4), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_NOT_TCP);
	free(f);
	/* IPv6 next header 17 UDP */
	uint8_t udp6[40];
	memcpy(udp6, ip6, 40);
	udp6[6] = 17;
	f = cat(&len, P(eth_ip6), P(udp6), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_NOT_TCP);
	free(f);
	/* IPv6 next header 59 (no next header) after hop-by-hop */
	uint8_t hbh_none[8];
	memcpy(hbh_none, ext_hbh_to_dst, 8);
	hbh_none[0] = 59;
	f = cat(&len, P(eth_ip6), P(ip6_hbh), P(hbh_none), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_NOT_TCP);
	free(f);
}

static void test_sll(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(sll_ip4), P(ip4), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_LINUX_SLL, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 16 + 20 + 20);
	sweep(DLT_LINUX_SLL, f, len, 56);
	free(f);
	f = cat(&len, P(sll_ip6), P(ip6), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_LINUX_SLL, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 16 + 40 + 20);
	sweep(DLT_LINUX_SLL, f, len, 76);
	free(f);
}

static void test_sll2(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(sll2_ip4), P(ip4), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_LINUX_SLL2, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 20 + 20 + 20);
	sweep(DLT_LINUX_SLL2, f, len, 60);
	free(f);
	f = cat(&len, P(sll2_ip6), P(ip6), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_LINUX_SLL2, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 20 + 40 + 20);
	sweep(DLT_LINUX_SLL2, f, len, 80);
	free(f);
	/* The SLL v1 header read as v2 has protocol 0x0000: not IP */
	f = cat(&len, P(sll_ip4), P(ip4), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_LINUX_SLL2, f, len, &s), DECODE_NOT_TCP);
	free(f);
}

static void test_raw(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(ip4), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_RAW, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 40);
	sweep(DLT_RAW, f, len, 40);
	assert_int_equal(decode_frame(DLT_IPV4, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 40);
	sweep(DLT_IPV4, f, len, 40);
	free(f);

	f = cat(&len, P(ip6), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_RAW, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 60);
	sweep(DLT_RAW, f, len, 60);
	assert_int_equal(decode_frame(DLT_IPV6, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 60);
	sweep(DLT_IPV6, f, len, 60);
	free(f);

	/* version nibble 5 */
	uint8_t v5[20];
	memcpy(v5, ip4, 20);
	v5[0] = 0x55;
	f = cat(&len, P(v5), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_RAW, f, len, &s), DECODE_MALFORMED);
	free(f);
	/* nothing captured */
	assert_int_equal(decode_frame(DLT_RAW, NULL, 0, &s), DECODE_TRUNCATED);
}

static void test_null(void **state)
{
	(void)state;
	static const struct {
		const uint8_t *hdr;
		int v6;
	} cases[] = {
		{null_le_inet, 0},     {null_be_inet, 0},     {null_le_inet6_24, 1},
		{null_le_inet6_28, 1}, {null_le_inet6_30, 1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t len;
		struct tcp_seg s;
		uint8_t *f = cases[i].v6 ? cat(&len, cases[i].hdr, (size_t)4, P(ip6), P(tcp),
					       P(payload), NULL)
					 : cat(&len, cases[i].hdr, (size_t)4, P(ip4), P(tcp),
					       P(payload), NULL);
		assert_int_equal(decode_frame(DLT_NULL, f, len, &s), DECODE_TCP);
		if (cases[i].v6) {
			check_v6(&s, f, 4 + 60);
			sweep(DLT_NULL, f, len, 64);
		} else {
			check_v4(&s, f, 4 + 40);
			sweep(DLT_NULL, f, len, 44);
		}
		free(f);
	}
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(null_le_other), P(ip4), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_NULL, f, len, &s), DECODE_NOT_TCP);
	free(f);
}

static void test_loop(void **state)
{
	(void)state;
	static const struct {
		const uint8_t *hdr;
		int v6;
	} cases[] = {
		{loop_inet, 0},
		{loop_inet6_24, 1},
		{loop_inet6_28, 1},
		{loop_inet6_30, 1},
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t len;
		struct tcp_seg s;
		uint8_t *f = cases[i].v6 ? cat(&len, cases[i].hdr, (size_t)4, P(ip6), P(tcp),
					       P(payload), NULL)
					 : cat(&len, cases[i].hdr, (size_t)4, P(ip4), P(tcp),
					       P(payload), NULL);
		assert_int_equal(decode_frame(DLT_LOOP, f, len, &s), DECODE_TCP);
		if (cases[i].v6) {
			check_v6(&s, f, 4 + 60);
			sweep(DLT_LOOP, f, len, 64);
		} else {
			check_v4(&s, f, 4 + 40);
			sweep(DLT_LOOP, f, len, 44);
		}
		free(f);
	}
}

/* ---- IPv4 ---- */

static void test_ipv4_options(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip4_opt), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 14 + 24 + 20);
	sweep(DLT_EN10MB, f, len, 58);
	free(f);

	/* IHL 15: 40 bytes of options (NOPs then EOL), total 60 + 20 + 4 = 84 */
	uint8_t ip4_max[60];
	memcpy(ip4_max, ip4, 20);
	ip4_max[0] = 0x4f;
	ip4_max[3] = 84;
	memset(ip4_max + 20, 0x01, 39);
	ip4_max[59] = 0x00;
	f = cat(&len, P(eth_ip4), P(ip4_max), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 14 + 60 + 20);
	sweep(DLT_EN10MB, f, len, 94);
	free(f);
}

static void test_ipv4_fragments(void **state)
{
	(void)state;
	static const struct {
		uint8_t hi, lo;
		enum decode_result want;
	} cases[] = {
		{0x20, 0x00, DECODE_FRAGMENT}, /* MF set, offset 0: first fragment */
		{0x00, 0xb9, DECODE_FRAGMENT}, /* offset 185 (1480 bytes), MF clear: last */
		{0x20, 0xb9, DECODE_FRAGMENT}, /* MF and offset: a middle fragment */
		{0x1f, 0xff, DECODE_FRAGMENT}, /* largest offset */
		{0x60, 0x01, DECODE_FRAGMENT}, /* DF and MF and offset 1 */
		{0x40, 0x00, DECODE_TCP},      /* DF only: not a fragment */
		{0x00, 0x00, DECODE_TCP},      /* nothing set */
		{0x80, 0x00, DECODE_TCP},      /* reserved bit only */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		uint8_t ip[20];
		memcpy(ip, ip4, 20);
		ip[6] = cases[i].hi; /* flags and fragment offset */
		ip[7] = cases[i].lo;
		size_t len;
		struct tcp_seg s;
		uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
		assert_int_equal(dec(DLT_EN10MB, f, len, &s), cases[i].want);
		free(f);
	}
	/* A non-first fragment is a fragment even when what follows is no TCP
	 * header: only 8 bytes of data after the IP header. */
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[3] = 28;
	ip[6] = 0x00;
	ip[7] = 0x10;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(ip), (const void *)payload, (size_t)4, (const void *)payload,
			 (size_t)4, NULL);
	assert_int_equal(dec(DLT_RAW, f, len, &s), DECODE_FRAGMENT);
	free(f);
}

static void test_ipv4_malformed(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	uint8_t ip[20];
	uint8_t *f;
	/* IHL 4 (16 bytes) is below the minimum of 5 */
	memcpy(ip, ip4, 20);
	ip[0] = 0x44;
	f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
	/* total length 19 < IHL 20 */
	memcpy(ip, ip4, 20);
	ip[3] = 19;
	f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
	/* version 6 in an 0x0800 frame */
	memcpy(ip, ip4, 20);
	ip[0] = 0x65;
	f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
	/* IPv6 version nibble 4 in an 0x86DD frame */
	uint8_t ip6b[40];
	memcpy(ip6b, ip6, 40);
	ip6b[0] = 0x40;
	f = cat(&len, P(eth_ip6), P(ip6b), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
}

/* TCP segmentation offload: a frame captured before the NIC split it has IP
 * Total Length 0; the datagram is the frame (as Wireshark reads it; seen in
 * zeek's kerberos_tso.pcapng). */
static void test_ipv4_tso_total_zero(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[2] = ip[3] = 0; /* Total Length 0 */
	uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	assert_int_equal(s.seglen, sizeof payload);
	assert_int_equal(s.caplen, sizeof payload);
	free(f);
}

/* Ethernet pads short frames to 60 bytes: the padding is not payload. */
static void test_ethernet_padding(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* six padding bytes 0xEE after a 54-byte pure ACK (IP total 40) */
	static const uint8_t pad6[6] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[3] = 40;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(pad6), NULL);
	assert_int_equal(len, 60);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	assert_int_equal(s.seglen, 0);
	assert_int_equal(s.caplen, 0);
	free(f);
	/* 4 payload bytes then 2 padding bytes: payload is 4 */
	static const uint8_t pad2[2] = {0xee, 0xee};
	f = cat(&len, P(eth_ip4), P(ip4), P(tcp), P(payload), P(pad2), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 54);
	free(f);
	/* IPv6 payload length excludes trailing bytes the same way */
	f = cat(&len, P(eth_ip6), P(ip6), P(tcp), P(payload), P(pad6), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 74);
	free(f);
}

/* A snaplen cut inside the payload: caplen is what is there, seglen what was
 * on the wire. */
static void test_snaplen_payload(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* IPv4 total 140: 20 + 20 + 100 payload bytes, only 4 captured */
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[3] = 140;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	assert_int_equal(s.seglen, 100);
	assert_int_equal(s.caplen, 4);
	assert_ptr_equal(s.data, f + 54);
	free(f);
	/* ... nothing of the payload captured */
	f = cat(&len, P(eth_ip4), P(ip), P(tcp), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	assert_int_equal(s.seglen, 100);
	assert_int_equal(s.caplen, 0);
	free(f);
	/* IPv6 payload length 1044: 20 + 1024 payload bytes, 4 captured */
	uint8_t ip6b[40];
	memcpy(ip6b, ip6, 40);
	ip6b[4] = 0x04;
	ip6b[5] = 0x14;
	f = cat(&len, P(eth_ip6), P(ip6b), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	assert_int_equal(s.seglen, 1024);
	assert_int_equal(s.caplen, 4);
	assert_memory_equal(s.data, payload, 4);
	free(f);
}

/* ---- IPv6 extension headers ---- */

static void test_ipv6_ext(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* hop-by-hop -> destination options -> TCP */
	uint8_t *f = cat(&len, P(eth_ip6), P(ip6_hbh), P(ext_hbh_to_dst), P(ext_dst_to_tcp),
			 P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 14 + 40 + 8 + 8 + 20);
	sweep(DLT_EN10MB, f, len, 90);
	free(f);

	/* hop-by-hop with length 1 (16 bytes: PadN of 12) -> TCP; payload 40 */
	static const uint8_t hbh16[] = {0x06, 0x01, 0x01, 0x0c, 0, 0, 0, 0,
					0,    0,    0,    0,    0, 0, 0, 0};
	f = cat(&len, P(ip6_hbh), P(hbh16), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_RAW, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 40 + 16 + 20);
	sweep(DLT_RAW, f, len, 76);
	free(f);

	/* routing -> AH -> TCP: payload 8 + 24 + 20 + 4 = 56 */
	uint8_t ip[40];
	memcpy(ip, ip6, 40);
	ip[5] = 56;
	ip[6] = 43;
	f = cat(&len, P(ip), P(ext_rt_to_ah), P(ext_ah_to_tcp), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_RAW, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 40 + 8 + 24 + 20);
	sweep(DLT_RAW, f, len, 92);
	free(f);
}

static void test_ipv6_fragment(void **state)
{
	(void)state;
	static const struct {
		uint8_t hi, lo;
		enum decode_result want;
	} cases[] = {
		{0x00, 0x01, DECODE_FRAGMENT}, /* offset 0, M set: first fragment */
		{0x00, 0x08, DECODE_FRAGMENT}, /* offset 1 (8 bytes), M clear: last */
		{0x05, 0xa9, DECODE_FRAGMENT}, /* offset 181, M set */
		{0x00, 0x00, DECODE_TCP},      /* atomic fragment (RFC 6946) */
		{0x00, 0x06, DECODE_TCP},      /* reserved bits only */
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		/* IPv6 payload 8 + 20 + 4 = 32, next header 44 (fragment) */
		uint8_t ip[40];
		memcpy(ip, ip6, 40);
		ip[5] = 32;
		ip[6] = 44;
		/* fragment header: next 6 TCP, reserved, offset/flags, id 0xdeadbeef */
		uint8_t fh[8] = {0x06, 0x00, cases[i].hi, cases[i].lo, 0xde, 0xad, 0xbe, 0xef};
		size_t len;
		struct tcp_seg s;
		uint8_t *f = cat(&len, P(eth_ip6), P(ip), P(fh), P(tcp), P(payload), NULL);
		enum decode_result res = decode_frame(DLT_EN10MB, f, len, &s);
		assert_int_equal(res, cases[i].want);
		if (res == DECODE_TCP) {
			check_v6(&s, f, 14 + 40 + 8 + 20);
			sweep(DLT_EN10MB, f, len, 82);
		}
		free(f);
	}
}

/* Payload length 0 (a jumbogram's, RFC 2675): take what was captured. */
static void test_ipv6_jumbo(void **state)
{
	(void)state;
	uint8_t ip[40];
	memcpy(ip, ip6, 40);
	ip[4] = 0;
	ip[5] = 0;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_RAW, f, len, &s), DECODE_TCP);
	check_v6(&s, f, 60);
	free(f);
}

/* ---- TCP header ---- */

static void test_tcp_offset_too_small(void **state)
{
	(void)state;
	for (uint8_t off = 0; off < 5; off++) {
		uint8_t t[20];
		memcpy(t, tcp, 20);
		t[12] = (uint8_t)(off << 4);
		size_t len;
		struct tcp_seg s;
		uint8_t *f = cat(&len, P(eth_ip4), P(ip4), P(t), P(payload), NULL);
		assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
		free(f);
		f = cat(&len, P(eth_ip6), P(ip6), P(t), P(payload), NULL);
		assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
		free(f);
	}
}

static void test_tcp_offset_beyond_packet(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* data offset 15 (60 bytes) but the IP datagram has only 24 bytes after
	 * the IP header, all of them captured */
	uint8_t t[20];
	memcpy(t, tcp, 20);
	t[12] = 0xf0;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip4), P(t), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
	f = cat(&len, P(eth_ip6), P(ip6), P(t), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
	/* data offset 7 (28 bytes) > 24: one word too many */
	t[12] = 0x70;
	f = cat(&len, P(eth_ip4), P(ip4), P(t), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
	/* data offset 6 (24 bytes) == 24: a 4-byte option, empty payload */
	t[12] = 0x60;
	f = cat(&len, P(eth_ip4), P(ip4), P(t), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	assert_int_equal(s.seglen, 0);
	assert_int_equal(s.caplen, 0);
	free(f);
}

/* Options within the datagram but beyond the snaplen: truncated. */
static void test_tcp_offset_beyond_capture(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* data offset 8 (32 bytes), IP total 20 + 32 + 100; only the 20 fixed
	 * TCP bytes and 4 of the 12 option bytes captured */
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[3] = 152;
	uint8_t t[20];
	memcpy(t, tcp, 20);
	t[12] = 0x80;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(t), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_TRUNCATED);
	free(f);
}

static void test_tcp_options(void **state)
{
	(void)state;
	size_t len;
	struct tcp_seg s;
	/* data offset 8: MSS 1460, SACK permitted, NOP, NOP, window scale 7,
	 * NOP ... 12 option bytes; IP total 20 + 32 + 4 = 56 */
	static const uint8_t opts[12] = {0x02, 0x04, 0x05, 0xb4, 0x04, 0x02,
					 0x01, 0x01, 0x03, 0x03, 0x07, 0x01};
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[3] = 56;
	uint8_t t[20];
	memcpy(t, tcp, 20);
	t[12] = 0x80;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(t), P(opts), P(payload), NULL);
	assert_int_equal(decode_frame(DLT_EN10MB, f, len, &s), DECODE_TCP);
	check_v4(&s, f, 14 + 20 + 32);
	sweep(DLT_EN10MB, f, len, 66);
	free(f);
}

/* SYN, FIN, RST flags come through unchanged. */
static void test_tcp_flags(void **state)
{
	(void)state;
	static const uint8_t fl[] = {TCP_SYN, TCP_SYN | TCP_ACK, TCP_FIN | TCP_ACK, TCP_RST};
	for (size_t i = 0; i < ARRAY_LEN(fl); i++) {
		uint8_t t[20];
		memcpy(t, tcp, 20);
		t[13] = fl[i];
		size_t len;
		struct tcp_seg s;
		uint8_t *f = cat(&len, P(ip4), P(t), P(payload), NULL);
		assert_int_equal(dec(DLT_RAW, f, len, &s), DECODE_TCP);
		assert_int_equal(s.flags, fl[i]);
		free(f);
	}
}

/* decode.h: DECODE_TRUNCATED is "headers cut off by the snaplen". An IPv4
 * total length too small to hold the TCP header, on a frame captured whole,
 * is a header contradicting itself. */
static void test_ipv4_total_too_short_for_tcp(void **state)
{
	(void)state;
	uint8_t ip[20];
	memcpy(ip, ip4, 20);
	ip[3] = 30;
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(eth_ip4), P(ip), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_EN10MB, f, len, &s), DECODE_MALFORMED);
	free(f);
}

/* Same for IPv6: an extension header that runs past the payload length on a
 * frame captured whole. (The `p.pos > wire` check in decode_ipv6 can never be
 * true because p is cut to the payload length.) */
static void test_ipv6_ext_beyond_payload(void **state)
{
	(void)state;
	uint8_t ip[40];
	memcpy(ip, ip6, 40);
	ip[5] = 8;
	ip[6] = 0;
	static const uint8_t hbh16[] = {0x06, 0x01, 0x01, 0x0c, 0, 0, 0, 0,
					0,    0,    0,    0,    0, 0, 0, 0};
	size_t len;
	struct tcp_seg s;
	uint8_t *f = cat(&len, P(ip), P(hbh16), P(tcp), P(payload), NULL);
	assert_int_equal(dec(DLT_RAW, f, len, &s), DECODE_MALFORMED);
	free(f);
}

int main(void)
{
	tu_tap_fix_skips();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_supported),
		cmocka_unit_test(test_bad_link),
		cmocka_unit_test(test_en10mb_ipv4),
		cmocka_unit_test(test_en10mb_ipv6),
		cmocka_unit_test(test_en10mb_vlan),
		cmocka_unit_test(test_en10mb_qinq),
		cmocka_unit_test(test_not_tcp),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_sll2),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_loop),
		cmocka_unit_test(test_ipv4_options),
		cmocka_unit_test(test_ipv4_fragments),
		cmocka_unit_test(test_ipv4_malformed),
		cmocka_unit_test(test_ipv4_tso_total_zero),
		cmocka_unit_test(test_ethernet_padding),
		cmocka_unit_test(test_snaplen_payload),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_ipv6_fragment),
		cmocka_unit_test(test_ipv6_jumbo),
		cmocka_unit_test(test_tcp_offset_too_small),
		cmocka_unit_test(test_tcp_offset_beyond_packet),
		cmocka_unit_test(test_tcp_offset_beyond_capture),
		cmocka_unit_test(test_tcp_options),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_ipv4_total_too_short_for_tcp),
		cmocka_unit_test(test_ipv6_ext_beyond_payload),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
