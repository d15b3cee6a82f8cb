/* climit set, kill, freeze, thaw, wait, attach NAME: the dashboard's keys as commands for
 * scripts (run/control.c does the work), each printing one line or --json. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "control.h"
#include "exitcodes.h"
#include "report.h"
#include "units.h"

/* set --json's names: the vocabulary of every output (climit-interfaces(7)). */
static const char *const limit_key[] = {
	[LIMIT_MEMORY_MAX] = "memory_limit_bytes", [LIMIT_MEMORY_HIGH] = "memory_high_bytes",
	[LIMIT_SWAP_MAX] = "swap_limit_bytes", [LIMIT_PIDS_MAX] = "pids_limit", [LIMIT_CPU_MAX] = "cpu_limit_percent",
	[LIMIT_CPU_WEIGHT] = "cpu_weight",
};

static void json_limit_value(enum cg_limit limit, uint64_t v)
{
	if (v == UNITS_MAX)
		printf("null");
	else if (limit == LIMIT_CPU_MAX)
		printf("%g", (double)v * 100 / CPU_PERIOD_US);
	else
		printf("%" PRIu64, v);
}

static void print_set_json(const char *name, const struct ctl_set *s)
{
	printf("{\"name\":");
	json_text(stdout, name);
	printf(",\"limits\":{");
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
		printf("%s\"%s\":{\"was\":", sep, limit_key[c->limit]);
		json_limit_value(c->limit, c->old);
		printf(",\"now\":");
		json_limit_value(c->limit, c->now);
		printf("}");
	}
	const struct io_opts *io = ctl_io(s);
	if (io && io->ndev) {
		printf("%s\"io_limits\":[", first ? "" : ",");
		first = false;
		for (int i = 0; i < io->ndev; i++) {
			const struct io_dev *d = &io->dev[i];
			printf("%s{\"device\":", i ? "," : "");
			json_text(stdout, d->name);
			printf(",\"major\":%u,\"minor\":%u", d->major, d->minor);
			for (int when = 0; when < 2; when++) {
				const struct cg_io_lim *l = when ? &s->io_now[i] : &s->io_old[i];
				printf(",\"%s\":{", when ? "now" : "was");
				for (int k = 0; k < IO_KEYS; k++) {
					printf("%s\"%s\":", k ? "," : "", io_limit_field((enum io_key)k));
					l->v[k] == UNITS_MAX ? printf("null") : printf("%" PRIu64, l->v[k]);
				}
				printf("}");
			}
			printf("}");
		}
		printf("]");
	}
	if (io && io->weight != IO_UNSET) {
		printf("%s\"io_weight\":{\"file\":\"%s\",\"device\":", first ? "" : ",", s->weight_plan.file);
		io->weight_all ? printf("null") : json_text(stdout, io->wdev.name);
		printf(",\"was\":%s,\"now\":%s}", s->weight_old, s->weight_now);
	}
	printf("},\"notes\":[");
	for (int i = 0; i < s->nnotes; i++) {
		printf("%s", i ? "," : "");
		json_text(stdout, s->notes[i]);
	}
	printf("]}\n");
}

static void print_set(const char *name, const struct ctl_set *s, bool json)
{
	char was[128], now[128];
	if (json) {
		print_set_json(name, s);
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

int cmd_ctl(const char *cmd, int argc, char **argv)
{
	struct ctl_opts o;
	struct err e;
	if (cli_parse_ctl(cmd, argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
	if (o.help) {
		cli_usage_ctl(cmd);
		return 0;
	}
	static struct cg_system sys;
	struct cgroup cg;
	if (io_resolve(&o.lim.io, &e) < 0 || cg_detect(&sys, &e) < 0 || ctl_open(&sys, o.name, &cg, &e) < 0)
		return cmd_fail(&e);
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
			rc = cmd_fail(&e);
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
			rc = cmd_fail(&e);
		else if (o.json)
			printf("{\"name\":\"%s\",\"signal\":\"%s\",\"processes\":%d}\n", o.name, sig, n);
		else
			printf("%s: %s sent to %d process%s%s\n", o.name, sig, n, n == 1 ? "" : "es",
			       o.sig == SIGKILL ? "; the group is empty" : "");
	} else if (strcmp(cmd, "freeze") == 0 || strcmp(cmd, "thaw") == 0) {
		if (ctl_freeze(&cg, cmd[0] == 'f', &e) < 0)
			rc = cmd_fail(&e);
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
				rc = cmd_fail(&e);
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

