/* Small helpers shared by the core: error buffer, file I/O on cgroupfs, time. */
#define _GNU_SOURCE
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->errnum = 0;
	return -1;
}

int err_code(struct err *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->errnum = errnum;
	return -1;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char context[256], old[sizeof e->msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(context, sizeof context, fmt, ap);
	va_end(ap);
	str_copy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%s: %s", context, old);
	return -1;
}

int err_sys(struct err *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof e->msg)
		snprintf(e->msg + n, sizeof e->msg - n, ": %s", strerror(errnum));
	e->errnum = errnum;
	return -1;
}

/* The leaf helpers below take a struct err that may be NULL (the caller only needs to know that
 * it failed); errno keeps the cause either way. */
static int io_fail(struct err *e, int errnum, const char *what, const char *name)
{
	if (e)
		err_sys(e, errnum, "cannot %s %s", what, name);
	errno = errnum;
	return -1;
}

ssize_t read_small_file_at(int dirfd, const char *name, char *buf, size_t size, struct err *e)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(e, errno, "open", name);
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return io_fail(e, errno, "read", name);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t read_small_file(const char *path, char *buf, size_t size, struct err *e)
{
	return read_small_file_at(AT_FDCWD, path, buf, size, e);
}

int write_file_at(int dirfd, const char *name, const char *s, struct err *e)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return io_fail(e, errno, "open", name);
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);
	int saved = n < 0 ? errno : EIO;
	close(fd);
	if (n < 0 || (size_t)n != len)
		return io_fail(e, saved, "write", name);
	return 0;
}

int write_file(const char *path, const char *s, struct err *e)
{
	return write_file_at(AT_FDCWD, path, s, e);
}

long read_long(const char *path, long dflt)
{
	char buf[32], *end;
	if (read_small_file(path, buf, sizeof buf, NULL) <= 0)
		return dflt;
	long v = strtol(buf, &end, 10);
	return end == buf ? dflt : v;
}

int keyed_get(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p;) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
			char *end;
			errno = 0;
			unsigned long long v = strtoull(p + klen + 1, &end, 10);
			if (errno || end == p + klen + 1)
				return -1;
			*out = v;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

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

bool str_copy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static int utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	int n = p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : p[0] >= 0xe0 && p[0] <= 0xef ? 3 : p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) || (p[0] == 0xf0 && p[1] < 0x90) ||
	    (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return n;
}

/* Valid UTF-8 is copied as it is (JSON is Unicode text); a byte that is not part of valid UTF-8
 * becomes the text \xHH, as the table shows it (cgroup names are bytes, not trusted text). */
void json_text(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n = utf8_len(p);
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else if (n == 0)
			fprintf(f, "\\\\x%02x", *p);
		else
			fwrite(p, 1, (size_t)n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

/* The locale's character set (setlocale from the environment first), not its name. */
bool locale_utf8(void)
{
	setlocale(LC_CTYPE, "");
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
}

void sparkline(char *out, size_t size, const float *h, int n, float hi, bool utf8)
{
	static const char *const blocks[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
					      "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[] = " .:-=+*#";
	for (int i = 0; hi <= 0 && i < n; i++)
		if (h[i] > 0)
			hi = -1; /* no scale given: the highest value */
	if (hi < 0)
		for (int i = 0; i < n; i++)
			if (h[i] > hi)
				hi = h[i];
	size_t o = 0;
	for (int i = 0; i < n && o + 4 < size; i++) {
		int lvl = hi > 0 ? (int)(h[i] / hi * 7 + 0.5) : 0;
		lvl = lvl < 0 ? 0 : lvl > 7 ? 7 : lvl;
		if (utf8) {
			memcpy(out + o, blocks[lvl], 3);
			o += 3;
		} else {
			out[o++] = ascii[lvl];
		}
	}
	out[o] = '\0';
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
