/* place.c - a place in a checkpoint, as every report names it (place.h). */
#include <string.h>

#include "ckpt/place.h"
#include "json/text.h"

void place_text(struct out *o, const char *image, int64_t entry, const char *field)
{
	out_untrusted(o, image, strlen(image));
	if (entry >= 0)
		out_printf(o, ", entry %lld", (long long)entry);
	if (field) {
		out_str(o, ", ");
		out_untrusted(o, field, strlen(field));
	}
}

void place_json(struct jw *w, const char *image, int64_t entry, const char *field)
{
	jw_key_str(w, "image", image);
	jw_key(w, "entry");
	if (entry >= 0)
		jw_i64(w, entry);
	else
		jw_null(w);
	jw_key_str(w, "field", field);
}
