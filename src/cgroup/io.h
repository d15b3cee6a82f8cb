/* Block I/O: the --io-* limits (a path or a device resolved to the disk the kernel throttles),
 * writing them (v2 io.max, io.weight / io.bfq.weight; v1 blkio.throttle.*, blkio.bfq.weight),
 * and parsing the kernel's I/O counters and limits into struct cg_stats. */
#ifndef CLIMIT_IO_H
#define CLIMIT_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

enum io_key { IO_RBPS, IO_WBPS, IO_RIOPS, IO_WIOPS, IO_KEYS };
#define IO_WEIGHT IO_KEYS /* io_arg.key of --io-weight */
#define IO_ARGS 16
#define IO_DEVS 8
#define IO_UNSET (UINT64_MAX - 1) /* same as units.h's OPT_UNSET */

/* One --io-* option as typed, before its device is resolved. */
struct io_arg {
	int key;            /* enum io_key, or IO_WEIGHT */
	const char *opt;    /* "--io-read-bps" */
	const char *arg;    /* as typed: "/var/lib/db=20M" */
	size_t target_len;  /* arg[0..target_len) names the device; 0: the working directory's */
	uint64_t value;     /* bytes/s, IOs/s or weight; UNITS_MAX = "max" */
};

/* One device with what is asked of it, after resolution. */
struct io_dev {
	unsigned major, minor;
	char name[32];            /* the kernel's name: "vda", "loop3", "dm-0" */
	char via[200];            /* how it was found: "/var/lib/db is on vda1, a partition of vda" */
	uint64_t v[IO_KEYS];      /* IO_UNSET where not given */
	const char *arg[IO_KEYS]; /* each as typed, for messages */
};

struct io_opts {
	int nargs;
	struct io_arg args[IO_ARGS];
	const char *first;        /* the first --io-* option given, NULL if none */
	/* Filled by io_resolve: */
	int ndev;
	struct io_dev dev[IO_DEVS];
	uint64_t weight;          /* 1..10000, IO_UNSET if not given */
	bool weight_all;          /* no device named: "default N" (checked on the working directory's) */
	struct io_dev wdev;       /* the device --io-weight was checked on */
	const char *weight_arg;
};

/* Pure: record one --io-* option (key: enum io_key or IO_WEIGHT); -1 with *why otherwise. */
int io_parse_arg(struct io_opts *o, int key, const char *opt, const char *arg, const char **why);
/* Resolve every target to the device the kernel throttles (a partition to its disk; a file to
 * the filesystem's device, through mountinfo for btrfs and other anonymous devices). -1 with e
 * filled as "--opt: \"arg\": reason". */
int io_resolve(struct io_opts *o, struct err *e);
/* One target (a path, /dev/NODE or MAJ:MIN; NULL: the working directory) -> its device. */
int io_resolve_target(const char *target, struct io_dev *d, struct err *e);

struct cgroup;
struct cg_stats;
/* Where --io-weight goes (the disk's scheduler decides: bfq, or v2 io.cost): 0 with plan filled
 * (plan may be NULL) and e holding the plan in words, or -1 with e saying why it cannot act. */
struct cg_system;
struct io_weight_plan {
	const char *file;
	char value[64];
};
int io_weight_check(const struct cg_system *sys, const struct io_opts *o, struct io_weight_plan *plan, struct err *e);
/* Write the limits and the weight into the group; -1 with e naming the option and the fix. */
int io_apply(struct cgroup *cg, const struct io_opts *o, struct err *e);
/* The group has the io controller (v2: in its cgroup.controllers, which systemd may leave out). */
bool io_in_group(struct cgroup *cg);
/* The parts of it: one device's limits (the keys not IO_UNSET), and the weight. */
int io_apply_dev(struct cgroup *cg, const struct io_dev *d, struct err *e);
int io_apply_weight(struct cgroup *cg, const struct io_opts *o, struct err *e);
/* What is in force now: one device's limits (UNITS_MAX where none), and the weight the plan's
 * file gives the device (its own line, else the default) as the kernel writes it ("136"). */
struct cg_io_lim;
int io_read_dev(struct cgroup *cg, unsigned major, unsigned minor, struct cg_io_lim *l, struct err *e);
int io_read_weight(struct cgroup *cg, const struct io_opts *o, const struct io_weight_plan *p, char *out, size_t size,
		   struct err *e);

/* Parsers of the kernel's files into st (pure, in iostat.c; fixtures in tests/unit). */
/* The number after KEY= in LINE ("rbps=100"); false without one ("max" is UNITS_MAX). */
bool io_line_value(const char *line, const char *key, uint64_t *out);
void io_parse_v2_stat(const char *text, struct cg_stats *st);
void io_parse_v2_max(const char *text, struct cg_stats *st);
/* v1 blkio.throttle.io_service_bytes_recursive (ops false) / io_serviced_recursive (true). */
void io_parse_v1_service(const char *text, bool ops, struct cg_stats *st);
/* v1 blkio.throttle.{read,write}_{bps,iops}_device ("MAJ:MIN VALUE" lines). */
void io_parse_v1_limit(const char *text, enum io_key key, struct cg_stats *st);
/* The devices of st with their counters and limits side by side (either may be NULL), in the
 * order the kernel listed them; returns the count (at most max). */
struct io_row {
	unsigned major, minor;
	const char *name;
	const struct cg_io_dev *c;
	const struct cg_io_lim *l;
};
int io_rows(const struct cg_stats *st, struct io_row *rows, int max);
/* A device's limits in words: "read 20M/s, write 100 IOPS"; "" if none (l may be NULL). */
void io_limit_text(const struct cg_io_lim *l, char *buf, size_t size);
/* The kernel's name of a block device ("vda"; "8:0" if sysfs does not say), cached. */
const char *io_dev_name(unsigned major, unsigned minor);
/* "rbps", "wbps", "riops", "wiops" and the option names. */
const char *io_key_name(enum io_key key);
const char *io_key_option(enum io_key key);
/* A key's limit in climit's JSON (one vocabulary, climit-interfaces(7)):
 * "read_limit_bytes_per_second", ..., "write_limit_ops_per_second". */
const char *io_limit_field(enum io_key key);
/* v1 blkio.throttle.{read,write}_{bps,iops}_device of a key. */
const char *io_v1_file(enum io_key key);

#endif
