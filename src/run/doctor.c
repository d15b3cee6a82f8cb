/* climit doctor (see doctor.h). Every check reads what the kernel says, never a version table,
 * except where only the version can tell (overlayfs in a user namespace). */
#define _GNU_SOURCE
#include "doctor.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "place.h"
#include "systemd.h"
#include "units.h"

static struct doc_line *add(struct doctor *d, char state, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static struct doc_line *add(struct doctor *d, char state, const char *what, const char *fmt, ...)
{
	static struct doc_line spare;
	struct doc_line *l = d->n < (int)(sizeof d->l / sizeof d->l[0]) ? &d->l[d->n++] : &spare;
	*l = (struct doc_line){ .state = state };
	str_copy(l->what, what, sizeof l->what);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->detail, sizeof l->detail, fmt, ap);
	va_end(ap);
	return l;
}

static void fix(struct doc_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fix(struct doc_line *l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->fix, sizeof l->fix, fmt, ap);
	va_end(ap);
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool exists(const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return access(path, F_OK) == 0;
}


/* Some non-root group of the v2 tree (the interface files of controllers live there, not in the
 * root): init.scope, system.slice, any other directory, or (root, on a tree with none) a probe
 * group made for the check and removed by drop_probe. */
static char probe[PATH_MAX];

static bool v2_child(const struct cg_system *sys, char *out, size_t size)
{
	static const char *const tries[] = { "init.scope", "system.slice", "user.slice", "climit" };
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++)
		if (exists("%s/%s/cgroup.procs", sys->v2_mount, tries[i])) {
			snprintf(out, size, "%s/%s", sys->v2_mount, tries[i]);
			return true;
		}
	DIR *d = opendir(sys->v2_mount);
	struct dirent *de;
	while (d && (de = readdir(d)))
		if (de->d_type == DT_DIR && de->d_name[0] != '.') {
			snprintf(out, size, "%s/%s", sys->v2_mount, de->d_name);
			closedir(d);
			return true;
		}
	if (d)
		closedir(d);
	if (!probe[0]) {
		snprintf(probe, sizeof probe, "%s/climit-doctor-%d", sys->v2_mount, (int)getpid());
		if (mkdir(probe, 0755) < 0) {
			probe[0] = '\0';
			return false;
		}
	}
	str_copy(out, probe, size);
	return true;
}

static void drop_probe(void)
{
	if (probe[0])
		rmdir(probe);
	probe[0] = '\0';
}

/* The fix podman's maintainers give for controllers a user manager does not delegate. */
static const char dropin_fix[] = "as root: mkdir -p /etc/systemd/system/user@.service.d && printf '[Service]\\nDelegate=cpu "
				 "cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf && "
				 "systemctl daemon-reload, then log in again";

static const enum cg_ctrl shown[] = { CTRL_MEMORY, CTRL_PIDS, CTRL_CPU, CTRL_CPUSET, CTRL_IO, CTRL_CPUACCT, CTRL_FREEZER };

static void check_mode(const struct cg_system *sys, struct doctor *d)
{
	if (sys->mode == CG_V2)
		add(d, '+', "cgroup mode", "v2 (unified) at %s", sys->v2_mount);
	else
		add(d, '+', "cgroup mode", "%s: controllers in v1 hierarchies%s%s", cg_mode_name(sys->mode),
		    sys->v2_mount[0] ? ", an empty cgroup2 at " : "", sys->v2_mount);
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		enum cg_ctrl c = shown[i];
		const char *name = cg_ctrl_name(c);
		char what[64];
		snprintf(what, sizeof what, "controller %s", name);
		if (sys->mode == CG_V2) {
			if (c == CTRL_CPUACCT) {
				add(d, 'i', what, "part of cpu on v2 (cpu.stat)");
			} else if (c == CTRL_FREEZER) {
				char child[PATH_MAX];
				bool have = v2_child(sys, child, sizeof child) && exists("%s/cgroup.freeze", child);
				struct doc_line *l = add(d, have ? '+' : '-', what, have ? "cgroup.freeze (v2 core)" :
							 "no cgroup.freeze (kernel before 5.2)");
				if (!have)
					fix(l, "a kernel 5.2 or newer (climit freeze and v2 teardown before 5.14 need it)");
			} else if (cg_has_controller(sys, c)) {
				add(d, '+', what, "enabled at %s", sys->v2_mount);
			} else {
				struct doc_line *l = add(d, '-', what, "not in %s/cgroup.controllers", sys->v2_mount);
				fix(l, "a kernel built with it (CONFIG_%s), not disabled by cgroup_disable= on the "
				       "kernel command line", c == CTRL_MEMORY ? "MEMCG" : c == CTRL_PIDS ? "CGROUP_PIDS" :
				       c == CTRL_CPU ? "CGROUP_SCHED" : c == CTRL_IO ? "BLK_CGROUP" : "CPUSETS");
			}
		} else if (sys->v1_mount[c][0]) {
			add(d, '+', what, "v1 hierarchy at %s", sys->v1_mount[c]);
		} else {
			const char *v1 = cg_ctrl_v1_name(c);
			struct doc_line *l = add(d, '-', what, "no v1 hierarchy mounted");
			fix(l, "mount it: mkdir -p /sys/fs/cgroup/%s && mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s",
			    v1, v1, v1);
		}
	}
}

static void check_delegation(const struct cg_system *sys, struct doctor *d)
{
	if (geteuid() == 0 || sys->mode != CG_V2)
		return;
	if (!sd_running()) {
		struct doc_line *l = add(d, '-', "delegation", "no systemd: nothing is delegated to uid %u",
					 (unsigned)geteuid());
		fix(l, "as root: mkdir %s/u%u && chown -R %u %s/u%u, then climit --parent u%u/...", sys->v2_mount,
		    (unsigned)geteuid(), (unsigned)geteuid(), sys->v2_mount, (unsigned)geteuid(), (unsigned)geteuid());
		return;
	}
	unsigned have = sd_delegated_controllers(sys);
	static const enum cg_ctrl want[] = { CTRL_MEMORY, CTRL_PIDS, CTRL_CPU, CTRL_CPUSET, CTRL_IO };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		char what[64];
		snprintf(what, sizeof what, "delegated %s", cg_ctrl_name(want[i]));
		if (have & CTRL_BIT(want[i])) {
			add(d, '+', what, "%s hands it to you", sd_delegating_unit());
		} else {
			struct doc_line *l = add(d, '-', what, "%s does not hand it to you", sd_delegating_unit());
			str_copy(l->fix, dropin_fix, sizeof l->fix);
		}
	}
}

static void check_features(const struct cg_system *sys, struct doctor *d)
{
	char child[PATH_MAX] = "";
	bool v2 = sys->mode == CG_V2, have_child = v2 && v2_child(sys, child, sizeof child);
	/* Swap accounting: without it --mem cannot cap swap. */
	bool swap = v2 ? have_child && exists("%s/memory.swap.max", child)
		       : sys->v1_mount[CTRL_MEMORY][0] && exists("%s/memory.memsw.limit_in_bytes", sys->v1_mount[CTRL_MEMORY]);
	struct doc_line *l = add(d, swap ? '+' : '-', "swap accounting",
				 swap ? "on (%s)" : "off: --mem cannot keep a workload from swapping (%s absent)",
				 v2 ? "memory.swap.max" : "memory.memsw.limit_in_bytes");
	if (!swap)
		fix(l, "boot with swapaccount=1 on the kernel command line (CONFIG_MEMCG_SWAP), or run without swap");
	bool cfs = v2 ? have_child && exists("%s/cpu.max", child)
		      : sys->v1_mount[CTRL_CPU][0] && exists("%s/cpu.cfs_quota_us", sys->v1_mount[CTRL_CPU]);
	l = add(d, cfs ? '+' : '-', "CPU bandwidth", cfs ? "CFS quotas work (%s)" : "no %s: --cpu cannot be enforced",
		v2 ? "cpu.max" : "cpu.cfs_quota_us");
	if (!cfs)
		fix(l, "a kernel with CONFIG_CFS_BANDWIDTH=y");
	char pressure[256];
	bool psi = read_small_file("/proc/pressure/cpu", pressure, sizeof pressure, NULL) > 0;
	l = add(d, psi ? '+' : '-', "PSI", psi ? "pressure stall information on (the PSI columns of top)"
					      : "no /proc/pressure: top's PSI columns stay empty");
	if (!psi)
		fix(l, "boot with psi=1 (CONFIG_PSI_DEFAULT_DISABLED kernels)");
	/* Kernel features of launching and killing. */
	errno = 0;
	long r = syscall(SYS_clone3, NULL, 0);
	bool clone3 = r < 0 && errno != ENOSYS;
	l = add(d, clone3 ? '+' : '-', "clone3", clone3 ? "present%s" : "absent: the workload joins through cgroup.procs%s",
		clone3 && v2 ? "; CLONE_INTO_CGROUP starts the workload inside its group (v2)" : "");
	if (!clone3)
		fix(l, "a kernel 5.3 or newer (5.7 for CLONE_INTO_CGROUP)");
	if (v2) {
		bool kill = have_child && exists("%s/cgroup.kill", child);
		l = add(d, kill ? '+' : '-', "cgroup.kill", kill ? "one write empties a group" :
			"absent: groups are emptied under the freezer, signal by signal");
		if (!kill)
			fix(l, "a kernel 5.14 or newer");
	}
	int kfd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	l = add(d, kfd >= 0 ? '+' : '-', "/dev/kmsg", kfd >= 0 ? "readable: OOM kills are logged with the victim's name"
							: "not readable: OOM kills are counted without the victim's name");
	if (kfd >= 0)
		close(kfd);
	else
		fix(l, "as root: sysctl kernel.dmesg_restrict=0 (or run climit top as root)");
	void *h = dlopen("libproc2.so.0", RTLD_NOW | RTLD_LOCAL);
	l = add(d, h ? '+' : '-', "libproc2", h ? "present (process lists in top and stats)" : "%s", h ? "" : dlerror());
	if (!h)
		fix(l, "apt-get install libproc2-0 (procps-ng 4)");
}

static void check_namespaces(struct doctor *d)
{
	long max = read_long("/proc/sys/user/max_user_namespaces", -1);
	long clone = read_long("/proc/sys/kernel/unprivileged_userns_clone", 1);
	long aa = read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 0);
	bool ok = max != 0 && clone != 0 && aa == 0;
	struct doc_line *l = add(d, ok ? '+' : '-', "user namespaces", "allowed (%ld at most): rootless --isolate works", max);
	if (!ok) {
		snprintf(l->detail, sizeof l->detail, "refused to normal users (%s)",
			 max == 0 ? "user.max_user_namespaces = 0" : clone == 0 ? "kernel.unprivileged_userns_clone = 0"
										: "kernel.apparmor_restrict_unprivileged_userns = 1");
		fix(l, "as root: sysctl %s", max == 0 ? "user.max_user_namespaces=15000"
				  : clone == 0 ? "kernel.unprivileged_userns_clone=1"
					       : "kernel.apparmor_restrict_unprivileged_userns=0 (or an AppArmor profile for climit)");
	}
	char fs[4096];
	bool overlay = read_small_file("/proc/filesystems", fs, sizeof fs, NULL) > 0 && strstr(fs, "\toverlay\n");
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) == 0)
		sscanf(u.release, "%d.%d", &major, &minor);
	bool userns_overlay = overlay && (major > 5 || (major == 5 && minor >= 11));
	l = add(d, userns_overlay ? '+' : '-', "overlayfs", !overlay ? "not available: --overlay cannot work"
		: userns_overlay ? "available, also inside a user namespace (kernel %s)"
				 : "available to root only (kernel %s; user namespaces need 5.11)", u.release);
	if (!overlay)
		fix(l, "as root: modprobe overlay");
	else if (!userns_overlay)
		fix(l, "a kernel 5.11 or newer for rootless --overlay");
}

void doctor_host(const struct cg_system *sys, struct doctor *d)
{
	check_mode(sys, d);
	check_delegation(sys, d);
	check_features(sys, d);
	drop_probe();
	check_namespaces(d);
	char parent[512];
	place_default_parent(sys, parent, sizeof parent);
	add(d, 'i', "placement", sys->mode == CG_V2 && sd_running() ? "a systemd scope per run in %s (%s)"
								   : "cgroupfs, under %s%s", parent,
	    sys->mode == CG_V2 && sd_running() ? sd_delegating_unit() : "");
}

/* ---- the limits up the tree --------------------------------------------------------------- */

/* The file that holds a limit (memory, pids or CPU quota) in this cgroup version. */
static const char *limit_file(enum cg_limit what, bool v2)
{
	if (what == LIMIT_MEMORY_MAX)
		return v2 ? "memory.max" : "memory.limit_in_bytes";
	if (what == LIMIT_PIDS_MAX)
		return "pids.max";
	return v2 ? "cpu.max" : "cpu.cfs_quota_us";
}

/* One resource's limit in directory DIR: bytes, tasks, or CPU quota in microseconds per
 * CPU_PERIOD_US; false if the file is absent (the root) or says no limit. */
static bool limit_at(enum cg_limit what, bool v2, const char *dir, uint64_t *out)
{
	char path[PATH_MAX + 32], buf[64];
	const char *file = limit_file(what, v2);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (read_small_file(path, buf, sizeof buf, NULL) <= 0 || strncmp(buf, "max", 3) == 0 || buf[0] == '-')
		return false;
	unsigned long long v = strtoull(buf, NULL, 10), period = 100000;
	if (what == LIMIT_CPU_MAX) {
		if (v2)
			sscanf(buf, "%*u %llu", &period);
		else {
			snprintf(path, sizeof path, "%s/cpu.cfs_period_us", dir);
			period = (unsigned long long)read_long(path, 100000);
		}
		v = period ? v * CPU_PERIOD_US / period : v;
	}
	if (!v2 && what == LIMIT_MEMORY_MAX && v >= (1ull << 62))
		return false;
	*out = v;
	return true;
}

/* The lowest limit from DIR up to MOUNT (DIR itself included when self is true). */
static bool lowest_above(enum cg_limit what, bool v2, const char *mount, const char *dir, bool self,
			 uint64_t *value, char *where, size_t size)
{
	char cur[PATH_MAX];
	str_copy(cur, dir, sizeof cur);
	bool found = false;
	size_t ml = strlen(mount);
	for (bool first = true;; first = false) {
		uint64_t v;
		if ((self || !first) && limit_at(what, v2, cur, &v) && (!found || v < *value)) {
			*value = v;
			str_copy(where, cur, size);
			found = true;
		}
		char *slash = strrchr(cur, '/');
		if (!slash || (size_t)(slash - cur) < ml)
			break;
		*slash = '\0';
	}
	return found;
}

static const char *mount_of(const struct cg_system *sys, enum cg_ctrl c)
{
	return sys->mode == CG_V2 ? sys->v2_mount : sys->v1_mount[c];
}

static unsigned ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* One limit of a command line against the tree above where its group would be. */
static void against_tree(const struct cg_system *sys, struct doctor *d, enum cg_limit what, enum cg_ctrl c,
			 const char *opt, const char *arg, uint64_t want, const char *parent)
{
	char what_s[64], dir[PATH_MAX], where[PATH_MAX], a[32], b[32];
	snprintf(what_s, sizeof what_s, "%s %s", opt, arg);
	if (!mount_of(sys, c)[0])
		return;
	snprintf(dir, sizeof dir, "%s/%s", mount_of(sys, c), parent);
	/* The parent may not exist yet (climit makes it): start from its nearest ancestor. */
	while (access(dir, F_OK) != 0 && strrchr(dir, '/') && strlen(dir) > strlen(mount_of(sys, c)))
		*strrchr(dir, '/') = '\0';
	uint64_t low;
	bool v2 = sys->mode == CG_V2;
	if (want != UNITS_MAX && lowest_above(what, v2, mount_of(sys, c), dir, true, &low, where, sizeof where) &&
	    low < want) {
		if (what == LIMIT_MEMORY_MAX) {
			units_format_size(low, a, sizeof a);
			units_format_size(want, b, sizeof b);
		} else if (what == LIMIT_CPU_MAX) {
			snprintf(a, sizeof a, "%g%%", (double)low * 100 / CPU_PERIOD_US);
			snprintf(b, sizeof b, "%g%%", (double)want * 100 / CPU_PERIOD_US);
		} else {
			snprintf(a, sizeof a, "%" PRIu64, low);
			snprintf(b, sizeof b, "%" PRIu64, want);
		}
		struct doc_line *l = add(d, '-', what_s, "effective limit %s, not %s: set by %s/%s", a, b, where,
					 limit_file(what, v2));
		fix(l, "raise that ancestor's limit, or ask for at most %s", a);
		return;
	}
	if (what == LIMIT_CPU_MAX && want != UNITS_MAX && want > (uint64_t)ncpus() * CPU_PERIOD_US) {
		struct doc_line *l = add(d, '-', what_s, "%s of one CPU, but this host has %u CPU%s: at most %u%% can be used",
					 arg, ncpus(), ncpus() == 1 ? "" : "s", ncpus() * 100);
		fix(l, "--cpu %u%% is the same here (or leave --cpu out)", ncpus() * 100);
		return;
	}
	add(d, '+', what_s, "enforced as asked (%s)", limit_file(what, v2));
}

/* "OPT: \"value\": why" -> "\"value\": why" under a line that already names OPT. */
static const char *after_opt(const char *msg, const char *opt)
{
	size_t n = strlen(opt);
	return strncmp(msg, opt, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ' ? msg + n + 2 : msg;
}

/* Each disk an --io-* option names, how it was found, and whether its weight can act. */
static void io_findings(const struct cg_system *sys, const struct io_opts *io, struct doctor *d)
{
	if (!io->first)
		return;
	for (int i = 0; i < io->ndev; i++) {
		const struct io_dev *dv = &io->dev[i];
		char lim[128], what[64];
		struct cg_io_lim l = { .v = { UNITS_MAX, UNITS_MAX, UNITS_MAX, UNITS_MAX } };
		for (int k = 0; k < IO_KEYS; k++)
			if (dv->v[k] != IO_UNSET)
				l.v[k] = dv->v[k];
		io_limit_text(&l, lim, sizeof lim);
		snprintf(what, sizeof what, "io %s (%u:%u)", dv->name, dv->major, dv->minor);
		add(d, '+', what, "%s, enforced as asked (%s); %s", lim[0] ? lim : "no limit",
		    sys->mode == CG_V2 ? "io.max" : "blkio.throttle.*", dv->via);
	}
	if (io->weight != IO_UNSET) {
		struct err e;
		if (io_weight_check(sys, io, NULL, &e) < 0) {
			struct doc_line *l = add(d, '-', "--io-weight", "%s", after_opt(e.msg, "--io-weight"));
			fix(l, "as root: echo bfq > /sys/block/%s/queue/scheduler", io->wdev.name);
		} else {
			add(d, '+', "--io-weight", "%s: %s", io->wdev.name, e.msg);
		}
	}
}

void doctor_limits(const struct cg_system *sys, struct run_opts *o, struct doctor *d)
{
	unsigned ctrls = CTRL_BIT(CTRL_MEMORY) | CTRL_BIT(CTRL_PIDS) | CTRL_BIT(CTRL_CPU) | CTRL_BIT(CTRL_CPUACCT) |
			 CTRL_BIT(CTRL_FREEZER);
	if (o->cpus)
		ctrls |= CTRL_BIT(CTRL_CPUSET);
	if (o->io.first)
		ctrls |= CTRL_BIT(CTRL_IO);
	struct err e;
	/* A path without a disk, an unknown device: what run refuses, then judged without them. */
	if (o->io.first && io_resolve(&o->io, &e) < 0) {
		const char *opt = o->io.first;
		for (int i = 0; i < o->io.nargs; i++)
			if (strncmp(e.msg, o->io.args[i].opt, strlen(o->io.args[i].opt)) == 0)
				opt = o->io.args[i].opt;
		struct doc_line *l = add(d, '-', opt, "%s", after_opt(e.msg, opt));
		fix(l, "name a block device: a path on a disk, /dev/NAME or MAJ:MIN (lsblk lists them)");
		o->io = (struct io_opts){ .weight = IO_UNSET };
		ctrls &= ~CTRL_BIT(CTRL_IO);
	}
	bool v2 = sys->mode == CG_V2;
	/* v1's refusals first: place_choose would stop at the first. */
	if (o->mem_high != OPT_UNSET && !v2) {
		struct doc_line *l = add(d, '-', "--mem-high", "memory.high does not exist on cgroup %s: climit refuses it",
					 cg_mode_name(sys->mode));
		fix(l, "leave --mem-high out on this host (v2 only), or use --mem");
		o->mem_high = OPT_UNSET;
	}
	/* A CPU this host lacks (what run refuses) is a finding of its own, whatever else holds. */
	if (o->cpus) {
		const char *why;
		long conf = sysconf(_SC_NPROCESSORS_CONF);
		unsigned have = conf > 0 ? (unsigned)conf : 1;
		if (units_parse_cpu_list(o->cpus, have, &why) < 0) {
			char what[64];
			snprintf(what, sizeof what, "--cpus %s", o->cpus);
			struct doc_line *l = add(d, '-', what, "%s", why);
			fix(l, "--cpus 0-%u at most", have - 1);
			o->cpus = NULL; /* judged: the checks below are about the rest */
		}
	}
	/* A normal user under systemd: each option whose controller is not delegated, with the
	 * drop-in that delegates it (then left out, so the rest can still be judged). */
	if (v2 && geteuid() != 0 && !o->parent_given && o->manager != MGR_CGROUPFS && sd_running()) {
		unsigned have = sd_delegated_controllers(sys);
		struct { bool given; enum cg_ctrl c; const char *opt; } need[] = {
			{ o->mem_max != OPT_UNSET || o->mem_high != OPT_UNSET || o->swap_max != OPT_UNSET, CTRL_MEMORY, "--mem" },
			{ o->pids_max != OPT_UNSET, CTRL_PIDS, "--pids" },
			{ o->cpu_quota_us != OPT_UNSET || o->cpu_weight != OPT_UNSET, CTRL_CPU, "--cpu" },
			{ o->cpus != NULL, CTRL_CPUSET, "--cpus" },
			{ o->io.first != NULL, CTRL_IO, o->io.first },
		};
		for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
			if (!need[i].given || (have & CTRL_BIT(need[i].c)))
				continue;
			struct doc_line *l = add(d, '-', need[i].opt, "the %s controller is not delegated to you by %s: not "
						 "enforced", cg_ctrl_name(need[i].c), sd_delegating_unit());
			str_copy(l->fix, dropin_fix, sizeof l->fix);
			if (need[i].c == CTRL_MEMORY)
				o->mem_max = o->mem_high = o->swap_max = OPT_UNSET;
			else if (need[i].c == CTRL_PIDS)
				o->pids_max = OPT_UNSET;
			else if (need[i].c == CTRL_CPU)
				o->cpu_quota_us = o->cpu_weight = OPT_UNSET;
			else if (need[i].c == CTRL_IO)
				o->io = (struct io_opts){ .weight = IO_UNSET };
			else
				o->cpus = NULL;
		}
	}
	if (place_choose(sys, o, &ctrls, &e) < 0) {
		/* The refusal names its own fix (climit run would print the same line). */
		struct doc_line *l = add(d, '-', "placement", "climit run would refuse this");
		str_copy(l->fix, e.msg, sizeof l->fix);
		return;
	}
	char parent[CG_PATH_MAX];
	if (o->manager == MGR_SYSTEMD)
		sd_slice_path(parent, sizeof parent);
	else
		str_copy(parent, o->parent, sizeof parent);
	add(d, 'i', "placement", "%s %s", o->manager == MGR_SYSTEMD ? "a systemd scope in" : "cgroupfs under", parent);
	if (o->cpus) {
		char what[64];
		snprintf(what, sizeof what, "--cpus %s", o->cpus);
		add(d, '+', what, "enforced as asked (cpuset.cpus)");
	}
	if (o->mem_max != OPT_UNSET) {
		against_tree(sys, d, LIMIT_MEMORY_MAX, CTRL_MEMORY, "--mem", o->arg[LIMIT_MEMORY_MAX], o->mem_max, parent);
		struct doctor features = { .n = 0 };
		check_features(sys, &features);
		drop_probe();
		if (features.l[0].state == '-') {
			struct doc_line *l = add(d, '-', "swap", "no swap accounting: the workload may swap beyond --mem");
			str_copy(l->fix, features.l[0].fix, sizeof l->fix);
		} else {
			add(d, '+', "swap", o->swap_max == OPT_UNSET ? "capped at 0 (memory.%s)" : "capped at --swap (memory.%s)",
			    v2 ? "swap.max" : "memsw.limit_in_bytes");
		}
	}
	if (o->mem_high != OPT_UNSET)
		add(d, '+', "--mem-high", "memory.high: throttled and reclaimed above %s", o->arg[LIMIT_MEMORY_HIGH]);
	if (o->pids_max != OPT_UNSET)
		against_tree(sys, d, LIMIT_PIDS_MAX, CTRL_PIDS, "--pids", o->arg[LIMIT_PIDS_MAX], o->pids_max, parent);
	if (o->cpu_quota_us != OPT_UNSET)
		against_tree(sys, d, LIMIT_CPU_MAX, CTRL_CPU, "--cpu", o->arg[LIMIT_CPU_MAX], o->cpu_quota_us, parent);
	io_findings(sys, &o->io, d);
	if (o->cpu_weight != OPT_UNSET)
		add(d, '+', "--cpu-weight", "%s (%s); it only matters while other groups want the CPU", o->arg[LIMIT_CPU_WEIGHT],
		    v2 ? "cpu.weight" : "cpu.shares");
}

void doctor_explain(struct cgroup *cg, struct doctor *d)
{
	const struct cg_system *sys = cg->sys;
	bool v2 = sys->mode == CG_V2;
	struct cg_stats st;
	cg_read_stats(cg, &st);
	static const struct { enum cg_limit what; enum cg_ctrl c; const char *name; } res[] = {
		{ LIMIT_MEMORY_MAX, CTRL_MEMORY, "memory" }, { LIMIT_PIDS_MAX, CTRL_PIDS, "pids" }, { LIMIT_CPU_MAX, CTRL_CPU, "cpu" },
	};
	for (size_t i = 0; i < sizeof res / sizeof res[0]; i++) {
		int fd = cg_fd(cg, res[i].c);
		const char *dir = NULL;
		for (int j = 0; j < cg->ndirs; j++)
			if (cg->dirs[j].fd == fd && fd >= 0)
				dir = cg->dirs[j].path;
		if (!dir)
			continue;
		uint64_t low, own;
		char where[PATH_MAX], a[32], b[32];
		bool has_own = limit_at(res[i].what, v2, dir, &own);
		if (!lowest_above(res[i].what, v2, mount_of(sys, res[i].c), dir, true, &low, where, sizeof where)) {
			add(d, 'i', res[i].name, "no limit here or above");
			continue;
		}
		bool inherited = strcmp(where, dir) != 0;
		if (res[i].what == LIMIT_MEMORY_MAX) {
			units_format_size(low, a, sizeof a);
			units_format_size(st.mem_current, b, sizeof b);
			bool binds = st.mem_current * 10 >= low * 9 || st.oom_kills > 0;
			add(d, binds ? '-' : '+', res[i].name, "effective %s (%s%s); uses %s%s%s", a, inherited ? "set by " : "its own",
			    inherited ? where : "", b, binds ? ": binding now" : "",
			    st.oom_kills ? ", OOM kills so far" : "");
		} else if (res[i].what == LIMIT_PIDS_MAX) {
			bool binds = st.pids_current >= low || st.pids_refused > 0;
			add(d, binds ? '-' : '+', res[i].name, "effective %" PRIu64 " (%s%s); %" PRIu64 " task%s%s, %" PRIu64
			    " forks refused so far", low, inherited ? "set by " : "its own", inherited ? where : "", st.pids_current,
			    st.pids_current == 1 ? "" : "s", st.pids_current >= low ? ": binding now" : "", st.pids_refused);
		} else {
			snprintf(a, sizeof a, "%g%%", (double)low * 100 / CPU_PERIOD_US);
			double thr = st.nr_periods ? 100.0 * (double)st.nr_throttled / (double)st.nr_periods : 0;
			add(d, thr > 10 ? '-' : '+', res[i].name, "effective %s of one CPU (%s%s); throttled in %.0f%% of "
			    "its periods so far%s", a, inherited ? "set by " : "its own", inherited ? where : "", thr,
			    thr > 10 ? ": binding" : "");
		}
		struct doc_line *last = &d->l[d->n - 1];
		if (last->state == '-') {
			static const char *const opt[] = { [LIMIT_MEMORY_MAX] = "--mem", [LIMIT_PIDS_MAX] = "--pids",
							   [LIMIT_CPU_MAX] = "--cpu" };
			if (inherited)
				fix(last, "the limit is %s's: raise it there (a container's own limit cannot lift it)", where);
			else
				fix(last, "raise it if the workload needs more: climit set %s %s ...", cg->name, opt[res[i].what]);
		}
		if (has_own && inherited) {
			struct doc_line *l = &d->l[d->n - 1];
			char mine[32];
			if (res[i].what == LIMIT_MEMORY_MAX)
				units_format_size(own, mine, sizeof mine);
			else if (res[i].what == LIMIT_CPU_MAX)
				snprintf(mine, sizeof mine, "%g%%", (double)own * 100 / CPU_PERIOD_US);
			else
				snprintf(mine, sizeof mine, "%" PRIu64, own);
			size_t len = strlen(l->detail);
			snprintf(l->detail + len, sizeof l->detail - len, "; its own %s never acts", mine);
		}
	}
}

int doctor_failures(const struct doctor *d)
{
	int n = 0;
	for (int i = 0; i < d->n; i++)
		n += d->l[i].state == '-';
	return n;
}

/* climit doctor and stats --explain: the checks above, for people or as JSON. */
void doctor_print(FILE *f, const struct doctor *d, bool json, bool utf8)
{
	if (json) {
		fputc('[', f);
		for (int i = 0; i < d->n; i++) {
			const struct doc_line *l = &d->l[i];
			fprintf(f, "%s{\"check\":", i ? "," : "");
			json_text(f, l->what);
			fprintf(f, ",\"ok\":%s,\"detail\":", l->state == '-' ? "false" : "true");
			json_text(f, l->detail);
			fputs(",\"fix\":", f);
			if (l->fix[0])
				json_text(f, l->fix);
			else
				fputs("null", f);
			fputc('}', f);
		}
		fputs("]\n", f);
		return;
	}
	for (int i = 0; i < d->n; i++) {
		const struct doc_line *l = &d->l[i];
		const char *mark = l->state == '+' ? (utf8 ? "✓" : "ok") : l->state == '-' ? (utf8 ? "✗" : "NO") : (utf8 ? "·" : "--");
		fprintf(f, "%s %s: %s\n", mark, l->what, l->detail);
		if (l->state == '-' && l->fix[0])
			fprintf(f, "    fix: %s\n", l->fix);
	}
}
