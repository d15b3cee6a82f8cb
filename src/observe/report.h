/* End-of-run resource summary (--report), as text or one JSON object, on stderr. */
#ifndef CLIMIT_REPORT_H
#define CLIMIT_REPORT_H

#include <stdio.h>

#include "cgroup.h"
#include "scaudit.h"
#include "spec.h"
#include "launch.h"
#include "recorder.h"

struct report {
	const char *name;
	const char *cgroup_mode;
	const char *kill_method;    /* how the group was emptied at the end */
	int exit_status;
	const struct launch_result *res;
	const struct cg_stats *st;
	uint64_t mem_limit, pids_limit, cpu_quota_us; /* as asked: UNITS_MAX or OPT_UNSET if none */
	const struct io_opts *io;   /* how each --io-* device was chosen (NULL: none) */
	const struct sc_opts *sc;   /* the syscall filter, NULL if none */
	const struct sc_event *sc_calls; /* what it refused or logged (from the audit records) */
	int nsc, sc_total;
	unsigned sc_session;        /* 0: no audit session, so nothing could be attributed */
	const char *end;            /* how it ended: exited, signal, oom_kill, timeout, seccomp_kill, ... */
	const struct sc_event *sc_fatal; /* the call a seccomp kill or trap action stopped, NULL: unknown */
	const struct spark *spark;  /* memory, CPU and tasks over the run (text on a terminal), or NULL */
};

void report_print(FILE *f, enum report_format fmt, const struct report *r);
/* The group's figures without a run around them (climit wait): "what" says how it ended. */
void report_print_figures(FILE *f, enum report_format fmt, const char *name, const char *what,
			  const struct cg_stats *st);

#endif
