/* capture: libpcap reading loop (see include/smbneg/capture.h). */
#include "smbneg/capture.h"

#include "smbneg/decode.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <string.h>

static bool set_filter(pcap_t *p, const char *filter, char *err, size_t errsize)
{
	struct bpf_program prog;
	if (!filter || !*filter)
		return true;
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(err, errsize, "bad filter expression: %s", pcap_geterr(p));
		return false;
	}
	int rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc != 0) {
		snprintf(err, errsize, "cannot set filter: %s", pcap_geterr(p));
		return false;
	}
	return true;
}

static enum capture_result run(pcap_t *p, const char *filter, struct conv_table *t, char *err,
			       size_t errsize)
{
	int dlt = pcap_datalink(p);
	if (!decode_link_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errsize, "unsupported link type %d (%s); smbneg reads Ethernet, Linux "
			 "cooked (SLL, SLL2), raw IP and BSD loopback", dlt, name ? name : "unknown");
		return CAPTURE_OPEN_FAILED;
	}
	if (!set_filter(p, filter, err, errsize))
		return CAPTURE_OPEN_FAILED;
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		t->frame++;
		t->stats.frames++;
		t->ts = h->ts;
		struct tcp_seg seg;
		bool snapped = h->caplen < h->len; /* cut by the snaplen */
		if (snapped)
			t->stats.truncated++;
		switch (decode_frame(dlt, data, h->caplen, &seg)) {
		case DECODE_TCP:
			conv_table_segment(t, &seg);
			break;
		case DECODE_FRAGMENT:
			t->stats.fragments++;
			break;
		case DECODE_TRUNCATED:
			if (!snapped)
				t->stats.truncated++;
			break;
		case DECODE_MALFORMED:
			t->stats.malformed++;
			break;
		case DECODE_NOT_TCP:
		case DECODE_BAD_LINK:
		default:
			t->stats.not_tcp++;
			break;
		}
	}
	if (rc == PCAP_ERROR) {
		FILE *fp = pcap_file(p);
		long off = fp ? ftell(fp) : -1;
		snprintf(err, errsize, "read error after frame %llu (byte offset %ld): %s",
			 (unsigned long long)t->frame, off, pcap_geterr(p));
		return CAPTURE_READ_FAILED;
	}
	return CAPTURE_OK;
}

enum capture_result capture_stream(FILE *fp, const char *filter, struct conv_table *t, char *err,
				   size_t errsize)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_MICRO, perr);
	if (!p) {
		snprintf(err, errsize, "not a readable pcap or pcapng capture: %s", perr);
		fclose(fp);
		return CAPTURE_OPEN_FAILED;
	}
	enum capture_result r = run(p, filter, t, err, errsize);
	pcap_close(p); /* closes fp */
	return r;
}

enum capture_result capture_file(const char *path, const char *filter, struct conv_table *t,
				 char *err, size_t errsize)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		snprintf(err, errsize, "cannot open: %s", strerror(errno));
		return CAPTURE_OPEN_FAILED;
	}
	return capture_stream(fp, filter, t, err, errsize);
}
