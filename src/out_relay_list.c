/* out_relay_list: --relay-list FILE, the servers an NTLM relay could use,
 * one address per line: the target-list format of relay tools (impacket
 * ntlmrelayx.py -tf FILE, which takes one host or URL per line). A server is
 * listed when it accepted a session without requiring signing or
 * encryption (host_relay: HOST_RELAY_YES); a server seen only answering a
 * Negotiate without requiring signing (HOST_RELAY_PROBE_ONLY) only with
 * --relay-list-probes. This differs from the --hosts RELAY column, which
 * also says "yes" for servers that did not require signing but forced
 * encryption, and shows the probe-only servers as "probe-only". */
#include "smbneg/out_relay_list.h"

#include "smbneg/fmt.h"

#include <stdlib.h>

long out_relay_list(const struct host_table *h, FILE *f, bool probes)
{
	size_t n;
	struct host **all = host_table_sorted(h, &n);
	if (!all)
		return -1;
	long listed = 0;
	for (size_t i = 0; i < n; i++) {
		enum host_relay r = host_relay(all[i]);
		if (r != HOST_RELAY_YES && !(probes && r == HOST_RELAY_PROBE_ONLY))
			continue;
		char addr[64];
		fprintf(f, "%s\n", fmt_address(all[i]->family, all[i]->addr, addr, sizeof addr));
		listed++;
	}
	free(all);
	return listed;
}
