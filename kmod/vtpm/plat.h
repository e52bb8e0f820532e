/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Set-up of the engine's platform (platform.c); the platform's functions
 * themselves are declared in engine/platform.h.
 */
#ifndef _VTPM_PLAT_H
#define _VTPM_PLAT_H

int vtpm_plat_init(void);
void vtpm_plat_exit(void);

#endif /* _VTPM_PLAT_H */
