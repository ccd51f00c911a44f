/* decode: link, IP and TCP headers (RFC 791, RFC 8200, RFC 9293). */
#include "smbneg/decode.h"

#include "smbneg/rd.h"

#include <pcap/dlt.h>
#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS 8
#define MAX_IPV6_EXT 16
#define IPPROTO_TCP_ 6

const char *const decode_result_names[] = {
	"tcp", "not-tcp", "ip-fragment", "truncated", "malformed", "unsupported-link-type",
};

bool decode_link_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
		return true;
	default:
		return false;
	}
}

static enum decode_result decode_tcp(struct rd *r, size_t wire_len, struct tcp_seg *seg)
{
	const uint8_t *start = rd_cur(r);
	size_t have = rd_left(r);
	if (wire_len < 20) /* the IP length leaves no room for a TCP header */
		return DECODE_MALFORMED;
	seg->sport = rd_be16(r);
	seg->dport = rd_be16(r);
	seg->seq = rd_be32(r);
	seg->ack = rd_be32(r);
	uint8_t off = rd_u8(r) >> 4;
	seg->flags = rd_u8(r);
	if (!rd_ok(r))
		return DECODE_TRUNCATED;
	size_t hlen = (size_t)off * 4;
	if (hlen < 20 || hlen > wire_len)
		return DECODE_MALFORMED;
	if (hlen > have)
		return DECODE_TRUNCATED;
	seg->data = start + hlen;
	seg->seglen = wire_len - hlen;
	seg->caplen = have - hlen < seg->seglen ? have - hlen : seg->seglen;
	return DECODE_TCP;
}

/* RFC 791 3.1 */
static enum decode_result decode_ipv4(struct rd *r, struct tcp_seg *seg)
{
	const uint8_t *start = rd_cur(r);
	size_t have = rd_left(r);
	uint8_t vihl = rd_u8(r);
	rd_skip(r, 1);
	uint16_t total_field = rd_be16(r);
	rd_skip(r, 2);
	uint16_t frag = rd_be16(r);
	rd_skip(r, 1);
	uint8_t proto = rd_u8(r);
	rd_skip(r, 2);
	rd_bytes(r, seg->src, 4);
	rd_bytes(r, seg->dst, 4);
	if (!rd_ok(r))
		return DECODE_TRUNCATED;
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	/* Total Length 0: a TCP segmentation offload frame captured before the NIC
	 * split it (Wireshark reads it the same way): the datagram is the frame. */
	size_t total = total_field ? total_field : have;
	if (vihl >> 4 != 4 || ihl < 20 || total < ihl)
		return DECODE_MALFORMED;
	if ((frag & 0x1fff) != 0 || (frag & 0x2000) != 0)
		return DECODE_FRAGMENT;
	if (proto != IPPROTO_TCP_)
		return DECODE_NOT_TCP;
	if (ihl > have)
		return DECODE_TRUNCATED;
	seg->family = 4;
	/* Ethernet padding may follow the datagram: trust Total Length. */
	size_t avail = have < total ? have : total;
	struct rd t = rd_init(start + ihl, avail - ihl);
	return decode_tcp(&t, total - ihl, seg);
}

/* RFC 8200 4: walk the extension headers to TCP. */
static enum decode_result decode_ipv6(struct rd *r, struct tcp_seg *seg)
{
	uint32_t vtf = rd_be32(r);
	uint16_t plen = rd_be16(r);
	uint8_t next = rd_u8(r);
	rd_skip(r, 1);
	rd_bytes(r, seg->src, 16);
	rd_bytes(r, seg->dst, 16);
	if (!rd_ok(r))
		return DECODE_TRUNCATED;
	if (vtf >> 28 != 6)
		return DECODE_MALFORMED;
	size_t wire = plen ? plen : rd_left(r); /* 0: jumbogram, take what is there */
	struct rd p = rd_init(rd_cur(r), rd_left(r)); /* what was captured */
	for (int i = 0; i < MAX_IPV6_EXT; i++) {
		size_t used = p.pos;
		switch (next) {
		case IPPROTO_TCP_:
			seg->family = 6;
			{
				size_t left = rd_left(&p) < wire - used ? rd_left(&p) : wire - used;
				struct rd t = rd_init(rd_cur(&p), left);
				return decode_tcp(&t, wire - used, seg);
			}
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
		{
			next = rd_u8(&p);
			size_t len = ((size_t)rd_u8(&p) + 1) * 8;
			rd_skip(&p, len - 2);
			break;
		}
		case 51: /* AH: length in 4-octet units minus 2 */
		{
			next = rd_u8(&p);
			size_t len = ((size_t)rd_u8(&p) + 2) * 4;
			rd_skip(&p, len - 2);
			break;
		}
		case 44: /* fragment */
		{
			next = rd_u8(&p);
			rd_skip(&p, 1);
			uint16_t off = rd_be16(&p);
			rd_skip(&p, 4);
			if (rd_ok(&p) && (off & 0xfff9) != 0)
				return DECODE_FRAGMENT;
			break;
		}
		default:
			return DECODE_NOT_TCP;
		}
		if (p.pos > wire) /* an extension header runs past the payload length */
			return DECODE_MALFORMED;
		if (!rd_ok(&p))
			return DECODE_TRUNCATED;
	}
	return DECODE_MALFORMED;
}

static enum decode_result decode_ethertype(uint16_t type, struct rd *r, struct tcp_seg *seg)
{
	if (type == ETHERTYPE_IPV4)
		return decode_ipv4(r, seg);
	if (type == ETHERTYPE_IPV6)
		return decode_ipv6(r, seg);
	return DECODE_NOT_TCP;
}

/* Raw IP: the version nibble says which. */
static enum decode_result decode_raw_ip(struct rd *r, struct tcp_seg *seg)
{
	const uint8_t *v = rd_peek(r, 1);
	if (!v)
		return DECODE_TRUNCATED;
	if (*v >> 4 == 4)
		return decode_ipv4(r, seg);
	if (*v >> 4 == 6)
		return decode_ipv6(r, seg);
	return DECODE_MALFORMED;
}

enum decode_result decode_frame(int dlt, const uint8_t *frame, size_t caplen, struct tcp_seg *seg)
{
	struct rd r = rd_init(frame, caplen);
	memset(seg, 0, sizeof *seg);
	uint16_t type;
	switch (dlt) {
	case DLT_EN10MB:
		rd_skip(&r, 12);
		type = rd_be16(&r);
		for (int i = 0;
		     i < MAX_VLAN_TAGS && (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
					   type == ETHERTYPE_QINQ_OLD);
		     i++) {
			rd_skip(&r, 2);
			type = rd_be16(&r);
		}
		if (!rd_ok(&r))
			return DECODE_TRUNCATED;
		if (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD)
			return DECODE_MALFORMED; /* more than MAX_VLAN_TAGS tags */
		return decode_ethertype(type, &r, seg);
	case DLT_LINUX_SLL: /* 16-byte header, protocol last */
		rd_skip(&r, 14);
		type = rd_be16(&r);
		if (!rd_ok(&r))
			return DECODE_TRUNCATED;
		return decode_ethertype(type, &r, seg);
	case DLT_LINUX_SLL2: /* 20-byte header, protocol first */
		type = rd_be16(&r);
		rd_skip(&r, 18);
		if (!rd_ok(&r))
			return DECODE_TRUNCATED;
		return decode_ethertype(type, &r, seg);
	case DLT_RAW:
		return decode_raw_ip(&r, seg);
	case DLT_IPV4:
		return decode_ipv4(&r, seg);
	case DLT_IPV6:
		return decode_ipv6(&r, seg);
	case DLT_NULL: /* 4-byte address family in the capturing host's order */
	case DLT_LOOP: /* ... or in network order */
	{
		uint8_t af[4];
		rd_bytes(&r, af, 4);
		if (!rd_ok(&r))
			return DECODE_TRUNCATED;
		uint32_t le = (uint32_t)af[0] | (uint32_t)af[1] << 8 | (uint32_t)af[2] << 16 |
			      (uint32_t)af[3] << 24;
		uint32_t be = (uint32_t)af[3] | (uint32_t)af[2] << 8 | (uint32_t)af[1] << 16 |
			      (uint32_t)af[0] << 24;
		uint32_t fam = le < 256 ? le : be;
		if (fam == 2)
			return decode_ipv4(&r, seg);
		if (fam == 24 || fam == 28 || fam == 30 || fam == 10)
			return decode_ipv6(&r, seg);
		return DECODE_NOT_TCP;
	}
	default:
		return DECODE_BAD_LINK;
	}
}
