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
#include "metrics.h"
#include "outfile.h"
#include "io.h"
#include "ui.h"
#include "units.h"

/* Label values: backslash, double quote and newline escaped, as the format requires. */
static void label(FILE *f, const char *name)
{
	fputs("{container=\"", f);
	metric_label_value(f, name);
	fputs("\"}", f);
}

static void label_dev(FILE *f, const char *name, const char *dev)
{
	fputs("{container=\"", f);
	metric_label_value(f, name);
	fputs("\",device=\"", f);
	metric_label_value(f, dev);
	fputs("\"}", f);
}

/* Per device: labelled {container, device}. */
static const struct metric_def io_metrics[] = {
	{ "climit_io_read_bytes_total", "counter", "Bytes read from the device by the container." },
	{ "climit_io_write_bytes_total", "counter", "Bytes written to the device by the container." },
	{ "climit_io_read_ops_total", "counter", "Read operations on the device by the container." },
	{ "climit_io_write_ops_total", "counter", "Write operations on the device by the container." },
	{ "climit_io_limit_read_bytes_per_second", "gauge", "Read bandwidth limit (absent: no limit)." },
	{ "climit_io_limit_write_bytes_per_second", "gauge", "Write bandwidth limit (absent: no limit)." },
	{ "climit_io_limit_read_ops_per_second", "gauge", "Read operations per second limit (absent: no limit)." },
	{ "climit_io_limit_write_ops_per_second", "gauge", "Write operations per second limit (absent: no limit)." },
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
void prom_render(FILE *f, struct sampler *s)
{
	for (int m = 0; m < M_COUNT; m++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", metric_defs[m].name, metric_defs[m].help, metric_defs[m].name,
			metric_defs[m].type);
		for (int i = 0; i < s->ngroups; i++) {
			double v;
			if (!metric_value(&s->groups[i]->st, m, &v))
				continue;
			fputs(metric_defs[m].name, f);
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

int prom_write_file(const char *path, struct sampler *s, struct err *e)
{
	struct out_file of;
	if (out_open(&of, path, OUT_REPLACE, 0, e) < 0)
		return -1;
	FILE *f = out_stdio(&of);
	if (!f) {
		out_abort(&of);
		return err_sys(e, ENOMEM, "\"%s\"", path);
	}
	prom_render(f, s);
	if (out_commit(&of) < 0)
		return err_sys(e, errno, "\"%s\"", path);
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
