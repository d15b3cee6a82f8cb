/* Every file climit writes (recordings, exports, charts, the metrics file, caches) is opened
 * here, and nowhere else, so that root never writes a file of another user's choosing.
 *
 * The destination's directory is opened once (O_PATH|O_DIRECTORY) and everything after works
 * relative to that descriptor (openat, renameat, unlinkat): no path is resolved twice, and no
 * symbolic link is resolved in user space. The kernel's fs.protected_symlinks,
 * protected_regular and protected_fifos rules are applied whatever the host's settings: in a
 * sticky directory others can write to (/tmp), a link, a file or a FIFO that belongs to neither
 * the caller nor the directory's owner is refused, never followed or written. */
#ifndef CLIMIT_OUTFILE_H
#define CLIMIT_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "util.h"

enum out_how {
	/* The whole file at once: a new temporary file (O_EXCL|O_NOFOLLOW, a random name) renamed
	 * over the name at out_commit. Through a link of the caller's own, or onto a device or
	 * FIFO, the file is written in place instead (renaming would replace the link or device). */
	OUT_REPLACE,
	/* Written as it goes (a recording): created with O_EXCL, or an existing file of the
	 * caller's own opened in place without truncating it (the caller truncates when it is sure
	 * to write); out_abort removes only a file this call created. */
	OUT_STREAM,
	/* Lines added at the end (--report-file): created with O_EXCL, or an existing file of the
	 * caller's own opened with O_APPEND; never truncated. */
	OUT_APPEND,
};

struct out_file {
	int fd;              /* where to write: the temporary file, or the destination in place */
	int dirfd;           /* the destination's directory, O_PATH */
	bool in_place;       /* writing the destination itself (no rename at the end) */
	bool created;        /* this open made the destination (OUT_STREAM) */
	bool regular;        /* fd is a regular file (a device or FIFO is not fsynced or truncated) */
	char name[256];      /* the destination's name in dirfd */
	char tmp[256];       /* the temporary file's name in dirfd, "" when in place */
	FILE *f;             /* out_stdio's stream on fd, if asked for */
};

/* Flags for out_open. */
#define OUT_REGULAR_ONLY 1u /* refuse a device or FIFO (a chart is a file) */

/* Open PATH for writing as HOW says; 0, or -1 with e filled ("\"PATH\": why", the caller adds
 * the option) and o->fd = -1. Nothing is created when it fails. */
int out_open(struct out_file *o, const char *path, enum out_how how, unsigned flags, struct err *e);
/* A stdio stream on o->fd (closed by out_commit/out_abort); NULL without memory. */
FILE *out_stdio(struct out_file *o);
/* Finish: flush, fsync a regular file, rename the temporary file over the name. 0, or -1 with
 * errno (nothing of ours left behind on failure). */
int out_commit(struct out_file *o);
/* Give up: close, remove the temporary file, and the destination if this open created it. */
void out_abort(struct out_file *o);

#endif
