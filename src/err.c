/* err.c - recording the first error. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

bool crit_fail(struct crit_err *err, enum crit_code code, uint64_t pos, const char *fmt, ...)
{
	va_list ap;

	if (!err || err->code != CRIT_OK)
		return false; /* keep the first error: later ones are its echoes */
	err->code = code;
	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return false;
}
