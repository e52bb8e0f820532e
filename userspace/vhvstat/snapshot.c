// SPDX-License-Identifier: GPL-2.0
/*
 * snapshot.c - parse the text of /proc/vhv/snapshot
 *
 * Strict on structure, lenient on content: every word after the record
 * type must be key=value with a non-empty value, every key this version
 * defines must be there exactly once and hold a valid value, records must
 * come in the documented order; keys and record types this reader does not
 * know are skipped so that a newer module does not break an older tool.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"

enum ftype {
	F_U64,		/* decimal, no sign */
	F_OPT,		/* decimal, or -1 for "not available" (int64_t) */
	F_BOOL,		/* 0 or 1 */
	F_STR,		/* a word, bytes outside [!-~] and %= as %XX; "-": none */
	F_ENUM,		/* one of the words in names[], stored as its index */
	F_HIST,		/* VHV_HIST_BUCKETS decimals, comma-separated */
	F_CULPRITS,	/* "-" or up to VHV_STOLEN_BY_VM <id>:<ns>, comma-separated */
};

struct field {
	const char *key;
	enum ftype type;
	size_t off;
	const char *const *names;	/* F_ENUM */
	unsigned int n_names;
};

#define FLD(st, k, t)	{ #k, t, offsetof(struct st, k), NULL, 0 }
#define ENUM(st, k, nm)	{ #k, F_ENUM, offsetof(struct st, k), nm, NFIELDS(nm) }
#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))
#define STOLEN(k, c)	{ k, F_U64, offsetof(struct vhv_stolen, ns) + \
			  (c) * sizeof(uint64_t), NULL, 0 }

/* F_ENUM fields are stored through an int. */
_Static_assert(sizeof(enum vhv_vcpu_state) == sizeof(int) &&
	       sizeof(enum vhv_vm_status) == sizeof(int), "enum size");

const char *const vhv_vcpu_state_names[VHV_ST_MAX] = {
	[VHV_ST_GUEST] = "guest",
	[VHV_ST_KVM] = "kvm",
	[VHV_ST_READY] = "ready",
	[VHV_ST_HALTED] = "halted",
	[VHV_ST_SWAPWAIT] = "swapwait",
	[VHV_ST_BLOCKED] = "blocked",
	[VHV_ST_VMM] = "vmm",
	[VHV_ST_STOPPED] = "stopped",
};

const char *const vhv_vm_status_names[VHV_VM_STATUS_MAX] = {
	[VHV_VM_OK] = "ok",
	[VHV_VM_DEGRADED] = "degraded",
	[VHV_VM_STALLED] = "stalled",
	[VHV_VM_PAUSED] = "paused",
};

const char *const vhv_stolen_names[VHV_STOLEN_MAX] = {
	[VHV_STOLEN_SAME_VM] = "same_vm",
	[VHV_STOLEN_OTHER_VMS] = "other_vms",
	[VHV_STOLEN_KSWAPD] = "kswapd",
	[VHV_STOLEN_KSMD] = "ksmd",
	[VHV_STOLEN_VHOST] = "vhost",
	[VHV_STOLEN_KWORKER] = "kworker",
	[VHV_STOLEN_KTHREAD] = "kthread",
	[VHV_STOLEN_PROCESS] = "process",
	[VHV_STOLEN_UNATTRIBUTED] = "unattributed",
};

static const struct field header_fields[] = {
	FLD(vhv_snapshot, version, F_U64),
	FLD(vhv_snapshot, time_ns, F_U64),
	FLD(vhv_snapshot, hz, F_U64),
};

static const struct field host_fields[] = {
	FLD(vhv_host, nr_vms, F_U64),
	FLD(vhv_host, nr_vcpus, F_U64),
	FLD(vhv_host, nr_cpus, F_U64),
	FLD(vhv_host, guest_mem_bytes, F_U64),
	FLD(vhv_host, ram_bytes, F_U64),
	FLD(vhv_host, stall_threshold_ms, F_U64),
	FLD(vhv_host, track_failures, F_U64),
	FLD(vhv_host, untracked_vcpus, F_U64),
};

static const struct field vm_fields[] = {
	FLD(vhv_vm, id, F_U64),
	FLD(vhv_vm, pid, F_U64),
	FLD(vhv_vm, nr_vcpus, F_U64),
	FLD(vhv_vm, mem_bytes, F_U64),
	FLD(vhv_vm, swap_bytes, F_U64),
	FLD(vhv_vm, majflt, F_U64),
	FLD(vhv_vm, swap_wait_ns, F_U64),
	FLD(vhv_vm, heartbeat_ms, F_U64),
	FLD(vhv_vm, stalled, F_BOOL),
	ENUM(vhv_vm, status, vhv_vm_status_names),
	FLD(vhv_vm, stalled_vcpus, F_U64),
	FLD(vhv_vm, stall_count, F_U64),
	FLD(vhv_vm, pause_count, F_U64),
	FLD(vhv_vm, cgroup, F_STR),
	FLD(vhv_vm, mem_pressure_some_us, F_OPT),
	FLD(vhv_vm, mem_pressure_full_us, F_OPT),
	FLD(vhv_vm, apf_faults, F_U64),
	FLD(vhv_vm, apf_wait_ns, F_U64),
	FLD(vhv_vm, apf_max_ns, F_U64),
};

static const struct field vcpu_fields[] = {
	FLD(vhv_vcpu, vm, F_U64),
	FLD(vhv_vcpu, idx, F_U64),
	FLD(vhv_vcpu, vcpu_id, F_U64),
	FLD(vhv_vcpu, tid, F_U64),
	FLD(vhv_vcpu, ready_ns, F_U64),
	FLD(vhv_vcpu, run_ns, F_U64),
	FLD(vhv_vcpu, guest_ns, F_U64),
	FLD(vhv_vcpu, halt_ns, F_U64),
	FLD(vhv_vcpu, exits, F_U64),
	FLD(vhv_vcpu, preemptions, F_U64),
	FLD(vhv_vcpu, ready_max_ns, F_U64),
	FLD(vhv_vcpu, swap_wait_ns, F_U64),
	FLD(vhv_vcpu, swapin_delay_ns, F_OPT),
	FLD(vhv_vcpu, majflt, F_U64),
	ENUM(vhv_vcpu, state, vhv_vcpu_state_names),
	FLD(vhv_vcpu, state_ms, F_U64),
	FLD(vhv_vcpu, stalled, F_BOOL),
	FLD(vhv_vcpu, stall_count, F_U64),
	FLD(vhv_vcpu, ready_hist, F_HIST),
};

/* The keys are vhv_stolen_names[] with "_ns", in the same order. */
static const struct field stolen_fields[] = {
	FLD(vhv_stolen, vm, F_U64),
	STOLEN("same_vm_ns", VHV_STOLEN_SAME_VM),
	STOLEN("other_vms_ns", VHV_STOLEN_OTHER_VMS),
	STOLEN("kswapd_ns", VHV_STOLEN_KSWAPD),
	STOLEN("ksmd_ns", VHV_STOLEN_KSMD),
	STOLEN("vhost_ns", VHV_STOLEN_VHOST),
	STOLEN("kworker_ns", VHV_STOLEN_KWORKER),
	STOLEN("kthread_ns", VHV_STOLEN_KTHREAD),
	STOLEN("process_ns", VHV_STOLEN_PROCESS),
	STOLEN("unattributed_ns", VHV_STOLEN_UNATTRIBUTED),
	FLD(vhv_stolen, by_vm, F_CULPRITS),
};

/* parse_fields() marks the keys it has seen in a 32-bit mask. */
_Static_assert(NFIELDS(header_fields) <= 32 && NFIELDS(host_fields) <= 32 &&
	       NFIELDS(vm_fields) <= 32 && NFIELDS(vcpu_fields) <= 32 &&
	       NFIELDS(stolen_fields) <= 32,
	       "too many keys for the seen mask");
_Static_assert(NFIELDS(stolen_fields) == VHV_STOLEN_MAX + 2, "stolen keys");

#define MAX_WORDS	256

/* One line cut into NUL-terminated words, with its number for messages. */
struct line {
	char *text;
	char *words[MAX_WORDS];
	int n;
	unsigned int no;
};

struct ctx {
	struct vhv_parser *p;
	struct line ln;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct ctx *c, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%u: %s", c->p->name, c->ln.no, msg);
	return -1;
}

static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int d;

		if (*s < '0' || *s > '9')
			return -1;
		d = (unsigned int)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return 0;
}

static int hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Decode %XX in place (the module escapes blanks, controls, '%', '='). */
static int unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		int hi, lo;

		if (*s != '%') {
			*out++ = *s;
			continue;
		}
		hi = hex(s[1]);
		lo = hi < 0 ? -1 : hex(s[2]);
		if (lo < 0 || (hi | lo) == 0)
			return -1;
		*out++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*out = '\0';
	return 0;
}

static int valid_key(const char *k, size_t len)
{
	size_t i;

	if (!len)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = k[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_'))
			return 0;
	}
	return 1;
}

/*
 * A word from a fixed set, stored as its index. An unknown word is an
 * error like a malformed number: vhvstat could neither name the state nor
 * tell whether it is a stall.
 */
static int set_enum(struct ctx *c, const struct field *f, void *dst,
		    const char *val)
{
	char list[128] = "";
	unsigned int i;
	int v;

	for (v = 0; v < (int)f->n_names; v++) {
		if (!strcmp(val, f->names[v])) {
			memcpy(dst, &v, sizeof(v));
			return 0;
		}
	}
	for (i = 0; i < f->n_names; i++) {
		if (i)
			strncat(list, "|", sizeof(list) - strlen(list) - 1);
		strncat(list, f->names[i], sizeof(list) - strlen(list) - 1);
	}
	return fail(c, "%s: '%s' is not one of %s", f->key, val, list);
}

static int set_hist(struct ctx *c, const struct field *f, char *dst,
		    const char *val)
{
	uint64_t h[VHV_HIST_BUCKETS];
	char num[24];
	const char *p = val;
	unsigned int i;
	size_t n;

	for (i = 0; i < VHV_HIST_BUCKETS; i++) {
		n = strcspn(p, ",");
		if (!n || n >= sizeof(num))
			break;
		memcpy(num, p, n);
		num[n] = '\0';
		if (parse_u64(num, &h[i]))
			break;
		p += n;
		if (i + 1 < VHV_HIST_BUCKETS && *p++ != ',')
			break;
	}
	if (i < VHV_HIST_BUCKETS || *p)
		return fail(c, "%s: '%s' is not %d comma-separated unsigned decimal numbers",
			    f->key, val, VHV_HIST_BUCKETS);
	memcpy(dst, h, sizeof(h));
	return 0;
}

static int by_ns(const void *a, const void *b)
{
	const struct vhv_culprit *x = a, *y = b;

	if (x->ns != y->ns)
		return x->ns < y->ns ? 1 : -1;
	return x->vm < y->vm ? -1 : x->vm > y->vm;
}

/*
 * by_vm: "-", or <vmid>:<ns> pairs, comma-separated, each VM once. The
 * module sorts them by ns; they are sorted again here (ns descending, then
 * id) so that the top ones do not depend on it.
 */
static int set_culprits(struct ctx *c, const struct field *f, char *dst,
			const char *val)
{
	struct vhv_culprits l = { 0 };
	const char *p = val;
	char num[24];
	size_t i, n;

	if (strcmp(val, "-")) {
		for (;;) {
			struct vhv_culprit *e = &l.e[l.n];

			if (l.n == VHV_STOLEN_BY_VM)
				return fail(c, "%s: more than %d entries", f->key,
					    VHV_STOLEN_BY_VM);
			n = strcspn(p, ":,");
			if (!n || n >= sizeof(num) || p[n] != ':')
				goto bad;
			memcpy(num, p, n);
			num[n] = '\0';
			if (parse_u64(num, &e->vm))
				goto bad;
			p += n + 1;
			n = strcspn(p, ":,");
			if (!n || n >= sizeof(num) || p[n] == ':')
				goto bad;
			memcpy(num, p, n);
			num[n] = '\0';
			if (parse_u64(num, &e->ns))
				goto bad;
			for (i = 0; i < l.n; i++)
				if (l.e[i].vm == e->vm)
					return fail(c, "%s: vm %llu listed twice", f->key,
						    (unsigned long long)e->vm);
			l.n++;
			p += n;
			if (!*p)
				break;
			p++;	/* the ',' */
		}
	}
	qsort(l.e, l.n, sizeof(l.e[0]), by_ns);
	memcpy(dst, &l, sizeof(l));
	return 0;
bad:
	return fail(c, "%s: '%s' is neither - nor comma-separated <vmid>:<ns> pairs",
		    f->key, val);
}

static int set_field(struct ctx *c, const struct field *f, void *obj,
		     const char *val)
{
	char *dst = (char *)obj + f->off;
	uint64_t u;

	switch (f->type) {
	case F_U64:
		if (parse_u64(val, &u))
			return fail(c, "%s: '%s' is not an unsigned decimal number",
				    f->key, val);
		memcpy(dst, &u, sizeof(u));
		return 0;
	case F_OPT: {
		int64_t d;

		if (!strcmp(val, "-1")) {
			d = VHV_NA;
		} else if (parse_u64(val, &u) || u > INT64_MAX) {
			return fail(c, "%s: '%s' is neither -1 nor an unsigned decimal number",
				    f->key, val);
		} else {
			d = (int64_t)u;
		}
		memcpy(dst, &d, sizeof(d));
		return 0;
	}
	case F_BOOL: {
		bool b;

		if (strcmp(val, "0") && strcmp(val, "1"))
			return fail(c, "%s: '%s' is not 0 or 1", f->key, val);
		b = val[0] == '1';
		memcpy(dst, &b, sizeof(b));
		return 0;
	}
	case F_STR: {
		char *s = NULL;

		if (strcmp(val, "-")) {
			s = strdup(val);
			if (!s)
				return fail(c, "out of memory");
			if (unescape(s)) {
				free(s);
				return fail(c, "%s: bad %%-escape in '%s'", f->key, val);
			}
		}
		memcpy(dst, &s, sizeof(s));
		return 0;
	}
	case F_ENUM:
		return set_enum(c, f, dst, val);
	case F_HIST:
		return set_hist(c, f, dst, val);
	case F_CULPRITS:
		return set_culprits(c, f, dst, val);
	}
	return fail(c, "internal error: field type");
}

/*
 * Fill @obj from the key=value words of the current line (after the record
 * type). @version_check: for the header, report a version mismatch before
 * complaining about keys a different version may not have.
 */
static int parse_fields(struct ctx *c, const struct field *fl, size_t n,
			void *obj, bool version_check)
{
	uint32_t seen = 0;
	size_t j;
	int i;

	for (i = 1; i < c->ln.n; i++) {
		char *w = c->ln.words[i];
		char *eq = strchr(w, '=');
		size_t klen;

		if (!eq)
			return fail(c, "'%s': expected key=value", w);
		klen = (size_t)(eq - w);
		if (!valid_key(w, klen))
			return fail(c, "'%s': bad key (expected [a-z0-9_]+)", w);
		if (!eq[1])
			return fail(c, "'%s': empty value", w);
		for (j = 0; j < n; j++)
			if (strlen(fl[j].key) == klen && !strncmp(fl[j].key, w, klen))
				break;
		if (j == n)
			continue;	/* a key from a newer module */
		if (seen & (1u << j))
			return fail(c, "%s: key given twice", fl[j].key);
		if (set_field(c, &fl[j], obj, eq + 1))
			return -1;
		seen |= 1u << j;
	}
	if (version_check && (seen & 1u)) {
		uint64_t v;

		memcpy(&v, (char *)obj + fl[0].off, sizeof(v));
		if (v != VHV_SNAPSHOT_VERSION)
			return fail(c, "unsupported snapshot version %llu (vhvstat reads version %d)",
				    (unsigned long long)v, VHV_SNAPSHOT_VERSION);
	}
	for (j = 0; j < n; j++)
		if (!(seen & (1u << j)))
			return fail(c, "%s: missing key '%s'", c->ln.words[0], fl[j].key);
	return 0;
}

void vhv_parser_init(struct vhv_parser *p, const char *name,
		     const char *buf, size_t len)
{
	p->name = name;
	p->buf = buf;
	p->len = len;
	p->pos = 0;
	p->line = 0;
}

/*
 * Read the next line that is not blank or a comment into c->ln.
 * Return 1, 0 at the end of the buffer, -1 on error.
 */
static int next_line(struct ctx *c)
{
	struct vhv_parser *p = c->p;

	for (;;) {
		const char *start = p->buf + p->pos, *nl;
		size_t len, i;
		char *t;

		if (p->pos >= p->len)
			return 0;
		nl = memchr(start, '\n', p->len - p->pos);
		len = nl ? (size_t)(nl - start) : p->len - p->pos;
		p->pos += len + (nl ? 1 : 0);
		p->line++;

		free(c->ln.text);
		c->ln.text = NULL;
		c->ln.n = 0;
		c->ln.no = p->line;
		if (memchr(start, '\0', len))
			return fail(c, "NUL byte in line");
		t = malloc(len + 1);
		if (!t)
			return fail(c, "out of memory");
		memcpy(t, start, len);
		t[len] = '\0';
		c->ln.text = t;

		for (i = 0; i < len;) {
			while (i < len && (t[i] == ' ' || t[i] == '\t'))
				t[i++] = '\0';
			if (i == len)
				break;
			if (c->ln.n == MAX_WORDS)
				return fail(c, "more than %d words", MAX_WORDS);
			c->ln.words[c->ln.n++] = t + i;
			while (i < len && t[i] != ' ' && t[i] != '\t')
				i++;
		}
		if (c->ln.n && c->ln.words[0][0] != '#')
			return 1;
	}
}

static int is(const struct ctx *c, const char *type)
{
	return !strcmp(c->ln.words[0], type);
}

static int add_vm(struct ctx *c, struct vhv_snapshot *s)
{
	struct vhv_vm vm = { 0 }, *n;

	if (parse_fields(c, vm_fields, NFIELDS(vm_fields), &vm, false)) {
		free(vm.cgroup);
		return -1;
	}
	if (vhv_snapshot_find_vm(s, vm.id)) {
		free(vm.cgroup);
		return fail(c, "vm id=%llu listed twice", (unsigned long long)vm.id);
	}
	n = realloc(s->vms, (s->n_vms + 1) * sizeof(*n));
	if (!n) {
		free(vm.cgroup);
		return fail(c, "out of memory");
	}
	s->vms = n;
	s->vms[s->n_vms++] = vm;
	return 0;
}

static int add_vcpu(struct ctx *c, struct vhv_snapshot *s)
{
	struct vhv_vcpu v = { 0 }, *n;
	struct vhv_vm *vm;

	if (!s->n_vms)
		return fail(c, "vcpu line before any vm line");
	vm = &s->vms[s->n_vms - 1];
	if (parse_fields(c, vcpu_fields, NFIELDS(vcpu_fields), &v, false))
		return -1;
	if (v.vm != vm->id)
		return fail(c, "vcpu vm=%llu follows vm id=%llu",
			    (unsigned long long)v.vm, (unsigned long long)vm->id);
	if (vm->has_stolen)
		return fail(c, "vcpu vm=%llu after the stolen line of its vm",
			    (unsigned long long)v.vm);
	if (vhv_vm_find_vcpu(vm, v.idx))
		return fail(c, "vcpu vm=%llu idx=%llu listed twice",
			    (unsigned long long)v.vm, (unsigned long long)v.idx);
	n = realloc(vm->vcpus, (vm->n_vcpus + 1) * sizeof(*n));
	if (!n)
		return fail(c, "out of memory");
	vm->vcpus = n;
	vm->vcpus[vm->n_vcpus++] = v;
	return 0;
}

/* The stolen line of the last vm line: after its vcpu lines, at most one. */
static int add_stolen(struct ctx *c, struct vhv_snapshot *s)
{
	struct vhv_stolen st = { 0 };
	struct vhv_vm *vm;

	if (!s->n_vms)
		return fail(c, "stolen line before any vm line");
	vm = &s->vms[s->n_vms - 1];
	if (parse_fields(c, stolen_fields, NFIELDS(stolen_fields), &st, false))
		return -1;
	if (st.vm != vm->id)
		return fail(c, "stolen vm=%llu follows vm id=%llu",
			    (unsigned long long)st.vm, (unsigned long long)vm->id);
	if (vm->has_stolen)
		return fail(c, "stolen vm=%llu listed twice", (unsigned long long)st.vm);
	vm->stolen = st;
	vm->has_stolen = true;
	return 0;
}

/* After the header: host, then vm/vcpu/stolen records, then end. */
static int parse_body(struct ctx *c, struct vhv_snapshot *s)
{
	int r;

	r = next_line(c);
	if (r <= 0)
		return r ? r : fail(c, "truncated snapshot: no host line");
	if (!is(c, "host"))
		return fail(c, "expected a host line, got '%s'", c->ln.words[0]);
	if (parse_fields(c, host_fields, NFIELDS(host_fields), &s->host, false))
		return -1;

	while ((r = next_line(c)) > 0) {
		if (is(c, "end"))
			return 0;
		if (is(c, "vm"))
			r = add_vm(c, s);
		else if (is(c, "vcpu"))
			r = add_vcpu(c, s);
		else if (is(c, "stolen"))
			r = add_stolen(c, s);
		else if (is(c, "host") || is(c, "vhv-snapshot"))
			r = fail(c, "unexpected '%s' line inside a snapshot",
				 c->ln.words[0]);
		else	/* a record type from a newer module: check its shape */
			r = parse_fields(c, NULL, 0, NULL, false);
		if (r)
			return r;
	}
	return r ? r : fail(c, "truncated snapshot: no end line");
}

int vhv_snapshot_next(struct vhv_parser *p, struct vhv_snapshot *s,
		      char *err, size_t errlen)
{
	struct ctx c = { .p = p, .err = err, .errlen = errlen };
	int r;

	memset(s, 0, sizeof(*s));
	r = next_line(&c);
	if (r > 0) {
		if (!is(&c, "vhv-snapshot"))
			r = fail(&c, "expected a vhv-snapshot header, got '%s'",
				 c.ln.words[0]);
		else if (parse_fields(&c, header_fields, NFIELDS(header_fields),
				      s, true))
			r = -1;
		else
			r = parse_body(&c, s) ? -1 : 1;
	}
	free(c.ln.text);
	if (r != 1)
		vhv_snapshot_free(s);
	return r;
}

int vhv_snapshot_parse(const char *name, const char *buf, size_t len,
		       struct vhv_snapshot *s, char *err, size_t errlen)
{
	struct vhv_parser p;
	struct vhv_snapshot extra;
	int r;

	vhv_parser_init(&p, name, buf, len);
	r = vhv_snapshot_next(&p, s, err, errlen);
	if (r == 0)
		snprintf(err, errlen, "%s: no snapshot", name);
	if (r != 1)
		return -1;
	r = vhv_snapshot_next(&p, &extra, err, errlen);
	if (r == 0)
		return 0;
	if (r == 1) {
		vhv_snapshot_free(&extra);
		snprintf(err, errlen, "%s:%u: more than one snapshot", name, p.line);
	}
	vhv_snapshot_free(s);
	return -1;
}

void vhv_snapshot_free(struct vhv_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->n_vms; i++) {
		free(s->vms[i].cgroup);
		free(s->vms[i].name);
		free(s->vms[i].uuid);
		free(s->vms[i].vmid);
		free(s->vms[i].machine);
		free(s->vms[i].vcpus);
	}
	free(s->vms);
	memset(s, 0, sizeof(*s));
}

const struct vhv_vm *vhv_snapshot_find_vm(const struct vhv_snapshot *s,
					  uint64_t id)
{
	size_t i;

	for (i = 0; i < s->n_vms; i++)
		if (s->vms[i].id == id)
			return &s->vms[i];
	return NULL;
}

const struct vhv_vcpu *vhv_vm_find_vcpu(const struct vhv_vm *vm, uint64_t idx)
{
	size_t i;

	for (i = 0; i < vm->n_vcpus; i++)
		if (vm->vcpus[i].idx == idx)
			return &vm->vcpus[i];
	return NULL;
}
