/* climit plot: recordings drawn by gnuplot (a separate program: nothing of it is loaded into
 * climit, so `climit run` launches as before; why gnuplot: climit(1), RECORDING). */
#ifndef CLIMIT_PLOT_H
#define CLIMIT_PLOT_H

#include "record.h"

/* What a chart looks like: where it goes (its extension says the format), its size in pixels
 * (pdf: 1/100 inch), its title (NULL: the command and its limits). */
struct plot_opts {
	const char *out;
	unsigned width, height;
	const char *title;
};

/* One chart of n recordings to o->out (.png, .svg or .pdf by its extension), written to a
 * temporary file and renamed into place only when gnuplot succeeded. */
int plot_runs(const struct rec_run *runs, int n, const struct plot_opts *o, struct err *e);
/* gnuplot's terminal for FMT at that size, writing to the chart gp_render collects. */
void gp_terminal(FILE *f, const char *fmt, unsigned width, unsigned height);
/* A gnuplot string of untrusted text (single-quoted: nothing in it runs); DRAWN: enhanced-text
 * specials escaped too. */
void gp_quoted(FILE *f, const char *s, bool drawn);
/* Run gnuplot on the script FN writes (it starts with gp_terminal) and put the chart at OUT
 * (outfile.c's rules, a regular file only), only if gnuplot succeeded; 0 or -1 with e. */
typedef void gp_script_fn(FILE *f, const void *arg);
int gp_render(const char *out, const char *fmt, gp_script_fn *fn, const void *arg, struct err *e);
/* The output format of PATH from its extension ("png", "svg", "pdf"), or NULL. */
const char *plot_format(const char *path);

#endif
