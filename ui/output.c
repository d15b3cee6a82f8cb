/* Non-interactive views: `climit top --batch` frames (like systemd-cgtop -b), `--json` (one
 * object per refresh), and a group as JSON (climit stats --json). */
#define _GNU_SOURCE
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doctor.h"
#include "exitcodes.h"
#include "io.h"
#include "replay.h"
#include "ui.h"
#include "units.h"

static void host_line(FILE *f, struct sampler *s)
{
	char used[32], total[32], rp[300];
	units_format_size(s->host.mem_used, used, sizeof used);
	units_format_size(s->host.mem_total, total, sizeof total);
	if (sampler_replay_status(s, rp, sizeof rp)) {
		fprintf(f, "climit %s  %u CPUs  mem %s  %d container%s\n", rp, s->host.ncpus, total, s->ngroups,
			s->ngroups == 1 ? "" : "s");
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	char ts[16];
	strftime(ts, sizeof ts, "%H:%M:%S", &tm);
	fprintf(f, "climit top %s  cgroup %s  %u CPUs  load %.2f %.2f %.2f  mem %s/%s  %d container%s\n", ts,
		cg_mode_name(s->sys.mode), s->host.ncpus, s->host.load[0], s->host.load[1], s->host.load[2],
		used, total, s->ngroups, s->ngroups == 1 ? "" : "s");
}

/* Text padded to width, left- or right-aligned (fprintf's %-*s / %*s, without its cost). */
static void put_padded(FILE *f, const char *text, int width, bool left)
{
	static const char spaces[] = "                                ";
	size_t len = strlen(text);
	size_t pad = width > (int)len ? (size_t)width - len : 0;
	if (left)
		fwrite_unlocked(text, 1, len, f);
	while (pad) {
		size_t n = pad < sizeof spaces - 1 ? pad : sizeof spaces - 1;
		fwrite_unlocked(spaces, 1, n, f);
		pad -= n;
	}
	if (!left)
		fwrite_unlocked(text, 1, len, f);
}

void output_batch_frame(FILE *f, struct sampler *s, int frame)
{
	if (frame > 0)
		fputc('\n', f);
	host_line(f, s);
	int namew = cols[C_NAME].width;
	for (int i = 0; i < s->ngroups; i++) {
		char buf[600];
		table_cell(s->groups[i], C_NAME, buf, sizeof buf);
		int w = (int)strlen(buf) + 2 * s->groups[i]->depth;
		if (w > namew)
			namew = w;
	}
	for (int c = 0; c < C_COUNT; c++) {
		if (c != C_NAME)
			putc_unlocked(' ', f);
		put_padded(f, cols[c].title, c == C_NAME ? namew : cols[c].width, c == C_NAME || cols[c].left);
	}
	putc_unlocked('\n', f);
	for (int i = 0; i < s->ngroups; i++) {
		struct sample_group *g = s->groups[i];
		char name[600];
		int ind = 2 * g->depth;
		for (int k = 0; k < ind; k++)
			putc_unlocked(' ', f);
		table_cell(g, C_NAME, name, sizeof name);
		put_padded(f, name, namew - ind, true);
		for (int c = C_NAME + 1; c < C_COUNT; c++) {
			char buf[64];
			table_cell(g, c, buf, sizeof buf);
			putc_unlocked(' ', f);
			put_padded(f, buf, cols[c].width, cols[c].left);
		}
		putc_unlocked('\n', f);
	}
	for (int i = s->ev.log_n - 1; i >= 0 && i >= s->ev.log_n - 5; i--) {
		const struct event_entry *e = events_get(&s->ev, s->ev.log_n - 1 - i);
		if (e) {
			char esc[400];
			ui_escape(e->text, esc, sizeof esc);
			fprintf(f, "event: %s\n", esc);
		}
	}
	fflush(f);
}

void output_json_group(FILE *f, const struct sample_group *g)
{
	const struct cg_stats *st = &g->st;
	fputs("{\"name\":", f);
	json_text(f, g->name);
	fputs(",\"path\":", f);
	json_text(f, g->path);
	fprintf(f, ",\"state\":\"%s\"", group_state(g));
#define NUM(key, have, fmt, v) do { if (have) fprintf(f, ",\"" key "\":" fmt, v); else fprintf(f, ",\"" key "\":null"); } while (0)
	NUM("pids", st->have & HAVE_PIDS, "%" PRIu64, st->pids_current);
	NUM("pids_limit", (st->have & HAVE_PIDS) && st->pids_max != UNITS_MAX, "%" PRIu64, st->pids_max);
	NUM("pids_peak", st->have & HAVE_PIDS_PEAK, "%" PRIu64, st->pids_peak);
	NUM("pids_refused", st->have & HAVE_PIDS_EVENTS, "%" PRIu64, st->pids_refused);
	NUM("pids_refused_per_second", g->have_prev, "%.2f", g->refused_rate);
	NUM("memory_bytes", st->have & HAVE_MEM, "%" PRIu64, st->mem_current);
	NUM("memory_limit_bytes", (st->have & HAVE_MEM) && st->mem_max != UNITS_MAX, "%" PRIu64, st->mem_max);
	NUM("memory_peak_bytes", st->have & HAVE_MEM_PEAK, "%" PRIu64, st->mem_peak);
	NUM("oom_kills", st->have & HAVE_OOM, "%" PRIu64, st->oom_kills);
	NUM("cpu_usage_seconds", st->have & HAVE_CPU, "%.6f", (double)st->cpu_usage_us / 1e6);
	NUM("cpu_percent", g->have_prev, "%.2f", g->cpu_pct);
	NUM("cpu_limit_percent", g->cpu_limit_pct > 0, "%.1f", g->cpu_limit_pct);
	NUM("cpu_throttled_seconds", st->have & HAVE_THROTTLE, "%.6f", (double)st->throttled_us / 1e6);
	NUM("cpu_throttled_percent", g->have_prev && (st->have & HAVE_THROTTLE), "%.2f", g->throttled_pct);
	NUM("psi_memory_some_avg10", st->have & HAVE_PSI, "%.2f", st->psi_mem_avg10);
	NUM("psi_cpu_some_avg10", st->have & HAVE_PSI, "%.2f", st->psi_cpu_avg10);
	NUM("psi_io_some_avg10", st->have & HAVE_PSI_IO, "%.2f", st->psi_io_avg10);
	NUM("seccomp_calls", true, "%" PRIu64, g->seccomp_calls);
	NUM("io_read_bytes", st->have & HAVE_IO, "%" PRIu64, st->io_rbytes);
	NUM("io_write_bytes", st->have & HAVE_IO, "%" PRIu64, st->io_wbytes);
	NUM("io_read_ops", st->have & HAVE_IO, "%" PRIu64, st->io_rios);
	NUM("io_write_ops", st->have & HAVE_IO, "%" PRIu64, st->io_wios);
	NUM("io_read_bytes_per_second", g->have_prev && (st->have & HAVE_IO), "%.0f", g->io_read_rate);
	NUM("io_write_bytes_per_second", g->have_prev && (st->have & HAVE_IO), "%.0f", g->io_write_rate);
	struct io_row rows[2 * CG_IO_DEVS];
	int nr = io_rows(st, rows, 2 * CG_IO_DEVS);
	fputs(",\"io_devices\":[", f);
	for (int i = 0; i < nr; i++) {
		const struct io_row *r = &rows[i];
		fprintf(f, "%s{\"device\":", i ? "," : "");
		json_text(f, r->name);
		fprintf(f, ",\"major\":%u,\"minor\":%u", r->major, r->minor);
		NUM("read_bytes", r->c, "%" PRIu64, r->c->rbytes);
		NUM("write_bytes", r->c, "%" PRIu64, r->c->wbytes);
		NUM("read_ops", r->c, "%" PRIu64, r->c->rios);
		NUM("write_ops", r->c, "%" PRIu64, r->c->wios);
		for (int k = 0; k < IO_KEYS; k++) {
			fprintf(f, ",\"%s\":", io_limit_field((enum io_key)k));
			r->l && r->l->v[k] != UNITS_MAX ? fprintf(f, "%" PRIu64, r->l->v[k]) : fputs("null", f);
		}
		fputc('}', f);
	}
	fputc(']', f);
#undef NUM
	fputc('}', f);
}

void output_json_frame(FILE *f, struct sampler *s, int *events_seen)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(f, "{\"time\":%lld.%03ld,\"cgroup\":\"%s\",\"host\":{\"cpus\":%u,\"load\":[%.2f,%.2f,%.2f],"
		   "\"memory_bytes\":%" PRIu64 ",\"memory_total_bytes\":%" PRIu64 "},\"groups\":[",
		(long long)ts.tv_sec, ts.tv_nsec / 1000000, cg_mode_name(s->sys.mode), s->host.ncpus,
		s->host.load[0], s->host.load[1], s->host.load[2], s->host.mem_used, s->host.mem_total);
	for (int i = 0; i < s->ngroups; i++) {
		if (i)
			fputc(',', f);
		output_json_group(f, s->groups[i]);
	}
	fputs("],\"events\":[", f);
	int first = 1;
	for (int i = *events_seen; i < s->ev.log_n; i++) {
		const struct event_entry *e = events_get(&s->ev, s->ev.log_n - 1 - i);
		if (!e)
			continue;
		fprintf(f, "%s{\"kind\":\"%s\",\"group\":", first ? "" : ",", e->kind);
		json_text(f, e->group);
		fputs(",\"text\":", f);
		json_text(f, e->text);
		fprintf(f, ",\"detected_monotonic_us\":%" PRIu64, e->mono_ns / 1000);
		if (e->kmsg_us >= 0)
			fprintf(f, ",\"kernel_us\":%lld", (long long)e->kmsg_us);
		fputc('}', f);
		first = 0;
	}
	*events_seen = s->ev.log_n;
	fputs("]}\n", f);
	fflush(f);
}
