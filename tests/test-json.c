/* test-json.c - the streaming JSON emitter against Python's json module.
 *
 * Every expected string below was printed by Python 3.11: json.dumps(obj)
 * or json.dumps(obj, indent=4); for byte strings, of
 * b.decode('utf-8', 'surrogateescape'), which is how CRIT's output shows
 * bytes that are not UTF-8. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A byte string literal and its length (it may hold NULs). */
#define S(lit) lit, sizeof(lit) - 1

static struct jw *w;

/* A small, odd-sized buffer, so that output crosses flushes everywhere. */
static void start(bool pretty)
{
	w = capture_start(pretty, 61);
}

static void teardown(void)
{
	capture_free();
}

/* Everything written since start(). */
static const char *output(size_t *len)
{
	ck_assert_int_eq(w->depth, 0);
	return capture_output(len);
}

static void expect(const char *want)
{
	size_t len;
	const char *got = output(&len);

	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, strlen(want));
}

/* ------------------------------------------------------------------ */
/* containers                                                           */
/* ------------------------------------------------------------------ */

/* {"name": "x\ny", "n": -5, "u": 18446744073709551615, "f": 0.5, "ok": True,
 *  "no": False, "none": None, "list": [1, [2, 3], {"k": []}, {}],
 *  "obj": {"inner": {"deep": [[]]}}, "tail": "end"} */
static void write_nested(void)
{
	jw_obj_open(w);
	jw_key(w, "name");
	jw_str(w, S("x\ny"));
	jw_key(w, "n");
	jw_i64(w, -5);
	jw_key(w, "u");
	jw_u64(w, UINT64_MAX);
	jw_key(w, "f");
	jw_double(w, 0.5);
	jw_key(w, "ok");
	jw_bool(w, true);
	jw_key(w, "no");
	jw_bool(w, false);
	jw_key(w, "none");
	jw_null(w);
	jw_key(w, "list");
	jw_arr_open(w);
	jw_u64(w, 1);
	jw_arr_open(w);
	jw_u64(w, 2);
	jw_u64(w, 3);
	jw_arr_close(w);
	jw_obj_open(w);
	jw_key(w, "k");
	jw_arr_open(w);
	jw_arr_close(w);
	jw_obj_close(w);
	jw_obj_open(w);
	jw_obj_close(w);
	jw_arr_close(w);
	jw_key(w, "obj");
	jw_obj_open(w);
	jw_key(w, "inner");
	jw_obj_open(w);
	jw_key(w, "deep");
	jw_arr_open(w);
	jw_arr_open(w);
	jw_arr_close(w);
	jw_arr_close(w);
	jw_obj_close(w);
	jw_obj_close(w);
	jw_key(w, "tail");
	jw_str(w, S("end"));
	jw_obj_close(w);
}

START_TEST(nested_compact)
{
	start(false);
	write_nested();
	/* json.dumps(obj) */
	expect("{\"name\": \"x\\ny\", \"n\": -5, \"u\": 18446744073709551615, \"f\": 0.5, "
	       "\"ok\": true, \"no\": false, \"none\": null, \"list\": [1, [2, 3], {\"k\": []}, {}], "
	       "\"obj\": {\"inner\": {\"deep\": [[]]}}, \"tail\": \"end\"}");
}
END_TEST

START_TEST(nested_pretty)
{
	start(true);
	write_nested();
	/* json.dumps(obj, indent=4) */
	expect("{\n"
	       "    \"name\": \"x\\ny\",\n"
	       "    \"n\": -5,\n"
	       "    \"u\": 18446744073709551615,\n"
	       "    \"f\": 0.5,\n"
	       "    \"ok\": true,\n"
	       "    \"no\": false,\n"
	       "    \"none\": null,\n"
	       "    \"list\": [\n"
	       "        1,\n"
	       "        [\n"
	       "            2,\n"
	       "            3\n"
	       "        ],\n"
	       "        {\n"
	       "            \"k\": []\n"
	       "        },\n"
	       "        {}\n"
	       "    ],\n"
	       "    \"obj\": {\n"
	       "        \"inner\": {\n"
	       "            \"deep\": [\n"
	       "                []\n"
	       "            ]\n"
	       "        }\n"
	       "    },\n"
	       "    \"tail\": \"end\"\n"
	       "}");
}
END_TEST

/* Empty containers, alone and nested, in both modes. */
static void write_empty_obj(void)
{
	jw_obj_open(w);
	jw_obj_close(w);
}

static void write_empty_arr(void)
{
	jw_arr_open(w);
	jw_arr_close(w);
}

static void write_empty_members(void) /* {"a": {}, "b": []} */
{
	jw_obj_open(w);
	jw_key(w, "a");
	write_empty_obj();
	jw_key(w, "b");
	write_empty_arr();
	jw_obj_close(w);
}

static void write_empty_items(void) /* [[], {}] */
{
	jw_arr_open(w);
	write_empty_arr();
	write_empty_obj();
	jw_arr_close(w);
}

static void write_empty_deep(void) /* [[[]]] */
{
	jw_arr_open(w);
	jw_arr_open(w);
	write_empty_arr();
	jw_arr_close(w);
	jw_arr_close(w);
}

static const struct {
	void (*write)(void);
	const char *compact; /* json.dumps(obj) */
	const char *pretty;  /* json.dumps(obj, indent=4) */
} empties[] = {
	{ write_empty_obj, "{}", "{}" },
	{ write_empty_arr, "[]", "[]" },
	{ write_empty_members, "{\"a\": {}, \"b\": []}", "{\n    \"a\": {},\n    \"b\": []\n}" },
	{ write_empty_items, "[[], {}]", "[\n    [],\n    {}\n]" },
	{ write_empty_deep, "[[[]]]", "[\n    [\n        []\n    ]\n]" },
};

START_TEST(empty_containers)
{
	start(false);
	empties[_i].write();
	expect(empties[_i].compact);
	start(true);
	empties[_i].write();
	expect(empties[_i].pretty);
}
END_TEST

/* ------------------------------------------------------------------ */
/* strings                                                              */
/* ------------------------------------------------------------------ */

struct str_case {
	const char *in;
	size_t len;
	const char *want; /* json.dumps(in.decode('utf-8', 'surrogateescape')) */
};

static const struct str_case escapes[] = {
	{ S("\"\\\n\r\t\b\f"), "\"\\\"\\\\\\n\\r\\t\\b\\f\"" },
	/* bytes(range(0x20)) */
	{ S("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\x0d\x0e\x0f"
	    "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f"),
	  "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
	  "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018"
	  "\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"" },
	{ S("\x7f"), "\"\\u007f\"" },
	/* bytes(range(0x20, 0x7f)) */
	{ S(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
	    "abcdefghijklmnopqrstuvwxyz{|}~"),
	  "\" !\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`"
	  "abcdefghijklmnopqrstuvwxyz{|}~\"" },
	{ S(""), "\"\"" },
	{ S("a\x00" "b"), "\"a\\u0000b\"" },
};

static const struct str_case unicode[] = {
	{ S("\xc3\xa9"), "\"\\u00e9\"" },
	{ S("\xe2\x82\xac"), "\"\\u20ac\"" },
	{ S("\xc2\x80"), "\"\\u0080\"" },
	{ S("\xdf\xbf"), "\"\\u07ff\"" },
	{ S("\xe0\xa0\x80"), "\"\\u0800\"" },
	{ S("\xef\xbf\xbf"), "\"\\uffff\"" },
	{ S("\xf0\x90\x80\x80"), "\"\\ud800\\udc00\"" },
	{ S("\xf0\x9f\x98\x80"), "\"\\ud83d\\ude00\"" },
	{ S("\xf4\x8f\xbf\xbf"), "\"\\udbff\\udfff\"" },
	{ S("na\xc3\xafve caf\xc3\xa9 \xe2\x80\x93 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\x98\x80"),
	  "\"na\\u00efve caf\\u00e9 \\u2013 \\u65e5\\u672c\\u8a9e \\ud83d\\ude00\"" },
};

static const struct str_case invalid[] = {
	/* stray continuation bytes and bytes that never start a sequence */
	{ S("\x80"), "\"\\udc80\"" },
	{ S("\xbf"), "\"\\udcbf\"" },
	{ S("\xfe"), "\"\\udcfe\"" },
	{ S("\xff"), "\"\\udcff\"" },
	/* overlong forms */
	{ S("\xc0\x80"), "\"\\udcc0\\udc80\"" },
	{ S("\xc1\xbf"), "\"\\udcc1\\udcbf\"" },
	{ S("\xe0\x80\x80"), "\"\\udce0\\udc80\\udc80\"" },
	{ S("\xe0\x9f\xbf"), "\"\\udce0\\udc9f\\udcbf\"" },
	{ S("\xf0\x80\x80\x80"), "\"\\udcf0\\udc80\\udc80\\udc80\"" },
	{ S("\xf0\x8f\xbf\xbf"), "\"\\udcf0\\udc8f\\udcbf\\udcbf\"" },
	/* UTF-16 surrogates, encoded */
	{ S("\xed\xa0\x80"), "\"\\udced\\udca0\\udc80\"" },
	{ S("\xed\xbf\xbf"), "\"\\udced\\udcbf\\udcbf\"" },
	/* past U+10FFFF */
	{ S("\xf4\x90\x80\x80"), "\"\\udcf4\\udc90\\udc80\\udc80\"" },
	{ S("\xf5\x80\x80\x80"), "\"\\udcf5\\udc80\\udc80\\udc80\"" },
	{ S("\xf8\x88\x80\x80\x80"), "\"\\udcf8\\udc88\\udc80\\udc80\\udc80\"" },
	/* truncated at the end */
	{ S("ab\xc3"), "\"ab\\udcc3\"" },
	{ S("ab\xe2\x82"), "\"ab\\udce2\\udc82\"" },
	{ S("ab\xf0\x9f\x98"), "\"ab\\udcf0\\udc9f\\udc98\"" },
	/* truncated in the middle */
	{ S("\xc3" "a"), "\"\\udcc3a\"" },
	{ S("\xe2\x82" "a"), "\"\\udce2\\udc82a\"" },
	{ S("\xf0\x9f\x98" "a"), "\"\\udcf0\\udc9f\\udc98a\"" },
	{ S("\xe2\x82\xe2\x82\xac"), "\"\\udce2\\udc82\\u20ac\"" },
	{ S("\xf0\x9f\xe2\x82\xac"), "\"\\udcf0\\udc9f\\u20ac\"" },
	{ S("\xf1\xa0\x90\xc4\x80"), "\"\\udcf1\\udca0\\udc90\\u0100\"" },
	/* everything at once */
	{ S("ok \xe2\x82\xac \xff \xf0\x9f\x98\x80 \xed\xa0\x80!"),
	  "\"ok \\u20ac \\udcff \\ud83d\\ude00 \\udced\\udca0\\udc80!\"" },
};

static void check_str(const struct str_case *c)
{
	start(false);
	jw_str(w, c->in, c->len);
	expect(c->want);
}

START_TEST(str_escapes)
{
	check_str(&escapes[_i]);
}
END_TEST

START_TEST(str_unicode)
{
	check_str(&unicode[_i]);
}
END_TEST

START_TEST(str_invalid_utf8)
{
	check_str(&invalid[_i]);
}
END_TEST

/* All string cases, one index across the tables. */
static const struct str_case *str_case_at(int i)
{
	if (i < N(escapes))
		return &escapes[i];
	i -= N(escapes);
	if (i < N(unicode))
		return &unicode[i];
	return &invalid[i - N(unicode)];
}

#define N_STR_CASES (N(escapes) + N(unicode) + N(invalid))

/* c->in through jw_str_open/chunk/close, cut at cuts[] (ascending). */
static void check_str_pieces(const struct str_case *c, const size_t *cuts, int ncuts)
{
	size_t at = 0;

	start(false);
	jw_str_open(w);
	for (int i = 0; i < ncuts; i++) {
		jw_str_chunk(w, c->in + at, cuts[i] - at);
		at = cuts[i];
	}
	jw_str_chunk(w, c->in + at, c->len - at);
	jw_str_close(w);
	const char *got = output(NULL);
	ck_assert_msg(strcmp(got, c->want) == 0, "cut at %zu, %zu (of %d): got %s, want %s",
		      ncuts > 0 ? cuts[0] : 0, ncuts > 1 ? cuts[1] : 0, ncuts, got, c->want);
}

START_TEST(str_chunked_one_cut)
{
	const struct str_case *c = str_case_at(_i);

	for (size_t a = 0; a <= c->len; a++)
		check_str_pieces(c, &a, 1);
}
END_TEST

START_TEST(str_chunked_two_cuts)
{
	const struct str_case *c = str_case_at(_i);

	for (size_t a = 0; a <= c->len; a++) {
		for (size_t b = a; b <= c->len; b++) {
			size_t cuts[2] = { a, b };
			check_str_pieces(c, cuts, 2);
		}
	}
}
END_TEST

START_TEST(str_chunked_bytewise)
{
	const struct str_case *c = str_case_at(_i);
	size_t cuts[128];
	int n = 0;

	ck_assert_uint_lt(c->len, N(cuts));
	for (size_t a = 1; a < c->len; a++)
		cuts[n++] = a;
	check_str_pieces(c, cuts, n);
}
END_TEST

/* Chunked strings take their place among other values like jw_str. */
START_TEST(str_chunked_in_containers)
{
	start(false);
	jw_obj_open(w);
	jw_key(w, "a");
	jw_str_open(w);
	jw_str_chunk(w, S("x\xe2"));
	jw_str_chunk(w, S("\x82"));
	jw_str_chunk(w, S("\xac" "y"));
	jw_str_close(w);
	jw_key(w, "b");
	jw_arr_open(w);
	jw_str_open(w);
	jw_str_close(w);
	jw_str_open(w);
	jw_str_chunk(w, S("\xf0\x9f"));
	jw_str_close(w);
	jw_arr_close(w);
	jw_obj_close(w);
	/* json.dumps({"a": "x\u20acy", "b": ["", b"\xf0\x9f".decode("utf-8", "surrogateescape")]}) */
	expect("{\"a\": \"x\\u20acy\", \"b\": [\"\", \"\\udcf0\\udc9f\"]}");
}
END_TEST

/* A long string, whole and in odd pieces:
 * json.dumps("\u00e9" * 30000) == '"' + "\\u00e9" * 30000 + '"' */
START_TEST(str_long)
{
	enum { REPS = 30000 };
	size_t len = 2 * REPS;
	char *in = malloc(len), *want = malloc(6 * REPS + 3);

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(want);
	want[0] = '"';
	for (size_t i = 0; i < REPS; i++) {
		memcpy(in + 2 * i, "\xc3\xa9", 2);
		memcpy(want + 1 + 6 * i, "\\u00e9", 6);
	}
	memcpy(want + 1 + 6 * REPS, "\"", 2);

	start(false);
	jw_str(w, in, len);
	expect(want);

	start(false);
	jw_str_open(w);
	for (size_t at = 0; at < len; at += 4097)
		jw_str_chunk(w, in + at, len - at < 4097 ? len - at : 4097);
	jw_str_close(w);
	expect(want);
	free(in);
	free(want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* numbers                                                              */
/* ------------------------------------------------------------------ */

START_TEST(int_extremes)
{
	start(false);
	jw_i64(w, INT64_MIN);
	expect("-9223372036854775808"); /* json.dumps(-2**63) */

	start(false);
	jw_u64(w, UINT64_MAX);
	expect("18446744073709551615"); /* json.dumps(2**64 - 1) */

	start(false);
	jw_arr_open(w);
	jw_i64(w, INT64_MIN);
	jw_u64(w, UINT64_MAX);
	jw_i64(w, 0);
	jw_i64(w, -1);
	jw_i64(w, INT64_MAX);
	jw_arr_close(w);
	/* json.dumps([-2**63, 2**64 - 1, 0, -1, 2**63 - 1]) */
	expect("[-9223372036854775808, 18446744073709551615, 0, -1, 9223372036854775807]");
}
END_TEST

START_TEST(int_negative_pretty)
{
	start(true);
	jw_obj_open(w);
	jw_key(w, "min");
	jw_i64(w, INT64_MIN);
	jw_key(w, "max");
	jw_u64(w, UINT64_MAX);
	jw_key(w, "neg");
	jw_i64(w, -1);
	jw_obj_close(w);
	/* json.dumps({"min": -2**63, "max": 2**64 - 1, "neg": -1}, indent=4) */
	expect("{\n"
	       "    \"min\": -9223372036854775808,\n"
	       "    \"max\": 18446744073709551615,\n"
	       "    \"neg\": -1\n"
	       "}");

	start(true);
	jw_arr_open(w);
	jw_i64(w, -1);
	jw_i64(w, -2);
	jw_arr_close(w);
	expect("[\n    -1,\n    -2\n]"); /* json.dumps([-1, -2], indent=4) */
}
END_TEST

static const struct {
	double v;
	const char *want; /* json.dumps(v), i.e. repr(v) but for inf and nan */
} doubles[] = {
	{ 0.0, "0.0" },
	{ -0.0, "-0.0" },
	{ 1.0, "1.0" },
	{ 0.1, "0.1" },
	{ 1e16, "1e+16" },
	{ 1e-5, "1e-05" },
	{ 1e-4, "0.0001" },
	{ 123456789.125, "123456789.125" },
	{ 5e-324, "5e-324" },
	{ 1.7976931348623157e308, "1.7976931348623157e+308" },
	{ INFINITY, "Infinity" },
	{ -INFINITY, "-Infinity" },
	{ NAN, "NaN" },
	{ -2.5, "-2.5" },
	{ 1e15, "1000000000000000.0" },
	{ 9999999999999998.0, "9999999999999998.0" },
	{ 0.30000000000000004, "0.30000000000000004" },
	{ 1e22, "1e+22" },
	{ 1.5e300, "1.5e+300" },
	{ 2.2250738585072014e-308, "2.2250738585072014e-308" },
	/* Powers of two, where the gap below is half the gap above: the
	 * shortest repr is not the correctly rounded 16 digits (those would
	 * read back as another double). json.dumps(2.0**-24) and so on. */
	{ 0x1p-24, "5.960464477539063e-08" },
	{ 0x1p-44, "5.684341886080802e-14" },
	{ 0x1p89, "6.189700196426902e+26" },
	{ 0x1p-1017, "7.120236347223045e-307" },
	{ 0x1p976, "6.386688990511104e+293" },
};

START_TEST(double_repr)
{
	start(false);
	jw_double(w, doubles[_i].v);
	expect(doubles[_i].want);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("json");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, nested_compact);
	tcase_add_test(tc, nested_pretty);
	tcase_add_loop_test(tc, empty_containers, 0, N(empties));
	tcase_add_loop_test(tc, str_escapes, 0, N(escapes));
	tcase_add_loop_test(tc, str_unicode, 0, N(unicode));
	tcase_add_loop_test(tc, str_invalid_utf8, 0, N(invalid));
	tcase_add_loop_test(tc, str_chunked_one_cut, 0, N_STR_CASES);
	tcase_add_loop_test(tc, str_chunked_two_cuts, 0, N_STR_CASES);
	tcase_add_loop_test(tc, str_chunked_bytewise, 0, N_STR_CASES);
	tcase_add_test(tc, str_chunked_in_containers);
	tcase_add_test(tc, str_long);
	tcase_add_test(tc, int_extremes);
	tcase_add_test(tc, int_negative_pretty);
	tcase_add_loop_test(tc, double_repr, 0, N(doubles));
	suite_add_tcase(s, tc);
	return s;
}
