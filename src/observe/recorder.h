/* climit run --record / --report's sparklines: sample the run's group on a timer while the
 * wait loop runs (launch_hooks), write samples and events (record.h), keep a coarse history
 * for the report. The counter files are the group's cached descriptors (cg_pread). */
#ifndef CLIMIT_RECORDER_H
#define CLIMIT_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "events.h"
#include "launch.h"
#include "record.h"

/* A coarse history for one-line sparklines: when full, neighbouring buckets merge (the peak of
 * memory and pids, the mean of CPU) and each bucket covers twice the time. */
#define SPARK_N 40
struct spark {
	float mem[SPARK_N], cpu[SPARK_N], pids[SPARK_N];
	int n;                  /* complete buckets */
	int per, acc;           /* samples per bucket, samples in the one being filled */
	float acc_mem, acc_cpu, acc_pids;
	double seconds;         /* time covered */
};
void spark_add(struct spark *sp, float mem, float cpu, float pids);
/* The series as SPARK_N-or-fewer buckets, the one being filled included; returns the count. */
int spark_series(const struct spark *sp, int which, float *out);

struct recorder {
	struct rec_writer w;
	bool recording;         /* --record FILE */
	bool sparks;            /* keep struct spark for --report */
	int tfd;                /* the sampling timer */
	uint64_t interval_ns;
	struct cgroup *cg;
	char group[256];        /* the name written in samples */
	char memcg[CG_PATH_MAX];/* the group's path in the memory hierarchy (kmsg's oom_memcg) */
	struct cg_stats last;
	uint64_t max_mem, max_pids; /* the highest memory in use and task count sampled */
	bool have_last;
	uint64_t last_ns;
	uint64_t pids_event_ns; /* last pids-limit event written (one per second at most) */
	struct events *ev;      /* /dev/kmsg for OOM victims, inotify on the limit files */
	struct group_watch watch;
	unsigned samples;
	struct spark spark;
};

/* --record's file is created here, before the group (an unwritable path is a 125). */
int recorder_open(struct recorder *r, const char *path, uint64_t interval_ns, bool sparks, struct err *e);
/* After a failure before the run started: close and remove the file. */
void recorder_discard(struct recorder *r);
/* Write the header and the first sample, arm the timer, fill hooks for launch_run. */
int recorder_start(struct recorder *r, struct cgroup *cg, const struct rec_header *h, struct launch_hooks *hooks,
		   struct err *e);
/* The last sample (after the workload ended, before teardown) and the end record. */
void recorder_finish(struct recorder *r, int exit_status, const char *how);
void recorder_close(struct recorder *r);

#endif
