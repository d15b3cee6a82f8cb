/* Snapshots of every climit group (or every cgroup with --all) for climit top/ls/stats: counters
 * read with pread on cached fds, rates from the previous snapshot, a short history, host totals
 * and per-group process lists through libproc2. The UI reads only this API. */
#ifndef CLIMIT_SAMPLE_H
#define CLIMIT_SAMPLE_H

#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <poll.h>
#include <sys/types.h>

#include "cgroup.h"
#include "control.h"
#include "events.h"
#include "record.h"

struct replay;

#define HIST_LEN 64

struct sample_group {
	char path[512];   /* relative to the hierarchy root, e.g. "climit/web-1" */
	char name[256];   /* what the UI shows: the name under the parent, or path with --all */
	int depth;        /* --all: depth in the tree (0 = top level) */
	struct cgroup cg;
	struct cg_stats st, prev;
	bool have_prev;
	uint64_t t_ns, prev_t_ns;
	/* Derived over the last interval. */
	double cpu_pct;          /* of one CPU */
	double cpu_limit_pct;    /* quota in % of one CPU; 0 = none */
	double throttled_pct;    /* share of CFS periods that were throttled */
	double refused_rate;     /* forks refused by pids.max per second */
	double io_read_rate, io_write_rate; /* bytes per second, every device */
	/* History for sparklines (oldest first when read through sample_history). */
	float hist_cpu[HIST_LEN], hist_mem[HIST_LEN], hist_pids[HIST_LEN];
	int hist_n, hist_pos;
	uint64_t event_ns;       /* last OOM kill / pids-limit hit seen (monotonic), for highlighting */
	uint64_t acked_ns;       /* the event_ns the dashboard's user has seen (selected the row) */
	unsigned audit_ses;      /* the audit session of its processes (0: not known yet) */
	uint64_t seccomp_calls;  /* calls its filter refused or logged, seen since the sampler opened */
	bool seen;
	bool limits_stale;       /* changed through this sampler: re-read them next refresh */
	bool events_dirty;       /* its OOM/pids event file signalled a change since the last read */
	struct group_watch watch;
};

struct host_totals {
	unsigned ncpus;
	double load[3];
	uint64_t mem_total, mem_used; /* bytes */
};

struct proc_row {
	int pid, ppid;
	char state;
	uint64_t rss;      /* bytes */
	double cpu_sec;
	char comm[64];
	char cmdline[256];
};

struct sampler {
	struct cg_system sys;
	char parent[256];
	bool all;
	struct sample_group **groups;
	int ngroups, cap;
	struct host_totals host;
	struct events ev;
	uint64_t refreshes;
	bool full;                  /* read every file every refresh (ls, stats: one-shot views) */
	int *index, index_cap;      /* groups by path (see find_path); cap 0: none */
	void *pids_info, *mem_info; /* libproc2 handles */
	struct pollfd *pfds;        /* sampler_wait's array, grown with the groups */
	int npfd_cap;
	struct rec_writer *rec;     /* top --record: every refresh is written there (NULL: not) */
	int rec_events_seen;        /* event log entries already written */
	const struct sample_source *src; /* the snapshots come from it, not cgroupfs (a replay) */
};

int sampler_open(struct sampler *s, const char *parent, bool all, struct err *e);
/* A sampler whose refreshes come from SRC (no cgroupfs at all): a recording (replay.h). */
int sampler_open_source(struct sampler *s, const struct sample_source *src, struct err *e);
/* The group PATH of a sampler without cgroupfs (replay), made if new; NULL without memory. */
struct sample_group *sampler_bare_group(struct sampler *s, const char *path);
void sampler_drop_unseen(struct sampler *s);
/* Replay controls for the dashboard (no-ops for a live sampler); see replay.h. */
enum replay_cmd { REPLAY_PAUSE, REPLAY_STEP, REPLAY_SEEK, REPLAY_SPEED, REPLAY_JUMP };
/* Snapshots from elsewhere than cgroupfs, behind an interface so that the sampler knows none of
 * its sources (replay.c implements it over a recording). */
struct sample_source {
	int (*fill)(struct sampler *s, void *ctx);   /* one refresh's groups; returns how many */
	void (*control)(void *ctx, enum replay_cmd cmd, double arg);
	bool (*status)(void *ctx, char *buf, size_t size);
	bool (*ended)(void *ctx);                    /* shown its last snapshot */
	void *ctx;
};
void sampler_replay(struct sampler *s, enum replay_cmd cmd, double arg);
/* "replay FILE  12.3 s of 60.0 s  x2  paused" or false for a live sampler. */
bool sampler_replay_status(struct sampler *s, char *buf, size_t size);
/* A replay has shown its last sample (false for a live sampler). */
bool sampler_replay_ended(struct sampler *s);
/* Rescan the groups (appearing and vanishing groups are normal) and read every counter. */
int sampler_refresh(struct sampler *s);
void sampler_close(struct sampler *s);
struct sample_group *sampler_find(struct sampler *s, const char *name);
/* The processes of a group: PIDs from cgroup.procs, details through libproc2's select by PID
 * (not a full /proc scan). Returns the count (at most max). */
int sampler_processes(struct sampler *s, struct sample_group *g, struct proc_row *rows, int max);
/* Copy history series (0 cpu %, 1 memory bytes, 2 pids) oldest first; returns the count. */
int sample_history(const struct sample_group *g, int series, float *out, int max);
/* Sleep until timeout_ns passes, an OOM/pids event fires (returns 1), or extra_fd (-1: none)
 * becomes readable (returns 2); 0 on timeout. EINTR (SIGWINCH, SIGTERM) returns 3. With mask,
 * the wait runs under that signal mask (ppoll): a caller that blocks its quit signals while it
 * checks its flag gets them here, with no window between the check and the wait. */
int sampler_wait(struct sampler *s, uint64_t timeout_ns, int extra_fd, const sigset_t *mask);
/* Limits and actions the UI may take, through the core. */
int sampler_set_limits(struct sampler *s, struct sample_group *g, struct ctl_set *cs, struct err *e);
int sampler_kill(struct sampler *s, struct sample_group *g, struct err *e);
int sampler_freeze(struct sampler *s, struct sample_group *g, bool frozen, struct err *e);

#endif
