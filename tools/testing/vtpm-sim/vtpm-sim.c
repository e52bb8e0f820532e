// SPDX-License-Identifier: GPL-2.0
/*
 * vtpm-sim - the vtpm engine (built for the host) served over TCP in the
 * protocol of the Microsoft TPM simulator, so that tpm2-tools can run
 * against it with the tpm2-tss "mssim" TCTI:
 *
 *   vtpm-sim -p 2321 &
 *   tpm2_startup -c -T mssim:host=127.0.0.1,port=2321
 *
 * Command port N: TPM_SEND_COMMAND (8) u8 locality, u32 size, command;
 * answered u32 size, response, u32 0. TPM_SESSION_END (20) closes the
 * connection, TPM_STOP (21) ends the server. Platform port N+1: one u32
 * signal, answered u32 0: SIGNAL_POWER_ON (1) is TPM_Init when the TPM
 * was off (the TCTI sends it on every connect; a TPM already on stays
 * as it is, as in the reference simulator), SIGNAL_POWER_OFF (2),
 * SIGNAL_RESET (17) is TPM_Init always; the others (NV on, cancel, ...)
 * are accepted and ignored. The TPM's state lasts as long as the process.
 * -v logs each command's code and response code, -x dumps them in hex.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"

#define SEND_COMMAND	8
#define SIGNAL_POWER_ON	1
#define SIGNAL_POWER_OFF 2
#define SIGNAL_RESET	17
#define SESSION_END	20
#define STOP		21
#define MAX_CONN	16

struct sim {
	struct vtpm_engine *e;
	bool powered;
	bool verbose;
	bool hexdump;
	bool stop;
	u8 cmd[VTPM_BUF_SIZE];
	u8 rsp[VTPM_BUF_SIZE];
};

static int read_all(int fd, void *buf, size_t len)
{
	u8 *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const u8 *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int read_u32(int fd, u32 *v)
{
	u32 be;

	if (read_all(fd, &be, 4))
		return -1;
	*v = ntohl(be);
	return 0;
}

static int write_u32(int fd, u32 v)
{
	u32 be = htonl(v);

	return write_all(fd, &be, 4);
}

static void dump(const char *what, const u8 *p, u32 len)
{
	u32 i;

	fprintf(stderr, "%s", what);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%02x", p[i]);
	fprintf(stderr, "\n");
}

static int send_command(struct sim *s, int fd)
{
	u8 locality;
	u32 len, rlen;

	if (read_all(fd, &locality, 1) || read_u32(fd, &len))
		return -1;
	if (len > sizeof(s->cmd))
		return -1;
	if (read_all(fd, s->cmd, len))
		return -1;
	rlen = vtpm_engine_execute(s->e, s->cmd, len, s->rsp, sizeof(s->rsp));
	if (s->verbose)
		fprintf(stderr, "vtpm-sim: cc 0x%03x len %u -> rc 0x%03x len %u\n",
			len >= 10 ? ntohl(*(u32 *)(s->cmd + 6)) : 0, len,
			ntohl(*(u32 *)(s->rsp + 6)), rlen);
	if (s->hexdump) {
		dump("> ", s->cmd, len);
		dump("< ", s->rsp, rlen);
	}
	if (write_u32(fd, rlen) || write_all(fd, s->rsp, rlen) ||
	    write_u32(fd, 0))
		return -1;
	return 0;
}

/* one message on a connection; -1 closes it */
static int serve_one(struct sim *s, int fd, bool platform)
{
	u32 op;

	if (read_u32(fd, &op))
		return -1;
	switch (op) {
	case SESSION_END:
		return -1;
	case STOP:
		s->stop = true;
		return -1;
	case SEND_COMMAND:
		if (!platform)
			return send_command(s, fd);
		break;
	case SIGNAL_POWER_ON:
		if (!s->powered)
			vtpm_engine_reset(s->e);
		s->powered = true;
		break;
	case SIGNAL_POWER_OFF:
		s->powered = false;
		break;
	case SIGNAL_RESET:
		vtpm_engine_reset(s->e);
		s->powered = true;
		break;
	default:
		break;
	}
	if (s->verbose)
		fprintf(stderr, "vtpm-sim: %s signal %u\n",
			platform ? "platform" : "command", op);
	return write_u32(fd, 0);
}

static int listen_on(u16 port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void serve(struct sim *s, int lcmd, int lplat)
{
	struct pollfd p[2 + MAX_CONN];
	bool plat[2 + MAX_CONN];
	int i, n = 2, fd, one = 1;

	p[0] = (struct pollfd){ .fd = lcmd, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = lplat, .events = POLLIN };
	while (!s->stop) {
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		for (i = 0; i < 2; i++) {
			if (!(p[i].revents & POLLIN))
				continue;
			fd = accept(p[i].fd, NULL, NULL);
			if (fd < 0)
				continue;
			if (n == 2 + MAX_CONN) {
				close(fd);
				continue;
			}
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
				   sizeof(one));
			plat[n] = i == 1;
			p[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		}
		for (i = 2; i < n; i++) {
			if (!p[i].revents)
				continue;
			if (serve_one(s, p[i].fd, plat[i]) == 0)
				continue;
			close(p[i].fd);
			p[i] = p[--n];
			plat[i] = plat[n];
			i--;
		}
	}
}

static u32 parse_banks(const char *arg)
{
	u32 banks = 0;

	if (strstr(arg, "sha1"))
		banks |= VTPM_BANK_SHA1;
	if (strstr(arg, "sha256"))
		banks |= VTPM_BANK_SHA256;
	if (strstr(arg, "sha384"))
		banks |= VTPM_BANK_SHA384;
	return banks;
}

int main(int argc, char **argv)
{
	struct vtpm_engine_cfg cfg = { .banks = VTPM_BANKS_DEFAULT };
	static struct sim s;
	int port = 2321, opt, lcmd, lplat;

	while ((opt = getopt(argc, argv, "p:b:vx")) != -1) {
		switch (opt) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'b':
			cfg.banks = parse_banks(optarg);
			break;
		case 'v':
			s.verbose = true;
			break;
		case 'x':
			s.hexdump = true;
			break;
		default:
			fprintf(stderr, "usage: vtpm-sim [-p PORT] "
				"[-b sha1,sha256,sha384] [-v] [-x]\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	s.e = vtpm_engine_new(&cfg);
	if (!s.e) {
		fprintf(stderr, "vtpm-sim: bad bank list\n");
		return 2;
	}
	lcmd = listen_on(port);
	lplat = listen_on(port + 1);
	if (lcmd < 0 || lplat < 0) {
		perror("vtpm-sim: listen");
		return 1;
	}
	serve(&s, lcmd, lplat);
	vtpm_engine_free(s.e);
	return 0;
}
