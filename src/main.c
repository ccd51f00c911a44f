/* smbneg: passive SMB1/SMB2/SMB3 Negotiate and signing analyser.
 * Command line (README "Usage", smbneg.1); fatal errors only here. */
#include "smbneg/analyze.h"
#include "smbneg/evidence.h"
#include "smbneg/explain.h"
#include "smbneg/inputs.h"
#include "smbneg/jobs.h"
#include "smbneg/out.h"
#include "smbneg/out_relay_list.h"
#include "smbneg/predict.h"
#include "smbneg/regress.h"
#include "smbneg/verdict.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <err.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SMBNEG_VERSION
#define SMBNEG_VERSION "unknown"
#endif

#define DEFAULT_IDLE_SECS 300

/* Set by SIGINT/SIGTERM, and by SIGHUP; the live loop polls them (signal
 * flags are the file-level variables a signal handler can share). */
static volatile sig_atomic_t stop_requested, hup_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		hup_requested = 1;
	else
		stop_requested = 1;
}

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

/* Everything the command line says. */
struct opts {
	struct inputs in;
	enum out_format fmt;
	struct regress_fail_on fail_on;
	const char *baseline, *write_baseline, *junit; /* regress.h */
	struct regress_root root;		       /* of the -r arguments */
	bool quiet, verbose, write_all, list, hosts, hosts_per_file, relay_list_probes;
	const char *iface, *write_path, *drop_user, *relay_list, *log_path, *sensor;
	const struct predict_profile *assume; /* --assume-client */
	long max_conv, duration, idle, stats, rotate_secs, rotate_count, buffer_kib;
	long jobs; /* -j; 0: the number of cores when more than one file is read */
	uint64_t rotate_bytes;
	char *filter;
};

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
static int parse_options(struct opts *o, int argc, char **argv)
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

/* A bad filter is reported once, before anything is read. It is compiled for
 * the common link types; valid for one of them is good enough here (each
 * file compiles it again for its own). */
static void check_filter(const struct opts *o)
{
	static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_RAW};
	char expr[4096], first[PCAP_ERRBUF_SIZE + 64] = "";
	if (!*o->filter)
		return;
	if (o->iface)
		snprintf(expr, sizeof expr, "(%s) and (%s)", CAPTURE_LIVE_FILTER, o->filter);
	else
		snprintf(expr, sizeof expr, "%s", o->filter);
	for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
		pcap_t *p = pcap_open_dead(dlts[i], 262144);
		struct bpf_program prog;
		if (!p)
			err(2, "pcap_open_dead");
		bool ok = pcap_compile(p, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
		if (ok)
			pcap_freecode(&prog);
		else if (i == 0)
			snprintf(first, sizeof first, "%s", pcap_geterr(p));
		pcap_close(p);
		if (ok)
			return;
	}
	errx(2, "invalid filter '%s': %s", o->filter, first);
}

/* -i: open the interface once up front, so that a wrong name is one message. */
static void check_interface(const char *iface)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p = pcap_create(iface, perr);
	if (!p)
		errx(2, "-i %s: %s", iface, perr);
	int rc = pcap_activate(p);
	if (rc < 0) {
		char why[PCAP_ERRBUF_SIZE + 64];
		const char *detail = pcap_geterr(p);
		snprintf(why, sizeof why, "%s%s", detail && *detail ? detail : pcap_statustostr(rc),
			 rc == PCAP_ERROR_NO_SUCH_DEVICE ? " (smbneg -D lists the interfaces)"
							 : "");
		pcap_close(p);
		errx(2, "-i %s: %s", iface, why);
	}
	pcap_close(p);
}

/* Usage errors found once the options are all known. */
static void check_usage(const struct opts *o)
{
	if ((o->in.n == 0) == (o->iface == NULL))
		errx(2, "give either -r FILE or -i IFACE; see smbneg --help");
	if (o->write_all && !o->write_path)
		errx(2, "--write-all needs -w FILE");
	if ((o->rotate_bytes || o->rotate_secs || o->rotate_count) && !o->write_path)
		errx(2, "-C, -W and -G rotate the -w file: they need -w FILE "
			"(--duration SECS stops a live capture)");
	if (o->rotate_count && !o->rotate_bytes && !o->rotate_secs)
		errx(2, "-W COUNT needs -C SIZE or -G SECS");
	if (o->stats && !o->iface)
		errx(2, "--stats needs -i IFACE");
	if (o->iface && (o->baseline || o->write_baseline))
		errx(2, "--baseline and --write-baseline read captures (-r), not -i: a live "
			"capture has no stable file names");
	check_filter(o);
	if (o->iface)
		check_interface(o->iface);
}

/* --log: the output file, reopened on SIGHUP (logrotate renames it first). */
struct log_file {
	const char *path; /* NULL: stdout, nothing to reopen */
	struct out *out;
};

static void reopen_log(void *arg)
{
	struct log_file *lf = arg;
	if (lf->path && !out_reopen(lf->out, lf->path)) /* the old file is kept */
		warn("--log %s: cannot reopen, still writing to the file open before", lf->path);
}

/* SIGINT/SIGTERM stop a live capture; SIGHUP reopens the --log file. */
static void catch_signals(bool live, bool hup)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART; /* file reads go on; the live loop's poll() returns */
	sigemptyset(&sa.sa_mask);
	if (live) {
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	if (hup)
		sigaction(SIGHUP, &sa, NULL);
}

static bool run_live(struct analyzer *a, const struct opts *o, struct log_file *lf, char *msg,
		     size_t size)
{
	struct capture_live l;
	memset(&l, 0, sizeof l);
	l.iface = o->iface;
	l.duration_secs = o->duration;
	l.idle_secs = o->idle;
	l.drop_user = o->drop_user;
	l.buffer_kib = o->buffer_kib;
	l.stop = &stop_requested;
	l.hup = &hup_requested;
	l.on_hup = reopen_log;
	l.hup_arg = lf;
	a->stats_secs = o->stats;
	return analyze_live(a, &l, msg, size);
}

/* The CI checks (--fail-on, --baseline, --write-baseline, --junit), before
 * any input is read; a baseline that cannot be used is a usage error. */
static void regress_setup(struct regress *r, const struct opts *o)
{
	regress_init(r, stderr);
	r->fail_on = o->fail_on;
	r->record = o->baseline || o->write_baseline || o->junit;
	r->root = o->root.path[0] ? o->root.path : NULL;
	char msg[1200];
	if (o->baseline && regress_load(r, o->baseline, msg, sizeof msg) != 0)
		errx(2, "--baseline %s", msg);
}

/* Compare, report and write what the CI options ask; the exit status
 * (README "Regression checks in CI", baseline_exit_status). */
static int regress_status(struct regress *r, const struct opts *o, FILE *out_stream,
			  bool output_error)
{
	/* the differences go with the output (-o json: among its events) */
	struct regress_outputs ro = {o->write_baseline, o->junit, out_stream, false, out_stream};
	if (o->fmt == OUT_JSON) {
		ro.diff_json = true;
		ro.summary = stderr;
	} else if (o->fmt == OUT_CSV) {
		ro.diff = ro.summary = stderr;
	}
	struct baseline_outcome out;
	regress_finish(r, &ro, &out);
	out.output_error |= output_error;
	return baseline_exit_status(&out);
}

/* --relay-list FILE; false (reported) when it could not be written. */
static bool write_relay_list(const struct opts *opt, const struct tally *t)
{
	FILE *f = fopen(opt->relay_list, "w");
	if (!f) {
		fprintf(stderr, "smbneg: --relay-list %s: %s\n", opt->relay_list, strerror(errno));
		return false;
	}
	long n = out_relay_list(&t->host_table, f, opt->relay_list_probes);
	bool ok = n >= 0 && !ferror(f);
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "smbneg: --relay-list %s: write error\n", opt->relay_list);
	return ok;
}

/* Read every file, with -j workers when they can be used; false if one failed. */
static bool read_files(struct analyzer *a, const struct opts *opt)
{
	const char *const *paths = (const char *const *)opt->in.path;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long jobs = opt->jobs ? opt->jobs : cores > 1 ? cores : 1;
	if (jobs > 1 && jobs_usable(a, paths, opt->in.n))
		return jobs_run(a, paths, opt->in.n, (unsigned)(jobs < 64 ? jobs : 64));
	bool ok = true;
	char msg[1024];
	for (size_t i = 0; i < opt->in.n; i++) { /* a file that fails does not stop the others */
		if (!analyze_file(a, opt->in.path[i], msg, sizeof msg)) {
			fprintf(stderr, "smbneg: %s\n", msg);
			ok = false;
		}
	}
	return ok;
}

/* The renderer's options and the JSON envelope: sensor, interface, uid key. */
static void set_output(struct out *o, const struct opts *opt, char *host, size_t hostsize)
{
	o->quiet = opt->quiet;
	o->verbose = opt->verbose;
	o->hosts = opt->hosts;
	o->stream = opt->iface != NULL;
	for (size_t i = 0; i < opt->in.n; i++)
		o->stream |= strcmp(opt->in.path[i], "-") == 0; /* tcpdump -w - | smbneg -r - */
	o->hosts_per_file = opt->hosts_per_file;
	o->several_files = opt->in.n > 1;
	o->color = opt->fmt == OUT_TEXT && !opt->log_path && isatty(STDOUT_FILENO) &&
		   !getenv("NO_COLOR");
	o->sensor = opt->sensor;
	o->interface = opt->iface;
	if (!opt->iface)
		return; /* saved captures: sensor null unless given, uids the same every run */
	if (!o->sensor && gethostname(host, hostsize) == 0) {
		host[hostsize - 1] = '\0';
		o->sensor = host;
	}
	uid_gen_init_now(&o->uid, o->sensor);
}

/* Every input in turn (a file that fails is counted by regress); SIGHUP
 * reopens the --log file. True when the -w output could not be written. */
static bool read_inputs(struct analyzer *a, const struct opts *opt, struct log_file *lf)
{
	char msg[1024];
	if (opt->iface && !run_live(a, opt, lf, msg, sizeof msg))
		fprintf(stderr, "smbneg: %s\n", msg);
	read_files(a, opt);
	if (hup_requested) { /* reading files: the log is reopened after them */
		hup_requested = 0;
		reopen_log(lf);
	}
	bool output_error = !analyze_close(a, msg, sizeof msg);
	if (output_error)
		fprintf(stderr, "smbneg: %s\n", msg);
	return output_error;
}

/* Read every input (or the interface) and report; the exit status. Every
 * output file (--log, -w) is opened first, before -Z drops privileges. */
static int analyse(const struct opts *opt)
{
	char host[256] = "", msg[1024];
	FILE *f = opt->log_path ? fopen(opt->log_path, "a") : stdout;
	if (!f)
		err(2, "--log %s", opt->log_path);
	struct regress reg;
	regress_setup(&reg, opt);
	struct out o;
	out_init(&o, opt->fmt, f);
	set_output(&o, opt, host, sizeof host);
	struct log_file lf = {opt->log_path, &o};
	struct evidence_writer ew;
	if (opt->write_path && !evidence_open(&ew, opt->write_path, opt->rotate_bytes,
					      opt->rotate_secs, (unsigned)opt->rotate_count, msg,
					      sizeof msg))
		errx(2, "%s", msg);
	struct analyzer a;
	analyze_init(&a, &o);
	if ((opt->hosts || opt->relay_list || opt->assume) && !tally_enable_hosts(&a.tally))
		errx(2, "--hosts: out of memory");
	a.filter = opt->filter;
	a.writer = opt->write_path ? &ew : NULL;
	a.write_all = opt->write_all;
	a.max_conversations = (uint64_t)opt->max_conv;
	a.progress = !opt->quiet && isatty(STDERR_FILENO) && !getenv("NO_PROGRESS");
	a.regress = &reg;
	catch_signals(opt->iface != NULL, opt->iface || opt->log_path);
	bool output_error = read_inputs(&a, opt, &lf);
	if (opt->write_path)
		fprintf(stderr, "smbneg: -w %s: %llu frames of %llu conversations%s\n",
			opt->write_path, (unsigned long long)a.written_frames,
			(unsigned long long)a.written_conversations,
			a.written_incomplete ? " (some cut at the per-conversation cap)" : "");
	if (opt->relay_list && !write_relay_list(opt, &a.tally))
		output_error = true; /* exit 2, as any output that could not be written */
	if (opt->assume && !opt->quiet)
		out_predictions(&o, &a.tally, opt->assume);
	out_summary(&o, &a.tally);
	fflush(o.f);
	/* every hit and difference is printed, whatever the status */
	int status = regress_status(&reg, opt, o.f, output_error);
	out_free(&o);
	analyze_free(&a);
	regress_free(&reg);
	if (opt->log_path && fclose(o.f) != 0)
		warn("--log %s", opt->log_path);
	return status;
}

static int explain_main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: smbneg explain CODE\n");
		return 2;
	}
	if (!explain_code(argv[2], stdout)) {
		fprintf(stderr, "smbneg: %s: not an error code smbneg knows\n", argv[2]);
		return 2;
	}
	return 0;
}

/* glibc returns the top of the heap to the kernel whenever 128 KiB are free
 * there; conversations allocate and free as they come and go, so the same
 * pages fault in again and again (a tenth of the CPU time on a capture file). */
static void tune_malloc(void)
{
#ifdef M_TRIM_THRESHOLD
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TOP_PAD, 4 * 1024 * 1024);
#endif
}

int main(int argc, char **argv)
{
	tune_malloc();
	if (argc >= 2 && strcmp(argv[1], "explain") == 0)
		return explain_main(argc, argv);
	struct opts o;
	memset(&o, 0, sizeof o);
	int status = parse_options(&o, argc, argv);
	if (status < 0 && o.list) {
		char msg[512];
		if (!capture_list_interfaces(stdout, msg, sizeof msg))
			errx(2, "-D: %s", msg);
		status = 0;
	}
	if (status < 0) {
		check_usage(&o);
		status = analyse(&o);
	}
	inputs_free(&o.in);
	free(o.filter);
	return status;
}
