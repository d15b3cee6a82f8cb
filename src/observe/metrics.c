/* The per-container metrics (see metrics.h). */
#include "metrics.h"

#include "units.h"

const struct metric_def metric_defs[M_COUNT] = {
	{ "climit_cpu_usage_seconds_total", "counter", "CPU time used by the container's processes." },
	{ "climit_cpu_throttled_seconds_total", "counter", "Time the container spent throttled by its CPU quota." },
	{ "climit_cpu_throttled_periods_total", "counter", "CFS periods in which the container was throttled." },
	{ "climit_cpu_limit_cpus", "gauge", "CPU quota in CPUs (absent: no quota)." },
	{ "climit_memory_bytes", "gauge", "Memory charged to the container." },
	{ "climit_memory_limit_bytes", "gauge", "Hard memory limit (absent: no limit)." },
	{ "climit_memory_peak_bytes", "gauge", "Highest memory use seen by the kernel." },
	{ "climit_oom_kills_total", "counter", "Processes killed by the OOM killer in the container." },
	{ "climit_pids", "gauge", "Tasks (processes and threads) in the container." },
	{ "climit_pids_limit", "gauge", "Task limit (absent: no limit)." },
	{ "climit_pids_refused_total", "counter", "Forks refused because the task limit was reached." },
};

bool metric_value(const struct cg_stats *st, int m, double *v)
{
	switch (m) {
	case M_CPU: *v = (double)st->cpu_usage_us / 1e6; return st->have & HAVE_CPU;
	case M_THR_S: *v = (double)st->throttled_us / 1e6; return st->have & HAVE_THROTTLE;
	case M_THR_P: *v = (double)st->nr_throttled; return st->have & HAVE_THROTTLE;
	case M_CPU_LIM: *v = st->cpu_limit_pct / 100.0; return st->cpu_limit_pct > 0;
	case M_MEM: *v = (double)st->mem_current; return st->have & HAVE_MEM;
	case M_MEM_MAX: *v = (double)st->mem_max; return (st->have & HAVE_MEM) && st->mem_max != UNITS_MAX;
	case M_MEM_PEAK: *v = (double)st->mem_peak; return st->have & HAVE_MEM_PEAK;
	case M_OOM: *v = (double)st->oom_kills; return st->have & HAVE_OOM;
	case M_PIDS: *v = (double)st->pids_current; return st->have & HAVE_PIDS;
	case M_PIDS_MAX: *v = (double)st->pids_max; return (st->have & HAVE_PIDS) && st->pids_max != UNITS_MAX;
	case M_HITS: *v = (double)st->pids_refused; return st->have & HAVE_PIDS_EVENTS;
	}
	return false;
}

void metric_label_value(FILE *f, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}
