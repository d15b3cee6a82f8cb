/* Where a run's group goes and whether this user may put it there: cgroupfs under --parent
 * (default "climit"), or a systemd scope (systemd.h). Every refusal happens here, before
 * anything is created, with the fix in the message. */
#ifndef CLIMIT_PLACE_H
#define CLIMIT_PLACE_H

#include "cgroup.h"
#include "spec.h"
#include "util.h"

/* Resolve o->manager (auto -> systemd or cgroupfs), and check that the controllers the options
 * need are available (delegated, for systemd and for a normal user) and that a normal user owns
 * the --parent it names. *ctrls is reduced to what the chosen place offers. */
int place_choose(const struct cg_system *sys, struct run_opts *o, unsigned *ctrls, struct err *e);
/* The parent directory climit top/ls/stats look in by default: "climit", or the systemd slice
 * (which holds one scope per container) where runs go to systemd. */
void place_default_parent(const struct cg_system *sys, char *out, size_t size);
/* How a normal user gets a controller systemd does not delegate: "as root, create ... and log
 * in again" (the fix podman's maintainers give for rootless cpuset and io limits). */
const char *place_delegate_fix(void);

#endif
