// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the whole command path of the vtpm engine.
 *
 * An input is a stream of commands, back to back, as tpm2-tools write
 * them to /dev/tpmN (the seeds are such streams, captured by capture.py).
 * It is cut into commands by each header's commandSize (clamped to what is
 * left, at least one byte), and every piece goes to a fresh engine that
 * has had TPM2_Startup(CLEAR), so that the fuzzer reaches past the
 * "not started" check. Every response must be well formed: at least a
 * header, at most the buffer, its size field equal to its length, a
 * valid tag; anything else aborts, and ASan/UBSan catch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

static const uint8_t startup_clear[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x44, 0x00, 0x00,
};

static uint8_t rsp[VTPM_BUF_SIZE];

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void check_response(const uint8_t *cmd, uint32_t cmd_len, uint32_t len)
{
	uint16_t tag;

	if (len < VTPM_RSP_HDR_SIZE || len > sizeof(rsp) ||
	    be32(rsp + 2) != len) {
		fprintf(stderr, "bad response length %u (header %u) to a %u-byte command\n",
			len, len >= 6 ? be32(rsp + 2) : 0, cmd_len);
		abort();
	}
	tag = (uint16_t)(rsp[0] << 8 | rsp[1]);
	if (tag != 0x8001 && tag != 0x8002 && tag != 0x00c4) {
		fprintf(stderr, "bad response tag 0x%04x\n", tag);
		abort();
	}
	/* an error response is a bare header */
	if (be32(rsp + 6) != 0 && len != VTPM_RSP_HDR_SIZE) {
		fprintf(stderr, "error 0x%x with a %u-byte response\n", be32(rsp + 6), len);
		abort();
	}
	(void)cmd;
}

static void run(struct vtpm_engine *e, const uint8_t *cmd, uint32_t len)
{
	uint32_t n;

	n = vtpm_engine_execute(e, cmd, len, rsp, sizeof(rsp));
	check_response(cmd, len, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vtpm_engine_cfg cfg = { .banks = VTPM_BANKS_ALL };
	struct vtpm_engine *e;

	e = vtpm_engine_new(&cfg);
	if (!e)
		abort();
	run(e, startup_clear, sizeof(startup_clear));
	while (size) {
		uint32_t len = size >= 6 ? be32(data + 2) : (uint32_t)size;

		if (len == 0 || len > size)
			len = (uint32_t)size;
		run(e, data, len);
		data += len;
		size -= len;
	}
	vtpm_engine_free(e);
	return 0;
}
