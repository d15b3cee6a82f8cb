/* climit doctor: what this host gives climit, what a command line would really get, and which
 * limit binds a running container (walking up the tree, the lowest ancestor limit wins). */
#ifndef CLIMIT_DOCTOR_H
#define CLIMIT_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

#include "cgroup.h"
#include "spec.h"

struct doc_line {
	char state;        /* '+' works, '-' does not (fix says what to do), 'i' information */
	char what[64];     /* "cgroup mode", "swap accounting", "--mem 8G", ... */
	char detail[320];
	char fix[320];     /* for '-': the exact fix */
};

struct doctor {
	struct doc_line l[48];
	int n;
};

/* The host: cgroup mode and controllers, delegation (normal user), swap accounting, CFS
 * bandwidth, PSI, user namespaces, overlayfs in them, clone3 / CLONE_INTO_CGROUP, cgroup.kill,
 * /dev/kmsg, libproc2, systemd. */
void doctor_host(const struct cg_system *sys, struct doctor *d);
/* What `climit run` with these options would enforce, and what not (and why). o is run_opts as
 * cli_parse_run fills it (a command is not needed). */
void doctor_limits(const struct cg_system *sys, struct run_opts *o, struct doctor *d);
/* climit stats NAME --explain: each resource's effective limit up the tree and whether it binds. */
void doctor_explain(struct cgroup *cg, struct doctor *d);
/* How many lines are '-'. */
int doctor_failures(const struct doctor *d);

/* The checks for people (✓/✗ and the fix) or as a JSON array. */
void doctor_print(FILE *f, const struct doctor *d, bool json, bool utf8);

#endif
