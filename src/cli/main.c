/* main.c - the crit command line: one table of commands. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char usage_top[] =
	"usage: crit [--version] [--help] COMMAND ...\n"
	"\n"
	"CRiu Image Tool: read CRIU checkpoint images, with nothing but libc.\n"
	"\n"
	"commands:\n"
	"  decode   convert a criu image from binary to JSON\n"
	"  encode   convert a criu image from JSON back to binary\n"
	"  show     convert a criu image from binary to human-readable JSON\n"
	"  info     show the magic and the number of entries of an image\n"
	"  x        explore a checkpoint directory: ps, fds, mems, rss, sk, stats\n"
	"  check    check that a checkpoint directory is whole\n"
	"  mem      a task's memory: its map, the bytes at an address\n"
	"  search   find a string, bytes or a regex in the tasks' memory\n"
	"  anonymize  copy a checkpoint without its memory, paths, names and addresses\n"
	"  core     ELF core files of the processes, for gdb\n"
	"\n"
	"Use crit COMMAND --help for command-specific help.\n"
	"\n"
	"exit status: 0 success, 1 a damaged or unreadable input (or an output\n"
	"that cannot be written), 2 a usage error.\n";

/* A new command is one row here and one line in usage_top. */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "decode", cmd_decode },
	{ "encode", cmd_encode },
	{ "show", cmd_show },
	{ "info", cmd_info },
	{ "x", cmd_x },
	{ "check", cmd_check },
	{ "mem", cmd_mem },
	{ "search", cmd_search },
	{ "anonymize", cmd_anonymize },
	{ "core", cmd_core },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_error(usage_top, "too few arguments");
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("crit %s (CRIU image schema: %s, sha256 %.12s)\n", CRIT_VERSION, crit_tables_origin(),
		       crit_tables_digest());
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		return help(usage_top);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	usage_error(usage_top, "invalid command '%s'", cmd);
}
