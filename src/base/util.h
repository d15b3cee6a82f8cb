/* Small helpers shared by the core: cleanup attributes, dlopen, time, growing arrays; and,
 * for every file that includes this one, the error type (err.h), small-file I/O (fileio.h) and
 * text (text.h). */
#ifndef CLIMIT_UTIL_H
#define CLIMIT_UTIL_H

#include "err.h"
#include "fileio.h"
#include "text.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))
/* Hand an fd or a buffer out of a _cleanup_ scope: `return take_fd(&fd);`. */
static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
static inline void *take_ptr(void *pp)
{
	void *r = *(void **)pp;
	*(void **)pp = NULL;
	return r;
}

/* A symbol of a dlopened library: where its address goes, and its name. */
struct dl_sym {
	void **slot;
	const char *name;
};
/* dlopen LIB (libraries only some commands need stay out of every launch) and resolve every
 * symbol; NULL, or why not (a static buffer). */
const char *dl_load(const char *lib, const struct dl_sym *syms, size_t n);
/* Room for element n of the array *ARRP (ELEM bytes each, grown CHUNK elements at a time, so
 * called for every n from 0 up); false without memory, the array unchanged. */
bool grow_for(void *arrp, size_t n, size_t chunk, size_t elem);
/* Monotonic time in nanoseconds. */
uint64_t now_ns(void);
/* Sleep for ns nanoseconds (restarting on EINTR). */
void sleep_ns(uint64_t ns);

#endif
