/* seccomp's shared parts (see sclib.h). */
#define _GNU_SOURCE
#include "sclib.h"

#include <errno.h>
#include <string.h>

/* libseccomp and jansson stay out of every launch that does not filter (launch cost). */
struct sc_lib sc;

const char *sclib_load(void)
{
	if (sc.loaded)
		return NULL;
	const struct dl_sym syms[] = {
		{ (void **)&sc.init, "seccomp_init" },
		{ (void **)&sc.release, "seccomp_release" },
		{ (void **)&sc.arch_add, "seccomp_arch_add" },
		{ (void **)&sc.arch_native, "seccomp_arch_native" },
		{ (void **)&sc.arch_resolve_name, "seccomp_arch_resolve_name" },
		{ (void **)&sc.resolve_name, "seccomp_syscall_resolve_name" },
		{ (void **)&sc.resolve_num_arch, "seccomp_syscall_resolve_num_arch" },
		{ (void **)&sc.rule_add_array, "seccomp_rule_add_array" },
		{ (void **)&sc.export_bpf, "seccomp_export_bpf" },
		{ (void **)&sc.attr_set, "seccomp_attr_set" },
	};
	const char *why = dl_load("libseccomp.so.2", syms, sizeof syms / sizeof *syms);
	sc.loaded = why == NULL;
	return why;
}

bool sc_kept(uint64_t caps, int cap)
{
	return cap >= 0 && (caps >> cap) & 1;
}

bool sc_named(const char *const *list, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* ENOSYS answers ("not here", so that libc falls back: clone3) go to a second filter installed
 * without logging: glibc tries clone3 for every thread, and the audit log (rate-limited by
 * printk to 10 records per 5 s) is for what was refused. The kernel takes the refusing filter's
 * answer, and logs only if that filter asked for it. */
scmp_filter_ctx sc_quiet_ctx;
int sc_quiet_rules;

/* One rule; a name this libseccomp does not know is skipped (the kernel cannot have it either
 * as far as the filter is concerned), like Docker does. */
int sc_add_rule(scmp_filter_ctx ctx, uint32_t act, const char *name, unsigned n, const struct scmp_arg_cmp *args,
		int *rules, struct err *e)
{
	int nr = sc.resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;
	if (act == SCMP_ACT_ERRNO(ENOSYS) && sc_quiet_ctx) {
		ctx = sc_quiet_ctx;
		sc_quiet_rules++;
	}
	int rc = sc.rule_add_array(ctx, act, nr, n, args);
	if (rc < 0 && rc != -EEXIST)
		return err_sys(e, -rc, "cannot add a rule for %s", name);
	(*rules)++;
	return 0;
}

/* x86_64 filters cover the i386 (int 0x80) and x32 ABIs too: a call through another ABI gets
 * the same rules by name instead of slipping past them; any other architecture is killed. */
int sc_add_arches(scmp_filter_ctx ctx, struct err *e)
{
	/* A binary tree of syscall numbers instead of a list: the kernel runs the filter for every
	 * syscall number when it is installed (its allow cache, 5.11+) and on every call. */
	sc.attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	if (sc.arch_native() != SCMP_ARCH_X86_64)
		return 0;
	uint32_t more[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
	for (size_t i = 0; i < sizeof more / sizeof *more; i++) {
		int rc = sc.arch_add(ctx, more[i]);
		if (rc < 0 && rc != -EEXIST)
			return err_sys(e, -rc, "cannot add an architecture to the filter");
	}
	return 0;
}
