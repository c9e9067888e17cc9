/* common.c - what every command shares: files in and out, arguments, errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

bool fd_write(void *ctx, const void *buf, size_t n)
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
void die_err(const char *name, const struct crit_err *err)
{
	if (err->file[0])
		name = err->file; /* the image, in a directory */
	if (err->line)
		fprintf(stderr, "crit: %s:%u:%u: %s\n", name, err->line, err->col, err->msg);
	else
		fprintf(stderr, "crit: %s: offset %llu: %s\n", name, (unsigned long long)err->pos, err->msg);
	exit(1);
}

int open_in(const char *path)
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

/* Never onto the input (in_fd): that is a mistake, not an edit. */
void out_open(struct outfile *o, const char *path, int in_fd)
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

void out_abort(struct outfile *o)
{
	if (o->path) {
		close(o->fd);
		unlink(o->tmp);
	}
}

bool out_commit(struct outfile *o)
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
bool is_opt(const char *arg, const char *s, const char *l, const char **val)
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

const char *opt_value(int argc, char **argv, int *i, const char *inline_val, const char *usage)
{
	if (inline_val)
		return inline_val;
	if (*i + 1 >= argc) {
		fprintf(stderr, "%scrit: error: argument %s: expected one argument\n", usage, argv[*i]);
		exit(1);
	}
	return argv[++*i];
}

void bad_arg(const char *usage, const char *arg)
{
	fprintf(stderr, "%scrit: error: unrecognized argument: %s\n", usage, arg);
	exit(1);
}


/* The one positional argument IN of show and info. */
const char *positional(const char *in, const char *arg, const char *usage)
{
	if (in || (arg[0] == '-' && arg[1]))
		bad_arg(usage, arg);
	return arg;
}

const char *need_in(const char *in, const char *usage)
{
	if (!in) {
		fprintf(stderr, "%scrit: error: the following arguments are required: in\n", usage);
		exit(1);
	}
	return in;
}
