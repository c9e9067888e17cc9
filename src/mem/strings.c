/*
 * strings.c - the command line and the environment of a task: the
 * NUL-separated strings between mm_arg_start and mm_arg_end (and the
 * env's), read a piece at a time.
 */
#include <stdlib.h>

#include "mem/mem.h"

bool mem_strings_held(struct crit_memory *m, uint64_t start, uint64_t end, struct crit_err *err)
{
	mem_begin(m, err);
	if (end < start)
		return crit_fail(err, CRIT_E_LIMIT, CRIT_NOPOS, "the strings end at 0x%llx, before their start 0x%llx",
				 (unsigned long long)end, (unsigned long long)start);
	if (end - start > CRIT_MEM_MAX_STRINGS)
		return crit_fail(err, CRIT_E_LIMIT, CRIT_NOPOS, "%llu bytes of strings at 0x%llx, more than %llu MiB",
				 (unsigned long long)(end - start), (unsigned long long)start,
				 (unsigned long long)(CRIT_MEM_MAX_STRINGS >> 20));
	return mem_held(m, start, end);
}

bool crit_memory_strings(struct crit_memory *m, uint64_t start, uint64_t end,
			 bool (*fn)(void *ctx, const void *s, size_t n, bool more), void *ctx, struct crit_err *err)
{
	size_t cap = CRIT_MEM_MAX_STRING, n = 0;

	if (!mem_strings_held(m, start, end, err)) /* all there, or nothing is said */
		return false;
	/* buf[0, n) is the string so far; the next piece is read after it */
	uint8_t *buf = malloc(end - start < cap ? (size_t)(end - start) + 1 : 2 * cap); /* most are small */
	if (!buf)
		return crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	bool ok = true, go = true;
	for (uint64_t a = start; ok && go && a < end;) {
		size_t k = end - a < cap ? (size_t)(end - a) : cap;
		ok = crit_memory_read(m, a, buf + n, k, false, NULL, NULL, err);
		a += k;
		size_t len = n + k, from = n, p = 0; /* old bytes hold no NUL */
		for (uint8_t *z; ok && go && (z = memchr(buf + from, 0, len - from)); from = p) {
			go = fn(ctx, buf + p, (size_t)(z - buf) - p, false);
			mem_err(m, err); /* fn may have used m with an err of its own */
			p = (size_t)(z - buf) + 1;
		}
		n = len - p;
		memmove(buf, buf + p, n);
		if (ok && go && n >= cap) { /* a string longer than cap: this piece now */
			go = fn(ctx, buf, n, true);
			mem_err(m, err);
			n = 0;
		}
	}
	if (ok && go && n)
		fn(ctx, buf, n, false);
	free(buf);
	return ok;
}
