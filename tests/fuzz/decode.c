/*
 * decode.c - fuzz target: an image to JSON, compact, --pretty and --nopl,
 * and crit info. Nothing may crash or leak; a failure is a clear error
 * inside the input; the modes agree on what they accept.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct crit_decode_opts modes[] = {
		{ .pretty = false }, { .pretty = true }, { .pretty = true, .nopl = true },
	};
	struct crit_source src = fz_source(data, size);
	struct crit_sink drop = fz_sink(NULL);
	struct crit_err err;
	bool ok[3];

	for (int m = 0; m < 3; m++) {
		ok[m] = crit_decode(&src, &drop, &modes[m], &err);
		if (!ok[m])
			fz_check_err(&err, size, false);
	}
	/* --pretty changes how numbers look, never what is accepted; --nopl
	 * skips payloads, so it reads no more than a full decode. */
	FZ_ASSERT(ok[0] == ok[1], "decode %s, --pretty %s", ok[0] ? "ok" : "failed", ok[1] ? "ok" : "failed");
	FZ_ASSERT(!ok[0] || ok[2], "decode ok, --nopl failed");

	struct crit_info info;
	bool iok = crit_info(&src, &info, &err);
	if (!iok)
		fz_check_err(&err, size, false);
	/* info skims entries without payloads: it reads less than decode. */
	FZ_ASSERT(!ok[0] || iok, "decode ok, info failed: %s", err.msg);
	return 0;
}
