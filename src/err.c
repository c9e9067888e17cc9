/* err.c - recording the first error. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static bool record(struct crit_err *err, enum crit_code code, uint64_t pos, uint32_t line, uint32_t col,
		   const char *fmt, va_list ap)
{
	if (!err || err->code != CRIT_OK)
		return false; /* keep the first error: later ones are its echoes */
	err->code = code;
	err->pos = pos;
	err->line = line;
	err->col = col;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return false;
}

bool crit_fail(struct crit_err *err, enum crit_code code, uint64_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(err, code, pos, 0, 0, fmt, ap);
	va_end(ap);
	return false;
}

bool crit_fail_line(struct crit_err *err, enum crit_code code, uint32_t line, uint32_t col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(err, code, 0, line, col, fmt, ap);
	va_end(ap);
	return false;
}

bool crit_vfail_in(struct crit_err *err, const char *file, enum crit_code code, uint64_t pos, const char *fmt,
		   va_list ap)
{
	if (!err || err->code != CRIT_OK)
		return false;
	record(err, code, pos, 0, 0, fmt, ap);
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	return false;
}

bool crit_fail_in(struct crit_err *err, const char *file, enum crit_code code, uint64_t pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	crit_vfail_in(err, file, code, pos, fmt, ap);
	va_end(ap);
	return false;
}
