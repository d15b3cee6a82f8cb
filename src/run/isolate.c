/* Isolation (see isolate.h). Everything here runs as root, or as root of a new user namespace,
 * and in a private mount namespace: a mount made here is gone when the namespace dies, so a
 * SIGKILLed climit cannot leave one on the host. Mount targets inside a rootfs are opened
 * component by component without following symlinks, so a rootfs whose /proc or /dev points
 * at a host path cannot redirect a mount or a write onto the host. */
#define _GNU_SOURCE
#include "isolate.h"
#include "cgroup.h"
#include "registry.h"
#include "caps.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif




uint64_t iso_default_caps(void)
{
	static const int keep[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_KILL, CAP_SETGID,
				    CAP_SETUID, CAP_SETPCAP, CAP_NET_BIND_SERVICE, CAP_NET_RAW, CAP_SYS_CHROOT,
				    CAP_MKNOD, CAP_AUDIT_WRITE, CAP_SETFCAP };
	uint64_t m = 0;
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		m |= 1ull << keep[i];
	return m;
}

int iso_parse_caps(const char *list, uint64_t *out, const char **why)
{
	*out = 0;
	if (strcasecmp(list, "all") == 0) {
		*out = ~0ull;
		return 0;
	}
	char buf[1024];
	if (!list[0] || strlen(list) >= sizeof buf) {
		*why = "expected a comma-separated list of capabilities, or all";
		return -1;
	}
	const char *no_libcap = caps_load();
	if (no_libcap) {
		*why = no_libcap;
		return -1;
	}
	str_copy(buf, list, sizeof buf);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int c = caps_from_name(t);
		if (c < 0) {
			*why = "unknown capability (names as in capabilities(7), e.g. net_raw or CAP_SYS_ADMIN)";
			return -1;
		}
		*out |= 1ull << c;
	}
	if (list[0] == ',' || list[strlen(list) - 1] == ',' || strstr(list, ",,")) {
		*why = "empty capability name in the list";
		return -1;
	}
	return 0;
}

unsigned long iso_default_ns(void)
{
	return CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP;
}

static const struct {
	const char *name, *proc;
	unsigned long flag;
} ns_kinds[] = {
	{ "pid", "pid", CLONE_NEWPID },   { "mount", "mnt", CLONE_NEWNS },     { "uts", "uts", CLONE_NEWUTS },
	{ "ipc", "ipc", CLONE_NEWIPC },   { "net", "net", CLONE_NEWNET },      { "cgroup", "cgroup", CLONE_NEWCGROUP },
	{ "user", "user", CLONE_NEWUSER },
};

int iso_parse_ns(const char *list, unsigned long *out, const char **why)
{
	*out = 0;
	char buf[256];
	if (!list[0] || strlen(list) >= sizeof buf || list[0] == ',' || list[strlen(list) - 1] == ',' ||
	    strstr(list, ",,")) {
		*why = "expected a comma-separated list of pid, mount, uts, ipc, net, cgroup, user";
		return -1;
	}
	str_copy(buf, list, sizeof buf);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof ns_kinds / sizeof *ns_kinds; i++)
			if (strcmp(t, ns_kinds[i].name) == 0 || strcmp(t, ns_kinds[i].proc) == 0)
				break;
		if (i == sizeof ns_kinds / sizeof *ns_kinds) {
			*why = "unknown namespace (use pid, mount, uts, ipc, net, cgroup, user)";
			return -1;
		}
		*out |= ns_kinds[i].flag;
	}
	return 0;
}

bool iso_active(const struct iso_opts *o)
{
	return o->ns || o->rootfs || o->rootfs_tar || o->uid || o->gid || o->caps_given || o->nenv || o->cwd;
}

/* TYPE is listed in /proc/filesystems (unreadable: assume it is, the mount will tell). */
static bool have_filesystem(const char *type)
{
	char buf[4096], want[64];
	if (read_small_file("/proc/filesystems", buf, sizeof buf, NULL) < 0)
		return true;
	snprintf(want, sizeof want, "\t%s\n", type);
	return strstr(buf, want) != NULL;
}

int iso_check_support(const struct iso_opts *o, struct err *e)
{
	/* The workload sets its capabilities through libcap, loaded here, before the fork: after
	 * pivot_root it could not find the host's library. */
	if (o->caps_given || o->uid || o->gid) {
		const char *why = caps_load();
		if (why)
			return err_set(e, "--isolate: %s", why);
	}
	for (size_t i = 0; i < sizeof ns_kinds / sizeof *ns_kinds; i++) {
		if (!(o->ns & ns_kinds[i].flag))
			continue;
		char p[64];
		snprintf(p, sizeof p, "/proc/self/ns/%s", ns_kinds[i].proc);
		if (access(p, F_OK) < 0)
			return err_set(e, "--ns: %s namespaces are not available: this kernel has no %s "
					  "(built without CONFIG_%s_NS?)", ns_kinds[i].name, p,
				       ns_kinds[i].flag == CLONE_NEWNS ? "MNT" : ns_kinds[i].proc);
	}
	if (o->ns & CLONE_NEWUSER) {
		/* A normal user's --isolate/--ns gets the user namespace implicitly (cli.c). */
		const char *who = o->userns_implied ? "--isolate: a normal user's container needs a user namespace, and"
						    : "--user-ns:";
		if (read_long("/proc/sys/user/max_user_namespaces", -1) == 0)
			return err_set(e, "%s user namespaces are disabled on this host "
					  "(/proc/sys/user/max_user_namespaces is 0)", who);
		if (read_long("/proc/sys/kernel/unprivileged_userns_clone", 1) == 0 && geteuid() != 0)
			return err_set(e, "%s unprivileged user namespaces are disabled "
					  "(kernel.unprivileged_userns_clone = 0)", who);
		/* Ubuntu 23.10+: AppArmor lets only profiled programs create user namespaces. */
		if (read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 0) == 1 && geteuid() != 0)
			return err_set(e, "%s AppArmor forbids unprivileged user namespaces here "
					  "(kernel.apparmor_restrict_unprivileged_userns = 1; an AppArmor profile with "
					  "\"userns,\" for climit allows them)", who);
	}
	if ((o->overlay || o->overlay_keep) && !o->rootfs && !o->rootfs_tar)
		return err_set(e, "--overlay: needs --rootfs DIR (the image to put under the overlay)");
	if ((o->rootfs || o->rootfs_tar) && !(o->ns & CLONE_NEWNS))
		return err_set(e, "--rootfs: needs a mount namespace (--isolate, or --ns with mount)");
	if (o->hostname && !(o->ns & CLONE_NEWUTS))
		return err_set(e, "--hostname: \"%s\": needs a uts namespace (--isolate, or --ns with uts)",
			       o->hostname);
	if ((o->overlay || o->overlay_keep) && !have_filesystem("overlay")) {
		/* The module may be loadable: the kernel loads it itself (request_module) when a
		 * filesystem of that type is asked for, as by fsopen(2); no modprobe, no shell. A
		 * normal user may not fsopen: its mount inside the user namespace asks instead. */
		if (geteuid() == 0) {
			int fd = (int)syscall(SYS_fsopen, "overlay", 1 /* FSOPEN_CLOEXEC */);
			if (fd >= 0)
				close(fd);
			if (!have_filesystem("overlay"))
				return err_set(e, "--overlay: this kernel has no overlay filesystem (not in "
						  "/proc/filesystems, and the kernel could not load the module)");
		}
	}
	return 0;
}

/* ---- climit's side ---------------------------------------------------------------------- */

/* An existing directory, made absolute (the container sees it from another root). */
static int check_dir(struct err *e, const char *opt, const char *val, char *out, size_t size)
{
	struct stat st;
	if (stat(val, &st) < 0)
		return err_set(e, "%s: \"%s\": %s", opt, val, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, "%s: \"%s\": not a directory", opt, val);
	char *abs = realpath(val, NULL);
	if (!abs || strlen(abs) >= size) {
		free(abs);
		return err_set(e, "%s: \"%s\": cannot resolve the path", opt, val);
	}
	str_copy(out, abs, size);
	free(abs);
	return 0;
}

/* The overlay's upper and work directories are made in DIR and named in the mount's options by
 * path: another user who can write to DIR could put a link there and have the overlay (mounted
 * by root) write wherever it points. DIR must be the caller's and writable by nobody else, and
 * upper and work, if there, real directories of the caller's. */
static int keep_dir_is_ours(const char *given, const char *dir, struct err *e)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return err_sys(e, errno, "--overlay-keep: \"%s\"", given);
	if (st.st_uid != geteuid())
		return err_set(e, "--overlay-keep: \"%s\": owned by uid %u, not by you: its owner could plant links "
				  "in it", given, (unsigned)st.st_uid);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return err_set(e, "--overlay-keep: \"%s\": others can write to it (mode %04o): they could plant links "
				  "in it", given, (unsigned)(st.st_mode & 07777));
	static const char *const sub[] = { "upper", "work" };
	for (int i = 0; i < 2; i++) {
		char p[PATH_MAX + 8];
		snprintf(p, sizeof p, "%s/%s", dir, sub[i]);
		if (lstat(p, &st) < 0) {
			if (errno == ENOENT)
				continue;
			return err_sys(e, errno, "--overlay-keep: \"%s\"", p);
		}
		if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			return err_set(e, "--overlay-keep: \"%s\": %s, not a directory of yours", p,
				       S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "another user's" : "a file");
	}
	return 0;
}

int iso_resolve_paths(struct iso_opts *o, struct err *e)
{
	static char rootfs_abs[PATH_MAX], keep_abs[PATH_MAX];
	if (o->rootfs) {
		if (check_dir(e, "--rootfs", o->rootfs, rootfs_abs, sizeof rootfs_abs) < 0)
			return -1;
		if (strcmp(rootfs_abs, "/") == 0)
			return err_set(e, "--rootfs: \"%s\": is the host's own root (leave --rootfs out for that)", o->rootfs);
		o->rootfs = rootfs_abs;
	}
	if (o->overlay_keep) {
		if (check_dir(e, "--overlay-keep", o->overlay_keep, keep_abs, sizeof keep_abs) < 0 ||
		    keep_dir_is_ours(o->overlay_keep, keep_abs, e) < 0)
			return -1;
		o->overlay_keep = keep_abs;
	}
	if (o->rootfs_tar) {
		struct stat st;
		if (stat(o->rootfs_tar, &st) < 0 || (S_ISREG(st.st_mode) && access(o->rootfs_tar, R_OK) < 0))
			return err_set(e, "--rootfs-tar: \"%s\": %s", o->rootfs_tar, strerror(errno));
		if (!S_ISREG(st.st_mode))
			return err_set(e, "--rootfs-tar: \"%s\": not a regular file", o->rootfs_tar);
	}
	return 0;
}

int iso_prepare(struct iso_opts *o, const char *name, struct err *e)
{
	o->staging[0] = o->tar_root[0] = '\0';
	if (o->rootfs_tar) {
		const char *tmp = getenv("TMPDIR");
		snprintf(o->tar_root, sizeof o->tar_root, "%s/climit-%s-XXXXXX", tmp && tmp[0] == '/' ? tmp : "/var/tmp",
			 name);
		if (!mkdtemp(o->tar_root)) {
			int saved = errno;
			o->tar_root[0] = '\0';
			return err_sys(e, saved, "--rootfs-tar: cannot create a temporary directory");
		}
		/* tar's input is /dev/null, never climit's own (a terminal, a pipe of the caller's). */
		int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull < 0) {
			int saved = errno;
			iso_cleanup(o);
			return err_sys(e, saved, "--rootfs-tar: cannot open /dev/null for tar's input");
		}
		pid_t pid = fork();
		if (pid == 0) {
			if (dup2(devnull, 0) < 0)
				_exit(126);
			execlp("tar", "tar", "-x", "-f", o->rootfs_tar, "-C", o->tar_root, "--numeric-owner", (char *)NULL);
			_exit(127);
		}
		close(devnull);
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			iso_cleanup(o);
			return err_set(e, "--rootfs-tar: \"%s\": tar could not unpack it (exit %d)", o->rootfs_tar,
				       WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
		o->rootfs = o->tar_root;
	}
	if (o->rootfs && (o->overlay || o->overlay_keep)) {
		snprintf(o->staging, sizeof o->staging, "%s/.%s-XXXXXX", registry_dir(), name);
		if (!mkdtemp(o->staging)) {
			int saved = errno;
			o->staging[0] = '\0';
			iso_cleanup(o);
			return err_sys(e, saved, "cannot create a staging directory for --overlay");
		}
	}
	return 0;
}

/* Empty the directory dfd, by descriptors: every name is removed relative to the descriptor of
 * the directory that holds it and every directory is entered with O_NOFOLLOW, so a process of
 * the container still running (a teardown that failed) that swaps a directory for a link to
 * /etc mid-walk has the walk go on in the directory it already had open, never through its
 * link. */
static void empty_dir(int dfd, int depth)
{
	int copy = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	DIR *d = copy >= 0 ? fdopendir(copy) : NULL;
	if (!d) {
		if (copy >= 0)
			close(copy);
		return;
	}
	for (struct dirent *de; (de = readdir(d));) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dfd, de->d_name, 0) == 0 || (errno != EISDIR && errno != EPERM))
			continue;
		int sub = depth < 256 ? openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
		if (sub >= 0) {
			empty_dir(sub, depth + 1);
			close(sub);
		}
		unlinkat(dfd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* Remove a tree climit made. While the dead container's mount namespace is still being torn
 * down, its mounts on this directory (the overlay's tmpfs, the rootfs bind) make rmdir fail
 * with EBUSY: retry for up to 2 s. climit mounts nothing under these directories in its own
 * namespace. */
static void remove_tree(char *path)
{
	if (!path[0])
		return;
	for (int i = 0; i < 100; i++) {
		int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			empty_dir(fd, 0);
			close(fd);
		}
		if (rmdir(path) == 0 || errno == ENOENT || errno == ENOTDIR)
			break;
		usleep(20000);
	}
	path[0] = '\0';
}

void iso_cleanup(struct iso_opts *o)
{
	remove_tree(o->staging);
	remove_tree(o->tar_root);
}

int iso_write_maps(pid_t pid, struct err *e)
{
	char path[64], line[64];
	snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
	/* setgroups is absent before Linux 3.19: nothing to deny there. */
	if (write_file(path, "deny", e) < 0 && e->errnum != ENOENT)
		return err_sys(e, e->errnum, "--user-ns: cannot write %s", path);
	snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
	snprintf(line, sizeof line, "0 %u 1", (unsigned)getuid());
	if (write_file(path, line, e) < 0)
		return err_sys(e, e->errnum, "--user-ns: cannot write %s", path);
	snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
	snprintf(line, sizeof line, "0 %u 1", (unsigned)getgid());
	if (write_file(path, line, e) < 0)
		return err_sys(e, e->errnum, "--user-ns: cannot write %s", path);
	return 0;
}

/* ---- inside the namespaces ---------------------------------------------------------------- */

/* Open (creating if asked) the directory rel under root_fd without following any symlink and
 * without leaving root: a symlinked /proc or /dev in the image is refused, not followed. */
static int safe_dir(int root_fd, const char *rel, bool create, struct err *e)
{
	char buf[PATH_MAX];
	str_copy(buf, rel, sizeof buf);
	int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return err_sys(e, errno, "rootfs: /%s", rel);
	for (char *save = NULL, *c = strtok_r(buf, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, "..") == 0 || strcmp(c, ".") == 0) {
			close(fd);
			return err_set(e, "rootfs: /%s: refusing a path with . or ..", rel);
		}
		int next = openat(fd, c, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create) {
			if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
				int saved = errno;
				close(fd);
				return err_sys(e, saved, "rootfs: cannot create /%s", rel);
			}
			next = openat(fd, c, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
		}
		if (next < 0) {
			int saved = errno;
			close(fd);
			if (saved == ELOOP || saved == ENOTDIR)
				return err_set(e, "rootfs: /%s is a symlink or not a directory; "
							  "refusing to mount there", rel);
			return err_sys(e, saved, "rootfs: /%s", rel);
		}
		close(fd);
		fd = next;
	}
	return fd;
}

static int mount_at(int root_fd, const char *rel, const char *src, const char *type, unsigned long flags,
		    const char *data, struct err *e)
{
	int fd = safe_dir(root_fd, rel, true, e);
	if (fd < 0)
		return -1;
	char target[64];
	snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
	int rc = mount(src, target, type, flags, data);
	int saved = errno;
	close(fd);
	if (rc < 0)
		return err_sys(e, saved, "cannot mount %s on /%s", type ? type : src, rel);
	return 0;
}

/* A minimal /dev on a fresh tmpfs: device nodes are bind mounts of the host's (mknod is not
 * allowed in a user namespace), plus devpts, shm and the usual symlinks. */
static int make_dev(int root_fd, struct err *e)
{
	if (mount_at(root_fd, "dev", "tmpfs", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k", e) < 0)
		return -1;
	int dev = safe_dir(root_fd, "dev", false, e);
	if (dev < 0)
		return -1;
	char devpath[64];
	snprintf(devpath, sizeof devpath, "/proc/self/fd/%d", dev);
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
		char host[64], target[128];
		snprintf(host, sizeof host, "/dev/%s", nodes[i]);
		snprintf(target, sizeof target, "%s/%s", devpath, nodes[i]);
		int f = openat(dev, nodes[i], O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666);
		if (f >= 0)
			close(f);
		if (mount(host, target, NULL, MS_BIND, NULL) < 0) {
			int saved = errno;
			close(dev);
			return err_sys(e, saved, "cannot bind %s into the container", host);
		}
	}
	if (mkdirat(dev, "pts", 0755) < 0 || mkdirat(dev, "shm", 01777) < 0) {
		int saved = errno;
		close(dev);
		return err_sys(e, saved, "cannot create /dev/pts or /dev/shm");
	}
	char target[128];
	snprintf(target, sizeof target, "%s/pts", devpath);
	if (mount("devpts", target, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0) {
		int saved = errno;
		close(dev);
		return err_sys(e, saved, "cannot mount devpts on /dev/pts");
	}
	snprintf(target, sizeof target, "%s/shm", devpath);
	if (mount("shm", target, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=65536k") < 0) {
		int saved = errno;
		close(dev);
		return err_sys(e, saved, "cannot mount /dev/shm");
	}
	int ok = symlinkat("pts/ptmx", dev, "ptmx") | symlinkat("/proc/self/fd", dev, "fd") |
		 symlinkat("/proc/self/fd/0", dev, "stdin") | symlinkat("/proc/self/fd/1", dev, "stdout") |
		 symlinkat("/proc/self/fd/2", dev, "stderr");
	int saved = errno;
	close(dev);
	return ok < 0 ? err_sys(e, saved, "cannot create the /dev symlinks") : 0;
}

/* /sys/fs/cgroup inside: read-only, and (with a cgroup namespace) rooted at the container's
 * own group. v2: one cgroup2 mount. v1: a read-only tmpfs with the host's hierarchies.
 * replace: rel already holds the host's cgroup mounts (no --rootfs); they are detached. */
/* The host's cgroup hierarchies, as make_cgroupfs mounts them again. */
struct host_cgroups {
	char v1[16][128]; /* each v1 hierarchy's controller options (and name=...) */
	int nv1;
	bool v2, v1_any;
};

static int note_cgroup_mount(const struct cg_mount *m, void *arg)
{
	struct host_cgroups *h = arg;
	if (strcmp(m->fstype, "cgroup2") == 0)
		h->v2 = true;
	if (strcmp(m->fstype, "cgroup") != 0 || h->nv1 >= 16)
		return 0;
	h->v1_any = true;
	/* Keep the controller options (and name=...), drop rw/ro and the rest. */
	char keep[128] = "";
	for (char *save = NULL, *o = strtok_r(m->superopts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strcmp(o, "rw") == 0 || strcmp(o, "ro") == 0 || strncmp(o, "release_agent", 13) == 0 ||
		    strcmp(o, "clone_children") == 0 || strcmp(o, "noprefix") == 0 || strcmp(o, "xattr") == 0)
			continue;
		if (strlen(keep) + strlen(o) + 2 < sizeof keep) {
			if (keep[0])
				strcat(keep, ",");
			strcat(keep, o);
		}
	}
	if (keep[0])
		str_copy(h->v1[h->nv1++], keep, sizeof h->v1[0]);
	return 0;
}

static int make_cgroupfs(int root_fd, const char *rel, bool replace, struct err *e)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char *text = cg_read_mountinfo(e);
	if (!text)
		return -1;
	struct host_cgroups h = { .nv1 = 0 };
	cg_mountinfo_each(text, note_cgroup_mount, &h);
	free(text);
	int nv1 = h.nv1;
	bool v2 = h.v2, v1_any = h.v1_any;
	/* On the host's tree, its cgroup mounts go first (in this namespace only): cgroup2 cannot
	 * be mounted again on top of itself (EBUSY), and the view must be the new one. */
	if (replace) {
		char abs[PATH_MAX];
		snprintf(abs, sizeof abs, "/%s", rel);
		while (umount2(abs, MNT_DETACH) == 0)
			;
	}
	if (!v1_any) {
		if (!v2)
			return 0;
		/* In a user namespace the host's cgroup2 mount is locked and stays: a cgroup2 on the
		 * same point would be the same filesystem on itself (EBUSY). A small tmpfs between
		 * them makes it a new mount point. */
		if (replace && mount_at(root_fd, rel, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755,size=4k", e) < 0)
			return -1;
		return mount_at(root_fd, rel, "cgroup2", "cgroup2", ro, NULL, e);
	}
	if (mount_at(root_fd, rel, "tmpfs", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755", e) < 0)
		return -1;
	for (int i = 0; i < nv1; i++) {
		char sub[PATH_MAX];
		const char *dir = strncmp(h.v1[i], "name=", 5) == 0 ? h.v1[i] + 5 : h.v1[i];
		snprintf(sub, sizeof sub, "%s/%s", rel, dir);
		if (mount_at(root_fd, sub, "cgroup", "cgroup", ro, h.v1[i], e) < 0)
			return -1;
	}
	if (v2) {
		char sub[PATH_MAX];
		snprintf(sub, sizeof sub, "%s/unified", rel);
		if (mount_at(root_fd, sub, "cgroup2", "cgroup2", ro, NULL, e) < 0)
			return -1;
	}
	int fd = safe_dir(root_fd, rel, false, e);
	if (fd < 0)
		return -1;
	char target[64];
	snprintf(target, sizeof target, "/proc/self/fd/%d", fd);
	int rc = mount(NULL, target, NULL, MS_REMOUNT | ro, "mode=755");
	int saved = errno;
	close(fd);
	return rc < 0 ? err_sys(e, saved, "cannot make /%s read-only", rel) : 0;
}

static void loopback_up(void)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return;
	struct ifreq ifr = { 0 };
	str_copy(ifr.ifr_name, "lo", sizeof ifr.ifr_name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
}

int iso_setup(const struct iso_opts *o, struct err *e)
{
	if ((o->ns & CLONE_NEWCGROUP) && unshare(CLONE_NEWCGROUP) < 0)
		return err_sys(e, errno, "cannot create a cgroup namespace");
	if (o->hostname && sethostname(o->hostname, strlen(o->hostname)) < 0)
		return err_sys(e, errno, "--hostname: \"%s\"", o->hostname);
	if (o->ns & CLONE_NEWNET)
		loopback_up();
	if (!(o->ns & CLONE_NEWNS))
		return 0;
	/* Nothing mounted from here on propagates back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return err_sys(e, errno, "cannot make the mount namespace private");
	const unsigned long nsd = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (!o->rootfs) {
		/* The host's tree, with this namespace's own /proc and cgroup view. */
		if ((o->ns & CLONE_NEWPID) && mount("proc", "/proc", "proc", nsd, NULL) < 0)
			return err_sys(e, errno, "cannot mount a fresh /proc");
		if (o->ns & CLONE_NEWCGROUP) {
			int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
			int rc = make_cgroupfs(root, "sys/fs/cgroup", true, e);
			close(root);
			if (rc < 0)
				return -1;
		}
		return 0;
	}
	char newroot[PATH_MAX];
	if (o->overlay || o->overlay_keep) {
		char base[PATH_MAX], upper[PATH_MAX + 8], work[PATH_MAX + 8], data[3 * PATH_MAX + 64];
		if (o->overlay_keep) {
			str_copy(base, o->overlay_keep, sizeof base);
			str_copy(newroot, o->staging, sizeof newroot);
		} else {
			if (mount("tmpfs", o->staging, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") < 0)
				return err_sys(e, errno, "cannot mount a tmpfs for the overlay's upper layer");
			str_copy(base, o->staging, sizeof base);
			snprintf(newroot, sizeof newroot, "%s/merged", o->staging);
			if (mkdir(newroot, 0755) < 0 && errno != EEXIST)
				return err_sys(e, errno, "--overlay: cannot create %s", newroot);
		}
		snprintf(upper, sizeof upper, "%s/upper", base);
		snprintf(work, sizeof work, "%s/work", base);
		if ((mkdir(upper, 0755) < 0 && errno != EEXIST) || (mkdir(work, 0755) < 0 && errno != EEXIST))
			return err_sys(e, errno, "--overlay: cannot create %s/upper and work", base);
		snprintf(data, sizeof data, "lowerdir=%s,upperdir=%s,workdir=%s", o->rootfs, upper, work);
		/* In a user namespace (5.11+) overlayfs keeps its metadata in user.* xattrs: the
		 * trusted.* ones need root in the initial namespace. Kernels or upper filesystems
		 * without it (tmpfs before 6.6) mount without the option, with fewer features. */
		int r = -1;
		if (o->ns & CLONE_NEWUSER) {
			size_t len = strlen(data);
			snprintf(data + len, sizeof data - len, ",userxattr");
			r = mount("overlay", newroot, "overlay", 0, data);
			if (r < 0)
				data[len] = '\0';
		}
		if (r < 0 && mount("overlay", newroot, "overlay", 0, data) < 0)
			return err_sys(e, errno, "--overlay: cannot mount overlay (%s)", data);
	} else {
		str_copy(newroot, o->rootfs, sizeof newroot);
		/* pivot_root needs a mount point. */
		if (mount(newroot, newroot, NULL, MS_BIND | MS_REC, NULL) < 0)
			return err_sys(e, errno, "--rootfs: cannot bind %s", newroot);
	}
	int root = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return err_sys(e, errno, "--rootfs: %s", newroot);
	int rc = -1;
	if ((o->ns & CLONE_NEWPID ? mount_at(root, "proc", "proc", "proc", nsd, NULL, e)
				  : mount_at(root, "proc", "/proc", NULL, MS_BIND | MS_REC, NULL, e)) < 0)
		goto out;
	if (make_dev(root, e) < 0)
		goto out;
	/* A new sysfs shows the new network namespace; without one (--share-net, or sysfs refused
	 * in a user namespace), bind the host's and make it read-only. */
	if (mount_at(root, "sys", "sysfs", "sysfs", nsd | MS_RDONLY, NULL, e) < 0) {
		if (mount_at(root, "sys", "/sys", NULL, MS_BIND | MS_REC, NULL, e) < 0)
			goto out;
		int sys = safe_dir(root, "sys", false, e);
		char t[64];
		snprintf(t, sizeof t, "/proc/self/fd/%d", sys);
		int r = mount(NULL, t, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | nsd, NULL);
		close(sys);
		if (r < 0) {
			err_sys(e, errno, "cannot make /sys read-only");
			goto out;
		}
	}
	if (make_cgroupfs(root, "sys/fs/cgroup", false, e) < 0)
		goto out;
	if (fchdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0) {
		err_sys(e, errno, "--rootfs: pivot_root into %s", o->rootfs);
		goto out;
	}
	/* The old root is stacked under the new one: detach it, so the host's tree is gone. */
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0) {
		err_sys(e, errno, "--rootfs: cannot detach the old root");
		goto out;
	}
	rc = 0;
out:
	close(root);
	return rc;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Without close_range's CLOEXEC flag (before 5.11): every descriptor open, as /proc/self/fd
 * lists them, or else every number below the descriptor limit (one opened before the limit was
 * lowered can be above it: the hard limit then, at most 1M). */
static void cloexec_all_from(int lowest)
{
	DIR *d = opendir("/proc/self/fd");
	if (d) {
		int self = dirfd(d);
		for (struct dirent *de; (de = readdir(d));) {
			int fd = atoi(de->d_name);
			if (fd >= lowest && fd != self)
				fcntl(fd, F_SETFD, FD_CLOEXEC);
		}
		closedir(d);
		return;
	}
	struct rlimit rl;
	long top = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY ? (long)rl.rlim_max : 1L << 20;
	for (long fd = lowest; fd < top && fd < 1L << 20; fd++)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

int iso_enter(const struct iso_opts *o, struct err *e)
{
	/* Nothing of climit's, nor of its caller's, past stderr: closed at exec. */
	if (o->ns && syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		cloexec_all_from(3);
	for (int i = 0; i < o->nenv; i++)
		if (putenv((char *)o->env[i]) != 0)
			return err_sys(e, errno, "--env: \"%s\"", o->env[i]);
	if (o->cwd && chdir(o->cwd) < 0)
		return err_sys(e, errno, "--cwd: \"%s\"", o->cwd);
	uid_t uid = 0;
	gid_t gid = 0;
	bool set_uid = false, set_gid = false;
	if (o->uid) {
		if (all_digits(o->uid)) {
			uid = (uid_t)strtoul(o->uid, NULL, 10);
		} else {
			/* Looked up in the container's /etc/passwd, like docker run -u NAME. */
			struct passwd *pw = getpwnam(o->uid);
			if (!pw)
				return err_set(e, "--uid: \"%s\": no such user%s", o->uid,
					    o->rootfs ? " in the container's /etc/passwd" : "");
			uid = pw->pw_uid;
			if (!o->gid) {
				gid = pw->pw_gid;
				set_gid = true;
			}
		}
		set_uid = true;
	}
	if (o->gid) {
		if (all_digits(o->gid)) {
			gid = (gid_t)strtoul(o->gid, NULL, 10);
		} else {
			struct group *gr = getgrnam(o->gid);
			if (!gr)
				return err_set(e, "--gid: \"%s\": no such group", o->gid);
			gid = gr->gr_gid;
		}
		set_gid = true;
	}
	bool dropping = set_uid || set_gid || o->caps_given;
	if (!dropping)
		return 0;
	uint64_t keep = o->caps_given ? o->caps : ~0ull;
	int which = -1;
	/* The bounding set limits what any later exec (a setuid binary included) can get. */
	if (caps_drop_bound(keep, &which) < 0)
		return err_sys(e, errno, "cannot drop capability %s", caps_name(which));
	if (set_uid && uid != 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_sys(e, errno, "--uid: cannot keep capabilities across the switch to user %u", (unsigned)uid);
	if (set_gid) {
		if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0)
			return err_sys(e, errno, "--gid: cannot switch to group %u", (unsigned)gid);
	} else if (set_uid && setgroups(0, NULL) < 0) {
		return err_sys(e, errno, "--uid: cannot drop supplementary groups");
	}
	if (set_uid && setresuid(uid, uid, uid) < 0)
		return err_sys(e, errno, "--uid: cannot switch to user %u", (unsigned)uid);
	/* Effective, permitted and inheritable = what is kept; a non-root user keeps them across
	 * exec through the ambient set. */
	uint64_t have = keep;
	if (set_uid && uid != 0)
		have = keep & o->caps_added; /* an ordinary user, plus what --cap-add asked for */
	if (caps_set(have, &which) < 0)
		return err_sys(e, errno, "cannot set the capability sets");
	if (set_uid && uid != 0 && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return err_sys(e, errno, "--uid: cannot clear keep-capabilities");
	if (set_uid && uid != 0 && caps_raise_ambient(have, &which) < 0)
		return err_sys(e, errno, "cannot keep capability %s", caps_name(which));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_sys(e, errno, "cannot set no_new_privs");
	return 0;
}
