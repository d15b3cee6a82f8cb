/* Events tied to groups, and the wait for them (see sample_int.h). */
#define _GNU_SOURCE
#include "sample_int.h"

#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scaudit.h"

/* Under systemd each container is PARENT/SCOPE/NAME (systemd.h): its scope also holds the
 * leaf with climit itself, which is not a container. */
bool sample_is_scope(const char *name, size_t len)
{
	return len > 6 && strcmp(name + len - 6, ".scope") == 0;
}

/* The audit session of a group's processes (climit gives a filtered workload one of its own). */
static unsigned group_session(struct sample_group *g)
{
	if (g->audit_ses || g->cg.ndirs == 0)
		return g->audit_ses;
	int pids[4];
	if (cg_tree_pids(g->cg.dirs[0].fd, pids, 4, NULL) <= 0)
		return 0;
	char path[64], buf[32];
	snprintf(path, sizeof path, "/proc/%d/sessionid", pids[0]);
	if (read_small_file(path, buf, sizeof buf, NULL) > 0) {
		unsigned long ses = strtoul(buf, NULL, 10);
		g->audit_ses = ses < 4294967295ul ? (unsigned)ses : 0;
	}
	return g->audit_ses;
}

/* Calls a seccomp filter refused (or logged) in the event log, under the group whose
 * processes have the record's audit session. */
void sample_seccomp_events(struct sampler *s)
{
	struct events *ev = &s->ev;
	for (int i = 0; i < ev->nsc; i++) {
		const struct sc_event *c = &ev->sc[i];
		for (int j = 0; j < s->ngroups && c->ses; j++) {
			struct sample_group *g = s->groups[j];
			if (group_session(g) != c->ses)
				continue;
			g->seccomp_calls++;
			events_log(ev, "seccomp", g->name, c->ts_us, "%s: seccomp %s %s (pid %d, %s)", g->name,
				   c->action == SECCOMP_RET_LOG ? "logged" : "refused", c->syscall, c->pid, c->comm);
			break;
		}
	}
	ev->nsc = 0;
}

/* OOM kills /dev/kmsg reported that no group's counter claimed: the group was created, killed
 * and removed between two refreshes (a short capacity-test run), so it is logged from kmsg
 * alone. Kills in a live group wait up to 2 s for its counter (they race with the kmsg read). */
void sample_orphan_kills(struct sampler *s)
{
	struct events *ev = &s->ev;
	events_read_kmsg(ev);
	uint64_t now = now_ns();
	size_t pl = strlen(s->parent);
	for (int i = 0; i < ev->nkmsg;) {
		const struct kmsg_oom *k = &ev->kmsg[i];
		bool live = false, ours = s->all || (strncmp(k->memcg, s->parent, pl) == 0 && k->memcg[pl] == '/');
		for (int j = 0; j < s->ngroups && !live; j++) {
			size_t gl = strlen(s->groups[j]->path);
			live = strncmp(k->memcg, s->groups[j]->path, gl) == 0 && (k->memcg[gl] == '\0' || k->memcg[gl] == '/');
		}
		if (ours && live && now - k->got_ns < 2000000000ull) {
			i++;
			continue;
		}
		if (ours && !live) {
			char name[256];
			const char *rest = s->all ? k->memcg : k->memcg + pl + 1;
			size_t first = strcspn(rest, "/");
			/* PARENT/SCOPE/NAME under systemd: the container is the part after the scope. */
			if (!s->all && sample_is_scope(rest, first) && rest[first] == '/')
				rest += first + 1;
			snprintf(name, sizeof name, "%.*s", (int)(s->all ? strlen(rest) : strcspn(rest, "/")), rest);
			events_log(ev, "oom_kill", name, k->ts_us, "%s: OOM kill: pid %d (%s), anon-rss %llu kB (group already gone)",
				   name, k->pid, k->task, (unsigned long long)k->rss_kb);
		}
		events_drop_kmsg(ev, i);
	}
}

int sampler_wait(struct sampler *s, uint64_t timeout_ns, int extra_fd, const sigset_t *mask)
{
	/* One slot per watched group (v1 eventfds) plus input, inotify and kmsg: the array grows
	 * with the groups, so every group counted as watched is watched. */
	int need = s->ngroups + 3;
	if (need > s->npfd_cap) {
		int cap = need * 2;
		struct pollfd *bigger = realloc(s->pfds, (size_t)cap * sizeof *bigger);
		if (!bigger) {
			sleep_ns(timeout_ns); /* cannot watch: at least keep the refresh rhythm */
			return 0;
		}
		s->pfds = bigger;
		s->npfd_cap = cap;
	}
	struct pollfd *p = s->pfds;
	int n = 0;
	if (extra_fd >= 0)
		p[n++] = (struct pollfd){ .fd = extra_fd, .events = POLLIN };
	int first_event = n;
	if (s->ev.inotify_fd >= 0)
		p[n++] = (struct pollfd){ .fd = s->ev.inotify_fd, .events = POLLIN };
	for (int i = 0; i < s->ngroups; i++)
		if (s->groups[i]->watch.oom_efd >= 0)
			p[n++] = (struct pollfd){ .fd = s->groups[i]->watch.oom_efd, .events = POLLIN };
	/* /dev/kmsg: every kernel message wakes us, but only an OOM kill counts as an event. */
	if (s->ev.kmsg_fd >= 0)
		p[n++] = (struct pollfd){ .fd = s->ev.kmsg_fd, .events = POLLIN };
	uint64_t deadline = now_ns() + timeout_ns;
	for (;;) {
		uint64_t now = now_ns();
		uint64_t left = now >= deadline ? 0 : deadline - now;
		struct timespec ts = { .tv_sec = (time_t)(left / 1000000000u), .tv_nsec = (long)(left % 1000000000u) };
		int r = ppoll(p, (nfds_t)n, &ts, mask);
		if (r < 0)
			return 3;
		if (r == 0)
			return 0;
		if (extra_fd >= 0 && (p[0].revents & POLLIN))
			return 2;
		bool fired = false;
		for (int i = first_event; i < n; i++) {
			if (!(p[i].revents & (POLLIN | POLLERR)))
				continue;
			if (p[i].fd == s->ev.kmsg_fd) {
				fired |= events_read_kmsg(&s->ev) > 0;
			} else if (p[i].fd == s->ev.inotify_fd) {
				int wds[256];
				int n = events_drain(&s->ev, wds, 256);
				for (int k = 0; k < n; k++)
					for (int j = 0; j < s->ngroups; j++) {
						struct group_watch *w = &s->groups[j]->watch;
						if (wds[k] < 0 || wds[k] == w->wd_oom || wds[k] == w->wd_pids)
							s->groups[j]->events_dirty = true;
						for (int l = 0; l < CG_LIMIT_FILES; l++)
							if (wds[k] < 0 || wds[k] == w->wd_limits[l])
								s->groups[j]->limits_stale = true;
					}
				fired = true;
			} else {
				uint64_t v;
				(void)!read(p[i].fd, &v, sizeof v);
				for (int j = 0; j < s->ngroups; j++)
					if (s->groups[j]->watch.oom_efd == p[i].fd)
						s->groups[j]->events_dirty = true;
				fired = true;
			}
		}
		if (fired)
			return 1;
	}
}
