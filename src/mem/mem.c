/*
 * mem.c - one task's memory in a checkpoint: an address turned into bytes
 * and where they came from (crit_memory_* in crit.h).
 *
 * The task's mm image gives its VMAs; what each page holds is found by
 * the kind of its VMA:
 *   - private memory in the task's pagemap: PE_PRESENT pages in
 *     pages-ID.img, PE_PARENT ones in the parent pre-dump (the `parent`
 *     link, relative to the dump's directory), and so on up; a page in no
 *     entry is anonymous memory never touched (zeros), or, in a file
 *     mapping, the file's (not in the checkpoint);
 *   - shared anonymous memory, SysV shm and memfd mappings in
 *     pagemap-shmem-SHMID.img, at the offset in the object
 *     (address - start + pgoff); a hole there is zeros;
 *   - the vdso, vvar and vsyscall pages are the kernel's.
 * Pagemaps are read into an index (pagemap.c); pages are read with pread
 * as they are asked for (source.c): memory follows the number of pagemap
 * entries and VMAs, never the size of the memory.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/mem.h"

/* pre-dumps followed, at most */
#define MEM_MAX_DEPTH 64

/* Why bytes are not in the checkpoint, or are zeros. */
static const char WHY_UNMAPPED[] = "not mapped";
static const char WHY_FILE[] = "file-backed, not dumped (the file holds it)";
static const char WHY_KERNEL[] = "the kernel's (vdso, vvar, vsyscall), not dumped";
static const char WHY_OTHER[] = "not dumped (a socket's or AIO ring)";
static const char WHY_LAZY[] = "lazy: left to the lazy-pages daemon, not in the images";
static const char WHY_NOFLAGS[] = "in the pagemap, but neither present, in the parent, nor lazy";
static const char WHY_NOSHMEM[] = "shared memory whose contents no pagemap-shmem image holds";
static const char WHY_ANON[] = "anonymous, never touched";
static const char WHY_HOLE[] = "shared memory never touched";

struct mvma {
	uint64_t start, end, pgoff, shmid, flags;
	uint32_t prot, status;
};

/* A dump: this one, its parent, its parent's parent... */
struct level {
	struct ckpt c;
	char dir[1024];
	dev_t dev;
	ino_t ino;
};

/* One pagemap through the levels: pm[k] and pf[k] are level k's. */
struct link {
	struct pagemap pm;
	struct pages_file pf;
};

struct chain {
	uint64_t shmid;   /* a shmem chain's object; the task's is the first */
	bool shmem;
	bool absent;      /* no pagemap-shmem-SHMID.img: a shmem object never dumped */
	struct link *l;
	size_t n;
};

struct crit_memory {
	struct crit_err *err; /* the call's */
	uint64_t pid, ps;
	int64_t arch;
	struct mvma *v;
	size_t nv;
	uint64_t arg[2], env[2];
	struct level *lv[MEM_MAX_DEPTH]; /* [0, nlv) */
	size_t nlv;
	struct chain task;
	struct chain *shm;
	size_t nshm;
	struct ckpt_image files, memfd; /* memfd mappings: their shmid */
	bool memfd_tried;
};

/* ------------------------------------------------------------------ */
/* The page size                                                        */
/* ------------------------------------------------------------------ */

uint64_t mem_page_size(int64_t arch, const struct view *mm)
{
	struct view_iter it;
	struct view vma;
	uint64_t align = 0, start, end;

	if (arch == 1 || arch == 5 || arch == 0) /* X86_64, S390, or unknown as Python */
		return 4096;
	view_iter(&it, mm, "vmas");
	while (view_next_msg(&it, &vma))
		if (view_uint(&vma, "start", &start) && view_uint(&vma, "end", &end))
			align |= start | end;
	uint64_t ps = 65536;
	while (ps > 4096 && (align & (ps - 1)))
		ps >>= 1;
	return ps;
}

/* ------------------------------------------------------------------ */
/* Levels: the parent links                                             */
/* ------------------------------------------------------------------ */

static void level_close(struct level *l)
{
	ckpt_close(&l->c);
	free(l);
}

static bool level_set(struct crit_memory *m, struct level *l, int fd, const char *path)
{
	struct stat st;

	snprintf(l->dir, sizeof(l->dir), "%s", path);
	l->c = (struct ckpt){ fd, l->dir, m->err };
	if (fstat(fd, &st) < 0)
		return crit_fail_in(m->err, l->dir, CRIT_E_IO, CRIT_NOPOS, "cannot stat: %s", strerror(errno));
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	return true;
}

/* What level k's `parent` names: a symlink, as CRIU makes it, or a file
 * holding the path (a copy that lost the link). at names the first
 * PE_PARENT entry that needs it. */
static bool parent_target(struct crit_memory *m, size_t k, const struct pagemap *pm, uint64_t at, char *t,
			  size_t cap)
{
	struct level *l = m->lv[k];
	struct stat st;
	ssize_t n;

	if (fstatat(l->c.dirfd, "parent", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return crit_fail_in(m->err, pm->file, CRIT_E_IO, at,
				    "PE_PARENT pages, but %s has no parent link: %s", l->dir, strerror(errno));
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(l->c.dirfd, "parent", t, cap - 1);
	} else if (S_ISDIR(st.st_mode)) {
		n = (ssize_t)snprintf(t, cap, "parent");
	} else if (S_ISREG(st.st_mode) && st.st_size < (off_t)cap) {
		int fd = openat(l->c.dirfd, "parent", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		n = fd < 0 ? -1 : read(fd, t, cap - 1);
		if (fd >= 0)
			close(fd);
		while (n > 0 && t[n - 1] == '\n')
			n--;
	} else {
		return crit_fail_in(m->err, pm->file, CRIT_E_IO, at,
				    "PE_PARENT pages, but %s/parent is not a link to the parent dump", l->dir);
	}
	if (n <= 0 || memchr(t, 0, (size_t)n))
		return crit_fail_in(m->err, pm->file, CRIT_E_IO, at,
				    "PE_PARENT pages, but %s/parent names no directory", l->dir);
	t[n] = 0;
	return true;
}

/* Level k + 1, found through level k's parent link. */
static bool level_parent(struct crit_memory *m, size_t k, const struct pagemap *pm, uint64_t at)
{
	char t[1024], path[2048];

	if (k + 1 < m->nlv)
		return true;
	if (k + 1 >= MEM_MAX_DEPTH)
		return crit_fail_in(m->err, pm->file, CRIT_E_LIMIT, at, "more than %d pre-dumps in the chain of parents",
				    MEM_MAX_DEPTH - 1);
	if (!parent_target(m, k, pm, at, t, sizeof(t)))
		return false;
	if (t[0] == '/')
		snprintf(path, sizeof(path), "%s", t);
	else
		snprintf(path, sizeof(path), "%s/%s", m->lv[k]->dir, t);
	int fd = openat(m->lv[k]->c.dirfd, t, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return crit_fail_in(m->err, pm->file, CRIT_E_IO, at, "PE_PARENT pages, but the parent dump %s: %s", path,
				    strerror(errno));
	struct level *l = malloc(sizeof(*l));
	if (!l || !level_set(m, l, fd, path)) {
		close(fd);
		free(l);
		return l ? false : crit_fail(m->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	}
	for (size_t i = 0; i <= k; i++)
		if (m->lv[i]->dev == l->dev && m->lv[i]->ino == l->ino) {
			level_close(l);
			return crit_fail_in(m->err, pm->file, CRIT_E_RANGE, at,
					    "the chain of parent dumps loops: %s is %s again", path, m->lv[i]->dir);
		}
	m->lv[k + 1] = l;
	m->nlv = k + 2;
	return true;
}

/* ------------------------------------------------------------------ */
/* Chains: a pagemap through the levels                                 */
/* ------------------------------------------------------------------ */

static void chain_free(struct chain *ch)
{
	for (size_t k = 0; k < ch->n; k++) {
		pagemap_free(&ch->l[k].pm);
		pages_close(&ch->l[k].pf);
	}
	free(ch->l);
	ch->l = NULL;
	ch->n = 0;
}

/* The first PE_PARENT entry, or NULL. */
static const struct pm_entry *first_parent(const struct pagemap *pm)
{
	for (size_t i = 0; i < pm->n; i++)
		if (pm->e[i].flags & PE_PARENT)
			return &pm->e[i];
	return NULL;
}

/* Load the chain's pagemap at every level its PE_PARENT entries reach. */
static bool chain_load(struct crit_memory *m, struct chain *ch)
{
	for (size_t k = 0;; k++) {
		struct link *more = realloc(ch->l, (k + 1) * sizeof(*ch->l));
		if (!more)
			return crit_fail(m->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		ch->l = more;
		struct link *l = &ch->l[k];
		memset(l, 0, sizeof(*l));
		bool missing = false;
		l->pf.fd = -1;
		bool ok = ch->shmem ? pagemap_load(&m->lv[k]->c, &l->pm, m->ps, &missing, "pagemap-shmem-%llu.img",
						   (unsigned long long)ch->shmid)
				    : pagemap_load(&m->lv[k]->c, &l->pm, m->ps, &missing, "pagemap-%llu.img",
						   (unsigned long long)m->pid);
		if (!ok && missing && k == 0 && ch->shmem) {
			ch->absent = true; /* its contents are in no pagemap: not in the checkpoint */
			return true;
		}
		if (!ok && missing && k > 0) {
			const struct pagemap *child = &ch->l[k - 1].pm;
			return crit_fail_in(m->err, child->file, CRIT_E_IO, first_parent(child)->at,
					    "PE_PARENT pages, but the parent dump %s is not a checkpoint of them: it has no %s",
					    m->lv[k]->dir, ch->shmem ? "pagemap-shmem image" : "pagemap image of the task");
		}
		if (!ok) {
			if (missing)
				crit_fail_in(m->err, l->pm.file, CRIT_E_IO, CRIT_NOPOS, "no pagemap image of the task");
			return false;
		}
		ch->n = k + 1;
		if (!pages_open(&m->lv[k]->c, &l->pf, &l->pm))
			return false;
		const struct pm_entry *pe = first_parent(&l->pm);
		if (!pe)
			return true;
		if (!level_parent(m, k, &l->pm, pe->at))
			return false;
	}
}

/* The chain of shared memory object shmid, loaded on first use. */
static struct chain *shm_chain(struct crit_memory *m, uint64_t shmid)
{
	for (size_t i = 0; i < m->nshm; i++)
		if (m->shm[i].shmid == shmid)
			return &m->shm[i];
	struct chain *p = realloc(m->shm, (m->nshm + 1) * sizeof(*p));
	if (!p)
		return crit_fail(m->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory"), NULL;
	m->shm = p;
	struct chain *ch = &m->shm[m->nshm++];
	*ch = (struct chain){ .shmid = shmid, .shmem = true };
	if (chain_load(m, ch))
		return ch;
	chain_free(ch); /* tried again on the next call */
	m->nshm--;
	return NULL;
}

/* A memfd mapping's shmem object: its file (files.img) names its inode
 * (memfd.img), which names the object. */
static bool memfd_shmid(struct crit_memory *m, uint64_t file_id, uint64_t *shmid)
{
	struct ckpt *c = &m->lv[0]->c;
	bool missing;
	uint64_t inode = 0;

	if (!m->memfd_tried) {
		m->memfd_tried = true;
		if (!ckpt_load(c, &m->files, &missing, "files.img") && !missing)
			return false;
		if (!ckpt_load(c, &m->memfd, &missing, "memfd.img") && !missing)
			return false;
	}
	for (size_t i = 0; i < m->files.n; i++) {
		struct view mf;
		if (view_uint_or(&m->files.entries[i], "id", UINT64_MAX) == file_id &&
		    view_msg(&m->files.entries[i], "memfd", &mf)) {
			inode = view_uint_or(&mf, "inode_id", 0);
			for (size_t k = 0; k < m->memfd.n; k++)
				if (view_uint_or(&m->memfd.entries[k], "inode_id", UINT64_MAX) == inode &&
				    view_uint(&m->memfd.entries[k], "shmid", shmid))
					return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Opening                                                              */
/* ------------------------------------------------------------------ */

enum { V_START, V_END, V_PGOFF, V_SHMID, V_FLAGS, V_PROT, V_STATUS, V_N };
static const char *const vma_fields[V_N] = { "start", "end", "pgoff", "shmid", "flags", "prot", "status" };
enum { MM_ARG_START, MM_ARG_END, MM_ENV_START, MM_ENV_END, MM_N };
static const char *const mm_fields[MM_N] = { "mm_arg_start", "mm_arg_end", "mm_env_start", "mm_env_end" };

static bool load_vmas(struct crit_memory *m, const struct ckpt_image *mm)
{
	struct view_fields vf = { .names = vma_fields, .n = V_N }, mf = { .names = mm_fields, .n = MM_N };
	const struct view *e = &mm->entries[0];
	uint64_t a[MM_N] = { 0 };
	struct view_iter it;
	struct view v;
	size_t n = 0;

	view_read(e, &mf, a);
	m->arg[0] = a[MM_ARG_START], m->arg[1] = a[MM_ARG_END];
	m->env[0] = a[MM_ENV_START], m->env[1] = a[MM_ENV_END];
	m->ps = mem_page_size(m->arch, e);
	view_iter(&it, e, "vmas");
	while (view_next_msg(&it, &v))
		n++;
	m->v = malloc((n ? n : 1) * sizeof(*m->v));
	if (!m->v)
		return crit_fail(m->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	view_iter(&it, e, "vmas");
	while (m->nv < n && view_next_msg(&it, &v)) {
		uint64_t f[V_N] = { 0 };
		view_read(&v, &vf, f);
		struct mvma *x = &m->v[m->nv];
		*x = (struct mvma){ f[V_START], f[V_END], f[V_PGOFF], f[V_SHMID], f[V_FLAGS], (uint32_t)f[V_PROT],
				    (uint32_t)f[V_STATUS] };
		uint64_t at = (uint64_t)(v.p - mm->data);
		if (x->start >= x->end || ((x->start | x->end) & (m->ps - 1)))
			return crit_fail_in(m->err, mm->file, CRIT_E_RANGE, at,
					    "a VMA 0x%llx-0x%llx that is empty or not page-aligned",
					    (unsigned long long)x->start, (unsigned long long)x->end);
		if (m->nv && x->start < m->v[m->nv - 1].end)
			return crit_fail_in(m->err, mm->file, CRIT_E_RANGE, at,
					    "the VMA 0x%llx-0x%llx overlaps or comes before the one before it",
					    (unsigned long long)x->start, (unsigned long long)x->end);
		m->nv++;
	}
	return !crit_failed(m->err);
}

static bool mem_load(struct crit_memory *m, const char *dir)
{
	struct ckpt_image core, mm;
	bool missing;
	struct ckpt c;

	if (!ckpt_open(&c, dir, m->err))
		return false;
	struct level *l = malloc(sizeof(*l));
	if (!l || !level_set(m, l, c.dirfd, dir)) {
		ckpt_close(&c);
		free(l);
		return l ? false : crit_fail(m->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	}
	m->lv[0] = l;
	m->nlv = 1;
	if (m->arch < 0) {
		m->arch = 0;
		if (ckpt_load(&m->lv[0]->c, &core, &missing, "core-%llu.img", (unsigned long long)m->pid)) {
			if (core.n)
				view_int(&core.entries[0], "mtype", &m->arch);
			ckpt_free(&core);
		}
		if (crit_failed(m->err))
			return false;
	}
	if (!ckpt_load(&m->lv[0]->c, &mm, &missing, "mm-%llu.img", (unsigned long long)m->pid)) {
		if (missing)
			crit_fail_in(m->err, mm.file, CRIT_E_ABSENT, CRIT_NOPOS,
				     "no memory of task %llu: a zombie, or no such task", (unsigned long long)m->pid);
		return false;
	}
	bool ok = mm.n ? load_vmas(m, &mm)
		       : crit_fail_in(m->err, mm.file, CRIT_E_TRUNCATED, mm.size, "no mm entry");
	ckpt_free(&mm);
	return ok && chain_load(m, &m->task);
}

/* With arch < 0, the task's core image says. */
struct crit_memory *mem_open(const char *dir, uint64_t pid, int64_t arch, struct crit_err *err)
{
	struct crit_memory *m = calloc(1, sizeof(*m));

	if (!m)
		return crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory"), NULL;
	m->err = err;
	m->pid = pid;
	m->arch = arch;
	if (!mem_load(m, dir)) {
		crit_memory_close(m);
		return NULL;
	}
	return m;
}

bool crit_memory_open(const char *dir, uint64_t pid, struct crit_memory **mem, struct crit_err *err)
{
	memset(err, 0, sizeof(*err));
	*mem = mem_open(dir, pid, -1, err);
	return *mem != NULL;
}

void crit_memory_close(struct crit_memory *m)
{
	if (!m)
		return;
	chain_free(&m->task);
	for (size_t i = 0; i < m->nshm; i++)
		chain_free(&m->shm[i]);
	free(m->shm);
	for (size_t k = 0; k < m->nlv; k++)
		level_close(m->lv[k]);
	ckpt_free(&m->files);
	ckpt_free(&m->memfd);
	free(m->v);
	free(m);
}

int64_t mem_arch(const struct crit_memory *m)
{
	return m->arch;
}

uint64_t crit_memory_page_size(const struct crit_memory *m)
{
	return m->ps;
}

void crit_memory_mm(const struct crit_memory *m, struct crit_mem_mm *mm)
{
	*mm = (struct crit_mem_mm){ m->arg[0], m->arg[1], m->env[0], m->env[1] };
}

/* ------------------------------------------------------------------ */
/* An address located                                                   */
/* ------------------------------------------------------------------ */

/* The first VMA that ends after addr, or nv. */
size_t mem_vma_find(const struct crit_memory *m, uint64_t addr)
{
	size_t lo = 0, hi = m->nv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool mem_vma(const struct crit_memory *m, size_t i, uint64_t *start, uint64_t *end)
{
	if (i >= m->nv)
		return false;
	*start = m->v[i].start;
	*end = m->v[i].end;
	return true;
}

size_t mem_nvmas(const struct crit_memory *m)
{
	return m->nv;
}

/* A page not in the private pagemap: why, and whether it is zeros. */
static const char *gap_why(const struct mvma *v, bool *zero)
{
	*zero = false;
	if (v->status & (VMA_AREA_VSYSCALL | VMA_AREA_VDSO | VMA_AREA_VVAR))
		return WHY_KERNEL;
	if (v->status & (VMA_AREA_SOCKET | VMA_AREA_AIORING))
		return WHY_OTHER;
	if (v->status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED))
		return WHY_FILE;
	*zero = true;
	return WHY_ANON;
}

/* Does the VMA map a shared memory object (its pages in pagemap-shmem)? */
static bool is_shmem(const struct mvma *v)
{
	return v->status & (VMA_ANON_SHARED | VMA_AREA_SYSVIPC) ||
	       (v->status & VMA_AREA_MEMFD && v->status & VMA_FILE_SHARED);
}

/* What holds addr, and how far the same source goes (up to limit, which
 * is past addr): the span and where its bytes are. */
bool mem_locate(struct crit_memory *m, uint64_t addr, uint64_t limit, struct crit_mem_span *sp,
		struct page_src *src)
{
	size_t vi = mem_vma_find(m, addr);
	struct chain *ch = &m->task;
	bool zero;

	*src = (struct page_src){ .kind = SRC_ABSENT };
	*sp = (struct crit_mem_span){ addr, limit, CRIT_FROM_ABSENT, 0, WHY_UNMAPPED };
	if (vi == m->nv || m->v[vi].start > addr) {
		if (vi < m->nv && m->v[vi].start < limit)
			sp->end = m->v[vi].start;
		src->why = sp->why;
		return true;
	}
	const struct mvma *v = &m->v[vi];
	uint64_t key = addr, end = limit < v->end ? limit : v->end;
	const char *gap = gap_why(v, &zero);
	if (is_shmem(v)) {
		uint64_t shmid = v->shmid;
		zero = true;
		gap = WHY_HOLE;
		if (v->status & VMA_AREA_MEMFD && !memfd_shmid(m, v->shmid, &shmid)) {
			zero = false;
			gap = WHY_NOSHMEM;
			ch = NULL;
		}
		if (ch && !(ch = shm_chain(m, shmid)))
			return false;
		key = addr - v->start + v->pgoff;
	}
	if (crit_failed(m->err))
		return false;
	uint64_t left = end - addr; /* bytes this span may cover */
	if (ch && ch->absent) {
		zero = false;
		gap = WHY_NOSHMEM;
		ch = NULL;
	}
	for (size_t k = 0; ch && k < ch->n; k++) {
		const struct pagemap *pm = &ch->l[k].pm;
		size_t i = pagemap_find(pm, key);
		if (i == pm->n || pm->e[i].vaddr > key) {
			if (k > 0) {
				const struct pagemap *child = &ch->l[k - 1].pm;
				return crit_fail_in(m->err, child->file, CRIT_E_RANGE,
						    child->e[pagemap_find(child, key)].at,
						    "0x%llx is PE_PARENT, but %s does not hold it",
						    (unsigned long long)key, pm->file);
			}
			if (i < pm->n && pm->e[i].vaddr - key < left)
				left = pm->e[i].vaddr - key;
			break;
		}
		const struct pm_entry *e = &pm->e[i];
		if (e->end - key < left)
			left = e->end - key;
		if (e->flags & PE_PARENT) {
			if (k + 1 == ch->n)
				return crit_fail_in(m->err, pm->file, CRIT_E_RANGE, e->at, "PE_PARENT, with no parent");
			continue;
		}
		sp->end = addr + left;
		if (e->flags & PE_PRESENT) {
			*src = (struct page_src){ SRC_FILE, &ch->l[k].pf, e->off + (key - e->vaddr), NULL };
			sp->from = k ? CRIT_FROM_PARENT : CRIT_FROM_DUMP;
			sp->level = (unsigned)k;
			sp->why = NULL;
		} else {
			sp->why = src->why = e->flags & PE_LAZY ? WHY_LAZY : WHY_NOFLAGS;
		}
		return true;
	}
	sp->end = addr + left;
	sp->from = zero ? CRIT_FROM_ZERO : CRIT_FROM_ABSENT;
	sp->why = gap;
	*src = (struct page_src){ zero ? SRC_ZERO : SRC_ABSENT, NULL, 0, gap };
	return true;
}

bool mem_is_lazy(const struct crit_mem_span *sp)
{
	return sp->why == WHY_LAZY;
}

/* ------------------------------------------------------------------ */
/* Reading                                                              */
/* ------------------------------------------------------------------ */

void mem_err(struct crit_memory *m, struct crit_err *err)
{
	m->err = err;
	for (size_t i = 0; i < m->nlv; i++)
		m->lv[i]->c.err = err;
}

void mem_begin(struct crit_memory *m, struct crit_err *err)
{
	memset(err, 0, sizeof(*err));
	mem_err(m, err);
}

bool mem_held(struct crit_memory *m, uint64_t addr, uint64_t end)
{
	struct crit_mem_span sp;
	struct page_src src;

	for (; addr < end; addr = sp.end) {
		if (!mem_locate(m, addr, end, &sp, &src))
			return false;
		if (sp.from == CRIT_FROM_ABSENT)
			return crit_fail(m->err, CRIT_E_ABSENT, CRIT_NOPOS, "0x%llx is not in the checkpoint: %s",
					 (unsigned long long)addr, sp.why);
	}
	return true;
}

bool crit_memory_read(struct crit_memory *m, uint64_t addr, void *buf, size_t len, bool fill,
		      bool (*fn)(void *ctx, const struct crit_mem_span *s), void *ctx, struct crit_err *err)
{
	struct crit_mem_span pend = { 0 }, sp;
	struct page_src src;
	uint8_t *p = buf;
	bool have = false;

	mem_begin(m, err);
	if (len > UINT64_MAX - addr)
		return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "0x%llx + %zu bytes passes 2^64",
				 (unsigned long long)addr, len);
	while (len) {
		if (!mem_locate(m, addr, addr + len, &sp, &src))
			return false;
		if (sp.from == CRIT_FROM_ABSENT && !fill)
			return crit_fail(err, CRIT_E_ABSENT, CRIT_NOPOS, "0x%llx is not in the checkpoint: %s",
					 (unsigned long long)addr, sp.why);
		size_t n = (size_t)(sp.end - addr);
		if (!src_read(&src, p, n, err))
			return false;
		/* one call for each run of one provenance */
		if (have && (pend.from != sp.from || pend.level != sp.level || pend.why != sp.why)) {
			if (fn && !fn(ctx, &pend))
				return true;
			mem_err(m, err); /* fn may have used m with an err of its own */
			have = false;
		}
		if (!have)
			pend = sp;
		pend.end = sp.end;
		have = true;
		addr += n;
		p += n;
		len -= n;
	}
	if (have && fn)
		fn(ctx, &pend);
	return true;
}

/* ------------------------------------------------------------------ */
/* Regions                                                              */
/* ------------------------------------------------------------------ */

bool crit_memory_regions(struct crit_memory *m, bool (*fn)(void *ctx, const struct crit_mem_region *r), void *ctx,
			 struct crit_err *err)
{
	mem_begin(m, err);
	for (size_t i = 0; i < m->nv; i++) {
		const struct mvma *v = &m->v[i];
		struct crit_mem_region r = { v->start, v->end, v->pgoff, v->flags, v->prot, v->status, v->shmid,
					     0, 0, 0, 0 };
		struct crit_mem_span sp;
		struct page_src src;
		for (uint64_t a = v->start; a < v->end; a = sp.end) {
			if (!mem_locate(m, a, v->end, &sp, &src))
				return false;
			uint64_t pages = (sp.end - a) / m->ps;
			if (sp.from == CRIT_FROM_DUMP)
				r.pages_dump += pages;
			else if (sp.from == CRIT_FROM_PARENT)
				r.pages_parent += pages;
			else if (mem_is_lazy(&sp))
				r.pages_lazy += pages;
			else
				r.pages_none += pages;
		}
		if (!fn(ctx, &r))
			break;
		mem_err(m, err); /* fn may have used m with an err of its own */
	}
	return true;
}
