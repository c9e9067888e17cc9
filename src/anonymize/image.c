/*
 * image.c - one protobuf image rewritten: its header as it was, each
 * entry's message through message.c, each raw payload (pipe and FIFO
 * data, socket queues, TCP streams, SysV IPC, BPF maps, ghost files)
 * replaced by as many zeros, as format/image.h frames them. Only one
 * entry's message is held at a time.
 */
#include <stdlib.h>
#include <unistd.h>

#include "anonymize/anonymize.h"
#include "ckpt/view.h"

struct image {
	struct anon *a;
	int fd;
	uint64_t size, off; /* the file's size; where the next entry starts */
	struct wr *w;
	const struct handler *h;
	struct buf msg, out;
	const struct crit_msg *m; /* the entry read last */
	size_t len;               /* its message's length */
};

bool anon_read(struct anon *a, int fd, uint64_t off, size_t size, struct buf *b)
{
	b->n = 0;
	if (!buf_reserve(b, size ? size : 1))
		return anon_nomem(a);
	while (b->n < size) {
		ssize_t k = pread(fd, b->p + b->n, size - b->n, (off_t)(off + b->n));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return anon_fail(a, off + b->n, CRIT_E_IO, "%s",
					 k < 0 ? strerror(errno) : "the file shrank while it was read");
		b->n += (size_t)k;
	}
	return true;
}

/* The next entry's message, of message m, read and rewritten to the
 * output with its new size; false at the end of the image (*end set). */
static bool entry(struct image *im, const struct crit_msg *m, bool *end)
{
	struct anon *a = im->a;
	uint8_t head[ENTRY_SIZE_LEN];
	struct buf hb = { head, 0, sizeof(head) };

	*end = im->off == im->size;
	if (*end)
		return false;
	if (im->size - im->off < ENTRY_SIZE_LEN)
		return anon_fail(a, im->off, CRIT_E_TRUNCATED, "truncated entry: the size needs 4 bytes");
	if (!anon_read(a, im->fd, im->off, ENTRY_SIZE_LEN, &hb))
		return false;
	uint32_t len = le32_get(head);
	if (len > im->size - im->off - ENTRY_SIZE_LEN)
		return anon_fail(a, im->off, CRIT_E_TRUNCATED, "an entry of %u bytes, %llu left", len,
				 (unsigned long long)(im->size - im->off - ENTRY_SIZE_LEN));
	if (!anon_read(a, im->fd, im->off + ENTRY_SIZE_LEN, len, &im->msg))
		return false;
	a->base = im->msg.p;
	a->base_off = im->off + ENTRY_SIZE_LEN;
	im->off += ENTRY_SIZE_LEN + len;
	im->m = m;
	im->len = len;
	im->out.n = 0;
	if (!msg_rewrite(a, m, im->msg.p, im->msg.p + len, secret_regs(m), &im->out, 0))
		return false;
	if (im->out.n > UINT32_MAX)
		return anon_fail(a, a->base_off, CRIT_E_LIMIT, "the entry grew past 4 GiB");
	le32_put(head, (uint32_t)im->out.n);
	return wr_put(im->w, head, sizeof(head)) && wr_put(im->w, im->out.p, im->out.n);
}

/* A number field of the entry read last; 0 when it has none. */
static uint64_t field(struct image *im, const char *name)
{
	struct view_src src = { im->a->file, im->msg.p, im->a->err };
	struct view v = { im->msg.p, im->msg.p + im->len, im->m, &src };

	return name ? view_uint_or(&v, name, 0) : 0;
}

/* n bytes of payload (data, then padding) replaced by as many zeros. */
static bool zeros(struct image *im, uint64_t data, uint64_t pad, const char *what)
{
	if (data + pad < data || data + pad > im->size - im->off)
		return anon_fail(im->a, im->off, CRIT_E_TRUNCATED, "%s of %llu bytes, %llu left", what,
				 (unsigned long long)(data + pad),
				 (unsigned long long)(im->size - im->off));
	im->off += data + pad;
	anon_zeroed(im->a, data);
	return wr_zeros(im->w, data + pad);
}

/* A message queue: qnum messages, each an ipc_msg entry and its data. */
static bool queue(struct image *im, uint64_t qnum)
{
	bool end;

	for (uint64_t i = 0; i < qnum; i++) {
		if (!entry(im, image_queue_msg(), &end))
			return end ? anon_fail(im->a, im->off, CRIT_E_TRUNCATED, "truncated message queue") : false;
		uint64_t n = field(im, "msize");
		if (!zeros(im, n, round_up(n, 8) - n, "message data"))
			return false;
	}
	return true;
}

static bool entries(struct image *im)
{
	const struct handler *h = im->h;
	bool end;

	for (int64_t i = 0; entry(im, image_entry_msg(h, (uint64_t)i), &end); i++) {
		uint64_t x = field(im, h->fields[0]), y = field(im, h->fields[1]), data, pad;
		if (h->extra == EX_MSG ? !queue(im, x)
				       : extra_layout(h, x, y, &data, &pad) && !zeros(im, data, pad, "a payload"))
			return false;
		im->a->entry = i + 1;
	}
	return end;
}

/* A ghost file: its entry, then chunks with their data, or the file's
 * contents to the end. */
static bool ghost(struct image *im)
{
	bool end;

	if (!entry(im, im->h->msg, &end))
		return end;
	im->a->entry = 1;
	if (!field(im, "chunks"))
		return zeros(im, im->size - im->off, 0, "ghost file contents");
	for (int64_t i = 1; entry(im, image_entry_msg(im->h, (uint64_t)i), &end); i++) {
		if (!zeros(im, field(im, "len"), 0, "a ghost file chunk"))
			return false;
		im->a->entry = i + 1;
	}
	return end;
}

bool image_rewrite(struct anon *a, int fd, uint64_t size, struct wr *w)
{
	struct image im = { .a = a, .fd = fd, .size = size, .w = w };
	struct image_head hd;
	uint8_t head[IMAGE_HEAD_MAX];
	struct buf hb = { head, 0, sizeof(head) };

	a->entry = -1;
	a->base = NULL;
	a->base_off = 0;
	if (!anon_read(a, fd, 0, size < 8 ? (size_t)size : 8, &hb) || !image_head(head, hb.n, a->file, &hd, a->err))
		return false;
	im.h = image_handler_any(hd.magic->name);
	im.off = hd.len;
	a->entry = 0;
	bool ok = im.h && wr_put(w, head, hd.len) && (im.h->frame == FR_GHOST ? ghost(&im) : entries(&im));
	free(im.msg.p);
	free(im.out.p);
	a->entry = -1;
	return ok;
}
