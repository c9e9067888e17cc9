/*
 * image_encode.c - an image's JSON back to the image: the magics, then
 * each entry's size, message and raw payload, as CRIU writes them.
 *
 * The JSON is read as it comes, so memory holds one entry's bytes, not the
 * image. Payload lengths must agree with the fields that announce them:
 * an image whose "bytes" says 10 but whose data has 9 would not restore.
 * The fields may come before or after "extra", so the payload is kept
 * until the entry's object ends, then checked and written.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/encode.h"
#include "format/image.h"

struct image_writer {
	struct rd rd;
	struct out out;
	struct enc e;
	struct buf msg;        /* the entry's message */
	struct buf payload[2]; /* what follows it: "extra" (TCP: inq, outq) */
	struct buf sub;        /* a message inside "extra" (IPCNS_MSG) */
	const struct handler *h;
	uint32_t index;        /* of the entry being encoded */
	bool chunks;           /* a ghost file's data comes in chunk entries */
	/* the entry's "extra", as read */
	bool has_extra, has_outq;
	struct jr_pos extra_at;      /* the value of "extra" */
	struct jr_pos payload_at[2]; /* the strings payload[] came from */
	uint64_t count;        /* semaphores, or messages of a queue */
	struct crit_err *err;
	struct jr jr; /* jr_init clears what it needs: not its frames' pages */
	uint8_t outbuf[1u << 16];
};

static bool put_zeros(struct image_writer *iw, struct buf *b, size_t n)
{
	static const uint8_t zeros[8];
	return buf_put(b, zeros, n) || jr_fail(&iw->jr, buf_code(), "%s", buf_why());
}

/* ------------------------------------------------------------------ */
/* "extra": read                                                        */
/* ------------------------------------------------------------------ */

/* A base64 string appended to b. */
static bool read_blob(struct image_writer *iw, struct buf *b, const char *what)
{
	int t = jr_next(&iw->jr);

	if (t < 0)
		return false;
	if (b == &iw->payload[0] || b == &iw->payload[1])
		iw->payload_at[b == &iw->payload[1]] = iw->jr.at;
	if (t != JV_STRING)
		return jr_fail(&iw->jr, CRIT_E_TYPE, "%s must be a base64 string, not %s", what, jv_type_name(t));
	return enc_base64(&iw->e, b, what);
}

/* TCP_STREAM: {"inq": base64, "outq": base64}. */
static bool read_tcp(struct image_writer *iw)
{
	const char *name;
	size_t len;

	if (jr_next(&iw->jr) != JV_OBJECT)
		return jr_fail(&iw->jr, CRIT_E_TYPE, "\"extra\" must be {\"inq\": ..., \"outq\": ...}");
	iw->extra_at = iw->jr.at;
	bool inq = false;
	while (jr_member(&iw->jr, &name, &len)) {
		bool out = len == 4 && strcmp(name, "outq") == 0;
		if (!out && (len != 3 || strcmp(name, "inq") != 0))
			return jr_fail(&iw->jr, CRIT_E_KEY, "\"extra\" has \"inq\" and \"outq\", not '%s'", name);
		iw->payload[out].n = 0; /* the last of repeated names counts */
		if (!read_blob(iw, &iw->payload[out], name))
			return false;
		inq |= !out;
		iw->has_outq |= out;
	}
	if (crit_failed(iw->err))
		return false;
	if (!inq || !iw->has_outq)
		return jr_fail_pos(&iw->jr, iw->extra_at, CRIT_E_REQUIRED, "\"extra\" has no \"%s\"",
				   inq ? "outq" : "inq");
	return true;
}

/* IPCNS_SEM: the semaphore values. */
static bool read_sems(struct image_writer *iw)
{
	if (jr_next(&iw->jr) != JV_ARRAY)
		return jr_fail(&iw->jr, CRIT_E_TYPE, "\"extra\" must list the semaphore values");
	iw->extra_at = iw->jr.at;
	while (jr_element(&iw->jr)) {
		uint64_t x;
		if (jr_next(&iw->jr) != JV_NUMBER || !enc_uint(&iw->e, &x) || x > 0xffff)
			return jr_fail(&iw->jr, CRIT_E_TYPE, "a semaphore value is 0 to 65535");
		uint8_t t[2] = { (uint8_t)x, (uint8_t)(x >> 8) };
		if (!buf_put(&iw->payload[0], t, 2))
			return jr_fail(&iw->jr, buf_code(), "%s", buf_why());
		iw->count++;
	}
	return !crit_failed(iw->err);
}

/* IPCNS_MSG: [ipc_msg, data, ipc_msg, data, ...]; each message goes out
 * with its size, its data padded to 8 bytes. */
static bool read_msgs(struct image_writer *iw)
{
	struct buf *b = &iw->payload[0];

	if (jr_next(&iw->jr) != JV_ARRAY)
		return jr_fail(&iw->jr, CRIT_E_TYPE, "\"extra\" must list pairs of message and data");
	iw->extra_at = iw->jr.at;
	while (jr_element(&iw->jr)) {
		struct enc_hook hook = { .want = { "msize" } };
		if (jr_next(&iw->jr) != JV_OBJECT)
			return jr_fail(&iw->jr, CRIT_E_TYPE, "\"extra\" must list pairs of message and data");
		iw->sub.n = 0;
		iw->e.out = &iw->sub;
		bool ok = enc_object(&iw->e, image_queue_msg(), &hook);
		iw->e.out = &iw->msg;
		if (!ok)
			return false;
		uint8_t size[ENTRY_SIZE_LEN];
		le32_put(size, (uint32_t)iw->sub.n);
		if (!buf_put(b, size, sizeof(size)) || !buf_put(b, iw->sub.p, iw->sub.n))
			return jr_fail(&iw->jr, buf_code(), "%s", buf_why());
		if (!jr_element(&iw->jr))
			return crit_failed(iw->err) ? false
						    : jr_fail_pos(&iw->jr, iw->extra_at, CRIT_E_TYPE,
								  "\"extra\" must list pairs of message and data");
		size_t before = b->n;
		if (!read_blob(iw, b, "message data"))
			return false;
		uint64_t msize = hook.got[0];
		if (b->n - before != msize)
			return jr_fail(&iw->jr, CRIT_E_TYPE, "message data has %zu bytes, its msize says %llu",
				       b->n - before, (unsigned long long)msize);
		if (!put_zeros(iw, b, round_up(msize, 8) - msize))
			return false;
		iw->count++;
	}
	return !crit_failed(iw->err);
}

/* The entry's "extra" member, whatever comes before or after it. */
static bool read_extra(struct enc *e, void *ctx)
{
	struct image_writer *iw = ctx;

	(void)e;
	iw->payload[0].n = iw->payload[1].n = 0; /* the last of repeated "extra"s counts */
	iw->has_outq = false;
	iw->count = 0;
	iw->has_extra = true;
	if (iw->h->frame == FR_GHOST || iw->h->extra == EX_BLOB || iw->h->extra == EX_BPF || iw->h->extra == EX_SHM) {
		bool ok = read_blob(iw, &iw->payload[0], "\"extra\"");
		iw->extra_at = iw->payload_at[0];
		return ok;
	}
	switch (iw->h->extra) {
	case EX_NONE:
		return jr_fail(&iw->jr, CRIT_E_KEY, "%s entries carry no \"extra\"", iw->h->magic);
	case EX_TCP:
		return read_tcp(iw);
	case EX_SEM:
		return read_sems(iw);
	default:
		return read_msgs(iw);
	}
}

/* ------------------------------------------------------------------ */
/* "extra": checked against the entry                                   */
/* ------------------------------------------------------------------ */

/* payload[i] must have the length the entry gives. */
static bool blob_is(struct image_writer *iw, int i, uint64_t len, const char *what, struct jr_pos entry)
{
	if (!iw->has_extra)
		return jr_fail_pos(&iw->jr, entry, CRIT_E_REQUIRED, "no %s of %llu bytes", what,
				   (unsigned long long)len);
	if (iw->payload[i].n != len)
		return jr_fail_pos(&iw->jr, iw->payload_at[i], CRIT_E_TYPE, "%s has %zu bytes, the entry says %llu", what,
				   iw->payload[i].n, (unsigned long long)len);
	return true;
}

/* The payload agrees with the entry's fields a and b (the handler's). */
static bool check_extra(struct image_writer *iw, uint64_t a, uint64_t b, struct jr_pos entry)
{
	uint64_t size, pad;

	if (iw->h->extra == EX_NONE)
		return true;
	extra_layout(iw->h, a, b, &size, &pad);
	switch (iw->h->extra) {
	case EX_BLOB:
	case EX_BPF:
		return blob_is(iw, 0, size, "\"extra\"", entry);
	case EX_TCP:
		return blob_is(iw, 0, a, "inq", entry) && blob_is(iw, 1, b, "outq", entry);
	case EX_SHM:
		if (b) /* in_pagemaps: the segment lives in the pagemap */
			return !iw->has_extra || jr_fail_pos(&iw->jr, iw->extra_at, CRIT_E_KEY,
							     "a segment in_pagemaps carries no \"extra\"");
		return blob_is(iw, 0, size, "\"extra\"", entry) && put_zeros(iw, &iw->payload[0], pad);
	case EX_SEM:
		if (!iw->has_extra || iw->count != a)
			return jr_fail_pos(&iw->jr, iw->has_extra ? iw->extra_at : entry, CRIT_E_TYPE,
					   "\"extra\" must list the %llu semaphore values", (unsigned long long)a);
		return put_zeros(iw, &iw->payload[0], pad);
	case EX_MSG:
		if (!iw->has_extra || iw->count != a)
			return jr_fail_pos(&iw->jr, iw->has_extra ? iw->extra_at : entry, CRIT_E_TYPE,
					   "\"extra\" must list %llu pairs of message and data",
					   (unsigned long long)a);
		return true;
	default:
		return true;
	}
}

/* A ghost file: its entry with the contents as "extra", or (with chunks)
 * the entry and then chunk entries each with its data. */
static bool check_ghost(struct image_writer *iw, uint64_t v, struct jr_pos entry)
{
	if (iw->index > 0) {
		if (!iw->chunks)
			return jr_fail_pos(&iw->jr, entry, CRIT_E_TYPE, "a ghost file without chunks has one entry");
		return blob_is(iw, 0, v, "the chunk's \"extra\"", entry);
	}
	iw->chunks = v;
	if (iw->chunks && iw->has_extra)
		return jr_fail_pos(&iw->jr, iw->extra_at, CRIT_E_KEY,
				   "a chunked ghost file has its data in the chunks");
	if (!iw->chunks && !iw->has_extra)
		return jr_fail_pos(&iw->jr, entry, CRIT_E_TYPE,
				   "the ghost file's contents must be a base64 \"extra\"");
	return true;
}

/* ------------------------------------------------------------------ */
/* Entries                                                              */
/* ------------------------------------------------------------------ */

/* The entry whose value of type t was just read. */
static bool put_entry(struct image_writer *iw, int t)
{
	const struct handler *h = iw->h;
	const struct crit_msg *m = image_entry_msg(h, iw->index);
	struct enc_hook hook = { .key = "extra", .read = read_extra, .ctx = iw,
				 .want = { h->fields[0], h->fields[1] } };
	struct jr_pos at = iw->jr.at;

	if (t != JV_OBJECT)
		return jr_fail(&iw->jr, CRIT_E_TYPE, "an entry must be an object, not %s", jv_type_name(t));
	if (h->frame == FR_GHOST && iw->index > 0)
		hook.want[0] = "len"; /* a chunk's */
	iw->msg.n = iw->payload[0].n = iw->payload[1].n = 0;
	iw->has_extra = false;
	iw->count = 0;
	iw->e.out = &iw->msg;
	if (!enc_object(&iw->e, m, &hook))
		return false;
	if (h->frame == FR_GHOST ? !check_ghost(iw, hook.got[0], at) : !check_extra(iw, hook.got[0], hook.got[1], at))
		return false;
	if (iw->msg.n > UINT32_MAX)
		return jr_fail_pos(&iw->jr, at, CRIT_E_LIMIT, "an entry of %zu bytes", iw->msg.n);
	uint8_t size[ENTRY_SIZE_LEN];
	le32_put(size, (uint32_t)iw->msg.n);
	out_put(&iw->out, size, sizeof(size));
	for (int i = -1; i < 2; i++) {
		struct buf *b = i < 0 ? &iw->msg : &iw->payload[i];
		if (b->n) /* an empty buffer may have no memory yet */
			out_put(&iw->out, b->p, b->n);
	}
	return true;
}

/* The entries after the last one, when they are plain messages (nothing
 * of theirs wanted, no payload) shaped as before: a run at a time. */
static void put_run(struct image_writer *iw)
{
	enum { RUN = 1024 }; /* entries a run holds in iw->msg */
	const struct handler *h = iw->h;
	size_t n;

	if (h->extra != EX_NONE || h->fields[0] || h->fields[1] || h->frame == FR_GHOST ||
	    (h->frame == FR_PAGEMAP && !iw->index))
		return;
	do {
		iw->msg.n = 0;
		iw->e.out = &iw->msg;
		n = shape_run(&iw->e, h->msg, NULL, RUN);
		if (n)
			out_put(&iw->out, iw->msg.p, iw->msg.n);
		iw->index += n;
	} while (n == RUN);
}

/* The value of "entries", read with r. */
static bool put_entries(struct image_writer *iw, struct jr *r)
{
	int t = jr_next(r);

	if (t < 0)
		return false;
	if (t != JV_ARRAY)
		return jr_fail(r, CRIT_E_TYPE, "entries must be a list, not %s", jv_type_name(t));
	for (iw->index = 0; jr_element_next(r, &t); iw->index++) {
		if (!put_entry(iw, t))
			return false;
		put_run(iw);
	}
	return !crit_failed(iw->err);
}

/* Entries that came before the magic, kept as text: read them now. */
static bool put_early_entries(struct image_writer *iw, const struct buf *text, struct jr_pos at)
{
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = text->p, .size = text->n };
	struct jr outer = iw->jr;
	struct rd rd;
	bool ok = false;

	if (!rd_open(&rd, &src, iw->err))
		return false;
	jr_init_at(&iw->jr, &rd, iw->err, at, "entries");
	ok = put_entries(iw, &iw->jr) && jr_end(&iw->jr);
	jr_free(&iw->jr);
	rd_close(&rd);
	iw->jr = outer;
	return ok;
}

/* The magic, as its name; aliases (SHMEM_PAGEMAP) are written as what they alias. */
static bool put_magic(struct image_writer *iw)
{
	struct jr *r = &iw->jr;
	int t = jr_next(r);

	if (t < 0)
		return false;
	if (t != JV_STRING)
		return jr_fail(r, CRIT_E_TYPE, "the magic must be a name, not %s", jv_type_name(t));
	const struct crit_magic *mg = schema_magic_by_name(r->str);
	const struct crit_magic *canon = mg ? schema_magic_by_value(mg->value) : NULL;
	iw->h = canon ? image_handler(canon->name) : NULL;
	if (!iw->h || strlen(r->str) != r->len)
		return jr_fail(r, CRIT_E_KEY, "unknown magic '%s'", r->str);
	uint8_t head[IMAGE_HEAD_MAX];
	out_put(&iw->out, head, image_head_put(canon, head));
	return true;
}

static bool encode_image(struct image_writer *iw)
{
	struct jr *r = &iw->jr;
	struct buf early = { 0 }; /* "entries" that came before "magic" */
	struct jr_pos early_at = { 1, 1 };
	bool seen_magic = false, seen_entries = false, ok = true;
	const char *name;
	size_t len;
	int t = jr_next(r);

	if (t >= 0 && t != JV_OBJECT)
		return jr_fail(r, CRIT_E_TYPE, "an image is {\"magic\": ..., \"entries\": [...]}, not %s",
			       jv_type_name(t));
	while (ok && t >= 0 && jr_member(r, &name, &len)) {
		if (strcmp(name, "magic") == 0 && len == 5 && !seen_magic) {
			seen_magic = true;
			ok = put_magic(iw) && (!seen_entries || put_early_entries(iw, &early, early_at));
		} else if (strcmp(name, "entries") == 0 && len == 7 && !seen_entries) {
			seen_entries = true;
			/* unusual (sorted keys): keep them until the magic is known */
			ok = seen_magic ? put_entries(iw, r) : jr_copy(r, &early, &early_at);
		} else {
			ok = jr_fail(r, CRIT_E_KEY, "an image has \"magic\" and \"entries\", once each");
		}
	}
	free(early.p);
	if (crit_failed(iw->err) || !jr_end(r))
		return false;
	if (!seen_magic || !seen_entries)
		return jr_fail(r, CRIT_E_REQUIRED, "the image has no \"%s\"",
				   seen_magic ? "entries" : "magic");
	return true;
}

bool crit_encode(const struct crit_source *in, const struct crit_sink *out, struct crit_err *err)
{
	struct image_writer *iw = malloc(sizeof(*iw));

	memset(err, 0, sizeof(*err));
	if (!iw)
		return crit_fail(err, CRIT_E_NOMEM, CRIT_NOPOS, "out of memory");
	memset(iw, 0, offsetof(struct image_writer, jr));
	iw->err = err;
	iw->e.err = err;
	iw->e.jr = &iw->jr;
	if (rd_open_ahead(&iw->rd, in, err)) {
		jr_init(&iw->jr, &iw->rd, err);
		out_init(&iw->out, out, err, iw->outbuf, sizeof(iw->outbuf));
		if (encode_image(iw))
			out_flush(&iw->out);
		jr_free(&iw->jr);
		rd_close(&iw->rd);
	}
	enc_free(&iw->e);
	free(iw->msg.p);
	free(iw->payload[0].p);
	free(iw->payload[1].p);
	free(iw->sub.p);
	free(iw);
	return !crit_failed(err);
}
