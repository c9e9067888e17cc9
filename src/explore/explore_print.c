/*
 * explore_print.c - crit x DIR WHAT [--json]: what the explorers of
 * explore.c find, shown as text or as JSON.
 *
 * The text of ps, fds, mems and rss is Python CRIT's, byte for byte; sk
 * is laid out as ss(8) lays sockets out; stats is crit's own. The JSON's
 * schema is in the README.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "json/json.h"
#include "json/text.h"
#include "explore/ps_cmd.h"
#include "mem/mem.h"
#include "tables.h"

/* ------------------------------------------------------------------ */
/* Text and JSON pieces                                                 */
/* ------------------------------------------------------------------ */

/* Bytes from the checkpoint: escaped for a terminal when asked. */
static void put_s(struct out *o, const struct crit_str *s)
{
	out_untrusted(o, s->s, s->n);
}

static void put_spaces(struct out *o, size_t n)
{
	for (; n; n--)
		out_byte(o, ' ');
}

/* Python's "%-<width>s". */
static void put_left(struct out *o, const void *s, size_t n, size_t width)
{
	out_put(o, s, n);
	put_spaces(o, width > n ? width - n : 0);
}

/* Numbers without printf (which mems and rss would spend most of their
 * time in): "%0<min>llx" and "%llu"; each returns how many digits. */
static size_t put_hex(struct out *o, uint64_t v, int min)
{
	char buf[16];
	int n = 0;

	do
		buf[15 - n++] = "0123456789abcdef"[v & 15];
	while ((v >>= 4) || n < min);
	out_put(o, buf + 16 - n, (size_t)n);
	return (size_t)n;
}

static size_t put_dec(struct out *o, uint64_t v)
{
	char buf[20];
	int n = 0;

	do
		buf[19 - n++] = (char)('0' + v % 10);
	while (v /= 10);
	out_put(o, buf + 20 - n, (size_t)n);
	return (size_t)n;
}

/* The task's pid line; false (and its state) when it has nothing more. */
static bool task_head(struct out *o, uint64_t pid, int32_t state, bool zombie)
{
	out_printf(o, "%llu", (unsigned long long)pid);
	if (zombie) {
		out_printf(o, " (%s)\n", crit_task_state_name(state));
		return false;
	}
	out_str(o, "\n");
	return true;
}

static void key_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_u64(w, v);
}

/* A string, or null when there is none (s NULL or empty). */
static void key_str(struct jw *w, const char *key, const struct crit_str *s)
{
	jw_key(w, key);
	if (s && s->n)
		jw_str(w, s->s, s->n);
	else
		jw_null(w);
}

/* What every task has: "pid" and "state". */
static void json_task(struct jw *w, uint64_t pid, int32_t state)
{
	key_u64(w, "pid", pid);
	jw_key_str(w, "state", crit_task_state_name(state));
}

/* ------------------------------------------------------------------ */
/* ps                                                                   */
/* ------------------------------------------------------------------ */

/* opts: ps --cmd, --env (or NULL): strings from the tasks' memory. */
static bool ps_text(struct out *o, const struct crit_ps *ps, const char *dir, const struct crit_explore_opts *opts)
{
	bool mem = opts && (opts->cmd || opts->env);
	int64_t arch = -1;

	out_printf(o, "%7s%7s%7s   %s\n", "PID", "PGID", "SID", opts && opts->cmd ? "COMMAND" : "COMM");
	for (size_t i = 0; i < ps->n; i++) {
		const struct crit_ps_task *t = &ps->tasks[i];
		out_printf(o, "%7llu%7llu%7llu   ", (unsigned long long)t->pid, (unsigned long long)t->pgid,
			   (unsigned long long)t->sid);
		for (size_t d = 0; d < t->depth; d++)
			out_put(o, "    ", 4);
		if (mem && !mem_ps_task(dir, t, opts->cmd, opts->env, o, NULL, 24 + 4 * t->depth, &arch, o->err))
			return false;
		if (mem)
			continue;
		put_s(o, &t->comm);
		out_str(o, "\n");
	}
	return true;
}

static bool ps_json(struct jw *w, const struct crit_ps *ps, const char *dir, const struct crit_explore_opts *opts)
{
	int64_t arch = -1;

	jw_arr_open(w);
	for (size_t i = 0; i < ps->n; i++) {
		const struct crit_ps_task *t = &ps->tasks[i];
		jw_obj_open(w);
		json_task(w, t->pid, t->state);
		key_u64(w, "ppid", t->ppid);
		key_u64(w, "pgid", t->pgid);
		key_u64(w, "sid", t->sid);
		key_u64(w, "depth", t->depth);
		jw_key(w, "comm");
		jw_str(w, t->comm.s, t->comm.n);
		if (opts && (opts->cmd || opts->env) && !mem_ps_task(dir, t, opts->cmd, opts->env, w->o, w, 0, &arch, w->o->err))
			return false;
		jw_obj_close(w);
	}
	jw_arr_close(w);
	return true;
}

static bool show_ps_opts(const char *dir, struct out *o, struct jw *w, const struct crit_explore_opts *opts,
			 struct crit_err *err)
{
	struct crit_ps ps;

	if (!crit_explore_ps(dir, &ps, err))
		return false;
	bool ok = w ? ps_json(w, &ps, dir, opts) : ps_text(o, &ps, dir, opts);
	crit_ps_free(&ps);
	return ok;
}

static bool show_ps(const char *dir, struct out *o, struct jw *w, struct crit_err *err)
{
	return show_ps_opts(dir, o, w, NULL, err);
}

/* ------------------------------------------------------------------ */
/* fds                                                                  */
/* ------------------------------------------------------------------ */

static void fds_text(struct out *o, const struct crit_fds *fds)
{
	for (size_t i = 0; i < fds->n; i++) {
		const struct crit_fds_task *t = &fds->tasks[i];
		if (!task_head(o, t->pid, t->state, t->zombie))
			continue;
		for (size_t k = 0; k < t->n; k++) {
			out_printf(o, "\t%7llu: ", (unsigned long long)t->fds[k].fd);
			put_s(o, &t->fds[k].name);
			out_str(o, "\n");
		}
		if (t->cwd.n) {
			out_printf(o, "\t%7s: ", "cwd");
			put_s(o, &t->cwd);
			out_printf(o, "\n\t%7s: ", "root");
			put_s(o, &t->root);
			out_str(o, "\n");
		}
	}
}

static void fds_json(struct jw *w, const struct crit_fds *fds)
{
	jw_arr_open(w);
	for (size_t i = 0; i < fds->n; i++) {
		const struct crit_fds_task *t = &fds->tasks[i];
		jw_obj_open(w);
		json_task(w, t->pid, t->state);
		jw_key(w, "fds");
		jw_arr_open(w);
		for (size_t k = 0; k < t->n; k++) {
			const struct crit_fd *f = &t->fds[k];
			const struct crit_enum_value *tv = schema_enum_value(&crit_enum_fd_types, f->type);
			char num[16];
			snprintf(num, sizeof(num), "%d", f->type);
			jw_obj_open(w);
			key_u64(w, "fd", f->fd);
			jw_key_str(w, "type", tv ? tv->name : num);
			key_u64(w, "id", f->id);
			key_str(w, "name", &f->name);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		key_str(w, "cwd", &t->cwd);
		key_str(w, "root", &t->root);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static bool show_fds(const char *dir, struct out *o, struct jw *w, struct crit_err *err)
{
	struct crit_fds fds;

	if (!crit_explore_fds(dir, &fds, err))
		return false;
	if (w)
		fds_json(w, &fds);
	else
		fds_text(o, &fds);
	crit_fds_free(&fds);
	return true;
}

/* ------------------------------------------------------------------ */
/* mems                                                                 */
/* ------------------------------------------------------------------ */

/* VMA_AREA_REGULAR: mem/mem.h */

static void prot_str(char s[4], uint32_t prot)
{
	s[0] = prot & 1 ? 'r' : '-';
	s[1] = prot & 2 ? 'w' : '-';
	s[2] = prot & 4 ? 'x' : '-';
	s[3] = 0;
}

static void mems_text(struct out *o, const struct crit_mems *mems)
{
	for (size_t i = 0; i < mems->n; i++) {
		const struct crit_mems_task *t = &mems->tasks[i];
		if (!task_head(o, t->pid, t->state, t->zombie) || !t->exe.n)
			continue;
		out_str(o, "\t");
		put_left(o, "exe", 3, 36);
		out_str(o, "    ");
		put_s(o, &t->exe);
		out_str(o, "\n");
		for (size_t k = 0; k < t->n; k++) {
			const struct crit_vma *v = &t->vmas[k];
			char prot[4];
			prot_str(prot, v->prot);
			out_str(o, "\t");
			size_t n = put_hex(o, v->start, 8) + 1;
			out_byte(o, '-');
			n += put_hex(o, v->end, 8);
			put_spaces(o, n < 36 ? 36 - n : 0); /* "%-36s" */
			out_str(o, prot);
			if (v->name.n) {
				out_str(o, " ");
				put_s(o, &v->name);
			}
			if (!(v->status & VMA_AREA_REGULAR))
				out_str(o, " *");
			out_str(o, "\n");
		}
	}
}

static void mems_json(struct jw *w, const struct crit_mems *mems)
{
	jw_arr_open(w);
	for (size_t i = 0; i < mems->n; i++) {
		const struct crit_mems_task *t = &mems->tasks[i];
		jw_obj_open(w);
		json_task(w, t->pid, t->state);
		key_str(w, "exe", &t->exe);
		jw_key(w, "vmas");
		jw_arr_open(w);
		for (size_t k = 0; k < t->n; k++) {
			const struct crit_vma *v = &t->vmas[k];
			char prot[4];
			prot_str(prot, v->prot);
			jw_obj_open(w);
			key_u64(w, "start", v->start);
			key_u64(w, "end", v->end);
			jw_key_str(w, "prot", prot);
			key_u64(w, "flags", v->flags);
			key_u64(w, "status", v->status);
			key_u64(w, "pgoff", v->pgoff);
			key_str(w, "file", &v->file);
			jw_key(w, "name");
			jw_str(w, v->name.s, v->name.n);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static bool show_mems(const char *dir, struct out *o, struct jw *w, struct crit_err *err)
{
	struct crit_mems mems;

	if (!crit_explore_mems(dir, &mems, err))
		return false;
	if (w)
		mems_json(w, &mems);
	else
		mems_text(o, &mems);
	crit_mems_free(&mems);
	return true;
}

/* ------------------------------------------------------------------ */
/* rss                                                                  */
/* ------------------------------------------------------------------ */

static void rss_text(struct out *o, const struct crit_rss *rss)
{
	for (size_t i = 0; i < rss->n; i++) {
		const struct crit_rss_task *t = &rss->tasks[i];
		size_t pvmi = SIZE_MAX; /* the VMA shown last: shown again as "~" */
		if (!task_head(o, t->pid, t->state, t->zombie))
			continue;
		for (size_t k = 0; k < t->npages; k++) {
			const struct crit_rss_pages *p = &t->pages[k];
			/* Python's '%-24s' % ('\t%lx / %-8d' % (vaddr, pages)) */
			out_byte(o, '\t');
			size_t n = 1 + put_hex(o, p->vaddr, 1) + 3;
			out_str(o, " / ");
			size_t d = put_dec(o, p->pages);
			n += d < 8 ? 8 : d;
			put_spaces(o, (d < 8 ? 8 - d : 0) + (n < 24 ? 24 - n : 0));
			for (size_t j = p->vma; j < p->vma + p->nvmas; j++) {
				const struct crit_rss_vma *a = &t->vmas[j];
				if (j == pvmi) {
					out_str(o, " ~");
				} else { /* ' %08lx / %-8d' */
					out_byte(o, ' ');
					put_hex(o, a->start, 8);
					out_str(o, " / ");
					d = put_dec(o, (a->end - a->start) / t->page_size);
					put_spaces(o, d < 8 ? 8 - d : 0);
					if (a->file.n) {
						out_str(o, " ");
						put_s(o, &a->file);
					}
					pvmi = j;
				}
				out_str(o, "\n\t                       "); /* '\n\t%23s' % '' */
			}
			out_str(o, "\n");
		}
	}
}

static void rss_json(struct jw *w, const struct crit_rss *rss)
{
	jw_arr_open(w);
	for (size_t i = 0; i < rss->n; i++) {
		const struct crit_rss_task *t = &rss->tasks[i];
		jw_obj_open(w);
		json_task(w, t->pid, t->state);
		jw_key(w, "page_size");
		if (t->page_size)
			jw_u64(w, t->page_size);
		else
			jw_null(w);
		jw_key(w, "pagemap");
		jw_arr_open(w);
		for (size_t k = 0; k < t->npages; k++) {
			const struct crit_rss_pages *p = &t->pages[k];
			jw_obj_open(w);
			key_u64(w, "vaddr", p->vaddr);
			key_u64(w, "pages", p->pages);
			jw_key(w, "vmas");
			jw_arr_open(w);
			for (size_t j = p->vma; j < p->vma + p->nvmas; j++) {
				jw_obj_open(w);
				key_u64(w, "start", t->vmas[j].start);
				key_u64(w, "end", t->vmas[j].end);
				key_str(w, "file", &t->vmas[j].file);
				jw_obj_close(w);
			}
			jw_arr_close(w);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static bool show_rss(const char *dir, struct out *o, struct jw *w, struct crit_err *err)
{
	struct crit_rss rss;

	if (!crit_explore_rss(dir, &rss, err))
		return false;
	if (w)
		rss_json(w, &rss);
	else
		rss_text(o, &rss);
	crit_rss_free(&rss);
	return true;
}

/* ------------------------------------------------------------------ */
/* sk                                                                   */
/* ------------------------------------------------------------------ */

struct name {
	uint32_t v;
	const char *name;
};

static const struct name sk_types[] = {
	{ 1, "stream" }, { 2, "dgram" }, { 3, "raw" }, { 4, "rdm" }, { 5, "seqpacket" }, { 6, "dccp" },
	{ 10, "packet" }, { 0, NULL },
}, sk_states[] = { /* the kernel's TCP states, which unix and netlink sockets use too */
	{ 1, "ESTABLISHED" }, { 2, "SYN_SENT" }, { 3, "SYN_RECV" }, { 4, "FIN_WAIT1" },
	{ 5, "FIN_WAIT2" }, { 6, "TIME_WAIT" }, { 7, "CLOSE" }, { 8, "CLOSE_WAIT" },
	{ 9, "LAST_ACK" }, { 10, "LISTEN" }, { 11, "CLOSING" }, { 12, "NEW_SYN_RECV" }, { 0, NULL },
}, inet_protos[] = {
	{ 0, "ip" }, { 1, "icmp" }, { 6, "tcp" }, { 17, "udp" }, { 58, "icmpv6" }, { 132, "sctp" },
	{ 136, "udplite" }, { 255, "raw" }, { 0, NULL },
}, netlink_protos[] = {
	{ 0, "route" }, { 2, "usersock" }, { 3, "firewall" }, { 4, "sock_diag" }, { 5, "nflog" },
	{ 6, "xfrm" }, { 7, "selinux" }, { 8, "iscsi" }, { 9, "audit" }, { 10, "fib_lookup" },
	{ 11, "connector" }, { 12, "netfilter" }, { 13, "ip6_fw" }, { 14, "dnrtmsg" },
	{ 15, "kobject_uevent" }, { 16, "generic" }, { 18, "scsitransport" }, { 19, "ecryptfs" },
	{ 20, "rdma" }, { 21, "crypto" }, { 22, "smc" }, { 0, NULL },
}, packet_protos[] = { /* ethertypes */
	{ 0x0003, "all" }, { 0x0800, "ip" }, { 0x0806, "arp" }, { 0x86dd, "ipv6" }, { 0, NULL },
};

/* The families, and how each names its protocols. */
static const struct family {
	uint32_t af;
	const char *name;
	const struct name *protos; /* NULL: the family has no protocols (unix) */
	const char *proto_fmt;     /* one that has no name */
} sk_families[] = {
	{ AF_UNIX, "unix", NULL, NULL },
	{ AF_INET, "inet", inet_protos, "%u" },
	{ AF_INET6, "inet6", inet_protos, "%u" },
	{ AF_NETLINK, "netlink", netlink_protos, "%u" },
	{ AF_PACKET, "packet", packet_protos, "0x%04x" },
};

/* The name of v in names, else v in fmt into buf. */
static const char *name_of(const struct name *names, uint32_t v, char buf[16], const char *fmt)
{
	for (; names->name; names++)
		if (names->v == v)
			return names->name;
	snprintf(buf, 16, fmt, v);
	return buf;
}

/* What the socket's family, type, protocol and state are called: NULL
 * where the kind has none (or the image does not say). */
struct sk_names {
	const char *family, *type, *proto, *state;
	char buf[4][16];
};

static void sk_names(const struct crit_socket *s, struct sk_names *n)
{
	const struct family *f = NULL;

	for (size_t i = 0; i < sizeof(sk_families) / sizeof(sk_families[0]); i++)
		if (sk_families[i].af == s->family)
			f = &sk_families[i];
	n->family = f ? f->name : NULL;
	if (!f && s->family) { /* a family crit has no name for */
		snprintf(n->buf[0], sizeof(n->buf[0]), "%u", s->family);
		n->family = n->buf[0];
	}
	n->type = s->type ? name_of(sk_types, s->type, n->buf[1], "%u") : NULL;
	n->proto = f && f->protos ? name_of(f->protos, s->proto, n->buf[2], f->proto_fmt) : NULL;
	n->state = s->state ? name_of(sk_states, s->state, n->buf[3], "%u") : NULL;
}

/* The columns, as ss has them (and the fd, inode and buffer sizes). */
enum { C_FD, C_FAMILY, C_TYPE, C_PROTO, C_STATE, C_RECVQ, C_SENDQ, C_RCVBUF, C_SNDBUF, C_INODE, C_LOCAL,
       C_PEER, C_N };

static const struct {
	const char *head;
	bool left;
} sk_cols[C_N] = {
	{ "FD", false },     { "FAMILY", true },  { "TYPE", true },    { "PROTO", true },
	{ "STATE", true },   { "RECV-Q", false }, { "SEND-Q", false }, { "RCVBUF", false },
	{ "SNDBUF", false }, { "INODE", false },  { "LOCAL", true },   { "PEER", true },
};

/* One cell: text in buf, or a unix name (name set: shown as ss shows it). */
struct cell {
	const char *s;
	size_t n;
	bool name;
};

#define CELL_MAX 80

static struct cell cell_text(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static struct cell cell_text(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, CELL_MAX, fmt, ap);
	va_end(ap);
	return (struct cell){ buf, n < 0 ? 0 : n < CELL_MAX ? (size_t)n : CELL_MAX - 1, false };
}

static struct cell cell_num(char *buf, int64_t v)
{
	return v < 0 ? cell_text(buf, "-") : cell_text(buf, "%lld", (long long)v);
}

/* An inet address and port as ss shows them: [v6]:port, port 0 as *. */
static struct cell cell_addr(char *buf, const struct crit_str *a, uint32_t port)
{
	char p[16];

	if (port)
		snprintf(p, sizeof(p), "%u", port);
	else
		snprintf(p, sizeof(p), "*");
	if (!a->n)
		return cell_text(buf, "*:%s", p);
	return cell_text(buf, memchr(a->s, ':', a->n) ? "[%.*s]:%s" : "%.*s:%s", (int)a->n, a->s, p);
}

static struct cell sk_cell(const struct crit_socket *s, const struct sk_names *nm, int col, char *buf)
{
	bool inet = s->family == AF_INET || s->family == AF_INET6;

	switch (col) {
	case C_FD:
		return cell_text(buf, "%llu", (unsigned long long)s->fd);
	case C_FAMILY:
		return cell_text(buf, "%s", nm->family ? nm->family : "-");
	case C_TYPE:
		return cell_text(buf, "%s", nm->type ? nm->type : "-");
	case C_PROTO:
		return cell_text(buf, "%s", nm->proto ? nm->proto : "-");
	case C_STATE:
		return cell_text(buf, "%s", nm->state ? nm->state : "-");
	case C_RECVQ:
		return cell_num(buf, s->recv_q);
	case C_SENDQ:
		return cell_num(buf, s->send_q);
	case C_RCVBUF:
		return cell_num(buf, s->rcvbuf);
	case C_SNDBUF:
		return cell_num(buf, s->sndbuf);
	case C_INODE:
		return s->ino ? cell_num(buf, (int64_t)s->ino) : cell_text(buf, "-");
	case C_LOCAL:
		if (inet)
			return cell_addr(buf, &s->src, s->src_port);
		if (s->family == AF_UNIX && s->src.n)
			return (struct cell){ s->src.s, s->src.n, true };
		if (s->family == AF_NETLINK)
			return cell_text(buf, "%u", s->src_port);
		if (s->family == AF_PACKET && s->ifindex)
			return cell_text(buf, "%u", s->ifindex);
		return cell_text(buf, "*");
	default: /* C_PEER */
		if (inet)
			return cell_addr(buf, &s->dst, s->dst_port);
		if (s->family == AF_UNIX && s->peer)
			return cell_text(buf, "%llu", (unsigned long long)s->peer);
		if (s->family == AF_NETLINK && s->dst_port)
			return cell_text(buf, "%u", s->dst_port);
		return cell_text(buf, "*");
	}
}

/* A unix name as ss shows it: an abstract name's NULs as '@' (its first
 * byte is one), other control bytes as '?', or, for a terminal, escaped
 * as every text view escapes. */
static void put_name(struct out *o, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i <= n; i++) {
		uint8_t c = i < n ? (uint8_t)s[i] : 0;
		if (i < n && c && (o->escape || (c >= 0x20 && c != 0x7f)))
			continue;
		out_untrusted(o, s + run, i - run);
		if (i < n)
			out_byte(o, c == 0 ? '@' : '?');
		run = i + 1;
	}
}

/* How wide put_name shows a name. */
static size_t name_width(const struct out *o, const char *s, size_t n)
{
	if (!o->escape)
		return n;
	size_t w = 0, run = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i])
			continue;
		w += term_escape_width(s + run, i - run) + (i < n);
		run = i + 1;
	}
	return w;
}

static void put_cell(struct out *o, struct cell c, bool left, size_t width, bool last)
{
	size_t n = c.name ? name_width(o, c.s, c.n) : c.n;
	size_t pad = width > n ? width - n : 0;

	if (!left)
		put_spaces(o, pad);
	if (c.name)
		put_name(o, c.s, c.n);
	else
		out_put(o, c.s, c.n);
	if (left && !last)
		put_spaces(o, pad);
	out_str(o, last ? "\n" : "  ");
}

/* One header, then each task's pid and its sockets, in columns as wide
 * as their widest cell. */
static void sk_text(struct out *o, const struct crit_sk *sk)
{
	size_t width[C_N];
	char buf[CELL_MAX];
	struct sk_names nm;

	for (int c = 0; c < C_N; c++)
		width[c] = strlen(sk_cols[c].head);
	for (size_t i = 0; i < sk->n; i++) {
		for (size_t k = 0; k < sk->tasks[i].n; k++) {
			sk_names(&sk->tasks[i].sks[k], &nm);
			for (int c = 0; c < C_N; c++) {
				struct cell cl = sk_cell(&sk->tasks[i].sks[k], &nm, c, buf);
				size_t n = cl.name ? name_width(o, cl.s, cl.n) : cl.n;
				width[c] = n > width[c] ? n : width[c];
			}
		}
	}
	out_str(o, "\t");
	for (int c = 0; c < C_N; c++)
		put_cell(o, (struct cell){ sk_cols[c].head, strlen(sk_cols[c].head), false }, sk_cols[c].left,
			 width[c], c == C_N - 1);
	for (size_t i = 0; i < sk->n; i++) {
		const struct crit_sk_task *t = &sk->tasks[i];
		if (!task_head(o, t->pid, t->state, t->zombie))
			continue;
		for (size_t k = 0; k < t->n; k++) {
			sk_names(&t->sks[k], &nm);
			out_str(o, "\t");
			for (int c = 0; c < C_N; c++)
				put_cell(o, sk_cell(&t->sks[k], &nm, c, buf), sk_cols[c].left, width[c], c == C_N - 1);
		}
	}
}

static void key_queue(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	if (v < 0)
		jw_null(w);
	else
		jw_u64(w, (uint64_t)v);
}

static void sk_json(struct jw *w, const struct crit_sk *sk)
{
	jw_arr_open(w);
	for (size_t i = 0; i < sk->n; i++) {
		const struct crit_sk_task *t = &sk->tasks[i];
		jw_obj_open(w);
		json_task(w, t->pid, t->state);
		jw_key(w, "sockets");
		jw_arr_open(w);
		for (size_t k = 0; k < t->n; k++) {
			const struct crit_socket *s = &t->sks[k];
			struct sk_names nm;
			sk_names(s, &nm);
			jw_obj_open(w);
			key_u64(w, "fd", s->fd);
			key_u64(w, "id", s->id);
			key_u64(w, "ino", s->ino);
			jw_key_str(w, "family", nm.family);
			jw_key_str(w, "type", nm.type);
			jw_key_str(w, "proto", nm.proto);
			jw_key_str(w, "state", nm.state);
			key_str(w, "src", &s->src);
			key_u64(w, "src_port", s->src_port);
			key_str(w, "dst", &s->dst);
			key_u64(w, "dst_port", s->dst_port);
			key_u64(w, "peer", s->peer);
			key_u64(w, "ifindex", s->ifindex);
			key_u64(w, "rcvbuf", s->rcvbuf);
			key_u64(w, "sndbuf", s->sndbuf);
			key_queue(w, "recv_q", s->recv_q);
			key_queue(w, "send_q", s->send_q);
			jw_obj_close(w);
		}
		jw_arr_close(w);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static bool show_sk(const char *dir, struct out *o, struct jw *w, struct crit_err *err)
{
	struct crit_sk sk;

	if (!crit_explore_sk(dir, &sk, err))
		return false;
	if (w)
		sk_json(w, &sk);
	else
		sk_text(o, &sk);
	crit_sk_free(&sk);
	return true;
}

/* ------------------------------------------------------------------ */
/* stats                                                                */
/* ------------------------------------------------------------------ */

/* Times in ms (CRIU keeps microseconds), then page counts. */
static void stats_text(struct out *o, const struct crit_stats_part *p)
{
	out_printf(o, "%s (%s)\n", p->member, p->image);
	if (!p->found) {
		out_printf(o, "\tno %s image\n", p->image);
		return;
	}
	if (!p->has) {
		out_printf(o, "\tno %s statistics in %s\n", p->member, p->image);
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct crit_stat *s = &p->v[i];
		out_str(o, "\t");
		put_left(o, s->label, strlen(s->label), 28);
		if (s->usec)
			out_printf(o, "%llu.%03llu ms\n", (unsigned long long)(s->value / 1000),
				   (unsigned long long)(s->value % 1000));
		else
			out_printf(o, "%llu\n", (unsigned long long)s->value);
	}
}

/* The fields as stats.proto names them, times in microseconds. */
static void stats_json(struct jw *w, const struct crit_stats_part *p)
{
	jw_key(w, p->member);
	if (!p->has) {
		jw_null(w);
		return;
	}
	jw_obj_open(w);
	for (size_t i = 0; i < p->n; i++)
		key_u64(w, p->v[i].field, p->v[i].value);
	jw_obj_close(w);
}

static bool show_stats(const char *dir, struct out *o, struct jw *w, struct crit_err *err)
{
	struct crit_stats st;

	if (!crit_explore_stats(dir, &st, err))
		return false;
	if (w) {
		jw_obj_open(w);
		stats_json(w, &st.dump);
		stats_json(w, &st.restore);
		jw_obj_close(w);
	} else {
		stats_text(o, &st.dump);
		stats_text(o, &st.restore);
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* The entry point                                                      */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name;
	bool (*show)(const char *dir, struct out *o, struct jw *w, struct crit_err *err);
} explorers[] = {
	{ "ps", show_ps }, { "fds", show_fds }, { "mems", show_mems },
	{ "rss", show_rss }, { "sk", show_sk }, { "stats", show_stats },
};

bool crit_explore(const char *dir, const char *what, const struct crit_explore_opts *opts,
		  const struct crit_sink *sink, struct crit_err *err)
{
	bool json = opts && opts->json;

	memset(err, 0, sizeof(*err));
	if (opts && (opts->cmd || opts->env) && strcmp(what, "ps") != 0)
		return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "--cmd and --env go with ps, not %s", what);
	for (size_t i = 0; i < sizeof(explorers) / sizeof(explorers[0]); i++) {
		if (strcmp(explorers[i].name, what) != 0)
			continue;
		struct out o;
		struct jw w;
		if (!out_alloc(&o, sink, err))
			return false;
		o.escape = opts && opts->escape;
		jw_init(&w, &o, true);
		bool ok = opts && (opts->cmd || opts->env)
				  ? show_ps_opts(dir, &o, json ? &w : NULL, opts, err) /* checked below: ps */
				  : explorers[i].show(dir, &o, json ? &w : NULL, err);
		if (ok && json)
			out_str(&o, "\n");
		return out_free(&o, ok);
	}
	return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "no explorer '%s' (ps, fds, mems, rss, sk, stats)", what);
}
