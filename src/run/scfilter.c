/* seccomp filters (see scfilter.h). */
#define _GNU_SOURCE
#include "scfilter.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include "jsonlib.h"
#include "outfile.h"
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

/* libseccomp and jansson stay out of every launch that does not filter (launch cost). */
static struct {
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
} sc;

static const char *load_libseccomp(void)
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

int sc_parse_names(char *list, const char **out, int *n, const char **why)
{
	*n = 0;
	if (!list[0])
		return *why = "an empty list (give syscall names: keyctl,add_key)", -1;
	size_t len = strlen(list);
	if (list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,"))
		return *why = "an empty name in the list", -1;
	for (char *save = NULL, *w = strtok_r(list, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (*n == SC_NAMES)
			return *why = "more than 64 names", -1;
		for (const char *p = w; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
				return *why = "not a list of syscall names (lower case, digits, _)", -1;
		out[(*n)++] = w;
	}
	return 0;
}

/* Docker's default profile, as what it denies: each call with the capability that lifts the
 * denial (Docker's "includes": {"caps": ...}), -1 where nothing does. A call the profile allows
 * for everyone is not listed; one newer than this list is allowed (Docker's allowlist would
 * deny it): climit(1) says so. */
#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
static const struct deny {
	const char *name;
	int cap, cap2;
} docker_denies[] = {
	{ "acct", CAP_SYS_PACCT, -1 },
	{ "add_key", -1, -1 },
	{ "bpf", CAP_SYS_ADMIN, CAP_BPF },
	{ "clock_settime", CAP_SYS_TIME, -1 },
	{ "clock_settime64", CAP_SYS_TIME, -1 },
	{ "create_module", -1, -1 },
	{ "delete_module", CAP_SYS_MODULE, -1 },
	{ "fanotify_init", CAP_SYS_ADMIN, -1 },
	{ "finit_module", CAP_SYS_MODULE, -1 },
	{ "fsconfig", CAP_SYS_ADMIN, -1 },
	{ "fsmount", CAP_SYS_ADMIN, -1 },
	{ "fsopen", CAP_SYS_ADMIN, -1 },
	{ "fspick", CAP_SYS_ADMIN, -1 },
	{ "get_kernel_syms", -1, -1 },
	{ "get_mempolicy", CAP_SYS_NICE, -1 },
	{ "init_module", CAP_SYS_MODULE, -1 },
	{ "ioperm", CAP_SYS_RAWIO, -1 },
	{ "iopl", CAP_SYS_RAWIO, -1 },
	{ "kcmp", CAP_SYS_PTRACE, -1 },
	{ "kexec_file_load", -1, -1 },
	{ "kexec_load", -1, -1 },
	{ "keyctl", -1, -1 },
	{ "lookup_dcookie", CAP_SYS_ADMIN, -1 },
	{ "mbind", CAP_SYS_NICE, -1 },
	{ "mount", CAP_SYS_ADMIN, -1 },
	{ "mount_setattr", CAP_SYS_ADMIN, -1 },
	{ "move_mount", CAP_SYS_ADMIN, -1 },
	{ "move_pages", -1, -1 },
	{ "nfsservctl", -1, -1 },
	{ "open_by_handle_at", CAP_DAC_READ_SEARCH, -1 },
	{ "open_tree", CAP_SYS_ADMIN, -1 },
	{ "perf_event_open", CAP_SYS_ADMIN, CAP_PERFMON },
	{ "pidfd_getfd", CAP_SYS_PTRACE, -1 },
	{ "pivot_root", -1, -1 },
	{ "process_madvise", CAP_SYS_PTRACE, -1 },
	{ "query_module", -1, -1 },
	{ "quotactl", CAP_SYS_ADMIN, -1 },
	{ "quotactl_fd", CAP_SYS_ADMIN, -1 },
	{ "reboot", CAP_SYS_BOOT, -1 },
	{ "request_key", -1, -1 },
	{ "set_mempolicy", CAP_SYS_NICE, -1 },
	{ "set_mempolicy_home_node", CAP_SYS_NICE, -1 },
	{ "setdomainname", CAP_SYS_ADMIN, -1 },
	{ "sethostname", CAP_SYS_ADMIN, -1 },
	{ "setns", CAP_SYS_ADMIN, -1 },
	{ "settimeofday", CAP_SYS_TIME, -1 },
	{ "stime", CAP_SYS_TIME, -1 },
	{ "swapoff", -1, -1 },
	{ "swapon", -1, -1 },
	{ "_sysctl", -1, -1 },
	{ "sysfs", -1, -1 },
	{ "syslog", CAP_SYS_ADMIN, CAP_SYSLOG },
	{ "umount", CAP_SYS_ADMIN, -1 },
	{ "umount2", CAP_SYS_ADMIN, -1 },
	{ "unshare", CAP_SYS_ADMIN, -1 },
	{ "uselib", -1, -1 },
	{ "userfaultfd", -1, -1 },
	{ "ustat", -1, -1 },
	{ "vhangup", CAP_SYS_TTY_CONFIG, -1 },
	{ "vm86", -1, -1 },
	{ "vm86old", -1, -1 },
};

static bool kept(uint64_t caps, int cap)
{
	return cap >= 0 && (caps >> cap) & 1;
}

static bool named(const char *const *list, int n, const char *name)
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
static scmp_filter_ctx quiet_ctx;
static int quiet_rules;

/* One rule; a name this libseccomp does not know is skipped (the kernel cannot have it either
 * as far as the filter is concerned), like Docker does. */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, const char *name, unsigned n, const struct scmp_arg_cmp *args,
		    int *rules, struct err *e)
{
	int nr = sc.resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		return 0;
	if (act == SCMP_ACT_ERRNO(ENOSYS) && quiet_ctx) {
		ctx = quiet_ctx;
		quiet_rules++;
	}
	int rc = sc.rule_add_array(ctx, act, nr, n, args);
	if (rc < 0 && rc != -EEXIST)
		return err_sys(e, -rc, "cannot add a rule for %s", name);
	(*rules)++;
	return 0;
}

/* x86_64 filters cover the i386 (int 0x80) and x32 ABIs too: a call through another ABI gets
 * the same rules by name instead of slipping past them; any other architecture is killed. */
static int add_arches(scmp_filter_ctx ctx, struct err *e)
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

static int build_default(scmp_filter_ctx ctx, const struct sc_opts *o, uint64_t caps, uint32_t deny, int *rules,
			 struct err *e)
{
	bool admin = kept(caps, CAP_SYS_ADMIN);
	for (size_t i = 0; i < sizeof docker_denies / sizeof *docker_denies; i++) {
		const struct deny *d = &docker_denies[i];
		if (kept(caps, d->cap) || kept(caps, d->cap2) || named(o->allow, o->nallow, d->name))
			continue;
		if (add_rule(ctx, deny, d->name, 0, NULL, rules, e) < 0)
			return -1;
	}
	/* New namespaces (a user namespace above all) only with CAP_SYS_ADMIN: clone with any
	 * CLONE_NEW* flag, and clone3 (its flags are in memory a filter cannot read) answers
	 * ENOSYS, so that libc falls back to clone. */
	if (!admin && !named(o->allow, o->nallow, "clone")) {
		static const uint64_t ns[] = { CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
					       CLONE_NEWNET, CLONE_NEWCGROUP };
		for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
			struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]);
			if (add_rule(ctx, deny, "clone", 1, &a, rules, e) < 0)
				return -1;
		}
	}
	if (!admin && !o->log && !named(o->allow, o->nallow, "clone3") &&
	    add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, rules, e) < 0)
		return -1;
	/* personality: the flags that weaken the address space (no ASLR, READ_IMPLIES_EXEC, page 0
	 * mappable, the old layouts); 0xffffffff (a query) has bit 31 set and passes. */
	static const uint64_t weak[] = { 0x0040000 /* ADDR_NO_RANDOMIZE */, 0x0400000 /* READ_IMPLIES_EXEC */,
					 0x0100000 /* MMAP_PAGE_ZERO */, 0x0200000 /* ADDR_COMPAT_LAYOUT */,
					 0x8000000 /* ADDR_LIMIT_3GB */ };
	for (size_t i = 0; i < sizeof weak / sizeof *weak && !named(o->allow, o->nallow, "personality"); i++) {
		struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, weak[i] | 0x80000000u, weak[i]);
		if (add_rule(ctx, deny, "personality", 1, &a, rules, e) < 0)
			return -1;
	}
	/* Typing into the terminal climit shares with its caller (bubblewrap's CVE-2017-5226), and
	 * TIOCLINUX's console selection paste; the request is 32 bits, the upper half ignored. */
	if (!named(o->allow, o->nallow, "ioctl")) {
		static const uint64_t tty[] = { TIOCSTI, TIOCLINUX };
		for (size_t i = 0; i < sizeof tty / sizeof *tty; i++) {
			struct scmp_arg_cmp a = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, tty[i]);
			if (add_rule(ctx, deny, "ioctl", 1, &a, rules, e) < 0)
				return -1;
		}
	}
	/* Docker refuses AF_VSOCK sockets (talking to the host outside any network namespace). */
	struct scmp_arg_cmp vsock = SCMP_A0(SCMP_CMP_EQ, AF_VSOCK);
	if (!named(o->allow, o->nallow, "socket") && add_rule(ctx, deny, "socket", 1, &vsock, rules, e) < 0)
		return -1;
	return 0;
}

/* ---- Docker/OCI JSON profiles ------------------------------------------------------------ */

struct profile {
	const char *path;
	char *text; /* the file, for line numbers of values */
	struct err *e;
	uint64_t caps;
	bool log;
};

/* Line of the first occurrence of "value" in the file (a value climit refuses), 0 if none. */
static int line_of(const struct profile *p, const char *value)
{
	char quoted[128];
	snprintf(quoted, sizeof quoted, "\"%s\"", value);
	const char *at = p->text ? strstr(p->text, quoted) : NULL;
	if (!at)
		return 0;
	int line = 1;
	for (const char *c = p->text; c < at; c++)
		line += *c == '\n';
	return line;
}

static int bad_field(const struct profile *p, const char *field, const char *value, const char *why)
{
	int line = value ? line_of(p, value) : 0;
	if (line)
		return err_set(p->e, "--seccomp: \"%s\": line %d: %s: %s%s%s%s", p->path, line, field, why,
			       value ? " \"" : "", value ? value : "", value ? "\"" : "");
	return err_set(p->e, "--seccomp: \"%s\": %s: %s%s%s%s", p->path, field, why, value ? " \"" : "",
		       value ? value : "", value ? "\"" : "");
}

static int parse_action(const struct profile *p, const char *field, const json_t *v, int errno_ret, uint32_t *act)
{
	const char *s = v ? jsn.string_value(v) : NULL;
	if (!s)
		return bad_field(p, field, NULL, "missing, or not a string");
	if (strcmp(s, "SCMP_ACT_ALLOW") == 0)
		*act = SCMP_ACT_ALLOW;
	else if (strcmp(s, "SCMP_ACT_ERRNO") == 0)
		*act = SCMP_ACT_ERRNO((uint32_t)errno_ret);
	else if (strcmp(s, "SCMP_ACT_KILL") == 0 || strcmp(s, "SCMP_ACT_KILL_THREAD") == 0)
		*act = SCMP_ACT_KILL_THREAD;
	else if (strcmp(s, "SCMP_ACT_KILL_PROCESS") == 0)
		*act = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(s, "SCMP_ACT_TRAP") == 0)
		*act = SCMP_ACT_TRAP;
	else if (strcmp(s, "SCMP_ACT_LOG") == 0)
		*act = SCMP_ACT_LOG;
	else if (strcmp(s, "SCMP_ACT_TRACE") == 0)
		*act = SCMP_ACT_TRACE((uint32_t)errno_ret);
	else
		return bad_field(p, field, s, "not an action climit can apply (SCMP_ACT_ALLOW, _ERRNO, _KILL, "
					      "_KILL_PROCESS, _TRAP, _LOG, _TRACE)");
	/* --seccomp-log: nothing is refused, everything that would be is logged. */
	if (p->log && *act != SCMP_ACT_ALLOW)
		*act = SCMP_ACT_LOG;
	return 0;
}

static int cap_of(const char *name)
{
	static const char *const names[] = {
		"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
		"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
		"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
		"CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
		"CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
		"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
		"CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
		"CAP_CHECKPOINT_RESTORE",
	};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Docker's architecture names in "includes"/"excludes": Go's, not libseccomp's. */
static bool arch_listed(const json_t *arr)
{
	uint32_t native = sc.arch_native();
	const char *mine = native == SCMP_ARCH_X86_64 ? "amd64" : native == SCMP_ARCH_AARCH64 ? "arm64" : "?";
	for (size_t i = 0; arr && i < jsn.array_size(arr); i++) {
		const char *s = jsn.string_value(jsn.array_get(arr, i));
		if (s && strcmp(s, mine) == 0)
			return true;
	}
	return false;
}

static bool kernel_at_least(const char *want)
{
	struct utsname u;
	unsigned a = 0, b = 0, x = 0, y = 0;
	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &x, &y) != 2 || sscanf(want, "%u.%u", &a, &b) != 2)
		return true;
	return x > a || (x == a && y >= b);
}

/* Does a syscalls[] entry apply to this container (its capabilities, this architecture, this
 * kernel)? -1 on a malformed condition. */
static int applies(const struct profile *p, const json_t *entry, const char *field)
{
	const json_t *inc = jsn.object_get(entry, "includes"), *exc = jsn.object_get(entry, "excludes");
	char f[96];
	const json_t *caps = inc ? jsn.object_get(inc, "caps") : NULL;
	for (size_t i = 0; caps && i < jsn.array_size(caps); i++) {
		const char *c = jsn.string_value(jsn.array_get(caps, i));
		int cap = c ? cap_of(c) : -1;
		snprintf(f, sizeof f, "%s.includes.caps[%zu]", field, i);
		if (cap < 0)
			return bad_field(p, f, c, "not a capability");
		if (!kept(p->caps, cap))
			return 0;
	}
	if (inc && jsn.object_get(inc, "arches") && !arch_listed(jsn.object_get(inc, "arches")))
		return 0;
	const json_t *mk = inc ? jsn.object_get(inc, "minKernel") : NULL;
	if (mk && jsn.string_value(mk) && !kernel_at_least(jsn.string_value(mk)))
		return 0;
	caps = exc ? jsn.object_get(exc, "caps") : NULL;
	for (size_t i = 0; caps && i < jsn.array_size(caps); i++) {
		const char *c = jsn.string_value(jsn.array_get(caps, i));
		int cap = c ? cap_of(c) : -1;
		snprintf(f, sizeof f, "%s.excludes.caps[%zu]", field, i);
		if (cap < 0)
			return bad_field(p, f, c, "not a capability");
		if (kept(p->caps, cap))
			return 0;
	}
	if (exc && jsn.object_get(exc, "arches") && arch_listed(jsn.object_get(exc, "arches")))
		return 0;
	return 1;
}

static int parse_args(const struct profile *p, const json_t *args, const char *field, struct scmp_arg_cmp *out,
		      unsigned *n)
{
	static const struct { const char *name; enum scmp_compare op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	*n = 0;
	for (size_t i = 0; args && i < jsn.array_size(args); i++) {
		const json_t *a = jsn.array_get(args, i);
		char f[96];
		snprintf(f, sizeof f, "%s.args[%zu]", field, i);
		if (i >= 6)
			return bad_field(p, f, NULL, "more than 6 argument comparisons");
		const json_t *idx = jsn.object_get(a, "index"), *op = jsn.object_get(a, "op");
		json_int_t index = idx ? jsn.integer_value(idx) : -1;
		if (index < 0 || index > 5)
			return bad_field(p, f, NULL, "index missing or not 0..5");
		const char *ops_s = op ? jsn.string_value(op) : NULL;
		size_t k;
		for (k = 0; ops_s && k < sizeof ops / sizeof *ops; k++)
			if (strcmp(ops[k].name, ops_s) == 0)
				break;
		if (!ops_s || k == sizeof ops / sizeof *ops)
			return bad_field(p, f, ops_s, "op is not an SCMP_CMP_* comparison");
		const json_t *v = jsn.object_get(a, "value"), *v2 = jsn.object_get(a, "valueTwo");
		out[(*n)++] = (struct scmp_arg_cmp){ .arg = (unsigned)index, .op = ops[k].op,
						     .datum_a = v ? (uint64_t)jsn.integer_value(v) : 0,
						     .datum_b = v2 ? (uint64_t)jsn.integer_value(v2) : 0 };
	}
	return 0;
}

static int build_file(scmp_filter_ctx *ctxp, struct sc_opts *o, uint64_t caps, int *rules, uint32_t *dflt,
		      struct err *e)
{
	const char *why = jsn_load();
	if (why)
		return err_set(e, "--seccomp: \"%s\": a JSON profile needs jansson: %s (apt-get install libjansson4)",
			       o->file, why);
	struct profile p = { .path = o->file, .e = e, .caps = caps, .log = o->log };
	json_error_t jerr;
	json_t *root = jsn.loadb(o->text, o->text_len, 0, &jerr);
	if (!root)
		return err_set(e, "--seccomp: \"%s\": line %d, column %d: %s", o->file, jerr.line, jerr.column, jerr.text);
	p.text = o->text;
	int rc = -1;
	const json_t *er = jsn.object_get(root, "defaultErrnoRet");
	int default_errno = er ? (int)jsn.integer_value(er) : EPERM;
	if (parse_action(&p, "defaultAction", jsn.object_get(root, "defaultAction"), default_errno, dflt) < 0)
		goto out;
	scmp_filter_ctx ctx = *ctxp = sc.init(*dflt);
	if (!ctx) {
		err_set(e, "--seccomp: cannot create a filter");
		goto out;
	}
	/* The architectures: archMap's entry for this machine (Docker's newer format), or the list. */
	const json_t *map = jsn.object_get(root, "archMap"), *arches = jsn.object_get(root, "architectures");
	for (size_t i = 0; map && i < jsn.array_size(map); i++) {
		const json_t *m = jsn.array_get(map, i);
		const char *a = jsn.string_value(jsn.object_get(m, "architecture"));
		if (!a || strncmp(a, "SCMP_ARCH_", 10) != 0) {
			char f[48];
			snprintf(f, sizeof f, "archMap[%zu].architecture", i);
			bad_field(&p, f, a, "not an SCMP_ARCH_* name");
			goto out;
		}
		char lower[32];
		size_t k;
		for (k = 0; a[10 + k] && k < sizeof lower - 1; k++)
			lower[k] = (char)(a[10 + k] >= 'A' && a[10 + k] <= 'Z' ? a[10 + k] - 'A' + 'a' : a[10 + k]);
		lower[k] = '\0';
		if (sc.arch_resolve_name(lower) != sc.arch_native())
			continue;
		if (add_arches(ctx, e) < 0)
			goto out;
	}
	if (!map && arches && add_arches(ctx, e) < 0)
		goto out;
	const json_t *calls = jsn.object_get(root, "syscalls");
	for (size_t i = 0; calls && i < jsn.array_size(calls); i++) {
		const json_t *s = jsn.array_get(calls, i);
		char field[64];
		snprintf(field, sizeof field, "syscalls[%zu]", i);
		int ok = applies(&p, s, field);
		if (ok < 0)
			goto out;
		if (!ok)
			continue;
		const json_t *eret = jsn.object_get(s, "errnoRet");
		uint32_t act;
		char f[80];
		snprintf(f, sizeof f, "%s.action", field);
		if (parse_action(&p, f, jsn.object_get(s, "action"), eret ? (int)jsn.integer_value(eret) : default_errno, &act) < 0)
			goto out;
		struct scmp_arg_cmp args[6];
		unsigned nargs;
		if (parse_args(&p, jsn.object_get(s, "args"), field, args, &nargs) < 0)
			goto out;
		if (act == *dflt)
			continue; /* libseccomp refuses a rule that says what the default says */
		const json_t *names = jsn.object_get(s, "names"), *one = jsn.object_get(s, "name");
		if (!names && !(one && jsn.string_value(one))) {
			snprintf(f, sizeof f, "%s.names", field);
			bad_field(&p, f, NULL, "missing (a list of syscall names)");
			goto out;
		}
		size_t count = names ? jsn.array_size(names) : 1;
		for (size_t k = 0; k < count; k++) {
			const char *name = names ? jsn.string_value(jsn.array_get(names, k)) : jsn.string_value(one);
			if (!name) {
				snprintf(f, sizeof f, "%s.names[%zu]", field, k);
				bad_field(&p, f, NULL, "not a string");
				goto out;
			}
			if (act != SCMP_ACT_ALLOW && named(o->allow, o->nallow, name))
				continue;
			if (add_rule(ctx, act, name, nargs, args, rules, e) < 0) {
				err_wrap(e, "--seccomp: \"%s\": line %d: %s", o->file, line_of(&p, name), field);
				goto out;
			}
		}
	}
	rc = 0;
out:
	jsn.delete(root);
	return rc;
}

/* The programs live here for the whole run (one filter per climit process): no allocation to
 * free or to leak on the way out. */
static struct sock_filter prog_buf[BPF_MAXINSNS], quiet_buf[BPF_MAXINSNS];

static int export_prog(scmp_filter_ctx ctx, void **progp, unsigned short *lenp, struct err *e)
{
	_cleanup_close_ int fd = memfd_create("climit-seccomp", MFD_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "--seccomp: memfd_create");
	int rc = sc.export_bpf(ctx, fd);
	if (rc < 0)
		return err_sys(e, -rc, "--seccomp: cannot compile the filter");
	struct stat st;
	if (fstat(fd, &st) < 0 || st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return err_set(e, "--seccomp: the filter is empty or longer than the kernel takes (%lld bytes)",
			       (long long)st.st_size);
	void *prog = ctx == quiet_ctx ? quiet_buf : prog_buf;
	if (pread(fd, prog, (size_t)st.st_size, 0) != st.st_size)
		return err_sys(e, errno ? errno : EIO, "--seccomp: cannot read the compiled filter");
	*progp = prog;
	*lenp = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

/* ---- the compiled filter, cached ------------------------------------------------------------
 * Compiling Docker's profile for three ABIs takes libseccomp ~2.5 ms (bench/results.md), ten
 * times the rest of the filter's cost: the BPF is kept in a cache directory (root's
 * /var/cache/climit, a user's $XDG_CACHE_HOME/climit or ~/.cache/climit), named by a hash of
 * everything it is built from, and read back by later runs (a few microseconds, and libseccomp
 * is not even loaded). Only a directory and files of the user's own, writable by nobody else,
 * are trusted. */
struct cache_head {
	char magic[8];
	uint16_t len, qlen;
	uint32_t pad;
	char summary[128];
};
#define CACHE_MAGIC "CLSCMP1"
/* Changed whenever what a profile compiles to changes (rules, optimisation), so that no
 * filter of an older build is read back. */
#define SC_CACHE_FORMAT "3: tree, quiet ENOSYS, x86+x32"

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ c[i]) * 1099511628211ull;
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

/* The cache directory (made with make=true); false where there is none that can be trusted. */
static bool cache_dir(char *dir, size_t size, bool make)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char base[PATH_MAX];
	if (geteuid() == 0)
		str_copy(base, "/var/cache", sizeof base);
	else if (xdg && xdg[0] == '/')
		str_copy(base, xdg, sizeof base);
	else if (home && home[0] == '/')
		snprintf(base, sizeof base, "%s/.cache", home);
	else
		return false;
	snprintf(dir, size, "%s/climit", base);
	if (make) {
		mkdir(base, 0700);
		mkdir(dir, 0755);
	}
	struct stat st;
	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 022);
}

static bool cache_path(const struct sc_opts *o, bool isolate, uint64_t caps, char *path, size_t size)
{
	uint64_t h = 1469598103934665603ull;
	struct utsname u;
	uname(&u);
	h = fnv_str(h, CLIMIT_VERSION);
	h = fnv_str(h, SC_CACHE_FORMAT);
	h = fnv_str(h, u.machine);
	h = fnv(h, &o->mode, sizeof o->mode);
	h = fnv(h, &isolate, sizeof isolate);
	h = fnv(h, &o->log, sizeof o->log);
	h = fnv(h, &caps, sizeof caps);
	for (int i = 0; i < o->nallow; i++)
		h = fnv_str(fnv_str(h, "allow"), o->allow[i]);
	for (int i = 0; i < o->ndeny; i++)
		h = fnv_str(fnv_str(h, "deny"), o->deny[i]);
	if (o->mode == SC_FILE) {
		/* The profile's bytes (read once: read_profile), not its name or time: an edited
		 * profile is another filter. */
		h = fnv_str(h, o->file);
		h = fnv(h, o->text, o->text_len);
	}
	char dir[PATH_MAX];
	if (!cache_dir(dir, sizeof dir, true))
		return false;
	snprintf(path, size, "%s/seccomp-%016llx.bpf", dir, (unsigned long long)h);
	return true;
}

static bool cache_read(const char *path, struct sc_opts *o)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	struct cache_head hd;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022) ||
	    read(fd, &hd, sizeof hd) != (ssize_t)sizeof hd || memcmp(hd.magic, CACHE_MAGIC, 8) != 0 || hd.len == 0 ||
	    hd.len > BPF_MAXINSNS || hd.qlen > BPF_MAXINSNS ||
	    st.st_size != (off_t)(sizeof hd + (size_t)(hd.len + hd.qlen) * sizeof(struct sock_filter)))
		return false;
	size_t a = hd.len * sizeof(struct sock_filter), b = hd.qlen * sizeof(struct sock_filter);
	if (read(fd, prog_buf, a) != (ssize_t)a || (b && read(fd, quiet_buf, b) != (ssize_t)b))
		return false;
	o->prog = prog_buf;
	o->len = hd.len;
	o->quiet = b ? quiet_buf : NULL;
	o->quiet_len = hd.qlen;
	hd.summary[sizeof hd.summary - 1] = '\0';
	str_copy(o->summary, hd.summary, sizeof o->summary);
	return true;
}

static void cache_write(const char *path, const struct sc_opts *o)
{
	char dir[PATH_MAX];
	if (!cache_dir(dir, sizeof dir, true))
		return; /* someone else's directory: no cache rather than a filter from there */
	struct out_file of;
	struct err e;
	if (out_open(&of, path, OUT_REPLACE, OUT_REGULAR_ONLY, &e) < 0)
		return;
	struct cache_head hd = { .magic = CACHE_MAGIC, .len = o->len, .qlen = o->quiet_len };
	str_copy(hd.summary, o->summary, sizeof hd.summary);
	size_t a = o->len * sizeof(struct sock_filter), b = o->quiet_len * sizeof(struct sock_filter);
	bool ok = write(of.fd, &hd, sizeof hd) == (ssize_t)sizeof hd && write(of.fd, o->prog, a) == (ssize_t)a &&
		  (!b || write(of.fd, o->quiet, b) == (ssize_t)b);
	if (ok)
		out_commit(&of);
	else
		out_abort(&of);
}

static int compile(struct sc_opts *o, bool isolate, uint64_t caps_kept, struct err *e);

/* The profile's bytes, read once: the cache key is their hash and the filter is built from
 * them, so a profile edited meanwhile (or one that can be read only once, /dev/stdin or a FIFO)
 * is never cached under other contents' key. */
static int read_profile(struct sc_opts *o, struct err *e)
{
	if (o->text)
		return 0;
	_cleanup_close_ int fd = open(o->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "--seccomp: \"%s\"", o->file);
	size_t cap = 0, len = 0;
	char *buf = NULL;
	for (;;) {
		if (len + 4096 > cap) {
			if (cap >= (4u << 20)) {
				free(buf);
				return err_set(e, "--seccomp: \"%s\": larger than 4 MiB", o->file);
			}
			char *bigger = realloc(buf, cap = cap ? cap * 2 : 65536);
			if (!bigger) {
				free(buf);
				return err_sys(e, ENOMEM, "--seccomp: \"%s\"", o->file);
			}
			buf = bigger;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			free(buf);
			return err_sys(e, saved, "--seccomp: \"%s\"", o->file);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	o->text = buf;
	o->text_len = len;
	return 0;
}

int sc_build(struct sc_opts *o, bool isolate, uint64_t caps_kept, struct err *e)
{
	o->prog = o->quiet = NULL;
	o->len = o->quiet_len = 0;
	if (o->mode == SC_FILE && read_profile(o, e) < 0)
		return -1;
	char path[PATH_MAX + 64];
	bool wanted = o->mode == SC_DEFAULT || o->mode == SC_FILE || (o->mode == SC_AUTO && (isolate || o->ndeny));
	bool cached = wanted && cache_path(o, isolate, caps_kept, path, sizeof path);
	int rc = 0;
	if (!(cached && cache_read(path, o))) {
		rc = compile(o, isolate, caps_kept, e);
		if (rc == 0 && cached && o->prog)
			cache_write(path, o);
	}
	/* The filter is built: the profile's text was needed for it (and its messages) only. */
	free(o->text);
	o->text = NULL;
	o->text_len = 0;
	return rc;
}

static int compile(struct sc_opts *o, bool isolate, uint64_t caps_kept, struct err *e)
{
	o->prog = NULL;
	enum sc_mode mode = o->mode == SC_AUTO ? (isolate ? SC_DEFAULT : SC_UNCONFINED) : o->mode;
	/* --seccomp-deny alone (no --isolate): a filter that refuses just those calls. */
	bool only_deny = o->mode == SC_AUTO && !isolate && o->ndeny > 0;
	if (only_deny)
		mode = SC_DEFAULT;
	if (mode == SC_UNCONFINED) {
		const char *off = o->mode == SC_UNCONFINED ? "--seccomp unconfined" :
			"--seccomp is off without --isolate; give --seccomp default";
		if (o->nallow || o->ndeny)
			return err_set(e, "%s: \"%s\": there is no filter to change (%s)",
				       o->nallow ? "--seccomp-allow" : "--seccomp-deny", o->nallow ? o->allow_arg : o->deny_arg, off);
		if (o->log)
			return err_set(e, "--seccomp-log: there is no filter to log for (%s)", off);
		return 0;
	}
	const char *why = load_libseccomp();
	if (why)
		return err_set(e, "--seccomp: %s (apt-get install libseccomp2)", why);
	/* Every name given must be a system call this libseccomp knows. */
	for (int i = 0; i < o->nallow + o->ndeny; i++) {
		const char *name = i < o->nallow ? o->allow[i] : o->deny[i - o->nallow];
		if (sc.resolve_name(name) == __NR_SCMP_ERROR)
			return err_set(e, "%s: \"%s\": %s is not a system call (libseccomp knows no such name)",
				       i < o->nallow ? "--seccomp-allow" : "--seccomp-deny",
				       i < o->nallow ? o->allow_arg : o->deny_arg, name);
	}
	uint32_t deny = o->log ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM), dflt = SCMP_ACT_ALLOW;
	int rules = 0, rc = -1;
	scmp_filter_ctx ctx = NULL;
	quiet_rules = 0;
	quiet_ctx = sc.init(SCMP_ACT_ALLOW);
	if (!quiet_ctx || add_arches(quiet_ctx, e) < 0) {
		if (quiet_ctx)
			sc.release(quiet_ctx);
		quiet_ctx = NULL;
		return err_set(e, "--seccomp: cannot create a filter");
	}
	if (mode == SC_FILE) {
		if (build_file(&ctx, o, caps_kept, &rules, &dflt, e) < 0)
			goto out;
	} else {
		ctx = sc.init(SCMP_ACT_ALLOW);
		if (!ctx) {
			err_set(e, "--seccomp: cannot create a filter");
			goto out;
		}
		if (add_arches(ctx, e) < 0 || (!only_deny && build_default(ctx, o, caps_kept, deny, &rules, e) < 0))
			goto out;
	}
	/* --seccomp-allow on a profile that denies by default; --seccomp-deny on any. */
	for (int i = 0; i < o->nallow; i++)
		if (dflt != SCMP_ACT_ALLOW && add_rule(ctx, SCMP_ACT_ALLOW, o->allow[i], 0, NULL, &rules, e) < 0)
			goto out;
	for (int i = 0; i < o->ndeny; i++)
		if (add_rule(ctx, deny, o->deny[i], 0, NULL, &rules, e) < 0)
			goto out;
	if (export_prog(ctx, &o->prog, &o->len, e) < 0 ||
	    (quiet_rules && export_prog(quiet_ctx, &o->quiet, &o->quiet_len, e) < 0))
		goto out;
	snprintf(o->summary, sizeof o->summary, "%s%s, %d rules%s",
		 mode == SC_FILE ? "profile " : only_deny ? "--seccomp-deny only" : "default (Docker's)",
		 mode == SC_FILE ? o->file : "", rules, o->log ? ", logging instead of refusing" : "");
	rc = 0;
out:
	if (ctx)
		sc.release(ctx);
	sc.release(quiet_ctx);
	quiet_ctx = NULL;
	return rc;
}

int sc_install(const struct sc_opts *o)
{
	if (!o || !o->prog)
		return 0;
	struct sock_fprog quiet = { .len = o->quiet_len, .filter = o->quiet };
	if (o->quiet) {
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &quiet) < 0 &&
		    (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		     syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &quiet) < 0))
			return -1;
	}
	struct sock_fprog fp = { .len = o->len, .filter = o->prog };
	/* FLAG_LOG: refusals are audited too (/proc/sys/kernel/seccomp/actions_logged), so that the
	 * report can name them. Without CAP_SYS_ADMIN the kernel wants no_new_privs first. */
	unsigned flags = SECCOMP_FILTER_FLAG_LOG;
	for (int attempt = 0; attempt < 3; attempt++) {
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &fp) == 0)
			return 0;
		if (errno == EACCES && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL && flags) { /* before 4.14 */
			flags = 0;
			continue;
		}
		return -1;
	}
	return -1;
}

const char *sc_syscall_name(uint32_t arch, int nr, char *buf, size_t size)
{
	snprintf(buf, size, "syscall %d", nr);
	if (load_libseccomp())
		return buf;
	char *name = sc.resolve_num_arch(arch, nr);
	if (name) {
		snprintf(buf, size, "%s", name);
		free(name);
	}
	return buf;
}

/* "key=value" in an audit record, the value up to the next space (or quoted). */
static bool audit_field(const char *rec, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);
	for (const char *p = rec; (p = strstr(p, key)); p++) {
		if ((p != rec && p[-1] != ' ') || p[klen] != '=')
			continue;
		const char *v = p + klen + 1;
		size_t n = *v == '"' ? strcspn(v + 1, "\"") : strcspn(v, " \n");
		if (*v == '"')
			v++;
		snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), v);
		return true;
	}
	return false;
}

bool sc_parse_audit(const char *rec, struct sc_event *ev)
{
	if (!strstr(rec, "type=1326"))
		return false;
	char v[64], arch[16], nr[16], code[24];
	if (!audit_field(rec, "syscall", nr, sizeof nr) || !audit_field(rec, "arch", arch, sizeof arch) ||
	    !audit_field(rec, "pid", v, sizeof v))
		return false;
	*ev = (struct sc_event){ .pid = atoi(v), .ts_us = -1 };
	/* kmsg: "PRIO,SEQ,TS_US,FLAGS;text" */
	const char *semi = strchr(rec, ';');
	unsigned long long ts;
	if (semi && sscanf(rec, "%*u,%*u,%llu", &ts) == 1)
		ev->ts_us = (int64_t)ts;
	if (audit_field(rec, "ses", v, sizeof v))
		ev->ses = (unsigned)strtoul(v, NULL, 10);
	/* The process named itself: printable ASCII only, for every reader. */
	audit_field(rec, "comm", ev->comm, sizeof ev->comm);
	for (char *p = ev->comm; *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
	if (audit_field(rec, "code", code, sizeof code))
		ev->action = (uint32_t)strtoul(code, NULL, 16) & SECCOMP_RET_ACTION_FULL;
	ev->arch = (uint32_t)strtoul(arch, NULL, 16);
	ev->nr = atoi(nr);
	sc_syscall_name(ev->arch, ev->nr, ev->syscall, sizeof ev->syscall);
	return true;
}

void sc_session_prepare(char *value, size_t size)
{
	value[0] = '\0';
	if (geteuid() != 0)
		return; /* only CAP_AUDIT_CONTROL may change the login uid */
	char cur[32];
	if (read_small_file("/proc/self/loginuid", cur, sizeof cur, NULL) < 0)
		return; /* no audit support */
	unsigned long uid = strtoul(cur, NULL, 10);
	/* Writing a valid uid (the same one, or ours where none is set) starts a new session. */
	snprintf(value, size, "%lu", uid == 4294967295ul ? (unsigned long)getuid() : uid);
}

void sc_session_enter(const char *value)
{
	if (!value || !value[0])
		return;
	int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)!write(fd, value, strlen(value));
	close(fd);
}

/* The audit netlink multicast group of log readers (linux/audit.h AUDIT_NLGRP_READLOG). */
#define NLGRP_READLOG 1

int sc_events_open(bool *netlink)
{
	*netlink = false;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_AUDIT);
	if (fd >= 0) {
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = NLGRP_READLOG };
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			*netlink = true;
			return fd;
		}
		close(fd); /* EPERM without CAP_AUDIT_READ */
	}
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* One record's text: a /dev/kmsg record as it is; a netlink message as "type=1326 TEXT" (the
 * form sc_parse_audit reads), other audit types skipped. Length, 0 for none, -1 at the end. */
static ssize_t next_record(int fd, bool netlink, char *rec, size_t size)
{
	if (!netlink) {
		ssize_t k;
		while ((k = read(fd, rec, size - 1)) < 0 && errno == EPIPE)
			; /* overwritten records: go on with the next */
		if (k <= 0)
			return -1;
		rec[k] = '\0';
		return k;
	}
	char buf[8192];
	ssize_t k = recv(fd, buf, sizeof buf, 0);
	if (k < (ssize_t)sizeof(struct nlmsghdr))
		return k < 0 && errno == EINTR ? 0 : -1;
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	if (h->nlmsg_type != AUDIT_SECCOMP || h->nlmsg_len > (size_t)k || h->nlmsg_len < NLMSG_HDRLEN)
		return 0;
	int len = (int)(h->nlmsg_len - NLMSG_HDRLEN);
	return snprintf(rec, size, "type=1326 %.*s", len, (const char *)NLMSG_DATA(h));
}

int sc_collect(int fd, bool netlink, unsigned ses, struct sc_event *out, int max, int *total)
{
	*total = 0;
	if (fd < 0 || ses == 0)
		return 0;
	int n = 0;
	/* kauditd sends the records from a thread of its own: give the last ones a moment. */
	for (int pass = 0; pass < 2; pass++) {
		char rec[2048];
		ssize_t k;
		while ((k = next_record(fd, netlink, rec, sizeof rec)) >= 0) {
			struct sc_event ev;
			if (k == 0 || !sc_parse_audit(rec, &ev) || ev.ses != ses)
				continue;
			if (n < max)
				out[n++] = ev;
			(*total)++;
		}
		if (pass == 0)
			usleep(20000);
	}
	return n;
}

unsigned sc_fatal_actions(const struct sc_opts *o)
{
	unsigned m = 0;
	const struct sock_filter *progs[2] = { o->prog, o->quiet };
	const unsigned short lens[2] = { o->len, o->quiet_len };
	for (int p = 0; p < 2; p++)
		for (unsigned i = 0; progs[p] && i < lens[p]; i++) {
			const struct sock_filter *in = &progs[p][i];
			if (in->code != (BPF_RET | BPF_K))
				continue;
			uint32_t act = in->k & SECCOMP_RET_ACTION_FULL;
			if (act == SECCOMP_RET_KILL_PROCESS || act == SECCOMP_RET_KILL_THREAD)
				m |= SC_FATAL_KILL;
			else if (act == SECCOMP_RET_TRAP)
				m |= SC_FATAL_TRAP;
		}
	return m;
}

const char *sc_arch_name(uint32_t arch, int nr)
{
	if (arch == AUDIT_ARCH_X86_64)
		return nr & 0x40000000 ? "x32" : "x86_64";
	if (arch == AUDIT_ARCH_I386)
		return "i386";
	return "other";
}

const char *sc_action_name(uint32_t action)
{
	switch (action) {
	case SECCOMP_RET_LOG: return "logged";
	case SECCOMP_RET_ERRNO: return "refused";
	case SECCOMP_RET_TRAP: return "trapped";
	case SECCOMP_RET_TRACE: return "traced";
	case SECCOMP_RET_USER_NOTIF: return "notified";
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD: return "killed";
	default: return "allowed";
	}
}
