/* inputs: the files a run reads, from -r arguments and the words after the
 * options: a directory stands for every capture under it (subfolders too, in
 * sorted order, each directory once even through symlink loops), and words
 * that name existing files or directories are inputs when -r was given (the
 * shell expanded a glob after -r), BPF keywords never. */
#ifndef SMBNEG_INPUTS_H
#define SMBNEG_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define INPUTS_MAX 4096 /* files per run */
#define INPUTS_MAX_DIRS 4096

struct inputs_dir {
	dev_t dev;
	ino_t ino;
};

struct inputs {
	char **path; /* the files, in the order they are read */
	size_t n;
	struct inputs_dir *dirs; /* directories walked */
	size_t ndirs;
};

/* False without memory. */
bool inputs_init(struct inputs *in);
/* Add a file ("-" = stdin) or every capture under a directory. False, with a
 * message naming the path, when a directory cannot be read or holds no capture,
 * or a cap is reached. */
bool inputs_add(struct inputs *in, const char *path, char *err, size_t errsize);
/* Take the leading words of argv that name an existing regular file or
 * directory and are not BPF keywords; the number taken, or -1 (err set). */
int inputs_take_words(struct inputs *in, int argc, char **argv, char *err, size_t errsize);
/* Whether a directory walk picks up a file of this name: .pcap, .pcapng, .cap,
 * .dmp, .etl, .snoop, .erf, each also with .gz or .zst after it. */
bool inputs_is_capture_name(const char *name);
void inputs_free(struct inputs *in);

#endif
