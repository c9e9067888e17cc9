/*
 * test-anonymize.c - crit anonymize's table and maps: every string and
 * bytes field of every message an image holds is judged; every row names
 * the schema; replacements are one to one and never an original; paths
 * map component by component; loopback stays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "anonymize/anonymize.h"
#include "tests.h"

static const struct crit_msg *msg_named(const char *name)
{
	for (uint32_t i = 0; i < crit_n_messages; i++)
		if (strcmp(crit_messages[i]->name, name) == 0)
			return crit_messages[i];
	return NULL;
}

/* Each message reachable from m, once (seen holds those met). */
static void walk(const struct crit_msg *m, const struct crit_msg **seen, size_t *n, size_t *unjudged)
{
	for (size_t i = 0; i < *n; i++)
		if (seen[i] == m)
			return;
	ck_assert_uint_lt(*n, 1024);
	seen[(*n)++] = m;
	for (uint32_t i = 0; i < m->n_fields; i++) {
		const struct crit_field *f = &m->fields[i];
		if ((f->type == CRIT_T_STRING || f->type == CRIT_T_BYTES) && secret_of(m, f) == S_UNJUDGED) {
			fprintf(stderr, "no judgement of %s.%s\n", m->name, f->name);
			(*unjudged)++;
		}
		if (f->type == CRIT_T_MESSAGE)
			walk(f->msg, seen, n, unjudged);
	}
}

START_TEST(every_string_of_every_image_is_judged)
{
	static const struct crit_msg *seen[1024];
	size_t n = 0, unjudged = 0, strings = 0;

	for (uint32_t i = 0; i < crit_n_magics; i++) {
		const struct handler *h = image_handler_any(crit_magics[i].name);
		for (uint64_t k = 0; h && k < 2; k++)
			walk(image_entry_msg(h, k), seen, &n, &unjudged);
	}
	walk(image_queue_msg(), seen, &n, &unjudged);
	ck_assert_uint_eq(unjudged, 0);
	for (size_t i = 0; i < n; i++)
		for (uint32_t k = 0; k < seen[i]->n_fields; k++)
			strings += seen[i]->fields[k].type == CRIT_T_STRING || seen[i]->fields[k].type == CRIT_T_BYTES;
	ck_assert_uint_gt(strings, 50); /* the walk reached the schema */
	/* and the addresses are the schema's own (criu).ipadd fields */
	const struct crit_msg *isk = msg_named("inet_sk_entry");
	ck_assert_ptr_nonnull(isk);
	ck_assert_int_eq(secret_of(isk, schema_field_by_name(isk, "src_addr")), S_IPADDR);
	ck_assert_int_eq(secret_of(isk, schema_field_by_name(isk, "src_port")), S_KEEP);
}
END_TEST

START_TEST(every_row_names_the_schema)
{
	const char *msg, *field;
	enum secret s;
	size_t rows = 0, regs = 0;

	for (size_t i = 0; secret_row(i, &msg, &field, &s); i++, rows++) {
		const struct crit_msg *m = msg_named(msg);
		ck_assert_msg(m, "row %zu: no message %s", i, msg);
		if (!field) {
			ck_assert(secret_regs(m));
			regs++;
			continue;
		}
		const struct crit_field *f = schema_field_by_name(m, field);
		ck_assert_msg(f, "row %zu: %s has no field %s", i, msg, field);
		ck_assert_msg(f->type == CRIT_T_STRING || f->type == CRIT_T_BYTES, "%s.%s is no string", msg, field);
		ck_assert_int_eq(secret_of(m, f), s);
	}
	ck_assert_uint_gt(rows, regs);
	ck_assert(secret_regs(msg_named("user_x86_regs_entry")));
	ck_assert(!secret_regs(msg_named("thread_info_x86")));
}
END_TEST

START_TEST(replacements_are_one_to_one_and_never_an_original)
{
	struct anon_map m = { .kind = MAP_NAME };

	ck_assert(map_note(&m, "srv", 3));
	ck_assert(map_note(&m, "n1", 2)); /* an original that looks made up */
	ck_assert(map_note(&m, "srv", 3));
	ck_assert(map_note(&m, "n2", 2));
	ck_assert(map_note(&m, "x", 1));
	ck_assert_uint_eq(m.n, 4);
	ck_assert(map_assign(&m));
	for (size_t i = 0; i < m.n; i++) {
		ck_assert_ptr_null(map_find(&m, m.v[i].repl, m.v[i].rn));
		for (size_t k = 0; k < i; k++)
			ck_assert(m.v[i].rn != m.v[k].rn || memcmp(m.v[i].repl, m.v[k].repl, m.v[i].rn) != 0);
	}
	ck_assert_int_eq(memcmp(map_find(&m, "srv", 3)->repl, "n3", 2), 0); /* n1, n2 taken */
	map_free(&m);

	/* many: the table grows and keeps them all */
	struct anon_map big = { .kind = MAP_IPV4 };
	for (uint32_t i = 0; i < 5000; i++)
		ck_assert(map_note(&big, &i, 4));
	ck_assert(map_assign(&big));
	uint32_t probe = 4999;
	ck_assert_uint_eq(map_find(&big, &probe, 4)->repl[0], 240);
	map_free(&big);
}
END_TEST

/* s through a mapper in both passes, as dir.c runs them. */
static char *twice(bool (*mapper)(struct anon *, const uint8_t *, size_t, struct buf *), const char *const *in,
		   size_t n, size_t which)
{
	static const struct crit_anon_opts opts;
	static struct crit_anon_report rep;
	static struct crit_err err;
	static struct anon a;
	struct buf out = { 0 };

	memset(&a, 0, sizeof(a));
	a.opts = &opts;
	a.rep = &rep;
	a.err = &err;
	a.names.kind = MAP_NAME;
	for (int pass = 0; pass < 2; pass++) {
		a.writing = pass;
		for (size_t i = 0; i < n; i++) {
			out.n = 0;
			ck_assert(mapper(&a, (const uint8_t *)in[i], strlen(in[i]), &out));
			if (pass == 0 && i + 1 == n)
				ck_assert(map_assign(&a.names));
		}
	}
	out.n = 0;
	ck_assert(mapper(&a, (const uint8_t *)in[which], strlen(in[which]), &out));
	char *s = strndup((const char *)out.p, out.n);
	free(out.p);
	map_free(&a.names);
	return s;
}

static void expect(char *got, const char *want)
{
	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(paths_map_component_by_component)
{
	static const char *const in[] = { "/srv/app/data.db", "/srv/app", "../app/./x//y", "rw,size=4k,upperdir=/srv/up",
					  "app.max" };
	expect(twice(anon_path, in, 3, 0), "/n1/n2/n3");
	expect(twice(anon_path, in, 3, 1), "/n1/n2");
	expect(twice(anon_path, in, 3, 2), "../n2/./n4//n5");
	/* the kernel's words: kept, but a path in them and a component of one mapped */
	expect(twice(anon_words, in, 5, 3), "rw,size=4k,upperdir=/n1/n6");
	expect(twice(anon_words, in, 5, 4), "n2.max");
}
END_TEST

START_TEST(loopback_and_unspecified_stay)
{
	static const struct crit_anon_opts opts;
	struct crit_anon_report rep = { 0 };
	struct crit_err err = { 0 };
	struct anon a = { .opts = &opts, .rep = &rep, .err = &err };
	uint8_t lo[4] = { 127, 0, 0, 1 }, any[4] = { 0 }, v4[4] = { 192, 168, 1, 7 };
	uint8_t lo6[16] = { [15] = 1 }, mapped[16] = { [10] = 0xff, [11] = 0xff, 192, 168, 1, 7 };

	a.ipv4.kind = MAP_IPV4;
	a.ipv6.kind = MAP_IPV6;
	for (int pass = 0; pass < 2; pass++) {
		a.writing = pass;
		ck_assert(anon_ip(&a, lo, 4) && anon_ip(&a, any, 4) && anon_ip(&a, lo6, 16));
		ck_assert(anon_ip(&a, v4, 4) && anon_ip(&a, mapped, 16));
		if (pass == 0)
			ck_assert(map_assign(&a.ipv4) && map_assign(&a.ipv6));
	}
	ck_assert_uint_eq(a.ipv4.n, 1); /* 192.168.1.7, once */
	ck_assert_uint_eq(a.ipv6.n, 0);
	ck_assert_uint_eq(lo[0], 127);
	ck_assert_uint_eq(lo6[15], 1);
	ck_assert(v4[0] == 240 && v4[3] == 1);
	ck_assert(mapped[10] == 0xff && mapped[12] == 240 && mapped[15] == 1); /* as its IPv4 address */
	map_free(&a.ipv4);
	map_free(&a.ipv6);
}
END_TEST

/* A stop (a signal handler's flag) ends the run with nothing written:
 * OUT_DIR is not made, and nothing is left beside it. */
START_TEST(a_stop_writes_nothing)
{
	char base[] = "/tmp/crit-anon-stop-XXXXXX", out[64];
	volatile int stop = 1;
	struct crit_anon_opts opts = { .stop = &stop };
	struct crit_anon_report rep;
	struct crit_err err;

	ck_assert_ptr_nonnull(mkdtemp(base));
	snprintf(out, sizeof(out), "%s/out", base);
	ck_assert(!crit_anonymize("fixtures/loop", out, &opts, &rep, &err));
	ck_assert_int_eq(err.code, CRIT_E_WRITE);
	ck_assert_str_eq(err.msg, "interrupted: nothing written");
	ck_assert_int_eq(rmdir(base), 0); /* empty: no OUT_DIR, no temporary */
	stop = 0; /* the same run, not stopped, writes it */
	ck_assert_int_eq(mkdir(base, 0700), 0);
	ck_assert_msg(crit_anonymize("fixtures/loop", out, &opts, &rep, &err), "%s", err.msg);
	crit_anon_report_free(&rep);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *anonymize_suite(void)
{
	Suite *s = suite_create("anonymize");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_string_of_every_image_is_judged);
	tcase_add_test(tc, every_row_names_the_schema);
	tcase_add_test(tc, replacements_are_one_to_one_and_never_an_original);
	tcase_add_test(tc, paths_map_component_by_component);
	tcase_add_test(tc, loopback_and_unspecified_stay);
	tcase_add_test(tc, a_stop_writes_nothing);
	suite_add_tcase(s, tc);
	return s;
}
