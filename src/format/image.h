/*
 * image.h - the CRIU image format, in one place:
 *
 *   IMAGE ::= [IMG_COMMON | IMG_SERVICE] MAGIC { ENTRY }   (inventory: MAGIC only)
 *   ENTRY ::= SIZE(u32 LE) MESSAGE [EXTRA]
 *
 * Which message an image of each magic holds, its header, how an entry is
 * framed, and what raw payload follows an entry: CRIT's knowledge (CRIU's
 * lib/pycriu/images/images.py). decode, encode and the checkpoint reader
 * all read it here; a new image kind is one row of image.c's table.
 */
#ifndef CRIT_IMAGE_H
#define CRIT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "format/schema.h"

enum frame {
	FR_PLAIN,   /* every entry is the handler's message */
	FR_PAGEMAP, /* a pagemap_head, then pagemap_entry */
	FR_GHOST,   /* a ghost_file_entry, then chunks or the file's contents */
};

enum extra {
	EX_NONE,
	EX_BLOB, /* fields[0] bytes, base64 */
	EX_TCP,  /* inq_len + outq_len bytes: {"inq", "outq"} */
	EX_BPF,  /* keys_bytes + values_bytes, base64 */
	EX_SHM,  /* size bytes padded to 4, base64; none when in_pagemaps */
	EX_SEM,  /* nsems u16 values padded to 8, a list */
	EX_MSG,  /* qnum (ipc_msg, data padded to 8) pairs, a list */
};

struct handler {
	const char *magic;
	const struct crit_msg *msg;
	enum frame frame;
	enum extra extra;
	const char *fields[2]; /* the entry's fields that size the extra */
};

/* The handler for a magic's name (not an alias), or NULL: Python CRIT's
 * (decode and encode refuse the others, as CRIT does), or also older
 * CRIU's (the checkpoint reader reads those too). */
const struct handler *image_handler(const char *magic);
const struct handler *image_handler_any(const char *magic);

/* The message of an image's index-th entry: a pagemap's head first, a
 * ghost file's chunks after its entry. */
const struct crit_msg *image_entry_msg(const struct handler *h, uint64_t index);
/* The message before each message's data in an EX_MSG payload. */
const struct crit_msg *image_queue_msg(void);

/* The raw payload after an entry whose handler's fields hold a and b:
 * *data bytes, then *pad bytes of zeros. False for EX_MSG, where each
 * message carries its own size. */
bool extra_layout(const struct handler *h, uint64_t a, uint64_t b, uint64_t *data, uint64_t *pad);

/* ---- Raw images ---------------------------------------------------- */

/* The images CRIU writes without a magic (raw data), known by their
 * names' prefixes, and what they hold. */
enum raw_kind {
	RAW_NONE,      /* not a raw image's name */
	RAW_PAGES,     /* pages-ID.img: memory pages */
	RAW_TARBALL,   /* tmpfs-DEV.tar.gz.img: a tmpfs mount's files */
	RAW_IFADDR,    /* ifaddr-NS.img: `ip addr save` (netlink messages) */
	RAW_ROUTE,     /* route-NS.img, route6-NS.img: `ip route save` */
	RAW_RULE,      /* rule-NS.img: `ip rule save` */
	RAW_NETFILTER, /* iptables-, ip6tables-, nftables-NS.img: rules as text */
	RAW_CONNTRACK, /* netns-ct-, netns-exp-NS.img: conntrack entries */
};

enum raw_kind image_raw(const char *name);



/* The magic CRIU writes before an image's own (IMG_COMMON or IMG_SERVICE),
 * or NULL for none (the inventory). */
const char *image_prefix(const char *magic);

/* An image's header: [IMG_COMMON | IMG_SERVICE] MAGIC. */
#define IMAGE_HEAD_MAX 8
struct image_head {
	const struct crit_magic *magic;
	size_t len; /* its bytes: 4 or 8 */
};

/* The header at the start p[0, n) of an image (n >= 8, or the whole image
 * when it is shorter), as CRIU writes it; else an error at its offset,
 * naming file (which may be NULL). */
bool image_head(const uint8_t *p, size_t n, const char *file, struct image_head *hd, struct crit_err *err);
/* The header CRIU writes for a magic (by its canonical name) into out;
 * returns its length. */
size_t image_head_put(const struct crit_magic *magic, uint8_t out[IMAGE_HEAD_MAX]);

/* ---- Entries -------------------------------------------------------- */

/* An entry's size: 4 bytes before its message. Sizes and magics are
 * little-endian. */
#define ENTRY_SIZE_LEN 4

static inline uint32_t le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

#endif
