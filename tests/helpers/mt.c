/* Test workload for climit attach: N-1 extra threads that sleep, and a main thread that waits
 * for FILE to exist, then allocates and touches memory 1 MiB every 5 ms until killed. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 4;
	const char *go = argc > 2 ? argv[2] : NULL;
	for (int i = 1; i < n; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, idle, NULL) != 0)
			return 1;
	}
	while (!go || access(go, F_OK) != 0)
		usleep(20000);
	for (;;) {
		char *p = malloc(1 << 20);
		if (p)
			memset(p, 1, 1 << 20);
		usleep(5000);
	}
}
