/*
 * mem_print.c - crit mem and crit search: a task's memory map, its bytes at
 * an address, and the matches of a pattern, as text or JSON.
 *
 * VMAs are named as crit x mems names them (its explorer runs once for
 * the names); bytes from an image reach text only escaped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "json/json.h"
#include "json/text.h"
#include "mem/mem.h"

#define DUMP_CHUNK ((size_t)1 << 16) /* bytes read at a time for a hexdump */

/* The output, and the names of every task's VMAs. */
struct pr {
	struct out o;
	struct jw w;
	struct crit_mems mems;
	struct crit_err *err;
	const struct crit_mem_print_opts *opts;
	uint64_t pid;
	const struct crit_mems_task *t; /* the task searched */
	bool failed;                    /* the sink failed: stop */
};

static bool pr_open(struct pr *p, const char *dir, const struct crit_mem_print_opts *opts, const struct crit_sink *sink,
		    struct crit_err *err)
{
	memset(p, 0, sizeof(*p));
	p->err = err;
	p->opts = opts;
	if (!out_alloc(&p->o, sink, err))
		return false;
	p->o.escape = opts->escape;
	jw_init(&p->w, &p->o, false);
	return dir ? crit_explore_mems(dir, &p->mems, err) : true;
}

static bool pr_close(struct pr *p, bool ok)
{
	ok = out_free(&p->o, ok && !crit_failed(p->err));
	crit_mems_free(&p->mems);
	return ok && !crit_failed(p->err);
}

/* The task pid in the explorer's list, or NULL (an error said so). */
static const struct crit_mems_task *find_task(struct pr *p, const char *dir, uint64_t pid)
{
	for (size_t i = 0; i < p->mems.n; i++) {
		const struct crit_mems_task *t = &p->mems.tasks[i];
		if (t->pid != pid)
			continue;
		if (t->zombie)
			return crit_fail_in(p->err, dir, CRIT_E_USAGE, CRIT_NOPOS, "task %llu is a zombie: it has no memory",
					    (unsigned long long)pid),
			       NULL;
		return t;
	}
	return crit_fail_in(p->err, dir, CRIT_E_USAGE, CRIT_NOPOS, "no task %llu in pstree.img", (unsigned long long)pid),
	       NULL;
}

/* The VMA of task t that starts at start, as mems names it. */
static const struct crit_vma *vma_named(const struct crit_mems_task *t, uint64_t start)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->vmas[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->vmas[lo].start == start ? &t->vmas[lo] : NULL;
}

static void prot_str(char s[4], uint32_t prot)
{
	s[0] = prot & 1 ? 'r' : '-';
	s[1] = prot & 2 ? 'w' : '-';
	s[2] = prot & 4 ? 'x' : '-';
	s[3] = 0;
}

/* ------------------------------------------------------------------ */
/* crit mem DIR PID: the map                                            */
/* ------------------------------------------------------------------ */

static bool map_line(void *ctx, const struct crit_mem_region *r)
{
	struct pr *p = ctx;
	const struct crit_vma *v = vma_named(p->t, r->start);
	struct crit_str name = v ? v->name : (struct crit_str){ "", 0 };
	char prot[4];

	prot_str(prot, r->prot);
	if (p->opts->json) {
		struct jw *w = &p->w;
		jw_obj_open(w);
		jw_key_u64(w, "start", 5, r->start);
		jw_key_u64(w, "end", 3, r->end);
		jw_key(w, "prot");
		jw_plain(w, prot, 3);
		jw_key(w, "name");
		jw_str(w, name.s, name.n);
		jw_key_u64(w, "pages_dump", 10, r->pages_dump);
		jw_key_u64(w, "pages_parent", 12, r->pages_parent);
		jw_key_u64(w, "pages_lazy", 10, r->pages_lazy);
		jw_key_u64(w, "pages_none", 10, r->pages_none);
		jw_obj_close(w);
	} else {
		out_printf(&p->o, "%12llx-%-12llx %s %8llu %8llu %8llu %8llu  ", (unsigned long long)r->start,
			   (unsigned long long)r->end, prot, (unsigned long long)r->pages_dump,
			   (unsigned long long)r->pages_parent, (unsigned long long)r->pages_lazy,
			   (unsigned long long)r->pages_none);
		out_untrusted(&p->o, name.s, name.n);
		out_str(&p->o, "\n");
	}
	return !crit_failed(p->err);
}

bool crit_mem_print_map(const char *dir, uint64_t pid, const struct crit_mem_print_opts *opts,
			const struct crit_sink *sink, struct crit_err *err)
{
	struct crit_memory *m = NULL;
	struct pr p;
	bool ok = pr_open(&p, dir, opts, sink, err) && (p.t = find_task(&p, dir, pid)) &&
		  crit_memory_open(dir, pid, &m, err);

	if (ok) {
		if (opts->json) {
			jw_init(&p.w, &p.o, true);
			jw_arr_open(&p.w);
		} else {
			out_printf(&p.o, "%-25s %s %8s %8s %8s %8s  %s\n", "START-END", "PROT", "DUMP", "PARENT", "LAZY",
				   "NONE", "NAME");
		}
		ok = crit_memory_regions(m, map_line, &p, err);
		if (ok && opts->json) {
			jw_arr_close(&p.w);
			out_str(&p.o, "\n");
		}
	}
	crit_memory_close(m);
	return pr_close(&p, ok);
}

/* ------------------------------------------------------------------ */
/* crit mem DIR PID --at ADDR: the bytes                                */
/* ------------------------------------------------------------------ */

/* xxd's line: the address, 8 groups of 2 bytes, the bytes as ASCII. */
static void hex_line(struct out *o, uint64_t addr, const uint8_t *b, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	char line[128];
	int k = snprintf(line, sizeof(line), "%08llx: ", (unsigned long long)addr);
	size_t at = (size_t)k;

	for (size_t i = 0; i < 16; i++) {
		if (i < n) {
			line[at++] = hx[b[i] >> 4];
			line[at++] = hx[b[i] & 15];
		} else {
			line[at++] = ' ';
			line[at++] = ' ';
		}
		if (i % 2 && i < 15)
			line[at++] = ' ';
	}
	line[at++] = ' ';
	line[at++] = ' ';
	for (size_t i = 0; i < n; i++)
		line[at++] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '.';
	line[at++] = '\n';
	out_put(o, line, at);
}

bool crit_mem_print_bytes(const char *dir, uint64_t pid, uint64_t addr, uint64_t len, bool whole_vma,
			  const struct crit_mem_print_opts *opts, const struct crit_sink *sink, struct crit_err *err)
{
	struct crit_memory *m = NULL;
	struct pr p;
	bool ok = pr_open(&p, NULL, opts, sink, err) && crit_memory_open(dir, pid, &m, err);
	size_t chunk = DUMP_CHUNK; /* a multiple of 16: lines fall where xxd puts them */
	uint8_t *buf = ok ? malloc(chunk) : NULL;

	if (ok && !buf)
		ok = crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	if (ok && whole_vma) {
		size_t i = mem_vma_find(m, addr);
		uint64_t s, e;
		if (!mem_vma(m, i, &s, &e) || s > addr)
			ok = crit_fail_in(err, dir, CRIT_E_USAGE, CRIT_NOPOS, "no mapping of task %llu holds 0x%llx",
					  (unsigned long long)pid, (unsigned long long)addr);
		addr = s;
		len = e - s;
	}
	if (ok && len > UINT64_MAX - addr)
		ok = crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "0x%llx + %llu bytes passes 2^64", (unsigned long long)addr,
			       (unsigned long long)len);
	/* the whole range first: an error leaves nothing half written */
	if (ok && !opts->fill) {
		mem_begin(m, err);
		ok = mem_held(m, addr, addr + len);
	}
	if (ok)
		mem_begin(m, err);
	while (ok && len) {
		struct crit_mem_span sp;
		struct page_src src;
		if (opts->raw && (ok = mem_locate(m, addr, addr + len, &sp, &src)) && sp.end > addr &&
		    (sp.from == CRIT_FROM_ZERO || (sp.from == CRIT_FROM_ABSENT && opts->fill))) {
			/* zeros, whole: a hole where the sink can make one */
			ok = out_zeros(&p.o, sp.end - addr);
			len -= sp.end - addr;
			addr = sp.end;
			continue;
		}
		size_t n = len < chunk ? (size_t)len : chunk;
		ok = ok && crit_memory_read(m, addr, buf, n, opts->fill, NULL, NULL, err);
		if (ok && opts->raw)
			out_put(&p.o, buf, n);
		for (size_t i = 0; ok && !opts->raw && i < n; i += 16)
			hex_line(&p.o, addr + i, buf + i, n - i < 16 ? n - i : 16);
		addr += n;
		len -= n;
	}
	free(buf);
	crit_memory_close(m);
	return pr_close(&p, ok);
}

/* ------------------------------------------------------------------ */
/* crit search                                                          */
/* ------------------------------------------------------------------ */

static bool match_out(void *ctx, const struct crit_mem_match *mt)
{
	struct pr *p = ctx;
	const struct crit_vma *v = vma_named(p->t, mt->vma_start);
	struct crit_str name = v ? v->name : (struct crit_str){ "", 0 };

	if (p->opts->json) { /* JSON lines: an object a line */
		struct jw *w = &p->w;
		jw_init(w, &p->o, false);
		jw_obj_open(w);
		jw_key_u64(w, "pid", 3, p->pid);
		jw_key_u64(w, "address", 7, mt->addr);
		jw_key(w, "vma");
		jw_obj_open(w);
		jw_key_u64(w, "start", 5, mt->vma_start);
		jw_key_u64(w, "end", 3, mt->vma_end);
		jw_key(w, "name");
		jw_str(w, name.s, name.n);
		jw_obj_close(w);
		jw_key(w, "match");
		jw_str(w, mt->match, mt->n);
		jw_key(w, "context");
		jw_str(w, mt->before, mt->nbefore + mt->n + mt->nafter);
		jw_obj_close(w);
		out_str(&p->o, "\n");
	} else {
		/* memory is binary: its bytes are always escaped here */
		bool esc = p->o.escape;
		p->o.escape = true;
		out_printf(&p->o, "%llu 0x%llx ", (unsigned long long)p->pid, (unsigned long long)mt->addr);
		p->o.escape = esc;
		out_untrusted(&p->o, name.s, name.n);
		out_str(&p->o, name.n ? ": " : "-: ");
		p->o.escape = true;
		out_untrusted(&p->o, mt->before, mt->nbefore + mt->n + mt->nafter);
		p->o.escape = esc;
		out_str(&p->o, "\n");
	}
	return !crit_failed(p->err);
}

bool crit_mem_print_search(const char *dir, const uint64_t *pid, const struct crit_search_opts *s,
			   const struct crit_mem_print_opts *opts, const struct crit_sink *sink, struct crit_err *err)
{
	struct pr p;
	bool ok = pr_open(&p, dir, opts, sink, err);

	if (ok && pid)
		ok = find_task(&p, dir, *pid) != NULL;
	for (size_t i = 0; ok && i < p.mems.n; i++) {
		const struct crit_mems_task *t = &p.mems.tasks[i];
		struct crit_memory *m = NULL;
		if (t->zombie || (pid && t->pid != *pid))
			continue;
		p.t = t;
		p.pid = t->pid;
		ok = crit_memory_open(dir, t->pid, &m, err);
		if (ok)
			ok = crit_memory_search(m, s, match_out, &p, err);
		crit_memory_close(m);
	}
	return pr_close(&p, ok);
}
