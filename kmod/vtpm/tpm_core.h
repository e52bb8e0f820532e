/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM core's chip registration API. Exported (EXPORT_SYMBOL_GPL) from
 * vmlinux on every kernel vtpm supports, but declared only in the private
 * drivers/char/tpm/tpm.h, which linux-headers packages do not ship. The
 * prototypes below are identical in 6.1 and 6.12 (checked against both
 * trees); struct tpm_chip and struct tpm_class_ops come from the public
 * <linux/tpm.h>.
 */
#ifndef _VTPM_TPM_CORE_H
#define _VTPM_TPM_CORE_H

#include <linux/device.h>
#include <linux/tpm.h>

/* A chip with a free device number; put_device(&chip->dev) frees it. */
struct tpm_chip *tpm_chip_alloc(struct device *pdev,
				const struct tpm_class_ops *ops);
/* Bootstrap (TPM2 auto start-up), then /dev/tpmN and /dev/tpmrmN. */
int tpm_chip_register(struct tpm_chip *chip);
/*
 * Removes the nodes, sends TPM2_Shutdown(CLEAR), then ops are never
 * called again.
 */
void tpm_chip_unregister(struct tpm_chip *chip);

#endif /* _VTPM_TPM_CORE_H */
