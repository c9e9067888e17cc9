/*
 * pagemap.c - a pagemap image read into a sorted index of its entries.
 *
 * The image is cut into entries by ckpt.c; each entry's fields are read in
 * place (view.c). An entry says where nr_pages pages from vaddr are:
 * PE_PRESENT in the pages file (in pagemap order), PE_PARENT in the parent
 * pre-dump, PE_LAZY with the lazy-pages daemon unless PE_PRESENT too.
 * Older CRIU wrote in_parent instead of flags, and compat_nr_pages
 * without nr_pages. Nothing in it is trusted: the entries must be
 * page-aligned, ascending, apart and below 2^64, or the image is damaged.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem/mem.h"

enum { F_VADDR, F_COMPAT, F_IN_PARENT, F_FLAGS, F_NR, F_N };
static const char *const fields[F_N] = { "vaddr", "compat_nr_pages", "in_parent", "flags", "nr_pages" };

void pagemap_free(struct pagemap *pm)
{
	free(pm->e);
	pm->e = NULL;
	pm->n = 0;
}

static bool bad(struct pagemap *pm, struct crit_err *err, uint64_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool bad(struct pagemap *pm, struct crit_err *err, uint64_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crit_vfail_in(err, pm->file, CRIT_E_RANGE, at, fmt, ap);
	va_end(ap);
	pagemap_free(pm);
	return false;
}

static bool index_entries(struct pagemap *pm, const struct ckpt_image *im, uint64_t ps, struct crit_err *err)
{
	struct view_fields vf = { .names = fields, .n = F_N };
	int shift = __builtin_ctzll(ps);

	pm->pages_id = view_uint_or(&im->entries[0], "pages_id", 0);
	pm->e = malloc((im->n ? im->n : 1) * sizeof(*pm->e));
	if (!pm->e)
		return crit_fail_in(err, pm->file, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	for (size_t i = 1; i < im->n; i++) {
		const struct view *v = &im->entries[i];
		uint64_t f[F_N] = { 0 };
		uint32_t has = view_read(v, &vf, f);
		uint64_t at = (uint64_t)(v->p - im->data) - 4; /* its size word */
		uint64_t pages = has & 1u << F_NR ? f[F_NR] : f[F_COMPAT];
		uint32_t flags = has & 1u << F_FLAGS ? (uint32_t)f[F_FLAGS]
			       : f[F_IN_PARENT]      ? PE_PARENT
						     : PE_PRESENT;
		if (crit_failed(err))
			return pagemap_free(pm), false;
		if (f[F_VADDR] & (ps - 1))
			return bad(pm, err, at, "entry %zu: vaddr 0x%llx is not a multiple of the page size %llu", i,
				   (unsigned long long)f[F_VADDR], (unsigned long long)ps);
		if (pages > (UINT64_MAX >> shift) || f[F_VADDR] > UINT64_MAX - (pages << shift))
			return bad(pm, err, at, "entry %zu: 0x%llx + %llu pages of %llu bytes reaches 2^64", i,
				   (unsigned long long)f[F_VADDR], (unsigned long long)pages,
				   (unsigned long long)ps);
		struct pm_entry *e = &pm->e[pm->n];
		*e = (struct pm_entry){ f[F_VADDR], f[F_VADDR] + (pages << shift), pm->need, at, flags };
		if (pages == 0)
			continue; /* nothing there */
		if (pm->n && e->vaddr < pm->e[pm->n - 1].end)
			return bad(pm, err, at, "entry %zu at 0x%llx %s the entry before it, which ends at 0x%llx", i,
				   (unsigned long long)e->vaddr,
				   e->vaddr < pm->e[pm->n - 1].vaddr ? "comes before" : "overlaps",
				   (unsigned long long)pm->e[pm->n - 1].end);
		if (flags & PE_PRESENT) {
			uint64_t len = pages << shift;
			if (pm->need > UINT64_MAX - len)
				return bad(pm, err, at, "entry %zu: the pages file would pass 2^64 bytes", i);
			pm->need += len;
		}
		pm->n++;
	}
	return true;
}

bool pagemap_load(struct ckpt *c, struct pagemap *pm, uint64_t page_size, bool *missing, const char *fmt, ...)
{
	struct ckpt_image im;
	char name[200];
	va_list ap;

	memset(pm, 0, sizeof(*pm));
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	bool loaded = ckpt_load(c, &im, missing, "%s", name);
	snprintf(pm->file, sizeof(pm->file), "%s", im.file);
	if (!loaded)
		return false;
	bool ok = true;
	if (im.h->frame != FR_PAGEMAP)
		ok = crit_fail_in(c->err, im.file, CRIT_E_MAGIC, 0, "not a pagemap image (magic %s)", im.h->magic);
	else if (!im.n)
		ok = crit_fail_in(c->err, im.file, CRIT_E_TRUNCATED, im.size, "no pagemap head");
	else
		ok = index_entries(pm, &im, page_size, c->err);
	ckpt_free(&im);
	return ok;
}

size_t pagemap_find(const struct pagemap *pm, uint64_t addr)
{
	size_t lo = 0, hi = pm->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pm->e[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
