/* shape_text.c - a shape's text, learnt from an object read the general
 * way (shape_text.h). */
#include <string.h>

#include "codec/shape_text.h"

/* The piece of a shape's text from p to q: appended, with its lines. */
static bool shape_piece(struct shape_text *s, uint32_t i, const uint8_t *p, const uint8_t *q)
{
	size_t at = s->cut[i], len = (size_t)(q - p);

	if (len > SHAPE_TEXT - at)
		return false;
	memcpy(s->text + at, p, len);
	s->cut[i + 1] = (uint16_t)(at + len);
	s->lines[i] = s->line_at[i] = 0;
	for (size_t k = 0; k < len; k++)
		if (p[k] == '\n') {
			s->lines[i]++;
			s->line_at[i] = (uint16_t)(k + 1);
		}
	return true;
}

/* The shape of the object in [p, end), into s (values into v). */
static bool learn(struct shape_text *s, const uint8_t *p, const uint8_t *end, const uint8_t *window_end,
		  struct jr_value *v)
{
	uint32_t lines = 0; /* shape_piece counts them */
	const uint8_t *ls;

	s->cut[0] = 0;
	for (uint32_t i = 0;; i++) {
		const uint8_t *piece = p;
		p = skip_space(p, end, &lines, &ls);
		if (p < end && *p == '}') {
			s->n = i;
			return p + 1 == end && shape_piece(s, i, piece, end);
		}
		if (i && (p == end || *p++ != ','))
			return false;
		p = skip_space(p, end, &lines, &ls);
		if (p == end || *p++ != '"')
			return false;
		while (p < end && plain[*p])
			p++;
		if (p == end || *p++ != '"')
			return false;
		p = skip_space(p, end, &lines, &ls);
		if (p == end || *p++ != ':')
			return false;
		p = skip_space(p, end, &lines, &ls);
		size_t n;
		if (i == SHAPE_MEMBERS || !shape_piece(s, i, piece, p) || (size_t)(window_end - p) < QUICK_ROOM ||
		    !(n = quick_value(p, end, &v[i])))
			return false;
		p += n;
	}
}

static bool same_piece(const struct shape_text *a, const struct shape_text *b, uint32_t i)
{
	size_t len = (size_t)(a->cut[i + 1] - a->cut[i]);
	return len == (size_t)(b->cut[i + 1] - b->cut[i]) &&
	       memcmp(a->text + a->cut[i], b->text + b->cut[i], len) == 0;
}

static uint32_t common_pieces(const struct shape_text *a, const struct shape_text *b)
{
	uint32_t i = 0, most = (a->n < b->n ? a->n : b->n) + 1;

	while (i < most && same_piece(a, b, i))
		i++;
	return i;
}

int shape_text_learn(const struct jr *r, uint64_t from, uint32_t n, struct shape_texts *set, struct jr_value *v,
		   bool *added)
{
	const uint8_t *p, *at, *end;
	struct shape_text t;

	*added = false;
	if (!jr_text_since(r, from, &p, &at, &end) || !learn(&t, p, at, end, v) || t.n != n)
		return -1;
	for (int k = 0; k < set->n; k++)
		if (set->s[k].n == t.n && common_pieces(&set->s[k], &t) == t.n + 1)
			return k;
	int k = set->n < SHAPE_TEXTS ? set->n++ : set->next;
	set->next = (k + 1) % SHAPE_TEXTS;
	set->s[k] = t;
	for (int j = 0; j < set->n; j++) {
		uint32_t c = common_pieces(&set->s[j], &t);
		set->common[j][k] = set->common[k][j] = (uint8_t)(c > UINT8_MAX ? UINT8_MAX : c);
	}
	*added = true;
	return k;
}
