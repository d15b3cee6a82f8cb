/* climit plot: recordings drawn by gnuplot (a separate program: nothing of it is loaded into
 * climit, so `climit run` launches as before; why gnuplot: climit(1), RECORDING). */
#ifndef CLIMIT_PLOT_H
#define CLIMIT_PLOT_H

#include "cli.h"
#include "record.h"

/* One chart of n recordings to o->out (.png, .svg or .pdf by its extension), written to a
 * temporary file and renamed into place only when gnuplot succeeded. */
int plot_runs(const struct rec_run *runs, int n, const struct recv_opts *o, struct err *e);
/* The output format of PATH from its extension ("png", "svg", "pdf"), or NULL. */
const char *plot_format(const char *path);

#endif
