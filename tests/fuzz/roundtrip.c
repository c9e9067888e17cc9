/*
 * roundtrip.c - fuzz target: image -> JSON -> image. Decode refuses wire
 * data that protobuf-c would not write (docs/security.md), so whatever it
 * accepts, in either JSON form, encode must turn back into the same bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crit_source src = fz_source(data, size);

	for (int pretty = 0; pretty < 2; pretty++) {
		struct crit_decode_opts opts = { .pretty = pretty };
		struct fz_buf json = { 0 }, img = { 0 };
		struct crit_sink to_json = fz_sink(&json), to_img = fz_sink(&img);
		struct crit_err err;

		if (crit_decode(&src, &to_json, &opts, &err)) {
			struct crit_source back = fz_source(json.p, json.n);
			bool ok = crit_encode(&back, &to_img, &err);
			FZ_ASSERT(ok, "%s JSON not encoded: %u:%u: %s\n%.*s", pretty ? "pretty" : "compact",
				  err.line, err.col, err.msg, (int)(json.n < 4096 ? json.n : 4096), (char *)json.p);
			size_t at = fz_diff_at(data, size, img.p, img.n);
			FZ_ASSERT(at == size && img.n == size,
				  "%s JSON encodes to other bytes: %zu in, %zu out, first difference at %zu\n%.*s",
				  pretty ? "pretty" : "compact", size, img.n, at,
				  (int)(json.n < 4096 ? json.n : 4096), (char *)json.p);
		}
		free(json.p);
		free(img.p);
	}
	return 0;
}
