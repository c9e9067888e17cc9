/*
 * crit.h - the public interface of libcrit: read, write and analyse CRIU
 * checkpoint images with nothing but libc.
 *
 * Every function returns bool and fills a struct crit_err on failure; the
 * first error is kept. Input is never trusted: every length is checked and
 * no allocation grows with an unchecked length. Options may be NULL: the
 * defaults.
 *
 * Threads: every call is reentrant and keeps its state in what the caller
 * passes (no globals, no signal handlers), so calls on different objects
 * may run in parallel threads; one object (a result, an error) is used by
 * one thread at a time. crit_encode() may read ahead in a thread of its
 * own, joined before it returns: link with -pthread.
 */
#ifndef CRIT_H
#define CRIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CRIT_VERSION "0.1.0"

/* A bool result that says whether the call worked: ignoring it is a bug. */
#if defined(__GNUC__) || defined(__clang__)
#define CRIT_CHECK __attribute__((warn_unused_result))
#else
#define CRIT_CHECK
#endif

/* The library's version, CRIT_VERSION when it was built. */
const char *crit_version(void);

enum crit_code {
	CRIT_OK = 0,
	CRIT_E_IO,        /* an input could not be opened or read */
	CRIT_E_NOMEM,     /* an allocation within our limits failed */
	CRIT_E_MAGIC,     /* unknown image magic */
	CRIT_E_RAW,       /* a raw image (pages, ifaddr, tarball): no protobuf */
	CRIT_E_TRUNCATED, /* the input ends inside a header, entry or payload */
	CRIT_E_VARINT,    /* a varint longer than 10 bytes */
	CRIT_E_LENGTH,    /* a length that runs past its enclosing message */
	CRIT_E_WIRE,      /* an invalid wire type or field number */
	CRIT_E_REQUIRED,  /* a required field is missing */
	CRIT_E_LIMIT,     /* a documented limit (depth, entry size) was passed */
	CRIT_E_USAGE,     /* the caller asked for something impossible */
	CRIT_E_JSON,      /* JSON that is not well formed */
	CRIT_E_TYPE,      /* a JSON value of the wrong type or out of range */
	CRIT_E_KEY,       /* a key the schema does not have */
	CRIT_E_NOTJSON,   /* binary input where JSON was expected */
	CRIT_E_NONCANON,  /* valid protobuf, but not as protobuf-c writes it */
	CRIT_E_WRITE,     /* the sink's write failed (errno's message says why) */
	CRIT_E_RANGE,     /* values out of their range or order (overlapping pages) */
	CRIT_E_ABSENT,    /* the checkpoint does not hold the bytes asked for */
};

/* The code's name ("CRIT_E_TRUNCATED"), and what it means in words;
 * "CRIT_E_?" and "unknown error" for a number that is none. */
const char *crit_code_name(enum crit_code code);
const char *crit_strerror(enum crit_code code);

/* One error: what, where and a message. Where is a byte offset in an
 * image, or a line and column (from 1) in JSON; line is 0 otherwise.
 * pos is CRIT_NOPOS when the error has no place in the input (a file
 * that cannot be opened, a write, memory, a usage error). */
#define CRIT_NOPOS UINT64_MAX

struct crit_err {
	enum crit_code code;
	uint64_t pos;
	uint32_t line, col;
	char msg[640];
	char file[256]; /* the image, when the call reads a directory (crit_x) */
};

/* Where bytes come from, said explicitly: a zeroed source is an error, not
 * stdin. A file descriptor is read forward only (a pipe works) and left
 * open; a path is opened and closed by the call. */
enum crit_source_kind {
	CRIT_SOURCE_NONE = 0, /* refused */
	CRIT_SOURCE_FD,       /* fd */
	CRIT_SOURCE_BUFFER,   /* data[0, size): the caller's, never written */
	CRIT_SOURCE_PATH,     /* path */
};

struct crit_source {
	enum crit_source_kind kind;
	int fd;
	const void *data;
	size_t size;
	const char *path;
};

/* Where bytes go. write returns false on failure (errno tells why).
 * skip, which may be NULL, takes n zero bytes without their being written
 * (a hole in a file): crit core's zero pages, which a mapping may hold far
 * more of than the checkpoint has bytes; without it they are written. */
struct crit_sink {
	bool (*write)(void *ctx, const void *buf, size_t n);
	void *ctx;
	bool (*skip)(void *ctx, uint64_t n);
};

struct crit_decode_opts {
	bool pretty; /* json.dump(indent=4) and CRIT's field conversions */
	bool nopl;   /* show payload sizes, not payloads (crit show --nopl) */
};

/* The image as JSON, exactly as Python CRIT's `crit decode` prints it
 * (without the trailing newline that CRIT adds on stdout); opts may be
 * NULL: compact JSON with payloads. */
CRIT_CHECK bool crit_decode(const struct crit_source *in, const struct crit_sink *out,
		 const struct crit_decode_opts *opts, struct crit_err *err);

/* JSON as decode writes it (either form, or Python CRIT's) back to the
 * exact image bytes. */
CRIT_CHECK bool crit_encode(const struct crit_source *in, const struct crit_sink *out, struct crit_err *err);

struct crit_info {
	char magic[48];
	uint64_t count; /* entries; a pagemap's head is not counted */
};

/* The magic name and entry count (crit info). */
CRIT_CHECK bool crit_info(const struct crit_source *in, struct crit_info *info, struct crit_err *err);

/* ------------------------------------------------------------------ */
/* crit x: a checkpoint directory explored                              */
/* ------------------------------------------------------------------ */

/*
 * Each explorer reads the checkpoint in a directory into plain structs:
 * one item per task, in pstree order (ps: in tree order). A result owns
 * all the memory it points to; its _free function releases it in one
 * call (and takes a zeroed result too). On failure the result is empty
 * and err names the image and the byte offset.
 */

/* Bytes from an image. A name may hold any byte, NUL too: n counts them
 * all, and s[n] is a NUL besides, for convenience. Empty: s is "". */
struct crit_str {
	const char *s;
	size_t n;
};

/* compel's task states, as a core image holds them. CRIU dumps a zombie
 * as DEAD, with no files, fs or memory images of its own. */
enum crit_task_state {
	CRIT_TASK_UNKNOWN = 0, /* no core image says */
	CRIT_TASK_ALIVE = 1,
	CRIT_TASK_DEAD = 2,
	CRIT_TASK_STOPPED = 3,
	CRIT_TASK_ZOMBIE = 6,
};

/* "alive", "zombie" (DEAD or ZOMBIE), "stopped" or "unknown". */
const char *crit_task_state_name(int32_t state);

struct crit_mem; /* the memory of a result */

/* ps: the process tree, depth first; a task's children in pstree order. */
struct crit_ps_task {
	uint64_t pid, ppid, pgid, sid;
	int32_t state;        /* enum crit_task_state */
	size_t depth;         /* 0 for a root */
	struct crit_str comm;
};

struct crit_ps {
	struct crit_ps_task *tasks;
	size_t n;
	struct crit_mem *mem;
};

CRIT_CHECK bool crit_explore_ps(const char *dir, struct crit_ps *ps, struct crit_err *err);
void crit_ps_free(struct crit_ps *ps);

/* fds: each task's open files, cwd and root. */
struct crit_fd {
	uint64_t fd;
	int32_t type;         /* fdinfo.proto's fd_types: 1 REG, 2 PIPE, 5 UNIXSK... */
	uint64_t id;          /* the file's id in files.img */
	struct crit_str name; /* as Python CRIT names it: a path, "pipe[ID]",
			       * "unix[INO (PEER) NAME]", or "TYPE.ID" */
};

struct crit_fds_task {
	uint64_t pid;
	int32_t state;
	bool zombie;               /* DEAD or ZOMBIE: no files, cwd or root */
	struct crit_fd *fds;
	size_t n;
	struct crit_str cwd, root; /* paths; empty when there is no fs entry */
};

struct crit_fds {
	struct crit_fds_task *tasks;
	size_t n;
	struct crit_mem *mem;
};

CRIT_CHECK bool crit_explore_fds(const char *dir, struct crit_fds *fds, struct crit_err *err);
void crit_fds_free(struct crit_fds *fds);

/* mems: each task's memory mappings. */
struct crit_vma {
	uint64_t start, end, pgoff;
	uint64_t flags;       /* mmap's MAP_* */
	uint32_t prot;        /* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
	uint32_t status;      /* CRIU's VMA_* bits (VMA_AREA_REGULAR 1, ...) */
	struct crit_str file; /* the file mapped, if one is */
	struct crit_str name; /* what Python CRIT shows after the protection:
			       * the file with " + PGOFF" and " (s)", "[stack]",
			       * "shmem[N]"...; may be empty */
};

struct crit_mems_task {
	uint64_t pid;
	int32_t state;
	bool zombie;          /* no memory */
	struct crit_str exe;  /* empty when there is no mm entry */
	struct crit_vma *vmas;
	size_t n;
};

struct crit_mems {
	struct crit_mems_task *tasks;
	size_t n;
	struct crit_mem *mem;
};

CRIT_CHECK bool crit_explore_mems(const char *dir, struct crit_mems *mems, struct crit_err *err);
void crit_mems_free(struct crit_mems *mems);

/* rss: each task's dumped pages (pagemap entries) against its mappings. */
struct crit_rss_vma {
	uint64_t start, end;
	struct crit_str file; /* the file mapped, if one is */
};

struct crit_rss_pages {
	uint64_t vaddr, pages;
	size_t vma, nvmas;    /* the VMAs they fall in: vmas[vma, vma + nvmas) */
};

struct crit_rss_task {
	uint64_t pid;
	int32_t state;
	bool zombie;          /* no memory */
	uint64_t page_size;
	struct crit_rss_vma *vmas;
	size_t nvmas;
	struct crit_rss_pages *pages;
	size_t npages;
};

struct crit_rss {
	struct crit_rss_task *tasks;
	size_t n;
	struct crit_mem *mem;
};

CRIT_CHECK bool crit_explore_rss(const char *dir, struct crit_rss *rss, struct crit_err *err);
void crit_rss_free(struct crit_rss *rss);

/* sk: each task's sockets (the files behind its fds that are sockets).
 * Numbers are the kernel's: AF_*, SOCK_*, TCP_* states (unix and netlink
 * sockets use them too); 0 where the image has none. */
struct crit_socket {
	uint64_t fd;
	uint64_t id;             /* the file's id in files.img */
	uint64_t ino;            /* the socket's inode; 0: not in the image (packet) */
	uint32_t family;         /* AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET */
	uint32_t type;           /* SOCK_STREAM, ...; 0 for netlink */
	uint32_t proto;          /* IPPROTO_* (inet), NETLINK_* (netlink), the
				  * ethertype (packet); 0 for unix */
	uint32_t state;          /* TCP_ESTABLISHED 1 ... TCP_LISTEN 10; 0 for packet */
	struct crit_str src;     /* inet: the address ("127.0.0.1", "::1"); unix:
				  * the name, a path (up to its NUL) or an
				  * abstract name (all of it, the NUL first) */
	struct crit_str dst;     /* inet: the peer's address */
	uint32_t src_port;       /* inet: the port; netlink: the port id */
	uint32_t dst_port;       /* inet: the peer's port; netlink: the peer's */
	uint64_t peer;           /* unix: the peer's inode, 0 for none */
	uint32_t ifindex;        /* packet: the interface bound to, 0 for any */
	uint32_t rcvbuf, sndbuf; /* SO_RCVBUF, SO_SNDBUF */
	int64_t recv_q, send_q;  /* bytes queued (sk-queues.img, tcp-stream):
				  * received and not read, sent and not
				  * acknowledged; -1 when no image holds them */
};

struct crit_sk_task {
	uint64_t pid;
	int32_t state;
	bool zombie;             /* no files */
	struct crit_socket *sks;
	size_t n;
};

struct crit_sk {
	struct crit_sk_task *tasks;
	size_t n;
	struct crit_mem *mem;
};

CRIT_CHECK bool crit_explore_sk(const char *dir, struct crit_sk *sk, struct crit_err *err);
void crit_sk_free(struct crit_sk *sk);

/* stats: stats-dump and stats-restore, each present or not. */
#define CRIT_STATS_MAX 16

struct crit_stat {
	const char *field;       /* in stats.proto: "freezing_time" */
	const char *label;       /* for people: "freezing time" */
	bool usec;               /* a time, in microseconds */
	uint64_t value;
};

struct crit_stats_part {
	const char *image;       /* "stats-dump" */
	const char *member;      /* "dump" */
	bool found;              /* the image is there */
	bool has;                /* and holds the member */
	struct crit_stat v[CRIT_STATS_MAX]; /* the fields it holds, in table order */
	size_t n;
};

struct crit_stats {
	struct crit_stats_part dump, restore;
};

CRIT_CHECK bool crit_explore_stats(const char *dir, struct crit_stats *stats, struct crit_err *err);

struct crit_explore_opts {
	bool json;   /* JSON (the schema is in the README), not text */
	bool escape; /* text: image bytes escaped as crit_escape does (for a
		      * terminal); otherwise as they are, as Python CRIT shows them */
	bool cmd;    /* ps: each task's command line in place of its name
		      * (JSON: "argv"), read from its memory */
	bool env;    /* ps: its environment, a line each (JSON: "env") */
};

/* crit x DIR WHAT: what the explorer WHAT (ps, fds, mems, rss, sk or
 * stats) finds, as text (ps, fds, mems and rss as Python CRIT prints
 * them) or as JSON; opts may be NULL. */
CRIT_CHECK bool crit_explore(const char *dir, const char *what, const struct crit_explore_opts *opts,
		  const struct crit_sink *out, struct crit_err *err);

/* ------------------------------------------------------------------ */
/* Checks: crit check, is a checkpoint whole?                           */
/* ------------------------------------------------------------------ */

/* One problem found: where, and what. */
struct crit_problem {
	const char *image;   /* the file, relative to the directory ("core-7.img";
			      * "parent/pagemap-7.img" in a parent dump) */
	int64_t entry;       /* the entry, from 0 as crit decode lists them (a
			      * pagemap's head is 0); -1: the image as a whole */
	const char *field;   /* the field in the entry ("vmas[3].shmid"), or NULL */
	const char *kind;    /* a short stable code: "missing-image",
			      * "dangling-id"... (the README lists them) */
	const char *message; /* for people; may quote bytes of the checkpoint:
			      * escape it (crit_escape) before a terminal */
};

struct crit_check {
	struct crit_problem *problems; /* in the order of the checks */
	size_t n;
	const char *dump; /* what the directory holds: "dump" (a checkpoint),
			   * "pre-dump" (pagemaps and pages only) or "cpuinfo"
			   * (criu cpuinfo dump's cpuinfo.img alone) */
	size_t tasks;  /* pstree entries */
	size_t images; /* files of the directory read */
};

/* Which families of checks run (crit_check_opts.what); 0 is all. */
enum {
	CRIT_CHECK_TREE = 1 << 0,     /* inventory, pstree: pids, cores, parents, threads */
	CRIT_CHECK_IMAGES = 1 << 1,   /* each task's ids, mm, fs, fdinfo, pagemap, creds */
	CRIT_CHECK_IDS = 1 << 2,      /* ids across images: files, namespaces, peers, VMAs, ttys */
	CRIT_CHECK_MEMORY = 1 << 3,   /* pagemaps against pages, VMAs and parent dumps */
	CRIT_CHECK_PAYLOADS = 1 << 4, /* every image readable, payloads and ghost files whole */
	CRIT_CHECK_ALL = (1 << 5) - 1,
};

struct crit_check_opts {
	unsigned what; /* CRIT_CHECK_* bits; 0: all */
};

/* Check the checkpoint in dir; opts may be NULL (every check). The
 * problems found are in *res, none when the checkpoint is whole; false
 * only when checking could not be done (dir cannot be opened, memory):
 * then err says why and *res is empty. One damage is one problem: what
 * follows from it is not checked. Free *res with crit_check_free. */
CRIT_CHECK bool crit_check(const char *dir, const struct crit_check_opts *opts, struct crit_check *res,
			   struct crit_err *err);
void crit_check_free(struct crit_check *res);

struct crit_check_print_opts {
	bool json;   /* {"problems": [...]} (the schema is in the README), not text */
	bool escape; /* text: names and messages escaped as crit_escape does */
};

/* The problems as crit check prints them: a line each, and a summary. */
CRIT_CHECK bool crit_check_print(const struct crit_check *res, const struct crit_check_print_opts *opts,
				 const struct crit_sink *out, struct crit_err *err);

/* ------------------------------------------------------------------ */
/* Memory: a task's pages by address                                    */
/* ------------------------------------------------------------------ */

/*
 * One task's memory as the checkpoint holds it: its VMAs (mm-PID.img),
 * its pagemap and those of the pre-dumps its `parent` link leads to, the
 * pages files, shared memory (pagemap-shmem-ID.img). Pages are read as
 * they are asked for, with pread; what it keeps is an index of the
 * pagemaps' entries and of the VMAs, whatever the memory's size. Every
 * byte comes with where it came from. A memory is used by one thread at
 * a time.
 */
struct crit_memory;

/* Task pid's memory in the checkpoint in dir. Fails, naming the image and
 * offset, on a damaged pagemap (entries out of order, overlapping, past
 * 2^64), a missing or short pages file, a pages file that is not a
 * regular file, a parent link that loops or names no checkpoint. */
CRIT_CHECK bool crit_memory_open(const char *dir, uint64_t pid, struct crit_memory **mem, struct crit_err *err);
void crit_memory_close(struct crit_memory *mem);

/* The page size, as crit x rss finds it. */
uint64_t crit_memory_page_size(const struct crit_memory *mem);

/* Where the command line and the environment are (mm_arg_start...). */
struct crit_mem_mm {
	uint64_t arg_start, arg_end, env_start, env_end;
};

void crit_memory_mm(const struct crit_memory *mem, struct crit_mem_mm *mm);

enum crit_mem_from {
	CRIT_FROM_DUMP,   /* this dump's pages file */
	CRIT_FROM_PARENT, /* a parent pre-dump's, level dumps up */
	CRIT_FROM_ZERO,   /* zeros: anonymous or shared memory never touched */
	CRIT_FROM_ABSENT, /* not in the checkpoint (a file's pages, lazy pages,
			   * the vdso, no mapping): why says */
};

/* Bytes [start, end) of one provenance. */
struct crit_mem_span {
	uint64_t start, end;
	enum crit_mem_from from;
	unsigned level;   /* CRIT_FROM_PARENT: 1 the parent, 2 its parent... */
	const char *why;  /* ZERO and ABSENT: why, in words */
};

/* len bytes at addr into buf, and fn (which may be NULL) called for each
 * span of one provenance, in order; fn returns false to stop (the call
 * still succeeds). Bytes the checkpoint does not hold are an error
 * (CRIT_E_ABSENT, naming the first address and why) unless fill: then
 * they are zeros, and their span says so. */
CRIT_CHECK bool crit_memory_read(struct crit_memory *mem, uint64_t addr, void *buf, size_t len, bool fill,
				 bool (*fn)(void *ctx, const struct crit_mem_span *s), void *ctx,
				 struct crit_err *err);

/* A VMA and how many of its pages are where. */
struct crit_mem_region {
	uint64_t start, end, pgoff;
	uint64_t flags;       /* mmap's MAP_* */
	uint32_t prot;        /* PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4 */
	uint32_t status;      /* CRIU's VMA_* bits */
	uint64_t shmid;
	uint64_t pages_dump;   /* in this dump */
	uint64_t pages_parent; /* in a parent pre-dump */
	uint64_t pages_lazy;   /* lazy: not in the images */
	uint64_t pages_none;   /* not dumped: zeros, or not in the checkpoint */
};

/* Each VMA in address order; fn returns false to stop. */
CRIT_CHECK bool crit_memory_regions(struct crit_memory *mem, bool (*fn)(void *ctx, const struct crit_mem_region *r),
				    void *ctx, struct crit_err *err);

/* The NUL-separated strings in [start, end) (crit_mem_mm's command line
 * or environment), each to fn whole up to CRIT_MEM_MAX_STRING bytes (a
 * longer one in pieces, more set on all but its last); a last string
 * without its NUL too. At most CRIT_MEM_MAX_STRINGS bytes in all
 * (CRIT_E_LIMIT); bytes not in the checkpoint are CRIT_E_ABSENT. */
#define CRIT_MEM_MAX_STRING ((size_t)128 << 10)
#define CRIT_MEM_MAX_STRINGS ((uint64_t)64 << 20)

CRIT_CHECK bool crit_memory_strings(struct crit_memory *mem, uint64_t start, uint64_t end,
				    bool (*fn)(void *ctx, const void *s, size_t n, bool more), void *ctx,
				    struct crit_err *err);

#define CRIT_SEARCH_MAX_PATTERN ((size_t)64 << 10)
#define CRIT_SEARCH_MAX_CONTEXT ((size_t)64 << 10)

struct crit_search_opts {
	const void *pattern;  /* bytes, or a POSIX extended regex (NUL-terminated) */
	size_t n;             /* the pattern's bytes, 1 to CRIT_SEARCH_MAX_PATTERN */
	bool regex;
	bool icase;           /* ASCII letters in either case */
	size_t context;       /* bytes around a match, up to CRIT_SEARCH_MAX_CONTEXT */
};

/* A match: [addr, addr + n), in the VMA [vma_start, vma_end) where it
 * starts, with up to opts.context bytes either side (as far as the
 * memory is contiguous). The pointers last until fn returns. */
struct crit_mem_match {
	uint64_t addr;
	const uint8_t *match;
	size_t n;
	const uint8_t *before, *after;
	size_t nbefore, nafter;
	uint64_t vma_start, vma_end;
};

/*
 * Every match, in address order, over the bytes the checkpoint holds
 * (this dump's and the parents' pages), each run of contiguous
 * addresses searched as one: a match may span pages and pagemap
 * entries, never a gap. Matches do not overlap: the search goes on
 * after each. A regex matches text between NUL bytes (^ and $ at them),
 * at most 4 KiB of it. fn returns false to stop.
 */
CRIT_CHECK bool crit_memory_search(struct crit_memory *mem, const struct crit_search_opts *opts,
				   bool (*fn)(void *ctx, const struct crit_mem_match *m), void *ctx,
				   struct crit_err *err);

/* The commands crit mem and crit search print with these. */
struct crit_mem_print_opts {
	bool json;   /* JSON, not text */
	bool escape; /* text: names escaped as crit_escape does (for a terminal) */
	bool raw;    /* bytes: as they are, not a hexdump */
	bool fill;   /* bytes: zeros where the checkpoint holds none, not an error */
};

/* crit mem DIR PID: one line per VMA (start-end, prot, its pages in this
 * dump, in a parent, lazy and not dumped, its name as crit x mems shows
 * it); JSON: a list of objects. */
CRIT_CHECK bool crit_mem_print_map(const char *dir, uint64_t pid, const struct crit_mem_print_opts *opts,
				   const struct crit_sink *out, struct crit_err *err);

/* crit mem DIR PID --at ADDR: len bytes at addr (the whole VMA holding
 * addr with whole_vma), as xxd -o ADDR shows them, or raw. Checked whole
 * before a byte is written. */
CRIT_CHECK bool crit_mem_print_bytes(const char *dir, uint64_t pid, uint64_t addr, uint64_t len, bool whole_vma,
				     const struct crit_mem_print_opts *opts, const struct crit_sink *out,
				     struct crit_err *err);

/* crit search: every match in every task's memory (pid NULL) or one
 * task's: "PID 0xADDRESS NAME: CONTEXT" with the context escaped, or a
 * JSON object a line. */
CRIT_CHECK bool crit_mem_print_search(const char *dir, const uint64_t *pid, const struct crit_search_opts *s,
				      const struct crit_mem_print_opts *opts, const struct crit_sink *out,
				      struct crit_err *err);

/* ------------------------------------------------------------------ */
/* Anonymize: a copy of a checkpoint without the user's secrets         */
/* ------------------------------------------------------------------ */

struct crit_anon_opts {
	bool strict;                 /* leave out what crit cannot judge */
	const struct crit_sink *map; /* the mapping, original -> replacement, as
				      * JSON (the README has its schema); NULL: none */
	const volatile int *stop;    /* when *stop turns non-zero (a signal
				      * handler's flag), the run ends between two
				      * files with nothing written; NULL: never */
};

/* Something crit cannot judge: written as it is, or left out (strict). */
struct crit_anon_item {
	const char *image;   /* the file, relative to IN_DIR */
	int64_t entry;       /* from 0, as crit decode lists them; -1: the file */
	const char *field;   /* "thread_info.#77", or NULL: the whole file */
	const char *message; /* what it is; may quote bytes of the checkpoint */
	bool written;        /* false: left out (strict) */
};

struct crit_anon_report {
	struct crit_anon_item *items; /* in the order the files were read */
	size_t n;
	size_t files;      /* files written to OUT_DIR */
	size_t names;      /* names and path components mapped */
	size_t addresses;  /* IP and hardware addresses mapped */
	uint64_t zeroed;   /* bytes of contents (memory, streams, registers) zeroed */
};

/* A copy of the checkpoint in in_dir, written to out_dir (which must not
 * exist, or be empty), with the same structure and none of the secrets:
 * memory, stream and register contents zeroed, paths, names and addresses
 * mapped one to one (README, "crit anonymize"). Nothing is written into
 * in_dir; out_dir appears whole or not at all. *rep lists what crit
 * cannot judge; free it with crit_anon_report_free. False on a damaged
 * or unreadable input, or an output that cannot be written: err says
 * why, and out_dir is as it was. */
CRIT_CHECK bool crit_anonymize(const char *in_dir, const char *out_dir, const struct crit_anon_opts *opts,
			       struct crit_anon_report *rep, struct crit_err *err);
void crit_anon_report_free(struct crit_anon_report *rep);

struct crit_anon_print_opts {
	bool json;   /* {"unjudged": [...], ...} (the README has its schema) */
	bool escape; /* text: names and messages escaped as crit_escape does */
};

/* The report: text, a line for each thing crit cannot judge; or JSON. */
CRIT_CHECK bool crit_anon_report_print(const struct crit_anon_report *rep, const struct crit_anon_print_opts *opts,
				       const struct crit_sink *out, struct crit_err *err);

/* ------------------------------------------------------------------ */
/* Core files: a process as an ELF core for gdb                         */
/* ------------------------------------------------------------------ */

struct crit_core_opts {
	const char *root; /* NULL, or a directory (a copy of the container's
			   * root, or /): a file's pages the checkpoint does
			   * not hold are read from the file under it */
};

/* What was written. */
struct crit_core_info {
	uint64_t threads;      /* NT_PRSTATUS notes */
	uint64_t loads;        /* PT_LOAD headers: a VMA's runs held and not */
	uint64_t absent_runs;  /* runs the checkpoint (and root) do not hold:
				* no bytes in the file (p_filesz 0) */
	uint64_t absent_bytes;
	uint64_t first_absent; /* the first such run's address */
	const char *first_why; /* and why the checkpoint has none of it */
	uint64_t root_bytes;   /* bytes read from files under root */
	uint64_t beyond_vmas;  /* VMAs past 4 GiB, which a 32-bit core cannot
				* address: left out */
	uint64_t first_beyond; /* the first one's start */
};

/* Process pid of the checkpoint in dir as an ELF core file, for the
 * architecture of its core image (x86-64 and its 32-bit tasks as i386,
 * AArch64, ARM, ppc64le, s390x, mips64el, riscv64, loongarch64), written
 * to out in one pass: the kernel's notes (NT_PRSTATUS and the register sets of each thread,
 * NT_PRPSINFO, NT_SIGINFO, NT_AUXV, NT_FILE) and a PT_LOAD for each run
 * of each VMA, its bytes streamed from the memory reader; constant
 * memory besides the images and the notes. */
CRIT_CHECK bool crit_core(const char *dir, uint64_t pid, const struct crit_core_opts *opts,
			  const struct crit_sink *out, struct crit_core_info *info, struct crit_err *err);

/* s[0, n) made safe to show on a terminal, in the one style every text
 * view uses when it escapes: control bytes (C0, DEL, C1), bidi controls
 * and bytes that are not UTF-8 as \e, \n, \x9b, \u202e..., a backslash
 * as \\. Like snprintf: writes at most cap - 1 bytes and a NUL, returns
 * the length of the whole. */
size_t crit_escape(char *dst, size_t cap, const void *s, size_t n);

/* The schema the tables were generated from. */
const char *crit_tables_origin(void);
const char *crit_tables_digest(void);

#ifdef __cplusplus
}
#endif

#endif
