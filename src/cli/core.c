/* core.c - crit core: ELF core files from a checkpoint, for gdb. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char usage_core[] =
	"usage: crit core [-h] DIR [--pid PID] [-o OUTDIR] [--root ROOT]\n"
	"\n"
	"Each process of a checkpoint (or the one asked for) as an ELF core file,\n"
	"OUTDIR/core.PID, for gdb -c: the architecture is the core image's, not the\n"
	"host's. The notes are the kernel's: each thread's registers (NT_PRSTATUS,\n"
	"NT_FPREGSET and the extended state), NT_PRPSINFO, NT_SIGINFO (a pending\n"
	"signal), NT_AUXV, NT_FILE; a PT_LOAD for each VMA, its bytes read from the\n"
	"checkpoint and its parent pre-dumps. Pages the checkpoint does not hold (a\n"
	"file's pages it never copied) are left out, listed in one warning, so that\n"
	"gdb shows them as unavailable rather than as zeros. Each file is written\n"
	"whole or not at all. A zombie has no memory: it gets no core.\n"
	"\n"
	"options:\n"
	"  --pid PID         only this process\n"
	"  -o, --output DIR  where the core files go (default: the current directory)\n"
	"  --root ROOT       read a file's pages the checkpoint does not hold from the\n"
	"                    file under ROOT (a copy of the container's root, or /)\n";

static uint64_t pid_arg(const char *s)
{
	char *end;

	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || *s == '+' || *s == ' ')
		usage_error(usage_core, "--pid: not a number: '%s'", s);
	return v;
}

static int one_core(const char *dir, uint64_t pid, const char *outdir, const struct crit_core_opts *opts)
{
	char path[PATH_MAX];
	struct outfile of;
	struct crit_core_info info;
	struct crit_err err;

	if ((size_t)snprintf(path, sizeof(path), "%s/core.%llu", outdir, (unsigned long long)pid) >= sizeof(path))
		die(EXIT_DAMAGED, "%s: the path is too long", outdir);
	/* a core file is made here, never written into something else: a
	 * FIFO would block, a device or a link is not ours to write through */
	struct stat st;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		die(EXIT_DAMAGED, "%s: not a regular file; not replaced", path);
	out_open(&of, path, -1);
	struct sparse sp = { of.fd, 0 };
	struct crit_sink sink = sparse_sink(&sp);
	if (!crit_core(dir, pid, opts, &sink, &info, &err)) {
		out_abort(&of);
		die_err(err.code == CRIT_E_WRITE ? path : dir, &err);
	}
	if (!sparse_end(&sp)) {
		int e = errno;
		out_abort(&of);
		die(EXIT_DAMAGED, "%s: %s", path, strerror(e));
	}
	if (!out_commit(&of))
		return EXIT_DAMAGED;
	if (info.beyond_vmas)
		say("%s: %llu VMAs lie past 4 GiB, which a 32-bit core cannot address (the first at 0x%llx): left out",
		    path, (unsigned long long)info.beyond_vmas, (unsigned long long)info.first_beyond);
	if (info.absent_runs)
		say("%s: %llu bytes in %llu runs are not in the checkpoint (the first at 0x%llx: %s): left out, "
		    "shown by gdb as unavailable%s",
		    path, (unsigned long long)info.absent_bytes, (unsigned long long)info.absent_runs,
		    (unsigned long long)info.first_absent, info.first_why ? info.first_why : "absent",
		    opts->root ? "" : " (--root reads files' pages)");
	return 0;
}

int cmd_core(int argc, char **argv)
{
	const char *dir = NULL, *outdir = ".", *pid = NULL;
	struct crit_core_opts opts = { 0 };
	struct args a;

	args_init(&a, argc, argv, usage_core);
	while (args_next(&a)) {
		if (args_flag(&a, "-h", "--help"))
			return help(usage_core);
		if (args_value(&a, NULL, "--pid"))
			pid = a.val;
		else if (args_value(&a, "-o", "--output"))
			outdir = a.val;
		else if (args_value(&a, NULL, "--root"))
			opts.root = a.val;
		else if (dir)
			args_unknown(&a);
		else
			dir = args_operand(&a);
	}
	if (!dir)
		usage_error(usage_core, "the following arguments are required: dir");
	if (pid)
		return one_core(dir, pid_arg(pid), outdir, &opts);
	struct crit_ps ps;
	struct crit_err err;
	if (!crit_explore_ps(dir, &ps, &err))
		die_err(dir, &err);
	int rc = 0;
	for (size_t i = 0; i < ps.n && !rc; i++) {
		const struct crit_ps_task *t = &ps.tasks[i];
		if (t->state == CRIT_TASK_DEAD || t->state == CRIT_TASK_ZOMBIE)
			say("%llu is a zombie: it has no memory, and no core", (unsigned long long)t->pid);
		else
			rc = one_core(dir, t->pid, outdir, &opts);
	}
	crit_ps_free(&ps);
	return rc;
}
