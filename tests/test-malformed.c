/*
 * test-malformed.c - hostile input: every fixture image cut at many
 * offsets, with bytes flipped, and randomly mutated. Nothing may crash
 * (Check runs each test in its own process and reports a signal as an
 * error; `make check SAN=1` adds ASan+UBSan); every failure must be a
 * clear error with an offset inside the input.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

struct img {
	char path[600];
	char magic[48];
	uint8_t *data;
	size_t len;
};

#define MAX_IMAGES 400

/* The images Python CRIT decodes: those with a ref/X.decode.json. */
static int load_images(struct img *imgs)
{
	int n = 0;
	DIR *top = opendir("fixtures");
	ck_assert_msg(top != NULL, "run the tests from the repository root");
	for (struct dirent *f; (f = readdir(top));) {
		if (f->d_name[0] == '.')
			continue;
		char refdir[300];
		snprintf(refdir, sizeof(refdir), "fixtures/%s/ref", f->d_name);
		DIR *d = opendir(refdir);
		if (!d)
			continue;
		for (struct dirent *e; (e = readdir(d)) && n < MAX_IMAGES;) {
			const char *suffix = ".decode.json";
			size_t l = strlen(e->d_name), sl = strlen(suffix);
			if (l <= sl || strcmp(e->d_name + l - sl, suffix) != 0)
				continue;
			struct img *im = &imgs[n];
			snprintf(im->path, sizeof(im->path), "fixtures/%s/%.*s", f->d_name, (int)(l - sl), e->d_name);
			im->data = (uint8_t *)slurp(im->path, &im->len);
			ck_assert_ptr_nonnull(im->data);
			char ref[700];
			size_t rl;
			snprintf(ref, sizeof(ref), "%s/%s", refdir, e->d_name);
			char *j = slurp(ref, &rl);
			ck_assert_ptr_nonnull(j);
			sscanf(strstr(j, "\"magic\": \"") + 10, "%47[A-Z0-9_]", im->magic);
			free(j);
			n++;
		}
		closedir(d);
	}
	closedir(top);
	return n;
}

static void free_images(struct img *imgs, int n)
{
	for (int i = 0; i < n; i++)
		free(imgs[i].data);
}

/* Decode in both modes; a failure must be a real error within the input. */
static bool try_decode(const char *what, const uint8_t *data, size_t len, size_t limit)
{
	bool all_ok = true;
	for (int pretty = 0; pretty < 2; pretty++) {
		struct membuf out = { 0 };
		struct crit_err err;
		bool ok = decode_mem(data, len, pretty, false, &out, &err);
		if (!ok) {
			ck_assert_msg(err.code != CRIT_OK && err.msg[0], "%s: failed without an error", what);
			ck_assert_msg(err.pos <= limit, "%s: error offset %llu past %zu (%s)", what,
				      (unsigned long long)err.pos, limit, err.msg);
		}
		all_ok = all_ok && ok;
		membuf_free(&out);
	}
	return all_ok;
}

/* Where the entries of an image without payloads end, walked here
 * independently of the library: the magics, then u32 sizes. */
static bool is_boundary(const struct img *im, size_t k)
{
	size_t p = strcmp(im->magic, "INVENTORY") == 0 ? 4 : 8;
	while (p < k && p + 4 <= im->len)
		p += 4 + ((size_t)im->data[p] | (size_t)im->data[p + 1] << 8 |
			  (size_t)im->data[p + 2] << 16 | (size_t)im->data[p + 3] << 24);
	return p == k;
}

static bool framed_plainly(const struct img *im)
{
	static const char *const payload[] = { "SK_QUEUES", "TCP_STREAM", "PIPES_DATA", "FIFO_DATA",
					       "BPFMAP_DATA", "IPCNS_SHM", "IPCNS_SEM", "IPCNS_MSG",
					       "GHOST_FILE" };
	for (size_t i = 0; i < sizeof(payload) / sizeof(payload[0]); i++)
		if (strcmp(im->magic, payload[i]) == 0)
			return false;
	return true;
}

/* Offsets to try: all of a small image, a spread over a large one. */
static size_t step_for(size_t len)
{
	return len <= 600 ? 1 : len / 600 + 1;
}

START_TEST(truncated_anywhere)
{
	static struct img imgs[MAX_IMAGES];
	int n = load_images(imgs);
	long cuts = 0;

	ck_assert_int_ge(n, 195);
	for (int i = 0; i < n; i++) {
		struct img *im = &imgs[i];
		for (size_t k = 0; k < im->len; k += step_for(im->len)) {
			char what[700];
			snprintf(what, sizeof(what), "%.500s cut at %zu", im->path, k);
			/* a copy of exactly k bytes, so any over-read is ASan's to see */
			uint8_t *cut = malloc(k ? k : 1);
			memcpy(cut, im->data, k);
			bool ok = try_decode(what, cut, k, k);
			free(cut);
			cuts++;
			if (framed_plainly(im) && k >= 8)
				ck_assert_msg(ok == is_boundary(im, k), "%s: %s", what,
					      ok ? "decoded a cut entry" : "refused a whole entry");
		}
	}
	ck_assert_int_gt(cuts, 10000);
	free_images(imgs, n);
}
END_TEST

START_TEST(bytes_flipped)
{
	static struct img imgs[MAX_IMAGES];
	int n = load_images(imgs);
	static const uint8_t masks[] = { 0xff, 0x80, 0x01 };

	for (int i = 0; i < n; i++) {
		struct img *im = &imgs[i];
		uint8_t *copy = malloc(im->len);
		for (size_t k = 0; k < im->len; k += step_for(im->len)) {
			for (size_t m = 0; m < sizeof(masks); m++) {
				char what[700];
				memcpy(copy, im->data, im->len);
				copy[k] ^= masks[m];
				snprintf(what, sizeof(what), "%.500s byte %zu ^ 0x%02x", im->path, k, masks[m]);
				try_decode(what, copy, im->len, im->len);
			}
		}
		free(copy);
	}
	free_images(imgs, n);
}
END_TEST

/* Several random changes at once, from a fixed seed so failures repeat. */
START_TEST(randomly_mutated)
{
	static struct img imgs[MAX_IMAGES];
	int n = load_images(imgs);
	uint64_t s = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 20000; round++) {
		s ^= s << 13, s ^= s >> 7, s ^= s << 17;
		struct img *im = &imgs[s % (uint64_t)n];
		uint8_t *copy = malloc(im->len + 1);
		memcpy(copy, im->data, im->len);
		int changes = 1 + (int)((s >> 20) % 8);
		for (int c = 0; c < changes && im->len; c++) {
			s ^= s << 13, s ^= s >> 7, s ^= s << 17;
			copy[s % im->len] = (uint8_t)(s >> 40);
		}
		char what[700];
		snprintf(what, sizeof(what), "%.500s mutation round %d", im->path, round);
		try_decode(what, copy, im->len, im->len);
		free(copy);
	}
	free_images(imgs, n);
}
END_TEST

Suite *malformed_suite(void)
{
	Suite *s = suite_create("malformed");
	TCase *tc = tcase_create("hostile images");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, truncated_anywhere);
	tcase_add_test(tc, bytes_flipped);
	tcase_add_test(tc, randomly_mutated);
	suite_add_tcase(s, tc);
	return s;
}
