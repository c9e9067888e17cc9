/*
 * mem.h - a task's memory read from a checkpoint, page by page, one stage
 * a file:
 *   pagemap.c  a pagemap image as a checked, sorted index of its entries
 *   source.c   where a run of bytes comes from: a pages file read with
 *              pread in bounded pieces, zeros, or nothing
 *   mem.c      the task: its VMAs, its pagemap and those of its parent
 *              pre-dumps, shared memory; an address turned into bytes
 *              with where they came from (crit_memory_* in crit.h)
 *   search.c   a streaming search over the runs the checkpoint holds
 */
#ifndef CRIT_MEM_H
#define CRIT_MEM_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt.h"
#include "format/bits.h"

/* The page size: 4 KiB where the architecture (core_entry's mtype, 0 when
 * unknown) has only that, else the largest one (up to 64 KiB) that every
 * VMA of the mm entry is aligned to. crit x rss and the memory reader
 * both ask here. */
uint64_t mem_page_size(int64_t arch, const struct view *mm);

/* ---- pagemap.c ----------------------------------------------------- */

struct pm_entry {
	uint64_t vaddr, end; /* [vaddr, end): its pages */
	uint64_t off;        /* PE_PRESENT: its first page's offset in the pages file */
	uint64_t at;         /* its offset in the image, for errors */
	uint32_t flags;      /* PE_*: flags, or in_parent of older CRIU */
};

struct pagemap {
	char file[256];      /* DIR/pagemap-ID.img, for errors */
	uint64_t pages_id;   /* pages-ID.img holds its PE_PRESENT pages */
	uint64_t need;       /* bytes of the pages file its entries take */
	struct pm_entry *e;  /* sorted, not overlapping */
	size_t n;
};

/* The pagemap image NAME (a printf format) in c's directory, checked:
 * page-aligned entries in ascending order that neither overlap nor pass
 * 2^64. Missing is no error when missing is not NULL (*missing set). */
bool pagemap_load(struct ckpt *c, struct pagemap *pm, uint64_t page_size, bool *missing, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
void pagemap_free(struct pagemap *pm);
/* The first entry that ends after addr (it may start after it), or n. */
size_t pagemap_find(const struct pagemap *pm, uint64_t addr);

/* ---- source.c ------------------------------------------------------ */

/* A pages file: a regular file (never a FIFO or a device), at least as
 * long as its pagemap needs, read with pread. A later kind of block
 * (LZ4-compressed pages) is one more kind of source. */
struct pages_file {
	char file[256];
	int fd;              /* -1: none was needed */
	uint64_t size;
};

bool pages_open(struct ckpt *c, struct pages_file *pf, const struct pagemap *pm);
void pages_close(struct pages_file *pf);

/* Where a run of bytes comes from. */
enum src_kind {
	SRC_FILE,   /* a pages file at off */
	SRC_ZERO,   /* zeros: anonymous memory never touched, a hole in shmem */
	SRC_ABSENT, /* not in the checkpoint: why says */
};

struct page_src {
	enum src_kind kind;
	const struct pages_file *pf;
	uint64_t off;
	const char *why;
};

/* n bytes of s into buf, in pieces the kernel bounds (zeros for ZERO and
 * ABSENT: the caller says which they were). */
bool src_read(const struct page_src *s, void *buf, size_t n, struct crit_err *err);

/* ---- mem.c --------------------------------------------------------- */

/* crit_memory_open for one task; arch < 0: its core image says. */
struct crit_memory *mem_open(const char *dir, uint64_t pid, int64_t arch, struct crit_err *err);
/* Errors of the next calls go to err (cleared by mem_begin): again after
 * a callback, which may have used the memory with an err of its own. */
void mem_begin(struct crit_memory *m, struct crit_err *err);
void mem_err(struct crit_memory *m, struct crit_err *err);
/* What holds addr and how far the same source goes, up to limit (past
 * addr): the span and where its bytes are. */
bool mem_locate(struct crit_memory *m, uint64_t addr, uint64_t limit, struct crit_mem_span *sp,
		struct page_src *src);
/* Does the checkpoint hold every byte of [addr, end)? Else CRIT_E_ABSENT
 * naming the first it does not. */
bool mem_held(struct crit_memory *m, uint64_t addr, uint64_t end);
bool mem_is_lazy(const struct crit_mem_span *sp);
/* core_entry's mtype, as mem_open found it (0: unknown). */
int64_t mem_arch(const struct crit_memory *m);
/* The VMAs, in address order: the first that ends after addr (or the
 * count), and VMA i's bounds. */
size_t mem_vma_find(const struct crit_memory *m, uint64_t addr);
size_t mem_nvmas(const struct crit_memory *m);
bool mem_vma(const struct crit_memory *m, size_t i, uint64_t *start, uint64_t *end);

/* ---- strings.c ---------------------------------------------------- */

/* crit_memory_strings' checks, without reading: false (CRIT_E_ABSENT,
 * CRIT_E_LIMIT; or damage) when it would fail. */
bool mem_strings_held(struct crit_memory *m, uint64_t start, uint64_t end, struct crit_err *err);

#endif
