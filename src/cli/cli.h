/* cli.h - what the commands of the crit command line share. */
#ifndef CRIT_CLI_H
#define CRIT_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "crit.h"

/* Exit codes: 0 success, 1 a damaged or unreadable input (or output that
 * cannot be written), 2 a usage error. */
enum { EXIT_DAMAGED = 1, EXIT_USAGE = 2 };

/* Every command: argv[0] is its name. Returns the exit status. */
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_x(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_mem(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_anonymize(int argc, char **argv);
int cmd_core(int argc, char **argv);

/* ---- Messages ------------------------------------------------------ */

/* "crit: MESSAGE" on stderr, the whole message escaped (crit_escape):
 * the names it quotes may hold any byte. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn, format(printf, 2, 3))) void die(int status, const char *fmt, ...);
/* The usage, then "crit: error: MESSAGE"; exit 2. */
__attribute__((noreturn, format(printf, 2, 3))) void usage_error(const char *usage, const char *fmt, ...);
/* err as "NAME: offset N: MESSAGE" (or line:column, or no place at all),
 * then exit 1 (2 for CRIT_E_USAGE). */
__attribute__((noreturn)) void die_err(const char *name, const struct crit_err *err);

/* ---- Files --------------------------------------------------------- */

/* A crit_sink's write for a file descriptor (ctx points to the int). */
bool fd_write(void *ctx, const void *buf, size_t n);

/* NULL or "-": stdin for an input, stdout for an output. */
bool is_stdio(const char *path);
/* The input's name in messages. */
const char *in_name(const char *path);
/* The input file, or stdin; exit 1 if it cannot be opened. */
int open_in(const char *path);

/* An output file (common.c says how each kind is written). */
struct outfile {
	const char *path;     /* NULL: stdout */
	char target[PATH_MAX]; /* the file a symlink names */
	int fd;
	bool atomic;          /* a temporary, renamed into place by out_commit */
	bool keep_owner;      /* it replaces a file: its owner and group */
	mode_t mode;
	uid_t uid;
	gid_t gid;
};

/* OUT (stdout for NULL or "-"); never the input in_fd. Exits 1 when OUT
 * cannot be written. */
void out_open(struct outfile *o, const char *path, int in_fd);
/* Nothing was written: the temporary goes. */
void out_abort(struct outfile *o);
/* Everything was written: into place. False (and said) on failure. */
bool out_commit(struct outfile *o);

/* A new regular file written sparse, as the kernel writes cores: all-zero
 * blocks, and zeros the writer skips, are holes, so that untouched memory
 * takes no disk. sparse_end gives the file its size (the holes at its
 * end); false, errno set, on failure. */
struct sparse {
	int fd;
	uint64_t size;
};

struct crit_sink sparse_sink(struct sparse *s);
bool sparse_end(struct sparse *s);

/* ---- Arguments ----------------------------------------------------- */

/* A command's arguments, one at a time; "--" ends the options. */
struct args {
	int argc, i;
	char **argv;
	const char *usage;
	const char *arg;    /* the current argument */
	const char *val;    /* the value of the option args_value matched */
	bool operands_only; /* after "--" */
};

void args_init(struct args *a, int argc, char **argv, const char *usage);
/* The next argument in a->arg; false at the end. */
bool args_next(struct args *a);
/* The current argument is the option -s or --l (s may be NULL). */
bool args_flag(struct args *a, const char *s, const char *l);
/* The same for an option with a value (-iVAL, -i VAL, --l=VAL, --l VAL),
 * in a->val; a missing value is a usage error. */
bool args_value(struct args *a, const char *s, const char *l);
/* The current argument as an operand; an unknown option is a usage error. */
const char *args_operand(struct args *a);
__attribute__((noreturn)) void args_unknown(struct args *a);
/* The usage on stdout: what --help returns. */
int help(const char *usage);

#endif
