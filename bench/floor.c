/* Benchmark floor for launch overhead: the least a cgroup launcher can do on cgroupfs.
 * mkdir the group in each hierarchy climit uses (v1: memory, pids, cpu, cpuacct, freezer), write memory/pids/cpu limits, fork, join (the child
 * writes itself into cgroup.procs), exec, wait, rmdir. No error reporting beyond exit codes.
 * Usage: floor CMD [ARGS...]   (detects v1/hybrid vs v2 by /sys/fs/cgroup/cgroup.controllers) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
	static char dirs[5][256];
	int n = 0;
	bool v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
	if (v2) {
		mkdir("/sys/fs/cgroup/climit-bench", 0755);
		put("/sys/fs/cgroup", "cgroup.subtree_control", "+memory +pids +cpu");
		put("/sys/fs/cgroup/climit-bench", "cgroup.subtree_control", "+memory +pids +cpu");
		snprintf(dirs[n++], 256, "/sys/fs/cgroup/climit-bench/%s", name);
	} else {
		/* The five hierarchies climit joins on v1 (bench/results.md compares equal work). */
		const char *c[] = { "memory", "pids", "cpu", "cpuacct", "freezer" };
		for (int i = 0; i < 5; i++) {
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
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < n; i++)
			put(dirs[i], "cgroup.procs", "0");
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	for (int i = 0; i < n; i++)
		rmdir(dirs[i]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
