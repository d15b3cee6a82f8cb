/* Placement under systemd: a transient scope with Delegate=yes, asked of the system manager
 * (root) or of the user's own manager (a normal user) over D-Bus with sd-bus, so climit never
 * fights systemd for the cgroup tree and a normal user gets a subtree it may write.
 *
 * Layout (paths relative to the cgroup2 mount):
 *   root:  climit.slice/climit-NAME.scope/{supervisor,NAME}
 *   user:  user.slice/user-UID.slice/user@UID.service/climit.slice/climit-NAME.scope/{...}
 * climit's own process moves to the scope's leaf "supervisor" (the no-internal-processes rule:
 * a cgroup that hands controllers to children holds no processes itself), the workload's group
 * NAME is a sibling, created with limits before the workload exists. When climit exits the
 * scope is empty and systemd removes it with everything below (CollectMode=inactive-or-failed
 * also collects a failed one). */
#ifndef CLIMIT_SYSTEMD_H
#define CLIMIT_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>

#include "cgroup.h"
#include "util.h"

/* The leaf that holds climit itself inside its scope (never shown as a container). */
#define SD_SUPERVISOR "supervisor"

/* True when systemd is the init system (sd_booted(): /run/systemd/system exists). */
bool sd_running(void);
/* The slice under which climit's scopes live, relative to the cgroup2 mount. */
void sd_slice_path(char *out, size_t size);
/* Unit name of the scope for container NAME: "climit-NAME.scope" (NAME is unique among this
 * user's live climits: registry.h). */
void sd_unit_name(const char *name, char *out, size_t size);
/* The controllers the manager can delegate to climit's scopes (CTRL_BIT mask; cpuacct and
 * freezer are core features on v2 and always in), read from the slice's parent. */
unsigned sd_delegated_controllers(const struct cg_system *sys);
/* The manager's cgroup whose Delegate= decides it, for messages ("user@1000.service"). */
const char *sd_delegating_unit(void);
/* Ask the manager for the scope, move climit into it and then into SCOPE/supervisor. On return
 * scope_rel is the scope's path relative to the cgroup2 mount. Loads libsystemd on first use
 * (a run without systemd placement never maps it). */
int sd_enter_scope(const struct cg_system *sys, const char *unit, char *scope_rel, size_t size,
		   struct err *e);

#endif
