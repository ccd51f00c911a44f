/* inputs: files and directories to read (see include/smbneg/inputs.h). */
#include "smbneg/inputs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool inputs_init(struct inputs *in)
{
	memset(in, 0, sizeof *in);
	in->path = calloc(INPUTS_MAX, sizeof *in->path);
	in->dirs = calloc(INPUTS_MAX_DIRS, sizeof *in->dirs);
	if (in->path && in->dirs)
		return true;
	inputs_free(in);
	return false;
}

void inputs_free(struct inputs *in)
{
	for (size_t i = 0; in->path && i < in->n; i++)
		free(in->path[i]);
	free(in->path);
	free(in->dirs);
	memset(in, 0, sizeof *in);
}

static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t sl = strlen(suffix);
	return len > sl && strncmp(s + len - sl, suffix, sl) == 0;
}

bool inputs_is_capture_name(const char *n)
{
	static const char *const ext[] = {".pcap", ".pcapng", ".cap", ".dmp",
					  ".etl",  ".snoop",  ".erf"};
	static const char *const zext[] = {"", ".gz", ".zst"};
	size_t len = strlen(n);
	for (size_t z = 0; z < sizeof zext / sizeof zext[0]; z++) {
		size_t zl = strlen(zext[z]);
		if (zl && !ends_with(n, len, zext[z]))
			continue;
		for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
			if (ends_with(n, len - zl, ext[i]))
				return true;
	}
	return false;
}

/* Takes path (malloc'd, or NULL when memory ran out). */
static bool push(struct inputs *in, char *path, char *err, size_t errsize)
{
	if (!path) {
		snprintf(err, errsize, "out of memory");
		return false;
	}
	if (in->n >= INPUTS_MAX) {
		snprintf(err, errsize, "%s: more than %d inputs", path, INPUTS_MAX);
		free(path);
		return false;
	}
	in->path[in->n++] = path;
	return true;
}

static char *join_path(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *p = malloc(len);
	if (p)
		snprintf(p, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return p;
}

/* 1 the first time a directory (device and inode) is seen, 0 after, -1 full. */
static int first_visit(struct inputs *in, const struct stat *st)
{
	for (size_t i = 0; i < in->ndirs; i++)
		if (in->dirs[i].dev == st->st_dev && in->dirs[i].ino == st->st_ino)
			return 0;
	if (in->ndirs >= INPUTS_MAX_DIRS)
		return -1;
	in->dirs[in->ndirs].dev = st->st_dev;
	in->dirs[in->ndirs].ino = st->st_ino;
	in->ndirs++;
	return 1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The names in dir, dot files left out, sorted; NULL with errno set. */
static char **list_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	size_t n = 0, cap = 16;
	char **names = malloc(cap * sizeof *names);
	struct dirent *e = NULL;
	while (names && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap *= 2) * sizeof *names);
			if (!more)
				break;
			names = more;
		}
		if (!(names[n] = strdup(e->d_name)))
			break;
		n++;
	}
	bool short_of_memory = !names || e != NULL;
	closedir(d);
	if (short_of_memory) {
		if (names)
			free_names(names, n);
		errno = ENOMEM;
		return NULL;
	}
	qsort(names, n, sizeof *names, cmp_str);
	*count = n;
	return names;
}

/* Every capture under dir, subfolders included: a folder's entries by name,
 * a subfolder's captures where its name sorts. A directory reached twice
 * (a symlink loop) is walked once. */
static bool add_dir(struct inputs *in, const char *dir, char *err, size_t errsize)
{
	size_t n = 0;
	char **names = list_dir(dir, &n);
	if (!names) {
		snprintf(err, errsize, "%s: %s", dir, strerror(errno));
		return false;
	}
	bool ok = true;
	for (size_t i = 0; ok && i < n; i++) {
		char *p = join_path(dir, names[i]);
		struct stat st;
		if (p && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			int first = first_visit(in, &st);
			if (first < 0)
				snprintf(err, errsize, "%s: more than %d directories", p,
					 INPUTS_MAX_DIRS);
			ok = first == 0 || (first > 0 && add_dir(in, p, err, errsize));
			free(p);
		} else if (!p || inputs_is_capture_name(names[i])) {
			ok = push(in, p, err, errsize);
		} else {
			free(p);
		}
	}
	free_names(names, n);
	return ok;
}

bool inputs_add(struct inputs *in, const char *path, char *err, size_t errsize)
{
	struct stat st;
	if (strcmp(path, "-") == 0 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return push(in, strdup(path), err, errsize); /* reading it says what is wrong */
	size_t first = in->n;
	if (first_visit(in, &st) > 0 && !add_dir(in, path, err, errsize))
		return false;
	if (in->n == first) {
		snprintf(err, errsize,
			 "%s: no capture files (.pcap, .pcapng, .cap, .dmp, plain or "
			 ".gz/.zst) in this directory or below",
			 path);
		return false;
	}
	return true;
}

/* Words of a BPF expression (pcap-filter(7)) never taken for files. */
static bool is_bpf_word(const char *w)
{
	static const char *const words[] = {
	    "host",	"net",	 "port",    "portrange", "src",	      "dst", "ether",
	    "ip",	"ip6",	 "arp",	    "rarp",	 "tcp",	      "udp", "icmp",
	    "icmp6",	"vlan",	 "mpls",    "and",	 "or",	      "not", "less",
	    "greater",	"proto", "gateway", "broadcast", "multicast", "len", "inbound",
	    "outbound", "link",	 "sctp",    "decnet",	 "atalk",     "ipx", "iso",
	    "pppoed",	"pppoes"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

int inputs_take_words(struct inputs *in, int argc, char **argv, char *err, size_t errsize)
{
	int i = 0;
	for (; i < argc; i++) {
		struct stat st;
		if (is_bpf_word(argv[i]) || stat(argv[i], &st) != 0 ||
		    !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
			break;
		if (!inputs_add(in, argv[i], err, errsize))
			return -1;
	}
	return i;
}
