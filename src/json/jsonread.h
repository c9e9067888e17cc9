/*
 * jsonread.h - reading JSON: a pull parser over the input window.
 *
 * The caller walks the document value by value: jr_next() reads the next
 * value, a scalar whole or the opening of an array or object, whose
 * contents jr_member()/jr_element() then step through. Nothing is kept
 * but the open containers, so memory does not grow with the document;
 * the encoder turns each value into protobuf as it arrives.
 *
 * Errors name the line, the column and the JSON path of the value
 * ("entries[3].tcp.opts"); the path is kept as the containers' current
 * member names and indexes and only formatted when an error is reported.
 */
#ifndef CRIT_JSONREAD_H
#define CRIT_JSONREAD_H

#include "base/io.h"

/* a + n, or UINT32_MAX past it (line and column counts). */
static inline uint32_t sat_add(uint32_t a, size_t n)
{
	return n > UINT32_MAX - a ? UINT32_MAX : a + (uint32_t)n;
}


/* Limits on untrusted JSON (docs/security.md). */
/* Nested arrays and objects: as deep as decode's JSON of messages nested
 * MSG_MAX_DEPTH deep goes (a list and an object each, below the image's
 * object and its entries; in the deepest, a list of numbers): encode.h
 * asserts it. */
#define JR_MAX_DEPTH 130
#define JR_MAX_STRING (1ull << 30)  /* bytes of one string or number */
#define JR_MAX_NAME 255             /* bytes of one member name */
#define JR_MAX_PATH 512             /* characters of a path in a message */

enum jv_type {
	JV_NULL,
	JV_FALSE,
	JV_TRUE,
	JV_NUMBER,
	JV_STRING,
	JV_ARRAY,
	JV_OBJECT,
};

/* "a number", "a list"...: a type as messages name it. */
const char *jv_type_name(int type);

/* An open array or object. */
struct jr_frame {
	uint8_t kind;  /* '{' or '[' */
	bool first;    /* no member or element read yet */
	bool inside;   /* a member's or element's value is being read */
	uint32_t index;  /* arrays: the current element */
	const char *name; /* objects: the current member's name, decoded (in */
	uint32_t namelen; /* key, or the caller's hint that matched) */
	char key[JR_MAX_NAME + 1];
};

/* Where a value starts, from 1 (a column counts bytes). */
struct jr_pos {
	uint32_t line, col;
};

/* The text from the end of an array's element to the '{' of the next
 * object in it (", {"), as it was last: jr_element_next takes the same
 * text again at once. Kept for arrays at JR_SEPS depths. */
#define JR_SEPS 4
#define JR_SEP_TEXT 62
struct jr_sep {
	int depth;         /* of the array it is in; 0: none */
	uint8_t len;
	uint8_t line_at;   /* where the line after its last newline starts */
	uint16_t lines;    /* newlines in it */
	uint8_t text[JR_SEP_TEXT];
};

struct jr {
	struct rd *rd;
	struct crit_err *err;
	uint32_t line;      /* of the next byte, from 1 */
	int64_t line_start; /* the input offset where that line starts */
	bool started;       /* a byte other than white space was seen */
	const char *prefix; /* the path of what is read, inside the document */
	struct jr_pos at;   /* of the value or member name read last */
	/* The scalar jr_next read last: a string's decoded bytes (\udc80 -
	 * \udcff, decode's escape for bytes that are not UTF-8, become those
	 * bytes), or a number as written ("-12", "1e5", NaN, Infinity,
	 * -Infinity). NUL-terminated; valid until the next call. */
	const char *str;
	size_t len;
	bool whole;         /* a number without fraction or exponent, up to */
	bool neg;           /* 2^64 - 1 in magnitude: its sign */
	uint64_t mag;       /* and magnitude */
	struct buf text;    /* where str lives */
	struct buf *tee;    /* consumed bytes are also copied here (jr_copy) */
	struct jr_sep sep[JR_SEPS];
	int depth;
	struct jr_frame st[JR_MAX_DEPTH];
};

void jr_init(struct jr *r, struct rd *rd, struct crit_err *err);
/* A reader of a part of a document (what jr_copy kept): its first byte is
 * at line:col of the whole, and its paths start with prefix. */
void jr_init_at(struct jr *r, struct rd *rd, struct crit_err *err, struct jr_pos at, const char *prefix);
void jr_free(struct jr *r);

/* The next value: its type (a scalar is read whole into str/len; an array
 * or object is opened, see below), or -1 on an error. */
int jr_next(struct jr *r);

/* Inside the innermost open object: the next member's name (decoded,
 * NUL-terminated, valid until the next member) and the ':' after it, and
 * true; false at the closing '}', which closes the object, or on an error
 * (crit_failed tells which). The member's value is then read with jr_next. */
bool jr_member(struct jr *r, const char **name, size_t *len);

/* jr_member for a caller that expects the member named hint (at most
 * JR_MAX_NAME bytes of printable ASCII but '"' and '\\', or NULL): when it
 * is that, it is found without copying, and *name is hint itself. */
bool jr_member_hint(struct jr *r, const char *hint, const char **name, size_t *len);

/* The quick way through the member a caller expects, for hot loops:
 * when the next member is hint (hlen bytes of printable ASCII but '"' and
 * '\\') and its value a whole number of up to 19 digits or a string of
 * printable ASCII without escapes, both in the window, it reads both, as
 * jr_member_hint and jr_next would, and returns the value's type; at the
 * closing '}' after a member, it closes the object and returns JR_END.
 * Else it consumes nothing and returns -1: take the general way. A NULL
 * hint looks for the '}' only. */
#define JR_END (-2)
int jr_member_quick(struct jr *r, const char *hint, size_t hlen);

/* ---- Reading in place --------------------------------------------- */

/* A caller that recognises a stretch of JSON text itself reads it in the
 * window, then tells the reader how far it got. */

/* The input from offset from to the reader, [*p, *at), when the window
 * still holds it, and the window's end. */
static inline bool jr_text_since(const struct jr *r, uint64_t from, const uint8_t **p, const uint8_t **at,
				 const uint8_t **end)
{
	const struct rd *rd = r->rd;

	if (from < rd->kept || from > rd_pos(rd))
		return false;
	*p = rd->buf + (from - rd->base);
	*at = rd->buf + rd->off;
	*end = rd->buf + rd->len;
	return true;
}

/* For the object jr_next has just opened: the window from its first byte
 * after the '{'. False when the reader is not there (or is copying what
 * it reads). */
static inline bool jr_object_window(const struct jr *r, const uint8_t **p, const uint8_t **end)
{
	const struct rd *rd = r->rd;

	if (r->tee || !r->depth || r->st[r->depth - 1].kind != '{' || !r->st[r->depth - 1].first)
		return false;
	*p = rd->buf + rd->off;
	*end = rd->buf + rd->len;
	return true;
}

/* Input matched in place up to p, whose text held lines newlines, the
 * last just before line_start (NULL when lines is 0): consume it. */
static inline void jr_take(struct jr *r, const uint8_t *p, uint32_t lines, const uint8_t *line_start)
{
	struct rd *rd = r->rd;

	r->line = sat_add(r->line, lines);
	if (line_start)
		r->line_start = (int64_t)rd->base + (line_start - rd->buf);
	rd->off = (size_t)(p - rd->buf);
}

/* That object read in place, up to and with its '}' before p: jr_take,
 * and close it. */
static inline void jr_take_object(struct jr *r, const uint8_t *p, uint32_t lines, const uint8_t *line_start)
{
	jr_take(r, p, lines, line_start);
	r->depth--;
}

/* For a run of objects in the innermost array, after an element: the
 * text that came before the last of them, which the next must have too
 * (NULL when there is none to go by), and the window from the reader;
 * *most is cut to the elements the array can still count. */
static inline const struct jr_sep *jr_array_window(const struct jr *r, const uint8_t **p, const uint8_t **end,
						 size_t *most)
{
	const struct jr_sep *s = &r->sep[(unsigned)r->depth % JR_SEPS];
	const struct jr_frame *f = r->depth ? &r->st[r->depth - 1] : NULL;

	if (!f || f->kind != '[' || f->first || s->depth != r->depth || r->tee || r->depth >= JR_MAX_DEPTH ||
	    crit_failed(r->err))
		return NULL;
	if (*most > UINT32_MAX - 1 - f->index)
		*most = UINT32_MAX - 1 - f->index;
	*p = r->rd->buf + r->rd->off;
	*end = r->rd->buf + r->rd->len;
	return s;
}

/* n more elements of that array read in place, up to p: jr_take, and
 * count them. */
static inline void jr_take_elements(struct jr *r, const uint8_t *p, uint32_t n, uint32_t lines, const uint8_t *line_start)
{
	struct jr_frame *f = &r->st[r->depth - 1];

	jr_take(r, p, lines, line_start);
	f->index += n;
	f->inside = true;
}

/* Inside the innermost open array: true when another element follows
 * (read it with jr_next); false at the closing ']', which closes the
 * array, or on an error. */
bool jr_element(struct jr *r);

/* jr_element, then jr_next: true with the element's type in *t (an object
 * opened, as jr_next does); false at the closing ']' or on an error. */
bool jr_element_next(struct jr *r, int *t);

/* The next value, whole, checked and dropped. */
bool jr_skip(struct jr *r);

/* The next value, whole, checked and its text appended to into (white
 * space before it excluded); *at is where it started. */
bool jr_copy(struct jr *r, struct buf *into, struct jr_pos *at);

/* Only white space may follow; r->at is then where the input ends. */
bool jr_end(struct jr *r);

/* Report an error at the value or member name read last, or at a place
 * saved from r->at before: "PATH: message" at its line:col, where PATH is
 * where the reader is now. */
bool jr_fail(struct jr *r, enum crit_code code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool jr_fail_pos(struct jr *r, struct jr_pos at, enum crit_code code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The path where the reader is now, for messages ("" at the top). */
void jr_path(const struct jr *r, char *out, size_t size);

#endif
