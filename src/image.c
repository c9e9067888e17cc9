/*
 * image.c - CRIU image framing.
 *
 *   IMAGE ::= [IMG_COMMON | IMG_SERVICE] MAGIC { ENTRY }   (inventory: MAGIC only)
 *   ENTRY ::= SIZE(u32 LE) MESSAGE [EXTRA]
 *
 * Which message an image holds, and what raw payload follows an entry, is
 * CRIT's knowledge (CRIU's lib/pycriu/images/images.py), kept in the
 * handler table below; the messages themselves come from the tables.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tables.h"
#include "wire.h"

/* ------------------------------------------------------------------ */
/* Handlers                                                             */
/* ------------------------------------------------------------------ */

static const struct handler handlers[] = {
	{ "APPARMOR", &crit_msg_apparmor_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "AUTOFS", &crit_msg_autofs_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "BINFMT_MISC", &crit_msg_binfmt_misc_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "BPFMAP_DATA", &crit_msg_bpfmap_data_entry, FR_PLAIN, EX_BPF, { "keys_bytes", "values_bytes" } },
	{ "BPFMAP_FILE", &crit_msg_bpfmap_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "CGROUP", &crit_msg_cgroup_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "CORE", &crit_msg_core_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "CPUINFO", &crit_msg_cpuinfo_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "CREDS", &crit_msg_creds_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "EVENTFD_FILE", &crit_msg_eventfd_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "EVENTPOLL_FILE", &crit_msg_eventpoll_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "EVENTPOLL_TFD", &crit_msg_eventpoll_tfd_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "EXT_FILES", &crit_msg_ext_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FANOTIFY_FILE", &crit_msg_fanotify_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FANOTIFY_MARK", &crit_msg_fanotify_mark_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FDINFO", &crit_msg_fdinfo_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FIFO", &crit_msg_fifo_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FIFO_DATA", &crit_msg_pipe_data_entry, FR_PLAIN, EX_BLOB, { "bytes" } },
	{ "FILES", &crit_msg_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FILE_LOCKS", &crit_msg_file_lock_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "FS", &crit_msg_fs_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "GHOST_FILE", &crit_msg_ghost_file_entry, FR_GHOST, EX_NONE, { "chunks" } },
	{ "IDS", &crit_msg_task_kobj_ids_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "INETSK", &crit_msg_inet_sk_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "INOTIFY_FILE", &crit_msg_inotify_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "INOTIFY_WD", &crit_msg_inotify_wd_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "INVENTORY", &crit_msg_inventory_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "IPCNS_MSG", &crit_msg_ipc_msg_entry, FR_PLAIN, EX_MSG, { "qnum" } },
	{ "IPCNS_SEM", &crit_msg_ipc_sem_entry, FR_PLAIN, EX_SEM, { "nsems" } },
	{ "IPCNS_SHM", &crit_msg_ipc_shm_entry, FR_PLAIN, EX_SHM, { "size", "in_pagemaps" } },
	{ "IPC_VAR", &crit_msg_ipc_var_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "IRMAP_CACHE", &crit_msg_irmap_cache_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "ITIMERS", &crit_msg_itimer_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "MEMFD_INODE", &crit_msg_memfd_inode_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "MM", &crit_msg_mm_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "MNTS", &crit_msg_mnt_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "NETDEV", &crit_msg_net_device_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "NETLINK_SK", &crit_msg_netlink_sk_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "NETNS", &crit_msg_netns_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "NS_FILES", &crit_msg_ns_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "PACKETSK", &crit_msg_packet_sock_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "PAGEMAP", &crit_msg_pagemap_entry, FR_PAGEMAP, EX_NONE, { 0 } },
	{ "PIDFD", &crit_msg_pidfd_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "PIDNS", &crit_msg_pidns_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "PIPES", &crit_msg_pipe_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "PIPES_DATA", &crit_msg_pipe_data_entry, FR_PLAIN, EX_BLOB, { "bytes" } },
	{ "POSIX_TIMERS", &crit_msg_posix_timer_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "PSTREE", &crit_msg_pstree_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "REG_FILES", &crit_msg_reg_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "REMAP_FPATH", &crit_msg_remap_file_path_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "RLIMIT", &crit_msg_rlimit_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "SECCOMP", &crit_msg_seccomp_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "SIGACT", &crit_msg_sa_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "SIGNAL", &crit_msg_siginfo_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "SIGNALFD", &crit_msg_signalfd_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "SK_QUEUES", &crit_msg_sk_packet_entry, FR_PLAIN, EX_BLOB, { "length" } },
	{ "STATS", &crit_msg_stats_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "TCP_STREAM", &crit_msg_tcp_stream_entry, FR_PLAIN, EX_TCP, { "inq_len", "outq_len" } },
	{ "TIMENS", &crit_msg_timens_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "TIMERFD", &crit_msg_timerfd_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "TTY_DATA", &crit_msg_tty_data_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "TTY_FILES", &crit_msg_tty_file_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "TTY_INFO", &crit_msg_tty_info_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "TUNFILE", &crit_msg_tunfile_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "USERNS", &crit_msg_userns_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "UTSNS", &crit_msg_utsns_entry, FR_PLAIN, EX_NONE, { 0 } },
	{ "VMAS", &crit_msg_vma_entry, FR_PLAIN, EX_NONE, { 0 } },
};

const struct handler *image_handler(const char *magic)
{
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++)
		if (strcmp(handlers[i].magic, magic) == 0)
			return &handlers[i];
	return NULL;
}

bool extra_layout(const struct handler *h, uint64_t a, uint64_t b, uint64_t *data, uint64_t *pad)
{
	*data = *pad = 0;
	switch (h->extra) {
	case EX_BLOB:
		*data = a;
		return true;
	case EX_TCP: /* inq, then outq */
	case EX_BPF: /* keys, then values */
		*data = a + b;
		return true;
	case EX_SHM: /* none when in_pagemaps: the segment is in the pagemap */
		*data = b ? 0 : a;
		*pad = round_up(*data, 4) - *data;
		return true;
	case EX_SEM: /* 16-bit values */
		*data = 2 * a;
		*pad = round_up(*data, 8) - *data;
		return true;
	case EX_MSG:
		return false;
	default:
		return true;
	}
}

const char *image_kind(const char *magic)
{
	if (strcmp(magic, "INVENTORY") == 0)
		return NULL;
	return strcmp(magic, "STATS") == 0 || strcmp(magic, "IRMAP_CACHE") == 0 ? "IMG_SERVICE" : "IMG_COMMON";
}

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

/* What `crit decode` writes starts with '{' (maybe after white space). */
static bool looks_like_json(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i < n && (p[i] == '{' || p[i] == '[');
}

bool image_head(const uint8_t *p, size_t n, const char *file, struct image_head *hd, struct crit_err *err)
{
	const struct crit_magic *common = schema_magic_by_name("IMG_COMMON");
	const struct crit_magic *service = schema_magic_by_name("IMG_SERVICE");
	const char *kind = NULL;
	size_t pos = 0;

	if (n < 4)
		return crit_fail_in(err, file, CRIT_E_TRUNCATED, 0,
				    n ? "truncated magic: %zu bytes" : "empty image: no magic", n);
	uint32_t m = (uint32_t)wire_le(p, 4);
	/* (tables from an older magic.h may lack either) */
	if ((common && m == common->value) || (service && m == service->value)) {
		kind = common && m == common->value ? common->name : service->name;
		pos = 4;
		if (n < 8)
			return crit_fail_in(err, file, CRIT_E_TRUNCATED, 4,
					    "truncated magic: needs 4 bytes after %s, %zu left", kind, n - 4);
		m = (uint32_t)wire_le(p + 4, 4);
	}
	const struct crit_magic *mg = m ? schema_magic_by_value(m) : NULL;
	if (!mg) {
		if (pos == 0 && looks_like_json(p, n))
			return crit_fail_in(err, file, CRIT_E_MAGIC, 0,
					    "this is JSON, not an image: crit encode turns it into one");
		if (pos == 0 && p[0] == 0x1f && p[1] == 0x8b)
			return crit_fail_in(err, file, CRIT_E_RAW, pos,
					    "gzip data (a tmpfs tarball?), not a protobuf image. Maybe you are "
					    "feeding me an image with raw data(i.e. pages.img)?");
		return crit_fail_in(err, file, pos ? CRIT_E_MAGIC : CRIT_E_RAW, pos,
				    "unknown magic 0x%x. Maybe you are feeding me an image with raw "
				    "data(i.e. pages.img)?", m);
	}
	const char *want = image_kind(mg->name);
	if (want != kind && (!want || !kind || strcmp(want, kind) != 0))
		return crit_fail_in(err, file, CRIT_E_NONCANON, 0, "%s before the %s magic, where CRIU writes %s",
				    kind ? kind : "nothing", mg->name, want ? want : "nothing");
	*hd = (struct image_head){ mg, pos + 4 };
	return true;
}

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
	size_t got = rd_fill(&im->rd, 4);

	if (got == 0)
		return false;
	if (got < 4) {
		im->count++; /* the entry it is cut in: errors name it */
		crit_fail(im->err, CRIT_E_TRUNCATED, rd_pos(&im->rd),
			  "truncated entry: the size needs 4 bytes, %zu left", got);
		return false;
	}
	*size = (uint32_t)wire_le(rd_ptr(&im->rd), 4);
	im->entry_at = rd_pos(&im->rd);
	im->entry_size = *size;
	rd_advance(&im->rd, 4);
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
		if (!want(im, &crit_msg_ipc_msg, msize, 1))
			return false;
		struct jw *w = im->nopl ? &im->mute : &im->w;
		im->d.w = w;
		im->d.pretty = false;
		jw_obj_open(w);
		bool ok = dec_fields(&im->d, &crit_msg_ipc_msg, size);
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
		if (!want(im, &crit_msg_ghost_chunk_entry, len, 1))
			return false;
		jw_obj_open(&im->w);
		if (!entry_msg(im, &crit_msg_ghost_chunk_entry, size))
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
	for (bool first = true; next_entry(im, &size); first = false) {
		const struct crit_msg *m = h->msg;
		if (h->frame == FR_PAGEMAP && first)
			m = &crit_msg_pagemap_head;
		if (!entry(im, m, size, h->extra != EX_NONE))
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

bool image_check(const struct crit_source *in, int64_t *entry, const char **field, struct crit_err *err)
{
	struct image *im = image_open(in, NULL, false, err);

	*entry = -1;
	*field = NULL;
	if (!im)
		return false;
	im->nopl = true;
	bool ok = read_magic(im) && entries(im);
	if (!ok && im->count) {
		*entry = (int64_t)im->count - 1;
		/* past the entry's message: in the payload its fields size */
		if (err->pos != CRIT_NOPOS && err->pos >= im->entry_at + 4 + im->entry_size && im->d.ncaps)
			*field = im->d.caps[0].f->name;
	}
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
