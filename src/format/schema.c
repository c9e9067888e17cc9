/* schema.c - lookups in the generated tables. */
#include <string.h>

#include "format/schema.h"

/* The fields past the dense run, by binary search. */
const struct crit_field *schema_field_sparse(const struct crit_msg *m, uint32_t number)
{
	uint32_t lo = m->dense, hi = m->n_fields;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (m->fields[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n_fields && m->fields[lo].number == number ? &m->fields[lo] : NULL;
}

const struct crit_field *schema_field_by_name(const struct crit_msg *m, const char *name)
{
	uint32_t lo = 0, hi = m->n_fields;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->fields[m->by_name[mid]].name, name);
		if (c == 0)
			return &m->fields[m->by_name[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct crit_enum_value *schema_enum_value(const struct crit_enum *e, int32_t number)
{
	uint32_t lo = 0, hi = e->n_values;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (e->values[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->n_values && e->values[lo].number == number ? &e->values[lo] : NULL;
}

bool schema_enum_number(const struct crit_enum *e, const char *name, int32_t *number)
{
	uint32_t lo = 0, hi = e->n_values;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct crit_enum_value *v = &e->values[e->by_name[mid]];
		int c = strcmp(v->name, name);
		if (c == 0) {
			*number = v->number;
			return true;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The name CRIT shows for a value: the define that is not an alias. */
const struct crit_magic *schema_magic_by_value(uint32_t value)
{
	for (uint32_t i = 0; i < crit_n_magics; i++)
		if (crit_magics[i].value == value && !crit_magics[i].alias)
			return &crit_magics[i];
	return NULL;
}

const struct crit_magic *schema_magic_by_name(const char *name)
{
	uint32_t lo = 0, hi = crit_n_magics;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(crit_magics[mid].name, name);
		if (c == 0)
			return &crit_magics[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *crit_tables_origin(void)
{
	return crit_schema_origin;
}

const char *crit_tables_digest(void)
{
	return crit_schema_digest;
}
