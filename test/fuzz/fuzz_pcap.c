/* Fuzz target: the whole pipeline over an in-memory capture file (fmemopen +
 * pcap_fopen_offline), rendering JSON to /dev/null. */
#include "fuzz.h"
#include "smbneg/analyze.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *in = fmemopen((void *)data, size, "rb");
	FILE *sink = fopen("/dev/null", "w");
	if (!in || !sink) {
		if (in)
			fclose(in);
		if (sink)
			fclose(sink);
		return 0;
	}
	struct out o;
	struct analyzer a;
	char err[512];
	out_init(&o, OUT_JSON, sink);
	analyze_init(&a, &o);
	analyze_stream(&a, in, "fuzz", err, sizeof err);
	out_summary(&o, &a.tally);
	out_free(&o);
	analyze_free(&a);
	fclose(sink);
	return 0;
}
