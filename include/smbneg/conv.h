/* conv: one SMB conversation per TCP connection: its endpoints, who is the
 * client, what TCP showed, the anomalies, and the SMB state (smb_conn.h).
 * The flow table (flow.h) creates and concludes conversations. */
#ifndef SMBNEG_CONV_H
#define SMBNEG_CONV_H

#include "smbneg/anomaly.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

struct endpoint {
	uint8_t family; /* 4 or 6 */
	uint8_t addr[16];
	uint16_t port;
};

struct conv_smb; /* smb_conn.h */

struct conv {
	uint64_t id;                    /* order of creation, from 1 */
	struct endpoint ep[2];          /* ep[0] sent the first segment seen (or the SYN) */
	int client; /* index in ep of the client: the Negotiate requester; -1 unknown */
	bool netbios_139;
	bool syn_seen, fin[2], rst;
	uint64_t first_frame, last_frame;
	struct timeval first_ts, last_ts;
	anomaly_mask anomalies;
	struct conv_smb *smb;           /* NULL until an SMB message (owned by smb_conn) */
	void *app;                      /* the analysis driver's per-conversation data */
	uint64_t row; /* the row the reporter gave it on conclusion (0: not reported) */
};

/* The endpoints as client/server: the client is the Negotiate requester,
 * else the SYN sender, else the side not on port 445/139. */
const struct endpoint *conv_client(const struct conv *c);
const struct endpoint *conv_server(const struct conv *c);
/* ep index of the client, with the fallbacks above. */
int conv_client_index(const struct conv *c);
/* TCP 445 or 139 (MS-SMB2 2.1, RFC 1002). */
bool conv_is_smb_port(uint16_t port);

#endif
