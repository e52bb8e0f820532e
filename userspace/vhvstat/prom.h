/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prom.h - Prometheus text exposition of one snapshot
 *
 * Prometheus text format 0.0.4 (what node_exporter's textfile collector
 * reads), not OpenMetrics: no "# EOF" line, counters named *_total with
 * that name in their TYPE line. Raw counters only: rates are the job of
 * rate() on the Prometheus side.
 */
#ifndef VHVSTAT_PROM_H
#define VHVSTAT_PROM_H

#include <stdio.h>

#include "snapshot.h"

void vhv_prom_print(FILE *out, const struct vhv_snapshot *s);

#endif /* VHVSTAT_PROM_H */
