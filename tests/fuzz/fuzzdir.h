/*
 * fuzzdir.h - what the fuzz targets that read a checkpoint directory
 * share: the input cut into named files, written to a fresh directory.
 *
 * The input is a few named files, each "NAME\n" then its bytes, separated
 * by "@@@@":  pstree.img\n<bytes>@@@@core-1.img\n<bytes>@@@@...
 * A piece whose name is not a plain file name (1 to 63 of [A-Za-z0-9._-],
 * no leading dot) is ignored; a later piece of the same name wins. The
 * files go to a fresh directory (under $TMPDIR, else /dev/shm, else /tmp).
 */
#ifndef CRIT_FUZZDIR_H
#define CRIT_FUZZDIR_H

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

#define SEP "@@@@"
#define MAX_FILES 64

static bool plain_name(const uint8_t *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", s[i]) || !s[i])
			return false;
	return true;
}

static const char *tmp_base(void)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (t && *t)
		return t;
	return stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
}

static void put_file(int dirfd, const uint8_t *name, size_t nlen, const uint8_t *data, size_t size)
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

static void fz_dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	FZ_ASSERT(d, "cannot open %s", dir);
	for (struct dirent *e; (e = readdir(d));)
		if (e->d_name[0] != '.')
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	FZ_ASSERT(rmdir(dir) == 0, "cannot remove %s", dir);
}

/* The input's files in a fresh directory, whose name goes to dir. */
static void fz_dir_make(const uint8_t *data, size_t size, char dir[4096])
{
	const uint8_t *p = data, *end = data + size;
	int files = 0;

	snprintf(dir, 4096, "%s/crit-fuzz-XXXXXX", tmp_base());
	FZ_ASSERT(mkdtemp(dir), "cannot make a directory in %s", tmp_base());
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FZ_ASSERT(dirfd >= 0, "cannot open %s", dir);
	while (p < end && files < MAX_FILES) {
		const uint8_t *sep = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
		const uint8_t *stop = sep ? sep : end;
		const uint8_t *nl = memchr(p, '\n', (size_t)(stop - p));
		if (nl && plain_name(p, (size_t)(nl - p))) {
			put_file(dirfd, p, (size_t)(nl - p), nl + 1, (size_t)(stop - nl - 1));
			files++;
		}
		p = sep ? sep + strlen(SEP) : end;
	}
	close(dirfd);
}

/* The pids of the images named PREFIX-PID.img in dir, at most max. */
static inline size_t fz_dir_pids(const char *dir, const char *prefix, uint64_t *pids, size_t max)
{
	size_t n = 0, k = strlen(prefix);
	DIR *d = opendir(dir);

	FZ_ASSERT(d, "cannot open %s", dir);
	for (struct dirent *e; (e = readdir(d)) && n < max;) {
		unsigned long long pid;
		char tail[8];
		if (strncmp(e->d_name, prefix, k) == 0 && e->d_name[k] == '-' &&
		    sscanf(e->d_name + k + 1, "%llu.im%1s", &pid, tail) == 2 && strcmp(tail, "g") == 0)
			pids[n++] = pid;
	}
	closedir(d);
	return n;
}

#endif
