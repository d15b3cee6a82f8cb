/* Command-line parsing into plain structs; no side effects beyond reading sysconf. */
#ifndef CLIMIT_CLI_H
#define CLIMIT_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "io.h"
#include "isolate.h"
#include "util.h"

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

/* Every limit is UNSET unless the option was given. */
#define OPT_UNSET (UINT64_MAX - 1)

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
	uint64_t record_interval_ns;
	bool help, version;
	struct iso_opts iso;   /* namespaces, rootfs, credentials (isolate.h) */
	char **argv;           /* the workload's command */
};

struct gc_opts {
	const char *parent;
	bool help;
};

struct top_opts {
	uint64_t delay_ns;     /* -d: refresh interval (default 1 s) */
	uint64_t iterations;   /* -n: frames before exiting; 0 = until q */
	bool batch, json, all, help;
	bool prometheus;       /* --prometheus[=ADDR:PORT]: serve metrics over HTTP */
	const char *prom_addr; /* NULL: 127.0.0.1:9479 */
	const char *prom_file; /* --prometheus-file: written atomically every refresh */
	const char *parent;    /* NULL: place_default_parent() */
	const char *name;      /* stats: the container */
	bool explain;          /* stats --explain: effective limits up the tree (doctor.h) */
	const char *record;    /* top --record FILE */
	const char *replay;    /* top --replay FILE (climit replay FILE) */
	double speed;          /* --replay's starting pace */
	bool delay_given;
};

/* `climit set|kill|freeze|thaw|wait|attach NAME ...` */
struct ctl_opts {
	const char *cmd;
	const char *name;
	struct run_opts lim;   /* set: the limits given (OPT_UNSET otherwise; lim.arg[] as typed) */
	int sig;               /* kill: SIGKILL unless given */
	bool force, json, children, help;
	uint64_t timeout_ns;   /* wait --timeout */
	int pids[64];          /* attach */
	int npids;
};
int cli_parse_ctl(const char *cmd, int argc, char **argv, struct ctl_opts *o, struct err *e);
void cli_usage_ctl(const char *cmd);

/* Parse `climit top|ls|stats OPTIONS`; cmd is "top", "ls" or "stats". */
int cli_parse_top(const char *cmd, int argc, char **argv, struct top_opts *o, struct err *e);
void cli_usage_top(const char *cmd);

/* Parse `climit [run] OPTIONS [--] CMD [ARGS]`; argv starts after "run" (or at argv[1]).
 * Returns 0 or -1 with e filled as "--opt: \"value\": reason". */
int cli_parse_run(int argc, char **argv, struct run_opts *o, struct err *e);
/* climit export|plot|replay FILE...: reading recordings. */
struct recv_opts {
	const char *cmd;
	const char *files[8];
	int nfiles;
	int format;            /* export: enum export_format */
	const char *out;       /* export: -o (NULL: stdout); plot: -o (required) */
	unsigned width, height;/* plot --size (pixels; pdf: 1/100 inch) */
	const char *title;     /* plot --title */
	double speed;          /* replay --speed */
	bool help;
};
int cli_parse_recv(const char *cmd, int argc, char **argv, struct recv_opts *o, struct err *e);
void cli_usage_recv(const char *cmd);
int cli_parse_gc(int argc, char **argv, struct gc_opts *o, struct err *e);

void cli_usage_run(void);
void cli_usage_doctor(void);
void cli_usage_gc(void);

#endif
