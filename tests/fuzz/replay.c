/*
 * replay.c - a fuzz target without libFuzzer: each file given, or each
 * file in each directory given (sorted; dot files skipped), goes through
 * the target's LLVMFuzzerTestOneInput. `make check` runs the committed
 * corpus and regression inputs this way, plainly and under SAN=1.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t runs;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct fz_buf b = { 0 };
	char chunk[65536];
	size_t n;

	FZ_ASSERT(f, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		FZ_ASSERT(fz_write(&b, chunk, n), "out of memory reading %s", path);
	FZ_ASSERT(!ferror(f), "cannot read %s", path);
	fclose(f);
	/* A copy of exactly the input's size, so that ASan sees any over-read. */
	uint8_t *data = malloc(b.n ? b.n : 1);
	FZ_ASSERT(data, "out of memory");
	if (b.n)
		memcpy(data, b.p, b.n);
	free(b.p);
	LLVMFuzzerTestOneInput(data, b.n);
	free(data);
	runs++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		FZ_ASSERT(stat(argv[i], &st) == 0, "no %s", argv[i]);
		if (!S_ISDIR(st.st_mode)) {
			run_file(argv[i]);
			continue;
		}
		struct dirent **list;
		int n = scandir(argv[i], &list, visible, by_name);
		FZ_ASSERT(n >= 0, "cannot list %s", argv[i]);
		for (int k = 0; k < n; k++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s", argv[i], list[k]->d_name);
			run_file(path);
			free(list[k]);
		}
		free(list);
	}
	printf("%s: %zu inputs replayed\n", argv[0], runs);
	return 0;
}
