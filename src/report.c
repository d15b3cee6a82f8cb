/* End-of-run resource summary (--report): text for people, one JSON object for scripts.
 * JSON field names are stable and documented in climit(1); absent figures are null. */
#define _GNU_SOURCE
#include "report.h"

#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "units.h"

static bool limited(uint64_t v)
{
	return v != OPT_UNSET && v != UNITS_MAX;
}

static void figures_json(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit);
static void figures_text(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit);

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
	fprintf(f, ",\"placement\":\"%s\",\"kill_method\":\"%s\"",
		res->placed_by_clone3 ? "clone3" : "cgroup.procs", r->kill_method);
	fprintf(f, ",\"timed_out\":%s,\"interrupted\":%s", res->timed_out ? "true" : "false",
		res->interrupted ? "true" : "false");
	fprintf(f, ",\"wall_sec\":%.6f", (double)res->wall_ns / 1e9);
	figures_json(f, st, r->cpu_quota_us, r->mem_limit, r->pids_limit);
	fputs("}\n", f);
}

static void figures_json(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit)
{
	bool cpu = st->have & HAVE_CPU, thr = st->have & HAVE_THROTTLE;
	json_sec(f, "cpu_user_sec", cpu, st->cpu_user_us);
	json_sec(f, "cpu_system_sec", cpu, st->cpu_system_us);
	json_sec(f, "cpu_usage_sec", cpu, st->cpu_usage_us);
	if (limited(cpu_quota_us))
		fprintf(f, ",\"cpu_quota_percent\":%g", (double)cpu_quota_us * 100 / CPU_PERIOD_US);
	else
		fprintf(f, ",\"cpu_quota_percent\":null");
	json_u64(f, "cpu_periods", thr, st->nr_periods);
	json_u64(f, "cpu_throttled_periods", thr, st->nr_throttled);
	json_sec(f, "cpu_throttled_sec", thr, st->throttled_us);
	json_u64(f, "memory_peak_bytes", st->have & HAVE_MEM_PEAK, st->mem_peak);
	json_u64(f, "memory_limit_bytes", limited(mem_limit), mem_limit);
	json_u64(f, "oom_kills", st->have & HAVE_OOM, st->oom_kills);
	json_u64(f, "pids_peak", st->have & HAVE_PIDS_PEAK, st->pids_peak);
	json_u64(f, "pids_limit", limited(pids_limit), pids_limit);
	json_u64(f, "pids_refused", st->have & HAVE_PIDS_EVENTS, st->pids_refused);
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
	figures_text(f, st, r->cpu_quota_us, r->mem_limit, r->pids_limit);
}

static void figures_text(FILE *f, const struct cg_stats *st, uint64_t cpu_quota_us, uint64_t mem_limit,
			 uint64_t pids_limit)
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
}

void report_print_figures(FILE *f, enum report_format fmt, const char *name, const char *what,
			  const struct cg_stats *st)
{
	uint64_t quota = st->cpu_limit_pct > 0 ? (uint64_t)(st->cpu_limit_pct * CPU_PERIOD_US / 100 + 0.5) : UNITS_MAX;
	if (fmt == REPORT_JSON) {
		fprintf(f, "{\"name\":\"%s\",\"state\":\"%s\"", name, what);
		figures_json(f, st, quota, st->mem_max, st->pids_max);
		fputs("}\n", f);
	} else {
		fprintf(f, "climit: %s: %s\n", name, what);
		figures_text(f, st, quota, st->mem_max, st->pids_max);
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
