/*
 * test-jsonread.c - the JSON reader that crit encode reads with: every
 * kind of value, every escape, the grammar's corners and Python's
 * extensions, each error's message, line:col and path, truncation, depth
 * and size limits, pipes, binary input, skipping and copying values and
 * reading a copy again, and a walk of every real `crit decode` output in
 * fixtures/ that must reproduce it byte for byte. The tests see values
 * as trees that they build on top of the pull API (struct tv).
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "json/jsonread.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A byte string literal and its length (it may hold NULs). */
#define S(lit) lit, sizeof(lit) - 1
/* ck_assert for hot paths: a passing ck_assert reports its line to the
 * runner, which is slow when called per byte or per value. */
#define CHECK(c)                                                                  \
	do {                                                                      \
		if (!(c))                                                         \
			ck_abort_msg("%s:%d: failed: %s", __FILE__, __LINE__, #c); \
	} while (0)

static const char NOTJSON[] = "Cannot read JSON. Maybe you are feeding me an image with protobuf data? "
			      "Encode expects JSON input.";

/* ------------------------------------------------------------------ */
/* helpers                                                              */
/* ------------------------------------------------------------------ */

/* A whole value as a tree, built by the tests on top of the pull API so
 * they can look at every value, its line:col and its member name. */
struct tv {
	int type;           /* enum jv_type */
	uint32_t line, col; /* r->at right after jr_next returned the value */
	char *str;          /* scalars: r->str, copied with its NUL */
	size_t len;
	char *key;          /* a member of an object: its name, with its NUL */
	size_t keylen;
	struct tv *first, *last, *next;
	uint32_t n;         /* arrays and objects: how many children */
};

static void tv_free(struct tv *v)
{
	while (v) {
		struct tv *next = v->next;
		tv_free(v->first);
		free(v->str);
		free(v->key);
		free(v);
		v = next;
	}
}

static char *dup_bytes(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	CHECK(p);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

/* c, a member named key (or an element: NULL), is v's last child. */
static void tv_append(struct tv *v, struct tv *c, char *key, size_t len)
{
	c->key = key;
	c->keylen = len;
	if (v->last)
		v->last->next = c;
	else
		v->first = c;
	v->last = c;
	v->n++;
}

/* The value jr_next just returned as t (-1: its error), with everything
 * inside it; NULL on an error, which is then in r->err. */
static struct tv *tv_build(struct jr *r, int t)
{
	if (t < 0) {
		CHECK(crit_failed(r->err));
		return NULL;
	}
	CHECK(!crit_failed(r->err));
	CHECK(t <= JV_OBJECT);
	struct tv *v = calloc(1, sizeof(*v));
	CHECK(v);
	v->type = t;
	v->line = r->at.line;
	v->col = r->at.col;
	if (t != JV_ARRAY && t != JV_OBJECT) {
		CHECK(r->str);
		CHECK(r->str[r->len] == 0); /* NUL-terminated */
		v->str = dup_bytes(r->str, r->len);
		v->len = r->len;
		return v;
	}
	int depth = r->depth; /* the container is open */
	CHECK(depth >= 1 && depth <= JR_MAX_DEPTH);
	CHECK(r->st[depth - 1].kind == (t == JV_ARRAY ? '[' : '{'));
	for (;;) {
		const char *name = NULL;
		size_t len = 0;
		char *key = NULL;
		bool more = t == JV_OBJECT ? jr_member(r, &name, &len) : jr_element(r);
		if (!more)
			break;
		if (t == JV_OBJECT) {
			CHECK(name && len <= JR_MAX_NAME && name[len] == 0);
			key = dup_bytes(name, len);
		}
		struct tv *c = tv_build(r, jr_next(r));
		if (!c) {
			free(key);
			tv_free(v);
			return NULL;
		}
		CHECK(r->depth == depth); /* back in this container */
		tv_append(v, c, key, len);
	}
	if (crit_failed(r->err)) {
		tv_free(v);
		return NULL;
	}
	CHECK(r->depth == depth - 1); /* closed */
	return v;
}

static struct tv *tv_read(struct jr *r)
{
	return tv_build(r, jr_next(r));
}

/* A member of an object by name, or NULL; the last one when repeated, as
 * Python's json keeps the last. */
static const struct tv *tv_get(const struct tv *obj, const char *key)
{
	const struct tv *found = NULL;
	size_t n = strlen(key);

	if (!obj || obj->type != JV_OBJECT)
		return NULL;
	for (const struct tv *c = obj->first; c; c = c->next)
		if (c->keylen == n && memcmp(c->key, key, n) == 0)
			found = c;
	return found;
}

/* A reader over an in-memory document. The input is copied to a heap
 * block of exactly its size, so ASan catches any read past the end. */
struct doc {
	struct rd rd;
	struct jr r;
	struct crit_err err;
	char *copy;
	struct tv *held; /* the values read with doc_value, freed by doc_close */
};

static void doc_open(struct doc *d, const char *s, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->copy = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(d->copy);
	if (n)
		memcpy(d->copy, s, n);
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = d->copy, .size = n };
	ck_assert(rd_open(&d->rd, &src, &d->err));
	jr_init(&d->r, &d->rd, &d->err);
}

static void doc_close(struct doc *d)
{
	tv_free(d->held);
	jr_free(&d->r);
	rd_close(&d->rd);
	free(d->copy);
}

/* The next value, kept until doc_close; NULL on an error. */
static struct tv *doc_value(struct doc *d)
{
	struct tv *v = tv_read(&d->r);

	if (v) {
		v->next = d->held; /* a top-level value has no siblings */
		d->held = v;
	}
	return v;
}

/* One whole value, then the end of the input. */
static bool doc_parse(struct doc *d, const char *s, size_t n, struct tv **v)
{
	doc_open(d, s, n);
	*v = doc_value(d);
	bool ok = *v && jr_end(&d->r);
	ck_assert_int_eq(ok, !crit_failed(&d->err));
	if (ok)
		ck_assert_int_eq(d->r.depth, 0);
	return ok;
}

/* s parses; the value is in d until doc_close. */
static struct tv *parses(struct doc *d, const char *s, size_t n)
{
	struct tv *v;

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
	struct tv *v;

	ck_assert_msg(!doc_parse(&d, s, n, &v), "line %d: '%.*s' accepted", at, (int)n, s);
	ck_assert_msg(d.err.code == code && d.err.line == line && d.err.col == col && strcmp(d.err.msg, msg) == 0,
		      "line %d: '%.*s': got %d %u:%u '%s', want %d %u:%u '%s'", at, (int)n, s, d.err.code,
		      d.err.line, d.err.col, d.err.msg, code, line, col, msg);
	doc_close(&d);
}

#define FAILS(lit, code, line, col, msg) fails_at(S(lit), code, line, col, msg, __LINE__)

static void str_is(const struct tv *v, const char *want, size_t n)
{
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JV_STRING);
	ck_assert_uint_eq(v->len, n);
	ck_assert_msg(memcmp(v->str, want, n) == 0, "string differs: '%.*s'", (int)v->len, v->str);
	ck_assert_int_eq(v->str[n], 0);
}

static void num_is(const struct tv *v, const char *want)
{
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v->type, JV_NUMBER);
	ck_assert_str_eq(v->str, want);
	ck_assert_uint_eq(v->len, strlen(want));
}

static const struct tv *child(const struct tv *v, uint32_t i)
{
	ck_assert_uint_lt(i, v->n);
	const struct tv *c = v->first;
	while (i--)
		c = c->next;
	return c;
}

/* The reader's path now. */
static const char *path_of(const struct jr *r)
{
	static char path[JR_MAX_PATH];

	jr_path(r, path, sizeof(path));
	return path;
}

/* ------------------------------------------------------------------ */
/* values                                                               */
/* ------------------------------------------------------------------ */

START_TEST(every_kind_of_value)
{
	struct doc d;
	const struct tv *v = parses(&d, S("{\"a\": [1, -2.5e3, \"x\", true, false, null, {}, []], "
					  "\"b\": {\"c\": {\"d\": \"e\"}}, \"\": 0}"));

	ck_assert_int_eq(v->type, JV_OBJECT);
	ck_assert_uint_eq(v->n, 3);
	ck_assert_uint_eq(v->line, 1);
	ck_assert_uint_eq(v->col, 1);
	ck_assert_ptr_null(v->key);

	const struct tv *a = child(v, 0);
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

	const struct tv *b = child(v, 1);
	ck_assert_str_eq(b->key, "b");
	const struct tv *e = tv_get(tv_get(b, "c"), "d");
	str_is(e, S("e"));
	ck_assert_str_eq(e->key, "d");

	const struct tv *empty = child(v, 2);
	ck_assert_uint_eq(empty->keylen, 0);
	ck_assert_str_eq(empty->key, "");
	num_is(empty, "0");
	ck_assert_ptr_eq(tv_get(v, ""), empty);
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
	const struct tv *v = parses(&d, S("{\n"
					  "  \"x\": 1,\r\n"
					  "\t\"y\": [\n"
					  "    true,\n"
					  "    \"s\", {\"k\": -0}\n"
					  "  ]\n"
					  "}\n"));
	const struct tv *x = tv_get(v, "x"), *y = tv_get(v, "y");

	ck_assert_uint_eq(x->line, 2);
	ck_assert_uint_eq(x->col, 8);
	ck_assert_uint_eq(y->line, 3);
	ck_assert_uint_eq(y->col, 7);
	ck_assert_uint_eq(child(y, 0)->line, 4);
	ck_assert_uint_eq(child(y, 0)->col, 5);
	ck_assert_uint_eq(child(y, 1)->line, 5);
	ck_assert_uint_eq(child(y, 1)->col, 5);
	ck_assert_uint_eq(child(y, 2)->col, 10);
	ck_assert_uint_eq(tv_get(child(y, 2), "k")->col, 16);
	doc_close(&d);
}
END_TEST

START_TEST(members_by_name)
{
	struct doc d;
	const struct tv *v = parses(&d, S("{\"a\": 1, \"b\": 2, \"a\": 3, \"a\\u0062\": 4, \"n\\u0000\": 5}"));

	ck_assert_uint_eq(v->n, 5);          /* duplicates are all kept, in order */
	num_is(tv_get(v, "a"), "3");         /* the last one wins, as in Python */
	num_is(tv_get(v, "b"), "2");
	num_is(tv_get(v, "ab"), "4");        /* names are decoded */
	ck_assert_ptr_null(tv_get(v, "c"));
	ck_assert_ptr_null(tv_get(v, "n"));  /* "n\0" is not "n" */
	ck_assert_uint_eq(child(v, 4)->keylen, 2);
	ck_assert_ptr_null(tv_get(child(v, 0), "a"));
	ck_assert_ptr_null(tv_get(NULL, "a"));
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
		const struct tv *v = parses(&d, cases[i].json, strlen(cases[i].json));
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
	const struct tv *v = parses(&d, S("{\"\xc3\xa9\": \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f~\"}"));

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
		const struct tv *v = parses(&d, arr, strlen(arr));
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
			struct tv *v;
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
			struct crit_err first = d.err;
			doc_close(&d);

			/* jr_skip and jr_copy check the same and fail the same. */
			for (int copy = 0; copy < 2; copy++) {
				struct buf text = { 0 };
				struct jr_pos at = { 0, 0 };
				doc_open(&d, docs[k], i);
				ok = (copy ? jr_copy(&d.r, &text, &at) : jr_skip(&d.r)) && jr_end(&d.r);
				ck_assert_msg(ok == (i == n), "%s, prefix %zu: %s", copy ? "copy" : "skip", i, d.err.msg);
				ck_assert_msg(d.err.code == first.code && d.err.line == first.line &&
						      d.err.col == first.col && strcmp(d.err.msg, first.msg) == 0,
					      "%s, prefix %zu: %u:%u %s, not %u:%u %s", copy ? "copy" : "skip", i,
					      d.err.line, d.err.col, d.err.msg, first.line, first.col, first.msg);
				if (copy && ok) {
					ck_assert(text.n == n && memcmp(text.p, docs[k], n) == 0);
					ck_assert(at.line == 1 && at.col == 1);
				}
				free(text.p);
				doc_close(&d);
			}

			/* The same through the top-level walk. */
			const char *name;
			size_t len;
			doc_open(&d, docs[k], i);
			if (jr_next(&d.r) == JV_OBJECT)
				while (jr_member(&d.r, &name, &len)) {
					bool entries = strcmp(name, "entries") == 0;
					int t = jr_next(&d.r);
					if (entries && t == JV_ARRAY) {
						while (jr_element(&d.r) && (v = tv_read(&d.r)))
							tv_free(v);
					} else if ((v = tv_build(&d.r, t))) {
						tv_free(v);
					} else {
						break;
					}
				}
			ok = !crit_failed(&d.err) && jr_end(&d.r);
			ck_assert_msg(ok == (i == n), "walk, prefix %zu: %s", i, d.err.msg);
			ck_assert_msg(d.err.code == first.code && d.err.line == first.line && d.err.col == first.col &&
					      strcmp(d.err.msg, first.msg) == 0,
				      "walk, prefix %zu: %u:%u %s, not %u:%u %s", i, d.err.line, d.err.col, d.err.msg,
				      first.line, first.col, first.msg);
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
	struct tv *v;

	/* 10,000 open brackets: stopped past the limit, without deep recursion. */
	memset(s, '[', DEEP);
	ck_assert(!doc_parse(&d, s, DEEP, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, JR_MAX_DEPTH + 1);
	char *want = zeros_path(JR_MAX_DEPTH), *end = want + strlen(want);
	ck_assert(strncmp(d.err.msg, want, (size_t)(end - want)) == 0);
	char msg[sizeof(d.err.msg)];
	snprintf(msg, sizeof(msg), ": nesting deeper than %d", JR_MAX_DEPTH);
	ck_assert_str_eq(d.err.msg + (end - want), msg);
	free(want);
	doc_close(&d);

	/* The same with objects. */
	for (int i = 0; i < DEEP / 5; i++)
		memcpy(s + 5 * i, "{\"a\":", 5);
	ck_assert(!doc_parse(&d, s, DEEP, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(d.err.col, 5 * JR_MAX_DEPTH + 1);
	ck_assert(strstr(d.err.msg, msg));
	doc_close(&d);

	/* Exactly JR_MAX_DEPTH deep is fine. */
	memset(s, '[', JR_MAX_DEPTH);
	memset(s + JR_MAX_DEPTH, ']', JR_MAX_DEPTH);
	ck_assert(doc_parse(&d, s, 2 * JR_MAX_DEPTH, &v));
	int depth = 0;
	for (const struct tv *c = v; c; c = c->first, depth++)
		ck_assert_int_eq(c->type, JV_ARRAY);
	ck_assert_int_eq(depth, JR_MAX_DEPTH);
	doc_close(&d);

	/* Every open container counts, however it was opened: inside
	 * {"a": ...} one fewer fits. */
	const char *name;
	size_t len;
	memcpy(s, "{\"a\": ", 6);
	memset(s + 6, '[', JR_MAX_DEPTH);
	doc_open(&d, s, 6 + JR_MAX_DEPTH);
	ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
	ck_assert(jr_member(&d.r, &name, &len));
	for (int i = 0; i < JR_MAX_DEPTH - 1; i++) {
		ck_assert_int_eq(jr_next(&d.r), JV_ARRAY);
		ck_assert(jr_element(&d.r));
	}
	ck_assert_int_eq(d.r.depth, JR_MAX_DEPTH);
	ck_assert_int_eq(jr_next(&d.r), -1);
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, 6 + JR_MAX_DEPTH);
	want = zeros_path(JR_MAX_DEPTH - 1);
	snprintf(msg, sizeof(msg), "a%s: nesting deeper than %d", want, JR_MAX_DEPTH);
	ck_assert_str_eq(d.err.msg, msg);
	ck_assert_int_eq(d.r.depth, JR_MAX_DEPTH); /* nothing opened past the limit */
	free(want);
	doc_close(&d);
	free(s);
}
END_TEST

START_TEST(member_names_are_limited)
{
	char s[1000];
	struct doc d;
	const char *name;
	size_t len;
	struct tv *v;

	/* 255 bytes fit the name buffer, 256 do not. */
	for (int n = 255; n <= 256; n++) {
		int k = snprintf(s, sizeof(s), "{\"%0*d\": 1}", n, 0);
		doc_open(&d, s, (size_t)k);
		ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
		bool ok = jr_member(&d.r, &name, &len);
		ck_assert(ok == (n == 255));
		if (ok) {
			ck_assert_uint_eq(len, 255);
			ck_assert_uint_eq(strlen(name), 255);
		} else {
			ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
			ck_assert_str_eq(d.err.msg, "a member name longer than 255 bytes");
			ck_assert_uint_eq(d.err.line, 1);
			ck_assert_uint_eq(d.err.col, 3); /* where the name's bytes start */
			ck_assert_ptr_null(name);
			ck_assert_uint_eq(len, 0);
		}
		doc_close(&d);
	}
	/* Decoded bytes count: 127 escaped 2-byte characters fit, 128 do not,
	 * reported at the escape that crosses the limit. */
	for (int n = 127; n <= 128; n++) {
		int k = snprintf(s, sizeof(s), "{\"");
		for (int i = 0; i < n; i++)
			k += snprintf(s + k, sizeof(s) - (size_t)k, "\\u00e9");
		k += snprintf(s + k, sizeof(s) - (size_t)k, "\": 1}");
		if (n == 127) {
			v = parses(&d, s, (size_t)k);
			ck_assert_uint_eq(v->first->keylen, 254);
			ck_assert(memcmp(v->first->key, "\xc3\xa9\xc3\xa9", 4) == 0);
		} else {
			ck_assert(!doc_parse(&d, s, (size_t)k, &v));
			ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
			ck_assert_str_eq(d.err.msg, "a member name longer than 255 bytes");
			ck_assert_uint_eq(d.err.col, 3 + 127 * 6);
		}
		doc_close(&d);
	}
	/* Names inside a value have the same limit. */
	int k = snprintf(s, sizeof(s), "[{\"%0255d\": 1}]", 0);
	v = parses(&d, s, (size_t)k);
	ck_assert_uint_eq(v->first->first->keylen, 255);
	doc_close(&d);
	k = snprintf(s, sizeof(s), "{\"a\": [{\"%0256d\": 1}]}", 0);
	ck_assert(!doc_parse(&d, s, (size_t)k, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_LIMIT);
	ck_assert_str_eq(d.err.msg, "a[0]: a member name longer than 255 bytes");
	ck_assert_uint_eq(d.err.col, 10);
	doc_close(&d);

	/* A path too long to show is cut. */
	k = snprintf(s, sizeof(s), "{\"%0200d\": {\"%0200d\": {\"%0200d\": [}}}", 1, 2, 3);
	ck_assert(!doc_parse(&d, s, (size_t)k, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_JSON);
	ck_assert_uint_eq(d.err.col, 2 + 200 + 5 + 200 + 5 + 200 + 4 + 1);
	ck_assert_uint_eq(strlen(d.err.msg), JR_MAX_PATH - 1 + strlen(": expected a value"));
	ck_assert(strncmp(d.err.msg, s + 2, 200) == 0);
	ck_assert_int_eq(d.err.msg[200], '.');
	ck_assert(strncmp(d.err.msg + 201, s + 2 + 200 + 5, 200) == 0);
	ck_assert_int_eq(d.err.msg[401], '.');
	ck_assert_str_eq(d.err.msg + JR_MAX_PATH - 4, "...: expected a value");
	doc_close(&d);
	/* A path that just fits is not cut: 255 + 1 + 252 + 3 characters;
	 * one more is. */
	for (int n = 252; n <= 253; n++) {
		k = snprintf(s, sizeof(s), "{\"%0255d\": {\"%0*d\": [}}", 1, n, 2);
		ck_assert(!doc_parse(&d, s, (size_t)k, &v));
		ck_assert_int_eq(d.err.code, CRIT_E_JSON);
		ck_assert_uint_eq(strlen(d.err.msg), JR_MAX_PATH - 1 + strlen(": expected a value"));
		ck_assert(strncmp(d.err.msg, s + 2, 255) == 0);
		ck_assert_int_eq(d.err.msg[255], '.');
		if (n == 252) {
			ck_assert(strncmp(d.err.msg + 256, s + 2 + 255 + 5, 252) == 0);
			ck_assert_str_eq(d.err.msg + 256 + 252, "[0]: expected a value");
		} else {
			ck_assert(strncmp(d.err.msg + 256, s + 2 + 255 + 5, 252) == 0);
			ck_assert_str_eq(d.err.msg + JR_MAX_PATH - 4, "...: expected a value");
		}
		doc_close(&d);
	}
}
END_TEST

/* A child writing runs of one byte each into a pipe, without holding
 * them; returns its pid, *fd reads. */
struct run {
	char c;
	size_t count;
};

static pid_t runs_writer(const struct run *runs, int n, int *fd)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	fcntl(fds[1], F_SETPIPE_SZ, 1 << 20); /* fewer, larger reads; a hint */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		static char chunk[1 << 16];
		close(fds[0]);
		for (int i = 0; i < n; i++) {
			memset(chunk, runs[i].c, sizeof(chunk));
			for (size_t left = runs[i].count; left;) {
				ssize_t w = write(fds[1], chunk, left < sizeof(chunk) ? left : sizeof(chunk));
				if (w <= 0)
					_exit(1);
				left -= (size_t)w;
			}
		}
		_exit(0);
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

/* A reader over a source, for the tests that do without a struct doc;
 * opened as encode opens its input (a large file read ahead). */
static void reader_open(struct rd *rd, struct jr *r, struct crit_err *err, const struct crit_source *src)
{
	memset(err, 0, sizeof(*err));
	ck_assert(rd_open_ahead(rd, src, err));
	jr_init(r, rd, err);
}

static void reader_close(struct rd *rd, struct jr *r)
{
	jr_free(r);
	rd_close(rd);
}

/* A document of runs in memory without the memory: blocks that are all
 * one byte share the pages of a memfd, mapped again and again. */
enum { VBLOCK = 1 << 21 };

struct vdoc {
	char *p;
	size_t size, mapped;
	int fd;
};

static void vdoc_open(struct vdoc *v, const struct run *runs, int n)
{
	off_t shared[256], used = 0;
	char *block = malloc(VBLOCK);

	ck_assert_ptr_nonnull(block);
	for (int i = 0; i < 256; i++)
		shared[i] = -1;
	v->size = 0;
	for (int i = 0; i < n; i++)
		v->size += runs[i].count;
	v->mapped = (v->size + VBLOCK - 1) / VBLOCK * VBLOCK;
	v->fd = memfd_create("vdoc", 0);
	ck_assert_int_ge(v->fd, 0);
	v->p = mmap(NULL, v->mapped, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ck_assert(v->p != MAP_FAILED);
	int ri = 0;
	size_t run_start = 0; /* of runs[ri] */
	for (size_t start = 0; start < v->size; start += VBLOCK) {
		while (run_start + runs[ri].count <= start)
			run_start += runs[ri++].count;
		off_t at;
		if (start + VBLOCK <= run_start + runs[ri].count && shared[(uint8_t)runs[ri].c] >= 0) {
			at = shared[(uint8_t)runs[ri].c];
		} else {
			/* the bytes of the block, white space past the end */
			memset(block, ' ', VBLOCK);
			size_t pos = run_start;
			for (int k = ri; k < n && pos < start + VBLOCK; pos += runs[k++].count) {
				size_t from = pos > start ? pos : start, to = pos + runs[k].count;
				if (to > start + VBLOCK)
					to = start + VBLOCK;
				memset(block + (from - start), runs[k].c, to - from);
			}
			at = used;
			ck_assert_int_eq(pwrite(v->fd, block, VBLOCK, at), VBLOCK);
			used += VBLOCK;
			if (start + VBLOCK <= run_start + runs[ri].count)
				shared[(uint8_t)runs[ri].c] = at;
		}
		void *m = mmap(v->p + start, VBLOCK, PROT_READ, MAP_SHARED | MAP_FIXED | MAP_POPULATE, v->fd, at);
		ck_assert(m == v->p + start);
	}
	free(block);
}

static void vdoc_close(struct vdoc *v)
{
	munmap(v->p, v->mapped);
	close(v->fd);
}

/* One string or number holds up to 1 GiB, to the byte; one byte more is
 * refused, and what was kept of it never passes the limit. The limit is
 * per string: one value may hold many that size. */
START_TEST(a_value_over_1_gib)
{
	const size_t max = JR_MAX_STRING;
	struct crit_err err;
	struct rd rd;
	struct jr r;

	/* In memory the whole string is in the window at once: refused at
	 * its first byte, before anything of it is copied. A number too. */
	for (int number = 0; number < 2; number++) {
		const struct run str[] = { { '[', 1 }, { '"', 1 }, { 'x', max + 1 }, { '"', 1 }, { ']', 1 } };
		const struct run num[] = { { '[', 1 }, { '7', max + 1 }, { ']', 1 } };
		struct vdoc v;
		if (number)
			vdoc_open(&v, num, N(num));
		else
			vdoc_open(&v, str, N(str));
		ck_assert_uint_eq(v.size, number ? max + 3 : max + 5);
		ck_assert(v.p[v.size - 1] == ']' && v.p[v.size - 2] == (number ? '7' : '"'));
		struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = v.p, .size = v.size };
		reader_open(&rd, &r, &err, &src);
		ck_assert_int_eq(jr_next(&r), JV_ARRAY);
		ck_assert(jr_element(&r));
		ck_assert_int_eq(jr_next(&r), -1);
		ck_assert_int_eq(err.code, CRIT_E_LIMIT);
		ck_assert_str_eq(err.msg, "[0]: a value larger than 1 GiB");
		ck_assert_uint_eq(err.line, 1);
		ck_assert_uint_eq(err.col, number ? 2 : 3);
		ck_assert_uint_eq(r.text.n, 0);
		ck_assert_uint_eq(r.text.cap, 0); /* nothing allocated for it */
		reader_close(&rd, &r);
		vdoc_close(&v);
	}

	/* Through a pipe, a window at a time: a string of exactly 1 GiB, then
	 * in the same value a number one byte longer, refused once its bytes
	 * pass the limit. */
	const struct run runs[] = {
		{ '[', 1 }, { '"', 1 }, { 'x', max }, { '"', 1 }, { ',', 1 }, { ' ', 1 },
		{ '7', max + 1 }, { ']', 1 },
	};
	int fd;
	pid_t pid = runs_writer(runs, N(runs), &fd);
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
	reader_open(&rd, &r, &err, &src);
	ck_assert_int_eq(jr_next(&r), JV_ARRAY);
	ck_assert(jr_element(&r));
	ck_assert_int_eq(jr_next(&r), JV_STRING);
	ck_assert_uint_eq(r.at.col, 2);
	ck_assert_uint_eq(r.len, max);
	ck_assert_int_eq(r.str[max], 0);
	ck_assert(r.str[0] == 'x' && memcmp(r.str, r.str + 1, max - 1) == 0); /* all 'x' */
	ck_assert(jr_element(&r));
	ck_assert_int_eq(jr_next(&r), -1);
	ck_assert_int_eq(err.code, CRIT_E_LIMIT);
	ck_assert_str_eq(err.msg, "[1]: a value larger than 1 GiB");
	ck_assert_uint_eq(err.line, 1);
	/* At the first byte not kept: all before it were, which is no more
	 * than 1 GiB and at most one window less. */
	const uint32_t first = (uint32_t)(2 + max + 4);
	ck_assert_uint_ge(err.col, first);
	ck_assert_uint_eq(r.text.n, err.col - first);
	ck_assert_uint_le(r.text.n, max);
	ck_assert_uint_gt(r.text.n + CRIT_WINDOW + 64, max);
	ck_assert(r.text.p[0] == '7' && r.text.p[r.text.n - 1] == '7');
	ck_assert_uint_le(r.text.cap, 2 * max); /* no runaway copies */
	close(fd); /* the writer, still writing, gets EPIPE or SIGPIPE */
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	reader_close(&rd, &r);
}
END_TEST

/* ------------------------------------------------------------------ */
/* streaming                                                            */
/* ------------------------------------------------------------------ */

/* A string and a number longer than the window arrive intact: through a
 * pipe in uneven pieces, and from a file read ahead by a second thread
 * (src/base/io.c; they are longer than the room before its windows), which
 * starts where the file offset is and leaves it where reading stopped. */
START_TEST(longer_than_the_window_through_a_pipe_and_a_file)
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

	for (int file = 0; file < 2; file++) {
	int fd;
	pid_t pid = 0;
	char path[] = "/tmp/crit-test-jsonread-XXXXXX";
	if (file) {
		ck_assert_int_ge(fd = mkstemp(path), 0);
		unlink(path);
		ck_assert_int_eq(write(fd, "skipped", 7), 7);
		ck_assert_int_eq(write(fd, json.p, json.n), (ssize_t)json.n);
		ck_assert_int_eq(lseek(fd, 7, SEEK_SET), 7);
	} else {
		pid = pipe_writer((const char *)json.p, json.n, false, &fd);
	}
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
	struct rd rd;
	struct jr r;
	struct crit_err err;

	reader_open(&rd, &r, &err, &src);
	ck_assert(!file || rd.ahead);
	struct tv *v = tv_read(&r);
	ck_assert_msg(v && jr_end(&r), "%u:%u %s", err.line, err.col, err.msg);
	const struct tv *s = tv_get(v, "s"), *n = tv_get(v, "n");
	ck_assert_uint_eq(s->len, want.n);
	ck_assert(memcmp(s->str, want.p, want.n) == 0);
	ck_assert_int_eq(s->str[s->len], 0);
	ck_assert_uint_eq(n->len, DIGITS + 5);
	ck_assert(strncmp(n->str, "-1", 2) == 0 && memcmp(n->str + 2, digits, DIGITS) == 0);
	ck_assert_str_eq(n->str + 2 + DIGITS, "e-7");
	ck_assert_uint_eq(n->col, (uint32_t)(json.n - DIGITS - 19 - 2 + 1));
	ck_assert_int_eq(tv_get(v, "last")->type, JV_TRUE);
	/* one scalar at a time, in a buffer that grew by doubling */
	ck_assert_uint_le(r.text.cap, 2 * (want.n + 1)); /* no runaway copies */
	tv_free(v);
	reader_close(&rd, &r);
	if (file) {
		ck_assert_int_eq(lseek(fd, 0, SEEK_CUR), (off_t)(7 + json.n));
		close(fd);
	} else {
		writer_done(pid, fd);
	}
	}
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
	struct tv *v;

	ck_assert_ptr_nonnull(img);
	doc_open(&d, img, len);
	ck_assert_int_eq(jr_next(&d.r), -1);
	ck_assert_int_eq(d.err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(d.err.msg, NOTJSON);
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, 1);
	const char *name;
	size_t n;
	struct buf text = { 0 };
	struct jr_pos at;
	/* the error sticks */
	ck_assert(!jr_member(&d.r, &name, &n));
	ck_assert(!jr_element(&d.r));
	ck_assert_int_eq(jr_next(&d.r), -1);
	ck_assert(!jr_skip(&d.r));
	ck_assert(!jr_copy(&d.r, &text, &at));
	ck_assert_uint_eq(text.n, 0);
	ck_assert(!jr_end(&d.r));
	ck_assert_int_eq(d.err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(d.err.msg, NOTJSON);
	ck_assert_uint_eq(d.err.col, 1);
	doc_close(&d);

	ck_assert(!doc_parse(&d, img, len, &v));
	ck_assert_int_eq(d.err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(d.err.msg, NOTJSON);
	doc_close(&d);
	free(img);

	/* From a file descriptor, as crit encode reads it. */
	int fd = open("fixtures/loop/core-21663.img", O_RDONLY);
	ck_assert_int_ge(fd, 0);
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
	struct rd rd;
	struct jr r;
	struct crit_err err;
	reader_open(&rd, &r, &err, &src);
	ck_assert_int_eq(jr_next(&r), -1);
	ck_assert_int_eq(err.code, CRIT_E_NOTJSON);
	ck_assert_str_eq(err.msg, NOTJSON);
	ck_assert_uint_eq(err.line, 1);
	ck_assert_uint_eq(err.col, 1);
	reader_close(&rd, &r);
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

static void emit(struct jw *w, const struct tv *v)
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
		if (errno || *end)
			ck_abort_msg("number '%s'", v->str);
		break;
	case JV_STRING:
		jw_str(w, v->str, v->len);
		break;
	case JV_ARRAY:
		jw_arr_open(w);
		for (const struct tv *c = v->first; c; c = c->next)
			emit(w, c);
		jw_arr_close(w);
		break;
	case JV_OBJECT:
		jw_obj_open(w);
		for (const struct tv *c = v->first; c; c = c->next) {
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
 * by member, an array member element by element with one value in memory
 * at a time; write it back with json.c. Returns the number of elements
 * of the last array member. */
static uint32_t walk_and_rewrite(const struct crit_source *src, bool pretty, const char *file)
{
	struct rd rd;
	struct jr r;
	struct crit_err err;
	struct jw *w = capture_start(pretty, 509);
	const char *name;
	size_t len;
	uint32_t count = 0;

	reader_open(&rd, &r, &err, src);
	ck_assert_msg(jr_next(&r) == JV_OBJECT, "%s: %s", file, err.msg);
	ck_assert_str_eq(path_of(&r), "");
	jw_obj_open(w);
	while (jr_member(&r, &name, &len)) {
		ck_assert_str_eq(path_of(&r), name);
		ck_assert_uint_eq(strlen(name), len);
		jw_key(w, name);
		char key[JR_MAX_NAME + 1];
		snprintf(key, sizeof(key), "%s", name);
		int t = jr_next(&r);
		ck_assert_str_eq(path_of(&r), key);
		if (t != JV_ARRAY) {
			struct tv *v = tv_build(&r, t);
			ck_assert_msg(v, "%s: %s", file, err.msg);
			emit(w, v);
			tv_free(v);
			continue;
		}
		jw_arr_open(w);
		for (count = 0; jr_element(&r); count++) {
			char path[300];
			snprintf(path, sizeof(path), "%s[%u]", key, count);
			ck_assert_str_eq(path_of(&r), path);
			struct tv *v = tv_read(&r);
			ck_assert_msg(v, "%s: %u:%u %s", file, err.line, err.col, err.msg);
			ck_assert_str_eq(path_of(&r), path);
			emit(w, v);
			tv_free(v);
		}
		ck_assert_str_eq(path_of(&r), key); /* the array closed */
		jw_arr_close(w);
	}
	ck_assert_msg(!crit_failed(&err), "%s: %u:%u %s", file, err.line, err.col, err.msg);
	ck_assert_str_eq(path_of(&r), "");
	ck_assert_int_eq(r.depth, 0);
	ck_assert(jr_end(&r));
	jw_obj_close(w);
	reader_close(&rd, &r);
	return count;
}

static void rewrites_to_itself(const char *file)
{
	size_t len, outlen;
	char *json = slurp(file, &len);

	ck_assert_ptr_nonnull(json);
	ck_assert(len > 0 && json[len - 1] == '\n'); /* CRIT's newline */
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = json, .size = len };
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
		struct tv *v;
		const char *name;
		size_t n;
		doc_open(&d, json, len);

		ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
		ck_assert(jr_member(&d.r, &name, &n));
		ck_assert_str_eq(name, "magic");
		ck_assert_uint_eq(n, 5);
		v = doc_value(&d);
		ck_assert_ptr_nonnull(v);
		str_is(v, S("PSTREE"));
		ck_assert_uint_eq(v->line, i ? 2 : 1);
		ck_assert_uint_eq(v->col, i ? 14 : 11);
		ck_assert(jr_member(&d.r, &name, &n));
		ck_assert_str_eq(name, "entries");
		ck_assert_int_eq(jr_next(&d.r), JV_ARRAY);
		static const char *const pids[] = { "21663", "21793" }, *const ppids[] = { "0", "21663" };
		uint32_t count = 0;
		while (jr_element(&d.r)) {
			ck_assert_uint_lt(count, 2);
			v = tv_read(&d.r);
			ck_assert_ptr_nonnull(v);
			ck_assert_int_eq(v->type, JV_OBJECT);
			ck_assert_uint_eq(v->n, 5);
			num_is(tv_get(v, "pid"), pids[count]);
			num_is(tv_get(v, "ppid"), ppids[count]);
			num_is(tv_get(v, "pgid"), "21663");
			num_is(tv_get(v, "sid"), "21663");
			const struct tv *t = tv_get(v, "threads");
			ck_assert_int_eq(t->type, JV_ARRAY);
			ck_assert_uint_eq(t->n, 1);
			num_is(t->first, pids[count]);
			if (i == 1) /* pretty: each entry on its own lines */
				ck_assert_uint_eq(v->line, count ? 13 : 4);
			tv_free(v);
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

/* ------------------------------------------------------------------ */
/* the quick way agrees with the general one                            */
/* ------------------------------------------------------------------ */

/* Two trees the same: types, text, keys and where each value starts. */
static void tv_same(const struct tv *a, const struct tv *b, const char *file)
{
	for (; a || b; a = a->next, b = b->next) {
		ck_assert_msg(a && b, "%s: a value too many or too few", file);
		ck_assert_msg(a->type == b->type && a->line == b->line && a->col == b->col,
			      "%s: %d at %u:%u, quick %d at %u:%u", file, a->type, a->line, a->col, b->type, b->line,
			      b->col);
		CHECK((a->str == NULL) == (b->str == NULL) && a->len == b->len);
		CHECK(!a->str || memcmp(a->str, b->str, a->len) == 0);
		CHECK((a->key == NULL) == (b->key == NULL) && a->keylen == b->keylen);
		CHECK(!a->key || memcmp(a->key, b->key, a->keylen) == 0);
		CHECK(a->n == b->n);
		tv_same(a->first, b->first, file);
	}
}

/* tv_build, but each member is first tried the quick way, with the name
 * the reference tree has there as the hint (or, when wrong, a name it
 * does not have, which must cost nothing). Counts the quick reads. */
static struct tv *tv_build_quick(struct jr *r, int t, const struct tv *ref, bool wrong, unsigned *quick)
{
	if (t < 0 || (t != JV_OBJECT && t != JV_ARRAY) || !ref)
		return tv_build(r, t);
	struct tv *v = calloc(1, sizeof(*v));
	CHECK(v);
	v->type = t;
	v->line = r->at.line;
	v->col = r->at.col;
	int depth = r->depth;
	const struct tv *rc = ref->first;
	for (;; rc = rc ? rc->next : NULL) {
		const char *name = NULL;
		size_t len = 0;
		struct tv *c = NULL;
		if (t == JV_OBJECT) {
			const char *hint = wrong ? "no such name" : rc ? rc->key : NULL;
			size_t off = r->rd->off;
			int q = jr_member_quick(r, hint, hint ? strlen(hint) : 0);
			if (q == JR_END) {
				CHECK(!rc && r->depth == depth - 1);
				break;
			}
			if (q >= 0) {
				CHECK(!wrong && r->st[depth - 1].name == hint);
				(*quick)++;
				c = tv_build(r, q);
				name = hint;
				len = strlen(hint);
			} else {
				CHECK(r->rd->off == off); /* nothing consumed */
				if (!jr_member(r, &name, &len))
					break;
			}
		} else if (!jr_element(r)) {
			break;
		}
		char *key = name ? dup_bytes(name, len) : NULL;
		if (!c)
			c = tv_build_quick(r, jr_next(r), rc, wrong, quick);
		CHECK(c && r->depth == depth);
		tv_append(v, c, key, len);
	}
	CHECK(!crit_failed(r->err) && r->depth == depth - 1);
	return v;
}

/* Read src the general way, then again the quick way (src2, the same
 * bytes): the same tree. Returns the quick reads. */
static unsigned quick_agrees(const struct crit_source *src, const struct crit_source *src2, bool wrong,
			     const char *file)
{
	struct rd rd;
	struct jr r;
	struct crit_err err;
	unsigned quick = 0;

	reader_open(&rd, &r, &err, src);
	struct tv *ref = tv_read(&r);
	ck_assert_msg(ref, "%s: %s", file, err.msg);
	reader_close(&rd, &r);
	reader_open(&rd, &r, &err, src2);
	struct tv *v = tv_build_quick(&r, jr_next(&r), ref, wrong, &quick);
	ck_assert_msg(v, "%s: %s", file, err.msg);
	CHECK(jr_end(&r));
	tv_same(ref, v, file);
	tv_free(ref);
	tv_free(v);
	reader_close(&rd, &r);
	return quick;
}

START_TEST(quick_members_agree)
{
	/* every number the quick way takes or leaves, strings, nesting, lines */
	static const char doc[] =
		"{\"a\": 0, \"b\": -0, \"c\": 7, \"d\": -7, \"e\": 12345678, \"f\": 123456789,\n"
		"\"g\": 1234567890123456789, \"h\": 9999999999999999999, \"i\": 18446744073709551615,\n"
		"\"j\": -9223372036854775808, \"k\": 1.5, \"l\": 1e5, \"m\": 2E-3, \"n\": \"plain\",\n"
		"  \"o\": \"esc\\n\", \"p\": \"\", \"q\": true, \"r\": null, \"s\": [1, {\"t\": 2}],\n"
		"\t\"u\" :\r\n 3 , \"v\":{\"w\":{}},\"x\":{\"y\":4 }  ,\n\n        \"z\": \"\\u00e9\"}"
		"                                \n"; /* room: the quick way wants 32 bytes ahead */
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = doc, .size = sizeof(doc) - 1 };
	ck_assert_uint_eq(quick_agrees(&src, &src, false, "doc"), 14);
	ck_assert_uint_eq(quick_agrees(&src, &src, true, "doc"), 0);

	/* every fixture's JSON, compact and pretty */
	glob_t g;
	unsigned quick = 0;
	ck_assert_int_eq(glob("fixtures/*/ref/*.json", 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		size_t len;
		char *json = slurp(g.gl_pathv[i], &len);
		ck_assert_ptr_nonnull(json);
		struct crit_source js = { .kind = CRIT_SOURCE_BUFFER, .data = json, .size = len };
		quick += quick_agrees(&js, &js, false, g.gl_pathv[i]);
		free(json);
	}
	ck_assert_uint_ge(g.gl_pathc, 500);
	ck_assert_uint_ge(quick, 10000);
	globfree(&g);

	/* one byte per write through a pipe: the window holds little */
	size_t len;
	int fd;
	char *json = slurp("fixtures/loop/ref/core-21663.img.pretty.json", &len);
	ck_assert_ptr_nonnull(json);
	struct crit_source whole = { .kind = CRIT_SOURCE_BUFFER, .data = json, .size = len };
	pid_t pid = pipe_writer(json, len, true, &fd);
	struct crit_source piped = { .kind = CRIT_SOURCE_FD, .fd = fd };
	ck_assert_uint_gt(quick_agrees(&whole, &piped, false, "pipe"), 0);
	writer_done(pid, fd);
	free(json);
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
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
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
	struct tv *v;
	const char *name;
	size_t len;

	/* An error inside an entry names its path; the walk then stops. */
	doc_open(&d, S("{\"magic\": \"X\", \"entries\": [{\"a\": 1}, {\"tcp\": {\"opts\": [1, ]}}]}"));
	ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
	ck_assert(jr_member(&d.r, &name, &len) && doc_value(&d));
	ck_assert(jr_member(&d.r, &name, &len) && jr_next(&d.r) == JV_ARRAY);
	ck_assert_str_eq(path_of(&d.r), "entries");
	ck_assert(jr_element(&d.r) && doc_value(&d));
	ck_assert_str_eq(path_of(&d.r), "entries[0]");
	ck_assert(jr_element(&d.r));
	ck_assert_str_eq(path_of(&d.r), "entries[1]");
	/* into a buffer of any size: cut with "..." when short */
	char small[12];
	memset(small, '#', sizeof(small));
	jr_path(&d.r, small, 0);
	ck_assert_int_eq(small[0], '#');
	jr_path(&d.r, small, 1);
	ck_assert_str_eq(small, "");
	jr_path(&d.r, small, 11);
	ck_assert_str_eq(small, "entries[1]");
	jr_path(&d.r, small, 10);
	ck_assert_str_eq(small, "entrie...");
	jr_path(&d.r, small, 8);
	ck_assert_str_eq(small, "entr...");
	ck_assert_ptr_null(doc_value(&d));
	ck_assert_int_eq(d.err.code, CRIT_E_JSON);
	ck_assert_str_eq(d.err.msg, "entries[1].tcp.opts[1]: expected a value");
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, 59);
	ck_assert(!jr_element(&d.r));
	ck_assert_int_eq(jr_next(&d.r), -1);
	ck_assert(!jr_end(&d.r));
	ck_assert_str_eq(d.err.msg, "entries[1].tcp.opts[1]: expected a value"); /* the first error stays */
	ck_assert_uint_eq(d.err.col, 59);
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
		{ "", 0, 1, "expected a value, found the end of the input" },
	};
	for (int i = 0; i < N(cases); i++) {
		doc_open(&d, cases[i].json, strlen(cases[i].json));
		int steps = 0;
		if (jr_next(&d.r) == JV_OBJECT) {
			while (jr_member(&d.r, &name, &len)) {
				steps++;
				bool entries = strcmp(name, "entries") == 0;
				int t = jr_next(&d.r);
				if (!entries || t != JV_ARRAY) {
					if (!(v = tv_build(&d.r, t)))
						break;
					tv_free(v);
					continue;
				}
				while (jr_element(&d.r) && ++steps && (v = tv_read(&d.r)))
					tv_free(v);
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

	/* What the top level holds is the caller's business: the reader only
	 * tells the type. */
	doc_open(&d, S(" []"));
	ck_assert_int_eq(jr_next(&d.r), JV_ARRAY);
	ck_assert_uint_eq(d.r.at.line, 1);
	ck_assert_uint_eq(d.r.at.col, 2);
	ck_assert(!jr_element(&d.r));
	ck_assert_int_eq(d.r.depth, 0);
	ck_assert(!crit_failed(&d.err) && jr_end(&d.r));
	doc_close(&d);

	/* Duplicate names reach the caller, which decides; r.at follows each
	 * name and value, and ends at the end of the input. */
	doc_open(&d, S(" {\"a\": 1, \"a\": [2]} \n "));
	ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
	ck_assert(d.r.at.line == 1 && d.r.at.col == 2);
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "a") == 0 && len == 1);
	ck_assert(d.r.at.line == 1 && d.r.at.col == 3);
	ck_assert_ptr_nonnull(v = doc_value(&d));
	num_is(v, "1");
	ck_assert(d.r.at.line == 1 && d.r.at.col == 8);
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "a") == 0 && len == 1);
	ck_assert(d.r.at.line == 1 && d.r.at.col == 11);
	ck_assert_ptr_nonnull(v = doc_value(&d));
	ck_assert_int_eq(v->type, JV_ARRAY);
	ck_assert(!jr_member(&d.r, &name, &len));
	ck_assert_ptr_null(name);
	ck_assert(!crit_failed(&d.err) && jr_end(&d.r));
	ck_assert(d.r.at.line == 2 && d.r.at.col == 2);
	doc_close(&d);

	/* Misuse is reported, not followed. */
	doc_open(&d, S("[1]"));
	ck_assert(!jr_member(&d.r, &name, &len)); /* nothing is open */
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	ck_assert_ptr_null(name);
	doc_close(&d);
	doc_open(&d, S("[1]"));
	ck_assert_int_eq(jr_next(&d.r), JV_ARRAY);
	ck_assert(!jr_member(&d.r, &name, &len)); /* an array */
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	ck_assert(strstr(d.err.msg, "jr_member"));
	ck_assert(!jr_element(&d.r)); /* and it sticks */
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	doc_close(&d);
	doc_open(&d, S("{\"a\": [1]}"));
	ck_assert(!jr_element(&d.r)); /* nothing is open */
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	doc_close(&d);
	doc_open(&d, S("{\"a\": [1]}"));
	ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
	ck_assert(!jr_element(&d.r)); /* an object */
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	ck_assert(strstr(d.err.msg, "jr_element"));
	doc_close(&d);
	doc_open(&d, S("{\"a\": [1]}"));
	ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
	ck_assert(jr_member(&d.r, &name, &len));
	ck_assert_int_eq(jr_next(&d.r), JV_ARRAY);
	ck_assert(jr_element(&d.r));
	ck_assert_int_eq(jr_next(&d.r), JV_NUMBER);
	ck_assert(!jr_member(&d.r, &name, &len)); /* the array, not the object */
	ck_assert_int_eq(d.err.code, CRIT_E_USAGE);
	doc_close(&d);
}
END_TEST

/* Errors the caller finds in a value it read: at the value (or a place
 * saved from r.at), named by where the reader is. */
START_TEST(fail_at_a_value)
{
	struct doc d;
	const char *name;
	size_t len;

	doc_open(&d, S("{\"entries\": [\n  {\"x\": {\"y\": \"no\"}}]}"));
	ck_assert(jr_next(&d.r) == JV_OBJECT && jr_member(&d.r, &name, &len) && jr_next(&d.r) == JV_ARRAY);
	ck_assert(jr_element(&d.r) && jr_next(&d.r) == JV_OBJECT);
	struct jr_pos entry = d.r.at;
	ck_assert(entry.line == 2 && entry.col == 3);
	ck_assert(jr_member(&d.r, &name, &len) && jr_next(&d.r) == JV_OBJECT);
	ck_assert(jr_member(&d.r, &name, &len) && jr_next(&d.r) == JV_STRING);
	ck_assert_str_eq(d.r.str, "no");
	ck_assert(!jr_fail(&d.r, CRIT_E_TYPE, "expected %s", "an integer"));
	ck_assert_int_eq(d.err.code, CRIT_E_TYPE);
	ck_assert_str_eq(d.err.msg, "entries[0].x.y: expected an integer");
	ck_assert_uint_eq(d.err.line, 2);
	ck_assert_uint_eq(d.err.col, 15);
	/* the first error is kept */
	ck_assert(!jr_fail_pos(&d.r, entry, CRIT_E_KEY, "other"));
	ck_assert(!jr_fail(&d.r, CRIT_E_KEY, "other"));
	ck_assert_int_eq(d.err.code, CRIT_E_TYPE);
	ck_assert_str_eq(d.err.msg, "entries[0].x.y: expected an integer");
	ck_assert_uint_eq(d.err.line, 2);
	ck_assert_uint_eq(d.err.col, 15);
	doc_close(&d);

	/* At a place saved before: an entry found wanting once it is read
	 * whole, reported at its start under the reader's path now. */
	doc_open(&d, S("{\"entries\": [\n  {\"x\": {\"y\": \"no\"}}]}"));
	ck_assert(jr_next(&d.r) == JV_OBJECT && jr_member(&d.r, &name, &len) && jr_next(&d.r) == JV_ARRAY);
	ck_assert(jr_element(&d.r) && jr_next(&d.r) == JV_OBJECT);
	entry = d.r.at;
	ck_assert(jr_member(&d.r, &name, &len) && jr_skip(&d.r));
	ck_assert(!jr_member(&d.r, &name, &len) && !crit_failed(&d.err));
	ck_assert(!jr_fail_pos(&d.r, entry, CRIT_E_KEY, "missing %s", "\"z\""));
	ck_assert_int_eq(d.err.code, CRIT_E_KEY);
	ck_assert_str_eq(d.err.msg, "entries[0]: missing \"z\"");
	ck_assert_uint_eq(d.err.line, 2);
	ck_assert_uint_eq(d.err.col, 3);
	doc_close(&d);

	doc_open(&d, S("[7]"));
	ck_assert(jr_next(&d.r) == JV_ARRAY && jr_element(&d.r) && jr_next(&d.r) == JV_NUMBER);
	ck_assert(!jr_fail(&d.r, CRIT_E_TYPE, "bad %d", 7));
	ck_assert_str_eq(d.err.msg, "[0]: bad 7");
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, 2);
	doc_close(&d);

	/* At the top level: no path. */
	doc_open(&d, S("\n 7"));
	ck_assert_int_eq(jr_next(&d.r), JV_NUMBER);
	ck_assert(!jr_fail(&d.r, CRIT_E_TYPE, "bad %d", 7));
	ck_assert_str_eq(d.err.msg, "bad 7");
	ck_assert_uint_eq(d.err.line, 2);
	ck_assert_uint_eq(d.err.col, 2);
	doc_close(&d);

	doc_open(&d, S("{\"magic\": 5}"));
	ck_assert(jr_next(&d.r) == JV_OBJECT && jr_member(&d.r, &name, &len) && jr_next(&d.r) == JV_NUMBER);
	ck_assert(!jr_fail(&d.r, CRIT_E_TYPE, "not a string"));
	ck_assert_str_eq(d.err.msg, "magic: not a string");
	ck_assert_uint_eq(d.err.col, 11);
	doc_close(&d);

	/* Right after jr_member: at the member's name. */
	doc_open(&d, S("{\"magic\": 5, \"bogus\": 1}"));
	ck_assert(jr_next(&d.r) == JV_OBJECT && jr_member(&d.r, &name, &len) && jr_skip(&d.r));
	ck_assert(jr_member(&d.r, &name, &len));
	ck_assert(!jr_fail(&d.r, CRIT_E_KEY, "unknown member"));
	ck_assert_str_eq(d.err.msg, "bogus: unknown member");
	ck_assert_uint_eq(d.err.col, 14);
	doc_close(&d);

	/* After jr_end: at the end of the input. */
	doc_open(&d, S("{}\n  "));
	ck_assert(jr_next(&d.r) == JV_OBJECT && !jr_member(&d.r, &name, &len) && jr_end(&d.r));
	ck_assert(!jr_fail(&d.r, CRIT_E_KEY, "no magic"));
	ck_assert_str_eq(d.err.msg, "no magic");
	ck_assert_uint_eq(d.err.line, 2);
	ck_assert_uint_eq(d.err.col, 3);
	doc_close(&d);
}
END_TEST

/* ------------------------------------------------------------------ */
/* skip and copy                                                        */
/* ------------------------------------------------------------------ */

/* Two trees alike: types, text, names and where every value starts. */
static void same_tree(const struct tv *a, const struct tv *b)
{
	ck_assert_int_eq(a->type, b->type);
	ck_assert_msg(a->line == b->line && a->col == b->col, "%u:%u, not %u:%u", b->line, b->col, a->line,
		      a->col);
	ck_assert_uint_eq(a->len, b->len);
	ck_assert(a->len == 0 || memcmp(a->str, b->str, a->len) == 0);
	ck_assert_uint_eq(a->keylen, b->keylen);
	ck_assert(a->keylen == 0 || memcmp(a->key, b->key, a->keylen) == 0);
	ck_assert_uint_eq(a->n, b->n);
	for (const struct tv *x = a->first, *y = b->first; x || y; x = x->next, y = y->next) {
		ck_assert(x && y);
		same_tree(x, y);
	}
}

/* A reader over text that jr_copy kept, which started at at. */
static void copy_open(struct doc *d, const char *s, size_t n, struct jr_pos at, const char *prefix)
{
	doc_open(d, s, n);
	jr_init_at(&d->r, &d->rd, &d->err, at, prefix);
}

START_TEST(skip_and_copy)
{
	static const char json[] = "{\"magic\": \"X\",\n"
				   "  \"skip\": {\"deep\": [1, {\"x\": \"y\"}], \"s\": \"\\u00e9\"}, \"n\": -1.5e3,\n"
				   "  \"entries\":   [{\"a\": 1}, {\"b\": \"x\"},\n"
				   "      {\"c\": [true, null]}  ] \n"
				   "}\n";
	static const char entries[] = "[{\"a\": 1}, {\"b\": \"x\"},\n      {\"c\": [true, null]}  ]";
	struct doc d, c;
	const char *name;
	size_t len;
	struct buf text = { 0 };
	struct jr_pos at = { 0, 0 };

	/* Skipped values are checked and gone; a copied one is kept as
	 * written, from its first byte to its last, appended to the buffer. */
	doc_open(&d, S(json));
	ck_assert_int_eq(jr_next(&d.r), JV_OBJECT);
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "magic") == 0);
	ck_assert(jr_skip(&d.r));
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "skip") == 0);
	ck_assert(jr_skip(&d.r));
	ck_assert_int_eq(d.r.depth, 1);
	ck_assert_str_eq(path_of(&d.r), "skip");
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "n") == 0);
	ck_assert(jr_skip(&d.r));
	ck_assert(jr_member(&d.r, &name, &len) && strcmp(name, "entries") == 0);
	ck_assert(buf_put(&text, "pre:", 4));
	ck_assert(jr_copy(&d.r, &text, &at));
	ck_assert_int_eq(d.r.depth, 1);
	ck_assert_str_eq(path_of(&d.r), "entries");
	ck_assert_uint_eq(at.line, 3);
	ck_assert_uint_eq(at.col, 16);
	ck_assert_msg(text.n == 4 + strlen(entries) && memcmp(text.p, "pre:", 4) == 0 &&
			      memcmp(text.p + 4, entries, strlen(entries)) == 0,
		      "copied '%.*s'", (int)text.n, (const char *)text.p);
	ck_assert(!jr_member(&d.r, &name, &len));
	ck_assert(!crit_failed(&d.err) && jr_end(&d.r));
	doc_close(&d);

	/* Read again where it was: every value at its place in the whole. */
	struct tv *whole = parses(&d, S(json));
	const struct tv *want = tv_get(whole, "entries");
	copy_open(&c, (const char *)text.p + 4, text.n - 4, at, "entries");
	struct tv *again = doc_value(&c);
	ck_assert_msg(again && jr_end(&c.r), "%u:%u %s", c.err.line, c.err.col, c.err.msg);
	ck_assert_ptr_null(again->key);
	ck_assert_uint_eq(again->n, 3);
	struct tv top = *want; /* the copy's root has no name */
	top.key = NULL;
	top.keylen = 0;
	same_tree(&top, again);
	ck_assert_uint_eq(c.r.at.line, 4); /* its end */
	ck_assert_uint_eq(c.r.at.col, 29);
	doc_close(&c);

	/* Errors found in the copy read like errors in the whole. */
	const struct tv *b = tv_get(child(want, 1), "b");
	ck_assert(b->line == 3 && b->col == 33);
	copy_open(&c, (const char *)text.p + 4, text.n - 4, at, "entries");
	ck_assert(jr_next(&c.r) == JV_ARRAY && jr_element(&c.r) && jr_skip(&c.r) && jr_element(&c.r));
	ck_assert(jr_next(&c.r) == JV_OBJECT && jr_member(&c.r, &name, &len) && jr_next(&c.r) == JV_STRING);
	ck_assert(!jr_fail(&c.r, CRIT_E_TYPE, "expected an integer"));
	ck_assert_str_eq(c.err.msg, "entries[1].b: expected an integer");
	ck_assert_uint_eq(c.err.line, 3);
	ck_assert_uint_eq(c.err.col, 33);
	doc_close(&c);
	doc_close(&d);
	free(text.p);

	/* ... and so do grammar errors, on the first line or a later one. */
	static const struct {
		const char *copy;
		uint32_t line, col;
		const char *msg;
	} bad[] = {
		{ "[{\"a\": 1},\n {\"b\": x}]", 4, 8, "entries[1].b: invalid literal 'x'" },
		{ "[x]", 3, 17, "entries[0]: invalid literal 'x'" },
		{ "[1, ", 3, 20, "entries: input ends inside an array" },
		{ "{\"a\": [1 2]}", 3, 25, "entries.a: expected ',' or ']' after an element" },
		{ "\"\\q\"", 3, 17, "entries: invalid escape '\\q'" },
		{ "", 3, 16, "entries: expected a value, found the end of the input" },
		/* a part of a document: its first byte is not the input's */
		{ "}", 3, 16, "entries: expected a value" },
	};
	for (int i = 0; i < N(bad); i++) {
		struct tv *v;
		copy_open(&c, bad[i].copy, strlen(bad[i].copy), (struct jr_pos){ 3, 16 }, "entries");
		ck_assert(!(v = doc_value(&c)) || !jr_end(&c.r));
		ck_assert_msg(c.err.code == CRIT_E_JSON && c.err.line == bad[i].line && c.err.col == bad[i].col &&
				      strcmp(c.err.msg, bad[i].msg) == 0,
			      "'%s': %d %u:%u %s", bad[i].copy, c.err.code, c.err.line, c.err.col, c.err.msg);
		doc_close(&c);
	}

	/* A value that is not JSON is not copied: the same error as reading. */
	doc_open(&d, S("{\"entries\":  [{\"b\": x}]}"));
	ck_assert(jr_next(&d.r) == JV_OBJECT && jr_member(&d.r, &name, &len));
	text = (struct buf){ 0 };
	ck_assert(!jr_copy(&d.r, &text, &at));
	ck_assert_int_eq(d.err.code, CRIT_E_JSON);
	ck_assert_str_eq(d.err.msg, "entries[0].b: invalid literal 'x'");
	ck_assert_uint_eq(d.err.line, 1);
	ck_assert_uint_eq(d.err.col, 21);
	free(text.p);
	doc_close(&d);
	doc_open(&d, S("{\"entries\":  [{\"b\": x}]}"));
	ck_assert(jr_next(&d.r) == JV_OBJECT && jr_member(&d.r, &name, &len));
	ck_assert(!jr_skip(&d.r));
	ck_assert_str_eq(d.err.msg, "entries[0].b: invalid literal 'x'");
	ck_assert_uint_eq(d.err.col, 21);
	doc_close(&d);

	/* Scalars are copied as written (escapes and all), without the white
	 * space around them; copies append. */
	doc_open(&d, S("[ \"a\\n\\u00e9\" ,\n\t-1.5E+3 ,true,  null  ,{ } ,[\n] ]"));
	static const struct {
		const char *text;
		uint32_t line, col;
	} want_copies[] = {
		{ "\"a\\n\\u00e9\"", 1, 3 }, { "-1.5E+3", 2, 2 }, { "true", 2, 11 },
		{ "null", 2, 18 }, { "{ }", 2, 25 }, { "[\n]", 2, 30 },
	};
	ck_assert_int_eq(jr_next(&d.r), JV_ARRAY);
	text = (struct buf){ 0 };
	size_t was = 0;
	for (int i = 0; i < N(want_copies); i++) {
		ck_assert(jr_element(&d.r));
		ck_assert(jr_copy(&d.r, &text, &at));
		size_t n = strlen(want_copies[i].text);
		ck_assert_msg(text.n == was + n && memcmp(text.p + was, want_copies[i].text, n) == 0,
			      "copy %d: '%.*s'", i, (int)(text.n - was), (const char *)text.p + was);
		ck_assert_msg(at.line == want_copies[i].line && at.col == want_copies[i].col, "copy %d at %u:%u",
			      i, at.line, at.col);
		was = text.n;
	}
	ck_assert(!jr_element(&d.r));
	ck_assert(!crit_failed(&d.err) && jr_end(&d.r));
	free(text.p);
	doc_close(&d);

	/* A copied scalar read again: errors under the prefix alone. */
	copy_open(&c, S("\"no\""), (struct jr_pos){ 7, 9 }, "entries[2].name");
	ck_assert_int_eq(jr_next(&c.r), JV_STRING);
	ck_assert(c.r.at.line == 7 && c.r.at.col == 9);
	ck_assert(jr_end(&c.r));
	ck_assert(c.r.at.line == 7 && c.r.at.col == 13);
	ck_assert(!jr_fail_pos(&c.r, (struct jr_pos){ 7, 9 }, CRIT_E_TYPE, "not a number"));
	ck_assert_str_eq(c.err.msg, "entries[2].name: not a number");
	ck_assert(c.err.line == 7 && c.err.col == 9);
	doc_close(&c);
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
	tcase_add_test(tc, longer_than_the_window_through_a_pipe_and_a_file);
	tcase_add_test(tc, an_image_is_not_json);
	tcase_add_test(tc, binary_after_a_good_start);
	tcase_add_test(tc, walks_pstree);
	tcase_add_test(tc, rewrites_every_fixture_output);
	tcase_add_test(tc, walks_a_pipe);
	tcase_add_test(tc, top_level_errors_and_paths);
	tcase_add_test(tc, fail_at_a_value);
	tcase_add_test(tc, skip_and_copy);
	tcase_add_test(tc, quick_members_agree);
	suite_add_tcase(s, tc);
	return s;
}
