/* io.c - bounded, forward-only input and buffered output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* Input                                                                */
/* ------------------------------------------------------------------ */

bool rd_open(struct rd *r, const struct crit_source *src, struct crit_err *err)
{
	memset(r, 0, sizeof(*r));
	r->err = err;
	if (src->data) {
		r->fd = -1;
		r->buf = (uint8_t *)src->data; /* never written through */
		r->cap = r->len = src->size;
		r->eof = true;
		return true;
	}
	r->fd = src->fd;
	/* A bit more than a window, so a whole window fits after a partial
	 * tag or length left over from the previous fill. */
	r->cap = CRIT_WINDOW + 64;
	/* a file that fills the window fills all its pages: take them at once */
	struct stat st;
	bool fills = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size >= r->cap;
	r->buf = fills ? huge_alloc(r->cap, NULL) : malloc(r->cap);
	if (!r->buf)
		return crit_fail(err, CRIT_E_NOMEM, 0, "out of memory");
	r->owned = true;
	return true;
}

void rd_close(struct rd *r)
{
	if (r->owned)
		free(r->buf);
	r->buf = NULL;
}

/* rd_fill and rd_need (internal.h) when the bytes are not there yet. */
size_t rd_fill_slow(struct rd *r, size_t n)
{
	if (r->len - r->off >= n || r->eof)
		return r->len - r->off < n ? r->len - r->off : n;
	if (n > r->cap - r->off) {
		/* Slide the unconsumed bytes to the front to make room. */
		memmove(r->buf, r->buf + r->off, r->len - r->off);
		r->base += r->off;
		r->len -= r->off;
		r->off = 0;
	}
	while (r->len - r->off < n && !r->eof) {
		ssize_t got = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			crit_fail(r->err, CRIT_E_IO, r->base + r->len, "read failed: %s", strerror(errno));
			r->eof = true;
			break;
		}
		if (got == 0)
			r->eof = true;
		r->len += (size_t)got;
	}
	return r->len - r->off < n ? r->len - r->off : n;
}

bool rd_need_slow(struct rd *r, size_t n, const char *what)
{
	if (rd_fill_slow(r, n) == n)
		return true;
	return crit_fail(r->err, CRIT_E_TRUNCATED, rd_pos(r),
			 "truncated %s: needs %zu bytes, %zu left", what, n, r->len - r->off);
}

bool rd_skip(struct rd *r, uint64_t n, const char *what)
{
	uint64_t start = rd_pos(r), left = n;

	while (left) {
		size_t chunk = left < CRIT_WINDOW ? (size_t)left : CRIT_WINDOW;
		size_t got = rd_fill(r, chunk);
		rd_advance(r, got);
		left -= got;
		if (got < chunk)
			return crit_fail(r->err, CRIT_E_TRUNCATED, start,
					 "truncated %s: needs %llu bytes, %llu left", what,
					 (unsigned long long)n, (unsigned long long)(n - left));
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Large memory                                                         */
/* ------------------------------------------------------------------ */

#define HUGE_PAGE ((size_t)2 << 20)

void *huge_alloc(size_t n, size_t *size)
{
	size_t whole = n <= SIZE_MAX - HUGE_PAGE ? (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1) : 0;
	void *p;

	if (!whole || posix_memalign(&p, HUGE_PAGE, whole))
		return NULL;
	madvise(p, whole, MADV_HUGEPAGE); /* a hint, ignored where there are none */
	if (size)
		*size = whole;
	return p;
}

/* ------------------------------------------------------------------ */
/* Growing buffers                                                      */
/* ------------------------------------------------------------------ */

bool buf_reserve_slow(struct buf *b, size_t more)
{
	_Static_assert(CRIT_MAX_BUF <= SIZE_MAX / 2 + 1, "caps double up to CRIT_MAX_BUF");
	if (more > CRIT_MAX_BUF - b->n) {
		errno = EFBIG;
		return false;
	}
	size_t cap = b->cap ? b->cap : 256; /* powers of two: never past CRIT_MAX_BUF */
	while (cap - b->n < more)
		cap *= 2;
	/* large ones are filled as they grow: their pages taken at once */
	uint8_t *p = cap < BUF_HUGE ? realloc(b->p, cap) : huge_alloc(cap, &cap);
	if (!p) {
		errno = ENOMEM;
		return false;
	}
	if (cap >= BUF_HUGE && b->p) { /* as realloc: all of it, past n too */
		memcpy(p, b->p, b->cap);
		free(b->p);
	}
	b->p = p;
	b->cap = cap;
	return true;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */
/* ------------------------------------------------------------------ */

void out_init(struct out *o, const struct crit_sink *sink, struct crit_err *err, uint8_t *buf, size_t cap)
{
	o->sink = sink;
	o->err = err;
	o->buf = buf;
	o->cap = cap;
	o->n = 0;
}

/* Bytes to the sink (none: they are dropped), unless an error came first. */
static bool emit(struct out *o, const void *p, size_t n)
{
	if (!o->sink || !n || crit_failed(o->err))
		return !crit_failed(o->err);
	if (!o->sink->write(o->sink->ctx, p, n))
		return crit_fail(o->err, CRIT_E_IO, 0, "write failed: %s", strerror(errno));
	return true;
}

bool out_flush(struct out *o)
{
	size_t n = o->n;

	o->n = 0;
	return emit(o, o->buf, n);
}

void out_put_slow(struct out *o, const void *s, size_t n)
{
	const uint8_t *p = s;

	while (n) {
		if (!o->n && n >= o->cap) { /* a buffer's worth or more: as it is */
			emit(o, p, n);
			return;
		}
		size_t room = o->cap - o->n;
		size_t k = n < room ? n : room;
		memcpy(o->buf + o->n, p, k);
		o->n += k;
		p += k;
		n -= k;
		if (o->n == o->cap)
			out_flush(o);
	}
}

void out_printf(struct out *o, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		out_put(o, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
