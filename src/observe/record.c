/* The recording format: JSON Lines (see record.h and climit-interfaces(7)). */
#define _GNU_SOURCE
#include "record.h"

#include <errno.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "jsonlib.h"
#include "units.h"

#ifndef CLIMIT_VERSION
#define CLIMIT_VERSION "0.1.0"
#endif

#define F(n, v1, k, m, h, w) { n, v1, k, offsetof(struct cg_stats, m), h, w }
const struct rec_field rec_fields[] = {
	F("cpu_usage_seconds", "cpu_usec", REC_USEC, cpu_usage_us, HAVE_CPU, "CPU time used, seconds (counter)"),
	F("cpu_periods", "periods", REC_U64, nr_periods, HAVE_THROTTLE, "CFS periods with runnable tasks (counter)"),
	F("cpu_throttled_periods", "throttled_periods", REC_U64, nr_throttled, HAVE_THROTTLE,
	  "periods in which the quota ran out (counter)"),
	F("cpu_throttled_seconds", "throttled_usec", REC_USEC, throttled_us, HAVE_THROTTLE, "time throttled, seconds (counter)"),
	F("cpu_limit_percent", "cpu_max_pct", REC_PCT_LIMIT, cpu_limit_pct, HAVE_CPU, "CPU quota, % of one CPU (null: none)"),
	F("memory_bytes", "mem", REC_U64, mem_current, HAVE_MEM, "memory in use, bytes"),
	F("memory_peak_bytes", "mem_peak", REC_U64, mem_peak, HAVE_MEM_PEAK, "highest memory use so far, bytes"),
	F("memory_limit_bytes", "mem_max", REC_LIMIT, mem_max, HAVE_MEM, "memory limit, bytes (null: none)"),
	F("swap_bytes", "swap", REC_U64, swap_current, HAVE_SWAP, "swap in use, bytes"),
	F("oom_kills", "oom_kills", REC_U64, oom_kills, HAVE_OOM, "processes killed by the OOM killer (counter)"),
	F("pids", "pids", REC_U64, pids_current, HAVE_PIDS, "tasks"),
	F("pids_peak", "pids_peak", REC_U64, pids_peak, HAVE_PIDS_PEAK, "most tasks so far"),
	F("pids_limit", "pids_max", REC_LIMIT, pids_max, HAVE_PIDS, "task limit (null: none)"),
	F("pids_refused", "pids_refused", REC_U64, pids_refused, HAVE_PIDS_EVENTS, "forks refused by the task limit (counter)"),
	F("psi_cpu_some_avg10", "psi_cpu", REC_DBL, psi_cpu_avg10, HAVE_PSI, "CPU pressure, some avg10, %"),
	F("psi_memory_some_avg10", "psi_mem", REC_DBL, psi_mem_avg10, HAVE_PSI, "memory pressure, some avg10, %"),
	F("psi_io_some_avg10", "psi_io", REC_DBL, psi_io_avg10, HAVE_PSI_IO, "I/O pressure, some avg10, %"),
	F("io_read_bytes", "io_read_bytes", REC_U64, io_rbytes, HAVE_IO, "bytes read from disks (counter)"),
	F("io_write_bytes", "io_write_bytes", REC_U64, io_wbytes, HAVE_IO, "bytes written to disks (counter)"),
};
#undef F
const size_t rec_nfields = sizeof rec_fields / sizeof rec_fields[0];

static double secs(const struct rec_writer *w, uint64_t now)
{
	return now > w->start_ns ? (double)(now - w->start_ns) / 1e9 : 0.0;
}

static FILE *out(struct rec_writer *w)
{
	if (!w->mem)
		w->mem = open_memstream(&w->buf, &w->len);
	return w->mem;
}

int rec_open(struct rec_writer *w, const char *path, struct err *e)
{
	*w = (struct rec_writer){ .fd = -1 };
	str_copy(w->path, path, sizeof w->path);
	/* A new file, or one of the caller's own written in place (truncated by rec_header, once
	 * the run is sure to start); never through another user's link or into their file. */
	if (out_open(&w->out, path, OUT_STREAM, 0, e) < 0) {
		w->out.dirfd = -1;
		return err_wrap(e, "--record");
	}
	w->fd = take_fd(&w->out.fd);
	w->created = w->out.created;
	w->start_ns = now_ns();
	return 0;
}

void rec_discard(struct rec_writer *w)
{
	if (w->mem) {
		fclose(w->mem);
		w->mem = NULL;
		free(w->buf);
		w->buf = NULL;
	}
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	out_abort(&w->out); /* removes the file only if rec_open made it */
	w->created = false;
}

/* "name": with the comma that separates it from the member before (none before the first). */
static void member(FILE *f, bool *first, const char *name)
{
	fprintf(f, "%s\"%s\":", *first ? "" : ",", name);
	*first = false;
}

static void limit_field(FILE *f, bool *first, const char *name, uint64_t v)
{
	if (v == OPT_UNSET)
		return;
	member(f, first, name);
	if (v == UNITS_MAX)
		fputs("null", f);
	else
		fprintf(f, "%" PRIu64, v);
}

int rec_header(struct rec_writer *w, const struct rec_header *h, struct err *e)
{
	struct stat st;
	if (!w->created && fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(w->fd, 0) < 0)
		return err_sys(e, errno, "--record: \"%s\": cannot truncate it", w->path);
	FILE *f = out(w);
	if (!f || w->fd < 0)
		return err_sys(e, errno ? errno : EIO, "--record: \"%s\": cannot write it", w->path);
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	/* The wall-clock time of t = 0 (the writer's start), for exports with absolute times. */
	double unix0 = (double)rt.tv_sec + (double)rt.tv_nsec / 1e9 - secs(w, now_ns());
	time_t s0 = (time_t)unix0;
	struct tm tm;
	gmtime_r(&s0, &tm);
	char iso[40];
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "{\"type\":\"header\",\"format\":\"%s\",\"version\":%d,\"climit\":\"%s\",\"source\":\"%s\"", REC_FORMAT,
		REC_VERSION, CLIMIT_VERSION, h->source);
	fprintf(f, ",\"start\":\"%s.%03dZ\",\"start_unix_seconds\":%.3f,\"interval_seconds\":%.3f", iso,
		(int)((unix0 - (double)s0) * 1000) % 1000, unix0, (double)h->interval_ns / 1e9);
	fputs(",\"command\":[", f);
	for (int i = 0; h->argv && h->argv[i]; i++) {
		if (i)
			fputc(',', f);
		json_text(f, h->argv[i]);
	}
	fputc(']', f);
	if (h->name) {
		fputs(",\"name\":", f);
		json_text(f, h->name);
	}
	fputs(",\"cgroup\":", f);
	json_text(f, h->cgroup ? h->cgroup : "");
	fprintf(f, ",\"cgroup_version\":\"%s\",\"limits\":{", h->cgroup_version);
	/* Each limit as asked; null for "max", absent when not given. */
	bool first = true;
	limit_field(f, &first, "memory_limit_bytes", h->mem_max);
	limit_field(f, &first, "memory_high_bytes", h->mem_high);
	limit_field(f, &first, "swap_limit_bytes", h->swap_max);
	limit_field(f, &first, "pids_limit", h->pids_max);
	if (h->cpu_quota_us != OPT_UNSET) {
		member(f, &first, "cpu_limit_percent");
		if (h->cpu_quota_us == UNITS_MAX)
			fputs("null", f);
		else
			fprintf(f, "%.1f", (double)h->cpu_quota_us * 100.0 / CPU_PERIOD_US);
	}
	limit_field(f, &first, "cpu_weight", h->cpu_weight);
	if (h->cpus) {
		member(f, &first, "cpus");
		json_text(f, h->cpus);
	}
	if (h->timeout_ns) {
		member(f, &first, "timeout_seconds");
		fprintf(f, "%.3f", (double)h->timeout_ns / 1e9);
	}
	struct utsname u;
	struct sysinfo si;
	char host[256] = "";
	uname(&u);
	sysinfo(&si);
	gethostname(host, sizeof host - 1);
	fputs("},\"host\":{\"hostname\":", f);
	json_text(f, host);
	fputs(",\"kernel\":", f);
	json_text(f, u.release);
	fprintf(f, ",\"cpus\":%ld,\"memory_bytes\":%" PRIu64 "}}\n", sysconf(_SC_NPROCESSORS_ONLN),
		(uint64_t)si.totalram * si.mem_unit);
	rec_flush(w);
	if (w->failed)
		return err_sys(e, w->errnum, "--record: \"%s\": cannot write it", w->path);
	w->started = true;
	return 0;
}

void rec_sample(struct rec_writer *w, uint64_t now, const char *group, const struct cg_stats *st)
{
	FILE *f = out(w);
	if (!f || w->fd < 0)
		return;
	fprintf(f, "{\"type\":\"sample\",\"t\":%.3f,\"group\":", secs(w, now));
	json_text(f, group);
	for (size_t i = 0; i < rec_nfields; i++) {
		const struct rec_field *d = &rec_fields[i];
		if (!(st->have & d->have))
			continue;
		const void *p = (const char *)st + d->off;
		uint64_t u;
		double x;
		switch (d->kind) {
		case REC_U64:
			memcpy(&u, p, sizeof u);
			fprintf(f, ",\"%s\":%" PRIu64, d->name, u);
			break;
		case REC_USEC:
			memcpy(&u, p, sizeof u);
			fprintf(f, ",\"%s\":%" PRIu64 ".%06" PRIu64, d->name, u / 1000000, u % 1000000);
			break;
		case REC_LIMIT:
			memcpy(&u, p, sizeof u);
			if (u == UNITS_MAX)
				fprintf(f, ",\"%s\":null", d->name);
			else
				fprintf(f, ",\"%s\":%" PRIu64, d->name, u);
			break;
		case REC_DBL:
			memcpy(&x, p, sizeof x);
			fprintf(f, ",\"%s\":%.2f", d->name, x);
			break;
		case REC_PCT_LIMIT:
			memcpy(&x, p, sizeof x);
			if (x <= 0)
				fprintf(f, ",\"%s\":null", d->name);
			else
				fprintf(f, ",\"%s\":%.1f", d->name, x);
			break;
		}
	}
	fputs("}\n", f);
}

void rec_event(struct rec_writer *w, uint64_t now, const char *group, const char *kind, const char *text,
	       int pid, const char *comm, uint64_t rss)
{
	FILE *f = out(w);
	if (!f || w->fd < 0)
		return;
	fprintf(f, "{\"type\":\"event\",\"t\":%.3f", secs(w, now));
	if (group) {
		fputs(",\"group\":", f);
		json_text(f, group);
	}
	fprintf(f, ",\"kind\":\"%s\",\"text\":", kind);
	json_text(f, text);
	if (pid > 0)
		fprintf(f, ",\"pid\":%d", pid);
	if (comm && *comm) {
		fputs(",\"comm\":", f);
		json_text(f, comm);
	}
	if (rss)
		fprintf(f, ",\"rss_bytes\":%" PRIu64, rss);
	fputs("}\n", f);
}

void rec_end(struct rec_writer *w, uint64_t now, int exit_status, const char *how)
{
	FILE *f = out(w);
	if (!f || w->fd < 0)
		return;
	fprintf(f, "{\"type\":\"end\",\"t\":%.3f,\"exit_status\":%d,\"how\":\"%s\"}\n", secs(w, now), exit_status, how);
	rec_flush(w);
}

void rec_flush(struct rec_writer *w)
{
	if (!w->mem)
		return;
	fclose(w->mem); /* buf and len now hold everything formatted */
	w->mem = NULL;
	const char *p = w->buf;
	size_t left = w->len;
	uint64_t whole = w->written; /* the file ends with a whole line here */
	while (w->fd >= 0 && left > 0) {
		ssize_t n = write(w->fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* A full disk must not end the run: the recording stops, and says why once (the
			 * header's failure is rec_header's caller's to say). */
			w->errnum = n < 0 ? errno : ENOSPC;
			if (w->started)
				fprintf(stderr, "climit: --record: \"%s\": %s; recording stopped\n", w->path,
					strerror(w->errnum));
			w->failed = true;
			/* Part of the lines went out: cut the file back to its last whole line, so it
			 * reads back like one from a SIGKILLed climit. */
			if (w->written != whole && ftruncate(w->fd, (off_t)whole) == 0)
				w->written = whole;
			close(w->fd);
			w->fd = -1;
			break;
		}
		p += n;
		left -= (size_t)n;
		w->written += (uint64_t)n;
	}
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

void rec_close(struct rec_writer *w)
{
	rec_flush(w);
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	w->out.created = false; /* it stays */
	out_abort(&w->out);
}

/* ---- reading ---- */

static const json_t *get(const json_t *o, const char *k)
{
	return jsn.object_get(o, k);
}

static void get_str(const json_t *o, const char *k, char *out, size_t size)
{
	const json_t *v = get(o, k);
	const char *s = v && json_is_string(v) ? jsn.string_value(v) : NULL;
	str_copy(out, s ? s : "", size);
}

static double get_num(const json_t *o, const char *k, double dflt)
{
	const json_t *v = get(o, k);
	return v && json_is_number(v) ? jsn.number_value(v) : dflt;
}

static int group_index(struct rec_run *r, const char *name)
{
	for (int i = r->ngroups - 1; i >= 0; i--)
		if (strcmp(r->groups[i], name) == 0)
			return i;
	if (!grow_for(&r->groups, (size_t)r->ngroups, 16, sizeof *r->groups))
		return -1;
	str_copy(r->groups[r->ngroups], name, sizeof r->groups[0]);
	return r->ngroups++;
}

static int parse_header(struct rec_run *r, const json_t *o, const char **why)
{
	char fmt[32];
	get_str(o, "format", fmt, sizeof fmt);
	if (strcmp(fmt, REC_FORMAT) != 0)
		return *why = "not a climit recording (its header has no \"format\":\"" REC_FORMAT "\")", -1;
	r->version = (int)get_num(o, "version", 0);
	static char vwhy[160];
	if (r->version > REC_VERSION) {
		snprintf(vwhy, sizeof vwhy, "format version %d is newer than this climit reads (%d): use a newer climit",
			 r->version, REC_VERSION);
		return *why = vwhy, -1;
	}
	if (r->version < 1)
		return *why = "the header has no valid \"version\"", -1;
	get_str(o, "source", r->source, sizeof r->source);
	get_str(o, "climit", r->climit, sizeof r->climit);
	get_str(o, "start", r->start, sizeof r->start);
	get_str(o, "name", r->name, sizeof r->name);
	get_str(o, "cgroup", r->cgroup, sizeof r->cgroup);
	get_str(o, "cgroup_version", r->cgroup_version, sizeof r->cgroup_version);
	bool v1 = r->version < 2;
	r->start_unix = get_num(o, v1 ? "start_unix" : "start_unix_seconds", 0);
	r->interval = get_num(o, v1 ? "interval_sec" : "interval_seconds", 0);
	const json_t *cmd = get(o, "command");
	size_t n = 0;
	for (size_t i = 0; cmd && i < jsn.array_size(cmd); i++) {
		const char *a = jsn.string_value(jsn.array_get(cmd, i));
		if (a && n + strlen(a) + 2 < sizeof r->command)
			n += (size_t)snprintf(r->command + n, sizeof r->command - n, "%s%s", i ? " " : "", a);
	}
	const json_t *lim = get(o, "limits");
	r->mem_max = r->pids_max = UNITS_MAX;
	if (lim) {
		double m = get_num(lim, v1 ? "memory_max" : "memory_limit_bytes", -1),
		       p = get_num(lim, v1 ? "pids_max" : "pids_limit", -1);
		if (m >= 0)
			r->mem_max = (uint64_t)m;
		if (p >= 0)
			r->pids_max = (uint64_t)p;
		r->cpu_max_pct = get_num(lim, v1 ? "cpu_max_pct" : "cpu_limit_percent", 0);
	}
	const json_t *h = get(o, "host");
	if (h) {
		get_str(h, "hostname", r->hostname, sizeof r->hostname);
		get_str(h, "kernel", r->kernel, sizeof r->kernel);
		r->host_cpus = (unsigned)get_num(h, "cpus", 0);
		r->host_mem = (uint64_t)get_num(h, v1 ? "memory" : "memory_bytes", 0);
	}
	return 0;
}

static int parse_sample(struct rec_run *r, const json_t *o, const char **why)
{
	if (!grow_for(&r->s, r->ns, 1024, sizeof *r->s))
		return *why = "out of memory", -1;
	struct rec_sample *s = &r->s[r->ns];
	memset(s, 0, sizeof *s);
	s->t = get_num(o, "t", -1);
	char g[256];
	get_str(o, "group", g, sizeof g);
	if (s->t < 0 || !g[0])
		return *why = "a sample without \"t\" or \"group\"", -1;
	if ((s->group = group_index(r, g)) < 0)
		return *why = "out of memory", -1;
	s->st.mem_max = s->st.pids_max = UNITS_MAX;
	for (size_t i = 0; i < rec_nfields; i++) {
		const struct rec_field *d = &rec_fields[i];
		const char *key = r->version < 2 ? d->v1 : d->name; /* as this file spells it */
		const json_t *v = get(o, key);
		if (!v)
			continue;
		void *p = (char *)&s->st + d->off;
		if (json_is_null(v)) {
			if (d->kind == REC_LIMIT) {
				uint64_t u = UNITS_MAX;
				memcpy(p, &u, sizeof u);
				s->st.have |= d->have;
			}
			continue; /* REC_PCT_LIMIT: 0 is none */
		}
		if (!json_is_number(v)) {
			static char bad[120];
			snprintf(bad, sizeof bad, "\"%s\" is not a number", key);
			return *why = bad, -1;
		}
		double x = jsn.number_value(v);
		if (d->kind == REC_USEC) {
			/* Seconds since version 2, microseconds before. */
			uint64_t u = r->version < 2 ? (uint64_t)x : (uint64_t)(x * 1e6 + 0.5);
			memcpy(p, &u, sizeof u);
		} else if (d->kind == REC_U64 || d->kind == REC_LIMIT) {
			uint64_t u = json_is_integer(v) ? (uint64_t)jsn.integer_value(v) : (uint64_t)x;
			memcpy(p, &u, sizeof u);
		} else {
			memcpy(p, &x, sizeof x);
		}
		s->st.have |= d->have;
	}
	r->ns++;
	return 0;
}

static int parse_event(struct rec_run *r, const json_t *o, const char **why)
{
	if (!grow_for(&r->ev, r->nev, 64, sizeof *r->ev))
		return *why = "out of memory", -1;
	struct rec_event *ev = &r->ev[r->nev];
	memset(ev, 0, sizeof *ev);
	ev->t = get_num(o, "t", -1);
	get_str(o, "kind", ev->kind, sizeof ev->kind);
	if (ev->t < 0 || !ev->kind[0])
		return *why = "an event without \"t\" or \"kind\"", -1;
	char g[256];
	get_str(o, "group", g, sizeof g);
	ev->group = g[0] ? group_index(r, g) : -1;
	get_str(o, "text", ev->text, sizeof ev->text);
	get_str(o, "comm", ev->comm, sizeof ev->comm);
	ev->pid = (int)get_num(o, "pid", 0);
	ev->rss = (uint64_t)get_num(o, r->version < 2 ? "rss" : "rss_bytes", 0);
	r->nev++;
	return 0;
}

int rec_parse_line(struct rec_run *r, const char *line, size_t len, const char **why)
{
	json_error_t je;
	json_t *o = jsn.loadb(line, len, 0, &je);
	if (!o || !json_is_object(o)) {
		static char bad[200];
		snprintf(bad, sizeof bad, "not a JSON object (%s)", o ? "another JSON value" : je.text);
		if (o)
			jsn.delete(o);
		return *why = bad, -1;
	}
	char type[16];
	get_str(o, "type", type, sizeof type);
	int rc;
	if (!r->version && strcmp(type, "header") != 0)
		rc = (*why = "the first record is not the header: not a climit recording", -1);
	else if (strcmp(type, "header") == 0) {
		rc = r->version ? (*why = "a second header", -1) : parse_header(r, o, why);
		if (rc == 0 && !(r->header_line = strndup(line, len)))
			rc = (*why = "out of memory", -1);
	}
	else if (strcmp(type, "sample") == 0)
		rc = parse_sample(r, o, why);
	else if (strcmp(type, "event") == 0)
		rc = parse_event(r, o, why);
	else if (strcmp(type, "end") == 0) {
		r->ended = true;
		r->end_t = get_num(o, "t", 0);
		r->exit_status = (int)get_num(o, "exit_status", -1);
		get_str(o, "how", r->how, sizeof r->how);
		rc = 0;
	} else {
		rc = 0; /* a record type of a later minor addition: skipped, as the format promises */
	}
	jsn.delete(o);
	return rc;
}

int rec_load(const char *path, struct rec_run *r, struct err *e)
{
	*r = (struct rec_run){ .exit_status = -1 };
	str_copy(r->path, path, sizeof r->path);
	const char *why = jsn_load();
	if (why)
		return err_set(e, "\"%s\": reading a recording needs jansson: %s (apt-get install libjansson4)", path, why);
	FILE *f = fopen(path, "re");
	if (!f)
		return err_sys(e, errno, "\"%s\"", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int rc = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] != '\n') {
			rc = err_code(e, EINVAL, "\"%s\": line %u: truncated (the last record has no end of line)", path,
				      lineno);
			break;
		}
		if (n == 1)
			continue;
		if (rec_parse_line(r, line, (size_t)n - 1, &why) < 0) {
			rc = err_code(e, EINVAL, "\"%s\": line %u: %s", path, lineno, why);
			break;
		}
	}
	if (rc == 0 && ferror(f))
		rc = err_sys(e, errno, "\"%s\": cannot read it", path);
	if (rc == 0 && !r->version)
		rc = err_code(e, EINVAL, "\"%s\": %s", path, lineno ? "no header: not a climit recording" : "empty file");
	free(line);
	fclose(f);
	if (rc < 0)
		rec_free(r);
	return rc;
}

void rec_free(struct rec_run *r)
{
	free(r->header_line);
	r->header_line = NULL;
	free(r->groups);
	free(r->s);
	free(r->ev);
	r->groups = NULL;
	r->s = NULL;
	r->ev = NULL;
	r->ns = r->nev = 0;
	r->ngroups = 0;
}

bool rec_field_value(const struct cg_stats *st, size_t i, double *v)
{
	const struct rec_field *d = &rec_fields[i];
	if (!(st->have & d->have))
		return false;
	const void *p = (const char *)st + d->off;
	uint64_t u;
	if (d->kind == REC_USEC) {
		memcpy(&u, p, sizeof u);
		*v = (double)u / 1e6;
		return true;
	}
	if (d->kind == REC_U64 || d->kind == REC_LIMIT) {
		memcpy(&u, p, sizeof u);
		*v = (double)u;
		return d->kind == REC_U64 || u != UNITS_MAX;
	}
	memcpy(v, p, sizeof *v);
	return d->kind == REC_DBL || *v > 0;
}

const struct rec_sample *rec_prev(const struct rec_run *r, size_t i)
{
	for (size_t j = i; j-- > 0;)
		if (r->s[j].group == r->s[i].group)
			return &r->s[j];
	return NULL;
}

static double delta(uint64_t a, uint64_t b)
{
	return b >= a ? (double)(b - a) : 0.0; /* counters never go back; a reset reads as 0 */
}

void rec_rates(const struct rec_sample *prev, const struct rec_sample *cur, struct rec_rates *o)
{
	*o = (struct rec_rates){ 0 };
	if (!prev || cur->t <= prev->t)
		return;
	double dt = cur->t - prev->t;
	const struct cg_stats *a = &prev->st, *b = &cur->st;
	if (a->have & b->have & HAVE_CPU)
		o->cpu_pct = delta(a->cpu_usage_us, b->cpu_usage_us) / (dt * 1e6) * 100.0;
	if ((a->have & b->have & HAVE_THROTTLE) && b->nr_periods > a->nr_periods)
		o->throttled_pct = delta(a->nr_throttled, b->nr_throttled) * 100.0 / delta(a->nr_periods, b->nr_periods);
	if (a->have & b->have & HAVE_PIDS_EVENTS)
		o->refused_rate = delta(a->pids_refused, b->pids_refused) / dt;
	if (a->have & b->have & HAVE_IO) {
		o->io_read_rate = delta(a->io_rbytes, b->io_rbytes) / dt;
		o->io_write_rate = delta(a->io_wbytes, b->io_wbytes) / dt;
	}
}
