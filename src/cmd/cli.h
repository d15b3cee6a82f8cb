/* Command-line parsing into plain structs; no side effects beyond reading sysconf. */
#ifndef CLIMIT_CLI_H
#define CLIMIT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "io.h"
#include "isolate.h"
#include "spec.h"
#include "ui.h"
#include "util.h"

struct gc_opts {
	const char *parent;
	bool help;
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
/* climit [CMD] --completion-helper: CMD's long options from its table (NULL or "run": climit
 * run's), for shell completion; -1 if CMD is not one of cli.c's (fit and sweep answer it). */
int cli_complete(const char *cmd, FILE *f);
void cli_usage_doctor(void);
void cli_usage_gc(void);

#endif
