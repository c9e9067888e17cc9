/*
 * pretty.h - CRIT's --pretty conversions of numbers (flags, dev_t, dicts,
 * IP addresses) to JSON, and back for encode.
 */
#ifndef CRIT_PRETTY_H
#define CRIT_PRETTY_H

#include <stdbool.h>
#include <stdint.h>

#include "format/schema.h"
#include "json/json.h"

/* Each writes one JSON value for an integer field in --pretty mode and
 * returns false when the field has no conversion. */
bool pretty_int(struct jw *w, const struct crit_field *f, bool hex, bool is_signed, uint64_t v);
struct flags_map;
/* The (criu).flags map of that name, or NULL when CRIT has none. */
const struct flags_map *pretty_flags_map(const char *name);
/* pretty_int with f's flags map looked up already (pretty_flags_map), and
 * after the key when key is not NULL: the key is written even when it
 * returns false, and then the caller writes the number. */
bool pretty_int_map(struct jw *w, const char *key, size_t keylen, const struct crit_field *f,
		    const struct flags_map *map, bool hex, bool is_signed, uint64_t v);
/* A repeated (criu).ipadd field: one address from 1 or 4 words. */
bool pretty_ip(struct jw *w, const uint32_t *words, int n);
bool pretty_fmt_ip(char buf[64], const uint32_t *words, int n);
/* CRIT's name for a (criu).dict value, or NULL. */
const char *pretty_dict_name(const char *dict, const char *field, int64_t value);

/* And back, for encode. */
bool pretty_flag_value(const struct flags_map *map, const char *name, size_t len, uint64_t *bit);
bool pretty_dict_value(const char *dict, const char *field, const char *name, int64_t *value);
/* An IPv4 or IPv6 address as CRIT stores it: 1 or 4 words; 0 if invalid. */
int pretty_parse_ip(const char *s, uint32_t words[4]);

#endif
