/* Small-file I/O on cgroupfs and /proc (see fileio.h). */
#define _GNU_SOURCE
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

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
