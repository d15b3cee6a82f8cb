/* Replaying a recording through the sampler API (see replay.h). */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int replay_open(struct replay *rp, const char *file, double speed, struct err *e)
{
	*rp = (struct replay){ .speed = speed };
	if (rec_load(file, &rp->run, e) < 0)
		return -1;
	struct rec_run *r = &rp->run;
	if (!r->ns) {
		rec_free(r);
		return err_code(e, EINVAL, "\"%s\": no samples to replay", file);
	}
	rp->idx = calloc((size_t)r->ngroups, sizeof *rp->idx);
	rp->nidx = calloc((size_t)r->ngroups, sizeof *rp->nidx);
	if (!rp->idx || !rp->nidx) {
		replay_close(rp);
		return err_set(e, "out of memory");
	}
	for (size_t k = 0; k < r->ns; k++) {
		int g = r->s[k].group;
		if (!grow_for(&rp->idx[g], rp->nidx[g], 256, sizeof *rp->idx[g])) {
			replay_close(rp);
			return err_set(e, "out of memory");
		}
		rp->idx[g][rp->nidx[g]++] = k;
		if (r->s[k].t > rp->end)
			rp->end = r->s[k].t;
	}
	/* Start on the first sample: it is taken a moment after t = 0 (on an emulated machine,
	 * milliseconds), and nothing would be shown before it. */
	rp->begin = rp->end;
	for (size_t k = 0; k < r->ns; k++)
		if (r->s[k].t < rp->begin)
			rp->begin = r->s[k].t;
	rp->pos = rp->begin;
	rp->base_ns = now_ns();
	return 0;
}

void replay_close(struct replay *rp)
{
	for (int g = 0; rp->idx && g < rp->run.ngroups; g++)
		free(rp->idx[g]);
	free(rp->idx);
	free(rp->nidx);
	rp->idx = NULL;
	rp->nidx = NULL;
	rec_free(&rp->run);
}

double replay_now(struct replay *rp)
{
	if (rp->paused)
		return rp->pos;
	double t = rp->pos + (double)(now_ns() - rp->base_ns) / 1e9 * rp->speed;
	if (t >= rp->end) {
		/* The end: stay on the last frame. */
		rp->pos = rp->end;
		rp->paused = true;
		return rp->end;
	}
	return t;
}

static void set_pos(struct replay *rp, double t)
{
	rp->pos = t < rp->begin ? rp->begin : t > rp->end ? rp->end : t;
	rp->base_ns = now_ns();
}

/* The time of the next (dir 1) or previous (dir -1) sample of any group. */
static double step_time(const struct replay *rp, double t, int dir)
{
	const struct rec_run *r = &rp->run;
	double best = dir > 0 ? rp->end : rp->begin;
	for (size_t k = 0; k < r->ns; k++) {
		double x = r->s[k].t;
		if (dir > 0 && x > t + 1e-6 && x < best)
			best = x;
		if (dir < 0 && x < t - 1e-6 && x > best)
			best = x;
	}
	return best;
}

static void replay_control(struct replay *rp, enum replay_cmd cmd, double arg)
{
	double now = replay_now(rp);
	switch (cmd) {
	case REPLAY_PAUSE:
		set_pos(rp, now >= rp->end && rp->paused ? rp->begin : now); /* at the end: play again */
		rp->paused = !rp->paused;
		break;
	case REPLAY_STEP:
		set_pos(rp, step_time(rp, now, arg > 0 ? 1 : -1));
		rp->paused = true;
		break;
	case REPLAY_SEEK:
		set_pos(rp, now + arg);
		break;
	case REPLAY_JUMP:
		set_pos(rp, arg > 0 ? rp->end : rp->begin);
		break;
	case REPLAY_SPEED:
		set_pos(rp, now);
		rp->speed *= arg;
		if (rp->speed < 0.125)
			rp->speed = 0.125;
		if (rp->speed > 128)
			rp->speed = 128;
		break;
	}
}

/* Index (into idx[g]) of the group's last sample at or before t, or -1. */
static long last_at(const struct replay *rp, int g, double t)
{
	long lo = 0, hi = (long)rp->nidx[g] - 1, found = -1;
	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		if (rp->run.s[rp->idx[g][mid]].t <= t + 1e-9) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

static void fill_group(struct sampler *s, struct replay *rp, int gi, long j, double t)
{
	const struct rec_run *r = &rp->run;
	struct sample_group *g = sampler_bare_group(s, r->groups[gi]);
	if (!g)
		return;
	const struct rec_sample *cur = &r->s[rp->idx[gi][j]], *prev = j > 0 ? &r->s[rp->idx[gi][j - 1]] : NULL;
	g->seen = true;
	g->st = cur->st;
	g->have_prev = prev != NULL;
	if (prev)
		g->prev = prev->st;
	g->t_ns = (uint64_t)(t * 1e9);
	struct rec_rates rt;
	rec_rates(prev, cur, &rt);
	g->cpu_pct = rt.cpu_pct;
	g->throttled_pct = rt.throttled_pct;
	g->refused_rate = rt.refused_rate;
	g->io_read_rate = rt.io_read_rate;
	g->io_write_rate = rt.io_write_rate;
	g->cpu_limit_pct = cur->st.cpu_limit_pct;
	/* The history up to here, as a live dashboard would have drawn it. */
	long from = j - HIST_LEN + 1 > 0 ? j - HIST_LEN + 1 : 0;
	g->hist_n = 0;
	g->hist_pos = 0;
	for (long k = from; k <= j; k++) {
		const struct rec_sample *a = k > 0 ? &r->s[rp->idx[gi][k - 1]] : NULL, *b = &r->s[rp->idx[gi][k]];
		rec_rates(a, b, &rt);
		g->hist_cpu[g->hist_n] = (float)rt.cpu_pct;
		g->hist_mem[g->hist_n] = (float)b->st.mem_current;
		g->hist_pids[g->hist_n] = (float)b->st.pids_current;
		g->hist_n++;
	}
	g->hist_pos = g->hist_n % HIST_LEN;
}

static int replay_fill(struct sampler *s, void *ctx)
{
	struct replay *rp = ctx;
	const struct rec_run *r = &rp->run;
	double t = replay_now(rp);
	for (int i = 0; i < s->ngroups; i++)
		s->groups[i]->seen = false;
	/* A group whose samples stopped (its run ended while top recorded) is gone after two
	 * intervals, as it was from the live dashboard. */
	double gone = r->interval > 0 ? 2.5 * r->interval : 1;
	for (int gi = 0; gi < r->ngroups; gi++) {
		long j = last_at(rp, gi, t);
		if (j < 0)
			continue;
		bool last = (size_t)j + 1 == rp->nidx[gi];
		if (last && t - r->s[rp->idx[gi][j]].t > gone && rp->run.ngroups > 1)
			continue;
		fill_group(s, rp, gi, j, t);
	}
	sampler_drop_unseen(s);
	/* Events up to the position; seeking back starts the log again. */
	if (t < rp->fed_until) {
		s->ev.log_n = 0;
		rp->ev_fed = 0;
	}
	for (; rp->ev_fed < r->nev && r->ev[rp->ev_fed].t <= t + 1e-9; rp->ev_fed++) {
		const struct rec_event *ev = &r->ev[rp->ev_fed];
		const char *gname = ev->group >= 0 ? r->groups[ev->group] : "";
		events_log(&s->ev, ev->kind, gname, -1, "%7.2f s  %s%s%s", ev->t, gname, gname[0] ? ": " : "", ev->text);
		struct sample_group *g = gname[0] ? sampler_find(s, gname) : NULL;
		if (g && (strcmp(ev->kind, "oom_kill") == 0 || strcmp(ev->kind, "pids_max") == 0))
			g->event_ns = now_ns();
	}
	rp->fed_until = t;
	s->host.ncpus = r->host_cpus ? r->host_cpus : 1;
	s->host.mem_total = r->host_mem;
	s->refreshes++;
	return s->ngroups;
}

static void control(void *ctx, enum replay_cmd cmd, double arg)
{
	replay_control(ctx, cmd, arg);
}

static bool status(void *ctx, char *buf, size_t size)
{
	struct replay *rp = ctx;
	double t = replay_now(rp);
	const char *base = strrchr(rp->run.path, '/');
	snprintf(buf, size, "replay %s  %.1f s of %.1f s  x%g%s", base ? base + 1 : rp->run.path, t, rp->end, rp->speed,
		 rp->paused ? (t >= rp->end ? "  end (space: again)" : "  paused") : "");
	return true;
}

static bool ended(void *ctx)
{
	struct replay *rp = ctx;
	return rp->paused && replay_now(rp) >= rp->end;
}

void replay_source(struct replay *rp, struct sample_source *src)
{
	*src = (struct sample_source){ .fill = replay_fill, .control = control, .status = status, .ended = ended, .ctx = rp };
}
