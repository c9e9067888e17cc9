/*
 * pretty.c - CRIT's --pretty conversions of integer fields.
 *
 * The .proto files only name a conversion ((criu).flags = "mmap.prot",
 * (criu).dict = "sk"); the maps themselves are CRIT's, from CRIU's
 * lib/pycriu/images/pb2dict.py, and live here.
 */
#include <stdio.h>
#include <string.h>

#include "codec/pretty.h"
#include "format/bits.h"
#include "json/text.h"

struct named_bit {
	const char *name;
	uint64_t bit;
	size_t len; /* strlen(name) */
};

/* A named bit with its name's length; one of format/bits.h's by its name. */
#define BIT(name, bit) { name, bit, sizeof(name) - 1 }
#define NAMED(bit) BIT(#bit, bit)

struct flags_map {
	const char *name;
	const struct named_bit *bits;
};

static const struct named_bit mmap_prot[] = {
	BIT("PROT_READ", 0x1), BIT("PROT_WRITE", 0x2), BIT("PROT_EXEC", 0x4), { NULL, 0, 0 },
};

static const struct named_bit mmap_flags[] = {
	BIT("MAP_SHARED", 0x1), BIT("MAP_PRIVATE", 0x2),      BIT("MAP_DROPPABLE", 0x08),
	BIT("MAP_ANON", 0x20),  BIT("MAP_GROWSDOWN", 0x0100), { NULL, 0, 0 },
};

static const struct named_bit mmap_status[] = {
	NAMED(VMA_AREA_NONE),     NAMED(VMA_AREA_REGULAR), NAMED(VMA_AREA_STACK),   NAMED(VMA_AREA_VSYSCALL),
	NAMED(VMA_AREA_VDSO),     NAMED(VMA_AREA_HEAP),    NAMED(VMA_FILE_PRIVATE), NAMED(VMA_FILE_SHARED),
	NAMED(VMA_ANON_SHARED),   NAMED(VMA_ANON_PRIVATE), NAMED(VMA_AREA_SYSVIPC), NAMED(VMA_AREA_SOCKET),
	NAMED(VMA_AREA_VVAR),     NAMED(VMA_AREA_AIORING), NAMED(VMA_AREA_MEMFD),   NAMED(VMA_AREA_SHSTK),
	NAMED(VMA_AREA_UPROBES),  NAMED(VMA_UNSUPP),       { NULL, 0, 0 },
};

static const struct named_bit rfile_flags[] = {
	BIT("O_WRONLY", 01),         BIT("O_RDWR", 02),          BIT("O_CREAT", 0100),
	BIT("O_EXCL", 0200),         BIT("O_NOCTTY", 0400),      BIT("O_TRUNC", 01000),
	BIT("O_APPEND", 02000),      BIT("O_NONBLOCK", 04000),   BIT("O_DSYNC", 010000),
	BIT("FASYNC", 020000),       BIT("O_DIRECT", 040000),    BIT("O_LARGEFILE", 0100000),
	BIT("O_DIRECTORY", 0200000), BIT("O_NOFOLLOW", 0400000), BIT("O_NOATIME", 01000000),
	BIT("O_CLOEXEC", 02000000),  { NULL, 0, 0 },
};

static const struct named_bit pmap_flags[] = {
	NAMED(PE_PARENT), NAMED(PE_LAZY), NAMED(PE_PRESENT), { NULL, 0, 0 },
};

static const struct named_bit seals_flags[] = {
	BIT("F_SEAL_SEAL", 0x1),  BIT("F_SEAL_SHRINK", 0x2),       BIT("F_SEAL_GROW", 0x4),
	BIT("F_SEAL_WRITE", 0x8), BIT("F_SEAL_FUTURE_WRITE", 0x10), { NULL, 0, 0 },
};

static const struct flags_map flags_maps[] = {
	{ "mmap.prot", mmap_prot },   { "mmap.flags", mmap_flags }, { "mmap.status", mmap_status },
	{ "rfile.flags", rfile_flags }, { "pmap.flags", pmap_flags }, { "seals.flags", seals_flags },
};

/* (criu).dict: per dict, per field name, value -> name. */
struct dict_entry {
	const char *dict, *field;
	int64_t value;
	const char *name;
};

static const struct dict_entry dicts[] = {
	/* CRIU's task states (compel's TASK_*): CRIT 4.2 has 3 as "Zombie"
	 * and no 6; see docs/compat.md. */
	{ "gen", "task_state", 1, "Alive" },
	{ "gen", "task_state", 2, "Dead" },
	{ "gen", "task_state", 3, "Stopped" },
	{ "gen", "task_state", 6, "Zombie" },
	{ "sk", "family", 1, "UNIX" },
	{ "sk", "family", 2, "INET" },
	{ "sk", "family", 10, "INET6" },
	{ "sk", "family", 16, "NETLINK" },
	{ "sk", "family", 17, "PACKET" },
	{ "sk", "type", 1, "STREAM" },
	{ "sk", "type", 2, "DGRAM" },
	{ "sk", "type", 3, "RAW" },
	{ "sk", "type", 5, "SEQPACKET" },
	{ "sk", "type", 10, "PACKET" },
	{ "sk", "state", 1, "ESTABLISHED" },
	{ "sk", "state", 2, "SYN_SENT" },
	{ "sk", "state", 3, "SYN_RECV" },
	{ "sk", "state", 4, "FIN_WAIT1" },
	{ "sk", "state", 5, "FIN_WAIT2" },
	{ "sk", "state", 6, "TIME_WAIT" },
	{ "sk", "state", 7, "CLOSE" },
	{ "sk", "state", 8, "CLOSE_WAIT" },
	{ "sk", "state", 9, "LAST_ACK" },
	{ "sk", "state", 10, "LISTEN" },
	{ "sk", "proto", 0, "IP" },
	{ "sk", "proto", 6, "TCP" },
	{ "sk", "proto", 17, "UDP" },
	{ "sk", "proto", 136, "UDPLITE" },
};

static void put_str(struct jw *w, const char *s)
{
	jw_plain(w, s, strlen(s));
}

/* A field's key, when there is one (key not NULL). */
struct key {
	const char *s;
	size_t n;
};

/* Room for a string value of up to max bytes, after the key if any: where
 * to write it in place, or NULL (with the key written) when the caller is
 * to format it in a buffer of its own and use jw_plain. */
static char *str_open(struct jw *w, struct key k, size_t max)
{
	char *q = k.s ? jw_key_plain_open(w, k.s, k.n, max) : jw_plain_open(w, max);

	if (!q && k.s)
		jw_key_n(w, k.s, k.n);
	return q;
}

static void put_hex(struct jw *w, struct key k, bool is_signed, uint64_t v)
{
	char buf[24], *q = str_open(w, k, sizeof(buf));

	if (q) {
		jw_plain_close(w, q + fmt_hex(q, (int64_t)v, is_signed, v));
		return;
	}
	jw_plain(w, buf, (size_t)fmt_hex(buf, (int64_t)v, is_signed, v));
}

/* The longest flags string: every name of the longest map with its " | ",
 * then the rest in hex (at most "0x-" and 16 digits). */
#define FLAGS_MAX 512

/* "A | B | 0x40": the named bits in map order, then what is left in hex;
 * written at q, which has room for FLAGS_MAX bytes. Returns the end. */
static char *fmt_flags(char *q, const struct named_bit *bits, bool is_signed, uint64_t v)
{
	char *start = q;
	uint64_t all = 0;

	for (const struct named_bit *b = bits; b->name; b++) {
		all |= b->bit;
		if (!(v & b->bit))
			continue;
		if (q != start) {
			memcpy(q, " | ", 3);
			q += 3;
		}
		q = copy_short(q, b->name, b->len);
	}
	uint64_t rest = v & ~all;
	if (rest) {
		if (q != start) {
			memcpy(q, " | ", 3);
			q += 3;
		}
		q += fmt_hex(q, (int64_t)rest, is_signed, rest);
	}
	return q;
}

static void put_flags(struct jw *w, struct key k, const struct named_bit *bits, bool is_signed, uint64_t v)
{
	char buf[FLAGS_MAX], *q = str_open(w, k, FLAGS_MAX);

	if (q) {
		jw_plain_close(w, fmt_flags(q, bits, is_signed, v));
		return;
	}
	jw_plain(w, buf, (size_t)(fmt_flags(buf, bits, is_signed, v) - buf));
}

const struct flags_map *pretty_flags_map(const char *name)
{
	for (size_t i = 0; i < sizeof(flags_maps) / sizeof(flags_maps[0]); i++)
		if (strcmp(flags_maps[i].name, name) == 0)
			return &flags_maps[i];
	return NULL;
}

bool pretty_int(struct jw *w, const struct crit_field *f, bool hex, bool is_signed, uint64_t v)
{
	const struct flags_map *map = f->flags_map ? pretty_flags_map(f->flags_map) : NULL;

	return pretty_int_map(w, NULL, 0, f, map, hex, is_signed, v);
}

bool pretty_int_map(struct jw *w, const char *key, size_t keylen, const struct crit_field *f,
		    const struct flags_map *map, bool hex, bool is_signed, uint64_t v)
{
	struct key k = { key, keylen };

	if (hex || (f->flags & CRIT_F_HEX)) {
		put_hex(w, k, is_signed, v);
		return true;
	}
	if (f->flags & CRIT_F_DEV) {
		char buf[48];
		unsigned long long major, minor;
		if (key)
			jw_key_n(w, key, keylen);
		if (f->flags & CRIT_F_ODEV) { /* glibc's major()/minor() */
			major = ((v >> 8) & 0xfff) | ((v >> 32) & ~0xfffull);
			minor = (v & 0xff) | ((v >> 12) & 0xffffff00ull);
		} else { /* the kernel's new encoding: 20 minor bits */
			major = v >> 20;
			minor = v & 0xfffff;
		}
		if (is_signed && (int64_t)v < 0) /* Python shifts keep the sign */
			major = (unsigned long long)((int64_t)v >> 20);
		snprintf(buf, sizeof(buf), is_signed && (int64_t)v < 0 ? "%lld:%llu" : "%llu:%llu",
			 major, minor);
		put_str(w, buf);
		return true;
	}
	if (f->flags_map) {
		if (map)
			put_flags(w, k, map->bits, is_signed, v);
		else
			put_hex(w, k, is_signed, v); /* CRIT: "flags are better seen as hex anyway" */
		return true;
	}
	if (key)
		jw_key_n(w, key, keylen);
	const char *name = f->dict ? pretty_dict_name(f->dict, f->name, (int64_t)v) : NULL;
	if (name)
		put_str(w, name);
	return name != NULL;
}

/* ------------------------------------------------------------------ */
/* IP addresses: words in network byte order, as Python's ipaddress     */
/* ------------------------------------------------------------------ */

bool pretty_ip(struct jw *w, const uint32_t *words, int n)
{
	char buf[64];

	if (!pretty_fmt_ip(buf, words, n))
		return false;
	put_str(w, buf);
	return true;
}

bool pretty_fmt_ip(char buf[64], const uint32_t *words, int n)
{
	if (n == 1) {
		uint32_t a = words[0]; /* the first octet is the lowest byte */
		snprintf(buf, 64, "%u.%u.%u.%u", a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff, a >> 24);
		return true;
	}
	if (n < 4)
		return false;
	uint16_t h[8];
	for (int i = 0; i < 4; i++) {
		uint32_t a = words[i];
		h[2 * i] = (uint16_t)((a & 0xff) << 8 | ((a >> 8) & 0xff));
		h[2 * i + 1] = (uint16_t)(((a >> 16) & 0xff) << 8 | a >> 24);
	}
	/* RFC 5952: the first longest run of two or more zero groups becomes "::". */
	int best = -1, bestlen = 0;
	for (int i = 0; i < 8;) {
		if (h[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !h[j])
			j++;
		if (j - i > bestlen) {
			best = i;
			bestlen = j - i;
		}
		i = j;
	}
	if (bestlen < 2)
		best = -1;
	size_t o = 0;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			o += (size_t)snprintf(buf + o, 64 - o, "::");
			i += bestlen - 1;
			continue;
		}
		if (o && buf[o - 1] != ':')
			buf[o++] = ':';
		o += (size_t)snprintf(buf + o, 64 - o, "%x", h[i]);
	}
	buf[o] = 0;
	return true;
}

/* ------------------------------------------------------------------ */
/* And back: the pretty forms as encode reads them                      */
/* ------------------------------------------------------------------ */

bool pretty_flag_value(const struct flags_map *map, const char *name, size_t len, uint64_t *bit)
{
	for (const struct named_bit *b = map->bits; b->name; b++) {
		if (strlen(b->name) == len && memcmp(b->name, name, len) == 0) {
			*bit = b->bit;
			return true;
		}
	}
	return false;
}

const char *pretty_dict_name(const char *dict, const char *field, int64_t value)
{
	for (size_t i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++) {
		const struct dict_entry *d = &dicts[i];
		if (d->value == value && strcmp(d->field, field) == 0 && strcmp(d->dict, dict) == 0)
			return d->name;
	}
	return NULL;
}

bool pretty_dict_value(const char *dict, const char *field, const char *name, int64_t *value)
{
	for (size_t i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++) {
		const struct dict_entry *d = &dicts[i];
		if (strcmp(d->name, name) == 0 && strcmp(d->field, field) == 0 && strcmp(d->dict, dict) == 0) {
			*value = d->value;
			return true;
		}
	}
	return false;
}

/* Dotted decimal, as Python's ipaddress takes it: four parts of 0-255
 * without leading zeros. Returns the address, first octet lowest. */
static bool parse_ipv4(const char *s, size_t n, uint32_t *word)
{
	uint32_t w = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start = i;
		unsigned v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 3)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
			return false;
		w |= (uint32_t)v << (8 * part);
		if (part < 3 && (i >= n || s[i++] != '.'))
			return false;
	}
	*word = w;
	return i == n;
}

/* RFC 4291 text: hex groups, at most one "::", an IPv4 tail allowed. */
static bool parse_ipv6(const char *s, size_t n, uint16_t h[8])
{
	uint16_t g[8];
	int ng = 0, gap = -1;
	size_t i = 0;

	if (n >= 2 && s[0] == ':' && s[1] == ':') {
		gap = 0;
		i = 2;
	}
	while (i < n) {
		size_t start = i;
		unsigned v = 0;
		while (i < n && hex_digit(s[i]) >= 0 && i - start < 4)
			v = v << 4 | (unsigned)hex_digit(s[i++]);
		if (i < n && s[i] == '.') { /* an IPv4 tail: two more groups */
			uint32_t w;
			if (ng > 6 || !parse_ipv4(s + start, n - start, &w))
				return false;
			g[ng++] = (uint16_t)((w & 0xff) << 8 | ((w >> 8) & 0xff));
			g[ng++] = (uint16_t)(((w >> 16) & 0xff) << 8 | w >> 24);
			i = n;
			break;
		}
		if (i == start || ng == 8)
			return false;
		g[ng++] = (uint16_t)v;
		if (i == n)
			break;
		if (s[i++] != ':')
			return false;
		if (i < n && s[i] == ':') {
			if (gap >= 0)
				return false;
			gap = ng;
			i++;
		} else if (i == n) {
			return false; /* a lone trailing ':' */
		}
	}
	if (gap < 0 ? ng != 8 : ng > 7)
		return false;
	int fill = 8 - ng;
	for (int k = 0, o = 0; k < 8; k++)
		h[k] = gap >= 0 && k >= gap && k < gap + fill ? 0 : g[o++];
	return true;
}

int pretty_parse_ip(const char *s, uint32_t words[4])
{
	size_t n = strlen(s);
	uint16_t h[8];

	if (!memchr(s, ':', n))
		return parse_ipv4(s, n, &words[0]) ? 1 : 0;
	if (!parse_ipv6(s, n, h))
		return 0;
	for (int i = 0; i < 4; i++) /* each word in network byte order */
		words[i] = (uint32_t)(h[2 * i] >> 8) | (uint32_t)(h[2 * i] & 0xff) << 8 |
			   (uint32_t)(h[2 * i + 1] >> 8) << 16 | (uint32_t)(h[2 * i + 1] & 0xff) << 24;
	return 4;
}
