/* Fault injection for tests (LD_PRELOAD): CLIMIT_FAULT names one call that fails with EMFILE
 * (signalfd, timerfd_create, inotify_init1, sigprocmask) or "report": a write of exactly the
 * size of climit's child error report fails with ENOMEM, as it does when the pipe's buffer page
 * cannot be charged to a full memory cgroup; or procsN / write:FILE / absent:FILES (see openat
 * below), or one of the calls below: mkdir:NAME, dupfd3, keepcaps, close_range, pidreuse:PID, quitwait, swapdir:DIR:VICTIM. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int faulty(const char *call)
{
	const char *f = getenv("CLIMIT_FAULT");
	return f && strcmp(f, call) == 0;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

int signalfd(int fd, const sigset_t *mask, int flags)
{
	if (faulty("signalfd"))
		return errno = EMFILE, -1;
	return REAL(signalfd)(fd, mask, flags);
}

int timerfd_create(int clockid, int flags)
{
	if (faulty("timerfd_create"))
		return errno = EMFILE, -1;
	return REAL(timerfd_create)(clockid, flags);
}

int inotify_init1(int flags)
{
	if (faulty("inotify_init1"))
		return errno = EMFILE, -1;
	return REAL(inotify_init1)(flags);
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	if (faulty("sigprocmask"))
		return errno = EINVAL, -1;
	return REAL(sigprocmask)(how, set, old);
}

/* "netlink": an audit netlink socket cannot be had (no CAP_AUDIT_READ, as in a container). */
int socket(int domain, int type, int protocol)
{
	if (faulty("netlink") && domain == AF_NETLINK)
		return errno = EPERM, -1;
	return REAL(socket)(domain, type, protocol);
}

/* "killstate:FILE": each kill() with a signal other than 0 and SIGKILL appends FILE's content
 * at that moment (a freezer state) to $CLIMIT_FAULT_LOG. */
int kill(pid_t pid, int sig)
{
	const char *f = getenv("CLIMIT_FAULT"), *log = getenv("CLIMIT_FAULT_LOG");
	if (f && log && strncmp(f, "killstate:", 10) == 0 && sig != 0 && sig != SIGKILL) {
		char buf[512] = "";
		int fd = REAL(open)(f + 10, O_RDONLY), lfd = REAL(open)(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
		if (n > 0) {
			buf[n] = '\0';
			for (char *p = buf; *p; p++)
				if (*p == '\n')
					*p = ' ';
			(void)!REAL(write)(lfd, buf, strlen(buf));
			(void)!REAL(write)(lfd, "\n", 1);
		}
		if (fd >= 0)
			close(fd);
		if (lfd >= 0)
			close(lfd);
	}
	return REAL(kill)(pid, sig);
}

/* Is PATH, opened for reading, one of "absent:A,B"'s names? */
static int absent(const char *path, int flags)
{
	const char *f = getenv("CLIMIT_FAULT");
	if (!f || strncmp(f, "absent:", 7) != 0 || (flags & (O_WRONLY | O_RDWR)))
		return 0;
	size_t len = strlen(path);
	for (const char *p = f + 7; *p;) {
		size_t n = strcspn(p, ",");
		if (n == len && strncmp(p, path, n) == 0)
			return 1;
		p += n + (p[n] == ',');
	}
	return 0;
}

/* "pidreuse:PID": before the first write of a PID into a group, PID is killed, and once it is
 * gone a child (sleep 60) is forked with that same PID (ns_last_pid, root): the race of a
 * process that exits and a newcomer that takes its number, between climit's check and its
 * move. The newcomer's PID goes to $CLIMIT_FAULT_LOG. */
static void reuse_pid(const char *f)
{
	static int done;
	if (done++)
		return;
	pid_t pid = atoi(f + 9);
	REAL(kill)(pid, SIGKILL);
	for (int i = 0; i < 2000 && REAL(kill)(pid, 0) == 0; i++)
		usleep(1000);
	for (int i = 0; i < 50; i++) {
		int fd = REAL(open)("/proc/sys/kernel/ns_last_pid", O_WRONLY);
		char num[16];
		int len = snprintf(num, sizeof num, "%d", (int)pid - 1);
		if (fd < 0 || REAL(write)(fd, num, (size_t)len) < 0)
			return;
		close(fd);
		pid_t c = fork();
		if (c == 0) {
			sigset_t none;
			sigemptyset(&none);
			REAL(sigprocmask)(SIG_SETMASK, &none, NULL);
			int null = REAL(open)("/dev/null", O_RDWR);
			for (int fd = 0; fd < 3; fd++)
				dup2(null, fd);
			execlp("sleep", "sleep", "60", (char *)NULL);
			_exit(127);
		}
		if (c == pid) {
			const char *log = getenv("CLIMIT_FAULT_LOG");
			int lfd = log ? REAL(open)(log, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
			len = snprintf(num, sizeof num, "%d\n", (int)c);
			if (lfd >= 0) {
				(void)!REAL(write)(lfd, num, (size_t)len);
				close(lfd);
			}
			return;
		}
		if (c > 0) {
			REAL(kill)(c, SIGKILL);
			waitpid(c, NULL, 0);
		}
	}
}

/* "procsN": the Nth open of a cgroup.procs for writing fails with EACCES. */
int openat(int dirfd, const char *path, int flags, ...)
{
	static int n;
	const char *f = getenv("CLIMIT_FAULT");
	if (f && strncmp(f, "pidreuse:", 9) == 0 && (flags & O_WRONLY) &&
	    (strcmp(path, "cgroup.procs") == 0 || strcmp(path, "tasks") == 0))
		reuse_pid(f);
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (f && strncmp(f, "procs", 5) == 0 && strcmp(path, "cgroup.procs") == 0 && (flags & O_WRONLY) &&
	    ++n == atoi(f + 5))
		return errno = EACCES, -1;
	/* "write:FILE": opening FILE (a name relative to a group's directory) for writing fails
	 * with EACCES, as a kernel refusal of one limit would; "write:FILE#N": only the Nth time. */
	static int writes;
	if (f && strncmp(f, "write:", 6) == 0 && (flags & O_WRONLY)) {
		const char *hash = strchr(f + 6, '#');
		size_t len = hash ? (size_t)(hash - (f + 6)) : strlen(f + 6);
		if (strlen(path) == len && strncmp(path, f + 6, len) == 0 && (!hash || ++writes == atoi(hash + 1)))
			return errno = EACCES, -1;
	}
	/* "absent:A,B": reading the files A and B (names in a group's directory) fails with ENOENT,
	 * as on a kernel without them. */
	if (absent(path, flags))
		return errno = ENOENT, -1;
	return REAL(openat)(dirfd, path, flags, mode);
}

/* absent:FILES also for open(2) by absolute path ("absent:/dev/null"). */
int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	if (path[0] == '/' && absent(path, flags))
		return errno = ENOENT, -1;
	return REAL(open)(path, flags, mode);
}

/* "mkdir:NAME": creating a directory whose last component is NAME fails with EACCES. */
int mkdir(const char *path, mode_t mode)
{
	const char *f = getenv("CLIMIT_FAULT"), *slash = strrchr(path, '/');
	if (f && strncmp(f, "mkdir:", 6) == 0 && strcmp(slash ? slash + 1 : path, f + 6) == 0)
		return errno = EACCES, -1;
	return REAL(mkdir)(path, mode);
}

/* "dupfd3": dup() and fcntl(F_DUPFD_CLOEXEC, 3) fail with EMFILE (the table full). */
int dup(int fd)
{
	if (faulty("dupfd3"))
		return errno = EMFILE, -1;
	return REAL(dup)(fd);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	va_start(ap, cmd);
	long arg = va_arg(ap, long);
	va_end(ap);
	if (cmd == F_DUPFD_CLOEXEC && arg == 3 && faulty("dupfd3"))
		return errno = EMFILE, -1;
	return REAL(fcntl)(fd, cmd, arg);
}

/* "keepcaps": prctl(PR_SET_KEEPCAPS) fails with EPERM (a securebit locked by the caller). */
int prctl(int option, ...)
{
	va_list ap;
	va_start(ap, option);
	unsigned long a[4];
	for (int i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_KEEPCAPS && faulty("keepcaps"))
		return errno = EPERM, -1;
	return REAL(prctl)(option, a[0], a[1], a[2], a[3]);
}

/* "close_range": the close_range syscall is missing (ENOSYS, a kernel before 5.9). */
long syscall(long n, ...)
{
	va_list ap;
	va_start(ap, n);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (n == SYS_close_range && faulty("close_range"))
		return errno = ENOSYS, -1;
	return REAL(syscall)(n, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* "quitwait": a wait of over a second (poll or ppoll, climit top's refresh) gets SIGTERM raised
 * just before it starts, once: a quit signal that comes between the check of the quit flag and
 * the wait. */
static int quit_now(long ms)
{
	static int done;
	return ms > 1000 && faulty("quitwait") && !done++ ? raise(SIGTERM), 1 : 0;
}

int poll(struct pollfd *fds, nfds_t n, int ms)
{
	quit_now(ms);
	return REAL(poll)(fds, n, ms);
}

int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *ts, const sigset_t *mask)
{
	quit_now(ts ? ts->tv_sec * 1000 + ts->tv_nsec / 1000000 : 1000000);
	return REAL(ppoll)(fds, n, ts, mask);
}

/* "swapdir:DIR:VICTIM": at the first removal of a file, the directory d of each DIR/climit-NAME (an unpacked
 * --rootfs-tar under TMPDIR=DIR) is moved aside and a link to VICTIM put in its place, as a
 * process still running in the container could do while climit removes the tree. */
static void swap_dir(int dfd, const char *path)
{
	static int done;
	const char *f = getenv("CLIMIT_FAULT");
	if (!f || strncmp(f, "swapdir:", 8) != 0 || done)
		return;
	/* Only once the walk is inside d: its first file's removal. */
	char where[1100] = "";
	if (dfd != AT_FDCWD) {
		char link[64];
		snprintf(link, sizeof link, "/proc/self/fd/%d", dfd);
		ssize_t n = readlink(link, where, sizeof where - 1);
		where[n > 0 ? n : 0] = '\0';
		size_t len = strlen(where);
		if (len < 2 || strcmp(where + len - 2, "/d") != 0)
			return;
	} else if (!strstr(path, "/d/")) {
		return;
	}
	done = 1;
	char dir[512], victim[512];
	const char *colon = strchr(f + 8, ':');
	if (!colon)
		return;
	snprintf(dir, sizeof dir, "%.*s", (int)(colon - (f + 8)), f + 8);
	snprintf(victim, sizeof victim, "%s", colon + 1);
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		if (strncmp(de->d_name, "climit-", 7) != 0)
			continue;
		char from[1100], to[1100];
		snprintf(from, sizeof from, "%s/%s/d", dir, de->d_name);
		snprintf(to, sizeof to, "%s/%s/d.moved", dir, de->d_name);
		if (rename(from, to) == 0)
			(void)!symlink(victim, from);
	}
	if (d)
		closedir(d);
}

int unlink(const char *path)
{
	swap_dir(AT_FDCWD, path);
	return REAL(unlink)(path);
}

int unlinkat(int dfd, const char *path, int flags)
{
	swap_dir(dfd, path);
	return REAL(unlinkat)(dfd, path, flags);
}

int rmdir(const char *path)
{
	swap_dir(AT_FDCWD, path);
	return REAL(rmdir)(path);
}

/* struct child_error in src/launch.c: int stage, then struct err (int errnum, char msg[512]). */
ssize_t write(int fd, const void *buf, size_t count)
{
	if (count == 2 * sizeof(int) + 512 && faulty("report"))
		return errno = ENOMEM, -1;
	return REAL(write)(fd, buf, count);
}
