/*
 * decode.h - one protobuf message to JSON, guided by the tables: in place
 * from the input window, or streamed when it is larger.
 */
#ifndef CRIT_DECODE_H
#define CRIT_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/io.h"
#include "format/schema.h"
#include "json/json.h"
#include "codec/pretty.h"

/* Decode's JSON goes 2 levels a message deep, 2 more at the top. */
_Static_assert(JW_MAX_DEPTH > 2 * MSG_MAX_DEPTH + 2, "the writer nests as deep as decode needs");
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
/* Decode the len-byte message at the reader into an open JSON object's
 * members; the caller opens and closes the object. */
bool dec_fields(struct dec *d, const struct crit_msg *m, uint64_t len);

#endif
