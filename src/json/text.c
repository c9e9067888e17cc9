/* text.c - byte-level text codecs (text.h): quopri.encodestring
 * (binascii.b2a_qp) as Python CRIT writes it, UTF-8, hex, and escaping
 * for a terminal. */
#include <stdio.h>
#include <string.h>

#include "json/text.h"

/* ------------------------------------------------------------------ */
/* quoted-printable                                                     */
/* ------------------------------------------------------------------ */

#define QP_LINE 76

/* The encoder sometimes rewrites the character it wrote last (a space
 * before a line break), so that one is held back until the next. */
struct qp {
	void (*chunk)(void *ctx, const uint8_t *s, size_t n); /* where it goes */
	void *ctx;
	uint8_t buf[256];
	size_t n;
};

static void qp_put(struct qp *q, const char *s, size_t n)
{
	if (q->n + n > sizeof(q->buf)) {
		q->chunk(q->ctx, q->buf, q->n - 1);
		q->buf[0] = q->buf[q->n - 1];
		q->n = 1;
	}
	memcpy(q->buf + q->n, s, n);
	q->n += n;
}

static void qp_hex(struct qp *q, uint8_t c)
{
	static const char up[] = "0123456789ABCDEF";
	char e[3] = { '=', up[c >> 4], up[c & 15] };
	qp_put(q, e, 3);
}

static void qp_run(struct qp *q, const uint8_t *s, size_t n);

static void text_chunk(void *ctx, const uint8_t *s, size_t n)
{
	out_put(ctx, s, n);
}

void qp_encode(const uint8_t *s, size_t n, void (*chunk)(void *ctx, const uint8_t *s, size_t n), void *ctx)
{
	struct qp q = { .chunk = chunk, .ctx = ctx };

	qp_run(&q, s, n);
}

void qp_out(struct out *o, const uint8_t *s, size_t n)
{
	qp_encode(s, n, text_chunk, o);
}

/* quopri.encodestring: what Python CRIT shows a unix socket's name as. */
static void qp_run(struct qp *q, const uint8_t *s, size_t n)
{
	const uint8_t *nl = memchr(s, '\n', n);
	bool crlf = nl && nl > s && nl[-1] == '\r';
	const char *brk = crlf ? "\r\n" : "\n";
	size_t brklen = crlf ? 2 : 1, linelen = 0;

	for (size_t i = 0; i < n;) {
		uint8_t c = s[i];
		bool last = i + 1 == n;
		uint8_t next = last ? 0 : s[i + 1];
		bool quote = c > 126 || c == '=' ||
			     (c == '.' && linelen == 0 && (last || next == '\n' || next == '\r' || next == 0)) ||
			     ((c == '\t' || c == ' ') && last) ||
			     (c < 33 && c != '\r' && c != '\n' && c != '\t' && c != ' ');
		if (quote) {
			if (linelen + 3 >= QP_LINE) {
				qp_put(q, "=", 1);
				qp_put(q, brk, brklen);
				linelen = 0;
			}
			qp_hex(q, c);
			linelen += 3;
			i++;
		} else if (c == '\n' || (c == '\r' && next == '\n' && !last)) {
			linelen = 0;
			/* No white space may end a line: quote it. */
			if (q->n && (q->buf[q->n - 1] == ' ' || q->buf[q->n - 1] == '\t')) {
				uint8_t ws = q->buf[--q->n];
				qp_hex(q, ws);
			}
			qp_put(q, brk, brklen);
			i += c == '\r' ? 2 : 1;
		} else {
			if (!last && next != '\n' && linelen + 1 >= QP_LINE) {
				qp_put(q, "=", 1);
				qp_put(q, brk, brklen);
				linelen = 0;
			}
			linelen++;
			qp_put(q, (const char *)&c, 1);
			i++;
		}
	}
	q->chunk(q->ctx, q->buf, q->n);
}

/* ------------------------------------------------------------------ */
/* UTF-8                                                                */
/* ------------------------------------------------------------------ */

int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	int len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* past U+10FFFF */
	uint32_t v = c & (0x7f >> len);
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		uint8_t b = s[i];
		if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf))
			return 0;
		v = (v << 6) | (b & 0x3f);
	}
	*cp = v;
	return len;
}

/* ------------------------------------------------------------------ */
/* Text for a terminal                                                  */
/* ------------------------------------------------------------------ */

/* Code points a terminal acts on, or that hide what follows: C0, DEL,
 * C1, the line and paragraph separators and the bidi controls. */
static bool cp_unsafe(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
	       cp == 0x200f || cp == 0x061c;
}

/* The escape for the text at s[0, n): its bytes in rep (up to 6) and
 * the input it stands for in *len; 0 when the text is shown as it is. */
static size_t escape_one(const uint8_t *s, size_t n, size_t *len, char rep[8])
{
	static const char named[] = "0\0\0\0\0\0\0abtnvfr";
	uint32_t cp;
	int k = utf8_decode(s, n, &cp);

	if (k <= 0) { /* not UTF-8: the byte */
		*len = 1;
		return (size_t)snprintf(rep, 8, "\\x%02x", s[0]);
	}
	*len = (size_t)k;
	if (cp == '\\')
		return (size_t)snprintf(rep, 8, "\\\\");
	if (!cp_unsafe(cp))
		return 0;
	if (cp < sizeof(named) - 1 && named[cp])
		return (size_t)snprintf(rep, 8, "\\%c", named[cp]);
	if (cp == 0x1b)
		return (size_t)snprintf(rep, 8, "\\e");
	if (cp < 0x80)
		return (size_t)snprintf(rep, 8, "\\x%02x", cp);
	return (size_t)snprintf(rep, 8, "\\u%04x", cp);
}

size_t term_escape_width(const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t w = 0, len;
	char rep[8];

	for (size_t i = 0; i < n; i += len) {
		size_t r = escape_one(p + i, n - i, &len, rep);
		w += r ? r : len;
	}
	return w;
}

void out_untrusted(struct out *o, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t run = 0, len; /* p[run_start, i): shown as it is */
	char rep[8];

	if (!o->escape) {
		out_put(o, s, n);
		return;
	}
	for (size_t i = 0; i < n; i += len) {
		size_t r = escape_one(p + i, n - i, &len, rep);
		if (!r)
			continue;
		out_put(o, p + run, i - run);
		out_put(o, rep, r);
		run = i + len;
	}
	out_put(o, p + run, n - run);
}

size_t crit_escape(char *dst, size_t cap, const void *s, size_t n)
{
	const uint8_t *p = s;
	size_t w = 0, len;
	char rep[8];

	for (size_t i = 0; i < n; i += len) {
		size_t r = escape_one(p + i, n - i, &len, rep);
		const char *from = r ? rep : (const char *)p + i;
		size_t k = r ? r : len;
		for (size_t j = 0; j < k; j++, w++)
			if (w + 1 < cap)
				dst[w] = from[j];
	}
	if (cap)
		dst[w < cap ? w : cap - 1] = 0;
	return w;
}

/* ------------------------------------------------------------------ */
/* numbers                                                              */
/* ------------------------------------------------------------------ */

/* "00" to "ff": two hex digits per byte. */
static const char hex_pairs[] =
	"000102030405060708090a0b0c0d0e0f"
	"101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f"
	"303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f"
	"505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f"
	"707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f"
	"909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
	"b0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
	"d0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeef"
	"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

int fmt_hex(char *buf, int64_t v, bool is_signed, uint64_t u)
{
	int n = 0;

	buf[n++] = '0'; /* Python's "0x%x" % -1 is "0x-1": the sign follows */
	buf[n++] = 'x';
	if (is_signed && v < 0) {
		buf[n++] = '-';
		u = 0 - (uint64_t)v;
	}
	int digits = u ? (67 - __builtin_clzll(u)) / 4 : 1;
	char *q = buf + n + digits;
	/* From the last digit back, a byte (two digits) at a time. */
	for (; u >= 0x100; u >>= 8) {
		q -= 2;
		memcpy(q, hex_pairs + 2 * (u & 0xff), 2);
	}
	if (u >= 0x10)
		memcpy(q - 2, hex_pairs + 2 * u, 2);
	else
		q[-1] = hex_pairs[2 * u + 1];
	n += digits;
	buf[n] = 0;
	return n;
}
