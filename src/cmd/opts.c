/* Options from a table (see opts.h). */
#define _GNU_SOURCE
#include "opts.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "exitcodes.h"
#include "plot.h"
#include "units.h"

enum { KEY_HELP = 'h', KEY_COMPLETE = 0x7fff };

int opts_parse(const struct opt_def *defs, int n, int argc, char **argv, opt_fn *fn, void *ctx, bool *help,
	       bool *complete, struct err *e)
{
	struct option lo[n + 3];
	char shorts[2 * n + 8];
	size_t ns = 0;
	shorts[ns++] = '+'; /* stop at the command: its own options are its own */
	shorts[ns++] = ':'; /* a missing argument is ':', not '?' */
	for (int i = 0; i < n; i++) {
		lo[i] = (struct option){ defs[i].name, defs[i].arg ? required_argument : no_argument, NULL, defs[i].key };
		if (defs[i].key < 256) {
			shorts[ns++] = (char)defs[i].key;
			if (defs[i].arg)
				shorts[ns++] = ':';
		}
	}
	lo[n] = (struct option){ "help", no_argument, NULL, KEY_HELP };
	lo[n + 1] = (struct option){ "completion-helper", no_argument, NULL, KEY_COMPLETE };
	lo[n + 2] = (struct option){ 0 };
	shorts[ns++] = 'h';
	shorts[ns] = '\0';
	*help = *complete = false;
	optind = 0; /* a fresh scan (GNU getopt) */
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const char *bad = argv[optind - 1];
		if (c == '?')
			return optopt && optopt < 256 ? err_set(e, "-%c: unknown option", optopt)
						      : err_set(e, "%s: unknown option", bad);
		if (c == ':')
			return err_set(e, "%s: needs a value", bad);
		if (c == KEY_HELP) {
			*help = true;
			continue;
		}
		if (c == KEY_COMPLETE) {
			*complete = true;
			continue;
		}
		for (int i = 0; i < n; i++)
			if (defs[i].key == c && fn(ctx, &defs[i], optarg, e) < 0)
				return -1;
	}
	return optind;
}

void opts_help(FILE *f, const char *usage, const struct opt_def *defs, int n, const char *after)
{
	fputs(usage, f);
	for (int i = 0; i < n; i++) {
		char left[64], shrt[8] = "    ";
		if (defs[i].key < 256)
			snprintf(shrt, sizeof shrt, "-%c, ", defs[i].key);
		snprintf(left, sizeof left, "%s--%s%s%s", shrt, defs[i].name, defs[i].arg ? " " : "",
			 defs[i].arg ? defs[i].arg : "");
		fprintf(f, "  %-26s %s\n", left, defs[i].help);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "this text");
	if (after)
		fputs(after, f);
}

void opts_complete(FILE *f, const struct opt_def *defs, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(f, "--%s%s", defs[i].name, i + 1 < n ? " " : "");
	fputs(" --help\n", f);
}

int opts_plot_path(const char *arg, const char **out, struct err *e)
{
	if (!plot_format(arg))
		return err_set(e, "--plot: \"%s\": not a .png, .svg or .pdf file name", arg);
	*out = arg;
	return 0;
}

int opts_runs(const char *arg, int *out, struct err *e)
{
	uint64_t v;
	const char *why = NULL;
	if (units_parse_uint(arg, 1, 100, false, &v, &why) < 0)
		return err_set(e, "--runs: \"%s\": %s (1 to 100)", arg, why);
	*out = (int)v;
	return 0;
}

int cmd_fail(const struct err *e)
{
	fprintf(stderr, "climit: %s\n", e->msg);
	return EXIT_CLIMIT;
}
