/*
 * scan.h - JSON read in place: the byte classes, the one white-space
 * skipper and the quick scans, for the reader (jsonread.c) and for any
 * caller that reads the reader's window in place.
 *
 * The quick scans read a few bytes past what they look at, unchecked:
 * their callers make sure QUICK_ROOM bytes are in the window first.
 */
#ifndef CRIT_SCAN_H
#define CRIT_SCAN_H

#include <string.h>

#include "json/jsonread.h"

/* The hot loops want these inlined whatever the compiler weighs. */
#define SCAN_INLINE static inline __attribute__((always_inline))

/* White space, and a newline. */
static const uint8_t space[256] = { [' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 2 };

/* White space from p up to end: where it ends. Each newline adds one to
 * *line and leaves *line_start at the byte after it; the indentation that
 * follows a newline in pretty JSON is passed over eight spaces at a time.
 * The one white-space skipper of JSON read in place. */
SCAN_INLINE const uint8_t *skip_space(const uint8_t *p, const uint8_t *end, uint32_t *line,
				      const uint8_t **line_start)
{
	static const uint64_t eight = 0x2020202020202020ull;

	while (p < end && space[*p]) {
		if (*p++ != '\n')
			continue;
		*line = *line == UINT32_MAX ? UINT32_MAX : *line + 1;
		*line_start = p;
		for (uint64_t w; end - p >= 8 && (memcpy(&w, p, 8), w == eight);)
			p += 8;
		for (uint32_t w; end - p >= 4 && (memcpy(&w, p, 4), w == (uint32_t)eight);)
			p += 4;
	}
	return p;
}

/* Bytes a string holds as they are: printable ASCII but '"' and '\\'. */
static const uint8_t plain[256] = {
#define ONES 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x22 '"' */
	ONES, ONES,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x5c '\\' */
	ONES, ONES,
#undef ONES
};

/* Bytes a number or literal may be made of, and more: a token is read
 * whole, so "01" or "1.2.3" is named as written. */
static const uint8_t tokbyte[256] = {
	['+'] = 1, ['-'] = 1, ['.'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1,
	['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1,
	['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
	['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
	['x'] = 1, ['y'] = 1, ['z'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
	['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

static inline bool tokchar(uint8_t c)
{
	return tokbyte[c];
}

/* Bytes the quick way wants in the window past a member's name or the
 * start of its value, so that it reads them 8 at a time unchecked. */
enum { QUICK_ROOM = 32 };

#define LOAD(bits)                                                  \
	static inline uint##bits##_t load##bits(const void *p)      \
	{                                                           \
		uint##bits##_t w;                                   \
		memcpy(&w, p, sizeof(w));                           \
		return w;                                           \
	}
LOAD(16)
LOAD(32)
LOAD(64)
#undef LOAD

/* p[0, n) == s[0, n), in loads that overlap rather than pass the end. */
SCAN_INLINE bool same_bytes(const uint8_t *p, const char *s, size_t n)
{
	if (n >= 8) {
		for (size_t i = 0; i + 8 < n; i += 8)
			if (load64(p + i) != load64(s + i))
				return false;
		return load64(p + n - 8) == load64(s + n - 8);
	}
	if (n >= 4)
		return load32(p) == load32(s) && load32(p + n - 4) == load32(s + n - 4);
	if (n >= 2)
		return load16(p) == load16(s) && load16(p + n - 2) == load16(s + n - 2);
	return !n || p[0] == (uint8_t)s[0];
}

/* The ASCII digits that start p[0, 8): how many, and their value in *v
 * (SWAR: a byte is a digit when its high nibble is 3 and stays 3 once 6
 * is added; the digits are then shifted up behind zeros and summed in
 * pairs, fours and eights). */
SCAN_INLINE unsigned digits8(const uint8_t *p, uint64_t *v)
{
	uint64_t w = load64(p);
	uint64_t x = ((w & 0xf0f0f0f0f0f0f0f0ull) | (((w + 0x0606060606060606ull) & 0xf0f0f0f0f0f0f0f0ull) >> 4)) ^
		     0x3333333333333333ull;
	unsigned n = x ? (unsigned)__builtin_ctzll(x) >> 3 : 8;

	*v = 0;
	if (!n)
		return 0;
	w = (w - 0x3030303030303030ull) << (8 * (8 - n));
	w = w * 10 + (w >> 8);
	w = ((w & 0x000000ff000000ffull) * (100 + (1000000ull << 32)) +
	     ((w >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32))) >> 32;
	*v = w;
	return n;
}

/* A whole number of up to 19 digits and no sign at q (QUICK_ROOM bytes
 * there): its length, or 0 when it is something else. */
SCAN_INLINE size_t quick_uint(const uint8_t *q, uint64_t *mag)
{
	static const uint64_t pow10[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };
	uint64_t v, w;
	unsigned n, more;

	if ((unsigned)(q[0] - '0') < 10 && (unsigned)(q[1] - '0') >= 10) { /* one digit: common */
		v = q[0] - '0';
		n = 1;
	} else if ((n = digits8(q, &v)) == 8) {
		more = digits8(q + 8, &w);
		v = v * pow10[more] + w;
		n += more;
		if (more == 8) {
			if ((more = digits8(q + 16, &w)) > 3)
				return 0; /* past 19 digits */
			v = v * pow10[more] + w;
			n += more;
		}
	}
	if (!n || tokchar(q[n]) || (q[0] == '0' && n > 1))
		return 0;
	*mag = v;
	return n;
}

/* A whole number of up to 19 digits at p, with its sign. */
SCAN_INLINE size_t quick_whole(const uint8_t *p, bool *neg, uint64_t *mag)
{
	bool minus = *p == '-';
	size_t n = quick_uint(p + minus, mag);

	*neg = minus;
	return n ? n + minus : 0;
}

/* A value read in place: a whole number of up to 19 digits, a string of
 * printable ASCII without escapes, true or false. */
struct jr_value {
	int type;      /* JV_NUMBER, JV_STRING, JV_TRUE or JV_FALSE */
	const char *s; /* a string's bytes, in the window */
	size_t len;
	bool neg;      /* a number's sign and magnitude */
	uint64_t mag;
};

/* The value at p that a jr_value holds (QUICK_ROOM bytes in the window):
 * its length, or 0 when it is something else. */
SCAN_INLINE size_t quick_value(const uint8_t *p, const uint8_t *end, struct jr_value *v)
{
	size_t n = quick_whole(p, &v->neg, &v->mag);

	v->s = NULL;
	v->len = 0;
	if (n) {
		v->type = JV_NUMBER;
		return n;
	}
	if (*p == '"') {
		const uint8_t *q = p + 1;
		while (q < end && plain[*q])
			q++;
		if (q == end || *q != '"')
			return 0;
		v->type = JV_STRING;
		v->s = (const char *)p + 1;
		v->len = (size_t)(q - p - 1);
		return (size_t)(q + 1 - p);
	}
	if (same_bytes(p, "true", 4) && !tokchar(p[4])) {
		v->type = JV_TRUE;
		return 4;
	}
	if (same_bytes(p, "false", 5) && !tokchar(p[5])) {
		v->type = JV_FALSE;
		return 5;
	}
	return 0;
}

#endif
