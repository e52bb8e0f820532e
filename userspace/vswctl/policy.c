// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - a policy file read, checked and compiled into the maps of
 * the policy program (bpf/vswitch_policy.h); the same decision taken by
 * definition, as the reference the compiled maps are tested against
 *
 * The file (Documentation/vswitch/policy.rst):
 *
 *   { "default": "deny",
 *     "groups": { "web": { "ports": ["tap1"], "prefixes": ["10.1.0.0/24"] } },
 *     "rules": [ { "id": 1, "priority": 10, "from": "web", "to": "app",
 *                  "proto": "tcp", "ports": [8080], "action": "allow",
 *                  "applied_to": ["app"] } ] }
 *
 * Every message names the file, line and column of what it is about.
 * Unknown keys are errors: a misspelt key must not widen a rule.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "policy.h"

struct pctx {
	const char *name;
	char *err;
	size_t errlen;
	struct policy *p;
};

static int fail_at(struct pctx *c, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail_at(struct pctx *c, int line, int col, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	n = snprintf(c->err, c->errlen, "%s:%d:%d: ", c->name, line, col);
	if (n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define FAIL(c, v, ...) fail_at(c, (v)->line, (v)->col, __VA_ARGS__)

const char *policy_action_name(uint8_t action)
{
	return action == VSWP_ALLOW ? "allow" :
	       action == VSWP_REJECT ? "reject" : "deny";
}

/* Every member of object @o is one of @keys (NULL-terminated). */
static int known_keys(struct pctx *c, const struct json *o, const char *what,
		      const char *const *keys)
{
	const struct json *m;
	const char *const *k;

	for (m = o->child; m; m = m->next) {
		for (k = keys; *k && strcmp(*k, m->key); k++)
			;
		if (!*k)
			return fail_at(c, m->key_line, m->key_col,
				       "%s: unknown key \"%s\"", what, m->key);
	}
	return 0;
}

static int want_type(struct pctx *c, const struct json *v, enum json_type t,
		     const char *what)
{
	if (v->type != t)
		return FAIL(c, v, "%s must be %s %s, not %s", what,
			    t == JSON_ARRAY || t == JSON_OBJECT ? "an" : "a",
			    json_type_name(t), json_type_name(v->type));
	return 0;
}

static int want_uint(struct pctx *c, const struct json *v, const char *what,
		     long long min, long long max, uint32_t *out)
{
	if (v->type != JSON_NUMBER || !v->is_int || v->i < min || v->i > max)
		return FAIL(c, v, "%s must be an integer from %lld to %lld",
			    what, min, max);
	*out = v->i;
	return 0;
}

/* ---------------------------------------------------------------- groups */

static int group_find(const struct policy *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->n_groups; i++)
		if (!strcmp(p->groups[i].name, name))
			return i;
	return -1;
}

/* "10.1.0.0/24", "fd00::/64", or an address alone (a host prefix). */
static int parse_prefix(const char *s, struct pol_prefix *x)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long len;
	int max;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	memset(x->addr, 0, sizeof(x->addr));
	if (inet_pton(AF_INET, buf, x->addr) == 1)
		x->v6 = 0;
	else if (inet_pton(AF_INET6, buf, x->addr) == 1)
		x->v6 = 1;
	else
		return -1;
	max = x->v6 ? 128 : 32;
	len = max;
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (errno || *end || len > (unsigned long)max)
			return -1;
	}
	x->len = len;
	return 0;
}

/* Host bits of @x set: "10.1.0.1/24" is a mistake, not 10.1.0.0/24. */
static bool host_bits(const struct pol_prefix *x)
{
	int i, n = x->v6 ? 16 : 4;

	for (i = 0; i < n; i++) {
		int keep = x->len - i * 8;
		uint8_t mask = keep >= 8 ? 0xff : keep <= 0 ? 0 :
			       (uint8_t)(0xff << (8 - keep));

		if (x->addr[i] & ~mask)
			return true;
	}
	return false;
}

static int parse_group(struct pctx *c, const struct json *g)
{
	static const char *const keys[] = { "ports", "prefixes", NULL };
	struct policy *p = c->p;
	struct pol_group *grp = &p->groups[p->n_groups];
	const struct json *ports, *pfx, *v;
	size_t i;

	if (!strcmp(g->key, "any"))
		return fail_at(c, g->key_line, g->key_col,
			       "group \"any\" is built in: every endpoint");
	if (!g->key[0] || strlen(g->key) > 64)
		return fail_at(c, g->key_line, g->key_col,
			       "a group name has 1 to 64 characters");
	if (p->n_groups == POL_GROUPS_MAX)
		return fail_at(c, g->key_line, g->key_col,
			       "more than %d groups", POL_GROUPS_MAX);
	if (want_type(c, g, JSON_OBJECT, "a group") ||
	    known_keys(c, g, "group", keys))
		return -1;
	grp->name = strdup(g->key);
	if (!grp->name)
		return fail_at(c, g->line, g->col, "out of memory");
	grp->line = g->key_line;
	grp->col = g->key_col;
	p->n_groups++;

	ports = json_get(g, "ports");
	if (ports) {
		if (want_type(c, ports, JSON_ARRAY, "ports"))
			return -1;
		grp->ports = calloc(ports->len + 1, sizeof(*grp->ports));
		grp->port_line = calloc(ports->len + 1, sizeof(int));
		grp->port_col = calloc(ports->len + 1, sizeof(int));
		if (!grp->ports || !grp->port_line || !grp->port_col)
			return FAIL(c, ports, "out of memory");
		for (v = ports->child; v; v = v->next) {
			if (want_type(c, v, JSON_STRING, "a port"))
				return -1;
			if (!v->len || v->len >= IFNAMSIZ || strchr(v->s, '/') ||
			    strpbrk(v->s, " \t\n:"))
				return FAIL(c, v, "\"%s\" is not a device name",
					    v->s);
			for (i = 0; i < grp->n_ports; i++)
				if (!strcmp(grp->ports[i], v->s))
					return FAIL(c, v, "port \"%s\" is twice in group \"%s\"",
						    v->s, grp->name);
			strcpy(grp->ports[grp->n_ports], v->s);
			grp->port_col[grp->n_ports] = v->col;
			grp->port_line[grp->n_ports++] = v->line;
		}
	}
	pfx = json_get(g, "prefixes");
	if (pfx) {
		struct pol_prefix *n;

		if (want_type(c, pfx, JSON_ARRAY, "prefixes"))
			return -1;
		n = realloc(p->prefixes,
			    (p->n_prefixes + pfx->len + 1) * sizeof(*n));
		if (!n)
			return FAIL(c, pfx, "out of memory");
		p->prefixes = n;
		for (v = pfx->child; v; v = v->next) {
			struct pol_prefix *x = &p->prefixes[p->n_prefixes];

			if (want_type(c, v, JSON_STRING, "a prefix"))
				return -1;
			if (parse_prefix(v->s, x))
				return FAIL(c, v, "\"%s\" is not an address prefix (ADDRESS[/LENGTH])",
					    v->s);
			if (host_bits(x))
				return FAIL(c, v, "\"%s\" has bits set past its length",
					    v->s);
			x->group = p->n_groups - 1;
			x->line = v->line;
			x->col = v->col;
			p->n_prefixes++;
			grp->n_prefixes++;
		}
	}
	return 0;
}

/* ----------------------------------------------------------------- rules */

/* "from", "to", "applied_to": a group name or a list of them. */
static int parse_groups_ref(struct pctx *c, const struct json *v,
			    const char *what, bool scope, uint16_t **out,
			    size_t *n)
{
	const struct json *e, *one = v;
	size_t count = 1, i;

	if (v->type == JSON_ARRAY) {
		if (!v->len)
			return FAIL(c, v, "%s: an empty list matches nothing", what);
		count = v->len;
		one = v->child;
	} else if (v->type != JSON_STRING) {
		return FAIL(c, v, "%s must be a group name or a list of them, not %s",
			    what, json_type_name(v->type));
	}
	*out = calloc(count, sizeof(**out));
	if (!*out)
		return FAIL(c, v, "out of memory");
	for (e = one; e; e = v->type == JSON_ARRAY ? e->next : NULL) {
		int g;

		if (want_type(c, e, JSON_STRING, "a group name"))
			return -1;
		if (!strcmp(e->s, "any")) {
			if (scope)
				return FAIL(c, e, "%s: leave it out to apply the rule everywhere",
					    what);
			g = VSWP_GROUP_ANY;
		} else {
			g = group_find(c->p, e->s);
			if (g < 0)
				return FAIL(c, e, "%s: unknown group \"%s\"", what,
					    e->s);
			if (scope && !c->p->groups[g].n_ports)
				return FAIL(c, e, "%s: group \"%s\" has no ports: a rule is applied to ports",
					    what, e->s);
		}
		for (i = 0; i < *n; i++)
			if ((*out)[i] == g)
				return FAIL(c, e, "%s: group \"%s\" twice", what,
					    e->s);
		(*out)[(*n)++] = g;
	}
	return 0;
}

static const struct {
	const char *name;
	int proto;
	bool ports;
} protos[] = {
	{ "tcp", 6, true }, { "udp", 17, true }, { "sctp", 132, true },
	{ "udplite", 136, true }, { "icmp", 1, false }, { "icmpv6", 58, false },
	{ "gre", 47, false }, { "esp", 50, false },
};

static bool proto_has_ports(int proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 136;
}

static int parse_proto(struct pctx *c, const struct json *v, int *proto)
{
	uint32_t n = 0;
	size_t i;

	if (v->type == JSON_STRING) {
		if (!strcmp(v->s, "any")) {
			*proto = -1;
			return 0;
		}
		for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
			if (!strcmp(v->s, protos[i].name)) {
				*proto = protos[i].proto;
				return 0;
			}
		return FAIL(c, v, "unknown proto \"%s\" (any, tcp, udp, sctp, udplite, icmp, icmpv6, gre, esp, or a number)",
			    v->s);
	}
	if (want_uint(c, v, "proto", 0, 255, &n))
		return -1;
	*proto = n;
	return 0;
}

/* "ports": [80, "8000-8080", ...] */
static int parse_ports(struct pctx *c, const struct json *v,
		       struct pol_rule *r)
{
	const struct json *e;

	if (want_type(c, v, JSON_ARRAY, "ports"))
		return -1;
	if (!v->len)
		return FAIL(c, v, "ports: an empty list matches nothing");
	r->ranges = calloc(v->len, sizeof(*r->ranges));
	if (!r->ranges)
		return FAIL(c, v, "out of memory");
	for (e = v->child; e; e = e->next) {
		struct pol_range *x = &r->ranges[r->n_ranges];
		unsigned long lo, hi;
		char *end;

		if (e->type == JSON_NUMBER) {
			uint32_t n = 0;

			if (want_uint(c, e, "a port", 0, 65535, &n))
				return -1;
			x->lo = x->hi = n;
		} else if (e->type == JSON_STRING) {
			errno = 0;
			if (e->s[0] < '0' || e->s[0] > '9')
				goto bad;
			lo = strtoul(e->s, &end, 10);
			if (*end != '-' || end[1] < '0' || end[1] > '9')
				goto bad;
			hi = strtoul(end + 1, &end, 10);
			if (errno || *end)
				goto bad;
			if (lo > 65535 || hi > 65535)
				return FAIL(c, e, "port range \"%s\": ports go from 0 to 65535",
					    e->s);
			if (lo > hi)
				return FAIL(c, e, "port range \"%s\" is backwards",
					    e->s);
			x->lo = lo;
			x->hi = hi;
		} else {
bad:
			return FAIL(c, e, "a port is a number or a range \"LOW-HIGH\"");
		}
		r->n_ranges++;
	}
	return 0;
}

static int parse_rule(struct pctx *c, const struct json *v, size_t pos)
{
	static const char *const keys[] = {
		"id", "priority", "from", "to", "proto", "ports", "action",
		"applied_to", "comment", NULL,
	};
	struct pol_rule *r = &c->p->rules[c->p->n_rules++];
	const struct json *f;

	r->line = v->line;
	r->col = v->col;
	r->proto = -1;
	if (want_type(c, v, JSON_OBJECT, "a rule") ||
	    known_keys(c, v, "rule", keys))
		return -1;
	f = json_get(v, "id");
	if (f) {
		if (want_uint(c, f, "id", 1, UINT32_MAX, &r->id))
			return -1;
	} else {
		r->id = pos + 1;
	}
	f = json_get(v, "priority");
	if (f && want_uint(c, f, "priority", 0, POL_PRIORITY_MAX, &r->priority))
		return -1;
	r->priority = f ? r->priority : UINT32_MAX;	/* none: checked later */
	f = json_get(v, "from");
	if (!f)
		return FAIL(c, v, "a rule needs \"from\" (a group or \"any\")");
	if (parse_groups_ref(c, f, "from", false, &r->from, &r->n_from))
		return -1;
	f = json_get(v, "to");
	if (!f)
		return FAIL(c, v, "a rule needs \"to\" (a group or \"any\")");
	if (parse_groups_ref(c, f, "to", false, &r->to, &r->n_to))
		return -1;
	f = json_get(v, "applied_to");
	if (f && parse_groups_ref(c, f, "applied_to", true, &r->scope,
				  &r->n_scope))
		return -1;
	f = json_get(v, "proto");
	if (f && parse_proto(c, f, &r->proto))
		return -1;
	f = json_get(v, "ports");
	if (f) {
		if (r->proto < 0 || !proto_has_ports(r->proto))
			return FAIL(c, f, "ports need proto tcp, udp, sctp or udplite");
		if (parse_ports(c, f, r))
			return -1;
	}
	f = json_get(v, "action");
	if (!f)
		return FAIL(c, v, "a rule needs \"action\" (allow, deny or reject)");
	if (want_type(c, f, JSON_STRING, "action"))
		return -1;
	if (!strcmp(f->s, "allow"))
		r->action = VSWP_ALLOW;
	else if (!strcmp(f->s, "deny"))
		r->action = VSWP_DENY;
	else if (!strcmp(f->s, "reject"))
		r->action = VSWP_REJECT;
	else
		return FAIL(c, f, "action \"%s\": allow, deny or reject", f->s);
	f = json_get(v, "comment");
	if (f && want_type(c, f, JSON_STRING, "comment"))
		return -1;
	return 0;
}

static const struct pol_rule *by_prio_base;

static int cmp_prio(const void *a, const void *b)
{
	const struct pol_rule *x = &by_prio_base[*(const uint32_t *)a];
	const struct pol_rule *y = &by_prio_base[*(const uint32_t *)b];

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Priorities all given or none (file order), distinct; ids distinct. */
static int rank_rules(struct pctx *c)
{
	struct policy *p = c->p;
	size_t i, given = 0;
	uint32_t *order;
	int ret = 0;

	for (i = 0; i < p->n_rules; i++)
		given += p->rules[i].priority != UINT32_MAX;
	if (given && given != p->n_rules) {
		for (i = 0; p->rules[i].priority != UINT32_MAX; i++)
			;
		return fail_at(c, p->rules[i].line, p->rules[i].col,
			       "this rule has no priority, others have: give every rule one, or none (file order)");
	}
	order = calloc(p->n_rules + 1, sizeof(*order));
	if (!order)
		return fail_at(c, 1, 1, "out of memory");
	for (i = 0; i < p->n_rules; i++) {
		order[i] = i;
		if (!given)
			p->rules[i].priority = i;
	}
	by_prio_base = p->rules;
	qsort(order, p->n_rules, sizeof(*order), cmp_prio);
	for (i = 0; i < p->n_rules; i++) {
		struct pol_rule *r = &p->rules[order[i]];

		r->index = i;
		if (i && p->rules[order[i - 1]].priority == r->priority) {
			const struct pol_rule *o = &p->rules[order[i - 1]];

			ret = fail_at(c, r->line, r->col,
				      "priority %u is also the priority of the rule at line %d: priorities decide the first match and must differ",
				      r->priority, o->line);
			goto out;
		}
	}
	ret = 0;
out:
	free(order);
	return ret;
}

static int cmp_id(const void *a, const void *b)
{
	const struct pol_rule *x = *(struct pol_rule *const *)a;
	const struct pol_rule *y = *(struct pol_rule *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->line - y->line;
}

static int unique_ids(struct pctx *c)
{
	struct policy *p = c->p;
	struct pol_rule **v = calloc(p->n_rules + 1, sizeof(*v));
	int ret = 0;
	size_t i;

	if (!v)
		return fail_at(c, 1, 1, "out of memory");
	for (i = 0; i < p->n_rules; i++)
		v[i] = &p->rules[i];
	qsort(v, p->n_rules, sizeof(*v), cmp_id);
	for (i = 1; i < p->n_rules; i++)
		if (v[i]->id == v[i - 1]->id) {
			ret = fail_at(c, v[i]->line, v[i]->col,
				      "id %u is also the id of the rule at line %d",
				      v[i]->id, v[i - 1]->line);
			break;
		}
	free(v);
	return ret;
}

int policy_parse(const char *name, const char *text, size_t len,
		 struct policy *p, char *err, size_t errlen)
{
	static const char *const keys[] = { "default", "groups", "rules",
					    "comment", NULL };
	struct pctx c = { .name = name, .err = err, .errlen = errlen, .p = p };
	const struct json *v, *e;
	char jerr[256];
	struct json *root;
	int ret = -1;

	memset(p, 0, sizeof(*p));
	p->name = name;
	root = json_parse(text, len, jerr, sizeof(jerr));
	if (!root) {
		snprintf(err, errlen, "%s: %s", name, jerr);
		return -1;
	}
	if (want_type(&c, root, JSON_OBJECT, "a policy") ||
	    known_keys(&c, root, "policy", keys))
		goto out;
	p->default_action = VSWP_DENY;
	v = json_get(root, "default");
	if (v) {
		if (want_type(&c, v, JSON_STRING, "default"))
			goto out;
		if (!strcmp(v->s, "allow"))
			p->default_action = VSWP_ALLOW;
		else if (strcmp(v->s, "deny"))
			goto bad_default;
	}
	v = json_get(root, "groups");
	if (v) {
		if (want_type(&c, v, JSON_OBJECT, "groups"))
			goto out;
		p->groups = calloc(v->len + 1, sizeof(*p->groups));
		if (!p->groups) {
			FAIL(&c, v, "out of memory");
			goto out;
		}
		for (e = v->child; e; e = e->next)
			if (parse_group(&c, e))
				goto out;
	}
	v = json_get(root, "rules");
	if (!v) {
		FAIL(&c, root, "a policy needs \"rules\" (a list, which may be empty)");
		goto out;
	}
	if (want_type(&c, v, JSON_ARRAY, "rules"))
		goto out;
	if (v->len > POL_RULES_MAX) {
		FAIL(&c, v, "%zu rules: at most %d", v->len, POL_RULES_MAX);
		goto out;
	}
	p->rules = calloc(v->len + 1, sizeof(*p->rules));
	if (!p->rules) {
		FAIL(&c, v, "out of memory");
		goto out;
	}
	for (e = v->child; e; e = e->next)
		if (parse_rule(&c, e, p->n_rules))
			goto out;
	if (rank_rules(&c) || unique_ids(&c))
		goto out;
	ret = 0;
	goto out;
bad_default:
	FAIL(&c, v, "default \"%s\": allow or deny", v->s);
out:
	json_free(root);
	return ret;
}

void policy_free(struct policy *p)
{
	size_t i;

	for (i = 0; i < p->n_groups; i++) {
		free(p->groups[i].name);
		free(p->groups[i].ports);
		free(p->groups[i].port_line);
		free(p->groups[i].port_col);
	}
	for (i = 0; i < p->n_rules; i++) {
		free(p->rules[i].from);
		free(p->rules[i].to);
		free(p->rules[i].scope);
		free(p->rules[i].ranges);
	}
	free(p->groups);
	free(p->prefixes);
	free(p->rules);
	memset(p, 0, sizeof(*p));
}

void pol_maps_free(struct pol_maps *m)
{
	free(m->ports);
	free(m->v4_keys);
	free(m->v4_vals);
	free(m->v6_keys);
	free(m->v6_vals);
	free(m->rule_keys);
	free(m->rule_vals);
	free(m->meta);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------- compiling */

static int groups_add(struct vswp_groups *g, uint16_t id)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (g->id[i] == id)
			return 0;
	if (g->n == VSWP_GROUPS_MAX)
		return -1;
	g->id[g->n++] = id;
	return 0;
}

static struct pol_port *port_find(const struct pol_maps *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->n_ports; i++)
		if (!strcmp(m->ports[i].name, name))
			return &m->ports[i];
	return NULL;
}

static int compile_ports(struct pctx *c, struct pol_maps *m)
{
	const struct policy *p = c->p;
	size_t i, j, total = 0;

	for (i = 0; i < p->n_groups; i++)
		total += p->groups[i].n_ports;
	m->ports = calloc(total + 1, sizeof(*m->ports));
	if (!m->ports)
		return fail_at(c, 1, 1, "out of memory");
	for (i = 0; i < p->n_groups; i++) {
		const struct pol_group *g = &p->groups[i];

		for (j = 0; j < g->n_ports; j++) {
			struct pol_port *pp = port_find(m, g->ports[j]);

			if (!pp) {
				pp = &m->ports[m->n_ports++];
				strcpy(pp->name, g->ports[j]);
			}
			if (groups_add(&pp->g, i))
				return fail_at(c, g->port_line[j], g->port_col[j],
					       "port \"%s\" is in more than %d groups",
					       pp->name, VSWP_GROUPS_MAX);
		}
	}
	return 0;
}

static const struct pol_prefix *pfx_base;

static int cmp_prefix(const void *a, const void *b)
{
	const struct pol_prefix *x = &pfx_base[*(const uint32_t *)a];
	const struct pol_prefix *y = &pfx_base[*(const uint32_t *)b];
	int d = memcmp(x->addr, y->addr, 16);

	if (d)
		return d;
	return x->len - y->len;
}

/* @q contains @p (both of one family). */
static bool prefix_contains(const struct pol_prefix *q,
			    const struct pol_prefix *p)
{
	int full = q->len / 8, rest = q->len % 8;

	if (q->len > p->len || memcmp(q->addr, p->addr, full))
		return false;
	return !rest || !((q->addr[full] ^ p->addr[full]) &
			  (uint8_t)(0xff << (8 - rest)));
}

/*
 * One family's prefixes into LPM entries: equal prefixes merged, each
 * entry holding the groups of every prefix that contains it, so that
 * the longest match gives all of an address's groups.
 */
static int compile_family(struct pctx *c, struct pol_maps *m, int v6)
{
	const struct policy *p = c->p;
	struct vswp_groups *vals, *own;
	const struct pol_prefix **first;
	size_t i, n = 0, top = 0, out = 0;
	uint32_t *ord, *stack;
	int ret = -1;

	ord = calloc(p->n_prefixes + 1, sizeof(*ord));
	stack = calloc(p->n_prefixes + 1, sizeof(*stack));
	first = calloc(p->n_prefixes + 1, sizeof(*first));
	vals = calloc(p->n_prefixes + 1, sizeof(*vals));
	own = calloc(p->n_prefixes + 1, sizeof(*own));
	if (!ord || !stack || !first || !vals || !own) {
		fail_at(c, 1, 1, "out of memory");
		goto out;
	}
	for (i = 0; i < p->n_prefixes; i++)
		if (p->prefixes[i].v6 == v6)
			ord[n++] = i;
	pfx_base = p->prefixes;
	qsort(ord, n, sizeof(*ord), cmp_prefix);
	/* equal prefixes into one entry with their own groups */
	for (i = 0; i < n; i++) {
		const struct pol_prefix *x = &p->prefixes[ord[i]];

		if (!i || cmp_prefix(&ord[i], &ord[i - 1]))
			first[out++] = x;
		if (groups_add(&own[out - 1], x->group)) {
			fail_at(c, x->line, x->col,
				"this prefix is in more than %d groups",
				VSWP_GROUPS_MAX);
			goto out;
		}
	}
	if (out > POL_PREFIXES_MAX) {
		fail_at(c, 1, 1, "more than %d IPv%d prefixes", POL_PREFIXES_MAX,
			v6 ? 6 : 4);
		goto out;
	}
	/* sorted by address then length: a prefix's containers come first */
	for (i = 0; i < out; i++) {
		int k;

		while (top && !prefix_contains(first[stack[top - 1]], first[i]))
			top--;
		if (top)
			vals[i] = vals[stack[top - 1]];
		for (k = 0; k < own[i].n; k++)
			if (groups_add(&vals[i], own[i].id[k])) {
				fail_at(c, first[i]->line, first[i]->col,
					"an address of this prefix is in more than %d groups",
					VSWP_GROUPS_MAX);
				goto out;
			}
		stack[top++] = i;
	}
	if (v6) {
		m->v6_keys = calloc(out + 1, sizeof(*m->v6_keys));
		if (!m->v6_keys)
			goto oom;
		for (i = 0; i < out; i++) {
			m->v6_keys[i].prefixlen = first[i]->len;
			memcpy(m->v6_keys[i].addr, first[i]->addr, 16);
		}
		m->v6_vals = vals;
		m->n_v6 = out;
	} else {
		m->v4_keys = calloc(out + 1, sizeof(*m->v4_keys));
		if (!m->v4_keys)
			goto oom;
		for (i = 0; i < out; i++) {
			m->v4_keys[i].prefixlen = first[i]->len;
			memcpy(m->v4_keys[i].addr, first[i]->addr, 4);
		}
		m->v4_vals = vals;
		m->n_v4 = out;
	}
	vals = NULL;
	ret = 0;
	goto out;
oom:
	fail_at(c, 1, 1, "out of memory");
out:
	free(vals);
	free(own);
	free(ord);
	free(stack);
	free(first);
	return ret;
}

/* A rule's place in the trie: {src, dst, scope} and the rule. */
struct trip {
	uint16_t src, dst, scope;
	uint32_t rule;		/* index into policy.rules */
	uint32_t index;		/* the rule's rank */
};

static int cmp_trip(const void *a, const void *b)
{
	const struct trip *x = a, *y = b;

	if (x->src != y->src)
		return x->src - y->src;
	if (x->dst != y->dst)
		return x->dst - y->dst;
	if (x->scope != y->scope)
		return x->scope - y->scope;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Disjoint port intervals, each with the first rule that matches it. */
struct piece {
	int lo, hi;
	uint32_t rule;
};

struct paint {
	struct piece *v;
	size_t n, cap;
};

/* Give @rule the ports of [@lo, @hi] no earlier rule has. */
static int paint_range(struct paint *pt, int lo, int hi, uint32_t rule)
{
	size_t a = 0, b = pt->n, pos;
	int cur = lo;

	while (a < b) {		/* the first piece ending at or after lo */
		size_t mid = (a + b) / 2;

		if (pt->v[mid].hi < lo)
			a = mid + 1;
		else
			b = mid;
	}
	pos = a;
	while (cur <= hi) {
		int end;

		if (pos < pt->n && pt->v[pos].lo <= cur) {
			cur = pt->v[pos++].hi + 1;
			continue;
		}
		end = pos < pt->n && pt->v[pos].lo - 1 < hi ?
		      pt->v[pos].lo - 1 : hi;
		if (pt->n == pt->cap) {
			struct piece *v;

			pt->cap = pt->cap ? pt->cap * 2 : 16;
			v = realloc(pt->v, pt->cap * sizeof(*v));
			if (!v)
				return -1;
			pt->v = v;
		}
		memmove(&pt->v[pos + 1], &pt->v[pos],
			(pt->n - pos) * sizeof(*pt->v));
		pt->v[pos++] = (struct piece){ cur, end, rule };
		pt->n++;
		cur = end + 1;
	}
	return 0;
}

struct emit {
	struct pctx *c;
	struct pol_maps *m;
	size_t cap;
};

static int emit_entry(struct emit *e, const struct trip *t, int proto,
		      int plen, uint16_t dport, const struct pol_rule *r)
{
	struct pol_maps *m = e->m;
	struct vswp_rule_key *k;

	if (m->n_entries == POL_ENTRIES_MAX)
		return fail_at(e->c, r->line, r->col,
			       "the rules compile into more than %d trie entries (port ranges cost up to 30 each, per pair of groups)",
			       POL_ENTRIES_MAX);
	if (m->n_entries == e->cap) {
		struct vswp_rule_key *nk;
		struct vswp_rule *nv;

		e->cap = e->cap ? e->cap * 2 : 64;
		nk = realloc(m->rule_keys, e->cap * sizeof(*nk));
		if (nk)
			m->rule_keys = nk;
		nv = realloc(m->rule_vals, e->cap * sizeof(*nv));
		if (nv)
			m->rule_vals = nv;
		if (!nk || !nv)
			return fail_at(e->c, 1, 1, "out of memory");
	}
	k = &m->rule_keys[m->n_entries];
	memset(k, 0, sizeof(*k));
	k->prefixlen = plen;
	k->src = htons(t->src);
	k->dst = htons(t->dst);
	k->scope = htons(t->scope);
	k->proto = proto < 0 ? 0 : proto;
	k->dport = htons(dport);
	m->rule_vals[m->n_entries].index = r->index;
	m->n_entries++;
	return 0;
}

/* [lo, hi] as prefixes of the 16-bit port. */
static int emit_range(struct emit *e, const struct trip *t, int proto,
		      int lo, int hi, const struct pol_rule *r)
{
	while (lo <= hi) {
		int k = 16;

		while (k && ((lo & ((1 << k) - 1)) || lo + (1 << k) - 1 > hi))
			k--;
		if (emit_entry(e, t, proto, VSWP_KEY_ANY_PORT + 16 - k, lo, r))
			return -1;
		lo += 1 << k;
	}
	return 0;
}

/*
 * The entries of one {src, dst, scope}: @t[0..n) in rank order. Rules on
 * any protocol get the short key, and are painted into each protocol's
 * intervals as well, so that the longest match is the first match.
 */
static int compile_trip(struct emit *e, const struct trip *t, size_t n,
			struct paint *pt)
{
	const struct pol_rule *rules = e->c->p->rules;
	uint8_t seen[256] = { 0 };
	size_t i, j;
	int proto;

	for (i = 0; i < n; i++)
		if (rules[t[i].rule].proto < 0) {
			if (emit_entry(e, t, -1, VSWP_KEY_ANY_PROTO, 0,
				       &rules[t[i].rule]))
				return -1;
			break;
		}
	for (i = 0; i < n; i++) {
		proto = rules[t[i].rule].proto;
		if (proto < 0 || seen[proto])
			continue;
		seen[proto] = 1;
		pt->n = 0;
		/* in rank order: this protocol's rules and any-protocol ones */
		for (j = 0; j < n; j++) {
			const struct pol_rule *r = &rules[t[j].rule];
			size_t k;

			if (r->proto >= 0 && r->proto != proto)
				continue;
			if (!r->n_ranges || !proto_has_ports(proto)) {
				if (paint_range(pt, 0, 65535, t[j].rule))
					return fail_at(e->c, 1, 1, "out of memory");
				break;		/* every port is taken */
			}
			for (k = 0; k < r->n_ranges; k++)
				if (paint_range(pt, r->ranges[k].lo,
						r->ranges[k].hi, t[j].rule))
					return fail_at(e->c, 1, 1, "out of memory");
		}
		if (pt->n == 1 && pt->v[0].lo == 0 && pt->v[0].hi == 65535) {
			if (emit_entry(e, t, proto, VSWP_KEY_ANY_PORT, 0,
				       &rules[pt->v[0].rule]))
				return -1;
			continue;
		}
		for (j = 0; j < pt->n; j++) {
			int lo = pt->v[j].lo, hi = pt->v[j].hi;

			/* join the next pieces of the same rule */
			while (j + 1 < pt->n && pt->v[j + 1].rule == pt->v[j].rule &&
			       pt->v[j + 1].lo == hi + 1)
				hi = pt->v[++j].hi;
			if (emit_range(e, t, proto, lo, hi, &rules[pt->v[j].rule]))
				return -1;
		}
	}
	return 0;
}

static int compile_rules(struct pctx *c, struct pol_maps *m)
{
	const struct policy *p = c->p;
	struct emit e = { .c = c, .m = m };
	struct paint pt = { 0 };
	struct trip *t = NULL;
	size_t i, n = 0, cap = 0, a, b;
	int ret = -1;

	for (i = 0; i < p->n_rules; i++) {
		const struct pol_rule *r = &p->rules[i];
		size_t ns = r->n_scope ? r->n_scope : 1, f, d, s;

		if (r->n_from * r->n_to * ns > POL_ENTRIES_MAX - n) {
			fail_at(c, r->line, r->col,
				"the rules compile into more than %d trie entries",
				POL_ENTRIES_MAX);
			goto out;
		}
		if (n + r->n_from * r->n_to * ns > cap) {
			struct trip *nt;

			cap = (n + r->n_from * r->n_to * ns) * 2;
			nt = realloc(t, cap * sizeof(*t));
			if (!nt) {
				fail_at(c, 1, 1, "out of memory");
				goto out;
			}
			t = nt;
		}
		for (f = 0; f < r->n_from; f++)
			for (d = 0; d < r->n_to; d++)
				for (s = 0; s < ns; s++)
					t[n++] = (struct trip){
						r->from[f], r->to[d],
						r->n_scope ? r->scope[s] :
							     VSWP_GROUP_ANY,
						i, r->index };
	}
	qsort(t, n, sizeof(*t), cmp_trip);
	for (a = 0; a < n; a = b) {
		for (b = a + 1; b < n && t[b].src == t[a].src &&
		     t[b].dst == t[a].dst && t[b].scope == t[a].scope; b++)
			;
		if (compile_trip(&e, &t[a], b - a, &pt))
			goto out;
	}
	ret = 0;
out:
	free(pt.v);
	free(t);
	return ret;
}

/* role @bit for each of @ids, "any" in the cfg */
static void roles_add(struct pol_maps *m, const uint16_t *ids, size_t n,
		      uint8_t bit)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ids[i] == VSWP_GROUP_ANY)
			m->cfg.any_roles |= bit;
		else if (ids[i] < VSWP_GROUP_IDS)
			m->roles[ids[i]] |= bit;
	}
}

void pol_maps_roles(const struct pol_maps *m, const struct vswp_groups *g,
		    struct vswp_roles *out)
{
	int i, ri;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < g->n && i < VSWP_GROUPS_MAX; i++)
		for (ri = 0; ri < VSWP_ROLES; ri++)
			if (g->id[i] < VSWP_GROUP_IDS &&
			    (m->roles[g->id[i]] >> ri & 1))
				out->of[ri].id[out->of[ri].n++] = g->id[i];
}

/* The roles each group plays in the rules (the program skips the rest). */
static void compile_roles(const struct policy *p, struct pol_maps *m)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++) {
		const struct pol_rule *r = &p->rules[i];

		roles_add(m, r->from, r->n_from, VSWP_ROLE_SRC);
		roles_add(m, r->to, r->n_to, VSWP_ROLE_DST);
		if (r->n_scope)
			roles_add(m, r->scope, r->n_scope, VSWP_ROLE_SCOPE);
		else
			m->cfg.any_roles |= VSWP_ROLE_SCOPE;
	}
}

int policy_compile(struct policy *p, struct pol_maps *m, char *err,
		   size_t errlen)
{
	struct pctx c = { .name = p->name ? p->name : "policy", .err = err,
			  .errlen = errlen, .p = p };
	size_t i;

	memset(m, 0, sizeof(*m));
	m->cfg.n_rules = p->n_rules;
	m->cfg.default_action = p->default_action;
	m->meta = calloc(p->n_rules + 1, sizeof(*m->meta));
	if (!m->meta) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	m->n_meta = p->n_rules;
	for (i = 0; i < p->n_rules; i++) {
		struct vswp_rule_meta *x = &m->meta[p->rules[i].index];

		x->id = p->rules[i].id;
		x->priority = p->rules[i].priority;
		x->action = p->rules[i].action;
	}
	if (compile_ports(&c, m) || compile_family(&c, m, 0) ||
	    compile_family(&c, m, 1) || compile_rules(&c, m))
		goto fail;
	compile_roles(p, m);
	return 0;
fail:
	pol_maps_free(m);
	return -1;
}

/* --------------------------------------------------- decisions, in C */

/* Add @id to @ids when it plays @role, as the program does. */
static void maps_add(const struct pol_maps *m, uint16_t id, uint8_t role,
		     int *n, uint16_t *ids)
{
	uint8_t r = id == VSWP_GROUP_ANY ? m->cfg.any_roles :
		    id < VSWP_GROUP_IDS ? m->roles[id] : 0;

	if (r & role)
		ids[(*n)++] = id;
}

/*
 * The groups in @role of port @name and address @addr, as the program
 * finds them.
 */
static void maps_groups(const struct pol_maps *m, uint8_t role,
			const char *name, const uint8_t *addr, bool v6,
			int *n_out, uint16_t *ids)
{
	const struct pol_port *pp = name ? port_find(m, name) : NULL;
	const struct vswp_groups *best = NULL;
	int best_len = -1, i;
	size_t k;

	*n_out = 0;
	if (pp)
		for (i = 0; i < pp->g.n; i++)
			maps_add(m, pp->g.id[i], role, n_out, ids);
	for (k = 0; k < (v6 ? m->n_v6 : m->n_v4); k++) {
		struct pol_prefix q = { .v6 = v6 }, a = { .v6 = v6 };

		q.len = v6 ? m->v6_keys[k].prefixlen : m->v4_keys[k].prefixlen;
		memcpy(q.addr, v6 ? m->v6_keys[k].addr : m->v4_keys[k].addr,
		       v6 ? 16 : 4);
		a.len = v6 ? 128 : 32;
		memcpy(a.addr, addr, v6 ? 16 : 4);
		if (prefix_contains(&q, &a) && q.len > best_len) {
			best_len = q.len;
			best = v6 ? &m->v6_vals[k] : &m->v4_vals[k];
		}
	}
	if (best)
		for (i = 0; i < best->n; i++)
			maps_add(m, best->id[i], role, n_out, ids);
	maps_add(m, VSWP_GROUP_ANY, role, n_out, ids);
}

/* The longest match of @k among the entries (linear: tests only). */
static const struct vswp_rule *maps_lpm(const struct pol_maps *m,
					const struct vswp_rule_key *k)
{
	const struct vswp_rule *best = NULL;
	uint32_t best_len = 0;
	size_t i;

	for (i = 0; i < m->n_entries; i++) {
		const struct vswp_rule_key *e = &m->rule_keys[i];
		const uint8_t *x = (const uint8_t *)&e->src;
		const uint8_t *y = (const uint8_t *)&k->src;
		uint32_t full = e->prefixlen / 8, rest = e->prefixlen % 8;

		if (e->prefixlen > k->prefixlen || memcmp(x, y, full) ||
		    (rest && ((x[full] ^ y[full]) & (uint8_t)(0xff << (8 - rest)))))
			continue;
		if (!best || e->prefixlen > best_len) {
			best = &m->rule_vals[i];
			best_len = e->prefixlen;
		}
	}
	return best;
}

int pol_maps_decide(const struct pol_maps *m, const struct pol_packet *pk)
{
	uint16_t src[2 * VSWP_GROUPS_MAX + 1], dst[2 * VSWP_GROUPS_MAX + 1];
	uint16_t scope[2 * VSWP_GROUPS_MAX + 1];
	const struct pol_port *in = pk->in_port ? port_find(m, pk->in_port) : NULL;
	const struct pol_port *out = pk->out_port ? port_find(m, pk->out_port) : NULL;
	int ns = 0, nd = 0, nsc = 0, i, j, l, best = -1;
	struct vswp_rule_key k = { .prefixlen = VSWP_KEY_BITS };

	maps_groups(m, VSWP_ROLE_SRC, pk->in_port, pk->src, pk->v6, &ns, src);
	maps_groups(m, VSWP_ROLE_DST, pk->out_port, pk->dst, pk->v6, &nd, dst);
	for (i = 0; in && i < in->g.n; i++)
		maps_add(m, in->g.id[i], VSWP_ROLE_SCOPE, &nsc, scope);
	for (i = 0; out && i < out->g.n; i++)
		maps_add(m, out->g.id[i], VSWP_ROLE_SCOPE, &nsc, scope);
	maps_add(m, VSWP_GROUP_ANY, VSWP_ROLE_SCOPE, &nsc, scope);
	k.proto = pk->proto;
	k.dport = htons(proto_has_ports(pk->proto) ? pk->dport : 0);
	for (i = 0; i < ns; i++)
		for (j = 0; j < nd; j++)
			for (l = 0; l < nsc; l++) {
				const struct vswp_rule *r;

				k.src = htons(src[i]);
				k.dst = htons(dst[j]);
				k.scope = htons(scope[l]);
				r = maps_lpm(m, &k);
				if (r && (best < 0 || r->index < (uint32_t)best))
					best = r->index;
			}
	return best;
}

/* ------------------------------------------------ the definition, in C */

/* Group @g holds the port named @port. */
static bool group_has_port(const struct pol_group *g, const char *port)
{
	size_t i;

	for (i = 0; port && i < g->n_ports; i++)
		if (!strcmp(g->ports[i], port))
			return true;
	return false;
}

/* Endpoint (@port, @addr) is in group @g ("any" included). */
static bool endpoint_in(const struct policy *p, uint16_t g, const char *port,
			const uint8_t *addr, bool v6)
{
	struct pol_prefix a = { .v6 = v6, .len = v6 ? 128 : 32 };
	size_t i;

	if (g == VSWP_GROUP_ANY || group_has_port(&p->groups[g], port))
		return true;
	memcpy(a.addr, addr, v6 ? 16 : 4);
	for (i = 0; i < p->n_prefixes; i++)
		if (p->prefixes[i].group == g && p->prefixes[i].v6 == v6 &&
		    prefix_contains(&p->prefixes[i], &a))
			return true;
	return false;
}

static bool rule_matches(const struct policy *p, const struct pol_rule *r,
			 const struct pol_packet *pk)
{
	bool ok = false;
	size_t i;

	if (r->proto >= 0 && r->proto != pk->proto)
		return false;
	if (r->n_ranges) {
		for (i = 0; i < r->n_ranges; i++)
			ok |= pk->dport >= r->ranges[i].lo &&
			      pk->dport <= r->ranges[i].hi;
		if (!ok)
			return false;
	}
	for (ok = false, i = 0; i < r->n_from && !ok; i++)
		ok = endpoint_in(p, r->from[i], pk->in_port, pk->src, pk->v6);
	if (!ok)
		return false;
	for (ok = false, i = 0; i < r->n_to && !ok; i++)
		ok = endpoint_in(p, r->to[i], pk->out_port, pk->dst, pk->v6);
	if (!ok)
		return false;
	if (!r->n_scope)
		return true;
	for (i = 0; i < r->n_scope; i++)
		if (group_has_port(&p->groups[r->scope[i]], pk->in_port) ||
		    group_has_port(&p->groups[r->scope[i]], pk->out_port))
			return true;
	return false;
}

int policy_first_match(const struct policy *p, const struct pol_packet *pk)
{
	int best = -1;
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		if ((best < 0 || p->rules[i].index < (uint32_t)best) &&
		    rule_matches(p, &p->rules[i], pk))
			best = p->rules[i].index;
	return best;
}
