/*
 * gen-dict.c - the fuzzers' dictionaries, from the tables: `gen-dict
 * image|json|explore` prints one in libFuzzer's format. The .dict files here
 * are its output; tests/fuzz/dicts-fresh.sh checks they are current.
 *
 *   image    magics, field tags, varints at the edges of their forms
 *   json     JSON tokens, the image's member names, magic, field, enum,
 *            flag and dict names, the forms numbers take
 *   explore  image, and the file names of a checkpoint directory
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/decode.h"
#include "format/image.h"
#include "format/wire.h"

/* Entries already printed, so that each is printed once. */
static char **seen;
static size_t nseen, capseen;

static void entry(const uint8_t *s, size_t n)
{
	char line[512];
	size_t k = 0;

	for (size_t i = 0; i < n && k + 5 < sizeof(line); i++) {
		if (s[i] == '"' || s[i] == '\\') {
			line[k++] = '\\';
			line[k++] = (char)s[i];
		} else if (s[i] >= 0x20 && s[i] < 0x7f)
			line[k++] = (char)s[i];
		else
			k += (size_t)snprintf(line + k, sizeof(line) - k, "\\x%02x", s[i]);
	}
	line[k] = 0;
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i], line) == 0)
			return;
	if (nseen == capseen) {
		capseen = capseen ? 2 * capseen : 1024;
		seen = realloc(seen, capseen * sizeof(*seen));
		if (!seen)
			abort();
	}
	seen[nseen++] = strdup(line);
	printf("\"%s\"\n", line);
}

static void text(const char *s)
{
	entry((const uint8_t *)s, strlen(s));
}

static void quoted(const char *s)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "\"%s\"", s);
	text(buf);
}

static void image_dict(void)
{
	static const char *const varints[] = {
		"\x80\x00",                                 /* 0, not in its shortest form */
		"\xff\xff\xff\xff\x0f",                     /* -1 as an unsigned 32-bit number */
		"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", /* -1 sign-extended */
		"\x80\x80\x80\x80\x10",                     /* 2^32 */
		"\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", /* past 64 bits */
	};
	uint8_t b[16];

	for (uint32_t i = 0; i < crit_n_magics; i++) {
		for (int k = 0; k < 4; k++)
			b[k] = (uint8_t)(crit_magics[i].value >> (8 * k));
		entry(b, 4);
	}
	for (size_t i = 0; i < sizeof(varints) / sizeof(varints[0]); i++)
		text(varints[i]);
	for (uint32_t i = 0; i < crit_n_messages; i++) {
		const struct crit_msg *m = crit_messages[i];
		for (uint32_t k = 0; k < m->n_fields; k++) {
			const struct crit_field *f = &m->fields[k];
			size_t n = wire_put_varint(b, (uint64_t)f->number << 3 | (unsigned)wire_type_for(f));
			entry(b, n);
		}
	}
}

static bool collect(void *ctx, const void *s, size_t n)
{
	struct buf *b = ctx;
	return buf_put(b, s, n);
}

/* What --pretty shows for the value v of field f, if it is a name. */
static void pretty_name(const struct crit_field *f, uint64_t v)
{
	struct buf b = { 0 };
	struct crit_sink sink = { collect, &b, NULL };
	struct crit_err err = { 0 };
	uint8_t ob[256];
	struct out o;
	struct jw w;

	out_init(&o, &sink, &err, ob, sizeof(ob));
	jw_init(&w, &o, true);
	if (pretty_int(&w, f, false, false, v) && out_flush(&o) && b.n > 2 && b.p[1] != '0' &&
	    memchr(b.p, '|', b.n) == NULL)
		entry(b.p, b.n);
	free(b.p);
}

static void json_dict(void)
{
	static const char *const tokens[] = {
		"{", "}", "[", "]", ":", ",", "\"", "true", "false", "null", "NaN", "Infinity", "-Infinity",
		"-0", "1e5", "0.5", "18446744073709551615", "-9223372036854775808", "4294967295",
		"2147483648", "\\u0000", "\\udc80", "\\ud800", "\\\\", "\\n", "\"0x", "\"0x-", "\"0o", "\"0b",
		" | ", ":", "\"::ffff:", "\"127.0.0.1\"", "\"::1\"", "=\n", "=3D", "\"#1\"",
		"\"magic\"", "\"entries\"", "\"extra\"", "\"inq\"", "\"outq\"", "\"AAAA\\n\"", "\"=\"",
	};

	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		text(tokens[i]);
	for (uint32_t i = 0; i < crit_n_magics; i++)
		quoted(crit_magics[i].name);
	for (uint32_t i = 0; i < crit_n_enums; i++)
		for (uint32_t k = 0; k < crit_enums[i]->n_values; k++)
			quoted(crit_enums[i]->values[k].name);
	for (uint32_t i = 0; i < crit_n_messages; i++) {
		const struct crit_msg *m = crit_messages[i];
		for (uint32_t k = 0; k < m->n_fields; k++) {
			const struct crit_field *f = &m->fields[k];
			quoted(f->name);
			if (f->flags_map)
				for (int bit = 0; bit < 64; bit++)
					pretty_name(f, (uint64_t)1 << bit);
			if (f->dict)
				for (uint64_t v = 0; v < 64; v++)
					pretty_name(f, v);
		}
	}
}

static void explore_dict(void)
{
	static const char *const names[] = {
		"pstree.img", "core-%d.img", "ids-%d.img", "fs-%d.img", "mm-%d.img", "pagemap-%d.img",
		"fdinfo-%d.img", "files.img", "reg-files.img", "pipes.img", "unixsk.img", "stats-dump",
		"stats-restore", "inetsk.img", "inventory.img",
	};
	char buf[64];

	image_dict();
	text("@@@@");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		for (int id = 1; id <= 3; id++) {
			snprintf(buf, sizeof(buf), names[i], id);
			strcat(buf, "\n");
			text(buf);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*print)(void);
	} dicts[] = { { "image", image_dict }, { "json", json_dict }, { "explore", explore_dict } };

	for (size_t i = 0; argc == 2 && i < sizeof(dicts) / sizeof(dicts[0]); i++) {
		if (strcmp(argv[1], dicts[i].name) != 0)
			continue;
		printf("# Generated by tests/fuzz/gen-dict.c from %s. Do not edit.\n", crit_tables_origin());
		dicts[i].print();
		return 0;
	}
	fprintf(stderr, "usage: gen-dict image|json|explore\n");
	return 2;
}
