/* climit top and climit replay: the dashboard, its batch and JSON frames and its exporters,
 * live or replayed. The one place that chooses between the screen (ui/top.c) and the batch
 * writer (ui/output.c). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "exitcodes.h"
#include "record.h"
#include "replay.h"
#include "ui.h"
#include "units.h"

/* The non-interactive loop (batch, JSON, Prometheus): refresh every delay, and at once when an
 * OOM kill or pids-limit hit is signalled (so a script sees it within milliseconds, not at the
 * next tick); serve metrics requests on lfd (-1: none) in between. */
static int refresh_loop(struct sampler *s, const struct top_opts *o, struct prom_server *srv, bool frames,
			struct err *e)
{
	int events_seen = 0;
	uint64_t next = now_ns();
	for (uint64_t frame = 0; o->iterations == 0 || frame < o->iterations; frame++) {
		sampler_refresh(s);
		if (srv)
			prom_publish(s);
		if (o->prom_file && prom_write_file(o->prom_file, s, e) < 0)
			return err_wrap(e, "--prometheus-file");
		if (frames) {
			if (o->json)
				output_json_frame(stdout, s, &events_seen);
			else
				output_batch_frame(stdout, s, (int)frame);
			if (ferror(stdout))
				break;
		}
		if (o->iterations && frame + 1 >= o->iterations)
			break;
		if (sampler_replay_ended(s))
			break; /* a replay without a terminal plays once */
		next += o->delay_ns;
		for (;;) {
			uint64_t now = now_ns();
			if (now >= next)
				break;
			int w = sampler_wait(s, next - now, -1, NULL);
			if (w == 1) {
				next = now_ns(); /* refresh now; the period restarts from here */
				break;
			}
		}
		if (now_ns() > next)
			next = now_ns(); /* a slow refresh does not cause a burst of catching up */
	}
	return 0;
}

/* The dashboard, its batch and JSON frames and its exporters, live or replayed; ARGV is the
 * command line for a recording's header. */
static int top_run(struct top_opts o, int argc, char **argv)
{
	struct err e;
	struct sampler s;
	static struct replay rp;
	static struct rec_writer rw;
	if (o.replay) {
		if (replay_open(&rp, o.replay, o.speed, &e) < 0) {
			err_wrap(&e, "--replay");
			return cmd_fail(&e);
		}
		static struct sample_source src;
		replay_source(&rp, &src);
		sampler_open_source(&s, &src, &e);
		/* Redraw at the recorded pace (at most 10 times a second), unless -d says otherwise. */
		if (!o.delay_given)
			o.delay_ns = rp.run.interval >= 0.1 ? (uint64_t)(rp.run.interval * 1e9) : 100000000ull;
	} else if (sampler_open(&s, o.parent, o.all, &e) < 0) {
		return cmd_fail(&e);
	}
	if (o.record) {
		if (rec_open(&rw, o.record, &e) < 0) {
			sampler_close(&s);
			return cmd_fail(&e);
		}
		/* The header's command is climit's own: "climit top ...". */
		char *cmd[argc + 2];
		cmd[0] = "climit";
		memcpy(cmd + 1, argv, (size_t)argc * sizeof *argv);
		cmd[argc + 1] = NULL;
		struct rec_header h = {
			.source = "top", .argv = cmd, .cgroup = o.all ? "" : s.parent,
			.cgroup_version = cg_mode_name(s.sys.mode), .interval_ns = o.delay_ns, .mem_max = OPT_UNSET,
			.mem_high = OPT_UNSET, .swap_max = OPT_UNSET, .pids_max = OPT_UNSET, .cpu_quota_us = OPT_UNSET,
			.cpu_weight = OPT_UNSET,
		};
		if (rec_header(&rw, &h, &e) < 0) {
			rec_discard(&rw);
			sampler_close(&s);
			return cmd_fail(&e);
		}
		s.rec = &rw;
	}
	bool exporting = o.prometheus || o.prom_file;
	int rc = 0;
	struct prom_server *srv = NULL;
	if (o.prometheus && !(srv = prom_listen(o.prom_addr, &e)))
		rc = cmd_fail(&e);
	/* The one place that chooses between the screen and the batch writer. */
	else if (!exporting && !o.batch && !o.json && isatty(STDOUT_FILENO) && top_terminal_usable())
		rc = top_interactive(&s, &o);
	/* Frames unless only exporting metrics (then only with -b or --json). */
	else if (refresh_loop(&s, &o, srv, !exporting || o.batch || o.json, &e) < 0)
		rc = cmd_fail(&e);
	prom_close(srv);
	sampler_close(&s);
	if (o.record)
		rec_close(&rw);
	if (o.replay)
		replay_close(&rp);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct err e;
	if (cli_parse_top("top", argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
	if (o.help) {
		cli_usage_top("top");
		return 0;
	}
	return top_run(o, argc, argv);
}

int cmd_replay(int argc, char **argv)
{
	struct recv_opts r;
	struct err e;
	if (cli_parse_recv("replay", argc, argv, &r, &e) < 0)
		return cmd_fail(&e);
	if (r.help) {
		cli_usage_recv("replay");
		return 0;
	}
	/* top's defaults, then the replay's file and pace. */
	char *top[] = { "top", NULL };
	struct top_opts o;
	if (cli_parse_top("top", 1, top, &o, &e) < 0)
		return cmd_fail(&e);
	o.replay = r.files[0];
	o.speed = r.speed;
	return top_run(o, 1, top);
}
