/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show.h - the vm / vcpu / host / stolen reports, as text tables or JSON
 */
#ifndef VHVSTAT_SHOW_H
#define VHVSTAT_SHOW_H

#include <stdbool.h>

#include "figures.h"

enum vhv_object {
	VHV_OBJ_HOST,
	VHV_OBJ_VM,
	VHV_OBJ_VCPU,	/* VM rows, each followed by its vCPU rows */
	VHV_OBJ_STOLEN,	/* VM rows: who held the CPU while they were ready */
};

/* The "schema" of the JSON documents (Documentation/vhv/vhvstat-json.rst) */
#define VHVSTAT_JSON_SCHEMA	1

struct vhv_view {
	enum vhv_object obj;
	bool counters;		/* -s: cumulative counters, no rates */
	bool sort_ready;	/* VMs by %RDY, highest first (top) */
	const char *hostname;	/* JSON "hostname"; NULL: null */
};

/* Print one report through the print layer (text or JSON). */
void vhv_show(const struct vhv_figures *f, const struct vhv_view *view);

#endif /* VHVSTAT_SHOW_H */
