/*
 * memory.c - each pagemap against what it describes: its present pages
 * fill its pages image exactly; its entries are sorted, do not overlap
 * and lie inside the task's VMAs; the pages of PE_PARENT entries are held
 * by the parent dump (present there, or PE_PARENT again in its parent),
 * which the `parent` link names: a symlink, or a file holding the path,
 * relative to the dump's directory.
 *
 * Pagemap entries are read here with the views, in pm_read, and not with
 * the memory layer's pagemap_load: that one refuses a damaged pagemap at
 * its first fault, where this reports each fault as a problem.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/check.h"
#include "mem/mem.h"

/* The most parent dumps followed: a chain of pre-dumps is a few long. */
#define MAX_PARENTS 24

/* One pagemap entry: the pages [vaddr, end). */
struct pm {
	uint64_t vaddr, end;
	uint64_t flags;
	size_t entry;
};

struct pm_list {
	struct pm *v;
	size_t n;
	uint64_t pages_id, present; /* present pages */
	bool ok;
};

/* A parent dump: its directory and how the problems name it. */
struct chk_parent {
	struct ckpt c;
	char dir[PATH_MAX];
	char prefix[CHK_NAME]; /* "parent/", "parent/parent/"... */
	dev_t dev;
	ino_t ino;
	struct pm_list pm;     /* the pagemap of the image being checked */
	bool pm_tried;
};

struct mem {
	struct chk *k;
	uint64_t ps;              /* the page size of the pagemap checked */
	struct chk_parent lv[MAX_PARENTS + 1]; /* lv[0] is the dump itself */
	size_t nlv;       /* levels opened */
	bool chain_end;   /* no parent past lv[nlv - 1] */
	bool broken;      /* a link that names no dump: told, and what follows not */
};

static int cmp_pm(const void *a, const void *b)
{
	const struct pm *x = a, *y = b;

	return x->vaddr < y->vaddr ? -1 : x->vaddr > y->vaddr;
}

/* The page size of a pre-dump, which has no mm image to find it in
 * (mem_page_size): 4 KiB where the architecture has only that (x86_64,
 * s390, or unknown), else the one the pages image says. */
static uint64_t predump_page_size(int64_t mtype, uint64_t pages_bytes, uint64_t present)
{
	if (mtype == 0 || mtype == 1 || mtype == 5 || !present)
		return 4096;
	for (uint64_t ps = 4096; ps <= 65536; ps <<= 1)
		if (pages_bytes == present * ps)
			return ps;
	return 4096;
}

/* The pagemap's entries, in image order; problems for what cannot be. */
static void pm_read(struct mem *m, struct chk_image *ci, uint64_t ps, bool report, struct pm_list *out)
{
	struct chk *k = m->k;
	const struct ckpt_image *im = &ci->im;

	*out = (struct pm_list){ 0 };
	if (!im->n) {
		if (report)
			chk_problem(k, ci->name, -1, NULL, K_FIELD, "no pagemap head");
		return;
	}
	out->pages_id = view_uint_or(&im->entries[0], "pages_id", 0);
	out->v = malloc(im->n * sizeof(*out->v));
	if (!out->v) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	for (size_t i = 1; i < im->n; i++) {
		const struct view *v = &im->entries[i];
		uint64_t vaddr = view_uint_or(v, "vaddr", 0), n, flags;
		if (!view_uint(v, "nr_pages", &n)) /* compat_nr_pages before CRIU 4.2 */
			n = view_uint_or(v, "compat_nr_pages", 0);
		if (!view_uint(v, "flags", &flags)) /* before flags: in_parent, or present */
			flags = view_uint_or(v, "in_parent", 0) ? PE_PARENT : PE_PRESENT;
		if (n > (UINT64_MAX - vaddr) / ps) {
			if (report)
				chk_problem(k, ci->name, (int64_t)i, "nr_pages", K_ORDER,
					    "%llu pages from 0x%llx run past the end of the address space",
					    (unsigned long long)n, (unsigned long long)vaddr);
			continue;
		}
		out->v[out->n++] = (struct pm){ vaddr, vaddr + n * ps, flags, i };
		if (flags & PE_PRESENT)
			out->present += n;
	}
	out->ok = true;
}

static void pm_free(struct pm_list *p)
{
	free(p->v);
	*p = (struct pm_list){ 0 };
}

/* Sorted, and no entry overlaps the one before. */
static void order(struct chk *k, const char *name, const struct pm_list *p)
{
	for (size_t i = 1; i < p->n; i++) {
		const struct pm *a = &p->v[i - 1], *b = &p->v[i];
		if (b->vaddr < a->vaddr)
			chk_problem(k, name, (int64_t)b->entry, "vaddr", K_ORDER,
				    "0x%llx comes after 0x%llx: the entries are not sorted", (unsigned long long)b->vaddr,
				    (unsigned long long)a->vaddr);
		else if (b->vaddr < a->end)
			chk_problem(k, name, (int64_t)b->entry, "vaddr", K_ORDER,
				    "0x%llx is inside the entry before it (0x%llx-0x%llx)", (unsigned long long)b->vaddr,
				    (unsigned long long)a->vaddr, (unsigned long long)a->end);
	}
}

/* The present pages fill pages-ID.img exactly. */
static void pages_size(struct chk *k, const char *name, const struct pm_list *p, uint64_t ps)
{
	char pages[CHK_NAME];
	struct stat st;

	snprintf(pages, sizeof(pages), "pages-%llu.img", (unsigned long long)p->pages_id);
	if (fstatat(k->c.dirfd, pages, &st, 0) < 0) {
		if (p->present && !chk_told(k, pages, NULL))
			chk_problem(k, pages, -1, NULL, K_MISSING, "missing: %s has %llu present pages in it", name,
				    (unsigned long long)p->present);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		chk_problem(k, pages, -1, NULL, K_DAMAGED, "not a regular file");
		return;
	}
	k->res->images++;
	if ((uint64_t)st.st_size != p->present * ps)
		chk_problem(k, pages, -1, NULL, K_PAGES,
			    "%llu bytes, where %s's %llu present pages of %llu bytes need %llu",
			    (unsigned long long)st.st_size, name, (unsigned long long)p->present,
			    (unsigned long long)ps, (unsigned long long)(p->present * ps));
}

/* Every entry's pages lie inside the task's VMAs. */
static void inside(struct chk *k, const char *name, const struct pm_list *p, const struct ckpt_image *mm)
{
	struct view_iter it;
	struct view v;
	size_t n = 0, cap = 16;
	struct pm *vmas = malloc(cap * sizeof(*vmas));

	view_iter(&it, &mm->entries[0], "vmas");
	while (vmas && view_next_msg(&it, &v)) {
		if (n == cap) {
			struct pm *q = realloc(vmas, 2 * cap * sizeof(*q));
			if (!q)
				break;
			vmas = q;
			cap *= 2;
		}
		vmas[n++] = (struct pm){ view_uint_or(&v, "start", 0), view_uint_or(&v, "end", 0), 0, 0 };
	}
	if (!vmas || view_next_msg(&it, &v)) {
		free(vmas);
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	qsort(vmas, n, sizeof(*vmas), cmp_pm);
	size_t m = 0; /* adjacent VMAs joined: the pages may run across them */
	for (size_t i = 0; i < n; i++)
		if (m && vmas[i].vaddr <= vmas[m - 1].end)
			vmas[m - 1].end = vmas[i].end > vmas[m - 1].end ? vmas[i].end : vmas[m - 1].end;
		else
			vmas[m++] = vmas[i];
	for (size_t i = 0; i < p->n; i++) {
		const struct pm *e = &p->v[i];
		size_t lo = 0, hi = m; /* the last VMA starting at or before vaddr */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (vmas[mid].vaddr <= e->vaddr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo || e->end > vmas[lo - 1].end || e->vaddr >= vmas[lo - 1].end)
			chk_problem(k, name, (int64_t)e->entry, "vaddr", K_VMA,
				    "the pages 0x%llx-0x%llx are not inside the task's VMAs", (unsigned long long)e->vaddr,
				    (unsigned long long)e->end);
	}
	free(vmas);
}

/* ------------------------------------------------------------------ */
/* Parent dumps                                                         */
/* ------------------------------------------------------------------ */

/* Opens the parent of level l - 1 as level l; false when there is none
 * (a problem said why, when it is not simply absent). */
static bool open_parent(struct mem *m)
{
	struct chk *k = m->k;
	struct chk_parent *up = &m->lv[m->nlv - 1], *p = &m->lv[m->nlv];
	char link[CHK_NAME], path[PATH_MAX];
	struct stat st;
	int fd = -1;

	snprintf(link, sizeof(link), "%sparent", up->prefix);
	if (fstatat(up->c.dirfd, "parent", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	if (S_ISREG(st.st_mode)) { /* the path, as a copy keeps a symlink */
		int lf = openat(up->c.dirfd, "parent", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		ssize_t n = lf >= 0 ? read(lf, path, sizeof(path) - 1) : -1;
		if (lf >= 0)
			close(lf);
		while (n > 0 && path[n - 1] == '\n')
			n--;
		if (n > 0 && !memchr(path, 0, (size_t)n)) {
			path[n] = 0;
			fd = openat(up->c.dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		}
	} else {
		fd = openat(up->c.dirfd, "parent", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		chk_problem(k, link, -1, NULL, K_PARENT, "names no directory: %s", strerror(errno));
		m->broken = true;
		if (fd >= 0)
			close(fd);
		return false;
	}
	for (size_t i = 0; i < m->nlv; i++)
		if (m->lv[i].dev == st.st_dev && m->lv[i].ino == st.st_ino) {
			chk_problem(k, link, -1, NULL, K_PARENT, "the parent links go round: it names %s again",
				    i ? m->lv[i].prefix : "the dump itself");
			m->broken = true;
			close(fd);
			return false;
		}
	char prefix[CHK_NAME];
	snprintf(prefix, sizeof(prefix), "%sparent/", up->prefix);
	*p = (struct chk_parent){ .c = { fd, p->dir, k->err }, .dev = st.st_dev, .ino = st.st_ino };
	memcpy(p->prefix, prefix, sizeof(prefix));
	snprintf(p->dir, sizeof(p->dir), "%s/%.*s", k->c.dir, (int)strlen(prefix) - 1, prefix);
	m->nlv++;
	return true;
}

/* Level l, opened when first needed; NULL past the chain's end. */
static struct chk_parent *level(struct mem *m, size_t l)
{
	while (m->nlv <= l && !m->chain_end) {
		if (m->nlv > MAX_PARENTS) {
			chk_problem(m->k, m->lv[m->nlv - 1].prefix, -1, NULL, K_PARENT,
				    "more than %d parent dumps: not followed further", MAX_PARENTS);
			m->broken = true;
			m->chain_end = true;
		} else if (!open_parent(m)) {
			m->chain_end = true;
		}
	}
	return l < m->nlv ? &m->lv[l] : NULL;
}

enum held { HELD, NOT_HELD, NO_PARENT, NO_PAGEMAP };

/* Are the pages [lo, hi) held by level l: present there, or in its
 * parent as PE_PARENT says? */
static enum held held(struct mem *m, const char *name, size_t l, uint64_t lo, uint64_t hi)
{
	struct chk_parent *p = level(m, l);

	if (!p)
		return NO_PARENT;
	if (!p->pm_tried) {
		struct chk_image ci;
		p->pm_tried = true;
		if (chk_load_at(m->k, &p->c, p->prefix, &ci, NULL, name)) {
			pm_read(m, &ci, m->ps, false, &p->pm);
			qsort(p->pm.v, p->pm.n, sizeof(*p->pm.v), cmp_pm);
			chk_done(m->k, &ci);
		}
	}
	if (!p->pm.ok)
		return NO_PAGEMAP;
	size_t a = 0, b = p->pm.n; /* the first entry ending past lo */
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (p->pm.v[mid].end <= lo)
			a = mid + 1;
		else
			b = mid;
	}
	uint64_t cur = lo;
	for (size_t i = a; i < p->pm.n && cur < hi && p->pm.v[i].vaddr <= cur; i++) {
		const struct pm *e = &p->pm.v[i];
		uint64_t to = e->end < hi ? e->end : hi;
		if (to <= cur)
			continue;
		if (!(e->flags & PE_PRESENT)) {
			enum held h = e->flags & PE_PARENT ? held(m, name, l + 1, cur, to) : NOT_HELD;
			if (h != HELD)
				return h == NO_PARENT ? NOT_HELD : h;
		}
		cur = to;
	}
	return cur >= hi ? HELD : NOT_HELD;
}

static void in_parent(struct mem *m, const char *name, const struct pm_list *p)
{
	for (size_t l = 1; l <= MAX_PARENTS; l++) {
		if (l < m->nlv)
			pm_free(&m->lv[l].pm);
		m->lv[l].pm_tried = false;
	}
	for (size_t i = 0; i < p->n && !crit_failed(m->k->err); i++) {
		const struct pm *e = &p->v[i];
		if (!(e->flags & PE_PARENT) || e->flags & PE_PRESENT)
			continue;
		enum held h = held(m, name, 1, e->vaddr, e->end);
		if (h != HELD && m->broken)
			return; /* the link is told */
		if (h == NO_PARENT) {
			chk_problem(m->k, name, (int64_t)e->entry, "flags", K_PARENT,
				    "PE_PARENT pages, and no parent dump (no `parent` link)");
			return; /* one problem for the image */
		}
		if (h == NO_PAGEMAP) {
			chk_problem(m->k, name, (int64_t)e->entry, "flags", K_PARENT,
				    "PE_PARENT pages, and the parent dump has no %s it can read", name);
			return;
		}
		if (h == NOT_HELD)
			chk_problem(m->k, name, (int64_t)e->entry, "flags", K_PARENT,
				    "PE_PARENT pages 0x%llx-0x%llx that no parent dump holds",
				    (unsigned long long)e->vaddr, (unsigned long long)e->end);
	}
}

/* ------------------------------------------------------------------ */

/* One pagemap image; mm, when not NULL, holds the task's VMAs. */
static void pagemap(struct mem *m, const char *name, int64_t mtype, const struct ckpt_image *mm)
{
	struct chk *k = m->k;
	struct chk_image ci;
	struct pm_list p;
	struct stat st;
	char pages[CHK_NAME];

	if (!chk_load(k, &ci, NULL, name))
		return; /* a missing one is told by task.c */
	uint64_t pages_id = ci.im.n ? view_uint_or(&ci.im.entries[0], "pages_id", 0) : 0;
	snprintf(pages, sizeof(pages), "pages-%llu.img", (unsigned long long)pages_id);
	uint64_t bytes = fstatat(k->c.dirfd, pages, &st, 0) == 0 ? (uint64_t)st.st_size : 0;
	uint64_t ps;
	if (mm && mm->n) {
		ps = mem_page_size(mtype, &mm->entries[0]); /* as crit x rss and crit mem find it */
	} else {
		/* the page size needs the present pages, which need a page size: count with any */
		pm_read(m, &ci, 1, false, &p);
		ps = predump_page_size(mtype, bytes, p.present);
		pm_free(&p);
	}
	pm_read(m, &ci, ps, true, &p);
	chk_done(k, &ci);
	if (p.ok) {
		order(k, name, &p);
		pages_size(k, name, &p, ps);
		if (mm && mm->n)
			inside(k, name, &p, mm);
		m->ps = ps;
		in_parent(m, name, &p);
	}
	pm_free(&p);
}

void chk_memory(struct chk *k)
{
	struct mem *m = calloc(1, sizeof(*m));
	char name[CHK_NAME];
	int64_t mtype = 0;

	if (!m) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	m->k = k;
	m->lv[0] = (struct chk_parent){ .c = k->c };
	m->nlv = 1;
	struct stat st;
	if (fstat(k->c.dirfd, &st) == 0) {
		m->lv[0].dev = st.st_dev;
		m->lv[0].ino = st.st_ino;
	}
	for (size_t i = 0; i < k->ntasks && !crit_failed(k->err); i++) {
		const struct chk_task *t = &k->tasks[i];
		struct chk_image mm;
		if (t->dup || !t->live)
			continue;
		mtype = mtype ? mtype : t->mtype;
		snprintf(name, sizeof(name), "mm-%llu.img", (unsigned long long)t->pid);
		bool have_mm = chk_load(k, &mm, NULL, name);
		snprintf(name, sizeof(name), "pagemap-%llu.img", (unsigned long long)t->pid);
		pagemap(m, name, t->mtype, have_mm ? &mm.im : NULL);
		if (have_mm)
			chk_done(k, &mm);
	}
	/* shared memory's pagemaps; a pre-dump's are all there is */
	for (size_t i = 0; i < k->nnames && !crit_failed(k->err); i++)
		if (strncmp(k->names[i], k->predump ? "pagemap-" : "pagemap-shmem-", k->predump ? 8 : 14) == 0)
			pagemap(m, k->names[i], mtype, NULL);
	for (size_t l = 1; l < m->nlv; l++) {
		pm_free(&m->lv[l].pm);
		close(m->lv[l].c.dirfd);
	}
	free(m);
}
