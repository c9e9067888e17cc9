/*
 * elf.c - ELF headers, program headers and notes (include/uapi/linux/
 * elf.h) in the architecture's class and byte order.
 */
#include "core/core.h"

void elf_put(const struct arch *a, uint8_t *p, size_t size, uint64_t v)
{
	for (size_t i = 0; i < size; i++)
		p[a->big ? size - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

uint64_t elf_get(const struct arch *a, const uint8_t *p, size_t size)
{
	uint64_t v = 0;

	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)p[a->big ? size - 1 - i : i] << (8 * i);
	return v;
}

size_t elf_ehdr_size(const struct arch *a)
{
	return a->class64 ? 64 : 52;
}

size_t elf_phdr_size(const struct arch *a)
{
	return a->class64 ? 56 : 32;
}

size_t elf_shdr_size(const struct arch *a)
{
	return a->class64 ? 64 : 40;
}

void elf_ehdr(const struct arch *a, uint8_t *p, uint64_t phnum, uint64_t shoff)
{
	size_t w = elf_word(a);
	bool xnum = phnum >= ELF_PN_XNUM;

	memset(p, 0, elf_ehdr_size(a));
	memcpy(p, "\177ELF", 4);
	p[4] = a->class64 ? 2 : 1; /* EI_CLASS */
	p[5] = a->big ? 2 : 1;     /* EI_DATA */
	p[6] = 1;                  /* EI_VERSION */
	elf_put(a, p + 16, 2, 4);  /* ET_CORE */
	elf_put(a, p + 18, 2, a->machine);
	elf_put(a, p + 20, 4, 1);
	/* e_entry 0; e_phoff right after this header; e_shoff */
	elf_put(a, p + 24 + w, w, elf_ehdr_size(a));
	elf_put(a, p + 24 + 2 * w, w, xnum ? shoff : 0);
	uint8_t *q = p + 24 + 3 * w;
	elf_put(a, q, 4, a->flags);
	elf_put(a, q + 4, 2, elf_ehdr_size(a));
	elf_put(a, q + 6, 2, elf_phdr_size(a));
	elf_put(a, q + 8, 2, xnum ? ELF_PN_XNUM : phnum);
	elf_put(a, q + 10, 2, xnum ? elf_shdr_size(a) : 0);
	elf_put(a, q + 12, 2, xnum ? 1 : 0);
}

/* Section header 0 of extended numbering: sh_info holds e_phnum. */
void elf_shdr0(const struct arch *a, uint8_t *p, uint64_t phnum)
{
	memset(p, 0, elf_shdr_size(a));
	elf_put(a, p + (a->class64 ? 44 : 28), 4, phnum);
}

void elf_phdr(const struct arch *a, uint8_t *p, const struct elf_phdr *ph)
{
	memset(p, 0, elf_phdr_size(a));
	elf_put(a, p, 4, ph->type);
	if (a->class64) {
		elf_put(a, p + 4, 4, ph->flags);
		elf_put(a, p + 8, 8, ph->offset);
		elf_put(a, p + 16, 8, ph->vaddr);
		elf_put(a, p + 32, 8, ph->filesz);
		elf_put(a, p + 40, 8, ph->memsz);
		elf_put(a, p + 48, 8, ph->align);
	} else {
		elf_put(a, p + 4, 4, ph->offset);
		elf_put(a, p + 8, 4, ph->vaddr);
		elf_put(a, p + 16, 4, ph->filesz);
		elf_put(a, p + 20, 4, ph->memsz);
		elf_put(a, p + 24, 4, ph->flags);
		elf_put(a, p + 28, 4, ph->align);
	}
}

uint8_t *elf_note(const struct arch *a, struct buf *b, const char *owner, uint32_t type, const void *desc,
		  size_t n)
{
	/* Elf32_Nhdr and Elf64_Nhdr are the same: three 32-bit words, and
	 * the owner and desc each padded to 4 bytes (as the kernel does for
	 * both classes) */
	size_t namesz = strlen(owner) + 1, name4 = (size_t)round_up(namesz, 4);
	size_t total = 12 + name4 + (size_t)round_up(n, 4);

	if (n > UINT32_MAX || !buf_reserve(b, total))
		return NULL;
	uint8_t *p = b->p + b->n;
	memset(p, 0, total);
	b->n += total;
	elf_put(a, p, 4, namesz);
	elf_put(a, p + 4, 4, n);
	elf_put(a, p + 8, 4, type);
	memcpy(p + 12, owner, namesz - 1);
	if (desc)
		memcpy(p + 12 + name4, desc, n);
	return p + 12 + name4;
}
