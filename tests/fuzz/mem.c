/*
 * mem.c - fuzz target: the memory reader (crit_memory_*, crit mem, crit
 * search, ps --cmd --env) on a checkpoint directory made from the input
 * (fz_dir_make in fuzzdir.h): pstree, core, mm, pagemap, pagemap-shmem,
 * files, memfd, pages files and a `parent` file naming a directory.
 *
 * For each task with an mm-PID.img: its map, up to 64 KiB of each VMA
 * (zeros where nothing is held), its command line and environment, a
 * search for a string and for a regex; each call succeeds, or fails with
 * an error that has a code and a message. Then the printed commands.
 */
#include "fuzzdir.h"

#define MAX_READ ((size_t)64 << 10)

static bool region(void *ctx, const struct crit_mem_region *r)
{
	struct crit_memory *m = ctx;
	static uint8_t buf[MAX_READ];
	struct crit_err err;
	uint64_t n = r->end - r->start < MAX_READ ? r->end - r->start : MAX_READ;

	FZ_ASSERT(r->start < r->end, "an empty region");
	FZ_ASSERT(r->pages_dump + r->pages_parent + r->pages_lazy + r->pages_none ==
			  (r->end - r->start) / crit_memory_page_size(m),
		  "page counts that do not add up");
	if (!crit_memory_read(m, r->start, buf, (size_t)n, true, NULL, NULL, &err))
		fz_check_err(&err, SIZE_MAX, false);
	return true;
}

static bool one_string(void *ctx, const void *s, size_t n, bool more)
{
	(void)ctx, (void)s, (void)more;
	FZ_ASSERT(n <= CRIT_MEM_MAX_STRING, "a string of %zu bytes", n);
	return true;
}

static bool one_match(void *ctx, const struct crit_mem_match *mt)
{
	(void)ctx;
	FZ_ASSERT(mt->n && mt->addr >= mt->vma_start && mt->addr < mt->vma_end, "a match outside its VMA");
	return true;
}

static void task(const char *dir, uint64_t pid)
{
	struct crit_memory *m;
	struct crit_err err;

	if (!crit_memory_open(dir, pid, &m, &err)) {
		fz_check_err(&err, SIZE_MAX, false);
		return;
	}
	struct crit_mem_mm mm;
	crit_memory_mm(m, &mm);
	if (!crit_memory_regions(m, region, m, &err))
		fz_check_err(&err, SIZE_MAX, false);
	if (!crit_memory_strings(m, mm.arg_start, mm.arg_end, one_string, NULL, &err))
		fz_check_err(&err, SIZE_MAX, false);
	if (!crit_memory_strings(m, mm.env_start, mm.env_end, one_string, NULL, &err))
		fz_check_err(&err, SIZE_MAX, false);
	struct crit_search_opts so[] = {
		{ .pattern = "PATH", .n = 4, .context = 8 },
		{ .pattern = "path", .n = 4, .icase = true },
		{ .pattern = "^[A-Z]+=", .n = 8, .regex = true, .context = 3 },
	};
	for (size_t i = 0; i < sizeof(so) / sizeof(so[0]); i++)
		if (!crit_memory_search(m, &so[i], one_match, NULL, &err))
			fz_check_err(&err, SIZE_MAX, false);
	crit_memory_close(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[4096];
	struct crit_sink drop = fz_sink(NULL);
	struct crit_err err;

	fz_dir_make(data, size, dir);
	uint64_t pids[8];
	size_t n = fz_dir_pids(dir, "mm", pids, 8);
	for (size_t i = 0; i < n; i++) {
		struct crit_mem_print_opts po = { .json = i % 2, .fill = true };
		struct crit_search_opts so = { .pattern = "sh", .n = 2, .context = 4 };
		task(dir, pids[i]);
		if (!crit_mem_print_map(dir, pids[i], &po, &drop, &err))
			fz_check_err(&err, SIZE_MAX, false);
		po.json = false;
		if (!crit_mem_print_bytes(dir, pids[i], 0, 4096, false, &po, &drop, &err))
			fz_check_err(&err, SIZE_MAX, false);
		/* the whole mapping of the stack's arguments, raw: its zero pages skipped */
		struct crit_memory *m;
		struct crit_mem_mm mm = { 0 };
		if (crit_memory_open(dir, pids[i], &m, &err)) {
			crit_memory_mm(m, &mm);
			crit_memory_close(m);
		}
		po.raw = true;
		if (!crit_mem_print_bytes(dir, pids[i], mm.arg_start, 0, true, &po, &drop, &err))
			fz_check_err(&err, SIZE_MAX, false);
		po.raw = false;
		if (!crit_mem_print_search(dir, &pids[i], &so, &po, &drop, &err))
			fz_check_err(&err, SIZE_MAX, false);
	}
	struct crit_explore_opts xo = { .json = true, .cmd = true, .env = true };
	if (!crit_explore(dir, "ps", &xo, &drop, &err))
		fz_check_err(&err, SIZE_MAX, false);
	fz_dir_remove(dir);
	return 0;
}
