/* Small helpers shared by the core: error buffer, file I/O on cgroupfs, cleanup attributes. */
#ifndef CLIMIT_UTIL_H
#define CLIMIT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Errors travel upward in one of these; only the command layer prints them. Functions that take
 * one return -1 and fill it; callers that care why test errnum (crun's error model), never a
 * -ENOENT return. */
struct err {
	int errnum;    /* the errno behind the failure, 0 if none (a refused value) */
	char msg[512];
};

/* Fill e with a formatted message (errnum 0); returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Same with errnum, and ": strerror(errnum)" appended. */
int err_sys(struct err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Same with errnum, the message as given (the cause is already in words). */
int err_code(struct err *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Add context on the way up: "CONTEXT: <the message so far>"; errnum is kept. */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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

/* A JSON string of untrusted bytes: valid UTF-8 as it is, any other byte as the text \xHH. */
void json_text(FILE *f, const char *s);
/* Room for element n of the array *ARRP (ELEM bytes each, grown CHUNK elements at a time, so
 * called for every n from 0 up); false without memory, the array unchanged. */
bool grow_for(void *arrp, size_t n, size_t chunk, size_t elem);
/* The locale's character set is UTF-8 (after setlocale(LC_CTYPE, "")). */
bool locale_utf8(void);
/* One cell per value: block characters (or " .:-=+*#" without UTF-8) scaled to hi (0: to the
 * highest value). */
void sparkline(char *out, size_t size, const float *h, int n, float hi, bool utf8);

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
/* A symbol of a dlopened library: where its address goes, and its name. */
struct dl_sym {
	void **slot;
	const char *name;
};
/* dlopen LIB (libraries only some commands need stay out of every launch) and resolve every
 * symbol; NULL, or why not (a static buffer). */
const char *dl_load(const char *lib, const struct dl_sym *syms, size_t n);
/* Monotonic time in nanoseconds. */
uint64_t now_ns(void);
/* Sleep for ns nanoseconds (restarting on EINTR). */
void sleep_ns(uint64_t ns);
/* Copy at most size-1 bytes and always terminate; returns false if truncated. */
bool str_copy(char *dst, const char *src, size_t size);

#endif
