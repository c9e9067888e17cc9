/* codec.c - crit decode, encode, show and info: one image at a time. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_decode[] =
	"usage: crit decode [-h] [--pretty] [-i IN] [-o OUT]\n"
	"\n"
	"Convert a criu image from binary to JSON.\n"
	"\n"
	"options:\n"
	"  --pretty          multiline with indents and some numerical fields in\n"
	"                    field-specific format\n"
	"  -i, --in IN       criu image in binary format to be decoded (stdin by default)\n"
	"  -o, --out OUT     where to put the JSON (stdout by default); written\n"
	"                    atomically, and not at all on error\n";

static const char usage_encode[] =
	"usage: crit encode [-h] [-i IN] [-o OUT]\n"
	"\n"
	"Convert a criu image from JSON (as decode writes it, plain or --pretty)\n"
	"back to binary, byte for byte.\n"
	"\n"
	"options:\n"
	"  -i, --in IN       criu image in JSON format to be encoded (stdin by default)\n"
	"  -o, --out OUT     where to put the binary image (stdout by default); written\n"
	"                    atomically, and not at all on error\n";

static const char usage_show[] =
	"usage: crit show [-h] [--nopl] IN\n"
	"\n"
	"Convert a criu image from binary to human-readable JSON.\n"
	"\n"
	"options:\n"
	"  --nopl            do not show entry payload (if exists)\n";

static const char usage_info[] =
	"usage: crit info [-h] IN\n"
	"\n"
	"Show the magic and the number of entries of an image.\n";

/* ------------------------------------------------------------------ */
/* Commands                                                             */
/* ------------------------------------------------------------------ */

static int run_decode(const char *in, const char *out, bool pretty, bool nopl)
{
	struct crit_decode_opts opts = { .pretty = pretty, .nopl = nopl };
	struct crit_source src = { .fd = open_in(in) };
	struct crit_err err;
	struct outfile of;

	out_open(&of, out, src.fd);
	struct crit_sink sink = { fd_write, &of.fd };
	if (!crit_decode(&src, &sink, &opts, &err)) {
		out_abort(&of);
		die_err(in ? in : "<stdin>", &err);
	}
	/* CRIT ends its JSON with a newline on stdout only. */
	if (!out && !fd_write(&of.fd, "\n", 1)) {
		fprintf(stderr, "crit: <stdout>: %s\n", strerror(errno));
		return 1;
	}
	return out_commit(&of) ? 0 : 1;
}

int cmd_decode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *v;
	bool pretty = false;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_decode, stdout);
			return 0;
		} else if (is_opt(argv[i], NULL, "--pretty", NULL)) {
			pretty = true;
		} else if (is_opt(argv[i], "-i", "--in", &v)) {
			in = opt_value(argc, argv, &i, v, usage_decode);
		} else if (is_opt(argv[i], "-o", "--out", &v)) {
			out = opt_value(argc, argv, &i, v, usage_decode);
		} else {
			bad_arg(usage_decode, argv[i]);
		}
	}
	return run_decode(in, out, pretty, false);
}

int cmd_encode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL, *v;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_encode, stdout);
			return 0;
		} else if (is_opt(argv[i], "-i", "--in", &v)) {
			in = opt_value(argc, argv, &i, v, usage_encode);
		} else if (is_opt(argv[i], "-o", "--out", &v)) {
			out = opt_value(argc, argv, &i, v, usage_encode);
		} else {
			bad_arg(usage_encode, argv[i]);
		}
	}
	struct crit_source src = { .fd = open_in(in) };
	struct crit_err err;
	struct outfile of;

	out_open(&of, out, src.fd);
	struct crit_sink sink = { fd_write, &of.fd };
	if (!crit_encode(&src, &sink, &err)) {
		out_abort(&of);
		die_err(in ? in : "<stdin>", &err);
	}
	return out_commit(&of) ? 0 : 1;
}

int cmd_show(int argc, char **argv)
{
	const char *in = NULL;
	bool nopl = false;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_show, stdout);
			return 0;
		} else if (is_opt(argv[i], NULL, "--nopl", NULL)) {
			nopl = true;
		} else {
			in = positional(in, argv[i], usage_show);
		}
	}
	return run_decode(need_in(in, usage_show), NULL, true, nopl);
}

int cmd_info(int argc, char **argv)
{
	const char *in = NULL;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_info, stdout);
			return 0;
		}
		in = positional(in, argv[i], usage_info);
	}
	in = need_in(in, usage_info);

	struct crit_source src = { .fd = open_in(in) };
	struct crit_info info;
	struct crit_err err;
	if (!crit_info(&src, &info, &err))
		die_err(in, &err);
	printf("{\n    \"magic\": \"%s\",\n    \"count\": %llu\n}\n", info.magic,
	       (unsigned long long)info.count);
	return fflush(stdout) == 0 ? 0 : 1;
}
