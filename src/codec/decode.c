/*
 * decode.c - one protobuf message to JSON, guided by the generated tables.
 *
 * Python CRIT prints a message's fields in field-number order, which is
 * the order protobuf-c writes them in; so the walker emits each field as
 * it meets it, the occurrences of a repeated field as one list. It accepts
 * wire data only in the one form protobuf-c writes (docs/security.md):
 * fields in ascending number order, a non-repeated field once, a repeated
 * one as one run (packed only where the schema says so), each in the wire
 * type of its type, varints in their shortest form, 32-bit and bool values
 * within their range. Anything else is refused with its offset, so that
 * whatever decodes encodes back to the same bytes. Fields the tables do not
 * know are kept as raw wire bytes under the key "#<number>".
 *
 * A message that fits the input window (CRIT_WINDOW) is walked in memory;
 * a larger one is streamed, by the same rules.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decode.h"
#include "format/wire.h"
#include "json/text.h"

#define noncanon(d, pos, fmt, ...) crit_fail((d)->err, CRIT_E_NONCANON, pos, fmt NOT_PBC, __VA_ARGS__)

/* Bytes of a message in memory; pos is the input offset of p, for errors. */
struct held {
	const uint8_t *p, *e;
	uint64_t pos;
};

static uint64_t held_pos(const struct held *s, const uint8_t *at)
{
	return s->pos + (uint64_t)(at - s->p);
}

static const char *const wire_type_names[] = {
	[WT_VARINT] = "varint", [WT_I64] = "64-bit", [WT_LEN] = "length-delimited", [WT_I32] = "32-bit",
};

static bool wire_type_fail(struct dec *d, const struct crit_field *f, int wt, uint64_t pos)
{
	return noncanon(d, pos, "field %s is %s on the wire, not %s", f->name, wire_type_names[wt],
			wire_type_names[wire_type_for(f)]);
}

/* A field met after a field of its number or a higher one. */
static bool order_fail(struct dec *d, const struct crit_msg *m, uint32_t num, uint32_t prev, uint64_t pos)
{
	const struct crit_field *f = schema_field(m, num);

	if (num < prev)
		return noncanon(d, pos, "field %u after field %u of %s: not in field-number order", num, prev,
				m->name);
	if (f && f->label == CRIT_L_REPEATED)
		return noncanon(d, pos, "packed field %s of %s in more than one run", f->name, m->name);
	return noncanon(d, pos, "field %s of %s occurs twice", f ? f->name : "?", m->name);
}

/* Is v, the varint of a value of field f, as protobuf-c writes it? A
 * 32-bit or bool value with stray upper bits is not: the JSON would show
 * the value without them. */
static inline bool value_canon(const struct crit_field *f, uint64_t v)
{
	switch (f->type) {
	case CRIT_T_INT32:
	case CRIT_T_ENUM:
		return v == (uint64_t)(int64_t)(int32_t)v; /* sign-extended */
	case CRIT_T_UINT32:
	case CRIT_T_SINT32:
		return v <= UINT32_MAX;
	case CRIT_T_BOOL:
		return v <= 1;
	default:
		return true;
	}
}

static bool value_fail(struct dec *d, const struct crit_field *f, uint64_t v, uint64_t pos)
{
	const char *why = f->type == CRIT_T_BOOL ? "is neither 0 nor 1"
			  : f->type == CRIT_T_UINT32 || f->type == CRIT_T_SINT32
				  ? "has more than 32 bits"
				  : "is not a 32-bit number sign-extended to 64 bits";
	return noncanon(d, pos, "value 0x%llx of field %s %s", (unsigned long long)v, f->name, why);
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

static bool walk(struct dec *d, const struct crit_msg *m, const struct held *s, bool hex);
static bool stream_message(struct dec *d, const struct crit_msg *m, uint64_t len, bool hex);

static bool enter(struct dec *d, uint64_t pos)
{
	if (d->depth + 1 >= MSG_MAX_DEPTH)
		return crit_fail(d->err, CRIT_E_LIMIT, pos, "messages nested more than %d deep",
				 MSG_MAX_DEPTH);
	d->depth++;
	return true;
}

/* A string, bytes or message value held in memory. */
static bool emit_len(struct dec *d, const struct crit_field *f, bool hex, struct held s)
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
		bool ok = walk(d, f->msg, &s, hex || (f->flags & CRIT_F_HEX));
		jw_obj_close(d->w);
		d->depth--;
		return ok;
	}
}

/* ------------------------------------------------------------------ */
/* Groups: the run of occurrences of a repeated or unknown field        */
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

/* A run that goes on with every occurrence of its number, until another
 * number comes: that of an unknown field or an unpacked repeated one. A
 * packed run is one occurrence, a single field's too. */
static bool group_runs(const struct group *g)
{
	return !g->f || (g->f->label == CRIT_L_REPEATED && wire_type_for(g->f) == wire_type_of(g->f->type));
}

/* The key (and list) are written with the first value: a pretty ipadd
 * list gathers its words first. */
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

/* A number of the group, read at pos. */
static bool group_scalar(struct dec *d, struct group *g, uint64_t v, uint64_t pos)
{
	if (!value_canon(g->f, v))
		return value_fail(d, g->f, v, pos);
	if (g->ipadd) {
		if (g->nip < 4) {
			g->ip[g->nip++] = (uint32_t)v;
			return true;
		}
		/* A fifth word: no address after all, show plain numbers. */
		g->ipadd = false;
		group_open(d, g);
		for (int i = 0; i < g->nip; i++)
			emit_value(d, g->f, g->hex, g->ip[i]);
	}
	group_open(d, g);
	emit_value(d, g->f, g->hex, v);
	return true;
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

/* Packed numbers held in memory. protobuf-c writes no empty run: an empty
 * list is no field at all. */
static bool group_packed(struct dec *d, struct group *g, struct held s)
{
	int wt = wire_type_of(g->f->type);
	const uint8_t *p = s.p;

	if (p == s.e)
		return noncanon(d, s.pos, "empty packed field %s", g->f->name);
	while (p < s.e) {
		const uint8_t *at = p;
		uint64_t v;
		enum wire_status st = wire_packed(&p, s.e, wt, &v);
		if (st != WIRE_OK)
			return wire_packed_fail(d->err, NULL, st, wt, g->f->name, held_pos(&s, at));
		if (!group_scalar(d, g, v, held_pos(&s, at)))
			return false;
	}
	return true;
}

/* One occurrence held in memory. */
static bool group_occ(struct dec *d, struct group *g, const struct held *s, const struct wire_occ *o)
{
	if (!g->f) {
		group_open(d, g);
		put_hexbytes(d->w, o->start, (size_t)(o->end - o->start));
		return true;
	}
	if (o->wt != wire_type_for(g->f))
		return wire_type_fail(d, g->f, o->wt, held_pos(s, o->start));
	struct held v = { o->val, o->end, held_pos(s, o->val) };
	if (o->wt != WT_LEN)
		return group_scalar(d, g, o->v, v.pos);
	if (wire_type_of(g->f->type) != WT_LEN)
		return group_packed(d, g, v);
	group_open(d, g);
	return emit_len(d, g->f, g->hex, v);
}

/* The first required field among fields[from, to), which were not seen. */
static const struct crit_field *missing_required(const struct crit_msg *m, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (m->fields[i].label == CRIT_L_REQUIRED)
			return &m->fields[i];
	return NULL;
}

/* The required fields of a message, as its fields go by. A missing one is
 * told at the message's end: a field out of order is the better news. */
struct required {
	uint32_t next; /* fields[next...] not reached yet */
	const struct crit_field *missing;
	uint64_t pos;  /* where missing was missed */
};

static inline void reach(const struct crit_msg *m, struct required *r, const struct crit_field *f, uint64_t pos)
{
	uint32_t idx = (uint32_t)(f - m->fields);

	if (idx > r->next && !r->missing && (r->missing = missing_required(m, r->next, idx)))
		r->pos = pos;
	r->next = idx + 1;
}

static bool required_done(struct dec *d, const struct crit_msg *m, const struct required *r, uint64_t end)
{
	const struct crit_field *f = r->missing ? r->missing : missing_required(m, r->next, m->n_fields);

	if (f)
		return crit_fail(d->err, CRIT_E_REQUIRED, r->missing ? r->pos : end, "%s lacks required field %s",
				 m->name, f->name);
	return true;
}

/* ------------------------------------------------------------------ */
/* Messages in memory                                                   */
/* ------------------------------------------------------------------ */

/* Emit the fields of a message held in memory, checking each against the
 * one form protobuf-c writes as it goes. */
static bool walk(struct dec *d, const struct crit_msg *m, const struct held *s, bool hex)
{
	const uint8_t *p = s->p, *e = s->e;
	uint32_t prev = 0; /* the number of the last field */
	struct required req = { 0 };
	bool in_run = false;
	struct group g;
	struct wire_occ o;

	while (p < e) {
		if (!wire_occ(p, e, &o))
			return wire_fail(d->err, NULL, &o, held_pos(s, o.at));
		if (in_run && o.num == g.num) {
			if (!group_occ(d, &g, s, &o))
				return false;
			p = o.end;
			continue;
		}
		if (in_run) {
			group_end(d, &g);
			in_run = false;
		}
		if (o.num <= prev)
			return order_fail(d, m, o.num, prev, held_pos(s, p));
		prev = o.num;
		const struct crit_field *f = schema_field(m, o.num);
		if (f)
			reach(m, &req, f, held_pos(s, p));
		if (f && f->label != CRIT_L_REPEATED) {
			/* The common case: one value of a known field. */
			if (o.wt != wire_type_for(f))
				return wire_type_fail(d, f, o.wt, held_pos(s, p));
			const struct field_memo *fm = memo(d, f);
			if (o.wt != WT_LEN) {
				if (!value_canon(f, o.v))
					return value_fail(d, f, o.v, held_pos(s, o.val));
				emit_scalar(d, fm, true, hex, o.v);
				p = o.end;
				continue;
			}
			jw_key_n(d->w, f->name, fm->keylen);
			struct held v = { o.val, o.end, held_pos(s, o.val) };
			if (!emit_len(d, f, hex, v))
				return false;
			p = o.end;
			continue;
		}
		group_begin(d, &g, f, o.num, hex);
		if (!group_occ(d, &g, s, &o))
			return false;
		in_run = group_runs(&g);
		if (!in_run)
			group_end(d, &g);
		p = o.end;
	}
	if (in_run)
		group_end(d, &g);
	return required_done(d, m, &req, held_pos(s, e));
}

/* ------------------------------------------------------------------ */
/* Messages larger than the window: streamed, by the same rules         */
/* ------------------------------------------------------------------ */

/* Up to most bytes from the reader, not past end, in the window: where,
 * and *got of them (fewer only at the end of the input). */
static const uint8_t *stream_window(struct dec *d, uint64_t end, size_t most, size_t *got)
{
	uint64_t left = end - rd_pos(d->rd);

	*got = rd_fill(d->rd, left < most ? (size_t)left : most);
	return rd_ptr(d->rd);
}

/* A tag and a value or a length: the most a field's head takes. */
#define HEAD_MAX 20

/* The head of the next occurrence (wire_head), from the reader and not
 * past end, consumed: its bytes are copied to head, *nhead of them, the
 * first *tag_len the tag's. */
static bool stream_head(struct dec *d, uint64_t end, struct wire_occ *o, uint8_t head[HEAD_MAX], size_t *nhead,
			size_t *tag_len)
{
	uint64_t pos = rd_pos(d->rd);
	size_t got;
	const uint8_t *p = stream_window(d, end, HEAD_MAX, &got);

	if (!wire_head(p, p + got, o))
		return wire_fail(d->err, NULL, o, pos + (uint64_t)(o->at - p));
	*nhead = (size_t)(o->end - p);
	*tag_len = (size_t)((o->wt == WT_LEN ? o->at : o->val) - p);
	if (o->wt == WT_LEN && !wire_len_fits(o, end - pos - *nhead))
		return wire_fail(d->err, NULL, o, pos + (uint64_t)(o->at - p));
	memcpy(head, p, *nhead);
	rd_advance(d->rd, *nhead);
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
		uint64_t at = rd_pos(d->rd), v;
		size_t got;
		const uint8_t *p = stream_window(d, end, 10, &got), *start = p;
		enum wire_status st = wire_packed(&p, p + got, wt, &v);
		if (st != WIRE_OK)
			return wire_packed_fail(d->err, NULL, st, wt, f->name, at);
		rd_advance(d->rd, (size_t)(p - start));
		if (!group_scalar(d, g, v, at))
			return false;
	}
	return true;
}

/* One occurrence of the group's field at pos, its head (stream_head)
 * read: head[0, nhead), the value after tag_len bytes of it. */
static bool stream_occ(struct dec *d, struct group *g, const struct wire_occ *o, uint64_t pos,
		       const uint8_t *head, size_t nhead, size_t tag_len)
{
	if (g->f && o->wt != wire_type_for(g->f))
		return wire_type_fail(d, g->f, o->wt, pos);
	if (o->wt != WT_LEN) {
		if (g->f)
			return group_scalar(d, g, o->v, pos + tag_len);
		group_open(d, g);
		put_hexbytes(d->w, head, nhead);
		return true;
	}
	uint64_t vlen = o->v;
	if (!g->f) {
		group_open(d, g);
		return stream_raw(d, head, nhead, vlen);
	}
	if (vlen > CRIT_WINDOW)
		return stream_len(d, g, vlen);
	if (!rd_need(d->rd, (size_t)vlen, g->f->name))
		return false;
	struct wire_occ v = { .num = g->num, .wt = WT_LEN, .val = rd_ptr(d->rd), .v = vlen };
	v.start = v.val;
	v.end = v.val + vlen;
	struct held s = { v.val, v.end, rd_pos(d->rd) };
	bool ok = group_occ(d, g, &s, &v);
	rd_advance(d->rd, (size_t)vlen);
	return ok;
}

static bool stream_message(struct dec *d, const struct crit_msg *m, uint64_t len, bool hex)
{
	uint64_t end = rd_pos(d->rd) + len;
	uint32_t prev = 0;
	struct required req = { 0 };
	bool in_run = false;
	struct group g;

	while (rd_pos(d->rd) < end) {
		uint64_t pos = rd_pos(d->rd);
		uint8_t head[HEAD_MAX];
		size_t nhead = 0, tag_len = 0;
		struct wire_occ o;

		if (!stream_head(d, end, &o, head, &nhead, &tag_len))
			return false;
		uint32_t num = o.num;
		if (!in_run || num != g.num) {
			if (in_run)
				group_end(d, &g);
			if (num <= prev)
				return order_fail(d, m, num, prev, pos);
			prev = num;
			const struct crit_field *f = schema_field(m, num);
			if (f)
				reach(m, &req, f, pos);
			group_begin(d, &g, f, num, hex);
		}
		if (!stream_occ(d, &g, &o, pos, head, nhead, tag_len))
			return false;
		in_run = group_runs(&g);
		if (!in_run)
			group_end(d, &g);
	}
	if (in_run)
		group_end(d, &g);
	return required_done(d, m, &req, end);
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

bool dec_fields(struct dec *d, const struct crit_msg *m, uint64_t len)
{
	for (int i = 0; i < d->ncaps; i++)
		d->caps[i].seen = false;
	if (len > CRIT_WINDOW)
		return stream_message(d, m, len, false);
	if (!rd_need(d->rd, (size_t)len, "entry"))
		return false;
	struct held s = { rd_ptr(d->rd), rd_ptr(d->rd) + len, rd_pos(d->rd) };
	bool ok = walk(d, m, &s, false);
	rd_advance(d->rd, (size_t)len);
	return ok;
}
