/*
 * check.c - crit check: the stages, in order. The payloads come first,
 * so that an image found damaged there is told once and not read by the
 * stages after it; the tree comes before the rest, which look only at
 * tasks whose core says what they are.
 */
#include "check/check.h"

bool crit_check(const char *dir, const struct crit_check_opts *opts, struct crit_check *res, struct crit_err *err)
{
	unsigned what = opts && opts->what ? opts->what : CRIT_CHECK_ALL;
	struct chk k = { .err = err, .res = res, .what = what };

	memset(res, 0, sizeof(*res));
	memset(err, 0, sizeof(*err));
	if (!dir)
		return crit_fail(err, CRIT_E_USAGE, CRIT_NOPOS, "no directory");
	res->dump = "dump";
	if (!ckpt_open(&k.c, dir, err))
		return false;
	if (chk_index(&k)) {
		if (what & CRIT_CHECK_PAYLOADS)
			chk_payloads(&k);
		chk_tree(&k);
		if (what & (CRIT_CHECK_IMAGES | CRIT_CHECK_IDS | CRIT_CHECK_MEMORY))
			chk_tasks(&k);
		if (what & CRIT_CHECK_IDS)
			chk_ids(&k);
		if (what & CRIT_CHECK_MEMORY)
			chk_memory(&k);
	}
	chk_problems_close(&k);
	chk_index_free(&k);
	ckpt_close(&k.c);
	if (crit_failed(err)) {
		crit_check_free(res);
		return false;
	}
	return true;
}
