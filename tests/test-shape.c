/*
 * test-shape.c - objects shaped as the last ones (src/codec/shape.c) are written
 * as the general way writes them, and errors among them point where they
 * are.
 *
 * The oracle: an image of one entry is encoded the general way only (a
 * shape is learnt from an object read that way, and each encode starts
 * with none), so a document of many mount entries must give the bytes of
 * its entries each encoded alone. The entries vary the way real ones do
 * and the way edited ones might: values of every kind, members added,
 * left out and reordered, strings with escapes, numbers as strings, more
 * shapes than are kept, white space; compact, pretty, and through a pipe
 * whose window cuts objects anywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests.h"

static bool encode_src(const struct crit_source *src, struct membuf *out, struct crit_err *err)
{
	return crit_encode(src, membuf_sink(out), err);
}

static bool encode_text(const char *json, size_t len, struct membuf *out, struct crit_err *err)
{
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = json, .size = len };
	return encode_src(&src, out, err);
}

/* Mount entry i, in one of several shapes (mnt_entry: uint32, dev, hex,
 * strings, bool). sep goes between members. */
static int mount_entry(char *out, size_t size, int i, const char *sep)
{
	char m[12][64];
	int n = 0, len = 0;

	/* a number written as a string, and a space before ':' */
	snprintf(m[n++], sizeof(m[0]), i % 13 == 0 ? "\"fstype\" : \"%d\"" : "\"fstype\": %d", i % 3);
	snprintf(m[n++], sizeof(m[0]), "\"mnt_id\": %d", i);
	if (i % 5 == 0) /* --pretty's major:minor */
		snprintf(m[n++], sizeof(m[0]), "\"root_dev\": \"%d:%d\"", i % 8, i % 3);
	else
		snprintf(m[n++], sizeof(m[0]), "\"root_dev\": %d", i * 7);
	snprintf(m[n++], sizeof(m[0]), "\"parent_mnt_id\": 1");
	snprintf(m[n++], sizeof(m[0]), i % 4 ? "\"flags\": %d" : "\"flags\": \"0x%x\"", i * 4096);
	snprintf(m[n++], sizeof(m[0]), "\"root\": \"/\"");
	snprintf(m[n++], sizeof(m[0]), "\"mountpoint\": \"/mnt/%d\"", i);
	/* an escape: a string the quick way does not take */
	snprintf(m[n++], sizeof(m[0]), i % 7 == 0 ? "\"source\": \"dev\\u0041%d\"" : "\"source\": \"dev %d\"", i);
	snprintf(m[n++], sizeof(m[0]), "\"options\": \"rw\"");
	if (i % 6 == 0) {
		snprintf(m[n++], sizeof(m[0]), "\"shared_id\": %d", i);
		snprintf(m[n++], sizeof(m[0]), "\"master_id\": %d", i + 1);
	}
	if (i % 3)
		snprintf(m[n++], sizeof(m[0]), "\"with_plugin\": %s", i % 3 == 1 ? "true" : "false");
	if (i % 11 == 0) { /* members out of order */
		char t[sizeof(m[0])];
		memcpy(t, m[0], sizeof(t));
		memcpy(m[0], m[1], sizeof(t));
		memcpy(m[1], t, sizeof(t));
	}
	for (int k = 0; k < n; k++)
		len += snprintf(out + len, size - (size_t)len, "%s%s%s%s", k ? "," : "{", k ? sep : "", m[k],
				k + 1 == n ? "}" : "");
	return len;
}

static void append(struct membuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		ck_assert_ptr_nonnull(b->data);
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = 0;
}

static void appends(struct membuf *b, const char *s)
{
	append(b, s, strlen(s));
}

/* n mount entries as one document, member separator sep and entry
 * separator between; and the image they must make: each entry encoded
 * alone. */
static void mounts(int n, const char *sep, const char *between, struct membuf *doc, struct membuf *want)
{
	static const size_t head = 8; /* IMG_COMMON and the magic */
	char entry[1024];

	appends(doc, "{\"magic\": \"MNTS\", \"entries\": [");
	for (int i = 0; i < n; i++) {
		int len = mount_entry(entry, sizeof(entry), i, sep);
		ck_assert_int_lt(len, (int)sizeof(entry));
		if (i)
			appends(doc, between);
		append(doc, entry, (size_t)len);

		struct membuf alone = { 0 }, one = { 0 };
		struct crit_err err;
		appends(&alone, "{\"magic\": \"MNTS\", \"entries\": [");
		append(&alone, entry, (size_t)len);
		appends(&alone, "]}");
		ck_assert_msg(encode_text(alone.data, alone.len, &one, &err), "entry %d: %s", i, err.msg);
		ck_assert_uint_gt(one.len, head);
		append(want, one.data + (i ? head : 0), one.len - (i ? head : 0));
		membuf_free(&alone);
		membuf_free(&one);
	}
	appends(doc, "]}\n");
}

static void same_bytes(const struct membuf *got, const struct membuf *want, const char *how)
{
	size_t i = 0;

	while (i < got->len && i < want->len && got->data[i] == want->data[i])
		i++;
	ck_assert_msg(got->len == want->len && i == got->len, "%s: %zu bytes, not %zu; first difference at %zu", how,
		      got->len, want->len, i);
}

START_TEST(shaped_objects_write_what_the_general_way_writes)
{
	static const struct {
		const char *sep, *between;
	} forms[] = {
		{ " ", ", " },                            /* compact */
		{ "\n        ", ",\n    " },             /* pretty */
		{ "", "," },                              /* no white space */
		{ " \t\r\n ", " ,\n\n " },               /* odd white space */
	};

	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
		struct membuf doc = { 0 }, want = { 0 }, got = { 0 };
		struct crit_err err;
		mounts(3000, forms[k].sep, forms[k].between, &doc, &want);
		ck_assert_msg(encode_text(doc.data, doc.len, &got, &err), "form %zu: %u:%u: %s", k, err.line,
			      err.col, err.msg);
		same_bytes(&got, &want, "from memory");
		membuf_free(&got);

		/* through a pipe: the window cuts objects at every place */
		int fd;
		pid_t pid = pipe_writer(doc.data, doc.len, false, &fd);
		struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
		ck_assert_msg(encode_src(&src, &got, &err), "form %zu, piped: %u:%u: %s", k, err.line, err.col,
			      err.msg);
		writer_done(pid, fd);
		same_bytes(&got, &want, "through a pipe");
		membuf_free(&doc);
		membuf_free(&want);
		membuf_free(&got);
	}
}
END_TEST

/* A cgroup entry whose one directory has n properties, each after sep or,
 * with odd, after sep and a space every other one: then no two elements in
 * a row come after the same text, and none is taken in a run. Values of
 * lengths around 128 and 16384 give lengths of one to three bytes. */
static void cgroup_doc(struct membuf *doc, int n, const char *sep, bool odd)
{
	static char value[20000];
	memset(value, 'v', sizeof(value));
	appends(doc, "{\"magic\": \"CGROUP\", \"entries\": [{\"controllers\": [{\"cnames\": [\"cpu\"], "
		     "\"dirs\": [{\"dir_name\": \"a\", \"properties\": [");
	for (int i = 0; i < n; i++) {
		int len = i % 50 == 7 ? 16370 + i % 30 : 110 + i % 40;
		char head[64];
		snprintf(head, sizeof(head), "%s%s{\"name\": \"p%d\", \"value\": \"", i ? sep : "",
			 odd && i % 2 ? " " : "", i);
		appends(doc, head);
		append(doc, value, (size_t)len);
		appends(doc, "\"}");
	}
	appends(doc, "]}]}]}]}\n");
}

START_TEST(runs_of_nested_objects_write_what_one_at_a_time_writes)
{
	static const char *const seps[] = { ", ", ",\n                    " };

	for (size_t k = 0; k < sizeof(seps) / sizeof(seps[0]); k++) {
		struct membuf doc = { 0 }, alone = { 0 }, want = { 0 }, got = { 0 };
		struct crit_err err;
		cgroup_doc(&doc, 400, seps[k], false);
		cgroup_doc(&alone, 400, seps[k], true);
		ck_assert_msg(encode_text(alone.data, alone.len, &want, &err), "%u:%u: %s", err.line, err.col, err.msg);
		ck_assert_msg(encode_text(doc.data, doc.len, &got, &err), "%u:%u: %s", err.line, err.col, err.msg);
		same_bytes(&got, &want, "from memory");
		membuf_free(&got);
		int fd;
		pid_t pid = pipe_writer(doc.data, doc.len, false, &fd);
		struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
		ck_assert_msg(encode_src(&src, &got, &err), "piped: %u:%u: %s", err.line, err.col, err.msg);
		writer_done(pid, fd);
		same_bytes(&got, &want, "through a pipe");
		membuf_free(&doc);
		membuf_free(&alone);
		membuf_free(&want);
		membuf_free(&got);
	}
}
END_TEST

/* The line and column of byte off of s, from 1. */
static void line_col(const char *s, size_t off, uint32_t *line, uint32_t *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* The document of 500 pretty mount entries with bad in place of the
 * first occurrence of good after entry 400's mountpoint: the error is
 * the byte delta bytes into bad. */
static void error_among_shapes(const char *good, const char *bad, size_t delta, enum crit_code code,
			       const char *needle)
{
	struct membuf doc = { 0 }, want = { 0 }, got = { 0 }, edited = { 0 };
	struct crit_err err;

	mounts(500, "\n        ", ",\n    ", &doc, &want);
	const char *entry = strstr(doc.data, "\"/mnt/400\"");
	ck_assert_ptr_nonnull(entry);
	const char *at = strstr(entry, good);
	ck_assert_ptr_nonnull(at);
	size_t off = (size_t)(at - doc.data);
	append(&edited, doc.data, off);
	appends(&edited, bad);
	appends(&edited, at + strlen(good));

	uint32_t line, col;
	line_col(edited.data, off + delta, &line, &col);
	ck_assert_msg(!encode_text(edited.data, edited.len, &got, &err), "'%s' encoded", bad);
	ck_assert_msg(err.code == code, "code %d, not %d: %s", err.code, code, err.msg);
	ck_assert_msg(err.line == line && err.col == col, "at %u:%u, not %u:%u: %s", err.line, err.col, line, col,
		      err.msg);
	ck_assert_msg(strstr(err.msg, needle), "'%s' lacks '%s'", err.msg, needle);
	membuf_free(&doc);
	membuf_free(&want);
	membuf_free(&got);
	membuf_free(&edited);
}

START_TEST(errors_among_shaped_objects_point_where_they_are)
{
	/* after entry 400's mountpoint: its source, then its options */
	error_among_shapes("\"dev 400\"", "\"dev 400\x01\"", 8, CRIT_E_JSON, "entries[400].source");
	error_among_shapes("\"rw\"", "4294967296", 0, CRIT_E_TYPE, "entries[400].options: options must be a string");
	error_among_shapes("\"options\"", "\"option\"", 0, CRIT_E_KEY, "entries[400].option: mnt_entry has no field");
	error_among_shapes("\"rw\"", "\"rw\" \"rw\"", 5, CRIT_E_JSON, "entries[400]");
	/* in entry 401, whose members before the mistake match a shape */
	error_among_shapes("\"mnt_id\": 401", "\"mnt_id\": -401", 10, CRIT_E_TYPE, "-401 is out of range for mnt_id");
	error_among_shapes("\"mnt_id\": 401", "\"mnt_id\": 401.5", 10, CRIT_E_TYPE, "must be a whole number");
	error_among_shapes("\"with_plugin\": false", "\"with_plugin\": 0", 15, CRIT_E_TYPE,
			   "with_plugin must be true or false");

	/* the input ends inside entry 401, after a member */
	struct membuf doc = { 0 }, want = { 0 }, got = { 0 };
	struct crit_err err;
	uint32_t line, col;
	mounts(500, "\n        ", ",\n    ", &doc, &want);
	const char *cut = strstr(doc.data, "\"mnt_id\": 401,");
	ck_assert_ptr_nonnull(cut);
	size_t len = (size_t)(cut - doc.data) + strlen("\"mnt_id\": 401,");
	line_col(doc.data, len, &line, &col);
	ck_assert(!encode_text(doc.data, len, &got, &err));
	ck_assert_msg(err.code == CRIT_E_JSON && err.line == line && err.col == col &&
			      strstr(err.msg, "entries[401]: input ends inside an object"),
		      "%u:%u, not %u:%u: %s", err.line, err.col, line, col, err.msg);
	membuf_free(&doc);
	membuf_free(&want);
	membuf_free(&got);
}
END_TEST

Suite *shape_suite(void)
{
	Suite *s = suite_create("shape");
	TCase *tc = tcase_create("shape");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, shaped_objects_write_what_the_general_way_writes);
	tcase_add_test(tc, runs_of_nested_objects_write_what_one_at_a_time_writes);
	tcase_add_test(tc, errors_among_shaped_objects_point_where_they_are);
	suite_add_tcase(s, tc);
	return s;
}
