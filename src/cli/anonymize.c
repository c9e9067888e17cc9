/* anonymize.c - crit anonymize IN_DIR OUT_DIR: a copy to share. */
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_anonymize[] =
	"usage: crit anonymize [-h] [--map FILE] [--strict] [--json] [--escape] IN_DIR OUT_DIR\n"
	"\n"
	"Write a copy of the checkpoint in IN_DIR to OUT_DIR (new, or an empty\n"
	"directory) that keeps its structure (processes, threads, fds, mappings,\n"
	"sockets, namespaces, ids) and none of its secrets:\n"
	"  memory             pages-*.img become zeros of the same size\n"
	"  paths              each component mapped one to one to a made-up name\n"
	"  names              comm, host and interface names mapped one to one\n"
	"  registers          general, FPU and extended state zeroed\n"
	"  streams            pipe, FIFO, socket, TCP, tty and ghost file contents,\n"
	"                     tmpfs tarballs, SysV IPC and BPF map data zeroed\n"
	"  addresses          IPv4, IPv6 and hardware addresses mapped one to one\n"
	"                     (loopback and the unspecified address kept)\n"
	"What crit cannot judge (an unknown image or field) is listed on stderr and\n"
	"written as it is, or left out with --strict. IN_DIR is only read; OUT_DIR\n"
	"appears whole or not at all.\n"
	"\n"
	"options:\n"
	"  --map FILE        write the map, original -> replacement, as JSON to FILE\n"
	"                    (never inside IN_DIR or OUT_DIR)\n"
	"  --strict          leave out what crit cannot judge\n"
	"  --json            the report as JSON on stdout (its schema is in the README)\n"
	"  --escape          show control bytes and invalid UTF-8 as escapes (\\e, \\n,\n"
	"                    \\x9b...), as on a terminal, where it is the default\n"
	"\n"
	"exit status: 0 written, 1 a damaged or unreadable input (or an output that\n"
	"cannot be written: nothing is), 2 a usage error.\n";

/* The real path of path, which may not exist yet: that of the longest
 * part of it that does, and the rest as it is. */
static void real(const char *path, char out[PATH_MAX])
{
	char copy[PATH_MAX], up[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s", path);
	if (realpath(copy, out))
		return;
	snprintf(up, sizeof(up), "%s", path);
	char *d = dirname(up);
	if (strcmp(d, copy) == 0) { /* "/" or ".": nothing above */
		snprintf(out, PATH_MAX, "%s", copy);
		return;
	}
	real(d, out);
	const char *base = basename(copy);
	size_t n = strlen(out), nb = strlen(base);
	if (n + 1 + nb >= PATH_MAX)
		return;
	if (!n || out[n - 1] != '/')
		out[n++] = '/';
	memcpy(out + n, base, nb + 1);
}

/* path is dir or inside it. */
static bool inside(const char *path, const char *dir)
{
	char d[PATH_MAX], p[PATH_MAX];

	real(dir, d);
	real(path, p);
	size_t n = strlen(d);
	return strncmp(p, d, n) == 0 && (p[n] == 0 || p[n] == '/' || n == 1);
}

static volatile int stopped; /* the fatal signal that came */

static void on_signal(int sig)
{
	stopped = sig;
}

int cmd_anonymize(int argc, char **argv)
{
	struct crit_anon_print_opts popts = { .escape = isatty(2) };
	struct crit_anon_opts opts = { 0 };
	const char *in = NULL, *out = NULL, *map = NULL;
	struct args a;

	args_init(&a, argc, argv, usage_anonymize);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_anonymize);
		if (args_value(&a, NULL, "--map"))
			map = a.val;
		else if (args_flag(&a, NULL, "--strict"))
			opts.strict = true;
		else if (args_flag(&a, NULL, "--json"))
			popts.json = true;
		else if (args_flag(&a, NULL, "--escape"))
			popts.escape = true;
		else if (!in)
			in = args_operand(&a);
		else if (!out)
			out = args_operand(&a);
		else
			args_unknown(&a);
	}
	if (!in || !out)
		usage_error(usage_anonymize, "the following arguments are required: %s", in ? "out_dir" : "in_dir, out_dir");
	if (map && is_stdio(map))
		usage_error(usage_anonymize, "--map needs a file: the map is kept apart from the report");
	if (map && (inside(map, out) || inside(map, in)))
		die(EXIT_USAGE, "%s: inside %s; the map goes apart from the checkpoints", map,
		    inside(map, out) ? "OUT_DIR" : "IN_DIR");


	struct outfile mo;
	int mfd = -1;
	struct crit_sink msink = { fd_write, &mfd, NULL };
	if (map) {
		out_open(&mo, map, -1);
		mfd = mo.fd;
		opts.map = &msink;
	}
	/* A fatal signal ends the run between two files, OUT_DIR left as it
	 * was, and then crit dies of it (these replace out_open's handlers). */
	static const int fatal[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	struct sigaction sa = { .sa_handler = on_signal }, old[4];
	for (int i = 0; i < 4; i++) {
		sigaction(fatal[i], NULL, &old[i]);
		if (old[i].sa_handler != SIG_IGN) /* kept ignored, as nohup wants */
			sigaction(fatal[i], &sa, NULL);
	}
	opts.stop = &stopped;

	struct crit_anon_report rep;
	struct crit_err err;
	bool done = crit_anonymize(in, out, &opts, &rep, &err);
	bool ok = done && (!map || out_commit(&mo));
	if (!done && map)
		out_abort(&mo);
	for (int i = 0; i < 4; i++)
		sigaction(fatal[i], &old[i], NULL);
	if (stopped) {
		signal(stopped, SIG_DFL);
		raise(stopped);
	}
	if (!done)
		die_err(in, &err);

	int fd = popts.json ? 1 : 2;
	struct crit_sink sink = { fd_write, &fd, NULL };
	if (!crit_anon_report_print(&rep, &popts, &sink, &err)) {
		crit_anon_report_free(&rep);
		die_err(popts.json ? "<stdout>" : "<stderr>", &err);
	}
	crit_anon_report_free(&rep);
	return ok ? 0 : EXIT_DAMAGED;
}
