/* err.c - recording the first error. */
#include <stdarg.h>
#include <stdio.h>

#include "base/err.h"

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

/* ------------------------------------------------------------------ */
/* Codes by name                                                        */
/* ------------------------------------------------------------------ */

static const struct {
	const char *name, *text;
} codes[] = {
	[CRIT_OK] = { "CRIT_OK", "success" },
	[CRIT_E_IO] = { "CRIT_E_IO", "an input could not be opened or read" },
	[CRIT_E_NOMEM] = { "CRIT_E_NOMEM", "out of memory" },
	[CRIT_E_MAGIC] = { "CRIT_E_MAGIC", "unknown image magic" },
	[CRIT_E_RAW] = { "CRIT_E_RAW", "a raw image, not protobuf" },
	[CRIT_E_TRUNCATED] = { "CRIT_E_TRUNCATED", "the input ends too soon" },
	[CRIT_E_VARINT] = { "CRIT_E_VARINT", "a varint longer than 10 bytes" },
	[CRIT_E_LENGTH] = { "CRIT_E_LENGTH", "a length past its message" },
	[CRIT_E_WIRE] = { "CRIT_E_WIRE", "an invalid wire type or field number" },
	[CRIT_E_REQUIRED] = { "CRIT_E_REQUIRED", "a required field is missing" },
	[CRIT_E_LIMIT] = { "CRIT_E_LIMIT", "a limit was passed" },
	[CRIT_E_USAGE] = { "CRIT_E_USAGE", "a usage error" },
	[CRIT_E_JSON] = { "CRIT_E_JSON", "JSON that is not well formed" },
	[CRIT_E_TYPE] = { "CRIT_E_TYPE", "a JSON value of the wrong type or range" },
	[CRIT_E_KEY] = { "CRIT_E_KEY", "a key the schema does not have" },
	[CRIT_E_NOTJSON] = { "CRIT_E_NOTJSON", "binary input where JSON was expected" },
	[CRIT_E_NONCANON] = { "CRIT_E_NONCANON", "protobuf that protobuf-c would not write" },
	[CRIT_E_WRITE] = { "CRIT_E_WRITE", "a write failed" },
	[CRIT_E_RANGE] = { "CRIT_E_RANGE", "values out of their range or order" },
	[CRIT_E_ABSENT] = { "CRIT_E_ABSENT", "the checkpoint does not hold those bytes" },
};

const char *crit_code_name(enum crit_code code)
{
	return (unsigned)code < sizeof(codes) / sizeof(codes[0]) ? codes[code].name : "CRIT_E_?";
}

const char *crit_strerror(enum crit_code code)
{
	return (unsigned)code < sizeof(codes) / sizeof(codes[0]) ? codes[code].text : "unknown error";
}

const char *crit_version(void)
{
	return CRIT_VERSION;
}
