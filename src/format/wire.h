/* wire.h - the protobuf wire format on a bounded cursor: varints, field
 * occurrences, and what is wrong with a damaged one. */
#ifndef CRIT_WIRE_H
#define CRIT_WIRE_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "base/err.h"
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

/* The values an integer type holds. */
struct wire_range {
	bool is_signed;
	uint64_t max;    /* largest magnitude of a positive value */
	uint64_t minmag; /* largest magnitude of a negative value */
};

static inline struct wire_range wire_range_of(uint8_t type)
{
	switch (type) {
	case CRIT_T_INT32:
	case CRIT_T_SINT32:
	case CRIT_T_SFIXED32:
	case CRIT_T_ENUM:
		return (struct wire_range){ true, INT32_MAX, (uint64_t)INT32_MAX + 1 };
	case CRIT_T_INT64:
	case CRIT_T_SINT64:
	case CRIT_T_SFIXED64:
		return (struct wire_range){ true, INT64_MAX, (uint64_t)INT64_MAX + 1 };
	case CRIT_T_UINT32:
	case CRIT_T_FIXED32:
		return (struct wire_range){ false, UINT32_MAX, 0 };
	case CRIT_T_BOOL:
		return (struct wire_range){ false, 1, 0 };
	default:
		return (struct wire_range){ false, UINT64_MAX, 0 };
	}
}

/* The wire value of a whole number of an integer field f (zigzag for the
 * sint types, 64-bit two's complement for negative int32 and enum), or
 * false when it is out of f's range. */
static inline bool wire_int_bits(const struct crit_field *f, bool neg, uint64_t mag, uint64_t *bits)
{
	struct wire_range r = wire_range_of(f->type);
	uint64_t b = neg ? 0 - mag : mag;

	if ((neg && mag && (!r.is_signed || mag > r.minmag)) || (!neg && mag > r.max))
		return false;
	if (f->type == CRIT_T_SINT32)
		b = (uint32_t)((uint32_t)b << 1) ^ (uint32_t)((int32_t)b >> 31);
	else if (f->type == CRIT_T_SINT64)
		b = (b << 1) ^ (uint64_t)((int64_t)b >> 63);
	else if (f->type == CRIT_T_INT32 || f->type == CRIT_T_ENUM)
		b = (uint64_t)(int64_t)(int32_t)(uint32_t)b; /* negative: 10 bytes, as protobuf */
	*bits = b;
	return true;
}

/* What is wrong with a field occurrence: one kind of damage, one error
 * code and one message (wire.c), whoever reads it. */
enum wire_damage {
	WD_NONE,
	WD_VARINT,       /* the tag, a varint value or a length: o->varint says why */
	WD_FIELD_NUMBER, /* 0, or past WIRE_MAX_FIELD */
	WD_WIRE_TYPE,    /* a group, or 6 or 7: CRIU images never hold them */
	WD_FIXED_SHORT,  /* a 4- or 8-byte value cut short */
	WD_LEN_PAST,     /* a length past the message's end */
};

/* One field occurrence, and on failure what is wrong with it. */
struct wire_occ {
	uint32_t num;
	int wt;
	const uint8_t *start, *val, *end; /* the tag, the value (a LEN's bytes), the end */
	uint64_t v; /* the varint or fixed value, or the LEN length */
	enum wire_damage damage;
	enum wire_status varint; /* WD_VARINT's */
	const uint8_t *at;       /* where the damage is: the tag, value or length (a LEN's length) */
	uint64_t left;           /* WD_LEN_PAST: the bytes after the length */
};

static inline bool wire_damaged(struct wire_occ *o, enum wire_damage why, const uint8_t *at)
{
	o->damage = why;
	o->at = at;
	return false;
}

/* The head of the field occurrence at [p, e), in protobuf-c's form with a
 * wire type CRIU uses: its tag and its value, or a LEN's length, whose
 * bytes may lie past e (a streamed message reads them after). False, with
 * the damage, for anything else. This is the one parser of a field's tag
 * and length: decode (in place and streamed), view and the explorers. */
static inline bool wire_head(const uint8_t *p, const uint8_t *e, struct wire_occ *o)
{
	uint64_t tag;

	o->start = p;
	if ((o->varint = wire_varint(&p, e, &tag)) != WIRE_OK)
		return wire_damaged(o, WD_VARINT, o->start);
	o->num = (uint32_t)(tag >> 3);
	o->wt = (int)(tag & 7);
	if (tag >> 3 == 0 || tag >> 3 > WIRE_MAX_FIELD) {
		o->v = tag >> 3;
		return wire_damaged(o, WD_FIELD_NUMBER, o->start);
	}
	o->val = p;
	switch (o->wt) {
	case WT_VARINT:
		if ((o->varint = wire_varint(&p, e, &o->v)) != WIRE_OK)
			return wire_damaged(o, WD_VARINT, o->val);
		break;
	case WT_I64:
	case WT_I32: {
		int n = o->wt == WT_I64 ? 8 : 4;
		if (e - p < n)
			return wire_damaged(o, WD_FIXED_SHORT, p);
		o->v = wire_le(p, n);
		p += n;
		break;
	}
	case WT_LEN:
		o->at = p; /* the length, for wire_len_fits */
		if ((o->varint = wire_varint(&p, e, &o->v)) != WIRE_OK)
			return wire_damaged(o, WD_VARINT, o->val);
		o->val = p;
		break;
	default:
		return wire_damaged(o, WD_WIRE_TYPE, o->start);
	}
	o->end = p; /* a LEN's: its value's start */
	return true;
}

/* A LEN occurrence's bytes fit in the left bytes after its length. */
static inline bool wire_len_fits(struct wire_occ *o, uint64_t left)
{
	if (o->v <= left)
		return true;
	o->left = left;
	return wire_damaged(o, WD_LEN_PAST, o->at);
}

/* The whole field occurrence at [p, e), its value included. */
static inline bool wire_occ(const uint8_t *p, const uint8_t *e, struct wire_occ *o)
{
	if (!wire_head(p, e, o))
		return false;
	if (o->wt == WT_LEN) {
		if (!wire_len_fits(o, (uint64_t)(e - o->val)))
			return false;
		o->end = o->val + o->v;
	}
	return true;
}

/* The next value of a packed run of wire type wt at [*p, e): WIRE_SHORT
 * also for a fixed-size value cut short. */
static inline enum wire_status wire_packed(const uint8_t **p, const uint8_t *e, int wt, uint64_t *v)
{
	if (wt == WT_VARINT)
		return wire_varint(p, e, v);
	int n = wt == WT_I64 ? 8 : 4;
	if (e - *p < n)
		return WIRE_SHORT;
	*v = wire_le(*p, n);
	*p += n;
	return WIRE_OK;
}

/* The error for a damaged occurrence, whose o->at is at input offset pos,
 * in file (NULL: none): always false. */
bool wire_fail(struct crit_err *err, const char *file, const struct wire_occ *o, uint64_t pos);
/* The error for a varint refused with st at pos, in what ("packed field
 * x"): always false. */
bool wire_varint_fail(struct crit_err *err, const char *file, enum wire_status st, uint64_t pos, const char *what);

/* The error for a value of packed field `field` (wire type wt) refused
 * with st at pos: always false. */
bool wire_packed_fail(struct crit_err *err, const char *file, enum wire_status st, int wt, const char *field,
		      uint64_t pos);

/* Appended to the message of every refusal of wire data that is valid
 * protobuf, but not protobuf-c's. */
#define NOT_PBC " (not as protobuf-c writes it)"

#endif
