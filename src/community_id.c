/* community_id: Community ID v1 flow hash (see include/smbneg/community_id.h).
 * SHA-1 and base64 come from nettle. */
#include "smbneg/community_id.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/base64.h>
#include <nettle/sha1.h>

/* Address length in bytes for family 4 or 6; 0 for anything else. */
static size_t addr_len(uint8_t family)
{
	return family == 4 ? 4 : family == 6 ? 16 : 0;
}

/* Spec, "Technical details": the smaller (address, port) endpoint goes first;
 * when the addresses are equal the ports decide.  Addresses compare as
 * big-endian byte strings, ports as numbers. */
static bool in_order(const struct community_id_flow *f, size_t alen)
{
	int c = memcmp(f->src, f->dst, alen);
	return c < 0 || (c == 0 && f->sport <= f->dport);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int community_id_digest(const struct community_id_flow *f, uint16_t seed,
			uint8_t digest[COMMUNITY_ID_DIGEST_SIZE])
{
	/* seed(2) . saddr(4|16) . daddr(4|16) . proto(1) . pad 0(1) . sport(2) . dport(2) */
	uint8_t buf[2 + 16 + 16 + 1 + 1 + 2 + 2];
	size_t alen = addr_len(f->family), n = 0;
	struct sha1_ctx ctx;

	if (!alen)
		return -1;
	bool fwd = in_order(f, alen);
	const uint8_t *a = fwd ? f->src : f->dst, *b = fwd ? f->dst : f->src;
	uint16_t pa = fwd ? f->sport : f->dport, pb = fwd ? f->dport : f->sport;

	put_be16(buf, seed);
	n = 2;
	memcpy(buf + n, a, alen);
	n += alen;
	memcpy(buf + n, b, alen);
	n += alen;
	buf[n++] = f->proto;
	buf[n++] = 0;
	put_be16(buf + n, pa);
	put_be16(buf + n + 2, pb);
	n += 4;

	sha1_init(&ctx);
	sha1_update(&ctx, n, buf);
	sha1_digest(&ctx, COMMUNITY_ID_DIGEST_SIZE, digest);
	return 0;
}

int community_id_v1(const struct community_id_flow *f, uint16_t seed, char *out, size_t size)
{
	uint8_t d[COMMUNITY_ID_DIGEST_SIZE];

	if (size > 0)
		out[0] = '\0';
	if (size < COMMUNITY_ID_SIZE || community_id_digest(f, seed, d) < 0)
		return -1;
	out[0] = '1';
	out[1] = ':';
	base64_encode_raw(out + 2, sizeof d, d); /* 28 characters, padded */
	out[2 + BASE64_ENCODE_RAW_LENGTH(sizeof d)] = '\0';
	return 0;
}

int community_id_parse_seed(const char *s, uint16_t *seed)
{
	char *end;
	unsigned long v;

	if (!s || !isdigit((unsigned char)s[0])) /* no sign, no blank */
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > UINT16_MAX)
		return -1;
	*seed = (uint16_t)v;
	return 0;
}
