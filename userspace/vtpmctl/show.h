/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show.h - text and JSON output of instances and events, from the same
 * calls (print.h)
 *
 * Printers take parsed structs only, print the attributes present and
 * nothing else, and leave JSON arrays to the caller.
 */
#ifndef VTPMCTL_SHOW_H
#define VTPMCTL_SHOW_H

#include "model.h"

void vtpm_show_instance(const struct vtpm_inst *t);

/* One event of the "events" group, one line (one JSON object). */
void vtpm_show_event(const struct vtpm_msg *m);

#endif /* VTPMCTL_SHOW_H */
