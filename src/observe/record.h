/* The recording format (climit-interfaces(7), RECORDINGS): JSON Lines, one complete record per
 * line, written with one write(2) per flush so that a climit killed at any moment leaves a file
 * that parses up to its last line. Writer and reader both go through one table of sample
 * fields, so what is written is what is read back. */
#ifndef CLIMIT_RECORD_H
#define CLIMIT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cgroup.h"
#include "outfile.h"
#include "util.h"

#define REC_FORMAT "climit-record"
/* 2: one name per quantity across climit's outputs, units in the names (cpu_usage_seconds,
 * memory_peak_bytes, pids_limit, ...); version 1 recordings are still read. */
#define REC_VERSION 2

/* The sample fields: name in the file, where in struct cg_stats, the HAVE_ bit that says it was
 * read. Limits (REC_LIMIT) are null when there is none. */
/* REC_USEC: kept in microseconds, written as seconds (version 1 wrote microseconds). */
enum rec_kind { REC_U64, REC_DBL, REC_LIMIT, REC_PCT_LIMIT, REC_USEC };
struct rec_field {
	const char *name;
	const char *v1;    /* its name in format version 1 (read back still) */
	enum rec_kind kind;
	size_t off;
	unsigned have;
	const char *what;  /* for the documentation and the CSV/OpenMetrics help text */
};
extern const struct rec_field rec_fields[];
extern const size_t rec_nfields;

/* ---- writing ---- */
struct rec_writer {
	int fd;                 /* -1: not recording (or stopped after a write error) */
	struct out_file out;    /* the file's directory and name (its fd is the one above) */
	char path[1024];
	uint64_t start_ns;      /* CLOCK_MONOTONIC of t = 0 */
	FILE *mem;              /* records formatted since the last flush */
	char *buf;
	size_t len;
	bool failed;            /* a write failed: said once on stderr, recording stopped */
	bool created;           /* rec_open made the file (else it existed: truncated by rec_header) */
	bool started;           /* the header is out: a later write error is said on stderr */
	int errnum;             /* of the failed write */
	uint64_t written;       /* bytes in the file: a flush cut short by a full disk is undone */
};

/* What the header says about the run (run: limits as asked; top: the parent it watches). */
struct rec_header {
	const char *source;     /* "run" or "top" */
	char *const *argv;      /* the command (run) or climit's own (top) */
	const char *name, *cgroup, *cgroup_version;
	uint64_t interval_ns;
	uint64_t mem_max, mem_high, swap_max, pids_max, cpu_quota_us, cpu_weight; /* OPT_UNSET: not given */
	const char *cpus;
	uint64_t timeout_ns;
};

/* Open PATH for writing, creating it: called before anything else is made, so an unwritable
 * path is a 125 with nothing left behind. An existing file is left as it is until rec_header
 * (a run refused before it starts keeps the old recording; /dev/null stays /dev/null). */
int rec_open(struct rec_writer *w, const char *path, struct err *e);
/* The first record (an existing regular file is truncated first); -1 with e if it cannot be
 * written (a full disk): the run has not started, so that is a 125. */
int rec_header(struct rec_writer *w, const struct rec_header *h, struct err *e);
/* After a failure before the run: close, and remove the file if rec_open made it. */
void rec_discard(struct rec_writer *w);
/* One sample of one group at monotonic time now_ns. */
void rec_sample(struct rec_writer *w, uint64_t now_ns, const char *group, const struct cg_stats *st);
/* An event: KIND (oom_kill, pids_max, limit, signal, timeout, interrupt, seccomp), its text;
 * pid/comm/rss for an OOM kill (pid 0: unknown). */
void rec_event(struct rec_writer *w, uint64_t now_ns, const char *group, const char *kind, const char *text,
	       int pid, const char *comm, uint64_t rss);
void rec_end(struct rec_writer *w, uint64_t now_ns, int exit_status, const char *how);
/* Write what was formatted since the last flush (one write: whole lines only). */
void rec_flush(struct rec_writer *w);
void rec_close(struct rec_writer *w);

/* ---- reading ---- */
struct rec_sample {
	double t;               /* seconds since the start */
	int group;              /* index into rec_run.groups */
	struct cg_stats st;
};
struct rec_event {
	double t;
	int group;              /* -1: the run itself */
	char kind[16];
	char text[200];
	int pid;
	char comm[64];
	uint64_t rss;
};
struct rec_run {
	char path[1024];
	char *header_line;      /* the header record as written (JSON export keeps it whole) */
	int version;
	char source[8], climit[32], start[40], cgroup_version[8];
	char name[256], cgroup[512];
	char command[1024];     /* argv joined with spaces (titles) */
	double start_unix, interval;
	uint64_t mem_max, pids_max; /* as asked (UNITS_MAX: none) */
	double cpu_max_pct;         /* 0: none */
	char hostname[256], kernel[128];
	unsigned host_cpus;
	uint64_t host_mem;
	char (*groups)[256];
	int ngroups;
	struct rec_sample *s;
	size_t ns;
	struct rec_event *ev;
	size_t nev;
	bool ended;             /* an end record was read (otherwise climit was killed) */
	double end_t;
	int exit_status;
	char how[32];
};
/* Read a whole recording; -1 with e filled ("FILE: line N: why") on a missing, empty, truncated
 * or newer-version file. */
int rec_load(const char *path, struct rec_run *r, struct err *e);
void rec_free(struct rec_run *r);

/* Figures over the interval ending at sample cur (prev: the same group's sample before it, or
 * NULL). */
struct rec_rates {
	double cpu_pct;         /* of one CPU */
	double throttled_pct;   /* of the CFS periods */
	double refused_rate;    /* refused forks per second */
	double io_read_rate, io_write_rate;
};
void rec_rates(const struct rec_sample *prev, const struct rec_sample *cur, struct rec_rates *out);
/* The sample before s[i] of the same group, or NULL. */
const struct rec_sample *rec_prev(const struct rec_run *r, size_t i);

/* Field i of a sample as a number; false where it was not read, or is a limit that is none. */
bool rec_field_value(const struct cg_stats *st, size_t i, double *v);

/* Pure: parse one line into r (exported for the unit tests); -1 with why. */
int rec_parse_line(struct rec_run *r, const char *line, size_t len, const char **why);

#endif
