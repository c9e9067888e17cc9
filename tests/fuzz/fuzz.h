/*
 * fuzz.h - what the fuzz targets share.
 *
 * Each target is one file defining LLVMFuzzerTestOneInput. `make fuzz`
 * links it with libFuzzer (and ASan, UBSan); replay.c gives it a plain
 * main() that `make check` runs over the committed corpus and regression
 * inputs. A broken invariant aborts, which both report as a crash.
 */
#ifndef CRIT_FUZZ_H
#define CRIT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_ASSERT(cond, ...)                                                      \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);                             \
			fputc('\n', stderr);                                      \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* Output kept in memory; the caller frees p. */
struct fz_buf {
	uint8_t *p;
	size_t n, cap;
};

static inline bool fz_write(void *ctx, const void *s, size_t n)
{
	struct fz_buf *b = ctx;

	if (n > b->cap - b->n) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap - b->n < n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	return true;
}

static inline bool fz_drop(void *ctx, const void *s, size_t n)
{
	(void)ctx, (void)s, (void)n;
	return true;
}

static inline bool fz_skip(void *ctx, uint64_t n)
{
	(void)ctx, (void)n;
	return true;
}

static inline struct crit_sink fz_sink(struct fz_buf *b)
{
	return b ? (struct crit_sink){ fz_write, b, NULL } : (struct crit_sink){ fz_drop, NULL, fz_skip };
}

static inline struct crit_source fz_source(const void *data, size_t size)
{
	return (struct crit_source){ .kind = CRIT_SOURCE_BUFFER, .data = data, .size = size };
}

/* A failure is a real error: a code and a message, at a place inside the
 * input (an offset up to its size, or a line and column in JSON). */
static inline void fz_check_err(const struct crit_err *err, size_t size, bool json)
{
	FZ_ASSERT(err->code != CRIT_OK, "failed without an error code");
	FZ_ASSERT(err->msg[0], "error %d without a message", (int)err->code);
	if (json)
		FZ_ASSERT(err->line >= 1 && err->col >= 1, "JSON error without line:col: %s", err->msg);
	else
		FZ_ASSERT(err->pos <= size, "error offset %llu past the %zu-byte input: %s",
			  (unsigned long long)err->pos, size, err->msg);
}

/* The first offset where a and b differ. */
static inline size_t fz_diff_at(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
	size_t i = 0;

	while (i < na && i < nb && a[i] == b[i])
		i++;
	return i;
}

#endif
