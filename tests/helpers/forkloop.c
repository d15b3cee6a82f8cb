/* Test/demo workload: a C fork loop. Every child forks too and then sleeps; failed forks are
 * retried, like a real forkbomb. Runs until killed (bounded by pids.max and the caller). */
#include <sched.h>
#include <unistd.h>

int main(void)
{
	for (;;) {
		if (fork() == 0)
			continue; /* the child joins the loop */
		sched_yield();
	}
}
