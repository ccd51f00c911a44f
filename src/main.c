/* smbneg: passive SMB1/SMB2/SMB3 Negotiate and signing analyser.
 * main(): the run over the inputs, the exit status, signals (SIGINT/SIGTERM,
 * SIGHUP for --log); options in options.c. Fatal errors only here and there. */
#include "smbneg/analyze.h"
#include "smbneg/evidence.h"
#include "smbneg/explain.h"
#include "smbneg/inputs.h"
#include "smbneg/jobs.h"
#include "smbneg/options.h"
#include "smbneg/out.h"
#include "smbneg/out_relay_list.h"
#include "smbneg/predict.h"
#include "smbneg/regress.h"
#include "smbneg/verdict.h"

#include <pcap/pcap.h>
#include <errno.h>
#include <err.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
		return jobs_run(a, paths, opt->in.n, (unsigned)(jobs < JOBS_MAX ? jobs : JOBS_MAX));
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

#define OUTPUT_BUFFER (128 * 1024)

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
	/* into a file or pipe that is not streamed: written OUTPUT_BUFFER at a
	 * time (stdio's block-size buffer would be a write(2) per 4 KiB; glibc
	 * takes a size only with a buffer) */
	static char out_buffer[OUTPUT_BUFFER];
	if (!o.stream && !isatty(fileno(f)))
		setvbuf(f, out_buffer, _IOFBF, sizeof out_buffer);
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
	int status = options_parse(&o, argc, argv);
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
