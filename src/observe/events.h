/* OOM kills and pids-limit hits as they happen: inotify on memory.events / pids.events (v2; the
 * kernel notifies on every change), an eventfd registered through cgroup.event_control on
 * memory.oom_control (v1), and /dev/kmsg for the killed process's name and size. */
#ifndef CLIMIT_EVENTS_H
#define CLIMIT_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "scaudit.h"
#include "scfilter.h"

struct group_watch {
	int wd_oom, wd_pids; /* inotify watch descriptors, -1 if none */
	int oom_efd;         /* v1 eventfd, -1 if none */
	int wd_limits[CG_LIMIT_FILES]; /* the limit files (cg_ops.limit_files), -1 if none */
	bool limits_watched; /* every limit file the group has is watched */
};

#define EVENT_LOG_LEN 64
struct event_entry {
	uint64_t mono_ns;    /* when climit noticed it (CLOCK_MONOTONIC) */
	int64_t kmsg_us;     /* kernel timestamp of the kill in /dev/kmsg, -1 if unknown */
	char text[200];
	char group[256];
	char kind[16];       /* "oom_kill" or "pids_max" */
};

/* One OOM kill as /dev/kmsg reported it, until a group's counter claims it (or it is logged
 * on its own because the group is already gone: created, OOM-killed and removed between two
 * refreshes, which the counters can never show). */
struct kmsg_oom {
	char memcg[256];     /* oom_memcg=, relative to the memory hierarchy's root */
	char task[64];
	int pid;
	uint64_t rss_kb;
	int64_t ts_us;
	uint64_t got_ns;     /* when it was read (CLOCK_MONOTONIC) */
};
#define KMSG_OOM_MAX 32

struct events {
	int inotify_fd;
	int dir_wd;          /* watch on the parent directory: new groups are seen at once */
	int kmsg_fd;
	struct event_entry log[EVENT_LOG_LEN];
	int log_n;           /* total logged; the ring holds the last EVENT_LOG_LEN */
	struct kmsg_oom kmsg[KMSG_OOM_MAX]; /* unclaimed OOM kills from /dev/kmsg, oldest first */
	int nkmsg;
	struct sc_event sc[16];  /* seccomp audit records (type=1326) not yet given to a group */
	int nsc;
};

/* The inotify fd (needed: -1 with e filled without it) and /dev/kmsg (optional: -1 in kmsg_fd). */
int events_open(struct events *ev, struct err *e);
void events_close(struct events *ev);
void events_watch(struct events *ev, struct cgroup *cg, struct group_watch *w);
/* Watch the parent directory for new groups (IN_CREATE); returns the wd (also in dir_wd) or -1. */
int events_watch_dir(struct events *ev, const char *path);
/* Another directory whose new subdirectories wake the dashboard (a systemd scope whose container
 * is not made yet); the watch ends by itself when the directory is removed. */
int events_watch_new_dirs(struct events *ev, const char *path);
void events_unwatch(struct events *ev, struct group_watch *w);
/* Drain the inotify fd; the watch descriptors that fired go to wds (at most max; -1 in it means
 * the queue overflowed: anything may have changed). Returns how many were stored. */
int events_drain(struct events *ev, int *wds, int max);
/* Parse one /dev/kmsg record (NUL-terminated, may be cut up); returns 1 for a new OOM kill. */
int events_parse_kmsg(struct events *ev, char *rec);
/* Read new /dev/kmsg records; returns how many OOM kills were queued. */
int events_read_kmsg(struct events *ev);
/* Take the oldest queued kill whose memcg is PATH (relative, no leading slash) or inside it;
 * false if none. */
bool events_claim_kmsg(struct events *ev, const char *path, struct kmsg_oom *out);
/* "OOM kill #N: pid P (COMM), anon-rss R kB" as far as k (NULL or pid 0: unnamed) tells. */
void events_oom_text(const struct kmsg_oom *k, uint64_t n, char *out, size_t size);
/* Drop queued entry i. */
void events_drop_kmsg(struct events *ev, int i);
void events_log(struct events *ev, const char *kind, const char *group, int64_t kmsg_us, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
const struct event_entry *events_get(const struct events *ev, int i); /* 0 = newest */

#endif
