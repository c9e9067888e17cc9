/*
 * text.h - byte-level text codecs: hex, UTF-8, quoted-printable, and the
 * escaping that keeps image bytes from driving a terminal.
 */
#ifndef CRIT_TEXT_H
#define CRIT_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/io.h"

/* The value of a hex digit, either case, or -1. */
static inline int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0x" and 1 to 16 hex digits, the way CRIT prints hex ("0x%x"): its
 * value, or false for anything else. */
static inline bool hex_uint(const char *s, size_t n, uint64_t *v)
{
	/* a byte's value as a hex digit, plus one; 0 for the others */
	static const uint8_t hex1[256] = {
		['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
		['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
		['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	};
	uint64_t x = 0;
	bool ok = n >= 3 && n <= 18 && s[0] == '0' && s[1] == 'x';

	for (size_t i = 2; ok && i < n; i++) {
		unsigned d = hex1[(uint8_t)s[i]];
		ok = d != 0;
		x = x << 4 | ((d - 1) & 15);
	}
	*v = x;
	return ok;
}

/* The UTF-8 sequence at s[0, n), strict as Python's decoder (no
 * overlongs, no surrogates, nothing past U+10FFFF): its length, 0 when
 * invalid, -1 when s could still become valid with more bytes. */
int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Bytes from an image in a text view: as they are, or, when o->escape,
 * with every control byte (C0, DEL, C1), bidi control, backslash and
 * byte that is not UTF-8 shown as an escape: \e, \n, \x9b, \u202e, \\. */
void out_untrusted(struct out *o, const void *s, size_t n);
/* How many bytes out_untrusted writes for s when it escapes. */
size_t term_escape_width(const void *s, size_t n);

/* quopri.encodestring, as Python CRIT shows a unix socket's name: in
 * pieces to chunk(ctx, ...), or as text to o. */
void qp_encode(const uint8_t *s, size_t n, void (*chunk)(void *ctx, const uint8_t *s, size_t n), void *ctx);
void qp_out(struct out *o, const uint8_t *s, size_t n);

/* Python's "%x" of an integer, with a "0x" prefix; returns the length. */
int fmt_hex(char *buf, int64_t v, bool is_signed, uint64_t u);

#endif
