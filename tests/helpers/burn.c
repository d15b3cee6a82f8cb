/* Test/demo workload: spin on N threads' worth of processes (default 1) until killed. */
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	for (int i = 1; i < n; i++)
		if (fork() == 0)
			break;
	for (volatile unsigned long x = 0;; x++)
		;
}
