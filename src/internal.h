/*
 * internal.h - what the stages of libcrit share and the public header hides.
 *
 * The data flow of a decode, one stage per file:
 *   io.c      bounded, forward-only reading; buffered writing
 *   wire.h    the protobuf wire format: varints, tags, fixed ints
 *   json.c    a streaming JSON emitter matching Python's json module
 *   text.c    base64, quoted-printable, UTF-8 with surrogateescape
 *   pretty.c  CRIT's pretty conversions: flags, dev, dicts, IPs
 *   decode.c  one protobuf message to JSON, guided by the tables
 *   image.c   image framing: magics, entries, extra payloads
 */
#ifndef CRIT_INTERNAL_H
#define CRIT_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crit.h"
#include "schema.h"

bool crit_fail(struct crit_err *err, enum crit_code code, uint64_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same for JSON input: a line and a column, from 1. */
bool crit_fail_line(struct crit_err *err, enum crit_code code, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* crit_fail in one image of a directory: the error names its file (NULL: none). */
bool crit_fail_in(struct crit_err *err, const char *file, enum crit_code code, uint64_t pos, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
bool crit_vfail_in(struct crit_err *err, const char *file, enum crit_code code, uint64_t pos, const char *fmt,
		   va_list ap);

static inline bool crit_failed(const struct crit_err *err)
{
	return err->code != CRIT_OK;
}

/* a + n, or UINT32_MAX past it (line and column counts). */
static inline uint32_t sat_add(uint32_t a, size_t n)
{
	return n > UINT32_MAX - a ? UINT32_MAX : a + (uint32_t)n;
}

/* ------------------------------------------------------------------ */
/* io.c: the input window and the output buffer                        */
/* ------------------------------------------------------------------ */

/* A message up to this size is decoded in place from the input window;
 * a larger one is streamed, so memory stays bounded whatever the image. */
#define CRIT_WINDOW (1u << 20)

struct rd {
	int fd;          /* -1 for an in-memory source */
	uint8_t *buf;
	size_t cap;
	size_t off, len; /* buf[off, len) is read but not consumed */
	uint64_t base;   /* input offset of buf[0] */
	uint64_t kept;   /* input offset of the first byte buf still holds */
	bool eof;
	bool owned;      /* buf is ours to free */
	bool own_fd;     /* fd is ours to close (a path source) */
	struct crit_err *err;
	struct rd_ahead *ahead; /* a thread reading the next window, or NULL */
	uint64_t next;   /* with it: the file offset of the byte after buf[len) */
};

bool rd_open(struct rd *r, const struct crit_source *src, struct crit_err *err);
/* rd_open, and a regular file of RD_AHEAD_MIN bytes or more is read a
 * window ahead by a second thread: faster, for one more window of memory
 * (encode's choice; decode keeps its memory small). */
#define RD_AHEAD_MIN ((uint64_t)4 * CRIT_WINDOW)
bool rd_open_ahead(struct rd *r, const struct crit_source *src, struct crit_err *err);
void rd_close(struct rd *r);
size_t rd_fill_slow(struct rd *r, size_t n);
bool rd_need_slow(struct rd *r, size_t n, const char *what);

/* Make up to n (<= CRIT_WINDOW + 64) bytes contiguous at rd_ptr();
 * returns how many are. Bytes before rd_ptr() may be dropped: only input
 * offsets from r->kept on are still in buf. */
static inline size_t rd_fill(struct rd *r, size_t n)
{
	return r->len - r->off >= n ? n : rd_fill_slow(r, n);
}

/* Like rd_fill, but fewer than n bytes is a truncation error naming what. */
static inline bool rd_need(struct rd *r, size_t n, const char *what)
{
	return r->len - r->off >= n || rd_need_slow(r, n, what);
}
/* Consume n bytes, reading past the window when needed. */
bool rd_skip(struct rd *r, uint64_t n, const char *what);

static inline uint64_t rd_pos(const struct rd *r)
{
	return r->base + r->off;
}

static inline const uint8_t *rd_ptr(const struct rd *r)
{
	return r->buf + r->off;
}

static inline void rd_advance(struct rd *r, size_t n)
{
	r->off += n;
}

/* At least n bytes (*size of them, when size is not NULL) in whole huge
 * pages where the kernel has them, for memory that will be filled: each
 * fresh page costs a fault, and on virtual machines a fault can cost
 * 10 us. Freed with free(). */
void *huge_alloc(size_t n, size_t *size);

/* A buffer grows into huge pages from this size on. */
#define BUF_HUGE ((size_t)64 << 10)

/* A growing byte buffer; its owner frees p. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};

/* No buffer grows past this: the most crit holds of its input at once
 * (encode: one entry's message, or its payload; docs/security.md). */
#define CRIT_MAX_BUF ((size_t)1 << 31)

/* Room for more bytes after n; false, with errno EFBIG past CRIT_MAX_BUF
 * or ENOMEM when out of memory. */
bool buf_reserve_slow(struct buf *b, size_t more);

/* The error of a failed buf_reserve or buf_put: its code and message. */
static inline enum crit_code buf_code(void)
{
	return errno == EFBIG ? CRIT_E_LIMIT : CRIT_E_NOMEM;
}

static inline const char *buf_why(void)
{
	return errno == EFBIG ? "past the 2 GiB crit holds at once" : "out of memory";
}

static inline bool buf_reserve(struct buf *b, size_t more)
{
	return more <= b->cap - b->n || buf_reserve_slow(b, more);
}

static inline bool buf_put(struct buf *b, const void *s, size_t n)
{
	if (!n)
		return true; /* an empty buffer may have no memory yet */
	if (!buf_reserve(b, n))
		return false;
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return true;
}

/* The caller owns buf; sink NULL discards what is written (crit info). */
struct out {
	const struct crit_sink *sink;
	struct crit_err *err;
	uint8_t *buf;
	size_t n, cap;
	bool escape; /* out_untrusted escapes: the text goes to a terminal */
};

void out_init(struct out *o, const struct crit_sink *sink, struct crit_err *err, uint8_t *buf, size_t cap);
/* Write out the buffer. */
bool out_flush(struct out *o);
void out_put_slow(struct out *o, const void *s, size_t n);

static inline void out_put(struct out *o, const void *s, size_t n)
{
	if (n <= o->cap - o->n) {
		memcpy(o->buf + o->n, s, n);
		o->n += n;
	} else {
		out_put_slow(o, s, n);
	}
}

/* Short text (numbers, names from tables): at most 255 bytes of it. */
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static inline void out_byte(struct out *o, uint8_t c)
{
	if (o->n == o->cap)
		out_flush(o);
	o->buf[o->n++] = c;
}

/* ------------------------------------------------------------------ */
/* json.c: a streaming JSON emitter                                     */
/* ------------------------------------------------------------------ */

#define JW_MAX_DEPTH 256

/* Output byte-identical to Python's json.dumps (ensure_ascii) with the
 * default separators, or json.dump(indent=4). */
struct jw {
	struct out *o;
	bool pretty;
	int depth;
	bool after_key;
	uint8_t items[JW_MAX_DEPTH]; /* the open container has items already */
	uint8_t carry[4];            /* an unfinished UTF-8 sequence of a chunked string */
	int ncarry;
};

void jw_init(struct jw *w, struct out *o, bool pretty);
void jw_obj_open(struct jw *w);
void jw_obj_close(struct jw *w);
void jw_arr_open(struct jw *w);
void jw_arr_close(struct jw *w);
void jw_key(struct jw *w, const char *key);
/* The same with the length known (names from the tables, no escaping). */
void jw_key_n(struct jw *w, const char *key, size_t n);
/* jw_key_n, then jw_u64 or jw_i64, in one go. */
void jw_key_u64(struct jw *w, const char *key, size_t n, uint64_t v);
void jw_key_i64(struct jw *w, const char *key, size_t n, int64_t v);
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_double(struct jw *w, double v);
/* A string of arbitrary bytes: UTF-8 shown as \uXXXX escapes, every byte
 * that is not valid UTF-8 as the lone surrogate \udcXX (Python's
 * surrogateescape), so the bytes can be recovered exactly. */
void jw_str(struct jw *w, const void *s, size_t n);
/* The same, in pieces. */
void jw_str_open(struct jw *w);
void jw_str_chunk(struct jw *w, const void *s, size_t n);
void jw_str_close(struct jw *w);
/* A whole string the caller knows needs no escaping: printable ASCII
 * without '"' or '\\' (names from the tables, numbers it formatted). */
void jw_plain(struct jw *w, const char *s, size_t n);
/* A piece of string the caller knows needs no escaping (base64, hex). */
void jw_str_ascii(struct jw *w, const char *s, size_t n);
/* A jw_plain string the caller writes in place: jw_plain_open returns
 * where, with room for max bytes, or NULL when the buffer has not the room
 * (then use jw_plain); jw_plain_close takes where the string ends. Nothing
 * else may be written in between. */
char *jw_plain_open(struct jw *w, size_t max);
void jw_plain_close(struct jw *w, char *end);
/* jw_key_n, then jw_plain_open, in one go (NULL: neither is written). */
char *jw_key_plain_open(struct jw *w, const char *key, size_t n, size_t max);

/* Copy n bytes to dst and return dst + n: short copies inline, as two
 * overlapping moves of a fixed size that read and write exactly [0, n). */
static inline void *copy_short(void *dst, const void *src, size_t n)
{
	uint8_t *q = dst;
	const uint8_t *s = src;

	if (n > 32)
		memcpy(q, s, n);
	else if (n >= 16) {
		memcpy(q, s, 16);
		memcpy(q + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(q, s, 8);
		memcpy(q + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(q, s, 4);
		memcpy(q + n - 4, s + n - 4, 4);
	} else if (n >= 2) {
		memcpy(q, s, 2);
		memcpy(q + n - 2, s + n - 2, 2);
	} else if (n) {
		*q = *s;
	}
	return q + n;
}

/* ------------------------------------------------------------------ */
/* text.c: payload encodings                                            */
/* ------------------------------------------------------------------ */

/* base64.encodebytes: a "\n" after every 76 characters and at the end. */
struct b64 {
	struct jw *w;
	uint8_t line[57]; /* 57 input bytes make one 76-character line */
	size_t n;
};

void b64_open(struct b64 *b, struct jw *w);
void b64_feed(struct b64 *b, const uint8_t *s, size_t n);
void b64_close(struct b64 *b);

/* The value of a hex digit, either case, or -1. */
static inline int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "0x" and 1 to 16 hex digits, the way CRIT prints hex ("0x%x"): its
 * value, or false for anything else. */
static inline bool hex_uint(const char *s, size_t n, uint64_t *v)
{
	/* a byte's value as a hex digit, plus one; 0 for the others */
	static const uint8_t hex1[256] = {
		['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
		['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
		['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	};
	uint64_t x = 0;
	bool ok = n >= 3 && n <= 18 && s[0] == '0' && s[1] == 'x';

	for (size_t i = 2; ok && i < n; i++) {
		unsigned d = hex1[(uint8_t)s[i]];
		ok = d != 0;
		x = x << 4 | ((d - 1) & 15);
	}
	*v = x;
	return ok;
}

static inline uint64_t round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) / to * to;
}

/* The UTF-8 sequence at s[0, n), strict as Python's decoder (no
 * overlongs, no surrogates, nothing past U+10FFFF): its length, 0 when
 * invalid, -1 when s could still become valid with more bytes. */
int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);

/* Bytes from an image in a text view: as they are, or, when o->escape,
 * with every control byte (C0, DEL, C1), bidi control, backslash and
 * byte that is not UTF-8 shown as an escape: \e, \n, \x9b, \u202e, \\. */
void out_untrusted(struct out *o, const void *s, size_t n);
/* How many bytes out_untrusted writes for s when it escapes. */
size_t term_escape_width(const void *s, size_t n);

/* quopri.encodestring, as a JSON string, or as text. */
void qp_str(struct jw *w, const uint8_t *s, size_t n);
void qp_out(struct out *o, const uint8_t *s, size_t n);

/* Python's "%x" of an integer, with a "0x" prefix; returns the length. */
int fmt_hex(char *buf, int64_t v, bool is_signed, uint64_t u);

/* ------------------------------------------------------------------ */
/* pretty.c: CRIT's pretty conversions                                  */
/* ------------------------------------------------------------------ */

/* Each writes one JSON value for an integer field in --pretty mode and
 * returns false when the field has no conversion. */
bool pretty_int(struct jw *w, const struct crit_field *f, bool hex, bool is_signed, uint64_t v);
struct flags_map;
/* The (criu).flags map of that name, or NULL when CRIT has none. */
const struct flags_map *pretty_flags_map(const char *name);
/* pretty_int with f's flags map looked up already (pretty_flags_map), and
 * after the key when key is not NULL: the key is written even when it
 * returns false, and then the caller writes the number. */
bool pretty_int_map(struct jw *w, const char *key, size_t keylen, const struct crit_field *f,
		    const struct flags_map *map, bool hex, bool is_signed, uint64_t v);
/* A repeated (criu).ipadd field: one address from 1 or 4 words. */
bool pretty_ip(struct jw *w, const uint32_t *words, int n);
bool pretty_fmt_ip(char buf[64], const uint32_t *words, int n);
/* CRIT's name for a (criu).dict value, or NULL. */
const char *pretty_dict_name(const char *dict, const char *field, int64_t value);

/* And back, for encode. */
bool pretty_flag_value(const struct flags_map *map, const char *name, size_t len, uint64_t *bit);
bool pretty_dict_value(const char *dict, const char *field, const char *name, int64_t *value);
/* An IPv4 or IPv6 address as CRIT stores it: 1 or 4 words; 0 if invalid. */
int pretty_parse_ip(const char *s, uint32_t words[4]);

/* ------------------------------------------------------------------ */
/* schema.c: lookups in the generated tables                            */
/* ------------------------------------------------------------------ */

const struct crit_field *schema_field_sparse(const struct crit_msg *m, uint32_t number);

/* The field with this number, or NULL: direct while the numbers are dense
 * (1..dense, the usual case), a binary search after. */
static inline const struct crit_field *schema_field(const struct crit_msg *m, uint32_t number)
{
	if (number - 1 < m->dense)
		return &m->fields[number - 1];
	return schema_field_sparse(m, number);
}

const struct crit_field *schema_field_by_name(const struct crit_msg *m, const char *name);
const struct crit_enum_value *schema_enum_value(const struct crit_enum *e, int32_t number);
bool schema_enum_number(const struct crit_enum *e, const char *name, int32_t *number);
const struct crit_magic *schema_magic_by_value(uint32_t value);
const struct crit_magic *schema_magic_by_name(const char *name);

/* ------------------------------------------------------------------ */
/* image.c: what follows the magic, per image kind                      */
/* ------------------------------------------------------------------ */

enum frame {
	FR_PLAIN,   /* every entry is the handler's message */
	FR_PAGEMAP, /* a pagemap_head, then pagemap_entry */
	FR_GHOST,   /* a ghost_file_entry, then chunks or the file's contents */
};

enum extra {
	EX_NONE,
	EX_BLOB, /* fields[0] bytes, base64 */
	EX_TCP,  /* inq_len + outq_len bytes: {"inq", "outq"} */
	EX_BPF,  /* keys_bytes + values_bytes, base64 */
	EX_SHM,  /* size bytes padded to 4, base64; none when in_pagemaps */
	EX_SEM,  /* nsems u16 values padded to 8, a list */
	EX_MSG,  /* qnum (ipc_msg, data padded to 8) pairs, a list */
};

struct handler {
	const char *magic;
	const struct crit_msg *msg;
	enum frame frame;
	enum extra extra;
	const char *fields[2]; /* the entry's fields that size the extra */
};

/* The raw payload after an entry whose handler's fields hold a and b:
 * *data bytes, then *pad bytes of zeros. False for EX_MSG, where each
 * message carries its own size. */
bool extra_layout(const struct handler *h, uint64_t a, uint64_t b, uint64_t *data, uint64_t *pad);

/* CRIT's handler for a magic's name (not an alias), or NULL. */
const struct handler *image_handler(const char *magic);
/* The magic CRIU writes before an image's own (IMG_COMMON or IMG_SERVICE),
 * or NULL for none (the inventory). */
const char *image_kind(const char *magic);

/* An image's header: [IMG_COMMON | IMG_SERVICE] MAGIC. */
struct image_head {
	const struct crit_magic *magic;
	size_t len; /* its bytes: 4 or 8 */
};

/* The header at the start p[0, n) of an image (n >= 8, or the whole image
 * when it is shorter), as CRIU writes it; else an error at its offset,
 * naming file (which may be NULL). */
bool image_head(const uint8_t *p, size_t n, const char *file, struct image_head *hd, struct crit_err *err);

/* The whole image read and checked as decode reads it, written nowhere.
 * On failure *entry is the entry it failed in (from 0, as decode lists
 * them: a pagemap's head is 0; -1 for the magic) and *field the field
 * sizing the payload it failed in (NULL: not in a payload). */
bool image_check(const struct crit_source *in, int64_t *entry, const char **field, struct crit_err *err);

/* ------------------------------------------------------------------ */
/* decode.c: a message to JSON                                          */
/* ------------------------------------------------------------------ */

#define DEC_MAX_DEPTH 64
/* Decode's JSON goes 2 levels a message deep, 2 more at the top. */
_Static_assert(JW_MAX_DEPTH > 2 * DEC_MAX_DEPTH + 2, "the writer nests as deep as decode needs");
#define DEC_MAX_CAPTURES 4

/* What decode.c works out once per field and keeps, in a small cache
 * direct-mapped on the field's address. */
struct field_memo {
	const struct crit_field *f;    /* NULL: an empty slot */
	const struct flags_map *flags; /* --pretty: f's (criu).flags map, or NULL */
	size_t keylen;                 /* strlen(f->name) */
	bool conv;                     /* --pretty may convert f's numbers */
};

#define DEC_MEMO 256 /* slots: memo() hashes an address to 8 bits */

/* A top-level scalar the image layer needs (payload lengths). */
struct capture {
	const struct crit_field *f;
	bool seen;
	uint64_t v;
};

struct dec {
	struct rd *rd;
	struct jw *w;
	struct crit_err *err;
	bool pretty;
	int depth;
	struct capture caps[DEC_MAX_CAPTURES];
	int ncaps;
	struct field_memo memo[DEC_MEMO];
};

void dec_init(struct dec *d, struct rd *rd, struct jw *w, bool pretty, struct crit_err *err);
void dec_free(struct dec *d);
/* Decode the len-byte message at the reader into an open JSON object's
 * members; the caller opens and closes the object. */
bool dec_fields(struct dec *d, const struct crit_msg *m, uint64_t len);

#endif
