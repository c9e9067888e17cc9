/*
 * crit.h - the public interface of libcrit: read, write and analyse CRIU
 * checkpoint images with nothing but libc.
 *
 * Every function returns bool and fills a struct crit_err on failure; the
 * first error is kept. Input is never trusted: every length is checked and
 * no allocation grows with an unchecked length.
 */
#ifndef CRIT_H
#define CRIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRIT_VERSION "0.1.0"

enum crit_code {
	CRIT_OK = 0,
	CRIT_E_IO,        /* read(2)/write(2) failed */
	CRIT_E_NOMEM,     /* an allocation within our limits failed */
	CRIT_E_MAGIC,     /* unknown image magic */
	CRIT_E_RAW,       /* a raw image (pages, ifaddr, tarball): no protobuf */
	CRIT_E_TRUNCATED, /* the input ends inside a header, entry or payload */
	CRIT_E_VARINT,    /* a varint longer than 10 bytes */
	CRIT_E_LENGTH,    /* a length that runs past its enclosing message */
	CRIT_E_WIRE,      /* an invalid wire type or field number */
	CRIT_E_REQUIRED,  /* a required field is missing */
	CRIT_E_LIMIT,     /* a documented limit (depth, entry size) was passed */
	CRIT_E_USAGE,     /* the caller asked for something impossible */
	CRIT_E_JSON,      /* JSON that is not well formed */
	CRIT_E_TYPE,      /* a JSON value of the wrong type or out of range */
	CRIT_E_KEY,       /* a key the schema does not have */
	CRIT_E_NOTJSON,   /* binary input where JSON was expected */
	CRIT_E_NONCANON,  /* valid protobuf, but not as protobuf-c writes it */
};

/* One error: what, where and a message. Where is a byte offset in an
 * image, or a line and column (from 1) in JSON; line is 0 otherwise. */
struct crit_err {
	enum crit_code code;
	uint64_t pos;
	uint32_t line, col;
	char msg[640];
	char file[256]; /* the image, when the call reads a directory (crit_x) */
};

/* Where bytes come from: a file descriptor read forward only (a pipe works),
 * or a buffer the caller owns. */
struct crit_source {
	int fd;           /* used when data is NULL */
	const void *data; /* in-memory image */
	size_t size;
};

/* Where bytes go. write returns false on failure (errno tells why). */
struct crit_sink {
	bool (*write)(void *ctx, const void *buf, size_t n);
	void *ctx;
};

struct crit_decode_opts {
	bool pretty; /* json.dump(indent=4) and CRIT's field conversions */
	bool nopl;   /* show payload sizes, not payloads (crit show --nopl) */
};

/* The image as JSON, exactly as Python CRIT's `crit decode` prints it
 * (without the trailing newline that CRIT adds on stdout). */
bool crit_decode(const struct crit_source *in, const struct crit_sink *out,
		 const struct crit_decode_opts *opts, struct crit_err *err);

/* JSON as decode writes it (either form, or Python CRIT's) back to the
 * exact image bytes. */
bool crit_encode(const struct crit_source *in, const struct crit_sink *out, struct crit_err *err);

struct crit_info {
	char magic[48];
	uint64_t count; /* entries; a pagemap's head is not counted */
};

/* The magic name and entry count (crit info). */
bool crit_info(const struct crit_source *in, struct crit_info *info, struct crit_err *err);

/* crit x DIR WHAT: the checkpoint in DIR as Python CRIT's explorers show
 * it, for WHAT "ps", "fds", "mems" or "rss" (zombies, which have no files
 * or memory of their own, are listed with their state); or "stats", the
 * dump and restore statistics. */
bool crit_explore(const char *dir, const char *what, const struct crit_sink *out, struct crit_err *err);

/* The schema the tables were generated from. */
const char *crit_tables_origin(void);
const char *crit_tables_digest(void);

#endif
