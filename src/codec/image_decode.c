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
#include "codec/image_decode.h"
#include "format/image.h"

/* ------------------------------------------------------------------ */
/* Handlers                                                             */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The walk over an image                                               */
/* ------------------------------------------------------------------ */

struct image_reader {
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

static bool read_magic(struct image_reader *ir)
{
	struct image_head hd;
	size_t got = rd_fill(&ir->rd, 8);

	if (!image_head(rd_ptr(&ir->rd), got, NULL, &hd, ir->err))
		return false;
	rd_advance(&ir->rd, hd.len);
	ir->magic = hd.magic;
	ir->h = image_handler(hd.magic->name);
	if (!ir->h)
		return crit_fail(ir->err, CRIT_E_MAGIC, hd.len - 4, "no handler for images with magic %s",
				 hd.magic->name);
	return true;
}

/* The size of the next entry; false at a clean end of the image. */
static bool next_entry(struct image_reader *ir, uint32_t *size)
{
	size_t got = rd_fill(&ir->rd, ENTRY_SIZE_LEN);

	if (got == 0)
		return false;
	if (got < ENTRY_SIZE_LEN) {
		ir->count++; /* the entry it is cut in: errors name it */
		crit_fail(ir->err, CRIT_E_TRUNCATED, rd_pos(&ir->rd),
			  "truncated entry: the size needs 4 bytes, %zu left", got);
		return false;
	}
	*size = le32_get(rd_ptr(&ir->rd));
	ir->entry_at = rd_pos(&ir->rd);
	ir->entry_size = *size;
	rd_advance(&ir->rd, ENTRY_SIZE_LEN);
	return true;
}

/* An entry that the image ends inside is named as such, whatever inside
 * it noticed first: decode, info and crit x say the same of the same
 * damage (ckpt.c's "an entry of N bytes, M left"). */
static bool entry_cut(struct image_reader *ir)
{
	const struct rd *r = &ir->rd;
	uint64_t start = ir->entry_at + 4;

	if (ir->err->code == CRIT_E_TRUNCATED && r->eof && r->base + r->len < start + ir->entry_size) {
		memset(ir->err, 0, sizeof(*ir->err));
		crit_fail(ir->err, CRIT_E_TRUNCATED, ir->entry_at, "an entry of %u bytes, %llu left", ir->entry_size,
			  (unsigned long long)(r->base + r->len - start));
	}
	return false;
}

/* The entry's message, as JSON. */
static bool entry_msg(struct image_reader *ir, const struct crit_msg *m, uint32_t size)
{
	return dec_fields(&ir->d, m, size) || entry_cut(ir);
}

/* Ask the decoder to note the values of these top-level fields. */
static bool want(struct image_reader *ir, const struct crit_msg *m, const char *const *names, int n)
{
	ir->d.ncaps = 0;
	for (int i = 0; i < n && names[i]; i++) {
		const struct crit_field *f = schema_field_by_name(m, names[i]);
		if (!f)
			return crit_fail(ir->err, CRIT_E_USAGE, CRIT_NOPOS, "the tables' %s has no field %s", m->name,
					 names[i]);
		ir->d.caps[ir->d.ncaps++] = (struct capture){ .f = f };
	}
	return true;
}

/* The value of the i-th field want() asked for, 0 when the entry has none. */
static uint64_t captured(const struct image_reader *ir, int i)
{
	return i < ir->d.ncaps && ir->d.caps[i].seen ? ir->d.caps[i].v : 0;
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
static bool put_blob(struct image_reader *ir, uint64_t n, const char *what)
{
	struct b64 b;

	b64_open(&b, &ir->w);
	while (n) {
		size_t chunk = n < CRIT_WINDOW ? (size_t)n : CRIT_WINDOW;
		if (!rd_need(&ir->rd, chunk, what))
			return false;
		b64_feed(&b, rd_ptr(&ir->rd), chunk);
		rd_advance(&ir->rd, chunk);
		n -= chunk;
	}
	b64_close(&b);
	return true;
}

/* Everything up to the end of the input as a base64 string. */
static bool put_rest(struct image_reader *ir)
{
	struct b64 b;
	size_t got;

	b64_open(&b, &ir->w);
	while ((got = rd_fill(&ir->rd, CRIT_WINDOW)) > 0) {
		b64_feed(&b, rd_ptr(&ir->rd), got);
		rd_advance(&ir->rd, got);
	}
	b64_close(&b);
	return !crit_failed(ir->err);
}

/* The zeros CRIU pads payloads with. Anything else would be lost by the
 * JSON, so it is an error rather than skipped. */
static bool padding(struct image_reader *ir, uint64_t n, const char *what)
{
	if (!rd_need(&ir->rd, (size_t)n, what))
		return false;
	for (uint64_t i = 0; i < n; i++)
		if (rd_ptr(&ir->rd)[i])
			return crit_fail(ir->err, CRIT_E_WIRE, rd_pos(&ir->rd) + i, "%s is not zero", what);
	rd_advance(&ir->rd, (size_t)n);
	return true;
}

static bool sem_extra(struct image_reader *ir, uint64_t nsems, uint64_t size, uint64_t pad)
{
	if (ir->nopl) {
		put_size(&ir->w, size);
		return rd_skip(&ir->rd, size + pad, "semaphores");
	}
	jw_arr_open(&ir->w);
	for (uint64_t i = 0; i < nsems; i++) {
		if (!rd_need(&ir->rd, 2, "semaphore values"))
			return false;
		jw_u64(&ir->w, (uint64_t)rd_ptr(&ir->rd)[0] | (uint64_t)rd_ptr(&ir->rd)[1] << 8);
		rd_advance(&ir->rd, 2);
	}
	jw_arr_close(&ir->w);
	return padding(ir, pad, "semaphore padding");
}

/* A queue's messages: an ipc_msg entry (shown without --pretty's
 * conversions, as CRIT does), then its data padded to 8 bytes. */
static bool msg_extra(struct image_reader *ir, uint64_t qnum)
{
	static const char *const msize[] = { "msize" };
	uint64_t total = 0;
	bool pretty = ir->d.pretty;
	uint32_t size;

	if (!ir->nopl)
		jw_arr_open(&ir->w);
	for (uint64_t i = 0; i < qnum; i++) {
		/* CRIT stops quietly when the queue is cut short: a truncated
		 * payload, refused as any other (docs/compat.md). */
		if (!next_entry(ir, &size))
			return crit_fail(ir->err, CRIT_E_TRUNCATED, rd_pos(&ir->rd),
					 "truncated message queue: %llu of its %llu messages", (unsigned long long)i,
					 (unsigned long long)qnum);
		if (!want(ir, image_queue_msg(), msize, 1))
			return false;
		struct jw *w = ir->nopl ? &ir->mute : &ir->w;
		ir->d.w = w;
		ir->d.pretty = false;
		jw_obj_open(w);
		bool ok = dec_fields(&ir->d, image_queue_msg(), size);
		jw_obj_close(w);
		ir->d.w = &ir->w;
		ir->d.pretty = pretty;
		if (!ok)
			return false;
		uint64_t len = captured(ir, 0);
		total += size + len;
		if (ir->nopl) {
			if (!rd_skip(&ir->rd, round_up(len, 8), "message data"))
				return false;
			continue;
		}
		if (!put_blob(ir, len, "message data") ||
		    !padding(ir, round_up(len, 8) - len, "message padding"))
			return false;
	}
	if (ir->nopl)
		put_size(&ir->w, total);
	else
		jw_arr_close(&ir->w);
	return !crit_failed(ir->err);
}

/* The raw payload after an entry, as "extra". */
static bool put_extra(struct image_reader *ir)
{
	const struct handler *h = ir->h;
	uint64_t a = captured(ir, 0), b = captured(ir, 1), size, pad;

	extra_layout(h, a, b, &size, &pad); /* EX_MSG's messages size themselves */

	if (h->extra == EX_NONE || (h->extra == EX_SHM && b))
		return true; /* in_pagemaps: the segment lives in the pagemap */
	jw_key(&ir->w, "extra");
	switch (h->extra) {
	case EX_BLOB:
	case EX_BPF:
		if (ir->nopl) {
			put_size(&ir->w, size);
			return rd_skip(&ir->rd, size, "payload");
		}
		return put_blob(ir, size, "payload");
	case EX_TCP:
		if (ir->nopl) {
			put_size(&ir->w, size);
			return rd_skip(&ir->rd, size, "TCP queues");
		}
		jw_obj_open(&ir->w);
		jw_key(&ir->w, "inq");
		if (!put_blob(ir, a, "TCP receive queue"))
			return false;
		jw_key(&ir->w, "outq");
		if (!put_blob(ir, b, "TCP send queue"))
			return false;
		jw_obj_close(&ir->w);
		return true;
	case EX_SHM:
		if (ir->nopl) {
			put_size(&ir->w, size);
			return rd_skip(&ir->rd, size + pad, "shared memory");
		}
		return put_blob(ir, size, "shared memory") && padding(ir, pad, "shared memory padding");
	case EX_SEM:
		return sem_extra(ir, a, size, pad);
	case EX_MSG:
		return msg_extra(ir, a);
	default:
		return true;
	}
}

/* One entry: the message, then its payload; in skim mode an entry with no
 * payload is skipped unread. */
static bool entry(struct image_reader *ir, const struct crit_msg *m, uint32_t size, bool has_extra)
{
	ir->count++;
	if (ir->skim && !has_extra)
		return rd_skip(&ir->rd, size, "entry") || entry_cut(ir);
	if (has_extra && !want(ir, m, ir->h->fields, 2))
		return false;
	jw_obj_open(&ir->w);
	bool ok = entry_msg(ir, m, size) && (!has_extra || put_extra(ir));
	jw_obj_close(&ir->w);
	return ok;
}

static bool ghost_chunks(struct image_reader *ir)
{
	static const char *const len[] = { "len" };
	uint32_t size;

	while (next_entry(ir, &size)) {
		ir->count++;
		if (!want(ir, image_entry_msg(ir->h, ir->count), len, 1))
			return false;
		jw_obj_open(&ir->w);
		if (!entry_msg(ir, image_entry_msg(ir->h, ir->count), size))
			return false;
		if (ir->nopl) {
			if (!rd_skip(&ir->rd, captured(ir, 0), "ghost file chunk"))
				return false;
		} else {
			jw_key(&ir->w, "extra");
			if (!put_blob(ir, captured(ir, 0), "ghost file chunk"))
				return false;
		}
		jw_obj_close(&ir->w);
	}
	return !crit_failed(ir->err);
}

/* A ghost file: its entry, then either chunk entries with their data or
 * (without chunks) the whole rest of the image as the file's contents. */
static bool ghost(struct image_reader *ir)
{
	uint32_t size;

	if (!next_entry(ir, &size))
		return !crit_failed(ir->err);
	ir->count++;
	if (!want(ir, ir->h->msg, ir->h->fields, 2))
		return false;
	jw_obj_open(&ir->w);
	if (!entry_msg(ir, ir->h->msg, size))
		return false;
	if (captured(ir, 0)) {
		jw_obj_close(&ir->w);
		return ghost_chunks(ir);
	}
	if (ir->nopl) {
		while (rd_fill(&ir->rd, CRIT_WINDOW))
			rd_advance(&ir->rd, ir->rd.len - ir->rd.off);
	} else {
		jw_key(&ir->w, "extra");
		if (!put_rest(ir))
			return false;
	}
	jw_obj_close(&ir->w);
	return !crit_failed(ir->err);
}

static bool entries(struct image_reader *ir)
{
	const struct handler *h = ir->h;
	uint32_t size;

	if (h->frame == FR_GHOST)
		return ghost(ir);
	for (uint64_t i = 0; next_entry(ir, &size); i++) {
		if (!entry(ir, image_entry_msg(h, i), size, h->extra != EX_NONE))
			return false;
	}
	return !crit_failed(ir->err);
}

static struct image_reader *image_open(const struct crit_source *in, const struct crit_sink *out, bool pretty,
				struct crit_err *err)
{
	struct image_reader *ir = malloc(sizeof(*ir));

	memset(err, 0, sizeof(*err));
	if (!ir) {
		crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
		return NULL;
	}
	memset(ir, 0, offsetof(struct image_reader, outbuf));
	ir->err = err;
	if (!rd_open(&ir->rd, in, err)) {
		free(ir);
		return NULL;
	}
	out_init(&ir->out, out, err, ir->outbuf, sizeof(ir->outbuf));
	jw_init(&ir->w, &ir->out, pretty);
	out_init(&ir->mute_out, NULL, err, ir->mutebuf, sizeof(ir->mutebuf));
	jw_init(&ir->mute, &ir->mute_out, false);
	dec_init(&ir->d, &ir->rd, &ir->w, pretty, err);
	return ir;
}

static void image_close(struct image_reader *ir)
{
	rd_close(&ir->rd);
	free(ir);
}

bool crit_decode(const struct crit_source *in, const struct crit_sink *out,
		 const struct crit_decode_opts *opts, struct crit_err *err)
{
	static const struct crit_decode_opts defaults;
	if (!opts)
		opts = &defaults;
	struct image_reader *ir = image_open(in, out, opts->pretty, err);

	if (!ir)
		return false;
	ir->nopl = opts->nopl;
	if (read_magic(ir)) {
		jw_obj_open(&ir->w);
		jw_key(&ir->w, "magic");
		jw_plain(&ir->w, ir->magic->name, strlen(ir->magic->name));
		jw_key(&ir->w, "entries");
		jw_arr_open(&ir->w);
		if (entries(ir)) {
			jw_arr_close(&ir->w);
			jw_obj_close(&ir->w);
		}
		out_flush(&ir->out);
	}
	bool ok = !crit_failed(err);
	image_close(ir);
	return ok;
}

bool image_check(const struct crit_source *in, int64_t *entry, const char **field, struct crit_err *err)
{
	struct image_reader *ir = image_open(in, NULL, false, err);

	*entry = -1;
	*field = NULL;
	if (!ir)
		return false;
	ir->nopl = true;
	bool ok = read_magic(ir) && entries(ir);
	if (!ok && ir->count) {
		*entry = (int64_t)ir->count - 1;
		/* past the entry's message: in the payload its fields size */
		if (err->pos != CRIT_NOPOS && err->pos >= ir->entry_at + ENTRY_SIZE_LEN + ir->entry_size &&
		    ir->d.ncaps)
			*field = ir->d.caps[0].f->name;
	}
	image_close(ir);
	return ok;
}

bool crit_info(const struct crit_source *in, struct crit_info *info, struct crit_err *err)
{
	struct image_reader *ir = image_open(in, NULL, false, err);

	if (!ir)
		return false;
	ir->nopl = true;
	ir->skim = true;
	if (read_magic(ir) && entries(ir)) {
		snprintf(info->magic, sizeof(info->magic), "%s", ir->magic->name);
		info->count = ir->count;
		if (ir->h->frame == FR_PAGEMAP && info->count)
			info->count--; /* CRIT does not count the pagemap head */
	}
	bool ok = !crit_failed(err);
	image_close(ir);
	return ok;
}
