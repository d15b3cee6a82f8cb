/* A workload of known need, for climit fit's and sweep's tests:
 *   need mem K [S]    allocate and touch exactly K MiB, hold it S seconds (default 0), exit 0
 *   need cpu S [T]    T threads (default 1) each burn S seconds of CPU time, then exit 0
 *   need tasks K      hold K tasks (itself and K-1 children) alive at once for 0.3 s; exit 1 if a
 *                     fork is refused
 *   need flaky FILE   exit 0 and 1 in turn (a counter in FILE): a command that fails every
 *                     other run
 *   need joint K J    as need mem K, but K+J MiB when its group limits both memory (below 1 GiB)
 *                     and tasks (below 64): limits that pass alone and fail together, as fit's
 *                     joint run meets them (its baseline's ceilings are above both) */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *burn(void *arg)
{
	double s = *(double *)arg;
	volatile unsigned long x = 0;
	while (thread_cpu() < s)
		for (int i = 0; i < 100000; i++)
			x += i;
	return NULL;
}

/* The group's limit in FILE of controller CTRL (v1 hierarchy CTRL, or the v2 one), or -1 for
 * none ("max", no file). */
static long long group_limit(const char *ctrl, const char *file)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[4096], path[4352];
	long long v = -1;
	while (f && v < 0 && fgets(line, sizeof line, f)) {
		char *c = strchr(line, ':'), *g = c ? strchr(c + 1, ':') : NULL;
		if (!g)
			continue;
		*g++ = '\0';
		g[strcspn(g, "\n")] = '\0';
		c++;
		if (*c)
			snprintf(path, sizeof path, "/sys/fs/cgroup/%s%s/%s", strstr(c, ctrl) ? ctrl : "-", g, file);
		else
			snprintf(path, sizeof path, "/sys/fs/cgroup%s/%s", g, file);
		FILE *l = fopen(path, "r");
		if (l && fscanf(l, "%lld", &v) != 1)
			v = -1;
		if (l)
			fclose(l);
	}
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "joint") == 0) {
		long long m = group_limit("memory", "memory.max"), p = group_limit("pids", "pids.max");
		if (m < 0)
			m = group_limit("memory", "memory.limit_in_bytes");
		char k[32];
		bool both = m >= 0 && m < (1ll << 30) && p >= 0 && p < 64;
		snprintf(k, sizeof k, "%lld", atoll(argv[2]) + (both ? atoll(argv[3]) : 0));
		argv[1] = "mem";
		argv[2] = k;
		argv[3] = NULL;
		argc = 3;
	}
	if (argc >= 3 && strcmp(argv[1], "mem") == 0) {
		size_t n = strtoull(argv[2], NULL, 10) << 20;
		char *p = malloc(n);
		if (!p)
			return 1;
		memset(p, 1, n);
		if (argc >= 4)
			usleep((useconds_t)(strtod(argv[3], NULL) * 1e6));
		return p[n / 2] == 1 ? 0 : 1;
	}
	if (argc >= 3 && strcmp(argv[1], "cpu") == 0) {
		double s = strtod(argv[2], NULL);
		int t = argc >= 4 ? atoi(argv[3]) : 1;
		pthread_t th[64];
		for (int i = 1; i < t && i < 64; i++)
			pthread_create(&th[i], NULL, burn, &s);
		burn(&s);
		for (int i = 1; i < t && i < 64; i++)
			pthread_join(th[i], NULL);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "tasks") == 0) {
		int k = atoi(argv[2]), bad = 0;
		for (int i = 1; i < k; i++) {
			pid_t p = fork();
			if (p == 0) {
				usleep(300000);
				_exit(0);
			}
			if (p < 0)
				bad = 1;
		}
		while (wait(NULL) > 0)
			;
		return bad;
	}
	if (argc >= 3 && strcmp(argv[1], "flaky") == 0) {
		FILE *f = fopen(argv[2], "r+");
		int n = 0;
		if (!f && !(f = fopen(argv[2], "w+")))
			return 2;
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		rewind(f);
		fprintf(f, "%d\n", n + 1);
		fclose(f);
		return n % 2;
	}
	fprintf(stderr, "usage: need mem K [S] | cpu S [T] | tasks K | flaky FILE | joint K J\n");
	return 2;
}
