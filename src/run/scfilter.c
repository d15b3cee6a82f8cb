/* seccomp filters (see scfilter.h). */
#define _GNU_SOURCE
#include "scfilter.h"

#include <errno.h>
#include <fcntl.h>
#include "outfile.h"
#include <limits.h>
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sclib.h"
#include "scprofile.h"

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

static int build_default(scmp_filter_ctx ctx, const struct sc_opts *o, uint64_t caps, uint32_t deny, int *rules,
			 struct err *e)
{
	bool admin = sc_kept(caps, CAP_SYS_ADMIN);
	for (size_t i = 0; i < sizeof docker_denies / sizeof *docker_denies; i++) {
		const struct deny *d = &docker_denies[i];
		if (sc_kept(caps, d->cap) || sc_kept(caps, d->cap2) || sc_named(o->allow, o->nallow, d->name))
			continue;
		if (sc_add_rule(ctx, deny, d->name, 0, NULL, rules, e) < 0)
			return -1;
	}
	/* New namespaces (a user namespace above all) only with CAP_SYS_ADMIN: clone with any
	 * CLONE_NEW* flag, and clone3 (its flags are in memory a filter cannot read) answers
	 * ENOSYS, so that libc falls back to clone. */
	if (!admin && !sc_named(o->allow, o->nallow, "clone")) {
		static const uint64_t ns[] = { CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
					       CLONE_NEWNET, CLONE_NEWCGROUP };
		for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
			struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, ns[i], ns[i]);
			if (sc_add_rule(ctx, deny, "clone", 1, &a, rules, e) < 0)
				return -1;
		}
	}
	if (!admin && !o->log && !sc_named(o->allow, o->nallow, "clone3") &&
	    sc_add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL, rules, e) < 0)
		return -1;
	/* personality: the flags that weaken the address space (no ASLR, READ_IMPLIES_EXEC, page 0
	 * mappable, the old layouts); 0xffffffff (a query) has bit 31 set and passes. */
	static const uint64_t weak[] = { 0x0040000 /* ADDR_NO_RANDOMIZE */, 0x0400000 /* READ_IMPLIES_EXEC */,
					 0x0100000 /* MMAP_PAGE_ZERO */, 0x0200000 /* ADDR_COMPAT_LAYOUT */,
					 0x8000000 /* ADDR_LIMIT_3GB */ };
	for (size_t i = 0; i < sizeof weak / sizeof *weak && !sc_named(o->allow, o->nallow, "personality"); i++) {
		struct scmp_arg_cmp a = SCMP_A0(SCMP_CMP_MASKED_EQ, weak[i] | 0x80000000u, weak[i]);
		if (sc_add_rule(ctx, deny, "personality", 1, &a, rules, e) < 0)
			return -1;
	}
	/* Typing into the terminal climit shares with its caller (bubblewrap's CVE-2017-5226), and
	 * TIOCLINUX's console selection paste; the request is 32 bits, the upper half ignored. */
	if (!sc_named(o->allow, o->nallow, "ioctl")) {
		static const uint64_t tty[] = { TIOCSTI, TIOCLINUX };
		for (size_t i = 0; i < sizeof tty / sizeof *tty; i++) {
			struct scmp_arg_cmp a = SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, tty[i]);
			if (sc_add_rule(ctx, deny, "ioctl", 1, &a, rules, e) < 0)
				return -1;
		}
	}
	/* Docker refuses AF_VSOCK sockets (talking to the host outside any network namespace). */
	struct scmp_arg_cmp vsock = SCMP_A0(SCMP_CMP_EQ, AF_VSOCK);
	if (!sc_named(o->allow, o->nallow, "socket") && sc_add_rule(ctx, deny, "socket", 1, &vsock, rules, e) < 0)
		return -1;
	return 0;
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
	void *prog = ctx == sc_quiet_ctx ? quiet_buf : prog_buf;
	if (pread(fd, prog, (size_t)st.st_size, 0) != st.st_size)
		return err_sys(e, errno ? errno : EIO, "--seccomp: cannot read the compiled filter");
	*progp = prog;
	*lenp = (unsigned short)(st.st_size / sizeof(struct sock_filter));
	return 0;
}

/* ---- the compiled filter, cached ------------------------------------------------------------
 * Compiling Docker's profile for three ABIs takes libseccomp ~2.5 ms (bench/results.md), ten
 * times the rest of the filter's cost: the BPF is sc_kept in a cache directory (root's
 * /var/cache/climit, a user's $XDG_CACHE_HOME/climit or ~/.cache/climit), sc_named by a hash of
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
	const char *why = sclib_load();
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
	sc_quiet_rules = 0;
	sc_quiet_ctx = sc.init(SCMP_ACT_ALLOW);
	if (!sc_quiet_ctx || sc_add_arches(sc_quiet_ctx, e) < 0) {
		if (sc_quiet_ctx)
			sc.release(sc_quiet_ctx);
		sc_quiet_ctx = NULL;
		return err_set(e, "--seccomp: cannot create a filter");
	}
	if (mode == SC_FILE) {
		if (sc_profile_build(&ctx, o, caps_kept, &rules, &dflt, e) < 0)
			goto out;
	} else {
		ctx = sc.init(SCMP_ACT_ALLOW);
		if (!ctx) {
			err_set(e, "--seccomp: cannot create a filter");
			goto out;
		}
		if (sc_add_arches(ctx, e) < 0 || (!only_deny && build_default(ctx, o, caps_kept, deny, &rules, e) < 0))
			goto out;
	}
	/* --seccomp-allow on a profile that denies by default; --seccomp-deny on any. */
	for (int i = 0; i < o->nallow; i++)
		if (dflt != SCMP_ACT_ALLOW && sc_add_rule(ctx, SCMP_ACT_ALLOW, o->allow[i], 0, NULL, &rules, e) < 0)
			goto out;
	for (int i = 0; i < o->ndeny; i++)
		if (sc_add_rule(ctx, deny, o->deny[i], 0, NULL, &rules, e) < 0)
			goto out;
	if (export_prog(ctx, &o->prog, &o->len, e) < 0 ||
	    (sc_quiet_rules && export_prog(sc_quiet_ctx, &o->quiet, &o->quiet_len, e) < 0))
		goto out;
	snprintf(o->summary, sizeof o->summary, "%s%s, %d rules%s",
		 mode == SC_FILE ? "profile " : only_deny ? "--seccomp-deny only" : "default (Docker's)",
		 mode == SC_FILE ? o->file : "", rules, o->log ? ", logging instead of refusing" : "");
	rc = 0;
out:
	if (ctx)
		sc.release(ctx);
	sc.release(sc_quiet_ctx);
	sc_quiet_ctx = NULL;
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
