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
#include "cmds.h"
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
		rc = run_dry(&o);
	free(args);
	return rc;
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
	if (argc >= 2 && strcmp(argv[1], "fit") == 0)
		return cmd_fit(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "sweep") == 0)
		return cmd_sweep(argc - 1, argv + 1);
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
