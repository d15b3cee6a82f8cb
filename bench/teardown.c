/* Teardown timing: from the decision to kill a contained fork loop until its cgroup is gone.
 *
 *   teardown watch DIR PID SIG   send SIG to PID (climit, runc...), then poll until the cgroup
 *                                directory DIR is gone; prints milliseconds.
 *   teardown floor N QUOTA_US CMD...
 *                                the floor: make a group (pids.max N, CPU quota QUOTA_US per
 *                                100 ms, 0 = none), run CMD in it until pids.current reaches N,
 *                                then kill everything the simplest correct way (v2 cgroup.kill;
 *                                v1 freeze, SIGKILL each task, thaw) and rmdir, retrying on
 *                                EBUSY; prints milliseconds from the kill decision to rmdir.
 * Only this machine's cgroupfs; no error reporting beyond exit codes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int put(const char *dir, const char *file, const char *val)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, file);
	int fd = open(p, O_WRONLY);
	if (fd < 0)
		return -1;
	int rc = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	close(fd);
	return rc;
}

static long get(const char *dir, const char *file)
{
	char p[512], buf[64] = "";
	snprintf(p, sizeof p, "%s/%s", dir, file);
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 10) : -1;
}

/* Mount point of a v1 controller, from mountinfo. */
static void v1_mount(const char *ctrl, char *out, size_t size)
{
	FILE *f = fopen("/proc/self/mountinfo", "r");
	char line[1024];
	out[0] = '\0';
	while (f && fgets(line, sizeof line, f)) {
		char mnt[512], type[32], opts[512];
		char *sep = strstr(line, " - ");
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1 || sscanf(sep + 3, "%31s %*s %511s", type, opts) != 2)
			continue;
		if (strcmp(type, "cgroup") != 0)
			continue;
		for (char *s = NULL, *o = strtok_r(opts, ",", &s); o; o = strtok_r(NULL, ",", &s))
			if (strcmp(o, ctrl) == 0) {
				snprintf(out, size, "%s", mnt);
				fclose(f);
				return;
			}
	}
	if (f)
		fclose(f);
}

static int watch(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	const char *dir = argv[2];
	pid_t pid = atoi(argv[3]);
	int sig = atoi(argv[4]);
	double t0 = now_ms();
	kill(pid, sig);
	struct stat st;
	while (stat(dir, &st) == 0)
		usleep(100);
	printf("%.3f\n", now_ms() - t0);
	return 0;
}

static int floor_run(int argc, char **argv)
{
	if (argc < 5)
		return 2;
	long n = atol(argv[2]), quota = atol(argv[3]);
	char name[64];
	snprintf(name, sizeof name, "climit-bench-td-%d", getpid());
	bool v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
	char dirs[4][600];
	int nd = 0;
	char pids_dir[600], cpu_dir[600], frz_dir[600] = "";
	if (v2) {
		put("/sys/fs/cgroup", "cgroup.subtree_control", "+pids +cpu");
		snprintf(dirs[nd++], sizeof dirs[0], "/sys/fs/cgroup/%s", name);
		strcpy(pids_dir, dirs[0]);
		strcpy(cpu_dir, dirs[0]);
	} else {
		const char *c[] = { "pids", "cpu", "freezer" };
		for (int i = 0; i < 3; i++) {
			char m[512];
			v1_mount(c[i], m, sizeof m);
			if (!m[0])
				return 3;
			snprintf(dirs[nd++], sizeof dirs[0], "%s/%s", m, name);
		}
		strcpy(pids_dir, dirs[0]);
		strcpy(cpu_dir, dirs[1]);
		strcpy(frz_dir, dirs[2]);
	}
	for (int i = 0; i < nd; i++)
		if (mkdir(dirs[i], 0755) < 0)
			return 3;
	char v[64];
	snprintf(v, sizeof v, "%ld", n);
	put(pids_dir, "pids.max", v);
	if (quota > 0) {
		if (v2) {
			snprintf(v, sizeof v, "%ld 100000", quota);
			put(cpu_dir, "cpu.max", v);
		} else {
			snprintf(v, sizeof v, "%ld", quota);
			put(cpu_dir, "cpu.cfs_quota_us", v);
		}
	}
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < nd; i++)
			put(dirs[i], "cgroup.procs", "0");
		execvp(argv[4], argv + 4);
		_exit(127);
	}
	for (int i = 0; i < 20000 && get(pids_dir, "pids.current") < n; i++)
		usleep(500);
	double t0 = now_ms();
	if (v2) {
		put(dirs[0], "cgroup.kill", "1");
	} else {
		put(frz_dir, "freezer.state", "FROZEN");
		char p[700], buf[65536];
		snprintf(p, sizeof p, "%s/cgroup.procs", pids_dir);
		for (;;) {
			int fd = open(p, O_RDONLY);
			ssize_t k = fd >= 0 ? read(fd, buf, sizeof buf - 1) : 0;
			if (fd >= 0)
				close(fd);
			if (k <= 0)
				break;
			buf[k] = '\0';
			for (char *s = NULL, *t = strtok_r(buf, "\n", &s); t; t = strtok_r(NULL, "\n", &s))
				kill(atoi(t), SIGKILL);
			put(frz_dir, "freezer.state", "THAWED");
			usleep(200);
		}
	}
	/* Empty means no task left in cgroup.procs (zombies are reaped by whoever inherits them;
	 * they no longer hold the group). */
	char procs[700], b[16];
	snprintf(procs, sizeof procs, "%s/cgroup.procs", pids_dir);
	for (;;) {
		waitpid(-1, NULL, WNOHANG);
		int fd = open(procs, O_RDONLY);
		ssize_t k = fd >= 0 ? read(fd, b, sizeof b) : 0;
		if (fd >= 0)
			close(fd);
		if (k <= 0)
			break;
		usleep(100);
	}
	for (int i = 0; i < nd; i++)
		while (rmdir(dirs[i]) < 0 && errno == EBUSY)
			usleep(100);
	printf("%.3f\n", now_ms() - t0);
	while (waitpid(-1, NULL, 0) > 0)
		;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "watch") == 0)
		return watch(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "floor") == 0)
		return floor_run(argc, argv);
	return 2;
}
