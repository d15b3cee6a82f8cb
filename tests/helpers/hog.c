/* Test/demo workload: allocate and touch memory 1 MiB at a time until killed (or N MiB). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long limit_mib = argc > 1 ? atol(argv[1]) : -1;
	for (long mib = 0; limit_mib < 0 || mib < limit_mib; mib++) {
		char *p = malloc(1 << 20);
		if (!p)
			return 1;
		memset(p, (int)mib, 1 << 20);
	}
	pause();
	return 0;
}
