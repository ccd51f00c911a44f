/* uid: per-connection identifiers (see include/smbneg/uid.h for the choice). */
#include "smbneg/uid.h"

#include <stdbool.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha1.h>

static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

void uid_gen_init(struct uid_gen *g, const void *domain, size_t len)
{
	struct sha1_ctx ctx;
	sha1_init(&ctx);
	sha1_update(&ctx, len, domain);
	sha1_digest(&ctx, sizeof g->key, g->key);
}

void uid_gen_init_live(struct uid_gen *g, const char *sensor, uint64_t start_ns, uint64_t pid)
{
	struct sha1_ctx ctx;
	uint8_t n[16];
	const char *s = sensor ? sensor : "";

	put_be64(n, start_ns);
	put_be64(n + 8, pid);
	sha1_init(&ctx);
	/* "live" . NUL . sensor . NUL . start_ns . pid: no two layouts meet */
	sha1_update(&ctx, 5, (const uint8_t *)"live");
	sha1_update(&ctx, strlen(s) + 1, (const uint8_t *)s);
	sha1_update(&ctx, sizeof n, n);
	sha1_digest(&ctx, sizeof g->key, g->key);
}

void uid_gen_init_now(struct uid_gen *g, const char *sensor)
{
	struct timespec ts = {0, 0};
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	uid_gen_init_live(g, sensor, ns, (uint64_t)getpid());
}

/* 62^5 < 2^30: the number is divided by it, five digits a pass, in 32-bit
 * limbs (a remainder below 2^30 shifted up 32 bits still fits 64). */
#define B62_POW5 916132832u

int uid_base62(const uint8_t *b, size_t n, char *out, size_t ndigits)
{
	uint32_t limb[8] = {0}; /* most significant first */
	size_t nl = (n + 3) / 4;
	bool left = false; /* digits that do not fit */
	if (n > 4 * sizeof limb / sizeof limb[0])
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t bit = (n - 1 - i) * 8; /* from the least significant end */
		limb[nl - 1 - bit / 32] |= (uint32_t)b[i] << (bit % 32);
	}
	out[ndigits] = '\0';
	for (size_t d = ndigits; d > 0;) {
		uint64_t rem = 0;
		for (size_t i = 0; i < nl; i++) {
			uint64_t cur = rem << 32 | limb[i];
			limb[i] = (uint32_t)(cur / B62_POW5);
			rem = cur % B62_POW5;
		}
		for (int k = 0; k < 5 && d > 0; k++) {
			out[--d] = b62[rem % 62];
			rem /= 62;
		}
		left |= rem != 0;
	}
	for (size_t i = 0; i < nl; i++)
		left |= limb[i] != 0;
	return left ? -1 : 0;
}

void uid_make(const struct uid_gen *g, const struct community_id_flow *f, uint64_t first_ns,
	      uint64_t seq, char out[UID_SIZE])
{
	/* family(1) . proto(1) . src(16) . dst(16) . sport(2) . dport(2) . first_ns(8) . seq(8) */
	uint8_t buf[1 + 1 + 16 + 16 + 2 + 2 + 8 + 8];
	uint8_t d[SHA1_DIGEST_SIZE];
	struct sha1_ctx ctx;

	size_t alen = f->family == 4 ? 4 : 16; /* IPv4: the bytes after the 4th are not hashed */

	memset(buf, 0, sizeof buf);
	buf[0] = f->family;
	buf[1] = f->proto;
	memcpy(buf + 2, f->src, alen);
	memcpy(buf + 18, f->dst, alen);
	buf[34] = (uint8_t)(f->sport >> 8);
	buf[35] = (uint8_t)f->sport;
	buf[36] = (uint8_t)(f->dport >> 8);
	buf[37] = (uint8_t)f->dport;
	put_be64(buf + 38, first_ns);
	put_be64(buf + 46, seq);

	sha1_init(&ctx);
	sha1_update(&ctx, sizeof g->key, g->key);
	sha1_update(&ctx, sizeof buf, buf);
	sha1_digest(&ctx, sizeof d, d);
	out[0] = 'C';
	uid_base62(d, 12, out + 1, UID_DIGITS); /* 96 bits always fit 17 digits */
}
