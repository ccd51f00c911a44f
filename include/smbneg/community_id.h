/* community_id: the Community ID v1 flow hash (corelight/community-id-spec,
 * README "Pseudo code"), the flow identifier Zeek, Suricata and Elastic share.
 *
 *   "1:" + base64(SHA1(seed . saddr . daddr . proto . 0 . sport . dport))
 *
 * seed, addresses and ports in network byte order; the endpoints ordered so the
 * smaller (address, port) comes first, which makes both directions hash alike. */
#ifndef SMBNEG_COMMUNITY_ID_H
#define SMBNEG_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#define COMMUNITY_ID_DIGEST_SIZE 20 /* SHA-1 */
#define COMMUNITY_ID_SIZE 31        /* "1:" + 28 base64 characters + NUL */

/* A port-based flow (TCP 6, UDP 17, SCTP 132) as seen in one packet. */
struct community_id_flow {
	uint8_t family;           /* 4 or 6 */
	uint8_t proto;            /* IP protocol number */
	uint8_t src[16], dst[16]; /* network byte order; IPv4 uses the first 4 bytes */
	uint16_t sport, dport;    /* host byte order */
};

/* SHA-1 digest of the hash input.  Returns 0, or -1 when family is not 4 or 6. */
int community_id_digest(const struct community_id_flow *f, uint16_t seed,
			uint8_t digest[COMMUNITY_ID_DIGEST_SIZE]);

/* "1:<base64>" into out (NUL-terminated).  Returns 0, or -1 when family is not 4
 * or 6 or size < COMMUNITY_ID_SIZE (out is then the empty string when size > 0). */
int community_id_v1(const struct community_id_flow *f, uint16_t seed, char *out, size_t size);

/* A seed given on the command line (Zeek's CommunityID::seed, Suricata's
 * community-id-seed): decimal or 0x-hex, 0..65535, nothing after the number.
 * Returns 0 and sets *seed, or -1 (seed unchanged). */
int community_id_parse_seed(const char *s, uint16_t *seed);

#endif
