/* encode.h - what the encoder's stages share: JSON values to protobuf. */
#ifndef CRIT_ENCODE_H
#define CRIT_ENCODE_H

#include "internal.h"
#include "jsonread.h"

/* A growing byte buffer for one entry's message. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};

bool buf_reserve(struct buf *b, size_t more);

struct enc {
	struct buf *out;
	struct crit_err *err;
	int depth;
	char path[JR_MAX_PATH]; /* of the value being encoded: "entries[3].tcp" */
	size_t pathlen;
};

/* The members of obj as the fields of message m, appended to e->out in
 * field-number order; a member named skip (the entry's "extra") is left
 * to the caller. */
bool enc_fields(struct enc *e, const struct crit_msg *m, const struct jv *obj, const char *skip);

/* One number-like field value as protobuf carries it (what sizes a payload). */
bool enc_scalar(struct enc *e, const struct crit_field *f, const struct jv *v, uint64_t *value);
/* A JSON number that is a whole number from 0 to 2^64 - 1. */
bool enc_uint(const struct jv *v, uint64_t *value);
/* base64, with or without newlines, appended to e->out. */
bool enc_base64(struct enc *e, const struct jv *v, const char *what);

#endif
