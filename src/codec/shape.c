/*
 * shape.c - objects shaped as the last ones of their message, the quick way.
 *
 * An image's entries repeat a few shapes: the same members in the same
 * order with the same white space; only the values change. When encode.c
 * has read an object the general way, its shape is kept, up to four a
 * message: the text around the values (shape_text_learn) and the field of
 * each value. The next object of that message is matched against them
 * whole, in the input window, and its values written straight to the
 * message as they are read.
 *
 * A value is taken only where its bytes are certain: a whole number of an
 * integer field, true or false of a bool, a plain string of a string
 * field, "0x..." of an integer field that has no other string form, or a
 * string seen before for the same member, whose bytes are remembered (flag
 * and enum names). Anything else drops the attempt with nothing read and
 * nothing written, and the general way reads the object and says what is
 * wrong with it: the quick way never decides what is valid, and writes
 * what the general way would, byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "codec/encode.h"
#include "codec/shape_text.h"
#include "format/image.h"
#include "json/scan.h"
#include "format/wire.h"

/* How a member's values are taken. */
enum how {
	HOW_INT,    /* numbers; strings "0x..." */
	HOW_CODED,  /* numbers; strings as remembered (flags, dict, dev, enum) */
	HOW_BOOL,   /* true, false */
	HOW_STRING, /* strings as they are */
	HOW_KNOWN,  /* strings as remembered only (bytes); never numbers (double) */
};

/* String values of one field seen before, and their bytes in the message. */
#define SHAPE_MEMOS 8  /* values of a field */
#define SHAPE_CODED 8  /* fields of a message */
#define MEMO_BYTES 22  /* of a remembered value in the message */
struct memos {
	const struct crit_field *f;
	uint8_t n, next; /* in use, and the next to replace */
	struct {
		uint8_t len, size;
		char str[80];
		uint8_t bytes[MEMO_BYTES];
		uint64_t bits;
	} slot[SHAPE_MEMOS];
};

/* One member of a shape: the text before its value, and how the value is
 * written; the last step of a shape is the text after the last value. */
struct step {
	const uint8_t *text;  /* in the shape's text */
	uint64_t head, tail;  /* its first and last 8 bytes, if it has 8 */
	uint16_t len;
	uint16_t need;        /* bytes the window must hold to match it */
	uint16_t lines;       /* newlines in it */
	uint16_t line_at;     /* where the line after the last starts, in it */
	uint8_t how, memos;   /* memos: the field's in shape.memos, or SHAPE_CODED */
	uint8_t tag_len;
	/* A number from 0 up to plain_max is written as itself, a varint
	 * (the usual case, with no range check or zigzag to do). */
	bool plain;
	uint64_t tag;         /* the field's tag bytes, stored 8 at once */
	uint64_t plain_max;
	const struct crit_field *f;
};

/* The text of step x at p (which has x->need bytes). */
static inline __attribute__((always_inline)) bool piece_at(const uint8_t *p, const struct step *x)
{
	size_t n = x->len;

	if (n < 8)
		return same_bytes(p, (const char *)x->text, n);
	if (load64(p) != x->head || load64(p + n - 8) != x->tail)
		return false;
	return n <= 16 || same_bytes(p + 8, (const char *)x->text + 8, n - 16);
}

struct layout {
	struct step step[SHAPE_MEMBERS + 1];
};

/* The shapes of a message's objects. */
struct shape {
	const struct crit_msg *m;
	int last;                         /* the shape matched last */
	struct shape_texts text;
	struct layout layout[SHAPE_TEXTS];
	const char *want_name[2];         /* the hook's fields, looked up */
	const struct crit_field *want[2];
	int n_memos;
	struct memos memos[SHAPE_CODED];
};

/* m's shapes, kept where m hashes to or else in any slot; or NULL. */
static struct shape *shapes_of(struct enc *e, const struct crit_msg *m)
{
	struct shape *home = e->shapes[((uintptr_t)m >> 4) & (ENC_SHAPES - 1)];

	if (home && home->m == m)
		return home;
	for (int i = 0; i < ENC_SHAPES; i++)
		if (e->shapes[i] && e->shapes[i]->m == m)
			return e->shapes[i];
	return NULL;
}

/* A slot for m's shapes: an empty one, else where m hashes to. */
static struct shape *claim(struct enc *e, const struct crit_msg *m)
{
	struct shape **at = &e->shapes[((uintptr_t)m >> 4) & (ENC_SHAPES - 1)];

	for (int i = 0; *at && i < ENC_SHAPES; i++)
		if (!e->shapes[i])
			at = &e->shapes[i];
	/* the quick way is only quicker: without memory, it is not taken */
	if (!*at && !(*at = malloc(sizeof(**at))))
		return NULL;
	memset(*at, 0, sizeof(**at));
	(*at)->m = m;
	return *at;
}

static enum how how_of(const struct crit_field *f)
{
	switch (f->type) {
	case CRIT_T_BOOL:
		return HOW_BOOL;
	case CRIT_T_STRING:
		return HOW_STRING;
	case CRIT_T_BYTES:
	case CRIT_T_DOUBLE:
	case CRIT_T_FLOAT:
		return HOW_KNOWN;
	case CRIT_T_ENUM:
		return HOW_CODED;
	default:
		/* string_int in encode.c: only these read "0x..." as int(s, 0) */
		return (f->flags & CRIT_F_DEV) || f->flags_map || f->dict ? HOW_CODED : HOW_INT;
	}
}

static int recall(const struct memos *m, const struct jr_value *v)
{
	for (int k = 0; k < m->n; k++)
		if (m->slot[k].len == v->len && same_bytes((const uint8_t *)v->s, m->slot[k].str, v->len))
			return k;
	return -1;
}

/* Member i's value v at p, which has room for it: where it ends, or NULL
 * when it is not taken the quick way. */
static uint8_t *put_member(const struct shape *s, const struct step *x, const struct jr_value *v, uint8_t *p,
			   uint64_t *bits)
{
	const struct crit_field *f = x->f;
	enum how how = x->how;
	uint64_t mag;

	*bits = 0;
	switch (v->type) {
	case JV_NUMBER: /* not a plain one: shape_put writes those */
		if ((how != HOW_INT && how != HOW_CODED) || !wire_int_bits(f, v->neg, v->mag, bits))
			return NULL;
		break;
	case JV_TRUE:
	case JV_FALSE:
		if (how != HOW_BOOL)
			return NULL;
		*bits = v->type == JV_TRUE;
		break;
	default:
		if (how == HOW_STRING) {
			memcpy(p, &x->tag, 8);
			p += x->tag_len;
			p += wire_put_varint(p, v->len);
			memcpy(p, v->s, v->len);
			return p + v->len;
		}
		if (how == HOW_INT && hex_uint(v->s, v->len, &mag)) {
			if (!wire_int_bits(f, false, mag, bits))
				return NULL;
			break;
		}
		const struct memos *m = x->memos < s->n_memos ? &s->memos[x->memos] : NULL;
		int k = m ? recall(m, v) : -1;
		if (k < 0)
			return NULL;
		memcpy(p, m->slot[k].bytes, m->slot[k].size);
		*bits = m->slot[k].bits;
		return p + m->slot[k].size;
	}
	memcpy(p, &x->tag, 8);
	p += x->tag_len;
	return p + wire_put_scalar(p, wire_type_of(f->type), *bits);
}

/* The hook's field i, looked up once for each name. */
static const struct crit_field *wanted(struct shape *s, const struct enc_hook *hook, int i)
{
	if (!hook || !hook->want[i])
		return NULL;
	if (hook->want[i] != s->want_name[i]) {
		s->want_name[i] = hook->want[i];
		s->want[i] = schema_field_by_name(s->m, hook->want[i]);
	}
	return s->want[i];
}

/* The bytes of a member but a string's: a tag and a varint, or a memo. */
enum { MEMBER_MAX = MEMO_BYTES };
_Static_assert(MEMBER_MAX >= 8 + 10, "a member's room holds a tag stored whole and a varint");

/* Matching an object in place: the input from p (the window ends at end),
 * the message written up to o, and the newlines met, the last line
 * starting at ls. */
struct match {
	const uint8_t *p, *end, *ls;
	uint8_t *o;
	uint32_t lines;
};

/* The members of the object at a->p (after its '{') against s's shapes,
 * the last one matched first, written at a->o (out holds room for
 * SHAPE_MEMBERS * MEMBER_MAX more after out->n): true with a past the
 * object's '}'; false when it is shaped otherwise (a is then of no use).
 * The values of want's fields go to got. */
static inline __attribute__((always_inline)) bool match(struct shape *s, struct match *a, struct buf *out,
							 const struct crit_field *const want[2], uint64_t got[2])
{
	const uint8_t *p = a->p, *end = a->end, *ls = a->ls;
	uint8_t *o = a->o;
	int k = s->last;
	const struct step *x = s->layout[k].step;
	bool wants = want[0] || want[1];
	uint32_t lines = a->lines, tried = 1u << k, i = 0;

	for (;;) {
		/* the text before member i's value, or the object's end */
		if ((size_t)(end - p) < x->need || !piece_at(p, x)) {
			/* another shape that begins as this one did, up to here:
			 * the same members, so what is written stays */
			int j = 0;
			while (j < s->text.n && ((tried >> j & 1) || s->text.common[k][j] < i))
				j++;
			if (j == s->text.n)
				return false;
			tried |= 1u << j;
			k = j;
			x = s->layout[k].step + i;
			continue;
		}
		if (x->lines) {
			lines += x->lines;
			ls = p + x->line_at;
		}
		p += x->len;
		if (!x->f)
			break;
		/* its value: the usual number, or any other */
		uint64_t mag, bits;
		size_t n = x->plain ? quick_uint(p, &mag) : 0;
		if (n && mag <= x->plain_max) {
			memcpy(o, &x->tag, 8);
			o += x->tag_len;
			o += wire_put_varint(o, mag);
			bits = mag;
		} else {
			struct jr_value v;
			if (!(n = quick_value(p, end, &v)))
				return false;
			if (v.type == JV_STRING) { /* room for it; the buffer may move */
				size_t at = (size_t)(o - out->p);
				if (!buf_reserve(out, at - out->n + 16 + v.len + SHAPE_MEMBERS * MEMBER_MAX))
					return false;
				o = out->p + at;
			}
			if (!(o = put_member(s, x, &v, o, &bits)))
				return false;
		}
		p += n;
		if (wants && (x->f == want[0] || x->f == want[1]))
			got[x->f == want[1]] = bits;
		x++;
		i++;
	}
	s->last = k;
	*a = (struct match){ p, end, ls, o, lines };
	return true;
}

bool shape_put(struct enc *e, const struct crit_msg *m, struct enc_hook *hook)
{
	struct shape *s = shapes_of(e, m);
	const uint8_t *p, *end;

	if (!s || !s->text.n || !jr_object_window(e->jr, &p, &end) ||
	    !buf_reserve(e->out, SHAPE_MEMBERS * MEMBER_MAX))
		return false;
	const struct crit_field *want[2] = { wanted(s, hook, 0), wanted(s, hook, 1) };
	uint64_t got[2] = { 0, 0 };
	struct match a = { p, end, NULL, e->out->p + e->out->n, 0 };
	if (!match(s, &a, e->out, want, got))
		return false;
	e->out->n = (size_t)(a.o - e->out->p);
	jr_take_object(e->jr, a.p, a.lines, a.ls);
	if (hook) {
		hook->got[0] = got[0];
		hook->got[1] = got[1];
	}
	return true;
}

size_t shape_run(struct enc *e, const struct crit_msg *m, const struct crit_field *f, size_t most)
{
	static const struct crit_field *const none[2] = { NULL, NULL };
	struct shape *s = shapes_of(e, m);
	const struct jr_sep *sep;
	const uint8_t *p, *end;
	struct buf *out = e->out;
	size_t n = 0;
	uint32_t lines = 0;
	const uint8_t *ls = NULL;

	if (!s || !s->text.n || e->depth >= MSG_MAX_DEPTH || !(sep = jr_array_window(e->jr, &p, &end, &most)))
		return 0;
	for (; n < most; n++) {
		/* the text between the last element and this one, and its '{' */
		if ((size_t)(end - p) <= sep->len || !same_bytes(p, (const char *)sep->text, sep->len))
			break;
		/* its frame: f's tag and a length, or a 4-byte length */
		size_t frame = out->n, start = 0;
		if (f ? !enc_begin_len(e, f->number, &start) : !buf_reserve(out, ENTRY_SIZE_LEN))
			break;
		if (!f)
			start = out->n += ENTRY_SIZE_LEN;
		struct match a = { p + sep->len, end, ls, NULL, lines };
		if (sep->lines) {
			a.lines += sep->lines;
			a.ls = p + sep->line_at;
		}
		uint64_t got[2];
		bool ok = buf_reserve(out, SHAPE_MEMBERS * MEMBER_MAX);
		if (ok) {
			a.o = out->p + out->n;
			ok = match(s, &a, out, none, got);
		}
		if (!ok) { /* not shaped so: nothing of it stays */
			out->n = frame;
			break;
		}
		out->n = (size_t)(a.o - out->p);
		if (!f)
			le32_put(out->p + start - ENTRY_SIZE_LEN, (uint32_t)(out->n - start));
		else if (!enc_end_len(e, start)) /* out of memory, recorded */
			break;
		p = a.p;
		lines = a.lines;
		ls = a.ls;
	}
	if (n)
		jr_take_elements(e->jr, p, (uint32_t)n, lines, ls);
	return n;
}

/* The memos of field f, made if there is room. */
static uint8_t memos_of(struct shape *s, const struct crit_field *f)
{
	int i = 0;

	while (i < s->n_memos && s->memos[i].f != f)
		i++;
	if (i == s->n_memos && i < SHAPE_CODED) {
		s->memos[i].f = f;
		s->memos[i].n = s->memos[i].next = 0;
		s->n_memos++;
	}
	return (uint8_t)i;
}

static void lay_out(struct shape *s, struct layout *l, const struct shape_text *t, const struct member_at *sp)
{
	for (uint32_t i = 0; i <= t->n; i++) {
		struct step *x = &l->step[i];
		*x = (struct step){ .text = t->text + t->cut[i], .len = (uint16_t)(t->cut[i + 1] - t->cut[i]),
				    .lines = t->lines[i], .line_at = t->line_at[i] };
		if (x->len >= 8) {
			x->head = load64(x->text);
			x->tail = load64(x->text + x->len - 8);
		}
		/* a value is read with QUICK_ROOM bytes in the window */
		x->need = (uint16_t)(x->len + (i < t->n ? QUICK_ROOM : 0));
		if (i == t->n)
			break;
		const struct crit_field *f = sp[i].f;
		x->f = f;
		x->how = (uint8_t)how_of(f);
		x->memos = x->how == HOW_CODED || x->how == HOW_KNOWN ? memos_of(s, f) : SHAPE_CODED;
		uint8_t tag[8] = { 0 };
		x->tag_len = (uint8_t)wire_put_varint(tag, (uint64_t)f->number << 3 | (unsigned)wire_type_of(f->type));
		memcpy(&x->tag, tag, 8);
		x->plain = true;
		switch (f->type) {
		case CRIT_T_UINT64:
			x->plain_max = UINT64_MAX;
			break;
		case CRIT_T_INT64:
			x->plain_max = INT64_MAX;
			break;
		case CRIT_T_UINT32:
			x->plain_max = UINT32_MAX;
			break;
		case CRIT_T_INT32:
		case CRIT_T_ENUM:
			x->plain_max = INT32_MAX;
			break;
		default:
			x->plain = false;
		}
	}
}

/* Remember string value v of a member, whose bytes in the message are
 * b[0, size). */
static void remember_value(struct memos *m, const struct jr_value *v, const uint8_t *b, size_t size, uint64_t bits)
{
	if (v->type != JV_STRING || v->len > sizeof(m->slot[0].str) || size > sizeof(m->slot[0].bytes) ||
	    recall(m, v) >= 0)
		return;
	int k = m->next;
	m->next = (uint8_t)((m->next + 1) % SHAPE_MEMOS);
	if (m->n < SHAPE_MEMOS)
		m->n++;
	m->slot[k].len = (uint8_t)v->len;
	memcpy(m->slot[k].str, v->s, v->len);
	m->slot[k].size = (uint8_t)size;
	memcpy(m->slot[k].bytes, b, size);
	m->slot[k].bits = bits;
}

void shape_learn(struct enc *e, const struct crit_msg *m, size_t base, uint64_t from)
{
	size_t n = e->nspans - base;
	const struct member_at *sp = n ? e->spans + base : NULL; /* spans may be none yet */
	struct jr_value v[SHAPE_MEMBERS];
	struct shape *s = shapes_of(e, m);
	bool added;

	if (n > SHAPE_MEMBERS)
		return;
	/* only scalar values have a shape; and no unknown field's raw bytes */
	for (size_t i = 0; i < n; i++)
		if (!sp[i].f || sp[i].f->type == CRIT_T_MESSAGE || sp[i].f->label == CRIT_L_REPEATED)
			return;
	if (!s && !(s = claim(e, m)))
		return;
	int k = shape_text_learn(e->jr, from, (uint32_t)n, &s->text, v, &added);
	if (k < 0)
		return;
	if (added)
		lay_out(s, &s->layout[k], &s->text.s[k], sp);
	s->last = k;
	const struct step *x = s->layout[k].step;
	for (uint32_t i = 0; i < n; i++) {
		size_t end = i + 1 < n ? sp[i + 1].start : e->out->n;
		if (x[i].memos < s->n_memos)
			remember_value(&s->memos[x[i].memos], &v[i], e->out->p + sp[i].start, end - sp[i].start,
				       sp[i].bits);
	}
}

void shape_free(struct enc *e)
{
	for (int i = 0; i < ENC_SHAPES; i++) {
		free(e->shapes[i]);
		e->shapes[i] = NULL;
	}
}
