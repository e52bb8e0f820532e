// SPDX-License-Identifier: GPL-2.0
/*
 * events.c - vhv's tracepoints as a stream of JSON or text lines
 *
 * Why tracepoints: the module already emits every event an operator lines
 * up with an incident (ready waits above ready_trace_us, vCPU and VM
 * stalls and recoveries with state and reason, pauses, VMs and vCPUs
 * added and removed), tracefs gives each reader a private instance with
 * its own buffer, clock and loss count, and nothing in the module has to
 * change for it. A netlink channel would add a second way for the same
 * events and code on the module's hot paths.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "ident.h"
#include "print.h"
#include "snapshot.h"

/* --------------------------------------------------------------- parsing */

static bool is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

int vhv_event_parse(const char *line, struct vhv_event *ev)
{
	const char *p, *colon, *name;
	unsigned long long lost;
	char *end;
	size_t n;

	memset(ev, 0, sizeof(*ev));
	/* "CPU:1 [LOST 42 EVENTS]" */
	p = strstr(line, "[LOST ");
	if (p && sscanf(p, "[LOST %llu EVENTS]", &lost) == 1) {
		snprintf(ev->name, sizeof(ev->name), "lost");
		ev->lost = lost;
		return 1;
	}
	/* "... 1385.701600: vhv_vcpu_stall: vm=19 ..." */
	name = strstr(line, ": vhv_");
	if (!name)
		return 0;
	for (p = name; p > line && p[-1] != ' '; p--)
		;
	ev->ts = strtod(p, &end);
	if (end != name)
		return 0;		/* not a timestamp: another event's text */
	name += 6;
	colon = strchr(name, ':');
	n = colon ? (size_t)(colon - name) : 0;
	if (!n || n >= sizeof(ev->name))
		return -1;
	memcpy(ev->name, name, n);
	for (p = colon + 1; *p;) {
		const char *k = p, *v;
		size_t kl, vl;

		while (*k == ' ')
			k++;
		if (!*k || *k == '\n')
			break;
		for (kl = 0; is_key_char(k[kl]); kl++)
			;
		if (!kl || k[kl] != '=' || kl >= sizeof(ev->key[0]) ||
		    ev->n == VHV_EV_MAX_FIELDS)
			return -1;
		v = k + kl + 1;
		if (*v == '"') {
			const char *q = strchr(v + 1, '"');

			if (!q)
				return -1;
			vl = (size_t)(q - v - 1);
			p = q + 1;
			v++;
			ev->quoted[ev->n] = true;
		} else {
			vl = strcspn(v, " \n");
			p = v + vl;
			/* numbers are numbers; anything else is a string */
			ev->quoted[ev->n] = !vl || strspn(v, "-0123456789") != vl;
		}
		if (vl >= sizeof(ev->val[0]))
			vl = sizeof(ev->val[0]) - 1;
		memcpy(ev->key[ev->n], k, kl);
		memcpy(ev->val[ev->n], v, vl);
		ev->n++;
	}
	return 1;
}

/* -------------------------------------------------------------- printing */

/* The module's key, as vhvstat names it elsewhere. */
static const char *out_key(const char *k)
{
	if (!strcmp(k, "id"))
		return "vm";
	if (!strcmp(k, "idx"))
		return "vcpu";
	return k;
}

void vhv_event_print(FILE *out, const struct vhv_event *ev, uint64_t wall_ns,
		     const struct vhv_ev_vm *vm, const char *hostname, bool json)
{
	char stamp[48];
	int i;

	if (!pr_rfc3339(wall_ns, stamp, sizeof(stamp)))
		snprintf(stamp, sizeof(stamp), "?");
	if (!json) {
		fprintf(out, "%s %s", stamp, ev->name);
		if (vm) {
			fprintf(out, " vm %" PRIu64, vm->id);
			if (vm->name)
				fprintf(out, " \"%s\"", vm->name);
		}
		if (ev->lost)
			fprintf(out, " %" PRIu64 " events", ev->lost);
		for (i = 0; i < ev->n; i++) {
			if (vm && (!strcmp(ev->key[i], "id") || !strcmp(ev->key[i], "vm")))
				continue;
			fprintf(out, ev->quoted[i] && strchr(ev->val[i], ' ') ?
				" %s=\"%s\"" : " %s=%s", out_key(ev->key[i]), ev->val[i]);
		}
		fputc('\n', out);
		fflush(out);
		return;
	}
	fprintf(out, "{\"schema\":1,\"timestamp\":\"%s\",\"hostname\":", stamp);
	if (hostname)
		pr_json_string(out, hostname);
	else
		fputs("null", out);
	fprintf(out, ",\"event\":\"%s\"", ev->name);
	if (vm) {
		fprintf(out, ",\"vm\":%" PRIu64 ",\"pid\":%" PRIu64 ",\"name\":", vm->id, vm->pid);
		if (vm->name)
			pr_json_string(out, vm->name);
		else
			fputs("null", out);
		fputs(",\"uuid\":", out);
		if (vm->uuid)
			pr_json_string(out, vm->uuid);
		else
			fputs("null", out);
	}
	if (!strcmp(ev->name, "lost"))
		fprintf(out, ",\"count\":%" PRIu64, ev->lost);
	for (i = 0; i < ev->n; i++) {
		const char *k = out_key(ev->key[i]);

		if (vm && (!strcmp(k, "vm") || !strcmp(k, "pid")))
			continue;	/* already there */
		fputc(',', out);
		pr_json_string(out, k);
		fputc(':', out);
		if (ev->quoted[i])
			pr_json_string(out, ev->val[i]);
		else
			fputs(ev->val[i], out);
	}
	fputs("}\n", out);
	fflush(out);
}

/* ------------------------------------------------------------ VM names */

struct names {
	struct vhv_ev_vm *vm;
	size_t n, cap;
};

static struct vhv_ev_vm *name_find(struct names *t, uint64_t id)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->vm[i].id == id)
			return &t->vm[i];
	return NULL;
}

static void name_drop(struct names *t, uint64_t id)
{
	struct vhv_ev_vm *v = name_find(t, id);

	if (!v)
		return;
	free(v->name);
	free(v->uuid);
	*v = t->vm[--t->n];
}

static void names_clear(struct names *t)
{
	while (t->n)
		name_drop(t, t->vm[0].id);
}

static int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	int r = -1;

	if (!f)
		return -1;
	if (fgets(buf, (int)size, f)) {
		buf[strcspn(buf, "\n")] = '\0';
		r = 0;
	}
	fclose(f);
	return r;
}

/*
 * The VM @id: from the table, else from vhv's sysfs (pid, cgroup) and the
 * VMM's command line, with @pid from the event when it has one (0: none).
 * NULL when neither knows it (a VM gone before vhvstat saw it).
 */
static struct vhv_ev_vm *name_of(struct names *t, const struct vhv_events_opts *o,
				 uint64_t id, uint64_t pid)
{
	struct vhv_vm vm = { .id = id, .pid = pid };
	struct vhv_ev_vm *v = name_find(t, id), *nv;
	char path[PATH_MAX], buf[PATH_MAX];

	if (v && (!pid || v->pid == pid))
		return v;
	if (v)
		name_drop(t, id);	/* the id of another VM now */
	snprintf(path, sizeof(path), "%s/vms/%" PRIu64 "/pid", o->sys, id);
	if (!read_line(path, buf, sizeof(buf)))
		vm.pid = strtoull(buf, NULL, 10);
	if (!vm.pid)
		return NULL;
	snprintf(path, sizeof(path), "%s/vms/%" PRIu64 "/cgroup", o->sys, id);
	if (!read_line(path, buf, sizeof(buf)) && buf[0] == '/')
		vm.cgroup = strdup(buf);
	if (vhv_ident_vm(&vm, o->proc)) {
		free(vm.cgroup);
		return NULL;
	}
	free(vm.cgroup);
	free(vm.vmid);
	free(vm.machine);
	if (t->n == t->cap) {
		nv = realloc(t->vm, (t->cap ? t->cap * 2 : 16) * sizeof(*nv));
		if (!nv) {
			free(vm.name);
			free(vm.uuid);
			return NULL;
		}
		t->vm = nv;
		t->cap = t->cap ? t->cap * 2 : 16;
	}
	v = &t->vm[t->n++];
	*v = (struct vhv_ev_vm){ .id = id, .pid = vm.pid, .name = vm.name, .uuid = vm.uuid };
	return v;
}

static uint64_t field_u64(const struct vhv_event *ev, const char *key, bool *found)
{
	int i;

	for (i = 0; i < ev->n; i++) {
		if (!strcmp(ev->key[i], key)) {
			*found = true;
			return strtoull(ev->val[i], NULL, 10);
		}
	}
	*found = false;
	return 0;
}

/* --------------------------------------------------------------- tracefs */

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static int write_file(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

static const char *find_tracefs(const char *want)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };
	char path[PATH_MAX];
	struct stat st;
	size_t i;

	if (want)
		return want;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/instances", dirs[i]);
		if (!stat(path, &st))
			return dirs[i];
	}
	return NULL;
}

/* vhv's events in the instance: 1 enabled now, 0 already, -1 no vhv */
static int enable_vhv(const char *inst)
{
	char path[PATH_MAX], buf[8];

	snprintf(path, sizeof(path), "%s/events/vhv/enable", inst);
	if (read_line(path, buf, sizeof(buf)))
		return -1;
	if (buf[0] == '1')
		return 0;
	return write_file(inst, "events/vhv/enable", "1") ? -1 : 1;
}

/*
 * CLOCK_REALTIME - CLOCK_MONOTONIC, in seconds: taken when the stream is
 * quiet, and kept for the events read in between, so that the jitter of
 * taking it does not put two events close in time out of order.
 */
static double wall_offset;

static void take_offset(void)
{
	struct timespec m, r;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_REALTIME, &r);
	wall_offset = (double)(r.tv_sec - m.tv_sec) + (r.tv_nsec - m.tv_nsec) / 1e9;
}

static uint64_t mono_to_wall(double ts)
{
	return (uint64_t)((ts + wall_offset) * 1e9);
}

static void module_event(FILE *out, const struct vhv_events_opts *o, const char *what)
{
	struct vhv_event ev = { 0 };
	struct timespec r;

	clock_gettime(CLOCK_REALTIME, &r);
	snprintf(ev.name, sizeof(ev.name), "%s", what);
	vhv_event_print(out, &ev, (uint64_t)r.tv_sec * 1000000000 + (uint64_t)r.tv_nsec,
			NULL, o->hostname, o->json);
}

static void handle(FILE *out, const struct vhv_events_opts *o, struct names *t,
		   const struct vhv_event *ev)
{
	struct vhv_ev_vm *vm = NULL;
	bool has_id, has_vm, has_pid;
	uint64_t id, pid;

	id = field_u64(ev, "id", &has_id);
	if (!has_id)
		id = field_u64(ev, "vm", &has_vm);
	else
		has_vm = true;
	pid = field_u64(ev, "pid", &has_pid);
	if (has_vm)
		vm = name_of(t, o, id, has_pid ? pid : 0);
	vhv_event_print(out, ev, mono_to_wall(ev->ts),
			vm ? vm : has_vm ? &(struct vhv_ev_vm){ .id = id, .pid = pid } : NULL,
			o->hostname, o->json);
	if (has_vm && !strcmp(ev->name, "vm_remove"))
		name_drop(t, id);
}

int vhv_events_run(FILE *out, const struct vhv_events_opts *o_in)
{
	struct vhv_events_opts o = *o_in;
	struct sigaction sa = { .sa_handler = on_stop };	/* no SA_RESTART */
	char inst[PATH_MAX - 64], path[PATH_MAX], buf[65536], line[4096];
	struct names names = { 0 };
	const char *tfs;
	size_t ll = 0;
	int fd, st, r = 0;
	bool loaded;

	if (!o.sys)
		o.sys = "/sys/kernel/vhv";
	if (!o.proc)
		o.proc = "/proc";
	tfs = find_tracefs(o.tracefs);
	if (!tfs) {
		fprintf(stderr, "vhvstat: no tracefs with instances (mount -t tracefs nodev /sys/kernel/tracing)\n");
		return 1;
	}
	snprintf(inst, sizeof(inst), "%s/instances/vhvstat-events-%d", tfs, (int)getpid());
	if (mkdir(inst, 0700)) {
		fprintf(stderr, "vhvstat: cannot create the trace instance %s: %s%s\n", inst,
			strerror(errno), errno == EACCES || errno == EPERM ? " (events need root)" : "");
		return 1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* the clock of CLOCK_MONOTONIC: wall time is one offset away */
	write_file(inst, "trace_clock", "mono");
	write_file(inst, "buffer_size_kb", "1024");
	take_offset();
	st = enable_vhv(inst);
	loaded = st >= 0;
	module_event(out, &o, loaded ? "module_loaded" : "module_unloaded");
	snprintf(path, sizeof(path), "%s/trace_pipe", inst);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "vhvstat: cannot open %s: %s\n", path, strerror(errno));
		r = 1;
		goto out;
	}
	while (!stop && !ferror(out)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;
		size_t i;

		if (poll(&pfd, 1, 500) <= 0) {
			/* quiet: has vhv gone, or come back? */
			take_offset();
			st = enable_vhv(inst);
			if (loaded && st == 1) {
				/* gone and back between two looks */
				names_clear(&names);
				module_event(out, &o, "module_unloaded");
				module_event(out, &o, "module_loaded");
			} else if (loaded && st < 0) {
				loaded = false;
				names_clear(&names);
				module_event(out, &o, "module_unloaded");
			} else if (!loaded && st >= 0) {
				loaded = true;
				names_clear(&names);
				module_event(out, &o, "module_loaded");
			}
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			continue;
		for (i = 0; i < (size_t)n; i++) {
			struct vhv_event ev;

			if (buf[i] != '\n') {
				if (ll + 1 < sizeof(line))
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (vhv_event_parse(line, &ev) == 1)
				handle(out, &o, &names, &ev);
		}
	}
	close(fd);
out:
	write_file(inst, "events/enable", "0");
	if (rmdir(inst))
		fprintf(stderr, "vhvstat: cannot remove %s: %s\n", inst, strerror(errno));
	names_clear(&names);
	free(names.vm);
	return r || ferror(out) ? 1 : 0;
}
