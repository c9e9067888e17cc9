/* check.c - crit check DIR: is the checkpoint whole? */
#include <unistd.h>

#include "cli.h"

static const char usage_check[] =
	"usage: crit check [-h] [--json] [--escape] DIR\n"
	"\n"
	"Check that the checkpoint in DIR is whole, and list each problem with its\n"
	"image, entry and field:\n"
	"  the process tree   an inventory; each pid of pstree once, with its core;\n"
	"                     ppid links that make a tree; threads listed\n"
	"  each task          a live task's ids, mm, fs, fdinfo, pagemap and creds\n"
	"                     (a zombie has only its core)\n"
	"  ids across images  fds' files and their kinds, namespaces, shared files\n"
	"                     and mm, socket peers, exe and VMA files, ttys\n"
	"  memory             present pages against the pages image; pagemap entries\n"
	"                     sorted, apart and inside a VMA; PE_PARENT pages in\n"
	"                     the parent dump\n"
	"  payloads           every image readable, extra payloads as long as their\n"
	"                     entries say, ghost files complete\n"
	"A pre-dump directory (pagemaps and pages only) is checked as one.\n"
	"\n"
	"options:\n"
	"  --json            {\"problems\": [...]} (its schema is in the README)\n"
	"  --escape          show control bytes and invalid UTF-8 as escapes (\\e, \\n,\n"
	"                    \\x9b...), as on a terminal, where it is the default\n"
	"\n"
	"exit status: 0 the checkpoint is whole, 1 a problem was found (or DIR\n"
	"cannot be read), 2 a usage error.\n";

int cmd_check(int argc, char **argv)
{
	struct crit_check_print_opts opts = { .escape = isatty(1) };
	const char *dir = NULL;
	struct args a;

	args_init(&a, argc, argv, usage_check);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_check);
		if (args_flag(&a, NULL, "--json"))
			opts.json = true;
		else if (args_flag(&a, NULL, "--escape"))
			opts.escape = true;
		else if (dir)
			args_unknown(&a);
		else
			dir = args_operand(&a);
	}
	if (!dir)
		usage_error(usage_check, "the following arguments are required: dir");
	struct crit_check res;
	struct crit_err err;
	int fd = 1;
	struct crit_sink sink = { fd_write, &fd, NULL };
	if (!crit_check(dir, NULL, &res, &err))
		die_err(dir, &err);
	bool ok = crit_check_print(&res, &opts, &sink, &err);
	size_t n = res.n;
	crit_check_free(&res);
	if (!ok)
		die_err("<stdout>", &err);
	return n ? EXIT_DAMAGED : 0;
}
