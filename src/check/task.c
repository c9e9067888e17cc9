/*
 * task.c - each task's images, as CRIU 4.2 writes them: a live task has
 * ids, mm, fs, pagemap and fdinfo images (fdinfo-FILES_ID.img, or
 * fdinfo-PID.img before fdinfo_per_id), and each of its threads' cores
 * holds its creds (creds-PID.img in older dumps). A zombie has only its
 * core. Tasks whose ids share an mm or fs have the same mm or fs image.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check/check.h"

static void need_image(struct chk *k, const struct chk_task *t, const char *name)
{
	if (!chk_has(k, "%s", name) && !chk_told(k, name, NULL))
		chk_problem(k, name, -1, NULL, K_MISSING, "missing: pid %llu (pstree.img entry %zu) is alive",
			    (unsigned long long)t->pid, t->entry);
}

static void read_ids(struct chk *k, struct chk_task *t)
{
	char name[CHK_NAME], need[96];
	struct chk_image ids;

	snprintf(name, sizeof(name), "ids-%llu.img", (unsigned long long)t->pid);
	snprintf(need, sizeof(need), "pid %llu (pstree.img entry %zu) is alive", (unsigned long long)t->pid, t->entry);
	if (!chk_load(k, &ids, need, name))
		return;
	if (ids.im.n) {
		for (int i = 0; i < ID_N; i++)
			if (view_uint(&ids.im.entries[0], chk_id_fields[i], &t->id[i]))
				t->has_id |= 1u << i;
		t->ids = true;
	} else {
		chk_problem(k, name, -1, NULL, K_FIELD, "no entry");
	}
	chk_done(k, &ids);
}

/* Each thread's core holds its creds. */
static void creds(struct chk *k, const struct chk_task *t)
{
	struct view_iter it;
	struct view tc, cr;
	char name[CHK_NAME];
	struct chk_image c;
	uint64_t tid;

	if (chk_has(k, "creds-%llu.img", (unsigned long long)t->pid))
		return; /* older CRIU */
	view_iter(&it, &k->pstree.im.entries[t->entry], "threads");
	while (view_next_uint(&it, &tid) && !crit_failed(k->err)) {
		snprintf(name, sizeof(name), "core-%llu.img", (unsigned long long)tid);
		if (!chk_load(k, &c, NULL, name))
			continue; /* told by the tree */
		if (c.im.n && !view_msg(&c.im.entries[0], "thread_core", &tc))
			chk_problem(k, name, 0, "thread_core", K_FIELD, "no thread core: no creds");
		else if (c.im.n && !view_msg(&tc, "creds", &cr))
			chk_problem(k, name, 0, "thread_core.creds", K_FIELD, "no creds, and no creds-%llu.img",
				    (unsigned long long)t->pid);
		chk_done(k, &c);
	}
}

/* The bytes of an image, read quietly (a missing one is told elsewhere). */
static bool same_image(struct chk *k, const char *a, const char *b, bool *same)
{
	struct chk_image x, y;
	bool ok = false;

	if (chk_load(k, &x, NULL, a)) {
		if (chk_load(k, &y, NULL, b)) {
			*same = x.im.size == y.im.size && memcmp(x.im.data, y.im.data, x.im.size) == 0;
			ok = true;
			chk_done(k, &y);
		}
		chk_done(k, &x);
	}
	return ok;
}

struct by_id {
	uint64_t id;
	size_t i;
};

static int cmp_id(const void *a, const void *b)
{
	const struct by_id *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Tasks whose ids say they share an mm (or fs) have the same image of it:
 * each is compared with the first task of its id. */
static void shared(struct chk *k, int id, const char *image)
{
	struct by_id *v = malloc((k->ntasks ? k->ntasks : 1) * sizeof(*v));
	size_t n = 0;

	if (!v) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	for (size_t i = 0; i < k->ntasks; i++) {
		const struct chk_task *t = &k->tasks[i];
		if (t->live && t->ids && t->has_id & 1u << id)
			v[n++] = (struct by_id){ t->id[id], i };
	}
	qsort(v, n, sizeof(*v), cmp_id);
	for (size_t i = 1, first = 0; i < n && !crit_failed(k->err); i++) {
		if (v[i].id != v[first].id) {
			first = i;
			continue;
		}
		const struct chk_task *f = &k->tasks[v[first].i], *t = &k->tasks[v[i].i];
		char a[CHK_NAME], b[CHK_NAME];
		bool same;
		snprintf(a, sizeof(a), "%s-%llu.img", image, (unsigned long long)f->pid);
		snprintf(b, sizeof(b), "%s-%llu.img", image, (unsigned long long)t->pid);
		if (same_image(k, a, b, &same) && !same)
			chk_problem(k, b, -1, NULL, K_SHARED,
				    "pid %llu shares %s %llu with pid %llu, but its image differs from %s",
				    (unsigned long long)t->pid, chk_id_fields[id], (unsigned long long)t->id[id],
				    (unsigned long long)f->pid, a);
	}
	free(v);
}

void chk_tasks(struct chk *k)
{
	char name[CHK_NAME];

	for (size_t i = 0; i < k->ntasks && !crit_failed(k->err); i++) {
		struct chk_task *t = &k->tasks[i];
		unsigned long long pid = (unsigned long long)t->pid;
		if (t->dup || !t->live)
			continue; /* a zombie needs only its core; a missing core is told */
		read_ids(k, t);
		static const char *const per_pid[] = { "mm-%llu.img", "fs-%llu.img", "pagemap-%llu.img" };
		for (size_t n = 0; n < sizeof(per_pid) / sizeof(per_pid[0]); n++) {
			snprintf(name, sizeof(name), per_pid[n], pid);
			need_image(k, t, name);
		}
		if (chk_fdinfo_name(k, t, name)) /* else no ids: told */
			need_image(k, t, name);
		creds(k, t);
	}
	shared(k, ID_VM, "mm");
	shared(k, ID_FS, "fs");
}
