/* climit ls: climit's containers (with --all every cgroup), one line each, or as JSON. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "exitcodes.h"
#include "ui.h"
#include "units.h"

int cmd_ls(int argc, char **argv)
{
	struct top_opts o;
	struct err e;
	if (cli_parse_top("ls", argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
	if (o.help) {
		cli_usage_top("ls");
		return 0;
	}
	struct sampler s;
	if (sampler_open(&s, o.parent, o.all, &e) < 0)
		return cmd_fail(&e);
	s.full = true;
	sampler_refresh(&s);
	table_sort(s.groups, s.ngroups, C_NAME, false);
	if (o.json) {
		int seen = s.ev.log_n;
		output_json_frame(stdout, &s, &seen);
	} else {
		printf("%-24s %-7s %6s %6s %8s %8s %6s %8s %8s\n", "NAME", "STATE", "PIDS", "P.LIM", "MEM", "M.LIM", "C.LIM",
		       "READ", "WRITTEN");
		for (int i = 0; i < s.ngroups; i++) {
			struct sample_group *g = s.groups[i];
			char c[5][64];
			table_cell(g, C_NAME, c[0], sizeof c[0]);
			table_cell(g, C_PIDS, c[1], sizeof c[1]);
			table_cell(g, C_PLIM, c[2], sizeof c[2]);
			table_cell(g, C_MEM, c[3], sizeof c[3]);
			table_cell(g, C_MLIM, c[4], sizeof c[4]);
			char cl[32], rd[32] = "-", wr[32] = "-";
			table_cell(g, C_CPULIM, cl, sizeof cl);
			/* One snapshot has no rates: the bytes moved so far. */
			if (g->st.have & HAVE_IO) {
				units_format_size(g->st.io_rbytes, rd, sizeof rd);
				units_format_size(g->st.io_wbytes, wr, sizeof wr);
			}
			printf("%-24s %-7s %6s %6s %8s %8s %6s %8s %8s\n", c[0], group_state(g), c[1], c[2], c[3], c[4], cl, rd, wr);
		}
	}
	sampler_close(&s);
	return 0;
}
