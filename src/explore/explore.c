/*
 * explore.c - crit x: a checkpoint directory read into the explorers'
 * structs (crit.h). explore_print.c shows them as text or JSON.
 *
 * What Python CRIT's explorers show (crit/__main__.py) is gathered as they
 * gather it, so that the text can be theirs byte for byte. Where Python
 * fails, this goes on: a zombie or dead task has no ids, fs or mm image,
 * so it gets its state and nothing else; a file missing from files.img is
 * looked up in the images older CRIU wrote for each kind (reg-files.img,
 * pipes.img, unixsk.img, inetsk.img...); a pagemap entry's size is
 * nr_pages, or compat_nr_pages before CRIU 4.2.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/io.h"
#include "base/keyed.h"
#include "ckpt/ckpt.h"
#include "codec/pretty.h"
#include "json/json.h"
#include "json/text.h"
#include "mem/mem.h"
#include "tables.h"

/* ------------------------------------------------------------------ */
/* What the explorers share                                             */
/* ------------------------------------------------------------------ */

/* An image entries are looked up in, loaded and indexed on first use. */
struct lookup {
	struct ckpt_image im;
	struct keyed *ids; /* the entries by the lookup's key */
	bool tried;
};

/* The images looked up in: files.img; the images older CRIU kept each
 * kind of file in; the socket queues, by the socket's file id. */
enum { LK_FILES, LK_REG, LK_PIPE, LK_UNIXSK, LK_INETSK, LK_NETLINKSK, LK_PACKETSK, LK_SKQ, LK_N };

static const struct {
	const char *image, *key;
} lookups[LK_N] = {
	[LK_FILES] = { "files.img", "id" },         [LK_REG] = { "reg-files.img", "id" },
	[LK_PIPE] = { "pipes.img", "id" },          [LK_UNIXSK] = { "unixsk.img", "id" },
	[LK_INETSK] = { "inetsk.img", "id" },       [LK_NETLINKSK] = { "netlinksk.img", "id" },
	[LK_PACKETSK] = { "packetsk.img", "id" },   [LK_SKQ] = { "sk-queues.img", "id_for" },
};

/* The fields read of the messages walked most, each group in one walk
 * (view_read). */
enum { PS_PID, PS_PPID, PS_PGID, PS_SID, PS_N };
static const char *const pstree_fields[PS_N] = { "pid", "ppid", "pgid", "sid" };
enum { FDI_FD, FDI_TYPE, FDI_ID, FDI_N };
static const char *const fdinfo_fields[FDI_N] = { "fd", "type", "id" };
enum { VMA_START, VMA_END, VMA_PGOFF, VMA_FLAGS, VMA_PROT, VMA_STATUS, VMA_SHMID, VMA_N };
static const char *const vma_fields[VMA_N] = { "start", "end", "pgoff", "flags", "prot", "status", "shmid" };
enum { PM_VADDR, PM_PAGES, PM_COMPAT_PAGES, PM_N };
static const char *const pagemap_fields[PM_N] = { "vaddr", "nr_pages", "compat_nr_pages" };

struct task {
	uint64_t pid, ppid, pgid, sid;
	int32_t state; /* task_core_entry's task_state; 0 without a core */
	struct crit_str comm;
	struct task *kid, *next; /* the tree of ps */
	bool shown;
};

/* What the explorers share: the directory, its tasks, the images files
 * are looked up in (loaded once), and a string builder. */
/* A file's name as file_name made it: tasks and VMAs name the same files
 * again and again. */
struct named {
	uint64_t id;
	int32_t type;
	bool used;
	struct crit_str name;
};

struct explorer {
	struct ckpt c;
	struct crit_err *err;
	struct crit_mem **mem; /* the result's */
	struct ckpt_image pstree;
	struct task *tasks;
	size_t ntasks;
	int64_t arch; /* core_entry's mtype: 0 when no core says */
	struct lookup look[LK_N];
	struct view_fields pstree_f, fdinfo_f, vma_f, pagemap_f;
	struct named *named; /* file names made so far, open addressing */
	size_t nnamed, capnamed;
	struct out s;  /* writes into sb; str_take() takes what it holds */
	struct buf sb;
	struct crit_sink sink;
	uint8_t sbuf[256];
};

/* ------------------------------------------------------------------ */
/* A result's memory                                                    */
/* ------------------------------------------------------------------ */

/* Blocks handed out in order and freed together: what a result points to
 * never moves, and one call frees it all. */
struct crit_mem {
	struct crit_mem *next;
	size_t used, cap;
	max_align_t data[];
};

#define MEM_BLOCK ((size_t)64 << 10)

static void mem_free(struct crit_mem *m)
{
	while (m) {
		struct crit_mem *next = m->next;
		free(m);
		m = next;
	}
}

/* n zeroed bytes of the result's memory, or NULL (the error recorded). */
static void *mem_alloc(struct explorer *x, size_t n)
{
	struct crit_mem *m = *x->mem;

	if (n > SIZE_MAX / 4)
		return crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory for %zu bytes", n), NULL;
	n = n ? (size_t)round_up(n, sizeof(max_align_t)) : sizeof(max_align_t);
	if (!m || m->cap - m->used < n) {
		bool large = n > MEM_BLOCK / 4;
		/* the first block small, the next ones in huge pages: a large
		 * checkpoint's results fill them */
		size_t size = sizeof(struct crit_mem) + (large ? n : MEM_BLOCK);
		bool huge = large ? size >= BUF_HUGE : m != NULL;
		struct crit_mem *b = huge ? huge_alloc(size, &size) : malloc(size);
		if (!b)
			return crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory for %zu bytes", n), NULL;
		b->used = 0;
		b->cap = size - sizeof(*b);
		if (large && m) { /* behind the current block, which keeps its room */
			b->next = m->next;
			m->next = b;
		} else {
			b->next = m;
			*x->mem = b;
		}
		m = b;
	}
	void *p = (uint8_t *)m->data + m->used;
	m->used += n;
	return memset(p, 0, n);
}

static void *mem_array(struct explorer *x, size_t n, size_t size)
{
	if (n > SIZE_MAX / 4 / size)
		return crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory for %zu items", n), NULL;
	return mem_alloc(x, n * size);
}

static struct crit_str str_copy(struct explorer *x, const void *s, size_t n)
{
	char *p = n ? mem_alloc(x, n + 1) : NULL;

	if (!p)
		return (struct crit_str){ "", 0 };
	memcpy(p, s, n); /* and p[n] is 0 */
	return (struct crit_str){ p, n };
}

static bool sb_write(void *ctx, const void *p, size_t n)
{
	return buf_put(ctx, p, n);
}

/* What was written to x->s since the last take, as a string of the result. */
static struct crit_str str_take(struct explorer *x)
{
	out_flush(&x->s);
	struct crit_str s = str_copy(x, x->sb.p, x->sb.n);
	x->sb.n = 0;
	return s;
}

/* ------------------------------------------------------------------ */
/* The checkpoint                                                       */
/* ------------------------------------------------------------------ */

/* CRIU dumps a zombie (exited, not yet reaped) as DEAD and restores it as
 * a zombie; ZOMBIE is what a seized zombie is. */
const char *crit_task_state_name(int32_t s)
{
	switch (s) {
	case CRIT_TASK_ALIVE:
		return "alive";
	case CRIT_TASK_DEAD:
	case CRIT_TASK_ZOMBIE:
		return "zombie";
	case CRIT_TASK_STOPPED:
		return "stopped";
	default:
		return "unknown";
	}
}

/* Has the task no ids, fs and mm images (CRIU dumps none for it)? */
static bool no_resources(const struct task *t)
{
	return t->state == CRIT_TASK_DEAD || t->state == CRIT_TASK_ZOMBIE;
}

static bool load_tasks(struct explorer *x)
{
	if (!ckpt_load(&x->c, &x->pstree, NULL, "pstree.img"))
		return false;
	x->ntasks = x->pstree.n;
	x->tasks = mem_array(x, x->ntasks, sizeof(*x->tasks));
	for (size_t i = 0; x->tasks && i < x->ntasks && !crit_failed(x->err); i++) {
		const struct view *p = &x->pstree.entries[i];
		struct task *t = &x->tasks[i];
		uint64_t v[PS_N] = { 0 };
		view_read(p, &x->pstree_f, v);
		*t = (struct task){ .pid = v[PS_PID], .ppid = v[PS_PPID], .pgid = v[PS_PGID], .sid = v[PS_SID],
				    .comm = { "", 0 } };
		struct ckpt_image core;
		bool missing;
		if (!ckpt_load(&x->c, &core, &missing, "core-%llu.img", (unsigned long long)t->pid))
			continue;
		struct view tc;
		const uint8_t *comm;
		size_t n;
		int64_t state = 0;
		if (core.n && !x->arch)
			view_int(&core.entries[0], "mtype", &x->arch);
		if (core.n && view_msg(&core.entries[0], "tc", &tc)) {
			view_int(&tc, "task_state", &state);
			t->state = (int32_t)state;
			if (view_bytes(&tc, "comm", &comm, &n))
				t->comm = str_copy(x, comm, n);
		}
		ckpt_free(&core);
	}
	return !crit_failed(x->err);
}

/* The entries of lookup k whose key is id, in image order: (*by)[0, n). */
static size_t look_up(struct explorer *x, int k, uint64_t id, const struct keyed **by)
{
	struct lookup *l = &x->look[k];
	bool missing;

	if (!l->tried) {
		l->tried = true;
		if (ckpt_load(&x->c, &l->im, &missing, "%s", lookups[k].image)) {
			const char *key = lookups[k].key;
			l->ids = malloc((l->im.n ? l->im.n : 1) * sizeof(*l->ids));
			if (!l->ids)
				return crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory"), 0;
			for (size_t i = 0; i < l->im.n; i++)
				l->ids[i] = (struct keyed){ view_uint_or(&l->im.entries[i], key, UINT64_MAX), i };
			keyed_sort(l->ids, l->im.n);
		}
	}
	if (!l->ids)
		return 0;
	size_t first = keyed_first(l->ids, l->im.n, id), n = 0;
	while (first + n < l->im.n && l->ids[first + n].key == id)
		n++;
	*by = l->ids + first;
	return n;
}

static const struct view *look_entry(struct explorer *x, int k, const struct keyed *by)
{
	return &x->look[k].im.entries[by->i];
}

/* The file's entry in files.img with this id (its member named member),
 * or in the image older CRIU kept its kind in (lookup old). */
static bool find_file(struct explorer *x, const char *member, int old, uint64_t id, struct view *out)
{
	const struct keyed *by;

	if (look_up(x, LK_FILES, id, &by))
		return view_msg(look_entry(x, LK_FILES, by), member, out);
	if (!look_up(x, old, id, &by))
		return false;
	*out = *look_entry(x, old, by);
	return true;
}

static struct crit_str make_file_name(struct explorer *x, int32_t type, uint64_t id);

/* The slot of (type, id) in x->named: its name, or where it goes. */
static struct named *named_slot(struct named *t, size_t cap, int32_t type, uint64_t id)
{
	size_t i = (size_t)((id ^ (uint64_t)(uint32_t)type << 40) * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);

	while (t[i].used && (t[i].id != id || t[i].type != type))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* What a file descriptor refers to, as Python CRIT names it; made once
 * for each file. */
static struct crit_str file_name(struct explorer *x, int32_t type, uint64_t id)
{
	if (x->nnamed >= x->capnamed / 2) { /* half full at most */
		size_t cap = x->capnamed ? 2 * x->capnamed : 256;
		struct named *t = cap <= SIZE_MAX / sizeof(*t) ? calloc(cap, sizeof(*t)) : NULL;
		if (!t)
			return crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory"), (struct crit_str){ "", 0 };
		for (size_t i = 0; i < x->capnamed; i++)
			if (x->named[i].used)
				*named_slot(t, cap, x->named[i].type, x->named[i].id) = x->named[i];
		free(x->named);
		x->named = t;
		x->capnamed = cap;
	}
	struct named *slot = named_slot(x->named, x->capnamed, type, id);
	if (!slot->used) {
		*slot = (struct named){ id, type, true, make_file_name(x, type, id) };
		x->nnamed++;
	}
	return slot->name;
}

static struct crit_str make_file_name(struct explorer *x, int32_t type, uint64_t id)
{
	const struct crit_enum_value *tv = schema_enum_value(&crit_enum_fd_types, type);
	const char *name = tv ? tv->name : NULL;
	struct out *o = &x->s;
	struct view v;
	const uint8_t *s;
	size_t n;

	if (name && strcmp(name, "REG") == 0) {
		if (find_file(x, "reg", LK_REG, id, &v) && view_bytes(&v, "name", &s, &n) && n)
			out_put(o, s, n);
		else
			out_str(o, "unknown path");
	} else if (name && strcmp(name, "PIPE") == 0) {
		if (find_file(x, "pipe", LK_PIPE, id, &v))
			out_printf(o, "pipe[%llu]", (unsigned long long)view_uint_or(&v, "pipe_id", 0));
		else
			out_str(o, "pipe[?]");
	} else if (name && strcmp(name, "UNIXSK") == 0) {
		if (find_file(x, "usk", LK_UNIXSK, id, &v)) {
			out_printf(o, "unix[%llu (%llu)", (unsigned long long)view_uint_or(&v, "ino", 0),
				   (unsigned long long)view_uint_or(&v, "peer", 0));
			if (view_bytes(&v, "name", &s, &n) && n) {
				out_str(o, " ");
				qp_out(o, s, n);
			}
			out_str(o, "]");
		} else {
			out_str(o, "unix[?]");
		}
	} else if (name) {
		out_printf(o, "%s.%llu", name, (unsigned long long)id);
	} else {
		out_printf(o, "%d.%llu", type, (unsigned long long)id);
	}
	return str_take(x);
}

enum { FD_REG = 1 };

/* The task's fdinfo image: its ids image names it. */
static bool load_fdinfo(struct explorer *x, const struct task *t, struct ckpt_image *fdi)
{
	struct ckpt_image ids;

	if (!ckpt_load(&x->c, &ids, NULL, "ids-%llu.img", (unsigned long long)t->pid))
		return false;
	uint64_t files_id = ids.n ? view_uint_or(&ids.entries[0], "files_id", 0) : 0;
	ckpt_free(&ids);
	return ckpt_load(&x->c, fdi, NULL, "fdinfo-%llu.img", (unsigned long long)files_id);
}

/* The page size, as the memory reader finds it. */
static uint64_t page_size(struct explorer *x, const struct view *mm)
{
	return mem_page_size(x->arch, mm);
}

/* How many values a repeated field has. */
static size_t count_msgs(const struct view *v, const char *field)
{
	struct view_iter it;
	struct view sub;
	size_t n = 0;

	view_iter(&it, v, field);
	while (view_next_msg(&it, &sub))
		n++;
	return n;
}

/* Run gather on the checkpoint in dir (with its tasks loaded when asked),
 * into a result whose memory is *mem. */
static bool run(const char *dir, bool tasks, struct crit_mem **mem, struct crit_err *err,
		bool (*gather)(struct explorer *x, void *r), void *r)
{
	struct explorer x = {
		.err = err,
		.mem = mem,
		.pstree_f = { .names = pstree_fields, .n = PS_N },
		.fdinfo_f = { .names = fdinfo_fields, .n = FDI_N },
		.vma_f = { .names = vma_fields, .n = VMA_N },
		.pagemap_f = { .names = pagemap_fields, .n = PM_N },
	};
	bool ok = false;

	memset(err, 0, sizeof(*err));
	x.sink = (struct crit_sink){ sb_write, &x.sb, NULL };
	out_init(&x.s, &x.sink, err, x.sbuf, sizeof(x.sbuf));
	if (ckpt_open(&x.c, dir, err)) {
		ok = (!tasks || load_tasks(&x)) && gather(&x, r);
		ckpt_close(&x.c);
	}
	ckpt_free(&x.pstree);
	for (int k = 0; k < LK_N; k++) {
		ckpt_free(&x.look[k].im);
		free(x.look[k].ids);
	}
	free(x.sb.p);
	free(x.named);
	return ok && !crit_failed(err);
}

/* ------------------------------------------------------------------ */
/* ps                                                                   */
/* ------------------------------------------------------------------ */

/* The tree under root, depth first, without recursion (a hostile pstree
 * may be a chain of any length); stack and depth have room for all. */
static void ps_tree(struct explorer *x, struct task *root, struct crit_ps *ps, struct task **stack, size_t *depth)
{
	size_t sp = 0;

	stack[sp] = root;
	depth[sp++] = 0;
	while (sp) {
		struct task *t = stack[--sp];
		size_t d = depth[sp];
		if (t->shown)
			continue;
		t->shown = true;
		ps->tasks[ps->n++] = (struct crit_ps_task){ t->pid, t->ppid, t->pgid, t->sid, t->state, d, t->comm };
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
}

static bool ps_gather(struct explorer *x, void *r)
{
	struct crit_ps *ps = r;
	size_t n = x->ntasks, cap = n ? n : 1;
	struct keyed *pids = malloc(cap * sizeof(*pids));
	struct task **last = calloc(cap, sizeof(*last)), **stack = malloc(cap * sizeof(*stack));
	size_t *depth = malloc(cap * sizeof(*depth));

	ps->tasks = mem_array(x, n, sizeof(*ps->tasks));
	if (!pids || !last || !stack || !depth) {
		crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		goto out;
	}
	if (!ps->tasks)
		goto out;
	for (size_t i = 0; i < n; i++)
		pids[i] = (struct keyed){ x->tasks[i].pid, i };
	keyed_sort(pids, n);
	/* each task under its parent (the first task with its ppid, not
	 * itself), in pstree order */
	for (size_t i = 0; i < n; i++) {
		struct task *t = &x->tasks[i];
		size_t k = t->ppid ? keyed_first(pids, n, t->ppid) : n;
		if (k < n && pids[k].i == i)
			k++;
		if (k >= n || pids[k].key != t->ppid)
			continue;
		size_t j = pids[k].i;
		if (last[j])
			last[j]->next = t;
		else
			x->tasks[j].kid = t;
		last[j] = t;
	}
	/* the root (ppid 0), then whatever a broken pstree leaves out */
	for (size_t i = 0; i < n; i++)
		if (!x->tasks[i].ppid)
			ps_tree(x, &x->tasks[i], ps, stack, depth);
	for (size_t i = 0; i < n; i++)
		if (!x->tasks[i].shown)
			ps_tree(x, &x->tasks[i], ps, stack, depth);
out:
	free(pids);
	free(last);
	free(stack);
	free(depth);
	return !crit_failed(x->err);
}

bool crit_explore_ps(const char *dir, struct crit_ps *ps, struct crit_err *err)
{
	memset(ps, 0, sizeof(*ps));
	if (run(dir, true, &ps->mem, err, ps_gather, ps))
		return true;
	crit_ps_free(ps);
	return false;
}

void crit_ps_free(struct crit_ps *ps)
{
	mem_free(ps->mem);
	memset(ps, 0, sizeof(*ps));
}

/* ------------------------------------------------------------------ */
/* fds                                                                  */
/* ------------------------------------------------------------------ */

static bool fds_gather(struct explorer *x, void *r)
{
	struct crit_fds *fds = r;

	fds->tasks = mem_array(x, x->ntasks, sizeof(*fds->tasks));
	fds->n = fds->tasks ? x->ntasks : 0;
	for (size_t i = 0; i < fds->n && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct crit_fds_task *ft = &fds->tasks[i];
		struct ckpt_image fdi, fs;
		ft->pid = t->pid;
		ft->state = t->state;
		ft->zombie = no_resources(t);
		ft->cwd = ft->root = (struct crit_str){ "", 0 };
		if (ft->zombie)
			continue;
		if (!load_fdinfo(x, t, &fdi))
			break;
		ft->fds = mem_array(x, fdi.n, sizeof(*ft->fds));
		for (size_t k = 0; ft->fds && k < fdi.n; k++) {
			struct crit_fd *fd = &ft->fds[ft->n++];
			uint64_t v[FDI_N] = { 0 };
			view_read(&fdi.entries[k], &x->fdinfo_f, v);
			int32_t type = (int32_t)v[FDI_TYPE];
			*fd = (struct crit_fd){ v[FDI_FD], type, v[FDI_ID], file_name(x, type, v[FDI_ID]) };
		}
		ckpt_free(&fdi);
		if (!ckpt_load(&x->c, &fs, NULL, "fs-%llu.img", (unsigned long long)t->pid))
			break;
		if (fs.n) {
			ft->cwd = file_name(x, FD_REG, view_uint_or(&fs.entries[0], "cwd_id", 0));
			ft->root = file_name(x, FD_REG, view_uint_or(&fs.entries[0], "root_id", 0));
		}
		ckpt_free(&fs);
	}
	return !crit_failed(x->err);
}

bool crit_explore_fds(const char *dir, struct crit_fds *fds, struct crit_err *err)
{
	memset(fds, 0, sizeof(*fds));
	if (run(dir, true, &fds->mem, err, fds_gather, fds))
		return true;
	crit_fds_free(fds);
	return false;
}

void crit_fds_free(struct crit_fds *fds)
{
	mem_free(fds->mem);
	memset(fds, 0, sizeof(*fds));
}

/* ------------------------------------------------------------------ */
/* mems                                                                 */
/* ------------------------------------------------------------------ */

/* Python's vma_id: a small number for each shmid, in order of first use
 * (over all tasks). */
struct ids {
	uint64_t *v;
	size_t n, cap;
};

static uint64_t small_id(struct explorer *x, struct ids *ids, uint64_t shmid)
{
	for (size_t i = 0; i < ids->n; i++)
		if (ids->v[i] == shmid)
			return i + 1;
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? 2 * ids->cap : 16;
		uint64_t *p = realloc(ids->v, cap * sizeof(*p));
		if (!p)
			return crit_fail(x->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory"), 0;
		ids->v = p;
		ids->cap = cap;
	}
	ids->v[ids->n++] = shmid;
	return ids->n;
}

enum { MAP_GROWSDOWN = 0x0100 }; /* the VMA_* bits are in format/bits.h */

/* What a VMA maps, as Python CRIT's mems shows it after the protection. */
static void vma_read(struct explorer *x, struct ids *ids, const struct view *vma, struct crit_vma *v)
{
	struct out *o = &x->s;

	uint64_t f[VMA_N] = { 0 };

	view_read(vma, &x->vma_f, f);
	*v = (struct crit_vma){ .start = f[VMA_START], .end = f[VMA_END], .pgoff = f[VMA_PGOFF],
				.flags = f[VMA_FLAGS], .prot = (uint32_t)f[VMA_PROT],
				.status = (uint32_t)f[VMA_STATUS], .file = { "", 0 } };
	uint64_t st = v->status, shmid = f[VMA_SHMID];
	if (st & VMA_AREA_SYSVIPC) {
		out_printf(o, "ips[%llx]", (unsigned long long)small_id(x, ids, shmid));
	} else if (st & VMA_ANON_SHARED) {
		out_printf(o, "shmem[%llx]", (unsigned long long)small_id(x, ids, shmid));
	} else if (st & VMA_AREA_SOCKET) {
		out_printf(o, "packet[%llx]", (unsigned long long)small_id(x, ids, shmid));
	} else if (st & (VMA_FILE_PRIVATE | VMA_FILE_SHARED)) {
		v->file = file_name(x, FD_REG, shmid);
		out_put(o, v->file.s, v->file.n);
		if (v->pgoff)
			out_printf(o, " + %#llx", (unsigned long long)v->pgoff);
		if (st & VMA_FILE_SHARED)
			out_str(o, " (s)");
	} else if (st & VMA_AREA_STACK) {
		out_str(o, "[stack]");
	} else if (st & VMA_AREA_VSYSCALL) {
		out_str(o, "[vsyscall]");
	} else if (st & VMA_AREA_VDSO) {
		out_str(o, "[vdso]");
	} else if (v->flags & MAP_GROWSDOWN) {
		out_str(o, "[stack?]");
	}
	v->name = str_take(x);
}

static bool mems_gather(struct explorer *x, void *r)
{
	struct crit_mems *mems = r;
	struct ids ids = { 0 };

	mems->tasks = mem_array(x, x->ntasks, sizeof(*mems->tasks));
	mems->n = mems->tasks ? x->ntasks : 0;
	for (size_t i = 0; i < mems->n && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct crit_mems_task *mt = &mems->tasks[i];
		struct ckpt_image mm;
		mt->pid = t->pid;
		mt->state = t->state;
		mt->zombie = no_resources(t);
		mt->exe = (struct crit_str){ "", 0 };
		if (mt->zombie)
			continue;
		if (!ckpt_load(&x->c, &mm, NULL, "mm-%llu.img", (unsigned long long)t->pid))
			break;
		if (mm.n) {
			const struct view *m = &mm.entries[0];
			struct view_iter it;
			struct view vma;
			size_t n = count_msgs(m, "vmas");
			mt->exe = file_name(x, FD_REG, view_uint_or(m, "exe_file_id", 0));
			mt->vmas = mem_array(x, n, sizeof(*mt->vmas));
			view_iter(&it, m, "vmas");
			while (mt->vmas && mt->n < n && view_next_msg(&it, &vma))
				vma_read(x, &ids, &vma, &mt->vmas[mt->n++]);
		}
		ckpt_free(&mm);
	}
	free(ids.v);
	return !crit_failed(x->err);
}

bool crit_explore_mems(const char *dir, struct crit_mems *mems, struct crit_err *err)
{
	memset(mems, 0, sizeof(*mems));
	if (run(dir, true, &mems->mem, err, mems_gather, mems))
		return true;
	crit_mems_free(mems);
	return false;
}

void crit_mems_free(struct crit_mems *mems)
{
	mem_free(mems->mem);
	memset(mems, 0, sizeof(*mems));
}

/* ------------------------------------------------------------------ */
/* rss                                                                  */
/* ------------------------------------------------------------------ */

/* Each pagemap entry against the VMAs, walked as Python walks them. */
static void rss_task(struct explorer *x, const struct view *mm, const struct ckpt_image *pm, struct crit_rss_task *rt)
{
	struct view_iter it;
	struct view v;
	size_t n = count_msgs(mm, "vmas");

	rt->vmas = mem_array(x, n, sizeof(*rt->vmas));
	view_iter(&it, mm, "vmas");
	while (rt->vmas && rt->nvmas < n && view_next_msg(&it, &v)) {
		struct crit_rss_vma *a = &rt->vmas[rt->nvmas++];
		uint64_t f[VMA_N] = { 0 };
		view_read(&v, &x->vma_f, f);
		*a = (struct crit_rss_vma){ f[VMA_START], f[VMA_END], { "", 0 } };
		if (f[VMA_STATUS] & (VMA_FILE_PRIVATE | VMA_FILE_SHARED))
			a->file = file_name(x, FD_REG, f[VMA_SHMID]);
	}
	rt->page_size = page_size(x, mm);
	int shift = __builtin_ctzll(rt->page_size);
	size_t npm = pm->n ? pm->n - 1 : 0; /* entries[0] is the head */
	rt->pages = mem_array(x, npm, sizeof(*rt->pages));
	if (!rt->pages)
		return;
	size_t vmi = 0;
	for (size_t k = 1; k < pm->n; k++) {
		struct crit_rss_pages *p = &rt->pages[rt->npages++];
		uint64_t f[PM_N] = { 0 };
		uint32_t has = view_read(&pm->entries[k], &x->pagemap_f, f);
		p->vaddr = f[PM_VADDR];
		/* nr_pages, or compat_nr_pages before CRIU 4.2 */
		p->pages = has & 1u << PM_PAGES ? f[PM_PAGES] : f[PM_COMPAT_PAGES];
		while (vmi < rt->nvmas && rt->vmas[vmi].end <= p->vaddr)
			vmi++;
		uint64_t pme = p->vaddr + (p->pages << shift);
		p->vma = vmi;
		while (vmi < rt->nvmas && rt->vmas[vmi].start < pme)
			vmi++;
		p->nvmas = vmi - p->vma;
		if (vmi)
			vmi--; /* Python steps back one: the next entry may share it */
	}
}

static bool rss_gather(struct explorer *x, void *r)
{
	struct crit_rss *rss = r;

	rss->tasks = mem_array(x, x->ntasks, sizeof(*rss->tasks));
	rss->n = rss->tasks ? x->ntasks : 0;
	for (size_t i = 0; i < rss->n && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct crit_rss_task *rt = &rss->tasks[i];
		struct ckpt_image mm, pm;
		rt->pid = t->pid;
		rt->state = t->state;
		rt->zombie = no_resources(t);
		if (rt->zombie)
			continue;
		if (!ckpt_load(&x->c, &mm, NULL, "mm-%llu.img", (unsigned long long)t->pid))
			break;
		if (ckpt_load(&x->c, &pm, NULL, "pagemap-%llu.img", (unsigned long long)t->pid)) {
			if (mm.n)
				rss_task(x, &mm.entries[0], &pm, rt);
			ckpt_free(&pm);
		}
		ckpt_free(&mm);
	}
	return !crit_failed(x->err);
}

bool crit_explore_rss(const char *dir, struct crit_rss *rss, struct crit_err *err)
{
	memset(rss, 0, sizeof(*rss));
	if (run(dir, true, &rss->mem, err, rss_gather, rss))
		return true;
	crit_rss_free(rss);
	return false;
}

void crit_rss_free(struct crit_rss *rss)
{
	mem_free(rss->mem);
	memset(rss, 0, sizeof(*rss));
}

/* ------------------------------------------------------------------ */
/* sk                                                                   */
/* ------------------------------------------------------------------ */

static void sk_unix(struct explorer *x, const struct view *v, struct crit_socket *s)
{
	const uint8_t *name, *nul;
	size_t n;

	s->peer = view_uint_or(v, "peer", 0);
	if (!view_bytes(v, "name", &name, &n) || !n)
		return;
	if (name[0] && (nul = memchr(name, 0, n))) /* a path ends at its NUL; an abstract name does not */
		n = (size_t)(nul - name);
	s->src = str_copy(x, name, n);
}

/* An address as CRIT keeps it: 1 word (IPv4) or 4 (IPv6). */
static struct crit_str sk_addr(struct explorer *x, const struct view *v, const char *field)
{
	struct view_iter it;
	uint32_t words[4];
	uint64_t w;
	int n = 0;
	char buf[64];

	view_iter(&it, v, field);
	while (view_next_uint(&it, &w))
		if (n++ < 4)
			words[n - 1] = (uint32_t)w;
	if ((n != 1 && n != 4) || !pretty_fmt_ip(buf, words, n))
		return (struct crit_str){ "", 0 };
	return str_copy(x, buf, strlen(buf));
}

static void sk_inet(struct explorer *x, const struct view *v, struct crit_socket *s)
{
	s->src = sk_addr(x, v, "src_addr");
	s->dst = sk_addr(x, v, "dst_addr");
	s->src_port = (uint32_t)view_uint_or(v, "src_port", 0);
	s->dst_port = (uint32_t)view_uint_or(v, "dst_port", 0);
}

static void sk_netlink(struct explorer *x, const struct view *v, struct crit_socket *s)
{
	(void)x;
	s->src_port = (uint32_t)view_uint_or(v, "portid", 0);
	s->dst_port = (uint32_t)view_uint_or(v, "dst_portid", 0);
}

static void sk_packet(struct explorer *x, const struct view *v, struct crit_socket *s)
{
	(void)x;
	s->ifindex = (uint32_t)view_uint_or(v, "ifindex", 0);
	/* CRIU keeps the protocol as socket(2) takes it: the ethertype in
	 * network byte order */
	s->proto = (uint32_t)__builtin_bswap16((uint16_t)s->proto);
}

/* The kinds of sockets: how fdinfo names them, the member of file_entry
 * (or the image of older CRIU) that holds them, and the fields of their
 * entry (NULL where it has none). */
static const struct sk_kind {
	const char *fd_type, *member;
	int old;
	uint32_t family; /* 0: the entry's "family" says */
	const char *ino, *type, *proto, *state;
	bool queues; /* CRIU dumps every receive queue of the kind in sk-queues.img */
	void (*read)(struct explorer *x, const struct view *v, struct crit_socket *s);
} sk_kinds[] = {
	{ "UNIXSK", "usk", LK_UNIXSK, AF_UNIX, "ino", "type", NULL, "state", true, sk_unix },
	{ "INETSK", "isk", LK_INETSK, 0, "ino", "type", "proto", "state", false, sk_inet },
	{ "NETLINKSK", "nlsk", LK_NETLINKSK, AF_NETLINK, "ino", NULL, "protocol", "state", false, sk_netlink },
	{ "PACKETSK", "psk", LK_PACKETSK, AF_PACKET, NULL, "type", "protocol", NULL, false, sk_packet },
};

static const struct sk_kind *sk_kind(int32_t type)
{
	const struct crit_enum_value *tv = schema_enum_value(&crit_enum_fd_types, type);

	for (size_t i = 0; tv && i < sizeof(sk_kinds) / sizeof(sk_kinds[0]); i++)
		if (strcmp(sk_kinds[i].fd_type, tv->name) == 0)
			return &sk_kinds[i];
	return NULL;
}

static uint32_t field_or_0(const struct view *v, const char *field)
{
	return field ? (uint32_t)view_uint_or(v, field, 0) : 0;
}

/* The bytes queued: a TCP stream's queues are in tcp-stream-INO.img, the
 * receive queues of other sockets in sk-queues.img, packet by packet. */
static void sk_queues(struct explorer *x, const struct sk_kind *k, struct crit_socket *s)
{
	const struct keyed *by;
	size_t n = look_up(x, LK_SKQ, s->id, &by);

	s->recv_q = s->send_q = -1;
	if (n || k->queues) {
		s->recv_q = 0;
		for (size_t i = 0; i < n; i++)
			s->recv_q += (int64_t)(uint32_t)view_uint_or(look_entry(x, LK_SKQ, &by[i]), "length", 0);
	}
	if ((s->family == AF_INET || s->family == AF_INET6) && s->type == SOCK_STREAM) {
		struct ckpt_image ts;
		bool missing;
		if (ckpt_load(&x->c, &ts, &missing, "tcp-stream-%llx.img", (unsigned long long)s->ino)) {
			if (ts.n) {
				s->recv_q = (uint32_t)view_uint_or(&ts.entries[0], "inq_len", 0);
				s->send_q = (uint32_t)view_uint_or(&ts.entries[0], "outq_len", 0);
			}
			ckpt_free(&ts);
		}
	}
}

/* The socket behind fd; id is its file's. */
static void sk_read(struct explorer *x, const struct sk_kind *k, uint64_t fd, uint64_t id, struct crit_socket *s)
{
	struct view v, opts;

	s->fd = fd;
	s->id = id;
	s->family = k->family;
	s->src = s->dst = (struct crit_str){ "", 0 };
	s->recv_q = s->send_q = -1;
	if (!find_file(x, k->member, k->old, s->id, &v))
		return; /* a socket without its entry: what fdinfo says */
	if (!s->family)
		s->family = field_or_0(&v, "family");
	s->ino = field_or_0(&v, k->ino);
	s->type = field_or_0(&v, k->type);
	s->proto = field_or_0(&v, k->proto);
	s->state = field_or_0(&v, k->state);
	if (view_msg(&v, "opts", &opts)) {
		s->rcvbuf = (uint32_t)view_uint_or(&opts, "so_rcvbuf", 0);
		s->sndbuf = (uint32_t)view_uint_or(&opts, "so_sndbuf", 0);
	}
	k->read(x, &v, s);
	sk_queues(x, k, s);
}

static bool sk_gather(struct explorer *x, void *r)
{
	struct crit_sk *sk = r;

	sk->tasks = mem_array(x, x->ntasks, sizeof(*sk->tasks));
	sk->n = sk->tasks ? x->ntasks : 0;
	for (size_t i = 0; i < sk->n && !crit_failed(x->err); i++) {
		const struct task *t = &x->tasks[i];
		struct crit_sk_task *st = &sk->tasks[i];
		struct ckpt_image fdi;
		st->pid = t->pid;
		st->state = t->state;
		st->zombie = no_resources(t);
		if (st->zombie)
			continue;
		if (!load_fdinfo(x, t, &fdi))
			break;
		st->sks = mem_array(x, fdi.n, sizeof(*st->sks));
		for (size_t k = 0; st->sks && k < fdi.n; k++) {
			uint64_t f[FDI_N] = { 0 };
			view_read(&fdi.entries[k], &x->fdinfo_f, f);
			const struct sk_kind *kind = sk_kind((int32_t)f[FDI_TYPE]);
			if (kind)
				sk_read(x, kind, f[FDI_FD], f[FDI_ID], &st->sks[st->n++]);
		}
		ckpt_free(&fdi);
	}
	return !crit_failed(x->err);
}

bool crit_explore_sk(const char *dir, struct crit_sk *sk, struct crit_err *err)
{
	memset(sk, 0, sizeof(*sk));
	if (run(dir, true, &sk->mem, err, sk_gather, sk))
		return true;
	crit_sk_free(sk);
	return false;
}

void crit_sk_free(struct crit_sk *sk)
{
	mem_free(sk->mem);
	memset(sk, 0, sizeof(*sk));
}

/* ------------------------------------------------------------------ */
/* stats                                                                */
/* ------------------------------------------------------------------ */

/* What stats-dump and stats-restore hold, as people read it. */
static const struct crit_stat dump_lines[] = {
	{ "freezing_time", "freezing time", true, 0 },
	{ "frozen_time", "frozen time", true, 0 },
	{ "memdump_time", "memdump time", true, 0 },
	{ "memwrite_time", "memwrite time", true, 0 },
	{ "irmap_resolve", "irmap resolve time", true, 0 },
	{ "pages_scanned", "pages scanned", false, 0 },
	{ "pages_skipped_parent", "pages in the parent", false, 0 },
	{ "pages_lazy", "pages lazy", false, 0 },
	{ "pages_written", "pages written", false, 0 },
	{ "page_pipes", "page pipes", false, 0 },
	{ "page_pipe_bufs", "page pipe buffers", false, 0 },
	{ "shpages_scanned", "shmem pages scanned", false, 0 },
	{ "shpages_skipped_parent", "shmem pages in the parent", false, 0 },
	{ "shpages_written", "shmem pages written", false, 0 },
	{ NULL, NULL, false, 0 },
}, restore_lines[] = {
	{ "forking_time", "forking time", true, 0 },
	{ "restore_time", "restore time", true, 0 },
	{ "pages_compared", "pages compared", false, 0 },
	{ "pages_skipped_cow", "pages skipped (COW)", false, 0 },
	{ "pages_restored", "pages restored", false, 0 },
	{ NULL, NULL, false, 0 },
};

static void stats_part(struct explorer *x, struct crit_stats_part *p, const char *image, const char *member,
		       const struct crit_stat *lines)
{
	struct ckpt_image im;
	struct view v;
	bool missing;

	*p = (struct crit_stats_part){ .image = image, .member = member };
	if (!ckpt_load(&x->c, &im, &missing, "%s", image))
		return;
	p->found = true;
	p->has = im.n && view_msg(&im.entries[0], member, &v);
	for (const struct crit_stat *l = lines; p->has && l->field && p->n < CRIT_STATS_MAX; l++) {
		p->v[p->n] = *l;
		if (view_uint(&v, l->field, &p->v[p->n].value))
			p->n++;
	}
	ckpt_free(&im);
}

static bool stats_gather(struct explorer *x, void *r)
{
	struct crit_stats *st = r;

	stats_part(x, &st->dump, "stats-dump", "dump", dump_lines);
	stats_part(x, &st->restore, "stats-restore", "restore", restore_lines);
	return !crit_failed(x->err);
}

bool crit_explore_stats(const char *dir, struct crit_stats *stats, struct crit_err *err)
{
	struct crit_mem *mem = NULL; /* stats points to no memory of its own */

	memset(stats, 0, sizeof(*stats));
	bool ok = run(dir, false, &mem, err, stats_gather, stats);
	mem_free(mem);
	if (!ok)
		memset(stats, 0, sizeof(*stats));
	return ok;
}
