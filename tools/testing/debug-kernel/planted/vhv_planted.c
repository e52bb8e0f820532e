// SPDX-License-Identifier: GPL-2.0
/*
 * vhv_planted: one deliberate bug, chosen at load time, for proving that
 * `make check-debug` sees what the debug kernels' checkers report. Never
 * loaded by the real suites; see tools/testing/debug-kernel/planted.sh.
 *
 *   bug=lockorder  two locks taken in both orders: lockdep, circular locking
 *   bug=sleep      a mutex taken under a spinlock: a sleeping function
 *                  called from atomic context (DEBUG_ATOMIC_SLEEP)
 *   bug=uaf        a read after kfree(): KASAN use-after-free
 *   bug=leak       one allocation never freed: kmemleak unreferenced object
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

static char *bug = "";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "lockorder, sleep, uaf or leak");

static DEFINE_MUTEX(lock_a);	/* protects nothing: the order is the bug */
static DEFINE_MUTEX(lock_b);	/* protects nothing: the order is the bug */
static DEFINE_SPINLOCK(lock_s);	/* protects nothing: held across a mutex */
static void *leaked;		/* cleared so kmemleak sees no reference */

static void plant_lockorder(void)
{
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);

	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
}

/*
 * mutex_lock() may sleep, so it calls might_sleep(): with the mutex free it
 * never does sleep, and only DEBUG_ATOMIC_SLEEP can tell.
 */
static void plant_sleep(void)
{
	spin_lock(&lock_s);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	spin_unlock(&lock_s);
}

static int plant_uaf(void)
{
	/* volatile: the compiler must not drop the read of freed memory */
	int *volatile p = kmalloc(64, GFP_KERNEL);
	int v;

	if (!p)
		return -ENOMEM;
	p[0] = 1;
	kfree(p);
	v = p[1];
	pr_info("read %d after kfree\n", v);
	return 0;
}

static int plant_leak(void)
{
	leaked = kmalloc(128, GFP_KERNEL);
	if (!leaked)
		return -ENOMEM;
	pr_info("allocated 128 bytes, dropping the only reference\n");
	WRITE_ONCE(leaked, NULL);
	return 0;
}

static int __init vhv_planted_init(void)
{
	pr_info("planting '%s'\n", bug);
	if (!strcmp(bug, "lockorder"))
		plant_lockorder();
	else if (!strcmp(bug, "sleep"))
		plant_sleep();
	else if (!strcmp(bug, "uaf"))
		return plant_uaf();
	else if (!strcmp(bug, "leak"))
		return plant_leak();
	else
		return -EINVAL;
	return 0;
}

static void __exit vhv_planted_exit(void)
{
}

module_init(vhv_planted_init);
module_exit(vhv_planted_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vhv harness self-test: one deliberate bug");
