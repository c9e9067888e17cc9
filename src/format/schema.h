/*
 * schema.h - the shape of the generated protobuf tables.
 *
 * tools/gen-tables.py turns CRIU's .proto files into static instances of
 * these structs (proto-tables/). The codec walks them reflectively, so a new
 * CRIU schema needs a regeneration, never new C code.
 */
#ifndef CRIT_SCHEMA_H
#define CRIT_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

/* Field types, numbered as in descriptor.proto's FieldDescriptorProto.Type. */
enum crit_type {
	CRIT_T_DOUBLE = 1,
	CRIT_T_FLOAT = 2,
	CRIT_T_INT64 = 3,
	CRIT_T_UINT64 = 4,
	CRIT_T_INT32 = 5,
	CRIT_T_FIXED64 = 6,
	CRIT_T_FIXED32 = 7,
	CRIT_T_BOOL = 8,
	CRIT_T_STRING = 9,
	CRIT_T_GROUP = 10, /* never emitted: proto2 groups are refused */
	CRIT_T_MESSAGE = 11,
	CRIT_T_BYTES = 12,
	CRIT_T_UINT32 = 13,
	CRIT_T_ENUM = 14,
	CRIT_T_SFIXED32 = 15,
	CRIT_T_SFIXED64 = 16,
	CRIT_T_SINT32 = 17,
	CRIT_T_SINT64 = 18,
};

enum crit_label {
	CRIT_L_OPTIONAL = 1,
	CRIT_L_REQUIRED = 2,
	CRIT_L_REPEATED = 3,
};

/* Boolean options of a field: [packed = true] and (criu).hex/ipadd/dev/odev. */
enum crit_field_flag {
	CRIT_F_PACKED = 1 << 0,
	CRIT_F_HEX = 1 << 1,
	CRIT_F_IPADD = 1 << 2,
	CRIT_F_DEV = 1 << 3,
	CRIT_F_ODEV = 1 << 4,
};

struct crit_enum_value {
	const char *name;
	int32_t number;
};

struct crit_enum {
	const char *name; /* scoped name, "core_entry.march" */
	uint32_t n_values;
	const struct crit_enum_value *values; /* sorted by number, then name */
	const uint16_t *by_name;              /* indices into values, sorted by name */
};

struct crit_msg;

struct crit_field {
	const char *name;
	uint8_t name_len; /* strlen(name): names are matched in place */
	uint32_t number;
	uint8_t type;  /* enum crit_type */
	uint8_t label; /* enum crit_label */
	uint8_t flags; /* enum crit_field_flag */
	const struct crit_msg *msg;   /* CRIT_T_MESSAGE: the sub-table */
	const struct crit_enum *enm;  /* CRIT_T_ENUM: the value table */
	const char *flags_map;        /* (criu).flags, or NULL */
	const char *dict;             /* (criu).dict, or NULL */
	const char *conv;             /* (criu).conv, or NULL */
	const char *dflt;             /* [default = ...] as written, or NULL */
};

struct crit_msg {
	const char *name; /* scoped name, "outer.inner" for nested messages */
	uint32_t n_fields;
	/* fields[i].number == i + 1 for every i < dense: direct lookup */
	uint32_t dense;
	const struct crit_field *fields; /* sorted by number */
	const uint16_t *by_name;         /* indices into fields, sorted by name */
};

struct crit_magic {
	const char *name;  /* without the _MAGIC suffix: "PAGEMAP", "SHMEM_PAGEMAP" */
	uint32_t value;
	const char *alias; /* the define it aliases ("PAGEMAP"), or NULL */
};

/* The registry, in proto-tables/registry.c. */
extern const struct crit_msg *const crit_messages[]; /* sorted by name */
extern const uint32_t crit_n_messages;
extern const struct crit_enum *const crit_enums[]; /* sorted by name */
extern const uint32_t crit_n_enums;
extern const struct crit_magic crit_magics[]; /* sorted by name */
extern const uint32_t crit_n_magics;
extern const char crit_schema_origin[]; /* where the .proto files came from */
extern const char crit_schema_digest[]; /* sha256 of the inputs, hex */

/* Messages nested in messages: decode and encode refuse deeper ones
 * (docs/security.md). */
#define MSG_MAX_DEPTH 64

/* Lookups in the tables (schema.c). */

const struct crit_field *schema_field_sparse(const struct crit_msg *m, uint32_t number);

/* The field with this number, or NULL: direct while the numbers are dense
 * (1..dense, the usual case), a binary search after. */
static inline const struct crit_field *schema_field(const struct crit_msg *m, uint32_t number)
{
	if (number - 1 < m->dense)
		return &m->fields[number - 1];
	return schema_field_sparse(m, number);
}

const struct crit_field *schema_field_by_name(const struct crit_msg *m, const char *name);
const struct crit_enum_value *schema_enum_value(const struct crit_enum *e, int32_t number);
bool schema_enum_number(const struct crit_enum *e, const char *name, int32_t *number);
const struct crit_magic *schema_magic_by_value(uint32_t value);
const struct crit_magic *schema_magic_by_name(const char *name);

#endif
