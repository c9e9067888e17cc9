/* helpers.c - what the suites share: buffers, files, a protobuf writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests.h"

static bool membuf_write(void *ctx, const void *buf, size_t n)
{
	struct membuf *b = ctx;

	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->data, cap);
		if (!p)
			return false;
		b->data = p;
		b->cap = cap;
	}
	memcpy(b->data + b->len, buf, n);
	b->len += n;
	b->data[b->len] = 0;
	return true;
}

const struct crit_sink *membuf_sink(struct membuf *b)
{
	static struct crit_sink sink;

	sink.write = membuf_write;
	sink.ctx = b;
	return &sink;
}

void membuf_free(struct membuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct membuf b = { 0 };
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		membuf_write(&b, buf, n);
	fclose(f);
	if (!b.data)
		b.data = calloc(1, 1);
	*len = b.len;
	return b.data;
}

bool decode_mem(const void *img, size_t len, bool pretty, bool nopl, struct membuf *out,
		struct crit_err *err)
{
	struct crit_source src = { .kind = CRIT_SOURCE_BUFFER, .data = img, .size = len };
	struct crit_decode_opts opts = { .pretty = pretty, .nopl = nopl };

	return crit_decode(&src, membuf_sink(out), &opts, err);
}


/* A little protobuf writer for building test images. */
void pb_bytes(struct pb *b, const void *s, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
	if (n) /* s may be an empty pb's NULL */
		memcpy(b->p + b->n, s, n);
	b->n += n;
}

void pb_varint(struct pb *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	while (v >= 0x80) {
		t[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	t[n++] = (uint8_t)v;
	pb_bytes(b, t, n);
}

void pb_u32le(struct pb *b, uint32_t v)
{
	uint8_t t[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
	pb_bytes(b, t, 4);
}

void pb_uint(struct pb *b, uint32_t field, uint64_t v)
{
	pb_varint(b, (uint64_t)field << 3);
	pb_varint(b, v);
}

void pb_len(struct pb *b, uint32_t field, const void *s, size_t n)
{
	pb_varint(b, (uint64_t)field << 3 | 2);
	pb_varint(b, n);
	pb_bytes(b, s, n);
}

/* An image: the magics, then one entry per message given. */
struct pb image(uint32_t magic, int n, const struct pb *msgs)
{
	struct pb img = { 0 };
	pb_u32le(&img, IMG_COMMON);
	pb_u32le(&img, magic);
	for (int i = 0; i < n; i++) {
		pb_u32le(&img, (uint32_t)msgs[i].n);
		pb_bytes(&img, msgs[i].p, msgs[i].n);
	}
	return img;
}

/* An MM entry of nvmas VMAs (each made from its index), after the other
 * fields or (vmas_first) before them. */
struct pb big_mm(uint32_t nvmas, bool vmas_first)
{
	struct pb head = { 0 }, vmas = { 0 }, m = { 0 };

	for (uint32_t f = 1; f <= 11; f++)
		pb_uint(&head, f, 0x1000 * f);
	pb_uint(&head, 12, 3);
	for (uint32_t i = 0; i < nvmas; i++) {
		struct pb v = { 0 };
		pb_uint(&v, 1, 0x400000 + (uint64_t)i * 0x1000);
		pb_uint(&v, 2, 0x401000 + (uint64_t)i * 0x1000);
		pb_uint(&v, 3, 0);
		pb_uint(&v, 4, i);
		pb_uint(&v, 5, 3);
		pb_uint(&v, 6, 0x22);
		pb_uint(&v, 7, 0x201);
		pb_uint(&v, 8, 2); /* sint64 1 */
		pb_len(&vmas, 14, v.p, v.n);
		free(v.p);
	}
	pb_bytes(&m, vmas_first ? vmas.p : head.p, vmas_first ? vmas.n : head.n);
	pb_bytes(&m, vmas_first ? head.p : vmas.p, vmas_first ? head.n : vmas.n);
	free(head.p);
	free(vmas.p);
	return m;
}

/* A JSON writer whose output a test reads back. Its buffer can be made
 * small, so that output crosses buffer flushes everywhere. */
static struct membuf cap_mb;
static struct crit_err cap_err;
static struct out cap_out;
static uint8_t cap_buf[4096];
static struct jw cap_w;

struct jw *capture_start(bool pretty, size_t bufsize)
{
	membuf_free(&cap_mb);
	memset(&cap_err, 0, sizeof(cap_err));
	out_init(&cap_out, membuf_sink(&cap_mb), &cap_err, cap_buf,
		 bufsize < sizeof(cap_buf) ? bufsize : sizeof(cap_buf));
	jw_init(&cap_w, &cap_out, pretty);
	return &cap_w;
}

const char *capture_output(size_t *len)
{
	ck_assert(out_flush(&cap_out));
	if (len)
		*len = cap_mb.len;
	return cap_mb.data ? cap_mb.data : "";
}

void capture_free(void)
{
	membuf_free(&cap_mb);
}

/* A pipe that a child fills with buf: one byte per write (the worst pipe),
 * or writes of varying size, so that values cross window refills. */
pid_t pipe_writer(const void *buf, size_t len, bool bytewise, int *fd)
{
	static const size_t sizes[] = { 1, 7, 4093, 1, 65537, 3, 1 << 20 };
	const char *p = buf;
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		for (size_t off = 0, i = 0; off < len; i++) {
			size_t n = bytewise ? 1 : sizes[i % (sizeof(sizes) / sizeof(sizes[0]))];
			ssize_t w = write(fds[1], p + off, n < len - off ? n : len - off);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		_exit(0);
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

/* Close the reading end and check that the writer finished well. */
void writer_done(pid_t pid, int fd)
{
	int status;

	close(fd);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
