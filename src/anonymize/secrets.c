/*
 * secrets.c - which fields of which messages hold what kind of secret.
 *
 * One table, by the schema's names: every string and bytes field of the
 * messages an image holds has a row (tests/test-anonymize.c proves it for
 * the tables crit is built with), and the register sets are listed whole.
 * Numbers hold no secrets but addresses, which the schema marks itself
 * ((criu).ipadd), and the registers. A string or bytes field of a newer
 * schema that has no row is S_UNJUDGED: reported, never guessed.
 */
#include <string.h>

#include "anonymize/anonymize.h"

static const struct row {
	const char *msg, *field; /* field NULL: a register set */
	enum secret s;
} rows[] = {
	/* paths */
	{ "reg_file_entry", "name", S_PATH },
	{ "ghost_file_entry", "symlnk_target", S_PATH },
	{ "irmap_cache_entry", "path", S_PATH },
	{ "memfd_inode_entry", "name", S_PATH },
	{ "mnt_entry", "root", S_PATH },
	{ "mnt_entry", "mountpoint", S_PATH },
	{ "mnt_entry", "source", S_PATH },
	{ "mnt_entry", "options", S_WORDS },
	{ "unix_sk_entry", "name", S_SOCKNAME },
	{ "unix_sk_entry", "name_dir", S_PATH },
	{ "fh_entry", "path", S_PATH },
	{ "fanotify_mount_mark_entry", "path", S_PATH },
	{ "cg_member_entry", "path", S_PATH },
	{ "cgroup_dir_entry", "dir_name", S_PATH },
	{ "binfmt_misc_entry", "interpreter", S_PATH },
	/* names */
	{ "task_core_entry", "comm", S_NAME },
	{ "thread_core_entry", "comm", S_NAME },
	{ "utsns_entry", "nodename", S_NAME },
	{ "utsns_entry", "domainname", S_NAME },
	{ "net_device_entry", "name", S_NAME },
	{ "inet_sk_entry", "ifname", S_NAME },
	{ "sk_opts_entry", "so_bound_dev", S_NAME },
	{ "tunfile_entry", "netdev", S_NAME },
	{ "bpfmap_file_entry", "map_name", S_NAME },
	{ "binfmt_misc_entry", "name", S_NAME },
	{ "binfmt_misc_entry", "extension", S_NAME },
	{ "aa_namespace", "name", S_NAME },
	{ "aa_policy", "name", S_NAME },
	{ "creds_entry", "lsm_profile", S_NAME },
	{ "creds_entry", "lsm_sockcreate", S_NAME },
	{ "fdinfo_entry", "xattr_security_selinux", S_NAME },
	{ "mnt_entry", "ext_key", S_NAME },
	{ "netns_entry", "ext_key", S_NAME },
	{ "pidns_entry", "ext_key", S_NAME },
	{ "sysctl_entry", "sarg", S_NAME }, /* string sysctls: stable_secret */
	/* hardware addresses */
	{ "net_device_entry", "address", S_HWADDR },
	{ "packet_mclist", "addr", S_HWADDR },
	/* contents */
	{ "tty_data_entry", "data", S_DATA },
	{ "siginfo_entry", "siginfo", S_DATA }, /* a queued signal's value */
	{ "aa_policy", "blob", S_DATA },
	{ "creds_entry", "apparmor_data", S_DATA },
	/* what the kernel or CRIU names, not the user: words */
	{ "cg_member_entry", "name", S_WORDS },           /* a controller */
	{ "cg_controller_entry", "cnames", S_WORDS },     /* controllers */
	{ "cgroup_prop_entry", "name", S_WORDS },         /* "memory.max" */
	{ "cgroup_prop_entry", "value", S_WORDS },        /* its setting */
	{ "binfmt_misc_entry", "flags", S_WORDS },
	{ "cpuinfo_x86_entry", "model_id", S_WORDS },
	{ "mnt_entry", "fsname", S_WORDS },               /* "fuse.sshfs" */
	{ "plugins_entry", "plugins", S_WORDS },
	/* ... and numbers, or bytes of a machine's */
	{ "binfmt_misc_entry", "magic", S_KEEP },         /* a file's magic */
	{ "binfmt_misc_entry", "mask", S_KEEP },
	{ "inventory_entry", "dump_criu_run_id", S_KEEP }, /* a random UUID */
	{ "seccomp_filter", "filter", S_KEEP },           /* a BPF program */
	/* register sets: general, FPU, extended state, keys */
	{ "user_x86_regs_entry", NULL, S_DATA },
	{ "user_x86_fpregs_entry", NULL, S_DATA },
	{ "user_x86_xsave_entry", NULL, S_DATA },
	{ "user_x86_cet_entry", NULL, S_DATA },
	{ "user_aarch64_regs_entry", NULL, S_DATA },
	{ "user_aarch64_fpsimd_context_entry", NULL, S_DATA },
	{ "pac_keys", NULL, S_DATA },
	{ "pac_address_keys", NULL, S_DATA },
	{ "pac_generic_keys", NULL, S_DATA },
	{ "user_arm_regs_entry", NULL, S_DATA },
	{ "user_arm_vfpstate_entry", NULL, S_DATA },
	{ "user_ppc64_regs_entry", NULL, S_DATA },
	{ "user_ppc64_fpstate_entry", NULL, S_DATA },
	{ "user_ppc64_vrstate_entry", NULL, S_DATA },
	{ "user_ppc64_vsxstate_entry", NULL, S_DATA },
	{ "user_ppc64_tm_regs_entry", NULL, S_DATA },
	{ "user_s390_regs_entry", NULL, S_DATA },
	{ "user_s390_vxrs_low_entry", NULL, S_DATA },
	{ "user_s390_vxrs_high_entry", NULL, S_DATA },
	{ "user_s390_fpregs_entry", NULL, S_DATA },
	{ "user_s390_gs_cb_entry", NULL, S_DATA },
	{ "user_s390_ri_entry", NULL, S_DATA },
	{ "user_mips_regs_entry", NULL, S_DATA },
	{ "user_mips_fpregs_entry", NULL, S_DATA },
	{ "user_riscv64_regs_entry", NULL, S_DATA },
	{ "user_riscv64_d_ext_entry", NULL, S_DATA },
	{ "user_loongarch64_gpregs_entry", NULL, S_DATA },
	{ "user_loongarch64_fpregs_entry", NULL, S_DATA },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

enum secret secret_of(const struct crit_msg *m, const struct crit_field *f)
{
	if (f->flags & CRIT_F_IPADD)
		return S_IPADDR;
	if (f->type != CRIT_T_STRING && f->type != CRIT_T_BYTES)
		return S_KEEP;
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].field && strcmp(rows[i].field, f->name) == 0 && strcmp(rows[i].msg, m->name) == 0)
			return rows[i].s;
	return S_UNJUDGED;
}

bool secret_regs(const struct crit_msg *m)
{
	for (size_t i = 0; i < NROWS; i++)
		if (!rows[i].field && strcmp(rows[i].msg, m->name) == 0)
			return true;
	return false;
}

bool secret_row(size_t i, const char **msg, const char **field, enum secret *s)
{
	if (i >= NROWS)
		return false;
	*msg = rows[i].msg;
	*field = rows[i].field;
	*s = rows[i].s;
	return true;
}
