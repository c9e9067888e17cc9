/*
 * test-explore.c - crit x: Python CRIT's explorer text byte for byte on
 * every fixture it worked on; the tree fixture (a zombie, a stopped task)
 * listed in full; damaged checkpoints refused with the image named, never
 * a crash.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt.h"
#include "tests.h"

static const char *const whats[] = { "ps", "fds", "mems", "rss", "stats" };

static bool explore(const char *dir, const char *what, struct membuf *out, struct crit_err *err)
{
	*out = (struct membuf){ 0 };
	return crit_explore(dir, what, membuf_sink(out), err);
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

	for (int w = 1; w < 4; w++) {
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

/* The value of "key": N in JSON text, or -1. */
static long long json_number(const char *json, const char *key)
{
	char k[80];
	snprintf(k, sizeof(k), "\"%s\": ", key);
	const char *p = strstr(json, k);
	return p ? atoll(p + strlen(k)) : -1;
}

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
			long long v = json_number(json.data, lines[i].field);
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

/* Cut and flipped images: an error naming the image, or a listing;
 * never a crash or a read past the image (ASan in make check SAN=1). */
START_TEST(damaged_images)
{
	char dir[] = "/tmp/crit-explore-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char ck[600];
	snprintf(ck, sizeof(ck), "%s/ck", dir);
	copy_dir("fixtures/loop", ck);

	static const char *const images[] = { "pstree.img", "core-21663.img", "ids-21663.img", "fdinfo-2.img",
					      "files.img", "fs-21663.img", "mm-21663.img", "pagemap-21663.img" };
	srand(7);
	for (size_t i = 0; i < sizeof(images) / sizeof(images[0]); i++) {
		char src[300], dst[700];
		size_t len;
		snprintf(src, sizeof(src), "fixtures/loop/%s", images[i]);
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
			for (int w = 0; w < 5; w++) {
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

	/* A cut pstree: the image and the offset are named. */
	size_t len;
	char *orig = slurp("fixtures/loop/pstree.img", &len), path[700];
	snprintf(path, sizeof(path), "%s/pstree.img", ck);
	write_file(path, orig, len - 3);
	struct membuf out;
	struct crit_err err;
	ck_assert(!explore(ck, "ps", &out, &err));
	ck_assert_str_eq(err.file, path);
	ck_assert_int_eq(err.code, CRIT_E_TRUNCATED);
	membuf_free(&out);
	free(orig);
	remove_dir(ck);
	rmdir(dir);
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
	tcase_add_test(tc, huge_image_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
