/*
 * err.h - how every stage reports damage: one struct crit_err (crit.h), set
 * once, with the place it was found: a byte offset, or a line and column.
 */
#ifndef CRIT_ERR_H
#define CRIT_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "crit.h"

bool crit_fail(struct crit_err *err, enum crit_code code, uint64_t pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same for JSON input: a line and a column, from 1. */
bool crit_fail_line(struct crit_err *err, enum crit_code code, uint32_t line, uint32_t col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* crit_fail in one image of a directory: the error names its file (NULL: none). */
bool crit_fail_in(struct crit_err *err, const char *file, enum crit_code code, uint64_t pos, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
bool crit_vfail_in(struct crit_err *err, const char *file, enum crit_code code, uint64_t pos, const char *fmt,
		   va_list ap);

static inline bool crit_failed(const struct crit_err *err)
{
	return err->code != CRIT_OK;
}

#endif
