/* Owner records under /run/climit and the garbage collection of groups whose climit died.
 *
 * A record is created before the cgroup and removed after it, so a group without a record was
 * not made by a climit that is still running or that died: gc leaves such groups alone.
 * Liveness is "PID exists and has the recorded start time" (PIDs are reused).
 *
 * /proc/PID/stat is read directly: libproc2's procps_pids_select() costs 1.5-2.6 ms per call on
 * this machine, a third of a whole launch, for one number. */
#define _GNU_SOURCE
#include "registry.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "units.h"

const char *registry_dir(void)
{
	static char dir[PATH_MAX];
	if (dir[0])
		return dir;
	const char *d = getenv("CLIMIT_RUNTIME_DIR"), *rt = getenv("XDG_RUNTIME_DIR");
	if (d && *d)
		str_copy(dir, d, sizeof dir);
	else if (geteuid() == 0)
		str_copy(dir, "/run/climit", sizeof dir);
	else if (rt && rt[0] == '/')
		snprintf(dir, sizeof dir, "%s/climit", rt);
	else if (snprintf(dir, sizeof dir, "/run/user/%u", (unsigned)geteuid()) > 0 && access(dir, W_OK) == 0)
		strcat(dir, "/climit"); /* pam_systemd's runtime dir, when the session did not export it */
	else /* no runtime dir at all (su, no systemd): a private directory, checked in claim */
		snprintf(dir, sizeof dir, "/tmp/climit-%u", (unsigned)geteuid());
	return dir;
}

unsigned long long proc_start_time(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	if (read_small_file(path, buf, sizeof buf, NULL) < 0)
		return 0; /* gone: no start time */
	/* comm (field 2) may contain spaces and ')': fields resume after the last ')'. */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

struct record {
	int pid;
	unsigned long long start;
	char parent[256];
	bool attached; /* climit run --pid: the processes are not climit's; remove only when empty */
};

/* 0, or -1 if the record is unreadable or not one of ours (a lookup: the caller treats both as
 * "no live owner"). */
static int read_record(int dirfd, const char *name, struct record *r)
{
	char buf[512];
	if (read_small_file_at(dirfd, name, buf, sizeof buf, NULL) < 0)
		return -1;
	char flag[16] = "";
	if (sscanf(buf, "%d %llu %255s %15s", &r->pid, &r->start, r->parent, flag) < 3)
		return -1;
	r->attached = strcmp(flag, "attached") == 0;
	const char *why;
	return r->pid > 0 && units_check_parent(r->parent, &why) == 0 ? 0 : -1;
}

static bool record_alive(const struct record *r)
{
	return proc_start_time(r->pid) == r->start;
}

/* libcgroup's default logger prints to stdout, which is the workload's or the user's: route it
 * to stderr, errors only. */
static void libcgroup_log(void *userdata, int level, const char *fmt, va_list ap)
{
	(void)userdata, (void)level;
	fputs("climit: libcgroup: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* cgroup_strerror() of libcgroup 2.0.2 indexes its table out of bounds from 50023 up. */
static const char *libcgroup_strerror(int code)
{
	if (code == ECGOTHER)
		return strerror(cgroup_get_last_errno());
	if (code >= ECGROUPNOTCOMPILED && code < ECGMOUNTNAMESPACE)
		return cgroup_strerror(code);
	return "unknown libcgroup error";
}

/* Delete an emptied group through libcgroup. Its cgroup_delete_cgroup_ext() moves leftover tasks
 * to the parent instead of killing them, so we kill (cg_kill_all) first and ask it to delete
 * only empty groups. Falls back to rmdir if libcgroup cannot be initialised. */
static int delete_group(struct cgroup *cg, struct err *e)
{
	static int inited = 0;
	if (!inited) {
		cgroup_set_logger(libcgroup_log, CGROUP_LOG_ERROR, NULL);
		inited = cgroup_init() == 0 ? 1 : -1;
	}
	if (inited < 0)
		return cg_remove(cg, e);
	char path[600];
	snprintf(path, sizeof path, "%s/%s", cg->parent, cg->name);
	struct cgroup *lcg = cgroup_new_cgroup(path);
	int rc = -1;
	if (lcg) {
		for (int i = 0; i < cg->ndirs; i++)
			for (int c = 0; c < CTRL_COUNT; c++)
				if (cg->dirs[i].ctrls & CTRL_BIT(c) && cg_has_controller(cg->sys, c) &&
				    (cg->sys->mode != CG_V2 || (c != CTRL_CPUACCT && c != CTRL_FREEZER)))
					cgroup_add_controller(lcg, cg->sys->mode == CG_V2 ? cg_ctrl_name(c) : cg_ctrl_v1_name(c));
		rc = cgroup_delete_cgroup_ext(lcg, CGFLAG_DELETE_EMPTY_ONLY | CGFLAG_DELETE_IGNORE_MIGRATION);
		if (rc != 0)
			err_set(e, "libcgroup: %s", libcgroup_strerror(rc));
		cgroup_free(&lcg);
	}
	/* Whatever libcgroup left: 2.0.2 deletes only the first hierarchy of a multi-controller
	 * group and still returns 0 (seen with `cgdelete -g memory,pids,cpu:X` on this host,
	 * which leaves pids/X and cpu/X). rmdir the rest, bounded. */
	return cg_remove(cg, e) == 0 ? 0 : rc;
}

static int collect(const struct cg_system *sys, int dirfd, const char *name,
		   const struct record *r, bool verbose, struct err *e)
{
	struct cgroup cg;
	if (r->attached && cg_open(&cg, sys, r->parent, name, NULL) == 0) {
		/* Processes moved in by climit run --pid are not climit's to kill: the group goes
		 * when they are gone. */
		struct err busy;
		if (cg_remove_if_empty(&cg, &busy) < 0) {
			cg_close(&cg);
			return 0;
		}
		if (verbose)
			fprintf(stderr, "climit: gc: removed %s/%s (its processes are gone)\n", r->parent, name);
	} else if (cg_open(&cg, sys, r->parent, name, NULL) == 0) { /* none: removed already */
		if (cg_kill_all(&cg, e) < 0 || delete_group(&cg, e) < 0) {
			cg_close(&cg);
			return -1;
		}
		if (verbose)
			fprintf(stderr, "climit: gc: removed %s/%s (climit %d is gone)\n", r->parent, name, r->pid);
	}
	unlinkat(dirfd, name, 0);
	return 1;
}

int registry_lookup(const char *name, char *parent, size_t size, int *owner, struct err *e)
{
	const char *why;
	if (units_check_name(name, &why) < 0)
		return err_code(e, EINVAL, "\"%s\": %s", name, why);
	int dirfd = open(registry_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct record r;
	int rc = dirfd >= 0 ? read_record(dirfd, name, &r) : -1;
	if (dirfd >= 0)
		close(dirfd);
	if (rc < 0 || (!record_alive(&r) && !r.attached))
		return err_code(e, ENOENT, "\"%s\": no running container of that name (climit ls lists them)", name);
	str_copy(parent, r.parent, size);
	if (owner)
		*owner = r.pid;
	return 0;
}

int registry_gc(const struct cg_system *sys, const char *parent, bool verbose, struct err *e)
{
	int dirfd = open(registry_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : err_sys(e, errno, "%s", registry_dir());
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return err_sys(e, errno, "%s", registry_dir());
	}
	int removed = 0, rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.') {
			/* A temporary record ".NAME.PID" of a climit killed while claiming. */
			char *dot = strrchr(de->d_name, '.');
			if (dot && dot != de->d_name && kill(atoi(dot + 1), 0) < 0 && errno == ESRCH)
				unlinkat(dirfd, de->d_name, 0);
			continue;
		}
		struct record r;
		if (read_record(dirfd, de->d_name, &r) < 0 || record_alive(&r))
			continue;
		if (parent && strcmp(parent, r.parent) != 0)
			continue;
		int n = collect(sys, dirfd, de->d_name, &r, verbose, e);
		if (n < 0)
			rc = -1;
		else
			removed += n;
	}
	closedir(d);
	return rc < 0 ? -1 : removed;
}

int registry_claim(const struct cg_system *sys, const char *name, const char *parent, bool attached,
		   struct err *e)
{
	const char *dir = registry_dir();
	if (mkdir(dir, geteuid() == 0 ? 0755 : 0700) < 0 && errno != EEXIST)
		return err_sys(e, errno, "cannot create %s", dir);
	/* Someone else's directory of that name (a shared /tmp) must not receive our records. */
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return err_set(e, "%s: not a directory of yours; set CLIMIT_RUNTIME_DIR", dir);
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return err_sys(e, errno, "%s", dir);
	char tmp[128], text[400];
	snprintf(tmp, sizeof tmp, ".%s.%d", name, (int)getpid());
	int len = snprintf(text, sizeof text, "%d %llu %s%s\n", (int)getpid(), proc_start_time(getpid()), parent,
			   attached ? " attached" : "");
	{
		_cleanup_close_ int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, text, (size_t)len) != len) {
			int saved = errno;
			unlinkat(dirfd, tmp, 0);
			return err_sys(e, saved, "cannot write %s/%s", dir, tmp);
		}
	}
	/* Two tries: the second after collecting a stale record of a dead climit. */
	int rc = err_set(e, "--name: \"%s\": in use by another climit", name);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (linkat(dirfd, tmp, dirfd, name, 0) == 0) {
			rc = 0;
			break;
		}
		if (errno != EEXIST) {
			rc = err_sys(e, errno, "cannot create %s/%s", dir, name);
			break;
		}
		struct record r;
		if (read_record(dirfd, name, &r) < 0)
			break;
		if (record_alive(&r)) {
			rc = err_set(e, "--name: \"%s\": in use by a running climit (pid %d)", name, r.pid);
			break;
		}
		int n = collect(sys, dirfd, name, &r, false, e);
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0) {
			rc = err_set(e, "--name: \"%s\": in use by processes moved in with climit run --pid", name);
			break;
		}
	}
	unlinkat(dirfd, tmp, 0);
	return rc;
}

void registry_release(const char *name)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", registry_dir(), name);
	unlink(path);
}
