/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_CONNTRACK_H
#define _VSW_CONNTRACK_H

#include <linux/skbuff.h>
#include <uapi/linux/vswitch.h>

struct nf_conn;
struct vsw_key;
struct vsw_switch;

int vsw_ct_init(struct vsw_switch *sw, u16 zone);
void vsw_ct_destroy(struct vsw_switch *sw);
void vsw_ct_flush(struct vsw_switch *sw);
void vsw_ct_set_limit(struct vsw_switch *sw, u32 limit);
void vsw_ct_set_timeouts(struct vsw_switch *sw, const u32 *secs, u32 mask);
bool vsw_ct_admit(struct vsw_switch *sw);
enum vswitch_drop vsw_ct_input(struct vsw_switch *sw, struct sk_buff *skb,
			       struct vsw_key *key, bool *stolen);
bool vsw_ct_untracked(const struct vsw_key *key);
void vsw_ct_label(struct nf_conn *ct, const struct vswitch_ct_labels *l);

#endif /* _VSW_CONNTRACK_H */
