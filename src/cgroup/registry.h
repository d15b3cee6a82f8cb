/* Owner records: /run/climit/NAME says which climit (PID + start time) owns group NAME, so that
 * `climit gc` and every new run can remove the groups of a climit that was SIGKILLed, and never
 * touch a live one. */
#ifndef CLIMIT_REGISTRY_H
#define CLIMIT_REGISTRY_H

#include "cgroup.h"
#include "util.h"

/* Directory of the records: /run/climit for root, $XDG_RUNTIME_DIR/climit for a normal user;
 * $CLIMIT_RUNTIME_DIR overrides both. */
const char *registry_dir(void);
/* Atomically claim NAME for this process (link(2) of a complete temporary record, so a
 * reader never sees a half-written one). A stale claim (dead owner) is collected first.
 * Returns 0, or -1 with "--name: NAME: in use by climit PID". */
int registry_claim(const struct cg_system *sys, const char *name, const char *parent, bool attached,
		   struct err *e);
void registry_release(const char *name);
/* The group of running container NAME: its parent path (as claimed) and its climit's pid; -1
 * (errnum ENOENT) if no live climit owns that name. */
int registry_lookup(const char *name, char *parent, size_t size, int *owner, struct err *e);
/* Remove groups whose owner is dead (an attached group, climit run --pid's, only once empty). parent: only those under it (NULL: all). Prints one line
 * per removed group on stderr if verbose. Returns the number removed, or -1 on error. */
int registry_gc(const struct cg_system *sys, const char *parent, bool verbose, struct err *e);
/* Start time of PID in clock ticks since boot (field 22 of /proc/PID/stat), or 0. */
unsigned long long proc_start_time(int pid);

#endif
