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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "crit.h"
#include "schema.h"

bool crit_fail(struct crit_err *err, enum crit_code code, uint64_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static inline bool crit_failed(const struct crit_err *err)
{
	return err->code != CRIT_OK;
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
	bool eof;
	bool owned;      /* buf is ours to free */
	struct crit_err *err;
};

bool rd_open(struct rd *r, const struct crit_source *src, struct crit_err *err);
void rd_close(struct rd *r);
/* Make up to n (<= r->cap) bytes contiguous at rd_ptr(); returns how many are. */
size_t rd_fill(struct rd *r, size_t n);
/* Like rd_fill, but fewer than n bytes is a truncation error naming what. */
bool rd_need(struct rd *r, size_t n, const char *what);
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

/* The caller owns buf; sink NULL discards what is written (crit info). */
struct out {
	const struct crit_sink *sink;
	struct crit_err *err;
	uint8_t *buf;
	size_t n, cap;
};

void out_init(struct out *o, const struct crit_sink *sink, struct crit_err *err, uint8_t *buf, size_t cap);
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
void jw_u64(struct jw *w, uint64_t v);
void jw_i64(struct jw *w, int64_t v);
void jw_bool(struct jw *w, bool v);
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

/* quopri.encodestring, as a JSON string. */
void qp_str(struct jw *w, const uint8_t *s, size_t n);

/* Python's "%x" of an integer, with a "0x" prefix; returns the length. */
int fmt_hex(char *buf, int64_t v, bool is_signed, uint64_t u);

/* ------------------------------------------------------------------ */
/* pretty.c: CRIT's pretty conversions                                  */
/* ------------------------------------------------------------------ */

/* Each writes one JSON value for an integer field in --pretty mode and
 * returns false when the field has no conversion. */
bool pretty_int(struct jw *w, const struct crit_field *f, bool hex, bool is_signed, uint64_t v);
/* A repeated (criu).ipadd field: one address from 1 or 4 words. */
bool pretty_ip(struct jw *w, const uint32_t *words, int n);

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
const struct crit_magic *schema_magic_by_value(uint32_t value);
const struct crit_magic *schema_magic_by_name(const char *name);

/* ------------------------------------------------------------------ */
/* decode.c: a message to JSON                                          */
/* ------------------------------------------------------------------ */

#define DEC_MAX_DEPTH 64
#define DEC_MAX_CAPTURES 4

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
};

void dec_init(struct dec *d, struct rd *rd, struct jw *w, bool pretty, struct crit_err *err);
void dec_free(struct dec *d);
/* Decode the len-byte message at the reader into an open JSON object's
 * members; the caller opens and closes the object. */
bool dec_fields(struct dec *d, const struct crit_msg *m, uint64_t len);

#endif
