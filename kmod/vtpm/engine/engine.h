/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TPM 2.0 engine's public interface: what vtpm.ko, the host unit tests
 * and the fuzzer call. One struct vtpm_engine is one TPM; instances share
 * nothing. The engine does no locking: its caller runs one command at a
 * time per engine (vtpm.ko holds the instance's mutex).
 */
#ifndef VTPM_ENGINE_H
#define VTPM_ENGINE_H

#include "port.h"

/* The largest command and response: the kernel's TPM_BUFSIZE. */
#define VTPM_BUF_SIZE		4096
/* The smallest response: a header. */
#define VTPM_RSP_HDR_SIZE	10

/* PCR banks, as bits of enum vtpm_hash (platform.h) */
#define VTPM_BANK_SHA1		(1u << 0)
#define VTPM_BANK_SHA256	(1u << 1)
#define VTPM_BANK_SHA384	(1u << 2)
#define VTPM_BANKS_ALL		(VTPM_BANK_SHA1 | VTPM_BANK_SHA256 | \
				 VTPM_BANK_SHA384)
#define VTPM_BANKS_DEFAULT	(VTPM_BANK_SHA1 | VTPM_BANK_SHA256)

struct vtpm_engine;

/**
 * struct vtpm_engine_cfg - what an instance is created with
 * @banks: VTPM_BANK_* of the PCR banks to allocate (non-empty subset of
 *	   VTPM_BANKS_ALL)
 */
struct vtpm_engine_cfg {
	u32 banks;
};

/*
 * A new TPM, in the state of a TPM just manufactured and powered on
 * (TPM_Init done): fresh random seeds and proofs, empty hierarchy
 * auth values, every PCR bank of @cfg. The first command must be
 * TPM2_Startup. NULL when @cfg is invalid or memory is short.
 */
struct vtpm_engine *vtpm_engine_new(const struct vtpm_engine_cfg *cfg);
void vtpm_engine_free(struct vtpm_engine *e);

/*
 * TPM_Init: the power cycle of a VM reset. Volatile state (sessions,
 * loaded objects, PCRs unless a Startup(STATE) restores them) goes; the
 * next command must be TPM2_Startup.
 */
void vtpm_engine_reset(struct vtpm_engine *e);

/*
 * Runs one command. @cmd is @cmd_len bytes as written to /dev/tpmN;
 * @rsp has room for @rsp_size bytes (at least VTPM_RSP_HDR_SIZE).
 * Always writes a well-formed response (an error response for any
 * malformed command) and returns its length.
 */
u32 vtpm_engine_execute(struct vtpm_engine *e, const u8 *cmd, u32 cmd_len,
			u8 *rsp, u32 rsp_size);

/* bytes of memory one engine holds (for the memory benchmark) */
size_t vtpm_engine_size(const struct vtpm_engine *e);

#endif /* VTPM_ENGINE_H */
