/*
 * iommu.h -- the small IOMMU of an assigned device: DMA addresses are the
 * owner VM's guest-physical addresses, translated through that VM's P->R
 * map (p2r.h) and nothing else.
 *
 *     device DMA address (P of the owner) --(owner's P->R only)--> R
 *
 * An address outside the owner's RAM -- below it, past its end, or the
 * machine address of another VM's frame -- has no translation, so the
 * device cannot reach it: the IOMMU refuses and counts the refusal.
 */
#ifndef SHADOWPT_IOMMU_H
#define SHADOWPT_IOMMU_H

#include <stdint.h>

#include "shadowpt/frames.h"
#include "shadowpt/p2r.h"
#include "shadowpt/shadow.h"

struct spt_iommu {
	const struct spt_p2r *p2r;	 /* the owner VM's map */
	const struct spt_frames *frames; /* the machine memory behind it */
	struct spt *spt;		 /* the owner's shadows (NULL: none) */
	uint64_t refused;		 /* translations refused */
};

/* Host pointer to the owner's guest-physical [addr, addr+len) (within one
 * page), or NULL if it is not the owner's RAM.  `iommu` is a struct
 * spt_iommu; the signature is dma_copy_translate_fn's. */
uint8_t *spt_iommu_translate(void *iommu, uint64_t addr, uint32_t len);

/* The device wrote the owner's [addr, addr+len) (one page): a protected
 * page table or code may have changed, as after vm_write_phys.  The
 * signature is dma_copy_written_fn's. */
void spt_iommu_written(void *iommu, uint64_t addr, uint32_t len);

#endif
