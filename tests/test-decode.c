/*
 * test-decode.c - the reflective decoder on hand-made messages: protobuf's
 * semantics for odd wire data (order, repeats, merges), the lossless forms
 * for what the tables do not describe, and streaming of huge messages.
 *
 * Expectations follow Python protobuf 4.21 with CRIT's pb2dict where
 * Python has an answer (checked with Debian's pycriu), and docs/compat.md
 * where crit deliberately differs.
 */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define PIPES_DATA 0x56453709u
#define CORE 0x55053847u
#define UTSNS 0x54473203u
#define IPCNS_SEM 0x59573019u
#define MM 0x57492820u

static void expect_json(const struct pb *img, bool pretty, const char *want)
{
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert_msg(decode_mem(img->p, img->n, pretty, false, &out, &err), "decode failed: %s", err.msg);
	ck_assert_str_eq(out.data, want);
	membuf_free(&out);
}

static void expect_error(const struct pb *img, enum crit_code code, uint64_t pos, const char *needle)
{
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_mem(img->p, img->n, false, false, &out, &err));
	ck_assert_int_eq(err.code, code);
	ck_assert_uint_eq(err.pos, pos);
	ck_assert_msg(strstr(err.msg, needle), "'%s' lacks '%s'", err.msg, needle);
	membuf_free(&out);
}

/* Python: pipe_data_entry.ParseFromString(b"\x10\x02\x08\x05") lists
 * pipe_id first: fields come out in number order. */
START_TEST(fields_come_out_in_number_order)
{
	struct pb m = { 0 };
	pb_uint(&m, 2, 2);
	pb_uint(&m, 1, 5);
	struct pb img = image(PIPES_DATA, 1, &m);
	pb_bytes(&img, "hi", 2);
	expect_json(&img, false,
		    "{\"magic\": \"PIPES_DATA\", \"entries\": [{\"pipe_id\": 5, \"bytes\": 2, \"extra\": \"aGk=\\n\"}]}");
	free(m.p);
	free(img.p);
}
END_TEST

/* Python: b"\x10\x07\x08\x05\x10\x00" gives {'pipe_id': 5, 'bytes': 0}. */
START_TEST(last_scalar_wins)
{
	struct pb m = { 0 };
	pb_uint(&m, 2, 7);
	pb_uint(&m, 1, 5);
	pb_uint(&m, 2, 0);
	struct pb img = image(PIPES_DATA, 1, &m);
	expect_json(&img, false,
		    "{\"magic\": \"PIPES_DATA\", \"entries\": [{\"pipe_id\": 5, \"bytes\": 0, \"extra\": \"\"}]}");
	free(m.p);
	free(img.p);
}
END_TEST

/* A non-repeated message seen twice merges, as protobuf parsers do. */
START_TEST(repeated_message_field_merges)
{
	struct pb half1 = { 0 }, half2 = { 0 }, m = { 0 };
	for (uint32_t f = 1; f <= 4; f++)
		pb_uint(&half1, f, f * 10);
	for (uint32_t f = 5; f <= 7; f++)
		pb_uint(&half2, f, f * 10);
	pb_len(&m, 1, half1.p, half1.n);
	pb_uint(&m, 2, 0); /* nsems */
	pb_len(&m, 1, half2.p, half2.n);
	struct pb img = image(IPCNS_SEM, 1, &m);
	expect_json(&img, false,
		    "{\"magic\": \"IPCNS_SEM\", \"entries\": [{\"desc\": {\"key\": 10, \"uid\": 20, \"gid\": 30, "
		    "\"cuid\": 40, \"cgid\": 50, \"mode\": 60, \"id\": 70}, \"nsems\": 0, \"extra\": []}]}");
	free(half1.p);
	free(half2.p);
	free(m.p);
	free(img.p);
}
END_TEST

/* Fields the tables do not know stay, as raw wire bytes in hex under
 * "#<number>", in number order among the known ones. */
START_TEST(unknown_fields_are_kept_raw)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 5);
	pb_uint(&m, 2, 0);
	pb_uint(&m, 9, 300);
	pb_len(&m, 12, "ab", 2);
	pb_uint(&m, 9, 1);
	struct pb img = image(PIPES_DATA, 1, &m);
	expect_json(&img, false,
		    "{\"magic\": \"PIPES_DATA\", \"entries\": [{\"pipe_id\": 5, \"bytes\": 0, "
		    "\"#9\": \"48ac024801\", \"#12\": \"62026162\", \"extra\": \"\"}]}");
	free(m.p);
	free(img.p);
}
END_TEST

/* A known field on the wire with another wire type is unknown data to
 * protobuf; crit keeps it raw the same way. */
START_TEST(wrong_wire_type_is_kept_raw)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 5);
	pb_uint(&m, 2, 0);
	pb_len(&m, 3, "A", 1);
	struct pb img = image(PIPES_DATA, 1, &m);
	expect_json(&img, false,
		    "{\"magic\": \"PIPES_DATA\", \"entries\": [{\"pipe_id\": 5, \"bytes\": 0, "
		    "\"#3\": \"1a0141\", \"extra\": \"\"}]}");
	free(m.p);
	free(img.p);
}
END_TEST

START_TEST(missing_required_field_is_an_error)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 5);
	struct pb img = image(PIPES_DATA, 1, &m);
	expect_error(&img, CRIT_E_REQUIRED, 14, "pipe_data_entry lacks required field bytes");
	free(m.p);
	free(img.p);
}
END_TEST

/* compat.md: CRIT drops an enum value it has no name for; crit shows it. */
START_TEST(enum_without_name_is_a_number)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 99);
	struct pb img = image(CORE, 1, &m);
	expect_json(&img, false, "{\"magic\": \"CORE\", \"entries\": [{\"mtype\": 99}]}");
	free(m.p);
	free(img.p);
}
END_TEST

/* File and host names need not be UTF-8: each stray byte shows as the
 * lone surrogate \udcXX (Python's surrogateescape), so no byte is lost. */
START_TEST(non_utf8_string_is_escaped_losslessly)
{
	struct pb m = { 0 };
	pb_len(&m, 1, "a\xff\xc3\xa9", 4);
	pb_len(&m, 2, "\xe2\x82", 2);
	struct pb img = image(UTSNS, 1, &m);
	expect_json(&img, false,
		    "{\"magic\": \"UTSNS\", \"entries\": [{\"nodename\": \"a\\udcff\\u00e9\", "
		    "\"domainname\": \"\\udce2\\udc82\"}]}");
	free(m.p);
	free(img.p);
}
END_TEST

/* Repeated numbers may come packed even where the schema does not say so. */
START_TEST(packed_and_unpacked_repeated_numbers)
{
	struct pb m = { 0 }, packed = { 0 };
	pb_varint(&packed, 1);
	pb_varint(&packed, 300);
	pb_uint(&m, 1, 0); /* type */
	pb_len(&m, 2, packed.p, packed.n);
	pb_uint(&m, 2, 7);
	pb_len(&m, 2, "", 0); /* an empty packed run adds nothing */
	/* sk_packet_entry: id_for, length, then scm { type, rights } */
	struct pb e = { 0 };
	pb_uint(&e, 1, 1);
	pb_uint(&e, 2, 0);
	pb_len(&e, 4, m.p, m.n);
	struct pb img = image(0x56264026u, 1, &e);
	expect_json(&img, false,
		    "{\"magic\": \"SK_QUEUES\", \"entries\": [{\"id_for\": 1, \"length\": 0, \"scm\": "
		    "[{\"type\": 0, \"rights\": [1, 300, 7]}], \"extra\": \"\"}]}");
	free(m.p);
	free(packed.p);
	free(e.p);
	free(img.p);
}
END_TEST

/* An mm entry bigger than the input window is streamed: memory stays
 * bounded and the output is the same JSON. */
static struct pb big_mm(uint32_t nvmas, bool vmas_first)
{
	struct pb head = { 0 }, vmas = { 0 }, m = { 0 };

	for (uint32_t f = 1; f <= 11; f++)
		pb_uint(&head, f, 0x1000 * f);
	pb_uint(&head, 12, 3);
	for (uint32_t i = 0; i < nvmas; i++) {
		struct pb v = { 0 };
		pb_uint(&v, 1, 0x400000 + (uint64_t)i * 0x1000);
		pb_uint(&v, 2, 0x401000 + (uint64_t)i * 0x1000);
		pb_uint(&v, 3, 0);
		pb_uint(&v, 4, i);
		pb_uint(&v, 5, 3);
		pb_uint(&v, 6, 0x22);
		pb_uint(&v, 7, 0x201);
		pb_uint(&v, 8, 2); /* sint64 1 */
		pb_len(&vmas, 14, v.p, v.n);
		free(v.p);
	}
	pb_bytes(&m, vmas_first ? vmas.p : head.p, vmas_first ? vmas.n : head.n);
	pb_bytes(&m, vmas_first ? head.p : vmas.p, vmas_first ? head.n : vmas.n);
	free(head.p);
	free(vmas.p);
	return m;
}

START_TEST(huge_message_is_streamed)
{
	uint32_t n = 40000; /* about 1.3 MB, past the 1 MiB window */
	struct pb m = big_mm(n, false);
	ck_assert_uint_gt(m.n, CRIT_WINDOW);
	struct pb img = image(MM, 1, &m);
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert_msg(decode_mem(img.p, img.n, true, false, &out, &err), "%s", err.msg);
	ck_assert_ptr_nonnull(strstr(out.data, "\"mm_start_code\": \"0x1000\","));
	ck_assert_ptr_nonnull(strstr(out.data, "\"exe_file_id\": 3,"));
	ck_assert_ptr_nonnull(strstr(out.data, "\"start\": \"0xa03f000\","));   /* the last vma */
	ck_assert_ptr_nonnull(strstr(out.data, "\"prot\": \"PROT_READ | PROT_WRITE\","));
	ck_assert_ptr_nonnull(strstr(out.data, "\"status\": \"VMA_AREA_REGULAR | VMA_ANON_PRIVATE\","));
	size_t vmas = 0; /* one pass: a strstr loop is quadratic under ASan */
	for (size_t i = 0; i + 9 < out.len; i++)
		vmas += memcmp(out.data + i, "\"shmid\": ", 9) == 0;
	ck_assert_uint_eq(vmas, n);
	membuf_free(&out);
	free(m.p);
	free(img.p);
}
END_TEST

/* Out of order is only fixable in memory: past the window it is refused
 * with a clear error rather than printed wrong. */
START_TEST(huge_message_out_of_order_is_refused)
{
	struct pb m = big_mm(40000, true);
	struct pb img = image(MM, 1, &m);
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_mem(img.p, img.n, false, false, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_LIMIT);
	ck_assert_ptr_nonnull(strstr(err.msg, "field order"));
	membuf_free(&out);
	free(m.p);
	free(img.p);
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("semantics");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fields_come_out_in_number_order);
	tcase_add_test(tc, last_scalar_wins);
	tcase_add_test(tc, repeated_message_field_merges);
	tcase_add_test(tc, unknown_fields_are_kept_raw);
	tcase_add_test(tc, wrong_wire_type_is_kept_raw);
	tcase_add_test(tc, missing_required_field_is_an_error);
	tcase_add_test(tc, enum_without_name_is_a_number);
	tcase_add_test(tc, non_utf8_string_is_escaped_losslessly);
	tcase_add_test(tc, packed_and_unpacked_repeated_numbers);
	tcase_add_test(tc, huge_message_is_streamed);
	tcase_add_test(tc, huge_message_out_of_order_is_refused);
	suite_add_tcase(s, tc);
	return s;
}
