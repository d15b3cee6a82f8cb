/* Benchmark floor for launch overhead: the least a cgroup launcher can do on cgroupfs.
 * mkdir the group in each hierarchy climit uses (v1: memory, pids, cpu, cpuacct, freezer, blkio), write memory/pids/cpu limits, fork, join (the child
 * writes itself into cgroup.procs), exec, wait, rmdir. No error reporting beyond exit codes.
 * The namespace floor (FLOOR_NS=1): the child is cloned into new pid, mount, uts, ipc and net
 * namespaces, joins, unshares its cgroup namespace, makes / private, mounts a fresh /proc, sets
 * the hostname and execs (as PID 1: no init). FLOOR_ROOTFS=DIR adds a tmpfs, an overlay with DIR
 * as its lower layer and pivot_root into it (the floor of --isolate --rootfs DIR --overlay).
 * Usage: floor CMD [ARGS...]   (detects v1/hybrid vs v2 by /sys/fs/cgroup/cgroup.controllers) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void put(const char *dir, const char *file, const char *val)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			_exit(2);
		close(fd);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	char name[64];
	snprintf(name, sizeof name, "floor-%d", getpid());
	static char dirs[6][256];
	int n = 0;
	/* The parent climit-bench is kept between runs, as climit keeps its own parent: bench/run.sh
	 * removes it when it ends (run the floor through it, or rmdir the parent after). */
	bool v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
	if (v2) {
		mkdir("/sys/fs/cgroup/climit-bench", 0755);
		put("/sys/fs/cgroup", "cgroup.subtree_control", "+memory +pids +cpu");
		put("/sys/fs/cgroup/climit-bench", "cgroup.subtree_control", "+memory +pids +cpu");
		snprintf(dirs[n++], 256, "/sys/fs/cgroup/climit-bench/%s", name);
	} else {
		/* The five hierarchies climit joins on v1 (bench/results.md compares equal work). */
		const char *c[] = { "memory", "pids", "cpu", "cpuacct", "freezer", "blkio" };
		for (int i = 0; i < 6; i++) {
			char p[256];
			snprintf(p, sizeof p, "/sys/fs/cgroup/%s/climit-bench", c[i]);
			mkdir(p, 0755);
			snprintf(dirs[n++], 256, "%s/%s", p, name);
		}
	}
	/* EEXIST: co-mounted controllers (cpu,cpuacct) are one hierarchy reached twice. */
	for (int i = 0; i < n; i++)
		if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST)
			return 3;
	if (v2) {
		put(dirs[0], "memory.max", "104857600");
		put(dirs[0], "pids.max", "100");
		put(dirs[0], "cpu.max", "50000 100000");
	} else {
		put(dirs[0], "memory.limit_in_bytes", "104857600");
		put(dirs[1], "pids.max", "100");
		put(dirs[2], "cpu.cfs_quota_us", "50000");
	}
	const char *rootfs = getenv("FLOOR_ROOTFS");
	bool ns = rootfs || getenv("FLOOR_NS");
	char stage[64] = "";
	if (rootfs) {
		snprintf(stage, sizeof stage, "/tmp/floor-%d", getpid());
		mkdir(stage, 0700);
	}
	pid_t pid = ns ? (pid_t)syscall(SYS_clone, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD,
					0, 0, 0, 0)
		       : fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++)
			put(dirs[i], "cgroup.procs", "0");
		if (ns) {
			if (unshare(CLONE_NEWCGROUP) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
				_exit(4);
			if (rootfs) {
				char o[600], m[128];
				snprintf(m, sizeof m, "%s/m", stage);
				snprintf(o, sizeof o, "lowerdir=%s,upperdir=%s/u,workdir=%s/w", rootfs, stage, stage);
				if (mount("tmpfs", stage, "tmpfs", 0, NULL) < 0)
					_exit(5);
				char u[128], w[128];
				snprintf(u, sizeof u, "%s/u", stage);
				snprintf(w, sizeof w, "%s/w", stage);
				mkdir(u, 0755), mkdir(w, 0755), mkdir(m, 0755);
				if (mount("overlay", m, "overlay", 0, o) < 0 || chdir(m) < 0 ||
				    syscall(SYS_pivot_root, ".", ".") < 0 || umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
					_exit(6);
			}
			if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
			    sethostname("box", 3) < 0)
				_exit(7);
		}
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	for (int i = 0; i < n; i++)
		rmdir(dirs[i]);
	if (stage[0])
		rmdir(stage);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
