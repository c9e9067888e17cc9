/*
 * json.h - a streaming JSON writer whose output is byte-identical to
 * Python's json module, and the string forms of payloads (base64, quopri).
 */
#ifndef CRIT_JSON_H
#define CRIT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/io.h"

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
/* jw_key, then the string s, or null when s is NULL. */
void jw_key_str(struct jw *w, const char *key, const char *s);
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

#endif
