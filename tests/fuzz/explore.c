/*
 * explore.c - fuzz target: the explorers (crit x) on a checkpoint
 * directory made from the input.
 *
 * The input is a few named files (fuzzdir.h); every explorer runs on the
 * directory they make, and it is removed again.
 */
#include "fuzzdir.h"

/* Every explorer crit_explore has. */
static const char *const explorers[] = { "ps", "fds", "mems", "rss", "sk", "stats" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[4096];

	fz_dir_make(data, size, dir);
	struct crit_sink drop = fz_sink(NULL);
	for (size_t i = 0; i < 2 * sizeof(explorers) / sizeof(explorers[0]); i++) {
		struct crit_explore_opts opts = { .json = i % 2 };
		const char *what = explorers[i / 2];
		struct crit_err err;
		if (!crit_explore(dir, what, &opts, &drop, &err)) {
			FZ_ASSERT(err.code != CRIT_OK && err.msg[0], "crit x %s failed without an error", what);
			FZ_ASSERT(err.file[0], "crit x %s: an error naming no file: %s", what, err.msg);
		}
	}
	fz_dir_remove(dir);
	return 0;
}
