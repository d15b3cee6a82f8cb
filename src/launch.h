/* Starting the workload inside its cgroup before its first instruction, forwarding signals,
 * enforcing --timeout, and waiting for it. */
#ifndef CLIMIT_LAUNCH_H
#define CLIMIT_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "util.h"

enum launch_stage { STAGE_NONE, STAGE_ATTACH, STAGE_EXEC };

struct launch_result {
	int wait_status;          /* from waitpid() */
	enum launch_stage failed; /* set if the child could not be placed or exec'd */
	int failed_errno;
	bool timed_out;           /* --timeout expired: the group was killed */
	bool interrupted;         /* second SIGINT: the group was killed */
	bool placed_by_clone3;    /* CLONE_INTO_CGROUP was used (v2) */
	uint64_t wall_ns;
};

/* The signals climit handles itself; block them (launch_block_signals) before creating anything
 * so an early Ctrl-C cannot kill climit between mkdir and cleanup. */
void launch_block_signals(sigset_t *old);
/* Run argv in cg. Returns 0 when the child was started and reaped (see res), -1 on climit's own
 * failure before the child existed. */
int launch_run(struct cgroup *cg, char **argv, uint64_t timeout_ns, const sigset_t *child_mask,
	       struct launch_result *res, struct err *e);

#endif
