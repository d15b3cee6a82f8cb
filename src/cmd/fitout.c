/* climit fit's answer in the terms of the tools that enforce it at scale, and its chart. */
#define _GNU_SOURCE
#include "fit.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "plot.h"
#include "units.h"

const char *const fit_emit_names[EMIT_COUNT] = { "climit", "systemd", "kubernetes", "docker", "slurm" };

enum { MEM, CPU, PIDS };

/* A word for a POSIX shell: as it is when safe, else single-quoted ('' inside as '\''). */
static void shell_word(FILE *f, const char *s)
{
	bool plain = *s != '\0';
	for (const char *p = s; *p; p++)
		plain &= strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+%@", *p) != NULL;
	if (plain) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (const char *p = s; *p; p++)
		*p == '\'' ? fputs("'\\''", f) : fputc(*p, f);
	fputc('\'', f);
}

static void command(FILE *f, char **argv)
{
	for (int i = 0; argv[i]; i++) {
		fputc(' ', f);
		shell_word(f, argv[i]);
	}
}

static uint64_t mib_up(uint64_t bytes)
{
	return (bytes + (1u << 20) - 1) >> 20;
}

static void emit_climit(FILE *f, const struct fit_result *r)
{
	fputs("climit", f);
	if (r->on[MEM])
		fprintf(f, " --mem %" PRIu64 "M", mib_up(r->rec[MEM]));
	if (r->on[CPU])
		fprintf(f, " --cpu %" PRIu64 "%%", r->rec[CPU]);
	if (r->on[PIDS])
		fprintf(f, " --pids %" PRIu64, r->rec[PIDS]);
	fputs(" --", f);
	command(f, r->argv);
	fputc('\n', f);
}

/* systemd's sizes are binary like climit's (M = MiB); CPUQuota= is % of one CPU. */
static void emit_systemd(FILE *f, const struct fit_result *r)
{
	fputs("# systemd resource-control properties: put them in a unit's [Service] section or a drop-in,\n"
	      "# or pass each line to systemd-run -p (systemd-run --scope -p ... -- COMMAND)\n", f);
	if (r->on[MEM])
		fprintf(f, "MemoryMax=%" PRIu64 "M\nMemorySwapMax=0\n", mib_up(r->rec[MEM]));
	if (r->on[CPU])
		fprintf(f, "CPUQuota=%" PRIu64 "%%\n", r->rec[CPU]);
	if (r->on[PIDS])
		fprintf(f, "TasksMax=%" PRIu64 "\n", r->rec[PIDS]);
}

static void emit_kubernetes(FILE *f, const struct fit_result *r)
{
	fputs("# Kubernetes container resources: requests = the measured need, limits = recommended.\n", f);
	if (r->on[PIDS])
		fprintf(f, "# Pods have no per-container task limit (the kubelet's podPidsLimit is per pod):\n"
			   "# this command needed %" PRIu64 " tasks, %" PRIu64 " recommended.\n",
			r->need[PIDS], r->rec[PIDS]);
	if (!r->on[MEM] && !r->on[CPU])
		return;
	fputs("resources:\n", f);
	for (int lim = 0; lim < 2; lim++) {
		const uint64_t *v = lim ? r->rec : r->need;
		fprintf(f, "  %s:\n", lim ? "limits" : "requests");
		if (r->on[CPU])
			fprintf(f, "    cpu: \"%" PRIu64 "m\"\n", v[CPU] * 10);
		if (r->on[MEM])
			fprintf(f, "    memory: \"%" PRIu64 "Mi\"\n", mib_up(v[MEM]));
	}
}

static void emit_docker(FILE *f, const struct fit_result *r)
{
	fputs("# docker run / podman run flags (--memory-swap equal to --memory: no swap)\n", f);
	bool any = false;
	if (r->on[MEM]) {
		fprintf(f, "--memory=%" PRIu64 "m --memory-swap=%" PRIu64 "m", mib_up(r->rec[MEM]), mib_up(r->rec[MEM]));
		any = true;
	}
	if (r->on[CPU]) {
		fprintf(f, "%s--cpus=%.2f", any ? " " : "", (double)r->rec[CPU] / 100);
		any = true;
	}
	if (r->on[PIDS])
		fprintf(f, "%s--pids-limit=%" PRIu64, any ? " " : "", r->rec[PIDS]);
	fputc('\n', f);
}

static void emit_slurm(FILE *f, const struct fit_result *r)
{
	if (r->on[MEM])
		fprintf(f, "#SBATCH --mem=%" PRIu64 "M\n", mib_up(r->rec[MEM]));
	if (r->on[CPU])
		fprintf(f, "#SBATCH --cpus-per-task=%" PRIu64 "\n", (r->rec[CPU] + 99) / 100);
	fputs("# Slurm allocates whole CPUs", f);
	if (r->on[CPU])
		fprintf(f, " (%" PRIu64 "%% of one CPU -> %" PRIu64 ")", r->rec[CPU], (r->rec[CPU] + 99) / 100);
	fputs(" and has no task limit", f);
	if (r->on[PIDS])
		fprintf(f, " (%" PRIu64 " recommended)", r->rec[PIDS]);
	fputs(".\n", f);
}

void fit_emit(FILE *f, enum fit_emit format, const struct fit_result *r)
{
	static void (*const fn[EMIT_COUNT])(FILE *, const struct fit_result *) = {
		emit_climit, emit_systemd, emit_kubernetes, emit_docker, emit_slurm,
	};
	if (format >= 0 && format < EMIT_COUNT)
		fn[format](f, r);
}

/* ---- the chart -------------------------------------------------------------------------- */

struct chart {
	const struct try *tries;
	int n;
	const struct fit_result *r;
	double threshold;
	const char *fmt;
};

static const char *const dim_phase[3] = { "memory", "cpu", "pids" };

/* The tries of one resource: its search and its confirmations. */
static bool of_dim(const struct try *t, int d)
{
	const char *p = strncmp(t->phase, "confirm ", 8) == 0 ? t->phase + 8 : t->phase;
	return strcmp(p, dim_phase[d]) == 0;
}

static double x_of(const struct try *t, int d)
{
	return d == MEM ? (double)t->mem / 1048576.0 : d == CPU ? (double)t->cpu_pct : (double)t->pids;
}

/* Verdicts drawn alike: passed, OOM-killed, too slow (or killed at the limit), forks refused,
 * anything else. */
static int klass(enum verdict v)
{
	return v == V_PASS ? 0 : v == V_OOM ? 1 : (v == V_SLOW || v == V_TIMEOUT) ? 2 : v == V_REFUSED ? 3 : 4;
}

static void script(FILE *f, const void *arg)
{
	const struct chart *c = arg;
	static const char *const kname[5] = { "pass", "OOM kill", "too slow", "forks refused", "other failure" };
	static const char *const kstyle[5] = { "pt 7 ps 1.3 lc '#009E73'", "pt 2 ps 1.6 lc '#D55E00'",
					       "pt 9 ps 1.4 lc '#E69F00'", "pt 5 ps 1.2 lc '#CC79A7'",
					       "pt 13 ps 1.3 lc '#555555'" };
	static const char *const xlabel[3] = { "memory limit (MiB)", "CPU quota (% of one CPU)", "task limit" };
	int panels = 0;
	bool has[3][5] = { { false } };
	for (int d = 0; d < 3; d++) {
		for (int k = 0; k < 5; k++) {
			fprintf(f, "$d%d_%d << EOD\n", d, k);
			for (int i = 0; i < c->n; i++)
				if (of_dim(&c->tries[i], d) && klass(c->tries[i].v) == k) {
					fprintf(f, "%.6f %.6f\n", x_of(&c->tries[i], d), c->tries[i].wall);
					has[d][k] = true;
				}
			fputs("EOD\n", f);
		}
		bool any = false;
		for (int k = 0; k < 5; k++)
			any |= has[d][k];
		panels += any;
	}
	gp_terminal(f, c->fmt, 1000, panels > 1 ? 380u * (unsigned)panels : 500);
	fputs("set grid lc '#dddddd'\nset border 3 lc '#555555'\nset tics nomirror\nset key outside right top\n"
	      "set ylabel 'wall time (s)'\nset yrange [0:*]\nset offsets graph 0.05, graph 0.05, 0, 0\n", f);
	fprintf(f, "set multiplot layout %d,1 title ", panels ? panels : 1);
	char title[600];
	snprintf(title, sizeof title, "climit fit:");
	for (int i = 0; c->r->argv[i] && strlen(title) < 400; i++)
		snprintf(title + strlen(title), sizeof title - strlen(title), " %.100s", c->r->argv[i]);
	gp_quoted(f, title, true);
	fputc('\n', f);
	for (int d = 0; d < 3; d++) {
		bool any = false;
		for (int k = 0; k < 5; k++)
			any |= has[d][k];
		if (!any)
			continue;
		fputs("unset arrow\nunset label\n", f);
		fprintf(f, "set xlabel '%s'\n", xlabel[d]);
		fputs("set xrange [0:*]\n", f);
		if (c->r->on[d]) {
			double a = d == MEM ? (double)c->r->need[d] / 1048576.0 : (double)c->r->need[d];
			fprintf(f, "set arrow from first %.6f, graph 0 to first %.6f, graph 1 nohead lw 2 lc '#0072B2'\n", a, a);
			fprintf(f, "set label 'smallest that passed' at first %.6f, graph 0.5 rotate by 90 center offset -1,0 "
				   "tc '#0072B2'\n", a);
		}
		fputs("plot ", f);
		bool first = true;
		for (int k = 0; k < 5; k++) {
			if (!has[d][k])
				continue;
			fprintf(f, "%s$d%d_%d using 1:2 with points %s title '%s'", first ? "" : ", ", d, k, kstyle[k], kname[k]);
			first = false;
		}
		/* The slowdown limit: a try above it failed as too slow. */
		fprintf(f, ", %.6f with lines dt 2 lc '#888888' title 'slowdown limit'\n", c->threshold);
	}
	fputs("unset multiplot\n", f);
}

int fit_plot(const char *out, const struct try *tries, int n, const struct fit_result *r, double threshold,
	     struct err *e)
{
	const char *fmt = plot_format(out);
	struct chart c = { tries, n, r, threshold, fmt };
	return gp_render(out, fmt, script, &c, e);
}
