/* The kernel's I/O files parsed into struct cg_stats: pure (text in, figures out), called by the
 * v1 and v2 backends' stat readers and by io.c; fixtures in tests/unit. Kept apart from io.c,
 * which works on groups (cg_fd), so that the backends call nothing that calls back into the
 * cgroup layer. */
#define _GNU_SOURCE
#include "io.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "units.h"

/* Each line of a file's text. */
#define EACH_LINE(text, line) \
	for (const char *line = (text); line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)

static const char *const key_names[IO_KEYS] = { "rbps", "wbps", "riops", "wiops" };

const char *io_key_name(enum io_key key)
{
	return key_names[key];
}

const char *io_limit_field(enum io_key key)
{
	static const char *const fields[IO_KEYS] = { "read_limit_bytes_per_second", "write_limit_bytes_per_second",
						     "read_limit_ops_per_second", "write_limit_ops_per_second" };
	return fields[key];
}

static const char *const v1_files[IO_KEYS] = { "blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
					       "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device" };

const char *io_v1_file(enum io_key key)
{
	return v1_files[key];
}

static struct cg_io_dev *dev_slot(struct cg_stats *st, unsigned maj, unsigned min)
{
	for (int i = 0; i < st->io_ndev; i++)
		if (st->io_dev[i].major == maj && st->io_dev[i].minor == min)
			return &st->io_dev[i];
	if (st->io_ndev == CG_IO_DEVS)
		return NULL;
	struct cg_io_dev *d = &st->io_dev[st->io_ndev++];
	*d = (struct cg_io_dev){ .major = maj, .minor = min };
	return d;
}

static struct cg_io_lim *lim_slot(struct cg_stats *st, unsigned maj, unsigned min)
{
	for (int i = 0; i < st->io_nlim; i++)
		if (st->io_lim[i].major == maj && st->io_lim[i].minor == min)
			return &st->io_lim[i];
	if (st->io_nlim == CG_IO_DEVS)
		return NULL;
	struct cg_io_lim *l = &st->io_lim[st->io_nlim++];
	*l = (struct cg_io_lim){ .major = maj, .minor = min, .v = { UNITS_MAX, UNITS_MAX, UNITS_MAX, UNITS_MAX } };
	return l;
}

/* "key=value" in one line (up to its newline). */
bool io_line_value(const char *line, const char *key, uint64_t *out)
{
	size_t klen = strlen(key), len = strcspn(line, "\n");
	for (const char *p = line; p < line + len; p++) {
		if ((p == line || p[-1] == ' ') && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			if (strncmp(p + klen + 1, "max", 3) == 0) {
				*out = UNITS_MAX;
				return true;
			}
			char *end;
			*out = strtoull(p + klen + 1, &end, 10);
			return end != p + klen + 1;
		}
	}
	return false;
}

void io_parse_v2_stat(const char *text, struct cg_stats *st)
{
	EACH_LINE(text, line) {
		unsigned maj, min;
		if (sscanf(line, "%u:%u", &maj, &min) != 2)
			continue;
		uint64_t v[4] = { 0 }, wait;
		io_line_value(line, "rbytes", &v[0]);
		io_line_value(line, "wbytes", &v[1]);
		io_line_value(line, "rios", &v[2]);
		io_line_value(line, "wios", &v[3]);
		st->io_rbytes += v[0];
		st->io_wbytes += v[1];
		st->io_rios += v[2];
		st->io_wios += v[3];
		st->have |= HAVE_IO_OPS;
		if (io_line_value(line, "cost.wait", &wait)) {
			st->io_wait_us += wait;
			st->have |= HAVE_IO_WAIT;
		}
		struct cg_io_dev *d = dev_slot(st, maj, min);
		if (d) {
			d->rbytes += v[0];
			d->wbytes += v[1];
			d->rios += v[2];
			d->wios += v[3];
		}
	}
	st->have |= HAVE_IO;
}

void io_parse_v2_max(const char *text, struct cg_stats *st)
{
	EACH_LINE(text, line) {
		unsigned maj, min;
		if (sscanf(line, "%u:%u", &maj, &min) != 2)
			continue;
		struct cg_io_lim *l = lim_slot(st, maj, min);
		for (int k = 0; l && k < IO_KEYS; k++)
			io_line_value(line, io_key_name((enum io_key)k), &l->v[k]);
	}
}

void io_parse_v1_service(const char *text, bool ops, struct cg_stats *st)
{
	EACH_LINE(text, line) {
		unsigned maj, min;
		char what[16];
		uint64_t v;
		if (sscanf(line, "%u:%u %15s %" SCNu64, &maj, &min, what, &v) != 4)
			continue;
		bool rd = strcmp(what, "Read") == 0;
		if (!rd && strcmp(what, "Write") != 0)
			continue;
		struct cg_io_dev *d = dev_slot(st, maj, min);
		uint64_t *total = ops ? (rd ? &st->io_rios : &st->io_wios) : (rd ? &st->io_rbytes : &st->io_wbytes);
		*total += v;
		if (d)
			*(ops ? (rd ? &d->rios : &d->wios) : (rd ? &d->rbytes : &d->wbytes)) += v;
	}
	st->have |= HAVE_IO;
}

void io_parse_v1_limit(const char *text, enum io_key key, struct cg_stats *st)
{
	EACH_LINE(text, line) {
		unsigned maj, min;
		uint64_t v;
		if (sscanf(line, "%u:%u %" SCNu64, &maj, &min, &v) != 3)
			continue;
		struct cg_io_lim *l = lim_slot(st, maj, min);
		if (l)
			l->v[key] = v ? v : UNITS_MAX;
	}
}

