/* argv -> subcommand dispatch, and the run and gc commands (the only place that prints errors). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cli.h"
#include "control.h"
#include "doctor.h"
#include "export.h"
#include "plot.h"
#include "exitcodes.h"
#include "launch.h"
#include "place.h"
#include "recorder.h"
#include "registry.h"
#include "report.h"
#include "systemd.h"
#include "units.h"
#include "ui.h"

#ifndef CLIMIT_VERSION
#define CLIMIT_VERSION "0.1.0"
#endif

static int fail(const struct err *e)
{
	fprintf(stderr, "climit: %s\n", e->msg);
	return EXIT_CLIMIT;
}

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
static const char *end_how(const struct launch_result *res, const struct cg_stats *st)
{
	if (res->failed != STAGE_NONE)
		return "failed_to_start";
	if (res->timed_out)
		return "timeout";
	if (res->interrupted)
		return "interrupt";
	if (WIFSIGNALED(res->wait_status))
		return WTERMSIG(res->wait_status) == SIGKILL && (st->have & HAVE_OOM) && st->oom_kills ? "oom_kill" : "signal";
	return "exited";
}

static void explain_end(const struct cgroup *cg, const struct run_opts *o, char **argv,
			const struct launch_result *res, const struct cg_stats *st)
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
		if (WIFSIGNALED(res->wait_status) && WTERMSIG(res->wait_status) == SIGKILL && !res->timed_out &&
		    !res->interrupted)
			fprintf(stderr, "climit: %s: killed by the OOM killer (memory limit %s)\n", cg->name, lim);
		else
			fprintf(stderr, "climit: %s: the OOM killer killed %" PRIu64 " process%s in the group "
					"(memory limit %s)\n", cg->name, st->oom_kills, st->oom_kills == 1 ? "" : "es", lim);
	}
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
		return fail(&e);
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
	return status;
}

/* climit run --dry-run / climit doctor [LIMITS]: what would be enforced. Exit 0 if all of it,
 * 1 if something would not be (each such line says why and the fix). */
static int dry_run(struct run_opts *o)
{
	static struct cg_system sys;
	struct err e;
	if (cg_detect(&sys, &e) < 0)
		return fail(&e);
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

static int cmd_doctor(int argc, char **argv)
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
		rc = fail(&e);
	else if (o.help)
		rc = (cli_usage_doctor(), 0);
	else if (o.argv)
		rc = (err_set(&e, "\"%s\": climit doctor runs nothing (climit run --dry-run ... -- CMD checks a "
				  "command line)", o.argv[0]), fail(&e));
	else
		rc = dry_run(&o);
	free(args);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct launch_signals sigs;
	struct run_opts o;
	struct err e;
	if (launch_take_signals(&sigs, &e) < 0 || cli_parse_run(argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_run();
		return 0;
	}
	if (o.version) {
		printf("climit %s\n", CLIMIT_VERSION);
		return 0;
	}
	if (o.dry_run)
		return dry_run(&o);
	static struct cg_system sys;
	unsigned ctrls = CTRL_BIT(CTRL_MEMORY) | CTRL_BIT(CTRL_PIDS) | CTRL_BIT(CTRL_CPU) |
			 CTRL_BIT(CTRL_CPUACCT) | CTRL_BIT(CTRL_FREEZER) | CTRL_BIT(CTRL_IO);
	if (o.cpus)
		ctrls |= CTRL_BIT(CTRL_CPUSET);
	if (iso_resolve_paths(&o.iso, &e) < 0 || io_resolve(&o.io, &e) < 0 || cg_detect(&sys, &e) < 0 ||
	    iso_check_support(&o.iso, &e) < 0)
		return fail(&e);
	/* The io controller serves the I/O columns too, where it costs nothing to ask for: as root,
	 * or under systemd (which offers what it delegates). A normal user's --parent on v1 would
	 * have to own a blkio directory as well, so there it comes only with an --io-* option. */
	/* The syscall filter is compiled now, before anything is made (a bad profile is a 125). */
	uint64_t caps_kept = o.iso.caps_given ? o.iso.caps : geteuid() == 0 ? ~0ull : 0;
	if (!o.pid && sc_build(&o.sc, o.isolate, caps_kept, &e) < 0)
		return fail(&e);
	if (o.sc.prog)
		sc_session_prepare(o.sc.session, sizeof o.sc.session);
	o.iso.sc = &o.sc;
	if (!o.io.first && (!cg_has_controller(&sys, CTRL_IO) ||
			    (geteuid() != 0 && (sys.mode != CG_V2 || o.parent_given))))
		ctrls &= ~CTRL_BIT(CTRL_IO);
	if (place_choose(&sys, &o, &ctrls, &e) < 0)
		return fail(&e);
	char name[NAME_MAX_LEN + 1], comm[64] = "";
	if (o.pid) {
		/* Refused before anything is made: PID 1, kernel threads, climit, other users'. */
		if (ctl_check_pid(o.pid, &e) < 0) {
			err_wrap(&e, "--pid: \"%d\"", o.pid);
			return fail(&e);
		}
		ctl_comm(o.pid, comm, sizeof comm);
	}
	if (o.name)
		str_copy(name, o.name, sizeof name);
	else
		default_name(o.pid ? comm : o.argv[0], o.pid ? o.pid : (int)getpid(), name, sizeof name);

	/* Collect what dead climits left behind; a failure here must not stop this run. */
	struct err gc_err;
	if (registry_gc(&sys, NULL, false, &gc_err) < 0)
		fprintf(stderr, "climit: warning: gc: %s\n", gc_err.msg);
	/* Under systemd the group's parent is this run's own scope (systemd.h). */
	char parent[CG_PATH_MAX], unit[NAME_MAX_LEN + 40] = "";
	if (o.manager == MGR_SYSTEMD) {
		char slice[512];
		sd_slice_path(slice, sizeof slice);
		sd_unit_name(name, unit, sizeof unit);
		snprintf(parent, sizeof parent, "%s/%s", slice, unit);
	} else {
		str_copy(parent, o.parent, sizeof parent);
	}
	/* --record's file, before the group: an unwritable path is a 125 with nothing made. The
	 * sampler also runs without it for --report's sparklines (a terminal only). */
	static struct recorder rec;
	bool sparks = o.report == REPORT_TEXT && isatty(STDERR_FILENO), sampling = o.record || sparks;
	if (sampling && recorder_open(&rec, o.record, o.record_interval_ns, sparks, &e) < 0)
		return fail(&e);
	if (registry_claim(&sys, name, parent, o.pid != 0, &e) < 0) {
		recorder_discard(&rec);
		return fail(&e);
	}
	if (unit[0] && sd_enter_scope(&sys, unit, parent, sizeof parent, &e) < 0) {
		recorder_discard(&rec);
		registry_release(name);
		return fail(&e);
	}
	struct cgroup cg;
	if (cg_create(&cg, &sys, parent, name, ctrls, &e) < 0) {
		recorder_discard(&rec);
		registry_release(name);
		return fail(&e);
	}
	if (apply_limits(&cg, &o, &e) < 0) {
		struct err ignored;
		cg_remove(&cg, &ignored);
		recorder_discard(&rec);
		registry_release(name);
		return fail(&e);
	}
	if (o.pid)
		return run_attached(&cg, &sys, &o, name, comm);

	struct launch_hooks hooks = { .fd = -1 };
	char cgpath[CG_PATH_MAX + 256];
	snprintf(cgpath, sizeof cgpath, "%s/%s", parent, name);
	struct rec_header rh = {
		.source = "run", .argv = o.argv, .name = name, .cgroup = cgpath, .cgroup_version = cg_mode_name(sys.mode),
		.interval_ns = o.record_interval_ns, .mem_max = o.mem_max, .mem_high = o.mem_high, .swap_max = o.swap_max,
		.pids_max = o.pids_max, .cpu_quota_us = o.cpu_quota_us, .cpu_weight = o.cpu_weight, .cpus = o.cpus,
		.timeout_ns = o.timeout_ns,
	};
	if (iso_prepare(&o.iso, name, &e) < 0 || (sampling && recorder_start(&rec, &cg, &rh, &hooks, &e) < 0)) {
		struct err ignored;
		cg_remove(&cg, &ignored);
		iso_cleanup(&o.iso);
		recorder_discard(&rec);
		registry_release(name);
		return fail(&e);
	}
	struct launch_result res;
	/* Where the run's seccomp audit records will start in /dev/kmsg (read for the report). */
	int kmsg = o.sc.prog && o.report != REPORT_NONE ? sc_kmsg_open() : -1;
	int rc = launch_run(&cg, o.argv, o.timeout_ns, &sigs, &o.iso, sampling ? &hooks : NULL, &res, &e);
	if (rc < 0) {
		struct err ignored;
		cg_kill_all(&cg, &ignored);
		cg_remove(&cg, &ignored);
		iso_cleanup(&o.iso);
		recorder_discard(&rec);
		registry_release(name);
		return fail(&e);
	}

	/* Without --report only the OOM count is needed (for the OOM message). */
	int status = exit_status_of(&res);
	struct cg_stats st;
	cg_read_stats_some(&cg, &st, o.report != REPORT_NONE ? STATS_ALL : STATS_EVENTS);
	if (sampling) {
		recorder_finish(&rec, status, end_how(&res, &st));
		recorder_close(&rec);
	}
	/* The main process is gone. Usually so is everything else and the rmdirs just succeed;
	 * otherwise whatever is left (daemons, setsid'd children) dies with it. */
	struct err td;
	bool teardown_ok = cg_remove_if_empty(&cg, &td) == 0 ||
			   (cg_kill_all(&cg, &td) == 0 && cg_remove(&cg, &td) == 0);
	iso_cleanup(&o.iso);
	if (teardown_ok)
		registry_release(name);
	explain_end(&cg, &o, o.argv, &res, &st);
	if (!teardown_ok)
		fprintf(stderr, "climit: %s: cleanup failed: %s (`climit gc` will retry)\n", name, td.msg);
	if (o.report != REPORT_NONE && res.failed == STAGE_NONE) {
		struct report r = {
			.name = name, .cgroup_mode = cg_mode_name(sys.mode),
			.kill_method = cg.kill_method ? cg.kill_method : "none", .exit_status = status,
			.res = &res, .st = &st, .mem_limit = o.mem_max, .pids_limit = o.pids_max,
			.cpu_quota_us = o.cpu_quota_us, .io = &o.io, .sc = o.sc.prog ? &o.sc : NULL,
			.spark = sampling && rec.sparks ? &rec.spark : NULL,
		};
		struct sc_event calls[16];
		r.nsc = sc_collect(kmsg, res.audit_session, calls, 16, &r.sc_total);
		r.sc_calls = calls;
		r.sc_session = res.audit_session;
		report_print(stderr, o.report, &r);
	}
	return status;
}

/* climit export / plot FILE...: read the recordings, then convert or draw. */
static int cmd_recv(const char *cmd, int argc, char **argv)
{
	struct recv_opts o;
	struct err e;
	if (cli_parse_recv(cmd, argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_recv(cmd);
		return 0;
	}
	static struct rec_run runs[8];
	for (int i = 0; i < o.nfiles; i++)
		if (rec_load(o.files[i], &runs[i], &e) < 0) {
			err_wrap(&e, "%s", cmd);
			for (int j = 0; j < i; j++)
				rec_free(&runs[j]);
			return fail(&e);
		}
	int rc;
	if (strcmp(cmd, "export") == 0)
		rc = export_run(&runs[0], (enum export_format)o.format, o.out, &e);
	else
		rc = plot_runs(runs, o.nfiles, &(struct plot_opts){ o.out, o.width, o.height, o.title }, &e);
	for (int i = 0; i < o.nfiles; i++)
		rec_free(&runs[i]);
	return rc < 0 ? fail(&e) : 0;
}

static int cmd_gc(int argc, char **argv)
{
	struct gc_opts o;
	struct err e;
	if (cli_parse_gc(argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_gc();
		return 0;
	}
	struct cg_system sys;
	if (cg_detect(&sys, &e) < 0)
		return fail(&e);
	int n = registry_gc(&sys, o.parent, true, &e);
	if (n < 0)
		return fail(&e);
	fprintf(stderr, "climit: gc: %d group%s removed\n", n, n == 1 ? "" : "s");
	return 0;
}

/* ---- set, kill, freeze, thaw, wait, attach -------------------------------------------------- */

static void print_set(const char *name, const struct ctl_set *s, bool json)
{
	char was[128], now[128];
	if (json) {
		printf("{\"name\":\"%s\",\"limits\":{", name);
		bool first = true;
		for (int i = 0; i < s->n; i++) {
			const struct ctl_change *c = &s->ch[i];
			if (!c->opt)
				continue;
			const char *sep = first ? "" : ",";
			first = false;
			if (c->is_cpus) {
				printf("%s\"cpus\":{\"was\":\"%s\",\"now\":\"%s\"}", sep, c->old_cpus, c->now_cpus);
				continue;
			}
			printf("%s\"%s\":{\"was\":", sep, ctl_limit_name(c->limit));
			c->old == UNITS_MAX ? printf("null") : printf("%" PRIu64, c->old);
			printf(",\"now\":");
			c->now == UNITS_MAX ? printf("null") : printf("%" PRIu64, c->now);
			printf("}");
		}
		const struct io_opts *io = ctl_io(s);
		for (int i = 0; io && i < io->ndev; i++) {
			const struct io_dev *d = &io->dev[i];
			printf("%s\"io:%u:%u\":{\"device\":", first ? "" : ",", d->major, d->minor);
			json_text(stdout, d->name);
			first = false;
			for (int when = 0; when < 2; when++) {
				const struct cg_io_lim *l = when ? &s->io_now[i] : &s->io_old[i];
				printf(",\"%s\":{", when ? "now" : "was");
				for (int k = 0; k < IO_KEYS; k++) {
					printf("%s\"%s\":", k ? "," : "", io_key_name((enum io_key)k));
					l->v[k] == UNITS_MAX ? printf("null") : printf("%" PRIu64, l->v[k]);
				}
				printf("}");
			}
			printf("}");
		}
		if (io && io->weight != IO_UNSET) {
			printf("%s\"io-weight\":{\"file\":\"%s\",\"device\":", first ? "" : ",", s->weight_plan.file);
			io->weight_all ? printf("null") : json_text(stdout, io->wdev.name);
			printf(",\"was\":%s,\"now\":%s}", s->weight_old, s->weight_now);
		}
		printf("},\"notes\":[");
		for (int i = 0; i < s->nnotes; i++) {
			printf("%s", i ? "," : "");
			json_text(stdout, s->notes[i]);
		}
		printf("]}\n");
		return;
	}
	printf("%s:", name);
	bool first = true;
	for (int i = 0; i < s->n; i++) {
		const struct ctl_change *c = &s->ch[i];
		if (!c->opt)
			continue; /* implied (v1 keeps the swap allowance with a new memory limit) */
		if (c->is_cpus) {
			printf("%s cpus %s (was %s)", first ? "" : ",", c->now_cpus, c->old_cpus);
		} else {
			ctl_format(c->limit, c->old, was, sizeof was);
			ctl_format(c->limit, c->now, now, sizeof now);
			printf("%s %s %s (was %s)", first ? "" : ",", ctl_limit_name(c->limit), now, was);
		}
		first = false;
	}
	const struct io_opts *io = ctl_io(s);
	for (int i = 0; io && i < io->ndev; i++) {
		io_limit_text(&s->io_now[i], now, sizeof now);
		io_limit_text(&s->io_old[i], was, sizeof was);
		printf("%s io %s %s (was %s)", first ? "" : ",", io->dev[i].name, now[0] ? now : "none",
		       was[0] ? was : "none");
		first = false;
	}
	if (io && io->weight != IO_UNSET)
		printf("%s io-weight %s %s (was %s; %s)", first ? "" : ",", io->weight_all ? "default" : io->wdev.name,
		       s->weight_now, s->weight_old, s->weight_plan.file);
	printf("\n");
	for (int i = 0; i < s->nnotes; i++)
		printf("%s: %s\n", name, s->notes[i]);
}

static int cmd_ctl(const char *cmd, int argc, char **argv)
{
	struct ctl_opts o;
	struct err e;
	if (cli_parse_ctl(cmd, argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_ctl(cmd);
		return 0;
	}
	static struct cg_system sys;
	struct cgroup cg;
	if (io_resolve(&o.lim.io, &e) < 0 || cg_detect(&sys, &e) < 0 || ctl_open(&sys, o.name, &cg, &e) < 0)
		return fail(&e);
	int rc = 0;
	if (strcmp(cmd, "set") == 0) {
		static const struct { enum cg_limit limit; const char *opt; } order[] = {
			{ LIMIT_MEMORY_MAX, "--mem" }, { LIMIT_SWAP_MAX, "--swap" }, { LIMIT_MEMORY_HIGH, "--mem-high" },
			{ LIMIT_PIDS_MAX, "--pids" }, { LIMIT_CPU_MAX, "--cpu" }, { LIMIT_CPU_WEIGHT, "--cpu-weight" },
		};
		const uint64_t val[] = {
			[LIMIT_MEMORY_MAX] = o.lim.mem_max, [LIMIT_MEMORY_HIGH] = o.lim.mem_high,
			[LIMIT_SWAP_MAX] = o.lim.swap_max, [LIMIT_PIDS_MAX] = o.lim.pids_max,
			[LIMIT_CPU_MAX] = o.lim.cpu_quota_us, [LIMIT_CPU_WEIGHT] = o.lim.cpu_weight,
		};
		struct ctl_set s = { .force = o.force, .io = &o.lim.io };
		for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
			if (o.lim.arg[order[i].limit])
				ctl_add(&s, order[i].limit, val[order[i].limit], order[i].opt, o.lim.arg[order[i].limit]);
		if (o.lim.cpus)
			ctl_add_cpus(&s, o.lim.cpus, "--cpus");
		if (ctl_set(&cg, &s, &e) < 0)
			rc = fail(&e);
		else
			print_set(o.name, &s, o.json);
	} else if (strcmp(cmd, "kill") == 0) {
		int n = ctl_kill(&cg, o.sig, &e);
		char sig[16]; /* real-time signals have no abbreviation: SIGRTMIN+N as kill -l says */
		if (sigabbrev_np(o.sig))
			snprintf(sig, sizeof sig, "SIG%s", sigabbrev_np(o.sig));
		else
			snprintf(sig, sizeof sig, "SIGRTMIN+%d", o.sig - SIGRTMIN);
		if (n < 0)
			rc = fail(&e);
		else if (o.json)
			printf("{\"name\":\"%s\",\"signal\":\"%s\",\"processes\":%d}\n", o.name, sig, n);
		else
			printf("%s: %s sent to %d process%s%s\n", o.name, sig, n, n == 1 ? "" : "es",
			       o.sig == SIGKILL ? "; the group is empty" : "");
	} else if (strcmp(cmd, "freeze") == 0 || strcmp(cmd, "thaw") == 0) {
		if (ctl_freeze(&cg, cmd[0] == 'f', &e) < 0)
			rc = fail(&e);
		else if (o.json)
			printf("{\"name\":\"%s\",\"frozen\":%s}\n", o.name, cmd[0] == 'f' ? "true" : "false");
		else
			printf("%s: %s\n", o.name, cmd[0] == 'f' ? "frozen" : "thawed");
	} else if (strcmp(cmd, "wait") == 0) {
		struct cg_stats st;
		if (ctl_wait(&cg, o.timeout_ns, &st, &e) < 0) {
			fprintf(stderr, "climit: %s: %s\n", o.name, e.msg);
			rc = e.errnum == ETIMEDOUT ? EXIT_TIMEDOUT : EXIT_CLIMIT;
		} else {
			report_print_figures(stdout, o.json ? REPORT_JSON : REPORT_TEXT, o.name, "empty", &st);
		}
	} else { /* attach */
		int moved = 0;
		for (int i = 0; i < o.npids && rc == 0; i++) {
			int n = ctl_attach(&cg, o.pids[i], o.children, &e);
			if (n < 0)
				rc = fail(&e);
			else
				moved += n;
		}
		if (rc == 0 && o.json)
			printf("{\"name\":\"%s\",\"moved\":%d}\n", o.name, moved);
		else if (rc == 0)
			printf("%s: %d process%s moved in\n", o.name, moved, moved == 1 ? "" : "es");
	}
	cg_close(&cg);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "gc") == 0)
		return cmd_gc(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "export") == 0 || strcmp(argv[1], "plot") == 0))
		return cmd_recv(argv[1], argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "doctor") == 0)
		return cmd_doctor(argc - 1, argv + 1);
	static const char *const ctl_cmds[] = { "set", "kill", "freeze", "thaw", "wait", "attach" };
	for (size_t i = 0; argc >= 2 && i < sizeof ctl_cmds / sizeof ctl_cmds[0]; i++)
		if (strcmp(argv[1], ctl_cmds[i]) == 0)
			return cmd_ctl(ctl_cmds[i], argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "replay") == 0)
		return cmd_replay(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "top") == 0)
		return cmd_top(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "ls") == 0)
		return cmd_ls(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "stats") == 0)
		return cmd_stats(argc - 1, argv + 1);
	return cmd_run(argc, argv);
}
