/* Small whole-file reads and writes (cgroupfs, /proc, /sys), errors in a struct err. */
#ifndef CLIMIT_FILEIO_H
#define CLIMIT_FILEIO_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Read a whole small file (cgroupfs, /proc) into buf, NUL-terminated; returns its length, or -1
 * with e filled ("cannot read NAME: why") and errno set. e may be NULL where the caller only
 * needs to know that it failed (an optional file, a probe). */
ssize_t read_small_file(const char *path, char *buf, size_t size, struct err *e);
ssize_t read_small_file_at(int dirfd, const char *name, char *buf, size_t size, struct err *e);
/* Write a string to an existing file (no O_CREAT); 0, or -1 as above (a short write is EIO). */
int write_file(const char *path, const char *s, struct err *e);
int write_file_at(int dirfd, const char *name, const char *s, struct err *e);
/* A number from a one-number file (/proc/sys, cgroupfs); dflt if it is missing or holds none. */
long read_long(const char *path, long dflt);
/* Find "key value" in a flat keyed file (cpu.stat, memory.events); 0, or -1 if the key is absent
 * or not a number (a lookup that finds nothing, not a failure: no struct err). */
int keyed_get(const char *text, const char *key, uint64_t *out);

#endif
