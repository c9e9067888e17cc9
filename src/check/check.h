/*
 * check.h - crit check: what its stages share. One stage a file:
 *   problem.c  the list of problems; one damage is told once
 *   index.c    what the directory holds: its files, the inventory, the
 *              tasks of pstree with their cores and ids; images loaded
 *              through one door that reports what cannot be read
 *   payload.c  every image read whole as decode reads it (payloads
 *              against their lengths); ghost files against their size
 *   tree.c     the process tree
 *   task.c     each task's images
 *   ids.c      ids across images
 *   memory.c   pagemaps against pages, VMAs and parent dumps
 *   print.c    the problems as text or JSON
 *   check.c    crit_check: the stages in order
 */
#ifndef CRIT_CHECK_STAGES_H
#define CRIT_CHECK_STAGES_H

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ckpt/ckpt.h"

/* The problems' kinds: short stable codes (the README lists them). */
#define K_MISSING "missing-image"    /* an image the checkpoint needs is not there */
#define K_DAMAGED "damaged-image"    /* an image that cannot be read */
#define K_PAYLOAD "payload-length"   /* a payload that does not fit its length */
#define K_FIELD "missing-field"      /* a field CRIU always writes is not there */
#define K_DUP_PID "duplicate-pid"
#define K_CYCLE "pid-cycle"
#define K_NO_PARENT "missing-parent" /* a ppid that is no task of pstree */
#define K_ROOT "extra-root"
#define K_THREADS "threads"
#define K_DUP_ID "duplicate-id"
#define K_DANGLING "dangling-id"     /* an id that names nothing */
#define K_KIND "wrong-kind"          /* an id naming a file of another kind */
#define K_SHARED "not-shared"        /* ids say shared, the images differ */
#define K_PAGES "pages-size"
#define K_ORDER "pagemap-order"      /* unsorted or overlapping entries */
#define K_VMA "outside-vma"
#define K_PARENT "not-in-parent"     /* PE_PARENT pages no parent dump holds */
#define K_GHOST "ghost-incomplete"

/* The ids of task_kobj_ids_entry (ids-PID.img), in this order. */
enum { ID_VM, ID_FILES, ID_FS, ID_SIGHAND, ID_PID_NS, ID_NET_NS, ID_IPC_NS, ID_UTS_NS, ID_MNT_NS, ID_USER_NS,
       ID_CGROUP_NS, ID_TIME_NS, ID_N };
extern const char *const chk_id_fields[ID_N];

struct chk_task {
	uint64_t pid, ppid;
	size_t entry;      /* in pstree.img */
	int32_t state;     /* the core's task_state; 0 unknown */
	bool dup;          /* its pid was listed before: checked there */
	bool core;         /* its core image was read, with a task_state */
	bool live;         /* a core says alive or stopped: it has its images */
	bool ids;          /* its ids image was read */
	uint64_t id[ID_N]; /* from it */
	uint32_t has_id;   /* bit i: id[i] was there */
	int64_t mtype;     /* the core's architecture */
};

/* A problem told per image and kind, counted past the cap. */
struct chk_told {
	char *image;
	const char *kind;
	size_t n;
};

/* An image as the problems name it: relative to the directory. */
#define CHK_NAME 256
struct chk_image {
	struct ckpt_image im;
	char name[CHK_NAME];
};

struct chk {
	struct ckpt c;
	struct crit_err scratch; /* one load's error, made a problem */
	struct crit_err *err;    /* what stops the check */
	struct crit_check *res;
	size_t cap;
	unsigned what;
	char **names;            /* the directory's files, sorted */
	size_t nnames;
	struct chk_told *told;   /* (image, kind) pairs told so far */
	size_t ntold, captold;
	bool inventory;          /* inventory.img was read */
	bool fdinfo_per_id;
	uint64_t root_id[ID_N];  /* the inventory's root_ids: criu's own */
	uint32_t has_root_id;
	bool predump;            /* no pstree: a pre-dump's pagemaps and pages */
	struct chk_image pstree;
	struct chk_task *tasks;  /* pstree's entries, in order */
	size_t ntasks;
};

/* qsort of an array that may be empty (and NULL). */
static inline void chk_sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n)
		qsort(v, n, size, cmp);
}

/* ---- problem.c ---------------------------------------------------- */

/* A problem in image (a printf format's result is the message). At most
 * CHK_SAME of one kind in one image are listed; one more says how many
 * were left out. False when out of memory (k->err says so). */
#define CHK_SAME 8
bool chk_problem(struct chk *k, const char *image, int64_t entry, const char *field, const char *kind,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Has image a problem of this kind (NULL: any kind) already? */
bool chk_told(const struct chk *k, const char *image, const char *kind);
/* The "and N more" problems, once every check ran. */
bool chk_problems_close(struct chk *k);

/* ---- index.c ------------------------------------------------------ */

bool chk_index(struct chk *k);
void chk_index_free(struct chk *k);
/* Is there a file of this name in the directory? */
bool chk_has(const struct chk *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The image name, read and cut into entries. Missing: false, and a
 * problem saying who needs it when need is not NULL. Damaged: false, and
 * a problem once. An image told missing or damaged before is not read
 * again. */
bool chk_load(struct chk *k, struct chk_image *ci, const char *need, const char *name);
/* The same in another directory (a parent dump), named prefix + name. */
bool chk_load_at(struct chk *k, struct ckpt *c, const char *prefix, struct chk_image *ci, const char *need,
		 const char *name);
/* Done with it: an error a view met in it becomes a problem. */
void chk_done(struct chk *k, struct chk_image *ci);
/* The name of the task's fdinfo image: fdinfo-FILES_ID.img, or
 * fdinfo-PID.img before the inventory's fdinfo_per_id (without an
 * inventory, whichever is there). False when its ids are not known. */
bool chk_fdinfo_name(const struct chk *k, const struct chk_task *t, char name[CHK_NAME]);
/* Is the task a zombie (CRIU dumps only its core)? */
bool chk_zombie(int32_t state);

/* ---- the stages ----------------------------------------------------- */

void chk_payloads(struct chk *k);
void chk_tree(struct chk *k);
void chk_tasks(struct chk *k);
void chk_ids(struct chk *k);
void chk_memory(struct chk *k);

#endif
