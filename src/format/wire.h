/* wire.h - the protobuf wire format on a bounded cursor. */
#ifndef CRIT_WIRE_H
#define CRIT_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "format/schema.h"

enum wire_type {
	WT_VARINT = 0,
	WT_I64 = 1,
	WT_LEN = 2,
	WT_SGROUP = 3,
	WT_EGROUP = 4,
	WT_I32 = 5,
};

#define WIRE_MAX_FIELD 536870911u /* 2^29 - 1 */

enum wire_status {
	WIRE_OK = 0,
	WIRE_SHORT,   /* the cursor's bound comes first */
	WIRE_LONG,    /* more than 10 bytes */
	/* Well-formed, but not as protobuf-c writes it (docs/security.md): */
	WIRE_PADDED,  /* a shorter form exists: the last byte is 0 */
	WIRE_PAST_64, /* bits past 64 in the tenth byte */
};

/* A varint from [*p, e), at most 10 bytes, in the one form protobuf-c
 * writes. On anything else *p and *v are left alone. */
static inline enum wire_status wire_varint(const uint8_t **p, const uint8_t *e, uint64_t *v)
{
	const uint8_t *s = *p;
	uint64_t r = 0;

	if (s < e && s[0] < 0x80) { /* most varints are one byte */
		*v = s[0];
		*p = s + 1;
		return WIRE_OK;
	}
	if (e - s >= 8) {
		/* A varint of up to 8 bytes in one 64-bit word, the first byte
		 * lowest: stop has the high bit of each byte that ends a varint,
		 * the lowest one ends this one. Keep the bytes up to it, without
		 * their high bits, then close the gaps between their 7-bit
		 * groups: 7 -> 14 -> 28 -> 56 bits. Longer ones take the loop. */
		uint64_t x;
		memcpy(&x, s, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		uint64_t stop = ~x & 0x8080808080808080u;
		if (stop) {
			int last = __builtin_ctzll(stop) - 7; /* the bit the last byte starts at */
			if (last && !(uint8_t)(x >> last))
				return WIRE_PADDED;
			x &= (stop ^ (stop - 1)) & 0x7f7f7f7f7f7f7f7fu;
			x = (x & 0x007f007f007f007fu) | (x & 0x7f007f007f007f00u) >> 1;
			x = (x & 0x00003fff00003fffu) | (x & 0x3fff00003fff0000u) >> 2;
			x = (x & 0x000000000fffffffu) | (x & 0x0fffffff00000000u) >> 4;
			*v = x;
			*p = s + (__builtin_ctzll(stop) + 1) / 8;
			return WIRE_OK;
		}
	}
	for (int i = 0; i < 10; i++) {
		if (s + i >= e)
			return WIRE_SHORT;
		r |= (uint64_t)(s[i] & 0x7f) << (7 * i);
		if (!(s[i] & 0x80)) {
			if (i && !s[i])
				return WIRE_PADDED;
			if (i == 9 && s[i] > 1)
				return WIRE_PAST_64;
			*v = r;
			*p = s + i + 1;
			return WIRE_OK;
		}
	}
	return WIRE_LONG;
}

/* Write v as a varint at p (room for 10 bytes); returns its length. */
static inline size_t wire_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Write a value of wire type wt at p (room for 10 bytes): little-endian
 * for the fixed types, else a varint; returns its length. */
static inline size_t wire_put_scalar(uint8_t *p, int wt, uint64_t bits)
{
	int n = wt == WT_I64 ? 8 : wt == WT_I32 ? 4 : 0;

	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(bits >> (8 * i));
	return n ? (size_t)n : wire_put_varint(p, bits);
}

static inline size_t wire_varint_size(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline uint64_t wire_le(const uint8_t *s, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | s[i];
	return v;
}

static inline int64_t wire_zigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* The wire type a field's values have when not packed. */
static inline int wire_type_of(uint8_t type)
{
	static const uint8_t wt[] = {
		[CRIT_T_DOUBLE] = WT_I64,    [CRIT_T_FIXED64] = WT_I64, [CRIT_T_SFIXED64] = WT_I64,
		[CRIT_T_FLOAT] = WT_I32,     [CRIT_T_FIXED32] = WT_I32, [CRIT_T_SFIXED32] = WT_I32,
		[CRIT_T_STRING] = WT_LEN,    [CRIT_T_BYTES] = WT_LEN,   [CRIT_T_MESSAGE] = WT_LEN,
		[CRIT_T_SINT64] = WT_VARINT, /* the last type: the rest are varints (0) */
	};

	return type < sizeof(wt) ? wt[type] : WT_VARINT;
}

/* Does a value of wire type wt belong to field f, as parsers read it?
 * Repeated numbers may come packed or not, whatever the schema says. */
static inline bool wire_fits(const struct crit_field *f, int wt)
{
	int want = wire_type_of(f->type);
	return wt == want || (wt == WT_LEN && want != WT_LEN && f->label == CRIT_L_REPEATED);
}

/* The one wire type protobuf-c writes f's values with: a repeated number
 * [packed = true] as one length-delimited run, anything else as its type. */
static inline int wire_type_for(const struct crit_field *f)
{
	int wt = wire_type_of(f->type);
	return f->label == CRIT_L_REPEATED && (f->flags & CRIT_F_PACKED) && wt != WT_LEN ? WT_LEN : wt;
}

/* One field occurrence. */
struct wire_occ {
	uint32_t num;
	int wt;
	const uint8_t *start, *val, *end; /* the tag, the value (a LEN's bytes), the end */
	uint64_t v; /* the varint or fixed value, or the LEN length */
};

/* The field occurrence at [p, e), in protobuf-c's form with a wire type
 * CRIU uses: true, or false for anything else (decode.c tells why). */
static inline bool wire_occ(const uint8_t *p, const uint8_t *e, struct wire_occ *o)
{
	uint64_t tag;

	o->start = p;
	if (wire_varint(&p, e, &tag) != WIRE_OK || tag >> 3 == 0 || tag >> 3 > WIRE_MAX_FIELD)
		return false;
	o->num = (uint32_t)(tag >> 3);
	o->wt = (int)(tag & 7);
	o->val = p;
	switch (o->wt) {
	case WT_VARINT:
		if (wire_varint(&p, e, &o->v) != WIRE_OK)
			return false;
		break;
	case WT_I64:
		if (e - p < 8)
			return false;
		o->v = wire_le(p, 8);
		p += 8;
		break;
	case WT_I32:
		if (e - p < 4)
			return false;
		o->v = wire_le(p, 4);
		p += 4;
		break;
	case WT_LEN:
		if (wire_varint(&p, e, &o->v) != WIRE_OK || o->v > (uint64_t)(e - p))
			return false;
		o->val = p;
		p += o->v;
		break;
	default:
		return false;
	}
	o->end = p;
	return true;
}

#endif
