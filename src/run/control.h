/* Acting on a running container: `climit set|kill|freeze|thaw|wait|attach`, `climit run --pid`
 * and climit top's keys go through these (one implementation, two callers). */
#ifndef CLIMIT_CONTROL_H
#define CLIMIT_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "io.h"
#include "util.h"

/* Open running container NAME (its climit's registry record says where its group is). */
int ctl_open(const struct cg_system *sys, const char *name, struct cgroup *cg, struct err *e);

/* One change of `climit set`: a limit (in cg_set_limit's units) or the CPU list. */
struct ctl_change {
	bool is_cpus;
	enum cg_limit limit;
	uint64_t value;
	const char *cpus;
	const char *opt, *arg;  /* as typed ("--mem", "64M"), for messages; NULL: implied */
	/* Filled by ctl_set: what was in force before, and what the kernel reads back after. */
	uint64_t old, now;
	char old_cpus[256], now_cpus[256];
	bool written;
};

#define CTL_MAX_CHANGES 8
#define CTL_MAX_NOTES 4
struct ctl_set {
	struct ctl_change ch[CTL_MAX_CHANGES];
	int n;
	bool force;             /* lower memory below what the group uses now */
	const struct io_opts *io; /* --io-*, devices resolved (io_resolve); NULL or none given: no change */
	/* Filled by ctl_set: what the kernel did that the caller should hear about. */
	char notes[CTL_MAX_NOTES][256];
	int nnotes;
	/* ... and each of io->dev's limits before and after, and the weight as the kernel's file has
	 * it (weight_plan.file) before and after. */
	struct cg_io_lim io_old[IO_DEVS], io_now[IO_DEVS];
	struct io_weight_plan weight_plan;
	char weight_old[16], weight_now[16];
};

/* The --io-* options of s, NULL if none were given. */
const struct io_opts *ctl_io(const struct ctl_set *s);
/* Add a change (the caller's parser has validated the value). */
void ctl_add(struct ctl_set *s, enum cg_limit limit, uint64_t value, const char *opt, const char *arg);
void ctl_add_cpus(struct ctl_set *s, const char *cpus, const char *opt);
/* All or nothing: check every change against the group first (memory below its usage is refused
 * unless s->force; an I/O weight where the disk's scheduler has none), write them in order (the
 * limits, then each disk's I/O limits, then the I/O weight), and if a write fails, write back the
 * old values of the ones already written. Then read back what is in force (ch[i].now) and note what the kernel did
 * (reclaimed, OOM-killed, a pids limit below the tasks running). */
int ctl_set(struct cgroup *cg, struct ctl_set *s, struct err *e);
/* Words for a limit value: "64M", "50%", "100", "max". */
void ctl_format(enum cg_limit limit, uint64_t v, char *buf, size_t size);
const char *ctl_limit_name(enum cg_limit limit); /* "memory", "pids", "cpu", ... */

/* SIGKILL: kill everything and wait until the group is empty (as on --timeout); another signal:
 * send it to every process of the group and its sub-groups. Returns how many got it. */
int ctl_kill(struct cgroup *cg, int sig, struct err *e);
int ctl_freeze(struct cgroup *cg, bool frozen, struct err *e);
/* Until the group has no process left or is removed (0), timeout_ns passes (-1, ETIMEDOUT;
 * 0 = no timeout), or a signal in stop interrupts (-1, EINTR). st gets the last figures read. */
int ctl_wait(struct cgroup *cg, uint64_t timeout_ns, struct cg_stats *st, struct err *e);

/* Move PID with all its threads into cg (v1: every hierarchy, each thread; v2: cgroup.procs);
 * with children, its descendants too. Refuses PID 1, kernel threads, climit itself and (for a
 * normal user) another user's processes. Returns how many processes moved. */
int ctl_attach(struct cgroup *cg, pid_t pid, bool children, struct err *e);
/* The same checks without moving anything (for `climit run --pid` before it makes a group). */
int ctl_check_pid(pid_t pid, struct err *e);
/* comm of PID ("" if gone). */
void ctl_comm(pid_t pid, char *buf, size_t size);

#endif
