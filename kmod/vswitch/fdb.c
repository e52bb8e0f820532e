// SPDX-License-Identifier: GPL-2.0
/*
 * Forwarding database: a fixed array of hash chains per switch. Readers
 * (the packet path) walk the chains under RCU; every insert, delete and
 * port change takes fdb->lock, which also guards the bounded count. The
 * packet path refreshes an entry's "last seen" time without the lock.
 *
 * An entry's port is alive while the entry is reachable: a port is
 * removed from the packet path (rx handler unregistered, synchronize_net)
 * before vsw_fdb_flush() deletes its entries, so no learner can insert a
 * new one for it afterwards, and the port is freed after a grace period.
 *
 * The packet path looks up two addresses a frame (learning the source,
 * finding the destination). In front of the chains sits a small per-CPU
 * cache of the entries it found last, each stored with fdb->gen as read
 * before the chain walk that found it. Every delete bumps fdb->gen after
 * unlinking the entry and before kfree_rcu(). A slot is used only while
 * its generation is current; then its entry cannot have been freed: a
 * reader that still sees the old generation is in an RCU read-side
 * section that the entry's grace period waits for. Moves need no bump:
 * the port is read from the entry itself. Inserts need none either.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>

#include "fdb.h"
#include "netlink.h"
#include "port.h"
#include "switch.h"

#define FDB_HASH_BITS	12
#define FDB_BUCKETS	(1U << FDB_HASH_BITS)
#define FDB_CACHE_SLOTS	8

/**
 * struct vsw_fdb_entry - one MAC address
 * @node: entry in its hash chain
 * @rcu: frees the entry after readers are done
 * @port: where @addr lives; changed under the fdb lock, read locklessly
 * @updated: jiffies when last seen (dynamic entries)
 * @addr: the MAC address
 * @is_static: added by the administrator; neither ages nor moves
 */
struct vsw_fdb_entry {
	struct hlist_node node;
	struct rcu_head rcu;
	struct vsw_port *port;
	unsigned long updated;
	u8 addr[ETH_ALEN];
	bool is_static;
};

/**
 * struct vsw_fdb_cache - one CPU's recently found entries, direct-mapped
 * @slot: entry and the fdb->gen it was found under; used on this CPU only,
 *	  with BH off
 */
struct vsw_fdb_cache {
	struct {
		struct vsw_fdb_entry *e;
		unsigned long gen;
	} slot[FDB_CACHE_SLOTS];
};

/*
 * The address as two words through the seeded jhash: the mixing of
 * jhash(addr, 6, seed), without its generic tail (it runs twice a frame).
 */
static struct hlist_head *fdb_bucket(struct vsw_fdb *fdb, const u8 *addr)
{
	u32 hi;
	u16 lo;

	memcpy(&hi, addr, sizeof(hi));
	memcpy(&lo, addr + sizeof(hi), sizeof(lo));
	return &fdb->buckets[jhash_2words(hi, lo, fdb->seed) &
			     (FDB_BUCKETS - 1)];
}

static struct vsw_fdb_entry *fdb_find_rcu(struct hlist_head *head,
					  const u8 *addr)
{
	struct vsw_fdb_entry *e;

	hlist_for_each_entry_rcu(e, head, node)
		if (ether_addr_equal(e->addr, addr))
			return e;
	return NULL;
}

/*
 * The packet path's lookup: the CPU's cache slot for @addr if its
 * generation is current, else the chain (and the slot remembers what the
 * chain gave). The acquire pairs with fdb_delete()'s release: a walk that
 * starts after reading a generation sees every unlink that generation
 * counts. Context: RCU read side, BH off.
 */
static struct vsw_fdb_entry *fdb_find_fast(struct vsw_fdb *fdb, const u8 *addr)
{
	struct vsw_fdb_cache *c = this_cpu_ptr(fdb->cache);
	unsigned int i = (addr[4] ^ addr[5]) & (FDB_CACHE_SLOTS - 1);
	/* pairs with the release in fdb_delete() */
	unsigned long gen = smp_load_acquire(&fdb->gen);
	struct vsw_fdb_entry *e = c->slot[i].e;

	if (likely(e && c->slot[i].gen == gen && ether_addr_equal(e->addr, addr)))
		return e;
	e = fdb_find_rcu(fdb_bucket(fdb, addr), addr);
	if (e) {
		c->slot[i].e = e;
		c->slot[i].gen = gen;
	}
	return e;
}

static struct vsw_fdb_entry *fdb_find_locked(struct vsw_fdb *fdb,
					     struct hlist_head *head,
					     const u8 *addr)
{
	struct vsw_fdb_entry *e;

	lockdep_assert_held(&fdb->lock);
	hlist_for_each_entry(e, head, node)
		if (ether_addr_equal(e->addr, addr))
			return e;
	return NULL;
}

static void fdb_info(const struct vsw_fdb_entry *e, struct vsw_fdb_info *info)
{
	memcpy(info->addr, e->addr, ETH_ALEN);
	info->port_id = READ_ONCE(e->port)->id;
	info->is_static = e->is_static;
	info->age_ms = e->is_static ? 0 :
		jiffies_to_msecs(jiffies - READ_ONCE(e->updated));
}

static void fdb_notify(struct vsw_switch *sw, const struct vsw_fdb_entry *e,
		       bool del)
{
	struct vsw_fdb_info info;

	fdb_info(e, &info);
	vsw_nl_notify_fdb(sw, &info, del);
}

static void fdb_delete(struct vsw_switch *sw, struct vsw_fdb_entry *e)
{
	lockdep_assert_held(&sw->fdb.lock);
	hlist_del_rcu(&e->node);
	/* invalidates every cached copy of @e before it can be freed */
	smp_store_release(&sw->fdb.gen, sw->fdb.gen + 1);
	sw->fdb.count--;
	fdb_notify(sw, e, true);
	pr_debug("fdb %s %pM destroy\n", sw->name, e->addr);
	kfree_rcu(e, rcu);
}

static struct vsw_fdb_entry *fdb_insert(struct vsw_switch *sw,
					struct hlist_head *head,
					const u8 *addr, struct vsw_port *port,
					bool is_static, gfp_t gfp)
{
	struct vsw_fdb_entry *e;

	lockdep_assert_held(&sw->fdb.lock);
	if (sw->fdb.count >= sw->fdb.max)
		return ERR_PTR(-ENOSPC);
	e = kmalloc(sizeof(*e), gfp);
	if (!e)
		return ERR_PTR(-ENOMEM);
	memcpy(e->addr, addr, ETH_ALEN);
	e->port = port;
	e->updated = jiffies;
	e->is_static = is_static;
	hlist_add_head_rcu(&e->node, head);
	sw->fdb.count++;
	fdb_notify(sw, e, false);
	pr_debug("fdb %s %pM create\n", sw->name, e->addr);
	return e;
}

/**
 * vsw_fdb_lookup() - the port a MAC address lives on
 * @sw: the switch
 * @addr: unicast MAC address
 *
 * Context: packet path, RCU read side, BH off.
 * Return: the port, or NULL when the address is unknown.
 */
struct vsw_port *vsw_fdb_lookup(struct vsw_switch *sw, const u8 *addr)
{
	struct vsw_fdb_entry *e = fdb_find_fast(&sw->fdb, addr);

	return e ? READ_ONCE(e->port) : NULL;
}

/* Slow part of learning: a new address, or one that moved. */
static void fdb_learn_locked(struct vsw_switch *sw, struct hlist_head *head,
			     const u8 *addr, struct vsw_port *port)
{
	struct vsw_fdb_entry *e;

	e = fdb_find_locked(&sw->fdb, head, addr);
	if (!e) {
		e = fdb_insert(sw, head, addr, port, false, GFP_ATOMIC);
		if (!IS_ERR(e))
			vsw_stats_event(sw->stats, learned);
		else if (PTR_ERR(e) == -ENOSPC)
			vsw_stats_event(sw->stats, fdb_full);
		return;
	}
	if (e->is_static || e->port == port)
		return;
	WRITE_ONCE(e->port, port);
	WRITE_ONCE(e->updated, jiffies);
	fdb_notify(sw, e, false);
}

/**
 * vsw_fdb_learn() - note that @addr was seen on @port
 * @sw: the switch
 * @addr: a valid unicast source MAC address
 * @port: the ingress port (registered on the packet path)
 *
 * Context: packet path, RCU read side, BH off.
 */
void vsw_fdb_learn(struct vsw_switch *sw, const u8 *addr, struct vsw_port *port)
{
	struct vsw_fdb_entry *e = fdb_find_fast(&sw->fdb, addr);

	if (likely(e && (e->is_static || READ_ONCE(e->port) == port))) {
		if (!e->is_static && READ_ONCE(e->updated) != jiffies)
			WRITE_ONCE(e->updated, jiffies);
		return;
	}
	spin_lock(&sw->fdb.lock);
	fdb_learn_locked(sw, fdb_bucket(&sw->fdb, addr), addr, port);
	spin_unlock(&sw->fdb.lock);
}

/**
 * vsw_fdb_add_static() - pin @addr to @port
 * @sw: the switch
 * @addr: unicast MAC address
 * @port: a port of @sw
 * @extack: for the error message
 *
 * A dynamic entry for @addr becomes static. Context: RTNL held.
 * Return: 0, -EEXIST (already static), -ENOSPC (table full) or -ENOMEM.
 */
int vsw_fdb_add_static(struct vsw_switch *sw, const u8 *addr,
		       struct vsw_port *port, struct netlink_ext_ack *extack)
{
	struct hlist_head *head = fdb_bucket(&sw->fdb, addr);
	struct vsw_fdb_entry *e;
	int ret = 0;

	ASSERT_RTNL();
	spin_lock_bh(&sw->fdb.lock);
	e = fdb_find_locked(&sw->fdb, head, addr);
	if (e && e->is_static) {
		NL_SET_ERR_MSG_MOD(extack, "a static entry for this MAC exists");
		ret = -EEXIST;
	} else if (e) {
		e->is_static = true;
		WRITE_ONCE(e->port, port);
		fdb_notify(sw, e, false);
	} else {
		e = fdb_insert(sw, head, addr, port, true, GFP_ATOMIC);
		ret = PTR_ERR_OR_ZERO(e);
		if (ret == -ENOSPC)
			NL_SET_ERR_MSG_MOD(extack, "fdb table is full (fdb-max)");
		else if (ret)
			NL_SET_ERR_MSG_MOD(extack, "no memory for the fdb entry");
	}
	spin_unlock_bh(&sw->fdb.lock);
	return ret;
}

/**
 * vsw_fdb_del() - delete the entry for @addr, static or dynamic
 * @sw: the switch
 * @addr: MAC address
 *
 * Return: 0, or -ENOENT.
 */
int vsw_fdb_del(struct vsw_switch *sw, const u8 *addr)
{
	struct hlist_head *head = fdb_bucket(&sw->fdb, addr);
	struct vsw_fdb_entry *e;

	spin_lock_bh(&sw->fdb.lock);
	e = fdb_find_locked(&sw->fdb, head, addr);
	if (e)
		fdb_delete(sw, e);
	spin_unlock_bh(&sw->fdb.lock);
	return e ? 0 : -ENOENT;
}

/**
 * vsw_fdb_flush() - delete entries
 * @sw: the switch
 * @port: only entries on this port, or NULL for all ports
 * @with_static: static entries too
 */
void vsw_fdb_flush(struct vsw_switch *sw, const struct vsw_port *port,
		   bool with_static)
{
	struct vsw_fdb_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < FDB_BUCKETS; i++) {
		spin_lock_bh(&sw->fdb.lock);
		hlist_for_each_entry_safe(e, tmp, &sw->fdb.buckets[i], node) {
			if (port && e->port != port)
				continue;
			if (e->is_static && !with_static)
				continue;
			fdb_delete(sw, e);
		}
		spin_unlock_bh(&sw->fdb.lock);
	}
}

/**
 * vsw_fdb_get() - copy the entry for @addr
 * @sw: the switch
 * @addr: MAC address
 * @info: filled on success
 *
 * Return: 0, or -ENOENT.
 */
int vsw_fdb_get(struct vsw_switch *sw, const u8 *addr, struct vsw_fdb_info *info)
{
	struct vsw_fdb_entry *e;
	int ret = -ENOENT;

	rcu_read_lock();
	e = fdb_find_rcu(fdb_bucket(&sw->fdb, addr), addr);
	if (e) {
		fdb_info(e, info);
		ret = 0;
	}
	rcu_read_unlock();
	return ret;
}

/**
 * vsw_fdb_walk() - call @fn for entries, resumably
 * @sw: the switch
 * @pos: in: where to start (0 first); out: where to resume
 * @fn: called under RCU for each entry; non-zero stops the walk
 * @arg: passed to @fn
 *
 * @pos holds the bucket in its upper bits and the index in the chain in
 * its low 17 bits (a chain never holds more than VSWITCH_FDB_MAX_HARD).
 * Entries added or deleted between two calls may be missed or repeated.
 *
 * Return: 0 when the walk ended, else what @fn returned.
 */
int vsw_fdb_walk(struct vsw_switch *sw, unsigned long *pos,
		 vsw_fdb_walk_fn fn, void *arg)
{
	unsigned long b = *pos >> 17, skip = *pos & 0x1ffff, idx;
	struct vsw_fdb_info info;
	struct vsw_fdb_entry *e;
	int ret = 0;

	rcu_read_lock();
	for (; b < FDB_BUCKETS; b++, skip = 0) {
		idx = 0;
		hlist_for_each_entry_rcu(e, &sw->fdb.buckets[b], node) {
			if (idx++ < skip)
				continue;
			fdb_info(e, &info);
			ret = fn(&info, arg);
			if (ret) {
				*pos = (b << 17) | (idx - 1);
				goto out;
			}
		}
	}
	*pos = (unsigned long)FDB_BUCKETS << 17;
out:
	rcu_read_unlock();
	return ret;
}

/**
 * vsw_fdb_set_max() - change the entry limit
 * @sw: the switch
 * @max: new limit, 1..VSWITCH_FDB_MAX_HARD
 * @extack: for the error message
 *
 * Return: 0, or -EBUSY when the table holds more entries than @max.
 */
int vsw_fdb_set_max(struct vsw_switch *sw, unsigned int max,
		    struct netlink_ext_ack *extack)
{
	int ret = 0;

	ASSERT_RTNL();
	spin_lock_bh(&sw->fdb.lock);
	if (sw->fdb.count > max) {
		NL_SET_ERR_MSG_MOD(extack,
				   "fdb holds more entries than the new fdb-max; flush it first");
		ret = -EBUSY;
	} else {
		sw->fdb.max = max;
	}
	spin_unlock_bh(&sw->fdb.lock);
	return ret;
}

unsigned int vsw_fdb_count(struct vsw_switch *sw)
{
	return READ_ONCE(sw->fdb.count);
}

/* Scan often enough that an entry outlives its ageing time by <= 10%. */
static unsigned long ageing_interval(const struct vsw_switch *sw)
{
	unsigned long t = READ_ONCE(sw->ageing_secs) * HZ / 10;

	return clamp(t, (unsigned long)HZ, 10UL * HZ);
}

static void fdb_ageing(struct work_struct *work)
{
	struct vsw_fdb *fdb = container_of(to_delayed_work(work),
					   struct vsw_fdb, ageing);
	struct vsw_switch *sw = container_of(fdb, struct vsw_switch, fdb);
	unsigned long max_age = READ_ONCE(sw->ageing_secs) * HZ;
	struct vsw_fdb_entry *e;
	struct hlist_node *tmp;
	unsigned int i;

	for (i = 0; i < FDB_BUCKETS; i++) {
		spin_lock_bh(&fdb->lock);
		hlist_for_each_entry_safe(e, tmp, &fdb->buckets[i], node)
			if (!e->is_static &&
			    time_after(jiffies, READ_ONCE(e->updated) + max_age))
				fdb_delete(sw, e);
		spin_unlock_bh(&fdb->lock);
		if ((i & 255) == 255)
			cond_resched();
	}
	queue_delayed_work(system_power_efficient_wq, &fdb->ageing,
			   ageing_interval(sw));
}

/**
 * vsw_fdb_ageing_kick() - rescan now (the ageing time changed)
 * @sw: the switch
 */
void vsw_fdb_ageing_kick(struct vsw_switch *sw)
{
	mod_delayed_work(system_power_efficient_wq, &sw->fdb.ageing, 0);
}

/**
 * vsw_fdb_init() - set up an empty table and start ageing
 * @sw: the switch (ageing_secs already set)
 * @max: entry limit
 *
 * Return: 0 or -ENOMEM.
 */
int vsw_fdb_init(struct vsw_switch *sw, unsigned int max)
{
	struct vsw_fdb *fdb = &sw->fdb;

	fdb->buckets = kvcalloc(FDB_BUCKETS, sizeof(*fdb->buckets),
				GFP_KERNEL);
	if (!fdb->buckets)
		return -ENOMEM;
	fdb->cache = alloc_percpu(struct vsw_fdb_cache);
	if (!fdb->cache) {
		kvfree(fdb->buckets);
		return -ENOMEM;
	}
	spin_lock_init(&fdb->lock);
	fdb->gen = 0;
	fdb->count = 0;
	fdb->max = max;
	fdb->seed = get_random_u32();
	INIT_DELAYED_WORK(&fdb->ageing, fdb_ageing);
	queue_delayed_work(system_power_efficient_wq, &fdb->ageing,
			   ageing_interval(sw));
	return 0;
}

/**
 * vsw_fdb_destroy() - stop ageing, free every entry and the table
 * @sw: the switch, with no port left on the packet path
 *
 * Entries are freed after a grace period; the caller waits for one
 * (synchronize_net) before it frees the switch, and module exit runs
 * rcu_barrier() for the kfree_rcu() callbacks.
 */
void vsw_fdb_destroy(struct vsw_switch *sw)
{
	cancel_delayed_work_sync(&sw->fdb.ageing);
	vsw_fdb_flush(sw, NULL, true);
}

/* The table's memory; after the grace period that follows destroy. */
void vsw_fdb_free(struct vsw_switch *sw)
{
	free_percpu(sw->fdb.cache);
	kvfree(sw->fdb.buckets);
}
