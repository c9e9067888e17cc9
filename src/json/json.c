/* json.c - a streaming JSON emitter, byte-compatible with Python's json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "json/text.h"

static const char hexdig[] = "0123456789abcdef";

void jw_init(struct jw *w, struct out *o, bool pretty)
{
	memset(w, 0, sizeof(*w));
	w->o = o;
	w->pretty = pretty;
}

static void newline_indent(struct jw *w, int depth)
{
	struct out *o = w->o;
	size_t n = (size_t)depth * 4;

	if (o->cap - o->n < n + 1)
		out_flush(o);
	if (o->cap - o->n < n + 1) { /* deeper than the buffer is wide */
		out_byte(o, '\n');
		while (n--)
			out_byte(o, ' ');
		return;
	}
	o->buf[o->n] = '\n';
	memset(o->buf + o->n + 1, ' ', n);
	o->n += n + 1;
}

static void separate(struct jw *w)
{
	if (w->pretty) {
		if (w->items[w->depth])
			out_byte(w->o, ',');
		newline_indent(w, w->depth);
	} else if (w->items[w->depth]) {
		out_byte(w->o, ',');
		out_byte(w->o, ' ');
	}
	w->items[w->depth] = 1;
}

/* Separators as json.dumps: ", " compact; "," and a new line with indent.
 * After a key (the common case) there is nothing to write. */
static inline void before_value(struct jw *w)
{
	if (w->after_key)
		w->after_key = false;
	else if (w->depth)
		separate(w);
}

/* ------------------------------------------------------------------ */
/* The fast path: writing straight into the buffer                      */
/* ------------------------------------------------------------------ */

/* Most writes fit the buffer as it is. begin() then writes what goes
 * before a value (as before_value() does) and hands back where the value
 * goes, with room for `need` bytes there, so the caller stores its bytes
 * directly and finishes with end(). When the room is not there it changes
 * nothing and returns NULL: the caller takes the general path, which
 * flushes as it goes. */

/* What begin() may write besides the indent: ",\n" or ", ", and up to 31
 * spaces past the indent (put_spaces() writes whole blocks). */
#define BEGIN_SLACK 40

/* n spaces at q, in 16-byte stores: up to 31 more bytes are scribbled on,
 * which the caller has room for. Returns the end of the n spaces. */
static inline uint8_t *put_spaces(uint8_t *q, size_t n)
{
	static const char sp[16] = "                ";

	memcpy(q, sp, 16);
	memcpy(q + 16, sp, 16);
	for (size_t i = 32; i < n; i += 16)
		memcpy(q + i, sp, 16);
	return q + n;
}

static inline uint8_t *begin(struct jw *w, size_t need)
{
	struct out *o = w->o;
	size_t n = o->n;
	int depth = w->depth;
	bool pretty = w->pretty;
	size_t ind = pretty ? (size_t)depth * 4 : 0;

	if (o->cap - n < need + ind + BEGIN_SLACK)
		return NULL;
	uint8_t *q = o->buf + n;
	if (w->after_key) {
		w->after_key = false;
		return q;
	}
	if (!depth)
		return q;
	uint8_t *items = &w->items[depth];
	if (*items) {
		q[0] = ',';
		q[1] = ' '; /* overwritten in pretty mode */
		q += pretty ? 1 : 2;
	}
	*items = 1;
	if (pretty) {
		*q = '\n';
		q = put_spaces(q + 1, ind);
	}
	return q;
}

static inline void end(struct jw *w, uint8_t *q)
{
	w->o->n = (size_t)(q - w->o->buf);
}

/* ------------------------------------------------------------------ */
/* Containers and keys                                                  */
/* ------------------------------------------------------------------ */

static void open(struct jw *w, char c)
{
	uint8_t *q = begin(w, 1);

	if (q) {
		*q++ = (uint8_t)c;
		end(w, q);
	} else {
		before_value(w);
		out_byte(w->o, (uint8_t)c);
	}
	if (w->depth + 1 >= JW_MAX_DEPTH)
		abort(); /* callers bound their nesting well below this */
	w->depth++;
	w->items[w->depth] = 0;
}

static void close(struct jw *w, char c)
{
	struct out *o = w->o;
	size_t ind = (size_t)(w->depth - 1) * 4;

	if (!w->items[w->depth] || !w->pretty) {
		out_byte(o, (uint8_t)c);
	} else if (o->cap - o->n >= ind + BEGIN_SLACK) {
		uint8_t *q = o->buf + o->n;
		*q++ = '\n';
		q = put_spaces(q, ind);
		*q++ = (uint8_t)c;
		end(w, q);
	} else {
		newline_indent(w, w->depth - 1);
		out_byte(o, (uint8_t)c);
	}
	w->depth--;
}

void jw_obj_open(struct jw *w) { open(w, '{'); }
void jw_obj_close(struct jw *w) { close(w, '}'); }
void jw_arr_open(struct jw *w) { open(w, '['); }
void jw_arr_close(struct jw *w) { close(w, ']'); }

/* The general paths are kept out of line, so that the fast ones need no
 * registers saved. */
__attribute__((noinline)) static void key_slow(struct jw *w, const char *key, size_t n)
{
	before_value(w);
	out_byte(w->o, '"');
	out_put(w->o, key, n);
	out_put(w->o, "\": ", 3);
	w->after_key = true;
}

void jw_key_n(struct jw *w, const char *key, size_t n)
{
	uint8_t *q = begin(w, n + 4);

	if (!q) {
		key_slow(w, key, n);
		return;
	}
	*q++ = '"';
	q = copy_short(q, key, n);
	memcpy(q, "\": ", 3);
	end(w, q + 3);
	w->after_key = true;
}

void jw_key(struct jw *w, const char *key)
{
	jw_key_n(w, key, strlen(key));
}

static const char digit_pairs[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

/* Exactly 8 digits of x < 10^8 at p: 32-bit arithmetic, two at a time. */
static inline void put8(uint8_t *p, uint32_t x)
{
	uint32_t hi = x / 10000, lo = x % 10000;

	memcpy(p, digit_pairs + 2 * (hi / 100), 2);
	memcpy(p + 2, digit_pairs + 2 * (hi % 100), 2);
	memcpy(p + 4, digit_pairs + 2 * (lo / 100), 2);
	memcpy(p + 6, digit_pairs + 2 * (lo % 100), 2);
}

/* The decimal digits of v at q (room for 20); returns their end. */
static inline uint8_t *put_decimal(uint8_t *q, uint64_t v)
{
	static const uint64_t pow10[20] = {
		1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u,
		1000000000u, 10000000000u, 100000000000u, 1000000000000u, 10000000000000u,
		100000000000000u, 1000000000000000u, 10000000000000000u, 100000000000000000u,
		1000000000000000000u, 10000000000000000000u,
	};

	if (v < 10) {
		*q = (uint8_t)('0' + v);
		return q + 1;
	}
	/* The digit count from the bit length (1233/4096 being just over
	 * log10(2)): t digits, or t + 1 when v >= 10^t. */
	int t = ((64 - __builtin_clzll(v)) * 1233) >> 12;
	uint8_t *e = q + t + (v >= pow10[t]), *p = e;

	while (v >= 100000000) {
		uint64_t hi = v / 100000000;
		p -= 8;
		put8(p, (uint32_t)(v - hi * 100000000));
		v = hi;
	}
	uint32_t x = (uint32_t)v;
	while (x >= 100) {
		p -= 2;
		memcpy(p, digit_pairs + 2 * (x % 100), 2);
		x /= 100;
	}
	if (x >= 10)
		memcpy(p - 2, digit_pairs + 2 * x, 2);
	else
		p[-1] = (uint8_t)('0' + x);
	return e;
}

__attribute__((noinline)) static void u64_slow(struct jw *w, uint64_t v)
{
	uint8_t buf[24];

	before_value(w);
	out_put(w->o, buf, (size_t)(put_decimal(buf, v) - buf));
}

void jw_u64(struct jw *w, uint64_t v)
{
	uint8_t *q = begin(w, 20);

	if (!q) {
		u64_slow(w, v);
		return;
	}
	end(w, put_decimal(q, v));
}

/* A key and its number in one write: the common case of a decoded field.
 * The number is u, or -u when neg. */
static inline void key_number(struct jw *w, const char *key, size_t n, bool neg, uint64_t u)
{
	uint8_t *q = begin(w, n + 4 + 21);

	if (!q) {
		key_slow(w, key, n);
		if (neg)
			jw_i64(w, (int64_t)(0 - u));
		else
			u64_slow(w, u);
		return;
	}
	*q++ = '"';
	q = copy_short(q, key, n);
	memcpy(q, "\": -", 4);
	end(w, put_decimal(q + 3 + neg, u));
}

void jw_key_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	if (s)
		jw_str(w, s, strlen(s));
	else
		jw_null(w);
}

void jw_key_u64(struct jw *w, const char *key, size_t n, uint64_t v)
{
	key_number(w, key, n, false, v);
}

void jw_key_i64(struct jw *w, const char *key, size_t n, int64_t v)
{
	key_number(w, key, n, v < 0, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

void jw_i64(struct jw *w, int64_t v)
{
	if (v >= 0) {
		jw_u64(w, (uint64_t)v);
		return;
	}
	before_value(w);
	out_byte(w->o, '-');
	w->after_key = true; /* the digits follow without a separator */
	jw_u64(w, 0 - (uint64_t)v);
}

void jw_bool(struct jw *w, bool v)
{
	before_value(w);
	out_put(w->o, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct jw *w)
{
	before_value(w);
	out_put(w->o, "null", 4);
}

/* Add one to the last digit of "%.*e" output ("-d.ddde+XX"), carrying. */
static void bump_last_digit(char *s, size_t size)
{
	int e = (int)(strchr(s, 'e') - s), i = e - 1, first = s[0] == '-';

	for (; i >= first; i--) {
		if (s[i] == '.')
			continue;
		if (s[i] != '9') {
			s[i]++;
			return;
		}
		s[i] = '0';
	}
	s[first] = '1'; /* 9.99e+X carried out: 1.00e+(X+1) */
	snprintf(s + e + 1, size - (size_t)e - 1, "%+03d", atoi(s + e + 1) + 1);
}

/* Python's float repr: the shortest digits that read back the same. */
void jw_double(struct jw *w, double v)
{
	char digits[40], out[48];
	int prec, exp, n = 0;

	before_value(w);
	if (isnan(v)) {
		out_put(w->o, "NaN", 3);
		return;
	}
	if (isinf(v)) {
		out_put(w->o, v < 0 ? "-Infinity" : "Infinity", v < 0 ? 9 : 8);
		return;
	}
	for (prec = 0; prec < 17; prec++) {
		snprintf(digits, sizeof(digits), "%.*e", prec, v);
		if (strtod(digits, NULL) == v)
			break;
		/* At a power of two the gap below v is half the gap above,
		 * so the shortest digits may be the rounded ones plus one:
		 * 2^-1017 is 7.120236347223045e-307, not ...044e-307. */
		bump_last_digit(digits, sizeof(digits));
		if (strtod(digits, NULL) == v)
			break;
	}
	/* digits is "-d.ddde+XX": pull out the mantissa digits and exponent. */
	char mant[24];
	int nm = 0;
	const char *p = digits;
	if (*p == '-')
		out[n++] = *p++;
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			mant[nm++] = *p;
	exp = atoi(p + 1);
	while (nm > 1 && mant[nm - 1] == '0')
		nm--;
	if (exp >= -4 && exp < 16) {
		if (exp < 0) {
			out[n++] = '0';
			out[n++] = '.';
			for (int i = -1; i > exp; i--)
				out[n++] = '0';
			memcpy(out + n, mant, (size_t)nm);
			n += nm;
		} else {
			for (int i = 0; i <= exp; i++)
				out[n++] = i < nm ? mant[i] : '0';
			out[n++] = '.';
			if (nm > exp + 1) {
				memcpy(out + n, mant + exp + 1, (size_t)(nm - exp - 1));
				n += nm - exp - 1;
			} else {
				out[n++] = '0';
			}
		}
	} else {
		out[n++] = mant[0];
		if (nm > 1) {
			out[n++] = '.';
			memcpy(out + n, mant + 1, (size_t)(nm - 1));
			n += nm - 1;
		}
		n += snprintf(out + n, sizeof(out) - (size_t)n, "e%c%02d", exp < 0 ? '-' : '+',
			      exp < 0 ? -exp : exp);
	}
	out_put(w->o, out, (size_t)n);
}

/* ------------------------------------------------------------------ */
/* Strings                                                              */
/* ------------------------------------------------------------------ */

static void put_u16_escape(struct out *o, unsigned c)
{
	char e[6] = { '\\', 'u', hexdig[(c >> 12) & 15], hexdig[(c >> 8) & 15],
		      hexdig[(c >> 4) & 15], hexdig[c & 15] };
	out_put(o, e, 6);
}

static void put_codepoint(struct out *o, uint32_t c)
{
	if (c >= 0x10000) {
		c -= 0x10000;
		put_u16_escape(o, 0xd800 | (c >> 10));
		put_u16_escape(o, 0xdc00 | (c & 0x3ff));
	} else {
		put_u16_escape(o, c);
	}
}


/* Escape s[0, n); returns how many bytes were consumed (fewer than n only
 * when final is false and s ends inside a UTF-8 sequence). */
static size_t escape(struct out *o, const uint8_t *s, size_t n, bool final)
{
	size_t i = 0;

	while (i < n) {
		size_t run = i;
		while (run < n && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' && s[run] != '\\')
			run++;
		out_put(o, s + i, run - i);
		i = run;
		if (i == n)
			break;
		uint8_t c = s[i];
		if (c < 0x80) {
			switch (c) {
			case '"': out_put(o, "\\\"", 2); break;
			case '\\': out_put(o, "\\\\", 2); break;
			case '\n': out_put(o, "\\n", 2); break;
			case '\r': out_put(o, "\\r", 2); break;
			case '\t': out_put(o, "\\t", 2); break;
			case '\b': out_put(o, "\\b", 2); break;
			case '\f': out_put(o, "\\f", 2); break;
			default: put_u16_escape(o, c); break;
			}
			i++;
			continue;
		}
		uint32_t cp;
		int len = utf8_decode(s + i, n - i, &cp);
		if (len < 0 && !final)
			return i; /* wait for the rest of the sequence */
		if (len <= 0) {
			put_u16_escape(o, 0xdc00 | c); /* surrogateescape */
			i++;
			continue;
		}
		put_codepoint(o, cp);
		i += (size_t)len;
	}
	return n;
}

void jw_str(struct jw *w, const void *s, size_t n)
{
	before_value(w);
	out_byte(w->o, '"');
	escape(w->o, s, n, true);
	out_byte(w->o, '"');
}

void jw_str_open(struct jw *w)
{
	before_value(w);
	out_byte(w->o, '"');
	w->ncarry = 0;
}

void jw_str_chunk(struct jw *w, const void *s, size_t n)
{
	const uint8_t *p = s;

	/* Finish a sequence that the previous chunk cut. */
	while (w->ncarry && n) {
		w->carry[w->ncarry++] = *p++;
		n--;
		size_t used = escape(w->o, w->carry, (size_t)w->ncarry, false);
		if (used == (size_t)w->ncarry) {
			w->ncarry = 0;
		} else if (used) {
			memmove(w->carry, w->carry + used, (size_t)w->ncarry - used);
			w->ncarry -= (int)used;
		}
	}
	if (w->ncarry)
		return; /* the whole chunk went into a still unfinished sequence */
	size_t used = escape(w->o, p, n, false);
	memcpy(w->carry, p + used, n - used); /* at most 3 bytes */
	w->ncarry = (int)(n - used);
}

void jw_str_close(struct jw *w)
{
	escape(w->o, w->carry, (size_t)w->ncarry, true);
	w->ncarry = 0;
	out_byte(w->o, '"');
}

__attribute__((noinline)) static void plain_slow(struct jw *w, const char *s, size_t n)
{
	before_value(w);
	out_byte(w->o, '"');
	out_put(w->o, s, n);
	out_byte(w->o, '"');
}

void jw_plain(struct jw *w, const char *s, size_t n)
{
	uint8_t *q = begin(w, n + 2);

	if (!q) {
		plain_slow(w, s, n);
		return;
	}
	*q++ = '"';
	q = copy_short(q, s, n);
	*q++ = '"';
	end(w, q);
}

char *jw_plain_open(struct jw *w, size_t max)
{
	uint8_t *q = begin(w, max + 2);

	if (!q)
		return NULL;
	*q = '"';
	return (char *)q + 1;
}

char *jw_key_plain_open(struct jw *w, const char *key, size_t n, size_t max)
{
	uint8_t *q = begin(w, n + 4 + max + 2);

	if (!q)
		return NULL;
	*q++ = '"';
	q = copy_short(q, key, n);
	memcpy(q, "\": \"", 4);
	return (char *)q + 4;
}

void jw_plain_close(struct jw *w, char *q)
{
	*q++ = '"';
	end(w, (uint8_t *)q);
}

void jw_str_ascii(struct jw *w, const char *s, size_t n)
{
	out_put(w->o, s, n);
}

/* ------------------------------------------------------------------ */
/* base64                                                               */
/* ------------------------------------------------------------------ */

static const char b64dig[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One output line (up to 57 input bytes) and its "\n", JSON-escaped. */
static void b64_line(struct jw *w, const uint8_t *s, size_t n)
{
	char buf[80];
	size_t o = 0, i = 0;

	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		buf[o++] = b64dig[v >> 18];
		buf[o++] = b64dig[(v >> 12) & 63];
		buf[o++] = b64dig[(v >> 6) & 63];
		buf[o++] = b64dig[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);
		buf[o++] = b64dig[v >> 18];
		buf[o++] = b64dig[(v >> 12) & 63];
		buf[o++] = i + 1 < n ? b64dig[(v >> 6) & 63] : '=';
		buf[o++] = '=';
	}
	buf[o++] = '\\';
	buf[o++] = 'n';
	jw_str_ascii(w, buf, o);
}

void b64_open(struct b64 *b, struct jw *w)
{
	b->w = w;
	b->n = 0;
	jw_str_open(w);
}

void b64_feed(struct b64 *b, const uint8_t *s, size_t n)
{
	if (b->n) {
		size_t k = sizeof(b->line) - b->n;
		if (k > n)
			k = n;
		memcpy(b->line + b->n, s, k);
		b->n += k;
		s += k;
		n -= k;
		if (b->n < sizeof(b->line))
			return;
		b64_line(b->w, b->line, b->n);
		b->n = 0;
	}
	for (; n >= sizeof(b->line); s += sizeof(b->line), n -= sizeof(b->line))
		b64_line(b->w, s, sizeof(b->line));
	memcpy(b->line, s, n);
	b->n = n;
}

void b64_close(struct b64 *b)
{
	if (b->n)
		b64_line(b->w, b->line, b->n);
	b->n = 0;
	jw_str_close(b->w);
}

/* ------------------------------------------------------------------ */
/* quoted-printable                                                     */
/* ------------------------------------------------------------------ */

static void json_chunk(void *ctx, const uint8_t *s, size_t n)
{
	jw_str_chunk(ctx, s, n);
}

void qp_str(struct jw *w, const uint8_t *s, size_t n)
{
	jw_str_open(w);
	qp_encode(s, n, json_chunk, w);
	jw_str_close(w);
}
