/* cgroup v2 file names and quirks: one unified directory, controllers enabled through the
 * parents' cgroup.subtree_control, cgroup.kill for teardown (5.14+), freezer fallback. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "io.h"
#include "units.h"

static int v2_enable_children(int dir_fd, const char *path, unsigned ctrls, struct err *e)
{
	static const enum cg_ctrl real[] = { CTRL_MEMORY, CTRL_PIDS, CTRL_CPU, CTRL_CPUSET, CTRL_IO };
	char have[256];
	if (read_small_file_at(dir_fd, "cgroup.subtree_control", have, sizeof have, NULL) < 0)
		have[0] = '\0';
	unsigned enabled = cg_parse_controllers(have);
	for (size_t i = 0; i < sizeof real / sizeof real[0]; i++) {
		const char *name = cg_ctrl_name(real[i]);
		if (!(ctrls & CTRL_BIT(real[i])) || (enabled & CTRL_BIT(real[i])))
			continue;
		char op[32];
		snprintf(op, sizeof op, "+%s", name);
		if (write_file_at(dir_fd, "cgroup.subtree_control", op, e) < 0)
			return err_sys(e, e->errnum, "cannot enable the %s controller in %s/cgroup.subtree_control",
				       name, path);
	}
	return 0;
}

static int v2_init_dir(int parent_fd, int dir_fd, unsigned ctrls, struct err *e)
{
	(void)parent_fd, (void)dir_fd, (void)ctrls, (void)e;
	return 0;
}

static int write_limit(struct cgroup *cg, enum cg_ctrl ctrl, const char *file, const char *value,
		       struct err *e)
{
	int fd = cg_fd(cg, ctrl);
	if (fd < 0)
		return err_code(e, ENOENT, "the %s controller is not available", cg_ctrl_name(ctrl));
	if (write_file_at(fd, file, value, e) < 0)
		return err_sys(e, e->errnum, "cannot write \"%s\" to %s/%s", value, cg->dirs[0].path, file);
	return 0;
}

static void u64_or_max(uint64_t v, char *buf, size_t size)
{
	if (v == UNITS_MAX)
		snprintf(buf, size, "max");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

static int v2_set_limit(struct cgroup *cg, enum cg_limit limit, uint64_t value, struct err *e)
{
	char buf[64];
	u64_or_max(value, buf, sizeof buf);
	switch (limit) {
	case LIMIT_MEMORY_MAX:
		return write_limit(cg, CTRL_MEMORY, "memory.max", buf, e);
	case LIMIT_MEMORY_HIGH:
		return write_limit(cg, CTRL_MEMORY, "memory.high", buf, e);
	case LIMIT_SWAP_MAX:
		return write_limit(cg, CTRL_MEMORY, "memory.swap.max", buf, e);
	case LIMIT_PIDS_MAX:
		return write_limit(cg, CTRL_PIDS, "pids.max", buf, e);
	case LIMIT_CPU_MAX:
		snprintf(buf + strlen(buf), sizeof buf - strlen(buf), " %u", CPU_PERIOD_US);
		return write_limit(cg, CTRL_CPU, "cpu.max", buf, e);
	case LIMIT_CPU_WEIGHT:
		return write_limit(cg, CTRL_CPU, "cpu.weight", buf, e);
	}
	return err_code(e, EINVAL, "unknown limit");
}

static int v2_get_limit(struct cgroup *cg, enum cg_limit limit, uint64_t *value, struct err *e)
{
	static const struct { enum cg_ctrl ctrl; const char *file; } where[] = {
		[LIMIT_MEMORY_MAX] = { CTRL_MEMORY, "memory.max" },
		[LIMIT_MEMORY_HIGH] = { CTRL_MEMORY, "memory.high" },
		[LIMIT_SWAP_MAX] = { CTRL_MEMORY, "memory.swap.max" },
		[LIMIT_PIDS_MAX] = { CTRL_PIDS, "pids.max" },
		[LIMIT_CPU_MAX] = { CTRL_CPU, "cpu.max" },
		[LIMIT_CPU_WEIGHT] = { CTRL_CPU, "cpu.weight" },
	};
	int fd = cg_fd(cg, where[limit].ctrl);
	if (fd < 0)
		return err_code(e, ENOENT, "the %s controller is not available", cg_ctrl_name(where[limit].ctrl));
	if (limit != LIMIT_CPU_MAX)
		return cg_read_u64(fd, where[limit].file, value, e);
	char buf[64];
	unsigned long long quota, period;
	if (read_small_file_at(fd, "cpu.max", buf, sizeof buf, e) < 0)
		return -1;
	if (strncmp(buf, "max", 3) == 0) {
		*value = UNITS_MAX;
		return 0;
	}
	if (sscanf(buf, "%llu %llu", &quota, &period) != 2 || period == 0)
		return err_code(e, EINVAL, "cpu.max: \"%.30s\" is not \"QUOTA PERIOD\"", buf);
	*value = quota * CPU_PERIOD_US / period;
	return 0;
}

static int v2_set_cpus(struct cgroup *cg, const char *list, struct err *e)
{
	return write_limit(cg, CTRL_CPUSET, "cpuset.cpus", list, e);
}

/* Wait for "populated 0" in cgroup.events; the kernel wakes pollers with POLLPRI on change. */
static int v2_wait_unpopulated(int dir_fd, const char *path, uint64_t timeout_ns, struct err *e)
{
	int fd = openat(dir_fd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "%s/cgroup.events", path);
	uint64_t deadline = now_ns() + timeout_ns;
	int rc;
	for (;;) {
		char buf[128];
		ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
		if (n < 0) {
			/* ENODEV: the group itself is gone, removed by whoever manages its parent (systemd
			 * removes an emptied scope with everything below it). */
			rc = errno == ENODEV ? 0 : err_sys(e, errno, "%s/cgroup.events", path);
			break;
		}
		buf[n] = '\0';
		uint64_t populated = 1;
		keyed_get(buf, "populated", &populated);
		if (populated == 0) {
			rc = 0;
			break;
		}
		uint64_t now = now_ns();
		if (now >= deadline) {
			rc = err_code(e, ETIMEDOUT, "%s: processes are still alive after being killed", path);
			break;
		}
		struct pollfd pfd = { .fd = fd, .events = POLLPRI };
		int ms = (int)((deadline - now) / 1000000) + 1;
		poll(&pfd, 1, ms > 100 ? 100 : ms);
	}
	close(fd);
	return rc;
}

static int v2_kill_all(struct cgroup *cg, struct err *e)
{
	int fd = cg->dirs[0].fd;
	int rc = write_file_at(fd, "cgroup.kill", "1", e);
	cg->kill_method = "cgroup.kill";
	if (rc < 0 && e->errnum == ENOENT) {
		cg->kill_method = "freezer";
		/* Before 5.14: freeze, so nothing forks between reading cgroup.procs and killing,
		 * SIGKILL everyone, thaw so the kills are delivered; repeat until empty. */
		for (int round = 0; round < 100 && !cg_is_empty(cg); round++) {
			write_file_at(fd, "cgroup.freeze", "1", NULL); /* a failure: kill anyway */
			int pids[4096];
			int n = cg_tree_pids(fd, pids, 4096, NULL);
			for (int i = 0; i < n && i < 4096; i++)
				kill(pids[i], SIGKILL);
			write_file_at(fd, "cgroup.freeze", "0", NULL); /* checked by the wait */
		}
	} else if (rc < 0) {
		return err_sys(e, e->errnum, "cannot write %s/cgroup.kill", cg->dirs[0].path);
	}
	return v2_wait_unpopulated(fd, cg->dirs[0].path, 10ull * 1000000000u, e);
}

/* "some avg10=1.23 avg60=..." -> 1.23 */
static bool psi_some_avg10(const char *text, double *out)
{
	const char *p = strstr(text, "some avg10=");
	if (!p)
		return false;
	*out = strtod(p + 11, NULL);
	return true;
}

static void v2_read_stats(struct cgroup *cg, struct cg_stats *st, unsigned what)
{
	char buf[1024];
	uint64_t v;
	if ((what & STATS_COUNTERS) && cg_pread(cg, F_CPU_STAT, CTRL_CPU, "cpu.stat", buf, sizeof buf, NULL) > 0) {
		if (keyed_get(buf, "usage_usec", &st->cpu_usage_us) == 0 &&
		    keyed_get(buf, "user_usec", &st->cpu_user_us) == 0 &&
		    keyed_get(buf, "system_usec", &st->cpu_system_us) == 0)
			st->have |= HAVE_CPU;
		/* nr_periods and friends appear only once the cpu controller is enabled. */
		if (keyed_get(buf, "nr_periods", &st->nr_periods) == 0 &&
		    keyed_get(buf, "nr_throttled", &st->nr_throttled) == 0 &&
		    keyed_get(buf, "throttled_usec", &st->throttled_us) == 0)
			st->have |= HAVE_THROTTLE;
	}
	if ((what & STATS_COUNTERS) && cg_pread_u64(cg, F_MEM_CUR, CTRL_MEMORY, "memory.current", &st->mem_current, NULL) == 0)
		st->have |= HAVE_MEM;
	if ((what & STATS_COUNTERS) &&
	    cg_pread_u64(cg, F_SWAP_CUR, CTRL_MEMORY, "memory.swap.current", &st->swap_current, NULL) == 0)
		st->have |= HAVE_SWAP;
	/* Limits stay UNITS_MAX where they are not read or not set. */
	if (what & STATS_LIMITS)
		cg_pread_u64(cg, F_MEM_MAX, CTRL_MEMORY, "memory.max", &st->mem_max, NULL);
	if ((what & STATS_PEAK) &&
	    cg_pread_u64(cg, F_MEM_PEAK, CTRL_MEMORY, "memory.peak", &st->mem_peak, NULL) == 0) /* 5.19+ */
		st->have |= HAVE_MEM_PEAK;
	if ((what & STATS_EVENTS) &&
	    cg_pread(cg, F_MEM_EVENTS, CTRL_MEMORY, "memory.events", buf, sizeof buf, NULL) > 0 &&
	    keyed_get(buf, "oom_kill", &v) == 0) {
		st->oom_kills = v;
		st->have |= HAVE_OOM;
	}
	if ((what & STATS_COUNTERS) && cg_pread_u64(cg, F_PIDS_CUR, CTRL_PIDS, "pids.current", &st->pids_current, NULL) == 0)
		st->have |= HAVE_PIDS;
	if (what & STATS_LIMITS)
		cg_pread_u64(cg, F_PIDS_MAX, CTRL_PIDS, "pids.max", &st->pids_max, NULL);
	if ((what & STATS_PEAK) &&
	    cg_pread_u64(cg, F_PIDS_PEAK, CTRL_PIDS, "pids.peak", &st->pids_peak, NULL) == 0) /* 6.11+ */
		st->have |= HAVE_PIDS_PEAK;
	if ((what & STATS_EVENTS) && cg_pread(cg, F_PIDS_EVENTS, CTRL_PIDS, "pids.events", buf, sizeof buf, NULL) > 0 &&
	    keyed_get(buf, "max", &st->pids_refused) == 0)
		st->have |= HAVE_PIDS_EVENTS;
	double c, m;
	if ((what & STATS_COUNTERS) && cg_pread(cg, F_PSI_CPU, CTRL_CPU, "cpu.pressure", buf, sizeof buf, NULL) > 0 &&
	    psi_some_avg10(buf, &c) &&
	    cg_pread(cg, F_PSI_MEM, CTRL_MEMORY, "memory.pressure", buf, sizeof buf, NULL) > 0 && psi_some_avg10(buf, &m)) {
		st->psi_cpu_avg10 = c;
		st->psi_mem_avg10 = m;
		st->have |= HAVE_PSI;
	}
	char io[4096]; /* a line per device the group touched, longer with io.cost */
	if ((what & STATS_COUNTERS) && cg_pread(cg, F_IO_STAT, CTRL_IO, "io.stat", io, sizeof io, NULL) >= 0)
		io_parse_v2_stat(io, st);
	double pio;
	if ((what & STATS_COUNTERS) && cg_pread(cg, F_PSI_IO, CTRL_CPU, "io.pressure", buf, sizeof buf, NULL) > 0 &&
	    psi_some_avg10(buf, &pio)) {
		st->psi_io_avg10 = pio;
		st->have |= HAVE_PSI_IO;
	}
	if (!(what & STATS_LIMITS))
		return;
	/* Read now and then: opened each time (one fd less per group). */
	if (cg_fd(cg, CTRL_IO) >= 0 && read_small_file_at(cg_fd(cg, CTRL_IO), "io.max", buf, sizeof buf, NULL) >= 0)
		io_parse_v2_max(buf, st);
	unsigned long long quota, period;
	if (cg_pread(cg, F_CPU_MAX, CTRL_CPU, "cpu.max", buf, sizeof buf, NULL) > 0 &&
	    sscanf(buf, "%llu %llu", &quota, &period) == 2 && period > 0)
		st->cpu_limit_pct = 100.0 * (double)quota / (double)period;
	if (cg_pread(cg, F_FREEZE, CTRL_FREEZER, "cgroup.freeze", buf, sizeof buf, NULL) > 0) {
		st->frozen = buf[0] == '1';
		st->have |= HAVE_FROZEN;
	}
}

static int v2_freeze(struct cgroup *cg, bool frozen, struct err *e)
{
	if (write_file_at(cg->dirs[0].fd, "cgroup.freeze", frozen ? "1" : "0", e) < 0)
		return err_sys(e, e->errnum, "cannot write %s/cgroup.freeze", cg->dirs[0].path);
	return 0;
}

const struct cg_ops cg_v2_ops = {
	.version = "v2",
	.enable_children = v2_enable_children,
	.init_dir = v2_init_dir,
	.set_limit = v2_set_limit,
	.get_limit = v2_get_limit,
	.set_cpus = v2_set_cpus,
	.kill_all = v2_kill_all,
	.read_stats = v2_read_stats,
	.freeze = v2_freeze,
	.oom_file = "memory.events",
	.pids_events_file = "pids.events",
	.limit_files = { { CTRL_MEMORY, "memory.max" }, { CTRL_PIDS, "pids.max" }, { CTRL_CPU, "cpu.max" },
			 { CTRL_FREEZER, "cgroup.freeze" } },
};
