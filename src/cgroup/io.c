/* Block I/O limits and counters (see io.h). */
#define _GNU_SOURCE
#include "io.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup.h"
#include "units.h"

/* Each line of a file's text. */
#define EACH_LINE(text, line) \
	for (const char *line = (text); line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)

static const char *const key_opts[IO_KEYS] = { "--io-read-bps", "--io-write-bps", "--io-read-iops",
					       "--io-write-iops" };
const char *io_key_option(enum io_key key)
{
	return key_opts[key];
}

int io_parse_arg(struct io_opts *o, int key, const char *opt, const char *arg, const char **why)
{
	if (o->nargs == IO_ARGS)
		return *why = "too many I/O options (at most 16)", -1;
	/* PATH=RATE: the last '=' splits (a path may hold one, a rate never does). */
	const char *eq = strrchr(arg, '=');
	const char *value = eq ? eq + 1 : arg;
	struct io_arg *a = &o->args[o->nargs];
	*a = (struct io_arg){ .key = key, .opt = opt, .arg = arg, .target_len = eq ? (size_t)(eq - arg) : 0 };
	if (eq && eq == arg)
		return *why = "nothing before '=' (use PATH=RATE, DEVICE=RATE or MAJ:MIN=RATE)", -1;
	if (key == IO_WEIGHT) {
		if (units_parse_uint(value, 1, 10000, false, &a->value, why) < 0)
			return -1;
	} else if (key == IO_RBPS || key == IO_WBPS) {
		/* "20M" and "20M/s" alike. */
		char buf[64];
		size_t n = strlen(value);
		if (n >= 2 && strcmp(value + n - 2, "/s") == 0)
			n -= 2;
		if (n >= sizeof buf)
			return *why = "not a rate", -1;
		memcpy(buf, value, n);
		buf[n] = '\0';
		if (units_parse_size(buf, true, &a->value, why) < 0)
			return *why = "not a rate (bytes per second: 512K, 20M, 1G or max)", -1;
		if (a->value == 0)
			return *why = "must be more than 0 (use max for no limit)", -1;
	} else {
		if (units_parse_uint(value, 1, UINT32_MAX, true, &a->value, why) < 0)
			return -1;
	}
	if (!o->first)
		o->first = opt;
	o->nargs++;
	return 0;
}

struct anon_find {
	char devno[32];
	char fstype[32], source[256];
};

static int find_anon(const struct cg_mount *m, void *arg)
{
	struct anon_find *f = arg;
	if (!m->devno || strcmp(m->devno, f->devno) != 0)
		return 0;
	str_copy(f->fstype, m->fstype, sizeof f->fstype);
	str_copy(f->source, m->source, sizeof f->source);
	return 1;
}

/* btrfs, overlayfs, tmpfs, NFS: st_dev is an anonymous number (major 0). The mount's source says
 * which block device holds it, where one does (btrfs: /dev/sdb). */
static int anon_to_block(const char *t, dev_t anon, dev_t *out, struct err *e)
{
	struct anon_find f = { .fstype = "?", .source = "?" };
	snprintf(f.devno, sizeof f.devno, "%u:%u", major(anon), minor(anon));
	_cleanup_free_ char *text = cg_read_mountinfo(e);
	if (!text)
		return -1;
	cg_mountinfo_each(text, find_anon, &f);
	struct stat st;
	if (f.source[0] == '/' && stat(f.source, &st) == 0 && S_ISBLK(st.st_mode)) {
		*out = st.st_rdev;
		return 0;
	}
	return err_set(e, "%s is on %s (mounted from %s), which has no block device to throttle; name the "
			  "device instead (e.g. /dev/sda=RATE)", t, f.fstype, f.source);
}

int io_resolve_target(const char *target, struct io_dev *d, struct err *e)
{
	const char *t = target ? target : ".";
	unsigned maj, min;
	char extra, sys[PATH_MAX], real[PATH_MAX], via[200];
	dev_t dev;
	bool node = false;
	if (sscanf(t, "%u:%u%c", &maj, &min, &extra) == 2) {
		dev = makedev(maj, min);
		via[0] = '\0';
	} else {
		struct stat st;
		if (stat(t, &st) < 0)
			return err_sys(e, errno, "%s", t);
		if (S_ISCHR(st.st_mode))
			return err_set(e, "%s is a character device, not a block device", t);
		if (S_ISBLK(st.st_mode)) {
			dev = st.st_rdev;
			node = true;
		} else {
			dev = st.st_dev;
			if (major(dev) == 0 && anon_to_block(t, dev, &dev, e) < 0)
				return -1;
		}
		if (target)
			snprintf(via, sizeof via, "%s", t);
		else if (getcwd(real, sizeof real))
			snprintf(via, sizeof via, "the working directory %s", real);
		else
			snprintf(via, sizeof via, "the working directory");
	}
	snprintf(sys, sizeof sys, "/sys/dev/block/%u:%u", major(dev), minor(dev));
	if (!realpath(sys, real))
		return err_set(e, "%u:%u is not a block device this kernel knows (no %s)", major(dev), minor(dev), sys);
	const char *base = strrchr(real, '/') + 1;
	char part[64] = "";
	snprintf(sys, sizeof sys, "%s/partition", real);
	if (access(sys, F_OK) == 0) {
		/* The kernel throttles whole disks: a partition's limit goes on its disk. */
		str_copy(part, base, sizeof part);
		*strrchr(real, '/') = '\0';
		base = strrchr(real, '/') + 1;
		char num[32];
		snprintf(sys, sizeof sys, "%s/dev", real);
		if (read_small_file(sys, num, sizeof num, e) < 0 || sscanf(num, "%u:%u", &maj, &min) != 2)
			return err_set(e, "%s: cannot find the disk of partition %s", t, part);
		dev = makedev(maj, min);
	}
	*d = (struct io_dev){ .major = major(dev), .minor = minor(dev) };
	for (int k = 0; k < IO_KEYS; k++)
		d->v[k] = IO_UNSET;
	str_copy(d->name, base, sizeof d->name);
	if (part[0])
		snprintf(d->via, sizeof d->via, "%s%s%s, a partition of %s", via, via[0] ? " is on " : "", part, d->name);
	else if (via[0] && strcmp(via, d->name) != 0)
		snprintf(d->via, sizeof d->via, "%s is %s%s", via, node ? "" : "on ", d->name);
	else
		snprintf(d->via, sizeof d->via, "%s", d->name);
	return 0;
}

int io_resolve(struct io_opts *o, struct err *e)
{
	o->ndev = 0;
	o->weight = IO_UNSET;
	for (int i = 0; i < o->nargs; i++) {
		const struct io_arg *a = &o->args[i];
		char target[PATH_MAX];
		snprintf(target, sizeof target, "%.*s", (int)a->target_len, a->arg);
		struct io_dev d;
		if (io_resolve_target(a->target_len ? target : NULL, &d, e) < 0)
			return err_wrap(e, "%s: \"%s\"", a->opt, a->arg);
		if (a->key == IO_WEIGHT) {
			if (o->weight != IO_UNSET)
				return err_set(e, "%s: \"%s\": given twice", a->opt, a->arg);
			o->weight = a->value;
			o->weight_all = a->target_len == 0;
			o->wdev = d;
			o->weight_arg = a->arg;
			continue;
		}
		int j;
		for (j = 0; j < o->ndev; j++)
			if (o->dev[j].major == d.major && o->dev[j].minor == d.minor)
				break;
		if (j == o->ndev) {
			if (o->ndev == IO_DEVS)
				return err_set(e, "%s: \"%s\": limits on more than %d devices", a->opt, a->arg, IO_DEVS);
			o->dev[o->ndev++] = d;
		}
		struct io_dev *dev = &o->dev[j];
		if (dev->arg[a->key])
			return err_set(e, "%s: \"%s\": %s already has a limit from \"%s\"", a->opt, a->arg, dev->name,
				       dev->arg[a->key]);
		dev->v[a->key] = a->value;
		dev->arg[a->key] = a->arg;
	}
	return 0;
}

/* The scheduler in brackets of /sys/dev/block/M:m/queue/scheduler ("none" if it has none). */
static void scheduler(const struct io_dev *d, char *out, size_t size)
{
	char path[128], buf[256];
	snprintf(path, sizeof path, "/sys/dev/block/%u:%u/queue/scheduler", d->major, d->minor);
	str_copy(out, "none", size);
	if (read_small_file(path, buf, sizeof buf, NULL) < 0)
		return;
	char *l = strchr(buf, '['), *r = l ? strchr(l, ']') : NULL;
	if (l && r)
		snprintf(out, size, "%.*s", (int)(r - l - 1), l + 1);
}

/* io.cost (blk-iocost) turned on for the device in the v2 root's io.cost.qos. */
static bool iocost_enabled(const struct cg_system *sys, const struct io_dev *d)
{
	char path[PATH_MAX], buf[4096], key[48];
	snprintf(path, sizeof path, "%s/io.cost.qos", sys->v2_mount);
	if (read_small_file(path, buf, sizeof buf, NULL) < 0)
		return false;
	snprintf(key, sizeof key, "%u:%u enable=1", d->major, d->minor);
	for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (strncmp(line, key, strlen(key)) == 0)
			return true;
	return false;
}

/* systemd's mapping of the io.weight scale (1..100..10000) onto BFQ's (1..100..1000). */
static uint64_t bfq_weight(uint64_t w)
{
	if (w <= 100)
		return w;
	return 100 + (w - 100) * 900 / 9900;
}

int io_weight_check(const struct cg_system *sys, const struct io_opts *o, struct io_weight_plan *plan, struct err *e)
{
	const struct io_dev *d = &o->wdev;
	bool v2 = sys->mode == CG_V2;
	char sched[32];
	struct io_weight_plan p;
	scheduler(d, sched, sizeof sched);
	if (strcmp(sched, "bfq") == 0) {
		uint64_t w = bfq_weight(o->weight);
		if (o->weight_all)
			snprintf(p.value, sizeof p.value, v2 ? "default %" PRIu64 : "%" PRIu64, w);
		else
			snprintf(p.value, sizeof p.value, "%u:%u %" PRIu64, d->major, d->minor, w);
		p.file = v2 ? "io.bfq.weight" : o->weight_all ? "blkio.bfq.weight" : "blkio.bfq.weight_device";
	} else if (v2 && iocost_enabled(sys, d)) {
		if (o->weight_all)
			snprintf(p.value, sizeof p.value, "default %" PRIu64, o->weight);
		else
			snprintf(p.value, sizeof p.value, "%u:%u %" PRIu64, d->major, d->minor, o->weight);
		p.file = "io.weight";
	} else {
		return err_set(e, "--io-weight: \"%s\": %s has no weight-based I/O control: its scheduler is %s%s "
				  "(as root: echo bfq > /sys/block/%s/queue/scheduler) [%s]", o->weight_arg, d->name, sched,
			       v2 ? " and io.cost is off" : "", d->name, d->via);
	}
	/* What will be written, in words (doctor's line). */
	err_set(e, "\"%s\" to %s", p.value, p.file);
	if (plan)
		*plan = p;
	return 0;
}

static int io_fd(struct cgroup *cg, const char *opt, struct err *e)
{
	int fd = cg_fd(cg, CTRL_IO);
	if (fd < 0)
		return err_set(e, "%s: the io controller is not available here", opt);
	return fd;
}

bool io_in_group(struct cgroup *cg)
{
	int fd = cg_fd(cg, CTRL_IO);
	if (fd < 0)
		return false;
	if (cg->sys->mode != CG_V2)
		return true; /* v1: the group has a directory in the blkio hierarchy */
	/* v2: one directory for every controller; the io files exist only where io is enabled. */
	char buf[512];
	return read_small_file_at(fd, "cgroup.controllers", buf, sizeof buf, NULL) >= 0 &&
	       (cg_parse_controllers(buf) & CTRL_BIT(CTRL_IO));
}

int io_apply_weight(struct cgroup *cg, const struct io_opts *o, struct err *e)
{
	struct io_weight_plan p;
	int fd = io_fd(cg, "--io-weight", e);
	if (fd < 0 || io_weight_check(cg->sys, o, &p, e) < 0)
		return -1;
	const char *file = p.file, *val = p.value;
	if (write_file_at(fd, file, val, e) < 0)
		return err_wrap(e, "--io-weight: \"%s\": cannot write \"%s\" to %s", o->weight_arg, val, file);
	return 0;
}

int io_apply_dev(struct cgroup *cg, const struct io_dev *d, struct err *e)
{
	int fd = io_fd(cg, "--io-*", e);
	if (fd < 0)
		return -1;
	bool v2 = cg->sys->mode == CG_V2;
	char line[256];
	int n = snprintf(line, sizeof line, "%u:%u", d->major, d->minor);
	const char *first = NULL;
	for (int k = 0; k < IO_KEYS; k++) {
		if (d->v[k] == IO_UNSET)
			continue;
		if (!first)
			first = d->arg[k];
		if (v2) {
			if (d->v[k] == UNITS_MAX)
				n += snprintf(line + n, sizeof line - (size_t)n, " %s=max", io_key_name((enum io_key)k));
			else
				n += snprintf(line + n, sizeof line - (size_t)n, " %s=%" PRIu64, io_key_name((enum io_key)k), d->v[k]);
			continue;
		}
		/* v1: one file per key; 0 removes the rule ("max"). */
		char one[64];
		snprintf(one, sizeof one, "%u:%u %" PRIu64, d->major, d->minor, d->v[k] == UNITS_MAX ? 0 : d->v[k]);
		if (write_file_at(fd, io_v1_file(k), one, e) < 0)
			return err_set(e, "%s: \"%s\": the kernel cannot throttle %s (%u:%u): %s", key_opts[k], d->arg[k],
				       d->name, d->major, d->minor, strerror(e->errnum));
	}
	if (v2 && first && write_file_at(fd, "io.max", line, e) < 0) {
		const char *opt = "--io-*";
		for (int k = 0; k < IO_KEYS; k++)
			if (d->arg[k] == first)
				opt = key_opts[k];
		return err_set(e, "%s: \"%s\": the kernel cannot throttle %s (%u:%u): %s", opt, first, d->name,
			       d->major, d->minor, strerror(e->errnum));
	}
	return 0;
}

int io_apply(struct cgroup *cg, const struct io_opts *o, struct err *e)
{
	if (!o->first)
		return 0;
	if (io_fd(cg, o->first, e) < 0)
		return -1;
	for (int i = 0; i < o->ndev; i++)
		if (io_apply_dev(cg, &o->dev[i], e) < 0)
			return -1;
	if (o->weight != IO_UNSET && io_apply_weight(cg, o, e) < 0)
		return -1;
	return 0;
}

int io_read_dev(struct cgroup *cg, unsigned major, unsigned minor, struct cg_io_lim *l, struct err *e)
{
	*l = (struct cg_io_lim){ .major = major, .minor = minor, .v = { UNITS_MAX, UNITS_MAX, UNITS_MAX, UNITS_MAX } };
	int fd = io_fd(cg, "--io-*", e);
	if (fd < 0)
		return -1;
	bool v2 = cg->sys->mode == CG_V2;
	char key[32], buf[16384];
	size_t klen = (size_t)snprintf(key, sizeof key, "%u:%u ", major, minor);
	for (int k = 0; k < (v2 ? 1 : IO_KEYS); k++) {
		if (read_small_file_at(fd, v2 ? "io.max" : io_v1_file(k), buf, sizeof buf, e) < 0)
			return -1;
		EACH_LINE(buf, line) {
			if (strncmp(line, key, klen) != 0)
				continue;
			uint64_t v;
			if (v2)
				for (int j = 0; j < IO_KEYS; j++)
					io_line_value(line, io_key_name((enum io_key)j), &l->v[j]);
			else if (sscanf(line + klen, "%" SCNu64, &v) == 1)
				l->v[k] = v ? v : UNITS_MAX;
		}
	}
	return 0;
}

int io_read_weight(struct cgroup *cg, const struct io_opts *o, const struct io_weight_plan *p, char *out, size_t size,
		   struct err *e)
{
	int fd = io_fd(cg, "--io-weight", e);
	char buf[8192], key[32];
	if (fd < 0 || read_small_file_at(fd, p->file, buf, sizeof buf, e) < 0)
		return -1;
	size_t klen = (size_t)snprintf(key, sizeof key, "%u:%u ", o->wdev.major, o->wdev.minor);
	const char *own = NULL, *dflt = NULL;
	EACH_LINE(buf, line) {
		if (!o->weight_all && strncmp(line, key, klen) == 0)
			own = line + klen;
		else if (strncmp(line, "default ", 8) == 0)
			dflt = line + 8;
		else if (line[0] >= '0' && line[0] <= '9' && !memchr(line, ':', strcspn(line, "\n")))
			dflt = line; /* v1 blkio.bfq.weight: the number alone */
	}
	const char *v = own ? own : dflt;
	size_t len = v ? strcspn(v, " \n") : 0;
	if (!len || strspn(v, "0123456789") != len || len >= size)
		return err_set(e, "--io-weight: %s says no weight for %s", p->file, o->weight_all ? "every disk" : o->wdev.name);
	snprintf(out, size, "%.*s", (int)len, v);
	return 0;
}

const char *io_dev_name(unsigned major, unsigned minor)
{
	static struct {
		unsigned major, minor;
		char name[32];
	} cache[32];
	static int n, next;
	for (int i = 0; i < n; i++)
		if (cache[i].major == major && cache[i].minor == minor)
			return cache[i].name;
	int i = n < 32 ? n++ : next++ % 32;
	cache[i].major = major;
	cache[i].minor = minor;
	char path[64], link[PATH_MAX];
	snprintf(path, sizeof path, "/sys/dev/block/%u:%u", major, minor);
	ssize_t len = readlink(path, link, sizeof link - 1);
	if (len > 0) {
		link[len] = '\0';
		const char *b = strrchr(link, '/');
		str_copy(cache[i].name, b ? b + 1 : link, sizeof cache[i].name);
	} else {
		snprintf(cache[i].name, sizeof cache[i].name, "%u:%u", major, minor);
	}
	return cache[i].name;
}

int io_rows(const struct cg_stats *st, struct io_row *rows, int max)
{
	int n = 0;
	for (int i = 0; i < st->io_ndev && n < max; i++)
		rows[n++] = (struct io_row){ st->io_dev[i].major, st->io_dev[i].minor, NULL, &st->io_dev[i], NULL };
	for (int i = 0; i < st->io_nlim; i++) {
		const struct cg_io_lim *l = &st->io_lim[i];
		bool any = false;
		for (int k = 0; k < IO_KEYS; k++)
			any |= l->v[k] != UNITS_MAX;
		if (!any)
			continue;
		int j;
		for (j = 0; j < n; j++)
			if (rows[j].major == l->major && rows[j].minor == l->minor)
				break;
		if (j == n) {
			if (n == max)
				continue;
			rows[n++] = (struct io_row){ l->major, l->minor, NULL, NULL, NULL };
		}
		rows[j].l = l;
	}
	for (int i = 0; i < n; i++)
		rows[i].name = io_dev_name(rows[i].major, rows[i].minor);
	return n;
}

void io_limit_text(const struct cg_io_lim *l, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int k = 0; l && k < IO_KEYS && n < size; k++) {
		if (l->v[k] == UNITS_MAX)
			continue;
		char num[32];
		bool bytes = k == IO_RBPS || k == IO_WBPS;
		if (bytes)
			units_format_size(l->v[k], num, sizeof num);
		else
			units_format_u64(l->v[k], num, sizeof num);
		n += (size_t)snprintf(buf + n, size - n, "%s%s %s%s", n ? ", " : "", k == IO_RBPS || k == IO_RIOPS ? "read" : "write",
				      num, bytes ? "/s" : " IOPS");
	}
}
