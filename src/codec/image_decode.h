/*
 * image_decode.h - a whole image read as decode reads it (crit_decode and
 * crit_info are in crit.h).
 */
#ifndef CRIT_IMAGE_DECODE_H
#define CRIT_IMAGE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "crit.h"

/* The whole image read and checked as decode reads it, written nowhere.
 * On failure *entry is the entry it failed in (from 0, as decode lists
 * them: a pagemap's head is 0; -1 for the magic) and *field the field
 * sizing the payload it failed in (NULL: not in a payload). */
bool image_check(const struct crit_source *in, int64_t *entry, const char **field, struct crit_err *err);

#endif
