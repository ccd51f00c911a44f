/* The command line of smbneg (README "Usage", smbneg.1): the long option
 * table, the parse helpers, the usage text; a usage error exits with 2. */
#include "smbneg/options.h"
#include "smbneg/evidence.h"

#include <errno.h>
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SMBNEG_VERSION
#define SMBNEG_VERSION "unknown"
#endif

#define DEFAULT_IDLE_SECS 300

static long parse_count(const char *opt, const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0)
		errx(2, "%s %s: expected a non-negative number", opt, s);
	return v;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smbneg -r FILE [-r FILE ...] [options] [BPF EXPRESSION]\n"
		"       smbneg -i IFACE [-c N] [--duration SECS] [options] [BPF EXPRESSION]\n"
		"       smbneg -D | explain CODE | --help | --version\n"
		"\n"
		"  -r FILE          read a pcap/pcapng file, plain, gzip or zstd ('-' = stdin;\n"
		"                   a directory = every capture under it, sorted); repeatable;\n"
		"                   files named after the options are read too\n"
		"  -i IFACE         capture live (filter: tcp port 445 or 139, and BPF)\n"
		"  -c N, --duration SECS  live: stop after N conversations, or SECS seconds\n"
		"  --idle SECS      live: conclude conversations idle this long (default 300)\n"
		"  -Z USER, -B KIB  live: run as USER once open; kernel buffer KiB (65536)\n"
		"  -j N             read N files at once (default: one per core), same output\n"
		"  -D               list interfaces\n"
		"  -o FORMAT        text (default), json (JSON lines) or csv\n"
		"  -w FILE          frames of conversations not `signed` to a pcap (--write-all)\n"
		"  -C MB, -G SECS, -W N  with -w: rotate at MB, every SECS s; a ring of N files\n"
		"  --log FILE       output to FILE (appended, reopened on SIGHUP)\n"
		"  --stats SECS     live, JSON: stats events; --sensor NAME: the sensor key\n"
		"  --hosts          a per-server inventory instead of per-conversation rows\n"
		"                   (an address seen in several files is one row)\n"
		"  --hosts-per-file the inventory of each file, the file named\n"
		"  --relay-list FILE  write the NTLM relay targets seen, one per line (ntlmrelayx\n"
		"                   -tf); --relay-list-probes: also Negotiate-only servers\n"
		"  --assume-client P  predict per server for client profile P: win11-24h2 ...\n"
		"  -q               summary only\n"
		"  -v               text: print every Negotiate field as it is seen\n"
		"  --fail-on LIST   exit 1 when a condition in LIST hits, each hit named: verdict\n"
		"                   names, any-mismatch, any-failure, smb1, anomaly:NAME,\n"
		"                   no-conversations\n"
		"  --baseline FILE  compare with a baseline; exit 1 on any difference, each named\n"
		"  --write-baseline FILE  record this run's facts (paths relative to -r DIR)\n"
		"  --junit FILE     write a JUnit XML report (one testsuite per capture)\n"
		"  explain CODE     what an error code means (decimal, negative or 0x hex)\n"
		"\n"
		"examples:\n"
		"  smbneg -r capture.pcapng\n"
		"  smbneg -r capture.pcap -o json host 10.0.0.5\n"
		"  smbneg -r samples/ -q --fail-on any-mismatch,not-signed\n"
		"  smbneg -r samples/ -q --baseline samples/baseline.jsonl --junit report.xml\n"
		"  smbneg -r samples/*.pcap.gz host 10.0.0.5\n"
		"  smbneg -i eth0 -o json -Z nobody --log events.jsonl --stats 60\n"
		"  smbneg -r big.pcap -w evidence.pcap\n"
		"  smbneg explain 3227320323\n"
		"\n"
		"verdicts: signed not-signed mismatch-no-communication mismatch-access-denied\n"
		"          guest-blocked secure-negotiate-failed invalid-signature\n"
		"          negotiate-failed logon-failed incomplete\n"
		"exit status: 0 ok, 1 a --fail-on hit or a baseline difference, 2 usage error,\n"
		"             an output not written, or (without --baseline) an unreadable input;\n"
		"             2 wins over 1, and every hit and difference is printed either way\n");
}

/* The trailing arguments, joined with spaces, as tcpdump does. */
static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *s = calloc(1, len);
	if (!s)
		err(2, "calloc");
	for (int i = 0; i < argc; i++) {
		if (i)
			strncat(s, " ", len - strlen(s) - 1);
		strncat(s, argv[i], len - strlen(s) - 1);
	}
	return s;
}

static void add_input(struct inputs *in, const char *path)
{
	char msg[1200];
	if (!inputs_add(in, path, msg, sizeof msg))
		errx(2, "%s", msg);
}

enum {
	OPT_FAIL_ON = 256,
	OPT_WRITE_ALL,
	OPT_IDLE,
	OPT_HOSTS,
	OPT_HOSTS_PER_FILE,
	OPT_DURATION,
	OPT_LOG,
	OPT_STATS,
	OPT_SENSOR,
	OPT_RELAY_LIST,
	OPT_RELAY_PROBES,
	OPT_ASSUME,
	OPT_BASELINE,
	OPT_WRITE_BASELINE,
	OPT_JUNIT,
};

static const struct option longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"write-all", no_argument, NULL, OPT_WRITE_ALL},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"log", required_argument, NULL, OPT_LOG},
    {"stats", required_argument, NULL, OPT_STATS},
    {"sensor", required_argument, NULL, OPT_SENSOR},
    {"idle", required_argument, NULL, OPT_IDLE},
    {"hosts", no_argument, NULL, OPT_HOSTS},
    {"hosts-per-file", no_argument, NULL, OPT_HOSTS_PER_FILE},
    {"relay-list", required_argument, NULL, OPT_RELAY_LIST},
    {"relay-list-probes", no_argument, NULL, OPT_RELAY_PROBES},
    {"assume-client", required_argument, NULL, OPT_ASSUME},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
    {"junit", required_argument, NULL, OPT_JUNIT},
    {NULL, 0, NULL, 0},
};

/* One line naming the option that is wrong, and where to look. */
static void bad_option(int ch, int opt, const char *arg)
{
	char name[64];
	if (opt > 0 && opt < 256)
		snprintf(name, sizeof name, "-%c", opt);
	else
		snprintf(name, sizeof name, "%s", arg);
	char *eq = strchr(name, '=');
	if (eq && name[1] == '-')
		*eq = '\0';
	if (ch == ':')
		errx(2, "option %s needs an argument; see smbneg --help", name);
	errx(2, "unknown option %s; see smbneg --help", name);
}

static enum out_format parse_format(const char *s)
{
	if (strcmp(s, "text") == 0)
		return OUT_TEXT;
	if (strcmp(s, "json") == 0)
		return OUT_JSON;
	if (strcmp(s, "csv") == 0)
		return OUT_CSV;
	errx(2, "-o %s: expected text, json or csv", s);
}

/* The options of the output, the sensor and -w rotation; -1 to go on, else
 * the exit status (--help, --version). */
static int output_option(struct opts *o, int ch, int argc, char **argv)
{
	switch (ch) {
	case 'G':
		o->rotate_secs = parse_count("-G", optarg);
		break;
	case 'C':
		if (!evidence_parse_size(optarg, &o->rotate_bytes))
			errx(2, "-C %s: expected millions of bytes, or a size with k, m or g",
			     optarg);
		break;
	case 'W':
		o->rotate_count = parse_count("-W", optarg);
		break;
	case 'B':
		o->buffer_kib = parse_count("-B", optarg);
		break;
	case 'j':
		o->jobs = parse_count("-j", optarg);
		break;
	case OPT_LOG:
		o->log_path = optarg;
		break;
	case OPT_STATS:
		o->stats = parse_count("--stats", optarg);
		break;
	case OPT_SENSOR:
		o->sensor = optarg;
		break;
	case OPT_HOSTS:
		o->hosts = true;
		break;
	case OPT_RELAY_LIST:
		o->relay_list = optarg;
		break;
	case OPT_RELAY_PROBES:
		o->relay_list_probes = true;
		break;
	case OPT_ASSUME:
		if ((o->assume = predict_profile_find(optarg)) == NULL)
			errx(2, "--assume-client %s: expected win11-24h2, winserver2025, win10, "
				"xp-patched, xp-unpatched, required, enabled or disabled",
			     optarg);
		break;
	case OPT_HOSTS_PER_FILE:
		o->hosts = o->hosts_per_file = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case OPT_FAIL_ON: {
		char msg[2048];
		if (!regress_fail_on_parse(optarg, &o->fail_on, msg, sizeof msg))
			errx(2, "%s", msg);
		break;
	}
	case OPT_BASELINE:
		o->baseline = optarg;
		break;
	case OPT_WRITE_BASELINE:
		o->write_baseline = optarg;
		break;
	case OPT_JUNIT:
		o->junit = optarg;
		break;
	case 'V':
		printf("smbneg %s\n", SMBNEG_VERSION);
		return 0;
	case 'h':
		usage(stdout);
		return 0;
	default:
		bad_option(ch, optopt, optind > 0 && optind <= argc ? argv[optind - 1] : "?");
	}
	return -1;
}

/* One option; returns -1 to go on, else the exit status (--help, --version). */
static int one_option(struct opts *o, int ch, int argc, char **argv)
{
	switch (ch) {
	case 'r':
		add_input(&o->in, optarg); /* exits on a usage error */
		regress_root_add(&o->root, optarg);
		break;
	case 'i':
		o->iface = optarg;
		break;
	case 'c':
		o->max_conv = parse_count("-c", optarg);
		break;
	case OPT_DURATION:
		o->duration = parse_count("--duration", optarg);
		break;
	case OPT_IDLE:
		o->idle = parse_count("--idle", optarg);
		break;
	case 'Z':
		o->drop_user = optarg;
		break;
	case 'D':
		o->list = true;
		break;
	case 'o':
		o->fmt = parse_format(optarg);
		break;
	case 'w':
		o->write_path = optarg;
		break;
	case OPT_WRITE_ALL:
		o->write_all = true;
		break;
	default:
		return output_option(o, ch, argc, argv);
	}
	return -1;
}

/* Parse argv into o; returns -1 to go on, else the exit status. */
int options_parse(struct opts *o, int argc, char **argv)
{
	if (!inputs_init(&o->in))
		err(2, "calloc");
	o->idle = DEFAULT_IDLE_SECS;
	opterr = 0; /* bad_option() says it in one line */
	int ch;
	const char *shortopts = ":r:i:c:G:C:W:Z:B:j:Do:w:qvhV";
	while ((ch = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int status = one_option(o, ch, argc, argv);
		if (status >= 0)
			return status;
	}
	int rest = argc - optind;
	char **words = argv + optind;
	if (o->in.n > 0) { /* -r a.pcap b.pcap c.pcap: the shell expanded a glob */
		char msg[1200];
		int taken = inputs_take_words(&o->in, rest, words, msg, sizeof msg);
		if (taken < 0)
			errx(2, "%s", msg);
		for (int i = 0; i < taken; i++)
			regress_root_add(&o->root, words[i]);
		rest -= taken;
		words += taken;
	}
	o->filter = join_args(rest, words);
	return -1;
}
