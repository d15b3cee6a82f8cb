/* climit export and climit plot FILE...: recordings read, then converted or drawn. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "export.h"
#include "plot.h"
#include "record.h"

/* climit export / plot FILE...: read the recordings, then convert or draw. */
int cmd_recv(const char *cmd, int argc, char **argv)
{
	struct recv_opts o;
	struct err e;
	if (cli_parse_recv(cmd, argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
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
			return cmd_fail(&e);
		}
	int rc;
	if (strcmp(cmd, "export") == 0)
		rc = export_run(&runs[0], (enum export_format)o.format, o.out, &e);
	else
		rc = plot_runs(runs, o.nfiles, &(struct plot_opts){ o.out, o.width, o.height, o.title }, &e);
	for (int i = 0; i < o.nfiles; i++)
		rec_free(&runs[i]);
	return rc < 0 ? cmd_fail(&e) : 0;
}

