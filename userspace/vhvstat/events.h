/* SPDX-License-Identifier: GPL-2.0 */
/*
 * events.h - vhvstat events: vhv's tracepoints as a stream of lines
 *
 * vhvstat reads the vhv:* tracepoints through a tracefs instance of its
 * own (its own buffer and clock, so other tracers are not disturbed), and
 * prints each event with its wall-clock time, the host and the VM's names
 * (ident.h): one JSON document per line, or a line of text. When vhv is
 * unloaded the instance loses the events; vhvstat says so and enables
 * them again when the module is back.
 */
#ifndef VHVSTAT_EVENTS_H
#define VHVSTAT_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One parsed trace line: "... TS: vhv_NAME: key=value ...". */
#define VHV_EV_MAX_FIELDS	12

struct vhv_event {
	double ts;			/* trace clock (mono), seconds */
	char name[32];			/* without "vhv_" */
	int n;
	char key[VHV_EV_MAX_FIELDS][24];
	char val[VHV_EV_MAX_FIELDS][160];
	bool quoted[VHV_EV_MAX_FIELDS];	/* a string, not a number */
	uint64_t lost;			/* a "[LOST N EVENTS]" line: N */
};

/*
 * Parse a line of trace_pipe. Return 1 for a vhv event or a lost-events
 * line, 0 for any other line (another event, a blank line), -1 for a vhv
 * event whose fields do not parse.
 */
int vhv_event_parse(const char *line, struct vhv_event *ev);

struct vhv_events_opts {
	bool json;
	const char *tracefs;		/* NULL: /sys/kernel/tracing, then debugfs */
	const char *sys;		/* NULL: /sys/kernel/vhv */
	const char *proc;		/* NULL: /proc */
	const char *hostname;
};

/*
 * Stream events to @out until SIGINT/SIGTERM/SIGHUP. Return 0, or 1 with a
 * message on stderr (no tracefs, not allowed to trace).
 */
int vhv_events_run(FILE *out, const struct vhv_events_opts *o);

/* Print @ev as one line (JSON or text); @wall_ns its CLOCK_REALTIME. */
struct vhv_ev_vm {
	uint64_t id, pid;
	char *name, *uuid;
};

void vhv_event_print(FILE *out, const struct vhv_event *ev, uint64_t wall_ns,
		     const struct vhv_ev_vm *vm, const char *hostname, bool json);

#endif /* VHVSTAT_EVENTS_H */
