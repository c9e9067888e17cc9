/*
 * jsonread.c - a streaming JSON reader for crit encode.
 *
 * The input is read through the window of io.c (struct rd), so it may be a
 * pipe and may be far larger than memory: nothing here assumes more than a
 * few bytes of lookahead. A string or number longer than the window is
 * copied into the arena piece by piece as the window slides.
 *
 * The grammar is RFC 8259 without extensions, plus what Python's
 * json.load accepts by default: NaN, Infinity and -Infinity as numbers.
 * Numbers stay the text they were written as; the encoder converts them.
 *
 * Binary input. Python CRIT decodes the whole input as UTF-8 before it
 * parses, so feeding it an image fails with one fixed message. A stream
 * cannot look at the whole input first, so the rule here is:
 *   - the first byte that is not white space must be able to start JSON
 *     (one of {["-0123456789tfnNI); otherwise the input is not JSON;
 *   - after that, a NUL byte or a byte that is not valid UTF-8 is reported
 *     as not JSON where the reader first meets it: inside a string, or as
 *     the byte where the grammar wanted something else;
 *   - every other mistake is malformed JSON (CRIT_E_JSON).
 * So errors come in reading order; in well-formed JSON every byte outside
 * strings is ASCII, so this never rejects anything that Python accepts.
 *
 * Where errors point: the byte that is wrong; an escape at its backslash;
 * an invalid number or literal at its first byte, quoted whole; the input
 * ending early at the end of the input, named by the container it ends in
 * ("entries: input ends inside an array"). Malformed or truncated JSON is
 * CRIT_E_JSON; the limits (depth, value size, name length) CRIT_E_LIMIT.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "jsonread.h"

static const char not_json_msg[] =
	"Cannot read JSON. Maybe you are feeding me an image with protobuf data? "
	"Encode expects JSON input.";

/* ------------------------------------------------------------------ */
/* Arena                                                                */
/* ------------------------------------------------------------------ */

#define ARENA_CHUNK ((size_t)64 << 10) /* the usual chunk; reset keeps one */
#define ARENA_MAX (SIZE_MAX / 4)       /* no request near SIZE_MAX can overflow */

struct arena_chunk {
	struct arena_chunk *next;
	size_t size; /* usable bytes at chunk_data(), a multiple of 16 */
	size_t used; /* of them handed out, a multiple of 16 */
};

static size_t round16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

/* Aligned from the address itself, so malloc's alignment does not matter. */
static uint8_t *chunk_data(struct arena_chunk *c)
{
	return (uint8_t *)round16((uintptr_t)(c + 1));
}

static struct arena_chunk *chunk_new(size_t size)
{
	size = round16(size);
	struct arena_chunk *c = malloc(sizeof(*c) + 15 + size);
	if (!c)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void arena_init(struct arena *a)
{
	a->head = NULL;
	a->used = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	if (n > ARENA_MAX)
		return NULL;
	size_t need = round16(n ? n : 1);
	struct arena_chunk *h = a->head;

	if (!h || h->size - h->used < need) {
		if (need > ARENA_CHUNK / 4) {
			/* A chunk of its own, behind the head, so the head's
			 * free space stays in use. */
			struct arena_chunk *c = chunk_new(need);
			if (!c)
				return NULL;
			c->used = need;
			if (h) {
				c->next = h->next;
				h->next = c;
			} else {
				a->head = c;
			}
			a->used += need;
			return chunk_data(c);
		}
		h = chunk_new(ARENA_CHUNK);
		if (!h)
			return NULL;
		h->next = a->head;
		a->head = h;
	}
	void *p = chunk_data(h) + h->used;
	h->used += need;
	a->used += need;
	return p;
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *keep = NULL, *c = a->head;

	/* Keep a chunk of the usual size: a huge one from a huge value would
	 * otherwise stay allocated for the rest of the run. */
	while (c) {
		struct arena_chunk *next = c->next;
		if (!keep && c->size == ARENA_CHUNK) {
			keep = c;
			keep->next = NULL;
			keep->used = 0;
		} else {
			free(c);
		}
		c = next;
	}
	a->head = keep;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	arena_reset(a);
	free(a->head);
	a->head = NULL;
}

/* ------------------------------------------------------------------ */
/* Errors and the path                                                  */
/* ------------------------------------------------------------------ */

static bool vfail_pos(struct jr *r, enum crit_code code, uint32_t line, uint32_t col, const char *fmt,
		      va_list ap)
{
	char msg[sizeof(r->err->msg)];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return crit_fail_line(r->err, code, line, col, "%s%s%s", r->path, r->pathlen ? ": " : "", msg);
}

/* "PATH: message" at line:col. */
__attribute__((format(printf, 5, 6)))
static bool fail_pos(struct jr *r, enum crit_code code, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_pos(r, code, line, col, fmt, ap);
	va_end(ap);
	return false;
}

/* The same at the next byte. */
__attribute__((format(printf, 3, 4)))
static bool fail(struct jr *r, enum crit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_pos(r, code, r->line, r->col, fmt, ap);
	va_end(ap);
	return false;
}

static uint32_t sat_add(uint32_t a, size_t n)
{
	return n > UINT32_MAX - a ? UINT32_MAX : a + (uint32_t)n;
}

/* Python CRIT's message, without a path, at the byte off bytes ahead
 * (always on the current line). */
static bool not_json(struct jr *r, size_t off)
{
	return crit_fail_line(r->err, CRIT_E_NOTJSON, r->line, sat_add(r->col, off), "%s", not_json_msg);
}

/* The input ends: report at its end, past whatever is left unconsumed
 * (all of it is in the window once rd_fill came up short). */
__attribute__((format(printf, 2, 3)))
static bool fail_end(struct jr *r, const char *fmt, ...)
{
	uint32_t line = r->line, col = r->col;
	va_list ap;

	if (crit_failed(r->err))
		return false; /* an I/O error or binary input ended it */
	for (size_t i = r->rd->off; i < r->rd->len; i++) {
		if (r->rd->buf[i] == '\n') {
			line = sat_add(line, 1);
			col = 1;
		} else {
			col = sat_add(col, 1);
		}
	}
	va_start(ap, fmt);
	vfail_pos(r, CRIT_E_JSON, line, col, fmt, ap);
	va_end(ap);
	return false;
}

static void path_restore(struct jr *r, size_t mark)
{
	r->pathlen = mark;
	r->path[mark] = 0;
}

/* Append s[0, n); a path that does not fit ends in "..." and stays so. */
static void path_add(struct jr *r, const char *s, size_t n, bool sanitize)
{
	size_t room = JR_MAX_PATH - 1 - r->pathlen;
	char *p = r->path + r->pathlen;

	if (!room)
		return;
	size_t k = n < room ? n : room;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)s[i];
		/* a key may hold anything; keep the message one printable line */
		p[i] = sanitize && (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	r->pathlen += k;
	if (k < n)
		memcpy(r->path + JR_MAX_PATH - 4, "...", 3);
	r->path[r->pathlen] = 0;
}

static void path_key(struct jr *r, const char *key, size_t n)
{
	if (r->pathlen)
		path_add(r, ".", 1, false);
	path_add(r, key, n, true);
}

static void path_index(struct jr *r, uint32_t i)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "[%u]", (unsigned)i);
	path_add(r, buf, (size_t)n, false);
}

/* ------------------------------------------------------------------ */
/* Bytes                                                                */
/* ------------------------------------------------------------------ */

/* How many bytes are in the window, reading more when it is empty;
 * 0 at the end of the input. */
static size_t avail(struct jr *r)
{
	struct rd *rd = r->rd;

	if (rd->len == rd->off)
		rd_fill(rd, 1);
	return rd->len - rd->off;
}

/* Consume n bytes of one line. */
static void adv(struct jr *r, size_t n)
{
	rd_advance(r->rd, n);
	r->col = sat_add(r->col, n);
}


/* Is the byte off bytes ahead a NUL or the start of invalid UTF-8? */
static bool binary_at(struct jr *r, size_t off)
{
	size_t k = rd_fill(r->rd, off + 4);
	uint32_t cp;

	if (k <= off)
		return false;
	const uint8_t *p = rd_ptr(r->rd) + off;
	if (p[0] == 0)
		return true;
	return p[0] >= 0x80 && utf8_decode(p, k - off, &cp) <= 0;
}

/* The next byte is not what the grammar wants: binary input, or a
 * mistake the message describes. */
__attribute__((format(printf, 2, 3)))
static bool unexpected(struct jr *r, const char *fmt, ...)
{
	va_list ap;

	if (binary_at(r, 0))
		return not_json(r, 0);
	va_start(ap, fmt);
	vfail_pos(r, CRIT_E_JSON, r->line, r->col, fmt, ap);
	va_end(ap);
	return false;
}

/* What can start a JSON text that Python reads. */
static bool starts_json(int c)
{
	return c && strchr("{[\"-0123456789tfnNI", c);
}

/* Skip white space; the next byte, not consumed, or -1 at the end of the
 * input (or when that first byte shows the input is not JSON). */
static int next(struct jr *r)
{
	for (;;) {
		size_t n = avail(r);
		if (!n)
			return -1;
		const uint8_t *p = rd_ptr(r->rd);
		size_t i = 0;
		for (; i < n; i++) {
			if (p[i] == '\n') {
				r->line = sat_add(r->line, 1);
				r->col = 1;
			} else if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r') {
				r->col = sat_add(r->col, 1);
			} else {
				break;
			}
		}
		rd_advance(r->rd, i);
		if (i == n)
			continue;
		if (!r->started) {
			r->started = true;
			if (!starts_json(p[i])) {
				not_json(r, 0);
				return -1;
			}
		}
		return p[i];
	}
}

/* The input ended where a value or a delimiter was due. */
static bool fail_eof(struct jr *r, int kind, const char *expected)
{
	if (kind == '[')
		return fail_end(r, "input ends inside an array");
	if (kind == '{')
		return fail_end(r, "input ends inside an object");
	return fail_end(r, "expected %s, found the end of the input", expected);
}

/* The innermost container that jr_open opened, or 0. */
static int top_kind(const struct jr *r)
{
	return r->top ? r->top_kind[r->top - 1] : 0;
}

/* ------------------------------------------------------------------ */
/* Strings                                                              */
/* ------------------------------------------------------------------ */

/* Where a string's decoded bytes go: the arena's head chunk, not yet
 * handed out, growing into a bigger chunk as needed (so a string may be
 * longer than the window); or a fixed buffer (member names). */
struct sb {
	struct jr *r;
	struct arena *a; /* NULL: the fixed buffer */
	uint8_t *p;
	size_t len, cap; /* cap counts the NUL */
	size_t budget;   /* bytes the arena may still hand out for the value */
};

static void sb_arena(struct sb *b, struct jr *r, struct arena *a, size_t budget)
{
	struct arena_chunk *h = a->head;

	b->r = r;
	b->a = a;
	b->p = h ? chunk_data(h) + h->used : NULL;
	b->len = 0;
	b->budget = budget & ~(size_t)15; /* what sb_finish may hand out */
	b->cap = h ? h->size - h->used : 0;
	if (b->cap > b->budget)
		b->cap = b->budget;
}

static void sb_fixed(struct sb *b, struct jr *r, char *buf, size_t size)
{
	memset(b, 0, sizeof(*b));
	b->r = r;
	b->p = (uint8_t *)buf;
	b->cap = size;
}

/* Room for n more bytes and the NUL. */
static bool sb_room(struct sb *b, size_t n)
{
	if (n < b->cap - b->len)
		return true;
	if (!b->a)
		return fail(b->r, CRIT_E_LIMIT, "a member name longer than %zu bytes", b->cap - 1);
	/* len + n + 1 must fit the budget (a multiple of 16, so sb_finish's
	 * rounding cannot pass it); written so that nothing overflows. */
	if (n > b->budget || b->len + 1 > b->budget - n)
		return fail(b->r, CRIT_E_LIMIT, "a value larger than 1 GiB");
	size_t need = b->len + n + 1;
	size_t cap = b->cap < b->budget / 2 ? b->cap * 2 : b->budget;
	if (cap < ARENA_CHUNK)
		cap = ARENA_CHUNK;
	if (cap > b->budget)
		cap = b->budget;
	if (cap < need)
		cap = need;
	struct arena_chunk *c = chunk_new(cap);
	if (!c)
		return fail(b->r, CRIT_E_NOMEM, "out of memory");
	if (b->len)
		memcpy(chunk_data(c), b->p, b->len);
	/* The old head goes if it held nothing but this string. */
	struct arena_chunk *old = b->a->head;
	if (old && !old->used) {
		c->next = old->next;
		free(old);
	} else {
		c->next = old;
	}
	b->a->head = c;
	b->p = chunk_data(c);
	b->cap = c->size;
	return true;
}

static bool sb_put(struct sb *b, const void *s, size_t n)
{
	if (!sb_room(b, n))
		return false;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return true;
}

/* NUL-terminate and, in the arena, hand the bytes out. */
static const char *sb_finish(struct sb *b)
{
	if (!sb_room(b, 0))
		return NULL;
	b->p[b->len] = 0;
	if (b->a) {
		size_t n = round16(b->len + 1);
		b->a->head->used += n;
		b->a->used += n;
	}
	return (const char *)b->p;
}

/* Four hex digits at s[0, n): 1 and *v, 0 when one is not hex, -1 when
 * s ends before four (all hex so far). */
static int hex4(const uint8_t *s, size_t n, uint32_t *v)
{
	*v = 0;
	for (size_t i = 0; i < 4; i++) {
		if (i >= n)
			return -1;
		int d = hex_digit(s[i]);
		if (d < 0)
			return 0;
		*v = *v << 4 | (uint32_t)d;
	}
	return 1;
}

static bool put_utf8(struct sb *b, uint32_t cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xc0 | cp >> 6);
		u[1] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xe0 | cp >> 12);
		u[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xf0 | cp >> 18);
		u[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
		u[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
		u[3] = (uint8_t)(0x80 | (cp & 0x3f));
		n = 4;
	}
	return sb_put(b, u, n);
}

/* A \u escape at the reader (k bytes of it in the window, up to 12);
 * errors are reported at its backslash. */
static bool read_u_escape(struct jr *r, struct sb *b, const uint8_t *p, size_t k)
{
	uint32_t cp, lo;
	int h = hex4(p + 2, k - 2, &cp);

	if (h < 0)
		return fail_end(r, "unterminated string");
	if (!h) {
		size_t j = 2;
		while (hex_digit(p[j]) >= 0)
			j++;
		if (binary_at(r, j))
			return not_json(r, j);
		return fail(r, CRIT_E_JSON, "invalid escape: '\\u' needs 4 hex digits");
	}
	if (cp >= 0xd800 && cp <= 0xdbff) {
		/* A high surrogate pairs with a low one in the next escape. */
		int l;
		if (k == 6 || (k == 7 && p[6] == '\\'))
			l = -1;
		else if (p[6] != '\\' || p[7] != 'u')
			l = 0;
		else
			l = hex4(p + 8, k - 8, &lo);
		if (l < 0)
			return fail_end(r, "unterminated string");
		if (l == 0 || lo < 0xdc00 || lo > 0xdfff)
			return fail(r, CRIT_E_JSON, "lone surrogate \\u%04x", (unsigned)cp);
		if (!put_utf8(b, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00)))
			return false;
		adv(r, 12);
		return true;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		/* decode's surrogateescape: \udcXX stands for the byte XX. */
		if (cp < 0xdc80 || cp > 0xdcff)
			return fail(r, CRIT_E_JSON, "lone surrogate \\u%04x", (unsigned)cp);
		uint8_t byte = (uint8_t)cp;
		if (!sb_put(b, &byte, 1))
			return false;
		adv(r, 6);
		return true;
	}
	if (!put_utf8(b, cp))
		return false;
	adv(r, 6);
	return true;
}

/* An escape at the reader. */
static bool read_escape(struct jr *r, struct sb *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t k = rd_fill(r->rd, 2);
	const uint8_t *p = rd_ptr(r->rd);

	if (k < 2)
		return fail_end(r, "unterminated string");
	const char *e = p[1] ? memchr(from, p[1], sizeof(from) - 1) : NULL;
	if (e) {
		if (!sb_put(b, &to[e - from], 1))
			return false;
		adv(r, 2);
		return true;
	}
	if (p[1] == 'u') {
		k = rd_fill(r->rd, 12); /* room for a surrogate pair */
		return read_u_escape(r, b, rd_ptr(r->rd), k);
	}
	if (binary_at(r, 1))
		return not_json(r, 1);
	p = rd_ptr(r->rd); /* binary_at may have slid the window */
	if (p[1] >= 0x20 && p[1] < 0x7f)
		return fail(r, CRIT_E_JSON, "invalid escape '\\%c'", p[1]);
	return fail(r, CRIT_E_JSON, "invalid escape: '\\' before byte 0x%02x", p[1]);
}

/* The string at the reader (its opening quote is the next byte), decoded
 * into b, which the caller finishes. */
static bool read_string(struct jr *r, struct sb *b)
{
	adv(r, 1);
	for (;;) {
		size_t n = avail(r);
		if (!n)
			return fail_end(r, "unterminated string");
		const uint8_t *p = rd_ptr(r->rd);
		size_t i = 0;
		while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
			i++;
		if (i) {
			if (!sb_put(b, p, i))
				return false;
			adv(r, i);
			continue;
		}
		if (p[0] == '"') {
			adv(r, 1);
			return true;
		}
		if (p[0] == '\\') {
			if (!read_escape(r, b))
				return false;
			continue;
		}
		if (p[0] == 0)
			return not_json(r, 0);
		if (p[0] < 0x20)
			return fail(r, CRIT_E_JSON, "unescaped control character 0x%02x in a string", p[0]);
		/* Raw non-ASCII: copied through when it is UTF-8. */
		size_t k = rd_fill(r->rd, 4);
		uint32_t cp;
		p = rd_ptr(r->rd);
		int len = utf8_decode(p, k, &cp);
		if (len <= 0)
			return not_json(r, 0);
		if (!sb_put(b, p, (size_t)len))
			return false;
		adv(r, (size_t)len);
	}
}

/* ------------------------------------------------------------------ */
/* Numbers and literals                                                 */
/* ------------------------------------------------------------------ */

/* Bytes a number or literal may be made of, and more: a token is read
 * whole, so "01" or "1.2.3" is named as written. */
static bool tokchar(uint8_t c)
{
	uint8_t l = c | 0x20;
	return (c >= '0' && c <= '9') || (l >= 'a' && l <= 'z') || c == '.' || c == '+' || c == '-';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* RFC 8259's number, or Python's -Infinity. */
static bool number_ok(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 9 && memcmp(s, "-Infinity", 9) == 0)
		return true;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		while (i < n && digit(s[i]))
			i++;
	} else {
		return false;
	}
	if (i < n && s[i] == '.') {
		i++;
		if (i == n || !digit(s[i]))
			return false;
		while (i < n && digit(s[i]))
			i++;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i == n || !digit(s[i]))
			return false;
		while (i < n && digit(s[i]))
			i++;
	}
	return i == n;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

/* An open array or object inside jr_value. */
struct vframe {
	struct jv *v;
	struct jv *last; /* its last child so far */
	size_t mark;     /* the path's length at its opening */
};

/* One jr_value: containers are kept on this explicit stack, never on the
 * C stack, so nesting costs no recursion. It cannot overflow: a push needs
 * r->depth (at least sp) below JR_MAX_DEPTH. */
struct vctx {
	struct jr *r;
	struct arena *a;
	size_t used0; /* a->used when the value began */
	struct jv *root;
	const char *key; /* the member name of the next value */
	size_t keylen;
	int sp;
	struct vframe st[JR_MAX_DEPTH];
};

enum step { STEP_ERROR, STEP_COMPLETE, STEP_CHILD, STEP_DONE };

static size_t budget(const struct vctx *x)
{
	size_t spent = x->a->used - x->used0;
	return spent >= JR_MAX_VALUE ? 0 : (size_t)(JR_MAX_VALUE - spent);
}

static int innermost(const struct vctx *x)
{
	if (x->sp)
		return x->st[x->sp - 1].v->type == JV_OBJECT ? '{' : '[';
	return top_kind(x->r);
}

/* A new value at line:col, linked as the next child of the open container. */
static struct jv *add(struct vctx *x, enum jv_type type, uint32_t line, uint32_t col)
{
	if (round16(sizeof(struct jv)) > budget(x)) {
		fail(x->r, CRIT_E_LIMIT, "a value larger than 1 GiB");
		return NULL;
	}
	struct jv *v = arena_alloc(x->a, sizeof(*v));
	if (!v) {
		fail(x->r, CRIT_E_NOMEM, "out of memory");
		return NULL;
	}
	memset(v, 0, sizeof(*v));
	v->type = (uint8_t)type;
	v->line = line;
	v->col = col;
	v->key = x->key;
	v->keylen = x->keylen;
	x->key = NULL;
	x->keylen = 0;
	if (x->sp) {
		struct vframe *f = &x->st[x->sp - 1];
		if (f->last)
			f->last->next = v;
		else
			f->v->first = v;
		f->last = v;
		f->v->n++;
	} else {
		x->root = v;
	}
	return v;
}

/* A member's name and ':' (the object's path reports errors), then the
 * path names the member. */
static bool read_key(struct vctx *x)
{
	struct jr *r = x->r;
	struct sb b;
	int c = next(r);

	if (c != '"')
		return c < 0 ? fail_eof(r, '{', NULL) : unexpected(r, "expected a member name");
	sb_arena(&b, r, x->a, budget(x));
	if (!read_string(r, &b) || !(x->key = sb_finish(&b)))
		return false;
	x->keylen = b.len;
	c = next(r);
	if (c != ':')
		return c < 0 ? fail_eof(r, '{', NULL) : unexpected(r, "expected ':' after a member name");
	adv(r, 1);
	path_key(r, x->key, x->keylen);
	return true;
}

/* true, false, null, NaN, Infinity: a token that starts with a letter. */
static bool read_literal(struct vctx *x, uint32_t line, uint32_t col)
{
	static const struct {
		const char *s;
		uint8_t type;
	} lits[] = {
		{ "true", JV_TRUE }, { "false", JV_FALSE }, { "null", JV_NULL },
		{ "NaN", JV_NUMBER }, { "Infinity", JV_NUMBER },
	};
	enum { SHOWN = 16 }; /* longer than every literal */
	struct jr *r = x->r;
	size_t k = rd_fill(r->rd, SHOWN + 1), n = 0;
	const uint8_t *p = rd_ptr(r->rd);

	while (n < k && tokchar(p[n]))
		n++;
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		if (strlen(lits[i].s) != n || memcmp(p, lits[i].s, n) != 0)
			continue;
		struct jv *v = add(x, lits[i].type, line, col);
		if (!v)
			return false;
		if (v->type == JV_NUMBER) {
			v->str = lits[i].s; /* static, NUL-terminated */
			v->len = n;
		}
		adv(r, n);
		return true;
	}
	if (binary_at(r, n))
		return not_json(r, n);
	p = rd_ptr(r->rd); /* binary_at may have slid the window */
	return fail(r, CRIT_E_JSON, "invalid literal '%.*s%s'", (int)(n < SHOWN ? n : SHOWN), (const char *)p,
		    n > SHOWN ? "..." : "");
}

/* A number: the whole token, however long, then checked. */
static bool read_number(struct vctx *x, uint32_t line, uint32_t col)
{
	enum { SHOWN = 40 };
	struct jr *r = x->r;
	struct jv *v = add(x, JV_NUMBER, line, col);
	struct sb b;

	if (!v)
		return false;
	sb_arena(&b, r, x->a, budget(x));
	for (;;) {
		size_t n = avail(r), i = 0;
		const uint8_t *p = rd_ptr(r->rd);
		while (i < n && tokchar(p[i]))
			i++;
		if (!sb_put(&b, p, i))
			return false;
		adv(r, i);
		if (i < n || !n)
			break;
	}
	if (!(v->str = sb_finish(&b)))
		return false;
	v->len = b.len;
	if (number_ok(v->str, v->len))
		return true;
	if (binary_at(r, 0))
		return not_json(r, 0);
	return fail_pos(r, CRIT_E_JSON, line, col, "invalid number '%.*s%s'",
			(int)(v->len < SHOWN ? v->len : SHOWN), v->str, v->len > SHOWN ? "..." : "");
}

/* The start of a value: a whole scalar or empty container (COMPLETE), or
 * an opened container whose first child comes next (CHILD). */
static enum step value_begin(struct vctx *x)
{
	struct jr *r = x->r;
	int c = next(r);
	uint32_t line = r->line, col = r->col;

	if (c < 0) {
		/* Named by the container the input ends in, not its next child. */
		if (x->sp)
			path_restore(r, x->st[x->sp - 1].mark);
		else if (r->top)
			path_restore(r, r->top_mark[r->top - 1]);
		fail_eof(r, innermost(x), "a value");
		return STEP_ERROR;
	}
	if (c == '{' || c == '[') {
		if (r->depth >= JR_MAX_DEPTH) {
			fail(r, CRIT_E_LIMIT, "nesting deeper than %d", JR_MAX_DEPTH);
			return STEP_ERROR;
		}
		struct jv *v = add(x, c == '{' ? JV_OBJECT : JV_ARRAY, line, col);
		if (!v)
			return STEP_ERROR;
		adv(r, 1);
		r->depth++;
		x->st[x->sp++] = (struct vframe){ .v = v, .mark = r->pathlen };
		int close = c == '{' ? '}' : ']';
		if (next(r) == close) {
			adv(r, 1);
			r->depth--;
			x->sp--;
			return STEP_COMPLETE;
		}
		if (c == '[') {
			path_index(r, 0);
			return STEP_CHILD;
		}
		return read_key(x) ? STEP_CHILD : STEP_ERROR;
	}
	if (c == '"') {
		struct jv *v = add(x, JV_STRING, line, col);
		struct sb b;
		if (!v)
			return STEP_ERROR;
		sb_arena(&b, r, x->a, budget(x));
		if (!read_string(r, &b) || !(v->str = sb_finish(&b)))
			return STEP_ERROR;
		v->len = b.len;
		return STEP_COMPLETE;
	}
	if (c == '-' || c == '+' || c == '.' || digit((char)c))
		return read_number(x, line, col) ? STEP_COMPLETE : STEP_ERROR;
	if (c < 0x80 && tokchar((uint8_t)c))
		return read_literal(x, line, col) ? STEP_COMPLETE : STEP_ERROR;
	unexpected(r, "expected a value");
	return STEP_ERROR;
}

/* After a complete value: close the containers it completes, then the
 * next child (CHILD) or the end of the whole value (DONE). */
static enum step value_end(struct vctx *x)
{
	struct jr *r = x->r;

	while (x->sp) {
		struct vframe *f = &x->st[x->sp - 1];
		bool obj = f->v->type == JV_OBJECT;
		path_restore(r, f->mark);
		int c = next(r);
		if (c == (obj ? '}' : ']')) {
			adv(r, 1);
			r->depth--;
			x->sp--;
			continue;
		}
		if (c == ',') {
			adv(r, 1);
			if (obj)
				return read_key(x) ? STEP_CHILD : STEP_ERROR;
			path_index(r, f->v->n);
			return STEP_CHILD;
		}
		if (c < 0)
			fail_eof(r, obj ? '{' : '[', NULL);
		else if (obj)
			unexpected(r, "expected ',' or '}' after a member");
		else
			unexpected(r, "expected ',' or ']' after an element");
		return STEP_ERROR;
	}
	return STEP_DONE;
}

bool jr_value(struct jr *r, struct arena *a, struct jv **out)
{
	struct vctx x = { .r = r, .a = a, .used0 = a->used };
	size_t mark = r->pathlen;
	int depth = r->depth;
	enum step s;

	*out = NULL;
	if (crit_failed(r->err))
		return false;
	do {
		s = value_begin(&x);
		if (s == STEP_COMPLETE)
			s = value_end(&x);
	} while (s == STEP_CHILD);
	/* The caller's path and depth, whatever happened inside. */
	path_restore(r, mark);
	r->depth = depth;
	if (s != STEP_DONE)
		return false;
	*out = x.root;
	return true;
}

/* ------------------------------------------------------------------ */
/* The top level                                                        */
/* ------------------------------------------------------------------ */

void jr_init(struct jr *r, struct rd *rd, struct crit_err *err)
{
	memset(r, 0, sizeof(*r));
	r->rd = rd;
	r->err = err;
	r->line = 1;
	r->col = 1;
}

/* -1 also after an error. */
int jr_peek(struct jr *r)
{
	if (crit_failed(r->err))
		return -1;
	return next(r);
}

bool jr_expect(struct jr *r, char c)
{
	if (crit_failed(r->err))
		return false;
	int got = next(r);
	if (got == (uint8_t)c) {
		adv(r, 1);
		return true;
	}
	if (got < 0) {
		char what[4] = { '\'', c, '\'', 0 };
		return fail_eof(r, top_kind(r), what);
	}
	return unexpected(r, "expected '%c'", c);
}

bool jr_open(struct jr *r, char kind)
{
	if (crit_failed(r->err))
		return false;
	if (kind != '{' && kind != '[')
		return fail(r, CRIT_E_USAGE, "jr_open: '%c' is not '{' or '['", kind);
	if (r->top == (int)sizeof(r->top_kind))
		return fail(r, CRIT_E_USAGE, "jr_open: more than %d containers open", r->top);
	if (jr_peek(r) == kind && r->depth >= JR_MAX_DEPTH)
		return fail(r, CRIT_E_LIMIT, "nesting deeper than %d", JR_MAX_DEPTH);
	if (!jr_expect(r, kind))
		return false;
	int t = r->top++;
	r->depth++;
	r->top_kind[t] = (uint8_t)kind;
	r->top_index[t] = 0;
	r->top_mark[t] = r->pathlen;
	r->top_first[t] = true;
	return true;
}

/* The closing bracket at the reader ends the innermost top container. */
static bool top_close(struct jr *r)
{
	int t = --r->top;

	adv(r, 1);
	r->depth--;
	path_restore(r, r->top_mark[t]);
	return false;
}

bool jr_member(struct jr *r, const char **name, size_t *len)
{
	struct sb b;

	*name = NULL;
	*len = 0;
	if (crit_failed(r->err))
		return false;
	if (top_kind(r) != '{')
		return fail(r, CRIT_E_USAGE, "jr_member outside an object");
	int t = r->top - 1;
	path_restore(r, r->top_mark[t]);
	int c = next(r);
	if (c == '}')
		return top_close(r);
	if (!r->top_first[t]) {
		if (c != ',')
			return c < 0 ? fail_eof(r, '{', NULL) : unexpected(r, "expected ',' or '}' after a member");
		adv(r, 1);
		c = next(r);
	}
	if (c != '"')
		return c < 0 ? fail_eof(r, '{', NULL) : unexpected(r, "expected a member name");
	sb_fixed(&b, r, r->name, sizeof(r->name));
	if (!read_string(r, &b) || !sb_finish(&b))
		return false;
	c = next(r);
	if (c != ':')
		return c < 0 ? fail_eof(r, '{', NULL) : unexpected(r, "expected ':' after a member name");
	adv(r, 1);
	r->top_first[t] = false;
	path_key(r, r->name, b.len);
	*name = r->name;
	*len = b.len;
	return true;
}

bool jr_element(struct jr *r)
{
	if (crit_failed(r->err))
		return false;
	if (top_kind(r) != '[')
		return fail(r, CRIT_E_USAGE, "jr_element outside an array");
	int t = r->top - 1;
	path_restore(r, r->top_mark[t]);
	int c = next(r);
	if (c == ']')
		return top_close(r);
	if (r->top_first[t]) {
		if (c < 0)
			return fail_eof(r, '[', NULL);
		r->top_first[t] = false; /* the first element: nothing to consume */
	} else {
		if (c != ',')
			return c < 0 ? fail_eof(r, '[', NULL) : unexpected(r, "expected ',' or ']' after an element");
		if (r->top_index[t] == UINT32_MAX)
			return fail(r, CRIT_E_LIMIT, "more than %u elements", (unsigned)UINT32_MAX);
		adv(r, 1);
		r->top_index[t]++;
	}
	path_index(r, r->top_index[t]);
	return true;
}

bool jr_end(struct jr *r)
{
	if (crit_failed(r->err))
		return false;
	int c = next(r);
	if (c < 0)
		return !crit_failed(r->err);
	return unexpected(r, "expected the end of the input after the value");
}

/* path NULL means the reader's own path (where the last jr_member or
 * jr_element left it). */
bool jr_fail_at(struct jr *r, const struct jv *v, const char *path, enum crit_code code, const char *fmt, ...)
{
	char msg[sizeof(r->err->msg)];
	va_list ap;

	if (!path)
		path = r->path;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return crit_fail_line(r->err, code, v ? v->line : r->line, v ? v->col : r->col, "%s%s%s", path,
			      *path ? ": " : "", msg);
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	const struct jv *found = NULL;
	size_t n;

	if (!obj || obj->type != JV_OBJECT)
		return NULL;
	n = strlen(key);
	for (const struct jv *c = obj->first; c; c = c->next)
		if (c->keylen == n && memcmp(c->key, key, n) == 0)
			found = c;
	return found;
}
