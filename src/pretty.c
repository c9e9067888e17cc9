/*
 * pretty.c - CRIT's --pretty conversions of integer fields.
 *
 * The .proto files only name a conversion ((criu).flags = "mmap.prot",
 * (criu).dict = "sk"); the maps themselves are CRIT's, from CRIU's
 * lib/pycriu/images/pb2dict.py, and live here.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

struct named_bit {
	const char *name;
	uint64_t bit;
};

struct flags_map {
	const char *name;
	const struct named_bit *bits;
};

static const struct named_bit mmap_prot[] = {
	{ "PROT_READ", 0x1 }, { "PROT_WRITE", 0x2 }, { "PROT_EXEC", 0x4 }, { NULL, 0 },
};

static const struct named_bit mmap_flags[] = {
	{ "MAP_SHARED", 0x1 },     { "MAP_PRIVATE", 0x2 },      { "MAP_DROPPABLE", 0x08 },
	{ "MAP_ANON", 0x20 },      { "MAP_GROWSDOWN", 0x0100 }, { NULL, 0 },
};

static const struct named_bit mmap_status[] = {
	{ "VMA_AREA_NONE", 0 },		   { "VMA_AREA_REGULAR", 1u << 0 },
	{ "VMA_AREA_STACK", 1u << 1 },	   { "VMA_AREA_VSYSCALL", 1u << 2 },
	{ "VMA_AREA_VDSO", 1u << 3 },	   { "VMA_AREA_HEAP", 1u << 5 },
	{ "VMA_FILE_PRIVATE", 1u << 6 },   { "VMA_FILE_SHARED", 1u << 7 },
	{ "VMA_ANON_SHARED", 1u << 8 },	   { "VMA_ANON_PRIVATE", 1u << 9 },
	{ "VMA_AREA_SYSVIPC", 1u << 10 },  { "VMA_AREA_SOCKET", 1u << 11 },
	{ "VMA_AREA_VVAR", 1u << 12 },	   { "VMA_AREA_AIORING", 1u << 13 },
	{ "VMA_AREA_MEMFD", 1u << 14 },	   { "VMA_AREA_SHSTK", 1u << 15 },
	{ "VMA_AREA_UPROBES", 1u << 17 },  { "VMA_UNSUPP", 1u << 31 },
	{ NULL, 0 },
};

static const struct named_bit rfile_flags[] = {
	{ "O_WRONLY", 01 },	     { "O_RDWR", 02 },		  { "O_CREAT", 0100 },
	{ "O_EXCL", 0200 },	     { "O_NOCTTY", 0400 },	  { "O_TRUNC", 01000 },
	{ "O_APPEND", 02000 },	     { "O_NONBLOCK", 04000 },	  { "O_DSYNC", 010000 },
	{ "FASYNC", 020000 },	     { "O_DIRECT", 040000 },	  { "O_LARGEFILE", 0100000 },
	{ "O_DIRECTORY", 0200000 },  { "O_NOFOLLOW", 0400000 },	  { "O_NOATIME", 01000000 },
	{ "O_CLOEXEC", 02000000 },   { NULL, 0 },
};

static const struct named_bit pmap_flags[] = {
	{ "PE_PARENT", 1u << 0 }, { "PE_LAZY", 1u << 1 }, { "PE_PRESENT", 1u << 2 }, { NULL, 0 },
};

static const struct named_bit seals_flags[] = {
	{ "F_SEAL_SEAL", 0x1 },	 { "F_SEAL_SHRINK", 0x2 },	 { "F_SEAL_GROW", 0x4 },
	{ "F_SEAL_WRITE", 0x8 }, { "F_SEAL_FUTURE_WRITE", 0x10 }, { NULL, 0 },
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

static void put_hex(struct jw *w, bool is_signed, uint64_t v)
{
	char buf[24];
	int n = fmt_hex(buf, (int64_t)v, is_signed, v);
	jw_plain(w, buf, (size_t)n);
}

/* "A | B | 0x40": the named bits in map order, then what is left in hex. */
static void put_flags(struct jw *w, const struct named_bit *bits, bool is_signed, uint64_t v)
{
	char buf[512];
	size_t n = 0;
	uint64_t all = 0;

	for (const struct named_bit *b = bits; b->name; b++) {
		all |= b->bit;
		if (!(v & b->bit))
			continue;
		size_t len = strlen(b->name);
		if (n)
			memcpy(buf + n, " | ", 3), n += 3;
		memcpy(buf + n, b->name, len);
		n += len;
	}
	uint64_t rest = v & ~all;
	if (rest) {
		if (n)
			memcpy(buf + n, " | ", 3), n += 3;
		n += (size_t)fmt_hex(buf + n, (int64_t)rest, is_signed, rest);
	}
	jw_plain(w, buf, n);
}

bool pretty_int(struct jw *w, const struct crit_field *f, bool hex, bool is_signed, uint64_t v)
{
	if (hex || (f->flags & CRIT_F_HEX)) {
		put_hex(w, is_signed, v);
		return true;
	}
	if (f->flags & CRIT_F_DEV) {
		char buf[48];
		unsigned long long major, minor;
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
		for (size_t i = 0; i < sizeof(flags_maps) / sizeof(flags_maps[0]); i++) {
			if (strcmp(flags_maps[i].name, f->flags_map) == 0) {
				put_flags(w, flags_maps[i].bits, is_signed, v);
				return true;
			}
		}
		put_hex(w, is_signed, v); /* CRIT: "flags are better seen as hex anyway" */
		return true;
	}
	if (f->dict) {
		for (size_t i = 0; i < sizeof(dicts) / sizeof(dicts[0]); i++) {
			const struct dict_entry *d = &dicts[i];
			if ((uint64_t)d->value == v && strcmp(d->field, f->name) == 0 &&
			    strcmp(d->dict, f->dict) == 0) {
				put_str(w, d->name);
				return true;
			}
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* IP addresses: words in network byte order, as Python's ipaddress     */
/* ------------------------------------------------------------------ */

bool pretty_ip(struct jw *w, const uint32_t *words, int n)
{
	char buf[64];

	if (n == 1) {
		uint32_t a = words[0]; /* the first octet is the lowest byte */
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a & 0xff, (a >> 8) & 0xff, (a >> 16) & 0xff,
			 a >> 24);
		put_str(w, buf);
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
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "::");
			i += bestlen - 1;
			continue;
		}
		if (o && buf[o - 1] != ':')
			buf[o++] = ':';
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%x", h[i]);
	}
	buf[o] = 0;
	put_str(w, buf);
	return true;
}
