/*
 * image_encode.c - an image's JSON back to the image: the magics, then
 * each entry's size, message and raw payload, as CRIU writes them.
 *
 * The JSON is read one entry at a time, so memory holds one entry, not the
 * image. Payload lengths must agree with the fields that announce them:
 * an image whose "bytes" says 10 but whose data has 9 would not restore.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "tables.h"

struct imgenc {
	struct rd rd;
	struct jr jr;
	struct arena arena;
	struct out out;
	struct enc e;
	struct buf msg, payload;
	const struct handler *h;
	uint32_t index; /* of the entry being encoded */
	const struct jv *entry;
	bool chunks;    /* a ghost file's data comes in chunk entries */
	struct crit_err *err;
	uint8_t outbuf[1u << 16];
};

static void put_u32(struct out *o, uint32_t v)
{
	uint8_t t[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	out_put(o, t, 4);
}

static void put_zeros(struct out *o, size_t n)
{
	static const uint8_t zeros[8];
	out_put(o, zeros, n);
}

/* Encode obj as message m into im->msg and write it with its size. */
static bool put_message(struct imgenc *im, const struct crit_msg *m, const struct jv *obj)
{
	im->msg.n = 0;
	im->e.out = &im->msg;
	if (!enc_fields(&im->e, m, obj, "extra"))
		return false;
	if (im->msg.n > UINT32_MAX)
		return jr_fail_at(&im->jr, obj, im->e.path, CRIT_E_LIMIT, "an entry of %zu bytes", im->msg.n);
	put_u32(&im->out, (uint32_t)im->msg.n);
	if (im->msg.n) /* an empty message has no buffer yet */
		out_put(&im->out, im->msg.p, im->msg.n);
	return true;
}

/* A number field of the entry that sizes its payload (0 when absent). */
static bool size_field(struct imgenc *im, const struct crit_msg *m, const struct jv *obj, const char *name,
		       uint64_t *v)
{
	*v = 0;
	const struct jv *f = jv_get(obj, name);
	return !f || enc_scalar(&im->e, schema_field_by_name(m, name), f, v);
}

/* A base64 payload that must be exactly len bytes long. */
static bool put_blob(struct imgenc *im, const struct jv *v, uint64_t len, const char *what)
{
	if (!v)
		return crit_fail_line(im->err, CRIT_E_REQUIRED, im->jr.line, im->jr.col,
				      "%s: no %s of %llu bytes", im->e.path, what, (unsigned long long)len);
	im->payload.n = 0;
	im->e.out = &im->payload;
	if (v->type != JV_STRING)
		return jr_fail_at(&im->jr, v, im->e.path, CRIT_E_TYPE, "%s must be a base64 string", what);
	if (!enc_base64(&im->e, v, what))
		return false;
	if (im->payload.n != len)
		return jr_fail_at(&im->jr, v, im->e.path, CRIT_E_TYPE, "%s has %zu bytes, the entry says %llu",
				  what, im->payload.n, (unsigned long long)len);
	if (im->payload.n)
		out_put(&im->out, im->payload.p, im->payload.n);
	return true;
}

static bool sem_extra(struct imgenc *im, const struct jv *list, uint64_t nsems)
{
	if (!list || list->type != JV_ARRAY || list->n != nsems)
		return jr_fail_at(&im->jr, list ? list : im->entry, im->e.path, CRIT_E_TYPE,
				  "\"extra\" must list the %llu semaphore values", (unsigned long long)nsems);
	for (const struct jv *v = list->first; v; v = v->next) {
		uint64_t x;
		if (v->type != JV_NUMBER || !enc_uint(v, &x) || x > 0xffff)
			return jr_fail_at(&im->jr, v, im->e.path, CRIT_E_TYPE, "a semaphore value is 0 to 65535");
		uint8_t t[2] = { (uint8_t)x, (uint8_t)(x >> 8) };
		out_put(&im->out, t, 2);
	}
	put_zeros(&im->out, round_up(2 * nsems, 8) - 2 * nsems);
	return true;
}

/* A queue: [ipc_msg, data, ipc_msg, data, ...], at most qnum messages. */
static bool msg_extra(struct imgenc *im, const struct jv *list, uint64_t qnum)
{
	if (!list || list->type != JV_ARRAY || list->n % 2 || list->n / 2 > qnum)
		return jr_fail_at(&im->jr, list ? list : im->entry, im->e.path, CRIT_E_TYPE,
				  "\"extra\" must list up to %llu pairs of message and data",
				  (unsigned long long)qnum);
	for (const struct jv *hdr = list->first; hdr; hdr = hdr->next->next) {
		uint64_t msize;
		if (!put_message(im, &crit_msg_ipc_msg, hdr) ||
		    !size_field(im, &crit_msg_ipc_msg, hdr, "msize", &msize) ||
		    !put_blob(im, hdr->next, msize, "message data"))
			return false;
		put_zeros(&im->out, round_up(msize, 8) - msize);
	}
	return true;
}

static bool tcp_extra(struct imgenc *im, const struct jv *obj, const struct jv *extra)
{
	uint64_t inq, outq;
	const struct crit_msg *m = im->h->msg;

	if (!extra || extra->type != JV_OBJECT)
		return jr_fail_at(&im->jr, extra ? extra : obj, im->e.path, CRIT_E_TYPE,
				  "\"extra\" must be {\"inq\": ..., \"outq\": ...}");
	return size_field(im, m, obj, "inq_len", &inq) && size_field(im, m, obj, "outq_len", &outq) &&
	       put_blob(im, jv_get(extra, "inq"), inq, "inq") && put_blob(im, jv_get(extra, "outq"), outq, "outq");
}

/* The payload after an entry, from its "extra". */
static bool put_extra(struct imgenc *im, const struct jv *obj)
{
	const struct handler *h = im->h;
	const struct crit_msg *m = h->msg;
	const struct jv *extra = jv_get(obj, "extra");
	uint64_t a = 0, b = 0;

	if (h->extra == EX_NONE) {
		if (extra)
			return jr_fail_at(&im->jr, extra, im->e.path, CRIT_E_KEY,
					  "%s entries carry no \"extra\"", h->magic);
		return true;
	}
	if (!size_field(im, m, obj, h->fields[0], &a) || (h->fields[1] && !size_field(im, m, obj, h->fields[1], &b)))
		return false;
	switch (h->extra) {
	case EX_BLOB:
		return put_blob(im, extra, a, "\"extra\"");
	case EX_BPF:
		return put_blob(im, extra, a + b, "\"extra\"");
	case EX_TCP:
		return tcp_extra(im, obj, extra);
	case EX_SHM:
		if (b) /* in_pagemaps: the segment lives in the pagemap */
			return !extra || jr_fail_at(&im->jr, extra, im->e.path, CRIT_E_KEY,
						    "a segment in_pagemaps carries no \"extra\"");
		if (!put_blob(im, extra, a, "\"extra\""))
			return false;
		put_zeros(&im->out, round_up(a, 4) - a);
		return true;
	case EX_SEM:
		return sem_extra(im, extra, a);
	case EX_MSG:
		return msg_extra(im, extra, a);
	default:
		return true;
	}
}

/* A ghost file: its entry with the contents as "extra", or (with chunks)
 * the entry and then chunk entries each with its data. */
static bool ghost_entry(struct imgenc *im, const struct jv *obj)
{
	const struct jv *extra = jv_get(obj, "extra");
	uint64_t v;

	if (im->index == 0) {
		if (!put_message(im, im->h->msg, obj) || !size_field(im, im->h->msg, obj, "chunks", &v))
			return false;
		im->chunks = v;
		if (im->chunks)
			return !extra || jr_fail_at(&im->jr, extra, im->e.path, CRIT_E_KEY,
						    "a chunked ghost file has its data in the chunks");
		if (!extra || extra->type != JV_STRING)
			return jr_fail_at(&im->jr, extra ? extra : obj, im->e.path, CRIT_E_TYPE,
					  "the ghost file's contents must be a base64 \"extra\"");
		im->payload.n = 0;
		im->e.out = &im->payload;
		if (!enc_base64(&im->e, extra, "\"extra\""))
			return false;
		if (im->payload.n)
			out_put(&im->out, im->payload.p, im->payload.n);
		return true;
	}
	if (!im->chunks)
		return jr_fail_at(&im->jr, obj, im->e.path, CRIT_E_TYPE,
				  "a ghost file without chunks has one entry");
	return put_message(im, &crit_msg_ghost_chunk_entry, obj) &&
	       size_field(im, &crit_msg_ghost_chunk_entry, obj, "len", &v) &&
	       put_blob(im, extra, v, "the chunk's \"extra\"");
}

static bool put_entry(struct imgenc *im, const struct jv *obj)
{
	im->entry = obj;
	if (obj->type != JV_OBJECT)
		return jr_fail_at(&im->jr, obj, im->e.path, CRIT_E_TYPE, "an entry must be an object");
	if (im->h->frame == FR_GHOST)
		return ghost_entry(im, obj);
	const struct crit_msg *m = im->h->frame == FR_PAGEMAP && im->index == 0 ? &crit_msg_pagemap_head
										   : im->h->msg;
	return put_message(im, m, obj) && put_extra(im, obj);
}

/* The path of entry i, for error messages. */
static void entry_path(struct imgenc *im, uint32_t i)
{
	im->index = i;
	im->e.pathlen = (size_t)snprintf(im->e.path, sizeof(im->e.path), "entries[%u]", i);
}

static bool put_entries(struct imgenc *im, const struct jv *list)
{
	uint32_t i = 0;

	for (const struct jv *v = list->first; v; v = v->next, i++) {
		entry_path(im, i);
		if (!put_entry(im, v))
			return false;
	}
	return true;
}

/* The magic, as its name; aliases (SHMEM_PAGEMAP) are written as what they alias. */
static bool put_magic(struct imgenc *im, const struct jv *v)
{
	if (v->type != JV_STRING)
		return jr_fail_at(&im->jr, v, "magic", CRIT_E_TYPE, "the magic must be a name");
	const struct crit_magic *mg = schema_magic_by_name(v->str);
	const struct crit_magic *canon = mg ? schema_magic_by_value(mg->value) : NULL;
	im->h = canon ? image_handler(canon->name) : NULL;
	if (!im->h)
		return jr_fail_at(&im->jr, v, "magic", CRIT_E_KEY, "unknown magic '%s'", v->str);
	if (strcmp(canon->name, "INVENTORY") != 0) {
		const char *first = strcmp(canon->name, "STATS") == 0 || strcmp(canon->name, "IRMAP_CACHE") == 0
					    ? "IMG_SERVICE" : "IMG_COMMON";
		put_u32(&im->out, schema_magic_by_name(first)->value);
	}
	put_u32(&im->out, canon->value);
	return true;
}

static bool encode_image(struct imgenc *im)
{
	struct jv *v, *early = NULL; /* entries that came before the magic */
	const char *name;
	size_t len;
	bool seen_magic = false, seen_entries = false;

	if (!jr_open(&im->jr, '{'))
		return false;
	while (jr_member(&im->jr, &name, &len)) {
		if (strcmp(name, "magic") == 0 && !seen_magic) {
			seen_magic = true;
			if (!jr_value(&im->jr, &im->arena, &v) || !put_magic(im, v))
				return false;
			if (early && !put_entries(im, early))
				return false;
		} else if (strcmp(name, "entries") == 0 && !seen_entries) {
			seen_entries = true;
			if (!seen_magic) { /* unusual: keep them until the magic is known */
				if (!jr_value(&im->jr, &im->arena, &early))
					return false;
				if (early->type != JV_ARRAY)
					return jr_fail_at(&im->jr, early, "entries", CRIT_E_TYPE, "entries must be a list");
				continue;
			}
			if (!jr_open(&im->jr, '['))
				return false;
			for (uint32_t i = 0; jr_element(&im->jr); i++) {
				arena_reset(&im->arena);
				entry_path(im, i);
				if (!jr_value(&im->jr, &im->arena, &v) || !put_entry(im, v))
					return false;
			}
			if (crit_failed(im->err))
				return false;
		} else {
			return crit_fail_line(im->err, CRIT_E_KEY, im->jr.line, im->jr.col,
					      "'%s': an image has \"magic\" and \"entries\", once each", name);
		}
	}
	if (crit_failed(im->err) || !jr_end(&im->jr))
		return false;
	if (!seen_magic || !seen_entries)
		return crit_fail_line(im->err, CRIT_E_REQUIRED, im->jr.line, im->jr.col,
				      "the image has no \"%s\"", seen_magic ? "entries" : "magic");
	return true;
}

bool crit_encode(const struct crit_source *in, const struct crit_sink *out, struct crit_err *err)
{
	struct imgenc *im = malloc(sizeof(*im));

	memset(err, 0, sizeof(*err));
	if (!im)
		return crit_fail(err, CRIT_E_NOMEM, 0, "out of memory");
	memset(im, 0, offsetof(struct imgenc, outbuf));
	im->err = err;
	im->e.err = err;
	if (rd_open(&im->rd, in, err)) {
		jr_init(&im->jr, &im->rd, err);
		arena_init(&im->arena);
		out_init(&im->out, out, err, im->outbuf, sizeof(im->outbuf));
		if (encode_image(im))
			out_flush(&im->out);
		arena_free(&im->arena);
		rd_close(&im->rd);
	}
	free(im->msg.p);
	free(im->payload.p);
	free(im);
	return !crit_failed(err);
}
