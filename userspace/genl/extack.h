/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extack.h - the kernel's extended ACK: message, offending attribute,
 * missing attribute, named after the request that was sent
 *
 * A family's attribute names come from its tool, as a tree of
 * struct genl_attr_space (the top level and one per nest).
 */
#ifndef GENL_EXTACK_H
#define GENL_EXTACK_H

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define GENL_EXTACK_MSG	256

struct genl_extack {
	int error;			/* negative errno; 0: success */
	char msg[GENL_EXTACK_MSG];	/* NLMSGERR_ATTR_MSG, or "" */
	bool has_offs, has_miss, has_miss_nest;
	uint32_t offs;			/* NLMSGERR_ATTR_OFFS */
	uint32_t miss_type;		/* NLMSGERR_ATTR_MISS_TYPE */
	uint32_t miss_nest;		/* NLMSGERR_ATTR_MISS_NEST */
};

struct genl_attr_space;

/* The spec name of one attribute type. */
struct genl_attr_name {
	const char *name;
	const struct genl_attr_space *nest;	/* its content, if a nest */
};

/* One attribute space: names indexed by type, 0..@max. */
struct genl_attr_space {
	const struct genl_attr_name *names;	/* NULL: types not named */
	int max;
};

/*
 * Fill @ext from an NLMSG_ERROR message (error or ACK) or an NLMSG_DONE
 * that ends a dump (its error code, and TLVs when NLM_F_ACK_TLVS is set).
 * Return: 0, or -1 when @nlh is neither or is truncated.
 */
int genl_extack_parse(const struct nlmsghdr *nlh, struct genl_extack *ext);

/*
 * Name of the attribute at byte @offs of the request @req, as
 * "port.mac" (names from @top). Return: 0, or -1 if no attribute starts
 * there.
 */
int genl_attr_name_at(const struct genl_attr_space *top,
		      const struct nlmsghdr *req, uint32_t offs,
		      char *buf, size_t len);

/*
 * Name of the missing attribute of @ext (inside the nest at miss_nest of
 * @req, or top-level). Return: 0, or -1.
 */
int genl_missing_name(const struct genl_attr_space *top,
		      const struct nlmsghdr *req, const struct genl_extack *ext,
		      char *buf, size_t len);

/*
 * One line to @f: "PROG: ERRNO TEXT: MESSAGE (at ATTR) (missing ATTR)"
 * for an error, "PROG: warning: MESSAGE" for an ACK carrying one.
 * @req (may be NULL) is the request, its attributes named from @top.
 */
void genl_extack_print(FILE *f, const struct genl_extack *ext,
		       const struct nlmsghdr *req,
		       const struct genl_attr_space *top);

#endif /* GENL_EXTACK_H */
