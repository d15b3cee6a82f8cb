/* OOM kills and pids-limit hits as they happen (see events.h). The refresh that follows an
 * event reads the counters; this file only wakes the loop up and names the victim. */
#define _GNU_SOURCE
#include "events.h"
#include "scaudit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

int events_open(struct events *ev, struct err *e)
{
	*ev = (struct events){ .dir_wd = -1 };
	ev->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int inotify_errno = errno; /* the kmsg open below may fail too, and would overwrite it */
	/* /dev/kmsg is root-only on most systems (dmesg_restrict); without it the event log just
	 * lacks the victim's name. Start at the end: old kills are not news. */
	ev->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (ev->kmsg_fd >= 0)
		lseek(ev->kmsg_fd, 0, SEEK_END);
	if (ev->inotify_fd < 0)
		return err_sys(e, inotify_errno, "cannot watch the groups (inotify_init1)");
	return 0;
}

void events_close(struct events *ev)
{
	if (ev->inotify_fd >= 0)
		close(ev->inotify_fd);
	if (ev->kmsg_fd >= 0)
		close(ev->kmsg_fd);
	ev->inotify_fd = ev->kmsg_fd = -1;
}

static int watch_file(struct events *ev, struct cgroup *cg, enum cg_ctrl ctrl, const char *file)
{
	char path[PATH_MAX + 64];
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].ctrls & CTRL_BIT(ctrl)) {
			snprintf(path, sizeof path, "%s/%s", cg->dirs[i].path, file);
			return inotify_add_watch(ev->inotify_fd, path, IN_MODIFY);
		}
	return -1;
}

/* Nothing watched: every descriptor -1. */
static void watch_reset(struct group_watch *w)
{
	*w = (struct group_watch){ .wd_oom = -1, .wd_pids = -1, .oom_efd = -1 };
	for (int i = 0; i < CG_LIMIT_FILES; i++)
		w->wd_limits[i] = -1;
}

void events_watch(struct events *ev, struct cgroup *cg, struct group_watch *w)
{
	watch_reset(w);
	if (ev->inotify_fd < 0)
		return;
	/* A hierarchy the group is not in has no such limit to watch; a failed watch (the
	 * user's inotify watch limit, for one) leaves the sampler polling this group's limits. */
	w->limits_watched = true;
	for (int i = 0; i < CG_LIMIT_FILES; i++) {
		const struct cg_limit_file *lf = &cg->ops->limit_files[i];
		if (cg_fd(cg, lf->ctrl) >= 0 && (w->wd_limits[i] = watch_file(ev, cg, lf->ctrl, lf->name)) < 0)
			w->limits_watched = false;
	}
	w->wd_pids = watch_file(ev, cg, CTRL_PIDS, cg->ops->pids_events_file);
	if (cg->sys->mode == CG_V2) {
		w->wd_oom = watch_file(ev, cg, CTRL_MEMORY, cg->ops->oom_file);
		return;
	}
	/* v1: memory.oom_control does not notify inotify; register an eventfd for OOM instead. */
	int mfd = cg_fd(cg, CTRL_MEMORY);
	if (mfd < 0)
		return;
	int ofd = openat(mfd, "memory.oom_control", O_RDONLY | O_CLOEXEC);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ofd >= 0 && efd >= 0) {
		char line[64];
		snprintf(line, sizeof line, "%d %d", efd, ofd);
		/* Without it the group is polled (w->oom_efd stays -1: not counted as watched). */
		if (write_file_at(mfd, "cgroup.event_control", line, NULL) == 0) {
			w->oom_efd = efd;
			efd = -1;
		}
	}
	if (efd >= 0)
		close(efd);
	if (ofd >= 0)
		close(ofd); /* the kernel holds its own reference */
}

int events_watch_new_dirs(struct events *ev, const char *path)
{
	/* mkdir in cgroupfs goes through vfs_mkdir, which reports IN_CREATE like any fs. */
	if (ev->inotify_fd < 0)
		return -1;
	return inotify_add_watch(ev->inotify_fd, path, IN_CREATE | IN_ONLYDIR);
}

int events_watch_dir(struct events *ev, const char *path)
{
	ev->dir_wd = events_watch_new_dirs(ev, path);
	return ev->dir_wd;
}

void events_unwatch(struct events *ev, struct group_watch *w)
{
	if (w->wd_oom >= 0)
		inotify_rm_watch(ev->inotify_fd, w->wd_oom);
	if (w->wd_pids >= 0)
		inotify_rm_watch(ev->inotify_fd, w->wd_pids);
	if (w->oom_efd >= 0)
		close(w->oom_efd);
	for (int i = 0; i < CG_LIMIT_FILES; i++)
		if (w->wd_limits[i] >= 0)
			inotify_rm_watch(ev->inotify_fd, w->wd_limits[i]);
	watch_reset(w);
}

int events_drain(struct events *ev, int *wds, int max)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int n = 0;
	ssize_t len;
	while (ev->inotify_fd >= 0 && (len = read(ev->inotify_fd, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + len;) {
			const struct inotify_event *ie = (const struct inotify_event *)p;
			if (n < max)
				wds[n++] = (ie->mask & IN_Q_OVERFLOW) ? -1 : ie->wd;
			else if (max > 0)
				wds[max - 1] = -1; /* more than we can name: treat as an overflow */
			p += sizeof *ie + ie->len;
		}
	}
	return n;
}

/* "6,1234,5678901,-;oom-kill:constraint=CONSTRAINT_MEMCG,...,oom_memcg=/climit/x,task_memcg=..,
 *  task=hog,pid=42,uid=0" and "...;Memory cgroup out of memory: Killed process 42 (hog)
 *  total-vm:70000kB, anon-rss:65000kB, ..." */
int events_parse_kmsg(struct events *ev, char *rec)
{
	char *msg = strchr(rec, ';');
	if (!msg)
		return 0;
	msg++;
	long long ts = -1;
	sscanf(rec, "%*d,%*u,%lld", &ts);
	char *p;
	if (strstr(msg, "type=1326")) {
		struct sc_event s;
		if (ev->nsc < (int)(sizeof ev->sc / sizeof *ev->sc) && sc_parse_audit(rec, &s))
			ev->sc[ev->nsc++] = s;
		return 0;
	}
	if ((p = strstr(msg, "oom-kill:"))) {
		if (ev->nkmsg == KMSG_OOM_MAX)
			events_drop_kmsg(ev, 0);
		struct kmsg_oom *k = &ev->kmsg[ev->nkmsg++];
		*k = (struct kmsg_oom){ .pid = -1, .ts_us = ts };
		char *m = strstr(p, "oom_memcg=/");
		char *t = strstr(p, "task=");
		char *pid = strstr(p, ",pid=");
		if (m)
			sscanf(m + 11, "%255[^,]", k->memcg);
		if (t)
			sscanf(t + 5, "%63[^,]", k->task);
		if (pid)
			k->pid = atoi(pid + 5);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		k->got_ns = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
		return 1;
	}
	if ((p = strstr(msg, "Killed process "))) {
		int pid = atoi(p + 15);
		char *rss = strstr(p, "anon-rss:");
		for (int i = ev->nkmsg - 1; i >= 0 && rss; i--)
			if (ev->kmsg[i].pid == pid) {
				ev->kmsg[i].rss_kb = strtoull(rss + 9, NULL, 10);
				break;
			}
	}
	return 0;
}

int events_read_kmsg(struct events *ev)
{
	if (ev->kmsg_fd < 0)
		return 0;
	char rec[8192];
	int n_oom = 0;
	for (;;) {
		ssize_t n = read(ev->kmsg_fd, rec, sizeof rec - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten: skip ahead */
		if (n <= 0)
			break;
		rec[n] = '\0';
		n_oom += events_parse_kmsg(ev, rec);
	}
	return n_oom;
}

void events_drop_kmsg(struct events *ev, int i)
{
	if (i < 0 || i >= ev->nkmsg)
		return;
	memmove(&ev->kmsg[i], &ev->kmsg[i + 1], (size_t)(ev->nkmsg - i - 1) * sizeof *ev->kmsg);
	ev->nkmsg--;
}

bool events_claim_kmsg(struct events *ev, const char *path, struct kmsg_oom *out)
{
	size_t pl = strlen(path);
	for (int i = 0; i < ev->nkmsg; i++) {
		const char *m = ev->kmsg[i].memcg;
		if (strncmp(m, path, pl) == 0 && (m[pl] == '\0' || m[pl] == '/')) {
			*out = ev->kmsg[i];
			events_drop_kmsg(ev, i);
			return true;
		}
	}
	return false;
}

void events_log(struct events *ev, const char *kind, const char *group, int64_t kmsg_us, const char *fmt, ...)
{
	struct event_entry *e = &ev->log[ev->log_n % EVENT_LOG_LEN];
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	e->mono_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	e->kmsg_us = kmsg_us;
	str_copy(e->kind, kind, sizeof e->kind);
	str_copy(e->group, group, sizeof e->group);
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int n = (int)strftime(e->text, sizeof e->text, "%H:%M:%S ", &tm);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->text + n, sizeof e->text - (size_t)n, fmt, ap);
	va_end(ap);
	ev->log_n++;
}

const struct event_entry *events_get(const struct events *ev, int i)
{
	if (i < 0 || i >= ev->log_n || i >= EVENT_LOG_LEN)
		return NULL;
	return &ev->log[(ev->log_n - 1 - i) % EVENT_LOG_LEN];
}

void events_oom_text(const struct kmsg_oom *k, uint64_t n, char *out, size_t size)
{
	/* The kernel bumps the counter between its "oom-kill:" line and its "Killed process ...
	 * anon-rss" line, so the size may not be known yet (0). */
	if (k && k->pid > 0 && k->rss_kb)
		snprintf(out, size, "OOM kill #%llu: pid %d (%s), anon-rss %llu kB", (unsigned long long)n, k->pid, k->task,
			 (unsigned long long)k->rss_kb);
	else if (k && k->pid > 0)
		snprintf(out, size, "OOM kill #%llu: pid %d (%s)", (unsigned long long)n, k->pid, k->task);
	else
		snprintf(out, size, "OOM kill #%llu", (unsigned long long)n);
}
