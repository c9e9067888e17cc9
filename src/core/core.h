/*
 * core.h - an ELF core file from a checkpoint (crit core), one stage a
 * file:
 *   arch.c   a table per architecture: ELF machine, class and byte order,
 *            and where each register of the core image goes in the
 *            kernel's note layouts (elf_gregset_t, the FP and extended
 *            register sets)
 *   elf.c    ELF headers, program headers and note framing, in the
 *            architecture's class and byte order
 *   notes.c  the notes, as the kernel writes them for a core dump:
 *            NT_PRSTATUS (and the register sets) per thread, NT_PRPSINFO,
 *            NT_SIGINFO, NT_AUXV, NT_FILE, NT_X86_XSAVE_LAYOUT
 *   core.c   the writer: the notes, then one PT_LOAD per run of a VMA,
 *            its bytes streamed from the memory layer (crit_core)
 */
#ifndef CRIT_CORE_H
#define CRIT_CORE_H

#include "base/io.h"
#include "ckpt/ckpt.h"
#include "mem/mem.h"

/* ---- arch.c -------------------------------------------------------- */

struct arch;

/* One run of a register set: count values of size bytes each, taken from
 * path (dot-separated, from the thread_info message: "gpregs.r15"; a
 * repeated field gives its values in order, zeros past its end), or the
 * constant value when path is NULL (padding, a fixed word). A run of
 * size 0 takes no bytes: it sets the bits of value in the word before it
 * while path's number is nonzero (a state CRIU keeps apart from the
 * register it belongs in). */
struct reg {
	const char *path;
	uint16_t count;
	uint8_t size;
	uint64_t value;
};

/* A register note: its type, owner ("CORE" or "LINUX"), layout (runs up
 * to one whose count is 0), and the field it needs (a message or a
 * number): without it in the image there is no note. */
struct regset {
	uint32_t type;
	const char *owner;
	const struct reg *regs;
	const char *need;
	const struct xsave *xsave; /* the note is an XSAVE area: its rules */
	/* or the note is made by a function, not from regs: it writes at
	 * most size bytes to out and returns how many, 0 for no note */
	size_t (*make)(const struct arch *a, const struct view *ti, uint8_t *out);
	uint16_t size;
};

/* A component of the XSAVE area: its XCR0 bit, where it is, its size and
 * its registers, which are there if their first run's field has a value
 * (NULL: x87 and SSE, always there, in the set's own runs). */
struct xfeature {
	uint8_t bit;
	uint16_t offset, size;
	const struct reg *regs;
};

/* An XSAVE note is the set's runs (the legacy area and the header), then
 * each component the image holds at its offset, up to the end of the
 * last; their mask (XCR0) goes in the word at xcr0_at, where the kernel
 * puts it. */
struct xsave {
	const struct xfeature *features; /* up to one whose size is 0 */
	uint16_t xcr0_at;
};

struct arch {
	int64_t mtype;        /* core_entry's march */
	const char *name;     /* "x86_64" */
	const char *ti;       /* core_entry's thread_info field */
	uint16_t machine;     /* e_machine */
	uint8_t class64;      /* ELFCLASS64, else ELFCLASS32 */
	uint8_t big;          /* ELFDATA2MSB, else ELFDATA2LSB */
	uint32_t flags;       /* e_flags */
	uint8_t uid_size;     /* __kernel_uid_t in elf_prpsinfo: 2 or 4 */
	const struct reg *gregs;      /* elf_gregset_t */
	const struct regset *sets;    /* after NT_PRSTATUS, up to type 0 */
	const char *fp_path;  /* the message whose presence is pr_fpvalid */
	/* the architecture a thread is in when the field at variant_path of
	 * its thread_info holds variant_value (x86-64's 32-bit tasks) */
	const struct arch *variant;
	const char *variant_path;
	uint64_t variant_value;
	/* mm_saved_auxv's words each hold a 32-bit (type, value) pair: the
	 * bytes of a 32-bit task's auxv, as a 64-bit CRIU reads them */
	bool auxv_pairs;
	/* NT_SIGINFO from the (64-bit, 128-byte) siginfo CRIU keeps, when the
	 * architecture's differs; NULL: as it is */
	void (*siginfo)(const struct arch *a, const uint8_t *in, uint8_t *out);
	/* A message of the thread_info that, when there, holds the live
	 * registers (gregs, sets) in place of the thread_info's own, which
	 * are then a checkpoint of them, written as ckpt_sets after the sets
	 * (ppc64's tmstate: in a transaction CRIU keeps the checkpointed
	 * registers on top, for its sigreturn). */
	const char *live;
	const struct regset *ckpt_sets;
};

/* The architecture of core_entry's mtype, or NULL. */
const struct arch *arch_find(int64_t mtype);
/* Whether a VMA fits the architecture's addresses (a 32-bit core holds
 * none past 4 GiB). */
static inline bool arch_fits(const struct arch *a, uint64_t end)
{
	return a->class64 || end <= (uint64_t)1 << 32;
}
/* Every architecture, up to a NULL. */
extern const struct arch *const core_arches[];
/* The bytes a register set takes. */
size_t regs_size(const struct reg *r);

/* ---- elf.c --------------------------------------------------------- */

enum {
	NT_PRSTATUS = 1, NT_PRFPREG = 2, NT_PRPSINFO = 3, NT_AUXV = 6, NT_SIGINFO = 0x53494749,
	NT_FILE = 0x46494c45, NT_PRXFPREG = 0x46e62b7f, NT_386_TLS = 0x200, NT_X86_XSTATE = 0x202,
	NT_X86_SHSTK = 0x204, NT_X86_XSAVE_LAYOUT = 0x205, NT_ARM_VFP = 0x400, NT_PPC_VMX = 0x100,
	NT_S390_PREFIX = 0x305,
	/* uapi linux/elf.h */
	NT_ARM_TLS = 0x401, NT_ARM_PACA_KEYS = 0x407, NT_ARM_PACG_KEYS = 0x408, NT_ARM_PAC_ENABLED_KEYS = 0x40a,
	NT_PPC_VSX = 0x102, NT_PPC_TM_CGPR = 0x108, NT_PPC_TM_CFPR = 0x109, NT_PPC_TM_CVMX = 0x10a,
	NT_PPC_TM_CVSX = 0x10b, NT_PPC_TM_SPR = 0x10c, NT_S390_SYSTEM_CALL = 0x307, NT_S390_VXRS_LOW = 0x309,
	NT_S390_VXRS_HIGH = 0x30a, NT_S390_GS_CB = 0x30b, NT_S390_GS_BC = 0x30c, NT_S390_RI_CB = 0x30d,
};

/* A word of size bytes in the architecture's byte order at p. */
void elf_put(const struct arch *a, uint8_t *p, size_t size, uint64_t v);
uint64_t elf_get(const struct arch *a, const uint8_t *p, size_t size);
static inline size_t elf_word(const struct arch *a)
{
	return a->class64 ? 8 : 4;
}

size_t elf_ehdr_size(const struct arch *a);
size_t elf_phdr_size(const struct arch *a);
/* The ELF header of a core with phnum program headers (at ehdr's end);
 * past 0xfffe the count is in a section header at shoff (PN_XNUM). */
void elf_ehdr(const struct arch *a, uint8_t *p, uint64_t phnum, uint64_t shoff);
void elf_shdr0(const struct arch *a, uint8_t *p, uint64_t phnum);
size_t elf_shdr_size(const struct arch *a);
#define ELF_PN_XNUM 0xffffu

struct elf_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, filesz, memsz, align;
};

enum { PT_LOAD = 1, PT_NOTE = 4, PF_X = 1, PF_W = 2, PF_R = 4 };

void elf_phdr(const struct arch *a, uint8_t *p, const struct elf_phdr *ph);
/* A note: its header, owner and n bytes of desc (NULL: zeros), each
 * padded to 4 bytes; returns where desc went in b, or NULL (memory). */
uint8_t *elf_note(const struct arch *a, struct buf *b, const char *owner, uint32_t type, const void *desc, size_t n);

/* ---- notes.c ------------------------------------------------------- */

/* What the notes are made of: the process's images. */
struct core_task {
	struct ckpt *c;
	const struct arch *a;
	struct crit_memory *mem;
	uint64_t pid, ppid, pgid, sid;
	const uint64_t *tids; /* its threads, pid first */
	size_t ntids;
	const struct view *mm; /* its mm entry */
	/* the file-backed VMAs: start, end, pgoff and path (for NT_FILE) */
	const struct crit_vma *vmas;
	size_t nvmas;
};

/* A mapping of a file (NT_FILE lists them; --root reads them). */
static inline bool core_file_vma(const struct crit_vma *v)
{
	return v->file.n && v->status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED);
}

/* The architecture of a thread of a's, by its thread_info ti: a, or its
 * variant. */
const struct arch *arch_of(const struct arch *a, const struct view *ti);

/* All the notes of t into b, in the kernel's order. */
bool core_notes(const struct core_task *t, struct buf *b, struct crit_err *err);

#endif
