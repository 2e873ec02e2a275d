/*
 * iommu.c -- an assigned device's DMA translation (iommu.h).
 */
#include "shadowpt/iommu.h"

uint8_t *spt_iommu_translate(void *iommu, uint64_t addr, uint32_t len)
{
	struct spt_iommu *m = iommu;
	uint8_t *p = spt_p2r_ptr(m->p2r, m->frames, addr, len);
	if (!p)
		m->refused++;
	return p;
}

void spt_iommu_written(void *iommu, uint64_t addr, uint32_t len)
{
	struct spt_iommu *m = iommu;
	if (m->spt)
		spt_pt_written(m->spt, addr, len);
}
