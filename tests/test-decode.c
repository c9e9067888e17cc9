/*
 * test-decode.c - the reflective decoder on hand-made messages: the one
 * wire form it accepts (protobuf-c's) and each form it refuses, the
 * lossless forms for what the tables do not describe, and streaming of
 * huge messages.
 *
 * Expectations follow Python protobuf 4.21 with CRIT's pb2dict where
 * Python has an answer (checked with Debian's pycriu), and docs/compat.md
 * where crit deliberately differs.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Fields the tables do not know stay, as raw wire bytes in hex under
 * "#<number>", in number order among the known ones; a run of one number
 * is one string. */
START_TEST(unknown_fields_are_kept_raw)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 5);
	pb_uint(&m, 2, 0);
	pb_uint(&m, 9, 300);
	pb_uint(&m, 9, 1);
	pb_len(&m, 12, "ab", 2);
	struct pb img = image(PIPES_DATA, 1, &m);
	expect_json(&img, false,
		    "{\"magic\": \"PIPES_DATA\", \"entries\": [{\"pipe_id\": 5, \"bytes\": 0, "
		    "\"#9\": \"48ac024801\", \"#12\": \"62026162\", \"extra\": \"\"}]}");
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

/* Repeated numbers, unpacked as the schema says: one list. */
START_TEST(repeated_numbers_are_one_list)
{
	struct pb m = { 0 };
	pb_uint(&m, 1, 0); /* type */
	pb_uint(&m, 2, 1);
	pb_uint(&m, 2, 300);
	pb_uint(&m, 2, 7);
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
	free(e.p);
	free(img.p);
}
END_TEST

/* An mm entry bigger than the input window is streamed: memory stays
 * bounded and the output is the same JSON. */
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

/* A large image from a file (its window in a huge page, src/base/io.c)
 * decodes as it does from memory: entries of every size, some longer than
 * the window, so the windows end in every kind of place. */
START_TEST(large_file_decodes_as_from_memory)
{
	static const uint32_t sizes[] = { 1, 7, 300, 40000, 3, 5000, 20000, 2, 60000, 11, 9000, 30000 };
	enum { K = sizeof(sizes) / sizeof(sizes[0]) };
	struct pb msgs[K];
	uint64_t total = 0;

	for (size_t i = 0; i < K; i++) {
		msgs[i] = big_mm(sizes[i], false);
		total += msgs[i].n;
	}
	ck_assert_uint_gt(total, 4 * CRIT_WINDOW);
	struct pb img = image(MM, K, msgs);
	char path[] = "/tmp/crit-test-decode-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, img.p, img.n), (ssize_t)img.n);
	for (int pretty = 0; pretty < 2; pretty++) {
		struct membuf want = { 0 }, got = { 0 };
		struct crit_err err;
		struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
		struct crit_decode_opts opts = { .pretty = pretty };
		ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
		ck_assert_msg(decode_mem(img.p, img.n, pretty, false, &want, &err), "%s", err.msg);
		ck_assert_msg(crit_decode(&src, membuf_sink(&got), &opts, &err), "%s", err.msg);
		ck_assert_uint_eq(got.len, want.len);
		ck_assert(memcmp(got.data, want.data, want.len) == 0);
		membuf_free(&want);
		membuf_free(&got);
	}
	close(fd);
	for (size_t i = 0; i < K; i++)
		free(msgs[i].p);
	free(img.p);
}
END_TEST

/* Past the window, the same rules hold: out of order is refused. */
START_TEST(huge_message_out_of_order_is_refused)
{
	struct pb m = big_mm(40000, true);
	struct pb img = image(MM, 1, &m);
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_mem(img.p, img.n, false, false, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_NONCANON);
	ck_assert_str_eq(err.msg, "field 1 after field 14 of mm_entry: not in field-number order"
				  " (not as protobuf-c writes it)");
	membuf_free(&out);
	free(m.p);
	free(img.p);
}
END_TEST

/* A converted field (here a unix socket's quoted-printable name) is
 * converted in memory, so past the window it is refused, not streamed. */
START_TEST(huge_converted_field_is_refused)
{
	size_t n = CRIT_WINDOW + 1;
	char *name = malloc(n);
	memset(name, 'a', n);
	struct pb usk = { 0 }, file = { 0 };
	pb_len(&usk, 11, name, n);
	pb_uint(&file, 1, 5); /* UNIXSK */
	pb_uint(&file, 2, 1);
	pb_len(&file, 16, usk.p, usk.n);
	struct pb img = image(0x56303138u, 1, &file); /* FILES */
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_mem(img.p, img.n, false, false, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_LIMIT);
	ck_assert_uint_eq(err.pos, 12 + 2 + 2 + 5 + 4); /* the name, after its tag and length */
	ck_assert_str_eq(err.msg, "field name (conv unix_name) is 1048577 bytes, more than the 1048576 that crit converts");
	membuf_free(&out);
	free(name);
	free(usk.p);
	free(file.p);
	free(img.p);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The one form protobuf-c writes, and the forms it never does          */
/* ------------------------------------------------------------------ */

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define S(lit) (const uint8_t *)lit, sizeof(lit) - 1

/* A message with a field of each kind that has rules of its own, and
 * itself as a sub-message. */
static const struct crit_enum_value t_enum_values[] = { { "ONE", 1 } };
static const uint16_t t_enum_by_name[] = { 0 };
static const struct crit_enum t_enum = { "t.e", 1, t_enum_values, t_enum_by_name };
static const struct crit_msg t_msg;
static const struct crit_field t_fields[] = {
	{ .name = "i32", .number = 1, .type = CRIT_T_INT32, .label = CRIT_L_OPTIONAL },
	{ .name = "u32", .number = 2, .type = CRIT_T_UINT32, .label = CRIT_L_OPTIONAL },
	{ .name = "s32", .number = 3, .type = CRIT_T_SINT32, .label = CRIT_L_OPTIONAL },
	{ .name = "b", .number = 4, .type = CRIT_T_BOOL, .label = CRIT_L_OPTIONAL },
	{ .name = "e", .number = 5, .type = CRIT_T_ENUM, .label = CRIT_L_OPTIONAL, .enm = &t_enum },
	{ .name = "packed", .number = 6, .type = CRIT_T_UINT32, .label = CRIT_L_REPEATED, .flags = CRIT_F_PACKED },
	{ .name = "list", .number = 7, .type = CRIT_T_UINT32, .label = CRIT_L_REPEATED },
	{ .name = "u64", .number = 8, .type = CRIT_T_UINT64, .label = CRIT_L_OPTIONAL },
	{ .name = "sub", .number = 9, .type = CRIT_T_MESSAGE, .label = CRIT_L_OPTIONAL, .msg = &t_msg },
};
static const uint16_t t_by_name[] = { 3, 4, 0, 6, 5, 2, 8, 1, 7 };
static const struct crit_msg t_msg = { "t", N(t_fields), N(t_fields), t_fields, t_by_name };

/* A message of t, alone, to JSON. */
static bool decode_t(const uint8_t *msg, size_t len, struct membuf *json, struct crit_err *err)
{
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = msg, .size = len };
	static uint8_t buf[4096];
	struct rd rd;
	struct out o;
	struct jw w;
	struct dec d;

	memset(err, 0, sizeof(*err));
	ck_assert(rd_open(&rd, &src, err));
	out_init(&o, membuf_sink(json), err, buf, sizeof(buf));
	jw_init(&w, &o, false);
	dec_init(&d, &rd, &w, false, err);
	jw_obj_open(&w);
	bool ok = dec_fields(&d, &t_msg, len);
	jw_obj_close(&w);
	out_flush(&o);
	rd_close(&rd);
	return ok;
}

static const struct {
	const uint8_t *in;
	size_t len;
	const char *json;
} canonical[] = {
	{ S("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "{\"i32\": -1}" }, /* sign-extended */
	{ S("\x08\xff\xff\xff\xff\x07"), "{\"i32\": 2147483647}" },
	{ S("\x10\xff\xff\xff\xff\x0f"), "{\"u32\": 4294967295}" },
	{ S("\x18\xff\xff\xff\xff\x0f"), "{\"s32\": -2147483648}" },
	{ S("\x20\x01"), "{\"b\": true}" },
	{ S("\x28\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "{\"e\": -1}" },
	{ S("\x32\x03\x01\xac\x02"), "{\"packed\": [1, 300]}" },
	{ S("\x38\x01\x38\x00\x40\x00"), "{\"list\": [1, 0], \"u64\": 0}" },
	{ S("\x40\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), "{\"u64\": 18446744073709551615}" },
	{ S("\x4a\x04\x20\x00\x4a\x00"), "{\"sub\": {\"b\": false, \"sub\": {}}}" },
	{ S("\x10\x01\x68\x80\x01\x68\x00\x70\x01"), "{\"u32\": 1, \"#13\": \"6880016800\", \"#14\": \"7001\"}" },
};

START_TEST(protobuf_c_form_decodes)
{
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert_msg(decode_t(canonical[_i].in, canonical[_i].len, &out, &err), "%s", err.msg);
	ck_assert_str_eq(out.data, canonical[_i].json);
	membuf_free(&out);
}
END_TEST

#define NOT_PBC " (not as protobuf-c writes it)"

/* Python reads each of these; protobuf-c writes none of them. */
static const struct {
	const uint8_t *in;
	size_t len;
	uint64_t pos;
	const char *msg;
} refused[] = {
	/* varints not in their shortest form, or of more than 64 bits */
	{ S("\x88\x00\x05"), 0, "over-long varint in a field tag" NOT_PBC },
	{ S("\x10\x85\x00"), 1, "over-long varint in field 2" NOT_PBC },
	{ S("\x4a\x80\x00"), 1, "over-long varint in the length of field 9" NOT_PBC },
	{ S("\x32\x02\x81\x00"), 2, "over-long varint in packed field packed" NOT_PBC },
	{ S("\x40\xff\xff\xff\xff\xff\xff\xff\xff\xff\x03"), 1, "varint of more than 64 bits in field 8" NOT_PBC },
	/* fields out of order, or more than once */
	{ S("\x10\x01\x08\x01"), 2, "field 1 after field 2 of t: not in field-number order" NOT_PBC },
	{ S("\x08\x01\x08\x02"), 2, "field i32 of t occurs twice" NOT_PBC },
	{ S("\x4a\x00\x4a\x00"), 2, "field sub of t occurs twice" NOT_PBC }, /* protobuf would merge */
	{ S("\x38\x01\x40\x01\x38\x02"), 4, "field 7 after field 8 of t: not in field-number order" NOT_PBC },
	{ S("\x68\x01\x60\x01"), 2, "field 12 after field 13 of t: not in field-number order" NOT_PBC },
	{ S("\x32\x01\x01\x32\x01\x02"), 3, "packed field packed of t in more than one run" NOT_PBC },
	/* wire types other than the schema's */
	{ S("\x3a\x01\x01"), 0, "field list is length-delimited on the wire, not varint" NOT_PBC },
	{ S("\x30\x01"), 0, "field packed is varint on the wire, not length-delimited" NOT_PBC },
	{ S("\x15\x01\x00\x00\x00"), 0, "field u32 is 32-bit on the wire, not varint" NOT_PBC },
	{ S("\x38\x01\x3d\x01\x00\x00\x00"), 2, "field list is 32-bit on the wire, not varint" NOT_PBC },
	{ S("\x32\x00"), 2, "empty packed field packed" NOT_PBC },
	/* values out of their type's range */
	{ S("\x20\x02"), 1, "value 0x2 of field b is neither 0 nor 1" NOT_PBC },
	{ S("\x08\xff\xff\xff\xff\x0f"), 1,
	  "value 0xffffffff of field i32 is not a 32-bit number sign-extended to 64 bits" NOT_PBC },
	{ S("\x08\x80\x80\x80\x80\x10"), 1,
	  "value 0x100000000 of field i32 is not a 32-bit number sign-extended to 64 bits" NOT_PBC },
	{ S("\x28\xff\xff\xff\xff\x0f"), 1,
	  "value 0xffffffff of field e is not a 32-bit number sign-extended to 64 bits" NOT_PBC },
	{ S("\x10\x80\x80\x80\x80\x10"), 1, "value 0x100000000 of field u32 has more than 32 bits" NOT_PBC },
	{ S("\x18\x80\x80\x80\x80\x10"), 1, "value 0x100000000 of field s32 has more than 32 bits" NOT_PBC },
	{ S("\x32\x06\x01\x80\x80\x80\x80\x10"), 3, "value 0x100000000 of field packed has more than 32 bits" NOT_PBC },
	{ S("\x38\x01\x38\x80\x80\x80\x80\x10"), 3, "value 0x100000000 of field list has more than 32 bits" NOT_PBC },
	/* the same rules inside a sub-message */
	{ S("\x4a\x02\x20\x02"), 3, "value 0x2 of field b is neither 0 nor 1" NOT_PBC },
	{ S("\x4a\x04\x10\x01\x08\x01"), 4, "field 1 after field 2 of t: not in field-number order" NOT_PBC },
};

START_TEST(other_forms_are_refused)
{
	struct membuf out = { 0 };
	struct crit_err err;

	ck_assert(!decode_t(refused[_i].in, refused[_i].len, &out, &err));
	ck_assert_int_eq(err.code, CRIT_E_NONCANON);
	ck_assert_str_eq(err.msg, refused[_i].msg);
	ck_assert_uint_eq(err.pos, refused[_i].pos);
	membuf_free(&out);
}
END_TEST

/* Sub-messages nest 64 deep at most: t in t in t... */
START_TEST(nesting_is_limited)
{
	for (int levels = 62; levels <= 64; levels++) {
		struct pb m = { 0 };
		for (int i = 0; i < levels; i++) {
			struct pb outer = { 0 };
			pb_len(&outer, 9, m.p, m.n);
			free(m.p);
			m = outer;
		}
		struct membuf out = { 0 };
		struct crit_err err;
		bool ok = decode_t(m.p, m.n, &out, &err);
		/* the message itself and 63 levels below it: 64 deep */
		ck_assert_msg(ok == (levels < 64), "%d levels: %s", levels, err.msg);
		if (!ok) {
			ck_assert_int_eq(err.code, CRIT_E_LIMIT);
			ck_assert_str_eq(err.msg, "messages nested more than 64 deep");
			ck_assert_uint_le(err.pos, m.n);
		}
		membuf_free(&out);
		free(m.p);
	}
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("semantics");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, unknown_fields_are_kept_raw);
	tcase_add_test(tc, missing_required_field_is_an_error);
	tcase_add_test(tc, enum_without_name_is_a_number);
	tcase_add_test(tc, non_utf8_string_is_escaped_losslessly);
	tcase_add_test(tc, repeated_numbers_are_one_list);
	tcase_add_test(tc, huge_message_is_streamed);
	tcase_add_test(tc, large_file_decodes_as_from_memory);
	tcase_add_test(tc, huge_message_out_of_order_is_refused);
	tcase_add_test(tc, huge_converted_field_is_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("protobuf-c's form");
	tcase_add_loop_test(tc, protobuf_c_form_decodes, 0, N(canonical));
	tcase_add_loop_test(tc, other_forms_are_refused, 0, N(refused));
	tcase_add_test(tc, nesting_is_limited);
	suite_add_tcase(s, tc);
	return s;
}
