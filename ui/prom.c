/* Metrics for fleets: `climit top --prometheus[=ADDR:PORT]` serves the per-container figures in
 * the Prometheus text exposition format (version 0.0.4) on GET /metrics, and
 * `--prometheus-file PATH` writes the same text atomically (temporary file + rename) after
 * every refresh, for node_exporter's textfile collector. Reads sampler snapshots only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <microhttpd.h>
#include <pthread.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "io.h"
#include "ui.h"
#include "units.h"

static void label_value(FILE *f, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
}

/* Label values: backslash, double quote and newline escaped, as the format requires. */
static void label(FILE *f, const char *name)
{
	fputs("{container=\"", f);
	label_value(f, name);
	fputs("\"}", f);
}

static void label_dev(FILE *f, const char *name, const char *dev)
{
	fputs("{container=\"", f);
	label_value(f, name);
	fputs("\",device=\"", f);
	label_value(f, dev);
	fputs("\"}", f);
}

struct metric {
	const char *name, *type, *help;
};

static const struct metric metrics[] = {
	{ "climit_cpu_usage_seconds_total", "counter", "CPU time used by the container's processes." },
	{ "climit_cpu_throttled_seconds_total", "counter", "Time the container spent throttled by its CPU quota." },
	{ "climit_cpu_throttled_periods_total", "counter", "CFS periods in which the container was throttled." },
	{ "climit_cpu_limit_cpus", "gauge", "CPU quota in CPUs (absent: no quota)." },
	{ "climit_memory_bytes", "gauge", "Memory charged to the container." },
	{ "climit_memory_max_bytes", "gauge", "Hard memory limit (absent: no limit)." },
	{ "climit_memory_peak_bytes", "gauge", "Highest memory use seen by the kernel." },
	{ "climit_oom_kills_total", "counter", "Processes killed by the OOM killer in the container." },
	{ "climit_pids", "gauge", "Tasks (processes and threads) in the container." },
	{ "climit_pids_max", "gauge", "Task limit (absent: no limit)." },
	{ "climit_pids_limit_hits_total", "counter", "Forks refused because the task limit was reached." },
};

/* Per device: labelled {container, device}. */
static const struct metric io_metrics[] = {
	{ "climit_io_read_bytes_total", "counter", "Bytes read from the device by the container." },
	{ "climit_io_write_bytes_total", "counter", "Bytes written to the device by the container." },
	{ "climit_io_read_ops_total", "counter", "Read operations on the device by the container." },
	{ "climit_io_write_ops_total", "counter", "Write operations on the device by the container." },
	{ "climit_io_limit_read_bytes_per_second", "gauge", "Read bandwidth limit (absent: no limit)." },
	{ "climit_io_limit_write_bytes_per_second", "gauge", "Write bandwidth limit (absent: no limit)." },
	{ "climit_io_limit_read_iops", "gauge", "Read operations per second limit (absent: no limit)." },
	{ "climit_io_limit_write_iops", "gauge", "Write operations per second limit (absent: no limit)." },
};

static bool io_value(const struct io_row *r, int m, double *v)
{
	if (m < 4) {
		const uint64_t c[4] = { r->c ? r->c->rbytes : 0, r->c ? r->c->wbytes : 0, r->c ? r->c->rios : 0,
					r->c ? r->c->wios : 0 };
		*v = (double)c[m];
		return r->c != NULL;
	}
	if (!r->l || r->l->v[m - 4] == UNITS_MAX)
		return false;
	*v = (double)r->l->v[m - 4];
	return true;
}
enum { M_CPU, M_THR_S, M_THR_P, M_CPU_LIM, M_MEM, M_MEM_MAX, M_MEM_PEAK, M_OOM, M_PIDS, M_PIDS_MAX, M_HITS, M_COUNT };

/* The value of metric m for g, false where the figure does not exist. */
static bool value(const struct sample_group *g, int m, double *v)
{
	const struct cg_stats *st = &g->st;
	switch (m) {
	case M_CPU: *v = (double)st->cpu_usage_us / 1e6; return st->have & HAVE_CPU;
	case M_THR_S: *v = (double)st->throttled_us / 1e6; return st->have & HAVE_THROTTLE;
	case M_THR_P: *v = (double)st->nr_throttled; return st->have & HAVE_THROTTLE;
	case M_CPU_LIM: *v = st->cpu_limit_pct / 100.0; return st->cpu_limit_pct > 0;
	case M_MEM: *v = (double)st->mem_current; return st->have & HAVE_MEM;
	case M_MEM_MAX: *v = (double)st->mem_max; return (st->have & HAVE_MEM) && st->mem_max != UNITS_MAX;
	case M_MEM_PEAK: *v = (double)st->mem_peak; return st->have & HAVE_MEM_PEAK;
	case M_OOM: *v = (double)st->oom_kills; return st->have & HAVE_OOM;
	case M_PIDS: *v = (double)st->pids_current; return st->have & HAVE_PIDS;
	case M_PIDS_MAX: *v = (double)st->pids_max; return (st->have & HAVE_PIDS) && st->pids_max != UNITS_MAX;
	case M_HITS: *v = (double)st->pids_refused; return st->have & HAVE_PIDS_EVENTS;
	}
	return false;
}

void prom_render(FILE *f, struct sampler *s)
{
	for (int m = 0; m < M_COUNT; m++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metrics[m].name, metrics[m].help, metrics[m].name, metrics[m].type);
		for (int i = 0; i < s->ngroups; i++) {
			double v;
			if (!value(s->groups[i], m, &v))
				continue;
			fputs(metrics[m].name, f);
			label(f, s->groups[i]->name);
			fprintf(f, " %.15g\n", v);
		}
	}
	for (size_t m = 0; m < sizeof io_metrics / sizeof *io_metrics; m++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", io_metrics[m].name, io_metrics[m].help, io_metrics[m].name,
			io_metrics[m].type);
		for (int i = 0; i < s->ngroups; i++) {
			struct io_row rows[2 * CG_IO_DEVS];
			int n = io_rows(&s->groups[i]->st, rows, 2 * CG_IO_DEVS);
			for (int j = 0; j < n; j++) {
				double v;
				if (!io_value(&rows[j], (int)m, &v))
					continue;
				fputs(io_metrics[m].name, f);
				label_dev(f, s->groups[i]->name, rows[j].name);
				fprintf(f, " %.15g\n", v);
			}
		}
	}
}

int prom_write_file(const char *path, struct sampler *s)
{
	char tmp[PATH_MAX];
	snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	prom_render(f, s);
	int bad = ferror(f);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		bad = 1;
	if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
		int saved = errno;
		unlink(tmp);
		errno = saved; /* the caller reports why */
		return -1;
	}
	return 0;
}

/* The HTTP side is libmicrohttpd (the server the Prometheus C client uses), in a thread of its
 * own with a connection limit and timeouts, so no client, however slow or idle, holds up a
 * refresh. It is dlopened here: `climit run` never maps it. The dashboard renders the text once
 * per refresh (prom_publish) and the server thread hands out the latest copy. */
static struct {
	bool loaded;
	struct MHD_Daemon *(*start)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
				    MHD_AccessHandlerCallback, void *, ...);
	void (*stop)(struct MHD_Daemon *);
	struct MHD_Response *(*from_buffer)(size_t, void *, enum MHD_ResponseMemoryMode);
	enum MHD_Result (*add_header)(struct MHD_Response *, const char *, const char *);
	enum MHD_Result (*queue)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
	void (*destroy)(struct MHD_Response *);
} mhd;

static int load_mhd(struct err *e)
{
	if (mhd.loaded)
		return 0;
	static const struct dl_sym syms[] = {
		{ (void **)&mhd.start, "MHD_start_daemon" },
		{ (void **)&mhd.stop, "MHD_stop_daemon" },
		{ (void **)&mhd.from_buffer, "MHD_create_response_from_buffer" },
		{ (void **)&mhd.add_header, "MHD_add_response_header" },
		{ (void **)&mhd.queue, "MHD_queue_response" },
		{ (void **)&mhd.destroy, "MHD_destroy_response" },
	};
	const char *why = dl_load("libmicrohttpd.so.12", syms, sizeof syms / sizeof syms[0]);
	if (why)
		return err_set(e, "--prometheus: %s (the HTTP server)", why);
	mhd.loaded = true;
	return 0;
}

/* The latest rendering, swapped under the lock by the dashboard's thread. */
static pthread_mutex_t text_lock = PTHREAD_MUTEX_INITIALIZER;
static char *text;
static size_t text_len;

static enum MHD_Result respond(struct MHD_Connection *c, unsigned int code, char *body, size_t len)
{
	struct MHD_Response *r = mhd.from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	mhd.add_header(r, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	enum MHD_Result ok = mhd.queue(c, code, r);
	mhd.destroy(r);
	return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **state)
{
	(void)cls, (void)version, (void)upload, (void)upload_size, (void)state;
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return respond(c, 405, strdup("only GET /metrics\n"), 18);
	if (strcmp(url, "/metrics") != 0 && strcmp(url, "/") != 0)
		return respond(c, 404, strdup("metrics are at /metrics\n"), 24);
	pthread_mutex_lock(&text_lock);
	char *copy = malloc(text_len + 1);
	size_t len = text_len;
	if (copy && text)
		memcpy(copy, text, len);
	pthread_mutex_unlock(&text_lock);
	if (!copy)
		return MHD_NO;
	return respond(c, 200, copy, text ? len : 0);
}

void prom_publish(struct sampler *s)
{
	char *body = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&body, &len);
	if (!f)
		return;
	prom_render(f, s);
	if (fclose(f) != 0) {
		free(body);
		return;
	}
	pthread_mutex_lock(&text_lock);
	char *old = text;
	text = body;
	text_len = len;
	pthread_mutex_unlock(&text_lock);
	free(old);
}

/* "HOST:PORT" (IPv4 literal or localhost); default 127.0.0.1:9479. At most 64 connections; a
 * client gets 5 s of silence before it is dropped. */
struct prom_server *prom_listen(const char *addr, struct err *e)
{
	char host[64] = "127.0.0.1";
	long port = 9479;
	if (addr && addr[0]) {
		const char *colon = strrchr(addr, ':');
		if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof host)
			return err_set(e, "--prometheus: \"%s\": expected ADDRESS:PORT, e.g. 127.0.0.1:9479", addr), NULL;
		snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
		char *end;
		port = strtol(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535)
			return err_set(e, "--prometheus: \"%s\": the port must be 1-65535", addr), NULL;
	}
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	static struct sockaddr_in sa;
	sa = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return err_set(e, "--prometheus: \"%s\": not an IPv4 address", host), NULL;
	if (load_mhd(e) < 0)
		return NULL;
	errno = 0;
	struct MHD_Daemon *d = mhd.start(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, (uint16_t)port, NULL, NULL,
					 on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
					 MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 5u,
					 MHD_OPTION_END);
	if (!d)
		return err_sys(e, errno ? errno : EADDRINUSE, "--prometheus: cannot listen on %s:%ld", host, port), NULL;
	return (struct prom_server *)d;
}

void prom_close(struct prom_server *srv)
{
	if (srv)
		mhd.stop((struct MHD_Daemon *)srv);
	pthread_mutex_lock(&text_lock);
	free(text);
	text = NULL;
	text_len = 0;
	pthread_mutex_unlock(&text_lock);
}
