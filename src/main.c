/* main.c - the crit command line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crit.h"

static const char usage_top[] =
	"usage: crit [--version] [--help] COMMAND ...\n"
	"\n"
	"CRiu Image Tool: read CRIU checkpoint images, with nothing but libc.\n"
	"\n"
	"commands:\n"
	"  decode   convert a criu image from binary to JSON\n"
	"  encode   convert a criu image from JSON back to binary\n"
	"  show     convert a criu image from binary to human-readable JSON\n"
	"  info     show the magic and the number of entries of an image\n"
	"  x        explore a checkpoint directory: ps, fds, mems, rss, sk, stats\n"
	"\n"
	"Use crit COMMAND --help for command-specific help.\n";

static const char usage_decode[] =
	"usage: crit decode [-h] [--pretty] [-i IN] [-o OUT]\n"
	"\n"
	"Convert a criu image from binary to JSON.\n"
	"\n"
	"options:\n"
	"  --pretty          multiline with indents and some numerical fields in\n"
	"                    field-specific format\n"
	"  -i, --in IN       criu image in binary format to be decoded (stdin by default)\n"
	"  -o, --out OUT     where to put the JSON (stdout by default); written\n"
	"                    atomically, and not at all on error\n";

static const char usage_encode[] =
	"usage: crit encode [-h] [-i IN] [-o OUT]\n"
	"\n"
	"Convert a criu image from JSON (as decode writes it, plain or --pretty)\n"
	"back to binary, byte for byte.\n"
	"\n"
	"options:\n"
	"  -i, --in IN       criu image in JSON format to be encoded (stdin by default)\n"
	"  -o, --out OUT     where to put the binary image (stdout by default); written\n"
	"                    atomically, and not at all on error\n";

static const char usage_show[] =
	"usage: crit show [-h] [--nopl] IN\n"
	"\n"
	"Convert a criu image from binary to human-readable JSON.\n"
	"\n"
	"options:\n"
	"  --nopl            do not show entry payload (if exists)\n";

static const char usage_info[] =
	"usage: crit info [-h] IN\n"
	"\n"
	"Show the magic and the number of entries of an image.\n";

static const char usage_x[] =
	"usage: crit x [-h] [--json] DIR {ps,fds,mems,rss,sk,stats}\n"
	"\n"
	"Explore a checkpoint directory:\n"
	"  ps     the process tree\n"
	"  fds    each task's open files, cwd and root\n"
	"  mems   each task's memory mappings\n"
	"  rss    each task's dumped pages against its mappings\n"
	"  sk     each task's sockets: addresses, peers, buffers, queued bytes\n"
	"  stats  dump and restore statistics: times in ms, page counts\n"
	"Zombie and dead tasks are listed with their state.\n"
	"\n"
	"options:\n"
	"  --json            machine-readable JSON (its schema is in the README)\n";

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

static bool fd_write(void *ctx, const void *buf, size_t n)
{
	int fd = *(int *)ctx;
	const char *p = buf;

	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

/* One line: where (an offset in an image, line:column in JSON) and what. */
static void die_err(const char *name, const struct crit_err *err)
{
	if (err->file[0])
		name = err->file; /* the image, in a directory */
	if (err->line)
		fprintf(stderr, "crit: %s:%u:%u: %s\n", name, err->line, err->col, err->msg);
	else
		fprintf(stderr, "crit: %s: offset %llu: %s\n", name, (unsigned long long)err->pos, err->msg);
	exit(1);
}

static int open_in(const char *path)
{
	if (!path)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "crit: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

/* Output to a file goes to a temporary beside it, renamed into place only
 * when everything was written: a failed run leaves no partial file. */
struct outfile {
	const char *path;
	char tmp[4096];
	int fd;
};

/* Never onto the input (in_fd): that is a mistake, not an edit. */
static void out_open(struct outfile *o, const char *path, int in_fd)
{
	struct stat a, b;

	o->path = path;
	if (!path) {
		o->fd = 1;
		return;
	}
	if (fstat(in_fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
		fprintf(stderr, "crit: %s: is the input; refusing to overwrite it\n", path);
		exit(1);
	}
	if (snprintf(o->tmp, sizeof(o->tmp), "%s.XXXXXX", path) >= (int)sizeof(o->tmp)) {
		fprintf(stderr, "crit: %s: path too long\n", path);
		exit(1);
	}
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		fprintf(stderr, "crit: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void out_abort(struct outfile *o)
{
	if (o->path) {
		close(o->fd);
		unlink(o->tmp);
	}
}

static bool out_commit(struct outfile *o)
{
	if (!o->path)
		return true;
	mode_t mask = umask(0);
	umask(mask);
	if (fchmod(o->fd, 0666 & ~mask) < 0 || close(o->fd) < 0 || rename(o->tmp, o->path) < 0) {
		fprintf(stderr, "crit: %s: %s\n", o->path, strerror(errno));
		unlink(o->tmp);
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                            */
/* ------------------------------------------------------------------ */

/* Matches "--name", "--name=VALUE" (value in *val) or the short form. */
static bool is_opt(const char *arg, const char *s, const char *l, const char **val)
{
	size_t n = strlen(l);

	if (val)
		*val = NULL;
	if ((s && strcmp(arg, s) == 0) || strcmp(arg, l) == 0)
		return true;
	if (val && strncmp(arg, l, n) == 0 && arg[n] == '=') {
		*val = arg + n + 1;
		return true;
	}
	return false;
}

static const char *opt_value(int argc, char **argv, int *i, const char *inline_val, const char *usage)
{
	if (inline_val)
		return inline_val;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%scrit: error: argument %s: expected one argument\n", usage, argv[*i]);
		exit(1);
	}
	return argv[++*i];
}

static void bad_arg(const char *usage, const char *arg)
{
	fprintf(stderr, "%scrit: error: unrecognized argument: %s\n", usage, arg);
	exit(1);
}

/* ------------------------------------------------------------------ */
/* Commands                                                             */
/* ------------------------------------------------------------------ */

static int run_decode(const char *in, const char *out, bool pretty, bool nopl)
{
	struct crit_decode_opts opts = { .pretty = pretty, .nopl = nopl };
	struct crit_source src = { .fd = open_in(in) };
	struct crit_err err;
	struct outfile of;

	out_open(&of, out, src.fd);
	struct crit_sink sink = { fd_write, &of.fd };
	if (!crit_decode(&src, &sink, &opts, &err)) {
		out_abort(&of);
		die_err(in ? in : "<stdin>", &err);
	}
	/* CRIT ends its JSON with a newline on stdout only. */
	if (!out && !fd_write(&of.fd, "\n", 1)) {
		fprintf(stderr, "crit: <stdout>: %s\n", strerror(errno));
		return 1;
	}
	return out_commit(&of) ? 0 : 1;
}

static int cmd_decode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *v;
	bool pretty = false;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_decode, stdout);
			return 0;
		} else if (is_opt(argv[i], NULL, "--pretty", NULL)) {
			pretty = true;
		} else if (is_opt(argv[i], "-i", "--in", &v)) {
			in = opt_value(argc, argv, &i, v, usage_decode);
		} else if (is_opt(argv[i], "-o", "--out", &v)) {
			out = opt_value(argc, argv, &i, v, usage_decode);
		} else {
			bad_arg(usage_decode, argv[i]);
		}
	}
	return run_decode(in, out, pretty, false);
}

static int cmd_encode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *v;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_encode, stdout);
			return 0;
		} else if (is_opt(argv[i], "-i", "--in", &v)) {
			in = opt_value(argc, argv, &i, v, usage_encode);
		} else if (is_opt(argv[i], "-o", "--out", &v)) {
			out = opt_value(argc, argv, &i, v, usage_encode);
		} else {
			bad_arg(usage_encode, argv[i]);
		}
	}
	struct crit_source src = { .fd = open_in(in) };
	struct crit_err err;
	struct outfile of;

	out_open(&of, out, src.fd);
	struct crit_sink sink = { fd_write, &of.fd };
	if (!crit_encode(&src, &sink, &err)) {
		out_abort(&of);
		die_err(in ? in : "<stdin>", &err);
	}
	return out_commit(&of) ? 0 : 1;
}

/* The one positional argument IN of show and info. */
static const char *positional(const char *in, const char *arg, const char *usage)
{
	if (in || (arg[0] == '-' && arg[1]))
		bad_arg(usage, arg);
	return arg;
}

static const char *need_in(const char *in, const char *usage)
{
	if (!in) {
		fprintf(stderr, "%scrit: error: the following arguments are required: in\n", usage);
		exit(1);
	}
	return in;
}

static int cmd_show(int argc, char **argv)
{
	const char *in = NULL;
	bool nopl = false;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_show, stdout);
			return 0;
		} else if (is_opt(argv[i], NULL, "--nopl", NULL)) {
			nopl = true;
		} else {
			in = positional(in, argv[i], usage_show);
		}
	}
	return run_decode(need_in(in, usage_show), NULL, true, nopl);
}

static int cmd_info(int argc, char **argv)
{
	const char *in = NULL;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_info, stdout);
			return 0;
		}
		in = positional(in, argv[i], usage_info);
	}
	in = need_in(in, usage_info);

	struct crit_source src = { .fd = open_in(in) };
	struct crit_info info;
	struct crit_err err;
	if (!crit_info(&src, &info, &err))
		die_err(in, &err);
	printf("{\n    \"magic\": \"%s\",\n    \"count\": %llu\n}\n", info.magic,
	       (unsigned long long)info.count);
	return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_x(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	struct crit_explore_opts opts = { .json = false };
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_x, stdout);
			return 0;
		}
		if (is_opt(argv[i], NULL, "--json", NULL)) {
			opts.json = true;
			continue;
		}
		if (n == 2 || (argv[i][0] == '-' && argv[i][1]))
			bad_arg(usage_x, argv[i]);
		pos[n++] = argv[i];
	}
	if (n < 2) {
		fprintf(stderr, "%scrit: error: the following arguments are required: %s\n", usage_x,
			n ? "what" : "dir, what");
		return 1;
	}
	int fd = 1;
	struct crit_sink sink = { fd_write, &fd };
	struct crit_err err;
	if (!crit_explore(pos[0], pos[1], &opts, &sink, &err))
		die_err(pos[0], &err);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_top, stderr);
		fputs("crit: error: too few arguments\n", stderr);
		return 1;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("crit %s (CRIU image schema: %s, sha256 %.12s)\n", CRIT_VERSION, crit_tables_origin(),
		       crit_tables_digest());
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage_top, stdout);
		return 0;
	}
	if (strcmp(cmd, "decode") == 0)
		return cmd_decode(argc - 1, argv + 1);
	if (strcmp(cmd, "encode") == 0)
		return cmd_encode(argc - 1, argv + 1);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc - 1, argv + 1);
	if (strcmp(cmd, "info") == 0)
		return cmd_info(argc - 1, argv + 1);
	if (strcmp(cmd, "x") == 0)
		return cmd_x(argc - 1, argv + 1);
	fprintf(stderr, "%scrit: error: invalid command '%s'\n", usage_top, cmd);
	return 1;
}
