/*
 * decode.c - one protobuf message to JSON, guided by the generated tables.
 *
 * Python CRIT prints a message's fields in field-number order, whatever
 * their order on the wire. protobuf-c writes them in that order, so the
 * walker emits fields as it meets them, grouped by number:
 *   - a message that fits the input window (CRIT_WINDOW) is walked at once
 *     if its output surely fits the output buffer, with the output held;
 *     should the walk meet fields out of order or repeated (or an error),
 *     the output is taken back and the careful path runs: the message is
 *     checked first and, when its fields are out of order or repeated, a
 *     sorted copy is made with protobuf's semantics (the last scalar wins,
 *     messages merge) and walked;
 *   - a larger message is streamed, and must already be in order.
 * Fields the tables do not know, and fields whose wire type contradicts
 * the tables, are kept as raw wire bytes under the key "#<number>".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "wire.h"

/* Bytes of a message in memory; pos is the input offset of p, for errors.
 * In a reordered copy offsets are not the input's: pos stays at the
 * message's start (exact == false). */
struct span {
	const uint8_t *p, *e;
	uint64_t pos;
	bool exact;
};

/* One field occurrence. */
struct occ {
	uint32_t num;
	int wt;
	const uint8_t *start, *val, *end;
	uint64_t v; /* the varint or fixed value, or the LEN length */
};

static uint64_t span_pos(const struct span *s, const uint8_t *at)
{
	return s->exact ? s->pos + (uint64_t)(at - s->p) : s->pos;
}

static bool parse_occ(struct dec *d, const struct span *s, const uint8_t *p, struct occ *o)
{
	uint64_t tag;

	o->start = p;
	switch (wire_varint(&p, s->e, &tag)) {
	case WIRE_SHORT:
		return crit_fail(d->err, CRIT_E_TRUNCATED, span_pos(s, o->start), "truncated field tag");
	case WIRE_LONG:
		return crit_fail(d->err, CRIT_E_VARINT, span_pos(s, o->start), "varint longer than 10 bytes");
	case WIRE_OK:
		break;
	}
	o->num = (uint32_t)(tag >> 3);
	o->wt = (int)(tag & 7);
	if (tag >> 3 == 0 || tag >> 3 > WIRE_MAX_FIELD)
		return crit_fail(d->err, CRIT_E_WIRE, span_pos(s, o->start), "invalid field number %llu",
				 (unsigned long long)(tag >> 3));
	o->val = p;
	switch (o->wt) {
	case WT_VARINT:
		switch (wire_varint(&p, s->e, &o->v)) {
		case WIRE_SHORT:
			return crit_fail(d->err, CRIT_E_TRUNCATED, span_pos(s, o->val),
					 "truncated varint of field %u", o->num);
		case WIRE_LONG:
			return crit_fail(d->err, CRIT_E_VARINT, span_pos(s, o->val),
					 "varint longer than 10 bytes in field %u", o->num);
		case WIRE_OK:
			break;
		}
		break;
	case WT_I64:
	case WT_I32: {
		int n = o->wt == WT_I64 ? 8 : 4;
		if (s->e - p < n)
			return crit_fail(d->err, CRIT_E_TRUNCATED, span_pos(s, p),
					 "truncated %d-byte value of field %u", n, o->num);
		o->v = wire_le(p, n);
		p += n;
		break;
	}
	case WT_LEN:
		switch (wire_varint(&p, s->e, &o->v)) {
		case WIRE_SHORT:
			return crit_fail(d->err, CRIT_E_TRUNCATED, span_pos(s, o->val),
					 "truncated length of field %u", o->num);
		case WIRE_LONG:
			return crit_fail(d->err, CRIT_E_VARINT, span_pos(s, o->val),
					 "varint longer than 10 bytes in the length of field %u", o->num);
		case WIRE_OK:
			break;
		}
		if (o->v > (uint64_t)(s->e - p))
			return crit_fail(d->err, CRIT_E_LENGTH, span_pos(s, o->val),
					 "length %llu of field %u runs past its message (%lld bytes left)",
					 (unsigned long long)o->v, o->num, (long long)(s->e - p));
		o->val = p;
		p += o->v;
		break;
	default:
		return crit_fail(d->err, CRIT_E_WIRE, span_pos(s, o->start),
				 "field %u has wire type %d, which CRIU images never use", o->num, o->wt);
	}
	o->end = p;
	return true;
}

/* parse_occ without the reports, inline for the walk: false for anything
 * malformed, which parse_occ then tells. */
static inline bool occ_quick(const uint8_t *p, const uint8_t *e, struct occ *o)
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

/* The field number of the tag at p, or 0 when there is none to read. */
static inline uint64_t peek_num(const uint8_t *p, const uint8_t *e)
{
	uint64_t tag;

	if (p < e && *p < 0x80)
		return *p >> 3;
	return wire_varint(&p, e, &tag) == WIRE_OK ? tag >> 3 : 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

static void put_hexbytes(struct jw *w, const uint8_t *s, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	char buf[256];
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		buf[o++] = dig[s[i] >> 4];
		buf[o++] = dig[s[i] & 15];
		if (o == sizeof(buf)) {
			jw_str_ascii(w, buf, o);
			o = 0;
		}
	}
	jw_str_ascii(w, buf, o);
}

static void capture(struct dec *d, const struct crit_field *f, uint64_t v)
{
	if (d->depth)
		return;
	for (int i = 0; i < d->ncaps; i++) {
		if (d->caps[i].f == f) {
			d->caps[i].seen = true;
			d->caps[i].v = v;
		}
	}
}

__attribute__((noinline)) static void memo_fill(struct field_memo *fm, const struct crit_field *f)
{
	fm->f = f;
	fm->flags = f->flags_map ? pretty_flags_map(f->flags_map) : NULL;
	fm->keylen = strlen(f->name);
	fm->conv = (f->flags & (CRIT_F_HEX | CRIT_F_DEV)) || f->flags_map || f->dict;
}

/* f's memo. A slot is only good until the next lookup, which may reuse it. */
static inline const struct field_memo *memo(struct dec *d, const struct crit_field *f)
{
	/* Fibonacci hashing: the top bits of the address times 2^64/phi. */
	uint64_t h = (uint64_t)(uintptr_t)f * 0x9e3779b97f4a7c15u;
	struct field_memo *fm = &d->memo[h >> (64 - 8)];

	_Static_assert(DEC_MEMO == 1 << 8, "the hash gives 8 bits");
	if (fm->f != f)
		memo_fill(fm, f);
	return fm;
}

/* A bool, enum, double or float value. */
__attribute__((noinline)) static void emit_other(struct dec *d, const struct crit_field *f, uint64_t raw)
{
	struct jw *w = d->w;

	switch (f->type) {
	case CRIT_T_BOOL:
		capture(d, f, raw != 0);
		jw_bool(w, raw != 0);
		return;
	case CRIT_T_DOUBLE: {
		double x;
		memcpy(&x, &raw, sizeof(x));
		jw_double(w, x);
		return;
	}
	case CRIT_T_FLOAT: {
		float x;
		uint32_t r32 = (uint32_t)raw;
		memcpy(&x, &r32, sizeof(x));
		jw_double(w, x);
		return;
	}
	default: { /* CRIT_T_ENUM */
		const struct crit_enum_value *ev = schema_enum_value(f->enm, (int32_t)(uint32_t)raw);
		capture(d, f, raw);
		if (ev)
			jw_plain(w, ev->name, strlen(ev->name));
		else
			jw_i64(w, (int32_t)(uint32_t)raw); /* no name: the number */
		return;
	}
	}
}

/* One number-like value, as Python's protobuf hands it to CRIT, after
 * its key when keyed. Inline: a plain integer is the common case. */
__attribute__((always_inline)) static inline void emit_scalar(struct dec *d, const struct field_memo *fm,
							      bool keyed, bool hex, uint64_t raw)
{
	const struct crit_field *f = fm->f;
	struct jw *w = d->w;
	bool is_signed = false;
	uint64_t v = raw;

	switch (f->type) {
	case CRIT_T_INT32:
	case CRIT_T_SFIXED32:
		v = (uint64_t)(int64_t)(int32_t)(uint32_t)raw;
		is_signed = true;
		break;
	case CRIT_T_INT64:
	case CRIT_T_SFIXED64:
		is_signed = true;
		break;
	case CRIT_T_SINT32:
		v = (uint64_t)(int64_t)(int32_t)((uint32_t)raw >> 1 ^ -(uint32_t)(raw & 1));
		is_signed = true;
		break;
	case CRIT_T_SINT64:
		v = (uint64_t)wire_zigzag(raw);
		is_signed = true;
		break;
	case CRIT_T_UINT32:
	case CRIT_T_FIXED32:
		v = (uint32_t)raw;
		break;
	case CRIT_T_UINT64:
	case CRIT_T_FIXED64:
		break;
	default:
		if (keyed)
			jw_key_n(w, f->name, fm->keylen);
		emit_other(d, f, raw);
		return;
	}
	if (d->ncaps)
		capture(d, f, v);
	if (d->pretty && (hex || fm->conv)) {
		if (pretty_int_map(w, keyed ? f->name : NULL, fm->keylen, f, fm->flags, hex, is_signed, v))
			return;
		keyed = false; /* written */
	}
	if (keyed && is_signed)
		jw_key_i64(w, f->name, fm->keylen, (int64_t)v);
	else if (keyed)
		jw_key_u64(w, f->name, fm->keylen, v);
	else if (is_signed)
		jw_i64(w, (int64_t)v);
	else
		jw_u64(w, v);
}

/* A value of a group (a list element): out of line. */
static void emit_value(struct dec *d, const struct crit_field *f, bool hex, uint64_t raw)
{
	emit_scalar(d, memo(d, f), false, hex, raw);
}

static bool decode_span(struct dec *d, const struct crit_msg *m, struct span s, bool hex);
static bool stream_message(struct dec *d, const struct crit_msg *m, uint64_t len, bool hex);

static bool enter(struct dec *d, uint64_t pos)
{
	if (d->depth + 1 >= DEC_MAX_DEPTH)
		return crit_fail(d->err, CRIT_E_LIMIT, pos, "messages nested more than %d deep",
				 DEC_MAX_DEPTH);
	d->depth++;
	return true;
}

/* A string, bytes or message value held in memory. */
static bool emit_len(struct dec *d, const struct crit_field *f, bool hex, struct span s)
{
	size_t n = (size_t)(s.e - s.p);

	switch (f->type) {
	case CRIT_T_STRING:
		jw_str(d->w, s.p, n);
		return true;
	case CRIT_T_BYTES:
		if (f->conv && strcmp(f->conv, "unix_name") == 0) {
			qp_str(d->w, s.p, n);
		} else {
			struct b64 b;
			b64_open(&b, d->w);
			b64_feed(&b, s.p, n);
			b64_close(&b);
		}
		return true;
	default: /* CRIT_T_MESSAGE */
		if (!enter(d, s.pos))
			return false;
		jw_obj_open(d->w);
		bool ok = decode_span(d, f->msg, s, hex || (f->flags & CRIT_F_HEX));
		jw_obj_close(d->w);
		d->depth--;
		return ok;
	}
}

/* ------------------------------------------------------------------ */
/* Groups: the consecutive occurrences of one field number              */
/* ------------------------------------------------------------------ */

struct group {
	const struct crit_field *f; /* NULL: raw wire bytes under "#<num>" */
	uint32_t num;
	bool hex;
	bool open;
	bool ipadd;       /* a pretty (criu).ipadd list: words are gathered first */
	uint32_t ip[4];
	int nip;
};

static void group_begin(struct dec *d, struct group *g, const struct crit_field *f, uint32_t num, bool hex)
{
	memset(g, 0, sizeof(*g));
	g->f = f;
	g->num = num;
	g->hex = hex;
	g->ipadd = f && d->pretty && f->label == CRIT_L_REPEATED && (f->flags & CRIT_F_IPADD);
}

/* The key (and list) are written with the first value, so a repeated
 * field with no values at all (an empty packed run) is not shown, as in
 * Python, where such a field is not set. */
static void group_open(struct dec *d, struct group *g)
{
	char key[16];

	if (g->open)
		return;
	g->open = true;
	if (!g->f) {
		snprintf(key, sizeof(key), "#%u", g->num);
		jw_key(d->w, key);
		jw_str_open(d->w);
		return;
	}
	jw_key_n(d->w, g->f->name, memo(d, g->f)->keylen);
	if (g->f->label == CRIT_L_REPEATED)
		jw_arr_open(d->w);
}

static void group_scalar(struct dec *d, struct group *g, uint64_t v)
{
	if (g->ipadd) {
		if (g->nip < 4) {
			g->ip[g->nip++] = (uint32_t)v;
			return;
		}
		/* A fifth word: no address after all, show plain numbers. */
		g->ipadd = false;
		group_open(d, g);
		for (int i = 0; i < g->nip; i++)
			emit_value(d, g->f, g->hex, g->ip[i]);
	}
	group_open(d, g);
	emit_value(d, g->f, g->hex, v);
}

static void group_end(struct dec *d, struct group *g)
{
	if (g->ipadd && g->nip) {
		group_open(d, g);
		/* An address is 1 (IPv4) or 4 (IPv6) words; anything else stays numbers. */
		if (g->nip == 1 || g->nip == 4)
			pretty_ip(d->w, g->ip, g->nip);
		else
			for (int i = 0; i < g->nip; i++)
				emit_value(d, g->f, g->hex, g->ip[i]);
	}
	if (!g->open)
		return;
	if (!g->f)
		jw_str_close(d->w);
	else if (g->f->label == CRIT_L_REPEATED)
		jw_arr_close(d->w);
}

/* Packed numbers held in memory. */
static bool group_packed(struct dec *d, struct group *g, struct span s)
{
	int wt = wire_type_of(g->f->type);
	const uint8_t *p = s.p;

	while (p < s.e) {
		uint64_t v;
		if (wt == WT_VARINT) {
			const uint8_t *at = p;
			enum wire_status st = wire_varint(&p, s.e, &v);
			if (st != WIRE_OK)
				return crit_fail(d->err, st == WIRE_LONG ? CRIT_E_VARINT : CRIT_E_TRUNCATED,
						 span_pos(&s, at), "%s in packed field %s",
						 st == WIRE_LONG ? "varint longer than 10 bytes" : "truncated varint",
						 g->f->name);
		} else {
			int n = wt == WT_I64 ? 8 : 4;
			if (s.e - p < n)
				return crit_fail(d->err, CRIT_E_TRUNCATED, span_pos(&s, p),
						 "packed field %s ends inside a %d-byte value", g->f->name, n);
			v = wire_le(p, n);
			p += n;
		}
		group_scalar(d, g, v);
	}
	return true;
}

/* One occurrence held in memory. */
static bool group_occ(struct dec *d, struct group *g, const struct span *s, const struct occ *o)
{
	if (!g->f) {
		group_open(d, g);
		put_hexbytes(d->w, o->start, (size_t)(o->end - o->start));
		return true;
	}
	struct span v = { o->val, o->end, span_pos(s, o->val), s->exact };
	if (o->wt != WT_LEN)
		group_scalar(d, g, o->v);
	else if (wire_type_of(g->f->type) != WT_LEN)
		return group_packed(d, g, v);
	else {
		group_open(d, g);
		return emit_len(d, g->f, g->hex, v);
	}
	return true;
}

/* The first required field among fields[from, to), which were not seen. */
static const struct crit_field *missing_required(const struct crit_msg *m, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (m->fields[i].label == CRIT_L_REQUIRED)
			return &m->fields[i];
	return NULL;
}

static bool check_required(struct dec *d, const struct crit_msg *m, uint32_t from, uint32_t to, uint64_t pos)
{
	const struct crit_field *f = missing_required(m, from, to);

	if (f)
		return crit_fail(d->err, CRIT_E_REQUIRED, pos, "%s lacks required field %s", m->name, f->name);
	return true;
}

/* ------------------------------------------------------------------ */
/* Messages in memory                                                   */
/* ------------------------------------------------------------------ */

/* Validate every occurrence and tell whether the fields are in protobuf-c's
 * order: ascending numbers, one occurrence of each non-repeated field. */
static bool scan(struct dec *d, const struct crit_msg *m, const struct span *s, bool *sorted, uint32_t *count)
{
	uint32_t prev = 0;
	const uint8_t *p = s->p;
	struct occ o;

	*sorted = true;
	*count = 0;
	while (p < s->e) {
		if (!parse_occ(d, s, p, &o))
			return false;
		if (o.num < prev)
			*sorted = false;
		else if (o.num == prev) {
			const struct crit_field *f = schema_field(m, o.num);
			if (f && f->label != CRIT_L_REPEATED)
				*sorted = false;
		}
		prev = o.num;
		(*count)++;
		p = o.end;
	}
	return true;
}

/* The fast path of scan(): true when every occurrence is well formed and
 * in order. It decodes nothing; anything else goes to scan() to be told. */
static bool quick_sorted(const struct crit_msg *m, const uint8_t *p, const uint8_t *e)
{
	uint64_t prev = 0, tag, v;

	while (p < e) {
		if (wire_varint(&p, e, &tag) != WIRE_OK || tag >> 3 < prev || tag >> 3 > WIRE_MAX_FIELD)
			return false;
		if (tag >> 3 == prev) {
			const struct crit_field *f = schema_field(m, (uint32_t)prev);
			if (f && f->label != CRIT_L_REPEATED)
				return false;
		}
		prev = tag >> 3;
		switch (tag & 7) {
		case WT_VARINT:
			if (wire_varint(&p, e, &v) != WIRE_OK)
				return false;
			break;
		case WT_I64:
			if (e - p < 8)
				return false;
			p += 8;
			break;
		case WT_I32:
			if (e - p < 4)
				return false;
			p += 4;
			break;
		case WT_LEN:
			if (wire_varint(&p, e, &v) != WIRE_OK || v > (uint64_t)(e - p))
				return false;
			p += v;
			break;
		default:
			return false;
		}
	}
	return true;
}

struct occ_ref {
	uint32_t num;
	uint32_t off;
};

static int cmp_occ_ref(const void *a, const void *b)
{
	const struct occ_ref *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* The fields of s sorted by number into out (which has room for the whole
 * span), with protobuf's merge rules: of a non-repeated field only the last
 * value counts, and a non-repeated message merges all its occurrences.
 * Occurrences whose wire type does not fit are all kept (they end up raw). */
static size_t reorder(struct dec *d, const struct crit_msg *m, const struct span *s,
		      struct occ_ref *refs, uint32_t count, uint8_t *out)
{
	const uint8_t *p = s->p;
	struct occ o;
	size_t n = 0;

	for (uint32_t i = 0; i < count; i++, p = o.end) {
		parse_occ(d, s, p, &o);
		refs[i].num = o.num;
		refs[i].off = (uint32_t)(p - s->p);
	}
	qsort(refs, count, sizeof(*refs), cmp_occ_ref);
	for (uint32_t i = 0; i < count;) {
		uint32_t j = i;
		while (j < count && refs[j].num == refs[i].num)
			j++;
		const struct crit_field *f = schema_field(m, refs[i].num);
		bool single = f && f->label != CRIT_L_REPEATED;
		uint32_t last = j; /* the last fitting occurrence of a single field */
		uint64_t merged = 0;
		for (uint32_t k = i; k < j && single; k++) {
			parse_occ(d, s, s->p + refs[k].off, &o);
			if (wire_fits(f, o.wt)) {
				last = k;
				merged += o.v;
			}
		}
		bool merge = single && f->type == CRIT_T_MESSAGE && last != j;
		if (merge) {
			n += wire_put_varint(out + n, (uint64_t)f->number << 3 | WT_LEN);
			n += wire_put_varint(out + n, merged);
		}
		for (uint32_t k = i; k < j; k++) {
			parse_occ(d, s, s->p + refs[k].off, &o);
			bool fits = f && wire_fits(f, o.wt);
			if (merge && fits) {
				memcpy(out + n, o.val, o.v);
				n += o.v;
			} else if (!single || !fits || k == last) {
				memcpy(out + n, o.start, (size_t)(o.end - o.start));
				n += (size_t)(o.end - o.start);
			}
		}
		i = j;
	}
	return n;
}

/* The optimistic pass. Most messages are in order, and checking that
 * first (quick_sorted) costs nearly as much as decoding them. So a message
 * whose output surely fits the free part of the output buffer is walked
 * straight away, with the output held (out_hold): the walk checks the order
 * as it goes and, at anything out of order or repeated, or at any error, the
 * output is taken back and the message decoded again on the careful path
 * (check, reorder), which also makes the error reports what they always
 * were. The pass covers the message's sub-messages too, walked as part of
 * it; the careful path after a failed pass starts no new pass, so nothing
 * is decoded more than twice. */
enum {
	OPT_FREE,    /* a message may start a pass */
	OPT_ON,      /* inside a pass: walk checks the order */
	OPT_BARRED,  /* inside a careful redo: no new pass */
};

/* The output assumed for a byte of message when deciding whether a
 * message's output fits the free part of the buffer: well above what real
 * images need (about 4 bytes per byte compact, 13 pretty, on the vmas of a
 * big process), and for a nested message the indentation and braces.
 * Should a message need more, the buffer fills during the pass, the hold
 * drops the output (never written, see out_flush) and the message is just
 * decoded again on the careful path: wrong output cannot come of it. */
#define OPT_OUT_PER_BYTE 32
#define OPT_OUT_BASE 1024

/* Something is out of order: the end of an optimistic pass (no error, the
 * careful path takes over), and a bug anywhere else, since the careful path
 * walks only sorted spans. */
static bool unsorted(struct dec *d, const struct span *s, const uint8_t *at)
{
	if (d->opt == OPT_ON)
		return false;
	return crit_fail(d->err, CRIT_E_LIMIT, span_pos(s, at), "internal error: unsorted fields in walk");
}

/* Emit the fields of a span, a group of occurrences at a time. The span is
 * sorted (ascending numbers, one occurrence of each non-repeated field),
 * or in an optimistic pass unchecked. */
static bool walk(struct dec *d, const struct crit_msg *m, const struct span *s, bool hex)
{
	const uint8_t *p = s->p, *e = s->e;
	uint32_t next = 0; /* fields[next...] not reached yet */
	uint32_t prev = 0; /* the number of the last group */
	struct occ o, n;

	while (p < e) {
		if (!occ_quick(p, e, &o) && !parse_occ(d, s, p, &o))
			return false;
		if (o.num <= prev)
			return unsorted(d, s, p);
		prev = o.num;
		const struct crit_field *f = schema_field(m, o.num);
		bool more = peek_num(o.end, e) == o.num; /* a group of several */
		if (f && f->label != CRIT_L_REPEATED) {
			/* A single field met twice: protobuf merges the values,
			 * or those of another wire type are shown raw, which
			 * only the careful path's reorder gets right. */
			if (more && d->opt == OPT_ON)
				return unsorted(d, s, p);
			if (!more && wire_fits(f, o.wt)) {
				/* The common case: one value of a known field. */
				uint32_t idx = (uint32_t)(f - m->fields);
				if (idx > next && !check_required(d, m, next, idx, span_pos(s, p)))
					return false;
				next = idx + 1;
				const struct field_memo *fm = memo(d, f);
				p = o.end;
				if (o.wt != WT_LEN) {
					emit_scalar(d, fm, true, hex, o.v);
					continue;
				}
				jw_key_n(d->w, f->name, fm->keylen);
				struct span v = { o.val, o.end, span_pos(s, o.val), s->exact };
				if (!emit_len(d, f, hex, v))
					return false;
				continue;
			}
		}
		/* Find the group's end; one occurrence of the wrong wire type
		 * makes the whole group raw. */
		const uint8_t *gend = o.end;
		bool fits = !f || wire_fits(f, o.wt);
		while (more && gend < e) {
			if (!parse_occ(d, s, gend, &n))
				return false;
			if (n.num != o.num)
				break;
			fits = fits && (!f || wire_fits(f, n.wt));
			gend = n.end;
		}
		if (!fits)
			f = NULL;
		if (f) {
			uint32_t idx = (uint32_t)(f - m->fields);
			if (!check_required(d, m, next, idx, span_pos(s, p)))
				return false;
			next = idx + 1;
		}
		struct group g;
		group_begin(d, &g, f, o.num, hex);
		if (!more) {
			if (!group_occ(d, &g, s, &o))
				return false;
		} else {
			struct occ r;
			for (const uint8_t *q = p; q < gend; q = r.end)
				if (!parse_occ(d, s, q, &r) || !group_occ(d, &g, s, &r))
					return false;
		}
		group_end(d, &g);
		p = gend;
	}
	return check_required(d, m, next, m->n_fields, span_pos(s, e));
}

/* Whether the optimistic pass decoded the message. */
enum opt_result {
	OPT_DONE,    /* it did */
	OPT_SKIPPED, /* it did not try: the careful path may start passes below */
	OPT_FAILED,  /* it tried and took everything back */
};

static enum opt_result optimistic(struct dec *d, const struct crit_msg *m, const struct span *s, bool hex)
{
	struct jw *w = d->w;
	struct out *o = w->o;
	size_t need = (size_t)(s->e - s->p) * OPT_OUT_PER_BYTE + OPT_OUT_BASE;

	if (need > o->cap || crit_failed(d->err))
		return OPT_SKIPPED;
	if (need > o->cap - o->n && (!out_flush(o) || need > o->cap - o->n))
		return OPT_SKIPPED;

	/* What the pass may change besides the output. */
	int depth = w->depth;
	bool after_key = w->after_key;
	uint8_t items = w->items[depth];

	out_hold(o);
	d->opt = OPT_ON;
	bool ok = walk(d, m, s, hex);
	d->opt = OPT_FREE;
	if (out_release(o) && ok)
		return OPT_DONE;

	out_rewind(o);
	w->depth = depth;
	w->after_key = after_key;
	w->items[depth] = items;
	if (!d->depth)
		for (int i = 0; i < d->ncaps; i++)
			d->caps[i].seen = false;
	/* The error, if any, is the careful path's to report. */
	d->err->code = CRIT_OK;
	d->err->pos = 0;
	d->err->line = d->err->col = 0;
	d->err->msg[0] = 0;
	return OPT_FAILED;
}

/* The careful path: check the order, reorder when needed, walk. */
static bool careful(struct dec *d, const struct crit_msg *m, struct span s, bool hex)
{
	bool sorted;
	uint32_t count;

	if (quick_sorted(m, s.p, s.e))
		return walk(d, m, &s, hex);
	if (!scan(d, m, &s, &sorted, &count))
		return false;
	if (sorted)
		return walk(d, m, &s, hex);

	size_t len = (size_t)(s.e - s.p);
	struct occ_ref *refs = malloc(count * sizeof(*refs));
	uint8_t *copy = malloc(len ? len : 1);
	bool ok = refs && copy;
	if (!ok)
		crit_fail(d->err, CRIT_E_NOMEM, s.pos, "out of memory reordering a %zu-byte message", len);
	if (ok) {
		size_t n = reorder(d, m, &s, refs, count, copy);
		struct span c = { copy, copy + n, s.pos, false };
		ok = walk(d, m, &c, hex);
	}
	free(refs);
	free(copy);
	return ok;
}

static bool decode_span(struct dec *d, const struct crit_msg *m, struct span s, bool hex)
{
	if (d->opt == OPT_ON)
		return walk(d, m, &s, hex); /* part of the running pass */
	if (d->opt == OPT_BARRED)
		return careful(d, m, s, hex);
	switch (optimistic(d, m, &s, hex)) {
	case OPT_DONE:
		return true;
	case OPT_SKIPPED:
		return careful(d, m, s, hex);
	default:
		d->opt = OPT_BARRED;
		bool ok = careful(d, m, s, hex);
		d->opt = OPT_FREE;
		return ok;
	}
}

/* ------------------------------------------------------------------ */
/* Messages larger than the window: streamed, in order                  */
/* ------------------------------------------------------------------ */

/* A varint from the reader, not past end; its bytes are appended to
 * raw[*nraw] when raw is given. */
static bool stream_varint(struct dec *d, uint64_t end, uint64_t *v, const char *what, uint8_t *raw,
			  size_t *nraw)
{
	uint64_t pos = rd_pos(d->rd);
	size_t want = end - pos < 10 ? (size_t)(end - pos) : 10;
	size_t got = rd_fill(d->rd, want);
	const uint8_t *p = rd_ptr(d->rd);

	switch (wire_varint(&p, p + got, v)) {
	case WIRE_SHORT:
		return crit_fail(d->err, CRIT_E_TRUNCATED, pos, "truncated %s", what);
	case WIRE_LONG:
		return crit_fail(d->err, CRIT_E_VARINT, pos, "varint longer than 10 bytes in %s", what);
	case WIRE_OK:
		break;
	}
	size_t used = (size_t)(p - rd_ptr(d->rd));
	if (raw) {
		memcpy(raw + *nraw, rd_ptr(d->rd), used);
		*nraw += used;
	}
	rd_advance(d->rd, used);
	return true;
}

/* The raw bytes of a streamed occurrence, as hex: what is already consumed
 * (tag, length) is passed as head, then len more bytes are read. */
static bool stream_raw(struct dec *d, const uint8_t *head, size_t nhead, uint64_t len)
{
	put_hexbytes(d->w, head, nhead);
	while (len) {
		size_t chunk = len < CRIT_WINDOW ? (size_t)len : CRIT_WINDOW;
		if (!rd_need(d->rd, chunk, "unknown field"))
			return false;
		put_hexbytes(d->w, rd_ptr(d->rd), chunk);
		rd_advance(d->rd, chunk);
		len -= chunk;
	}
	return true;
}

/* A LEN value too large for the window: message, string, bytes or packed. */
static bool stream_len(struct dec *d, struct group *g, uint64_t len)
{
	const struct crit_field *f = g->f;
	uint64_t pos = rd_pos(d->rd), end = pos + len;

	if (f->type == CRIT_T_MESSAGE) {
		group_open(d, g);
		if (!enter(d, pos))
			return false;
		jw_obj_open(d->w);
		bool ok = stream_message(d, f->msg, len, g->hex || (f->flags & CRIT_F_HEX));
		jw_obj_close(d->w);
		d->depth--;
		return ok;
	}
	if (f->type == CRIT_T_STRING || f->type == CRIT_T_BYTES) {
		if (f->conv)
			return crit_fail(d->err, CRIT_E_LIMIT, pos,
					 "field %s (conv %s) is %llu bytes, more than the %u that crit converts",
					 f->name, f->conv, (unsigned long long)len, CRIT_WINDOW);
		struct b64 b;
		group_open(d, g);
		if (f->type == CRIT_T_STRING)
			jw_str_open(d->w);
		else
			b64_open(&b, d->w);
		while (rd_pos(d->rd) < end) {
			uint64_t left = end - rd_pos(d->rd);
			size_t chunk = left < CRIT_WINDOW ? (size_t)left : CRIT_WINDOW;
			if (!rd_need(d->rd, chunk, f->name))
				return false;
			if (f->type == CRIT_T_STRING)
				jw_str_chunk(d->w, rd_ptr(d->rd), chunk);
			else
				b64_feed(&b, rd_ptr(d->rd), chunk);
			rd_advance(d->rd, chunk);
		}
		if (f->type == CRIT_T_STRING)
			jw_str_close(d->w);
		else
			b64_close(&b);
		return true;
	}
	/* Packed numbers, one at a time. */
	int wt = wire_type_of(f->type);
	g->ipadd = false; /* far too many words for an address */
	while (rd_pos(d->rd) < end) {
		uint64_t v;
		if (wt == WT_VARINT) {
			if (!stream_varint(d, end, &v, f->name, NULL, NULL))
				return false;
		} else {
			size_t n = wt == WT_I64 ? 8 : 4;
			if (end - rd_pos(d->rd) < n)
				return crit_fail(d->err, CRIT_E_TRUNCATED, rd_pos(d->rd),
						 "packed field %s ends inside a %zu-byte value", f->name, n);
			if (!rd_need(d->rd, n, f->name))
				return false;
			v = wire_le(rd_ptr(d->rd), (int)n);
			rd_advance(d->rd, n);
		}
		group_scalar(d, g, v);
	}
	return true;
}

static bool stream_message(struct dec *d, const struct crit_msg *m, uint64_t len, bool hex)
{
	uint64_t start = rd_pos(d->rd), end = start + len;
	uint32_t next = 0;
	const struct crit_field *missing = NULL;
	struct group g;
	bool in_group = false;

	while (rd_pos(d->rd) < end) {
		uint64_t pos = rd_pos(d->rd), tag, v = 0, vlen = 0;
		uint8_t head[32];
		size_t nhead = 0;

		if (!stream_varint(d, end, &tag, "field tag", head, &nhead))
			return false;
		uint32_t num = (uint32_t)(tag >> 3);
		int wt = (int)(tag & 7);
		if (tag >> 3 == 0 || tag >> 3 > WIRE_MAX_FIELD)
			return crit_fail(d->err, CRIT_E_WIRE, pos, "invalid field number %llu",
					 (unsigned long long)(tag >> 3));
		const struct crit_field *f = schema_field(m, num);
		bool fits = f && wire_fits(f, wt);

		if (in_group && num == g.num) {
			if (g.f && (!fits || g.f->label != CRIT_L_REPEATED))
				return crit_fail(d->err, CRIT_E_LIMIT, pos,
						 "field %s repeats or changes wire type in a %llu-byte message; "
						 "crit needs messages over %u bytes in canonical form",
						 g.f->name, (unsigned long long)len, CRIT_WINDOW);
		} else {
			if (in_group && num < g.num)
				return crit_fail(d->err, CRIT_E_LIMIT, pos,
						 "field %u after field %u in a %llu-byte message; crit needs "
						 "messages over %u bytes in field order",
						 num, g.num, (unsigned long long)len, CRIT_WINDOW);
			if (in_group)
				group_end(d, &g);
			if (fits) {
				/* Reported at the end: an out-of-order field is the better news. */
				uint32_t idx = (uint32_t)(f - m->fields);
				if (!missing)
					missing = missing_required(m, next, idx);
				next = idx + 1;
			}
			group_begin(d, &g, fits ? f : NULL, num, hex);
			in_group = true;
		}

		switch (wt) {
		case WT_VARINT:
			if (!stream_varint(d, end, &v, "varint", head, &nhead))
				return false;
			if (!g.f) {
				group_open(d, &g);
				put_hexbytes(d->w, head, nhead);
			} else {
				group_scalar(d, &g, v);
			}
			break;
		case WT_I64:
		case WT_I32: {
			size_t n = wt == WT_I64 ? 8 : 4;
			if (end - rd_pos(d->rd) < n || !rd_need(d->rd, n, "fixed-size value"))
				return crit_fail(d->err, CRIT_E_TRUNCATED, rd_pos(d->rd),
						 "truncated %zu-byte value of field %u", n, num);
			if (!g.f) {
				memcpy(head + nhead, rd_ptr(d->rd), n);
				nhead += n;
				group_open(d, &g);
				put_hexbytes(d->w, head, nhead);
			} else {
				group_scalar(d, &g, wire_le(rd_ptr(d->rd), (int)n));
			}
			rd_advance(d->rd, n);
			break;
		}
		case WT_LEN: {
			if (!stream_varint(d, end, &vlen, "length", head, &nhead))
				return false;
			if (vlen > end - rd_pos(d->rd))
				return crit_fail(d->err, CRIT_E_LENGTH, pos,
						 "length %llu of field %u runs past its message",
						 (unsigned long long)vlen, num);
			if (!g.f) {
				group_open(d, &g);
				if (!stream_raw(d, head, nhead, vlen))
					return false;
			} else if (vlen <= CRIT_WINDOW) {
				if (!rd_need(d->rd, (size_t)vlen, g.f->name))
					return false;
				struct occ o = { .num = num, .wt = WT_LEN, .val = rd_ptr(d->rd), .v = vlen };
				o.start = o.val;
				o.end = o.val + vlen;
				struct span s = { o.val, o.end, rd_pos(d->rd), true };
				if (!group_occ(d, &g, &s, &o))
					return false;
				rd_advance(d->rd, (size_t)vlen);
			} else if (!stream_len(d, &g, vlen)) {
				return false;
			}
			break;
		}
		default:
			return crit_fail(d->err, CRIT_E_WIRE, pos,
					 "field %u has wire type %d, which CRIU images never use", num, wt);
		}
	}
	if (in_group)
		group_end(d, &g);
	if (missing)
		return crit_fail(d->err, CRIT_E_REQUIRED, start, "%s lacks required field %s", m->name,
				 missing->name);
	return check_required(d, m, next, m->n_fields, end);
}

/* ------------------------------------------------------------------ */
/* Entry point                                                          */
/* ------------------------------------------------------------------ */

void dec_init(struct dec *d, struct rd *rd, struct jw *w, bool pretty, struct crit_err *err)
{
	memset(d, 0, sizeof(*d));
	d->rd = rd;
	d->w = w;
	d->pretty = pretty;
	d->err = err;
}

void dec_free(struct dec *d)
{
	(void)d;
}

bool dec_fields(struct dec *d, const struct crit_msg *m, uint64_t len)
{
	for (int i = 0; i < d->ncaps; i++)
		d->caps[i].seen = false;
	if (len > CRIT_WINDOW)
		return stream_message(d, m, len, false);
	if (!rd_need(d->rd, (size_t)len, "entry"))
		return false;
	struct span s = { rd_ptr(d->rd), rd_ptr(d->rd) + len, rd_pos(d->rd), true };
	bool ok = decode_span(d, m, s, false);
	rd_advance(d->rd, (size_t)len);
	return ok;
}
