/*
 * ids.c - ids across images: each id that one image gives names an entry
 * or an image that is there, of the right kind.
 *
 *   fdinfo's file ids, fs's cwd and root, mm's exe and each VMA's file,
 *   remap-fpath's files: in files.img (or, in older dumps, the image of
 *   the file's kind: reg-files.img, pipes.img...), of the kind they say
 *   VMAs of SysV shm: a segment of an ipcns-shm image; of shared anonymous
 *   memory: its pagemap-shmem image
 *   unix sockets' peers: a socket of that inode
 *   ttys: their tty-info entry; tty-data's too
 *   each namespace not criu's own (the inventory's root_ids): its image
 */
#include <stdio.h>
#include <stdlib.h>

#include "check/check.h"
#include "mem/mem.h"
#include "tables.h"

/* The kinds of files: fdinfo's type, file_entry's member that holds it,
 * and the image older CRIU kept them in. */
static const struct kind {
	const char *type, *member, *old;
} kinds[] = {
	{ "REG", "reg", "reg-files.img" },       { "PIPE", "pipe", "pipes.img" },
	{ "FIFO", "fifo", "fifo.img" },          { "INETSK", "isk", "inetsk.img" },
	{ "UNIXSK", "usk", "unixsk.img" },       { "EVENTFD", "efd", "eventfd.img" },
	{ "EVENTPOLL", "epfd", "eventpoll.img" }, { "INOTIFY", "ify", "inotify.img" },
	{ "SIGNALFD", "sgfd", "signalfd.img" },  { "PACKETSK", "psk", "packetsk.img" },
	{ "TTY", "tty", "tty.img" },             { "FANOTIFY", "ffy", "fanotify.img" },
	{ "NETLINKSK", "nlsk", "netlinksk.img" }, { "NS", "nsf", "ns-files.img" },
	{ "TUNF", "tunf", "tunfile.img" },       { "EXT", "ext", "ext-files.img" },
	{ "TIMERFD", "tfd", "timerfd.img" },     { "MEMFD", "memfd", NULL },
	{ "BPFMAP", "bpf", "bpfmap-file.img" },  { "PIDFD", "pidfd", NULL },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* The namespaces with an image of their own, by their ids field. */
static const struct {
	int id;
	const char *image;
} ns_images[] = {
	{ ID_NET_NS, "netns-%llu.img" },   { ID_IPC_NS, "ipcns-var-%llu.img" }, { ID_UTS_NS, "utsns-%llu.img" },
	{ ID_MNT_NS, "mountpoints-%llu.img" }, { ID_USER_NS, "userns-%llu.img" },
};

/* Ids found in an image: sorted, each with its entry and kind. */
struct ref {
	uint64_t id;
	size_t entry;
	int kind; /* into kinds[], -1 for none */
};

struct table {
	struct ref *v;
	size_t n, cap;
	bool tried, ok;
	uint64_t *gone; /* ids told missing from it: told once */
	size_t ngone;
};

/* The most ids told missing from one table that are remembered. */
#define MAX_GONE 4096

struct ids {
	struct chk *k;
	int32_t type[NKINDS]; /* kinds[i]'s fd_types number */
	struct table files;   /* files.img */
	bool new_layout;      /* files.img is there */
	struct table old[NKINDS];
	struct table shm;     /* SysV shm segments */
};

static int cmp_ref(const void *a, const void *b)
{
	const struct ref *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

static bool push(struct chk *k, struct table *t, uint64_t id, size_t entry, int kind)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct ref *p = realloc(t->v, cap * sizeof(*p));
		if (!p)
			return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		t->v = p;
		t->cap = cap;
	}
	t->v[t->n++] = (struct ref){ id, entry, kind };
	return true;
}

static const struct ref *find(const struct table *t, uint64_t id)
{
	struct ref key = { id, 0, 0 };
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cmp_ref(&t->v[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->v[lo].id == id ? &t->v[lo] : NULL;
}

static int kind_of(const struct ids *x, uint64_t type)
{
	for (size_t i = 0; i < NKINDS; i++)
		if ((uint64_t)(uint32_t)x->type[i] == type)
			return (int)i;
	return -1;
}

/* Index the entries of an image by their field key; sorted, duplicates
 * told. */
static void index_image(struct ids *x, struct table *t, const char *image, const char *key, bool typed)
{
	struct chk *k = x->k;
	struct chk_image im;

	t->tried = true;
	if (!chk_load(k, &im, NULL, image))
		return;
	for (size_t i = 0; i < im.im.n; i++) {
		const struct view *v = &im.im.entries[i];
		uint64_t id;
		if (view_uint(v, key, &id) && !push(k, t, id, i, typed ? kind_of(x, view_uint_or(v, "type", 0)) : -1))
			break;
	}
	chk_sort(t->v, t->n, sizeof(*t->v), cmp_ref);
	for (size_t i = 1; i < t->n; i++)
		if (t->v[i].id == t->v[i - 1].id)
			chk_problem(k, image, (int64_t)t->v[i].entry, key, K_DUP_ID, "id %llu again (first at entry %zu)",
				    (unsigned long long)t->v[i].id, t->v[i - 1].entry);
	t->ok = true;
	chk_done(k, &im);
}

/* files.img: each entry holds the member of its kind. */
static void files_members(struct ids *x)
{
	struct chk *k = x->k;
	struct chk_image im;
	struct view sub;

	if (!chk_load(k, &im, NULL, "files.img"))
		return;
	for (size_t i = 0; i < im.im.n; i++) {
		int kd = kind_of(x, view_uint_or(&im.im.entries[i], "type", UINT64_MAX));
		if (kd >= 0 && !view_msg(&im.im.entries[i], kinds[kd].member, &sub))
			chk_problem(k, "files.img", (int64_t)i, kinds[kd].member, K_FIELD, "a %s file without its %s",
				    kinds[kd].type, kinds[kd].member);
	}
	chk_done(k, &im);
}

/* Is id told missing from t for the first time? */
static bool first_gone(struct chk *k, struct table *t, uint64_t id)
{
	for (size_t i = 0; i < t->ngone; i++)
		if (t->gone[i] == id)
			return false;
	if (!t->gone && !(t->gone = malloc(MAX_GONE * sizeof(*t->gone))))
		return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	if (t->ngone < MAX_GONE)
		t->gone[t->ngone++] = id;
	return true;
}

/* The file id that (image, entry, field) gives, of kind kd (-1: any):
 * is it there, of that kind? */
static void ref_file(struct ids *x, const char *image, int64_t entry, const char *field, int kd, uint64_t id)
{
	struct chk *k = x->k;
	const char *in = x->new_layout || kd < 0 || !kinds[kd].old ? "files.img" : kinds[kd].old;
	struct table *t = x->new_layout || kd < 0 || !kinds[kd].old ? &x->files : &x->old[kd];
	char need[160];

	if (!t->tried) {
		snprintf(need, sizeof(need), "%s entry %lld", image, (long long)entry);
		if (!chk_has(k, "%s", in) && !chk_told(k, in, NULL))
			chk_problem(k, in, -1, NULL, K_MISSING, "missing: %s names a file in it", need);
		index_image(x, t, in, "id", t == &x->files);
	}
	if (!t->ok)
		return; /* told */
	const struct ref *r = find(t, id);
	if (!r && !first_gone(k, t, id))
		return; /* one missing file is one problem, however many name it */
	if (!r)
		chk_problem(k, image, entry, field, K_DANGLING, "file id %llu is not in %s", (unsigned long long)id, in);
	else if (kd >= 0 && t == &x->files && r->kind != kd)
		chk_problem(k, image, entry, field, K_KIND, "file id %llu is a %s file (%s entry %zu), not %s",
			    (unsigned long long)id, r->kind >= 0 ? kinds[r->kind].type : "unknown", in, r->entry,
			    kinds[kd].type);
}

static int kind_named(const char *type)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].type, type) == 0)
			return (int)i;
	return -1;
}

static void fdinfo(struct ids *x, const char *name)
{
	struct chk_image im;
	struct chk *k = x->k;

	if (!chk_load(k, &im, NULL, name))
		return; /* told by task.c */
	for (size_t i = 0; i < im.im.n && !crit_failed(k->err); i++) {
		const struct view *v = &im.im.entries[i];
		int kd = kind_of(x, view_uint_or(v, "type", UINT64_MAX));
		if (kd >= 0)
			ref_file(x, name, (int64_t)i, "id", kd, view_uint_or(v, "id", 0));
	}
	chk_done(k, &im);
}

static void fs(struct ids *x, const struct chk_task *t)
{
	static const char *const fields[] = { "cwd_id", "root_id" };
	char name[CHK_NAME];
	struct chk_image im;
	uint64_t id;

	snprintf(name, sizeof(name), "fs-%llu.img", (unsigned long long)t->pid);
	if (!chk_load(x->k, &im, NULL, name))
		return;
	for (size_t f = 0; im.im.n && f < 2; f++)
		if (view_uint(&im.im.entries[0], fields[f], &id))
			ref_file(x, name, 0, fields[f], kind_named("REG"), id);
	chk_done(x->k, &im);
}

static void shm_segments(struct ids *x)
{
	struct chk *k = x->k;
	struct chk_image im;
	struct view desc;
	uint64_t id;

	x->shm.tried = x->shm.ok = true;
	for (size_t i = 0; i < k->nnames && !crit_failed(k->err); i++) {
		if (strncmp(k->names[i], "ipcns-shm-", 10) != 0 || !chk_load(k, &im, NULL, k->names[i]))
			continue;
		for (size_t e = 0; e < im.im.n; e++)
			if (view_msg(&im.im.entries[e], "desc", &desc) && view_uint(&desc, "id", &id))
				push(k, &x->shm, id, e, -1);
		chk_done(k, &im);
	}
	chk_sort(x->shm.v, x->shm.n, sizeof(*x->shm.v), cmp_ref);
}

/* A VMA's shmid, by what the VMA maps. */
static void vma(struct ids *x, const char *name, size_t i, const struct view *v)
{
	uint64_t st = view_uint_or(v, "status", 0), shmid = view_uint_or(v, "shmid", 0);
	char field[48];

	snprintf(field, sizeof(field), "vmas[%zu].shmid", i);
	if (st & VMA_AREA_SYSVIPC) {
		if (!x->shm.tried)
			shm_segments(x);
		if (!find(&x->shm, shmid))
			chk_problem(x->k, name, 0, field, K_DANGLING, "SysV shm %llu is in no ipcns-shm image",
				    (unsigned long long)shmid);
	} else if (st & (VMA_FILE_PRIVATE | VMA_FILE_SHARED)) {
		ref_file(x, name, 0, field, kind_named(st & VMA_AREA_MEMFD ? "MEMFD" : "REG"), shmid);
	} else if (st & VMA_ANON_SHARED) {
		if (!chk_has(x->k, "pagemap-shmem-%llu.img", (unsigned long long)shmid))
			chk_problem(x->k, name, 0, field, K_DANGLING,
				    "shared memory %llu has no pagemap-shmem-%llu.img", (unsigned long long)shmid,
				    (unsigned long long)shmid);
	} else if (st & VMA_AREA_SOCKET) {
		ref_file(x, name, 0, field, kind_named("PACKETSK"), shmid);
	}
}

static void mm(struct ids *x, const struct chk_task *t)
{
	char name[CHK_NAME];
	struct chk_image im;
	struct view_iter it;
	struct view v;
	uint64_t id;

	snprintf(name, sizeof(name), "mm-%llu.img", (unsigned long long)t->pid);
	if (!chk_load(x->k, &im, NULL, name))
		return;
	if (im.im.n) {
		if (view_uint(&im.im.entries[0], "exe_file_id", &id))
			ref_file(x, name, 0, "exe_file_id", kind_named("REG"), id);
		view_iter(&it, &im.im.entries[0], "vmas");
		for (size_t i = 0; view_next_msg(&it, &v) && !crit_failed(x->k->err); i++)
			vma(x, name, i, &v);
	}
	chk_done(x->k, &im);
}

/* Each namespace a task is in that is not criu's own has its image. */
static void namespaces(struct ids *x, const struct chk_task *t)
{
	struct chk *k = x->k;
	char name[CHK_NAME];

	for (size_t i = 0; i < sizeof(ns_images) / sizeof(ns_images[0]); i++) {
		int id = ns_images[i].id;
		if (!(t->has_id & k->has_root_id & 1u << id) || t->id[id] == k->root_id[id])
			continue;
		snprintf(name, sizeof(name), ns_images[i].image, (unsigned long long)t->id[id]);
		if (!chk_has(k, "%s", name) && !chk_told(k, name, NULL))
			chk_problem(k, name, -1, NULL, K_MISSING,
				    "missing: ids-%llu.img's %s names it, a namespace that is not criu's own",
				    (unsigned long long)t->pid, chk_id_fields[id]);
	}
}

/* Each unix socket's peer is a socket of the dump. */
static void peers(struct ids *x)
{
	struct chk *k = x->k;
	const char *image = x->new_layout ? "files.img" : "unixsk.img";
	struct table inos = { 0 };
	struct chk_image im;
	struct view v;

	if (!chk_load(k, &im, NULL, image))
		return;
	/* the sockets' views: files.img's usk members, or unixsk.img's entries */
	for (size_t pass = 0; pass < 2 && !crit_failed(k->err); pass++) {
		for (size_t i = 0; i < im.im.n && !crit_failed(k->err); i++) {
			const struct view *e = &im.im.entries[i];
			if (x->new_layout && !view_msg(e, "usk", &v))
				continue;
			const struct view *u = x->new_layout ? &v : e;
			uint64_t peer = view_uint_or(u, "peer", 0);
			if (pass == 0)
				push(k, &inos, view_uint_or(u, "ino", 0), i, -1);
			else if (peer && !find(&inos, peer))
				chk_problem(k, image, (int64_t)i, x->new_layout ? "usk.peer" : "peer", K_DANGLING,
					    "the peer, socket inode %llu, is in no image", (unsigned long long)peer);
		}
		chk_sort(inos.v, inos.n, sizeof(*inos.v), cmp_ref);
	}
	chk_done(k, &im);
	free(inos.v);
}

/* Each tty file's info is in tty-info.img, and so is tty-data's. */
static void ttys(struct ids *x)
{
	struct chk *k = x->k;
	struct table infos = { 0 };
	struct chk_image im;
	struct view v;
	uint64_t info;
	bool have = false;

	if (chk_load(k, &im, NULL, "tty-info.img")) {
		for (size_t e = 0; e < im.im.n; e++)
			push(k, &infos, view_uint_or(&im.im.entries[e], "id", UINT64_MAX), e, -1);
		chk_sort(infos.v, infos.n, sizeof(*infos.v), cmp_ref);
		have = true;
		chk_done(k, &im);
	}
	if (x->new_layout && chk_load(k, &im, NULL, "files.img")) {
		for (size_t i = 0; i < im.im.n && !crit_failed(k->err); i++) {
			if (!view_msg(&im.im.entries[i], "tty", &v) || !view_uint(&v, "tty_info_id", &info))
				continue;
			if (!have && !chk_told(k, "tty-info.img", NULL))
				chk_problem(k, "tty-info.img", -1, NULL, K_MISSING,
					    "missing: files.img entry %zu is a tty", i);
			else if (have && !find(&infos, info))
				chk_problem(k, "files.img", (int64_t)i, "tty.tty_info_id", K_DANGLING,
					    "tty info %llu is not in tty-info.img", (unsigned long long)info);
		}
		chk_done(k, &im);
	}
	if (have && chk_load(k, &im, NULL, "tty-data.img")) {
		for (size_t i = 0; i < im.im.n; i++)
			if (view_uint(&im.im.entries[i], "tty_id", &info) && !find(&infos, info))
				chk_problem(k, "tty-data.img", (int64_t)i, "tty_id", K_DANGLING,
					    "tty info %llu is not in tty-info.img", (unsigned long long)info);
		chk_done(k, &im);
	}
	free(infos.v);
}

/* remap-fpath.img's files, and the ghost file of each ghost. */
static void remaps(struct ids *x)
{
	struct chk *k = x->k;
	struct chk_image im;
	char name[CHK_NAME];
	int32_t ghost;

	if (!schema_enum_number(&crit_enum_remap_type, "GHOST", &ghost) || !chk_load(k, &im, NULL, "remap-fpath.img"))
		return;
	for (size_t i = 0; i < im.im.n && !crit_failed(k->err); i++) {
		const struct view *v = &im.im.entries[i];
		ref_file(x, "remap-fpath.img", (int64_t)i, "orig_id", kind_named("REG"), view_uint_or(v, "orig_id", 0));
		if (view_uint_or(v, "remap_type", UINT64_MAX) != (uint64_t)ghost)
			continue;
		snprintf(name, sizeof(name), "ghost-file-%llu.img", (unsigned long long)view_uint_or(v, "remap_id", 0));
		if (!chk_has(k, "%s", name) && !chk_told(k, name, NULL))
			chk_problem(k, name, -1, NULL, K_MISSING, "missing: remap-fpath.img entry %zu names it", i);
	}
	chk_done(k, &im);
}

/* The fdinfo images of the live tasks, each once (tasks that share their
 * files share it). */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void fdinfos(struct ids *x)
{
	struct chk *k = x->k;
	char (*v)[CHK_NAME] = malloc((k->ntasks ? k->ntasks : 1) * sizeof(*v));
	size_t n = 0;

	if (!v) {
		crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return;
	}
	for (size_t i = 0; i < k->ntasks; i++)
		if (k->tasks[i].live && !k->tasks[i].dup && chk_fdinfo_name(k, &k->tasks[i], v[n]))
			n++;
	chk_sort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n && !crit_failed(k->err); i++)
		if (!i || strcmp(v[i], v[i - 1]) != 0)
			fdinfo(x, v[i]);
	free(v);
}

void chk_ids(struct chk *k)
{
	struct ids x = { .k = k };

	for (size_t i = 0; i < NKINDS; i++)
		if (!schema_enum_number(&crit_enum_fd_types, kinds[i].type, &x.type[i]))
			x.type[i] = -1;
	x.new_layout = chk_has(k, "files.img");
	if (x.new_layout)
		files_members(&x);
	for (size_t i = 0; i < k->ntasks && !crit_failed(k->err); i++) {
		const struct chk_task *t = &k->tasks[i];
		if (t->dup || !t->live)
			continue;
		if (t->ids)
			namespaces(&x, t);
		fs(&x, t);
		mm(&x, t);
	}
	fdinfos(&x);
	peers(&x);
	ttys(&x);
	remaps(&x);
	free(x.files.v);
	free(x.files.gone);
	free(x.shm.v);
	for (size_t i = 0; i < NKINDS; i++) {
		free(x.old[i].v);
		free(x.old[i].gone);
	}
}
