/* uid: the identifier every event of one connection carries (Zeek's `uid`).
 *
 *   uid = "C" + 17 base62 digits of the first 96 bits of
 *         SHA-1(key . family . proto . src . dst . sport . dport . first_ns . seq)
 *
 * (integers big-endian; src/dst as seen in the first frame, 16 bytes each, IPv4
 * zero-padded; first_ns the time of the connection's first frame in ns; seq its
 * sequence number in the run.)
 * key is fixed for a run by uid_gen_init*:
 *   - live capture: uid_gen_init_live(sensor name, sensor start time in ns, pid).
 *     Unique across restarts and sensors: the start time (ns) and the pid differ.
 *   - saved captures: uid_gen_init(g, "", 0) (or any constant): a capture read again
 *     gives the same uids, so output stays byte-identical across runs.
 * Within a run seq makes each connection distinct (even a reused 5-tuple in the same
 * microsecond); 96 bits make a collision among 10^9 connections about 6e-12 likely.
 * The hash is not a secret: it identifies, it does not authenticate. */
#ifndef SMBNEG_UID_H
#define SMBNEG_UID_H

#include <stddef.h>
#include <stdint.h>

#include "smbneg/community_id.h"

#define UID_DIGITS 17           /* 62^17 > 2^96 */
#define UID_SIZE (1 + UID_DIGITS + 1) /* "C", digits, NUL */

struct uid_gen {
	uint8_t key[20]; /* SHA-1 of the run's domain bytes */
};

/* Key from arbitrary domain bytes (len may be 0). */
void uid_gen_init(struct uid_gen *g, const void *domain, size_t len);
/* Key for a live sensor: sensor name (NULL = ""), start time in ns, process id. */
void uid_gen_init_live(struct uid_gen *g, const char *sensor, uint64_t start_ns, uint64_t pid);
/* uid_gen_init_live with the current time (CLOCK_REALTIME, ns) and getpid():
 * what a live capture calls once at start. */
void uid_gen_init_now(struct uid_gen *g, const char *sensor);

/* The uid of one connection into out (UID_SIZE bytes).  f->proto is hashed as
 * given; for family 4 only the first 4 address bytes count (any other family
 * hashes all 16). */
void uid_make(const struct uid_gen *g, const struct community_id_flow *f, uint64_t first_ns,
	      uint64_t seq, char out[UID_SIZE]);

/* ndigits base62 digits ("0-9A-Za-z", most significant first, zero-padded) of the
 * big-endian number in b[0..n) into out, then a NUL; n <= 32.  Returns -1 (out
 * unchanged) when the number needs more than ndigits digits or n > 32. */
int uid_base62(const uint8_t *b, size_t n, char *out, size_t ndigits);

#endif
