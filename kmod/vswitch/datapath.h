/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VSW_DATAPATH_H
#define _VSW_DATAPATH_H

#include <linux/netdevice.h>

struct vsw_port;

rx_handler_result_t vsw_dp_rx_handler(struct sk_buff **pskb);
void vsw_dp_input(struct vsw_port *in, struct sk_buff *skb);
void vsw_dp_xmit(struct vsw_port *out, struct sk_buff *skb);

#endif /* _VSW_DATAPATH_H */
