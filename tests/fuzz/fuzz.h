/*
 * fuzz.h - what the fuzz targets share.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput. `make fuzz`
 * links it with libFuzzer (and ASan, UBSan); replay.c gives it a plain
 * main() that `make check` runs over the committed corpus and regression
 * inputs. A broken invariant aborts, which both report as a crash.
 */
#ifndef CRIT_FUZZ_H
#define CRIT_FUZZ_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_ASSERT(cond, ...)                                                      \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* Output kept in memory; the caller frees p. */
struct fz_buf {
	uint8_t *p;
	size_t n, cap;
};

static inline bool fz_write(void *ctx, const void *s, size_t n)
{
	struct fz_buf *b = ctx;

	if (n > b->cap - b->n) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->n < n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return true;
}

static inline bool fz_drop(void *ctx, const void *s, size_t n)
{
	(void)ctx, (void)s, (void)n;
	return true;
}

static inline struct crit_sink fz_sink(struct fz_buf *b)
{
	return b ? (struct crit_sink){ fz_write, b } : (struct crit_sink){ fz_drop, NULL };
}

static inline struct crit_source fz_source(const void *data, size_t size)
{
	return (struct crit_source){ .kind = CRIT_SOURCE_BUFFER, .data = data, .size = size };
}

/* A failure is a real error: a code and a message, at a place inside the
 * input (an offset up to its size, or a line and column in JSON). */
static inline void fz_check_err(const struct crit_err *err, size_t size, bool json)
{
	FZ_ASSERT(err->code != CRIT_OK, "failed without an error code");
	FZ_ASSERT(err->msg[0], "error %d without a message", (int)err->code);
	if (json)
		FZ_ASSERT(err->line >= 1 && err->col >= 1, "JSON error without line:col: %s", err->msg);
	else
		FZ_ASSERT(err->pos <= size, "error offset %llu past the %zu-byte input: %s",
			  (unsigned long long)err->pos, size, err->msg);
}

/* The first offset where a and b differ. */
static inline size_t fz_diff_at(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	size_t i = 0;

	while (i < na && i < nb && a[i] == b[i])
		i++;
	return i;
}

/* ---- A checkpoint directory from the input ------------------------ */

/*
 * The input is a few named files, each "NAME\n" then its bytes, separated
 * by "@@@@":  pstree.img\n<bytes>@@@@core-1.img\n<bytes>@@@@...
 * A piece whose name is not a plain file name (1 to 63 of [A-Za-z0-9._-],
 * no leading dot) is ignored; a later piece of the same name wins. The
 * files go to a fresh directory (under $TMPDIR, else /dev/shm, else /tmp),
 * which fz_remove_dir removes again.
 */
#define SEP "@@@@"
#define MAX_FILES 64

static inline bool fz_plain_name(const uint8_t *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) || !s[i])
			return false;
	return true;
}

static inline const char *fz_tmp_base(void)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (t && *t)
		return t;
	return stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
}

static inline void fz_put_file(int dirfd, const uint8_t *name, size_t nlen, const uint8_t *data, size_t size)
{
	char path[64];

	memcpy(path, name, nlen);
	path[nlen] = 0;
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FZ_ASSERT(fd >= 0, "cannot create %s", path);
	for (size_t off = 0; off < size;) {
		ssize_t w = write(fd, data + off, size - off);
		FZ_ASSERT(w > 0, "cannot write %s", path);
		off += (size_t)w;
	}
	close(fd);
}

static inline void fz_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	FZ_ASSERT(d, "cannot open %s", dir);
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	FZ_ASSERT(rmdir(dir) == 0, "cannot remove %s", dir);
}


static inline void fz_make_dir(const uint8_t *data, size_t size, char *dir, size_t cap)
{
	const uint8_t *p = data, *end = data + size;
	int files = 0;

	snprintf(dir, cap, "%s/crit-fuzz-XXXXXX", fz_tmp_base());
	FZ_ASSERT(mkdtemp(dir), "cannot make a directory in %s", fz_tmp_base());
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FZ_ASSERT(dirfd >= 0, "cannot open %s", dir);
	while (p < end && files < MAX_FILES) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		const uint8_t *stop = sep ? sep : end;
		const uint8_t *nl = memchr(p, '\n', (size_t)(stop - p));
		if (nl && fz_plain_name(p, (size_t)(nl - p))) {
			fz_put_file(dirfd, p, (size_t)(nl - p), nl + 1, (size_t)(stop - nl - 1));
			files++;
		}
		p = sep ? sep + strlen(SEP) : end;
	}
	close(dirfd);
}

#endif
