/*
 * print.c - crit check's report: a line for each problem and a summary,
 * or the JSON {"problems": [...], "dump": KIND} (its schema is in the
 * README).
 */
#include <stdlib.h>

#include "check/check.h"
#include "ckpt/place.h"
#include "json/json.h"
#include "json/text.h"

static void text_line(struct out *o, const struct crit_problem *p)
{
	place_text(o, p->image, p->entry, p->field);
	out_printf(o, ": %s: ", p->kind);
	out_untrusted(o, p->message, strlen(p->message));
	out_byte(o, '\n');
}

static void json(struct jw *w, const struct crit_check *res)
{
	jw_obj_open(w);
	jw_key(w, "problems");
	jw_arr_open(w);
	for (size_t i = 0; i < res->n; i++) {
		const struct crit_problem *p = &res->problems[i];
		jw_obj_open(w);
		place_json(w, p->image, p->entry, p->field);
		jw_key_str(w, "kind", p->kind);
		jw_key_str(w, "message", p->message);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_key(w, "dump");
	jw_plain(w, res->dump, strlen(res->dump));
	jw_obj_close(w);
}

bool crit_check_print(const struct crit_check *res, const struct crit_check_print_opts *opts,
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
		json(&w, res);
	} else {
		for (size_t i = 0; i < res->n; i++)
			text_line(&o, &res->problems[i]);
		out_printf(&o, "%s: a %s%s", res->n ? "damaged" : "whole", res->dump,
			   strcmp(res->dump, "cpuinfo") == 0 ? " dump" : "");
		if (strcmp(res->dump, "dump") == 0)
			out_printf(&o, " of %zu task%s", res->tasks, res->tasks == 1 ? "" : "s");
		out_printf(&o, ", %zu image%s read", res->images, res->images == 1 ? "" : "s");
		if (res->n)
			out_printf(&o, ", %zu problem%s", res->n, res->n == 1 ? "" : "s");
	}
	out_byte(&o, '\n');
	return out_free(&o, true);
}
