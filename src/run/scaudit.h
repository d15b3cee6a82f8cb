/* The kernel's record of what a seccomp filter did to a workload: audit records (type 1326)
 * read from the audit netlink multicast group or /dev/kmsg, the audit session that tells the
 * workload's records from everyone else's, and names for syscalls, architectures and actions. */
#ifndef CLIMIT_SCAUDIT_H
#define CLIMIT_SCAUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The name of syscall nr of audit architecture arch ("keyctl"); "" if unknown. Loads
 * libseccomp if needed. */
const char *sc_syscall_name(uint32_t arch, int nr, char *buf, size_t size);

/* One blocked (or, with --seccomp-log, logged) call, from an audit record (type=1326) in
 * /dev/kmsg: "... ses=7 ... pid=1234 comm="keyctl" ... arch=c000003e syscall=250 ...". */
struct sc_event {
	unsigned ses;
	int pid;
	char comm[32];
	char syscall[32];    /* its name, or the number */
	int nr;              /* the call's number */
	uint32_t arch;       /* its audit architecture (AUDIT_ARCH_*) */
	uint32_t action;     /* SECCOMP_RET_* of code= */
	int64_t ts_us;
};
/* Parse one /dev/kmsg record; false if it is not a seccomp audit record. */
bool sc_parse_audit(const char *rec, struct sc_event *ev);
/* The audit session a workload's calls are recorded under: climit gives the workload a session
 * of its own (writing /proc/self/loginuid, root only) so that its records can be told from
 * everyone else's. Value to write, computed before the fork ("" if not possible). */
void sc_session_prepare(char *value, size_t size);
/* In the child (async-signal-safe): write it. */
void sc_session_enter(const char *value);
/* Where the run's audit records will be read from, opened before the run: the audit netlink
 * multicast group where climit may read it (CAP_AUDIT_READ: works with auditd running, and has
 * no printk rate limit), else /dev/kmsg positioned at its end (-1: neither). *netlink says
 * which. */
int sc_events_open(bool *netlink);
/* The records of session ses read from fd: the first max kept in out, all counted in *total. */
int sc_collect(int fd, bool netlink, unsigned ses, struct sc_event *out, int max, int *total);
/* "x86_64", "i386" or "x32" for an event's architecture and number. */
const char *sc_arch_name(uint32_t arch, int nr);
/* What an action did, in one word: "refused", "logged", "killed", "trapped", "traced". */
const char *sc_action_name(uint32_t action);

#endif
