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
#define SETS_END { 0, NULL, NULL, NULL }

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

/* XSAVE as the kernel's NT_X86_XSTATE: FXSAVE, sw_reserved (its xcr0 at
 * 464, which gdb reads for the layout: x87, SSE, AVX), the XSAVE header's
 * xstate_bv at 512, the AVX upper halves at 576. */
static const struct reg x86_xstate[] = {
	X86_FXSAVE, PAD(48), { NULL, 1, 8, 7 }, PAD(40),
	R("fpregs.xsave.xstate_bv", 8), PAD(56), RN("fpregs.xsave.ymmh_space", 64, 4), END,
};

static const struct regset x86_sets[] = {
	{ NT_PRFPREG, "CORE", x86_fpregs, "fpregs" },
	{ NT_X86_XSTATE, "LINUX", x86_xstate, "fpregs.xsave" },
	{ 0, NULL, NULL, NULL },
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
	{ NT_PRFPREG, "CORE", aarch64_fpregs, "fpsimd" },
	{ NT_ARM_TLS, "LINUX", aarch64_tls, "tls" },
	{ NT_ARM_PAC_ENABLED_KEYS, "LINUX", aarch64_pac_enabled, PAC_ADDRESS "pac_enabled_key" },
	{ NT_ARM_PACA_KEYS, "LINUX", aarch64_paca, "pac_keys.pac_address_keys" },
	{ NT_ARM_PACG_KEYS, "LINUX", aarch64_pacg, "pac_keys.pac_generic_keys" },
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
	{ NT_ARM_VFP, "LINUX", arm_vfp, "fpstate" },
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
	{ NT_PRFPREG, "CORE", ppc64_fpregs, "fpstate" },
	{ NT_PPC_VMX, "LINUX", ppc64_vmx, "vrstate" },
	{ NT_PPC_VSX, "LINUX", ppc64_vsx, "vsxstate" },
	SETS_END,
};

/* In a transaction (tmstate): the checkpointed registers in the live
 * ones' layouts, then the TM SPRs */
static const struct regset ppc64_tm_sets[] = {
	{ NT_PPC_TM_CGPR, "LINUX", ppc64_gregs, "gpregs" },
	{ NT_PPC_TM_CFPR, "LINUX", ppc64_fpregs, "fpstate" },
	{ NT_PPC_TM_CVMX, "LINUX", ppc64_vmx, "vrstate" },
	{ NT_PPC_TM_CVSX, "LINUX", ppc64_vsx, "vsxstate" },
	{ NT_PPC_TM_SPR, "LINUX", ppc64_tm_spr, "gpregs.tfhar" },
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
	{ NT_PRFPREG, "CORE", s390_fpregs, "fpregs" },
	{ NT_S390_SYSTEM_CALL, "LINUX", s390_system_call, "gpregs.system_call" },
	{ NT_S390_VXRS_LOW, "LINUX", s390_vxrs_low, "vxrs_low" },
	{ NT_S390_VXRS_HIGH, "LINUX", s390_vxrs_high, "vxrs_high" },
	{ NT_S390_GS_CB, "LINUX", s390_gs_cb, "gs_cb" },
	{ NT_S390_GS_BC, "LINUX", s390_gs_bc, "gs_bc" },
	{ NT_S390_RI_CB, "LINUX", s390_ri_cb, "ri_cb" },
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
	{ NT_PRFPREG, "CORE", mips_fpregs, "fpregs" },
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
	{ NT_PRFPREG, "CORE", riscv_fpregs, "fpsimd" },
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
	{ NT_PRFPREG, "CORE", loongarch_fpregs, "fpregs" },
	SETS_END,
};

/* e_machine: EM_386 3, EM_MIPS 8, EM_PPC64 21, EM_S390 22, EM_ARM 40,
 * EM_X86_64 62, EM_AARCH64 183, EM_RISCV 243, EM_LOONGARCH 258. */
static const struct arch x86_64 = { 1, "x86_64", "thread_info", 62, 1, 0, 0, 4, x86_gregs, x86_sets, "fpregs",
				    NULL, NULL };
static const struct arch arm = { 2, "arm", "ti_arm", 40, 0, 0, 0x05000000 /* EABI 5 */, 2, arm_gregs, arm_sets,
				 "fpstate", NULL, NULL };
static const struct arch aarch64 = { 3, "aarch64", "ti_aarch64", 183, 1, 0, 0, 4, aarch64_gregs, aarch64_sets,
				     "fpsimd", NULL, NULL };
static const struct arch ppc64 = { 4, "ppc64le", "ti_ppc64", 21, 1, 0, 2 /* ELFv2 */, 4, ppc64_gregs, ppc64_sets,
				   "fpstate", "tmstate", ppc64_tm_sets };
static const struct arch s390 = { 5, "s390x", "ti_s390", 22, 1, 1, 0, 4, s390_gregs, s390_sets, "fpregs", NULL,
				  NULL };
static const struct arch mips = { 6, "mips64el", "ti_mips", 8, 1, 0, 0, 4, mips_gregs, mips_sets, "fpregs", NULL,
				  NULL };
static const struct arch loongarch = { 7, "loongarch64", "ti_loongarch64", 258, 1, 0, 0, 4, loongarch_gregs,
				       loongarch_sets, "fpregs", NULL, NULL };
/* riscv64: e_flags EF_RISCV_FLOAT_ABI_DOUBLE, for the D extension's
 * registers CRIU keeps: gdb takes the FP registers' width from it. Kernels
 * with ARCH_HAS_ELF_CORE_EFLAGS (6.18) write the executable's e_flags, which
 * for lp64d have it; older ones write 0, and gdb leaves NT_PRFPREG unread. */
static const struct arch riscv = { 8, "riscv64", "ti_riscv64", 243, 1, 0, 4, 4, riscv_gregs, riscv_sets,
				   "fpsimd", NULL, NULL };

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
