/*
 * ckpt.h - a checkpoint directory: its images read whole and cut into
 * entries, each a view of its message (the explorers' input).
 */
#ifndef CRIT_CKPT_H
#define CRIT_CKPT_H

#include "ckpt/view.h"
#include "format/image.h"

/* The largest image crit x reads (whole, and cut into entries of up to
 * 8 times its size): images of real dumps are a few MB. */
#define CKPT_MAX_IMAGE ((size_t)256 << 20)

struct ckpt {
	int dirfd;
	const char *dir;
	struct crit_err *err;
};

struct ckpt_image {
	char file[256];      /* DIR/NAME, for errors */
	uint8_t *data;
	size_t size;
	struct view_src src;
	const struct handler *h;
	struct view *entries; /* a pagemap's head is entries[0] */
	size_t n;
};

bool ckpt_open(struct ckpt *c, const char *dir, struct crit_err *err);
void ckpt_close(struct ckpt *c);

/* The image NAME (a printf format), read and cut into entries. An image
 * that is not there is no error: false with *missing set (missing may be
 * NULL when the image must be there). */
bool ckpt_load(struct ckpt *c, struct ckpt_image *im, bool *missing, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ckpt_free(struct ckpt_image *im);

#endif
