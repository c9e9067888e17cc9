/*
 * floor.c - the least time reading a checkpoint's images takes here: each
 * file matching the patterns in DIR opened, fstat'ed, read whole and
 * closed, one after the other, as any tool reading them must; the best of
 * PASSES passes. bench/explore.py adds the time of starting ./crit to
 * this, for the least time any `crit x` can take.
 *
 *   floor PASSES DIR PATTERN...      prints: FILES BEST_MICROSECONDS
 */
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	glob_t g = { 0 };
	char pat[4096];
	size_t cap = 1 << 16;
	char *buf = malloc(cap);
	double best = 1e9;

	if (argc < 4 || !buf) {
		fprintf(stderr, "usage: floor PASSES DIR PATTERN...\n");
		return 2;
	}
	for (int i = 3; i < argc; i++) {
		snprintf(pat, sizeof(pat), "%s/%s", argv[2], argv[i]);
		glob(pat, i > 3 ? GLOB_APPEND : 0, NULL, &g);
	}
	for (int pass = 0; pass < atoi(argv[1]); pass++) {
		double t = now();
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct stat st;
			int fd = open(g.gl_pathv[i], O_RDONLY | O_CLOEXEC);
			if (fd < 0 || fstat(fd, &st) < 0) {
				perror(g.gl_pathv[i]);
				return 1;
			}
			if ((size_t)st.st_size > cap && !(buf = realloc(buf, cap = (size_t)st.st_size)))
				return 1;
			if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
				perror(g.gl_pathv[i]);
				return 1;
			}
			close(fd);
		}
		t = now() - t;
		if (t < best)
			best = t;
	}
	printf("%zu %.0f\n", g.gl_pathc, best * 1e6);
	globfree(&g);
	free(buf);
	return 0;
}
