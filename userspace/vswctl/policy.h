/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - a policy file (JSON) read, checked and compiled into the
 * maps of the policy program (bpf/vswitch_policy.h)
 *
 * Nothing here talks to the kernel: `vswctl policy check` and the unit
 * tests use it as `policy apply` does. Documentation/vswitch/policy.rst
 * describes the file.
 */
#ifndef VSWCTL_POLICY_H
#define VSWCTL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>

#include "../../bpf/vswitch_policy.h"

#define POL_GROUPS_MAX		VSWP_GROUP_IDS
#define POL_RULES_MAX		VSWP_RULES_MAX
#define POL_PREFIXES_MAX	65536		/* per family */
#define POL_ENTRIES_MAX		(1 << 20)	/* rules trie entries */
#define POL_PRIORITY_MAX	1000000000u
#define POL_FILE_MAX		(16 << 20)	/* bytes */

struct pol_prefix {
	uint8_t v6;
	uint8_t len;
	uint8_t addr[16];
	uint16_t group;
	int line, col;
};

struct pol_group {
	char *name;
	int line, col;
	char (*ports)[IFNAMSIZ];
	int *port_line, *port_col;
	size_t n_ports;
	size_t n_prefixes;
};

struct pol_range {
	uint16_t lo, hi;
};

struct pol_rule {
	uint32_t id, priority;
	uint8_t action;		/* enum vswp_action */
	int proto;		/* -1: any */
	uint16_t *from, *to, *scope;	/* group ids; VSWP_GROUP_ANY */
	size_t n_from, n_to, n_scope;	/* n_scope 0: applied everywhere */
	struct pol_range *ranges;	/* none: every port */
	size_t n_ranges;
	uint32_t index;		/* rank by priority */
	int line, col;
};

struct policy {
	const char *name;	/* the file's, for messages */
	uint8_t default_action;
	struct pol_group *groups;
	size_t n_groups;
	struct pol_prefix *prefixes;
	size_t n_prefixes;
	struct pol_rule *rules;	/* in file order */
	size_t n_rules;
};

/* A port of the policy's groups: its name and the groups it is in. */
struct pol_port {
	char name[IFNAMSIZ];
	struct vswp_groups g;
};

/* What goes into the maps. */
struct pol_maps {
	struct vswp_cfg cfg;
	struct pol_port *ports;
	size_t n_ports;
	struct vswp_v4_key *v4_keys;
	struct vswp_groups *v4_vals;
	size_t n_v4;
	struct vswp_v6_key *v6_keys;
	struct vswp_groups *v6_vals;
	size_t n_v6;
	struct vswp_rule_key *rule_keys;
	struct vswp_rule *rule_vals;
	size_t n_entries;
	struct vswp_rule_meta *meta;	/* by rule index */
	size_t n_meta;
	uint8_t roles[VSWP_GROUP_IDS];	/* VSWP_ROLE_* by group id */
};

/*
 * Read policy file @text (@len bytes; @name for messages, kept in @p)
 * into @p.
 * Return 0, or -1 with "NAME:LINE:COL: message" in @err.
 */
int policy_parse(const char *name, const char *text, size_t len,
		 struct policy *p, char *err, size_t errlen);

/*
 * The groups of @g that play each role in the policy's rules: what the
 * program's maps hold for a port or an address.
 */
void pol_maps_roles(const struct pol_maps *m, const struct vswp_groups *g,
		    struct vswp_roles *out);

/* Compile @p into @m. Return 0, or -1 with a message in @err. */
int policy_compile(struct policy *p, struct pol_maps *m, char *err,
		   size_t errlen);

void policy_free(struct policy *p);
void pol_maps_free(struct pol_maps *m);

/*
 * A packet, as the policy program sees a connection's first packet:
 * its ends (ports, addresses), protocol and destination port.
 */
struct pol_packet {
	const char *in_port, *out_port;	/* port names; NULL: in no group */
	bool v6;
	uint8_t src[16], dst[16];
	uint8_t proto;
	uint16_t dport;
};

/*
 * The rule that decides @pk, by the definition (every rule in priority
 * order, the first that matches): the reference the compiled maps are
 * tested against. Return the rule's index in priority order, or -1 for
 * the default.
 */
int policy_first_match(const struct policy *p, const struct pol_packet *pk);

/*
 * The same decision from the compiled maps, as the program takes it:
 * @m's lookups, done in C. Return the rule index or -1.
 */
int pol_maps_decide(const struct pol_maps *m, const struct pol_packet *pk);

/* "allow", "deny" */
const char *policy_action_name(uint8_t action);

#endif /* VSWCTL_POLICY_H */
