/* SPDX-License-Identifier: GPL-2.0 */
/*
 * top.h - live screen: the vm (or vcpu) report redrawn every interval
 */
#ifndef VHVSTAT_TOP_H
#define VHVSTAT_TOP_H

#include "show.h"
#include "source.h"

struct vhv_top_opts {
	double interval_s;
	unsigned long count;	/* frames with rates; 0: until q or a signal */
	struct vhv_view view;
};

/*
 * Run until q, SIGINT/SIGTERM/SIGHUP, COUNT frames, or the end of file
 * input. On a terminal: alternate screen, raw keyboard, restored on every
 * way out (and around ^Z). Otherwise frames are printed one after another.
 * Return 0, or -1 with a message in @err.
 */
int vhv_top_run(struct vhv_source *src, const struct vhv_top_opts *o,
		char *err, size_t errlen);

#endif /* VHVSTAT_TOP_H */
