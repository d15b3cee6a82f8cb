/* The dashboard and its plain-text/JSON siblings. Everything here reads struct sampler
 * snapshots (src/observe/sample.h); nothing here opens cgroupfs. */
#ifndef CLIMIT_UI_H
#define CLIMIT_UI_H

#include <stdio.h>

#include "cli.h"
#include "sample.h"

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
int cmd_top(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_ls(int argc, char **argv);
int cmd_stats(int argc, char **argv);
/* The interactive dashboard; returns an exit status. Falls back to batch (with a message)
 * when the terminal cannot be used. */
int top_interactive(struct sampler *s, const struct top_opts *o);
/* TERM names a terminal ncurses knows; else says so on stderr (the caller shows batch frames). */
bool top_terminal_usable(void);

#endif
