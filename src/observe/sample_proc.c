/* libproc2 for the sampler, and a group's processes (see sample_int.h). */
#define _GNU_SOURCE
#include "sample_int.h"

#include <stdio.h>
#include <unistd.h>

struct sample_proc2 proc2;

/* NULL, or why libproc2 cannot be used. */
const char *sample_proc2_load(void)
{
	static const char *why;
	if (proc2.tried)
		return why;
	proc2.tried = true;
	const struct dl_sym syms[] = {
		{ (void **)&proc2.pids_new, "procps_pids_new" },
		{ (void **)&proc2.pids_select, "procps_pids_select" },
		{ (void **)&proc2.pids_unref, "procps_pids_unref" },
		{ (void **)&proc2.meminfo_new, "procps_meminfo_new" },
		{ (void **)&proc2.meminfo_get, "procps_meminfo_get" },
		{ (void **)&proc2.meminfo_unref, "procps_meminfo_unref" },
		{ (void **)&proc2.loadavg, "procps_loadavg" },
	};
	why = dl_load("libproc2.so.0", syms, sizeof syms / sizeof syms[0]);
	proc2.ok = why == NULL;
	return why;
}

int sampler_processes(struct sampler *s, struct sample_group *g, struct proc_row *rows, int max)
{
	if (!s->pids_info || g->cg.ndirs == 0)
		return 0;
	int pids[1024];
	int n = cg_read_pids(g->cg.dirs[0].fd, pids, 1024, NULL); /* gone: no rows */
	if (n <= 0)
		return 0;
	if (n > 1024)
		n = 1024;
	struct pids_info *info = s->pids_info;
	struct pids_fetch *f = proc2.pids_select(info, (unsigned *)pids, n, PIDS_SELECT_PID);
	if (!f)
		return 0;
	long hz = sysconf(_SC_CLK_TCK);
	int count = 0;
	for (int i = 0; i < f->counts->total && count < max; i++) {
		struct pids_stack *st = f->stacks[i];
		struct proc_row *r = &rows[count++];
		r->pid = PIDS_VAL(0, s_int, st, info);
		r->ppid = PIDS_VAL(1, s_int, st, info);
		r->state = PIDS_VAL(2, s_ch, st, info);
		r->rss = (uint64_t)PIDS_VAL(3, ul_int, st, info) * 1024;
		r->cpu_sec = (double)PIDS_VAL(4, ull_int, st, info) / (double)hz;
		str_copy(r->comm, PIDS_VAL(5, str, st, info), sizeof r->comm);
		str_copy(r->cmdline, PIDS_VAL(6, str, st, info), sizeof r->cmdline);
	}
	return count;
}
