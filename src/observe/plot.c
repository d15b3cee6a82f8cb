/* climit plot: a gnuplot script with the data inline (datablocks), piped to gnuplot's stdin.
 * Panels share the time axis: memory (current, peak, limit, OOM kills), CPU (% of one CPU,
 * quota, throttled share shaded), tasks (current, limit, refused forks per second), pressure
 * (v2). Each (recording, group) is one series; several files overlay. */
#define _GNU_SOURCE
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outfile.h"
#include "units.h"

extern char **environ;

#define MAX_SERIES 8
/* Colour-blind-safe (Okabe-Ito), one per series. */
static const char *const colours[MAX_SERIES] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
						 "#E69F00", "#56B4E9", "#000000", "#F0E442" };

struct series {
	const struct rec_run *run;
	int group;
	char label[300];
};

const char *plot_format(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return NULL;
	static const char *const ok[] = { "png", "svg", "pdf" };
	for (size_t i = 0; i < 3; i++)
		if (strcasecmp(dot + 1, ok[i]) == 0)
			return ok[i];
	return NULL;
}

/* A string for gnuplot, in single quotes: nothing inside them is expanded (double quotes run
 * `backquoted` commands and take backslash escapes), and a quote is written twice. Text that is
 * drawn also has enhanced-text specials escaped. Recordings are shared: plotting one must run
 * nothing that is in it. */
void gp_quoted(FILE *f, const char *s, bool drawn)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (drawn && (*s == '_' || *s == '^' || *s == '@' || *s == '&' || *s == '{' || *s == '}' || *s == '~' ||
			      *s == '\\'))
			fputc('\\', f);
		fputc((unsigned char)*s >= 0x20 ? *s : ' ', f);
	}
	fputc('\'', f);
}

static void gp_text(FILE *f, const char *s)
{
	gp_quoted(f, s, true);
}

/* "--mem 64M --pids 30 --cpu 50%" from the header's limits. */
static void limits_text(const struct rec_run *r, char *out, size_t size)
{
	char m[32] = "";
	size_t n = 0;
	out[0] = '\0';
	if (r->mem_max != UNITS_MAX) {
		units_format_size(r->mem_max, m, sizeof m);
		n += (size_t)snprintf(out + n, size - n, "--mem %s ", m);
	}
	if (r->pids_max != UNITS_MAX && n < size)
		n += (size_t)snprintf(out + n, size - n, "--pids %" PRIu64 " ", r->pids_max);
	if (r->cpu_max_pct > 0 && n < size)
		n += (size_t)snprintf(out + n, size - n, "--cpu %g%% ", r->cpu_max_pct);
	if (n && n < size)
		out[n - 1] = '\0';
}

static void nan_or(FILE *f, bool have, double v)
{
	if (have)
		fprintf(f, " %.6g", v);
	else
		fputs(" NaN", f);
}

/* $dI: t mem peak memlimit cpu% cpulimit thr% pids pidslimit refused/s psi_cpu psi_mem psi_io
 * (MiB for memory); $eI: OOM kills (t, memory then) and pids-limit events (t, tasks then). */
static void data_blocks(FILE *f, int i, const struct series *s, double *tmax, bool *psi)
{
	const struct rec_run *r = s->run;
	fprintf(f, "$d%d << EOD\n", i);
	const struct rec_sample *last = NULL;
	for (size_t k = 0; k < r->ns; k++) {
		const struct rec_sample *c = &r->s[k];
		if (c->group != s->group)
			continue;
		const struct cg_stats *st = &c->st;
		struct rec_rates rt;
		/* The last sample (taken when the workload ended) may follow the one before by a few
		 * milliseconds: a rate over so short a time is noise. */
		bool short_dt = last && r->interval > 0 && c->t - last->t < r->interval / 2;
		rec_rates(short_dt ? NULL : last, c, &rt);
		fprintf(f, "%.3f", c->t);
		nan_or(f, st->have & HAVE_MEM, (double)st->mem_current / 1048576);
		nan_or(f, st->have & HAVE_MEM_PEAK, (double)st->mem_peak / 1048576);
		nan_or(f, (st->have & HAVE_MEM) && st->mem_max != UNITS_MAX, (double)st->mem_max / 1048576);
		nan_or(f, last != NULL && !short_dt, rt.cpu_pct);
		nan_or(f, st->cpu_limit_pct > 0, st->cpu_limit_pct);
		nan_or(f, last != NULL && !short_dt && (st->have & HAVE_THROTTLE), rt.throttled_pct);
		nan_or(f, st->have & HAVE_PIDS, (double)st->pids_current);
		nan_or(f, (st->have & HAVE_PIDS) && st->pids_max != UNITS_MAX, (double)st->pids_max);
		nan_or(f, last != NULL && !short_dt && (st->have & HAVE_PIDS_EVENTS), rt.refused_rate);
		nan_or(f, st->have & HAVE_PSI, st->psi_cpu_avg10);
		nan_or(f, st->have & HAVE_PSI, st->psi_mem_avg10);
		nan_or(f, st->have & HAVE_PSI_IO, st->psi_io_avg10);
		fputc('\n', f);
		if (st->have & HAVE_PSI)
			*psi = true;
		if (c->t > *tmax)
			*tmax = c->t;
		if (!short_dt)
			last = c;
	}
	fputs("EOD\n", f);
	fprintf(f, "$e%d << EOD\n", i);
	for (size_t k = 0; k < r->nev; k++) {
		const struct rec_event *ev = &r->ev[k];
		if (ev->group != s->group)
			continue;
		int kind = strcmp(ev->kind, "oom_kill") == 0 ? 1 : strcmp(ev->kind, "pids_max") == 0 ? 2 : 0;
		if (!kind)
			continue;
		/* Where to put the marker: an OOM kill at the most memory seen up to it (the sample
		 * after the kill may already show it freed), a limit hit at the tasks then. */
		double y = 0;
		for (size_t j = 0; j < r->ns && r->s[j].t <= ev->t; j++) {
			const struct cg_stats *st = &r->s[j].st;
			if (r->s[j].group != s->group)
				continue;
			if (kind == 2)
				y = (double)st->pids_current;
			else if ((double)st->mem_current / 1048576 > y)
				y = (double)st->mem_current / 1048576;
			if (kind == 1 && (st->have & HAVE_MEM_PEAK) && (double)st->mem_peak / 1048576 > y)
				y = (double)st->mem_peak / 1048576;
		}
		fprintf(f, "%.3f %.6g %d\n", ev->t, y, kind);
	}
	fputs("0 NaN 0\nEOD\n", f); /* never empty: gnuplot refuses an empty datablock */
}

/* One panel's plot command over every series: cols as gnuplot "using" expressions. */
static void script(FILE *f, const struct series *s, int ns, const struct plot_opts *o, const char *fmt)
{
	double tmax = 0;
	bool psi = false;
	for (int i = 0; i < ns; i++)
		data_blocks(f, i, &s[i], &tmax, &psi);
	/* One point at the origin in every panel: a panel whose series have no valid point (a run
	 * too short for a rate) still has a y range. */
	fputs("$z << EOD\n0 0\nEOD\n", f);
	gp_terminal(f, fmt, o->width, o->height);
	fputs("set datafile missing 'NaN'\nset grid xtics ytics lc '#dddddd'\nset border 3 lc '#555555'\n"
	      "set tics nomirror\nset key top left opaque box lc '#cccccc' samplen 2 font ',9'\n", f);
	fprintf(f, "set xrange [0:%.3f]\nset lmargin 12\nset rmargin 12\n", tmax > 0 ? tmax : 1);
	int panels = psi ? 4 : 3;
	char title[1600], lim[160];
	if (o->title)
		str_copy(title, o->title, sizeof title);
	else if (ns == 1 || (s[0].run == s[ns - 1].run && s[0].run->ngroups == 1)) {
		limits_text(s[0].run, lim, sizeof lim);
		snprintf(title, sizeof title, "%.900s%s%s", s[0].run->command, lim[0] ? "   " : "", lim);
	} else {
		snprintf(title, sizeof title, "%d runs compared", ns);
	}
	fprintf(f, "set multiplot layout %d,1 margins 0.09,0.91,0.07,0.92 spacing 0,0.035 title ", panels);
	gp_text(f, title);
	fputs(" font ',12'\n", f);

	/* Memory. */
	fputs("set format x ''\nset ylabel 'memory (MiB)'\nset yrange [0:*]\nplot $z using 1:2 with dots notitle", f);
	for (int i = 0; i < ns; i++) {
		const char *c = colours[i];
		fprintf(f, "%s$d%d using 1:2 with lines lw 2 lc '%s' title ", ", ", i, c);
		gp_text(f, ns > 1 ? s[i].label : "in use");
		fprintf(f, ", $d%d using 1:3 with lines lw 1 dt 3 lc '%s' title %s", i, c, ns > 1 ? "''" : "'peak'");
		fprintf(f, ", $d%d using 1:4 with lines lw 1.5 dt 2 lc '%s' title %s", i, c, ns > 1 ? "''" : "'limit'");
		fprintf(f, ", $e%d using 1:($3 == 1 ? $2 : NaN) with points pt 7 ps 1.3 lc '#d00000' title %s", i,
			i == 0 ? "'OOM kill'" : "''");
	}
	/* CPU: throttled share on the right axis, shaded. */
	fputs("\nset ylabel '% of one CPU'\nset y2label 'throttled periods (%)'\nset y2range [0:100]\nset y2tics\n"
	      "plot $z using 1:2 with dots notitle",
	      f);
	for (int i = 0; i < ns; i++) {
		const char *c = colours[i];
		fprintf(f, "%s$d%d using 1:($7 > 0 ? $7 : 0) axes x1y2 with filledcurves y1=0 fs transparent solid 0.18 "
			   "noborder lc '%s' title %s",
			", ", i, c, i == 0 ? "'throttled'" : "''");
		fprintf(f, ", $d%d using 1:5 with lines lw 2 lc '%s' title ", i, c);
		gp_text(f, ns > 1 ? s[i].label : "CPU");
		fprintf(f, ", $d%d using 1:6 with lines lw 1.5 dt 2 lc '%s' title %s", i, c, ns > 1 ? "''" : "'quota'");
	}
	/* Tasks: refused forks per second on the right axis. */
	if (!psi)
		fputs("\nset format x '%g'\nset xlabel 'seconds'", f);
	fputs("\nset ylabel 'tasks'\nset y2label 'refused forks / s'\nset y2range [0:*]\nplot $z using 1:2 with dots notitle, $z using 1:2 axes x1y2 with dots notitle", f);
	for (int i = 0; i < ns; i++) {
		const char *c = colours[i];
		fprintf(f, "%s$d%d using 1:10 axes x1y2 with impulses lw 2 lc '#80d00000' title %s", ", ", i,
			i == 0 ? "'refused forks/s'" : "''");
		fprintf(f, ", $e%d using 1:($3 == 2 ? $2 : NaN) with points pt 9 ps 1.3 lc '#d00000' title %s", i,
			i == 0 ? "'limit hit'" : "''");
		fprintf(f, ", $d%d using 1:8 with steps lw 2 lc '%s' title ", i, c);
		gp_text(f, ns > 1 ? s[i].label : "tasks");
		fprintf(f, ", $d%d using 1:9 with lines lw 1.5 dt 2 lc '%s' title %s", i, c, ns > 1 ? "''" : "'limit'");
	}
	fputs("\nunset y2tics\nunset y2label\n", f);
	if (psi) {
		fputs("set ylabel 'pressure, some avg10 (%)'\nset yrange [0:*]\nset format x '%g'\nset xlabel 'seconds'\n"
		      "plot $z using 1:2 with dots notitle", f);
		for (int i = 0; i < ns; i++) {
			const char *c = colours[i];
			fprintf(f, "%s$d%d using 1:11 with lines lw 1.5 lc '%s' title %s", ", ", i, c,
				ns > 1 ? "''" : "'cpu'");
			fprintf(f, ", $d%d using 1:12 with lines lw 1.5 dt 2 lc '%s' title %s", i, c, ns > 1 ? "''" : "'memory'");
			fprintf(f, ", $d%d using 1:13 with lines lw 1.5 dt 3 lc '%s' title %s", i, c, ns > 1 ? "''" : "'io'");
		}
		fputc('\n', f);
	}
	fputs("unset multiplot\nset output\n", f);
}

/* gnuplot's first complaint (its stderr went to a memfd). */
static void first_error(int fd, char *out, size_t size)
{
	char buf[4096];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* gnuplot echoes the offending line, a caret line, then "line N: message". */
	char *m = strstr(buf, "line ");
	char *p = m ? m : buf;
	p[strcspn(p, "\n")] = '\0';
	str_copy(out, p, size);
}

void gp_terminal(FILE *f, const char *fmt, unsigned width, unsigned height)
{
	if (strcmp(fmt, "png") == 0)
		fprintf(f, "set terminal pngcairo size %u,%u enhanced font 'Sans,10' background '#ffffff'\n", width, height);
	else if (strcmp(fmt, "svg") == 0)
		fprintf(f, "set terminal svg size %u,%u enhanced font 'Sans,10' background '#ffffff'\n", width, height);
	else
		fprintf(f, "set terminal pdfcairo size %.2fin,%.2fin enhanced font 'Sans,9'\n", width / 100.0,
			height / 100.0);
	/* The chart goes to a memory file climit hands gnuplot as fd 3: the output path is never in
	 * the script, and climit alone writes it (outfile.c's rules). */
	fputs("set output '/proc/self/fd/3'\n", f);
}

int gp_render(const char *out, const char *fmt, gp_script_fn *fn, const void *arg, struct err *e)
{
	(void)fmt;
	/* The output must be writable before gnuplot is started (its own message is less clear). */
	struct out_file of;
	if (out_open(&of, out, OUT_REPLACE, OUT_REGULAR_ONLY, e) < 0)
		return err_wrap(e, "-o");
	int in[2], errfd = memfd_create("gnuplot-stderr", MFD_CLOEXEC), chart = memfd_create("chart", MFD_CLOEXEC);
	if (errfd < 0 || chart < 0 || pipe2(in, O_CLOEXEC) < 0) {
		err_sys(e, errno, "plot: cannot start gnuplot");
		goto fail;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errfd, STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errfd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, chart, 3);
	char *argv[] = { "gnuplot", NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	if (rc != 0) {
		close(in[1]);
		err_code(e, rc, "plot: cannot run gnuplot: %s (apt-get install gnuplot-nox)", strerror(rc));
		goto fail;
	}
	/* gnuplot exiting early (a script error) must not kill climit with SIGPIPE. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	FILE *f = fdopen(in[1], "w");
	if (f) {
		fn(f, arg);
		fclose(f);
	} else {
		close(in[1]);
	}
	sigaction(SIGPIPE, &old, NULL);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	char why[300];
	first_error(errfd, why, sizeof why);
	struct stat sb;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || fstat(chart, &sb) < 0 || sb.st_size == 0) {
		err_set(e, "plot: gnuplot failed: %s", why[0] ? why : "no output");
		goto fail;
	}
	char buf[65536];
	off_t at = 0;
	for (ssize_t n; (n = pread(chart, buf, sizeof buf, at)) != 0; at += n)
		if (n < 0 || write(of.fd, buf, (size_t)n) != n) { /* a short write is a full disk */
			err_sys(e, errno, "-o: \"%s\": cannot write it", out);
			goto fail;
		}
	close(errfd);
	close(chart);
	if (out_commit(&of) < 0)
		return err_sys(e, errno, "-o: \"%s\": cannot write it", out);
	return 0;
fail:
	if (errfd >= 0)
		close(errfd);
	if (chart >= 0)
		close(chart);
	out_abort(&of);
	return -1;
}

struct draw_args {
	const struct series *s;
	int ns;
	const struct plot_opts *o;
	const char *fmt;
};

static void draw(FILE *f, const void *arg)
{
	const struct draw_args *a = arg;
	script(f, a->s, a->ns, a->o, a->fmt);
}

int plot_runs(const struct rec_run *runs, int n, const struct plot_opts *o, struct err *e)
{
	const char *fmt = plot_format(o->out);
	if (!fmt)
		return err_set(e, "-o: \"%s\": not a .png, .svg or .pdf file name", o->out);
	struct series s[MAX_SERIES];
	int ns = 0;
	for (int i = 0; i < n; i++)
		for (int g = 0; g < runs[i].ngroups; g++) {
			if (ns == MAX_SERIES) {
				fprintf(stderr, "climit: plot: more than %d groups; the first %d are drawn\n", MAX_SERIES,
					MAX_SERIES);
				goto full;
			}
			const char *base = strrchr(runs[i].path, '/');
			base = base ? base + 1 : runs[i].path;
			char lim[160];
			limits_text(&runs[i], lim, sizeof lim);
			s[ns] = (struct series){ .run = &runs[i], .group = g };
			if (runs[i].ngroups > 1)
				snprintf(s[ns].label, sizeof s[ns].label, "%.100s: %.100s", base, runs[i].groups[g]);
			else
				snprintf(s[ns].label, sizeof s[ns].label, "%.100s%s%.150s", base, lim[0] ? " (" : "", lim);
			if (runs[i].ngroups == 1 && lim[0])
				strcat(s[ns].label, ")");
			ns++;
		}
full:
	if (!ns)
		return err_set(e, "plot: \"%s\": no samples to draw", runs[0].path);
	return gp_render(o->out, fmt, draw, &(struct draw_args){ s, ns, o, fmt }, e);
}
