/* Snapshots for climit top / ls / stats (see sample.h).
 *
 * Cost per refresh is one pread per counter file on fds opened when the group first appeared
 * (bench/ measures it against a bare reader); libcgroup's cgroup_get_cgroup() would open ~50
 * files per group per refresh. Groups that vanish between listing and reading are dropped
 * quietly: churn is normal. */
#define _GNU_SOURCE
#include "sample.h"
#include "sample_int.h"
#include "scaudit.h"
#include "place.h"
#include "systemd.h"

#include <linux/seccomp.h>
#include <dirent.h>
#include <sys/resource.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <libproc2/meminfo.h>
#include <libproc2/misc.h>
#include <libproc2/pids.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "units.h"

static int sampler_scan(struct sampler *s);

#define MAX_DEPTH 8

/* The hierarchy whose directory tree defines the groups: v2's, or v1's memory (else pids). */
static const char *primary_mount(const struct cg_system *sys)
{
	if (sys->mode == CG_V2)
		return sys->v2_mount;
	static const enum cg_ctrl order[] = { CTRL_MEMORY, CTRL_PIDS, CTRL_CPU, CTRL_FREEZER };
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (sys->v1_mount[order[i]][0])
			return sys->v1_mount[order[i]];
	return NULL;
}

int sampler_open(struct sampler *s, const char *parent, bool all, struct err *e)
{
	*s = (struct sampler){ .all = all };
	if (cg_detect(&s->sys, e) < 0)
		return -1;
	if (parent)
		str_copy(s->parent, parent, sizeof s->parent);
	else
		place_default_parent(&s->sys, s->parent, sizeof s->parent);
	if (!primary_mount(&s->sys))
		return err_set(e, "no cgroup hierarchy with memory, pids or cpu is mounted");
	/* Each group keeps a directory fd per hierarchy and a few counter files open: the usual
	 * soft limit of 1024 descriptors ends at about 1000 groups (the v2 guest's top saw 1017 of
	 * 2000). Raise it to the hard limit, as systemd advises for programs that need many; climit
	 * uses poll, not select, so large descriptor numbers are fine. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
		nofile.rlim_cur = nofile.rlim_max;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	/* Without inotify no OOM kill, pids-limit hit or new group would wake the dashboard: it
	 * would silently degrade to polling. */
	if (events_open(&s->ev, e) < 0)
		return -1;
	const char *why = sample_proc2_load();
	if (why)
		return err_set(e, "%s (libproc2 is procps-ng 4's library)", why);
	struct pids_info *pi = NULL;
	static enum pids_item items[] = { PIDS_ID_PID, PIDS_ID_PPID, PIDS_STATE, PIDS_MEM_RES,
					  PIDS_TICS_ALL, PIDS_CMD, PIDS_CMDLINE };
	if (proc2.pids_new(&pi, items, sizeof items / sizeof items[0]) == 0)
		s->pids_info = pi;
	struct meminfo_info *mi = NULL;
	if (proc2.meminfo_new(&mi) == 0)
		s->mem_info = mi;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	s->host.ncpus = n > 0 ? (unsigned)n : 1;
	return 0;
}

/* Groups by path: an open-addressing table of indices into s->groups (FNV-1a of the path),
 * at most half full, rebuilt when groups go. A refresh looks every directory up once, so the
 * lookup must not depend on the number of groups (a linear search cost 500,000 strcmp calls
 * per refresh at 1000 groups). */
static uint32_t path_hash(const char *p)
{
	uint32_t h = 2166136261u;
	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return h;
}

static void index_put(struct sampler *s, int i)
{
	uint32_t mask = (uint32_t)s->index_cap - 1;
	for (uint32_t k = path_hash(s->groups[i]->path) & mask;; k = (k + 1) & mask)
		if (s->index[k] < 0) {
			s->index[k] = i;
			return;
		}
}

/* Make room for n groups and index them all again (false if out of memory: lookups then scan). */
static bool index_rebuild(struct sampler *s, int n)
{
	int cap = 64;
	while (cap < 2 * n)
		cap *= 2;
	if (cap != s->index_cap) {
		int *bigger = realloc(s->index, (size_t)cap * sizeof *bigger);
		if (!bigger)
			return false;
		s->index = bigger;
		s->index_cap = cap;
	}
	for (int k = 0; k < cap; k++)
		s->index[k] = -1;
	for (int i = 0; i < s->ngroups; i++)
		index_put(s, i);
	return true;
}

static struct sample_group *find_path(struct sampler *s, const char *path)
{
	if (!s->index_cap) {
		for (int i = 0; i < s->ngroups; i++)
			if (strcmp(s->groups[i]->path, path) == 0)
				return s->groups[i];
		return NULL;
	}
	uint32_t mask = (uint32_t)s->index_cap - 1;
	for (uint32_t k = path_hash(path) & mask; s->index[k] >= 0; k = (k + 1) & mask)
		if (strcmp(s->groups[s->index[k]]->path, path) == 0)
			return s->groups[s->index[k]];
	return NULL;
}

struct sample_group *sampler_find(struct sampler *s, const char *name)
{
	for (int i = 0; i < s->ngroups; i++)
		if (strcmp(s->groups[i]->name, name) == 0 || strcmp(s->groups[i]->path, name) == 0)
			return s->groups[i];
	return NULL;
}

static void free_group(struct sampler *s, struct sample_group *g);

/* Add g to the groups and to the index; false without memory (g is then the caller's). */
static bool append_group(struct sampler *s, struct sample_group *g)
{
	if (s->ngroups == s->cap) {
		int cap = s->cap ? s->cap * 2 : 64;
		struct sample_group **bigger = realloc(s->groups, (size_t)cap * sizeof *bigger);
		if (!bigger)
			return false;
		s->groups = bigger;
		s->cap = cap;
	}
	s->groups[s->ngroups++] = g;
	/* At most half full: past that, grow and index everything again. */
	if (s->index_cap && 2 * s->ngroups <= s->index_cap)
		index_put(s, s->ngroups - 1);
	else if (!index_rebuild(s, s->ngroups))
		s->index_cap = 0;
	return true;
}

static void add_group(struct sampler *s, const char *path, int depth)
{
	struct sample_group *g = find_path(s, path);
	if (g) {
		g->seen = true;
		return;
	}
	g = calloc(1, sizeof *g);
	if (!g)
		return;
	str_copy(g->path, path, sizeof g->path);
	const char *slash = strrchr(path, '/');
	char parent[512];
	if (slash) {
		snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
	} else {
		snprintf(parent, sizeof parent, ".");
	}
	if (cg_open(&g->cg, &s->sys, parent, slash ? slash + 1 : path, NULL) < 0) {
		free(g); /* gone already */
		return;
	}
	str_copy(g->name, s->all ? path : (slash ? slash + 1 : path), sizeof g->name);
	g->depth = depth;
	g->seen = true;
	events_watch(&s->ev, &g->cg, &g->watch);
	if (!append_group(s, g))
		free_group(s, g);
}

int sampler_open_source(struct sampler *s, const struct sample_source *src, struct err *e)
{
	(void)e;
	*s = (struct sampler){ .src = src };
	s->ev.inotify_fd = s->ev.kmsg_fd = -1;
	s->ev.dir_wd = -1;
	return 0;
}

struct sample_group *sampler_bare_group(struct sampler *s, const char *path)
{
	struct sample_group *g = find_path(s, path);
	if (g)
		return g;
	if (!(g = calloc(1, sizeof *g)))
		return NULL;
	str_copy(g->path, path, sizeof g->path);
	str_copy(g->name, path, sizeof g->name);
	g->watch.wd_oom = g->watch.wd_pids = g->watch.oom_efd = -1;
	for (int i = 0; i < CG_LIMIT_FILES; i++)
		g->watch.wd_limits[i] = -1;
	if (!append_group(s, g)) {
		free(g);
		return NULL;
	}
	return g;
}

static void scan_scope(struct sampler *s, const char *mount, const char *rel)
{
	char path[PATH_MAX], child[512];
	snprintf(path, sizeof path, "%s/%s", mount, rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *de;
	bool found = false;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.' || strcmp(de->d_name, SD_SUPERVISOR) == 0)
			continue;
		int n = snprintf(child, sizeof child, "%s/%s", rel, de->d_name);
		if (n > 0 && (size_t)n < sizeof child)
			add_group(s, child, 0);
		found = true;
	}
	closedir(d);
	/* The scope appears (and wakes us through the parent's watch) a moment before climit makes
	 * the container in it: wake again when it does. */
	if (!found)
		events_watch_new_dirs(&s->ev, path);
}

static void scan_dir(struct sampler *s, const char *mount, const char *rel, int depth)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", mount, rel);
	DIR *d = opendir(path);
	if (!d)
		return;
	/* child = rel/name, built by hand: this runs for every group on every refresh. */
	char child[512];
	size_t rl = strlen(rel);
	if (rl + 2 >= sizeof child) {
		closedir(d);
		return;
	}
	memcpy(child, rel, rl);
	if (rl)
		child[rl++] = '/';
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		size_t nl = strlen(de->d_name);
		if (rl + nl >= sizeof child)
			continue;
		memcpy(child + rl, de->d_name, nl + 1);
		if (!s->all && depth == 0 && sample_is_scope(de->d_name, nl)) {
			scan_scope(s, mount, child);
			continue;
		}
		add_group(s, child, depth);
		if (s->all && depth + 1 < MAX_DEPTH)
			scan_dir(s, mount, child, depth + 1);
	}
	closedir(d);
}

/* Drop the groups a refresh did not mark seen (gone from cgroupfs, or from a replay). */
void sampler_drop_unseen(struct sampler *s)
{
	int w = 0;
	for (int i = 0; i < s->ngroups; i++) {
		if (s->groups[i]->seen)
			s->groups[w++] = s->groups[i];
		else
			free_group(s, s->groups[i]);
	}
	if (w != s->ngroups) {
		s->ngroups = w;
		if (!index_rebuild(s, w))
			s->index_cap = 0;
	}
}

static void free_group(struct sampler *s, struct sample_group *g)
{
	events_unwatch(&s->ev, &g->watch);
	cg_close(&g->cg);
	free(g);
}

static void push_history(struct sample_group *g)
{
	g->hist_cpu[g->hist_pos] = (float)g->cpu_pct;
	g->hist_mem[g->hist_pos] = (float)g->st.mem_current;
	g->hist_pids[g->hist_pos] = (float)g->st.pids_current;
	g->hist_pos = (g->hist_pos + 1) % HIST_LEN;
	if (g->hist_n < HIST_LEN)
		g->hist_n++;
}

int sample_history(const struct sample_group *g, int series, float *out, int max)
{
	const float *h = series == 0 ? g->hist_cpu : series == 1 ? g->hist_mem : g->hist_pids;
	int n = g->hist_n < max ? g->hist_n : max;
	for (int i = 0; i < n; i++)
		out[i] = h[(g->hist_pos - n + i + HIST_LEN) % HIST_LEN];
	return n;
}

static void derive(struct sampler *s, struct sample_group *g)
{
	const struct cg_stats *a = &g->prev, *b = &g->st;
	g->cpu_limit_pct = b->cpu_limit_pct;
	/* A group that appeared after the first refresh is new: whatever its counters already
	 * show happened while we watched, so it is news (a fast OOM kill right after creation). */
	struct cg_stats zero = { 0 };
	if (!g->have_prev && s->refreshes > 0)
		a = &zero;
	if (!g->have_prev || b->cpu_usage_us < a->cpu_usage_us) {
		g->cpu_pct = g->throttled_pct = g->refused_rate = g->io_read_rate = g->io_write_rate = 0;
	} else {
		double dt = (double)(g->t_ns - g->prev_t_ns) / 1e9;
		if (dt > 0) {
			g->cpu_pct = 100.0 * (double)(b->cpu_usage_us - a->cpu_usage_us) / 1e6 / dt;
			uint64_t periods = b->nr_periods - a->nr_periods;
			g->throttled_pct = periods ? 100.0 * (double)(b->nr_throttled - a->nr_throttled) / (double)periods : 0;
			g->refused_rate = (double)(b->pids_refused - a->pids_refused) / dt;
			/* A device dropping out of io.stat (a loop device detached) lowers the sums. */
			g->io_read_rate = b->io_rbytes >= a->io_rbytes ? (double)(b->io_rbytes - a->io_rbytes) / dt : 0;
			g->io_write_rate = b->io_wbytes >= a->io_wbytes ? (double)(b->io_wbytes - a->io_wbytes) / dt : 0;
		}
	}
	if (!g->have_prev && s->refreshes == 0)
		return; /* the first snapshot is history, not news */
	if (b->oom_kills > a->oom_kills) {
		g->event_ns = g->t_ns;
		struct events *ev = &s->ev;
		events_read_kmsg(ev);
		/* One log line per kill the counter shows, named by kmsg where it told us. */
		for (uint64_t n = a->oom_kills + 1; n <= b->oom_kills; n++) {
			/* The "oom-kill:" line is rate-limited by the kernel (10 per 5 s): a kill may
			 * have no record to claim. */
			struct kmsg_oom k = { .pid = -1 };
			bool named = events_claim_kmsg(ev, g->path, &k) && k.pid > 0 && k.memcg[0];
			char text[160];
			events_oom_text(named ? &k : NULL, n, text, sizeof text);
			events_log(ev, "oom_kill", g->name, named ? k.ts_us : -1, "%s: %s", g->name, text);
			if (n + 8 < b->oom_kills) /* a storm between two refreshes: keep the log readable */
				n = b->oom_kills - 8;
		}
	}
	if (b->pids_refused > a->pids_refused) {
		if (g->event_ns + 1000000000u < g->t_ns) /* log a storm once a second, not per fork */
			events_log(&s->ev, "pids_max", g->name, -1, "%s: pids limit %llu hit, %llu forks refused",
				   g->name, (unsigned long long)b->pids_max, (unsigned long long)b->pids_refused);
		g->event_ns = g->t_ns;
	}
}

/* top --record: one sample per group shown, then the events logged since the last frame. */
static void record_frame(struct sampler *s)
{
	uint64_t now = now_ns();
	for (int i = 0; i < s->ngroups; i++)
		rec_sample(s->rec, now, s->groups[i]->name, &s->groups[i]->st);
	int from = s->ev.log_n - s->rec_events_seen;
	if (from > EVENT_LOG_LEN)
		from = EVENT_LOG_LEN; /* more than the ring holds: the oldest are gone */
	for (int i = from - 1; i >= 0; i--) {
		const struct event_entry *ev = events_get(&s->ev, i);
		if (ev)
			rec_event(s->rec, now, ev->group, ev->kind, ev->text, 0, NULL, 0);
	}
	s->rec_events_seen = s->ev.log_n;
	rec_flush(s->rec);
}

int sampler_refresh(struct sampler *s)
{
	if (s->src)
		return s->src->fill(s, s->src->ctx);
	int n = sampler_scan(s);
	if (s->rec)
		record_frame(s);
	return n;
}

static int sampler_scan(struct sampler *s)
{
	const char *mount = primary_mount(&s->sys);
	if (s->ev.dir_wd < 0 && !s->all) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/%s", mount, s->parent);
		events_watch_dir(&s->ev, dir);
	}
	for (int i = 0; i < s->ngroups; i++)
		s->groups[i]->seen = false;
	if (s->all)
		scan_dir(s, mount, "", 0);
	else
		scan_dir(s, mount, s->parent, 0);
	sampler_drop_unseen(s);
	uint64_t now = now_ns();
	events_read_kmsg(&s->ev);
	bool kmsg_hint = s->ev.nkmsg > 0; /* an OOM kill the counters may not show yet */
	for (int i = 0; i < s->ngroups; i++) {
		struct sample_group *g = s->groups[i];
		g->prev = g->st;
		g->prev_t_ns = g->t_ns;
		g->have_prev = g->t_ns != 0;
		/* What changes rarely or says when it changes is not read every refresh:
		 * - limits and freezer setting: on a group's first refresh, after their inotify
		 *   watch fired (any write(2) to them, by any tool) or this sampler changed them,
		 *   every 5th refresh if they could not be watched;
		 * - the OOM kill count (and v2 pids.events): when its eventfd/inotify watch fired,
		 *   when /dev/kmsg reported an OOM kill, or always if unwatched;
		 * - the kernel's memory and pids peaks: every 5th refresh, max(peak, current) in between;
		 * - everything, every 30th refresh: what no watch reports (a v1 group frozen through
		 *   its parent) and a lost notification are corrected within 30 refreshes.
		 * That is 5 files per group per refresh on v1 plus 2 every 5th, instead of 15
		 * (bench/results.md). */
		bool first = s->full || !g->have_prev, safety = s->refreshes % 30 == 0;
		bool peaks = first || s->refreshes % 5 == 0;
		bool limits = first || safety || g->limits_stale || (!g->watch.limits_watched && peaks);
		bool watched = s->sys.mode == CG_V2 ? g->watch.wd_oom >= 0 && g->watch.wd_pids >= 0
						    : g->watch.oom_efd >= 0;
		unsigned what = STATS_COUNTERS | (limits ? STATS_LIMITS : 0) | (peaks ? STATS_PEAK : 0);
		if (first || safety || g->events_dirty || !watched || kmsg_hint)
			what |= STATS_EVENTS;
		cg_read_stats_some(&g->cg, &g->st, what);
		cg_stats_carry(&g->st, &g->prev, what);
		g->events_dirty = false;
		g->limits_stale = false;
		g->t_ns = now;
		derive(s, g);
		push_history(g);
	}
	sample_orphan_kills(s);
	sample_seccomp_events(s);
	s->refreshes++;
	proc2.loadavg(&s->host.load[0], &s->host.load[1], &s->host.load[2]);
	if (s->mem_info) {
		struct meminfo_info *mi = s->mem_info;
		/* The result lives in libproc2's own buffer: read it before the next call. */
		struct meminfo_result *r = proc2.meminfo_get(mi, MEMINFO_MEM_TOTAL);
		s->host.mem_total = r ? (uint64_t)r->result.ul_int * 1024 : 0;
		r = proc2.meminfo_get(mi, MEMINFO_MEM_USED);
		s->host.mem_used = r ? (uint64_t)r->result.ul_int * 1024 : 0;
	}
	return s->ngroups;
}

void sampler_close(struct sampler *s)
{
	for (int i = 0; i < s->ngroups; i++)
		free_group(s, s->groups[i]);
	free(s->groups);
	s->groups = NULL;
	s->ngroups = 0;
	free(s->pfds);
	s->pfds = NULL;
	s->npfd_cap = 0;
	free(s->index);
	s->index = NULL;
	s->index_cap = 0;
	events_close(&s->ev);
	if (s->pids_info) {
		struct pids_info *pi = s->pids_info;
		proc2.pids_unref(&pi);
	}
	if (s->mem_info) {
		struct meminfo_info *mi = s->mem_info;
		proc2.meminfo_unref(&mi);
	}
}
