/*
 * image.c - the CRIU image format (image.h): the handler table, the
 * header and the payload rules.
 */
#include <string.h>

#include "base/io.h"
#include "format/image.h"
#include "tables.h"

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

/* Older CRIU's images that Python CRIT 4.2 has no handler for: unix
 * sockets were kept in unixsk.img before files.img held every file. */
static const struct handler older[] = {
	{ "UNIXSK", &crit_msg_unix_sk_entry, FR_PLAIN, EX_NONE, { 0 } },
};

static const struct handler *find(const struct handler *table, size_t n, const char *magic)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(table[i].magic, magic) == 0)
			return &table[i];
	return NULL;
}

const struct handler *image_handler(const char *magic)
{
	return find(handlers, sizeof(handlers) / sizeof(handlers[0]), magic);
}

const struct handler *image_handler_any(const char *magic)
{
	const struct handler *h = image_handler(magic);
	return h ? h : find(older, sizeof(older) / sizeof(older[0]), magic);
}

const struct crit_msg *image_entry_msg(const struct handler *h, uint64_t index)
{
	if (h->frame == FR_PAGEMAP && index == 0)
		return &crit_msg_pagemap_head;
	if (h->frame == FR_GHOST && index > 0)
		return &crit_msg_ghost_chunk_entry; /* its data: "len" bytes */
	return h->msg;
}

const struct crit_msg *image_queue_msg(void)
{
	return &crit_msg_ipc_msg; /* its data: "msize" bytes, padded to 8 */
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

const char *image_prefix(const char *magic)
{
	if (strcmp(magic, "INVENTORY") == 0)
		return NULL;
	return strcmp(magic, "STATS") == 0 || strcmp(magic, "IRMAP_CACHE") == 0 ? "IMG_SERVICE" : "IMG_COMMON";
}

static const struct {
	const char *prefix;
	enum raw_kind kind;
} raw_images[] = {
	{ "pages-", RAW_PAGES },         { "tmpfs-", RAW_TARBALL },       { "ifaddr-", RAW_IFADDR },
	{ "route-", RAW_ROUTE },         { "route6-", RAW_ROUTE },        { "rule-", RAW_RULE },
	{ "iptables-", RAW_NETFILTER },  { "ip6tables-", RAW_NETFILTER }, { "nftables-", RAW_NETFILTER },
	{ "netns-ct-", RAW_CONNTRACK },  { "netns-exp-", RAW_CONNTRACK },
};

enum raw_kind image_raw(const char *name)
{
	for (size_t i = 0; i < sizeof(raw_images) / sizeof(raw_images[0]); i++)
		if (strncmp(name, raw_images[i].prefix, strlen(raw_images[i].prefix)) == 0)
			return raw_images[i].kind;
	return RAW_NONE;
}

/* ------------------------------------------------------------------ */
/* The header                                                           */
/* ------------------------------------------------------------------ */

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
	uint32_t m = (uint32_t)le32_get(p);
	/* (tables from an older magic.h may lack either) */
	if ((common && m == common->value) || (service && m == service->value)) {
		kind = common && m == common->value ? common->name : service->name;
		pos = 4;
		if (n < 8)
			return crit_fail_in(err, file, CRIT_E_TRUNCATED, 4,
					    "truncated magic: needs 4 bytes after %s, %zu left", kind, n - 4);
		m = (uint32_t)le32_get(p + 4);
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
	const char *want = image_prefix(mg->name);
	if (want != kind && (!want || !kind || strcmp(want, kind) != 0))
		return crit_fail_in(err, file, CRIT_E_NONCANON, 0, "%s before the %s magic, where CRIU writes %s",
				    kind ? kind : "nothing", mg->name, want ? want : "nothing");
	*hd = (struct image_head){ mg, pos + 4 };
	return true;
}

size_t image_head_put(const struct crit_magic *magic, uint8_t out[IMAGE_HEAD_MAX])
{
	const char *prefix = image_prefix(magic->name);
	size_t n = 0;

	if (prefix) {
		le32_put(out, schema_magic_by_name(prefix)->value);
		n = 4;
	}
	le32_put(out + n, magic->value);
	return n + 4;
}
