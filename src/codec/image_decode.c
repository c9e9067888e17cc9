/*
 * image_decode.c - a whole image to JSON (crit decode), or counted
 * (crit info): the walk over its entries and their payloads, as
 * format/image.h frames them; decode.c writes each message.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decode.h"
#include "format/image.h"

/* ------------------------------------------------------------------ */
/* Handlers                                                             */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The walk over an image                                               */
/* ------------------------------------------------------------------ */

struct image {
	struct rd rd;
	struct out out;
	struct jw w;
	struct dec d;
	struct out mute_out; /* for entries read only for their sizes */
	struct jw mute;
	bool nopl;
	bool skim; /* crit info: skip entries nobody needs to look into */
	uint64_t count;
	uint64_t entry_at;   /* the offset of the entry's size */
	uint32_t entry_size;
	const struct handler *h;
	const struct crit_magic *magic;
	struct crit_err *err;
	uint8_t mutebuf[256];
	uint8_t outbuf[1u << 16]; /* last: not cleared on open */
};

static bool read_magic(struct image *im)
{
	struct image_head hd;
	size_t got = rd_fill(&im->rd, 8);

	if (!image_head(rd_ptr(&im->rd), got, NULL, &hd, im->err))
		return false;
	rd_advance(&im->rd, hd.len);
	im->magic = hd.magic;
	im->h = image_handler(hd.magic->name);
	if (!im->h)
		return crit_fail(im->err, CRIT_E_MAGIC, hd.len - 4, "no handler for images with magic %s",
				 hd.magic->name);
	return true;
}

/* The size of the next entry; false at a clean end of the image. */
static bool next_entry(struct image *im, uint32_t *size)
{
	size_t got = rd_fill(&im->rd, ENTRY_SIZE_LEN);

	if (got == 0)
		return false;
	if (got < ENTRY_SIZE_LEN) {
		crit_fail(im->err, CRIT_E_TRUNCATED, rd_pos(&im->rd),
			  "truncated entry: the size needs 4 bytes, %zu left", got);
		return false;
	}
	*size = le32_get(rd_ptr(&im->rd));
	im->entry_at = rd_pos(&im->rd);
	im->entry_size = *size;
	rd_advance(&im->rd, ENTRY_SIZE_LEN);
	return true;
}

/* An entry that the image ends inside is named as such, whatever inside
 * it noticed first: decode, info and crit x say the same of the same
 * damage (ckpt.c's "an entry of N bytes, M left"). */
static bool entry_cut(struct image *im)
{
	const struct rd *r = &im->rd;
	uint64_t start = im->entry_at + 4;

	if (im->err->code == CRIT_E_TRUNCATED && r->eof && r->base + r->len < start + im->entry_size) {
		memset(im->err, 0, sizeof(*im->err));
		crit_fail(im->err, CRIT_E_TRUNCATED, im->entry_at, "an entry of %u bytes, %llu left", im->entry_size,
			  (unsigned long long)(r->base + r->len - start));
	}
	return false;
}

/* The entry's message, as JSON. */
static bool entry_msg(struct image *im, const struct crit_msg *m, uint32_t size)
{
	return dec_fields(&im->d, m, size) || entry_cut(im);
}

/* Ask the decoder to note the values of these top-level fields. */
static bool want(struct image *im, const struct crit_msg *m, const char *const *names, int n)
{
	im->d.ncaps = 0;
	for (int i = 0; i < n && names[i]; i++) {
		const struct crit_field *f = schema_field_by_name(m, names[i]);
		if (!f)
			return crit_fail(im->err, CRIT_E_USAGE, CRIT_NOPOS, "the tables' %s has no field %s", m->name,
					 names[i]);
		im->d.caps[im->d.ncaps++] = (struct capture){ .f = f };
	}
	return true;
}

static uint64_t cap(const struct image *im, int i)
{
	return i < im->d.ncaps && im->d.caps[i].seen ? im->d.caps[i].v : 0;
}

/* Python CRIT's human_readable() for --nopl. */
static void put_size(struct jw *w, uint64_t n)
{
	static const char units[] = "\0KMGTPEZ";
	char buf[64];
	double num = (double)n;

	for (int i = 0; i < 8; i++) {
		if (num < 1024.0) {
			if (num == (double)(uint64_t)num)
				snprintf(buf, sizeof(buf), "... <%llu%.1sB>", (unsigned long long)num, &units[i]);
			else
				snprintf(buf, sizeof(buf), "... <%.1f%.1sB>", num, &units[i]);
			jw_plain(w, buf, strlen(buf));
			return;
		}
		num /= 1024.0;
	}
	snprintf(buf, sizeof(buf), "... <%.1fYB>", num);
	jw_plain(w, buf, strlen(buf));
}

/* n bytes of payload as a base64 string. */
static bool put_blob(struct image *im, uint64_t n, const char *what)
{
	struct b64 b;

	b64_open(&b, &im->w);
	while (n) {
		size_t chunk = n < CRIT_WINDOW ? (size_t)n : CRIT_WINDOW;
		if (!rd_need(&im->rd, chunk, what))
			return false;
		b64_feed(&b, rd_ptr(&im->rd), chunk);
		rd_advance(&im->rd, chunk);
		n -= chunk;
	}
	b64_close(&b);
	return true;
}

/* Everything up to the end of the input as a base64 string. */
static bool put_rest(struct image *im)
{
	struct b64 b;
	size_t got;

	b64_open(&b, &im->w);
	while ((got = rd_fill(&im->rd, CRIT_WINDOW)) > 0) {
		b64_feed(&b, rd_ptr(&im->rd), got);
		rd_advance(&im->rd, got);
	}
	b64_close(&b);
	return !crit_failed(im->err);
}

/* The zeros CRIU pads payloads with. Anything else would be lost by the
 * JSON, so it is an error rather than skipped. */
static bool padding(struct image *im, uint64_t n, const char *what)
{
	if (!rd_need(&im->rd, (size_t)n, what))
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (rd_ptr(&im->rd)[i])
			return crit_fail(im->err, CRIT_E_WIRE, rd_pos(&im->rd) + i, "%s is not zero", what);
	rd_advance(&im->rd, (size_t)n);
	return true;
}

static bool sem_extra(struct image *im, uint64_t nsems, uint64_t size, uint64_t pad)
{
	if (im->nopl) {
		put_size(&im->w, size);
		return rd_skip(&im->rd, size + pad, "semaphores");
	}
	jw_arr_open(&im->w);
	for (uint64_t i = 0; i < nsems; i++) {
		if (!rd_need(&im->rd, 2, "semaphore values"))
			return false;
		jw_u64(&im->w, (uint64_t)rd_ptr(&im->rd)[0] | (uint64_t)rd_ptr(&im->rd)[1] << 8);
		rd_advance(&im->rd, 2);
	}
	jw_arr_close(&im->w);
	return padding(im, pad, "semaphore padding");
}

/* A queue's messages: an ipc_msg entry (shown without --pretty's
 * conversions, as CRIT does), then its data padded to 8 bytes. */
static bool msg_extra(struct image *im, uint64_t qnum)
{
	static const char *const msize[] = { "msize" };
	uint64_t total = 0;
	bool pretty = im->d.pretty;
	uint32_t size;

	if (!im->nopl)
		jw_arr_open(&im->w);
	for (uint64_t i = 0; i < qnum; i++) {
		/* CRIT stops quietly when the queue is cut short: a truncated
		 * payload, refused as any other (docs/compat.md). */
		if (!next_entry(im, &size))
			return crit_fail(im->err, CRIT_E_TRUNCATED, rd_pos(&im->rd),
					 "truncated message queue: %llu of its %llu messages", (unsigned long long)i,
					 (unsigned long long)qnum);
		if (!want(im, image_queue_msg(), msize, 1))
			return false;
		struct jw *w = im->nopl ? &im->mute : &im->w;
		im->d.w = w;
		im->d.pretty = false;
		jw_obj_open(w);
		bool ok = dec_fields(&im->d, image_queue_msg(), size);
		jw_obj_close(w);
		im->d.w = &im->w;
		im->d.pretty = pretty;
		if (!ok)
			return false;
		uint64_t len = cap(im, 0);
		total += size + len;
		if (im->nopl) {
			if (!rd_skip(&im->rd, round_up(len, 8), "message data"))
				return false;
			continue;
		}
		if (!put_blob(im, len, "message data") ||
		    !padding(im, round_up(len, 8) - len, "message padding"))
			return false;
	}
	if (im->nopl)
		put_size(&im->w, total);
	else
		jw_arr_close(&im->w);
	return !crit_failed(im->err);
}

/* The raw payload after an entry, as "extra". */
static bool put_extra(struct image *im)
{
	const struct handler *h = im->h;
	uint64_t a = cap(im, 0), b = cap(im, 1), size, pad;

	extra_layout(h, a, b, &size, &pad); /* EX_MSG's messages size themselves */

	if (h->extra == EX_NONE || (h->extra == EX_SHM && b))
		return true; /* in_pagemaps: the segment lives in the pagemap */
	jw_key(&im->w, "extra");
	switch (h->extra) {
	case EX_BLOB:
	case EX_BPF:
		if (im->nopl) {
			put_size(&im->w, size);
			return rd_skip(&im->rd, size, "payload");
		}
		return put_blob(im, size, "payload");
	case EX_TCP:
		if (im->nopl) {
			put_size(&im->w, size);
			return rd_skip(&im->rd, size, "TCP queues");
		}
		jw_obj_open(&im->w);
		jw_key(&im->w, "inq");
		if (!put_blob(im, a, "TCP receive queue"))
			return false;
		jw_key(&im->w, "outq");
		if (!put_blob(im, b, "TCP send queue"))
			return false;
		jw_obj_close(&im->w);
		return true;
	case EX_SHM:
		if (im->nopl) {
			put_size(&im->w, size);
			return rd_skip(&im->rd, size + pad, "shared memory");
		}
		return put_blob(im, size, "shared memory") && padding(im, pad, "shared memory padding");
	case EX_SEM:
		return sem_extra(im, a, size, pad);
	case EX_MSG:
		return msg_extra(im, a);
	default:
		return true;
	}
}

/* One entry: the message, then its payload; in skim mode an entry with no
 * payload is skipped unread. */
static bool entry(struct image *im, const struct crit_msg *m, uint32_t size, bool has_extra)
{
	im->count++;
	if (im->skim && !has_extra)
		return rd_skip(&im->rd, size, "entry") || entry_cut(im);
	if (has_extra && !want(im, m, im->h->fields, 2))
		return false;
	jw_obj_open(&im->w);
	bool ok = entry_msg(im, m, size) && (!has_extra || put_extra(im));
	jw_obj_close(&im->w);
	return ok;
}

static bool ghost_chunks(struct image *im)
{
	static const char *const len[] = { "len" };
	uint32_t size;

	while (next_entry(im, &size)) {
		im->count++;
		if (!want(im, image_entry_msg(im->h, im->count), len, 1))
			return false;
		jw_obj_open(&im->w);
		if (!entry_msg(im, image_entry_msg(im->h, im->count), size))
			return false;
		if (im->nopl) {
			if (!rd_skip(&im->rd, cap(im, 0), "ghost file chunk"))
				return false;
		} else {
			jw_key(&im->w, "extra");
			if (!put_blob(im, cap(im, 0), "ghost file chunk"))
				return false;
		}
		jw_obj_close(&im->w);
	}
	return !crit_failed(im->err);
}

/* A ghost file: its entry, then either chunk entries with their data or
 * (without chunks) the whole rest of the image as the file's contents. */
static bool ghost(struct image *im)
{
	uint32_t size;

	if (!next_entry(im, &size))
		return !crit_failed(im->err);
	im->count++;
	if (!want(im, im->h->msg, im->h->fields, 2))
		return false;
	jw_obj_open(&im->w);
	if (!entry_msg(im, im->h->msg, size))
		return false;
	if (cap(im, 0)) {
		jw_obj_close(&im->w);
		return ghost_chunks(im);
	}
	if (im->nopl) {
		while (rd_fill(&im->rd, CRIT_WINDOW))
			rd_advance(&im->rd, im->rd.len - im->rd.off);
	} else {
		jw_key(&im->w, "extra");
		if (!put_rest(im))
			return false;
	}
	jw_obj_close(&im->w);
	return !crit_failed(im->err);
}

static bool entries(struct image *im)
{
	const struct handler *h = im->h;
	uint32_t size;

	if (h->frame == FR_GHOST)
		return ghost(im);
	for (uint64_t i = 0; next_entry(im, &size); i++) {
		if (!entry(im, image_entry_msg(h, i), size, h->extra != EX_NONE))
			return false;
	}
	return !crit_failed(im->err);
}

static struct image *image_open(const struct crit_source *in, const struct crit_sink *out, bool pretty,
				struct crit_err *err)
{
	struct image *im = malloc(sizeof(*im));

	memset(err, 0, sizeof(*err));
	if (!im) {
		crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return NULL;
	}
	memset(im, 0, offsetof(struct image, outbuf));
	im->err = err;
	if (!rd_open(&im->rd, in, err)) {
		free(im);
		return NULL;
	}
	out_init(&im->out, out, err, im->outbuf, sizeof(im->outbuf));
	jw_init(&im->w, &im->out, pretty);
	out_init(&im->mute_out, NULL, err, im->mutebuf, sizeof(im->mutebuf));
	jw_init(&im->mute, &im->mute_out, false);
	dec_init(&im->d, &im->rd, &im->w, pretty, err);
	return im;
}

static void image_close(struct image *im)
{
	dec_free(&im->d);
	rd_close(&im->rd);
	free(im);
}

bool crit_decode(const struct crit_source *in, const struct crit_sink *out,
		 const struct crit_decode_opts *opts, struct crit_err *err)
{
	static const struct crit_decode_opts defaults;
	if (!opts)
		opts = &defaults;
	struct image *im = image_open(in, out, opts->pretty, err);

	if (!im)
		return false;
	im->nopl = opts->nopl;
	if (read_magic(im)) {
		jw_obj_open(&im->w);
		jw_key(&im->w, "magic");
		jw_plain(&im->w, im->magic->name, strlen(im->magic->name));
		jw_key(&im->w, "entries");
		jw_arr_open(&im->w);
		if (entries(im)) {
			jw_arr_close(&im->w);
			jw_obj_close(&im->w);
		}
		out_flush(&im->out);
	}
	bool ok = !crit_failed(err);
	image_close(im);
	return ok;
}

bool crit_info(const struct crit_source *in, struct crit_info *info, struct crit_err *err)
{
	struct image *im = image_open(in, NULL, false, err);

	if (!im)
		return false;
	im->nopl = true;
	im->skim = true;
	if (read_magic(im) && entries(im)) {
		snprintf(info->magic, sizeof(info->magic), "%s", im->magic->name);
		info->count = im->count;
		if (im->h->frame == FR_PAGEMAP && info->count)
			info->count--; /* CRIT does not count the pagemap head */
	}
	bool ok = !crit_failed(err);
	image_close(im);
	return ok;
}
