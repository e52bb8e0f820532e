// SPDX-License-Identifier: GPL-2.0
/*
 * tpmbench: TPM commands per second through a TPM character device.
 *
 *   tpmbench DEVICE OP SECONDS
 *	OP: getrandom (32 bytes), extend (PCR 16, one SHA-256 digest, password
 *	session), read (PCR_Read of SHA-256 PCR 0-7), hash (64 bytes, SHA-256)
 *
 * Writes the command and reads the response in a loop for SECONDS of
 * CLOCK_MONOTONIC (in a vm-run -I guest: instructions executed, whatever
 * the host's load), then prints "OP OPS_PER_SECOND COUNT". Every response
 * must be TPM_RC_SUCCESS, else exit 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const uint8_t cmd_getrandom[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x01, 0x7b, 0x00, 0x20,
};

static const uint8_t cmd_read[] = {
	0x80, 0x01, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x01, 0x7e,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0xff, 0x00, 0x00,
};

/* PCR_Extend(16) with TPM_RS_PW and one SHA-256 digest (0x5a bytes) */
static uint8_t cmd_extend[10 + 4 + 4 + 9 + 4 + 2 + 32];
/* Hash(64 bytes of 0xa5, SHA-256, TPM_RH_NULL) */
static uint8_t cmd_hash[10 + 2 + 64 + 2 + 4];

static uint8_t *put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	p = put16(p, v >> 16);
	return put16(p, v);
}

static void build(void)
{
	uint8_t *p;

	p = put16(cmd_extend, 0x8002);
	p = put32(p, sizeof(cmd_extend));
	p = put32(p, 0x182);
	p = put32(p, 16);
	p = put32(p, 9);			/* authorization size */
	p = put32(p, 0x40000009);		/* TPM_RS_PW */
	p = put16(p, 0);			/* nonce */
	*p++ = 0;				/* attributes */
	p = put16(p, 0);			/* password */
	p = put32(p, 1);			/* TPML_DIGEST_VALUES */
	p = put16(p, 0x000b);
	memset(p, 0x5a, 32);

	p = put16(cmd_hash, 0x8001);
	p = put32(p, sizeof(cmd_hash));
	p = put32(p, 0x17d);
	p = put16(p, 64);
	memset(p, 0xa5, 64);
	p += 64;
	p = put16(p, 0x000b);
	put32(p, 0x40000007);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const uint8_t *cmd;
	size_t len;
	uint8_t rsp[4096];
	double secs, start, t;
	unsigned long n = 0;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: tpmbench DEVICE getrandom|extend|read|hash SECONDS\n");
		return 2;
	}
	build();
	if (!strcmp(argv[2], "getrandom")) {
		cmd = cmd_getrandom, len = sizeof(cmd_getrandom);
	} else if (!strcmp(argv[2], "extend")) {
		cmd = cmd_extend, len = sizeof(cmd_extend);
	} else if (!strcmp(argv[2], "read")) {
		cmd = cmd_read, len = sizeof(cmd_read);
	} else if (!strcmp(argv[2], "hash")) {
		cmd = cmd_hash, len = sizeof(cmd_hash);
	} else {
		fprintf(stderr, "tpmbench: no operation '%s'\n", argv[2]);
		return 2;
	}
	secs = atof(argv[3]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "tpmbench: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	start = now();
	do {
		ssize_t r;

		if (write(fd, cmd, len) != (ssize_t)len) {
			fprintf(stderr, "tpmbench: write: %s\n", strerror(errno));
			return 1;
		}
		r = read(fd, rsp, sizeof(rsp));
		if (r < 10 || rsp[6] | rsp[7] | rsp[8] | rsp[9]) {
			fprintf(stderr, "tpmbench: %s: response of %zd bytes, code 0x%02x%02x%02x%02x\n",
				argv[2], r, rsp[6], rsp[7], rsp[8], rsp[9]);
			return 1;
		}
		n++;
		t = now() - start;
	} while (t < secs);
	printf("%s %.0f %lu\n", argv[2], n / t, n);
	return 0;
}
