/* climit sweep: hyperfine's parameter scan with the limits and what they did. The command runs
 * --runs times under every combination of the values given (each run an ordinary climit run,
 * try.c); a table per cell of wall time, CPU time, memory peak, throttling, OOM kills, refused
 * forks and passes; --plot draws wall time against the swept limit. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "exitcodes.h"
#include "opts.h"
#include "plot.h"
#include "try.h"

enum { O_CPU = 'c', O_MEM = 'm', O_PIDS = 'p', O_RUNS = 256, O_JSON, O_CSV, O_PLOT, O_TIMEOUT, O_PREPARE };
static const struct opt_def sweep_opts[] = {
	OPT("cpu", O_CPU, "LIST", "CPU quotas to run under, e.g. 25%,50%,100%,200% (max: none)"),
	OPT("mem", O_MEM, "LIST", "memory limits, e.g. 64M,128M (swap capped at 0; max: none)"),
	OPT("pids", O_PIDS, "LIST", "task limits, e.g. 10,100 (max: none)"),
	OPT("runs", O_RUNS, "N", "runs per combination (3)"),
	OPT("timeout", O_TIMEOUT, "DURATION", "kill a run after DURATION (default none)"),
	OPT("prepare", O_PREPARE, "CMD", "run sh -c CMD before every run, outside the limits"),
	OPT("json", O_JSON, NULL, "the cells and every run as one JSON object"),
	OPT("csv", O_CSV, NULL, "one CSV row per cell"),
	OPT("plot", O_PLOT, "FILE", "wall time against the swept limit, a line per other value (.png, .svg, .pdf)"),
};
#define NOPTS (int)(sizeof sweep_opts / sizeof sweep_opts[0])
static const char usage[] =
	"Usage: climit sweep [--cpu LIST] [--mem LIST] [--pids LIST] [OPTIONS] [--] COMMAND [ARG...]\n"
	"Run COMMAND --runs times under every combination of the limits listed, and show per\n"
	"combination the median wall time, CPU time, memory peak, throttled share, OOM kills,\n"
	"refused forks and the runs that passed (exit 0, no OOM kill, no refused fork).\n\n";
static const char usage_after[] =
	"\nExit status: 0 when every run of every combination passed, 1 when some failed, 125 on\n"
	"bad options, 130/143 when stopped by SIGINT/SIGTERM (the cells so far are shown).\n"
	"See climit-fit(1).\n";

#define MAXV 32
enum { S_CPU, S_MEM, S_PIDS, NS };
static const char *const sname[NS] = { "cpu", "memory", "pids" };

struct cell {
	uint64_t v[NS];        /* the limits (0: none) */
	int runs, passed;
	double wall_med, cpu_med;
	uint64_t mem_peak, oom, refused, periods, throttled;
	int first_try, ntries;
};

struct sweep {
	uint64_t vals[NS][MAXV];
	int nv[NS];
	int runs;
	uint64_t timeout_ns;
	bool json, csv;
	const char *plot, *prepare;
	struct tryer t;
	struct try *tries;
	int ntries;
	struct cell *cells;
	int ncells;
	int stop_sig;
};

static int fail(const struct err *e)
{
	fprintf(stderr, "climit: sweep: %s\n", e->msg);
	return EXIT_CLIMIT;
}

static int parse_list(struct sweep *s, int which, const char *opt, const char *arg, struct err *e)
{
	char buf[1024];
	if (!str_copy(buf, arg, sizeof buf))
		return err_set(e, "%s: too long", opt);
	s->nv[which] = 0;
	char *save = NULL;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (s->nv[which] == MAXV)
			return err_set(e, "%s: \"%s\": at most %d values", opt, arg, MAXV);
		const char *why = NULL;
		uint64_t v;
		int rc = which == S_CPU   ? units_parse_cpu_quota(w, &v, &why)
			 : which == S_MEM ? units_parse_size(w, true, &v, &why)
					  : units_parse_uint(w, 1, 4194304, true, &v, &why);
		if (rc == 0 && which == S_MEM && v != UNITS_MAX && v < (1u << 20))
			rc = -1, why = "less than 1M: nothing starts under it";
		if (rc == 0 && which == S_CPU && v != UNITS_MAX && v < 1000)
			rc = -1, why = "less than 1%";
		if (rc < 0)
			return err_set(e, "%s: \"%s\": %s", opt, w, why);
		/* In the units of a try: % of one CPU, bytes, tasks; 0: none. */
		s->vals[which][s->nv[which]++] = v == UNITS_MAX ? 0 : which == S_CPU ? (v + 500) / 1000 : v;
	}
	if (!s->nv[which])
		return err_set(e, "%s: \"%s\": no values", opt, arg);
	return 0;
}

static int sweep_opt(void *ctx, const struct opt_def *d, const char *arg, struct err *e)
{
	struct sweep *s = ctx;
	const char *why = NULL;
	switch (d->key) {
	case O_CPU: return parse_list(s, S_CPU, "--cpu", arg, e);
	case O_MEM: return parse_list(s, S_MEM, "--mem", arg, e);
	case O_PIDS: return parse_list(s, S_PIDS, "--pids", arg, e);
	case O_JSON: s->json = true; return 0;
	case O_CSV: s->csv = true; return 0;
	case O_PREPARE: s->prepare = arg; return 0;
	case O_PLOT: return opts_plot_path(arg, &s->plot, e);
	case O_RUNS: return opts_runs(arg, &s->runs, e);
	case O_TIMEOUT:
		if (units_parse_duration(arg, &s->timeout_ns, &why) < 0)
			return err_set(e, "--timeout: \"%s\": %s", arg, why);
		return 0;
	}
	return 0;
}

static void value_text(int which, uint64_t v, char *buf, size_t size)
{
	if (!v)
		snprintf(buf, size, "-");
	else if (which == S_MEM)
		units_format_size(v, buf, size);
	else if (which == S_CPU)
		snprintf(buf, size, "%" PRIu64 "%%", v);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

/* The runs of one cell; 0, -1 (e) or 1 when a signal stopped the sweep. */
static int run_cell(struct sweep *s, struct cell *c, struct err *e)
{
	double wall[100], cpu[100];
	c->first_try = s->ntries;
	for (int r = 0; r < s->runs; r++) {
		if ((s->stop_sig = tryer_stop_signal(&s->t, NULL)))
			return 1;
		if (!grow_for(&s->tries, (size_t)s->ntries, 32, sizeof *s->tries))
			return err_sys(e, ENOMEM, "runs");
		struct try *t = &s->tries[s->ntries];
		if (tryer_run(&s->t, "sweep", c->v[S_MEM], (unsigned)c->v[S_CPU], c->v[S_PIDS], s->timeout_ns, t, e) < 0)
			return -1;
		if (t->v == V_STOPPED) {
			s->stop_sig = tryer_stop_signal(&s->t, t);
			return 1;
		}
		s->ntries++;
		try_outcome(t);
		char lim[3][32];
		for (int i = 0; i < NS; i++)
			value_text(i, c->v[i], lim[i], sizeof lim[i]);
		char verdict[200];
		try_verdict_text(t, verdict, sizeof verdict);
		fprintf(s->t.msg, "climit: sweep: cpu %-5s mem %-7s pids %-6s run %d/%d: %-22s %7.3f s\n", lim[S_CPU],
			lim[S_MEM], lim[S_PIDS], r + 1, s->runs,
			verdict, t->wall);
		wall[c->runs] = t->wall;
		cpu[c->runs] = t->cpu;
		c->runs++;
		c->passed += t->v == V_PASS;
		c->mem_peak = t->mem_peak > c->mem_peak ? t->mem_peak : c->mem_peak;
		c->oom += t->oom_kills;
		c->refused += t->refused;
		c->periods += t->periods;
		c->throttled += t->throttled;
		c->ntries++;
	}
	c->wall_med = try_median(wall, c->runs);
	c->cpu_med = try_median(cpu, c->runs);
	return 0;
}

static void print_table(const struct sweep *s, FILE *o)
{
	if (s->csv) {
		fputs("cpu_limit_percent,memory_limit_bytes,pids_limit,runs,passed,wall_median_seconds,cpu_usage_median_seconds,"
		      "memory_peak_bytes,cpu_throttled_percent,oom_kills,pids_refused\n", o);
		for (int i = 0; i < s->ncells; i++) {
			const struct cell *c = &s->cells[i];
			for (int k = 0; k < NS; k++)
				c->v[k] ? fprintf(o, "%" PRIu64 ",", c->v[k]) : fputs(",", o);
			fprintf(o, "%d,%d,%.6f,%.6f,%" PRIu64 ",%.1f,%" PRIu64 ",%" PRIu64 "\n", c->runs, c->passed, c->wall_med,
				c->cpu_med, c->mem_peak, c->periods ? 100.0 * (double)c->throttled / (double)c->periods : 0.0,
				c->oom, c->refused);
		}
		return;
	}
	fprintf(o, "%-6s %-8s %-6s %12s %10s %9s %10s %5s %8s %7s\n", "cpu", "mem", "pids", "wall median", "cpu time",
		"mem peak", "throttled", "oom", "refused", "passed");
	for (int i = 0; i < s->ncells; i++) {
		const struct cell *c = &s->cells[i];
		char lim[3][32], mp[32];
		for (int k = 0; k < NS; k++)
			value_text(k, c->v[k], lim[k], sizeof lim[k]);
		units_format_size(c->mem_peak, mp, sizeof mp);
		fprintf(o, "%-6s %-8s %-6s %10.3f s %8.3f s %9s %9.0f%% %5" PRIu64 " %8" PRIu64 " %5d/%d\n", lim[S_CPU],
			lim[S_MEM], lim[S_PIDS], c->wall_med, c->cpu_med, mp,
			c->periods ? 100.0 * (double)c->throttled / (double)c->periods : 0.0, c->oom, c->refused, c->passed,
			c->runs);
	}
}

static void print_json(const struct sweep *s, FILE *o, int status)
{
	fputs("{\"command\":[", o);
	for (int i = 0; s->t.base.argv[i]; i++) {
		fputs(i ? "," : "", o);
		json_text(o, s->t.base.argv[i]);
	}
	fprintf(o, "],\"exit_status\":%d,\"runs\":%d,\"cells\":[", status, s->runs);
	for (int i = 0; i < s->ncells; i++) {
		const struct cell *c = &s->cells[i];
		fprintf(o, "%s{\"limits\":{", i ? "," : "");
		static const char *const key[NS] = { "cpu_limit_percent", "memory_limit_bytes", "pids_limit" };
		for (int k = 0; k < NS; k++) {
			fprintf(o, "%s\"%s\":", k ? "," : "", key[k]);
			c->v[k] ? fprintf(o, "%" PRIu64, c->v[k]) : fputs("null", o);
		}
		fprintf(o, "},\"runs\":%d,\"passed\":%d,\"wall_median_seconds\":%.6f,\"cpu_usage_median_seconds\":%.6f,"
			   "\"memory_peak_bytes\":%" PRIu64 ",\"cpu_throttled_percent\":%.2f,\"oom_kills\":%" PRIu64
			   ",\"pids_refused\":%" PRIu64 ",\"wall_seconds\":[",
			c->runs, c->passed, c->wall_med, c->cpu_med, c->mem_peak,
			c->periods ? 100.0 * (double)c->throttled / (double)c->periods : 0.0, c->oom, c->refused);
		for (int r = 0; r < c->ntries; r++)
			fprintf(o, "%s%.6f", r ? "," : "", s->tries[c->first_try + r].wall);
		fputs("]}", o);
	}
	fputs("],\"stopped_by\":", o);
	s->stop_sig ? fprintf(o, "\"SIG%s\"", sigabbrev_np(s->stop_sig)) : fputs("null", o);
	fputs("}\n", o);
}

/* ---- the chart: wall time against the swept limit, a line per value of the others ------ */

/* Cells i and j have the same limits but for the swept one, x. */
static bool same_line(const struct sweep *s, int i, int j, int x)
{
	for (int k = 0; k < NS; k++)
		if (k != x && s->cells[j].v[k] != s->cells[i].v[k])
			return false;
	return true;
}

/* Cell i is the first of its line. */
static bool starts_line(const struct sweep *s, int i, int x)
{
	for (int j = 0; j < i; j++)
		if (same_line(s, i, j, x))
			return false;
	return true;
}

static void chart(FILE *f, const void *arg)
{
	const struct sweep *s = arg;
	int x = 0; /* the first limit with several values */
	for (int k = NS - 1; k >= 0; k--)
		if (s->nv[k] > 1)
			x = k;
	static const char *const xlabel[NS] = { "CPU quota (% of one CPU)", "memory limit (MiB)", "task limit" };
	static const char *const colours[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000" };
	int nlines = 0;
	/* One data block per combination of the other limits, in the order the cells ran. */
	for (int i = 0; i < s->ncells; i++) {
		if (!starts_line(s, i, x))
			continue;
		fprintf(f, "$l%d << EOD\n", nlines++);
		for (int j = i; j < s->ncells; j++) {
			const struct cell *c = &s->cells[j];
			if (same_line(s, i, j, x) && c->v[x])
				fprintf(f, "%.6f %.6f %d\n", x == S_MEM ? (double)c->v[x] / 1048576.0 : (double)c->v[x], c->wall_med,
					c->passed == c->runs);
		}
		fputs("EOD\n", f);
	}
	gp_terminal(f, plot_format(s->plot), 1000, 600);
	fputs("set grid lc '#dddddd'\nset border 3 lc '#555555'\nset tics nomirror\nset key outside right top\n"
	      "set ylabel 'wall time, median (s)'\nset yrange [0:*]\nset xrange [0:*]\n", f);
	fprintf(f, "set xlabel '%s'\nset title ", xlabel[x]);
	char title[600] = "climit sweep:";
	for (int i = 0; s->t.base.argv[i] && strlen(title) < 400; i++)
		snprintf(title + strlen(title), sizeof title - strlen(title), " %.100s", s->t.base.argv[i]);
	gp_quoted(f, title, true);
	fputs("\nplot ", f);
	for (int l = 0, i = 0; i < s->ncells && l < nlines; i++) {
		if (!starts_line(s, i, x))
			continue;
		char label[160] = "", v[32];
		for (int k = 0; k < NS; k++)
			if (k != x && s->nv[k]) {
				value_text(k, s->cells[i].v[k], v, sizeof v);
				snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s %s", label[0] ? ", " : "",
					 sname[k], v);
			}
		const char *col = colours[l % 7];
		fprintf(f, "%s$l%d using 1:2 with linespoints pt 7 lc '%s' title ", l ? ", " : "", l, col);
		gp_quoted(f, label[0] ? label : "median of the runs", true);
		/* Cells where a run failed: a cross on the point. */
		fprintf(f, ", $l%d using 1:($3 > 0 ? 1/0 : $2) with points pt 2 ps 2 lc '#D55E00' notitle", l);
		l++;
	}
	fputc('\n', f);
}

static int sweep_run(struct sweep *s, struct err *e)
{
	/* Every combination: memory outermost, then tasks, then CPU; a limit not swept is none
	 * (vals[k][0] is 0). */
	int n[NS];
	for (int k = 0; k < NS; k++)
		n[k] = s->nv[k] ? s->nv[k] : 1;
	s->cells = calloc((size_t)(n[0] * n[1] * n[2]), sizeof *s->cells);
	if (!s->cells)
		return err_sys(e, ENOMEM, "cells");
	for (int m = 0; m < n[S_MEM]; m++)
		for (int p = 0; p < n[S_PIDS]; p++)
			for (int c = 0; c < n[S_CPU]; c++) {
				struct cell *cell = &s->cells[s->ncells];
				cell->v[S_MEM] = s->vals[S_MEM][m];
				cell->v[S_PIDS] = s->vals[S_PIDS][p];
				cell->v[S_CPU] = s->vals[S_CPU][c];
				int rc = run_cell(s, cell, e);
				if (rc < 0)
					return -1;
				if (cell->runs)
					s->ncells++;
				if (rc > 0)
					return 0;
			}
	return 0;
}

int cmd_sweep(int argc, char **argv)
{
	static struct sweep s;
	struct err e;
	s = (struct sweep){ .runs = 3 };
	bool help, complete;
	int first = opts_parse(sweep_opts, NOPTS, argc, argv, sweep_opt, &s, &help, &complete, &e);
	if (first < 0)
		return fail(&e);
	if (complete)
		return opts_complete(stdout, sweep_opts, NOPTS), 0;
	if (help)
		return opts_help(stdout, usage, sweep_opts, NOPTS, usage_after), 0;
	if (first >= argc)
		return err_set(&e, "no command to sweep (climit sweep --cpu LIST ... -- COMMAND [ARG...])"), fail(&e);
	if (!s.nv[S_CPU] && !s.nv[S_MEM] && !s.nv[S_PIDS])
		return err_set(&e, "nothing to sweep: give --cpu, --mem or --pids a list of values"), fail(&e);
	if (s.json && s.csv)
		return err_set(&e, "--json and --csv: choose one"), fail(&e);
	if (tryer_init(&s.t, argv + first, "sweep", &e) < 0) {
		tryer_close(&s.t);
		return fail(&e);
	}
	s.t.prepare = s.prepare;
	int rc = sweep_run(&s, &e);
	if (rc < 0) {
		tryer_close(&s.t);
		return fail(&e);
	}
	int status = 0;
	for (int i = 0; i < s.ncells; i++)
		status |= s.cells[i].passed != s.cells[i].runs;
	if (s.stop_sig) {
		fprintf(s.t.msg, "climit: sweep: stopped by SIG%s; the cells so far:\n", sigabbrev_np(s.stop_sig));
		status = EXIT_SIGNAL_BASE + s.stop_sig;
	}
	s.json ? print_json(&s, stdout, status) : print_table(&s, stdout);
	if (s.plot && s.ncells && gp_render(s.plot, plot_format(s.plot), chart, &s, &e) < 0) {
		fprintf(s.t.msg, "climit: sweep: --plot: %s\n", e.msg);
		status = status ? status : EXIT_CLIMIT;
	}
	tryer_close(&s.t);
	free(s.tries);
	free(s.cells);
	return status;
}
