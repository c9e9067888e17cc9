/*
 * anonymize.c - fuzz target: crit anonymize on a checkpoint directory
 * made from the input (fuzzdir.h), with or without --strict, with a map.
 *
 * Invariants: a run that fails has an error and leaves no OUT_DIR; one
 * that works writes an image crit decode reads wherever IN_DIR's image
 * of that name was one, and a report whose items each say something.
 */
#include <dirent.h>

#include "format/image.h"
#include "fuzzdir.h"

static bool decodes(const char *dir, const char *name)
{
	char path[8192];
	struct crit_sink drop = fz_sink(NULL);
	struct crit_err err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	struct crit_source src = { .kind = CRIT_SOURCE_PATH, .path = path };
	return crit_decode(&src, &drop, NULL, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[4096], out[4200];
	struct fz_buf map = { 0 };
	struct crit_sink msink = fz_sink(&map);
	struct crit_anon_opts opts = { .strict = size % 2, .map = &msink };
	struct crit_anon_report rep;
	struct crit_err err;

	fz_dir_make(data, size, in);
	snprintf(out, sizeof(out), "%s-out", in);
	if (!crit_anonymize(in, out, &opts, &rep, &err)) {
		FZ_ASSERT(err.code != CRIT_OK && err.msg[0], "crit anonymize failed without an error");
		FZ_ASSERT(access(out, F_OK) != 0, "a failed run left %s", out);
	} else {
		DIR *d = opendir(in);
		FZ_ASSERT(d, "cannot open %s", in);
		for (struct dirent *e; (e = readdir(d));)
			if (e->d_name[0] != '.' && image_raw(e->d_name) == RAW_NONE && decodes(in, e->d_name))
				FZ_ASSERT(decodes(out, e->d_name), "%s: decoded in IN_DIR, not in OUT_DIR", e->d_name);
		closedir(d);
		for (size_t i = 0; i < rep.n; i++)
			FZ_ASSERT(rep.items[i].image[0] && rep.items[i].message[0], "item %zu says nothing", i);
		struct crit_sink drop = fz_sink(NULL);
		for (int json = 0; json < 2; json++) {
			struct crit_anon_print_opts popts = { .json = json, .escape = !json };
			FZ_ASSERT(crit_anon_report_print(&rep, &popts, &drop, &err), "cannot print: %s", err.msg);
		}
		crit_anon_report_free(&rep);
		fz_dir_remove(out);
	}
	free(map.p);
	fz_dir_remove(in);
	return 0;
}
