/* The commands (one file each in src/cmd/) and the run path they share. main.c dispatches. */
#ifndef CLIMIT_CMDS_H
#define CLIMIT_CMDS_H

#include <stdbool.h>

#include "cgroup.h"
#include "launch.h"
#include "scaudit.h"
#include "scfilter.h"
#include "spec.h"
#include "units.h"

/* What one run did, for climit run's exit and for fit's and sweep's tries. */
struct run_outcome {
	bool started;              /* the workload was launched (or --pid attached) */
	int status;                /* climit's exit status for it (exitcodes.h) */
	struct launch_result res;  /* how it ended, its wall time */
	struct cg_stats st;        /* the group's figures at the end */
	const char *how;           /* "exited", "signal", "oom_kill", "timeout", "interrupt", ... */
	bool teardown_ok;
	bool sampled_peaks;        /* a peak is the highest value sampled, not the kernel's */
	struct sc_event sc[16];    /* the syscall filter's audit records of the run (root) */
	int nsc, sc_total;
	const struct sc_event *sc_fatal; /* the call that ended it with SIGSYS, if known */
	char name[NAME_MAX_LEN + 1];
};

/* One run of o (o->argv, or --pid), from placement to cleanup: exactly climit run's path.
 * -1 with e when it was refused before anything ran (nothing left behind); else 0 with out
 * filled. QUIET: none of climit run's messages about the end (OOM kill, timeout). */
int run_workload(struct run_opts *o, const struct launch_signals *sigs, bool quiet, struct run_outcome *out,
		 struct err *e);
/* climit run --dry-run / doctor LIMITS: what would be enforced; 0 if all of it, else 1. */
int run_dry(struct run_opts *o);

/* Say e on stderr as climit's one line; returns 125 (exitcodes.h). */
int cmd_fail(const struct err *e);

int cmd_run(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_gc(int argc, char **argv);
int cmd_recv(const char *cmd, int argc, char **argv);
int cmd_ctl(const char *cmd, int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
