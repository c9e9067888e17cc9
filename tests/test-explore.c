/*
 * test-explore.c - crit x: Python CRIT's explorer text byte for byte on
 * every fixture it worked on; the tree fixture (a zombie, a stopped task)
 * listed in full; the library's explorers (crit_explore_ps...) checked
 * against the images as decode reads them; damaged checkpoints refused
 * with the image named, never a crash.
 */
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt.h"
#include "tables.h"
#include "tests.h"
#include "ckpt/view.h"

static const char *const whats[] = { "ps", "fds", "mems", "rss", "sk", "stats" };
#define NWHATS (sizeof(whats) / sizeof(whats[0]))

static bool explore(const char *dir, const char *what, struct membuf *out, struct crit_err *err)
{
	*out = (struct membuf){ 0 };
	return crit_explore(dir, what, NULL, membuf_sink(out), err);
}

/* The number after the next "key": at or after *p, which moves past it;
 * -1 when there is none (a uint64_t comes as the long long of its bits). */
static long long next_number(const char **p, const char *key)
{
	char k[80];
	snprintf(k, sizeof(k), "\"%s\": ", key);
	const char *at = *p ? strstr(*p, k) : NULL;
	if (!at)
		return -1;
	*p = at + strlen(k);
	return **p == '-' ? strtoll(*p, NULL, 10) : (long long)strtoull(*p, NULL, 10);
}

/* An image of dir as decode prints it (the caller frees it). */
static char *decoded(const char *dir, const char *image)
{
	char path[600];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", dir, image);
	char *data = slurp(path, &len);
	if (!data)
		return NULL;
	struct membuf json = { 0 };
	struct crit_err err;
	ck_assert_msg(decode_mem(data, len, false, false, &json, &err), "%s: %s", path, err.msg);
	free(data);
	return json.data;
}

static bool has(const char *hay, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool has(const char *hay, const char *fmt, ...)
{
	char needle[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(needle, sizeof(needle), fmt, ap);
	va_end(ap);
	return strstr(hay, needle) != NULL;
}

/* The entries of a decoded image (each has key). */
static size_t count(const char *json, const char *key)
{
	char k[80];
	size_t n = 0;
	snprintf(k, sizeof(k), "\"%s\": ", key);
	for (const char *p = json; (p = strstr(p, k)); p++)
		n++;
	return n;
}

START_TEST(python_crits_text)
{
	DIR *top = opendir("fixtures");
	int compared = 0;

	ck_assert_ptr_nonnull(top);
	for (struct dirent *d; (d = readdir(top));) {
		for (int w = 0; w < 4; w++) {
			char ref[512], dir[300];
			size_t len;
			snprintf(dir, sizeof(dir), "fixtures/%.200s", d->d_name);
			snprintf(ref, sizeof(ref), "%s/ref/x-%s.txt", dir, whats[w]);
			char *want = slurp(ref, &len);
			if (!want)
				continue;
			struct membuf out;
			struct crit_err err;
			ck_assert_msg(explore(dir, whats[w], &out, &err), "%s %s: %s: %s", dir, whats[w], err.file,
				      err.msg);
			ck_assert_msg(out.len == len && memcmp(out.data, want, len) == 0, "%s differs:\n%s", ref,
				      out.data ? out.data : "");
			compared++;
			membuf_free(&out);
			free(want);
		}
	}
	closedir(top);
	ck_assert_int_ge(compared, 29); /* 7 folders x 4, and tree's ps */
}
END_TEST

/* The lines of out that start a task (a pid at the start of the line). */
static int task_lines(const char *out, char heads[][32], int max)
{
	int n = 0;
	for (const char *l = out; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		if (*l >= '0' && *l <= '9' && n < max) {
			size_t k = strcspn(l, "\n");
			snprintf(heads[n++], 32, "%.*s", (int)(k < 31 ? k : 31), l);
		}
	}
	return n;
}

/* Python crashes on the zombie; here every task is listed, in pstree
 * order, the zombie marked and given nothing else. */
START_TEST(tree_with_a_zombie)
{
	static const char *const want[] = { "22247", "22250", "22254", "22251", "22252 (zombie)", "22253" };

	for (int w = 1; w < 5; w++) { /* fds, mems, rss, sk */
		struct membuf out;
		struct crit_err err;
		char heads[16][32];
		ck_assert_msg(explore("fixtures/tree", whats[w], &out, &err), "%s: %s", whats[w], err.msg);
		int n = task_lines(out.data, heads, 16);
		ck_assert_int_eq(n, 6);
		for (int i = 0; i < 6; i++)
			ck_assert_str_eq(heads[i], want[i]);
		/* the zombie's line is followed by the next task's */
		const char *z = strstr(out.data, "22252 (zombie)\n");
		ck_assert_ptr_nonnull(z);
		ck_assert(strncmp(z + strlen("22252 (zombie)\n"), "22253\n", 6) == 0);
		membuf_free(&out);
	}

	/* fds: every task but the zombie has its files, cwd and root, and
	 * the stopped one is listed like any other */
	struct membuf out;
	struct crit_err err;
	ck_assert(explore("fixtures/tree", "fds", &out, &err));
	const char *p = out.data;
	int cwds = 0;
	while ((p = strstr(p, "\t    cwd: /srv/crit-demo\n\t   root: /\n"))) {
		cwds++;
		p++;
	}
	ck_assert_int_eq(cwds, 5);
	ck_assert_ptr_nonnull(strstr(out.data, "\t      3: pipe[174450]\n"));
	ck_assert_ptr_nonnull(strstr(out.data, "\t      9: FIFO.12\n"));
	membuf_free(&out);

	/* ps is Python's own (it does not look at the zombie's files) */
	size_t len;
	char *ref = slurp("fixtures/tree/ref/x-ps.txt", &len);
	ck_assert(explore("fixtures/tree", "ps", &out, &err));
	ck_assert(out.len == len && memcmp(out.data, ref, len) == 0);
	membuf_free(&out);
	free(ref);
}
END_TEST

/* stats: every value of every fixture's stats-dump, as decode reads it:
 * times in ms from microseconds, page counts as they are. */
START_TEST(stats_match_the_images)
{
	static const struct {
		const char *field, *label;
		bool usec;
	} lines[] = {
		{ "freezing_time", "freezing time", true },   { "frozen_time", "frozen time", true },
		{ "memdump_time", "memdump time", true },     { "memwrite_time", "memwrite time", true },
		{ "pages_scanned", "pages scanned", false },  { "pages_skipped_parent", "pages in the parent", false },
		{ "pages_lazy", "pages lazy", false },        { "pages_written", "pages written", false },
		{ "page_pipes", "page pipes", false },
	};
	DIR *top = opendir("fixtures");
	int checked = 0;

	for (struct dirent *d; (d = readdir(top));) {
		char dir[300], img[400];
		size_t len;
		snprintf(dir, sizeof(dir), "fixtures/%.200s", d->d_name);
		snprintf(img, sizeof(img), "%s/stats-dump", dir);
		char *data = slurp(img, &len);
		if (!data)
			continue;
		struct membuf json = { 0 }, out;
		struct crit_err err;
		ck_assert(decode_mem(data, len, false, false, &json, &err));
		ck_assert_msg(explore(dir, "stats", &out, &err), "%s: %s", dir, err.msg);
		for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
			const char *p = json.data;
			long long v = next_number(&p, lines[i].field);
			char want[200];
			ck_assert_int_ge(v, 0);
			if (lines[i].usec)
				snprintf(want, sizeof(want), "\t%-28s%lld.%03lld ms\n", lines[i].label, v / 1000, v % 1000);
			else
				snprintf(want, sizeof(want), "\t%-28s%lld\n", lines[i].label, v);
			ck_assert_msg(strstr(out.data, want), "%s: no '%s' in:\n%s", dir, want, out.data);
		}
		ck_assert_ptr_nonnull(strstr(out.data, "restore (stats-restore)\n\tno stats-restore image\n"));
		checked++;
		membuf_free(&json);
		membuf_free(&out);
		free(data);
	}
	closedir(top);
	ck_assert_int_ge(checked, 9);
}
END_TEST

/* A copy of a fixture folder to damage. */
static void copy_dir(const char *from, const char *to)
{
	DIR *d = opendir(from);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(mkdir(to, 0700), 0);
	for (struct dirent *e; (e = readdir(d));) {
		char src[1024], dst[1024];
		size_t len;
		if (snprintf(src, sizeof(src), "%s/%s", from, e->d_name) >= (int)sizeof(src) ||
		    snprintf(dst, sizeof(dst), "%s/%s", to, e->d_name) >= (int)sizeof(dst))
			continue;
		struct stat st;
		if (stat(src, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		char *data = slurp(src, &len);
		FILE *f = fopen(dst, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fwrite(data, 1, len, f), len);
		fclose(f);
		free(data);
	}
	closedir(d);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	for (struct dirent *e; d && (e = readdir(d));) {
		char p[1024];
		if (snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) < (int)sizeof(p))
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Each of images (in fixture) cut and flipped in turn: every explorer
 * gives an error naming an image of the copy, or a listing; never a crash
 * or a read past the image (ASan in make check SAN=1). Returns the copy,
 * for remove_dir. */
static void damage(const char *fixture, const char *const *images, size_t nimages, char *ck, size_t cksize)
{
	char dir[] = "/tmp/crit-explore-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ck, cksize, "%s/ck", dir);
	copy_dir(fixture, ck);
	srand(7);
	for (size_t i = 0; i < nimages; i++) {
		char src[300], dst[700];
		size_t len;
		snprintf(src, sizeof(src), "%s/%s", fixture, images[i]);
		snprintf(dst, sizeof(dst), "%s/%s", ck, images[i]);
		char *orig = slurp(src, &len);
		ck_assert_ptr_nonnull(orig);
		char *img = malloc(len);
		for (int round = 0; round < 60; round++) {
			size_t n = len;
			memcpy(img, orig, len);
			if (round < 20)
				n = (size_t)rand() % len; /* cut */
			else
				for (int k = 0; k < 1 + round % 4; k++) /* flipped bytes */
					img[(size_t)rand() % len] ^= (char)(1 + rand() % 255);
			write_file(dst, img, n);
			for (size_t w = 0; w < NWHATS; w++) {
				struct membuf out;
				struct crit_err err;
				if (!explore(ck, whats[w], &out, &err)) {
					ck_assert_int_ne(err.code, CRIT_OK);
					ck_assert_msg(strncmp(err.file, ck, strlen(ck)) == 0, "%s: no image named: %s",
						      images[i], err.msg);
				}
				membuf_free(&out);
			}
		}
		write_file(dst, orig, len);
		free(img);
		free(orig);
	}
}

/* The copy ck of a fixture with its image cut by `cut` bytes: what's
 * explorer fails with that image and the offset of the cut entry. */
static void cut_one(const char *fixture, const char *ck, const char *image, size_t cut, const char *what,
		    uint64_t offset)
{
	size_t len;
	char src[300], path[700];
	snprintf(src, sizeof(src), "%s/%s", fixture, image);
	snprintf(path, sizeof(path), "%s/%s", ck, image);
	char *orig = slurp(src, &len);
	ck_assert_ptr_nonnull(orig);
	write_file(path, orig, len - cut);
	struct membuf out;
	struct crit_err err;
	ck_assert(!explore(ck, what, &out, &err));
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.code, CRIT_E_TRUNCATED);
	ck_assert_uint_eq(err.pos, offset);
	ck_assert_uint_eq(out.len, 0); /* nothing is shown of a checkpoint that cannot be read */
	membuf_free(&out);
	write_file(path, orig, len);
	free(orig);
}

/* The offset of the last entry of an image without payloads, where a cut
 * inside it is reported: its entries walked as CRIU frames them. */
static uint64_t last_entry(const char *path)
{
	size_t len;
	unsigned char *d = (unsigned char *)slurp(path, &len);
	uint64_t at = 8, last = 8;
	while (at + 4 <= len) {
		last = at;
		at += 4 + (d[at] | d[at + 1] << 8 | d[at + 2] << 16 | (uint32_t)d[at + 3] << 24);
	}
	free(d);
	return last;
}

static size_t file_size(const char *path)
{
	struct stat st;
	ck_assert_int_eq(stat(path, &st), 0);
	return (size_t)st.st_size;
}

static void remove_copy(const char *ck)
{
	char dir[700];
	remove_dir(ck);
	snprintf(dir, sizeof(dir), "%.*s", (int)(strrchr(ck, '/') - ck), ck);
	rmdir(dir);
}

START_TEST(damaged_images)
{
	static const char *const images[] = { "pstree.img", "core-21663.img", "ids-21663.img", "fdinfo-2.img",
					      "files.img", "fs-21663.img", "mm-21663.img", "pagemap-21663.img" };
	char ck[600];

	damage("fixtures/loop", images, sizeof(images) / sizeof(images[0]), ck, sizeof(ck));
	/* A cut pstree: the image and the offset of its last entry. */
	cut_one("fixtures/loop", ck, "pstree.img", 3, "ps", last_entry("fixtures/loop/pstree.img"));
	remove_copy(ck);
}
END_TEST

/* The sockets' images damaged: sk (and every other explorer) still
 * names the image or lists what it can. */
START_TEST(damaged_socket_images)
{
	static const char *const images[] = { "fdinfo-2.img", "files.img", "sk-queues.img", "tcp-stream-2aa6f.img" };
	const char *fx = "fixtures/sockets";
	char ck[600];

	damage(fx, images, sizeof(images) / sizeof(images[0]), ck, sizeof(ck));
	/* Cut inside the last payload: its offset is named. The payloads'
	 * sizes are what the entries say. */
	char *q = decoded(fx, "sk-queues.img"), *ts = decoded(fx, "tcp-stream-2aa6f.img");
	const char *p = q;
	long long len, last = -1, inq, outq;
	while ((len = next_number(&p, "length")) >= 0)
		last = len;
	p = ts;
	inq = next_number(&p, "inq_len");
	outq = next_number(&p, "outq_len");
	ck_assert(last > 5 && inq + outq > 2);
	cut_one(fx, ck, "sk-queues.img", 5, "sk", file_size("fixtures/sockets/sk-queues.img") - (size_t)last);
	cut_one(fx, ck, "tcp-stream-2aa6f.img", 2, "sk",
		file_size("fixtures/sockets/tcp-stream-2aa6f.img") - (size_t)(inq + outq));
	/* Cut inside the last entry: the entry is named. */
	cut_one(fx, ck, "files.img", 1, "sk", last_entry("fixtures/sockets/files.img"));
	free(q);
	free(ts);
	remove_copy(ck);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The library's explorers                                              */
/* ------------------------------------------------------------------ */

/* ps: the tasks of pstree.img with their ids, depth first, each one
 * deeper than its parent; states and names from their cores. */
START_TEST(api_ps)
{
	struct crit_ps ps;
	struct crit_err err;
	char *pstree = decoded("fixtures/tree", "pstree.img");

	ck_assert_msg(crit_explore_ps("fixtures/tree", &ps, &err), "%s", err.msg);
	ck_assert_uint_eq(ps.n, count(pstree, "pid"));
	for (size_t i = 0; i < ps.n; i++) {
		const struct crit_ps_task *t = &ps.tasks[i];
		ck_assert(has(pstree, "{\"pid\": %llu, \"ppid\": %llu, \"pgid\": %llu, \"sid\": %llu,",
			      (unsigned long long)t->pid, (unsigned long long)t->ppid, (unsigned long long)t->pgid,
			      (unsigned long long)t->sid));
		size_t j = 0;
		while (j < i && ps.tasks[j].pid != t->ppid)
			j++;
		ck_assert_uint_eq(t->depth, t->ppid ? ps.tasks[j].depth + 1 : 0);
		ck_assert(!t->ppid || j < i); /* the parent came first */
		char core[64];
		snprintf(core, sizeof(core), "core-%llu.img", (unsigned long long)t->pid);
		char *c = decoded("fixtures/tree", core);
		const char *p = c;
		ck_assert_int_eq(t->state, next_number(&p, "task_state"));
		ck_assert(has(c, "\"comm\": \"%s\"", t->comm.s));
		ck_assert_uint_eq(t->comm.n, strlen(t->comm.s));
		if (t->pid == 22252)
			ck_assert_str_eq(crit_task_state_name(t->state), "zombie");
		if (t->pid == 22253)
			ck_assert_str_eq(crit_task_state_name(t->state), "stopped");
		free(c);
	}
	crit_ps_free(&ps);
	ck_assert(ps.tasks == NULL && ps.n == 0 && ps.mem == NULL);
	crit_ps_free(&ps); /* a freed result may be freed again */
	free(pstree);

	ck_assert(!crit_explore_ps("fixtures/none", &ps, &err));
	ck_assert_int_eq(err.code, CRIT_E_IO);
	ck_assert(ps.tasks == NULL && ps.n == 0);
}
END_TEST

/* fds: each fd of fdinfo with its id, named as Python names it; a zombie
 * has none. */
START_TEST(api_fds)
{
	static const char *const dirs[] = { "fixtures/sockets", "fixtures/tree", "fixtures/files" };

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		struct crit_fds fds;
		struct crit_err err;
		char ref[300];
		size_t len;
		snprintf(ref, sizeof(ref), "%s/ref/x-fds.txt", dirs[d]);
		char *text = slurp(ref, &len);
		ck_assert_msg(crit_explore_fds(dirs[d], &fds, &err), "%s", err.msg);
		for (size_t i = 0; i < fds.n; i++) {
			const struct crit_fds_task *t = &fds.tasks[i];
			if (t->zombie) {
				ck_assert_uint_eq(t->pid, 22252);
				ck_assert(t->n == 0 && t->cwd.n == 0 && t->root.n == 0);
				continue;
			}
			char ids[64], fdinfo[64];
			snprintf(ids, sizeof(ids), "ids-%llu.img", (unsigned long long)t->pid);
			char *idj = decoded(dirs[d], ids);
			const char *p = idj;
			snprintf(fdinfo, sizeof(fdinfo), "fdinfo-%lld.img", next_number(&p, "files_id"));
			char *fj = decoded(dirs[d], fdinfo);
			ck_assert_uint_eq(t->n, count(fj, "fd"));
			p = fj;
			for (size_t k = 0; k < t->n; k++) {
				ck_assert_int_eq(t->fds[k].id, next_number(&p, "id"));
				ck_assert_int_eq(t->fds[k].fd, next_number(&p, "fd"));
				/* the name, in Python's text where there is one */
				ck_assert(!text || has(text, "\t%7llu: %s\n", (unsigned long long)t->fds[k].fd,
						       t->fds[k].name.s));
			}
			ck_assert(!text || has(text, "\t    cwd: %s\n\t   root: %s\n", t->cwd.s, t->root.s));
			free(idj);
			free(fj);
		}
		crit_fds_free(&fds);
		free(text);
	}
}
END_TEST

/* mems: each task's VMAs as mm.img holds them. */
START_TEST(api_mems)
{
	struct crit_mems mems;
	struct crit_err err;

	ck_assert_msg(crit_explore_mems("fixtures/loop", &mems, &err), "%s", err.msg);
	ck_assert_uint_eq(mems.n, 2);
	for (size_t i = 0; i < mems.n; i++) {
		const struct crit_mems_task *t = &mems.tasks[i];
		char mm[64];
		snprintf(mm, sizeof(mm), "mm-%llu.img", (unsigned long long)t->pid);
		char *j = decoded("fixtures/loop", mm);
		const char *p = j;
		ck_assert_uint_eq(t->n, count(j, "start"));
		for (size_t k = 0; k < t->n; k++) {
			const struct crit_vma *v = &t->vmas[k];
			ck_assert_int_eq(v->start, next_number(&p, "start"));
			ck_assert_int_eq(v->end, next_number(&p, "end"));
			ck_assert_int_eq(v->pgoff, next_number(&p, "pgoff"));
			ck_assert_int_eq(v->prot, next_number(&p, "prot"));
			ck_assert_int_eq(v->flags, next_number(&p, "flags"));
			ck_assert_int_eq(v->status, next_number(&p, "status"));
			/* a file mapping (VMA_FILE_PRIVATE, _SHARED) is named by its file */
			if (v->status & (1 << 6 | 1 << 7))
				ck_assert(v->file.n && strncmp(v->name.s, v->file.s, v->file.n) == 0);
		}
		ck_assert(t->exe.n > 0);
		free(j);
	}
	crit_mems_free(&mems);
}
END_TEST

/* A task of 40,000 file mappings: its results fill many blocks of the
 * result's memory (the later ones in huge pages), and stay where they are. */
START_TEST(api_mems_large)
{
	char dir[] = "/tmp/crit-test-explore-XXXXXX";
	struct dirent *de;
	DIR *d = opendir("fixtures/loop");
	char loop[PATH_MAX];
	enum { N = 40000 };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(realpath("fixtures/loop", loop));
	while ((de = readdir(d))) { /* the loop fixture, but task 21793's mm */
		char from[PATH_MAX + 256], to[PATH_MAX];
		snprintf(from, sizeof(from), "%s/%s", loop, de->d_name);
		snprintf(to, sizeof(to), "%s/%s", dir, de->d_name);
		if (de->d_name[0] != '.' && strcmp(de->d_name, "mm-21793.img") != 0)
			ck_assert_int_eq(symlink(from, to), 0);
	}
	closedir(d);
	struct pb m = { 0 };
	pb_uint(&m, 12, 8); /* exe_file_id: /usr/bin/sleep */
	for (uint32_t i = 0; i < N; i++) {
		struct pb v = { 0 };
		pb_uint(&v, 1, 0x400000 + (uint64_t)i * 0x2000);
		pb_uint(&v, 2, 0x401000 + (uint64_t)i * 0x2000);
		pb_uint(&v, 3, (uint64_t)i * 0x1000);
		pb_uint(&v, 4, 8);    /* shmid: the file */
		pb_uint(&v, 5, 1);    /* PROT_READ */
		pb_uint(&v, 6, 2);    /* MAP_PRIVATE */
		pb_uint(&v, 7, 65);   /* VMA_AREA_REGULAR | VMA_FILE_PRIVATE */
		pb_uint(&v, 8, 1);    /* fd -1, zigzag */
		pb_len(&m, 14, v.p, v.n);
		free(v.p);
	}
	struct pb img = image(0x57492820u /* MM */, 1, &m);
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/mm-21793.img", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(img.p, 1, img.n, f), img.n);
	ck_assert_int_eq(fclose(f), 0);

	struct crit_mems mems;
	struct crit_err err;
	ck_assert_msg(crit_explore_mems(dir, &mems, &err), "%s", err.msg);
	ck_assert_uint_eq(mems.n, 2);
	ck_assert_uint_eq(mems.tasks[0].n, 24); /* 21663, as in the fixture */
	ck_assert_uint_eq(mems.tasks[1].n, N);
	for (uint32_t i = 0; i < N; i++) {
		const struct crit_vma *v = &mems.tasks[1].vmas[i];
		char name[64];
		ck_assert_uint_eq(v->start, 0x400000 + (uint64_t)i * 0x2000);
		ck_assert_uint_eq(v->end, 0x401000 + (uint64_t)i * 0x2000);
		if (i)
			snprintf(name, sizeof(name), "/usr/bin/sleep + %#llx", (unsigned long long)i * 0x1000);
		else
			snprintf(name, sizeof(name), "/usr/bin/sleep");
		ck_assert_msg(v->name.n == strlen(name) && memcmp(v->name.s, name, v->name.n) == 0, "vma %u: '%.*s'",
			      i, (int)v->name.n, v->name.s);
	}
	ck_assert_uint_eq(mems.tasks[0].vmas[0].start, 0x556750002000);
	crit_mems_free(&mems);
	free(m.p);
	free(img.p);
	char cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* rss: each pagemap entry, and the VMAs it falls in. */
START_TEST(api_rss)
{
	struct crit_rss rss;
	struct crit_err err;

	ck_assert_msg(crit_explore_rss("fixtures/loop", &rss, &err), "%s", err.msg);
	for (size_t i = 0; i < rss.n; i++) {
		const struct crit_rss_task *t = &rss.tasks[i];
		char pm[64];
		snprintf(pm, sizeof(pm), "pagemap-%llu.img", (unsigned long long)t->pid);
		char *j = decoded("fixtures/loop", pm);
		const char *p = j;
		ck_assert_uint_eq(t->page_size, 4096);
		ck_assert_uint_eq(t->npages, count(j, "vaddr"));
		for (size_t k = 0; k < t->npages; k++) {
			const struct crit_rss_pages *pg = &t->pages[k];
			ck_assert_int_eq(pg->vaddr, next_number(&p, "vaddr"));
			ck_assert_int_eq(pg->pages, next_number(&p, "nr_pages"));
			ck_assert_uint_le(pg->vma + pg->nvmas, t->nvmas);
			ck_assert_uint_ge(pg->nvmas, 1);
			for (size_t v = pg->vma; v < pg->vma + pg->nvmas; v++)
				ck_assert(t->vmas[v].start < pg->vaddr + pg->pages * t->page_size &&
					  t->vmas[v].end > pg->vaddr);
		}
		free(j);
	}
	crit_rss_free(&rss);
}
END_TEST

/* sk: every socket behind an fd, with the inode, peer, ports and buffers
 * of its entry in files.img, and the bytes queued: the sums of its
 * sk-queues entries, or its tcp-stream's queues. */
START_TEST(api_sk)
{
	const char *fx = "fixtures/sockets";
	char *files = decoded(fx, "files.img"), *fdinfo = decoded(fx, "fdinfo-2.img");
	char *queues = decoded(fx, "sk-queues.img");
	long long sums[64] = { 0 }, id, len;
	bool queued[64] = { false };
	struct crit_sk sk;
	struct crit_err err;

	for (const char *p = queues; (id = next_number(&p, "id_for")) >= 0;) {
		len = next_number(&p, "length");
		ck_assert(id < 64 && len >= 0);
		sums[id] += len;
		queued[id] = true;
	}
	ck_assert_msg(crit_explore_sk(fx, &sk, &err), "%s", err.msg);
	ck_assert_uint_eq(sk.n, 1);
	const struct crit_sk_task *t = &sk.tasks[0];
	size_t want = 0, unix_sks = 0, tcp = 0;
	for (const char *p = fdinfo; (p = strstr(p, "SK\", \"fd\"")); p++)
		want++;
	ck_assert_uint_eq(t->n, want);
	ck_assert_uint_eq(want, 20);
	for (size_t k = 0; k < t->n; k++) {
		const struct crit_socket *s = &t->sks[k];
		ck_assert(has(fdinfo, "{\"id\": %llu, \"flags\": 0, \"type\": \"%s\", \"fd\": %llu}",
			      (unsigned long long)s->id,
			      s->family == AF_UNIX      ? "UNIXSK"
			      : s->family == AF_NETLINK ? "NETLINKSK"
			      : s->family == AF_PACKET  ? "PACKETSK"
							: "INETSK",
			      (unsigned long long)s->fd));
		if (s->family != AF_PACKET)
			ck_assert(has(files, "{\"id\": %llu, \"ino\": %llu, ", (unsigned long long)s->id,
				      (unsigned long long)s->ino));
		ck_assert(has(files, "\"opts\": {\"so_sndbuf\": %u, \"so_rcvbuf\": %u, ", s->sndbuf, s->rcvbuf));
		ck_assert(s->id < 64);
		if (s->family == AF_UNIX) {
			unix_sks++;
			ck_assert(has(files, "\"ino\": %llu, \"type\": %u, \"state\": %u, ", (unsigned long long)s->ino,
				      s->type, s->state));
			ck_assert(has(files, "\"peer\": %llu, ", (unsigned long long)s->peer));
			ck_assert_int_eq(s->recv_q, sums[s->id]); /* every unix queue is dumped */
			ck_assert_int_eq(s->send_q, -1);
		} else if ((s->family == AF_INET || s->family == AF_INET6) && s->type == SOCK_STREAM) {
			char img[64];
			snprintf(img, sizeof(img), "tcp-stream-%llx.img", (unsigned long long)s->ino);
			char *ts = decoded(fx, img);
			const char *p = ts;
			ck_assert_int_eq(s->recv_q, ts ? next_number(&p, "inq_len") : -1);
			ck_assert_int_eq(s->send_q, ts ? next_number(&p, "outq_len") : -1);
			tcp += ts != NULL;
			free(ts);
		} else {
			ck_assert_int_eq(s->recv_q, queued[s->id] ? sums[s->id] : -1);
		}
		if (s->family == AF_INET || s->family == AF_INET6)
			ck_assert(has(files,
				      "\"ino\": %llu, \"family\": %u, \"type\": %u, \"proto\": %u, \"state\": %u, "
				      "\"src_port\": %u, \"dst_port\": %u, ",
				      (unsigned long long)s->ino, s->family, s->type, s->proto, s->state, s->src_port,
				      s->dst_port));
	}
	ck_assert_uint_eq(unix_sks, 11);
	ck_assert_uint_eq(tcp, 2);
	/* the names: a path up to its NUL, an abstract name whole */
	for (size_t k = 0; k < t->n; k++) {
		const struct crit_socket *s = &t->sks[k];
		if (s->ino == 174697)
			ck_assert(s->src.n == strlen("/srv/crit-demo-socks.sock") &&
				  strcmp(s->src.s, "/srv/crit-demo-socks.sock") == 0);
		if (s->ino == 174700)
			ck_assert(s->src.n == 20 && memcmp(s->src.s, "\0crit-demo-abstract\0", 20) == 0);
		if (s->ino == 174703)
			ck_assert(strcmp(s->src.s, "127.0.0.1") == 0 && strcmp(s->dst.s, "127.0.0.1") == 0);
		if (s->ino == 174705)
			ck_assert(strcmp(s->src.s, "::1") == 0 && strcmp(s->dst.s, "::") == 0);
		if (s->family == AF_PACKET)
			ck_assert(s->proto == 3 && s->ifindex == 1); /* ETH_P_ALL, on lo */
	}
	crit_sk_free(&sk);
	free(files);
	free(fdinfo);
	free(queues);

	/* a checkpoint without sockets: every task, none */
	ck_assert(crit_explore_sk("fixtures/tree", &sk, &err));
	ck_assert_uint_eq(sk.n, 6);
	for (size_t i = 0; i < sk.n; i++)
		ck_assert_uint_eq(sk.tasks[i].n, 0);
	crit_sk_free(&sk);
}
END_TEST

/* stats: what stats-dump holds; no stats-restore. */
START_TEST(api_stats)
{
	struct crit_stats st;
	struct crit_err err;
	char *dump = decoded("fixtures/loop", "stats-dump");

	ck_assert_msg(crit_explore_stats("fixtures/loop", &st, &err), "%s", err.msg);
	ck_assert(st.dump.found && st.dump.has && !st.restore.found && !st.restore.has);
	ck_assert_uint_ge(st.dump.n, 9);
	for (size_t i = 0; i < st.dump.n; i++) {
		const char *p = dump;
		ck_assert_int_eq(st.dump.v[i].value, next_number(&p, st.dump.v[i].field));
	}
	ck_assert_str_eq(st.dump.v[0].field, "freezing_time");
	ck_assert(st.dump.v[0].usec);
	free(dump);

	struct membuf out;
	ck_assert(!explore("fixtures/loop", "pstree", &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_USAGE);
}
END_TEST

/* view_read: several fields in one walk, the last of a repeated one, the
 * absent ones left as they were; malformed bytes an error at their
 * offset, and nothing read. */
START_TEST(view_reads_fields_in_one_walk)
{
	static const char *const names[] = { "start", "end", "prot", "status" };
	struct view_fields fs = { .names = names, .n = 4 };
	uint64_t out[4] = { 0, 0, 0, 7 };
	struct crit_err err = { 0 };
	struct pb b = { 0 };

	pb_uint(&b, 1, 0x1000); /* vma_entry: start, end, start again, prot */
	pb_uint(&b, 2, 0x2000);
	pb_uint(&b, 1, 0x3000);
	pb_uint(&b, 5, 5);
	pb_len(&b, 5, "x", 1); /* prot of another wire type: not prot's value */
	pb_uint(&b, 3, 9);     /* pgoff, not asked for */
	struct view_src src = { "vma", b.p, &err };
	struct view v = { b.p, b.p + b.n, &crit_msg_vma_entry, &src };
	ck_assert_uint_eq(view_read(&v, &fs, out), 0x7);
	ck_assert(out[0] == 0x3000 && out[1] == 0x2000 && out[2] == 5 && out[3] == 7);
	ck_assert_ptr_eq(fs.m, &crit_msg_vma_entry);
	v.end--; /* pgoff's value cut off */
	ck_assert_uint_eq(view_read(&v, &fs, out), 0);
	/* said as decode says it (format/wire.c): at the value, not the tag */
	ck_assert_int_eq(err.code, CRIT_E_TRUNCATED);
	ck_assert_uint_eq(err.pos, b.n - 1);
	ck_assert_str_eq(err.msg, "truncated varint in field 3");
	ck_assert_str_eq(err.file, "vma");
	free(b.p);
}
END_TEST

/* One damage, one message: decode in place, decode streamed (a message
 * past CRIT_WINDOW) and a view say the same of it (format/wire.c). */
START_TEST(one_damage_one_message)
{
	static const struct {
		const char *bytes;
		size_t n;
	} damage[] = {
		{ "\x80", 1 },         /* a tag cut short */
		{ "\x00\x01", 2 },     /* field number 0 */
		{ "\x0b", 1 },         /* field 1, a group */
		{ "\x0d\x01\x02", 3 }, /* field 1, a 32-bit value cut short */
		{ "\x12\x05\x01", 3 }, /* field 2, 5 bytes of 1 */
		{ "\x08\xff", 2 },     /* field 1's varint cut short */
		{ "\x08\x80\x00", 3 }, /* an over-long varint */
	};
	size_t nblob = CRIT_WINDOW + 100;
	uint8_t *blob = calloc(1, nblob);
	ck_assert_ptr_nonnull(blob);
	for (int big = 0; big < 2; big++) {
		for (size_t i = 0; i < sizeof(damage) / sizeof(damage[0]); i++) {
			struct pb m = { 0 };
			if (big)
				pb_len(&m, 15, blob, nblob); /* unknown: shown as hex */
			pb_bytes(&m, damage[i].bytes, damage[i].n);
			struct pb img = image(schema_magic_by_name("FS")->value, 1, &m);
			struct membuf out = { 0 };
			struct crit_err derr = { 0 }, verr = { 0 };
			ck_assert(!decode_mem(img.p, img.n, false, false, &out, &derr));
			struct view_src src = { "fs", m.p, &verr };
			struct view v = { m.p, m.p + m.n, &crit_msg_fs_entry, &src };
			uint64_t x;
			ck_assert(!view_uint(&v, "umask", &x));
			ck_assert_msg(derr.code == verr.code && strcmp(derr.msg, verr.msg) == 0,
				      "damage %zu%s: decode says %d \"%s\", view %d \"%s\"", i, big ? " streamed" : "",
				      derr.code, derr.msg, verr.code, verr.msg);
			ck_assert_uint_eq(derr.pos, verr.pos + 12); /* the header and the entry's size */
			ck_assert_uint_ge(verr.pos, big ? nblob : 0);
			membuf_free(&out);
			free(m.p);
			free(img.p);
		}
	}
	free(blob);
}
END_TEST

/* An image past CKPT_MAX_IMAGE is refused before it is read (a sparse
 * file: nothing is written). */
START_TEST(huge_image_is_refused)
{
	char dir[] = "/tmp/crit-explore-XXXXXX", path[100];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/pstree.img", dir);
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), (off_t)CKPT_MAX_IMAGE + 1), 0);
	fclose(f);
	struct membuf out;
	struct crit_err err;
	ck_assert(!explore(dir, "ps", &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_LIMIT);
	ck_assert_str_eq(err.file, path);
	ck_assert_str_eq(err.msg, "an image of 268435457 bytes, more than the 256 MiB crit x reads");
	membuf_free(&out);
	remove_dir(dir);
}
END_TEST

Suite *explore_suite(void)
{
	Suite *s = suite_create("explore");
	TCase *tc = tcase_create("explorers");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, python_crits_text);
	tcase_add_test(tc, tree_with_a_zombie);
	tcase_add_test(tc, stats_match_the_images);
	tcase_add_test(tc, damaged_images);
	tcase_add_test(tc, damaged_socket_images);
	tcase_add_test(tc, huge_image_is_refused);
	suite_add_tcase(s, tc);
	TCase *api = tcase_create("api");
	tcase_add_test(api, api_ps);
	tcase_add_test(api, api_fds);
	tcase_add_test(api, api_mems);
	tcase_add_test(api, api_mems_large);
	tcase_add_test(api, api_rss);
	tcase_add_test(api, api_sk);
	tcase_add_test(api, api_stats);
	tcase_add_test(api, view_reads_fields_in_one_walk);
	tcase_add_test(api, one_damage_one_message);
	suite_add_tcase(s, api);
	return s;
}
