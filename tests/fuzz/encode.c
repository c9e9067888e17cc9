/*
 * encode.c - fuzz target: JSON -> image. Nothing may crash or leak; a
 * failure is a clear error at a line and column. What encode writes is an
 * image as protobuf-c writes it: decode reads it, and encoding that JSON
 * again gives the same bytes.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct crit_source src = fz_source(data, size);
	struct crit_decode_opts opts = { .pretty = false };
	struct fz_buf img = { 0 }, json = { 0 }, again = { 0 };
	struct crit_sink to_img = fz_sink(&img), to_json = fz_sink(&json), to_again = fz_sink(&again);
	struct crit_err err;

	if (!crit_encode(&src, &to_img, &err)) {
		fz_check_err(&err, size, true);
		goto out;
	}
	struct crit_source out = fz_source(img.p, img.n);
	bool ok = crit_decode(&out, &to_json, &opts, &err);
	FZ_ASSERT(ok, "encode wrote an image that decode refuses: offset %llu: %s",
		  (unsigned long long)err.pos, err.msg);
	struct crit_source back = fz_source(json.p, json.n);
	ok = crit_encode(&back, &to_again, &err);
	FZ_ASSERT(ok, "decode's JSON not encoded: %u:%u: %s", err.line, err.col, err.msg);
	FZ_ASSERT(again.n == img.n && fz_diff_at(img.p, img.n, again.p, again.n) == img.n,
		  "JSON -> image -> JSON -> image changed the image at %zu",
		  fz_diff_at(img.p, img.n, again.p, again.n));
out:
	free(img.p);
	free(json.p);
	free(again.p);
	return 0;
}
