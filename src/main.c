/* smbneg: passive SMB1/SMB2/SMB3 Negotiate and signing analyser.
 * Command line (README "Usage", smbneg.1); fatal errors only here. */
#include "smbneg/analyze.h"
#include "smbneg/explain.h"
#include "smbneg/out.h"
#include "smbneg/verdict.h"

#include <dirent.h>
#include <errno.h>
#include <err.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef SMBNEG_VERSION
#define SMBNEG_VERSION "unknown"
#endif

#define MAX_INPUTS 4096
#define DEFAULT_IDLE_SECS 300

/* Set by SIGINT/SIGTERM; the live loop polls it (a signal flag is the one
 * file-level variable a signal handler can share). */
static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
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
		"       smbneg -i IFACE [-c N] [-G SECS] [-Z USER] [options] [BPF EXPRESSION]\n"
		"       smbneg -D | explain CODE | --help | --version\n"
		"\n"
		"  -r FILE          read a pcap/pcapng file ('-' = stdin; a directory = every\n"
		"                   capture in it, sorted); repeatable\n"
		"  -i IFACE         capture live (filter: tcp port 445 or 139, and BPF)\n"
		"  -c N             live: stop after N conversations\n"
		"  -G SECS          live: stop after SECS seconds (also --duration)\n"
		"  --idle SECS      live: conclude conversations idle this long (default 300)\n"
		"  -Z USER          live: drop privileges to USER once the capture is open\n"
		"  -D               list interfaces\n"
		"  -o FORMAT        text (default), json (JSON lines) or csv\n"
		"  -w FILE          write the frames of conversations not `signed` to a pcap\n"
		"  --write-all      with -w: write every SMB conversation\n"
		"  --hosts          a per-server inventory instead of per-conversation rows\n"
		"  -q               summary only\n"
		"  -v               text: print every Negotiate field as it is seen\n"
		"  --fail-on LIST   exit 1 when a conversation gets a verdict in LIST\n"
		"                   (verdict names, any-mismatch, smb1)\n"
		"  explain CODE     what an error code means (decimal, negative or 0x hex)\n"
		"\n"
		"examples:\n"
		"  smbneg -r capture.pcapng\n"
		"  smbneg -r capture.pcap -o json host 10.0.0.5\n"
		"  smbneg -r samples/ -q --fail-on any-mismatch,not-signed\n"
		"  smbneg -i eth0 -o json -Z nobody\n"
		"  smbneg -r big.pcap -w evidence.pcap\n"
		"  smbneg explain 3227320323\n"
		"\n"
		"verdicts: signed not-signed mismatch-no-communication mismatch-access-denied\n"
		"          guest-blocked secure-negotiate-failed invalid-signature incomplete\n"
		"exit status: 0 ok, 1 a --fail-on verdict was seen, 2 usage or input error\n");
}

/* --fail-on: a set of verdicts (bit per enum verdict_kind) plus "smb1". */
struct fail_on {
	unsigned verdicts;
	bool smb1;
};

static bool parse_fail_on(const char *list, struct fail_on *fo)
{
	char buf[512];
	if (strlen(list) >= sizeof buf)
		return false;
	memcpy(buf, list, strlen(list) + 1);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "any-mismatch") == 0) {
			fo->verdicts |= 1u << V_MISMATCH_NO_COMMUNICATION |
					1u << V_MISMATCH_ACCESS_DENIED | 1u << V_GUEST_BLOCKED |
					1u << V_SECURE_NEGOTIATE_FAILED | 1u << V_INVALID_SIGNATURE;
		} else if (strcmp(tok, "smb1") == 0) {
			fo->smb1 = true;
		} else {
			enum verdict_kind v = verdict_from_name(tok);
			if (v == V_COUNT)
				return false;
			fo->verdicts |= 1u << v;
		}
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_capture_name(const char *n)
{
	static const char *const ext[] = {".pcap", ".pcapng", ".cap", ".dmp"};
	size_t len = strlen(n);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		size_t el = strlen(ext[i]);
		if (len > el && strcmp(n + len - el, ext[i]) == 0)
			return true;
	}
	return false;
}

/* Append path, or every capture in it when it is a directory, to inputs. */
static void add_input(const char *path, char **inputs, size_t *n)
{
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d)
			err(2, "%s", path);
		size_t first = *n;
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.' || !is_capture_name(e->d_name))
				continue;
			if (*n >= MAX_INPUTS)
				errx(2, "%s: more than %d inputs", path, MAX_INPUTS);
			size_t len = strlen(path) + strlen(e->d_name) + 2;
			char *p = malloc(len);
			if (!p)
				err(2, "malloc");
			snprintf(p, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/",
				 e->d_name);
			inputs[(*n)++] = p;
		}
		closedir(d);
		if (*n == first)
			errx(2, "%s: no .pcap, .pcapng, .cap or .dmp files in this directory",
			     path);
		qsort(inputs + first, *n - first, sizeof *inputs, cmp_str);
		return;
	}
	if (*n >= MAX_INPUTS)
		errx(2, "more than %d inputs", MAX_INPUTS);
	inputs[*n] = strdup(path);
	if (!inputs[*n])
		err(2, "strdup");
	(*n)++;
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

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "explain") == 0) {
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
	enum { OPT_FAIL_ON = 256, OPT_WRITE_ALL, OPT_IDLE, OPT_HOSTS };
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"write-all", no_argument, NULL, OPT_WRITE_ALL},
		{"duration", required_argument, NULL, 'G'},
		{"idle", required_argument, NULL, OPT_IDLE},
		{"hosts", no_argument, NULL, OPT_HOSTS},
		{NULL, 0, NULL, 0},
	};
	char **inputs = calloc(MAX_INPUTS, sizeof *inputs);
	if (!inputs)
		err(2, "calloc");
	size_t ninputs = 0;
	int status = 0;
	enum out_format fmt = OUT_TEXT;
	struct fail_on fail_on = {0, false};
	bool quiet = false, verbose = false, write_all = false, list = false, hosts = false;
	const char *iface = NULL, *write_path = NULL, *drop_user = NULL;
	long max_conv = 0, duration = 0, idle = DEFAULT_IDLE_SECS;
	int ch;
	while ((ch = getopt_long(argc, argv, "r:i:c:G:Z:Do:w:qvhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			add_input(optarg, inputs, &ninputs);
			break;
		case 'i':
			iface = optarg;
			break;
		case 'c':
			max_conv = parse_count("-c", optarg);
			break;
		case 'G':
			duration = parse_count("-G", optarg);
			break;
		case OPT_IDLE:
			idle = parse_count("--idle", optarg);
			break;
		case 'Z':
			drop_user = optarg;
			break;
		case 'D':
			list = true;
			break;
		case 'o':
			if (strcmp(optarg, "text") == 0)
				fmt = OUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = OUT_JSON;
			else if (strcmp(optarg, "csv") == 0)
				fmt = OUT_CSV;
			else
				errx(2, "-o %s: expected text, json or csv", optarg);
			break;
		case 'w':
			write_path = optarg;
			break;
		case OPT_WRITE_ALL:
			write_all = true;
			break;
		case OPT_HOSTS:
			hosts = true;
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose = true;
			break;
		case OPT_FAIL_ON:
			if (!parse_fail_on(optarg, &fail_on))
				errx(2, "--fail-on %s: unknown verdict name", optarg);
			break;
		case 'V':
			printf("smbneg %s\n", SMBNEG_VERSION);
			status = 0;
			goto done;
		case 'h':
			usage(stdout);
			status = 0;
			goto done;
		default:
			usage(stderr);
			status = 2;
			goto done;
		}
	}
	if (list) {
		char msg[512];
		if (!capture_list_interfaces(stdout, msg, sizeof msg))
			errx(2, "-D: %s", msg);
		status = 0;
		goto done;
	}
	if ((ninputs == 0) == (iface == NULL)) {
		fprintf(stderr, "smbneg: give either -r FILE or -i IFACE\n");
		usage(stderr);
		status = 2;
		goto done;
	}
	if (write_all && !write_path)
		errx(2, "--write-all needs -w FILE");
	if (write_path) { /* fail now, not after reading everything */
		FILE *probe = fopen(write_path, "wb");
		if (!probe)
			err(2, "-w %s", write_path);
		fclose(probe);
	}
	char *filter = join_args(argc - optind, argv + optind);
	struct out o;
	out_init(&o, fmt, stdout);
	o.quiet = quiet;
	o.verbose = verbose;
	o.hosts = hosts;
	o.color = fmt == OUT_TEXT && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	struct analyzer a;
	analyze_init(&a, &o);
	if (hosts && !tally_enable_hosts(&a.tally))
		errx(2, "--hosts: out of memory");
	a.filter = filter;
	a.write_path = write_path;
	a.write_all = write_all;
	a.max_conversations = (uint64_t)max_conv;
	a.progress = !quiet && isatty(STDERR_FILENO) && !getenv("NO_PROGRESS");
	char msg[1024];
	if (iface) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		struct capture_live l;
		memset(&l, 0, sizeof l);
		l.iface = iface;
		l.duration_secs = duration;
		l.idle_secs = idle;
		l.drop_user = drop_user;
		l.stop = &stop_requested;
		if (!analyze_live(&a, &l, msg, sizeof msg)) {
			fprintf(stderr, "smbneg: %s\n", msg);
			status = 2;
		}
	}
	for (size_t i = 0; i < ninputs; i++) {
		if (!analyze_file(&a, inputs[i], msg, sizeof msg)) {
			fprintf(stderr, "smbneg: %s\n", msg);
			status = 2;
		}
	}
	if (!analyze_close(&a, msg, sizeof msg)) {
		fprintf(stderr, "smbneg: %s\n", msg);
		status = 2;
	}
	if (write_path)
		fprintf(stderr, "smbneg: -w %s: %llu frames of %llu conversations%s\n", write_path,
			(unsigned long long)a.written_frames,
			(unsigned long long)a.written_conversations,
			a.written_incomplete ? " (some cut at the per-conversation cap)" : "");
	out_summary(&o, &a.tally);
	if (status == 0) {
		bool hit = false;
		for (int v = 0; v < V_COUNT; v++) {
			if ((fail_on.verdicts & (1u << v)) && a.tally.verdicts[v]) {
				fprintf(stderr, "smbneg: --fail-on: %llu conversation(s) %s\n",
					(unsigned long long)a.tally.verdicts[v], verdict_names[v]);
				hit = true;
			}
		}
		if (fail_on.smb1 && a.tally.smb1_conversations) {
			fprintf(stderr, "smbneg: --fail-on: %llu conversation(s) used SMB1\n",
				(unsigned long long)a.tally.smb1_conversations);
			hit = true;
		}
		if (hit)
			status = 1;
	}
	out_free(&o);
	analyze_free(&a);
	free(filter);
done:
	for (size_t i = 0; i < ninputs; i++)
		free(inputs[i]);
	free(inputs);
	return status;
}
