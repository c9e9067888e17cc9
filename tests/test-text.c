/* test-text.c - payload encodings against Python's base64, quopri and "%x".
 *
 * CRIT shows a bytes field as json.dumps(base64.encodebytes(b).decode()),
 * a unix socket name as json.dumps(quopri.encodestring(b).decode()), and a
 * hex field as "0x%x" % v. Every expected string below was printed by
 * Python 3.11 from those expressions. */
#include <stdlib.h>
#include <string.h>

#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
/* A byte string literal and its length (it may hold NULs). */
#define S(lit) (const uint8_t *)lit, sizeof(lit) - 1

static struct jw *w;

static void start(void)
{
	w = capture_start(false, 4096);
}

static void teardown(void)
{
	capture_free();
}

static void expect(const char *want)
{
	size_t len;
	const char *got = capture_output(&len);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, strlen(want));
}

/* ------------------------------------------------------------------ */
/* base64                                                               */
/* ------------------------------------------------------------------ */

/* The payload of length n: bytes((i * 37 + 11) & 255 for i in range(n)) */
static uint8_t *payload(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 37 + 11);
	return p;
}

/* json.dumps(base64.encodebytes(payload(n)).decode()) */
static const struct {
	size_t n;
	const char *want;
} b64_cases[] = {
	{ 0, "\"\"" },
	{ 1, "\"Cw==\\n\"" },
	{ 2, "\"CzA=\\n\"" },
	{ 3, "\"CzBV\\n\"" },
	{ 56, "\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4=\\n\"" },
	{ 57, "\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4j\\n\"" },
	{ 58,
	  "\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4j\\n"
	  "SA==\\n\"" },
	{ 114,
	  "\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4j\\n"
	  "SG2St9wBJktwlbrfBClOc5i94gcsUXabwOUKL1R5nsPoDTJXfKHG6xA1Wn+kye4TOF2Cp8zxFjtg\\n\"" },
	{ 115,
	  "\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4j\\n"
	  "SG2St9wBJktwlbrfBClOc5i94gcsUXabwOUKL1R5nsPoDTJXfKHG6xA1Wn+kye4TOF2Cp8zxFjtg\\n"
	  "hQ==\\n\"" },
	{ 1000,
	  "\"CzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4j\\n"
	  "SG2St9wBJktwlbrfBClOc5i94gcsUXabwOUKL1R5nsPoDTJXfKHG6xA1Wn+kye4TOF2Cp8zxFjtg\\n"
	  "harP9Bk+Y4it0vccQWaLsNX6H0RpjrPY/SJHbJG22wAlSm+Uud4DKE1yl7zhBitQdZq/5AkuU3id\\n"
	  "wucMMVZ7oMXqDzRZfqPI7RI3XIGmy/AVOl+Eqc7zGD1ih6zR9htAZYqv1PkeQ2iNstf8IUZrkLXa\\n"
	  "/yRJbpO43QInTHGWu+AFKk90mb7jCC1Sd5zB5gswVXqfxOkOM1h9osfsETZbgKXK7xQ5XoOozfIX\\n"
	  "PGGGq9D1Gj9kia7T+B1CZ4yx1vsgRWqPtNn+I0htkrfcASZLcJW63wQpTnOYveIHLFF2m8DlCi9U\\n"
	  "eZ7D6A0yV3yhxusQNVp/pMnuEzhdgqfM8RY7YIWqz/QZPmOIrdL3HEFmi7DV+h9EaY6z2P0iR2yR\\n"
	  "ttsAJUpvlLneAyhNcpe84QYrUHWav+QJLlN4ncLnDDFWe6DF6g80WX6jyO0SN1yBpsvwFTpfhKnO\\n"
	  "8xg9Yoes0fYbQGWKr9T5HkNojbLX/CFGa5C12v8kSW6TuN0CJ0xxlrvgBSpPdJm+4wgtUnecweYL\\n"
	  "MFV6n8TpDjNYfaLH7BE2W4Clyu8UOV6DqM3yFzxhhqvQ9Ro/ZImu0/gdQmeMsdb7IEVqj7TZ/iNI\\n"
	  "bZK33AEmS3CVut8EKU5zmL3iByxRdpvA5QovVHmew+gNMld8ocbrEDVaf6TJ7hM4XYKnzPEWO2CF\\n"
	  "qs/0GT5jiK3S9xxBZouw1fofRGmOs9j9IkdskbbbACVKb5S53gMoTXKXvOEGK1B1mr/kCS5TeJ3C\\n"
	  "5wwxVnugxeoPNFl+o8jtEjdcgabL8BU6X4SpzvMYPWKHrNH2G0Bliq/U+R5DaI2y1/whRmuQtdr/\\n"
	  "JEluk7jdAidMcZa74AUqT3SZvuMILVJ3nMHmCzBVep/E6Q4zWH2ix+wRNluApcrvFDleg6jN8hc8\\n"
	  "YYar0PUaP2SJrtP4HUJnjLHW+yBFao+02f4jSG2St9wBJktwlbrfBClOc5i94gcsUXabwOUKL1R5\\n"
	  "nsPoDTJXfKHG6xA1Wn+kye4TOF2Cp8zxFjtgharP9Bk+Y4it0vccQWaLsNX6H0RpjrPY/SJHbJG2\\n"
	  "2wAlSm+Uud4DKE1yl7zhBitQdZq/5AkuU3idwucMMVZ7oMXqDzRZfqPI7RI3XIGmy/AVOl+Eqc7z\\n"
	  "GD1ih6zR9htAZYqv1PkeQ2iNstf8IUZrkLXa/yRJbg==\\n\"" },
};

/* Encode payload(n) feeding it in pieces of the given sizes, cycled. */
static void check_b64(size_t n, const size_t *sizes, int nsizes, const char *want)
{
	uint8_t *p = payload(n);
	struct b64 b;

	start();
	b64_open(&b, w);
	for (size_t at = 0, k = 0; at < n; k++) {
		size_t len = sizes[k % (size_t)nsizes];
		if (len > n - at)
			len = n - at;
		b64_feed(&b, p + at, len);
		at += len;
	}
	b64_close(&b);
	expect(want);
	free(p);
}

START_TEST(b64_whole)
{
	size_t all = b64_cases[_i].n;

	check_b64(b64_cases[_i].n, &all, 1, b64_cases[_i].want);
}
END_TEST

START_TEST(b64_bytewise)
{
	static const size_t one = 1;

	check_b64(b64_cases[_i].n, &one, 1, b64_cases[_i].want);
}
END_TEST

START_TEST(b64_irregular_pieces)
{
	/* Pieces that straddle, fill and overfill the 57-byte line, and empty ones. */
	static const size_t sizes[] = { 5, 0, 56, 2, 57, 1, 58, 3, 114, 0, 115, 7 };

	check_b64(b64_cases[_i].n, sizes, N(sizes), b64_cases[_i].want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* quoted-printable                                                     */
/* ------------------------------------------------------------------ */

static const struct {
	const uint8_t *in;
	size_t len;
	const char *want; /* json.dumps(quopri.encodestring(in).decode()) */
} qp_cases[] = {
	/* abstract unix socket names */
	{ S("\x00" "abstract-socket"), "\"=00abstract-socket\"" },
	{ S("\x00"), "\"=00\"" },
	{ S("\x00/tmp/.X11-unix/X0"), "\"=00/tmp/.X11-unix/X0\"" },
	{ S("a=b=="), "\"a=3Db=3D=3D\"" },
	/* white space at the end of the data and of a line */
	{ S("trailing space "), "\"trailing space=20\"" },
	{ S("trailing tab\t"), "\"trailing tab=09\"" },
	{ S("space \nbefore newline"), "\"space=20\\nbefore newline\"" },
	{ S("tab\t\nbefore newline"), "\"tab=09\\nbefore newline\"" },
	/* a "." alone on a line */
	{ S("."), "\"=2E\"" },
	{ S(".\n"), "\"=2E\\n\"" },
	{ S("a\n.\nb"), "\"a\\n=2E\\nb\"" },
	{ S("a\n."), "\"a\\n=2E\"" },
	{ S(".a"), "\".a\"" },
	/* soft line breaks: bytes(0x61 + i % 26 for i in range(200)) */
	{ S("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr"),
	  "\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvw=\\n"
	  "xyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrst=\\n"
	  "uvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqr\"" },
	/* b"x" * 75, b"x" * 76, b"x" * 77, then b"x" * n + b"=" for n = 72, 73, 74 */
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"" },
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"" },
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
	  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\\nxx\"" },
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="),
	  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=3D\"" },
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="),
	  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\\n=3D\"" },
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="),
	  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=\\n=3D\"" },
	/* CRLF line ends are kept; a lone CR is not a line end */
	{ S("line one\r\nline two \r\nthree"), "\"line one\\r\\nline two=20\\r\\nthree\"" },
	{ S("cr\r" "alone"), "\"cr\\ralone\"" },
	/* bytes above "~" */
	{ S("~\x7f\x80\xa0\xc3\xa9\xfe\xff"), "\"~=7F=80=A0=C3=A9=FE=FF\"" },
	/* mixed */
	{ S("\x00/run/s=1 \t\xff\n.\n\x01" "end "), "\"=00/run/s=3D1 \\t=FF\\n=2E\\n=01end=20\"" },
};

START_TEST(qp_matches_quopri)
{
	start();
	qp_str(w, qp_cases[_i].in, qp_cases[_i].len);
	expect(qp_cases[_i].want);
}
END_TEST

/* ------------------------------------------------------------------ */
/* hex                                                                  */
/* ------------------------------------------------------------------ */

static const struct {
	int64_t s; /* the value when signed */
	uint64_t u; /* the value when unsigned */
	bool is_signed;
	const char *want; /* "0x%x" % v */
} hex_cases[] = {
	{ 0, 0, true, "0x0" },
	{ 1, 0, true, "0x1" },
	{ -1, 0, true, "0x-1" },
	{ 255, 0, true, "0xff" },
	{ -255, 0, true, "0x-ff" },
	{ INT64_MAX, 0, true, "0x7fffffffffffffff" },
	{ INT64_MIN, 0, true, "0x-8000000000000000" },
	{ 0, 0, false, "0x0" },
	{ 0, 0xdeadbeef, false, "0xdeadbeef" },
	{ 0, UINT64_C(1) << 63, false, "0x8000000000000000" },
	{ 0, UINT64_MAX, false, "0xffffffffffffffff" },
};

START_TEST(hex_matches_python)
{
	char buf[32];
	uint64_t bits = hex_cases[_i].is_signed ? (uint64_t)hex_cases[_i].s : hex_cases[_i].u;

	/* as pretty.c calls it: the same 64 bits, read signed or not */
	int n = fmt_hex(buf, (int64_t)bits, hex_cases[_i].is_signed, bits);
	ck_assert_str_eq(buf, hex_cases[_i].want);
	ck_assert_int_eq(n, (int)strlen(hex_cases[_i].want));
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_loop_test(tc, b64_whole, 0, N(b64_cases));
	tcase_add_loop_test(tc, b64_bytewise, 0, N(b64_cases));
	tcase_add_loop_test(tc, b64_irregular_pieces, 0, N(b64_cases));
	tcase_add_loop_test(tc, qp_matches_quopri, 0, N(qp_cases));
	tcase_add_loop_test(tc, hex_matches_python, 0, N(hex_cases));
	suite_add_tcase(s, tc);
	return s;
}
