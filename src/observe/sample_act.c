/* Acting on a group from the dashboard, or steering a replay (see sample.h). */
#define _GNU_SOURCE
#include "sample_int.h"

#include <signal.h>

/* The dashboard's keys and `climit set|kill|freeze|thaw` share control.c. */
int sampler_set_limits(struct sampler *s, struct sample_group *g, struct ctl_set *cs, struct err *e)
{
	if (s->src)
		return err_set(e, "a replay shows a recording: nothing to change");
	g->limits_stale = true;
	return ctl_set(&g->cg, cs, e);
}

int sampler_kill(struct sampler *s, struct sample_group *g, struct err *e)
{
	if (s->src)
		return err_set(e, "a replay shows a recording: nothing to kill");
	/* Kill the processes; the group itself belongs to its climit, which removes it. */
	return ctl_kill(&g->cg, SIGKILL, e) < 0 ? -1 : 0;
}

int sampler_freeze(struct sampler *s, struct sample_group *g, bool frozen, struct err *e)
{
	if (s->src)
		return err_set(e, "a replay shows a recording: nothing to freeze");
	g->limits_stale = true;
	return ctl_freeze(&g->cg, frozen, e);
}

void sampler_replay(struct sampler *s, enum replay_cmd cmd, double arg)
{
	if (s->src)
		s->src->control(s->src->ctx, cmd, arg);
}

bool sampler_replay_status(struct sampler *s, char *buf, size_t size)
{
	return s->src && s->src->status(s->src->ctx, buf, size);
}

bool sampler_replay_ended(struct sampler *s)
{
	return s->src && s->src->ended(s->src->ctx);
}
