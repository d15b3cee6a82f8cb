/* Options declared once, in a table per command (git's parse-options): the getopt_long array,
 * the --help text and the completions' option list (--completion-helper, as git's) all come
 * from it. Used by the commands written on it (fit, sweep); cli.c's older parsers are next. */
#ifndef CLIMIT_OPTS_H
#define CLIMIT_OPTS_H

#include <stdbool.h>
#include <stdio.h>

#include "util.h"

struct opt_def {
	const char *name;      /* long name, without "--" */
	int key;               /* a short letter, or a value >= 256 for long-only options */
	const char *arg;       /* the argument's name in --help ("SIZE"), NULL: none */
	const char *help;      /* one line; the default in it */
};

/* Called for each option with its table entry and argument (NULL if none); 0 or -1 with e. */
typedef int opt_fn(void *ctx, const struct opt_def *d, const char *arg, struct err *e);

/* Parse argv[1..] with DEFS (N entries) until the first non-option or "--"; returns the index of
 * the first word after the options, or -1 with e ("--opt: ..."). -h/--help and
 * --completion-helper are handled by the caller through *help / *complete. */
int opts_parse(const struct opt_def *defs, int n, int argc, char **argv, opt_fn *fn, void *ctx, bool *help,
	       bool *complete, struct err *e);
/* USAGE, then one line per option from DEFS, aligned. */
void opts_help(FILE *f, const char *usage, const struct opt_def *defs, int n, const char *after);
/* The long options, space-separated, for shell completion. */
void opts_complete(FILE *f, const struct opt_def *defs, int n);

/* Values fit and sweep share: a chart's path (.png, .svg, .pdf) for --plot, a --runs count. */
int opts_plot_path(const char *arg, const char **out, struct err *e);
int opts_runs(const char *arg, int *out, struct err *e);

#endif
