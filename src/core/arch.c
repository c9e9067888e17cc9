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
 * present); the XSAVE header's xstate_bv at 512; then each component. */
static const struct reg x86_xstate[] = {
	X86_FXSAVE, PAD(48), PAD(8) /* XCR0 */, PAD(40), R("fpregs.xsave.xstate_bv", 8), PAD(56),
	RN("fpregs.xsave.ymmh_space", 64, 4),                    /* 576: AVX */
	PAD(128), RN("fpregs.xsave.bndreg_state", 8, 8),         /* 960: MPX BND0-3 */
	RN("fpregs.xsave.bndcsr_state", 2, 8), PAD(48),          /* 1024: BNDCFGU, BNDSTATUS */
	RN("fpregs.xsave.opmask_reg", 8, 8),                     /* 1088: k0-k7 */
	RN("fpregs.xsave.zmm_upper", 64, 8),                     /* 1152: ZMM0-15's upper halves */
	RN("fpregs.xsave.hi16_zmm", 128, 8),                     /* 1664: ZMM16-31 */
	RN("fpregs.xsave.pkru", 2, 4),                           /* 2688: PKRU */
	END,
};

/* Its components: x87 and SSE in FXSAVE, the others where Intel's CPUs
 * put them (CPUID leaf 0xD); the sizes are the components' own, as
 * NT_X86_XSAVE_LAYOUT gives them. */
static const struct xfeature x86_xfeatures[] = {
	{ 0, 0, 160, NULL },
	{ 1, 160, 256, NULL },
	{ 2, 576, 256, "fpregs.xsave.ymmh_space" },
	{ 3, 960, 64, "fpregs.xsave.bndreg_state" },
	{ 4, 1024, 64, "fpregs.xsave.bndcsr_state" },
	{ 5, 1088, 64, "fpregs.xsave.opmask_reg" },
	{ 6, 1152, 512, "fpregs.xsave.zmm_upper" },
	{ 7, 1664, 1024, "fpregs.xsave.hi16_zmm" },
	{ 9, 2688, 8, "fpregs.xsave.pkru" },
	{ 0, 0, 0, NULL },
};

static const struct xsave x86_xsave = { x86_xfeatures, 464 };

static const struct regset x86_sets[] = {
	{ NT_PRFPREG, "CORE", x86_fpregs, "fpregs", NULL },
	{ NT_X86_XSTATE, "LINUX", x86_xstate, "fpregs.xsave", &x86_xsave },
	{ 0, NULL, NULL, NULL, NULL },
};

/* ---- AArch64: struct user_pt_regs, user_fpsimd_state --------------- */

static const struct reg aarch64_gregs[] = {
	RN("gpregs.regs", 31, 8), R("gpregs.sp", 8), R("gpregs.pc", 8), R("gpregs.pstate", 8), END,
};

static const struct reg aarch64_fpregs[] = {
	RN("fpsimd.vregs", 64, 8), R("fpsimd.fpsr", 4), R("fpsimd.fpcr", 4), PAD(8), END,
};

static const struct regset aarch64_sets[] = {
	{ NT_PRFPREG, "CORE", aarch64_fpregs, "fpsimd", NULL },
	{ 0, NULL, NULL, NULL, NULL },
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

static const struct regset arm_sets[] = {
	{ NT_ARM_VFP, "LINUX", arm_vfp, "fpstate", NULL },
	{ 0, NULL, NULL, NULL, NULL },
};

/* ---- ppc64le: struct pt_regs as ELF_NGREG 48, fpregs, VMX ---------- */

static const struct reg ppc64_gregs[] = {
	RN("gpregs.gpr", 32, 8), R("gpregs.nip", 8), R("gpregs.msr", 8), R("gpregs.orig_gpr3", 8),
	R("gpregs.ctr", 8), R("gpregs.link", 8), R("gpregs.xer", 8), R("gpregs.ccr", 8),
	PAD(8) /* softe */, R("gpregs.trap", 8), PAD(7 * 8) /* dar dsisr result, 4 unused */, END,
};

static const struct reg ppc64_fpregs[] = { RN("fpstate.fpregs", 33, 8), END };

/* 32 vector registers and vscr (16 bytes each), vrsave in a 16-byte slot */
static const struct reg ppc64_vmx[] = { RN("vrstate.vrregs", 66, 8), R("vrstate.vrsave", 4), PAD(12), END };

static const struct regset ppc64_sets[] = {
	{ NT_PRFPREG, "CORE", ppc64_fpregs, "fpstate", NULL },
	{ NT_PPC_VMX, "LINUX", ppc64_vmx, "vrstate", NULL },
	{ 0, NULL, NULL, NULL, NULL },
};

/* ---- s390x: s390_regs, s390_fp_regs -------------------------------- */

static const struct reg s390_gregs[] = {
	R("gpregs.psw_mask", 8), R("gpregs.psw_addr", 8), RN("gpregs.gprs", 16, 8),
	RN("gpregs.acrs", 16, 4), R("gpregs.orig_gpr2", 8), END,
};

static const struct reg s390_fpregs[] = { R("fpregs.fpc", 4), PAD(4), RN("fpregs.fprs", 16, 8), END };

static const struct regset s390_sets[] = {
	{ NT_PRFPREG, "CORE", s390_fpregs, "fpregs", NULL },
	{ 0, NULL, NULL, NULL, NULL },
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

static const struct regset mips_sets[] = {
	{ NT_PRFPREG, "CORE", mips_fpregs, "fpregs", NULL },
	{ 0, NULL, NULL, NULL, NULL },
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

static const struct regset riscv_sets[] = {
	{ NT_PRFPREG, "CORE", riscv_fpregs, "fpsimd", NULL },
	{ 0, NULL, NULL, NULL, NULL },
};

/* ---- loongarch64: user_pt_regs as ELF_NGREG 45, user_fp_state ------ */

static const struct reg loongarch_gregs[] = {
	RN("gpregs.regs", 32, 8), PAD(8) /* orig_a0 */, R("gpregs.pc", 8) /* csr_era */,
	PAD(11 * 8) /* csr_badv, reserved */, END,
};

static const struct reg loongarch_fpregs[] = {
	RN("fpregs.regs", 32, 8), R("fpregs.fcc", 8), R("fpregs.fcsr", 4), PAD(4), END,
};

static const struct regset loongarch_sets[] = {
	{ NT_PRFPREG, "CORE", loongarch_fpregs, "fpregs", NULL },
	{ 0, NULL, NULL, NULL, NULL },
};

/* e_machine: EM_386 3, EM_MIPS 8, EM_PPC64 21, EM_S390 22, EM_ARM 40,
 * EM_X86_64 62, EM_AARCH64 183, EM_RISCV 243, EM_LOONGARCH 258. */
static const struct arch x86_64 = { 1, "x86_64", "thread_info", 62, 1, 0, 0, 4, x86_gregs, x86_sets, "fpregs" };
static const struct arch arm = { 2, "arm", "ti_arm", 40, 0, 0, 0x05000000 /* EABI 5 */, 2, arm_gregs, arm_sets,
				 "fpstate" };
static const struct arch aarch64 = { 3, "aarch64", "ti_aarch64", 183, 1, 0, 0, 4, aarch64_gregs, aarch64_sets,
				     "fpsimd" };
static const struct arch ppc64 = { 4, "ppc64le", "ti_ppc64", 21, 1, 0, 2 /* ELFv2 */, 4, ppc64_gregs, ppc64_sets,
				   "fpstate" };
static const struct arch s390 = { 5, "s390x", "ti_s390", 22, 1, 1, 0, 4, s390_gregs, s390_sets, "fpregs" };
static const struct arch mips = { 6, "mips64el", "ti_mips", 8, 1, 0, 0, 4, mips_gregs, mips_sets, "fpregs" };
static const struct arch loongarch = { 7, "loongarch64", "ti_loongarch64", 258, 1, 0, 0, 4, loongarch_gregs,
				       loongarch_sets, "fpregs" };
static const struct arch riscv = { 8, "riscv64", "ti_riscv64", 243, 1, 0, 0, 4, riscv_gregs, riscv_sets,
				   "fpsimd" };

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
