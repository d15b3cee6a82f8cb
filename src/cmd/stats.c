/* climit stats NAME: one container's limits and counters once (two samples, for the rates),
 * or its effective limits up the tree (--explain). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "exitcodes.h"
#include "doctor.h"
#include "ui.h"
#include "units.h"

int cmd_stats(int argc, char **argv)
{
	struct top_opts o;
	struct err e;
	if (cli_parse_top("stats", argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
	if (o.help) {
		cli_usage_top("stats");
		return 0;
	}
	struct sampler s;
	if (sampler_open(&s, o.parent, false, &e) < 0)
		return cmd_fail(&e);
	s.full = true;
	sampler_refresh(&s);
	struct sample_group *g = sampler_find(&s, o.name);
	if (!g) {
		sampler_close(&s);
		err_set(&e, "stats: \"%s\": no such container under %s", o.name, s.parent);
		return cmd_fail(&e);
	}
	if (o.explain) {
		struct doctor d = { .n = 0 };
		doctor_explain(&g->cg, &d);
		printf(o.json ? "" : "%s: effective limits (the lowest up the tree wins)\n", o.name);
		doctor_print(stdout, &d, o.json, locale_utf8());
		sampler_close(&s);
		return doctor_failures(&d) ? 1 : 0; /* as climit doctor: 1 when a limit binds */
	}
	/* A second sample makes the rates (CPU %, refused forks/s) meaningful. */
	sleep_ns(o.delay_ns);
	sampler_refresh(&s);
	g = sampler_find(&s, o.name);
	if (!g) {
		sampler_close(&s);
		err_set(&e, "stats: \"%s\": the container ended", o.name);
		return cmd_fail(&e);
	}
	if (o.json) {
		output_json_group(stdout, g);
		fputc('\n', stdout);
	} else {
		for (int c = 0; c < C_COUNT; c++) {
			char buf[600];
			table_cell(g, c, buf, sizeof buf);
			printf("%-24s %s\n", cols[c].json, buf);
		}
	}
	sampler_close(&s);
	return 0;
}
