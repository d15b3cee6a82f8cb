/* Acting on a running container (see control.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "control.h"
#include "place.h"
#include "registry.h"
#include "units.h"

int ctl_open(const struct cg_system *sys, const char *name, struct cgroup *cg, struct err *e)
{
	char parent[CG_PATH_MAX];
	if (registry_lookup(name, parent, sizeof parent, NULL, e) < 0)
		return -1;
	if (cg_open(cg, sys, parent, name, NULL) < 0)
		return err_code(e, ENOENT, "\"%s\": its group %s/%s is gone", name, parent, name);
	return 0;
}

const char *ctl_limit_name(enum cg_limit limit)
{
	static const char *const names[] = {
		[LIMIT_MEMORY_MAX] = "memory", [LIMIT_MEMORY_HIGH] = "memory-high", [LIMIT_SWAP_MAX] = "swap",
		[LIMIT_PIDS_MAX] = "pids", [LIMIT_CPU_MAX] = "cpu", [LIMIT_CPU_WEIGHT] = "cpu-weight",
	};
	return names[limit];
}

void ctl_format(enum cg_limit limit, uint64_t v, char *buf, size_t size)
{
	if (v == UNITS_MAX)
		snprintf(buf, size, "max");
	else if (limit == LIMIT_MEMORY_MAX || limit == LIMIT_MEMORY_HIGH || limit == LIMIT_SWAP_MAX)
		units_format_size(v, buf, size);
	else if (limit == LIMIT_CPU_MAX)
		snprintf(buf, size, "%g%%", (double)v * 100.0 / CPU_PERIOD_US);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

void ctl_add(struct ctl_set *s, enum cg_limit limit, uint64_t value, const char *opt, const char *arg)
{
	if (s->n < CTL_MAX_CHANGES)
		s->ch[s->n++] = (struct ctl_change){ .limit = limit, .value = value, .opt = opt, .arg = arg };
}

void ctl_add_cpus(struct ctl_set *s, const char *cpus, const char *opt)
{
	if (s->n < CTL_MAX_CHANGES)
		s->ch[s->n++] = (struct ctl_change){ .is_cpus = true, .cpus = cpus, .opt = opt, .arg = cpus };
}

static void note(struct ctl_set *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct ctl_set *s, const char *fmt, ...)
{
	if (s->nnotes >= CTL_MAX_NOTES)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->notes[s->nnotes++], sizeof s->notes[0], fmt, ap);
	va_end(ap);
}

static int write_change(struct cgroup *cg, struct ctl_change *c, bool restore, struct err *e)
{
	if (c->is_cpus)
		return cg_set_cpus(cg, restore ? c->old_cpus : c->cpus, e);
	return cg_set_limit(cg, c->limit, restore ? c->old : c->value, e);
}

static int read_change(struct cgroup *cg, struct ctl_change *c, bool now, struct err *e)
{
	if (c->is_cpus)
		return cg_get_cpus(cg, now ? c->now_cpus : c->old_cpus, sizeof c->old_cpus, e);
	return cg_get_limit(cg, c->limit, now ? &c->now : &c->old, e);
}

static int change_failed(struct ctl_change *c, struct err *e)
{
	return c->opt ? err_wrap(e, "%s: \"%s\"", c->opt, c->arg) : -1;
}

const struct io_opts *ctl_io(const struct ctl_set *s)
{
	return s->io && s->io->first ? s->io : NULL;
}

/* Device i of --io-* back to the limits it had (only the keys that were to change). */
static int restore_io(struct cgroup *cg, const struct ctl_set *s, int i, struct err *e)
{
	struct io_dev d = s->io->dev[i];
	for (int k = 0; k < IO_KEYS; k++)
		if (d.v[k] != IO_UNSET)
			d.v[k] = s->io_old[i].v[k];
	return io_apply_dev(cg, &d, e);
}

/* A write failed (e says which): write back the old values of the first nlim limits and the first
 * nio devices' I/O limits, and say in e how many of the changes asked for were undone (one the
 * caller implied, and the failing device's keys written before the refused one, are put back but
 * not counted: the user did not see them change). Always -1. */
static int undo(struct cgroup *cg, struct ctl_set *s, int nlim, int nio, int failing_io, int mem, int implied,
		struct err *e)
{
	int undone = 0, kept = 0;
	for (int i = nio - 1; i >= 0; i--) {
		struct err ignored;
		bool ok = restore_io(cg, s, i, &ignored) == 0;
		if (i != failing_io)
			ok ? undone++ : kept++;
	}
	for (int j = nlim - 1; j >= 0; j--) {
		struct err ignored;
		bool ok = write_change(cg, &s->ch[j], true, &ignored) == 0;
		if (s->ch[j].opt)
			ok ? undone++ : kept++;
	}
	/* v1: memsw was raised with the new memory limit; with the old one back, the old swap
	 * allowance goes on top of it again. */
	if (mem >= 0 && s->ch[mem].written && implied >= 0) {
		struct err ignored;
		write_change(cg, &s->ch[implied], true, &ignored);
	}
	size_t len = strlen(e->msg);
	if (undone || kept)
		snprintf(e->msg + len, sizeof e->msg - len, kept ? " (%d change%s could not be undone)"
								  : " (nothing changed: %d change%s undone)",
			 kept ? kept : undone, (kept ? kept : undone) == 1 ? "" : "s");
	else
		snprintf(e->msg + len, sizeof e->msg - len, " (nothing changed)");
	return -1;
}

int ctl_set(struct cgroup *cg, struct ctl_set *s, struct err *e)
{
	s->nnotes = 0;
	struct cg_stats before;
	cg_read_stats(cg, &before);
	/* 1. What is in force now, for every change: a limit this kernel or group lacks fails here,
	 * before anything is written. */
	int mem = -1, swap = -1, implied = -1;
	for (int i = 0; i < s->n; i++) {
		struct ctl_change *c = &s->ch[i];
		if (read_change(cg, c, false, e) < 0)
			return change_failed(c, e);
		if (!c->is_cpus && c->limit == LIMIT_MEMORY_MAX)
			mem = i;
		if (!c->is_cpus && c->limit == LIMIT_SWAP_MAX)
			swap = i;
	}
	const struct io_opts *io = ctl_io(s);
	/* A normal user's group under systemd has what user@.service delegates (io is not by
	 * default); its climit run could not have limited I/O either. */
	if (io && !io_in_group(cg)) {
		bool delegated = geteuid() != 0 && cg->sys->mode == CG_V2;
		return err_set(e, "%s: the io controller is not available in this group%s%s", io->first,
			       delegated ? "; " : "", delegated ? place_delegate_fix() : "");
	}
	for (int i = 0; io && i < io->ndev; i++)
		if (io_read_dev(cg, io->dev[i].major, io->dev[i].minor, &s->io_old[i], e) < 0)
			return -1;
	if (io && io->weight != IO_UNSET &&
	    (io_weight_check(cg->sys, io, &s->weight_plan, e) < 0 ||
	     io_read_weight(cg, io, &s->weight_plan, s->weight_old, sizeof s->weight_old, e) < 0))
		return -1;
	/* v1 keeps memory+swap in one file: a new memory limit alone would change the swap
	 * allowance with it. Keep the allowance as it is (written after the memory limit). */
	if (mem >= 0 && swap < 0 && cg->sys->mode != CG_V2) {
		struct err none;
		uint64_t old_swap;
		if (cg_get_limit(cg, LIMIT_SWAP_MAX, &old_swap, &none) == 0) {
			ctl_add(s, LIMIT_SWAP_MAX, old_swap, NULL, NULL);
			s->ch[s->n - 1].old = old_swap;
			implied = s->n - 1;
		}
	}
	/* 2. Checks against the group's state. */
	if (mem >= 0) {
		struct ctl_change *c = &s->ch[mem];
		if (c->value < before.mem_current && !s->force) {
			char use[32], over[32];
			units_format_size(before.mem_current, use, sizeof use);
			units_format_size(before.mem_current - c->value, over, sizeof over);
			return err_code(e, EBUSY, "%s: \"%s\": below what the group uses now (%s); the kernel "
					"would have to reclaim %s or OOM-kill (add --force to do it anyway)",
					c->opt, c->arg, use, over);
		}
	}
	/* 3. Write, in order; undo on the first failure. */
	for (int i = 0; i < s->n; i++) {
		struct ctl_change *c = &s->ch[i];
		if (write_change(cg, c, false, e) == 0) {
			c->written = true;
			continue;
		}
		if (!c->is_cpus && c->limit == LIMIT_MEMORY_MAX && e->errnum == EBUSY)
			err_wrap(e, "the kernel could not reclaim the group down to that (cgroup v1 refuses "
				    "instead of OOM-killing)");
		change_failed(c, e);
		return undo(cg, s, i, 0, -1, mem, implied, e);
	}
	/* A device's v1 limits are one file each: a failure may come after some were written, so the
	 * failing device is restored too. */
	for (int i = 0; io && i < io->ndev; i++)
		if (io_apply_dev(cg, &io->dev[i], e) < 0)
			return undo(cg, s, s->n, i + 1, i, mem, implied, e);
	if (io && io->weight != IO_UNSET && io_apply_weight(cg, io, e) < 0)
		return undo(cg, s, s->n, io->ndev, -1, mem, implied, e);
	/* 4. What is in force now, and what the kernel did about it. */
	for (int i = 0; i < s->n; i++)
		if (read_change(cg, &s->ch[i], true, e) < 0)
			return change_failed(&s->ch[i], e);
	for (int i = 0; io && i < io->ndev; i++)
		if (io_read_dev(cg, io->dev[i].major, io->dev[i].minor, &s->io_now[i], e) < 0)
			return -1;
	if (io && io->weight != IO_UNSET &&
	    io_read_weight(cg, io, &s->weight_plan, s->weight_now, sizeof s->weight_now, e) < 0)
		return -1;
	struct cg_stats after;
	cg_read_stats(cg, &after);
	if (mem >= 0 && s->ch[mem].value < before.mem_current) {
		char a[32], b[32];
		units_format_size(before.mem_current, a, sizeof a);
		units_format_size(after.mem_current, b, sizeof b);
		if (after.oom_kills > before.oom_kills)
			note(s, "memory: the kernel OOM-killed %" PRIu64 " process%s to get under the new limit "
				"(usage %s -> %s)", after.oom_kills - before.oom_kills,
			     after.oom_kills - before.oom_kills == 1 ? "" : "es", a, b);
		else
			note(s, "memory: the kernel reclaimed the group from %s to %s", a, b);
	}
	for (int i = 0; i < s->n; i++) {
		struct ctl_change *c = &s->ch[i];
		if (!c->is_cpus && c->limit == LIMIT_PIDS_MAX && c->value != UNITS_MAX &&
		    c->value < before.pids_current)
			note(s, "pids: the limit %" PRIu64 " is below the %" PRIu64 " tasks running: they keep "
				"running, and every fork fails until fewer than %" PRIu64 " are left",
			     c->value, before.pids_current, c->value);
	}
	return 0;
}

/* The freezer has settled: every task of the group is frozen (v2 cgroup.events "frozen 1", v1
 * freezer.state FROZEN; FREEZING can last while a task sleeps in D state). */
static bool frozen_now(struct cgroup *cg)
{
	char buf[256];
	if (cg->sys->mode == CG_V2)
		return read_small_file_at(cg->dirs[0].fd, "cgroup.events", buf, sizeof buf, NULL) > 0 &&
		       strstr(buf, "frozen 1") != NULL;
	int fd = cg_fd(cg, CTRL_FREEZER);
	return fd >= 0 && read_small_file_at(fd, "freezer.state", buf, sizeof buf, NULL) > 0 &&
	       strncmp(buf, "FROZEN", 6) == 0;
}

int ctl_kill(struct cgroup *cg, int sig, struct err *e)
{
	if (cg->ndirs == 0)
		return err_code(e, ENOENT, "the group is gone");
	if (sig == SIGKILL) {
		int pids[4096];
		int n = cg_tree_pids(cg->dirs[0].fd, pids, 4096, e);
		if (n < 0)
			return err_wrap(e, "%s", cg->dirs[0].path);
		return cg_kill_all(cg, e) < 0 ? -1 : n;
	}
	/* Other signals go to the PIDs cgroup.procs lists. Frozen, none of those processes can exit
	 * (and have its PID reused by a process outside) between the read and the kill, nor fork one
	 * the list misses; the signals are delivered at the thaw. A group frozen already stays so. */
	struct cg_stats st;
	cg_read_stats_some(cg, &st, STATS_LIMITS);
	bool was_frozen = (st.have & HAVE_FROZEN) && st.frozen, froze = false;
	if (!was_frozen && cg_freeze(cg, true, NULL) == 0) {
		froze = true;
		for (int spin = 0; spin < 1000 && !frozen_now(cg); spin++)
			sleep_ns(1000000);
	}
	int pids[4096];
	int n = cg_tree_pids(cg->dirs[0].fd, pids, 4096, e), sent = 0;
	for (int i = 0; i < n && i < 4096; i++)
		if (kill(pids[i], sig) == 0)
			sent++;
	struct err ignored;
	if (froze && cg_freeze(cg, false, &ignored) < 0)
		fprintf(stderr, "climit: warning: %s: cannot thaw the group again: %s\n", cg->name, ignored.msg);
	if (n < 0)
		return err_wrap(e, "%s", cg->dirs[0].path);
	return sent;
}

int ctl_freeze(struct cgroup *cg, bool frozen, struct err *e)
{
	return cg_freeze(cg, frozen, e);
}

int ctl_wait(struct cgroup *cg, uint64_t timeout_ns, struct cg_stats *st, struct err *e)
{
	uint64_t deadline = timeout_ns ? now_ns() + timeout_ns : 0;
	*st = (struct cg_stats){ .mem_max = UNITS_MAX, .pids_max = UNITS_MAX };
	for (;;) {
		/* The figures before the check: once empty, its climit removes the group with them. */
		struct cg_stats cur;
		cg_read_stats(cg, &cur);
		if (cur.have)
			*st = cur;
		if (cg_is_empty(cg))
			return 0;
		if (deadline && now_ns() > deadline)
			return err_code(e, ETIMEDOUT, "still running after the timeout");
		sleep_ns(50 * 1000000ull);
	}
}

/* ---- attach ----------------------------------------------------------------------------------- */

void ctl_comm(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	if (read_small_file(path, buf, size, NULL) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

#define PF_KTHREAD 0x00200000u

int ctl_check_pid(pid_t pid, struct err *e)
{
	char path[64], buf[1024];
	if (pid <= 0)
		return err_code(e, EINVAL, "not a process ID");
	if (pid == 1)
		return err_code(e, EPERM, "PID 1 (init) stays where it is");
	if (pid == getpid())
		return err_code(e, EPERM, "that is climit itself");
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (read_small_file(path, buf, sizeof buf, e) < 0)
		return e->errnum == ENOENT ? err_code(e, ESRCH, "no such process") : -1;
	/* Field 9 is flags; fields resume after the last ')' (comm may hold spaces). */
	char *p = strrchr(buf, ')');
	unsigned long flags = 0;
	if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %lu", &flags) == 1 && (flags & PF_KTHREAD)) {
		char comm[64];
		ctl_comm(pid, comm, sizeof comm);
		return err_code(e, EPERM, "a kernel thread (%s) stays where the kernel put it", comm);
	}
	if (geteuid() != 0) {
		snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
		if (read_small_file(path, buf, sizeof buf, e) < 0)
			return -1;
		const char *uid = strstr(buf, "\nUid:");
		unsigned real = 0, eff = 0;
		if (!uid || sscanf(uid + 5, "%u %u", &real, &eff) != 2)
			return err_code(e, EINVAL, "%s: no Uid line", path);
		if (real != geteuid() || eff != geteuid())
			return err_code(e, EPERM, "belongs to uid %u, not to you", eff != geteuid() ? eff : real);
	}
	return 0;
}

/* The thread IDs of PID; returns the count (at most max) or -1. */
static int list_tids(pid_t pid, int *tids, int max, struct err *e)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return err_sys(e, errno, "%s", path);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < max)
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			tids[n++] = atoi(de->d_name);
	closedir(d);
	return n;
}

static bool have(const int *v, int n, int x)
{
	for (int i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static int move_one(struct cgroup *cg, pid_t pid, struct err *e)
{
	char num[16];
	snprintf(num, sizeof num, "%d", (int)pid);
	if (cg->sys->mode == CG_V2) {
		/* cgroup.procs moves the whole thread group. */
		if (write_file_at(cg->dirs[0].fd, "cgroup.procs", num, e) < 0) {
			if (e->errnum == ESRCH)
				return err_code(e, ESRCH, "\"%d\": no such process", (int)pid);
			if ((e->errnum == EACCES || e->errnum == EPERM) && geteuid() != 0)
				return err_code(e, e->errnum, "cannot move %d into %s: permission denied (a normal user "
					"moves only processes that its own systemd user manager holds, such as ones "
					"started with systemd-run --user --scope; not the processes of a login "
					"session's scope)", (int)pid, cg->dirs[0].path);
			return err_sys(e, e->errnum, "cannot move %d into %s", (int)pid, cg->dirs[0].path);
		}
		return 0;
	}
	/* v1: each thread into every hierarchy, until no new thread shows up (one may be created
	 * while we move the others). */
	static int tids[4096], moved[4096];
	for (int i = 0; i < cg->ndirs; i++) {
		int nmoved = 0;
		for (int round = 0; round < 8; round++) {
			int n = list_tids(pid, tids, 4096, e);
			if (n < 0)
				return -1;
			int before = nmoved;
			for (int t = 0; t < n; t++) {
				if (have(moved, nmoved, tids[t]))
					continue;
				snprintf(num, sizeof num, "%d", tids[t]);
				if (write_file_at(cg->dirs[i].fd, "tasks", num, e) < 0 && e->errnum != ESRCH)
					return err_sys(e, e->errnum, "cannot move thread %d of %d into %s", tids[t],
						       (int)pid, cg->dirs[i].path);
				if (nmoved < 4096)
					moved[nmoved++] = tids[t];
			}
			if (nmoved == before)
				break;
		}
	}
	return 0;
}

/* The children of every thread of PID (/proc/PID/task/TID/children). */
static int list_children(pid_t pid, int *out, int max, struct err *e)
{
	int tids[1024];
	int nt = list_tids(pid, tids, 1024, e);
	if (nt < 0)
		return -1;
	int n = 0;
	for (int t = 0; t < nt; t++) {
		char path[96], buf[4096];
		snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, tids[t]);
		if (read_small_file(path, buf, sizeof buf, e) < 0) {
			if (e->errnum == ENOENT && t == 0 && access(path, F_OK) < 0 && errno == ENOENT &&
			    kill(pid, 0) == 0)
				return err_code(e, ENOSYS, "--children: this kernel has no %s (CONFIG_PROC_CHILDREN)", path);
			continue; /* the thread ended */
		}
		for (char *s = buf; *s && n < max;) {
			char *end;
			long c = strtol(s, &end, 10);
			if (end == s)
				break;
			out[n++] = (int)c;
			s = end;
		}
	}
	return n;
}

/* Where PID is, per directory of cg: the same hierarchy's group from /proc/PID/cgroup. */
static int origin_of(const struct cgroup *cg, pid_t pid, char origin[][CG_PATH_MAX], struct err *e)
{
	char path[64], text[4096], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
	if (read_small_file(path, text, sizeof text, e) < 0)
		return -1;
	for (int i = 0; i < cg->ndirs; i++) {
		memcpy(buf, text, sizeof buf); /* strtok_r cuts it */
		const char *mount = cg->sys->v2_mount, *want = NULL;
		if (cg->sys->mode != CG_V2)
			for (int c = 0; c < CTRL_COUNT && !want; c++)
				if (cg->dirs[i].ctrls & CTRL_BIT(c)) {
					mount = cg->sys->v1_mount[c];
					want = cg_ctrl_v1_name((enum cg_ctrl)c);
				}
		origin[i][0] = '\0';
		for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			char *c = strchr(l, ':'), *g = c ? strchr(c + 1, ':') : NULL;
			if (!g)
				continue;
			size_t n = (size_t)(g - c - 1);
			bool match = false;
			if (!want)
				match = n == 0;
			else
				for (const char *t = c + 1; t < g && !match; t += strcspn(t, ",:") + 1)
					match = strcspn(t, ",:") == strlen(want) && strncmp(t, want, strlen(want)) == 0;
			if (match) {
				snprintf(origin[i], CG_PATH_MAX, "%s%s", mount, g + 1);
				break;
			}
		}
	}
	return 0;
}

/* The process checked is the one moved: a pidfd taken before the check still names a process
 * (alive or not yet reaped, so its PID is not reused) after the move. Where it is gone, the PID
 * written may have been a newcomer's: one found in the group goes back to where the process
 * checked was (a PID reused by the same parent's next child starts there), and the attach
 * fails. Kernels before 5.3 have no pidfd: the check stands alone there. */
static int move_checked(struct cgroup *cg, pid_t pid, struct err *e)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0 && errno == ESRCH)
		return err_code(e, ESRCH, "\"%d\": no such process", (int)pid);
	static char origin[CTRL_COUNT][CG_PATH_MAX];
	if (ctl_check_pid(pid, e) < 0 || origin_of(cg, pid, origin, e) < 0) {
		if (pfd >= 0)
			close(pfd);
		return err_wrap(e, "\"%d\"", (int)pid);
	}
	int rc = move_one(cg, pid, e);
	if (pfd >= 0 && syscall(SYS_pidfd_send_signal, pfd, 0, NULL, 0) < 0 && errno == ESRCH) {
		struct err ignored;
		for (int i = 0; i < cg->ndirs; i++) {
			char procs[CG_PATH_MAX + 16], num[16];
			snprintf(procs, sizeof procs, "%s/cgroup.procs", origin[i]);
			snprintf(num, sizeof num, "%d", (int)pid);
			if (origin[i][0])
				write_file(procs, num, &ignored);
		}
		rc = err_code(e, ESRCH, "\"%d\": the process exited while it was being moved (a process that took "
				       "its PID since is left where it was)", (int)pid);
	}
	if (pfd >= 0)
		close(pfd);
	return rc;
}

int ctl_attach(struct cgroup *cg, pid_t pid, bool children, struct err *e)
{
	if (move_checked(cg, pid, e) < 0)
		return -1;
	int moved = 1;
	if (!children)
		return moved;
	/* Breadth first over the descendants, each moved before its own children are listed. */
	static int queue[8192];
	int head = 0, tail = 0;
	queue[tail++] = pid;
	while (head < tail) {
		int kids[1024];
		int n = list_children(queue[head++], kids, 1024, e);
		if (n < 0) {
			if (e->errnum == ENOSYS)
				return -1;
			continue; /* it exited meanwhile */
		}
		for (int i = 0; i < n; i++) {
			if (move_one(cg, kids[i], e) < 0) {
				if (e->errnum == ESRCH)
					continue;
				return -1;
			}
			moved++;
			if (tail < 8192)
				queue[tail++] = kids[i];
		}
	}
	return moved;
}
