// SPDX-License-Identifier: GPL-2.0
/*
 * vhvstat - esxtop-like figures of KVM VMs from the vhv module
 *
 *   vhvstat [OPTIONS] [vm|vcpu|host|stolen] [show] [INTERVAL [COUNT]]
 *   vhvstat [OPTIONS] top [INTERVAL [COUNT]]
 *   vhvstat [OPTIONS] prometheus [INTERVAL [COUNT]]
 *
 * Exit status: 0 success, 1 runtime error (message on stderr), 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "events.h"
#include "figures.h"
#include "print.h"
#include "prom.h"
#include "show.h"
#include "source.h"
#include "top.h"

#define VHVSTAT_VERSION	"1.0"
#define EXIT_USAGE	2
#define MAX_FILES	64

enum mode { M_SHOW, M_TOP, M_PROM, M_EVENTS };

struct opts {
	enum mode mode;
	struct vhv_view view;
	bool json, pretty, verbose, prom;
	double interval;	/* 0: none given */
	unsigned long count;	/* 0: unlimited */
	char *files[MAX_FILES];
	int n_files;
	const char *output;
	const char *proc;
};

static volatile sig_atomic_t stop;

/* ---------------------------------------------------------------- usage */

static void usage_main(FILE *f)
{
	fputs("Usage: vhvstat [OPTIONS] [OBJECT] [show] [INTERVAL [COUNT]]\n"
	      "       vhvstat [OPTIONS] top [INTERVAL [COUNT]]\n"
	      "       vhvstat [OPTIONS] prometheus [INTERVAL [COUNT]]\n"
	      "       vhvstat [-j] events\n"
	      "       vhvstat OBJECT help | vhvstat help\n"
	      "OBJECT := { vm | vcpu | host | stolen }   (default: vm)\n"
	      "OPTIONS := { -j | -p | -P | -v | -s | -f FILE | -o FILE |\n"
	      "            --proc DIR | -V | -h }\n"
	      "  -j, --json        JSON (one document per sample, one per line)\n"
	      "  -p, --pretty      indented JSON (implies -j)\n"
	      "  -P, --prometheus  Prometheus text format, raw counters (= prometheus)\n"
	      "  -v, --verbose     add the vCPU rows (-v vm = vcpu)\n"
	      "  -s, --stats       cumulative counters instead of rates (one snapshot)\n"
	      "  -f, --file FILE   read snapshots from FILE (repeatable, - = stdin)\n"
	      "                    instead of " VHV_SNAPSHOT_PATH "\n"
	      "  -o, --output FILE write each sample to FILE atomically (rename)\n"
	      "      --proc DIR    read the VMs' command lines (names) under DIR\n"
	      "                    (default: /proc for the live file, none for -f)\n"
	      "  -V, --version     print the version\n"
	      "Rates need two snapshots: without INTERVAL vhvstat takes two 1 s apart\n"
	      "(from files: the first two). With INTERVAL (seconds, may be fractional)\n"
	      "it prints a sample every INTERVAL, COUNT times (default: until ^C).\n"
	      "See vhvstat(8).\n", f);
}

static void usage_object(FILE *f, const char *obj)
{
	if (!strcmp(obj, "top")) {
		fputs("Usage: vhvstat [-v] [-f FILE]... top [INTERVAL [COUNT]]\n"
		      "Live screen refreshed every INTERVAL seconds (default 2), VMs sorted\n"
		      "by their worst vCPU's %RDY; columns ending in + are sums over a VM's\n"
		      "vCPUs. Keys: r a u w m n i sort, / filter by name, s interval,\n"
		      "v vCPU rows, h help, q quit. ^C quits too.\n", f);
	} else if (!strcmp(obj, "events")) {
		fputs("Usage: vhvstat [-j] [--proc DIR] events\n"
		      "One line per vhv event (ready waits over ready_trace_us, vCPU and VM\n"
		      "stalls and recoveries, pauses, VMs and vCPUs added and removed) with\n"
		      "its time (RFC 3339, UTC), the VM's name and uuid; JSON with -j.\n"
		      "Reads vhv's tracepoints in a tracefs instance of its own (root), and\n"
		      "goes on when vhv is unloaded and loaded again. ^C quits.\n", f);
	} else if (!strcmp(obj, "prometheus")) {
		fputs("Usage: vhvstat [-o FILE] [-f FILE]... prometheus [INTERVAL [COUNT]]\n"
		      "Prometheus text format (0.0.4, no '# EOF') of the raw counters,\n"
		      "for node_exporter's textfile collector. With INTERVAL, rewrite\n"
		      "the output every INTERVAL seconds (use -o for atomic files).\n", f);
	} else {
		fprintf(f, "Usage: vhvstat [OPTIONS] %s [show] [INTERVAL [COUNT]]\n", obj);
		if (!strcmp(obj, "host"))
			fputs("Host summary: VMs, vCPUs per CPU, guest memory vs RAM,\n"
			      "mean and highest %RDY of the vCPUs, stalled VMs.\n", f);
		else if (!strcmp(obj, "stolen"))
			fputs("Stolen by: one row per VM, its %RDY (a sum over its vCPUs, as in\n"
			      "vm show) and who held the CPU while its vCPUs were ready, in % of\n"
			      "the interval (-s: seconds since vhv tracks the VM):\n"
			      "  SAME     another vCPU of the same VM     VMS   vCPUs of other VMs\n"
			      "  KSWAPD KSMD VHOST KWORKER KTHREAD        host kernel threads\n"
			      "  PROC     other host threads (a VMM's own too)\n"
			      "  UNATTR   waits vhv could not attribute\n"
			      "CULPRITS: the other VMs that took the most (up to 3), by name.\n"
			      "Columns show - where the module gives no stolen-by figures.\n", f);
		else if (!strcmp(obj, "vm"))
			fputs("One row per VM; %-figures are sums over its vCPUs\n"
			      "(esxtop group view: a VM with N vCPUs reaches N x 100).\n"
			      "Columns: ID NAME PID NVCPU %RUN %RDY %WAIT %IDLE %SWPWT %GST RDY50 RDY99\n"
			      "         RDYMX (-s: RDYMAX) MEMSZ SWCUR MJF/s HBEAT STATE\n"
			      "STATE: ok, degraded (some vCPUs stalled), STALL (all), paused.\n", f);
		else
			fputs("Each VM row followed by the rows of its vCPUs (ID vm.idx,\n"
			      "PID column = thread id); same columns as vm show. A vCPU's\n"
			      "STATE: guest kvm ready halted swapwait blocked vmm stopped,\n"
			      "in capitals while the vCPU is stalled.\n", f);
	}
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vhvstat: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'vhvstat help'.\n", stderr);
	return EXIT_USAGE;
}

/* ------------------------------------------------------- argument parsing */

static int parse_interval(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno || end == s || *end || !isfinite(*v) || *v < 0.01 ||
	       *v > 86400;
}

static int parse_count(const char *s, unsigned long *v)
{
	char *end;

	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static bool is_number(const char *s)
{
	return (*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9');
}

/* Return -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "prometheus", no_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stats", no_argument, NULL, 's' },
		{ "file", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "proc", required_argument, NULL, 'R' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+jpPvsf:o:Vh", lo, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = true; break;
		case 'p': o->json = o->pretty = true; break;
		case 'P': o->prom = true; break;
		case 'v': o->verbose = true; break;
		case 's': o->view.counters = true; break;
		case 'f':
			if (o->n_files == MAX_FILES)
				return usage_error("too many -f files");
			o->files[o->n_files++] = optarg;
			break;
		case 'o': o->output = optarg; break;
		case 'R': o->proc = optarg; break;
		case 'V':
			printf("vhvstat %s (snapshot format version %d)\n",
			       VHVSTAT_VERSION, VHV_SNAPSHOT_VERSION);
			return 0;
		case 'h':
			usage_main(stdout);
			return 0;
		default:
			if (optopt)
				return usage_error("option '-%c' is unknown or lacks its argument",
						   optopt);
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

static int parse_object(const char *w, struct opts *o)
{
	if (!strcmp(w, "vm"))
		o->view.obj = VHV_OBJ_VM;
	else if (!strcmp(w, "vcpu"))
		o->view.obj = VHV_OBJ_VCPU;
	else if (!strcmp(w, "host"))
		o->view.obj = VHV_OBJ_HOST;
	else if (!strcmp(w, "stolen"))
		o->view.obj = VHV_OBJ_STOLEN;
	else if (!strcmp(w, "top"))
		o->mode = M_TOP;
	else if (!strcmp(w, "prometheus"))
		o->mode = M_PROM;
	else if (!strcmp(w, "events"))
		o->mode = M_EVENTS;
	else
		return -1;
	return 0;
}

/* Words after the options. Return -1 to go on, else the exit status. */
static int parse_words(int argc, char **argv, struct opts *o)
{
	const char *obj = "vm";
	int i = 0;

	if (i < argc && !strcmp(argv[i], "help")) {
		usage_main(stdout);
		return 0;
	}
	if (i < argc && !is_number(argv[i])) {
		if (argv[i][0] == '-')
			return usage_error("options go before the object: '%s'", argv[i]);
		if (parse_object(argv[i], o))
			return usage_error("unknown object '%s'", argv[i]);
		obj = argv[i++];
	}
	if (i < argc && !strcmp(argv[i], "help")) {
		usage_object(stdout, obj);
		return 0;
	}
	if (i < argc && !strcmp(argv[i], "show") && o->mode == M_SHOW)
		i++;
	if (i < argc && !strcmp(argv[i], "help")) {
		usage_object(stdout, obj);
		return 0;
	}
	if (i < argc) {
		if (argv[i][0] == '-' && !is_number(argv[i]))
			return usage_error("options go before the object: '%s'", argv[i]);
		if (parse_interval(argv[i], &o->interval))
			return usage_error("bad INTERVAL '%s' (seconds, 0.01..86400)", argv[i]);
		i++;
	}
	if (i < argc) {
		if (parse_count(argv[i], &o->count))
			return usage_error("bad COUNT '%s' (a positive integer)", argv[i]);
		i++;
	}
	if (i < argc) {
		if (!strcmp(argv[i], "help")) {
			usage_object(stdout, obj);
			return 0;
		}
		return usage_error("unexpected argument '%s'", argv[i]);
	}
	return -1;
}

static int check_combinations(struct opts *o)
{
	if (o->mode == M_EVENTS && (o->prom || o->output || o->view.counters ||
				    o->n_files || o->interval))
		return usage_error("events streams the live tracepoints: only -j (or -p) and --proc");
	if (o->prom && o->mode == M_TOP)
		return usage_error("top draws a screen: no -P");
	if (o->prom)
		o->mode = M_PROM;
	if (o->mode == M_PROM && o->json)
		return usage_error("choose one of JSON (-j) and Prometheus (-P)");
	if (o->mode == M_TOP && (o->json || o->output))
		return usage_error("top draws a screen: no -j, -p or -o");
	if (o->mode == M_TOP && o->view.counters)
		return usage_error("top shows rates: no -s");
	if (o->verbose && o->view.obj == VHV_OBJ_VM)
		o->view.obj = VHV_OBJ_VCPU;
	if (o->mode == M_TOP && !o->interval)
		o->interval = 2;
	if (o->mode == M_TOP && o->view.obj == VHV_OBJ_HOST)
		o->view.obj = VHV_OBJ_VM;
	return -1;
}

/* ----------------------------------------------------------------- output */

struct out {
	const char *path;
	char tmp[PATH_MAX];
	FILE *f;
};

static int out_open(struct out *out, const char *path)
{
	out->path = path;
	if (!path) {
		out->f = stdout;
		return 0;
	}
	snprintf(out->tmp, sizeof(out->tmp), "%s.tmp.%d", path, (int)getpid());
	out->f = fopen(out->tmp, "w");
	if (!out->f) {
		fprintf(stderr, "vhvstat: cannot create %s: %s\n", out->tmp,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* stdout: flush; a file: close and rename over the target. */
static int out_close(struct out *out)
{
	if (!out->path) {
		if (fflush(stdout) == 0 && !ferror(stdout))
			return 0;
		fprintf(stderr, "vhvstat: write error: %s\n", strerror(errno));
		return -1;
	}
	if (ferror(out->f) | fclose(out->f) || rename(out->tmp, out->path)) {
		fprintf(stderr, "vhvstat: cannot write %s: %s\n", out->path,
			strerror(errno));
		unlink(out->tmp);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ loops */

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* Sleep until @t + @s (live source only); false when interrupted by ^C. */
static bool sleep_until(struct timespec *t, double s)
{
	long long ns = t->tv_nsec + (long long)(s * 1e9);

	t->tv_sec += ns / 1000000000;
	t->tv_nsec = ns % 1000000000;
	while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, t, NULL) == EINTR)
		;
	return !stop;
}

static int next(struct vhv_source *src, struct vhv_snapshot *s, bool first)
{
	char err[512] = "";
	int r = vhv_source_next(src, s, err, sizeof(err));

	if (r < 0)
		fprintf(stderr, "vhvstat: %s\n", err);
	else if (r == 0 && first)
		fprintf(stderr, "vhvstat: no snapshot in the input\n");
	return r;
}

static int emit(const struct opts *o, const struct vhv_figures *f,
		const struct vhv_snapshot *s, bool first)
{
	struct out out;

	if (out_open(&out, o->output))
		return -1;
	/* text reports to a terminal or pipe: a blank line between samples */
	if (!first && !o->output && !o->json && o->mode != M_PROM)
		putchar('\n');
	if (o->mode == M_PROM) {
		vhv_prom_print(out.f, s);	/* NULL: vhv_up 0 */
	} else {
		pr_init(out.f, o->json, o->pretty);
		vhv_show(f, &o->view);
	}
	return out_close(&out);
}

/* One snapshot per sample: -P and -s. */
static int run_counters(struct vhv_source *src, const struct opts *o)
{
	unsigned long n = o->interval ? o->count : 1, i;
	struct timespec t;
	int status = 0;

	clock_gettime(CLOCK_MONOTONIC, &t);
	for (i = 0; !n || i < n; i++) {
		struct vhv_snapshot s;
		struct vhv_figures f;
		int r;

		if (i && vhv_source_live(src) && !sleep_until(&t, o->interval))
			break;
		r = next(src, &s, i == 0);
		if (r < 0 && o->mode == M_PROM && vhv_source_live(src)) {
			/*
			 * The module is gone or unreadable: say so (vhv_up 0)
			 * rather than leave the last figures in place, and go
			 * on with INTERVAL: the module may come back.
			 */
			status = emit(o, NULL, NULL, i == 0) ? 1 : status;
			if (!o->interval)
				return 1;
			status = 1;
			continue;
		}
		if (r <= 0)
			return r < 0 || i == 0 ? 1 : status;
		r = vhv_figures_compute(&f, NULL, &s);
		if (!r)
			r = emit(o, &f, &s, i == 0);
		vhv_figures_free(&f);
		vhv_snapshot_free(&s);
		if (r)
			return 1;
		status = 0;	/* the exit status is the last sample's */
	}
	return status;
}

/* Rates: a baseline, then one report per following snapshot. */
static int run_rates(struct vhv_source *src, const struct opts *o)
{
	unsigned long n = o->interval ? o->count : 1, i;
	double gap = o->interval ? o->interval : 1.0;
	struct vhv_snapshot prev, cur;
	struct timespec t;
	int r, status = 0;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (next(src, &prev, true) != 1)
		return 1;
	for (i = 0; !n || i < n; i++) {
		struct vhv_figures f;

		if (vhv_source_live(src) && !sleep_until(&t, gap))
			break;
		r = next(src, &cur, false);
		if (r < 0)
			status = 1;
		if (r == 0 && i == 0) {
			fprintf(stderr, "vhvstat: rates need two snapshots and the input holds one (use -s or -P for counters)\n");
			status = 1;
		}
		if (r <= 0)
			break;
		r = vhv_figures_compute(&f, &prev, &cur);
		if (!r)
			r = emit(o, &f, &cur, i == 0);
		vhv_figures_free(&f);
		vhv_snapshot_free(&prev);
		prev = cur;
		if (r) {
			status = 1;
			break;
		}
	}
	vhv_snapshot_free(&prev);
	return status;
}

int main(int argc, char **argv)
{
	struct opts o = { .mode = M_SHOW, .view.obj = VHV_OBJ_VM };
	struct sigaction sa = { .sa_handler = on_stop };
	struct vhv_source src;
	char host[256];
	int r;

	r = parse_options(argc, argv, &o);
	if (r < 0)
		r = parse_words(argc - optind, argv + optind, &o);
	if (r < 0)
		r = check_combinations(&o);
	if (r >= 0)
		return r;

	if (o.mode == M_EVENTS) {
		struct vhv_events_opts eo = { .json = o.json, .proc = o.proc };

		if (!gethostname(host, sizeof(host))) {
			host[sizeof(host) - 1] = '\0';
			eo.hostname = host;
		}
		return vhv_events_run(stdout, &eo);
	}

	vhv_source_init(&src, o.files, o.n_files);
	if (o.proc)
		src.proc = o.proc;
	/* the host the figures are of: this one, for the live file only */
	if (vhv_source_live(&src) && !gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		o.view.hostname = host;
	}
	if (o.mode == M_TOP) {
		struct vhv_top_opts to = {
			.interval_s = o.interval, .count = o.count,
			.view = o.view,
		};
		char err[512] = "";

		to.view.sort_ready = true;
		r = vhv_top_run(&src, &to, err, sizeof(err));
		if (r)
			fprintf(stderr, "vhvstat: %s\n", err);
		vhv_source_close(&src);
		return r ? 1 : 0;
	}

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (o.mode == M_PROM || o.view.counters)
		r = run_counters(&src, &o);
	else
		r = run_rates(&src, &o);
	vhv_source_close(&src);
	return r;
}
