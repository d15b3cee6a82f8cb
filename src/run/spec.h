/* What to run and how: the limits, the placement, the isolation, what to report. The command
 * line fills it (src/cmd/cli.c), and so does anything that runs a workload (climit fit's tries);
 * the run path below reads it (place, launch, report, doctor). */
#ifndef CLIMIT_SPEC_H
#define CLIMIT_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "io.h"
#include "isolate.h"
#include "scfilter.h"
#include "units.h"

enum report_format { REPORT_NONE, REPORT_TEXT, REPORT_JSON };
/* Who creates the group: cgroupfs directly, or a systemd scope (systemd.h); auto picks systemd
 * on a cgroup-v2 host booted with systemd unless --parent names a place. */
enum cg_manager { MGR_AUTO, MGR_CGROUPFS, MGR_SYSTEMD };

/* The smallest --mem accepted (see cli.c). */
#define CLI_MIN_MEM (1024 * 1024)

/* --record-interval: default and bounds. */
#define REC_INTERVAL_DEFAULT 100000000ull
#define REC_INTERVAL_MIN 10000000ull
#define REC_INTERVAL_MAX 3600000000000ull

struct run_opts {
	uint64_t mem_max;      /* bytes or UNITS_MAX */
	uint64_t mem_high;
	uint64_t swap_max;
	uint64_t pids_max;
	uint64_t cpu_quota_us; /* per CPU_PERIOD_US, or UNITS_MAX */
	uint64_t cpu_weight;
	const char *cpus;      /* cpuset list, already validated */
	struct io_opts io;     /* --io-*: parsed here, devices resolved by io_resolve() */
	struct sc_opts sc;     /* --seccomp*: the filter is built by sc_build() */
	bool isolate;          /* --isolate (it brings the default filter) */
	const char *arg[LIMIT_CPU_WEIGHT + 1]; /* each limit as typed, by enum cg_limit (NULL: not given) */
	int pid;               /* --pid: a running process gets the new group (0: run argv) */
	bool children, wait;   /* --pid's --children and --wait */
	bool dry_run, json;    /* --dry-run (climit doctor): say what would be enforced; argv may be NULL */
	const char *name;      /* NULL: generated */
	const char *parent;    /* default "climit" */
	bool parent_given;     /* --parent: cgroupfs placement there, never systemd's */
	enum cg_manager manager;
	uint64_t timeout_ns;   /* 0: none */
	enum report_format report;
	const char *record;    /* --record FILE */
	const char *report_file; /* --report-file FILE: the JSON report appended, a line per run */
	uint64_t record_interval_ns;
	bool sample_peaks;     /* sample the group every record_interval_ns even without --record, for
				* peaks where the kernel keeps none (climit fit on v2 before 5.19/6.11) */
	bool help, version;
	struct iso_opts iso;   /* namespaces, rootfs, credentials (isolate.h) */
	char **argv;           /* the workload's command */
};

#endif
