/* climit fit: the smallest memory limit, CPU quota and task count a command needs to still
 * succeed at close to its own speed, found in a bounded number of runs, with the evidence.
 *
 * A baseline (the command --runs times without limits, under a safety ceiling) gives the need
 * to beat and the noise; each resource is then bisected alone between a value known or assumed
 * to fail and one known or assumed to pass, to its resolution; the answer is confirmed --runs
 * times (a failure steps it up: the command is not deterministic there) and finally once with
 * every answer together. Every try is an ordinary climit run (try.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "exitcodes.h"
#include "fit.h"
#include "opts.h"
#include "plot.h"
#include "try.h"

enum { O_MEM = 'm', O_CPU = 'c', O_PIDS = 'p', O_SLOWDOWN = 256, O_RUNS, O_MARGIN, O_BUDGET, O_PREPARE, O_JSON,
       O_EMIT, O_PLOT, O_RECORD };
static const struct opt_def fit_opts[] = {
	OPT("mem", O_MEM, NULL, "find the smallest memory limit (swap capped at 0)"),
	OPT("cpu", O_CPU, NULL, "find the smallest CPU quota, to 1 point of one CPU"),
	OPT("pids", O_PIDS, NULL, "find the smallest task limit (none of the three: all three)"),
	OPT("slowdown", O_SLOWDOWN, "F", "a try passes within F times the baseline's median wall time (1.2)"),
	OPT("runs", O_RUNS, "N", "baseline runs, and confirmations of each answer (3)"),
	OPT("margin", O_MARGIN, "P", "recommended = smallest that passed + P percent (10)"),
	OPT("budget", O_BUDGET, "DURATION", "stop searching after DURATION, saying what is known (10m)"),
	OPT("prepare", O_PREPARE, "CMD", "run sh -c CMD before every try, outside the limits"),
	OPT("json", O_JSON, NULL, "every try and the answer as one JSON object"),
	OPT("emit", O_EMIT, "FORMAT", "the recommendation for climit|systemd|kubernetes|docker|slurm"),
	OPT("plot", O_PLOT, "FILE", "wall time against each limit tried (.png, .svg, .pdf)"),
	OPT("record", O_RECORD, "DIR", "keep each try's recording as DIR/try-NN.jsonl"),
};
#define NOPTS (int)(sizeof fit_opts / sizeof fit_opts[0])

static const char usage[] =
	"Usage: climit fit [--mem] [--cpu] [--pids] [OPTIONS] [--] COMMAND [ARG...]\n"
	"Find the smallest memory limit, CPU quota and task limit COMMAND needs to succeed (exit 0,\n"
	"no OOM kill, no refused fork) within --slowdown of its own speed, and recommend limits.\n\n";
static const char usage_after[] =
	"\nThe baseline runs under a safety ceiling (half the host's memory, systemd's default task\n"
	"limit) and each run under what is left of --budget; a try is killed at the slowdown limit\n"
	"plus a quarter. Progress on stderr; the table (or --json, --emit) on stdout.\n"
	"A failed joint try steps up what it shows a sign of and runs again (six times at most).\n"
	"Exit status: 0 answer found, 1 no reliable answer (not deterministic, or the joint try\n"
	"never passed), 124 --budget ran out, 125 bad options or COMMAND fails without limits,\n"
	"126/127 COMMAND cannot be run / not found, 130/143 stopped by SIGINT/SIGTERM.\n"
	"See climit-fit(1).\n";

enum { D_MEM, D_CPU, D_PIDS, ND };
static const char *const dim_name[ND] = { "memory", "cpu", "pids" };

struct dim {
	bool on;
	uint64_t lo, hi;       /* lo fails (or is below the floor), hi passes (or is assumed to) */
	uint64_t res, ceiling;
	uint64_t use;          /* the baseline's figure */
	uint64_t answer;       /* smallest that passed, confirmed */
	uint64_t together;     /* what passed in the joint run (answer, or stepped up from it) */
	uint64_t failed_at;    /* largest that failed (0: none) */
	bool found, nondet, unknown;
	int tries;
};

struct fit {
	struct fit_opts o;
	struct tryer t;
	struct try *tries;
	int ntries;
	double med, spread, cpu_med, threshold;
	uint64_t mem_peak, pids_peak;
	uint64_t ceil_mem, ceil_pids, start_ns;
	int stop_sig;
	int flaky;             /* the try that failed with no sign of its limit (0: none) */
	bool out_of_budget, joint_ran, joint_ok;
	int joint_steps;       /* joint runs that failed and stepped answers up */
	char joint_why[160];
	struct dim d[ND];
};

static int fail(const struct err *e)
{
	fprintf(stderr, "climit: fit: %s\n", e->msg);
	return EXIT_CLIMIT;
}

/* ---- options ---------------------------------------------------------------------------- */

static int fit_opt(void *ctx, const struct opt_def *d, const char *arg, struct err *e)
{
	struct fit_opts *o = ctx;
	const char *why = NULL;
	char *end;
	switch (d->key) {
	case O_MEM: o->mem = true; return 0;
	case O_CPU: o->cpu = true; return 0;
	case O_PIDS: o->pids = true; return 0;
	case O_JSON: o->json = true; return 0;
	case O_PREPARE: o->prepare = arg; return 0;
	case O_PLOT: return opts_plot_path(arg, &o->plot, e);
	case O_RUNS: return opts_runs(arg, &o->runs, e);
	case O_RECORD: o->record = arg; return 0;
	case O_SLOWDOWN:
		errno = 0;
		o->slowdown = strtod(arg, &end);
		if (errno || end == arg || *end || !(o->slowdown >= 1.0 && o->slowdown <= 100))
			return err_set(e, "--slowdown: \"%s\": not a factor from 1 to 100 (1.2: 20%% slower)", arg);
		return 0;
	case O_MARGIN:
		errno = 0;
		o->margin = strtod(arg, &end);
		if (*end == '%')
			end++;
		if (errno || end == arg || *end || !(o->margin >= 0 && o->margin <= 1000))
			return err_set(e, "--margin: \"%s\": not a percentage from 0 to 1000", arg);
		return 0;
	case O_BUDGET:
		if (units_parse_duration(arg, &o->budget_ns, &why) < 0 || o->budget_ns == 0)
			return err_set(e, "--budget: \"%s\": %s", arg, why ? why : "must be more than 0");
		return 0;
	case O_EMIT:
		for (int i = 0; i < EMIT_COUNT; i++)
			if (strcmp(arg, fit_emit_names[i]) == 0) {
				o->emit = (enum fit_emit)i;
				return 0;
			}
		return err_set(e, "--emit: \"%s\": not climit, systemd, kubernetes, docker or slurm", arg);
	}
	return 0;
}

/* ---- one try ---------------------------------------------------------------------------- */

static void limits_text(const struct try *t, char *buf, size_t size)
{
	char m[32] = "";
	size_t n = 0;
	buf[0] = '\0';
	if (t->mem) {
		units_format_size(t->mem, m, sizeof m);
		n += (size_t)snprintf(buf + n, size - n, "--mem %s ", m);
	}
	if (t->cpu_pct && n < size)
		n += (size_t)snprintf(buf + n, size - n, "--cpu %u%% ", t->cpu_pct);
	if (t->pids && n < size)
		n += (size_t)snprintf(buf + n, size - n, "--pids %" PRIu64 " ", t->pids);
	if (n && n < size)
		buf[n - 1] = '\0';
	else if (!n)
		snprintf(buf, size, "no limits");
}

static void progress(struct fit *f, const struct try *t)
{
	char lim[96], text[200], v[220];
	limits_text(t, lim, sizeof lim);
	try_verdict_text(t, text, sizeof text);
	snprintf(v, sizeof v, "%s%s", t->v == V_PASS ? "" : "fail: ", text);
	fprintf(f->t.msg, "climit: fit: try %2d %-15s %-30s %-24s %7.3f s\n", t->k, t->phase, lim, v, t->wall);
}

enum { STOP = -2 };

/* A failure its limit shows no sign of causing: an exit status or a signal with no OOM kill,
 * no refused fork, no throttled period and memory well below the limit. The command fails on
 * its own now and then; searching on would turn its luck into a bogus limit. */
static bool unexplained(const struct try *t)
{
	if (t->v != V_EXIT && t->v != V_SIGNAL)
		return false;
	if (t->mem && t->mem_peak >= t->mem / 10 * 9)
		return false;
	if (t->cpu_pct && t->throttled)
		return false;
	return true;
}

/* One try; returns its verdict, -1 on a climit error (e), STOP when a signal or the budget says
 * to stop (nothing was run). */
static int fit_try(struct fit *f, const char *phase, uint64_t mem, unsigned cpu, uint64_t pids, struct err *e)
{
	if ((f->stop_sig = tryer_stop_signal(&f->t, NULL)))
		return STOP;
	uint64_t used = now_ns() - f->start_ns;
	if (used >= f->o.budget_ns) {
		f->out_of_budget = true;
		return STOP;
	}
	/* The baseline may use what is left of the budget; a try is a failure once it is slower
	 * than the threshold, so it is killed a quarter after that (a try begun within the budget
	 * runs to its own end: the budget is checked between tries, never cut into a verdict). */
	uint64_t timeout = f->o.budget_ns - used;
	if (f->threshold > 0)
		timeout = (uint64_t)((f->threshold * 1.25 + 0.2) * 1e9);
	struct try t;
	if (!grow_for(&f->tries, (size_t)f->ntries, 32, sizeof t))
		return err_sys(e, ENOMEM, "tries");
	if (tryer_run(&f->t, phase, mem, cpu, pids, timeout, &t, e) < 0)
		return -1;
	try_outcome(&t);
	if (t.v == V_PASS && f->threshold > 0 && t.wall > f->threshold) {
		t.v = V_SLOW;
		snprintf(t.why, sizeof t.why, "(limit %.3f s)", f->threshold);
	}
	if (t.v == V_TIMEOUT && f->threshold > 0)
		snprintf(t.why, sizeof t.why, "(killed at %.3f s)", (double)timeout / 1e9);
	f->tries[f->ntries++] = t;
	if (t.v == V_STOPPED) {
		f->stop_sig = tryer_stop_signal(&f->t, &t);
		return STOP;
	}
	progress(f, &t);
	if (strcmp(phase, "baseline") != 0 && unexplained(&t)) {
		f->flaky = t.k;
		return STOP;
	}
	return (int)t.v;
}

/* ---- baseline --------------------------------------------------------------------------- */

/* The safety ceiling of the baseline: half the host's memory, and systemd's DefaultTasksMax
 * (15% of the smaller of kernel.pid_max and kernel.threads-max). */
static void ceilings(struct fit *f)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
	f->ceil_mem = pages > 0 && psz > 0 ? (uint64_t)pages * (uint64_t)psz / 2 : 1ull << 30;
	long pm = read_long("/proc/sys/kernel/pid_max", 32768), tm = read_long("/proc/sys/kernel/threads-max", 32768);
	long m = pm < tm ? pm : tm;
	f->ceil_pids = (uint64_t)(m * 15 / 100 > 64 ? m * 15 / 100 : 64);
}

/* Runs the baseline; 0, -1 (e), STOP, or an exit status for climit fit when the command
 * cannot be fitted (said on stderr). */
static int baseline(struct fit *f, struct err *e)
{
	ceilings(f);
	double wall[100], cpu[100];
	int bad = 0, good = 0;
	const struct try *first_bad = NULL;
	char stderr_tail[160] = ""; /* the first failed run's */
	for (int i = 0; i < f->o.runs; i++) {
		int v = fit_try(f, "baseline", f->ceil_mem, 0, f->ceil_pids, e);
		if (v < 0)
			return v;
		struct try *t = &f->tries[f->ntries - 1];
		if (t->v == V_NOSTART) {
			fprintf(stderr, "climit: fit: %s: %s\n", f->t.base.argv[0], t->why);
			return t->status == EXIT_NOT_FOUND || t->status == EXIT_CANNOT_EXEC ? t->status : EXIT_CLIMIT;
		}
		if (t->v != V_PASS) {
			bad++;
			if (!first_bad) {
				first_bad = t;
				char tail[400];
				tryer_stderr_tail(&f->t, tail, sizeof tail);
				snprintf(stderr_tail, sizeof stderr_tail, "%.150s", tail);
			}
			continue;
		}
		wall[good] = t->wall;
		cpu[good] = t->cpu;
		good++;
		f->mem_peak = t->mem_peak > f->mem_peak ? t->mem_peak : f->mem_peak;
		f->pids_peak = t->pids_peak > f->pids_peak ? t->pids_peak : f->pids_peak;
	}
	if (bad) {
		const struct try *t = first_bad;
		char what[200];
		if (t->v == V_OOM || t->v == V_REFUSED)
			snprintf(what, sizeof what, "hit the safety ceiling (%s)", verdict_name(t->v));
		else if (t->v == V_TIMEOUT)
			snprintf(what, sizeof what, "ran longer than the whole --budget");
		else
			snprintf(what, sizeof what, "%s", t->why);
		if (good)
			fprintf(stderr, "climit: fit: %s is not deterministic without limits: %d of %d runs failed (%s)%s%s\n",
				f->t.base.argv[0], bad, f->o.runs, what, stderr_tail[0] ? "; its stderr: " : "",
				stderr_tail);
		else
			fprintf(stderr, "climit: fit: %s fails without limits (%s)%s%s\n", f->t.base.argv[0], what,
				stderr_tail[0] ? "; its stderr: " : "", stderr_tail);
		return good ? 1 : EXIT_CLIMIT;
	}
	double spread_lo = wall[0], spread_hi = wall[0];
	for (int i = 1; i < good; i++) {
		spread_lo = wall[i] < spread_lo ? wall[i] : spread_lo;
		spread_hi = wall[i] > spread_hi ? wall[i] : spread_hi;
	}
	f->med = try_median(wall, good);
	f->cpu_med = try_median(cpu, good);
	f->spread = spread_hi - spread_lo;
	/* The baseline's own noise widens the slowdown allowed: a try may be as much slower than
	 * the median as the baseline runs were from each other (at least 20 ms: a launch's own
	 * jitter on a busy host). */
	f->threshold = f->med * f->o.slowdown + (f->spread > 0.02 ? f->spread : 0.02);
	char mp[32];
	units_format_size(f->mem_peak, mp, sizeof mp);
	fprintf(f->t.msg,
		"climit: fit: baseline: %d run%s, wall median %.3f s (spread %.3f s, %.1f%%), CPU %.3f s, memory peak %s, "
		"tasks peak %" PRIu64 "; a try passes under %.3f s (%.2f x median + spread, at least 20 ms)\n",
		good, good == 1 ? "" : "s", f->med, f->spread, f->med > 0 ? 100 * f->spread / f->med : 0.0, f->cpu_med, mp, f->pids_peak,
		f->threshold, f->o.slowdown);
	return 0;
}

/* ---- the search ------------------------------------------------------------------------- */

static int probe(struct fit *f, int which, uint64_t value, const char *phase, struct err *e)
{
	struct dim *d = &f->d[which];
	d->tries++;
	int v = fit_try(f, phase, which == D_MEM ? value : 0, which == D_CPU ? (unsigned)value : 0,
			which == D_PIDS ? value : 0, e);
	if (v >= 0 && v != V_PASS && value > d->failed_at)
		d->failed_at = value;
	return v;
}

/* Bisect [lo, hi] to the resolution: lo fails, hi passes. FIRST, if inside, is probed first. */
static int bisect(struct fit *f, int which, uint64_t first, struct err *e)
{
	struct dim *d = &f->d[which];
	while (d->hi - d->lo > d->res) {
		uint64_t mid = first > d->lo && first < d->hi ? first : d->lo + (d->hi - d->lo) / 2;
		first = 0;
		if (which == D_MEM)
			mid = (mid + 4095) & ~4095ull; /* the kernel counts pages */
		if (mid <= d->lo || mid >= d->hi)
			break;
		int v = probe(f, which, mid, dim_name[which], e);
		if (v < 0)
			return v;
		if (v == V_PASS)
			d->hi = mid;
		else
			d->lo = mid;
	}
	return 0;
}

/* Did value pass in an earlier try of this resource's search? */
static bool passed_before(const struct fit *f, int which, uint64_t value)
{
	for (int i = 0; i < f->ntries; i++) {
		const struct try *t = &f->tries[i];
		uint64_t v = which == D_MEM ? t->mem : which == D_CPU ? t->cpu_pct : t->pids;
		if (v == value && t->v == V_PASS && strcmp(t->phase, "baseline") != 0)
			return true;
	}
	return false;
}

/* Confirm hi --runs times. A failure steps it up, by the resolution and then by twice the step
 * each time (a boundary blurred by noise is left in a few rounds, not one resolution at a
 * time), at most to the ceiling. */
static int confirm(struct fit *f, int which, struct err *e)
{
	static const char *const phase[ND] = { "confirm memory", "confirm cpu", "confirm pids" };
	struct dim *d = &f->d[which];
	uint64_t step = d->res;
	for (;;) {
		bool ok = true;
		for (int i = 0; i < f->o.runs && ok; i++) {
			int v = probe(f, which, d->hi, phase[which], e);
			if (v < 0)
				return v;
			ok = v == V_PASS;
		}
		if (ok) {
			d->answer = d->together = d->hi;
			d->found = true;
			return 0;
		}
		if (passed_before(f, which, d->hi))
			d->nondet = true;
		if (d->hi >= d->ceiling) {
			d->unknown = true;
			return 0;
		}
		d->lo = d->hi;
		d->hi = d->hi + step < d->ceiling ? d->hi + step : d->ceiling;
		step *= 2;
	}
}

/* Which resources a failed joint run shows a sign of: an OOM kill or memory at its limit, a
 * refused fork, throttling; a bit per resource (all that are on when it shows none). */
static unsigned joint_signs(const struct fit *f, const struct try *t)
{
	unsigned s = 0;
	if (t->v == V_OOM || (t->mem && t->mem_peak >= t->mem / 10 * 9))
		s |= 1u << D_MEM;
	if (t->v == V_REFUSED || t->refused)
		s |= 1u << D_PIDS;
	if (t->cpu_pct && t->throttled)
		s |= 1u << D_CPU;
	if (!s)
		for (int i = 0; i < ND; i++)
			s |= f->d[i].on ? 1u << i : 0;
	return s;
}

enum { JOINT_ROUNDS = 6 };

/* One run with every answer together. Each answer sits at its own boundary, where noise decides
 * a run now and then, and limits together can slow each other: a failed joint run steps up the
 * resources it shows a sign of, as confirm does (by the resolution, then twice the step each
 * round, at most to the ceiling), and runs again, JOINT_ROUNDS times at most. */
static int joint(struct fit *f, struct err *e)
{
	uint64_t step[ND];
	for (int i = 0; i < ND; i++)
		step[i] = f->d[i].res;
	for (int round = 0;; round++) {
		const struct dim *m = &f->d[D_MEM], *c = &f->d[D_CPU], *p = &f->d[D_PIDS];
		int v = fit_try(f, "joint", m->on ? m->together : 0, c->on ? (unsigned)c->together : 0,
				p->on ? p->together : 0, e);
		if (v < 0 || v == STOP)
			return v == STOP ? 0 : v;
		const struct try *t = &f->tries[f->ntries - 1];
		f->joint_ran = true;
		f->joint_ok = v == V_PASS;
		try_verdict_text(t, f->joint_why, sizeof f->joint_why);
		if (f->joint_ok || v == V_NOSTART || round + 1 >= JOINT_ROUNDS)
			return 0;
		unsigned signs = joint_signs(f, t);
		bool moved = false;
		for (int i = 0; i < ND; i++) {
			struct dim *d = &f->d[i];
			if (!d->on || !(signs & 1u << i) || d->together >= d->ceiling)
				continue;
			d->together = d->together + step[i] < d->ceiling ? d->together + step[i] : d->ceiling;
			if (i == D_MEM)
				d->together = (d->together + 4095) & ~4095ull;
			step[i] *= 2;
			moved = true;
		}
		if (!moved)
			return 0;
		f->joint_steps++;
	}
}

static int search(struct fit *f, struct err *e)
{
	struct dim *m = &f->d[D_MEM], *c = &f->d[D_CPU], *p = &f->d[D_PIDS];
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	m->use = f->mem_peak;
	m->res = f->mem_peak / 100 > (1u << 20) ? f->mem_peak / 100 : (1u << 20);
	m->lo = (1u << 20) - 1; /* 1M is the least climit sets: below it nothing starts */
	m->hi = f->mem_peak > (1u << 20) ? f->mem_peak : (1u << 20);
	m->ceiling = f->ceil_mem;
	/* What CPU time over wall time predicts: a quota that much slower than the baseline. */
	double pred = f->med > 0 ? 100.0 * f->cpu_med / f->med : 100.0;
	c->use = (uint64_t)ceil(pred);
	c->res = 1;
	c->lo = 0;
	c->hi = (uint64_t)(ncpu > 0 ? ncpu : 1) * 100;
	c->ceiling = c->hi;
	p->use = f->pids_peak;
	p->res = 1;
	p->lo = 0;
	p->hi = f->pids_peak ? f->pids_peak : 1;
	p->ceiling = f->ceil_pids;
	int rc = 0;
	for (int i = 0; i < ND && rc == 0; i++) {
		if (!f->d[i].on)
			continue;
		uint64_t first = i == D_CPU ? (uint64_t)ceil(pred / f->o.slowdown) : 0;
		rc = bisect(f, i, first, e);
		if (rc == 0)
			rc = confirm(f, i, e);
	}
	if (rc < 0)
		return rc;
	/* The answers together. */
	bool all = true;
	for (int i = 0; i < ND; i++)
		all &= !f->d[i].on || f->d[i].found;
	if (!all)
		return 0;
	return joint(f, e);
}

/* ---- output ----------------------------------------------------------------------------- */

static uint64_t fit_recommend(int which, uint64_t answer, double margin)
{
	double v = (double)answer * (1 + margin / 100);
	if (which == D_MEM) /* whole MiB */
		return ((uint64_t)ceil(v) + (1u << 20) - 1) & ~((uint64_t)(1u << 20) - 1);
	uint64_t r = (uint64_t)ceil(v - 1e-9);
	return r > answer || margin == 0 ? r : answer + 1;
}

static void fmt_value(int which, uint64_t v, char *buf, size_t size)
{
	if (which == D_MEM)
		units_format_size(v, buf, size);
	else if (which == D_CPU)
		snprintf(buf, size, "%" PRIu64 "%%", v);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static void table(struct fit *f, FILE *out)
{
	fprintf(out, "%-8s %-18s %-30s %-14s %s\n", "resource", "baseline use", "smallest that passed",
		"recommended", "tries");
	for (int i = 0; i < ND; i++) {
		const struct dim *d = &f->d[i];
		if (!d->on)
			continue;
		char use[48], pass[64], rec[48] = "-", a[32], b[32];
		fmt_value(i, d->use, a, sizeof a);
		snprintf(use, sizeof use, "%s%s", a, i == D_CPU ? " of one CPU" : " peak");
		if (d->found) {
			fmt_value(i, d->answer, pass, sizeof pass);
			fmt_value(i, fit_recommend(i, d->together, f->o.margin), a, sizeof a);
			snprintf(rec, sizeof rec, "%s (+%g%%)", a, f->o.margin);
			if (d->nondet)
				strcat(pass, " (flaky below)");
			if (d->together > d->answer) {
				fmt_value(i, d->together, a, sizeof a);
				snprintf(pass + strlen(pass), sizeof pass - strlen(pass), " (together: %s)", a);
			}
		} else if (d->tries) {
			/* What is known so far: the search's bracket. */
			fmt_value(i, d->hi, b, sizeof b);
			if (d->failed_at) {
				fmt_value(i, d->failed_at, a, sizeof a);
				snprintf(pass, sizeof pass, "fails at %s, passes at %s%s", a, b,
					 passed_before(f, i, d->hi) ? "" : "?");
			} else {
				snprintf(pass, sizeof pass, "not known (%s?)", b);
			}
			if (d->unknown)
				snprintf(pass, sizeof pass, "none reliably");
		} else {
			snprintf(pass, sizeof pass, "not searched");
		}
		fprintf(out, "%-8s %-18s %-30s %-14s %d\n", dim_name[i], use, pass, rec, d->tries);
	}
}

static void fill_result(struct fit *f, struct fit_result *r)
{
	*r = (struct fit_result){ .argv = f->t.base.argv, .margin = f->o.margin };
	for (int i = 0; i < ND; i++) {
		r->on[i] = f->d[i].on && f->d[i].found;
		r->need[i] = f->d[i].answer;
		r->rec[i] = r->on[i] ? fit_recommend(i, f->d[i].together, f->o.margin) : 0;
		r->use[i] = f->d[i].use;
	}
}

static void json_try(FILE *o, const struct try *t)
{
	fprintf(o, "{\"try\":%d,\"phase\":\"%s\",\"limits\":{\"memory_limit_bytes\":", t->k, t->phase);
	t->mem ? fprintf(o, "%" PRIu64, t->mem) : fputs("null", o);
	fputs(",\"cpu_limit_percent\":", o);
	t->cpu_pct ? fprintf(o, "%u", t->cpu_pct) : fputs("null", o);
	fputs(",\"pids_limit\":", o);
	t->pids ? fprintf(o, "%" PRIu64, t->pids) : fputs("null", o);
	fprintf(o, "},\"wall_seconds\":%.6f,\"cpu_usage_seconds\":%.6f,\"memory_peak_bytes\":", t->wall, t->cpu);
	t->have_mem_peak ? fprintf(o, "%" PRIu64, t->mem_peak) : fputs("null", o);
	fputs(",\"pids_peak\":", o);
	t->have_pids_peak ? fprintf(o, "%" PRIu64, t->pids_peak) : fputs("null", o);
	fprintf(o, ",\"exit_status\":%d,\"oom_kills\":%" PRIu64 ",\"pids_refused\":%" PRIu64 ",\"verdict\":\"%s\"",
		t->status, t->oom_kills, t->refused, t->v == V_PASS ? "pass" : verdict_name(t->v));
	fputs(",\"detail\":", o);
	t->why[0] ? json_text(o, t->why) : (void)fputs("null", o);
	fputc('}', o);
}

static void json(struct fit *f, FILE *o, int status, const struct fit_result *r)
{
	fprintf(o, "{\"command\":[");
	for (int i = 0; f->t.base.argv[i]; i++) {
		fputs(i ? "," : "", o);
		json_text(o, f->t.base.argv[i]);
	}
	fprintf(o, "],\"exit_status\":%d,\"slowdown\":%g,\"runs\":%d,\"margin_percent\":%g,", status, f->o.slowdown,
		f->o.runs, f->o.margin);
	fprintf(o, "\"baseline\":{\"wall_median_seconds\":%.6f,\"wall_spread_seconds\":%.6f,\"cpu_usage_median_seconds\":%.6f,"
		   "\"memory_peak_bytes\":%" PRIu64 ",\"pids_peak\":%" PRIu64 ",\"pass_under_seconds\":%.6f,"
		   "\"ceiling\":{\"memory_limit_bytes\":%" PRIu64 ",\"pids_limit\":%" PRIu64 "}},",
		f->med, f->spread, f->cpu_med, f->mem_peak, f->pids_peak, f->threshold, f->ceil_mem, f->ceil_pids);
	fputs("\"answer\":{", o);
	for (int i = 0, first = 1; i < ND; i++) {
		const struct dim *d = &f->d[i];
		if (!d->on)
			continue;
		static const char *const key[ND] = { "memory_limit_bytes", "cpu_limit_percent", "pids_limit" };
		fprintf(o, "%s\"%s\":{\"baseline\":%" PRIu64 ",\"smallest_passed\":", first ? "" : ",", key[i], d->use);
		first = 0;
		d->found ? fprintf(o, "%" PRIu64, d->answer) : fputs("null", o);
		fputs(",\"together\":", o);
		d->found && f->joint_ok ? fprintf(o, "%" PRIu64, d->together) : fputs("null", o);
		fputs(",\"recommended\":", o);
		d->found ? fprintf(o, "%" PRIu64, fit_recommend(i, d->together, f->o.margin)) : fputs("null", o);
		fputs(",\"failed_at\":", o);
		d->failed_at ? fprintf(o, "%" PRIu64, d->failed_at) : fputs("null", o);
		fprintf(o, ",\"not_deterministic\":%s,\"tries\":%d}", d->nondet ? "true" : "false", d->tries);
	}
	fputs("},\"unexplained_failure_try\":", o);
	f->flaky ? fprintf(o, "%d", f->flaky) : fputs("null", o);
	fprintf(o, ",\"joint\":%s,\"stopped_by\":", !f->joint_ran ? "null" : f->joint_ok ? "\"pass\"" : "\"fail\"");
	f->stop_sig ? fprintf(o, "\"SIG%s\"", sigabbrev_np(f->stop_sig)) : fputs(f->out_of_budget ? "\"budget\"" : "null", o);
	/* --emit's text as a string: stdout stays one JSON document. */
	fputs(",\"emit\":", o);
	char *text = NULL;
	size_t len = 0;
	FILE *m = f->o.emit != EMIT_NONE ? open_memstream(&text, &len) : NULL;
	if (m) {
		fit_emit(m, f->o.emit, r);
		fclose(m);
		json_text(o, text);
	} else {
		fputs("null", o);
	}
	free(text);
	fputs(",\"tries\":[", o);
	for (int i = 0; i < f->ntries; i++) {
		fputs(i ? "," : "", o);
		json_try(o, &f->tries[i]);
	}
	fputs("]}\n", o);
}

/* ---- the command ------------------------------------------------------------------------ */

static int finish(struct fit *f, struct err *e)
{
	int status = 0;
	if (f->stop_sig)
		status = EXIT_SIGNAL_BASE + f->stop_sig;
	else if (f->flaky)
		status = 1;
	else if (f->out_of_budget)
		status = EXIT_TIMEDOUT;
	else
		for (int i = 0; i < ND; i++)
			if (f->d[i].on && !f->d[i].found)
				status = 1;
	if (!status && f->joint_ran && !f->joint_ok)
		status = 1;
	if (f->flaky) {
		const struct try *t = &f->tries[f->flaky - 1];
		fprintf(f->t.msg, "climit: fit: %s is not deterministic: try %d failed (%s) with no sign of its limit "
				  "(no OOM kill, refused fork or throttling); no limit is recommended\n",
			f->t.base.argv[0], t->k, t->why);
		for (int i = 0; i < ND; i++)
			f->d[i].found = false;
		status = 1;
	}
	if (f->joint_ran && !f->joint_ok)
		for (int i = 0; i < ND; i++)
			f->d[i].found = false; /* each passed alone: none is a recommendation on its own */
	int done = f->ntries - (f->ntries && f->tries[f->ntries - 1].v == V_STOPPED);
	if (f->stop_sig)
		fprintf(f->t.msg, "climit: fit: stopped by SIG%s after %d tries (the running one's group removed); what is "
				  "known:\n", sigabbrev_np(f->stop_sig), done);
	else if (f->out_of_budget)
		fprintf(f->t.msg, "climit: fit: --budget ran out after %d tries; what is known:\n", f->ntries);
	for (int i = 0; i < ND; i++)
		if (f->d[i].on && f->d[i].nondet)
			fprintf(f->t.msg, "climit: fit: %s: not deterministic: a limit that passed failed when confirmed; "
					  "the answer was stepped up\n", dim_name[i]);
	if (f->joint_ran && !f->joint_ok)
		fprintf(f->t.msg, "climit: fit: the answers together failed (%s, %d time%s, stepped up each time): each "
				  "passes alone, not all at once; no limit is recommended (fit one resource at a time)\n",
			f->joint_why, f->joint_steps + 1, f->joint_steps ? "s" : "");
	else if (f->joint_ok && f->joint_steps)
		fprintf(f->t.msg, "climit: fit: the answers together failed %d time%s and were stepped up until they "
				  "passed (\"together\" below); each alone is the smallest that passed\n",
			f->joint_steps, f->joint_steps == 1 ? "" : "s");
	struct fit_result r;
	fill_result(f, &r);
	if (f->o.json) {
		json(f, stdout, status, &r);
	} else if (f->o.emit != EMIT_NONE) {
		/* stdout is the other tool's text alone (for a file or a pipe); the table to stderr. */
		table(f, f->t.msg);
		fit_emit(stdout, f->o.emit, &r);
	} else {
		table(f, stdout);
		bool any = false;
		for (int i = 0; i < ND; i++)
			any |= r.on[i];
		if (any)
			fit_emit(stdout, EMIT_CLIMIT, &r);
	}
	if (f->o.plot && f->ntries && fit_plot(f->o.plot, f->tries, f->ntries, &r, f->threshold, e) < 0) {
		fprintf(f->t.msg, "climit: fit: --plot: %s\n", e->msg);
		if (!status)
			status = EXIT_CLIMIT;
	}
	return status;
}

int cmd_fit(int argc, char **argv)
{
	static struct fit f;
	struct err e;
	f = (struct fit){ .o = { .slowdown = 1.2, .runs = 3, .margin = 10, .budget_ns = 600000000000ull, .emit = EMIT_NONE } };
	bool help, complete;
	int first = opts_parse(fit_opts, NOPTS, argc, argv, fit_opt, &f.o, &help, &complete, &e);
	if (first < 0)
		return fail(&e);
	if (complete)
		return opts_complete(stdout, fit_opts, NOPTS), 0;
	if (help)
		return opts_help(stdout, usage, fit_opts, NOPTS, usage_after), 0;
	if (first >= argc) {
		err_set(&e, "no command to fit (climit fit [OPTIONS] -- COMMAND [ARG...])");
		return fail(&e);
	}
	if (!f.o.mem && !f.o.cpu && !f.o.pids)
		f.o.mem = f.o.cpu = f.o.pids = true;
	f.d[D_MEM].on = f.o.mem;
	f.d[D_CPU].on = f.o.cpu;
	f.d[D_PIDS].on = f.o.pids;
	if (f.o.record && mkdir(f.o.record, 0755) < 0 && errno != EEXIST) {
		err_sys(&e, errno, "--record: \"%s\"", f.o.record);
		return fail(&e);
	}
	if (tryer_init(&f.t, argv + first, "fit", &e) < 0) {
		tryer_close(&f.t);
		return fail(&e);
	}
	f.t.prepare = f.o.prepare;
	f.t.record_dir = f.o.record;
	f.start_ns = now_ns();
	int rc = baseline(&f, &e);
	if (rc == 0 || rc == STOP)
		rc = rc == 0 ? search(&f, &e) : rc;
	if (rc == -1) {
		tryer_close(&f.t);
		return fail(&e);
	}
	if (rc > 0) { /* the command cannot be fitted: said already */
		tryer_close(&f.t);
		return rc;
	}
	rc = finish(&f, &e);
	tryer_close(&f.t);
	free(f.tries);
	return rc;
}
