/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_FDB_H
#define _VSW_FDB_H

#include <linux/if_ether.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct netlink_ext_ack;
struct vsw_port;
struct vsw_switch;

struct vsw_fdb_cache;

/**
 * struct vsw_fdb - a switch's forwarding database (MAC -> port)
 * @lock: protects @buckets (insert, delete, port change) and @count
 * @buckets: hash chains, read under RCU on the packet path
 * @cache: per CPU, the entries the packet path found last (see fdb.c)
 * @gen: bumped under @lock after each entry leaves its chain
 * @count: entries, static ones included; never above @max
 * @max: entry limit, 1..VSWITCH_FDB_MAX_HARD; written under RTNL and @lock
 * @seed: hash seed
 * @ageing: deletes dynamic entries not seen for the switch's ageing time
 */
struct vsw_fdb {
	spinlock_t lock;
	struct hlist_head *buckets;
	struct vsw_fdb_cache __percpu *cache;
	unsigned long gen;
	unsigned int count;
	unsigned int max;
	u32 seed;
	struct delayed_work ageing;
};

/**
 * struct vsw_fdb_info - a copy of one entry, for netlink replies
 * @addr: the MAC address
 * @port_id: port it was learned on or pinned to
 * @is_static: added by the administrator, never ages
 * @age_ms: milliseconds since the address was last seen (0 for static)
 */
struct vsw_fdb_info {
	u8 addr[ETH_ALEN];
	u32 port_id;
	bool is_static;
	u64 age_ms;
};

int vsw_fdb_init(struct vsw_switch *sw, unsigned int max);
void vsw_fdb_destroy(struct vsw_switch *sw);
void vsw_fdb_free(struct vsw_switch *sw);
struct vsw_port *vsw_fdb_lookup(struct vsw_switch *sw, const u8 *addr);
void vsw_fdb_learn(struct vsw_switch *sw, const u8 *addr,
		   struct vsw_port *port);
int vsw_fdb_add_static(struct vsw_switch *sw, const u8 *addr,
		       struct vsw_port *port, struct netlink_ext_ack *extack);
int vsw_fdb_del(struct vsw_switch *sw, const u8 *addr);
void vsw_fdb_flush(struct vsw_switch *sw, const struct vsw_port *port,
		   bool with_static);
int vsw_fdb_get(struct vsw_switch *sw, const u8 *addr,
		struct vsw_fdb_info *info);
int vsw_fdb_set_max(struct vsw_switch *sw, unsigned int max,
		    struct netlink_ext_ack *extack);
unsigned int vsw_fdb_count(struct vsw_switch *sw);
void vsw_fdb_ageing_kick(struct vsw_switch *sw);

/*
 * Dump walk: calls @fn for entries from position *@pos on, stopping when
 * @fn returns non-zero; *@pos then names the entry to resume with.
 */
typedef int (*vsw_fdb_walk_fn)(const struct vsw_fdb_info *info, void *arg);
int vsw_fdb_walk(struct vsw_switch *sw, unsigned long *pos,
		 vsw_fdb_walk_fn fn, void *arg);

#endif /* _VSW_FDB_H */
