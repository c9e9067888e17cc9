/* mem.c - crit mem and crit search: a task's memory from a checkpoint. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_mem[] =
	"usage: crit mem [-h] DIR PID [--json] [--at ADDR [--len N] [--raw | -o FILE] [--fill]]\n"
	"                                   [--vma ADDR [--raw | -o FILE] [--fill]]\n"
	"\n"
	"A task's memory in a checkpoint (and the pre-dumps its parent link leads to).\n"
	"Without --at or --vma: its map, one line per VMA: start-end, protection, its\n"
	"pages in this dump, in a parent pre-dump, lazy (not in the images) and not\n"
	"dumped (zeros, or a file's), and its name as crit x mems shows it.\n"
	"\n"
	"options:\n"
	"  --json            the map as JSON: a list of objects\n"
	"  --at ADDR         the bytes at ADDR (0x... hex, or decimal), as xxd -o ADDR\n"
	"                    shows them; an address the checkpoint does not hold is an\n"
	"                    error naming it and why\n"
	"  --len N           how many bytes (default 256)\n"
	"  --vma ADDR        the whole mapping that holds ADDR\n"
	"  --raw             the bytes as they are, not a hexdump\n"
	"  -o, --output FILE the bytes as they are, into FILE (written whole or not at all)\n"
	"  --fill            zeros where the checkpoint holds no bytes, not an error\n"
	"  --escape          escape the names' control bytes and invalid UTF-8, as on a\n"
	"                    terminal, where it is the default\n";

static const char usage_search[] =
	"usage: crit search [-h] DIR PATTERN [--pid PID] [--hex] [--regex] [-i] [--context N] [--json]\n"
	"\n"
	"Every occurrence of PATTERN in the memory of every task of a checkpoint (this\n"
	"dump's pages and its parent pre-dumps'), one line each: the pid, the address,\n"
	"the mapping's name, and the match with its context, escaped. A match may span\n"
	"pages, never addresses that are not contiguous.\n"
	"\n"
	"options:\n"
	"  --pid PID         only this task\n"
	"  --hex             PATTERN is bytes in hex: \"de ad be ef\" or deadbeef\n"
	"  --regex           PATTERN is a POSIX extended regex, matched in the text\n"
	"                    between NUL bytes (at most 4 KiB a match)\n"
	"  -i                ASCII letters in either case\n"
	"  --context N       N bytes before and after each match (default 16)\n"
	"  --json            one JSON object per line: pid, address, vma {start, end,\n"
	"                    name}, match, context\n"
	"  --escape          escape the names' control bytes, as on a terminal, where it\n"
	"                    is the default (the context is always escaped)\n";

/* A number as 0x hex or decimal; exit 2 otherwise. */
static uint64_t number(const char *usage, const char *what, const char *s)
{
	int base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
	const char *d = base == 16 ? s + 2 : s;
	char *end;

	errno = 0;
	unsigned long long v = strtoull(d, &end, base);
	if (!*d || *end || errno || *d == '-' || *d == '+' || *d == ' ')
		usage_error(usage, "%s: not a number (0x... hex, or decimal): '%s'", what, s);
	return v;
}

static void need_dir_pid(const char *usage, int n)
{
	if (n < 2)
		usage_error(usage, "the following arguments are required: %s", n ? "pid" : "dir, pid");
}

int cmd_mem(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL }, *at = NULL, *vma = NULL, *out = NULL, *len = NULL;
	struct crit_mem_print_opts opts = { .escape = isatty(1) };
	int n = 0;
	struct args a;

	args_init(&a, argc, argv, usage_mem);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_mem);
		if (args_flag(&a, NULL, "--json"))
			opts.json = true;
		else if (args_flag(&a, NULL, "--escape"))
			opts.escape = true;
		else if (args_flag(&a, NULL, "--raw"))
			opts.raw = true;
		else if (args_flag(&a, NULL, "--fill"))
			opts.fill = true;
		else if (args_value(&a, NULL, "--at"))
			at = a.val;
		else if (args_value(&a, NULL, "--len"))
			len = a.val;
		else if (args_value(&a, NULL, "--vma"))
			vma = a.val;
		else if (args_value(&a, "-o", "--output"))
			out = a.val;
		else if (n == 2)
			args_unknown(&a);
		else
			pos[n++] = args_operand(&a);
	}
	need_dir_pid(usage_mem, n);
	uint64_t pid = number(usage_mem, "pid", pos[1]);
	if (at && vma)
		usage_error(usage_mem, "--at and --vma: one or the other");
	if (!at && !vma && (len || out || opts.raw || opts.fill))
		usage_error(usage_mem, "--len, --raw, -o and --fill go with --at or --vma");
	if ((at || vma) && opts.json)
		usage_error(usage_mem, "--json shows the map, not bytes");
	if (len && vma)
		usage_error(usage_mem, "--len goes with --at; --vma takes the whole mapping");
	if (out && opts.raw)
		usage_error(usage_mem, "--raw or -o: one or the other");
	struct crit_err err;
	if (!at && !vma) {
		int fd = 1;
		struct crit_sink sink = { fd_write, &fd, NULL };
		if (!crit_mem_print_map(pos[0], pid, &opts, &sink, &err))
			die_err(err.code == CRIT_E_WRITE ? "<stdout>" : pos[0], &err);
		return 0;
	}
	uint64_t addr = number(usage_mem, at ? "--at" : "--vma", at ? at : vma);
	uint64_t nbytes = len ? number(usage_mem, "--len", len) : 256;
	struct outfile of;
	opts.raw = opts.raw || out;
	out_open(&of, out, -1);
	/* a new file (-o) is sparse: a mapping's zero pages take no disk */
	struct sparse sp = { of.fd, 0 };
	struct crit_sink sink = of.atomic ? sparse_sink(&sp) : (struct crit_sink){ fd_write, &of.fd, NULL };
	if (!crit_mem_print_bytes(pos[0], pid, addr, nbytes, vma != NULL, &opts, &sink, &err)) {
		out_abort(&of);
		die_err(err.code == CRIT_E_WRITE ? (out ? out : "<stdout>") : pos[0], &err);
	}
	if (of.atomic && !sparse_end(&sp)) {
		int e = errno;
		out_abort(&of);
		die(EXIT_DAMAGED, "%s: %s", out, strerror(e));
	}
	return out_commit(&of) ? 0 : EXIT_DAMAGED;
}

/* "de ad be ef" or "deadbeef" as bytes, into out (as long as s). */
static size_t hex_bytes(const char *s, uint8_t *out)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int d = *s >= '0' && *s <= '9' ? *s - '0'
		      : (*s | 0x20) >= 'a' && (*s | 0x20) <= 'f' ? (*s | 0x20) - 'a' + 10
		      : -1;
		if (*s == ' ' && hi < 0)
			continue;
		if (d < 0)
			usage_error(usage_search, "--hex: '%c' is not a hex digit", *s);
		if (hi < 0) {
			hi = d;
		} else {
			out[n++] = (uint8_t)(hi << 4 | d);
			hi = -1;
		}
	}
	if (hi >= 0)
		usage_error(usage_search, "--hex: an odd number of hex digits");
	return n;
}

int cmd_search(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL }, *pid = NULL, *ctx = NULL;
	struct crit_mem_print_opts opts = { .escape = isatty(1) };
	struct crit_search_opts s = { .context = 16 };
	bool hex = false;
	int n = 0;
	struct args a;

	args_init(&a, argc, argv, usage_search);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_search);
		if (args_flag(&a, NULL, "--json"))
			opts.json = true;
		else if (args_flag(&a, NULL, "--escape"))
			opts.escape = true;
		else if (args_flag(&a, NULL, "--hex"))
			hex = true;
		else if (args_flag(&a, NULL, "--regex"))
			s.regex = true;
		else if (args_flag(&a, "-i", "--ignore-case"))
			s.icase = true;
		else if (args_value(&a, NULL, "--pid"))
			pid = a.val;
		else if (args_value(&a, NULL, "--context"))
			ctx = a.val;
		else if (n == 2)
			args_unknown(&a);
		else
			pos[n++] = args_operand(&a);
	}
	if (n < 2)
		usage_error(usage_search, "the following arguments are required: %s", n ? "pattern" : "dir, pattern");
	if (hex && s.regex)
		usage_error(usage_search, "--hex or --regex: one or the other");
	uint64_t one = pid ? number(usage_search, "--pid", pid) : 0;
	if (ctx) {
		uint64_t c = number(usage_search, "--context", ctx);
		if (c > CRIT_SEARCH_MAX_CONTEXT)
			usage_error(usage_search, "--context: at most %zu", CRIT_SEARCH_MAX_CONTEXT);
		s.context = (size_t)c;
	}
	size_t plen = strlen(pos[1]);
	uint8_t *pat = malloc(plen + 1);
	if (!pat)
		die(EXIT_DAMAGED, "out of memory");
	s.n = hex ? hex_bytes(pos[1], pat) : plen;
	if (!hex)
		memcpy(pat, pos[1], plen + 1);
	s.pattern = pat;
	if (!s.n || s.n > CRIT_SEARCH_MAX_PATTERN)
		usage_error(usage_search, "PATTERN: 1 to %zu bytes", CRIT_SEARCH_MAX_PATTERN);
	int fd = 1;
	struct crit_sink sink = { fd_write, &fd, NULL };
	struct crit_err err;
	if (!crit_mem_print_search(pos[0], pid ? &one : NULL, &s, &opts, &sink, &err))
		die_err(err.code == CRIT_E_WRITE ? "<stdout>" : pos[0], &err);
	free(pat);
	return 0;
}
