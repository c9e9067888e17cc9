/* view.c - the fields of one protobuf message read in place, by name. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ckpt/view.h"
#include "format/wire.h"

bool view_fail(const struct view *v, const uint8_t *p, enum crit_code code, const char *fmt, ...)
{
	char msg[sizeof(v->src->err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return crit_fail_in(v->src->err, v->src->file, code, (uint64_t)(p - v->src->base), "%s: %s", v->m->name,
			    msg);
}

/* The field occurrence of the message at *p (wire_occ), and *p moved
 * past it. False at the end of the message, or on malformed bytes
 * (recorded, as decode says it). */
static bool next_field(const struct view *v, const uint8_t **p, struct wire_occ *w)
{
	if (*p >= v->end)
		return false;
	if (!wire_occ(*p, v->end, w))
		return wire_fail(v->src->err, v->src->file, w, (uint64_t)(w->at - v->src->base));
	*p = w->end;
	return true;
}

static const struct crit_field *field(const struct view *v, const char *name)
{
	const struct crit_field *f = schema_field_by_name(v->m, name);

	if (!f)
		view_fail(v, v->p, CRIT_E_USAGE, "the tables have no field %s", name);
	return f;
}

/* The last value of f, in its own wire type; false when absent. */
static bool find(const struct view *v, const struct crit_field *f, struct wire_occ *out)
{
	const uint8_t *p = v->p;
	struct wire_occ w;
	bool found = false;

	while (next_field(v, &p, &w))
		if (w.num == f->number && w.wt == wire_type_of(f->type)) {
			*out = w;
			found = true;
		}
	return found && !crit_failed(v->src->err);
}

/* A number as the field's type reads it. */
static uint64_t number(const struct crit_field *f, uint64_t u)
{
	switch (f->type) {
	case CRIT_T_SINT32:
	case CRIT_T_SINT64:
		return (uint64_t)wire_zigzag(u);
	case CRIT_T_INT32:
	case CRIT_T_ENUM:
		return (uint64_t)(int64_t)(int32_t)u;
	case CRIT_T_SFIXED32:
		return (uint64_t)(int64_t)(int32_t)(uint32_t)u;
	case CRIT_T_UINT32:
	case CRIT_T_FIXED32:
		return (uint32_t)u;
	default:
		return u;
	}
}

bool view_uint(const struct view *v, const char *name, uint64_t *out)
{
	const struct crit_field *f = field(v, name);
	struct wire_occ w;

	if (!f || !find(v, f, &w))
		return false;
	*out = number(f, w.v);
	return true;
}

bool view_int(const struct view *v, const char *name, int64_t *out)
{
	uint64_t u;

	if (!view_uint(v, name, &u))
		return false;
	*out = (int64_t)u;
	return true;
}

uint64_t view_uint_or(const struct view *v, const char *name, uint64_t dflt)
{
	uint64_t u;
	return view_uint(v, name, &u) ? u : dflt;
}

uint32_t view_read(const struct view *v, struct view_fields *fs, uint64_t *out)
{
	const uint8_t *p = v->p;
	struct wire_occ w;
	uint32_t found = 0;
	size_t n = fs->n < VIEW_MAX_UINTS ? fs->n : VIEW_MAX_UINTS;

	if (fs->m != v->m) {
		memset(fs->slot, 0, sizeof(fs->slot));
		for (size_t i = 0; i < n; i++) {
			fs->f[i] = field(v, fs->names[i]);
			if (fs->f[i] && fs->f[i]->number < VIEW_DIRECT && !fs->slot[fs->f[i]->number])
				fs->slot[fs->f[i]->number] = (uint8_t)(i + 1);
		}
		fs->m = v->m;
	}
	while (next_field(v, &p, &w)) {
		if (w.num < VIEW_DIRECT) { /* the usual: one of names[], or none */
			size_t i = fs->slot[w.num];
			if (i-- && w.wt == wire_type_of(fs->f[i]->type)) {
				out[i] = number(fs->f[i], w.v);
				found |= 1u << i;
			}
			continue;
		}
		for (size_t i = 0; i < n; i++)
			if (fs->f[i] && w.num == fs->f[i]->number && w.wt == wire_type_of(fs->f[i]->type)) {
				out[i] = number(fs->f[i], w.v);
				found |= 1u << i;
			}
	}
	return crit_failed(v->src->err) ? 0 : found;
}

bool view_bytes(const struct view *v, const char *name, const uint8_t **p, size_t *n)
{
	const struct crit_field *f = field(v, name);
	struct wire_occ w;

	if (!f || !find(v, f, &w))
		return false;
	*p = w.val;
	*n = (size_t)w.v;
	return true;
}

bool view_msg(const struct view *v, const char *name, struct view *sub)
{
	const struct crit_field *f = field(v, name);
	struct wire_occ w;

	if (!f || f->type != CRIT_T_MESSAGE || !find(v, f, &w))
		return false;
	*sub = (struct view){ w.val, w.val + w.v, f->msg, v->src };
	return true;
}

bool view_walk(const struct view *v, const char *path, struct view *dir, const char **last)
{
	char name[64];
	const char *dot;

	*dir = *v;
	while ((dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		struct view sub;
		if (n >= sizeof(name))
			return false;
		memcpy(name, path, n);
		name[n] = 0;
		if (!view_msg(dir, name, &sub))
			return false;
		*dir = sub;
		path = dot + 1;
	}
	*last = path;
	return true;
}

uint64_t view_path_uint(const struct view *v, const char *path, size_t n)
{
	struct view dir;
	struct view_iter it;
	const char *last;
	uint64_t x = 0;

	if (!view_walk(v, path, &dir, &last))
		return 0;
	view_iter(&it, &dir, last);
	for (size_t i = 0; i <= n; i++)
		if (!view_next_uint(&it, &x))
			return 0;
	return x;
}

void view_iter(struct view_iter *it, const struct view *v, const char *name)
{
	*it = (struct view_iter){ .v = v, .f = field(v, name), .p = v->p };
}

bool view_next_uint(struct view_iter *it, uint64_t *out)
{
	struct wire_occ w;

	if (!it->f)
		return false;
	for (;;) {
		if (it->pk < it->pkend) {
			const uint8_t *at = it->pk;
			int wt = wire_type_of(it->f->type);
			enum wire_status st = wire_packed(&it->pk, it->pkend, wt, &w.v);
			if (st != WIRE_OK)
				return wire_packed_fail(it->v->src->err, it->v->src->file, st, wt, it->f->name,
							(uint64_t)(at - it->v->src->base));
			*out = number(it->f, w.v);
			return true;
		}
		if (!next_field(it->v, &it->p, &w))
			return false;
		if (w.num != it->f->number)
			continue;
		if (w.wt == wire_type_of(it->f->type)) {
			*out = number(it->f, w.v);
			return true;
		}
		if (w.wt == WT_LEN && wire_fits(it->f, w.wt)) { /* a packed run */
			it->pk = w.val;
			it->pkend = w.val + w.v;
		}
	}
}

bool view_next_msg(struct view_iter *it, struct view *sub)
{
	struct wire_occ w;

	if (!it->f || it->f->type != CRIT_T_MESSAGE)
		return false;
	while (next_field(it->v, &it->p, &w)) {
		if (w.num == it->f->number && w.wt == WT_LEN) {
			*sub = (struct view){ w.val, w.val + w.v, it->f->msg, it->v->src };
			return true;
		}
	}
	return false;
}
