/*
 * place.h - a place in a checkpoint as every report names it: an image,
 * an entry of it (from 0, as crit decode lists them: a pagemap's head is
 * 0; -1 for the image as a whole) and a field of that entry (NULL: none).
 * crit check's problems and crit anonymize's unjudged items are shown
 * with it, so that the two say a place alike.
 */
#ifndef CRIT_PLACE_H
#define CRIT_PLACE_H

#include <stdint.h>

#include "base/io.h"
#include "json/json.h"

/* "IMAGE, entry N, FIELD", the names escaped as o wants (out_untrusted). */
void place_text(struct out *o, const char *image, int64_t entry, const char *field);
/* The members "image", "entry" and "field" (null where there is none). */
void place_json(struct jw *w, const char *image, int64_t entry, const char *field);

#endif
