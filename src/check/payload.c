/*
 * payload.c - every image of the directory read whole, as decode reads
 * it: each entry's message, and the raw payload after it against the
 * lengths the entry gives. Then each ghost file against the size of the
 * file it keeps.
 *
 * A damaged image found here is told once; the later stages do not load
 * it again, so nothing that follows from the damage is told.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check/check.h"
#include "codec/image_decode.h"
#include "tables.h"

static bool img_name(const char *name)
{
	size_t n = strlen(name);
	return n > 4 && strcmp(name + n - 4, ".img") == 0;
}

/* A regular file of the directory, opened without blocking (a FIFO or a
 * device is left to the stage that needs it, which refuses it). */
static int open_regular(struct chk *k, const char *name, struct stat *st)
{
	int fd = openat(k->c.dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd >= 0 && (fstat(fd, st) < 0 || !S_ISREG(st->st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void check_file(struct chk *k, const char *name)
{
	struct stat st;
	struct image_head hd;
	uint8_t head[8];
	int fd = chk_told(k, name, NULL) ? -1 : open_regular(k, name, &st);

	if (fd < 0)
		return;
	ssize_t got = pread(fd, head, sizeof(head), 0);
	memset(&k->scratch, 0, sizeof(k->scratch));
	if (got < 0 || !image_head(head, (size_t)got, NULL, &hd, &k->scratch)) {
		/* files of other names (parent, stats-dump...) may be anything */
		if (got >= 0 && img_name(name) && image_raw(name) == RAW_NONE)
			chk_problem(k, name, -1, NULL, K_DAMAGED, "offset %llu: %s",
				    (unsigned long long)k->scratch.pos, k->scratch.msg);
		close(fd);
		return;
	}
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = fd };
	int64_t entry;
	const char *field;
	k->res->images++;
	memset(&k->scratch, 0, sizeof(k->scratch));
	if (!image_check(&src, &entry, &field, &k->scratch)) {
		if (k->scratch.code == CRIT_E_NOMEM)
			crit_fail(k->err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		else if (k->scratch.pos == CRIT_NOPOS)
			chk_problem(k, name, entry, field, field ? K_PAYLOAD : K_DAMAGED, "%s", k->scratch.msg);
		else
			chk_problem(k, name, entry, field, field ? K_PAYLOAD : K_DAMAGED, "offset %llu: %s",
				    (unsigned long long)k->scratch.pos, k->scratch.msg);
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Ghost files                                                          */
/* ------------------------------------------------------------------ */

/* The most a ghost file's entry or chunk entry takes: a few fields. */
#define GHOST_MAX_ENTRY 4096

/* The entry at *off of the file (its message into buf), *off moved past it. */
static bool ghost_entry(int fd, uint64_t size, uint64_t *off, uint8_t *buf, uint32_t *len)
{
	uint8_t n[ENTRY_SIZE_LEN];

	if (size - *off < ENTRY_SIZE_LEN || pread(fd, n, ENTRY_SIZE_LEN, (off_t)*off) != ENTRY_SIZE_LEN)
		return false;
	*len = le32_get(n);
	if (*len > GHOST_MAX_ENTRY || size - *off - ENTRY_SIZE_LEN < *len ||
	    pread(fd, buf, *len, (off_t)(*off + ENTRY_SIZE_LEN)) != *len)
		return false;
	*off += ENTRY_SIZE_LEN + *len;
	return true;
}

/* The size of the file the ghost keeps: its own size field, or the
 * regular file's in files.img that remaps to it. */
static bool ghost_want(struct chk *k, const struct view *g, uint64_t file_id, uint64_t *want)
{
	struct chk_image files;
	struct view reg;
	bool found = false;

	if (view_uint(g, "size", want))
		return true;
	if (!chk_load(k, &files, NULL, "files.img"))
		return false;
	for (size_t i = 0; i < files.im.n && !found; i++)
		if (view_uint_or(&files.im.entries[i], "id", UINT64_MAX) == file_id &&
		    view_msg(&files.im.entries[i], "reg", &reg))
			found = view_uint(&reg, "size", want);
	chk_done(k, &files);
	return found;
}

/* Chunks lie in the file, in order: the file is complete when the image
 * ends right after the last one. */
static void ghost_chunks(struct chk *k, const char *name, int fd, uint64_t size, uint64_t off, uint64_t want,
			 struct view_src *src)
{
	uint8_t buf[GHOST_MAX_ENTRY];
	uint64_t end = 0;
	uint32_t len;

	for (int64_t i = 1; off < size; i++) {
		if (!ghost_entry(fd, size, &off, buf, &len))
			return; /* told by the image's own check */
		struct view c = { buf, buf + len, &crit_msg_ghost_chunk_entry, src };
		uint64_t clen = view_uint_or(&c, "len", 0), coff = view_uint_or(&c, "off", 0);
		if (coff < end || coff + clen < coff || coff + clen > want) {
			chk_problem(k, name, i, "off", K_GHOST,
				    "a chunk of %llu bytes at offset %llu, %s", (unsigned long long)clen,
				    (unsigned long long)coff,
				    coff < end ? "before the end of the chunk before it" : "past the file's size");
			return;
		}
		end = coff + clen;
		off += clen;
	}
}

static void ghost_file(struct chk *k, uint64_t remap_id, uint64_t file_id)
{
	char name[CHK_NAME];
	uint8_t buf[GHOST_MAX_ENTRY];
	struct stat st;
	struct image_head hd;
	uint32_t len;
	uint64_t want;

	snprintf(name, sizeof(name), "ghost-file-%llu.img", (unsigned long long)remap_id);
	int fd = open_regular(k, name, &st);
	if (fd < 0 || chk_told(k, name, NULL)) {
		if (fd >= 0)
			close(fd);
		return; /* a missing one is a dangling remap_id (ids.c) */
	}
	uint64_t size = (uint64_t)st.st_size, off;
	struct view_src src = { name, buf, &k->scratch };
	memset(&k->scratch, 0, sizeof(k->scratch));
	if (pread(fd, buf, 8, 0) == 8 && image_head(buf, 8, NULL, &hd, &k->scratch) &&
	    (off = hd.len, ghost_entry(fd, size, &off, buf, &len))) {
		struct view g = { buf, buf + len, &crit_msg_ghost_file_entry, &src };
		uint64_t mode = view_uint_or(&g, "mode", 0);
		if (S_ISREG(mode) && ghost_want(k, &g, file_id, &want)) {
			if (view_uint_or(&g, "chunks", 0))
				ghost_chunks(k, name, fd, size, off, want, &src);
			else if (size - off != want)
				chk_problem(k, name, 0, NULL, K_GHOST, "holds %llu bytes of a file of %llu",
					    (unsigned long long)(size - off), (unsigned long long)want);
		}
	}
	memset(&k->scratch, 0, sizeof(k->scratch));
	close(fd);
}

/* remap-fpath.img names each ghost file: a file id, and the ghost's. */
static void ghost_files(struct chk *k)
{
	struct chk_image rf;
	int32_t ghost;

	if (!schema_enum_number(&crit_enum_remap_type, "GHOST", &ghost) || !chk_load(k, &rf, NULL, "remap-fpath.img"))
		return;
	for (size_t i = 0; i < rf.im.n && !crit_failed(k->err); i++) {
		const struct view *v = &rf.im.entries[i];
		if (view_uint_or(v, "remap_type", UINT64_MAX) == (uint64_t)ghost)
			ghost_file(k, view_uint_or(v, "remap_id", 0), view_uint_or(v, "orig_id", 0));
	}
	chk_done(k, &rf);
}

void chk_payloads(struct chk *k)
{
	for (size_t i = 0; i < k->nnames && !crit_failed(k->err); i++)
		check_file(k, k->names[i]);
	ghost_files(k);
}
