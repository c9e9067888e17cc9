/*
 * output.c - the files of the new directory, written through a buffer:
 * bytes, runs of zeros, and copies of what is written as it is. In the
 * first pass (fd -1) nothing is written.
 */
#include <unistd.h>

#include "anonymize/anonymize.h"

static bool fail(struct wr *w, int e)
{
	return crit_fail_in(w->a->err, w->path, CRIT_E_WRITE, CRIT_NOPOS, "cannot write: %s", strerror(e));
}

bool wr_flush(struct wr *w)
{
	size_t done = 0;

	while (done < w->n) {
		ssize_t k = write(w->fd, w->buf + done, w->n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return fail(w, k < 0 ? errno : ENOSPC);
		done += (size_t)k;
	}
	w->n = 0;
	return true;
}

bool wr_put(struct wr *w, const void *s, size_t n)
{
	const uint8_t *p = s;

	if (w->fd < 0)
		return true;
	while (n) {
		if (w->n == sizeof(w->buf) && !wr_flush(w))
			return false;
		size_t k = sizeof(w->buf) - w->n < n ? sizeof(w->buf) - w->n : n;
		memcpy(w->buf + w->n, p, k);
		w->n += k;
		p += k;
		n -= k;
	}
	return true;
}

bool wr_zeros(struct wr *w, uint64_t n)
{
	static const uint8_t zeros[4096];

	for (; n; n -= n < sizeof(zeros) ? n : sizeof(zeros))
		if (!wr_put(w, zeros, n < sizeof(zeros) ? (size_t)n : sizeof(zeros)))
			return false;
	return true;
}

bool wr_copy(struct wr *w, int fd, uint64_t off, uint64_t size)
{
	uint8_t chunk[1u << 14];

	if (w->fd < 0)
		return true;
	while (off < size) {
		size_t want = size - off < sizeof(chunk) ? (size_t)(size - off) : sizeof(chunk);
		ssize_t k = pread(fd, chunk, want, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return anon_fail(w->a, off, CRIT_E_IO, "%s", k < 0 ? strerror(errno) : "the file shrank while it was read");
		if (!wr_put(w, chunk, (size_t)k))
			return false;
		off += (uint64_t)k;
	}
	return true;
}
