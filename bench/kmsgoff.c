/* Offset between the /dev/kmsg timestamp clock and CLOCK_MONOTONIC, in microseconds: writes a
 * marker line to /dev/kmsg between two clock reads and finds its timestamp. kmsg stamps with
 * local_clock(), which is close to but not the same clock as CLOCK_MONOTONIC, so an OOM
 * kill's kmsg time is converted with this offset before comparing it with a detection time.
 * Prints: OFFSET_US UNCERTAINTY_US */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long mono_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int main(void)
{
	int fd = open("/dev/kmsg", O_RDWR | O_NONBLOCK);
	if (fd < 0)
		return 1;
	lseek(fd, 0, SEEK_END);
	char tag[48], mark[64];
	snprintf(tag, sizeof tag, "climit-bench-mark-%d", getpid());
	snprintf(mark, sizeof mark, "%s\n", tag); /* without \n the record stays open (continuation) */
	long long t0 = mono_us();
	if (write(fd, mark, strlen(mark)) < 0)
		return 1;
	long long t1 = mono_us();
	char buf[8192];
	for (int tries = 0; tries < 100000; tries++) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		if (n <= 0) {
			usleep(100);
			continue;
		}
		buf[n] = '\0';
		if (!strstr(buf, tag))
			continue;
		long long ts = 0;
		if (sscanf(buf, "%*d,%*d,%lld", &ts) != 1)
			return 1;
		printf("%lld %lld\n", ts - (t0 + t1) / 2, (t1 - t0) / 2);
		return 0;
	}
	return 1;
}
