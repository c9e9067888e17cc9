/* io.c - bounded, forward-only input and buffered output. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"

/* ------------------------------------------------------------------ */
/* Reading ahead                                                        */
/* ------------------------------------------------------------------ */

/* A large file is read a window ahead by a second thread, so that copying
 * it out of the page cache overlaps the work on the window before. The
 * thread preads the next window into a spare buffer, after AHEAD_ROOM
 * bytes where the unconsumed end of the current one is put; then the two
 * buffers change places. */
#define AHEAD_ROOM ((size_t)64 << 10)

struct rd_ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int fd;
	uint8_t *spare;  /* AHEAD_ROOM + the window, like buf */
	size_t size;     /* bytes a job reads, at most */
	uint64_t pos;    /* the file offset the job reads from */
	ssize_t got;     /* what it read: bytes, 0 at the end, -1 (err) */
	int err;
	bool busy;       /* a job is asked for and not done */
	bool quit;
};

static void *ahead_run(void *arg)
{
	struct rd_ahead *a = arg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->busy && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->quit)
			break;
		uint64_t pos = a->pos;
		pthread_mutex_unlock(&a->mu);
		ssize_t got;
		do
			got = pread(a->fd, a->spare + AHEAD_ROOM, a->size, (off_t)pos);
		while (got < 0 && errno == EINTR);
		int err = got < 0 ? errno : 0;
		pthread_mutex_lock(&a->mu);
		a->got = got;
		a->err = err;
		a->busy = false;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

/* The job: read the window after r->next. */
static void ahead_ask(struct rd *r)
{
	struct rd_ahead *a = r->ahead;

	pthread_mutex_lock(&a->mu);
	a->pos = r->next;
	a->busy = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void ahead_wait(struct rd_ahead *a)
{
	pthread_mutex_lock(&a->mu);
	while (a->busy)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

/* A thread for r, a regular file of size bytes, if what is left of it
 * from the file offset is worth it and a thread can be had. */
static void ahead_start(struct rd *r, uint64_t size)
{
	off_t at = lseek(r->fd, 0, SEEK_CUR);
	struct rd_ahead *a;

	if (at < 0 || size < (uint64_t)at + RD_AHEAD_MIN || !(a = calloc(1, sizeof(*a))))
		return;
	a->fd = r->fd;
	a->size = r->cap - AHEAD_ROOM;
	a->spare = huge_alloc(r->cap, NULL);
	/* the thread takes no signal: they stay the caller's */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	bool ok = a->spare && pthread_mutex_init(&a->mu, NULL) == 0;
	ok = ok && (pthread_cond_init(&a->cv, NULL) == 0 || (pthread_mutex_destroy(&a->mu), false));
	ok = ok && (pthread_create(&a->thread, NULL, ahead_run, a) == 0 ||
		    (pthread_cond_destroy(&a->cv), pthread_mutex_destroy(&a->mu), false));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ok) {
		free(a->spare);
		free(a);
		return;
	}
	a->pos = UINT64_MAX; /* no job yet: the first window is read here */
	r->ahead = a;
	r->next = (uint64_t)at;
}

static void ahead_stop(struct rd *r)
{
	struct rd_ahead *a = r->ahead;

	pthread_mutex_lock(&a->mu);
	a->quit = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a->spare);
	free(a);
	r->ahead = NULL;
	lseek(r->fd, (off_t)r->next, SEEK_SET); /* where reading stopped, as read() leaves it */
}

/* More input after buf[len), from the thread's window when the unconsumed
 * bytes fit before it (the buffers change places), else read here. */
static void ahead_more(struct rd *r)
{
	struct rd_ahead *a = r->ahead;
	size_t left = r->len - r->off;
	ssize_t got;

	ahead_wait(a);
	if (a->pos == r->next && left <= AHEAD_ROOM && rd_pos(r) >= AHEAD_ROOM - left) {
		errno = a->err;
		if ((got = a->got) > 0) {
			uint8_t *old = r->buf;
			memcpy(a->spare + AHEAD_ROOM - left, old + r->off, left);
			r->base = rd_pos(r) - (AHEAD_ROOM - left);
			r->buf = a->spare;
			a->spare = old;
			r->off = AHEAD_ROOM - left;
			r->len = AHEAD_ROOM;
			r->kept = rd_pos(r);
		}
	} else {
		do
			got = pread(r->fd, r->buf + r->len, r->cap - r->len, (off_t)r->next);
		while (got < 0 && errno == EINTR);
	}
	if (got < 0) {
		crit_fail(r->err, CRIT_E_IO, r->base + r->len, "read failed: %s", strerror(errno));
		r->eof = true;
		return;
	}
	r->eof = got == 0;
	r->len += (size_t)got;
	r->next += (uint64_t)got;
	if (!r->eof)
		ahead_ask(r);
}

/* ------------------------------------------------------------------ */
/* Input                                                                */
/* ------------------------------------------------------------------ */

static bool rd_init(struct rd *r, const struct crit_source *src, bool may_read_ahead, struct crit_err *err)
{
	memset(r, 0, sizeof(*r));
	r->err = err;
	r->fd = -1;
	switch (src->kind) {
	case CRIT_SOURCE_BUFFER:
		if (!src->data && src->size)
			return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "a buffer source of %zu bytes at NULL",
					 src->size);
		r->buf = (uint8_t *)src->data; /* never written through */
		r->cap = r->len = src->size;
		r->eof = true;
		return true;
	case CRIT_SOURCE_FD:
		r->fd = src->fd;
		break;
	case CRIT_SOURCE_PATH:
		r->fd = src->path ? open(src->path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : -1;
		if (r->fd < 0)
			return crit_fail(err, CRIT_E_IO, CRIT_NOPOS, "cannot open %s: %s",
					 src->path ? src->path : "(null)", src->path ? strerror(errno) : "no path");
		r->own_fd = true;
		break;
	default: /* a zeroed source must not quietly read stdin */
		return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS,
				 "a crit_source needs its kind: CRIT_SOURCE_FD, _BUFFER or _PATH");
	}
	struct stat st;
	bool file = fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode);
	/* A bit more than a window, so a whole window fits after a partial
	 * tag or length left over from the previous fill; room before it when
	 * the file is read ahead. */
	bool ahead = may_read_ahead && file && (uint64_t)st.st_size >= RD_AHEAD_MIN;
	r->cap = (ahead ? AHEAD_ROOM : 0) + CRIT_WINDOW + 64;
	/* a file that fills the window fills all its pages: take them at once */
	bool fills = file && (uint64_t)st.st_size >= r->cap;
	r->buf = fills ? huge_alloc(r->cap, NULL) : malloc(r->cap);
	if (!r->buf) {
		rd_close(r);
		return crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	}
	r->owned = true;
	if (ahead)
		ahead_start(r, (uint64_t)st.st_size);
	return true;
}

bool rd_open(struct rd *r, const struct crit_source *src, struct crit_err *err)
{
	return rd_init(r, src, false, err);
}

bool rd_open_ahead(struct rd *r, const struct crit_source *src, struct crit_err *err)
{
	return rd_init(r, src, true, err);
}

void rd_close(struct rd *r)
{
	if (r->ahead)
		ahead_stop(r);
	if (r->owned)
		free(r->buf);
	if (r->own_fd)
		close(r->fd);
	r->own_fd = false;
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
		r->kept = r->base;
	}
	while (r->len - r->off < n && !r->eof) {
		if (r->ahead) {
			ahead_more(r);
			continue;
		}
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
	o->escape = false;
}

#define OUT_ALLOC ((size_t)64 << 10)

bool out_alloc(struct out *o, const struct crit_sink *sink, struct crit_err *err)
{
	uint8_t *buf = malloc(OUT_ALLOC);

	out_init(o, sink, err, buf, buf ? OUT_ALLOC : 0);
	return buf || crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
}

bool out_free(struct out *o, bool ok)
{
	ok = ok && out_flush(o);
	free(o->buf);
	o->buf = NULL;
	o->cap = o->n = 0;
	return ok;
}

/* Bytes to the sink (none: they are dropped), unless an error came first. */
static bool emit(struct out *o, const void *p, size_t n)
{
	if (!o->sink || !n || crit_failed(o->err))
		return !crit_failed(o->err);
	if (!o->sink->write(o->sink->ctx, p, n))
		return crit_fail(o->err, CRIT_E_WRITE, CRIT_NOPOS, "write failed: %s", strerror(errno));
	return true;
}

bool out_flush(struct out *o)
{
	size_t n = o->n;

	o->n = 0;
	return emit(o, o->buf, n);
}

bool out_zeros(struct out *o, uint64_t n)
{
	static const uint8_t zeros[4096];

	if (o->sink && o->sink->skip) {
		if (!out_flush(o))
			return false;
		if (n && !crit_failed(o->err) && !o->sink->skip(o->sink->ctx, n))
			return crit_fail(o->err, CRIT_E_WRITE, CRIT_NOPOS, "write failed: %s", strerror(errno));
		return !crit_failed(o->err);
	}
	for (; n && !crit_failed(o->err); n -= n < sizeof(zeros) ? n : sizeof(zeros))
		out_put(o, zeros, n < sizeof(zeros) ? (size_t)n : sizeof(zeros));
	return !crit_failed(o->err);
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
