/*
 * index.c - what the checkpoint directory holds: its files, the
 * inventory, and the tasks pstree lists; and the one door every image is
 * loaded through, which makes what cannot be read a problem, once.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check/check.h"

const char *const chk_id_fields[ID_N] = {
	"vm_id",      "files_id",   "fs_id",      "sighand_id", "pid_ns_id",    "net_ns_id",
	"ipc_ns_id",  "uts_ns_id",  "mnt_ns_id",  "user_ns_id", "cgroup_ns_id", "time_ns_id",
};

/* A directory of more files than this is not a checkpoint crit reads. */
#define CHK_MAX_FILES ((size_t)1 << 20)

bool chk_zombie(int32_t state)
{
	return state == CRIT_TASK_DEAD || state == CRIT_TASK_ZOMBIE;
}

bool chk_fdinfo_name(const struct chk *k, const struct chk_task *t, char name[CHK_NAME])
{
	bool known = t->has_id & 1u << ID_FILES;
	unsigned long long files = t->id[ID_FILES], pid = t->pid;
	bool per_id;

	if (k->inventory)
		per_id = k->fdinfo_per_id;
	else /* the layout whose image is there */
		per_id = !chk_has(k, "fdinfo-%llu.img", pid) || (known && chk_has(k, "fdinfo-%llu.img", files));
	if (per_id && !known)
		return false;
	snprintf(name, CHK_NAME, "fdinfo-%llu.img", per_id ? files : pid);
	return true;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool list_files(struct chk *k)
{
	int fd = dup(k->c.dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t cap = 0;
	bool oom = false;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return crit_fail_in(k->err, k->c.dir, CRIT_E_IO, CRIT_NOPOS, "cannot read the directory: %s",
				    strerror(errno));
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (k->nnames == CHK_MAX_FILES) {
			crit_fail_in(k->err, k->c.dir, CRIT_E_LIMIT, CRIT_NOPOS, "more than %zu files", CHK_MAX_FILES);
			break;
		}
		if (k->nnames == cap) {
			cap = cap ? 2 * cap : 64;
			char **p = realloc(k->names, cap * sizeof(*p));
			if (!p) {
				oom = true;
				break;
			}
			k->names = p;
		}
		if (!(k->names[k->nnames] = strdup(e->d_name))) {
			oom = true;
			break;
		}
		k->nnames++;
	}
	closedir(d);
	if (oom)
		return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	chk_sort(k->names, k->nnames, sizeof(*k->names), cmp_name);
	return !crit_failed(k->err);
}

bool chk_has(const struct chk *k, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	const char *key = name;
	return k->nnames && bsearch(&key, k->names, k->nnames, sizeof(*k->names), cmp_name);
}

/* The entry of im holding byte pos, or -1. */
static int64_t entry_at(const struct ckpt_image *im, uint64_t pos)
{
	for (size_t i = 0; pos != CRIT_NOPOS && i < im->n; i++)
		if (pos < (uint64_t)(im->entries[i].end - im->data))
			return (int64_t)i;
	return -1;
}

static void damaged(struct chk *k, const char *name, int64_t entry)
{
	const struct crit_err *e = &k->scratch;

	if (e->pos == CRIT_NOPOS)
		chk_problem(k, name, entry, NULL, K_DAMAGED, "%s", e->msg);
	else
		chk_problem(k, name, entry, NULL, K_DAMAGED, "offset %llu: %s", (unsigned long long)e->pos, e->msg);
	memset(&k->scratch, 0, sizeof(k->scratch));
}

bool chk_load_at(struct chk *k, struct ckpt *c, const char *prefix, struct chk_image *ci, const char *need,
		 const char *name)
{
	bool missing;

	memset(&ci->im, 0, sizeof(ci->im));
	snprintf(ci->name, sizeof(ci->name), "%s%s", prefix, name);
	if (crit_failed(k->err) || chk_told(k, ci->name, K_MISSING) || chk_told(k, ci->name, K_DAMAGED) ||
	    chk_told(k, ci->name, K_PAYLOAD))
		return false;
	memset(&k->scratch, 0, sizeof(k->scratch));
	c->err = &k->scratch;
	if (ckpt_load(c, &ci->im, &missing, "%s", name))
		return true;
	if (missing) {
		if (need)
			chk_problem(k, ci->name, -1, NULL, K_MISSING, "missing: %s needs it", need);
		memset(&k->scratch, 0, sizeof(k->scratch));
		return false;
	}
	damaged(k, ci->name, -1);
	return false;
}

bool chk_load(struct chk *k, struct chk_image *ci, const char *need, const char *name)
{
	return chk_load_at(k, &k->c, "", ci, need, name);
}

void chk_done(struct chk *k, struct chk_image *ci)
{
	if (crit_failed(&k->scratch))
		damaged(k, ci->name, entry_at(&ci->im, k->scratch.pos));
	ckpt_free(&ci->im);
}

static void read_inventory(struct chk *k)
{
	struct chk_image inv;
	struct view root;

	if (!chk_load(k, &inv, "every checkpoint", "inventory.img"))
		return;
	if (inv.im.n) {
		const struct view *v = &inv.im.entries[0];
		k->inventory = true;
		k->fdinfo_per_id = view_uint_or(v, "fdinfo_per_id", 0) != 0;
		if (view_msg(v, "root_ids", &root))
			for (int i = 0; i < ID_N; i++)
				if (view_uint(&root, chk_id_fields[i], &k->root_id[i]))
					k->has_root_id |= 1u << i;
	} else {
		chk_problem(k, "inventory.img", -1, NULL, K_FIELD, "no entry");
	}
	chk_done(k, &inv);
}

/* Is there a file whose name starts so? */
static bool has_prefix(const struct chk *k, const char *prefix)
{
	for (size_t i = 0; i < k->nnames; i++)
		if (strncmp(k->names[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* What the directory holds: a dump; a pre-dump (no pstree, pagemaps);
 * or criu cpuinfo dump's image alone. */
static const char *dump_kind(const struct chk *k)
{
	if (chk_has(k, "pstree.img"))
		return "dump";
	if (has_prefix(k, "pagemap-"))
		return "pre-dump";
	if (chk_has(k, "cpuinfo.img") && !chk_has(k, "inventory.img"))
		return "cpuinfo";
	return "dump";
}

static void read_pstree(struct chk *k)
{
	if (!chk_load(k, &k->pstree, "every checkpoint but a pre-dump", "pstree.img"))
		return;
	k->ntasks = k->pstree.im.n;
	k->tasks = calloc(k->ntasks ? k->ntasks : 1, sizeof(*k->tasks));
	if (!k->tasks) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	for (size_t i = 0; i < k->ntasks; i++) {
		const struct view *v = &k->pstree.im.entries[i];
		k->tasks[i] = (struct chk_task){ .pid = view_uint_or(v, "pid", 0), .ppid = view_uint_or(v, "ppid", 0),
						 .entry = i };
	}
}

bool chk_index(struct chk *k)
{
	if (!list_files(k))
		return false;
	k->res->dump = dump_kind(k);
	k->predump = strcmp(k->res->dump, "pre-dump") == 0;
	if (strcmp(k->res->dump, "cpuinfo") == 0)
		return true; /* its images are all there is */
	read_inventory(k);
	if (!k->predump)
		read_pstree(k);
	k->res->tasks = k->ntasks;
	return !crit_failed(k->err);
}

void chk_index_free(struct chk *k)
{
	for (size_t i = 0; i < k->nnames; i++)
		free(k->names[i]);
	free(k->names);
	free(k->tasks);
	ckpt_free(&k->pstree.im);
	k->names = NULL;
	k->tasks = NULL;
	k->nnames = k->ntasks = 0;
}
