/* The one cgroup abstraction: detect v1 / hybrid / v2 from mountinfo, create a group in every
 * hierarchy it needs, set limits, place the workload, kill everything in it, read its counters,
 * remove it. Version-specific file names live in cgroup_v1.c and cgroup_v2.c. */
#ifndef CLIMIT_CGROUP_H
#define CLIMIT_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum cg_mode { CG_NONE, CG_V1, CG_HYBRID, CG_V2 };

/* CTRL_IO is v2's "io" and v1's "blkio" (cg_ctrl_v1_name). */
enum cg_ctrl { CTRL_MEMORY, CTRL_PIDS, CTRL_CPU, CTRL_CPUACCT, CTRL_CPUSET, CTRL_FREEZER, CTRL_IO, CTRL_COUNT };
#define CTRL_BIT(c) (1u << (c))

struct cg_system {
	enum cg_mode mode;
	char v2_mount[PATH_MAX];             /* "" if no cgroup2 is mounted */
	char v1_mount[CTRL_COUNT][PATH_MAX]; /* "" where the controller has no v1 hierarchy */
	unsigned v2_controllers;             /* CTRL_BIT mask from the v2 root's cgroup.controllers */
};

enum cg_limit {
	LIMIT_MEMORY_MAX,  /* bytes */
	LIMIT_MEMORY_HIGH, /* bytes, v2 only */
	LIMIT_SWAP_MAX,    /* bytes of swap on top of LIMIT_MEMORY_MAX (set after it) */
	LIMIT_PIDS_MAX,    /* tasks */
	LIMIT_CPU_MAX,     /* microseconds per CPU_PERIOD_US, or UNITS_MAX */
	LIMIT_CPU_WEIGHT,  /* 1..10000 (v2 scale) */
};

/* One directory of the group: v2 has one, v1 one per hierarchy (co-mounted controllers share). */
/* 1 KiB, not PATH_MAX: climit top holds one struct cgroup per group (x1000s), and a path this
 * long is refused with an error where it is built. */
#define CG_PATH_MAX 1024
struct cg_dir {
	char path[CG_PATH_MAX];
	int fd;          /* O_DIRECTORY fd, kept open: files are opened relative to it */
	unsigned ctrls;  /* CTRL_BIT mask of the controllers this directory serves */
};

/* Counter files kept open between refreshes (climit top): pread(fd, 0) regenerates a kernfs
 * file's content, so a refresh costs one syscall per file instead of open+read+close. */
enum cg_file_slot {
	F_CPU_STAT, F_CPUACCT_USAGE, F_CPUACCT_USER, F_CPUACCT_SYS, F_MEM_CUR, F_MEM_MAX, F_MEM_PEAK,
	F_MEM_EVENTS, F_PIDS_CUR, F_PIDS_MAX, F_PIDS_PEAK, F_PIDS_EVENTS, F_PSI_CPU, F_PSI_MEM,
	F_FREEZE, F_CPU_MAX, F_CPU_PERIOD, F_IO_STAT, F_PSI_IO, F_SWAP_CUR, F_SLOTS
};

struct cgroup {
	const struct cg_system *sys;
	const struct cg_ops *ops;
	char name[65];
	char parent[256];
	int ndirs;
	struct cg_dir dirs[CTRL_COUNT];
	const char *kill_method; /* "cgroup.kill", "freezer" or "kill": how teardown was done */
	int file_fd[F_SLOTS];    /* cached counter fds; 0 = not opened yet, -1 = absent */
	uint64_t mem_max;   /* remembered for messages; UNITS_MAX if none */
	uint64_t pids_max;
};

/* Figures read at the end of a run (report) or per refresh (top). */
enum cg_stat_have {
	HAVE_CPU = 1 << 0, HAVE_THROTTLE = 1 << 1, HAVE_MEM = 1 << 2, HAVE_MEM_PEAK = 1 << 3,
	HAVE_OOM = 1 << 4, HAVE_PIDS = 1 << 5, HAVE_PIDS_PEAK = 1 << 6, HAVE_PIDS_EVENTS = 1 << 7,
	HAVE_PSI = 1 << 8, HAVE_FROZEN = 1 << 9, HAVE_IO = 1 << 10, HAVE_PSI_IO = 1 << 11,
	HAVE_IO_WAIT = 1 << 12, HAVE_IO_OPS = 1 << 13, HAVE_SWAP = 1 << 14,
};
/* Per-device I/O figures (io.stat / blkio.throttle.*) and limits (io.max / blkio.throttle.*_device):
 * a group rarely touches more devices than this; the totals count every device. */
#define CG_IO_DEVS 6
struct cg_io_dev {
	unsigned major, minor;
	uint64_t rbytes, wbytes, rios, wios;
};
struct cg_io_lim {
	unsigned major, minor;
	uint64_t v[4]; /* enum io_key (io.h): bytes/s, IOs/s; UNITS_MAX = none */
};
struct cg_stats {
	unsigned have;
	uint64_t cpu_user_us, cpu_system_us, cpu_usage_us;
	uint64_t nr_periods, nr_throttled, throttled_us;
	uint64_t mem_current, mem_peak, mem_max; /* mem_max: UNITS_MAX if unlimited */
	uint64_t swap_current;               /* HAVE_SWAP: where the kernel accounts swap */
	uint64_t oom_kills;
	uint64_t pids_current, pids_peak, pids_max, pids_refused;
	double psi_cpu_avg10, psi_mem_avg10; /* "some" avg10, percent (v2) */
	double cpu_limit_pct;                /* CPU quota in % of one CPU, 0 if none */
	bool frozen;
	uint64_t io_rbytes, io_wbytes, io_rios, io_wios; /* every device (HAVE_IO) */
	uint64_t io_wait_us;                 /* v2 io.stat cost.wait: time throttled by io.cost */
	double psi_io_avg10;
	int io_ndev, io_nlim;
	struct cg_io_dev io_dev[CG_IO_DEVS];
	struct cg_io_lim io_lim[CG_IO_DEVS];
};

/* What differs between v1 and v2: one table each (cgroup_v1.c, cgroup_v2.c). */
#define CG_LIMIT_FILES 4
struct cg_ops {
	const char *version;
	/* Let the children of dir_fd use ctrls (v2: cgroup.subtree_control; v1: nothing). */
	int (*enable_children)(int dir_fd, const char *path, unsigned ctrls, struct err *e);
	/* Make a new directory usable (v1 cpuset: copy cpus and mems from the parent). */
	int (*init_dir)(int parent_fd, int dir_fd, unsigned ctrls, struct err *e);
	int (*set_limit)(struct cgroup *cg, enum cg_limit limit, uint64_t value, struct err *e);
	/* The value in force, in set_limit's units (so that set_limit(get_limit()) restores it). */
	int (*get_limit)(struct cgroup *cg, enum cg_limit limit, uint64_t *value, struct err *e);
	int (*set_cpus)(struct cgroup *cg, const char *list, struct err *e);
	int (*kill_all)(struct cgroup *cg, struct err *e);
	void (*read_stats)(struct cgroup *cg, struct cg_stats *st, unsigned what);
	int (*freeze)(struct cgroup *cg, bool frozen, struct err *e);
	/* The file (and controller) that signals OOM kills and pids-limit hits, for events.c. */
	const char *oom_file, *pids_events_file;
	/* Memory, pids and CPU limits and the freezer setting: only write(2) changes them, and
	 * every write raises inotify IN_MODIFY, so a dashboard can wait instead of polling. */
	struct cg_limit_file {
		enum cg_ctrl ctrl;
		const char *name;
	} limit_files[CG_LIMIT_FILES];
};
extern const struct cg_ops cg_v1_ops, cg_v2_ops;

/* One line of /proc/self/mountinfo (the mount point unescaped; superopts may be cut up by the
 * callback: it is a copy). */
struct cg_mount {
	const char *mountpoint, *fstype, *source;
	const char *devno; /* "MAJ:MIN" of the filesystem (st_dev) */
	char *superopts;
};
/* The one mountinfo parser: call fn for each line of TEXT until it returns nonzero. */
void cg_mountinfo_each(const char *text, int (*fn)(const struct cg_mount *m, void *arg), void *arg);
/* /proc/self/mountinfo, read whole (malloc'd, NUL-terminated), or NULL with e filled. */
char *cg_read_mountinfo(struct err *e);
/* This process's cgroup-v2 path ("0::/PATH" of /proc/self/cgroup) without the leading '/';
 * -1 with e filled (errnum ENOENT: no v2 line, a v1-only host). */
int cg_self_v2(char *out, size_t size, struct err *e);
/* Pure: fill mode and mount points from the text of /proc/self/mountinfo. */
void cg_parse_mountinfo(const char *text, struct cg_system *sys);
/* Read /proc/self/mountinfo and the v2 root's controllers. */
int cg_detect(struct cg_system *sys, struct err *e);
const char *cg_mode_name(enum cg_mode mode);
const char *cg_ctrl_name(enum cg_ctrl ctrl);
/* The controllers a v2 list names ("cpu io memory pids\n": cgroup.controllers,
 * cgroup.subtree_control), as CTRL_BIT()s; whole words only ("cpu" is not in "cpuset"). */
unsigned cg_parse_controllers(const char *text);
/* The name a v1 hierarchy is mounted with ("blkio" for CTRL_IO). */
const char *cg_ctrl_v1_name(enum cg_ctrl ctrl);
bool cg_has_controller(const struct cg_system *sys, enum cg_ctrl ctrl);

/* Create PARENT/NAME in every hierarchy serving ctrls (unavailable ones are skipped: the caller
 * has already refused options that need them). EEXIST is an error: libcgroup 2.0.2 would
 * report success and share the group. */
int cg_create(struct cgroup *cg, const struct cg_system *sys, const char *parent, const char *name,
	      unsigned ctrls, struct err *e);
/* Open an existing group (for gc); returns 0 even if only some hierarchies hold it, -1 (errnum
 * ENOENT; e may be NULL) if none does. */
int cg_open(struct cgroup *cg, const struct cg_system *sys, const char *parent, const char *name,
	    struct err *e);
int cg_fd(const struct cgroup *cg, enum cg_ctrl ctrl);
int cg_set_limit(struct cgroup *cg, enum cg_limit limit, uint64_t value, struct err *e);
int cg_set_cpus(struct cgroup *cg, const char *list, struct err *e);
/* What is in force now: a limit in cg_set_limit's units, the cpuset list ("" if none). */
int cg_get_limit(struct cgroup *cg, enum cg_limit limit, uint64_t *value, struct err *e);
int cg_get_cpus(struct cgroup *cg, char *list, size_t size, struct err *e);
/* Open cgroup.procs of every directory for writing, for cg_attach_self() in a child. */
int cg_open_procs(const struct cgroup *cg, int fds[CTRL_COUNT], struct err *e);
/* In the child, before exec: move the calling process into the group (async-signal-safe);
 * -1 with e filled (e may live in memory shared with the parent). */
int cg_attach_self(const int fds[CTRL_COUNT], int n, struct err *e);
/* Kill every process in the group (lifting a CPU quota first so teardown is not throttled)
 * and wait until it is empty. */
int cg_kill_all(struct cgroup *cg, struct err *e);
/* What to read: STATS_ALL for a report; a dashboard refresh reads the counters, leaves out the
 * v1 user/system split (two per-CPU sums) and reads the limits (which change rarely) only now
 * and then; the end of a run without --report reads only STATS_EVENTS (the OOM count). */
enum {
	STATS_SPLIT = 1 << 0,  /* v1 user/system split */
	STATS_LIMITS = 1 << 1, /* limits and freezer state */
	STATS_EVENTS = 1 << 2, /* OOM kill count (v1 memory.oom_control, v2 memory.events) and, on v2,
				* pids.events: files that notify (eventfd, inotify) when they change */
	STATS_PEAK = 1 << 3,   /* memory.peak / memory.max_usage_in_bytes, pids.peak */
	STATS_COUNTERS = 1 << 4, /* CPU usage and throttling, memory.current, pids.current,
				  * PSI; on v1 also pids.events (it does not notify) */
	STATS_ALL = STATS_SPLIT | STATS_LIMITS | STATS_EVENTS | STATS_PEAK | STATS_COUNTERS
};
void cg_read_stats(struct cgroup *cg, struct cg_stats *st);
/* After a read of only WHAT: take what was not read from the previous figures (limits, event
 * counts, v1 I/O operation counts, peaks as max(peak, current)). */
void cg_stats_carry(struct cg_stats *st, const struct cg_stats *prev, unsigned what);
void cg_read_stats_some(struct cgroup *cg, struct cg_stats *st, unsigned what);
int cg_freeze(struct cgroup *cg, bool frozen, struct err *e);
/* pread a cached counter file (opened on first use); returns its length, or -1 with e filled
 * (errnum ENOENT: the kernel or group has no such file). The sampler passes e NULL: an absent
 * counter is a blank column there, and a refresh does not format messages nobody reads. */
ssize_t cg_pread(struct cgroup *cg, enum cg_file_slot slot, enum cg_ctrl ctrl, const char *file,
		 char *buf, size_t size, struct err *e);
/* Same, parsed as one number ("max" -> UNITS_MAX); not a number is errnum EINVAL. */
int cg_pread_u64(struct cgroup *cg, enum cg_file_slot slot, enum cg_ctrl ctrl, const char *file,
		 uint64_t *out, struct err *e);
/* rmdir every directory with the groups the workload made below it (deepest first), retrying
 * on EBUSY for a bounded time; closes the fds. */
int cg_remove(struct cgroup *cg, struct err *e);
/* rmdir without killing: 0 if every directory is gone, -1 (errnum EBUSY, and the rest kept,
 * ready for cg_kill_all and cg_remove) if some hierarchy still holds a process. */
int cg_remove_if_empty(struct cgroup *cg, struct err *e);
void cg_close(struct cgroup *cg);

/* Shared by both versions: list PIDs in DIR/cgroup.procs; returns the count, or -1 with e filled
 * (e may be NULL where a vanished group just holds nothing). */
int cg_read_pids(int dir_fd, int *pids, int max, struct err *e);
/* Same for the group and every group below it (the workload's own sub-groups); returns the
 * total count, at most max of them stored. */
int cg_tree_pids(int dir_fd, int *pids, int max, struct err *e);
/* True when neither the group nor any group below it holds a process. */
bool cg_is_empty(const struct cgroup *cg);
/* Wait (bounded) until cg_is_empty(); -1 otherwise (errnum ETIMEDOUT; e may be NULL). */
int cg_wait_empty(const struct cgroup *cg, uint64_t timeout_ns, struct err *e);
/* Read an unsigned number (or "max") from a file in a directory fd; "max" -> UNITS_MAX; -1 with
 * e filled (may be NULL) otherwise. */
int cg_read_u64(int dir_fd, const char *file, uint64_t *out, struct err *e);

/* The group's path below the memory hierarchy's root, as the kernel names it in /dev/kmsg's
 * oom_memcg= ("climit/NAME"); "" without a memory directory. */
void cg_memcg_path(const struct cgroup *cg, char *out, size_t size);

#endif
