/*
 * notes.c - the notes of a core file, as the kernel's fs/binfmt_elf.c
 * writes them (fill_prstatus, fill_psinfo, fill_siginfo_note,
 * fill_auxv_note, fill_files_note, the regsets), from the checkpoint:
 * each thread's core image, the pstree entry, the mm entry and memory.
 *
 * The layouts are the kernel's, for either word size W (linux/elfcore.h):
 * elf_prstatus  pr_info (3 ints), pr_cursig (short), pr_sigpend and
 *               pr_sighold (longs), pid ppid pgrp sid (ints), 4 timevals
 *               (2 longs each), pr_reg, pr_fpvalid (int), padded to W
 * elf_prpsinfo  state sname zomb nice (chars), pr_flag (long), uid gid
 *               (__kernel_uid_t), pid ppid pgrp sid (ints), fname[16],
 *               psargs[80], padded to W
 */
#include "core/core.h"

#define SIGINFO_SIZE 128 /* siginfo_t on every architecture */
#define PRARGSZ 80       /* ELF_PRARGSZ */
#define AUXV_MAX 1024    /* words of mm_saved_auxv read (the kernel's are ~50) */
#define FILE_NOTE_MAX ((size_t)4 << 20) /* the kernel's MAX_FILE_NOTE_SIZE */

/* ---- Registers ----------------------------------------------------- */

/* Whether the field at path (a message or a number) is in v. */
static bool has_field(const struct view *v, const char *path)
{
	struct view dir, sub;
	const char *last;
	uint64_t n;

	return view_walk(v, path, &dir, &last) && (view_msg(&dir, last, &sub) || view_uint(&dir, last, &n));
}

const struct arch *arch_of(const struct arch *a, const struct view *ti)
{
	return a->variant && view_path_uint(ti, a->variant_path, 0) == a->variant_value ? a->variant : a;
}

/* Whether the repeated field at path has a value in v. */
static bool has_value(const struct view *v, const char *path)
{
	struct view dir;
	struct view_iter it;
	const char *last;
	uint64_t x;

	if (!view_walk(v, path, &dir, &last))
		return false;
	view_iter(&it, &dir, last);
	return view_next_uint(&it, &x);
}

/* The register set r from the registers at regs (a thread_info, or its
 * arch->live) into out: its first limit bytes. */
static void regs_fill(const struct arch *a, const struct view *regs, const struct reg *r, uint8_t *out, size_t limit)
{
	size_t at = 0, word_at = 0, word_size = 0; /* the last value written, for a run of size 0 */

	for (; r->count; r++) {
		struct view dir;
		struct view_iter it;
		const char *last;
		bool have = r->path && view_walk(regs, r->path, &dir, &last);
		uint64_t v;
		if (!r->size) {
			if (word_size && have && view_uint(&dir, last, &v) && v)
				elf_put(a, out + word_at, word_size, elf_get(a, out + word_at, word_size) | r->value);
			continue;
		}
		if (have)
			view_iter(&it, &dir, last);
		for (size_t i = 0; i < r->count && limit - at >= r->size; i++, at += r->size) {
			v = r->value;
			if (r->path && !(have && view_next_uint(&it, &v)))
				v = 0;
			elf_put(a, out + at, r->size, v);
			word_at = at;
			word_size = r->size;
		}
	}
}

/* The XSAVE components ti holds (XCR0's bits), and the area's bytes: the
 * set's own runs (the legacy area and the header, which hold XCR0) and up
 * to the end of the last component. */
static uint64_t xsave_features(const struct regset *s, const struct view *ti, size_t *size)
{
	uint64_t mask = 0;

	*size = regs_size(s->regs);
	for (const struct xfeature *f = s->xsave->features; f->size; f++)
		if (!f->regs || has_value(ti, f->regs->path)) {
			mask |= 1ull << f->bit;
			if (*size < (size_t)f->offset + f->size)
				*size = (size_t)f->offset + f->size;
		}
	return mask;
}

/* The XSAVE area of set s from ti into p (size bytes, as xsave_features
 * gave them): the set's runs, each component held at its offset, and
 * XCR0; returns XCR0. */
static uint64_t xsave_fill(const struct arch *a, const struct regset *s, const struct view *ti, uint8_t *p,
			   size_t size)
{
	size_t legacy = regs_size(s->regs), held;
	uint64_t mask = xsave_features(s, ti, &held);

	regs_fill(a, ti, s->regs, p, legacy < size ? legacy : size);
	for (const struct xfeature *f = s->xsave->features; f->size; f++)
		if (f->regs && mask >> f->bit & 1 && (size_t)f->offset + f->size <= size)
			regs_fill(a, ti, f->regs, p + f->offset, f->size);
	if ((size_t)s->xsave->xcr0_at + 8 <= size)
		elf_put(a, p + s->xsave->xcr0_at, 8, mask);
	return mask;
}

/* ---- One thread ---------------------------------------------------- */

struct thread {
	uint64_t tid;
	struct ckpt_image core;
	struct view ti, thread_core, tc; /* tc: the main thread's alone */
	struct view live;                /* the live registers: ti, or its arch->live */
	bool has_tc, has_thread_core, has_live;
	const uint8_t *siginfo;          /* the first pending signal's, or NULL */
	size_t siginfo_n;
	uint64_t sigpend;
};

/* The pending signals of a queue (signal_queue_entry) into th. */
static void pending(const struct arch *a, struct thread *th, const struct view *owner, const char *field)
{
	struct view q, s;
	struct view_iter it;

	if (!view_msg(owner, field, &q))
		return;
	view_iter(&it, &q, "signals");
	while (view_next_msg(&it, &s)) {
		const uint8_t *p;
		size_t n;
		if (!view_bytes(&s, "siginfo", &p, &n) || n < 4)
			continue;
		uint64_t signo = elf_get(a, p, 4);
		if (signo >= 1 && signo <= 64)
			th->sigpend |= 1ull << (signo - 1);
		if (!th->siginfo) {
			th->siginfo = p;
			th->siginfo_n = n < SIGINFO_SIZE ? n : SIGINFO_SIZE;
		}
	}
}

static bool thread_load(const struct core_task *t, uint64_t tid, bool main, struct thread *th,
			struct crit_err *err)
{
	const struct arch *a = t->a;

	memset(th, 0, sizeof(*th));
	th->tid = tid;
	if (!ckpt_load(t->c, &th->core, NULL, "core-%llu.img", (unsigned long long)tid))
		return false;
	if (!th->core.n)
		return crit_fail_in(err, th->core.file, CRIT_E_TRUNCATED, 0, "no core entry");
	const struct view *e = &th->core.entries[0];
	int64_t mtype = 0;
	view_int(e, "mtype", &mtype);
	if (mtype != a->mtype)
		return crit_fail_in(err, th->core.file, CRIT_E_RANGE, 0,
				    "mtype %lld is not the process's (%s)", (long long)mtype, a->name);
	if (!view_msg(e, a->ti, &th->ti))
		return crit_fail_in(err, th->core.file, CRIT_E_REQUIRED, 0, "no %s: no registers", a->ti);
	if (arch_of(arch_find(mtype), &th->ti) != a)
		return crit_fail_in(err, th->core.file, CRIT_E_RANGE, 0, "a thread in another mode than %s", a->name);
	th->live = th->ti;
	th->has_live = a->live && view_msg(&th->ti, a->live, &th->live);
	th->has_thread_core = view_msg(e, "thread_core", &th->thread_core);
	th->has_tc = main && view_msg(e, "tc", &th->tc);
	if (th->has_thread_core)
		pending(a, th, &th->thread_core, "signals_p");
	if (th->has_tc)
		pending(a, th, &th->tc, "signals_s");
	return !crit_failed(err);
}

static void thread_free(struct thread *th)
{
	ckpt_free(&th->core);
}

static bool note_prstatus(const struct core_task *t, const struct thread *th, struct buf *b)
{
	const struct arch *a = t->a;
	size_t w = elf_word(a), reg = 32 + 10 * w, nreg = regs_size(a->gregs);
	size_t size = (size_t)round_up(reg + nreg + 4, w);
	uint8_t *p = elf_note(a, b, "CORE", NT_PRSTATUS, NULL, size);

	if (!p)
		return false;
	uint64_t cursig = th->siginfo ? elf_get(a, th->siginfo, 4) : 0;
	uint64_t hold = 0;
	if (th->has_thread_core && !view_uint(&th->thread_core, "blk_sigset", &hold) && th->has_tc)
		view_uint(&th->tc, "blk_sigset", &hold);
	elf_put(a, p, 4, cursig);      /* pr_info.si_signo */
	elf_put(a, p + 12, 2, cursig); /* pr_cursig */
	elf_put(a, p + 16, w, th->sigpend);
	elf_put(a, p + 16 + w, w, hold);
	uint8_t *ids = p + 16 + 2 * w;
	elf_put(a, ids, 4, th->tid);
	elf_put(a, ids + 4, 4, t->ppid);
	elf_put(a, ids + 8, 4, t->pgid);
	elf_put(a, ids + 12, 4, t->sid);
	/* the times: the checkpoint has none */
	regs_fill(a, &th->live, a->gregs, p + reg, nreg);
	elf_put(a, p + reg + nreg, 4, has_field(&th->live, a->fp_path));
	return true;
}

static bool note_siginfo(const struct core_task *t, const struct thread *th, struct buf *b)
{
	if (!th->siginfo)
		return true;
	uint8_t in[SIGINFO_SIZE] = { 0 };
	uint8_t *p = elf_note(t->a, b, "CORE", NT_SIGINFO, NULL, SIGINFO_SIZE);
	if (!p)
		return false;
	memcpy(in, th->siginfo, th->siginfo_n);
	if (t->a->siginfo)
		t->a->siginfo(t->a, in, p);
	else
		memcpy(p, in, SIGINFO_SIZE);
	return true;
}

/* The sets whose fields are in regs, in the table's order; *xcr0 the
 * XSAVE components they hold. */
static bool notes_sets(const struct arch *a, const struct regset *s, const struct view *regs, struct buf *b,
		       uint64_t *xcr0)
{
	for (; s && s->type; s++) {
		if (!has_field(regs, s->need))
			continue;
		if (s->make) {
			uint8_t desc[512] = { 0 };
			size_t n = s->size <= sizeof(desc) ? s->make(a, regs, desc) : 0;
			if (n && !elf_note(a, b, s->owner, s->type, desc, n))
				return false;
			continue;
		}
		size_t size = regs_size(s->regs);
		if (s->xsave)
			xsave_features(s, regs, &size);
		uint8_t *p = elf_note(a, b, s->owner, s->type, NULL, size);
		if (!p)
			return false;
		if (s->xsave)
			*xcr0 = xsave_fill(a, s, regs, p, size);
		else
			regs_fill(a, regs, s->regs, p, size);
	}
	return true;
}

/* A thread's register sets: the live registers', then (in a transaction)
 * the checkpointed ones'. */
static bool notes_regsets(const struct core_task *t, const struct thread *th, struct buf *b, uint64_t *xcr0)
{
	return notes_sets(t->a, t->a->sets, &th->live, b, xcr0) &&
	       (!th->has_live || notes_sets(t->a, t->a->ckpt_sets, &th->ti, b, xcr0));
}

/* NT_X86_XSAVE_LAYOUT (Linux 6.12's): where each component of XCR0 is in
 * the XSAVE notes, as (type, size, offset, flags) words, once for the
 * process after every thread's notes. */
static bool note_xsave_layout(const struct core_task *t, uint64_t xcr0, struct buf *b)
{
	const struct xsave *x = NULL;

	for (const struct regset *s = t->a->sets; s->type; s++)
		if (s->xsave)
			x = s->xsave;
	if (!x || !xcr0)
		return true;
	size_t n = 0;
	for (const struct xfeature *f = x->features; f->size; f++)
		n += xcr0 >> f->bit & 1;
	uint8_t *p = elf_note(t->a, b, "LINUX", NT_X86_XSAVE_LAYOUT, NULL, n * 16);
	if (!p)
		return false;
	for (const struct xfeature *f = x->features; f->size; f++) {
		if (!(xcr0 >> f->bit & 1))
			continue;
		elf_put(t->a, p, 4, f->bit);
		elf_put(t->a, p + 4, 4, f->size);
		elf_put(t->a, p + 8, 4, f->offset);
		p += 16; /* flags 0: no component needs 64-byte alignment here */
	}
	return true;
}

/* ---- The process ----------------------------------------------------- */

/* The kernel's state letters, by pr_state. */
static const char states[] = "RSDTZW";

static bool note_prpsinfo(const struct core_task *t, const struct thread *th, struct buf *b,
			  struct crit_err *err)
{
	const struct arch *a = t->a;
	size_t w = elf_word(a), u = a->uid_size, pid = (size_t)round_up(2 * w + 2 * u, 4);
	size_t size = (size_t)round_up(pid + 16 + 16 + PRARGSZ, w);
	uint8_t *p = elf_note(a, b, "CORE", NT_PRPSINFO, NULL, size);

	if (!p)
		return false;
	int64_t state = 0, nice = 0;
	uint64_t flags = 0, uid = 0, gid = 0;
	const uint8_t *comm = NULL;
	size_t ncomm = 0;
	struct view creds;
	if (th->has_tc) {
		view_int(&th->tc, "task_state", &state);
		view_uint(&th->tc, "flags", &flags);
		view_bytes(&th->tc, "comm", &comm, &ncomm);
	}
	if (th->has_thread_core) {
		view_int(&th->thread_core, "sched_nice", &nice);
		if (!comm)
			view_bytes(&th->thread_core, "comm", &comm, &ncomm);
		if (view_msg(&th->thread_core, "creds", &creds)) {
			view_uint(&creds, "uid", &uid);
			view_uint(&creds, "gid", &gid);
		}
	}
	/* compel's states: 1 alive (seized while running or asleep: R), 3
	 * stopped (T), 2 dead and 6 zombie (Z) */
	int s = state == CRIT_TASK_STOPPED ? 3 : state == CRIT_TASK_DEAD || state == CRIT_TASK_ZOMBIE ? 4 : 0;
	p[0] = (uint8_t)s;
	p[1] = (uint8_t)states[s];
	p[2] = s == 4;
	p[3] = (uint8_t)(int8_t)nice;
	elf_put(a, p + w, w, flags);
	elf_put(a, p + 2 * w, u, uid);
	elf_put(a, p + 2 * w + u, u, gid);
	elf_put(a, p + pid, 4, t->pid);
	elf_put(a, p + pid + 4, 4, t->ppid);
	elf_put(a, p + pid + 8, 4, t->pgid);
	elf_put(a, p + pid + 12, 4, t->sid);
	if (comm)
		memcpy(p + pid + 16, comm, ncomm < 15 ? ncomm : 15);
	/* psargs: the command line's first bytes, NULs as spaces */
	struct crit_mem_mm mm;
	crit_memory_mm(t->mem, &mm);
	uint8_t args[PRARGSZ] = { 0 };
	size_t n = mm.arg_end > mm.arg_start ? (size_t)(mm.arg_end - mm.arg_start < PRARGSZ - 1 ?
							     mm.arg_end - mm.arg_start : PRARGSZ - 1) : 0;
	struct crit_err rerr;
	if (n && !crit_memory_read(t->mem, mm.arg_start, args, n, true, NULL, NULL, &rerr)) {
		if (rerr.code != CRIT_E_ABSENT)
			return *err = rerr, false;
		n = 0;
	}
	for (size_t i = 0; i < n; i++)
		if (!args[i])
			args[i] = ' ';
	memcpy(p + pid + 32, args, n);
	return true;
}

static bool note_auxv(const struct core_task *t, struct buf *b)
{
	const struct arch *a = t->a;
	size_t w = elf_word(a), n = 0;
	uint64_t v[AUXV_MAX + 2];
	struct view_iter it;

	view_iter(&it, t->mm, "mm_saved_auxv");
	while (n < AUXV_MAX && view_next_uint(&it, &v[n])) {
		if (a->auxv_pairs) { /* one word is a (type, value) pair */
			v[n + 1] = v[n] >> 32;
			v[n] &= 0xffffffff;
		} else if (!view_next_uint(&it, &v[n + 1])) {
			break;
		}
		n += 2;
		if (!v[n - 2])
			break;
	}
	if (!n || v[n - 2]) { /* ends with AT_NULL */
		v[n++] = 0;
		v[n++] = 0;
	}
	uint8_t *p = elf_note(a, b, "CORE", NT_AUXV, NULL, n * w);
	if (!p)
		return false;
	for (size_t i = 0; i < n; i++)
		elf_put(a, p + i * w, w, v[i]);
	return true;
}

/* NT_FILE: count, page size, (start, end, offset in pages) each, then
 * the paths, each with its NUL; as many as fit the kernel's limit. */
static bool note_file(const struct core_task *t, struct buf *b)
{
	const struct arch *a = t->a;
	size_t w = elf_word(a), count = 0, names = 0;
	uint64_t page = crit_memory_page_size(t->mem);

	for (size_t i = 0; i < t->nvmas; i++) {
		const struct crit_vma *v = &t->vmas[i];
		if (!core_file_vma(v) || !arch_fits(a, v->end) ||
		    2 * w + (count + 1) * 3 * w + names + v->file.n + 1 > FILE_NOTE_MAX)
			continue;
		count++;
		names += v->file.n + 1;
	}
	uint8_t *p = elf_note(a, b, "CORE", NT_FILE, NULL, 2 * w + count * 3 * w + names);
	if (!p)
		return false;
	elf_put(a, p, w, count);
	elf_put(a, p + w, w, page);
	uint8_t *e = p + 2 * w, *s = e + count * 3 * w;
	size_t k = 0;
	names = 0;
	for (size_t i = 0; i < t->nvmas && k < count; i++) {
		const struct crit_vma *v = &t->vmas[i];
		if (!core_file_vma(v) || !arch_fits(a, v->end) ||
		    2 * w + (k + 1) * 3 * w + names + v->file.n + 1 > FILE_NOTE_MAX)
			continue;
		elf_put(a, e + 3 * w * k, w, v->start);
		elf_put(a, e + 3 * w * k + w, w, v->end);
		elf_put(a, e + 3 * w * k + 2 * w, w, v->pgoff / page);
		memcpy(s, v->file.s, v->file.n);
		s += v->file.n + 1;
		names += v->file.n + 1;
		k++;
	}
	return true;
}

bool core_notes(const struct core_task *t, struct buf *b, struct crit_err *err)
{
	uint64_t xcr0 = 0, main_xcr0 = 0;

	for (size_t i = 0; i < t->ntids; i++) {
		struct thread th;
		bool ok = thread_load(t, t->tids[i], i == 0, &th, err) && note_prstatus(t, &th, b);
		if (ok && i == 0)
			ok = note_prpsinfo(t, &th, b, err);
		ok = ok && note_siginfo(t, &th, b);
		if (ok && i == 0)
			ok = note_auxv(t, b) && note_file(t, b);
		ok = ok && notes_regsets(t, &th, b, &xcr0);
		if (i == 0)
			main_xcr0 = xcr0;
		thread_free(&th);
		if (!ok)
			return crit_failed(err) ? false : crit_fail(err, buf_code(), CRIT_NOPOS, "notes: %s", buf_why());
	}
	return note_xsave_layout(t, main_xcr0, b) ||
	       crit_fail(err, buf_code(), CRIT_NOPOS, "notes: %s", buf_why());
}
