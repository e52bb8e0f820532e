/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extack.h - the kernel's extended ACK: message, offending attribute,
 * missing attribute, named after the request that was sent
 */
#ifndef VTPMCTL_EXTACK_H
#define VTPMCTL_EXTACK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define VTPM_EXTACK_MSG	256

struct vtpm_extack {
	int error;			/* negative errno; 0: success */
	char msg[VTPM_EXTACK_MSG];	/* NLMSGERR_ATTR_MSG, or "" */
	bool has_offs, has_miss, has_miss_nest;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	uint32_t miss_nest;		/* NLMSGERR_ATTR_MISS_NEST */
};

/*
 * Fill @ext from an NLMSG_ERROR message (error or ACK) or an NLMSG_DONE
 * that ends a dump (its error code, and TLVs when NLM_F_ACK_TLVS is set).
 * Return: 0, or -1 when @nlh is neither or is truncated.
 */
int vtpm_extack_parse(const struct nlmsghdr *nlh, struct vtpm_extack *ext);

/*
 * Name of the attribute at byte @offs of the request @req, as
 * "uid" (spec names). Return: 0, or -1 if no attribute starts there.
 */
int vtpm_attr_name_at(const struct nlmsghdr *req, uint32_t offs,
		     char *buf, size_t len);

/*
 * Name of the missing attribute of @ext (inside the nest at miss_nest of
 * @req, or top-level). Return: 0, or -1.
 */
int vtpm_missing_name(const struct nlmsghdr *req, const struct vtpm_extack *ext,
		     char *buf, size_t len);

/*
 * One line to @f: "vtpmctl: ERRNO TEXT: MESSAGE (at ATTR) (missing ATTR)"
 * for an error, "vtpmctl: warning: MESSAGE" for an ACK carrying one.
 * @req (may be NULL) is the request, to name attributes.
 */
void vtpm_extack_print(FILE *f, const struct vtpm_extack *ext,
		      const struct nlmsghdr *req);

#endif /* VTPMCTL_EXTACK_H */
