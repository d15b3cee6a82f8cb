/* seccomp: the syscall filter a workload gets (libseccomp, loaded with dlopen only when a filter
 * is asked for). Built by climit before the launch, as a BPF program in memory; installed by the
 * workload's process right before execve with one system call (async-signal-safe, so it also
 * works in the vfork-style child of a plain run).
 *
 * Profiles:
 *  - default (what --isolate gets): Docker's default profile, expressed as the calls it denies
 *    (or allows only with a capability the container keeps), each denied with EPERM; clone3 is
 *    ENOSYS so that libc falls back to clone, whose namespace flags can be checked; the tty
 *    ioctls TIOCSTI and TIOCLINUX (typing into the caller's terminal, CVE-2017-5226) are EPERM.
 *  - a Docker/OCI seccomp JSON profile (jansson, also loaded with dlopen).
 *  - unconfined: none.
 * The filter covers x86_64, i386 and x32 alike (a call through int 0x80 gets the same rules). */
#ifndef CLIMIT_SCFILTER_H
#define CLIMIT_SCFILTER_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum sc_mode { SC_AUTO, SC_DEFAULT, SC_UNCONFINED, SC_FILE };
#define SC_NAMES 64

struct sc_opts {
	enum sc_mode mode;       /* SC_AUTO: default with --isolate, none without */
	const char *file;        /* SC_FILE */
	char *text;              /* its contents, read once by sc_build (hashed for the cache, parsed) */
	size_t text_len;
	const char *arg;         /* --seccomp as typed */
	bool log;                /* --seccomp-log: log instead of deny */
	const char *allow_arg, *deny_arg; /* as typed */
	const char *allow[SC_NAMES], *deny[SC_NAMES];
	int nallow, ndeny;
	/* Built by sc_build: the BPF program, NULL if none. */
	void *prog;              /* struct sock_filter[] */
	unsigned short len;
	void *quiet;             /* the ENOSYS answers, installed first and not logged (or NULL) */
	unsigned short quiet_len;
	char summary[128];       /* "default (Docker's), 71 rules" for the report */
	char session[16];        /* login uid to write for a new audit session ("": none) */
};

/* Pure: a comma list of syscall names into out (pointers into a copy kept by the caller). */
int sc_parse_names(char *list, const char **out, int *n, const char **why);
/* Build the filter climit's options ask for (caps_kept: the capabilities the workload keeps,
 * which lift Docker's capability-gated denials). 0 with o->prog set (or NULL: no filter), or -1
 * with e filled as "--seccomp...: reason" (125: nothing has been created yet). */
int sc_build(struct sc_opts *o, bool isolate, uint64_t caps_kept, struct err *e);
/* In the workload, right before execve: no_new_privs where the kernel requires it, then the
 * filter. Async-signal-safe; -1 with errno. */
int sc_install(const struct sc_opts *o);
/* The actions of the filter that end a process with SIGSYS (a bit each). */
enum { SC_FATAL_KILL = 1, SC_FATAL_TRAP = 2 };
unsigned sc_fatal_actions(const struct sc_opts *o);
#endif
