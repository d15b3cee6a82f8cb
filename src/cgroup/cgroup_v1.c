/* cgroup v1 file names and quirks: one directory per hierarchy, swap through memsw, CFS quota in
 * two files, cpu.shares instead of cpu.weight, no cgroup.kill (the freezer stops forks while we
 * kill), and cpuset directories that start empty. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "io.h"
#include "units.h"

/* v1 reports "no limit" as PAGE_COUNTER_MAX * PAGE_SIZE (9223372036854771712). */
#define V1_UNLIMITED_FLOOR (1ull << 62)

static int v1_enable_children(int dir_fd, const char *path, unsigned ctrls, struct err *e)
{
	(void)dir_fd, (void)path, (void)ctrls, (void)e;
	return 0;
}

static int v1_init_dir(int parent_fd, int dir_fd, unsigned ctrls, struct err *e)
{
	if (!(ctrls & CTRL_BIT(CTRL_CPUSET)))
		return 0;
	/* cgroup.clone_children is 0 by default, so a new cpuset has no CPUs and no memory nodes:
	 * attaching a task to it fails with ENOSPC. Inherit the parent's. */
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	for (int i = 0; i < 2; i++) {
		char buf[1024];
		if (read_small_file_at(parent_fd, files[i], buf, sizeof buf, e) < 0)
			return err_sys(e, e->errnum, "cannot read the parent's %s", files[i]);
		if (write_file_at(dir_fd, files[i], buf, e) < 0)
			return err_sys(e, e->errnum, "cannot copy %s into a new cpuset group", files[i]);
	}
	return 0;
}

static int write_ctrl(struct cgroup *cg, enum cg_ctrl ctrl, const char *file, const char *value,
		      struct err *e)
{
	int fd = cg_fd(cg, ctrl);
	if (fd < 0)
		return err_code(e, ENOENT, "the %s controller is not available", cg_ctrl_name(ctrl));
	if (write_file_at(fd, file, value, e) < 0)
		return err_sys(e, e->errnum, "cannot write \"%s\" to %s", value, file);
	return 0;
}

static void v1_value(uint64_t v, char *buf, size_t size)
{
	if (v == UNITS_MAX)
		snprintf(buf, size, "-1");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static int v1_set_limit(struct cgroup *cg, enum cg_limit limit, uint64_t value, struct err *e)
{
	char buf[64];
	v1_value(value, buf, sizeof buf);
	switch (limit) {
	case LIMIT_MEMORY_MAX: {
		int rc = write_ctrl(cg, CTRL_MEMORY, "memory.limit_in_bytes", buf, e);
		if (rc == 0 || e->errnum != EINVAL)
			return rc;
		/* Raising the limit above memory.memsw.limit_in_bytes is EINVAL: memsw must never be
		 * below the memory limit, so raise memsw first (to the new limit: no swap). */
		rc = write_ctrl(cg, CTRL_MEMORY, "memory.memsw.limit_in_bytes", buf, e);
		return rc < 0 ? rc : write_ctrl(cg, CTRL_MEMORY, "memory.limit_in_bytes", buf, e);
	}
	case LIMIT_MEMORY_HIGH:
		return err_code(e, EOPNOTSUPP, "memory.high does not exist on cgroup v1");
	case LIMIT_SWAP_MAX: {
		/* memsw limits memory+swap together and must stay >= memory.limit_in_bytes. */
		uint64_t total = UNITS_MAX;
		if (value != UNITS_MAX && cg->mem_max != UNITS_MAX &&
		    __builtin_add_overflow(cg->mem_max, value, &total))
			total = UNITS_MAX;
		v1_value(total, buf, sizeof buf);
		return write_ctrl(cg, CTRL_MEMORY, "memory.memsw.limit_in_bytes", buf, e);
	}
	case LIMIT_PIDS_MAX:
		if (value == UNITS_MAX)
			snprintf(buf, sizeof buf, "max");
		return write_ctrl(cg, CTRL_PIDS, "pids.max", buf, e);
	case LIMIT_CPU_MAX: {
		char period[32];
		snprintf(period, sizeof period, "%u", CPU_PERIOD_US);
		int rc = write_ctrl(cg, CTRL_CPU, "cpu.cfs_period_us", period, e);
		return rc < 0 ? rc : write_ctrl(cg, CTRL_CPU, "cpu.cfs_quota_us", buf, e);
	}
	case LIMIT_CPU_WEIGHT:
		snprintf(buf, sizeof buf, "%" PRIu64, units_weight_to_shares(value));
		return write_ctrl(cg, CTRL_CPU, "cpu.shares", buf, e);
	}
	return err_code(e, EINVAL, "unknown limit");
}

/* v1 writes -1 for "no limit" and reads back a huge page-rounded number. */
#define V1_UNLIMITED (1ull << 62)

static int v1_read(struct cgroup *cg, enum cg_ctrl ctrl, const char *file, uint64_t *v, struct err *e)
{
	int fd = cg_fd(cg, ctrl);
	if (fd < 0)
		return err_code(e, ENOENT, "the %s controller is not available", cg_ctrl_name(ctrl));
	char buf[64];
	if (read_small_file_at(fd, file, buf, sizeof buf, e) < 0)
		return -1;
	if (strncmp(buf, "-1", 2) == 0 || strncmp(buf, "max", 3) == 0) {
		*v = UNITS_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long n = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return err_code(e, EINVAL, "%s: \"%.20s\" is not a number", file, buf);
	*v = n >= V1_UNLIMITED ? UNITS_MAX : n;
	return 0;
}

static int v1_get_limit(struct cgroup *cg, enum cg_limit limit, uint64_t *value, struct err *e)
{
	uint64_t a, b;
	switch (limit) {
	case LIMIT_MEMORY_MAX:
		if (v1_read(cg, CTRL_MEMORY, "memory.limit_in_bytes", value, e) < 0)
			return -1;
		cg->mem_max = *value; /* what v1_set_limit's swap arithmetic builds on */
		return 0;
	case LIMIT_MEMORY_HIGH:
		return err_code(e, EOPNOTSUPP, "memory.high does not exist on cgroup v1");
	case LIMIT_SWAP_MAX:
		if (v1_read(cg, CTRL_MEMORY, "memory.limit_in_bytes", &a, e) < 0 ||
		    v1_read(cg, CTRL_MEMORY, "memory.memsw.limit_in_bytes", &b, e) < 0)
			return -1;
		*value = a == UNITS_MAX || b == UNITS_MAX ? UNITS_MAX : b - a;
		return 0;
	case LIMIT_PIDS_MAX:
		return v1_read(cg, CTRL_PIDS, "pids.max", value, e);
	case LIMIT_CPU_MAX:
		if (v1_read(cg, CTRL_CPU, "cpu.cfs_quota_us", &a, e) < 0 ||
		    v1_read(cg, CTRL_CPU, "cpu.cfs_period_us", &b, e) < 0)
			return -1;
		*value = a == UNITS_MAX || b == 0 ? UNITS_MAX : a * CPU_PERIOD_US / b;
		return 0;
	case LIMIT_CPU_WEIGHT:
		if (v1_read(cg, CTRL_CPU, "cpu.shares", &a, e) < 0)
			return -1;
		*value = units_shares_to_weight(a);
		return 0;
	}
	return err_code(e, EINVAL, "unknown limit");
}

static int v1_set_cpus(struct cgroup *cg, const char *list, struct err *e)
{
	return write_ctrl(cg, CTRL_CPUSET, "cpuset.cpus", list, e);
}

static int kill_listed(const struct cgroup *cg)
{
	int killed = 0, pids[4096];
	for (int i = 0; i < cg->ndirs; i++) {
		int n = cg_tree_pids(cg->dirs[i].fd, pids, 4096, NULL);
		for (int j = 0; j < n && j < 4096; j++)
			if (kill(pids[j], SIGKILL) == 0)
				killed++;
	}
	return killed;
}

static int v1_kill_all(struct cgroup *cg, struct err *e)
{
	int ffd = cg_fd(cg, CTRL_FREEZER);
	cg->kill_method = ffd >= 0 ? "freezer" : "kill";
	bool empty = cg_is_empty(cg);
	for (int round = 0; round < 200 && !empty; round++) {
		if (ffd >= 0) {
			/* FROZEN stops forks between reading cgroup.procs and kill(); the SIGKILLs are
			 * delivered when we thaw. FREEZING can persist while a task sleeps in D state:
			 * wait a bounded time, then kill anyway. */
			write_file_at(ffd, "freezer.state", "FROZEN", NULL); /* a failure: kill anyway */
			for (int spin = 0; spin < 100; spin++) {
				char state[32];
				if (read_small_file_at(ffd, "freezer.state", state, sizeof state, NULL) < 0 ||
				    strncmp(state, "FROZEN", 6) == 0)
					break;
				sleep_ns(100000);
			}
		}
		kill_listed(cg);
		if (ffd >= 0)
			write_file_at(ffd, "freezer.state", "THAWED", NULL); /* checked by the wait */
		empty = cg_wait_empty(cg, 20000000, NULL) == 0;
	}
	if (!empty && cg_wait_empty(cg, 10ull * 1000000000u, e) < 0)
		return err_wrap(e, "%s", cg->dirs[0].path);
	return 0;
}

static void v1_read_stats(struct cgroup *cg, struct cg_stats *st, unsigned what)
{
	char buf[1024];
	uint64_t v, user, sys;
	if ((what & STATS_COUNTERS) && cg_pread_u64(cg, F_CPUACCT_USAGE, CTRL_CPUACCT, "cpuacct.usage", &v, NULL) == 0) {
		st->cpu_usage_us = v / 1000;
		/* usage_user/usage_sys (ns, 4.7+) are exact; cpuacct.stat is in USER_HZ ticks. */
		if ((what & STATS_SPLIT) && cg_pread_u64(cg, F_CPUACCT_USER, CTRL_CPUACCT, "cpuacct.usage_user", &user, NULL) == 0 &&
		    cg_pread_u64(cg, F_CPUACCT_SYS, CTRL_CPUACCT, "cpuacct.usage_sys", &sys, NULL) == 0) {
			st->cpu_user_us = user / 1000;
			st->cpu_system_us = sys / 1000;
		}
		st->have |= HAVE_CPU;
	}
	if ((what & STATS_COUNTERS) && cg_pread(cg, F_CPU_STAT, CTRL_CPU, "cpu.stat", buf, sizeof buf, NULL) > 0 &&
	    keyed_get(buf, "nr_periods", &st->nr_periods) == 0 &&
	    keyed_get(buf, "nr_throttled", &st->nr_throttled) == 0 &&
	    keyed_get(buf, "throttled_time", &v) == 0) {
		st->throttled_us = v / 1000;
		st->have |= HAVE_THROTTLE;
	}
	if ((what & STATS_COUNTERS) &&
	    cg_pread_u64(cg, F_MEM_CUR, CTRL_MEMORY, "memory.usage_in_bytes", &st->mem_current, NULL) == 0)
		st->have |= HAVE_MEM;
	/* v1 counts memory and swap together (only with swap accounting on). */
	uint64_t memsw;
	if ((what & STATS_COUNTERS) && (st->have & HAVE_MEM) &&
	    cg_pread_u64(cg, F_SWAP_CUR, CTRL_MEMORY, "memory.memsw.usage_in_bytes", &memsw, NULL) == 0) {
		st->swap_current = memsw > st->mem_current ? memsw - st->mem_current : 0;
		st->have |= HAVE_SWAP;
	}
	/* Limits stay UNITS_MAX where they are not read or not set. */
	if ((what & STATS_LIMITS) &&
	    cg_pread_u64(cg, F_MEM_MAX, CTRL_MEMORY, "memory.limit_in_bytes", &st->mem_max, NULL) == 0 &&
	    st->mem_max >= V1_UNLIMITED_FLOOR)
		st->mem_max = UNITS_MAX;
	if ((what & STATS_PEAK) &&
	    cg_pread_u64(cg, F_MEM_PEAK, CTRL_MEMORY, "memory.max_usage_in_bytes", &st->mem_peak, NULL) == 0)
		st->have |= HAVE_MEM_PEAK;
	/* "oom_kill" in memory.oom_control exists since 4.13. */
	if ((what & STATS_EVENTS) &&
	    cg_pread(cg, F_MEM_EVENTS, CTRL_MEMORY, "memory.oom_control", buf, sizeof buf, NULL) > 0 &&
	    keyed_get(buf, "oom_kill", &st->oom_kills) == 0)
		st->have |= HAVE_OOM;
	if ((what & STATS_COUNTERS) && cg_pread_u64(cg, F_PIDS_CUR, CTRL_PIDS, "pids.current", &st->pids_current, NULL) == 0)
		st->have |= HAVE_PIDS;
	if (what & STATS_LIMITS)
		cg_pread_u64(cg, F_PIDS_MAX, CTRL_PIDS, "pids.max", &st->pids_max, NULL);
	if ((what & STATS_PEAK) && cg_pread_u64(cg, F_PIDS_PEAK, CTRL_PIDS, "pids.peak", &st->pids_peak, NULL) == 0)
		st->have |= HAVE_PIDS_PEAK;
	if ((what & STATS_COUNTERS) && cg_pread(cg, F_PIDS_EVENTS, CTRL_PIDS, "pids.events", buf, sizeof buf, NULL) > 0 &&
	    keyed_get(buf, "max", &st->pids_refused) == 0)
		st->have |= HAVE_PIDS_EVENTS;
	if (what & STATS_COUNTERS) {
		/* Up to 6 lines per device a group touched; the blkio files are bigger than the rest.
		 * The byte counts make the READ/s and WRITE/s columns; the operation counts (details,
		 * JSON) come with the peaks, every 5th refresh (bench/results.md). */
		char io[4096];
		if (cg_pread(cg, F_IO_STAT, CTRL_IO, "blkio.throttle.io_service_bytes_recursive", io, sizeof io, NULL) >= 0)
			io_parse_v1_service(io, false, st);
		if ((what & STATS_PEAK) && cg_fd(cg, CTRL_IO) >= 0 &&
		    read_small_file_at(cg_fd(cg, CTRL_IO), "blkio.throttle.io_serviced_recursive", io, sizeof io, NULL) >= 0) {
			io_parse_v1_service(io, true, st);
			st->have |= HAVE_IO_OPS;
		}
	}
	if (!(what & STATS_LIMITS))
		return;
	/* Read now and then: opened each time, so that 1000 groups do not hold 4000 more fds. */
	for (int k = 0; k < IO_KEYS && cg_fd(cg, CTRL_IO) >= 0; k++)
		if (read_small_file_at(cg_fd(cg, CTRL_IO), io_v1_file((enum io_key)k), buf, sizeof buf, NULL) >= 0)
			io_parse_v1_limit(buf, (enum io_key)k, st);
	long long quota;
	uint64_t period;
	if (cg_pread(cg, F_CPU_MAX, CTRL_CPU, "cpu.cfs_quota_us", buf, sizeof buf, NULL) > 0 &&
	    sscanf(buf, "%lld", &quota) == 1 && quota > 0 &&
	    cg_pread_u64(cg, F_CPU_PERIOD, CTRL_CPU, "cpu.cfs_period_us", &period, NULL) == 0 && period > 0)
		st->cpu_limit_pct = 100.0 * (double)quota / (double)period;
	if (cg_pread(cg, F_FREEZE, CTRL_FREEZER, "freezer.state", buf, sizeof buf, NULL) > 0) {
		st->frozen = strncmp(buf, "FROZEN", 6) == 0 || strncmp(buf, "FREEZING", 8) == 0;
		st->have |= HAVE_FROZEN;
	}
}

static int v1_freeze(struct cgroup *cg, bool frozen, struct err *e)
{
	int fd = cg_fd(cg, CTRL_FREEZER);
	if (fd < 0)
		return err_set(e, "the freezer controller is not available");
	if (write_file_at(fd, "freezer.state", frozen ? "FROZEN" : "THAWED", e) < 0)
		return err_sys(e, e->errnum, "cannot write freezer.state");
	return 0;
}

const struct cg_ops cg_v1_ops = {
	.version = "v1",
	.enable_children = v1_enable_children,
	.init_dir = v1_init_dir,
	.set_limit = v1_set_limit,
	.get_limit = v1_get_limit,
	.set_cpus = v1_set_cpus,
	.kill_all = v1_kill_all,
	.read_stats = v1_read_stats,
	.freeze = v1_freeze,
	.oom_file = "memory.oom_control",
	.pids_events_file = "pids.events",
	.limit_files = { { CTRL_MEMORY, "memory.limit_in_bytes" }, { CTRL_PIDS, "pids.max" },
			 { CTRL_CPU, "cpu.cfs_quota_us" }, { CTRL_FREEZER, "freezer.state" } },
};
