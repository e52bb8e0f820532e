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
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

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

/* Write the text of a frame, cut to the window, over the previous one. */
static void paint(const char *text)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	unsigned int row = 0;
	const char *p = text;

	if (!tty) {
		fputs(text, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		return;
	}
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row || !ws.ws_col) {
		ws.ws_row = 24;		/* a terminal that does not say */
		ws.ws_col = 80;
	}
	fputs("\033[H", stdout);
	while (*p && row < ws.ws_row) {
		size_t len = strcspn(p, "\n");

		if (row++)
			fputs("\r\n", stdout);
		fwrite(p, 1, len < ws.ws_col ? len : ws.ws_col, stdout);
		fputs("\033[K", stdout);
		p += len + (p[len] == '\n');
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

static void frame(const struct vhv_top_opts *o, const struct vhv_view *view,
		  const struct vhv_figures *f, const char *status)
{
	char *text = NULL, clock[16] = "";
	size_t len = 0;
	time_t now = time(NULL);
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return;
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	fprintf(m, "vhvstat top - %s, every %.1f s%s%s   q: quit  v: vCPUs\n\n",
		clock, o->interval_s, status ? ", " : "", status ? status : "");
	pr_init(m, false, false);
	vhv_show(f, view);
	fclose(m);
	paint(text);
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

/*
 * Wait for @deadline, reading keys. Return 1 at the deadline, 0 to quit,
 * 2 to redraw now (window change, v).
 */
static int wait_keys(const struct timespec *deadline, struct vhv_view *view)
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
		if (c == 'q' || c == 'Q')
			return 0;
		if (c == 'v' || c == 'V') {
			view->obj = view->obj == VHV_OBJ_VCPU ? VHV_OBJ_VM : VHV_OBJ_VCPU;
			return 2;
		}
	}
}

static int loop(struct vhv_source *src, const struct vhv_top_opts *o,
		char *err, size_t errlen)
{
	struct vhv_snapshot snap[2], next;	/* [0] older, [1] newer */
	struct vhv_figures f = { 0 };
	struct vhv_view view = o->view;
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
		frame(o, &view, &f, status);
		/* batch: done after the last frame; a screen keeps it one interval */
		if (o->count && frames == o->count && !tty)
			break;
		add_ns(&deadline, o->interval_s);
		while ((r = wait_keys(&deadline, &view)) == 2)
			frame(o, &view, &f, status);
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
