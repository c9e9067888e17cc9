/*
 * mappers.c - a path, a name, a socket name, mount options and addresses
 * through the one-to-one maps. In the first pass each original is noted
 * (and passed on as it is, to be thrown away); in the second it is
 * replaced. A path maps component by component, so that two paths that
 * share a directory still do, and a comm still matches its executable's
 * name: every name and component goes through the one map of names.
 */
#include "anonymize/anonymize.h"

/* s[0, n) through map m: noted, or replaced. */
static bool through(struct anon *a, struct anon_map *m, const uint8_t *s, size_t n, uint8_t *in_place,
		    struct buf *out)
{
	if (!a->writing) {
		if (!map_note(m, s, n))
			return anon_nomem(a);
		return !out || buf_put(out, s, n) || anon_nomem(a);
	}
	const struct map_entry *e = map_find(m, s, n);
	if (!e) /* the first pass noted every original */
		return anon_fail(a, CRIT_NOPOS, CRIT_E_IO, "the image changed while it was read");
	if (in_place) {
		memcpy(in_place, e->repl, e->rn);
		return true;
	}
	return buf_put(out, e->repl, e->rn) || anon_nomem(a);
}

static bool put(struct anon *a, struct buf *out, const void *s, size_t n)
{
	return buf_put(out, s, n) || anon_nomem(a);
}

/* "", "." and ".." say nothing of the user: they keep the path's shape. */
static bool structural(const uint8_t *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.');
}

bool anon_path(struct anon *a, const uint8_t *s, size_t n, struct buf *out)
{
	const uint8_t *end = s + n;

	for (;;) {
		const uint8_t *slash = memchr(s, '/', (size_t)(end - s));
		const uint8_t *stop = slash ? slash : end;
		size_t len = (size_t)(stop - s);
		if (structural(s, len) ? !put(a, out, s, len) : !through(a, &a->names, s, len, NULL, out))
			return false;
		if (!slash)
			return true;
		if (!put(a, out, "/", 1))
			return false;
		s = slash + 1;
	}
}

bool anon_name(struct anon *a, const uint8_t *s, size_t n, struct buf *out)
{
	return n == 0 ? true : through(a, &a->names, s, n, NULL, out);
}

/* A path, or (a NUL first) an abstract name, whose '/'s are kept as a
 * path's ("@/tmp/.X11-unix/X0"); the NULs at either end are kept. */
bool anon_sockname(struct anon *a, const uint8_t *s, size_t n, struct buf *out)
{
	size_t lead = n && s[0] == 0, len = n;

	while (len > lead && s[len - 1] == 0)
		len--;
	return put(a, out, s, lead) && anon_path(a, s + lead, len - lead, out) && put(a, out, s + len, n - len);
}

/* A word of the kernel's or CRIU's, kept unless a path of the dump has
 * it as a component: then it is replaced as there, so that the copy holds
 * no original and "memory.max" still belongs to the n4 of /sys/fs/cgroup/n4.
 * Tried whole, then each part between dots. */
static bool word(struct anon *a, const uint8_t *s, size_t n, struct buf *out)
{
	const struct map_entry *e = a->writing && n ? map_find(&a->names, s, n) : NULL;
	const uint8_t *dot = memchr(s, '.', n);

	if (e)
		return put(a, out, e->repl, e->rn);
	if (!dot || !a->writing)
		return put(a, out, s, n);
	return word(a, s, (size_t)(dot - s), out) && put(a, out, ".", 1) &&
	       word(a, dot + 1, n - (size_t)(dot - s) - 1, out);
}

/* Text of the kernel's words ("rw,mode=755,lowerdir=/a:/b", "memory.max",
 * "cpu memory pids"): a word that holds a '/' is a path; the others are
 * kept as word() keeps them. */
bool anon_words(struct anon *a, const uint8_t *s, size_t n, struct buf *out)
{
	static const char seps[] = ",=: \t\n";
	const uint8_t *end = s + n;

	while (s < end) {
		const uint8_t *w = s;
		while (w < end && !memchr(seps, *w, sizeof(seps) - 1))
			w++;
		if (memchr(s, '/', (size_t)(w - s)) ? !anon_path(a, s, (size_t)(w - s), out)
						     : !word(a, s, (size_t)(w - s), out))
			return false;
		if (w < end && !put(a, out, w, 1))
			return false;
		s = w < end ? w + 1 : end;
	}
	return true;
}

static bool all(const uint8_t *s, size_t n, uint8_t c)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != c)
			return false;
	return true;
}

/* All zeros (none) and all ones (broadcast) say nothing: kept. */
bool anon_hwaddr(struct anon *a, const uint8_t *s, size_t n, struct buf *out)
{
	if (all(s, n, 0) || all(s, n, 0xff))
		return put(a, out, s, n);
	return through(a, &a->hw, s, n, NULL, out);
}

bool anon_ip(struct anon *a, uint8_t *addr, size_t n)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (n == 4) {
		if (addr[0] == 127 || all(addr, 4, 0)) /* loopback, unspecified */
			return true;
		return through(a, &a->ipv4, addr, 4, a->writing ? addr : NULL, NULL);
	}
	if (all(addr, 15, 0) && addr[15] <= 1) /* :: and ::1 */
		return true;
	if (memcmp(addr, mapped, sizeof(mapped)) == 0)
		return anon_ip(a, addr + 12, 4);
	return through(a, &a->ipv6, addr, 16, a->writing ? addr : NULL, NULL);
}
