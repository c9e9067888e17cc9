/*
 * test-image.c - image framing: magics, entry sizes, payloads, the
 * handlers beyond Python CRIT's, and reading a pipe that cannot seek.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests.h"

static void expect_fail(const void *img, size_t len, enum crit_code code, uint64_t pos, const char *needle)
{
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_mem(img, len, false, false, &out, &err));
	ck_assert_int_eq(err.code, code);
	ck_assert_uint_eq(err.pos, pos);
	ck_assert_msg(strstr(err.msg, needle), "'%s' lacks '%s'", err.msg, needle);
	membuf_free(&out);
}

static void expect_ok(const void *img, size_t len, const char *want)
{
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert_msg(decode_mem(img, len, false, false, &out, &err), "%s", err.msg);
	ck_assert_str_eq(out.data, want);
	membuf_free(&out);
}

START_TEST(empty_and_short_inputs)
{
	expect_fail("", 0, CRIT_E_TRUNCATED, 0, "empty image");
	expect_fail("\x19\x43", 2, CRIT_E_TRUNCATED, 0, "truncated magic");
	expect_fail("\x19\x43\x56\x54\x09", 5, CRIT_E_TRUNCATED, 4, "truncated magic");
}
END_TEST

/* Raw images carry no magic: CRIT's hint says so. */
START_TEST(raw_images_get_crits_hint)
{
	static const char hint[] = "Maybe you are feeding me an image with raw data(i.e. pages.img)?";
	expect_fail("\x22\x49\x35\x47 ", 5, CRIT_E_RAW, 0, hint);
	expect_fail("\x1f\x8b\x08\x00", 4, CRIT_E_RAW, 0, "gzip data (a tmpfs tarball?)");
	expect_fail("\x00\x00\x00\x00", 4, CRIT_E_RAW, 0, "unknown magic 0x0.");
	/* behind IMG_COMMON an unknown magic is just that */
	expect_fail("\x19\x43\x56\x54\x01\x02\x03\x04", 8, CRIT_E_MAGIC, 4, "unknown magic 0x4030201");
}
END_TEST

START_TEST(entry_framing)
{
	/* inventory has no IMG_COMMON: its magic comes first */
	expect_ok("\x16\x31\x31\x58", 4, "{\"magic\": \"INVENTORY\", \"entries\": []}");
	/* stats come behind IMG_SERVICE */
	expect_ok("\x40\x59\x10\x55\x06\x33\x09\x57", 8, "{\"magic\": \"STATS\", \"entries\": []}");
	/* a size cut short, and an entry longer than what is left */
	expect_fail("\x16\x31\x31\x58\x02\x00", 6, CRIT_E_TRUNCATED, 4, "truncated entry");
	/* named at its size, as info and crit x name it */
	expect_fail("\x16\x31\x31\x58\x09\x00\x00\x00\x08\x02", 10, CRIT_E_TRUNCATED, 4, "an entry of 9 bytes, 2 left");
}
END_TEST

/* An alias (SHMEM_PAGEMAP = PAGEMAP) shows the name CRIT shows. The head
 * entry of a pagemap is a pagemap_head, the rest pagemap_entry. */
START_TEST(pagemap_head_then_entries)
{
	struct pb msgs[2] = { { 0 }, { 0 } };
	pb_uint(&msgs[0], 1, 7);
	pb_uint(&msgs[1], 1, 0x1000);
	pb_uint(&msgs[1], 2, 1);
	pb_uint(&msgs[1], 4, 4);
	struct pb img = image(0x56084025u, 2, msgs);
	expect_ok(img.p, img.n,
		  "{\"magic\": \"PAGEMAP\", \"entries\": [{\"pages_id\": 7}, "
		  "{\"vaddr\": 4096, \"compat_nr_pages\": 1, \"flags\": 4}]}");
	free(msgs[0].p);
	free(msgs[1].p);
	free(img.p);
}
END_TEST

/* Magics CRIT has no handler for are decoded too. */
START_TEST(images_crit_cannot_read)
{
	struct pb m = { 0 }, fown = { 0 };
	for (uint32_t f = 1; f <= 5; f++) /* fown_entry: uid, euid, signum, pid_type, pid */
		pb_uint(&fown, f, 0);
	pb_uint(&m, 1, 42); /* pidfd_entry: id, ino, flags, nspid, fown */
	pb_uint(&m, 2, 7);
	pb_uint(&m, 3, 0);
	pb_uint(&m, 4, 1);
	pb_len(&m, 5, fown.p, fown.n);
	struct pb img = image(0x54435556u, 1, &m);
	struct membuf out = { 0 };
	struct crit_err err;
	ck_assert_msg(decode_mem(img.p, img.n, false, false, &out, &err), "%s", err.msg);
	ck_assert_str_eq(out.data, "{\"magic\": \"PIDFD\", \"entries\": [{\"id\": 42, \"ino\": 7, \"flags\": 0, "
				   "\"nspid\": 1, \"fown\": {\"uid\": 0, \"euid\": 0, \"signum\": 0, "
				   "\"pid_type\": 0, \"pid\": 0}}]}");
	membuf_free(&out);
	free(img.p);

	img = image(0x59255647u, 0, NULL);
	expect_ok(img.p, img.n, "{\"magic\": \"SIGNAL\", \"entries\": []}");
	free(img.p);
	img = image(0x67343323u, 0, NULL);
	expect_ok(img.p, img.n, "{\"magic\": \"BINFMT_MISC\", \"entries\": []}");
	free(img.p);
	free(m.p);
	free(fown.p);
}
END_TEST

START_TEST(payload_cut_short)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 1);
	pb_uint(&m, 2, 10); /* 10 bytes of pipe data follow */
	struct pb img = image(0x56453709u, 1, &m);
	pb_bytes(&img, "abc", 3);
	expect_fail(img.p, img.n, CRIT_E_TRUNCATED, 16, "truncated payload");
	free(m.p);
	free(img.p);
}
END_TEST

/* A message queue ends with its qnum-th message: one cut short by the
 * end of the image is a truncated payload, as CRIT would not say. */
START_TEST(message_queue_cut_short)
{
	struct pb desc = { 0 }, m = { 0 }, msg = { 0 };
	for (uint32_t f = 1; f <= 7; f++)
		pb_uint(&desc, f, 0);
	pb_len(&m, 1, desc.p, desc.n);
	pb_uint(&m, 2, 16384);
	pb_uint(&m, 3, 2); /* two messages */
	pb_uint(&msg, 1, 1);
	pb_uint(&msg, 2, 3);
	struct pb img = image(0x55453737u, 1, &m);
	pb_u32le(&img, (uint32_t)msg.n);
	pb_bytes(&img, msg.p, msg.n);
	pb_bytes(&img, "abc\0\0\0\0\0", 8);
	expect_fail(img.p, img.n, CRIT_E_TRUNCATED, img.n, "truncated message queue: 1 of its 2 messages");
	free(desc.p);
	free(m.p);
	free(msg.p);
	free(img.p);
}
END_TEST

/* The magic before an image's own is the one CRIU writes there: a
 * different one would not come back from encode (docs/compat.md). */
START_TEST(image_kind_as_criu_writes_it)
{
#define IMG(lit) lit, sizeof(lit) - 1
	static const struct {
		const char *img;
		size_t len;
		const char *msg; /* NULL: decodes */
	} kinds[] = {
		{ IMG("\x16\x31\x31\x58"), NULL }, /* INVENTORY */
		{ IMG("\x19\x43\x56\x54\x16\x31\x31\x58"),
		  "IMG_COMMON before the INVENTORY magic, where CRIU writes nothing" },
		{ IMG("\x40\x59\x10\x55\x06\x33\x09\x57"), NULL }, /* STATS */
		{ IMG("\x19\x43\x56\x54\x06\x33\x09\x57"),
		  "IMG_COMMON before the STATS magic, where CRIU writes IMG_SERVICE" },
		{ IMG("\x19\x43\x56\x54\x38\x31\x30\x56"), NULL }, /* FILES */
		{ IMG("\x40\x59\x10\x55\x38\x31\x30\x56"),
		  "IMG_SERVICE before the FILES magic, where CRIU writes IMG_COMMON" },
		{ IMG("\x38\x31\x30\x56"), "nothing before the FILES magic, where CRIU writes IMG_COMMON" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct membuf out = { 0 };
		struct crit_err err;
		bool ok = decode_mem(kinds[i].img, kinds[i].len, false, false, &out, &err);
		ck_assert_msg(ok == !kinds[i].msg, "%zu: %s", i, err.msg);
		if (!ok) {
			ck_assert_int_eq(err.code, CRIT_E_NONCANON);
			ck_assert_uint_eq(err.pos, 0);
			ck_assert_str_eq(err.msg, kinds[i].msg);
		}
		membuf_free(&out);
	}
}
END_TEST

/* --nopl sizes, as CRIT's human_readable() prints them. */
START_TEST(nopl_sizes)
{
	static const struct {
		uint32_t bytes;
		const char *shown;
	} cases[] = {
		{ 0, "0B" }, { 1023, "1023B" }, { 1024, "1KB" }, { 1536, "1.5KB" },
		{ 1048576, "1MB" }, { 1100000, "1.0MB" }, { 5000000, "4.8MB" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pb m = { 0 };
		pb_uint(&m, 1, 1);
		pb_uint(&m, 2, cases[i].bytes);
		struct pb img = image(0x56453709u, 1, &m);
		uint8_t *big = calloc(1, img.n + cases[i].bytes);
		memcpy(big, img.p, img.n);
		struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = big, .size = img.n + cases[i].bytes };
		struct crit_decode_opts o = { .pretty = true, .nopl = true };
		struct membuf out = { 0 };
		struct crit_err err;
		ck_assert_msg(crit_decode(&src, membuf_sink(&out), &o, &err), "%s", err.msg);
		char want[64];
		snprintf(want, sizeof(want), "\"extra\": \"... <%s>\"", cases[i].shown);
		ck_assert_msg(strstr(out.data, want), "%u bytes: no %s in %s", cases[i].bytes, want, out.data);
		membuf_free(&out);
		free(big);
		free(m.p);
		free(img.p);
	}
}
END_TEST

/* A pipe gives the same JSON as a buffer: the input is never seeked. */
START_TEST(reads_a_pipe)
{
	size_t len;
	char *img = slurp("fixtures/sockets/tcp-stream-2aa6f.img", &len);
	ck_assert_ptr_nonnull(img);
	int fd;
	pid_t pid = pipe_writer(img, len, true, &fd);
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
	struct crit_decode_opts o = { .pretty = false };
	struct membuf from_pipe = { 0 }, from_mem = { 0 };
	struct crit_err err;
	ck_assert_msg(crit_decode(&src, membuf_sink(&from_pipe), &o, &err), "%s", err.msg);
	writer_done(pid, fd);
	ck_assert(decode_mem(img, len, false, false, &from_mem, &err));
	ck_assert_str_eq(from_pipe.data, from_mem.data);
	membuf_free(&from_pipe);
	membuf_free(&from_mem);
	free(img);
}
END_TEST

Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("framing");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, empty_and_short_inputs);
	tcase_add_test(tc, raw_images_get_crits_hint);
	tcase_add_test(tc, entry_framing);
	tcase_add_test(tc, pagemap_head_then_entries);
	tcase_add_test(tc, images_crit_cannot_read);
	tcase_add_test(tc, payload_cut_short);
	tcase_add_test(tc, message_queue_cut_short);
	tcase_add_test(tc, image_kind_as_criu_writes_it);
	tcase_add_test(tc, nopl_sizes);
	tcase_add_test(tc, reads_a_pipe);
	suite_add_tcase(s, tc);
	return s;
}
