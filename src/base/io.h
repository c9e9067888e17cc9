/*
 * io.h - bytes in and out: the bounded, forward-only input window (rd),
 * growing buffers (buf) and the buffered output (out).
 */
#ifndef CRIT_IO_H
#define CRIT_IO_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/err.h"

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
/* An out with a buffer of its own (64 KiB), as a report or a stream of
 * records wants; false, said in err, when there is no memory for it. */
bool out_alloc(struct out *o, const struct crit_sink *sink, struct crit_err *err);
/* An out_alloc's end: flushed if ok so far, its buffer freed; whether
 * everything went out. */
bool out_free(struct out *o, bool ok);
/* Write out the buffer. */
bool out_flush(struct out *o);
/* n zero bytes: skipped where the sink can (a hole), else written. */
bool out_zeros(struct out *o, uint64_t n);
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

static inline uint64_t round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) / to * to;
}

#endif
