// SPDX-License-Identifier: GPL-2.0
/*
 * top.c - live screen with ANSI escapes, no curses
 *
 * Each frame is rendered into memory by the ordinary text report, cut to
 * the window and written in one go after "cursor home" (no clear, so no
 * flicker); "erase to end of line/screen" removes what the previous frame
 * left. The keyboard is read in non-canonical mode with ISIG kept, so ^C
 * and ^Z still work; every way out restores the terminal.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ident.h"
#include "print.h"
#include "top.h"

#define ENTER_SCREEN	"\033[?1049h\033[?25l"
#define LEAVE_SCREEN	"\033[?25h\033[?1049l"

static volatile sig_atomic_t stop, redraw;
static struct termios saved_tio;
static bool tty;

static void term_enter(void)
{
	struct termios t = saved_tio;

	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
	if (write(STDOUT_FILENO, ENTER_SCREEN, sizeof(ENTER_SCREEN) - 1) < 0)
		return;
}

/* Async-signal-safe: also called from the ^Z handler. */
static void term_leave(void)
{
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	if (write(STDOUT_FILENO, LEAVE_SCREEN, sizeof(LEAVE_SCREEN) - 1) < 0)
		return;
}

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_winch(int sig)
{
	(void)sig;
	redraw = 1;
}

static void on_tstp(int sig)
{
	int saved = errno;

	term_leave();
	signal(sig, SIG_DFL);
	raise(sig);		/* stops here until SIGCONT */
	errno = saved;
}

static void on_cont(int sig)
{
	struct sigaction sa = { .sa_handler = on_tstp };

	(void)sig;
	sigaction(SIGTSTP, &sa, NULL);
	term_enter();
	redraw = 1;
}

static void handlers(void)
{
	struct sigaction sa = { .sa_handler = on_stop };	/* no SA_RESTART */

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	if (!tty)
		return;
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_tstp;
	sigaction(SIGTSTP, &sa, NULL);
	sa.sa_handler = on_cont;
	sigaction(SIGCONT, &sa, NULL);
}

/* ------------------------------------------------------------- the table */

/*
 * What the user set with keys: the vCPU rows, the sort column, a name
 * filter, the interval, and a line being typed at a prompt.
 */
struct ui {
	bool vcpus;
	int sort;			/* index in cols[] */
	char filter[64];
	double interval_s;
	char prompt;			/* 0, '/' (filter) or 's' (interval) */
	char input[64];
	bool help;
	const char *msg;		/* one-frame message (bad input) */
};

/* A cell of the table: a VM row (@v NULL) or a vCPU row. */
struct cell {
	const struct vhv_vm_fig *fm;
	const struct vhv_vcpu_fig *fv;
};

enum ctype { C_STR, C_NUM };

struct col {
	const char *head;
	int width;		/* negative: left-aligned */
	int prio;		/* kept first when the window is narrow: 0 always */
	char key;		/* sort key, 0: none */
	bool desc;		/* sort highest first */
	void (*fmt)(const struct cell *c, char *buf, size_t size, double *num);
};

static double nan_unless(bool ok, double v)
{
	return ok ? v : NAN;
}

static void num(char *buf, size_t size, double *out, double v, int prec)
{
	*out = v;
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.*f", prec, v);
}

static void f_id(const struct cell *c, char *b, size_t n, double *v)
{
	*v = (double)c->fm->vm->id;
	if (c->fv)
		snprintf(b, n, "%" PRIu64 ".%" PRIu64, c->fm->vm->id, c->fv->v->idx);
	else
		snprintf(b, n, "%" PRIu64, c->fm->vm->id);
}

static void f_name(const struct cell *c, char *b, size_t n, double *v)
{
	char cut[VHV_IDENT_MAX];
	const char *name;

	*v = 0;
	if (c->fv) {
		b[0] = '\0';
		return;
	}
	name = pr_cut_name(c->fm->vm->name, 16, cut, sizeof(cut));
	snprintf(b, n, "%s", name ? name : "-");
}

static void f_pid(const struct cell *c, char *b, size_t n, double *v)
{
	uint64_t p = c->fv ? c->fv->v->tid : c->fm->vm->pid;

	*v = (double)p;
	snprintf(b, n, "%" PRIu64, p);
}

static void f_nvcpu(const struct cell *c, char *b, size_t n, double *v)
{
	*v = (double)c->fm->vm->nr_vcpus;
	if (c->fv)
		b[0] = '\0';
	else
		snprintf(b, n, "%" PRIu64, c->fm->vm->nr_vcpus);
}

/* a vCPU row: its own figure; a VM row: @vm */
#define PCT(nm, field_v, vm_expr, ok_vm)					\
static void nm(const struct cell *c, char *b, size_t n, double *v)	\
{									\
	if (c->fv)							\
		num(b, n, v, nan_unless(c->fv->rates, c->fv->field_v), 1);	\
	else								\
		num(b, n, v, nan_unless(ok_vm, vm_expr), 1);		\
}
PCT(f_rdymx, rdy, c->fm->rdy_worst, true)
PCT(f_rdyav, rdy, c->fm->rdy_avg, true)
PCT(f_run, run, c->fm->run, c->fm->rates && c->fm->n_rated)
PCT(f_wait, wait, c->fm->wait, c->fm->rates && c->fm->n_rated)
PCT(f_idle, idle, c->fm->idle, c->fm->rates && c->fm->n_rated)
PCT(f_swpwt, swpwt, c->fm->swpwt, c->fm->rates && c->fm->n_rated)
PCT(f_gst, gst, c->fm->gst, c->fm->rates && c->fm->n_rated)

static void f_rdy99(const struct cell *c, char *b, size_t n, double *v)
{
	const struct vhv_ready_q *q = c->fv ? &c->fv->q : &c->fm->q;

	num(b, n, v, q->episodes ? q->p99_ms : NAN, 2);
}

static void f_memsz(const struct cell *c, char *b, size_t n, double *v)
{
	if (c->fv) {
		*v = (double)c->fm->vm->mem_bytes;
		b[0] = '\0';
		return;
	}
	num(b, n, v, c->fm->vm->mem_bytes / MIB, 0);
}

static void f_swcur(const struct cell *c, char *b, size_t n, double *v)
{
	if (c->fv) {
		*v = 0;
		b[0] = '\0';
		return;
	}
	num(b, n, v, c->fm->vm->swap_bytes / MIB, 1);
}

static void f_mjf(const struct cell *c, char *b, size_t n, double *v)
{
	if (c->fv)
		num(b, n, v, nan_unless(c->fv->rates, c->fv->majflt_ps), 1);
	else
		num(b, n, v, nan_unless(c->fm->rates, c->fm->majflt_ps), 1);
}

static void f_hbeat(const struct cell *c, char *b, size_t n, double *v)
{
	if (c->fv) {
		*v = 0;
		b[0] = '\0';
		return;
	}
	num(b, n, v, c->fm->vm->heartbeat_ms / 1e3, 1);
}

static void f_state(const struct cell *c, char *b, size_t n, double *v)
{
	static const char *const vm_text[VHV_VM_STATUS_MAX] = {
		[VHV_VM_OK] = "ok", [VHV_VM_DEGRADED] = "degraded",
		[VHV_VM_STALLED] = "STALL", [VHV_VM_PAUSED] = "paused",
	};
	size_t i;

	*v = 0;
	if (!c->fv) {
		snprintf(b, n, "%s", c->fm->vm->status < VHV_VM_STATUS_MAX ?
			 vm_text[c->fm->vm->status] : "?");
		return;
	}
	snprintf(b, n, "%s", c->fv->v->state < VHV_ST_MAX ?
		 vhv_vcpu_state_names[c->fv->v->state] : "?");
	for (i = 0; c->fv->v->stalled && b[i]; i++)
		b[i] = (char)toupper((unsigned char)b[i]);
}

/*
 * The columns, in display order. %RDYMX is a VM's worst vCPU and %RDYAV
 * its mean per vCPU (a vCPU row: its own %RDY in both); headings ending in
 * '+' are sums over the VM's vCPUs, as esxtop's group rows.
 */
static const struct col cols[] = {
	{ "ID", 7, 2, 'i', false, f_id },
	{ "NAME", -16, 0, 'n', false, f_name },
	{ "PID", 8, 9, 0, false, f_pid },
	{ "NVCPU", 5, 8, 0, true, f_nvcpu },
	{ "%RDYMX", 6, 1, 'r', true, f_rdymx },
	{ "%RDYAV", 6, 1, 'a', true, f_rdyav },
	{ "RDY99", 7, 3, 0, true, f_rdy99 },
	{ "%RUN+", 6, 4, 'u', true, f_run },
	{ "%WAIT+", 6, 11, 0, true, f_wait },
	{ "%IDLE+", 6, 10, 0, true, f_idle },
	{ "%SWPW+", 6, 5, 'w', true, f_swpwt },
	{ "%GST+", 6, 12, 0, true, f_gst },
	{ "MEMSZ", 7, 7, 'm', true, f_memsz },
	{ "SWCUR", 7, 6, 0, true, f_swcur },
	{ "MJF/s", 7, 6, 0, true, f_mjf },
	{ "HBEAT", 6, 13, 0, true, f_hbeat },
	{ "STATE", -8, 0, 0, false, f_state },
};

#define NCOLS	(sizeof(cols) / sizeof(cols[0]))
#define SORT_DEFAULT	4	/* %RDYMX */

/* Columns that fit @width: by priority, shown in display order. */
static void fit(unsigned int width, bool on[NCOLS])
{
	unsigned int used = 0, w;
	int p;
	size_t i;

	for (i = 0; i < NCOLS; i++)
		on[i] = false;
	for (p = 0; p <= 13; p++) {
		for (i = 0; i < NCOLS; i++) {
			if (cols[i].prio != p)
				continue;
			w = (unsigned int)abs(cols[i].width) + (used ? 1 : 0);
			if (p && used + w > width)
				continue;
			on[i] = true;
			used += w;
		}
	}
}

static void row(FILE *m, const struct cell *c, const bool on[NCOLS])
{
	char buf[VHV_IDENT_MAX], line[1024] = "";
	size_t i, len = 0;
	double v;

	for (i = 0; i < NCOLS; i++) {
		if (!on[i])
			continue;
		if (c)
			cols[i].fmt(c, buf, sizeof(buf), &v);
		else
			snprintf(buf, sizeof(buf), "%s", cols[i].head);
		len += (size_t)snprintf(line + len, sizeof(line) - len > 0 ? sizeof(line) - len : 0,
					"%s%*s", len ? " " : "", cols[i].width, buf);
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
	}
	while (len && line[len - 1] == ' ')
		line[--len] = '\0';
	fprintf(m, "%s\n", line);
}

static const struct ui *sort_ui;
static const struct vhv_figures *sort_f;

static int by_col(const void *a, const void *b)
{
	const struct col *col = &cols[sort_ui->sort];
	struct cell x = { &sort_f->vms[*(const size_t *)a], NULL };
	struct cell y = { &sort_f->vms[*(const size_t *)b], NULL };
	char bx[VHV_IDENT_MAX], by[VHV_IDENT_MAX];
	double vx, vy;
	int r;

	col->fmt(&x, bx, sizeof(bx), &vx);
	col->fmt(&y, by, sizeof(by), &vy);
	if (col->fmt == f_name)		/* no name: last */
		r = !x.fm->vm->name || !y.fm->vm->name ?
		    !x.fm->vm->name - !y.fm->vm->name : strcmp(bx, by);
	else if (isnan(vx) || isnan(vy))
		r = isnan(vx) - isnan(vy);	/* no figure: last */
	else
		r = vx < vy ? -1 : vx > vy;
	if (col->desc && !(isnan(vx) || isnan(vy)))
		r = -r;
	if (!r)
		r = x.fm->vm->id < y.fm->vm->id ? -1 : x.fm->vm->id > y.fm->vm->id;
	return r;
}

static bool shown(const struct vhv_vm_fig *fm, const struct ui *ui)
{
	return !ui->filter[0] || (fm->vm->name && strstr(fm->vm->name, ui->filter));
}

static void help_text(FILE *m)
{
	fputs("vhvstat top: keys\n\n"
	      "  r  sort by %RDYMX (default): a VM's worst vCPU %RDY\n"
	      "  a  sort by %RDYAV: %RDY per vCPU\n"
	      "  u  sort by %RUN+ (sum over the VM's vCPUs)\n"
	      "  w  sort by %SWPW+        m  sort by MEMSZ\n"
	      "  n  sort by NAME          i  sort by ID\n"
	      "  /  show only VMs whose name contains a text (empty: all)\n"
	      "  s  set the interval, in seconds\n"
	      "  v  show or hide the vCPU rows\n"
	      "  h  this help (any key goes back)     q  quit\n\n"
	      "Columns ending in + are sums over the VM's vCPUs (esxtop's group\n"
	      "rows reach N x 100); a narrow window drops columns, NAME and STATE\n"
	      "stay. RDY99: the 99th percentile of the interval's ready waits, ms.\n", m);
}

/*
 * The frame: title, host line, table. @rows, @width: the window (0: no
 * limit, as when the output is not a terminal).
 */
static void render(FILE *m, const struct vhv_figures *f, const struct ui *ui,
		   const char *title, unsigned int rows, unsigned int width)
{
	const struct vhv_host *h = &f->cur->host;
	size_t n = f->cur->n_vms, i, j, *order, nshown = 0, lines, left, reserve;
	bool on[NCOLS];

	fprintf(m, "%s\n", title);
	if (ui->help) {
		help_text(m);
		return;
	}
	fprintf(m, "VMs %" PRIu64 ", vCPUs %" PRIu64 " on %" PRIu64 " CPUs, guest memory %.0f of %.0f MiB, stalled VMs %zu",
		h->nr_vms, h->nr_vcpus, h->nr_cpus, h->guest_mem_bytes / MIB,
		h->ram_bytes / MIB, f->n_stalled);
	if (f->rates && !isnan(f->rdy_avg))
		fprintf(m, ", %%RDY/vCPU avg %.1f max %.1f", f->rdy_avg, f->rdy_max);
	fputs("\n\n", m);
	fit(width ? width : ~0u, on);
	row(m, NULL, on);
	order = malloc((n ? n : 1) * sizeof(*order));
	if (!order)
		return;
	for (i = 0; i < n; i++)
		if (shown(&f->vms[i], ui))
			order[nshown++] = i;
	sort_ui = ui;
	sort_f = f;
	qsort(order, nshown, sizeof(*order), by_col);
	/* title, host, blank, heading; "+N more"; the filter's line */
	reserve = 5 + (ui->filter[0] ? 1 : 0);
	lines = rows > reserve ? rows - reserve : 0;
	for (i = 0; i < nshown; i++) {
		const struct vhv_vm_fig *fm = &f->vms[order[i]];
		size_t need = 1 + (ui->vcpus ? fm->vm->n_vcpus : 0);

		if (rows && need > lines && !(i + 1 == nshown && need == lines + 1))
			break;
		row(m, &(struct cell){ fm, NULL }, on);
		for (j = 0; ui->vcpus && j < fm->vm->n_vcpus; j++)
			row(m, &(struct cell){ fm, &fm->vcpus[j] }, on);
		lines -= need < lines ? need : lines;
	}
	left = nshown - i;
	if (left)
		fprintf(m, "+%zu more VM%s (a taller window, or / to filter)\n", left,
			left > 1 ? "s" : "");
	if (ui->filter[0] && nshown < n)
		fprintf(m, "filter \"%s\": %zu of %zu VMs\n", ui->filter, nshown, n);
	free(order);
}

/* Write the text of a frame over the previous one (cut to the window). */
static void paint(const char *text, unsigned int rows, unsigned int width)
{
	unsigned int row = 0;
	const char *p = text;

	if (!tty) {
		fputs(text, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		return;
	}
	fputs("\033[H", stdout);
	while (*p && row < rows) {
		size_t len = strcspn(p, "\n");

		if (row++)
			fputs("\r\n", stdout);
		fwrite(p, 1, len < width ? len : width, stdout);
		fputs("\033[K", stdout);
		p += len + (p[len] == '\n');
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

static void frame(struct ui *ui, const struct vhv_figures *f, const char *status)
{
	struct winsize ws = { .ws_row = 0, .ws_col = 0 };
	char *text = NULL, clock[16] = "", title[256];
	size_t len = 0;
	time_t now = time(NULL);
	FILE *m;

	if (tty && (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col)) {
		ws.ws_row = 24;		/* a terminal that does not say */
		ws.ws_col = 80;
	}
	m = open_memstream(&text, &len);
	if (!m)
		return;
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	if (ui->prompt)
		snprintf(title, sizeof(title), "%s %s_", ui->prompt == '/' ?
			 "show VMs whose name contains (Enter: apply, Esc: cancel):" :
			 "interval in seconds (Enter: apply, Esc: cancel):", ui->input);
	else
		snprintf(title, sizeof(title), "vhvstat top %s every %g s, sort %s%s%s%s%s  h: help q: quit",
			 clock, ui->interval_s, cols[ui->sort].head,
			 ui->filter[0] ? ", filter " : "", ui->filter,
			 status || ui->msg ? ", " : "", ui->msg ? ui->msg : status ? status : "");
	ui->msg = NULL;
	render(m, f, ui, title, ws.ws_row, ws.ws_col);
	fclose(m);
	paint(text, ws.ws_row, ws.ws_col);
	free(text);
}

static void add_ns(struct timespec *t, double s)
{
	long long ns = t->tv_nsec + (long long)(s * 1e9);

	t->tv_sec += ns / 1000000000;
	t->tv_nsec = ns % 1000000000;
}

static long ms_until(const struct timespec *t)
{
	struct timespec now;
	long long d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	d = (t->tv_sec - now.tv_sec) * 1000LL + (t->tv_nsec - now.tv_nsec) / 1000000;
	return d < 0 ? 0 : (long)d;
}

/* A key at a prompt: edit the line; Enter applies it, Esc drops it. */
static void prompt_key(struct ui *ui, char c)
{
	size_t len = strlen(ui->input);
	char *end;
	double v;

	if (c == 27) {			/* Esc */
		ui->prompt = 0;
	} else if (c == '\r' || c == '\n') {
		if (ui->prompt == '/') {
			snprintf(ui->filter, sizeof(ui->filter), "%s", ui->input);
		} else if (len) {
			errno = 0;
			v = strtod(ui->input, &end);
			if (errno || *end || !isfinite(v) || v < 0.01 || v > 86400)
				ui->msg = "bad interval (seconds, 0.01..86400)";
			else
				ui->interval_s = v;
		}
		ui->prompt = 0;
	} else if (c == 127 || c == 8) {	/* Backspace */
		if (len)
			ui->input[len - 1] = '\0';
	} else if ((unsigned char)c >= 0x20 && len + 1 < sizeof(ui->input)) {
		ui->input[len] = c;
		ui->input[len + 1] = '\0';
	}
}

/* A key on the screen; false to quit. */
static bool key(struct ui *ui, char c)
{
	size_t i;

	if (ui->prompt) {
		prompt_key(ui, c);
		return true;
	}
	if (ui->help) {
		ui->help = false;
		return c != 'q' && c != 'Q';
	}
	switch (c) {
	case 'q': case 'Q':
		return false;
	case 'v': case 'V':
		ui->vcpus = !ui->vcpus;
		break;
	case 'h': case 'H': case '?':
		ui->help = true;
		break;
	case '/':
	case 's': case 'S':
		/* a new line each time: Enter on an empty one clears the filter */
		ui->prompt = c == '/' ? '/' : 's';
		ui->input[0] = '\0';
		break;
	default:
		for (i = 0; i < NCOLS; i++)
			if (cols[i].key && cols[i].key == tolower((unsigned char)c))
				ui->sort = (int)i;
	}
	return true;
}

/*
 * Wait for @deadline, reading keys. Return 1 at the deadline, 0 to quit,
 * 2 to redraw now (window change, a key).
 */
static int wait_keys(const struct timespec *deadline, struct ui *ui)
{
	for (;;) {
		struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
		long ms = ms_until(deadline);
		char c;
		int r;

		if (stop)
			return 0;
		if (redraw) {
			redraw = 0;
			return 2;
		}
		r = poll(&pfd, tty ? 1 : 0, (int)ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return 1;
		if (r < 0 || read(STDIN_FILENO, &c, 1) != 1)
			return 1;
		return key(ui, c) ? 2 : 0;
	}
}

static int loop(struct vhv_source *src, const struct vhv_top_opts *o,
		char *err, size_t errlen)
{
	struct vhv_snapshot snap[2], next;	/* [0] older, [1] newer */
	struct vhv_figures f = { 0 };
	struct ui ui = {
		.vcpus = o->view.obj == VHV_OBJ_VCPU, .sort = SORT_DEFAULT,
		.interval_s = o->interval_s,
	};
	struct timespec deadline;
	unsigned long frames = 0;
	const char *status = "waiting for a second sample";
	bool eof = false;
	int n = 0, r;

	r = vhv_source_next(src, &snap[0], err, errlen);
	if (r != 1) {
		if (!r)
			snprintf(err, errlen, "no snapshot");
		return -1;
	}
	n = 1;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	if (vhv_figures_compute(&f, NULL, &snap[0]))
		goto oom;
	for (;;) {
		frame(&ui, &f, status);
		/* batch: done after the last frame; a screen keeps it one interval */
		if (o->count && frames == o->count && !tty)
			break;
		add_ns(&deadline, ui.interval_s);
		while ((r = wait_keys(&deadline, &ui)) == 2)
			frame(&ui, &f, status);
		if (r == 0 || (o->count && frames == o->count))
			break;
		if (eof)
			continue;	/* file input is over: keep the last frame */
		r = vhv_source_next(src, &next, err, errlen);
		if (r < 0)
			break;
		if (r == 0) {
			if (!tty)
				break;
			eof = true;
			status = "end of input";
			continue;
		}
		vhv_figures_free(&f);
		if (n == 2) {
			vhv_snapshot_free(&snap[0]);
			snap[0] = snap[1];
		}
		snap[1] = next;
		n = 2;
		if (vhv_figures_compute(&f, &snap[0], &snap[1]))
			goto oom;
		status = NULL;
		frames++;
	}
	vhv_figures_free(&f);
	while (n--)
		vhv_snapshot_free(&snap[n]);
	return r < 0 ? -1 : 0;
oom:
	while (n--)
		vhv_snapshot_free(&snap[n]);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int vhv_top_run(struct vhv_source *src, const struct vhv_top_opts *o,
		char *err, size_t errlen)
{
	int r;

	tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) &&
	      tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	stop = redraw = 0;
	*err = '\0';
	handlers();
	if (tty)
		term_enter();
	r = loop(src, o, err, errlen);
	if (tty)
		term_leave();
	return r;
}
