/* The cgroup abstraction shared by v1 and v2: detection from mountinfo, the directory life
 * cycle, placement and emptiness. Per-version file names are in cgroup_v1.c / cgroup_v2.c.
 *
 * Why not libcgroup here: on this machine (Debian 12, libcgroup 2.0.2) cgroup_init() costs
 * 3.5 ms and cgroup_create_cgroup() 1.0-1.4 ms for five v1 controllers (it walks the tree with
 * fts to chown and logs "fts_read failed"), against 6.3 ms for a whole bare launch (mkdir,
 * limits, fork, exec, wait, rmdir). The launch path therefore uses cgroupfs directly; libcgroup
 * serves `climit gc` (see registry.c), where its cost does not matter. */
#define _GNU_SOURCE
#include "cgroup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "units.h"

static const char *const ctrl_names[CTRL_COUNT] = {
	[CTRL_MEMORY] = "memory", [CTRL_PIDS] = "pids", [CTRL_CPU] = "cpu",
	[CTRL_CPUACCT] = "cpuacct", [CTRL_CPUSET] = "cpuset", [CTRL_FREEZER] = "freezer", [CTRL_IO] = "io",
};

const char *cg_ctrl_name(enum cg_ctrl ctrl)
{
	return ctrl_names[ctrl];
}

const char *cg_ctrl_v1_name(enum cg_ctrl ctrl)
{
	return ctrl == CTRL_IO ? "blkio" : ctrl_names[ctrl];
}

const char *cg_mode_name(enum cg_mode mode)
{
	switch (mode) {
	case CG_V1: return "v1";
	case CG_HYBRID: return "hybrid";
	case CG_V2: return "v2";
	default: return "none";
	}
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

void cg_mountinfo_each(const char *text, int (*fn)(const struct cg_mount *m, void *arg), void *arg)
{
	char line[4096];
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = nl ? nl + 1 : NULL;

		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS */
		char *fields[6] = { 0 };
		char *save = NULL, *tok = strtok_r(line, " ", &save);
		int n = 0;
		for (; tok && n < 6; tok = strtok_r(NULL, " ", &save))
			fields[n++] = tok;
		if (n < 6)
			continue;
		while (tok && strcmp(tok, "-") != 0)
			tok = strtok_r(NULL, " ", &save);
		if (!tok)
			continue;
		struct cg_mount m = { .mountpoint = fields[4], .devno = fields[2] };
		m.fstype = strtok_r(NULL, " ", &save);
		m.source = strtok_r(NULL, " ", &save);
		m.superopts = strtok_r(NULL, " ", &save);
		if (!m.fstype || !m.source || !m.superopts)
			continue;
		unescape_octal(fields[4]);
		if (fn(&m, arg))
			break;
	}
}

static int note_mount(const struct cg_mount *m, void *arg)
{
	struct cg_system *sys = arg;
	if (strcmp(m->fstype, "cgroup2") == 0) {
		if (!sys->v2_mount[0])
			str_copy(sys->v2_mount, m->mountpoint, sizeof sys->v2_mount);
	} else if (strcmp(m->fstype, "cgroup") == 0) {
		char *s2 = NULL;
		for (char *opt = strtok_r(m->superopts, ",", &s2); opt; opt = strtok_r(NULL, ",", &s2))
			for (int c = 0; c < CTRL_COUNT; c++)
				if (strcmp(opt, cg_ctrl_v1_name(c)) == 0 && !sys->v1_mount[c][0])
					str_copy(sys->v1_mount[c], m->mountpoint, sizeof sys->v1_mount[c]);
	}
	return 0;
}

void cg_parse_mountinfo(const char *text, struct cg_system *sys)
{
	*sys = (struct cg_system){ .mode = CG_NONE };
	cg_mountinfo_each(text, note_mount, sys);
	bool any_v1 = false;
	for (int c = 0; c < CTRL_COUNT; c++)
		any_v1 |= sys->v1_mount[c][0] != '\0';
	if (any_v1)
		sys->mode = sys->v2_mount[0] ? CG_HYBRID : CG_V1;
	else if (sys->v2_mount[0])
		sys->mode = CG_V2;
}

char *cg_read_mountinfo(struct err *e)
{
	/* mountinfo can be large on busy hosts; read it whole. */
	size_t cap = 65536, len = 0;
	_cleanup_free_ char *text = malloc(cap);
	if (!text)
		return err_sys(e, ENOMEM, "/proc/self/mountinfo"), NULL;
	_cleanup_close_ int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_sys(e, errno, "/proc/self/mountinfo"), NULL;
	for (;;) {
		if (len + 1 >= cap) {
			char *bigger = realloc(text, cap * 2);
			if (!bigger)
				return err_sys(e, ENOMEM, "/proc/self/mountinfo"), NULL;
			text = bigger;
			cap *= 2;
		}
		ssize_t n = read(fd, text + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return err_sys(e, errno, "/proc/self/mountinfo"), NULL;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	text[len] = '\0';
	return take_ptr(&text);
}

int cg_self_v2(char *out, size_t size, struct err *e)
{
	char buf[4096];
	if (read_small_file("/proc/self/cgroup", buf, sizeof buf, e) < 0)
		return -1;
	for (char *line = buf; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, "0::/", 4) == 0) {
			str_copy(out, line + 4, size);
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return err_code(e, ENOENT, "/proc/self/cgroup has no cgroup-v2 line");
}

int cg_detect(struct cg_system *sys, struct err *e)
{
	_cleanup_free_ char *text = cg_read_mountinfo(e);
	if (!text)
		return -1;
	cg_parse_mountinfo(text, sys);
	if (sys->mode == CG_NONE)
		return err_set(e, "no cgroup filesystem is mounted (see /proc/self/mountinfo)");
	if (sys->v2_mount[0]) {
		char buf[512], path[PATH_MAX + 32];
		snprintf(path, sizeof path, "%s/cgroup.controllers", sys->v2_mount);
		if (read_small_file(path, buf, sizeof buf, NULL) >= 0)
			sys->v2_controllers |= cg_parse_controllers(buf);
	}
	return 0;
}

unsigned cg_parse_controllers(const char *text)
{
	char buf[512], *save = NULL;
	str_copy(buf, text, sizeof buf);
	unsigned mask = 0;
	for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		for (int c = 0; c < CTRL_COUNT; c++)
			if (strcmp(w, ctrl_names[c]) == 0)
				mask |= CTRL_BIT(c);
	return mask;
}

bool cg_has_controller(const struct cg_system *sys, enum cg_ctrl ctrl)
{
	if (sys->mode == CG_V2) {
		/* v2 has no cpuacct or freezer controller: CPU usage and freezing are core features. */
		if (ctrl == CTRL_CPUACCT || ctrl == CTRL_FREEZER)
			return true;
		return sys->v2_controllers & CTRL_BIT(ctrl);
	}
	return sys->v1_mount[ctrl][0] != '\0';
}

static const struct cg_ops *ops_for(const struct cg_system *sys)
{
	return sys->mode == CG_V2 ? &cg_v2_ops : &cg_v1_ops;
}

/* The mount point of each distinct hierarchy serving ctrls (v2: one; v1: co-mounted controllers,
 * like cpu,cpuacct on most distributions, share one). */
static void plan_dirs(struct cgroup *cg, unsigned ctrls)
{
	const struct cg_system *sys = cg->sys;
	cg->ndirs = 0;
	if (sys->mode == CG_V2) {
		cg->dirs[0] = (struct cg_dir){ .fd = -1, .ctrls = ctrls };
		str_copy(cg->dirs[0].path, sys->v2_mount, sizeof cg->dirs[0].path);
		cg->ndirs = 1;
		return;
	}
	for (int c = 0; c < CTRL_COUNT; c++) {
		if (!(ctrls & CTRL_BIT(c)) || !sys->v1_mount[c][0])
			continue;
		int i;
		for (i = 0; i < cg->ndirs; i++)
			if (strcmp(cg->dirs[i].path, sys->v1_mount[c]) == 0)
				break;
		if (i == cg->ndirs) {
			cg->dirs[i] = (struct cg_dir){ .fd = -1 };
			str_copy(cg->dirs[i].path, sys->v1_mount[c], sizeof cg->dirs[i].path);
			cg->ndirs++;
		}
		cg->dirs[i].ctrls |= CTRL_BIT(c);
	}
}

static void init_cgroup(struct cgroup *cg, const struct cg_system *sys, const char *parent,
			const char *name)
{
	*cg = (struct cgroup){ .sys = sys, .ops = ops_for(sys), .mem_max = UNITS_MAX, .pids_max = UNITS_MAX };
	str_copy(cg->name, name, sizeof cg->name);
	str_copy(cg->parent, parent, sizeof cg->parent);
}

/* mkdir -p of PARENT below a mount point; returns an fd of the last level, ready for children. */
static int open_parents(const char *mount, const char *parent, unsigned ctrls,
			const struct cg_ops *ops, struct err *e)
{
	char path[PATH_MAX];
	_cleanup_close_ int prev = open(mount, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (prev < 0)
		return err_sys(e, errno, "%s", mount);
	str_copy(path, mount, sizeof path);
	const char *p = parent;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		char part[256];
		snprintf(part, sizeof part, "%.*s", (int)n, p);
		/* Each level must offer the controllers to its children (v2) before the next mkdir. */
		if (ops->enable_children(prev, path, ctrls, e) < 0)
			return -1;
		size_t used = strlen(path);
		snprintf(path + used, sizeof path - used, "/%s", part);
		bool made = mkdirat(prev, part, 0755) == 0;
		if (!made && errno != EEXIST)
			return err_sys(e, errno, "cannot create %s", path);
		_cleanup_close_ int fd = openat(prev, part, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return err_sys(e, errno, "%s", path);
		if (made && ops->init_dir(prev, fd, ctrls, e) < 0)
			return -1;
		close(prev);
		prev = take_fd(&fd);
		p += n;
		if (*p == '/')
			p++;
	}
	if (ops->enable_children(prev, path, ctrls, e) < 0)
		return -1;
	return take_fd(&prev);
}

int cg_create(struct cgroup *cg, const struct cg_system *sys, const char *parent, const char *name,
	      unsigned ctrls, struct err *e)
{
	init_cgroup(cg, sys, parent, name);
	plan_dirs(cg, ctrls);
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		char mount[PATH_MAX];
		str_copy(mount, d->path, sizeof mount);
		int n = snprintf(d->path, sizeof d->path, "%s/%s/%s", mount, parent, name);
		if (n < 0 || (size_t)n >= sizeof d->path) {
			err_set(e, "cgroup path too long under %s", mount);
			goto fail;
		}
		int pfd = open_parents(mount, parent, d->ctrls, cg->ops, e);
		if (pfd < 0)
			goto fail;
		if (mkdirat(pfd, name, 0755) < 0) {
			if (errno == EEXIST)
				err_set(e, "--name: \"%s\": a cgroup of that name already exists (%s)", name, d->path);
			else
				err_sys(e, errno, "cannot create %s", d->path);
			close(pfd);
			goto fail;
		}
		d->fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (d->fd < 0) {
			err_sys(e, errno, "%s", d->path);
			unlinkat(pfd, name, AT_REMOVEDIR);
			close(pfd);
			goto fail;
		}
		int rc = cg->ops->init_dir(pfd, d->fd, d->ctrls, e);
		close(pfd);
		if (rc < 0)
			goto fail;
	}
	return 0;
fail:
	/* Exactly the directories with an open fd were made by this call. */
	for (int j = 0; j < cg->ndirs; j++)
		if (cg->dirs[j].fd >= 0) {
			close(cg->dirs[j].fd);
			cg->dirs[j].fd = -1;
			rmdir(cg->dirs[j].path);
		}
	return -1;
}

int cg_open(struct cgroup *cg, const struct cg_system *sys, const char *parent, const char *name,
	    struct err *e)
{
	init_cgroup(cg, sys, parent, name);
	plan_dirs(cg, ~0u);
	int found = 0;
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		char mount[PATH_MAX];
		str_copy(mount, d->path, sizeof mount);
		int n = snprintf(d->path, sizeof d->path, "%s/%s/%s", mount, parent, name);
		d->fd = n > 0 && (size_t)n < sizeof d->path ? open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
		if (d->fd >= 0)
			found++;
	}
	/* Keep only the hierarchies that hold the group. */
	int w = 0;
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].fd >= 0)
			cg->dirs[w++] = cg->dirs[i];
	cg->ndirs = w;
	if (!found) {
		if (e)
			err_code(e, ENOENT, "no group %s/%s in any hierarchy", parent, name);
		return -1;
	}
	return 0;
}

int cg_fd(const struct cgroup *cg, enum cg_ctrl ctrl)
{
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].ctrls & CTRL_BIT(ctrl))
			return cg->dirs[i].fd;
	return -1;
}

int cg_set_limit(struct cgroup *cg, enum cg_limit limit, uint64_t value, struct err *e)
{
	int rc = cg->ops->set_limit(cg, limit, value, e);
	if (rc == 0 && limit == LIMIT_MEMORY_MAX)
		cg->mem_max = value;
	if (rc == 0 && limit == LIMIT_PIDS_MAX)
		cg->pids_max = value;
	return rc;
}

int cg_set_cpus(struct cgroup *cg, const char *list, struct err *e)
{
	return cg->ops->set_cpus(cg, list, e);
}

int cg_get_limit(struct cgroup *cg, enum cg_limit limit, uint64_t *value, struct err *e)
{
	return cg->ops->get_limit(cg, limit, value, e);
}

int cg_get_cpus(struct cgroup *cg, char *list, size_t size, struct err *e)
{
	int fd = cg_fd(cg, CTRL_CPUSET);
	if (fd < 0)
		return err_code(e, ENOENT, "the cpuset controller is not available");
	if (read_small_file_at(fd, "cpuset.cpus", list, size, e) < 0)
		return -1;
	list[strcspn(list, "\n")] = '\0';
	return 0;
}

int cg_open_procs(const struct cgroup *cg, int fds[CTRL_COUNT], struct err *e)
{
	for (int i = 0; i < cg->ndirs; i++) {
		fds[i] = openat(cg->dirs[i].fd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			int saved = errno;
			err_sys(e, saved, "%s/cgroup.procs", cg->dirs[i].path);
			while (i-- > 0)
				close(fds[i]);
			return -1;
		}
	}
	return cg->ndirs;
}

int cg_attach_self(const int fds[CTRL_COUNT], int n, struct err *e)
{
	/* "0" moves the writer itself, in v1 and v2 alike: no getpid() needed in the child. */
	for (int i = 0; i < n; i++)
		if (write(fds[i], "0", 1) != 1) {
			/* No formatting here (strerror is not async-signal-safe): the parent words it. */
			e->errnum = errno;
			str_copy(e->msg, "cannot join the group", sizeof e->msg);
			return -1;
		}
	return 0;
}

int cg_read_pids(int dir_fd, int *pids, int max, struct err *e)
{
	char buf[65536];
	_cleanup_close_ int fd = openat(dir_fd, "cgroup.procs", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (e)
			err_sys(e, errno, "cannot open cgroup.procs");
		return -1;
	}
	int count = 0;
	char carry[16];
	size_t carry_len = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;
			if (e)
				err_sys(e, saved, "cannot read cgroup.procs");
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				carry[carry_len] = '\0';
				if (carry_len && count < max)
					pids[count] = atoi(carry);
				if (carry_len)
					count++;
				carry_len = 0;
			} else if (carry_len < sizeof carry - 1) {
				carry[carry_len++] = buf[i];
			}
		}
	}
	return count;
}

/* Groups the workload made inside its own (a container runtime, systemd --user, anything that
 * uses delegation) are part of it: listing, killing and removal walk the whole subtree. A
 * subtree deeper than this is not a workload's doing. */
#define CG_TREE_DEPTH 32

static int tree_pids(int dir_fd, int *pids, int max, int depth, struct err *e)
{
	int n = cg_read_pids(dir_fd, pids, max, e);
	if (n < 0)
		return -1;
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return n;
	}
	struct dirent *de;
	while (depth < CG_TREE_DEPTH && (de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		int cfd = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfd < 0)
			continue;
		/* A group that vanished since readdir holds nothing: not a failure. */
		int m = tree_pids(cfd, pids + (n < max ? n : max), n < max ? max - n : 0, depth + 1, NULL);
		close(cfd);
		if (m > 0)
			n += m;
	}
	closedir(d);
	return n;
}

int cg_tree_pids(int dir_fd, int *pids, int max, struct err *e)
{
	return tree_pids(dir_fd, pids, max, 0, e);
}

/* rmdir can fail with EBUSY for a moment after the last task left (v1 memory and pids release
 * their state asynchronously). Retry for up to ~2 s. */
static int rmdir_retry(int parent_fd, const char *name, struct err *e)
{
	uint64_t pause = 100000;
	int tries = 0;
	while (unlinkat(parent_fd, name, AT_REMOVEDIR) < 0) {
		if (errno == ENOENT)
			return 0;
		if (errno != EBUSY || ++tries > 40)
			return err_sys(e, errno, "cannot remove %s", name);
		sleep_ns(pause);
		if (pause < 50000000)
			pause *= 2;
	}
	return 0;
}

/* Remove every group below dir_fd, deepest first; the first failure is the one reported. */
static int remove_children(int dir_fd, int depth, struct err *e)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return saved == ENOENT ? 0 : err_sys(e, saved, "cannot list the groups inside");
	}
	int rc = 0;
	struct err later;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (depth >= CG_TREE_DEPTH) {
			rc = err_code(e, ELOOP, "groups nested too deep");
			break;
		}
		int cfd = openat(dir_fd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cfd >= 0) {
			int r = remove_children(cfd, depth + 1, rc ? &later : e);
			close(cfd);
			if (r < 0 && rc == 0)
				rc = err_wrap(e, "%s", de->d_name);
		}
		if (rmdir_retry(dir_fd, de->d_name, rc ? &later : e) < 0)
			rc = -1;
	}
	closedir(d);
	return rc;
}

bool cg_is_empty(const struct cgroup *cg)
{
	int pid;
	for (int i = 0; i < cg->ndirs; i++)
		if (cg_tree_pids(cg->dirs[i].fd, &pid, 1, NULL) > 0)
			return false;
	return true;
}

int cg_wait_empty(const struct cgroup *cg, uint64_t timeout_ns, struct err *e)
{
	uint64_t deadline = now_ns() + timeout_ns, pause = 50000;
	while (!cg_is_empty(cg)) {
		if (now_ns() > deadline) {
			if (e)
				err_code(e, ETIMEDOUT, "processes are still alive after being killed");
			return -1;
		}
		sleep_ns(pause);
		if (pause < 10000000)
			pause *= 2;
	}
	return 0;
}

int cg_kill_all(struct cgroup *cg, struct err *e)
{
	/* A quota left in place throttles the dying tasks' exit paths: with 100 tasks under 50%
	 * teardown takes about twice as long. Lift it first; errors here only cost time. */
	if (cg_has_controller(cg->sys, CTRL_CPU) && cg_fd(cg, CTRL_CPU) >= 0) {
		struct err ignored;
		cg->ops->set_limit(cg, LIMIT_CPU_MAX, UNITS_MAX, &ignored);
	}
	return cg->ops->kill_all(cg, e);
}

void cg_read_stats(struct cgroup *cg, struct cg_stats *st)
{
	cg_read_stats_some(cg, st, STATS_ALL);
}

void cg_read_stats_some(struct cgroup *cg, struct cg_stats *st, unsigned what)
{
	*st = (struct cg_stats){ .mem_max = UNITS_MAX, .pids_max = UNITS_MAX };
	cg->ops->read_stats(cg, st, what);
}

int cg_freeze(struct cgroup *cg, bool frozen, struct err *e)
{
	return cg->ops->freeze(cg, frozen, e);
}

/* Descriptors are handed out lowest first, so a high number means the process is close to its
 * limit: such a file is read and closed rather than kept, so that thousands of groups (2000
 * under busybox init's hard limit of 4096) still leave descriptors for new groups and events. */
static bool near_fd_limit(int fd)
{
	static long limit;
	if (!limit) {
		struct rlimit rl;
		limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 1 << 20;
	}
	return fd >= limit - 512;
}

ssize_t cg_pread(struct cgroup *cg, enum cg_file_slot slot, enum cg_ctrl ctrl, const char *file,
		 char *buf, size_t size, struct err *e)
{
	if (cg->file_fd[slot] == 0) {
		int dfd = cg_fd(cg, ctrl);
		int fd = dfd >= 0 ? openat(dfd, file, O_RDONLY | O_CLOEXEC) : -1;
		if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
			if (e)
				err_sys(e, errno, "%s", file);
			return -1; /* not absent: out of descriptors now */
		}
		/* fd 0 is stdin in practice; store absent files as -1. */
		cg->file_fd[slot] = fd > 0 ? fd : -1;
	}
	if (cg->file_fd[slot] < 0) {
		if (e)
			err_code(e, ENOENT, "%s: this kernel or group has no such file", file);
		return -1;
	}
	ssize_t n = pread(cg->file_fd[slot], buf, size - 1, 0);
	int saved = errno;
	/* Limits and the freezer state are read now and then (their inotify watches say when):
	 * not kept open, so that a group costs 4 descriptors less (1000 groups on v1 stay below
	 * a 20000 descriptor limit, bench/results.md). An absent file stays known as absent. */
	if (slot == F_MEM_MAX || slot == F_PIDS_MAX || slot == F_CPU_MAX || slot == F_CPU_PERIOD || slot == F_FREEZE ||
	    near_fd_limit(cg->file_fd[slot])) {
		close(cg->file_fd[slot]);
		cg->file_fd[slot] = 0;
	}
	if (n < 0) {
		if (e)
			err_sys(e, saved, "cannot read %s", file);
		return -1;
	}
	buf[n] = '\0';
	return n;
}

/* A cgroupfs number: decimal, or "max" (UNITS_MAX). */
static int parse_u64(const char *buf, const char *file, uint64_t *out, struct err *e)
{
	if (strncmp(buf, "max", 3) == 0) {
		*out = UNITS_MAX;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long v = strtoull(buf, &end, 10);
	if (errno || end == buf) {
		if (e)
			err_code(e, EINVAL, "%s: \"%.20s\" is not a number", file, buf);
		return -1;
	}
	*out = v;
	return 0;
}

int cg_pread_u64(struct cgroup *cg, enum cg_file_slot slot, enum cg_ctrl ctrl, const char *file,
		 uint64_t *out, struct err *e)
{
	char buf[64];
	if (cg_pread(cg, slot, ctrl, file, buf, sizeof buf, e) < 0)
		return -1;
	return parse_u64(buf, file, out, e);
}

int cg_remove(struct cgroup *cg, struct err *e)
{
	int rc = 0;
	for (int i = 0; i < F_SLOTS; i++)
		if (cg->file_fd[i] > 0) {
			close(cg->file_fd[i]);
			cg->file_fd[i] = 0;
		}
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		struct err here;
		int r = 0;
		if (d->fd >= 0) {
			r = remove_children(d->fd, 0, &here);
			close(d->fd);
			d->fd = -1;
			if (r < 0)
				err_wrap(&here, "%s", d->path);
		}
		if (r == 0)
			r = rmdir_retry(AT_FDCWD, d->path, &here);
		if (r < 0 && rc == 0) {
			/* The first hierarchy that failed is the one named; the rest are still tried. */
			*e = here;
			rc = -1;
		}
	}
	cg->ndirs = 0;
	return rc;
}

int cg_remove_if_empty(struct cgroup *cg, struct err *e)
{
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		if (d->fd < 0)
			continue;
		if (rmdir(d->path) < 0 && errno != ENOENT)
			return err_sys(e, errno, "cannot remove %s", d->path);
		close(d->fd);
		d->fd = -1;
	}
	struct err ignored;
	return cg_remove(cg, &ignored);
}

void cg_close(struct cgroup *cg)
{
	for (int i = 0; i < F_SLOTS; i++)
		if (cg->file_fd[i] > 0) {
			close(cg->file_fd[i]);
			cg->file_fd[i] = 0;
		}
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].fd >= 0) {
			close(cg->dirs[i].fd);
			cg->dirs[i].fd = -1;
		}
}

int cg_read_u64(int dir_fd, const char *file, uint64_t *out, struct err *e)
{
	char buf[64];
	if (read_small_file_at(dir_fd, file, buf, sizeof buf, e) < 0)
		return -1;
	return parse_u64(buf, file, out, e);
}

void cg_stats_carry(struct cg_stats *st, const struct cg_stats *prev, unsigned what)
{
	if (!(what & STATS_LIMITS)) {
		st->have = (st->have & ~HAVE_FROZEN) | (prev->have & HAVE_FROZEN);
		st->mem_max = prev->mem_max;
		st->pids_max = prev->pids_max;
		st->cpu_limit_pct = prev->cpu_limit_pct;
		st->frozen = prev->frozen;
		st->io_nlim = prev->io_nlim;
		memcpy(st->io_lim, prev->io_lim, sizeof st->io_lim);
	}
	if (!(what & STATS_EVENTS)) {
		if (!(st->have & HAVE_OOM) && (prev->have & HAVE_OOM)) {
			st->oom_kills = prev->oom_kills;
			st->have |= HAVE_OOM;
		}
		if (!(st->have & HAVE_PIDS_EVENTS) && (prev->have & HAVE_PIDS_EVENTS)) {
			st->pids_refused = prev->pids_refused;
			st->have |= HAVE_PIDS_EVENTS;
		}
	}
	/* v1's operation counts come with the peaks: the last ones read, device by device. */
	if (!(st->have & HAVE_IO_OPS) && (prev->have & HAVE_IO_OPS)) {
		st->io_rios = prev->io_rios;
		st->io_wios = prev->io_wios;
		for (int i = 0; i < st->io_ndev; i++)
			for (int j = 0; j < prev->io_ndev; j++)
				if (st->io_dev[i].major == prev->io_dev[j].major && st->io_dev[i].minor == prev->io_dev[j].minor) {
					st->io_dev[i].rios = prev->io_dev[j].rios;
					st->io_dev[i].wios = prev->io_dev[j].wios;
				}
		st->have |= HAVE_IO_OPS;
	}
	if (!(what & STATS_PEAK) && (prev->have & HAVE_MEM_PEAK)) {
		st->mem_peak = prev->mem_peak > st->mem_current ? prev->mem_peak : st->mem_current;
		st->have |= HAVE_MEM_PEAK;
	}
	if (!(what & STATS_PEAK) && (prev->have & HAVE_PIDS_PEAK)) {
		st->pids_peak = prev->pids_peak > st->pids_current ? prev->pids_peak : st->pids_current;
		st->have |= HAVE_PIDS_PEAK;
	}
}

void cg_memcg_path(const struct cgroup *cg, char *out, size_t size)
{
	out[0] = '\0';
	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].ctrls & CTRL_BIT(CTRL_MEMORY)) {
			const char *mnt = cg->sys->mode == CG_V2 ? cg->sys->v2_mount : cg->sys->v1_mount[CTRL_MEMORY];
			size_t ml = strlen(mnt);
			const char *p = cg->dirs[i].path;
			str_copy(out, strncmp(p, mnt, ml) == 0 && p[ml] == '/' ? p + ml + 1 : p, size);
		}
}
