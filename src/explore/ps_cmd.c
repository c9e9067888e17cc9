/*
 * ps_cmd.c - crit x ps --cmd and --env: each task's command line and
 * environment, read from its memory (mm_arg_start..mm_arg_end and
 * mm_env_start..mm_env_end), as text or JSON.
 *
 * A zombie has no memory; a task whose strings the checkpoint does not
 * hold (not dumped, lazy) is shown with why, never with made-up bytes.
 */
#include <stdio.h>

#include "explore/ps_cmd.h"
#include "json/text.h"
#include "mem/mem.h"

/* Where the strings go: text (one line of argv, or a line per variable)
 * or a JSON list. */
struct sink_strs {
	struct out *o;
	struct jw *w;
	const char *sep; /* text: before every string but the first */
	size_t n;
	bool in_piece;   /* a long string's pieces: no separator between them */
};

static bool put_piece(void *ctx, const void *s, size_t n, bool more)
{
	struct sink_strs *k = ctx;

	if (k->w) {
		if (!k->in_piece)
			jw_str_open(k->w);
		jw_str_chunk(k->w, s, n);
		if (!more)
			jw_str_close(k->w);
	} else {
		if (!k->in_piece && k->n)
			out_str(k->o, k->sep);
		out_untrusted(k->o, s, n);
	}
	k->n += !more;
	k->in_piece = more;
	return !crit_failed(k->o->err);
}

/* Is this error why the strings are not shown, rather than damage? The
 * strings' own checks fail with CRIT_E_ABSENT or CRIT_E_LIMIT. */
static bool just_missing(const struct crit_err *e)
{
	return e->code == CRIT_E_ABSENT || e->code == CRIT_E_LIMIT;
}

struct ps_mem {
	struct crit_memory *m;
	struct crit_err err;
	const char *why; /* no memory: why */
};

static bool open_task(struct ps_mem *pm, const char *dir, const struct crit_ps_task *t, int64_t *arch,
		      struct crit_err *err)
{
	*pm = (struct ps_mem){ 0 };
	if (t->state == CRIT_TASK_DEAD || t->state == CRIT_TASK_ZOMBIE) {
		pm->why = "a zombie: no memory";
		return true;
	}
	pm->m = mem_open(dir, t->pid, *arch, &pm->err);
	if (pm->m) {
		*arch = mem_arch(pm->m); /* the first core read says for all */
		return true;
	}
	if (pm->err.code != CRIT_E_ABSENT) /* no mm image: all else is damage */
		return *err = pm->err, false;
	pm->why = pm->err.msg;
	return true;
}

/* Can the strings of a[0, 2) be shown: 1 yes, 0 no (why says), -1 the
 * checkpoint is damaged (err says). */
static int showable(struct ps_mem *pm, const uint64_t a[2], char *why, size_t cap, struct crit_err *err)
{
	if (pm->m && mem_strings_held(pm->m, a[0], a[1], &pm->err))
		return 1;
	if (pm->m && !just_missing(&pm->err))
		return *err = pm->err, -1;
	snprintf(why, cap, "%s", pm->m ? pm->err.msg : pm->why);
	return 0;
}

bool mem_ps_task(const char *dir, const struct crit_ps_task *t, bool cmd, bool env, struct out *o, struct jw *w,
		 size_t indent, int64_t *arch, struct crit_err *err)
{
	struct ps_mem pm;
	struct crit_mem_mm mm = { 0 };
	char why[2][sizeof(pm.err.msg)] = { "", "" };
	int r[2] = { 0, 0 };

	if (!open_task(&pm, dir, t, arch, err))
		return false;
	if (pm.m)
		crit_memory_mm(pm.m, &mm);
	const uint64_t area[2][2] = { { mm.arg_start, mm.arg_end }, { mm.env_start, mm.env_end } };
	const bool want[2] = { cmd, env };
	for (int i = 0; i < 2; i++)
		if (want[i] && (r[i] = showable(&pm, area[i], why[i], sizeof(why[i]), err)) < 0)
			goto out;
	char sep[128] = "\n";
	size_t n = indent + 4 < sizeof(sep) - 2 ? indent + 4 : sizeof(sep) - 2;
	memset(sep + 1, ' ', n);
	sep[n + 1] = 0;
	for (int i = 0; i < 2; i++) {
		struct sink_strs k = { o, w, i ? sep : " ", 0, false };
		if (!w && i == 0 && !(cmd && r[0] > 0)) { /* comm, and why not the command line */
			out_untrusted(o, t->comm.s, t->comm.n);
			if (cmd)
				out_printf(o, " (%.200s)", why[0]);
		}
		if (!want[i])
			continue;
		if (w)
			jw_key(w, i ? "env" : "argv");
		if (!w && i)
			out_str(o, sep);
		if (r[i] > 0) {
			if (w)
				jw_arr_open(w);
			if (!crit_memory_strings(pm.m, area[i][0], area[i][1], put_piece, &k, err))
				goto out;
			if (w)
				jw_arr_close(w);
		} else if (w) {
			jw_null(w);
		} else if (i) {
			out_printf(o, "(no environment: %.200s)", why[1]);
		}
	}
	if (w) {
		const char *y = r[0] <= 0 && cmd ? why[0] : r[1] <= 0 && env ? why[1] : NULL;
		jw_key(w, "why");
		if (y)
			jw_str(w, y, strlen(y));
		else
			jw_null(w);
	} else {
		out_str(o, "\n");
	}
out:
	crit_memory_close(pm.m);
	return !crit_failed(err);
}
