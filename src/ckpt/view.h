/*
 * view.h - the fields of one protobuf message read in place, by name.
 *
 * The explorers look at a few fields of many messages; a view finds them
 * in the message's bytes with the tables, without decoding the rest. The
 * bytes are untrusted: a walk that meets malformed data records the error
 * (the first one is kept) and the lookup fails.
 */
#ifndef CRIT_VIEW_H
#define CRIT_VIEW_H

#include "base/err.h"
#include "format/schema.h"

/* Where a view's bytes come from: an image read whole. */
struct view_src {
	const char *file;     /* named in errors */
	const uint8_t *base;  /* offsets in errors are from here */
	struct crit_err *err;
};

struct view {
	const uint8_t *p, *end;
	const struct crit_msg *m;
	const struct view_src *src;
};

/* A number field's last value: unsigned as written, or signed for the
 * signed types (two's complement in the uint64_t). False when absent. */
bool view_uint(const struct view *v, const char *field, uint64_t *out);
bool view_int(const struct view *v, const char *field, int64_t *out);
/* A number field, or dflt when absent. */
uint64_t view_uint_or(const struct view *v, const char *field, uint64_t dflt);

/* Up to VIEW_MAX_UINTS number fields read in one walk of a message
 * (view_read); their names are looked up in its table once, and again
 * only for a message of another type. */
#define VIEW_MAX_UINTS 16

#define VIEW_DIRECT 64 /* field numbers below it are looked up directly */
struct view_fields {
	const char *const *names;
	size_t n;
	const struct crit_msg *m; /* what f was looked up in */
	const struct crit_field *f[VIEW_MAX_UINTS];
	uint8_t slot[VIEW_DIRECT]; /* field number -> 1 + i of names[i], or 0 */
};

/* Each field's last value into out[i] (left as it is when absent).
 * Returns which were there, bit i for names[i]. */
uint32_t view_read(const struct view *v, struct view_fields *fs, uint64_t *out);

/* A string or bytes field's last value, in place. */
bool view_bytes(const struct view *v, const char *field, const uint8_t **p, size_t *n);

/* A message field's last value. */
bool view_msg(const struct view *v, const char *field, struct view *sub);

/* The message that holds the field at a dot-separated path of message
 * fields ("gpregs.r15") in v, and the path's last component in *last. */
bool view_walk(const struct view *v, const char *path, struct view *dir, const char **last);

/* Value n of the number field at path (a repeated field's n-th), or 0. */
uint64_t view_path_uint(const struct view *v, const char *path, size_t n);

/* The values of a repeated field, in order: numbers (packed or not) or
 * messages. */
struct view_iter {
	const struct view *v;
	const struct crit_field *f;
	const uint8_t *p;          /* where the walk of v goes on */
	const uint8_t *pk, *pkend; /* inside a packed run */
};

void view_iter(struct view_iter *it, const struct view *v, const char *field);
bool view_next_uint(struct view_iter *it, uint64_t *out);
bool view_next_msg(struct view_iter *it, struct view *sub);

/* Record an error at p (in v's source); returns false. */
bool view_fail(const struct view *v, const uint8_t *p, enum crit_code code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
