/*
 * maps.c - the one-to-one maps: each original noted once (in the first
 * pass), then given a made-up replacement that no other original has and
 * that is no original itself, so that the copy holds none of them.
 *
 *   names      n1, n2, ...                 (path components, comm, hosts)
 *   IPv4       240.0.0.1, ...              (240/4: reserved, never assigned)
 *   IPv6       100::1, ...                 (100::/64: the discard prefix)
 *   hardware   02:00:00:00:00:01, ...      (locally administered; as long
 *                                           as the original)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "anonymize/anonymize.h"

static uint64_t hash(const uint8_t *s, size_t n)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211u;
	return h;
}

static size_t slot_of(const struct anon_map *m, const uint8_t *s, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (m->nslots - 1);

	while (m->slots[i]) {
		const struct map_entry *e = &m->v[m->slots[i] - 1];
		if (e->hash == h && e->n == n && memcmp(e->orig, s, n) == 0)
			break;
		i = (i + 1) & (m->nslots - 1);
	}
	return i;
}

const struct map_entry *map_find(const struct anon_map *m, const void *s, size_t n)
{
	if (!m->nslots)
		return NULL;
	size_t i = slot_of(m, s, n, hash(s, n));
	return m->slots[i] ? &m->v[m->slots[i] - 1] : NULL;
}

/* Twice the slots, every entry placed again. */
static bool grow(struct anon_map *m)
{
	size_t ns = m->nslots ? 2 * m->nslots : 64;
	uint32_t *old = m->slots;

	if (ns > UINT32_MAX || !(m->slots = calloc(ns, sizeof(*m->slots)))) {
		m->slots = old;
		return false;
	}
	free(old);
	m->nslots = ns;
	for (size_t k = 0; k < m->n; k++)
		m->slots[slot_of(m, m->v[k].orig, m->v[k].n, m->v[k].hash)] = (uint32_t)(k + 1);
	return true;
}

bool map_note(struct anon_map *m, const void *s, size_t n)
{
	uint64_t h = hash(s, n);

	if (m->nslots && m->slots[slot_of(m, s, n, h)])
		return true; /* seen before */
	if ((m->n + 1) * 2 > m->nslots && !grow(m))
		return false;
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct map_entry *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			return false;
		m->v = v;
		m->cap = cap;
	}
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return false;
	memcpy(copy, s, n);
	m->v[m->n] = (struct map_entry){ .orig = copy, .n = n, .hash = h };
	m->slots[slot_of(m, s, n, h)] = (uint32_t)(m->n + 1);
	m->n++;
	return true;
}

/* The k-th made-up value for an original of n bytes, in out (room for
 * 32 bytes); its length, or 0 when k does not fit in n bytes. */
static size_t made_up(enum map_kind kind, uint64_t k, size_t n, uint8_t *out)
{
	switch (kind) {
	case MAP_NAME:
		return (size_t)snprintf((char *)out, 32, "n%llu", (unsigned long long)k);
	case MAP_IPV4:
		if (k >= (1u << 28))
			return 0;
		for (int i = 0; i < 4; i++)
			out[i] = (uint8_t)((0xf0000000u | k) >> (24 - 8 * i));
		return 4;
	case MAP_IPV6:
		memset(out, 0, 16);
		out[0] = 0x01;
		for (int i = 0; i < 8; i++)
			out[8 + i] = (uint8_t)(k >> (56 - 8 * i));
		return 16;
	case MAP_HW: {
		/* 0x02 first (locally administered), k in the bytes after it */
		size_t room = n >= 2 ? n - 1 : n;
		if (n == 0 || n > 32 || (room < 8 && k >> (8 * room)))
			return 0;
		memset(out, 0, n);
		if (n >= 2)
			out[0] = 0x02;
		for (size_t i = 0; i < room && i < 8; i++)
			out[n - 1 - i] = (uint8_t)(k >> (8 * i));
		return n;
	}
	}
	return 0;
}

bool map_assign(struct anon_map *m)
{
	uint64_t k = 1;
	uint8_t cand[32];

	for (size_t i = 0; i < m->n; i++) {
		struct map_entry *e = &m->v[i];
		size_t n;
		if (e->repl)
			continue;
		do {
			n = made_up(m->kind, k++, e->n, cand);
			if (!n) {
				errno = EFBIG;
				return false;
			}
		} while (map_find(m, cand, n)); /* never an original */
		if (!(e->repl = malloc(n)))
			return false;
		memcpy(e->repl, cand, n);
		e->rn = n;
	}
	return true;
}

void map_free(struct anon_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].orig);
		free(m->v[i].repl);
	}
	free(m->v);
	free(m->slots);
	*m = (struct anon_map){ .kind = m->kind };
}
