/* seccomp's shared parts, private to scfilter.c (the filter), scprofile.c (JSON profiles) and
 * scaudit.c (audit records): libseccomp, loaded with dlopen only when a filter is asked for (it
 * stays out of every launch that does not filter), and the rule helpers both profiles use. */
#ifndef CLIMIT_SCLIB_H
#define CLIMIT_SCLIB_H

#include <seccomp.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

struct sc_lib {
	bool loaded;
	scmp_filter_ctx (*init)(uint32_t);
	void (*release)(scmp_filter_ctx);
	int (*arch_add)(scmp_filter_ctx, uint32_t);
	uint32_t (*arch_native)(void);
	uint32_t (*arch_resolve_name)(const char *);
	int (*resolve_name)(const char *);
	char *(*resolve_num_arch)(uint32_t, int);
	int (*rule_add_array)(scmp_filter_ctx, uint32_t, int, unsigned int, const struct scmp_arg_cmp *);
	int (*export_bpf)(const scmp_filter_ctx, int);
	int (*attr_set)(scmp_filter_ctx, enum scmp_filter_attr, uint32_t);
};
extern struct sc_lib sc;
/* Load libseccomp once; NULL, or why it cannot be. */
const char *sclib_load(void);

/* The second filter, for the ENOSYS answers (see sclib.c), while one is being built. */
extern scmp_filter_ctx sc_quiet_ctx;
extern int sc_quiet_rules;
/* One rule; a name this libseccomp does not know is skipped. 0, or -1 with e. */
int sc_add_rule(scmp_filter_ctx ctx, uint32_t act, const char *name, unsigned n, const struct scmp_arg_cmp *args,
		int *rules, struct err *e);
/* x86_64 filters cover i386 and x32 too. 0, or -1 with e. */
int sc_add_arches(scmp_filter_ctx ctx, struct err *e);
/* Is capability cap in caps? */
bool sc_kept(uint64_t caps, int cap);
/* Is name one of list's n? */
bool sc_named(const char *const *list, int n, const char *name);

#endif
