/*
 * bits.h - the bit values CRIU's images hold in plain integer fields,
 * which the .proto files do not define (criu/include/image.h): a VMA's
 * status and a pagemap entry's flags. The memory reader tests them, and
 * --pretty names them (codec/pretty.c).
 */
#ifndef CRIT_FORMAT_BITS_H
#define CRIT_FORMAT_BITS_H

/* vma_entry's status */
enum {
	VMA_AREA_NONE = 0,
	VMA_AREA_REGULAR = 1u << 0,
	VMA_AREA_STACK = 1u << 1,
	VMA_AREA_VSYSCALL = 1u << 2,
	VMA_AREA_VDSO = 1u << 3,
	VMA_AREA_HEAP = 1u << 5,
	VMA_FILE_PRIVATE = 1u << 6,
	VMA_FILE_SHARED = 1u << 7,
	VMA_ANON_SHARED = 1u << 8,
	VMA_ANON_PRIVATE = 1u << 9,
	VMA_AREA_SYSVIPC = 1u << 10,
	VMA_AREA_SOCKET = 1u << 11,
	VMA_AREA_VVAR = 1u << 12,
	VMA_AREA_AIORING = 1u << 13,
	VMA_AREA_MEMFD = 1u << 14,
	VMA_AREA_SHSTK = 1u << 15,
	VMA_AREA_UPROBES = 1u << 17,
	VMA_UNSUPP = 1u << 31,
};

/* pagemap_entry's flags (pmap.flags) */
enum { PE_PARENT = 1u << 0, PE_LAZY = 1u << 1, PE_PRESENT = 1u << 2 };

#endif
