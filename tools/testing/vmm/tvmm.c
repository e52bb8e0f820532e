// SPDX-License-Identifier: GPL-2.0
/*
 * tvmm - tiny test VMM for vhv's selftests and benchmarks.
 *
 * It drives KVM directly through its ioctls so that a test controls exactly
 * what the vCPU threads do: spin in guest mode, exit to userspace on every
 * iteration, idle in the in-kernel HLT path, or touch guest memory to create
 * swap pressure.  Guests run 32-bit protected mode, flat segments, no paging
 * (memapf: 4 MiB identity paging); the code is assembled by the host
 * compiler from the asm block below and copied into guest RAM.
 *
 * Output (stdout, line-buffered) is one "record key=value..." per line, as
 * listed in usage(), so shell tests can parse it with awk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/kvm.h>
#include <asm/kvm_para.h>
#include <linux/userfaultfd.h>

/*
 * Guest physical layout.  Everything below DATA_START belongs to the VMM;
 * the mem workload touches [DATA_START, mem_bytes).  RAM ends below 3 GiB so
 * it never overlaps the IOAPIC (0xfec00000), LAPIC (0xfee00000) or the TSS
 * pages KVM needs on Intel (TSS_ADDR), and a no-paging guest reaches it all.
 * These are plain numbers because the guest asm uses them too.
 */
#define GDT_ADDR	0x1000
#define IDT_ADDR	0x2000
#define CODE_ADDR	0x3000
#define STACK_BASE	0x10000
#define STACK_SIZE	0x400		/* one per vCPU, 64 fit below DATA_START */
/* hlt: the timer handler counts ticks in the bottom word of the stack area. */
#define TICKS_ADDR(idx)	(STACK_BASE + (idx) * STACK_SIZE)
/*
 * Every workload first sets the word after it to 1: the VMM's proof that
 * the vCPU ran guest code.  The guest finds it from its initial stack
 * pointer, the top of its stack area: ENTERED_DISP = 4 - STACK_SIZE.
 */
#define ENTERED_ADDR(idx)	(TICKS_ADDR(idx) + 4)
#define ENTERED_DISP	-0x3fc
/*
 * memapf: the rest of the bottom of each stack area, found by the guest's
 * handlers as esp & -STACK_SIZE.  The VMM reads the counters after the run
 * and sets APF_REARM_EVERY (-A) before it.
 */
#define APF_TAKEN	8		/* async #PFs the guest took */
#define APF_WAKES	12		/* waiters woken all at once, below */
#define APF_REARM_EVERY	16		/* -A N: re-enable at every Nth #PF */
#define APF_REARMS	20		/* times it did */
#define APF_READY	24		/* page-ready tokens nobody waits for yet */
#define APF_NR_READY	8
#define APF_WAKEALL	56		/* "wake all" page-ready interrupts */
#define APF_OVERFLOW	60		/* page readys with no free slot */
#define APF_DATA	64		/* struct kvm_vcpu_pv_apf_data, 64-aligned */
#define APF_HOLD	128		/* -A: TSC cycles the protocol stays off */
#define APF_HOLD_MS	10
#define APF_ADDR(idx, off)	(TICKS_ADDR(idx) + (off))
#define PD_ADDR		0xf000		/* memapf: page directory, 4 MiB pages */
#define DATA_START	0x20000
#define LAPIC_BASE	0xfee00000
#define TSS_ADDR	0xfffbd000

#define SEL_CODE	0x08
#define SEL_DATA	0x10

/* Ports none of KVM's in-kernel devices claim, so each "out" reaches us. */
#define PORT_IO		0x500		/* io workload: one per iteration */
#define PORT_PASS	0x501		/* mem workload: one per full pass */
#define PORT_FAULT	0x502		/* guest took an exception: 4-byte vector */

#define VEC_TIMER	0x20
#define VEC_PF		14
#define VEC_APF_READY	0x30		/* memapf: KVM's "page ready" */
#define VEC_SPURIOUS	0xff
#define NR_EXC_STUBS	32
#define EXC_STUB_SIZE	16

#define MAX_VCPUS	64
#define MAX_MEM_MB	3072
#define MAX_PERIOD_US	500000000UL	/* 2^32 ticks of a 1 GHz / 128 clock */
#define PAGE_SIZE_4K	4096

/*
 * memapf's MSR_KVM_ASYNC_PF_EN flags: SEND_ALWAYS because the guest runs at
 * CPL 0 (else KVM tells only user mode); page ready by interrupt.
 */
#define APF_EN_FLAGS	(KVM_ASYNC_PF_ENABLED | KVM_ASYNC_PF_SEND_ALWAYS | \
			 KVM_ASYNC_PF_DELIVERY_AS_INT)
/* The token of a "page ready" for every fault (KVM's u32 ~0). */
#define APF_WAKE_ALL_TOKEN	0xffffffff

#define S_(x)	#x
#define S(x)	S_(x)
/* First instruction of each workload, see ENTERED_ADDR. */
#define ENTERED	"	movl $1, " S(ENTERED_DISP) "(%esp)\n"

/*
 * Guest code.  It lives in .rodata (the host never executes it) and uses
 * no absolute reference to its own labels, so it runs wherever it is copied;
 * the VMM computes entry points as offsets from guest_start.  Each entry
 * takes its parameters in registers set by KVM_SET_REGS, which keeps the
 * code free of a parameter block.
 */
__asm__(
	".pushsection .rodata.tvmm_guest, \"a\"\n"
	".code32\n"
	"guest_start:\n"
	/* Exception: stop here and tell the VMM which vector it was. */
	"guest_fault:\n"
	"	pop %eax\n"
	"	mov $" S(PORT_FAULT) ", %dx\n"
	"	out %eax, (%dx)\n"
	"1:	cli\n"
	"	hlt\n"
	"	jmp 1b\n"
	/* One stub per exception vector, EXC_STUB_SIZE apart. */
	"	.balign " S(EXC_STUB_SIZE) "\n"
	"guest_exc_stubs:\n"
	"	.set tvmm_vec, 0\n"
	"	.rept " S(NR_EXC_STUBS) "\n"
	"	.balign " S(EXC_STUB_SIZE) "\n"
	"	push $tvmm_vec\n"
	"	jmp guest_fault\n"
	"	.set tvmm_vec, tvmm_vec + 1\n"
	"	.endr\n"
	/* Any other vector (e.g. APIC spurious): no EOI by definition. */
	"guest_ignore:\n"
	"	iret\n"
	/* Timer, hlt workload only: edi = this vCPU's TICKS_ADDR. */
	"guest_timer:\n"
	"	incl (%edi)\n"
	"	movl $0, " S(LAPIC_BASE) " + 0xb0\n"	/* EOI */
	"	iret\n"
	/* Timer, memirq: EOI only (the mem loop owns every register). */
	"guest_timer_eoi:\n"
	"	movl $0, " S(LAPIC_BASE) " + 0xb0\n"
	"	iret\n"
	/* spin: never leaves guest mode on its own. */
	"guest_spin:\n"
	ENTERED
	"1:	inc %eax\n"
	"	jmp 1b\n"
	/* io: one userspace exit per iteration. */
	"guest_io:\n"
	ENTERED
	"	mov $" S(PORT_IO) ", %dx\n"
	"1:	out %al, (%dx)\n"
	"	inc %eax\n"
	"	jmp 1b\n"
	/*
	 * cpuid: 100 CPUIDs (exits KVM handles in the kernel), then one OUT
	 * (an exit to userspace, counted as io_exits): one per iteration.
	 */
	"guest_cpuid:\n"
	ENTERED
	"2:	mov $100, %esi\n"
	"1:	xor %eax, %eax\n"
	"	cpuid\n"
	"	dec %esi\n"
	"	jnz 1b\n"
	"	mov $" S(PORT_IO) ", %dx\n"
	"	out %al, (%dx)\n"
	"	jmp 2b\n"
	/* hlt: eax = timer divide config, ecx = initial count, edi: ticks. */
	"guest_hlt:\n"
	ENTERED
	"	mov $" S(LAPIC_BASE) ", %ebx\n"
	"	movl $(0x100 | " S(VEC_SPURIOUS) "), 0xf0(%ebx)\n" /* SVR */
	"	mov %eax, 0x3e0(%ebx)\n"			  /* TDCR */
	"	movl $(0x20000 | " S(VEC_TIMER) "), 0x320(%ebx)\n" /* LVTT */
	"	mov %ecx, 0x380(%ebx)\n"			  /* TMICT */
	"1:	sti\n"			/* the sti shadow covers the hlt */
	"	hlt\n"
	"	jmp 1b\n"
	/*
	 * mem: esi = first page, edi = end, ebx = this vCPU's first page,
	 * ecx = pages per pass.  vCPUs start at staggered pages so that they
	 * do not fault on the same page in lock step.
	 */
	"guest_mem:\n"
	ENTERED
	"guest_mem_body:\n"
	"	mov $" S(PORT_PASS) ", %dx\n"
	"	mov $1, %al\n"
	"2:	mov %ecx, %ebp\n"
	"1:	mov %al, (%ebx)\n"
	"	add $" S(PAGE_SIZE_4K) ", %ebx\n"
	"	cmp %edi, %ebx\n"
	"	jb 3f\n"
	"	mov %esi, %ebx\n"
	"3:	dec %ebp\n"
	"	jnz 1b\n"
	"	out %al, (%dx)\n"
	"	inc %al\n"
	"	jmp 2b\n"
	/*
	 * memirq: mem with interrupts enabled and the LAPIC timer ticking
	 * (eax = divide config, edx = initial count), so that KVM may fault
	 * a missing page in asynchronously (an async page fault: a kworker
	 * reads it while the vCPU waits in KVM's artificial halt).
	 */
	"guest_memirq:\n"
	ENTERED
	"	movl $(0x100 | " S(VEC_SPURIOUS) "), " S(LAPIC_BASE) " + 0xf0\n"
	"	mov %eax, " S(LAPIC_BASE) " + 0x3e0\n"
	"	movl $(0x20000 | " S(VEC_TIMER) "), " S(LAPIC_BASE) " + 0x320\n"
	"	mov %edx, " S(LAPIC_BASE) " + 0x380\n"
	"	sti\n"
	"	jmp guest_mem_body\n"
	/*
	 * memapf: mem with paging on (set up by the VMM), interrupts on and
	 * KVM's paravirtual async page faults enabled, so KVM tells the
	 * guest "page not present" (#PF, token in CR2) instead of holding
	 * the vCPU, and "page ready" by interrupt.  The LAPIC must be on
	 * before the enable: KVM delivers no page ready to a disabled one.
	 */
	"guest_memapf:\n"
	ENTERED
	"	movl $(0x100 | " S(VEC_SPURIOUS) "), " S(LAPIC_BASE) " + 0xf0\n"
	"	push %ecx\n"
	"	mov $" S(MSR_KVM_ASYNC_PF_INT) ", %ecx\n"
	"	mov $" S(VEC_APF_READY) ", %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	call guest_apf_on\n"
	"	pop %ecx\n"
	"	sti\n"
	"	jmp guest_mem_body\n"
	/* MSR_KVM_ASYNC_PF_EN = this vCPU's apf data | flags; eax, ecx, edx */
	"guest_apf_on:\n"
	"	mov %esp, %eax\n"
	"	and $-" S(STACK_SIZE) ", %eax\n"
	"	add $(" S(APF_DATA) " + " S(APF_EN_FLAGS) "), %eax\n"
	"	xor %edx, %edx\n"
	"	mov $" S(MSR_KVM_ASYNC_PF_EN) ", %ecx\n"
	"	wrmsr\n"
	"	ret\n"
	/*
	 * #PF (interrupt gate: IF=0, no async #PF can nest before the sti).
	 * "Page not present": clear the reason, take the token from CR2 and
	 * halt until its page-ready interrupt (or a wake-all) came, then
	 * return to retry the access.  With IF=1 in the wait, this code or
	 * its stack may take an async #PF of its own: the ready tokens are
	 * kept in slots, so an outer wait still finds its token later.
	 * ebx: this vCPU's area, esi: the token, edx: APF_WAKES seen.
	 */
	"guest_apf_pf:\n"
	"	push %eax\n"
	"	push %ebx\n"
	"	push %ecx\n"
	"	push %edx\n"
	"	push %esi\n"
	"	mov %esp, %ebx\n"
	"	and $-" S(STACK_SIZE) ", %ebx\n"
	"	cmpl $" S(KVM_PV_REASON_PAGE_NOT_PRESENT) ", " S(APF_DATA) "(%ebx)\n"
	"	jne 9f\n"
	"	movl $0, " S(APF_DATA) "(%ebx)\n"
	"	mov %cr2, %esi\n"
	"	incl " S(APF_TAKEN) "(%ebx)\n"
	"	mov " S(APF_WAKES) "(%ebx), %edx\n"
	/*
	 * -A N: at every Nth, the protocol off and on with this one open:
	 * off at once (so that KVM drops it before its page is ready), then
	 * APF_HOLD_MS (by the TSC, interrupts off) before on again, so that
	 * the dropped faults add up to a time a test can tell
	 */
	"	mov " S(APF_REARM_EVERY) "(%ebx), %ecx\n"
	"	jecxz 1f\n"
	"	push %edx\n"
	"	mov " S(APF_TAKEN) "(%ebx), %eax\n"
	"	xor %edx, %edx\n"
	"	div %ecx\n"
	"	test %edx, %edx\n"
	"	jnz 5f\n"
	"	xor %eax, %eax\n"
	"	mov $" S(MSR_KVM_ASYNC_PF_EN) ", %ecx\n"
	"	wrmsr\n"
	"	rdtsc\n"
	"	mov %eax, %ecx\n"
	"7:	pause\n"
	"	rdtsc\n"
	"	sub %ecx, %eax\n"
	"	cmp " S(APF_HOLD) "(%ebx), %eax\n"
	"	jb 7b\n"
	"	call guest_apf_on\n"
	"	incl " S(APF_REARMS) "(%ebx)\n"
	"5:	pop %edx\n"
	"1:	cmp " S(APF_WAKES) "(%ebx), %edx\n"
	"	jne 4f\n"
	"	lea " S(APF_READY) "(%ebx), %eax\n"
	"	mov $" S(APF_NR_READY) ", %ecx\n"
	"2:	cmp (%eax), %esi\n"
	"	je 3f\n"
	"	add $4, %eax\n"
	"	loop 2b\n"
	"	sti\n"			/* the sti shadow covers the hlt */
	"	hlt\n"
	"	cli\n"
	"	jmp 1b\n"
	"3:	movl $0, (%eax)\n"
	"4:	pop %esi\n"
	"	pop %edx\n"
	"	pop %ecx\n"
	"	pop %ebx\n"
	"	pop %eax\n"
	"	add $4, %esp\n"		/* the error code */
	"	iret\n"
	/* A real #PF: report it like any other exception. */
	"9:	pop %esi\n"
	"	pop %edx\n"
	"	pop %ecx\n"
	"	pop %ebx\n"
	"	pop %eax\n"
	"	push $" S(VEC_PF) "\n"
	"	jmp guest_fault\n"
	/*
	 * "Page ready" (IF=0): EOI, take the token and free KVM's slot for
	 * the next one, note the token for its waiter, then ACK so that
	 * KVM sends the next.  A wake all (~0) wakes every waiter, each
	 * retries its access, and it empties the slots: KVM dropped every
	 * fault before it and sent their readys first (its slot in the apf
	 * data is one), so a token left there would never have a waiter
	 * again, and the slots would fill up.  No free slot (an overflow,
	 * counted): the token is lost, so every waiter is woken as well.
	 */
	"guest_apf_ready:\n"
	"	push %eax\n"
	"	push %ebx\n"
	"	push %ecx\n"
	"	push %edx\n"
	"	movl $0, " S(LAPIC_BASE) " + 0xb0\n"
	"	mov %esp, %ebx\n"
	"	and $-" S(STACK_SIZE) ", %ebx\n"
	"	mov " S(APF_DATA) "+4(%ebx), %eax\n"
	"	movl $0, " S(APF_DATA) "+4(%ebx)\n"
	"	test %eax, %eax\n"
	"	jz 3f\n"
	"	cmp $" S(APF_WAKE_ALL_TOKEN) ", %eax\n"
	"	je 5f\n"
	"	lea " S(APF_READY) "(%ebx), %edx\n"
	"	mov $" S(APF_NR_READY) ", %ecx\n"
	"1:	cmpl $0, (%edx)\n"
	"	je 4f\n"
	"	add $4, %edx\n"
	"	loop 1b\n"
	"	incl " S(APF_OVERFLOW) "(%ebx)\n"
	"	jmp 2f\n"
	"5:	incl " S(APF_WAKEALL) "(%ebx)\n"
	"	lea " S(APF_READY) "(%ebx), %edx\n"
	"	mov $" S(APF_NR_READY) ", %ecx\n"
	"6:	movl $0, (%edx)\n"
	"	add $4, %edx\n"
	"	loop 6b\n"
	"2:	incl " S(APF_WAKES) "(%ebx)\n"
	"	jmp 3f\n"
	"4:	mov %eax, (%edx)\n"
	"3:	mov $" S(MSR_KVM_ASYNC_PF_ACK) ", %ecx\n"
	"	mov $1, %eax\n"
	"	xor %edx, %edx\n"
	"	wrmsr\n"
	"	pop %edx\n"
	"	pop %ecx\n"
	"	pop %ebx\n"
	"	pop %eax\n"
	"	iret\n"
	"guest_end:\n"
	".code64\n"
	".popsection\n");

extern const unsigned char guest_start[], guest_end[], guest_exc_stubs[],
	guest_ignore[], guest_timer[], guest_timer_eoi[], guest_spin[],
	guest_io[], guest_hlt[], guest_mem[], guest_memirq[], guest_cpuid[],
	guest_memapf[], guest_apf_pf[], guest_apf_ready[];

_Static_assert(ENTERED_DISP == 4 - STACK_SIZE, "ENTERED_DISP");
/* The memapf handlers find their vCPU's area as esp & -STACK_SIZE. */
_Static_assert(STACK_BASE % STACK_SIZE == 0, "STACK_BASE alignment");
_Static_assert(STACK_BASE + MAX_VCPUS * STACK_SIZE <= DATA_START, "stacks");
_Static_assert(APF_READY + 4 * APF_NR_READY <= APF_WAKEALL &&
	       APF_OVERFLOW + 4 <= APF_DATA && APF_DATA % 64 == 0 &&
	       APF_HOLD >= APF_DATA + 64 && APF_HOLD + 4 <= STACK_SIZE / 2,
	       "memapf area");
/* The handlers use these offsets; the guest's own copy is 68 bytes. */
_Static_assert(offsetof(struct kvm_vcpu_pv_apf_data, flags) == 0 &&
	       offsetof(struct kvm_vcpu_pv_apf_data, token) == 4 &&
	       APF_DATA + sizeof(struct kvm_vcpu_pv_apf_data) <= STACK_SIZE / 2,
	       "struct kvm_vcpu_pv_apf_data");

enum workload { WL_SPIN, WL_IO, WL_HLT, WL_MEM, WL_MEMIRQ, WL_CPUID, WL_MEMAPF };

static const char *const workload_names[] = {
	[WL_SPIN] = "spin", [WL_IO] = "io", [WL_HLT] = "hlt", [WL_MEM] = "mem",
	[WL_MEMIRQ] = "memirq", [WL_CPUID] = "cpuid", [WL_MEMAPF] = "memapf",
};

struct options {
	int nr_vcpus;
	unsigned long mem_mb;
	enum workload workload;
	unsigned long period_us;
	int cpus[CPU_SETSIZE];		/* -a list, in order */
	int nr_cpus;			/* 0: no pinning */
	double seconds;			/* 0: until SIGINT/SIGTERM */
	double warmup;			/* -W: run before -d, not counted */
	unsigned long repeat;
	bool quiet;
	bool thp;
	bool uffd;			/* -U */
	unsigned long apf_rearm;	/* -A */
};

struct vm;

/*
 * Written by its own thread; main reads them after the join, and exits
 * (atomically) at the end of a -W warm-up.
 */
struct vcpu {
	struct vm *vm;
	int idx;
	int fd;
	struct kvm_run *run;
	pthread_t thread;
	pid_t tid;
	int cpu;
	bool setup_failed;
	unsigned long long exits;	/* returns from KVM_RUN */
	unsigned long long io_exits;
	unsigned long long passes;
	unsigned long long ticks;	/* hlt: timer interrupts handled */
	unsigned long long exits0;	/* -W: exits, ticks at the warm-up's end */
	unsigned long long ticks0;
	/* memapf, from the guest's area */
	unsigned long long apf;		/* async #PFs taken */
	unsigned long long wakeall;	/* "wake all" page-ready interrupts */
	unsigned long long overflows;	/* page readys with no free slot */
	unsigned long long rearms;	/* -A: protocol switched off and on */
	atomic_bool park;		/* main asks it to wait in the VMM */
};

struct vm {
	const struct options *opt;
	int kvm_fd;
	int vm_fd;
	size_t run_size;
	struct kvm_cpuid2 *cpuid;	/* what KVM supports, for every vCPU */
	unsigned char *mem;
	size_t mem_bytes;
	int uffd;			/* -U: never served */
	pthread_t main_thread;
	int nr_threads;			/* vCPU threads created, to join */
	/*
	 * Start-up handshake through two eventfds, not a mutex: releasing 64
	 * threads that each re-take a mutex wakes them one by one, behind
	 * the CPU-bound vCPUs already running, and some did not reach
	 * KVM_RUN within a second under TCG.
	 */
	int report_fd;			/* vCPU -> main: +1 per step done */
	int gate_fd;			/* main -> vCPUs: readable = go */
	uint64_t nr_reports;		/* main's running sum of report_fd */
	atomic_bool stop;
	atomic_bool failed;
	/*
	 * Parking (SIGRTMIN..SIGRTMIN+2): a parked vCPU thread leaves
	 * KVM_RUN and sleeps on park_cond in the VMM, as QEMU's vCPU threads
	 * do while the VM is paused.
	 */
	pthread_mutex_t park_lock;
	pthread_cond_t park_cond;
	int nr_parked;			/* threads asleep on park_cond */
	struct vcpu vcpus[MAX_VCPUS];
};

static void err_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void err_msg(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tvmm: %s\n", buf);
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- options -------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
"usage: tvmm [-c NVCPUS] [-m MEM_MB] [-w spin|io|hlt|mem|memirq|memapf|cpuid]\n"
"            [-t USEC] [-a CPULIST] [-d SECONDS] [-r REPEAT] [-A N] [-H] [-U]\n"
"            [-q] [-h] [-- ARGS...]\n"
"  -c  vCPUs, one thread each (1..%d, default 1)\n"
"  -m  guest RAM in MiB, anonymous private memory (1..%d, default 16)\n"
"  -w  spin: busy loop in guest mode; io: an OUT (userspace exit) per\n"
"      iteration; hlt: STI;HLT woken by the periodic LAPIC timer;\n"
"      mem: write one byte per 4 KiB page of RAM, forever, interrupts off;\n"
"      memirq: mem with interrupts on and the LAPIC timer ticking, so KVM\n"
"      may fault pages in asynchronously; memapf: mem with 4 MiB identity\n"
"      paging, interrupts on and KVM's paravirtual async page faults\n"
"      (MSR_KVM_ASYNC_PF_EN, page ready by interrupt): a page KVM must\n"
"      swap in raises \"page not present\" (#PF), and the guest halts until\n"
"      its \"page ready\" interrupt, then retries; cpuid: 100 CPUIDs\n"
"      (handled in the kernel) then one OUT, per iteration (default spin)\n"
"  -t  LAPIC timer period for hlt and memirq, microseconds (default 10000)\n"
"  -a  pin vCPU thread i to the i-th CPU of CPULIST (e.g. 0-3,6), round-robin\n"
"  -d  run time in seconds, fractional allowed (0: until SIGINT/SIGTERM)\n"
"  -W  warm-up: run SECONDS before the -d window; exits and ticks in the\n"
"      warm-up are not reported (default 0)\n"
"  -r  create, run and destroy the VM REPEAT times (default 1)\n"
"  -A  memapf: at every Nth async #PF, switch the protocol off, and on\n"
"      again " S(APF_HOLD_MS) " ms later, before waiting: KVM drops the fault and sends\n"
"      a \"wake all\"\n"
"  -H  leave guest RAM to the system THP policy (default MADV_NOHUGEPAGE)\n"
"  -U  register the data pages (from 0x20000) with a userfaultfd nobody\n"
"      serves: a vCPU that touches one (mem) sleeps in KVM until the end;\n"
"      with interrupts on (memirq, memapf) KVM makes it an async page\n"
"      fault whose worker waits instead\n"
"  -q  quiet: omit the per-vCPU records\n"
"  ARGS after \"--\" are ignored: they make the command line look like\n"
"      another VMM's (e.g. QEMU's -name and -uuid, for vhvstat's names)\n"
"output records (stdout, one per line):\n"
"  vm pid=P vcpus=N mem_bytes=B workload=W\n"
"  vcpu idx=I tid=T cpu=C|-1        (before the vCPU's first KVM_RUN)\n"
"  started                          (every vCPU has run guest code)\n"
"  vcpu idx=I exits=E io_exits=E passes=P ticks=T apf=A wakeall=W rearms=R\n"
"       overflows=O\n"
"    exits: returns from KVM_RUN; io_exits: of them, guest OUTs;\n"
"    passes: mem passes over RAM; ticks: hlt timer interrupts;\n"
"    memapf: apf: async #PFs (\"page not present\") the guest took;\n"
"    wakeall: \"wake all\" page-ready interrupts; rearms: -A switches;\n"
"    overflows: page readys the guest had no free slot for (a bug)\n"
"  total exits=E seconds=S exits_per_sec=X\n"
"  parked vcpus=N / unparked        (after SIGRTMIN, SIGRTMIN+2 / SIGRTMIN+1)\n"
"signals: SIGRTMIN parks every vCPU thread in the VMM (out of KVM_RUN, asleep,\n"
"  like a paused QEMU), SIGRTMIN+2 parks vCPU 0 only, SIGRTMIN+1 unparks\n"
"exit status: 0 ok, 1 KVM or guest error, 2 usage error\n",
		MAX_VCPUS, MAX_MEM_MB);
}

static bool parse_ulong(const char *s, unsigned long min, unsigned long max,
			unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')	/* strtoul accepts "-1" and spaces */
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* "0-3,6,8-9" -> cpus[] in that order. */
static bool parse_cpulist(const char *s, struct options *opt)
{
	opt->nr_cpus = 0;
	while (*s) {
		unsigned long lo, hi;
		char *end;

		if (*s < '0' || *s > '9')
			return false;
		lo = hi = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return false;
			hi = strtoul(s, &end, 10);
		}
		if (hi < lo || hi >= CPU_SETSIZE || (*end && *end != ','))
			return false;
		for (; lo <= hi; lo++) {
			if (opt->nr_cpus == CPU_SETSIZE)
				return false;
			opt->cpus[opt->nr_cpus++] = lo;
		}
		s = *end ? end + 1 : end;
	}
	return opt->nr_cpus > 0;
}

static bool parse_workload(const char *s, enum workload *w)
{
	for (size_t i = 0; i < sizeof(workload_names) / sizeof(*workload_names); i++) {
		if (!strcmp(s, workload_names[i])) {
			*w = i;
			return true;
		}
	}
	return false;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	/* The comparison also rejects NaN. */
	return !errno && end != s && !*end && *out >= 0 && *out <= 1e9;
}

static bool parse_one(int c, const char *arg, struct options *opt)
{
	unsigned long v;

	switch (c) {
	case 'c':
		if (!parse_ulong(arg, 1, MAX_VCPUS, &v))
			return false;
		opt->nr_vcpus = v;
		return true;
	case 'm':
		return parse_ulong(arg, 1, MAX_MEM_MB, &opt->mem_mb);
	case 'w':
		return parse_workload(arg, &opt->workload);
	case 't':
		return parse_ulong(arg, 1, MAX_PERIOD_US, &opt->period_us);
	case 'a':
		return parse_cpulist(arg, opt);
	case 'd':
		return parse_seconds(arg, &opt->seconds);
	case 'W':
		return parse_seconds(arg, &opt->warmup);
	case 'r':
		return parse_ulong(arg, 1, ULONG_MAX, &opt->repeat);
	case 'A':
		return parse_ulong(arg, 1, UINT32_MAX, &opt->apf_rearm);
	case 'q':
		opt->quiet = true;
		return true;
	case 'H':
		opt->thp = true;
		return true;
	case 'U':
		opt->uffd = true;
		return true;
	}
	return false;
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	int c;

	*opt = (struct options){ .nr_vcpus = 1, .mem_mb = 16,
				 .workload = WL_SPIN, .period_us = 10000,
				 .repeat = 1 };
	opterr = 0;	/* we print our own message, with the option */
	while ((c = getopt(argc, argv, "c:m:w:t:a:d:r:W:A:qHUh")) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == '?' || !parse_one(c, optarg, opt)) {
			if (c == '?')
				err_msg("unknown option or missing argument: -%c",
					optopt);
			else
				err_msg("invalid argument to -%c: '%s'", c, optarg);
			fprintf(stderr, "Try 'tvmm -h' for more information.\n");
			exit(2);
		}
	}
	/* after "--": what a test makes the command line look like */
	if (optind < argc && strcmp(argv[optind - 1], "--")) {
		err_msg("unexpected argument: '%s'", argv[optind]);
		fprintf(stderr, "Try 'tvmm -h' for more information.\n");
		exit(2);
	}
	if (opt->apf_rearm && opt->workload != WL_MEMAPF) {
		err_msg("-A needs -w memapf");
		fprintf(stderr, "Try 'tvmm -h' for more information.\n");
		exit(2);
	}
}

/* ---- signals -------------------------------------------------------- */

/* SIGUSR1 only has to make KVM_RUN (or HLT in the kernel) return EINTR. */
static void kick_handler(int sig)
{
	(void)sig;
}

/*
 * SIGINT/SIGTERM (stop) and SIGUSR2 (a vCPU failed) are blocked in every
 * thread and taken synchronously by the main thread, so no vCPU thread is
 * ever interrupted by them and no handler has to be async-signal-safe.
 */
static void signals_init(sigset_t *waitset)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: KVM_RUN must return */
	sigaction(SIGUSR1, &sa, NULL);

	sigemptyset(waitset);
	sigaddset(waitset, SIGINT);
	sigaddset(waitset, SIGTERM);
	sigaddset(waitset, SIGUSR2);
	sigaddset(waitset, SIGRTMIN);
	sigaddset(waitset, SIGRTMIN + 1);
	sigaddset(waitset, SIGRTMIN + 2);
	pthread_sigmask(SIG_BLOCK, waitset, NULL);
}

/* Non-blocking: has SIGINT/SIGTERM arrived since the last look? */
static bool stop_signal_pending(const sigset_t *waitset)
{
	struct timespec zero = { 0, 0 };
	int sig;

	while ((sig = sigtimedwait(waitset, NULL, &zero)) > 0) {
		if (sig == SIGINT || sig == SIGTERM)
			return true;
	}
	return false;
}

/* ---- guest memory image --------------------------------------------- */

static uint32_t guest_addr(const unsigned char *label)
{
	return CODE_ADDR + (uint32_t)(label - guest_start);
}

/* A 32-bit interrupt gate, DPL 0, in the flat code segment. */
static uint64_t idt_gate(uint32_t handler)
{
	return (handler & 0xffffULL) | ((uint64_t)SEL_CODE << 16) |
	       (0x8e00ULL << 32) | ((uint64_t)(handler >> 16) << 48);
}

/* memapf: the page directory (4 MiB pages, identity) and the areas. */
static void guest_load_apf(struct vm *vm)
{
	uint32_t *pd = (uint32_t *)(vm->mem + PD_ADDR);
	uint32_t every = vm->opt->apf_rearm;

	for (uint32_t i = 0; i < 1024; i++)
		pd[i] = i << 22 | 0x83;		/* PS | RW | P */
	for (int i = 0; i < vm->opt->nr_vcpus; i++)
		memcpy(vm->mem + APF_ADDR(i, APF_REARM_EVERY), &every,
		       sizeof(every));
}

/*
 * GDT (CPU reads it on interrupt delivery and iret), IDT (exception stubs,
 * timer, the rest ignored) and the code.
 */
static void guest_load(struct vm *vm)
{
	static const uint64_t gdt[] = {
		0,
		0x00cf9b000000ffffULL,	/* SEL_CODE: 4 GiB, 32-bit, exec/read */
		0x00cf93000000ffffULL,	/* SEL_DATA: 4 GiB, read/write */
	};
	uint64_t *idt = (uint64_t *)(vm->mem + IDT_ADDR);

	memcpy(vm->mem + GDT_ADDR, gdt, sizeof(gdt));
	for (int vec = 0; vec < 256; vec++)
		idt[vec] = idt_gate(guest_addr(guest_ignore));
	for (int vec = 0; vec < NR_EXC_STUBS; vec++)
		idt[vec] = idt_gate(guest_addr(guest_exc_stubs) +
				    vec * EXC_STUB_SIZE);
	idt[VEC_TIMER] = idt_gate(guest_addr(vm->opt->workload == WL_MEMIRQ ?
					      guest_timer_eoi : guest_timer));
	if (vm->opt->workload == WL_MEMAPF) {
		idt[VEC_PF] = idt_gate(guest_addr(guest_apf_pf));
		idt[VEC_APF_READY] = idt_gate(guest_addr(guest_apf_ready));
		guest_load_apf(vm);
	}
	memcpy(vm->mem + CODE_ADDR, guest_start, guest_end - guest_start);
}

/* ---- VM ------------------------------------------------------------- */

static int kvm_check_caps(struct vm *vm)
{
	static const struct { int cap; const char *name; } caps[] = {
		{ KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP" },
		{ KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
		{ KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
		{ KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR" },
	};
	int max;

	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		err_msg("/dev/kvm: unexpected KVM API version");
		return -1;
	}
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++) {
		if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap) <= 0) {
			err_msg("KVM lacks %s", caps[i].name);
			return -1;
		}
	}
	max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max <= 0)
		max = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS);
	if (max > 0 && vm->opt->nr_vcpus > max) {
		err_msg("KVM supports at most %d vCPUs, %d requested", max,
			vm->opt->nr_vcpus);
		return -1;
	}
	return 0;
}

/*
 * The vCPUs get the CPUID KVM supports, as with QEMU's -cpu host.  Without
 * any CPUID the in-kernel LAPIC refuses the periodic timer mode: KVM derives
 * the LVTT timer-mode mask from CPUID leaf 1 in KVM_SET_CPUID2.
 */
static int kvm_get_cpuid(struct vm *vm)
{
	for (unsigned int nent = 64; nent <= 4096; nent *= 2) {
		vm->cpuid = calloc(1, sizeof(*vm->cpuid) +
				      nent * sizeof(vm->cpuid->entries[0]));
		if (!vm->cpuid) {
			err_msg("out of memory");
			return -1;
		}
		vm->cpuid->nent = nent;
		if (!ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, vm->cpuid))
			return 0;
		free(vm->cpuid);
		vm->cpuid = NULL;
		if (errno != E2BIG)
			break;
	}
	err_msg("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
	return -1;
}

/*
 * memapf: the supported CPUID, which every vCPU gets, must carry KVM's
 * signature leaf and both async-PF features; the vCPUs are then made to
 * enforce it (KVM_CAP_ENFORCE_PV_FEATURE_CPUID), so the guest's MSR writes
 * are allowed by that CPUID, as under a VMM that enforces it.
 */
static int kvm_check_apf(const struct vm *vm)
{
	const uint32_t need = 1u << KVM_FEATURE_ASYNC_PF |
			      1u << KVM_FEATURE_ASYNC_PF_INT;
	bool sig = false;
	uint32_t feat = 0;

	for (unsigned int i = 0; i < vm->cpuid->nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vm->cpuid->entries[i];

		if (e->function == KVM_CPUID_SIGNATURE)
			sig = !memcmp(&e->ebx, "KVMK", 4);
		else if (e->function == KVM_CPUID_FEATURES)
			feat = e->eax;
	}
	if (!sig || (feat & need) != need) {
		err_msg("KVM offers no async page faults with page-ready interrupts (CPUID 0x%x: %s, eax 0x%x)",
			KVM_CPUID_FEATURES, sig ? "KVM" : "no KVM signature",
			feat);
		return -1;
	}
	return 0;
}

static int vm_open(struct vm *vm)
{
	int r;

	vm->report_fd = eventfd(0, EFD_CLOEXEC);
	vm->gate_fd = eventfd(0, EFD_CLOEXEC);
	if (vm->report_fd < 0 || vm->gate_fd < 0) {
		err_msg("eventfd: %s", strerror(errno));
		return -1;
	}
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		err_msg("open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	if (kvm_check_caps(vm) || kvm_get_cpuid(vm))
		return -1;
	if (vm->opt->workload == WL_MEMAPF && kvm_check_apf(vm))
		return -1;
	r = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (r <= 0) {
		err_msg("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
		return -1;
	}
	vm->run_size = r;
	/* KVM_CREATE_VM can fail with EINTR when a signal is pending. */
	do {
		vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	} while (vm->vm_fd < 0 && errno == EINTR);
	if (vm->vm_fd < 0) {
		err_msg("KVM_CREATE_VM: %s", strerror(errno));
		return -1;
	}
	/* Intel needs the TSS pages reserved before the first vCPU exists. */
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, TSS_ADDR) < 0) {
		err_msg("KVM_SET_TSS_ADDR: %s", strerror(errno));
		return -1;
	}
	/* In-kernel LAPIC: HLT and the timer never leave the kernel. */
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) {
		err_msg("KVM_CREATE_IRQCHIP: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Guest RAM is private anonymous memory like QEMU's default backend, so the
 * host can swap it.  MAP_NORESERVE: no commit charge under the default
 * overcommit heuristic, so -m may exceed RAM + swap, as overcommitted guests
 * do.  Huge pages are refused by default so that swap-out and swap-in happen
 * per 4 KiB page, the unit the mem workload touches.
 */
/*
 * -U: register the data pages with a userfaultfd that nobody serves, so a
 * vCPU that touches one sleeps in KVM (in handle_userfault(), called by
 * KVM's fault-in of guest memory) until the fd is closed: a vCPU blocked
 * in KVM for a reason other than a halt or a swap-in.
 */
static int vm_uffd(struct vm *vm)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = {
		.range = { .start = (uintptr_t)vm->mem + DATA_START,
			   .len = vm->mem_bytes - DATA_START },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	vm->uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (vm->uffd < 0) {
		err_msg("userfaultfd: %s", strerror(errno));
		return -1;
	}
	if (ioctl(vm->uffd, UFFDIO_API, &api) < 0 ||
	    ioctl(vm->uffd, UFFDIO_REGISTER, &reg) < 0) {
		err_msg("userfaultfd setup: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int vm_map_memory(struct vm *vm)
{
	struct kvm_userspace_memory_region region;

	vm->mem_bytes = (size_t)vm->opt->mem_mb << 20;
	vm->mem = mmap(NULL, vm->mem_bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		err_msg("mmap %zu bytes of guest RAM: %s", vm->mem_bytes,
			strerror(errno));
		return -1;
	}
	/* Best effort: fails only where THP does not exist anyway. */
	if (!vm->opt->thp)
		madvise(vm->mem, vm->mem_bytes, MADV_NOHUGEPAGE);
	guest_load(vm);
	if (vm->opt->uffd && vm_uffd(vm))
		return -1;
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem_bytes,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
		err_msg("KVM_SET_USER_MEMORY_REGION: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void vm_init(struct vm *vm, const struct options *opt)
{
	memset(vm, 0, sizeof(*vm));
	vm->opt = opt;
	vm->kvm_fd = -1;
	vm->vm_fd = -1;
	vm->main_thread = pthread_self();
	vm->report_fd = -1;
	vm->gate_fd = -1;
	vm->uffd = -1;
	pthread_mutex_init(&vm->park_lock, NULL);
	pthread_cond_init(&vm->park_cond, NULL);
	for (int i = 0; i < MAX_VCPUS; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].idx = i;
		vm->vcpus[i].fd = -1;
		vm->vcpus[i].cpu = -1;
	}
}

/*
 * Runs after every vCPU thread is joined.  The run mappings hold references
 * on the vCPU files, and the vCPUs on the VM: unmap and close in that order
 * so the VM is really destroyed before the next repetition.
 */
static void vm_destroy(struct vm *vm)
{
	for (int i = 0; i < MAX_VCPUS; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run)
			munmap(v->run, vm->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->mem)
		munmap(vm->mem, vm->mem_bytes);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	free(vm->cpuid);
	if (vm->report_fd >= 0)
		close(vm->report_fd);
	if (vm->gate_fd >= 0)
		close(vm->gate_fd);
	if (vm->uffd >= 0)
		close(vm->uffd);
	pthread_cond_destroy(&vm->park_cond);
	pthread_mutex_destroy(&vm->park_lock);
}

/* ---- vCPU setup ----------------------------------------------------- */

static void vcpu_err(const struct vcpu *v, const char *what, int err)
{
	err_msg("vcpu %d: %s: %s", v->idx, what, strerror(err));
}

static void seg_flat(struct kvm_segment *seg, uint16_t sel, uint8_t type)
{
	*seg = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = sel, .type = type,
		.present = 1, .dpl = 0, .db = 1, .s = 1, .l = 0, .g = 1,
	};
}

/*
 * Protected mode, flat 4 GiB segments, no paging; TR/LDTR keep KVM's reset
 * values.  memapf: 4 MiB identity paging, because KVM tells only a guest
 * with paging on "page not present" (kvm_can_deliver_async_pf()).
 */
static int vcpu_init_sregs(struct vcpu *v)
{
	struct kvm_sregs sregs;

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0) {
		vcpu_err(v, "KVM_GET_SREGS", errno);
		return -1;
	}
	seg_flat(&sregs.cs, SEL_CODE, 0xb);
	seg_flat(&sregs.ds, SEL_DATA, 0x3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.gdt.base = GDT_ADDR;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = IDT_ADDR;
	sregs.idt.limit = 256 * 8 - 1;
	/* PE|ET|NE: reset CR0 has CD/NW set, which could make RAM uncached. */
	sregs.cr0 = 0x31;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (v->vm->opt->workload == WL_MEMAPF) {
		sregs.cr3 = PD_ADDR;
		sregs.cr4 = 0x10;		/* PSE */
		sregs.cr0 |= 0x80000000;	/* PG */
	}
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0) {
		vcpu_err(v, "KVM_SET_SREGS", errno);
		return -1;
	}
	return 0;
}

/*
 * KVM's LAPIC timer counts at 1 GHz (APIC_BUS_CYCLE_NS is 1, also the
 * default of 6.12's configurable bus cycle); take the smallest divider that
 * lets the 32-bit initial count hold the period.
 */
static void lapic_timer_params(unsigned long period_us, uint32_t *tdcr,
			       uint32_t *tmict)
{
	static const struct { unsigned int div; uint32_t code; } divs[] = {
		{ 1, 0xb }, { 2, 0x0 }, { 4, 0x1 }, { 8, 0x2 },
		{ 16, 0x3 }, { 32, 0x8 }, { 64, 0x9 }, { 128, 0xa },
	};
	uint64_t ns = period_us * 1000ULL;
	size_t i = 0;

	while (i < sizeof(divs) / sizeof(*divs) - 1 &&
	       ns / divs[i].div > 0xffffffffULL)
		i++;
	*tdcr = divs[i].code;
	*tmict = ns / divs[i].div ? ns / divs[i].div : 1;
}

/* Entry point and register-passed parameters of the chosen workload. */
static void vcpu_workload_regs(const struct vcpu *v, struct kvm_regs *regs)
{
	const struct vm *vm = v->vm;
	uint64_t pages = (vm->mem_bytes - DATA_START) / PAGE_SIZE_4K;
	uint32_t tdcr, tmict;

	switch (vm->opt->workload) {
	case WL_SPIN:
		regs->rip = guest_addr(guest_spin);
		break;
	case WL_IO:
		regs->rip = guest_addr(guest_io);
		break;
	case WL_CPUID:
		regs->rip = guest_addr(guest_cpuid);
		break;
	case WL_HLT:
		regs->rip = guest_addr(guest_hlt);
		lapic_timer_params(vm->opt->period_us, &tdcr, &tmict);
		regs->rax = tdcr;
		regs->rcx = tmict;
		regs->rdi = TICKS_ADDR(v->idx);
		break;
	case WL_MEM:
	case WL_MEMIRQ:
	case WL_MEMAPF:
		regs->rip = guest_addr(vm->opt->workload == WL_MEM ? guest_mem :
				       vm->opt->workload == WL_MEMIRQ ?
				       guest_memirq : guest_memapf);
		lapic_timer_params(vm->opt->period_us, &tdcr, &tmict);
		regs->rax = tdcr;
		regs->rdx = tmict;
		regs->rsi = DATA_START;
		regs->rdi = DATA_START + pages * PAGE_SIZE_4K;
		regs->rbx = DATA_START +
			    pages * v->idx / vm->opt->nr_vcpus * PAGE_SIZE_4K;
		regs->rcx = pages;
		break;
	}
}

static int vcpu_init_regs(struct vcpu *v)
{
	struct kvm_regs regs = { .rflags = 0x2 };	/* IF=0 */
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	regs.rsp = STACK_BASE + (v->idx + 1) * STACK_SIZE;
	vcpu_workload_regs(v, &regs);
	if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0) {
		vcpu_err(v, "KVM_SET_REGS", errno);
		return -1;
	}
	/*
	 * With an in-kernel LAPIC only the BSP starts runnable; the others
	 * would sit in KVM_RUN waiting for an INIT/SIPI that never comes.
	 */
	if (ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0) {
		vcpu_err(v, "KVM_SET_MP_STATE", errno);
		return -1;
	}
	return 0;
}

/* The supported CPUID with this vCPU's APIC ID where CPUID reports it. */
static int vcpu_set_cpuid(struct vcpu *v)
{
	const struct kvm_cpuid2 *sup = v->vm->cpuid;
	size_t size = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *cpuid = malloc(size);
	int r;

	if (!cpuid) {
		err_msg("out of memory");
		return -1;
	}
	memcpy(cpuid, sup, size);
	for (unsigned int i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 1)
			e->ebx = (e->ebx & 0x00ffffff) | (uint32_t)v->idx << 24;
		else if (e->function == 0xb || e->function == 0x1f)
			e->edx = v->idx;
		else if (e->function == 0x8000001e)
			e->eax = v->idx;
	}
	r = ioctl(v->fd, KVM_SET_CPUID2, cpuid);
	if (r < 0)
		vcpu_err(v, "KVM_SET_CPUID2", errno);
	free(cpuid);
	if (r < 0)
		return -1;
	if (v->vm->opt->workload == WL_MEMAPF) {
		struct kvm_enable_cap cap = {
			.cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID,
			.args = { 1 },
		};

		if (ioctl(v->fd, KVM_ENABLE_CAP, &cap) < 0) {
			vcpu_err(v, "KVM_ENABLE_CAP ENFORCE_PV_FEATURE_CPUID",
				 errno);
			return -1;
		}
	}
	return 0;
}

/* -A: APF_HOLD_MS in the guest's TSC cycles, for its area. */
static int vcpu_set_apf_hold(struct vcpu *v)
{
	uint32_t hold;
	int khz;

	khz = ioctl(v->fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0 || (unsigned int)khz > UINT32_MAX / APF_HOLD_MS) {
		vcpu_err(v, "KVM_GET_TSC_KHZ", khz < 0 ? errno : ERANGE);
		return -1;
	}
	hold = (uint32_t)khz * APF_HOLD_MS;
	memcpy(v->vm->mem + APF_ADDR(v->idx, APF_HOLD), &hold, sizeof(hold));
	return 0;
}

static int vcpu_create(struct vcpu *v)
{
	struct vm *vm = v->vm;
	void *run;

	v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, v->idx);
	if (v->fd < 0) {
		vcpu_err(v, "KVM_CREATE_VCPU", errno);
		return -1;
	}
	run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   v->fd, 0);
	if (run == MAP_FAILED) {
		vcpu_err(v, "mmap kvm_run", errno);
		return -1;
	}
	v->run = run;
	if (vcpu_set_cpuid(v) || vcpu_init_sregs(v) || vcpu_init_regs(v))
		return -1;
	return vm->opt->apf_rearm ? vcpu_set_apf_hold(v) : 0;
}

static int vcpu_pin(struct vcpu *v)
{
	const struct options *opt = v->vm->opt;
	cpu_set_t set;
	int r;

	if (!opt->nr_cpus)
		return 0;
	v->cpu = opt->cpus[v->idx % opt->nr_cpus];
	CPU_ZERO(&set);
	CPU_SET(v->cpu, &set);
	r = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (r) {
		err_msg("vcpu %d: cannot pin to CPU %d: %s", v->idx, v->cpu,
			strerror(r));
		return -1;
	}
	return 0;
}

/* ---- vCPU run loop -------------------------------------------------- */

static void vcpu_fail(struct vcpu *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A runtime error: report it and wake the main thread to stop the VM. */
static void vcpu_fail(struct vcpu *v, const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	err_msg("vcpu %d: %s", v->idx, buf);
	atomic_store(&v->vm->failed, true);
	pthread_kill(v->vm->main_thread, SIGUSR2);
}

static unsigned long long vcpu_rip(const struct vcpu *v)
{
	struct kvm_regs regs;

	if (ioctl(v->fd, KVM_GET_REGS, &regs) < 0)
		return ~0ULL;
	return regs.rip;
}

/* The faulting eip, from the exception frame on the guest stack. */
static unsigned long long vcpu_fault_eip(const struct vcpu *v, uint32_t vec)
{
	/* Exceptions that push an error code below eip. */
	const uint32_t has_err = 1u << 8 | 1u << 10 | 1u << 11 | 1u << 12 |
				 1u << 13 | 1u << 14 | 1u << 17 | 1u << 21 |
				 1u << 29 | 1u << 30;
	struct kvm_regs regs;
	uint64_t at;
	uint32_t eip;

	if (vec >= 32 || ioctl(v->fd, KVM_GET_REGS, &regs) < 0)
		return ~0ULL;
	at = (uint32_t)regs.rsp + (has_err & (1u << vec) ? 4 : 0);
	if (at + 4 > v->vm->mem_bytes)
		return ~0ULL;
	memcpy(&eip, v->vm->mem + at, 4);
	return eip;
}

static int vcpu_handle_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint32_t vec = 0;

	if (run->io.direction == KVM_EXIT_IO_OUT) {
		switch (run->io.port) {
		case PORT_IO:
			v->io_exits++;
			return 0;
		case PORT_PASS:
			v->io_exits++;
			v->passes++;
			return 0;
		case PORT_FAULT:
			memcpy(&vec, (char *)run + run->io.data_offset,
			       run->io.size < 4 ? run->io.size : 4);
			vcpu_fail(v, "guest exception, vector %u, eip=0x%llx",
				  vec, vcpu_fault_eip(v, vec));
			return -1;
		}
	}
	vcpu_fail(v, "unexpected guest I/O: %s port 0x%x, eip=0x%llx",
		  run->io.direction == KVM_EXIT_IO_OUT ? "out to" : "in from",
		  run->io.port, vcpu_rip(v));
	return -1;
}

static int vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return vcpu_handle_io(v);
	case KVM_EXIT_INTR:
		return 0;
	case KVM_EXIT_SHUTDOWN:
		vcpu_fail(v, "guest triple fault (KVM_EXIT_SHUTDOWN), eip=0x%llx",
			  vcpu_rip(v));
		return -1;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fail(v, "VM entry failed, hardware reason 0x%llx",
			  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		return -1;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_fail(v, "KVM internal error, suberror %u, eip=0x%llx",
			  run->internal.suberror, vcpu_rip(v));
		return -1;
	case KVM_EXIT_MMIO:
		vcpu_fail(v, "guest access to unbacked address 0x%llx, eip=0x%llx",
			  (unsigned long long)run->mmio.phys_addr, vcpu_rip(v));
		return -1;
	}
	vcpu_fail(v, "unexpected KVM exit reason %u, eip=0x%llx",
		  run->exit_reason, vcpu_rip(v));
	return -1;
}

/*
 * Parked: sleep in the VMM until main unparks us or stops the VM.  Main
 * set immediate_exit under park_lock to get us out of KVM_RUN; clear it
 * under the same lock unless the VM is stopping (vm_stop_vcpus() sets it
 * after taking the lock).
 */
static void vcpu_park(struct vcpu *v)
{
	struct vm *vm = v->vm;

	pthread_mutex_lock(&vm->park_lock);
	vm->nr_parked++;
	pthread_cond_broadcast(&vm->park_cond);
	while (atomic_load(&v->park) && !atomic_load(&vm->stop))
		pthread_cond_wait(&vm->park_cond, &vm->park_lock);
	vm->nr_parked--;
	if (!atomic_load(&vm->stop))
		v->run->immediate_exit = 0;
	pthread_mutex_unlock(&vm->park_lock);
}

/*
 * EINTR is not an error: it is either our stop or park kick (SIGUSR1 or
 * immediate_exit) or a stop/continue of the process (SIGSTOP, SIGCONT),
 * after which the guest simply resumes.
 */
static void vcpu_loop(struct vcpu *v)
{
	while (!atomic_load(&v->vm->stop)) {
		int r;

		if (atomic_load(&v->park)) {
			vcpu_park(v);
			continue;
		}
		r = ioctl(v->fd, KVM_RUN, 0);

		__atomic_store_n(&v->exits, v->exits + 1, __ATOMIC_RELAXED);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			vcpu_fail(v, "KVM_RUN: %s", strerror(errno));
			return;
		}
		if (vcpu_handle_exit(v))
			return;
	}
}

/* Tell main that this thread finished a step (setup, or passing the gate). */
static void report(struct vm *vm)
{
	uint64_t one = 1;

	/* Cannot fail short of a counter overflow: nothing to recover. */
	if (write(vm->report_fd, &one, sizeof(one)) != sizeof(one))
		err_msg("eventfd write: %s", strerror(errno));
}

/* Block until main opens the gate; nobody reads it, so it stays open. */
static void gate_wait(struct vm *vm)
{
	struct pollfd pfd = { .fd = vm->gate_fd, .events = POLLIN };

	while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
		;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct vm *vm = v->vm;

	v->tid = syscall(SYS_gettid);
	/* Created here, like QEMU, so the vCPU thread also creates the fd. */
	v->setup_failed = vcpu_pin(v) || vcpu_create(v);
	if (!v->setup_failed && !vm->opt->quiet)
		printf("vcpu idx=%d tid=%d cpu=%d\n", v->idx, (int)v->tid,
		       v->cpu);

	report(vm);
	if (v->setup_failed)
		return NULL;
	gate_wait(vm);
	report(vm);
	if (!atomic_load(&vm->stop))
		vcpu_loop(v);
	return NULL;
}

/* ---- one VM lifetime ------------------------------------------------ */

/*
 * Threads start one at a time and each creates its vCPU before the next
 * starts, as QEMU does: KVM numbers vCPUs (vcpu_idx) in creation order, so
 * KVM's index then equals ours.
 */
/* Wait until the vCPU threads have sent @n reports in all. */
static int reports_wait(struct vm *vm, uint64_t n)
{
	while (vm->nr_reports < n) {
		uint64_t count;

		if (read(vm->report_fd, &count, sizeof(count)) == sizeof(count))
			vm->nr_reports += count;
		else if (errno != EINTR) {
			err_msg("eventfd read: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int vm_start_vcpus(struct vm *vm)
{
	for (int i = 0; i < vm->opt->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int r = pthread_create(&v->thread, NULL, vcpu_thread, v);

		if (r) {
			err_msg("pthread_create: %s", strerror(r));
			return -1;
		}
		vm->nr_threads++;
		if (reports_wait(vm, i + 1))
			return -1;
		if (v->setup_failed)
			return -1;
	}
	return 0;
}

/* Open the start gate; with vm->stop set, threads leave without running. */
static void vm_release(struct vm *vm)
{
	uint64_t one = 1;

	if (write(vm->gate_fd, &one, sizeof(one)) != sizeof(one))
		err_msg("eventfd write: %s", strerror(errno));
}

/*
 * A vCPU may sit in guest mode forever (spin) or in KVM's halt path: the
 * signal makes KVM_RUN return, and immediate_exit covers the window between
 * a thread's check of vm->stop and its next KVM_RUN, where the signal
 * would land before the ioctl and be missed.
 */
static void vm_stop_vcpus(struct vm *vm)
{
	atomic_store(&vm->stop, true);
	/* Closing the userfaultfd lets its faults complete. */
	if (vm->uffd >= 0) {
		close(vm->uffd);
		vm->uffd = -1;
	}
	vm_release(vm);
	pthread_mutex_lock(&vm->park_lock);
	pthread_cond_broadcast(&vm->park_cond);
	pthread_mutex_unlock(&vm->park_lock);
	for (int i = 0; i < vm->nr_threads; i++) {
		struct vcpu *v = &vm->vcpus[i];

		if (v->run)
			v->run->immediate_exit = 1;
		pthread_kill(v->thread, SIGUSR1);
	}
	for (int i = 0; i < vm->nr_threads; i++)
		pthread_join(vm->vcpus[i].thread, NULL);
}

/*
 * Park vCPUs 0..n-1 (the others keep running) and wait until they all
 * sleep in the VMM; n = 0 unparks every vCPU.  Prints "parked vcpus=N"
 * or "unparked".
 */
static void vm_park(struct vm *vm, int n)
{
	pthread_mutex_lock(&vm->park_lock);
	for (int i = 0; i < vm->opt->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		atomic_store(&v->park, i < n);
		if (i < n)
			v->run->immediate_exit = 1;
	}
	pthread_cond_broadcast(&vm->park_cond);
	pthread_mutex_unlock(&vm->park_lock);
	if (!n) {
		printf("unparked\n");
		return;
	}
	for (int i = 0; i < n; i++)
		pthread_kill(vm->vcpus[i].thread, SIGUSR1);
	pthread_mutex_lock(&vm->park_lock);
	while (vm->nr_parked < n && !atomic_load(&vm->failed))
		pthread_cond_wait(&vm->park_cond, &vm->park_lock);
	pthread_mutex_unlock(&vm->park_lock);
	printf("parked vcpus=%d\n", n);
}

/*
 * Wait for the end of the run: -d elapsed, SIGINT/SIGTERM (returns true),
 * or a vCPU failure (SIGUSR2).  EINTR from SIGSTOP/SIGCONT just loops.
 * SIGRTMIN parks every vCPU in the VMM (a paused VM), SIGRTMIN+2 parks
 * vCPU 0 only (a vCPU stuck in the VMM), SIGRTMIN+1 unparks them.
 */
static bool vm_wait(struct vm *vm, const sigset_t *waitset, double secs)
{
	double deadline = now_sec() + secs;

	for (;;) {
		struct timespec ts;
		double left;
		int sig;

		if (atomic_load(&vm->failed))
			return false;
		if (secs <= 0) {
			sig = sigwaitinfo(waitset, NULL);
		} else {
			left = deadline - now_sec();
			if (left <= 0)
				return false;
			ts.tv_sec = (time_t)left;
			ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
			sig = sigtimedwait(waitset, NULL, &ts);
		}
		if (sig == SIGINT || sig == SIGTERM)
			return true;
		if (sig == SIGRTMIN)
			vm_park(vm, vm->opt->nr_vcpus);
		else if (sig == SIGRTMIN + 2)
			vm_park(vm, 1);
		else if (sig == SIGRTMIN + 1)
			vm_park(vm, 0);
	}
}

/*
 * Wait until every vCPU has run guest code (ENTERED_ADDR), so that "started"
 * and the -d clock begin with a VM that KVM has entered: under load a vCPU
 * thread can sit runnable for longer than a short run.  A vCPU failure
 * (SIGUSR2) ends the wait with an error; SIGINT/SIGTERM end it and the run.
 */
static int entered_wait(struct vm *vm, const sigset_t *waitset,
			bool *interrupted)
{
	for (;;) {
		struct timespec ts = { 0, 1000000 };
		bool all = true;
		int sig;

		for (int i = 0; i < vm->opt->nr_vcpus && all; i++) {
			uint32_t *p = (uint32_t *)(vm->mem + ENTERED_ADDR(i));

			all = __atomic_load_n(p, __ATOMIC_ACQUIRE) != 0;
		}
		if (all)
			return 0;
		if (atomic_load(&vm->failed))
			return -1;
		sig = sigtimedwait(waitset, NULL, &ts);
		if (sig == SIGINT || sig == SIGTERM) {
			*interrupted = true;
			return -1;
		}
	}
}

/* -W: what the vCPUs counted so far is not reported. */
static void warmup_end(struct vm *vm)
{
	for (int i = 0; i < vm->opt->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		uint32_t *ticks = (uint32_t *)(vm->mem + TICKS_ADDR(i));

		v->exits0 = __atomic_load_n(&v->exits, __ATOMIC_RELAXED);
		v->ticks0 = __atomic_load_n(ticks, __ATOMIC_RELAXED);
	}
}

static uint32_t guest_u32(const struct vm *vm, uint32_t addr)
{
	uint32_t v;

	memcpy(&v, vm->mem + addr, sizeof(v));
	return v;
}

/* After the join: the vCPUs are still, their counters final. */
static void vm_report(struct vm *vm, double seconds)
{
	unsigned long long total = 0;

	for (int i = 0; i < vm->opt->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];

		v->ticks = guest_u32(vm, TICKS_ADDR(i)) - v->ticks0;
		v->exits -= v->exits0;
		v->apf = guest_u32(vm, APF_ADDR(i, APF_TAKEN));
		v->wakeall = guest_u32(vm, APF_ADDR(i, APF_WAKEALL));
		v->rearms = guest_u32(vm, APF_ADDR(i, APF_REARMS));
		v->overflows = guest_u32(vm, APF_ADDR(i, APF_OVERFLOW));
		total += v->exits;
		if (!vm->opt->quiet)
			printf("vcpu idx=%d exits=%llu io_exits=%llu passes=%llu ticks=%llu apf=%llu wakeall=%llu rearms=%llu overflows=%llu\n",
			       v->idx, v->exits, v->io_exits, v->passes, v->ticks,
			       v->apf, v->wakeall, v->rearms, v->overflows);
	}
	printf("total exits=%llu seconds=%.3f exits_per_sec=%.1f\n", total,
	       seconds, seconds > 0 ? total / seconds : 0.0);
}

/* Create, run, stop and destroy one VM.  Returns the exit status. */
static int vm_run_once(const struct options *opt, const sigset_t *waitset,
		       bool *interrupted)
{
	struct vm *vm = malloc(sizeof(*vm));
	double t0, t1;
	int rc = 1;

	if (!vm) {
		err_msg("out of memory");
		return 1;
	}
	vm_init(vm, opt);
	if (vm_open(vm) || vm_map_memory(vm))
		goto out;
	printf("vm pid=%d vcpus=%d mem_bytes=%zu workload=%s\n", (int)getpid(),
	       opt->nr_vcpus, vm->mem_bytes, workload_names[opt->workload]);
	if (vm_start_vcpus(vm)) {
		vm_stop_vcpus(vm);
		goto out;
	}
	vm_release(vm);
	/* "started": every vCPU thread is past the gate and ran guest code. */
	if (reports_wait(vm, 2 * opt->nr_vcpus) ||
	    entered_wait(vm, waitset, interrupted)) {
		vm_stop_vcpus(vm);
		if (*interrupted && !atomic_load(&vm->failed))
			rc = 0;
		goto out;
	}
	printf("started\n");
	t0 = now_sec();
	if (opt->warmup > 0) {
		*interrupted = vm_wait(vm, waitset, opt->warmup);
		if (*interrupted || atomic_load(&vm->failed))
			goto stop;
		warmup_end(vm);
		t0 = now_sec();
	}
	*interrupted = vm_wait(vm, waitset, opt->seconds);
stop:
	t1 = now_sec();
	vm_stop_vcpus(vm);
	if (!atomic_load(&vm->failed)) {
		vm_report(vm, t1 - t0);
		rc = 0;
	}
out:
	vm_destroy(vm);
	free(vm);
	return rc;
}

int main(int argc, char **argv)
{
	static struct options opt;
	bool interrupted = false;
	sigset_t waitset;
	int rc = 0;

	parse_options(argc, argv, &opt);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (guest_end - guest_start > PD_ADDR - CODE_ADDR) {
		err_msg("internal error: guest code does not fit");
		return 1;
	}
	signals_init(&waitset);
	for (unsigned long rep = 0; rep < opt.repeat && !rc && !interrupted; rep++) {
		/* A stop between repetitions ends the run before the next VM. */
		if (rep && stop_signal_pending(&waitset))
			break;
		rc = vm_run_once(&opt, &waitset, &interrupted);
	}
	return rc;
}
