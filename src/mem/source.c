/*
 * source.c - the bytes of a run of pages: from a pages file, read with
 * pread at the offset the pagemap gives (never the whole file, never more
 * than asked), or zeros.
 *
 * pages-ID.img is raw: no magic, the PE_PRESENT pages of its pagemap in
 * order. It is opened without blocking and must be a regular file (a FIFO
 * or /dev/zero would never end) as long as the pagemap needs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/mem.h"

/* pread asks for at most this much at once: a signal or a slow disk
 * interrupts no more than that. */
#define SRC_CHUNK ((size_t)1 << 20)

void pages_close(struct pages_file *pf)
{
	if (pf->fd >= 0)
		close(pf->fd);
	pf->fd = -1;
}

bool pages_open(struct ckpt *c, struct pages_file *pf, const struct pagemap *pm)
{
	struct stat st;
	size_t dn = strlen(c->dir);

	pf->fd = -1;
	pf->size = 0;
	while (dn > 1 && c->dir[dn - 1] == '/')
		dn--;
	snprintf(pf->file, sizeof(pf->file), "%.*s/pages-%llu.img", (int)dn, c->dir,
		 (unsigned long long)pm->pages_id);
	if (!pm->need)
		return true; /* nothing of it is read: it need not be there */
	int fd = openat(c->dirfd, pf->file + dn + 1, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return crit_fail_in(c->err, pf->file, CRIT_E_IO, CRIT_NOPOS, "cannot open: %s (%s holds %llu bytes of pages)",
				    strerror(errno), pm->file, (unsigned long long)pm->need);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return crit_fail_in(c->err, pf->file, CRIT_E_IO, CRIT_NOPOS, "not a regular file");
	}
	pf->fd = fd;
	pf->size = (uint64_t)st.st_size;
	if (pf->size < pm->need) {
		/* the first entry whose pages are not all there */
		const struct pm_entry *e = pm->e;
		while (!(e->flags & PE_PRESENT) || e->off + (e->end - e->vaddr) <= pf->size)
			e++;
		pages_close(pf);
		return crit_fail_in(c->err, pf->file, CRIT_E_TRUNCATED, pf->size,
				    "the file ends here, but the entry at offset %llu of %s needs its pages up to %llu",
				    (unsigned long long)e->at, pm->file, (unsigned long long)(e->off + (e->end - e->vaddr)));
	}
	return true;
}

bool src_read(const struct page_src *s, void *buf, size_t n, struct crit_err *err)
{
	uint8_t *p = buf;

	if (s->kind != SRC_FILE) {
		memset(buf, 0, n);
		return true;
	}
	for (size_t got = 0; got < n;) {
		size_t want = n - got < SRC_CHUNK ? n - got : SRC_CHUNK;
		ssize_t k = pread(s->pf->fd, p + got, want, (off_t)(s->off + got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return crit_fail_in(err, s->pf->file, CRIT_E_IO, s->off + got, "cannot read: %s", strerror(errno));
		if (k == 0)
			return crit_fail_in(err, s->pf->file, CRIT_E_TRUNCATED, s->off + got,
					    "the file shrank while it was read");
		got += (size_t)k;
	}
	return true;
}
