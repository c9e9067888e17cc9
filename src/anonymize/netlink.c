/*
 * netlink.c - the raw network dumps CRIU keeps with iproute2 (`ip addr
 * save`, `ip route save`, `ip rule save`): a magic, then rtnetlink
 * messages, each a header, a family header and attributes. The attributes
 * that hold addresses are mapped, those that name an interface too; the
 * ones the kernel fills with numbers are kept; any other is reported.
 */
#include <stdio.h>
#include <stdlib.h>

#include "anonymize/anonymize.h"

#define NLMSG_HDRLEN 16
#define ALIGN4(x) (((x) + 3) & ~(uint64_t)3)
#define NLA_TYPE_MASK 0x3fff
#define AF_INET_ 2
#define AF_INET6_ 10

enum attr { A_OTHER, A_KEEP, A_ADDR, A_NAME };

/* What each dump holds: its magic, its messages' type, the size of their
 * family header, and each attribute type's kind (linux/if_addr.h,
 * rtnetlink.h, fib_rules.h). */
static const struct dump {
	enum raw_kind kind;
	uint32_t magic;
	uint16_t type;  /* RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWRULE */
	size_t hdr;     /* ifaddrmsg, rtmsg, fib_rule_hdr: the family first */
	uint8_t attrs[32];
} dumps[] = {
	{ RAW_IFADDR, 0x47361222, 20, 8, {
		[1] = A_ADDR,  /* IFA_ADDRESS */   [2] = A_ADDR,  /* IFA_LOCAL */
		[3] = A_NAME,  /* IFA_LABEL */     [4] = A_ADDR,  /* IFA_BROADCAST */
		[5] = A_ADDR,  /* IFA_ANYCAST */   [6] = A_KEEP,  /* IFA_CACHEINFO */
		[7] = A_ADDR,  /* IFA_MULTICAST */ [8] = A_KEEP,  /* IFA_FLAGS */
		[9] = A_KEEP,  /* IFA_RT_PRIORITY */ [10] = A_KEEP, /* IFA_TARGET_NETNSID */
		[11] = A_KEEP, /* IFA_PROTO */ } },
	{ RAW_ROUTE, 0x45311224, 24, 12, {
		[1] = A_ADDR,  /* RTA_DST */       [2] = A_ADDR,  /* RTA_SRC */
		[3] = A_KEEP,  /* RTA_IIF */       [4] = A_KEEP,  /* RTA_OIF */
		[5] = A_ADDR,  /* RTA_GATEWAY */   [6] = A_KEEP,  /* RTA_PRIORITY */
		[7] = A_ADDR,  /* RTA_PREFSRC */   [8] = A_KEEP,  /* RTA_METRICS */
		[11] = A_KEEP, /* RTA_FLOW */      [12] = A_KEEP, /* RTA_CACHEINFO */
		[15] = A_KEEP, /* RTA_TABLE */     [16] = A_KEEP, /* RTA_MARK */
		[17] = A_KEEP, /* RTA_MFC_STATS */ [20] = A_KEEP, /* RTA_PREF */
		[21] = A_KEEP, /* RTA_ENCAP_TYPE */ [23] = A_KEEP, /* RTA_EXPIRES */
		[24] = A_KEEP, /* RTA_PAD */       [25] = A_KEEP, /* RTA_UID */
		[26] = A_KEEP, /* RTA_TTL_PROPAGATE */ [27] = A_KEEP, /* RTA_IP_PROTO */
		[28] = A_KEEP, /* RTA_SPORT */     [29] = A_KEEP, /* RTA_DPORT */
		[30] = A_KEEP, /* RTA_NH_ID */ } },
	{ RAW_RULE, 0x71706986, 32, 12, {
		[1] = A_ADDR,  /* FRA_DST */       [2] = A_ADDR,  /* FRA_SRC */
		[3] = A_NAME,  /* FRA_IIFNAME */   [4] = A_KEEP,  /* FRA_GOTO */
		[6] = A_KEEP,  /* FRA_PRIORITY */  [10] = A_KEEP, /* FRA_FWMARK */
		[11] = A_KEEP, /* FRA_FLOW */      [12] = A_KEEP, /* FRA_TUN_ID */
		[13] = A_KEEP, /* FRA_SUPPRESS_IFGROUP */ [14] = A_KEEP, /* FRA_SUPPRESS_PREFIXLEN */
		[15] = A_KEEP, /* FRA_TABLE */     [16] = A_KEEP, /* FRA_FWMASK */
		[17] = A_NAME, /* FRA_OIFNAME */   [18] = A_KEEP, /* FRA_PAD */
		[19] = A_KEEP, /* FRA_L3MDEV */    [20] = A_KEEP, /* FRA_UID_RANGE */
		[21] = A_KEEP, /* FRA_PROTOCOL */  [22] = A_KEEP, /* FRA_IP_PROTO */
		[23] = A_KEEP, /* FRA_SPORT_RANGE */ [24] = A_KEEP, /* FRA_DPORT_RANGE */ } },
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static bool put(struct anon *a, struct buf *b, const void *s, size_t n)
{
	return buf_put(b, s, n) || anon_nomem(a);
}

static bool pad4(struct anon *a, struct buf *b)
{
	static const uint8_t z[4];
	return put(a, b, z, (size_t)(ALIGN4(b->n) - b->n));
}

/* One attribute at p (len bytes, its header included) of a message of
 * the family, appended to b as the dump's table says. */
static bool attribute(struct anon *a, const struct dump *d, uint8_t family, const uint8_t *p, size_t len,
		      struct buf *b)
{
	uint16_t type = le16(p + 2) & NLA_TYPE_MASK;
	enum attr kind = type < sizeof(d->attrs) ? (enum attr)d->attrs[type] : A_OTHER;
	const uint8_t *v = p + 4;
	size_t n = len - 4, at = b->n;
	uint8_t addr[16];

	snprintf(a->field, sizeof(a->field), "attribute %u", type);
	if (kind == A_ADDR && n == (family == AF_INET_ ? 4u : family == AF_INET6_ ? 16u : 0u)) {
		memcpy(addr, v, n);
		return anon_ip(a, addr, n) && put(a, b, p, 4) && put(a, b, addr, n) && pad4(a, b);
	}
	if (kind == A_NAME) { /* a string and its NUL */
		const uint8_t *nul = memchr(v, 0, n);
		if (!put(a, b, p, 4) || !anon_name(a, v, nul ? (size_t)(nul - v) : n, b) || !put(a, b, "", 1))
			return false;
		if (b->n - at > UINT16_MAX)
			return anon_fail(a, anon_at(a, p), CRIT_E_LIMIT, "a name too long for its attribute");
		b->p[at] = (uint8_t)(b->n - at);
		b->p[at + 1] = (uint8_t)((b->n - at) >> 8);
		return pad4(a, b);
	}
	if (kind != A_KEEP && !anon_unjudged(a, a->field, "a netlink attribute crit has no rule for"))
		return true; /* left out */
	return put(a, b, p, len) && pad4(a, b);
}

/* One message at p (len bytes): its headers, then its attributes. */
static bool message(struct anon *a, const struct dump *d, const uint8_t *p, size_t len, struct buf *b)
{
	size_t start = b->n, head = NLMSG_HDRLEN + (size_t)ALIGN4(d->hdr);

	if (len < head)
		return anon_fail(a, anon_at(a, p), CRIT_E_LENGTH, "a netlink message of %zu bytes, shorter than its %zu-byte headers",
				 len, head);
	if (le16(p + 4) != d->type) {
		snprintf(a->field, sizeof(a->field), "message type %u", le16(p + 4));
		return !anon_unjudged(a, a->field, "a netlink message crit has no rule for") || put(a, b, p, len);
	}
	if (!put(a, b, p, head))
		return false;
	for (size_t off = head; off < len;) {
		size_t alen = le16(p + off);
		if (len - off < 4 || alen < 4 || alen > len - off)
			return anon_fail(a, anon_at(a, p + off), CRIT_E_LENGTH,
					 "a netlink attribute of %zu bytes, %zu left in its message", alen, len - off);
		if (!attribute(a, d, p[NLMSG_HDRLEN], p + off, alen, b))
			return false;
		off += ALIGN4(alen) < len - off ? (size_t)ALIGN4(alen) : len - off;
	}
	le32_put(b->p + start, (uint32_t)(b->n - start));
	return true;
}

static const struct dump *dump_of(enum raw_kind kind)
{
	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++)
		if (dumps[i].kind == kind)
			return &dumps[i];
	return NULL;
}

bool netlink_magic(enum raw_kind kind, uint32_t magic)
{
	return dump_of(kind) && dump_of(kind)->magic == magic;
}

bool netlink_rewrite(struct anon *a, enum raw_kind kind, int fd, uint64_t size, struct wr *w)
{
	const struct dump *d = dump_of(kind);
	struct buf in = { 0 }, out = { 0 };
	bool ok = false;

	if (size > ANON_MAX_READ)
		return anon_fail(a, CRIT_NOPOS, CRIT_E_LIMIT, "a netlink dump of %llu bytes, more than the %zu MiB crit reads",
				 (unsigned long long)size, ANON_MAX_READ >> 20);
	if (!d || !anon_read(a, fd, 0, (size_t)size, &in))
		goto done;
	a->base = in.p;
	a->base_off = 0;
	a->entry = -1;
	if (size < 4) {
		ok = anon_fail(a, 0, CRIT_E_TRUNCATED, "truncated magic: %llu bytes", (unsigned long long)size);
		goto done;
	}
	if (le32_get(in.p) != d->magic) { /* dir.c judged it by its magic: changed since */
		ok = anon_fail(a, 0, CRIT_E_IO, "the file changed while it was read");
		goto done;
	}
	ok = put(a, &out, in.p, 4);
	for (size_t off = 4; ok && off < in.n;) {
		size_t len = in.n - off >= NLMSG_HDRLEN ? le32_get(in.p + off) : 0;
		a->entry = a->entry + 1;
		if (len < NLMSG_HDRLEN || len > in.n - off) {
			ok = anon_fail(a, off, CRIT_E_LENGTH, "a netlink message of %zu bytes, %zu left", len, in.n - off);
			break;
		}
		ok = message(a, d, in.p + off, len, &out) && pad4(a, &out);
		off += ALIGN4(len) < in.n - off ? (size_t)ALIGN4(len) : in.n - off;
	}
	ok = ok && wr_put(w, out.p, out.n);
done:
	a->field[0] = 0;
	a->nfield = 0;
	a->entry = -1;
	free(in.p);
	free(out.p);
	return ok;
}
