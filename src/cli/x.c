/* x.c - crit x DIR WHAT: the checkpoint's explorers. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char usage_x[] =
	"usage: crit x [-h] [--json] DIR {ps,fds,mems,rss,sk,stats} [--cmd] [--env]\n"
	"\n"
	"Explore a checkpoint directory:\n"
	"  ps     the process tree\n"
	"  fds    each task's open files, cwd and root\n"
	"  mems   each task's memory mappings\n"
	"  rss    each task's dumped pages against its mappings\n"
	"  sk     each task's sockets: addresses, peers, buffers, queued bytes\n"
	"  stats  dump and restore statistics: times in ms, page counts\n"
	"Zombie and dead tasks are listed with their state.\n"
	"\n"
	"options:\n"
	"  --json            machine-readable JSON (its schema is in the README)\n"
	"  --escape          show control bytes and invalid UTF-8 of names as escapes\n"
	"                    (\\e, \\n, \\x9b...), as on a terminal, where it is the default\n"
	"  --cmd             ps: each task's command line (from its memory) in place of\n"
	"                    its name; a zombie, or one whose pages are not in the\n"
	"                    checkpoint, says so\n"
	"  --env             ps: each task's environment, a line a variable, under it\n";

/* A process tree that is not a tree is shown as it is, as Python CRIT
 * shows it; one line on stderr says so. */
static void warn_tree(const char *dir)
{
	struct crit_check_opts opts = { .what = CRIT_CHECK_TREE };
	struct crit_check res;
	struct crit_err err;
	size_t n = 0;
	const struct crit_problem *first = NULL;

	if (!crit_check(dir, &opts, &res, &err))
		return;
	for (size_t i = 0; i < res.n; i++) /* the tree's: pstree's and the cores' */
		if (strcmp(res.problems[i].image, "pstree.img") == 0 || strncmp(res.problems[i].image, "core-", 5) == 0) {
			first = first ? first : &res.problems[i];
			n++;
		}
	if (first)
		say("warning: %s: the process tree is damaged (%s: %s%s); crit check %s lists what is wrong", dir,
		    first->image, first->message, n > 1 ? ", and more" : "", dir);
	crit_check_free(&res);
}

int cmd_x(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	struct crit_explore_opts opts = { .escape = isatty(1) };
	int n = 0;
	struct args a;

	args_init(&a, argc, argv, usage_x);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_x);
		if (args_flag(&a, NULL, "--json"))
			opts.json = true;
		else if (args_flag(&a, NULL, "--escape"))
			opts.escape = true;
		else if (args_flag(&a, NULL, "--cmd"))
			opts.cmd = true;
		else if (args_flag(&a, NULL, "--env"))
			opts.env = true;
		else if (n == 2)
			args_unknown(&a);
		else
			pos[n++] = args_operand(&a);
	}
	if (n < 2)
		usage_error(usage_x, "the following arguments are required: %s", n ? "what" : "dir, what");
	int fd = 1;
	struct crit_sink sink = { fd_write, &fd, NULL };
	struct crit_err err;
	if (!crit_explore(pos[0], pos[1], &opts, &sink, &err))
		die_err(err.code == CRIT_E_WRITE ? "<stdout>" : pos[0], &err);
	if (strcmp(pos[1], "stats") != 0)
		warn_tree(pos[0]);
	return 0;
}
