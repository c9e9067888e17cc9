/* test-main.c - runs every module's Check suite. */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	Suite *(*const suites[])(void) = {
		json_suite, text_suite, pretty_suite, wire_suite, decode_suite,
		image_suite, fixtures_suite, malformed_suite, jsonread_suite, encode_suite, shape_suite, explore_suite, api_suite, anonymize_suite,
	};
	SRunner *sr = srunner_create(NULL);

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
