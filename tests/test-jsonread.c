/*
 * test-jsonread.c - the JSON reader that crit encode reads with: every
 * kind of value, every escape, the grammar's corners and Python's
 * extensions, each error's message, line:col and path, truncation, depth
 * and size limits, pipes, binary input, and a walk of every real
 * `crit decode` output in fixtures/ that must reproduce it byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jsonread.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A byte string literal and its length (it may hold NULs). */
#define S(lit) lit, sizeof(lit) - 1

static const char NOTJSON[] = "Cannot read JSON. Maybe you are feeding me an image with protobuf data? "
			      "Encode expects JSON input.";

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

/* A reader over an in-memory document. The input is copied to a heap
 * block of exactly its size, so ASan catches any read past the end. */
struct doc {
	struct rd rd;
	struct jr r;
	struct arena a;
	struct crit_err err;
	char *copy;
};

static void doc_open(struct doc *d, const char *s, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->copy = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(d->copy);
	if (n)
		memcpy(d->copy, s, n);
	struct crit_source src = { .fd = -1, .data = d->copy, .size = n };
	ck_assert(rd_open(&d->rd, &src, &d->err));
	jr_init(&d->r, &d->rd, &d->err);
	arena_init(&d->a);
}

static void doc_close(struct doc *d)
{
	rd_close(&d->rd);
	arena_free(&d->a);
	free(d->copy);
}

/* One whole value, then the end of the input. */
static bool doc_parse(struct doc *d, const char *s, size_t n, struct jv **v)
{
	doc_open(d, s, n);
	return jr_value(&d->r, &d->a, v) && jr_end(&d->r);
}

/* s parses; the value is in d until doc_close. */
static struct jv *parses(struct doc *d, const char *s, size_t n)
{
	struct jv *v;

	ck_assert_msg(doc_parse(d, s, n, &v), "'%.*s': %u:%u %s", (int)n, s, d->err.line, d->err.col,
		      d->err.msg);
	ck_assert_ptr_nonnull(v);
	return v;
}

/* s fails with exactly this code, line:col and message. */
static void fails_at(const char *s, size_t n, enum crit_code code, uint32_t line, uint32_t col, const char *msg,
		     int at)
{
	struct doc d;
	struct jv *v;

	ck_assert_msg(!doc_parse(&d, s, n, &v), "line %d: '%.*s' accepted", at, (int)n, s);
	ck_assert_msg(d.err.code == code && d.err.line == line && d.err.col == col && strcmp(d.err.msg, msg) == 0,
		      "line %d: '%.*s': got %d %u:%u '%s', want %d %u:%u '%s'", at, (int)n, s, d.err.code,
		      d.err.line, d.err.col, d.err.msg, code, line, col, msg);
	doc_close(&d);
}

#define FAILS(lit, code, line, col, msg) fails_at(S(lit), code, line, col, msg, __LINE__)

static void str_is(const struct jv *v, const char *want, size_t n)
{
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JV_STRING);
	ck_assert_uint_eq(v->len, n);
	ck_assert_msg(memcmp(v->str, want, n) == 0, "string differs: '%.*s'", (int)v->len, v->str);
	ck_assert_int_eq(v->str[n], 0);
}

static void num_is(const struct jv *v, const char *want)
{
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JV_NUMBER);
	ck_assert_str_eq(v->str, want);
	ck_assert_uint_eq(v->len, strlen(want));
}

static const struct jv *child(const struct jv *v, uint32_t i)
{
	ck_assert_uint_lt(i, v->n);
	const struct jv *c = v->first;
	while (i--)
		c = c->next;
	return c;
}

/* ------------------------------------------------------------------ */
/* values                                                               */
/* ------------------------------------------------------------------ */

START_TEST(every_kind_of_value)
{
	struct doc d;
	const struct jv *v = parses(&d, S("{\"a\": [1, -2.5e3, \"x\", true, false, null, {}, []], "
					  "\"b\": {\"c\": {\"d\": \"e\"}}, \"\": 0}"));

	ck_assert_int_eq(v->type, JV_OBJECT);
	ck_assert_uint_eq(v->n, 3);
	ck_assert_uint_eq(v->line, 1);
	ck_assert_uint_eq(v->col, 1);
	ck_assert_ptr_null(v->key);

	const struct jv *a = child(v, 0);
	ck_assert_str_eq(a->key, "a");
	ck_assert_uint_eq(a->keylen, 1);
	ck_assert_int_eq(a->type, JV_ARRAY);
	ck_assert_uint_eq(a->n, 8);
	ck_assert_uint_eq(a->col, 7);
	num_is(child(a, 0), "1");
	ck_assert_uint_eq(child(a, 0)->col, 8);
	ck_assert_ptr_null(child(a, 0)->key);
	num_is(child(a, 1), "-2.5e3");
	ck_assert_uint_eq(child(a, 1)->col, 11);
	str_is(child(a, 2), S("x"));
	ck_assert_int_eq(child(a, 3)->type, JV_TRUE);
	ck_assert_int_eq(child(a, 4)->type, JV_FALSE);
	ck_assert_int_eq(child(a, 5)->type, JV_NULL);
	ck_assert_uint_eq(child(a, 5)->col, 37);
	ck_assert_int_eq(child(a, 6)->type, JV_OBJECT);
	ck_assert_uint_eq(child(a, 6)->n, 0);
	ck_assert_ptr_null(child(a, 6)->first);
	ck_assert_int_eq(child(a, 7)->type, JV_ARRAY);
	ck_assert_uint_eq(child(a, 7)->n, 0);
	ck_assert_ptr_null(child(a, 7)->next);

	const struct jv *b = child(v, 1);
	ck_assert_str_eq(b->key, "b");
	const struct jv *e = jv_get(jv_get(b, "c"), "d");
	str_is(e, S("e"));
	ck_assert_str_eq(e->key, "d");

	const struct jv *empty = child(v, 2);
	ck_assert_uint_eq(empty->keylen, 0);
	ck_assert_str_eq(empty->key, "");
	num_is(empty, "0");
	ck_assert_ptr_eq(jv_get(v, ""), empty);
	doc_close(&d);

	/* Scalars at the top level, with white space around. */
	v = parses(&d, S(" \t\r\n 42 \n"));
	num_is(v, "42");
	ck_assert_uint_eq(v->line, 2);
	ck_assert_uint_eq(v->col, 2);
	doc_close(&d);
	v = parses(&d, S("\"s\""));
	str_is(v, S("s"));
	doc_close(&d);
	v = parses(&d, S("true"));
	ck_assert_int_eq(v->type, JV_TRUE);
	doc_close(&d);
	v = parses(&d, S("null"));
	ck_assert_int_eq(v->type, JV_NULL);
	doc_close(&d);
	v = parses(&d, S("\"\""));
	str_is(v, S(""));
	doc_close(&d);
}
END_TEST

/* line:col of every value; a tab is one column, CR LF ends a line. */
START_TEST(lines_and_columns)
{
	struct doc d;
	const struct jv *v = parses(&d, S("{\n"
					  "  \"x\": 1,\r\n"
					  "\t\"y\": [\n"
					  "    true,\n"
					  "    \"s\", {\"k\": -0}\n"
					  "  ]\n"
					  "}\n"));
	const struct jv *x = jv_get(v, "x"), *y = jv_get(v, "y");

	ck_assert_uint_eq(x->line, 2);
	ck_assert_uint_eq(x->col, 8);
	ck_assert_uint_eq(y->line, 3);
	ck_assert_uint_eq(y->col, 7);
	ck_assert_uint_eq(child(y, 0)->line, 4);
	ck_assert_uint_eq(child(y, 0)->col, 5);
	ck_assert_uint_eq(child(y, 1)->line, 5);
	ck_assert_uint_eq(child(y, 1)->col, 5);
	ck_assert_uint_eq(child(y, 2)->col, 10);
	ck_assert_uint_eq(jv_get(child(y, 2), "k")->col, 16);
	doc_close(&d);
}
END_TEST

START_TEST(members_by_name)
{
	struct doc d;
	const struct jv *v = parses(&d, S("{\"a\": 1, \"b\": 2, \"a\": 3, \"a\\u0062\": 4, \"n\\u0000\": 5}"));

	ck_assert_uint_eq(v->n, 5);          /* duplicates are all kept, in order */
	num_is(jv_get(v, "a"), "3");         /* the last one wins, as in Python */
	num_is(jv_get(v, "b"), "2");
	num_is(jv_get(v, "ab"), "4");        /* names are decoded */
	ck_assert_ptr_null(jv_get(v, "c"));
	ck_assert_ptr_null(jv_get(v, "n"));  /* "n\0" is not "n" */
	ck_assert_uint_eq(child(v, 4)->keylen, 2);
	ck_assert_ptr_null(jv_get(child(v, 0), "a"));
	ck_assert_ptr_null(jv_get(NULL, "a"));
	doc_close(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* strings                                                              */
/* ------------------------------------------------------------------ */

START_TEST(every_escape)
{
	static const struct {
		const char *json;
		const char *want;
		size_t len;
	} cases[] = {
		{ "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", S("\" \\ / \b \f \n \r \t") },
		{ "\"\\u0041\\u00e9\\u20AC\"", S("A\xc3\xa9\xe2\x82\xac") },
		{ "\"\\u0000x\"", S("\0x") },
		{ "\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"", S("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf") },
		/* surrogate pairs: one astral code point */
		{ "\"\\ud83d\\ude00\"", S("\xf0\x9f\x98\x80") },
		{ "\"\\uD83D\\uDE00\"", S("\xf0\x9f\x98\x80") },
		{ "\"\\ud800\\udc00|\\udbff\\udfff\"", S("\xf0\x90\x80\x80|\xf4\x8f\xbf\xbf") },
		{ "\"\\ud800\\udc80\"", S("\xf0\x90\x82\x80") }, /* a pair, not a byte */
		/* decode's surrogateescape: a lone \udcXX is the byte XX */
		{ "\"\\udc80\\udcff\"", S("\x80\xff") },
		{ "\"a\\udcc3\\udca9b\"", S("a\xc3\xa9" "b") },
		{ "\"\\udcff\\ud83d\\ude00\"", S("\xff\xf0\x9f\x98\x80") },
	};

	for (int i = 0; i < N(cases); i++) {
		struct doc d;
		const struct jv *v = parses(&d, cases[i].json, strlen(cases[i].json));
		str_is(v, cases[i].want, cases[i].len);
		doc_close(&d);
	}
}
END_TEST

START_TEST(bad_escapes_and_surrogates)
{
	FAILS("\"\\ud800\"", CRIT_E_JSON, 1, 2, "lone surrogate \\ud800");
	FAILS("\"ab\\ud800\\u0041\"", CRIT_E_JSON, 1, 4, "lone surrogate \\ud800");
	FAILS("\"\\udbff\\ud800\"", CRIT_E_JSON, 1, 2, "lone surrogate \\udbff");
	FAILS("\"\\ud800x\"", CRIT_E_JSON, 1, 2, "lone surrogate \\ud800");
	FAILS("\"\\ud800\\n\"", CRIT_E_JSON, 1, 2, "lone surrogate \\ud800");
	FAILS("\"\\udc00\"", CRIT_E_JSON, 1, 2, "lone surrogate \\udc00");
	FAILS("\"\\udc7f\"", CRIT_E_JSON, 1, 2, "lone surrogate \\udc7f");
	FAILS("\"\\udd00\"", CRIT_E_JSON, 1, 2, "lone surrogate \\udd00");
	FAILS("\"\\uDFFF\"", CRIT_E_JSON, 1, 2, "lone surrogate \\udfff");
	FAILS("[\"\\x\"]", CRIT_E_JSON, 1, 3, "[0]: invalid escape '\\x'");
	FAILS("\"\\'\"", CRIT_E_JSON, 1, 2, "invalid escape '\\''");
	FAILS("\"\\U0041\"", CRIT_E_JSON, 1, 2, "invalid escape '\\U'");
	FAILS("\"\\\x01\"", CRIT_E_JSON, 1, 2, "invalid escape: '\\' before byte 0x01");
	FAILS("\"\\u12\"", CRIT_E_JSON, 1, 2, "invalid escape: '\\u' needs 4 hex digits");
	FAILS("\"\\u12g4\"", CRIT_E_JSON, 1, 2, "invalid escape: '\\u' needs 4 hex digits");
	/* the input ends inside an escape: reported at its end */
	FAILS("\"a\\", CRIT_E_JSON, 1, 4, "unterminated string");
	FAILS("\"\\u00", CRIT_E_JSON, 1, 6, "unterminated string");
	FAILS("\"\\ud800", CRIT_E_JSON, 1, 8, "unterminated string");
	FAILS("\"\\ud800\\", CRIT_E_JSON, 1, 9, "unterminated string");
	FAILS("\"\\ud800\\udc", CRIT_E_JSON, 1, 12, "unterminated string");
	FAILS("\"abc", CRIT_E_JSON, 1, 5, "unterminated string");
	/* raw control characters must be escaped */
	FAILS("\"a\nb\"", CRIT_E_JSON, 1, 3, "unescaped control character 0x0a in a string");
	FAILS("{\"k\": \"a\tb\"}", CRIT_E_JSON, 1, 9, "k: unescaped control character 0x09 in a string");
	FAILS("{\"a\x1f\": 1}", CRIT_E_JSON, 1, 4, "unescaped control character 0x1f in a string");
}
END_TEST

/* Raw UTF-8 is copied through; anything else is not JSON (Python decodes
 * the whole input as UTF-8 before it parses). */
START_TEST(raw_utf8)
{
	struct doc d;
	const struct jv *v = parses(&d, S("{\"\xc3\xa9\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f~\"}"));

	ck_assert_str_eq(v->first->key, "\xc3\xa9");
	str_is(v->first, S("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f~"));
	doc_close(&d);

	FAILS("\"\xc0\x80\"", CRIT_E_NOTJSON, 1, 2, NOTJSON);         /* overlong */
	FAILS("\"\xe0\x80\x80\"", CRIT_E_NOTJSON, 1, 2, NOTJSON);     /* overlong */
	FAILS("\"\xed\xa0\x80\"", CRIT_E_NOTJSON, 1, 2, NOTJSON);     /* a surrogate */
	FAILS("\"\xf4\x90\x80\x80\"", CRIT_E_NOTJSON, 1, 2, NOTJSON); /* past U+10FFFF */
	FAILS("\"ab\x80\"", CRIT_E_NOTJSON, 1, 4, NOTJSON);           /* a lone continuation */
	FAILS("\"\xe2\x82\"", CRIT_E_NOTJSON, 1, 2, NOTJSON);         /* cut short */
	FAILS("\"\xe2\x82", CRIT_E_NOTJSON, 1, 2, NOTJSON);           /* cut by the end */
	FAILS("\"\xff\"", CRIT_E_NOTJSON, 1, 2, NOTJSON);
	FAILS("\"a\0b\"", CRIT_E_NOTJSON, 1, 3, NOTJSON);
}
END_TEST

/* ------------------------------------------------------------------ */
/* numbers and literals                                                 */
/* ------------------------------------------------------------------ */

START_TEST(numbers_as_written)
{
	static const char *const good[] = {
		"0", "-0", "7", "-12", "1e5", "1E+5", "1e-5", "0.5", "-0.5", "1.5E-10", "0e0",
		"18446744073709551615", "123456789012345678901234567890.000001e-999",
		"NaN", "Infinity", "-Infinity",
	};

	for (int i = 0; i < N(good); i++) {
		struct doc d;
		num_is(parses(&d, good[i], strlen(good[i])), good[i]);
		doc_close(&d);

		char arr[200];
		snprintf(arr, sizeof(arr), "[%s,%s]", good[i], good[i]);
		const struct jv *v = parses(&d, arr, strlen(arr));
		ck_assert_uint_eq(v->n, 2);
		num_is(child(v, 0), good[i]);
		num_is(child(v, 1), good[i]);
		doc_close(&d);
	}
}
END_TEST

START_TEST(invalid_numbers_and_literals)
{
	FAILS("01", CRIT_E_JSON, 1, 1, "invalid number '01'");
	FAILS("1.", CRIT_E_JSON, 1, 1, "invalid number '1.'");
	FAILS("-", CRIT_E_JSON, 1, 1, "invalid number '-'");
	FAILS("- 1", CRIT_E_JSON, 1, 1, "invalid number '-'");
	FAILS("-01", CRIT_E_JSON, 1, 1, "invalid number '-01'");
	FAILS("1e", CRIT_E_JSON, 1, 1, "invalid number '1e'");
	FAILS("1e+", CRIT_E_JSON, 1, 1, "invalid number '1e+'");
	FAILS("1.2.3", CRIT_E_JSON, 1, 1, "invalid number '1.2.3'");
	FAILS("0x10", CRIT_E_JSON, 1, 1, "invalid number '0x10'");
	FAILS("--1", CRIT_E_JSON, 1, 1, "invalid number '--1'");
	FAILS("-NaN", CRIT_E_JSON, 1, 1, "invalid number '-NaN'");
	FAILS("-infinity", CRIT_E_JSON, 1, 1, "invalid number '-infinity'");
	FAILS("[1, 01]", CRIT_E_JSON, 1, 5, "[1]: invalid number '01'");
	FAILS("[.5]", CRIT_E_JSON, 1, 2, "[0]: invalid number '.5'");
	FAILS("[+1]", CRIT_E_JSON, 1, 2, "[0]: invalid number '+1'");
	FAILS("[1234567890123456789012345678901234567890123x]", CRIT_E_JSON, 1, 2,
	      "[0]: invalid number '1234567890123456789012345678901234567890...'");
	FAILS("nan", CRIT_E_JSON, 1, 1, "invalid literal 'nan'");
	FAILS("tru", CRIT_E_JSON, 1, 1, "invalid literal 'tru'");
	FAILS("nul", CRIT_E_JSON, 1, 1, "invalid literal 'nul'");
	FAILS("truee", CRIT_E_JSON, 1, 1, "invalid literal 'truee'");
	FAILS("Infinityx", CRIT_E_JSON, 1, 1, "invalid literal 'Infinityx'");
	FAILS("[True]", CRIT_E_JSON, 1, 2, "[0]: invalid literal 'True'");
	FAILS("[none]", CRIT_E_JSON, 1, 2, "[0]: invalid literal 'none'");
	FAILS("[abcdefghijklmnopqrstuvwxyz]", CRIT_E_JSON, 1, 2, "[0]: invalid literal 'abcdefghijklmnop...'");
	/* a literal ends at a delimiter */
	FAILS("[true\"x\"]", CRIT_E_JSON, 1, 6, "expected ',' or ']' after an element");
	/* the first byte decides whether the input is JSON at all */
	FAILS("+1", CRIT_E_NOTJSON, 1, 1, NOTJSON);
	FAILS(".5", CRIT_E_NOTJSON, 1, 1, NOTJSON);
	FAILS("True", CRIT_E_NOTJSON, 1, 1, NOTJSON);
}
END_TEST

/* ------------------------------------------------------------------ */
/* grammar errors                                                       */
/* ------------------------------------------------------------------ */

START_TEST(grammar_errors)
{
	FAILS("[1, 2,]", CRIT_E_JSON, 1, 7, "[2]: expected a value");
	FAILS("[,1]", CRIT_E_JSON, 1, 2, "[0]: expected a value");
	FAILS("{\"a\": 1,}", CRIT_E_JSON, 1, 9, "expected a member name");
	FAILS("{,}", CRIT_E_JSON, 1, 2, "expected a member name");
	FAILS("{'a': 1}", CRIT_E_JSON, 1, 2, "expected a member name");
	FAILS("{a: 1}", CRIT_E_JSON, 1, 2, "expected a member name");
	FAILS("{1: 1}", CRIT_E_JSON, 1, 2, "expected a member name");
	FAILS("{\"a\" 1}", CRIT_E_JSON, 1, 6, "expected ':' after a member name");
	FAILS("{\"a\": 1 \"b\": 2}", CRIT_E_JSON, 1, 9, "expected ',' or '}' after a member");
	FAILS("{\"a\": 1]", CRIT_E_JSON, 1, 8, "expected ',' or '}' after a member");
	FAILS("[1 2]", CRIT_E_JSON, 1, 4, "expected ',' or ']' after an element");
	FAILS("[1}", CRIT_E_JSON, 1, 3, "expected ',' or ']' after an element");
	FAILS("{\"a\": }", CRIT_E_JSON, 1, 7, "a: expected a value");
	FAILS("['a']", CRIT_E_JSON, 1, 2, "[0]: expected a value");
	FAILS("[1, /* no */ 2]", CRIT_E_JSON, 1, 5, "[1]: expected a value");
	FAILS("[\xc3\xa9]", CRIT_E_JSON, 1, 2, "[0]: expected a value"); /* UTF-8, but not JSON's */
	FAILS("[1] x", CRIT_E_JSON, 1, 5, "expected the end of the input after the value");
	FAILS("[1] [2]", CRIT_E_JSON, 1, 5, "expected the end of the input after the value");
	FAILS("{\"a\": 1}}", CRIT_E_JSON, 1, 9, "expected the end of the input after the value");
	FAILS("{\"a\": {\"b\": [1, {\"c\": x}]}}", CRIT_E_JSON, 1, 23, "a.b[1].c: invalid literal 'x'");
	/* the end of the input */
	FAILS("", CRIT_E_JSON, 1, 1, "expected a value, found the end of the input");
	FAILS("  \n  ", CRIT_E_JSON, 2, 3, "expected a value, found the end of the input");
	FAILS("[", CRIT_E_JSON, 1, 2, "input ends inside an array");
	FAILS("[1,", CRIT_E_JSON, 1, 4, "input ends inside an array");
	FAILS("[1 ", CRIT_E_JSON, 1, 4, "input ends inside an array");
	FAILS("{", CRIT_E_JSON, 1, 2, "input ends inside an object");
	FAILS("{\"a\"", CRIT_E_JSON, 1, 5, "input ends inside an object");
	FAILS("{\"a\":\n", CRIT_E_JSON, 2, 1, "input ends inside an object");
	FAILS("{\"a\": [{}", CRIT_E_JSON, 1, 10, "a: input ends inside an array");
	/* a comment or anything else up front: not JSON at all */
	FAILS("// c\n[1]", CRIT_E_NOTJSON, 1, 1, NOTJSON);
	FAILS(" \n\t}", CRIT_E_NOTJSON, 2, 2, NOTJSON);
	FAILS("\xef\xbb\xbf[1]", CRIT_E_NOTJSON, 1, 1, NOTJSON); /* a BOM */
}
END_TEST

START_TEST(errors_in_a_multiline_document)
{
	FAILS("{\n"
	      "    \"magic\": \"X\",\n"
	      "    \"entries\": [\n"
	      "        {\"a\": 1, \"b\": [1, 2,, 3]}\n"
	      "    ]\n"
	      "}\n",
	      CRIT_E_JSON, 4, 29, "entries[0].b[2]: expected a value");
	FAILS("{\n"
	      "    \"magic\": \"X\",\n"
	      "    \"entries\": [\n"
	      "        {\"a\": 1},\n"
	      "        {\"tcp\": {\"opts\": [1, \"\\q\"]}}\n"
	      "    ]\n"
	      "}\n",
	      CRIT_E_JSON, 5, 31, "entries[1].tcp.opts[1]: invalid escape '\\q'");
	FAILS("{\n"
	      "    \"magic\": \"X\",\n"
	      "    \"entries\": [\n"
	      "        {\"a\": 1}\n"
	      "        {\"b\": 2}\n",
	      CRIT_E_JSON, 5, 9, "entries: expected ',' or ']' after an element");
	FAILS("{\n"
	      "    \"magic\": \"X\",\n"
	      "    \"entries\": [\n"
	      "        {\"a\": 1}\n",
	      CRIT_E_JSON, 5, 1, "entries: input ends inside an array");
}
END_TEST

/* Every proper prefix of a document is an error, never a crash, a read
 * past the input, or a success. */
START_TEST(truncated_everywhere)
{
	static const char *const docs[] = {
		"{\"magic\": \"PSTREE\", \"entries\": [{\"pid\": 1, \"s\": \"a\\u00e9\\ud83d\\ude00\\udc80\\n\xc3\xa9\", "
		"\"f\": -1.5e3, \"t\": [true, false, null, NaN, -Infinity]}]}",
		"{\n    \"magic\": \"X\",\n    \"entries\": [\n        {\n            \"k\": [\n                0\n"
		"            ]\n        }\n    ]\n}",
	};

	for (int k = 0; k < N(docs); k++) {
		size_t n = strlen(docs[k]);
		for (size_t i = 0; i <= n; i++) {
			struct doc d;
			struct jv *v;
			bool ok = doc_parse(&d, docs[k], i, &v);
			ck_assert_msg(ok == (i == n), "prefix %zu of %zu: %s", i, n, d.err.msg);
			if (i < n) {
				/* cut inside the raw "\xc3\xa9": not UTF-8, so not JSON */
				enum crit_code want = i && (uint8_t)docs[k][i - 1] == 0xc3 ? CRIT_E_NOTJSON
											  : CRIT_E_JSON;
				ck_assert_msg(d.err.code == want, "prefix %zu: %d %s", i, d.err.code, d.err.msg);
				ck_assert_uint_ge(d.err.line, 1);
				ck_assert_uint_ge(d.err.col, 1);
			}
			doc_close(&d);

			/* The same through the top-level walk. */
			const char *name;
			size_t len;
			doc_open(&d, docs[k], i);
			if (jr_open(&d.r, '{'))
				while (jr_member(&d.r, &name, &len)) {
					if (strcmp(name, "entries") == 0 && jr_open(&d.r, '[')) {
						while (jr_element(&d.r) && jr_value(&d.r, &d.a, &v))
							arena_reset(&d.a);
					} else if (!jr_value(&d.r, &d.a, &v)) {
						break;
					}
				}
			ok = !crit_failed(&d.err) && jr_end(&d.r);
			ck_assert_msg(ok == (i == n), "walk, prefix %zu: %s", i, d.err.msg);
			doc_close(&d);
		}
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* limits                                                               */
/* ------------------------------------------------------------------ */

/* The path of a value nested n deep in arrays: "[0][0]...". */
static char *zeros_path(int n)
{
	char *p = malloc((size_t)n * 3 + 1);
	for (int i = 0; i < n; i++)
		memcpy(p + 3 * i, "[0]", 3);
	p[n * 3] = 0;
	return p;
}

START_TEST(nesting_is_limited)
{
	enum { DEEP = 10000 };
	char *s = malloc(2 * DEEP + 1);
	struct doc d;
	struct jv *v;

	/* 10,000 open brackets: stopped at the 129th, without deep recursion. */
	memset(s, '[', DEEP);
	ck_assert(!doc_parse(&d, s, DEEP, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, JR_MAX_DEPTH + 1);
	char *want = zeros_path(JR_MAX_DEPTH), *end = want + strlen(want);
	ck_assert(strncmp(d.err.msg, want, (size_t)(end - want)) == 0);
	ck_assert_str_eq(d.err.msg + (end - want), ": nesting deeper than 128");
	free(want);
	doc_close(&d);

	/* The same with objects. */
	for (int i = 0; i < DEEP / 5; i++)
		memcpy(s + 5 * i, "{\"a\":", 5);
	ck_assert(!doc_parse(&d, s, DEEP, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(d.err.col, 5 * JR_MAX_DEPTH + 1);
	ck_assert(strstr(d.err.msg, ": nesting deeper than 128"));
	doc_close(&d);

	/* Exactly 128 deep is fine. */
	memset(s, '[', JR_MAX_DEPTH);
	memset(s + JR_MAX_DEPTH, ']', JR_MAX_DEPTH);
	ck_assert(doc_parse(&d, s, 2 * JR_MAX_DEPTH, &v));
	int depth = 0;
	for (const struct jv *c = v; c; c = c->first, depth++)
		ck_assert_int_eq(c->type, JV_ARRAY);
	ck_assert_int_eq(depth, JR_MAX_DEPTH);
	doc_close(&d);

	/* Containers opened with jr_open count too: inside {"a": ...} only
	 * 127 more fit. */
	const char *name;
	size_t len;
	memcpy(s, "{\"a\": ", 6);
	memset(s + 6, '[', JR_MAX_DEPTH);
	doc_open(&d, s, 6 + JR_MAX_DEPTH);
	ck_assert(jr_open(&d.r, '{'));
	ck_assert(jr_member(&d.r, &name, &len));
	ck_assert(!jr_value(&d.r, &d.a, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(d.err.col, 6 + JR_MAX_DEPTH);
	ck_assert_str_eq(d.r.path, "a"); /* restored for the caller */
	doc_close(&d);
	free(s);
}
END_TEST

START_TEST(member_names_are_limited)
{
	char s[700];
	struct doc d;
	const char *name;
	size_t len;

	/* 255 bytes fit the name buffer, 256 do not. */
	for (int n = 255; n <= 256; n++) {
		int k = snprintf(s, sizeof(s), "{\"%0*d\": 1}", n, 0);
		doc_open(&d, s, (size_t)k);
		ck_assert(jr_open(&d.r, '{'));
		bool ok = jr_member(&d.r, &name, &len);
		ck_assert(ok == (n == 255));
		if (ok) {
			ck_assert_uint_eq(len, 255);
			ck_assert_uint_eq(strlen(name), 255);
		} else {
			ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
			ck_assert_str_eq(d.err.msg, "a member name longer than 255 bytes");
			ck_assert_ptr_null(name);
		}
		doc_close(&d);
	}
	/* Inside a value, long names are fine; a path too long to show is cut. */
	int k = snprintf(s, sizeof(s), "{\"%0300d\": {\"%0300d\": [}}", 1, 2);
	struct jv *v;
	ck_assert(!doc_parse(&d, s, (size_t)k, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_JSON);
	ck_assert_uint_eq(d.err.col, 2 + 300 + 5 + 300 + 4 + 1);
	ck_assert_uint_eq(strlen(d.err.msg), JR_MAX_PATH - 1 + strlen(": expected a value"));
	ck_assert(strncmp(d.err.msg, s + 2, 300) == 0);
	ck_assert(strstr(d.err.msg, "0...: expected a value"));
	doc_close(&d);
}
END_TEST

/* 22 MB of "[0,0,...]" take 1 GiB of arena (a node and a number's text
 * each): the zeros fill it to within a few bytes, then a string's bytes
 * cross the limit. Nodes count, and the limit holds to the byte. */
START_TEST(a_value_over_1_gib)
{
	const size_t node = (sizeof(struct jv) + 15) & ~(size_t)15, zero = node + 16;
	/* as many zeros as fit, leaving room for one more node but not 200 bytes */
	size_t k = (JR_MAX_VALUE - node) / zero - 1;
	struct pb json = { 0 };
	struct crit_err err = { 0 };
	struct jv *v;

	ck_assert_uint_ge(JR_MAX_VALUE - node - k * zero, node);
	ck_assert_uint_lt(JR_MAX_VALUE - node - k * zero, node + 200);
	pb_bytes(&json, S("["));
	for (size_t i = 0; i < k; i++)
		pb_bytes(&json, S("0,"));
	pb_bytes(&json, S("\""));
	for (int i = 0; i < 200; i++)
		pb_bytes(&json, S("x"));

	struct crit_source src = { .fd = -1, .data = json.p, .size = json.n };
	struct rd rd;
	struct jr r;
	struct arena a;
	ck_assert(rd_open(&rd, &src, &err));
	jr_init(&r, &rd, &err);
	arena_init(&a);
	ck_assert(!jr_value(&r, &a, &v));
	ck_assert_int_eq(err.code, CRIT_E_LIMIT);
	char want[64];
	snprintf(want, sizeof(want), "[%zu]: a value larger than 1 GiB", k);
	ck_assert_str_eq(err.msg, want);
	ck_assert_uint_eq(err.col, 2 + 2 * k + 1); /* the string's first byte */
	ck_assert_uint_le(a.used, JR_MAX_VALUE);
	ck_assert_uint_eq(a.used, node + k * zero + node); /* nothing of the string handed out */
	arena_free(&a);
	rd_close(&rd);
	free(json.p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* streaming                                                            */
/* ------------------------------------------------------------------ */

/* A string and a number longer than the window, through a pipe in
 * uneven pieces, arrive intact. */
START_TEST(longer_than_the_window_through_a_pipe)
{
	static const struct {
		const char *json, *bytes;
	} pieces[] = {
		{ "abcdefghij", "abcdefghij" },
		{ "\\n", "\n" },
		{ "\\u00e9", "\xc3\xa9" },
		{ "\xc3\xa9", "\xc3\xa9" },
		{ "\\ud83d\\ude00", "\xf0\x9f\x98\x80" },
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
		{ "\\udc80", "\x80" },
		{ "\\\"\\\\", "\"\\" },
		{ "xyz", "xyz" },
	};
	enum { STRING = 3 << 20, DIGITS = (2 << 20) + 5 };
	struct pb json = { 0 }, want = { 0 };

	pb_bytes(&json, S("{\"s\": \""));
	for (size_t i = 0; want.n < STRING; i++) {
		pb_bytes(&json, pieces[i % N(pieces)].json, strlen(pieces[i % N(pieces)].json));
		pb_bytes(&want, pieces[i % N(pieces)].bytes, strlen(pieces[i % N(pieces)].bytes));
	}
	pb_bytes(&json, S("\", \"n\": -1"));
	char *digits = malloc(DIGITS);
	for (size_t i = 0; i < DIGITS; i++)
		digits[i] = (char)('0' + i % 10);
	pb_bytes(&json, digits, DIGITS);
	pb_bytes(&json, S("e-7, \"last\": true}\n"));

	int fd;
	pid_t pid = pipe_writer((const char *)json.p, json.n, false, &fd);
	struct crit_source src = { .fd = fd };
	struct rd rd;
	struct jr r;
	struct arena a;
	struct crit_err err = { 0 };
	struct jv *v;

	ck_assert(rd_open(&rd, &src, &err));
	jr_init(&r, &rd, &err);
	arena_init(&a);
	ck_assert_msg(jr_value(&r, &a, &v) && jr_end(&r), "%u:%u %s", err.line, err.col, err.msg);
	const struct jv *s = jv_get(v, "s"), *n = jv_get(v, "n");
	ck_assert_uint_eq(s->len, want.n);
	ck_assert(memcmp(s->str, want.p, want.n) == 0);
	ck_assert_int_eq(s->str[s->len], 0);
	ck_assert_uint_eq(n->len, DIGITS + 5);
	ck_assert(strncmp(n->str, "-1", 2) == 0 && memcmp(n->str + 2, digits, DIGITS) == 0);
	ck_assert_str_eq(n->str + 2 + DIGITS, "e-7");
	ck_assert_uint_eq(n->col, (uint32_t)(json.n - DIGITS - 19 - 2 + 1));
	ck_assert_int_eq(jv_get(v, "last")->type, JV_TRUE);
	ck_assert_uint_le(a.used, 3 * (STRING + DIGITS)); /* no runaway copies */
	writer_done(pid, fd);
	arena_free(&a);
	rd_close(&rd);
	free(digits);
	free(json.p);
	free(want.p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* binary input                                                         */
/* ------------------------------------------------------------------ */

START_TEST(an_image_is_not_json)
{
	size_t len;
	char *img = slurp("fixtures/loop/core-21663.img", &len);
	struct doc d;
	struct jv *v;

	ck_assert_ptr_nonnull(img);
	doc_open(&d, img, len);
	ck_assert(!jr_open(&d.r, '{'));
	ck_assert_int_eq(d.err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(d.err.msg, NOTJSON);
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, 1);
	const char *name;
	size_t n;
	ck_assert(!jr_member(&d.r, &name, &n)); /* the error sticks */
	doc_close(&d);

	ck_assert(!doc_parse(&d, img, len, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(d.err.msg, NOTJSON);
	doc_close(&d);
	free(img);

	/* From a file descriptor, as crit encode reads it. */
	int fd = open("fixtures/loop/core-21663.img", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	struct crit_source src = { .fd = fd };
	struct rd rd;
	struct jr r;
	struct crit_err err = { 0 };
	ck_assert(rd_open(&rd, &src, &err));
	jr_init(&r, &rd, &err);
	ck_assert_int_eq(jr_peek(&r), -1);
	ck_assert_int_eq(err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(err.msg, NOTJSON);
	rd_close(&rd);
	close(fd);
}
END_TEST

/* A NUL, or a byte that is not UTF-8, where the reader meets it. */
START_TEST(binary_after_a_good_start)
{
	FAILS("{\"a\": 1}\0", CRIT_E_NOTJSON, 1, 9, NOTJSON);
	FAILS("{\"a\": 1}\n\xff", CRIT_E_NOTJSON, 2, 1, NOTJSON);
	FAILS("[1,\xff]", CRIT_E_NOTJSON, 1, 4, NOTJSON);
	FAILS("[1\x80]", CRIT_E_NOTJSON, 1, 3, NOTJSON);
	FAILS("[tr\0]", CRIT_E_NOTJSON, 1, 4, NOTJSON);
	FAILS("[12\xc0]", CRIT_E_NOTJSON, 1, 4, NOTJSON);
	FAILS("{\"a\"\0}", CRIT_E_NOTJSON, 1, 5, NOTJSON);
	FAILS("\"\\\xff\"", CRIT_E_NOTJSON, 1, 3, NOTJSON);
	FAILS("\"\\u0\xff\"", CRIT_E_NOTJSON, 1, 5, NOTJSON);
	FAILS("\0", CRIT_E_NOTJSON, 1, 1, NOTJSON);
	FAILS("\x19" "CVT", CRIT_E_NOTJSON, 1, 1, NOTJSON);
	/* valid UTF-8 in the wrong place is malformed JSON, not binary */
	FAILS("[1,\xc3\xa9]", CRIT_E_JSON, 1, 4, "[1]: expected a value");
	FAILS("\"\\\xc3\xa9\"", CRIT_E_JSON, 1, 2, "invalid escape: '\\' before byte 0xc3");
}
END_TEST

/* ------------------------------------------------------------------ */
/* the top level, as the encoder walks it                               */
/* ------------------------------------------------------------------ */

static void emit(struct jw *w, const struct jv *v)
{
	char *end;

	switch (v->type) {
	case JV_TRUE:
	case JV_FALSE:
		jw_bool(w, v->type == JV_TRUE);
		break;
	case JV_NUMBER:
		errno = 0;
		if (strpbrk(v->str, ".eEIN"))
			jw_double(w, strtod(v->str, &end));
		else if (v->str[0] == '-')
			jw_i64(w, strtoll(v->str, &end, 10));
		else
			jw_u64(w, strtoull(v->str, &end, 10));
		ck_assert_msg(!errno && !*end, "number '%s'", v->str);
		break;
	case JV_STRING:
		jw_str(w, v->str, v->len);
		break;
	case JV_ARRAY:
		jw_arr_open(w);
		for (const struct jv *c = v->first; c; c = c->next)
			emit(w, c);
		jw_arr_close(w);
		break;
	case JV_OBJECT:
		jw_obj_open(w);
		for (const struct jv *c = v->first; c; c = c->next) {
			jw_key(w, c->key);
			emit(w, c);
		}
		jw_obj_close(w);
		break;
	default:
		ck_abort_msg("crit writes no null");
	}
}

/* Read a decoded image's JSON as the encoder will: the top object member
 * by member, an array member element by element with one value in the
 * arena at a time; write it back with json.c. Returns the number of
 * elements of the last array member. */
static uint32_t walk_and_rewrite(const struct crit_source *src, bool pretty, const char *file)
{
	struct rd rd;
	struct jr r;
	struct arena a;
	struct crit_err err = { 0 };
	struct jw *w = capture_start(pretty, 509);
	struct jv *v;
	const char *name;
	size_t len;
	uint32_t count = 0;

	ck_assert(rd_open(&rd, src, &err));
	jr_init(&r, &rd, &err);
	arena_init(&a);
	ck_assert_msg(jr_open(&r, '{'), "%s: %s", file, err.msg);
	jw_obj_open(w);
	while (jr_member(&r, &name, &len)) {
		ck_assert_str_eq(r.path, name);
		jw_key(w, name);
		if (jr_peek(&r) != '[') {
			ck_assert_msg(jr_value(&r, &a, &v), "%s: %s", file, err.msg);
			emit(w, v);
			arena_reset(&a);
			continue;
		}
		char key[256];
		snprintf(key, sizeof(key), "%s", name);
		ck_assert(jr_open(&r, '['));
		jw_arr_open(w);
		for (count = 0; jr_element(&r); count++) {
			char path[300];
			snprintf(path, sizeof(path), "%s[%u]", key, count);
			ck_assert_str_eq(r.path, path);
			ck_assert_msg(jr_value(&r, &a, &v), "%s: %u:%u %s", file, err.line, err.col, err.msg);
			ck_assert_str_eq(r.path, path);
			emit(w, v);
			arena_reset(&a);
		}
		ck_assert_str_eq(r.path, key); /* the array closed */
		jw_arr_close(w);
	}
	ck_assert_msg(!crit_failed(&err), "%s: %u:%u %s", file, err.line, err.col, err.msg);
	ck_assert_str_eq(r.path, "");
	ck_assert_int_eq(r.depth, 0);
	ck_assert(jr_end(&r));
	jw_obj_close(w);
	arena_free(&a);
	rd_close(&rd);
	return count;
}

static void rewrites_to_itself(const char *file)
{
	size_t len, outlen;
	char *json = slurp(file, &len);

	ck_assert_ptr_nonnull(json);
	ck_assert(len > 0 && json[len - 1] == '\n'); /* CRIT's newline */
	struct crit_source src = { .fd = -1, .data = json, .size = len };
	walk_and_rewrite(&src, strncmp(json, "{\n", 2) == 0, file);
	const char *out = capture_output(&outlen);
	ck_assert_msg(outlen == len - 1 && memcmp(out, json, outlen) == 0, "%s differs:\n%s", file, out);
	capture_free();
	free(json);
}

START_TEST(walks_pstree)
{
	static const char *const files[] = {
		"fixtures/loop/ref/pstree.img.decode.json",
		"fixtures/loop/ref/pstree.img.pretty.json",
	};

	for (int i = 0; i < N(files); i++) {
		size_t len;
		char *json = slurp(files[i], &len);
		ck_assert_ptr_nonnull(json);
		struct doc d;
		struct jv *v;
		const char *name;
		size_t n;
		doc_open(&d, json, len);

		ck_assert(jr_open(&d.r, '{'));
		ck_assert(jr_member(&d.r, &name, &n));
		ck_assert_str_eq(name, "magic");
		ck_assert_uint_eq(n, 5);
		ck_assert(jr_value(&d.r, &d.a, &v));
		str_is(v, S("PSTREE"));
		ck_assert_uint_eq(v->line, i ? 2 : 1);
		ck_assert_uint_eq(v->col, i ? 14 : 11);
		ck_assert(jr_member(&d.r, &name, &n));
		ck_assert_str_eq(name, "entries");
		ck_assert(jr_open(&d.r, '['));
		static const char *const pids[] = { "21663", "21793" }, *const ppids[] = { "0", "21663" };
		uint32_t count = 0;
		while (jr_element(&d.r)) {
			ck_assert_uint_lt(count, 2);
			arena_reset(&d.a);
			ck_assert(jr_value(&d.r, &d.a, &v));
			ck_assert_int_eq(v->type, JV_OBJECT);
			ck_assert_uint_eq(v->n, 5);
			num_is(jv_get(v, "pid"), pids[count]);
			num_is(jv_get(v, "ppid"), ppids[count]);
			num_is(jv_get(v, "pgid"), "21663");
			num_is(jv_get(v, "sid"), "21663");
			const struct jv *t = jv_get(v, "threads");
			ck_assert_int_eq(t->type, JV_ARRAY);
			ck_assert_uint_eq(t->n, 1);
			num_is(t->first, pids[count]);
			if (i == 1) /* pretty: each entry on its own lines */
				ck_assert_uint_eq(v->line, count ? 13 : 4);
			count++;
		}
		ck_assert(!crit_failed(&d.err));
		ck_assert_uint_eq(count, 2);
		ck_assert(!jr_member(&d.r, &name, &n)); /* the closing '}' */
		ck_assert(!crit_failed(&d.err));
		ck_assert(jr_end(&d.r));
		doc_close(&d);
		free(json);
	}
}
END_TEST

/* Every JSON file Python CRIT printed for the fixtures, read and written
 * back, is the same bytes: values, escapes, numbers and order survive. */
START_TEST(rewrites_every_fixture_output)
{
	glob_t g;
	int files = 0;

	ck_assert_int_eq(glob("fixtures/*/ref/*.json", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++, files++)
		rewrites_to_itself(g.gl_pathv[i]);
	globfree(&g);
	ck_assert_int_ge(files, 500);
}
END_TEST

/* A pretty fixture one byte per write through a pipe, the same. */
START_TEST(walks_a_pipe)
{
	size_t len, outlen;
	char *json = slurp("fixtures/loop/ref/core-21663.img.pretty.json", &len);
	int fd;

	ck_assert_ptr_nonnull(json);
	pid_t pid = pipe_writer(json, len, true, &fd);
	struct crit_source src = { .fd = fd };
	ck_assert_uint_eq(walk_and_rewrite(&src, true, "pipe"), 1);
	const char *out = capture_output(&outlen);
	ck_assert(outlen == len - 1 && memcmp(out, json, outlen) == 0);
	capture_free();
	writer_done(pid, fd);
	free(json);
}
END_TEST

START_TEST(top_level_errors_and_paths)
{
	struct doc d;
	struct jv *v;
	const char *name;
	size_t len;

	/* An error inside an entry names its path; the walk then stops. */
	doc_open(&d, S("{\"magic\": \"X\", \"entries\": [{\"a\": 1}, {\"tcp\": {\"opts\": [1, ]}}]}"));
	ck_assert(jr_open(&d.r, '{'));
	ck_assert(jr_member(&d.r, &name, &len) && jr_value(&d.r, &d.a, &v));
	ck_assert(jr_member(&d.r, &name, &len) && jr_open(&d.r, '['));
	ck_assert(jr_element(&d.r) && jr_value(&d.r, &d.a, &v));
	ck_assert(jr_element(&d.r));
	ck_assert_str_eq(d.r.path, "entries[1]");
	ck_assert(!jr_value(&d.r, &d.a, &v));
	ck_assert_ptr_null(v);
	ck_assert_int_eq(d.err.code, CRIT_E_JSON);
	ck_assert_str_eq(d.err.msg, "entries[1].tcp.opts[1]: expected a value");
	ck_assert_uint_eq(d.err.col, 59);
	ck_assert_str_eq(d.r.path, "entries[1]");
	ck_assert(!jr_element(&d.r));
	ck_assert(!jr_end(&d.r));
	ck_assert_str_eq(d.err.msg, "entries[1].tcp.opts[1]: expected a value"); /* the first error stays */
	doc_close(&d);

	/* Between members and elements. */
	static const struct {
		const char *json;
		int steps; /* jr_member/jr_element calls expected to succeed */
		uint32_t col;
		const char *msg;
	} cases[] = {
		{ "{\"magic\": \"X\" \"entries\": []}", 1, 15, "expected ',' or '}' after a member" },
		{ "{\"magic\": \"X\", }", 1, 16, "expected a member name" },
		{ "{\"magic\" \"X\"}", 0, 10, "expected ':' after a member name" },
		{ "{\"magic\": \"X\", \"entries\": [{} {}]}", 3, 31, "entries: expected ',' or ']' after an element" },
		{ "{\"magic\": \"X\", \"entries\": [{}, ", 4, 32, "entries: input ends inside an array" },
		{ "{\"magic\": \"X\", \"entries\": [", 2, 28, "entries: input ends inside an array" },
		{ "{\"magic\": \"X\"", 1, 14, "input ends inside an object" },
		{ "{\"magic\": \"X\", \"entries\": [{}]", 3, 31, "input ends inside an object" },
		{ "{\"magic\": \"X\", \"entries\": [{}]} {", 3, 33, "expected the end of the input after the value" },
		{ "[]", 0, 1, "expected '{'" },
		{ "", 0, 1, "expected '{', found the end of the input" },
	};
	for (int i = 0; i < N(cases); i++) {
		doc_open(&d, cases[i].json, strlen(cases[i].json));
		int steps = 0;
		if (jr_open(&d.r, '{')) {
			while (jr_member(&d.r, &name, &len)) {
				steps++;
				if (strcmp(name, "entries") != 0) {
					if (!jr_value(&d.r, &d.a, &v))
						break;
					continue;
				}
				if (!jr_open(&d.r, '['))
					break;
				while (jr_element(&d.r) && ++steps && jr_value(&d.r, &d.a, &v))
					;
			}
			if (!crit_failed(&d.err))
				jr_end(&d.r);
		}
		ck_assert_msg(crit_failed(&d.err), "%s: accepted", cases[i].json);
		ck_assert_msg(steps == cases[i].steps && d.err.code == CRIT_E_JSON && d.err.line == 1 &&
				      d.err.col == cases[i].col && strcmp(d.err.msg, cases[i].msg) == 0,
			      "%s: %d steps, %d %u:%u '%s'", cases[i].json, steps, d.err.code, d.err.line, d.err.col,
			      d.err.msg);
		doc_close(&d);
	}

	/* Duplicate names reach the caller, which decides. */
	doc_open(&d, S(" {\"a\": 1, \"a\": [2]} "));
	ck_assert_int_eq(jr_peek(&d.r), '{');
	ck_assert(jr_expect(&d.r, '{'));
	ck_assert(!jr_expect(&d.r, ':'));
	ck_assert_str_eq(d.err.msg, "expected ':'");
	ck_assert_uint_eq(d.err.col, 3);
	doc_close(&d);
	doc_open(&d, S("{\"a\": 1, \"a\": [2]}"));
	ck_assert(jr_open(&d.r, '{'));
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "a") == 0 && jr_value(&d.r, &d.a, &v));
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "a") == 0 && jr_value(&d.r, &d.a, &v));
	ck_assert(!jr_member(&d.r, &name, &len));
	ck_assert(!crit_failed(&d.err) && jr_end(&d.r));
	doc_close(&d);

	/* Misuse is reported, not followed. */
	doc_open(&d, S("[1]"));
	ck_assert(!jr_member(&d.r, &name, &len));
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	doc_close(&d);
	doc_open(&d, S("[[[[[[[[[[]]]]]]]]]]"));
	for (int i = 0; i < 8; i++)
		ck_assert(jr_open(&d.r, '['));
	ck_assert(!jr_open(&d.r, '['));
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	doc_close(&d);
}
END_TEST

START_TEST(fail_at_a_value)
{
	struct doc d;
	struct jv *v;
	const char *name;
	size_t len;

	doc_open(&d, S("{\"entries\": [\n  {\"x\": {\"y\": \"no\"}}]}"));
	ck_assert(jr_open(&d.r, '{') && jr_member(&d.r, &name, &len) && jr_open(&d.r, '['));
	ck_assert(jr_element(&d.r) && jr_value(&d.r, &d.a, &v));
	const struct jv *y = jv_get(jv_get(v, "x"), "y");
	ck_assert(!jr_fail_at(&d.r, y, "entries[0].x.y", CRIT_E_TYPE, "expected %s", "an integer"));
	ck_assert_int_eq(d.err.code, CRIT_E_TYPE);
	ck_assert_str_eq(d.err.msg, "entries[0].x.y: expected an integer");
	ck_assert_uint_eq(d.err.line, 2);
	ck_assert_uint_eq(d.err.col, 15);
	/* the first error is kept */
	ck_assert(!jr_fail_at(&d.r, v, "", CRIT_E_KEY, "other"));
	ck_assert_str_eq(d.err.msg, "entries[0].x.y: expected an integer");
	doc_close(&d);

	doc_open(&d, S("[7]"));
	ck_assert(jr_value(&d.r, &d.a, &v));
	ck_assert(!jr_fail_at(&d.r, v->first, "", CRIT_E_TYPE, "bad %d", 7));
	ck_assert_str_eq(d.err.msg, "bad 7");
	ck_assert_uint_eq(d.err.col, 2);
	doc_close(&d);

	/* NULL: the reader's own path. */
	doc_open(&d, S("{\"magic\": 5}"));
	ck_assert(jr_open(&d.r, '{') && jr_member(&d.r, &name, &len) && jr_value(&d.r, &d.a, &v));
	ck_assert(!jr_fail_at(&d.r, v, NULL, CRIT_E_TYPE, "not a string"));
	ck_assert_str_eq(d.err.msg, "magic: not a string");
	ck_assert_uint_eq(d.err.col, 11);
	doc_close(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* arena                                                                */
/* ------------------------------------------------------------------ */

START_TEST(arena_keeps_what_it_hands_out)
{
	enum { COUNT = 3000 };
	static uint8_t *ptrs[COUNT];
	static size_t sizes[COUNT];
	struct arena a;
	size_t total = 0;

	arena_init(&a);
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < COUNT; i++) {
			/* small and odd sizes, now and then a large one */
			sizes[i] = i % 97 == 0 ? (size_t)(i * 211 % 300000) : (size_t)(i * 7 % 301);
			ptrs[i] = arena_alloc(&a, sizes[i]);
			ck_assert_ptr_nonnull(ptrs[i]);
			ck_assert_uint_eq((uintptr_t)ptrs[i] % 16, 0);
			memset(ptrs[i], (uint8_t)i, sizes[i]);
			total += sizes[i];
		}
		ck_assert_uint_ge(a.used, total);
		ck_assert_uint_eq(a.used % 16, 0);
		for (int i = 0; i < COUNT; i++) {
			size_t k = 0;
			while (k < sizes[i] && ptrs[i][k] == (uint8_t)i)
				k++;
			ck_assert_uint_eq(k, sizes[i]); /* nothing moved or overlapped */
		}
		arena_reset(&a);
		ck_assert_uint_eq(a.used, 0);
		ck_assert_ptr_nonnull(a.head); /* one chunk kept */
		total = 0;
	}
	ck_assert_ptr_null(arena_alloc(&a, SIZE_MAX));
	ck_assert_ptr_null(arena_alloc(&a, SIZE_MAX / 2));
	arena_free(&a);
	ck_assert_ptr_null(a.head);
	arena_free(&a); /* twice is harmless */
	arena_reset(&a);
}
END_TEST

Suite *jsonread_suite(void)
{
	Suite *s = suite_create("jsonread");
	TCase *tc = tcase_create("reader");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, every_kind_of_value);
	tcase_add_test(tc, lines_and_columns);
	tcase_add_test(tc, members_by_name);
	tcase_add_test(tc, every_escape);
	tcase_add_test(tc, bad_escapes_and_surrogates);
	tcase_add_test(tc, raw_utf8);
	tcase_add_test(tc, numbers_as_written);
	tcase_add_test(tc, invalid_numbers_and_literals);
	tcase_add_test(tc, grammar_errors);
	tcase_add_test(tc, errors_in_a_multiline_document);
	tcase_add_test(tc, truncated_everywhere);
	tcase_add_test(tc, nesting_is_limited);
	tcase_add_test(tc, member_names_are_limited);
	tcase_add_test(tc, a_value_over_1_gib);
	tcase_add_test(tc, longer_than_the_window_through_a_pipe);
	tcase_add_test(tc, an_image_is_not_json);
	tcase_add_test(tc, binary_after_a_good_start);
	tcase_add_test(tc, walks_pstree);
	tcase_add_test(tc, rewrites_every_fixture_output);
	tcase_add_test(tc, walks_a_pipe);
	tcase_add_test(tc, top_level_errors_and_paths);
	tcase_add_test(tc, fail_at_a_value);
	tcase_add_test(tc, arena_keeps_what_it_hands_out);
	suite_add_tcase(s, tc);
	return s;
}
