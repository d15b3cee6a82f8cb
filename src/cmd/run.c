/* climit run: one workload in its own group, from the options to the cleanup. run_workload is
 * the whole path (place, create, limit, launch, wait, tear down) and prints nothing but what
 * climit run prints; climit fit and sweep run their tries through it. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <linux/seccomp.h>
#include <unistd.h>

#include "cgroup.h"
#include "scaudit.h"
#include "cli.h"
#include "cmds.h"
#include "control.h"
#include "doctor.h"
#include "events.h"
#include "exitcodes.h"
#include "launch.h"
#include "outfile.h"
#include "place.h"
#include "recorder.h"
#include "registry.h"
#include "report.h"
#include "systemd.h"
#include "units.h"

/* COMMAND-PID: readable, and unique among live climits (gc removes dead ones' groups); PID is
 * climit's, or with --pid the process's. */
static void default_name(const char *cmd, int pid, char *buf, size_t size)
{
	const char *base = strrchr(cmd, '/');
	base = base ? base + 1 : cmd;
	char clean[40];
	size_t n = 0;
	for (const char *p = base; *p && n < sizeof clean - 1; p++)
		clean[n++] = (isalnum((unsigned char)*p) || *p == '_' || *p == '.' || *p == '-') ? *p : '_';
	clean[n] = '\0';
	if (n == 0 || !isalnum((unsigned char)clean[0]))
		snprintf(buf, size, "run-%d", pid);
	else
		snprintf(buf, size, "%s-%d", clean, pid);
}

static bool swap_active(void)
{
	char buf[256];
	/* /proc/swaps has a header line; any second line is an active swap area. */
	return read_small_file("/proc/swaps", buf, sizeof buf, NULL) > 0 && strchr(buf, '\n') &&
	       strchr(buf, '\n')[1] != '\0';
}

static int apply_limits(struct cgroup *cg, const struct run_opts *o, struct err *e)
{
	if (o->cpus && cg_set_cpus(cg, o->cpus, e) < 0)
		return err_wrap(e, "--cpus: \"%s\"", o->cpus);
	if (o->mem_max != OPT_UNSET) {
		if (cg_set_limit(cg, LIMIT_MEMORY_MAX, o->mem_max, e) < 0)
			return -1;
		/* Without a swap cap a memory hog swaps instead of being OOM-killed: the limit
		 * would not be real. */
		uint64_t swap = o->swap_max == OPT_UNSET ? 0 : o->swap_max;
		int rc = cg_set_limit(cg, LIMIT_SWAP_MAX, swap, e);
		if (rc < 0 && e->errnum == ENOENT) {
			if (o->swap_max != OPT_UNSET)
				return err_set(e, "--swap: swap accounting is not available on this host "
						  "(no memory.swap.max / memory.memsw.limit_in_bytes)");
			if (swap_active())
				fprintf(stderr, "climit: warning: swap accounting is off: the workload may "
						"swap beyond --mem\n");
		} else if (rc < 0) {
			return -1;
		}
	}
	if (o->mem_high != OPT_UNSET && cg_set_limit(cg, LIMIT_MEMORY_HIGH, o->mem_high, e) < 0)
		return -1;
	if (o->pids_max != OPT_UNSET && cg_set_limit(cg, LIMIT_PIDS_MAX, o->pids_max, e) < 0)
		return -1;
	if (o->cpu_quota_us != OPT_UNSET && cg_set_limit(cg, LIMIT_CPU_MAX, o->cpu_quota_us, e) < 0)
		return -1;
	if (o->cpu_weight != OPT_UNSET && cg_set_limit(cg, LIMIT_CPU_WEIGHT, o->cpu_weight, e) < 0)
		return -1;
	return io_apply(cg, &o->io, e);
}

static int exit_status_of(const struct launch_result *res)
{
	if (res->failed == STAGE_ATTACH || res->failed == STAGE_SETUP)
		return EXIT_CLIMIT;
	if (res->failed == STAGE_EXEC)
		return (res->failed_err.errnum == ENOENT || res->failed_err.errnum == ENOTDIR) ? EXIT_NOT_FOUND
										       : EXIT_CANNOT_EXEC;
	if (res->timed_out)
		return EXIT_TIMEDOUT;
	if (res->interrupted)
		return EXIT_SIGNAL_BASE + SIGINT;
	if (WIFEXITED(res->wait_status))
		return WEXITSTATUS(res->wait_status);
	if (WIFSIGNALED(res->wait_status))
		return EXIT_SIGNAL_BASE + WTERMSIG(res->wait_status);
	return EXIT_CLIMIT;
}

/* How the run ended, in one word (the recording's end record). */
static const char *end_how(const struct launch_result *res, const struct cg_stats *st, unsigned fatal,
			   const struct sc_event *sc_fatal)
{
	if (res->failed != STAGE_NONE)
		return "failed_to_start";
	if (res->timed_out)
		return "timeout";
	if (res->interrupted)
		return "interrupt";
	if (WIFSIGNALED(res->wait_status) && WTERMSIG(res->wait_status) == SIGSYS && fatal) {
		/* The filter's kill or trap action (the record says which; without one, the kill
		 * where the filter has one). */
		if (sc_fatal)
			return sc_fatal->action == SECCOMP_RET_TRAP ? "seccomp_trap" : "seccomp_kill";
		return fatal & SC_FATAL_KILL ? "seccomp_kill" : "seccomp_trap";
	}
	if (WIFSIGNALED(res->wait_status))
		return WTERMSIG(res->wait_status) == SIGKILL && (st->have & HAVE_OOM) && st->oom_kills ? "oom_kill" : "signal";
	return "exited";
}

/* climit: NAME: killed by seccomp: mkdir (83, x86_64) denied by PROFILE; where no audit record
 * can be read (a normal user), what is known. */
static void explain_seccomp(const char *name, const struct run_opts *o, const char *how, const struct sc_event *ev)
{
	const char *profile = o->sc.file ? o->sc.file : o->sc.summary;
	bool trap = strcmp(how, "seccomp_trap") == 0;
	if (ev && !trap)
		fprintf(stderr, "climit: %s: killed by seccomp: %s (%d, %s) denied by %s\n", name, ev->syscall,
			ev->nr & ~0x40000000, sc_arch_name(ev->arch, ev->nr), profile);
	else if (ev)
		fprintf(stderr, "climit: %s: killed by SIGSYS: %s (%d, %s) trapped by %s (a trap action sends SIGSYS)\n",
			name, ev->syscall, ev->nr & ~0x40000000, sc_arch_name(ev->arch, ev->nr), profile);
	else
		fprintf(stderr, "climit: %s: killed by SIGSYS: the seccomp profile's %s action (%s); the syscall is in the "
				"audit log\n", name, trap ? "trap" : "kill", profile);
}

/* The OOM killer's last victim in this group, from /dev/kmsg: "pid 42 (hog), anon-rss 65000
 * kB", or "" where the log cannot be read (a normal user under dmesg_restrict) or has none. Read
 * only after an OOM kill: a run without one never opens /dev/kmsg. */
static void oom_victim(const struct cgroup *cg, char *out, size_t size)
{
	static struct events ev;
	out[0] = '\0';
	ev = (struct events){ .inotify_fd = -1, .dir_wd = -1 };
	ev.kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ev.kmsg_fd < 0)
		return;
	events_read_kmsg(&ev); /* a new descriptor reads from the oldest record kept */
	close(ev.kmsg_fd);
	char memcg[CG_PATH_MAX];
	cg_memcg_path(cg, memcg, sizeof memcg);
	struct kmsg_oom k, last = { .pid = -1 };
	while (memcg[0] && events_claim_kmsg(&ev, memcg, &k))
		last = k;
	if (last.pid <= 0)
		return;
	char text[200];
	events_oom_text(&last, 1, text, sizeof text);
	/* "OOM kill #1: pid 42 (hog), ..." without the count. */
	const char *p = strstr(text, ": ");
	snprintf(out, size, "%s", p ? p + 2 : text);
}

static void explain_end(const struct cgroup *cg, const struct run_opts *o, char **argv,
			const struct launch_result *res, const struct cg_stats *st, const char *victim)
{
	char lim[32];
	if (res->failed == STAGE_ATTACH)
		fprintf(stderr, "climit: cannot move the workload into %s: %s\n", cg->dirs[0].path,
			strerror(res->failed_err.errnum));
	else if (res->failed == STAGE_SETUP)
		fprintf(stderr, "climit: %s: %s\n", cg->name, res->failed_err.msg);
	else if (res->failed == STAGE_EXEC)
		fprintf(stderr, "climit: %s: %s\n", argv[0], strerror(res->failed_err.errnum));
	if (res->timed_out)
		fprintf(stderr, "climit: %s: timed out; killed every process in the group\n", cg->name);
	if ((st->have & HAVE_OOM) && st->oom_kills > 0) {
		units_format_size(o->mem_max, lim, sizeof lim);
		char tail[220] = "";
		if (victim[0])
			snprintf(tail, sizeof tail, "; %s %s", st->oom_kills == 1 ? "its victim:" : "the last:", victim);
		if (WIFSIGNALED(res->wait_status) && WTERMSIG(res->wait_status) == SIGKILL && !res->timed_out &&
		    !res->interrupted)
			fprintf(stderr, "climit: %s: killed by the OOM killer (memory limit %s)%s\n", cg->name, lim, tail);
		else
			fprintf(stderr, "climit: %s: the OOM killer killed %" PRIu64 " process%s in the group "
					"(memory limit %s)%s\n", cg->name, st->oom_kills, st->oom_kills == 1 ? "" : "es", lim, tail);
	}
}

/* --report-file, opened with the recording before anything is made (nothing else is made if it
 * cannot be), written at the end: one JSON line, appended in one write(2) under flock, so
 * concurrent runs may share the file. */
static struct out_file report_out;
static bool report_out_open;

static int report_file_open(const struct run_opts *o, struct err *e)
{
	report_out_open = false;
	if (!o->report_file)
		return 0;
	if (out_open(&report_out, o->report_file, OUT_APPEND, 0, e) < 0)
		return err_wrap(e, "--report-file");
	report_out_open = true;
	return 0;
}

static void report_file_close(bool written)
{
	if (!report_out_open)
		return;
	report_out_open = false;
	if (written) {
		if (out_commit(&report_out) < 0)
			fprintf(stderr, "climit: --report-file: %s\n", strerror(errno));
	} else {
		out_abort(&report_out); /* a file this run made and never wrote goes */
	}
}

/* Append TEXT (one JSON line) to the report file. */
static void report_file_write(void (*fill)(FILE *f, const void *arg), const void *arg)
{
	if (!report_out_open)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (m) {
		fill(m, arg);
		fclose(m);
	}
	bool ok = m && text && len;
	if (ok) {
		flock(report_out.fd, LOCK_EX);
		ok = write(report_out.fd, text, len) == (ssize_t)len;
		flock(report_out.fd, LOCK_UN);
	}
	if (!ok)
		fprintf(stderr, "climit: --report-file: cannot write it: %s\n", strerror(errno ? errno : ENOSPC));
	free(text);
	report_file_close(true);
}

static void report_json(FILE *f, const void *arg)
{
	report_print(f, REPORT_JSON, arg);
}

struct figures {
	const char *name, *how;
	const struct cg_stats *st;
};

static void figures_json(FILE *f, const void *arg)
{
	const struct figures *fg = arg;
	report_print_figures(f, REPORT_JSON, fg->name, fg->how, fg->st);
}

/* climit run --pid PID: the group is made and limited as for a command, then the running
 * process moves in. Without --wait climit leaves it there (its record says "attached": gc
 * removes the group once it is empty); with --wait it stays until the group is empty. */
static int run_attached(struct cgroup *cg, const struct cg_system *sys, const struct run_opts *o,
			const char *name, const char *comm)
{
	struct err e;
	int n = ctl_attach(cg, o->pid, o->children, &e);
	if (n < 0) {
		struct err ignored;
		cg_remove(cg, &ignored);
		registry_release(name);
		return cmd_fail(&e);
	}
	fprintf(stderr, "climit: %s: pid %d (%s)%s moved into %s\n", name, o->pid, comm,
		n > 1 ? " and its descendants" : "", cg->dirs[0].path);
	if (!o->wait) {
		cg_close(cg);
		return 0;
	}
	struct cg_stats st;
	int status = 0;
	const char *how = "empty";
	if (ctl_wait(cg, o->timeout_ns, &st, &e) < 0) {
		struct err kill_err;
		if (cg_kill_all(cg, &kill_err) < 0)
			fprintf(stderr, "climit: %s: %s\n", name, kill_err.msg);
		fprintf(stderr, "climit: %s: timed out; killed every process in the group\n", name);
		status = EXIT_TIMEDOUT;
		how = "timed out";
	}
	struct err td;
	if (cg_remove(cg, &td) < 0)
		fprintf(stderr, "climit: %s: cleanup failed: %s (`climit gc` will retry)\n", name, td.msg);
	else
		registry_release(name);
	(void)sys;
	if (o->report != REPORT_NONE)
		report_print_figures(stderr, o->report, name, how, &st);
	struct figures fg = { name, how, &st };
	report_file_write(figures_json, &fg);
	return status;
}

/* climit run --dry-run / climit doctor [LIMITS]: what would be enforced. Exit 0 if all of it,
 * 1 if something would not be (each such line says why and the fix). */
int run_dry(struct run_opts *o)
{
	static struct cg_system sys;
	struct err e;
	if (cg_detect(&sys, &e) < 0)
		return cmd_fail(&e);
	struct doctor d = { .n = 0 };
	bool limits = o->cpus != NULL || o->io.first != NULL;
	for (int i = 0; i <= LIMIT_CPU_WEIGHT; i++)
		limits |= o->arg[i] != NULL;
	if (limits)
		doctor_limits(&sys, o, &d);
	else
		doctor_host(&sys, &d);
	doctor_print(stdout, &d, o->json, locale_utf8());
	return doctor_failures(&d) ? 1 : 0;
}


/* Before anything is made: paths, devices, the cgroup system, the syscall filter, the place.
 * A refusal here is a 125 with nothing created. */
static int run_prepare(struct run_opts *o, struct cg_system *sys, unsigned *ctrls, struct err *e)
{
	*ctrls = CTRL_BIT(CTRL_MEMORY) | CTRL_BIT(CTRL_PIDS) | CTRL_BIT(CTRL_CPU) | CTRL_BIT(CTRL_CPUACCT) |
		 CTRL_BIT(CTRL_FREEZER) | CTRL_BIT(CTRL_IO);
	if (o->cpus)
		*ctrls |= CTRL_BIT(CTRL_CPUSET);
	if (iso_resolve_paths(&o->iso, e) < 0 || io_resolve(&o->io, e) < 0 || cg_detect(sys, e) < 0 ||
	    iso_check_support(&o->iso, e) < 0)
		return -1;
	/* The syscall filter is compiled now, before anything is made (a bad profile is a 125). */
	uint64_t caps_kept = o->iso.caps_given ? o->iso.caps : geteuid() == 0 ? ~0ull : 0;
	if (!o->pid && sc_build(&o->sc, o->isolate, caps_kept, e) < 0)
		return -1;
	if (o->sc.prog)
		sc_session_prepare(o->sc.session, sizeof o->sc.session);
	o->iso.sc = &o->sc;
	/* The io controller serves the I/O columns too, where it costs nothing to ask for: as root,
	 * or under systemd (which offers what it delegates). A normal user's --parent on v1 would
	 * have to own a blkio directory as well, so there it comes only with an --io-* option. */
	if (!o->io.first && (!cg_has_controller(sys, CTRL_IO) || (geteuid() != 0 && (sys->mode != CG_V2 || o->parent_given))))
		*ctrls &= ~CTRL_BIT(CTRL_IO);
	return place_choose(sys, o, ctrls, e);
}

/* The group's parent: --parent, or under systemd this run's own scope (systemd.h). */
static void run_parent(const struct run_opts *o, const char *name, char *parent, size_t size, char *unit, size_t usize)
{
	unit[0] = '\0';
	if (o->manager == MGR_SYSTEMD) {
		char slice[512];
		sd_slice_path(slice, sizeof slice);
		sd_unit_name(name, unit, usize);
		snprintf(parent, size, "%s/%s", slice, unit);
	} else {
		str_copy(parent, o->parent, size);
	}
}

/* Undo what was made before the launch (the group, isolation's staging, the record). */
static void run_undo(struct cgroup *cg, struct run_opts *o, struct recorder *rec, const char *name)
{
	struct err ignored;
	report_file_close(false);
	if (cg) {
		cg_kill_all(cg, &ignored);
		cg_remove(cg, &ignored);
		iso_cleanup(&o->iso);
	}
	recorder_discard(rec);
	registry_release(name);
}

/* The end, for the user: the report (and the run's seccomp audit records) on stderr. */
static void run_report(const struct run_opts *o, const struct cg_system *sys, const struct cgroup *cg,
		       const struct recorder *rec, bool sampling, struct run_outcome *out)
{
	struct report r = {
		.name = out->name, .cgroup_mode = cg_mode_name(sys->mode),
		.kill_method = cg->kill_method ? cg->kill_method : "none", .exit_status = out->status,
		.res = &out->res, .st = &out->st, .mem_limit = o->mem_max, .pids_limit = o->pids_max,
		.cpu_quota_us = o->cpu_quota_us, .io = &o->io, .sc = o->sc.prog ? &o->sc : NULL,
		.spark = sampling && rec->sparks ? &rec->spark : NULL,
	};
	r.nsc = out->nsc;
	r.sc_total = out->sc_total;
	r.sc_calls = out->sc;
	r.sc_session = out->res.audit_session;
	r.end = out->how;
	r.sc_fatal = out->sc_fatal;
	if (o->report != REPORT_NONE)
		report_print(stderr, o->report, &r);
	r.spark = NULL;
	report_file_write(report_json, &r);
}

/* Launch, wait, read the figures, tear down. The group exists and is limited. */
static int run_launched(struct cgroup *cg, const struct cg_system *sys, struct run_opts *o,
			const struct launch_signals *sigs, struct recorder *rec, struct launch_hooks *hooks,
			bool sampling, bool quiet, struct run_outcome *out, struct err *e)
{
	/* Where the run's seccomp audit records will start in /dev/kmsg (read for the report). */
	bool reporting = o->report != REPORT_NONE || o->report_file, netlink = false;
	unsigned fatal = o->sc.prog ? sc_fatal_actions(&o->sc) : 0;
	/* The run's audit records: for the report, and to name a call a kill action stopped. */
	int kmsg = o->sc.prog && (reporting || fatal) ? sc_events_open(&netlink) : -1;
	if (launch_run(cg, o->argv, o->timeout_ns, sigs, &o->iso, sampling ? hooks : NULL, &out->res, e) < 0) {
		run_undo(cg, o, rec, out->name);
		return -1;
	}
	out->started = true;
	out->status = exit_status_of(&out->res);
	/* Without --report or an outcome to fill only the OOM count is needed (its message). */
	cg_read_stats_some(cg, &out->st, reporting || quiet ? STATS_ALL : STATS_EVENTS);
	out->nsc = sc_collect(kmsg, netlink, out->res.audit_session, out->sc, 16, &out->sc_total);
	out->sc_fatal = NULL;
	for (int i = 0; i < out->nsc && !out->sc_fatal; i++)
		if (out->sc[i].action == SECCOMP_RET_KILL_PROCESS || out->sc[i].action == SECCOMP_RET_KILL_THREAD ||
		    out->sc[i].action == SECCOMP_RET_TRAP)
			out->sc_fatal = &out->sc[i];
	out->how = end_how(&out->res, &out->st, fatal, out->sc_fatal);
	/* The victim's name, while the group's paths are still known (before the teardown). */
	char victim[200] = "";
	if (!quiet && (out->st.have & HAVE_OOM) && out->st.oom_kills)
		oom_victim(cg, victim, sizeof victim);
	if (sampling) {
		recorder_finish(rec, out->status, out->how);
		recorder_close(rec);
	}
	/* Where the kernel keeps no peak, the highest value sampled (spec.h: sample_peaks). */
	if (o->sample_peaks && !(out->st.have & HAVE_MEM_PEAK) && (out->st.have & HAVE_MEM)) {
		out->st.mem_peak = rec->max_mem;
		out->st.have |= HAVE_MEM_PEAK;
		out->sampled_peaks = true;
	}
	if (o->sample_peaks && !(out->st.have & HAVE_PIDS_PEAK) && (out->st.have & HAVE_PIDS)) {
		out->st.pids_peak = rec->max_pids;
		out->st.have |= HAVE_PIDS_PEAK;
		out->sampled_peaks = true;
	}
	/* The main process is gone. Usually so is everything else and the rmdirs just succeed;
	 * otherwise whatever is left (daemons, setsid'd children) dies with it. */
	struct err td;
	out->teardown_ok = cg_remove_if_empty(cg, &td) == 0 || (cg_kill_all(cg, &td) == 0 && cg_remove(cg, &td) == 0);
	iso_cleanup(&o->iso);
	if (out->teardown_ok)
		registry_release(out->name);
	if (!quiet)
		explain_end(cg, o, o->argv, &out->res, &out->st, victim);
	if (!quiet && strncmp(out->how, "seccomp_", 8) == 0)
		explain_seccomp(out->name, o, out->how, out->sc_fatal);
	if (!out->teardown_ok)
		fprintf(stderr, "climit: %s: cleanup failed: %s (`climit gc` will retry)\n", out->name, td.msg);
	if (reporting && out->res.failed == STAGE_NONE)
		run_report(o, sys, cg, rec, sampling, out);
	report_file_close(false); /* not started: no line (a file it made is removed) */
	if (kmsg >= 0)
		close(kmsg);
	return 0;
}

int run_workload(struct run_opts *o, const struct launch_signals *sigs, bool quiet, struct run_outcome *out,
		 struct err *e)
{
	static struct cg_system sys;
	*out = (struct run_outcome){ .status = EXIT_CLIMIT };
	unsigned ctrls;
	if (run_prepare(o, &sys, &ctrls, e) < 0)
		return -1;
	char comm[64] = "";
	if (o->pid) {
		/* Refused before anything is made: PID 1, kernel threads, climit, other users'. */
		if (ctl_check_pid(o->pid, e) < 0)
			return err_wrap(e, "--pid: \"%d\"", o->pid);
		ctl_comm(o->pid, comm, sizeof comm);
	}
	if (o->name)
		str_copy(out->name, o->name, sizeof out->name);
	else
		default_name(o->pid ? comm : o->argv[0], o->pid ? o->pid : (int)getpid(), out->name, sizeof out->name);
	/* Collect what dead climits left behind; a failure here must not stop this run. */
	struct err gc_err;
	if (registry_gc(&sys, NULL, false, &gc_err) < 0)
		fprintf(stderr, "climit: warning: gc: %s\n", gc_err.msg);
	char parent[CG_PATH_MAX], unit[NAME_MAX_LEN + 40];
	run_parent(o, out->name, parent, sizeof parent, unit, sizeof unit);
	/* --record's file, before the group: an unwritable path is a 125 with nothing made. The
	 * sampler also runs without it for --report's sparklines (a terminal only). */
	static struct recorder rec;
	bool sparks = o->report == REPORT_TEXT && isatty(STDERR_FILENO), sampling = o->record || sparks || o->sample_peaks;
	if (recorder_open(&rec, sampling ? o->record : NULL, o->record_interval_ns, sparks, e) < 0)
		return -1;
	if (report_file_open(o, e) < 0) {
		recorder_discard(&rec);
		return -1;
	}
	if (registry_claim(&sys, out->name, parent, o->pid != 0, e) < 0) {
		recorder_discard(&rec);
		return -1;
	}
	struct cgroup cg;
	if ((unit[0] && sd_enter_scope(&sys, unit, parent, sizeof parent, e) < 0) ||
	    cg_create(&cg, &sys, parent, out->name, ctrls, e) < 0) {
		run_undo(NULL, o, &rec, out->name);
		return -1;
	}
	if (apply_limits(&cg, o, e) < 0) {
		struct err ignored;
		cg_remove(&cg, &ignored);
		run_undo(NULL, o, &rec, out->name);
		return -1;
	}
	if (o->pid) {
		out->started = true;
		out->status = run_attached(&cg, &sys, o, out->name, comm);
		return 0;
	}
	struct launch_hooks hooks = { .fd = -1 };
	char cgpath[CG_PATH_MAX + 256];
	snprintf(cgpath, sizeof cgpath, "%s/%s", parent, out->name);
	struct rec_header rh = {
		.source = "run", .argv = o->argv, .name = out->name, .cgroup = cgpath,
		.cgroup_version = cg_mode_name(sys.mode), .interval_ns = o->record_interval_ns, .mem_max = o->mem_max,
		.mem_high = o->mem_high, .swap_max = o->swap_max, .pids_max = o->pids_max,
		.cpu_quota_us = o->cpu_quota_us, .cpu_weight = o->cpu_weight, .cpus = o->cpus, .timeout_ns = o->timeout_ns,
	};
	if (iso_prepare(&o->iso, out->name, e) < 0 || (sampling && recorder_start(&rec, &cg, &rh, &hooks, e) < 0)) {
		run_undo(&cg, o, &rec, out->name);
		return -1;
	}
	return run_launched(&cg, &sys, o, sigs, &rec, &hooks, sampling, quiet, out, e);
}

int cmd_doctor(int argc, char **argv)
{
	/* `climit doctor ARGS` is `climit run --dry-run ARGS`. */
	char **args = calloc((size_t)argc + 2, sizeof *args);
	if (!args)
		return EXIT_CLIMIT;
	args[0] = argv[0];
	args[1] = (char *)"--dry-run";
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	struct run_opts o;
	struct err e;
	int rc;
	if (cli_parse_run(argc + 1, args, &o, &e) < 0)
		rc = cmd_fail(&e);
	else if (o.help)
		rc = (cli_usage_doctor(), 0);
	else if (o.argv)
		rc = (err_set(&e, "\"%s\": climit doctor runs nothing (climit run --dry-run ... -- CMD checks a "
				  "command line)", o.argv[0]), cmd_fail(&e));
	else
		rc = run_dry(&o);
	free(args);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct launch_signals sigs;
	struct run_opts o;
	struct err e;
	if (launch_take_signals(&sigs, &e) < 0 || cli_parse_run(argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
	if (o.help) {
		cli_usage_run();
		return 0;
	}
	if (o.version) {
		printf("climit %s\n", CLIMIT_VERSION);
		return 0;
	}
	if (o.dry_run)
		return run_dry(&o);
	static struct run_outcome out;
	if (run_workload(&o, &sigs, false, &out, &e) < 0)
		return cmd_fail(&e);
	return out.status;
}
