/*
 * keyed.h - sorted (key, index) pairs: entries looked up by a key with a
 * binary search, not a walk; equal keys keep their order, so the first is
 * the one found first (as Python CRIT's walks find it).
 */
#ifndef CRIT_KEYED_H
#define CRIT_KEYED_H

#include <stddef.h>
#include <stdint.h>

struct keyed {
	uint64_t key;
	size_t i; /* the entry's index */
};

/* Sort v[0, n) by key, then by index. */
void keyed_sort(struct keyed *v, size_t n);
/* The first of v[0, n) with this key, or n. */
size_t keyed_first(const struct keyed *v, size_t n, uint64_t key);

#endif
