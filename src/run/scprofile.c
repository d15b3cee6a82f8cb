/* Docker/OCI seccomp JSON profiles (see scprofile.h). */
#define _GNU_SOURCE
#include "scprofile.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "jsonlib.h"
#include "sclib.h"

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
		if (!sc_kept(p->caps, cap))
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
		if (sc_kept(p->caps, cap))
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

int sc_profile_build(scmp_filter_ctx *ctxp, struct sc_opts *o, uint64_t caps, int *rules, uint32_t *dflt,
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
		if (sc_add_arches(ctx, e) < 0)
			goto out;
	}
	if (!map && arches && sc_add_arches(ctx, e) < 0)
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
			if (act != SCMP_ACT_ALLOW && sc_named(o->allow, o->nallow, name))
				continue;
			if (sc_add_rule(ctx, act, name, nargs, args, rules, e) < 0) {
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
