/* common.c - what every command shares: messages, exit codes, files in
 * and out, arguments. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------ */
/* Messages and exit codes                                              */
/* ------------------------------------------------------------------ */

/* "crit: " and the message on stderr, escaped: names in it may come from
 * an image or from anyone's file names, and stderr is often a terminal. */
static void vsay(const char *fmt, va_list ap)
{
	char raw[2048], safe[4096];

	vsnprintf(raw, sizeof(raw), fmt, ap);
	crit_escape(safe, sizeof(safe), raw, strlen(raw));
	fprintf(stderr, "crit: %s\n", safe);
}

void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
}

void die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay(fmt, ap);
	va_end(ap);
	exit(status);
}

void usage_error(const char *usage, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs(usage, stderr);
	say("error: %s", msg);
	exit(EXIT_USAGE);
}

/* Where (an offset in an image, line:column in JSON, or nowhere) and what. */
void die_err(const char *name, const struct crit_err *err)
{
	int status = err->code == CRIT_E_USAGE ? EXIT_USAGE : EXIT_DAMAGED;

	if (err->file[0])
		name = err->file; /* the image, in a directory */
	if (err->line)
		die(status, "%s:%u:%u: %s", name, err->line, err->col, err->msg);
	if (err->pos != CRIT_NOPOS)
		die(status, "%s: offset %llu: %s", name, (unsigned long long)err->pos, err->msg);
	die(status, "%s: %s", name, err->msg);
}

/* ------------------------------------------------------------------ */
/* Input                                                                */
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

bool is_stdio(const char *path)
{
	return !path || strcmp(path, "-") == 0;
}

const char *in_name(const char *path)
{
	return is_stdio(path) ? "<stdin>" : path;
}

int open_in(const char *path)
{
	if (is_stdio(path))
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		die(EXIT_DAMAGED, "%s: %s", path, strerror(errno));
	return fd;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */
/* ------------------------------------------------------------------ */

/*
 * A regular file is written as a temporary beside it, renamed into place
 * only when everything was written, with the old file's mode and owner:
 * a failed or interrupted run leaves the old file as it was and nothing
 * else. Anything else that exists (a device, a FIFO, a socket, a
 * terminal) is written in place, as any Unix tool writes it; a symlink is
 * followed to the file it names.
 */

/* The temporary file that a signal must remove: set and cleared with
 * those signals blocked, read by the handler. */
static volatile sig_atomic_t tmp_live;
static char tmp_path[PATH_MAX + 16];

static const int fatal_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };

static void on_fatal_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig); /* die of it, as the caller expects */
}

static void block_fatal(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++)
		sigaddset(&set, fatal_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

static void catch_fatal(void)
{
	struct sigaction sa = { .sa_handler = on_fatal_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal_signals) / sizeof(fatal_signals[0]); i++) {
		struct sigaction was;
		/* a signal ignored by whoever started us stays ignored */
		if (sigaction(fatal_signals[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
			sigaction(fatal_signals[i], &sa, NULL);
	}
}

/* Open the temporary file beside path, for the rename. */
static void open_tmp(struct outfile *o)
{
	sigset_t old;

	if (snprintf(tmp_path, sizeof(tmp_path), "%s.XXXXXX", o->path) >= (int)sizeof(tmp_path))
		die(EXIT_DAMAGED, "%s: path too long", o->path);
	catch_fatal();
	block_fatal(&old);
	o->fd = mkostemp(tmp_path, O_CLOEXEC);
	if (o->fd >= 0)
		tmp_live = 1;
	int e = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (o->fd < 0)
		die(EXIT_DAMAGED, "%s: cannot create a file beside it: %s", o->path, strerror(e));
	o->atomic = true;
}

static bool same_file(int fd, const struct stat *st)
{
	struct stat f;

	return fstat(fd, &f) == 0 && f.st_dev == st->st_dev && f.st_ino == st->st_ino;
}

/* Never onto the input (in_fd): that is a mistake, not an edit. */
void out_open(struct outfile *o, const char *path, int in_fd)
{
	struct stat st, lst;

	memset(o, 0, sizeof(*o));
	o->fd = 1;
	if (is_stdio(path))
		return;
	o->path = path;
	if (lstat(path, &lst) < 0) {
		if (errno != ENOENT)
			die(EXIT_DAMAGED, "%s: %s", path, strerror(errno));
		mode_t mask = umask(0);
		umask(mask);
		o->mode = 0666 & ~mask;
		open_tmp(o); /* a new file */
		return;
	}
	if (stat(path, &st) < 0) /* a symlink to nothing: whatever it names is not ours to create */
		die(EXIT_DAMAGED, "%s: a symlink to a missing file (%s); give the path it should name",
		    path, strerror(errno));
	if (same_file(in_fd, &st))
		die(EXIT_DAMAGED, "%s: is the input; refusing to overwrite it", path);
	if (faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
		die(EXIT_DAMAGED, "%s: %s", path, strerror(errno));
	if (S_ISLNK(lst.st_mode) && same_file(1, &st)) /* /dev/stdout: as the shell opened it */
		return;
	if (!S_ISREG(st.st_mode)) { /* a device, FIFO, socket or terminal: in place */
		o->fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (o->fd < 0)
			die(EXIT_DAMAGED, "%s: %s", path, strerror(errno));
		return;
	}
	if (S_ISLNK(lst.st_mode)) { /* write the file the link names, not the link */
		if (!realpath(path, o->target))
			die(EXIT_DAMAGED, "%s: %s", path, strerror(errno));
		o->path = o->target;
	}
	o->mode = st.st_mode & 07777;
	o->uid = st.st_uid;
	o->gid = st.st_gid;
	o->keep_owner = true;
	open_tmp(o);
}

void out_abort(struct outfile *o)
{
	sigset_t old;

	if (!o->atomic)
		return;
	block_fatal(&old);
	close(o->fd);
	unlink(tmp_path);
	tmp_live = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
}

bool out_commit(struct outfile *o)
{
	sigset_t old;

	if (!o->path)
		return true;
	if (!o->atomic) { /* written in place */
		if (close(o->fd) < 0) {
			say("%s: %s", o->path, strerror(errno));
			return false;
		}
		return true;
	}
	/* The owner first: chown clears the set-id bits that fchmod then sets.
	 * Only root may give a file away: others keep what they can. */
	if (o->keep_owner && fchown(o->fd, o->uid, o->gid) < 0 && fchown(o->fd, (uid_t)-1, o->gid) < 0)
		(void)0; /* the temporary stays the caller's own: still theirs to write */
	block_fatal(&old);
	bool ok = fchmod(o->fd, o->mode) == 0 && close(o->fd) == 0 && rename(tmp_path, o->path) == 0;
	int e = errno;
	if (!ok)
		unlink(tmp_path);
	tmp_live = 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (!ok)
		say("%s: %s", o->path, strerror(e));
	return ok;
}

/* ------------------------------------------------------------------ */
/* Arguments                                                            */
/* ------------------------------------------------------------------ */

void args_init(struct args *a, int argc, char **argv, const char *usage)
{
	*a = (struct args){ .argc = argc, .argv = argv, .usage = usage };
}

bool args_next(struct args *a)
{
	if (++a->i >= a->argc)
		return false;
	a->arg = a->argv[a->i];
	if (!a->operands_only && strcmp(a->arg, "--") == 0) {
		a->operands_only = true;
		return args_next(a);
	}
	return true;
}

static bool is_option(const struct args *a)
{
	return !a->operands_only && a->arg[0] == '-' && a->arg[1];
}

bool args_flag(struct args *a, const char *s, const char *l)
{
	return is_option(a) && ((s && strcmp(a->arg, s) == 0) || strcmp(a->arg, l) == 0);
}

bool args_value(struct args *a, const char *s, const char *l)
{
	size_t n = strlen(l);

	if (!is_option(a))
		return false;
	if (strncmp(a->arg, l, n) == 0 && a->arg[n] == '=') { /* --in=FILE */
		a->val = a->arg + n + 1;
		return true;
	}
	if (s && strncmp(a->arg, s, 2) == 0 && a->arg[2]) { /* -iFILE */
		a->val = a->arg + 2;
		return true;
	}
	if (strcmp(a->arg, l) != 0 && !(s && strcmp(a->arg, s) == 0))
		return false;
	if (a->i + 1 >= a->argc)
		usage_error(a->usage, "argument %s: expected one argument", a->arg);
	a->val = a->argv[++a->i];
	return true;
}

const char *args_operand(struct args *a)
{
	if (is_option(a))
		usage_error(a->usage, "unrecognized argument: %s", a->arg);
	return a->arg;
}

void args_unknown(struct args *a)
{
	usage_error(a->usage, "unrecognized argument: %s", a->arg);
}

int help(const char *usage)
{
	fputs(usage, stdout);
	return fflush(stdout) == 0 ? 0 : EXIT_DAMAGED;
}

/* ---- Sparse files --------------------------------------------------- */

static bool all_zero(const uint8_t *p, size_t n)
{
	return n && p[0] == 0 && memcmp(p, p + 1, n - 1) == 0;
}

/* The bytes from p up to n that are (zero) or are not (!zero) all zero,
 * in blocks of 4 KiB. */
static size_t blocks(const uint8_t *p, size_t n, bool zero)
{
	size_t k = 0;

	while (k < n) {
		size_t b = n - k < 4096 ? n - k : 4096;
		if (all_zero(p + k, b) != zero)
			break;
		k += b;
	}
	return k;
}

static bool sparse_write(void *ctx, const void *buf, size_t n)
{
	struct sparse *s = ctx;
	const uint8_t *p = buf;

	while (n) {
		size_t z = blocks(p, n, true), k = z ? z : blocks(p, n, false);
		if (z ? lseek(s->fd, (off_t)z, SEEK_CUR) < 0 : !fd_write(&s->fd, p, k))
			return false;
		s->size += k;
		p += k;
		n -= k;
	}
	return true;
}

static bool sparse_skip(void *ctx, uint64_t n)
{
	struct sparse *s = ctx;

	if (n > (uint64_t)INT64_MAX - s->size) { /* past what a file can be */
		errno = EFBIG;
		return false;
	}
	if (lseek(s->fd, (off_t)n, SEEK_CUR) < 0)
		return false;
	s->size += n;
	return true;
}

struct crit_sink sparse_sink(struct sparse *s)
{
	return (struct crit_sink){ sparse_write, s, sparse_skip };
}

bool sparse_end(struct sparse *s)
{
	return ftruncate(s->fd, (off_t)s->size) == 0;
}
