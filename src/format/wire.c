/* wire.c - what is wrong with damaged wire data, said the same way by
 * every reader (wire.h). */
#include <stdio.h>

#include "format/wire.h"

static const struct {
	enum crit_code code;
	const char *msg, *note;
} varint_errors[] = {
	[WIRE_SHORT] = { CRIT_E_TRUNCATED, "truncated varint", "" },
	[WIRE_LONG] = { CRIT_E_VARINT, "varint longer than 10 bytes", "" },
	[WIRE_PADDED] = { CRIT_E_NONCANON, "over-long varint", NOT_PBC },
	[WIRE_PAST_64] = { CRIT_E_NONCANON, "varint of more than 64 bits", NOT_PBC },
};

bool wire_varint_fail(struct crit_err *err, const char *file, enum wire_status st, uint64_t pos, const char *what)
{
	return crit_fail_in(err, file, varint_errors[st].code, pos, "%s in %s%s", varint_errors[st].msg, what,
			    varint_errors[st].note);
}

bool wire_fail(struct crit_err *err, const char *file, const struct wire_occ *o, uint64_t pos)
{
	char what[64];

	switch (o->damage) {
	case WD_VARINT:
		if (o->at == o->start)
			snprintf(what, sizeof(what), "a field tag");
		else if (o->wt == WT_LEN)
			snprintf(what, sizeof(what), "the length of field %u", o->num);
		else
			snprintf(what, sizeof(what), "field %u", o->num);
		return wire_varint_fail(err, file, o->varint, pos, what);
	case WD_FIELD_NUMBER:
		return crit_fail_in(err, file, CRIT_E_WIRE, pos, "invalid field number %llu", (unsigned long long)o->v);
	case WD_WIRE_TYPE:
		return crit_fail_in(err, file, CRIT_E_WIRE, pos, "field %u has wire type %d, which CRIU images never use",
				    o->num, o->wt);
	case WD_FIXED_SHORT:
		return crit_fail_in(err, file, CRIT_E_TRUNCATED, pos, "truncated %d-byte value of field %u",
				    o->wt == WT_I64 ? 8 : 4, o->num);
	case WD_LEN_PAST:
		return crit_fail_in(err, file, CRIT_E_LENGTH, pos,
				    "length %llu of field %u runs past its message (%llu bytes left)",
				    (unsigned long long)o->v, o->num, (unsigned long long)o->left);
	default:
		return false;
	}
}

bool wire_packed_fail(struct crit_err *err, const char *file, enum wire_status st, int wt, const char *field,
		      uint64_t pos)
{
	char what[160];

	if (wt != WT_VARINT)
		return crit_fail_in(err, file, CRIT_E_TRUNCATED, pos, "packed field %s ends inside a %d-byte value", field,
				    wt == WT_I64 ? 8 : 4);
	snprintf(what, sizeof(what), "packed field %s", field);
	return wire_varint_fail(err, file, st, pos, what);
}
