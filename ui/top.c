/* climit top: the ncurses loop. Draws sampler snapshots; every action (kill, freeze, limits)
 * goes through the core's sampler_* calls. The terminal is restored on every exit path:
 * normal quit, SIGTERM/SIGINT/SIGHUP, and crashes (SIGSEGV/SIGBUS/SIGABRT/SIGFPE). */
#define _GNU_SOURCE
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "exitcodes.h"
#include "io.h"
#include "ui.h"
#include "units.h"

static volatile sig_atomic_t quit_signal;
static bool curses_on;
/* For the crash handler, which may only make async-signal-safe calls: the terminal's modes
 * before ncurses, and the bytes that leave its screen (rmcup, cnorm, sgr0). */
static struct termios saved_tio;
static bool have_tio;
static char leave_seq[128];
static size_t leave_len;
/* The quit signals are blocked except while waiting (ppoll) or reading a prompt's key, so one
 * that comes between the check of quit_signal and the wait ends the wait. */
static sigset_t quit_set, wait_mask;

static void restore_terminal(void)
{
	if (curses_on) {
		curses_on = false;
		endwin();
	}
}

static void on_quit(int sig)
{
	quit_signal = sig;
}

static void on_crash(int sig)
{
	/* endwin() is not async-signal-safe (the crash may be inside ncurses or malloc): write
	 * the saved leave sequence and put back the saved terminal modes. */
	if (curses_on) {
		if (leave_len)
			(void)!write(STDOUT_FILENO, leave_seq, leave_len);
		if (have_tio)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void save_leave_seq(void)
{
	static const char *const caps[] = { "rmcup", "cnorm", "sgr0" };
	leave_len = 0;
	for (size_t i = 0; i < sizeof caps / sizeof *caps; i++) {
		const char *c = tigetstr(caps[i]);
		size_t n = c && c != (char *)-1 ? strlen(c) : 0;
		if (n && leave_len + n < sizeof leave_seq) {
			memcpy(leave_seq + leave_len, c, n);
			leave_len += n;
		}
	}
}

struct view {
	enum col sort;
	bool reverse;
	int sel;
	int top;                 /* first visible row */
	char filter[64];
	char selected[512];      /* path of the selected group, kept across re-sorts */
	bool detail, help;
	char status[256];
	uint64_t status_until;
	/* The display list: the sampler's groups filtered and sorted here, never in the sampler's
	 * storage, whose readdir order its lookups rely on (htop: rows apart from the table). */
	struct sample_group **rows;
	int nrows, rows_cap;
	bool utf8;
	bool color;              /* a colour terminal and no NO_COLOR (no-color.org) */
};

/* The palette: what matters in colour, bold/reverse/dim where there is none. */
enum { PAIR_OK = 1, PAIR_WARN, PAIR_ALERT, PAIR_BAR_OK, PAIR_BAR_WARN, PAIR_BAR_ALERT };

static void palette_init(struct view *v)
{
	const char *no = getenv("NO_COLOR");
	v->color = has_colors() && !(no && no[0]);
	if (!v->color)
		return;
	start_color();
	use_default_colors();
	init_pair(PAIR_OK, COLOR_GREEN, -1);
	init_pair(PAIR_WARN, COLOR_YELLOW, -1);
	init_pair(PAIR_ALERT, COLOR_RED, -1);
	init_pair(PAIR_BAR_OK, COLOR_BLACK, COLOR_GREEN);
	init_pair(PAIR_BAR_WARN, COLOR_BLACK, COLOR_YELLOW);
	init_pair(PAIR_BAR_ALERT, COLOR_BLACK, COLOR_RED);
}

/* Green below 70% of the limit, yellow below 90%, red from there on. */
static int level(double pct)
{
	return pct >= 90 ? 2 : pct >= 70 ? 1 : 0;
}

static void set_status(struct view *v, const char *msg)
{
	snprintf(v->status, sizeof v->status, "%s", msg);
	v->status_until = now_ns() + 4000000000ull;
}

static void build_rows(struct sampler *s, struct view *v)
{
	if (s->ngroups > v->rows_cap) {
		int cap = s->ngroups * 2;
		struct sample_group **bigger = realloc(v->rows, (size_t)cap * sizeof *bigger);
		if (bigger) {
			v->rows = bigger;
			v->rows_cap = cap;
		}
	}
	v->nrows = 0;
	for (int i = 0; i < s->ngroups && v->nrows < v->rows_cap; i++)
		if (!v->filter[0] || strstr(s->groups[i]->name, v->filter))
			v->rows[v->nrows++] = s->groups[i];
	table_sort(v->rows, v->nrows, v->sort, v->reverse);
	/* Keep the selection on the same container when rows move. */
	for (int i = 0; i < v->nrows; i++)
		if (strcmp(v->rows[i]->path, v->selected) == 0)
			v->sel = i;
	if (v->sel >= v->nrows)
		v->sel = v->nrows - 1;
	if (v->sel < 0)
		v->sel = 0;
	if (v->nrows)
		snprintf(v->selected, sizeof v->selected, "%s", v->rows[v->sel]->path);
}

static void put(int y, int x, const char *s)
{
	if (y < 0 || y >= LINES || x >= COLS)
		return;
	mvaddnstr(y, x, s, COLS - x);
}

static void draw_header(struct sampler *s, struct view *v)
{
	char used[32], total[32], line[512], rp[300];
	if (sampler_replay_status(s, rp, sizeof rp)) {
		units_format_size(s->host.mem_total, total, sizeof total);
		snprintf(line, sizeof line, "climit %s  %u CPUs  mem %s  %d shown%s%s", rp, s->host.ncpus, total, v->nrows,
			 v->filter[0] ? "  filter: " : "", v->filter);
		attron(A_BOLD);
		put(0, 0, line);
		attroff(A_BOLD);
		return;
	}
	units_format_size(s->host.mem_used, used, sizeof used);
	units_format_size(s->host.mem_total, total, sizeof total);
	snprintf(line, sizeof line, "climit top  cgroup %s  %u CPUs  load %.2f %.2f %.2f  mem %s/%s  %d shown%s%s",
		 cg_mode_name(s->sys.mode), s->host.ncpus, s->host.load[0], s->host.load[1], s->host.load[2], used,
		 total, v->nrows, v->filter[0] ? "  filter: " : "", v->filter);
	attron(A_BOLD);
	put(0, 0, line);
	attroff(A_BOLD);
}

static int bar(char *out, size_t size, double pct, int width, bool utf8)
{
	int filled = (int)(pct / 100.0 * width + 0.5);
	if (filled > width)
		filled = width;
	size_t o = 0;
	for (int i = 0; i < width && o + 4 < size; i++) {
		if (i < filled) {
			if (utf8) {
				memcpy(out + o, "\xe2\x96\x88", 3);
				o += 3;
			} else {
				out[o++] = '#';
			}
		} else {
			out[o++] = utf8 ? ' ' : '.';
		}
	}
	out[o] = '\0';
	return width;
}

/* Which columns fit: the least useful go first on narrow terminals (PSI.IO, REF/s, PEAK, I/O, PSI, ...),
 * the name column takes what is left up to 32 cells, then the memory bar. PSI columns are
 * dropped when no group has PSI (cgroup v1). Computed per frame, so a resize just redraws. */
struct layout {
	bool shown[C_COUNT];
	int name_w, bar_w;
};

static void layout(const struct view *v, struct layout *l)
{
	/* READ/s and WRITE/s show from about 120 columns: below that the table is what it was
	 * before they came (a 100-column terminal loses REF/s and PEAK, then them). */
	static const enum col drop_order[] = { C_PSII, C_REFRATE, C_PEAK, C_IOR, C_IOW, C_PSIC, C_PSIM, C_THR, C_STATE,
					       C_MEMPCT, C_CPULIM, C_REFUSED, C_OOM, C_PLIM, C_PIDS, C_MLIM, C_CPU, C_MEM };
	bool psi = false, psi_io = false, io = false;
	for (int i = 0; i < v->nrows; i++) {
		psi |= (v->rows[i]->st.have & HAVE_PSI) != 0;
		psi_io |= (v->rows[i]->st.have & HAVE_PSI_IO) != 0;
		io |= (v->rows[i]->st.have & HAVE_IO) != 0;
	}
	int total = 0;
	for (int c = 0; c < C_COUNT; c++) {
		l->shown[c] = (psi || (c != C_PSIM && c != C_PSIC)) && (psi_io || c != C_PSII) &&
			      (io || (c != C_IOR && c != C_IOW));
		if (l->shown[c])
			total += (c == C_NAME ? 14 : cols[c].width) + 1;
	}
	for (size_t i = 0; i < sizeof drop_order / sizeof *drop_order && total > COLS; i++) {
		if (l->shown[drop_order[i]]) {
			l->shown[drop_order[i]] = false;
			total -= cols[drop_order[i]].width + 1;
		}
	}
	/* READ/s, WRITE/s and PSI.IO go together, and only where the names still get 8 more cells
	 * and the memory meter 10: below that the table is the one before the I/O columns. */
	if ((l->shown[C_IOR] || l->shown[C_IOW] || l->shown[C_PSII]) && COLS - total < 21) {
		static const enum col io_cols[] = { C_IOR, C_IOW, C_PSII };
		for (size_t i = 0; i < sizeof io_cols / sizeof *io_cols; i++)
			if (l->shown[io_cols[i]]) {
				l->shown[io_cols[i]] = false;
				total -= cols[io_cols[i]].width + 1;
			}
	}
	int spare = COLS - total;
	l->name_w = 14 + (spare > 0 ? (spare < 18 ? spare : 18) : 0);
	spare -= l->name_w - 14;
	l->bar_w = l->shown[C_MEMPCT] && spare >= 8 ? (spare - 3 < 20 ? spare - 3 : 20) : 0;
}

static int col_width(const struct layout *l, enum col c)
{
	return c == C_NAME ? l->name_w : cols[c].width;
}

static double group_mem_pct(const struct sample_group *g)
{
	if ((g->st.have & HAVE_MEM) && g->st.mem_max != UNITS_MAX && g->st.mem_max)
		return 100.0 * (double)g->st.mem_current / (double)g->st.mem_max;
	return 0;
}

/* Where no separate bar fits, the MEM% cell itself is the meter (htop style): its first
 * pct% cells are drawn filled, red from 90% on. Without colours: underlined. */
static void inline_meter(int row, int x, int w, const struct sample_group *g, int attr, bool color)
{
	double pct = group_mem_pct(g);
	int n = (int)(pct / 100.0 * w + 0.5);
	if (n > w)
		n = w;
	if (n <= 0)
		return;
	attr_t a = color ? (attr_t)COLOR_PAIR(PAIR_BAR_OK + level(pct)) : A_UNDERLINE;
	mvchgat(row, x, n, (attr_t)(attr & ~A_COLOR) | a, (short)PAIR_NUMBER(a), NULL);
}

static void draw_table(struct view *v)
{
	int y = 1;
	char line[2048];
	int x = 0;
	struct layout l;
	layout(v, &l);
	attron(A_REVERSE);
	move(y, 0);
	clrtoeol();
	for (int c = 0; c < C_COUNT && x < COLS; c++) {
		if (!l.shown[c])
			continue;
		int w = col_width(&l, (enum col)c);
		snprintf(line, sizeof line, cols[c].left ? "%-*s%s" : "%*s%s", w, cols[c].title,
			 (int)v->sort == c ? (v->reverse ? "^" : "v") : " ");
		put(y, x, line);
		x += w + 1;
		if (c == C_MEMPCT && l.bar_w)
			x += l.bar_w + 3;
	}
	attroff(A_REVERSE);
	int avail = LINES - 3; /* header, column titles, status line */
	if (avail < 1)
		avail = 1;
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + avail)
		v->top = v->sel - avail + 1;
	uint64_t now = now_ns();
	for (int i = 0; i < avail && v->top + i < v->nrows; i++) {
		struct sample_group *g = v->rows[v->top + i];
		int row = 2 + i;
		move(row, 0);
		clrtoeol();
		/* An OOM kill or pids-limit hit: the row stays red (bold without colour) until it is
		 * acknowledged by selecting it; a group using no CPU and no event is dimmed. */
		bool selected = v->top + i == v->sel;
		if (selected && g->event_ns > g->acked_ns)
			g->acked_ns = g->event_ns;
		bool alert = g->event_ns > g->acked_ns || (g->event_ns && now - g->event_ns < 3000000000ull);
		bool idle = !alert && g->cpu_pct < 0.5 && g->refused_rate == 0;
		int attr = (selected ? A_REVERSE : 0) | (alert ? A_BOLD : 0) | (idle && v->color ? A_DIM : 0);
		if (alert && v->color)
			attr |= COLOR_PAIR(PAIR_ALERT);
		attron(attr);
		x = 0;
		for (int c = 0; c < C_COUNT && x < COLS; c++) {
			if (!l.shown[c])
				continue;
			char cell[600];
			int w = col_width(&l, (enum col)c);
			table_cell(g, c, cell, sizeof cell);
			if (c == C_NAME) {
				char ind[700];
				snprintf(ind, sizeof ind, "%*s%s", 2 * g->depth, "", cell);
				snprintf(line, sizeof line, "%-*.*s", w, w, ind);
			} else {
				snprintf(line, sizeof line, cols[c].left ? "%-*s" : "%*s", w, cell);
			}
			put(row, x, line);
			if (c == C_MEMPCT && !l.bar_w)
				inline_meter(row, x, w, g, attr, v->color);
			/* Throttling (in 10% of the periods or more) in yellow. */
			if (c == C_THR && v->color && g->throttled_pct >= 10 && !alert)
				mvchgat(row, x, w, (attr_t)(attr & ~A_COLOR), PAIR_WARN, NULL);
			x += w + 1;
			if (c == C_MEMPCT && l.bar_w) {
				char b[256];
				double pct = group_mem_pct(g);
				bar(b, sizeof b, pct, l.bar_w, v->utf8);
				put(row, x, "[");
				if (v->color && !alert)
					attron(COLOR_PAIR(PAIR_OK + level(pct)));
				put(row, x + 1, b);
				if (v->color && !alert)
					attroff(COLOR_PAIR(PAIR_OK + level(pct)));
				put(row, x + l.bar_w + 1, "]");
				x += l.bar_w + 3;
			}
		}
		attroff(attr);
	}
	if (v->nrows == 0)
		put(3, 2, "no containers (start one: climit --mem 100M -- CMD)");
}

static void draw_detail(struct sampler *s, struct view *v)
{
	if (v->nrows == 0) {
		v->detail = false;
		return;
	}
	struct sample_group *g = v->rows[v->sel];
	const struct cg_stats *st = &g->st;
	char line[1024], name[600], a[32], b[32], c[32];
	ui_escape(g->path, name, sizeof name);
	int y = 1;
	attron(A_BOLD);
	snprintf(line, sizeof line, "%s  (%s)  Esc/Enter: back  k kill  f freeze  m/p/c limits", name, group_state(g));
	put(y++, 0, line);
	attroff(A_BOLD);
	units_format_size(st->mem_current, a, sizeof a);
	units_format_size(st->mem_max, b, sizeof b);
	units_format_size(st->mem_peak, c, sizeof c);
	snprintf(line, sizeof line, "memory %s of %s (peak %s)  oom kills %llu", a, b, c, (unsigned long long)st->oom_kills);
	put(y++, 0, line);
	snprintf(line, sizeof line, "pids %llu of %s (peak %llu)  forks refused %llu (%.1f/s)",
		 (unsigned long long)st->pids_current, st->pids_max == UNITS_MAX ? "max" : (snprintf(a, sizeof a, "%llu", (unsigned long long)st->pids_max), a),
		 (unsigned long long)st->pids_peak, (unsigned long long)st->pids_refused, g->refused_rate);
	put(y++, 0, line);
	if (g->cpu_limit_pct > 0)
		snprintf(b, sizeof b, "%.0f%%", g->cpu_limit_pct);
	else
		snprintf(b, sizeof b, "none");
	snprintf(line, sizeof line, "cpu %.1f%% (quota %s)  throttled %.1f%% of periods, %.2f s total", g->cpu_pct, b,
		 g->throttled_pct, (double)st->throttled_us / 1e6);
	put(y++, 0, line);
	if (st->have & HAVE_IO) {
		units_format_size((uint64_t)g->io_read_rate, a, sizeof a);
		units_format_size((uint64_t)g->io_write_rate, b, sizeof b);
		int n = snprintf(line, sizeof line, "io read %s/s, write %s/s", a, b);
		units_format_size(st->io_rbytes, a, sizeof a);
		units_format_size(st->io_wbytes, b, sizeof b);
		n += snprintf(line + n, sizeof line - (size_t)n, " (in all %s read, %s written)", a, b);
		if (st->have & HAVE_PSI_IO)
			snprintf(line + n, sizeof line - (size_t)n, "  io pressure %.1f%%", st->psi_io_avg10);
		put(y++, 0, line);
		struct io_row rows[2 * CG_IO_DEVS];
		int nr = io_rows(st, rows, 2 * CG_IO_DEVS);
		for (int i = 0; i < nr && y < LINES - 1; i++) {
			char lim[128];
			io_limit_text(rows[i].l, lim, sizeof lim);
			units_format_size(rows[i].c ? rows[i].c->rbytes : 0, a, sizeof a);
			units_format_size(rows[i].c ? rows[i].c->wbytes : 0, b, sizeof b);
			snprintf(line, sizeof line, "  %-10s read %s (%llu ops), written %s (%llu ops)  limit: %s", rows[i].name, a,
				 (unsigned long long)(rows[i].c ? rows[i].c->rios : 0), b,
				 (unsigned long long)(rows[i].c ? rows[i].c->wios : 0), lim[0] ? lim : "none");
			put(y++, 0, line);
		}
	}
	float h[HIST_LEN];
	char spark[HIST_LEN * 4 + 1];
	static const char *const series[] = { "cpu ", "mem ", "pids" };
	for (int k = 0; k < 3 && y < LINES - 1; k++) {
		int n = sample_history(g, k, h, COLS - 6 > 0 ? (COLS - 6 < HIST_LEN ? COLS - 6 : HIST_LEN) : 0);
		sparkline(spark, sizeof spark, h, n, 0, v->utf8);
		snprintf(line, sizeof line, "%s %s", series[k], spark);
		put(y++, 0, line);
	}
	if (y >= LINES - 1)
		return;
	attron(A_REVERSE);
	snprintf(line, sizeof line, "%7s %7s S %8s %8s  %s", "PID", "PPID", "RSS", "CPU(s)", "COMMAND");
	put(y++, 0, line);
	attroff(A_REVERSE);
	static struct proc_row rows[512];
	int n = sampler_processes(s, g, rows, 512);
	for (int i = 0; i < n && y < LINES - 1; i++) {
		char cmd[600];
		ui_escape(rows[i].cmdline[0] ? rows[i].cmdline : rows[i].comm, cmd, sizeof cmd);
		units_format_size(rows[i].rss, a, sizeof a);
		snprintf(line, sizeof line, "%7d %7d %c %8s %8.2f  %s", rows[i].pid, rows[i].ppid, rows[i].state, a,
			 rows[i].cpu_sec, cmd);
		put(y++, 0, line);
	}
}

/* The key table is declared after the actions (below); the help screen is drawn from it. */
static void draw_help(void);

static void draw(struct sampler *s, struct view *v)
{
	erase();
	if (LINES < 5 || COLS < 20) {
		put(0, 0, "too small");
		refresh();
		return;
	}
	draw_header(s, v);
	if (v->help) {
		draw_help();
	} else if (v->detail) {
		draw_detail(s, v);
	} else {
		draw_table(v);
	}
	/* Bottom line: a status message, else the newest event, else the key hint. */
	const struct event_entry *e = events_get(&s->ev, 0);
	char esc[400];
	if (v->status[0] && now_ns() < v->status_until) {
		put(LINES - 1, 0, v->status);
	} else if (e) {
		ui_escape(e->text, esc, sizeof esc);
		attron(A_BOLD);
		put(LINES - 1, 0, esc);
		attroff(A_BOLD);
	} else {
		put(LINES - 1, 0, "q quit  ? help  Enter details  k kill  f freeze  m/p/c limits  / filter");
	}
	refresh();
}

/* A one-line prompt on the bottom row; returns false if cancelled with Esc. */
static bool prompt(const char *question, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	nodelay(stdscr, FALSE);
	curs_set(1);
	bool ok = false;
	sigprocmask(SIG_SETMASK, &wait_mask, NULL); /* a quit signal ends the key's wait */
	for (;;) {
		move(LINES - 1, 0);
		clrtoeol();
		put(LINES - 1, 0, question);
		put(LINES - 1, (int)strlen(question), out);
		refresh();
		int ch = getch();
		if (ch == '\n' || ch == KEY_ENTER || ch == '\r') {
			ok = true;
			break;
		}
		if (ch == 27 || ch == ERR || quit_signal)
			break;
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len > 0)
			out[--len] = '\0';
		else if (ch >= 32 && ch < 127 && len + 1 < size) {
			out[len++] = (char)ch;
			out[len] = '\0';
		}
	}
	sigprocmask(SIG_BLOCK, &quit_set, NULL);
	curs_set(0);
	nodelay(stdscr, TRUE);
	return ok;
}

static void change_limit(struct sampler *s, struct view *v, int key)
{
	if (v->nrows == 0)
		return;
	struct sample_group *g = v->rows[v->sel];
	char q[700], name[600], ans[64], msg[700];
	ui_escape(g->name, name, sizeof name);
	const char *what = key == 'm' ? "memory limit (e.g. 200M, max)" : key == 'p' ? "pids limit (e.g. 100, max)"
										 : "CPU quota (e.g. 50%, 1.5, max)";
	snprintf(q, sizeof q, "%s: new %s: ", name, what);
	if (!prompt(q, ans, sizeof ans) || !ans[0])
		return;
	uint64_t val;
	const char *why = NULL;
	enum cg_limit lim;
	int rc;
	if (key == 'm') {
		lim = LIMIT_MEMORY_MAX;
		rc = units_parse_size(ans, true, &val, &why);
		if (rc == 0 && val == 0)
			rc = -1, why = "must be more than 0";
	} else if (key == 'p') {
		lim = LIMIT_PIDS_MAX;
		rc = units_parse_uint(ans, 1, 4194304, true, &val, &why);
	} else {
		lim = LIMIT_CPU_MAX;
		rc = units_parse_cpu_quota(ans, &val, &why);
	}
	if (rc < 0) {
		snprintf(msg, sizeof msg, "\"%s\": %s", ans, why);
		set_status(v, msg);
		return;
	}
	/* The same all-or-nothing change as `climit set` (control.h). */
	struct err e;
	struct ctl_set cs = { .force = false };
	const char *opt = key == 'm' ? "--mem" : key == 'p' ? "--pids" : "--cpu";
	ctl_add(&cs, lim, val, opt, ans);
	rc = sampler_set_limits(s, g, &cs, &e);
	if (rc < 0 && key == 'm' && e.errnum == EBUSY && !cs.ch[0].written) {
		/* Below what the group uses: ask, as `climit set --force` would be needed. */
		snprintf(q, sizeof q, "%s: below current usage; the kernel will reclaim or OOM-kill. Do it? (y/N) ", name);
		char yes[8];
		if (prompt(q, yes, sizeof yes) && (yes[0] == 'y' || yes[0] == 'Y')) {
			cs = (struct ctl_set){ .force = true };
			ctl_add(&cs, lim, val, opt, ans);
			rc = sampler_set_limits(s, g, &cs, &e);
		}
	}
	if (rc < 0)
		snprintf(msg, sizeof msg, "%s: %s", name, e.msg);
	else if (cs.nnotes)
		snprintf(msg, sizeof msg, "%s: %s", name, cs.notes[0]);
	else
		snprintf(msg, sizeof msg, "%s: %s set to %s", name, key == 'm' ? "memory limit" : key == 'p' ? "pids limit" : "CPU quota", ans);
	set_status(v, msg);
}

/* ---- keys: one table for the code and the help screen (htop's Action.c); climit-top(1)'s
 * KEYS section lists the same entries, and a test compares the two. ---- */

struct key_ctx {
	struct sampler *s;
	struct view *v;
	struct sample_group *g; /* the selected row, NULL if none */
	const char *name;       /* its name, escaped for the screen */
	bool *quit;
};

static void act_move(struct key_ctx *k, int ch)
{
	struct view *v = k->v;
	if ((ch == KEY_UP || ch == 'K') && v->sel > 0)
		v->sel--;
	else if ((ch == KEY_DOWN || ch == 'j') && v->sel + 1 < v->nrows)
		v->sel++;
	else if (ch == KEY_PPAGE)
		v->sel = v->sel > 10 ? v->sel - 10 : 0;
	else if (ch == KEY_NPAGE)
		v->sel = v->sel + 10 < v->nrows ? v->sel + 10 : v->nrows - 1;
}

static void act_sort(struct key_ctx *k, int ch)
{
	struct view *v = k->v;
	if (ch == '<')
		v->sort = (enum col)((v->sort + C_COUNT - 1) % C_COUNT);
	else if (ch == 'r')
		v->reverse = !v->reverse;
	else
		v->sort = (enum col)((v->sort + 1) % C_COUNT);
}

static void act_filter(struct key_ctx *k, int ch)
{
	(void)ch;
	prompt("filter: ", k->v->filter, sizeof k->v->filter);
}

static void act_detail(struct key_ctx *k, int ch)
{
	(void)ch;
	k->v->detail = !k->v->detail;
}

static void act_help(struct key_ctx *k, int ch)
{
	(void)ch;
	k->v->help = true;
}

static void act_quit(struct key_ctx *k, int ch)
{
	if (k->v->detail)
		k->v->detail = false;
	else if (ch == 'q')
		*k->quit = true;
}

static void act_freeze(struct key_ctx *k, int ch)
{
	(void)ch;
	if (!k->g)
		return;
	char msg[800];
	struct err e;
	bool to = !k->g->st.frozen;
	if (sampler_freeze(k->s, k->g, to, &e) < 0)
		snprintf(msg, sizeof msg, "%s: %s", k->name, e.msg);
	else
		snprintf(msg, sizeof msg, "%s: %s", k->name, to ? "frozen" : "thawed");
	set_status(k->v, msg);
}

static void act_limit(struct key_ctx *k, int ch)
{
	change_limit(k->s, k->v, ch);
}

static void act_kill(struct key_ctx *k, int ch)
{
	(void)ch;
	if (!k->g)
		return;
	char msg[800], ans[8];
	snprintf(msg, sizeof msg, "kill every process in %s? (y/N) ", k->name);
	if (!prompt(msg, ans, sizeof ans) || (ans[0] != 'y' && ans[0] != 'Y'))
		return;
	struct err e;
	if (sampler_kill(k->s, k->g, &e) < 0)
		snprintf(msg, sizeof msg, "%s: %s", k->name, e.msg);
	else
		snprintf(msg, sizeof msg, "%s: killed", k->name);
	set_status(k->v, msg);
}

/* Replay only: pause, step, seek, speed, jump (no-ops on live figures). */
static void act_replay(struct key_ctx *k, int ch)
{
	if (!k->s->src) {
		if (ch == ' ' || ch == '.' || ch == ',' || ch == '+' || ch == '-' || ch == 'g' || ch == 'G')
			return;
		set_status(k->v, "only in a replay (climit replay FILE)");
		return;
	}
	switch (ch) {
	case ' ': sampler_replay(k->s, REPLAY_PAUSE, 0); break;
	case '.': sampler_replay(k->s, REPLAY_STEP, 1); break;
	case ',': sampler_replay(k->s, REPLAY_STEP, -1); break;
	case KEY_RIGHT: sampler_replay(k->s, REPLAY_SEEK, 10); break;
	case KEY_LEFT: sampler_replay(k->s, REPLAY_SEEK, -10); break;
	case '+': sampler_replay(k->s, REPLAY_SPEED, 2); break;
	case '-': sampler_replay(k->s, REPLAY_SPEED, 0.5); break;
	case KEY_HOME: case 'g': sampler_replay(k->s, REPLAY_JUMP, 0); break;
	case KEY_END: case 'G': sampler_replay(k->s, REPLAY_JUMP, 1); break;
	}
	sampler_refresh(k->s);
}

static const struct key_action {
	const char *keys;  /* as the help screen and climit-top(1) write them */
	const char *what;
	int codes[6];      /* 0-terminated */
	void (*act)(struct key_ctx *k, int ch);
} keymap[] = {
	{ "up/down, j/K", "select a container (k is kill, as in htop)", { KEY_UP, KEY_DOWN, 'j', 'K' }, act_move },
	{ "PgUp/PgDn", "move the selection by 10 rows", { KEY_PPAGE, KEY_NPAGE }, act_move },
	{ "< >", "sort by the previous/next column", { '<', '>' }, act_sort },
	{ "s", "cycle the sort column", { 's' }, act_sort },
	{ "r", "reverse the order", { 'r' }, act_sort },
	{ "/", "filter by name (empty: show all)", { '/' }, act_filter },
	{ "Enter", "details: processes, limits, history", { '\n', '\r', KEY_ENTER }, act_detail },
	{ "k", "kill every process in the container (asks first)", { 'k' }, act_kill },
	{ "f", "freeze / thaw", { 'f' }, act_freeze },
	{ "m p c", "change the memory / pids / CPU limit live (as climit set)", { 'm', 'p', 'c' }, act_limit },
	{ "space", "replay: pause / play (at the end: from the start)", { ' ' }, act_replay },
	{ ". ,", "replay: step to the next / previous sample", { '.', ',' }, act_replay },
	{ "right/left", "replay: seek 10 s forward / back", { KEY_RIGHT, KEY_LEFT }, act_replay },
	{ "+ -", "replay: twice / half the speed", { '+', '-' }, act_replay },
	{ "Home/End, g/G", "replay: jump to the start / end", { KEY_HOME, KEY_END, 'g', 'G' }, act_replay },
	{ "?, h", "this help (any key leaves it)", { '?', 'h' }, act_help },
	{ "Esc", "leave the details", { 27 }, act_quit },
	{ "q", "leave the details, or quit", { 'q' }, act_quit },
};

static void draw_help(void)
{
	char line[160];
	put(1, 0, "climit top - keys");
	int row = 2;
	for (size_t i = 0; i < sizeof keymap / sizeof keymap[0] && row < LINES - 2; i++, row++) {
		snprintf(line, sizeof line, "  %-14s %s", keymap[i].keys, keymap[i].what);
		put(row, 0, line);
	}
	if (row < LINES - 1)
		put(row++, 0, "An OOM kill or pids-limit hit turns its row red (bold) until it is selected;");
	if (row < LINES - 1)
		put(row, 0, "meters go green, yellow, red toward the limit; THR% is yellow; idle rows dim.");
}

static void handle_key(struct sampler *s, struct view *v, int ch, bool *quit)
{
	char name[600] = "";
	struct sample_group *g = v->nrows ? v->rows[v->sel] : NULL;
	if (g)
		ui_escape(g->name, name, sizeof name);
	if (v->help && ch != ERR) {
		v->help = false;
		if (ch != 'q')
			return;
	}
	struct key_ctx k = { .s = s, .v = v, .g = g, .name = name, .quit = quit };
	for (size_t i = 0; i < sizeof keymap / sizeof keymap[0]; i++)
		for (const int *c = keymap[i].codes; *c; c++)
			if (*c == ch) {
				keymap[i].act(&k, ch);
				goto done;
			}
done:
	if (v->nrows)
		snprintf(v->selected, sizeof v->selected, "%s", v->rows[v->sel < v->nrows ? v->sel : 0]->path);
}

bool top_terminal_usable(void)
{
	setlocale(LC_ALL, "");
	const char *term = getenv("TERM");
	int err = 0;
	if (!term || !*term || setupterm(term, STDOUT_FILENO, &err) != OK) {
		fprintf(stderr, "climit: top: %s; showing batch output instead\n",
			!term || !*term ? "TERM is not set" : "unknown terminal type (TERM)");
		return false;
	}
	return true;
}

int top_interactive(struct sampler *s, const struct top_opts *o)
{
	const char *term = getenv("TERM");
	have_tio = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
	SCREEN *scr = newterm(term, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "climit: top: cannot initialise terminal \"%s\"\n", term);
		return EXIT_CLIMIT;
	}
	save_leave_seq();
	curses_on = true;
	atexit(restore_terminal);
	struct sigaction qa = { .sa_handler = on_quit }, ca = { .sa_handler = on_crash };
	sigaction(SIGTERM, &qa, NULL);
	sigaction(SIGINT, &qa, NULL);
	sigaction(SIGHUP, &qa, NULL);
	sigaction(SIGSEGV, &ca, NULL);
	sigaction(SIGBUS, &ca, NULL);
	sigaction(SIGABRT, &ca, NULL);
	sigaction(SIGFPE, &ca, NULL);
	sigemptyset(&quit_set);
	sigaddset(&quit_set, SIGTERM);
	sigaddset(&quit_set, SIGINT);
	sigaddset(&quit_set, SIGHUP);
	sigprocmask(SIG_BLOCK, &quit_set, &wait_mask);
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	struct view v = { .sort = C_CPU };
	palette_init(&v);
	/* The locale's character set, not its name (which need not say "utf"). */
	v.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	bool quit = false;
	uint64_t frames = 0, next = now_ns();
	while (!quit && !quit_signal) {
		uint64_t now = now_ns();
		if (now >= next) {
			sampler_refresh(s);
			frames++;
			next = now + o->delay_ns;
		}
		build_rows(s, &v);
		draw(s, &v);
		if (o->iterations && frames >= o->iterations)
			break;
		now = now_ns();
		int w = sampler_wait(s, next > now ? next - now : 0, STDIN_FILENO, &wait_mask);
		/* ppoll delivers a quit signal only when it interrupts the wait; when input was ready
		 * too (a hung-up terminal always is), it stays pending: deliver it here. */
		sigprocmask(SIG_SETMASK, &wait_mask, NULL);
		sigprocmask(SIG_BLOCK, &quit_set, NULL);
		if (quit_signal)
			break;
		if (w == 1) {
			/* OOM kill or pids-limit hit: show it now (coalescing storms to 50 per second). */
			sleep_ns(20000000);
			next = now_ns();
		}
		int ch;
		while ((ch = getch()) != ERR) {
			if (ch == KEY_RESIZE)
				continue; /* ncurses has resized stdscr; the next draw fits */
			build_rows(s, &v);
			handle_key(s, &v, ch, &quit);
			build_rows(s, &v);
			draw(s, &v);
			if (quit)
				break;
		}
	}
	restore_terminal();
	sigprocmask(SIG_SETMASK, &wait_mask, NULL);
	delscreen(scr);
	free(v.rows);
	return 0;
}
