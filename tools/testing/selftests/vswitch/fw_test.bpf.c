// SPDX-License-Identifier: GPL-2.0
/*
 * fw_test.bpf.c - the policy program of firewall.sh: the smallest program
 * that keeps the cb contract of include/uapi/linux/vswitch.h, with its
 * rules in a map the test fills with bpftool.
 *
 * A connection is allowed when "allow" holds {egress port of the
 * connection, IP protocol, destination port of the connection}: the
 * packet's own for a new one, the other way round for a reply (a stale
 * connection decided again); ICMP echo has port 0. The map's value is
 * the rule id the program reports. Everything else is dropped by rule 0.
 * Every run is counted in "runs" (index 0: allow, 1: drop), which the
 * test compares with the switch's counters.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/vswitch.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct rule_key {
	__u32 port;
	__u16 dport;
	__u8 proto;
	__u8 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, struct rule_key);
	__type(value, __u32);
} allow SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} runs SEC(".maps");

static __always_inline int verdict(struct __sk_buff *skb, int v, __u32 rule)
{
	__u32 i = v == VSWITCH_VERDICT_ALLOW ? 0 : 1;
	__u64 *n = bpf_map_lookup_elem(&runs, &i);

	if (n)
		__sync_fetch_and_add(n, 1);
	skb->cb[4] = rule;
	return v;
}

SEC("tc")
int policy(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct rule_key k = {};
	__u32 state = skb->cb[0], in_port = skb->cb[1], out_port = skb->cb[2];
	int reply = !!(state & VSWITCH_CT_REPLY);
	__u32 *rule;
	__u16 *ports, sport, dport;
	__u32 off;

	if ((void *)(eth + 1) > end)
		return verdict(skb, VSWITCH_VERDICT_DROP, 0);
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return verdict(skb, VSWITCH_VERDICT_DROP, 0);
		k.proto = ip->protocol;
		off = sizeof(*eth) + ip->ihl * 4;
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return verdict(skb, VSWITCH_VERDICT_DROP, 0);
		k.proto = ip6->nexthdr;	/* no extension headers here */
		off = sizeof(*eth) + sizeof(*ip6);
	} else {
		return verdict(skb, VSWITCH_VERDICT_DROP, 0);
	}
	if (k.proto == IPPROTO_TCP || k.proto == IPPROTO_UDP) {
		if (off > 100)
			return verdict(skb, VSWITCH_VERDICT_DROP, 0);
		ports = data + off;
		if ((void *)(ports + 2) > end)
			return verdict(skb, VSWITCH_VERDICT_DROP, 0);
		sport = ports[0];
		dport = ports[1];
		/* values, not a choice of address (the verifier wants fixed offsets) */
		asm volatile("" : "+r"(sport), "+r"(dport));
		k.dport = bpf_ntohs(reply ? sport : dport);
	}
	asm volatile("" : "+r"(in_port), "+r"(out_port));
	k.port = reply ? in_port : out_port;
	rule = bpf_map_lookup_elem(&allow, &k);
	if (rule)
		return verdict(skb, VSWITCH_VERDICT_ALLOW, *rule);
	return verdict(skb, VSWITCH_VERDICT_DROP, 0);
}

char LICENSE[] SEC("license") = "GPL";
