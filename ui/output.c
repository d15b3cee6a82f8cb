/* Non-interactive views: `climit top --batch` frames (like systemd-cgtop -b), `--json` (one
 * object per refresh), `climit ls` and `climit stats NAME`. */
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

static void json_group(FILE *f, const struct sample_group *g)
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
	NUM("pids_refused_per_sec", g->have_prev, "%.2f", g->refused_rate);
	NUM("memory_bytes", st->have & HAVE_MEM, "%" PRIu64, st->mem_current);
	NUM("memory_limit_bytes", (st->have & HAVE_MEM) && st->mem_max != UNITS_MAX, "%" PRIu64, st->mem_max);
	NUM("memory_peak_bytes", st->have & HAVE_MEM_PEAK, "%" PRIu64, st->mem_peak);
	NUM("oom_kills", st->have & HAVE_OOM, "%" PRIu64, st->oom_kills);
	NUM("cpu_usage_sec", st->have & HAVE_CPU, "%.6f", (double)st->cpu_usage_us / 1e6);
	NUM("cpu_percent", g->have_prev, "%.2f", g->cpu_pct);
	NUM("cpu_limit_percent", g->cpu_limit_pct > 0, "%.1f", g->cpu_limit_pct);
	NUM("cpu_throttled_sec", st->have & HAVE_THROTTLE, "%.6f", (double)st->throttled_us / 1e6);
	NUM("cpu_throttled_percent", g->have_prev && (st->have & HAVE_THROTTLE), "%.2f", g->throttled_pct);
	NUM("psi_memory_some_avg10", st->have & HAVE_PSI, "%.2f", st->psi_mem_avg10);
	NUM("psi_cpu_some_avg10", st->have & HAVE_PSI, "%.2f", st->psi_cpu_avg10);
	NUM("psi_io_some_avg10", st->have & HAVE_PSI_IO, "%.2f", st->psi_io_avg10);
	NUM("seccomp_calls", true, "%" PRIu64, g->seccomp_calls);
	NUM("io_read_bytes", st->have & HAVE_IO, "%" PRIu64, st->io_rbytes);
	NUM("io_write_bytes", st->have & HAVE_IO, "%" PRIu64, st->io_wbytes);
	NUM("io_read_ops", st->have & HAVE_IO, "%" PRIu64, st->io_rios);
	NUM("io_write_ops", st->have & HAVE_IO, "%" PRIu64, st->io_wios);
	NUM("io_read_bytes_per_sec", g->have_prev && (st->have & HAVE_IO), "%.0f", g->io_read_rate);
	NUM("io_write_bytes_per_sec", g->have_prev && (st->have & HAVE_IO), "%.0f", g->io_write_rate);
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
		NUM("limit_read_bps", r->l && r->l->v[IO_RBPS] != UNITS_MAX, "%" PRIu64, r->l->v[IO_RBPS]);
		NUM("limit_write_bps", r->l && r->l->v[IO_WBPS] != UNITS_MAX, "%" PRIu64, r->l->v[IO_WBPS]);
		NUM("limit_read_iops", r->l && r->l->v[IO_RIOPS] != UNITS_MAX, "%" PRIu64, r->l->v[IO_RIOPS]);
		NUM("limit_write_iops", r->l && r->l->v[IO_WIOPS] != UNITS_MAX, "%" PRIu64, r->l->v[IO_WIOPS]);
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
		json_group(f, s->groups[i]);
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

static int fail(const struct err *e)
{
	fprintf(stderr, "climit: %s\n", e->msg);
	return EXIT_CLIMIT;
}

/* The non-interactive loop (batch, JSON, Prometheus): refresh every delay, and at once when an
 * OOM kill or pids-limit hit is signalled (so a script sees it within milliseconds, not at the
 * next tick); serve metrics requests on lfd (-1: none) in between. */
static int refresh_loop(struct sampler *s, const struct top_opts *o, struct prom_server *srv, bool frames,
			struct err *e)
{
	int events_seen = 0;
	uint64_t next = now_ns();
	for (uint64_t frame = 0; o->iterations == 0 || frame < o->iterations; frame++) {
		sampler_refresh(s);
		if (srv)
			prom_publish(s);
		if (o->prom_file && prom_write_file(o->prom_file, s, e) < 0)
			return err_wrap(e, "--prometheus-file");
		if (frames) {
			if (o->json)
				output_json_frame(stdout, s, &events_seen);
			else
				output_batch_frame(stdout, s, (int)frame);
			if (ferror(stdout))
				break;
		}
		if (o->iterations && frame + 1 >= o->iterations)
			break;
		if (sampler_replay_ended(s))
			break; /* a replay without a terminal plays once */
		next += o->delay_ns;
		for (;;) {
			uint64_t now = now_ns();
			if (now >= next)
				break;
			int w = sampler_wait(s, next - now, -1, NULL);
			if (w == 1) {
				next = now_ns(); /* refresh now; the period restarts from here */
				break;
			}
		}
		if (now_ns() > next)
			next = now_ns(); /* a slow refresh does not cause a burst of catching up */
	}
	return 0;
}

/* The dashboard, its batch and JSON frames and its exporters, live or replayed; ARGV is the
 * command line for a recording's header. */
static int top_run(struct top_opts o, int argc, char **argv)
{
	struct err e;
	struct sampler s;
	static struct replay rp;
	static struct rec_writer rw;
	if (o.replay) {
		if (replay_open(&rp, o.replay, o.speed, &e) < 0) {
			err_wrap(&e, "--replay");
			return fail(&e);
		}
		static struct sample_source src;
		replay_source(&rp, &src);
		sampler_open_source(&s, &src, &e);
		/* Redraw at the recorded pace (at most 10 times a second), unless -d says otherwise. */
		if (!o.delay_given)
			o.delay_ns = rp.run.interval >= 0.1 ? (uint64_t)(rp.run.interval * 1e9) : 100000000ull;
	} else if (sampler_open(&s, o.parent, o.all, &e) < 0) {
		return fail(&e);
	}
	if (o.record) {
		if (rec_open(&rw, o.record, &e) < 0) {
			sampler_close(&s);
			return fail(&e);
		}
		/* The header's command is climit's own: "climit top ...". */
		char *cmd[argc + 2];
		cmd[0] = "climit";
		memcpy(cmd + 1, argv, (size_t)argc * sizeof *argv);
		cmd[argc + 1] = NULL;
		struct rec_header h = {
			.source = "top", .argv = cmd, .cgroup = o.all ? "" : s.parent,
			.cgroup_version = cg_mode_name(s.sys.mode), .interval_ns = o.delay_ns, .mem_max = OPT_UNSET,
			.mem_high = OPT_UNSET, .swap_max = OPT_UNSET, .pids_max = OPT_UNSET, .cpu_quota_us = OPT_UNSET,
			.cpu_weight = OPT_UNSET,
		};
		if (rec_header(&rw, &h, &e) < 0) {
			rec_discard(&rw);
			sampler_close(&s);
			return fail(&e);
		}
		s.rec = &rw;
	}
	bool exporting = o.prometheus || o.prom_file;
	int rc = 0;
	struct prom_server *srv = NULL;
	if (o.prometheus && !(srv = prom_listen(o.prom_addr, &e)))
		rc = fail(&e);
	/* The one place that chooses between the screen and the batch writer. */
	else if (!exporting && !o.batch && !o.json && isatty(STDOUT_FILENO) && top_terminal_usable())
		rc = top_interactive(&s, &o);
	/* Frames unless only exporting metrics (then only with -b or --json). */
	else if (refresh_loop(&s, &o, srv, !exporting || o.batch || o.json, &e) < 0)
		rc = fail(&e);
	prom_close(srv);
	sampler_close(&s);
	if (o.record)
		rec_close(&rw);
	if (o.replay)
		replay_close(&rp);
	return rc;
}

int cmd_top(int argc, char **argv)
{
	struct top_opts o;
	struct err e;
	if (cli_parse_top("top", argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_top("top");
		return 0;
	}
	return top_run(o, argc, argv);
}

int cmd_replay(int argc, char **argv)
{
	struct recv_opts r;
	struct err e;
	if (cli_parse_recv("replay", argc, argv, &r, &e) < 0)
		return fail(&e);
	if (r.help) {
		cli_usage_recv("replay");
		return 0;
	}
	/* top's defaults, then the replay's file and pace. */
	char *top[] = { "top", NULL };
	struct top_opts o;
	if (cli_parse_top("top", 1, top, &o, &e) < 0)
		return fail(&e);
	o.replay = r.files[0];
	o.speed = r.speed;
	return top_run(o, 1, top);
}

int cmd_ls(int argc, char **argv)
{
	struct top_opts o;
	struct err e;
	if (cli_parse_top("ls", argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_top("ls");
		return 0;
	}
	struct sampler s;
	if (sampler_open(&s, o.parent, o.all, &e) < 0)
		return fail(&e);
	s.full = true;
	sampler_refresh(&s);
	table_sort(s.groups, s.ngroups, C_NAME, false);
	if (o.json) {
		int seen = s.ev.log_n;
		output_json_frame(stdout, &s, &seen);
	} else {
		printf("%-24s %-7s %6s %6s %8s %8s %6s %8s %8s\n", "NAME", "STATE", "PIDS", "P.LIM", "MEM", "M.LIM", "C.LIM",
		       "READ", "WRITTEN");
		for (int i = 0; i < s.ngroups; i++) {
			struct sample_group *g = s.groups[i];
			char c[5][64];
			table_cell(g, C_NAME, c[0], sizeof c[0]);
			table_cell(g, C_PIDS, c[1], sizeof c[1]);
			table_cell(g, C_PLIM, c[2], sizeof c[2]);
			table_cell(g, C_MEM, c[3], sizeof c[3]);
			table_cell(g, C_MLIM, c[4], sizeof c[4]);
			char cl[32], rd[32] = "-", wr[32] = "-";
			table_cell(g, C_CPULIM, cl, sizeof cl);
			/* One snapshot has no rates: the bytes moved so far. */
			if (g->st.have & HAVE_IO) {
				units_format_size(g->st.io_rbytes, rd, sizeof rd);
				units_format_size(g->st.io_wbytes, wr, sizeof wr);
			}
			printf("%-24s %-7s %6s %6s %8s %8s %6s %8s %8s\n", c[0], group_state(g), c[1], c[2], c[3], c[4], cl, rd, wr);
		}
	}
	sampler_close(&s);
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	struct top_opts o;
	struct err e;
	if (cli_parse_top("stats", argc, argv, &o, &e) < 0)
		return fail(&e);
	if (o.help) {
		cli_usage_top("stats");
		return 0;
	}
	struct sampler s;
	if (sampler_open(&s, o.parent, false, &e) < 0)
		return fail(&e);
	s.full = true;
	sampler_refresh(&s);
	struct sample_group *g = sampler_find(&s, o.name);
	if (!g) {
		sampler_close(&s);
		err_set(&e, "stats: \"%s\": no such container under %s", o.name, s.parent);
		return fail(&e);
	}
	if (o.explain) {
		struct doctor d = { .n = 0 };
		doctor_explain(&g->cg, &d);
		printf(o.json ? "" : "%s: effective limits (the lowest up the tree wins)\n", o.name);
		doctor_print(stdout, &d, o.json, locale_utf8());
		sampler_close(&s);
		return doctor_failures(&d) ? 1 : 0; /* as climit doctor: 1 when a limit binds */
	}
	/* A second sample makes the rates (CPU %, refused forks/s) meaningful. */
	sleep_ns(o.delay_ns);
	sampler_refresh(&s);
	g = sampler_find(&s, o.name);
	if (!g) {
		sampler_close(&s);
		err_set(&e, "stats: \"%s\": the container ended", o.name);
		return fail(&e);
	}
	if (o.json) {
		json_group(stdout, g);
		fputc('\n', stdout);
	} else {
		for (int c = 0; c < C_COUNT; c++) {
			char buf[600];
			table_cell(g, c, buf, sizeof buf);
			printf("%-24s %s\n", cols[c].json, buf);
		}
	}
	sampler_close(&s);
	return 0;
}
