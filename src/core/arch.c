/*
 * arch.c - the architectures crit core writes, a table each: the ELF
 * header's machine, class and byte order, and the kernel's layouts of the
 * register notes (include/uapi/asm/ptrace.h, user.h, elf.h of each
 * architecture) as runs of fields of the core image's thread_info.
 */
#include "core/core.h"

/* A field of one value; n values; n zero bytes of padding. */
#define R(path, size) { path, 1, size, 0 }
#define RN(path, n, size) { path, n, size, 0 }
#define PAD(bytes) { NULL, bytes, 1, 0 }
#define END { NULL, 0, 0, 0 }
/* bits set in the word before while the field when is nonzero */
#define SET_WHEN(when, bits) { when, 1, 0, bits }
#define SETS_END { .type = 0 }

/* ---- x86-64: struct user_regs_struct, user_i387_struct, XSAVE ------ */

static const struct reg x86_gregs[] = {
	R("gpregs.r15", 8), R("gpregs.r14", 8), R("gpregs.r13", 8), R("gpregs.r12", 8),
	R("gpregs.bp", 8), R("gpregs.bx", 8), R("gpregs.r11", 8), R("gpregs.r10", 8),
	R("gpregs.r9", 8), R("gpregs.r8", 8), R("gpregs.ax", 8), R("gpregs.cx", 8),
	R("gpregs.dx", 8), R("gpregs.si", 8), R("gpregs.di", 8), R("gpregs.orig_ax", 8),
	R("gpregs.ip", 8), R("gpregs.cs", 8), R("gpregs.flags", 8), R("gpregs.sp", 8),
	R("gpregs.ss", 8), R("gpregs.fs_base", 8), R("gpregs.gs_base", 8), R("gpregs.ds", 8),
	R("gpregs.es", 8), R("gpregs.fs", 8), R("gpregs.gs", 8), END,
};

/* The FXSAVE area: user_i387_struct's first 416 bytes. */
#define X86_FXSAVE                                                                          \
	R("fpregs.cwd", 2), R("fpregs.swd", 2), R("fpregs.twd", 2), R("fpregs.fop", 2),      \
	R("fpregs.rip", 8), R("fpregs.rdp", 8), R("fpregs.mxcsr", 4), R("fpregs.mxcsr_mask", 4), \
	RN("fpregs.st_space", 32, 4), RN("fpregs.xmm_space", 64, 4)

static const struct reg x86_fpregs[] = { X86_FXSAVE, PAD(96), END };

/* XSAVE as the kernel's NT_X86_XSTATE, in the standard layout of Intel's
 * CPUs whatever the checkpoint's CPU was: the image holds the components
 * by name, not where that CPU put them, and this layout is the one gdb
 * knows by its size alone (NT_X86_XSAVE_LAYOUT states it for the rest).
 * FXSAVE; sw_reserved, whose first word is XCR0 (set from the components
 * present); the XSAVE header's xstate_bv at 512; then the components. */
static const struct reg x86_xstate[] = {
	X86_FXSAVE, PAD(48), PAD(8) /* XCR0 */, PAD(40), R("fpregs.xsave.xstate_bv", 8), PAD(56), END,
};

static const struct reg xs_avx[] = { RN("fpregs.xsave.ymmh_space", 64, 4), END };     /* YMM0-15's upper halves */
static const struct reg xs_bndregs[] = { RN("fpregs.xsave.bndreg_state", 8, 8), END }; /* MPX BND0-3 */
static const struct reg xs_bndcsr[] = { RN("fpregs.xsave.bndcsr_state", 2, 8), END }; /* BNDCFGU, BNDSTATUS */
static const struct reg xs_opmask[] = { RN("fpregs.xsave.opmask_reg", 8, 8), END };    /* k0-k7 */
static const struct reg xs_zmm_h[] = { RN("fpregs.xsave.zmm_upper", 64, 8), END };     /* ZMM0-15's upper halves */
static const struct reg xs_hi16_zmm[] = { RN("fpregs.xsave.hi16_zmm", 128, 8), END };  /* ZMM16-31 */
static const struct reg xs_pkru[] = { RN("fpregs.xsave.pkru", 2, 4), END };

/* The components: x87 and SSE in FXSAVE, the others where Intel's CPUs
 * put them (CPUID leaf 0xD), each its own size, as NT_X86_XSAVE_LAYOUT
 * gives them. */
static const struct xfeature x86_xfeatures[] = {
	{ 0, 0, 160, NULL },          { 1, 160, 256, NULL },       { 2, 576, 256, xs_avx },
	{ 3, 960, 64, xs_bndregs },   { 4, 1024, 64, xs_bndcsr },  { 5, 1088, 64, xs_opmask },
	{ 6, 1152, 512, xs_zmm_h },   { 7, 1664, 1024, xs_hi16_zmm }, { 9, 2688, 8, xs_pkru },
	{ 0, 0, 0, NULL },
};

static const struct xsave x86_xsave = { x86_xfeatures, 464 };

/* NT_X86_SHSTK: the shadow stack pointer, while the shadow stack is on
 * (bit 0 of the user CET MSR, SH_STK_EN). */
static size_t x86_shstk(const struct arch *a, const struct view *ti, uint8_t *out)
{
	if (!(view_path_uint(ti, "fpregs.xsave.cet.cet", 0) & 1))
		return 0;
	elf_put(a, out, 8, view_path_uint(ti, "fpregs.xsave.cet.ssp", 0));
	return 8;
}

static const struct regset x86_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = x86_fpregs, .need = "fpregs" },
	{ .type = NT_X86_XSTATE, .owner = "LINUX", .regs = x86_xstate, .need = "fpregs.xsave", .xsave = &x86_xsave },
	{ .type = NT_X86_SHSTK, .owner = "LINUX", .need = "fpregs.xsave.cet", .make = x86_shstk, .size = 8 },
	SETS_END,
};

/* ---- i386, x86-64's 32-bit tasks (gpregs.mode COMPAT): the kernel's
 * compat core, struct user_regs_struct32 and the ia32 regsets ------- */

/* CRIU keeps a 32-bit task's registers in the 64-bit names */
static const struct reg i386_gregs[] = {
	R("gpregs.bx", 4), R("gpregs.cx", 4), R("gpregs.dx", 4), R("gpregs.si", 4),
	R("gpregs.di", 4), R("gpregs.bp", 4), R("gpregs.ax", 4), R("gpregs.ds", 4),
	R("gpregs.es", 4), R("gpregs.fs", 4), R("gpregs.gs", 4), R("gpregs.orig_ax", 4),
	R("gpregs.ip", 4), R("gpregs.cs", 4), R("gpregs.flags", 4), R("gpregs.sp", 4),
	R("gpregs.ss", 4), END,
};

/* The tag of x87 register st (10 bytes) whose abridged tag says it is
 * in use, as the full tag word has it: 0 valid, 1 zero, 2 special. */
static unsigned x87_tag(const uint8_t *st)
{
	unsigned exp = (st[8] | st[9] << 8) & 0x7fff;
	bool zero = true;

	for (int i = 0; i < 8; i++)
		zero = zero && !st[i];
	if (exp == 0x7fff)
		return 2;
	if (exp == 0)
		return zero ? 1 : 2;
	return st[7] & 0x80 ? 0 : 2;
}

/* NT_PRFPREG of a 32-bit task: struct user_i387_ia32_struct, the FSAVE
 * layout, which the kernel converts from FXSAVE (convert_from_fxsr):
 * the full tag word from the abridged one, each st register's 10 bytes
 * out of its 16-byte slot, the selectors from cs and ds. */
static size_t i386_fsave(const struct arch *a, const struct view *ti, uint8_t *out)
{
	uint8_t st[8][10];
	uint64_t swd = view_path_uint(ti, "fpregs.swd", 0), twd = view_path_uint(ti, "fpregs.twd", 0);
	unsigned top = (unsigned)(swd >> 11) & 7, tags = 0;

	for (size_t i = 0; i < 8; i++)
		for (size_t j = 0; j < 10; j++) /* st_space: 4 words of each 16-byte slot */
			st[i][j] = (uint8_t)(view_path_uint(ti, "fpregs.st_space", 4 * i + j / 4) >> (8 * (j % 4)));
	for (unsigned i = 0; i < 8; i++) /* tag i is physical register i: st((i - top) & 7) */
		tags |= (twd >> i & 1 ? x87_tag(st[(i - top) & 7]) : 3u) << (2 * i);
	elf_put(a, out, 4, view_path_uint(ti, "fpregs.cwd", 0) | 0xffff0000u);
	elf_put(a, out + 4, 4, swd | 0xffff0000u);
	elf_put(a, out + 8, 4, tags | 0xffff0000u);
	elf_put(a, out + 12, 4, view_path_uint(ti, "fpregs.rip", 0));
	elf_put(a, out + 16, 4, view_path_uint(ti, "gpregs.cs", 0));
	elf_put(a, out + 20, 4, view_path_uint(ti, "fpregs.rdp", 0));
	elf_put(a, out + 24, 4, view_path_uint(ti, "gpregs.ds", 0) | 0xffff0000u);
	memcpy(out + 28, st, sizeof(st));
	return 28 + sizeof(st);
}

/* NT_386_TLS: the three TLS descriptors of the GDT as struct user_desc
 * (entry, base, limit, then the flags as bits), when one is in use. */
static size_t i386_tls(const struct arch *a, const struct view *ti, uint8_t *out)
{
	/* the flag bits from bit 0, and their defaults in user_desc_t */
	static const struct {
		const char *name;
		uint64_t dflt;
	} bits[] = { { "seg_32bit", 0 },      { "contents_l", 0 },      { "contents_h", 0 }, { "read_exec_only", 1 },
		     { "limit_in_pages", 0 }, { "seg_not_present", 1 }, { "usable", 0 } };
	struct view_iter it;
	struct view d;
	size_t n = 0;
	bool used = false;

	view_iter(&it, ti, "tls");
	while (n < 3 && view_next_msg(&it, &d)) {
		uint8_t *u = out + 16 * n++;
		uint64_t flags = 0;
		elf_put(a, u, 4, view_uint_or(&d, "entry_number", 0));
		elf_put(a, u + 4, 4, view_uint_or(&d, "base_addr", 0));
		elf_put(a, u + 8, 4, view_uint_or(&d, "limit", 0));
		for (size_t b = 0; b < sizeof(bits) / sizeof(bits[0]); b++)
			flags |= (view_uint_or(&d, bits[b].name, bits[b].dflt) & 1) << b;
		elf_put(a, u + 12, 4, flags);
		/* an empty descriptor reads as read_exec_only and not present */
		used = used || (flags & 0x28) != 0x28 || view_uint_or(&d, "base_addr", 0) ||
		       view_uint_or(&d, "limit", 0);
	}
	return used ? 48 : 0;
}

/* NT_SIGINFO of a 32-bit task: compat_siginfo, as the kernel's
 * copy_siginfo_to_external32 makes it from the 64-bit siginfo CRIU got
 * from ptrace. signo, errno and code stay; the union moves from offset
 * 16 to 12, its longs and pointers cut to 32 bits. Each layout
 * (siginfo_layout) as its members' moves: offset in the 64-bit siginfo,
 * size there, size in the 32-bit one (packed from 12 in order). */
struct si_move {
	uint8_t from, size64, size32;
};

enum { SI_KILL, SI_TIMER_, SI_POLL, SI_FAULT, SI_FAULT_BND, SI_FAULT_PKU, SI_FAULT_PERF, SI_CHLD, SI_RT, SI_SYS };

static const struct si_move si_moves[][6] = {
	[SI_KILL] = { { 16, 4, 4 }, { 20, 4, 4 } },               /* pid, uid */
	[SI_TIMER_] = { { 16, 4, 4 }, { 20, 4, 4 }, { 24, 8, 4 } }, /* tid, overrun, sigval */
	[SI_POLL] = { { 16, 8, 4 }, { 24, 4, 4 } },               /* band, fd */
	[SI_FAULT] = { { 16, 8, 4 }, { 24, 4, 4 } },              /* addr; trapno or addr_lsb */
	[SI_FAULT_BND] = { { 16, 8, 4 }, { 24, 4, 4 }, { 32, 8, 4 }, { 40, 8, 4 } }, /* lower, upper */
	[SI_FAULT_PKU] = { { 16, 8, 4 }, { 24, 4, 4 }, { 28, 4, 4 } },               /* pkey */
	[SI_FAULT_PERF] = { { 16, 8, 4 }, { 24, 8, 4 }, { 32, 4, 4 }, { 36, 4, 4 } }, /* data, type, flags */
	[SI_CHLD] = { { 16, 4, 4 }, { 20, 4, 4 }, { 24, 4, 4 }, { 32, 8, 4 }, { 40, 8, 4 } }, /* status, utime, stime */
	[SI_RT] = { { 16, 4, 4 }, { 20, 4, 4 }, { 24, 8, 4 } },   /* pid, uid, sigval */
	[SI_SYS] = { { 16, 8, 4 }, { 24, 4, 4 }, { 28, 4, 4 } },  /* call_addr, syscall, arch */
};

/* The kernel's siginfo_layout: which union member signo and code use. */
static int si_layout(uint32_t signo, int32_t code)
{
	/* by signal: the highest code of its own, and the layout (uapi siginfo.h's NSIG*) */
	static const struct {
		uint8_t signo, limit, layout;
	} own[] = { { 4, 11, SI_FAULT }, { 8, 15, SI_FAULT }, { 11, 10, SI_FAULT }, { 7, 5, SI_FAULT },
		    { 5, 6, SI_FAULT },  { 17, 6, SI_CHLD },  { 29, 6, SI_POLL },   { 31, 2, SI_SYS } };

	if (code <= 0 || code >= 0x80) /* SI_USER and below, SI_KERNEL */
		return code == -2 ? SI_TIMER_ : code == -5 ? SI_POLL : code < 0 ? SI_RT : SI_KILL;
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		if (own[i].signo != signo || code > own[i].limit)
			continue;
		if (signo == 11 && code == 3) /* SEGV_BNDERR */
			return SI_FAULT_BND;
		if (signo == 11 && code == 4) /* SEGV_PKUERR */
			return SI_FAULT_PKU;
		if (signo == 5 && code == 6) /* TRAP_PERF */
			return SI_FAULT_PERF;
		return own[i].layout;
	}
	return code <= 6 ? SI_POLL : SI_KILL;
}

static void i386_siginfo(const struct arch *a, const uint8_t *in, uint8_t *out)
{
	const struct si_move *m = si_moves[si_layout((uint32_t)elf_get(a, in, 4), (int32_t)elf_get(a, in + 8, 4))];
	size_t at = 12;

	memcpy(out, in, 12);
	for (size_t i = 0; i < 6 && m[i].size64; at += m[i].size32, i++)
		elf_put(a, out + at, m[i].size32, elf_get(a, in + m[i].from, m[i].size64));
}

static const struct regset i386_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .need = "fpregs", .make = i386_fsave, .size = 108 },
	{ .type = NT_PRXFPREG, .owner = "LINUX", .regs = x86_fpregs, .need = "fpregs" },
	{ .type = NT_X86_XSTATE, .owner = "LINUX", .regs = x86_xstate, .need = "fpregs.xsave", .xsave = &x86_xsave },
	{ .type = NT_386_TLS, .owner = "LINUX", .need = "tls", .make = i386_tls, .size = 48 },
	SETS_END,
};

/* ---- AArch64: struct user_pt_regs, user_fpsimd_state, TLS, PAC ----- */

static const struct reg aarch64_gregs[] = {
	RN("gpregs.regs", 31, 8), R("gpregs.sp", 8), R("gpregs.pc", 8), R("gpregs.pstate", 8), END,
};

static const struct reg aarch64_fpregs[] = {
	RN("fpsimd.vregs", 64, 8), R("fpsimd.fpsr", 4), R("fpsimd.fpcr", 4), PAD(8), END,
};

/* tpidr_el0, NT_ARM_TLS as the kernel wrote it before adding SME's
 * tpidr2_el0, which CRIU does not keep */
static const struct reg aarch64_tls[] = { R("tls", 8), END };

#define PAC_ADDRESS "pac_keys.pac_address_keys."

static const struct reg aarch64_pac_enabled[] = { R(PAC_ADDRESS "pac_enabled_key", 8), END };

/* user_pac_address_keys, user_pac_generic_keys: each key a __uint128_t,
 * hi << 64 | lo (pac_key_to_user), so lo first in little-endian */
static const struct reg aarch64_paca[] = {
	R(PAC_ADDRESS "apiakey_lo", 8), R(PAC_ADDRESS "apiakey_hi", 8),
	R(PAC_ADDRESS "apibkey_lo", 8), R(PAC_ADDRESS "apibkey_hi", 8),
	R(PAC_ADDRESS "apdakey_lo", 8), R(PAC_ADDRESS "apdakey_hi", 8),
	R(PAC_ADDRESS "apdbkey_lo", 8), R(PAC_ADDRESS "apdbkey_hi", 8), END,
};

static const struct reg aarch64_pacg[] = {
	R("pac_keys.pac_generic_keys.apgakey_lo", 8), R("pac_keys.pac_generic_keys.apgakey_hi", 8), END,
};

/* aarch64_regsets' order; CRIU keeps nothing of HW_BREAK, HW_WATCH,
 * SYSTEM_CALL, SVE, SSVE, ZA, PAC_MASK, TAGGED_ADDR_CTRL */
static const struct regset aarch64_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = aarch64_fpregs, .need = "fpsimd" },
	{ .type = NT_ARM_TLS, .owner = "LINUX", .regs = aarch64_tls, .need = "tls" },
	{ .type = NT_ARM_PAC_ENABLED_KEYS, .owner = "LINUX", .regs = aarch64_pac_enabled,
	  .need = PAC_ADDRESS "pac_enabled_key" },
	{ .type = NT_ARM_PACA_KEYS, .owner = "LINUX", .regs = aarch64_paca, .need = "pac_keys.pac_address_keys" },
	{ .type = NT_ARM_PACG_KEYS, .owner = "LINUX", .regs = aarch64_pacg, .need = "pac_keys.pac_generic_keys" },
	SETS_END,
};

/* ---- 32-bit ARM: struct pt_regs (18 words), struct user_vfp -------- */

static const struct reg arm_gregs[] = {
	R("gpregs.r0", 4), R("gpregs.r1", 4), R("gpregs.r2", 4), R("gpregs.r3", 4),
	R("gpregs.r4", 4), R("gpregs.r5", 4), R("gpregs.r6", 4), R("gpregs.r7", 4),
	R("gpregs.r8", 4), R("gpregs.r9", 4), R("gpregs.r10", 4), R("gpregs.fp", 4),
	R("gpregs.ip", 4), R("gpregs.sp", 4), R("gpregs.lr", 4), R("gpregs.pc", 4),
	R("gpregs.cpsr", 4), R("gpregs.orig_r0", 4), END,
};

static const struct reg arm_vfp[] = { RN("fpstate.vfp_regs", 32, 8), R("fpstate.fpscr", 4), END };

/* arm_regsets: NT_PRFPREG (the FPA emulator's user_fp) is not in the
 * checkpoint; the kernel dumps no TLS for ARM */
static const struct regset arm_sets[] = {
	{ .type = NT_ARM_VFP, .owner = "LINUX", .regs = arm_vfp, .need = "fpstate" },
	SETS_END,
};

/* ---- ppc64le: struct pt_regs as ELF_NGREG 48, fpregs, VMX, VSX, TM -- */

static const struct reg ppc64_gregs[] = {
	RN("gpregs.gpr", 32, 8), R("gpregs.nip", 8), R("gpregs.msr", 8), R("gpregs.orig_gpr3", 8),
	R("gpregs.ctr", 8), R("gpregs.link", 8), R("gpregs.xer", 8), R("gpregs.ccr", 8),
	PAD(8) /* softe */, R("gpregs.trap", 8), PAD(7 * 8) /* dar dsisr result, 4 unused */, END,
};

static const struct reg ppc64_fpregs[] = { RN("fpstate.fpregs", 33, 8), END };

/* 32 vector registers and vscr (16 bytes each), vrsave in a 16-byte slot */
static const struct reg ppc64_vmx[] = { RN("vrstate.vrregs", 66, 8), R("vrstate.vrsave", 4), PAD(12), END };

/* the low doublewords of VSR0-31 (their high ones are the FPRs) */
static const struct reg ppc64_vsx[] = { RN("vsxstate.vsxregs", 32, 8), END };

/* ELF_NTMSPRREG: tfhar, texasr, tfiar (tm_spr_get) */
static const struct reg ppc64_tm_spr[] = { R("gpregs.tfhar", 8), R("gpregs.texasr", 8), R("gpregs.tfiar", 8), END };

/* native_regsets' order; CRIU keeps nothing of SPE, TM_CTAR, TM_CPPR,
 * TM_CDSCR, PPR, DSCR, TAR, EBB, PMU, PKEY */
static const struct regset ppc64_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = ppc64_fpregs, .need = "fpstate" },
	{ .type = NT_PPC_VMX, .owner = "LINUX", .regs = ppc64_vmx, .need = "vrstate" },
	{ .type = NT_PPC_VSX, .owner = "LINUX", .regs = ppc64_vsx, .need = "vsxstate" },
	SETS_END,
};

/* In a transaction (tmstate): the checkpointed registers in the live
 * ones' layouts, then the TM SPRs */
static const struct regset ppc64_tm_sets[] = {
	{ .type = NT_PPC_TM_CGPR, .owner = "LINUX", .regs = ppc64_gregs, .need = "gpregs" },
	{ .type = NT_PPC_TM_CFPR, .owner = "LINUX", .regs = ppc64_fpregs, .need = "fpstate" },
	{ .type = NT_PPC_TM_CVMX, .owner = "LINUX", .regs = ppc64_vmx, .need = "vrstate" },
	{ .type = NT_PPC_TM_CVSX, .owner = "LINUX", .regs = ppc64_vsx, .need = "vsxstate" },
	{ .type = NT_PPC_TM_SPR, .owner = "LINUX", .regs = ppc64_tm_spr, .need = "gpregs.tfhar" },
	SETS_END,
};

/* ---- s390x: s390_regs, s390_fp_regs, vector, guarded storage, RI --- */

/* PSW_MASK_RI: CRIU clears it in the PSW it saves (so that its parasite
 * runs unrecorded) and keeps it as ri_cb.ri_on */
static const struct reg s390_gregs[] = {
	R("gpregs.psw_mask", 8), SET_WHEN("ri_cb.ri_on", 0x0000008000000000ull), R("gpregs.psw_addr", 8),
	RN("gpregs.gprs", 16, 8), RN("gpregs.acrs", 16, 4), R("gpregs.orig_gpr2", 8), END,
};

static const struct reg s390_fpregs[] = { R("fpregs.fpc", 4), PAD(4), RN("fpregs.fprs", 16, 8), END };

static const struct reg s390_system_call[] = { R("gpregs.system_call", 4), END };
/* the low halves of V0-V15 (their high ones are the FPRs); V16-V31 whole */
static const struct reg s390_vxrs_low[] = { RN("vxrs_low.regs", 16, 8), END };
static const struct reg s390_vxrs_high[] = { RN("vxrs_high.regs", 32, 8), END };
/* struct gs_cb (4 words); struct runtime_instr_cb (8 words) */
static const struct reg s390_gs_cb[] = { RN("gs_cb.regs", 4, 8), END };
static const struct reg s390_gs_bc[] = { RN("gs_bc.regs", 4, 8), END };
static const struct reg s390_ri_cb[] = { RN("ri_cb.regs", 8, 8), END };

/* s390_regsets' order; CRIU keeps nothing of LAST_BREAK, TDB */
static const struct regset s390_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = s390_fpregs, .need = "fpregs" },
	{ .type = NT_S390_SYSTEM_CALL, .owner = "LINUX", .regs = s390_system_call, .need = "gpregs.system_call" },
	{ .type = NT_S390_VXRS_LOW, .owner = "LINUX", .regs = s390_vxrs_low, .need = "vxrs_low" },
	{ .type = NT_S390_VXRS_HIGH, .owner = "LINUX", .regs = s390_vxrs_high, .need = "vxrs_high" },
	{ .type = NT_S390_GS_CB, .owner = "LINUX", .regs = s390_gs_cb, .need = "gs_cb" },
	{ .type = NT_S390_GS_BC, .owner = "LINUX", .regs = s390_gs_bc, .need = "gs_bc" },
	{ .type = NT_S390_RI_CB, .owner = "LINUX", .regs = s390_ri_cb, .need = "ri_cb" },
	SETS_END,
};

/* ---- mips64: EF_R0... EF_CP0_CAUSE of ELF_NGREG 45; 32 FPRs, fcr31, fir */

static const struct reg mips_gregs[] = {
	R("gpregs.r0", 8), R("gpregs.r1", 8), R("gpregs.r2", 8), R("gpregs.r3", 8),
	R("gpregs.r4", 8), R("gpregs.r5", 8), R("gpregs.r6", 8), R("gpregs.r7", 8),
	R("gpregs.r8", 8), R("gpregs.r9", 8), R("gpregs.r10", 8), R("gpregs.r11", 8),
	R("gpregs.r12", 8), R("gpregs.r13", 8), R("gpregs.r14", 8), R("gpregs.r15", 8),
	R("gpregs.r16", 8), R("gpregs.r17", 8), R("gpregs.r18", 8), R("gpregs.r19", 8),
	R("gpregs.r20", 8), R("gpregs.r21", 8), R("gpregs.r22", 8), R("gpregs.r23", 8),
	R("gpregs.r24", 8), R("gpregs.r25", 8), R("gpregs.r26", 8), R("gpregs.r27", 8),
	R("gpregs.r28", 8), R("gpregs.r29", 8), R("gpregs.r30", 8), R("gpregs.r31", 8),
	R("gpregs.lo", 8), R("gpregs.hi", 8), R("gpregs.cp0_epc", 8), R("gpregs.cp0_badvaddr", 8),
	R("gpregs.cp0_status", 8), R("gpregs.cp0_cause", 8), PAD(7 * 8), END,
};

static const struct reg mips_fpregs[] = {
	R("fpregs.r0", 8), R("fpregs.r1", 8), R("fpregs.r2", 8), R("fpregs.r3", 8),
	R("fpregs.r4", 8), R("fpregs.r5", 8), R("fpregs.r6", 8), R("fpregs.r7", 8),
	R("fpregs.r8", 8), R("fpregs.r9", 8), R("fpregs.r10", 8), R("fpregs.r11", 8),
	R("fpregs.r12", 8), R("fpregs.r13", 8), R("fpregs.r14", 8), R("fpregs.r15", 8),
	R("fpregs.r16", 8), R("fpregs.r17", 8), R("fpregs.r18", 8), R("fpregs.r19", 8),
	R("fpregs.r20", 8), R("fpregs.r21", 8), R("fpregs.r22", 8), R("fpregs.r23", 8),
	R("fpregs.r24", 8), R("fpregs.r25", 8), R("fpregs.r26", 8), R("fpregs.r27", 8),
	R("fpregs.r28", 8), R("fpregs.r29", 8), R("fpregs.r30", 8), R("fpregs.r31", 8),
	R("fpregs.fpu_fcr31", 4), R("fpregs.fpu_id", 4), END,
};

/* mips64_regsets: CRIU keeps nothing of DSP, FP_MODE, MSA */
static const struct regset mips_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = mips_fpregs, .need = "fpregs" },
	SETS_END,
};

/* ---- riscv64: struct user_regs_struct, __riscv_d_ext_state --------- */

static const struct reg riscv_gregs[] = {
	R("gpregs.pc", 8), R("gpregs.ra", 8), R("gpregs.sp", 8), R("gpregs.gp", 8),
	R("gpregs.tp", 8), R("gpregs.t0", 8), R("gpregs.t1", 8), R("gpregs.t2", 8),
	R("gpregs.s0", 8), R("gpregs.s1", 8), R("gpregs.a0", 8), R("gpregs.a1", 8),
	R("gpregs.a2", 8), R("gpregs.a3", 8), R("gpregs.a4", 8), R("gpregs.a5", 8),
	R("gpregs.a6", 8), R("gpregs.a7", 8), R("gpregs.s2", 8), R("gpregs.s3", 8),
	R("gpregs.s4", 8), R("gpregs.s5", 8), R("gpregs.s6", 8), R("gpregs.s7", 8),
	R("gpregs.s8", 8), R("gpregs.s9", 8), R("gpregs.s10", 8), R("gpregs.s11", 8),
	R("gpregs.t3", 8), R("gpregs.t4", 8), R("gpregs.t5", 8), R("gpregs.t6", 8), END,
};

static const struct reg riscv_fpregs[] = { RN("fpsimd.f", 32, 8), R("fpsimd.fcsr", 4), PAD(4), END };

/* riscv_user_regset: CRIU keeps nothing of V, TAGGED_ADDR_CTRL, CFI */
static const struct regset riscv_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = riscv_fpregs, .need = "fpsimd" },
	SETS_END,
};

/* ---- loongarch64: user_pt_regs as ELF_NGREG 45, user_fp_state ------ */

static const struct reg loongarch_gregs[] = {
	RN("gpregs.regs", 32, 8), PAD(8) /* orig_a0 */, R("gpregs.pc", 8) /* csr_era */,
	PAD(11 * 8) /* csr_badv, reserved */, END,
};

/* 268 bytes: fpr_get writes fcsr last and leaves user_fp_state's tail
 * padding (ELF_NFPREG 34 words) out of the note */
static const struct reg loongarch_fpregs[] = { RN("fpregs.regs", 32, 8), R("fpregs.fcc", 8), R("fpregs.fcsr", 4), END };

/* loongarch64_regsets: CRIU keeps nothing of CPUCFG, LSX, LASX, LBT,
 * HW_BREAK, HW_WATCH */
static const struct regset loongarch_sets[] = {
	{ .type = NT_PRFPREG, .owner = "CORE", .regs = loongarch_fpregs, .need = "fpregs" },
	SETS_END,
};

/* e_machine: EM_386 3, EM_MIPS 8, EM_PPC64 21, EM_S390 22, EM_ARM 40,
 * EM_X86_64 62, EM_AARCH64 183, EM_RISCV 243, EM_LOONGARCH 258. */
static const struct arch i386 = {
	.mtype = 1, .name = "i386", .ti = "thread_info", .machine = 3, .uid_size = 2 /* compat's u16 */,
	.gregs = i386_gregs, .sets = i386_sets, .fp_path = "fpregs", .auxv_pairs = true, .siginfo = i386_siginfo,
};
static const struct arch x86_64 = {
	.mtype = 1, .name = "x86_64", .ti = "thread_info", .machine = 62, .class64 = 1, .uid_size = 4,
	.gregs = x86_gregs, .sets = x86_sets, .fp_path = "fpregs",
	.variant = &i386, .variant_path = "gpregs.mode", .variant_value = 2 /* COMPAT */,
};
static const struct arch arm = {
	.mtype = 2, .name = "arm", .ti = "ti_arm", .machine = 40, .flags = 0x05000000 /* EABI 5 */, .uid_size = 2,
	.gregs = arm_gregs, .sets = arm_sets, .fp_path = "fpstate",
};
static const struct arch aarch64 = {
	.mtype = 3, .name = "aarch64", .ti = "ti_aarch64", .machine = 183, .class64 = 1, .uid_size = 4,
	.gregs = aarch64_gregs, .sets = aarch64_sets, .fp_path = "fpsimd",
};
static const struct arch ppc64 = {
	.mtype = 4, .name = "ppc64le", .ti = "ti_ppc64", .machine = 21, .class64 = 1, .flags = 2 /* ELFv2 */,
	.uid_size = 4, .gregs = ppc64_gregs, .sets = ppc64_sets, .fp_path = "fpstate",
	.live = "tmstate", .ckpt_sets = ppc64_tm_sets,
};
static const struct arch s390 = {
	.mtype = 5, .name = "s390x", .ti = "ti_s390", .machine = 22, .class64 = 1, .big = 1, .uid_size = 4,
	.gregs = s390_gregs, .sets = s390_sets, .fp_path = "fpregs",
};
static const struct arch mips = {
	.mtype = 6, .name = "mips64el", .ti = "ti_mips", .machine = 8, .class64 = 1, .uid_size = 4,
	.gregs = mips_gregs, .sets = mips_sets, .fp_path = "fpregs",
};
static const struct arch loongarch = {
	.mtype = 7, .name = "loongarch64", .ti = "ti_loongarch64", .machine = 258, .class64 = 1, .uid_size = 4,
	.gregs = loongarch_gregs, .sets = loongarch_sets, .fp_path = "fpregs",
};
/* riscv64: e_flags EF_RISCV_FLOAT_ABI_DOUBLE, for the D extension's
 * registers CRIU keeps: gdb takes the FP registers' width from it. Kernels
 * with ARCH_HAS_ELF_CORE_EFLAGS (6.18) write the executable's e_flags, which
 * for lp64d have it; older ones write 0, and gdb leaves NT_PRFPREG unread. */
static const struct arch riscv = {
	.mtype = 8, .name = "riscv64", .ti = "ti_riscv64", .machine = 243, .class64 = 1, .flags = 4, .uid_size = 4,
	.gregs = riscv_gregs, .sets = riscv_sets, .fp_path = "fpsimd",
};

/* (i386 is x86-64's variant, not an mtype of its own) */
const struct arch *const core_arches[] = { &x86_64, &arm, &aarch64, &ppc64, &s390, &mips, &loongarch, &riscv, NULL };

const struct arch *arch_find(int64_t mtype)
{
	for (size_t i = 0; core_arches[i]; i++)
		if (core_arches[i]->mtype == mtype)
			return core_arches[i];
	return NULL;
}

size_t regs_size(const struct reg *r)
{
	size_t n = 0;

	for (; r->count; r++)
		n += (size_t)r->count * r->size;
	return n;
}
