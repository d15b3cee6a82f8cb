/* Command-line parsing into plain structs. Every refusal names the option and the value. */
#define _GNU_SOURCE
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "export.h"
#include "opts.h"
#include "units.h"

enum {
	OPT_MEM = 'm', OPT_PIDS = 'p', OPT_CPU = 'c', OPT_NAME = 'n', OPT_TIMEOUT = 't',
	OPT_HELP = 'h', OPT_VERSION = 'V',
	OPT_MEM_HIGH = 256, OPT_SWAP, OPT_CPU_WEIGHT, OPT_CPUS, OPT_PARENT, OPT_REPORT,
	OPT_ISOLATE, OPT_NS, OPT_SHARE_NET, OPT_ROOTFS, OPT_OVERLAY, OPT_OVERLAY_KEEP, OPT_ROOTFS_TAR,
	OPT_HOSTNAME, OPT_UID, OPT_GID, OPT_USER_NS, OPT_MAP_ROOT, OPT_CAP_DROP, OPT_CAP_ADD, OPT_ENV,
	OPT_CWD, OPT_NO_INIT, OPT_MANAGER, OPT_PID, OPT_CHILDREN, OPT_WAIT, OPT_FORCE, OPT_JSON,
	OPT_SIGNAL, OPT_DRY_RUN, OPT_IO_RBPS, OPT_IO_WBPS, OPT_IO_RIOPS, OPT_IO_WIOPS, OPT_IO_WEIGHT,
	OPT_SECCOMP, OPT_SECCOMP_LOG, OPT_SECCOMP_ALLOW, OPT_SECCOMP_DENY, OPT_RECORD, OPT_RECORD_INTERVAL, OPT_REPLAY, OPT_REPORT_FILE,
};

/* climit [run]'s options, in --help's order. */
static const struct opt_def run_defs[] = {
	OPT_TEXT("Limits (none by default):\n"),
	OPT("mem", OPT_MEM, "SIZE", "hard memory limit (at least 1M); swap is capped at 0 unless --swap\n"
				    "(v2 memory.max + memory.swap.max, v1 memory.limit_in_bytes\n"
				    "+ memory.memsw.limit_in_bytes)"),
	OPT("mem-high", OPT_MEM_HIGH, "SIZE", "memory throttling threshold (v2 memory.high; v1: refused)"),
	OPT("swap", OPT_SWAP, "SIZE", "allow SIZE of swap on top of --mem (default 0)"),
	OPT("pids", OPT_PIDS, "N", "at most N tasks (processes + threads), or max (pids.max)"),
	OPT("cpu", OPT_CPU, "QUOTA", "hard CPU quota: 50% or 150% of one CPU, or 1.5 CPUs, or max\n"
				     "(per 100 ms period: v2 cpu.max, v1 cpu.cfs_quota_us)"),
	OPT("cpu-weight", OPT_CPU_WEIGHT, "N", "relative CPU weight 1..10000 (default 100; v2 cpu.weight,\n"
					       "v1 cpu.shares = N*1024/100)"),
	OPT("cpus", OPT_CPUS, "LIST", "run only on these CPUs, e.g. 0-1,3 (cpuset)"),
	OPT_REPEATS("io-read-bps", OPT_IO_RBPS, "[WHERE=]RATE", "read bytes per second, e.g. 20M (v2 io.max, v1 blkio.throttle.*)"),
	OPT_REPEATS("io-write-bps", OPT_IO_WBPS, "[WHERE=]RATE", "written bytes per second"),
	OPT_REPEATS("io-read-iops", OPT_IO_RIOPS, "[WHERE=]N", "read operations per second"),
	OPT_REPEATS("io-write-iops", OPT_IO_WIOPS, "[WHERE=]N", "write operations per second; each --io-* repeats, one per\n"
								"device. WHERE: a path (/var/lib/db: the disk holding it, a\n"
								"partition counting as its disk), a device (/dev/sda) or\n"
								"MAJ:MIN (8:0); default: the disk holding the working directory"),
	OPT("io-weight", OPT_IO_WEIGHT, "[WHERE=]N", "relative I/O weight 1..10000 (default 100; needs the bfq\n"
						     "scheduler or v2 io.cost on that disk: io.bfq.weight/io.weight)"),
	OPT_TEXT("\nRun control:\n"),
	OPT("name", OPT_NAME, "NAME", "cgroup name (default: COMMAND-PID); letters, digits, _ . -"),
	OPT("parent", OPT_PARENT, "PATH", "where climit's cgroups live (default: climit; on a systemd\n"
					  "cgroup-v2 host a scope in climit.slice, see below)"),
	OPT("cgroup-manager", OPT_MANAGER, "auto|systemd|cgroupfs",
	    "who creates the group (default auto: a transient systemd\n"
	    "scope with Delegate=yes when systemd runs a cgroup-v2 host\n"
	    "and no --parent is given, cgroupfs otherwise)"),
	OPT("timeout", OPT_TIMEOUT, "DURATION", "kill the whole group after DURATION and exit 124;\n"
						"DURATION is a number with ms, s (default), m, h or d; 0 = none"),
	OPT("report", OPT_REPORT, "[=text|json]", "print a resource summary on stderr at the end: text\n"
						  "(default, with sparklines of memory, CPU and tasks on a\n"
						  "terminal) or json"),
	OPT("report-file", OPT_REPORT_FILE, "FILE", "append the JSON report to FILE, one line per run (safe for\n"
						    "runs at the same time; with or without --report)"),
	OPT("record", OPT_RECORD, "FILE", "record the run: samples and events as JSON Lines (see\n"
					  "climit export, climit replay, climit plot)"),
	OPT("record-interval", OPT_RECORD_INTERVAL, "DURATION", "time between samples (default 100ms; 10ms to 1h)"),
	OPT("pid", OPT_PID, "PID", "instead of COMMAND: move running process PID (all its threads)\n"
				   "into the new group; climit exits at once and `climit gc`\n"
				   "removes the group once it is empty"),
	OPT("children", OPT_CHILDREN, NULL, "with --pid: its descendants too"),
	OPT("wait", OPT_WAIT, NULL, "with --pid: stay until the group is empty, then remove it\n"
				    "(--timeout kills the group; --report prints its figures)"),
	OPT("dry-run", OPT_DRY_RUN, NULL, "run nothing: say what the limits would be in force, what not\n"
					  "and why (climit doctor)"),
	OPT("json", OPT_JSON, NULL, "with --dry-run: one JSON array"),
	OPT("help", OPT_HELP, NULL, "show this help and exit"),
	OPT("version", OPT_VERSION, NULL, "show the version and exit"),
	OPT_TEXT("\nIsolation (none by default):\n"),
	OPT("isolate", OPT_ISOLATE, NULL, "new pid, mount, uts, ipc, net and cgroup namespaces, a fresh\n"
					  "/proc, a read-only /sys/fs/cgroup rooted at the container's\n"
					  "group, Docker's default capabilities (no sys_admin),\n"
					  "no_new_privs, only fds 0-2, and a reaping init as PID 1"),
	OPT("ns", OPT_NS, "LIST", "namespaces to create: pid,mount,uts,ipc,net,cgroup,user"),
	OPT("share-net", OPT_SHARE_NET, NULL, "keep the host's network (with --isolate or --ns)"),
	OPT("no-init", OPT_NO_INIT, NULL, "the command itself is PID 1 (like unshare --fork --pid)"),
	OPT("rootfs", OPT_ROOTFS, "DIR", "pivot_root into DIR with /proc, a minimal /dev and a\n"
					 "read-only /sys (needs a mount namespace)"),
	OPT("overlay", OPT_OVERLAY, NULL, "DIR is the read-only lower layer; changes go to a throw-away\n"
					  "tmpfs upper layer"),
	OPT("overlay-keep", OPT_OVERLAY_KEEP, "DIR", "keep the upper layer in DIR/upper (implies --overlay)"),
	OPT("rootfs-tar", OPT_ROOTFS_TAR, "FILE", "unpack a `docker export` tarball into a temporary rootfs\n"
						  "($TMPDIR or /var/tmp), removed at the end"),
	OPT("hostname", OPT_HOSTNAME, "NAME", "hostname inside (needs a uts namespace)"),
	OPT("uid", OPT_UID, "UID|NAME", "run as this user (NAME from the container's /etc/passwd;\n"
					"its group too unless --gid); no capabilities, no_new_privs"),
	OPT("gid", OPT_GID, "GID|NAME", "run as this group (supplementary groups: just GID)"),
	OPT("user-ns", OPT_USER_NS, NULL, "new user namespace; root inside = the caller outside\n"
					  "(implied for a normal user's --isolate and --ns)"),
	OPT("map-root-user", OPT_MAP_ROOT, NULL, "the same as --user-ns (unshare's name)"),
	OPT("cap-drop", OPT_CAP_DROP, "LIST|all", "drop capabilities (e.g. net_raw,CAP_CHOWN)"),
	OPT("cap-add", OPT_CAP_ADD, "LIST", "keep or add capabilities (also for a non-root --uid)"),
	OPT_REPEATS("env", OPT_ENV, "NAME=VALUE", "set a variable (repeatable)"),
	OPT("cwd", OPT_CWD, "DIR", "working directory (absolute; inside the rootfs)"),
	OPT("seccomp", OPT_SECCOMP, "default|unconfined|FILE",
	    "syscall filter (default with --isolate, none without):\n"
	    "Docker's default profile (denied calls fail with EPERM; also\n"
	    "TIOCSTI/TIOCLINUX, i386 and x32 calls alike), or a\n"
	    "Docker/OCI seccomp JSON profile"),
	OPT("seccomp-log", OPT_SECCOMP_LOG, NULL, "log what the filter would refuse, and let it through"),
	OPT("seccomp-allow", OPT_SECCOMP_ALLOW, "LIST", "syscall names to allow on top (keyctl,add_key)"),
	OPT("seccomp-deny", OPT_SECCOMP_DENY, "LIST", "syscall names to refuse on top"),
};
#define NRUN ((int)(sizeof run_defs / sizeof run_defs[0]))

/* An existing directory, made absolute (the container sees it from another root). */
static bool valid_id(const char *s)
{
	/* A number, or a user/group name as useradd accepts it. */
	if (!s[0] || strlen(s) > 32)
		return false;
	bool digits = true;
	for (const char *p = s; *p; p++)
		digits &= *p >= '0' && *p <= '9';
	if (digits)
		return strtoull(s, NULL, 10) < 4294967295ull;
	if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p == '_' || *p == '-' || *p == '.' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || (*p == '$' && p[1] == '\0')))
			return false;
	return true;
}

static bool valid_hostname(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || s[0] == '-' || s[0] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if (!(*p == '-' || *p == '.' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

/* The spelling of the option as the user is most likely to recognise it. */
static const char *optname(int c)
{
	return opts_name(run_defs, NRUN, c);
}

static int bad(struct err *e, int c, const char *val, const char *why)
{
	return err_set(e, "%s: \"%s\": %s", optname(c), val, why);
}

static int parse_io(int c, const char *arg, struct run_opts *o, struct err *e)
{
	const char *why;
	/* enum io_key follows the option order; --io-weight is IO_WEIGHT. */
	if (io_parse_arg(&o->io, c - OPT_IO_RBPS,
			 c == OPT_IO_WEIGHT ? "--io-weight" : io_key_option((enum io_key)(c - OPT_IO_RBPS)), arg, &why) < 0)
		return bad(e, c, arg, why);
	return 0;
}

static unsigned online_cpus(void)
{
	/* cpuset ids go up to the highest configured CPU, not the count of online ones. */
	long n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? (unsigned)n : 1;
}

/* Below about 1 MiB no program gets through execve (its page tables and first pages are charged
 * to the group): the run could only fail. A bare number is bytes, so "--mem 512" is most likely
 * a unit forgotten. */
static int mem_too_small(struct err *e, const char *arg, uint64_t bytes)
{
	int digits = (int)strspn(arg, "0123456789.");
	return err_set(e, "--mem: \"%s\": %" PRIu64 " byte%s is too small to start any program (at least 1M); "
			  "did you mean %.*sM or %.*sG?", arg, bytes, bytes == 1 ? "" : "s", digits, arg, digits, arg);
}

/* The limits (run and set share them): 0, or -1 with e filled. The value as typed is kept in
 * o->arg[] for later messages. */
static int parse_limit(int c, const char *arg, struct run_opts *o, struct err *e)
{
	const char *why = NULL;
	switch (c) {
	case OPT_MEM:
		if (units_parse_size(arg, true, &o->mem_max, &why) < 0)
			return bad(e, c, arg, why);
		if (o->mem_max < CLI_MIN_MEM)
			return mem_too_small(e, arg, o->mem_max);
		o->arg[LIMIT_MEMORY_MAX] = arg;
		return 0;
	case OPT_MEM_HIGH:
		if (units_parse_size(arg, true, &o->mem_high, &why) < 0)
			return bad(e, c, arg, why);
		if (o->mem_high == 0)
			return bad(e, c, arg, "must be more than 0");
		o->arg[LIMIT_MEMORY_HIGH] = arg;
		return 0;
	case OPT_SWAP:
		if (units_parse_size(arg, true, &o->swap_max, &why) < 0)
			return bad(e, c, arg, why);
		o->arg[LIMIT_SWAP_MAX] = arg;
		return 0;
	case OPT_PIDS:
		if (units_parse_uint(arg, 1, 4194304, true, &o->pids_max, &why) < 0)
			return bad(e, c, arg, why);
		o->arg[LIMIT_PIDS_MAX] = arg;
		return 0;
	case OPT_CPU:
		if (units_parse_cpu_quota(arg, &o->cpu_quota_us, &why) < 0)
			return bad(e, c, arg, why);
		/* A bare number is CPUs: "--cpu 50" on a 2-CPU host is no limit at all, and 50% was
		 * most likely meant (as "--mem 512" is most likely not 512 bytes). */
		if (o->cpu_quota_us != UNITS_MAX && !strchr(arg, '%') && o->cpu_quota_us > (uint64_t)online_cpus() * CPU_PERIOD_US)
			return err_set(e, "--cpu: \"%s\": %s CPUs, more than this host has (%u); did you mean %s%%?", arg, arg,
				       online_cpus(), arg);
		o->arg[LIMIT_CPU_MAX] = arg;
		return 0;
	case OPT_CPU_WEIGHT:
		if (units_parse_uint(arg, 1, 10000, false, &o->cpu_weight, &why) < 0)
			return bad(e, c, arg, why);
		o->arg[LIMIT_CPU_WEIGHT] = arg;
		return 0;
	case OPT_CPUS:
		/* A dry run checks only the syntax: a CPU this host lacks is one of its findings. */
		if (units_parse_cpu_list(arg, o->dry_run ? 1u << 20 : online_cpus(), &why) < 0)
			return bad(e, c, arg, why);
		o->cpus = arg;
		return 0;
	}
	return err_set(e, "internal: option %d is not a limit", c);
}

/* --mem-high above --mem could never act; checked once every limit is read. */
static int check_mem_high(const struct run_opts *o, struct err *e)
{
	if (o->mem_high != OPT_UNSET && o->mem_max != OPT_UNSET && o->mem_max != UNITS_MAX &&
	    o->mem_high != UNITS_MAX && o->mem_high > o->mem_max)
		return err_set(e, "--mem-high: \"%s\": above --mem, so it could never act", o->arg[LIMIT_MEMORY_HIGH]);
	return 0;
}

static void unset_limits(struct run_opts *o)
{
	o->mem_max = o->mem_high = o->swap_max = o->pids_max = o->cpu_quota_us = o->cpu_weight = OPT_UNSET;
}

/* What cli_parse_run gathers across options before it can apply them. */
struct run_parse {
	bool isolate, share_net;
	uint64_t cap_drop, cap_add;
};

/* The limits and how the run goes (placement, time, report, record, --pid); 1 if C is none
 * of them, else 0 or -1 with e. */
static int parse_run_opt(int c, const char *arg, struct run_opts *o, struct err *e)
{
	uint64_t v;
	const char *why = NULL;
	switch (c) {
	case OPT_MEM: case OPT_MEM_HIGH: case OPT_SWAP: case OPT_PIDS: case OPT_CPU:
	case OPT_CPU_WEIGHT: case OPT_CPUS:
		if (parse_limit(c, arg, o, e) < 0)
			return -1;
		break;
	case OPT_IO_RBPS: case OPT_IO_WBPS: case OPT_IO_RIOPS: case OPT_IO_WIOPS: case OPT_IO_WEIGHT:
		if (parse_io(c, arg, o, e) < 0)
			return -1;
		break;
	case OPT_PID:
		if (units_parse_uint(arg, 1, INT_MAX, false, &v, &why) < 0)
			return bad(e, c, arg, why);
		o->pid = (int)v;
		break;
	case OPT_CHILDREN:
		o->children = true;
		break;
	case OPT_WAIT:
		o->wait = true;
		break;
	case OPT_DRY_RUN:
		o->dry_run = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	case OPT_NAME:
		if (units_check_name(arg, &why) < 0)
			return bad(e, c, arg, why);
		o->name = arg;
		break;
	case OPT_PARENT:
		if (units_check_parent(arg, &why) < 0)
			return bad(e, c, arg, why);
		o->parent = arg[0] == '/' ? arg + 1 : arg;
		o->parent_given = true;
		break;
	case OPT_MANAGER:
		if (strcmp(arg, "auto") == 0)
			o->manager = MGR_AUTO;
		else if (strcmp(arg, "cgroupfs") == 0)
			o->manager = MGR_CGROUPFS;
		else if (strcmp(arg, "systemd") == 0)
			o->manager = MGR_SYSTEMD;
		else
			return bad(e, c, arg, "not a cgroup manager (use auto, systemd or cgroupfs)");
		break;
	case OPT_TIMEOUT:
		if (units_parse_duration(arg, &o->timeout_ns, &why) < 0)
			return bad(e, c, arg, why);
		break;
	case OPT_RECORD:
		if (!arg[0])
			return bad(e, c, arg, "an empty file name");
		o->record = arg;
		break;
	case OPT_REPORT_FILE:
		if (!arg[0])
			return bad(e, c, arg, "an empty file name");
		o->report_file = arg;
		break;
	case OPT_RECORD_INTERVAL:
		if (units_parse_duration(arg, &o->record_interval_ns, &why) < 0)
			return bad(e, c, arg, why);
		if (o->record_interval_ns < REC_INTERVAL_MIN || o->record_interval_ns > REC_INTERVAL_MAX)
			return bad(e, c, arg, "out of range (10ms to 1h)");
		break;
	case OPT_REPORT:
		if (!arg || strcmp(arg, "text") == 0)
			o->report = REPORT_TEXT;
		else if (strcmp(arg, "json") == 0)
			o->report = REPORT_JSON;
		else
			return bad(e, c, arg, "not a report format (use text or json)");
		break;
	default:
		return 1;
	}
	return 0;
}

/* Isolation and the syscall filter; 1 if C is none of them, else 0 or -1 with e. */
static int parse_iso_opt(int c, const char *arg, struct run_opts *o, struct run_parse *st, struct err *e)
{
	const char *why = NULL;
	struct iso_opts *iso = &o->iso;
	switch (c) {
	case OPT_ISOLATE:
		st->isolate = true;
		break;
	case OPT_SECCOMP:
		o->sc.arg = arg;
		if (strcmp(arg, "default") == 0) {
			o->sc.mode = SC_DEFAULT;
		} else if (strcmp(arg, "unconfined") == 0) {
			o->sc.mode = SC_UNCONFINED;
		} else if (arg[0]) {
			o->sc.mode = SC_FILE;
			o->sc.file = arg;
		} else {
			return bad(e, c, arg, "use default, unconfined or a Docker/OCI seccomp JSON file");
		}
		break;
	case OPT_SECCOMP_LOG:
		o->sc.log = true;
		break;
	case OPT_SECCOMP_ALLOW: case OPT_SECCOMP_DENY: {
		/* A copy: the names point into it, the option stays as typed for messages. */
		static char copies[2][1024];
		bool allow = c == OPT_SECCOMP_ALLOW;
		char *copy = copies[allow];
		if (!str_copy(copy, arg, sizeof copies[0]))
			return bad(e, c, arg, "too long");
		if (sc_parse_names(copy, allow ? o->sc.allow : o->sc.deny, allow ? &o->sc.nallow : &o->sc.ndeny,
				   &why) < 0)
			return bad(e, c, arg, why);
		*(allow ? &o->sc.allow_arg : &o->sc.deny_arg) = arg;
		break;
	}
	case OPT_NS: {
		unsigned long ns;
		if (iso_parse_ns(arg, &ns, &why) < 0)
			return bad(e, c, arg, why);
		iso->ns |= ns;
		break;
	}
	case OPT_SHARE_NET:
		st->share_net = true;
		break;
	case OPT_ROOTFS:
		if (!arg[0])
			return err_set(e, "--rootfs: empty path");
		iso->rootfs = arg; /* checked and made absolute by iso_resolve_paths */
		break;
	case OPT_OVERLAY:
		iso->overlay = true;
		break;
	case OPT_OVERLAY_KEEP:
		if (!arg[0])
			return err_set(e, "--overlay-keep: empty path");
		iso->overlay_keep = arg;
		break;
	case OPT_ROOTFS_TAR:
		if (!arg[0])
			return err_set(e, "--rootfs-tar: empty path");
		iso->rootfs_tar = arg;
		break;
	case OPT_HOSTNAME:
		if (!valid_hostname(arg))
			return bad(e, c, arg, "not a valid hostname (1-64 letters, digits, - and .)");
		iso->hostname = arg;
		break;
	case OPT_UID:
	case OPT_GID:
		if (!valid_id(arg))
			return bad(e, c, arg, c == OPT_UID ? "not a user id or name" : "not a group id or name");
		*(c == OPT_UID ? &iso->uid : &iso->gid) = arg;
		break;
	case OPT_USER_NS:
	case OPT_MAP_ROOT:
		iso->ns |= CLONE_NEWUSER;
		iso->map_root = true;
		break;
	case OPT_CAP_DROP:
	case OPT_CAP_ADD:
		if (iso_parse_caps(arg, c == OPT_CAP_DROP ? &st->cap_drop : &st->cap_add, &why) < 0)
			return bad(e, c, arg, why);
		iso->caps_given = true;
		break;
	case OPT_ENV:
		if (!strchr(arg, '=') || arg[0] == '=')
			return bad(e, c, arg, "expected NAME=VALUE");
		if (iso->nenv == ISO_MAX_ENV)
			return bad(e, c, arg, "too many --env options");
		iso->env[iso->nenv++] = arg;
		break;
	case OPT_CWD:
		if (arg[0] != '/')
			return bad(e, c, arg, "must be an absolute path (inside the container)");
		iso->cwd = arg;
		break;
	case OPT_NO_INIT:
		iso->no_init = true;
		break;
	default:
		return 1;
	}
	return 0;
}

/* Options that only make sense together, and what --isolate and a normal user imply. */
static int run_isolation_done(struct run_opts *o, const struct run_parse *st, struct err *e)
{
	struct iso_opts *iso = &o->iso;
	if (st->isolate) {
		iso->ns |= iso_default_ns();
		iso->caps_given = true;
	}
	o->isolate = st->isolate;
	if (st->share_net) {
		if (!iso->ns)
			return err_set(e, "--share-net: only makes sense with --isolate or --ns");
		iso->ns &= ~(unsigned long)CLONE_NEWNET;
	}
	/* A normal user gets namespaces only inside a user namespace of its own, mapped to root
	 * inside (like `unshare --user --map-root-user` and bubblewrap). */
	if (iso->ns && geteuid() != 0 && !(iso->ns & CLONE_NEWUSER)) {
		iso->ns |= CLONE_NEWUSER;
		iso->map_root = iso->userns_implied = true;
	}
	if (o->manager == MGR_SYSTEMD && o->parent_given)
		return err_set(e, "--parent: \"%s\": systemd places the group itself (leave --parent out, or "
				  "use --cgroup-manager cgroupfs)", o->parent);
	if (iso->caps_given)
		iso->caps = ((st->isolate ? iso_default_caps() : ~0ull) & ~st->cap_drop) | st->cap_add;
	iso->caps_added = st->cap_add;
	if (iso->overlay_keep)
		iso->overlay = true;
	if (iso->rootfs && iso->rootfs_tar)
		return err_set(e, "--rootfs-tar: \"%s\": give either --rootfs or --rootfs-tar", iso->rootfs_tar);
	if (iso->no_init && !(iso->ns & CLONE_NEWPID))
		return err_set(e, "--no-init: only with a pid namespace (--isolate, or --ns with pid)");
	return 0;
}

/* --pid instead of a command: what a running process cannot be given. */
static int run_pid_done(const struct run_opts *o, int argc, char **argv, struct err *e)
{
	const struct iso_opts *iso = &o->iso;
	if (o->record)
		return err_set(e, "--record: \"%s\": not with --pid (record a command climit starts)", o->record);
	if (optind < argc)
		return err_set(e, "--pid: \"%d\": give either --pid or a command (\"%s\")", o->pid, argv[optind]);
	if (iso->ns || iso->rootfs || iso->rootfs_tar || iso->uid || iso->gid || iso->caps_given || iso->nenv ||
	    iso->cwd || iso->hostname || o->sc.mode != SC_AUTO || o->sc.log || o->sc.nallow || o->sc.ndeny)
		return err_set(e, "--pid: \"%d\": a running process cannot be isolated (namespaces, rootfs, "
				  "credentials, environment and syscall filters are set when a process starts)", o->pid);
	if (o->timeout_ns && !o->wait)
		return err_set(e, "--timeout: only with --wait for --pid (climit must stay to enforce it)");
	return 0;
}

int cli_parse_run(int argc, char **argv, struct run_opts *o, struct err *e)
{
	*o = (struct run_opts){ .parent = "climit" };
	unset_limits(o);
	struct run_parse st = { .isolate = false };
	struct opts s;
	/* Stop at the first non-option, so `climit --pids 9 ls -l` runs ls with -l (like env,
	 * timeout); `climit ls -l` is the subcommand ls (main.c), `climit -- ls -l` the program. */
	opts_begin(&s, run_defs, NRUN, false);
	const char *arg;
	int c;
	while ((c = opts_next(&s, argc, argv, &arg, e)) != -1) {
		if (c == -2)
			return -1;
		if (c == OPT_HELP || c == OPT_COMPLETE_KEY || c == OPT_VERSION) {
			*(c == OPT_VERSION ? &o->version : &o->help) = true;
			return 0;
		}
		int rc = parse_run_opt(c, arg, o, e);
		if (rc == 1)
			rc = parse_iso_opt(c, arg, o, &st, e);
		if (rc < 0)
			return -1;
	}
	if (run_isolation_done(o, &st, e) < 0)
		return -1;
	if (o->swap_max != OPT_UNSET && o->mem_max == OPT_UNSET)
		return err_set(e, "--swap: \"%s\": needs --mem (swap is allowed on top of a memory limit)",
			       o->arg[LIMIT_SWAP_MAX]);
	if (check_mem_high(o, e) < 0)
		return -1;
	if (o->json && !o->dry_run)
		return err_set(e, "--json: only with --dry-run (or climit doctor)");
	if (o->dry_run) {
		o->argv = optind < argc ? argv + optind : NULL;
		return 0;
	}
	if (o->record_interval_ns && !o->record)
		return err_set(e, "--record-interval: only with --record FILE");
	if (!o->record_interval_ns)
		o->record_interval_ns = REC_INTERVAL_DEFAULT;
	if (o->pid)
		return run_pid_done(o, argc, argv, e);
	if (o->children || o->wait)
		return err_set(e, "%s: only with --pid", o->children ? "--children" : "--wait");
	if (optind >= argc)
		return err_set(e, "missing command (usage: climit [OPTIONS] [--] CMD [ARGS...])");
	if (argv[optind][0] == '\0')
		return err_set(e, "empty command name");
	o->argv = argv + optind;
	return 0;
}

/* A replay's pace, for replay --speed and top --replay --speed. */
static int parse_speed(const char *arg, double *out, struct err *e)
{
	char *end;
	*out = strtod(arg, &end);
	if (end == arg || *end || !(*out >= 0.1 && *out <= 100))
		return err_set(e, "--speed: \"%s\": not a factor from 0.1 to 100", arg);
	return 0;
}

enum { R_FORMAT = 'f', R_OUT = 'o', R_SIZE = 300, R_TITLE, R_SPEED };
static const struct opt_def export_defs[] = {
	OPT("format", R_FORMAT, "FORMAT", "csv (default: a row per sample, spreadsheets, pandas),\n"
					  "json (one document: header, samples, events, end) or\n"
					  "openmetrics (for promtool tsdb create-blocks-from openmetrics)"),
	OPT("output", R_OUT, "OUT", "write OUT (atomically) instead of stdout"),
};
static const struct opt_def plot_defs[] = {
	OPT("output", R_OUT, "OUT", "the chart; its extension picks the format"),
	OPT("size", R_SIZE, "WxH", "in pixels (default 1200x900)"),
	OPT("title", R_TITLE, "TEXT", "instead of the command and its limits"),
};
static const struct opt_def replay_defs[] = {
	OPT("speed", R_SPEED, "X", "start at X times the recorded pace (0.1 to 100)"),
};
static const struct {
	const char *cmd, *usage, *after;
	const struct opt_def *defs;
	int n;
} recv_cmds[] = {
	{ "export", "Usage: climit export FILE [--format csv|json|openmetrics] [-o OUT]\n"
		    "Convert a recording (climit --record FILE, climit top --record FILE).\n",
	  "See climit(1), RECORDING.\n", export_defs, 2 },
	{ "plot", "Usage: climit plot FILE [FILE...] -o OUT.png|OUT.svg|OUT.pdf [--size WxH] [--title TEXT]\n"
		  "Draw a recording: memory, CPU, tasks (and pressure where recorded) against\n"
		  "their limits, OOM kills and limit hits marked; several files overlay runs.\n"
		  "Needs gnuplot (apt-get install gnuplot-nox).\n",
	  "See climit(1), RECORDING.\n", plot_defs, 3 },
	{ "replay", "Usage: climit replay FILE [--speed X]   (also: climit top --replay FILE)\n"
		    "Play a recording in the dashboard: space pauses, . and , step, left/right seek\n"
		    "10 s, + and - change the speed, Home/End (g/G) jump; q quits.\n",
	  "See climit-top(1), --replay and KEYS; climit(1), RECORDING.\n", replay_defs, 1 },
};

static int recv_index(const char *cmd)
{
	return strcmp(cmd, "export") == 0 ? 0 : strcmp(cmd, "plot") == 0 ? 1 : 2;
}

static int recv_opt(int c, const char *arg, struct recv_opts *o, struct err *e)
{
	char *end;
	switch (c) {
	case R_FORMAT:
		if (strcmp(arg, "csv") == 0)
			o->format = EXPORT_CSV;
		else if (strcmp(arg, "json") == 0)
			o->format = EXPORT_JSON;
		else if (strcmp(arg, "openmetrics") == 0)
			o->format = EXPORT_OPENMETRICS;
		else
			return err_set(e, "--format: \"%s\": not a format (use csv, json or openmetrics)", arg);
		break;
	case R_OUT:
		if (!arg[0])
			return err_set(e, "-o: \"\": an empty file name");
		o->out = arg;
		break;
	case R_SIZE: {
		unsigned long w = strtoul(arg, &end, 10), h = 0;
		if (end != arg && (*end == 'x' || *end == 'X')) {
			const char *hs = end + 1;
			h = strtoul(hs, &end, 10);
			if (end == hs)
				h = 0;
		}
		if (*end || w < 320 || h < 240 || w > 10000 || h > 10000)
			return err_set(e, "--size: \"%s\": not WIDTHxHEIGHT in pixels (320x240 to 10000x10000)", arg);
		o->width = (unsigned)w;
		o->height = (unsigned)h;
		break;
	}
	case R_TITLE:
		o->title = arg;
		break;
	case R_SPEED:
		return parse_speed(arg, &o->speed, e);
	}
	return 0;
}

int cli_parse_recv(const char *cmd, int argc, char **argv, struct recv_opts *o, struct err *e)
{
	*o = (struct recv_opts){ .cmd = cmd, .format = EXPORT_CSV, .width = 1200, .height = 900, .speed = 1 };
	bool plot = strcmp(cmd, "plot") == 0;
	int k = recv_index(cmd);
	struct opts s;
	opts_begin(&s, recv_cmds[k].defs, recv_cmds[k].n, true);
	const char *arg;
	int c;
	while ((c = opts_next(&s, argc, argv, &arg, e)) != -1) {
		if (c == -2)
			return -1;
		if (c == OPT_HELP_KEY || c == OPT_COMPLETE_KEY) {
			o->help = true;
			return 0;
		}
		if (recv_opt(c, arg, o, e) < 0)
			return -1;
	}
	for (; optind < argc; optind++) {
		if (!argv[optind][0])
			return err_set(e, "%s: \"\": an empty file name", cmd);
		if (o->nfiles == (plot ? 8 : 1))
			return err_set(e, "%s: \"%s\": %s", cmd, argv[optind],
				       plot ? "at most 8 recordings in one chart" : "one recording at a time");
		o->files[o->nfiles++] = argv[optind];
	}
	if (!o->nfiles)
		return err_set(e, "%s: missing the recording (usage: climit %s FILE%s)", cmd, cmd, plot ? "... -o OUT" : "");
	if (plot && !o->out)
		return err_set(e, "plot: missing -o OUT (a .png, .svg or .pdf file)");
	return 0;
}

void cli_usage_recv(const char *cmd)
{
	int k = recv_index(cmd);
	opts_help(stdout, recv_cmds[k].usage, recv_cmds[k].defs, recv_cmds[k].n, recv_cmds[k].after);
}

static const struct opt_def gc_defs[] = {
	OPT("parent", OPT_PARENT, "PATH", "only groups under PATH (default: every parent recorded)"),
};

int cli_parse_gc(int argc, char **argv, struct gc_opts *o, struct err *e)
{
	*o = (struct gc_opts){ .parent = NULL };
	const char *why, *arg;
	struct opts s;
	opts_begin(&s, gc_defs, 1, false);
	int c;
	while ((c = opts_next(&s, argc, argv, &arg, e)) != -1) {
		if (c == -2)
			return -1;
		if (c == OPT_HELP_KEY || c == OPT_COMPLETE_KEY) {
			o->help = true;
			return 0;
		}
		if (units_check_parent(arg, &why) < 0)
			return err_set(e, "--parent: \"%s\": %s", arg, why);
		o->parent = arg[0] == '/' ? arg + 1 : arg;
	}
	if (optind < argc)
		return err_set(e, "gc: \"%s\": unexpected argument", argv[optind]);
	return 0;
}

enum { T_JSON = 300, T_PARENT, T_PROM, T_PROM_FILE, T_EXPLAIN, T_RECORD, T_REPLAY, T_SPEED };
#define PARENT_HELP "where climit's groups live (default: climit, or\nclimit.slice under systemd)"
static const struct opt_def top_defs[] = {
	OPT("delay", 'd', "DURATION", "refresh interval (default 1s; ms, s, m suffixes)"),
	OPT("iterations", 'n', "N", "exit after N refreshes (default: run until q)"),
	OPT("batch", 'b', NULL, "plain text frames (default when stdout is not a terminal)"),
	OPT("json", T_JSON, NULL, "one JSON object per refresh"),
	OPT("all", 'a', NULL, "every cgroup on the host, as a tree (like systemd-cgtop)"),
	OPT("parent", T_PARENT, "PATH", PARENT_HELP),
	OPT("prometheus", T_PROM, "[=ADDR:PORT]", "serve the figures for Prometheus on http://ADDR:PORT/metrics\n"
						  "(default 127.0.0.1:9479); no screen unless -b or --json"),
	OPT("prometheus-file", T_PROM_FILE, "PATH", "write them to PATH (atomically) after every refresh, for\n"
						    "node_exporter's textfile collector"),
	OPT("record", T_RECORD, "FILE", "record every container shown, every refresh (JSON Lines;\n"
					"climit export, replay and plot read it)"),
	OPT("replay", T_REPLAY, "FILE", "show a recording instead (same as climit replay FILE):\n"
					"space pause, . , step, left/right seek 10 s, + - speed,\n"
					"Home/End or g/G jump"),
	OPT("speed", T_SPEED, "X", "with --replay: start at X times the recorded pace"),
};
static const struct opt_def ls_defs[] = {
	OPT("all", 'a', NULL, "every cgroup, as a tree"),
	OPT("json", T_JSON, NULL, "one JSON object with a \"groups\" array"),
	OPT("parent", T_PARENT, "PATH", PARENT_HELP),
};
static const struct opt_def stats_defs[] = {
	OPT("json", T_JSON, NULL, "one JSON object"),
	OPT("explain", T_EXPLAIN, NULL, "the effective memory, pids and CPU limit walking up the tree\n"
					"(the lowest ancestor's wins) and whether it binds now"),
	OPT("delay", 'd', "DURATION", "sampling interval for rates (default 1s)"),
	OPT("parent", T_PARENT, "PATH", PARENT_HELP),
};
static const struct {
	const char *usage, *after;
	const struct opt_def *defs;
	int n;
} top_cmds[] = {
	{ "Usage: climit top [OPTIONS]\n"
	  "Live dashboard of climit's containers: limits, OOM kills and refused forks as they happen.\n\n",
	  "\nKeys: up/down, j/K select, < > sort column, s cycle sort, r reverse, / filter,\n"
	  "Enter details, k kill (asks), f freeze/thaw, m p c change memory/pids/CPU limit,\n"
	  "? help, q quit.\n",
	  top_defs, (int)(sizeof top_defs / sizeof top_defs[0]) },
	{ "Usage: climit ls [--all] [--json] [--parent PATH]\n"
	  "List climit's containers (with --all every cgroup), one line each.\n",
	  NULL, ls_defs, (int)(sizeof ls_defs / sizeof ls_defs[0]) },
	{ "Usage: climit stats NAME [--json] [--explain] [--parent PATH]\n"
	  "Print one container's limits and counters once (rates need two samples: it waits\n"
	  "--delay, default 1s, between them).\n",
	  NULL, stats_defs, (int)(sizeof stats_defs / sizeof stats_defs[0]) },
};

static int top_index(const char *cmd)
{
	return strcmp(cmd, "ls") == 0 ? 1 : strcmp(cmd, "stats") == 0 ? 2 : 0;
}

int cli_parse_top(const char *cmd, int argc, char **argv, struct top_opts *o, struct err *e)
{
	*o = (struct top_opts){ .delay_ns = 1000000000ull };
	const char *why;
	int k = top_index(cmd);
	struct opts s;
	opts_begin(&s, top_cmds[k].defs, top_cmds[k].n, true);
	const char *arg;
	int c;
	while ((c = opts_next(&s, argc, argv, &arg, e)) != -1) {
		if (c == -2)
			return -1;
		switch (c) {
		case 'd':
			o->delay_given = true;
			if (units_parse_duration(optarg, &o->delay_ns, &why) < 0)
				return err_set(e, "--delay: \"%s\": %s", optarg, why);
			if (o->delay_ns < 10000000ull)
				return err_set(e, "--delay: \"%s\": at least 10ms", optarg);
			break;
		case 'n':
			if (units_parse_uint(optarg, 1, 1000000000, false, &o->iterations, &why) < 0)
				return err_set(e, "--iterations: \"%s\": %s", optarg, why);
			break;
		case 'b': o->batch = true; break;
		case T_JSON: o->json = true; break;
		case 'a': o->all = true; break;
		case T_PARENT:
			if (units_check_parent(optarg, &why) < 0)
				return err_set(e, "--parent: \"%s\": %s", optarg, why);
			o->parent = optarg[0] == '/' ? optarg + 1 : optarg;
			break;
		case T_PROM:
			if (strcmp(cmd, "top") != 0)
				return err_set(e, "--prometheus: only for climit top");
			o->prometheus = true;
			o->prom_addr = optarg;
			break;
		case T_PROM_FILE:
			if (strcmp(cmd, "top") != 0)
				return err_set(e, "--prometheus-file: only for climit top");
			if (!optarg[0])
				return err_set(e, "--prometheus-file: empty path");
			o->prom_file = optarg;
			break;
		case T_RECORD:
		case T_REPLAY:
			if (strcmp(cmd, "top") != 0)
				return err_set(e, "%s: only for climit top", c == T_RECORD ? "--record" : "--replay");
			if (!optarg[0])
				return err_set(e, "%s: \"\": an empty file name", c == T_RECORD ? "--record" : "--replay");
			*(c == T_RECORD ? &o->record : &o->replay) = optarg;
			break;
		case T_SPEED:
			if (strcmp(cmd, "top") != 0)
				return err_set(e, "--speed: only for climit top --replay");
			if (parse_speed(optarg, &o->speed, e) < 0)
				return -1;
			break;
		case T_EXPLAIN:
			if (strcmp(cmd, "stats") != 0)
				return err_set(e, "--explain: only for climit stats");
			o->explain = true;
			break;
		case OPT_HELP_KEY: case OPT_COMPLETE_KEY: o->help = true; return 0;
		}
	}
	if (o->speed && !o->replay)
		return err_set(e, "--speed: only with --replay FILE");
	if (!o->speed)
		o->speed = 1;
	if (o->replay && (o->record || o->prometheus || o->prom_file || o->all || o->parent))
		return err_set(e, "--replay: \"%s\": shows a recording only (not with %s)", o->replay,
			       o->record ? "--record" : o->prometheus ? "--prometheus" : o->prom_file ? "--prometheus-file"
			       : o->all ? "--all" : "--parent");
	if (strcmp(cmd, "stats") == 0) {
		if (optind >= argc)
			return err_set(e, "stats: missing container name (usage: climit stats NAME [--json])");
		o->name = argv[optind++];
	}
	if (optind < argc)
		return err_set(e, "%s: \"%s\": unexpected argument", cmd, argv[optind]);
	return 0;
}

void cli_usage_top(const char *cmd)
{
	int k = top_index(cmd);
	opts_help(stdout, top_cmds[k].usage, top_cmds[k].defs, top_cmds[k].n, top_cmds[k].after);
}

void cli_usage_run(void)
{
	opts_help(stdout,
		  "Usage: climit [run] [OPTIONS] [--] COMMAND [ARG...]\n"
		  "       climit run --pid PID [OPTIONS]    a running process gets the new group\n"
		  "       climit top | ls | stats | set | kill | freeze | thaw | wait | attach | gc | doctor\n"
		  "       climit export | plot | replay FILE...    a recording (--record) converted, drawn, replayed\n"
		  "       climit fit | sweep [OPTIONS] -- COMMAND   the smallest limits it needs; a scan of them\n"
		  "       climit --help | --version         (climit SUBCOMMAND --help for each)\n"
		  "A command named like a subcommand runs after --, or after run: climit -- ls -l, climit run ls -l\n"
		  "Run COMMAND in a new cgroup with hard limits; remove the cgroup when it ends.\n"
		  "\n",
		  run_defs, NRUN,
		  "\n"
		  "SIZE is bytes or a number with K, M, G or T (binary: 100M = 100MiB = 104857600);\n"
		  "Ki/KiB/KB are the same as K. Fractions are allowed (1.5G). \"max\" means no limit.\n"
		  "\n"
		  "Exit status: the command's own; 128+N if it was killed by signal N (137: OOM kill);\n"
		  "124 on --timeout; 125 climit failed; 126 COMMAND not executable; 127 not found.\n"
		  "\n"
		  "Without root: on a systemd cgroup-v2 host climit asks your user manager for a\n"
		  "delegated scope (cpu, memory and pids by default; see climit(1) for cpuset and io);\n"
		  "elsewhere give --parent PATH delegated to you (chown -R). Records live in\n"
		  "$XDG_RUNTIME_DIR/climit.\n"
		  "See climit(1).\n");
}

void cli_usage_gc(void)
{
	opts_help(stdout,
		  "Usage: climit gc [--parent PATH]\n"
		  "Remove cgroups left by climit processes that died without cleaning up (SIGKILL,\n"
		  "power loss of the process). Groups whose climit is alive are never touched.\n\n",
		  gc_defs, 1, NULL);
}

/* SIGNAL as kill(1) takes it: TERM, SIGTERM, term, or a number. */
static int parse_signal(const char *s, int *sig)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (end != s && *end == '\0')
		return n > 0 && n < NSIG ? (*sig = (int)n, 0) : -1;
	const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
	for (int i = 1; i < NSIG; i++) {
		const char *abbrev = sigabbrev_np(i);
		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*sig = i;
			return 0;
		}
	}
	return -1;
}

/* climit set|kill|freeze|thaw|wait|attach: a table each. */
static const struct opt_def set_defs[] = {
	OPT("mem", OPT_MEM, "SIZE", "hard memory limit; below what the group uses now only with\n"
				    "--force (the kernel then reclaims or OOM-kills; climit says which)"),
	OPT("mem-high", OPT_MEM_HIGH, "SIZE", "memory throttling threshold (v2)"),
	OPT("swap", OPT_SWAP, "SIZE", "swap allowed on top of the memory limit"),
	OPT("pids", OPT_PIDS, "N", "at most N tasks; below the tasks running is allowed (forks fail\n"
				   "until fewer are left)"),
	OPT("cpu", OPT_CPU, "QUOTA", "CPU quota (50%, 1.5, max)"),
	OPT("cpu-weight", OPT_CPU_WEIGHT, "N", "relative CPU weight 1..10000"),
	OPT("cpus", OPT_CPUS, "LIST", "CPUs it may run on"),
	OPT_REPEATS("io-read-bps", OPT_IO_RBPS, "WHERE=RATE", "bytes per second read from WHERE: a path, /dev/sda or 8:0\n"
								"(climit set does not know the container's working directory)"),
	OPT_REPEATS("io-write-bps", OPT_IO_WBPS, "WHERE=RATE", "bytes per second written to WHERE"),
	OPT_REPEATS("io-read-iops", OPT_IO_RIOPS, "WHERE=N", "read operations per second on WHERE"),
	OPT_REPEATS("io-write-iops", OPT_IO_WIOPS, "WHERE=N", "write operations per second on WHERE"),
	OPT("io-weight", OPT_IO_WEIGHT, "[WHERE=]N", "I/O weight 1..10000 (without WHERE: of every disk)"),
	OPT("force", OPT_FORCE, NULL, "lower memory below the current usage anyway"),
	OPT("json", OPT_JSON, NULL, "print the result as one JSON object"),
};
static const struct opt_def kill_defs[] = {
	OPT("signal", 's', "SIGNAL", "a name (TERM, SIGHUP, usr1) or a number"),
	OPT("json", OPT_JSON, NULL, "print the result as one JSON object"),
};
static const struct opt_def freeze_defs[] = {
	OPT("json", OPT_JSON, NULL, "print the result as one JSON object"),
};
static const struct opt_def wait_defs[] = {
	OPT("timeout", OPT_TIMEOUT, "DURATION", "give up after DURATION and exit 124"),
	OPT("json", OPT_JSON, NULL, "print the figures as one JSON object"),
};
static const struct opt_def attach_defs[] = {
	OPT("children", OPT_CHILDREN, NULL, "move their descendants too"),
	OPT("json", OPT_JSON, NULL, "print the result as one JSON object"),
};
#define DEFS(d) d, (int)(sizeof d / sizeof d[0])
static const struct {
	const char *cmd, *usage;
	const struct opt_def *defs;
	int n;
} ctl_cmds[] = {
	{ "set", "Usage: climit set NAME [LIMITS] [--force] [--json]\n"
		 "Change the limits of running container NAME, all or nothing: every value is checked\n"
		 "first, and if the kernel refuses one, the ones already written are put back. Prints\n"
		 "what is in force afterwards (and what it was).\n", DEFS(set_defs) },
	{ "kill", "Usage: climit kill NAME [SIGNAL]\n"
		  "Without SIGNAL, kill every process of NAME and its sub-groups and wait until the group\n"
		  "is empty (as --timeout does); its climit then exits 137. With SIGNAL, send it to every\n"
		  "process of the group (frozen meanwhile, so no PID is reused under it).\n", DEFS(kill_defs) },
	{ "freeze", "Usage: climit freeze NAME | climit thaw NAME\n"
		    "Stop every process of NAME (v2 cgroup.freeze, v1 freezer.state), or let them run again.\n",
	  DEFS(freeze_defs) },
	{ "thaw", "Usage: climit freeze NAME | climit thaw NAME\n"
		  "Stop every process of NAME (v2 cgroup.freeze, v1 freezer.state), or let them run again.\n",
	  DEFS(freeze_defs) },
	{ "wait", "Usage: climit wait NAME [--timeout DURATION] [--json]\n"
		  "Wait until NAME has no process left (or is removed), then print its figures as last\n"
		  "read: CPU time, memory peak, OOM kills, pids peak, forks refused.\n", DEFS(wait_defs) },
	{ "attach", "Usage: climit attach NAME PID... [--children]\n"
		    "Move running processes with all their threads into container NAME (v1: into every\n"
		    "hierarchy; v2: cgroup.procs). PID 1, kernel threads, climit itself and (for a normal\n"
		    "user) other users' processes are refused. A group of its own for a running process:\n"
		    "climit run --pid PID [LIMITS].\n", DEFS(attach_defs) },
};
#define NCTL ((int)(sizeof ctl_cmds / sizeof ctl_cmds[0]))

static int ctl_index(const char *cmd)
{
	for (int i = 0; i < NCTL; i++)
		if (strcmp(cmd, ctl_cmds[i].cmd) == 0)
			return i;
	return 0;
}

/* An option of another of these commands, given to this one: which command it is for. */
static const char *ctl_owner(const char *typed)
{
	char name[64];
	snprintf(name, sizeof name, "%.*s", (int)strcspn(typed, "="), typed);
	for (int i = 0; i < NCTL; i++)
		for (int j = 0; j < ctl_cmds[i].n; j++) {
			const struct opt_def *d = &ctl_cmds[i].defs[j];
			char lng[48], shrt[4] = "";
			snprintf(lng, sizeof lng, "--%s", d->name);
			if (d->key < 256)
				snprintf(shrt, sizeof shrt, "-%c", d->key);
			if (strcmp(name, lng) == 0 || (shrt[0] && strcmp(name, shrt) == 0))
				return strcmp(d->name, "json") == 0 ? NULL : ctl_cmds[i].cmd;
		}
	return NULL;
}

/* After climit set/kill/...'s options: the container, kill's signal, attach's PIDs; set needs a
 * limit. */
static int ctl_operands(const char *cmd, int argc, char **argv, const struct opts *it, struct ctl_opts *o,
			struct err *e)
{
	bool set = strcmp(cmd, "set") == 0, kill_cmd = strcmp(cmd, "kill") == 0, attach = strcmp(cmd, "attach") == 0;
	const char *why = NULL;
	if (optind >= argc)
		return err_set(e, "missing container name (usage: climit %s NAME%s)", cmd,
			       attach ? " PID..." : set ? " LIMITS" : kill_cmd ? " [SIGNAL]" : "");
	o->name = argv[optind++];
	if (units_check_name(o->name, &why) < 0)
		return err_set(e, "\"%s\": %s", o->name, why);
	if (kill_cmd && optind < argc) {
		if (it->seen['s'])
			return err_set(e, "\"%s\": the signal is given twice", argv[optind]);
		if (parse_signal(argv[optind], &o->sig) < 0)
			return err_set(e, "\"%s\": not a signal (a name such as TERM, or a number)", argv[optind]);
		optind++;
	}
	if (attach) {
		if (optind >= argc)
			return err_set(e, "missing PID (usage: climit attach NAME PID...)");
		for (; optind < argc; optind++) {
			uint64_t v;
			if (units_parse_uint(argv[optind], 1, INT_MAX, false, &v, &why) < 0)
				return err_set(e, "\"%s\": not a process ID", argv[optind]);
			if (o->npids == (int)(sizeof o->pids / sizeof o->pids[0]))
				return err_set(e, "\"%s\": at most %d PIDs at once", argv[optind], o->npids);
			o->pids[o->npids++] = (int)v;
		}
	}
	if (optind < argc)
		return err_set(e, "\"%s\": unexpected argument (usage: climit %s NAME ...)", argv[optind], cmd);
	if (set) {
		const struct run_opts *l = &o->lim;
		bool any = l->cpus != NULL || l->io.first;
		for (int i = 0; i <= LIMIT_CPU_WEIGHT; i++)
			any |= l->arg[i] != NULL;
		if (!any)
			return err_set(e, "nothing to set (give --mem, --mem-high, --swap, --pids, --cpu, --cpu-weight, "
					  "--cpus or an --io-* option)");
		if (check_mem_high(l, e) < 0)
			return -1;
	}
	return 0;
}

int cli_parse_ctl(const char *cmd, int argc, char **argv, struct ctl_opts *o, struct err *e)
{
	*o = (struct ctl_opts){ .cmd = cmd, .sig = SIGKILL };
	unset_limits(&o->lim);
	int k = ctl_index(cmd);
	const char *why = NULL, *arg;
	struct opts s;
	/* Options anywhere (GNU order): `climit set web --mem 1G` and `climit set --mem 1G web`. */
	opts_begin(&s, ctl_cmds[k].defs, ctl_cmds[k].n, true);
	int c;
	while ((c = opts_next(&s, argc, argv, &arg, e)) != -1) {
		if (c == -2) {
			const char *typed = argv[optind - 1], *owner = ctl_owner(typed);
			if (owner && strcmp(owner, cmd) != 0)
				err_set(e, "%.*s: only for climit %s", (int)strcspn(typed, "="), typed, owner);
			return -1;
		}
		switch (c) {
		case OPT_MEM: case OPT_MEM_HIGH: case OPT_SWAP: case OPT_PIDS: case OPT_CPU:
		case OPT_CPU_WEIGHT: case OPT_CPUS:
			if (parse_limit(c, arg, &o->lim, e) < 0)
				return -1;
			break;
		case OPT_IO_RBPS: case OPT_IO_WBPS: case OPT_IO_RIOPS: case OPT_IO_WIOPS: case OPT_IO_WEIGHT:
			if (parse_io(c, arg, &o->lim, e) < 0)
				return -1;
			/* run's default disk is the one under the command's working directory; climit set
			 * runs elsewhere, so a limit names its disk (a weight alone is for every disk). */
			if (c != OPT_IO_WEIGHT && !strchr(arg, '='))
				return bad(e, c, arg, "say which disk: PATH=RATE, /dev/DISK=RATE or MAJ:MIN=RATE "
						      "(climit set does not know the container's working directory)");
			break;
		case 's':
			if (parse_signal(arg, &o->sig) < 0)
				return err_set(e, "--signal: \"%s\": not a signal (a name such as TERM, or a number)", arg);
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_TIMEOUT:
			if (units_parse_duration(arg, &o->timeout_ns, &why) < 0)
				return err_set(e, "--timeout: \"%s\": %s", arg, why);
			break;
		case OPT_CHILDREN:
			o->children = true;
			break;
		case OPT_HELP_KEY:
		case OPT_COMPLETE_KEY:
			o->help = true;
			return 0;
		}
	}
	return ctl_operands(cmd, argc, argv, &s, o, e);
}

void cli_usage_ctl(const char *cmd)
{
	int k = ctl_index(cmd);
	opts_help(stdout, ctl_cmds[k].usage, ctl_cmds[k].defs, ctl_cmds[k].n, NULL);
}

void cli_usage_doctor(void)
{
	fputs("Usage: climit doctor [--json]\n"
	      "       climit doctor LIMITS [--parent PATH] [--json]   (= climit run --dry-run LIMITS)\n"
	      "Without limits: what this host gives climit, one check a line (cgroup mode and\n"
	      "controllers, delegation to you, swap accounting, CPU bandwidth, PSI, user namespaces,\n"
	      "overlayfs, clone3, cgroup.kill, /dev/kmsg, libproc2, placement), with the exact fix for\n"
	      "each one that fails. With limits: what would be enforced and what not, and why (a lower\n"
	      "limit above, more CPU than the host has, an option this cgroup version lacks, a\n"
	      "controller not delegated).\n"
	      "  -m, --mem SIZE         and the other limits, --parent and --cgroup-manager, as for\n"
	      "                         climit run (see climit --help)\n"
	      "      --json             one JSON array of {check, ok, detail, fix}\n"
	      "  -h, --help             show this help and exit\n"
	      "Exit status: 0 if every check passes, 1 if one does not, 125 for bad options.\n", stdout);
}

/* Options climit doctor takes (it parses them as climit run --dry-run does). */
static const int doctor_keys[] = { OPT_MEM, OPT_MEM_HIGH, OPT_SWAP, OPT_PIDS, OPT_CPU, OPT_CPU_WEIGHT, OPT_CPUS,
				   OPT_IO_RBPS, OPT_IO_WBPS, OPT_IO_RIOPS, OPT_IO_WIOPS, OPT_IO_WEIGHT, OPT_PARENT,
				   OPT_MANAGER, OPT_JSON, OPT_HELP };

int cli_complete(const char *cmd, FILE *f)
{
	if (!cmd || strcmp(cmd, "run") == 0)
		return opts_complete(f, run_defs, NRUN), 0;
	if (strcmp(cmd, "doctor") == 0) {
		struct opt_def d[sizeof doctor_keys / sizeof doctor_keys[0]];
		int n = 0;
		for (size_t k = 0; k < sizeof doctor_keys / sizeof doctor_keys[0]; k++)
			for (int i = 0; i < NRUN; i++)
				if (run_defs[i].name && run_defs[i].key == doctor_keys[k])
					d[n++] = run_defs[i];
		return opts_complete(f, d, n), 0;
	}
	if (strcmp(cmd, "gc") == 0)
		return opts_complete(f, gc_defs, 1), 0;
	for (int i = 0; i < NCTL; i++)
		if (strcmp(cmd, ctl_cmds[i].cmd) == 0)
			return opts_complete(f, ctl_cmds[i].defs, ctl_cmds[i].n), 0;
	if (strcmp(cmd, "top") == 0 || strcmp(cmd, "ls") == 0 || strcmp(cmd, "stats") == 0) {
		int k = top_index(cmd);
		return opts_complete(f, top_cmds[k].defs, top_cmds[k].n), 0;
	}
	if (strcmp(cmd, "export") == 0 || strcmp(cmd, "plot") == 0 || strcmp(cmd, "replay") == 0) {
		int k = recv_index(cmd);
		return opts_complete(f, recv_cmds[k].defs, recv_cmds[k].n), 0;
	}
	return -1;
}
