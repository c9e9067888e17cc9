/* cli.h - what the commands of the crit command line share. */
#ifndef CRIT_CLI_H
#define CRIT_CLI_H

#include <stdbool.h>

#include "crit.h"

/* Every command: argv[0] is its name. Returns the exit status. */
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_x(int argc, char **argv);

/* ---- Files --------------------------------------------------------- */

/* A crit_sink's write for a file descriptor (ctx points to the int). */
bool fd_write(void *ctx, const void *buf, size_t n);

/* One line on stderr: where (an offset in an image, line:column in
 * JSON) and what; then exit(1). */
void die_err(const char *name, const struct crit_err *err);

/* The input file, or stdin for NULL; exit(1) if it cannot be opened. */
int open_in(const char *path);

/* Output to a file goes to a temporary beside it, renamed into place only
 * when everything was written: a failed run leaves no partial file. */
struct outfile {
	const char *path;
	char tmp[4096];
	int fd;
};

/* OUT (stdout for NULL); never the input in_fd. */
void out_open(struct outfile *o, const char *path, int in_fd);
void out_abort(struct outfile *o);
bool out_commit(struct outfile *o);

/* ---- Arguments ----------------------------------------------------- */

/* Matches "--name", "--name=VALUE" (value in *val) or the short form. */
bool is_opt(const char *arg, const char *s, const char *l, const char **val);
/* The option's value: inline, or the next argument. */
const char *opt_value(int argc, char **argv, int *i, const char *inline_val, const char *usage);
void bad_arg(const char *usage, const char *arg);
/* The one positional argument IN of show and info. */
const char *positional(const char *in, const char *arg, const char *usage);
const char *need_in(const char *in, const char *usage);

#endif
