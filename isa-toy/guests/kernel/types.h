/*
 * types.h -- fixed-width types for the freestanding kernel and programs
 * (there is no libc here).
 */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long long int64_t;
typedef unsigned long uintptr_t;
typedef unsigned int size_t;
typedef int bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#endif
