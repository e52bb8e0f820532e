# SPDX-License-Identifier: GPL-2.0
#
# vcpu_trace.awk - the scheduler's and KVM's own trace of vCPU threads,
# replayed into the figures vhv reports (exits, preemptions, ready_hist),
# as bounds at the markers a test wrote around its reads of vhv's files.
#
#   awk -v tids="IDX:TID ..." -f vcpu_trace.awk TRACE
#
# TRACE: the text of a tracefs instance (mono clock) that recorded, for
# the vCPU threads only, sched:sched_switch, sched:sched_stat_wait,
# kvm:kvm_entry, kvm:kvm_exit and kvm:kvm_userspace_exit, and the test's
# trace_marker lines "vhvtest TAG a|b IDX" written just before (a) and
# just after (b) it read vCPU IDX's files.
#
# What the replay follows (Documentation/vhv/design.rst):
#  - vhv "looks" at a vCPU (copies KVM's stats, accounts a ready episode)
#    at each switch-out of its thread inside a vCPU ioctl: here, a
#    sched_switch away from the thread inside KVM_RUN (after a guest entry
#    or exit, before the return to userspace). The test keeps vhv's
#    kvm_entry probe detached in the window (ready.sh checks it), so no
#    entry is a look. Once a period the worker may also look at a running
#    vCPU no switch-out looked at (an IPI): that only makes vhv's copy
#    fresher. So at a read between markers a and b, vhv's copy is at least
#    the count at the last switch-out look before a (ks) and at most the
#    count at b (any).
#  - exits: KVM counts one per VM exit; kvm_exit traces each (KVM's
#    fastpath re-entry after a WRMSR is not traced on 6.1's SVM; the test
#    VMM's guests write no MSR). A switch-out look sees every exit traced
#    before it.
#  - preemptions: KVM counts a switch-out while the thread is runnable
#    (sched_switch prev_state R or R+) and inside a vCPU ioctl, after the
#    sched_switch event, so a look at a switch-out sees those before it.
#    Those inside KVM_RUN (after a guest entry, before the return to
#    userspace) are sure to count (ps); all of the thread's R switch-outs
#    bound the count from above (pa).
#  - a ready episode: at a look, vhv adds the run_delay since its previous
#    look to ready_hist if exactly one switch-in happened in between. That
#    run_delay is the one CFS wait the switch-in ended, which
#    sched_stat_wait reports (same runqueue clock at both ends; a wait
#    split by a dequeue/enqueue with save/restore comes in parts, summed
#    here). An IPI look between the switch-in and the switch-out counts
#    the same episode earlier: h counts the episodes of switch-out looks,
#    hp adds the one pending (its switch-in seen, its switch-out not yet).
#    An episode after a sleep is left "unknown" (u, up with the pending
#    one): on 6.12 a delayed dequeue lets CFS count the sleep as waiting
#    too. Bucket: 0 below 1024 ns, else fls64(ns) - 10, at most 24.
#
# Output: per marker "mark TAG SIDE IDX key=value...", per vCPU "vcpu IDX
# key=value..." (totals, for diagnostics), and "lost N" (events the
# buffer dropped; the bounds hold only for N = 0).

function val(name,   q, p) {
	for (q = body; q <= NF; q++) {
		p = index($q, name "=")
		if (p == 1)
			return substr($q, length(name) + 2)
	}
	return ""
}

function bucket(ns,   k) {
	if (ns < 1024)
		return 0
	for (k = 0; ns >= 2; k++)
		ns = int(ns / 2)
	return (k - 9 > 24) ? 24 : k - 9
}

function hist(t,   b, s) {
	s = C[t, 0] + 0
	for (b = 1; b < 25; b++)
		s = s "," (C[t, b] + 0)
	return s
}

BEGIN {
	n = split(tids, m, " ")
	for (i = 1; i <= n; i++) {
		split(m[i], p, ":")
		idx_of[p[2]] = p[1]
		tid_of[p[1]] = p[2]
	}
}

/^#/ { next }
/\[LOST [0-9]+ EVENTS\]/ {
	s = $0
	sub(/.*\[LOST /, "", s)
	lost += s + 0
	next
}

{
	# "COMM-PID [CPU] FLAGS SECONDS: EVENT: payload"
	for (i = 1; i <= NF; i++)
		if ($i ~ /^\[[0-9]+\]$/)
			break
	if (i > NF)
		next
	pid = $(i - 1)
	sub(/.*-/, "", pid)
	for (j = i + 1; j < NF; j++)
		if ($j ~ /^[0-9]+\.[0-9]+:$/)
			break
	if (j >= NF)
		next
	ev = $(j + 1)
	sub(/:$/, "", ev)
	body = j + 2
}

ev == "sched_stat_wait" {
	t = val("pid")
	if (t in idx_of) {
		acc[t] += val("delay")
		hasw[t] = 1
	}
	next
}

# vhv looks at vCPU thread t (a switch-out inside KVM_RUN).
function look(t) {
	# Before the first look in the trace, the switch-ins since vhv's
	# previous one are unknown: count from there on.
	if (synced[t]) {
		if (nsw[t] == 1 && epok[t]) {
			C[t, bucket(epd[t])]++
			known[t]++
		} else if (nsw[t] == 1) {
			U[t]++
		} else {
			skipped[t] += nsw[t]
		}
	}
	synced[t] = 1
	nsw[t] = 0
	ks[t] = 1
	eks[t] = E[t]
	psks[t] = ps[t]
	paks[t] = pa[t]
	nlook[t]++
}

ev == "sched_switch" {
	t = val("prev_pid")
	if (t in idx_of) {
		nout[t]++
		if (inrun[t])
			look(t)
		if (val("prev_state") ~ /^R/) {
			pa[t]++
			if (inrun[t])
				ps[t]++
		} else {
			slept[t] = 1
			nsleep[t]++
		}
	}
	t = val("next_pid")
	if (t in idx_of) {
		nin[t]++
		nsw[t]++
		epd[t] = acc[t]
		epok[t] = hasw[t] && !slept[t]
		acc[t] = 0
		hasw[t] = 0
		slept[t] = 0
	}
	next
}

ev == "kvm_entry" {
	if (pid in idx_of) {
		inrun[pid] = 1
		nent[pid]++
	}
	next
}

ev == "kvm_exit" {
	if (pid in idx_of) {
		E[pid]++
		inrun[pid] = 1
	}
	next
}

ev == "kvm_userspace_exit" {
	if (pid in idx_of) {
		inrun[pid] = 0
		nuexit[pid]++
	}
	next
}

# the histogram with the pending episode an IPI look may have counted
function histp(t,   b, s, pb) {
	pb = -1
	if (synced[t] && nsw[t] == 1 && epok[t])
		pb = bucket(epd[t])
	s = C[t, 0] + (pb == 0)
	for (b = 1; b < 25; b++)
		s = s "," (C[t, b] + (pb == b))
	return s
}

ev == "tracing_mark_write" && $body == "vhvtest" {
	ix = $(body + 3)
	t = tid_of[ix]
	up = U[t] + (synced[t] && nsw[t] == 1 && !epok[t])
	printf "mark %s %s %s ks=%d eks=%d eany=%d psks=%d psany=%d paks=%d paany=%d u=%d up=%d h=%s hp=%s\n",
		$(body + 1), $(body + 2), ix, ks[t] + 0, eks[t] + 0, E[t] + 0,
		psks[t] + 0, ps[t] + 0, paks[t] + 0, pa[t] + 0, U[t] + 0, up, hist(t), histp(t)
	next
}

END {
	for (ix in tid_of) {
		t = tid_of[ix]
		printf "vcpu %s switch_in=%d switch_out=%d looks=%d sleeps=%d entries=%d exits=%d uexits=%d episodes=%d unknown=%d skipped=%d\n",
			ix, nin[t], nout[t], nlook[t], nsleep[t], nent[t], E[t], nuexit[t],
			known[t], U[t], skipped[t]
	}
	print "lost " lost + 0
}
