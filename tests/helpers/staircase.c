/* A staircase memory workload: every INTERVAL_MS (default 100) add STEP_MIB (default 8) of
 * touched memory, until killed. Prints each step's total on stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int main(int argc, char **argv)
{
	long step = argc > 1 ? atol(argv[1]) : 8, ms = argc > 2 ? atol(argv[2]) : 100;
	if (step <= 0 || ms <= 0) {
		fprintf(stderr, "usage: staircase [STEP_MIB [INTERVAL_MS]]\n");
		return 2;
	}
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	for (long total = step;; total += step) {
		char *p = malloc((size_t)step << 20);
		if (!p)
			return 1;
		memset(p, 0x5a, (size_t)step << 20);
		printf("%ld MiB\n", total);
		fflush(stdout);
		nanosleep(&ts, NULL);
	}
}
