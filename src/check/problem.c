/*
 * problem.c - the problems crit check finds, in a list the result owns.
 *
 * A damage is told once: the stages look before they report (chk_told),
 * and no more than CHK_SAME problems of one kind are listed for one image
 * (a pagemap shifted by a page makes every entry wrong); one last problem
 * says how many more there were.
 */
#include <stdio.h>
#include <stdlib.h>

#include "check/check.h"

static struct chk_told *told_find(const struct chk *k, const char *image, const char *kind)
{
	for (size_t i = 0; i < k->ntold; i++)
		if (strcmp(k->told[i].image, image) == 0 && (!kind || k->told[i].kind == kind ||
							       strcmp(k->told[i].kind, kind) == 0))
			return &k->told[i];
	return NULL;
}

bool chk_told(const struct chk *k, const char *image, const char *kind)
{
	return told_find(k, image, kind) != NULL;
}

static bool nomem(struct chk *k)
{
	return crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
}

/* One problem in the result: its strings in one block after it. */
static bool add(struct chk *k, const char *image, int64_t entry, const char *field, const char *kind,
		const char *msg)
{
	struct crit_check *r = k->res;

	if (r->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 16;
		struct crit_problem *p = realloc(r->problems, cap * sizeof(*p));
		if (!p)
			return nomem(k);
		r->problems = p;
		k->cap = cap;
	}
	size_t ni = strlen(image) + 1, nf = field ? strlen(field) + 1 : 0, nm = strlen(msg) + 1;
	char *s = malloc(ni + nf + nm);
	if (!s)
		return nomem(k);
	struct crit_problem *p = &r->problems[r->n++];
	p->image = memcpy(s, image, ni);
	p->field = field ? memcpy(s + ni, field, nf) : NULL;
	p->message = memcpy(s + ni + nf, msg, nm);
	p->entry = entry;
	p->kind = kind;
	return true;
}

bool chk_problem(struct chk *k, const char *image, int64_t entry, const char *field, const char *kind,
		 const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (crit_failed(k->err))
		return false;
	struct chk_told *t = told_find(k, image, kind);
	if (!t) {
		if (k->ntold == k->captold) {
			size_t cap = k->captold ? 2 * k->captold : 16;
			struct chk_told *p = realloc(k->told, cap * sizeof(*p));
			if (!p)
				return nomem(k);
			k->told = p;
			k->captold = cap;
		}
		char *name = strdup(image);
		if (!name)
			return nomem(k);
		t = &k->told[k->ntold++];
		*t = (struct chk_told){ name, kind, 0 };
	}
	if (t->n++ >= CHK_SAME)
		return true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return add(k, image, entry, field, kind, msg);
}

bool chk_problems_close(struct chk *k)
{
	char msg[128];

	for (size_t i = 0; i < k->ntold && !crit_failed(k->err); i++) {
		struct chk_told *t = &k->told[i];
		if (t->n <= CHK_SAME)
			continue;
		snprintf(msg, sizeof(msg), "and %zu more problems of this kind in this image", t->n - CHK_SAME);
		add(k, t->image, -1, NULL, t->kind, msg);
	}
	for (size_t i = 0; i < k->ntold; i++)
		free(k->told[i].image);
	free(k->told);
	k->told = NULL;
	k->ntold = k->captold = 0;
	return !crit_failed(k->err);
}

void crit_check_free(struct crit_check *res)
{
	for (size_t i = 0; i < res->n; i++)
		free((void *)res->problems[i].image);
	free(res->problems);
	memset(res, 0, sizeof(*res));
}
