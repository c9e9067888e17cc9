/*
 * jsonread.h - reading JSON: a pull parser over the input window that
 * hands out one value at a time as a small tree in an arena.
 *
 * An image's JSON is {"magic": ..., "entries": [...]}: the encoder walks
 * the top level with jr_member()/jr_element() and reads each entry with
 * jr_value(), so memory holds one entry at a time, never the document.
 */
#ifndef CRIT_JSONREAD_H
#define CRIT_JSONREAD_H

#include "internal.h"

/* Limits on untrusted JSON (docs/security.md). */
#define JR_MAX_DEPTH 128           /* nested arrays and objects */
#define JR_MAX_VALUE (1ull << 30)  /* bytes of arena one value may take */

enum jv_type {
	JV_NULL,
	JV_FALSE,
	JV_TRUE,
	JV_NUMBER,
	JV_STRING,
	JV_ARRAY,
	JV_OBJECT,
};

/* One JSON value. */
struct jv {
	uint8_t type;       /* enum jv_type */
	uint32_t line, col; /* where the value starts, from 1 */
	/* JV_STRING: the decoded bytes. \udc80-\udcff (a lone low surrogate,
	 * as decode writes for bytes that are not UTF-8) becomes the byte
	 * 0x80-0xff again. JV_NUMBER: the literal as written ("-12", "1e5",
	 * also Python's NaN, Infinity, -Infinity). NUL-terminated either way. */
	const char *str;
	size_t len;
	const char *key;    /* a member of an object: its name (decoded) */
	size_t keylen;
	struct jv *first;   /* JV_ARRAY, JV_OBJECT: the first child, in order */
	struct jv *next;    /* the next sibling */
	uint32_t n;         /* JV_ARRAY, JV_OBJECT: how many children */
	uint64_t aux;       /* free for the caller */
};

/* Chunks of memory that are freed all at once. */
struct arena {
	struct arena_chunk *head;
	size_t used; /* bytes handed out since the last reset */
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t n); /* 16-byte aligned; NULL when out of memory */
void arena_reset(struct arena *a);            /* forget everything, keep one chunk */
void arena_free(struct arena *a);

/* Path components for error messages: "entries[3].tcp.opts". */
#define JR_MAX_PATH 512

struct jr {
	struct rd *rd;
	struct crit_err *err;
	uint32_t line, col; /* of the next byte */
	int depth;
	bool started;       /* a byte other than white space was seen */
	char path[JR_MAX_PATH];
	size_t pathlen;
	/* the top level's containers, opened by jr_member/jr_element */
	int top;
	uint8_t top_kind[8];   /* '{' or '[' */
	uint32_t top_index[8]; /* elements seen so far in an array */
	size_t top_mark[8];    /* pathlen when the container was opened */
	bool top_first[8];
	char name[256]; /* the member name jr_member returns */
};

void jr_init(struct jr *r, struct rd *rd, struct crit_err *err);

/* The next byte that is not white space, without consuming it; -1 at the
 * end of the input. */
int jr_peek(struct jr *r);

/* Consume c (after white space) or fail naming what was expected. */
bool jr_expect(struct jr *r, char c);

/* Open an object or an array at the top level ('{' or '['); then:
 *   jr_member(): the next member's name (decoded, NUL-terminated, in a
 *     static buffer of the parser, valid until the next call) and the ':'
 *     after it; false at the closing '}' (which it consumes) or on error.
 *   jr_element(): true when another element follows (consuming the ','),
 *     false at the closing ']' or on error.
 * Each maintains the path ("entries[3]") used by error messages. */
bool jr_open(struct jr *r, char kind);
bool jr_member(struct jr *r, const char **name, size_t *len);
bool jr_element(struct jr *r);

/* One whole value into the arena. */
bool jr_value(struct jr *r, struct arena *a, struct jv **out);

/* Only white space may follow. */
bool jr_end(struct jr *r);

/* Report an error at a value: "PATH: message" at the value's line:col
 * (path is the caller's, for errors found after parsing). */
bool jr_fail_at(struct jr *r, const struct jv *v, const char *path, enum crit_code code,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A member of an object by name, or NULL (the last one, when repeated:
 * Python's json keeps the last). */
const struct jv *jv_get(const struct jv *obj, const char *key);

#endif
