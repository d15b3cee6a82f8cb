/* Options declared once, in a table per command (git's parse-options): the getopt_long array,
 * the --help text and the completions' option list (--completion-helper, as git's) all come
 * from it. Every subcommand's options are a table; the rules are climit's everywhere: an
 * unknown option, a missing value and an option given twice (unless it repeats) are one-line
 * errors naming the option as typed. */
#ifndef CLIMIT_OPTS_H
#define CLIMIT_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "util.h"

enum { OPT_REPEAT = 1 }; /* opt_def.flags: may be given more than once */

struct opt_def {
	const char *name;      /* long name, without "--"; NULL: a line of text in --help (help) */
	int key;               /* a short letter, or a value >= 256 for long-only options (< 1024) */
	const char *arg;       /* the argument's name in --help ("SIZE"); "[=X]": optional; NULL: none */
	const char *help;      /* the help; '\n' starts a continuation line */
	unsigned flags;
};
#define OPT(name, key, arg, help) { name, key, arg, help, 0 }
#define OPT_REPEATS(name, key, arg, help) { name, key, arg, help, OPT_REPEAT }
#define OPT_TEXT(t) { NULL, 0, NULL, t, 0 }
#define OPT_HELP_KEY 'h'
#define OPT_COMPLETE_KEY 1023

/* A scan of argv (argv[0] is the command's name) with one table. */
enum { OPTS_MAX = 64 };
struct opts {
	const struct opt_def *defs;
	int n;
	struct option lo[OPTS_MAX + 3];
	char shorts[2 * OPTS_MAX + 8];
	bool seen[1024];
};
/* PERMUTE: options anywhere (GNU order: `climit set web --mem 1G`); otherwise the scan stops
 * at the first word that is not an option (`climit --pids 9 ls -l` runs ls with -l). */
void opts_begin(struct opts *s, const struct opt_def *defs, int n, bool permute);
/* The next option's key (its argument in *arg, NULL if none), OPT_HELP_KEY, OPT_COMPLETE_KEY;
 * -1 at the end (optind: the first operand); -2 with e. */
int opts_next(struct opts *s, int argc, char **argv, const char **arg, struct err *e);
/* The option's name as the user most likely knows it: "--mem" for its key. */
const char *opts_name(const struct opt_def *defs, int n, int key);

/* Called for each option with its table entry and argument (NULL if none); 0 or -1 with e. */
typedef int opt_fn(void *ctx, const struct opt_def *d, const char *arg, struct err *e);
/* A whole scan (stopping at the first non-option) calling fn per option; returns the index of
 * the first word after the options, or -1 with e. */
int opts_parse(const struct opt_def *defs, int n, int argc, char **argv, opt_fn *fn, void *ctx, bool *help,
	       bool *complete, struct err *e);
/* USAGE, then the table: one entry per option, aligned, its text lines as they are; AFTER. */
void opts_help(FILE *f, const char *usage, const struct opt_def *defs, int n, const char *after);
/* The long options, space-separated, for shell completion ("--report=" forms too). */
void opts_complete(FILE *f, const struct opt_def *defs, int n);

/* Values fit and sweep share: a chart's path (.png, .svg, .pdf) for --plot, a --runs count. */
int opts_plot_path(const char *arg, const char **out, struct err *e);
int opts_runs(const char *arg, int *out, struct err *e);

#endif
