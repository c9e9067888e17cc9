/*
 * explore.c - crit x DIR ps|fds|mems|rss|stats: a checkpoint as people
 * read it.
 *
 * The text is Python CRIT's explorers' (crit/__main__.py), byte for byte,
 * wherever Python works. Where it does not, this goes on: a zombie or dead
 * task has no ids, fs or mm image, so it is listed with its state and
 * nothing else; a file missing from files.img is looked up in the images
 * older CRIU wrote for each kind (reg-files.img, pipes.img, unixsk.img);
 * a pagemap entry's size is nr_pages, or compat_nr_pages before CRIU 4.2.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ckpt.h"
#include "tables.h"

/* ------------------------------------------------------------------ */
/* Text                                                                 */
/* ------------------------------------------------------------------ */

/* Numbers in a printf format (short: every %s here is a short name). */
__attribute__((format(printf, 2, 3)))
static void putf(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void puts_n(struct out *o, const void *s, size_t n)
{
	if (n) /* s may be NULL then: a field that was not there */
		out_put(o, s, n);
}

static void put_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

/* Python's "%-<width>s". */
static void put_left(struct out *o, const void *s, size_t n, size_t width)
{
	puts_n(o, s, n);
	for (; n < width; n++)
		out_put(o, " ", 1);
}

/* ------------------------------------------------------------------ */
/* The checkpoint                                                       */
/* ------------------------------------------------------------------ */

/* An image's entries by their "id": sorted (id, entry) pairs, so that a
 * lookup is a binary search, not a walk of the image. */
struct by_id {
	uint64_t id;
	size_t i;
};

/* An image files are looked up in, loaded and indexed on first use. */
struct lookup {
	struct ckpt_image im;
	struct by_id *ids;
	bool tried;
};

struct task {
	uint64_t pid, ppid, pgid, sid;
	int64_t state; /* task_core_entry's task_state; 0 without a core */
	const uint8_t *comm;
	size_t commlen;
	struct task *kid, *next; /* the tree of ps */
	bool shown;
};

/* What the explorers share: the directory, its tasks, and the images
 * files are looked up in, loaded once. */
struct x {
	struct ckpt c;
	struct out *o;
	struct crit_err *err;
	struct ckpt_image pstree;
	struct lookup files, regs, pipes, unix_sks;
	struct task *tasks;
	size_t ntasks;
	struct ckpt_image *cores; /* one per task, kept for comm */
	int64_t arch;             /* core_entry's mtype: 0 when no core says */
};

/* compel's task states. CRIU dumps a zombie (exited, not yet reaped) as
 * DEAD and restores it as a zombie; ZOMBIE is what a seized zombie is. */
enum { TASK_ALIVE = 1, TASK_DEAD = 2, TASK_STOPPED = 3, TASK_ZOMBIE = 6 };

static const char *state_name(int64_t s)
{
	return s == TASK_DEAD || s == TASK_ZOMBIE ? "zombie" : s == TASK_STOPPED ? "stopped" : "alive";
}

/* Has the task no ids, fs and mm images (CRIU dumps none for it)? */
static bool no_resources(const struct task *t)
{
	return t->state == TASK_DEAD || t->state == TASK_ZOMBIE;
}

static bool load_tasks(struct x *x)
{
	if (!ckpt_load(&x->c, &x->pstree, NULL, "pstree.img"))
		return false;
	x->ntasks = x->pstree.n;
	x->tasks = calloc(x->ntasks ? x->ntasks : 1, sizeof(*x->tasks));
	x->cores = calloc(x->ntasks ? x->ntasks : 1, sizeof(*x->cores));
	if (!x->tasks || !x->cores)
		return crit_fail(x->err, CRIT_E_NOMEM, 0, "out of memory");
	for (size_t i = 0; i < x->ntasks; i++) {
		const struct view *p = &x->pstree.entries[i];
		struct task *t = &x->tasks[i];
		t->pid = view_uint_or(p, "pid", 0);
		t->ppid = view_uint_or(p, "ppid", 0);
		t->pgid = view_uint_or(p, "pgid", 0);
		t->sid = view_uint_or(p, "sid", 0);
		bool missing;
		struct view tc;
		if (ckpt_load(&x->c, &x->cores[i], &missing, "core-%llu.img", (unsigned long long)t->pid) &&
		    x->cores[i].n) {
			if (!x->arch)
				view_int(&x->cores[i].entries[0], "mtype", &x->arch);
			if (view_msg(&x->cores[i].entries[0], "tc", &tc)) {
				view_int(&tc, "task_state", &t->state);
				view_bytes(&tc, "comm", &t->comm, &t->commlen);
			}
		}
		if (crit_failed(x->err))
			return false;
	}
	return true;
}

static int cmp_id(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i; /* the first of equal ids wins, as in Python */
}

static struct by_id *index_ids(struct x *x, const struct ckpt_image *im)
{
	struct by_id *v = malloc((im->n ? im->n : 1) * sizeof(*v));

	if (!v)
		return crit_fail(x->err, CRIT_E_NOMEM, 0, "out of memory"), NULL;
	for (size_t i = 0; i < im->n; i++)
		v[i] = (struct by_id){ view_uint_or(&im->entries[i], "id", UINT64_MAX), i };
	qsort(v, im->n, sizeof(*v), cmp_id);
	return v;
}

/* The first entry of im with this id, or NULL. */
static const struct view *entry_by_id(const struct ckpt_image *im, const struct by_id *v, uint64_t id)
{
	size_t lo = 0, hi = v ? im->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < im->n && v && v[lo].id == id ? &im->entries[v[lo].i] : NULL;
}

static const struct view *look_up(struct x *x, struct lookup *l, const char *image, uint64_t id)
{
	bool missing;

	if (!l->tried) {
		l->tried = true;
		if (ckpt_load(&x->c, &l->im, &missing, "%s", image))
			l->ids = index_ids(x, &l->im);
	}
	return entry_by_id(&l->im, l->ids, id);
}

/* The file's entry in files.img with this id (its member named field),
 * or in the image older CRIU kept its kind in. */
static bool find_file(struct x *x, const char *field, struct lookup *old, const char *image, uint64_t id,
		      struct view *out)
{
	const struct view *f = look_up(x, &x->files, "files.img", id);

	if (f)
		return view_msg(f, field, out);
	f = look_up(x, old, image, id);
	if (f)
		*out = *f;
	return f != NULL;
}

/* What a file descriptor refers to, as Python CRIT names it. */
static void put_file(struct x *x, uint64_t type, uint64_t id)
{
	const struct crit_enum_value *tv = schema_enum_value(&crit_enum_fd_types, (int32_t)type);
	const char *name = tv ? tv->name : NULL;
	struct view v;
	const uint8_t *s;
	size_t n;

	if (name && strcmp(name, "REG") == 0) {
		if (find_file(x, "reg", &x->regs, "reg-files.img", id, &v) &&
		    view_bytes(&v, "name", &s, &n) && n)
			puts_n(x->o, s, n);
		else
			put_str(x->o, "unknown path");
	} else if (name && strcmp(name, "PIPE") == 0) {
		if (find_file(x, "pipe", &x->pipes, "pipes.img", id, &v))
			putf(x->o, "pipe[%llu]", (unsigned long long)view_uint_or(&v, "pipe_id", 0));
		else
			put_str(x->o, "pipe[?]");
	} else if (name && strcmp(name, "UNIXSK") == 0) {
		if (!find_file(x, "usk", &x->unix_sks, "unixsk.img", id, &v)) {
			put_str(x->o, "unix[?]");
			return;
		}
		putf(x->o, "unix[%llu (%llu)", (unsigned long long)view_uint_or(&v, "ino", 0),
		     (unsigned long long)view_uint_or(&v, "peer", 0));
		if (view_bytes(&v, "name", &s, &n) && n) {
			put_str(x->o, " ");
			qp_out(x->o, s, n);
		}
		put_str(x->o, "]");
	} else if (name) {
		putf(x->o, "%s.%llu", name, (unsigned long long)id);
	} else {
		putf(x->o, "%lld.%llu", (long long)(int32_t)type, (unsigned long long)id);
	}
}

/* The page size: 4 KiB where the architecture has only that, else the
 * largest one (up to 64 KiB) that every VMA of the task is aligned to. */
static uint64_t page_size(struct x *x, const struct view *mm)
{
	struct view_iter it;
	struct view vma;
	uint64_t align = 0, start, end;

	if (x->arch == 1 || x->arch == 5 || x->arch == 0) /* X86_64, S390, or unknown as Python */
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
/* ps                                                                   */
/* ------------------------------------------------------------------ */

static void ps_line(struct x *x, const struct task *t, size_t depth)
{
	putf(x->o, "%7llu%7llu%7llu   ", (unsigned long long)t->pid, (unsigned long long)t->pgid,
	     (unsigned long long)t->sid);
	for (size_t i = 0; i < 4 * depth; i++)
		put_str(x->o, " ");
	puts_n(x->o, t->comm, t->commlen);
	put_str(x->o, "\n");
}

/* The tree under root, depth first, without recursion (a hostile
 * pstree may be a chain of any length). */
static void ps_tree(struct x *x, struct task *root)
{
	struct task **stack = malloc(x->ntasks * sizeof(*stack));
	size_t *depth = malloc(x->ntasks * sizeof(*depth));
	size_t sp = 0;

	if (!stack || !depth) {
		crit_fail(x->err, CRIT_E_NOMEM, 0, "out of memory");
		goto out;
	}
	stack[sp] = root;
	depth[sp++] = 0;
	while (sp) {
		struct task *t = stack[--sp];
		size_t d = depth[sp];
		if (t->shown)
			continue;
		t->shown = true;
		ps_line(x, t, d);
		/* kids in pstree order: push them last first */
		size_t k = sp;
		for (struct task *c = t->kid; c && sp < x->ntasks; c = c->next, sp++) {
			stack[sp] = c;
			depth[sp] = d + 1;
		}
		for (size_t i = k, j = sp; i + 1 < j; i++, j--) {
			struct task *ts = stack[i];
			stack[i] = stack[j - 1];
			stack[j - 1] = ts;
		}
	}
out:
	free(stack);
	free(depth);
}

static bool explore_ps(struct x *x)
{
	struct task **last = calloc(x->ntasks ? x->ntasks : 1, sizeof(*last));

	if (!last)
		return crit_fail(x->err, CRIT_E_NOMEM, 0, "out of memory");
	/* each task under its parent, in pstree order */
	for (size_t i = 0; i < x->ntasks; i++) {
		struct task *t = &x->tasks[i];
		for (size_t j = 0; j < x->ntasks && t->ppid; j++) {
			if (x->tasks[j].pid != t->ppid || j == i)
				continue;
			if (last[j])
				last[j]->next = t;
			else
				x->tasks[j].kid = t;
			last[j] = t;
			break;
		}
	}
	free(last);
	putf(x->o, "%7s%7s%7s   %s\n", "PID", "PGID", "SID", "COMM");
	/* the root (ppid 0), then whatever a broken pstree leaves out */
	for (size_t i = 0; i < x->ntasks; i++)
		if (!x->tasks[i].ppid)
			ps_tree(x, &x->tasks[i]);
	for (size_t i = 0; i < x->ntasks; i++)
		if (!x->tasks[i].shown)
			ps_tree(x, &x->tasks[i]);
	return !crit_failed(x->err);
}

/* ------------------------------------------------------------------ */
/* fds, mems, rss: per task                                             */
/* ------------------------------------------------------------------ */

/* The task's pid line; false (and a note) when it has nothing more. */
static bool task_head(struct x *x, const struct task *t)
{
	putf(x->o, "%llu", (unsigned long long)t->pid);
	if (no_resources(t)) {
		putf(x->o, " (%s)\n", state_name(t->state));
		return false;
	}
	put_str(x->o, "\n");
	return true;
}

static bool explore_fds(struct x *x)
{
	for (size_t i = 0; i < x->ntasks && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct ckpt_image ids, fdi, fs;
		if (!task_head(x, t))
			continue;
		if (!ckpt_load(&x->c, &ids, NULL, "ids-%llu.img", (unsigned long long)t->pid))
			break;
		uint64_t files_id = ids.n ? view_uint_or(&ids.entries[0], "files_id", 0) : 0;
		ckpt_free(&ids);
		if (!ckpt_load(&x->c, &fdi, NULL, "fdinfo-%llu.img", (unsigned long long)files_id))
			break;
		for (size_t k = 0; k < fdi.n; k++) {
			const struct view *fd = &fdi.entries[k];
			putf(x->o, "\t%7llu: ", (unsigned long long)view_uint_or(fd, "fd", 0));
			put_file(x, view_uint_or(fd, "type", 0), view_uint_or(fd, "id", 0));
			put_str(x->o, "\n");
		}
		ckpt_free(&fdi);
		if (!ckpt_load(&x->c, &fs, NULL, "fs-%llu.img", (unsigned long long)t->pid))
			break;
		static const char *const which[] = { "cwd", "root" };
		for (int k = 0; k < 2 && fs.n; k++) {
			putf(x->o, "\t%7s: ", which[k]);
			put_file(x, 1 /* REG */, view_uint_or(&fs.entries[0], k ? "root_id" : "cwd_id", 0));
			put_str(x->o, "\n");
		}
		ckpt_free(&fs);
	}
	return !crit_failed(x->err);
}

/* Python's vma_id: a small number for each shmid, in order of first use. */
struct ids {
	uint64_t *v;
	size_t n, cap;
};

static uint64_t small_id(struct x *x, struct ids *ids, uint64_t shmid)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->v[i] == shmid)
			return i + 1;
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? 2 * ids->cap : 16;
		uint64_t *p = realloc(ids->v, cap * sizeof(*p));
		if (!p)
			return crit_fail(x->err, CRIT_E_NOMEM, 0, "out of memory"), 0;
		ids->v = p;
		ids->cap = cap;
	}
	ids->v[ids->n++] = shmid;
	return ids->n;
}

enum {
	VMA_AREA_REGULAR = 1 << 0,
	VMA_AREA_STACK = 1 << 1,
	VMA_AREA_VSYSCALL = 1 << 2,
	VMA_AREA_VDSO = 1 << 3,
	VMA_ANON_SHARED = 1 << 8,
	VMA_FILE_PRIVATE = 1 << 6,
	VMA_FILE_SHARED = 1 << 7,
	VMA_AREA_SYSVIPC = 1 << 10,
	VMA_AREA_SOCKET = 1 << 11,
	MAP_GROWSDOWN = 0x0100,
};

static void vma_line(struct x *x, struct ids *ids, const struct view *vma)
{
	uint64_t st = view_uint_or(vma, "status", 0), shmid = view_uint_or(vma, "shmid", 0);
	uint64_t prot = view_uint_or(vma, "prot", 0), pgoff = view_uint_or(vma, "pgoff", 0);
	char astr[64];
	int n = snprintf(astr, sizeof(astr), "%08llx-%08llx", (unsigned long long)view_uint_or(vma, "start", 0),
			 (unsigned long long)view_uint_or(vma, "end", 0));

	put_str(x->o, "\t");
	put_left(x->o, astr, (size_t)n, 36);
	putf(x->o, "%c%c%c", prot & 1 ? 'r' : '-', prot & 2 ? 'w' : '-', prot & 4 ? 'x' : '-');
	if (st & VMA_AREA_SYSVIPC) {
		putf(x->o, " ips[%llx]", (unsigned long long)small_id(x, ids, shmid));
	} else if (st & VMA_ANON_SHARED) {
		putf(x->o, " shmem[%llx]", (unsigned long long)small_id(x, ids, shmid));
	} else if (st & VMA_AREA_SOCKET) {
		putf(x->o, " packet[%llx]", (unsigned long long)small_id(x, ids, shmid));
	} else if (st & (VMA_FILE_PRIVATE | VMA_FILE_SHARED)) {
		put_str(x->o, " ");
		put_file(x, 1 /* REG */, shmid);
		if (pgoff)
			putf(x->o, " + %#llx", (unsigned long long)pgoff);
		if (st & VMA_FILE_SHARED)
			put_str(x->o, " (s)");
	} else if (st & VMA_AREA_STACK) {
		put_str(x->o, " [stack]");
	} else if (st & VMA_AREA_VSYSCALL) {
		put_str(x->o, " [vsyscall]");
	} else if (st & VMA_AREA_VDSO) {
		put_str(x->o, " [vdso]");
	} else if (view_uint_or(vma, "flags", 0) & MAP_GROWSDOWN) {
		put_str(x->o, " [stack?]");
	}
	if (!(st & VMA_AREA_REGULAR))
		put_str(x->o, " *");
	put_str(x->o, "\n");
}

static bool explore_mems(struct x *x)
{
	struct ids ids = { 0 };

	for (size_t i = 0; i < x->ntasks && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct ckpt_image mm;
		if (!task_head(x, t))
			continue;
		if (!ckpt_load(&x->c, &mm, NULL, "mm-%llu.img", (unsigned long long)t->pid))
			break;
		if (mm.n) {
			const struct view *m = &mm.entries[0];
			struct view_iter it;
			struct view vma;
			put_str(x->o, "\t");
			put_left(x->o, "exe", 3, 36);
			put_str(x->o, "    ");
			put_file(x, 1 /* REG */, view_uint_or(m, "exe_file_id", 0));
			put_str(x->o, "\n");
			view_iter(&it, m, "vmas");
			while (view_next_msg(&it, &vma))
				vma_line(x, &ids, &vma);
		}
		ckpt_free(&mm);
	}
	free(ids.v);
	return !crit_failed(x->err);
}

/* A pagemap entry's pages: nr_pages, or compat_nr_pages before 4.2. */
static uint64_t pm_pages(const struct view *pm)
{
	uint64_t n;
	return view_uint(pm, "nr_pages", &n) ? n : view_uint_or(pm, "compat_nr_pages", 0);
}

struct vma {
	uint64_t start, end, status, shmid;
};

static void rss_task(struct x *x, const struct view *mm, const struct ckpt_image *pm)
{
	struct view_iter it;
	struct view v;
	struct vma *vmas = NULL;
	size_t n = 0, cap = 0;

	view_iter(&it, mm, "vmas");
	while (view_next_msg(&it, &v)) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			struct vma *p = realloc(vmas, cap * sizeof(*p));
			if (!p) {
				crit_fail(x->err, CRIT_E_NOMEM, 0, "out of memory");
				free(vmas);
				return;
			}
			vmas = p;
		}
		vmas[n++] = (struct vma){ view_uint_or(&v, "start", 0), view_uint_or(&v, "end", 0),
					  view_uint_or(&v, "status", 0), view_uint_or(&v, "shmid", 0) };
	}
	uint64_t ps = page_size(x, mm);
	int shift = __builtin_ctzll(ps);
	size_t vmi = 0;
	long long pvmi = -1;
	for (size_t k = 1; k < pm->n; k++) {
		uint64_t vaddr = view_uint_or(&pm->entries[k], "vaddr", 0), pages = pm_pages(&pm->entries[k]);
		char pstr[64];
		int len = snprintf(pstr, sizeof(pstr), "\t%llx / %-8llu", (unsigned long long)vaddr,
				   (unsigned long long)pages);
		put_left(x->o, pstr, (size_t)len, 24);
		while (vmi < n && vmas[vmi].end <= vaddr)
			vmi++;
		uint64_t pme = vaddr + (pages << shift);
		while (vmi < n && vmas[vmi].start < pme) {
			const struct vma *a = &vmas[vmi];
			if ((long long)vmi == pvmi) {
				put_str(x->o, " ~");
			} else {
				putf(x->o, " %08llx / %-8llu", (unsigned long long)a->start,
				     (unsigned long long)((a->end - a->start) >> shift));
				if (a->status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED)) {
					put_str(x->o, " ");
					put_file(x, 1 /* REG */, a->shmid);
				}
				pvmi = (long long)vmi;
			}
			putf(x->o, "\n\t%23s", "");
			vmi++;
		}
		if (vmi)
			vmi--; /* Python steps back one: the next entry may share it */
		put_str(x->o, "\n");
	}
	free(vmas);
}

static bool explore_rss(struct x *x)
{
	for (size_t i = 0; i < x->ntasks && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct ckpt_image mm, pm;
		if (!task_head(x, t))
			continue;
		if (!ckpt_load(&x->c, &mm, NULL, "mm-%llu.img", (unsigned long long)t->pid))
			break;
		if (ckpt_load(&x->c, &pm, NULL, "pagemap-%llu.img", (unsigned long long)t->pid)) {
			if (mm.n)
				rss_task(x, &mm.entries[0], &pm);
			ckpt_free(&pm);
		}
		ckpt_free(&mm);
	}
	return !crit_failed(x->err);
}

/* ------------------------------------------------------------------ */
/* stats                                                                */
/* ------------------------------------------------------------------ */

/* What stats-dump and stats-restore hold, as people read it: times (CRIU
 * keeps microseconds) in milliseconds, then page counts. */
static const struct stat_line {
	const char *field, *label;
	bool usec;
} dump_lines[] = {
	{ "freezing_time", "freezing time", true },
	{ "frozen_time", "frozen time", true },
	{ "memdump_time", "memdump time", true },
	{ "memwrite_time", "memwrite time", true },
	{ "irmap_resolve", "irmap resolve time", true },
	{ "pages_scanned", "pages scanned", false },
	{ "pages_skipped_parent", "pages in the parent", false },
	{ "pages_lazy", "pages lazy", false },
	{ "pages_written", "pages written", false },
	{ "page_pipes", "page pipes", false },
	{ "page_pipe_bufs", "page pipe buffers", false },
	{ "shpages_scanned", "shmem pages scanned", false },
	{ "shpages_skipped_parent", "shmem pages in the parent", false },
	{ "shpages_written", "shmem pages written", false },
	{ NULL, NULL, false },
}, restore_lines[] = {
	{ "forking_time", "forking time", true },
	{ "restore_time", "restore time", true },
	{ "pages_compared", "pages compared", false },
	{ "pages_skipped_cow", "pages skipped (COW)", false },
	{ "pages_restored", "pages restored", false },
	{ NULL, NULL, false },
};

static void stats_part(struct x *x, const char *image, const char *member, const struct stat_line *lines)
{
	struct ckpt_image im;
	struct view v;
	bool missing;

	putf(x->o, "%s (%s)\n", member, image);
	if (!ckpt_load(&x->c, &im, &missing, "%s", image)) {
		if (missing)
			putf(x->o, "\tno %s image\n", image);
		return;
	}
	if (!im.n || !view_msg(&im.entries[0], member, &v)) {
		putf(x->o, "\tno %s statistics in %s\n", member, image);
	} else {
		for (const struct stat_line *l = lines; l->field; l++) {
			uint64_t n;
			if (!view_uint(&v, l->field, &n))
				continue;
			put_str(x->o, "\t");
			put_left(x->o, l->label, strlen(l->label), 28);
			if (l->usec)
				putf(x->o, "%llu.%03llu ms\n", (unsigned long long)(n / 1000), (unsigned long long)(n % 1000));
			else
				putf(x->o, "%llu\n", (unsigned long long)n);
		}
	}
	ckpt_free(&im);
}

static bool explore_stats(struct x *x)
{
	stats_part(x, "stats-dump", "dump", dump_lines);
	stats_part(x, "stats-restore", "restore", restore_lines);
	return !crit_failed(x->err);
}

/* ------------------------------------------------------------------ */
/* The entry point                                                      */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	bool (*run)(struct x *x);
	bool tasks; /* it needs the process tree */
} explorers[] = {
	{ "ps", explore_ps, true },
	{ "fds", explore_fds, true },
	{ "mems", explore_mems, true },
	{ "rss", explore_rss, true },
	{ "stats", explore_stats, false },
};

bool crit_explore(const char *dir, const char *what, const struct crit_sink *sink, struct crit_err *err)
{
	static uint8_t buf[1u << 16];
	struct x x = { .err = err };
	struct out o;
	bool ok = false;

	memset(err, 0, sizeof(*err));
	for (size_t i = 0; i < sizeof(explorers) / sizeof(explorers[0]); i++) {
		if (strcmp(explorers[i].name, what) != 0)
			continue;
		out_init(&o, sink, err, buf, sizeof(buf));
		x.o = &o;
		if (ckpt_open(&x.c, dir, err)) {
			x.c.err = err;
			ok = (!explorers[i].tasks || load_tasks(&x)) && explorers[i].run(&x);
			ckpt_close(&x.c);
		}
		if (ok)
			ok = out_flush(&o);
		for (size_t k = 0; x.cores && k < x.ntasks; k++)
			ckpt_free(&x.cores[k]);
		free(x.cores);
		free(x.tasks);
		ckpt_free(&x.pstree);
		struct lookup *ls[] = { &x.files, &x.regs, &x.pipes, &x.unix_sks };
		for (size_t k = 0; k < 4; k++) {
			ckpt_free(&ls[k]->im);
			free(ls[k]->ids);
		}
		return ok && !crit_failed(err);
	}
	return crit_fail(err, CRIT_E_USAGE, 0, "no explorer '%s' (ps, fds, mems, rss, stats)", what);
}
