/* Opening the files climit writes, safely also as root in /tmp (see outfile.h). */
#define _GNU_SOURCE
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

/* The kernel's rule (fs/namei.c may_follow_link, may_create_in_sticky): in a sticky directory
 * that others can write to, an entry of a third user, neither the caller nor the directory's
 * owner, may have been planted there to redirect the write. (Group-writable counts too, as
 * protected_regular=2 has it.) */
static bool planted(const struct stat *dir, const struct stat *st)
{
	return (dir->st_mode & S_ISVTX) && (dir->st_mode & (S_IWOTH | S_IWGRP)) && st->st_uid != geteuid() &&
	       st->st_uid != dir->st_uid;
}

static int refuse(struct err *e, const char *path, const struct stat *st)
{
	struct passwd *pw = getpwuid(st->st_uid);
	char who[64];
	if (pw)
		snprintf(who, sizeof who, "%.40s (uid %u)", pw->pw_name, (unsigned)st->st_uid);
	else
		snprintf(who, sizeof who, "uid %u", (unsigned)st->st_uid);
	return err_code(e, EPERM, "\"%s\": %s of %s in a sticky directory others can write to: not %s", path,
			S_ISLNK(st->st_mode) ? "a symbolic link" : S_ISFIFO(st->st_mode) ? "a FIFO" : "a file", who,
			S_ISLNK(st->st_mode) ? "followed" : "written");
}

/* The directory PATH's last name lies in, as an O_PATH descriptor, walked one name at a time so
 * that each link on the way is judged before the kernel follows it. NAME gets the last name. */
static int open_parent(const char *path, char *name, size_t size, struct err *e)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || strlen(base) >= size)
		return err_code(e, EISDIR, "\"%s\": not a file name", path);
	str_copy(name, base, size);
	int cur = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return err_sys(e, errno, "\"%s\"", path);
	const char *p = path;
	while (p < base) {
		while (p < base && *p == '/')
			p++;
		if (p >= base)
			break;
		/* Every name before base ends at a slash. */
		const char *end = strchr(p, '/');
		char comp[256];
		size_t n = (size_t)(end - p);
		if (n >= sizeof comp) {
			close(cur);
			return err_code(e, ENAMETOOLONG, "\"%s\": a name is too long", path);
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		p = end;
		if (!n || strcmp(comp, ".") == 0)
			continue;
		int next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && (errno == ENOTDIR || errno == ELOOP)) {
			struct stat ln, dir;
			if (fstatat(cur, comp, &ln, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(ln.st_mode) && fstat(cur, &dir) == 0) {
				/* In a sticky directory only the link's owner (or the directory's) can
				 * swap it, so a link judged trusted stays the one the kernel follows. */
				if (planted(&dir, &ln)) {
					close(cur);
					return refuse(e, path, &ln);
				}
				next = openat(cur, comp, O_PATH | O_DIRECTORY | O_CLOEXEC);
			} else {
				errno = ENOTDIR;
			}
		}
		int saved = errno;
		close(cur);
		if (next < 0)
			return err_sys(e, saved, "\"%s\"", path);
		cur = next;
	}
	return cur;
}

/* A temporary file next to the destination: a random name, O_EXCL|O_NOFOLLOW, so a link or file
 * planted at a guessed name is never opened. */
static int open_tmp(struct out_file *o)
{
	for (int i = 0; i < 16; i++) {
		unsigned long long r = 0;
		if (getrandom(&r, sizeof r, GRND_NONBLOCK) != sizeof r)
			r = ((unsigned long long)getpid() << 32) ^ (unsigned long long)now_ns();
		snprintf(o->tmp, sizeof o->tmp, ".%.200s.%012llx.tmp", o->name, r & 0xffffffffffffull);
		int fd = openat(o->dirfd, o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int out_open(struct out_file *o, const char *path, enum out_how how, unsigned flags, struct err *e)
{
	*o = (struct out_file){ .fd = -1, .dirfd = -1 };
	o->dirfd = open_parent(path, o->name, sizeof o->name, e);
	if (o->dirfd < 0)
		return -1;
	struct stat dir, st;
	if (fstat(o->dirfd, &dir) < 0) {
		err_sys(e, errno, "\"%s\"", path);
		goto fail;
	}
	bool exists = fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (!exists && errno != ENOENT) {
		err_sys(e, errno, "\"%s\"", path);
		goto fail;
	}
	if (exists && (S_ISLNK(st.st_mode) || S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) && planted(&dir, &st)) {
		refuse(e, path, &st);
		goto fail;
	}
	if (exists && S_ISDIR(st.st_mode)) {
		err_code(e, EISDIR, "\"%s\": a directory", path);
		goto fail;
	}
	int append = how == OUT_APPEND ? O_APPEND : 0;
	if (!exists && how != OUT_REPLACE) {
		o->fd = openat(o->dirfd, o->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | append,
			       0644);
		o->created = o->in_place = o->regular = o->fd >= 0;
		if (o->fd >= 0 || errno != EEXIST)
			goto opened;
		/* Made between our look and the open: judge it as it is now. */
		if (fstatat(o->dirfd, o->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			err_sys(e, errno, "\"%s\"", path);
			goto fail;
		}
		exists = true;
		if (planted(&dir, &st)) {
			refuse(e, path, &st);
			goto fail;
		}
	}
	if ((!exists || S_ISREG(st.st_mode)) && how == OUT_REPLACE) {
		o->fd = open_tmp(o);
		o->regular = o->fd >= 0;
		if (o->fd < 0)
			o->tmp[0] = '\0';
		goto opened;
	}
	/* In place: a regular file of ours (a recording), a device or FIFO, or through a link of
	 * the caller's own (the kernel follows it; a dangling one makes its file). Never O_TRUNC
	 * here: what it is is checked first. */
	int fl = O_WRONLY | O_CLOEXEC | O_NOCTTY | append | (S_ISLNK(st.st_mode) ? O_CREAT : O_NOFOLLOW);
	/* A FIFO without a reader would block the open: non-blocking, then blocking writes. */
	o->fd = openat(o->dirfd, o->name, fl | O_NONBLOCK, 0644);
	o->in_place = true;
	if (o->fd >= 0) {
		struct stat now;
		int f = fcntl(o->fd, F_GETFL);
		if (f >= 0)
			fcntl(o->fd, F_SETFL, f & ~O_NONBLOCK);
		if (fstat(o->fd, &now) < 0) {
			err_sys(e, errno, "\"%s\"", path);
			goto fail;
		}
		o->regular = S_ISREG(now.st_mode);
		if (S_ISDIR(now.st_mode)) {
			err_code(e, EISDIR, "\"%s\": a directory", path);
			goto fail;
		}
		/* Swapped between the look and the open (a regular file of ours must still be one). */
		if (!S_ISLNK(st.st_mode) && (now.st_dev != st.st_dev || now.st_ino != st.st_ino)) {
			err_code(e, EAGAIN, "\"%s\": replaced while climit opened it", path);
			goto fail;
		}
		if ((flags & OUT_REGULAR_ONLY) && !o->regular) {
			err_code(e, EINVAL, "\"%s\": not a regular file", path);
			goto fail;
		}
		if (how == OUT_REPLACE && o->regular && ftruncate(o->fd, 0) < 0) {
			err_sys(e, errno, "\"%s\": cannot truncate it", path);
			goto fail;
		}
	}
opened:
	if (o->fd >= 0)
		return 0;
	if (errno == ENXIO) /* a FIFO without a reader */
		err_code(e, ENXIO, "\"%s\": a FIFO nobody reads", path);
	else
		err_sys(e, errno, "\"%s\": cannot write it", path);
fail:
	out_abort(o);
	return -1;
}

FILE *out_stdio(struct out_file *o)
{
	if (!o->f && o->fd >= 0)
		o->f = fdopen(o->fd, "w");
	return o->f;
}

static void out_close(struct out_file *o)
{
	if (o->f)
		fclose(o->f); /* closes o->fd too */
	else if (o->fd >= 0)
		close(o->fd);
	o->f = NULL;
	o->fd = -1;
}

int out_commit(struct out_file *o)
{
	int bad = 0;
	if (o->f && (ferror(o->f) || fflush(o->f) != 0))
		bad = errno ? errno : EIO;
	/* fsync of a device or FIFO can fail (EINVAL) with nothing wrong. */
	if (!bad && o->regular && fsync(o->fd) != 0)
		bad = errno;
	if (o->f) {
		if (fclose(o->f) != 0 && !bad)
			bad = errno;
		o->f = NULL;
		o->fd = -1;
	}
	out_close(o);
	if (!bad && o->tmp[0] && renameat(o->dirfd, o->tmp, o->dirfd, o->name) < 0)
		bad = errno;
	if (!bad)
		o->tmp[0] = '\0';
	o->created = false; /* committed: it stays */
	out_abort(o);
	errno = bad;
	return bad ? -1 : 0;
}

void out_abort(struct out_file *o)
{
	out_close(o);
	if (o->dirfd >= 0) {
		if (o->tmp[0])
			unlinkat(o->dirfd, o->tmp, 0);
		if (o->created)
			unlinkat(o->dirfd, o->name, 0);
		close(o->dirfd);
	}
	o->dirfd = -1;
	o->tmp[0] = '\0';
	o->created = false;
}
