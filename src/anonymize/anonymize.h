/*
 * anonymize.h - crit anonymize: what its stages share. One stage a file:
 *   secrets.c   which fields of which messages hold what kind of secret:
 *               one table over the schema's names, and its flags
 *   maps.c      the one-to-one maps (names, IPv4, IPv6, hardware
 *               addresses): originals noted, replacements made up
 *   mappers.c   a path, a name, a socket name, mount options, an
 *               address through the maps
 *   message.c   one protobuf message rewritten field by field
 *   image.c     one image rewritten entry by entry, payloads zeroed
 *   netlink.c   the raw netlink dumps (ifaddr, route, rule): addresses
 *   report.c    what crit cannot judge, and the report's text and JSON
 *   mapfile.c   the map, original -> replacement, as JSON
 *   output.c    the files written: through a buffer, zeros, copies
 *   dir.c       crit_anonymize: the directory read twice (noting, then
 *               writing into a new directory renamed into place)
 *
 * Every image is read twice. The first pass reads and checks everything,
 * notes every original and what cannot be judged, and writes nothing; the
 * replacements are then made up, none equal to an original; the second
 * pass writes. A damaged input is thus found before anything is written.
 */
#ifndef CRIT_ANONYMIZE_STAGES_H
#define CRIT_ANONYMIZE_STAGES_H

#include <limits.h>

#include "base/io.h"
#include "format/image.h"
#include "format/schema.h"

/* ---- What a field holds (secrets.c) -------------------------------- */

enum secret {
	S_KEEP,     /* nothing of the user's (a random UUID, a BPF filter) */
	S_PATH,     /* a path: each component mapped */
	S_NAME,     /* a name (comm, host, interface, label): mapped whole */
	S_SOCKNAME, /* a unix socket's name: a path, or a NUL and an abstract name */
	S_WORDS,    /* the kernel's words (mount options, cgroup properties):
		     * kept, but paths in them and words that are components
		     * of the dump's paths mapped */
	S_DATA,     /* contents: zeroed, the length kept */
	S_HWADDR,   /* a hardware address: mapped */
	S_IPADDR,   /* repeated uint32 (criu).ipadd: an IPv4 or IPv6 address, mapped */
	S_UNJUDGED, /* a string or bytes field the table does not know */
};

/* What field f of message m holds (numbers other than addresses: S_KEEP). */
enum secret secret_of(const struct crit_msg *m, const struct crit_field *f);
/* m is a register set (general, FPU, extended state): its numbers zeroed. */
bool secret_regs(const struct crit_msg *m);

/* The table, for the tests: row i's message, field (NULL: a register
 * set) and kind; false past the end. */
bool secret_row(size_t i, const char **msg, const char **field, enum secret *s);

/* ---- The one-to-one maps (maps.c) ---------------------------------- */

enum map_kind { MAP_NAME, MAP_IPV4, MAP_IPV6, MAP_HW };

struct map_entry {
	uint8_t *orig;
	size_t n;
	uint8_t *repl; /* made up by map_assign */
	size_t rn;
	uint64_t hash;
};

struct anon_map {
	enum map_kind kind;
	struct map_entry *v; /* in the order they were first noted */
	size_t n, cap;
	uint32_t *slots;     /* open addressing: 1 + an index into v, 0 empty */
	size_t nslots;
};

bool map_note(struct anon_map *m, const void *s, size_t n);
/* Make up each original's replacement: distinct, and none an original. */
bool map_assign(struct anon_map *m);
const struct map_entry *map_find(const struct anon_map *m, const void *s, size_t n);
void map_free(struct anon_map *m);

/* ---- The report (report.c) ----------------------------------------- */

/* ---- The run -------------------------------------------------------- */

struct anon {
	const struct crit_anon_opts *opts;
	struct crit_anon_report *rep;
	struct crit_err *err;
	bool writing;          /* the second pass: replacements are made up */
	struct anon_map names, ipv4, ipv6, hw;
	const char *image;     /* the image being read, its name in IN_DIR */
	char file[PATH_MAX];   /* IN_DIR/NAME, for errors */
	int64_t entry;         /* its entry being read, from 0; -1: none */
	const uint8_t *base;   /* the bytes being read start at offset base_off */
	uint64_t base_off;
	char field[256];       /* the field being read, "thread_info.gpregs.ax" */
	size_t nfield;
};

/* Record an error at offset pos of the image (CRIT_NOPOS: none): false. */
bool anon_fail(struct anon *a, uint64_t pos, enum crit_code code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The offset in the image of p, a byte of a->base. */
static inline uint64_t anon_at(const struct anon *a, const uint8_t *p)
{
	return a->base_off + (uint64_t)(p - a->base);
}
bool anon_nomem(struct anon *a);

/* What crit cannot judge: reported in the first pass, with a->image,
 * a->entry and field (NULL: the image as a whole). Returns whether it is
 * written all the same (false with --strict: left out). */
bool anon_unjudged(struct anon *a, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* What is not a file crit can read (a directory, a device): reported
 * in the first pass, and never written. */
void anon_skipped(struct anon *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* n bytes of contents zeroed (the report counts them). */
void anon_zeroed(struct anon *a, uint64_t n);

/* ---- The mappers (mappers.c): append the replacement to out --------- */

bool anon_path(struct anon *a, const uint8_t *s, size_t n, struct buf *out);
bool anon_name(struct anon *a, const uint8_t *s, size_t n, struct buf *out);
bool anon_sockname(struct anon *a, const uint8_t *s, size_t n, struct buf *out);
bool anon_words(struct anon *a, const uint8_t *s, size_t n, struct buf *out);
bool anon_hwaddr(struct anon *a, const uint8_t *s, size_t n, struct buf *out);
/* An address in place: 4 bytes (IPv4) or 16 (IPv6), in network order.
 * Loopback and the unspecified address stay; an IPv4-mapped IPv6 address
 * keeps its prefix and maps its IPv4 address. */
bool anon_ip(struct anon *a, uint8_t *addr, size_t n);

/* ---- Output --------------------------------------------------------- */

/* A file being written, through a buffer; in the first pass (fd -1)
 * nothing is. The first failure is kept in err. */
struct wr {
	int fd;
	const char *path; /* OUT_DIR/NAME, for errors */
	struct anon *a;
	size_t n;
	uint8_t buf[1u << 16];
};

bool wr_put(struct wr *w, const void *s, size_t n);
bool wr_zeros(struct wr *w, uint64_t n);
bool wr_flush(struct wr *w);
/* Bytes [off, size) of fd, as they are. */
bool wr_copy(struct wr *w, int fd, uint64_t off, uint64_t size);

/* ---- The stages ------------------------------------------------------ */

/* Message m at [p, e) rewritten, appended to out. regs: inside a register set. */
bool msg_rewrite(struct anon *a, const struct crit_msg *m, const uint8_t *p, const uint8_t *e, bool regs,
		 struct buf *out, int depth);

/* The protobuf image of size bytes at fd, rewritten to w. */
bool image_rewrite(struct anon *a, int fd, uint64_t size, struct wr *w);

/* A raw netlink dump of the kind (RAW_IFADDR, RAW_ROUTE, RAW_RULE),
 * which starts with the magic of iproute2's dumps of it. */
bool netlink_magic(enum raw_kind kind, uint32_t magic);
bool netlink_rewrite(struct anon *a, enum raw_kind kind, int fd, uint64_t size, struct wr *w);

/* The most of a file crit holds at once: a message, a netlink dump. */
#define ANON_MAX_READ ((size_t)256 << 20)
/* size bytes at offset off of fd into b (replacing what it held). */
bool anon_read(struct anon *a, int fd, uint64_t off, size_t size, struct buf *b);

/* The map, as JSON, to the sink. */
bool mapfile_write(struct anon *a, const struct crit_sink *sink);

#endif
