/*
 * core.c - fuzz target: crit_core, an ELF core of each task of a
 * checkpoint directory made from the input (fz_dir_make in fuzzdir.h),
 * written to a sink that drops it: it succeeds, or fails with an error
 * that has a code and a message; it never crashes or hangs.
 */
#include "fuzzdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[4096];
	struct crit_sink drop = fz_sink(NULL);
	struct crit_err err;
	struct crit_core_info info;

	fz_dir_make(data, size, dir);
	uint64_t pids[8];
	size_t n = fz_dir_pids(dir, "core", pids, 8);
	for (size_t i = 0; i < n; i++) {
		struct crit_core_opts opts = { .root = i % 2 ? dir : NULL };
		if (!crit_core(dir, pids[i], &opts, &drop, &info, &err))
			fz_check_err(&err, SIZE_MAX, false);
		else
			FZ_ASSERT(info.threads >= 1 && info.absent_bytes >= info.absent_runs, "a core without threads");
	}
	fz_dir_remove(dir);
	return 0;
}
