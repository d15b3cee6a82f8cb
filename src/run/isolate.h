/* Isolation: namespaces, a root filesystem (pivot_root, optionally behind a throw-away
 * overlayfs upper layer), a minimal /dev, /proc and /sys, a read-only view of the container's
 * own cgroup, hostname, user ids and capabilities, and a reaping init as PID 1.
 *
 * Who does what: climit (outside) parses and validates everything it can (paths, names of
 * capabilities), creates the staging directory and writes user-namespace maps. The first
 * child, created inside the cgroup and inside the new namespaces, is PID 1 of the new pid
 * namespace: it builds the mounts, pivots, forks the workload and then only reaps and forwards
 * signals. The workload drops credentials and capabilities and execs. */
#ifndef CLIMIT_ISOLATE_H
#define CLIMIT_ISOLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "scfilter.h"
#include "util.h"

#define ISO_MAX_ENV 64

struct iso_opts {
	unsigned long ns;        /* CLONE_NEW* flags; 0 = no new namespaces */
	const char *rootfs;      /* absolute, validated directory; NULL = keep the host's / */
	bool overlay;            /* rootfs is the lower layer of an overlay */
	const char *overlay_keep; /* upper layer kept here (absolute dir) instead of a tmpfs */
	const char *rootfs_tar;  /* unpacked by climit into a temporary rootfs */
	const char *hostname;
	const char *uid, *gid;   /* as given: numbers, or names looked up in the container */
	bool map_root;           /* user namespace with root inside = caller outside */
	bool userns_implied;     /* map_root because a normal user asked for namespaces */
	bool caps_given;         /* --cap-drop/--cap-add given, or --isolate's default set */
	uint64_t caps;           /* capabilities the workload keeps (bit = CAP_*) */
	uint64_t caps_added;     /* --cap-add: the only ones a non-root --uid gets (ambient) */
	const char *env[ISO_MAX_ENV];
	int nenv;
	const char *cwd;
	bool no_init;            /* the workload itself is PID 1 (like unshare --fork --pid) */
	const struct sc_opts *sc; /* the syscall filter (scfilter.h), installed right before exec */
	/* Filled by climit at run time. */
	char staging[256];       /* temporary directory (tmpfs mount point, tar image), "" if none */
	char tar_root[256];      /* where --rootfs-tar was unpacked */
};

/* Namespaces --isolate gives: pid, mount, uts, ipc, net, cgroup. */
unsigned long iso_default_ns(void);
/* "pid,mount,uts,ipc,net,cgroup,user" -> CLONE_NEW* flags. */
int iso_parse_ns(const char *list, unsigned long *out, const char **why);
/* "sys_admin,CAP_NET_RAW" or "all" -> capability bits. */
int iso_parse_caps(const char *list, uint64_t *out, const char **why);
/* The capabilities an --isolate container keeps by default (Docker's default set: no
 * CAP_SYS_ADMIN, so no mounts, remounts or new cgroup hierarchies inside). */
uint64_t iso_default_caps(void);
bool iso_active(const struct iso_opts *o);
/* Check that the kernel allows each requested namespace kind (names which one and why not). */
int iso_check_support(const struct iso_opts *o, struct err *e);

/* climit's side, after parsing: --rootfs and --overlay-keep must be directories (made
 * absolute), --rootfs-tar a readable file. The parser itself does not touch the filesystem. */
int iso_resolve_paths(struct iso_opts *o, struct err *e);
/* climit's side, before the launch: staging directory, tar unpacking. */
int iso_prepare(struct iso_opts *o, const char *name, struct err *e);
/* climit's side, after the workload ended: remove what iso_prepare made. */
void iso_cleanup(struct iso_opts *o);
/* climit's side: write the user-namespace maps of child pid. */
int iso_write_maps(pid_t pid, struct err *e);

/* In the first child, inside the namespaces: everything up to (not including) the fork of
 * the workload. Returns 0, or -1 with e filled. */
int iso_setup(const struct iso_opts *o, struct err *e);
/* In the workload, just before exec: credentials, capabilities, no_new_privs, environment,
 * working directory, fds above 2 closed on exec. Returns 0 or -1 with e filled. */
int iso_enter(const struct iso_opts *o, struct err *e);

#endif
