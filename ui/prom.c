/* Metrics for fleets: `climit top --prometheus[=ADDR:PORT]` serves the per-container figures in
 * the Prometheus text exposition format (version 0.0.4) on GET /metrics, and
 * `--prometheus-file PATH` writes the same text atomically (temporary file + rename) after
 * every refresh, for node_exporter's textfile collector. Reads sampler snapshots only. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exitcodes.h"
#include "ui.h"
#include "units.h"

/* Label values: backslash, double quote and newline escaped, as the format requires. */
static void label(FILE *f, const char *name)
{
	fputs("{container=\"", f);
	for (const char *p = name; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
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

/* "HOST:PORT" (IPv4 literal or localhost); default 127.0.0.1:9479. */
int prom_listen(const char *addr, struct err *e)
{
	char host[64] = "127.0.0.1";
	long port = 9479;
	if (addr && addr[0]) {
		const char *colon = strrchr(addr, ':');
		if (!colon || colon == addr || (size_t)(colon - addr) >= sizeof host)
			return err_set(e, "--prometheus: \"%s\": expected ADDRESS:PORT, e.g. 127.0.0.1:9479", addr);
		snprintf(host, sizeof host, "%.*s", (int)(colon - addr), addr);
		char *end;
		port = strtol(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535)
			return err_set(e, "--prometheus: \"%s\": the port must be 1-65535", addr);
	}
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof host, "127.0.0.1");
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return err_set(e, "--prometheus: \"%s\": not an IPv4 address", host);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1;
	if (fd < 0)
		return err_sys(e, errno, "--prometheus: socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
		int saved = errno;
		close(fd);
		return err_sys(e, saved, "--prometheus: cannot listen on %s:%ld", host, port);
	}
	return fd;
}

/* One request, one response, close (HTTP/1.0 style). A slow client gets 2 s. */
void prom_serve(int lfd, struct sampler *s)
{
	int c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	char req[2048];
	size_t n = 0;
	struct pollfd p = { .fd = c, .events = POLLIN };
	while (n < sizeof req - 1 && !memmem(req, n, "\r\n\r\n", 4) && poll(&p, 1, 2000) == 1) {
		ssize_t k = read(c, req + n, sizeof req - 1 - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	req[n] = '\0';
	char *body = NULL;
	size_t blen = 0;
	const char *status = "200 OK";
	FILE *f = open_memstream(&body, &blen);
	if (!f) {
		close(c);
		return;
	}
	if (strncmp(req, "GET ", 4) != 0 && strncmp(req, "HEAD ", 5) != 0) {
		status = "405 Method Not Allowed";
		fputs("only GET /metrics\n", f);
	} else if (strncmp(req + (req[0] == 'G' ? 4 : 5), "/metrics", 8) != 0 &&
		   strncmp(req + (req[0] == 'G' ? 4 : 5), "/ ", 2) != 0) {
		status = "404 Not Found";
		fputs("metrics are at /metrics\n", f);
	} else {
		prom_render(f, s);
	}
	fclose(f);
	char head[256];
	int hl = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
					   "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, blen);
	(void)!write(c, head, (size_t)hl);
	if (req[0] != 'H')
		for (size_t off = 0; off < blen;) {
			ssize_t k = write(c, body + off, blen - off);
			if (k <= 0)
				break;
			off += (size_t)k;
		}
	free(body);
	close(c);
}
