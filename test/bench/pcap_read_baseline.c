/* Benchmark baseline: read every frame of a capture with libpcap and touch
 * its bytes, doing nothing else. smbneg's speed is reported as a ratio to it. */
#include <pcap/pcap.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	if (argc != 2) {
		fprintf(stderr, "usage: pcap_read_baseline FILE\n");
		return 2;
	}
	pcap_t *p = pcap_open_offline(argv[1], err);
	if (!p) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	struct pcap_pkthdr *h;
	const u_char *d;
	unsigned long long frames = 0, sum = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		frames++;
		sum += h->caplen ? d[h->caplen - 1] : 0;
	}
	pcap_close(p);
	printf("%llu frames (checksum %llu)\n", frames, sum);
	return 0;
}
