/*
 * check.c - fuzz target: crit check on a checkpoint directory made from
 * the input (fuzzdir.h), every family of checks, and its report as text
 * and as JSON.
 *
 * Invariants: a check that fails has an error; one that works lists
 * problems that each name an image and a kind and say something, and
 * says which kind of directory it read.
 */
#include "fuzzdir.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[4096];
	struct crit_check res;
	struct crit_err err;

	fz_dir_make(data, size, dir);
	if (!crit_check(dir, NULL, &res, &err)) {
		FZ_ASSERT(err.code != CRIT_OK && err.msg[0], "crit check failed without an error");
	} else {
		FZ_ASSERT(res.dump, "no kind of directory");
		for (size_t i = 0; i < res.n; i++) {
			const struct crit_problem *p = &res.problems[i];
			FZ_ASSERT(p->image[0] && p->kind[0] && p->message[0], "problem %zu says nothing", i);
			FZ_ASSERT(p->entry >= -1, "problem %zu: entry %lld", i, (long long)p->entry);
		}
		struct crit_sink drop = fz_sink(NULL);
		for (int json = 0; json < 2; json++) {
			struct crit_check_print_opts opts = { .json = json, .escape = !json };
			FZ_ASSERT(crit_check_print(&res, &opts, &drop, &err), "cannot print: %s", err.msg);
		}
		crit_check_free(&res);
	}
	struct crit_check_opts tree = { .what = CRIT_CHECK_TREE };
	if (crit_check(dir, &tree, &res, &err))
		crit_check_free(&res);
	fz_dir_remove(dir);
	return 0;
}
