/*
 * test-api.c - the public interface as a C program meets it: sources said
 * explicitly (a zeroed one is refused, not stdin), NULL options, codes by
 * name, the version, and the terminal escaping every text view shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

static const char fs_img[] = "fixtures/loop/fs-21663.img";
static const char fs_json[] = "{\"magic\": \"FS\", \"entries\": [{\"cwd_id\": 6, \"root_id\": 7, \"umask\": 18}]}";

static bool decode_src(const struct crit_source *src, struct membuf *out, struct crit_err *err)
{
	return crit_decode(src, membuf_sink(out), NULL, err);
}

START_TEST(a_zeroed_source_is_refused)
{
	struct crit_source src = { 0 };
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_src(&src, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_USAGE);
	ck_assert_uint_eq(err.pos, CRIT_NOPOS);
	ck_assert_msg(strstr(err.msg, "needs its kind"), "%s", err.msg);
	ck_assert_uint_eq(out.len, 0);
	membuf_free(&out);
}
END_TEST

START_TEST(a_path_source_is_opened_and_closed)
{
	struct crit_source src = { .kind = CRIT_SOURCE_PATH, .path = fs_img };
	struct membuf out = { 0 };
	struct crit_err err;

	/* many times over: a leaked descriptor would run out */
	for (int i = 0; i < 2000; i++) {
		out.len = 0;
		ck_assert_msg(decode_src(&src, &out, &err), "%s", err.msg);
	}
	ck_assert_str_eq(out.data, fs_json);
	membuf_free(&out);

	src.path = "fixtures/no-such.img";
	ck_assert(!decode_src(&src, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_IO);
	ck_assert_uint_eq(err.pos, CRIT_NOPOS);
	ck_assert_msg(strstr(err.msg, "fixtures/no-such.img"), "%s", err.msg);
	membuf_free(&out);
}
END_TEST

START_TEST(a_buffer_source_at_null)
{
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = NULL, .size = 5 };
	struct membuf out = { 0 };
	struct crit_err err;
	struct crit_info info;

	ck_assert(!decode_src(&src, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_USAGE);
	src.size = 0; /* nothing at all: an empty image */
	ck_assert(!crit_info(&src, &info, &err));
	ck_assert_int_eq(err.code, CRIT_E_TRUNCATED);
	ck_assert_msg(strstr(err.msg, "empty image"), "%s", err.msg);
	membuf_free(&out);
}
END_TEST

START_TEST(codes_have_names)
{
	ck_assert_str_eq(crit_code_name(CRIT_OK), "CRIT_OK");
	ck_assert_str_eq(crit_code_name(CRIT_E_TRUNCATED), "CRIT_E_TRUNCATED");
	ck_assert_str_eq(crit_code_name(CRIT_E_WRITE), "CRIT_E_WRITE");
	for (int c = CRIT_OK; c <= CRIT_E_ABSENT; c++) {
		ck_assert_msg(strncmp(crit_code_name((enum crit_code)c), "CRIT_", 5) == 0, "code %d", c);
		ck_assert_msg(strcmp(crit_code_name((enum crit_code)c), "CRIT_E_?") != 0, "code %d", c);
		ck_assert_msg(crit_strerror((enum crit_code)c)[0], "code %d", c);
	}
	ck_assert_str_eq(crit_code_name((enum crit_code)(CRIT_E_ABSENT + 1)), "CRIT_E_?");
	ck_assert_str_eq(crit_strerror((enum crit_code)-1), "unknown error");
	ck_assert_str_eq(crit_version(), CRIT_VERSION);
}
END_TEST

static void expect_escape(const char *in, size_t n, const char *want)
{
	char buf[256];

	ck_assert_uint_eq(crit_escape(buf, sizeof(buf), in, n), strlen(want));
	ck_assert_str_eq(buf, want);
}

START_TEST(escaping_for_a_terminal)
{
	expect_escape("plain name", 10, "plain name");
	expect_escape("\x1b]0;x\x07", 6, "\\e]0;x\\a");
	expect_escape("a\r\nb\t\b\f\v", 8, "a\\r\\nb\\t\\b\\f\\v");
	expect_escape("nul\0end", 7, "nul\\0end");
	expect_escape("\x7f\x01", 2, "\\x7f\\x01");
	expect_escape("back\\slash", 10, "back\\\\slash");
	/* C1 as a byte (not UTF-8) and as a code point */
	expect_escape("\x9b" "2J", 3, "\\x9b2J");
	expect_escape("\xc2\x9b", 2, "\\u009b");
	/* UTF-8 stays, bidi controls do not, a cut sequence is bytes */
	expect_escape("caf\xc3\xa9", 5, "caf\xc3\xa9");
	expect_escape("\xe2\x80\xae" "txt", 6, "\\u202etxt");
	expect_escape("\xe2\x80", 2, "\\xe2\\x80");
	/* like snprintf: cut to the room, the whole length returned */
	char small[4];
	ck_assert_uint_eq(crit_escape(small, sizeof(small), "\x1b\x1b", 2), 4);
	ck_assert_str_eq(small, "\\e\\");
	ck_assert_uint_eq(crit_escape(NULL, 0, "\x1b", 1), 2);
}
END_TEST

Suite *api_suite(void)
{
	Suite *s = suite_create("api");
	TCase *tc = tcase_create("public");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, a_zeroed_source_is_refused);
	tcase_add_test(tc, a_path_source_is_opened_and_closed);
	tcase_add_test(tc, a_buffer_source_at_null);
	tcase_add_test(tc, codes_have_names);
	tcase_add_test(tc, escaping_for_a_terminal);
	suite_add_tcase(s, tc);
	return s;
}
