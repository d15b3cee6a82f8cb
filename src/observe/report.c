/* End-of-run resource summary (--report): text for people, one JSON object for scripts.
 * JSON field names are stable and documented in climit(1); absent figures are null. */
#define _GNU_SOURCE
#include "report.h"
#include "scaudit.h"

#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <linux/seccomp.h>
#include <sys/wait.h>

#include "io.h"
#include "units.h"

static bool limited(uint64_t v)
{
	return v != OPT_UNSET && v != UNITS_MAX;
}

static void figures_json(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit, const struct io_opts *io);
static void figures_text(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit, const struct io_opts *io);

static void json_u64(FILE *f, const char *key, bool have, uint64_t v)
{
	if (have)
		fprintf(f, ",\"%s\":%" PRIu64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

static void json_sec(FILE *f, const char *key, bool have, uint64_t us)
{
	if (have)
		fprintf(f, ",\"%s\":%.6f", key, (double)us / 1e6);
	else
		fprintf(f, ",\"%s\":null", key);
}

static const char *sc_action(uint32_t action)
{
	return sc_action_name(action);
}

static void seccomp_json(FILE *f, const struct report *r)
{
	if (!r->sc) {
		fputs(",\"seccomp\":null", f);
		return;
	}
	fputs(",\"seccomp\":{\"profile\":", f);
	json_text(f, r->sc->summary);
	if (r->sc_session)
		fprintf(f, ",\"calls_total\":%d,\"calls\":[", r->sc_total);
	else
		fputs(",\"calls_total\":null,\"calls\":[", f);
	for (int i = 0; i < r->nsc; i++) {
		const struct sc_event *c = &r->sc_calls[i];
		fprintf(f, "%s{\"syscall\":", i ? "," : "");
		json_text(f, c->syscall);
		fprintf(f, ",\"pid\":%d,\"comm\":", c->pid);
		json_text(f, c->comm);
		fprintf(f, ",\"action\":\"%s\"}", sc_action(c->action));
	}
	fputs("],\"fatal_call\":", f);
	const struct sc_event *k = r->sc_fatal;
	if (k) {
		fputs("{\"syscall\":", f);
		json_text(f, k->syscall);
		fprintf(f, ",\"number\":%d,\"arch\":\"%s\",\"action\":\"%s\"}", k->nr & ~0x40000000,
			sc_arch_name(k->arch, k->nr), sc_action(k->action));
	} else {
		fputs("null", f);
	}
	fputs("}", f);
}

static void seccomp_text(FILE *f, const struct report *r)
{
	if (!r->sc)
		return;
	fprintf(f, "  seccomp         %s\n", r->sc->summary);
	if (!r->sc_session) {
		fprintf(f, "  seccomp calls   not attributable (climit could not give the workload an audit session: "
			   "that needs root, audit support and a writable /proc)\n");
		return;
	}
	if (r->sc_total == 0)
		fprintf(f, "  seccomp calls   none refused or logged\n");
	for (int i = 0; i < r->nsc; i++) {
		fprintf(f, "  seccomp %-7s %s by pid %d (%s)\n", sc_action(r->sc_calls[i].action), r->sc_calls[i].syscall,
			r->sc_calls[i].pid, r->sc_calls[i].comm);
	}
	if (r->sc_total > r->nsc)
		fprintf(f, "  seccomp calls   %d more\n", r->sc_total - r->nsc);
	if (r->sc_fatal)
		fprintf(f, "  seccomp ended   %s (%d, %s): %s the process\n", r->sc_fatal->syscall,
			r->sc_fatal->nr & ~0x40000000, sc_arch_name(r->sc_fatal->arch, r->sc_fatal->nr),
			r->sc_fatal->action == SECCOMP_RET_TRAP ? "trapped" : "killed");
}

static void print_json(FILE *f, const struct report *r)
{
	const struct cg_stats *st = r->st;
	const struct launch_result *res = r->res;
	/* Names are validated to [A-Za-z0-9_.-]: no escaping needed. */
	fprintf(f, "{\"name\":\"%s\",\"cgroup\":\"%s\",\"exit_status\":%d", r->name, r->cgroup_mode,
		r->exit_status);
	if (WIFSIGNALED(res->wait_status))
		fprintf(f, ",\"signal\":%d", WTERMSIG(res->wait_status));
	else
		fprintf(f, ",\"signal\":null");
	if (r->end)
		fprintf(f, ",\"end\":\"%s\"", r->end);
	else
		fputs(",\"end\":null", f);
	fprintf(f, ",\"placement\":\"%s\",\"kill_method\":\"%s\"",
		res->placed_by_clone3 ? "clone3" : "cgroup.procs", r->kill_method);
	fprintf(f, ",\"timed_out\":%s,\"interrupted\":%s", res->timed_out ? "true" : "false",
		res->interrupted ? "true" : "false");
	fprintf(f, ",\"wall_seconds\":%.6f", (double)res->wall_ns / 1e9);
	figures_json(f, st, r->cpu_quota_us, r->mem_limit, r->pids_limit, r->io);
	seccomp_json(f, r);
	fputs("}\n", f);
}

/* How the device of an --io-* option was chosen ("/var/lib/db is on sda1, a partition of sda"). */
static const char *chosen_by(const struct io_opts *io, const struct io_row *r)
{
	for (int i = 0; io && i < io->ndev; i++)
		if (io->dev[i].major == r->major && io->dev[i].minor == r->minor)
			return io->dev[i].via;
	return NULL;
}

static void io_json(FILE *f, const struct cg_stats *st, const struct io_opts *io)
{
	bool have = st->have & HAVE_IO;
	json_u64(f, "io_read_bytes", have, st->io_rbytes);
	json_u64(f, "io_write_bytes", have, st->io_wbytes);
	json_u64(f, "io_read_ops", have, st->io_rios);
	json_u64(f, "io_write_ops", have, st->io_wios);
	json_sec(f, "io_wait_seconds", st->have & HAVE_IO_WAIT, st->io_wait_us);
	struct io_row rows[2 * CG_IO_DEVS];
	int n = io_rows(st, rows, 2 * CG_IO_DEVS);
	fputs(",\"io_devices\":[", f);
	for (int i = 0; i < n; i++) {
		const struct io_row *r = &rows[i];
		fprintf(f, "%s{\"device\":\"%s\",\"major\":%u,\"minor\":%u", i ? "," : "", r->name, r->major, r->minor);
		fprintf(f, ",\"read_bytes\":%" PRIu64 ",\"write_bytes\":%" PRIu64 ",\"read_ops\":%" PRIu64
			   ",\"write_ops\":%" PRIu64, r->c ? r->c->rbytes : 0, r->c ? r->c->wbytes : 0, r->c ? r->c->rios : 0,
			r->c ? r->c->wios : 0);
		for (int k = 0; k < IO_KEYS; k++)
			json_u64(f, io_limit_field((enum io_key)k), r->l && r->l->v[k] != UNITS_MAX, r->l ? r->l->v[k] : 0);
		const char *via = chosen_by(io, r);
		if (via) {
			fputs(",\"chosen_by\":", f);
			json_text(f, via);
		}
		fputc('}', f);
	}
	fputc(']', f);
}

static void figures_json(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit, const struct io_opts *io)
{
	bool cpu = st->have & HAVE_CPU, thr = st->have & HAVE_THROTTLE;
	json_sec(f, "cpu_user_seconds", cpu, st->cpu_user_us);
	json_sec(f, "cpu_system_seconds", cpu, st->cpu_system_us);
	json_sec(f, "cpu_usage_seconds", cpu, st->cpu_usage_us);
	if (limited(cpu_quota_us))
		fprintf(f, ",\"cpu_limit_percent\":%g", (double)cpu_quota_us * 100 / CPU_PERIOD_US);
	else
		fprintf(f, ",\"cpu_limit_percent\":null");
	json_u64(f, "cpu_periods", thr, st->nr_periods);
	json_u64(f, "cpu_throttled_periods", thr, st->nr_throttled);
	json_sec(f, "cpu_throttled_seconds", thr, st->throttled_us);
	json_u64(f, "memory_peak_bytes", st->have & HAVE_MEM_PEAK, st->mem_peak);
	json_u64(f, "memory_limit_bytes", limited(mem_limit), mem_limit);
	json_u64(f, "oom_kills", st->have & HAVE_OOM, st->oom_kills);
	json_u64(f, "pids_peak", st->have & HAVE_PIDS_PEAK, st->pids_peak);
	json_u64(f, "pids_limit", limited(pids_limit), pids_limit);
	json_u64(f, "pids_refused", st->have & HAVE_PIDS_EVENTS, st->pids_refused);
	io_json(f, st, io);
}

static float series_max(const float *v, int n)
{
	float top = 0;
	for (int i = 0; i < n; i++)
		top = v[i] > top ? v[i] : top;
	return top;
}

/* Memory, CPU and tasks over the run, one line each, scaled to the limit where there is one
 * (a line that touches the top touched the limit). */
static void sparks_text(FILE *f, const struct report *r)
{
	if (!r->spark)
		return;
	float v[SPARK_N], hi;
	char line[SPARK_N * 3 + 1], a[32], b[32];
	bool utf8 = locale_utf8();
	int n = spark_series(r->spark, 0, v);
	if (n < 2)
		return; /* too short a run to draw */
	float top = series_max(v, n);
	bool mlim = r->mem_limit != UNITS_MAX && r->mem_limit != OPT_UNSET;
	hi = mlim ? (float)r->mem_limit : 0;
	sparkline(line, sizeof line, v, n, hi, utf8);
	units_format_size((uint64_t)top, a, sizeof a);
	if (mlim)
		units_format_size(r->mem_limit, b, sizeof b);
	fprintf(f, "  memory          %s  max %s%s%s\n", line, a, mlim ? " of " : "", mlim ? b : "");
	n = spark_series(r->spark, 1, v);
	top = series_max(v, n);
	bool clim = r->cpu_quota_us != UNITS_MAX && r->cpu_quota_us != OPT_UNSET;
	sparkline(line, sizeof line, v, n, clim ? (float)r->cpu_quota_us * 100 / CPU_PERIOD_US : 0, utf8);
	fprintf(f, "  cpu             %s  max %.0f%% of one CPU", line, top);
	if (clim)
		fprintf(f, " (quota %g%%)", (double)r->cpu_quota_us * 100 / CPU_PERIOD_US);
	fputc('\n', f);
	n = spark_series(r->spark, 2, v);
	top = series_max(v, n);
	bool plim = r->pids_limit != UNITS_MAX && r->pids_limit != OPT_UNSET;
	sparkline(line, sizeof line, v, n, plim ? (float)r->pids_limit : 0, utf8);
	fprintf(f, "  tasks           %s  max %.0f", line, top);
	if (plim)
		fprintf(f, " of %" PRIu64, r->pids_limit);
	double cell = r->spark->seconds / (n > 0 ? n : 1);
	if (cell < 1)
		fprintf(f, "\n  (over %.1f s, %.0f ms per cell)\n", r->spark->seconds, cell * 1000);
	else
		fprintf(f, "\n  (over %.1f s, %.1f s per cell)\n", r->spark->seconds, cell);
}

static void print_text(FILE *f, const struct report *r)
{
	const struct cg_stats *st = r->st;
	bool killed = strcmp(r->kill_method, "none") != 0;
	fprintf(f, "climit: %s: report (cgroup %s; placed by %s, %s%s)\n", r->name, r->cgroup_mode,
		r->res->placed_by_clone3 ? "clone3" : "cgroup.procs",
		killed ? "emptied by " : "nothing left to kill", killed ? r->kill_method : "");
	fprintf(f, "  wall time       %.3f s\n", (double)r->res->wall_ns / 1e9);
	fprintf(f, "  exit status     %d%s\n", r->exit_status,
		r->res->timed_out ? " (timed out)" : r->res->interrupted ? " (interrupted)" : "");
	figures_text(f, st, r->cpu_quota_us, r->mem_limit, r->pids_limit, r->io);
	seccomp_text(f, r);
	sparks_text(f, r);
}

static void io_text(FILE *f, const struct cg_stats *st, const struct io_opts *io)
{
	char a[32], b[32];
	if (!(st->have & HAVE_IO))
		return;
	units_format_size(st->io_rbytes, a, sizeof a);
	units_format_size(st->io_wbytes, b, sizeof b);
	fprintf(f, "  io read/written %s / %s (%" PRIu64 " / %" PRIu64 " ops)\n", a, b, st->io_rios, st->io_wios);
	if (st->have & HAVE_IO_WAIT)
		fprintf(f, "  io throttled    %.3f s\n", (double)st->io_wait_us / 1e6);
	struct io_row rows[2 * CG_IO_DEVS];
	int n = io_rows(st, rows, 2 * CG_IO_DEVS);
	for (int i = 0; i < n; i++) {
		const struct io_row *r = &rows[i];
		units_format_size(r->c ? r->c->rbytes : 0, a, sizeof a);
		units_format_size(r->c ? r->c->wbytes : 0, b, sizeof b);
		char lim[128];
		io_limit_text(r->l, lim, sizeof lim);
		fprintf(f, "  io %-12s read %s, written %s%s%s", r->name, a, b, lim[0] ? "; limit " : "", lim);
		const char *via = chosen_by(io, r);
		if (via)
			fprintf(f, " (%s)", via);
		fputc('\n', f);
	}
}

static void figures_text(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit, const struct io_opts *io)
{
	char a[32], b[32];
	if (st->have & HAVE_CPU)
		fprintf(f, "  cpu user/sys    %.3f s / %.3f s\n", (double)st->cpu_user_us / 1e6,
			(double)st->cpu_system_us / 1e6);
	if (limited(cpu_quota_us))
		fprintf(f, "  cpu quota       %g%% of one CPU\n", (double)cpu_quota_us * 100 / CPU_PERIOD_US);
	if (st->have & HAVE_THROTTLE)
		fprintf(f, "  cpu throttled   %" PRIu64 " of %" PRIu64 " periods, %.3f s\n", st->nr_throttled,
			st->nr_periods, (double)st->throttled_us / 1e6);
	if (st->have & HAVE_MEM_PEAK) {
		units_format_size(st->mem_peak, a, sizeof a);
		if (limited(mem_limit)) {
			units_format_size(mem_limit, b, sizeof b);
			fprintf(f, "  memory peak     %s of %s limit\n", a, b);
		} else {
			fprintf(f, "  memory peak     %s (no limit)\n", a);
		}
	}
	if (st->have & HAVE_OOM)
		fprintf(f, "  oom kills       %" PRIu64 "\n", st->oom_kills);
	if (st->have & HAVE_PIDS_PEAK) {
		if (limited(pids_limit))
			fprintf(f, "  pids peak       %" PRIu64 " of %" PRIu64 " limit\n", st->pids_peak, pids_limit);
		else
			fprintf(f, "  pids peak       %" PRIu64 " (no limit)\n", st->pids_peak);
	}
	if (st->have & HAVE_PIDS_EVENTS)
		fprintf(f, "  forks refused   %" PRIu64 "\n", st->pids_refused);
	io_text(f, st, io);
}

void report_print_figures(FILE *f, enum report_format fmt, const char *name, const char *what,
			  const struct cg_stats *st)
{
	uint64_t quota = st->cpu_limit_pct > 0 ? (uint64_t)(st->cpu_limit_pct * CPU_PERIOD_US / 100 + 0.5) : UNITS_MAX;
	if (fmt == REPORT_JSON) {
		fprintf(f, "{\"name\":\"%s\",\"state\":\"%s\"", name, what);
		figures_json(f, st, quota, st->mem_max, st->pids_max, NULL);
		fputs("}\n", f);
	} else {
		fprintf(f, "climit: %s: %s\n", name, what);
		figures_text(f, st, quota, st->mem_max, st->pids_max, NULL);
	}
	fflush(f);
}

void report_print(FILE *f, enum report_format fmt, const struct report *r)
{
	if (fmt == REPORT_JSON)
		print_json(f, r);
	else if (fmt == REPORT_TEXT)
		print_text(f, r);
	fflush(f);
}
