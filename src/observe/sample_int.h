/* The sampler's parts, private to sample.c, sample_proc.c, sample_events.c and sample_act.c:
 * sample.c scans and derives; sample_proc.c is libproc2 (loaded with dlopen when a sampler
 * opens) and a group's processes; sample_events.c ties OOM kills and seccomp records to groups
 * and waits for events; sample_act.c acts on a group or steers a replay. */
#ifndef CLIMIT_SAMPLE_INT_H
#define CLIMIT_SAMPLE_INT_H

#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/pids.h>
#include <stdbool.h>
#include <stddef.h>

#include "sample.h"

/* libproc2 is loaded when a sampler opens, not when climit starts: it pulls in libsystemd and
 * six more libraries (gcrypt, lzma, zstd, lz4, gpg-error, cap), and mapping them cost every
 * `climit run` about 3 ms (`climit --version` 5.0 ms against 2.0 ms for /bin/true, measured with
 * hyperfine on this machine) although only top, ls and stats use it. */
struct sample_proc2 {
	bool tried, ok;
	int (*pids_new)(struct pids_info **, enum pids_item *, int);
	struct pids_fetch *(*pids_select)(struct pids_info *, unsigned *, int, enum pids_select_type);
	int (*pids_unref)(struct pids_info **);
	int (*meminfo_new)(struct meminfo_info **);
	struct meminfo_result *(*meminfo_get)(struct meminfo_info *, enum meminfo_item);
	int (*meminfo_unref)(struct meminfo_info **);
	int (*loadavg)(double *, double *, double *);
};
extern struct sample_proc2 proc2;
/* NULL, or why libproc2 cannot be used. */
const char *sample_proc2_load(void);

/* NAME (LEN bytes) is a systemd scope's directory ("climit-NAME-1234.scope"). */
bool sample_is_scope(const char *name, size_t len);
/* Calls a seccomp filter refused (or logged), each under the group of its audit session. */
void sample_seccomp_events(struct sampler *s);
/* OOM kills no group's counter claimed (a group already gone), logged from kmsg alone. */
void sample_orphan_kills(struct sampler *s);

#endif
