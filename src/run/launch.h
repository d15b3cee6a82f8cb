/* Starting the workload inside its cgroup before its first instruction, forwarding signals,
 * enforcing --timeout, and waiting for it. */
#ifndef CLIMIT_LAUNCH_H
#define CLIMIT_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "isolate.h"
#include "util.h"

enum launch_stage { STAGE_NONE, STAGE_ATTACH, STAGE_SETUP, STAGE_EXEC };

struct launch_result {
	int wait_status;          /* from waitpid() */
	enum launch_stage failed; /* set if the child could not be placed or exec'd */
	struct err failed_err;    /* the child's own report: errnum, and for STAGE_SETUP what went
				   * wrong inside the namespaces */
	bool timed_out;           /* --timeout expired: the group was killed */
	bool interrupted;         /* second SIGINT: the group was killed */
	bool placed_by_clone3;    /* CLONE_INTO_CGROUP was used (v2) */
	unsigned audit_session;   /* the filtered workload's audit session, 0 if none */
	uint64_t wall_ns;
	int got_signal;            /* the last signal climit itself got while waiting (0: none) */
};

/* What the workload inherits from climit's own caller: restored in the child before exec. */
struct launch_signals {
	sigset_t mask;
	struct sigaction actions[8];
};

/* Take the signals climit handles (block them, and un-ignore them: a background job of a
 * non-interactive shell starts with SIGINT and SIGQUIT ignored, and climit must still see
 * them, as timeout(1) does). Called before anything is created, so an early Ctrl-C cannot kill
 * climit between mkdir and cleanup. */
int launch_take_signals(struct launch_signals *saved, struct err *e);
/* Someone watching the run (the recorder): fd is polled with the signals, on_fd called when it
 * is readable; on_note hears what the wait loop did (kind "signal", "timeout", "interrupt"). */
struct launch_hooks {
	int fd;
	void (*on_fd)(void *ctx);
	void (*on_note)(void *ctx, const char *kind, const char *text);
	void *ctx;
};

/* Run argv in cg. Returns 0 when the child was started and reaped (see res), -1 on climit's own
 * failure before the child existed. */
int launch_run(struct cgroup *cg, char **argv, uint64_t timeout_ns, const struct launch_signals *sigs,
	       const struct iso_opts *iso, const struct launch_hooks *hooks, struct launch_result *res,
	       struct err *e);

#endif
