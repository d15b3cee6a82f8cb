/* Small helpers shared by the core: dlopen, time, growing arrays (see util.h). */
#define _GNU_SOURCE
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *dl_load(const char *lib, const struct dl_sym *syms, size_t n)
{
	static char why[256];
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(why, sizeof why, "cannot load %s: %s", lib, dlerror());
		return why;
	}
	for (size_t i = 0; i < n; i++)
		if (!(*syms[i].slot = dlsym(h, syms[i].name))) {
			snprintf(why, sizeof why, "%s has no %s", lib, syms[i].name);
			return why;
		}
	return NULL;
}

uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u) };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

bool grow_for(void *arrp, size_t n, size_t chunk, size_t elem)
{
	if (n % chunk)
		return true;
	void *old, *bigger;
	memcpy(&old, arrp, sizeof old);
	if (!(bigger = realloc(old, (n + chunk) * elem)))
		return false;
	memcpy(arrp, &bigger, sizeof bigger);
	return true;
}
