/*
 * core.c - crit_core: one process of a checkpoint as an ELF core file.
 *
 * The file is the ELF header, the program headers (a PT_NOTE, then a
 * PT_LOAD for each run of a VMA), the notes, and the runs' bytes from the
 * page after them. A run is a stretch of a VMA the checkpoint holds (or
 * --root's file does) or does not: one it does not is a PT_LOAD with no
 * bytes in the file (p_filesz 0), so that gdb shows it as unavailable
 * rather than as zeros. The notes are built in memory (a few KB a
 * thread); the bytes are streamed a chunk at a time, and the runs are
 * walked again for each pass (count, headers, bytes) rather than kept.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

#define CHUNK ((size_t)256 << 10) /* bytes read at a time */

struct core {
	struct core_task t;
	struct crit_err *err;
	struct crit_core_info *info;
	int rootfd;           /* --root, or -1 */
	uint64_t page;
	/* the VMA walked: its --root file, and how far that file covers it */
	const struct crit_vma *v;
	int fd;
	uint64_t root_end;
	uint64_t *root_ends;  /* each VMA's root_end (root_cover), or NULL */
};

/* A path that stays under the root: absolute, with no ".." component. */
static bool safe_path(const struct crit_str *s)
{
	if (!s->n || s->s[0] != '/' || memchr(s->s, 0, s->n))
		return false;
	for (const char *p = s->s; (p = strstr(p, "/..")); p += 3)
		if (p[3] == '/' || p[3] == 0)
			return false;
	return true;
}

/* The file under --root that VMA v maps, opened (a regular file only:
 * never a FIFO or a device), or -1; *size its size. */
static int root_open(const struct core *k, const struct crit_vma *v, uint64_t *size)
{
	struct stat st;

	if (k->rootfd < 0 || !core_file_vma(v) || !safe_path(&v->file))
		return -1;
	int fd = openat(k->rootfd, v->file.s + 1, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		return -1;
	}
	*size = fd >= 0 ? (uint64_t)st.st_size : 0;
	return fd;
}

/* How far from each VMA's start its file under --root covers it, found
 * once: a file that changes between the passes must not change the
 * program headers (the bytes then read past its new end are zeros). */
static bool root_cover(struct core *k)
{
	if (k->rootfd < 0)
		return true;
	k->root_ends = malloc((k->t.nvmas ? k->t.nvmas : 1) * sizeof(*k->root_ends));
	if (!k->root_ends)
		return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	for (size_t i = 0; i < k->t.nvmas; i++) {
		const struct crit_vma *v = &k->t.vmas[i];
		uint64_t size = 0;
		int fd = root_open(k, v, &size);
		k->root_ends[i] = v->start;
		if (fd < 0)
			continue;
		close(fd);
		if (size > v->pgoff && v->end > v->start) {
			uint64_t covered = round_up(size - v->pgoff, k->page);
			k->root_ends[i] = covered < v->end - v->start ? v->start + covered : v->end;
		}
	}
	return true;
}

/* Start walking VMA i: its file under --root, if that covers some of it. */
static void vma_begin(struct core *k, size_t i)
{
	const struct crit_vma *v = &k->t.vmas[i];
	uint64_t size;

	if (k->fd >= 0)
		close(k->fd);
	k->v = v;
	k->fd = -1;
	k->root_end = k->root_ends ? k->root_ends[i] : v->start;
	if (k->root_end > v->start)
		k->fd = root_open(k, v, &size);
}

/* The run of k->v from addr: up to *end, held or not (*held). */
static bool run_next(struct core *k, uint64_t addr, uint64_t *end, bool *held, struct crit_mem_span *first)
{
	struct crit_mem_span sp;
	struct page_src src;
	bool h = false;

	for (uint64_t a = addr; a < k->v->end; a = sp.end) {
		if (!mem_locate(k->t.mem, a, k->v->end, &sp, &src))
			return false;
		bool from_root = sp.from == CRIT_FROM_ABSENT && a < k->root_end;
		if (from_root && sp.end > k->root_end)
			sp.end = k->root_end;
		bool sh = sp.from != CRIT_FROM_ABSENT || from_root;
		if (a == addr) {
			h = sh;
			*first = sp;
		} else if (sh != h) {
			break;
		}
		*end = sp.end;
	}
	*held = h;
	return true;
}

static uint32_t pflags(uint32_t prot)
{
	return (prot & 1 ? PF_R : 0) | (prot & 2 ? PF_W : 0) | (prot & 4 ? PF_X : 0);
}

/* Each run of each VMA to fn, in address order. */
static bool walk_runs(struct core *k, bool (*fn)(struct core *k, uint64_t start, uint64_t end, bool held,
						 const struct crit_mem_span *first, void *ctx),
		      void *ctx)
{
	for (size_t i = 0; i < k->t.nvmas; i++) {
		const struct crit_vma *v = &k->t.vmas[i];
		if (!arch_fits(k->t.a, v->end))
			continue;
		vma_begin(k, i);
		for (uint64_t a = v->start, end; a < v->end; a = end) {
			bool held;
			struct crit_mem_span first;
			end = a;
			if (!run_next(k, a, &end, &held, &first) || !fn(k, a, end, held, &first, ctx))
				return false;
			if (end <= a) /* no progress: the memory layer's error */
				return crit_failed(k->err) ? false : crit_fail(k->err, CRIT_E_RANGE, CRIT_NOPOS,
									      "0x%llx: no progress", (unsigned long long)a);
		}
	}
	return true;
}

static bool count_run(struct core *k, uint64_t start, uint64_t end, bool held, const struct crit_mem_span *first,
		      void *ctx)
{
	uint64_t *n = ctx;

	(void)k, (void)start, (void)end, (void)held, (void)first;
	++*n;
	return true;
}

struct headers {
	struct out *o;
	uint64_t off; /* the next held run's offset in the file */
	uint8_t ph[64];
};

static bool header_run(struct core *k, uint64_t start, uint64_t end, bool held, const struct crit_mem_span *first,
		       void *ctx)
{
	struct headers *h = ctx;
	const struct arch *a = k->t.a;
	struct elf_phdr ph = { PT_LOAD, pflags(k->v->prot), h->off, start, held ? end - start : 0, end - start,
			       k->page };

	if (!a->class64 && h->off + ph.filesz > UINT32_MAX)
		return crit_fail(k->err, CRIT_E_RANGE, CRIT_NOPOS,
				 "0x%llx: the memory passes 4 GiB of file, more than a 32-bit core can hold",
				 (unsigned long long)start);
	elf_phdr(a, h->ph, &ph);
	out_put(h->o, h->ph, elf_phdr_size(a));
	if (held) {
		h->off += end - start;
	} else {
		struct crit_core_info *in = k->info;
		if (!in->absent_runs) {
			in->first_absent = start;
			in->first_why = first->why;
		}
		in->absent_runs++;
		in->absent_bytes += end - start;
	}
	k->info->loads++;
	return !crit_failed(k->err);
}

struct data {
	struct out *o;
	uint8_t *buf; /* CHUNK bytes */
};

/* A held run's bytes, a chunk at a time: from the checkpoint, or from the
 * file under --root where the checkpoint has none. */
static bool data_run(struct core *k, uint64_t start, uint64_t end, bool held, const struct crit_mem_span *first,
		     void *ctx)
{
	struct data *d = ctx;
	struct crit_mem_span sp;
	struct page_src src;

	(void)first;
	for (uint64_t a = start; held && a < end; a = sp.end) {
		if (!mem_locate(k->t.mem, a, end, &sp, &src))
			return false;
		if (sp.from == CRIT_FROM_ZERO) { /* whole: a mapping may claim far more than there are bytes */
			if (!out_zeros(d->o, sp.end - a))
				return false;
			continue;
		}
		if (sp.end - a > CHUNK && !mem_locate(k->t.mem, a, a + CHUNK, &sp, &src))
			return false;
		size_t n = (size_t)(sp.end - a);
		if (sp.from != CRIT_FROM_ABSENT) {
			if (!src_read(&src, d->buf, n, k->err))
				return false;
		} else {
			uint64_t off = k->v->pgoff + (a - k->v->start);
			ssize_t got = k->fd >= 0 ? pread(k->fd, d->buf, n, (off_t)off) : -1;
			size_t have = got > 0 ? (size_t)got : 0;
			memset(d->buf + have, 0, n - have); /* past the file's end: zeros, as mapped */
			k->info->root_bytes += n;
		}
		out_put(d->o, d->buf, n);
		if (crit_failed(k->err))
			return false;
	}
	return true;
}

/* The task's entry in pstree.img: its ids, and its threads, pid first. */
static bool load_task(struct core *k, struct ckpt_image *pstree, uint64_t **tids)
{
	struct core_task *t = &k->t;

	if (!ckpt_load(t->c, pstree, NULL, "pstree.img"))
		return false;
	for (size_t i = 0; i < pstree->n; i++) {
		const struct view *e = &pstree->entries[i];
		if (view_uint_or(e, "pid", 0) != t->pid)
			continue;
		t->ppid = view_uint_or(e, "ppid", 0);
		t->pgid = view_uint_or(e, "pgid", 0);
		t->sid = view_uint_or(e, "sid", 0);
		size_t n = 1, cap = 1;
		struct view_iter it;
		uint64_t tid;
		view_iter(&it, e, "threads");
		while (view_next_uint(&it, &tid))
			cap++;
		*tids = malloc(cap * sizeof(**tids));
		if (!*tids)
			return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		(*tids)[0] = t->pid;
		view_iter(&it, e, "threads");
		while (n < cap && view_next_uint(&it, &tid))
			if (tid != t->pid)
				(*tids)[n++] = tid;
		t->tids = *tids;
		t->ntids = n;
		return !crit_failed(k->err);
	}
	return crit_failed(k->err) ? false :
		crit_fail_in(k->err, pstree->file, CRIT_E_USAGE, CRIT_NOPOS, "no task %llu",
			     (unsigned long long)t->pid);
}

static const struct crit_mems_task *find_mems(const struct crit_mems *mems, uint64_t pid)
{
	for (size_t i = 0; i < mems->n; i++)
		if (mems->tasks[i].pid == pid)
			return &mems->tasks[i];
	return NULL;
}

/* The architecture, from the core image's mtype. */
static bool load_arch(struct core *k)
{
	struct ckpt_image core;
	int64_t mtype = 0;

	if (!ckpt_load(k->t.c, &core, NULL, "core-%llu.img", (unsigned long long)k->t.pid))
		return false;
	if (core.n)
		view_int(&core.entries[0], "mtype", &mtype);
	k->t.a = arch_find(mtype);
	struct view ti;
	if (k->t.a && view_msg(&core.entries[0], k->t.a->ti, &ti))
		k->t.a = arch_of(k->t.a, &ti);
	if (!k->t.a && !crit_failed(k->err))
		crit_fail_in(k->err, core.file, CRIT_E_RANGE, 0, "mtype %lld: no ELF layout for this architecture",
			     (long long)mtype);
	ckpt_free(&core);
	return !crit_failed(k->err);
}

static bool write_core(struct core *k, const struct buf *notes, struct out *o)
{
	const struct arch *a = k->t.a;
	uint64_t nloads = 0;

	for (size_t i = 0; i < k->t.nvmas; i++)
		if (!arch_fits(a, k->t.vmas[i].end) && !k->info->beyond_vmas++)
			k->info->first_beyond = k->t.vmas[i].start;
	if (!walk_runs(k, count_run, &nloads))
		return false;
	uint64_t phnum = nloads + 1;
	bool xnum = phnum >= ELF_PN_XNUM;
	uint64_t shoff = elf_ehdr_size(a) + phnum * elf_phdr_size(a);
	uint64_t note_off = shoff + (xnum ? elf_shdr_size(a) : 0);
	uint64_t data_off = round_up(note_off + notes->n, k->page);
	uint8_t hdr[64];

	elf_ehdr(a, hdr, phnum, shoff);
	out_put(o, hdr, elf_ehdr_size(a));
	struct elf_phdr note = { PT_NOTE, 0, note_off, 0, notes->n, 0, 0 };
	elf_phdr(a, hdr, &note);
	out_put(o, hdr, elf_phdr_size(a));
	struct headers h = { .o = o, .off = data_off };
	if (!walk_runs(k, header_run, &h))
		return false;
	if (xnum) {
		elf_shdr0(a, hdr, phnum);
		out_put(o, hdr, elf_shdr_size(a));
	}
	out_put(o, notes->p, notes->n);
	out_zeros(o, data_off - (note_off + notes->n));
	struct data d = { o, malloc(CHUNK) };
	if (!d.buf)
		return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	bool ok = walk_runs(k, data_run, &d);
	free(d.buf);
	return ok;
}

bool crit_core(const char *dir, uint64_t pid, const struct crit_core_opts *opts, const struct crit_sink *sink,
	       struct crit_core_info *info, struct crit_err *err)
{
	struct ckpt c;
	struct ckpt_image pstree = { 0 }, mm = { 0 };
	struct crit_mems mems = { 0 };
	struct buf notes = { 0 };
	uint64_t *tids = NULL;
	struct core k = { .err = err, .info = info, .rootfd = -1, .fd = -1 };
	struct out o;
	bool ok = false;

	memset(err, 0, sizeof(*err));
	memset(info, 0, sizeof(*info));
	k.t.pid = pid;
	k.t.c = &c;
	if (!ckpt_open(&c, dir, err))
		return false;
	if (opts && opts->root) {
		k.rootfd = open(opts->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (k.rootfd < 0) {
			crit_fail_in(err, opts->root, CRIT_E_IO, CRIT_NOPOS, "%s", strerror(errno));
			goto out;
		}
	}
	if (!load_task(&k, &pstree, &tids) || !load_arch(&k) || !ckpt_load(&c, &mm, NULL, "mm-%llu.img",
									  (unsigned long long)pid))
		goto out;
	if (!mm.n) {
		crit_fail_in(err, mm.file, CRIT_E_TRUNCATED, 0, "no mm entry");
		goto out;
	}
	k.t.mm = &mm.entries[0];
	if (!crit_memory_open(dir, pid, &k.t.mem, err))
		goto out;
	k.page = crit_memory_page_size(k.t.mem);
	if (!crit_explore_mems(dir, &mems, err))
		goto out;
	const struct crit_mems_task *mt = find_mems(&mems, pid);
	if (mt) {
		k.t.vmas = mt->vmas;
		k.t.nvmas = mt->n;
	}
	info->threads = k.t.ntids;
	if (!root_cover(&k))
		goto out;
	mem_begin(k.t.mem, err);
	if (!core_notes(&k.t, &notes, err))
		goto out;
	mem_begin(k.t.mem, err);
	if (out_alloc(&o, sink, err))
		ok = out_free(&o, write_core(&k, &notes, &o));
out:
	if (k.fd >= 0)
		close(k.fd);
	if (k.rootfd >= 0)
		close(k.rootfd);
	free(k.root_ends);
	free(notes.p);
	free(tids);
	crit_mems_free(&mems);
	crit_memory_close(k.t.mem);
	ckpt_free(&mm);
	ckpt_free(&pstree);
	ckpt_close(&c);
	return ok && !crit_failed(err);
}
