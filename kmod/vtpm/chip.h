/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An instance's chip in the kernel's TPM core (chip.c): the TPM core calls
 * the instance's engine through the chip's ops; the device nodes get the
 * instance's owner, group and mode.
 */
#ifndef _VTPM_CHIP_H
#define _VTPM_CHIP_H

#include <linux/tpm.h>

struct vtpm_instance;

struct tpm_chip *vtpm_chip_alloc(struct vtpm_instance *inst);
bool vtpm_chip_would_be_default(const struct tpm_chip *chip);
int vtpm_chip_register(struct tpm_chip *chip);
void vtpm_chip_unregister(struct tpm_chip *chip);
void vtpm_chip_put(struct tpm_chip *chip);

#endif /* _VTPM_CHIP_H */
