/*
 * tree.c - the process tree: every pid of pstree is listed once and has
 * its core image; its threads are listed, each with a core; ppid links
 * make one tree: one root, every parent a task of pstree, no cycle.
 */
#include <stdio.h>
#include <stdlib.h>

#include "base/keyed.h"
#include "check/check.h"

#define NONE SIZE_MAX

static void duplicates(struct chk *k, const struct keyed *v)
{
	for (size_t i = 1; i < k->ntasks; i++)
		if (v[i].key == v[i - 1].key) {
			struct chk_task *t = &k->tasks[v[i].i];
			size_t first = i;
			while (first && v[first - 1].key == t->pid)
				first--;
			t->dup = true;
			chk_problem(k, "pstree.img", (int64_t)t->entry, "pid", K_DUP_PID,
				    "pid %llu is listed again (first at entry %zu)", (unsigned long long)t->pid,
				    v[first].i);
		}
}

/* The task's core: its state, and a core for each of its threads. */
static void core(struct chk *k, struct chk_task *t)
{
	char name[CHK_NAME], need[128];
	struct chk_image c;
	struct view tc;
	int64_t state;

	snprintf(name, sizeof(name), "core-%llu.img", (unsigned long long)t->pid);
	snprintf(need, sizeof(need), "pstree.img entry %zu (pid %llu)", t->entry, (unsigned long long)t->pid);
	if (!chk_load(k, &c, need, name))
		return;
	if (!c.im.n)
		chk_problem(k, name, -1, NULL, K_FIELD, "no entry");
	else if (!view_msg(&c.im.entries[0], "tc", &tc))
		chk_problem(k, name, 0, "tc", K_FIELD, "no task core: the task's state is not known");
	else if (view_int(&tc, "task_state", &state)) {
		t->state = (int32_t)state;
		t->core = true;
		t->live = !chk_zombie(t->state);
		view_int(&c.im.entries[0], "mtype", &t->mtype);
	}
	chk_done(k, &c);
}

static void threads(struct chk *k, struct chk_task *t)
{
	const struct view *v = &k->pstree.im.entries[t->entry];
	struct view_iter it;
	char field[48], name[CHK_NAME], need[128];
	uint64_t tid;
	size_t n = 0;
	bool leader = false;

	view_iter(&it, v, "threads");
	for (; view_next_uint(&it, &tid); n++) {
		if (!t->live || tid == t->pid) {
			leader |= tid == t->pid;
			continue;
		}
		snprintf(name, sizeof(name), "core-%llu.img", (unsigned long long)tid);
		snprintf(need, sizeof(need), "pstree.img entry %zu's thread %llu", t->entry, (unsigned long long)tid);
		if (!chk_has(k, "%s", name))
			chk_problem(k, name, -1, NULL, K_MISSING, "missing: %s needs it", need);
	}
	snprintf(field, sizeof(field), "threads");
	if (!n)
		chk_problem(k, "pstree.img", (int64_t)t->entry, field, K_THREADS, "pid %llu lists no threads",
			    (unsigned long long)t->pid);
	else if (t->live && !leader)
		chk_problem(k, "pstree.img", (int64_t)t->entry, field, K_THREADS,
			    "pid %llu's threads do not list the task itself", (unsigned long long)t->pid);
}

/* Each ppid chain ends at the root; report each cycle once, at its first
 * entry in pstree. */
static void cycles(struct chk *k, const size_t *parent)
{
	size_t n = k->ntasks;
	uint8_t *color = calloc(n ? n : 1, 1); /* 0 new, 1 on the path, 2 done */
	size_t *path = malloc((n ? n : 1) * sizeof(*path));

	if (!color || !path) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t np = 0, j = i;
		while (j != NONE && !color[j]) {
			color[j] = 1;
			path[np++] = j;
			j = parent[j];
		}
		if (j != NONE && color[j] == 1) {
			size_t from = 0, low = j;
			while (path[from] != j)
				from++;
			for (size_t m = from; m < np; m++)
				low = path[m] < low ? path[m] : low;
			char chain[160];
			size_t len = 0, m = low;
			do {
				len += (size_t)snprintf(chain + len, sizeof(chain) - len, "%llu -> ",
							(unsigned long long)k->tasks[m].pid);
				m = parent[m];
			} while (m != low && len < sizeof(chain) - 48);
			snprintf(chain + len, sizeof(chain) - len, m == low ? "%llu" : "...",
				 (unsigned long long)k->tasks[low].pid);
			chk_problem(k, "pstree.img", (int64_t)low, "ppid", K_CYCLE,
				    "the ppid links go round in a cycle: %s", chain);
		}
		for (size_t m = 0; m < np; m++)
			color[path[m]] = 2;
	}
out:
	free(color);
	free(path);
}

static void parents(struct chk *k, const struct keyed *v)
{
	size_t n = k->ntasks, root = NONE;
	size_t *parent = malloc((n ? n : 1) * sizeof(*parent));

	if (!parent) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct chk_task *t = &k->tasks[i];
		parent[i] = NONE;
		if (t->dup)
			continue;
		if (!t->ppid) {
			if (root != NONE)
				chk_problem(k, "pstree.img", (int64_t)i, "ppid", K_ROOT,
					    "pid %llu has no parent, as the root (entry %zu) has",
					    (unsigned long long)t->pid, root);
			else
				root = i;
			continue;
		}
		size_t at = keyed_first(v, n, t->ppid);
		parent[i] = at < n ? v[at].i : NONE;
		if (parent[i] == NONE)
			chk_problem(k, "pstree.img", (int64_t)i, "ppid", K_NO_PARENT,
				    "pid %llu's parent %llu is not in pstree", (unsigned long long)t->pid,
				    (unsigned long long)t->ppid);
	}
	if (root == NONE && n)
		chk_problem(k, "pstree.img", -1, NULL, K_ROOT, "no task is the root (ppid 0)");
	cycles(k, parent);
	free(parent);
}

void chk_tree(struct chk *k)
{
	size_t n = k->ntasks;

	if (!k->tasks)
		return; /* no pstree: told, or a pre-dump */
	if (!n) {
		chk_problem(k, "pstree.img", -1, NULL, K_FIELD, "no task");
		return;
	}
	struct keyed *v = malloc(n * sizeof(*v));
	if (!v) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct keyed){ k->tasks[i].pid, i };
	keyed_sort(v, n);
	duplicates(k, v);
	for (size_t i = 0; i < n && !crit_failed(k->err); i++)
		if (!k->tasks[i].dup) {
			core(k, &k->tasks[i]);
			threads(k, &k->tasks[i]);
		}
	parents(k, v);
	free(v);
}
