/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine is portable C: the same files build into vtpm.ko and into the
 * host library used by the unit tests and the fuzzer. This header is the
 * only place that knows which of the two it is being built for.
 */
#ifndef VTPM_ENGINE_PORT_H
#define VTPM_ENGINE_PORT_H

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef min_t
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#endif
#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif
#endif /* __KERNEL__ */

#endif /* VTPM_ENGINE_PORT_H */
