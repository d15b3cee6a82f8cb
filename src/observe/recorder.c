/* The run's own sampler (see recorder.h). */
#define _GNU_SOURCE
#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "units.h"

void spark_add(struct spark *sp, float mem, float cpu, float pids)
{
	if (sp->per == 0)
		sp->per = 1;
	if (sp->acc == 0 || mem > sp->acc_mem)
		sp->acc_mem = mem;
	if (sp->acc == 0 || pids > sp->acc_pids)
		sp->acc_pids = pids;
	sp->acc_cpu = sp->acc ? sp->acc_cpu + cpu : cpu;
	if (++sp->acc < sp->per)
		return;
	sp->mem[sp->n] = sp->acc_mem;
	sp->pids[sp->n] = sp->acc_pids;
	sp->cpu[sp->n] = sp->acc_cpu / (float)sp->acc;
	sp->acc = 0;
	if (++sp->n < SPARK_N)
		return;
	/* Full: pairs merge, and each bucket now covers twice as many samples. */
	for (int i = 0; i < SPARK_N / 2; i++) {
		sp->mem[i] = sp->mem[2 * i] > sp->mem[2 * i + 1] ? sp->mem[2 * i] : sp->mem[2 * i + 1];
		sp->pids[i] = sp->pids[2 * i] > sp->pids[2 * i + 1] ? sp->pids[2 * i] : sp->pids[2 * i + 1];
		sp->cpu[i] = (sp->cpu[2 * i] + sp->cpu[2 * i + 1]) / 2;
	}
	sp->n = SPARK_N / 2;
	sp->per *= 2;
}

int spark_series(const struct spark *sp, int which, float *out)
{
	const float *src = which == 0 ? sp->mem : which == 1 ? sp->cpu : sp->pids;
	memcpy(out, src, (size_t)sp->n * sizeof *out);
	int n = sp->n;
	if (sp->acc && n < SPARK_N)
		out[n++] = which == 0 ? sp->acc_mem : which == 1 ? sp->acc_cpu / (float)sp->acc : sp->acc_pids;
	return n;
}

int recorder_open(struct recorder *r, const char *path, uint64_t interval_ns, bool sparks, struct err *e)
{
	*r = (struct recorder){ .tfd = -1, .interval_ns = interval_ns, .sparks = sparks };
	r->w.fd = -1;
	if (path) {
		if (rec_open(&r->w, path, e) < 0)
			return -1;
		r->recording = true;
	}
	return 0;
}

void recorder_discard(struct recorder *r)
{
	if (r->recording) {
		rec_discard(&r->w);
		r->recording = false;
	}
	recorder_close(r);
}

/* OOM kills since the last sample, each with its victim from /dev/kmsg where it is there. */
static void oom_events(struct recorder *r, uint64_t now, uint64_t from, uint64_t to)
{
	events_read_kmsg(r->ev);
	for (uint64_t n = from + 1; n <= to; n++) {
		struct kmsg_oom k = { .pid = 0 };
		if (!events_claim_kmsg(r->ev, r->memcg, &k) || k.pid <= 0)
			k = (struct kmsg_oom){ .pid = 0 };
		char text[200];
		events_oom_text(&k, n, text, sizeof text);
		rec_event(&r->w, now, r->group, "oom_kill", text, k.pid, k.task, k.rss_kb * 1024);
	}
}

static void limit_text(uint64_t v, bool bytes, char *out, size_t size)
{
	if (v == UNITS_MAX)
		str_copy(out, "max", size);
	else if (bytes)
		units_format_size(v, out, size);
	else
		snprintf(out, size, "%" PRIu64, v);
}

static void limit_event(struct recorder *r, uint64_t now, const char *what, uint64_t a, uint64_t b, bool bytes)
{
	if (a == b)
		return;
	char x[32], y[32], text[160];
	limit_text(a, bytes, x, sizeof x);
	limit_text(b, bytes, y, sizeof y);
	snprintf(text, sizeof text, "%s limit changed: %s -> %s", what, x, y);
	rec_event(&r->w, now, r->group, "limit", text, 0, NULL, 0);
}

/* The limits are read when their inotify watch fired (any write(2) to them, by climit set, the
 * dashboard or any tool), when they could not be watched, and every 50th sample; otherwise
 * the sample keeps the ones read before. The counters come from the group's open files. */
static bool limits_due(struct recorder *r)
{
	bool due = !r->have_last || !r->watch.limits_watched || r->samples % 50 == 0;
	int wds[64];
	int n = r->ev ? events_drain(r->ev, wds, 64) : 0;
	for (int i = 0; i < n; i++)
		for (int j = 0; j < CG_LIMIT_FILES; j++)
			if (wds[i] < 0 || wds[i] == r->watch.wd_limits[j])
				due = true;
	return due;
}

/* Read the group, write what changed as events, then the sample. */
static void take_sample(struct recorder *r)
{
	struct cg_stats st;
	uint64_t now = now_ns();
	unsigned what = STATS_COUNTERS | STATS_EVENTS | STATS_PEAK | (limits_due(r) ? STATS_LIMITS : 0);
	cg_read_stats_some(r->cg, &st, what);
	if (r->have_last)
		cg_stats_carry(&st, &r->last, what);
	r->samples++;
	if (st.mem_current > r->max_mem)
		r->max_mem = st.mem_current;
	if (st.pids_current > r->max_pids)
		r->max_pids = st.pids_current;
	const struct cg_stats *a = &r->last;
	if (r->have_last && r->recording) {
		if ((st.have & HAVE_OOM) && st.oom_kills > a->oom_kills)
			oom_events(r, now, a->oom_kills, st.oom_kills);
		if ((st.have & HAVE_PIDS_EVENTS) && st.pids_refused > a->pids_refused &&
		    now >= r->pids_event_ns + 1000000000u) {
			/* A forkbomb hits the limit thousands of times: one event per second. */
			char text[160];
			snprintf(text, sizeof text, "pids limit %" PRIu64 " hit: %" PRIu64 " forks refused so far",
				 st.pids_max, st.pids_refused);
			rec_event(&r->w, now, r->group, "pids_max", text, 0, NULL, 0);
			r->pids_event_ns = now;
		}
		limit_event(r, now, "memory", a->mem_max, st.mem_max, true);
		limit_event(r, now, "pids", a->pids_max, st.pids_max, false);
		if (a->cpu_limit_pct != st.cpu_limit_pct) {
			char text[120];
			snprintf(text, sizeof text, "CPU limit changed: %s%.0f%% -> %s%.0f%%", a->cpu_limit_pct > 0 ? "" : "max ",
				 a->cpu_limit_pct, st.cpu_limit_pct > 0 ? "" : "max ", st.cpu_limit_pct);
			rec_event(&r->w, now, r->group, "limit", text, 0, NULL, 0);
		}
	}
	if (r->recording)
		rec_sample(&r->w, now, r->group, &st);
	if (r->sparks) {
		double dt = r->have_last ? (double)(now - r->last_ns) / 1e9 : 0;
		float cpu = dt > 0 && st.cpu_usage_us >= a->cpu_usage_us
				    ? (float)((double)(st.cpu_usage_us - a->cpu_usage_us) / 1e6 / dt * 100)
				    : 0;
		if (r->have_last)
			spark_add(&r->spark, (float)st.mem_current, cpu, (float)st.pids_current);
		r->spark.seconds = (double)(now - r->w.start_ns) / 1e9;
	}
	r->last = st;
	r->last_ns = now;
	r->have_last = true;
	if (r->recording)
		rec_flush(&r->w);
}

static void on_tick(void *ctx)
{
	struct recorder *r = ctx;
	uint64_t ticks;
	if (read(r->tfd, &ticks, sizeof ticks) != (ssize_t)sizeof ticks)
		return;
	take_sample(r);
}

static void on_note(void *ctx, const char *kind, const char *text)
{
	struct recorder *r = ctx;
	if (!r->recording)
		return;
	rec_event(&r->w, now_ns(), NULL, kind, text, 0, NULL, 0);
	rec_flush(&r->w);
}

int recorder_start(struct recorder *r, struct cgroup *cg, const struct rec_header *h, struct launch_hooks *hooks,
		   struct err *e)
{
	r->cg = cg;
	str_copy(r->group, cg->name, sizeof r->group);
	/* kmsg names the memory cgroup by its path below the hierarchy's root. */
	cg_memcg_path(cg, r->memcg, sizeof r->memcg);
	if (r->recording && !(r->ev = calloc(1, sizeof *r->ev)))
		return err_sys(e, errno, "--record: out of memory");
	r->watch.limits_watched = false;
	if (r->ev) {
		/* Root only on most systems (dmesg_restrict): without it, OOM events lack the victim. */
		r->ev->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (r->ev->kmsg_fd >= 0)
			lseek(r->ev->kmsg_fd, 0, SEEK_END);
		/* Without inotify the limits are simply read every sample. */
		r->ev->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		events_watch(r->ev, cg, &r->watch);
	}
	r->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = {
		.it_value = { .tv_sec = (time_t)(r->interval_ns / 1000000000u), .tv_nsec = (long)(r->interval_ns % 1000000000u) },
	};
	its.it_interval = its.it_value;
	if (r->tfd < 0 || timerfd_settime(r->tfd, 0, &its, NULL) < 0)
		return err_sys(e, errno, "--record: cannot create the sampling timer");
	r->w.start_ns = now_ns();
	if (r->recording && rec_header(&r->w, h, e) < 0)
		return -1;
	take_sample(r);
	*hooks = (struct launch_hooks){ .fd = r->tfd, .on_fd = on_tick, .on_note = on_note, .ctx = r };
	return 0;
}

void recorder_finish(struct recorder *r, int exit_status, const char *how)
{
	if (!r->cg)
		return;
	take_sample(r);
	if (r->recording)
		rec_end(&r->w, now_ns(), exit_status, how);
}

void recorder_close(struct recorder *r)
{
	if (r->recording)
		rec_close(&r->w);
	if (r->tfd >= 0)
		close(r->tfd);
	r->tfd = -1;
	if (r->ev) {
		events_unwatch(r->ev, &r->watch);
		events_close(r->ev);
		free(r->ev);
		r->ev = NULL;
	}
}
