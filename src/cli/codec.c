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

/* A failed decode or encode: the output goes, and the error names the
 * file it is about (the output, for a write that failed). */
static void fail(struct outfile *of, const char *in, const struct crit_err *err)
{
	out_abort(of);
	die_err(err->code == CRIT_E_WRITE ? (of->path ? of->path : "<stdout>") : in_name(in), err);
}

static int run_decode(const char *in, const char *out, bool pretty, bool nopl)
{
	struct crit_decode_opts opts = { .pretty = pretty, .nopl = nopl };
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = open_in(in) };
	struct crit_err err;
	struct outfile of;

	out_open(&of, out, src.fd);
	struct crit_sink sink = { fd_write, &of.fd, NULL };
	if (!crit_decode(&src, &sink, &opts, &err))
		fail(&of, in, &err);
	/* CRIT ends its JSON with a newline on stdout only. */
	if (!of.path && !fd_write(&of.fd, "\n", 1))
		die(EXIT_DAMAGED, "<stdout>: %s", strerror(errno));
	return out_commit(&of) ? 0 : EXIT_DAMAGED;
}

/* decode's and encode's options: -i IN, -o OUT (and --input, --output). */
static bool in_out(struct args *a, const char **in, const char **out)
{
	if (args_value(a, "-i", "--in") || args_value(a, NULL, "--input"))
		*in = a->val;
	else if (args_value(a, "-o", "--out") || args_value(a, NULL, "--output"))
		*out = a->val;
	else
		return false;
	return true;
}

int cmd_decode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	bool pretty = false;
	struct args a;

	args_init(&a, argc, argv, usage_decode);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_decode);
		else if (args_flag(&a, NULL, "--pretty"))
			pretty = true;
		else if (!in_out(&a, &in, &out))
			args_unknown(&a);
	}
	return run_decode(in, out, pretty, false);
}

int cmd_encode(int argc, char **argv)
{
	const char *in = NULL, *out = NULL;
	struct args a;

	args_init(&a, argc, argv, usage_encode);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_encode);
		else if (!in_out(&a, &in, &out))
			args_unknown(&a);
	}
	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = open_in(in) };
	struct crit_err err;
	struct outfile of;

	out_open(&of, out, src.fd);
	struct crit_sink sink = { fd_write, &of.fd, NULL };
	if (!crit_encode(&src, &sink, &err))
		fail(&of, in, &err);
	return out_commit(&of) ? 0 : EXIT_DAMAGED;
}

/* The one operand IN of show and info. */
static const char *one_in(struct args *a, const char *in)
{
	if (in)
		args_unknown(a);
	return args_operand(a);
}

static const char *need_in(const struct args *a, const char *in)
{
	if (!in)
		usage_error(a->usage, "the following arguments are required: in");
	return in;
}

int cmd_show(int argc, char **argv)
{
	const char *in = NULL;
	bool nopl = false;
	struct args a;

	args_init(&a, argc, argv, usage_show);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_show);
		else if (args_flag(&a, NULL, "--nopl"))
			nopl = true;
		else
			in = one_in(&a, in);
	}
	return run_decode(need_in(&a, in), NULL, true, nopl);
}

int cmd_info(int argc, char **argv)
{
	const char *in = NULL;
	struct args a;

	args_init(&a, argc, argv, usage_info);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_info);
		in = one_in(&a, in);
	}
	in = need_in(&a, in);

	struct crit_source src = { .kind = CRIT_SOURCE_FD, .fd = open_in(in) };
	struct crit_info info;
	struct crit_err err;
	if (!crit_info(&src, &info, &err))
		die_err(in_name(in), &err);
	printf("{\n    \"magic\": \"%s\",\n    \"count\": %llu\n}\n", info.magic,
	       (unsigned long long)info.count);
	if (fflush(stdout) != 0)
		die(EXIT_DAMAGED, "<stdout>: %s", strerror(errno));
	return 0;
}
