/*
 * ps_cmd.h - crit x ps --cmd and --env (ps_cmd.c), for explore_print.c.
 */
#ifndef CRIT_PS_CMD_H
#define CRIT_PS_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/io.h"
#include "json/json.h"

/* What the task line shows after its indentation (text: indent columns;
 * its newline too), or the JSON members "argv", "env" and "why" (w not
 * NULL). *arch: -1 at first, then the architecture the first task's core
 * image gave. */
bool mem_ps_task(const char *dir, const struct crit_ps_task *t, bool cmd, bool env, struct out *o, struct jw *w,
		 size_t indent, int64_t *arch, struct crit_err *err);

#endif
