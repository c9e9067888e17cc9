/*
 * encode.c - JSON back to protobuf bytes as it is read, guided by the tables.
 *
 * Each value goes from the reader (jsonread.c) straight into the message's
 * bytes: no document tree is built, so memory holds the entry's protobuf
 * and little else. Fields are written in field-number order, as protobuf-c
 * writes them, so an image decoded and encoded again comes back byte for
 * byte: members arrive in that order from decode; when they do not, each
 * member's bytes are a span that is put in order when the object ends.
 * Every form decode prints is read back: plain and --pretty numbers (hex,
 * flag names, major:minor, dict names, IP addresses), enum names, base64
 * and quoted-printable bytes, and the "#<number>" raw form of unknown
 * fields.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/encode.h"
#include "format/wire.h"

/* ------------------------------------------------------------------ */
/* The output                                                           */
/* ------------------------------------------------------------------ */

static bool put(struct enc *e, const void *s, size_t n)
{
	return buf_put(e->out, s, n) || enc_nomem(e);
}

static bool put_varint(struct enc *e, uint64_t v)
{
	if (!buf_reserve(e->out, 10))
		return enc_nomem(e);
	e->out->n += wire_put_varint(e->out->p + e->out->n, v);
	return true;
}

static bool put_tag(struct enc *e, uint32_t num, int wt)
{
	return put_varint(e, (uint64_t)num << 3 | (unsigned)wt);
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */
/* ------------------------------------------------------------------ */

/* Python's int(s, 0) as CRIT uses it for numbers written as strings
 * ("0x1f", "-12", "0o17", "0b101", "1_000"), plus the "0x-1" that Python's
 * "0x%x" prints for negative numbers. Magnitude up to 2^64 - 1. */
/* A whole number as a double prints it: at most 17 significant digits,
 * then zeros (what a JSON tool that reads numbers as doubles writes). */
static bool double_rounded(const char *s)
{
	s += *s == '-';
	size_t n = strlen(s), zeros = 0;

	while (zeros < n && s[n - 1 - zeros] == '0')
		zeros++;
	return n > 17 && n - zeros <= 17;
}

static bool parse_int(const char *s, size_t n, bool *neg, uint64_t *mag)
{
	size_t i = 0;
	unsigned base = 10;

	if (hex_uint(s, n, mag)) { /* the usual case, CRIT's "0x%x" */
		*neg = false;
		return true;
	}

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		*neg = s[i++] == '-';
	if (n - i >= 2 && s[i] == '0' && s[i + 1] && strchr("xXoObB", s[i + 1])) {
		base = s[i + 1] == 'x' || s[i + 1] == 'X' ? 16 : s[i + 1] == 'o' || s[i + 1] == 'O' ? 8 : 2;
		i += 2;
		if (base == 16 && !*neg && i < n && s[i] == '-') { /* "0x-1" */
			*neg = true;
			i++;
		}
		if (i < n && s[i] == '_')
			i++;
	} else if (n - i > 1 && s[i] == '0') {
		for (size_t k = i; k < n; k++) /* Python refuses "012" but takes "00" */
			if (s[k] != '0' && s[k] != '_')
				return false;
	}
	if (i == n)
		return false;
	uint64_t v = 0;
	for (bool digit_before = false; i < n; i++) {
		if (s[i] == '_' && digit_before && i + 1 < n && s[i + 1] != '_') {
			digit_before = false;
			continue;
		}
		int d = hex_digit(s[i]);
		if (d < 0 || (unsigned)d >= base || __builtin_mul_overflow(v, base, &v) ||
		    __builtin_add_overflow(v, (unsigned)d, &v))
			return false;
		digit_before = true;
	}
	*mag = v;
	return true;
}

/* ------------------------------------------------------------------ */
/* CRIT's --pretty forms, read back                                     */
/* ------------------------------------------------------------------ */

/* "A | B | 0x40": CRIT's unmap_flags adds the bits up. */
static bool unflags(struct enc *e, const struct crit_field *f, const struct flags_map *map, bool *neg,
		    uint64_t *mag)
{
	const char *s = e->jr->str, *end = s + e->jr->len;
	uint64_t sum = 0;

	*neg = false;
	while (s < end) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *t = bar ? bar : end;
		while (s < t && (*s == ' ' || *s == '\t'))
			s++;
		size_t len = (size_t)(t - s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		uint64_t bit;
		bool bneg;
		if (!pretty_flag_value(map, s, len, &bit)) {
			if (!parse_int(s, len, &bneg, &bit))
				return jr_fail(e->jr, CRIT_E_TYPE, "'%.*s' is no flag of %s", (int)len, s, f->flags_map);
			if (bneg)
				bit = 0 - bit;
		}
		sum += bit;
		s = bar ? bar + 1 : end;
	}
	if ((int64_t)sum < 0 && wire_range_of(f->type).is_signed) {
		*neg = true;
		*mag = 0 - sum;
	} else {
		*mag = sum;
	}
	return true;
}

/* "major:minor" in the kernel's encoding, or glibc's makedev for odev. */
static bool undev(struct enc *e, const struct crit_field *f, uint64_t *mag)
{
	const char *s = e->jr->str;
	size_t n = e->jr->len;
	const char *colon = memchr(s, ':', n);
	bool n1, n2;
	uint64_t major, minor;

	if (!colon || !parse_int(s, (size_t)(colon - s), &n1, &major) ||
	    !parse_int(colon + 1, n - (size_t)(colon + 1 - s), &n2, &minor) || n1 || n2)
		return jr_fail(e->jr, CRIT_E_TYPE, "'%s' is not major:minor for %s", s, f->name);
	if (f->flags & CRIT_F_ODEV)
		*mag = ((major & 0xfffff000ull) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00ull) << 12) |
		       (minor & 0xff);
	else
		*mag = major << 20 | (minor & 0xfffff);
	if ((f->flags & CRIT_F_ODEV ? major > 0xffffffffull || minor > 0xffffffffull
				    : minor > 0xfffff || major > (UINT64_MAX >> 20)))
		return jr_fail(e->jr, CRIT_E_TYPE, "'%s' does not fit a dev_t", s);
	return true;
}

/* A number written as a string: the field's pretty form, or int(s, 0). */
static bool string_int(struct enc *e, const struct crit_field *f, bool *neg, uint64_t *mag)
{
	const char *s = e->jr->str;
	int64_t named;

	if (f->flags & CRIT_F_DEV) {
		*neg = false;
		return undev(e, f, mag);
	}
	if (f->flags_map && f->flags_map != e->map_name) { /* the same field again, usually */
		e->map_name = f->flags_map;
		e->map = pretty_flags_map(f->flags_map);
	}
	if (f->flags_map && e->map)
		return unflags(e, f, e->map, neg, mag);
	if (f->dict && pretty_dict_value(f->dict, f->name, s, &named)) {
		*neg = named < 0;
		*mag = named < 0 ? 0 - (uint64_t)named : (uint64_t)named;
		return true;
	}
	if (!parse_int(s, e->jr->len, neg, mag))
		return jr_fail(e->jr, CRIT_E_TYPE, "'%s' is not a number for %s", s, f->name);
	return true;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

/* The wire value of one number-like value of field f, of JSON type t. */
static bool scalar_bits(struct enc *e, const struct crit_field *f, int t, uint64_t *bits)
{
	const char *s = e->jr->str;
	bool neg = false;
	uint64_t mag = 0;

	switch (f->type) {
	case CRIT_T_BOOL:
		if (t != JV_TRUE && t != JV_FALSE)
			return jr_fail(e->jr, CRIT_E_TYPE, "%s must be true or false, not %s", f->name, jv_type_name(t));
		*bits = t == JV_TRUE;
		return true;
	case CRIT_T_DOUBLE:
	case CRIT_T_FLOAT: {
		if (t != JV_NUMBER)
			return jr_fail(e->jr, CRIT_E_TYPE, "%s must be a number, not %s", f->name, jv_type_name(t));
		double d = strcmp(s, "NaN") == 0 ? NAN
			   : strcmp(s, "Infinity") == 0 ? INFINITY
			   : strcmp(s, "-Infinity") == 0 ? -INFINITY : strtod(s, NULL);
		if (f->type == CRIT_T_FLOAT) {
			float x = (float)d;
			uint32_t u;
			memcpy(&u, &x, 4);
			*bits = u;
		} else {
			memcpy(bits, &d, 8);
		}
		return true;
	}
	case CRIT_T_ENUM:
		if (t == JV_STRING) {
			int32_t num;
			if (!schema_enum_number(f->enm, s, &num))
				return jr_fail(e->jr, CRIT_E_TYPE, "'%s' is not a value of %s", s, f->enm->name);
			*bits = (uint64_t)(int64_t)num;
			return true;
		}
		break;
	default:
		break;
	}
	if (t == JV_NUMBER) {
		if (e->jr->whole) {
			neg = e->jr->neg;
			mag = e->jr->mag;
		} else if (strspn(s, "-0123456789") == e->jr->len) { /* whole, but past 64 bits */
			return jr_fail(e->jr, CRIT_E_TYPE, "%s is out of range for %s%s", s, f->name,
				       double_rounded(s) ? ": a number past 2^64-1 that looks rounded through a double "
							   "(jq before 1.7 turns 18446744073709551615 into "
							   "18446744073709552000); edit with a tool that keeps "
							   "whole numbers exact"
							 : "");
		}
		else
			return jr_fail(e->jr, CRIT_E_TYPE, "%s must be a whole number, not %s", f->name, s);
	} else if (t == JV_STRING) {
		if (!string_int(e, f, &neg, &mag))
			return false;
	} else {
		return jr_fail(e->jr, CRIT_E_TYPE, "%s must be a number, not %s", f->name, jv_type_name(t));
	}
	if (!wire_int_bits(f, neg, mag, bits))
		return jr_fail(e->jr, CRIT_E_TYPE, "%s%llu is out of range for %s", neg ? "-" : "",
			       (unsigned long long)mag, f->name);
	return true;
}

static bool put_scalar(struct enc *e, const struct crit_field *f, uint64_t bits)
{
	if (!buf_reserve(e->out, 10))
		return enc_nomem(e);
	e->out->n += wire_put_scalar(e->out->p + e->out->n, wire_type_of(f->type), bits);
	return true;
}

/* base64's alphabet: a character's value + 1; 0 for the rest. */
static const uint8_t b64_value[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8, ['I'] = 9,
	['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24, ['Y'] = 25,
	['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32, ['g'] = 33,
	['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41,
	['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48, ['w'] = 49,
	['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

bool enc_base64(struct enc *e, struct buf *b, const char *what)
{
	const uint8_t *s = (const uint8_t *)e->jr->str;
	size_t n = e->jr->len, i = 0;
	uint32_t acc = 0;
	int bits = 0, pad = 0;

	/* at most 3 bytes for every 4 characters */
	if (!buf_reserve(b, n / 4 * 3 + 3))
		return enc_nomem(e);
	uint8_t *p = b->p + b->n;
	while (i < n) {
		/* four characters of the alphabet at once: the usual case */
		if (!bits && i + 4 <= n) {
			unsigned c0 = b64_value[s[i]], c1 = b64_value[s[i + 1]], c2 = b64_value[s[i + 2]],
				 c3 = b64_value[s[i + 3]];
			if (c0 && c1 && c2 && c3 && !pad) {
				uint32_t v = (c0 - 1) << 18 | (c1 - 1) << 12 | (c2 - 1) << 6 | (c3 - 1);
				p[0] = (uint8_t)(v >> 16);
				p[1] = (uint8_t)(v >> 8);
				p[2] = (uint8_t)v;
				p += 3;
				i += 4;
				continue;
			}
		}
		unsigned c = s[i++], d = b64_value[c];
		if (c == '\n' || c == '\r')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (!d || pad)
			return jr_fail(e->jr, CRIT_E_TYPE, "%s: bad base64 at character %zu", what, i);
		acc = acc << 6 | (d - 1);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*p++ = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 6 || (bits && (acc & ((1u << bits) - 1))) || pad > 2 || (pad && (bits / 2 != pad)))
		return jr_fail(e->jr, CRIT_E_TYPE, "%s: bad base64 ending", what);
	b->n = (size_t)(p - b->p);
	return true;
}

/* quopri.decodestring (binascii.a2b_qp) of a unix_name. */
static bool unquopri(struct enc *e)
{
	const char *s = e->jr->str;
	size_t n = e->jr->len;

	if (!buf_reserve(e->out, n))
		return enc_nomem(e);
	uint8_t *p = e->out->p + e->out->n;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '=') {
			if (i + 1 < n && s[i + 1] == '\n') { /* a soft line break */
				i++;
				continue;
			}
			if (i + 2 < n && s[i + 1] == '\r' && s[i + 2] == '\n') {
				i += 2;
				continue;
			}
			if (i + 2 < n && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
				c = (uint8_t)(hex_digit(s[i + 1]) << 4 | hex_digit(s[i + 2]));
				i += 2;
			}
		}
		*p++ = c;
	}
	e->out->n = (size_t)(p - e->out->p);
	return true;
}

/* A string, bytes or message value of type t, written with its length. */
static bool put_len_value(struct enc *e, const struct crit_field *f, int t)
{
	size_t start = 0;

	if (f->type == CRIT_T_MESSAGE) {
		if (t != JV_OBJECT)
			return jr_fail(e->jr, CRIT_E_TYPE, "%s must be an object, not %s", f->name, jv_type_name(t));
		return enc_begin_len(e, f->number, &start) && enc_object(e, f->msg, NULL) && enc_end_len(e, start);
	}
	if (t != JV_STRING)
		return jr_fail(e->jr, CRIT_E_TYPE, "%s must be a string, not %s", f->name, jv_type_name(t));
	if (!enc_begin_len(e, f->number, &start))
		return false;
	bool ok;
	if (f->type == CRIT_T_STRING)
		ok = put(e, e->jr->str, e->jr->len);
	else if (f->conv && strcmp(f->conv, "unix_name") == 0)
		ok = unquopri(e);
	else
		ok = enc_base64(e, e->out, f->name);
	return ok && enc_end_len(e, start);
}

/* A value of type t (just read) of field f; a number's bits in *bits. */
static bool put_value(struct enc *e, const struct crit_field *f, int t, uint64_t *bits)
{
	if (wire_type_of(f->type) == WT_LEN)
		return put_len_value(e, f, t);
	return scalar_bits(e, f, t, bits) && put_tag(e, f->number, wire_type_of(f->type)) &&
	       put_scalar(e, f, *bits);
}

/* A repeated (criu).ipadd field as CRIT's --pretty shows it: one address
 * (the string the reader holds), the list's only element. */
static bool put_ip(struct enc *e, const struct crit_field *f)
{
	uint32_t words[4];
	int n = pretty_parse_ip(e->jr->str, words);

	if (!n)
		return jr_fail(e->jr, CRIT_E_TYPE, "'%s' is not an IP address for %s", e->jr->str, f->name);
	for (int i = 0; i < n; i++)
		if (!put_tag(e, f->number, wire_type_of(f->type)) || !put_scalar(e, f, words[i]))
			return false;
	if (jr_element(e->jr) && jr_next(e->jr) >= 0)
		return jr_fail(e->jr, CRIT_E_TYPE, "%s: an IP address string must be alone in its list", f->name);
	return !crit_failed(e->err);
}

static bool put_repeated(struct enc *e, const struct crit_field *f)
{
	int t = jr_next(e->jr);

	if (t < 0)
		return false;
	if (t != JV_ARRAY)
		return jr_fail(e->jr, CRIT_E_TYPE, "%s must be a list, not %s", f->name, jv_type_name(t));

	bool packed = (f->flags & CRIT_F_PACKED) && wire_type_of(f->type) != WT_LEN;
	size_t start = 0;
	for (bool first = true; jr_element_next(e->jr, &t); first = false) {
		uint64_t bits;
		if (first && t == JV_STRING && (f->flags & CRIT_F_IPADD))
			return put_ip(e, f);
		if (!packed) {
			if (!put_value(e, f, t, &bits))
				return false;
			/* the objects after it, if shaped as before, at once */
			if (f->type == CRIT_T_MESSAGE)
				shape_run(e, f->msg, f, SIZE_MAX);
			continue;
		}
		if (first && !enc_begin_len(e, f->number, &start))
			return false;
		if (!scalar_bits(e, f, t, &bits) || !put_scalar(e, f, bits))
			return false;
	}
	if (crit_failed(e->err))
		return false;
	return !start || enc_end_len(e, start);
}

/* The usual value, the quick way: a whole number from 0 up for a field
 * whose wire value is the number itself, written with its tag. */
static bool quick_varint(struct enc *e, const struct crit_field *f, uint64_t *bits)
{
	static const uint64_t max[] = {
		[CRIT_T_INT64] = INT64_MAX, [CRIT_T_UINT64] = UINT64_MAX, [CRIT_T_INT32] = INT32_MAX,
		[CRIT_T_UINT32] = UINT32_MAX, [CRIT_T_ENUM] = INT32_MAX,
	};
	const struct jr *r = e->jr;

	if (!r->whole || r->neg || f->type >= sizeof(max) / sizeof(max[0]) || !max[f->type] || r->mag > max[f->type] ||
	    !buf_reserve(e->out, 20))
		return false;
	uint8_t *p = e->out->p + e->out->n;
	p += wire_put_varint(p, (uint64_t)f->number << 3 | WT_VARINT);
	p += wire_put_varint(p, r->mag);
	e->out->n = (size_t)(p - e->out->p);
	*bits = r->mag;
	return true;
}

/* "#<number>": raw wire bytes in hex, written back as they were: the
 * occurrences of that field, as decode keeps them. */
static bool put_raw(struct enc *e, uint32_t num)
{
	int t = jr_next(e->jr);
	const char *s = e->jr->str;

	if (t < 0)
		return false;
	if (t != JV_STRING || !e->jr->len || e->jr->len % 2) /* decode keeps at least one occurrence */
		return jr_fail(e->jr, CRIT_E_TYPE, "an unknown field's value must be its wire bytes in hex");
	if (!buf_reserve(e->out, e->jr->len / 2))
		return enc_nomem(e);
	uint8_t *p = e->out->p + e->out->n;
	for (size_t i = 0; i < e->jr->len; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
		if (hi < 0 || lo < 0)
			return jr_fail(e->jr, CRIT_E_TYPE, "an unknown field's value must be its wire bytes in hex");
		*p++ = (uint8_t)(hi << 4 | lo);
	}
	/* Anything else would make a corrupt image, or another field. */
	struct wire_occ o;
	for (const uint8_t *q = e->out->p + e->out->n; q < p; q = o.end)
		if (!wire_occ(q, p, &o) || o.num != num)
			return jr_fail(e->jr, CRIT_E_TYPE, "'#%u' must hold occurrences of field %u, as protobuf-c "
				       "writes them", num, num);
	e->out->n += e->jr->len / 2;
	return true;
}

bool enc_uint(struct enc *e, uint64_t *value)
{
	*value = e->jr->mag;
	return e->jr->whole && !e->jr->neg;
}

/* ------------------------------------------------------------------ */
/* Messages                                                             */
/* ------------------------------------------------------------------ */

static bool push_span(struct enc *e, uint32_t key, const struct crit_field *f)
{
	if (e->nspans == e->capspans) {
		size_t cap = e->capspans ? 2 * e->capspans : 64;
		struct member_at *p = cap <= SIZE_MAX / sizeof(*p) ? realloc(e->spans, cap * sizeof(*p)) : NULL;
		if (!p)
			return enc_nomem(e);
		e->spans = p;
		e->capspans = cap;
	}
	e->spans[e->nspans++] = (struct member_at){ .key = key, .f = f, .start = e->out->n };
	return true;
}

static int cmp_span(const void *a, const void *b)
{
	const struct member_at *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The members spans[base...] were not in field-number order, or one came
 * twice: put their bytes in order, keeping the last of a repeated key
 * (Python's json keeps the last). */
static bool reorder(struct enc *e, size_t base)
{
	struct member_at *sp = e->spans + base;
	size_t n = e->nspans - base, from = sp[0].start, kept = 0;

	for (size_t i = 0; i < n; i++) {
		sp[i].order = (uint32_t)i;
		sp[i].len = (i + 1 < n ? sp[i + 1].start : e->out->n) - sp[i].start;
	}
	qsort(sp, n, sizeof(*sp), cmp_span);
	e->tmp.n = 0;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && sp[i + 1].key == sp[i].key)
			continue;
		/* members may all be empty: then out may have no memory yet */
		if (sp[i].len && !buf_put(&e->tmp, e->out->p + sp[i].start, sp[i].len))
			return enc_nomem(e);
		sp[kept++] = sp[i];
	}
	if (e->tmp.n)
		memcpy(e->out->p + from, e->tmp.p, e->tmp.n);
	e->out->n = from + e->tmp.n;
	e->nspans = base + kept;
	return true;
}

/* Every required field of m is among the members spans[base...], which
 * are in field-number order. */
static bool required_present(struct enc *e, const struct crit_msg *m, size_t base, struct jr_pos at)
{
	const struct crit_field *next = m->fields, *end = m->fields + m->n_fields;

	for (size_t i = base; i <= e->nspans; i++) {
		const struct crit_field *upto = i < e->nspans ? e->spans[i].f : end;
		if (!upto)
			continue;
		for (; next < upto; next++)
			if (next->label == CRIT_L_REQUIRED)
				return jr_fail_pos(e->jr, at, CRIT_E_REQUIRED, "missing required field %s of %s",
						   next->name, m->name);
		next = upto + 1;
	}
	return true;
}

/* The member that came after `after` (a field, or the message for the
 * first member) last time, or the next field in number order. */
static const struct crit_field *guess_after(struct enc *e, const void *after, const struct crit_field *next)
{
	size_t i = ((uintptr_t)after >> 3) & (ENC_SEEN - 1);
	return e->seen[i].after == after ? e->seen[i].f : next;
}

static void remember(struct enc *e, const void *after, const struct crit_field *f)
{
	size_t i = ((uintptr_t)after >> 3) & (ENC_SEEN - 1);
	e->seen[i].after = after;
	e->seen[i].f = f;
}

/* The field named name, trying first the likely one. */
static const struct crit_field *field_named(const struct crit_msg *m, const struct crit_field *guess,
					     const char *name, size_t len)
{
	if (guess >= m->fields && guess < m->fields + m->n_fields) {
		const char *g = guess->name;
		if (name == g) /* the reader matched the hint */
			return guess;
		size_t i = 0;
		while (i < len && g[i] == name[i] && g[i])
			i++;
		if (i == len && !g[i])
			return guess;
	}
	/* a name holding a NUL is no field's, though strcmp would say so */
	return memchr(name, 0, len) ? NULL : schema_field_by_name(m, name);
}

/* A "#<number>" member name: the field number. */
static bool raw_number(const char *name, size_t len, uint32_t *num)
{
	bool neg;
	uint64_t v;

	if (!parse_int(name + 1, len - 1, &neg, &v) || neg || !v || v > WIRE_MAX_FIELD)
		return false;
	*num = (uint32_t)v;
	return true;
}

/* enc_object's general way: member by member, whatever their order and
 * form, learning the object's shape for the quick way. */
static bool object_members(struct enc *e, const struct crit_msg *m, struct enc_hook *hook)
{
	struct jr *r = e->jr;
	struct jr_pos at = r->at;
	const struct crit_field *want[2] = { NULL, NULL };
	const void *prev = m; /* what the next member comes after */
	const struct crit_field *guess = guess_after(e, prev, m->fields);
	const struct crit_field *end = m->fields + m->n_fields;
	size_t base = e->nspans;
	uint32_t last = 0;
	bool sorted = true;

	if (++e->depth > MSG_MAX_DEPTH)
		return jr_fail(r, CRIT_E_LIMIT, "messages nested more than %d deep", MSG_MAX_DEPTH);
	uint64_t from = rd_pos(r->rd); /* the object's text, for its shape */
	size_t hook_len = hook && hook->key ? strlen(hook->key) : SIZE_MAX;
	for (int i = 0; hook && i < 2; i++) {
		hook->got[i] = 0;
		want[i] = hook->want[i] ? schema_field_by_name(m, hook->want[i]) : NULL;
	}
	for (;;) {
		const struct crit_field *f = NULL;
		uint32_t key = 0;
		/* the usual member: the likely field, a scalar value */
		bool scalar = guess < end && guess->label != CRIT_L_REPEATED;
		int t = jr_member_quick(r, scalar ? guess->name : NULL, scalar ? guess->name_len : 0);
		if (t >= 0) {
			f = guess;
		} else if (t == JR_END) {
			break;
		} else {
			const char *name;
			size_t len;
			if (!jr_member_hint(r, guess < end ? guess->name : NULL, &name, &len))
				break;
			if (len == hook_len && name[0] == hook->key[0] && memcmp(name, hook->key, len) == 0) {
				if (!hook->read(e, hook->ctx))
					return false;
				continue;
			}
			if (name[0] == '#') {
				uint32_t num;
				if (!raw_number(name, len, &num))
					return jr_fail(r, CRIT_E_KEY, "'%s' is no field number", name);
				if ((f = schema_field(m, num)))
					return jr_fail(r, CRIT_E_KEY, "'%s' is field %s of %s: it goes by its name",
						       name, f->name, m->name);
				key = num << 1 | 1;
			} else {
				f = field_named(m, guess, name, len);
				if (!f)
					return jr_fail(r, CRIT_E_KEY, "%s has no field '%s'", m->name, name);
			}
		}
		if (f) {
			key = f->number << 1;
			if (f != guess)
				remember(e, prev, f);
			prev = f;
			guess = guess_after(e, f, f + 1);
		}
		if (!push_span(e, key, f))
			return false;
		sorted = sorted && key > last;
		last = key > last ? key : last;
		uint64_t bits = 0;
		bool ok = !f ? put_raw(e, key >> 1)
			  : f->label == CRIT_L_REPEATED ? put_repeated(e, f)
			  : t == JV_NUMBER && quick_varint(e, f, &bits) ? true
			  : (t >= 0 || (t = jr_next(r)) >= 0) && put_value(e, f, t, &bits);
		if (!ok)
			return false;
		e->spans[e->nspans - 1].bits = bits;
		if (f && (f == want[0] || f == want[1]))
			hook->got[f == want[1]] = bits;
	}
	if (crit_failed(e->err) || (!sorted && !reorder(e, base)) || !required_present(e, m, base, at))
		return false;
	if (sorted)
		shape_learn(e, m, base, from);
	e->nspans = base;
	e->depth--;
	return true;
}

bool enc_object(struct enc *e, const struct crit_msg *m, struct enc_hook *hook)
{
	/* the quick way holds scalars only: it nests no deeper */
	if (e->depth < MSG_MAX_DEPTH && shape_put(e, m, hook))
		return true;
	return object_members(e, m, hook);
}

void enc_free(struct enc *e)
{
	shape_free(e);
	free(e->spans);
	free(e->tmp.p);
	e->spans = NULL;
	e->tmp = (struct buf){ 0 };
}
