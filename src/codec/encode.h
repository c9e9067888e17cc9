/* encode.h - what the encoder's stages share: JSON values to protobuf. */
#ifndef CRIT_ENCODE_H
#define CRIT_ENCODE_H

#include "base/io.h"
#include "codec/pretty.h"
#include "format/wire.h"
#include "json/jsonread.h"
#include "json/text.h"

_Static_assert(JR_MAX_DEPTH == 2 * MSG_MAX_DEPTH + 2, "encode reads what decode writes, and no deeper");

#define ENC_SEEN 1024 /* a power of two */

/* A member of a message being encoded: where its bytes start in out. */
struct member_at {
	uint32_t key;  /* field number << 1, | 1 for a raw "#<number>" */
	uint32_t order; /* in the document */
	const struct crit_field *f;
	size_t start, len;
	uint64_t bits; /* a number's wire value, as enc_hook.got takes it */
};

#define ENC_SHAPES 16 /* shapes kept, a power of two */
struct shape;

struct enc {
	struct jr *jr;
	struct buf *out; /* where the message goes */
	struct crit_err *err;
	struct member_at *spans; /* of the members of every open message */
	size_t nspans, capspans;
	struct buf tmp;  /* members being put in order */
	int depth;
	const char *map_name;        /* the flags map looked up last */
	const struct flags_map *map; /* and what it is */
	/* The member that followed a field (or began a message) last time:
	 * the next member's likely name, as entries repeat their shape. */
	struct {
		const void *after;
		const struct crit_field *f;
	} seen[ENC_SEEN];
	/* The shapes of the last objects read the general way (shape.c). */
	struct shape *shapes[ENC_SHAPES];
};

/* What an entry of an image has besides its fields. */
struct enc_hook {
	const char *key;                       /* a member that is no field ("extra"), or NULL */
	bool (*read)(struct enc *e, void *ctx); /* reads that member's value with e->jr */
	void *ctx;
	const char *want[2]; /* number fields whose values the caller needs */
	uint64_t got[2];     /* their values, 0 when absent */
};

/* The object whose '{' jr_next has just read, as message m appended to
 * e->out, its fields in field-number order. */
bool enc_object(struct enc *e, const struct crit_msg *m, struct enc_hook *hook);

/* The string jr_next has just read, as base64 (with or without the
 * newlines of base64.encodebytes) decoded into b. */
bool enc_base64(struct enc *e, struct buf *b, const char *what);

/* Out of memory, or past what encode holds: the error, recorded. */
static inline bool enc_nomem(struct enc *e)
{
	return jr_fail(e->jr, buf_code(), "%s encoding an entry", buf_why());
}

/* A length-delimited value of field num starts in e->out: its tag and a
 * one-byte length, which enc_end_len fixes; *start: where its bytes go. */
static inline bool enc_begin_len(struct enc *e, uint32_t num, size_t *start)
{
	if (!buf_reserve(e->out, 11))
		return enc_nomem(e);
	e->out->n += wire_put_varint(e->out->p + e->out->n, (uint64_t)num << 3 | WT_LEN);
	e->out->p[e->out->n++] = 0;
	*start = e->out->n;
	return true;
}

/* The bytes since start get their length in front; a length past one
 * byte makes them slide up, which is rare and costs one move. */
static inline bool enc_end_len(struct enc *e, size_t start)
{
	size_t len = e->out->n - start, k = wire_varint_size(len);

	if (k > 1) {
		if (!buf_reserve(e->out, k - 1))
			return enc_nomem(e);
		memmove(e->out->p + start + k - 1, e->out->p + start, len);
		e->out->n += k - 1;
	}
	wire_put_varint(e->out->p + start - 1, len);
	return true;
}


/* The object jr_next has just opened, when it is shaped as one of the
 * last objects of m read the general way, the quick way (shape.c):
 * written to e->out, closed, and true. False with nothing read or
 * written. */
bool shape_put(struct enc *e, const struct crit_msg *m, struct enc_hook *hook);

/* In an array of objects of m, after an element: the objects that follow,
 * each after the same text as the element before the last and shaped as
 * before, up to most of them, appended to e->out each with its frame: f's
 * tag and the length, or with no f a 4-byte length (an image's entries).
 * How many; nothing of the first that is not so is read or written. */
size_t shape_run(struct enc *e, const struct crit_msg *m, const struct crit_field *f, size_t most);

/* The object of m just read the general way, whose text began at input
 * offset from and whose members are spans[base...]: keep its shape. */
void shape_learn(struct enc *e, const struct crit_msg *m, size_t base, uint64_t from);

void shape_free(struct enc *e);

/* A number jr_next has just read that is a whole number from 0 to 2^64 - 1. */
bool enc_uint(struct enc *e, uint64_t *value);

void enc_free(struct enc *e);

#endif
