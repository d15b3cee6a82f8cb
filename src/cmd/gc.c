/* climit gc: remove the groups of climit processes that died (cgroup/registry.c). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmds.h"
#include "registry.h"

int cmd_gc(int argc, char **argv)
{
	struct gc_opts o;
	struct err e;
	if (cli_parse_gc(argc, argv, &o, &e) < 0)
		return cmd_fail(&e);
	if (o.help) {
		cli_usage_gc();
		return 0;
	}
	struct cg_system sys;
	if (cg_detect(&sys, &e) < 0)
		return cmd_fail(&e);
	int n = registry_gc(&sys, o.parent, true, &e);
	if (n < 0)
		return cmd_fail(&e);
	fprintf(stderr, "climit: gc: %d group%s removed\n", n, n == 1 ? "" : "s");
	return 0;
}

