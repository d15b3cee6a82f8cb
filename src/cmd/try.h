/* One try of a command under a set of limits, for climit fit and climit sweep: an ordinary run
 * (run_workload: climit run's placement, launch, cleanup and exit codes) with the command's
 * standard input from /dev/null, its output discarded and its standard error kept (the tail is
 * shown when a run fails), and what the run did read back from the group. */
#ifndef CLIMIT_TRY_H
#define CLIMIT_TRY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cmds.h"

/* Why a try failed, or that it passed. */
enum verdict { V_PASS, V_OOM, V_REFUSED, V_EXIT, V_SLOW, V_TIMEOUT, V_SIGNAL, V_NOSTART, V_STOPPED };
const char *verdict_name(enum verdict v);

struct try {
	int k;                 /* 1, 2, ... in the order run */
	const char *phase;     /* "baseline", "memory", "cpu", "pids", "confirm memory", ..., "joint" */
	uint64_t mem, pids;    /* the limits tried; 0: none */
	unsigned cpu_pct;      /* % of one CPU; 0: none */
	double wall, cpu;      /* seconds */
	uint64_t mem_peak, pids_peak, oom_kills, refused, periods, throttled;
	bool have_mem_peak, have_pids_peak;
	int status;            /* climit's exit status for the run */
	enum verdict v;
	char why[160];         /* a failure's detail: "exit 3", the signal */
	int stop_sig;          /* V_STOPPED: the signal climit got (SIGINT, SIGTERM, SIGHUP) */
};

/* What every try shares: the command as climit run would run it, signals, where output goes. */
struct tryer {
	struct run_opts base;  /* the command and placement, no limits */
	struct launch_signals sigs;
	const char *prepare;   /* --prepare: sh -c before each try, outside the limits (NULL: none) */
	const char *record_dir;/* --record DIR: DIR/try-NN.jsonl per try */
	const char *tag;       /* group names: climit-TAG-PID-K */
	int devnull, errmem;   /* the command's stdin/stdout, and a memory file for its stderr */
	int saved[3];          /* climit's own 0, 1, 2 while a try runs */
	FILE *msg;             /* climit's stderr (progress lines) */
	int next_k;
	bool sample_peaks;     /* the kernel keeps no memory or task peak: sample them */
};

int tryer_init(struct tryer *t, char **argv, const char *tag, struct err *e);
void tryer_close(struct tryer *t);
/* Run the command once with these limits (0: none; mem also caps swap at 0) and at most
 * timeout_ns; fill out (phase, limits, figures; the verdict is the caller's). -1 with e when
 * climit could not run it at all (nothing left behind). */
int tryer_run(struct tryer *t, const char *phase, uint64_t mem, unsigned cpu_pct, uint64_t pids, uint64_t timeout_ns,
	      struct try *out, struct err *e);
/* The last lines of the command's standard error in the last try, on one line. */
void tryer_stderr_tail(struct tryer *t, char *buf, size_t size);
/* A stop asked for (SIGINT, SIGTERM, SIGHUP to climit): the signal, or 0. */
int tryer_stop_signal(const struct tryer *t, const struct try *last);
/* The verdict of a run on its own terms: exit 0, no OOM kill, no refused fork (V_PASS), or why
 * not; fit adds the slowdown, sweep uses it as is. */
enum verdict try_outcome(struct try *t);
/* The verdict in words: "pass", "oom", "exit 3", "slow (limit 2.045 s)". */
void try_verdict_text(const struct try *t, char *buf, size_t size);
/* The median of n values (sorts them); 0 for none. */
double try_median(double *v, int n);

#endif
