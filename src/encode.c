/*
 * encode.c - one JSON object back to protobuf bytes, guided by the tables.
 *
 * Fields are written in field-number order, as protobuf-c writes them, so
 * an image decoded and encoded again comes back byte for byte. Every form
 * decode prints is read back: plain and --pretty numbers (hex, flag names,
 * major:minor, dict names, IP addresses), enum names, base64 and
 * quoted-printable bytes, and the "#<number>" raw form of unknown fields.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "wire.h"

/* ------------------------------------------------------------------ */
/* The output buffer                                                    */
/* ------------------------------------------------------------------ */

bool buf_reserve(struct buf *b, size_t more)
{
	if (more <= b->cap - b->n)
		return true;
	if (more > SIZE_MAX / 2 - b->n)
		return false;
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->n < more)
		cap *= 2;
	uint8_t *p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

static bool put(struct enc *e, const void *s, size_t n)
{
	if (!n)
		return true; /* an empty buffer may have no memory yet */
	if (!buf_reserve(e->out, n))
		return crit_fail(e->err, CRIT_E_NOMEM, 0, "out of memory encoding an entry");
	memcpy(e->out->p + e->out->n, s, n);
	e->out->n += n;
	return true;
}

static size_t varint_size(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void varint_at(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p = (uint8_t)v;
}

static bool put_varint(struct enc *e, uint64_t v)
{
	uint8_t t[10];
	varint_at(t, v);
	return put(e, t, varint_size(v));
}

static bool put_tag(struct enc *e, uint32_t num, int wt)
{
	return put_varint(e, (uint64_t)num << 3 | (unsigned)wt);
}

/* ------------------------------------------------------------------ */
/* Errors, with the JSON path of the value                              */
/* ------------------------------------------------------------------ */

static bool fail(struct enc *e, const struct jv *v, enum crit_code code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail(struct enc *e, const struct jv *v, enum crit_code code, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return crit_fail_line(e->err, code, v ? v->line : 1, v ? v->col : 1, "%s%s%s", e->path,
			      e->pathlen ? ": " : "", msg);
}

/* Path components are pushed and popped around each member and element. */
static size_t path_push(struct enc *e, const char *fmt, const char *key, uint32_t index)
{
	size_t mark = e->pathlen;
	int n = key ? snprintf(e->path + mark, sizeof(e->path) - mark, mark ? ".%s" : "%s", key)
		    : snprintf(e->path + mark, sizeof(e->path) - mark, fmt, index);
	if (n > 0)
		e->pathlen = mark + (size_t)n < sizeof(e->path) ? mark + (size_t)n : sizeof(e->path) - 1;
	return mark;
}

static void path_pop(struct enc *e, size_t mark)
{
	e->pathlen = mark;
	e->path[mark] = 0;
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */
/* ------------------------------------------------------------------ */

/* Python's int(s, 0) as CRIT uses it for numbers written as strings
 * ("0x1f", "-12", "0o17", "0b101", "1_000"), plus the "0x-1" that Python's
 * "0x%x" prints for negative numbers. Magnitude up to 2^64 - 1. */
static bool parse_int(const char *s, size_t n, bool *neg, uint64_t *mag)
{
	size_t i = 0;
	unsigned base = 10;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		*neg = s[i++] == '-';
	if (n - i >= 2 && s[i] == '0' && strchr("xXoObB", s[i + 1])) {
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
		unsigned d = s[i] >= '0' && s[i] <= '9' ? (unsigned)(s[i] - '0')
			     : s[i] >= 'a' && s[i] <= 'f' ? (unsigned)(s[i] - 'a' + 10)
			     : s[i] >= 'A' && s[i] <= 'F' ? (unsigned)(s[i] - 'A' + 10) : 99;
		if (d >= base || v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
		digit_before = true;
	}
	*mag = v;
	return true;
}

/* A JSON number literal that is a whole number: no fraction, no exponent. */
static bool json_int(const struct jv *v, bool *neg, uint64_t *mag)
{
	const char *s = v->str;
	size_t i = s[0] == '-';

	for (size_t k = i; k < v->len; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	return v->len > i && parse_int(s, v->len, neg, mag);
}

struct range {
	bool is_signed;
	uint64_t max;    /* largest magnitude of a positive value */
	uint64_t minmag; /* largest magnitude of a negative value */
};

static struct range range_of(uint8_t type)
{
	switch (type) {
	case CRIT_T_INT32:
	case CRIT_T_SINT32:
	case CRIT_T_SFIXED32:
	case CRIT_T_ENUM:
		return (struct range){ true, INT32_MAX, (uint64_t)INT32_MAX + 1 };
	case CRIT_T_INT64:
	case CRIT_T_SINT64:
	case CRIT_T_SFIXED64:
		return (struct range){ true, INT64_MAX, (uint64_t)INT64_MAX + 1 };
	case CRIT_T_UINT32:
	case CRIT_T_FIXED32:
		return (struct range){ false, UINT32_MAX, 0 };
	case CRIT_T_BOOL:
		return (struct range){ false, 1, 0 };
	default:
		return (struct range){ false, UINT64_MAX, 0 };
	}
}

/* The value of an integer field as the two's complement bits protobuf
 * writes (before zigzag), checked against the field's range. */
static bool to_bits(struct enc *e, const struct jv *v, const struct crit_field *f, bool neg, uint64_t mag,
		    uint64_t *bits)
{
	struct range r = range_of(f->type);

	if (neg && mag && (!r.is_signed || mag > r.minmag))
		return fail(e, v, CRIT_E_TYPE, "%s%llu is out of range for %s", "-", (unsigned long long)mag,
			    f->name);
	if (!neg && mag > r.max)
		return fail(e, v, CRIT_E_TYPE, "%llu is out of range for %s", (unsigned long long)mag, f->name);
	*bits = neg ? 0 - mag : mag;
	return true;
}

/* ------------------------------------------------------------------ */
/* CRIT's --pretty forms, read back                                     */
/* ------------------------------------------------------------------ */

/* "A | B | 0x40": CRIT's unmap_flags adds the bits up. */
static bool unflags(struct enc *e, const struct jv *v, const struct crit_field *f, bool *neg, uint64_t *mag)
{
	const char *s = v->str, *end = s + v->len;
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
		if (!pretty_flag_value(f->flags_map, s, len, &bit)) {
			if (!parse_int(s, len, &bneg, &bit))
				return fail(e, v, CRIT_E_TYPE, "'%.*s' is no flag of %s", (int)len, s, f->flags_map);
			if (bneg)
				bit = 0 - bit;
		}
		sum += bit;
		s = bar ? bar + 1 : end;
	}
	if ((int64_t)sum < 0 && range_of(f->type).is_signed) {
		*neg = true;
		*mag = 0 - sum;
	} else {
		*mag = sum;
	}
	return true;
}

/* "major:minor" in the kernel's encoding, or glibc's makedev for odev. */
static bool undev(struct enc *e, const struct jv *v, const struct crit_field *f, uint64_t *mag)
{
	const char *colon = memchr(v->str, ':', v->len);
	bool n1, n2;
	uint64_t major, minor;

	if (!colon || !parse_int(v->str, (size_t)(colon - v->str), &n1, &major) ||
	    !parse_int(colon + 1, v->len - (size_t)(colon + 1 - v->str), &n2, &minor) || n1 || n2)
		return fail(e, v, CRIT_E_TYPE, "'%s' is not major:minor for %s", v->str, f->name);
	if (f->flags & CRIT_F_ODEV)
		*mag = ((major & 0xfffff000ull) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00ull) << 12) |
		       (minor & 0xff);
	else
		*mag = major << 20 | (minor & 0xfffff);
	if ((f->flags & CRIT_F_ODEV ? major > 0xffffffffull || minor > 0xffffffffull
				    : minor > 0xfffff || major > (UINT64_MAX >> 20)))
		return fail(e, v, CRIT_E_TYPE, "'%s' does not fit a dev_t", v->str);
	return true;
}

/* A number written as a string: the field's pretty form, or int(s, 0). */
static bool string_int(struct enc *e, const struct jv *v, const struct crit_field *f, bool *neg, uint64_t *mag)
{
	int64_t named;

	if (f->flags & CRIT_F_DEV) {
		*neg = false;
		return undev(e, v, f, mag);
	}
	if (f->flags_map && pretty_flags_map(f->flags_map))
		return unflags(e, v, f, neg, mag);
	if (f->dict && pretty_dict_value(f->dict, f->name, v->str, &named)) {
		*neg = named < 0;
		*mag = named < 0 ? 0 - (uint64_t)named : (uint64_t)named;
		return true;
	}
	if (!parse_int(v->str, v->len, neg, mag))
		return fail(e, v, CRIT_E_TYPE, "'%s' is not a number for %s", v->str, f->name);
	return true;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

static const char *type_name(const struct jv *v)
{
	static const char *const names[] = { "null", "false", "true", "a number", "a string", "a list",
					     "an object" };
	return names[v->type];
}

/* The wire value of one number-like field value. */
static bool scalar_bits(struct enc *e, const struct crit_field *f, const struct jv *v, uint64_t *bits)
{
	bool neg = false;
	uint64_t mag = 0;

	switch (f->type) {
	case CRIT_T_BOOL:
		if (v->type != JV_TRUE && v->type != JV_FALSE)
			return fail(e, v, CRIT_E_TYPE, "%s must be true or false, not %s", f->name, type_name(v));
		*bits = v->type == JV_TRUE;
		return true;
	case CRIT_T_DOUBLE:
	case CRIT_T_FLOAT: {
		if (v->type != JV_NUMBER)
			return fail(e, v, CRIT_E_TYPE, "%s must be a number, not %s", f->name, type_name(v));
		double d = strcmp(v->str, "NaN") == 0 ? NAN
			   : strcmp(v->str, "Infinity") == 0 ? INFINITY
			   : strcmp(v->str, "-Infinity") == 0 ? -INFINITY : strtod(v->str, NULL);
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
		if (v->type == JV_STRING) {
			int32_t num;
			if (!schema_enum_number(f->enm, v->str, &num))
				return fail(e, v, CRIT_E_TYPE, "'%s' is not a value of %s", v->str, f->enm->name);
			*bits = (uint64_t)(int64_t)num;
			return true;
		}
		break;
	default:
		break;
	}
	if (v->type == JV_NUMBER) {
		if (json_int(v, &neg, &mag))
			;
		else if (strspn(v->str, "-0123456789") == v->len) /* whole, but past 64 bits */
			return fail(e, v, CRIT_E_TYPE, "%s is out of range for %s", v->str, f->name);
		else
			return fail(e, v, CRIT_E_TYPE, "%s must be a whole number, not %s", f->name, v->str);
	} else if (v->type == JV_STRING) {
		if (!string_int(e, v, f, &neg, &mag))
			return false;
	} else {
		return fail(e, v, CRIT_E_TYPE, "%s must be a number, not %s", f->name, type_name(v));
	}
	if (!to_bits(e, v, f, neg, mag, bits))
		return false;
	if (f->type == CRIT_T_SINT32)
		*bits = (uint32_t)((uint32_t)*bits << 1) ^ (uint32_t)((int32_t)*bits >> 31);
	else if (f->type == CRIT_T_SINT64)
		*bits = (*bits << 1) ^ (uint64_t)((int64_t)*bits >> 63);
	else if (f->type == CRIT_T_INT32 || f->type == CRIT_T_ENUM)
		*bits = (uint64_t)(int64_t)(int32_t)(uint32_t)*bits; /* negative: 10 bytes, as protobuf */
	return true;
}

static bool put_scalar(struct enc *e, const struct crit_field *f, uint64_t bits)
{
	uint8_t t[8];
	switch (wire_type_of(f->type)) {
	case WT_I64:
		for (int i = 0; i < 8; i++)
			t[i] = (uint8_t)(bits >> (8 * i));
		return put(e, t, 8);
	case WT_I32:
		for (int i = 0; i < 4; i++)
			t[i] = (uint8_t)(bits >> (8 * i));
		return put(e, t, 4);
	default:
		return put_varint(e, bits);
	}
}

/* base64 with or without the newlines of base64.encodebytes. */
bool enc_base64(struct enc *e, const struct jv *v, const char *what)
{
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	uint8_t chunk[256];
	size_t n = 0;

	for (size_t i = 0; i < v->len; i++) {
		unsigned char c = (unsigned char)v->str[i];
		int d = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' + 26
			: c >= '0' && c <= '9' ? c - '0' + 52 : c == '+' ? 62 : c == '/' ? 63 : -1;
		if (c == '\n' || c == '\r')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (d < 0 || pad)
			return fail(e, v, CRIT_E_TYPE, "%s: bad base64 at character %zu", what, i + 1);
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			chunk[n++] = (uint8_t)(acc >> bits);
			if (n == sizeof(chunk)) {
				if (!put(e, chunk, n))
					return false;
				n = 0;
			}
		}
	}
	if (bits >= 6 || (bits && (acc & ((1u << bits) - 1))) || pad > 2 || (pad && (bits / 2 != pad)))
		return fail(e, v, CRIT_E_TYPE, "%s: bad base64 ending", what);
	return put(e, chunk, n);
}

/* quopri.decodestring (binascii.a2b_qp) of a unix_name. */
static bool unquopri(struct enc *e, const struct jv *v)
{
	const char *s = v->str;
	size_t n = v->len;

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
		if (!put(e, &c, 1))
			return false;
	}
	return true;
}

/* The bytes written since start get their length in front: the length's
 * size is only known once they are written, so they slide up to make room. */
static bool prefix_length(struct enc *e, size_t start)
{
	size_t len = e->out->n - start, k = varint_size(len);

	if (!buf_reserve(e->out, k))
		return crit_fail(e->err, CRIT_E_NOMEM, 0, "out of memory encoding an entry");
	memmove(e->out->p + start + k, e->out->p + start, len);
	varint_at(e->out->p + start, len);
	e->out->n += k;
	return true;
}

/* A string, bytes or message value, written with its length. */
static bool put_len_value(struct enc *e, const struct crit_field *f, const struct jv *v)
{
	size_t start = e->out->n;
	bool ok;

	if (f->type == CRIT_T_MESSAGE) {
		if (v->type != JV_OBJECT)
			return fail(e, v, CRIT_E_TYPE, "%s must be an object, not %s", f->name, type_name(v));
		if (++e->depth > DEC_MAX_DEPTH)
			return fail(e, v, CRIT_E_LIMIT, "messages nested more than %d deep", DEC_MAX_DEPTH);
		ok = enc_fields(e, f->msg, v, NULL);
		e->depth--;
	} else if (v->type != JV_STRING) {
		return fail(e, v, CRIT_E_TYPE, "%s must be a string, not %s", f->name, type_name(v));
	} else if (f->type == CRIT_T_STRING) {
		ok = put(e, v->str, v->len);
	} else if (f->conv && strcmp(f->conv, "unix_name") == 0) {
		ok = unquopri(e, v);
	} else {
		ok = enc_base64(e, v, f->name);
	}
	return ok && prefix_length(e, start);
}

static bool put_value(struct enc *e, const struct crit_field *f, const struct jv *v)
{
	uint64_t bits;

	if (wire_type_of(f->type) == WT_LEN)
		return put_tag(e, f->number, WT_LEN) && put_len_value(e, f, v);
	return scalar_bits(e, f, v, &bits) && put_tag(e, f->number, wire_type_of(f->type)) &&
	       put_scalar(e, f, bits);
}

/* A repeated (criu).ipadd field as CRIT's --pretty shows it: one address. */
static bool put_ip(struct enc *e, const struct crit_field *f, const struct jv *v)
{
	uint32_t words[4];
	int n = pretty_parse_ip(v->str, words);

	if (!n)
		return fail(e, v, CRIT_E_TYPE, "'%s' is not an IP address for %s", v->str, f->name);
	for (int i = 0; i < n; i++)
		if (!put_tag(e, f->number, wire_type_of(f->type)) || !put_scalar(e, f, words[i]))
			return false;
	return true;
}

static bool put_repeated(struct enc *e, const struct crit_field *f, const struct jv *list)
{
	if (list->type != JV_ARRAY)
		return fail(e, list, CRIT_E_TYPE, "%s must be a list, not %s", f->name, type_name(list));
	if ((f->flags & CRIT_F_IPADD) && list->n == 1 && list->first->type == JV_STRING)
		return put_ip(e, f, list->first);

	bool packed = (f->flags & CRIT_F_PACKED) && wire_type_of(f->type) != WT_LEN;
	size_t start = 0;
	if (packed && list->n) {
		if (!put_tag(e, f->number, WT_LEN))
			return false;
		start = e->out->n;
	}
	uint32_t i = 0;
	for (const struct jv *v = list->first; v; v = v->next, i++) {
		size_t mark = path_push(e, "[%u]", NULL, i);
		uint64_t bits;
		bool ok = packed ? scalar_bits(e, f, v, &bits) && put_scalar(e, f, bits) : put_value(e, f, v);
		if (!ok)
			return false;
		path_pop(e, mark);
	}
	return !(packed && list->n) || prefix_length(e, start);
}

/* "#<number>": raw wire bytes in hex, written back as they were. */
static bool put_raw(struct enc *e, const struct jv *v)
{
	if (v->type != JV_STRING || v->len % 2)
		return fail(e, v, CRIT_E_TYPE, "an unknown field's value must be its wire bytes in hex");
	for (size_t i = 0; i < v->len; i += 2) {
		int hi = hex_digit(v->str[i]), lo = hex_digit(v->str[i + 1]);
		if (hi < 0 || lo < 0)
			return fail(e, v, CRIT_E_TYPE, "an unknown field's value must be its wire bytes in hex");
		uint8_t c = (uint8_t)(hi << 4 | lo);
		if (!put(e, &c, 1))
			return false;
	}
	return true;
}

bool enc_scalar(struct enc *e, const struct crit_field *f, const struct jv *v, uint64_t *value)
{
	return scalar_bits(e, f, v, value);
}

bool enc_uint(const struct jv *v, uint64_t *value)
{
	bool neg;
	return json_int(v, &neg, value) && !neg;
}

/* ------------------------------------------------------------------ */
/* Messages                                                             */
/* ------------------------------------------------------------------ */

struct member {
	uint32_t num;
	uint32_t order; /* document order, to keep the last of repeated keys */
	const struct crit_field *f; /* NULL: a raw "#<number>" */
	const struct jv *v;
};

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	if (!x->f != !y->f) /* a known field before raw bytes of the same number */
		return x->f ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

bool enc_fields(struct enc *e, const struct crit_msg *m, const struct jv *obj, const char *skip)
{
	struct member stack[64], *members = stack;
	uint32_t n = 0;
	bool ok = true;

	if (obj->type != JV_OBJECT)
		return fail(e, obj, CRIT_E_TYPE, "%s must be an object, not %s", m->name, type_name(obj));
	if (obj->n > sizeof(stack) / sizeof(stack[0])) {
		members = malloc(obj->n * sizeof(*members));
		if (!members)
			return crit_fail(e->err, CRIT_E_NOMEM, 0, "out of memory encoding an entry");
	}
	for (const struct jv *v = obj->first; v && ok; v = v->next) {
		struct member mb = { .order = n, .v = v };
		if (skip && strcmp(v->key, skip) == 0)
			continue;
		if (v->key[0] == '#') {
			bool neg;
			uint64_t num;
			if (!parse_int(v->key + 1, v->keylen - 1, &neg, &num) || neg || !num || num > WIRE_MAX_FIELD) {
				size_t mark = path_push(e, NULL, v->key, 0);
				ok = fail(e, v, CRIT_E_KEY, "'%s' is no field number", v->key);
				path_pop(e, mark);
				break;
			}
			mb.num = (uint32_t)num;
		} else {
			mb.f = schema_field_by_name(m, v->key);
			if (!mb.f) {
				size_t mark = path_push(e, NULL, v->key, 0);
				ok = fail(e, v, CRIT_E_KEY, "%s has no field '%s'", m->name, v->key);
				path_pop(e, mark);
				break;
			}
			mb.num = mb.f->number;
		}
		members[n++] = mb;
	}
	if (ok)
		qsort(members, n, sizeof(*members), cmp_member);

	uint32_t next = 0; /* fields[next...] not seen yet, for the required check */
	for (uint32_t i = 0; i < n && ok; i++) {
		const struct member *mb = &members[i];
		/* Python's json keeps the last of repeated keys. */
		if (i + 1 < n && members[i + 1].num == mb->num && !members[i + 1].f == !mb->f)
			continue;
		if (mb->f) {
			uint32_t idx = (uint32_t)(mb->f - m->fields);
			for (; next < idx && ok; next++)
				if (m->fields[next].label == CRIT_L_REQUIRED)
					ok = fail(e, obj, CRIT_E_REQUIRED, "missing required field %s of %s",
						  m->fields[next].name, m->name);
			next = idx + 1;
		}
		size_t mark = path_push(e, NULL, mb->v->key, 0);
		if (ok && mb->f)
			ok = mb->f->label == CRIT_L_REPEATED ? put_repeated(e, mb->f, mb->v) : put_value(e, mb->f, mb->v);
		else if (ok)
			ok = put_raw(e, mb->v);
		path_pop(e, mark);
	}
	for (; next < m->n_fields && ok; next++)
		if (m->fields[next].label == CRIT_L_REQUIRED)
			ok = fail(e, obj, CRIT_E_REQUIRED, "missing required field %s of %s", m->fields[next].name,
				  m->name);
	if (members != stack)
		free(members);
	return ok;
}
