/* A Docker/OCI seccomp JSON profile compiled into a libseccomp filter (jansson, loaded with
 * dlopen): its default action, architectures, syscalls with their actions, errno values,
 * argument conditions, and the capability and kernel-version conditions Docker's own profile
 * uses. Private to the seccomp files. */
#ifndef CLIMIT_SCPROFILE_H
#define CLIMIT_SCPROFILE_H

#include <seccomp.h>
#include <stdint.h>

#include "scfilter.h"

/* Build *ctxp from o->text (o->file for messages), caps the capabilities the workload keeps;
 * counts the rules, sets the default action. 0, or -1 with e ("--seccomp: "FILE": ..."). */
int sc_profile_build(scmp_filter_ctx *ctxp, struct sc_opts *o, uint64_t caps, int *rules, uint32_t *dflt,
		     struct err *e);

#endif
