/* Monitoring floor: the least a dashboard can do per refresh. Opens 5 files per cgroup once
 * (memory current and limit, pids current and limit, CPU usage), a 6th with READER_IO=ROOT
 * (the I/O byte counters: v1 blkio.throttle.io_service_bytes_recursive, v2 io.stat), then per
 * refresh preads and parses them all. Prints CPU milliseconds per refresh (getrusage, so sleeps do not count).
 * Usage: reader REFRESHES MEMROOT PIDSROOT CPUROOT GROUP...  (roots: the hierarchies' mount
 *        points, all three the same on v2, CPUROOT the cpuacct one on v1; GROUP relative). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static double cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int open_at(const char *root, const char *rel, const char *file)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s/%s", root, rel, file);
	return open(p, O_RDONLY | O_CLOEXEC);
}

int main(int argc, char **argv)
{
	if (argc < 6)
		return 2;
	int refreshes = atoi(argv[1]), n = argc - 5;
	const char *mem = argv[2], *pids = argv[3], *cpu = argv[4];
	int v1 = strcmp(mem, cpu) != 0;
	const char *io = getenv("READER_IO");
	int *fd = calloc((size_t)n * 6, sizeof *fd);
	for (int i = 0; i < n; i++) {
		const char *g = argv[i + 5];
		int *f = fd + i * 6;
		f[5] = io ? open_at(io, g, v1 ? "blkio.throttle.io_service_bytes_recursive" : "io.stat") : -1;
		if (io && f[5] < 0) {
			fprintf(stderr, "reader: cannot open the I/O file of %s\n", g);
			return 1;
		}
		f[0] = open_at(mem, g, v1 ? "memory.usage_in_bytes" : "memory.current");
		f[1] = open_at(mem, g, v1 ? "memory.limit_in_bytes" : "memory.max");
		f[2] = open_at(pids, g, "pids.current");
		f[3] = open_at(pids, g, "pids.max");
		f[4] = open_at(cpu, g, v1 ? "cpuacct.usage" : "cpu.stat");
		for (int k = 0; k < 5; k++)
			if (f[k] < 0) {
				fprintf(stderr, "reader: cannot open file %d of %s\n", k, g);
				return 1;
			}
	}
	double t0 = cpu_ms();
	unsigned long long sum = 0;
	for (int r = 0; r < refreshes; r++) {
		for (int i = 0; i < n * 6; i++) {
			char buf[512];
			if (fd[i] < 0)
				continue;
			ssize_t k = pread(fd[i], buf, sizeof buf - 1, 0);
			if (k > 0) {
				buf[k] = '\0';
				const char *s = strstr(buf, "usage_usec ");
				sum += strtoull(s ? s + 11 : buf, NULL, 10);
			}
		}
	}
	printf("%.3f\n", (cpu_ms() - t0) / refreshes);
	return sum == 0xdeadbeef; /* keep the parsing from being optimised away */
}
