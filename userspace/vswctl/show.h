/* SPDX-License-Identifier: GPL-2.0 */
/*
 * show.h - text and JSON output of switches, ports, fdb entries,
 * counters and events, from the same calls (print.h)
 *
 * Printers take parsed structs only, print the attributes present and
 * nothing else, and leave JSON arrays to the caller.
 */
#ifndef VSWCTL_SHOW_H
#define VSWCTL_SHOW_H

#include <stdbool.h>

#include "model.h"

/* "tcp", "udp", ... or the number, written into @buf. */
const char *vsw_proto_name(uint8_t proto, char buf[8]);

/* Names of VSWITCH_CT_TIMEOUT_A_*: "tcp-established", "tcp_established". */
const char *vsw_ct_timeout_name(int a, bool json);

/* Names of drop reasons: "mac-spoof" (text), "mac_spoof" (JSON). */
const char *vsw_drop_name(int reason, bool json);

void vsw_show_switch(const struct vsw_switch *s, bool stats);
void vsw_show_port(const struct vsw_port *p, bool stats);
void vsw_show_fdb(const struct vsw_fdb *f, bool with_switch);

/* The reply of the stats command: the switch's counters, the port's. */
void vsw_show_stats_reply(const struct vsw_msg *m);

/* One event of the "events" group, one line (one JSON object). */
void vsw_show_event(const struct vsw_msg *m, bool stats);

/*
 * A port named by a flow or connection: JSON @key (its id) and @dev_key
 * (@name, or null); text @word with @name, else "port ID" ("-" for 0).
 */
void vsw_show_port_ref(const char *key, const char *dev_key, const char *word,
		       uint32_t id, const char *name);

/*
 * One flow log event ("flows" group) received at @time (RFC 3339), its
 * ports named @in and @out (NULL: unknown, printed by id).
 */
void vsw_show_flow(const struct vsw_msg *m, const char *time, const char *in,
		   const char *out);

#endif /* VSWCTL_SHOW_H */
