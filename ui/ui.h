/* The dashboard and its plain-text/JSON siblings. Everything here reads struct sampler
 * snapshots (src/observe/sample.h); nothing here opens cgroupfs. The commands that use it
 * (top, replay, ls, stats) are in src/cmd/. */
#ifndef CLIMIT_UI_H
#define CLIMIT_UI_H

#include <stdio.h>

#include "cgroup.h"
#include "sample.h"

/* climit top, ls and stats's options (parsed by src/cmd/cli.c). */
struct top_opts {
	uint64_t delay_ns;     /* -d: refresh interval (default 1 s) */
	uint64_t iterations;   /* -n: frames before exiting; 0 = until q */
	bool batch, json, all, help;
	bool prometheus;       /* --prometheus[=ADDR:PORT]: serve metrics over HTTP */
	const char *prom_addr; /* NULL: 127.0.0.1:9479 */
	const char *prom_file; /* --prometheus-file: written atomically every refresh */
	const char *parent;    /* NULL: place_default_parent() */
	const char *name;      /* stats: the container */
	bool explain;          /* stats --explain: effective limits up the tree (doctor.h) */
	const char *record;    /* top --record FILE */
	const char *replay;    /* top --replay FILE (climit replay FILE) */
	double speed;          /* --replay's starting pace */
	bool delay_given;
};

enum col {
	C_NAME, C_STATE, C_PIDS, C_PLIM, C_REFUSED, C_REFRATE, C_MEM, C_MLIM, C_MEMPCT, C_PEAK,
	C_OOM, C_CPU, C_CPULIM, C_THR, C_IOR, C_IOW, C_PSIM, C_PSIC, C_PSII, C_COUNT
};
struct col_def {
	const char *title;
	int width;
	bool left;
	const char *json;   /* field name in --json output */
};
extern const struct col_def cols[C_COUNT];

const char *group_state(const struct sample_group *g);
/* One cell as text (already escaped; fits cols[c].width except C_NAME). */
void table_cell(const struct sample_group *g, enum col c, char *buf, size_t size);
void table_sort(struct sample_group **v, int n, enum col c, bool reverse);
/* Hostile names (escape sequences, invalid UTF-8, newlines) become visible \xNN escapes;
 * valid printable UTF-8 is kept. */
void ui_escape(const char *in, char *out, size_t size);

/* Plain-text frame (like systemd-cgtop -b) and one JSON object per refresh. */
void output_batch_frame(FILE *f, struct sampler *s, int frame);
void output_json_frame(FILE *f, struct sampler *s, int *events_seen);
/* One group as a JSON object (the fields of --json's rows). */
void output_json_group(FILE *f, const struct sample_group *g);
/* Prometheus text exposition of the current snapshot; the listening socket of --prometheus
 * (fd, or -1 with e filled), one request served on it, and --prometheus-file's atomic write
 * (0, or -1 with errno). */
void prom_render(FILE *f, struct sampler *s);
/* Serve /metrics from a thread of libmicrohttpd's; NULL with e filled on failure. */
struct prom_server;
struct prom_server *prom_listen(const char *addr, struct err *e);
/* Render the sampler's figures as the text the server hands out from now on. */
void prom_publish(struct sampler *s);
void prom_close(struct prom_server *srv);
int prom_write_file(const char *path, struct sampler *s, struct err *e);
/* climit doctor / stats --explain lines: "✓ what: detail" / "✗ what: detail\n    fix: ..."
 * (ok/NO without UTF-8), or a JSON array. */
struct doctor;
/* The interactive dashboard; returns an exit status. Falls back to batch (with a message)
 * when the terminal cannot be used. */
int top_interactive(struct sampler *s, const struct top_opts *o);
/* TERM names a terminal ncurses knows; else says so on stderr (the caller shows batch frames). */
bool top_terminal_usable(void);

#endif
