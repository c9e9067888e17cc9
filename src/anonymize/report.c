/*
 * report.c - what crit cannot judge (an image of unknown layout, a field
 * the schema or the table of secrets does not know, a netlink attribute
 * without a rule), listed once per image and field in the first pass;
 * and the report as text or as JSON (its schema is in the README).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "anonymize/anonymize.h"
#include "ckpt/place.h"
#include "json/json.h"
#include "json/text.h"

bool anon_fail(struct anon *a, uint64_t pos, enum crit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crit_vfail_in(a->err, a->file, code, pos, fmt, ap);
	va_end(ap);
	return false;
}

bool anon_nomem(struct anon *a)
{
	return anon_fail(a, CRIT_NOPOS, CRIT_E_NOMEM, "out of memory");
}

void anon_zeroed(struct anon *a, uint64_t n)
{
	if (a->writing)
		a->rep->zeroed += n;
}

static bool same(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

static bool add(struct anon *a, const char *field, const char *msg, bool written)
{
	struct crit_anon_report *r = a->rep;

	for (size_t i = 0; i < r->n; i++) /* told once per image and field */
		if (strcmp(r->items[i].image, a->image) == 0 && same(r->items[i].field, field))
			return true;
	if ((r->n & (r->n - 1)) == 0 || r->n == 0) { /* at 0, 1, 2, 4...: room for twice as many */
		struct crit_anon_item *p = realloc(r->items, (r->n ? 2 * r->n : 1) * sizeof(*p));
		if (!p)
			return anon_nomem(a);
		r->items = p;
	}
	size_t ni = strlen(a->image) + 1, nf = field ? strlen(field) + 1 : 0, nm = strlen(msg) + 1;
	char *s = malloc(ni + nf + nm);
	if (!s)
		return anon_nomem(a);
	r->items[r->n++] = (struct crit_anon_item){
		.image = memcpy(s, a->image, ni),
		.entry = field ? a->entry : -1,
		.field = field ? memcpy(s + ni, field, nf) : NULL,
		.message = memcpy(s + ni + nf, msg, nm),
		.written = written,
	};
	return true;
}

/* An item of the report, noted in the first pass only (the second meets
 * the same ones again). */
__attribute__((format(printf, 4, 0))) static void vnote(struct anon *a, const char *field, bool written,
							      const char *fmt, va_list ap)
{
	char msg[512];

	if (a->writing)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	add(a, field && field[0] ? field : NULL, msg, written); /* out of memory: in err */
}

bool anon_unjudged(struct anon *a, const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(a, field, !a->opts->strict, fmt, ap);
	va_end(ap);
	return !a->opts->strict;
}

void anon_skipped(struct anon *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(a, NULL, false, fmt, ap);
	va_end(ap);
}

void crit_anon_report_free(struct crit_anon_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		free((void *)rep->items[i].image);
	free(rep->items);
	memset(rep, 0, sizeof(*rep));
}

static void text_line(struct out *o, const struct crit_anon_item *it)
{
	place_text(o, it->image, it->entry, it->field);
	out_str(o, ": cannot judge: ");
	out_untrusted(o, it->message, strlen(it->message));
	out_str(o, it->written ? " (written as it is)\n" : " (left out)\n");
}

static void json(struct jw *w, const struct crit_anon_report *r)
{
	jw_obj_open(w);
	jw_key(w, "unjudged");
	jw_arr_open(w);
	for (size_t i = 0; i < r->n; i++) {
		const struct crit_anon_item *it = &r->items[i];
		jw_obj_open(w);
		place_json(w, it->image, it->entry, it->field);
		jw_key_str(w, "message", it->message);
		jw_key(w, "written");
		jw_bool(w, it->written);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_key_u64(w, "files", 5, r->files);
	jw_key_u64(w, "names", 5, r->names);
	jw_key_u64(w, "addresses", 9, r->addresses);
	jw_key_u64(w, "zeroed", 6, r->zeroed);
	jw_obj_close(w);
}

bool crit_anon_report_print(const struct crit_anon_report *rep, const struct crit_anon_print_opts *opts,
			    const struct crit_sink *sink, struct crit_err *err)
{
	struct out o;
	struct jw w;

	memset(err, 0, sizeof(*err));
	if (!out_alloc(&o, sink, err))
		return false;
	o.escape = opts && opts->escape;
	if (opts && opts->json) {
		jw_init(&w, &o, true);
		json(&w, rep);
		out_byte(&o, '\n');
	} else {
		for (size_t i = 0; i < rep->n; i++)
			text_line(&o, &rep->items[i]);
		out_printf(&o, "anonymized: %zu file%s written; %zu name%s and %zu address%s mapped, %llu bytes zeroed",
			   rep->files, rep->files == 1 ? "" : "s", rep->names, rep->names == 1 ? "" : "s",
			   rep->addresses, rep->addresses == 1 ? "" : "es", (unsigned long long)rep->zeroed);
		if (rep->n)
			out_printf(&o, "; %zu thing%s crit cannot judge", rep->n, rep->n == 1 ? "" : "s");
		out_byte(&o, '\n');
	}
	return out_free(&o, true);
}
