/* test-wire.c - the protobuf wire primitives against Python protobuf 4.21
 * (google.protobuf.internal: encoder._VarintBytes, decoder._DecodeVarint,
 * wire_format.ZigZagDecode, type_checkers.FIELD_TYPE_TO_WIRE_TYPE) and
 * struct.unpack. Every expected value below was printed by Python 3.11. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "format/wire.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A byte string literal and its length (it may hold NULs). */
#define S(lit) (const uint8_t *)lit, sizeof(lit) - 1

/* n bytes at the very end of a malloc'd block: a read past them is caught
 * by the sanitizers. */
static uint8_t *at_end(const uint8_t *s, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	p += n ? 0 : 1;
	memcpy(p, s, n);
	return p;
}

static void free_at_end(uint8_t *p, size_t n)
{
	free(p - (n ? 0 : 1));
}

/* ------------------------------------------------------------------ */
/* varints                                                              */
/* ------------------------------------------------------------------ */

static const struct {
	const uint8_t *in;
	size_t len;
	uint64_t v;
	size_t used; /* decoder._DecodeVarint(in, 0) == (v, used) */
} varints[] = {
	/* encoder._VarintBytes(v) for the least and the greatest v of each length */
	{ S("\x00"), 0, 1 },
	{ S("\x7f"), 127, 1 },
	{ S("\x80\x01"), 128, 2 },
	{ S("\xff\x7f"), 16383, 2 },
	{ S("\x80\x80\x01"), 16384, 3 },
	{ S("\xff\xff\x7f"), 2097151, 3 },
	{ S("\x80\x80\x80\x01"), 2097152, 4 },
	{ S("\xff\xff\xff\x7f"), 268435455, 4 },
	{ S("\x80\x80\x80\x80\x01"), 268435456, 5 },
	{ S("\xff\xff\xff\xff\x7f"), UINT64_C(34359738367), 5 },
	{ S("\x80\x80\x80\x80\x80\x01"), UINT64_C(34359738368), 6 },
	{ S("\xff\xff\xff\xff\xff\x7f"), UINT64_C(4398046511103), 6 },
	{ S("\x80\x80\x80\x80\x80\x80\x01"), UINT64_C(4398046511104), 7 },
	{ S("\xff\xff\xff\xff\xff\xff\x7f"), UINT64_C(562949953421311), 7 },
	{ S("\x80\x80\x80\x80\x80\x80\x80\x01"), UINT64_C(562949953421312), 8 },
	{ S("\xff\xff\xff\xff\xff\xff\xff\x7f"), UINT64_C(72057594037927935), 8 },
	{ S("\x80\x80\x80\x80\x80\x80\x80\x80\x01"), UINT64_C(72057594037927936), 9 },
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff\x7f"), UINT64_C(9223372036854775807), 9 },
	{ S("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"), UINT64_C(9223372036854775808), 10 },
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), UINT64_C(18446744073709551615), 10 },
	{ S("\xac\x02"), 300, 2 },
	/* the varint ends before the data does */
	{ S("\x96\x01\x05"), 150, 2 },
};

START_TEST(varint_decodes)
{
	size_t len = varints[_i].len;
	uint8_t *buf = at_end(varints[_i].in, len);
	const uint8_t *p = buf;
	uint64_t v = 0;

	ck_assert_int_eq(wire_varint(&p, buf + len, &v), WIRE_OK);
	ck_assert_uint_eq(v, varints[_i].v);
	ck_assert_uint_eq((size_t)(p - buf), varints[_i].used);
	free_at_end(buf, len);
}
END_TEST

/* Every proper prefix of a varint: Python raises IndexError; we say
 * WIRE_SHORT without reading past the bound or moving the cursor. */
START_TEST(varint_cut_by_bound)
{
	for (size_t len = 0; len < varints[_i].used; len++) {
		uint8_t *buf = at_end(varints[_i].in, len);
		const uint8_t *p = buf;
		uint64_t v = 42;

		ck_assert_int_eq(wire_varint(&p, buf + len, &v), WIRE_SHORT);
		ck_assert_ptr_eq(p, buf);
		ck_assert_uint_eq(v, 42);
		free_at_end(buf, len);
	}
}
END_TEST

/* Python: DecodeError('Too many bytes when decoding varint.') for each. */
static const struct {
	const uint8_t *in;
	size_t len;
} too_long[] = {
	{ S("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01") },
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff") },
	{ S("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80") }, /* no eleventh byte needed to tell */
};

START_TEST(varint_too_long)
{
	size_t len = too_long[_i].len;
	uint8_t *buf = at_end(too_long[_i].in, len);
	const uint8_t *p = buf;
	uint64_t v = 42;

	ck_assert_int_eq(wire_varint(&p, buf + len, &v), WIRE_LONG);
	ck_assert_ptr_eq(p, buf);
	ck_assert_uint_eq(v, 42);
	free_at_end(buf, len);
}
END_TEST

/* Python decodes these (bits past 64 dropped), protobuf-c never writes
 * them: the shortest form has fewer bytes, or the value more than 64 bits. */
static const struct {
	const uint8_t *in;
	size_t len;
	enum wire_status st;
} not_canonical[] = {
	{ S("\x80\x00"), WIRE_PADDED },                 /* 0 */
	{ S("\x85\x00"), WIRE_PADDED },                 /* 5 */
	{ S("\x80\x80\x80\x00"), WIRE_PADDED },
	{ S("\x80\x80\x80\x80\x80\x80\x80\x00"), WIRE_PADDED },         /* 8 bytes: one word */
	{ S("\x80\x80\x80\x80\x80\x80\x80\x00\x01"), WIRE_PADDED },     /* the same, 9 given */
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff\x00"), WIRE_PADDED },     /* 9 bytes: the loop */
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00"), WIRE_PADDED },
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f"), WIRE_PAST_64 },
	{ S("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02"), WIRE_PAST_64 },
};

START_TEST(varint_not_canonical)
{
	size_t len = not_canonical[_i].len;
	uint8_t *buf = at_end(not_canonical[_i].in, len);
	const uint8_t *p = buf;
	uint64_t v = 42;

	ck_assert_int_eq(wire_varint(&p, buf + len, &v), not_canonical[_i].st);
	ck_assert_ptr_eq(p, buf);
	ck_assert_uint_eq(v, 42);
	free_at_end(buf, len);
}
END_TEST

/* ------------------------------------------------------------------ */
/* zigzag and fixed-width integers                                      */
/* ------------------------------------------------------------------ */

static const struct {
	uint64_t in;
	int64_t want; /* wire_format.ZigZagDecode(in) */
} zigzags[] = {
	{ 0, 0 },
	{ 1, -1 },
	{ 2, 1 },
	{ 3, -2 },
	{ 4294967294u, 2147483647 },
	{ 4294967295u, -2147483648LL },
	{ UINT64_C(18446744073709551614), INT64_MAX },
	{ UINT64_C(18446744073709551615), INT64_MIN },
};

START_TEST(zigzag)
{
	ck_assert_int_eq(wire_zigzag(zigzags[_i].in), zigzags[_i].want);
}
END_TEST

static const struct {
	const uint8_t *in;
	size_t len;
	uint64_t want; /* struct.unpack('<I' or '<Q', in)[0] */
} les[] = {
	{ S("\x01\x02\x03\x04"), 0x4030201 },
	{ S("\xff\xff\xff\x7f"), 0x7fffffff },
	{ S("\x78\x56\x34\x12"), 0x12345678 },
	{ S("\xff\xff\xff\xff"), 0xffffffff },
	{ S("\x01\x02\x03\x04\x05\x06\x07\x08"), UINT64_C(0x807060504030201) },
	{ S("\xef\xcd\xab\x89\x67\x45\x23\x01"), UINT64_C(0x123456789abcdef) },
	{ S("\xff\xff\xff\xff\xff\xff\xff\xff"), UINT64_C(0xffffffffffffffff) },
};

START_TEST(little_endian)
{
	uint8_t *buf = at_end(les[_i].in, les[_i].len);

	ck_assert_uint_eq(wire_le(buf, (int)les[_i].len), les[_i].want);
	free_at_end(buf, les[_i].len);
}
END_TEST

/* ------------------------------------------------------------------ */
/* which wire types a field accepts                                     */
/* ------------------------------------------------------------------ */

/* Bit wt set when wire type wt fits: wt == FIELD_TYPE_TO_WIRE_TYPE[type], or,
 * for a repeated field, wt == WIRETYPE_LENGTH_DELIMITED and
 * wire_format.IsTypePackable(type) (packed or not, whatever the schema
 * says). Groups (type 10) are refused before this is asked. */
static const struct {
	uint8_t type;
	uint8_t single, repeated;
} fits[] = {
	{ CRIT_T_DOUBLE, 0x02, 0x06 },
	{ CRIT_T_FLOAT, 0x20, 0x24 },
	{ CRIT_T_INT64, 0x01, 0x05 },
	{ CRIT_T_UINT64, 0x01, 0x05 },
	{ CRIT_T_INT32, 0x01, 0x05 },
	{ CRIT_T_FIXED64, 0x02, 0x06 },
	{ CRIT_T_FIXED32, 0x20, 0x24 },
	{ CRIT_T_BOOL, 0x01, 0x05 },
	{ CRIT_T_STRING, 0x04, 0x04 },
	{ CRIT_T_MESSAGE, 0x04, 0x04 },
	{ CRIT_T_BYTES, 0x04, 0x04 },
	{ CRIT_T_UINT32, 0x01, 0x05 },
	{ CRIT_T_ENUM, 0x01, 0x05 },
	{ CRIT_T_SFIXED32, 0x20, 0x24 },
	{ CRIT_T_SFIXED64, 0x02, 0x06 },
	{ CRIT_T_SINT32, 0x01, 0x05 },
	{ CRIT_T_SINT64, 0x01, 0x05 },
};

START_TEST(wire_type_fits)
{
	static const uint8_t labels[] = { CRIT_L_OPTIONAL, CRIT_L_REQUIRED, CRIT_L_REPEATED };

	for (int l = 0; l < N(labels); l++) {
		/* [packed = true] changes nothing: both forms are accepted */
		for (uint8_t packed = 0; packed <= CRIT_F_PACKED; packed += CRIT_F_PACKED) {
			const struct crit_field f = { .name = "f", .number = 1, .type = fits[_i].type,
						      .label = labels[l], .flags = packed };
			uint8_t want = labels[l] == CRIT_L_REPEATED ? fits[_i].repeated : fits[_i].single;

			for (int wt = WT_VARINT; wt <= WT_I32; wt++)
				ck_assert_msg(wire_fits(&f, wt) == ((want >> wt) & 1),
					      "type %d label %d packed %d wire type %d", fits[_i].type,
					      labels[l], packed, wt);
		}
	}
}
END_TEST

/* protobuf-c writes one wire type per field: its type's, or for a
 * repeated number [packed = true] one length-delimited run. */
START_TEST(wire_type_written)
{
	static const uint8_t labels[] = { CRIT_L_OPTIONAL, CRIT_L_REQUIRED, CRIT_L_REPEATED };
	int own = __builtin_ctz(fits[_i].single);
	bool packable = (fits[_i].repeated & ~fits[_i].single) != 0;

	for (int l = 0; l < N(labels); l++) {
		for (uint8_t packed = 0; packed <= CRIT_F_PACKED; packed += CRIT_F_PACKED) {
			const struct crit_field f = { .name = "f", .number = 1, .type = fits[_i].type,
						      .label = labels[l], .flags = packed };
			int want = labels[l] == CRIT_L_REPEATED && packed && packable ? WT_LEN : own;
			ck_assert_msg(wire_type_for(&f) == want, "type %d label %d packed %d", fits[_i].type,
				      labels[l], packed);
		}
	}
}
END_TEST

Suite *wire_suite(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("wire");

	tcase_add_loop_test(tc, varint_decodes, 0, N(varints));
	tcase_add_loop_test(tc, varint_cut_by_bound, 0, N(varints));
	tcase_add_loop_test(tc, varint_too_long, 0, N(too_long));
	tcase_add_loop_test(tc, varint_not_canonical, 0, N(not_canonical));
	tcase_add_loop_test(tc, zigzag, 0, N(zigzags));
	tcase_add_loop_test(tc, little_endian, 0, N(les));
	tcase_add_loop_test(tc, wire_type_fits, 0, N(fits));
	tcase_add_loop_test(tc, wire_type_written, 0, N(fits));
	suite_add_tcase(s, tc);
	return s;
}
