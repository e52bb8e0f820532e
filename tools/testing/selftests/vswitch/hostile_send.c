// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_send - replay the frames of a pcap file out of a device, fast
 *
 *   hostile_send IFNAME PCAP COUNT
 *
 * Sends COUNT frames out of IFNAME through an AF_PACKET socket (sendmmsg,
 * 64 at a time), going round the frames of PCAP (a classic pcap of
 * Ethernet frames, as hostile.py writes) in order. A frame the device
 * could not take at once (ENOBUFS, EAGAIN) is sent again; a frame the
 * kernel refuses (any other error) is skipped and counted. Prints
 *
 *   sent N refused M seconds S
 *
 * where N frames were taken by the device (for a veth: handed to its
 * peer), M were refused. Exit 0; 1 on a usage or setup error, or when
 * one frame could not be sent for about a minute.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define BATCH		64
#define MAX_FRAMES	65536
#define MAX_FRAME	65535
/* tries of one frame the device keeps refusing (about a minute) */
#define MAX_STUCK	200000

struct frame {
	unsigned char *data;
	size_t len;
};

static uint32_t get32(const unsigned char *p, int swap)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swap ? __builtin_bswap32(v) : v;
}

/* The frames of a classic pcap file (either byte order), or NULL. */
static struct frame *load(const char *path, size_t *n)
{
	unsigned char hdr[24], rec[16];
	struct frame *f;
	uint32_t magic;
	int swap;
	FILE *fp;

	fp = fopen(path, "rb");
	if (!fp) {
		perror(path);
		return NULL;
	}
	f = calloc(MAX_FRAMES, sizeof(*f));
	if (!f || fread(hdr, sizeof(hdr), 1, fp) != 1)
		goto bad;
	memcpy(&magic, hdr, sizeof(magic));
	if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d)
		swap = 0;
	else if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1)
		swap = 1;
	else
		goto bad;
	if (get32(hdr + 20, swap) != 1) {
		fprintf(stderr, "%s: not Ethernet (link type %u)\n", path,
			get32(hdr + 20, swap));
		goto out;
	}
	*n = 0;
	while (fread(rec, sizeof(rec), 1, fp) == 1) {
		uint32_t len = get32(rec + 8, swap);

		if (*n == MAX_FRAMES || len > MAX_FRAME || len != get32(rec + 12, swap))
			goto bad;
		f[*n].data = malloc(len ? len : 1);
		if (!f[*n].data || (len && fread(f[*n].data, len, 1, fp) != 1))
			goto bad;
		f[*n].len = len;
		(*n)++;
	}
	if (!*n)
		goto bad;
	fclose(fp);
	return f;
bad:
	fprintf(stderr, "%s: not a pcap file of at most %d frames\n", path,
		MAX_FRAMES);
out:
	fclose(fp);
	free(f);
	return NULL;
}

int main(int argc, char **argv)
{
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	unsigned long long count, sent = 0, refused = 0, retries = 0;
	unsigned int stuck = 0;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct timespec t0, t1;
	struct frame *f;
	size_t n, next = 0;
	int fd, i;

	if (argc != 4) {
		fprintf(stderr, "usage: %s IFNAME PCAP COUNT\n", argv[0]);
		return 1;
	}
	count = strtoull(argv[3], NULL, 10);
	f = load(argv[2], &n);
	if (!f)
		return 1;
	sll.sll_ifindex = if_nametoindex(argv[1]);
	if (!sll.sll_ifindex) {
		perror(argv[1]);
		return 1;
	}
	/* protocol 0: the socket receives nothing */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		perror("AF_PACKET socket");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent + refused < count) {
		int want = count - sent - refused < BATCH ?
			   (int)(count - sent - refused) : BATCH;
		int r;

		for (i = 0; i < want; i++) {
			struct frame *fr = &f[(next + i) % n];

			iov[i].iov_base = fr->data;
			iov[i].iov_len = fr->len;
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(fd, msg, want, 0);
		if (r > 0) {
			stuck = 0;
			sent += r;
			next = (next + r) % n;
			continue;
		}
		if (r == 0 || errno == ENOBUFS || errno == EAGAIN ||
		    errno == EINTR) {
			/* the backlog is full: let the receiver run */
			if (++stuck > MAX_STUCK) {
				fprintf(stderr, "frame %zu: %s %d times in a row, after %llu sent\n",
					next, strerror(errno), MAX_STUCK, sent);
				return 1;
			}
			retries++;
			usleep(100);
			continue;
		}
		/* the first frame of the batch is refused: skip it */
		if (refused < 10)
			fprintf(stderr, "frame %zu (%zu bytes): %s\n", next,
				f[next].len, strerror(errno));
		refused++;
		stuck = 0;
		next = (next + 1) % n;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("sent %llu refused %llu retries %llu seconds %.6f\n", sent,
	       refused, retries,
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	close(fd);
	return 0;
}
