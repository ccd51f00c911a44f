/* The command line of smbneg: struct opts and its parser (README "Usage",
 * smbneg.1). Built into the executable with main.c, not the library: a usage
 * error exits here with status 2 (errx). */
#ifndef SMBNEG_OPTIONS_H
#define SMBNEG_OPTIONS_H

#include "smbneg/inputs.h"
#include "smbneg/out.h"
#include "smbneg/predict.h"
#include "smbneg/regress.h"

#include <stdbool.h>
#include <stdint.h>

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

/* Parse argv into o (zeroed by the caller); returns -1 to go on, else the
 * exit status (0 after --help or --version). A usage error exits with 2.
 * The caller frees o->in (inputs_free) and o->filter. */
int options_parse(struct opts *o, int argc, char **argv);

#endif
