/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-ins for what kmod/vswitch/parse.c takes from the kernel:
 * fixed-size types, the uapi protocol headers, and a struct vsw_frame over
 * a plain buffer whose pull grants only bytes inside it.
 */
#ifndef _VSW_PARSE_HOST_H
#define _VSW_PARSE_HOST_H

#include <netinet/in.h>		/* before the uapi headers: libc-compat */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>

#include "../../../../include/uapi/linux/vswitch.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;

struct vsw_frame {
	const u8 *data;
	unsigned int len;
	unsigned int pulls;	/* how often the parser pulled */
};

static inline const void *vsw_frame_pull(struct vsw_frame *f, unsigned int off,
					 unsigned int len)
{
	f->pulls++;
	if (off > f->len || len > f->len - off)
		return NULL;
	return f->data + off;
}

static inline unsigned int vsw_frame_len(const struct vsw_frame *f)
{
	return f->len;
}

#endif /* _VSW_PARSE_HOST_H */
