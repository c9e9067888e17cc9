/*
 * jsonread.c - a streaming JSON reader for crit encode.
 *
 * The input is read through the window of io.c (struct rd), so it may be a
 * pipe and may be far larger than memory: nothing here assumes more than a
 * few bytes of lookahead. A string or number longer than the window is
 * copied out piece by piece as the window slides.
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
 * CRIT_E_JSON; the limits (depth, string and name length) CRIT_E_LIMIT.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "json/jsonread.h"
#include "json/scan.h"
#include "json/text.h"

static const char not_json_msg[] =
	"Cannot read JSON. Maybe you are feeding me an image with protobuf data? "
	"Encode expects JSON input.";

/* ------------------------------------------------------------------ */
/* Positions, paths and errors                                          */
/* ------------------------------------------------------------------ */

/* The column of the byte off bytes ahead of the reader. */
static uint32_t col_at(const struct jr *r, size_t off)
{
	int64_t c = (int64_t)rd_pos(r->rd) + (int64_t)off - r->line_start + 1;
	return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static struct jr_pos here(const struct jr *r)
{
	return (struct jr_pos){ r->line, col_at(r, 0) };
}

/* Append s[0, n) to a path of size bytes; what does not fit is cut and
 * the path ends in "...". */
static void path_add(char *path, size_t size, size_t *len, const char *s, size_t n)
{
	size_t room = size - 1 - *len;

	for (size_t i = 0; i < n && i < room; i++) {
		unsigned char c = (unsigned char)s[i];
		/* a name may hold anything; keep the message one printable line */
		path[*len + i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n > room) {
		*len = size - 1;
		if (size >= 4)
			memcpy(path + size - 4, "...", 3);
	} else {
		*len += n;
	}
	path[*len] = 0;
}

void jr_path(const struct jr *r, char *out, size_t size)
{
	size_t len = 0;

	if (!size)
		return;
	out[0] = 0;
	if (r->prefix)
		path_add(out, size, &len, r->prefix, strlen(r->prefix));
	for (int i = 0; i < r->depth && r->st[i].inside; i++) {
		const struct jr_frame *f = &r->st[i];
		if (f->kind == '[') {
			char t[16];
			int n = snprintf(t, sizeof(t), "[%u]", (unsigned)f->index);
			path_add(out, size, &len, t, (size_t)n);
		} else {
			if (len)
				path_add(out, size, &len, ".", 1);
			path_add(out, size, &len, f->name, f->namelen);
		}
	}
}

static bool vfail_pos(struct jr *r, enum crit_code code, struct jr_pos at, const char *fmt, va_list ap)
{
	char msg[sizeof(r->err->msg)], path[JR_MAX_PATH];

	if (crit_failed(r->err))
		return false;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	jr_path(r, path, sizeof(path));
	return crit_fail_line(r->err, code, at.line, at.col, "%s%s%s", path, path[0] ? ": " : "", msg);
}

bool jr_fail_pos(struct jr *r, struct jr_pos at, enum crit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_pos(r, code, at, fmt, ap);
	va_end(ap);
	return false;
}

bool jr_fail(struct jr *r, enum crit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_pos(r, code, r->at, fmt, ap);
	va_end(ap);
	return false;
}

/* At the next byte. */
__attribute__((format(printf, 3, 4)))
static bool fail(struct jr *r, enum crit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail_pos(r, code, here(r), fmt, ap);
	va_end(ap);
	return false;
}

/* Python CRIT's message, without a path, at the byte off bytes ahead
 * (always on the current line). */
static bool not_json(struct jr *r, size_t off)
{
	if (crit_failed(r->err))
		return false;
	return crit_fail_line(r->err, CRIT_E_NOTJSON, r->line, col_at(r, off), "%s", not_json_msg);
}

/* The input ends: report at its end, past whatever is left unconsumed
 * (all of it is in the window once rd_fill came up short). */
__attribute__((format(printf, 2, 3)))
static bool fail_end(struct jr *r, const char *fmt, ...)
{
	struct jr_pos at = here(r);
	va_list ap;

	for (size_t i = r->rd->off; i < r->rd->len; i++) {
		if (r->rd->buf[i] == '\n') {
			at.line = sat_add(at.line, 1);
			at.col = 1;
		} else {
			at.col = sat_add(at.col, 1);
		}
	}
	va_start(ap, fmt);
	vfail_pos(r, CRIT_E_JSON, at, fmt, ap);
	va_end(ap);
	return false;
}

/* The innermost open container ('{' or '['), or 0. */
static int innermost(const struct jr *r)
{
	return r->depth ? r->st[r->depth - 1].kind : 0;
}

/* The input ended where a value or a delimiter was due; the message names
 * the container it ends in, not its next child. */
static bool fail_eof(struct jr *r, const char *expected)
{
	if (r->depth)
		r->st[r->depth - 1].inside = false;
	if (innermost(r) == '[')
		return fail_end(r, "input ends inside an array");
	if (innermost(r) == '{')
		return fail_end(r, "input ends inside an object");
	return fail_end(r, "expected %s, found the end of the input", expected);
}

/* ------------------------------------------------------------------ */
/* Bytes                                                                */
/* ------------------------------------------------------------------ */

/* How many bytes are in the window, reading more when it is empty;
 * 0 at the end of the input. */
static inline size_t avail(struct jr *r)
{
	struct rd *rd = r->rd;

	if (rd->len == rd->off)
		rd_fill(rd, 1);
	return rd->len - rd->off;
}

static void tee(struct jr *r, size_t n);

/* Consume n bytes of one line (copied to the tee, if any). */
static inline void eat(struct jr *r, size_t n)
{
	if (r->tee)
		tee(r, n);
	rd_advance(r->rd, n);
}

static void tee(struct jr *r, size_t n)
{
	if (!buf_put(r->tee, rd_ptr(r->rd), n))
		fail(r, buf_code(), "%s", buf_why());
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
	vfail_pos(r, CRIT_E_JSON, here(r), fmt, ap);
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
static int next_slow(struct jr *r);

static inline int next(struct jr *r)
{
	struct rd *rd = r->rd;

	/* the usual cases in compact JSON: no white space, or the one space
	 * after ',' and ':'; nothing else to check */
	if (rd->off + 1 < rd->len && r->started) {
		const uint8_t *p = rd->buf + rd->off;
		if (!space[p[0]])
			return p[0];
		if (p[0] == ' ' && !space[p[1]]) {
			eat(r, 1);
			return p[1];
		}
	}
	return next_slow(r);
}

static int next_slow(struct jr *r)
{
	for (;;) {
		size_t n = avail(r);
		if (!n)
			return -1;
		const uint8_t *p = rd_ptr(r->rd), *ls = NULL;
		size_t i = (size_t)(skip_space(p, p + n, &r->line, &ls) - p);
		if (ls)
			r->line_start = (int64_t)rd_pos(r->rd) + (ls - p);
		eat(r, i);
		if (i == n)
			continue;
		p = rd_ptr(r->rd);
		if (!r->started) {
			r->started = true;
			if (!starts_json(p[0])) {
				not_json(r, 0);
				return -1;
			}
		}
		return p[0];
	}
}

/* ------------------------------------------------------------------ */
/* Strings                                                              */
/* ------------------------------------------------------------------ */

/* Decoded bytes go to r->text, at most limit of them. */
static bool put(struct jr *r, const void *s, size_t n, size_t limit)
{
	if (n > limit - r->text.n) {
		if (limit == JR_MAX_NAME)
			return fail(r, CRIT_E_LIMIT, "a member name longer than %d bytes", JR_MAX_NAME);
		return fail(r, CRIT_E_LIMIT, "a value larger than 1 GiB");
	}
	if (!buf_put(&r->text, s, n))
		return fail(r, CRIT_E_NOMEM, "out of memory");
	return true;
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

static bool put_utf8(struct jr *r, uint32_t cp, size_t limit)
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
	return put(r, u, n, limit);
}

/* A \u escape at the reader (k bytes of it in the window, up to 12);
 * errors are reported at its backslash. */
static bool read_u_escape(struct jr *r, const uint8_t *p, size_t k, size_t limit)
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
		if (!put_utf8(r, 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00), limit))
			return false;
		eat(r, 12);
		return true;
	}
	if (cp >= 0xdc00 && cp <= 0xdfff) {
		/* decode's surrogateescape: \udcXX stands for the byte XX. */
		if (cp < 0xdc80 || cp > 0xdcff)
			return fail(r, CRIT_E_JSON, "lone surrogate \\u%04x", (unsigned)cp);
		uint8_t byte = (uint8_t)cp;
		if (!put(r, &byte, 1, limit))
			return false;
		eat(r, 6);
		return true;
	}
	if (!put_utf8(r, cp, limit))
		return false;
	eat(r, 6);
	return true;
}

/* An escape at the reader. */
static bool read_escape(struct jr *r, size_t limit)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	size_t k = rd_fill(r->rd, 2);
	const uint8_t *p = rd_ptr(r->rd);

	if (k < 2)
		return fail_end(r, "unterminated string");
	const char *e = p[1] ? memchr(from, p[1], sizeof(from) - 1) : NULL;
	if (e) {
		if (!put(r, &to[e - from], 1, limit))
			return false;
		eat(r, 2);
		return true;
	}
	if (p[1] == 'u') {
		k = rd_fill(r->rd, 12); /* room for a surrogate pair */
		return read_u_escape(r, rd_ptr(r->rd), k, limit);
	}
	if (binary_at(r, 1))
		return not_json(r, 1);
	p = rd_ptr(r->rd); /* binary_at may have slid the window */
	if (p[1] >= 0x20 && p[1] < 0x7f)
		return fail(r, CRIT_E_JSON, "invalid escape '\\%c'", p[1]);
	return fail(r, CRIT_E_JSON, "invalid escape: '\\' before byte 0x%02x", p[1]);
}

/* The string at the reader (its opening quote is the next byte), decoded
 * into r->text (emptied first) and NUL-terminated. */
static bool read_string(struct jr *r, size_t limit)
{
	const uint8_t *p = rd_ptr(r->rd) + 1, *end = r->rd->buf + r->rd->len, *q = p;

	r->text.n = 0;
	/* the usual case: plain bytes up to the closing quote, in the window */
	while (q < end && plain[*q])
		q++;
	if (q < end && *q == '"' && (size_t)(q - p) <= limit) {
		size_t n = (size_t)(q - p);
		if (!buf_reserve(&r->text, n + 1))
			return fail(r, CRIT_E_NOMEM, "out of memory");
		memcpy(r->text.p, p, n);
		r->text.p[n] = 0;
		r->text.n = n;
		eat(r, n + 2);
		return true;
	}
	eat(r, 1);
	for (;;) {
		size_t n = avail(r);
		if (!n)
			return fail_end(r, "unterminated string");
		const uint8_t *p = rd_ptr(r->rd);
		size_t i = 0;
		while (i < n && plain[p[i]])
			i++;
		if (i) {
			if (!put(r, p, i, limit))
				return false;
			eat(r, i);
			continue;
		}
		if (p[0] == '"') {
			eat(r, 1);
			if (!buf_reserve(&r->text, 1))
				return fail(r, CRIT_E_NOMEM, "out of memory");
			r->text.p[r->text.n] = 0;
			return true;
		}
		if (p[0] == '\\') {
			if (!read_escape(r, limit))
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
		if (!put(r, p, (size_t)len, limit))
			return false;
		eat(r, (size_t)len);
	}
}

/* ------------------------------------------------------------------ */
/* Numbers and literals                                                 */
/* ------------------------------------------------------------------ */

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

/* true, false, null, NaN, Infinity: a token that starts with a letter. */
static int read_literal(struct jr *r)
{
	static const struct {
		const char *s;
		uint8_t type;
	} lits[] = {
		{ "true", JV_TRUE }, { "false", JV_FALSE }, { "null", JV_NULL },
		{ "NaN", JV_NUMBER }, { "Infinity", JV_NUMBER },
	};
	enum { SHOWN = 16 }; /* longer than every literal */
	size_t k = rd_fill(r->rd, SHOWN + 1), n = 0;
	const uint8_t *p = rd_ptr(r->rd);

	while (n < k && tokchar(p[n]))
		n++;
	for (size_t i = 0; i < sizeof(lits) / sizeof(lits[0]); i++) {
		if (strlen(lits[i].s) != n || memcmp(p, lits[i].s, n) != 0)
			continue;
		r->str = lits[i].s; /* static, NUL-terminated */
		r->whole = false;
		r->len = n;
		eat(r, n);
		return lits[i].type;
	}
	if (binary_at(r, n))
		return not_json(r, n), -1;
	p = rd_ptr(r->rd); /* binary_at may have slid the window */
	fail(r, CRIT_E_JSON, "invalid literal '%.*s%s'", (int)(n < SHOWN ? n : SHOWN), (const char *)p,
	     n > SHOWN ? "..." : "");
	return -1;
}

/* A valid number without fraction or exponent, up to 2^64 - 1 in
 * magnitude: its sign and magnitude. */
static bool whole_value(const char *s, size_t n, bool *neg, uint64_t *mag)
{
	size_t i = s[0] == '-';
	uint64_t v = 0;

	for (; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (d > 9 || (v >= UINT64_MAX / 10 && (v > UINT64_MAX / 10 || d > UINT64_MAX % 10)))
			return false;
		v = v * 10 + d;
	}
	*neg = s[0] == '-';
	*mag = v;
	return true;
}

/* A whole number of up to 19 digits, ending in the window: its value
 * as it is copied (the usual case). */
static bool read_int(struct jr *r)
{
	const uint8_t *p = rd_ptr(r->rd);
	size_t n = r->rd->len - r->rd->off, i = p[0] == '-', d0 = i;
	uint64_t v = 0;

	while (i < n && i - d0 < 19 && (unsigned)(p[i] - '0') < 10)
		v = v * 10 + (unsigned)(p[i++] - '0');
	if (i == d0 || i == n || tokchar(p[i]) || (p[d0] == '0' && i > d0 + 1))
		return false;
	if (!buf_reserve(&r->text, 32))
		return false;
	memcpy(r->text.p, p, i);
	r->text.p[i] = 0;
	r->text.n = i;
	r->str = (const char *)r->text.p;
	r->len = i;
	r->whole = true;
	r->neg = p[0] == '-';
	r->mag = v;
	eat(r, i);
	return true;
}

/* A number: the whole token, however long, then checked. */
static int read_number(struct jr *r)
{
	enum { SHOWN = 40 };

	r->text.n = 0;
	if (read_int(r))
		return JV_NUMBER;
	r->whole = false;
	for (;;) {
		size_t n = avail(r), i = 0;
		const uint8_t *p = rd_ptr(r->rd);
		while (i < n && tokchar(p[i]))
			i++;
		if (!put(r, p, i, JR_MAX_STRING))
			return -1;
		eat(r, i);
		if (i < n || !n)
			break;
	}
	if (!buf_reserve(&r->text, 1))
		return fail(r, CRIT_E_NOMEM, "out of memory"), -1;
	r->text.p[r->text.n] = 0;
	r->str = (const char *)r->text.p;
	r->len = r->text.n;
	if (number_ok(r->str, r->len)) {
		r->whole = whole_value(r->str, r->len, &r->neg, &r->mag);
		return JV_NUMBER;
	}
	if (binary_at(r, 0))
		return not_json(r, 0), -1;
	jr_fail(r, CRIT_E_JSON, "invalid number '%.*s%s'", (int)(r->len < SHOWN ? r->len : SHOWN), r->str,
		r->len > SHOWN ? "..." : "");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Values                                                               */
/* ------------------------------------------------------------------ */

const char *jv_type_name(int type)
{
	static const char *const names[] = { "null", "false", "true", "a number", "a string", "a list",
					     "an object" };
	return names[type];
}

void jr_init(struct jr *r, struct rd *rd, struct crit_err *err)
{
	memset(r, 0, offsetof(struct jr, st));
	r->rd = rd;
	r->err = err;
	r->line = 1;
	r->line_start = (int64_t)rd_pos(rd);
	r->at = (struct jr_pos){ 1, 1 };
}

void jr_init_at(struct jr *r, struct rd *rd, struct crit_err *err, struct jr_pos at, const char *prefix)
{
	jr_init(r, rd, err);
	r->line = at.line;
	r->line_start = (int64_t)rd_pos(rd) - (int64_t)at.col + 1;
	r->at = at;
	r->prefix = prefix;
	r->started = true;
}

void jr_free(struct jr *r)
{
	free(r->text.p);
	r->text = (struct buf){ 0 };
}

/* A container of this kind ('{' or '[') opens, below JR_MAX_DEPTH. */
static void push(struct jr *r, int kind)
{
	struct jr_frame *f = &r->st[r->depth++];

	f->kind = (uint8_t)kind;
	f->first = true;
	f->inside = false;
	f->index = 0;
	f->name = f->key;
	f->namelen = 0;
}

int jr_next(struct jr *r)
{
	if (crit_failed(r->err))
		return -1;
	int c = next(r);
	r->at = here(r);
	if (c < 0)
		return fail_eof(r, "a value"), -1;
	if (c == '{' || c == '[') {
		if (r->depth >= JR_MAX_DEPTH)
			return fail(r, CRIT_E_LIMIT, "nesting deeper than %d", JR_MAX_DEPTH), -1;
		push(r, c);
		eat(r, 1);
		return c == '{' ? JV_OBJECT : JV_ARRAY;
	}
	if (c == '"') {
		if (!read_string(r, JR_MAX_STRING))
			return -1;
		r->str = (const char *)r->text.p;
		r->len = r->text.n;
		return JV_STRING;
	}
	if (c == '-' || c == '+' || c == '.' || digit((char)c))
		return read_number(r);
	if (c < 0x80 && tokchar((uint8_t)c))
		return read_literal(r);
	unexpected(r, "expected a value");
	return -1;
}

/* The innermost container, which must be of this kind. */
static struct jr_frame *open_frame(struct jr *r, int kind, const char *caller)
{
	if (crit_failed(r->err))
		return NULL;
	if (innermost(r) != kind) {
		fail(r, CRIT_E_USAGE, "%s outside %s", caller, kind == '{' ? "an object" : "an array");
		return NULL;
	}
	struct jr_frame *f = &r->st[r->depth - 1];
	f->inside = false; /* errors from here on name the container */
	return f;
}

/* The closing bracket at the reader ends the innermost container. */
static bool close_frame(struct jr *r)
{
	eat(r, 1);
	r->depth--;
	return false;
}

/* jr_member_hint's way: white space in the window from *q, which must not
 * reach its end; the lines are counted into *line and *line_start (an
 * input offset), committed by the caller only when the whole member name
 * matched. */
static bool space_before(const struct rd *rd, const uint8_t **q, uint32_t *line, int64_t *line_start)
{
	const uint8_t *ls = NULL, *end = rd->buf + rd->len;

	*q = skip_space(*q, end, line, &ls);
	if (ls)
		*line_start = (int64_t)rd->base + (ls - rd->buf);
	return *q < end;
}

bool jr_member_hint(struct jr *r, const char *hint, const char **name, size_t *len)
{
	struct jr_frame *f = open_frame(r, '{', "jr_member");
	struct rd *rd = r->rd;

	*name = NULL;
	*len = 0;
	if (!f)
		return false;
	if (hint && !r->tee) {
		const uint8_t *q = rd->buf + rd->off, *end = rd->buf + rd->len, *key;
		uint32_t line = r->line;
		int64_t ls = r->line_start, base = (int64_t)rd->base;
		if (!space_before(rd, &q, &line, &ls))
			goto general;
		if (!f->first) {
			if (*q++ != ',' || !space_before(rd, &q, &line, &ls))
				goto general;
		}
		key = q;
		if (end - q < JR_MAX_NAME + 3 || *q++ != '"')
			goto general; /* near the window's end: the general way */
		size_t i = 0;
		while (hint[i] && q[i] == (uint8_t)hint[i])
			i++;
		if (hint[i] || q[i] != '"')
			goto general;
		q += i + 1;
		if (!space_before(rd, &q, &line, &ls) || *q++ != ':')
			goto general;
		int64_t col = base + (key - rd->buf) - ls + 1;
		r->at = (struct jr_pos){ line, col > UINT32_MAX ? UINT32_MAX : (uint32_t)col };
		r->line = line;
		r->line_start = ls;
		rd->off = (size_t)(q - rd->buf);
		f->first = false;
		f->inside = true;
		f->name = hint;
		f->namelen = (uint32_t)i;
		*name = hint;
		*len = i;
		return true;
	}
general:;
	int c = next(r);
	if (c == '}')
		return close_frame(r);
	if (!f->first) {
		if (c != ',')
			return c < 0 ? fail_eof(r, NULL) : unexpected(r, "expected ',' or '}' after a member");
		eat(r, 1);
		c = next(r);
	}
	if (c != '"')
		return c < 0 ? fail_eof(r, NULL) : unexpected(r, "expected a member name");
	r->at = here(r);
	if (!read_string(r, JR_MAX_NAME))
		return false;
	memcpy(f->key, r->text.p, r->text.n + 1);
	f->name = f->key;
	f->namelen = (uint32_t)r->text.n;
	c = next(r);
	if (c != ':')
		return c < 0 ? fail_eof(r, NULL) : unexpected(r, "expected ':' after a member name");
	eat(r, 1);
	f->first = false;
	f->inside = true;
	*name = f->name;
	*len = f->namelen;
	return true;
}

/* ------------------------------------------------------------------ */
/* The quick way through the usual member                               */
/* ------------------------------------------------------------------ */

/* White space: none or the one space of compact JSON, the usual cases,
 * or any. */
static inline const uint8_t *quick_space(const uint8_t *p, const uint8_t *end, uint32_t *line,
					 const uint8_t **line_start)
{
	if (p < end && *p == ' ')
		p++;
	return p < end && space[*p] ? skip_space(p, end, line, line_start) : p;
}

int jr_member_quick(struct jr *r, const char *hint, size_t hlen)
{
	struct rd *rd = r->rd;
	const uint8_t *p = rd->buf + rd->off, *end = rd->buf + rd->len, *ls = NULL;
	uint32_t line = r->line;

	if (r->tee || !r->depth)
		return -1;
	struct jr_frame *f = &r->st[r->depth - 1];
	if (f->kind != '{')
		return -1;
	if (!f->first) {
		p = quick_space(p, end, &line, &ls);
		if (p < end && *p == '}') {
			/* the object ends: commit that */
			if (ls)
				r->line_start = (int64_t)rd->base + (ls - rd->buf);
			r->line = line;
			rd->off = (size_t)(p + 1 - rd->buf);
			r->depth--;
			return JR_END;
		}
		if (p == end || *p != ',' || !hint)
			return -1;
		p++;
	}
	if (!hint)
		return -1;
	p = quick_space(p, end, &line, &ls);
	if ((size_t)(end - p) < hlen + QUICK_ROOM || p[0] != '"' || !same_bytes(p + 1, hint, hlen) ||
	    p[hlen + 1] != '"')
		return -1;
	p = quick_space(p + hlen + 2, end, &line, &ls);
	if (p == end || *p != ':')
		return -1;
	p = quick_space(p + 1, end, &line, &ls);
	/* a whole number, or a string of printable ASCII without escapes */
	struct jr_value v;
	size_t n = (size_t)(end - p) < QUICK_ROOM ? 0 : quick_value(p, end, &v);
	if (!n || (v.type != JV_NUMBER && v.type != JV_STRING))
		return -1;
	const uint8_t *value = p; /* where it starts, a string's quote included */
	size_t len = v.type == JV_STRING ? v.len : n;
	if (!buf_reserve(&r->text, len + 1))
		return -1;
	memcpy(r->text.p, v.type == JV_STRING ? (const uint8_t *)v.s : p, len);
	r->whole = v.type == JV_NUMBER;
	if (r->whole) {
		r->neg = v.neg;
		r->mag = v.mag;
	}
	p += n;
	int type = v.type;
	/* the member and its value: commit */
	r->text.p[len] = 0;
	r->text.n = len;
	r->str = (const char *)r->text.p;
	r->len = len;
	if (ls)
		r->line_start = (int64_t)rd->base + (ls - rd->buf);
	r->line = line;
	r->at = (struct jr_pos){ line, col_at(r, (size_t)(value - (rd->buf + rd->off))) };
	rd->off = (size_t)(p - rd->buf);
	f->first = false;
	f->inside = true;
	f->name = hint;
	f->namelen = (uint32_t)hlen;
	return type;
}

bool jr_member(struct jr *r, const char **name, size_t *len)
{
	return jr_member_hint(r, NULL, name, len);
}

bool jr_element(struct jr *r)
{
	struct jr_frame *f = open_frame(r, '[', "jr_element");

	if (!f)
		return false;
	int c = next(r);
	if (c == ']')
		return close_frame(r);
	if (f->first) {
		if (c < 0)
			return fail_eof(r, NULL);
		f->first = false; /* the first element: nothing to consume */
	} else {
		if (c != ',')
			return c < 0 ? fail_eof(r, NULL) : unexpected(r, "expected ',' or ']' after an element");
		if (f->index == UINT32_MAX)
			return fail(r, CRIT_E_LIMIT, "more than %u elements", (unsigned)UINT32_MAX);
		eat(r, 1);
		f->index++;
	}
	f->inside = true;
	return true;
}

/* jr_element_next the general way, learning the text before an object. */
static __attribute__((noinline)) bool element_next_slow(struct jr *r, int *t)
{
	struct rd *rd = r->rd;
	struct jr_frame *f = r->depth ? &r->st[r->depth - 1] : NULL;
	uint64_t from = rd_pos(rd);
	uint32_t line = r->line;
	int depth = r->depth;
	bool later = f && !f->first;

	if (!jr_element(r)) {
		*t = -1;
		return false;
	}
	*t = jr_next(r);
	if (*t < 0)
		return false;
	/* the text: an object after another element, still in the window */
	uint64_t len = rd_pos(rd) - from;
	if (*t == JV_OBJECT && later && from >= rd->kept && len <= JR_SEP_TEXT && !r->tee) {
		struct jr_sep *s = &r->sep[depth % JR_SEPS];
		s->depth = depth;
		s->len = (uint8_t)len;
		s->lines = (uint16_t)(r->line - line);
		s->line_at = s->lines ? (uint8_t)(r->line_start - (int64_t)from) : 0;
		memcpy(s->text, rd->buf + (from - rd->base), (size_t)len);
	}
	return true;
}

bool jr_element_next(struct jr *r, int *t)
{
	/* the next element an object after the same text as the last: a run
	 * of one */
	const uint8_t *p, *end;
	size_t most = 1;
	const struct jr_sep *s = jr_array_window(r, &p, &end, &most);
	struct rd *rd = r->rd;

	if (!s || !most || (size_t)(end - p) <= s->len || !same_bytes(p, (const char *)s->text, s->len))
		return element_next_slow(r, t);
	struct jr_frame *f = &r->st[r->depth - 1];
	/* what jr_element and jr_next would do, without looking */
	if (s->lines) {
		r->line = sat_add(r->line, s->lines);
		r->line_start = (int64_t)rd_pos(rd) + s->line_at;
	}
	rd_advance(rd, s->len - 1u);
	r->at = here(r);
	rd_advance(rd, 1);
	f->index++;
	f->inside = true;
	push(r, '{');
	*t = JV_OBJECT;
	return true;
}

bool jr_skip(struct jr *r)
{
	int base = r->depth, t = jr_next(r);
	const char *name;
	size_t len;

	while (t >= 0 && r->depth > base) {
		bool more = innermost(r) == '{' ? jr_member(r, &name, &len) : jr_element(r);
		if (more)
			t = jr_next(r);
		else if (crit_failed(r->err))
			return false;
	}
	return t >= 0;
}

bool jr_copy(struct jr *r, struct buf *into, struct jr_pos *at)
{
	if (crit_failed(r->err))
		return false;
	next(r);
	*at = here(r);
	r->tee = into;
	bool ok = jr_skip(r);
	r->tee = NULL;
	return ok && !crit_failed(r->err);
}

bool jr_end(struct jr *r)
{
	if (crit_failed(r->err))
		return false;
	int c = next(r);
	r->at = here(r);
	if (c < 0)
		return !crit_failed(r->err);
	return unexpected(r, "expected the end of the input after the value");
}
