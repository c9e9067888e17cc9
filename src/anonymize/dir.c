/*
 * dir.c - crit_anonymize: IN_DIR's files, in name order, read twice.
 * The first pass checks every image (as decode reads it), notes every
 * original and what cannot be judged, and writes nothing; the second
 * writes each file into a new directory beside OUT_DIR, which is renamed
 * into place when all of it is there. IN_DIR is only read.
 *
 * Each file is, by its name and its magic:
 *   pages-*, tmpfs-*           zeros, as many (a sparse file)
 *   ifaddr-, route-, rule-*    netlink.c
 *   an image with a magic      image.c
 *   parent                     carried over as it is (the pre-dump chain)
 *   empty                      empty
 *   anything else              cannot be judged: as it is, or left out
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anonymize/anonymize.h"
#include "codec/image_decode.h"

/* The most of a `parent` file (a path) carried over. */
#define PARENT_MAX 4096

struct run {
	struct anon *a;
	int in;             /* IN_DIR */
	int out;            /* the new directory; -1 in the first pass */
	const char *in_dir, *out_dir;
	char tmp[PATH_MAX]; /* the new directory's path */
	char **names;
	size_t n, cap;
};

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* IN_DIR's file names, sorted: the maps' order does not hang on the
 * order the file system lists them in. */
static bool list(struct run *r)
{
	int fd = dup(r->in);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return crit_fail_in(r->a->err, r->in_dir, CRIT_E_IO, CRIT_NOPOS, "cannot read the directory: %s",
				    strerror(errno));
	}
	bool ok = true;
	for (struct dirent *e; ok && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (r->n == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 64;
			char **p = realloc(r->names, cap * sizeof(*p));
			ok = p != NULL;
			if (p) {
				r->names = p;
				r->cap = cap;
			}
		}
		if (ok && (r->names[r->n] = strdup(e->d_name)))
			r->n++;
		else
			ok = false;
	}
	closedir(d);
	if (!ok)
		return anon_nomem(r->a);
	if (r->n) /* an empty directory has no list to sort */
		qsort(r->names, r->n, sizeof(*r->names), by_name);
	return true;
}

/* The file being written, NAME in the new directory. */
static bool create(struct run *r, const char *name, mode_t mode, struct wr *w)
{
	w->fd = -1;
	w->n = 0;
	w->a = r->a;
	w->path = r->out_dir;
	if (r->out < 0)
		return true;
	w->fd = openat(r->out, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 0666);
	if (w->fd < 0)
		return crit_fail_in(r->a->err, r->out_dir, CRIT_E_WRITE, CRIT_NOPOS, "cannot create %s: %s", name,
				    strerror(errno));
	r->a->rep->files++;
	return true;
}

static bool finish(struct wr *w, bool ok)
{
	if (w->fd < 0)
		return ok;
	ok = ok && wr_flush(w);
	if (close(w->fd) < 0 && ok)
		ok = crit_fail_in(w->a->err, w->path, CRIT_E_WRITE, CRIT_NOPOS, "cannot write: %s", strerror(errno));
	w->fd = -1;
	return ok;
}

/* The image read as decode reads it: its damage told as decode tells it. */
static bool check_image(struct anon *a, int fd)
{
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
	struct crit_err e;
	int64_t entry;
	const char *field;

	if (lseek(fd, 0, SEEK_SET) < 0 || image_check(&src, &entry, &field, &e))
		return true;
	return anon_fail(a, e.pos, e.code, "%s", e.msg);
}

/* What a regular file of IN_DIR is, by its name and its first bytes. */
enum kind { K_EMPTY, K_ZEROS, K_NETLINK, K_IMAGE, K_UNJUDGED };

static enum kind kind_of(struct anon *a, const char *name, int fd, uint64_t size, const struct handler **h)
{
	uint8_t head[8];
	struct image_head hd;
	struct crit_err e;
	size_t n = size < 8 ? (size_t)size : 8;
	bool known = pread(fd, head, n, 0) == (ssize_t)n && image_head(head, n, NULL, &hd, &e);

	if (size == 0)
		return K_EMPTY; /* nothing to judge */
	switch (image_raw(name)) {
	case RAW_PAGES:
	case RAW_TARBALL:
		return K_ZEROS;
	case RAW_IFADDR:
	case RAW_ROUTE:
	case RAW_RULE:
		if (n < 4 || netlink_magic(image_raw(name), le32_get(head)))
			return K_NETLINK; /* (too short: damaged, told there) */
		anon_unjudged(a, NULL, "a netlink dump with magic 0x%x, not iproute2's", le32_get(head));
		return K_UNJUDGED;
	case RAW_NETFILTER:
	case RAW_CONNTRACK:
		return anon_unjudged(a, NULL, "raw data crit does not read (netfilter rules, conntrack entries)"),
		       K_UNJUDGED;
	default:
		break;
	}
	if (known && (*h = image_handler_any(hd.magic->name)))
		return K_IMAGE;
	anon_unjudged(a, NULL, "%s", known ? "an image of a kind crit has no handler for"
					   : "no image crit knows (no magic of CRIU's)");
	return K_UNJUDGED;
}

/* A regular file of IN_DIR, opened, of that kind: its new form written by w. */
static bool regular(struct run *r, const char *name, int fd, uint64_t size, enum kind k, const struct handler *h,
		    struct wr *w)
{
	struct anon *a = r->a;

	switch (k) {
	case K_ZEROS: /* as many zeros: a hole the size of the file */
		anon_zeroed(a, size);
		if (w->fd >= 0 && ftruncate(w->fd, (off_t)size) < 0)
			return crit_fail_in(a->err, w->path, CRIT_E_WRITE, CRIT_NOPOS, "cannot write %s: %s", name,
					    strerror(errno));
		return true;
	case K_NETLINK:
		return netlink_rewrite(a, image_raw(name), fd, size, w);
	case K_IMAGE:
		/* checked as decode checks it; older CRIU's kinds by the walk alone */
		if (r->out < 0 && image_handler(h->magic) && !check_image(a, fd))
			return false;
		return image_rewrite(a, fd, size, w);
	case K_UNJUDGED:
		return wr_copy(w, fd, 0, size);
	default:
		return true;
	}
}

/* `parent`, the symlink to the parent dump, carried over as it is (a
 * file holding the path, as a copy keeps it, is copied as it is). */
static bool parent(struct run *r, const struct stat *st)
{
	char target[PARENT_MAX];
	ssize_t n = 0;

	if (S_ISLNK(st->st_mode)) {
		n = readlinkat(r->in, "parent", target, sizeof(target));
		if (n < 0 || (size_t)n >= sizeof(target))
			return crit_fail_in(r->a->err, r->a->file, CRIT_E_IO, CRIT_NOPOS, "cannot read the link: %s",
					    n < 0 ? strerror(errno) : "too long");
		target[n] = 0;
		if (r->out >= 0 && symlinkat(target, r->out, "parent") < 0)
			return crit_fail_in(r->a->err, r->out_dir, CRIT_E_WRITE, CRIT_NOPOS, "cannot create parent: %s",
					    strerror(errno));
		r->a->rep->files += r->out >= 0;
	}
	return true;
}

/* One name of IN_DIR, read (and in the second pass written). */
static bool file(struct run *r, const char *name)
{
	struct anon *a = r->a;
	struct stat st;
	struct wr *w = malloc(sizeof(*w));

	if (!w)
		return anon_nomem(a);
	a->image = name;
	a->entry = -1;
	a->nfield = 0;
	a->field[0] = 0;
	size_t dn = strlen(r->in_dir);
	while (dn > 1 && r->in_dir[dn - 1] == '/')
		dn--;
	snprintf(a->file, sizeof(a->file), "%.*s/%s", (int)dn, r->in_dir, name);
	bool ok = fstatat(r->in, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!ok) {
		free(w);
		return crit_fail_in(a->err, a->file, CRIT_E_IO, CRIT_NOPOS, "%s", strerror(errno));
	}
	w->fd = -1;
	if (strcmp(name, "parent") == 0 && S_ISLNK(st.st_mode)) {
		ok = parent(r, &st);
	} else if (!S_ISREG(st.st_mode)) {
		anon_skipped(a, "%s, not a file: not copied",
			     S_ISDIR(st.st_mode) ? "a directory" : S_ISLNK(st.st_mode) ? "a symbolic link" : "a special file");
	} else if (strcmp(name, "parent") == 0 && st.st_size > PARENT_MAX) {
		anon_skipped(a, "a parent link of %lld bytes: not copied", (long long)st.st_size);
	} else {
		/* O_NONBLOCK: a FIFO put in its place after the lstat must not block */
		int fd = openat(r->in, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
		struct stat now;
		if (fd < 0 || fstat(fd, &now) < 0 || !S_ISREG(now.st_mode) || now.st_ino != st.st_ino) {
			ok = crit_fail_in(a->err, a->file, CRIT_E_IO, CRIT_NOPOS, "cannot open: %s",
					  fd < 0 ? strerror(errno) : "it changed while it was read");
		} else if (strcmp(name, "parent") == 0) { /* a path, as it is */
			ok = create(r, name, now.st_mode, w) && finish(w, wr_copy(w, fd, 0, (uint64_t)now.st_size));
		} else {
			uint64_t size = (uint64_t)now.st_size;
			const struct handler *h = NULL;
			enum kind k = kind_of(a, name, fd, size, &h);
			if (k != K_UNJUDGED || !a->opts->strict) /* else left out */
				ok = create(r, name, now.st_mode, w) &&
				     finish(w, regular(r, name, fd, size, k, h, w) && !crit_failed(a->err));
		}
		if (fd >= 0)
			close(fd);
	}
	free(w);
	return ok && !crit_failed(a->err);
}

/* OUT_DIR: not there (its directory is), or an empty directory; never
 * IN_DIR or inside it. The new directory goes beside it. */
static bool out_ok(struct run *r)
{
	struct crit_err *err = r->a->err;
	char in_real[PATH_MAX], up_real[PATH_MAX], up[PATH_MAX];
	struct stat st;
	size_t n = strlen(r->out_dir);

	while (n > 1 && r->out_dir[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(up))
		return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "OUT_DIR: an empty or too long path");
	memcpy(up, r->out_dir, n);
	up[n] = 0;
	if (lstat(up, &st) == 0) {
		DIR *d = S_ISDIR(st.st_mode) ? opendir(up) : NULL;
		bool empty = d != NULL;
		for (struct dirent *e; d && (e = readdir(d));)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				empty = false;
		if (d)
			closedir(d);
		if (!empty)
			return crit_fail_in(err, up, CRIT_E_USAGE, CRIT_NOPOS, "%s; give a new or empty directory",
					    S_ISDIR(st.st_mode) ? "not empty" : "exists, and is no directory");
	} else if (errno != ENOENT) {
		return crit_fail_in(err, up, CRIT_E_IO, CRIT_NOPOS, "%s", strerror(errno));
	}
	if (snprintf(r->tmp, sizeof(r->tmp), "%s.XXXXXX", up) >= (int)sizeof(r->tmp))
		return crit_fail_in(err, up, CRIT_E_USAGE, CRIT_NOPOS, "path too long");
	/* where it would be: its directory's real path, and its name */
	char *slash = strrchr(up, '/');
	const char *base = slash ? slash + 1 : up;
	if (slash)
		*slash = 0;
	const char *dir = !slash ? "." : slash == up ? "/" : up;
	if (!realpath(dir, up_real) || !realpath(r->in_dir, in_real))
		return crit_fail_in(err, dir, CRIT_E_IO, CRIT_NOPOS, "%s", strerror(errno));
	size_t k = strlen(in_real), m = strlen(up_real), nb = strlen(base);
	if (m + 1 + nb >= sizeof(up_real))
		return crit_fail_in(err, r->out_dir, CRIT_E_USAGE, CRIT_NOPOS, "path too long");
	if (up_real[m - 1] != '/')
		up_real[m++] = '/';
	memcpy(up_real + m, base, nb + 1);
	bool inside = strncmp(up_real, in_real, k) == 0 && (up_real[k] == 0 || up_real[k] == '/' || k == 1);
	if (inside)
		return crit_fail_in(err, r->out_dir, CRIT_E_USAGE, CRIT_NOPOS,
				    "is IN_DIR or inside it: nothing is written into IN_DIR");
	return true;
}

/* The new directory and all that was written in it, gone. */
static void discard(struct run *r)
{
	if (r->out < 0)
		return;
	for (size_t i = 0; i < r->n; i++)
		unlinkat(r->out, r->names[i], 0);
	close(r->out);
	r->out = -1;
	rmdir(r->tmp);
}

static bool pass(struct run *r)
{
	const volatile int *stop = r->a->opts->stop;

	for (size_t i = 0; i < r->n; i++) {
		if (stop && *stop)
			return crit_fail_in(r->a->err, r->out_dir, CRIT_E_WRITE, CRIT_NOPOS, "interrupted: nothing written");
		if (!file(r, r->names[i]))
			return false;
	}
	return true;
}

static bool assign(struct anon *a)
{
	struct anon_map *maps[] = { &a->names, &a->ipv4, &a->ipv6, &a->hw };

	for (size_t i = 0; i < 4; i++)
		if (!map_assign(maps[i]))
			return errno == EFBIG ? crit_fail(a->err, CRIT_E_LIMIT, CRIT_NOPOS, "more originals than made-up names")
					      : anon_nomem(a);
	a->rep->names = a->names.n;
	a->rep->addresses = a->ipv4.n + a->ipv6.n + a->hw.n;
	return true;
}

bool crit_anonymize(const char *in_dir, const char *out_dir, const struct crit_anon_opts *opts,
		    struct crit_anon_report *rep, struct crit_err *err)
{
	static const struct crit_anon_opts defaults;
	struct anon *a = calloc(1, sizeof(*a));
	struct run r = { .a = a, .in = -1, .out = -1, .in_dir = in_dir, .out_dir = out_dir };

	memset(rep, 0, sizeof(*rep));
	memset(err, 0, sizeof(*err));
	if (!a)
		return crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	*a = (struct anon){ .opts = opts ? opts : &defaults, .rep = rep, .err = err };
	a->names.kind = MAP_NAME;
	a->ipv4.kind = MAP_IPV4;
	a->ipv6.kind = MAP_IPV6;
	a->hw.kind = MAP_HW;
	r.in = open(in_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool ok = r.in >= 0 || crit_fail_in(err, in_dir, CRIT_E_IO, CRIT_NOPOS, "cannot open the directory: %s",
					   strerror(errno));
	ok = ok && out_ok(&r) && list(&r) && pass(&r) && assign(a);
	if (ok) { /* the second pass, into a new directory */
		a->writing = true;
		if (!mkdtemp(r.tmp) || (r.out = open(r.tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
			ok = crit_fail_in(err, out_dir, CRIT_E_WRITE, CRIT_NOPOS, "cannot make a directory beside it: %s",
					  strerror(errno));
		ok = ok && pass(&r) && (!a->opts->map || mapfile_write(a, a->opts->map));
		ok = ok && (fsync(r.out) == 0 || errno == EINVAL);
		if (ok && rename(r.tmp, out_dir) < 0)
			ok = crit_fail_in(err, out_dir, CRIT_E_WRITE, CRIT_NOPOS, "cannot put it in place: %s",
					  strerror(errno));
		if (ok) {
			close(r.out);
			r.out = -1;
		}
	}
	discard(&r);
	if (r.in >= 0)
		close(r.in);
	for (size_t i = 0; i < r.n; i++)
		free(r.names[i]);
	free(r.names);
	map_free(&a->names);
	map_free(&a->ipv4);
	map_free(&a->ipv6);
	map_free(&a->hw);
	free(a);
	if (!ok)
		crit_anon_report_free(rep);
	return ok;
}
