/*
 * mapfile.c - the map the reporter keeps, original -> replacement, as
 * JSON (indented by 4, its schema in the README):
 *   {"names": {ORIGINAL: REPLACEMENT, ...},
 *    "addresses": {"192.168.1.7": "240.0.0.1", "fe80::1": "100::1", ...},
 *    "hardware": {"52:54:00:12:34:56": "02:00:00:00:00:01", ...}}
 * Names are any bytes: JSON strings as decode writes them.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "anonymize/anonymize.h"
#include "json/json.h"

/* An address as text: dotted IPv4, IPv6 as inet_ntop writes it, or a
 * hardware address as hex bytes between colons. */
static void addr_text(enum map_kind kind, const uint8_t *s, size_t n, char *buf, size_t cap)
{
	if (kind == MAP_IPV4 || kind == MAP_IPV6) {
		inet_ntop(kind == MAP_IPV4 ? AF_INET : AF_INET6, s, buf, (socklen_t)cap);
		return;
	}
	buf[0] = 0;
	for (size_t i = 0, k = 0; i < n && k + 4 < cap; i++)
		k += (size_t)snprintf(buf + k, cap - k, "%s%02x", i ? ":" : "", s[i]);
}

/* Each original of m as a key, its replacement as the value. */
static void pairs(struct jw *w, const struct anon_map *m)
{
	char o[INET6_ADDRSTRLEN + 100], r[INET6_ADDRSTRLEN + 100];

	for (size_t i = 0; i < m->n; i++) {
		const struct map_entry *e = &m->v[i];
		if (m->kind == MAP_NAME) {
			/* a key of any bytes: a string as decode writes one */
			jw_str(w, e->orig, e->n);
			out_put(w->o, ": ", 2);
			w->after_key = true;
			jw_plain(w, (const char *)e->repl, e->rn);
			continue;
		}
		addr_text(m->kind, e->orig, e->n, o, sizeof(o));
		addr_text(m->kind, e->repl, e->rn, r, sizeof(r));
		jw_key(w, o);
		jw_plain(w, r, strlen(r));
	}
}

bool mapfile_write(struct anon *a, const struct crit_sink *sink)
{
	const struct anon_map *maps[][2] = { { &a->names, NULL }, { &a->ipv4, &a->ipv6 }, { &a->hw, NULL } };
	static const char *const keys[] = { "names", "addresses", "hardware" };
	struct out o;
	struct jw w;

	if (!out_alloc(&o, sink, a->err))
		return false;
	jw_init(&w, &o, true);
	jw_obj_open(&w);
	for (int k = 0; k < 3; k++) {
		jw_key(&w, keys[k]);
		jw_obj_open(&w);
		for (int i = 0; i < 2 && maps[k][i]; i++)
			pairs(&w, maps[k][i]);
		jw_obj_close(&w);
	}
	jw_obj_close(&w);
	out_byte(&o, '\n');
	return out_free(&o, true);
}
