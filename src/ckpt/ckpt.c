/*
 * ckpt.c - a checkpoint directory's images, read whole and cut into
 * entries as CRIU frames them: [magic] [size, message, payload]...
 *
 * An image is read into memory as large as the file (never larger: no
 * length inside it sizes an allocation), up to CKPT_MAX_IMAGE; each
 * entry's size and payload length is checked against what is left before
 * it is used.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt/ckpt.h"

bool ckpt_open(struct ckpt *c, const char *dir, struct crit_err *err)
{
	c->dir = dir;
	c->err = err;
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0)
		return crit_fail_in(err, dir, CRIT_E_IO, CRIT_NOPOS, "cannot open the directory: %s", strerror(errno));
	return true;
}

void ckpt_close(struct ckpt *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

void ckpt_free(struct ckpt_image *im)
{
	free(im->data);
	free(im->entries);
	im->data = NULL;
	im->entries = NULL;
	im->n = 0;
}

static bool fail(struct ckpt_image *im, uint64_t pos, enum crit_code code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail(struct ckpt_image *im, uint64_t pos, enum crit_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crit_vfail_in(im->src.err, im->file, code, pos, fmt, ap);
	va_end(ap);
	return false;
}

/* The whole file, as large as it is. */
static bool read_whole(struct ckpt *c, struct ckpt_image *im, const char *name, bool *missing)
{
	/* a FIFO or a device must not block the open: it is refused below */
	int fd = openat(c->dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;

	if (fd < 0 && errno == ENOENT && missing) {
		*missing = true;
		return false;
	}
	if (fd < 0)
		return fail(im, CRIT_NOPOS, CRIT_E_IO, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(im, CRIT_NOPOS, CRIT_E_IO, "not a regular file");
	}
	if ((uint64_t)st.st_size > CKPT_MAX_IMAGE) {
		close(fd);
		return fail(im, CRIT_NOPOS, CRIT_E_LIMIT, "an image of %llu bytes, more than the %zu MiB crit x reads",
			    (unsigned long long)st.st_size, CKPT_MAX_IMAGE >> 20);
	}
	im->size = (size_t)st.st_size;
	im->data = malloc(im->size ? im->size : 1);
	size_t got = 0;
	while (im->data && got < im->size) {
		ssize_t k = read(fd, im->data + got, im->size - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	if (!im->data)
		return fail(im, CRIT_NOPOS, CRIT_E_NOMEM, "out of memory for %zu bytes", im->size);
	if (got < im->size)
		return fail(im, got, CRIT_E_IO, "the file shrank while it was read");
	return true;
}

/* The payload after an entry, as its handler sizes it. */
static bool payload_size(struct ckpt_image *im, const struct view *e, uint64_t left, uint64_t *n)
{
	const struct handler *h = im->h;
	uint64_t a = h->fields[0] ? view_uint_or(e, h->fields[0], 0) : 0;
	uint64_t b = h->fields[1] ? view_uint_or(e, h->fields[1], 0) : 0;
	uint64_t data, pad;

	*n = 0;
	/* clamped, so that no sum of them wraps; a field that sizes no
	 * payload (in_pagemaps' segment size) may exceed what is left */
	a = a > left ? left + 1 : a;
	b = b > left ? left + 1 : b;
	if (!extra_layout(h, a, b, &data, &pad))
		return fail(im, 0, CRIT_E_MAGIC, "%s images cannot be explored", h->magic);
	if (data + pad > left)
		return fail(im, (uint64_t)(e->end - im->data), CRIT_E_TRUNCATED,
			    "the entry's payload runs past the image");
	*n = data + pad;
	return true;
}

static bool add_entry(struct ckpt_image *im, struct view v, size_t *cap)
{
	if (im->n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		struct view *p = realloc(im->entries, c * sizeof(*p));
		if (!p)
			return fail(im, CRIT_NOPOS, CRIT_E_NOMEM, "out of memory");
		im->entries = p;
		*cap = c;
	}
	im->entries[im->n++] = v;
	return true;
}

static bool cut(struct ckpt_image *im)
{
	const uint8_t *p = im->data, *end = im->data + im->size;
	struct image_head hd;
	size_t cap = 0;

	if (!image_head(p, im->size, im->file, &hd, im->src.err))
		return false;
	im->h = image_handler_any(hd.magic->name);
	if (!im->h || im->h->frame == FR_GHOST)
		return fail(im, hd.len - 4, CRIT_E_MAGIC, "no explorer reads images with magic %s", hd.magic->name);
	p += hd.len;
	while (p < end) {
		uint64_t at = (uint64_t)(p - im->data), pay;
		if (end - p < ENTRY_SIZE_LEN)
			return fail(im, at, CRIT_E_TRUNCATED, "truncated entry: the size needs 4 bytes");
		uint32_t size = le32_get(p);
		p += ENTRY_SIZE_LEN;
		if (size > (size_t)(end - p))
			return fail(im, at, CRIT_E_TRUNCATED, "an entry of %u bytes, %zu left", size, (size_t)(end - p));
		struct view v = { p, p + size, image_entry_msg(im->h, im->n), &im->src };
		p += size;
		if (!payload_size(im, &v, (uint64_t)(end - p), &pay))
			return false;
		if (pay > (uint64_t)(end - p))
			return fail(im, (uint64_t)(p - im->data), CRIT_E_TRUNCATED,
				    "a payload of %llu bytes, %zu left", (unsigned long long)pay, (size_t)(end - p));
		p += pay;
		if (!add_entry(im, v, &cap))
			return false;
	}
	return !crit_failed(im->src.err);
}

bool ckpt_load(struct ckpt *c, struct ckpt_image *im, bool *missing, const char *fmt, ...)
{
	char name[256];
	va_list ap;

	memset(im, 0, sizeof(*im));
	if (missing)
		*missing = false;
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	size_t dn = strlen(c->dir);
	while (dn > 1 && c->dir[dn - 1] == '/') /* "DIR/" names its images DIR/NAME */
		dn--;
	if (snprintf(im->file, sizeof(im->file), "%.*s%s%s", (int)dn, c->dir, dn && c->dir[dn - 1] == '/' ? "" : "/",
		     name) >= (int)sizeof(im->file))
		memcpy(im->file + sizeof(im->file) - 4, "...", 4); /* named, if cut */
	im->src = (struct view_src){ im->file, NULL, c->err };
	if (crit_failed(c->err) || !read_whole(c, im, name, missing))
		return false;
	im->src.base = im->data;
	if (!cut(im)) {
		ckpt_free(im);
		return false;
	}
	return true;
}
