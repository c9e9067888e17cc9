/*
 * message.c - one protobuf message rewritten field by field, as the
 * tables and secrets.c say: each occurrence is copied as it is unless its
 * field holds a secret, so a message without one comes out byte for byte
 * as it went in. Lengths are written again where a value changed length.
 */
#include <stdio.h>
#include <stdlib.h>

#include "anonymize/anonymize.h"
#include "format/wire.h"

static bool put(struct anon *a, struct buf *out, const void *s, size_t n)
{
	return buf_put(out, s, n) || anon_nomem(a);
}

static bool put_tag(struct anon *a, struct buf *out, uint32_t num, int wt)
{
	uint8_t t[10];
	return put(a, out, t, wire_put_varint(t, (uint64_t)num << 3 | (unsigned)wt));
}

/* A length-delimited value of field num begins: its tag, and one byte
 * for the length that end_len writes (sliding the value up if it needs
 * more). *at: where the value starts. */
static bool begin_len(struct anon *a, struct buf *out, uint32_t num, size_t *at)
{
	if (!put_tag(a, out, num, WT_LEN) || !put(a, out, "", 1))
		return false;
	*at = out->n;
	return true;
}

static bool end_len(struct anon *a, struct buf *out, size_t at)
{
	size_t len = out->n - at, k = wire_varint_size(len);

	if (k > 1) {
		if (!buf_reserve(out, k - 1))
			return anon_nomem(a);
		memmove(out->p + at + k - 1, out->p + at, len);
		out->n += k - 1;
	}
	wire_put_varint(out->p + at - 1, len);
	return true;
}

/* The field path of the report: "thread_info.gpregs.ax", "#77" for a
 * field the schema does not have. Returns where to cut it back to. */
static size_t field_push(struct anon *a, const struct crit_field *f, uint32_t num)
{
	size_t mark = a->nfield, room = sizeof(a->field) - a->nfield;
	int n = f ? snprintf(a->field + a->nfield, room, "%s%s", mark ? "." : "", f->name)
		  : snprintf(a->field + a->nfield, room, "%s#%u", mark ? "." : "", num);
	a->nfield = n > 0 && (size_t)n < room ? a->nfield + (size_t)n : mark;
	a->field[a->nfield] = 0;
	return mark;
}

static void field_pop(struct anon *a, size_t mark)
{
	a->nfield = mark;
	a->field[mark] = 0;
}

/* A string or bytes value mapped as s says, with its tag and length. */
static bool secret_value(struct anon *a, enum secret s, const struct crit_field *f, const struct wire_occ *o,
			 struct buf *out)
{
	const uint8_t *v = o->val;
	size_t n = (size_t)o->v, at;

	if (s == S_KEEP)
		return put(a, out, o->start, (size_t)(o->end - o->start));
	if (s == S_UNJUDGED || s == S_IPADDR) {
		if (anon_unjudged(a, a->field, "a %s field crit has no rule for", f->type == CRIT_T_STRING ? "string" : "bytes"))
			return put(a, out, o->start, (size_t)(o->end - o->start));
		/* left out; a required one is there, empty */
		return f->label != CRIT_L_REQUIRED || (begin_len(a, out, o->num, &at) && end_len(a, out, at));
	}
	if (!begin_len(a, out, o->num, &at))
		return false;
	bool ok = true;
	switch (s) {
	case S_PATH:
		ok = anon_path(a, v, n, out);
		break;
	case S_NAME:
		ok = anon_name(a, v, n, out);
		break;
	case S_SOCKNAME:
		ok = anon_sockname(a, v, n, out);
		break;
	case S_WORDS:
		ok = anon_words(a, v, n, out);
		break;
	case S_HWADDR:
		ok = anon_hwaddr(a, v, n, out);
		break;
	default: /* S_DATA */
		ok = buf_reserve(out, n) || anon_nomem(a);
		if (ok) {
			memset(out->p + out->n, 0, n);
			out->n += n;
			anon_zeroed(a, n);
		}
	}
	return ok && end_len(a, out, at);
}

/* The values of field num in the message [p, e), up to max of them;
 * returns how many there are. */
static size_t values_of(const uint8_t *p, const uint8_t *e, uint32_t num, uint64_t *v, size_t max)
{
	size_t n = 0;
	struct wire_occ o;

	while (p < e && wire_occ(p, e, &o)) {
		p = o.end;
		if (o.num != num)
			continue;
		if (o.wt != WT_LEN) {
			if (n < max)
				v[n] = o.v;
			n++;
			continue;
		}
		for (const uint8_t *q = o.val; q < o.end;) {
			uint64_t x;
			if (wire_packed(&q, o.end, WT_VARINT, &x) != WIRE_OK)
				break;
			if (n < max)
				v[n] = x;
			n++;
		}
	}
	return n;
}

/* An address field ((criu).ipadd): every value of it in the message,
 * one uint32 for IPv4 or four for IPv6, each holding 4 bytes of the
 * address in memory order, written where its first value was, in the
 * form that value had. */
static bool address(struct anon *a, const struct crit_field *f, const struct wire_occ *first, const uint8_t *msg,
		    const uint8_t *e, struct buf *out)
{
	uint64_t v[4];
	uint8_t addr[16];
	size_t n = values_of(msg, e, f->number, v, 4), at = 0;

	if (n != 1 && n != 4) {
		if (!anon_unjudged(a, a->field, "an address of %zu words, neither IPv4 nor IPv6", n))
			return true;
		struct wire_occ o;
		for (const uint8_t *p = msg; p < e && wire_occ(p, e, &o);) { /* as they were */
			if (o.num == f->number && !put(a, out, o.start, (size_t)(o.end - o.start)))
				return false;
			p = o.end;
		}
		return true;
	}
	for (size_t i = 0; i < n; i++)
		for (int b = 0; b < 4; b++)
			addr[4 * i + b] = (uint8_t)(v[i] >> (8 * b));
	if (!anon_ip(a, addr, 4 * n))
		return false;
	if (first->wt == WT_LEN && !begin_len(a, out, f->number, &at))
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t t[10];
		if (first->wt != WT_LEN && !put_tag(a, out, f->number, WT_VARINT))
			return false;
		if (!put(a, out, t, wire_put_varint(t, wire_le(addr + 4 * i, 4))))
			return false;
	}
	return first->wt != WT_LEN || end_len(a, out, at);
}

/* A number of a register set, zeroed; a packed run value by value. */
static bool zero_number(struct anon *a, const struct crit_field *f, const struct wire_occ *o, struct buf *out)
{
	static const uint8_t zeros[8];
	int wt = o->wt == WT_LEN ? wire_type_of(f->type) : o->wt;
	size_t size = wt == WT_I64 ? 8 : wt == WT_I32 ? 4 : 1, at;

	anon_zeroed(a, (uint64_t)(o->end - o->val));
	if (o->wt != WT_LEN)
		return put_tag(a, out, o->num, o->wt) && put(a, out, zeros, size);
	if (!begin_len(a, out, o->num, &at))
		return false;
	for (const uint8_t *q = o->val; q < o->end;) {
		uint64_t x;
		const uint8_t *was = q;
		enum wire_status st = wire_packed(&q, o->end, wt, &x);
		if (st != WIRE_OK)
			return wire_packed_fail(a->err, a->file, st, wt, f->name, anon_at(a, was));
		if (!put(a, out, zeros, size))
			return false;
	}
	return end_len(a, out, at);
}

static bool integer(uint8_t type)
{
	return type != CRIT_T_ENUM && type != CRIT_T_BOOL && type != CRIT_T_DOUBLE && type != CRIT_T_FLOAT &&
	       type != CRIT_T_STRING && type != CRIT_T_BYTES && type != CRIT_T_MESSAGE;
}

/* One field occurrence o of message m (whose bytes are [msg, e)). */
static bool occurrence(struct anon *a, const struct crit_msg *m, const struct wire_occ *o, const uint8_t *msg,
		       const uint8_t *e, bool regs, struct buf *out, int depth)
{
	const struct crit_field *f = schema_field(m, o->num);
	size_t at;

	if (!f || !wire_fits(f, o->wt)) {
		if (anon_unjudged(a, a->field, "a field the schema does not have"))
			return put(a, out, o->start, (size_t)(o->end - o->start));
		return true; /* left out */
	}
	if (f->type == CRIT_T_MESSAGE) {
		bool sub = regs || secret_regs(f->msg);
		return begin_len(a, out, o->num, &at) && msg_rewrite(a, f->msg, o->val, o->end, sub, out, depth + 1) &&
		       end_len(a, out, at);
	}
	if (f->type == CRIT_T_STRING || f->type == CRIT_T_BYTES)
		return secret_value(a, regs ? S_DATA : secret_of(m, f), f, o, out);
	if (secret_of(m, f) == S_IPADDR) /* all its values, where the first one is */
		return values_of(msg, o->start, f->number, NULL, 0) ? true : address(a, f, o, msg, e, out);
	if (regs && integer(f->type))
		return zero_number(a, f, o, out);
	return put(a, out, o->start, (size_t)(o->end - o->start));
}
bool msg_rewrite(struct anon *a, const struct crit_msg *m, const uint8_t *p, const uint8_t *e, bool regs,
		 struct buf *out, int depth)
{
	const uint8_t *msg = p;

	if (depth > MSG_MAX_DEPTH)
		return anon_fail(a, anon_at(a, p), CRIT_E_LIMIT, "messages nested more than %d deep", MSG_MAX_DEPTH);
	while (p < e) {
		struct wire_occ o;
		if (!wire_occ(p, e, &o))
			return wire_fail(a->err, a->file, &o, anon_at(a, o.at));
		p = o.end;
		const struct crit_field *f = schema_field(m, o.num);
		size_t mark = field_push(a, f, o.num);
		bool ok = occurrence(a, m, &o, msg, e, regs, out, depth);
		field_pop(a, mark);
		if (!ok)
			return false;
	}
	return true;
}
