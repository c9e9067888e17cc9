/* x.c - crit x DIR WHAT: the checkpoint's explorers. */
#include <stdio.h>

#include "cli.h"

static const char usage_x[] =
	"usage: crit x [-h] [--json] DIR {ps,fds,mems,rss,sk,stats}\n"
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
	"  --json            machine-readable JSON (its schema is in the README)\n";

int cmd_x(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL };
	struct crit_explore_opts opts = { .json = false };
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (is_opt(argv[i], "-h", "--help", NULL)) {
			fputs(usage_x, stdout);
			return 0;
		}
		if (is_opt(argv[i], NULL, "--json", NULL)) {
			opts.json = true;
			continue;
		}
		if (n == 2 || (argv[i][0] == '-' && argv[i][1]))
			bad_arg(usage_x, argv[i]);
		pos[n++] = argv[i];
	}
	if (n < 2) {
		fprintf(stderr, "%scrit: error: the following arguments are required: %s\n", usage_x,
			n ? "what" : "dir, what");
		return 1;
	}
	int fd = 1;
	struct crit_sink sink = { fd_write, &fd };
	struct crit_err err;
	if (!crit_explore(pos[0], pos[1], &opts, &sink, &err))
		die_err(pos[0], &err);
	return 0;
}
