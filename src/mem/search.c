/*
 * search.c - every match of a pattern in a task's memory, read once, in
 * order, through a window of bounded size.
 *
 * The bytes the checkpoint holds (this dump's pages and the parents') are
 * cut into runs of contiguous addresses; each run streams through one
 * buffer, refilled with pread a megabyte at a time. The bytes a match in
 * progress and its context need stay in the buffer across refills, so a
 * match may span pages and pagemap entries, never a gap. A fixed string
 * is found with memmem; a regex with regexec, on the text between NULs.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>

#include "mem/mem.h"

#define SCAN_FILL ((size_t)1 << 20)
/* the longest regex match: a longer one is cut */
#define REGEX_MAX ((size_t)4 << 10)
#define SCAN_CAP (SCAN_FILL + 2 * CRIT_SEARCH_MAX_CONTEXT + CRIT_SEARCH_MAX_PATTERN + 2 * REGEX_MAX)

struct scan {
	struct crit_memory *m;
	const struct crit_search_opts *o;
	bool (*fn)(void *ctx, const struct crit_mem_match *mt);
	void *ctx;
	struct crit_err *err;
	uint8_t *buf, *fold; /* SCAN_CAP + 1 bytes each (fold: -i only) */
	uint8_t *pat;        /* the pattern, folded for -i */
	regex_t re;
	size_t n, s;         /* buf[0, n) holds the run from base; a match may start from s */
	uint64_t base, run;  /* the address of buf[0]; of the run's first byte */
	bool nul_before;     /* the byte before buf[0] is a NUL */
	bool stop;
};

/* ASCII letters in one case, for -i */
static inline uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c | 0x20) : c;
}

static const uint8_t *scan_buf(const struct scan *sc)
{
	return sc->o->icase && !sc->o->regex ? sc->fold : sc->buf;
}

/* Report buf[p, e): false when the caller said stop. */
static bool report(struct scan *sc, size_t p, size_t e)
{
	size_t ctx = sc->o->context;
	size_t b = p > ctx ? p - ctx : 0;
	size_t a = sc->n - e > ctx ? e + ctx : sc->n;
	uint64_t addr = sc->base + p, vs = 0, ve = 0;

	mem_vma(sc->m, mem_vma_find(sc->m, addr), &vs, &ve);
	struct crit_mem_match mt = { addr, sc->buf + p, e - p, sc->buf + b, sc->buf + e, p - b, a - e, vs, ve };
	if (!sc->fn(sc->ctx, &mt))
		sc->stop = true;
	mem_err(sc->m, sc->err); /* fn may have used the memory with an err of its own */
	return !sc->stop;
}

/* Fixed strings: every match that the buffer holds with its context (or
 * all of them, at the run's end). */
static void scan_fixed(struct scan *sc, bool last)
{
	const uint8_t *h = scan_buf(sc);
	size_t pn = sc->o->n, ctx = sc->o->context;

	if (sc->o->icase)
		for (size_t i = sc->s; i < sc->n; i++)
			sc->fold[i] = lower(sc->buf[i]);
	while (!sc->stop && sc->n - sc->s >= pn) {
		const uint8_t *f = memmem(h + sc->s, sc->n - sc->s, sc->pat, pn);
		if (!f)
			break;
		size_t p = (size_t)(f - h);
		if (!last && sc->n - p - pn < ctx) {
			sc->s = p; /* its context is still to come */
			return;
		}
		report(sc, p, p + pn);
		sc->s = p + pn;
	}
	if (last || sc->n - sc->s < pn)
		sc->s = last ? sc->n : sc->s;
	else
		sc->s = sc->n - pn + 1;
}

/* Is buf[s] at the start of a string (after a NUL, or the run's start)? */
static bool at_bol(const struct scan *sc)
{
	if (sc->s)
		return sc->buf[sc->s - 1] == 0;
	return sc->base == sc->run || sc->nul_before;
}

/* Regexes: each string between NULs that the buffer holds whole. */
static void scan_regex(struct scan *sc, bool last)
{
	while (!sc->stop) {
		while (sc->s < sc->n && !sc->buf[sc->s])
			sc->s++;
		if (sc->s == sc->n)
			return;
		uint8_t *nul = memchr(sc->buf + sc->s, 0, sc->n - sc->s);
		size_t b = nul ? (size_t)(nul - sc->buf) : sc->n;
		bool cut = !nul && !last; /* the string goes on past the buffer */
		if (cut && sc->n - sc->s < SCAN_FILL)
			return; /* wait for the rest of it */
		size_t limit = cut ? sc->n - REGEX_MAX : b; /* matches start before it */
		uint8_t keep = sc->buf[b];
		regmatch_t rm;
		sc->buf[b] = 0;
		int r = regexec(&sc->re, (const char *)sc->buf + sc->s, 1, &rm,
				(at_bol(sc) ? 0 : REG_NOTBOL) | (cut ? REG_NOTEOL : 0));
		sc->buf[b] = keep;
		if (r != 0 || sc->s + (size_t)rm.rm_so >= limit) {
			sc->s = cut ? limit : b;
			if (cut)
				return;
			continue;
		}
		size_t p = sc->s + (size_t)rm.rm_so, e = sc->s + (size_t)rm.rm_eo;
		if (e == p) { /* an empty match: none */
			sc->s = p + 1;
			continue;
		}
		if (!last && sc->n - e < sc->o->context && sc->n - sc->s < SCAN_FILL)
			return; /* its context is still to come */
		report(sc, p, e);
		sc->s = e;
	}
}

static void scan(struct scan *sc, bool last)
{
	if (sc->o->regex)
		scan_regex(sc, last);
	else
		scan_fixed(sc, last);
}

/* Drop what no match to come needs: all but the context before s. */
static void shift(struct scan *sc)
{
	size_t ctx = sc->o->context;
	size_t drop = sc->s > ctx ? sc->s - ctx : 0;

	if (!drop)
		return;
	sc->nul_before = sc->buf[drop - 1] == 0;
	memmove(sc->buf, sc->buf + drop, sc->n - drop);
	sc->n -= drop;
	sc->s -= drop;
	sc->base += drop;
}

/* The run ends: its last matches. */
static void run_end(struct scan *sc)
{
	if (sc->n)
		scan(sc, true);
	sc->n = sc->s = 0;
}

/* The held bytes [a, end) from src, after what the buffer holds. */
static bool feed(struct scan *sc, uint64_t a, uint64_t end, struct page_src src)
{
	if (sc->n && sc->base + sc->n != a)
		run_end(sc);
	if (!sc->n) {
		sc->base = sc->run = a;
		sc->s = 0;
		sc->nul_before = false;
	}
	while (a < end && !sc->stop) {
		if (sc->n >= SCAN_FILL) {
			scan(sc, false);
			shift(sc);
		}
		size_t room = SCAN_CAP - sc->n;
		size_t k = end - a < room ? (size_t)(end - a) : room;
		if (!src_read(&src, sc->buf + sc->n, k, sc->err))
			return false;
		src.off += k;
		sc->n += k;
		a += k;
	}
	return true;
}

static bool search(struct scan *sc)
{
	size_t nv = mem_nvmas(sc->m);

	for (size_t i = 0; i < nv && !sc->stop; i++) {
		uint64_t start, end;
		struct crit_mem_span sp;
		struct page_src src;
		mem_vma(sc->m, i, &start, &end);
		for (uint64_t a = start; a < end && !sc->stop; a = sp.end) {
			if (!mem_locate(sc->m, a, end, &sp, &src))
				return false;
			if (src.kind == SRC_FILE && !feed(sc, a, sp.end, src))
				return false;
		}
	}
	if (!sc->stop)
		run_end(sc);
	return true;
}

bool crit_memory_search(struct crit_memory *m, const struct crit_search_opts *o,
			bool (*fn)(void *ctx, const struct crit_mem_match *mt), void *ctx, struct crit_err *err)
{
	struct scan sc = { .m = m, .o = o, .fn = fn, .ctx = ctx, .err = err };
	bool ok = false;

	mem_begin(m, err);
	if (!o || !o->pattern || !o->n || o->n > CRIT_SEARCH_MAX_PATTERN || o->context > CRIT_SEARCH_MAX_CONTEXT)
		return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "a pattern of 1 to %zu bytes, a context of at most %zu",
				 CRIT_SEARCH_MAX_PATTERN, CRIT_SEARCH_MAX_CONTEXT);
	sc.pat = malloc(o->n + 1);
	sc.buf = malloc(SCAN_CAP + 1);
	sc.fold = o->icase && !o->regex ? malloc(SCAN_CAP + 1) : NULL;
	if (!sc.pat || !sc.buf || (o->icase && !o->regex && !sc.fold)) {
		crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		goto out;
	}
	memcpy(sc.pat, o->pattern, o->n);
	sc.pat[o->n] = 0;
	if (o->regex) {
		char msg[256];
		int r = memchr(sc.pat, 0, o->n) ? REG_BADPAT
						: regcomp(&sc.re, (const char *)sc.pat, REG_EXTENDED | (o->icase ? REG_ICASE : 0));
		if (r) {
			if (memchr(sc.pat, 0, o->n))
				snprintf(msg, sizeof(msg), "a NUL byte in it");
			else
				regerror(r, &sc.re, msg, sizeof(msg));
			crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "bad regular expression: %s", msg);
			goto out;
		}
	} else if (o->icase) {
		for (size_t i = 0; i < o->n; i++)
			sc.pat[i] = lower(sc.pat[i]);
	}
	ok = search(&sc);
	if (o->regex)
		regfree(&sc.re);
out:
	free(sc.pat);
	free(sc.buf);
	free(sc.fold);
	return ok;
}
