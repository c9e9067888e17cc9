#!/usr/bin/env python3
"""elfcheck.py - crit core's ELF files read independently (Python 3 stdlib).

The layouts here are written from the kernel's headers (linux/elfcore.h,
each architecture's uapi asm/ptrace.h, user.h, elf.h), not from crit's
tables, so that the two are checked against each other.

    elfcheck.py arch CORE_JSON OUTDIR ARCH...  a core image's JSON (crit
        decode) for each ARCH in OUTDIR/ARCH.json, with known values in
        every register (ARCH-FIELD,FIELD=N...: without those thread_info
        fields, or with N in them)
    elfcheck.py check ARCH CORE_JSON ELF       the ELF crit core wrote from
        it, field by field, its register notes the kernel's, in order; and
        gdb-multiarch's registers against the image (not for x86-64, which
        gdb checks on the fixtures, nor LoongArch, which Debian's
        gdb-multiarch 13.1 is not built for)
    elfcheck.py gdb CRIT DIR PID ELF           gdb on a fixture's core: its
        threads, general and vector registers (k0-k7, zmm0-zmm31) and
        argv[0] against the images
    elfcheck.py gdb-i386 CORE_JSON ELF         gdb on the i386 core of a 32-bit
        task (arch I386): its registers and st0-st7
    elfcheck.py auxv MM_JSON ELF               NT_AUXV against mm_saved_auxv (a
        32-bit core's: each word of the image a (type, value) pair)
    elfcheck.py siginfo32 CORE_JSON OUT_JSON SIGNO CODE   a 32-bit task's
        image with one pending signal, its 64-bit siginfo's union filled
    elfcheck.py siginfo32 CORE_JSON ELF        its NT_SIGINFO: compat_siginfo
    elfcheck.py loads CRIT DIR PID ELF         readelf -l against crit x mems
    elfcheck.py notes DIR PID ELF              readelf -n: every note, sizes

Prints one line per finding; exits 1 on any.
"""
import base64
import json
import re
import struct
import subprocess
import sys
import tempfile

NT = {"PRSTATUS": 1, "FPREGSET": 2, "PRPSINFO": 3, "AUXV": 6, "SIGINFO": 0x53494749,
      "FILE": 0x46494C45, "X86_XSTATE": 0x202, "ARM_VFP": 0x400, "PPC_VMX": 0x100,
      "X86_XSAVE_LAYOUT": 0x205, "X86_SHSTK": 0x204, "PRXFPREG": 0x46E62B7F, "386_TLS": 0x200,
      # uapi linux/elf.h
      "ARM_TLS": 0x401, "ARM_PACA_KEYS": 0x407, "ARM_PACG_KEYS": 0x408, "ARM_PAC_ENABLED_KEYS": 0x40A,
      "PPC_VSX": 0x102, "PPC_TM_CGPR": 0x108, "PPC_TM_CFPR": 0x109, "PPC_TM_CVMX": 0x10A,
      "PPC_TM_CVSX": 0x10B, "PPC_TM_SPR": 0x10C, "S390_SYSTEM_CALL": 0x307, "S390_VXRS_LOW": 0x309,
      "S390_VXRS_HIGH": 0x30A, "S390_GS_CB": 0x30B, "S390_GS_BC": 0x30C, "S390_RI_CB": 0x30D}
# the notes that are not register sets
PROCESS_NOTES = {NT[k] for k in ("PRSTATUS", "PRPSINFO", "AUXV", "SIGINFO", "FILE", "X86_XSAVE_LAYOUT")}


def n(name, count=1, size=8):
    return [(name, i if count > 1 else None, size) for i in range(count)]


def pad(nbytes):
    return [(None, None, nbytes)]


def u128(hi, lo):
    """A 128-bit word, hi << 64 | lo, from two (path, index) of 64 bits."""
    return [(("u128", hi, lo), None, 16)]


# The kernel's layouts: each slot (CRIU field under thread_info, index in a
# repeated field or None, bytes); None as the field: zeros.
X86_G = [f"gpregs.{r}" for r in "r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss fs_base gs_base ds es fs gs".split()]
X86_FX = (n("fpregs.cwd", 1, 2) + n("fpregs.swd", 1, 2) + n("fpregs.twd", 1, 2) + n("fpregs.fop", 1, 2)
          + n("fpregs.rip") + n("fpregs.rdp") + n("fpregs.mxcsr", 1, 4) + n("fpregs.mxcsr_mask", 1, 4)
          + n("fpregs.st_space", 32, 4) + n("fpregs.xmm_space", 64, 4))
MIPS_G = [f"gpregs.r{i}" for i in range(32)] + ["gpregs.lo", "gpregs.hi", "gpregs.cp0_epc", "gpregs.cp0_badvaddr",
                                              "gpregs.cp0_status", "gpregs.cp0_cause"]
RISCV_G = [f"gpregs.{r}" for r in "pc ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6".split()]
I386_G = [f"gpregs.{r}" for r in "bx cx dx si di bp ax ds es fs gs orig_ax ip cs flags sp ss".split()]
ARM_G = [f"gpregs.{r}" for r in "r0 r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 fp ip sp lr pc cpsr orig_r0".split()]
PAC_A, PAC_G = "pac_keys.pac_address_keys.", "pac_keys.pac_generic_keys."
# ppc64: pt_regs as ELF_NGREG 48 (softe, dar, dsisr, result and 4 spare
# words are not in CRIU); fpr[32] + fpscr; 32 vector128 + vscr + vrsave
# in one; VSX: the low doublewords of VSR0-31
PPC_G = (n("gpregs.gpr", 32) + [s for r in "nip msr orig_gpr3 ctr link xer ccr".split() for s in n("gpregs." + r)]
         + pad(8) + n("gpregs.trap") + pad(56))
PPC_FP = n("fpstate.fpregs", 33)
PPC_VMX = n("vrstate.vrregs", 66) + n("vrstate.vrsave", 1, 4) + pad(12)
PPC_VSX = n("vsxstate.vsxregs", 32)

# XSAVE's standard (non-compacted) layout on Intel's CPUs (SDM vol. 1, 13.4;
# CPUID leaf 0xD): each component's XCR0 bit, offset, size and CRIU field.
XSAVE_PARTS = [(0, 0, 160, None), (1, 160, 256, None), (2, 576, 256, "ymmh_space"), (3, 960, 64, "bndreg_state"),
               (4, 1024, 64, "bndcsr_state"), (5, 1088, 64, "opmask_reg"), (6, 1152, 512, "zmm_upper"),
               (7, 1664, 1024, "hi16_zmm"), (9, 2688, 8, "pkru")]
# With every component: XCR0 0x2ff in sw_reserved's first word (464).
X86_XSAVE = (X86_FX + pad(48) + [("=767", None, 8)] + pad(40) + n("fpregs.xsave.xstate_bv") + pad(56)
             + n("fpregs.xsave.ymmh_space", 64, 4) + pad(128) + n("fpregs.xsave.bndreg_state", 8)
             + n("fpregs.xsave.bndcsr_state", 2) + pad(48) + n("fpregs.xsave.opmask_reg", 8)
             + n("fpregs.xsave.zmm_upper", 64) + n("fpregs.xsave.hi16_zmm", 128) + n("fpregs.xsave.pkru", 2, 4))


def xsave_held(xsave):
    """XCR0, the XSAVE area's size and NT_X86_XSAVE_LAYOUT's records for a
    thread's fpregs.xsave: the components it has values for."""
    parts = [p for p in XSAVE_PARTS if p[3] is None or xsave.get(p[3])]
    # (the legacy area and the XSAVE header, 576 bytes, at least)
    return (sum(1 << b for b, _, _, _ in parts), max([576] + [o + sz for _, o, sz, _ in parts]),
            [(b, sz, o, 0) for b, o, sz, _ in parts])


def i387_fsave(ti):
    """struct user_i387_ia32_struct from the FXSAVE fields, as the kernel's
    convert_from_fxsr makes it (the full tag word from the abridged one)."""
    fp, g = ti["fpregs"], ti["gpregs"]
    st = [b"".join(fp["st_space"][4 * i + j].to_bytes(4, "little") for j in range(4))[:10] for i in range(8)]
    top = fp["swd"] >> 11 & 7
    tags = 0
    for phys in range(8):
        r = st[(phys - top) % 8]
        exp = int.from_bytes(r[8:10], "little") & 0x7FFF
        mant = int.from_bytes(r[:8], "little")
        if not fp["twd"] >> phys & 1:
            tag = 3  # empty
        elif exp == 0x7FFF:
            tag = 2  # special
        elif exp == 0:
            tag = 1 if mant == 0 else 2
        else:
            tag = 0 if mant >> 63 else 2
        tags |= tag << (2 * phys)
    words = [fp["cwd"] & 0xFFFF | 0xFFFF0000, fp["swd"] & 0xFFFF | 0xFFFF0000, tags | 0xFFFF0000,
             fp["rip"] & 0xFFFFFFFF, g["cs"] & 0xFFFFFFFF, fp["rdp"] & 0xFFFFFFFF, g["ds"] & 0xFFFF | 0xFFFF0000]
    return struct.pack("<7I", *words) + b"".join(st)


def user_desc(ti):
    """NT_386_TLS: struct user_desc for each of the three TLS entries, when
    one is in use (an empty one is read_exec_only and not present)."""
    out, used = b"", False
    for d in ti["tls"]:
        flags = (d["seg_32bit"] | d["contents_l"] << 1 | d["contents_h"] << 2 | d["read_exec_only"] << 3
                 | d["limit_in_pages"] << 4 | d["seg_not_present"] << 5 | d["usable"] << 6)
        used = used or flags & 0x28 != 0x28 or d["base_addr"] or d["limit"]
        out += struct.pack("<4I", d["entry_number"], d["base_addr"], d["limit"], flags)
    return out if used else None


def shadow_stack(ti):
    """NT_X86_SHSTK: the SSP, a u64, while the shadow stack is enabled."""
    cet = ti["fpregs"]["xsave"].get("cet", {})
    return struct.pack("<Q", cet["ssp"]) if cet.get("cet", 0) & 1 else None


ARCHES = {
    # machine, 64-bit, big endian, uid bytes, elf_gregset_t, [(owner, type, layout)], other required fields
    "X86_64": dict(ti="thread_info", machine=62, w=8, big=False, uid=4,
                   greg=[s for r in X86_G for s in n(r)],
                   # a set whose layout is a function: the note it makes (None: no note)
                   sets=[("CORE", "FPREGSET", X86_FX + pad(96)), ("LINUX", "X86_XSTATE", X86_XSAVE),
                         ("LINUX", "X86_SHSTK", shadow_stack)],
                   # the shadow stack on (U_CET's SH_STK_EN), and its pointer
                   extra={"clear_tid_addr": 1, "fpregs.xsave.cet": {"cet": 1, "ssp": 0x7FFE12345678}}),
    # x86-64's 32-bit task (gpregs.mode COMPAT): the kernel's compat core, an
    # i386 ELF; NT_PRFPREG (FSAVE) and NT_386_TLS are made, not copied.
    "I386": dict(ti="thread_info", mtype="X86_64", machine=3, w=4, big=False, uid=2,
                 greg=[s for r in I386_G for s in n(r, 1, 4)],
                 sets=[("CORE", "FPREGSET", i387_fsave), ("LINUX", "PRXFPREG", X86_FX + pad(96)),
                       ("LINUX", "X86_XSTATE", X86_XSAVE), ("LINUX", "386_TLS", user_desc)],
                 extra={"clear_tid_addr": 1, "gpregs.mode": "COMPAT",
                        # the 64-bit registers a 32-bit task lacks: not in its core
                        **{f"gpregs.{r}": 0xDEAD0000DEAD0000 + i for i, r in
                           enumerate("r8 r9 r10 r11 r12 r13 r14 r15 fs_base gs_base".split())},
                        # top of stack 3; st0-st7: valid, zero, infinity, unnormal,
                        # denormal, valid, empty, valid (the abridged tags)
                        "fpregs.swd": 3 << 11 | 0x41, "fpregs.twd": 0b10111111,
                        "fpregs.st_space": [w for r in [(0x00000001, 0x80000000, 0x3FFF), (0, 0, 0),
                                                        (0, 0x80000000, 0x7FFF), (0x1234, 0x40000000, 0x4000),
                                                        (0x5678, 0x00000010, 0), (0, 0xC0000000, 0xC000),
                                                        (0xFFFF, 0xFFFF, 0x1234), (7, 0x80000007, 0x3FF0)]
                                            for w in (r[0], r[1], r[2], 0)],
                        "tls": [dict(entry_number=12, base_addr=0xF7D8A740, limit=0xFFFFF, seg_32bit=True,
                                     contents_h=False, contents_l=False, read_exec_only=False,
                                     limit_in_pages=True, seg_not_present=False, usable=True),
                                dict(entry_number=13, base_addr=0, limit=0, seg_32bit=False, contents_h=False,
                                     contents_l=False, read_exec_only=True, limit_in_pages=False,
                                     seg_not_present=True, usable=False),
                                dict(entry_number=14, base_addr=0x1000, limit=0x20, seg_32bit=True,
                                     contents_h=True, contents_l=False, read_exec_only=True,
                                     limit_in_pages=False, seg_not_present=False, usable=False)]}),
    # Past x86: each set (owner, type, layout, the field it needs: without
    # it, no note), in the order of the kernel's regset view
    # (arch/*/kernel/ptrace.c); a note's size is what its regset_get writes.
    "AARCH64": dict(ti="ti_aarch64", machine=183, w=8, big=False, uid=4,
                    greg=n("gpregs.regs", 31) + n("gpregs.sp") + n("gpregs.pc") + n("gpregs.pstate"),
                    sets=[("CORE", "FPREGSET", n("fpsimd.vregs", 64) + n("fpsimd.fpsr", 1, 4)
                           + n("fpsimd.fpcr", 1, 4) + pad(8), "fpsimd"),
                          # tls_get: tpidr_el0 (then tpidr2_el0 since SME: not in CRIU)
                          ("LINUX", "ARM_TLS", n("tls"), "tls"),
                          # pac_enabled_keys_get: a long
                          ("LINUX", "ARM_PAC_ENABLED_KEYS", n(PAC_A + "pac_enabled_key"),
                           PAC_A + "pac_enabled_key"),
                          # struct user_pac_address_keys: apia apib apda apdb, each
                          # __uint128_t hi << 64 | lo (pac_key_to_user)
                          ("LINUX", "ARM_PACA_KEYS", [s for k in "apia apib apda apdb".split()
                                                      for s in u128((f"{PAC_A}{k}key_hi", None),
                                                                    (f"{PAC_A}{k}key_lo", None))],
                           "pac_keys.pac_address_keys"),
                          ("LINUX", "ARM_PACG_KEYS", u128((PAC_G + "apgakey_hi", None), (PAC_G + "apgakey_lo", None)),
                           "pac_keys.pac_generic_keys")],
                    extra={"clear_tid_addr": 1}),
    "ARM": dict(ti="ti_arm", machine=40, w=4, big=False, uid=2,
                greg=[s for r in ARM_G for s in n(r, 1, 4)],
                sets=[("LINUX", "ARM_VFP", n("fpstate.vfp_regs", 32) + n("fpstate.fpscr", 1, 4), "fpstate")],
                extra={"clear_tid_addr": 1, "tls": 2, "fpstate.fpexc": 3, "fpstate.fpinst": 4,
                       "fpstate.fpinst2": 5}),
    # In a transaction CRIU keeps the live registers in tmstate and the
    # checkpointed ones on top (arch/ppc64/crtools.c): NT_PRSTATUS and the
    # sets from live, the TM_C* sets (ckpt) from the top.
    "PPC64": dict(ti="ti_ppc64", machine=21, w=8, big=False, uid=4, live="tmstate",
                  greg=PPC_G,
                  sets=[("CORE", "FPREGSET", PPC_FP, "fpstate"), ("LINUX", "PPC_VMX", PPC_VMX, "vrstate"),
                        ("LINUX", "PPC_VSX", PPC_VSX, "vsxstate")],
                  ckpt=[("LINUX", "PPC_TM_CGPR", PPC_G, "gpregs"), ("LINUX", "PPC_TM_CFPR", PPC_FP, "fpstate"),
                        ("LINUX", "PPC_TM_CVMX", PPC_VMX, "vrstate"), ("LINUX", "PPC_TM_CVSX", PPC_VSX, "vsxstate"),
                        # tm_spr_get: tfhar, texasr, tfiar
                        ("LINUX", "PPC_TM_SPR", n("gpregs.tfhar") + n("gpregs.texasr") + n("gpregs.tfiar"),
                         "gpregs.tfhar")],
                  extra={"clear_tid_addr": 1}),
    "S390": dict(ti="ti_s390", machine=22, w=8, big=True, uid=4,
                 greg=(n("gpregs.psw_mask") + n("gpregs.psw_addr") + n("gpregs.gprs", 16)
                       + n("gpregs.acrs", 16, 4) + n("gpregs.orig_gpr2")),
                 # PSW_MASK_RI, which CRIU clears in the PSW and keeps as ri_on
                 bits={"gpregs.psw_mask": ("ri_cb.ri_on", 0x0000008000000000)},
                 sets=[("CORE", "FPREGSET", n("fpregs.fpc", 1, 4) + pad(4) + n("fpregs.fprs", 16), "fpregs"),
                       ("LINUX", "S390_SYSTEM_CALL", n("gpregs.system_call", 1, 4), "gpregs.system_call"),
                       ("LINUX", "S390_VXRS_LOW", n("vxrs_low.regs", 16), "vxrs_low"),
                       # __vector128 V16-V31: regs[2i] << 64 | regs[2i + 1]
                       ("LINUX", "S390_VXRS_HIGH", [s for i in range(16) for s in u128(("vxrs_high.regs", 2 * i),
                                                                                        ("vxrs_high.regs", 2 * i + 1))],
                        "vxrs_high"),
                       # struct gs_cb: 4 u64; struct runtime_instr_cb: 64 bytes
                       ("LINUX", "S390_GS_CB", n("gs_cb.regs", 4), "gs_cb"),
                       ("LINUX", "S390_GS_BC", n("gs_bc.regs", 4), "gs_bc"),
                       ("LINUX", "S390_RI_CB", n("ri_cb.regs", 8), "ri_cb")],
                 extra={"clear_tid_addr": 1, "ri_cb.ri_on": 1}),
    "MIPS": dict(ti="ti_mips", machine=8, w=8, big=False, uid=4,
                 greg=[s for r in MIPS_G for s in n(r)] + pad(56),
                 sets=[("CORE", "FPREGSET", [s for i in range(32) for s in n(f"fpregs.r{i}")]
                        + n("fpregs.fpu_fcr31", 1, 4) + n("fpregs.fpu_id", 1, 4), "fpregs")],
                 extra={"clear_tid_addr": 1, "tls": 2, "fpregs.lo": 3, "fpregs.hi": 4}),
    # fpr_get writes fpr[32], fcc, fcsr: 268 of ELF_NFPREG's 272 bytes
    "LOONGARCH64": dict(ti="ti_loongarch64", machine=258, w=8, big=False, uid=4,
                        greg=n("gpregs.regs", 32) + pad(8) + n("gpregs.pc") + pad(88),
                        sets=[("CORE", "FPREGSET", n("fpregs.regs", 32) + n("fpregs.fcc")
                               + n("fpregs.fcsr", 1, 4), "fpregs")],
                        extra={"clear_tid_addr": 1, "tls": 2}),
    # riscv_fpr_get pads fcsr to 8 bytes
    "RISCV64": dict(ti="ti_riscv64", machine=243, w=8, big=False, uid=4,
                    greg=[s for r in RISCV_G for s in n(r)],
                    sets=[("CORE", "FPREGSET", n("fpsimd.f", 32) + n("fpsimd.fcsr", 1, 4) + pad(4), "fpsimd")],
                    extra={"clear_tid_addr": 1, "tls": 2}),
}

failures = 0


def fail(msg):
    global failures
    failures += 1
    print("FAIL", msg)


def known(path, idx, size):
    """The value the arch test puts in a register: distinct, fits size."""
    h = sum(ord(c) * (i + 1) for i, c in enumerate(path)) & 0xFFFF
    v = (h << 16 | (idx or 0) << 4 | 0x5) & ((1 << (8 * size)) - 1)
    return v | (0xA5 << (8 * size - 8)) if size >= 4 else v


def fields(slot):
    """The image fields (path, index, bytes) a slot is made of."""
    path, idx, size = slot
    if isinstance(path, tuple):
        return [(p, i, 8) for p, i in path[1:]]
    return [] if path is None or path.startswith("=") else [slot]


def prefixed(layout, prefix):
    """A layout read under the message prefix ("tmstate.")."""
    def under(path):
        if isinstance(path, tuple):
            return (path[0],) + tuple((prefix + p, i) for p, i in path[1:])
        return path if path is None or path.startswith("=") else prefix + path
    return [(under(path), idx, size) for path, idx, size in layout]


def lookup(ti, path, idx=None):
    """The image's value at path (a message, a number, or a repeated
    field's idx-th), or None."""
    d = ti
    for p in path.split("."):
        if not isinstance(d, dict) or p not in d:
            return None
        d = d[p]
    if idx is None:
        return d
    return d[idx] if isinstance(d, list) and idx < len(d) else None


def put(ti, path, idx, v):
    parts = path.split(".")
    d = ti
    for p in parts[:-1]:
        d = d.setdefault(p, {})
    if idx is None:
        d[parts[-1]] = v
    else:
        lst = d.setdefault(parts[-1], [])
        lst.extend([None] * (idx + 1 - len(lst)))
        lst[idx] = v


def variant(name):
    """ARCH or ARCH-FIELD,FIELD=N...: an architecture, and the thread_info
    fields left out of its image (or set to N)."""
    arch, _, omit = name.partition("-")
    return arch, [f for f in omit.split(",") if f]


def layouts(a, ti):
    """The pr_reg layout and the register notes [(owner, type, layout)]
    the kernel would write for the image's thread_info ti, in order."""
    live = a.get("live") if lookup(ti, a.get("live", "-")) is not None else None
    lp = live + "." if live else ""
    sets = [(o, k, lay if callable(lay) else prefixed(lay, lp)) for o, k, lay, *need in a["sets"]
            if (not need or lookup(ti, lp + need[0]) is not None) and not (callable(lay) and lay(ti) is None)]
    if live:
        sets += [(o, k, lay) for o, k, lay, need in a.get("ckpt", []) if lookup(ti, need) is not None]
    sets = [(o, k, xsave_layout(lay, ti) if k == "X86_XSTATE" else lay) for o, k, lay in sets]
    return prefixed(a["greg"], lp), sets


def xsave_layout(layout, ti):
    """X86_XSAVE up to the end of the last component ti holds, with XCR0
    their mask."""
    xcr0, size, _ = xsave_held(ti["fpregs"]["xsave"])
    out, off = [], 0
    for slot in layout:
        if off >= size:
            break
        out.append((f"={xcr0}", None, 8) if slot[0] == "=767" else slot)
        off += slot[2]
    return out


def make_arch(src, outdir, *names):
    for name in names:
        make_one(name, src, f"{outdir}/{name}.json")


def make_one(name, src, out):
    arch, omit = variant(name)
    a = ARCHES[arch]
    core = json.load(open(src))
    e = core["entries"][0]
    e.pop("thread_info", None)
    e["mtype"] = a.get("mtype", arch)
    ti = {}
    roots = [""] + ([a["live"] + "."] if "live" in a else [])
    every = [a["greg"]] + [lay for _, _, lay, *_ in a["sets"] if not callable(lay)]
    for layout in [prefixed(lay, r) for r in roots for lay in every] + [lay for _, _, lay, _ in a.get("ckpt", [])]:
        for path, idx, size in (f for slot in layout for f in fields(slot)):
            put(ti, path, idx, known(path, idx, size))
    for path, v in a["extra"].items():
        put(ti, path, None, v)
    for path in omit:
        path, _, value = path.partition("=")
        *dirs, last = path.split(".")
        d = lookup(ti, ".".join(dirs)) if dirs else ti
        if value:
            d[last] = int(value)
        else:
            d.pop(last)
    e[a["ti"]] = ti
    json.dump(core, open(out, "w"))


class Elf:
    def __init__(self, path):
        self.b = open(path, "rb").read()
        b = self.b
        if b[:4] != b"\x7fELF":
            raise ValueError("not ELF")
        self.w = 8 if b[4] == 2 else 4
        self.e = ">" if b[5] == 2 else "<"
        W = "Q" if self.w == 8 else "I"
        (self.type, self.machine, _, _, self.phoff, _, self.flags, _, phentsize,
         self.phnum, _, _, _) = struct.unpack_from(self.e + "HHI" + W * 3 + "IHHHHHH", b, 16)
        self.ph = []
        for i in range(self.phnum):
            o = self.phoff + i * phentsize
            if self.w == 8:
                t, fl, off, va, _, fs, ms, al = struct.unpack_from(self.e + "IIQQQQQQ", b, o)
            else:
                t, off, va, _, fs, ms, fl, al = struct.unpack_from(self.e + "IIIIIIII", b, o)
            self.ph.append(dict(type=t, flags=fl, offset=off, vaddr=va, filesz=fs, memsz=ms))
        self.notes = []
        for p in self.ph:
            if p["type"] != 4:
                continue
            o, end = p["offset"], p["offset"] + p["filesz"]
            while o < end:
                nsz, dsz, t = struct.unpack_from(self.e + "III", b, o)
                name = b[o + 12:o + 12 + nsz].rstrip(b"\0").decode()
                d = o + 12 + (nsz + 3) // 4 * 4
                self.notes.append((name, t, b[d:d + dsz]))
                o = d + (dsz + 3) // 4 * 4

    def word(self, data, off, size):
        return int.from_bytes(data[off:off + size], "big" if self.e == ">" else "little")


def slot_value(ti, slot, bits):
    path, idx, size = slot
    if path is None:
        return 0
    if isinstance(path, tuple):
        hi, lo = (lookup(ti, p, i) or 0 for p, i in path[1:])
        return hi << 64 | lo
    if path.startswith("="):
        return int(path[1:])
    v = lookup(ti, path, idx) or 0
    if path in bits and lookup(ti, bits[path][0]):
        v |= bits[path][1]
    return v


def check_layout(elf, data, layout, ti, bits, what):
    off = 0
    for slot in layout:
        path, idx, size = slot
        want = slot_value(ti, slot, bits)
        got = elf.word(data, off, size)
        if got != want:
            fail(f"{what}: {path}[{idx}] at {off}: 0x{got:x}, not 0x{want:x}")
            return
        off += size
    if off != len(data):
        fail(f"{what}: {len(data)} bytes, the kernel's layout has {off}")


def sizes(w, uid, greg):
    reg = 32 + 10 * w
    gbytes = sum(s for _, _, s in greg)
    prstatus = (reg + gbytes + 4 + w - 1) // w * w
    pid = (2 * w + 2 * uid + 3) // 4 * 4
    prpsinfo = (pid + 16 + 16 + 80 + w - 1) // w * w
    return reg, prstatus, pid, prpsinfo


def check(name, src, path):
    arch, _ = variant(name)
    a = ARCHES[arch]
    core = json.load(open(src))
    ti = core["entries"][0][a["ti"]]
    greg, sets = layouts(a, ti)
    bits = a.get("bits", {})
    pid = None
    elf = Elf(path)
    w = a["w"]
    if elf.w != w or (elf.e == ">") != a["big"] or elf.machine != a["machine"] or elf.type != 4:
        fail(f"{arch}: ELF class {elf.w * 8}, data {elf.e}, machine {elf.machine}, type {elf.type}")
    reg, prstatus, pidoff, prpsinfo = sizes(w, a["uid"], greg)
    kinds = [(o, t) for o, t, _ in elf.notes]
    for o, k in [("CORE", "PRSTATUS"), ("CORE", "PRPSINFO")]:
        if (o, NT[k]) not in kinds:
            fail(f"{arch}: no note {o}/{k} in {kinds}")
    # the register notes of the (one) thread: the kernel's, in its order
    regsets = [(o, t, d) for o, t, d in elf.notes if t not in PROCESS_NOTES]
    want = [(o, NT[k]) for o, k, _ in sets]
    if [(o, t) for o, t, _ in regsets] != want:
        shown = lambda notes: ", ".join(f"{o}/{t:#x}" for o, t, *_ in notes)
        fail(f"{arch}: register notes {shown(regsets)}, the kernel's {shown(want)}")
    for (o, t, d), (so, k, lay) in zip(regsets, sets):
        if (o, t) == (so, NT[k]) and callable(lay):
            if d != lay(ti):
                fail(f"{name} {k}: {d.hex()}, the kernel's {lay(ti).hex()}")
        elif (o, t) == (so, NT[k]):
            check_layout(elf, d, lay, ti, bits, f"{name} {k}")
    for o, t, d in elf.notes:
        if t == NT["PRSTATUS"] and o == "CORE":
            if len(d) != prstatus:
                fail(f"{arch}: NT_PRSTATUS is {len(d)} bytes, the kernel's {prstatus}")
                continue
            pid = elf.word(d, 16 + 2 * w, 4)
            check_layout(elf, d[reg:reg + sum(s for _, _, s in greg)], greg, ti, bits, f"{name} pr_reg")
        if t == NT["PRPSINFO"] and len(d) == prpsinfo:
            comm = d[pidoff + 16:pidoff + 32].rstrip(b"\0").decode(errors="replace")
            want_comm = core["entries"][0].get("tc", {}).get("comm", "")[:15]
            if comm != want_comm:
                fail(f"{arch}: pr_fname {comm!r}, not {want_comm!r}")
            if elf.word(d, pidoff, 4) != pid:
                fail(f"{arch}: prpsinfo pid {elf.word(d, pidoff, 4)}, prstatus {pid}")
    if not pid:
        fail(f"{arch}: no prstatus of the kernel's size")
    if arch in ("X86_64", "I386"):
        check_xsave_layout(elf, xsave_held(ti["fpregs"]["xsave"])[2], arch)
    print(f"{name}: {len(elf.notes)} notes ({', '.join(k for _, k, _ in sets)}), {len(elf.ph)} program headers checked")
    if arch in GDB_REGS:
        gdb_arch(name, src, path)


def check_xsave_layout(elf, want, what):
    """NT_X86_XSAVE_LAYOUT: the last note, once, a record per component."""
    layouts_ = [d for o, t, d in elf.notes if o == "LINUX" and t == NT["X86_XSAVE_LAYOUT"]]
    if len(layouts_) != 1 or elf.notes[-1][1] != NT["X86_XSAVE_LAYOUT"]:
        fail(f"{what}: {len(layouts_)} NT_X86_XSAVE_LAYOUT notes, not one at the end")
        return
    got = [struct.unpack_from(elf.e + "IIII", layouts_[0], i) for i in range(0, len(layouts_[0]), 16)]
    if got != want:
        fail(f"{what}: NT_X86_XSAVE_LAYOUT {got}, not {want}")


def run(*cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout


def decode(crit, path):
    return json.loads(run(crit, "decode", "-i", path))["entries"][0]


GDB_X86 = {"rax": "ax", "rbx": "bx", "rcx": "cx", "rdx": "dx", "rsi": "si", "rdi": "di", "rbp": "bp",
           "rsp": "sp", "rip": "ip", "eflags": "flags", "cs": "cs", "ss": "ss", "ds": "ds", "es": "es",
           "fs": "fs", "gs": "gs",
           **{f"r{i}": f"r{i}" for i in range(8, 16)}}


def gdb(crit, d, pid, path):
    pstree = json.loads(run(crit, "decode", "-i", f"{d}/pstree.img"))["entries"]
    task = [t for t in pstree if t["pid"] == pid][0]
    tids = task.get("threads", [pid])
    mm = decode(crit, f"{d}/mm-{pid}.img")
    ps = json.loads(run(crit, "x", d, "ps", "--cmd", "--json"))
    argv0 = [t for t in ps if t["pid"] == pid][0].get("argv", [""])[0]
    # one gdb run: threads, general registers, argv[0], then the vector registers
    script = (f"info threads\nthread apply all info registers\nx/s {mm['mm_arg_start']}\necho {VECTORS}\n"
              "define vregs\n" + "".join(f"p/x {r}\n" for r in VREGS) + "end\nthread apply all vregs\n")
    with tempfile.NamedTemporaryFile("w", suffix=".gdb") as f:
        f.write(script)
        f.flush()
        out, vout = (run("gdb", "-batch", "-nx", "-c", path, "-x", f.name).split(VECTORS, 1) + [""])[:2]
    lwps = re.findall(r"^\*?\s+\d+\s+LWP (\d+)", out, re.M)
    if sorted(map(int, lwps)) != sorted(tids):
        fail(f"{pid}: gdb shows threads {lwps}, the image has {tids}")
    for block in re.split(r"\nThread \d+ ", out)[1:]:
        tid = int(re.match(r"\(LWP (\d+)\)", block).group(1))
        regs = decode(crit, f"{d}/core-{tid}.img")["thread_info"]["gpregs"]
        seen = 0
        for name, val in re.findall(r"^(\w+)\s+(0x[0-9a-f]+)", block, re.M):
            if name in GDB_X86:
                seen += 1
                want = regs[GDB_X86[name]] & (0xFFFFFFFF if name == "eflags" else (1 << 64) - 1)
                if int(val, 16) != want:
                    fail(f"{pid}/{tid}: gdb's {name} is {val}, the image's {GDB_X86[name]} 0x{want:x}")
        if seen != len(GDB_X86):
            fail(f"{pid}/{tid}: gdb showed {seen} of {len(GDB_X86)} registers")
    vectors(vout, d, crit)
    m = re.search(r'^0x[0-9a-f]+:\s+"(.*)"$', out, re.M)
    shown = m.group(1).encode().decode("unicode_escape") if m else None
    if shown != argv0:
        fail(f"{pid}: gdb's x/s at mm_arg_start is {shown!r}, crit x ps --cmd's argv[0] {argv0!r}")
    print(f"{pid}: {len(lwps)} threads, registers and argv[0] {argv0!r} as gdb shows them")


VECTORS = "@@vector registers@@"
VREGS = [f"$k{i}" for i in range(8)] + [f"$zmm{i}.v8_int64" for i in range(32)]


def vectors(out, d, crit):
    """gdb's k0-k7 and zmm0-zmm31 (so xmm and ymm too) in each thread, as
    out has them, against the image's xmm_space, ymmh_space, zmm_upper,
    hi16_zmm and opmask_reg, where the image has them."""
    names = VREGS
    checked = 0
    for block in re.split(r"\nThread \d+ ", "\n" + out)[1:]:
        tid = int(re.match(r"\(LWP (\d+)\)", block).group(1))
        fp = decode(crit, f"{d}/core-{tid}.img")["thread_info"]["fpregs"]
        x = fp["xsave"]
        at = lambda a, i: a[i] if i < len(a) else 0
        want = [at(x.get("opmask_reg", []), i) for i in range(8)]
        for i in range(32):
            lanes = [0] * 8
            if i < 16:
                xmm, ymmh, up = fp.get("xmm_space", []), x.get("ymmh_space", []), x.get("zmm_upper", [])
                for j in range(2):
                    lanes[j] = at(xmm, 4 * i + 2 * j) | at(xmm, 4 * i + 2 * j + 1) << 32
                    lanes[2 + j] = at(ymmh, 4 * i + 2 * j) | at(ymmh, 4 * i + 2 * j + 1) << 32
                for j in range(4):
                    lanes[4 + j] = at(up, 4 * i + j)
            else:
                lanes = [at(x.get("hi16_zmm", []), 8 * (i - 16) + j) for j in range(8)]
            want.append(lanes)
        vals = re.findall(r"^\$\d+ = (.*)$", block, re.M)
        if len(vals) != len(names):
            fail(f"{tid}: gdb printed {len(vals)} of the {len(names)} vector registers: {block[:300]!r}")
            continue
        for name, got, w in zip(names, vals, want):
            g = [int(v, 16) for v in re.findall(r"0x[0-9a-f]+", got)] if got.startswith("{") else int(got, 16)
            if g != w:
                fail(f"{tid}: gdb's {name} is {got}, the image's {w}")
            checked += 1
    print(f"{checked} vector registers as gdb shows them")


GDB_I386 = {"eax": "ax", "ebx": "bx", "ecx": "cx", "edx": "dx", "esi": "si", "edi": "di", "ebp": "bp",
            "esp": "sp", "eip": "ip", "eflags": "flags", "cs": "cs", "ss": "ss", "ds": "ds", "es": "es",
            "fs": "fs", "gs": "gs"}


def gdb_i386(src, path):
    """gdb on the i386 core of a 32-bit task: the general registers and
    st0-st7 (raw) are the image's."""
    ti = json.load(open(src))["entries"][0]["thread_info"]
    out = run("gdb", "-batch", "-nx", "-c", path, "-ex", "info registers",
              "-ex", "info registers " + " ".join(f"st{i}" for i in range(8)))
    regs = dict(re.findall(r"^(\w+)\s+(0x[0-9a-f]+)", out, re.M))
    for name, field in GDB_I386.items():
        want = ti["gpregs"][field] & 0xFFFFFFFF
        if name not in regs or int(regs[name], 16) != want:
            fail(f"I386: gdb's {name} is {regs.get(name)}, the image's {field} 0x{want:x}")
    raws = dict(re.findall(r"^(st\d)\s+.*\(raw (0x[0-9a-f]+)\)", out, re.M))
    for i in range(8):
        slot = b"".join(ti["fpregs"]["st_space"][4 * i + j].to_bytes(4, "little") for j in range(4))[:10]
        want = int.from_bytes(slot, "little")
        if f"st{i}" not in raws or int(raws[f"st{i}"], 16) != want:
            fail(f"I386: gdb's st{i} is {raws.get(f'st{i}')}, the image's 0x{want:x}")
    print(f"I386: gdb shows {len(GDB_I386)} registers and st0-st7 as the image has them")


M32 = 0xFFFFFFFF
# What gdb-multiarch shows of an `arch` core: gdb's register (its target
# descriptions' names) and its value from the image, g(path, index) reading
# the live registers; a register made of a field the image lacks is
# <unavailable>, not a made-up zero. 128-bit vector registers as gdb reads
# them: AArch64 and ppc64le V as two little-endian words, s390x V as hi
# then lo; VSX registers 0-31: the FPR above the VSX doubleword.
GDB_REGS = {
    "AARCH64": {"$pc": lambda g: g("gpregs.pc"), "$sp": lambda g: g("gpregs.sp"),
                "$x0": lambda g: g("gpregs.regs", 0), "$x17": lambda g: g("gpregs.regs", 17),
                "$x30": lambda g: g("gpregs.regs", 30), "$cpsr": lambda g: g("gpregs.pstate") & M32,
                "$v0.q.u[0]": lambda g: g("fpsimd.vregs", 1) << 64 | g("fpsimd.vregs", 0),
                "$v31.q.u[0]": lambda g: g("fpsimd.vregs", 63) << 64 | g("fpsimd.vregs", 62),
                "$fpsr": lambda g: g("fpsimd.fpsr"), "$fpcr": lambda g: g("fpsimd.fpcr"),
                "$tpidr": lambda g: g("tls")},
    # gdb clears pc's Thumb bit
    "ARM": {"$pc": lambda g: g("gpregs.pc") & ~1, "$sp": lambda g: g("gpregs.sp"), "$r0": lambda g: g("gpregs.r0"),
            "$r7": lambda g: g("gpregs.r7"), "$lr": lambda g: g("gpregs.lr"), "$cpsr": lambda g: g("gpregs.cpsr"),
            "$d0": lambda g: g("fpstate.vfp_regs", 0), "$d31": lambda g: g("fpstate.vfp_regs", 31),
            "$fpscr": lambda g: g("fpstate.fpscr")},
    "PPC64": {"$pc": lambda g: g("gpregs.nip"), "$r1": lambda g: g("gpregs.gpr", 1),
              "$r0": lambda g: g("gpregs.gpr", 0), "$r31": lambda g: g("gpregs.gpr", 31),
              "$lr": lambda g: g("gpregs.link"), "$ctr": lambda g: g("gpregs.ctr"), "$msr": lambda g: g("gpregs.msr"),
              "$cr": lambda g: g("gpregs.ccr") & M32, "$orig_r3": lambda g: g("gpregs.orig_gpr3"),
              "$f0": lambda g: g("fpstate.fpregs", 0), "$fpscr": lambda g: g("fpstate.fpregs", 32) & M32,
              "$vr0.uint128": lambda g: g("vrstate.vrregs", 1) << 64 | g("vrstate.vrregs", 0),
              "$vrsave": lambda g: g("vrstate.vrsave"),
              "$vs0.uint128": lambda g: g("fpstate.fpregs", 0) << 64 | g("vsxstate.vsxregs", 0),
              "$vs31.uint128": lambda g: g("fpstate.fpregs", 31) << 64 | g("vsxstate.vsxregs", 31)},
    "S390": {"$pswa": lambda g: g("gpregs.psw_addr"),
             "$pswm": lambda g: g("gpregs.psw_mask") | (0x0000008000000000 if g("ri_cb.ri_on", None, 0) else 0),
             "$r15": lambda g: g("gpregs.gprs", 15), "$r2": lambda g: g("gpregs.gprs", 2),
             "$acr0": lambda g: g("gpregs.acrs", 0), "$orig_r2": lambda g: g("gpregs.orig_gpr2"),
             "$system_call": lambda g: g("gpregs.system_call"), "$fpc": lambda g: g("fpregs.fpc"),
             "$f0": lambda g: g("fpregs.fprs", 0),
             "$v0.uint128": lambda g: g("fpregs.fprs", 0) << 64 | g("vxrs_low.regs", 0),
             "$v15.uint128": lambda g: g("fpregs.fprs", 15) << 64 | g("vxrs_low.regs", 15),
             "$v16.uint128": lambda g: g("vxrs_high.regs", 0) << 64 | g("vxrs_high.regs", 1),
             "$v31.uint128": lambda g: g("vxrs_high.regs", 30) << 64 | g("vxrs_high.regs", 31),
             # struct gs_cb: reserved, gsd, gssm, gsepla
             "$gsd": lambda g: g("gs_cb.regs", 1), "$gsepla": lambda g: g("gs_cb.regs", 3),
             "$bc_gssm": lambda g: g("gs_bc.regs", 2)},
    "MIPS": {"$pc": lambda g: g("gpregs.cp0_epc"), "$sp": lambda g: g("gpregs.r29"), "$ra": lambda g: g("gpregs.r31"),
             "$v0": lambda g: g("gpregs.r2"), "$lo": lambda g: g("gpregs.lo"), "$hi": lambda g: g("gpregs.hi"),
             "$sr": lambda g: g("gpregs.cp0_status"), "$bad": lambda g: g("gpregs.cp0_badvaddr"),
             "$cause": lambda g: g("gpregs.cp0_cause"), "$f0": lambda g: g("fpregs.r0"),
             "$f31": lambda g: g("fpregs.r31"), "$fsr": lambda g: g("fpregs.fpu_fcr31"),
             "$fir": lambda g: g("fpregs.fpu_id")},
    # the FP registers: gdb takes their width from e_flags' float ABI
    "RISCV64": {"$pc": lambda g: g("gpregs.pc"), "$sp": lambda g: g("gpregs.sp"), "$ra": lambda g: g("gpregs.ra"),
                "$a0": lambda g: g("gpregs.a0"), "$t6": lambda g: g("gpregs.t6"), "$tp": lambda g: g("gpregs.tp"),
                "$ft0.double": lambda g: g("fpsimd.f", 0), "$fs11.double": lambda g: g("fpsimd.f", 27),
                "$fcsr": lambda g: g("fpsimd.fcsr")},
}


def gdb_arch(name, src, path):
    """gdb-multiarch's registers of an `arch` core against its image."""
    arch, _ = variant(name)
    a = ARCHES[arch]
    ti = json.load(open(src))["entries"][0][a["ti"]]
    live = lookup(ti, a.get("live", "-"))
    regs = live if live is not None else ti

    class Absent(Exception):
        pass

    def g(p, i=None, default=Absent):
        v = lookup(regs, p, i)
        if v is None and default is Absent:
            raise Absent
        return default if v is None else v

    cmd = ["gdb-multiarch", "-batch", "-nx", "-c", path]
    for expr in GDB_REGS[arch]:
        cmd += ["-ex", f"echo @{expr}\\n", "-ex", f"p/x {expr}"]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120).stdout
    shown = dict(re.findall(r"^@(\S+)\n(?:\$\d+ = )?(.*)$", out, re.M))
    for expr, f in GDB_REGS[arch].items():
        got = shown.get(expr, "(nothing)")
        try:
            want = f(g)
        except Absent:
            if got != "<unavailable>":
                fail(f"{name}: gdb's {expr} is {got}, not <unavailable>: the image has not got it")
            continue
        if not re.fullmatch(r"0x[0-9a-f]+", got) or int(got, 16) != want:
            fail(f"{name}: gdb's {expr} is {got}, the image's 0x{want:x}")
    print(f"{name}: gdb shows {len(GDB_REGS[arch])} registers as the image has them")


def auxv(src, path):
    words = json.load(open(src))["entries"][0].get("mm_saved_auxv", [])
    elf = Elf(path)
    if elf.w == 4:  # x86-64 CRIU keeps a 32-bit task's auxv bytes in 64-bit words
        words = [h for x in words for h in (x & 0xFFFFFFFF, x >> 32)]
    pairs = []
    for i in range(0, len(words) - 1, 2):
        pairs.append((words[i], words[i + 1]))
        if words[i] == 0:
            break
    if not pairs or pairs[-1][0] != 0:
        pairs.append((0, 0))
    note = [d for o, t, d in elf.notes if t == NT["AUXV"]]
    got = [tuple(elf.word(note[0], i + k * elf.w, elf.w) for k in range(2)) for i in range(0, len(note[0]), 2 * elf.w)] \
        if len(note) == 1 else None
    if got != pairs:
        fail(f"NT_AUXV {got}, the image's {pairs}")
    print(f"NT_AUXV: {len(pairs)} pairs of {elf.w * 8} bits")


# siginfo's union by (signo, code) as a struct format of the 64-bit one
# (from offset 16, uapi asm-generic/siginfo.h); compat_siginfo has the same
# members from offset 12, each 32 bits.
SI32 = {"kill": "<ii", "timer": "<iiq", "rt": "<iiq", "chld": "<iii4xqq", "fault": "<qi", "poll": "<qi",
        "sys": "<qiI"}


def si_kind(signo, code):
    if code <= 0 or code >= 0x80:
        return "timer" if code == -2 else "poll" if code == -5 else "rt" if code < 0 else "kill"
    own = {4: (11, "fault"), 8: (15, "fault"), 11: (10, "fault"), 7: (5, "fault"), 5: (6, "fault"),
           17: (6, "chld"), 29: (6, "poll"), 31: (2, "sys")}
    if signo in own and code <= own[signo][0]:
        return own[signo][1]
    return "poll" if code <= 6 else "kill"


def siginfo32(src, out_or_elf, *sig):
    core = json.load(open(src))
    e = core["entries"][0]
    if sig:  # make: a siginfo with known words in its union
        signo, code = int(sig[0]), int(sig[1])
        union = struct.pack("<6Q", *[0xA5A50000A5A50000 + 0x1111 * (i + 1) for i in range(6)])
        b = struct.pack("<iii", signo, 0, code) + b"\0" * 4 + union + b"\0" * (128 - 16 - len(union))
        e.setdefault("thread_core", {})["signals_p"] = {"signals": [{"siginfo": base64.b64encode(b).decode()}]}
        json.dump(core, open(out_or_elf, "w"))
        return
    b = base64.b64decode(e["thread_core"]["signals_p"]["signals"][0]["siginfo"])
    signo, _, code = struct.unpack_from("<iii", b)
    vals = struct.unpack_from(SI32[si_kind(signo, code)], b, 16)
    want = b[:12] + struct.pack("<%dI" % len(vals), *[v & 0xFFFFFFFF for v in vals])
    want += b"\0" * (128 - len(want))
    got = [d for o, t, d in Elf(out_or_elf).notes if t == NT["SIGINFO"]]
    if got != [want]:
        fail(f"NT_SIGINFO {[g.hex() for g in got]}, compat_siginfo {want.hex()}")
    print(f"NT_SIGINFO: signal {signo} code {code} as compat_siginfo ({si_kind(signo, code)})")


def loads(crit, d, pid, path):
    mems = json.loads(run(crit, "x", d, "mems", "--json"))
    vmas = [t for t in mems if t["pid"] == pid][0]["vmas"]
    out = run("readelf", "-lW", path)
    segs = [(int(a, 16), int(m, 16)) for a, m in
            re.findall(r"^\s+LOAD\s+0x[0-9a-f]+ (0x[0-9a-f]+) 0x[0-9a-f]+ 0x[0-9a-f]+ (0x[0-9a-f]+)", out, re.M)]
    for v in vmas:
        start, end = int(str(v["start"]), 0), int(str(v["end"]), 0)
        inside = [(a, m) for a, m in segs if start <= a < end]
        if not inside or inside[0][0] != start or sum(m for _, m in inside) != end - start:
            fail(f"{pid}: VMA {start:#x}-{end:#x} is not covered by its LOADs {inside[:3]}")
    print(f"{pid}: {len(vmas)} VMAs in {len(segs)} LOADs")


def notes(crit, d, pid, path):
    pstree = json.loads(run(crit, "decode", "-i", f"{d}/pstree.img"))["entries"]
    tids = [t for t in pstree if t["pid"] == pid][0].get("threads", [pid])
    a = ARCHES["X86_64"]
    _, prstatus, _, prpsinfo = sizes(8, 4, a["greg"])
    out = run("readelf", "-nW", path)
    got = re.findall(r"^\s+(\w+)\s+(0x[0-9a-f]+)\s+(NT_\w+)", out, re.M)
    count = lambda k: len([g for g in got if g[2] == k])
    xsaves = [xsave_held(decode(crit, f"{d}/core-{t}.img")["thread_info"]["fpregs"]["xsave"]) for t in tids]
    want = {"NT_PRSTATUS": (len(tids), prstatus), "NT_FPREGSET": (len(tids), 512),
            "NT_X86_XSTATE": (len(tids), None), "NT_PRPSINFO": (1, prpsinfo), "NT_AUXV": (1, None),
            "NT_FILE": (1, None)}
    sizes_x = [int(g[1], 16) for g in got if g[2] == "NT_X86_XSTATE"]
    if sizes_x != [x[1] for x in xsaves]:
        fail(f"{pid}: NT_X86_XSTATE sizes {sizes_x}, the components each thread holds take {[x[1] for x in xsaves]}")
    check_xsave_layout(Elf(path), xsaves[0][2], str(pid))
    for k, (cnt, size) in want.items():
        if count(k) != cnt:
            fail(f"{pid}: {count(k)} {k} notes, not {cnt}")
        for g in got:
            if g[2] == k and size and int(g[1], 16) != size:
                fail(f"{pid}: {k} is {int(g[1], 16)} bytes, the kernel's is {size}")
    mm = decode(crit, f"{d}/mm-{pid}.img")
    auxv = mm.get("mm_saved_auxv", [])
    pairs = next((i + 2 for i in range(0, len(auxv), 2) if auxv[i] == 0), len(auxv) + 2)
    sz = [int(g[1], 16) for g in got if g[2] == "NT_AUXV"]
    if sz != [pairs * 8]:
        fail(f"{pid}: NT_AUXV {sz}, mm_saved_auxv up to AT_NULL is {pairs * 8} bytes")
    sig = sum(1 for t in tids for e in [decode(crit, f"{d}/core-{t}.img")]
              if e.get("thread_core", {}).get("signals_p", {}).get("signals")
              or (t == pid and e.get("tc", {}).get("signals_s", {}).get("signals")))
    if count("NT_SIGINFO") != sig:
        fail(f"{pid}: {count('NT_SIGINFO')} NT_SIGINFO notes, {sig} threads have a pending signal")
    print(f"{pid}: {len(got)} notes as the kernel lays them out")


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "arch":
        make_arch(*args)
    elif cmd == "check":
        check(*args)
    elif cmd == "siginfo32":
        siginfo32(*args)
    elif cmd == "auxv":
        auxv(*args)
    elif cmd == "gdb-i386":
        gdb_i386(*args)
    elif cmd == "gdb":
        gdb(args[0], args[1], int(args[2]), args[3])
    elif cmd == "loads":
        loads(args[0], args[1], int(args[2]), args[3])
    elif cmd == "notes":
        notes(args[0], args[1], int(args[2]), args[3])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
