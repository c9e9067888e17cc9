/* keyed.c - sorted (key, index) pairs (keyed.h). */
#include <stdlib.h>

#include "base/keyed.h"

static int cmp(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

void keyed_sort(struct keyed *v, size_t n)
{
	if (n > 1) /* an empty array may be NULL */
		qsort(v, n, sizeof(*v), cmp);
}

size_t keyed_first(const struct keyed *v, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].key == key ? lo : n;
}
